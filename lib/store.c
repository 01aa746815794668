/* filled in by its owner */
#include "store.h"
