/* linux.c — the two name tables of linux.h. */
#include "linux.h"

const char *gb_signal_name_linux(int sig) {
  static const char *const names[] = {
    "0",       "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
  if (sig >= 1 && sig < 32) return names[sig];
  if (sig >= 32 && sig <= NSIG_LINUX) return "SIGRT";
  return "?";
}

const char *gb_errno_name_linux(int err) {
  switch (err) {
#define GB_ERRNO_CASE_(name, nr) case nr: return #name;
    GB_ERRNO_LINUX(GB_ERRNO_CASE_)
#undef GB_ERRNO_CASE_
  }
  return 0;
}
