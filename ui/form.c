/* The form helper: one-line fields edited as wide characters, so Chinese
 * input counts characters and columns correctly.  The text lives in the
 * model (ui_form), not in a curses window, so a resize or a redraw simply
 * draws it again.  (The ncurses form library keeps the text inside its
 * field windows and pads field_buffer wrongly once wide characters are in
 * it; see the design notes.) */
#include "ui/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

static const ui_key ui_form_keys[] = {
	{'\t', UI_FORM_NEXT, N_("next field")},
	{UI_FN(KEY_DOWN), UI_FORM_NEXT, N_("next field")},
	{UI_FN(KEY_BTAB), UI_FORM_PREV, N_("previous field")},
	{UI_FN(KEY_UP), UI_FORM_PREV, N_("previous field")},
	{'\n', UI_FORM_ENTER, N_("next field; on the last field: submit")},
	{UI_FN(KEY_ENTER), UI_FORM_ENTER, N_("next field; on the last field: submit")},
	{UI_FN(KEY_LEFT), UI_FORM_LEFT, N_("move left; in a choice: previous choice")},
	{UI_FN(KEY_RIGHT), UI_FORM_RIGHT, N_("move right; in a choice: next choice")},
	{UI_FN(KEY_HOME), UI_FORM_HOME, N_("start of the field")},
	{UI_CTRL('a'), UI_FORM_HOME, N_("start of the field")},
	{UI_FN(KEY_END), UI_FORM_END, N_("end of the field")},
	{UI_CTRL('e'), UI_FORM_END, N_("end of the field")},
	{127, UI_FORM_BACKSPACE, N_("delete the character before the cursor")},
	{8, UI_FORM_BACKSPACE, N_("delete the character before the cursor")},
	{UI_FN(KEY_BACKSPACE), UI_FORM_BACKSPACE, N_("delete the character before the cursor")},
	{UI_FN(KEY_DC), UI_FORM_DELETE, N_("delete the character under the cursor")},
	{UI_CTRL('u'), UI_FORM_CLEAR_FIELD, N_("clear the field")},
};
const ui_keys ui_form_keymap = UI_KEYS(ui_form_keys);

static size_t max_chars(const ui_field *fl)
{
	return fl->spec->max_chars > 0 ? (size_t)fl->spec->max_chars : 256;
}

int ui_form_init(ui_form *f, const ui_field_spec *specs, size_t n, void *ud)
{
	memset(f, 0, sizeof *f);
	f->f = calloc(n, sizeof *f->f);
	if (!f->f)
		return -1;
	f->n = n;
	f->ud = ud;
	for (size_t i = 0; i < n; i++) {
		ui_field *fl = &f->f[i];
		fl->spec = &specs[i];
		fl->cap = max_chars(fl) + 1;
		fl->buf = calloc(fl->cap, sizeof *fl->buf);
		if (!fl->buf) {
			ui_form_free(f);
			return -1;
		}
	}
	return 0;
}

static void wipe_field(ui_field *fl)
{
	if (fl->buf)
		rd_memzero(fl->buf, fl->cap * sizeof *fl->buf);
	fl->len = fl->cur = 0;
	fl->choice = 0;
	fl->err[0] = '\0';
}

void ui_form_free(ui_form *f)
{
	for (size_t i = 0; f->f && i < f->n; i++) {
		wipe_field(&f->f[i]);
		free(f->f[i].buf);
	}
	free(f->f);
	memset(f, 0, sizeof *f);
}

void ui_form_clear(ui_form *f)
{
	for (size_t i = 0; i < f->n; i++)
		wipe_field(&f->f[i]);
	f->focus = 0;
}

void ui_form_focus(ui_form *f, size_t i)
{
	if (i < f->n)
		f->focus = i;
}

static size_t nchoices(const ui_field_spec *s)
{
	size_t n = 0;
	while (s->choices && s->choices[n])
		n++;
	return n;
}

char *ui_form_value(const ui_form *f, size_t i)
{
	const ui_field *fl = &f->f[i];
	mbstate_t st;
	char *out;
	size_t o = 0;
	if (fl->spec->choices)
		return rd_strdup(nchoices(fl->spec) ? fl->spec->choices[fl->choice] : "");
	out = malloc(fl->len * MB_LEN_MAX + 1);
	if (!out)
		return NULL;
	memset(&st, 0, sizeof st);
	for (size_t k = 0; k < fl->len; k++) {
		size_t r = wcrtomb(out + o, fl->buf[k], &st);
		if (r != (size_t)-1)
			o += r;
	}
	out[o] = '\0';
	return out;
}

static void free_value(const ui_field *fl, char *v)
{
	if (v && (fl->spec->flags & UI_F_HIDDEN))
		rd_secret_free(v, 0);
	else
		free(v);
}

void ui_form_set_value(ui_form *f, size_t i, const char *utf8)
{
	ui_field *fl = &f->f[i];
	mbstate_t st;
	wipe_field(fl);
	if (fl->spec->choices) {
		for (size_t k = 0; k < nchoices(fl->spec); k++)
			if (rd_streq(fl->spec->choices[k], utf8))
				fl->choice = (int)k;
		return;
	}
	memset(&st, 0, sizeof st);
	while (utf8 && *utf8 && fl->len < fl->cap - 1) {
		wchar_t c;
		size_t r = mbrtowc(&c, utf8, strlen(utf8), &st);
		if (r == 0 || r == (size_t)-1 || r == (size_t)-2)
			break;
		fl->buf[fl->len++] = c;
		utf8 += r;
	}
	fl->cur = fl->len;
}

/* Checks one field: required, then its validator.  True when fine. */
static bool check_field(ui_form *f, size_t i)
{
	ui_field *fl = &f->f[i];
	char *v = ui_form_value(f, i);
	rd_err e;
	bool good = true;
	fl->err[0] = '\0';
	if (!v)
		return false;
	if ((fl->spec->flags & UI_F_REQUIRED) && !fl->spec->choices && fl->len == 0) {
		rd_strlcpy(fl->err, _("required"), sizeof fl->err);
		good = false;
	} else if (fl->spec->validate && (fl->len > 0 || fl->spec->choices)) {
		rd_err_clear(&e);
		if (fl->spec->validate(f->ud, v, &e) != RD_OK) {
			rd_strlcpy(fl->err, e.msg, sizeof fl->err);
			good = false;
		}
	}
	free_value(fl, v);
	return good;
}

bool ui_form_validate(ui_form *f)
{
	bool all = true;
	size_t first = f->n;
	for (size_t i = 0; i < f->n; i++)
		if (!check_field(f, i)) {
			all = false;
			if (first == f->n)
				first = i;
		}
	if (!all)
		f->focus = first;
	return all;
}

bool ui_form_set_error(ui_form *f, const rd_err *e)
{
	for (size_t i = 0; i < f->n; i++)
		if (e->field[0] && rd_streq(f->f[i].spec->name, e->field)) {
			rd_strlcpy(f->f[i].err, e->msg, sizeof f->f[i].err);
			f->focus = i;
			return true;
		}
	return false;
}

static void leave_to(ui_form *f, size_t next)
{
	check_field(f, f->focus); /* the error shows beside the field just left */
	f->focus = next;
}

ui_form_event ui_form_action(ui_form *f, int action)
{
	ui_field *fl = f->n ? &f->f[f->focus] : NULL;
	size_t nc;
	if (!fl)
		return UI_FORM_EV_UNHANDLED;
	nc = nchoices(fl->spec);
	switch (action) {
	case UI_FORM_NEXT:
		leave_to(f, f->focus + 1 < f->n ? f->focus + 1 : f->focus);
		break;
	case UI_FORM_PREV:
		leave_to(f, f->focus > 0 ? f->focus - 1 : 0);
		break;
	case UI_FORM_ENTER:
		if (f->focus + 1 < f->n) {
			leave_to(f, f->focus + 1);
			break;
		}
		return ui_form_validate(f) ? UI_FORM_EV_SUBMIT : UI_FORM_EV_INVALID;
	case UI_FORM_LEFT:
		if (nc)
			fl->choice = (fl->choice + (int)nc - 1) % (int)nc;
		else if (fl->cur > 0)
			fl->cur--;
		break;
	case UI_FORM_RIGHT:
		if (nc)
			fl->choice = (fl->choice + 1) % (int)nc;
		else if (fl->cur < fl->len)
			fl->cur++;
		break;
	case UI_FORM_HOME:
		fl->cur = 0;
		break;
	case UI_FORM_END:
		fl->cur = fl->len;
		break;
	case UI_FORM_BACKSPACE:
		if (fl->cur > 0) {
			memmove(&fl->buf[fl->cur - 1], &fl->buf[fl->cur], (fl->len - fl->cur) * sizeof *fl->buf);
			fl->cur--;
			fl->buf[--fl->len] = 0;
		}
		break;
	case UI_FORM_DELETE:
		if (fl->cur < fl->len) {
			memmove(&fl->buf[fl->cur], &fl->buf[fl->cur + 1], (fl->len - fl->cur - 1) * sizeof *fl->buf);
			fl->buf[--fl->len] = 0;
		}
		break;
	case UI_FORM_CLEAR_FIELD:
		rd_memzero(fl->buf, fl->cap * sizeof *fl->buf);
		fl->len = fl->cur = 0;
		break;
	default:
		return UI_FORM_EV_UNHANDLED;
	}
	return UI_FORM_EV_NONE;
}

ui_form_event ui_form_input(ui_form *f, int key)
{
	ui_field *fl = f->n ? &f->f[f->focus] : NULL;
	if (!fl || UI_IS_FN(key) || !iswprint((wint_t)key))
		return UI_FORM_EV_UNHANDLED;
	if (fl->spec->choices) {
		if (key == ' ')
			return ui_form_action(f, UI_FORM_RIGHT);
		return UI_FORM_EV_UNHANDLED;
	}
	if (fl->len >= fl->cap - 1 || fl->len >= max_chars(fl))
		return UI_FORM_EV_NONE; /* full: the character is not taken */
	memmove(&fl->buf[fl->cur + 1], &fl->buf[fl->cur], (fl->len - fl->cur) * sizeof *fl->buf);
	fl->buf[fl->cur++] = (wchar_t)key;
	fl->len++;
	fl->err[0] = '\0';
	return UI_FORM_EV_NONE;
}

static int wwidth(const wchar_t *w, size_t n)
{
	int t = 0;
	for (size_t i = 0; i < n; i++) {
		int cw = wcwidth(w[i]);
		t += cw < 0 ? 1 : cw;
	}
	return t;
}

void ui_form_scroll(ui_form *f, int h)
{
	size_t rows = h > 0 ? (size_t)h : 1;
	if (f->focus < f->top)
		f->top = f->focus;
	if (f->focus >= f->top + rows)
		f->top = f->focus - rows + 1;
	if (f->top + rows > f->n)
		f->top = f->n > rows ? f->n - rows : 0;
}

void ui_form_draw(ui *u, ui_form *f, ui_rect r)
{
	int labelw = 0, errw_cut;
	for (size_t i = 0; i < f->n; i++) {
		int lw = ui_width(_(f->f[i].spec->label));
		if (lw > labelw)
			labelw = lw;
	}
	labelw += 2; /* room for the required mark */
	ui_form_scroll(f, r.h);
	errw_cut = f->n > (size_t)r.h ? 2 : 0; /* the scroll arrows' column */
	if (f->top > 0)
		ui_text(r.y, r.x + r.w - 1, 1, UI_A_DIM, "↑");
	if (f->top + (size_t)r.h < f->n)
		ui_text(r.y + r.h - 1, r.x + r.w - 1, 1, UI_A_DIM, "↓");
	for (size_t i = f->top; i < f->n && (int)(i - f->top) < r.h; i++) {
		const ui_field *fl = &f->f[i];
		int y = r.y + (int)(i - f->top), x = r.x, bx = x + labelw + 1;
		int boxw = fl->spec->width > 0 ? fl->spec->width : 20;
		bool focus = i == f->focus;
		if (bx + boxw > r.x + r.w)
			boxw = r.x + r.w - bx;
		if (boxw < 4)
			boxw = 4;
		ui_text(y, x, labelw, UI_A_NORMAL, _(fl->spec->label));
		if (fl->spec->flags & UI_F_REQUIRED)
			ui_text(y, x + labelw - 1, 1, UI_A_ERROR, "*");
		ui_text_pad(y, bx, boxw, UI_A_FIELD, "");
		if (fl->spec->choices) {
			const char *lab = fl->spec->choice_labels ? _(fl->spec->choice_labels[fl->choice])
								  : fl->spec->choices[fl->choice];
			char buf[256];
			snprintf(buf, sizeof buf, "‹ %s ›", lab);
			ui_text(y, bx, boxw, UI_A_FIELD, buf);
			if (focus)
				ui_cursor(u, y, bx + 2);
		} else if (fl->spec->flags & UI_F_HIDDEN) {
			if (focus) /* nothing of a secret is shown, not even its length */
				ui_cursor(u, y, bx);
		} else {
			size_t start = 0;
			while (start < fl->cur && wwidth(fl->buf + start, fl->cur - start) > boxw - 1)
				start++;
			size_t end = start;
			int used = 0;
			while (end < fl->len) {
				int cw = wwidth(fl->buf + end, 1);
				if (used + cw > boxw)
					break;
				used += cw;
				end++;
			}
			attr_t a = (attr_t)ui_attr_of(UI_A_FIELD);
			attron(a);
			mvaddnwstr(y, bx, fl->buf + start, (int)(end - start));
			attroff(a);
			if (focus)
				ui_cursor(u, y, bx + wwidth(fl->buf + start, fl->cur - start));
		}
		if (fl->err[0] && bx + boxw + 2 < r.x + r.w - errw_cut)
			ui_text(y, bx + boxw + 2, r.x + r.w - bx - boxw - 2 - errw_cut, UI_A_ERROR, fl->err);
	}
}

ui_result ui_form_dispatch(ui *u, ui_form *f, int action, int save_action, ui_form_submit_fn submit, void *ud,
			   const char *invalid)
{
	ui_form_event ev;
	if (action == save_action)
		ev = ui_form_validate(f) ? UI_FORM_EV_SUBMIT : UI_FORM_EV_INVALID;
	else
		ev = ui_form_action(f, action);
	switch (ev) {
	case UI_FORM_EV_SUBMIT:
		submit(u, ud);
		return UI_HANDLED;
	case UI_FORM_EV_INVALID:
		ui_msg_error(u, "%s", invalid ? invalid : _("correct the fields marked first"));
		return UI_HANDLED;
	case UI_FORM_EV_NONE:
		return UI_HANDLED;
	case UI_FORM_EV_UNHANDLED:
		break;
	}
	return UI_UNHANDLED;
}
