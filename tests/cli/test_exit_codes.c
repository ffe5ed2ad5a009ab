/* test_exit_codes.c GOBOOT README — one table of exit codes, said three times: the names
 * in cli/exitcodes.h (with loader/image.h's statuses and emu/'s stop codes), the table
 * `goboot --help` prints, and README's "Exit codes" table. The two tables must have the
 * same rows word for word; every code either lists must be one of the names below, with
 * the meaning written here; and gb_stop_exit_code() must give each stop its named code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "exitcodes.h"

static int failures;
#define CHECK(c, ...)                                  \
  do {                                                 \
    if (!(c)) {                                        \
      failures++;                                      \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                    \
      fputc('\n', stderr);                             \
    }                                                  \
  } while (0)

/* Each named code and the words its row (or its part of a range row) starts with. */
static const struct { int code; const char *name, *words; } NAMED[] = {
  {GB_OK, "GB_OK", "success"},
  {GB_E_DIFFER, "GB_E_DIFFER", "a comparison found a difference"},
  {GB_E_REFUSED, "GB_E_REFUSED", "replay refused"},
  {GB_E_USAGE, "GB_E_USAGE", "bad command line"},
  {GB_E_IO, "GB_E_IO", "cannot read the file"},
  {GB_E_NOT_ELF, "GB_E_NOT_ELF", "not ELF"},
  {GB_E_TRUNCATED, "GB_E_TRUNCATED", "truncated"},
  {GB_E_CLASS, "GB_E_CLASS", "ELF32"},
  {GB_E_ENDIAN, "GB_E_ENDIAN", "big-endian"},
  {GB_E_MACHINE, "GB_E_MACHINE", "not x86-64"},
  {GB_E_TYPE, "GB_E_TYPE", "not EXEC/DYN"},
  {GB_E_DYNAMIC, "GB_E_DYNAMIC", "dynamically linked"},
  {GB_E_NO_LOAD, "GB_E_NO_LOAD", "no PT_LOAD"},
  {GB_E_FILESZ, "GB_E_FILESZ", "filesz > memsz"},
  {GB_E_BOUNDS, "GB_E_BOUNDS", "out of bounds"},
  {GB_E_OVERLAP, "GB_E_OVERLAP", "overlapping segments"},
  {GB_E_ENTRY, "GB_E_ENTRY", "entry outside executable segments"},
  {GB_E_NOMEM, "GB_E_NOMEM", "out of host memory"},
  {GB_E_GUEST_FAULT, "GB_E_GUEST_FAULT", "guest fault"},
  {GB_E_INSN_BUDGET, "GB_E_INSN_BUDGET", "instruction budget"},
  {GB_E_MEM_BUDGET, "GB_E_MEM_BUDGET", "memory budget"},
  {GB_E_WALL_CLOCK, "GB_E_WALL_CLOCK", "wall-clock guard"},
  {GB_E_UNSUPPORTED, "GB_E_UNSUPPORTED", "unsupported feature"},
  {GB_E_DEADLOCK, "GB_E_DEADLOCK", "deadlock"},
  {GB_E_EMULATOR, "GB_E_EMULATOR", "emulator error"},
  {GB_E_PROC_BUDGET, "GB_E_PROC_BUDGET", "process budget"},
  {GB_E_HOST_SIGNAL, "GB_E_HOST_SIGNAL", "goboot got SIGINT, SIGTERM or SIGHUP"},
};
#define NNAMED ((int)(sizeof NAMED / sizeof NAMED[0]))

typedef struct row { int lo, hi; char text[512]; } row;

/* Collapse runs of blanks, drop backticks and trailing blanks. */
static void tidy(char *s) {
  char *w = s;
  for (const char *r = s; *r; r++) {
    if (*r == '`') continue;
    if ((*r == ' ' || *r == '\t' || *r == '\n') && (w == s || w[-1] == ' ')) continue;
    *w++ = *r == '\t' || *r == '\n' ? ' ' : *r;
  }
  while (w > s && w[-1] == ' ') w--;
  *w = 0;
}

/* "64" or "66-77" / "66–77" (en dash) at P: the range and where the text starts. */
static const char *range(const char *p, int *lo, int *hi) {
  char *end;
  *lo = *hi = (int)strtol(p, &end, 10);
  if (end == p) return NULL;
  if (*end == '-') end++;
  else if (!strncmp(end, "\xe2\x80\x93", 3)) end += 3;
  else return end;
  *hi = (int)strtol(end, &end, 10);
  return end;
}

static void append(row *r, const char *s) {
  size_t n = strlen(r->text);
  snprintf(r->text + n, sizeof r->text - n, "%s%s", n ? " " : "", s);
}

/* --help: "  CODE     text" rows after "Exit codes:", continued by deeper-indented lines. */
static int help_rows(const char *goboot, row *rows, int max) {
  char cmd[4200], line[512];
  snprintf(cmd, sizeof cmd, "'%s' --help", goboot);
  FILE *f = popen(cmd, "r");
  if (!f) return -1;
  int n = 0, in = 0;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "Exit codes:", 11)) { in = 1; continue; }
    if (!in) continue;
    if (line[0] != ' ') break; /* the table is over */
    int lo, hi;
    const char *t = line[2] >= '0' && line[2] <= '9' ? range(line + 2, &lo, &hi) : NULL;
    if (t && n < max) rows[n] = (row){lo, hi, ""}, append(&rows[n++], t);
    else if (n) append(&rows[n - 1], line);
  }
  if (pclose(f) != 0) return -1;
  for (int i = 0; i < n; i++) tidy(rows[i].text);
  return n;
}

/* README: the "| code | meaning |" table under "### Exit codes". */
static int readme_rows(const char *path, row *rows, int max) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int n = 0, in = 0;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "### Exit codes", 14)) { in = 1; continue; }
    if (!in) continue;
    if (line[0] == '#') break;
    int lo, hi;
    const char *t = line[0] == '|' ? range(line + 1 + strspn(line + 1, " "), &lo, &hi) : NULL;
    if (!t || *(t += strspn(t, " ")) != '|' || n == max) continue;
    rows[n] = (row){lo, hi, ""};
    snprintf(rows[n].text, sizeof rows[n].text, "%s", t + 1);
    char *bar = strrchr(rows[n].text, '|');
    if (bar) *bar = 0;
    tidy(rows[n++].text);
  }
  fclose(f);
  return n;
}

static int named(int code) {
  for (int i = 0; i < NNAMED; i++)
    if (NAMED[i].code == code) return i;
  return -1;
}

/* Every named code is in exactly one row, saying the named words; every code a row
 * covers has a name. */
static void check_table(const char *what, const row *rows, int n) {
  for (int i = 0; i < NNAMED; i++) {
    int found = 0;
    for (int k = 0; k < n; k++) {
      if (NAMED[i].code < rows[k].lo || NAMED[i].code > rows[k].hi) continue;
      found++;
      char want[160];
      if (rows[k].lo == rows[k].hi) {
        CHECK(!strncmp(rows[k].text, NAMED[i].words, strlen(NAMED[i].words)),
              "%s: %d (%s) says \"%s\", not \"%s...\"", what, NAMED[i].code, NAMED[i].name,
              rows[k].text, NAMED[i].words);
      } else {
        snprintf(want, sizeof want, "%d %s", NAMED[i].code, NAMED[i].words);
        CHECK(strstr(rows[k].text, want) != NULL, "%s: row %d-%d lacks \"%s\" (%s)", what,
              rows[k].lo, rows[k].hi, want, NAMED[i].name);
      }
    }
    CHECK(found == 1, "%s: %d (%s) is in %d rows", what, NAMED[i].code, NAMED[i].name, found);
  }
  for (int k = 0; k < n; k++)
    for (int c = rows[k].lo; c <= rows[k].hi; c++)
      CHECK(named(c) >= 0, "%s: code %d has no name in exitcodes.h", what, c);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_exit_codes GOBOOT README\n");
    return 2;
  }
  row help[32], readme[32];
  int nh = help_rows(argv[1], help, 32), nr = readme_rows(argv[2], readme, 32);
  CHECK(nh > 0, "no exit-code table in '%s --help'", argv[1]);
  CHECK(nr > 0, "no exit-code table in %s", argv[2]);
  CHECK(nh == nr, "--help has %d rows, README %d", nh, nr);
  for (int k = 0; k < nh && k < nr; k++)
    CHECK(help[k].lo == readme[k].lo && help[k].hi == readme[k].hi && !strcmp(help[k].text, readme[k].text),
          "row %d differs:\n  --help: %d-%d %s\n  README: %d-%d %s", k, help[k].lo, help[k].hi,
          help[k].text, readme[k].lo, readme[k].hi, readme[k].text);
  check_table("--help", help, nh);
  check_table("README", readme, nr);

  static const struct { gb_stop_kind k; int code; } STOPS[] = {
    {GB_STOP_UNTIL, GB_OK},           {GB_STOP_FAULT, GB_E_GUEST_FAULT},
    {GB_STOP_BUDGET, GB_E_INSN_BUDGET}, {GB_STOP_MEMORY, GB_E_MEM_BUDGET},
    {GB_STOP_WALL, GB_E_WALL_CLOCK},  {GB_STOP_UNSUPPORTED, GB_E_UNSUPPORTED},
    {GB_STOP_DEADLOCK, GB_E_DEADLOCK}, {GB_STOP_ERROR, GB_E_EMULATOR},
    {GB_STOP_PROCS, GB_E_PROC_BUDGET},
  };
  for (size_t i = 0; i < sizeof STOPS / sizeof STOPS[0]; i++)
    CHECK(gb_stop_exit_code(STOPS[i].k, 3) == STOPS[i].code, "stop %s gives %d, not %d",
          gb_stop_name(STOPS[i].k), gb_stop_exit_code(STOPS[i].k, 3), STOPS[i].code);
  CHECK(gb_stop_exit_code(GB_STOP_EXIT, 3) == 3, "an exit does not pass the guest's code through");

  printf("%d rows in --help and README, %d named codes: %s\n", nh, NNAMED,
         failures ? "FAIL" : "ok");
  return failures != 0;
}
