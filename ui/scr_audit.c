/* Auditor: the audit trail (scrollable) and the chain verification. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- trail --------------------------------------------------------------------- */
enum { T_RELOAD = 1 };
static const ui_key trail_keys[] = {
	{'r', T_RELOAD, N_("reload the trail")},
};
/* The last column holds the details; it is shown under the list for the
 * chosen row rather than in the table. */
static const ui_column trail_cols[] = {
	{N_("No."), 6}, {N_("Time"), 16}, {N_("Operator"), 12}, {N_("Action"), 24}, {N_("Object"), 0},
};

typedef struct trail_state {
	ui_list list;
	char **details; /* one per row */
	size_t nd, capd;
} trail_state;

static int add_audit_row(void *ud, const rd_audit_row *row)
{
	trail_state *st = ud;
	char seq[24], when[32];
	const char *cells[5];
	if (st->nd == st->capd) {
		size_t cap = st->capd ? st->capd * 2 : 256;
		char **d = realloc(st->details, cap * sizeof *d);
		if (!d)
			return 1;
		st->details = d;
		st->capd = cap;
	}
	snprintf(seq, sizeof seq, "%lld", (long long)row->seq);
	rd_time_local(row->at, when);
	cells[0] = seq;
	cells[1] = when;
	cells[2] = row->operator_name;
	cells[3] = row->action;
	cells[4] = row->object;
	if (ui_list_add(&st->list, cells) != 0)
		return 1;
	st->details[st->nd++] = rd_strdup(row->details ? row->details : "");
	return 0;
}

static void free_details(trail_state *st)
{
	for (size_t i = 0; i < st->nd; i++)
		free(st->details[i]);
	st->nd = 0;
}

static int load_trail(ui *u, trail_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	free_details(st);
	if (rd_audit_read(ui_ctx(u), 0, NULL, add_audit_row, st, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	if (st->list.rows)
		st->list.sel = st->list.rows - 1; /* the newest first in view */
	return 0;
}

static int trail_open(ui *u, ui_screen *s, const void *arg)
{
	trail_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, trail_cols, RD_ARRAY_LEN(trail_cols));
	return load_trail(u, st);
}

static void trail_close(ui *u, ui_screen *s)
{
	trail_state *st = s->state;
	(void)u;
	if (!st)
		return;
	ui_list_free(&st->list);
	free_details(st);
	free(st->details);
	free(st);
}

static void trail_draw(ui *u, ui_screen *s, ui_rect r)
{
	trail_state *st = s->state;
	char line[1200];
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 2, r.w});
	if (st->list.rows && st->list.sel < st->nd) {
		snprintf(line, sizeof line, "%s %s", _("Details:"),
			 st->details[st->list.sel][0] ? st->details[st->list.sel] : "-");
		ui_text(r.y + r.h - 1, r.x, r.w, UI_A_NORMAL, line);
	}
}

static ui_result trail_action(ui *u, ui_screen *s, int action)
{
	trail_state *st = s->state;
	if (action == T_RELOAD) {
		load_trail(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

const ui_screen_ops ui_scr_audit_trail = {
	.id = "audit_trail",
	.title = N_("audit trail"),
	.keys = UI_KEYS(trail_keys),
	.shared = &ui_list_keymap,
	.open = trail_open,
	.close = trail_close,
	.draw = trail_draw,
	.action = trail_action,
};

/* ---- verify -------------------------------------------------------------------- */
enum { V_AGAIN = 1 };
static const ui_key verify_keys[] = {
	{'r', V_AGAIN, N_("verify again")},
};

typedef struct verify_state {
	rd_code rc;
	rd_audit_result res;
	rd_err err;
} verify_state;

static void verify(ui *u, verify_state *st)
{
	rd_err_clear(&st->err);
	memset(&st->res, 0, sizeof st->res);
	st->rc = rd_audit_check(ui_ctx(u), &st->res, &st->err);
}

static int verify_open(ui *u, ui_screen *s, const void *arg)
{
	verify_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	verify(u, st);
	return 0;
}

static void verify_close(ui *u, ui_screen *s)
{
	(void)u;
	free(s->state);
}

static void verify_draw(ui *u, ui_screen *s, ui_rect r)
{
	verify_state *st = s->state;
	char line[1400];
	(void)u;
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, _("Every audit row is chained to the one before it by its hash."));
	if (st->rc != RD_OK) {
		char buf[1200];
		ui_text(r.y + 2, r.x, r.w, UI_A_ERROR, rd_err_text(&st->err, buf, sizeof buf));
	} else if (st->res.first_bad == 0) {
		snprintf(line, sizeof line, _("ok, %lld entries"), (long long)st->res.entries);
		ui_text(r.y + 2, r.x, r.w, UI_A_OK, line);
	} else {
		snprintf(line, sizeof line, _("broken: the first bad row is %lld of %lld entries"),
			 (long long)st->res.first_bad, (long long)st->res.entries);
		ui_text(r.y + 2, r.x, r.w, UI_A_ERROR, line);
		ui_text(r.y + 3, r.x, r.w, UI_A_ERROR, st->res.why);
	}
	ui_text(r.y + 5, r.x, r.w, UI_A_DIM, _("r: verify again · Esc: back"));
}

static ui_result verify_action(ui *u, ui_screen *s, int action)
{
	if (action == V_AGAIN) {
		verify(u, s->state);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

const ui_screen_ops ui_scr_audit_verify = {
	.id = "audit_verify",
	.title = N_("verify the audit chain"),
	.keys = UI_KEYS(verify_keys),
	.open = verify_open,
	.close = verify_close,
	.draw = verify_draw,
	.action = verify_action,
};
