/* After issuance, the counter's forms: a written revocation request, a
 * lost or damaged UKEY (revoke and start the new UKEY's application in one
 * go), a change of information (revoke and start the corrected
 * application, then open it), and an organization that ceased (every
 * certificate of its credit code, with the evidence). */
#include "ui/life_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { L_SAVE = 1 };
static const ui_key save_keys[] = {
	{UI_FN(KEY_F(2)), L_SAVE, N_("record the request")},
};

/* The value of field i, trimmed; NULL when empty (free it either way). */
static char *opt_value(const ui_form *f, size_t i)
{
	char *v = ui_form_value(f, i);
	if (v && !*rd_trim(v)) {
		free(v);
		return NULL;
	}
	return v;
}

/* The values of fields first .. first+n-1 as opt_value gives them (choice
 * values are never empty), and their freeing. */
static void opt_values(const ui_form *f, size_t first, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = opt_value(f, first + i);
}

static void free_values(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* ui_form_init on the screen's form, then the "request received" field
 * (at) set to now.  Non-zero when out of memory. */
static int start_form(ui *u, ui_form_screen *fs, const ui_field_spec *specs, size_t n, size_t at)
{
	char now[32];
	if (ui_form_init(&fs->form, specs, n, fs) != 0)
		return -1;
	rd_time_local(rd_ctx_now(ui_ctx(u)), now);
	ui_form_set_value(&fs->form, at, now);
	return 0;
}

/* Puts the workflow's error beside its field, else on the message line. */
static void show_error(ui *u, ui_form *f, const rd_err *e)
{
	ui_form_set_error(f, e); /* false when no field of the form is named */
	ui_msg_err(u, e);
}

/* Closes the form screen (its state is gone) and opens the new
 * application in the application form. */
static void open_new_app(ui *u, const char *new_no)
{
	ui_app_form_arg arg = {new_no, true};
	ui_pop(u);
	ui_push(u, &ui_scr_app_edit, &arg);
}

/* ---- revocation request ------------------------------------------------------------ */
static const char *const reasons[] = {"keyCompromise",      "affiliationChanged", "superseded",
				      "cessationOfOperation", "privilegeWithdrawn", "unspecified",
				      NULL};
static const char *const reason_labels[] = {
	N_("keyCompromise: key or UKEY compromised, lost"),
	N_("affiliationChanged: information changed"),
	N_("superseded: replaced by a new certificate"),
	N_("cessationOfOperation: no longer used"),
	N_("privilegeWithdrawn: right to use withdrawn"),
	N_("unspecified"),
	NULL,
};
/* [revocation] allow_hold: the CA can suspend as well */
static const char *const reasons_hold[] = {"keyCompromise",      "affiliationChanged", "superseded",
					   "cessationOfOperation", "privilegeWithdrawn", "unspecified",
					   "certificateHold",    NULL};
static const char *const reason_labels_hold[] = {
	N_("keyCompromise: key or UKEY compromised, lost"),
	N_("affiliationChanged: information changed"),
	N_("superseded: replaced by a new certificate"),
	N_("cessationOfOperation: no longer used"),
	N_("privilegeWithdrawn: right to use withdrawn"),
	N_("unspecified"),
	N_("certificateHold: suspend"),
	NULL,
};

enum { RV_REASON, RV_AT, RV_NOTE, RV_PERSON };
static const ui_field_spec revoke_fields[] = {
	{"--reason", N_("Reason"), 48, 0, UI_F_REQUIRED, NULL, reasons, reason_labels},
	{"--requested-at", N_("Written request received"), 18, 25, UI_F_REQUIRED, ui_life_check_time, NULL, NULL},
	{"--note", N_("Remarks"), 48, 200, 0, NULL, NULL, NULL},
	{"--in-person", N_("Subscriber came in person"), 8, 0, 0, NULL, ui_life_yes_no,
	 ui_life_yes_no_labels},
};

typedef struct revoke_state {
	ui_form_screen fs;
	ui_field_spec specs[RD_ARRAY_LEN(revoke_fields)];
	char no[32];
	char cert[256];
	bool single_clerk;
	long promise;
} revoke_state;

static void do_revoke(ui *u, void *ud);

static int revoke_open(ui *u, ui_screen *s, const void *arg)
{
	const ui_app_view *v = arg;
	revoke_state *st = ui_form_screen_new(s, sizeof *st, L_SAVE, do_revoke);
	const rd_config *cfg = ui_ctx(u)->cfg;
	if (!st)
		return -1;
	rd_strlcpy(st->no, v ? v->no : "", sizeof st->no);
	memcpy(st->specs, revoke_fields, sizeof st->specs);
	if (rd_config_bool(cfg, "revocation", "allow_hold")) {
		st->specs[RV_REASON].choices = reasons_hold;
		st->specs[RV_REASON].choice_labels = reason_labels_hold;
	}
	st->single_clerk = rd_config_bool(cfg, "revocation", "single_clerk_key_compromise");
	st->promise = rd_config_int(cfg, "revocation", "promise_hours");
	if (start_form(u, &st->fs, st->specs, RD_ARRAY_LEN(st->specs), RV_AT) != 0)
		return -1;
	ui_life_cert_line(u, st->no, st->cert, sizeof st->cert, NULL);
	return 0;
}

static void revoke_draw(ui *u, ui_screen *s, ui_rect r)
{
	revoke_state *st = s->state;
	ui_form *f = &st->fs.form;
	char line[512], *reason = ui_form_value(f, RV_REASON), *person = ui_form_value(f, RV_PERSON);
	ui_form_draw(u, f, (ui_rect){r.y + 3, r.x, 4, r.w});
	if (st->single_clerk && rd_streq(reason, "keyCompromise") && rd_streq(person, "yes"))
		ui_text(r.y + 8, r.x, r.w, UI_A_ERROR,
			_("Key compromise reported in person: the request goes to the CA at once."));
	else
		ui_text(r.y + 8, r.x, r.w, UI_A_DIM,
			_("A second operator approves the request before it goes to the CA."));
	snprintf(line, sizeof line, _("Revoke %s on a written request; the RA revokes within %ld hours of receiving it."),
		 st->no, st->promise);
	ui_form_screen_frame(r, line, st->cert, _("F2 or Enter on the last field: record the request · Esc: back"));
	free(reason);
	free(person);
}

static void do_revoke(ui *u, void *ud)
{
	revoke_state *st = ud;
	char *v[RD_ARRAY_LEN(revoke_fields)];
	rd_revoke_opts o = {0};
	char no[32];
	int64_t id = 0;
	bool queued = false;
	rd_err e;
	rd_code rc;
	rd_err_clear(&e);
	opt_values(&st->fs.form, 0, v, RD_ARRAY_LEN(v));
	o.reason = v[RV_REASON];
	o.note = v[RV_NOTE];
	o.in_person = rd_streq(v[RV_PERSON], "yes");
	rc = ui_life_parse_time(v[RV_AT], "--requested-at", &o.requested_at, &e);
	if (rc == RD_OK)
		rc = rd_life_revoke_request(ui_ctx(u), st->no, &o, &id, &queued, &e);
	free_values(v, RD_ARRAY_LEN(v));
	if (rc != RD_OK) {
		show_error(u, &st->fs.form, &e);
		return;
	}
	rd_strlcpy(no, st->no, sizeof no);
	ui_pop(u); /* st is gone; the detail view reloads */
	if (queued)
		ui_msg(u, _("%s: revocation request recorded and sent to the CA"), no);
	else
		ui_msg(u, _("%s: revocation request recorded; a second operator approves it"), no);
}

const ui_screen_ops ui_scr_life_revoke = {
	.id = "life_revoke",
	.title = N_("revocation request"),
	.keys = UI_KEYS(save_keys),
	.shared = &ui_form_keymap,
	.open = revoke_open,
	.close = ui_form_screen_close,
	.draw = revoke_draw,
	.action = ui_form_screen_action,
	.input = ui_form_screen_input,
};

/* ---- lost or damaged UKEY (补办) ------------------------------------------------------ */
static const char *const reissue_reasons[] = {"keyCompromise", "superseded", NULL};
static const char *const reissue_reason_labels[] = {
	N_("keyCompromise: lost or stolen, someone may use it"),
	N_("superseded: damaged, nobody else has it"),
	NULL,
};
static const char *const fates[] = {"lost", "destroyed", NULL};
static const char *const fate_labels[] = {N_("lost"), N_("destroyed (damaged)"), NULL};

enum { RI_REASON, RI_FATE, RI_TOKEN, RI_USER, RI_PERSON, RI_AT, RI_NOTE };
static rd_code check_username(void *ud, const char *value, rd_err *e)
{
	(void)ud;
	return rd_check_username(value, "--username", e);
}
static const ui_field_spec reissue_fields[] = {
	{"--reason", N_("Reason"), 56, 0, UI_F_REQUIRED, NULL, reissue_reasons, reissue_reason_labels},
	{"--ukey", N_("The old UKEY is"), 24, 0, UI_F_REQUIRED, NULL, fates, fate_labels},
	{"--token", N_("Old UKEY serial"), 18, 60, 0, NULL, NULL, NULL},
	{"--username", N_("New application's user name"), 14, 12, 0, check_username, NULL, NULL},
	{"--in-person", N_("Subscriber came in person"), 8, 0, 0, NULL, ui_life_yes_no,
	 ui_life_yes_no_labels},
	{"--requested-at", N_("Written request received"), 18, 25, UI_F_REQUIRED, ui_life_check_time, NULL, NULL},
	{"--note", N_("Remarks"), 48, 200, 0, NULL, NULL, NULL},
};

typedef struct reissue_state {
	ui_form_screen fs;
	char no[32];
	char cert[256];
	char stock[256];
} reissue_state;

static int count_blank(void *ud, const char *model, const char *state, int64_t n)
{
	int64_t *blank = ud;
	(void)model;
	if (!strcmp(state, "in_stock"))
		*blank += n;
	return 0;
}

static void do_reissue(ui *u, void *ud);

static int reissue_open(ui *u, ui_screen *s, const void *arg)
{
	const ui_app_view *v = arg;
	reissue_state *st = ui_form_screen_new(s, sizeof *st, L_SAVE, do_reissue);
	rd_stock_row old;
	int64_t blank = 0;
	if (!st)
		return -1;
	rd_strlcpy(st->no, v ? v->no : "", sizeof st->no);
	if (start_form(u, &st->fs, reissue_fields, RD_ARRAY_LEN(reissue_fields), RI_AT) != 0)
		return -1;
	if (rd_ukey_of_app(ui_ctx(u), st->no, &old, NULL) == RD_OK)
		ui_form_set_value(&st->fs.form, RI_TOKEN, old.serial);
	ui_life_cert_line(u, st->no, st->cert, sizeof st->cert, NULL);
	if (rd_ukey_stock_counts(ui_ctx(u), count_blank, &blank, NULL) == RD_OK)
		snprintf(st->stock, sizeof st->stock, _("blank UKEYs in stock for the new certificate: %lld"),
			 (long long)blank);
	return 0;
}

static void reissue_draw(ui *u, ui_screen *s, ui_rect r)
{
	reissue_state *st = s->state;
	char line[512];
	ui_text(r.y + 2, r.x, r.w, UI_A_DIM, st->stock);
	ui_form_draw(u, &st->fs.form, (ui_rect){r.y + 4, r.x, 7, r.w});
	ui_text(r.y + 12, r.x, r.w, UI_A_DIM,
		_("The new application opens next: register it; once approved, issue it on a new UKEY (u)."));
	snprintf(line, sizeof line, _("Lost or damaged UKEY of %s: revoke its certificate and start the new UKEY's "
				      "application."), st->no);
	ui_form_screen_frame(r, line, st->cert, _("F2 or Enter on the last field: record · Esc: back"));
}

static void do_reissue(ui *u, void *ud)
{
	reissue_state *st = ud;
	char *v[RD_ARRAY_LEN(reissue_fields)];
	rd_reissue_opts o = {0};
	char new_no[32] = "";
	bool queued = false;
	rd_err e;
	rd_code rc;
	rd_err_clear(&e);
	opt_values(&st->fs.form, 0, v, RD_ARRAY_LEN(v));
	o.reason = v[RI_REASON];
	o.ukey_fate = v[RI_FATE];
	o.ukey_serial = v[RI_TOKEN];
	o.username = v[RI_USER];
	o.in_person = rd_streq(v[RI_PERSON], "yes");
	o.note = v[RI_NOTE];
	rc = ui_life_parse_time(v[RI_AT], "--requested-at", &o.requested_at, &e);
	if (rc == RD_OK)
		rc = rd_life_reissue(ui_ctx(u), st->no, &o, new_no, &queued, &e);
	free_values(v, RD_ARRAY_LEN(v));
	if (rc != RD_OK) {
		show_error(u, &st->fs.form, &e);
		return;
	}
	open_new_app(u, new_no); /* st is gone */
	ui_msg(u, _("new UKEY application %s: register it; revocation %s"), new_no,
	       queued ? _("went to the CA") : _("waits for approval"));
}

const ui_screen_ops ui_scr_life_reissue = {
	.id = "life_reissue",
	.title = N_("lost or damaged UKEY"),
	.keys = UI_KEYS(save_keys),
	.shared = &ui_form_keymap,
	.open = reissue_open,
	.close = ui_form_screen_close,
	.draw = reissue_draw,
	.action = ui_form_screen_action,
	.input = ui_form_screen_input,
};

/* ---- change of information -------------------------------------------------------------- */
static const char *const change_reasons[] = {"affiliationChanged", "superseded", NULL};
static const char *const change_reason_labels[] = {
	N_("affiliationChanged: information changed"),
	N_("superseded: replaced by a new certificate"),
	NULL,
};

static rd_code check_uscc(void *ud, const char *value, rd_err *e)
{
	char norm[64];
	(void)ud;
	if (rd_norm_uscc(value, norm, sizeof norm) != RD_OK)
		rd_strlcpy(norm, value, sizeof norm);
	return rd_check_uscc(norm, "--uscc", e);
}

/* Individuals change the name; organizations their name and credit code.
 * Those fields come first (nc of them), then the request's: reason, the new
 * application's user name, when the request came, a note. */
enum { CH_REASON, CH_USER, CH_AT, CH_NOTE };
static const ui_field_spec change_head[] = {
	{"--reason", N_("Reason"), 46, 0, UI_F_REQUIRED, NULL, change_reasons, change_reason_labels},
	{"--username", N_("New application's user name"), 14, 12, 0, check_username, NULL, NULL},
	{"--requested-at", N_("Written request received"), 18, 25, UI_F_REQUIRED, ui_life_check_time, NULL, NULL},
	{"--note", N_("Remarks"), 48, 200, 0, NULL, NULL, NULL},
};
static rd_code check_name(void *ud, const char *value, rd_err *e)
{
	(void)ud;
	return rd_check_name(value, "--name", e);
}
static const ui_field_spec change_person[] = {
	{"--name", N_("Subscriber's name"), 30, 60, UI_F_REQUIRED, check_name, NULL, NULL},
};
static const ui_field_spec change_org[] = {
	{"--org-name", N_("Organization name"), 40, 60, UI_F_REQUIRED, check_name, NULL, NULL},
	{"--uscc", N_("Unified social credit code"), 20, 18, UI_F_REQUIRED, check_uscc, NULL, NULL},
};

typedef struct change_state {
	ui_form_screen fs;
	ui_field_spec specs[RD_ARRAY_LEN(change_head) + 2];
	char no[32];
	char cert[256];
	bool org;
	size_t nc;        /* fields that can change, first in the form */
	char was[2][256]; /* the values on file, to tell what changed */
} change_state;

static void do_change(ui *u, void *ud);

static int change_open(ui *u, ui_screen *s, const void *arg)
{
	const ui_app_view *v = arg;
	change_state *st = v ? ui_form_screen_new(s, sizeof *st, L_SAVE, do_change) : NULL;
	if (!st)
		return -1;
	rd_strlcpy(st->no, v->no, sizeof st->no);
	st->org = v->app->kind == RD_APP_ORGANIZATION;
	if (st->org) {
		st->nc = RD_ARRAY_LEN(change_org);
		memcpy(st->specs, change_org, sizeof change_org);
		rd_strlcpy(st->was[0], v->app->organization.name, sizeof st->was[0]);
		rd_strlcpy(st->was[1], v->app->organization.uscc, sizeof st->was[1]);
	} else {
		st->nc = RD_ARRAY_LEN(change_person);
		memcpy(st->specs, change_person, sizeof change_person);
		rd_strlcpy(st->was[0], v->app->subject.name, sizeof st->was[0]);
	}
	memcpy(st->specs + st->nc, change_head, sizeof change_head);
	if (start_form(u, &st->fs, st->specs, st->nc + RD_ARRAY_LEN(change_head), st->nc + (size_t)CH_AT) != 0)
		return -1;
	for (size_t i = 0; i < st->nc; i++)
		ui_form_set_value(&st->fs.form, i, st->was[i]);
	ui_life_cert_line(u, st->no, st->cert, sizeof st->cert, NULL);
	return 0;
}

static void change_draw(ui *u, ui_screen *s, ui_rect r)
{
	change_state *st = s->state;
	char line[512];
	ui_text(r.y + 2, r.x, r.w, UI_A_DIM, _("Correct the fields below; the rest is carried over."));
	ui_form_draw(u, &st->fs.form, (ui_rect){r.y + 4, r.x, (int)st->fs.form.n, r.w});
	snprintf(line, sizeof line, _("Change of information on %s: the certificate is revoked, a corrected copy "
				      "starts."), st->no);
	ui_form_screen_frame(r, line, st->cert,
			     _("F2 or Enter on the last field: record and open the new application · Esc: back"));
}

static void do_change(ui *u, void *ud)
{
	change_state *st = ud;
	char *v[RD_ARRAY_LEN(change_head)], *now[2] = {NULL, NULL};
	rd_change_opts o = {0};
	char new_no[32] = "";
	bool changed = false;
	rd_err e;
	rd_code rc = RD_OK;
	rd_err_clear(&e);
	opt_values(&st->fs.form, st->nc, v, RD_ARRAY_LEN(v));
	opt_values(&st->fs.form, 0, now, st->nc);
	for (size_t i = 0; i < st->nc; i++) {
		if (now[i] && strcmp(now[i], st->was[i]) != 0)
			changed = true;
		else { /* unchanged: not passed on */
			free(now[i]);
			now[i] = NULL;
		}
	}
	if (!changed)
		rc = rd_fail_at(&e, RD_E_INVALID, st->specs[0].name, _("nothing is changed: correct a field first"));
	o.reason = v[CH_REASON];
	o.username = v[CH_USER];
	o.note = v[CH_NOTE];
	if (st->org) {
		o.org_name = now[0];
		o.uscc = now[1];
	} else {
		o.subject_name = now[0];
	}
	if (rc == RD_OK)
		rc = ui_life_parse_time(v[CH_AT], "--requested-at", &o.requested_at, &e);
	if (rc == RD_OK)
		rc = rd_life_change(ui_ctx(u), st->no, &o, new_no, &e);
	free_values(v, RD_ARRAY_LEN(v));
	free_values(now, RD_ARRAY_LEN(now));
	if (rc != RD_OK) {
		show_error(u, &st->fs.form, &e);
		return;
	}
	open_new_app(u, new_no); /* st is gone */
	ui_msg(u, _("new application %s holds the changes: complete and register it"), new_no);
}

const ui_screen_ops ui_scr_life_change = {
	.id = "life_change",
	.title = N_("change of information"),
	.keys = UI_KEYS(save_keys),
	.shared = &ui_form_keymap,
	.open = change_open,
	.close = ui_form_screen_close,
	.draw = change_draw,
	.action = ui_form_screen_action,
	.input = ui_form_screen_input,
};

/* ---- organization ceased (注销) ------------------------------------------------------------ */
static rd_code check_evidence(void *ud, const char *value, rd_err *e)
{
	struct stat sb;
	(void)ud;
	if (stat(value, &sb) != 0 || !S_ISREG(sb.st_mode))
		return rd_fail_at(e, RD_E_INVALID, "--evidence", _("no such file"));
	if (access(value, R_OK) != 0)
		return rd_fail_at(e, RD_E_INVALID, "--evidence", _("the file cannot be read"));
	if (sb.st_size == 0)
		return rd_fail_at(e, RD_E_INVALID, "--evidence", _("the file is empty"));
	return RD_OK;
}

enum { CE_USCC, CE_EVIDENCE, CE_ON, CE_AT, CE_NOTE };
static const ui_field_spec ceased_fields[] = {
	{"--uscc", N_("Unified social credit code"), 20, 18, UI_F_REQUIRED, check_uscc, NULL, NULL},
	{"--evidence", N_("Evidence document (file)"), 50, 1000, UI_F_REQUIRED, check_evidence, NULL, NULL},
	{"--ceased-on", N_("Ceased on"), 18, 25, 0, ui_life_check_date, NULL, NULL},
	{"--requested-at", N_("Notice received"), 18, 25, UI_F_REQUIRED, ui_life_check_time, NULL, NULL},
	{"--note", N_("Remarks"), 50, 200, 0, NULL, NULL, NULL},
};

#define CEASED_SHOWN 4
typedef struct ceased_state {
	ui_form_screen fs;
	char previewed[64]; /* the credit code the preview is for */
	int count;
	char nos[CEASED_SHOWN][32];
	char why[512]; /* why there is no preview */
} ceased_state;

static void preview(ui *u, ceased_state *st)
{
	char *code = opt_value(&st->fs.form, CE_USCC);
	rd_err e;
	if (rd_streq(code ? code : "", st->previewed)) {
		free(code);
		return;
	}
	rd_strlcpy(st->previewed, code ? code : "", sizeof st->previewed);
	st->count = 0;
	st->why[0] = '\0';
	rd_err_clear(&e);
	if (code && rd_life_ceased_preview(ui_ctx(u), code, &st->count, st->nos, CEASED_SHOWN, &e) != RD_OK)
		rd_strlcpy(st->why, e.msg, sizeof st->why);
	free(code);
}

static void do_ceased(ui *u, void *ud);

static int ceased_open(ui *u, ui_screen *s, const void *arg)
{
	ceased_state *st = ui_form_screen_new(s, sizeof *st, L_SAVE, do_ceased);
	(void)arg;
	if (!st)
		return -1;
	return start_form(u, &st->fs, ceased_fields, RD_ARRAY_LEN(ceased_fields), CE_AT);
}

static void ceased_draw(ui *u, ui_screen *s, ui_rect r)
{
	ceased_state *st = s->state;
	char line[512];
	int y = r.y + 3, n = (int)st->fs.form.n;
	ui_form_draw(u, &st->fs.form, (ui_rect){y, r.x, n, r.w});
	y += n + 1;
	if (st->why[0]) {
		ui_text(y, r.x, r.w, UI_A_ERROR, st->why);
	} else if (st->previewed[0]) {
		size_t k = 0;
		snprintf(line, sizeof line, _("certificates to revoke: %d"), st->count);
		for (int i = 0; i < st->count && i < CEASED_SHOWN; i++) {
			k = strlen(line);
			snprintf(line + k, sizeof line - k, "%s%s", i ? " " : " — ", st->nos[i]);
		}
		if (st->count > CEASED_SHOWN) {
			k = strlen(line);
			snprintf(line + k, sizeof line - k, " …");
		}
		ui_text(y, r.x, r.w, st->count ? UI_A_OK : UI_A_ERROR, line);
	}
	ui_form_screen_frame(
		r, _("Organization ceased (注销): every certificate of the credit code is revoked (cessationOfOperation)"),
		_("The evidence (licence cancellation notice ...) is kept with the requests."),
		_("F2 or Enter on the last field: record the requests · Esc: back"));
}

static void do_ceased(ui *u, void *ud)
{
	ceased_state *st = ud;
	char *v[RD_ARRAY_LEN(ceased_fields)];
	time_t ceased_on = 0, requested_at = 0;
	char batch[40] = "";
	int count = 0;
	rd_err e;
	rd_code rc = RD_OK;
	rd_err_clear(&e);
	opt_values(&st->fs.form, 0, v, RD_ARRAY_LEN(v));
	if (v[CE_ON])
		rc = ui_life_parse_time(v[CE_ON], "--ceased-on", &ceased_on, &e);
	if (rc == RD_OK)
		rc = ui_life_parse_time(v[CE_AT], "--requested-at", &requested_at, &e);
	if (rc == RD_OK)
		rc = rd_life_ceased(ui_ctx(u), v[CE_USCC], v[CE_EVIDENCE], v[CE_NOTE], ceased_on, requested_at, batch,
				    &count, &e);
	free_values(v, RD_ARRAY_LEN(v));
	if (rc != RD_OK) {
		show_error(u, &st->fs.form, &e);
		return;
	}
	ui_pop(u); /* st is gone */
	ui_msg(u, _("batch %s recorded, revocation requests: %d; a second operator approves them"), batch, count);
}

static ui_result ceased_action(ui *u, ui_screen *s, int action)
{
	ceased_state *st = s->state;
	preview(u, st); /* leaving the code's field shows the count at once */
	if (st->fs.form.focus == CE_USCC &&
	    (action == UI_FORM_BACKSPACE || action == UI_FORM_DELETE || action == UI_FORM_CLEAR_FIELD))
		ui_tick_after(u, 300);
	return ui_form_screen_action(u, s, action); /* may pop: st gone */
}

static ui_result ceased_input(ui *u, ui_screen *s, int key)
{
	ceased_state *st = s->state;
	ui_result r = ui_form_screen_input(u, s, key);
	if (r == UI_HANDLED && st->fs.form.focus == CE_USCC)
		ui_tick_after(u, 300); /* the count follows the typing */
	return r;
}

static void ceased_tick(ui *u, ui_screen *s)
{
	preview(u, s->state);
}

const ui_screen_ops ui_scr_ceased = {
	.id = "ceased",
	.title = N_("organization ceased"),
	.keys = UI_KEYS(save_keys),
	.shared = &ui_form_keymap,
	.open = ceased_open,
	.close = ui_form_screen_close,
	.draw = ceased_draw,
	.action = ceased_action,
	.input = ceased_input,
	.tick = ceased_tick,
};
