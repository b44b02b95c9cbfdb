/* The list/table helper: rows of cells under headers, aligned by display
 * width (a Chinese character takes two columns), with selection and paging.
 * Only the model lives here; ui_list_draw is its view. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

static const ui_key ui_list_keys[] = {
	{UI_FN(KEY_UP), UI_LIST_UP, N_("previous row")},
	{'k', UI_LIST_UP, N_("previous row")},
	{UI_FN(KEY_DOWN), UI_LIST_DOWN, N_("next row")},
	{'j', UI_LIST_DOWN, N_("next row")},
	{UI_FN(KEY_PPAGE), UI_LIST_PGUP, N_("previous page")},
	{UI_FN(KEY_NPAGE), UI_LIST_PGDN, N_("next page")},
	{' ', UI_LIST_PGDN, N_("next page")},
	{UI_FN(KEY_HOME), UI_LIST_HOME, N_("first row")},
	{UI_FN(KEY_END), UI_LIST_END, N_("last row")},
};
const ui_keys ui_list_keymap = UI_KEYS(ui_list_keys);

void ui_list_init(ui_list *l, const ui_column *cols, size_t ncols)
{
	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->ncols = ncols;
	l->page = 10;
}

void ui_list_clear(ui_list *l)
{
	for (size_t i = 0; i < l->rows * l->ncols; i++)
		free(l->cells[i]);
	l->rows = 0;
}

void ui_list_free(ui_list *l)
{
	ui_list_clear(l);
	free(l->cells);
	l->cells = NULL;
	l->cap = 0;
}

int ui_list_add(ui_list *l, const char *const *cells)
{
	char **c = rd_grow(l->cells, &l->cap, l->rows + 1, l->ncols * sizeof *c, 64);
	if (!c)
		return -1;
	l->cells = c;
	for (size_t i = 0; i < l->ncols; i++) {
		l->cells[l->rows * l->ncols + i] = rd_strdup(cells[i] ? cells[i] : "");
		if (!l->cells[l->rows * l->ncols + i]) {
			for (size_t k = 0; k < i; k++)
				free(l->cells[l->rows * l->ncols + k]);
			return -1;
		}
	}
	l->rows++;
	return 0;
}

const char *ui_list_cell(const ui_list *l, size_t row, size_t col)
{
	if (row >= l->rows || col >= l->ncols)
		return NULL;
	return l->cells[row * l->ncols + col];
}

ui_result ui_list_action(ui_list *l, int action)
{
	size_t page = l->page > 1 ? (size_t)l->page : 1;
	if (l->rows == 0)
		return action >= UI_ACT_LIST && action < UI_ACT_LIST + 100 ? UI_HANDLED : UI_UNHANDLED;
	switch (action) {
	case UI_LIST_UP:
		if (l->sel > 0)
			l->sel--;
		break;
	case UI_LIST_DOWN:
		if (l->sel + 1 < l->rows)
			l->sel++;
		break;
	case UI_LIST_PGUP:
		l->sel = l->sel > page ? l->sel - page : 0;
		break;
	case UI_LIST_PGDN:
		l->sel = l->sel + page < l->rows ? l->sel + page : l->rows - 1;
		break;
	case UI_LIST_HOME:
		l->sel = 0;
		break;
	case UI_LIST_END:
		l->sel = l->rows - 1;
		break;
	default:
		return UI_UNHANDLED;
	}
	return UI_HANDLED;
}

static void draw_row(const ui_list *l, int y, int x, int w, int attr, const char *const *cells)
{
	int cx = x;
	for (size_t c = 0; c < l->ncols && cx < x + w; c++) {
		int cw = l->cols[c].width > 0 ? l->cols[c].width : x + w - cx;
		if (cx + cw > x + w)
			cw = x + w - cx;
		ui_text_pad(y, cx, cw, attr, cells[c]);
		cx += cw;
		if (cx < x + w && c + 1 < l->ncols) {
			ui_text_pad(y, cx, 1, attr, "");
			cx++;
		}
	}
	if (cx < x + w)
		ui_text_pad(y, cx, x + w - cx, attr, "");
}

void ui_list_draw(ui *u, ui_list *l, ui_rect r)
{
	const char *hdr[16];
	char foot[128];
	size_t nc = l->ncols < 16 ? l->ncols : 16;
	(void)u;
	if (r.h < 3)
		return;
	for (size_t c = 0; c < nc; c++)
		hdr[c] = _(l->cols[c].header);
	draw_row(l, r.y, r.x, r.w, UI_A_DIM, hdr);
	l->page = r.h - 2;
	if (l->rows && l->sel >= l->rows)
		l->sel = l->rows - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)l->page)
		l->top = l->sel - (size_t)l->page + 1;
	for (int i = 0; i < l->page && l->top + (size_t)i < l->rows; i++) {
		size_t row = l->top + (size_t)i;
		draw_row(l, r.y + 1 + i, r.x, r.w, row == l->sel ? UI_A_SELECTED : UI_A_NORMAL,
			 (const char *const *)&l->cells[row * l->ncols]);
	}
	if (l->rows == 0)
		snprintf(foot, sizeof foot, "%s", _("(nothing to show)"));
	else
		snprintf(foot, sizeof foot, _("rows %zu-%zu of %zu"), l->top + 1,
			 l->top + (size_t)l->page < l->rows ? l->top + (size_t)l->page : l->rows, l->rows);
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, foot);
}
