/* Printing an application's paper: fields from the stored record, a PDF
 * through print/, a CUPS job followed to its end, and the audit row once
 * the outcome is known.  Verifying the code a printed page carries.
 *
 * The fields are built from the record itself (rd_app_get), not from
 * rd_app_fetch's role-dependent view: the integrity code must come out the
 * same whoever prints or verifies.  Paper leaves the service point (the CA
 * copy, the subscriber copy), so ID numbers are printed masked; the
 * applicant checks them against the ID copy in the packet, the clerk against
 * the original.  Mobile and e-mail are printed whole: status messages and
 * the e-invoice go there, and the applicant must be able to confirm them.
 *
 * Values that do not come from the record (print date, fee status, service
 * point and product names from the configuration, reviewer) are kept in the
 * print's audit row under "printed", so a page can be verified later
 * against the print it came from; none of them is personal data. */
#include "workflows/internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "print/print.h"

/* Fields whose value is taken from the print's audit row when verifying. */
static const char *const snapshot_keys[] = {
	"app.kind", "app.service_point", "app.service_point_name", "app.reviewer",
	"product.name", "product.validity", "product.key_type", "fee.amount", "fee.status",
	"fee.receipt_no", "print.date", "ukey.serial", "ukey.model", "cert.serial", "cert.not_before",
	"cert.not_after",
};

/* The print key: HMAC-SHA-256 over a fixed label with the RA's key file,
 * so the integrity code never uses the encryption or index key itself. */
static void print_key(const rd_ctx *ctx, unsigned char out[32])
{
	static const char label[] = "radesk print integrity code v1";
	unsigned char k[64];
	memcpy(k, ctx->keys.enc, 32);
	memcpy(k + 32, ctx->keys.idx, 32);
	rd_hmac_sha256(k, sizeof k, label, sizeof label - 1, out);
	rd_memzero(k, sizeof k);
}

static rd_code need_keys(const rd_ctx *ctx, rd_err *e)
{
	if (!ctx->have_keys)
		return rd_fail(e, RD_E_CONFIG, _("the key file for personal data is missing; it is made by 'radesk init'"));
	return RD_OK;
}

/* ---- fields -------------------------------------------------------------------- */
static rd_code put(rd_print_fields *f, const char *key, const char *value, rd_err *e)
{
	if (!value || !*value)
		return RD_OK; /* an empty box, to be filled in by hand */
	return rd_print_fields_set(f, key, value, e);
}

/* From the fee workflow: "paid" once the whole fee is recorded; the
 * amount due goes on the form either way so the subscriber sees it. */
static rd_code put_fee(rd_ctx *ctx, rd_print_fields *f, const char *no, rd_err *e)
{
	rd_fee_status fs;
	char amount[32];
	rd_code rc;
	if (rd_fee_status_get(ctx, no, &fs, NULL) != RD_OK) /* no schedule for this product: leave it blank */
		return put(f, "fee.status", "unpaid", e);
	snprintf(amount, sizeof amount, "%lld.%02lld", (long long)(fs.fee / 100), (long long)(fs.fee % 100));
	if ((rc = put(f, "fee.amount", amount, e)) != RD_OK || (rc = put(f, "fee.receipt_no", fs.receipts, e)) != RD_OK)
		return rc;
	return put(f, "fee.status", fs.fee > 0 && fs.due <= 0 ? "paid" : "unpaid", e);
}

static void id_type_text(const char *name, char *out, size_t n)
{
	rd_id_type t = rd_id_type_parse(name);
	if (t == RD_ID_NONE)
		out[0] = '\0';
	else
		snprintf(out, n, "%s %s", rd_id_type_label_zh(t), rd_id_type_label(t));
}

static rd_code put_person(rd_print_fields *f, const char *prefix, const char *name, const char *id_type,
			  const char *id_number, const char *mobile, rd_err *e)
{
	char key[48], buf[160];
	rd_code rc;
	snprintf(key, sizeof key, "%s.name", prefix);
	if ((rc = put(f, key, name, e)))
		return rc;
	if (id_number[0]) {
		id_type_text(id_type, buf, sizeof buf);
		snprintf(key, sizeof key, "%s.id_type", prefix);
		if ((rc = put(f, key, buf, e)))
			return rc;
		rd_mask_id(id_number, buf, sizeof buf);
		snprintf(key, sizeof key, "%s.id_number_masked", prefix);
		if ((rc = put(f, key, buf, e)))
			return rc;
	}
	snprintf(key, sizeof key, "%s.mobile", prefix);
	return put(f, key, mobile, e);
}

static void product_text(const rd_product *p, const char *id, char *out, size_t n)
{
	if (!p)
		rd_strlcpy(out, id, n);
	else if (p->name_zh[0] && strcmp(p->name_zh, p->name) != 0)
		snprintf(out, n, "%s %s", p->name_zh, p->name);
	else
		rd_strlcpy(out, p->name[0] ? p->name : id, n);
}

/* Everything the paper shows, from the record and the configuration. */
static rd_code build_fields(rd_ctx *ctx, const rd_app_record *r, const rd_product *prod,
			    rd_print_fields *f, rd_err *e)
{
	bool org = !strcmp(r->kind, "organization");
	char buf[1024], date[32];
	rd_code rc;
	rd_time_local(r->created_at, date);
	date[10] = '\0';
	if ((rc = put(f, "app.no", r->no, e)) || (rc = put(f, "app.kind", "新办证书 New certificate", e)) ||
	    (rc = put(f, "app.date", date, e)) || (rc = put(f, "app.service_point", r->service_point, e)) ||
	    (rc = put(f, "app.service_point_name", rd_config_str(ctx->cfg, "radesk", "service_point_name"), e)) ||
	    (rc = put(f, "app.operator", r->created_by, e)) ||
	    (rc = put(f, "subject.type", org ? "单位 Organization" : "个人 Individual", e)))
		return rc;
	if (org) {
		if ((rc = put(f, "subject.name", r->org_name, e)) ||
		    (rc = put(f, "subject.id_type", "统一社会信用代码 Credit code", e)) ||
		    (rc = put(f, "subject.id_number_masked", r->org_uscc, e)) ||
		    (rc = put(f, "subject.address", r->org_address, e)) ||
		    (rc = put(f, "organization.name", r->org_name, e)) ||
		    (rc = put(f, "organization.credit_code", r->org_uscc, e)) ||
		    (rc = put(f, "organization.legal_rep", r->org_legal_rep, e)) ||
		    (rc = put(f, "organization.address", r->org_address, e)))
			return rc;
		/* The organization is reached through its agent. */
		if ((rc = put(f, "subject.mobile", r->agent_mobile, e)) ||
		    (rc = put(f, "subject.email", r->agent_email, e)))
			return rc;
	} else {
		if ((rc = put_person(f, "subject", r->subject_name, r->subject_id_type, r->subject_id_number,
				     r->subject_mobile, e)) ||
		    (rc = put(f, "subject.email", r->subject_email, e)))
			return rc;
	}
	if ((rc = put_person(f, "agent", r->agent_name, r->agent_id_type, r->agent_id_number, r->agent_mobile, e)))
		return rc;
	/* Who collects the UKEY: the agent when there is one (always for an
	 * organization), else the individual subscriber in person. */
	if (r->agent_name[0] || org)
		rc = put_person(f, "recipient", r->agent_name, r->agent_id_type, r->agent_id_number, r->agent_mobile, e);
	else
		rc = put_person(f, "recipient", r->subject_name, r->subject_id_type, r->subject_id_number,
				r->subject_mobile, e);
	if (rc)
		return rc;
	/* What the templates have no box for: the user name the subscriber
	 * needs at renewal, an individual's agent's e-mail.  Short: the form
	 * must stay on one page per copy. */
	snprintf(buf, sizeof buf, "用户名 User name %s", r->username);
	if (!org && r->agent_email[0])
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "；经办人邮箱 Agent e-mail %s", r->agent_email);
	if ((rc = put(f, "app.remarks", buf, e)))
		return rc;
	product_text(prod, r->product, buf, sizeof buf);
	if ((rc = put(f, "product.name", buf, e)) || (rc = put(f, "product.code", r->product, e)))
		return rc;
	if (r->years > 0) {
		snprintf(buf, sizeof buf, "%d年 %d year%s", r->years, r->years, r->years == 1 ? "" : "s");
		if ((rc = put(f, "product.validity", buf, e)))
			return rc;
	}
	if (prod && (rc = put(f, "product.key_type", prod->key_type == RD_KEY_RSA_2048 ? "RSA-2048" : "ECC P-256", e)))
		return rc;
	if ((rc = put_fee(ctx, f, r->no, e)))
		return rc;
	/* ---- UKEY hand-over receipt fields (issue 7, workflows/ukey.c) ---- */
	{
		rd_stock_row uk;
		rd_cert_info ci;
		if (rd_stock_by_app(ctx->db, r->id, &uk, NULL) == RD_OK &&
		    ((rc = put(f, "ukey.serial", uk.serial, e)) || (rc = put(f, "ukey.model", uk.model, e))))
			return rc;
		memset(&ci, 0, sizeof ci);
		if (rd_cert_current(ctx, r->no, &ci, NULL) == RD_OK) {
			char nb[32], na[32];
			rd_time_local(ci.not_before, nb);
			rd_time_local(ci.not_after, na);
			nb[10] = na[10] = '\0';
			rc = put(f, "cert.serial", ci.serial_hex, e);
			if (!rc && ci.not_before)
				rc = put(f, "cert.not_before", nb, e);
			if (!rc && ci.not_after)
				rc = put(f, "cert.not_after", na, e);
		}
		rd_cert_info_free(&ci);
		if (rc)
			return rc;
	}
	/* ---- end of the UKEY block ---- */
	rd_time_local(rd_ctx_now(ctx), date);
	date[10] = '\0';
	return put(f, "print.date", date, e);
}

/* The values of snapshot_keys as a JSON object (for the audit row). */
static json_t *snapshot_of(const rd_print_fields *f)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < RD_ARRAY_LEN(snapshot_keys); i++) {
		const char *v = rd_print_fields_get(f, snapshot_keys[i]);
		if (v)
			json_object_set_new(o, snapshot_keys[i], json_string(v));
	}
	return o;
}

/* Replaces the snapshot fields with the values recorded at a print. */
static rd_code apply_snapshot(rd_print_fields *f, json_t *snap, rd_err *e)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(snapshot_keys); i++) {
		const char *v = json_string_value(json_object_get(snap, snapshot_keys[i]));
		rd_code rc = rd_print_fields_set(f, snapshot_keys[i], v ? v : "", e);
		if (rc)
			return rc;
	}
	return RD_OK;
}

/* ---- the application and what it needs --------------------------------------------- */
typedef struct loaded {
	rd_app_record rec;
	rd_products *products;
	const rd_product *product;
	rd_print_fields *fields;
	rd_print_ctx *pctx;
	unsigned char key[32];
	bool org, impression;
} loaded;

static void loaded_free(loaded *l)
{
	rd_print_fields_free(l->fields);
	rd_print_ctx_free(l->pctx);
	rd_products_free(l->products);
	rd_memzero(l, sizeof *l);
}

static rd_code load(rd_ctx *ctx, const char *no, loaded *l, rd_err *e)
{
	rd_code rc;
	memset(l, 0, sizeof *l);
	if (!no || !*no)
		return rd_fail_at(e, RD_E_INVALID, "no", _("an application number is needed"));
	if ((rc = rd_app_get(ctx->db, &ctx->keys, no, &l->rec, e)) != RD_OK)
		return rc;
	if ((rc = rd_products_load(ctx->cfg, &l->products, e)) != RD_OK)
		return rc;
	l->product = rd_products_find(l->products, l->rec.product);
	l->org = !strcmp(l->rec.kind, "organization");
	l->impression = l->product && l->product->impression;
	if (!(l->fields = rd_print_fields_new()))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if ((rc = build_fields(ctx, &l->rec, l->product, l->fields, e)) != RD_OK)
		return rc;
	print_key(ctx, l->key);
	return rd_print_ctx_from_config(&l->pctx, ctx->cfg, l->key, sizeof l->key, e);
}

/* ---- earlier prints from the audit trail ------------------------------------------------- */
typedef struct print_row {
	time_t at;
	char by[64];
	char doc[16];
	json_t *snapshot;
} print_row;

typedef struct print_rows {
	print_row *v;
	size_t n;
	bool oom;
	bool changed_since; /* an app.edit after the last print */
} print_rows;

static bool is_print_action(const char *action, char doc[16])
{
	rd_print_doc d;
	if (strncmp(action, "print.", 6) != 0 || rd_print_doc_parse(action + 6, &d, NULL) != RD_OK)
		return false; /* print.failed and others */
	rd_strlcpy(doc, action + 6, 16);
	return true;
}

static int collect_print(void *ud, const rd_audit_row *row)
{
	print_rows *pr = ud;
	print_row r, *nv;
	json_t *details;
	memset(&r, 0, sizeof r);
	if (!strcmp(row->action, "app.edit"))
		pr->changed_since = pr->n > 0;
	if (!is_print_action(row->action, r.doc))
		return 0;
	pr->changed_since = false;
	r.at = row->at;
	rd_strlcpy(r.by, row->operator_name, sizeof r.by);
	details = json_loads(row->details ? row->details : "{}", 0, NULL);
	r.snapshot = json_incref(json_object_get(details, "printed"));
	json_decref(details);
	if (!(nv = realloc(pr->v, (pr->n + 1) * sizeof *nv))) {
		json_decref(r.snapshot);
		pr->oom = true;
		return 1;
	}
	pr->v = nv;
	pr->v[pr->n++] = r;
	return 0;
}

static void print_rows_free(print_rows *pr)
{
	for (size_t i = 0; i < pr->n; i++)
		json_decref(pr->v[i].snapshot);
	free(pr->v);
	memset(pr, 0, sizeof *pr);
}

static rd_code earlier_prints(rd_ctx *ctx, const char *no, print_rows *pr, rd_err *e)
{
	rd_code rc;
	memset(pr, 0, sizeof *pr);
	rc = rd_audit_each(ctx->db, 0, no, collect_print, pr, e);
	if (rc == RD_OK && pr->oom)
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rc != RD_OK)
		print_rows_free(pr);
	return rc;
}

/* ---- printing --------------------------------------------------------------------------- */
static const char *doc_label(rd_print_doc d)
{
	switch (d) {
	case RD_DOC_FORM: return _("acceptance form");
	case RD_DOC_AGREEMENT: return _("subscriber agreement");
	case RD_DOC_AUTHORIZATION: return _("authorization letter");
	case RD_DOC_IMPRESSION: return _("impression sheet");
	case RD_DOC_RECEIPT: return _("UKEY receipt");
	case RD_DOC_PACKET: break;
	}
	return "?";
}

static void documents_text(rd_print_doc d, bool org, bool imp, char *out, size_t n)
{
	if (d != RD_DOC_PACKET) {
		rd_strlcpy(out, doc_label(d), n);
		return;
	}
	snprintf(out, n, "%s, %s%s%s%s%s", doc_label(RD_DOC_FORM), doc_label(RD_DOC_AGREEMENT), org ? ", " : "",
		 org ? doc_label(RD_DOC_AUTHORIZATION) : "", imp ? ", " : "", imp ? doc_label(RD_DOC_IMPRESSION) : "");
}

static bool includes_agreement(rd_print_doc d)
{
	return d == RD_DOC_PACKET || d == RD_DOC_AGREEMENT;
}

static rd_code check_doc(const loaded *l, const char *doc, rd_print_doc *d, rd_err *e)
{
	if (rd_print_doc_parse(doc ? doc : "packet", d, e) != RD_OK)
		return rd_fail_at(e, RD_E_INVALID, "doc",
				  _("'%s' is not a document; use packet, form, agreement, authorization, impression or receipt"),
				  doc);
	if (*d == RD_DOC_AUTHORIZATION && !l->org)
		return rd_fail_at(e, RD_E_REFUSED, "doc", _("the authorization letter is for organization applications"));
	return RD_OK;
}

static rd_code render(rd_ctx *ctx, loaded *l, rd_print_doc d, unsigned char **pdf, size_t *len,
		      rd_print_result *res, rd_err *e)
{
	rd_print_request req = {
		.fields = l->fields, .doc = d, .organization = l->org, .impression = l->impression,
		.created = rd_ctx_now(ctx),
	};
	return rd_print_render_mem(l->pctx, &req, pdf, len, res, e);
}

static char *default_pdf_path(rd_ctx *ctx, const char *no, const char *doc, rd_err *e)
{
	char *dir = rd_config_path(ctx->cfg, "radesk", "data_dir"), *sub, *path = NULL;
	char iso[32], stamp[32];
	size_t j = 0;
	if (!dir) {
		rd_fail_at(e, RD_E_CONFIG, "radesk.data_dir", _("no data directory configured"));
		return NULL;
	}
	rd_time_iso(rd_ctx_now(ctx), iso);
	for (const char *p = iso; *p && j < sizeof stamp - 1; p++) /* 20261121T090000Z */
		if (*p != '-' && *p != ':')
			stamp[j++] = *p;
	stamp[j] = '\0';
	sub = rd_asprintf("%s/prints/%s", dir, no);
	if (sub && rd_mkdir_p(sub, 0700, e) == RD_OK)
		path = rd_asprintf("%s/%s-%s.pdf", sub, doc, stamp);
	else if (!sub)
		rd_fail(e, RD_E_NOMEM, _("out of memory"));
	free(sub);
	free(dir);
	return path;
}

/* The printer could not do it: recorded for the audit (pages may have come
 * out of an aborted job), never as a print. */
static void record_failure(rd_ctx *ctx, const char *no, const char *doc, const char *printer,
			   const rd_print_job_result *jr, const rd_err *why)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "doc", doc, "printer", printer, "job", jr->job_id,
			      "state", rd_print_job_state_name(jr->state), "reason", why->msg);
	char *details = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (details && rd_db_begin(ctx->db, NULL) == RD_OK) {
		if (rd_ctx_audit(ctx, "print.failed", no, details, NULL) == RD_OK)
			rd_db_commit(ctx->db, NULL);
		else
			rd_db_rollback(ctx->db);
	}
	free(details);
	json_decref(o);
}

/* The audit row and, on the first print of the agreement, its version on the
 * application: one transaction, after the job's outcome is known. */
static rd_code record_print(rd_ctx *ctx, loaded *l, rd_print_doc d, const rd_print_outcome *out, rd_err *e)
{
	json_t *o = json_pack("{s:s, s:i, s:i, s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:b, s:o}", "doc", out->doc,
			      "copies", out->copies, "pages", out->pages, "sha256", out->sha256,
			      "bytes", (json_int_t)out->bytes, "pdf", out->pdf_path, "printer", out->printer,
			      "job", out->job_id, "state", out->job_state, "agreement_version",
			      out->agreement_version, "reprint", out->reprint, "printed", snapshot_of(l->fields));
	char *details = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char action[32];
	rd_code rc;
	json_decref(o);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	snprintf(action, sizeof action, "print.%s", out->doc);
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK) {
		free(details);
		return rc;
	}
	if (includes_agreement(d) && out->agreement_version[0]) {
		rd_app_record r;
		rc = rd_app_get(ctx->db, &ctx->keys, l->rec.no, &r, e);
		if (rc == RD_OK && !r.agreement_version[0]) {
			rd_strlcpy(r.agreement_version, out->agreement_version, sizeof r.agreement_version);
			rd_strlcpy(r.updated_by, ctx->who.name, sizeof r.updated_by);
			r.updated_at = rd_ctx_now(ctx);
			rc = rd_app_update(ctx->db, &ctx->keys, &r, e);
		} else if (rc == RD_OK && strcmp(r.agreement_version, out->agreement_version) != 0) {
			rd_log(&ctx->log, RD_LOG_WARN, _("%s: the application names agreement version %s; version %s was printed"),
			       l->rec.no, r.agreement_version, out->agreement_version);
		}
		rd_memzero(&r, sizeof r);
	}
	if (rc == RD_OK)
		rc = rd_ctx_audit(ctx, action, l->rec.no, details, e);
	free(details);
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

static rd_code submit(rd_ctx *ctx, const char *path, const char *printer, int copies, const char *title,
		      rd_print_job_result *jr, rd_err *e)
{
	rd_print_submit_opts o = {
		.printer = printer, .copies = copies, .title = title,
		.timeout_s = (int)rd_config_int(ctx->cfg, "print", "timeout"),
	};
	return rd_print_submit(path, &o, jr, &ctx->log, e);
}

/* Writes the PDF; with a printer, first beside the final name, moved into
 * place only once the job completed, so a failure leaves nothing behind. */
static rd_code output(rd_ctx *ctx, const char *no, const unsigned char *pdf, size_t len, rd_print_outcome *out,
		      rd_err *e)
{
	char *tmp;
	char title[96];
	rd_print_job_result jr;
	rd_code rc;
	if (!out->printer[0]) {
		if ((rc = rd_file_write_atomic(out->pdf_path, pdf, len, 0600, e)) != RD_OK)
			return rc;
		rd_strlcpy(out->job_state, "pdf", sizeof out->job_state);
		return RD_OK;
	}
	if (!(tmp = rd_asprintf("%s.part", out->pdf_path)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if ((rc = rd_file_write_atomic(tmp, pdf, len, 0600, e)) != RD_OK) {
		free(tmp);
		return rc;
	}
	snprintf(title, sizeof title, "%s %s", no, out->doc);
	memset(&jr, 0, sizeof jr);
	rc = submit(ctx, tmp, out->printer, out->copies, title, &jr, e);
	out->job_id = jr.job_id;
	rd_strlcpy(out->job_state, rd_print_job_state_name(jr.state), sizeof out->job_state);
	rd_strlcpy(out->detail, jr.detail, sizeof out->detail);
	if (rc == RD_OK && rename(tmp, out->pdf_path) != 0)
		rc = rd_fail_at(e, RD_E_IO, out->pdf_path, _("printed, but the PDF cannot be kept: %s"), strerror(errno));
	if (rc != RD_OK) {
		unlink(tmp);
		if (jr.state != RD_JOB_COMPLETED)
			record_failure(ctx, no, out->doc, out->printer, &jr, e);
	}
	free(tmp);
	return rc;
}

rd_code rd_print_application(rd_ctx *ctx, const char *no, const char *doc, int copies, const char *pdf_path,
			     const char *printer, rd_print_outcome *out, rd_err *e)
{
	rd_print_outcome local;
	loaded l;
	print_rows prev;
	rd_print_doc d;
	rd_print_result res;
	unsigned char *pdf = NULL;
	size_t len = 0;
	char *path = NULL;
	rd_code rc;
	if (!out)
		out = &local;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK ||
	    (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if (copies == 0)
		copies = 1;
	if (copies < 1 || copies > 99)
		return rd_fail_at(e, RD_E_INVALID, "copies", _("copies must be 1 to 99"));
	if ((rc = load(ctx, no, &l, e)) != RD_OK) {
		loaded_free(&l);
		return rc;
	}
	if ((rc = check_doc(&l, doc, &d, e)) != RD_OK)
		goto done;
	if (!strcmp(l.rec.state, "cancelled")) {
		rc = rd_fail_at(e, RD_E_REFUSED, no, _("the application is cancelled; its paper is not printed"));
		goto done;
	}
	if ((rc = earlier_prints(ctx, l.rec.no, &prev, e)) != RD_OK)
		goto done;
	out->reprint = prev.n > 0;
	print_rows_free(&prev);
	if (!out->reprint && ctx->who.role != RD_ROLE_CLERK) {
		rc = rd_fail(e, RD_E_REFUSED, _("only a clerk prints an application's paper the first time; a %s may reprint it"),
			     rd_role_label(ctx->who.role));
		goto done;
	}
	rd_strlcpy(out->no, l.rec.no, sizeof out->no);
	rd_strlcpy(out->doc, rd_print_doc_name(d), sizeof out->doc);
	out->copies = copies;
	documents_text(d, l.org, l.impression, out->documents, sizeof out->documents);
	if (!printer)
		printer = rd_config_str(ctx->cfg, "print", "printer");
	rd_strlcpy(out->printer, printer ? printer : "", sizeof out->printer);
	if ((rc = render(ctx, &l, d, &pdf, &len, &res, e)) != RD_OK)
		goto done;
	out->pages = res.pages;
	out->bytes = res.bytes;
	rd_strlcpy(out->sha256, res.sha256, sizeof out->sha256);
	rd_strlcpy(out->agreement_version, res.agreement_version, sizeof out->agreement_version);
	if (!pdf_path && !(path = default_pdf_path(ctx, l.rec.no, out->doc, e))) {
		rc = e ? e->code : RD_E_IO;
		goto done;
	}
	rd_strlcpy(out->pdf_path, pdf_path ? pdf_path : path, sizeof out->pdf_path);
	if ((rc = output(ctx, l.rec.no, pdf, len, out, e)) != RD_OK)
		goto done;
	rc = record_print(ctx, &l, d, out, e);
	if (rc != RD_OK)
		rd_err_prefix(e, _("printed, but not recorded"));
	else
		rd_log(&ctx->log, RD_LOG_INFO, "%s: %s printed (%d pages, %s)", out->no, out->doc, out->pages,
		       out->printer[0] ? out->printer : out->pdf_path);
done:
	free(pdf);
	free(path);
	loaded_free(&l);
	return rc;
}

rd_code rd_print_preview_app(rd_ctx *ctx, const char *no, const char *doc, rd_print_preview *out, rd_err *e)
{
	loaded l;
	print_rows prev;
	rd_print_doc d;
	rd_print_result res;
	unsigned char *pdf = NULL;
	size_t len = 0;
	const char *printer;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK ||
	    (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if ((rc = load(ctx, no, &l, e)) == RD_OK && (rc = check_doc(&l, doc, &d, e)) == RD_OK &&
	    (rc = render(ctx, &l, d, &pdf, &len, &res, e)) == RD_OK &&
	    (rc = earlier_prints(ctx, l.rec.no, &prev, e)) == RD_OK) {
		out->pages = res.pages;
		out->organization = l.org;
		out->impression = l.impression;
		out->printed_before = prev.n > 0;
		print_rows_free(&prev);
		documents_text(d, l.org, l.impression, out->documents, sizeof out->documents);
		printer = rd_config_str(ctx->cfg, "print", "printer");
		rd_strlcpy(out->printer, printer ? printer : "", sizeof out->printer);
	}
	free(pdf);
	loaded_free(&l);
	return rc;
}

/* ---- verifying --------------------------------------------------------------------------- */
static bool print_covers(const char *printed_doc, rd_print_doc d)
{
	return !strcmp(printed_doc, rd_print_doc_name(d)) || !strcmp(printed_doc, "packet");
}

rd_code rd_print_verify_payload(rd_ctx *ctx, const char *payload, rd_print_check *out, rd_err *e)
{
	rd_print_payload p;
	print_rows prev;
	loaded l;
	rd_code rc;
	size_t tried = 0;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK ||
	    (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if ((rc = rd_print_payload_parse(payload ? payload : "", &p, e)) != RD_OK)
		return rc;
	rd_strlcpy(out->no, p.app_no, sizeof out->no);
	rd_strlcpy(out->doc, rd_print_doc_name(p.doc), sizeof out->doc);
	out->copy = p.copy;
	out->copies = p.copies;
	out->page = p.page;
	out->pages = p.pages;
	if ((rc = load(ctx, p.app_no, &l, e)) != RD_OK) {
		if (rc == RD_E_NOTFOUND)
			snprintf(out->reason, sizeof out->reason, _("no application %s"), p.app_no);
		loaded_free(&l);
		return rc;
	}
	rd_strlcpy(out->state, l.rec.state, sizeof out->state);
	if ((rc = earlier_prints(ctx, l.rec.no, &prev, e)) != RD_OK) {
		loaded_free(&l);
		return rc;
	}
	/* Newest first: the latest print is the likeliest paper. */
	for (size_t i = prev.n; i-- > 0 && !out->valid;) {
		rd_print_payload chk;
		if (!print_covers(prev.v[i].doc, p.doc))
			continue;
		tried++;
		if (apply_snapshot(l.fields, prev.v[i].snapshot, e) != RD_OK)
			continue;
		if (rd_print_payload_verify(l.key, sizeof l.key, payload, l.pctx, l.fields, &chk, NULL) == RD_OK &&
		    chk.valid) {
			out->valid = true;
			out->printed_at = prev.v[i].at;
			rd_strlcpy(out->printed_by, prev.v[i].by, sizeof out->printed_by);
		}
	}
	if (!out->valid) {
		if (!tried)
			snprintf(out->reason, sizeof out->reason, _("no print of the %s is recorded for application %s"),
				 doc_label(p.doc), p.app_no);
		else if (prev.changed_since)
			snprintf(out->reason, sizeof out->reason,
				 _("the integrity code does not match application %s: the paper was edited or forged, "
				   "or the application changed after it was printed"),
				 p.app_no);
		else
			snprintf(out->reason, sizeof out->reason,
				 _("the integrity code does not match application %s: the paper was edited or forged"),
				 p.app_no);
		rc = rd_fail_at(e, RD_E_REFUSED, "payload", "%s", out->reason);
	}
	print_rows_free(&prev);
	loaded_free(&l);
	return rc;
}

rd_code rd_agreement_current(rd_ctx *ctx, char *out, size_t n)
{
	char *path = rd_print_agreement_path(ctx->cfg), *text = NULL, *line;
	rd_code rc;
	out[0] = '\0';
	if (!path)
		return RD_E_NOTFOUND;
	rc = rd_file_read(path, 1 << 20, &text, NULL, NULL);
	free(path);
	if (rc != RD_OK)
		return rc;
	line = strstr(text, "Version:");
	if (line && (line == text || line[-1] == '\n')) {
		line += strlen("Version:");
		line += strspn(line, " \t");
		rd_strlcpy(out, line, n);
		out[strcspn(out, "\r\n")] = '\0';
	}
	free(text);
	return out[0] ? RD_OK : RD_E_NOTFOUND;
}
