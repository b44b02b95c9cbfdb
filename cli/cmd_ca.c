/* radesk ca: requests to the upstream CA through the outbox; radesk cert:
 * the certificates it issued. */
#include "cli/internal.h"

#include "ca/ca.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *kind_text(rd_careq_kind k)
{
	return k == RD_CAREQ_RENEW ? "renew" : k == RD_CAREQ_REVOKE ? "revoke" : "enroll";
}

static void json_kv(const char *k, const char *v, bool comma)
{
	printf("%s\"%s\":", comma ? "," : "", k);
	cli_print_json_string(stdout, v);
}

static void print_request_json(const rd_careq_info *r)
{
	char t[32];
	printf("{");
	json_kv("id", r->id, false);
	json_kv("application", r->no, true);
	json_kv("kind", kind_text(r->kind), true);
	json_kv("state", r->state, true);
	printf(",\"attempts\":%d", r->attempts);
	rd_time_iso(r->created_at, t);
	json_kv("created_at", t, true);
	if (!strcmp(r->state, "retry")) {
		rd_time_iso(r->next_try_at, t);
		json_kv("next_try_at", t, true);
	}
	json_kv("reason", r->reason, true);
	json_kv("serial", r->serial_hex, true);
	printf("}");
}

/* ---- ca request ---- */

static int ca_request(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--csr", NULL};
	const char *no = cli_arg(argc, argv, 1, vopts), *file = cli_opt(argc, argv, "--csr");
	char *pem = NULL, id[40];
	size_t len;
	rd_code rc;
	if (!no || !file)
		return cli_usage("ca", _("ca request needs an application number and --csr FILE"));
	if (rd_file_read(!strcmp(file, "-") ? "/dev/stdin" : file, RD_CSR_MAX, &pem, &len, &c->err) != RD_OK) {
		rd_err e2;
		rd_fail_at(&e2, RD_E_INVALID, "--csr", "%s: %s", file, c->err.msg);
		return cli_fail("ca request", &e2);
	}
	rc = rd_ca_request_enroll(c->ctx, no, pem, id, &c->err);
	free(pem);
	if (rc != RD_OK)
		return cli_fail("ca request", &c->err);
	printf(_("%s: queued for the CA (request %s)\n"), no, id);
	return 0;
}

/* ---- ca submit ---- */

struct progress {
	bool tty;
	double t0;
	size_t errors;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(void *ud, const rd_careq_info *r, size_t done, size_t total)
{
	struct progress *p = ud;
	double el = mono() - p->t0;
	if (strcmp(r->state, "done") != 0)
		p->errors++;
	if (p->tty) {
		int width = 30, fill = total ? (int)((double)done * width / (double)total) : width;
		fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.1f/s  %s %zu ", fill, "##############################",
			width - fill, "", done, total, el > 0 ? (double)done / el : 0.0, _("errors"), p->errors);
		fflush(stderr);
	} else if (strcmp(r->state, "done") != 0) {
		/* plain lines for logs: only what needs a look */
		printf("%s %s %s: %s\n", r->no, kind_text(r->kind), r->state, r->reason);
	}
}

static int ca_submit(cli *c, int argc, char **argv)
{
	const char *no = cli_arg(argc, argv, 1, NULL);
	bool all = cli_flag(argc, argv, "--all");
	struct progress p = {isatty(STDERR_FILENO) != 0, mono(), 0};
	rd_ca_batch b;
	rd_code rc;
	double el;
	if ((no && all) || (!no && !all))
		return cli_usage("ca", _("ca submit needs an application number or --all"));
	rc = rd_ca_submit(c->ctx, no, on_progress, &p, &b, &c->err);
	el = mono() - p.t0;
	if (p.tty && b.total)
		fputc('\n', stderr);
	if (c->json)
		printf("{\"total\":%zu,\"issued\":%zu,\"failed\":%zu,\"retry\":%zu,\"not_tried\":%zu,\"seconds\":%.3f}\n",
		       b.total, b.done, b.failed, b.retry, b.total - b.done - b.failed - b.retry, el);
	else
		printf(_("%zu due: %zu done, %zu failed, %zu to retry, %zu not tried (%.1f s)\n"), b.total, b.done,
		       b.failed, b.retry, b.total - b.done - b.failed - b.retry, el);
	if (rc != RD_OK)
		return cli_fail("ca submit", &c->err);
	/* upstream trouble: the work stays queued */
	if (b.retry || b.total > b.done + b.failed)
		return 4;
	if (b.failed)
		return 1;
	return 0;
}

/* ---- ca status ---- */

static int ca_status(cli *c)
{
	rd_careq_stats st;
	char t[32];
	long age;
	if (rd_ca_queue_status(c->ctx, &st, &c->err) != RD_OK)
		return cli_fail("ca status", &c->err);
	age = st.oldest_open ? (long)(rd_ctx_now(c->ctx) - st.oldest_open) : 0;
	if (age < 0)
		age = 0;
	if (c->json) {
		printf("{\"queued\":%d,\"sending\":%d,\"retry\":%d,\"done\":%d,\"failed\":%d,"
		       "\"failed_waiting\":%d,\"oldest_age_seconds\":%ld",
		       st.queued, st.sending, st.retry, st.done, st.failed, st.failed_waiting, age);
		if (st.oldest_open) {
			rd_time_iso(st.oldest_open, t);
			json_kv("oldest", t, true);
		}
		json_kv("last_error", st.last_error, true);
		json_kv("last_error_request", st.last_error_id, true);
		printf("}\n");
		return 0;
	}
	printf(_("queued %d, sending %d, to retry %d, done %d, failed %d (%d waiting for an admin)\n"), st.queued,
	       st.sending, st.retry, st.done, st.failed, st.failed_waiting);
	if (st.oldest_open)
		printf(_("oldest open request: %ld min old\n"), age / 60);
	if (st.last_error[0])
		printf(_("last error (%s): %s\n"), st.last_error_id, st.last_error);
	return 0;
}

/* ---- ca list ---- */

struct list_print {
	cli *c;
	int n;
};

static int print_request(void *ud, const rd_careq_info *r)
{
	struct list_print *lp = ud;
	char when[32];
	if (lp->c->json) {
		if (lp->n)
			printf(",");
		print_request_json(r);
	} else {
		rd_time_local(r->created_at, when);
		printf("%-20s %-7s %-8s %2d  %s  %s  %s\n", r->no, kind_text(r->kind), r->state, r->attempts, when,
		       r->id, r->reason);
	}
	lp->n++;
	return 0;
}

static int ca_list(cli *c, int argc, char **argv)
{
	const char *state = cli_opt(argc, argv, "--state");
	struct list_print lp = {c, 0};
	if (c->json)
		printf("[");
	if (rd_ca_request_each(c->ctx, state, 200, print_request, &lp, &c->err) != RD_OK) {
		if (c->json)
			printf("]\n");
		return cli_fail("ca list", &c->err);
	}
	if (c->json)
		printf("]\n");
	return 0;
}

/* ---- ca ping ---- */

static int ca_ping(cli *c)
{
	rd_ca_settings s;
	void *owned = NULL;
	rd_ca *ca = NULL;
	rd_ca_ping p;
	char until[32];
	rd_code rc;
	if (rd_require_role(c->ctx, &c->err, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN) != RD_OK)
		return cli_fail("ca ping", &c->err);
	if (rd_ca_settings_from_config(c->ctx->cfg, &s, &owned, &c->err) != RD_OK)
		return cli_fail("ca ping", &c->err);
	rc = rd_ca_open(&ca, &s, &c->err);
	rd_ca_settings_release(owned);
	if (rc != RD_OK)
		return cli_fail("ca ping", &c->err);
	rc = rd_ca_ping_run(ca, &p, &c->err);
	rd_ca_close(ca);
	if (rc != RD_OK)
		return cli_fail("ca ping", &c->err);
	rd_time_iso(p.info.not_after, until);
	if (c->json) {
		printf("{\"tls_ms\":%.1f,\"total_ms\":%.1f", p.tls_ms, p.total_ms);
		json_kv("tls_version", p.tls_version, true);
		printf(",\"http_version\":%d,\"skew_seconds\":%ld,\"have_date\":%s", p.http_version, p.skew_s,
		       p.have_date ? "true" : "false");
		json_kv("ca_subject", p.info.subject, true);
		json_kv("ca_not_after", until, true);
		printf(",\"chain_trusted\":%s}\n", p.info.trusted ? "true" : "false");
	} else {
		printf(_("TLS handshake %.1f ms (%s, HTTP/%s), round trip %.1f ms\n"), p.tls_ms, p.tls_version,
		       p.http_version == 2 ? "2" : "1.1", p.total_ms);
		printf(_("CA: %s, valid until %s, chain %s\n"), p.info.subject, until,
		       p.info.trusted ? _("trusted") : _("NOT trusted"));
		if (p.have_date)
			printf(_("clock skew: %+ld s\n"), p.skew_s);
		else
			printf(_("clock skew: unknown (no Date header)\n"));
	}
	rd_ca_ping_free(&p);
	if (!p.info.trusted)
		return 4;
	return 0;
}

/* ---- ca retry ---- */

static int ca_retry(cli *c, int argc, char **argv)
{
	const char *what = cli_arg(argc, argv, 1, NULL);
	char id[40];
	if (!what)
		return cli_usage("ca", _("ca retry needs an application number or request id"));
	if (rd_ca_retry(c->ctx, what, id, &c->err) != RD_OK)
		return cli_fail("ca retry", &c->err);
	printf(_("request %s is queued again\n"), id);
	return 0;
}

/* ---- ca show ---- */

static int ca_show(cli *c, int argc, char **argv)
{
	const char *what = cli_arg(argc, argv, 1, NULL);
	rd_careq_info r;
	char when[32];
	if (!what)
		return cli_usage("ca", _("ca show needs an application number or request id"));
	if (rd_ca_request_get(c->ctx, what, &r, &c->err) != RD_OK)
		return cli_fail("ca show", &c->err);
	if (c->json) {
		print_request_json(&r);
		printf("\n");
		return 0;
	}
	rd_time_local(r.created_at, when);
	printf("%s %s %s %s, %s %d, %s\n", r.no, r.id, kind_text(r.kind), r.state, _("attempts"), r.attempts, when);
	if (r.reason[0])
		printf("%s\n", r.reason);
	if (r.serial_hex[0])
		printf("%s %s\n", _("serial"), r.serial_hex);
	return 0;
}

int cli_cmd_ca(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--csr", "--state", NULL};
	static const char *const flags[] = {"--all", NULL};
	const char *sub = argc > 1 ? argv[1] : "";
	int status = cli_check_opts("ca", argc, argv, vopts, flags);
	if (status)
		return status;
	if (!strcmp(sub, "request"))
		return ca_request(c, argc, argv);
	if (!strcmp(sub, "submit"))
		return ca_submit(c, argc, argv);
	if (!strcmp(sub, "status"))
		return ca_status(c);
	if (!strcmp(sub, "list"))
		return ca_list(c, argc, argv);
	if (!strcmp(sub, "show"))
		return ca_show(c, argc, argv);
	if (!strcmp(sub, "ping"))
		return ca_ping(c);
	if (!strcmp(sub, "retry"))
		return ca_retry(c, argc, argv);
	return cli_usage("ca", _("say what to do: request, submit, status, list, show, ping, retry"));
}

/* ---- cert show (radesk cert, cli/cmd_cert.c, hands "show" over) ---- */

int cli_cert_show(cli *c, int argc, char **argv)
{
	static const char *const flags[] = {"--pem", NULL};
	const char *sub = argc > 1 ? argv[1] : "";
	const char *no = cli_arg(argc, argv, 1, NULL);
	rd_cert_info ci;
	char nb[32], na[32], ra[32];
	int status = cli_check_opts("cert", argc, argv, NULL, flags);
	if (status)
		return status;
	if (strcmp(sub, "show") != 0 || !no)
		return cli_usage("cert", _("say which certificate: cert show NO"));
	if (rd_cert_current(c->ctx, no, &ci, &c->err) != RD_OK)
		return cli_fail("cert show", &c->err);
	if (cli_flag(argc, argv, "--pem")) {
		fputs(ci.pem, stdout);
		rd_cert_info_free(&ci);
		return 0;
	}
	rd_time_iso(ci.not_before, nb);
	rd_time_iso(ci.not_after, na);
	rd_time_iso(ci.revoked_at, ra);
	if (c->json) {
		printf("{");
		json_kv("application", ci.no, false);
		json_kv("serial", ci.serial_hex, true);
		json_kv("serial_dec", ci.serial_dec, true);
		json_kv("issuer", ci.issuer, true);
		json_kv("subject", ci.subject, true);
		json_kv("not_before", nb, true);
		json_kv("not_after", na, true);
		json_kv("status", ci.status, true);
		if (!strcmp(ci.status, "revoked")) {
			json_kv("revoke_reason", rd_ca_reason_name(ci.revoke_reason) ? rd_ca_reason_name(ci.revoke_reason) : "",
				true);
			json_kv("revoked_at", ra, true);
		}
		json_kv("pem", ci.pem, true);
		printf("}\n");
	} else {
		printf("%-12s %s\n", _("application"), ci.no);
		printf("%-12s %s (%s)\n", _("serial"), ci.serial_hex, ci.serial_dec);
		printf("%-12s %s\n", _("subject"), ci.subject);
		printf("%-12s %s\n", _("issuer"), ci.issuer);
		printf("%-12s %s .. %s\n", _("valid"), nb, na);
		printf("%-12s %s\n", _("status"), ci.status);
		if (!strcmp(ci.status, "revoked"))
			printf("%-12s %s %s\n", _("revoked"), rd_ca_reason_name(ci.revoke_reason) ? rd_ca_reason_name(ci.revoke_reason) : "", ra);
	}
	rd_cert_info_free(&ci);
	return 0;
}
