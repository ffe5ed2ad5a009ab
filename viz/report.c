/* report.c — the HTML page around the pictures (report.h): facts, tables, output. */
#include <inttypes.h>
#include <string.h>

#include "html.h"
#include "report.h"
#include "report_css.h"
#include "report_parts.h"
#include "trace_events.h"

static void fact(FILE *f, const char *name, const char *value, int mono) {
  fprintf(f, "<dt>%s</dt><dd%s>", name, mono ? " class=\"mono\"" : "");
  gb_html_esc(f, value && value[0] ? value : "\u2014");
  fputs("</dd>\n", f);
}

static void fact_json(FILE *f, const char *name, const cJSON *v) {
  fprintf(f, "<dt>%s</dt><dd class=\"mono\">", name);
  if (v) gb_html_json(f, v);
  else fputs("\u2014", f);
  fputs("</dd>\n", f);
}

/* A list of strings as "a" "b" … (escaped). */
static void fact_strings(FILE *f, const char *name, const cJSON *a) {
  fprintf(f, "<dt>%s</dt><dd class=\"mono\">", name);
  const cJSON *s;
  int n = 0;
  cJSON_ArrayForEach(s, a) {
    fputs(n++ ? " " : "", f);
    fputs("\"", f);
    gb_html_esc_max(f, cJSON_IsString(s) ? s->valuestring : "?", 300);
    fputs("\"", f);
  }
  if (!n) fputs("(none)", f);
  fputs("</dd>\n", f);
}

static int stop_ok(const gb_viz_model *m) {
  const char *r = gb_viz_str(m->stop, "reason", "");
  return (!strcmp(r, "exit") && gb_viz_num(m->stop, "guest_exit_code", 0) == 0) ||
         !strcmp(r, "until");
}

static void page_header(FILE *f, const gb_viz_model *m) {
  const char *bin = gb_viz_str(m->header, "binary", "?");
  const char *base = strrchr(bin, '/');
  fputs("<header class=\"top\"><h1>goboot report: ", f);
  gb_html_esc(f, base ? base + 1 : bin);
  fputs("</h1><div class=\"sub\">", f);
  gb_html_esc(f, gb_viz_str(m->header, "go_version", "Go version unknown"));
  fputs(" \u00b7 linux/amd64 \u00b7 boot from execve to main.main, emulated", f);
  fprintf(f, "<span class=\"badge%s\" id=\"stop-badge\">stop: ", stop_ok(m) ? "" : " bad");
  gb_html_esc(f, gb_viz_str(m->stop, "reason", "none"));
  fputs("</span></div></header>\n", f);
  fputs("<nav><a href=\"#facts\">Facts</a><a href=\"#stack\">Initial stack</a>"
        "<a href=\"#timeline\">Timeline</a><a href=\"#milestones\">Milestones</a>"
        "<a href=\"#syscall-table\">Syscalls</a><a href=\"#boot-state\">Boot state</a>"
        "<a href=\"#stop\">Stop</a><a href=\"#output\">Output</a></nav>\n<main>\n", f);
}

static void kpi(FILE *f, uint64_t v, const char *what) {
  fputs("<div class=\"kpi\"><b>", f);
  gb_html_count(f, v);
  fprintf(f, "</b><span>%s</span></div>", what);
}

static void facts(FILE *f, const gb_viz_model *m) {
  const cJSON *h = m->header, *in = gb_viz_get(h, "inputs"), *lim = gb_viz_get(h, "limits");
  uint64_t v;
  fputs("<section id=\"facts\"><h2>Facts</h2><div class=\"kpis\">", f);
  kpi(f, m->end, "instructions to the stop");
  if (m->boot_known) kpi(f, m->boot_end, "instructions to main.main");
  kpi(f, gb_viz_u64(m->summary, "syscalls", &v) ? 0 : v, "syscalls");
  kpi(f, (uint64_t)m->nthreads, "guest threads");
  kpi(f, gb_viz_u64(m->summary, "thread_switches", &v) ? 0 : v, "thread switches");
  fputs("</div><dl class=\"facts\">\n", f);
  fact(f, "binary", gb_viz_str(h, "binary", NULL), 1);
  fact(f, "sha256", gb_viz_str(h, "sha256", NULL), 1);
  fact(f, "Go version", gb_viz_str(h, "go_version", NULL), 0);
  fact(f, "entry", gb_viz_str(h, "entry", NULL), 1);
  fact(f, "goboot", gb_viz_str(h, "goboot_version", NULL), 0);
  fact(f, "Unicorn", gb_viz_str(h, "unicorn_version", NULL), 0);
  fact(f, "CPU model", gb_viz_str(h, "cpu_model", NULL), 0);
  fact_strings(f, "argv", gb_viz_get(in, "argv"));
  fact_strings(f, "envp", gb_viz_get(in, "envp"));
  fact_json(f, "seed", gb_viz_get(in, "seed"));
  fact(f, "AT_RANDOM bytes", gb_viz_str(in, "at_random", NULL), 1);
  fact(f, "RSP at entry", gb_viz_str(in, "rsp", NULL), 1);
  fact(f, "stack top", gb_viz_str(in, "stack_top", NULL), 1);
  fact_json(f, "limits", lim);
  fact_json(f, "virtual files", gb_viz_get(h, "vfs"));
  fact(f, "signals", gb_viz_str(h, "signals", NULL), 0);
  fact_json(f, "milestones absent", gb_viz_get(h, "milestones_absent"));
  fact_json(f, "TLS g-load sites", gb_viz_get(h, "tls_g_load_sites"));
  fact_json(f, "events dropped", gb_viz_get(m->summary, "events_dropped"));
  fputs("</dl></section>\n", f);
}

static int stack_section(FILE *f, const gb_viz_model *m) {
  gb_stack_rows r;
  fputs("<section id=\"stack\"><h2>Initial stack</h2>\n", f);
  int rc = gb_viz_stack_rows(&r, m->header);
  if (rc == 78) return 78;
  if (rc) {
    fputs("<p class=\"note\">The trace header does not record the stack inputs.</p></section>\n", f);
    return 0;
  }
  fputs("<p class=\"note\">What the guest finds at its first instruction, as Linux's "
        "<code>create_elf_tables</code> lays it out, from the stack top (high) down to RSP. ", f);
  if (r.exact)
    fputs("Rebuilt byte for byte from the trace's recorded inputs (it reproduces the recorded "
          "RSP and every auxv word).", f);
  else {
    fputs("Drawn from the recorded values: ", f);
    gb_html_esc(f, r.why);
    fputs(".", f);
  }
  fputs(" Hover a box for its full contents.</p>\n<div class=\"scroll\">", f);
  gb_viz_svg_stack(f, &r);
  fputs("</div></section>\n", f);
  gb_viz_stack_rows_free(&r);
  return 0;
}

static void timeline_section(FILE *f, const gb_viz_model *m) {
  fputs("<section id=\"timeline\"><h2>Timeline</h2>\n<p class=\"note\">One lane per guest "
        "thread; the horizontal axis counts guest instructions (all threads together). Bars "
        "are boot phases, from one milestone (first entry of a boot-path function) to the "
        "next; ticks below are syscalls (red: failed), diamonds are runtime.newosproc / "
        "clone / exit, the dashed line is the stop. Hover for details.</p>\n", f);
  fputs("<div class=\"scroll\">", f);
  gb_viz_svg_timeline(f, m, 0, "timeline-linear");
  fputs("</div>\n<p class=\"note\">The same on a logarithmic axis, log<sub>10</sub>(1 + "
        "instructions), where the first phases (a few instructions each) are visible:</p>\n"
        "<div class=\"scroll\">", f);
  gb_viz_svg_timeline(f, m, 1, "timeline-log");
  fputs("</div></section>\n", f);
}

static void milestones_section(FILE *f, const gb_viz_model *m) {
  fputs("<section id=\"milestones\"><h2>Milestones</h2>\n<div class=\"scroll\"><table>"
        "<thead><tr><th>milestone</th><th>symbol</th><th>address</th><th>tid</th>"
        "<th>instruction</th><th>phase length</th><th>share of all instructions</th></tr></thead>"
        "<tbody>\n", f);
  const cJSON *e;
  cJSON_ArrayForEach(e, m->events) {
    if (gb_event_kind_of(gb_viz_str(e, "ev", "")) != GB_EV_MILESTONE) continue;
    const char *name = gb_viz_str(e, "name", "?");
    const gb_viz_phase *p = NULL;
    int pk = 0;
    for (int k = 0; k < m->nphases; k++)
      if (m->phases[k].ev == e) p = &m->phases[k], pk = k;
    fprintf(f, "<tr><td><span class=\"swatch\" style=\"background:%s\"></span>",
            p ? gb_viz_phase_colour(pk) : "#323f4b");
    gb_html_esc(f, name);
    fputs(p ? "" : " <small>(marker)</small>", f);
    fputs("</td><td class=\"mono\">", f);
    gb_html_esc(f, gb_viz_str(e, "symbol", ""));
    fputs("</td><td class=\"mono\">", f);
    gb_html_esc(f, gb_viz_str(e, "addr", ""));
    fprintf(f, "</td><td class=\"num\">%.0f</td><td class=\"num\">", gb_viz_num(e, "t", 0));
    gb_html_count(f, (uint64_t)gb_viz_num(e, "i", 0));
    fputs("</td><td class=\"num\">", f);
    if (p) gb_html_count(f, p->end - p->start);
    fputs("</td><td>", f);
    if (p && m->end)
      fprintf(f, "<span class=\"share\"><i style=\"width:%.1f%%;background:%s\"></i></span> "
                 "%.1f%%", 100.0 * (double)(p->end - p->start) / (double)m->end,
              gb_viz_phase_colour(pk), 100.0 * (double)(p->end - p->start) / (double)m->end);
    fputs("</td></tr>\n", f);
  }
  fputs("</tbody></table></div></section>\n", f);
}

static int is_plain_field(const char *k) {
  static const char *const plain[] = {"ev", "i", "t", "ns", "nr", "name", "args", "ret"};
  for (size_t j = 0; j < sizeof plain / sizeof plain[0]; j++)
    if (!strcmp(k, plain[j])) return 1;
  return 0;
}

/* A formatted number ("0x1f", "0644") rather than text read from the guest? */
static int looks_numeric(const char *s) {
  if (!strncmp(s, "0x", 2) && s[2]) s += 2;
  if (!*s) return 0;
  for (; *s; s++)
    if (!strchr("0123456789abcdefABCDEF", *s)) return 0;
  return 1;
}

static void syscall_row(FILE *f, int index, const cJSON *e) {
  const cJSON *ret = gb_viz_get(e, "ret");
  int unknown = gb_event_kind_of(gb_viz_str(e, "ev", "")) == GB_EV_UNKNOWN_SYSCALL;
  int err = unknown || (cJSON_IsString(ret) && ret->valuestring[0] == '-');
  fprintf(f, "<tr%s><td class=\"num\">%d</td><td class=\"num\">%.0f</td><td class=\"num\">",
          err ? " class=\"err\"" : "", index, gb_viz_num(e, "t", 0));
  gb_html_count(f, (uint64_t)gb_viz_num(e, "i", 0));
  fputs("</td><td class=\"mono\">", f);
  if (unknown) fprintf(f, "unknown #%.0f", gb_viz_num(e, "nr", -1));
  else gb_html_esc(f, gb_viz_str(e, "name", "?"));
  fputs("</td><td class=\"mono args\">", f);
  const cJSON *a;
  int n = 0;
  cJSON_ArrayForEach(a, gb_viz_get(e, "args")) {
    fputs(n++ ? ", " : "", f);
    if (cJSON_IsString(a) && !looks_numeric(a->valuestring)) {
      fputs("\"", f);
      gb_html_esc_max(f, a->valuestring, 200);
      fputs("\"", f);
    } else gb_html_json(f, a);
  }
  fputs("</td><td class=\"mono ret\">", f);
  gb_html_json(f, unknown ? NULL : ret);
  if (unknown) fputs("-ENOSYS", f);
  fputs("</td><td class=\"mono\">", f);
  n = 0;
  cJSON_ArrayForEach(a, e) {
    if (!a->string || is_plain_field(a->string)) continue;
    fputs(n++ ? " " : "", f);
    gb_html_esc(f, a->string);
    fputs("=", f);
    gb_html_json(f, a);
  }
  fputs("</td></tr>\n", f);
}

static void syscalls_section(FILE *f, const gb_viz_model *m) {
  fputs("<section id=\"syscall-table\"><h2>Syscalls</h2>\n<div class=\"chips\">", f);
  const cJSON *c;
  cJSON_ArrayForEach(c, gb_viz_get(m->summary, "syscall_counts")) {
    fputs("<span>", f);
    gb_html_esc(f, c->string ? c->string : "?");
    fprintf(f, " \u00d7 %.0f</span>", cJSON_IsNumber(c) ? c->valuedouble : 0);
  }
  fputs("</div>\n<p class=\"note\">Every syscall in order (all emulated; none reaches the "
        "host). Instruction = guest instructions executed before it.</p>\n"
        "<input id=\"sysfilter\" type=\"search\" placeholder=\"filter: name, tid, argument\u2026\">"
        "\n<div class=\"scroll\" style=\"max-height:640px\"><table id=\"syscalls\"><thead><tr>"
        "<th>#</th><th>tid</th><th>instruction</th><th>syscall</th><th>arguments</th>"
        "<th>result</th><th>notes</th></tr></thead><tbody>\n", f);
  const cJSON *e;
  int index = 0;
  cJSON_ArrayForEach(e, m->events) {
    const char *kind = gb_viz_str(e, "ev", "");
    if (!gb_event_is_syscall(gb_event_kind_of(kind))) continue;
    syscall_row(f, index++, e);
  }
  fputs("</tbody></table></div></section>\n", f);
}

static void kv_table(FILE *f, const cJSON *o) {
  fputs("<table class=\"kv\"><tbody>\n", f);
  const cJSON *v;
  cJSON_ArrayForEach(v, o) {
    fputs("<tr><td class=\"mono\">", f);
    gb_html_esc(f, v->string ? v->string : "");
    fputs("</td><td class=\"mono\">", f);
    gb_html_json(f, v);
    fputs("</td></tr>\n", f);
  }
  fputs("</tbody></table>\n", f);
}

static void state_stop_output(FILE *f, const gb_viz_model *m, const cJSON *trace) {
  fputs("<section id=\"boot-state\"><h2>Boot state</h2>\n", f);
  const cJSON *bs = gb_viz_get(trace, "boot_state");
  if (cJSON_IsObject(bs)) {
    fputs("<p class=\"note\">Runtime globals read from guest memory at the first entry of "
          "runtime.main.</p>\n", f);
    kv_table(f, bs);
  } else fputs("<p class=\"note\">Not recorded: runtime.main was never reached.</p>\n", f);
  fputs("</section>\n<section id=\"stop\"><h2>Stop</h2>\n", f);
  if (cJSON_IsObject(m->stop)) {
    fprintf(f, "<p><span class=\"badge%s\">", stop_ok(m) ? "" : " bad");
    gb_html_esc(f, gb_viz_str(m->stop, "reason", "?"));
    fputs("</span> ", f);
    gb_html_esc(f, gb_viz_str(m->stop, "message", ""));
    fputs("</p>\n", f);
    kv_table(f, m->stop);
  } else fputs("<p class=\"note\">No stop recorded.</p>\n", f);
  fputs("</section>\n<section id=\"output\"><h2>Output</h2>\n", f);
  const cJSON *out = gb_viz_get(trace, "output");
  static const char *const fds[] = {"stdout", "stderr"};
  for (int k = 0; k < 2; k++) {
    const char *s = gb_viz_str(out, fds[k], NULL);
    fprintf(f, "<h3>%s</h3>", fds[k]);
    if (s && s[0]) {
      fputs("<pre>", f);
      gb_html_esc(f, s);
      fputs("</pre>\n", f);
    } else fputs("<p class=\"note\">(empty)</p>\n", f);
  }
  fputs("</section>\n", f);
}

int gb_viz_report(FILE *f, const cJSON *trace) {
  gb_viz_model m;
  if (gb_viz_model_build(&m, trace)) return 78;
  const char *bin = gb_viz_str(m.header, "binary", "?");
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"goboot report\">\n<title>goboot report: ", f);
  gb_html_esc(f, bin);
  fprintf(f, "</title>\n<style>\n%s</style>\n</head><body>\n", gb_report_css);
  page_header(f, &m);
  facts(f, &m);
  int rc = stack_section(f, &m);
  if (!rc) {
    timeline_section(f, &m);
    milestones_section(f, &m);
    syscalls_section(f, &m);
    state_stop_output(f, &m, trace);
    fputs("</main>\n<footer>goboot ", f);
    gb_html_esc(f, gb_viz_str(m.header, "goboot_version", "?"));
    fprintf(f, " \u00b7 one self-contained page: no network, no external files</footer>\n"
               "<script>\n%s</script>\n</body></html>\n", gb_report_js);
  }
  gb_viz_model_free(&m);
  return rc;
}
