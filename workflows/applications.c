/* Registering, reading, editing, cancelling, copying and finding
 * applications.  State changes beyond these belong to the state machine. */
#include "workflows/desk_internal.h"
#include "workflows/internal.h"

#include <argon2.h>
#include <stdlib.h>
#include <string.h>

static void person_to_record(const rd_person *p, char *name, char *id_type, char *id_number, char *mobile,
			     char *email)
{
	rd_strlcpy(name, p->name, 256);
	rd_strlcpy(id_type, p->id_number[0] ? rd_id_type_name(p->id_type) : "", 24);
	rd_strlcpy(id_number, p->id_number, 40);
	rd_strlcpy(mobile, p->mobile, 24);
	rd_strlcpy(email, p->email, 256);
}

static void person_from_record(rd_person *p, const char *name, const char *id_type, const char *id_number,
			       const char *mobile, const char *email)
{
	rd_strlcpy(p->name, name, sizeof p->name);
	p->id_type = rd_id_type_parse(id_type);
	rd_strlcpy(p->id_number, id_number, sizeof p->id_number);
	rd_strlcpy(p->mobile, mobile, sizeof p->mobile);
	rd_strlcpy(p->email, email, sizeof p->email);
}

static void model_to_record(const rd_application *a, rd_app_record *r)
{
	rd_strlcpy(r->kind, rd_app_kind_name(a->kind), sizeof r->kind);
	rd_strlcpy(r->product, a->product, sizeof r->product);
	r->years = a->years;
	rd_strlcpy(r->username, a->username, sizeof r->username);
	person_to_record(&a->subject, r->subject_name, r->subject_id_type, r->subject_id_number, r->subject_mobile,
			 r->subject_email);
	rd_strlcpy(r->org_name, a->organization.name, sizeof r->org_name);
	rd_strlcpy(r->org_uscc, a->organization.uscc, sizeof r->org_uscc);
	rd_strlcpy(r->org_address, a->organization.address, sizeof r->org_address);
	rd_strlcpy(r->org_legal_rep, a->organization.legal_rep, sizeof r->org_legal_rep);
	person_to_record(&a->agent, r->agent_name, r->agent_id_type, r->agent_id_number, r->agent_mobile,
			 r->agent_email);
	rd_strlcpy(r->verify_question, a->verification.question, sizeof r->verify_question);
	rd_strlcpy(r->agreement_version, a->agreement_version, sizeof r->agreement_version);
}

static void record_to_model(const rd_app_record *r, rd_application *a)
{
	rd_application_init(a);
	a->kind = rd_app_kind_parse(r->kind);
	rd_strlcpy(a->product, r->product, sizeof a->product);
	a->years = r->years;
	rd_strlcpy(a->username, r->username, sizeof a->username);
	person_from_record(&a->subject, r->subject_name, r->subject_id_type, r->subject_id_number, r->subject_mobile,
			   r->subject_email);
	rd_strlcpy(a->organization.name, r->org_name, sizeof a->organization.name);
	rd_strlcpy(a->organization.uscc, r->org_uscc, sizeof a->organization.uscc);
	rd_strlcpy(a->organization.address, r->org_address, sizeof a->organization.address);
	rd_strlcpy(a->organization.legal_rep, r->org_legal_rep, sizeof a->organization.legal_rep);
	person_from_record(&a->agent, r->agent_name, r->agent_id_type, r->agent_id_number, r->agent_mobile,
			   r->agent_email);
	rd_strlcpy(a->verification.question, r->verify_question, sizeof a->verification.question);
	rd_strlcpy(a->agreement_version, r->agreement_version, sizeof a->agreement_version);
}

static void record_to_meta(rd_ctx *ctx, const rd_app_record *r, rd_app_meta *m)
{
	memset(m, 0, sizeof *m);
	rd_strlcpy(m->no, r->no, sizeof m->no);
	rd_strlcpy(m->state, r->state, sizeof m->state);
	m->version = r->version;
	rd_strlcpy(m->created_by, r->created_by, sizeof m->created_by);
	rd_strlcpy(m->updated_by, r->updated_by, sizeof m->updated_by);
	m->created_at = r->created_at;
	m->updated_at = r->updated_at;
	rd_strlcpy(m->cancel_reason, r->cancel_reason, sizeof m->cancel_reason);
	m->answer_set = r->verify_answer_hash[0] != '\0';
	if (r->copied_from) {
		rd_app_record src;
		if (rd_app_get_by_id(ctx->db, &ctx->keys, r->copied_from, &src, NULL) == RD_OK)
			rd_strlcpy(m->copied_from, src.no, sizeof m->copied_from);
		rd_memzero(&src, sizeof src);
	}
}

static rd_code need_keys(rd_ctx *ctx, rd_err *e)
{
	if (!ctx->have_keys)
		return rd_fail(e, RD_E_CONFIG, _("the key file for personal data is missing; it is made by 'radesk init'"));
	return RD_OK;
}

/* Format errors always refuse; missing required fields only when the
 * application is to be complete. */
static rd_code validate(rd_ctx *ctx, const rd_application *a, unsigned flags, unsigned form_flags,
			rd_errlist *errs, rd_err *e)
{
	rd_products *products = NULL;
	rd_errlist local;
	rd_code rc;
	rd_errlist_init(&local);
	if (!errs)
		errs = &local;
	if ((rc = rd_products_load(ctx->cfg, &products, e)) != RD_OK)
		return rc;
	if (!(flags & RD_APP_DRAFT)) {
		rc = rd_application_validate(a, products, rd_ctx_now(ctx), form_flags, NULL, errs);
	} else {
		char buf[64];
		rc = RD_OK;
		for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) {
			rd_err fe;
			const char *v = rd_application_get(a, f->id, buf, sizeof buf);
			if ((!v || !*v) && f->id != RD_F_KIND)
				continue;
			if (rd_application_check_field(a, f->id, products, rd_ctx_now(ctx), form_flags | RD_APP_ANSWER_KEPT,
						       &fe) != RD_OK)
				rc = rd_errlist_add(errs, &fe);
		}
	}
	rd_products_free(products);
	if (rc != RD_OK) {
		char *text = rd_errlist_text(errs);
		rd_fail(e, RD_E_INVALID, "%s", text ? text : _("the application has errors"));
		free(text);
	}
	rd_errlist_free(&local);
	return rc;
}

static rd_code hash_answer(const char *answer, char out[256], rd_err *e)
{
	unsigned char salt[16];
	char norm[512];
	/* Answers are compared trimmed and case-folded: applicants retype them
	 * years later at renewal. */
	rd_norm_text(answer, norm, sizeof norm);
	for (char *p = norm; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	if (rd_random(salt, sizeof salt, e) != RD_OK)
		return RD_E_INTERNAL;
	int rc = argon2id_hash_encoded(2, 19456, 1, norm, strlen(norm), salt, sizeof salt, 32, out, 256);
	rd_memzero(norm, sizeof norm);
	if (rc != ARGON2_OK)
		return rd_fail(e, RD_E_INTERNAL, _("hashing the verification answer failed"));
	return RD_OK;
}

static const char *number_prefix(const rd_ctx *ctx)
{
	(void)ctx;
	return "RA";
}

rd_code rd_app_register(rd_ctx *ctx, const rd_application *a, unsigned flags, char no[32], rd_errlist *errs,
			rd_err *e)
{
	rd_app_record r;
	rd_code rc;
	char *details;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_CLERK)) != RD_OK || (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if ((rc = validate(ctx, a, flags, 0, errs, e)) != RD_OK)
		return rc;
	memset(&r, 0, sizeof r);
	model_to_record(a, &r);
	rd_strlcpy(r.state, "draft", sizeof r.state);
	rd_strlcpy(r.service_point, rd_config_str(ctx->cfg, "radesk", "service_point"), sizeof r.service_point);
	rd_strlcpy(r.created_by, ctx->who.name, sizeof r.created_by);
	rd_strlcpy(r.updated_by, ctx->who.name, sizeof r.updated_by);
	r.created_at = r.updated_at = rd_ctx_now(ctx);
	if (a->verification.answer[0] && (rc = hash_answer(a->verification.answer, r.verify_answer_hash, e)) != RD_OK)
		return rc;
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		return rc;
	rc = rd_app_insert(ctx->db, &ctx->keys, number_prefix(ctx), &r, e);
	if (rc == RD_OK) {
		details = rd_details("kind", r.kind, "product", r.product, "username", r.username, (const char *)NULL);
		rc = rd_ctx_audit(ctx, "app.register", r.no, details, e);
		free(details);
	}
	if (rc == RD_OK)
		rc = rd_db_commit(ctx->db, e);
	else
		rd_db_rollback(ctx->db);
	if (rc == RD_OK && no)
		rd_strlcpy(no, r.no, 32);
	if (rc == RD_E_CONFLICT && errs)
		rd_errlist_add(errs, e);
	rd_memzero(&r, sizeof r);
	return rc;
}

/* Who sees whole identifiers: the clerk checks them against the original
 * document, the reviewer against the copies. */
static bool role_sees_identifiers(rd_role role)
{
	return role == RD_ROLE_CLERK || role == RD_ROLE_REVIEWER;
}

static void mask_person(rd_person *p)
{
	char buf[64];
	rd_mask_id(p->id_number, buf, sizeof buf);
	rd_strlcpy(p->id_number, buf, sizeof p->id_number);
	rd_mask_mobile(p->mobile, buf, sizeof buf);
	rd_strlcpy(p->mobile, buf, sizeof p->mobile);
}

rd_code rd_app_fetch(rd_ctx *ctx, const char *no, rd_application *out, rd_app_meta *meta, rd_err *e)
{
	rd_app_record r;
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK ||
	    (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if ((rc = rd_app_get(ctx->db, &ctx->keys, no, &r, e)) != RD_OK)
		return rc;
	record_to_model(&r, out);
	if (meta)
		record_to_meta(ctx, &r, meta);
	if (!role_sees_identifiers(ctx->who.role)) {
		char buf[64];
		mask_person(&out->subject);
		mask_person(&out->agent);
		rd_mask_id(out->organization.uscc, buf, sizeof buf);
		rd_strlcpy(out->organization.uscc, buf, sizeof out->organization.uscc);
		if (meta)
			meta->masked = true;
	}
	rd_memzero(&r, sizeof r);
	return RD_OK;
}

/* Loads the application for a change by the clerk, checking state and the
 * version the clerk saw. */
static rd_code load_for_change(rd_ctx *ctx, const char *no, int version, rd_app_record *r, const char *verb,
			       rd_err *e)
{
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_CLERK)) != RD_OK || (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if ((rc = rd_app_get(ctx->db, &ctx->keys, no, r, e)) != RD_OK)
		return rc;
	if (!rd_app_may_edit(r->state))
		return rd_fail_at(e, RD_E_REFUSED, no, _("the application is %s; it can no longer be %s"), r->state, verb);
	if (version && version != r->version)
		return rd_fail_at(e, RD_E_CONFLICT, no, _("changed by %s since you loaded it; reload it and try again"),
				  r->updated_by);
	return RD_OK;
}

rd_code rd_app_edit(rd_ctx *ctx, const char *no, const rd_application *a, int version, unsigned flags,
		    rd_errlist *errs, rd_err *e)
{
	rd_app_record r;
	rd_code rc;
	if ((rc = validate(ctx, a, flags, RD_APP_ANSWER_KEPT, errs, e)) != RD_OK)
		return rc;
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		return rc;
	if ((rc = load_for_change(ctx, no, version, &r, _("edited"), e)) == RD_OK) {
		char keep_hash[256];
		rd_strlcpy(keep_hash, r.verify_answer_hash, sizeof keep_hash);
		model_to_record(a, &r);
		rd_strlcpy(r.verify_answer_hash, keep_hash, sizeof r.verify_answer_hash);
		if (a->verification.answer[0])
			rc = hash_answer(a->verification.answer, r.verify_answer_hash, e);
		rd_strlcpy(r.updated_by, ctx->who.name, sizeof r.updated_by);
		r.updated_at = rd_ctx_now(ctx);
		if (rc == RD_OK)
			rc = rd_app_update(ctx->db, &ctx->keys, &r, e);
		if (rc == RD_OK)
			rc = rd_ctx_audit(ctx, "app.edit", no, NULL, e);
	}
	rd_memzero(&r, sizeof r);
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

/* Cancelling is a step of the state machine; the reason is also kept on
 * the application for its detail view. */
rd_code rd_app_cancel(rd_ctx *ctx, const char *no, const char *reason, rd_err *e)
{
	rd_app_state app;
	rd_code rc;
	if (!reason || !*reason)
		return rd_fail_at(e, RD_E_INVALID, "reason", _("a reason is required"));
	if ((rc = rd_check_text(reason, 1, 200, "reason", e)) != RD_OK)
		return rc;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_CLERK)) != RD_OK)
		return rc;
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		return rc;
	if ((rc = rd_desk_app_get(ctx->db, no, &app, e)) == RD_OK &&
	    (rc = rd_transition_in_tx(ctx, &app, "cancelled", reason, e)) == RD_OK)
		rc = rd_app_set_cancel_reason(ctx->db, app.id, reason, e);
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

rd_code rd_app_copy(rd_ctx *ctx, const char *no, char new_no[32], rd_err *e)
{
	rd_app_record src, r;
	rd_application from, to;
	rd_code rc;
	char *details;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_CLERK)) != RD_OK || (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	if ((rc = rd_app_get(ctx->db, &ctx->keys, no, &src, e)) != RD_OK)
		return rc;
	record_to_model(&src, &from);
	rd_application_copy_for_similar(&to, &from);
	memset(&r, 0, sizeof r);
	model_to_record(&to, &r);
	r.copied_from = src.id;
	rd_strlcpy(r.state, "draft", sizeof r.state);
	rd_strlcpy(r.service_point, rd_config_str(ctx->cfg, "radesk", "service_point"), sizeof r.service_point);
	rd_strlcpy(r.created_by, ctx->who.name, sizeof r.created_by);
	rd_strlcpy(r.updated_by, ctx->who.name, sizeof r.updated_by);
	r.created_at = r.updated_at = rd_ctx_now(ctx);
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		goto out;
	rc = rd_app_insert(ctx->db, &ctx->keys, number_prefix(ctx), &r, e);
	if (rc == RD_OK) {
		details = rd_details("copied_from", no, (const char *)NULL);
		rc = rd_ctx_audit(ctx, "app.copy", r.no, details, e);
		free(details);
	}
	if (rc == RD_OK)
		rc = rd_db_commit(ctx->db, e);
	else
		rd_db_rollback(ctx->db);
	if (rc == RD_OK)
		rd_strlcpy(new_no, r.no, 32);
out:
	rd_application_clear(&from);
	rd_application_clear(&to);
	rd_memzero(&src, sizeof src);
	rd_memzero(&r, sizeof r);
	return rc;
}

rd_code rd_app_check_complete(rd_ctx *ctx, const char *no, rd_errlist *errs, rd_err *e)
{
	rd_app_record r;
	rd_application a;
	rd_code rc;
	if ((rc = need_keys(ctx, e)) != RD_OK || (rc = rd_app_get(ctx->db, &ctx->keys, no, &r, e)) != RD_OK)
		return rc;
	record_to_model(&r, &a);
	rc = validate(ctx, &a, 0, RD_APP_ANSWER_KEPT, errs, e);
	if (rc == RD_OK && !r.verify_answer_hash[0]) {
		rc = rd_fail_at(e, RD_E_INVALID, "verification.answer", _("a verification answer is required"));
		if (errs)
			rd_errlist_add(errs, e);
	}
	rd_application_clear(&a);
	rd_memzero(&r, sizeof r);
	return rc;
}

/* Unambiguous shapes first: a number, a resident ID, a credit code, a mobile.
 * Returns RD_APP_BY_NAME for anything else. */
static rd_app_key classify(rd_ctx *ctx, const char *text, char *norm, size_t n)
{
	rd_norm_id_number(text, norm, n);
	if (strncmp(norm, "RA-", 3) == 0)
		return RD_APP_BY_NO;
	if (rd_check_resident_id(norm, rd_ctx_now(ctx), "q", NULL) == RD_OK)
		return RD_APP_BY_ID_NUMBER;
	if (rd_check_uscc(text, "q", NULL) == RD_OK) {
		rd_norm_uscc(text, norm, n);
		return RD_APP_BY_USCC;
	}
	if (rd_check_mobile(text, "q", NULL) == RD_OK) {
		rd_norm_mobile(text, norm, n);
		return RD_APP_BY_MOBILE;
	}
	rd_norm_text(text, norm, n);
	return RD_APP_BY_NAME;
}

static bool other_id_shape(const char *v)
{
	return rd_check_passport(v, "q", NULL) == RD_OK || rd_check_hk_macau_permit(v, "q", NULL) == RD_OK ||
	       rd_check_taiwan_permit(v, "q", NULL) == RD_OK || rd_check_foreign_pr(v, "q", NULL) == RD_OK;
}

struct find_state {
	rd_app_fn fn;
	void *ud;
	int n;
};

static int count_and_forward(void *ud, const rd_app_summary *s)
{
	struct find_state *fs = ud;
	fs->n++;
	return fs->fn(fs->ud, s);
}

/* Runs the search as `by`; true when it found something (or failed). */
static bool try_search(rd_ctx *ctx, rd_app_filter f, rd_app_key by, const char *value, struct find_state *fs,
		       rd_code *rc, rd_err *e)
{
	f.by = by;
	f.value = value;
	*rc = rd_app_search(ctx->db, &ctx->keys, &f, count_and_forward, fs, e);
	return *rc != RD_OK || fs->n > 0;
}

rd_code rd_app_find(rd_ctx *ctx, const rd_app_query *q, rd_app_fn fn, void *ud, rd_err *e)
{
	rd_app_filter f;
	char norm[512] = "", idnorm[64] = "";
	struct find_state fs = {fn, ud, 0};
	rd_code rc;
	rd_app_key by;
	if ((rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR)) != RD_OK ||
	    (rc = need_keys(ctx, e)) != RD_OK)
		return rc;
	memset(&f, 0, sizeof f);
	f.state = q->state;
	f.created_by = q->created_by;
	f.from = q->from;
	f.to = q->to;
	f.limit = q->limit;
	f.offset = q->offset;
	if (!q->text || !*q->text)
		return rd_app_search(ctx->db, &ctx->keys, &f, fn, ud, e);
	by = classify(ctx, q->text, norm, sizeof norm);
	if (by != RD_APP_BY_NAME) {
		f.by = by;
		f.value = norm;
		return rd_app_search(ctx->db, &ctx->keys, &f, fn, ud, e);
	}
	/* A user name or a passport number looks like a name part too: exact
	 * lookups first, the substring search last. */
	if (rd_check_username(norm, "q", NULL) == RD_OK && try_search(ctx, f, RD_APP_BY_USERNAME, norm, &fs, &rc, e))
		return rc;
	rd_norm_id_number(q->text, idnorm, sizeof idnorm);
	if (other_id_shape(idnorm) && try_search(ctx, f, RD_APP_BY_ID_NUMBER, idnorm, &fs, &rc, e))
		return rc;
	try_search(ctx, f, RD_APP_BY_NAME, norm, &fs, &rc, e);
	return rc;
}

rd_code rd_app_timeline(rd_ctx *ctx, const char *no, rd_audit_fn fn, void *ud, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR);
	if (rc != RD_OK)
		return rc;
	return rd_audit_each(ctx->db, 0, no, fn, ud, e);
}
