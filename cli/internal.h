/* Internal to cli/. */
#ifndef RADESK_CLI_INTERNAL_H
#define RADESK_CLI_INTERNAL_H

#include <stdio.h>

#include "workflows/workflows.h"

typedef struct cli {
	rd_ctx *ctx;          /* open for commands that need the database */
	rd_ctx_options opt;
	const char *as_user;  /* --as */
	const char *lang;     /* --lang */
	bool json;            /* --json */
	rd_err err;
} cli;

typedef int (*cli_handler)(cli *c, int argc, char **argv);

#define CLI_COMMAND(name, fn, login, summary, usage) int fn(cli *c, int argc, char **argv);
#include "cli/commands.def"
#undef CLI_COMMAND

/* "radesk: <what>: <why>" on stderr; returns the exit status for e. */
int cli_fail(const char *what, const rd_err *e);
/* A usage error for the command: prints its usage, returns 2. */
int cli_usage(const char *command, const char *fmt, ...) RD_PRINTF(2, 3);
/* A secret from the environment variable, else asked on the terminal with
 * echo off (twice when confirm).  The caller wipes and frees it. */
rd_code cli_read_secret(const char *env, const char *prompt, bool confirm, char **out, rd_err *e);
/* Option parsing helpers: "--name VALUE" pairs and flags after positional
 * arguments.  Returns the value or NULL; marks it used. */
const char *cli_opt(int argc, char **argv, const char *name);
bool cli_flag(int argc, char **argv, const char *name);
/* The n-th argument that is not an option or an option's value (0-based).
 * value_opts lists options that take a value, NULL-terminated. */
const char *cli_arg(int argc, char **argv, int n, const char *const *value_opts);
/* Rejects options not in the allowed lists; returns 2 after usage or 0. */
int cli_check_opts(const char *command, int argc, char **argv, const char *const *value_opts,
		   const char *const *flags);
void cli_print_json_string(FILE *f, const char *s);
/* s is a whole number (strtoll's syntax, nothing after it) from min to
 * max: true with it in *out. */
bool cli_number(const char *s, long long min, long long max, long long *out);
/* --version V when given (else 0): a positive number, or -1 with c->err
 * saying what is wrong. */
int cli_opt_version(cli *c, int argc, char **argv, int64_t *v);

/* The desk's subcommands of `radesk app` (cli/cmd_desk.c): the app command
 * calls cli_app_desk_subcommand first; it returns -1 when the subcommand is
 * not one of the desk's ("submit", "transition"), else the exit status. */
int cli_app_desk_subcommand(cli *c, int argc, char **argv);
int cli_app_submit(cli *c, int argc, char **argv);

/* `radesk cert show` (cli/cmd_ca.c); cli_cmd_cert (cli/cmd_cert.c) hands it over. */
int cli_cert_show(cli *c, int argc, char **argv);

#endif
