/* reports.c - findings reports found among inputs (cloudwarden's own JSON,
 * SARIF and OCSF outputs, or another scanner's): not inventories, so a
 * directory that holds last run's findings beside the snapshots is scanned
 * cleanly, the report skipped with a note instead of failing the run as
 * "not a recognised inventory". */
#include <string.h>

#include "ingest.h"

const char *cw_ingest_findings_report(const cw_json *header, const cw_json *first)
{
    (void)header;
    if (!first || first->type != CW_JOBJ) return NULL;
    const cw_json *tool = cw_json_get(first, "tool");
    const char *tname = cw_json_str(cw_json_get(tool, "name"), NULL);
    if (cw_json_get(first, "findings") && tname)
        return strcmp(tname, "cloudwarden") == 0 ? "a cloudwarden JSON findings report" : "a JSON findings report";
    const char *schema = cw_json_str(cw_json_get(first, "$schema"), "");
    if (cw_json_get(first, "runs") && (strstr(schema, "sarif") || cw_json_get(first, "version")))
        return "a SARIF report";
    if (cw_json_get(first, "class_uid") && cw_json_get(first, "finding_info")) return "an OCSF findings report";
    return NULL;
}

void cw_ingest_reports_project(cw_arena *a, cw_jproj *item)
{
    static const char *const whole[] = {"tool", "$schema", "version", "class_uid", NULL};
    for (const char *const *k = whole; *k; k++) cw_jproj_keep(a, item, *k);
    static const char *const present[] = {"findings", "runs", "finding_info", NULL};
    for (const char *const *k = present; *k; k++) (void)cw_jproj_child(a, item, *k, strlen(*k));
}
