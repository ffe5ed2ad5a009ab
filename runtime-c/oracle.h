/* oracle.h — the native bootstrap oracle: what a Go linux/amd64 runtime computes
 * between execve and runtime.main, as a pure function of its inputs.
 *
 * Offers: per-version rules (gb_oracle_profile_init), the inputs the runtime reads
 * (stack image, CPUID, syscall answers; gb_oracle_in), the resulting boot state
 * (gb_oracle_state, the fields of docs/HELPERS-CONTRACT.md plus a few extras) and
 * gb_oracle_run().  The phases are public too, so goboot-rtc can issue the real
 * syscalls in the runtime's order between them.
 *
 * Freestanding: only <stdint.h>/<stddef.h> and loader/goversions.h (as freestanding);
 * no libc, no allocation, no globals. Rules and their sources: runtime-c/README.md. */
#ifndef GOBOOT_RUNTIME_C_ORACLE_H
#define GOBOOT_RUNTIME_C_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "goversions.h"

/* ---- per-version rules ------------------------------------------------------ */

/* The facts of loader/goversions.c (gb_go_facts) the oracle uses; the values and the
 * releases they change in are there, nowhere else. */
typedef struct gb_oracle_profile {
  int major, minor, patch;   /* 1, 19, 8; patch -1 = unknown (rules take the .0 release) */
  gb_go_facts go;            /* the release's row of loader/goversions.c */
} gb_oracle_profile;

/* Fill P for Go MAJOR.MINOR[.PATCH]; returns 0, or -1 for a version outside
 * GB_GO_KNOWN_RANGE (1.GB_GO_MINOR_OLDEST to 1.GB_GO_MINOR_NEWEST). */
int gb_oracle_profile_init(gb_oracle_profile *p, int major, int minor, int patch);
/* Parse "1.19", "1.21.13" or "go1.22.4"; returns 0 or -1. */
int gb_oracle_profile_parse(gb_oracle_profile *p, const char *s);

/* ---- inputs -------------------------------------------------------------- */

/* A window of guest memory: [base, base+size). Reads outside it are faults. */
typedef struct gb_oracle_mem {
  const uint8_t *bytes;
  uint64_t base, size;
} gb_oracle_mem;

/* The answer to "open FILE, read it": known = 0 → nobody knows (dependent fields are
 * absent). open_err != 0 → the open failed (-errno). Otherwise read_ret is what the
 * read returned (bytes, or -errno) and data holds those bytes. */
typedef struct gb_oracle_file {
  int known;
  int open_err;
  int64_t read_ret;
  const uint8_t *data;
} gb_oracle_file;

/* Another mapping of the process at entry (an ELF PT_LOAD segment, the vDSO, the
 * stack's part below the image): readable, contents not supplied. */
typedef struct gb_oracle_range {
  uint64_t base, size;
  int writable;
} gb_oracle_range;

typedef struct gb_oracle_in {
  gb_oracle_profile prof;
  gb_oracle_mem stack;          /* the initial stack image (e.g. gb_stack_build's) */
  uint64_t entry_sp;            /* RSP at the ELF entry: points at argc */

  /* CPUID as rt0_go sees it. */
  int cpuid_known;
  uint32_t cpuid_max_leaf;      /* leaf 0 EAX */
  uint32_t cpuid_vendor[3];     /* leaf 0 EBX, EDX, ECX ("Genu" "ineI" "ntel") */
  uint32_t cpuid_leaf1_eax;

  /* osinit: sched_getaffinity(0, 8192, buf) → affinity_ret; the bytes written. */
  int affinity_known;
  int64_t affinity_ret;
  const uint8_t *affinity;
  /* osinit: /sys/kernel/mm/transparent_hugepage/hpage_pmd_size, read(fd, buf, 20). */
  gb_oracle_file hpage;
  /* sysargs fallback (empty auxv only): /proc/self/auxv, read(fd, buf, 1024). */
  gb_oracle_file proc_auxv;
  /* …and when that open fails: the page size the mincore probe finds (0 = its mmap
   * failed; known = 0 → unknown). */
  int mincore_known;
  uint64_t mincore_pagesz;

  /* Optional symbol addresses (0 = unknown): runtime.g0 and runtime.m0. */
  uint64_t g0_addr, m0_addr;
  /* Optional: where a valid vDSO is mapped; an AT_SYSINFO_EHDR elsewhere makes the
   * state undetermined (the runtime would parse whatever is there). */
  uint64_t vdso_base;
  /* Optional: where a pointer the runtime dereferences (AT_RANDOM) may land besides
   * the stack image. mapped_complete = 1: the image and MAPPED are the whole address
   * space, any other address faults. 0: only addresses no static Linux process has
   * mapped at entry fault (below 64 KiB, vm.mmap_min_addr's default, or at/above 2^47);
   * elsewhere outside the image the outcome is undetermined. */
  const gb_oracle_range *mapped;
  size_t nmapped;
  int mapped_complete;
} gb_oracle_in;

/* ---- the boot state -------------------------------------------------------- */

/* Presence bits: a field is rendered only when its bit is set. */
enum {
  GB_F_ARGC = 1u << 0, GB_F_ARGV = 1u << 1, GB_F_G0_STACK = 1u << 2, GB_F_G0 = 1u << 3,
  GB_F_M0 = 1u << 4, GB_F_M0_TLS0 = 1u << 5, GB_F_FS_BASE = 1u << 6,
  GB_F_PAGE = 1u << 7, GB_F_HUGE = 1u << 8, GB_F_NCPU = 1u << 9, GB_F_GOMAXPROCS = 1u << 10,
  GB_F_CPU = 1u << 11, GB_F_RANDOM = 1u << 12, GB_F_SECURE = 1u << 13,
  GB_F_AUXV_PAIRS = 1u << 14, GB_F_FATAL = 1u << 15, GB_F_ENVC = 1u << 16,
  GB_F_FAULT = 1u << 17
};

/* Where sysargs got its vector from. */
enum { GB_AUXV_STACK = 0, GB_AUXV_PROC = 1, GB_AUXV_MINCORE = 2, GB_AUXV_NONE = 3 };

/* What the 16 AT_RANDOM bytes on the stack are at runtime.main. */
enum { GB_RAND_UNTOUCHED = 0, GB_RAND_ZEROED = 1, GB_RAND_OVERWRITTEN = 2 };

#define GB_ORACLE_MSG 96

typedef struct gb_oracle_state {
  uint32_t have;                /* GB_F_* */
  char profile[24];             /* "1.19" */
  int32_t argc;
  uint64_t argv;
  int32_t envc;
  uint64_t g0_stack_lo, g0_stack_hi, g0_stackguard0, g0_stackguard1;
  uint64_t g0, m0, m0_tls0, fs_base;
  uint64_t phys_page_size, phys_huge_page_size;
  int32_t ncpu, gomaxprocs;
  int is_intel;
  uint32_t processor_version_info;
  int startup_random_null;      /* 1 → JSON null */
  uint8_t startup_random[16];
  int secure_mode;
  int64_t auxv_pairs;
  char fatal[GB_ORACLE_MSG];    /* GB_F_FATAL set: the message, or "" → JSON null */
  char fatal_detail[GB_ORACLE_MSG]; /* the line the runtime prints before the throw */
  uint64_t fault_addr;          /* GB_F_FAULT: the runtime would fault reading here */

  /* Extras (not contract keys; rendered under "oracle" when asked). */
  int auxv_source;              /* GB_AUXV_* */
  uint64_t auxv_addr;           /* first auxv word on the stack */
  uint64_t at_random_addr;      /* last AT_RANDOM value, 0 if none */
  uint64_t sysinfo_ehdr;        /* last non-zero AT_SYSINFO_EHDR value */
  int random_from_urandom;      /* the runtime will read /dev/urandom for its seed */
  int stack_random_after;       /* GB_RAND_* */
  int need_proc_auxv;           /* sysargs found an empty vector and needs the fallback */
  char undetermined[GB_ORACLE_MSG]; /* why some field cannot be predicted, "" if none */
  int outcome_unknown;          /* whether runtime.main is reached cannot be predicted: fatal
                                 * and fault stay absent (the other fields say what the
                                 * runtime computes if it gets there) */
} gb_oracle_state;

/* ---- running it -------------------------------------------------------------- */

enum { GB_ORACLE_OK = 0, GB_ORACLE_EINPUT = -1 };

/* The whole boot path: rt0 → sysargs → osinit → schedinit. Returns GB_ORACLE_OK (the
 * state may still carry a fatal or a fault: that is a prediction, not an error) or
 * GB_ORACLE_EINPUT for inputs the runtime could not even be given (no stack image,
 * an affinity answer larger than the 8192-byte buffer, …). */
int gb_oracle_run(const gb_oracle_in *in, gb_oracle_state *out);

/* Phases, in the runtime's order; each returns like gb_oracle_run and does nothing
 * once the state holds a fatal or a fault. */
int gb_oracle_rt0(const gb_oracle_in *in, gb_oracle_state *st);     /* rt0_go + args */
int gb_oracle_sysargs(const gb_oracle_in *in, gb_oracle_state *st); /* sysargs/sysauxv */
int gb_oracle_osinit(const gb_oracle_in *in, gb_oracle_state *st);
int gb_oracle_schedinit(const gb_oracle_in *in, gb_oracle_state *st);
int gb_oracle_stopped(const gb_oracle_state *st);   /* fatal or fault recorded */

/* ---- the compact line format (goboot-rtc's stdout; freestanding) ---------------- */

/* "key=value\n" lines, framed by "goboot-rtc 1" and "end". Writes at most CAP bytes
 * (always NUL-terminated when CAP > 0); returns the length it needed. */
size_t gb_oracle_format(const gb_oracle_state *st, char *buf, size_t cap);

/* Helpers shared by the phases and goboot-rtc (freestanding). */
int gb_oracle_atoi64(const char *s, size_t n, int64_t *out); /* Go's runtime atoi64 */

#endif
