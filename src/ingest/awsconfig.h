/* awsconfig.h - AWS Config adapter (see awsconfig.c). */
#ifndef CW_AWSCONFIG_H
#define CW_AWSCONFIG_H
#include "ingest.h"

extern const cw_adapter cw_adapter_awsconfig;
/* 1 when v looks like a configuration item. */
int cw_awsconfig_is_item(const cw_json *v);
/* 1 when mt is a message type AWS Config sends (see msg_types in awsconfig.c). */
int cw_awsconfig_message_known(const char *mt);
/* Turn a configuration item (owned by s->arena, decoded in place) into an
 * asset; rec locates errors. Returns 0 or -1 with a diagnostic. */
int cw_awsconfig_item_to_asset(cw_assets *s, cw_json *item, const char *file, const cw_jrecord *rec,
                               cw_diags *d, cw_asset **out);
#endif
