/* The desk's use cases: document checklist and scans, fees and receipts,
 * the review queue, reports and the clerk's lists. */
#include "workflows/desk_internal.h"
#include "forms/forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- documents ------------------------------------------------------------------ */

static const struct {
	const char *type, *label;
} doc_types[] = {
	{"licence_copy", N_("business licence copy, sealed")},
	{"id_copy", N_("ID copy, front and back")},
	{"agent_id_copy", N_("agent's ID copy, front and back")},
	{"authorization_letter", N_("authorization letter, sealed")},
	{"acceptance_form", N_("signed acceptance form")},
	{"seal_impression", N_("seal impression sheet")},
	{"signature_impression", N_("signature impression sheet")},
	{"original_id_sighted", N_("agent's original ID sighted")},
};

static const char *doc_label(const char *type)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(doc_types); i++)
		if (!strcmp(doc_types[i].type, type))
			return _(doc_types[i].label);
	return type;
}

/* Does the product need an impression sheet ([product.<id>] impression)? */
static bool needs_impression(const rd_ctx *ctx, const char *product)
{
	rd_products *ps = NULL;
	const rd_product *p;
	bool yes = false;
	if (rd_products_load(ctx->cfg, &ps, NULL) != RD_OK)
		return false; /* the application's own validation reports the configuration */
	p = rd_products_find(ps, product);
	yes = p && p->impression;
	rd_products_free(ps);
	return yes;
}

/* The required documents for an application, in the order of the counter. */
static size_t checklist_types(const rd_ctx *ctx, const rd_app_state *app, const char *out[RD_DOC_MAX])
{
	size_t n = 0;
	bool org = !strcmp(app->kind, "organization");
	if (org) {
		out[n++] = "licence_copy";
		out[n++] = "agent_id_copy";
		out[n++] = "authorization_letter";
	} else {
		out[n++] = "id_copy";
		if (app->has_agent)
			out[n++] = "agent_id_copy";
	}
	out[n++] = "acceptance_form";
	if (needs_impression(ctx, app->product))
		out[n++] = org ? "seal_impression" : "signature_impression";
	out[n++] = "original_id_sighted";
	return n;
}

static rd_code checklist_for(rd_ctx *ctx, const rd_app_state *app, rd_doc_item items[RD_DOC_MAX], size_t *n,
			     rd_err *e)
{
	const char *types[RD_DOC_MAX];
	rd_doc_row rows[16];
	size_t nrows = 0;
	rd_code rc = rd_desk_doc_list(ctx->db, app->id, rows, RD_ARRAY_LEN(rows), &nrows, e);
	if (rc != RD_OK)
		return rc;
	*n = checklist_types(ctx, app, types);
	for (size_t i = 0; i < *n; i++) {
		memset(&items[i], 0, sizeof items[i]);
		items[i].type = types[i];
		items[i].label = doc_label(types[i]);
		rd_strlcpy(items[i].row.type, types[i], sizeof items[i].row.type);
		rd_strlcpy(items[i].row.status, "missing", sizeof items[i].row.status);
		for (size_t j = 0; j < nrows; j++)
			if (!strcmp(rows[j].type, types[i]))
				items[i].row = rows[j];
	}
	return RD_OK;
}

rd_code rd_docs_verified(rd_ctx *ctx, const rd_app_state *app, rd_err *e)
{
	rd_doc_item items[RD_DOC_MAX];
	size_t n = 0;
	rd_code rc = checklist_for(ctx, app, items, &n, e);
	if (rc != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].row.status, "verified") != 0)
			return rd_fail_at(e, RD_E_REFUSED, "documents", _("application %s: %s (%s) is %s, not verified"),
					  app->no, items[i].label, items[i].type, items[i].row.status);
	return RD_OK;
}

rd_code rd_doc_checklist(rd_ctx *ctx, const char *app_no, rd_app_state *app, rd_doc_item items[RD_DOC_MAX],
			 size_t *n, rd_err *e)
{
	rd_code rc;
	*n = 0;
	if ((rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) !=
	    RD_OK)
		return rc;
	if ((rc = rd_desk_app_get(ctx->db, app_no, app, e)) != RD_OK)
		return rc;
	return checklist_for(ctx, app, items, n, e);
}

rd_code rd_jpeg_check(const unsigned char *d, size_t n, const char *name, int *width, int *height, rd_err *e)
{
	size_t p = 2;
	if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
		return rd_fail_at(e, RD_E_INVALID, name, _("not a JPEG image (no start-of-image marker)"));
	if (d[n - 2] != 0xFF || d[n - 1] != 0xD9)
		return rd_fail_at(e, RD_E_INVALID, name, _("not a complete JPEG image (no end-of-image marker)"));
	while (p + 4 <= n) {
		unsigned m, len;
		if (d[p] != 0xFF)
			return rd_fail_at(e, RD_E_INVALID, name, _("damaged JPEG header at byte %zu"), p);
		while (p < n && d[p] == 0xFF)
			p++;
		if (p >= n)
			break;
		m = d[p++];
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue;
		if (m == 0xD9 || m == 0xDA || m == 0xD8)
			return rd_fail_at(e, RD_E_INVALID, name, _("JPEG image without a frame header"));
		if (p + 2 > n)
			break;
		len = (unsigned)d[p] << 8 | d[p + 1];
		if (len < 2 || p + len > n)
			return rd_fail_at(e, RD_E_INVALID, name, _("JPEG segment runs past the end of the file"));
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			int h, w, comps;
			if (len < 8)
				return rd_fail_at(e, RD_E_INVALID, name, _("JPEG frame header is too short"));
			h = d[p + 3] << 8 | d[p + 4];
			w = d[p + 5] << 8 | d[p + 6];
			comps = d[p + 7];
			if (h == 0 || w == 0 || (comps != 1 && comps != 3 && comps != 4))
				return rd_fail_at(e, RD_E_INVALID, name, _("JPEG frame header has no usable size"));
			*width = w;
			*height = h;
			return RD_OK;
		}
		p += len;
	}
	return rd_fail_at(e, RD_E_INVALID, name, _("JPEG image without a frame header"));
}

static char *scan_path(const rd_ctx *ctx, const char *sha)
{
	char *dir = rd_config_path(ctx->cfg, "radesk", "data_dir");
	char *p = dir ? rd_asprintf("%s/scans/%.2s/%s", dir, sha, sha) : NULL;
	free(dir);
	return p;
}

/* Reads, checks and stores a scan; fills sha.  The file is named by its
 * content, so storing it before the transaction leaves nothing wrong. */
static rd_code import_scan(rd_ctx *ctx, const char *path, char sha[65], int *w, int *h, size_t *size, rd_err *e)
{
	char *data = NULL, *dest = NULL, *dir = NULL;
	size_t len = 0;
	rd_code rc = rd_file_read(path, RD_SCAN_MAX, &data, &len, e);
	if (rc != RD_OK) {
		char why[1024];
		if (e && rc == RD_E_INVALID) {
			rd_strlcpy(why, e->msg, sizeof why);
			rd_fail_at(e, RD_E_INVALID, path, _("the scan is larger than 2 MB (%s)"), why);
		}
		/* A file the operator named that cannot be read is bad input. */
		if (e && rc == RD_E_IO)
			e->code = RD_E_INVALID;
		return RD_E_INVALID;
	}
	if ((rc = rd_jpeg_check((unsigned char *)data, len, path, w, h, e)) != RD_OK)
		goto out;
	rd_sha256_hex(data, len, sha);
	*size = len;
	dest = scan_path(ctx, sha);
	dir = dest ? rd_strdup(dest) : NULL;
	if (!dir) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	*strrchr(dir, '/') = '\0';
	if (!rd_file_exists(dest) && ((rc = rd_mkdir_p(dir, 0700, e)) != RD_OK ||
				      (rc = rd_file_write_atomic(dest, data, len, 0600, e)) != RD_OK))
		goto out;
out:
	free(data);
	free(dest);
	free(dir);
	return rc;
}

struct doc_set_args {
	const char *no, *type, *status, *note, *sha;
	int w, h;
	size_t size;
};

static rd_code doc_set_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct doc_set_args *a = ud;
	rd_app_state app;
	rd_doc_item items[RD_DOC_MAX];
	rd_doc_row row;
	size_t n = 0;
	bool listed = false;
	char list[256] = "", *details;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, a->no, &app, e)) != RD_OK)
		return rc;
	if (strcmp(app.state, "draft") && strcmp(app.state, "submitted") && strcmp(app.state, "rejected"))
		return rd_fail_at(e, RD_E_REFUSED, "state",
				  _("application %s is %s; documents change only while draft, submitted or rejected"),
				  app.no, app.state);
	if ((rc = checklist_for(ctx, &app, items, &n, e)) != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", items[i].type);
		listed |= !strcmp(items[i].type, a->type);
	}
	if (!listed)
		return rd_fail_at(e, RD_E_INVALID, "TYPE", _("'%s' is not on the checklist of application %s (%s)"),
				  a->type, app.no, list);
	memset(&row, 0, sizeof row);
	rd_strlcpy(row.type, a->type, sizeof row.type);
	rd_strlcpy(row.status, a->status, sizeof row.status);
	rd_strlcpy(row.note, a->note ? a->note : "", sizeof row.note);
	rd_strlcpy(row.operator_name, ctx->who.name, sizeof row.operator_name);
	row.at = rd_ctx_now(ctx);
	rd_strlcpy(row.scan, a->sha ? a->sha : "", sizeof row.scan);
	if (a->sha && (rc = rd_desk_scan_put(ctx->db, a->sha, (int64_t)a->size, a->w, a->h, ctx->who.name, row.at,
					     e)) != RD_OK)
		return rc;
	if ((rc = rd_desk_doc_put(ctx->db, app.id, &row, e)) != RD_OK)
		return rc;
	details = rd_details("type", a->type, "status", a->status, "note", a->note, "scan", a->sha,
			     (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "doc.set", app.no, details, e);
	free(details);
	if (rc == RD_OK && !strcmp(a->status, "verified") && !strcmp(app.state, "submitted"))
		rc = rd_app_advance(ctx, &app, e);
	return rc;
}

rd_code rd_doc_set(rd_ctx *ctx, const char *app_no, const char *type, const char *status, const char *note,
		   const char *scan, rd_err *e)
{
	struct doc_set_args a = {app_no, type, status, note, NULL, 0, 0, 0};
	char sha[65];
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!status || (strcmp(status, "missing") && strcmp(status, "received") && strcmp(status, "verified") &&
			strcmp(status, "rejected")))
		return rd_fail_at(e, RD_E_INVALID, "STATUS",
				  _("'%s' is not a document status (missing, received, verified, rejected)"),
				  status ? status : "");
	if (!strcmp(status, "rejected") && (!note || !*note))
		return rd_fail_at(e, RD_E_INVALID, "--note", _("a rejected document needs a note saying why"));
	if (note && (strlen(note) > 500 || !rd_utf8_valid(note, strlen(note))))
		return rd_fail_at(e, RD_E_INVALID, "--note", _("the note must be valid UTF-8 of at most 500 bytes"));
	if (scan) {
		if ((rc = import_scan(ctx, scan, sha, &a.w, &a.h, &a.size, e)) != RD_OK)
			return rc;
		a.sha = sha;
	}
	return rd_in_transaction(ctx, doc_set_step, &a, e);
}

rd_code rd_doc_scan(rd_ctx *ctx, const char *app_no, const char *type, char **data, size_t *len, rd_err *e)
{
	rd_app_state app;
	rd_doc_item items[RD_DOC_MAX];
	size_t n = 0;
	char sha[65], *path;
	const char *want = NULL;
	rd_code rc;
	*data = NULL;
	if ((rc = rd_doc_checklist(ctx, app_no, &app, items, &n, e)) != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].type, type) && items[i].row.scan[0])
			want = items[i].row.scan;
	if (!want)
		return rd_fail_at(e, RD_E_NOTFOUND, "TYPE", _("application %s has no scan of %s"), app.no, type);
	if (!(path = scan_path(ctx, want)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_file_read(path, RD_SCAN_MAX + 1, data, len, e);
	if (rc == RD_OK) {
		rd_sha256_hex(*data, *len, sha);
		if (strcmp(sha, want) != 0) {
			rc = rd_fail_at(e, RD_E_DATA, path,
					_("the scan does not match its SHA-256 %s: the file was changed or damaged"),
					want);
			free(*data);
			*data = NULL;
		}
	}
	free(path);
	return rc;
}

/* ---- money and fees ------------------------------------------------------------- */

rd_code rd_money_parse(const char *s, const char *field, int64_t *fen, rd_err *e)
{
	int64_t yuan = 0, cents = 0;
	int idigits = 0, decimals = -1;
	const char *p = s;
	if (!s || !*s)
		return rd_fail_at(e, RD_E_INVALID, field, _("no amount given"));
	if (*p == '-')
		return rd_fail_at(e, RD_E_INVALID, field, _("'%s': the amount must not be negative"), s);
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (decimals < 0) {
				if (++idigits > 12)
					return rd_fail_at(e, RD_E_INVALID, field, _("'%s': the amount is too large"), s);
				yuan = yuan * 10 + (*p - '0');
			} else {
				if (++decimals > 2)
					return rd_fail_at(e, RD_E_INVALID, field,
							  _("'%s': at most two decimals (fen) are allowed"), s);
				cents = cents * 10 + (*p - '0');
			}
		} else if (*p == '.' && decimals < 0) {
			decimals = 0;
		} else {
			return rd_fail_at(e, RD_E_INVALID, field, _("'%s' is not an amount (digits and a decimal point)"),
					  s);
		}
	}
	if (idigits == 0 || decimals == 0)
		return rd_fail_at(e, RD_E_INVALID, field, _("'%s' is not an amount (digits and a decimal point)"), s);
	if (decimals == 1)
		cents *= 10;
	*fen = yuan * 100 + cents;
	return RD_OK;
}

void rd_money_format(int64_t fen, char out[32])
{
	uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
	snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
}

/* Built-in schedule per year of validity, for the default products. */
static const struct {
	const char *product;
	int64_t per_year;
} default_fees[] = {
	{"personal-sign", 10000},
	{"org-sign", 30000},
	{"org-seal", 50000},
};

rd_code rd_fee_for(const rd_ctx *ctx, const char *product, int years, int64_t *fen, rd_err *e)
{
	const char *keys[1];
	char key[96];
	const char *v;
	snprintf(key, sizeof key, "%s.%d", product, years);
	if (rd_config_keys(ctx->cfg, "fees", keys, 1) > 0) {
		if (!(v = rd_config_str(ctx->cfg, "fees", key)))
			return rd_fail_at(e, RD_E_CONFIG, "fees", _("no fee for %s, %d years: add '%s = AMOUNT' to [fees]"),
					  product, years, key);
		return rd_money_parse(v, key, fen, e);
	}
	for (size_t i = 0; i < RD_ARRAY_LEN(default_fees); i++)
		if (!strcmp(default_fees[i].product, product)) {
			*fen = default_fees[i].per_year * years;
			return RD_OK;
		}
	return rd_fail_at(e, RD_E_CONFIG, "fees", _("no fee for %s, %d years: add '%s = AMOUNT' to [fees]"), product,
			  years, key);
}

rd_code rd_fee_status_app(rd_ctx *ctx, const rd_app_state *app, rd_fee_status *out, rd_err *e)
{
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = rd_fee_for(ctx, app->product, app->years, &out->fee, e)) != RD_OK)
		return rc;
	if ((rc = rd_desk_paid_net(ctx->db, app->id, &out->paid, e)) != RD_OK ||
	    (rc = rd_desk_receipts_standing(ctx->db, app->id, out->receipts, sizeof out->receipts, e)) != RD_OK)
		return rc;
	out->due = out->fee - out->paid;
	return RD_OK;
}

rd_code rd_fee_status_get(rd_ctx *ctx, const char *app_no, rd_fee_status *out, rd_err *e)
{
	rd_app_state app;
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) !=
	    RD_OK)
		return rc;
	if ((rc = rd_desk_app_get(ctx->db, app_no, &app, e)) != RD_OK)
		return rc;
	return rd_fee_status_app(ctx, &app, out, e);
}

void rd_local_day(time_t t, char out[16])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static rd_code new_receipt(rd_ctx *ctx, const char *day, char receipt[48], rd_err *e)
{
	int64_t seq = 0;
	char compact[16];
	rd_code rc = rd_desk_receipt_next(ctx->db, day, &seq, e);
	if (rc != RD_OK)
		return rc;
	snprintf(compact, sizeof compact, "%.4s%.2s%.2s", day, day + 5, day + 8);
	snprintf(receipt, 48, "R%s-%s-%06lld", rd_config_str(ctx->cfg, "radesk", "service_point"), compact,
		 (long long)seq);
	return RD_OK;
}

struct fee_args {
	const char *no, *method, *ref, *reason;
	int64_t amount;
	char *receipt;
};

static rd_code fee_record_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct fee_args *a = ud;
	rd_app_state app;
	rd_fee_status fs;
	rd_payment_row p;
	char amount[32], due[32], *details;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, a->no, &app, e)) != RD_OK)
		return rc;
	if (strcmp(app.state, "documents_checked") != 0) {
		return rd_fail_at(e, RD_E_REFUSED, "state", _("application %s is %s; pay needs documents_checked"),
				  app.no, app.state);
	}
	if ((rc = rd_fee_status_app(ctx, &app, &fs, e)) != RD_OK)
		return rc;
	rd_money_format(a->amount, amount);
	rd_money_format(fs.due, due);
	if (fs.due <= 0)
		return rd_fail_at(e, RD_E_REFUSED, "--amount", _("nothing is due for application %s"), app.no);
	if (a->amount != fs.due)
		return rd_fail_at(e, RD_E_REFUSED, "--amount",
				  a->amount > fs.due ? _("%s is more than the amount due for %s: %s")
						     : _("%s is less than the amount due for %s: %s"),
				  amount, app.no, due);
	memset(&p, 0, sizeof p);
	p.app_id = app.id;
	p.amount = a->amount;
	rd_strlcpy(p.method, a->method, sizeof p.method);
	rd_strlcpy(p.ref, a->ref ? a->ref : "", sizeof p.ref);
	rd_strlcpy(p.operator_name, ctx->who.name, sizeof p.operator_name);
	p.at = rd_ctx_now(ctx);
	rd_local_day(p.at, p.day);
	if ((rc = new_receipt(ctx, p.day, p.receipt, e)) != RD_OK ||
	    (rc = rd_desk_payment_insert(ctx->db, &p, NULL, e)) != RD_OK)
		return rc;
	details = rd_details("receipt", p.receipt, "amount", amount, "method", a->method, "ref", a->ref,
			     (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "fee.record", app.no, details, e);
	free(details);
	if (rc == RD_OK)
		rc = rd_transition_in_tx(ctx, &app, "paid", NULL, e);
	if (rc == RD_OK)
		rd_strlcpy(a->receipt, p.receipt, 48);
	return rc;
}

static rd_code check_method(const char *method, const char *ref, rd_err *e)
{
	if (!method || (strcmp(method, "cash") && strcmp(method, "card") && strcmp(method, "transfer") &&
			strcmp(method, "qr")))
		return rd_fail_at(e, RD_E_INVALID, "--method", _("'%s' is not a payment method (cash, card, transfer, qr)"),
				  method ? method : "");
	if (!strcmp(method, "transfer") && (!ref || !*ref))
		return rd_fail_at(e, RD_E_INVALID, "--ref", _("a bank transfer needs its reference"));
	if (!strcmp(method, "qr") && (!ref || !*ref))
		return rd_fail_at(e, RD_E_INVALID, "--ref", _("a QR payment needs its transaction number"));
	if (ref && (strlen(ref) > 100 || !rd_utf8_valid(ref, strlen(ref))))
		return rd_fail_at(e, RD_E_INVALID, "--ref", _("the reference must be valid UTF-8 of at most 100 bytes"));
	return RD_OK;
}

rd_code rd_fee_record(rd_ctx *ctx, const char *app_no, int64_t amount, const char *method, const char *ref,
		      char receipt[48], rd_err *e)
{
	struct fee_args a = {app_no, method, ref, NULL, amount, receipt};
	rd_code rc;
	receipt[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if ((rc = check_method(method, ref, e)) != RD_OK)
		return rc;
	if (amount <= 0)
		return rd_fail_at(e, RD_E_INVALID, "--amount", _("the amount must be more than 0.00"));
	return rd_in_transaction(ctx, fee_record_step, &a, e);
}

static rd_code fee_refund_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct fee_args *a = ud;
	rd_payment_row orig, p;
	rd_app_state app;
	char amount[32], *details;
	rd_code rc;
	if ((rc = rd_desk_payment_get(ctx->db, a->no, &orig, e)) != RD_OK)
		return rc;
	if (orig.amount <= 0)
		return rd_fail_at(e, RD_E_REFUSED, "RECEIPT", _("%s is a refund; only payments are refunded"), a->no);
	if ((rc = rd_desk_app_get_id(ctx->db, orig.app_id, &app, e)) != RD_OK)
		return rc;
	if (strcmp(app.state, "cancelled") && strcmp(app.state, "rejected"))
		return rd_fail_at(e, RD_E_REFUSED, "state",
				  _("application %s is %s; refunds are made once it is cancelled or rejected"), app.no,
				  app.state);
	memset(&p, 0, sizeof p);
	p.app_id = orig.app_id;
	p.amount = -orig.amount;
	p.refund_of = orig.id;
	rd_strlcpy(p.method, orig.method, sizeof p.method);
	rd_strlcpy(p.ref, orig.receipt, sizeof p.ref);
	rd_strlcpy(p.reason, a->reason, sizeof p.reason);
	rd_strlcpy(p.operator_name, ctx->who.name, sizeof p.operator_name);
	p.at = rd_ctx_now(ctx);
	rd_local_day(p.at, p.day);
	if ((rc = new_receipt(ctx, p.day, p.receipt, e)) != RD_OK ||
	    (rc = rd_desk_payment_insert(ctx->db, &p, NULL, e)) != RD_OK)
		return rc;
	rd_money_format(p.amount, amount);
	details = rd_details("receipt", p.receipt, "refund_of", orig.receipt, "amount", amount, "reason", a->reason,
			     (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "fee.refund", app.no, details, e);
	free(details);
	if (rc == RD_OK)
		rd_strlcpy(a->receipt, p.receipt, 48);
	return rc;
}

rd_code rd_fee_refund(rd_ctx *ctx, const char *receipt, const char *reason, char refund_receipt[48], rd_err *e)
{
	struct fee_args a = {receipt, NULL, NULL, reason, 0, refund_receipt};
	rd_code rc;
	refund_receipt[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!reason || !*reason)
		return rd_fail_at(e, RD_E_INVALID, "--reason", _("a refund needs a reason"));
	if (strlen(reason) > 500 || !rd_utf8_valid(reason, strlen(reason)))
		return rd_fail_at(e, RD_E_INVALID, "--reason", _("the reason must be valid UTF-8 of at most 500 bytes"));
	return rd_in_transaction(ctx, fee_refund_step, &a, e);
}

/* ---- reports ------------------------------------------------------------------- */

static rd_code day_or_today(rd_ctx *ctx, const char *day, char out[16], rd_err *e)
{
	time_t t;
	if (!day) {
		rd_local_day(rd_ctx_now(ctx), out);
		return RD_OK;
	}
	if (strlen(day) != 10 || rd_time_parse(day, &t, NULL) != RD_OK)
		return rd_fail_at(e, RD_E_INVALID, "--date", _("'%s' is not a date (YYYY-MM-DD)"), day);
	rd_strlcpy(out, day, 16);
	return RD_OK;
}

struct cashup_sum {
	rd_cashup_fn fn;
	void *ud;
	int64_t total;
};

static int cashup_add(void *ud, const rd_cashup_row *r)
{
	struct cashup_sum *s = ud;
	s->total += r->total;
	return s->fn ? s->fn(s->ud, r) : 0;
}

rd_code rd_report_cashup(rd_ctx *ctx, const char *day, const char *clerk, rd_cashup_fn fn, void *ud,
			 int64_t *total, rd_err *e)
{
	char d[16];
	struct cashup_sum s = {fn, ud, 0};
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK)
		return rc;
	if (ctx->who.role == RD_ROLE_CLERK) {
		if (clerk && strcasecmp(clerk, ctx->who.name) != 0)
			return rd_fail_at(e, RD_E_REFUSED, "--clerk", _("a clerk sees only their own cash-up"));
		clerk = ctx->who.name;
	}
	if ((rc = day_or_today(ctx, day, d, e)) != RD_OK)
		return rc;
	rc = rd_desk_cashup(ctx->db, d, clerk, cashup_add, &s, e);
	if (total)
		*total = s.total;
	return rc;
}

struct action_count {
	char action[64];
	int64_t n;
};

struct daily {
	time_t end;
	struct action_count a[64];
	size_t n;
};

static int count_action(void *ud, const rd_audit_row *r)
{
	struct daily *d = ud;
	if (r->at >= d->end)
		return 1;
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->a[i].action, r->action)) {
			d->a[i].n++;
			return 0;
		}
	if (d->n < RD_ARRAY_LEN(d->a)) {
		rd_strlcpy(d->a[d->n].action, r->action, sizeof d->a[d->n].action);
		d->a[d->n++].n = 1;
	}
	return 0;
}

static int cmp_action(const void *x, const void *y)
{
	return strcmp(((const struct action_count *)x)->action, ((const struct action_count *)y)->action);
}

rd_code rd_report_daily(rd_ctx *ctx, const char *day, rd_count_fn states, rd_count_fn actions, void *ud,
			rd_err *e)
{
	char d[16];
	struct tm tm;
	time_t start;
	struct daily *acc;
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK)
		return rc;
	if ((rc = day_or_today(ctx, day, d, e)) != RD_OK)
		return rc;
	memset(&tm, 0, sizeof tm);
	/* d is YYYY-MM-DD, checked by day_or_today */
	sscanf(d, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday); /* NOLINT(cert-err34-c) */
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	start = mktime(&tm);
	if ((rc = rd_desk_state_counts(ctx->db, states, ud, e)) != RD_OK)
		return rc;
	if (!(acc = calloc(1, sizeof *acc)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	acc->end = start + 86400;
	rc = rd_audit_each(ctx->db, start, NULL, count_action, acc, e);
	qsort(acc->a, acc->n, sizeof acc->a[0], cmp_action);
	for (size_t i = 0; rc == RD_OK && i < acc->n; i++)
		if (actions(ud, acc->a[i].action, acc->a[i].n))
			break;
	free(acc);
	return rc;
}

/* ---- review -------------------------------------------------------------------- */

rd_code rd_four_eyes(rd_ctx *ctx, const rd_app_state *app, rd_err *e)
{
	bool took = false;
	rd_code rc;
	if (!strcasecmp(app->created_by, ctx->who.name))
		return rd_fail_at(e, RD_E_REFUSED, "four-eyes",
				  _("%s registered application %s and may not review it (four eyes)"), ctx->who.name,
				  app->no);
	if ((rc = rd_desk_took_fee(ctx->db, app->id, ctx->who.name, &took, e)) != RD_OK)
		return rc;
	if (took)
		return rd_fail_at(e, RD_E_REFUSED, "four-eyes",
				  _("%s took the fee for application %s and may not review it (four eyes)"),
				  ctx->who.name, app->no);
	return RD_OK;
}

struct next_args {
	char *no;
};

static rd_code review_next_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct next_args *a = ud;
	time_t now = rd_ctx_now(ctx), until = now + 60 * rd_config_int(ctx->cfg, "review", "claim_minutes");
	int64_t id = 0;
	rd_app_state app;
	char when[32], *details;
	rd_code rc;
	if ((rc = rd_desk_queue_claim(ctx->db, ctx->who.name, now, until, &id, e)) != RD_OK)
		return rc;
	if ((rc = rd_desk_app_get_id(ctx->db, id, &app, e)) != RD_OK)
		return rc;
	if (!strcmp(app.state, "paid") && (rc = rd_transition_in_tx(ctx, &app, "under_review", NULL, e)) != RD_OK)
		return rc;
	rd_time_iso(until, when);
	details = rd_details("until", when, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "review.claim", app.no, details, e);
	free(details);
	if (rc == RD_OK)
		rd_strlcpy(a->no, app.no, 32);
	return rc;
}

rd_code rd_review_next(rd_ctx *ctx, char app_no[32], rd_err *e)
{
	struct next_args a = {app_no};
	rd_code rc;
	app_no[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	return rd_in_transaction(ctx, review_next_step, &a, e);
}

rd_code rd_review_approve(rd_ctx *ctx, const char *app_no, int64_t expected_version, rd_err *e)
{
	return rd_transition(ctx, app_no, "approved", expected_version, NULL, e);
}

rd_code rd_review_reject(rd_ctx *ctx, const char *app_no, int64_t expected_version, const char *reason, rd_err *e)
{
	return rd_transition(ctx, app_no, "rejected", expected_version, reason, e);
}

static time_t local_noon(time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int rd_working_days_between(time_t from, time_t to)
{
	time_t d = local_noon(from), end = local_noon(to);
	int n = 0;
	for (int guard = 0; d < end && guard < 4000; guard++) {
		struct tm tm;
		d = local_noon(d + 86400);
		localtime_r(&d, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			n++;
	}
	return n;
}

struct queue_args {
	rd_ctx *ctx;
	rd_queue_item_fn fn;
	void *ud;
};

static int queue_item(void *ud, const rd_queue_row *r)
{
	struct queue_args *a = ud;
	rd_queue_item it;
	time_t now = rd_ctx_now(a->ctx);
	memset(&it, 0, sizeof it);
	it.q = *r;
	it.working_days = rd_working_days_between(r->queued_at, now);
	it.over_sla = it.working_days > rd_config_int(a->ctx->cfg, "review", "sla_working_days");
	it.claimed = r->reviewer[0] && r->expires_at > now;
	it.age_minutes = (int64_t)(now - r->queued_at) / 60;
	return a->fn(a->ud, &it);
}

rd_code rd_review_queue(rd_ctx *ctx, rd_queue_item_fn fn, void *ud, rd_err *e)
{
	struct queue_args a = {ctx, fn, ud};
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK)
		return rc;
	return rd_desk_queue_each(ctx->db, queue_item, &a, e);
}

/* ---- the clerk's day ----------------------------------------------------------- */

rd_code rd_desk_today(rd_ctx *ctx, rd_desk_list which, int limit, rd_app_state_fn fn, void *ud, rd_err *e)
{
	rd_code rc;
	const char *mine = ctx->who.name;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	switch (which) {
	case RD_LIST_MY_DRAFTS:
		return rd_desk_app_each(ctx->db, "draft", mine, limit, fn, ud, e);
	case RD_LIST_WAIT_DOCUMENTS:
		return rd_desk_app_each(ctx->db, "submitted", NULL, limit, fn, ud, e);
	case RD_LIST_WAIT_PAYMENT:
		return rd_desk_app_each(ctx->db, "documents_checked", NULL, limit, fn, ud, e);
	case RD_LIST_REJECTED:
		return rd_desk_app_each(ctx->db, "rejected", mine, limit, fn, ud, e);
	}
	return rd_fail(e, RD_E_INTERNAL, _("unknown list"));
}

rd_code rd_desk_pending(rd_ctx *ctx, rd_pending *out, rd_err *e)
{
	if (ctx->who.role == RD_ROLE_NONE)
		return RD_OK;
	return rd_desk_counts(ctx->db, ctx->who.name, rd_ctx_now(ctx), &out->drafts, &out->to_review,
			      &out->outbox_failed, e);
}
