/* libFuzzer target: the cloudtrail unit of investigate (see fx_fuzz.h). */
#define FX_UNIT "cloudtrail"
#include "fx_fuzz.h"
