/* validate.h — a checker for Chrome/Perfetto trace-event JSON (the JSON Object Format),
 * as strict as goboot needs: known phase types with their required fields, numeric
 * ts/dur, complete ("X") slices properly nested per thread, every thread named. */
#ifndef GOBOOT_TESTS_VIZ_VALIDATE_H
#define GOBOOT_TESTS_VIZ_VALIDATE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* 0 when DOC is valid; otherwise -1 with the first problem in err. Counts (may be NULL)
 * receive the number of X, i and M events. */
int viz_validate_timeline(const cJSON *doc, char *err, size_t errlen, int *nx, int *ni, int *nm);

#endif
