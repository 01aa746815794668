/* filled in by its owner */
#include "device.h"
