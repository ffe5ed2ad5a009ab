/* stackdump.c — dump this process's initial stack, as the kernel built it.
 *
 * Built -static (glibc): main's argv is the kernel's own argv array, so the entry
 * RSP is (char *)argv - 8 (it points at argc), and nothing before main writes above
 * it. The stack top is found from AT_EXECFN: the filename string sits directly
 * under the 8 zero bytes at the top (fs/exec.c copies it first).
 *
 * Output (text, one item per line):
 *   rsp 0x...            top 0x...
 *   w OFFSET 0xWORD REGION   every 8-byte word from RSP to the top; OFFSET is the
 *                            word's address minus top (negative); REGION names what
 *                            its first byte belongs to ("+" when the word spills over).
 * Used by test_stack_kernel, which compares it with goboot's synthesized stack. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define AT_NULL 0
#define AT_PLATFORM 15
#define AT_RANDOM 25
#define AT_EXECFN 31

typedef struct layout {
  uintptr_t rsp, top, argv, envp, auxv, auxv_end, random, platform, platform_end, strings,
    execfn;
  int argc, envc;
} layout;

static void region(const layout *l, uintptr_t a, char *out, size_t n) {
  if (a == l->rsp) snprintf(out, n, "argc");
  else if (a >= l->argv && a < l->argv + 8 * (uintptr_t)l->argc)
    snprintf(out, n, "argv[%d]", (int)((a - l->argv) / 8));
  else if (a >= l->argv && a < l->envp) snprintf(out, n, "argv-null");
  else if (a >= l->envp && a < l->envp + 8 * (uintptr_t)l->envc)
    snprintf(out, n, "envp[%d]", (int)((a - l->envp) / 8));
  else if (a >= l->envp && a < l->auxv) snprintf(out, n, "envp-null");
  else if (a >= l->auxv && a < l->auxv_end)
    snprintf(out, n, "auxv[%d].%s", (int)((a - l->auxv) / 16), (a - l->auxv) % 16 ? "val" : "tag");
  else if (a >= l->auxv_end && a < l->random) snprintf(out, n, "padding");
  else if (a >= l->random && a < l->random + 16) snprintf(out, n, "random");
  else if (a >= l->platform && a < l->platform_end) snprintf(out, n, "platform");
  else if (a >= l->platform_end && a < l->strings) snprintf(out, n, "gap");
  else if (a >= l->strings && a < l->execfn) snprintf(out, n, "strings");
  else if (a >= l->execfn && a < l->top - 8) snprintf(out, n, "execfn");
  else snprintf(out, n, "end");
}

int main(int argc, char **argv, char **envp) {
  layout l;
  memset(&l, 0, sizeof l);
  l.rsp = (uintptr_t)argv - 8;
  l.argc = argc;
  l.argv = (uintptr_t)argv;
  l.envp = l.argv + 8 * (uintptr_t)(argc + 1);
  if ((uintptr_t)envp != l.envp) {
    fprintf(stderr, "stackdump: envp is not right after argv\n");
    return 2;
  }
  while (envp[l.envc]) l.envc++;
  const uint64_t *av = (const uint64_t *)(envp + l.envc + 1);
  l.auxv = (uintptr_t)av;
  size_t i = 0;
  for (; av[i] != AT_NULL; i += 2) {
    if (av[i] == AT_RANDOM) l.random = av[i + 1];
    if (av[i] == AT_PLATFORM) l.platform = av[i + 1];
    if (av[i] == AT_EXECFN) l.execfn = av[i + 1];
  }
  l.auxv_end = (uintptr_t)(av + i + 2);
  if (!l.random || !l.platform || !l.execfn) {
    fprintf(stderr, "stackdump: AT_RANDOM, AT_PLATFORM or AT_EXECFN missing\n");
    return 2;
  }
  l.platform_end = l.platform + strlen((const char *)l.platform) + 1;
  l.top = l.execfn + strlen((const char *)l.execfn) + 1 + 8;
  l.strings = argc ? (uintptr_t)argv[0] : l.envc ? (uintptr_t)envp[0] : l.execfn;
  if (l.top % 4096 || *(const uint64_t *)(l.top - 8) != 0) {
    fprintf(stderr, "stackdump: top 0x%lx is not a page boundary under a zero word\n",
            (unsigned long)l.top);
    return 2;
  }
  printf("rsp 0x%lx\ntop 0x%lx\n", (unsigned long)l.rsp, (unsigned long)l.top);
  for (uintptr_t a = l.rsp; a < l.top; a += 8) {
    char r1[32], r2[32];
    region(&l, a, r1, sizeof r1);
    region(&l, a + 7, r2, sizeof r2);
    printf("w %ld 0x%016lx %s%s\n", (long)(a - l.top), (unsigned long)*(const uint64_t *)a, r1,
           strcmp(r1, r2) ? "+" : "");
  }
  return 0;
}
