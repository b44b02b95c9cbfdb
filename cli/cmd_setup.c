/* radesk init, user, audit. */
#include "cli/internal.h"

#include <stdlib.h>
#include <string.h>

int cli_open_for_init(cli *c);

int cli_cmd_init(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--admin", NULL};
	const char *admin = cli_opt(argc, argv, "--admin");
	char *pw = NULL;
	int status;
	rd_code rc;
	if ((status = cli_check_opts("init", argc, argv, vopts, NULL)) != 0)
		return status;
	if (!admin)
		return cli_usage("init", _("--admin NAME is required"));
	if (cli_read_secret("RADESK_PASSWORD", _("New admin password: "), true, &pw, &c->err) != RD_OK)
		return cli_fail("init", &c->err);
	if ((status = cli_open_for_init(c)) != 0) {
		rd_secret_free(pw, 0);
		return status;
	}
	rc = rd_init(c->ctx, admin, pw, &c->err);
	rd_secret_free(pw, 0);
	if (rc != RD_OK)
		return cli_fail("init", &c->err);
	printf(_("database ready: %s\nadmin operator: %s\n"), rd_db_path(c->ctx->db), admin);
	return 0;
}

static int user_add(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--role", NULL};
	const char *name = cli_arg(argc, argv, 1, vopts), *role = cli_opt(argc, argv, "--role");
	char *pw = NULL;
	rd_code rc;
	int status = cli_check_opts("user", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!name || !role)
		return cli_usage("user", _("user add NAME --role ROLE"));
	if (rd_role_parse(role) == RD_ROLE_NONE) {
		rd_fail_at(&c->err, RD_E_INVALID, "--role", _("'%s' is not a role (clerk, reviewer, admin, auditor)"),
			   role);
		return cli_fail("user add", &c->err);
	}
	if (cli_read_secret("RADESK_NEW_PASSWORD", _("New operator's password: "), true, &pw, &c->err) != RD_OK)
		return cli_fail("user add", &c->err);
	rc = rd_user_add(c->ctx, name, rd_role_parse(role), pw, &c->err);
	rd_secret_free(pw, 0);
	if (rc != RD_OK)
		return cli_fail("user add", &c->err);
	printf(_("operator %s added as %s\n"), name, rd_role_label(rd_role_parse(role)));
	return 0;
}

struct user_list {
	cli *c;
	int n;
};

static int print_user(void *ud, const rd_user_info *u)
{
	struct user_list *ul = ud;
	char when[32] = "-";
	if (u->last_login_at)
		rd_time_local(u->last_login_at, when);
	if (ul->c->json) {
		printf("%s{\"name\":", ul->n ? "," : "");
		cli_print_json_string(stdout, u->name);
		printf(",\"role\":\"%s\",\"locked\":%s,\"last_login\":", rd_role_name(u->role),
		       u->locked ? "true" : "false");
		cli_print_json_string(stdout, u->last_login_at ? when : "");
		printf("}");
	} else {
		printf("%-20s %-10s %-8s %s\n", u->name, rd_role_name(u->role), u->locked ? _("locked") : _("active"),
		       when);
	}
	ul->n++;
	return 0;
}

static int user_list(cli *c)
{
	struct user_list ul = {c, 0};
	if (c->json)
		printf("[");
	if (rd_user_each(c->ctx, print_user, &ul, &c->err) != RD_OK)
		return cli_fail("user list", &c->err);
	if (c->json)
		printf("]\n");
	return 0;
}

int cli_cmd_user(cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	const char *name = cli_arg(argc, argv, 1, NULL);
	rd_code rc;
	char *pw = NULL;
	if (!sub)
		return cli_usage("user", _("say what to do: add, list, lock, unlock, passwd"));
	if (!strcmp(sub, "add"))
		return user_add(c, argc, argv);
	if (!strcmp(sub, "list"))
		return user_list(c);
	if (!name)
		return cli_usage("user", _("user %s NAME"), sub);
	if (!strcmp(sub, "lock"))
		rc = rd_user_lock(c->ctx, name, &c->err);
	else if (!strcmp(sub, "unlock"))
		rc = rd_user_unlock(c->ctx, name, &c->err);
	else if (!strcmp(sub, "passwd")) {
		if (cli_read_secret("RADESK_NEW_PASSWORD", _("New password: "), true, &pw, &c->err) != RD_OK)
			return cli_fail("user passwd", &c->err);
		rc = rd_user_passwd(c->ctx, name, pw, &c->err);
		rd_secret_free(pw, 0);
	} else
		return cli_usage("user", _("no action '%s' (add, list, lock, unlock, passwd)"), sub);
	if (rc != RD_OK)
		return cli_fail(sub, &c->err);
	printf(_("operator %s: done\n"), name);
	return 0;
}

struct audit_list {
	cli *c;
	int n;
	int64_t last; /* seq of the last row printed */
};

static int print_audit(void *ud, const rd_audit_row *r)
{
	struct audit_list *al = ud;
	char when[32];
	rd_time_iso(r->at, when);
	if (al->c->json) {
		printf("%s{\"seq\":%lld,\"at\":\"%s\",\"operator\":", al->n ? ",\n" : "", (long long)r->seq, when);
		cli_print_json_string(stdout, r->operator_name);
		printf(",\"action\":");
		cli_print_json_string(stdout, r->action);
		printf(",\"object\":");
		cli_print_json_string(stdout, r->object);
		printf(",\"details\":%s,\"hash\":\"%s\"}", r->details[0] == '{' ? r->details : "{}", r->hash);
	} else {
		printf("%6lld  %s  %-12s %-26s %s %s\n", (long long)r->seq, when, r->operator_name, r->action, r->object,
		       strcmp(r->details, "{}") ? r->details : "");
	}
	al->n++;
	al->last = r->seq;
	return 0;
}

static bool parse_count(const char *s, long long *out)
{
	char *end;
	if (!s)
		return true;
	*out = strtoll(s, &end, 10);
	return *s && !*end && *out >= 0;
}

static int earliest(void *ud, const rd_audit_row *r)
{
	int64_t *first = ud;
	if (!*first || r->seq < *first)
		*first = r->seq;
	return 0;
}

/* audit list: the trail a page at a time (keyset paging by seq), so a
 * trail of millions of rows streams in constant memory. */
static int audit_list(cli *c, int argc, char **argv)
{
	struct audit_list al = {c, 0, 0};
	rd_audit_filter f = {0, cli_opt(argc, argv, "--object"), cli_opt(argc, argv, "--operator")};
	const char *s = cli_opt(argc, argv, "--since");
	long long after = 0, limit = 0, last = 0;
	if (s && rd_time_parse(s, &f.since, &c->err) != RD_OK) {
		rd_strlcpy(c->err.field, "--since", sizeof c->err.field);
		return cli_fail("audit list", &c->err);
	}
	if (!parse_count(cli_opt(argc, argv, "--after"), &after))
		return cli_usage("audit", _("--after takes an entry number"));
	if (!parse_count(cli_opt(argc, argv, "--limit"), &limit))
		return cli_usage("audit", _("--limit takes a number of entries"));
	if (!parse_count(cli_opt(argc, argv, "--last"), &last))
		return cli_usage("audit", _("--last takes a number of entries"));
	if (last && (after || limit))
		return cli_usage("audit", _("--last goes without --after and --limit"));
	if (last) { /* the N newest: walk back to the first of them, then list forward */
		int64_t first = 0;
		long long got = 0;
		for (;;) {
			int page = last - got > 500 ? 500 : (int)(last - got);
			size_t n = 0;
			if (rd_audit_read_page(c->ctx, &f, true, first, page, earliest, &first, &n, &c->err) != RD_OK)
				return cli_fail("audit list", &c->err);
			got += (long long)n;
			if ((int)n < page || got >= last)
				break;
		}
		after = first > 0 ? first - 1 : 0;
		limit = got;
		if (!got) {
			if (c->json)
				printf("[]\n");
			return 0;
		}
	}
	if (c->json)
		printf("[");
	for (;;) {
		long long left = limit ? limit - al.n : 500;
		int page = left > 500 ? 500 : (int)left;
		size_t n = 0;
		if (page <= 0)
			break;
		if (rd_audit_read_page(c->ctx, &f, false, al.n ? al.last : after, page, print_audit, &al, &n,
				       &c->err) != RD_OK)
			return cli_fail("audit list", &c->err);
		if ((int)n < page)
			break;
	}
	if (c->json)
		printf("]\n");
	return 0;
}

int cli_cmd_audit(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--since", "--object", "--operator", "--after", "--limit", "--last", NULL};
	const char *sub = argc > 1 ? argv[1] : NULL;
	int status = cli_check_opts("audit", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (sub && !strcmp(sub, "verify")) {
		rd_audit_result res;
		if (rd_audit_check(c->ctx, &res, &c->err) != RD_OK)
			return cli_fail("audit verify", &c->err);
		if (res.first_bad) {
			printf(_("broken at entry %lld: %s\n"), (long long)res.first_bad, res.why);
			return 1;
		}
		printf(_("ok, %lld entries\n"), (long long)res.entries);
		return 0;
	}
	if (sub && !strcmp(sub, "list"))
		return audit_list(c, argc, argv);
	return cli_usage("audit", _("say what to do: verify or list"));
}
