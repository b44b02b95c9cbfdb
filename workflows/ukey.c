/* UKEY stock, issuance and the PIN service.
 *
 * Issuance is a sequence of steps whose progress lives in the stock row
 * (bound, key, queued) and in the application's state (approved ->
 * queued_for_ca -> issued through the CA outbox), so that running it again
 * carries on where it stopped: a token pulled out mid-way, a CA that does
 * not answer.  The key never leaves the token; the PIN never leaves the
 * caller's buffer except into the PKCS#11 call. */
#include "workflows/desk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ukey/ukey.h"

/* ---- states and steps ---------------------------------------------------------- */
static const struct {
	const char *name, *label;
} ukey_states[] = {
	{"in_stock", N_("in stock")},
	{"awaiting_certificate", N_("awaiting certificate")},
	{"issued", N_("issued")},
	{"returned", N_("returned")},
	{"lost", N_("lost")},
	{"destroyed", N_("destroyed")},
};

bool rd_ukey_state_valid(const char *state)
{
	for (size_t i = 0; state && i < RD_ARRAY_LEN(ukey_states); i++)
		if (!strcmp(ukey_states[i].name, state))
			return true;
	return false;
}

const char *rd_ukey_state_label(const char *state)
{
	for (size_t i = 0; state && i < RD_ARRAY_LEN(ukey_states); i++)
		if (!strcmp(ukey_states[i].name, state))
			return _(ukey_states[i].label);
	return state ? state : "";
}

const char *rd_ukey_step_label(rd_ukey_step s)
{
	switch (s) {
	case RD_UKEY_STEP_TOKEN: return _("UKEY found, in stock and blank");
	case RD_UKEY_STEP_BIND: return _("bound to the application");
	case RD_UKEY_STEP_PIN: return _("subscriber's PIN set");
	case RD_UKEY_STEP_KEYGEN: return _("key pair generated on the UKEY");
	case RD_UKEY_STEP_CSR: return _("certificate request signed on the UKEY");
	case RD_UKEY_STEP_ENROLL: return _("request queued for the CA");
	case RD_UKEY_STEP_CA: return _("certificate received from the CA");
	case RD_UKEY_STEP_WRITE: return _("certificate and CA chain written to the UKEY");
	case RD_UKEY_STEP_VERIFY: return _("read back: the certificate matches the key on the UKEY");
	case RD_UKEY_STEP_DONE: return _("UKEY issued");
	}
	return "?";
}

static bool live_state(const char *state)
{
	return !strcmp(state, "in_stock") || !strcmp(state, "awaiting_certificate") || !strcmp(state, "issued");
}

/* ---- the subject: the one mapping from application to certificate name ----------- */
size_t rd_ukey_subject_of(const rd_app_record *rec, const char *fields[], const char *values[], size_t max)
{
	size_t n = 0;
	bool org = !strcmp(rec->kind, "organization");
	const char *cn = org ? rec->org_name : rec->subject_name;
	if (n < max && cn[0]) {
		fields[n] = "CN";
		values[n++] = cn;
	}
	if (org && n < max && rec->org_name[0]) {
		fields[n] = "O";
		values[n++] = rec->org_name;
	}
	return n;
}

/* ---- small helpers ----------------------------------------------------------------- */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

typedef struct dev_ref {
	rd_ukey *u;
	bool owned;
} dev_ref;

static rd_code dev_open(rd_ctx *ctx, rd_ukey *given, dev_ref *d, rd_err *e)
{
	d->u = given;
	d->owned = false;
	if (given) {
		rd_ukey_rescan(given, NULL); /* tokens plugged in since the screen opened */
		return RD_OK;
	}
	d->owned = true;
	return rd_ukey_open_config(&d->u, ctx->cfg, &ctx->log, e);
}

static void dev_close(dev_ref *d)
{
	if (d->owned && d->u)
		rd_ukey_close(d->u);
	d->u = NULL;
}

/* May this stock row serve application app_id (free, or bound to it)? */
static bool usable_for(rd_db *db, const char *serial, int64_t app_id)
{
	rd_stock_row r;
	if (rd_stock_get(db, serial, &r, NULL) != RD_OK)
		return false;
	return (!strcmp(r.state, "in_stock") && (!r.app_id || r.app_id == app_id)) ||
	       (!strcmp(r.state, "awaiting_certificate") && r.app_id == app_id);
}

/* The token with this serial, or the only one inserted, or else the only
 * inserted one that stock allows for the application (db may be NULL). */
static rd_code find_token(rd_ukey *u, const char *serial, rd_db *db, int64_t app_id, rd_ukey_token *t, rd_err *e)
{
	rd_ukey_token list[RD_UKEY_MAX_TOKENS];
	size_t n = 0, found = 0, usable = 0;
	char names[256] = "";
	rd_code rc;
	if (serial && *serial)
		return rd_ukey_find(u, serial, t, e);
	if ((rc = rd_ukey_tokens(u, list, RD_ARRAY_LEN(list), &n, e)) != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names);
		if (!list[i].serial[0])
			continue; /* an empty reader slot (SoftHSM's free slot) */
		if (!found++)
			*t = list[i];
		snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", list[i].serial);
	}
	if (!found)
		return rd_fail_at(e, RD_E_NOTFOUND, "ukey", _("no UKEY is inserted; insert a blank UKEY from stock"));
	if (found == 1)
		return RD_OK;
	for (size_t i = 0; db && i < n; i++)
		if (list[i].serial[0] && usable_for(db, list[i].serial, app_id) && !usable++)
			*t = list[i];
	if (usable == 1)
		return RD_OK;
	return rd_fail_at(e, RD_E_CONFLICT, "ukey",
			  _("%zu UKEYs are inserted (%s); leave one in the reader or say which with --serial"), found,
			  names);
}

static rd_code so_pin(rd_ctx *ctx, char **pin, size_t *len, rd_err *e)
{
	rd_code rc = rd_ukey_so_pin(ctx->cfg, pin, len, e);
	if (rc != RD_OK)
		rd_err_prefix(e, _("the RA's SO PIN"));
	return rc;
}

/* Stock row update + audit row in one transaction. */
typedef struct stock_change {
	rd_stock_row *row;
	const char *action;
	char *details;
} stock_change;

static rd_code stock_change_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	stock_change *c = ud;
	rd_code rc;
	c->row->updated_at = rd_ctx_now(ctx);
	rd_strlcpy(c->row->updated_by, ctx->who.name, sizeof c->row->updated_by);
	if ((rc = rd_stock_update(ctx->db, c->row, e)) != RD_OK)
		return rc;
	return rd_ctx_audit(ctx, c->action, c->row->serial, c->details, e);
}

static rd_code stock_save(rd_ctx *ctx, rd_stock_row *row, const char *action, char *details, rd_err *e)
{
	stock_change c = {row, action, details};
	rd_code rc;
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_in_transaction(ctx, stock_change_step, &c, e);
	free(details);
	return rc;
}

/* "bcde..." for a keyinfo list (ids only; at most a few). */
static void key_list_text(const rd_ukey_keyinfo *k, size_t n, bool orphans_only, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(out);
		if (orphans_only && !k[i].orphan)
			continue;
		snprintf(out + len, size - len, "%s%s%s", len ? ", " : "", k[i].id_hex, k[i].orphan ? _(" (no certificate)") : "");
	}
}

/* Serials compare as numbers: case and leading zeros do not matter. */
static bool same_serial(const char *a, const char *b)
{
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	return strcasecmp(a, b) == 0;
}

/* ---- stock ---------------------------------------------------------------------------- */
static rd_code check_serial(const char *s, rd_err *e)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 16)
		return rd_fail_at(e, RD_E_INVALID, "serial", _("a UKEY serial is 1 to 16 characters, not '%s'"), s ? s : "");
	for (const char *p = s; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return rd_fail_at(e, RD_E_INVALID, "serial",
					  _("a UKEY serial is printable ASCII without spaces, not '%s'"), s);
	return RD_OK;
}

typedef struct add_args {
	const char *const *serials;
	size_t n;
	const char *model;
	rd_ukey_token *found; /* per serial: the inserted token, serial[0] == 0 when absent */
	size_t added;
} add_args;

static rd_code add_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	add_args *a = ud;
	for (size_t i = 0; i < a->n; i++) {
		rd_stock_row r;
		rd_code rc;
		char *details;
		memset(&r, 0, sizeof r);
		rd_strlcpy(r.serial, a->serials[i], sizeof r.serial);
		rd_strlcpy(r.model, a->model ? a->model : a->found[i].model, sizeof r.model);
		rd_strlcpy(r.label, a->found[i].label, sizeof r.label);
		rd_strlcpy(r.added_by, ctx->who.name, sizeof r.added_by);
		r.added_at = rd_ctx_now(ctx);
		if ((rc = rd_stock_insert(ctx->db, &r, NULL, e)) != RD_OK)
			return rc;
		details = rd_details("model", r.model, "label", r.label, (const char *)NULL);
		if (!details)
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		rc = rd_ctx_audit(ctx, "ukey.add", r.serial, details, e);
		free(details);
		if (rc != RD_OK)
			return rc;
		a->added++;
	}
	return RD_OK;
}

rd_code rd_ukey_stock_add(rd_ctx *ctx, const char *const *serials, size_t n, const char *model, size_t *added,
			  rd_err *e)
{
	add_args a = {serials, n, model, NULL, 0};
	rd_code rc;
	if (added)
		*added = 0;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (n == 0)
		return rd_fail_at(e, RD_E_INVALID, "serial", _("no UKEY serial given"));
	if (model && strlen(model) > 16)
		return rd_fail_at(e, RD_E_INVALID, "--model", _("a UKEY model is at most 16 bytes"));
	for (size_t i = 0; i < n; i++) {
		if ((rc = check_serial(serials[i], e)) != RD_OK)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(serials[i], serials[j]))
				return rd_fail_at(e, RD_E_INVALID, "serial", _("serial %s is given twice"), serials[i]);
	}
	if (!(a.found = calloc(n, sizeof *a.found)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (!model) { /* model and label from the token when it is inserted (best effort) */
		rd_ukey *u = NULL;
		if (rd_ukey_open_config(&u, ctx->cfg, NULL, NULL) == RD_OK) {
			for (size_t i = 0; i < n; i++)
				if (rd_ukey_find(u, serials[i], &a.found[i], NULL) != RD_OK ||
				    strcmp(a.found[i].serial, serials[i]) != 0)
					memset(&a.found[i], 0, sizeof a.found[i]);
			rd_ukey_close(u);
		}
	}
	rc = rd_in_transaction(ctx, add_step, &a, e);
	free(a.found);
	if (rc == RD_OK && added)
		*added = a.added;
	return rc;
}

rd_code rd_ukey_stock_add_inserted(rd_ctx *ctx, rd_ukey *dev, size_t *added, rd_err *e)
{
	rd_ukey_token list[RD_UKEY_MAX_TOKENS];
	const char *serials[RD_UKEY_MAX_TOKENS];
	size_t n = 0, k = 0;
	dev_ref d;
	rd_code rc;
	if (added)
		*added = 0;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if ((rc = dev_open(ctx, dev, &d, e)) != RD_OK)
		return rc;
	rc = rd_ukey_tokens(d.u, list, RD_ARRAY_LEN(list), &n, e);
	dev_close(&d);
	if (rc != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		rd_stock_row r;
		if (list[i].serial[0] && rd_stock_get(ctx->db, list[i].serial, &r, NULL) == RD_E_NOTFOUND)
			serials[k++] = list[i].serial;
	}
	if (k == 0)
		return rd_fail_at(e, RD_E_NOTFOUND, "ukey", _("no inserted UKEY is missing from stock"));
	return rd_ukey_stock_add(ctx, serials, k, NULL, added, e);
}

rd_code rd_ukey_stock_find(rd_ctx *ctx, const char *serial, rd_stock_row *out, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR);
	if (rc != RD_OK)
		return rc;
	return rd_stock_get(ctx->db, serial, out, e);
}

rd_code rd_ukey_stock_list(rd_ctx *ctx, const char *state, rd_stock_fn fn, void *ud, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR);
	if (rc != RD_OK)
		return rc;
	if (state && !rd_ukey_state_valid(state))
		return rd_fail_at(e, RD_E_INVALID, "--state", _("'%s' is not a UKEY state"), state);
	return rd_stock_each(ctx->db, state, fn, ud, e);
}

rd_code rd_ukey_stock_counts(rd_ctx *ctx, rd_stock_count_fn fn, void *ud, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR);
	if (rc != RD_OK)
		return rc;
	return rd_stock_counts(ctx->db, fn, ud, e);
}

static bool mark_allowed(const char *from, const char *to)
{
	if (!strcmp(to, "returned"))
		return !strcmp(from, "issued");
	if (!strcmp(to, "lost") || !strcmp(to, "destroyed"))
		return !strcmp(from, "in_stock") || !strcmp(from, "awaiting_certificate") || !strcmp(from, "issued") ||
		       !strcmp(from, "returned");
	return false;
}

rd_code rd_ukey_stock_mark(rd_ctx *ctx, const char *serial, const char *state, const char *reason, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN);
	return rc != RD_OK ? rc : rd_ukey_stock_mark_in_flow(ctx, serial, state, reason, e);
}

rd_code rd_ukey_stock_mark_in_flow(rd_ctx *ctx, const char *serial, const char *state, const char *reason,
				   rd_err *e)
{
	rd_stock_row r;
	char from[24];
	rd_code rc;
	if (!state || (strcmp(state, "returned") && strcmp(state, "lost") && strcmp(state, "destroyed")))
		return rd_fail_at(e, RD_E_INVALID, "state", _("a UKEY is marked returned, lost or destroyed, not '%s'"),
				  state ? state : "");
	{
		char buf[512];
		rd_strlcpy(buf, reason ? reason : "", sizeof buf);
		if (!*rd_trim(buf))
			return rd_fail_at(e, RD_E_INVALID, "--reason", _("marking a UKEY %s needs a reason"), state);
		if (reason && strlen(reason) > 500)
			return rd_fail_at(e, RD_E_INVALID, "--reason", _("the reason is longer than 500 bytes"));
	}
	if ((rc = rd_stock_get(ctx->db, serial, &r, e)) != RD_OK)
		return rc;
	if (!mark_allowed(r.state, state))
		return rd_fail_at(e, RD_E_REFUSED, "state", _("UKEY %s is %s; it cannot be marked %s"), r.serial,
				  rd_ukey_state_label(r.state), rd_ukey_state_label(state));
	rd_strlcpy(from, r.state, sizeof from);
	rd_strlcpy(r.state, state, sizeof r.state);
	rd_strlcpy(r.reason, reason, sizeof r.reason);
	return stock_save(ctx, &r, "ukey.mark",
			  rd_details("from", from, "to", state, "reason", reason, "application", r.app_no[0] ? r.app_no : NULL,
				     (const char *)NULL),
			  e);
}

rd_code rd_ukey_of_app(rd_ctx *ctx, const char *no, rd_stock_row *out, rd_err *e)
{
	rd_app_state app;
	rd_code rc = rd_require_role(ctx, e, 4, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN, RD_ROLE_AUDITOR);
	if (rc != RD_OK || (rc = rd_desk_app_get(ctx->db, no, &app, e)) != RD_OK)
		return rc;
	return rd_stock_by_app(ctx->db, app.id, out, e);
}

/* ---- issuance ---------------------------------------------------------------------------- */
typedef struct issue {
	rd_ctx *ctx;
	const rd_ukey_issue_opts *opts;
	rd_ukey_outcome *out;
	bool resume;
	rd_app_state app;
	rd_app_record rec;
	rd_ukey_keytype keytype;
	rd_stock_row row;       /* the UKEY's stock row */
	dev_ref dev;
	rd_ukey_token tok;
	rd_ukey_session *s;
	rd_ukey_keyref key;
	double t0;
	char *receipt;          /* renewal: the fee's receipt number (48 bytes), may be NULL */
} issue;

static void progress(issue *is, rd_ukey_step step, const char *detail)
{
	if (is->opts && is->opts->progress)
		is->opts->progress(is->opts->ud, step, detail ? detail : "");
}

static rd_code load_application(issue *is, const char *no, rd_err *e)
{
	rd_products *products = NULL;
	const rd_product *p;
	rd_code rc;
	if (!no || !*no)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number given"));
	if (!is->ctx->have_keys)
		return rd_fail(e, RD_E_CONFIG, _("the key file for personal data is missing; it is made by 'radesk init'"));
	if ((rc = rd_desk_app_get(is->ctx->db, no, &is->app, e)) != RD_OK ||
	    (rc = rd_app_get(is->ctx->db, &is->ctx->keys, no, &is->rec, e)) != RD_OK)
		return rc;
	if ((rc = rd_products_load(is->ctx->cfg, &products, e)) != RD_OK)
		return rc;
	p = rd_products_find(products, is->app.product);
	is->keytype = p && p->key_type == RD_KEY_RSA_2048 ? RD_UKEY_RSA_2048 : RD_UKEY_EC_P256;
	rd_products_free(products);
	return RD_OK;
}

/* The stock row may be used for this application. */
static rd_code check_stock(issue *is, rd_err *e)
{
	const rd_stock_row *r = &is->row;
	if (!strcmp(r->state, "issued"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("UKEY %s is already issued (application %s)"), r->serial,
				  r->app_no);
	if (strcmp(r->state, "in_stock") && strcmp(r->state, "awaiting_certificate"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("UKEY %s is marked %s; it cannot be issued"), r->serial,
				  rd_ukey_state_label(r->state));
	if (r->app_id && r->app_id != is->app.id)
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("UKEY %s is bound to application %s; finish that issuance or reset the UKEY"), r->serial,
				  r->app_no);
	return RD_OK;
}

/* Application state and the UKEY it is bound to, before any device is touched. */
static rd_code check_application(issue *is, const char **serial, rd_err *e)
{
	rd_stock_row bound;
	bool have = rd_stock_by_app(is->ctx->db, is->app.id, &bound, NULL) == RD_OK && live_state(bound.state);
	const char *st = is->app.state;
	*serial = is->opts ? is->opts->serial : NULL;
	if (have && !strcmp(bound.state, "issued"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("application %s already has its UKEY %s issued"), is->app.no,
				  bound.serial);
	if (strcmp(st, "approved") && strcmp(st, "queued_for_ca") && strcmp(st, "issued"))
		return rd_fail_at(e, RD_E_REFUSED, "state", _("application %s is %s; a UKEY is issued once it is approved"),
				  is->app.no, rd_app_state_label(st));
	if (!have && strcmp(st, "approved"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("application %s is %s but no UKEY is bound to it; its key cannot be on any UKEY"),
				  is->app.no, rd_app_state_label(st));
	if (is->resume && !have)
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("nothing to resume for application %s; start with 'ukey issue'"),
				  is->app.no);
	if (have) {
		if (*serial && **serial && strcmp(*serial, bound.serial))
			return rd_fail_at(e, RD_E_REFUSED, "ukey",
					  _("application %s is being issued on UKEY %s; insert that one, or reset it with "
					    "'ukey reset %s'"),
					  is->app.no, bound.serial, bound.serial);
		*serial = NULL; /* found below and compared */
		is->row = bound;
		is->out->resumed = true;
	}
	return RD_OK;
}

static rd_code locate_token(issue *is, const char *serial, rd_err *e)
{
	rd_code rc;
	const char *want = is->row.id ? is->row.serial : serial;
	if ((rc = find_token(is->dev.u, want, is->ctx->db, is->app.id, &is->tok, e)) != RD_OK) {
		if (rc == RD_E_NOTFOUND && is->row.id)
			return rd_fail_at(e, RD_E_NOTFOUND, "ukey", _("insert UKEY %s (bound to application %s)"),
					  is->row.serial, is->app.no);
		return rc;
	}
	if (is->row.id) {
		if (strcmp(is->tok.serial, is->row.serial))
			return rd_fail_at(e, RD_E_REFUSED, "ukey",
					  _("UKEY %s is inserted, but application %s is being issued on UKEY %s"),
					  is->tok.serial, is->app.no, is->row.serial);
		return RD_OK;
	}
	rc = rd_stock_get(is->ctx->db, is->tok.serial, &is->row, e);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("UKEY %s is not in stock; an admin registers it with 'radesk ukey add %s'"),
				  is->tok.serial, is->tok.serial);
	return rc;
}

static rd_code bind(issue *is, rd_err *e)
{
	if (is->row.app_id)
		return RD_OK;
	is->row.app_id = is->app.id;
	rd_strlcpy(is->row.app_no, is->app.no, sizeof is->row.app_no);
	rd_strlcpy(is->row.step, "bound", sizeof is->row.step);
	rd_strlcpy(is->row.key_id, "", sizeof is->row.key_id);
	if (!is->row.model[0])
		rd_strlcpy(is->row.model, is->tok.model, sizeof is->row.model);
	return stock_save(is->ctx, &is->row, "ukey.bind",
			  rd_details("application", is->app.no, (const char *)NULL), e);
}

/* Before the PIN is touched: a fresh UKEY shows no object to anyone. */
static rd_code check_blank_public(issue *is, rd_err *e)
{
	rd_ukey_keyinfo keys[16];
	size_t n = 0;
	char ids[512];
	rd_code rc;
	if (is->row.key_id[0] || !is->tok.initialized)
		return RD_OK;
	if ((rc = rd_ukey_keys(is->s, keys, RD_ARRAY_LEN(keys), &n, e)) != RD_OK)
		return rc;
	if (n == 0)
		return RD_OK;
	key_list_text(keys, n, false, ids, sizeof ids);
	return rd_fail_at(e, RD_E_REFUSED, "ukey",
			  _("UKEY %s is not blank: keys %s; list them with 'ukey orphans %s', clear them with 'ukey reset %s'"),
			  is->tok.serial, ids, is->tok.serial, is->tok.serial);
}

static rd_code open_session(issue *is, rd_err *e)
{
	rd_code rc = rd_ukey_session_open(is->dev.u, &is->tok, &is->s, e);
	return rc;
}

/* The subscriber's PIN: set with the RA's SO PIN on a fresh issuance;
 * resuming logs in with the PIN the subscriber set. */
static rd_code set_pin(issue *is, const char *pin, rd_err *e)
{
	char *so = NULL;
	size_t solen = 0;
	rd_code rc;
	if (is->resume && !strcmp(is->row.state, "awaiting_certificate"))
		return rd_ukey_login(is->s, pin, e);
	if ((rc = so_pin(is->ctx, &so, &solen, e)) != RD_OK)
		return rc;
	if (!is->tok.initialized) {
		const char *label = rd_config_str(is->ctx->cfg, "ukey", "token_label");
		rd_ukey_session_close(is->s);
		is->s = NULL;
		rc = rd_ukey_init_token(is->dev.u, &is->tok, so, label ? label : "RADESK UKEY", pin, e);
		if (rc == RD_OK)
			rc = open_session(is, e);
	} else {
		rc = rd_ukey_unblock(is->s, so, pin, e);
	}
	rd_secret_free(so, solen + 1);
	if (rc == RD_OK)
		rc = rd_ukey_login(is->s, pin, e);
	return rc;
}

static const char *key_label(issue *is)
{
	const char *l = rd_config_str(is->ctx->cfg, "ukey", "key_label");
	return l && *l ? l : "radesk";
}

/* The key recorded for this issuance, or a new one on a blank token. */
static rd_code ensure_key(issue *is, rd_err *e)
{
	rd_ukey_keyinfo keys[16];
	size_t n = 0;
	char ids[512];
	rd_code rc;
	if (is->row.key_id[0]) {
		rc = rd_ukey_find_key(is->s, is->row.key_id, &is->key, e);
		if (rc != RD_E_NOTFOUND)
			return rc;
		if (strcmp(is->app.state, "approved"))
			return rd_fail_at(e, RD_E_DATA, "ukey",
					  _("the key %s sent to the CA is no longer on UKEY %s; reset the UKEY and ask for "
					    "the request to be withdrawn"),
					  is->row.key_id, is->row.serial);
		rd_err_clear(e);
	}
	if ((rc = rd_ukey_keys(is->s, keys, RD_ARRAY_LEN(keys), &n, e)) != RD_OK)
		return rc;
	if (n > 0) {
		key_list_text(keys, n, false, ids, sizeof ids);
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("UKEY %s is not blank: keys %s; list them with 'ukey orphans %s', clear them with 'ukey reset %s'"),
				  is->row.serial, ids, is->row.serial, is->row.serial);
	}
	if ((rc = rd_ukey_generate(is->s, is->keytype, key_label(is), &is->key, e)) != RD_OK)
		return rc;
	rd_strlcpy(is->row.key_id, is->key.id_hex, sizeof is->row.key_id);
	rd_strlcpy(is->row.step, "key", sizeof is->row.step);
	rc = stock_save(is->ctx, &is->row, "ukey.keygen",
			rd_details("application", is->app.no, "key_id", is->key.id_hex, "key_type",
				   is->keytype == RD_UKEY_RSA_2048 ? "rsa-2048" : "ec-p256", (const char *)NULL),
			e);
	if (rc == RD_OK)
		progress(is, RD_UKEY_STEP_KEYGEN, is->key.id_hex);
	return rc;
}

static rd_code enroll(issue *is, rd_err *e)
{
	const char *fields[4], *values[4];
	rd_ukey_rdn rdn[4];
	size_t n = rd_ukey_subject_of(&is->rec, fields, values, RD_ARRAY_LEN(fields));
	char *csr = NULL;
	char id[40] = "";
	rd_code rc;
	if (strcmp(is->app.state, "approved"))
		return RD_OK;
	for (size_t i = 0; i < n; i++)
		rdn[i] = (rd_ukey_rdn){fields[i], values[i]};
	if ((rc = rd_ukey_csr(is->s, &is->key, rdn, n, &csr, e)) != RD_OK)
		return rc;
	progress(is, RD_UKEY_STEP_CSR, NULL);
	rc = rd_ca_request_enroll(is->ctx, is->app.no, csr, id, e);
	free(csr);
	if (rc != RD_OK)
		return rc;
	rd_strlcpy(is->out->ca_request, id, sizeof is->out->ca_request);
	rd_strlcpy(is->row.step, "queued", sizeof is->row.step);
	rc = stock_save(is->ctx, &is->row, "ukey.enroll",
			rd_details("application", is->app.no, "key_id", is->row.key_id, "request", id, (const char *)NULL),
			e);
	if (rc != RD_OK)
		return rc;
	progress(is, RD_UKEY_STEP_ENROLL, id);
	return rd_desk_app_get(is->ctx->db, is->app.no, &is->app, e);
}

/* Asks the CA now, while the token is in the reader.  RD_OK when the
 * application is issued (the certificate is recorded). */
static rd_code ask_ca(issue *is, rd_err *e)
{
	rd_ca_batch batch;
	rd_careq_info req;
	rd_err ce;
	rd_code rc;
	if (!strcmp(is->app.state, "issued"))
		return RD_OK;
	rd_err_clear(&ce);
	memset(&batch, 0, sizeof batch);
	/* the outcome is read back below from the request and the application */
	(void)rd_ca_submit(is->ctx, is->app.no, NULL, NULL, &batch, &ce);
	if ((rc = rd_desk_app_get(is->ctx->db, is->app.no, &is->app, e)) != RD_OK)
		return rc;
	memset(&req, 0, sizeof req);
	rd_ca_request_get(is->ctx, is->app.no, &req, NULL);
	if (req.id[0])
		rd_strlcpy(is->out->ca_request, req.id, sizeof is->out->ca_request);
	if (!strcmp(is->app.state, "issued"))
		return RD_OK;
	if (!strcmp(req.state, "failed") || strcmp(is->app.state, "queued_for_ca")) {
		rd_strlcpy(is->out->ca_reason, req.reason, sizeof is->out->ca_reason);
		return rd_fail_at(e, RD_E_REFUSED, "ca",
				  _("the CA refused the request: %s; the key on UKEY %s has no certificate: reset it with "
				    "'ukey reset %s'"),
				  req.reason[0] ? req.reason : ce.msg, is->row.serial, is->row.serial);
	}
	/* Not answered: the key stays on the token, the UKEY waits at the counter. */
	rd_strlcpy(is->out->ca_reason, req.reason[0] ? req.reason : ce.msg, sizeof is->out->ca_reason);
	is->out->awaiting = true;
	if (strcmp(is->row.state, "awaiting_certificate")) {
		rd_strlcpy(is->row.state, "awaiting_certificate", sizeof is->row.state);
		rc = stock_save(is->ctx, &is->row, "ukey.await",
				rd_details("application", is->app.no, "request", req.id, "reason", is->out->ca_reason,
					   (const char *)NULL),
				e);
		if (rc != RD_OK)
			return rc;
	}
	return rd_fail_at(e, RD_E_UPSTREAM, "ca",
			  _("the CA has not answered (%s). The key stays on UKEY %s, which is now held at the counter "
			    "awaiting its certificate; run 'radesk ukey resume %s' once the certificate has arrived"),
			  is->out->ca_reason[0] ? is->out->ca_reason : _("no answer"), is->row.serial, is->app.no);
}

/* Writes the certificate and its chain beside the key and reads it back:
 * the serial on the token (into serial) must be the one the CA gave. */
static rd_code store_and_read_back(issue *is, const rd_cert_info *ci, const char *label, char *serial, size_t n,
				   rd_err *e)
{
	rd_code rc = rd_ukey_store_cert(is->s, &is->key, ci->pem, ci->chain_pem, label, e);
	if (rc == RD_OK) {
		progress(is, RD_UKEY_STEP_WRITE, NULL);
		rc = rd_ukey_check_cert(is->s, &is->key, serial, n, e);
	}
	if (rc == RD_OK && !same_serial(serial, ci->serial_hex))
		rc = rd_fail_at(e, RD_E_DATA, "certificate",
				_("the certificate on UKEY %s has serial %s, not the application's %s"), is->row.serial,
				serial, ci->serial_hex);
	return rc;
}

static rd_code write_certificate(issue *is, rd_err *e)
{
	rd_cert_info ci;
	char serial[64] = "";
	rd_code rc;
	memset(&ci, 0, sizeof ci);
	if ((rc = rd_cert_current(is->ctx, is->app.no, &ci, e)) != RD_OK)
		return rc;
	progress(is, RD_UKEY_STEP_CA, ci.serial_hex);
	rc = store_and_read_back(is, &ci, key_label(is), serial, sizeof serial, e);
	if (rc == RD_OK) {
		is->out->pin_to_cert_ms = now_ms() - is->t0;
		progress(is, RD_UKEY_STEP_VERIFY, serial);
		rd_strlcpy(is->out->cert_serial, ci.serial_hex, sizeof is->out->cert_serial);
		is->out->not_before = ci.not_before;
		is->out->not_after = ci.not_after;
		rd_strlcpy(is->row.state, "issued", sizeof is->row.state);
		rd_strlcpy(is->row.step, "done", sizeof is->row.step);
		rd_strlcpy(is->row.cert_serial, ci.serial_hex, sizeof is->row.cert_serial);
		is->row.issued_at = rd_ctx_now(is->ctx);
		rc = stock_save(is->ctx, &is->row, "ukey.issue",
				rd_details("application", is->app.no, "key_id", is->row.key_id, "certificate",
					   ci.serial_hex, (const char *)NULL),
				e);
	}
	rd_cert_info_free(&ci);
	if (rc == RD_OK)
		progress(is, RD_UKEY_STEP_DONE, is->row.serial);
	return rc;
}

/* The advice after a failure on the device: what was kept, how to go on. */
static void device_advice(issue *is, rd_code rc, rd_err *e)
{
	if (!e || (rc != RD_E_DEVICE && rc != RD_E_TIMEOUT))
		return;
	if (is->row.id && is->row.app_id)
		rd_err_prefix(e, _("UKEY %s: nothing is recorded as issued; insert it again and run 'radesk ukey %s %s' to carry on, "
				   "or 'radesk ukey reset %s'"),
			      is->row.serial, !strcmp(is->row.state, "awaiting_certificate") ? "resume" : "issue",
			      is->app.no, is->row.serial);
}

/* Where issuance or renewal ended (UKEY state, key, application state) for
 * the caller, then the session, the device and the run's memory go. */
static rd_code issue_end(rd_ctx *ctx, issue *is, rd_ukey_outcome *out, const char *key_id, rd_code rc)
{
	if (is->row.id) {
		rd_strlcpy(out->ukey_state, is->row.state, sizeof out->ukey_state);
		rd_strlcpy(out->key_id, key_id, sizeof out->key_id);
	}
	if (is->app.id) {
		rd_app_state now;
		if (rd_desk_app_get(ctx->db, is->app.no, &now, NULL) == RD_OK)
			rd_strlcpy(out->app_state, now.state, sizeof out->app_state);
	}
	rd_ukey_session_close(is->s);
	dev_close(&is->dev);
	rd_memzero(&is->rec, sizeof is->rec);
	free(is);
	return rc;
}

static rd_code issue_run(rd_ctx *ctx, const char *no, const char *pin, const rd_ukey_issue_opts *opts,
			 rd_ukey_outcome *out, bool resume, rd_err *e)
{
	rd_ukey_outcome local;
	issue *is;
	const char *serial = NULL;
	rd_code rc;
	if (!out)
		out = &local;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!pin)
		return rd_fail_at(e, RD_E_INVALID, "pin", _("the subscriber's PIN is needed"));
	if (!resume && (rc = rd_ukey_pin_check(pin, e)) != RD_OK)
		return rc;
	if (!(is = calloc(1, sizeof *is)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	is->ctx = ctx;
	is->opts = opts;
	is->out = out;
	is->resume = resume;
	if ((rc = load_application(is, no, e)) != RD_OK || (rc = check_application(is, &serial, e)) != RD_OK)
		goto done;
	rd_strlcpy(out->no, is->app.no, sizeof out->no);
	if ((rc = dev_open(ctx, opts ? opts->dev : NULL, &is->dev, e)) != RD_OK ||
	    (rc = locate_token(is, serial, e)) != RD_OK || (rc = check_stock(is, e)) != RD_OK)
		goto done;
	rd_strlcpy(out->serial, is->row.serial, sizeof out->serial);
	rd_strlcpy(out->model, is->row.model[0] ? is->row.model : is->tok.model, sizeof out->model);
	if ((rc = open_session(is, e)) != RD_OK || (rc = check_blank_public(is, e)) != RD_OK)
		goto done;
	progress(is, RD_UKEY_STEP_TOKEN, is->tok.serial);
	if ((rc = bind(is, e)) != RD_OK)
		goto done;
	progress(is, RD_UKEY_STEP_BIND, is->app.no);
	is->t0 = now_ms(); /* PIN confirmed */
	if ((rc = set_pin(is, pin, e)) != RD_OK)
		goto done;
	progress(is, RD_UKEY_STEP_PIN, NULL);
	if ((rc = ensure_key(is, e)) != RD_OK || (rc = enroll(is, e)) != RD_OK || (rc = ask_ca(is, e)) != RD_OK)
		goto done;
	rc = write_certificate(is, e);
done:
	device_advice(is, rc, e);
	return issue_end(ctx, is, out, is->row.key_id, rc);
}

rd_code rd_ukey_issue(rd_ctx *ctx, const char *no, const char *pin, const rd_ukey_issue_opts *opts,
		      rd_ukey_outcome *out, rd_err *e)
{
	return issue_run(ctx, no, pin, opts, out, false, e);
}

rd_code rd_ukey_resume(rd_ctx *ctx, const char *no, const char *pin, const rd_ukey_issue_opts *opts,
		       rd_ukey_outcome *out, rd_err *e)
{
	return issue_run(ctx, no, pin, opts, out, true, e);
}

/* ---- hand-over --------------------------------------------------------------------------- */
static int find_receipt(void *ud, const rd_audit_row *row)
{
	if (!strcmp(row->action, "print.receipt"))
		*(bool *)ud = true;
	return 0;
}

typedef struct handover_args {
	const char *no;
} handover_args;

static rd_code handover_step(rd_ctx *ctx, void *ud, rd_err *e)
{
	handover_args *a = ud;
	rd_app_state app;
	rd_stock_row r;
	bool printed = false;
	char *details;
	rd_code rc;
	if ((rc = rd_desk_app_get(ctx->db, a->no, &app, e)) != RD_OK)
		return rc;
	if (rd_stock_by_app(ctx->db, app.id, &r, NULL) != RD_OK || strcmp(r.state, "issued"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("application %s has no issued UKEY to hand over"), a->no);
	if ((rc = rd_audit_each(ctx->db, 0, app.no, find_receipt, &printed, e)) != RD_OK)
		return rc;
	if (!printed)
		return rd_fail_at(e, RD_E_REFUSED, "receipt",
				  _("the UKEY receipt of %s has not been printed; print it for the agent to sign first"), a->no);
	if ((rc = rd_transition_in_tx(ctx, &app, "activated", NULL, e)) != RD_OK)
		return rc;
	details = rd_details("application", app.no, "certificate", r.cert_serial, (const char *)NULL);
	if (!details)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ctx_audit(ctx, "ukey.handover", r.serial, details, e);
	free(details);
	return rc;
}

rd_code rd_ukey_handover(rd_ctx *ctx, const char *no, rd_err *e)
{
	handover_args a = {no};
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	if (!no || !*no)
		return rd_fail_at(e, RD_E_INVALID, "application", _("no application number given"));
	return rd_in_transaction(ctx, handover_step, &a, e);
}

/* ---- orphans and reset ------------------------------------------------------------------- */
/* The inserted token with this serial, its stock row and a session. */
typedef struct on_token {
	dev_ref dev;
	rd_ukey_token tok;
	rd_ukey_session *s;
	rd_stock_row row;
} on_token;

static rd_code token_open(rd_ctx *ctx, const char *serial, rd_ukey *given, bool need_stock, on_token *t, rd_err *e)
{
	rd_code rc;
	memset(t, 0, sizeof *t);
	if ((rc = check_serial(serial, e)) != RD_OK)
		return rc;
	if (need_stock && (rc = rd_stock_get(ctx->db, serial, &t->row, e)) != RD_OK)
		return rc;
	if ((rc = dev_open(ctx, given, &t->dev, e)) != RD_OK)
		return rc;
	if ((rc = rd_ukey_find(t->dev.u, serial, &t->tok, e)) != RD_OK)
		return rc;
	if (strcmp(t->tok.serial, serial))
		return rd_fail_at(e, RD_E_NOTFOUND, "serial", _("no UKEY with serial %s is inserted"), serial);
	return rd_ukey_session_open(t->dev.u, &t->tok, &t->s, e);
}

static void token_close(on_token *t)
{
	rd_ukey_session_close(t->s);
	t->s = NULL;
	dev_close(&t->dev);
}

rd_code rd_ukey_orphans(rd_ctx *ctx, const char *serial, rd_ukey *dev, rd_ukey_keyinfo *out, size_t max, size_t *n,
			rd_err *e)
{
	on_token t;
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN);
	*n = 0;
	if (rc != RD_OK)
		return rc;
	if ((rc = token_open(ctx, serial, dev, false, &t, e)) == RD_OK)
		rc = rd_ukey_keys(t.s, out, max, n, e);
	token_close(&t);
	return rc;
}

/* A throw-away user PIN nobody knows: the next issuance sets the
 * subscriber's with the SO PIN. */
static rd_code random_pin(char out[17], rd_err *e)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	unsigned char r[16];
	rd_code rc = rd_random(r, sizeof r, e);
	if (rc != RD_OK)
		return rc;
	for (size_t i = 0; i < 16; i++)
		out[i] = alphabet[r[i] % (sizeof alphabet - 1)];
	out[16] = '\0';
	rd_memzero(r, sizeof r);
	return rd_ukey_pin_check(out, e) == RD_OK ? RD_OK : random_pin(out, e);
}

typedef struct reset_args {
	rd_stock_row *row;
	char *details;
} reset_args;

rd_code rd_ukey_reset(rd_ctx *ctx, const char *serial, rd_ukey *dev, size_t *deleted, rd_err *e)
{
	on_token t;
	rd_ukey_keyinfo keys[16];
	size_t n = 0, gone = 0;
	char *so = NULL, pin[17] = "", ids[1024] = "";
	size_t solen = 0;
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN);
	if (deleted)
		*deleted = 0;
	if (rc != RD_OK)
		return rc;
	if ((rc = token_open(ctx, serial, dev, true, &t, e)) != RD_OK)
		goto out;
	if (strcmp(t.row.state, "in_stock") && strcmp(t.row.state, "awaiting_certificate")) {
		rc = rd_fail_at(e, RD_E_REFUSED, "ukey", _("UKEY %s is %s; only a UKEY in stock or awaiting its certificate is reset"),
				serial, rd_ukey_state_label(t.row.state));
		goto out;
	}
	if (t.row.app_id) {
		rd_app_state app;
		if ((rc = rd_desk_app_get_id(ctx->db, t.row.app_id, &app, e)) != RD_OK)
			goto out;
		if (!strcmp(app.state, "queued_for_ca") || !strcmp(app.state, "issued")) {
			rc = rd_fail_at(e, RD_E_REFUSED, "ukey",
					_("the key on UKEY %s went to the CA for application %s (%s); finish with 'ukey resume %s' "
					  "instead of resetting it"),
					serial, app.no, rd_app_state_label(app.state), app.no);
			goto out;
		}
	}
	if ((rc = so_pin(ctx, &so, &solen, e)) != RD_OK || (rc = random_pin(pin, e)) != RD_OK ||
	    (rc = rd_ukey_unblock(t.s, so, pin, e)) != RD_OK || (rc = rd_ukey_login(t.s, pin, e)) != RD_OK ||
	    (rc = rd_ukey_keys(t.s, keys, RD_ARRAY_LEN(keys), &n, e)) != RD_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (keys[i].has_cert && !keys[i].orphan && (keys[i].has_private || keys[i].has_public)) {
			rc = rd_fail_at(e, RD_E_REFUSED, "ukey",
					_("UKEY %s holds a certified key (%s); it is not reset here"), serial, keys[i].id_hex);
			goto out;
		}
	for (size_t i = 0; i < n; i++) {
		size_t d = 0, len = strlen(ids);
		if ((rc = rd_ukey_delete(t.s, keys[i].id_hex, &d, e)) != RD_OK)
			goto out;
		gone += d;
		snprintf(ids + len, sizeof ids - len, "%s%s", len ? "," : "", keys[i].id_hex);
	}
	{
		char from[24], app[32];
		rd_strlcpy(from, t.row.state, sizeof from);
		rd_strlcpy(app, t.row.app_no, sizeof app);
		rd_strlcpy(t.row.state, "in_stock", sizeof t.row.state);
		t.row.app_id = 0;
		t.row.step[0] = t.row.key_id[0] = t.row.cert_serial[0] = '\0';
		rc = stock_save(ctx, &t.row, "ukey.reset",
				rd_details("from", from, "application", app[0] ? app : NULL, "deleted_keys", ids,
					   (const char *)NULL),
				e);
	}
	if (rc == RD_OK && deleted)
		*deleted = gone;
out:
	rd_secret_free(so, solen + 1);
	rd_memzero(pin, sizeof pin);
	token_close(&t);
	return rc;
}

/* ---- PIN service ---------------------------------------------------------------------------- */
rd_code rd_ukey_unblock_pin(rd_ctx *ctx, const char *serial, bool id_sighted, const char *new_pin, rd_ukey *dev,
			    rd_err *e)
{
	on_token t;
	char *so = NULL;
	size_t solen = 0;
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	if (!id_sighted)
		return rd_fail_at(e, RD_E_REFUSED, "identity",
				  _("check the subscriber's identity document again before unblocking, then confirm it"));
	if ((rc = rd_ukey_pin_check(new_pin, e)) != RD_OK)
		return rc;
	if ((rc = token_open(ctx, serial, dev, true, &t, e)) != RD_OK)
		goto out;
	if (strcmp(t.row.state, "issued") && strcmp(t.row.state, "awaiting_certificate")) {
		rc = rd_fail_at(e, RD_E_REFUSED, "ukey", _("UKEY %s is %s; only a subscriber's UKEY is unblocked"), serial,
				rd_ukey_state_label(t.row.state));
		goto out;
	}
	if ((rc = so_pin(ctx, &so, &solen, e)) != RD_OK || (rc = rd_ukey_unblock(t.s, so, new_pin, e)) != RD_OK)
		goto out;
	rc = stock_save(ctx, &t.row, "ukey.unblock",
			rd_details("application", t.row.app_no, "identity", "sighted", (const char *)NULL), e);
out:
	rd_secret_free(so, solen + 1);
	token_close(&t);
	return rc;
}

rd_code rd_ukey_change_user_pin(rd_ctx *ctx, const char *serial, const char *old_pin, const char *new_pin,
				rd_ukey *dev, rd_err *e)
{
	on_token t;
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	if (!old_pin || !*old_pin)
		return rd_fail_at(e, RD_E_INVALID, "pin", _("the current PIN is needed"));
	if ((rc = rd_ukey_pin_check(new_pin, e)) != RD_OK)
		return rc;
	if ((rc = token_open(ctx, serial, dev, true, &t, e)) == RD_OK &&
	    (rc = rd_ukey_change_pin(t.s, old_pin, new_pin, e)) == RD_OK)
		rc = stock_save(ctx, &t.row, "ukey.passwd", rd_details("application", t.row.app_no, (const char *)NULL), e);
	token_close(&t);
	return rc;
}

/* ---- renewal onto the same UKEY ---------------------------------------------------------- */
/* The new key pair is made on the token the application's certificate is
 * on; the old key and its (now superseded) certificate are deleted from the
 * token only once the new certificate is written and read back, so the
 * token always holds one working key.  The superseded certificate stays in
 * the RA's records and the CA's; the subscriber's software then never picks
 * the old key by mistake. */
static rd_code renew_locate(issue *is, const char *serial, rd_err *e)
{
	rd_code rc;
	if (rd_stock_by_app(is->ctx->db, is->app.id, &is->row, NULL) != RD_OK || strcmp(is->row.state, "issued"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("application %s has no issued UKEY; renew it with a CSR file ('cert renew')"), is->app.no);
	if (serial && *serial && strcmp(serial, is->row.serial))
		return rd_fail_at(e, RD_E_REFUSED, "--serial", _("application %s is on UKEY %s, not on %s"), is->app.no,
				  is->row.serial, serial);
	if ((rc = dev_open(is->ctx, is->opts ? is->opts->dev : NULL, &is->dev, e)) != RD_OK)
		return rc;
	rc = find_token(is->dev.u, is->row.serial, NULL, 0, &is->tok, e);
	if (rc == RD_OK && strcmp(is->tok.serial, is->row.serial))
		rc = RD_E_NOTFOUND;
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "ukey", _("insert UKEY %s (application %s)"), is->row.serial,
				  is->app.no);
	if (rc != RD_OK)
		return rc;
	rd_strlcpy(is->out->serial, is->row.serial, sizeof is->out->serial);
	rd_strlcpy(is->out->model, is->row.model[0] ? is->row.model : is->tok.model, sizeof is->out->model);
	return open_session(is, e);
}

/* The key made by an earlier renewal that waits for the CA: the one key on
 * the token without a certificate. */
static rd_code renew_pending_key(issue *is, rd_err *e)
{
	rd_ukey_keyinfo keys[16];
	size_t n = 0, found = 0;
	const char *id = NULL;
	rd_code rc = rd_ukey_keys(is->s, keys, RD_ARRAY_LEN(keys), &n, e);
	if (rc != RD_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (keys[i].has_private && !keys[i].has_cert && strcmp(keys[i].id_hex, is->row.key_id) && !found++)
			id = keys[i].id_hex;
	if (found != 1)
		return rd_fail_at(e, RD_E_DATA, "ukey",
				  _("UKEY %s holds %zu keys without a certificate; the renewed key cannot be told apart"),
				  is->row.serial, found);
	return rd_ukey_find_key(is->s, id, &is->key, e);
}

/* Writes the application's current certificate onto the new key, checks it,
 * deletes the old key and records the stock row. */
static rd_code renew_write(issue *is, const char *old_serial, rd_err *e)
{
	rd_cert_info ci;
	char serial[64] = "", old_key[41];
	size_t gone = 0;
	rd_code rc;
	memset(&ci, 0, sizeof ci);
	if ((rc = rd_cert_current(is->ctx, is->app.no, &ci, e)) != RD_OK)
		return rc;
	progress(is, RD_UKEY_STEP_CA, ci.serial_hex);
	if (same_serial(ci.serial_hex, old_serial)) {
		rd_cert_info_free(&ci);
		return rd_fail_at(e, RD_E_DATA, "certificate", _("the current certificate of %s is still the old one (%s)"),
				  is->app.no, old_serial);
	}
	rc = store_and_read_back(is, &ci, key_label(is), serial, sizeof serial, e);
	if (rc == RD_OK) {
		progress(is, RD_UKEY_STEP_VERIFY, serial);
		rd_strlcpy(old_key, is->row.key_id, sizeof old_key);
		/* the old key goes only now; a key already gone is no error */
		if (old_key[0] && strcmp(old_key, is->key.id_hex) &&
		    rd_ukey_delete(is->s, old_key, &gone, NULL) != RD_OK)
			gone = 0;
		rd_strlcpy(is->out->cert_serial, ci.serial_hex, sizeof is->out->cert_serial);
		is->out->not_before = ci.not_before;
		is->out->not_after = ci.not_after;
		rd_strlcpy(is->row.key_id, is->key.id_hex, sizeof is->row.key_id);
		rd_strlcpy(is->row.cert_serial, ci.serial_hex, sizeof is->row.cert_serial);
		rd_strlcpy(is->row.step, "done", sizeof is->row.step);
		rc = stock_save(is->ctx, &is->row, "ukey.renewed",
				rd_details("application", is->app.no, "key_id", is->key.id_hex, "certificate",
					   ci.serial_hex, "old_key_id", old_key, "old_certificate", old_serial,
					   "old_key_deleted", gone ? "yes" : "no", (const char *)NULL),
				e);
	}
	rd_cert_info_free(&ci);
	if (rc == RD_OK)
		progress(is, RD_UKEY_STEP_DONE, is->row.serial);
	return rc;
}

/* Asks the CA now; RD_OK when the renewed certificate is recorded. */
static rd_code renew_ask_ca(issue *is, const char *old_serial, rd_err *e)
{
	rd_ca_batch batch;
	rd_careq_info req;
	rd_cert_info ci;
	rd_err ce;
	bool renewed;
	rd_code rc;
	rd_err_clear(&ce);
	memset(&batch, 0, sizeof batch);
	memset(&ci, 0, sizeof ci);
	rd_ca_submit(is->ctx, is->app.no, NULL, NULL, &batch, &ce);
	memset(&req, 0, sizeof req);
	rd_ca_request_get(is->ctx, is->app.no, &req, NULL);
	if (req.id[0])
		rd_strlcpy(is->out->ca_request, req.id, sizeof is->out->ca_request);
	renewed = rd_cert_current(is->ctx, is->app.no, &ci, NULL) == RD_OK && !same_serial(ci.serial_hex, old_serial);
	rd_cert_info_free(&ci);
	if (renewed)
		return RD_OK;
	rd_strlcpy(is->out->ca_reason, req.reason[0] ? req.reason : ce.msg, sizeof is->out->ca_reason);
	if (!strcmp(req.state, "failed"))
		return rd_fail_at(e, RD_E_REFUSED, "ca",
				  _("the CA refused the renewal: %s; the new key on UKEY %s has no certificate: list it with "
				    "'ukey orphans %s'"),
				  is->out->ca_reason, is->row.serial, is->row.serial);
	is->out->awaiting = true;
	if (strcmp(is->row.step, "renewing")) {
		rd_strlcpy(is->row.step, "renewing", sizeof is->row.step);
		rc = stock_save(is->ctx, &is->row, "ukey.renew_await",
				rd_details("application", is->app.no, "key_id", is->key.id_hex, "request", req.id,
					   "reason", is->out->ca_reason, (const char *)NULL),
				e);
		if (rc != RD_OK)
			return rc;
	}
	return rd_fail_at(e, RD_E_UPSTREAM, "ca",
			  _("the CA has not answered (%s). The new key stays on UKEY %s and the old certificate stays "
			    "valid; run 'radesk ukey renew %s --resume' once the certificate has arrived"),
			  is->out->ca_reason[0] ? is->out->ca_reason : _("no answer"), is->row.serial, is->app.no);
}

/* A fresh renewal: new key, CSR on the token, the desk's checks. */
static rd_code renew_start(issue *is, const rd_renew_opts *o, rd_err *e)
{
	const char *fields[4], *values[4];
	rd_ukey_rdn rdn[4];
	size_t n = rd_ukey_subject_of(&is->rec, fields, values, RD_ARRAY_LEN(fields));
	rd_renew_opts ro = *o;
	char *csr = NULL, id[40] = "", receipt[48] = "";
	rd_code rc;
	if (!strcmp(is->row.step, "renewing"))
		return rd_fail_at(e, RD_E_REFUSED, "ukey",
				  _("a renewal of %s waits for the CA already; finish it with 'ukey renew %s --resume'"),
				  is->app.no, is->app.no);
	for (size_t i = 0; i < n; i++)
		rdn[i] = (rd_ukey_rdn){fields[i], values[i]};
	if ((rc = rd_ukey_generate(is->s, is->keytype, key_label(is), &is->key, e)) != RD_OK)
		return rc;
	progress(is, RD_UKEY_STEP_KEYGEN, is->key.id_hex);
	rc = rd_ukey_csr(is->s, &is->key, rdn, n, &csr, e);
	if (rc == RD_OK) {
		progress(is, RD_UKEY_STEP_CSR, NULL);
		ro.csr_pem = csr;
		rc = rd_life_renew(is->ctx, is->app.no, &ro, id, receipt, e);
	}
	free(csr);
	if (rc != RD_OK) {
		/* refused (answer, window, fee): no orphan key is left behind */
		if (rd_ukey_delete(is->s, is->key.id_hex, NULL, NULL) != RD_OK && e)
			rd_err_prefix(e, _("the new key %s could not be deleted from UKEY %s"), is->key.id_hex,
				      is->row.serial);
		return rc;
	}
	rd_strlcpy(is->out->ca_request, id, sizeof is->out->ca_request);
	if (is->receipt)
		rd_strlcpy(is->receipt, receipt, 48);
	progress(is, RD_UKEY_STEP_ENROLL, id);
	return RD_OK;
}

rd_code rd_ukey_renew(rd_ctx *ctx, const char *no, const char *pin, const rd_renew_opts *o, bool resume,
		      const rd_ukey_issue_opts *opts, rd_ukey_outcome *out, char receipt[48], rd_err *e)
{
	rd_ukey_outcome local;
	issue *is;
	char old_serial[48];
	rd_code rc;
	if (!out)
		out = &local;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_CLERK, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (!pin || !*pin)
		return rd_fail_at(e, RD_E_INVALID, "pin", _("the subscriber's PIN is needed"));
	if (!resume && !o)
		return rd_fail_at(e, RD_E_INVALID, "answer", _("renewal needs the verification answer or the ID sighted again"));
	if (!(is = calloc(1, sizeof *is)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	is->ctx = ctx;
	is->opts = opts;
	is->out = out;
	is->resume = resume;
	is->receipt = receipt;
	if (receipt)
		receipt[0] = '\0';
	if ((rc = load_application(is, no, e)) != RD_OK)
		goto done;
	rd_strlcpy(out->no, is->app.no, sizeof out->no);
	if ((rc = renew_locate(is, opts ? opts->serial : NULL, e)) != RD_OK)
		goto done;
	if ((rc = rd_ukey_login(is->s, pin, e)) != RD_OK)
		goto done;
	is->t0 = now_ms();
	rd_strlcpy(old_serial, is->row.cert_serial, sizeof old_serial);
	if (resume) {
		if (strcmp(is->row.step, "renewing")) {
			rc = rd_fail_at(e, RD_E_REFUSED, "ukey", _("no renewal of %s waits for the CA"), is->app.no);
			goto done;
		}
		out->resumed = true;
		rc = renew_pending_key(is, e);
	} else {
		rc = renew_start(is, o, e);
	}
	if (rc == RD_OK && (rc = renew_ask_ca(is, old_serial, e)) == RD_OK) {
		rc = renew_write(is, old_serial, e);
		if (rc == RD_OK)
			out->pin_to_cert_ms = now_ms() - is->t0;
	}
done:
	return issue_end(ctx, is, out, is->key.id_hex[0] ? is->key.id_hex : is->row.key_id, rc);
}
