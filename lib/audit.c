/* filled in by its owner */
#include "audit.h"
