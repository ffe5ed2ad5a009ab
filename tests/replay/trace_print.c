/* trace_print FILE: the trace in FILE (a trace or a recording) printed as the whole tree
 * at once with cJSON_Print and a newline — what `goboot run --trace` wrote before it
 * streamed its events, the layout the streamed file must keep byte for byte. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"

int main(int argc, char **argv) {
  char err[256];
  if (argc != 2) return 2;
  cJSON *doc = gb_an_load(argv[1], err, sizeof err);
  if (!doc) {
    fprintf(stderr, "trace_print: %s\n", err);
    return 1;
  }
  char *s = cJSON_Print(gb_an_trace_of(doc));
  if (!s) return 1;
  printf("%s\n", s);
  free(s);
  cJSON_Delete(doc);
  return 0;
}
