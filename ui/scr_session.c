/* Session screens: login, the home menu, the screen lock and F1 help. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- login ------------------------------------------------------------------ */
enum { F_USER, F_PASSWORD };
static const ui_field_spec login_fields[] = {
	{"name", N_("Operator"), 24, 32, UI_F_REQUIRED, NULL, NULL, NULL},
	{"password", N_("Password"), 24, 128, UI_F_HIDDEN | UI_F_REQUIRED, NULL, NULL, NULL},
};

typedef struct login_state {
	ui_form form;
} login_state;

static int login_open(ui *u, ui_screen *s, const void *arg)
{
	login_state *st = calloc(1, sizeof *st);
	(void)u;
	(void)arg;
	if (!st || ui_form_init(&st->form, login_fields, RD_ARRAY_LEN(login_fields), NULL) != 0) {
		free(st);
		return -1;
	}
	s->state = st;
	return 0;
}

static void login_close(ui *u, ui_screen *s)
{
	login_state *st = s->state;
	(void)u;
	if (st)
		ui_form_free(&st->form);
	free(st);
}

static void login_draw(ui *u, ui_screen *s, ui_rect r)
{
	login_state *st = s->state;
	const char *name = rd_config_str(ui_ctx(u)->cfg, "radesk", "service_point_name");
	ui_text(r.y, r.x + 2, r.w - 2, UI_A_NORMAL, _("Certificate registration desk"));
	ui_text(r.y + 1, r.x + 2, r.w - 2, UI_A_DIM, name ? name : "");
	ui_form_draw(u, &st->form, (ui_rect){r.y + 3, r.x + 2, 2, r.w - 4});
	ui_text(r.y + 6, r.x + 2, r.w - 2, UI_A_DIM, _("Enter: next field, then log in · F10: quit"));
}

static void try_login(ui *u, login_state *st)
{
	char *name = ui_form_value(&st->form, F_USER), *pw = ui_form_value(&st->form, F_PASSWORD);
	rd_err e;
	rd_code rc;
	rd_err_clear(&e);
	if (!name || !pw) {
		free(name);
		rd_secret_free(pw, 0);
		ui_msg_error(u, "%s", _("out of memory"));
		return;
	}
	rc = rd_login(ui_ctx(u), name, pw, &e);
	rd_secret_free(pw, 0);
	free(name);
	if (rc != RD_OK) {
		ui_form_set_value(&st->form, F_PASSWORD, "");
		ui_form_focus(&st->form, F_PASSWORD);
		ui_msg_err(u, &e);
		return;
	}
	ui_reset(u, &ui_scr_home, NULL); /* closes this screen: st is gone */
}

static void login_form(ui *u, void *st)
{
	try_login(u, st);
}

static ui_result login_action(ui *u, ui_screen *s, int action)
{
	login_state *st = s->state;
	return ui_form_dispatch(u, &st->form, action, -1, login_form, st, _("give the operator name and the password"));
}

static ui_result login_input(ui *u, ui_screen *s, int key)
{
	login_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_login = {
	.id = "login",
	.title = N_("log in"),
	.shared = &ui_form_keymap,
	.flags = UI_SCREEN_NO_LOCK,
	.open = login_open,
	.close = login_close,
	.draw = login_draw,
	.action = login_action,
	.input = login_input,
};

/* ---- home ------------------------------------------------------------------- */
enum { H_OPEN = 1, H_LOGOUT };
static const ui_key home_keys[] = {
	{'\n', H_OPEN, N_("open the chosen entry")},
	{UI_FN(KEY_ENTER), H_OPEN, N_("open the chosen entry")},
	{UI_FN(KEY_F(9)), H_LOGOUT, N_("log out (back to the login screen)")},
};
static const ui_column home_cols[] = {{N_("No."), 4}, {N_("Task"), 0}};

typedef struct home_state {
	ui_list list;
	const ui_menu_entry *entry[32];
	size_t n;
} home_state;

static int home_open(ui *u, ui_screen *s, const void *arg)
{
	home_state *st = calloc(1, sizeof *st);
	rd_role role = ui_ctx(u)->who.role;
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, home_cols, RD_ARRAY_LEN(home_cols));
	for (size_t i = 0; i < ui_menu_n && st->n < RD_ARRAY_LEN(st->entry); i++) {
		char no[8];
		const char *cells[2];
		if (ui_menu[i].role != role)
			continue;
		snprintf(no, sizeof no, "%zu", st->n + 1);
		cells[0] = no;
		cells[1] = _(ui_menu[i].label);
		if (ui_list_add(&st->list, cells) != 0)
			return -1;
		st->entry[st->n++] = &ui_menu[i];
	}
	return 0;
}

static void home_close(ui *u, ui_screen *s)
{
	home_state *st = s->state;
	(void)u;
	if (st)
		ui_list_free(&st->list);
	free(st);
}

static void home_draw(ui *u, ui_screen *s, ui_rect r)
{
	home_state *st = s->state;
	rd_ctx *ctx = ui_ctx(u);
	char hello[256];
	snprintf(hello, sizeof hello, _("Welcome, %s (%s). Choose a task:"), ctx->who.name,
		 rd_role_label(ctx->who.role));
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, hello);
	ui_list_draw(u, &st->list, (ui_rect){r.y + 2, r.x, (int)st->n + 2 < r.h - 2 ? (int)st->n + 2 : r.h - 2, r.w});
}

static ui_result home_action(ui *u, ui_screen *s, int action)
{
	home_state *st = s->state;
	if (action == H_LOGOUT) {
		ui_logout(u);
		return UI_HANDLED;
	}
	if (action == H_OPEN) {
		const ui_menu_entry *m;
		if (st->n == 0)
			return UI_HANDLED;
		m = st->entry[st->list.sel];
		if (!ui_screen_find(m->screen_id))
			ui_msg_error(u, _("%s: not available yet"), _(m->label));
		else
			ui_push_id(u, m->screen_id, NULL);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static ui_result home_input(ui *u, ui_screen *s, int key)
{
	home_state *st = s->state;
	if (key >= '1' && key <= '9' && (size_t)(key - '1') < st->n) {
		st->list.sel = (size_t)(key - '1');
		return home_action(u, s, H_OPEN);
	}
	return UI_UNHANDLED;
}

const ui_screen_ops ui_scr_home = {
	.id = "home",
	.title = N_("home"),
	.keys = UI_KEYS(home_keys),
	.shared = &ui_list_keymap,
	.open = home_open,
	.close = home_close,
	.draw = home_draw,
	.action = home_action,
	.input = home_input,
};

/* ---- lock ------------------------------------------------------------------- */
enum { L_LOGOUT = 1 };
static const ui_key lock_keys[] = {
	{UI_FN(KEY_F(10)), L_LOGOUT, N_("log out instead of unlocking")},
};
static const ui_field_spec lock_fields[] = {
	{"password", N_("Password"), 20, 128, UI_F_HIDDEN | UI_F_REQUIRED, NULL, NULL, NULL},
};

static int lock_open(ui *u, ui_screen *s, const void *arg)
{
	ui_form *f = calloc(1, sizeof *f);
	(void)u;
	(void)arg;
	if (!f || ui_form_init(f, lock_fields, 1, NULL) != 0) {
		free(f);
		return -1;
	}
	s->state = f;
	return 0;
}

static void lock_close(ui *u, ui_screen *s)
{
	(void)u;
	if (s->state)
		ui_form_free(s->state);
	free(s->state);
}

static void lock_draw(ui *u, ui_screen *s, ui_rect r)
{
	char line[256];
	int w, x;
	(void)s;
	snprintf(line, sizeof line, _("locked — operator %s — password: "), ui_ctx(u)->who.name);
	w = ui_width(line);
	x = w < r.w ? (r.w - w) / 2 : 0;
	ui_text(r.h / 2, x, r.w, UI_A_NORMAL, line);
	ui_cursor(u, r.h / 2, x + w < r.w ? x + w : r.w - 1);
}

static ui_result lock_action(ui *u, ui_screen *s, int action)
{
	ui_form *f = s->state;
	char *pw;
	rd_err e;
	if (action == L_LOGOUT) {
		ui_logout(u);
		return UI_HANDLED;
	}
	switch (ui_form_action(f, action)) {
	case UI_FORM_EV_SUBMIT:
	case UI_FORM_EV_INVALID:
		break;
	case UI_FORM_EV_NONE:
		return UI_HANDLED;
	default:
		return UI_UNHANDLED;
	}
	pw = ui_form_value(f, 0);
	rd_err_clear(&e);
	if (pw && rd_reauthenticate(ui_ctx(u), pw, &e) == RD_OK) {
		rd_secret_free(pw, 0);
		ui_pop(u);
		return UI_HANDLED;
	}
	rd_secret_free(pw, 0);
	ui_form_clear(f);
	ui_msg_err(u, &e);
	return UI_HANDLED;
}

static ui_result lock_input(ui *u, ui_screen *s, int key)
{
	(void)u;
	return ui_form_input(s->state, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_lock = {
	.id = "lock",
	.title = N_("screen lock"),
	.keys = UI_KEYS(lock_keys),
	.shared = &ui_form_keymap,
	.flags = UI_SCREEN_NO_STATUS | UI_SCREEN_NO_GLOBAL | UI_SCREEN_NO_LOCK,
	.open = lock_open,
	.close = lock_close,
	.draw = lock_draw,
	.action = lock_action,
	.input = lock_input,
};

/* ---- help ------------------------------------------------------------------- */
typedef struct help_state {
	const ui_screen_ops *of;
	int y, x, w, bottom;
} help_state;

static int help_open(ui *u, ui_screen *s, const void *arg)
{
	help_state *st = calloc(1, sizeof *st);
	(void)u;
	if (!st)
		return -1;
	st->of = arg;
	s->state = st;
	return 0;
}

static void help_close(ui *u, ui_screen *s)
{
	(void)u;
	free(s->state);
}

static void help_line(void *ud, const char *keys, const char *help)
{
	help_state *st = ud;
	if (st->y >= st->bottom)
		return;
	ui_text(st->y, st->x, 18, UI_A_NORMAL, keys);
	ui_text(st->y, st->x + 19, st->w - 19, UI_A_NORMAL, help);
	st->y++;
}

static void help_draw(ui *u, ui_screen *s, ui_rect r)
{
	help_state *st = s->state;
	char head[256];
	(void)u;
	st->y = r.y;
	st->x = r.x;
	st->w = r.w;
	st->bottom = r.y + r.h;
	snprintf(head, sizeof head, _("Keys of the screen \"%s\""), _(st->of->title));
	ui_text(st->y++, r.x, r.w, UI_A_OK, head);
	ui_keys_lines(st->of->keys, help_line, st);
	if (st->of->shared)
		ui_keys_lines(*st->of->shared, help_line, st);
	if (!(st->of->flags & UI_SCREEN_NO_GLOBAL)) {
		st->y++;
		if (st->y < st->bottom)
			ui_text(st->y++, r.x, r.w, UI_A_OK, _("On every screen"));
		ui_keys_lines(ui_global_keymap, help_line, st);
	}
}

enum { HELP_CLOSE = 1 };
static const ui_key help_keys[] = {
	{'q', HELP_CLOSE, N_("close the help")},
	{UI_FN(KEY_F(1)), HELP_CLOSE, N_("close the help")},
};

static ui_result help_action(ui *u, ui_screen *s, int action)
{
	(void)s;
	if (action == HELP_CLOSE) {
		ui_pop(u);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

const ui_screen_ops ui_scr_help = {
	.id = "help",
	.title = N_("help"),
	.keys = UI_KEYS(help_keys),
	.open = help_open,
	.close = help_close,
	.draw = help_draw,
	.action = help_action,
};

/* ---- the menu table ------------------------------------------------------------- */
const ui_menu_entry ui_menu[] = {
#define UI_MENU(role, label, id) {role, label, id},
#include "ui/menu.def"
#undef UI_MENU
};
const size_t ui_menu_n = RD_ARRAY_LEN(ui_menu);
