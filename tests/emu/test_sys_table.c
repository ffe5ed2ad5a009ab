/* test_sys_table: the syscall table is sorted by number with no duplicates (the
 * dispatcher's binary search relies on it) and knows the syscalls Go's boot needs. */
#include <stdio.h>
#include <string.h>

#include "sys.h"

int gb_sys_table_check(void);

int main(void) {
  int bad = 0;
  if (gb_sys_table_check() != 0) {
    fprintf(stderr, "syscall table not sorted or has duplicates\n");
    bad = 1;
  }
  static const struct { int nr; const char *name; } need[] = {
    {0, "read"}, {1, "write"}, {3, "close"}, {9, "mmap"}, {11, "munmap"}, {13, "rt_sigaction"},
    {14, "rt_sigprocmask"}, {24, "sched_yield"}, {35, "nanosleep"}, {56, "clone"}, {60, "exit"},
    {72, "fcntl"}, {96, "gettimeofday"}, {131, "sigaltstack"}, {158, "arch_prctl"},
    {186, "gettid"}, {201, "time"}, {202, "futex"}, {204, "sched_getaffinity"},
    {228, "clock_gettime"}, {231, "exit_group"}, {234, "tgkill"}, {257, "openat"},
    {281, "epoll_pwait"}, {290, "eventfd2"}, {291, "epoll_create1"}, {293, "pipe2"},
    {302, "prlimit64"}, {309, "getcpu"}, {318, "getrandom"}};
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
    const gb_sys *s = gb_sys_lookup(need[i].nr);
    if (!s || strcmp(s->name, need[i].name)) {
      fprintf(stderr, "syscall %d: expected %s, table has %s\n", need[i].nr, need[i].name,
              s ? s->name : "nothing");
      bad = 1;
    }
  }
  if (gb_sys_lookup(4000)) {
    fprintf(stderr, "syscall 4000 should be unknown\n");
    bad = 1;
  }
  if (!bad) printf("syscall table ok\n");
  return bad;
}
