/* Any operator: finding applications.  One query line (number, user name,
 * ID number, credit code, mobile or part of a name: the workflow decides
 * which), a state filter, live results a page at a time, Enter opens the
 * detail view. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

#define SEARCH_DEBOUNCE_MS 200

/* The filter cycles through these (NULL: any state). */
static const char *const filter_states[] = {NULL, "draft", "submitted", "documents_checked", "rejected", "cancelled"};

static const ui_field_spec query_field[] = {
	{"q", N_("Find"), 40, 60, 0, NULL, NULL, NULL},
};

static const ui_column search_cols[] = {
	{N_("Number"), 19}, {N_("State"), 17}, {N_("Name"), 30}, {N_("User name"), 12}, {N_("Registered"), 0},
};

typedef struct search_state {
	ui_form q;
	ui_list list;
	size_t filter;
	int offset, limit; /* the page shown; limit = rows that fit */
	bool more;         /* the page was full: there may be a next one */
} search_state;

static int add_row(void *ud, const rd_app_summary *s)
{
	search_state *st = ud;
	char when[32];
	const char *cells[5];
	rd_time_local(s->created_at, when);
	cells[0] = s->no;
	cells[1] = s->state;
	cells[2] = s->name;
	cells[3] = s->username;
	cells[4] = when;
	return ui_list_add(&st->list, cells) != 0;
}

static void query(ui *u, search_state *st)
{
	rd_app_query q;
	rd_err e;
	char *text = ui_form_value(&st->q, 0);
	memset(&q, 0, sizeof q);
	rd_err_clear(&e);
	q.text = text;
	q.state = filter_states[st->filter];
	q.limit = st->limit;
	q.offset = st->offset;
	ui_list_clear(&st->list);
	st->list.sel = 0;
	st->list.top = 0;
	if (rd_app_find(ui_ctx(u), &q, add_row, st, &e) != RD_OK)
		ui_msg_err(u, &e);
	st->more = (int)st->list.rows == st->limit;
	free(text);
}

static void requery_soon(ui *u, search_state *st)
{
	st->offset = 0;
	ui_tick_after(u, SEARCH_DEBOUNCE_MS);
}

static int search_open(ui *u, ui_screen *s, const void *arg)
{
	search_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, search_cols, RD_ARRAY_LEN(search_cols));
	st->limit = 10;
	if (ui_form_init(&st->q, query_field, 1, st) != 0)
		return -1;
	ui_tick_after(u, 0); /* the first page once the screen knows its height */
	return 0;
}

static void search_close(ui *u, ui_screen *s)
{
	search_state *st = s->state;
	(void)u;
	if (!st)
		return;
	if (st->q.f)
		ui_form_free(&st->q);
	ui_list_free(&st->list);
	free(st);
}

static void search_draw(ui *u, ui_screen *s, ui_rect r)
{
	search_state *st = s->state;
	char line[256], page[64];
	const char *state = filter_states[st->filter];
	int rows = r.h - 6;
	snprintf(line, sizeof line, _("State: %s (F3: next)"), state ? state : _("any"));
	ui_form_draw(u, &st->q, (ui_rect){r.y, r.x, 1, r.w - ui_width(line) - 2});
	ui_text(r.y, r.x + r.w - ui_width(line), ui_width(line), UI_A_NORMAL, line);
	ui_text(r.y + 1, r.x, r.w, UI_A_DIM,
		_("number, user name, ID number, credit code, mobile or part of a name; results follow as you type"));
	ui_list_draw(u, &st->list, (ui_rect){r.y + 3, r.x, rows + 2, r.w});
	snprintf(page, sizeof page, _("page %d"), st->limit ? st->offset / st->limit + 1 : 1);
	snprintf(line, sizeof line, "%s · %s", page,
		 _("Enter: open · PgUp/PgDn: pages · F5: search again · Esc: back"));
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, line);
	if (rows > 0 && rows != st->limit) { /* the terminal changed: a page is what fits */
		st->limit = rows;
		st->offset = 0;
		ui_tick_after(u, 0);
	}
	/* The cursor stays in the query line (ui_form_draw put it there). */
}

static void search_tick(ui *u, ui_screen *s)
{
	query(u, s->state);
}

enum { S_OPEN = 1, S_FILTER, S_UP, S_DOWN, S_PGUP, S_PGDN, S_AGAIN };
static const ui_key search_keys[] = {
	{'\n', S_OPEN, N_("open the chosen application")},
	{UI_FN(KEY_ENTER), S_OPEN, N_("open the chosen application")},
	{UI_FN(KEY_F(3)), S_FILTER, N_("next state filter")},
	{UI_FN(KEY_UP), S_UP, N_("previous row")},
	{UI_FN(KEY_DOWN), S_DOWN, N_("next row")},
	{UI_FN(KEY_PPAGE), S_PGUP, N_("previous page of results")},
	{UI_FN(KEY_NPAGE), S_PGDN, N_("next page of results")},
	{UI_FN(KEY_F(5)), S_AGAIN, N_("search again")},
	{UI_FN(KEY_LEFT), UI_FORM_LEFT, N_("move left in the query")},
	{UI_FN(KEY_RIGHT), UI_FORM_RIGHT, N_("move right in the query")},
	{UI_FN(KEY_HOME), UI_FORM_HOME, N_("start of the query")},
	{UI_CTRL('a'), UI_FORM_HOME, N_("start of the query")},
	{UI_FN(KEY_END), UI_FORM_END, N_("end of the query")},
	{UI_CTRL('e'), UI_FORM_END, N_("end of the query")},
	{127, UI_FORM_BACKSPACE, N_("delete the character before the cursor")},
	{8, UI_FORM_BACKSPACE, N_("delete the character before the cursor")},
	{UI_FN(KEY_BACKSPACE), UI_FORM_BACKSPACE, N_("delete the character before the cursor")},
	{UI_FN(KEY_DC), UI_FORM_DELETE, N_("delete the character under the cursor")},
	{UI_CTRL('u'), UI_FORM_CLEAR_FIELD, N_("clear the query")},
};

static ui_result search_action(ui *u, ui_screen *s, int action)
{
	search_state *st = s->state;
	const char *no;
	switch (action) {
	case S_OPEN:
		no = ui_list_cell(&st->list, st->list.sel, 0);
		if (no) {
			char copy[32];
			rd_strlcpy(copy, no, sizeof copy);
			ui_push(u, &ui_scr_app_detail, copy);
		}
		return UI_HANDLED;
	case S_FILTER:
		st->filter = (st->filter + 1) % RD_ARRAY_LEN(filter_states);
		st->offset = 0;
		query(u, st);
		return UI_HANDLED;
	case S_UP:
		return ui_list_action(&st->list, UI_LIST_UP), UI_HANDLED;
	case S_DOWN:
		return ui_list_action(&st->list, UI_LIST_DOWN), UI_HANDLED;
	case S_PGDN:
		if (st->more) {
			st->offset += st->limit;
			query(u, st);
			if (st->list.rows == 0 && st->offset > 0) { /* the full page was the last */
				st->offset -= st->limit;
				query(u, st);
				st->more = false;
			}
		}
		return UI_HANDLED;
	case S_PGUP:
		if (st->offset > 0) {
			st->offset = st->offset > st->limit ? st->offset - st->limit : 0;
			query(u, st);
		}
		return UI_HANDLED;
	case S_AGAIN:
		query(u, st);
		return UI_HANDLED;
	}
	if (action == UI_FORM_BACKSPACE || action == UI_FORM_DELETE || action == UI_FORM_CLEAR_FIELD) {
		ui_form_action(&st->q, action);
		requery_soon(u, st);
		return UI_HANDLED;
	}
	return ui_form_action(&st->q, action) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

static ui_result search_input(ui *u, ui_screen *s, int key)
{
	search_state *st = s->state;
	if (ui_form_input(&st->q, key) == UI_FORM_EV_UNHANDLED)
		return UI_UNHANDLED;
	requery_soon(u, st);
	return UI_HANDLED;
}

static void search_resume(ui *u, ui_screen *s)
{
	search_state *st = s->state;
	size_t sel = st->list.sel;
	query(u, st); /* a state may have changed in the detail view */
	st->list.sel = sel < st->list.rows ? sel : 0;
}

const ui_screen_ops ui_scr_search = {
	.id = "search",
	.title = N_("search applications"),
	.keys = UI_KEYS(search_keys),
	.open = search_open,
	.close = search_close,
	.draw = search_draw,
	.action = search_action,
	.input = search_input,
	.resume = search_resume,
	.tick = search_tick,
};
