/* print/ internals: template model, agreement text, text fitting.  Not for
 * other folders. */
#ifndef RADESK_PRINT_INTERNAL_H
#define RADESK_PRINT_INTERNAL_H

#include <cairo.h>
#include <pango/pango.h>

#include "print/print.h"

/* ---- templates ---------------------------------------------------------------
 * One directive per line; '#' starts a comment line; arguments after the
 * directive word, several arguments separated by '|' ("\|" is a literal bar);
 * {name} is a placeholder, "{{" and "}}" literal braces.
 *
 *   title TEXT            centred, large, bold
 *   subtitle TEXT         centred, smaller
 *   meta TEXT             right-aligned small line (number, copy label)
 *   section TEXT          shaded heading bar across the page
 *   field L | V [| L | V] row of one or two label/value cells
 *   check L | {field} | value=Text | value=Text ...
 *                         row with tick boxes; the field's value picks the box
 *   para TEXT             wrapped paragraph
 *   agreement             the agreement text ([print] agreement)
 *   boxes MM | L | L ...  row of empty boxes MM high, label in the corner
 *   signboxes MM | L ...  the same with a date line at the bottom
 *   sign L [| L]          signature line(s) with a date
 *   space MM              vertical gap
 *   pagebreak             start a new page
 *   if organization | individual | impression | field KEY   ...   end
 *   copies L | L | L      copy labels of a numbered document
 *   footer TEXT           small text at the bottom of every page
 *   qr top | bottom       QR code top-left beside the title (default) or in the footer
 */
enum tpl_kind {
	TK_TITLE, TK_SUBTITLE, TK_META, TK_SECTION, TK_FIELD, TK_CHECK, TK_PARA, TK_AGREEMENT,
	TK_BOXES, TK_SIGNBOXES, TK_SIGN, TK_SPACE, TK_PAGEBREAK, TK_IF, TK_END,
};
enum tpl_cond { TC_ORGANIZATION, TC_INDIVIDUAL, TC_IMPRESSION, TC_FIELD };

struct tpl_line {
	enum tpl_kind kind;
	int lineno;
	char **args; /* raw (unsubstituted) arguments */
	int nargs;
	double num;  /* mm for boxes/space */
	enum tpl_cond cond;
	char *cond_key;
	int end;     /* TK_IF: index of the matching TK_END */
};

struct tpl {
	char *path;
	struct tpl_line *lines;
	size_t n;
	char **copy_labels;
	int ncopies;
	char *footer;
	bool qr_top; /* QR top-left (default) or bottom-right in the footer */
	char **used; /* field names the template prints, sorted, unique */
	size_t nused;
};

rd_code pr_tpl_parse(const char *text, const char *path, struct tpl *out, rd_err *e);
/* The next line of the text at *p, cut off in place and trimmed; *p moves
 * past it (NULL after the last line). */
char *pr_next_line(char **p);
void pr_tpl_free(struct tpl *t);

/* ---- agreement text ------------------------------------------------------------
 * "Version: X" and "Title: Y" header lines, a blank line, then paragraphs
 * separated by blank lines; "## " starts a clause heading.  Placeholders as
 * in templates. */
struct agr_par {
	bool heading;
	int lineno;
	char *text;
};
struct agreement {
	char *path;
	char *version;
	char *title;
	struct agr_par *pars;
	size_t n;
	char **used;
	size_t nused;
};
rd_code pr_agreement_parse(const char *text, const char *path, struct agreement *out, rd_err *e);
void pr_agreement_free(struct agreement *a);

/* Check the placeholders of s (file:line for errors) and add the field
 * names to *used. */
rd_code pr_placeholders_check(const char *s, const char *where, char ***used, size_t *nused,
			      rd_err *e);
/* Substitute placeholders; lookup returns NULL for "". */
typedef const char *(*pr_lookup_fn)(void *ud, const char *name);
char *pr_subst(const char *s, pr_lookup_fn lookup, void *ud);
bool pr_builtin_name(const char *name);
void pr_sort_unique(char **v, size_t *n);

/* ---- context ------------------------------------------------------------------- */
struct rd_print_ctx {
	struct tpl docs[RD_DOC_COUNT];
	struct agreement agr;
	char *font;
	PangoFontMap *fontmap; /* over the prepared fonts of [print] font_dir; NULL: system fonts */
	char *font_dir;        /* where fontmap's fonts come from, for messages */
	unsigned char *key;
	size_t key_len;
	char **used[RD_DOC_COUNT]; /* template ∪ agreement (for the agreement) ∪ app.no */
	size_t nused[RD_DOC_COUNT];
};

/* ---- text fitting ------------------------------------------------------------------
 * Lay text out in a box `width` wide: wrap at the start size; when more than
 * max_lines lines (or taller than max_h, if > 0) are needed, shrink in
 * 0.5 pt steps down to min_size.  RD_E_INVALID (field `what`) when it can
 * not fit even then.  The chosen size and height are returned. */
struct pr_fit {
	double size;
	double height;
	int lines;
};
rd_code pr_fit_text(cairo_t *cr, const char *family, bool bold, const char *text, double width,
		    double size, double min_size, int max_lines, double max_h, const char *what,
		    struct pr_fit *out, rd_err *e);

/* ---- payload ------------------------------------------------------------------------- */
rd_code pr_payload_make(const struct rd_print_ctx *ctx, const unsigned char *key, size_t key_len,
			pr_lookup_fn lookup, void *ud, rd_print_doc doc, int copy, int copies,
			int page, int pages, char *out, size_t outlen, rd_err *e);

#endif
