/* libFuzzer target: the s3-access-log unit of investigate (see fx_fuzz.h). */
#define FX_UNIT "s3-access-log"
#include "fx_fuzz.h"
