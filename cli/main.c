/* main.c — goboot's entry: dispatch to a subcommand, and leave. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "emu.h"
#include "exitcodes.h"

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

/* One row per subcommand, in the order --help lists them. */
static const command commands[] = {
  {"inspect", cmd_inspect, "Go version, segments, pclntab and boot-path symbols of a binary"},
  {"run", cmd_run, "boot a Go binary in the emulator: its output, a summary and a JSON trace"},
  {"check", cmd_check, "emulated boot state vs the runtime-c oracle, field by field"},
  {"stack", cmd_stack, "the synthesized initial stack (argv, envp, auxv) drawn or as JSON"},
  {"record", cmd_record, "run a binary and save a replayable recording (inputs, versions, trace)"},
  {"replay", cmd_replay, "re-run a recording and verify it event by event"},
  {"diff", cmd_diff, "compare two traces, recordings or goldens, aligned by milestone"},
  {"golden", cmd_golden, "check or update the golden files; print docs/versions.md"},
  {"timeline", cmd_timeline, "a trace as a Chrome/Perfetto trace-event file (1 us = 1 instruction)"},
  {"report", cmd_report, "a trace as one self-contained HTML page: stack, timeline, syscalls"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: goboot COMMAND [options] BINARY ...\n\n"
             "Boot a static Go linux/amd64 binary in an emulator and report what the runtime\n"
             "does between execve and main.main, deterministically.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n'goboot COMMAND --help' shows a command's options.\n\n%s", GB_EXIT_CODES_HELP);
}

/* A sanitizer build leaves through exit(), so that LeakSanitizer checks for leaks at
 * its end; the others skip what exit() would run besides flushing stdio: the exit
 * handlers and destructors of the libraries (OpenSSL's cleanup, ...), with nothing
 * left for them to do that the kernel does not (each command frees what it
 * allocated, as library code must). */
#if defined(__SANITIZE_ADDRESS__)
#define GB_EXIT_THROUGH_LIBC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define GB_EXIT_THROUGH_LIBC 1
#endif
#endif

static int leave(int code) {
#ifndef GB_EXIT_THROUGH_LIBC
  fflush(NULL);
  _exit(code);
#endif
  return code;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return GB_E_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return GB_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    char uv[32];
    gb_emu_unicorn_version(uv, sizeof uv);
    printf("goboot %s (unicorn %s)\n", GOBOOT_VERSION, uv);
    return GB_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return leave(commands[i].run(argc - 1, argv + 1));
  fprintf(stderr, "goboot: unknown command '%s' (see goboot --help)\n", argv[1]);
  return GB_E_USAGE;
}
