/* Auditor: the audit trail (scrollable) and the chain verification. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- trail ---------------------------------------------------------------------
 * The trail is read a page at a time (rd_audit_read_page: keyset paging by
 * entry number), so opening it costs the same with ten rows or ten
 * million.  The window holds the rows that fit on the screen; moving past
 * its edges reads the next rows, Home and End jump to the first and the
 * newest entry.  A filter (since, object, operator) narrows every read. */
enum { T_RELOAD = 1, T_FILTER, T_CLEAR };
static const ui_key trail_keys[] = {
	{'r', T_RELOAD, N_("reload the trail (newest entries)")},
	{'f', T_FILTER, N_("filter: since a date, by object, by operator")},
	{UI_FN(KEY_F(3)), T_FILTER, N_("filter: since a date, by object, by operator")},
	{'x', T_CLEAR, N_("clear the filter")},
};
/* The last column holds the details; it is shown under the list for the
 * chosen row rather than in the table. */
static const ui_column trail_cols[] = {
	{N_("No."), 8}, {N_("Time"), 16}, {N_("Operator"), 12}, {N_("Action"), 24}, {N_("Object"), 0},
};

/* What the filter screen edits (as typed) and the trail applies. */
typedef struct trail_filter {
	char since[32], object[128], operator_name[64];
	time_t since_t;
	bool changed; /* set by the filter screen when it applies new values */
} trail_filter;

typedef struct trail_state {
	ui_list list;    /* the window, oldest first */
	char **details;  /* one per row of the window */
	int64_t *seqs;
	size_t nd, capd;
	int limit;       /* rows that fit: the page size */
	trail_filter fv;
	int64_t entries; /* in the whole trail */
} trail_state;

static bool filtered(const trail_state *st)
{
	return st->fv.since[0] || st->fv.object[0] || st->fv.operator_name[0];
}

/* The rows of one read, collected before they replace the window. */
typedef struct page_rows {
	ui_list list;
	char **details;
	int64_t *seqs;
	size_t n, cap;
	bool nomem;
} page_rows;

static int add_audit_row(void *ud, const rd_audit_row *row)
{
	page_rows *p = ud;
	char seq[24], when[32];
	const char *cells[5];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **d = realloc(p->details, cap * sizeof *d);
		int64_t *q;
		if (d)
			p->details = d;
		q = d ? realloc(p->seqs, cap * sizeof *q) : NULL;
		if (!q)
			return p->nomem = true, 1;
		p->seqs = q;
		p->cap = cap;
	}
	snprintf(seq, sizeof seq, "%lld", (long long)row->seq);
	rd_time_local(row->at, when);
	cells[0] = seq;
	cells[1] = when;
	cells[2] = row->operator_name;
	cells[3] = row->action;
	cells[4] = row->object;
	if (ui_list_add(&p->list, cells) != 0)
		return p->nomem = true, 1;
	p->details[p->n] = rd_strdup(row->details ? row->details : "");
	p->seqs[p->n++] = row->seq;
	return 0;
}

static void free_rows(char **details, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(details[i]);
}

static void drop_page(page_rows *p)
{
	ui_list_free(&p->list);
	free_rows(p->details, p->n);
	free(p->details);
	free(p->seqs);
	memset(p, 0, sizeof *p);
}

/* Reads a page into p (rows oldest first).  -1 on error (message shown). */
static int fetch(ui *u, trail_state *st, bool backward, int64_t cursor, page_rows *p)
{
	rd_audit_filter f = {st->fv.since_t, st->fv.object, st->fv.operator_name};
	size_t n = 0;
	rd_err e;
	rd_code rc;
	memset(p, 0, sizeof *p);
	ui_list_init(&p->list, trail_cols, RD_ARRAY_LEN(trail_cols));
	rd_err_clear(&e);
	rc = rd_audit_read_page(ui_ctx(u), &f, backward, cursor, st->limit, add_audit_row, p, &n, &e);
	if (rc == RD_OK && p->nomem)
		rc = rd_fail(&e, RD_E_NOMEM, "%s", _("out of memory"));
	if (rc != RD_OK) {
		ui_msg_err(u, &e);
		drop_page(p);
		return -1;
	}
	return (int)p->n;
}

/* The window becomes the page; sel: the row chosen in it. */
static void adopt(trail_state *st, page_rows *p, size_t sel)
{
	ui_list_free(&st->list);
	free_rows(st->details, st->nd);
	free(st->details);
	free(st->seqs);
	st->list.cells = p->list.cells;
	st->list.rows = p->list.rows;
	st->list.cap = p->list.cap;
	st->details = p->details;
	st->seqs = p->seqs;
	st->nd = p->n;
	st->capd = p->cap;
	st->list.sel = sel < st->nd ? sel : (st->nd ? st->nd - 1 : 0);
	st->list.top = 0; /* a window is one page: all of it in view */
	memset(p, 0, sizeof *p);
}

static void count_entries(ui *u, trail_state *st)
{
	if (rd_audit_entries(ui_ctx(u), &st->entries, NULL) != RD_OK)
		st->entries = 0;
}

static void go_bottom(ui *u, trail_state *st)
{
	page_rows p;
	count_entries(u, st);
	if (fetch(u, st, true, 0, &p) >= 0)
		adopt(st, &p, p.n ? p.n - 1 : 0); /* the newest in view */
}

static void go_top(ui *u, trail_state *st)
{
	page_rows p;
	if (fetch(u, st, false, 0, &p) >= 0)
		adopt(st, &p, 0);
}

/* The index of the first row after seq (forward) or the last before it. */
static size_t index_past(const page_rows *p, int64_t seq, bool forward)
{
	if (forward) {
		for (size_t i = 0; i < p->n; i++)
			if (p->seqs[i] > seq)
				return i;
		return p->n - 1;
	}
	for (size_t i = p->n; i-- > 0;)
		if (p->seqs[i] < seq)
			return i;
	return 0;
}

/* Moves across the window's edges: a row or a page further, reading what
 * comes next; at the trail's ends the window stays. */
static void cross_edge(ui *u, trail_state *st, int action)
{
	size_t rows = st->nd, sel = st->list.sel;
	int64_t first, last;
	page_rows p;
	int n;
	if (!rows)
		return;
	first = st->seqs[0];
	last = st->seqs[rows - 1];
	switch (action) {
	case UI_LIST_DOWN:
		if (sel + 1 < rows)
			st->list.sel++;
		else if ((n = fetch(u, st, false, first, &p)) > 0 && p.seqs[p.n - 1] > last)
			adopt(st, &p, index_past(&p, last, true)); /* shifted: the next entry is chosen */
		else if (n >= 0)
			drop_page(&p);
		break;
	case UI_LIST_UP:
		if (sel > 0)
			st->list.sel--;
		else if ((n = fetch(u, st, true, last, &p)) > 0 && p.seqs[0] < first)
			adopt(st, &p, index_past(&p, first, false));
		else if (n >= 0)
			drop_page(&p);
		break;
	case UI_LIST_PGDN:
		if ((n = fetch(u, st, false, last, &p)) == st->limit) {
			adopt(st, &p, sel);
		} else if (n >= 0) { /* the rest is less than a page: the last page ends at the newest */
			drop_page(&p);
			if (n > 0)
				go_bottom(u, st);
			else
				st->list.sel = rows - 1;
		}
		break;
	case UI_LIST_PGUP:
		if ((n = fetch(u, st, true, first, &p)) == st->limit) {
			adopt(st, &p, sel);
		} else if (n >= 0) {
			drop_page(&p);
			if (n > 0)
				go_top(u, st);
			else
				st->list.sel = 0;
		}
		break;
	}
}

/* The page size is what fits: body height less the filter line, the
 * list's header and footer, the details and the help line. */
static int rows_that_fit(int body_h)
{
	int n = body_h - 6;
	return n > 1 ? n : 1;
}

static int trail_open(ui *u, ui_screen *s, const void *arg)
{
	trail_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, trail_cols, RD_ARRAY_LEN(trail_cols));
	st->limit = rows_that_fit(LINES - 5); /* as draw() will lay it out */
	go_bottom(u, st);
	return 0;
}

static void trail_close(ui *u, ui_screen *s)
{
	trail_state *st = s->state;
	(void)u;
	if (!st)
		return;
	ui_list_free(&st->list);
	free_rows(st->details, st->nd);
	free(st->details);
	free(st->seqs);
	free(st);
}

static void trail_draw(ui *u, ui_screen *s, ui_rect r)
{
	trail_state *st = s->state;
	char line[1200];
	int fit = rows_that_fit(r.h);
	if (filtered(st)) {
		snprintf(line, sizeof line, _("Filter: since %s · object %s · operator %s   (f: change · x: clear)"),
			 st->fv.since[0] ? st->fv.since : "-", st->fv.object[0] ? st->fv.object : "-",
			 st->fv.operator_name[0] ? st->fv.operator_name : "-");
		ui_text(r.y, r.x, r.w, UI_A_OK, line);
	} else {
		ui_text(r.y, r.x, r.w, UI_A_DIM, _("No filter (f: filter by date, object or operator)"));
	}
	ui_list_draw(u, &st->list, (ui_rect){r.y + 1, r.x, r.h - 3, r.w});
	/* the list's own footer counts the window; the trail's is more useful */
	if (st->nd)
		snprintf(line, sizeof line,
			 filtered(st) ? _("entries %lld-%lld shown, matching the filter · %lld in the trail")
				      : _("entries %lld-%lld of %lld"),
			 (long long)st->seqs[0], (long long)st->seqs[st->nd - 1], (long long)st->entries);
	else
		snprintf(line, sizeof line, "%s",
			 filtered(st) ? _("no entry matches the filter") : _("(nothing to show)"));
	ui_text_pad(r.y + r.h - 3, r.x, r.w, UI_A_DIM, line);
	if (st->list.rows && st->list.sel < st->nd) {
		snprintf(line, sizeof line, "%s %s", _("Details:"),
			 st->details[st->list.sel][0] ? st->details[st->list.sel] : "-");
		ui_text(r.y + r.h - 2, r.x, r.w, UI_A_NORMAL, line);
	}
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM,
		_("Home/End: first/newest entry · PgUp/PgDn: pages · f: filter · x: clear · r: reload"));
	if (fit != st->limit) { /* the terminal changed: a page is what fits */
		st->limit = fit;
		ui_tick_after(u, 0);
	}
}

/* After a resize: the same first entry, as many rows as fit now. */
static void trail_tick(ui *u, ui_screen *s)
{
	trail_state *st = s->state;
	size_t sel = st->list.sel;
	page_rows p;
	if (st->nd && fetch(u, st, false, st->seqs[0] - 1, &p) >= 0) {
		if (p.n == (size_t)st->limit) {
			adopt(st, &p, sel);
			return;
		}
		drop_page(&p);
	}
	go_bottom(u, st);
}

static ui_result trail_action(ui *u, ui_screen *s, int action)
{
	trail_state *st = s->state;
	switch (action) {
	case T_RELOAD:
		go_bottom(u, st);
		return UI_HANDLED;
	case T_FILTER:
		ui_push(u, &ui_scr_audit_filter, &st->fv);
		return UI_HANDLED;
	case T_CLEAR:
		memset(&st->fv, 0, sizeof st->fv);
		go_bottom(u, st);
		return UI_HANDLED;
	case UI_LIST_HOME:
		go_top(u, st);
		return UI_HANDLED;
	case UI_LIST_END:
		go_bottom(u, st);
		return UI_HANDLED;
	case UI_LIST_UP:
	case UI_LIST_DOWN:
	case UI_LIST_PGUP:
	case UI_LIST_PGDN:
		cross_edge(u, st, action);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static void trail_resume(ui *u, ui_screen *s)
{
	trail_state *st = s->state;
	if (st->fv.changed) {
		st->fv.changed = false;
		go_bottom(u, st);
	}
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
	.resume = trail_resume,
	.tick = trail_tick,
};

/* ---- the trail's filter --------------------------------------------------------- */
enum { AF_SINCE, AF_OBJECT, AF_OPERATOR };

typedef struct filter_state {
	ui_form form;
	trail_filter *fv;
	ui *u;
} filter_state;

static rd_code check_since(void *ud, const char *value, rd_err *e)
{
	time_t t;
	(void)ud;
	return *value ? rd_time_parse_local(value, "since", &t, e) : RD_OK;
}

static const ui_field_spec filter_fields[] = {
	{"since", N_("Since (YYYY-MM-DD [HH:MM])"), 18, 16, 0, check_since, NULL, NULL},
	{"object", N_("Object (exact)"), 40, 127, 0, NULL, NULL, NULL},
	{"operator", N_("Operator"), 20, 63, 0, NULL, NULL, NULL},
};

enum { AF_APPLY = 1 };
static const ui_key filter_keys[] = {
	{UI_FN(KEY_F(2)), AF_APPLY, N_("apply the filter")},
};

static int filter_open(ui *u, ui_screen *s, const void *arg)
{
	filter_state *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	s->state = st;
	st->fv = (trail_filter *)arg;
	st->u = u;
	if (ui_form_init(&st->form, filter_fields, RD_ARRAY_LEN(filter_fields), st) != 0)
		return -1;
	ui_form_set_value(&st->form, AF_SINCE, st->fv->since);
	ui_form_set_value(&st->form, AF_OBJECT, st->fv->object);
	ui_form_set_value(&st->form, AF_OPERATOR, st->fv->operator_name);
	return 0;
}

static void filter_close(ui *u, ui_screen *s)
{
	filter_state *st = s->state;
	(void)u;
	if (st && st->form.f)
		ui_form_free(&st->form);
	free(st);
}

static void filter_draw(ui *u, ui_screen *s, ui_rect r)
{
	filter_state *st = s->state;
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, _("Show only the audit entries that match every field filled in."));
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, 3, r.w});
	ui_text(r.y + 6, r.x, r.w, UI_A_DIM, _("Enter on the last field or F2: apply · Ctrl-U: empty a field · Esc: cancel"));
}

static void apply(ui *u, void *ud)
{
	filter_state *st = ud;
	trail_filter *fv = st->fv;
	char *since = ui_form_value(&st->form, AF_SINCE), *object = ui_form_value(&st->form, AF_OBJECT),
	     *op = ui_form_value(&st->form, AF_OPERATOR);
	time_t t = 0;
	if (!since || !object || !op || (*rd_trim(since) && rd_time_parse_local(since, "since", &t, NULL) != RD_OK)) {
		free(since);
		free(object);
		free(op);
		ui_msg_error(u, "%s", _("correct the fields marked first"));
		return;
	}
	rd_strlcpy(fv->since, since, sizeof fv->since);
	rd_strlcpy(fv->object, rd_trim(object), sizeof fv->object);
	rd_strlcpy(fv->operator_name, rd_trim(op), sizeof fv->operator_name);
	fv->since_t = t;
	fv->changed = true;
	free(since);
	free(object);
	free(op);
	ui_pop(u); /* st is gone; the trail reloads in resume() */
}

static ui_result filter_action(ui *u, ui_screen *s, int action)
{
	filter_state *st = s->state;
	return ui_form_dispatch(u, &st->form, action, AF_APPLY, apply, st, NULL);
}

static ui_result filter_input(ui *u, ui_screen *s, int key)
{
	filter_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_audit_filter = {
	.id = "audit_filter",
	.title = N_("filter the audit trail"),
	.keys = UI_KEYS(filter_keys),
	.shared = &ui_form_keymap,
	.open = filter_open,
	.close = filter_close,
	.draw = filter_draw,
	.action = filter_action,
	.input = filter_input,
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
