/* The print dialog: application, document, printer and copies; a summary of
 * what will come out (documents, pages, copies, printer) before anything is
 * printed; then the job's result.  Opened from the clerk's menu (asks for
 * the number) or pushed with an application number (const char *) by the
 * application screens. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

enum { P_NO, P_DOC, P_PRINTER, P_COPIES };

static rd_code check_copies(void *ud, const char *value, rd_err *e)
{
	char *end;
	long v = strtol(value, &end, 10);
	(void)ud;
	if (!*value || *end || v < 1 || v > 99)
		return rd_fail_at(e, RD_E_INVALID, "copies", _("copies must be 1 to 99"));
	return RD_OK;
}

static const char *const doc_values[] = {"packet", "form", "agreement", "authorization", "impression", "receipt", NULL};
static const char *const doc_labels[] = {N_("whole packet"),   N_("acceptance form"), N_("subscriber agreement"),
					 N_("authorization letter"), N_("impression sheet"), N_("UKEY receipt"), NULL};

static const ui_field_spec print_fields[] = {
	{"no", N_("Application No."), 24, 31, UI_F_REQUIRED, NULL, NULL, NULL},
	{"doc", N_("Document"), 26, 0, 0, NULL, doc_values, doc_labels},
	{"printer", N_("Printer"), 24, 127, 0, NULL, NULL, NULL},
	{"copies", N_("Copies"), 4, 2, UI_F_REQUIRED, check_copies, NULL, NULL},
};

enum { PR_PREVIEW = 1, PR_PRINT };
static const ui_key print_keys[] = {
	{UI_FN(KEY_F(5)), PR_PREVIEW, N_("show what will be printed")},
	{UI_FN(KEY_F(2)), PR_PRINT, N_("print (after the summary was shown)")},
};

typedef struct print_state {
	ui_form form;
	bool have_preview;
	char shown_for[512];   /* the field values the summary is for */
	rd_print_preview preview;
	char no[32];
	bool have_result;
	rd_print_outcome result;
} print_state;

/* The field values as one string, to tell whether the summary still holds. */
static void values_key(const ui_form *f, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		char *v = ui_form_value(f, i);
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s\x1f", v ? v : "");
		free(v);
	}
}

static int print_open(ui *u, ui_screen *s, const void *arg)
{
	print_state *st = calloc(1, sizeof *st);
	const char *printer = rd_config_str(ui_ctx(u)->cfg, "print", "printer");
	if (!st)
		return -1;
	s->state = st;
	if (ui_form_init(&st->form, print_fields, RD_ARRAY_LEN(print_fields), st) != 0)
		return -1;
	ui_form_set_value(&st->form, P_PRINTER, printer ? printer : "");
	ui_form_set_value(&st->form, P_COPIES, "1");
	if (arg && *(const char *)arg) {
		ui_form_set_value(&st->form, P_NO, arg);
		ui_form_focus(&st->form, P_DOC);
	}
	return 0;
}

static void print_close(ui *u, ui_screen *s)
{
	print_state *st = s->state;
	(void)u;
	if (st)
		ui_form_free(&st->form);
	free(st);
}

static void line(int y, int x, int w, const char *label, int attr, const char *value)
{
	ui_text(y, x, 16, UI_A_DIM, label);
	ui_text(y, x + 16, w - 16, attr, value);
}

static void print_draw(ui *u, ui_screen *s, ui_rect r)
{
	print_state *st = s->state;
	char buf[512], key[512];
	int y = r.y + 7;
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, _("Print an application's paper: the summary comes first, then F2 prints."));
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, 4, r.w});
	values_key(&st->form, key, sizeof key);
	if (st->have_preview && !strcmp(key, st->shown_for)) {
		char *copies = ui_form_value(&st->form, P_COPIES), *printer = ui_form_value(&st->form, P_PRINTER);
		long n = 1;
		if (copies && !rd_parse_long(copies, 1, 99, &n))
			n = 0; /* said beside the field */
		ui_text(y++, r.x, r.w, UI_A_TITLE, _("Summary"));
		line(y++, r.x, r.w, _("Application"), UI_A_NORMAL, st->no);
		line(y++, r.x, r.w, _("Documents"), UI_A_NORMAL, st->preview.documents);
		snprintf(buf, sizeof buf, _("%d pages × %d copies = %d sheets"), st->preview.pages, (int)n,
			 st->preview.pages * (int)n);
		line(y++, r.x, r.w, _("Pages"), UI_A_NORMAL, buf);
		line(y++, r.x, r.w, _("Printer"), UI_A_NORMAL,
		     printer && *printer ? printer : _("none: the PDF is only saved"));
		if (st->preview.printed_before)
			line(y++, r.x, r.w, _("Note"), UI_A_DIM, _("printed before: this is a reprint"));
		free(copies);
		free(printer);
	}
	if (st->have_result) {
		const rd_print_outcome *o = &st->result;
		y++;
		ui_text(y++, r.x, r.w, UI_A_TITLE, _("Result"));
		if (o->printer[0])
			snprintf(buf, sizeof buf, _("job %d on %s: %s"), o->job_id, o->printer, o->job_state);
		else
			snprintf(buf, sizeof buf, "%s", _("PDF saved"));
		line(y++, r.x, r.w, _("Job"), UI_A_OK, buf);
		line(y++, r.x, r.w, _("PDF"), UI_A_NORMAL, o->pdf_path);
		line(y++, r.x, r.w, _("SHA-256"), UI_A_NORMAL, o->sha256);
	}
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("Enter on the last field or F5: summary · F2: print · Esc: back"));
}

static bool read_values(print_state *st, char **no, char **doc, char **printer, int *copies)
{
	char *c = ui_form_value(&st->form, P_COPIES);
	*no = ui_form_value(&st->form, P_NO);
	*doc = ui_form_value(&st->form, P_DOC);
	*printer = ui_form_value(&st->form, P_PRINTER);
	long n = 1;
	if (c && !rd_parse_long(c, 1, 99, &n))
		n = 0; /* refused by the workflow, naming copies */
	*copies = (int)n;
	free(c);
	if (*no)
		rd_trim(*no);
	if (*printer)
		rd_trim(*printer);
	return *no && *doc && *printer;
}

static void show_error(ui *u, print_state *st, const rd_err *e)
{
	if (!ui_form_set_error(&st->form, e))
		ui_msg_err(u, e);
	else
		ui_msg_error(u, "%s", e->msg);
}

static void preview(ui *u, print_state *st)
{
	char *no, *doc, *printer;
	int copies;
	rd_err e;
	rd_err_clear(&e);
	st->have_preview = false;
	if (!ui_form_validate(&st->form)) {
		ui_msg_error(u, "%s", _("correct the fields marked first"));
		return;
	}
	if (read_values(st, &no, &doc, &printer, &copies) &&
	    rd_print_preview_app(ui_ctx(u), no, doc, &st->preview, &e) == RD_OK) {
		st->have_preview = true;
		st->have_result = false;
		rd_strlcpy(st->no, no, sizeof st->no);
		values_key(&st->form, st->shown_for, sizeof st->shown_for);
		ui_msg(u, "%s", _("check the summary, then F2 prints"));
	} else {
		if (e.code == RD_E_NOTFOUND)
			rd_strlcpy(e.field, "no", sizeof e.field);
		show_error(u, st, &e);
	}
	free(no);
	free(doc);
	free(printer);
}

static void do_print(ui *u, print_state *st)
{
	char *no, *doc, *printer, key[512];
	int copies;
	rd_err e;
	values_key(&st->form, key, sizeof key);
	if (!st->have_preview || strcmp(key, st->shown_for) != 0) {
		preview(u, st); /* the operator sees the summary before anything prints */
		return;
	}
	rd_err_clear(&e);
	if (read_values(st, &no, &doc, &printer, &copies) &&
	    rd_print_application(ui_ctx(u), no, doc, copies, NULL, *printer ? printer : NULL, &st->result, &e) == RD_OK) {
		st->have_result = true;
		st->have_preview = false;
		ui_msg(u, _("%s printed: %d pages"), st->result.no, st->result.pages);
	} else {
		st->have_result = false;
		show_error(u, st, &e);
	}
	free(no);
	free(doc);
	free(printer);
}

static void preview_form(ui *u, void *st)
{
	preview(u, st);
}

static ui_result print_action(ui *u, ui_screen *s, int action)
{
	print_state *st = s->state;
	switch (action) {
	case PR_PREVIEW:
		preview(u, st);
		return UI_HANDLED;
	case PR_PRINT:
		do_print(u, st);
		return UI_HANDLED;
	}
	return ui_form_dispatch(u, &st->form, action, -1, preview_form, st, NULL);
}

static ui_result print_input(ui *u, ui_screen *s, int key)
{
	print_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_print = {
	.id = "print",
	.title = N_("print"),
	.keys = UI_KEYS(print_keys),
	.shared = &ui_form_keymap,
	.open = print_open,
	.close = print_close,
	.draw = print_draw,
	.action = print_action,
	.input = print_input,
};
