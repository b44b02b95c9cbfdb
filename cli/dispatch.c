/* radesk's entry: global options, the command table, login for commands
 * that need an operator, and the TUI when no command is given. */
#include "cli/cli.h"
#include "cli/internal.h"
#include "ui/ui.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	cli_handler fn;
	bool login;
	const char *summary, *usage;
};

#define CLI_COMMAND(name, fn, login, summary, usage) {name, fn, login, summary, usage},
static const struct command commands[] = {
#include "cli/commands.def"
};
#undef CLI_COMMAND

static volatile int interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_help(FILE *f)
{
	fprintf(f, _("usage: radesk [--config FILE] [--db FILE] [--as USER] [--lang en|zh_CN] [COMMAND ...]\n"));
	fprintf(f, _("Without a command radesk opens the terminal interface.\n\nCommands:\n"));
	for (size_t i = 0; i < RD_ARRAY_LEN(commands); i++) {
		const char *s = _(commands[i].summary);
		fprintf(f, "  %-10s %s\n", commands[i].name, s);
	}
	fprintf(f, _("\nThe operator's password comes from RADESK_PASSWORD or is asked on the terminal; "
		     "it is never given as an argument.\n'radesk help COMMAND' shows a command's options.\n"));
}

int cli_cmd_help(cli *c, int argc, char **argv)
{
	const struct command *cmd;
	(void)c;
	if (argc < 2) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "keys")) { /* the TUI's key tables, as F1 shows them */
		rd_ui_print_keys(stdout);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, _("radesk: help: no command '%s'\n"), argv[1]);
		return 2;
	}
	printf("radesk %s — %s\n\n", cmd->name, _(cmd->summary));
	const char *u = _(cmd->usage);
	while (*u) {
		const char *nl = strchr(u, '\n');
		size_t len = nl ? (size_t)(nl - u) : strlen(u);
		printf("%s%.*s\n", u[0] == ' ' ? "" : "radesk ", (int)len, u);
		u += len + (nl ? 1 : 0);
	}
	return 0;
}

int cli_usage(const char *command, const char *fmt, ...)
{
	const struct command *cmd = find_command(command);
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "radesk: %s: %s\n", command, msg);
	if (cmd)
		fprintf(stderr, _("usage: see 'radesk help %s'\n"), command);
	return 2;
}

/* Global options may stand anywhere before "--"; they are taken out of argv. */
static int take_global_options(cli *c, int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--config"))
			slot = &c->opt.config_path;
		else if (!strcmp(a, "--db"))
			slot = &c->opt.db_path;
		else if (!strcmp(a, "--as"))
			slot = &c->as_user;
		else if (!strcmp(a, "--lang"))
			slot = &c->lang;
		if (slot) {
			if (i + 1 >= *argc) {
				fprintf(stderr, _("radesk: %s needs a value\n"), a);
				return 2;
			}
			*slot = argv[++i];
			continue;
		}
		if (!strcmp(a, "--json")) {
			c->json = true;
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

static int open_context(cli *c, bool create)
{
	c->opt.create = create;
	c->opt.log = rd_logger_stderr(RD_LOG_WARN);
	if (rd_ctx_open(&c->ctx, &c->opt, &c->err) != RD_OK)
		return cli_fail(c->opt.db_path ? "--db" : "open", &c->err);
	/* how much goes to stderr: [radesk] log_level (the terminal interface
	 * keeps a quiet logger of its own: stderr is its screen).  rd_ctx_open
	 * sets c->ctx when it succeeds (the analyzer can not see it). */
	const char *level = rd_config_str(c->ctx->cfg, "radesk", "log_level"); /* NOLINT(clang-analyzer-core.NullDereference) */
	c->ctx->log.min = rd_log_level_parse(level, RD_LOG_WARN);
	c->ctx->interrupted = &interrupted;
	return 0;
}

static int login(cli *c, const char *command)
{
	char *pw = NULL;
	rd_code rc;
	if (!c->as_user) {
		rd_fail(&c->err, RD_E_AUTH, _("say who you are with --as USER (password from RADESK_PASSWORD)"));
		return cli_fail(command, &c->err);
	}
	if (cli_read_secret("RADESK_PASSWORD", _("Password: "), false, &pw, &c->err) != RD_OK)
		return cli_fail(command, &c->err);
	rc = rd_login(c->ctx, c->as_user, pw, &c->err);
	rd_secret_free(pw, 0);
	if (rc != RD_OK)
		return cli_fail("login", &c->err);
	return 0;
}

int rd_cli_main(int argc, char **argv)
{
	cli c;
	const struct command *cmd;
	int status;
	memset(&c, 0, sizeof c);
	if ((status = take_global_options(&c, &argc, argv)) != 0)
		return status;
	rd_i18n_init(c.lang);
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("radesk %s\n", RADESK_VERSION);
		return 0;
	}
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		print_help(stdout);
		return 0;
	}
	if (argc < 2)
		return cli_run_tui(&c.opt, c.lang);
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, _("radesk: no command '%s'; 'radesk --help' lists them\n"), argv[1]);
		return 2;
	}
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	if (cmd->fn != cli_cmd_help && cmd->fn != cli_cmd_init) {
		if ((status = open_context(&c, false)) != 0)
			return status;
		if (cmd->login && (status = login(&c, cmd->name)) != 0) {
			rd_ctx_close(c.ctx);
			return status;
		}
	}
	status = cmd->fn(&c, argc - 1, argv + 1);
	if (c.ctx)
		rd_ctx_close(c.ctx);
	return status;
}

int cli_open_for_init(cli *c);
int cli_open_for_init(cli *c)
{
	return open_context(c, true);
}
