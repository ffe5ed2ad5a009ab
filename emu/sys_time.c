/* sys_time.c — clocks and sleeps on the virtual clock (vclock.c). CLOCK_REALTIME is
 * the monotonic clock plus a fixed epoch (GB_REALTIME_EPOCH_NS); sleeps block the
 * thread until its virtual deadline. */

#include "sys.h"

static int64_t clock_ns(gb_machine *m, uint64_t clk, uint64_t *ns) {
  uint64_t now = gb_now_ns(m);
  switch (clk) {
  case CLOCK_REALTIME_LINUX: case CLOCK_REALTIME_COARSE_LINUX: case CLOCK_REALTIME_ALARM_LINUX:
  case CLOCK_TAI_LINUX:
    *ns = GB_REALTIME_EPOCH_NS + now;
    return 0;
  case CLOCK_MONOTONIC_LINUX: case CLOCK_PROCESS_CPUTIME_ID_LINUX: case CLOCK_THREAD_CPUTIME_ID_LINUX:
  case CLOCK_MONOTONIC_RAW_LINUX: case CLOCK_MONOTONIC_COARSE_LINUX: case CLOCK_BOOTTIME_LINUX:
  case CLOCK_BOOTTIME_ALARM_LINUX:
    *ns = now;
    return 0;
  default: return -EINVAL_LINUX;
  }
}

static int64_t put_ts(gb_machine *m, uint64_t addr, uint64_t ns) {
  int64_t ts[2] = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL)};
  return gb_write(m, addr, ts, sizeof ts) < 0 ? -EFAULT_LINUX : 0;
}

int64_t gb_sys_clock_gettime(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint64_t ns;
  int64_t r = clock_ns(m, a[0], &ns);
  return r < 0 ? r : put_ts(m, a[1], ns);
}

int64_t gb_sys_clock_getres(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint64_t ns;
  int64_t r = clock_ns(m, a[0], &ns);
  if (r < 0) return r;
  return a[1] ? put_ts(m, a[1], 1) : 0;
}

int64_t gb_sys_gettimeofday(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint64_t ns = GB_REALTIME_EPOCH_NS + gb_now_ns(m);
  if (a[0]) {
    int64_t tv[2] = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000)};
    if (gb_write(m, a[0], tv, sizeof tv) < 0) return -EFAULT_LINUX;
  }
  if (a[1]) {
    int32_t tz[2] = {0, 0};
    if (gb_write(m, a[1], tz, sizeof tz) < 0) return -EFAULT_LINUX;
  }
  return 0;
}

int64_t gb_sys_time(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int64_t s = (int64_t)((GB_REALTIME_EPOCH_NS + gb_now_ns(m)) / 1000000000ULL);
  if (a[0] && gb_write(m, a[0], &s, 8) < 0) return -EFAULT_LINUX;
  return s;
}

static int64_t sleep_until(gb_machine *m, uint64_t deadline, cJSON *ev) {
  if (deadline <= gb_now_ns(m)) return 0;
  if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
  gb_block(m, TH_SLEEP, deadline);
  return 0;
}

int64_t gb_read_timespec(gb_machine *m, uint64_t addr, uint64_t *ns) {
  int64_t ts[2];
  if (gb_read(m, addr, ts, sizeof ts) < 0) return -EFAULT_LINUX;
  if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000) return -EINVAL_LINUX;
  *ns = (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
  return 0;
}

int64_t gb_sys_nanosleep(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t ns;
  int64_t r = gb_read_timespec(m, a[0], &ns);
  if (r < 0) return r;
  r = sleep_until(m, gb_now_ns(m) + ns, ev);
  if (gb_cur(m)->state == TH_SLEEP) gb_cur(m)->sleep_rem = a[1]; /* a signal writes the rest */
  return r;
}

int64_t gb_sys_clock_nanosleep(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t ns, now_clk;
  int64_t r = clock_ns(m, a[0], &now_clk);
  if (r < 0) return r;
  if ((r = gb_read_timespec(m, a[2], &ns)) < 0) return r;
  uint64_t now = gb_now_ns(m);
  if (a[1] & TIMER_ABSTIME_LINUX) { /* on the named clock */
    uint64_t rel = ns > now_clk ? ns - now_clk : 0;
    return sleep_until(m, now + rel, ev);
  }
  r = sleep_until(m, now + ns, ev);
  if (gb_cur(m)->state == TH_SLEEP) gb_cur(m)->sleep_rem = a[3];
  return r;
}

/* select/pselect6: with no descriptors how Go <= 1.10's usleep sleeps (pselect6 in some
 * releases, select in others); with descriptor sets, readiness (gb_select, sys_file.c). */
int64_t gb_sys_select(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int64_t tv[2] = {-1, 0};
  if (a[4]) {
    if (gb_read(m, a[4], tv, sizeof tv) < 0) return -EFAULT_LINUX;
    if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000) return -EINVAL_LINUX;
  }
  int64_t ns = a[4] ? tv[0] * 1000000000LL + tv[1] * 1000 : -1;
  if (a[0] != 0) {
    const uint64_t sets[3] = {a[1], a[2], a[3]};
    int64_t r = gb_select(m, a[0], sets, ns, 23, ev);
    m->files.restarting = 0;
    return r;
  }
  if (!a[4]) return sleep_until(m, UINT64_MAX, ev);
  int64_t left[2] = {0, 0}; /* Linux writes back the time left: none */
  if (gb_write(m, a[4], left, sizeof left) < 0) return -EFAULT_LINUX;
  return sleep_until(m, gb_now_ns(m) + (uint64_t)ns, ev);
}

int64_t gb_sys_pselect6(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t ns = 0;
  if (a[4]) {
    int64_t r = gb_read_timespec(m, a[4], &ns);
    if (r < 0) return r;
  }
  if (a[0] != 0) {
    const uint64_t sets[3] = {a[1], a[2], a[3]};
    int64_t r = gb_select(m, a[0], sets, a[4] ? (int64_t)ns : -1, 270, ev);
    m->files.restarting = 0;
    return r;
  }
  if (!a[4]) return sleep_until(m, UINT64_MAX, ev);
  return sleep_until(m, gb_now_ns(m) + ns, ev);
}
