/* exec.c — execve and execveat of a static x86-64 ELF in the guest's tree (a file the
 * guest made, a mounted binary, whose bytes gb_fs_fill reads, or /proc/self/exe). The
 * image is parsed by loader/ from the bytes in memory and booted on a fresh stack built
 * by loader/stack exactly as the first one (argv and envp from guest memory, the
 * default auxv, AT_EXECFN the path given), in a new engine: the syscall builds the new
 * machine, the run loop puts it in the old one's place (PEND_EXEC), keeping the pid,
 * the ids and the descriptors but the close-on-exec ones. Failures are the kernel's:
 * missing file ENOENT, not executable or not a regular file EACCES, a dynamically
 * linked file ENOENT (its interpreter is not in the tree), a script ENOENT when its
 * interpreter is missing (ENOEXEC when present: interpreters are not run), anything else
 * that is not an x86-64 ELF executable ENOEXEC. The first process does not exec (its
 * machine is the run's): that stops the run as unsupported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

#define GB_EXEC_MAX_STRS 65536
#define GB_EXEC_MAX_BYTES (2u << 20) /* ARG_MAX as a 8 MiB stack limit makes it */

static void free_strv(char **v, int n) {
  for (int i = 0; i < n; i++) free(v[i]);
  free(v);
}

/* A NULL-terminated array of guest strings: count, or -EFAULT / -E2BIG / -ENOMEM. */
static int read_strv(gb_machine *m, uint64_t addr, char ***out, size_t *bytes) {
  *out = NULL;
  int n = 0, cap = 0;
  char **v = NULL;
  char *buf = malloc(GB_EXEC_MAX_BYTES);
  if (!buf) return -ENOMEM_LINUX;
  for (; addr; n++) { /* a NULL argv is an empty one, as Linux takes it */
    uint64_t p;
    if (gb_read_u64(m, addr + 8 * (uint64_t)n, &p) < 0) goto efault;
    if (!p) break;
    if (n >= GB_EXEC_MAX_STRS) goto e2big;
    if (gb_read_str(m, p, buf, GB_EXEC_MAX_BYTES) < 0) goto efault;
    size_t len = strlen(buf);
    *bytes += len + 1;
    if (*bytes > GB_EXEC_MAX_BYTES) goto e2big;
    if (n + 1 >= cap) {
      cap = cap ? cap * 2 : 16;
      char **nv = realloc(v, sizeof *v * (size_t)cap);
      if (!nv) goto enomem;
      v = nv;
    }
    if (!(v[n] = strdup(buf))) goto enomem;
  }
  free(buf);
  *out = v;
  return n;
efault:
  free(buf), free_strv(v, n);
  return -EFAULT_LINUX;
e2big:
  free(buf), free_strv(v, n);
  return -E2BIG_LINUX;
enomem:
  free(buf), free_strv(v, n);
  return -ENOMEM_LINUX;
}

static int map_fixed(void *ctx, gb_machine *m, uint64_t start, uint64_t end, uint32_t prot, char tag) {
  (void)ctx;
  return gb_mm_map_fixed(m, start, end, prot, tag);
}

/* "#!interp": ENOENT when the interpreter is not in the tree, ENOEXEC otherwise. */
static int64_t script(gb_machine *m, const char *data, size_t len) {
  char interp[256];
  size_t i = 2, k = 0;
  while (i < len && (data[i] == ' ' || data[i] == '\t')) i++;
  while (i < len && k + 1 < sizeof interp && data[i] != '\n' && data[i] != ' ' && data[i] != '\t')
    interp[k++] = data[i++];
  interp[k] = 0;
  if (!k) return -ENOEXEC_LINUX;
  gb_fs_where w;
  if (gb_fs_walk(m, AT_FDCWD_LINUX, interp, 1, &w) < 0 || w.node < 0) return -ENOENT_LINUX;
  return -ENOEXEC_LINUX;
}

static int64_t errno_of(gb_status s) {
  switch (s) {
  case GB_E_DYNAMIC: return -ENOENT_LINUX; /* PT_INTERP names a file the tree lacks */
  case GB_E_NOMEM: return -ENOMEM_LINUX;
  default: return -ENOEXEC_LINUX;
  }
}

/* The new machine for IMG on a stack of ARGV/ENVP: NULL on a host failure. */
static gb_machine *exec_machine(gb_machine *m, gb_image *img, char **argv, int argc, char **envp,
                                int envc, const char *path, char *err, size_t errlen) {
  gb_machine *n = calloc(1, sizeof *n);
  gb_stack *st = calloc(1, sizeof *st);
  if (!n || !st) {
    free(n), free(st);
    snprintf(err, errlen, "out of host memory");
    return NULL;
  }
  n->own_img = img;
  n->own_stack = st;
  n->o = m->o;
  n->o.until = "exit";
  n->img = img;
  n->stack = st;
  n->res = m->res;
  n->w = m->w;
  n->pid = m->pid, n->ppid = m->ppid, n->pgid = m->pgid, n->sid = m->sid;
  n->proc = m->proc;
  n->exec_cwd = 1 + m->files.cwd;
  gb_stack_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.argv = (const char *const *)argv, spec.argc = argc;
  spec.envp = (const char *const *)envp, spec.envc = envc;
  spec.execfn = path;
  gb_random_from_seed(m->o.seed ^ ((uint64_t)m->pid << 32) ^ m->count.insns, spec.random);
  gb_auxv_env env;
  gb_auxv_env_default(&env);
  gb_auxv_defaults(&spec, img, &env);
  if (gb_stack_build(&spec, st, err, errlen) < 0) goto fail;
  if (uc_open(UC_ARCH_X86, UC_MODE_64, &n->uc) != UC_ERR_OK) {
    n->uc = NULL;
    snprintf(err, errlen, "uc_open failed");
    goto fail;
  }
  if (uc_ctl_set_cpu_model(n->uc, GB_CPU_MODEL) != UC_ERR_OK) {
    snprintf(err, errlen, "cannot set the CPU model");
    goto fail;
  }
  gb_mm_init(n);
  if (gb_machine_load(n, map_fixed, NULL, err, errlen) < 0) goto fail;
  int next = n->w->next_pid;
  n->w->next_pid = n->pid; /* the main thread keeps the pid as its tid */
  int r = gb_machine_start_main(n);
  n->w->next_pid = next;
  if (r < 0 || gb_hooks_install(n) < 0 || gb_vclock_install(n) < 0) {
    snprintf(err, errlen, "cannot start the new image");
    goto fail;
  }
  n->watch.boot_state_done = 1; /* the trace's boot state is the first process's */
  n->count.wall_start_ns = m->count.wall_start_ns;
  if (uc_context_save(n->uc, gb_cur(n)->ctx) != UC_ERR_OK) {
    snprintf(err, errlen, "uc_context_save failed");
    goto fail;
  }
  for (int s = 1; s <= NSIG_LINUX; s++) /* handlers are gone; ignored signals stay ignored */
    if (m->sig.act[s].handler == 1) n->sig.act[s] = m->sig.act[s];
  return n;
fail:
  n->own_img = NULL; /* the caller frees IMG */
  gb_machine_close(n);
  return NULL;
}

static int64_t do_exec(gb_machine *m, int64_t dirfd, uint64_t path_addr, uint64_t argv_addr,
                       uint64_t envp_addr, int flags, cJSON *ev) {
  char path[4096];
  if (gb_read_str(m, path_addr, path, sizeof path) < 0) return -EFAULT_LINUX;
  if (!path[0] && !(flags & AT_EMPTY_PATH_LINUX)) return -ENOENT_LINUX;
  gb_fs_where w;
  int r = gb_fs_walk(m, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW_LINUX), &w);
  if (r < 0) return r;
  if (w.node < 0) return w.fd ? -EACCES_LINUX : -ENOENT_LINUX; /* a pipe or tty through /proc/self/fd */
  gb_inode *in = &m->w->fs.nodes[w.node];
  if (in->type == GB_INO_LNK) return -ELOOP_LINUX; /* AT_SYMLINK_NOFOLLOW on a link */
  if (in->type != GB_INO_REG || in->gen == GB_GEN_TEXT) return -EACCES_LINUX;
  uint32_t x = in->uid == GB_FS_GUEST_UID ? 0100 : 0001;
  if (!(in->mode & x)) return -EACCES_LINUX;
  const unsigned char *data;
  size_t len;
  if (in->gen == GB_GEN_EXE) {
    data = m->img->bytes, len = m->img->size;
  } else {
    if ((r = gb_fs_fill(m, w.node)) < 0) return r;
    in = &m->w->fs.nodes[w.node];
    data = (const unsigned char *)in->data, len = in->len;
  }
  if (len >= 2 && data[0] == '#' && data[1] == '!') return script(m, (const char *)data, len);
  if (len < 4 || memcmp(data, "\x7f" "ELF", 4)) return -ENOEXEC_LINUX;
  char **argv, **envp;
  size_t bytes = 0;
  int argc = read_strv(m, argv_addr, &argv, &bytes);
  if (argc < 0) return argc;
  int envc = read_strv(m, envp_addr, &envp, &bytes);
  if (envc < 0) {
    free_strv(argv, argc);
    return envc;
  }
  int64_t ret = 0;
  char err[256] = "";
  gb_image *img = calloc(1, sizeof *img);
  gb_status s = img ? gb_image_load_mem(img, data, len, path, err, sizeof err) : GB_E_NOMEM;
  if (s != GB_OK) {
    if (ev) cJSON_AddStringToObject(ev, "refused", err[0] ? err : gb_status_name(s));
    free(img);
    ret = errno_of(s);
    goto out;
  }
  if (m == m->w->procs[0]) {
    gb_image_free(img), free(img);
    gb_stop(m, GB_STOP_UNSUPPORTED, "execve(%s) in the first process", path);
    goto out;
  }
  gb_machine *n = exec_machine(m, img, argv, argc, envp, envc, path, err, sizeof err);
  if (!n) {
    gb_image_free(img), free(img);
    gb_stop(m->w->procs[0], GB_STOP_ERROR, "execve(%s) in process %d: %s", path, m->pid, err);
    goto out;
  }
  cJSON *e = gb_trace_event(m, GB_EV_EXEC);
  if (e) {
    cJSON_AddNumberToObject(e, "pid", m->pid);
    cJSON_AddStringToObject(e, "path", path);
    cJSON *a = cJSON_AddArrayToObject(e, "argv");
    for (int i = 0; i < argc && i < 32; i++) cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
    cJSON_AddStringToObject(e, "binary_sha256", img->sha256);
  }
  m->exec_next = n;
  gb_sched_request(m, PEND_EXEC);
out:
  free_strv(argv, argc);
  free_strv(envp, envc);
  return ret;
}

int64_t gb_sys_execve(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_exec(m, AT_FDCWD_LINUX, a[0], a[1], a[2], 0, ev);
}

int64_t gb_sys_execveat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  if (a[4] & ~(uint64_t)(AT_EMPTY_PATH_LINUX | AT_SYMLINK_NOFOLLOW_LINUX)) return -EINVAL_LINUX;
  return do_exec(m, (int32_t)a[0], a[1], a[2], a[3], (int)a[4], ev);
}

void gb_exec_commit(gb_machine *m) {
  gb_world *w = m->w;
  gb_machine *n = m->exec_next;
  m->exec_next = NULL;
  int idx = 0;
  while (idx < w->nprocs && w->procs[idx] != m) idx++;
  /* the descriptors move over, but the close-on-exec ones */
  memcpy(&n->files, &m->files, sizeof n->files);
  memset(m->files.fds, 0, sizeof m->files.fds);
  m->files.partial = NULL, m->files.npartial = m->files.cappartial = 0; /* N's now */
  gb_fds_close(n, 1);
  /* the clock: M's work is done, N's begins (world.h) */
  w->tinsns_base += m->count.tinsns - w->cur_tinsns_in;
  w->insns_base += m->count.insns - w->cur_insns_in;
  w->cur_tinsns_in = n->count.tinsns;
  w->cur_insns_in = n->count.insns;
  uint64_t left = w->max_insns > w->insns_base ? w->max_insns - w->insns_base : 0;
  n->o.max_insns = n->count.insns + left;
  w->procs[idx] = n;
  gb_machine_close(m);
  gb_proc_vfork_done(n);
}
