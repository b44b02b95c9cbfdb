/* The CA outbox: requests are committed before anything goes on the wire,
 * sent over one kept-alive CA connection per batch, and each completed
 * with the certificate, the application's new state and the audit row
 * together (one savepoint in a transaction that records a group of
 * answers).
 *
 * Subject mapping (what the RA approves and asks the CA to certify):
 *   individual:    CN = the subject's name,        C = CN
 *   organization:  CN = O = the organization's name, C = CN
 * A CSR may carry exactly these attributes (C may be left out; the CA fills
 * it in); anything else (OU, serialNumber, emailAddress ...) is refused,
 * because cfssl copies subject attributes the RA did not send from the CSR
 * and the RA would then hold a certificate naming something nobody
 * approved.  Identifiers (ID numbers, credit codes) are not put into the
 * certificate: they are personal data and the CA does not need them.
 *
 * Delivery guarantees:
 * - a request row and the application's move to queued_for_ca are one
 *   transaction; nothing is sent before that commits;
 * - before a send the row is marked `sending` (attempts + 1), leased to
 *   this process, and committed (a few rows claimed in one transaction);
 *   rows claimed but not sent when a batch stops go back as they were;
 * - the answer is checked (rd_ca_check_response, on the main thread once the
 *   sender has it) and recorded all or nothing: certificate (UNIQUE request
 *   id), request done, application state, audit row.  The RA never records
 *   two certificates for one request;
 * - a crash between the send and that commit leaves the row `sending`.  The
 *   next rd_ca_submit (any process) finds it once the lease has run out or
 *   the process holding it is gone, records "unknown outcome" in the audit
 *   trail with the CSR's public key fingerprint, and sends it again with the
 *   same request id and CSR.  cfssl 1.2 cannot be asked whether it issued
 *   for a key, so the CA may then hold two certificates for the same key:
 *   both trace back to this request by the fingerprint, the RA records and
 *   hands out exactly one. */
#include "workflows/desk_internal.h"

#include "ca/ca.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BACKOFF_BASE_S 30
#define MAX_BATCH 100000
/* consecutive transient failures after which a batch stops: the CA is down */
#define BREAKER 2

/* ---- the approved subject ---- */

typedef struct approved {
	char cn[256], o[256], c[4];
	rd_key_type key_type;
	char profile[64];
	char product[64];
} approved;

static rd_code approved_for(rd_ctx *ctx, const char *no, approved *out, rd_err *e)
{
	rd_app_record *rec = calloc(1, sizeof *rec);
	rd_products *ps = NULL;
	const rd_product *p;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if (!rec)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (!ctx->have_keys) {
		free(rec);
		return rd_fail_at(e, RD_E_CONFIG, "key_file", _("the field encryption key is not loaded"));
	}
	if ((rc = rd_app_get(ctx->db, &ctx->keys, no, rec, e)) != RD_OK)
		goto out;
	if (!strcmp(rec->kind, "organization")) {
		rd_strlcpy(out->cn, rec->org_name, sizeof out->cn);
		rd_strlcpy(out->o, rec->org_name, sizeof out->o);
	} else {
		rd_strlcpy(out->cn, rec->subject_name, sizeof out->cn);
	}
	rd_strlcpy(out->c, "CN", sizeof out->c);
	rd_strlcpy(out->product, rec->product, sizeof out->product);
	if (!out->cn[0]) {
		rc = rd_fail_at(e, RD_E_DATA, "application", _("application %s has no subject name"), no);
		goto out;
	}
	if ((rc = rd_products_load(ctx->cfg, &ps, e)) != RD_OK)
		goto out;
	if (!(p = rd_products_find(ps, rec->product))) {
		rc = rd_fail_at(e, RD_E_CONFIG, "product", _("product %s is not configured"), rec->product);
		goto out;
	}
	out->key_type = p->key_type;
	rd_strlcpy(out->profile, p->profile[0] ? p->profile : "", sizeof out->profile);
	if (!out->profile[0]) {
		const char *dp = rd_config_str(ctx->cfg, "ca", "profile");
		rd_strlcpy(out->profile, dp ? dp : "", sizeof out->profile);
	}
out:
	rd_products_free(ps);
	rd_memzero(rec, sizeof *rec);
	free(rec);
	return rc;
}

static char *subject_json(const approved *s)
{
	json_t *o = json_object();
	char *out = NULL;
	if (!o)
		return NULL;
	json_object_set_new(o, "CN", json_string(s->cn));
	if (s->o[0])
		json_object_set_new(o, "O", json_string(s->o));
	json_object_set_new(o, "C", json_string(s->c));
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

/* ---- the CSR ---- */

static rd_code csr_key_check(EVP_PKEY *k, rd_key_type want, rd_err *e)
{
	char group[64] = "";
	int id = EVP_PKEY_get_base_id(k);
	if (want == RD_KEY_EC_P256) {
		if (id != EVP_PKEY_EC)
			return rd_fail_at(e, RD_E_INVALID, "csr",
					  _("the request's key is not an EC key; the product needs EC P-256"));
		if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, NULL) ||
		    (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0)) {
			ERR_clear_error();
			return rd_fail_at(e, RD_E_INVALID, "csr",
					  _("the request's EC key is on curve %s; the product needs P-256"),
					  group[0] ? group : "?");
		}
		return RD_OK;
	}
	if (id != EVP_PKEY_RSA)
		return rd_fail_at(e, RD_E_INVALID, "csr", _("the request's key is not RSA; the product needs RSA"));
	if (EVP_PKEY_get_bits(k) < 2048)
		return rd_fail_at(e, RD_E_INVALID, "csr",
				  _("the request's RSA key has %d bits; at least 2048 are needed"),
				  EVP_PKEY_get_bits(k));
	return RD_OK;
}

static rd_code csr_subject_check(X509_REQ *r, const approved *s, rd_err *e)
{
	const X509_NAME *n = X509_REQ_get_subject_name(r);
	bool have_cn = false, have_o = false;
	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		const X509_NAME_ENTRY *en = X509_NAME_get_entry(n, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(en));
		unsigned char *u = NULL;
		int len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(en));
		const char *label, *want;
		char got[256];
		bool *seen;
		snprintf(got, sizeof got, "%.*s", len > 0 ? len : 0, u ? (char *)u : "");
		OPENSSL_free(u);
		switch (nid) {
		case NID_commonName: label = "CN", want = s->cn, seen = &have_cn; break;
		case NID_organizationName: label = "O", want = s->o, seen = &have_o; break;
		case NID_countryName: label = "C", want = s->c, seen = NULL; break;
		default: {
			char oid[80];
			if (nid != NID_undef)
				rd_strlcpy(oid, OBJ_nid2sn(nid), sizeof oid);
			else
				OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(en), 1);
			return rd_fail_at(e, RD_E_INVALID, "csr.subject",
					  _("the request's subject has %s, which is not part of the approved subject"),
					  oid);
		}
		}
		if (!want[0])
			return rd_fail_at(e, RD_E_INVALID, "csr.subject",
					  _("the request's subject has %s, which this application does not approve"),
					  label);
		if (len < 0 || strcmp(got, want) != 0 || (seen && *seen))
			return rd_fail_at(e, RD_E_INVALID, "csr.subject",
					  _("the request's %s is \"%s\", the approved %s is \"%s\""), label, got,
					  label, want);
		if (seen)
			*seen = true;
	}
	if (!have_cn)
		return rd_fail_at(e, RD_E_INVALID, "csr.subject", _("the request's subject has no CN; approved is \"%s\""),
				  s->cn);
	if (s->o[0] && !have_o)
		return rd_fail_at(e, RD_E_INVALID, "csr.subject", _("the request's subject has no O; approved is \"%s\""),
				  s->o);
	return RD_OK;
}

/* Signature, key type and strength, subject; fills the SPKI fingerprint. */
static rd_code csr_check(const char *pem, const approved *s, char spki[65], rd_err *e)
{
	BIO *b;
	X509_REQ *r = NULL;
	EVP_PKEY *k;
	rd_code rc;
	size_t n = pem ? strlen(pem) : 0;
	if (!n)
		return rd_fail_at(e, RD_E_INVALID, "csr", _("the certificate request is empty"));
	if (n >= RD_CSR_MAX)
		return rd_fail_at(e, RD_E_INVALID, "csr", _("the certificate request is larger than %d bytes"),
				  RD_CSR_MAX - 1);
	if (!strstr(pem, "-----BEGIN CERTIFICATE REQUEST-----"))
		return rd_fail_at(e, RD_E_INVALID, "csr", _("not a PEM certificate request (PKCS#10)"));
	b = BIO_new_mem_buf(pem, (int)n);
	if (b)
		r = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!r) {
		rc = rd_fail_at(e, RD_E_INVALID, "csr", _("the certificate request cannot be read"));
		rd_err_add_openssl(e);
		return rc;
	}
	if (!(k = X509_REQ_get0_pubkey(r))) {
		rc = rd_fail_at(e, RD_E_INVALID, "csr", _("the certificate request has no readable public key"));
		ERR_clear_error();
	} else if (X509_REQ_verify(r, k) != 1) {
		rc = rd_fail_at(e, RD_E_INVALID, "csr", _("the certificate request's signature does not verify"));
		ERR_clear_error();
	} else if ((rc = csr_key_check(k, s->key_type, e)) == RD_OK &&
		   (rc = csr_subject_check(r, s, e)) == RD_OK) {
		rc = rd_ca_spki_sha256(pem, spki, e);
	}
	X509_REQ_free(r);
	return rc;
}

/* ---- queueing ---- */

static rd_code new_id(char id[40], rd_err *e)
{
	unsigned char b[16];
	rd_code rc = rd_random(b, sizeof b, e);
	if (rc == RD_OK)
		rd_hex(b, sizeof b, id);
	return rc;
}

static const char *kind_name(rd_careq_kind k)
{
	return k == RD_CAREQ_RENEW ? "renew" : k == RD_CAREQ_REVOKE ? "revoke" : "enroll";
}

static rd_careq_kind kind_parse(const char *s)
{
	return !strcmp(s, "renew") ? RD_CAREQ_RENEW : !strcmp(s, "revoke") ? RD_CAREQ_REVOKE : RD_CAREQ_ENROLL;
}

struct queue_args {
	const char *no;
	rd_careq_kind kind;
	const char *csr_pem;
	int reason;
	rd_careq_row *row;
};

static rd_code audit_request(rd_ctx *ctx, const rd_careq_row *r, const char *no, rd_err *e)
{
	char reason[16];
	char *d;
	rd_code rc;
	snprintf(reason, sizeof reason, "%d", r->revoke_reason);
	d = rd_details("request", r->id, "kind", r->kind, "spki_sha256", r->csr_spki_sha256[0] ? r->csr_spki_sha256 : NULL,
		       "profile", r->profile[0] ? r->profile : NULL, "serial", r->revoke_serial[0] ? r->revoke_serial : NULL,
		       "reason", !strcmp(r->kind, "revoke") ? rd_ca_reason_name(r->revoke_reason) : NULL,
		       (const char *)NULL);
	(void)reason;
	if (!d)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "ca.request", no, d, e);
	free(d);
	return rc;
}

static rd_code current_valid_cert(rd_ctx *ctx, const rd_app_state *app, rd_cert_row *c, rd_err *e)
{
	rd_code rc = rd_cert_current_row(ctx->db, app->id, c, e);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_REFUSED, "certificate", _("application %s has no certificate"), app->no);
	if (rc != RD_OK)
		return rc;
	if (strcmp(c->status, "valid") != 0) {
		rd_fail_at(e, RD_E_REFUSED, "certificate", _("the certificate of %s is %s"), app->no, c->status);
		rd_cert_row_free(c);
		return RD_E_REFUSED;
	}
	return RD_OK;
}

static rd_code queue_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct queue_args *a = ud;
	rd_careq_row *r = a->row;
	rd_app_state app;
	approved s;
	char *subj;
	rd_code rc;
	time_t now = rd_ctx_now(ctx);
	if ((rc = rd_desk_app_get(ctx->db, a->no, &app, e)) != RD_OK)
		return rc;
	if (a->kind == RD_CAREQ_ENROLL) {
		if ((rc = rd_transition_check(app.state, "queued_for_ca", ctx->who.role, e)) != RD_OK)
			return rc;
	} else {
		if (strcmp(app.state, "issued") != 0 && strcmp(app.state, "activated") != 0)
			return rd_fail_at(e, RD_E_REFUSED, "state",
					  _("application %s is %s; %s needs issued or activated"), app.no, app.state,
					  kind_name(a->kind));
		if ((rc = rd_transition_check(app.state, "revoked", ctx->who.role, e)) != RD_OK)
			return rc;
	}
	memset(r, 0, sizeof *r);
	if ((rc = new_id(r->id, e)) != RD_OK)
		return rc;
	r->app_id = app.id;
	rd_strlcpy(r->kind, kind_name(a->kind), sizeof r->kind);
	r->next_try_at = now;
	r->created_at = now;
	rd_strlcpy(r->created_by, ctx->who.name, sizeof r->created_by);
	if (a->kind != RD_CAREQ_REVOKE) {
		if ((rc = approved_for(ctx, app.no, &s, e)) != RD_OK)
			return rc;
		if ((rc = csr_check(a->csr_pem, &s, r->csr_spki_sha256, e)) != RD_OK)
			return rc;
		rd_strlcpy(r->csr_pem, a->csr_pem, sizeof r->csr_pem);
		rd_strlcpy(r->profile, s.profile, sizeof r->profile);
		if (!(subj = subject_json(&s)))
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		rd_strlcpy(r->subject, subj, sizeof r->subject);
		free(subj);
	}
	if (a->kind != RD_CAREQ_ENROLL) {
		rd_cert_row c;
		if ((rc = current_valid_cert(ctx, &app, &c, e)) != RD_OK)
			return rc;
		if (a->kind == RD_CAREQ_RENEW && !strcmp(c.spki_sha256, r->csr_spki_sha256)) {
			rd_cert_row_free(&c);
			return rd_fail_at(e, RD_E_INVALID, "csr",
					  _("the renewal request has the same key as the current certificate"));
		}
		if (a->kind == RD_CAREQ_REVOKE) {
			rd_strlcpy(r->revoke_serial, c.serial_hex, sizeof r->revoke_serial);
			r->revoke_reason = a->reason;
			rd_strlcpy(r->csr_spki_sha256, c.spki_sha256, sizeof r->csr_spki_sha256);
		}
		rd_cert_row_free(&c);
	}
	if ((rc = rd_careq_insert(ctx->db, r, e)) != RD_OK) {
		if (rc == RD_E_CONFLICT)
			return rd_fail_at(e, RD_E_CONFLICT, "application",
					  _("application %s has a CA request waiting already"), app.no);
		return rc;
	}
	if ((rc = audit_request(ctx, r, app.no, e)) != RD_OK)
		return rc;
	if (a->kind == RD_CAREQ_ENROLL)
		rc = rd_transition_in_tx(ctx, &app, "queued_for_ca", NULL, e);
	return rc;
}

static rd_code queue_request(rd_ctx *ctx, const char *no, rd_careq_kind kind, const char *csr, int reason,
			     char id[40], rd_err *e)
{
	struct queue_args a = {no, kind, csr, reason, NULL};
	rd_code rc;
	if (id)
		id[0] = '\0';
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!no || !*no)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number given"));
	if (!(a.row = malloc(sizeof *a.row)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_in_transaction(ctx, queue_step, &a, e);
	if (rc == RD_OK && id)
		rd_strlcpy(id, a.row->id, 40);
	free(a.row);
	return rc;
}

rd_code rd_ca_request_enroll(rd_ctx *ctx, const char *no, const char *csr_pem, char id[40], rd_err *e)
{
	return queue_request(ctx, no, RD_CAREQ_ENROLL, csr_pem, 0, id, e);
}

rd_code rd_ca_request_renew(rd_ctx *ctx, const char *no, const char *csr_pem, char id[40], rd_err *e)
{
	return queue_request(ctx, no, RD_CAREQ_RENEW, csr_pem, 0, id, e);
}

rd_code rd_ca_request_revoke(rd_ctx *ctx, const char *no, int reason, char id[40], rd_err *e)
{
	if (!rd_ca_reason_name(reason))
		return rd_fail_at(e, RD_E_INVALID, "reason", _("%d is not an RFC 5280 revocation reason"), reason);
	return queue_request(ctx, no, RD_CAREQ_REVOKE, NULL, reason, id, e);
}

/* ---- reading ---- */

static void info_from_row(rd_ctx *ctx, const rd_careq_row *r, rd_careq_info *out)
{
	memset(out, 0, sizeof *out);
	rd_strlcpy(out->id, r->id, sizeof out->id);
	rd_strlcpy(out->no, r->app_no, sizeof out->no);
	out->kind = kind_parse(r->kind);
	rd_strlcpy(out->state, r->state, sizeof out->state);
	out->attempts = r->attempts;
	out->created_at = r->created_at;
	out->next_try_at = r->next_try_at;
	out->done_at = r->done_at;
	rd_strlcpy(out->reason, r->last_error, sizeof out->reason);
	if (out->kind == RD_CAREQ_REVOKE) {
		rd_strlcpy(out->serial_hex, r->revoke_serial, sizeof out->serial_hex);
	} else if (!strcmp(r->state, "done")) {
		rd_cert_row c;
		if (rd_cert_by_request(ctx->db, r->id, &c, NULL) == RD_OK) {
			rd_strlcpy(out->serial_hex, c.serial_hex, sizeof out->serial_hex);
			rd_cert_row_free(&c);
		}
	}
}

rd_code rd_ca_request_get(rd_ctx *ctx, const char *no_or_id, rd_careq_info *out, rd_err *e)
{
	rd_careq_row *r;
	rd_app_state app;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	if (!no_or_id || !*no_or_id)
		return rd_fail_at(e, RD_E_INVALID, "request", _("no application number or request id given"));
	if (!(r = malloc(sizeof *r)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rd_desk_app_get(ctx->db, no_or_id, &app, NULL) == RD_OK) {
		rc = rd_careq_latest(ctx->db, app.id, r, e);
		if (rc == RD_E_NOTFOUND)
			rd_fail_at(e, rc, "request", _("application %s has no CA request"), no_or_id);
	} else {
		rc = rd_careq_get(ctx->db, no_or_id, r, e);
		if (rc == RD_E_NOTFOUND)
			rd_fail_at(e, rc, "request", _("no application or CA request '%s'"), no_or_id);
	}
	if (rc == RD_OK)
		info_from_row(ctx, r, out);
	free(r);
	return rc;
}

struct each_args {
	rd_ctx *ctx;
	rd_careq_info_fn fn;
	void *ud;
};

static int each_row(void *ud, const rd_careq_row *r)
{
	struct each_args *a = ud;
	rd_careq_info i;
	info_from_row(a->ctx, r, &i);
	return a->fn(a->ud, &i);
}

rd_code rd_ca_request_each(rd_ctx *ctx, const char *state, int limit, rd_careq_info_fn fn, void *ud, rd_err *e)
{
	struct each_args a = {ctx, fn, ud};
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	return rd_careq_each(ctx->db, state, limit, each_row, &a, e);
}

rd_code rd_ca_queue_status(rd_ctx *ctx, rd_careq_stats *out, rd_err *e)
{
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	return rd_careq_stats_get(ctx->db, out, e);
}

rd_code rd_ca_pending(rd_ctx *ctx, rd_pending *out, rd_err *e)
{
	rd_careq_stats st;
	rd_code rc;
	if (ctx->who.role == RD_ROLE_NONE || ctx->who.role == RD_ROLE_AUDITOR)
		return RD_OK;
	if ((rc = rd_careq_stats_get(ctx->db, &st, e)) != RD_OK)
		return rc;
	out->ca_queue = st.queued + st.sending + st.retry;
	out->ca_failed = st.failed_waiting;
	return RD_OK;
}

rd_code rd_cert_current(rd_ctx *ctx, const char *no, rd_cert_info *out, rd_err *e)
{
	rd_app_state app;
	rd_cert_row c;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	if ((rc = rd_desk_app_get(ctx->db, no, &app, e)) != RD_OK)
		return rc;
	rc = rd_cert_current_row(ctx->db, app.id, &c, e);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, rc, "certificate", _("application %s has no certificate"), no);
	if (rc != RD_OK)
		return rc;
	rd_strlcpy(out->no, app.no, sizeof out->no);
	rd_strlcpy(out->serial_hex, c.serial_hex, sizeof out->serial_hex);
	rd_strlcpy(out->serial_dec, c.serial_dec, sizeof out->serial_dec);
	rd_strlcpy(out->issuer, c.issuer, sizeof out->issuer);
	rd_strlcpy(out->subject, c.subject, sizeof out->subject);
	out->not_before = c.not_before;
	out->not_after = c.not_after;
	rd_strlcpy(out->status, c.status, sizeof out->status);
	out->revoke_reason = c.revoke_reason;
	out->revoked_at = c.revoked_at;
	out->pem = c.pem;
	out->chain_pem = c.chain_pem;
	return RD_OK;
}

void rd_cert_info_free(rd_cert_info *c)
{
	if (!c)
		return;
	free(c->pem);
	free(c->chain_pem);
	c->pem = c->chain_pem = NULL;
}

/* ---- the admin's retry ---- */

struct retry_args {
	const char *no_or_id;
	char id[40];
};

static rd_code retry_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct retry_args *a = ud;
	rd_careq_row *r = malloc(sizeof *r);
	rd_app_state app;
	rd_code rc;
	char *d;
	if (!r)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rd_desk_app_get(ctx->db, a->no_or_id, &app, NULL) == RD_OK)
		rc = rd_careq_latest(ctx->db, app.id, r, e);
	else if ((rc = rd_careq_get(ctx->db, a->no_or_id, r, e)) == RD_OK)
		rc = rd_desk_app_get_id(ctx->db, r->app_id, &app, e);
	if (rc == RD_E_NOTFOUND)
		rc = rd_fail_at(e, rc, "request", _("no CA request for '%s'"), a->no_or_id);
	if (rc != RD_OK)
		goto out;
	if (strcmp(r->state, "failed") != 0) {
		rc = rd_fail_at(e, RD_E_REFUSED, "state", _("CA request %s is %s; only a failed request is retried"),
				r->id, r->state);
		goto out;
	}
	if (!strcmp(r->kind, "enroll") && strcmp(app.state, "queued_for_ca") != 0) {
		rc = rd_fail_at(e, RD_E_REFUSED, "state",
				_("application %s is %s; after a review it needs a new CA request"), app.no,
				app.state);
		goto out;
	}
	if (strcmp(r->kind, "enroll") != 0 && strcmp(app.state, "issued") != 0 && strcmp(app.state, "activated") != 0) {
		rc = rd_fail_at(e, RD_E_REFUSED, "state", _("application %s is %s; the request no longer applies"),
				app.no, app.state);
		goto out;
	}
	if ((rc = rd_careq_requeue(ctx->db, r->id, rd_ctx_now(ctx), e)) != RD_OK)
		goto out;
	if (!(d = rd_details("request", r->id, "last_error", r->last_error, (const char *)NULL))) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	rc = rd_ctx_audit(ctx, "ca.requeue", app.no, d, e);
	free(d);
	rd_strlcpy(a->id, r->id, sizeof a->id);
out:
	free(r);
	return rc;
}

rd_code rd_ca_retry(rd_ctx *ctx, const char *no_or_id, char id[40], rd_err *e)
{
	struct retry_args a = {no_or_id, ""};
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!no_or_id || !*no_or_id)
		return rd_fail_at(e, RD_E_INVALID, "request", _("no application number or request id given"));
	rc = rd_in_transaction(ctx, retry_step, &a, e);
	if (rc == RD_OK && id)
		rd_strlcpy(id, a.id, 40);
	return rc;
}

/* ---- submission ---- */

#define MAX_SENDERS 16

typedef struct sub {
	rd_ctx *ctx;
	rd_ca *ca[MAX_SENDERS];      /* one connection per sender thread */
	int nca;
	char *chain;                 /* the trust file's certificates, stored with each certificate */
	int max_attempts;
	long backoff_cap;
	long lease_s;
} sub;

static bool pid_alive(int64_t pid)
{
	if (pid <= 0)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* Rows left in `sending` by a process that is gone, or whose lease ran out:
 * the outcome of that send is unknown.  They go back to retry (due now)
 * with an audit row naming the public key, so a certificate the CA may
 * have issued meanwhile can be traced. */
/* One pass over at most max rows left `sending`; *settled: how many of them
 * went back to retry. */
static rd_code reconcile_some(rd_ctx *ctx, rd_careq_row *rows, size_t max, size_t *n, size_t *settled, rd_err *e)
{
	time_t wall = time(NULL);
	rd_code rc;
	*settled = 0;
	if ((rc = rd_careq_sending(ctx->db, rows, max, n, e)) != RD_OK)
		return rc;
	for (size_t i = 0; i < *n && rc == RD_OK; i++) {
		const rd_careq_row *r = &rows[i];
		char *d;
		const char *note = N_("the answer to an earlier send was lost (interrupted); sent again with the same "
				      "request id");
		/* A submission of this process is never running while another
		 * starts (callers are single-threaded), so its own leftovers are
		 * stale; another live process keeps its rows until the lease ends. */
		if (r->sending_pid != (int64_t)getpid() && pid_alive(r->sending_pid) && r->lease_until > wall)
			continue;
		if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
			break;
		rc = rd_careq_mark_unknown(ctx->db, r->id, rd_ctx_now(ctx), _(note), e);
		if (rc == RD_E_NOTFOUND) { /* someone else reconciled it */
			rd_db_rollback(ctx->db);
			rc = RD_OK;
			continue;
		}
		d = rd_details("request", r->id, "kind", r->kind, "spki_sha256", r->csr_spki_sha256,
			       "note", "outcome unknown: the CA may hold a certificate for this key", (const char *)NULL);
		if (rc == RD_OK)
			rc = d ? rd_ctx_audit(ctx, "ca.unknown_outcome", r->app_no, d, e)
			       : rd_fail(e, RD_E_NOMEM, _("out of memory"));
		free(d);
		if (rc == RD_OK)
			rc = rd_db_commit(ctx->db, e);
		else
			rd_db_rollback(ctx->db);
		if (rc == RD_OK)
			(*settled)++;
	}
	return rc;
}

/* Rows left in `sending` by a process that is gone, or whose lease ran out:
 * the outcome of that send is unknown.  They go back to retry (due now)
 * with an audit row naming the public key, so a certificate the CA may
 * have issued meanwhile can be traced.  A batch can leave more rows
 * `sending` than one pass reads: passes go on while they settle rows. */
static rd_code reconcile(rd_ctx *ctx, rd_err *e)
{
	enum { BATCH = 64 };
	rd_careq_row *rows = malloc(BATCH * sizeof *rows);
	size_t n = 0, settled = 0;
	rd_code rc = RD_OK;
	if (!rows)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	do {
		rc = reconcile_some(ctx, rows, BATCH, &n, &settled, e);
	} while (rc == RD_OK && n == BATCH && settled > 0);
	free(rows);
	return rc;
}

/* How many requests go to the CA at once, each on a connection of its
 * own: [ca] parallel; by default 3 for cfssl, which signs concurrently (its
 * certdb in WAL mode: 4 connections sign twice as fast as one), and 1 for
 * CMP, whose reference server (openssl cmp -port) answers one connection
 * at a time.  Never more than there are requests. */
static int senders_for(rd_ctx *ctx, size_t due)
{
	long want = rd_config_int(ctx->cfg, "ca", "parallel");
	const char *driver = rd_config_str(ctx->cfg, "ca", "driver");
	if (want <= 0)
		want = driver && !strcmp(driver, "cmp") ? 1 : 3;
	if (want > MAX_SENDERS)
		want = MAX_SENDERS;
	if ((size_t)want > due)
		want = (long)due;
	return want < 1 ? 1 : (int)want;
}

/* Opens the connections (in this thread: libcurl's global set-up is not
 * thread-safe) and reads the chain stored with each certificate. */
static rd_code open_ca(rd_ctx *ctx, sub *s, size_t due, rd_err *e)
{
	rd_ca_settings set;
	void *owned = NULL;
	size_t len;
	rd_code rc = rd_ca_settings_from_config(ctx->cfg, &set, &owned, e);
	if (rc != RD_OK)
		return rc;
	set.log = &ctx->log;
	int want = senders_for(ctx, due);
	for (s->nca = 0; rc == RD_OK && s->nca < want; s->nca++)
		if ((rc = rd_ca_open(&s->ca[s->nca], &set, e)) != RD_OK)
			break;
	if (rc == RD_OK)
		rd_log(&ctx->log, RD_LOG_INFO, "ca: submitting on %d connection(s) to %s", s->nca,
		       set.url ? set.url : "");
	if (rc == RD_OK && set.trust && rd_file_read(set.trust, 1 << 20, &s->chain, &len, NULL) != RD_OK)
		s->chain = NULL;
	s->lease_s = (set.timeout_s > 0 ? set.timeout_s : 15) + (set.connect_timeout_s > 0 ? set.connect_timeout_s : 5) +
		     60;
	rd_ca_settings_release(owned);
	return rc;
}

static void close_ca(sub *s)
{
	for (int i = 0; i < s->nca; i++)
		rd_ca_close(s->ca[i]);
	s->nca = 0;
}

static time_t backoff(const sub *s, int attempts)
{
	long d = BACKOFF_BASE_S;
	unsigned char r[4];
	uint32_t j;
	for (int i = 1; i < attempts && d < s->backoff_cap; i++)
		d *= 2;
	if (d > s->backoff_cap)
		d = s->backoff_cap;
	/* jitter: somewhere in [d/2, d], so many desks do not retry in step */
	if (rd_random(r, sizeof r, NULL) != RD_OK)
		return d;
	j = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
	return d / 2 + (time_t)(j % (uint32_t)(d / 2 + 1));
}

/* The subject stored with the request, as the connector wants it.  The
 * strings live in *js. */
static rd_code subject_from_json(const char *text, rd_ca_subject *s, json_t **js, rd_err *e)
{
	memset(s, 0, sizeof *s);
	*js = json_loads(text, 0, NULL);
	if (!*js || !json_is_object(*js))
		return rd_fail_at(e, RD_E_DATA, "ca_requests.subject", _("the stored subject is not JSON"));
	s->cn = json_string_value(json_object_get(*js, "CN"));
	s->o = json_string_value(json_object_get(*js, "O"));
	s->c = json_string_value(json_object_get(*js, "C"));
	return RD_OK;
}

/* A reason short enough for the state machine (500 bytes), cut at a UTF-8
 * character boundary. */
static void short_reason(const char *in, char *out, size_t n)
{
	size_t len;
	rd_strlcpy(out, in && *in ? in : _("the CA refused the request"), n);
	len = strlen(out);
	while (len && ((unsigned char)out[len - 1] & 0xC0) == 0x80)
		len--;
	if (len && ((unsigned char)out[len - 1] & 0x80) && strlen(out) == n - 1)
		len--; /* a lead byte whose continuation was cut */
	if (strlen(out) == n - 1)
		out[len] = '\0';
}

typedef struct outcome {
	rd_code rc;
	rd_err err;
	char *pem;                   /* the CA's answer, until it is checked */
	rd_ca_cert cert;             /* the answer once checked */
} outcome;

static rd_code audit_outcome(rd_ctx *ctx, const rd_careq_row *r, const char *action, const char *serial,
			     const char *error, const char *next, rd_err *e)
{
	char attempts[16];
	char *d;
	rd_code rc;
	snprintf(attempts, sizeof attempts, "%d", r->attempts);
	d = rd_details("request", r->id, "kind", r->kind, "attempts", attempts, "serial", serial, "error", error,
		       "next_try_at", next, "spki_sha256", r->csr_spki_sha256,
		       "possible_duplicate_at_ca", r->unknown_outcomes > 0 ? "yes" : NULL, (const char *)NULL);
	if (!d)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, action, r->app_no, d, e);
	free(d);
	return rc;
}

/* Success: certificate, request done, application, audit; one transaction. */
static rd_code record_success(sub *s, const rd_careq_row *r, const outcome *o, rd_err *e)
{
	rd_ctx *ctx = s->ctx;
	time_t now = rd_ctx_now(ctx);
	rd_app_state app;
	rd_code rc;
	if ((rc = rd_desk_app_get_id(ctx->db, r->app_id, &app, e)) != RD_OK)
		return rc;
	if (!strcmp(r->kind, "revoke")) {
		rd_cert_row c;
		if ((rc = rd_cert_current_row(ctx->db, r->app_id, &c, e)) != RD_OK)
			return rc;
		if (strcmp(c.serial_hex, r->revoke_serial) != 0) {
			rd_cert_row_free(&c);
			return rd_fail_at(e, RD_E_DATA, "certificate",
					  _("the current certificate of %s is %s, not the revoked %s"), app.no,
					  c.serial_hex, r->revoke_serial);
		}
		rc = rd_cert_set_status(ctx->db, c.id, "revoked", r->revoke_reason, now, e);
		rd_cert_row_free(&c);
		if (rc != RD_OK || (rc = rd_careq_finish(ctx->db, r->id, "done", r->next_try_at, "", now, e)) != RD_OK)
			return rc;
		if ((rc = audit_outcome(ctx, r, "ca.revoked", r->revoke_serial, NULL, NULL, e)) != RD_OK)
			return rc;
		return rd_transition_in_tx(ctx, &app, "revoked", rd_ca_reason_name(r->revoke_reason), e);
	} else {
		rd_cert_row c = {0}, old = {0};
		bool have_old = false;
		if (!strcmp(r->kind, "renew")) {
			if ((rc = rd_cert_current_row(ctx->db, r->app_id, &old, e)) != RD_OK)
				return rc;
			have_old = true;
		}
		c.app_id = r->app_id;
		rd_strlcpy(c.request_id, r->id, sizeof c.request_id);
		rd_strlcpy(c.serial_hex, o->cert.serial_hex, sizeof c.serial_hex);
		rd_strlcpy(c.serial_dec, o->cert.serial_dec, sizeof c.serial_dec);
		rd_strlcpy(c.issuer, o->cert.issuer, sizeof c.issuer);
		rd_strlcpy(c.subject, o->cert.subject, sizeof c.subject);
		rd_strlcpy(c.spki_sha256, o->cert.spki_sha256, sizeof c.spki_sha256);
		c.not_before = o->cert.not_before;
		c.not_after = o->cert.not_after;
		c.pem = o->cert.pem;
		c.chain_pem = s->chain;
		c.created_at = now;
		rc = rd_cert_insert(ctx->db, &c, e);
		if (rc == RD_OK && have_old)
			rc = rd_cert_set_status(ctx->db, old.id, "superseded", 0, now, e);
		if (have_old)
			rd_cert_row_free(&old);
		if (rc != RD_OK || (rc = rd_careq_finish(ctx->db, r->id, "done", r->next_try_at, "", now, e)) != RD_OK)
			return rc;
		if ((rc = audit_outcome(ctx, r, have_old ? "ca.renewed" : "ca.issued", c.serial_hex, NULL, NULL, e)) !=
		    RD_OK)
			return rc;
		if (!have_old)
			rc = rd_transition_in_tx(ctx, &app, "issued", NULL, e);
		return rc;
	}
}

static rd_code record_failure(sub *s, const rd_careq_row *r, const outcome *o, bool *failed, rd_err *e)
{
	rd_ctx *ctx = s->ctx;
	time_t now = rd_ctx_now(ctx);
	char why[1200], next[32], reason[480];
	rd_code rc;
	rd_err_text(&o->err, why, sizeof why);
	*failed = false;
	if (rd_ca_transient(o->rc) && r->attempts < s->max_attempts) {
		time_t at = now + backoff(s, r->attempts);
		rd_time_iso(at, next);
		if ((rc = rd_careq_finish(ctx->db, r->id, "retry", at, why, 0, e)) != RD_OK)
			return rc;
		return audit_outcome(ctx, r, "ca.retry", NULL, why, next, e);
	}
	*failed = true;
	if ((rc = rd_careq_finish(ctx->db, r->id, "failed", r->next_try_at, why, now, e)) != RD_OK)
		return rc;
	if ((rc = audit_outcome(ctx, r, "ca.failed", NULL, why, NULL, e)) != RD_OK)
		return rc;
	/* The CA said no to what was approved: a reviewer looks at it again.
	 * A request that only ran out of attempts stays queued_for_ca for the
	 * admin's retry. */
	if (!strcmp(r->kind, "enroll") && !rd_ca_transient(o->rc)) {
		rd_app_state app;
		if ((rc = rd_desk_app_get_id(ctx->db, r->app_id, &app, e)) != RD_OK)
			return rc;
		if (strcmp(app.state, "queued_for_ca") != 0)
			return RD_OK;
		short_reason(why, reason, sizeof reason);
		return rd_transition_in_tx(ctx, &app, "under_review", reason, e);
	}
	return RD_OK;
}

/* Problems of the RA's own link (TLS authentication, configuration, files)
 * say nothing about the request: it keeps its place, the error is kept. */
static bool link_problem(rd_code rc)
{
	return rc == RD_E_AUTH || rc == RD_E_CONFIG || rc == RD_E_IO || rc == RD_E_NOMEM || rc == RD_E_INTERNAL;
}

/* One job of the pipeline: a claimed row, what the wire needs, the answer,
 * and how recording it went. */
typedef struct job {
	rd_careq_row row;
	char was[12];                /* the row's state before the claim */
	char *old_pem;               /* renew/revoke: the current certificate */
	rd_ca_request req;           /* enroll/renew: the request, made once at the claim */
	json_t *req_js;              /* holds req's subject strings */
	rd_code req_rc;              /* when the stored request could not be read */
	rd_err req_err;
	outcome o;
	int stage;                   /* enum job_stage, under the pipeline's lock */
	rd_code rec_rc;
	rd_err rec_err;
	bool failed, requeued;
} job;

/* The request of a row as the connector wants it; strings live in *js. */
static rd_code request_of(const rd_careq_row *r, rd_ca_request *req, json_t **js, rd_err *e)
{
	memset(req, 0, sizeof *req);
	rd_code rc = subject_from_json(r->subject, &req->subject, js, e);
	req->csr_pem = r->csr_pem;
	req->profile = r->profile[0] ? r->profile : NULL;
	req->request_id = r->id;
	req->csr_spki_sha256 = r->csr_spki_sha256[0] ? r->csr_spki_sha256 : NULL;
	return rc;
}

/* The wire only: no database and no checks here, so the sender goes on to
 * the next request while the main thread checks and records this answer. */
static void send_one(rd_ca *ca, job *j)
{
	const rd_careq_row *r = &j->row;
	outcome *o = &j->o;
	memset(o, 0, sizeof *o);
	rd_err_clear(&o->err);
	if (!strcmp(r->kind, "revoke")) {
		o->rc = rd_ca_revoke(ca, r->revoke_serial, j->old_pem, r->revoke_reason, &o->err);
		return;
	}
	if ((o->rc = j->req_rc) != RD_OK)
		o->err = j->req_err;
	else if (!strcmp(r->kind, "renew") && !j->old_pem)
		o->rc = rd_fail_at(&o->err, RD_E_DATA, "certificate", _("the certificate to renew is not recorded"));
	else
		o->rc = rd_ca_fetch_cert(ca, &j->req, !strcmp(r->kind, "renew") ? j->old_pem : NULL, &o->pem,
					 &o->err);
}

/* The answer's checks (key, subject, chain, validity), on the main thread:
 * an unchecked certificate never reaches the database. */
static void check_answer(sub *s, job *j)
{
	outcome *o = &j->o;
	if (o->rc == RD_OK && o->pem) { /* so the request was read (send_one) */
		o->rc = rd_ca_check_response(s->ca[0], &j->req, o->pem, &o->cert, &o->err);
		rd_ca_log_outcome(s->ca[0], &j->req, o->rc, &o->cert, &o->err);
	}
	free(o->pem);
	o->pem = NULL;
}

/* Reads the row, claims it (queued|retry -> sending, committed with the
 * batch before anything is sent) and, for renew and revoke, the current
 * certificate.  RD_E_NOTFOUND: another desk took it. */
static rd_code claim_one(rd_ctx *ctx, job *j, const char *id, long lease_s, rd_err *e)
{
	rd_code rc = rd_careq_get(ctx->db, id, &j->row, e);
	if (rc != RD_OK)
		return rc;
	rd_strlcpy(j->was, j->row.state, sizeof j->was);
	if ((rc = rd_careq_claim(ctx->db, id, (int64_t)getpid(), time(NULL) + lease_s, e)) != RD_OK)
		return rc;
	j->row.attempts++;
	rd_strlcpy(j->row.state, "sending", sizeof j->row.state);
	json_decref(j->req_js);
	j->req_js = NULL;
	j->req_rc = RD_OK;
	if (strcmp(j->row.kind, "revoke") != 0) /* read once; the sender and the check use it */
		j->req_rc = request_of(&j->row, &j->req, &j->req_js, &j->req_err);
	free(j->old_pem);
	j->old_pem = NULL;
	if (strcmp(j->row.kind, "enroll") != 0) {
		rd_cert_row c;
		if (rd_cert_current_row(ctx->db, j->row.app_id, &c, NULL) == RD_OK) {
			j->old_pem = c.pem;
			c.pem = NULL;
			rd_cert_row_free(&c);
		}
	}
	return RD_OK;
}

struct record_args {
	sub *s;
	const rd_careq_row *row;
	outcome *o;
	bool failed, requeued;
};

/* A certificate whose serial the RA holds already (for another request:
 * the CA reused a serial number) is a refused answer like any other, not a
 * request stuck between sending and recorded. */
static rd_code serial_reused(rd_ctx *ctx, const rd_careq_row *r, outcome *o)
{
	rd_cert_row c;
	if (!strcmp(r->kind, "revoke") || rd_cert_by_request(ctx->db, r->id, &c, NULL) == RD_OK) {
		if (strcmp(r->kind, "revoke") != 0)
			rd_cert_row_free(&c);
		return RD_E_CONFLICT;
	}
	rd_err_clear(&o->err);
	o->rc = rd_fail_at(&o->err, RD_E_REFUSED, "response.serial",
			   _("the CA's certificate has serial %s, which the RA holds for another certificate already"),
			   o->cert.serial_hex);
	rd_ca_cert_free(&o->cert);
	return RD_OK;
}

static rd_code record_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct record_args *a = ud;
	char why[1200];
	rd_code rc;
	if (a->o->rc == RD_OK) {
		rc = record_success(a->s, a->row, a->o, e);
		if (rc != RD_E_CONFLICT || serial_reused(ctx, a->row, a->o) != RD_OK)
			return rc;
	}
	if (link_problem(a->o->rc)) {
		a->requeued = true;
		rd_err_text(&a->o->err, why, sizeof why);
		return rd_careq_finish(a->s->ctx->db, a->row->id, "retry", rd_ctx_now(a->s->ctx), why, 0, e);
	}
	return record_failure(a->s, a->row, a->o, &a->failed, e);
}

/* ---- the pipeline ----
 * The main thread claims rows a few at a time (the claims committed before
 * any of them is sent) and records the answers, oldest first, RECORD_GROUP
 * of them in one transaction with a savepoint per answer.  Sender threads,
 * each with a kept-alive connection of its own, only do the wire.  So the
 * checks and the database work overlap the round trips, and one commit
 * serves many answers: the pages the answers share (indexes, the audit
 * head) are written once per group, not once per answer.
 * Per sender, at most UNSENT claimed rows wait for the wire, enough for the
 * round trips while the main thread records a group.  Rows claimed and not
 * sent are what a crash leaves as "outcome unknown" for nothing, so that
 * number stays small; answered rows wait for their group instead. */
#define UNSENT 4
#define RECORD_GROUP 8
enum job_stage { JOB_FREE, JOB_CLAIMED, JOB_ON_WIRE, JOB_ANSWERED };

typedef struct pipeline {
	sub *s;
	job *jobs;
	size_t depth;                /* claimed and not yet recorded, at most */
	size_t unsent_max, group;
	size_t claimed;              /* rows claimed so far; written by the main thread under mu */
	size_t next_send;            /* claim number the next free sender takes */
	long credit;                 /* sends allowed until the main thread's word: -1 any, 0 held */
	bool quit;
	pthread_mutex_t mu;
	size_t answered_since;       /* answers since the main thread last recorded */
	pthread_cond_t cv_send;      /* senders wait: a claimed row, credit to send it, quit */
	pthread_cond_t cv_main;      /* the main thread waits: answers to record, rows to claim */
} pipeline;

typedef struct sender_arg {
	pipeline *p;
	rd_ca *ca;
} sender_arg;

static job *job_at(pipeline *p, size_t claim_no)
{
	return &p->jobs[claim_no % p->depth];
}

/* Takes claimed jobs in claim order; next_send never passes the claims, so
 * the slot it names is either claimed and waiting, or not claimed yet. */
static void *sender(void *arg)
{
	sender_arg *sa = arg;
	pipeline *p = sa->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		job *j;
		while (((j = job_at(p, p->next_send))->stage != JOB_CLAIMED || p->credit == 0) && !p->quit)
			pthread_cond_wait(&p->cv_send, &p->mu);
		if (p->quit)
			break;
		j->stage = JOB_ON_WIRE;
		p->next_send++;
		if (p->credit > 0)
			p->credit--;
		pthread_mutex_unlock(&p->mu);
		send_one(sa->ca, j);
		pthread_mutex_lock(&p->mu);
		j->stage = JOB_ANSWERED;
		/* a CA that is down fails at once: wait for the breaker's word
		 * instead of spending an attempt of every claimed row */
		if (j->o.rc != RD_OK)
			p->credit = 0;
		/* wake the main thread only when it may have something to do; while
		 * held, every answer, as the failure may wait behind this one */
		p->answered_since++;
		if (p->credit == 0 || p->answered_since >= p->group || p->next_send == p->claimed ||
		    p->claimed - p->next_send <= p->unsent_max / 2)
			pthread_cond_signal(&p->cv_main);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* due: how many rows this submission may claim, so a small one (the
 * terminal's background tick) does not allocate for a thousand. */
static rd_code start_senders(pipeline *p, sub *s, size_t due, pthread_t *th, sender_arg *sa, int *started,
			     rd_err *e)
{
	p->s = s;
	p->unsent_max = UNSENT * (size_t)s->nca;
	p->group = RECORD_GROUP * (size_t)s->nca;
	p->depth = p->unsent_max + p->group + (size_t)s->nca;
	if (due < p->depth)
		p->depth = due;
	p->credit = -1;
	if (!(p->jobs = calloc(p->depth, sizeof *p->jobs)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_send, NULL);
	pthread_cond_init(&p->cv_main, NULL);
	for (*started = 0; *started < s->nca; (*started)++) {
		sa[*started] = (sender_arg){p, s->ca[*started]};
		if (pthread_create(&th[*started], NULL, sender, &sa[*started]) != 0)
			break;
	}
	if (*started > 0)
		return RD_OK;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_send);
	pthread_cond_destroy(&p->cv_main);
	return rd_fail(e, RD_E_INTERNAL, _("cannot start the sending thread"));
}

static void stop_senders(pipeline *p, pthread_t *th, int started)
{
	if (!started)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->cv_send);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_send);
	pthread_cond_destroy(&p->cv_main);
}

/* ---- claiming ---- */

struct claim_batch {
	pipeline *p;
	char (*ids)[40];
	size_t n, next_id;           /* ids[next_id ...] are still to claim */
	size_t want, got, gone;      /* gone: taken by another desk meanwhile */
};

static rd_code claim_batch_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct claim_batch *a = ud;
	pipeline *p = a->p;
	for (a->got = 0; a->got < a->want && a->next_id < a->n;) {
		rd_err ce;
		rd_code rc = claim_one(ctx, job_at(p, p->claimed + a->got), a->ids[a->next_id++], p->s->lease_s, &ce);
		if (rc == RD_E_NOTFOUND) {
			a->gone++;
			continue;
		}
		if (rc != RD_OK) {
			*e = ce;
			return rc;
		}
		a->got++;
	}
	return RD_OK;
}

/* Claims up to want rows in one transaction, then hands them to the senders. */
static rd_code claim_batch(rd_ctx *ctx, struct claim_batch *a, size_t want, rd_err *e)
{
	pipeline *p = a->p;
	rd_code rc;
	a->want = want;
	a->gone = 0;
	if ((rc = rd_in_transaction(ctx, claim_batch_step, a, e)) != RD_OK)
		return rc;
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < a->got; i++)
		job_at(p, p->claimed + i)->stage = JOB_CLAIMED;
	p->claimed += a->got;
	pthread_cond_broadcast(&p->cv_send);
	pthread_mutex_unlock(&p->mu);
	return RD_OK;
}

struct unclaim_args {
	pipeline *p;
	size_t from, to;
};

static rd_code unclaim_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct unclaim_args *u = ud;
	rd_code rc = RD_OK;
	for (size_t k = u->from; k < u->to && rc == RD_OK; k++) {
		const job *j = job_at(u->p, k);
		rc = rd_careq_unclaim(ctx->db, j->row.id, j->was, (int64_t)getpid(), e);
	}
	return rc;
}

/* On a stop: the claimed rows no sender has taken yet go back to the queue
 * as they were.  Should that fail they stay `sending`, and the next
 * submission settles them as any interrupted send. */
static void take_back_unsent(rd_ctx *ctx, pipeline *p)
{
	struct unclaim_args u = {p, 0, 0};
	rd_err ue;
	pthread_mutex_lock(&p->mu);
	u.from = p->next_send;
	u.to = p->claimed;
	for (size_t k = u.from; k < u.to; k++)
		job_at(p, k)->stage = JOB_FREE;
	p->claimed = u.from;
	pthread_mutex_unlock(&p->mu);
	if (u.from < u.to && rd_in_transaction_always(ctx, unclaim_step, &u, &ue) != RD_OK)
		rd_log(&ctx->log, RD_LOG_WARN, "ca: %zu claimed request(s) stay sending until the next submission: %s",
		       u.to - u.from, ue.msg);
}

/* ---- recording ---- */

static size_t unsent_rows(pipeline *p)
{
	size_t n;
	pthread_mutex_lock(&p->mu);
	n = p->claimed - p->next_send;
	pthread_mutex_unlock(&p->mu);
	return n;
}

/* Waits until there is work for the main thread.  Returns how many answers,
 * in claim order from recorded, are to be recorded now: a whole group; any
 * that are in once the senders have nothing left to send; or at once when
 * one is a failure, so a CA that is down stops the batch after BREAKER of
 * them.  Returns 0 when it is time to claim more (can_claim: there are rows
 * to claim). */
static size_t wait_for_work(pipeline *p, size_t recorded, bool can_claim)
{
	size_t k;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		bool all_ok = true;
		size_t unsent = p->claimed - p->next_send;
		for (k = 0; recorded + k < p->claimed && job_at(p, recorded + k)->stage == JOB_ANSWERED; k++)
			all_ok = all_ok && job_at(p, recorded + k)->o.rc == RD_OK;
		if (k >= p->group || (k > 0 && (!all_ok || unsent == 0 || p->credit == 0))) {
			p->answered_since -= k < p->answered_since ? k : p->answered_since;
			break;
		}
		if (can_claim && unsent <= p->unsent_max / 2 && p->claimed - recorded < p->depth) {
			k = 0;
			break;
		}
		pthread_cond_wait(&p->cv_main, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return k;
}

struct record_group {
	sub *s;
	pipeline *p;
	size_t from, count;
};

/* Each answer in a savepoint of its own: one that cannot be recorded stays
 * `sending` (settled by the next submission) and the others are kept. */
static rd_code record_group_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct record_group *g = ud;
	(void)e;
	for (size_t i = 0; i < g->count; i++) {
		job *j = job_at(g->p, g->from + i);
		struct record_args ra = {g->s, &j->row, &j->o, false, false};
		rd_err_clear(&j->rec_err);
		j->rec_rc = rd_in_savepoint(ctx, record_step, &ra, &j->rec_err);
		j->failed = ra.failed;
		j->requeued = ra.requeued;
	}
	return RD_OK;
}

typedef struct tally {
	rd_ca_batch b;
	int streak;                  /* transient failures in a row */
	bool stop;
	rd_code rc;                  /* the first error that stops the batch */
} tally;

static void tally_error(tally *t, rd_code rc, const rd_err *err, rd_err *e)
{
	if (t->rc == RD_OK) {
		t->rc = rc;
		*e = *err;
	}
	t->stop = true;
}

static void report_progress(sub *s, job *j, const tally *t, rd_ca_progress_fn fn, void *ud)
{
	rd_careq_info info;
	rd_strlcpy(j->row.state, j->o.rc == RD_OK ? "done" : j->failed ? "failed" : "retry", sizeof j->row.state);
	rd_err_text(&j->o.err, j->row.last_error, sizeof j->row.last_error);
	info_from_row(s->ctx, &j->row, &info);
	if (j->o.rc == RD_OK)
		rd_strlcpy(info.serial_hex, j->o.cert.serial_hex, sizeof info.serial_hex);
	fn(ud, &info, t->b.done + t->b.failed + t->b.retry, t->b.total);
}

/* Counts one recorded job; stops the batch on a link problem, or on BREAKER
 * transient failures in a row (the CA is down or overloaded: the rest keep
 * their place) unless one application was asked for. */
static void count_recorded(sub *s, job *j, tally *t, bool one_app, rd_ca_progress_fn fn, void *ud, rd_err *e)
{
	if (j->rec_rc != RD_OK) {
		tally_error(t, j->rec_rc, &j->rec_err, e);
		return;
	}
	if (j->requeued) {
		tally_error(t, j->o.err.code ? j->o.err.code : RD_E_INTERNAL, &j->o.err, e);
		return;
	}
	if (j->o.rc == RD_OK)
		t->b.done++, t->streak = 0;
	else if (j->failed)
		t->b.failed++, t->streak = 0;
	else
		t->b.retry++, t->streak++;
	if (fn)
		report_progress(s, j, t, fn, ud);
	if (t->streak >= BREAKER && !one_app)
		t->stop = true;
}

/* Checks count answers from recorded and records them in one transaction. */
static void record_answers(pipeline *p, size_t count, size_t *recorded, tally *t, bool one_app,
			   rd_ca_progress_fn fn, void *ud, rd_err *e)
{
	sub *s = p->s;
	struct record_group g = {s, p, *recorded, count};
	rd_err ge;
	rd_code rc;
	for (size_t i = 0; i < g.count; i++)
		check_answer(s, job_at(p, g.from + i));
	rc = rd_in_transaction_always(s->ctx, record_group_step, &g, &ge);
	for (size_t i = 0; i < g.count; i++) {
		job *j = job_at(p, g.from + i);
		if (rc != RD_OK)
			tally_error(t, rc, &ge, e);
		else
			count_recorded(s, j, t, one_app, fn, ud, e);
		rd_ca_cert_free(&j->o.cert);
	}
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < g.count; i++)
		job_at(p, g.from + i)->stage = JOB_FREE;
	pthread_mutex_unlock(&p->mu);
	*recorded += g.count;
}

/* After a recording: all senders go on when the last answer was not a
 * transient failure; after one, the requests sent and not yet recorded
 * decide, and when there are none, a single request probes the CA.  So a
 * CA that is down costs BREAKER attempts (one more per connection that was
 * already sending). */
static void resume_senders(pipeline *p, size_t recorded, int streak)
{
	pthread_mutex_lock(&p->mu);
	if (streak == 0)
		p->credit = -1;
	else if (recorded == p->next_send)
		p->credit = 1;
	pthread_cond_broadcast(&p->cv_send);
	pthread_mutex_unlock(&p->mu);
}

static rd_code run_pipeline(pipeline *p, char (*ids)[40], size_t n, bool one_app, rd_ca_progress_fn fn, void *ud,
			    rd_ca_batch *b, rd_err *e)
{
	rd_ctx *ctx = p->s->ctx;
	struct claim_batch cb = {.p = p, .ids = ids, .n = n};
	tally t = {.b = *b};
	size_t recorded = 0, k;
	for (;;) {
		size_t unsent = unsent_rows(p), room = p->depth - (p->claimed - recorded);
		if (!t.stop && cb.next_id < n && unsent <= p->unsent_max / 2 && room > 0) {
			rd_err ce;
			rd_code crc;
			size_t want = p->unsent_max - unsent;
			if (ctx->interrupted && *ctx->interrupted)
				t.stop = true;
			else if ((crc = claim_batch(ctx, &cb, want < room ? want : room, &ce)) != RD_OK)
				tally_error(&t, crc, &ce, e);
			t.b.total -= cb.gone;
		}
		if (t.stop)
			take_back_unsent(ctx, p);
		if (recorded == p->claimed)
			break;
		if ((k = wait_for_work(p, recorded, !t.stop && cb.next_id < n)) == 0)
			continue;
		record_answers(p, k, &recorded, &t, one_app, fn, ud, e);
		if (!t.stop)
			resume_senders(p, recorded, t.streak);
	}
	*b = t.b;
	return t.rc;
}

rd_code rd_ca_submit_some(rd_ctx *ctx, const char *no, size_t max, rd_ca_progress_fn fn, void *ud, rd_ca_batch *out,
			  rd_err *e)
{
	rd_ca_batch b = {0, 0, 0, 0};
	sub s = {.ctx = ctx, .max_attempts = 10, .backoff_cap = 3600, .lease_s = 80};
	char(*ids)[40] = NULL;
	pipeline *p = NULL;
	pthread_t th[MAX_SENDERS];
	sender_arg sa[MAX_SENDERS];
	int started = 0;
	int64_t app_id = 0;
	size_t n = 0;
	rd_code rc;
	if (out)
		*out = b;
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	s.max_attempts = (int)rd_config_int(ctx->cfg, "ca", "max_attempts");
	s.backoff_cap = rd_config_int(ctx->cfg, "ca", "retry_cap");
	if (s.max_attempts <= 0)
		s.max_attempts = 10;
	if (s.backoff_cap < BACKOFF_BASE_S)
		s.backoff_cap = BACKOFF_BASE_S;
	if (no) {
		rd_app_state app;
		if ((rc = rd_desk_app_get(ctx->db, no, &app, e)) != RD_OK)
			return rc;
		app_id = app.id;
	}
	if ((rc = reconcile(ctx, e)) != RD_OK)
		return rc;
	if (max == 0 || max > MAX_BATCH)
		max = MAX_BATCH;
	if (!(ids = malloc(max * sizeof *ids)) || !(p = calloc(1, sizeof *p))) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	if ((rc = rd_careq_due(ctx->db, app_id, rd_ctx_now(ctx), no != NULL, ids, max, &n, e)) != RD_OK)
		goto out;
	b.total = n;
	if (n == 0)
		goto out;
	if ((rc = open_ca(ctx, &s, n, e)) != RD_OK || (rc = start_senders(p, &s, n, th, sa, &started, e)) != RD_OK)
		goto out;
	rc = run_pipeline(p, ids, n, no != NULL, fn, ud, &b, e);
out:
	stop_senders(p, th, started);
	if (p && p->jobs)
		for (size_t i = 0; i < p->depth; i++) {
			free(p->jobs[i].old_pem);
			json_decref(p->jobs[i].req_js);
		}
	if (p)
		free(p->jobs);
	close_ca(&s);
	free(s.chain);
	free(ids);
	free(p);
	if (out)
		*out = b;
	return rc;
}

rd_code rd_ca_submit(rd_ctx *ctx, const char *no, rd_ca_progress_fn fn, void *ud, rd_ca_batch *out, rd_err *e)
{
	return rd_ca_submit_some(ctx, no, 0, fn, ud, out, e);
}
