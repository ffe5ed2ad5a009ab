/* test_stack_kernel.c — goboot's synthesized stack against the real kernel's.
 *
 * For each case it execve()s the static stackdump program with an exact argv and
 * environment (env -i semantics), reads the kernel-built initial stack it dumps
 * (every word from RSP to the top), builds goboot's image for the same argv, envp
 * and execfn in mimic-host mode, and requires the two to be byte-identical from RSP
 * to the top. Only what the kernel randomises is taken from the dump first:
 *   - the stack top (randomize_stack_top),
 *   - the alignment shift (arch_align_stack: 0..8191 bytes below the strings),
 *   - the 16 AT_RANDOM bytes,
 *   - the AT_SYSINFO_EHDR value (the vDSO is mapped at a random address).
 * Everything else — string order and offsets, platform and random positions, the
 * padding, argc/argv/envp, the auxv tag order and every other value (hwcap, page
 * size, credentials, AT_PHDR/AT_ENTRY from the ELF, AT_RANDOM/AT_EXECFN/AT_PLATFORM
 * pointers, rseq sizes) — must come out of goboot unchanged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostauxv.h"
#include "stack.h"

typedef struct dump {
  uint64_t rsp, top;
  unsigned char *bytes; /* [rsp, top) */
  char (*region)[24];   /* one label per word */
  size_t nwords;
} dump;

static int failures;

static char *run_dump(const char *path, char *const argv[], char *const envp[]) {
  int fd[2];
  if (pipe(fd)) return NULL;
  pid_t pid = fork();
  if (pid < 0) return NULL;
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execve(path, argv, envp);
    _exit(127);
  }
  close(fd[1]);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (n + 4096 > cap) buf = realloc(buf, cap *= 2);
    ssize_t r = read(fd[0], buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  buf[n] = 0;
  close(fd[0]);
  int st;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "stackdump exited with status 0x%x\n", st);
    free(buf);
    return NULL;
  }
  return buf;
}

static int parse_dump(char *text, dump *d) {
  memset(d, 0, sizeof *d);
  char *save, *line = strtok_r(text, "\n", &save);
  for (; line; line = strtok_r(NULL, "\n", &save)) {
    unsigned long long a, w;
    long off;
    char reg[24];
    if (sscanf(line, "rsp 0x%llx", &a) == 1) d->rsp = a;
    else if (sscanf(line, "top 0x%llx", &a) == 1) {
      d->top = a;
      d->nwords = (d->top - d->rsp) / 8;
      d->bytes = calloc(d->nwords, 8);
      d->region = calloc(d->nwords, sizeof *d->region);
    } else if (sscanf(line, "w %ld 0x%llx %23s", &off, &w, reg) == 3 && d->bytes) {
      uint64_t i = (d->top + (uint64_t)off - d->rsp) / 8;
      if (i >= d->nwords) return -1;
      for (int k = 0; k < 8; k++) d->bytes[8 * i + (uint64_t)k] = (unsigned char)(w >> (8 * k));
      snprintf(d->region[i], sizeof d->region[i], "%s", reg);
    }
  }
  return d->bytes && d->nwords ? 0 : -1;
}

static uint64_t dword(const dump *d, uint64_t addr) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; k--) v = v << 8 | d->bytes[addr - d->rsp + (uint64_t)k];
  return v;
}

/* e_entry, e_phnum and where the program headers land (the PT_LOAD holding
 * e_phoff), the same way load_elf_binary computes AT_PHDR. */
static int read_elf(const char *path, gb_image *img) {
  unsigned char b[4096];
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t n = fread(b, 1, sizeof b, f);
  fclose(f);
  if (n < 64 || memcmp(b, "\177ELF", 4)) return -1;
  uint64_t entry, phoff;
  uint16_t phnum;
  memcpy(&entry, b + 24, 8);
  memcpy(&phoff, b + 32, 8);
  memcpy(&phnum, b + 56, 2);
  memset(img, 0, sizeof *img);
  img->entry = entry;
  img->phnum = phnum;
  img->phentsize = 56;
  for (uint16_t i = 0; i < phnum && phoff + 56u * (i + 1u) <= n; i++) {
    const unsigned char *ph = b + phoff + 56u * i;
    uint32_t type;
    uint64_t off, vaddr, filesz;
    memcpy(&type, ph, 4);
    memcpy(&off, ph + 8, 8);
    memcpy(&vaddr, ph + 16, 8);
    memcpy(&filesz, ph + 32, 8);
    if (type == 1 && off <= phoff && phoff < off + filesz) img->phdr_vaddr = vaddr + phoff - off;
  }
  return 0;
}

/* PERTURB != 0 is the negative control: goboot's AT_HWCAP is changed on purpose and
 * the comparison must then find exactly one differing word. */
static void check_case(const char *name, const char *path, char *const argv[], int argc,
                       char *const envp[], int envc, int perturb) {
  char *text = run_dump(path, argv, envp);
  dump d;
  if (!text || parse_dump(text, &d)) {
    fprintf(stderr, "FAIL %s: no usable dump\n", name);
    failures++;
    free(text);
    return;
  }
  free(text);

  /* What the kernel randomised, read back from its stack. */
  uint64_t kargc = dword(&d, d.rsp);
  uint64_t kargv0 = dword(&d, d.rsp + 8);
  uint64_t a = d.rsp + 8 * (kargc + 2);
  while (dword(&d, a)) a += 8; /* envp */
  uint64_t kauxv = a + 8, krandom = 0, kplatform = 0, kvdso = 0, kexecfn = 0, npairs = 0;
  for (a = kauxv; dword(&d, a); a += 16, npairs++) {
    uint64_t tag = dword(&d, a), val = dword(&d, a + 8);
    if (tag == AT_RANDOM_LINUX) krandom = val;
    if (tag == AT_PLATFORM_LINUX) kplatform = val;
    if (tag == AT_SYSINFO_EHDR_LINUX) kvdso = val;
    if (tag == AT_EXECFN_LINUX) kexecfn = val;
  }
  uint64_t kstrings = kargc ? kargv0 : kexecfn;
  uint64_t align = kplatform + strlen((const char *)d.bytes + (kplatform - d.rsp)) + 1;
  uint64_t shift = kstrings - align;

  gb_image img;
  gb_auxv_env env;
  uint64_t host[512];
  size_t nw;
  static gb_stack_spec spec;
  gb_stack st;
  char err[256];
  if (read_elf(path, &img) || gb_auxv_env_from_host(&env) ||
      gb_host_auxv_read(host, sizeof host / sizeof host[0], &nw)) {
    fprintf(stderr, "FAIL %s: cannot read the ELF or /proc/self/auxv\n", name);
    failures++;
    goto out;
  }
  memset(&spec, 0, sizeof spec);
  spec.argv = (const char *const *)argv;
  spec.argc = argc;
  spec.envp = (const char *const *)envp;
  spec.envc = envc;
  spec.execfn = path; /* bprm->filename: the path given to execve */
  spec.stack_top = d.top;
  spec.align_shift = shift;
  memcpy(spec.random, d.bytes + (krandom - d.rsp), 16);
  env.vdso_base = kvdso;
  env.hwcap ^= perturb ? 1 : 0;
  gb_auxv_defaults_host(&spec, &img, &env, host, nw);
  if (gb_stack_build(&spec, &st, err, sizeof err)) {
    fprintf(stderr, "FAIL %s: %s\n", name, err);
    failures++;
    goto out;
  }

  int bad = 0;
  if (shift > 8191 + 15 || d.top % 4096) {
    fprintf(stderr, "FAIL %s: implausible kernel shift %llu or top 0x%llx\n", name,
            (unsigned long long)shift, (unsigned long long)d.top);
    bad++;
  }
  if (st.rsp != d.rsp || st.top != d.top) {
    fprintf(stderr, "FAIL %s: rsp top-0x%llx (kernel) vs top-0x%llx (goboot)\n", name,
            (unsigned long long)(d.top - d.rsp), (unsigned long long)(st.top - st.rsp));
    bad++;
  } else {
    for (size_t i = 0; i < d.nwords; i++) {
      uint64_t addr = d.rsp + 8 * i;
      if (memcmp(d.bytes + 8 * i, st.bytes + (addr - st.base), 8)) {
        uint64_t g = 0;
        for (int k = 7; k >= 0; k--) g = g << 8 | st.bytes[addr - st.base + (uint64_t)k];
        if (!perturb)
          fprintf(stderr, "  %s: top-0x%04llx %-14s kernel 0x%016llx goboot 0x%016llx\n", name,
                (unsigned long long)(d.top - addr), d.region[i],
                (unsigned long long)dword(&d, addr), (unsigned long long)g);
        bad++;
      }
    }
    /* goboot's idea of the layout agrees with the dumper's region labels */
    if (st.random_addr != krandom || st.platform_addr != kplatform || st.execfn_addr != kexecfn ||
        st.auxv_addr != kauxv || st.auxv_end != kauxv + 16 * (npairs + 1) ||
        st.strings_addr != kstrings || st.argv_addr != d.rsp + 8)
      fprintf(stderr, "FAIL %s: layout fields disagree\n", name), bad++;
    uint64_t padwords = 0;
    for (size_t i = 0; i < d.nwords; i++) padwords += !strncmp(d.region[i], "padding", 7);
    if ((st.pad_len + 7) / 8 != padwords) fprintf(stderr, "FAIL %s: padding\n", name), bad++;
  }
  if (perturb) bad = bad != 1; /* the control passes when exactly that word differs */
  printf("%-5s %-12s argc %llu envc %d: rsp = top-0x%llx, shift %llu, padding %llu, "
         "%llu auxv pairs + AT_NULL, %zu words compared\n",
         bad ? "FAIL" : "ok", name, (unsigned long long)kargc, envc,
         (unsigned long long)(d.top - d.rsp), (unsigned long long)shift,
         (unsigned long long)st.pad_len, (unsigned long long)npairs, d.nwords);
  failures += bad != 0;
  gb_stack_free(&st);
out:
  free(d.bytes);
  free(d.region);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_stack_kernel STACKDUMP\n");
    return 2;
  }
  const char *path = argv[1];
  if (access(path, X_OK)) {
    fprintf(stderr, "test_stack_kernel: %s: %s\n", path, strerror(errno));
    return 2;
  }
  { /* the worked example of docs/go-boot-facts.md § The initial stack (create_elf_tables) */
    char *a[] = {"./dump", "x", "yy", NULL}, *e[] = {"A=1", "B=22", NULL};
    check_case("worked-example", path, a, 3, e, 2, 0);
    check_case("control", path, a, 3, e, 2, 1);
  }
  { /* empty environment, argv[0] = the path */
    char *a[] = {(char *)path, NULL}, *e[] = {NULL};
    check_case("no-env", path, a, 1, e, 0, 0);
  }
  { /* argc 0: the kernel (5.18+) makes it argc 1 with argv[0] = "" */
    char *a[] = {NULL}, *e[] = {"ONLY=1", NULL};
    check_case("argc0", path, a, 0, e, 1, 0);
  }
  { /* empty strings, non-ASCII bytes, an environment string without '=' */
    char *a[] = {"", "\xc3\xa9t\xc3\xa9", "", "--flag=1", NULL};
    char *e[] = {"NOEQUALS", "=", "K=", "LANG=C.UTF-8", NULL};
    check_case("odd-strings", path, a, 4, e, 4, 0);
  }
  /* Vary the counts and lengths so every padding length and both parities of
   * argc+envc (the 8-byte rounding of STACK_ROUND) occur. */
  for (int k = 0; k < 24; k++) {
    char *a[40], *e[40], name[32];
    static char store[80][64];
    int na = 1 + k % 7, ne = k / 3;
    a[0] = "prog";
    for (int i = 1; i < na; i++) {
      int len = (k * 7 + i * 5) % 23;
      memset(store[i], 'a' + i, (size_t)len);
      store[i][len] = 0;
      a[i] = store[i];
    }
    a[na] = NULL;
    for (int i = 0; i < ne; i++) {
      int len = (k * 3 + i * 11) % 29;
      snprintf(store[40 + i], 64, "V%d=", i);
      size_t l0 = strlen(store[40 + i]);
      memset(store[40 + i] + l0, 'x', (size_t)len);
      store[40 + i][l0 + (size_t)len] = 0;
      e[i] = store[40 + i];
    }
    e[ne] = NULL;
    snprintf(name, sizeof name, "vary-%02d", k);
    check_case(name, path, a, na, e, ne, 0);
  }
  { /* a large argument area spanning several pages */
    static char big[3][20000];
    char *a[5], *e[] = {"A=1", NULL};
    a[0] = "prog";
    for (int i = 0; i < 3; i++) {
      memset(big[i], 'A' + i, sizeof big[i] - 1);
      a[i + 1] = big[i];
    }
    a[4] = NULL;
    check_case("big-args", path, a, 4, e, 1, 0);
  }
  printf("stack kernel comparison: %d failing case(s)\n", failures);
  return failures != 0;
}
