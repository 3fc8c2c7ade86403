/* libFuzzer target: the gcs-usage-log unit of investigate (see fx_fuzz.h). */
#define FX_UNIT "gcs-usage-log"
#include "fx_fuzz.h"
