/* runone.c — one measured run for bench/bench.sh:
 *   runone OUT ERR DIR PROGRAM [ARG...]
 * runs PROGRAM (a path: no PATH search) in DIR with an empty environment, stdin from
 * /dev/null, stdout to OUT and stderr to ERR, and prints one line
 *   WALL_S CPU_S PEAK_RSS_KIB STATUS
 * WALL from CLOCK_MONOTONIC around fork and wait; CPU is user+sys and PEAK_RSS the
 * ru_maxrss of the rusage wait4 returns for that one child (and the threads and children
 * it waited for) — the figures GNU time prints as %U+%S and %M, at microsecond instead
 * of centisecond resolution and without a wrapper process of its own in the CPU figure
 * (env -i plus /usr/bin/time cost ~3 ms, as much as a native hello). STATUS is the exit
 * code, or 128+N for a death by signal N, as a shell reports it.
 * fork, not vfork: a vfork child shares this process's pages until exec, and
 * they would count into the peak; a fork child's copy counts too, but it is this small
 * program's ~1 MiB, as with GNU time. Exit: 0, 125 on a bad command line or a failed
 * fork/wait, 127 when PROGRAM cannot be run (a message on stderr). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv) { return (double)tv.tv_sec + tv.tv_usec / 1e6; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* in the child: the redirections and the exec; returns only on failure */
static void child(char **argv) {
  char *const empty_env[] = {NULL};
  int in = open("/dev/null", O_RDONLY);
  int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0 || err < 0 || chdir(argv[3]) != 0) {
    perror("runone: redirect or chdir");
    return;
  }
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  execve(argv[4], &argv[4], empty_env);
  perror(argv[4]); /* goes to ERR */
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: runone OUT ERR DIR PROGRAM [ARG...]\n");
    return 125;
  }
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) {
    perror("runone: fork");
    return 125;
  }
  if (pid == 0) {
    child(argv);
    _exit(127);
  }
  int st = 0;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) != pid) {
    perror("runone: wait4");
    return 125;
  }
  double wall = now() - t0;
  int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  printf("%.6f %.6f %ld %d\n", wall, seconds(ru.ru_utime) + seconds(ru.ru_stime), ru.ru_maxrss,
         status);
  return 0;
}
