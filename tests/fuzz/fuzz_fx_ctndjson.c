/* libFuzzer target: the cloudtrail-ndjson unit of investigate (see fx_fuzz.h). */
#define FX_UNIT "cloudtrail-ndjson"
#include "fx_fuzz.h"
