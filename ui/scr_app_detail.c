/* Any operator: an application's detail view (every field, state, version,
 * who registered it, the copied-from link, the timeline from the audit
 * trail) and its actions (ui/app_actions.def); the cancel-with-a-reason
 * form. */
#include "ui/internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the action table (the extension point) ------------------------------------ */
const ui_app_action ui_app_actions[UI_APP_ACT_COUNT] = {
#define UI_APP_ACTION(name, key, label, available, run) {key, label, available, run},
#include "ui/app_actions.def"
#undef UI_APP_ACTION
};

/* ---- lines of the view ---------------------------------------------------------- */
typedef struct line {
	int attr;
	char *label; /* NULL: text spans the line */
	char *text;
} line;

typedef struct detail_state {
	char no[32];
	bool loaded;
	rd_application app;
	rd_app_meta meta;
	line *lines;
	size_t n, cap;
	int top, page, labelw;
} detail_state;

static void free_lines(detail_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->lines[i].label);
		free(st->lines[i].text);
	}
	st->n = 0;
}

static void add_line(detail_state *st, int attr, const char *label, const char *text)
{
	line *l = rd_grow(st->lines, &st->cap, st->n + 1, sizeof *l, 64);
	if (!l)
		return;
	st->lines = l;
	st->lines[st->n].attr = attr;
	st->lines[st->n].label = label ? rd_strdup(label) : NULL;
	st->lines[st->n].text = rd_strdup(text ? text : "");
	st->n++;
}

static void add_linef(detail_state *st, int attr, const char *label, const char *fmt, ...) RD_PRINTF(4, 5);
static void add_linef(detail_state *st, int attr, const char *label, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	add_line(st, attr, label, buf);
}

/* The field's value as shown: enums by label, the answer never. */
static const char *field_text(const rd_config *cfg, const rd_application *a, const rd_field *f, char *buf, size_t n)
{
	const char *v = rd_application_get(a, f->id, buf, n);
	if (f->check == RD_CHECK_ID_TYPE && v && *v) {
		rd_id_type t = rd_id_type_parse(v);
		return ui_lang_zh() ? rd_id_type_label_zh(t) : _(rd_id_type_label(t));
	}
	if (f->check == RD_CHECK_KIND)
		return a->kind == RD_APP_ORGANIZATION ? _("organization") : _("individual");
	if (f->check == RD_CHECK_PRODUCT && v && *v) {
		rd_products *ps = NULL;
		const rd_product *p = rd_products_load(cfg, &ps, NULL) == RD_OK ? rd_products_find(ps, v) : NULL;
		if (p)
			rd_strlcpy(buf, ui_lang_zh() && p->name_zh[0] ? p->name_zh : rd_product_display_name(p), n);
		rd_products_free(ps);
		return buf;
	}
	return v;
}

/* "registered", "cancelled: <reason>" ... from an audit row. */
static void readable_event(const rd_audit_row *r, char *out, size_t n)
{
	json_t *d = r->details && r->details[0] == '{' ? json_loads(r->details, 0, NULL) : NULL;
	const char *reason = json_string_value(json_object_get(d, "reason"));
	const char *from = json_string_value(json_object_get(d, "copied_from"));
	if (!strcmp(r->action, "app.register"))
		snprintf(out, n, "%s", _("registered"));
	else if (!strcmp(r->action, "app.edit"))
		snprintf(out, n, "%s", _("edited"));
	else if (!strcmp(r->action, "app.cancel"))
		snprintf(out, n, _("cancelled: %s"), reason ? reason : "");
	else if (!strcmp(r->action, "app.copy"))
		snprintf(out, n, _("created as a copy of %s"), from ? from : "?");
	else if (r->details && strcmp(r->details, "{}") != 0)
		snprintf(out, n, "%s %s", r->action, r->details);
	else
		snprintf(out, n, "%s", r->action);
	json_decref(d);
}

static int add_event(void *ud, const rd_audit_row *r)
{
	detail_state *st = ud;
	char when[32], what[768], row[1024];
	rd_time_local(r->at, when);
	readable_event(r, what, sizeof what);
	snprintf(row, sizeof row, "%-12s %s", r->operator_name, what);
	add_line(st, UI_A_NORMAL, when, row);
	return 0;
}

static void build_lines(ui *u, detail_state *st)
{
	const rd_app_meta *m = &st->meta;
	char when[32], buf[256];
	rd_err e;
	free_lines(st);
	add_linef(st, UI_A_OK, _("Number"), "%s", m->no);
	add_linef(st, UI_A_NORMAL, _("State"), _("%s (version %d)"), m->state, m->version);
	rd_time_local(m->created_at, when);
	add_linef(st, UI_A_NORMAL, _("Registered"), _("%s by %s"), when, m->created_by);
	if (m->updated_at != m->created_at || strcmp(m->updated_by, m->created_by) != 0) {
		rd_time_local(m->updated_at, when);
		add_linef(st, UI_A_NORMAL, _("Last change"), _("%s by %s"), when, m->updated_by);
	}
	if (m->copied_from[0])
		add_line(st, UI_A_NORMAL, _("Copied from"), m->copied_from);
	if (m->cancel_reason[0])
		add_line(st, UI_A_ERROR, _("Cancel reason"), m->cancel_reason);
	if (m->masked)
		add_line(st, UI_A_DIM, NULL, _("Identifiers are masked for your role."));
	add_line(st, UI_A_NORMAL, NULL, "");
	for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) {
		const char *v;
		if (f->req[st->app.kind] == RD_REQ_UNUSED)
			continue;
		if (f->type == RD_FT_SECRET) {
			add_line(st, UI_A_NORMAL, ui_lang_zh() ? f->label_zh : _(f->label),
				 m->answer_set ? _("(on file, never shown)") : _("(none)"));
			continue;
		}
		v = field_text(ui_ctx(u)->cfg, &st->app, f, buf, sizeof buf);
		add_line(st, UI_A_NORMAL, ui_lang_zh() ? f->label_zh : _(f->label), v && *v ? v : "—");
	}
	add_line(st, UI_A_NORMAL, NULL, "");
	add_line(st, UI_A_OK, NULL, _("Timeline"));
	rd_err_clear(&e);
	if (rd_app_timeline(ui_ctx(u), st->no, add_event, st, &e) != RD_OK)
		add_line(st, UI_A_ERROR, NULL, e.msg);
	st->labelw = 0;
	for (size_t i = 0; i < st->n; i++)
		if (st->lines[i].label) {
			int w = ui_width(st->lines[i].label);
			st->labelw = w > st->labelw ? w : st->labelw;
		}
}

static int load(ui *u, detail_state *st)
{
	rd_err e;
	if (st->loaded)
		rd_application_clear(&st->app);
	st->loaded = false;
	rd_err_clear(&e);
	if (rd_app_fetch(ui_ctx(u), st->no, &st->app, &st->meta, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	st->loaded = true;
	build_lines(u, st);
	return 0;
}

static int detail_open(ui *u, ui_screen *s, const void *arg)
{
	detail_state *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	s->state = st;
	rd_strlcpy(st->no, arg ? (const char *)arg : "", sizeof st->no);
	return load(u, st);
}

static void detail_close(ui *u, ui_screen *s)
{
	detail_state *st = s->state;
	(void)u;
	if (!st)
		return;
	if (st->loaded)
		rd_application_clear(&st->app);
	free_lines(st);
	free(st->lines);
	free(st);
}

static ui_app_view view_of(detail_state *st)
{
	return (ui_app_view){st->no, &st->app, &st->meta};
}

static void detail_draw(ui *u, ui_screen *s, ui_rect r)
{
	detail_state *st = s->state;
	ui_app_view v = view_of(st);
	char bar[512] = "";
	int y = r.y, barh = 1;
	size_t cut = 0;
	for (size_t i = 0; i < UI_APP_ACT_COUNT && st->loaded; i++) {
		const ui_app_action *a = &ui_app_actions[i];
		char k[32], one[128];
		if (a->available && !a->available(u, &v))
			continue;
		ui_key_name(a->key, k, sizeof k);
		snprintf(one, sizeof one, "%s: %s · ", k, _(a->label));
		rd_strlcpy(bar + strlen(bar), one, sizeof bar - strlen(bar));
	}
	rd_strlcpy(bar + strlen(bar), _("Esc: back · F1: all keys"), sizeof bar - strlen(bar));
	if (ui_width(bar) > r.w) { /* many actions: two lines, broken after a " · " */
		for (char *p = strstr(bar, " · "); p; p = strstr(p + 1, " · ")) {
			char save = *p;
			*p = '\0';
			if (ui_width(bar) <= r.w)
				cut = (size_t)(p - bar);
			*p = save;
		}
		if (cut)
			barh = 2;
	}
	st->page = r.h - barh > 1 ? r.h - barh : 1;
	if (st->top > (int)st->n - st->page)
		st->top = (int)st->n - st->page > 0 ? (int)st->n - st->page : 0;
	for (int i = st->top; i < (int)st->n && y < r.y + st->page; i++, y++) {
		const line *l = &st->lines[i];
		if (l->label) {
			ui_text(y, r.x, st->labelw, UI_A_DIM, l->label);
			ui_text(y, r.x + st->labelw + 2, r.w - st->labelw - 3, l->attr, l->text);
		} else {
			ui_text(y, r.x, r.w - 1, l->attr, l->text);
		}
	}
	if (st->top > 0)
		ui_text(r.y, r.x + r.w - 1, 1, UI_A_DIM, "↑");
	if (st->top + st->page < (int)st->n)
		ui_text(r.y + st->page - 1, r.x + r.w - 1, 1, UI_A_DIM, "↓");
	if (barh == 2) {
		bar[cut] = '\0';
		ui_text(r.y + r.h - 2, r.x, r.w, UI_A_DIM, bar);
		ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, bar + cut + strlen(" · "));
	} else {
		ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, bar);
	}
}

enum { D_UP = 1, D_DOWN, D_PGUP, D_PGDN, D_HOME, D_END, D_RELOAD, D_ACTION = 100 };
static const ui_key detail_keys[] = {
	{UI_FN(KEY_UP), D_UP, N_("scroll up")},
	{UI_FN(KEY_DOWN), D_DOWN, N_("scroll down")},
	{UI_FN(KEY_PPAGE), D_PGUP, N_("page up")},
	{UI_FN(KEY_NPAGE), D_PGDN, N_("page down")},
	{UI_FN(KEY_HOME), D_HOME, N_("to the top")},
	{UI_FN(KEY_END), D_END, N_("to the timeline's end")},
	{'r', D_RELOAD, N_("reload")},
#define UI_APP_ACTION(name, key, label, available, run) {key, D_ACTION + UI_APP_ACT_##name, label},
#include "ui/app_actions.def"
#undef UI_APP_ACTION
};

static ui_result detail_action(ui *u, ui_screen *s, int action)
{
	detail_state *st = s->state;
	switch (action) {
	case D_UP:
	case D_PGUP:
		st->top -= action == D_UP ? 1 : st->page;
		if (st->top < 0)
			st->top = 0;
		return UI_HANDLED;
	case D_DOWN:
	case D_PGDN:
		st->top += action == D_DOWN ? 1 : st->page; /* clamped when drawn */
		return UI_HANDLED;
	case D_HOME:
		st->top = 0;
		return UI_HANDLED;
	case D_END:
		st->top = (int)st->n;
		return UI_HANDLED;
	case D_RELOAD:
		load(u, st);
		return UI_HANDLED;
	}
	if (action >= D_ACTION && action < D_ACTION + UI_APP_ACT_COUNT) {
		const ui_app_action *a = &ui_app_actions[action - D_ACTION];
		ui_app_view v = view_of(st);
		if (!st->loaded)
			return UI_HANDLED;
		if (a->available && !a->available(u, &v)) {
			ui_msg_error(u, _("%s: not possible for this application in state %s or for your role"), _(a->label),
				     st->meta.state);
			return UI_HANDLED;
		}
		a->run(u, &v); /* may push a screen: st stays valid below it */
		if (ui_is_top(u, s)) /* done in place (submit): show the new state */
			load(u, st);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static void detail_resume(ui *u, ui_screen *s)
{
	load(u, s->state);
}

const ui_screen_ops ui_scr_app_detail = {
	.id = "app_detail",
	.title = N_("application"),
	.keys = UI_KEYS(detail_keys),
	.open = detail_open,
	.close = detail_close,
	.draw = detail_draw,
	.action = detail_action,
	.resume = detail_resume,
};

/* ---- the built-in actions ---------------------------------------------------------- */
bool ui_app_can_change(ui *u, const ui_app_view *v)
{
	return ui_ctx(u)->who.role == RD_ROLE_CLERK && rd_app_may_edit(v->meta->state);
}

bool ui_app_can_copy(ui *u, const ui_app_view *v)
{
	(void)v;
	return ui_ctx(u)->who.role == RD_ROLE_CLERK;
}

void ui_app_run_edit(ui *u, const ui_app_view *v)
{
	ui_app_form_arg arg = {v->no, false};
	ui_push(u, &ui_scr_app_edit, &arg);
}

void ui_app_run_cancel(ui *u, const ui_app_view *v)
{
	ui_push(u, &ui_scr_app_cancel, v->no);
}

void ui_app_run_copy(ui *u, const ui_app_view *v)
{
	char new_no[32];
	rd_err e;
	ui_app_form_arg arg = {new_no, true};
	rd_err_clear(&e);
	if (rd_app_copy(ui_ctx(u), v->no, new_no, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return;
	}
	if (ui_push(u, &ui_scr_app_edit, &arg) == 0)
		ui_msg(u, _("draft %s made as a copy of %s; fill in what is empty"), new_no, v->no);
}

/* ---- cancel with a reason ------------------------------------------------------------ */
typedef struct cancel_state {
	char no[32];
	ui_form form;
} cancel_state;

static const ui_field_spec cancel_fields[] = {
	{"reason", N_("Reason"), 50, 200, UI_F_REQUIRED, NULL, NULL, NULL},
};

static int cancel_open(ui *u, ui_screen *s, const void *arg)
{
	cancel_state *st = calloc(1, sizeof *st);
	(void)u;
	if (!st)
		return -1;
	s->state = st;
	rd_strlcpy(st->no, arg ? (const char *)arg : "", sizeof st->no);
	return ui_form_init(&st->form, cancel_fields, RD_ARRAY_LEN(cancel_fields), st);
}

static void cancel_close(ui *u, ui_screen *s)
{
	cancel_state *st = s->state;
	(void)u;
	if (st && st->form.f)
		ui_form_free(&st->form);
	free(st);
}

static void cancel_draw(ui *u, ui_screen *s, ui_rect r)
{
	cancel_state *st = s->state;
	char head[256];
	snprintf(head, sizeof head, _("Cancel application %s: say why (kept in the audit trail)."), st->no);
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, head);
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, 1, r.w});
	ui_text(r.y + 4, r.x, r.w, UI_A_DIM, _("Enter: cancel the application · Esc: keep it"));
}

static void do_cancel(ui *u, cancel_state *st)
{
	char *reason = ui_form_value(&st->form, 0);
	char no[32];
	rd_err e;
	rd_code rc;
	rd_err_clear(&e);
	rc = reason ? rd_app_cancel(ui_ctx(u), st->no, reason, &e) : rd_fail(&e, RD_E_NOMEM, "%s", _("out of memory"));
	free(reason);
	if (rc != RD_OK) {
		if (!ui_form_set_error(&st->form, &e))
			ui_msg_err(u, &e);
		return;
	}
	rd_strlcpy(no, st->no, sizeof no);
	ui_pop(u); /* st is gone; the detail view reloads */
	ui_msg(u, _("application %s cancelled"), no);
}

static void cancel_form(ui *u, void *st)
{
	do_cancel(u, st);
}

static ui_result cancel_action(ui *u, ui_screen *s, int action)
{
	cancel_state *st = s->state;
	return ui_form_dispatch(u, &st->form, action, -1, cancel_form, st, _("give a reason"));
}

static ui_result cancel_input(ui *u, ui_screen *s, int key)
{
	cancel_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_app_cancel = {
	.id = "app_cancel",
	.title = N_("cancel an application"),
	.shared = &ui_form_keymap,
	.open = cancel_open,
	.close = cancel_close,
	.draw = cancel_draw,
	.action = cancel_action,
	.input = cancel_input,
};
