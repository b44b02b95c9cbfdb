/* The day's report on one page (the Reports screen, `radesk report export`)
 * and its CSV export; the audit trail a page at a time.  The figures come
 * from rd_report_cashup and rd_report_daily, the same functions the CLI's
 * `report cashup` and `report daily` print, so the screen and the CLI can
 * never disagree. */
#include "workflows/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct day_build {
	rd_day_report *r;
	size_t cap_cashup, cap_refunds, cap_states, cap_actions;
	bool nomem;
};

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *np = rd_grow(*p, cap, n + 1, size, 16);
	if (np)
		*p = np;
	return np != NULL;
}

static int add_cashup(void *ud, const rd_cashup_row *row)
{
	struct day_build *b = ud;
	rd_day_report *r = b->r;
	size_t m;
	if (!grow((void **)&r->cashup, &b->cap_cashup, r->ncashup, sizeof *r->cashup))
		return b->nomem = true, 1;
	r->cashup[r->ncashup++] = *row;
	for (m = 0; m < r->nmethods; m++)
		if (!strcmp(r->methods[m].method, row->method))
			break;
	if (m == r->nmethods) {
		if (m == RD_ARRAY_LEN(r->methods))
			return 0; /* the schema allows four methods */
		memset(&r->methods[m], 0, sizeof r->methods[m]);
		rd_strlcpy(r->methods[m].method, row->method, sizeof r->methods[m].method);
		r->nmethods++;
	}
	r->methods[m].count += row->count;
	r->methods[m].total += row->total;
	return 0;
}

static int add_payment(void *ud, const rd_payment_row *p)
{
	struct day_build *b = ud;
	rd_day_report *r = b->r;
	if (p->amount > 0) {
		r->payments++;
		r->paid += p->amount;
		return 0;
	}
	r->refunded += p->amount;
	if (!grow((void **)&r->refunds, &b->cap_refunds, r->nrefunds, sizeof *r->refunds))
		return b->nomem = true, 1;
	r->refunds[r->nrefunds++] = *p;
	return 0;
}

static int add_count(rd_report_count **arr, size_t *n, size_t *cap, const char *key, int64_t count)
{
	if (!grow((void **)arr, cap, *n, sizeof **arr))
		return 1;
	rd_strlcpy((*arr)[*n].key, key, sizeof (*arr)[*n].key);
	(*arr)[(*n)++].n = count;
	return 0;
}

static int add_state(void *ud, const char *key, int64_t n)
{
	struct day_build *b = ud;
	if (add_count(&b->r->states, &b->r->nstates, &b->cap_states, key, n))
		return b->nomem = true, 1;
	return 0;
}

static int add_action(void *ud, const char *key, int64_t n)
{
	struct day_build *b = ud;
	if (add_count(&b->r->actions, &b->r->nactions, &b->cap_actions, key, n))
		return b->nomem = true, 1;
	return 0;
}

void rd_day_report_free(rd_day_report *r)
{
	if (!r)
		return;
	free(r->cashup);
	free(r->refunds);
	free(r->states);
	free(r->actions);
	memset(r, 0, sizeof *r);
}

static rd_code report_once(rd_ctx *ctx, const char *day, const char *clerk, rd_day_report *out, rd_err *e)
{
	struct day_build b = {out, 0, 0, 0, 0, false};
	rd_code rc;
	memset(out, 0, sizeof *out);
	if (clerk && !*clerk)
		clerk = NULL;
	/* The cash-up first: it checks the role, the date and a clerk's
	 * selection (a clerk is held to their own). */
	if ((rc = rd_report_cashup(ctx, day, clerk, add_cashup, &b, &out->total, e)) != RD_OK)
		goto fail;
	if (ctx->who.role == RD_ROLE_CLERK)
		clerk = ctx->who.name;
	if (day)
		rd_strlcpy(out->day, day, sizeof out->day);
	else
		rd_local_day(rd_ctx_now(ctx), out->day);
	rd_strlcpy(out->clerk, clerk ? clerk : "", sizeof out->clerk);
	if (!b.nomem && (rc = rd_desk_payment_each(ctx->db, out->day, clerk, add_payment, &b, e)) != RD_OK)
		goto fail;
	if (!b.nomem && (rc = rd_report_daily(ctx, out->day, add_state, add_action, &b, e)) != RD_OK)
		goto fail;
	if (b.nomem) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto fail;
	}
	if (out->paid + out->refunded != out->total) { /* the two reads disagree: a payment came between */
		rc = rd_fail(e, RD_E_BUSY, _("payments were recorded while the report was read; make it again"));
		goto fail;
	}
	return RD_OK;
fail:
	rd_day_report_free(out);
	return rc;
}

rd_code rd_report_day(rd_ctx *ctx, const char *day, const char *clerk, rd_day_report *out, rd_err *e)
{
	rd_code rc;
	for (int attempt = 0; attempt < 3; attempt++)
		if ((rc = report_once(ctx, day, clerk, out, e)) != RD_E_BUSY)
			break;
	return rc;
}

/* ---- CSV ---- */

struct csv {
	char *buf;
	size_t len, cap;
	bool nomem;
	int lines;
};

static void csv_put(struct csv *c, const char *s, size_t n)
{
	if (c->nomem)
		return;
	char *nb = rd_grow(c->buf, &c->cap, c->len + n + 1, 1, 4096);
	if (!nb) {
		c->nomem = true;
		return;
	}
	c->buf = nb;
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

/* A text cell: quoted when it holds a separator, quote or line break; a
 * leading = + - @ is escaped with ' so that a spreadsheet never runs a
 * reason or a name as a formula. */
static void csv_text(struct csv *c, const char *s, bool last)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL, formula = s[0] && strchr("=+-@\t", s[0]);
	if (quote)
		csv_put(c, "\"", 1);
	if (formula)
		csv_put(c, "'", 1);
	for (const char *p = s; *p; p++) {
		csv_put(c, p, 1);
		if (*p == '"')
			csv_put(c, "\"", 1); /* a quote inside is doubled */
	}
	if (quote)
		csv_put(c, "\"", 1);
	csv_put(c, last ? "\r\n" : ",", last ? 2 : 1);
}

/* section,day,operator,key,count,amount,application,note */
static void csv_line(struct csv *c, const char *section, const char *day, const char *op, const char *key,
		     int64_t count, bool money, int64_t amount, const char *app, const char *note)
{
	char n[32], a[32] = "";
	snprintf(n, sizeof n, "%lld", (long long)count);
	if (money)
		rd_money_format(amount, a);
	csv_text(c, section, false);
	csv_text(c, day, false);
	csv_text(c, op, false);
	csv_text(c, key, false);
	csv_put(c, n, strlen(n));
	csv_put(c, ",", 1);
	csv_put(c, a, strlen(a)); /* a number: never escaped */
	csv_put(c, ",", 1);
	csv_text(c, app, false);
	csv_text(c, note, true);
	c->lines++;
}

static void csv_report(struct csv *c, const rd_day_report *r)
{
	const char *d = r->day, *sel = r->clerk;
	csv_put(c, "section,day,operator,key,count,amount,application,note\r\n", 56);
	for (size_t i = 0; i < r->ncashup; i++)
		csv_line(c, "cashup", d, r->cashup[i].operator_name, r->cashup[i].method, r->cashup[i].count, true,
			 r->cashup[i].total, "", "");
	for (size_t i = 0; i < r->nmethods; i++)
		csv_line(c, "method", d, sel, r->methods[i].method, r->methods[i].count, true, r->methods[i].total, "",
			 "");
	for (size_t i = 0; i < r->nrefunds; i++)
		csv_line(c, "refund", d, r->refunds[i].operator_name, r->refunds[i].receipt, 1, true,
			 r->refunds[i].amount, r->refunds[i].app_no, r->refunds[i].reason);
	csv_line(c, "total", d, sel, "payments", r->payments, true, r->paid, "", "");
	csv_line(c, "total", d, sel, "refunds", (int64_t)r->nrefunds, true, r->refunded, "", "");
	csv_line(c, "total", d, sel, "net", r->payments + (int64_t)r->nrefunds, true, r->total, "", "");
	for (size_t i = 0; i < r->nstates; i++)
		csv_line(c, "state", d, "", r->states[i].key, r->states[i].n, false, 0, "", "");
	for (size_t i = 0; i < r->nactions; i++)
		csv_line(c, "action", d, "", r->actions[i].key, r->actions[i].n, false, 0, "", "");
}

struct export_audit {
	const rd_day_report *r;
	const char *path, *sha;
	int lines;
};

static rd_code export_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct export_audit *x = ud;
	char lines[16];
	char *det;
	rd_code rc;
	snprintf(lines, sizeof lines, "%d", x->lines);
	det = rd_details("clerk", x->r->clerk[0] ? x->r->clerk : NULL, "file", x->path, "sha256", x->sha, "lines",
			 lines, (const char *)NULL);
	if (!det)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "report.export", x->r->day, det, e);
	free(det);
	return rc;
}

char *rd_report_default_path(rd_ctx *ctx, const char *day, const char *clerk)
{
	char *dir = rd_config_path(ctx->cfg, "radesk", "data_dir"), *p;
	if (!dir)
		return NULL;
	if (clerk && *clerk)
		p = rd_asprintf("%s/reports/report-%s-%s.csv", dir, day, clerk);
	else
		p = rd_asprintf("%s/reports/report-%s.csv", dir, day);
	free(dir);
	return p;
}

/* The reports folder of the data directory is made on the first export
 * into it; any other folder must exist. */
static rd_code reports_dir(rd_ctx *ctx, const char *path, rd_err *e)
{
	char *dir = rd_config_path(ctx->cfg, "radesk", "data_dir"), *reports;
	const char *slash = strrchr(path, '/');
	rd_code rc = RD_OK;
	if (!dir)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	reports = rd_asprintf("%s/reports", dir);
	free(dir);
	if (!reports)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (slash && (size_t)(slash - path) == strlen(reports) && !strncmp(path, reports, strlen(reports)))
		rc = rd_mkdir_p(reports, 0750, e);
	free(reports);
	return rc;
}

rd_code rd_report_export_csv(rd_ctx *ctx, const rd_day_report *r, const char *path, char sha256[65], rd_err *e)
{
	struct csv c = {0};
	struct export_audit x = {r, path, NULL, 0};
	char sha[65];
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK)
		return rc;
	if (!path || !*path)
		return rd_fail_at(e, RD_E_INVALID, "file", _("say where the CSV file goes"));
	if (!r->day[0])
		return rd_fail_at(e, RD_E_INVALID, "day", _("the report has no day; make it first"));
	csv_report(&c, r);
	if (c.nomem) {
		free(c.buf);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	rd_sha256_hex(c.buf, c.len, sha);
	x.sha = sha;
	x.lines = c.lines;
	rc = reports_dir(ctx, path, e);
	if (rc == RD_OK)
		rc = rd_file_write_atomic(path, c.buf, c.len, 0640, e);
	free(c.buf);
	if (rc != RD_OK)
		return rc;
	if ((rc = rd_in_transaction(ctx, export_step, &x, e)) != RD_OK) {
		unlink(path); /* an export the trail does not know of must not stay */
		return rc;
	}
	if (sha256)
		rd_strlcpy(sha256, sha, 65);
	return RD_OK;
}

/* ---- the audit trail a page at a time ---- */

rd_code rd_audit_read_page(rd_ctx *ctx, const rd_audit_filter *f, bool backward, int64_t cursor, int limit,
			   rd_audit_fn fn, void *ud, size_t *n, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_AUDITOR, RD_ROLE_ADMIN);
	if (n)
		*n = 0;
	if (rc != RD_OK)
		return rc;
	return rd_audit_page(ctx->db, f, backward, cursor, limit, fn, ud, n, e);
}

rd_code rd_audit_entries(rd_ctx *ctx, int64_t *entries, rd_err *e)
{
	char hash[65];
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_AUDITOR, RD_ROLE_ADMIN);
	*entries = 0;
	if (rc != RD_OK)
		return rc;
	rc = rd_audit_head(ctx->db, entries, hash, e);
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}
