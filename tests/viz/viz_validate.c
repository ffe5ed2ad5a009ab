/* viz_validate.c — `viz_validate FILE [MIN_X MIN_I]`: check a `goboot timeline` output
 * file with validate.c; prints the counts, exit 0 when valid (and at least MIN_X slices
 * and MIN_I instants), 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>

#include "validate.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: viz_validate FILE [MIN_X MIN_I]\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  char *buf = size > 0 ? malloc((size_t)size) : NULL;
  size_t len = buf ? fread(buf, 1, (size_t)size, f) : 0;
  fclose(f);
  cJSON *doc = buf ? cJSON_ParseWithLength(buf, len) : NULL;
  free(buf);
  if (!doc) {
    fprintf(stderr, "%s: not JSON\n", argv[1]);
    return 1;
  }
  char err[300];
  int nx = 0, ni = 0, nm = 0;
  int rc = viz_validate_timeline(doc, err, sizeof err, &nx, &ni, &nm);
  cJSON_Delete(doc);
  if (rc) {
    fprintf(stderr, "%s: invalid trace-event JSON: %s\n", argv[1], err);
    return 1;
  }
  printf("%s: valid: %d slices, %d instants, %d metadata\n", argv[1], nx, ni, nm);
  if (argc > 3 && (nx < atoi(argv[2]) || ni < atoi(argv[3]))) {
    fprintf(stderr, "%s: expected at least %s slices and %s instants\n", argv[1], argv[2], argv[3]);
    return 1;
  }
  return 0;
}
