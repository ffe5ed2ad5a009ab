/* cmd_golden.c — `goboot golden check|update|versions|milestones`: the golden-file suite.
 * golden/cases.tsv names each case (id, binary as goprogs:NAME, corpus:ID or file:PATH, goboot run
 * options, guest args); golden/<id>.json is the canonical subset of its trace
 * (analysis/golden.c). check re-runs cases and prints the first divergence; update
 * rewrites the files (the only way they change); versions prints docs/versions.md;
 * milestones prints a golden's milestone names (the stripped-twin test compares them). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "commands.h"
#include "image.h"
#include "trace_events.h"

static const char golden_help[] =
  "usage: goboot golden check|update|versions|milestones [options]\n\n"
  "  check        run every case (or each --case) and compare with DIR/<id>.json; on a\n"
  "               mismatch print the first divergence (event index, pc, symbol, expected\n"
  "               vs got, previous events) and every other differing field\n"
  "  update       run the cases and rewrite DIR/<id>.json (the only way goldens change)\n"
  "  versions     print docs/versions.md (Markdown) from the goldens, running nothing\n"
  "  milestones   print the milestone names of each --case's golden, one per line\n\n"
  "Options:\n"
  "  --case ID      only this case (repeatable)\n"
  "  --dir DIR      where cases.tsv and the goldens are (default: golden)\n"
  "  --goprogs DIR  the built Go programs (default: $GOBOOT_GOPROGS, else build/goprogs)\n"
  "  --corpus DIR   the fetched corpus (default: $GOBOOT_CACHE/corpus, else\n"
  "                 ~/.cache/goboot/corpus)\n\n"
  "Case lines (DIR/cases.tsv, tab-separated, '-' = empty): ID  BINARY  OPTIONS  ARGS\n"
  "BINARY is goprogs:NAME, corpus:ID or file:PATH (your own binary; relative to DIR); OPTIONS are 'goboot run' options; OPTIONS and\n"
  "ARGS are split at spaces, '...' or \"...\" keep spaces.\n\n"
  "Exit code: 0 all cases match (or written), 1 a case differs or could not run, 64 bad\n"
  "command line, 65 cannot read cases.tsv or a golden.\n";

#define MAX_CASES 256
#define MAX_WORDS 128

typedef struct gcase {
  char *line;                /* owned; fields point into it */
  const char *id, *binary;
  char *opts[MAX_WORDS]; int nopts;
  char *args[MAX_WORDS]; int nargs;
} gcase;

typedef struct gsuite {
  const char *dir, *goprogs, *corpus;
  char corpus_buf[4096];
  gcase c[MAX_CASES];
  int n;
} gsuite;

/* Split S in place into words at spaces; quotes group. */
static int split(char *s, char **w, int max) {
  int n = 0;
  if (!strcmp(s, "-")) return 0;
  while (*s) {
    while (*s == ' ') s++;
    if (!*s) break;
    if (n == max) return -1;
    char *out = s;
    w[n++] = out;
    char q = 0;
    while (*s && (q || *s != ' ')) {
      if (!q && (*s == '\'' || *s == '"')) q = *s++;
      else if (q && *s == q) q = 0, s++;
      else *out++ = *s++;
    }
    if (*s) s++;
    *out = 0;
  }
  return n;
}

static int load_cases(gsuite *g) {
  char path[4096];
  snprintf(path, sizeof path, "%s/cases.tsv", g->dir);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "goboot golden: cannot open %s: %s (--dir names the golden folder)\n", path,
            strerror(errno));
    return GB_E_IO;
  }
  char buf[8192];
  int lineno = 0, rc = 0;
  while (fgets(buf, sizeof buf, f)) {
    lineno++;
    buf[strcspn(buf, "\r\n")] = 0;
    if (!buf[0] || buf[0] == '#') continue;
    if (g->n == MAX_CASES) {
      fprintf(stderr, "goboot golden: %s: more than %d cases\n", path, MAX_CASES);
      rc = GB_E_USAGE;
      break;
    }
    gcase *c = &g->c[g->n];
    memset(c, 0, sizeof *c);
    c->line = strdup(buf);
    if (!c->line) {
      rc = GB_E_NOMEM;
      break;
    }
    char *f4[4] = {0}, *p = c->line;
    int nf = 0;
    for (; nf < 4 && p; nf++) {
      f4[nf] = p;
      p = strchr(p, '\t');
      if (p) *p++ = 0;
    }
    if (nf < 2 || p || (c->nopts = split(f4[2] ? f4[2] : "-", c->opts, MAX_WORDS)) < 0 ||
        (c->nargs = split(f4[3] ? f4[3] : "-", c->args, MAX_WORDS)) < 0 ||
        (strncmp(f4[1], "goprogs:", 8) && strncmp(f4[1], "corpus:", 7) &&
         strncmp(f4[1], "file:", 5))) {
      fprintf(stderr, "goboot golden: %s:%d: expected ID<TAB>goprogs:NAME|corpus:ID|file:PATH<TAB>OPTIONS<TAB>ARGS\n",
              path, lineno);
      free(c->line);
      rc = GB_E_USAGE;
      break;
    }
    c->id = f4[0];
    c->binary = f4[1];
    for (int k = 0; k < g->n; k++)
      if (!strcmp(g->c[k].id, c->id)) {
        fprintf(stderr, "goboot golden: %s:%d: case %s listed twice\n", path, lineno, c->id);
        free(c->line);
        rc = GB_E_USAGE;
      }
    if (rc) break;
    g->n++;
  }
  fclose(f);
  return rc;
}

/* goprogs:NAME and corpus:ID live in those folders; file:PATH is a user's own binary,
 * absolute or relative to the folder holding cases.tsv. */
static void binary_path(const gsuite *g, const gcase *c, char *out, size_t len) {
  if (!strncmp(c->binary, "goprogs:", 8))
    snprintf(out, len, "%s/%s", g->goprogs, c->binary + 8);
  else if (!strncmp(c->binary, "corpus:", 7))
    snprintf(out, len, "%s/%s", g->corpus, c->binary + 7);
  else if (c->binary[5] == '/')
    snprintf(out, len, "%s", c->binary + 5);
  else
    snprintf(out, len, "%s/%s", g->dir, c->binary + 5);
}

static void golden_path(const gsuite *g, const gcase *c, char *out, size_t len) {
  snprintf(out, len, "%s/%s.json", g->dir, c->id);
}

/* Run case C; the golden subset in *OUT. Returns 0, or 1 with a message printed. */
static int run_case(const gsuite *g, const gcase *c, cJSON **out) {
  *out = NULL;
  char bin[4096];
  binary_path(g, c, bin, sizeof bin);
  FILE *f = fopen(bin, "rb");
  if (!f) {
    fprintf(stderr, "FAIL %s: binary %s: %s (%s)\n", c->id, bin, strerror(errno),
            !strncmp(c->binary, "corpus:", 7)   ? "fetch the corpus first: scripts/fetch-corpus.sh, or --corpus DIR"
            : !strncmp(c->binary, "goprogs:", 8) ? "build the Go programs first: cmake --build BUILD --target goprogs, or --goprogs DIR"
                                                 : "the path is relative to the folder of cases.tsv");
    return 1;
  }
  fclose(f);
  char *argv[2 * MAX_WORDS + 4];
  int n = 0;
  argv[n++] = "golden";
  for (int k = 0; k < c->nopts; k++) argv[n++] = c->opts[k];
  argv[n++] = bin;
  argv[n++] = "--";
  for (int k = 0; k < c->nargs; k++) argv[n++] = c->args[k];
  argv[n] = NULL;
  cJSON *rec = NULL;
  int rc = gb_record_run(n, argv, "golden", NULL, NULL, &rec);
  if (!rec) {
    fprintf(stderr, "FAIL %s: could not run (exit code %d)\n", c->id, rc);
    return 1;
  }
  char err[256];
  *out = gb_golden_subset(rec, err, sizeof err);
  cJSON_Delete(rec);
  if (!*out) {
    fprintf(stderr, "FAIL %s: %s\n", c->id, err);
    return 1;
  }
  return 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int check_one(const gsuite *g, const gcase *c) {
  char gp[4096], err[512];
  golden_path(g, c, gp, sizeof gp);
  cJSON *want = gb_an_load(gp, err, sizeof err);
  if (!want) {
    fprintf(stderr, "FAIL %s: no golden: %s\n  (goboot golden update --case %s writes it)\n", c->id,
            err, c->id);
    return 1;
  }
  double t0 = now();
  cJSON *got;
  int rc = run_case(g, c, &got);
  if (!rc) {
    int first;
    gb_cmp_opts co = {NULL, 3, "golden", "now", 0};
    int n = gb_an_compare(want, got, &co, NULL, &first);
    if (n) {
      printf("FAIL %s: %d difference%s from %s\n", c->id, n, n == 1 ? "" : "s", gp);
      gb_an_compare(want, got, &co, stdout, &first);
      printf("  (if the change is intended: goboot golden update --case %s, and review the diff)\n",
             c->id);
      rc = 1;
    } else {
      printf("ok   %-24s %5d events  %.2fs\n", c->id, cJSON_GetArraySize(cJSON_GetObjectItem(got, "events")),
             now() - t0);
    }
  }
  cJSON_Delete(got);
  cJSON_Delete(want);
  return rc;
}

static int update_one(const gsuite *g, const gcase *c) {
  char gp[4096], err[512];
  golden_path(g, c, gp, sizeof gp);
  cJSON *got;
  if (run_case(g, c, &got)) return 1;
  cJSON *old = gb_an_load(gp, err, sizeof err);
  int same = old && cJSON_Compare(old, got, 1);
  cJSON_Delete(old);
  int rc = 0;
  if (same) {
    printf("unchanged %s\n", gp);
  } else if (gb_an_write(gp, got)) {
    fprintf(stderr, "FAIL %s: cannot write %s: %s\n", c->id, gp, strerror(errno));
    rc = 1;
  } else {
    printf("updated   %s\n", gp);
  }
  cJSON_Delete(got);
  return rc;
}

/* --- versions.md --- */

typedef struct vrow {
  const gcase *c;
  cJSON *golden;
  gb_facts f;
  int v[3];
} vrow;

static void parse_version(const char *s, int v[3]) {
  v[0] = v[1] = v[2] = 0;
  if (!strncmp(s, "go", 2)) sscanf(s + 2, "%d.%d.%d", &v[0], &v[1], &v[2]);
}

static int vrow_cmp(const void *a, const void *b) {
  const vrow *x = a, *y = b;
  for (int k = 0; k < 3; k++)
    if (x->v[k] != y->v[k]) return x->v[k] < y->v[k] ? -1 : 1;
  return strcmp(x->c->id, y->c->id);
}

static const char *short_name(const char *m) {
  return !strncmp(m, "runtime.", 8) ? m + 8 : m;
}

static int versions(const gsuite *g, const int *sel) {
  vrow *rows = calloc((size_t)g->n, sizeof *rows);
  if (!rows) return GB_E_NOMEM;
  int n = 0, rc = 0;
  for (int k = 0; k < g->n; k++) {
    if (!sel[k]) continue;
    char gp[4096], err[512];
    golden_path(g, &g->c[k], gp, sizeof gp);
    rows[n].c = &g->c[k];
    rows[n].golden = gb_an_load(gp, err, sizeof err);
    if (!rows[n].golden || gb_an_facts(rows[n].golden, &rows[n].f)) {
      fprintf(stderr, "goboot golden: %s\n", rows[n].golden ? "not a golden file" : err);
      cJSON_Delete(rows[n].golden);
      rc = GB_E_IO;
      break;
    }
    parse_version(rows[n].f.go_version, rows[n].v);
    n++;
  }
  if (!rc) {
    qsort(rows, (size_t)n, sizeof *rows, vrow_cmp);
    printf("# What the Go runtime does at boot, per Go version\n\n"
           "Generated from the golden files (`golden/*.json`) by\n"
           "`goboot golden versions > docs/versions.md`; do not edit by hand. Each row is one\n"
           "golden case (`golden/cases.tsv`): a binary and its inputs, booted by goboot with\n"
           "the default, host-independent inputs (empty environment, no cgroup files,\n"
           "1 CPU and seed 1 unless the case sets them). Counts are exact and deterministic.\n\n"
           "- **syscalls before main.main**: every syscall (known or not) the guest made,\n"
           "  on all threads, before `main.main` was first entered;\n"
           "- **TLS g loads (boot)**: loads of `g` through `FS:-8` from entry to the first\n"
           "  `runtime.schedule`;\n"
           "- **instructions to main.main**: guest instructions (all threads) before\n"
           "  `main.main`;\n"
           "- **threads created**: successful `clone` calls over the whole run.\n\n"
           "| Go | case | milestones reached | syscalls before main.main | TLS g loads (boot) "
           "| instructions to main.main | threads created |\n"
           "|---|---|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k < n; k++) {
      const gb_facts *f = &rows[k].f;
      char insns[32], tls[32];
      if (f->reached_main) snprintf(insns, sizeof insns, "%.0f", f->insns_to_main);
      else snprintf(insns, sizeof insns, "not reached");
      if (f->tls_boot_loads >= 0) snprintf(tls, sizeof tls, "%.0f", f->tls_boot_loads);
      else snprintf(tls, sizeof tls, "-");
      printf("| %s | %s | %d | %d | %s | %s | %d |\n", f->go_version, rows[k].c->id,
             f->nmilestones, f->syscalls_to_main, tls, insns, f->threads_created);
    }
    printf("\n## Milestones reached, in first-hit order\n\n"
           "`runtime.` is left out of the names.\n\n| Go | case | milestones |\n|---|---|---|\n");
    for (int k = 0; k < n; k++) {
      const gb_facts *f = &rows[k].f;
      printf("| %s | %s | ", f->go_version, rows[k].c->id);
      for (int m = 0; m < f->nmilestones; m++)
        printf("%s%s", m ? " → " : "", short_name(f->milestones[m]));
      printf(" |\n");
    }
  }
  for (int k = 0; k < n; k++) cJSON_Delete(rows[k].golden);
  free(rows);
  return rc;
}

static int milestones(const gsuite *g, const int *sel) {
  for (int k = 0; k < g->n; k++) {
    if (!sel[k]) continue;
    char gp[4096], err[512];
    golden_path(g, &g->c[k], gp, sizeof gp);
    cJSON *d = gb_an_load(gp, err, sizeof err);
    if (!d) {
      fprintf(stderr, "goboot golden: %s\n", err);
      return GB_E_IO;
    }
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItem(d, "events")) {
      const cJSON *kind = cJSON_GetObjectItem(ev, "ev"), *name = cJSON_GetObjectItem(ev, "name");
      if (cJSON_IsString(kind) && gb_event_kind_of(kind->valuestring) == GB_EV_MILESTONE && cJSON_IsString(name))
        printf("%s\n", name->valuestring);
    }
    cJSON_Delete(d);
  }
  return GB_OK;
}

int cmd_golden(int argc, char **argv) {
  static const struct option longopts[] = {
    {"case", required_argument, 0, 'c'},
    {"dir", required_argument, 0, 'd'},
    {"goprogs", required_argument, 0, 'g'},
    {"corpus", required_argument, 0, 'C'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  gsuite *g = calloc(1, sizeof *g);
  const char *want[MAX_CASES];
  int nwant = 0, c, rc = 0;
  if (!g) return GB_E_NOMEM;
  g->dir = "golden";
  g->goprogs = getenv("GOBOOT_GOPROGS") ? getenv("GOBOOT_GOPROGS") : "build/goprogs";
  if (getenv("GOBOOT_CACHE"))
    snprintf(g->corpus_buf, sizeof g->corpus_buf, "%s/corpus", getenv("GOBOOT_CACHE"));
  else
    snprintf(g->corpus_buf, sizeof g->corpus_buf, "%s/.cache/goboot/corpus",
             getenv("HOME") ? getenv("HOME") : "");
  g->corpus = g->corpus_buf;
  optind = 0;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h': fputs(golden_help, stdout); free(g); return GB_OK;
    case 'c':
      if (nwant < MAX_CASES) want[nwant++] = optarg;
      break;
    case 'd': g->dir = optarg; break;
    case 'g': g->goprogs = optarg; break;
    case 'C': g->corpus = optarg; break;
    default: fputs("goboot golden: see 'goboot golden --help'\n", stderr); free(g); return GB_E_USAGE;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "goboot golden: expected one of check, update, versions, milestones\n\n%s",
            golden_help);
    free(g);
    return GB_E_USAGE;
  }
  const char *verb = argv[optind];
  if ((rc = load_cases(g))) goto done;
  int sel[MAX_CASES] = {0};
  for (int k = 0; k < g->n; k++) sel[k] = !nwant;
  for (int w = 0; w < nwant; w++) {
    int found = 0;
    for (int k = 0; k < g->n; k++)
      if (!strcmp(g->c[k].id, want[w])) sel[k] = found = 1;
    if (!found) {
      fprintf(stderr, "goboot golden: no case '%s' in %s/cases.tsv\n", want[w], g->dir);
      rc = GB_E_USAGE;
      goto done;
    }
  }
  if (!strcmp(verb, "check") || !strcmp(verb, "update")) {
    int fails = 0, ran = 0;
    double t0 = now();
    for (int k = 0; k < g->n; k++) {
      if (!sel[k]) continue;
      ran++;
      fails += verb[0] == 'c' ? check_one(g, &g->c[k]) : update_one(g, &g->c[k]);
      fflush(stdout);
    }
    printf("golden %s: %d case%s, %d failed, %.1fs\n", verb, ran, ran == 1 ? "" : "s", fails,
           now() - t0);
    rc = fails ? GB_E_DIFFER : GB_OK;
  } else if (!strcmp(verb, "versions")) {
    rc = versions(g, sel);
  } else if (!strcmp(verb, "milestones")) {
    rc = milestones(g, sel);
  } else {
    fprintf(stderr, "goboot golden: unknown action '%s' (check, update, versions, milestones)\n", verb);
    rc = GB_E_USAGE;
  }
done:
  for (int k = 0; k < g->n; k++) free(g->c[k].line);
  free(g);
  return rc;
}
