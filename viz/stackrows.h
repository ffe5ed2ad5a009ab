/* stackrows.h — the initial stack of a traced run as rows, high to low addresses, for
 * the report's picture. The trace header records the inputs (argv, envp, the final auxv,
 * AT_RANDOM bytes, stack top, RSP); gb_viz_stack_rows() rebuilds the exact image with
 * loader/stack.h and keeps it only if it reproduces the recorded RSP and every auxv word.
 * Otherwise (e.g. --execfn was used: its string is not recorded) the rows come from the
 * recorded values alone: pointer arrays at their exact addresses, strings in order
 * without addresses. */
#ifndef GOBOOT_VIZ_STACKROWS_H
#define GOBOOT_VIZ_STACKROWS_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include "stack.h"

enum gb_srow_kind { GB_SROW_MARK, GB_SROW_WORD, GB_SROW_STRING, GB_SROW_BYTES };
enum gb_srow_region { GB_SREG_TOP, GB_SREG_STRINGS, GB_SREG_AUXV, GB_SREG_ENVP, GB_SREG_ARGV,
                      GB_SREG_ARGC, GB_SREG_COUNT };

typedef struct gb_srow {
  int kind, region;
  int addr_known;
  uint64_t addr, size;
  char label[64];       /* "argv[0]", "auxv[15] AT_RANDOM", "padding" */
  char value[40];       /* "0x7fffffffefa9" for words, "" otherwise */
  const char *text;     /* string contents (owned by the rows or the trace), or NULL */
  char note[80];        /* "(4096)", "16 random bytes c15c…", … */
  int points_to;        /* row index this word points at, or -1 */
} gb_srow;

typedef struct gb_stack_rows {
  gb_srow *rows; int n;
  int exact;            /* rebuilt byte for byte from the recorded inputs */
  uint64_t top, rsp;
  int argc, envc, nauxv; /* nauxv counts AT_NULL */
  char why[160];        /* when not exact: why */
  gb_stack st;          /* the rebuilt image when exact (owns the string bytes) */
} gb_stack_rows;

/* From the trace header. Returns 0, -1 when the header lacks the inputs, 78 out of memory. */
int gb_viz_stack_rows(gb_stack_rows *r, const cJSON *header);
void gb_viz_stack_rows_free(gb_stack_rows *r);

#endif
