/* Certificates expiring soon, for the counter and the back office: whom
 * to call (the agent and the mobile), how long each has left, and a key
 * that queues the notices to the agents (each certificate once). */
#include "ui/life_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { E_NOTIFY = 1, E_OPEN, E_APPLY, E_RELOAD, E_BACKSPACE };
static const ui_key exp_keys[] = {
	{'n', E_NOTIFY, N_("tell the agents: queue the expiry notices (each certificate once)")},
	{'o', E_OPEN, N_("open the chosen application")},
	{'\n', E_APPLY, N_("show the list for the days typed")},
	{127, E_BACKSPACE, N_("delete the last digit of the days")},
	{8, E_BACKSPACE, N_("delete the last digit of the days")},
	{UI_FN(KEY_BACKSPACE), E_BACKSPACE, N_("delete the last digit of the days")},
	{'r', E_RELOAD, N_("reload the list")},
};
static const ui_column exp_cols[] = {
	{N_("Application"), 20}, {N_("Agent"), 14}, {N_("Mobile"), 12}, {N_("Expires"), 17},
	{N_("Time left"), 10},   {N_("Notice"), 0},
};

typedef struct exp_row {
	rd_expiring x;
} exp_row;

typedef struct exp_state {
	ui_list list;
	char days[5];  /* as typed */
	bool fresh;    /* the days shown: the next digit starts a new number */
	int shown;     /* the days the list is for */
	exp_row *rows;
	size_t n, cap;
} exp_state;

static int collect(void *ud, const rd_expiring *x)
{
	exp_state *st = ud;
	exp_row *r = rd_grow(st->rows, &st->cap, st->n + 1, sizeof *r, 32);
	if (!r)
		return 1;
	st->rows = r;
	st->rows[st->n++].x = *x;
	return 0;
}

static int by_expiry(const void *a, const void *b)
{
	const exp_row *x = a, *y = b;
	if (x->x.not_after != y->x.not_after)
		return x->x.not_after < y->x.not_after ? -1 : 1;
	return strcmp(x->x.no, y->x.no);
}

/* The days typed; -1 when they are not a number (the workflow says so). */
static int days_typed(const exp_state *st)
{
	long v;
	return rd_parse_long(st->days, 0, 100000, &v) ? (int)v : -1;
}

/* Lists (and with notify, tells) the certificates expiring within the
 * days typed.  *queued: notices queued now. */
static int load(ui *u, exp_state *st, bool notify, int *queued)
{
	time_t now = rd_ctx_now(ui_ctx(u));
	int days = days_typed(st);
	rd_err e;
	rd_err_clear(&e);
	st->n = 0;
	ui_list_clear(&st->list);
	st->shown = days;
	st->fresh = true;
	if (rd_life_expiring(ui_ctx(u), days, notify, collect, st, queued, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	if (st->n > 1)
		qsort(st->rows, st->n, sizeof *st->rows, by_expiry);
	for (size_t i = 0; i < st->n; i++) {
		const rd_expiring *x = &st->rows[i].x;
		char until[32], left[32];
		const char *cells[6];
		rd_time_local(x->not_after, until);
		if (x->not_after > now)
			rd_life_format_left(x->not_after - now, left);
		else
			rd_strlcpy(left, _("expired"), sizeof left);
		cells[0] = x->no;
		cells[1] = x->agent[0] ? x->agent : "—";
		cells[2] = x->mobile[0] ? x->mobile : "—";
		cells[3] = until;
		cells[4] = left;
		cells[5] = x->notified ? _("queued now") : "";
		if (ui_list_add(&st->list, cells) != 0)
			return -1;
	}
	return 0;
}

static int exp_open(ui *u, ui_screen *s, const void *arg)
{
	exp_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, exp_cols, RD_ARRAY_LEN(exp_cols));
	rd_strlcpy(st->days, "30", sizeof st->days);
	return load(u, st, false, NULL);
}

static void exp_close(ui *u, ui_screen *s)
{
	exp_state *st = s->state;
	(void)u;
	if (!st)
		return;
	ui_list_free(&st->list);
	free(st->rows);
	free(st);
}

static void exp_draw(ui *u, ui_screen *s, ui_rect r)
{
	exp_state *st = s->state;
	const char *label = _("Days ahead:");
	char line[256];
	int lw = ui_width(label), bx = r.x + lw + 1;
	ui_text(r.y, r.x, lw, UI_A_NORMAL, label);
	ui_text_pad(r.y, bx, 6, UI_A_FIELD, st->days);
	ui_cursor(u, r.y, bx + (int)strlen(st->days));
	if (days_typed(st) != st->shown)
		snprintf(line, sizeof line, "%s", _("Enter shows the list for these days"));
	else if (st->n)
		snprintf(line, sizeof line, _("certificates expiring within %d days: %zu"), st->shown, st->n);
	else
		snprintf(line, sizeof line, _("no certificate expires within %d days"), st->shown);
	ui_text(r.y, bx + 8, r.w - (bx + 8 - r.x), UI_A_DIM, line);
	ui_list_draw(u, &st->list, (ui_rect){r.y + 2, r.x, r.h - 3, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM,
		_("digits and Enter: days ahead · n: tell the agents · o: open · F1: all keys"));
}

static ui_result exp_action(ui *u, ui_screen *s, int action)
{
	exp_state *st = s->state;
	int queued = 0;
	size_t len = strlen(st->days);
	switch (action) {
	case E_NOTIFY:
		if (days_typed(st) != st->shown) {
			ui_msg_error(u, "%s", _("Enter first: the notices go for the list shown"));
			return UI_HANDLED;
		}
		if (load(u, st, true, &queued) == 0)
			ui_msg(u, _("notices queued for the agents: %d (each certificate once)"), queued);
		return UI_HANDLED;
	case E_OPEN: {
		const char *no = ui_list_cell(&st->list, st->list.sel, 0);
		char copy[32];
		if (!no) {
			ui_msg_error(u, "%s", _("no certificate chosen"));
			return UI_HANDLED;
		}
		rd_strlcpy(copy, no, sizeof copy);
		ui_push(u, &ui_scr_app_detail, copy);
		return UI_HANDLED;
	}
	case E_APPLY:
		if (!len) {
			ui_msg_error(u, "%s", _("days ahead: type a number of days (0-3660)"));
			return UI_HANDLED;
		}
		load(u, st, false, NULL);
		return UI_HANDLED;
	case E_BACKSPACE:
		if (len)
			st->days[len - 1] = '\0';
		st->fresh = false;
		return UI_HANDLED;
	case E_RELOAD:
		load(u, st, false, NULL);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static ui_result exp_input(ui *u, ui_screen *s, int key)
{
	exp_state *st = s->state;
	size_t len = strlen(st->days);
	(void)u;
	if (key < '0' || key > '9')
		return UI_UNHANDLED;
	if (st->fresh) {
		st->fresh = false;
		st->days[0] = '\0';
		len = 0;
	}
	if (len + 1 < sizeof st->days)
		st->days[len] = (char)key, st->days[len + 1] = '\0';
	return UI_HANDLED;
}

static void exp_resume(ui *u, ui_screen *s)
{
	exp_state *st = s->state;
	snprintf(st->days, sizeof st->days, "%d", st->shown);
	load(u, st, false, NULL);
}

const ui_screen_ops ui_scr_expiring = {
	.id = "expiring",
	.title = N_("expiring certificates"),
	.keys = UI_KEYS(exp_keys),
	.shared = &ui_list_keymap,
	.open = exp_open,
	.close = exp_close,
	.draw = exp_draw,
	.action = exp_action,
	.input = exp_input,
	.resume = exp_resume,
};
