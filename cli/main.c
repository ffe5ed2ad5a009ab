/* main.c — goboot's entry: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "commands.h"

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

static const char exit_codes_help[] =
  "Exit codes:\n"
  "  0        success (run: the guest's own exit code is passed through)\n"
  "  64       bad command line\n"
  "  65       cannot read the file\n"
  "  66-77    invalid ELF: 66 not ELF, 67 truncated, 68 ELF32, 69 big-endian,\n"
  "           70 not x86-64, 71 not EXEC/DYN, 72 dynamically linked, 73 no PT_LOAD,\n"
  "           74 filesz > memsz, 75 out of bounds, 76 overlapping segments,\n"
  "           77 entry outside executable segments\n"
  "  78       out of host memory\n"
  "  80-89    emulation stopped: 80 guest fault, 81 instruction budget, 82 memory budget,\n"
  "           83 wall-clock guard, 84 unsupported feature, 85 deadlock, 86 emulator error\n";

static void usage(FILE *f) {
  fprintf(f, "usage: goboot COMMAND [options] BINARY ...\n\n"
             "Boot a static Go linux/amd64 binary in an emulator and report what the runtime\n"
             "does between execve and main.main, deterministically.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n'goboot COMMAND --help' shows a command's options.\n\n%s", exit_codes_help);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 64;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    unsigned v = uc_version(NULL, NULL);
    printf("goboot %s (unicorn %u.%u.%u)\n", GOBOOT_VERSION, v >> 24, (v >> 16) & 0xff,
           (v >> 8) & 0xff);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "goboot: unknown command '%s' (see goboot --help)\n", argv[1]);
  return 64;
}
