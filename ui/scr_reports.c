/* Auditors and admins: the day's reports on one screen.  Choose the day
 * (today at first) and a clerk (everyone when empty); the cash-up per clerk
 * and method, the totals per method, the refunds, the net, applications
 * per state and the day's audit actions come from rd_report_day, the same
 * figures `radesk report cashup` and `report daily` print.  F4 writes them
 * as a CSV file. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

enum { F_DAY, F_CLERK, F_FILE };
static const ui_field_spec report_fields[] = {
	{"--date", N_("Day"), 12, 10, UI_F_REQUIRED, NULL, NULL, NULL},
	{"--clerk", N_("Clerk"), 16, 63, 0, NULL, NULL, NULL},
	{"file", N_("CSV file"), 60, 1000, 0, NULL, NULL, NULL},
};

enum { R_SHOW = 1, R_EXPORT, R_UP, R_DOWN };
static const ui_key report_keys[] = {
	{UI_FN(KEY_F(5)), R_SHOW, N_("make the report for the day and clerk")},
	{UI_FN(KEY_F(4)), R_EXPORT, N_("write the report shown to the CSV file")},
	{UI_FN(KEY_PPAGE), R_UP, N_("scroll the report up")},
	{UI_FN(KEY_NPAGE), R_DOWN, N_("scroll the report down")},
};

/* A line of the report: cells at fixed columns (one layout per table). */
enum layout { L_TEXT, L_MONEY, L_REFUND, L_COUNT };
typedef struct rline {
	enum layout layout;
	int attr;
	char cell[5][160];
} rline;

typedef struct report_state {
	ui_form form;
	rd_day_report rep;
	bool have;
	char shown_for[96]; /* "day\x1fclerk" the report is for */
	char *default_file; /* the file field's value while the operator has not changed it */
	rline *lines;
	size_t n, cap;
	int top, page;
} report_state;

static const char *method_label(const char *m)
{
	if (!strcmp(m, "cash"))
		return _("cash");
	if (!strcmp(m, "card"))
		return _("bank card");
	if (!strcmp(m, "transfer"))
		return _("bank transfer");
	if (!strcmp(m, "qr"))
		return _("QR payment");
	return m;
}

static rline *add_line(report_state *st, enum layout layout, int attr, const char *a, const char *b,
		       const char *c, const char *d, const char *e)
{
	const char *cells[5] = {a, b, c, d, e};
	rline *l = rd_grow(st->lines, &st->cap, st->n + 1, sizeof *l, 64);
	if (!l)
		return NULL;
	st->lines = l;
	l = &st->lines[st->n++];
	l->layout = layout;
	l->attr = attr;
	for (int i = 0; i < 5; i++)
		rd_strlcpy(l->cell[i], cells[i] ? cells[i] : "", sizeof l->cell[i]);
	return l;
}

static void money_line(report_state *st, int attr, const char *a, const char *b, int64_t count, int64_t fen)
{
	char n[32], m[32];
	snprintf(n, sizeof n, "%lld", (long long)count);
	rd_money_format(fen, m);
	add_line(st, L_MONEY, attr, a, b, n, m, NULL);
}

static void count_line(report_state *st, const char *a, int64_t count)
{
	char n[32];
	snprintf(n, sizeof n, "%lld", (long long)count);
	add_line(st, L_COUNT, UI_A_NORMAL, a, n, NULL, NULL, NULL);
}

/* The report as lines, in the order of the CSV file. */
static void build_lines(report_state *st)
{
	const rd_day_report *r = &st->rep;
	char head[256];
	st->n = 0;
	st->top = 0;
	snprintf(head, sizeof head, _("Cash-up of %s · %s"), r->day, r->clerk[0] ? r->clerk : _("every clerk"));
	add_line(st, L_TEXT, UI_A_TITLE, head, NULL, NULL, NULL, NULL);
	add_line(st, L_MONEY, UI_A_DIM, _("Clerk"), _("Method"), _("Count"), _("Total"), NULL);
	for (size_t i = 0; i < r->ncashup; i++)
		money_line(st, UI_A_NORMAL, r->cashup[i].operator_name, method_label(r->cashup[i].method),
			   r->cashup[i].count, r->cashup[i].total);
	if (!r->ncashup)
		add_line(st, L_TEXT, UI_A_DIM, _("no receipts that day"), NULL, NULL, NULL, NULL);
	for (size_t i = 0; i < r->nmethods; i++)
		money_line(st, UI_A_NORMAL, i ? "" : _("by method"), method_label(r->methods[i].method),
			   r->methods[i].count, r->methods[i].total);
	money_line(st, UI_A_NORMAL, _("payments"), "", r->payments, r->paid);
	money_line(st, UI_A_NORMAL, _("refunds"), "", (int64_t)r->nrefunds, r->refunded);
	money_line(st, UI_A_OK, _("net total"), "", r->payments + (int64_t)r->nrefunds, r->total);
	add_line(st, L_TEXT, UI_A_NORMAL, "", NULL, NULL, NULL, NULL);
	if (r->nrefunds) {
		add_line(st, L_TEXT, UI_A_TITLE, _("Refunds"), NULL, NULL, NULL, NULL);
		add_line(st, L_REFUND, UI_A_DIM, _("Receipt"), _("Application"), _("Amount"), _("By"), _("Reason"));
		for (size_t i = 0; i < r->nrefunds; i++) {
			char m[32];
			rd_money_format(r->refunds[i].amount, m);
			add_line(st, L_REFUND, UI_A_NORMAL, r->refunds[i].receipt, r->refunds[i].app_no, m,
				 r->refunds[i].operator_name, r->refunds[i].reason);
		}
		add_line(st, L_TEXT, UI_A_NORMAL, "", NULL, NULL, NULL, NULL);
	}
	add_line(st, L_TEXT, UI_A_TITLE, _("Applications by state (now)"), NULL, NULL, NULL, NULL);
	for (size_t i = 0; i < r->nstates; i++)
		count_line(st, rd_app_state_label(r->states[i].key), r->states[i].n);
	if (!r->nstates)
		add_line(st, L_TEXT, UI_A_DIM, _("no applications"), NULL, NULL, NULL, NULL);
	add_line(st, L_TEXT, UI_A_NORMAL, "", NULL, NULL, NULL, NULL);
	snprintf(head, sizeof head, _("Audit actions of %s"), r->day);
	add_line(st, L_TEXT, UI_A_TITLE, head, NULL, NULL, NULL, NULL);
	for (size_t i = 0; i < r->nactions; i++)
		count_line(st, r->actions[i].key, r->actions[i].n);
}

static void values_key(report_state *st, char *out, size_t n)
{
	char *day = ui_form_value(&st->form, F_DAY), *clerk = ui_form_value(&st->form, F_CLERK);
	snprintf(out, n, "%s\x1f%s", day ? rd_trim(day) : "", clerk ? rd_trim(clerk) : "");
	free(day);
	free(clerk);
}

static void set_default_file(ui *u, report_state *st, const char *day, const char *clerk)
{
	char *path = rd_report_default_path(ui_ctx(u), day, clerk);
	ui_form_set_value(&st->form, F_FILE, path ? path : "");
	free(st->default_file);
	st->default_file = path;
}

static void make_report(ui *u, report_state *st)
{
	char *day = ui_form_value(&st->form, F_DAY), *clerk = ui_form_value(&st->form, F_CLERK);
	rd_err e;
	rd_err_clear(&e);
	rd_day_report_free(&st->rep);
	st->have = false;
	st->n = 0;
	if (day && clerk &&
	    rd_report_day(ui_ctx(u), rd_trim(day), *rd_trim(clerk) ? clerk : NULL, &st->rep, &e) == RD_OK) {
		char *file = ui_form_value(&st->form, F_FILE);
		st->have = true;
		values_key(st, st->shown_for, sizeof st->shown_for);
		build_lines(st);
		if (!file || !st->default_file || !strcmp(file, st->default_file)) /* follow the day and clerk */
			set_default_file(u, st, st->rep.day, st->rep.clerk);
		free(file);
	} else if (!day || !clerk) {
		ui_msg_error(u, "%s", _("out of memory"));
	} else if (!ui_form_set_error(&st->form, &e)) {
		ui_msg_err(u, &e);
	} else {
		ui_msg_error(u, "%s", _("no report: see the field marked"));
	}
	free(day);
	free(clerk);
}

static void export_csv(ui *u, report_state *st)
{
	char *file = ui_form_value(&st->form, F_FILE), key[96], sha[65];
	rd_err e;
	rd_err_clear(&e);
	values_key(st, key, sizeof key);
	if (!st->have || strcmp(key, st->shown_for) != 0) { /* export what is on the screen, nothing else */
		ui_msg_error(u, "%s", _("make the report for these fields first (F5)"));
	} else if (!file || !*rd_trim(file)) {
		ui_form_focus(&st->form, F_FILE);
		ui_msg_error(u, "%s", _("say where the CSV file goes"));
	} else if (rd_report_export_csv(ui_ctx(u), &st->rep, file, sha, &e) != RD_OK) {
		ui_msg_err(u, &e);
	} else {
		ui_msg(u, _("report written to %s (SHA-256 %.16s…)"), file, sha);
	}
	free(file);
}

static int report_open(ui *u, ui_screen *s, const void *arg)
{
	report_state *st = calloc(1, sizeof *st);
	char today[16];
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	if (ui_form_init(&st->form, report_fields, RD_ARRAY_LEN(report_fields), st) != 0)
		return -1;
	rd_local_day(rd_ctx_now(ui_ctx(u)), today);
	ui_form_set_value(&st->form, F_DAY, today);
	set_default_file(u, st, today, NULL);
	make_report(u, st); /* today's figures at once */
	return 0;
}

static void report_close(ui *u, ui_screen *s)
{
	report_state *st = s->state;
	(void)u;
	if (!st)
		return;
	if (st->form.f)
		ui_form_free(&st->form);
	rd_day_report_free(&st->rep);
	free(st->lines);
	free(st->default_file);
	free(st);
}

/* Text at x in w columns, right-aligned when right. */
static void cell(int y, int x, int w, int attr, const char *s, bool right)
{
	int tw = ui_width(s);
	if (right && tw < w)
		ui_text(y, x + w - tw, tw, attr, s);
	else
		ui_text(y, x, w, attr, s);
}

static void draw_line(const rline *l, int y, int x, int w)
{
	/* column starts and widths per layout; the last cell takes the rest */
	static const int cols[][5][2] = {
		[L_TEXT] = {{0, 200}},
		[L_MONEY] = {{0, 16}, {17, 14}, {32, 7}, {40, 14}, {56, 0}},
		[L_REFUND] = {{0, 24}, {25, 19}, {45, 11}, {58, 12}, {71, 0}},
		[L_COUNT] = {{0, 24}, {25, 7}},
	};
	static const bool right[][5] = {
		[L_MONEY] = {false, false, true, true, false},
		[L_REFUND] = {false, false, true, false, false},
		[L_COUNT] = {false, true},
	};
	for (int i = 0; i < 5; i++) {
		int cx = cols[l->layout][i][0], cw = cols[l->layout][i][1];
		if ((i > 0 && cx == 0) || !l->cell[i][0] || cx >= w)
			continue;
		if (cw == 0 || cx + cw > w)
			cw = w - cx;
		cell(y, x + cx, cw, l->attr, l->cell[i], right[l->layout][i]);
	}
}

static void report_draw(ui *u, ui_screen *s, ui_rect r)
{
	report_state *st = s->state;
	char key[96], more[64];
	int y0 = r.y + 4, rows = r.h - 5;
	ui_form_draw(u, &st->form, (ui_rect){r.y, r.x, 3, r.w});
	values_key(st, key, sizeof key);
	if (st->have && strcmp(key, st->shown_for) != 0)
		ui_text(y0 - 1 + 0, r.x, r.w, UI_A_DIM, _("the fields changed: F5 makes the report for them"));
	st->page = rows > 1 ? rows : 1;
	if (st->top > 0 && (size_t)st->top + (size_t)rows > st->n)
		st->top = st->n > (size_t)rows ? (int)(st->n - (size_t)rows) : 0;
	for (int i = 0; i < rows && (size_t)st->top + (size_t)i < st->n; i++)
		draw_line(&st->lines[st->top + i], y0 + i, r.x, r.w);
	if (st->n > (size_t)rows) {
		snprintf(more, sizeof more, _("lines %d-%d of %zu"), st->top + 1,
			 (size_t)st->top + (size_t)rows < st->n ? st->top + rows : (int)st->n, st->n);
		ui_text(r.y + r.h - 1, r.x + r.w - ui_width(more), ui_width(more), UI_A_DIM, more);
	}
	ui_text(r.y + r.h - 1, r.x, r.w - (st->n > (size_t)rows ? ui_width(more) + 2 : 0), UI_A_DIM,
		_("F5: make the report · F4: write CSV · PgUp/PgDn: scroll · Esc: back"));
}

static void show(ui *u, void *ud)
{
	make_report(u, ud);
}

static ui_result report_action(ui *u, ui_screen *s, int action)
{
	report_state *st = s->state;
	switch (action) {
	case R_SHOW:
		make_report(u, st);
		return UI_HANDLED;
	case R_EXPORT:
		export_csv(u, st);
		return UI_HANDLED;
	case R_UP:
		st->top = st->top > st->page ? st->top - st->page : 0;
		return UI_HANDLED;
	case R_DOWN:
		if ((size_t)st->top + (size_t)st->page < st->n)
			st->top += st->page;
		return UI_HANDLED;
	}
	return ui_form_dispatch(u, &st->form, action, -1, show, st, NULL);
}

static ui_result report_input(ui *u, ui_screen *s, int key)
{
	report_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_reports = {
	.id = "reports",
	.title = N_("reports"),
	.keys = UI_KEYS(report_keys),
	.shared = &ui_form_keymap,
	.open = report_open,
	.close = report_close,
	.draw = report_draw,
	.action = report_action,
	.input = report_input,
};
