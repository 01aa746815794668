/* filled in by its owner */
#include "verify.h"
