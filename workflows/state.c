/* The application state machine: one table of transitions and the one
 * function that takes them. */
#include "workflows/desk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLERK RD_ROLE_BIT(RD_ROLE_CLERK)
#define REVIEWER RD_ROLE_BIT(RD_ROLE_REVIEWER)
#define ADMIN RD_ROLE_BIT(RD_ROLE_ADMIN)

/* The form is complete and valid (the applications area's check). */
static rd_code pre_submit(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e)
{
	(void)reason;
	return rd_app_check_complete(ctx, app->no, NULL, e);
}

static rd_code pre_documents(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e)
{
	(void)reason;
	return rd_docs_verified(ctx, app, e);
}

static rd_code pre_paid(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e)
{
	rd_fee_status fs;
	char due[32];
	rd_code rc;
	(void)reason;
	if ((rc = rd_fee_status_app(ctx, app, &fs, e)) != RD_OK)
		return rc;
	if (fs.due != 0) {
		rd_money_format(fs.due, due);
		return rd_fail_at(e, RD_E_REFUSED, "fee", _("application %s is not paid: %s due"), app->no, due);
	}
	return RD_OK;
}

/* The reviewer holds the claim, or nobody does. */
static rd_code pre_claim(rd_ctx *ctx, const rd_app_state *app, rd_err *e)
{
	rd_queue_row q;
	rd_code rc = rd_desk_queue_get(ctx->db, app->id, &q, e);
	char until[32];
	if (rc != RD_OK)
		return rc;
	if (q.reviewer[0] && q.expires_at > rd_ctx_now(ctx) && strcasecmp(q.reviewer, ctx->who.name) != 0) {
		rd_time_local(q.expires_at, until);
		return rd_fail_at(e, RD_E_REFUSED, "claim", _("application %s is claimed by %s until %s"), app->no,
				  q.reviewer, until);
	}
	return RD_OK;
}

static rd_code pre_start_review(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e)
{
	(void)reason;
	return rd_four_eyes(ctx, app, e);
}

static rd_code pre_approve(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e)
{
	rd_code rc;
	(void)reason;
	if ((rc = rd_four_eyes(ctx, app, e)) != RD_OK || (rc = pre_claim(ctx, app, e)) != RD_OK)
		return rc;
	if ((rc = rd_docs_verified(ctx, app, e)) != RD_OK)
		return rc;
	return pre_paid(ctx, app, NULL, e);
}

static rd_code pre_reject(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e)
{
	(void)reason;
	return pre_claim(ctx, app, e);
}

/* Every transition there is.  One action per target state, so that
 * rd_transition(to) names its action. */
static const rd_transition_rule rules[] = {
	{"draft", "submitted", "submit", CLERK | ADMIN, pre_submit, false, true},
	{"rejected", "submitted", "submit", CLERK | ADMIN, pre_submit, false, true},
	{"submitted", "documents_checked", "check_documents", CLERK | ADMIN, pre_documents, false, false},
	{"documents_checked", "paid", "pay", CLERK | ADMIN, pre_paid, false, true},
	{"paid", "under_review", "start_review", REVIEWER | ADMIN, pre_start_review, false, false},
	{"under_review", "approved", "approve", REVIEWER | ADMIN, pre_approve, false, true},
	{"under_review", "rejected", "reject", REVIEWER | ADMIN, pre_reject, true, true},
	{"approved", "queued_for_ca", "queue_for_ca", CLERK | ADMIN, NULL, false, false},
	{"queued_for_ca", "issued", "issue", CLERK | ADMIN, NULL, false, true},
	/* The CA refused what was approved: back to a reviewer with its reason
	 * (action "start_review": one action per target state; the audit row
	 * "ca.failed" beside it says that the CA refused). */
	{"queued_for_ca", "under_review", "start_review", CLERK | ADMIN, NULL, true, false},
	{"issued", "activated", "activate", CLERK | ADMIN, NULL, false, true},
	{"draft", "cancelled", "cancel", CLERK | ADMIN, NULL, true, false},
	{"submitted", "cancelled", "cancel", CLERK | ADMIN, NULL, true, true},
	{"documents_checked", "cancelled", "cancel", CLERK | ADMIN, NULL, true, true},
	{"paid", "cancelled", "cancel", CLERK | ADMIN, NULL, true, true},
	{"under_review", "cancelled", "cancel", CLERK | ADMIN, NULL, true, true},
	{"rejected", "cancelled", "cancel", CLERK | ADMIN, NULL, true, true},
	{"issued", "revoked", "revoke", CLERK | ADMIN, NULL, true, true},
	{"activated", "revoked", "revoke", CLERK | ADMIN, NULL, true, true},
	{"issued", "expired", "expire", ADMIN, NULL, false, false},
	{"activated", "expired", "expire", ADMIN, NULL, false, true},
};

static const struct {
	const char *name, *label;
} states[] = {
	{"draft", N_("draft")},
	{"submitted", N_("submitted")},
	{"documents_checked", N_("documents checked")},
	{"paid", N_("paid")},
	{"under_review", N_("under review")},
	{"approved", N_("approved")},
	{"rejected", N_("rejected")},
	{"queued_for_ca", N_("sent to CA")},
	{"issued", N_("issued")},
	{"activated", N_("activated")},
	{"cancelled", N_("cancelled")},
	{"revoked", N_("revoked")},
	{"expired", N_("expired")},
};

const rd_transition_rule *rd_transition_table(size_t *n)
{
	*n = RD_ARRAY_LEN(rules);
	return rules;
}

bool rd_app_state_valid(const char *state)
{
	for (size_t i = 0; state && i < RD_ARRAY_LEN(states); i++)
		if (!strcmp(states[i].name, state))
			return true;
	return false;
}

const char *rd_app_state_label(const char *state)
{
	for (size_t i = 0; state && i < RD_ARRAY_LEN(states); i++)
		if (!strcmp(states[i].name, state))
			return _(states[i].label);
	return state ? state : "";
}

static const rd_transition_rule *find_rule(const char *from, const char *to)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(rules); i++)
		if (!strcmp(rules[i].from, from) && !strcmp(rules[i].to, to))
			return &rules[i];
	return NULL;
}

static void roles_text(unsigned roles, char *out, size_t n)
{
	out[0] = '\0';
	for (int r = RD_ROLE_CLERK; r <= RD_ROLE_AUDITOR; r++)
		if (roles & RD_ROLE_BIT(r)) {
			size_t len = strlen(out);
			snprintf(out + len, n - len, "%s%s", len ? ", " : "", rd_role_label((rd_role)r));
		}
}

static rd_code check_rule(const char *no, const char *from, const char *to, rd_role role, rd_err *e)
{
	const rd_transition_rule *r = find_rule(from, to);
	const char *action = NULL;
	char need[256] = "", allowed[128];
	if (!rd_app_state_valid(to))
		return rd_fail_at(e, RD_E_INVALID, "state", _("'%s' is not an application state"), to);
	if (!r) {
		for (size_t i = 0; i < RD_ARRAY_LEN(rules); i++) {
			if (strcmp(rules[i].to, to) != 0)
				continue;
			size_t len = strlen(need);
			action = rules[i].action;
			snprintf(need + len, sizeof need - len, "%s%s", len ? _(" or ") : "", rules[i].from);
		}
		if (!action)
			return rd_fail_at(e, RD_E_REFUSED, "state", _("no step leads to %s"), to);
		if (no)
			return rd_fail_at(e, RD_E_REFUSED, "state", _("application %s is %s; %s needs %s"), no, from,
					  action, need);
		return rd_fail_at(e, RD_E_REFUSED, "state", _("application is %s; %s needs %s"), from, action, need);
	}
	if (!(r->roles & RD_ROLE_BIT(role))) {
		roles_text(r->roles, allowed, sizeof allowed);
		return rd_fail_at(e, RD_E_REFUSED, "role", _("a %s may not %s (allowed: %s)"), rd_role_label(role),
				  r->action, allowed);
	}
	return RD_OK;
}

rd_code rd_transition_check(const char *from, const char *to, rd_role role, rd_err *e)
{
	return check_rule(NULL, from, to, role, e);
}

bool rd_app_may_edit(const char *state)
{
	/* Before the fee: a change after payment could change what was paid
	 * for (product, years); after a rejection the clerk corrects the data. */
	return state && (!strcmp(state, "draft") || !strcmp(state, "submitted") ||
			 !strcmp(state, "documents_checked") || !strcmp(state, "rejected"));
}

bool rd_app_may_cancel(const char *state)
{
	return state && find_rule(state, "cancelled") != NULL;
}

rd_code rd_conflict(rd_ctx *ctx, const rd_app_state *now, rd_err *e)
{
	char when[32];
	(void)ctx;
	rd_time_local(now->updated_at, when);
	return rd_fail_at(e, RD_E_CONFLICT, "version", _("application %s was changed by %s at %s, reload"), now->no,
			  now->updated_by, when);
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

rd_code rd_transition_in_tx(rd_ctx *ctx, rd_app_state *app, const char *to, const char *reason, rd_err *e)
{
	const rd_transition_rule *r;
	char *details;
	char action[64];
	rd_code rc;
	time_t now = rd_ctx_now(ctx);
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	if ((rc = check_rule(app->no, app->state, to, ctx->who.role, e)) != RD_OK)
		return rc;
	r = find_rule(app->state, to);
	if (r->needs_reason && blank(reason))
		return rd_fail_at(e, RD_E_INVALID, "--reason", _("%s needs a reason"), r->action);
	if (reason && strlen(reason) > 500)
		return rd_fail_at(e, RD_E_INVALID, "--reason", _("the reason is longer than 500 bytes"));
	if (r->pre && (rc = r->pre(ctx, app, reason, e)) != RD_OK)
		return rc;
	rc = rd_desk_app_set_state(ctx->db, app->id, app->version, to, ctx->who.name, now, e);
	if (rc == RD_E_CONFLICT) {
		rd_app_state fresh;
		if (rd_desk_app_get_id(ctx->db, app->id, &fresh, NULL) == RD_OK)
			return rd_conflict(ctx, &fresh, e);
	}
	if (rc != RD_OK)
		return rc;
	if (!strcmp(to, "paid") || (!strcmp(to, "under_review") && !strcmp(app->state, "queued_for_ca")))
		rc = rd_desk_queue_add(ctx->db, app->id, now, e);
	else if (!strcmp(app->state, "paid") || !strcmp(app->state, "under_review")) {
		if (strcmp(to, "under_review") != 0)
			rc = rd_desk_queue_remove(ctx->db, app->id, e);
	}
	if (rc != RD_OK)
		return rc;
	snprintf(action, sizeof action, "app.%s", r->action);
	details = rd_details("from", app->state, "to", to, "reason", reason, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, action, app->no, details, e);
	free(details);
	if (rc != RD_OK)
		return rc;
	rd_strlcpy(app->state, to, sizeof app->state);
	app->version++;
	rd_strlcpy(app->updated_by, ctx->who.name, sizeof app->updated_by);
	app->updated_at = now;
	if (r->notify)
		rc = rd_notify_enqueue(ctx, app, r->action, reason, e);
	return rc;
}

rd_code rd_app_advance(rd_ctx *ctx, rd_app_state *app, rd_err *e)
{
	rd_fee_status fs;
	rd_code rc;
	if (!strcmp(app->state, "submitted")) {
		if (rd_docs_verified(ctx, app, NULL) != RD_OK)
			return RD_OK;
		if ((rc = rd_transition_in_tx(ctx, app, "documents_checked", NULL, e)) != RD_OK)
			return rc;
	}
	if (!strcmp(app->state, "documents_checked")) {
		if ((rc = rd_fee_status_app(ctx, app, &fs, e)) != RD_OK)
			return rc;
		if (fs.paid > 0 && fs.due == 0)
			return rd_transition_in_tx(ctx, app, "paid", NULL, e);
	}
	return RD_OK;
}

struct transition_args {
	const char *no, *to, *reason;
	int64_t expected;
	int64_t new_version;
};

static rd_code transition_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	struct transition_args *a = ud;
	rd_app_state app;
	rd_code rc = rd_desk_app_get(ctx->db, a->no, &app, e);
	if (rc != RD_OK)
		return rc;
	if (a->expected && a->expected != app.version)
		return rd_conflict(ctx, &app, e);
	if ((rc = rd_transition_in_tx(ctx, &app, a->to, a->reason, e)) != RD_OK)
		return rc;
	/* Documents verified and fee paid before (re)submission: carry on. */
	if (!strcmp(a->to, "submitted") && (rc = rd_app_advance(ctx, &app, e)) != RD_OK)
		return rc;
	a->new_version = app.version;
	return RD_OK;
}

rd_code rd_transition(rd_ctx *ctx, const char *app_no, const char *to_state, int64_t expected_version,
		      const char *reason, rd_err *e)
{
	struct transition_args a = {app_no, to_state, reason, expected_version, 0};
	if (!app_no || !*app_no)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number given"));
	return rd_in_transaction(ctx, transition_step, &a, e);
}

rd_code rd_app_submit(rd_ctx *ctx, const char *app_no, int64_t expected_version, int64_t *new_version, rd_err *e)
{
	struct transition_args a = {app_no, "submitted", NULL, expected_version, 0};
	rd_code rc;
	if (!app_no || !*app_no)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number given"));
	rc = rd_in_transaction(ctx, transition_step, &a, e);
	if (rc == RD_OK && new_version)
		*new_version = a.new_version;
	return rc;
}

rd_code rd_app_check_documents(rd_ctx *ctx, const char *app_no, rd_err *e)
{
	return rd_transition(ctx, app_no, "documents_checked", 0, NULL, e);
}

rd_code rd_app_state_get(rd_ctx *ctx, const char *app_no, rd_app_state *out, rd_err *e)
{
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	return rd_desk_app_get(ctx->db, app_no, out, e);
}
