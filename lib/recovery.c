/* filled in by its owner */
#include "recovery.h"
