/* radesk app submit/transition (through the app command's hook), doc, fee,
 * review, report, notify, desk. */
#include "cli/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void print_state(cli *c, const char *no)
{
	rd_app_state a;
	if (rd_app_state_get(c->ctx, no, &a, NULL) != RD_OK)
		return;
	if (c->json) {
		printf("{\"application\":");
		cli_print_json_string(stdout, a.no);
		printf(",\"state\":\"%s\",\"version\":%lld}\n", a.state, (long long)a.version);
	} else {
		printf(_("%s: %s (version %lld)\n"), a.no, rd_app_state_label(a.state), (long long)a.version);
	}
}

int cli_app_submit(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--version", NULL};
	const char *no = cli_arg(argc, argv, 1, vopts);
	int64_t ver;
	int status = cli_check_opts("app", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!no || cli_arg(argc, argv, 2, vopts))
		return cli_usage("app", _("app submit NO [--version V]"));
	if (cli_opt_version(c, argc, argv, &ver) != 0)
		return cli_fail("app submit", &c->err);
	if (rd_app_submit(c->ctx, no, ver, NULL, &c->err) != RD_OK)
		return cli_fail("app submit", &c->err);
	print_state(c, no);
	return 0;
}

/* app transition NO STATE [--reason T] [--version V]: the generic step the
 * later areas (CA, UKEY, revocation) use; the table decides. */
static int app_transition(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--version", "--reason", NULL};
	const char *no = cli_arg(argc, argv, 1, vopts), *to = cli_arg(argc, argv, 2, vopts);
	int64_t ver;
	int status = cli_check_opts("app", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!no || !to)
		return cli_usage("app", _("app transition NO STATE [--reason T] [--version V]"));
	if (cli_opt_version(c, argc, argv, &ver) != 0)
		return cli_fail("app transition", &c->err);
	if (rd_transition(c->ctx, no, to, ver, cli_opt(argc, argv, "--reason"), &c->err) != RD_OK)
		return cli_fail("app transition", &c->err);
	print_state(c, no);
	return 0;
}

int cli_app_desk_subcommand(cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "submit"))
		return cli_app_submit(c, argc, argv);
	if (!strcmp(sub, "transition"))
		return app_transition(c, argc, argv);
	return -1;
}

/* ---- doc ---- */

static int doc_list(cli *c, int argc, char **argv)
{
	const char *no = cli_arg(argc, argv, 1, NULL);
	rd_app_state app;
	rd_doc_item items[RD_DOC_MAX];
	size_t n = 0;
	int status = cli_check_opts("doc", argc, argv, NULL, NULL);
	if (status)
		return status;
	if (!no)
		return cli_usage("doc", _("doc list NO"));
	if (rd_doc_checklist(c->ctx, no, &app, items, &n, &c->err) != RD_OK)
		return cli_fail("doc list", &c->err);
	if (c->json) {
		printf("{\"application\":");
		cli_print_json_string(stdout, app.no);
		printf(",\"state\":\"%s\",\"version\":%lld,\"documents\":[", app.state, (long long)app.version);
		for (size_t i = 0; i < n; i++) {
			char when[32] = "";
			if (items[i].row.at)
				rd_time_iso(items[i].row.at, when);
			printf("%s{\"type\":\"%s\",\"label\":", i ? "," : "", items[i].type);
			cli_print_json_string(stdout, items[i].label);
			printf(",\"status\":\"%s\",\"note\":", items[i].row.status);
			cli_print_json_string(stdout, items[i].row.note);
			printf(",\"operator\":");
			cli_print_json_string(stdout, items[i].row.operator_name);
			printf(",\"at\":\"%s\",\"scan\":\"%s\"}", when, items[i].row.scan);
		}
		printf("]}\n");
		return 0;
	}
	printf(_("%s: %s (version %lld)\n"), app.no, rd_app_state_label(app.state), (long long)app.version);
	for (size_t i = 0; i < n; i++) {
		char when[32] = "";
		if (items[i].row.at)
			rd_time_local(items[i].row.at, when);
		printf("  %-22s %-9s %-10s %-17s %s%s%s\n", items[i].type, items[i].row.status,
		       items[i].row.operator_name, when, items[i].label, items[i].row.note[0] ? " — " : "",
		       items[i].row.note);
		if (items[i].row.scan[0])
			printf("  %-22s %s %s\n", "", _("scan"), items[i].row.scan);
	}
	return 0;
}

static int doc_set(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--note", "--scan", NULL};
	const char *no = cli_arg(argc, argv, 1, vopts), *type = cli_arg(argc, argv, 2, vopts),
		   *st = cli_arg(argc, argv, 3, vopts);
	int status = cli_check_opts("doc", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!no || !type || !st || cli_arg(argc, argv, 4, vopts))
		return cli_usage("doc", _("doc set NO TYPE STATUS [--note T] [--scan FILE]"));
	if (rd_doc_set(c->ctx, no, type, st, cli_opt(argc, argv, "--note"), cli_opt(argc, argv, "--scan"),
		       &c->err) != RD_OK)
		return cli_fail("doc set", &c->err);
	if (!c->json)
		printf(_("%s: %s is %s\n"), no, type, st);
	print_state(c, no);
	return 0;
}

static int doc_scan(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--out", NULL};
	const char *no = cli_arg(argc, argv, 1, vopts), *type = cli_arg(argc, argv, 2, vopts),
		   *out = cli_opt(argc, argv, "--out");
	char *data = NULL;
	size_t len = 0;
	rd_code rc;
	int status = cli_check_opts("doc", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!no || !type || !out)
		return cli_usage("doc", _("doc scan NO TYPE --out FILE"));
	if (rd_doc_scan(c->ctx, no, type, &data, &len, &c->err) != RD_OK)
		return cli_fail("doc scan", &c->err);
	rc = rd_file_write_atomic(out, data, len, 0600, &c->err);
	free(data);
	if (rc != RD_OK)
		return cli_fail("doc scan", &c->err);
	printf(_("%s: scan of %s checked and written to %s (%zu bytes)\n"), no, type, out, len);
	return 0;
}

int cli_cmd_doc(cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "list"))
		return doc_list(c, argc, argv);
	if (!strcmp(sub, "set"))
		return doc_set(c, argc, argv);
	if (!strcmp(sub, "scan"))
		return doc_scan(c, argc, argv);
	if (!strcmp(sub, "check")) {
		const char *no = cli_arg(argc, argv, 1, NULL);
		int status = cli_check_opts("doc", argc, argv, NULL, NULL);
		if (status)
			return status;
		if (!no)
			return cli_usage("doc", _("doc check NO"));
		if (rd_app_check_documents(c->ctx, no, &c->err) != RD_OK)
			return cli_fail("doc check", &c->err);
		print_state(c, no);
		return 0;
	}
	return cli_usage("doc", _("say what to do: list, set, check, scan"));
}

/* ---- fee ---- */

static int fee_record(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--amount", "--method", "--ref", NULL};
	const char *no = cli_arg(argc, argv, 1, vopts), *amount = cli_opt(argc, argv, "--amount");
	int64_t fen;
	char receipt[48], text[32];
	int status = cli_check_opts("fee", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!no || !amount || !cli_opt(argc, argv, "--method"))
		return cli_usage("fee", _("fee record NO --amount 300.00 --method cash|card|transfer|qr [--ref R]"));
	if (rd_money_parse(amount, "--amount", &fen, &c->err) != RD_OK)
		return cli_fail("fee record", &c->err);
	if (rd_fee_record(c->ctx, no, fen, cli_opt(argc, argv, "--method"), cli_opt(argc, argv, "--ref"), receipt,
			  &c->err) != RD_OK)
		return cli_fail("fee record", &c->err);
	rd_money_format(fen, text);
	if (c->json)
		printf("{\"application\":\"%s\",\"receipt\":\"%s\",\"amount\":\"%s\"}\n", no, receipt, text);
	else
		printf(_("%s: %s received, receipt %s\n"), no, text, receipt);
	return 0;
}

static int fee_refund(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--reason", NULL};
	const char *receipt = cli_arg(argc, argv, 1, vopts);
	char refund[48];
	int status = cli_check_opts("fee", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!receipt)
		return cli_usage("fee", _("fee refund RECEIPT --reason T"));
	if (rd_fee_refund(c->ctx, receipt, cli_opt(argc, argv, "--reason"), refund, &c->err) != RD_OK)
		return cli_fail("fee refund", &c->err);
	printf(_("%s refunded, receipt %s\n"), receipt, refund);
	return 0;
}

static int fee_show(cli *c, int argc, char **argv)
{
	const char *no = cli_arg(argc, argv, 1, NULL);
	rd_fee_status fs;
	char fee[32], paid[32], due[32];
	if (!no)
		return cli_usage("fee", _("fee show NO"));
	if (rd_fee_status_get(c->ctx, no, &fs, &c->err) != RD_OK)
		return cli_fail("fee show", &c->err);
	rd_money_format(fs.fee, fee);
	rd_money_format(fs.paid, paid);
	rd_money_format(fs.due, due);
	if (c->json)
		printf("{\"application\":\"%s\",\"fee\":\"%s\",\"paid\":\"%s\",\"due\":\"%s\"}\n", no, fee, paid, due);
	else
		printf(_("%s: fee %s, paid %s, due %s\n"), no, fee, paid, due);
	return 0;
}

int cli_cmd_fee(cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "record"))
		return fee_record(c, argc, argv);
	if (!strcmp(sub, "refund"))
		return fee_refund(c, argc, argv);
	if (!strcmp(sub, "show"))
		return fee_show(c, argc, argv);
	return cli_usage("fee", _("say what to do: record, refund, show"));
}

/* ---- review ---- */

struct queue_print {
	cli *c;
	int n;
};

static int print_queue_item(void *ud, const rd_queue_item *it)
{
	struct queue_print *qp = ud;
	char queued[32], until[32] = "";
	rd_time_local(it->q.queued_at, queued);
	if (it->claimed)
		rd_time_local(it->q.expires_at, until);
	if (qp->c->json) {
		printf("%s{\"application\":", qp->n ? "," : "");
		cli_print_json_string(stdout, it->q.no);
		printf(",\"state\":\"%s\",\"queued\":\"%s\",\"age_minutes\":%lld,\"working_days\":%d,"
		       "\"over_sla\":%s,\"reviewer\":",
		       it->q.state, queued, (long long)it->age_minutes, it->working_days, it->over_sla ? "true" : "false");
		cli_print_json_string(stdout, it->claimed ? it->q.reviewer : "");
		printf("}");
	} else {
		printf("%-20s %-14s %-17s %3lldh %2d %-4s %s%s%s\n", it->q.no, it->q.state, queued,
		       (long long)(it->age_minutes / 60), it->working_days, it->over_sla ? _("SLA!") : "",
		       it->claimed ? it->q.reviewer : "", it->claimed ? _(" until ") : "", until);
	}
	qp->n++;
	return 0;
}

static int review_show(cli *c, const char *no)
{
	rd_app_state app;
	rd_doc_item items[RD_DOC_MAX];
	rd_fee_status fs;
	size_t n = 0;
	char paid[32];
	if (rd_doc_checklist(c->ctx, no, &app, items, &n, &c->err) != RD_OK ||
	    rd_fee_status_get(c->ctx, no, &fs, &c->err) != RD_OK)
		return cli_fail("review", &c->err);
	rd_money_format(fs.paid, paid);
	printf(_("%s: %s (version %lld)\n"), app.no, rd_app_state_label(app.state), (long long)app.version);
	printf(_("  %s, product %s, %d years, registered by %s, paid %s\n"), app.kind, app.product, app.years,
	       app.created_by, paid);
	for (size_t i = 0; i < n; i++)
		printf("  %-22s %-9s %s%s%s\n", items[i].type, items[i].row.status, items[i].row.scan[0] ? _("scan ") : "",
		       items[i].row.scan, items[i].row.note);
	return 0;
}

int cli_cmd_review(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--reason", "--version", NULL};
	const char *sub = argc > 1 ? argv[1] : "", *no = cli_arg(argc, argv, 1, vopts);
	int64_t ver;
	int status = cli_check_opts("review", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (cli_opt_version(c, argc, argv, &ver) != 0)
		return cli_fail("review", &c->err);
	if (!strcmp(sub, "next")) {
		char got[32];
		if (rd_review_next(c->ctx, got, &c->err) != RD_OK)
			return cli_fail("review next", &c->err);
		return review_show(c, got);
	}
	if (!strcmp(sub, "queue")) {
		struct queue_print qp = {c, 0};
		if (c->json)
			printf("[");
		if (rd_review_queue(c->ctx, print_queue_item, &qp, &c->err) != RD_OK)
			return cli_fail("review queue", &c->err);
		if (c->json)
			printf("]\n");
		return 0;
	}
	if (!strcmp(sub, "approve") || !strcmp(sub, "reject")) {
		bool approve = !strcmp(sub, "approve");
		if (!no)
			return cli_usage("review", approve ? _("review approve NO") : _("review reject NO --reason T"));
		if ((approve ? rd_review_approve(c->ctx, no, ver, &c->err)
			     : rd_review_reject(c->ctx, no, ver, cli_opt(argc, argv, "--reason"), &c->err)) != RD_OK)
			return cli_fail(approve ? "review approve" : "review reject", &c->err);
		print_state(c, no);
		return 0;
	}
	if (!strcmp(sub, "show")) {
		if (!no)
			return cli_usage("review", _("review show NO"));
		return review_show(c, no);
	}
	return cli_usage("review", _("say what to do: next, queue, show, approve, reject"));
}

/* ---- report ---- */

struct cashup_print {
	cli *c;
	int n;
};

static int print_cashup(void *ud, const rd_cashup_row *r)
{
	struct cashup_print *cp = ud;
	char total[32];
	rd_money_format(r->total, total);
	if (cp->c->json) {
		printf("%s{\"clerk\":", cp->n ? "," : "");
		cli_print_json_string(stdout, r->operator_name);
		printf(",\"method\":\"%s\",\"count\":%lld,\"total\":\"%s\"}", r->method, (long long)r->count, total);
	} else {
		printf("%-16s %-9s %6lld %14s\n", r->operator_name, r->method, (long long)r->count, total);
	}
	cp->n++;
	return 0;
}

struct daily_print {
	cli *c;
	int n, phase;
};

static int print_state_count(void *ud, const char *key, int64_t n)
{
	struct daily_print *dp = ud;
	if (dp->c->json)
		printf("%s\"%s\":%lld", dp->n ? "," : "", key, (long long)n);
	else
		printf("  %-24s %8lld\n", key, (long long)n);
	dp->n++;
	return 0;
}

static void daily_actions_start(struct daily_print *dp)
{
	printf(dp->c->json ? "},\"actions\":{" : _("actions of the day:\n"));
	dp->phase = 1;
	dp->n = 0;
}

static int print_action_count(void *ud, const char *key, int64_t n)
{
	struct daily_print *dp = ud;
	if (dp->phase == 0)
		daily_actions_start(dp);
	return print_state_count(ud, key, n);
}

/* The day's cash-up and daily report as one CSV file (the Reports screen's
 * export). */
static int report_export(cli *c, const char *date, const char *clerk, const char *out)
{
	rd_day_report r = {0};
	char sha[65], *def = NULL;
	rd_code rc;
	if (rd_report_day(c->ctx, date, clerk, &r, &c->err) != RD_OK)
		return cli_fail("report export", &c->err);
	if (!out && !(out = def = rd_report_default_path(c->ctx, r.day, r.clerk))) {
		rd_day_report_free(&r);
		rd_fail(&c->err, RD_E_NOMEM, _("out of memory"));
		return cli_fail("report export", &c->err);
	}
	rc = rd_report_export_csv(c->ctx, &r, out, sha, &c->err);
	if (rc == RD_OK) {
		if (c->json) {
			printf("{\"day\":\"%s\",\"file\":", r.day);
			cli_print_json_string(stdout, out);
			printf(",\"sha256\":\"%s\"}\n", sha);
		} else {
			printf(_("report of %s written to %s (SHA-256 %s)\n"), r.day, out, sha);
		}
	}
	rd_day_report_free(&r);
	free(def);
	return rc == RD_OK ? 0 : cli_fail("report export", &c->err);
}

int cli_cmd_report(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--date", "--clerk", "--out", NULL};
	const char *sub = argc > 1 ? argv[1] : "", *date = cli_opt(argc, argv, "--date");
	struct cashup_print cp = {c, 0};
	int status = cli_check_opts("report", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (strcmp(sub, "export") && cli_opt(argc, argv, "--out"))
		return cli_usage("report", _("only report export takes --out"));
	if (!strcmp(sub, "cashup")) {
		int64_t total = 0;
		char t[32];
		if (c->json)
			printf("{\"rows\":[");
		else
			printf("%-16s %-9s %6s %14s\n", _("clerk"), _("method"), _("count"), _("total"));
		if (rd_report_cashup(c->ctx, date, cli_opt(argc, argv, "--clerk"), print_cashup, &cp, &total, &c->err) !=
		    RD_OK) {
			if (c->json)
				printf("]}\n");
			return cli_fail("report cashup", &c->err);
		}
		rd_money_format(total, t);
		if (c->json)
			printf("],\"total\":\"%s\"}\n", t);
		else
			printf("%-16s %-9s %6s %14s\n", _("total"), "", "", t);
		return 0;
	}
	if (!strcmp(sub, "daily")) {
		struct daily_print dp = {c, 0, 0};
		rd_code rc;
		if (cli_opt(argc, argv, "--clerk"))
			return cli_usage("report", _("report daily takes no --clerk"));
		printf(c->json ? "{\"states\":{" : _("applications by state:\n"));
		rc = rd_report_daily(c->ctx, date, print_state_count, print_action_count, &dp, &c->err);
		if (dp.phase == 0)
			daily_actions_start(&dp);
		if (c->json)
			printf("}}\n");
		if (rc != RD_OK)
			return cli_fail("report daily", &c->err);
		return 0;
	}
	if (!strcmp(sub, "export"))
		return report_export(c, date, cli_opt(argc, argv, "--clerk"), cli_opt(argc, argv, "--out"));
	return cli_usage("report", _("say which report: cashup, daily, export"));
}

/* ---- notify ---- */

struct outbox_print {
	cli *c;
	int n;
};

static int print_outbox(void *ud, const rd_outbox_row *r)
{
	struct outbox_print *op = ud;
	char when[32] = "-";
	if (r->status[0] == 'p')
		rd_time_local(r->next_at, when);
	if (op->c->json) {
		printf("%s{\"id\":%lld,\"application\":", op->n ? "," : "", (long long)r->id);
		cli_print_json_string(stdout, r->app_no);
		printf(",\"channel\":\"%s\",\"event\":\"%s\",\"status\":\"%s\",\"attempts\":%d,\"next\":\"%s\","
		       "\"error\":",
		       r->channel, r->event, r->status, r->attempts, when);
		cli_print_json_string(stdout, r->last_error);
		printf("}");
	} else {
		printf("%6lld %-20s %-5s %-14s %-7s %2d %-17s %s\n", (long long)r->id, r->app_no, r->channel, r->event,
		       r->status, r->attempts, when, r->last_error);
	}
	op->n++;
	return 0;
}

int cli_cmd_notify(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--max", NULL};
	static const char *const flags[] = {"--failed", NULL};
	const char *sub = argc > 1 ? argv[1] : "";
	int status = cli_check_opts("notify", argc, argv, vopts, flags);
	if (status)
		return status;
	if (!strcmp(sub, "send")) {
		rd_notify_result res;
		const char *m = cli_opt(argc, argv, "--max");
		long long max = 0;
		if (m && !cli_number(m, 1, INT_MAX, &max))
			return cli_usage("notify", _("--max needs a positive number"));
		if (rd_notify_send(c->ctx, (int)max, &res, &c->err) != RD_OK)
			return cli_fail("notify send", &c->err);
		printf(_("sent %d, to retry %d, failed %d\n"), res.sent, res.retry, res.failed);
		return 0;
	}
	if (!strcmp(sub, "list")) {
		struct outbox_print op = {c, 0};
		if (c->json)
			printf("[");
		if (rd_notify_list(c->ctx, cli_flag(argc, argv, "--failed"), print_outbox, &op, &c->err) != RD_OK) {
			if (c->json)
				printf("]\n");
			return cli_fail("notify list", &c->err);
		}
		if (c->json)
			printf("]\n");
		return 0;
	}
	return cli_usage("notify", _("say what to do: send, list"));
}

/* ---- desk: the clerk's lists and batches ---- */

struct today_print {
	cli *c;
	int n;
};

static int print_app(void *ud, const rd_app_state *a)
{
	struct today_print *tp = ud;
	char when[32];
	rd_time_local(a->updated_at, when);
	if (tp->c->json) {
		printf("%s{\"application\":", tp->n ? "," : "");
		cli_print_json_string(stdout, a->no);
		printf(",\"state\":\"%s\",\"version\":%lld}", a->state, (long long)a->version);
	} else {
		printf("  %-20s %-14s %-14s %s\n", a->no, a->kind, a->product, when);
	}
	tp->n++;
	return 0;
}

static int desk_today(cli *c)
{
	static const struct {
		rd_desk_list which;
		const char *key, *title;
	} lists[] = {
		{RD_LIST_MY_DRAFTS, "drafts", N_("my drafts")},
		{RD_LIST_WAIT_DOCUMENTS, "waiting_for_documents", N_("waiting for documents")},
		{RD_LIST_WAIT_PAYMENT, "waiting_for_payment", N_("waiting for payment")},
		{RD_LIST_REJECTED, "rejected", N_("rejected back to me")},
	};
	if (c->json)
		printf("{");
	for (size_t i = 0; i < RD_ARRAY_LEN(lists); i++) {
		struct today_print tp = {c, 0};
		if (c->json)
			printf("%s\"%s\":[", i ? "," : "", lists[i].key);
		else
			printf("%s:\n", _(lists[i].title));
		if (rd_desk_today(c->ctx, lists[i].which, 100, print_app, &tp, &c->err) != RD_OK) {
			if (c->json)
				printf("]}\n");
			return cli_fail("desk today", &c->err);
		}
		if (c->json)
			printf("]");
	}
	if (c->json)
		printf("}\n");
	return 0;
}

/* Splits a line into words; "double quotes" keep spaces.  Returns the count. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		if (*p == '"') {
			words[n++] = ++p;
			while (*p && *p != '"')
				p++;
		} else {
			words[n++] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* desk batch --file FILE|-: one desk command a line (app submit, doc set,
 * doc check, fee record, review approve/reject), each its own transaction,
 * after one login. */
static int desk_batch(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--file", NULL};
	const char *file = cli_opt(argc, argv, "--file");
	FILE *f;
	char line[2048];
	int lineno = 0, failed = 0, worst = 0, done = 0;
	int status = cli_check_opts("desk", argc, argv, vopts, NULL);
	if (status)
		return status;
	if (!file)
		return cli_usage("desk", _("desk batch --file FILE|-"));
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		rd_fail_at(&c->err, RD_E_IO, file, _("cannot open: %s"), strerror(errno));
		return cli_fail("desk batch", &c->err);
	}
	while (fgets(line, sizeof line, f)) {
		char *words[32];
		int n, rc;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		n = split_words(line, words, 31);
		if (n == 0)
			continue;
		words[n] = NULL;
		rd_err_clear(&c->err);
		if (!strcmp(words[0], "app"))
			rc = cli_app_desk_subcommand(c, n, words);
		else if (!strcmp(words[0], "doc") && n > 1 && strcmp(words[1], "scan"))
			rc = cli_cmd_doc(c, n, words);
		else if (!strcmp(words[0], "fee"))
			rc = cli_cmd_fee(c, n, words);
		else if (!strcmp(words[0], "review") && n > 1 && (!strcmp(words[1], "approve") || !strcmp(words[1], "reject")))
			rc = cli_cmd_review(c, n, words);
		else
			rc = -1;
		if (rc == -1) {
			fprintf(stderr, _("radesk: desk batch: %s:%d: not a batch command: %s\n"), file, lineno, words[0]);
			rc = 2;
		}
		if (rc != 0) {
			fprintf(stderr, _("radesk: desk batch: %s:%d failed\n"), file, lineno);
			failed++;
			if (rc > worst)
				worst = rc;
		} else {
			done++;
		}
		fflush(stdout);
	}
	if (f != stdin)
		fclose(f);
	fprintf(stderr, _("radesk: desk batch: %d done, %d failed\n"), done, failed);
	return failed ? (worst ? worst : 1) : 0;
}

int cli_cmd_desk(cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "today"))
		return desk_today(c);
	if (!strcmp(sub, "batch"))
		return desk_batch(c, argc, argv);
	return cli_usage("desk", _("say what to do: today, batch"));
}
