/* filled in by its owner */
#include "base32.h"
