/* native.c — `goboot check --native`: goboot-rtc on the real kernel. The child
 * gets exactly the given argv and environment (env -i semantics), stdin /dev/null, and
 * address-space randomisation off (personality ADDR_NO_RANDOMIZE, as setarch -R) so its
 * stack sits where goboot's mimic-host stack does; its stdout report is parsed with the
 * oracle library's reader. The only host process goboot ever starts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parts.h"
#include "oracle_json.h"

static char *slurp(int fd) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    if (n + 1 >= cap) break;
  }
  buf[n] = 0;
  return buf;
}

cJSON *gb_check_native(const char *path, const char *const *argv, const char *const *envp,
                       int *norandom, char *err, size_t errlen) {
  int cur = personality(0xffffffff);
  *norandom = cur != -1 && (personality((unsigned long)cur | ADDR_NO_RANDOMIZE) != -1) &&
              (personality(0xffffffff) & ADDR_NO_RANDOMIZE);
  int fd[2];
  if (pipe(fd)) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return NULL;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    close(fd[0]), close(fd[1]);
    return NULL;
  }
  if (pid == 0) {
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0) dup2(nul, 0);
    dup2(fd[1], 1);
    close(fd[0]), close(fd[1]);
    execve(path, (char *const *)argv, (char *const *)envp);
    _exit(127);
  }
  if (cur != -1) personality((unsigned long)cur); /* only the child runs without ASLR */
  close(fd[1]);
  char *text = slurp(fd[0]);
  close(fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  gb_oracle_state s;
  char why[200] = "";
  cJSON *side = NULL;
  if (!text) {
    snprintf(err, errlen, "out of memory");
  } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
    snprintf(err, errlen, "native %s: status 0x%x", path, status);
  } else if (gb_oracle_parse_report(text, &s, why, sizeof why)) {
    snprintf(err, errlen, "native %s: unreadable report: %s", path, why);
  } else {
    side = gb_check_side_from_state(&s);
  }
  free(text);
  return side;
}
