/* radesk ukey: UKEY stock, issuance onto the token, hand-over and the PIN
 * service.  PINs come from the terminal (echo off) or the environment,
 * never from argv, and are wiped after use. */
#include "cli/internal.h"

#include <stdlib.h>
#include <string.h>

#include "ukey/ukey.h"

#define SUBCMDS "add, list, tokens, issue, resume, renew, handover, unblock, passwd, orphans, reset, mark"

static void row(const char *label, const char *value)
{
	int pad = 14 - rd_utf8_width(label);
	printf("%s%*s %s\n", label, pad > 0 ? pad : 0, "", value);
}

/* ---- stock ------------------------------------------------------------------ */
static int ukey_add(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--model", NULL};
	const char *serials[256];
	size_t n = 0, added = 0;
	rd_code rc;
	for (int i = 0; (size_t)i < RD_ARRAY_LEN(serials); i++) {
		const char *a = cli_arg(argc, argv, i + 1, vopts);
		if (!a)
			break;
		serials[n++] = a;
	}
	if (cli_flag(argc, argv, "--inserted")) {
		if (n)
			return cli_usage("ukey", _("give serials or --inserted, not both"));
		rc = rd_ukey_stock_add_inserted(c->ctx, NULL, &added, &c->err);
	} else {
		if (!n)
			return cli_usage("ukey", _("ukey add SERIAL... (or --inserted)"));
		rc = rd_ukey_stock_add(c->ctx, serials, n, cli_opt(argc, argv, "--model"), &added, &c->err);
	}
	if (rc != RD_OK)
		return cli_fail("ukey add", &c->err);
	printf(_("%zu UKEYs added to stock\n"), added);
	return 0;
}

static int list_text(void *ud, const rd_stock_row *r)
{
	char upd[32];
	(void)ud;
	rd_time_local(r->updated_at, upd);
	printf("%-16s  %-12s  %-22s  %-20s  %s\n", r->serial, r->model[0] ? r->model : "-", r->state,
	       r->app_no[0] ? r->app_no : "-", upd);
	return 0;
}

static int list_json(void *ud, const rd_stock_row *r)
{
	int *first = ud;
	printf("%s{\"serial\":", *first ? "" : ",");
	*first = 0;
	cli_print_json_string(stdout, r->serial);
	printf(",\"model\":");
	cli_print_json_string(stdout, r->model);
	printf(",\"state\":\"%s\",\"application\":", r->state);
	cli_print_json_string(stdout, r->app_no);
	printf(",\"step\":\"%s\",\"key_id\":\"%s\",\"certificate\":\"%s\",\"reason\":", r->step, r->key_id, r->cert_serial);
	cli_print_json_string(stdout, r->reason);
	printf(",\"updated_by\":");
	cli_print_json_string(stdout, r->updated_by);
	printf(",\"updated_at\":%lld}", (long long)r->updated_at);
	return 0;
}

static int count_text(void *ud, const char *model, const char *state, int64_t n)
{
	(void)ud;
	printf("  %-16s  %-22s  %lld\n", model[0] ? model : "-", state, (long long)n);
	return 0;
}

static int count_json(void *ud, const char *model, const char *state, int64_t n)
{
	int *first = ud;
	printf("%s{\"model\":", *first ? "" : ",");
	*first = 0;
	cli_print_json_string(stdout, model);
	printf(",\"state\":\"%s\",\"count\":%lld}", state, (long long)n);
	return 0;
}

static int ukey_list(cli *c, int argc, char **argv)
{
	const char *state = cli_opt(argc, argv, "--state");
	int first = 1;
	rd_code rc;
	if (c->json) {
		printf("{\"ukeys\":[");
		rc = rd_ukey_stock_list(c->ctx, state, list_json, &first, &c->err);
		if (rc == RD_OK) {
			first = 1;
			printf("],\"counts\":[");
			rc = rd_ukey_stock_counts(c->ctx, count_json, &first, &c->err);
			printf("]}\n");
		} else {
			printf("]}\n");
		}
	} else {
		printf("%-16s  %-12s  %-22s  %-20s  %s\n", _("serial"), _("model"), _("state"), _("application"),
		       _("changed"));
		rc = rd_ukey_stock_list(c->ctx, state, list_text, NULL, &c->err);
		if (rc == RD_OK) {
			printf("%s\n", _("per model and state:"));
			rc = rd_ukey_stock_counts(c->ctx, count_text, NULL, &c->err);
		}
	}
	return rc == RD_OK ? 0 : cli_fail("ukey list", &c->err);
}

static int ukey_tokens(cli *c)
{
	rd_ukey *u = NULL;
	rd_ukey_token t[RD_UKEY_MAX_TOKENS];
	size_t n = 0;
	if (rd_ukey_open_config(&u, c->ctx->cfg, &c->ctx->log, &c->err) != RD_OK)
		return cli_fail("ukey tokens", &c->err);
	if (rd_ukey_tokens(u, t, RD_ARRAY_LEN(t), &n, &c->err) != RD_OK) {
		rd_ukey_close(u);
		return cli_fail("ukey tokens", &c->err);
	}
	rd_ukey_close(u);
	for (size_t i = 0; i < n; i++) {
		rd_stock_row r;
		const char *stock = _("not in stock");
		if (!t[i].serial[0])
			continue;
		if (rd_ukey_stock_find(c->ctx, t[i].serial, &r, NULL) == RD_OK)
			stock = r.state;
		printf("%-16s  %-16s  %-12s  %s%s\n", t[i].serial, t[i].label, t[i].model, stock,
		       t[i].pin_locked ? _("  (PIN locked)") : "");
	}
	return 0;
}

static int ukey_mark(cli *c, int argc, char **argv, const char *const *vopts)
{
	const char *serial = cli_arg(argc, argv, 1, vopts), *state = cli_arg(argc, argv, 2, vopts);
	if (!serial || !state || cli_arg(argc, argv, 3, vopts))
		return cli_usage("ukey", _("ukey mark SERIAL returned|lost|destroyed --reason T"));
	if (rd_ukey_stock_mark(c->ctx, serial, state, cli_opt(argc, argv, "--reason"), &c->err) != RD_OK)
		return cli_fail("ukey mark", &c->err);
	printf(_("UKEY %s: %s\n"), serial, state);
	return 0;
}

/* ---- issuance ------------------------------------------------------------------ */
static void on_step(void *ud, rd_ukey_step step, const char *detail)
{
	(void)ud;
	printf("[%d/%d] %s%s%s\n", (int)step, (int)RD_UKEY_STEP_DONE, rd_ukey_step_label(step), *detail ? ": " : "",
	       detail);
	fflush(stdout);
}

static void outcome_text(const rd_ukey_outcome *o)
{
	char buf[64];
	row(_("application"), o->no);
	row(_("UKEY"), o->serial);
	if (o->key_id[0])
		row(_("key id"), o->key_id);
	row(_("UKEY state"), o->ukey_state);
	row(_("state"), o->app_state);
	if (o->cert_serial[0]) {
		row(_("certificate"), o->cert_serial);
		rd_time_local(o->not_after, buf);
		row(_("valid until"), buf);
	}
}

static void outcome_json(const rd_ukey_outcome *o)
{
	printf("{\"no\":\"%s\",\"serial\":", o->no);
	cli_print_json_string(stdout, o->serial);
	printf(",\"key_id\":\"%s\",\"ukey_state\":\"%s\",\"state\":\"%s\",\"certificate\":\"%s\",\"awaiting\":%s,"
	       "\"request\":\"%s\",\"pin_to_cert_ms\":%.1f,\"reason\":",
	       o->key_id, o->ukey_state, o->app_state, o->cert_serial, o->awaiting ? "true" : "false", o->ca_request,
	       o->pin_to_cert_ms);
	cli_print_json_string(stdout, o->ca_reason);
	printf("}\n");
}

static int print_receipt(cli *c, const char *no, const char *pdf)
{
	rd_print_outcome po;
	if (rd_print_application(c->ctx, no, "receipt", 1, pdf, NULL, &po, &c->err) != RD_OK)
		return cli_fail("ukey: receipt", &c->err);
	if (!c->json)
		row(_("receipt"), po.printer[0] ? po.printer : po.pdf_path);
	return 0;
}

static int ukey_issue(cli *c, int argc, char **argv, const char *const *vopts, bool resume)
{
	const char *no = cli_arg(argc, argv, 1, vopts), *cmd = resume ? "ukey resume" : "ukey issue";
	rd_ukey_issue_opts o = {cli_opt(argc, argv, "--serial"), NULL, c->json ? NULL : on_step, NULL};
	rd_ukey_outcome out;
	char *pin = NULL;
	rd_code rc;
	if (!no || cli_arg(argc, argv, 2, vopts))
		return cli_usage("ukey", resume ? _("ukey resume NO") : _("ukey issue NO [--serial S]"));
	if (resume && o.serial)
		return cli_usage("ukey", _("resume uses the UKEY bound to the application; --serial is not needed"));
	if (cli_read_secret("RADESK_UKEY_PIN",
			    resume ? _("Subscriber's UKEY PIN: ") : _("Subscriber's new UKEY PIN (6-16 characters): "),
			    !resume, &pin, &c->err) != RD_OK)
		return cli_fail(cmd, &c->err);
	rc = resume ? rd_ukey_resume(c->ctx, no, pin, &o, &out, &c->err) : rd_ukey_issue(c->ctx, no, pin, &o, &out, &c->err);
	rd_secret_free(pin, 0);
	if (c->json)
		outcome_json(&out);
	else if (out.no[0])
		outcome_text(&out);
	if (rc != RD_OK)
		return cli_fail(cmd, &c->err);
	if (!cli_flag(argc, argv, "--no-receipt"))
		return print_receipt(c, no, cli_opt(argc, argv, "--receipt-pdf"));
	return 0;
}

/* Renewal onto the same UKEY: the subscriber's PIN, then the verification
 * answer (or --id-sighted) and the fee as for 'cert renew'. */
static int ukey_renew(cli *c, int argc, char **argv, const char *const *vopts)
{
	const char *no = cli_arg(argc, argv, 1, vopts), *amount = cli_opt(argc, argv, "--amount");
	rd_ukey_issue_opts uo = {cli_opt(argc, argv, "--serial"), NULL, c->json ? NULL : on_step, NULL};
	rd_renew_opts o = {0};
	rd_ukey_outcome out;
	bool resume = cli_flag(argc, argv, "--resume");
	char *pin = NULL, *answer = NULL, receipt[48] = "";
	rd_code rc;
	if (!no || cli_arg(argc, argv, 2, vopts))
		return cli_usage("ukey", _("ukey renew NO [--serial S] [--id-sighted] [--resume]"));
	o.id_sighted = cli_flag(argc, argv, "--id-sighted");
	o.method = cli_opt(argc, argv, "--method");
	o.ref = cli_opt(argc, argv, "--ref");
	if (amount && rd_money_parse(amount, "--amount", &o.amount, &c->err) != RD_OK)
		return cli_fail("ukey renew", &c->err);
	if (cli_read_secret("RADESK_UKEY_PIN", _("Subscriber's UKEY PIN: "), false, &pin, &c->err) != RD_OK)
		return cli_fail("ukey renew", &c->err);
	if (!resume && !o.id_sighted) {
		if (cli_read_secret("RADESK_ANSWER", _("Verification answer: "), false, &answer, &c->err) != RD_OK) {
			rd_secret_free(pin, 0);
			return cli_fail("ukey renew", &c->err);
		}
		o.answer = answer;
	}
	rc = rd_ukey_renew(c->ctx, no, pin, &o, resume, &uo, &out, receipt, &c->err);
	rd_secret_free(pin, 0);
	if (answer)
		rd_secret_free(answer, 0);
	if (c->json)
		outcome_json(&out);
	else if (out.no[0] && (rc == RD_OK || out.awaiting))
		outcome_text(&out);
	if (rc != RD_OK)
		return cli_fail("ukey renew", &c->err);
	if (!c->json && receipt[0])
		row(_("receipt"), receipt);
	return 0;
}

static int ukey_handover(cli *c, const char *no)
{
	if (rd_ukey_handover(c->ctx, no, &c->err) != RD_OK)
		return cli_fail("ukey handover", &c->err);
	printf(_("%s: UKEY handed over, application activated\n"), no);
	return 0;
}

/* ---- token service ------------------------------------------------------------- */
static int ukey_orphans(cli *c, const char *serial)
{
	rd_ukey_keyinfo k[32];
	size_t n = 0, orphans = 0;
	if (rd_ukey_orphans(c->ctx, serial, NULL, k, RD_ARRAY_LEN(k), &n, &c->err) != RD_OK)
		return cli_fail("ukey orphans", &c->err);
	if (c->json)
		printf("{\"serial\":\"%s\",\"keys\":[", serial);
	for (size_t i = 0; i < n; i++) {
		orphans += k[i].orphan;
		if (c->json) {
			printf("%s{\"id\":\"%s\",\"label\":", i ? "," : "", k[i].id_hex);
			cli_print_json_string(stdout, k[i].label);
			printf(",\"public\":%s,\"certificate\":%s,\"orphan\":%s}", k[i].has_public ? "true" : "false",
			       k[i].has_cert ? "true" : "false", k[i].orphan ? "true" : "false");
		} else {
			printf("%s  %-16s  %s\n", k[i].id_hex, k[i].label,
			       k[i].orphan ? _("orphan: key without certificate") : k[i].has_cert ? _("certified") : "");
		}
	}
	if (c->json)
		printf("],\"orphans\":%zu}\n", orphans);
	else
		printf(_("%zu keys, %zu orphan keys (public view; private halves need the PIN)\n"), n, orphans);
	return 0;
}

static int ukey_reset(cli *c, const char *serial)
{
	size_t deleted = 0;
	if (rd_ukey_reset(c->ctx, serial, NULL, &deleted, &c->err) != RD_OK)
		return cli_fail("ukey reset", &c->err);
	printf(_("UKEY %s reset: %zu objects deleted, back in stock\n"), serial, deleted);
	return 0;
}

static int ukey_unblock(cli *c, int argc, char **argv, const char *serial)
{
	char *pin = NULL;
	rd_code rc;
	if (!cli_flag(argc, argv, "--id-sighted")) {
		rd_fail_at(&c->err, RD_E_REFUSED, "--id-sighted",
			   _("check the subscriber's identity document again, then confirm with --id-sighted"));
		return cli_fail("ukey unblock", &c->err);
	}
	if (cli_read_secret("RADESK_UKEY_NEW_PIN", _("Subscriber's new UKEY PIN: "), true, &pin, &c->err) != RD_OK)
		return cli_fail("ukey unblock", &c->err);
	rc = rd_ukey_unblock_pin(c->ctx, serial, true, pin, NULL, &c->err);
	rd_secret_free(pin, 0);
	if (rc != RD_OK)
		return cli_fail("ukey unblock", &c->err);
	printf(_("UKEY %s: user PIN unblocked and set anew\n"), serial);
	return 0;
}

static int ukey_passwd(cli *c, const char *serial)
{
	char *old = NULL, *pin = NULL;
	rd_code rc;
	if (cli_read_secret("RADESK_UKEY_PIN", _("Current UKEY PIN: "), false, &old, &c->err) != RD_OK)
		return cli_fail("ukey passwd", &c->err);
	if (cli_read_secret("RADESK_UKEY_NEW_PIN", _("New UKEY PIN: "), true, &pin, &c->err) != RD_OK) {
		rd_secret_free(old, 0);
		return cli_fail("ukey passwd", &c->err);
	}
	rc = rd_ukey_change_user_pin(c->ctx, serial, old, pin, NULL, &c->err);
	rd_secret_free(old, 0);
	rd_secret_free(pin, 0);
	if (rc != RD_OK)
		return cli_fail("ukey passwd", &c->err);
	printf(_("UKEY %s: PIN changed\n"), serial);
	return 0;
}

int cli_cmd_ukey(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--model", "--state", "--serial", "--receipt-pdf", "--reason",
					    "--amount", "--method", "--ref", NULL};
	static const char *const flags[] = {"--inserted", "--no-receipt", "--id-sighted", "--resume", NULL};
	const char *sub = cli_arg(argc, argv, 0, vopts), *arg1 = cli_arg(argc, argv, 1, vopts);
	int status;
	if ((status = cli_check_opts("ukey", argc, argv, vopts, flags)) != 0)
		return status;
	if (!sub)
		return cli_usage("ukey", _("say what to do: %s"), SUBCMDS);
	if (!strcmp(sub, "add"))
		return ukey_add(c, argc, argv);
	if (!strcmp(sub, "list"))
		return ukey_list(c, argc, argv);
	if (!strcmp(sub, "tokens"))
		return ukey_tokens(c);
	if (!strcmp(sub, "issue") || !strcmp(sub, "resume"))
		return ukey_issue(c, argc, argv, vopts, !strcmp(sub, "resume"));
	if (!strcmp(sub, "mark"))
		return ukey_mark(c, argc, argv, vopts);
	if (!strcmp(sub, "renew"))
		return ukey_renew(c, argc, argv, vopts);
	if (strcmp(sub, "handover") && strcmp(sub, "unblock") && strcmp(sub, "passwd") && strcmp(sub, "orphans") &&
	    strcmp(sub, "reset"))
		return cli_usage("ukey", _("no subcommand '%s'; use %s"), sub, SUBCMDS);
	if (!arg1 || cli_arg(argc, argv, 2, vopts))
		return cli_usage("ukey", _("ukey %s needs exactly one %s"), sub,
				 !strcmp(sub, "handover") ? _("application number") : _("UKEY serial"));
	if (!strcmp(sub, "handover"))
		return ukey_handover(c, arg1);
	if (!strcmp(sub, "unblock"))
		return ukey_unblock(c, argc, argv, arg1);
	if (!strcmp(sub, "passwd"))
		return ukey_passwd(c, arg1);
	if (!strcmp(sub, "orphans"))
		return ukey_orphans(c, arg1);
	return ukey_reset(c, arg1);
}
