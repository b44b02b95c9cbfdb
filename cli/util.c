/* CLI helpers: errors, secrets from the terminal, option scanning. */
#include "cli/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int cli_fail(const char *what, const rd_err *e)
{
	if (e->field[0])
		fprintf(stderr, "radesk: %s: %s: %s\n", what, e->field, e->msg);
	else
		fprintf(stderr, "radesk: %s: %s\n", what, e->msg);
	return rd_exit_status(e->code);
}

static rd_code ask_tty(const char *prompt, char **out, rd_err *e)
{
	struct termios old, quiet;
	char buf[512];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	ssize_t n = 0;
	size_t len = 0;
	*out = NULL;
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		return rd_fail(e, RD_E_AUTH, _("no terminal to ask for the secret; set it in the environment"));
	}
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) != 0) {
		close(fd);
		return rd_fail(e, RD_E_IO, _("cannot use the terminal"));
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	while (len < sizeof buf - 1 && (n = read(fd, buf + len, 1)) == 1 && buf[len] != '\n')
		len++;
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* nothing to do: the newline is cosmetic */
	}
	close(fd);
	buf[len] = '\0';
	if (n < 0) {
		rd_memzero(buf, sizeof buf);
		return rd_fail(e, RD_E_IO, _("cannot read from the terminal"));
	}
	*out = strdup(buf);
	rd_memzero(buf, sizeof buf);
	return *out ? RD_OK : rd_fail(e, RD_E_NOMEM, _("out of memory"));
}

rd_code cli_read_secret(const char *env, const char *prompt, bool confirm, char **out, rd_err *e)
{
	const char *v = env ? getenv(env) : NULL;
	char *again = NULL;
	rd_code rc;
	if (v) {
		*out = strdup(v);
		return *out ? RD_OK : rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	if ((rc = ask_tty(prompt, out, e)) != RD_OK || !confirm)
		return rc;
	if ((rc = ask_tty(_("Again: "), &again, e)) != RD_OK) {
		rd_secret_free(*out, 0);
		*out = NULL;
		return rc;
	}
	if (strcmp(*out, again) != 0) {
		rd_secret_free(*out, 0);
		rd_secret_free(again, 0);
		*out = NULL;
		return rd_fail(e, RD_E_INVALID, _("the two entries differ"));
	}
	rd_secret_free(again, 0);
	return RD_OK;
}

static bool in_list(const char *a, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(a, *list))
			return true;
	return false;
}

const char *cli_opt(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

bool cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

const char *cli_arg(int argc, char **argv, int n, const char *const *value_opts)
{
	for (int i = 1; i < argc; i++) {
		if (in_list(argv[i], value_opts)) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] == '-')
			continue;
		if (n-- == 0)
			return argv[i];
	}
	return NULL;
}

int cli_check_opts(const char *command, int argc, char **argv, const char *const *value_opts,
		   const char *const *flags)
{
	for (int i = 1; i < argc; i++) {
		if (in_list(argv[i], value_opts)) {
			if (i + 1 >= argc)
				return cli_usage(command, _("%s needs a value"), argv[i]);
			i++;
		} else if (argv[i][0] == '-' && argv[i][1] == '-' && !in_list(argv[i], flags)) {
			return cli_usage(command, _("unknown option %s"), argv[i]);
		}
	}
	return 0;
}

void cli_print_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

bool cli_number(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long n;
	if (!s || !*s)
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

int cli_opt_version(cli *c, int argc, char **argv, int64_t *v)
{
	const char *s = cli_opt(argc, argv, "--version");
	long long n;
	*v = 0;
	if (!s)
		return 0;
	if (!cli_number(s, 1, INT64_MAX, &n)) {
		rd_fail_at(&c->err, RD_E_INVALID, "--version", _("'%s' is not a version number"), s);
		return -1;
	}
	*v = n;
	return 0;
}
