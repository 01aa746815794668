/* filled in by its owner */
#include "otp.h"
