/* oracle_json.h — host-side views of a gb_oracle_state: the contract's JSON boot state
 * (docs/HELPERS-CONTRACT.md) via cJSON, and the reader of goboot-rtc's line report.
 * Not freestanding: only the host library (goboot_oracle) builds these. */
#ifndef GOBOOT_RUNTIME_C_ORACLE_JSON_H
#define GOBOOT_RUNTIME_C_ORACLE_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "oracle.h"

/* The boot-state object: contract keys only, absent fields omitted. With EXTRAS, an
 * "oracle" sub-object adds the non-contract fields (fault, fatal_detail, auxv source,
 * envc, AT_RANDOM address, …). Caller owns the result (cJSON_Delete). */
cJSON *gb_oracle_to_cjson(const gb_oracle_state *st, int extras);

/* Parse goboot-rtc's "key=value" report (gb_oracle_format's output) into ST.
 * Returns 0, or -1 with a message in err (missing header or "end", bad value). */
int gb_oracle_parse_report(const char *text, gb_oracle_state *st, char *err, size_t errlen);

#endif
