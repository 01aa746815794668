/* filled in by its owner */
#include "record.h"
