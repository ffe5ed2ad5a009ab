/* test_viz_unit.c — viz/ on synthetic traces: the timeline is valid trace-event JSON
 * (validate.c) for empty, multi-thread and odd traces and for recordings; the report
 * escapes hostile strings, is deterministic, and rebuilds the initial stack exactly
 * when the recorded inputs allow it (and falls back when they do not). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "stackrows.h"
#include "timeline.h"
#include "trace_in.h"
#include "validate.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
  fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static cJSON *ev(cJSON *events, const char *kind, double i, double t) {
  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, "ev", kind);
  cJSON_AddNumberToObject(e, "i", i);
  cJSON_AddNumberToObject(e, "t", t);
  cJSON_AddItemToArray(events, e);
  return e;
}

static void milestone(cJSON *events, const char *name, double i, double t) {
  cJSON_AddStringToObject(ev(events, "milestone", i, t), "name", name);
}

static cJSON *syscall(cJSON *events, const char *name, double i, double t, const char *arg,
                      cJSON *ret) {
  cJSON *e = ev(events, "syscall", i, t);
  cJSON_AddStringToObject(e, "name", name);
  cJSON *a = cJSON_AddArrayToObject(e, "args");
  cJSON_AddItemToArray(a, cJSON_CreateString(arg));
  cJSON_AddItemToArray(a, cJSON_CreateNumber(3));
  cJSON_AddItemToObject(e, "ret", ret);
  return e;
}

/* Two threads, markers, main.main, an unknown syscall, a signal, hostile strings. */
static cJSON *synthetic(void) {
  cJSON *t = cJSON_CreateObject();
  cJSON *h = cJSON_AddObjectToObject(t, "header");
  cJSON_AddStringToObject(h, "binary", "/x/</title><script>alert(1)</script>");
  cJSON_AddStringToObject(h, "go_version", "go1.19.8");
  cJSON *in = cJSON_AddObjectToObject(h, "inputs");
  cJSON *argv = cJSON_AddArrayToObject(in, "argv");
  cJSON_AddItemToArray(argv, cJSON_CreateString("</svg><img src=x onerror=alert(2)>"));
  cJSON_AddArrayToObject(in, "envp");
  cJSON *e = cJSON_AddArrayToObject(t, "events");
  milestone(e, "_rt0_amd64_linux", 0, 7);
  milestone(e, "runtime.rt0_go", 4, 7);
  syscall(e, "write", 10, 7, "<script>evil()</script>\x01\xff", cJSON_CreateString("-EBADF"));
  milestone(e, "runtime.schedinit", 20, 7);
  milestone(e, "runtime.schedule", 50, 7);
  ev(e, "boot_phase_end", 50, 7);
  milestone(e, "runtime.main", 50, 7); /* same instruction: a zero-length phase before it */
  milestone(e, "runtime.newosproc", 60, 7);
  cJSON *c = syscall(e, "clone", 65, 7, "0xd0f00", cJSON_CreateNumber(8));
  cJSON_AddNumberToObject(c, "child_tid", 8);
  milestone(e, "runtime.sysmon", 70, 8);
  cJSON_AddNumberToObject(ev(e, "unknown_syscall", 75, 8), "nr", 999);
  ev(e, "signal_suppressed", 80, 8);
  milestone(e, "main.main", 90, 7);
  milestone(e, "runtime.exit", 99, 7);
  cJSON *s = cJSON_AddObjectToObject(t, "stop");
  cJSON_AddStringToObject(s, "reason", "exit");
  cJSON_AddNumberToObject(s, "i", 100);
  cJSON_AddNumberToObject(s, "tid", 7);
  cJSON *o = cJSON_AddObjectToObject(t, "output");
  cJSON_AddStringToObject(o, "stdout", "<script>alert(3)</script> & \"q\" 'a'\n");
  return t;
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p++) n++;
  return n;
}

static char *report_of(const cJSON *trace) {
  char *page = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&page, &len);
  int rc = gb_viz_report(f, trace);
  fclose(f);
  CHECK(rc == 0, "report rc %d", rc);
  return page;
}

static void test_timeline(const cJSON *trace, const char *what, int want_x) {
  cJSON *tl = gb_viz_timeline(trace);
  char err[300];
  int nx = 0, ni = 0, nm = 0;
  CHECK(tl, "%s: no timeline", what);
  if (!tl) return;
  CHECK(!viz_validate_timeline(tl, err, sizeof err, &nx, &ni, &nm), "%s: %s", what, err);
  if (want_x >= 0) CHECK(nx == want_x, "%s: %d slices, want %d", what, nx, want_x);
  /* A validator that accepts everything proves nothing: break the nesting. */
  cJSON *list = cJSON_GetObjectItem(tl, "traceEvents"), *x;
  cJSON_ArrayForEach(x, list) {
    if (strcmp(cJSON_GetObjectItem(x, "ph")->valuestring, "X") ||
        strcmp(cJSON_GetObjectItem(x, "cat")->valuestring, "phase") ||
        cJSON_GetObjectItem(x, "ts")->valuedouble == 0)
      continue; /* a phase inside its thread: make it outlast the thread */
    cJSON_SetNumberValue(cJSON_GetObjectItem(x, "dur"), 1e9);
    CHECK(viz_validate_timeline(tl, err, sizeof err, NULL, NULL, NULL), "%s: overlap accepted", what);
    break;
  }
  cJSON_Delete(tl);
}

static void test_recordings(void) {
  gb_viz_trace t;
  char err[200];
  const char rec[] = "{\"format\":\"gbrec\",\"trace\":{\"header\":{},\"events\":[]}}";
  CHECK(!gb_viz_trace_parse(&t, rec, strlen(rec), err, sizeof err), "recording: %s", err);
  if (t.root) test_timeline(t.trace, "recording", 2); /* thread + boot */
  gb_viz_trace_free(&t);
  const char *bad[] = {"{\"format\":\"gbrec\"}", "[1,2]", "{\"header\":{}", "nonsense"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    CHECK(gb_viz_trace_parse(&t, bad[k], strlen(bad[k]), err, sizeof err) == -1, "accepted %s", bad[k]);
    CHECK(!t.root, "root kept");
  }
}

static void test_report(void) {
  cJSON *t = synthetic();
  /* 2 thread slices + boot + phases: _rt0, rt0_go, schedinit, schedule, main, sysmon, main.main */
  test_timeline(t, "synthetic", 10);
  char *a = report_of(t), *b = report_of(t);
  CHECK(a && b && !strcmp(a, b), "report not deterministic");
  CHECK(count(a, "<script") == 1, "raw <script in the page: %d (only ours allowed)", count(a, "<script"));
  CHECK(!strstr(a, "<img"), "raw <img in the page");
  CHECK(count(a, "&lt;script&gt;alert(3)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;") == 1,
        "stdout not escaped as expected");
  CHECK(strstr(a, "evil()&lt;/script&gt;\\x01\\xff"), "control byte / invalid UTF-8 not shown as \\xNN");
  CHECK(!strstr(a, "http://") || count(a, "http://") == count(a, "http://www.w3.org/2000/svg"),
        "network reference in the page");
  CHECK(strstr(a, "id=\"timeline-linear\"") && strstr(a, "id=\"syscalls\""), "sections missing");
  CHECK(strstr(a, "unknown #999"), "unknown syscall row missing");
  free(a), free(b);
  cJSON_Delete(t);
  cJSON *empty = cJSON_Parse("{\"header\":{},\"events\":[]}");
  test_timeline(empty, "empty", 2);
  a = report_of(empty);
  CHECK(a && strstr(a, "does not record the stack inputs"), "empty trace report");
  free(a);
  cJSON_Delete(empty);
}

static uint64_t word(const gb_stack *st, uint64_t addr) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | st->bytes[addr - st->base + (uint64_t)i];
  return v;
}

static cJSON *hexj(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%" PRIx64, v);
  return cJSON_CreateString(b);
}

static void test_stack_rows(void) {
  static const char *const argv[] = {"/bin/prog", "a b"}, *const envp[] = {"K=V"};
  static gb_stack_spec spec;
  spec.argv = argv, spec.argc = 2, spec.envp = envp, spec.envc = 1;
  gb_random_from_seed(1, spec.random);
  spec.auxv[0] = (gb_auxv_ent){AT_PAGESZ_LINUX, 4096, 0};
  spec.auxv[1] = (gb_auxv_ent){AT_RANDOM_LINUX, 0, 1};
  spec.auxv[2] = (gb_auxv_ent){AT_EXECFN_LINUX, 0, 1};
  spec.auxv[3] = (gb_auxv_ent){AT_PLATFORM_LINUX, 0, 1};
  spec.nauxv = 4;
  gb_stack st;
  char err[200];
  CHECK(!gb_stack_build(&spec, &st, err, sizeof err), "build: %s", err);
  cJSON *h = cJSON_CreateObject(), *in = cJSON_AddObjectToObject(h, "inputs");
  cJSON_AddItemToObject(in, "argv", cJSON_CreateStringArray(argv, 2));
  cJSON_AddItemToObject(in, "envp", cJSON_CreateStringArray(envp, 1));
  cJSON *av = cJSON_AddArrayToObject(in, "auxv");
  for (uint64_t a = st.auxv_addr; a < st.auxv_end; a += 16) {
    cJSON *p = cJSON_CreateArray();
    cJSON_AddItemToArray(p, cJSON_CreateNumber((double)word(&st, a)));
    cJSON_AddItemToArray(p, hexj(word(&st, a + 8)));
    cJSON_AddItemToArray(av, p);
  }
  cJSON_AddItemToObject(in, "rsp", hexj(st.rsp));
  cJSON_AddItemToObject(in, "stack_top", hexj(st.top));
  char rnd[33];
  for (int k = 0; k < 16; k++) snprintf(rnd + 2 * k, 3, "%02x", spec.random[k]);
  cJSON_AddStringToObject(in, "at_random", rnd);

  gb_stack_rows r;
  CHECK(!gb_viz_stack_rows(&r, h), "rows");
  CHECK(r.exact, "not rebuilt exactly: %s", r.why);
  int argv0_ptr = -1;
  for (int k = 0; k < r.n; k++)
    if (!strcmp(r.rows[k].label, "argv[0]")) argv0_ptr = k;
  CHECK(argv0_ptr >= 0 && r.rows[argv0_ptr].addr == st.argv_addr, "argv[0] pointer row");
  if (argv0_ptr >= 0) {
    const gb_srow *to = &r.rows[r.rows[argv0_ptr].points_to];
    CHECK(to->addr == st.arg_str[0] && !strcmp(to->text, "/bin/prog"), "argv[0] arrow target");
  }
  CHECK(r.rows[r.n - 1].addr == st.rsp && !strcmp(r.rows[r.n - 1].label, "argc"), "argc last");
  gb_viz_stack_rows_free(&r);

  /* A different RSP (e.g. an --execfn string the trace does not hold): drawn from the
   * recorded values, pointer arrays still at their addresses. */
  cJSON_ReplaceItemInObject(in, "rsp", hexj(st.rsp - 16));
  CHECK(!gb_viz_stack_rows(&r, h), "rows (fallback)");
  CHECK(!r.exact && r.why[0], "fallback not reported");
  CHECK(r.rows[r.n - 1].addr == st.rsp - 16, "fallback argc at the recorded RSP");
  gb_viz_stack_rows_free(&r);
  cJSON_Delete(h);
  gb_stack_free(&st);
}

int main(void) {
  test_recordings();
  test_report();
  test_stack_rows();
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  else printf("viz unit: all passed\n");
  return failures ? 1 : 0;
}
