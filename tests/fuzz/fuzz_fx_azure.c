/* libFuzzer target: the azure-storage-log unit of investigate (see fx_fuzz.h). */
#define FX_UNIT "azure-storage-log"
#include "fx_fuzz.h"
