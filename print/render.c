/* Rendering: templates laid out on A4 with pango-cairo, a QR code per page,
 * into a PDF in memory, then atomically to a file. */
#include <ctype.h>
#include <cairo-pdf.h>
#include <limits.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"

#define MM (72.0 / 25.4)
#define PAGE_W 595.276
#define PAGE_H 841.890
#define M_LEFT (18 * MM)
#define M_TOP (12 * MM)
#define CW (PAGE_W - 2 * M_LEFT)
#define QR_SIZE (21 * MM)
#define FOOT_TOP (PAGE_H - 9 * MM - QR_SIZE)  /* QR in the footer */
#define FOOT_TOP_TEXT (PAGE_H - 19 * MM)     /* QR at the top: text-only footer */
#define BOTTOM (L->ctx->docs[L->u.doc].qr_top ? FOOT_TOP_TEXT - 3 * MM : FOOT_TOP - 3 * MM)
#define QR_CLEAR (M_TOP + QR_SIZE + 1.5 * MM)
#define PAD (1.3 * MM)
#define LABEL_W (34 * MM)
#define LINE_W 0.8

/* ---- text fitting ------------------------------------------------------------- */
/* fm: the print context's own font map (prepared fonts), NULL: pango's default. */
static PangoLayout *new_layout(cairo_t *cr, PangoFontMap *fm)
{
	PangoContext *pc = fm ? pango_font_map_create_context(fm) : pango_cairo_create_context(cr);
	if (fm)
		pango_cairo_update_context(cr, pc);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	PangoLayout *pl = pango_layout_new(pc);
	g_object_unref(pc);
	return pl;
}

static void set_font(PangoLayout *pl, const char *family, bool bold, double size)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(pl, fd);
	pango_font_description_free(fd);
}

static double layout_height(PangoLayout *pl)
{
	PangoRectangle ink, log;
	pango_layout_get_extents(pl, &ink, &log);
	return (double)log.height / PANGO_SCALE;
}

static double layout_width(PangoLayout *pl)
{
	PangoRectangle ink, log;
	pango_layout_get_extents(pl, &ink, &log);
	return (double)log.width / PANGO_SCALE;
}

/* Configure pl with text at the largest size that fits; leaves pl set. */
static rd_code fit_layout(PangoLayout *pl, const char *family, bool bold, const char *text,
			  double width, double size, double min_size, int max_lines, double max_h,
			  const char *what, struct pr_fit *out, rd_err *e)
{
	pango_layout_set_text(pl, text, -1);
	pango_layout_set_width(pl, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
	for (int step = 0; size - 0.5 * step >= min_size - 0.01; step++) { /* half points down */
		double s = size - 0.5 * step;
		set_font(pl, family, bold, s);
		int lines = pango_layout_get_line_count(pl);
		double h = layout_height(pl);
		if (lines <= max_lines && (max_h <= 0 || h <= max_h) && layout_width(pl) <= width + 0.5) {
			if (out)
				*out = (struct pr_fit){.size = s, .height = h, .lines = lines};
			return RD_OK;
		}
	}
	return rd_fail_at(e, RD_E_INVALID, what,
			  _("text is too long to fit its box on the page (%ld characters)"),
			  rd_utf8_chars(text));
}

rd_code pr_fit_text(cairo_t *cr, const char *family, bool bold, const char *text, double width,
		    double size, double min_size, int max_lines, double max_h, const char *what,
		    struct pr_fit *out, rd_err *e)
{
	PangoLayout *pl = new_layout(cr, NULL);
	rd_code rc = fit_layout(pl, family, bold, text, width, size, min_size, max_lines, max_h, what,
				out, e);
	g_object_unref(pl);
	return rc;
}

/* ---- layout state -------------------------------------------------------------- */
struct unit {
	rd_print_doc doc;
	int copy, copies;
	const char *label;
};

struct lay {
	rd_print_ctx *ctx;
	const rd_print_request *req;
	cairo_t *cr;
	PangoLayout *pl;
	bool draw, centred;
	double y;
	int page, pages;
	struct unit u;
	char num[4][16];
	rd_err *e;
};

static const char *lay_lookup(void *ud, const char *name)
{
	struct lay *L = ud;
	if (!strcmp(name, "copy.no"))
		return snprintf(L->num[0], 16, "%d", L->u.copy), L->num[0];
	if (!strcmp(name, "copy.count"))
		return snprintf(L->num[1], 16, "%d", L->u.copies), L->num[1];
	if (!strcmp(name, "page.no"))
		return snprintf(L->num[2], 16, "%d", L->page), L->num[2];
	if (!strcmp(name, "page.count"))
		return snprintf(L->num[3], 16, "%d", L->pages ? L->pages : 99), L->num[3];
	if (!strcmp(name, "copy.label"))
		return L->u.label;
	if (!strcmp(name, "agreement.version"))
		return L->ctx->agr.version;
	if (!strcmp(name, "agreement.title"))
		return L->ctx->agr.title;
	return rd_print_fields_get(L->req->fields, name);
}

static const char *font(struct lay *L)
{
	return L->ctx->font;
}

static void draw_layout(struct lay *L, double x, double y)
{
	if (!L->draw)
		return;
	cairo_move_to(L->cr, x, y);
	pango_cairo_show_layout(L->cr, L->pl);
}

static void stroke_rect(struct lay *L, double x, double y, double w, double h, double grey)
{
	if (!L->draw)
		return;
	cairo_rectangle(L->cr, x, y, w, h);
	if (grey < 1) {
		cairo_set_source_rgb(L->cr, grey, grey, grey);
		cairo_fill_preserve(L->cr);
	}
	cairo_set_source_rgb(L->cr, 0, 0, 0);
	cairo_set_line_width(L->cr, LINE_W);
	cairo_stroke(L->cr);
}

static void hline(struct lay *L, double x0, double x1, double y, double w)
{
	if (!L->draw)
		return;
	cairo_move_to(L->cr, x0, y);
	cairo_line_to(L->cr, x1, y);
	cairo_set_line_width(L->cr, w);
	cairo_stroke(L->cr);
}

static rd_code draw_qr(struct lay *L, const char *payload, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return rd_fail(L->e, RD_E_INTERNAL, _("cannot make the QR code"));
	int n = q->width, total = n + 8;
	double m = size / total;
	cairo_set_source_rgb(L->cr, 1, 1, 1);
	cairo_rectangle(L->cr, x, y, size, size);
	cairo_fill(L->cr);
	cairo_set_source_rgb(L->cr, 0, 0, 0);
	for (int r = 0; r < n; r++) {
		for (int c = 0; c < n;) {
			if (!(q->data[r * n + c] & 1)) {
				c++;
				continue;
			}
			int run = c;
			while (run < n && (q->data[r * n + run] & 1))
				run++;
			cairo_rectangle(L->cr, x + (4 + c) * m, y + (4 + r) * m, (run - c) * m, m);
			c = run;
		}
	}
	cairo_fill(L->cr);
	QRcode_free(q);
	return RD_OK;
}

static rd_code footer(struct lay *L)
{
	if (!L->draw)
		return RD_OK;
	const struct tpl *t = &L->ctx->docs[L->u.doc];
	char payload[256];
	rd_code rc = pr_payload_make(L->ctx, L->ctx->key, L->ctx->key_len, lay_lookup, L, L->u.doc,
				     L->u.copy, L->u.copies, L->page, L->pages, payload, sizeof payload,
				     L->e);
	if (rc)
		return rc;
	double top = t->qr_top ? FOOT_TOP_TEXT : FOOT_TOP;
	double tx = M_LEFT, tw = t->qr_top ? CW : CW - QR_SIZE - 4 * MM;
	cairo_set_source_rgb(L->cr, 0.5, 0.5, 0.5);
	hline(L, M_LEFT, PAGE_W - M_LEFT, top - 1 * MM, 0.5);
	cairo_set_source_rgb(L->cr, 0, 0, 0);
	if (t->qr_top)
		rc = draw_qr(L, payload, M_LEFT, M_TOP, QR_SIZE);
	else
		rc = draw_qr(L, payload, PAGE_W - M_LEFT - QR_SIZE, FOOT_TOP, QR_SIZE);
	if (rc)
		return rc;
	double y = top + 1 * MM;
	struct pr_fit f;
	if (t->footer) {
		char *s = pr_subst(t->footer, lay_lookup, L);
		if (!s)
			return rd_fail(L->e, RD_E_NOMEM, _("out of memory"));
		rc = fit_layout(L->pl, font(L), false, s, tw, 7.5, 6, t->qr_top ? 2 : 4, 0, t->path, &f, L->e);
		free(s);
		if (rc)
			return rc;
		cairo_set_source_rgb(L->cr, 0.25, 0.25, 0.25);
		draw_layout(L, tx, y);
	}
	char *s = rd_asprintf("第 %d / %d 页 Page %d of %d    %s", L->page, L->pages, L->page, L->pages, payload);
	if (!s)
		return rd_fail(L->e, RD_E_NOMEM, _("out of memory"));
	rc = fit_layout(L->pl, font(L), false, s, tw, 7, 5, 2, 0, "payload", &f, L->e);
	free(s);
	if (rc)
		return rc;
	draw_layout(L, tx, PAGE_H - 9 * MM - f.height);
	cairo_set_source_rgb(L->cr, 0, 0, 0);
	return RD_OK;
}

static rd_code new_page(struct lay *L)
{
	rd_code rc = footer(L);
	if (rc)
		return rc;
	if (L->draw)
		cairo_show_page(L->cr);
	L->page++;
	L->y = M_TOP;
	return RD_OK;
}

/* Make room for a block h high: next page when it does not fit here. */
static rd_code need(struct lay *L, double h, const char *where)
{
	/* a QR code at the top: only centred header lines go beside it */
	if (L->ctx->docs[L->u.doc].qr_top && !L->centred && L->y < QR_CLEAR)
		L->y = QR_CLEAR;
	if (h > BOTTOM - M_TOP)
		return rd_fail_at(L->e, RD_E_INVALID, where, _("block is taller than a page"));
	if (L->y + h > BOTTOM + 0.01 && L->y > M_TOP + 0.01)
		return new_page(L);
	return RD_OK;
}

static char *subst(struct lay *L, const char *s)
{
	char *r = pr_subst(s, lay_lookup, L);
	if (!r)
		rd_fail(L->e, RD_E_NOMEM, _("out of memory"));
	return r;
}

/* What a failing field is called: the field name when the text is one
 * placeholder, else file:line. */
static void what_of(const struct tpl *t, const struct tpl_line *l, const char *raw, char *out,
		    size_t n)
{
	const char *o = strchr(raw, '{'), *c = o ? strchr(o, '}') : NULL;
	if (o && c)
		snprintf(out, n, "%.*s", (int)(c - o - 1), o + 1);
	else
		snprintf(out, n, "%s:%d", t->path, l->lineno);
}

static rd_code do_centred(struct lay *L, const struct tpl *t, const struct tpl_line *l, double size,
			  bool bold, int align, double gap)
{
	char where[300], *s = subst(L, l->args[0]);
	if (!s)
		return RD_E_NOMEM;
	what_of(t, l, l->args[0], where, sizeof where);
	struct pr_fit f;
	rd_code rc = fit_layout(L->pl, font(L), bold, s, CW, size, size * 0.6, 2, 0, where, &f, L->e);
	free(s);
	L->centred = true;
	if (!rc)
		rc = need(L, f.height + gap, where);
	L->centred = false;
	if (rc)
		return rc;
	/* need() may have changed page; the layout is still set */
	pango_layout_set_alignment(L->pl, align == 0 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_RIGHT);
	draw_layout(L, M_LEFT, L->y);
	pango_layout_set_alignment(L->pl, PANGO_ALIGN_LEFT);
	L->y += f.height + gap;
	return RD_OK;
}

static rd_code do_section(struct lay *L, const struct tpl *t, const struct tpl_line *l)
{
	char where[300], *s = subst(L, l->args[0]);
	if (!s)
		return RD_E_NOMEM;
	snprintf(where, sizeof where, "%s:%d", t->path, l->lineno);
	struct pr_fit f;
	rd_code rc = fit_layout(L->pl, font(L), true, s, CW - 2 * PAD, 10, 8, 2, 0, where, &f, L->e);
	free(s);
	if (rc)
		return rc;
	double h = f.height + 2 * 0.8 * MM;
	if ((rc = need(L, h + 7 * MM, where))) /* keep a heading with its first row */
		return rc;
	stroke_rect(L, M_LEFT, L->y, CW, h, 0.86);
	draw_layout(L, M_LEFT + PAD, L->y + 0.8 * MM);
	L->y += h;
	return RD_OK;
}

struct cell {
	char *text;
	bool label;
	double x, w;
	char what[128];
	struct pr_fit fit;
};

static rd_code do_field(struct lay *L, const struct tpl *t, const struct tpl_line *l)
{
	int pairs = l->nargs / 2;
	struct cell c[4] = {0};
	double pw = CW / pairs, h = 7 * MM;
	rd_code rc = RD_OK;
	for (int i = 0; i < l->nargs; i++) {
		c[i].label = i % 2 == 0;
		int pair = i / 2;
		c[i].x = M_LEFT + pair * pw + (c[i].label ? 0 : LABEL_W);
		c[i].w = c[i].label ? LABEL_W : pw - LABEL_W;
		what_of(t, l, l->args[i], c[i].what, sizeof c[i].what);
		if (!(c[i].text = subst(L, l->args[i]))) {
			rc = RD_E_NOMEM;
			goto out;
		}
		rc = c[i].label ? fit_layout(L->pl, font(L), false, c[i].text, c[i].w - 2 * PAD, 8.5, 7, 3,
					     0, c[i].what, &c[i].fit, L->e)
				: fit_layout(L->pl, font(L), false, c[i].text, c[i].w - 2 * PAD, 10, 6.5,
					     4, 0, c[i].what, &c[i].fit, L->e);
		if (rc)
			goto out;
		if (c[i].fit.height + 2 * PAD > h)
			h = c[i].fit.height + 2 * PAD;
	}
	if ((rc = need(L, h, c[0].what)))
		goto out;
	for (int i = 0; i < l->nargs; i++) {
		stroke_rect(L, c[i].x, L->y, c[i].w, h, c[i].label ? 0.95 : 1);
		pango_layout_set_text(L->pl, c[i].text, -1);
		pango_layout_set_width(L->pl, (int)((c[i].w - 2 * PAD) * PANGO_SCALE));
		set_font(L->pl, font(L), false, c[i].fit.size);
		draw_layout(L, c[i].x + PAD, L->y + (h - c[i].fit.height) / 2);
	}
	L->y += h;
out:
	for (int i = 0; i < 4; i++)
		free(c[i].text);
	return rc;
}

static rd_code do_check(struct lay *L, const struct tpl *t, const struct tpl_line *l)
{
	char where[300], key[64];
	snprintf(where, sizeof where, "%s:%d", t->path, l->lineno);
	snprintf(key, sizeof key, "%.*s", (int)strlen(l->args[1]) - 2, l->args[1] + 1);
	const char *val = lay_lookup(L, key);
	if (!val)
		val = "";
	int chosen = -1;
	for (int i = 2; i < l->nargs; i++) {
		size_t n = (size_t)(strchr(l->args[i], '=') - l->args[i]);
		if (strlen(val) == n && !strncmp(val, l->args[i], n))
			chosen = i;
	}
	if (*val && chosen < 0)
		return rd_fail_at(L->e, RD_E_INVALID, key, _("'%s' is not one of the choices in %s"), val, where);
	char *label = subst(L, l->args[0]);
	if (!label)
		return RD_E_NOMEM;
	struct pr_fit lf, of;
	rd_code rc = fit_layout(L->pl, font(L), false, label, LABEL_W - 2 * PAD, 8.5, 7, 3, 0, where, &lf, L->e);
	if (rc)
		goto out;
	double box = 3.4 * MM, h = lf.height + 2 * PAD;
	if (h < 7 * MM)
		h = 7 * MM;
	if ((rc = need(L, h, where)))
		goto out;
	stroke_rect(L, M_LEFT, L->y, LABEL_W, h, 0.95);
	stroke_rect(L, M_LEFT + LABEL_W, L->y, CW - LABEL_W, h, 1);
	set_font(L->pl, font(L), false, lf.size);
	pango_layout_set_text(L->pl, label, -1);
	pango_layout_set_width(L->pl, (int)((LABEL_W - 2 * PAD) * PANGO_SCALE));
	draw_layout(L, M_LEFT + PAD, L->y + (h - lf.height) / 2);
	double x = M_LEFT + LABEL_W + PAD;
	for (int i = 2; i < l->nargs; i++) {
		char *txt = subst(L, strchr(l->args[i], '=') + 1);
		if (!txt) {
			rc = RD_E_NOMEM;
			goto out;
		}
		double avail = M_LEFT + CW - PAD - (x + box + 1.5 * MM);
		rc = fit_layout(L->pl, font(L), i == chosen, txt, avail > 10 ? avail : 10, 10, 10, 1, 0,
				where, &of, L->e);
		free(txt);
		if (rc)
			goto out;
		double by = L->y + (h - box) / 2;
		stroke_rect(L, x, by, box, box, 1);
		if (i == chosen && L->draw) {
			cairo_set_line_width(L->cr, 1.4);
			cairo_move_to(L->cr, x + box * 0.18, by + box * 0.55);
			cairo_line_to(L->cr, x + box * 0.42, by + box * 0.8);
			cairo_line_to(L->cr, x + box * 0.85, by + box * 0.2);
			cairo_stroke(L->cr);
		}
		pango_layout_set_width(L->pl, -1);
		draw_layout(L, x + box + 1.5 * MM, L->y + (h - of.height) / 2);
		x += box + 1.5 * MM + layout_width(L->pl) + 8 * MM;
	}
	L->y += h;
out:
	free(label);
	return rc;
}

/* Chinese text with English phrases in it (two Latin words in a row):
 * justifying such lines stretches the spaces between the English words
 * into wide gaps, so these paragraphs are set ragged right. */
static bool mixed_script(const char *text)
{
	bool cjk = false, phrase = false;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0xE3 && *p <= 0xE9)
			cjk = true;
		if (p > (const unsigned char *)text && *p == ' ' && isalpha(p[-1]) && isalpha(p[1]))
			phrase = true;
	}
	return cjk && phrase;
}

static rd_code paragraph(struct lay *L, const char *text, double size, bool bold, bool indent,
			 double gap_before, double gap_after, const char *where)
{
	struct pr_fit f;
	pango_layout_set_indent(L->pl, indent ? (int)(2 * size * PANGO_SCALE) : 0);
	pango_layout_set_justify(L->pl, !bold && !mixed_script(text));
	rd_code rc = fit_layout(L->pl, font(L), bold, text, CW, size, size, INT_MAX,
				BOTTOM - M_TOP - gap_before, where, &f, L->e);
	if (!rc)
		rc = need(L, gap_before + f.height, where);
	if (!rc) {
		if (L->y > M_TOP + 0.01)
			L->y += gap_before;
		draw_layout(L, M_LEFT, L->y);
		L->y += f.height + gap_after;
	}
	pango_layout_set_indent(L->pl, 0);
	pango_layout_set_justify(L->pl, false);
	return rc;
}

static rd_code do_agreement(struct lay *L)
{
	const struct agreement *a = &L->ctx->agr;
	for (size_t i = 0; i < a->n; i++) {
		char where[300], *s = subst(L, a->pars[i].text);
		if (!s)
			return RD_E_NOMEM;
		snprintf(where, sizeof where, "%s:%d", a->path, a->pars[i].lineno);
		rd_code rc = a->pars[i].heading ? paragraph(L, s, 9.5, true, false, 1.2 * MM, 0.5 * MM, where)
						: paragraph(L, s, 9, false, true, 0, 0.8 * MM, where);
		free(s);
		if (rc)
			return rc;
	}
	return RD_OK;
}

static rd_code do_boxes(struct lay *L, const struct tpl *t, const struct tpl_line *l)
{
	int n = l->nargs - 1;
	double gap = 4 * MM, w = (CW - (n - 1) * gap) / n, h = l->num * MM;
	char where[300];
	snprintf(where, sizeof where, "%s:%d", t->path, l->lineno);
	rd_code rc = need(L, h, where);
	if (rc)
		return rc;
	struct pr_fit f, df = {0};
	const char *date = "日期 Date：　　年　　月　　日";
	for (int i = 0; i < n; i++) {
		double x = M_LEFT + i * (w + gap);
		if (l->kind == TK_SIGNBOXES) {
			if ((rc = fit_layout(L->pl, font(L), false, date, w - 2 * PAD, 8.5, 6, 1, 0, where, &df, L->e)))
				return rc;
			pango_layout_set_alignment(L->pl, PANGO_ALIGN_RIGHT);
			draw_layout(L, x + PAD, L->y + h - PAD - df.height);
			pango_layout_set_alignment(L->pl, PANGO_ALIGN_LEFT);
		}
		char *s = subst(L, l->args[i + 1]);
		if (!s)
			return RD_E_NOMEM;
		char what[128];
		what_of(t, l, l->args[i + 1], what, sizeof what);
		double room = h - 2 * PAD - df.height - (l->kind == TK_SIGNBOXES ? 6 * MM : 0);
		rc = fit_layout(L->pl, font(L), false, s, w - 2 * PAD, 9, 6.5, 3, room, what, &f, L->e);
		free(s);
		if (rc)
			return rc;
		stroke_rect(L, x, L->y, w, h, 1);
		draw_layout(L, x + PAD, L->y + PAD);
	}
	L->y += h + 1.5 * MM;
	return RD_OK;
}

static rd_code do_sign(struct lay *L, const struct tpl *t, const struct tpl_line *l)
{
	char where[300];
	snprintf(where, sizeof where, "%s:%d", t->path, l->lineno);
	double h = 8 * MM, half = CW / l->nargs;
	rd_code rc = need(L, h, where);
	if (rc)
		return rc;
	for (int i = 0; i < l->nargs; i++) {
		char *s = subst(L, l->args[i]);
		if (!s)
			return RD_E_NOMEM;
		struct pr_fit f;
		rc = fit_layout(L->pl, font(L), false, s, half * 0.62, 10, 7, 2, h - 1 * MM, where, &f, L->e);
		free(s);
		if (rc)
			return rc;
		double x = M_LEFT + i * half, base = L->y + h - 1 * MM;
		double lw = layout_width(L->pl);
		draw_layout(L, x, base - f.height);
		double end = x + half - 4 * MM;
		if (l->nargs == 1) {
			const char *date = "日期 Date";
			fit_layout(L->pl, font(L), false, date, CW * 0.2, 10, 10, 1, 0, where, &f, NULL);
			double dx = M_LEFT + CW * 0.68;
			draw_layout(L, dx, base - f.height);
			hline(L, dx + layout_width(L->pl) + 2 * MM, M_LEFT + CW, base, 0.6);
			end = dx - 5 * MM;
		}
		hline(L, x + lw + 2 * MM, end, base, 0.6);
	}
	L->y += h + 1 * MM;
	return RD_OK;
}

static bool cond_holds(struct lay *L, const struct tpl_line *l)
{
	switch (l->cond) {
	case TC_ORGANIZATION:
		return L->req->organization;
	case TC_INDIVIDUAL:
		return !L->req->organization;
	case TC_IMPRESSION:
		return L->req->impression;
	case TC_FIELD: {
		const char *v = rd_print_fields_get(L->req->fields, l->cond_key);
		return v && *v;
	}
	}
	return false;
}

static rd_code run_unit(struct lay *L)
{
	const struct tpl *t = &L->ctx->docs[L->u.doc];
	rd_code rc = RD_OK;
	L->page = 1;
	L->y = M_TOP;
	for (size_t i = 0; i < t->n && !rc; i++) {
		const struct tpl_line *l = &t->lines[i];
		switch (l->kind) {
		case TK_TITLE: rc = do_centred(L, t, l, 18, true, 0, 1 * MM); break;
		case TK_SUBTITLE: rc = do_centred(L, t, l, 10.5, false, 0, 2 * MM); break;
		case TK_META: rc = do_centred(L, t, l, 9, false, 1, 1.5 * MM); break;
		case TK_SECTION: rc = do_section(L, t, l); break;
		case TK_FIELD: rc = do_field(L, t, l); break;
		case TK_CHECK: rc = do_check(L, t, l); break;
		case TK_PARA: {
			char where[300], *s = subst(L, l->args[0]);
			if (!s)
				return RD_E_NOMEM;
			snprintf(where, sizeof where, "%s:%d", t->path, l->lineno);
			rc = paragraph(L, s, 10, false, false, 0, 2 * MM, where);
			free(s);
			break;
		}
		case TK_AGREEMENT: rc = do_agreement(L); break;
		case TK_BOXES:
		case TK_SIGNBOXES: rc = do_boxes(L, t, l); break;
		case TK_SIGN: rc = do_sign(L, t, l); break;
		case TK_SPACE:
			L->y += l->num * MM;
			if (L->y > BOTTOM)
				rc = new_page(L);
			break;
		case TK_PAGEBREAK: rc = new_page(L); break;
		case TK_IF:
			if (!cond_holds(L, l))
				i = (size_t)l->end;
			break;
		case TK_END: break;
		}
	}
	if (!rc)
		rc = footer(L);
	if (!rc && L->draw)
		cairo_show_page(L->cr);
	return rc;
}

/* ---- documents ---------------------------------------------------------------------- */
struct buf {
	unsigned char *p;
	size_t n, cap;
	bool nomem;
};

static cairo_status_t buf_write(void *ud, const unsigned char *data, unsigned int len)
{
	struct buf *b = ud;
	if (b->n + len > b->cap) {
		size_t cap = (b->n + len) * 2;
		unsigned char *np = realloc(b->p, cap);
		if (!np) {
			b->nomem = true;
			return CAIRO_STATUS_NO_MEMORY;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}

static rd_code plan_units(rd_print_ctx *ctx, const rd_print_request *req, struct unit *u, int *n,
			  rd_err *e)
{
	const struct tpl *form = &ctx->docs[RD_DOC_FORM];
	int copies = req->copies ? req->copies : form->ncopies;
	const char *const *labels = req->copy_labels ? req->copy_labels : (const char *const *)form->copy_labels;
	if (copies < 1 || copies > 9)
		return rd_fail_at(e, RD_E_INVALID, "copies", _("copies must be 1 to 9"));
	if (!req->copy_labels && copies > form->ncopies)
		return rd_fail_at(e, RD_E_INVALID, "copies",
				  _("the form template labels %d copies; give labels for %d"), form->ncopies,
				  copies);
	*n = 0;
	if (req->doc == RD_DOC_FORM || req->doc == RD_DOC_PACKET)
		for (int i = 0; i < copies; i++)
			u[(*n)++] = (struct unit){RD_DOC_FORM, i + 1, copies, labels[i] ? labels[i] : ""};
	if (req->doc == RD_DOC_PACKET) {
		u[(*n)++] = (struct unit){RD_DOC_AGREEMENT, 1, 1, ""};
		if (req->organization)
			u[(*n)++] = (struct unit){RD_DOC_AUTHORIZATION, 1, 1, ""};
		if (req->impression)
			u[(*n)++] = (struct unit){RD_DOC_IMPRESSION, 1, 1, ""};
	} else if (req->doc != RD_DOC_FORM) {
		if ((unsigned)req->doc >= RD_DOC_COUNT)
			return rd_fail_at(e, RD_E_INVALID, "doc", _("unknown document"));
		u[(*n)++] = (struct unit){req->doc, 1, 1, ""};
	}
	return RD_OK;
}

rd_code rd_print_render_mem(rd_print_ctx *ctx, const rd_print_request *req, unsigned char **pdf,
			    size_t *len, rd_print_result *res, rd_err *e)
{
	*pdf = NULL;
	*len = 0;
	if (!ctx || !req || !req->fields)
		return rd_fail(e, RD_E_INTERNAL, _("nothing to print"));
	struct unit units[16];
	int nunits = 0;
	rd_code rc = plan_units(ctx, req, units, &nunits, e);
	if (rc)
		return rc;
	const char *no = rd_print_fields_get(req->fields, "app.no");
	if (!no || !*no)
		return rd_fail_at(e, RD_E_INVALID, "app.no", _("the application number is required"));

	struct buf b = {0};
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(buf_write, &b, PAGE_W, PAGE_H);
	char date[32], title[160];
	time_t when = req->created ? req->created : time(NULL);
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(title, sizeof title, "%s %s", no, rd_print_doc_name(req->doc));
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "radesk " RADESK_VERSION);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_t *cr = cairo_create(surf);
	struct lay L = {.ctx = ctx, .req = req, .cr = cr, .pl = new_layout(cr, ctx->fontmap), .e = e};
	int total = 0;
	for (int i = 0; i < nunits && !rc; i++) {
		L.u = units[i];
		L.draw = false;
		L.pages = 0;
		rc = run_unit(&L);
		if (rc)
			break;
		int pages = L.page;
		L.draw = true;
		L.pages = pages;
		rc = run_unit(&L);
		if (!rc && L.page != pages)
			rc = rd_fail(e, RD_E_INTERNAL, _("page count changed between layout passes"));
		total += pages;
	}
	g_object_unref(L.pl);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_status_t st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	if (!rc && (st != CAIRO_STATUS_SUCCESS || b.nomem))
		rc = rd_fail(e, b.nomem ? RD_E_NOMEM : RD_E_INTERNAL, _("PDF output failed: %s"),
			     cairo_status_to_string(st));
	if (rc) {
		free(b.p);
		return rc;
	}
	if (res) {
		memset(res, 0, sizeof *res);
		res->pages = total;
		res->bytes = b.n;
		rd_sha256_hex(b.p, b.n, res->sha256);
		if (req->doc == RD_DOC_AGREEMENT || req->doc == RD_DOC_PACKET)
			rd_strlcpy(res->agreement_version, ctx->agr.version, sizeof res->agreement_version);
	}
	*pdf = b.p;
	*len = b.n;
	return RD_OK;
}

rd_code rd_print_render_file(rd_print_ctx *ctx, const rd_print_request *req, const char *path,
			     rd_print_result *res, rd_err *e)
{
	unsigned char *pdf;
	size_t len;
	rd_code rc = rd_print_render_mem(ctx, req, &pdf, &len, res, e);
	if (rc)
		return rc;
	rc = rd_file_write_atomic(path, pdf, len, 0644, e);
	free(pdf);
	return rc;
}
