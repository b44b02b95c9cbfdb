/* radesk archive: signed, self-verifying archives and the retention guard. */
#include "cli/internal.h"

#include <string.h>

static void print_info(cli *c, const rd_archive_info *i, const char *verdict)
{
	char before[32], created[32];
	rd_time_iso(i->before, before);
	rd_time_iso(i->created_at, created);
	if (c->json) {
		printf("{\"file\":");
		cli_print_json_string(stdout, i->path);
		printf(",\"result\":\"%s\",\"before\":\"%s\",\"created_at\":\"%s\",\"rows\":%lld,\"applications\":%lld,"
		       "\"audit_rows\":%lld,\"content_sha256\":\"%s\",\"file_sha256\":\"%s\",\"public_key\":\"%s\","
		       "\"audit_last_hash\":\"%s\",\"audit_head_entries\":%lld,\"key_is_ours\":%s}\n",
		       verdict, before, created, (long long)i->lines, (long long)i->applications,
		       (long long)i->audit_rows, i->content_sha256, i->file_sha256, i->public_key, i->audit_last_hash,
		       (long long)i->audit_head_entries, i->key_is_ours ? "true" : "false");
		return;
	}
	printf(_("archive:        %s\n"), i->path);
	printf(_("result:         %s\n"), verdict);
	printf(_("before:         %s\n"), before);
	printf(_("rows:           %lld (%lld applications, %lld audit rows)\n"), (long long)i->lines,
	       (long long)i->applications, (long long)i->audit_rows);
	printf(_("content SHA-256: %s\n"), i->content_sha256);
	printf(_("audit head:     %lld entries, last exported %s\n"), (long long)i->audit_head_entries,
	       i->audit_last_hash[0] ? i->audit_last_hash : "-");
	printf(_("signed by:      Ed25519 %s%s\n"), i->public_key, i->key_is_ours ? _(" (this RA)") : "");
}

static int parse_before(cli *c, int argc, char **argv, time_t *t)
{
	const char *s = cli_opt(argc, argv, "--before");
	if (!s) {
		rd_fail_at(&c->err, RD_E_INVALID, "--before", _("the date is missing (--before YYYY-MM-DD)"));
		return -1;
	}
	if (rd_time_parse(s, t, &c->err) != RD_OK) {
		rd_strlcpy(c->err.field, "--before", sizeof c->err.field);
		return -1;
	}
	return 0;
}

int cli_cmd_archive(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--before", "--out", "--archive", "--public-key", NULL};
	const char *sub = cli_arg(argc, argv, 0, vopts), *file = cli_arg(argc, argv, 1, vopts);
	rd_archive_info info;
	time_t before;
	int status = cli_check_opts("archive", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!sub)
		return cli_usage("archive", _("say what to do: export, verify, purge"));
	if (!strcmp(sub, "export")) {
		const char *out = cli_opt(argc, argv, "--out");
		if (!out)
			return cli_usage("archive", _("archive export --before DATE --out FILE"));
		if (parse_before(c, argc, argv, &before) != 0 ||
		    rd_archive_export(c->ctx, before, out, &info, &c->err) != RD_OK)
			return cli_fail("archive export", &c->err);
		print_info(c, &info, _("written"));
		return 0;
	}
	if (!strcmp(sub, "verify")) {
		if (!file)
			return cli_usage("archive", _("archive verify FILE [--public-key HEX]"));
		if (rd_archive_verify(c->ctx, file, cli_opt(argc, argv, "--public-key"), &info, &c->err) != RD_OK)
			return cli_fail("archive verify", &c->err);
		print_info(c, &info, _("valid"));
		return 0;
	}
	if (!strcmp(sub, "purge")) {
		int n = 0;
		if (parse_before(c, argc, argv, &before) != 0 ||
		    rd_archive_purge(c->ctx, before, cli_opt(argc, argv, "--archive"), &n, &c->err) != RD_OK)
			return cli_fail("archive purge", &c->err);
		printf(_("personal data of %d applications removed\n"), n);
		return 0;
	}
	return cli_usage("archive", _("unknown subcommand '%s'"), sub);
}
