/* Admin: the operators list (lock, unlock) and adding an operator. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- list -------------------------------------------------------------------- */
enum { O_ADD = 1, O_LOCK, O_UNLOCK, O_RELOAD };
static const ui_key operators_keys[] = {
	{'a', O_ADD, N_("add an operator")},
	{UI_FN(KEY_F(2)), O_ADD, N_("add an operator")},
	{'l', O_LOCK, N_("lock the chosen operator")},
	{'u', O_UNLOCK, N_("unlock the chosen operator")},
	{'r', O_RELOAD, N_("reload the list")},
};
static const ui_column operators_cols[] = {
	{N_("Operator"), 16}, {N_("Role"), 10}, {N_("Status"), 22}, {N_("Last login"), 0},
};

typedef struct operators_state {
	ui_list list;
} operators_state;

static int add_user_row(void *ud, const rd_user_info *info)
{
	ui_list *l = ud;
	char status[64], last[32] = "-";
	const char *cells[4];
	if (info->locked && info->locked_until) {
		char when[32];
		rd_time_local(info->locked_until, when);
		snprintf(status, sizeof status, _("locked until %s"), when + 11);
	} else {
		snprintf(status, sizeof status, "%s", info->locked ? _("locked") : _("active"));
	}
	if (info->last_login_at)
		rd_time_local(info->last_login_at, last);
	cells[0] = info->name;
	cells[1] = rd_role_label(info->role);
	cells[2] = status;
	cells[3] = last;
	return ui_list_add(l, cells) != 0;
}

static int load_operators(ui *u, operators_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	if (rd_user_each(ui_ctx(u), add_user_row, &st->list, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	return 0;
}

static int operators_open(ui *u, ui_screen *s, const void *arg)
{
	operators_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, operators_cols, RD_ARRAY_LEN(operators_cols));
	return load_operators(u, st);
}

static void operators_close(ui *u, ui_screen *s)
{
	operators_state *st = s->state;
	(void)u;
	if (st)
		ui_list_free(&st->list);
	free(st);
}

static void operators_draw(ui *u, ui_screen *s, ui_rect r)
{
	operators_state *st = s->state;
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 1, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("a: add · l: lock · u: unlock · F1: all keys"));
}

static void lock_or_unlock(ui *u, operators_state *st, bool lock)
{
	const char *name = ui_list_cell(&st->list, st->list.sel, 0);
	char who[64];
	rd_err e;
	rd_code rc;
	if (!name)
		return;
	rd_strlcpy(who, name, sizeof who); /* the list is reloaded below */
	rd_err_clear(&e);
	rc = lock ? rd_user_lock(ui_ctx(u), who, &e) : rd_user_unlock(ui_ctx(u), who, &e);
	load_operators(u, st);
	if (rc != RD_OK)
		ui_msg_err(u, &e);
	else
		ui_msg(u, lock ? _("operator %s locked") : _("operator %s unlocked"), who);
}

static ui_result operators_action(ui *u, ui_screen *s, int action)
{
	operators_state *st = s->state;
	switch (action) {
	case O_ADD:
		ui_push(u, &ui_scr_operator_add, NULL);
		return UI_HANDLED;
	case O_LOCK:
	case O_UNLOCK:
		lock_or_unlock(u, st, action == O_LOCK);
		return UI_HANDLED;
	case O_RELOAD:
		load_operators(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static void operators_resume(ui *u, ui_screen *s)
{
	load_operators(u, s->state);
}

const ui_screen_ops ui_scr_operators = {
	.id = "operators",
	.title = N_("operators"),
	.keys = UI_KEYS(operators_keys),
	.shared = &ui_list_keymap,
	.open = operators_open,
	.close = operators_close,
	.draw = operators_draw,
	.action = operators_action,
	.resume = operators_resume,
};

/* ---- add ---------------------------------------------------------------------- */
enum { A_NAME, A_ROLE, A_PW, A_PW2 };
typedef struct add_state {
	ui *u;
	ui_form form;
} add_state;

static rd_code check_password(void *ud, const char *value, rd_err *e)
{
	add_state *st = ud;
	char *name = ui_form_value(&st->form, A_NAME);
	rd_code rc = rd_password_check(ui_ctx(st->u), name ? name : "", value, e);
	free(name);
	return rc;
}

static rd_code check_again(void *ud, const char *value, rd_err *e)
{
	add_state *st = ud;
	char *first = ui_form_value(&st->form, A_PW);
	bool same = first && strcmp(first, value) == 0;
	rd_secret_free(first, 0);
	return same ? RD_OK : rd_fail_at(e, RD_E_INVALID, "password2", _("the two passwords differ"));
}

static const char *const role_values[] = {"clerk", "reviewer", "admin", "auditor", NULL};
static const char *const role_labels[] = {N_("clerk"), N_("reviewer"), N_("admin"), N_("auditor"), NULL};

static const ui_field_spec add_fields[] = {
	{"name", N_("Operator name"), 24, 32, UI_F_REQUIRED, NULL, NULL, NULL},
	{"role", N_("Role"), 24, 0, 0, NULL, role_values, role_labels},
	{"password", N_("Password"), 24, 128, UI_F_HIDDEN | UI_F_REQUIRED, check_password, NULL, NULL},
	{"password2", N_("Password again"), 24, 128, UI_F_HIDDEN | UI_F_REQUIRED, check_again, NULL, NULL},
};

enum { ADD_SAVE = 1 };
static const ui_key add_keys[] = {
	{UI_FN(KEY_F(2)), ADD_SAVE, N_("save the new operator")},
};

static int add_open(ui *u, ui_screen *s, const void *arg)
{
	add_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	st->u = u;
	s->state = st;
	return ui_form_init(&st->form, add_fields, RD_ARRAY_LEN(add_fields), st);
}

static void add_close(ui *u, ui_screen *s)
{
	add_state *st = s->state;
	(void)u;
	if (st)
		ui_form_free(&st->form);
	free(st);
}

static void add_draw(ui *u, ui_screen *s, ui_rect r)
{
	add_state *st = s->state;
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, _("A new operator; the password is typed twice and never shown."));
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, 4, r.w});
	ui_text(r.y + 7, r.x, r.w, UI_A_DIM, _("Enter on the last field or F2: save · Esc: cancel"));
}

static void save(ui *u, add_state *st)
{
	char *name = ui_form_value(&st->form, A_NAME), *role = ui_form_value(&st->form, A_ROLE);
	char *pw = ui_form_value(&st->form, A_PW);
	char who[64];
	rd_err e;
	rd_code rc = RD_E_NOMEM;
	rd_err_clear(&e);
	if (name && role && pw)
		rc = rd_user_add(ui_ctx(u), name, rd_role_parse(role), pw, &e);
	else
		rd_fail(&e, RD_E_NOMEM, "%s", _("out of memory"));
	rd_secret_free(pw, 0);
	free(role);
	rd_strlcpy(who, name ? name : "", sizeof who);
	free(name);
	if (rc != RD_OK) {
		if (!ui_form_set_error(&st->form, &e))
			ui_msg_err(u, &e);
		else
			ui_msg_error(u, "%s", _("the operator was not added; see the field marked"));
		return;
	}
	ui_pop(u); /* st is gone */
	ui_msg(u, _("operator %s added"), who);
}

static void save_form(ui *u, void *st)
{
	save(u, st);
}

static ui_result add_action(ui *u, ui_screen *s, int action)
{
	add_state *st = s->state;
	return ui_form_dispatch(u, &st->form, action, ADD_SAVE, save_form, st, NULL);
}

static ui_result add_input(ui *u, ui_screen *s, int key)
{
	add_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_operator_add = {
	.id = "operator_add",
	.title = N_("add an operator"),
	.keys = UI_KEYS(add_keys),
	.shared = &ui_form_keymap,
	.open = add_open,
	.close = add_close,
	.draw = add_draw,
	.action = add_action,
	.input = add_input,
};
