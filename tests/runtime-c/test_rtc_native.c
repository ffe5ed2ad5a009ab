/* test_rtc_native.c — the native differential: goboot-rtc on the real kernel against
 * the oracle's prediction for goboot's synthesized stack.
 *
 * For each case it execve()s goboot-rtc with an exact argv and environment (env -i
 * semantics) and address-space randomisation off for the child (personality
 * ADDR_NO_RANDOMIZE, as setarch -R), reads its report, and predicts the same state
 * with the library: gb_stack_build() in mimic-host mode (the host kernel's auxv tags
 * and values) for the same argv/envp/execfn at the kernel's un-randomised stack top,
 * plus this process's own answers to CPUID, sched_getaffinity and hpage_pmd_size
 * (the child inherits the same CPU and affinity), and goboot-rtc's g0/m0 symbols.
 * Every boot-state field must agree, except what the kernel randomises anyway:
 *   - startup_random: the kernel's AT_RANDOM bytes are fresh per exec (≤1.21 only;
 *     1.22+ both sides say null and that is compared);
 *   - the oracle's sysinfo_ehdr extra: the vDSO address is this process's, not the
 *     child's;
 *   - if randomisation cannot be turned off: argv, g0_* and the stack addresses.
 * m0_tls0 exists only natively (the oracle cannot know which g is current); it must
 * equal the g0 symbol. Exit 0 only when all agree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cpuid.h>

#include "hostauxv.h"
#include "image.h"
#include "oracle.h"
#include "oracle_json.h"
#include "stack.h"

static int passed, failed, norandom;

static char *run(const char *path, char *const argv[], char *const envp[], int *status) {
  int fd[2];
  if (pipe(fd)) return NULL;
  pid_t pid = fork();
  if (pid < 0) return NULL;
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]), close(fd[1]);
    execve(path, argv, envp);
    _exit(127);
  }
  close(fd[1]);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    ssize_t r = read(fd[0], buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    if (n + 1 >= cap) break;
  }
  buf[n] = 0;
  close(fd[0]);
  waitpid(pid, status, 0);
  return buf;
}

/* Excluded keys: contract keys first, then the "oracle" extras. */
static int excluded(const char *key, int minor) {
  if (!strcmp(key, "startup_random") && minor <= 21) return 1;
  if (!strcmp(key, "sysinfo_ehdr")) return 1;
  if (!norandom && (!strcmp(key, "argv") || !strncmp(key, "g0_stack", 8) ||
                    !strncmp(key, "g0_stackguard", 13) || !strcmp(key, "auxv_addr") ||
                    !strcmp(key, "at_random_addr")))
    return 1;
  return 0;
}

static char *show(const cJSON *v) {
  return v ? cJSON_PrintUnformatted(v) : strdup("(absent)");
}

static void compare(const char *name, cJSON *pred, cJSON *nat, int minor) {
  int bad = 0;
  printf("\n== %s\n%-24s %-22s %-22s %s\n", name, "field", "native", "oracle", "verdict");
  /* every key either side has, contract keys and extras */
  for (int pass = 0; pass < 2; pass++) {
    cJSON *po = pass ? cJSON_GetObjectItem(pred, "oracle") : pred;
    cJSON *no = pass ? cJSON_GetObjectItem(nat, "oracle") : nat;
    cJSON *keys = cJSON_CreateArray();
    cJSON *it;
    cJSON_ArrayForEach(it, po) if (strcmp(it->string, "oracle")) cJSON_AddItemToArray(keys, cJSON_CreateString(it->string));
    cJSON_ArrayForEach(it, no) if (strcmp(it->string, "oracle") && !cJSON_GetObjectItem(po, it->string))
      cJSON_AddItemToArray(keys, cJSON_CreateString(it->string));
    cJSON_ArrayForEach(it, keys) {
      const char *k = it->valuestring;
      cJSON *a = cJSON_GetObjectItem(no, k), *b = cJSON_GetObjectItem(po, k);
      const char *verdict;
      if (!pass && !strcmp(k, "m0_tls0")) {
        cJSON *g0 = cJSON_GetObjectItem(pred, "g0");
        verdict = (a && g0 && !b && cJSON_Compare(a, g0, 1)) ? "ok (= g0)" : "DIFFER";
      } else if (excluded(k, minor)) {
        int shape = !strcmp(k, "startup_random")
                        ? (cJSON_IsString(a) && cJSON_IsString(b) && strlen(a->valuestring) == 32)
                        : 1;
        verdict = shape ? "excluded" : "DIFFER";
      } else {
        verdict = (a && b && cJSON_Compare(a, b, 1)) ? "ok" : "DIFFER";
      }
      char *sa = show(a), *sb = show(b);
      printf("%-24s %-22s %-22s %s\n", k, sa, sb, verdict);
      free(sa), free(sb);
      if (!strcmp(verdict, "DIFFER")) bad++;
    }
    cJSON_Delete(keys);
  }
  if (bad) failed++, printf("%s: %d field(s) differ\n", name, bad);
  else passed++;
}

static int predict(const char *path, const char *const *argv, int argc, const char *const *envp,
                   int envc, const char *profile, gb_oracle_state *out) {
  static gb_stack_spec spec;
  gb_image img;
  gb_auxv_env env;
  gb_stack st;
  uint64_t host[512];
  size_t nhost;
  char err[256];
  if (gb_image_load(&img, path, err, sizeof err) != GB_OK) return fprintf(stderr, "%s\n", err), -1;
  if (gb_auxv_env_from_host(&env) || gb_host_auxv_read(host, 512, &nhost))
    return fprintf(stderr, "cannot read /proc/self/auxv\n"), -1;
  memset(&spec, 0, sizeof spec);
  spec.argv = argv, spec.argc = argc, spec.envp = envp, spec.envc = envc;
  spec.execfn = path;
  gb_random_from_seed(1, spec.random);
  gb_auxv_defaults_host(&spec, &img, &env, host, nhost);
  if (gb_stack_build(&spec, &st, err, sizeof err)) return fprintf(stderr, "%s\n", err), -1;

  gb_oracle_in in;
  memset(&in, 0, sizeof in);
  if (gb_oracle_profile_parse(&in.prof, profile)) return -1;
  in.stack = (gb_oracle_mem){st.bytes, st.base, st.size};
  in.entry_sp = st.rsp;
  unsigned a, b, c, d;
  __cpuid(0, a, b, c, d);
  in.cpuid_known = 1, in.cpuid_max_leaf = a;
  in.cpuid_vendor[0] = b, in.cpuid_vendor[1] = d, in.cpuid_vendor[2] = c;
  if (a) {
    __cpuid(1, a, b, c, d);
    in.cpuid_leaf1_eax = a;
  }
  static uint8_t aff[8192], hp[20];
  in.affinity_known = 1;
  in.affinity_ret = syscall(SYS_sched_getaffinity, 0, sizeof aff, aff); /* raw: bytes */
  if (in.affinity_ret < 0) in.affinity_ret = -errno;
  in.affinity = aff;
  int fd = open("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", O_RDONLY);
  in.hpage.known = 1;
  if (fd < 0) {
    in.hpage.open_err = -errno;
  } else {
    in.hpage.read_ret = read(fd, hp, sizeof hp);
    in.hpage.data = hp;
    close(fd);
  }
  const gb_sym *g0 = gb_sym_find(&img, "g0"), *m0 = gb_sym_find(&img, "m0");
  in.g0_addr = g0 ? g0->addr : 0, in.m0_addr = m0 ? m0->addr : 0;
  in.vdso_base = env.vdso_base;
  int r = gb_oracle_run(&in, out);
  gb_stack_free(&st);
  gb_image_free(&img);
  return r;
}

int main(int argc, char **argv) {
  if (argc != 2) return fprintf(stderr, "usage: %s GOBOOT-RTC\n", argv[0]), 64;
  char path[4096];
  if (!realpath(argv[1], path)) return perror(argv[1]), 65;

  int cur = personality(0xffffffff);
  norandom = cur != -1 && personality((unsigned long)cur | ADDR_NO_RANDOMIZE) != -1 &&
             (personality(0xffffffff) & ADDR_NO_RANDOMIZE);
  if (!norandom) printf("note: ADDR_NO_RANDOMIZE unavailable; stack addresses excluded\n");

  static const struct {
    const char *name, *profile;
    const char *args[4]; int nargs;
    const char *env[3]; int nenv;
  } cases[] = {
    {"1.19 x yy, A=1 B=22", "1.19", {"x", "yy", "--profile=1.19"}, 3, {"A=1", "B=22"}, 2},
    {"1.22 via env, GOMAXPROCS=3", "1.22", {0}, 0, {"GOBOOT_RTC_PROFILE=1.22", "GOMAXPROCS=3"}, 2},
    {"1.25, containermaxprocs=0", "1.25", {"--profile=1.25"}, 1, {"GODEBUG=containermaxprocs=0"}, 1},
    {"1.17, no environment", "1.17", {"--profile=1.17"}, 1, {0}, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *av[6] = {path};
    for (int j = 0; j < cases[i].nargs; j++) av[j + 1] = cases[i].args[j];
    const char *ev[4] = {0};
    for (int j = 0; j < cases[i].nenv; j++) ev[j] = cases[i].env[j];
    int status;
    char *text = run(path, (char *const *)av, (char *const *)ev, &status);
    gb_oracle_state nat, pred;
    char err[256];
    if (!text || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        gb_oracle_parse_report(text, &nat, err, sizeof err)) {
      printf("%s: goboot-rtc failed (status 0x%x): %s\n%s\n", cases[i].name, status, err, text ? text : "");
      failed++;
      free(text);
      continue;
    }
    if (predict(path, av, 1 + cases[i].nargs, ev, cases[i].nenv, cases[i].profile, &pred)) {
      printf("%s: prediction failed\n", cases[i].name);
      failed++;
      free(text);
      continue;
    }
    cJSON *pj = gb_oracle_to_cjson(&pred, 1), *nj = gb_oracle_to_cjson(&nat, 1);
    int minor = atoi(strchr(cases[i].profile, '.') + 1);
    compare(cases[i].name, pj, nj, minor);
    cJSON_Delete(pj), cJSON_Delete(nj);
    free(text);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
