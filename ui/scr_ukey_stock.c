/* Admin: the UKEY stock (serial, model, state, application), counts per
 * model, adding UKEYs (the inserted ones, or serials typed) and marking one
 * returned, lost or destroyed with a reason. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- list ---------------------------------------------------------------------- */
enum { S_ADD = 1, S_ADD_INSERTED, S_MARK, S_RELOAD };
static const ui_key stock_keys[] = {
	{'a', S_ADD, N_("add UKEYs by serial")},
	{'i', S_ADD_INSERTED, N_("add every inserted UKEY not in stock")},
	{'m', S_MARK, N_("mark the chosen UKEY returned, lost or destroyed")},
	{'r', S_RELOAD, N_("reload the list")},
};
static const ui_column stock_cols[] = {
	{N_("Serial"), 18}, {N_("Model"), 14}, {N_("State"), 22}, {N_("Application"), 0},
};

typedef struct stock_state {
	ui_list list;
	char counts[512];
} stock_state;

static int add_row(void *ud, const rd_stock_row *r)
{
	const char *cells[4] = {r->serial, r->model[0] ? r->model : "-", rd_ukey_state_label(r->state),
				r->app_no[0] ? r->app_no : "-"};
	return ui_list_add(ud, cells) != 0;
}

static int add_count(void *ud, const char *model, const char *state, int64_t n)
{
	stock_state *st = ud;
	size_t len = strlen(st->counts);
	snprintf(st->counts + len, sizeof st->counts - len, "%s%s %s %lld", len ? " · " : "", model[0] ? model : "-",
		 rd_ukey_state_label(state), (long long)n);
	return 0;
}

static void load(ui *u, stock_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	st->counts[0] = '\0';
	if (rd_ukey_stock_list(ui_ctx(u), NULL, add_row, &st->list, &e) != RD_OK ||
	    rd_ukey_stock_counts(ui_ctx(u), add_count, st, &e) != RD_OK)
		ui_msg_err(u, &e);
}

static int stock_open(ui *u, ui_screen *s, const void *arg)
{
	stock_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, stock_cols, RD_ARRAY_LEN(stock_cols));
	load(u, st);
	return 0;
}

static void stock_close(ui *u, ui_screen *s)
{
	stock_state *st = s->state;
	(void)u;
	if (st)
		ui_list_free(&st->list);
	free(st);
}

static void stock_draw(ui *u, ui_screen *s, ui_rect r)
{
	stock_state *st = s->state;
	ui_text(r.y, r.x, r.w, UI_A_TITLE, _("Per model and state:"));
	ui_text(r.y + 1, r.x, r.w, UI_A_NORMAL, st->counts[0] ? st->counts : _("no UKEY in stock"));
	ui_list_draw(u, &st->list, (ui_rect){r.y + 3, r.x, r.h - 4, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("a: add by serial · i: add inserted · m: mark · F1: all keys"));
}

typedef struct form_arg {
	bool mark;
	char serial[17];
} form_arg;

static ui_result stock_action(ui *u, ui_screen *s, int action)
{
	stock_state *st = s->state;
	form_arg fa;
	rd_err e;
	size_t added = 0;
	memset(&fa, 0, sizeof fa);
	switch (action) {
	case S_ADD:
		ui_push(u, &ui_scr_ukey_stock_form, &fa);
		return UI_HANDLED;
	case S_ADD_INSERTED:
		rd_err_clear(&e);
		if (rd_ukey_stock_add_inserted(ui_ctx(u), NULL, &added, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("%zu UKEYs added to stock"), added);
		load(u, st);
		return UI_HANDLED;
	case S_MARK:
		if (!ui_list_cell(&st->list, st->list.sel, 0))
			return UI_HANDLED;
		fa.mark = true;
		rd_strlcpy(fa.serial, ui_list_cell(&st->list, st->list.sel, 0), sizeof fa.serial);
		ui_push(u, &ui_scr_ukey_stock_form, &fa);
		return UI_HANDLED;
	case S_RELOAD:
		load(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static void stock_resume(ui *u, ui_screen *s)
{
	load(u, s->state);
}

const ui_screen_ops ui_scr_ukey_stock = {
	.id = "ukey_stock",
	.title = N_("UKEY stock"),
	.keys = UI_KEYS(stock_keys),
	.shared = &ui_list_keymap,
	.open = stock_open,
	.close = stock_close,
	.draw = stock_draw,
	.action = stock_action,
	.resume = stock_resume,
};

/* ---- add / mark form ---------------------------------------------------------------- */
static const char *const mark_values[] = {"returned", "lost", "destroyed", NULL};
static const char *const mark_labels[] = {N_("returned"), N_("lost"), N_("destroyed"), NULL};
static const ui_field_spec add_fields[] = {
	{"serial", N_("Serials (space between)"), 50, 250, UI_F_REQUIRED, NULL, NULL, NULL},
	{"--model", N_("Model (empty: from the UKEY)"), 16, 16, 0, NULL, NULL, NULL},
};
static const ui_field_spec mark_fields[] = {
	{"state", N_("Mark as"), 16, 0, 0, NULL, mark_values, mark_labels},
	{"--reason", N_("Reason"), 50, 500, UI_F_REQUIRED, NULL, NULL, NULL},
};

enum { SF_SAVE = 1 };
static const ui_key form_keys[] = {
	{UI_FN(KEY_F(2)), SF_SAVE, N_("save")},
};

typedef struct sform_state {
	ui_form form;
	form_arg a;
} sform_state;

static int sform_open(ui *u, ui_screen *s, const void *arg)
{
	sform_state *st = calloc(1, sizeof *st);
	(void)u;
	if (!st)
		return -1;
	s->state = st;
	if (arg)
		st->a = *(const form_arg *)arg;
	return st->a.mark ? ui_form_init(&st->form, mark_fields, RD_ARRAY_LEN(mark_fields), st)
			  : ui_form_init(&st->form, add_fields, RD_ARRAY_LEN(add_fields), st);
}

static void sform_close(ui *u, ui_screen *s)
{
	sform_state *st = s->state;
	(void)u;
	if (st)
		ui_form_free(&st->form);
	free(st);
}

static void sform_draw(ui *u, ui_screen *s, ui_rect r)
{
	sform_state *st = s->state;
	char buf[128];
	if (st->a.mark)
		snprintf(buf, sizeof buf, _("Mark UKEY %s; the reason goes into the audit trail."), st->a.serial);
	else
		snprintf(buf, sizeof buf, "%s", _("Register blank UKEYs by serial."));
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, buf);
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, 2, r.w});
	ui_text(r.y + 5, r.x, r.w, UI_A_DIM, _("Enter on the last field or F2: save · Esc: cancel"));
}

static void sform_save(ui *u, sform_state *st)
{
	char *v0 = ui_form_value(&st->form, 0), *v1 = ui_form_value(&st->form, 1);
	rd_err e;
	rd_code rc = RD_E_NOMEM;
	size_t added = 0;
	rd_err_clear(&e);
	if (v0 && v1 && st->a.mark) {
		rc = rd_ukey_stock_mark(ui_ctx(u), st->a.serial, v0, v1, &e);
	} else if (v0 && v1) {
		const char *serials[32];
		size_t n = 0;
		for (char *tok = strtok(v0, " ,;"); tok && n < RD_ARRAY_LEN(serials); tok = strtok(NULL, " ,;"))
			serials[n++] = tok;
		rc = rd_ukey_stock_add(ui_ctx(u), serials, n, *rd_trim(v1) ? v1 : NULL, &added, &e);
	} else {
		rd_fail(&e, RD_E_NOMEM, "%s", _("out of memory"));
	}
	free(v0);
	free(v1);
	if (rc != RD_OK) {
		if (!ui_form_set_error(&st->form, &e))
			ui_msg_err(u, &e);
		return;
	}
	if (st->a.mark) {
		char serial[17];
		rd_strlcpy(serial, st->a.serial, sizeof serial);
		ui_pop(u);
		ui_msg(u, _("UKEY %s marked"), serial);
	} else {
		ui_pop(u);
		ui_msg(u, _("%zu UKEYs added to stock"), added);
	}
}

static void sform_submit(ui *u, void *st)
{
	sform_save(u, st);
}

static ui_result sform_action(ui *u, ui_screen *s, int action)
{
	sform_state *st = s->state;
	return ui_form_dispatch(u, &st->form, action, SF_SAVE, sform_submit, st, NULL);
}

static ui_result sform_input(ui *u, ui_screen *s, int key)
{
	sform_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_ukey_stock_form = {
	.id = "ukey_stock_form",
	.title = N_("UKEY stock"),
	.keys = UI_KEYS(form_keys),
	.shared = &ui_form_keymap,
	.open = sform_open,
	.close = sform_close,
	.draw = sform_draw,
	.action = sform_action,
	.input = sform_input,
};
