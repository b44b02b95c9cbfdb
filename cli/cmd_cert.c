/* radesk cert: after issuance — revocation requests and their promise,
 * approval, renewal, lost-UKEY reissue, change of information, ceased
 * organizations, expiry. */
#include "cli/internal.h"

#include <stdlib.h>
#include <string.h>

static int read_csr(cli *c, const char *path, char **pem)
{
	size_t len;
	*pem = NULL;
	if (!path) {
		rd_fail_at(&c->err, RD_E_INVALID, "--csr", _("the new key's CSR file is missing (--csr FILE)"));
		return -1;
	}
	if (rd_file_read(path, 65536, pem, &len, &c->err) != RD_OK)
		return -1;
	return 0;
}

/* --requested-at / --ceased-on: DATE or DATE-TIME; 0 when absent. */
static int opt_time(cli *c, int argc, char **argv, const char *name, time_t *t)
{
	const char *s = cli_opt(argc, argv, name);
	*t = 0;
	if (!s)
		return 0;
	if (rd_time_parse(s, t, &c->err) != RD_OK) {
		rd_strlcpy(c->err.field, name, sizeof c->err.field);
		return -1;
	}
	return 0;
}

static const char *status_label(const char *status)
{
	if (!strcmp(status, "pending"))
		return _("waiting for approval");
	if (!strcmp(status, "approved"))
		return _("approved, not yet sent");
	if (!strcmp(status, "queued"))
		return _("sent to the CA");
	if (!strcmp(status, "done"))
		return _("revoked");
	if (!strcmp(status, "failed"))
		return _("refused by the CA");
	if (!strcmp(status, "withdrawn"))
		return _("refused");
	return status;
}

struct rev_print {
	cli *c;
	int n;
};

static int print_revocation(void *ud, const rd_revocation *v)
{
	struct rev_print *p = ud;
	char left[32], req[32], due[32];
	const rd_revreq_row *r = &v->r;
	rd_life_format_left(v->seconds_left, left);
	if (p->c->json) {
		rd_time_iso(r->requested_at, req);
		rd_time_iso(r->due_at, due);
		printf("%s{\"application\":", p->n ? "," : "");
		cli_print_json_string(stdout, r->app_no);
		printf(",\"purpose\":\"%s\",\"reason\":\"%s\",\"reason_code\":%d,\"serial\":\"%s\",\"status\":\"%s\","
		       "\"requested_at\":\"%s\",\"due_at\":\"%s\",\"seconds_left\":%lld,\"open\":%s,\"overdue\":%s,"
		       "\"late\":%s,\"recorded_by\":",
		       r->purpose, rd_life_reason_name(r->reason), r->reason,
		       r->serial_hex, r->status, req, due, (long long)v->seconds_left, v->open ? "true" : "false",
		       v->overdue ? "true" : "false", v->late ? "true" : "false");
		cli_print_json_string(stdout, r->recorded_by);
		printf(",\"approved_by\":");
		cli_print_json_string(stdout, r->approved_by);
		printf(",\"batch\":");
		cli_print_json_string(stdout, r->batch);
		printf(",\"status_reason\":");
		cli_print_json_string(stdout, r->status_reason);
		printf(",\"new_application\":");
		cli_print_json_string(stdout, r->new_app_no);
		printf(",\"request\":");
		cli_print_json_string(stdout, r->careq_id);
		printf("}");
	} else {
		if (!p->n)
			printf("%-20s %-20s %-9s %-24s %-12s %s\n", _("APPLICATION"), _("REASON"), _("PURPOSE"), _("STATUS"),
			       _("TIME LEFT"), _("DUE"));
		rd_time_local(r->due_at, due);
		printf("%-20s %-20s %-9s %-24s %-12s %s%s%s%s\n", r->app_no, rd_life_reason_name(r->reason), r->purpose,
		       status_label(r->status), v->open ? left : "-", due, v->overdue ? _("  OVERDUE") : "",
		       v->late ? _("  done late") : "",
		       r->status_reason[0] ? r->status_reason : "");
	}
	p->n++;
	return 0;
}

static int cmd_revoke(cli *c, int argc, char **argv, const char *no)
{
	rd_revoke_opts o = {0};
	int64_t id = 0;
	bool queued = false;
	if (!no)
		return cli_usage("cert", _("cert revoke NO --reason R"));
	o.reason = cli_opt(argc, argv, "--reason");
	o.note = cli_opt(argc, argv, "--note");
	o.in_person = cli_flag(argc, argv, "--in-person");
	if (!o.reason)
		return cli_usage("cert", _("say why: --reason keyCompromise|affiliationChanged|superseded|cessationOfOperation|..."));
	if (opt_time(c, argc, argv, "--requested-at", &o.requested_at) != 0)
		return cli_fail("cert revoke", &c->err);
	if (rd_life_revoke_request(c->ctx, no, &o, &id, &queued, &c->err) != RD_OK)
		return cli_fail("cert revoke", &c->err);
	if (queued)
		printf(_("%s: revocation request %lld recorded and sent to the CA outbox (single clerk, key compromise "
			 "reported in person)\n"), no, (long long)id);
	else
		printf(_("%s: revocation request %lld recorded; a second operator approves it "
			 "(radesk cert approve-revocation %s)\n"), no, (long long)id, no);
	return 0;
}

static int cmd_renew(cli *c, int argc, char **argv, const char *no)
{
	rd_renew_opts o = {0};
	char *csr = NULL, *answer = NULL, id[40], receipt[48];
	const char *amount = cli_opt(argc, argv, "--amount");
	int status = 0;
	if (!no)
		return cli_usage("cert", _("cert renew NO --csr FILE [--id-sighted]"));
	o.id_sighted = cli_flag(argc, argv, "--id-sighted");
	o.method = cli_opt(argc, argv, "--method");
	o.ref = cli_opt(argc, argv, "--ref");
	if (amount && rd_money_parse(amount, "--amount", &o.amount, &c->err) != RD_OK)
		return cli_fail("cert renew", &c->err);
	if (read_csr(c, cli_opt(argc, argv, "--csr"), &csr) != 0)
		return cli_fail("cert renew", &c->err);
	o.csr_pem = csr;
	if (!o.id_sighted) {
		if (cli_read_secret("RADESK_ANSWER", _("Verification answer: "), false, &answer, &c->err) != RD_OK) {
			free(csr);
			return cli_fail("cert renew", &c->err);
		}
		o.answer = answer;
	}
	if (rd_life_renew(c->ctx, no, &o, id, receipt, &c->err) != RD_OK)
		status = cli_fail("cert renew", &c->err);
	else if (c->json)
		printf("{\"application\":\"%s\",\"request\":\"%s\",\"receipt\":\"%s\"}\n", no, id, receipt);
	else {
		printf(_("%s: renewal sent to the CA outbox (request %s)\n"), no, id);
		if (receipt[0])
			printf(_("receipt %s\n"), receipt);
	}
	if (answer)
		rd_secret_free(answer, 0);
	free(csr);
	return status;
}

static int cmd_reissue(cli *c, int argc, char **argv, const char *no)
{
	rd_reissue_opts o = {0};
	char *csr = NULL, new_no[32];
	bool queued = false;
	int status = 0;
	if (!no)
		return cli_usage("cert", _("cert reissue NO --reason R --ukey lost|destroyed [--csr FILE]"));
	o.reason = cli_opt(argc, argv, "--reason");
	o.ukey_fate = cli_opt(argc, argv, "--ukey");
	o.ukey_serial = cli_opt(argc, argv, "--token");
	o.username = cli_opt(argc, argv, "--username");
	o.note = cli_opt(argc, argv, "--note");
	o.in_person = cli_flag(argc, argv, "--in-person");
	if (!o.reason)
		return cli_usage("cert", _("say why: --reason keyCompromise|superseded"));
	if (opt_time(c, argc, argv, "--requested-at", &o.requested_at) != 0 ||
	    (cli_opt(argc, argv, "--csr") && read_csr(c, cli_opt(argc, argv, "--csr"), &csr) != 0))
		return cli_fail("cert reissue", &c->err);
	o.csr_pem = csr;
	if (rd_life_reissue(c->ctx, no, &o, new_no, &queued, &c->err) != RD_OK)
		status = cli_fail("cert reissue", &c->err);
	else if (c->json)
		printf("{\"application\":\"%s\",\"new_application\":\"%s\",\"queued\":%s}\n", no, new_no,
		       queued ? "true" : "false");
	else
		printf(csr ? _("%s: revocation requested (%s); new UKEY application %s holds the new key's CSR, which is "
			       "enrolled once it is approved and the revocation confirmed\n")
			   : _("%s: revocation requested (%s); new UKEY application %s: issue it on a new UKEY "
			       "(radesk ukey issue) once it is approved\n"),
		       no, queued ? _("revocation sent to the CA outbox") : _("waiting for a second operator"), new_no);
	free(csr);
	return status;
}

static int cmd_change(cli *c, int argc, char **argv, const char *no)
{
	rd_change_opts o = {0};
	char new_no[32];
	if (!no)
		return cli_usage("cert", _("cert change NO [--name N] [--org-name N] [--uscc C]"));
	o.reason = cli_opt(argc, argv, "--reason");
	o.subject_name = cli_opt(argc, argv, "--name");
	o.org_name = cli_opt(argc, argv, "--org-name");
	o.uscc = cli_opt(argc, argv, "--uscc");
	o.note = cli_opt(argc, argv, "--note");
	if (opt_time(c, argc, argv, "--requested-at", &o.requested_at) != 0)
		return cli_fail("cert change", &c->err);
	if (rd_life_change(c->ctx, no, &o, new_no, &c->err) != RD_OK)
		return cli_fail("cert change", &c->err);
	if (c->json)
		printf("{\"application\":\"%s\",\"new_application\":\"%s\"}\n", no, new_no);
	else
		printf(_("%s: revocation requested; new application %s (a draft copied with the changes)\n"), no, new_no);
	return 0;
}

static int cmd_ceased(cli *c, int argc, char **argv)
{
	char batch[40];
	int count = 0;
	time_t ceased_on, requested_at;
	const char *uscc = cli_opt(argc, argv, "--uscc"), *evidence = cli_opt(argc, argv, "--evidence");
	if (uscc && cli_flag(argc, argv, "--dry-run")) {
		char nos[20][32];
		int n = 0;
		if (rd_life_ceased_preview(c->ctx, uscc, &n, nos, RD_ARRAY_LEN(nos), &c->err) != RD_OK)
			return cli_fail("cert ceased", &c->err);
		if (c->json) {
			printf("{\"requests\":%d,\"applications\":[", n);
			for (int i = 0; i < n && i < (int)RD_ARRAY_LEN(nos); i++)
				printf("%s\"%s\"", i ? "," : "", nos[i]);
			printf("]}\n");
		} else {
			printf(_("%d certificates would go to revocation (nothing recorded)\n"), n);
			for (int i = 0; i < n && i < (int)RD_ARRAY_LEN(nos); i++)
				printf("%s\n", nos[i]);
		}
		return 0;
	}
	if (!uscc || !evidence)
		return cli_usage("cert", _("cert ceased --uscc CODE --evidence FILE"));
	if (opt_time(c, argc, argv, "--ceased-on", &ceased_on) != 0 ||
	    opt_time(c, argc, argv, "--requested-at", &requested_at) != 0)
		return cli_fail("cert ceased", &c->err);
	if (rd_life_ceased(c->ctx, uscc, evidence, cli_opt(argc, argv, "--note"), ceased_on, requested_at, batch,
			   &count, &c->err) != RD_OK)
		return cli_fail("cert ceased", &c->err);
	if (c->json)
		printf("{\"batch\":\"%s\",\"requests\":%d}\n", batch, count);
	else
		printf(_("batch %s: %d revocation requests recorded (cessationOfOperation); approve with "
			 "radesk cert approve-revocation %s\n"), batch, count, batch);
	return 0;
}

struct exp_print {
	cli *c;
	int n;
};

static int print_expiring(void *ud, const rd_expiring *x)
{
	struct exp_print *p = ud;
	char when[32];
	if (p->c->json) {
		rd_time_iso(x->not_after, when);
		printf("%s{\"application\":\"%s\",\"state\":\"%s\",\"serial\":\"%s\",\"not_after\":\"%s\","
		       "\"days_left\":%d,\"notified\":%s,\"agent\":",
		       p->n ? "," : "", x->no, x->state, x->serial_hex, when, x->days_left, x->notified ? "true" : "false");
		cli_print_json_string(stdout, x->agent);
		printf(",\"mobile\":");
		cli_print_json_string(stdout, x->mobile);
		printf("}");
	} else {
		if (!p->n)
			printf("%-20s %-12s %-18s %-10s %-12s %-12s %s\n", _("APPLICATION"), _("STATE"), _("EXPIRES"),
			       _("DAYS LEFT"), _("NOTICE"), _("MOBILE"), _("AGENT"));
		rd_time_local(x->not_after, when);
		printf("%-20s %-12s %-18s %-10d %-12s %-12s %s\n", x->no, rd_app_state_label(x->state), when, x->days_left,
		       x->notified ? _("queued now") : "-", x->mobile[0] ? x->mobile : "-", x->agent[0] ? x->agent : "-");
	}
	p->n++;
	return 0;
}

static int cmd_expiring(cli *c, int argc, char **argv)
{
	const char *d = cli_opt(argc, argv, "--days");
	struct exp_print p = {c, 0};
	int queued = 0, days = 30;
	if (d) {
		long long v;
		if (!cli_number(d, 0, 3660, &v)) {
			rd_fail_at(&c->err, RD_E_INVALID, "--days", _("'%s' is not a number of days (0-3660)"), d);
			return cli_fail("cert expiring", &c->err);
		}
		days = (int)v;
	}
	if (c->json)
		printf("[");
	if (rd_life_expiring(c->ctx, days, !cli_flag(argc, argv, "--no-notify"), print_expiring, &p, &queued,
			     &c->err) != RD_OK) {
		if (c->json)
			printf("]\n");
		return cli_fail("cert expiring", &c->err);
	}
	if (c->json)
		printf("]\n");
	else if (!p.n)
		printf(_("no certificate expires within %d days\n"), days);
	else if (queued)
		printf(_("%d notices queued for agents\n"), queued);
	return 0;
}

int cli_cmd_cert(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--reason", "--requested-at", "--note", "--csr", "--amount", "--method",
					    "--ref", "--ukey", "--token", "--username", "--name", "--org-name", "--uscc",
					    "--evidence", "--ceased-on", "--days", NULL};
	static const char *const flags[] = {"--in-person", "--id-sighted", "--overdue", "--all", "--no-notify", "--pem",
					    "--dry-run", NULL};
	const char *sub = cli_arg(argc, argv, 0, vopts), *no = cli_arg(argc, argv, 1, vopts);
	int status;
	if (sub && !strcmp(sub, "show"))
		return cli_cert_show(c, argc, argv);
	status = cli_check_opts("cert", argc, argv, vopts, flags);
	if (status)
		return status;
	if (!sub)
		return cli_usage("cert", _("say what to do: show, revoke, approve-revocation, reject-revocation, revocations, "
					   "sync, renew, unlock-answer, reissue, change, ceased, expiring, expire-due"));
	if (!strcmp(sub, "revoke"))
		return cmd_revoke(c, argc, argv, no);
	if (!strcmp(sub, "approve-revocation")) {
		int n = 0;
		if (!no)
			return cli_usage("cert", _("cert approve-revocation NO|BATCH"));
		if (rd_life_revoke_approve(c->ctx, no, &n, &c->err) != RD_OK)
			return cli_fail("cert approve-revocation", &c->err);
		if (c->ctx->who.role == RD_ROLE_REVIEWER)
			printf(_("%s: %d revocation requests approved; the counter sends them (radesk cert sync)\n"), no, n);
		else
			printf(_("%s: %d revocation requests approved and sent to the CA outbox\n"), no, n);
		return 0;
	}
	if (!strcmp(sub, "reject-revocation")) {
		if (!no)
			return cli_usage("cert", _("cert reject-revocation NO --reason T"));
		if (rd_life_revoke_reject(c->ctx, no, cli_opt(argc, argv, "--reason"), &c->err) != RD_OK)
			return cli_fail("cert reject-revocation", &c->err);
		printf(_("%s: revocation request refused\n"), no);
		return 0;
	}
	if (!strcmp(sub, "revocations")) {
		struct rev_print p = {c, 0};
		bool all = cli_flag(argc, argv, "--all"), overdue = cli_flag(argc, argv, "--overdue");
		rd_life_sync_result sr;
		rd_err ignore;
		/* the outbox may have confirmed since: catch up first (quietly) */
		if (c->ctx->who.role != RD_ROLE_AUDITOR)
			rd_life_sync(c->ctx, &sr, &ignore);
		if (c->json)
			printf("[");
		if (rd_life_revocations(c->ctx, !all, overdue, print_revocation, &p, &c->err) != RD_OK) {
			if (c->json)
				printf("]\n");
			return cli_fail("cert revocations", &c->err);
		}
		if (c->json)
			printf("]\n");
		else if (!p.n)
			printf(overdue ? _("no overdue revocation requests\n") : _("no revocation requests\n"));
		return 0;
	}
	if (!strcmp(sub, "sync")) {
		rd_life_sync_result r;
		rd_code rc = rd_life_sync(c->ctx, &r, &c->err);
		printf(_("queued %d, revoked %d, refused by the CA %d, reissued %d\n"), r.queued, r.done, r.failed,
		       r.reissued);
		return rc == RD_OK ? 0 : cli_fail("cert sync", &c->err);
	}
	if (!strcmp(sub, "renew"))
		return cmd_renew(c, argc, argv, no);
	if (!strcmp(sub, "unlock-answer")) {
		if (!no)
			return cli_usage("cert", _("cert unlock-answer NO"));
		if (rd_life_answer_unlock(c->ctx, no, &c->err) != RD_OK)
			return cli_fail("cert unlock-answer", &c->err);
		printf(_("%s: verification answer unlocked\n"), no);
		return 0;
	}
	if (!strcmp(sub, "reissue"))
		return cmd_reissue(c, argc, argv, no);
	if (!strcmp(sub, "change"))
		return cmd_change(c, argc, argv, no);
	if (!strcmp(sub, "ceased"))
		return cmd_ceased(c, argc, argv);
	if (!strcmp(sub, "expiring"))
		return cmd_expiring(c, argc, argv);
	if (!strcmp(sub, "expire-due")) {
		int n = 0;
		if (rd_life_expire_due(c->ctx, &n, &c->err) != RD_OK)
			return cli_fail("cert expire-due", &c->err);
		printf(_("%d applications moved to expired\n"), n);
		return 0;
	}
	return cli_usage("cert", _("unknown subcommand '%s'"), sub);
}
