/* cmd_diff.c — `goboot diff A B`: two traces, recordings or goldens (two Go versions,
 * two auxv variants, before and after a change), aligned by milestone: instruction
 * deltas at each milestone, syscalls added/removed/changed between milestones,
 * milestones on one side only, then changed boot state, stop, output and inputs. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "commands.h"
#include "image.h"

static const char diff_help[] =
  "usage: goboot diff A B\n\n"
  "Compare two traces ('goboot run --trace'), recordings ('goboot record') or golden\n"
  "files, aligned by milestone. Lines: '@ MILESTONE i A -> B (delta)' per milestone,\n"
  "then '- ' an event only in A, '+ ' only in B, '~ ' the same syscall with other\n"
  "arguments or result (the changed fields follow); then every other differing field.\n"
  "Virtual time and host paths are ignored (both sides are cut to the golden subset).\n\n"
  "Exit code: 0 no difference, 1 differences, 64 bad command line, 65 cannot read.\n";

int cmd_diff(int argc, char **argv) {
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    fputs(diff_help, stdout);
    return GB_OK;
  }
  if (argc != 3) {
    fprintf(stderr, "goboot diff: expected two files\n\n%s", diff_help);
    return GB_E_USAGE;
  }
  char err[512];
  cJSON *a = gb_an_load(argv[1], err, sizeof err), *b = NULL;
  if (a) b = gb_an_load(argv[2], err, sizeof err);
  if (!a || !b) {
    fprintf(stderr, "goboot diff: %s\n", err);
    cJSON_Delete(a);
    return GB_E_IO;
  }
  int n = gb_an_diff(a, b, argv[1], argv[2], stdout, err, sizeof err);
  cJSON_Delete(a);
  cJSON_Delete(b);
  if (n < 0) {
    fprintf(stderr, "goboot diff: %s\n", err);
    return GB_E_USAGE;
  }
  printf("%d difference%s\n", n, n == 1 ? "" : "s");
  return n ? GB_E_DIFFER : GB_OK;
}
