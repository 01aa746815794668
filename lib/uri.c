/* filled in by its owner */
#include "uri.h"
