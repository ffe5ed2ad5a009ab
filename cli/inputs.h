/* inputs.h — the guest's inputs, shared by every subcommand that builds a stack
 * (stack, run, check, record): argv, envp, execfn, seed, auxv edits, mimic-host.
 *
 * Use: gb_inputs_init(); for each getopt_long option call gb_inputs_option() (it
 * returns 1 when the option was one of GB_INPUT_LONGOPTS); after the options,
 * gb_inputs_positionals() takes BINARY and the guest args; then gb_inputs_build() turns them
 * into a gb_stack_spec for an image and builds the stack. */
#ifndef GOBOOT_CLI_INPUTS_H
#define GOBOOT_CLI_INPUTS_H

#include <getopt.h>
#include <stdint.h>
#include "stack.h"

/* Option values 0x1000.. are reserved for inputs; commands use their own above 0x2000. */
enum {
  GB_OPT_ARG = 0x1000, GB_OPT_ENV, GB_OPT_AUXV, GB_OPT_SEED, GB_OPT_EXECFN,
  GB_OPT_MIMIC_HOST, GB_OPT_STACK_TOP, GB_OPT_VDSO, GB_OPT_ARGV0,
  GB_OPT_AUXV_RAW, GB_OPT_NO_AT_NULL, GB_OPT_ENV_HOST
};

/* Spread into a command's `struct option` array. */
#define GB_INPUT_LONGOPTS                                   \
  {"arg", required_argument, 0, GB_OPT_ARG},                \
  {"env", required_argument, 0, GB_OPT_ENV},                \
  {"env-host", required_argument, 0, GB_OPT_ENV_HOST},      \
  {"auxv", required_argument, 0, GB_OPT_AUXV},              \
  {"seed", required_argument, 0, GB_OPT_SEED},              \
  {"execfn", required_argument, 0, GB_OPT_EXECFN},          \
  {"mimic-host", no_argument, 0, GB_OPT_MIMIC_HOST},        \
  {"stack-top", required_argument, 0, GB_OPT_STACK_TOP},         \
  {"argv0", required_argument, 0, GB_OPT_ARGV0},              \
  {"auxv-raw", required_argument, 0, GB_OPT_AUXV_RAW},      \
  {"no-at-null", no_argument, 0, GB_OPT_NO_AT_NULL}

#define GB_INPUTS_HELP                                                              \
  "  --arg A            append A to the guest's argv (after argv[0] = the binary)\n" \
  "  --env K=V          append K=V to the guest's environment (default: none)\n"     \
  "  --env-host NAME    append NAME=VALUE as goboot's own environment has it (recorded\n" \
  "                     like --env; an error when NAME is unset). The usual ones:\n" \
  "                     --env HOME=/home/user --env USER=user --env PATH=/usr/bin:/bin\n" \
  "                     --env LANG=C.UTF-8 (/home/user is the guest's own, /etc/passwd's)\n" \
  "  --auxv TAG=VAL     set an auxv entry; +TAG=VAL adds a duplicate; -TAG drops it\n" \
  "  --seed N           seed for AT_RANDOM and all guest randomness (default 1)\n"   \
  "  --execfn PATH      AT_EXECFN string (default: argv[0])\n"                        \
  "  --mimic-host       take auxv values (hwcap, uid, ...) from this host's kernel\n" \
  "  --stack-top ADDR   exclusive top of the stack (default 0x7ffffffff000)\n"  \
  "  --argv0 NAME       the guest's argv[0] (default: BINARY as given)\n"            \
  "  --auxv-raw W,W,..  the auxv area verbatim, 64-bit words (no AT_NULL added; an\n"  \
  "                     empty auxv is --auxv-raw 0,0); replaces the vector and edits\n" \
  "  --no-at-null       leave out the terminating AT_NULL pair\n"

#define GB_INPUTS_MAX 1024

typedef struct gb_inputs {
  const char *args[GB_INPUTS_MAX]; int nargs;    /* guest argv[1..] */
  const char *argv0;                             /* NULL → the binary path as given */
  const char *envs[GB_INPUTS_MAX]; int nenvs;
  const char *auxv_edits[GB_INPUTS_MAX]; int nedits;
  const char *execfn;
  uint64_t seed;
  uint64_t stack_top;
  int mimic_host;
  uint64_t vdso_base; int vdso_set;              /* GB_OPT_VDSO: AT_SYSINFO_EHDR (0 = none) */
  uint64_t raw[GB_INPUTS_MAX]; int nraw, raw_set; /* GB_OPT_AUXV_RAW: the auxv words verbatim */
  int no_at_null;                                /* GB_OPT_NO_AT_NULL */
  /* Built by gb_inputs_build: */
  const char *argv_built[GB_INPUTS_MAX + 1];
  gb_auxv_env auxenv;
  gb_stack_spec spec;
} gb_inputs;

void gb_inputs_init(gb_inputs *in);
/* 1 if OPT was an input option (consumed), 0 if not, -1 on a bad value (message
 * printed to stderr). */
int gb_inputs_option(gb_inputs *in, int opt, const char *arg);
int gb_inputs_add_arg(gb_inputs *in, const char *arg);
/* After getopt_long: argv[optind] is BINARY, the rest the guest's argv[1..]. Returns
 * BINARY, or NULL after printing "goboot WHO: ..." and HELP (a usage error). */
const char *gb_inputs_positionals(gb_inputs *in, int argc, char **argv, const char *who,
                                  const char *help);
/* Build spec and stack for IMG (whose path becomes argv[0] unless argv0 is set).
 * Returns 0, or -1 with a message in err. */
int gb_inputs_build(gb_inputs *in, const gb_image *img, gb_stack *out, char *err, size_t errlen);

#endif
