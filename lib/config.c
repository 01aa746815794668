/* filled in by its owner */
#include "config.h"
