/* After issuance: revocation requests and the RA's promise, four-eyes
 * approval, renewal, lost-UKEY reissue, change of information, ceased
 * organizations, expiry. */
#include "workflows/desk_internal.h"

#include <argon2.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ca/ca.h"

/* ---- small helpers ------------------------------------------------------------- */

time_t rd_life_due(time_t requested_at, long promise_hours)
{
	return requested_at + (time_t)promise_hours * 3600;
}

const char *rd_life_reason_name(int reason)
{
	const char *n = rd_ca_reason_name(reason);
	return n ? n : "";
}

void rd_life_format_left(int64_t seconds, char out[32])
{
	int64_t s = seconds < 0 ? -seconds : seconds;
	const char *sign = seconds < 0 ? "-" : "";
	int64_t d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;
	if (d > 0)
		snprintf(out, 32, "%s%lldd %lldh", sign, (long long)d, (long long)h);
	else
		snprintf(out, 32, "%s%lldh %02lldm", sign, (long long)h, (long long)m);
}

int rd_life_notice_working_days(time_t ceased_on, time_t requested_at)
{
	if (requested_at <= ceased_on)
		return 0;
	return rd_working_days_between(ceased_on, requested_at);
}

time_t rd_retention_until(time_t t, int years)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	tm.tm_year += years;
	/* 29 February + n years falls on 1 March when that year has none */
	return timegm(&tm);
}

rd_code rd_life_renewal_window(long window_days, time_t not_after, time_t now, rd_err *e)
{
	char opens[32], ends[32];
	time_t from = not_after - (time_t)window_days * 86400;
	if (now >= not_after) {
		rd_time_local(not_after, ends);
		return rd_fail_at(e, RD_E_REFUSED, "certificate",
				  _("the certificate expired at %s; renewal is only possible before expiry"), ends);
	}
	if (now < from) {
		rd_time_local(from, opens);
		rd_time_local(not_after, ends);
		return rd_fail_at(e, RD_E_REFUSED, "certificate",
				  _("renewal opens %ld days before expiry, on %s (the certificate expires %s)"),
				  window_days, opens, ends);
	}
	return RD_OK;
}

/* Writes an audit row for a refused attempt in a transaction of its own
 * (the step's own transaction was rolled back) and returns rc unchanged. */
static rd_code refused(rd_ctx *ctx, const char *action, const char *object, rd_code rc, const rd_err *why)
{
	char *details;
	rd_err ignore;
	if (rc == RD_OK || ctx->who.role == RD_ROLE_NONE || rc == RD_E_BUSY)
		return rc;
	details = rd_details("code", rd_code_name(rc), "field", why ? why->field : NULL, "error",
			     why ? why->msg : NULL, (const char *)NULL);
	if (!details)
		return rc;
	if (rd_db_begin(ctx->db, &ignore) == RD_OK) {
		if (rd_ctx_audit(ctx, action, object && *object ? object : "-", details, &ignore) == RD_OK)
			rd_db_commit(ctx->db, &ignore);
		else
			rd_db_rollback(ctx->db);
	}
	free(details);
	return rc;
}

static bool live_state(const char *s)
{
	return !strcmp(s, "issued") || !strcmp(s, "activated");
}

/* The PEM parses as one CSR whose signature holds. */
static rd_code check_csr(const char *pem, rd_err *e)
{
	BIO *b;
	X509_REQ *req;
	EVP_PKEY *pk;
	int ok;
	if (!pem || !*pem)
		return rd_fail_at(e, RD_E_INVALID, "--csr", _("no CSR given"));
	if (strlen(pem) > 65536)
		return rd_fail_at(e, RD_E_INVALID, "--csr", _("the CSR is larger than 64 KiB"));
	if (!(b = BIO_new_mem_buf(pem, -1)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!req) {
		rd_fail_at(e, RD_E_INVALID, "--csr", _("not a PEM certificate request"));
		rd_err_add_openssl(e);
		return RD_E_INVALID;
	}
	pk = X509_REQ_get0_pubkey(req);
	ok = pk && X509_REQ_verify(req, pk) == 1;
	X509_REQ_free(req);
	if (!ok) {
		rd_fail_at(e, RD_E_INVALID, "--csr", _("the CSR's signature does not hold"));
		rd_err_add_openssl(e);
		return RD_E_INVALID;
	}
	return RD_OK;
}

/* The application and its current valid certificate, or a refusal naming
 * what is wrong: unknown, never issued, already revoked, expired. */
static rd_code revocable(rd_ctx *ctx, const char *no, rd_app_state *app, rd_cert_info *cert, rd_err *e)
{
	rd_code rc;
	memset(cert, 0, sizeof *cert);
	if (!no || !*no)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number given"));
	if ((rc = rd_desk_app_get(ctx->db, no, app, e)) != RD_OK)
		return rc;
	if (!strcmp(app->state, "revoked"))
		return rd_fail_at(e, RD_E_REFUSED, "state", _("the certificate of %s is revoked already"), no);
	if (!live_state(app->state))
		return rd_fail_at(e, RD_E_REFUSED, "state", _("application %s is %s; only an issued certificate can be revoked"),
				  no, rd_app_state_label(app->state));
	rc = rd_cert_current(ctx, no, cert, e);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "certificate", _("application %s has no certificate"), no);
	if (rc != RD_OK)
		return rc;
	if (!strcmp(cert->status, "revoked")) {
		rd_cert_info_free(cert);
		return rd_fail_at(e, RD_E_REFUSED, "certificate", _("the certificate of %s is revoked already"), no);
	}
	return RD_OK;
}

static rd_code parse_reason(rd_ctx *ctx, const char *name, const char *field, int *reason, rd_err *e)
{
	int r = name ? rd_ca_reason_parse(name) : -1;
	if (r < 0)
		return rd_fail_at(e, RD_E_INVALID, field,
				  _("'%s' is not a revocation reason (keyCompromise, affiliationChanged, superseded, "
				    "cessationOfOperation, certificateHold, privilegeWithdrawn, unspecified)"),
				  name ? name : "");
	if (r == RD_CA_CA_COMPROMISE || r == RD_CA_AA_COMPROMISE || r == RD_CA_REMOVE_FROM_CRL)
		return rd_fail_at(e, RD_E_INVALID, field, _("%s is not a reason an RA can request"), name);
	if (r == RD_CA_CERTIFICATE_HOLD && !rd_config_bool(ctx->cfg, "revocation", "allow_hold"))
		return rd_fail_at(e, RD_E_REFUSED, field, _("the CA does not support certificateHold"));
	*reason = r;
	return RD_OK;
}

static rd_code check_note(const char *note, const char *field, rd_err *e)
{
	if (note && (strlen(note) > 500 || !rd_utf8_valid(note, strlen(note))))
		return rd_fail_at(e, RD_E_INVALID, field, _("must be valid UTF-8 of at most 500 bytes"));
	return RD_OK;
}

static rd_code check_requested_at(rd_ctx *ctx, time_t *t, rd_err *e)
{
	time_t now = rd_ctx_now(ctx);
	if (*t == 0)
		*t = now;
	if (*t > now + 300)
		return rd_fail_at(e, RD_E_INVALID, "--requested-at", _("the request cannot be received in the future"));
	if (*t < now - 366L * 86400)
		return rd_fail_at(e, RD_E_INVALID, "--requested-at", _("the request is more than a year old"));
	return RD_OK;
}

/* ---- recording a request ------------------------------------------------------- */

struct record_args {
	const char *no;
	const char *purpose;
	int reason;
	const char *reason_name;
	const char *note;
	time_t requested_at;
	bool in_person;
	bool single_clerk;      /* approved at once by the requester */
	const char *csr;        /* reissue */
	const char *ukey_fate, *ukey_serial;
	const char *new_app_no; /* change */
	int64_t id;
};

static rd_code record_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct record_args *a = ud;
	rd_app_state app;
	rd_cert_info cert;
	rd_revreq_row r;
	rd_revreq_row open;
	char due[32], *details;
	rd_code rc = revocable(ctx, a->no, &app, &cert, e);
	if (rc != RD_OK)
		return rc;
	if (rd_revreq_open_for(ctx->db, app.id, &open, NULL) == RD_OK) {
		rd_revreq_row_free(&open);
		rd_cert_info_free(&cert);
		return rd_fail_at(e, RD_E_CONFLICT, "application",
				  _("application %s has an open revocation request already (%s)"), a->no, open.status);
	}
	memset(&r, 0, sizeof r);
	r.app_id = app.id;
	rd_strlcpy(r.app_no, app.no, sizeof r.app_no);
	rd_strlcpy(r.purpose, a->purpose, sizeof r.purpose);
	r.reason = a->reason;
	rd_strlcpy(r.serial_hex, cert.serial_hex, sizeof r.serial_hex);
	rd_cert_info_free(&cert);
	rd_strlcpy(r.note, a->note ? a->note : "", sizeof r.note);
	r.in_person = a->in_person;
	r.requested_at = a->requested_at;
	r.due_at = rd_life_due(a->requested_at, rd_config_int(ctx->cfg, "revocation", "promise_hours"));
	r.recorded_at = rd_ctx_now(ctx);
	rd_strlcpy(r.recorded_by, ctx->who.name, sizeof r.recorded_by);
	rd_strlcpy(r.status, a->single_clerk ? "approved" : "pending", sizeof r.status);
	if (a->single_clerk) {
		rd_strlcpy(r.approved_by, ctx->who.name, sizeof r.approved_by);
		r.approved_at = r.recorded_at;
	}
	r.new_csr = (char *)a->csr;
	rd_strlcpy(r.ukey_fate, a->ukey_fate ? a->ukey_fate : "", sizeof r.ukey_fate);
	rd_strlcpy(r.ukey_serial, a->ukey_serial ? a->ukey_serial : "", sizeof r.ukey_serial);
	rd_strlcpy(r.new_app_no, a->new_app_no ? a->new_app_no : "", sizeof r.new_app_no);
	if ((rc = rd_revreq_insert(ctx->db, &r, e)) != RD_OK)
		return rc;
	a->id = r.id;
	rd_time_iso(r.due_at, due);
	details = rd_details("purpose", a->purpose, "reason", a->reason_name, "serial", r.serial_hex, "due", due,
			     "note", a->note, "in_person", a->in_person ? "yes" : NULL, "single_clerk",
			     a->single_clerk ? "yes" : NULL, "ukey", a->ukey_fate, "ukey_serial", a->ukey_serial,
			     "new_application", a->new_app_no, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "cert.revoke_request", app.no, details, e);
	free(details);
	return rc;
}

/* Puts an approved request into the CA outbox and records it queued.  An
 * outbox request made before a crash is picked up rather than doubled. */
static rd_code queue_upstream(rd_ctx *ctx, rd_revreq_row *r, rd_err *e)
{
	rd_careq_info ci;
	char id[40] = "";
	char *details;
	rd_code rc;
	if (rd_ca_request_get(ctx, r->app_no, &ci, NULL) == RD_OK && ci.kind == RD_CAREQ_REVOKE &&
	    ci.created_at >= r->approved_at && strcmp(ci.state, "failed") != 0)
		rd_strlcpy(id, ci.id, sizeof id);
	else if ((rc = rd_ca_request_revoke(ctx, r->app_no, r->reason, id, e)) != RD_OK) {
		rd_err_prefix(e, _("approved, but not queued to the CA (radesk cert sync tries again)"));
		return rc;
	}
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		return rc;
	rd_strlcpy(r->status, "queued", sizeof r->status);
	rd_strlcpy(r->careq_id, id, sizeof r->careq_id);
	r->status_reason[0] = '\0';
	rc = rd_revreq_update(ctx->db, r, e);
	if (rc == RD_OK) {
		details = rd_details("request", id, "reason", rd_ca_reason_name(r->reason), "serial", r->serial_hex,
				     (const char *)NULL);
		rc = details ? rd_ctx_audit(ctx, "cert.revoke_queued", r->app_no, details, e)
			     : rd_fail(e, RD_E_NOMEM, _("out of memory"));
		free(details);
	}
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

static bool single_clerk_allowed(rd_ctx *ctx, int reason, bool in_person)
{
	return reason == RD_CA_KEY_COMPROMISE && in_person &&
	       rd_config_bool(ctx->cfg, "revocation", "single_clerk_key_compromise");
}

/* Records, then queues at once when the exception applies. */
static rd_code record_request(rd_ctx *ctx, struct record_args *a, const char *audit_refusal, int64_t *req_id,
			      bool *queued, rd_err *e)
{
	rd_code rc;
	rd_revreq_row r;
	if (queued)
		*queued = false;
	a->single_clerk = single_clerk_allowed(ctx, a->reason, a->in_person);
	rc = rd_in_transaction(ctx, record_step, a, e);
	if (rc != RD_OK)
		return refused(ctx, audit_refusal, a->no, rc, e);
	if (req_id)
		*req_id = a->id;
	if (!a->single_clerk)
		return RD_OK;
	if ((rc = rd_revreq_get(ctx->db, a->id, &r, e)) != RD_OK)
		return rc;
	rc = queue_upstream(ctx, &r, e);
	rd_revreq_row_free(&r);
	if (rc == RD_OK && queued)
		*queued = true;
	return rc;
}

/* A change or reissue made its new application as a copy; the revocation
 * request that links them is recorded now.  If anything failed, the copy is
 * cancelled so that no orphan draft is left, and the refusal audited. */
static rd_code settle_copy(rd_ctx *ctx, struct record_args *a, const char *no, const char *copy, rd_code rc,
			   const char *refusal, bool *queued, const char *cancel_reason, char new_no[32], rd_err *e)
{
	rd_err ignore;
	if (rc != RD_OK) {
		if (copy[0])
			rd_app_cancel(ctx, copy, cancel_reason, &ignore);
		return refused(ctx, refusal, no, rc, e);
	}
	a->new_app_no = copy;
	if ((rc = record_request(ctx, a, refusal, NULL, queued, e)) != RD_OK) {
		rd_app_cancel(ctx, copy, cancel_reason, &ignore);
		return rc;
	}
	rd_strlcpy(new_no, copy, 32);
	return RD_OK;
}

/* One open revocation request per application at a time. */
static rd_code no_open_request(rd_ctx *ctx, int64_t app_id, const char *no, rd_err *e)
{
	rd_revreq_row open;
	if (rd_revreq_open_for(ctx->db, app_id, &open, NULL) != RD_OK)
		return RD_OK;
	rd_revreq_row_free(&open);
	return rd_fail_at(e, RD_E_CONFLICT, "application", _("application %s has an open revocation request already (%s)"),
			  no, open.status);
}


rd_code rd_life_revoke_request(rd_ctx *ctx, const char *no, const rd_revoke_opts *o, int64_t *req_id,
			       bool *queued, rd_err *e)
{
	struct record_args a = {0};
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.revoke_refused", no, rc, e);
	a.no = no;
	a.purpose = "revoke";
	a.reason_name = o->reason;
	a.note = o->note;
	a.requested_at = o->requested_at;
	a.in_person = o->in_person;
	if ((rc = parse_reason(ctx, o->reason, "--reason", &a.reason, e)) != RD_OK ||
	    (rc = check_note(o->note, "--note", e)) != RD_OK ||
	    (rc = check_requested_at(ctx, &a.requested_at, e)) != RD_OK)
		return refused(ctx, "cert.revoke_refused", no, rc, e);
	return record_request(ctx, &a, "cert.revoke_refused", req_id, queued, e);
}

/* ---- approval ------------------------------------------------------------------ */

struct approve_args {
	const char *key;        /* number or batch */
	int64_t ids[256];
	size_t n;
};

static int collect_pending(void *ud, const rd_revreq_row *r)
{
	struct approve_args *a = ud;
	if (strcmp(r->status, "pending") != 0)
		return 0;
	if (a->n < RD_ARRAY_LEN(a->ids))
		a->ids[a->n++] = r->id;
	return 0;
}

static rd_code approve_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct approve_args *a = ud;
	rd_code rc;
	for (size_t i = 0; i < a->n; i++) {
		rd_revreq_row r;
		char *details;
		if ((rc = rd_revreq_get(ctx->db, a->ids[i], &r, e)) != RD_OK)
			return rc;
		rd_revreq_row_free(&r);
		if (strcmp(r.status, "pending") != 0)
			return rd_fail_at(e, RD_E_CONFLICT, "request", _("the request for %s is %s, not pending"),
					  r.app_no, r.status);
		if (!strcasecmp(r.recorded_by, ctx->who.name))
			return rd_fail_at(e, RD_E_REFUSED, "four_eyes",
					  _("%s recorded the revocation request of %s; another operator must approve it"),
					  ctx->who.name, r.app_no);
		rd_strlcpy(r.status, "approved", sizeof r.status);
		rd_strlcpy(r.approved_by, ctx->who.name, sizeof r.approved_by);
		r.approved_at = rd_ctx_now(ctx);
		if ((rc = rd_revreq_update(ctx->db, &r, e)) != RD_OK)
			return rc;
		details = rd_details("recorded_by", r.recorded_by, "reason", rd_ca_reason_name(r.reason), "batch",
				     r.batch[0] ? r.batch : NULL, (const char *)NULL);
		if (!details)
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		rc = rd_ctx_audit(ctx, "cert.revoke_approve", r.app_no, details, e);
		free(details);
		if (rc != RD_OK)
			return rc;
	}
	return RD_OK;
}

/* An approved lost-UKEY reissue marks the old token lost or destroyed, as
 * the clerk recorded it (the four eyes of the request stand for the
 * stock's admin check).  A token not in the stock is only logged: the
 * request names it for the admin (radesk ukey mark). */
static void mark_old_ukey(rd_ctx *ctx, const rd_revreq_row *r)
{
	rd_err err;
	char why[128];
	if (strcmp(r->purpose, "reissue") != 0 || !r->ukey_serial[0] || !r->ukey_fate[0])
		return;
	snprintf(why, sizeof why, _("reissue of %s"), r->app_no);
	if (rd_ukey_stock_mark_in_flow(ctx, r->ukey_serial, r->ukey_fate, why, &err) != RD_OK)
		rd_log(&ctx->log, RD_LOG_WARN, _("UKEY %s not marked %s: %s"), r->ukey_serial, r->ukey_fate, err.msg);
}

rd_code rd_life_revoke_approve(rd_ctx *ctx, const char *no_or_batch, int *count, rd_err *e)
{
	struct approve_args *a;
	rd_app_state app;
	rd_revreq_row r;
	rd_code rc;
	if (count)
		*count = 0;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.revoke_approve_refused", no_or_batch, rc, e);
	if (!no_or_batch || !*no_or_batch)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number or batch given"));
	if (!(a = calloc(1, sizeof *a)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	a->key = no_or_batch;
	if (!strncmp(no_or_batch, "B-", 2)) {
		rc = rd_revreq_each(ctx->db, "pending", no_or_batch, collect_pending, a, e);
		if (rc == RD_OK && a->n == 0)
			rc = rd_fail_at(e, RD_E_NOTFOUND, "batch", _("no pending revocation requests in batch %s"),
					no_or_batch);
	} else if ((rc = rd_desk_app_get(ctx->db, no_or_batch, &app, e)) == RD_OK) {
		rc = rd_revreq_open_for(ctx->db, app.id, &r, e);
		if (rc == RD_E_NOTFOUND)
			rc = rd_fail_at(e, RD_E_NOTFOUND, "request", _("application %s has no open revocation request"),
					no_or_batch);
		else if (rc == RD_OK) {
			a->ids[a->n++] = r.id;
			rd_revreq_row_free(&r);
		}
	}
	if (rc == RD_OK)
		rc = rd_in_transaction(ctx, approve_step, a, e);
	if (rc != RD_OK) {
		free(a);
		return refused(ctx, "cert.revoke_approve_refused", no_or_batch, rc, e);
	}
	if (count)
		*count = (int)a->n;
	/* As with issuance, a reviewer decides and the counter (clerk, admin)
	 * sends: a reviewer's approval waits for the next cert sync. */
	for (size_t i = 0; i < a->n && rc == RD_OK; i++) {
		if ((rc = rd_revreq_get(ctx->db, a->ids[i], &r, e)) != RD_OK)
			break;
		mark_old_ukey(ctx, &r);
		if (ctx->who.role == RD_ROLE_CLERK || ctx->who.role == RD_ROLE_ADMIN)
			rc = queue_upstream(ctx, &r, e);
		rd_revreq_row_free(&r);
	}
	free(a);
	return rc;
}

struct reject_args {
	const char *no, *reason;
};

static rd_code reject_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct reject_args *a = ud;
	rd_app_state app;
	rd_revreq_row r;
	char *details;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, a->no, &app, e)) != RD_OK)
		return rc;
	rc = rd_revreq_open_for(ctx->db, app.id, &r, e);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "request", _("application %s has no open revocation request"), a->no);
	if (rc != RD_OK)
		return rc;
	rd_revreq_row_free(&r);
	if (strcmp(r.status, "pending") != 0)
		return rd_fail_at(e, RD_E_REFUSED, "request",
				  _("the request for %s is %s; only a pending request can be refused"), a->no, r.status);
	if (!strcasecmp(r.recorded_by, ctx->who.name))
		return rd_fail_at(e, RD_E_REFUSED, "four_eyes",
				  _("%s recorded the revocation request of %s; another operator must decide"),
				  ctx->who.name, a->no);
	rd_strlcpy(r.status, "withdrawn", sizeof r.status);
	rd_strlcpy(r.status_reason, a->reason, sizeof r.status_reason);
	r.done_at = rd_ctx_now(ctx);
	if ((rc = rd_revreq_update(ctx->db, &r, e)) != RD_OK)
		return rc;
	details = rd_details("reason", a->reason, "recorded_by", r.recorded_by, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "cert.revoke_reject", a->no, details, e);
	free(details);
	return rc;
}

rd_code rd_life_revoke_reject(rd_ctx *ctx, const char *no, const char *reason, rd_err *e)
{
	struct reject_args a = {no, reason};
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.revoke_reject_refused", no, rc, e);
	if (!reason || !*reason)
		return rd_fail_at(e, RD_E_INVALID, "--reason", _("refusing a revocation request needs a reason"));
	if ((rc = check_note(reason, "--reason", e)) != RD_OK)
		return rc;
	rc = rd_in_transaction(ctx, reject_step, &a, e);
	return refused(ctx, "cert.revoke_reject_refused", no, rc, e);
}

/* ---- following the outbox ------------------------------------------------------- */

struct id_list {
	int64_t *ids;
	size_t n, cap;
	bool reissue_only;
};

static int collect_ids(void *ud, const rd_revreq_row *r)
{
	struct id_list *l = ud;
	if (l->reissue_only && (strcmp(r->purpose, "reissue") != 0 || r->new_careq_id[0] || !r->new_csr))
		return 0;
	int64_t *p = rd_grow(l->ids, &l->cap, l->n + 1, sizeof *p, 32);
	if (!p)
		return 1;
	l->ids = p;
	l->ids[l->n++] = r->id;
	return 0;
}

static rd_code close_request(rd_ctx *ctx, rd_revreq_row *r, const char *status, const char *why, rd_err *e)
{
	char *details;
	rd_code rc = rd_db_begin(ctx->db, e);
	char action[48];
	if (rc != RD_OK)
		return rc;
	rd_strlcpy(r->status, status, sizeof r->status);
	rd_strlcpy(r->status_reason, why ? why : "", sizeof r->status_reason);
	r->done_at = rd_ctx_now(ctx);
	rc = rd_revreq_update(ctx->db, r, e);
	if (rc == RD_OK) {
		char due[32];
		rd_time_iso(r->due_at, due);
		details = rd_details("request", r->careq_id, "reason", rd_ca_reason_name(r->reason), "serial",
				     r->serial_hex, "due", due, "late",
				     (!strcmp(status, "done") && r->done_at > r->due_at) ? "yes" : NULL, "error", why,
				     (const char *)NULL);
		snprintf(action, sizeof action, "cert.revoke_%s", status);
		rc = details ? rd_ctx_audit(ctx, action, r->app_no, details, e) : rd_fail(e, RD_E_NOMEM, _("out of memory"));
		free(details);
	}
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

/* The revocation is confirmed: once the new UKEY's application is approved,
 * its CSR goes to the outbox.  RD_E_NOTFOUND: not approved yet. */
static rd_code continue_reissue(rd_ctx *ctx, rd_revreq_row *r, rd_err *e)
{
	rd_app_state app;
	char id[40] = "", *details;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, r->new_app_no, &app, e)) != RD_OK)
		return rc;
	if (strcmp(app.state, "approved") != 0)
		return RD_E_NOTFOUND;
	if ((rc = rd_ca_request_enroll(ctx, r->new_app_no, r->new_csr, id, e)) != RD_OK)
		return rc;
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		return rc;
	rd_strlcpy(r->new_careq_id, id, sizeof r->new_careq_id);
	rc = rd_revreq_update(ctx->db, r, e);
	if (rc == RD_OK) {
		details = rd_details("request", id, "old_application", r->app_no, "old_serial", r->serial_hex, "ukey",
				     r->ukey_fate, (const char *)NULL);
		rc = details ? rd_ctx_audit(ctx, "cert.reissue_enroll", r->new_app_no, details, e)
			     : rd_fail(e, RD_E_NOMEM, _("out of memory"));
		free(details);
	}
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

static rd_code sync_one(rd_ctx *ctx, int64_t id, rd_life_sync_result *res, rd_err *e)
{
	rd_revreq_row r;
	rd_careq_info ci;
	rd_code rc = rd_revreq_get(ctx->db, id, &r, e);
	if (rc != RD_OK)
		return rc;
	if (!strcmp(r.status, "approved")) {
		if ((rc = queue_upstream(ctx, &r, e)) == RD_OK)
			res->queued++;
	} else if (!strcmp(r.status, "queued")) {
		rc = rd_ca_request_get(ctx, r.careq_id, &ci, e);
		if (rc == RD_OK && !strcmp(ci.state, "done")) {
			if ((rc = close_request(ctx, &r, "done", NULL, e)) == RD_OK)
				res->done++;
		} else if (rc == RD_OK && !strcmp(ci.state, "failed")) {
			if ((rc = close_request(ctx, &r, "failed", ci.reason[0] ? ci.reason : _("refused by the CA"),
						e)) == RD_OK)
				res->failed++;
		}
	}
	if (rc == RD_OK && !strcmp(r.status, "done") && !strcmp(r.purpose, "reissue") && r.new_csr &&
	    r.new_app_no[0] && !r.new_careq_id[0]) {
		rc = continue_reissue(ctx, &r, e);
		if (rc == RD_OK)
			res->reissued++;
		else if (rc == RD_E_NOTFOUND && !(e && e->msg[0])) /* the new application is not approved yet */
			rc = RD_OK;
	}
	rd_revreq_row_free(&r);
	return rc;
}

rd_code rd_life_sync(rd_ctx *ctx, rd_life_sync_result *out, rd_err *e)
{
	struct id_list open = {0}, reissue = {0};
	rd_life_sync_result res = {0};
	rd_code rc, first = RD_OK;
	rd_err err1;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	reissue.reissue_only = true;
	if ((rc = rd_revreq_each(ctx->db, "open", NULL, collect_ids, &open, e)) != RD_OK ||
	    (rc = rd_revreq_each(ctx->db, "done", NULL, collect_ids, &reissue, e)) != RD_OK) {
		free(open.ids);
		free(reissue.ids);
		return rc;
	}
	for (int pass = 0; pass < 2; pass++) {
		struct id_list *l = pass ? &reissue : &open;
		for (size_t i = 0; i < l->n; i++) {
			rd_err_clear(&err1);
			rc = sync_one(ctx, l->ids[i], &res, &err1);
			if (rc != RD_OK) {
				res.errors++;
				rd_log(&ctx->log, RD_LOG_WARN, "%s", err1.msg);
				if (first == RD_OK) {
					first = rc;
					if (e)
						*e = err1;
				}
			}
		}
	}
	/* a reissue whose revocation was confirmed just now continues at once */
	reissue.n = 0;
	if (rd_revreq_each(ctx->db, "done", NULL, collect_ids, &reissue, NULL) == RD_OK)
		for (size_t i = 0; i < reissue.n; i++) {
			rd_err_clear(&err1);
			if (sync_one(ctx, reissue.ids[i], &res, &err1) != RD_OK)
				res.errors++;
		}
	free(open.ids);
	free(reissue.ids);
	if (out)
		*out = res;
	return first;
}

/* ---- listing ------------------------------------------------------------------------ */

struct list_args {
	rd_ctx *ctx;
	bool overdue_only;
	rd_revocation_fn fn;
	void *ud;
	time_t now;
};

static int list_one(void *ud, const rd_revreq_row *r)
{
	struct list_args *a = ud;
	rd_revocation v;
	memset(&v, 0, sizeof v);
	v.r = *r;
	v.r.new_csr = NULL;
	v.open = !strcmp(r->status, "pending") || !strcmp(r->status, "approved") || !strcmp(r->status, "queued");
	v.seconds_left = (int64_t)(r->due_at - a->now);
	v.overdue = v.open && v.seconds_left < 0;
	v.late = !strcmp(r->status, "done") && r->done_at > r->due_at;
	if (a->overdue_only && !v.overdue)
		return 0;
	return a->fn(a->ud, &v);
}

rd_code rd_life_revocations(rd_ctx *ctx, bool open_only, bool overdue_only, rd_revocation_fn fn, void *ud,
			    rd_err *e)
{
	struct list_args a = {ctx, overdue_only, fn, ud, rd_ctx_now(ctx)};
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK)
		return rc;
	return rd_revreq_each(ctx->db, (open_only || overdue_only) ? "open" : NULL, NULL, list_one, &a, e);
}

rd_code rd_life_pending(rd_ctx *ctx, rd_pending *out, rd_err *e)
{
	if (ctx->who.role != RD_ROLE_REVIEWER && ctx->who.role != RD_ROLE_ADMIN)
		return RD_OK;
	return rd_revreq_overdue_count(ctx->db, rd_ctx_now(ctx), &out->revocations_overdue, e);
}

/* ---- renewal ------------------------------------------------------------------------ */

#define ANSWER_TRIES 5

/* The answer as hash_answer in applications.c normalises it. */
static rd_code answer_matches(const char *hash, const char *answer, bool *ok, rd_err *e)
{
	char norm[512];
	rd_code rc = rd_norm_text(answer, norm, sizeof norm);
	if (rc != RD_OK) {
		rd_memzero(norm, sizeof norm);
		return rd_fail_at(e, RD_E_INVALID, "answer", _("the answer is not valid text"));
	}
	for (char *p = norm; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	*ok = argon2id_verify(hash, norm, strlen(norm)) == ARGON2_OK;
	rd_memzero(norm, sizeof norm);
	return RD_OK;
}

struct wrong_args {
	int64_t app_id;
	const char *no;
	int failures;
	bool locked;
};

static rd_code wrong_answer_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct wrong_args *a = ud;
	int failures;
	time_t locked_at, now = rd_ctx_now(ctx);
	char n[16], *details;
	rd_code rc = rd_answer_attempts_get(ctx->db, a->app_id, &failures, &locked_at, e);
	if (rc != RD_OK)
		return rc;
	failures++;
	a->failures = failures;
	a->locked = failures >= ANSWER_TRIES;
	if ((rc = rd_answer_attempts_set(ctx->db, a->app_id, failures, now, a->locked ? now : 0, e)) != RD_OK)
		return rc;
	snprintf(n, sizeof n, "%d", failures);
	details = rd_details("failures", n, "locked", a->locked ? "yes" : NULL, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "cert.renew_answer_wrong", a->no, details, e);
	free(details);
	return rc;
}

static rd_code check_proof(rd_ctx *ctx, const rd_app_state *app, const rd_renew_opts *o, rd_err *e)
{
	rd_app_record rec;
	int failures;
	time_t locked_at;
	bool ok = false;
	rd_code rc;
	if (o->id_sighted)
		return RD_OK;
	if (!o->answer || !*o->answer)
		return rd_fail_at(e, RD_E_INVALID, "answer",
				  _("renewal needs the verification answer or the ID sighted again"));
	if ((rc = rd_answer_attempts_get(ctx->db, app->id, &failures, &locked_at, e)) != RD_OK)
		return rc;
	if (locked_at)
		return rd_fail_at(e, RD_E_AUTH, "answer",
				  _("the verification answer of %s is locked after %d wrong answers; sight the ID "
				    "instead or ask an admin to unlock it"),
				  app->no, ANSWER_TRIES);
	if (!ctx->have_keys)
		return rd_fail(e, RD_E_CONFIG, _("the key file is not loaded"));
	if ((rc = rd_app_get(ctx->db, &ctx->keys, app->no, &rec, e)) != RD_OK)
		return rc;
	if (!rec.verify_answer_hash[0]) {
		rd_memzero(&rec, sizeof rec);
		return rd_fail_at(e, RD_E_REFUSED, "answer",
				  _("application %s has no verification answer on file; sight the ID instead"), app->no);
	}
	rc = answer_matches(rec.verify_answer_hash, o->answer, &ok, e);
	rd_memzero(&rec, sizeof rec);
	if (rc != RD_OK)
		return rc;
	if (!ok) {
		struct wrong_args w = {app->id, app->no, 0, false};
		rd_err e2;
		if ((rc = rd_in_transaction(ctx, wrong_answer_step, &w, &e2)) != RD_OK) {
			if (e)
				*e = e2;
			return rc;
		}
		if (w.locked)
			return rd_fail_at(e, RD_E_AUTH, "answer",
					  _("wrong verification answer; %d wrong answers, the answer is now locked"),
					  w.failures);
		return rd_fail_at(e, RD_E_AUTH, "answer",
				  _("wrong verification answer (%d of %d tries used, %d left)"), w.failures,
				  ANSWER_TRIES, ANSWER_TRIES - w.failures);
	}
	return RD_OK;
}

static rd_code check_method(const char *method, const char *ref, rd_err *e)
{
	if (!method || !*method)
		return rd_fail_at(e, RD_E_INVALID, "--method", _("the payment method is missing (cash, card, transfer, qr)"));
	if (strcmp(method, "cash") && strcmp(method, "card") && strcmp(method, "transfer") && strcmp(method, "qr"))
		return rd_fail_at(e, RD_E_INVALID, "--method", _("'%s' is not a payment method (cash, card, transfer, qr)"),
				  method);
	if ((!strcmp(method, "transfer") || !strcmp(method, "qr")) && (!ref || !*ref))
		return rd_fail_at(e, RD_E_INVALID, "--ref", _("%s needs a reference"), method);
	if (ref && strlen(ref) > 120)
		return rd_fail_at(e, RD_E_INVALID, "--ref", _("the reference is longer than 120 bytes"));
	return RD_OK;
}

struct renew_record {
	const char *no, *old_serial, *proof, *careq, *method, *ref;
	int64_t amount;
	char *receipt;
};

static rd_code renew_record_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct renew_record *a = ud;
	rd_app_state app;
	rd_payment_row p;
	char amount[32], *details;
	int64_t seq;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, a->no, &app, e)) != RD_OK)
		return rc;
	a->receipt[0] = '\0';
	if (a->amount > 0) {
		char compact[16];
		memset(&p, 0, sizeof p);
		p.app_id = app.id;
		p.amount = a->amount;
		rd_strlcpy(p.method, a->method, sizeof p.method);
		rd_strlcpy(p.ref, a->ref ? a->ref : "", sizeof p.ref);
		rd_strlcpy(p.reason, "renewal", sizeof p.reason);
		rd_strlcpy(p.operator_name, ctx->who.name, sizeof p.operator_name);
		p.at = rd_ctx_now(ctx);
		rd_local_day(p.at, p.day);
		if ((rc = rd_desk_receipt_next(ctx->db, p.day, &seq, e)) != RD_OK)
			return rc;
		snprintf(compact, sizeof compact, "%.4s%.2s%.2s", p.day, p.day + 5, p.day + 8);
		snprintf(p.receipt, sizeof p.receipt, "R%s-%s-%06lld",
			 rd_config_str(ctx->cfg, "radesk", "service_point"), compact, (long long)seq);
		if ((rc = rd_desk_payment_insert(ctx->db, &p, NULL, e)) != RD_OK)
			return rc;
		rd_strlcpy(a->receipt, p.receipt, 48);
	}
	if ((rc = rd_renewal_insert(ctx->db, app.id, a->old_serial, a->proof, a->careq, a->receipt,
				    ctx->who.name, rd_ctx_now(ctx), e)) != RD_OK)
		return rc;
	if ((rc = rd_answer_attempts_set(ctx->db, app.id, 0, rd_ctx_now(ctx), 0, e)) != RD_OK)
		return rc;
	rd_money_format(a->amount, amount);
	details = rd_details("request", a->careq, "old_serial", a->old_serial, "proof", a->proof, "receipt",
			     a->receipt[0] ? a->receipt : NULL, "amount", amount, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "cert.renew", a->no, details, e);
	free(details);
	return rc;
}

static rd_code renew_checks(rd_ctx *ctx, const char *no, const rd_renew_opts *o, rd_app_state *app,
			    rd_cert_info *cert, int64_t *fee, rd_err *e)
{
	rd_revreq_row open;
	rd_code rc;
	if ((rc = revocable(ctx, no, app, cert, e)) != RD_OK)
		return rc;
	if (rd_revreq_open_for(ctx->db, app->id, &open, NULL) == RD_OK) {
		rd_revreq_row_free(&open);
		return rd_fail_at(e, RD_E_REFUSED, "application",
				  _("application %s has an open revocation request; it cannot be renewed"), no);
	}
	if ((rc = rd_life_renewal_window(rd_config_int(ctx->cfg, "renewal", "window_days"), cert->not_after,
					 rd_ctx_now(ctx), e)) != RD_OK)
		return rc;
	if ((rc = check_csr(o->csr_pem, e)) != RD_OK)
		return rc;
	if (rd_fee_for(ctx, app->product, app->years, fee, NULL) != RD_OK)
		*fee = 0;
	if (o->amount && o->amount != *fee) {
		char want[32], got[32];
		rd_money_format(*fee, want);
		rd_money_format(o->amount, got);
		return rd_fail_at(e, RD_E_INVALID, "--amount", _("the renewal fee is %s, not %s"), want, got);
	}
	if (*fee > 0 && (rc = check_method(o->method, o->ref, e)) != RD_OK)
		return rc;
	return check_proof(ctx, app, o, e);
}

rd_code rd_life_renew(rd_ctx *ctx, const char *no, const rd_renew_opts *o, char careq_id[40], char receipt[48],
		      rd_err *e)
{
	rd_app_state app;
	rd_cert_info cert;
	int64_t fee = 0;
	char id[40] = "", rcpt[48] = "";
	struct renew_record rr;
	rd_code rc;
	if (careq_id)
		careq_id[0] = '\0';
	if (receipt)
		receipt[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.renew_refused", no, rc, e);
	rc = renew_checks(ctx, no, o, &app, &cert, &fee, e);
	if (rc != RD_OK) {
		rd_cert_info_free(&cert);
		return refused(ctx, "cert.renew_refused", no, rc, e);
	}
	if ((rc = rd_ca_request_renew(ctx, no, o->csr_pem, id, e)) != RD_OK) {
		rd_cert_info_free(&cert);
		return refused(ctx, "cert.renew_refused", no, rc, e);
	}
	rr = (struct renew_record){no, cert.serial_hex, o->id_sighted ? "id_sighted" : "answer", id, o->method,
				   o->ref, fee, rcpt};
	rc = rd_in_transaction(ctx, renew_record_step, &rr, e);
	rd_cert_info_free(&cert);
	if (rc != RD_OK)
		return rc;
	if (careq_id)
		rd_strlcpy(careq_id, id, 40);
	if (receipt)
		rd_strlcpy(receipt, rcpt, 48);
	return RD_OK;
}

static rd_code unlock_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	const char *no = ud;
	rd_app_state app;
	int failures;
	time_t locked_at;
	char n[16], *details;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, no, &app, e)) != RD_OK ||
	    (rc = rd_answer_attempts_get(ctx->db, app.id, &failures, &locked_at, e)) != RD_OK)
		return rc;
	if (!failures)
		return rd_fail_at(e, RD_E_REFUSED, "answer", _("application %s has no wrong answers on record"), no);
	if ((rc = rd_answer_attempts_set(ctx->db, app.id, 0, rd_ctx_now(ctx), 0, e)) != RD_OK)
		return rc;
	snprintf(n, sizeof n, "%d", failures);
	if (!(details = rd_details("failures", n, (const char *)NULL)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "cert.answer_unlock", no, details, e);
	free(details);
	return rc;
}

rd_code rd_life_answer_unlock(rd_ctx *ctx, const char *no, rd_err *e)
{
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.answer_unlock_refused", no, rc, e);
	return rd_in_transaction(ctx, unlock_step, (void *)no, e);
}

/* ---- lost UKEY, change of information, ceased organization ---------------------------- */

/* The same subscriber keeps the verification answer: its hash moves to the
 * new application (the answer itself is never known here). */
static rd_code carry_answer_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	const char *const *nos = ud;
	rd_app_record *o = calloc(1, sizeof *o), *n = calloc(1, sizeof *n);
	rd_code rc;
	if (!o || !n) {
		free(o);
		free(n);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	if ((rc = rd_app_get(ctx->db, &ctx->keys, nos[0], o, e)) == RD_OK &&
	    (rc = rd_app_get(ctx->db, &ctx->keys, nos[1], n, e)) == RD_OK && o->verify_answer_hash[0]) {
		char *details = rd_details("from", nos[0], (const char *)NULL);
		rd_strlcpy(n->verify_answer_hash, o->verify_answer_hash, sizeof n->verify_answer_hash);
		rd_strlcpy(n->updated_by, ctx->who.name, sizeof n->updated_by);
		n->updated_at = rd_ctx_now(ctx);
		rc = rd_app_update(ctx->db, &ctx->keys, n, e);
		if (rc == RD_OK)
			rc = details ? rd_ctx_audit(ctx, "app.answer_carried", nos[1], details, e)
				     : rd_fail(e, RD_E_NOMEM, _("out of memory"));
		free(details);
	}
	rd_memzero(o, sizeof *o);
	rd_memzero(n, sizeof *n);
	free(o);
	free(n);
	return rc;
}

static rd_code apply_changes(rd_ctx *ctx, const char *old_no, const char *new_no, const rd_change_opts *o,
			     rd_err *e)
{
	rd_application *oldm = calloc(1, sizeof *oldm), *newm = calloc(1, sizeof *newm);
	rd_app_meta meta;
	rd_errlist *errs = NULL;
	rd_code rc;
	if (!oldm || !newm) {
		free(oldm);
		free(newm);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	rc = rd_app_fetch(ctx, old_no, oldm, &meta, e);
	if (rc == RD_OK)
		rc = rd_app_fetch(ctx, new_no, newm, &meta, e);
	if (rc == RD_OK) {
		if (meta.masked)
			rc = rd_fail(e, RD_E_REFUSED, _("identifiers are masked for this role; a clerk records changes"));
	}
	if (rc == RD_OK) {
		newm->subject = oldm->subject;
		if (o->subject_name)
			rd_strlcpy(newm->subject.name, o->subject_name, sizeof newm->subject.name);
		if (o->org_name)
			rd_strlcpy(newm->organization.name, o->org_name, sizeof newm->organization.name);
		if (o->uscc)
			rd_strlcpy(newm->organization.uscc, o->uscc, sizeof newm->organization.uscc);
		if (o->username)
			rd_strlcpy(newm->username, o->username, sizeof newm->username);
		rd_strlcpy(newm->verification.question, oldm->verification.question,
			   sizeof newm->verification.question);
		rd_strlcpy(newm->agreement_version, oldm->agreement_version, sizeof newm->agreement_version);
		rc = rd_app_edit(ctx, new_no, newm, 0, RD_APP_DRAFT, errs, e);
	}
	if (rc == RD_OK)
		rc = rd_in_transaction(ctx, carry_answer_step, (void *)(const char *[]){old_no, new_no}, e);
	rd_application_clear(oldm);
	rd_application_clear(newm);
	free(oldm);
	free(newm);
	return rc;
}

rd_code rd_life_change(rd_ctx *ctx, const char *no, const rd_change_opts *o, char new_no[32], rd_err *e)
{
	struct record_args a = {0};
	rd_app_state app;
	rd_cert_info cert;
	char copy[32] = "";
	rd_code rc;
	new_no[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.change_refused", no, rc, e);
	a.no = no;
	a.purpose = "change";
	a.reason_name = o->reason ? o->reason : "affiliationChanged";
	a.note = o->note;
	a.requested_at = o->requested_at;
	rc = parse_reason(ctx, a.reason_name, "--reason", &a.reason, e);
	if (rc == RD_OK && a.reason != RD_CA_AFFILIATION_CHANGED && a.reason != RD_CA_SUPERSEDED)
		rc = rd_fail_at(e, RD_E_INVALID, "--reason",
				_("a change of information is revoked with affiliationChanged or superseded"));
	if (rc == RD_OK && !o->subject_name && !o->org_name && !o->uscc)
		rc = rd_fail_at(e, RD_E_INVALID, "changes", _("give at least one change (--name, --org-name or --uscc)"));
	if (rc == RD_OK)
		rc = check_note(o->note, "--note", e);
	if (rc == RD_OK)
		rc = check_requested_at(ctx, &a.requested_at, e);
	if (rc == RD_OK) {
		/* refuse early (unknown, revoked, open request) before making a copy */
		rc = revocable(ctx, no, &app, &cert, e);
		rd_cert_info_free(&cert);
	}
	if (rc == RD_OK)
		rc = no_open_request(ctx, app.id, no, e);
	if (rc == RD_OK)
		rc = rd_app_copy(ctx, no, copy, e);
	if (rc == RD_OK)
		rc = apply_changes(ctx, no, copy, o, e);
	return settle_copy(ctx, &a, no, copy, rc, "cert.change_refused", NULL,
			   _("change of information not recorded"), new_no, e);
}

rd_code rd_life_reissue(rd_ctx *ctx, const char *no, const rd_reissue_opts *o, char new_no[32], bool *queued,
			rd_err *e)
{
	struct record_args a = {0};
	rd_change_opts keep = {0};
	rd_app_state app;
	rd_cert_info cert;
	rd_stock_row old_ukey;
	char copy[32] = "";
	rd_code rc;
	new_no[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.reissue_refused", no, rc, e);
	a.no = no;
	a.purpose = "reissue";
	a.reason_name = o->reason;
	a.note = o->note;
	a.requested_at = o->requested_at;
	a.in_person = o->in_person;
	a.csr = o->csr_pem;
	a.ukey_fate = o->ukey_fate;
	a.ukey_serial = o->ukey_serial && *o->ukey_serial ? o->ukey_serial : NULL;
	if ((rc = parse_reason(ctx, o->reason, "--reason", &a.reason, e)) == RD_OK &&
	    a.reason != RD_CA_KEY_COMPROMISE && a.reason != RD_CA_SUPERSEDED)
		rc = rd_fail_at(e, RD_E_INVALID, "--reason",
				_("a lost or damaged UKEY is revoked with keyCompromise or superseded"));
	if (rc == RD_OK && (!o->ukey_fate || (strcmp(o->ukey_fate, "lost") && strcmp(o->ukey_fate, "destroyed"))))
		rc = rd_fail_at(e, RD_E_INVALID, "--ukey", _("say what became of the old UKEY: lost or destroyed"));
	if (rc == RD_OK && a.ukey_serial && strlen(a.ukey_serial) > 60)
		rc = rd_fail_at(e, RD_E_INVALID, "--token", _("the token serial is longer than 60 characters"));
	if (rc == RD_OK)
		rc = check_note(o->note, "--note", e);
	if (rc == RD_OK)
		rc = check_requested_at(ctx, &a.requested_at, e);
	if (rc == RD_OK && o->csr_pem)
		rc = check_csr(o->csr_pem, e);
	if (rc == RD_OK) {
		rc = revocable(ctx, no, &app, &cert, e);
		rd_cert_info_free(&cert);
	}
	/* the old token: as given, else the one the application was issued on */
	if (rc == RD_OK && !a.ukey_serial && rd_ukey_of_app(ctx, no, &old_ukey, NULL) == RD_OK && old_ukey.serial[0])
		a.ukey_serial = old_ukey.serial;
	if (rc == RD_OK)
		rc = no_open_request(ctx, app.id, no, e);
	if (rc == RD_OK)
		rc = rd_app_copy(ctx, no, copy, e);
	keep.username = o->username;
	if (rc == RD_OK)
		rc = apply_changes(ctx, no, copy, &keep, e);
	return settle_copy(ctx, &a, no, copy, rc, "cert.reissue_refused", queued, _("reissue not recorded"),
			   new_no, e);
}

struct ceased_find {
	char nos[256][32];
	size_t n;
};

static int ceased_collect(void *ud, const rd_app_summary *s)
{
	struct ceased_find *f = ud;
	if (live_state(s->state) && f->n < RD_ARRAY_LEN(f->nos))
		rd_strlcpy(f->nos[f->n++], s->no, sizeof f->nos[0]);
	return 0;
}

/* The issued or activated applications of a (normalised) credit code. */
static rd_code ceased_find(rd_ctx *ctx, const char *norm, struct ceased_find *f, rd_err *e)
{
	rd_app_query q = {0};
	q.text = norm;
	q.limit = 250;
	return rd_app_find(ctx, &q, ceased_collect, f, e);
}

rd_code rd_life_ceased_preview(rd_ctx *ctx, const char *uscc, int *count, char (*nos)[32], size_t max,
			       rd_err *e)
{
	struct ceased_find *f;
	char norm[64];
	rd_code rc;
	*count = 0;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!uscc || !*uscc)
		return rd_fail_at(e, RD_E_INVALID, "--uscc", _("the unified social credit code is missing"));
	if (rd_norm_uscc(uscc, norm, sizeof norm) != RD_OK)
		rd_strlcpy(norm, uscc, sizeof norm);
	if ((rc = rd_check_uscc(norm, "--uscc", e)) != RD_OK)
		return rc;
	if (!(f = calloc(1, sizeof *f)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = ceased_find(ctx, norm, f, e);
	for (size_t i = 0; rc == RD_OK && i < f->n; i++) { /* as rd_life_ceased would refuse */
		rd_app_state app;
		if ((rc = rd_desk_app_get(ctx->db, f->nos[i], &app, e)) == RD_OK)
			rc = no_open_request(ctx, app.id, app.no, e);
	}
	if (rc == RD_OK) {
		*count = (int)f->n;
		for (size_t i = 0; nos && i < f->n && i < max; i++)
			rd_strlcpy(nos[i], f->nos[i], sizeof nos[i]);
	}
	free(f);
	return rc;
}

struct ceased_args {
	struct ceased_find *f;
	const char *note, *evidence_sha, *evidence_name, *batch;
	time_t requested_at, ceased_on;
	int count;
};

static rd_code ceased_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct ceased_args *a = ud;
	char due[32], days[16], *details;
	rd_code rc;
	int wd = a->ceased_on ? rd_life_notice_working_days(a->ceased_on, a->requested_at) : -1;
	for (size_t i = 0; i < a->f->n; i++) {
		rd_app_state app;
		rd_cert_info cert;
		rd_revreq_row r;
		if ((rc = revocable(ctx, a->f->nos[i], &app, &cert, e)) != RD_OK)
			return rc;
		if ((rc = no_open_request(ctx, app.id, app.no, e)) != RD_OK) {
			rd_cert_info_free(&cert);
			return rc;
		}
		memset(&r, 0, sizeof r);
		r.app_id = app.id;
		rd_strlcpy(r.app_no, app.no, sizeof r.app_no);
		rd_strlcpy(r.purpose, "ceased", sizeof r.purpose);
		r.reason = RD_CA_CESSATION_OF_OPERATION;
		rd_strlcpy(r.serial_hex, cert.serial_hex, sizeof r.serial_hex);
		rd_cert_info_free(&cert);
		rd_strlcpy(r.note, a->note ? a->note : "", sizeof r.note);
		rd_strlcpy(r.batch, a->batch, sizeof r.batch);
		rd_strlcpy(r.evidence_sha256, a->evidence_sha, sizeof r.evidence_sha256);
		rd_strlcpy(r.evidence_name, a->evidence_name, sizeof r.evidence_name);
		r.requested_at = a->requested_at;
		r.due_at = rd_life_due(a->requested_at, rd_config_int(ctx->cfg, "revocation", "promise_hours"));
		r.recorded_at = rd_ctx_now(ctx);
		rd_strlcpy(r.recorded_by, ctx->who.name, sizeof r.recorded_by);
		rd_strlcpy(r.status, "pending", sizeof r.status);
		if ((rc = rd_revreq_insert(ctx->db, &r, e)) != RD_OK)
			return rc;
		rd_time_iso(r.due_at, due);
		snprintf(days, sizeof days, "%d", wd);
		details = rd_details("purpose", "ceased", "reason", "cessationOfOperation", "serial", r.serial_hex,
				     "batch", a->batch, "evidence", a->evidence_sha, "evidence_name", a->evidence_name,
				     "due", due, "notice_working_days", wd >= 0 ? days : NULL, "late_notice",
				     wd > 5 ? "yes" : NULL, "note", a->note, (const char *)NULL);
		if (!details)
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		rc = rd_ctx_audit(ctx, "cert.revoke_request", app.no, details, e);
		free(details);
		if (rc != RD_OK)
			return rc;
		a->count++;
	}
	return RD_OK;
}

static rd_code store_evidence(rd_ctx *ctx, const char *path, char sha[65], char name[256], rd_err *e)
{
	char *data = NULL, *dir = NULL, *dest = NULL;
	size_t len = 0;
	const char *base;
	rd_code rc;
	if (!path || !*path)
		return rd_fail_at(e, RD_E_INVALID, "--evidence", _("the evidence document is missing"));
	if ((rc = rd_file_read(path, (size_t)10 << 20, &data, &len, e)) != RD_OK)
		return rc;
	if (len == 0) {
		free(data);
		return rd_fail_at(e, RD_E_INVALID, "--evidence", _("%s is empty"), path);
	}
	rd_sha256_hex(data, len, sha);
	base = strrchr(path, '/');
	rd_strlcpy(name, base ? base + 1 : path, 256);
	dir = rd_config_path(ctx->cfg, "radesk", "data_dir");
	if (!dir) {
		free(data);
		return rd_fail(e, RD_E_CONFIG, _("no data directory configured"));
	}
	dest = rd_asprintf("%s/evidence", dir);
	if (!dest || (rc = rd_mkdir_p(dest, 0700, e)) != RD_OK) {
		rc = dest ? rc : rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	free(dest);
	dest = rd_asprintf("%s/evidence/%s", dir, sha);
	if (!dest)
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
	else if (!rd_file_exists(dest))
		rc = rd_file_write_atomic(dest, data, len, 0600, e);
out:
	free(data);
	free(dir);
	free(dest);
	return rc;
}

rd_code rd_life_ceased(rd_ctx *ctx, const char *uscc, const char *evidence_path, const char *note,
		       time_t ceased_on, time_t requested_at, char batch[40], int *count, rd_err *e)
{
	struct ceased_find *f;
	struct ceased_args a = {0};
	char sha[65], name[256], norm[64];
	unsigned char rnd[6];
	char hex[13];
	rd_code rc;
	batch[0] = '\0';
	if (count)
		*count = 0;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.ceased_refused", uscc, rc, e);
	if (!uscc || !*uscc)
		return rd_fail_at(e, RD_E_INVALID, "--uscc", _("the unified social credit code is missing"));
	if (rd_norm_uscc(uscc, norm, sizeof norm) != RD_OK)
		rd_strlcpy(norm, uscc, sizeof norm);
	if ((rc = rd_check_uscc(norm, "--uscc", e)) != RD_OK)
		return refused(ctx, "cert.ceased_refused", uscc, rc, e);
	if ((rc = check_note(note, "--note", e)) != RD_OK ||
	    (rc = check_requested_at(ctx, &requested_at, e)) != RD_OK)
		return refused(ctx, "cert.ceased_refused", norm, rc, e);
	if (ceased_on && ceased_on > requested_at)
		return rd_fail_at(e, RD_E_INVALID, "--ceased-on", _("the organization cannot cease after the request"));
	if (!(f = calloc(1, sizeof *f)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if ((rc = ceased_find(ctx, norm, f, e)) != RD_OK) {
		free(f);
		return rc;
	}
	if (f->n == 0) {
		free(f);
		rc = rd_fail_at(e, RD_E_NOTFOUND, "--uscc", _("no issued certificate belongs to credit code %s"), norm);
		return refused(ctx, "cert.ceased_refused", norm, rc, e);
	}
	if ((rc = store_evidence(ctx, evidence_path, sha, name, e)) != RD_OK ||
	    (rc = rd_random(rnd, sizeof rnd, e)) != RD_OK) {
		free(f);
		return refused(ctx, "cert.ceased_refused", norm, rc, e);
	}
	rd_hex(rnd, sizeof rnd, hex);
	snprintf(batch, 40, "B-%s", hex);
	a.f = f;
	a.note = note;
	a.evidence_sha = sha;
	a.evidence_name = name;
	a.batch = batch;
	a.requested_at = requested_at;
	a.ceased_on = ceased_on;
	rc = rd_in_transaction(ctx, ceased_step, &a, e);
	free(f);
	if (rc != RD_OK) {
		batch[0] = '\0';
		return refused(ctx, "cert.ceased_refused", norm, rc, e);
	}
	if (count)
		*count = a.count;
	return RD_OK;
}

/* ---- expiry ------------------------------------------------------------------------- */

struct live_list {
	rd_app_state *apps;
	size_t n, cap;
};

/* Appends s to a growing array (64 first, then doubling); 1 when out of
 * memory, as the rd_desk_app_each callbacks stop on. */
static int push_app(rd_app_state **apps, size_t *n, size_t *cap, const rd_app_state *s)
{
	rd_app_state *p = rd_grow(*apps, cap, *n + 1, sizeof *p, 64);
	if (!p)
		return 1;
	*apps = p;
	(*apps)[(*n)++] = *s;
	return 0;
}

static int collect_live(void *ud, const rd_app_state *s)
{
	struct live_list *l = ud;
	return push_app(&l->apps, &l->n, &l->cap, s);
}

static rd_code live_apps(rd_ctx *ctx, struct live_list *l, rd_err *e)
{
	rd_code rc = rd_desk_app_each(ctx->db, "issued", NULL, 0, collect_live, l, e);
	if (rc == RD_OK)
		rc = rd_desk_app_each(ctx->db, "activated", NULL, 0, collect_live, l, e);
	return rc;
}

struct notice_args {
	rd_app_state *app;
	const char *serial;
	time_t not_after;
};

static rd_code notice_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct notice_args *a = ud;
	char when[32], reason[128], *details;
	rd_code rc;
	rd_time_local(a->not_after, when);
	snprintf(reason, sizeof reason, _("the certificate expires on %s; please renew"), when);
	if ((rc = rd_expiry_notice_add(ctx->db, a->app->id, a->serial, a->not_after, rd_ctx_now(ctx), e)) != RD_OK ||
	    (rc = rd_notify_enqueue(ctx, a->app, "expiring", reason, e)) != RD_OK)
		return rc;
	rd_time_iso(a->not_after, when);
	if (!(details = rd_details("serial", a->serial, "not_after", when, (const char *)NULL)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "cert.expiry_notice", a->app->no, details, e);
	free(details);
	return rc;
}

/* Whom to call about an expiring certificate: the agent, else the
 * subscriber (rd_app_fetch masks the mobile for roles that see no
 * identifiers).  Left empty when the application cannot be read. */
static void expiring_contact(rd_ctx *ctx, rd_application *a, rd_expiring *x)
{
	const rd_person *p;
	if (!ctx->have_keys || rd_app_fetch(ctx, x->no, a, NULL, NULL) != RD_OK)
		return;
	p = a->agent.name[0] ? &a->agent : &a->subject;
	rd_strlcpy(x->agent, p->name, sizeof x->agent);
	rd_strlcpy(x->mobile, p->mobile[0] ? p->mobile : a->subject.mobile, sizeof x->mobile);
	rd_application_clear(a);
}

rd_code rd_life_expiring(rd_ctx *ctx, int days, bool notify, rd_expiring_fn fn, void *ud, int *queued, rd_err *e)
{
	rd_application *contact;
	struct live_list l = {0};
	time_t now = rd_ctx_now(ctx);
	rd_code rc;
	if (queued)
		*queued = 0;
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (days < 0 || days > 3660)
		return rd_fail_at(e, RD_E_INVALID, "--days", _("days must be between 0 and 3660"));
	if (!(contact = calloc(1, sizeof *contact)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if ((rc = live_apps(ctx, &l, e)) != RD_OK) {
		free(l.apps);
		free(contact);
		return rc;
	}
	for (size_t i = 0; i < l.n && rc == RD_OK; i++) {
		rd_cert_info c;
		rd_expiring x;
		bool seen = true;
		if (rd_cert_current(ctx, l.apps[i].no, &c, NULL) != RD_OK)
			continue;
		if (c.not_after > now + (time_t)days * 86400 || strcmp(c.status, "valid") != 0) {
			rd_cert_info_free(&c);
			continue;
		}
		memset(&x, 0, sizeof x);
		rd_strlcpy(x.no, l.apps[i].no, sizeof x.no);
		rd_strlcpy(x.state, l.apps[i].state, sizeof x.state);
		rd_strlcpy(x.serial_hex, c.serial_hex, sizeof x.serial_hex);
		x.not_after = c.not_after;
		x.days_left = c.not_after > now ? (int)((c.not_after - now + 86399) / 86400) : 0;
		rd_cert_info_free(&c);
		expiring_contact(ctx, contact, &x);
		if (notify && x.not_after > now &&
		    (rc = rd_expiry_notice_seen(ctx->db, l.apps[i].id, x.serial_hex, &seen, e)) == RD_OK && !seen) {
			struct notice_args na = {&l.apps[i], x.serial_hex, x.not_after};
			if ((rc = rd_in_transaction(ctx, notice_step, &na, e)) == RD_OK) {
				x.notified = true;
				if (queued)
					(*queued)++;
			}
		}
		if (rc == RD_OK && fn && fn(ud, &x))
			break;
	}
	free(l.apps);
	free(contact);
	return rc;
}

rd_code rd_life_expire_due(rd_ctx *ctx, int *moved, rd_err *e)
{
	struct live_list l = {0};
	time_t now = rd_ctx_now(ctx);
	rd_code rc;
	if (moved)
		*moved = 0;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "cert.expire_refused", "-", rc, e);
	if ((rc = live_apps(ctx, &l, e)) != RD_OK) {
		free(l.apps);
		return rc;
	}
	for (size_t i = 0; i < l.n && rc == RD_OK; i++) {
		rd_cert_info c;
		bool due;
		if (rd_cert_current(ctx, l.apps[i].no, &c, NULL) != RD_OK)
			continue;
		due = c.not_after <= now;
		rd_cert_info_free(&c);
		if (!due)
			continue;
		if ((rc = rd_transition(ctx, l.apps[i].no, "expired", l.apps[i].version, NULL, e)) == RD_OK && moved)
			(*moved)++;
	}
	free(l.apps);
	return rc;
}

/* ---- archives ------------------------------------------------------------------------
 * Signed with Ed25519 rather than an HMAC: anyone holding the public key (a
 * CA's auditor, a court) can check an archive without being able to make
 * one, and the RA need not hand out its secret.  The private key is derived
 * from the RA's key file (HMAC-SHA-256 over a fixed label), so there is no
 * further key to keep, back up or lose; its public half is written into the
 * manifest and into the audit trail at every export. */

#define ARCHIVE_FORMAT "radesk-archive/1"
#define ARCHIVE_MAX (1024L * 1024 * 1024)

static EVP_PKEY *archive_key(const rd_ctx *ctx, rd_err *e)
{
	unsigned char seed[32];
	EVP_PKEY *k;
	if (!ctx->have_keys) {
		rd_fail(e, RD_E_CONFIG, _("the key file is not loaded; the archive key comes from it"));
		return NULL;
	}
	rd_hmac_sha256((const unsigned char *)&ctx->keys, sizeof ctx->keys, "radesk archive signing key v1", 29,
		       seed);
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
	rd_memzero(seed, sizeof seed);
	if (!k) {
		rd_fail(e, RD_E_INTERNAL, _("making the archive key failed"));
		rd_err_add_openssl(e);
	}
	return k;
}

static bool public_hex(EVP_PKEY *k, char out[65])
{
	unsigned char pub[32];
	size_t n = sizeof pub;
	if (EVP_PKEY_get_raw_public_key(k, pub, &n) != 1 || n != 32)
		return false;
	rd_hex(pub, n, out);
	return true;
}

/* The canonical audit row and its hash, as data/audit.c chains them. */
static bool audit_row_hash(const char *prev, json_int_t seq, json_int_t at, const char *op, const char *action,
			   const char *object, const char *details, char out[65])
{
	char *all = rd_asprintf("%s%lld\n%lld\n%zu:%s\n%zu:%s\n%zu:%s\n%zu:%s\n", prev, (long long)seq,
				(long long)at, strlen(op), op, strlen(action), action, strlen(object), object,
				strlen(details), details);
	if (!all)
		return false;
	rd_sha256_hex(all, strlen(all), out);
	free(all);
	return true;
}

struct export_state {
	FILE *f;
	EVP_MD_CTX *md;
	json_t *counts, *apps;
	int64_t lines, audit_rows;
	json_int_t audit_first, audit_last;
	char audit_last_hash[65];
	bool failed;
};

static int export_row(void *ud, const char *table, const char *row_json)
{
	struct export_state *s = ud;
	char *line = rd_asprintf("{\"t\":\"%s\",\"r\":%s}\n", table, row_json);
	json_t *c;
	if (!line) {
		s->failed = true;
		return 1;
	}
	if (fputs(line, s->f) == EOF || EVP_DigestUpdate(s->md, line, strlen(line)) != 1) {
		free(line);
		s->failed = true;
		return 1;
	}
	free(line);
	s->lines++;
	c = json_object_get(s->counts, table);
	json_object_set_new(s->counts, table, json_integer(c ? json_integer_value(c) + 1 : 1));
	if (!strcmp(table, "applications") || !strcmp(table, "audit")) {
		json_t *r = json_loads(row_json, 0, NULL);
		if (r && !strcmp(table, "applications"))
			json_array_append(s->apps, json_object_get(r, "no"));
		else if (r) {
			json_int_t seq = json_integer_value(json_object_get(r, "seq"));
			if (!s->audit_rows)
				s->audit_first = seq;
			s->audit_last = seq;
			s->audit_rows++;
			rd_strlcpy(s->audit_last_hash, json_string_value(json_object_get(r, "hash")) ?
				   json_string_value(json_object_get(r, "hash")) : "", sizeof s->audit_last_hash);
		}
		json_decref(r);
	}
	return 0;
}

/* The manifest's signed text: the manifest object, compact, keys sorted. */
static char *manifest_text(json_t *m)
{
	return json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
}

static rd_code sign_text(EVP_PKEY *k, const char *text, char sig_hex[129], rd_err *e)
{
	unsigned char sig[64];
	size_t n = sizeof sig;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
		 EVP_DigestSign(md, sig, &n, (const unsigned char *)text, strlen(text)) == 1 && n == 64;
	EVP_MD_CTX_free(md);
	if (!ok) {
		rd_fail(e, RD_E_INTERNAL, _("signing the archive failed"));
		rd_err_add_openssl(e);
		return RD_E_INTERNAL;
	}
	rd_hex(sig, n, sig_hex);
	return RD_OK;
}

static void info_from_manifest(json_t *m, rd_archive_info *info)
{
	json_t *audit = json_object_get(m, "audit");
	json_t *head = json_object_get(m, "audit_head");
	json_t *key = json_object_get(m, "key");
	const char *s;
	info->lines = json_integer_value(json_object_get(m, "lines"));
	info->applications = (int64_t)json_array_size(json_object_get(m, "applications"));
	if ((s = json_string_value(json_object_get(m, "content_sha256"))))
		rd_strlcpy(info->content_sha256, s, sizeof info->content_sha256);
	if ((s = json_string_value(json_object_get(key, "public"))))
		rd_strlcpy(info->public_key, s, sizeof info->public_key);
	info->audit_rows = json_integer_value(json_object_get(audit, "rows"));
	if ((s = json_string_value(json_object_get(audit, "last_hash"))))
		rd_strlcpy(info->audit_last_hash, s, sizeof info->audit_last_hash);
	info->audit_head_entries = json_integer_value(json_object_get(head, "entries"));
	if ((s = json_string_value(json_object_get(m, "before"))))
		rd_time_parse(s, &info->before, NULL);
	if ((s = json_string_value(json_object_get(m, "created_at"))))
		rd_time_parse(s, &info->created_at, NULL);
}

rd_code rd_archive_export(rd_ctx *ctx, time_t before, const char *out_path, rd_archive_info *info, rd_err *e)
{
	struct export_state s = {0};
	EVP_PKEY *k = NULL;
	json_t *m = NULL, *line = NULL;
	char *tmp = NULL, *text = NULL, *mline = NULL, iso[32], head_hash[65], pub[65], sig[129], digest_hex[65];
	unsigned char digest[32];
	unsigned int dlen = 0;
	int64_t head_entries;
	rd_code rc;
	memset(info, 0, sizeof *info);
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "archive.export_refused", out_path, rc, e);
	if (!out_path || !*out_path)
		return rd_fail_at(e, RD_E_INVALID, "--out", _("no output file given"));
	if (before > rd_ctx_now(ctx) + 86400)
		return rd_fail_at(e, RD_E_INVALID, "--before", _("the date lies in the future"));
	if (!(k = archive_key(ctx, e)))
		return e ? e->code : RD_E_CONFIG;
	if (!public_hex(k, pub)) {
		EVP_PKEY_free(k);
		return rd_fail(e, RD_E_INTERNAL, _("reading the archive key failed"));
	}
	if (!(tmp = rd_asprintf("%s.part", out_path))) {
		EVP_PKEY_free(k);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	s.counts = json_object();
	s.apps = json_array();
	s.md = EVP_MD_CTX_new();
	if (!(s.f = fopen(tmp, "w"))) {
		rc = rd_fail_at(e, RD_E_IO, "--out", _("cannot write %s: %s"), tmp, strerror(errno));
		goto out;
	}
	if (!s.counts || !s.apps || !s.md || EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	/* one read transaction: rows and head agree */
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		goto out;
	rc = rd_archive_rows(ctx->db, before, export_row, &s, e);
	if (rc == RD_OK)
		rc = rd_audit_head(ctx->db, &head_entries, head_hash, e);
	rd_db_rollback(ctx->db);
	if (rc == RD_OK && s.failed)
		rc = rd_fail_at(e, RD_E_IO, "--out", _("cannot write %s: %s"), tmp, strerror(errno));
	if (rc != RD_OK)
		goto out;
	EVP_DigestFinal_ex(s.md, digest, &dlen);
	rd_hex(digest, 32, digest_hex);
	m = json_object();
	json_object_set_new(m, "format", json_string(ARCHIVE_FORMAT));
	rd_time_iso(before, iso);
	json_object_set_new(m, "before", json_string(iso));
	rd_time_iso(rd_ctx_now(ctx), iso);
	json_object_set_new(m, "created_at", json_string(iso));
	json_object_set_new(m, "created_by", json_string(ctx->who.name));
	json_object_set_new(m, "service_point", json_string(rd_config_str(ctx->cfg, "radesk", "service_point")));
	json_object_set_new(m, "lines", json_integer((json_int_t)s.lines));
	json_object_set_new(m, "counts", json_incref(s.counts));
	json_object_set_new(m, "applications", json_incref(s.apps));
	json_object_set_new(m, "content_sha256", json_string(digest_hex));
	json_object_set_new(m, "audit", json_pack("{s:I,s:I,s:I,s:s}", "rows", (json_int_t)s.audit_rows, "first_seq",
						  s.audit_first, "last_seq", s.audit_last, "last_hash",
						  s.audit_last_hash));
	json_object_set_new(m, "audit_head", json_pack("{s:I,s:s}", "entries", (json_int_t)head_entries, "hash",
						       head_hash));
	json_object_set_new(m, "key", json_pack("{s:s,s:s}", "alg", "Ed25519", "public", pub));
	if (!(text = manifest_text(m))) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	if ((rc = sign_text(k, text, sig, e)) != RD_OK)
		goto out;
	line = json_pack("{s:O,s:s}", "manifest", m, "signature", sig);
	if (!line || !(mline = json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS))) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (fprintf(s.f, "%s\n", mline) < 0 || fflush(s.f) != 0 || fsync(fileno(s.f)) != 0) {
		rc = rd_fail_at(e, RD_E_IO, "--out", _("cannot write %s: %s"), tmp, strerror(errno));
		goto out;
	}
	fclose(s.f);
	s.f = NULL;
	if (rename(tmp, out_path) != 0) {
		rc = rd_fail_at(e, RD_E_IO, "--out", _("cannot write %s: %s"), out_path, strerror(errno));
		goto out;
	}
	rd_strlcpy(info->path, out_path, sizeof info->path);
	info_from_manifest(m, info);
	info->key_is_ours = true;
	{
		char lines[24], apps[24], audit_n[24];
		char *details;
		rd_time_iso(before, iso);
		snprintf(lines, sizeof lines, "%lld", (long long)s.lines);
		snprintf(apps, sizeof apps, "%zu", json_array_size(s.apps));
		snprintf(audit_n, sizeof audit_n, "%lld", (long long)s.audit_rows);
		details = rd_details("file", out_path, "before", iso, "lines", lines, "applications", apps, "audit_rows",
				     audit_n, "content_sha256", digest_hex, "public_key", pub, (const char *)NULL);
		if (details && rd_db_begin(ctx->db, e) == RD_OK) {
			if ((rc = rd_ctx_audit(ctx, "archive.export", "-", details, e)) == RD_OK)
				rc = rd_db_commit(ctx->db, e);
			else
				rd_db_rollback(ctx->db);
		}
		free(details);
	}
out:
	if (s.f) {
		fclose(s.f);
		unlink(tmp);
	}
	EVP_MD_CTX_free(s.md);
	EVP_PKEY_free(k);
	json_decref(s.counts);
	json_decref(s.apps);
	json_decref(m);
	json_decref(line);
	free(text);
	free(mline);
	free(tmp);
	return rc;
}

/* Checks the lines before the manifest: JSON, counted per table, the audit
 * rows chained to each other and to the manifest's last hash. */
static rd_code check_lines(char *data, size_t content_len, json_t *m, const char *path, rd_err *e)
{
	json_t *counts = json_object(), *want = json_object_get(m, "counts");
	json_t *audit = json_object_get(m, "audit");
	char prev[65] = "", field[1100];
	int64_t lineno = 0;
	json_t *v;
	rd_code rc = RD_OK;
	size_t pos = 0;
	while (pos < content_len && rc == RD_OK) {
		char *nl = memchr(data + pos, '\n', content_len - pos);
		json_t *o, *r;
		const char *t;
		if (!nl)
			break;
		*nl = '\0';
		lineno++;
		snprintf(field, sizeof field, "%s:%lld", path, (long long)lineno);
		o = json_loads(data + pos, 0, NULL);
		*nl = '\n';
		pos = (size_t)(nl - data) + 1;
		t = json_string_value(json_object_get(o, "t"));
		r = json_object_get(o, "r");
		if (!o || !t || !json_is_object(r)) {
			json_decref(o);
			rc = rd_fail_at(e, RD_E_DATA, field, _("not an archive row"));
			break;
		}
		v = json_object_get(counts, t);
		json_object_set_new(counts, t, json_integer(v ? json_integer_value(v) + 1 : 1));
		if (!strcmp(t, "audit")) {
			const char *ph = json_string_value(json_object_get(r, "prev_hash"));
			const char *h = json_string_value(json_object_get(r, "hash"));
			const char *op = json_string_value(json_object_get(r, "operator"));
			const char *ac = json_string_value(json_object_get(r, "action"));
			const char *ob = json_string_value(json_object_get(r, "object"));
			const char *de = json_string_value(json_object_get(r, "details"));
			char calc[65];
			if (!ph || !h || !op || !ac || !ob || !de)
				rc = rd_fail_at(e, RD_E_DATA, field, _("an audit row lacks a column"));
			else if (prev[0] && strcmp(prev, ph) != 0)
				rc = rd_fail_at(e, RD_E_DATA, field, _("the audit row does not follow the one before"));
			else if (!audit_row_hash(ph, json_integer_value(json_object_get(r, "seq")),
						 json_integer_value(json_object_get(r, "at")), op, ac, ob, de, calc))
				rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
			else if (strcmp(calc, h) != 0)
				rc = rd_fail_at(e, RD_E_DATA, field, _("the audit row's hash does not match its content"));
			else
				rd_strlcpy(prev, h, sizeof prev);
		}
		json_decref(o);
	}
	if (rc == RD_OK && lineno != json_integer_value(json_object_get(m, "lines")))
		rc = rd_fail_at(e, RD_E_DATA, path, _("the archive has %lld rows, the manifest says %lld"),
				(long long)lineno, (long long)json_integer_value(json_object_get(m, "lines")));
	if (rc == RD_OK && !json_equal(counts, want ? want : json_object()))
		rc = rd_fail_at(e, RD_E_DATA, "manifest.counts", _("the rows per table differ from the manifest's counts"));
	if (rc == RD_OK && prev[0] && !rd_streq(prev, json_string_value(json_object_get(audit, "last_hash"))))
		rc = rd_fail_at(e, RD_E_DATA, "manifest.audit", _("the last audit row is not the manifest's"));
	json_decref(counts);
	return rc;
}

static rd_code verify_archive(rd_ctx *ctx, const char *path, const char *public_key_hex, rd_archive_info *info,
			      json_t **manifest_out, rd_err *e)
{
	char *data = NULL, *last, *sig_text = NULL;
	size_t len = 0, content_len;
	json_t *line = NULL, *m;
	const char *sig_hex, *pub_hex, *fmt, *want_sha;
	unsigned char sig[64], pub[32];
	char sha[65];
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *md = NULL;
	rd_code rc;
	memset(info, 0, sizeof *info);
	if (!path || !*path)
		return rd_fail_at(e, RD_E_INVALID, "FILE", _("no archive file given"));
	if ((rc = rd_file_read(path, ARCHIVE_MAX, &data, &len, e)) != RD_OK)
		return rc;
	rd_strlcpy(info->path, path, sizeof info->path);
	rd_sha256_hex(data, len, info->file_sha256);
	if (len < 2 || data[len - 1] != '\n') {
		free(data);
		return rd_fail_at(e, RD_E_DATA, path, _("the archive does not end with its manifest line"));
	}
	data[len - 1] = '\0';
	last = strrchr(data, '\n');
	last = last ? last + 1 : data;
	content_len = (size_t)(last - data);
	line = json_loads(last, 0, NULL);
	m = json_object_get(line, "manifest");
	sig_hex = json_string_value(json_object_get(line, "signature"));
	fmt = json_string_value(json_object_get(m, "format"));
	pub_hex = json_string_value(json_object_get(json_object_get(m, "key"), "public"));
	want_sha = json_string_value(json_object_get(m, "content_sha256"));
	if (!json_is_object(m) || !sig_hex || !pub_hex || !want_sha || !rd_streq(fmt, ARCHIVE_FORMAT)) {
		rc = rd_fail_at(e, RD_E_DATA, "manifest", _("%s has no readable radesk archive manifest"), path);
		goto out;
	}
	info_from_manifest(m, info);
	if (rd_unhex(sig_hex, sig, sizeof sig) != 64 || strlen(sig_hex) != 128 ||
	    rd_unhex(pub_hex, pub, sizeof pub) != 32 || strlen(pub_hex) != 64) {
		rc = rd_fail_at(e, RD_E_DATA, "manifest.signature", _("the signature or key is malformed"));
		goto out;
	}
	/* the signature first: it covers the content's digest */
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
	sig_text = manifest_text(m);
	md = EVP_MD_CTX_new();
	if (!pk || !sig_text || !md || EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) != 1 ||
	    EVP_DigestVerify(md, sig, sizeof sig, (const unsigned char *)sig_text, strlen(sig_text)) != 1) {
		ERR_clear_error();
		rc = rd_fail_at(e, RD_E_DATA, "manifest.signature", _("the manifest's signature does not hold"));
		goto out;
	}
	rd_sha256_hex(data, content_len, sha);
	if (strcmp(sha, want_sha) != 0) {
		rc = rd_fail_at(e, RD_E_DATA, "content", _("the content's SHA-256 is %s, the manifest says %s"), sha,
				want_sha);
		goto out;
	}
	if ((rc = check_lines(data, content_len, m, path, e)) != RD_OK)
		goto out;
	/* whose key: the one given, else this RA's */
	if (public_key_hex && *public_key_hex) {
		if (strcasecmp(public_key_hex, pub_hex) != 0) {
			rc = rd_fail_at(e, RD_E_DATA, "--public-key", _("the archive was signed by another key (%s)"), pub_hex);
			goto out;
		}
		info->key_is_ours = true;
	} else if (ctx->have_keys) {
		EVP_PKEY *ours = archive_key(ctx, NULL);
		char mine[65] = "";
		if (ours && public_hex(ours, mine))
			info->key_is_ours = strcasecmp(mine, pub_hex) == 0;
		EVP_PKEY_free(ours);
		if (!info->key_is_ours) {
			rc = rd_fail_at(e, RD_E_DATA, "manifest.key",
					_("the archive was signed by another key (%s), not this RA's"), pub_hex);
			goto out;
		}
	}
	if (manifest_out)
		*manifest_out = json_incref(m);
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	free(sig_text);
	json_decref(line);
	free(data);
	return rc;
}

rd_code rd_archive_verify(rd_ctx *ctx, const char *path, const char *public_key_hex, rd_archive_info *info,
			  rd_err *e)
{
	rd_code rc;
	char *details;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK)
		return rc;
	rc = verify_archive(ctx, path, public_key_hex, info, NULL, e);
	details = rd_details("file", path, "file_sha256", info->file_sha256[0] ? info->file_sha256 : NULL, "result",
			     rc == RD_OK ? "valid" : "invalid", "error", rc == RD_OK ? NULL : (e ? e->msg : NULL),
			     (const char *)NULL);
	if (details) {
		rd_err ignore;
		if (rd_db_begin(ctx->db, &ignore) == RD_OK) {
			if (rd_ctx_audit(ctx, "archive.verify", "-", details, &ignore) == RD_OK)
				rd_db_commit(ctx->db, &ignore);
			else
				rd_db_rollback(ctx->db);
		}
		free(details);
	}
	return rc;
}

/* ---- purging ---------------------------------------------------------------------------- */

struct purge_list {
	rd_app_state *apps;
	size_t n, cap;
	time_t before;
};

static int collect_old(void *ud, const rd_app_state *s)
{
	struct purge_list *l = ud;
	if (s->created_at >= l->before)
		return 0;
	return push_app(&l->apps, &l->n, &l->cap, s);
}

static bool closed_state(const char *s)
{
	return !strcmp(s, "cancelled") || !strcmp(s, "rejected") || !strcmp(s, "revoked") || !strcmp(s, "expired");
}

/* When the record may go: retention years after the certificate expires;
 * an application that never had a certificate, after it was closed. */
static rd_code kept_until(rd_ctx *ctx, const rd_app_state *a, time_t *until, char why[256], rd_err *e)
{
	rd_cert_info c;
	int years = (int)rd_config_int(ctx->cfg, "retention", "years");
	char when[32];
	rd_code rc;
	if (!closed_state(a->state)) {
		*until = (time_t)INT64_MAX / 2;
		snprintf(why, 256, _("it is %s"), rd_app_state_label(a->state));
		return RD_OK;
	}
	rc = rd_cert_current(ctx, a->no, &c, NULL);
	if (rc == RD_OK) {
		*until = rd_retention_until(c.not_after, years);
		rd_time_local(c.not_after, when);
		snprintf(why, 256, _("its certificate expires %s; kept %d years after"), when, years);
		rd_cert_info_free(&c);
		return RD_OK;
	}
	if (rc != RD_E_NOTFOUND)
		return rd_fail(e, rc, _("reading the certificate of %s failed"), a->no);
	*until = rd_retention_until(a->updated_at, years);
	rd_time_local(a->updated_at, when);
	snprintf(why, 256, _("closed %s; kept %d years after"), when, years);
	return RD_OK;
}

struct purge_args {
	struct purge_list *l;
	const char *archive_sha;
	int purged;
};

static rd_code purge_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct purge_args *a = ud;
	rd_code rc;
	for (size_t i = 0; i < a->l->n; i++) {
		char *details;
		if (rd_app_purged(ctx->db, a->l->apps[i].id))
			continue;
		if ((rc = rd_app_purge_personal(ctx->db, a->l->apps[i].id, a->archive_sha, ctx->who.name,
						rd_ctx_now(ctx), e)) != RD_OK)
			return rc;
		if (!(details = rd_details("archive_sha256", a->archive_sha, (const char *)NULL)))
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		rc = rd_ctx_audit(ctx, "app.purge", a->l->apps[i].no, details, e);
		free(details);
		if (rc != RD_OK)
			return rc;
		a->purged++;
	}
	return RD_OK;
}

static bool in_archive(json_t *m, const char *no)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(m, "applications"), i, v)
		if (rd_streq(json_string_value(v), no))
			return true;
	return false;
}

rd_code rd_archive_purge(rd_ctx *ctx, time_t before, const char *archive_path, int *purged, rd_err *e)
{
	struct purge_list l = {0};
	struct purge_args a = {0};
	rd_archive_info info;
	json_t *m = NULL;
	time_t now = rd_ctx_now(ctx);
	rd_code rc;
	if (purged)
		*purged = 0;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return refused(ctx, "archive.purge_refused", "-", rc, e);
	if (!archive_path || !*archive_path)
		return refused(ctx, "archive.purge_refused", "-",
			       rd_fail_at(e, RD_E_INVALID, "--archive",
					  _("purging needs the archive that keeps the records (--archive FILE)")), e);
	if ((rc = verify_archive(ctx, archive_path, NULL, &info, &m, e)) != RD_OK) {
		rd_err_prefix(e, _("the archive does not verify"));
		return refused(ctx, "archive.purge_refused", "-", rc, e);
	}
	l.before = before;
	if ((rc = rd_desk_app_each(ctx->db, NULL, NULL, 0, collect_old, &l, e)) != RD_OK)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		time_t until = 0;
		char why[256], when[32];
		if (rd_app_purged(ctx->db, l.apps[i].id))
			continue;
		if ((rc = kept_until(ctx, &l.apps[i], &until, why, e)) != RD_OK)
			goto out;
		if (until > now) {
			if (until > (time_t)INT64_MAX / 4)
				rc = rd_fail_at(e, RD_E_REFUSED, l.apps[i].no,
						_("%s cannot be purged: %s"), l.apps[i].no, why);
			else {
				rd_time_local(until, when);
				rc = rd_fail_at(e, RD_E_REFUSED, l.apps[i].no,
						_("%s is kept until %s (%s); nothing is purged"), l.apps[i].no, when, why);
			}
			goto out;
		}
		if (!in_archive(m, l.apps[i].no)) {
			rc = rd_fail_at(e, RD_E_REFUSED, l.apps[i].no, _("%s is not in the archive %s; export it first"),
					l.apps[i].no, archive_path);
			goto out;
		}
	}
	a.l = &l;
	a.archive_sha = info.file_sha256;
	rc = rd_in_transaction(ctx, purge_step, &a, e);
	if (rc == RD_OK && purged)
		*purged = a.purged;
out:
	free(l.apps);
	json_decref(m);
	if (rc != RD_OK)
		return refused(ctx, "archive.purge_refused", "-", rc, e);
	return rc;
}
