/* check.c — `goboot check` as data (check.h).
 *
 * A Go binary: the oracle predicts the boot state for the stack image with the
 * emulator's own answers (oracle_in.c) and the Go version's profile; the emulator then
 * runs to runtime.main, or to the end when the oracle predicts a fatal error or a fault,
 * and its boot state, stderr and syscalls give the emulated side (sides.c). goboot-rtc:
 * it runs to its exit under the emulator and the report it prints is the emulated side;
 * with --native it also runs on the real kernel (native.c). compare.c lines them up. */
#include <stdio.h>
#include <string.h>

#include "parts.h"

const char *gb_check_kind_name(gb_check_kind k) { return k == GB_CHECK_RTC ? "goboot-rtc" : "go"; }

/* goboot-rtc (the runtime-c program) rather than a Go binary: no Go metadata and
 * the oracle's own entry points in .symtab. */
static int is_rtc(const gb_image *img) {
  if (img->is_go) return 0;
  const gb_sym *a = gb_sym_find(img, "rtc_main"), *b = gb_sym_find(img, "gb_oracle_run");
  return a && b && a->kind == GB_SYM_FUNC && b->kind == GB_SYM_FUNC;
}

/* A cgo binary: runtime.iscgo is initialised true in the file (runtime/cgo sets it), or,
 * without symbols, a PT_TLS segment (only external linking, which cgo implies, has one).
 * rt0_go then calls _cgo_init instead of settls, libc owns FS and g0's bounds come from
 * the pthread stack: the oracle models the non-cgo path only. */
static int is_cgo(const gb_image *img) {
  const gb_sym *s = gb_sym_find(img, "runtime.iscgo");
  size_t avail = 0;
  const unsigned char *p = s ? gb_image_ptr(img, s->addr, &avail) : NULL;
  if (p && avail >= 1) return p[0] != 0;
  return img->has_tls;
}

int gb_check_classify(const gb_image *img, gb_check_kind *kind, char *err, size_t errlen) {
  if (is_rtc(img)) {
    *kind = GB_CHECK_RTC;
    return 0;
  }
  if (!img->is_go) {
    snprintf(err, errlen, "%s is neither a Go binary nor goboot-rtc (%s)", img->path,
             img->note[0] ? img->note : "no Go pclntab");
    return -1;
  }
  if (is_cgo(img)) {
    snprintf(err, errlen, "%s is a cgo binary: rt0_go calls _cgo_init and libc sets FS and "
                          "g0's stack; the oracle models the non-cgo boot only ('goboot run' boots it)",
             img->path);
    return -1;
  }
  *kind = GB_CHECK_GO;
  return 0;
}

/* The oracle profile: goboot-rtc's own rule, else the image's Go version. */
static int choose_profile(const gb_image *img, gb_check_kind kind, const gb_stack *st,
                          gb_check_result *r, char *err, size_t errlen) {
  if (kind == GB_CHECK_RTC) {
    snprintf(r->profile, sizeof r->profile, "%s", gb_check_rtc_profile(st));
  } else if (img->go_minor < 0) {
    snprintf(err, errlen, "%s: unknown Go version; the oracle needs one", img->path);
    return -1;
  } else if (img->go_patch >= 0) {
    snprintf(r->profile, sizeof r->profile, "%d.%d.%d", img->go_major, img->go_minor, img->go_patch);
  } else {
    snprintf(r->profile, sizeof r->profile, "%d.%d", img->go_major, img->go_minor);
  }
  r->profile_minor = 0;
  sscanf(r->profile, "%*d.%d", &r->profile_minor);
  return 0;
}

/* The CPU the trace header names must be the one the oracle was told about. */
static int header_cpu_ok(const cJSON *trace, const gb_oracle_in *in, char *err, size_t errlen) {
  const cJSON *h = cJSON_GetObjectItem(trace, "header");
  const cJSON *model = cJSON_GetObjectItem(h, "cpu_model"), *vendor = cJSON_GetObjectItem(h, "cpu_vendor");
  char told[13];
  memcpy(told, in->cpuid_vendor, 12);
  told[12] = 0;
  if (cJSON_IsString(model) && !strcmp(model->valuestring, gb_emu_cpu_model()) &&
      cJSON_IsString(vendor) && !strcmp(vendor->valuestring, told))
    return 1;
  snprintf(err, errlen, "the emulator's CPU (%s, %s) is not the %s the oracle was given",
           cJSON_IsString(model) ? model->valuestring : "?", cJSON_IsString(vendor) ? vendor->valuestring : "?",
           gb_emu_cpu_model());
  return 0;
}

gb_check_status gb_check_run(const gb_image *img, gb_check_kind kind, const gb_stack *st,
                             const gb_check_opts *o, gb_check_result *r, char *err,
                             size_t errlen) {
  memset(r, 0, sizeof *r);
  int rtc = kind == GB_CHECK_RTC;
  gb_oracle_in oin;
  gb_check_answers ans;
  gb_oracle_state pred;
  memset(&oin, 0, sizeof oin);
  if (choose_profile(img, kind, st, r, err, errlen)) return GB_CHECK_NO_PROFILE;
  if (gb_oracle_profile_parse(&oin.prof, r->profile)) {
    snprintf(err, errlen, "no oracle profile for Go %s (runtime-c covers " GB_GO_KNOWN_RANGE ")",
             r->profile);
    return GB_CHECK_NO_PROFILE;
  }
  char why[400];
  if (gb_check_oracle_in(&oin, &ans, img, st, o->ncpu, o->vdso_base, rtc, why, sizeof why)) {
    snprintf(err, errlen, "oracle: %s", why);
    return GB_CHECK_NO_MACHINE;
  }
  if (gb_oracle_run(&oin, &pred) != GB_ORACLE_OK) {
    snprintf(err, errlen, "oracle: it could not be given these inputs");
    return GB_CHECK_NO_MACHINE;
  }

  gb_emu_opts eo = o->emu;
  eo.ncpu = o->ncpu;
  eo.seed = o->seed;
  eo.echo = 0;
  eo.trace_keep = 1; /* sides.c looks for opened files in the events */
  /* Go: stop at runtime.main unless the oracle says the boot never gets there. */
  eo.until = rtc || pred.fatal[0] || (pred.have & GB_F_FAULT) ? NULL : "runtime.main";
  gb_emu_result res;
  memset(&res, 0, sizeof res);
  gb_check_status s = GB_CHECK_COMPARED;
  if (gb_emu_run(img, st, &eo, &res) < 0) {
    snprintf(err, errlen, "%s", res.message);
    s = GB_CHECK_NO_MACHINE;
  } else if (!header_cpu_ok(res.trace, &oin, err, errlen)) {
    s = GB_CHECK_NO_MACHINE;
  } else {
    r->emulated = rtc ? gb_check_side_from_rtc(&res, err, errlen) : gb_check_side_from_trace(&res);
    if (!r->emulated) s = GB_CHECK_NO_SIDE;
  }
  if (res.trace) gb_emu_result_free(&res);
  r->norandom = 1;
  if (s == GB_CHECK_COMPARED && o->native) {
    r->native = gb_check_native(img->path, o->argv, o->envp, &r->norandom, err, errlen);
    if (!r->native) s = GB_CHECK_NO_SIDE;
  }
  if (s == GB_CHECK_COMPARED) r->oracle = gb_check_side_from_state(&pred);
  if (s != GB_CHECK_COMPARED) {
    gb_check_result_free(r);
    return s;
  }
  gb_check_cols cols = {r->emulated, r->oracle, r->native, rtc, r->profile_minor, r->norandom};
  r->disagreements = gb_check_compare(&cols, &r->fields);
  return GB_CHECK_COMPARED;
}

void gb_check_result_free(gb_check_result *r) {
  cJSON_Delete(r->emulated), cJSON_Delete(r->oracle), cJSON_Delete(r->native);
  cJSON_Delete(r->fields);
  r->emulated = r->oracle = r->native = r->fields = NULL;
}
