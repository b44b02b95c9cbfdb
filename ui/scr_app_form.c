/* Clerk: the application form (register an individual or an organization,
 * edit, fill in a copy), its review page and the number screen after
 * registration.  The fields, labels, required marks and lengths all come
 * from the forms table (forms/forms.h); each field is checked by
 * rd_application_check_field against the whole application when the clerk
 * leaves it. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct appform {
	ui *u;
	rd_app_kind kind;
	bool copy;          /* a draft made by rd_app_copy */
	bool new_number;    /* registering ends on the number screen (new, copy) */
	bool existing;      /* no[] names a stored application (edit, copy, or saved once) */
	char no[32];
	int version;        /* the version loaded or last saved (rd_app_edit checks it) */
	bool answer_set;    /* an answer is on file: an empty answer keeps it */
	rd_products *products;
	size_t n;
	rd_field_id fid[RD_F_COUNT];   /* form row -> field */
	ui_field_spec spec[RD_F_COUNT];
	const char *prod_ids[64], *prod_names[64];
	const char *idt_values[RD_ID_TYPE_COUNT], *idt_labels[RD_ID_TYPE_COUNT];
	ui_form form;
} appform;

static const rd_field *row_field(const appform *af, size_t i)
{
	return rd_field_get(af->fid[i]);
}

static unsigned form_flags(const appform *af)
{
	return af->answer_set ? RD_APP_ANSWER_KEPT : 0;
}

/* The application as typed.  Values the model refuses (too long, not a
 * number) go to errs when given; the others are set regardless. */
static void build_model(appform *af, rd_application *a, rd_errlist *errs)
{
	rd_application_init(a);
	a->kind = af->kind;
	for (size_t i = 0; i < af->n; i++) {
		char *v = ui_form_value(&af->form, i);
		rd_err e;
		if (!v)
			continue;
		if (rd_application_set(a, af->fid[i], v, &e) != RD_OK && errs)
			rd_errlist_add(errs, &e);
		if (af->spec[i].flags & UI_F_HIDDEN)
			rd_secret_free(v, 0);
		else
			free(v);
	}
}

static size_t row_of(const appform *af, rd_field_id id)
{
	for (size_t i = 0; i < af->n; i++)
		if (af->fid[i] == id)
			return i;
	return af->n;
}

/* ---- the per-field check (one validator per field id) ---------------------------- */
static rd_code check_at(void *ud, rd_field_id id, const char *value, rd_err *e)
{
	appform *af = ud;
	rd_application a;
	rd_code rc;
	build_model(af, &a, NULL);
	rc = rd_application_set(&a, id, value, e);
	if (rc == RD_OK)
		rc = rd_application_check_field(&a, id, af->products, rd_ctx_now(ui_ctx(af->u)), form_flags(af), e);
	rd_application_clear(&a);
	return rc;
}

#define V(n)                                                                                                 \
	static rd_code check_##n(void *ud, const char *value, rd_err *e)                                     \
	{                                                                                                    \
		return check_at(ud, (rd_field_id)(n), value, e);                                             \
	}
V(0) V(1) V(2) V(3) V(4) V(5) V(6) V(7) V(8) V(9) V(10) V(11) V(12) V(13) V(14) V(15) V(16) V(17) V(18) V(19) V(20)
#undef V
static const ui_validate_fn checks[] = {
	check_0,  check_1,  check_2,  check_3,  check_4,  check_5,  check_6,  check_7,  check_8,  check_9,  check_10,
	check_11, check_12, check_13, check_14, check_15, check_16, check_17, check_18, check_19, check_20,
};
_Static_assert(RD_F_SUBJECT_ID_NUMBER == RD_F_SUBJECT_ID_TYPE + 1 && RD_F_AGENT_ID_NUMBER == RD_F_AGENT_ID_TYPE + 1,
	       "an ID number follows its type");
_Static_assert(sizeof checks / sizeof checks[0] == RD_F_COUNT, "one check per field of forms/forms.h");

/* ---- building the form from the field table ------------------------------------ */
static int box_width(const rd_field *f)
{
	int w = f->max_chars + 1;
	return w < 8 ? 8 : w > 32 ? 32 : w;
}

static void set_required(appform *af)
{
	for (size_t i = 0; i < af->n; i++) {
		const rd_field *f = row_field(af, i);
		bool req = f->req[af->kind] == RD_REQ_REQUIRED;
		if (f->type == RD_FT_SECRET && af->answer_set)
			req = false; /* the answer on file is kept */
		af->spec[i].flags = (af->spec[i].flags & ~(unsigned)UI_F_REQUIRED) | (req ? UI_F_REQUIRED : 0);
	}
}

static int build_form(appform *af, rd_err *e)
{
	size_t np = 0;
	bool zh = ui_lang_zh();
	if (rd_products_load(ui_ctx(af->u)->cfg, &af->products, e) != RD_OK)
		return -1;
	for (size_t i = 0; i < rd_products_count(af->products) && np + 1 < RD_ARRAY_LEN(af->prod_ids); i++) {
		const rd_product *p = rd_products_at(af->products, i);
		if (p->kind != af->kind)
			continue;
		af->prod_ids[np] = p->id;
		af->prod_names[np++] = zh && p->name_zh[0] ? p->name_zh : rd_product_display_name(p);
	}
	af->prod_ids[np] = af->prod_names[np] = NULL;
	for (int t = 1; t < RD_ID_TYPE_COUNT; t++) {
		af->idt_values[t - 1] = rd_id_type_name((rd_id_type)t);
		af->idt_labels[t - 1] = zh ? rd_id_type_label_zh((rd_id_type)t) : rd_id_type_label((rd_id_type)t);
	}
	af->idt_values[RD_ID_TYPE_COUNT - 1] = af->idt_labels[RD_ID_TYPE_COUNT - 1] = NULL;
	int choicew = 0;
	for (size_t i = 0; i < np; i++) {
		int w = ui_width(af->prod_names[i]) + 5; /* "‹ name ›" and the cursor */
		choicew = w > choicew ? w : choicew;
	}
	choicew = choicew < 32 ? 32 : choicew > 48 ? 48 : choicew;
	for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) {
		ui_field_spec *s = &af->spec[af->n];
		if (f->id == RD_F_KIND || f->req[af->kind] == RD_REQ_UNUSED)
			continue;
		af->fid[af->n++] = f->id;
		s->name = f->path; /* workflow errors name fields by JSON path */
		s->label = zh ? f->label_zh : f->label;
		s->width = box_width(f);
		s->max_chars = f->max_chars;
		s->validate = checks[f->id];
		if (f->type == RD_FT_SECRET)
			s->flags |= UI_F_HIDDEN;
		if (f->id == RD_F_PRODUCT) {
			s->choices = af->prod_ids;
			s->choice_labels = af->prod_names;
			s->width = choicew;
		} else if (f->check == RD_CHECK_ID_TYPE) {
			s->choices = af->idt_values;
			s->choice_labels = af->idt_labels;
			s->width = 32;
		}
	}
	set_required(af);
	if (ui_form_init(&af->form, af->spec, af->n, af) != 0)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory")), -1;
	return 0;
}

static void fill_form(appform *af, const rd_application *a)
{
	char buf[64];
	size_t focus = af->form.focus;
	for (size_t i = 0; i < af->n; i++) {
		const rd_field *f = row_field(af, i);
		if (f->type == RD_FT_SECRET)
			continue;
		if (f->check == RD_CHECK_ID_TYPE && !rd_application_get(a, f->id, buf, sizeof buf)[0])
			continue; /* no ID yet: the choice stays on the first type */
		ui_form_set_value(&af->form, i, rd_application_get(a, f->id, buf, sizeof buf));
	}
	ui_form_focus(&af->form, focus);
}

/* Loads a stored application into the form (edit and copy). */
static int load_existing(ui *u, appform *af, const char *no)
{
	rd_application a;
	rd_app_meta m;
	rd_err e;
	if (rd_app_fetch(ui_ctx(u), no, &a, &m, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	if (m.masked) {
		rd_application_clear(&a);
		ui_msg_error(u, "%s", _("your role cannot edit applications"));
		return -1;
	}
	af->kind = a.kind;
	af->existing = true;
	rd_strlcpy(af->no, m.no, sizeof af->no);
	af->version = m.version;
	af->answer_set = m.answer_set;
	if (build_form(af, &e) != 0) {
		rd_application_clear(&a);
		ui_msg_err(u, &e);
		return -1;
	}
	fill_form(af, &a);
	rd_application_clear(&a);
	if (af->copy) /* start where the clerk has to type: the first empty required field */
		for (size_t i = af->n; i-- > 0;)
			if ((af->spec[i].flags & UI_F_REQUIRED) && !af->spec[i].choices && af->form.f[i].len == 0)
				ui_form_focus(&af->form, i);
	return 0;
}

static int open_common(ui *u, ui_screen *s, rd_app_kind kind, const ui_app_form_arg *arg)
{
	appform *af = calloc(1, sizeof *af);
	rd_err e;
	if (!af)
		return -1;
	s->state = af;
	af->u = u;
	af->kind = kind;
	af->new_number = !arg || arg->copy;
	if (rd_require_role(ui_ctx(u), &e, 1, RD_ROLE_CLERK) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	if (arg && arg->no) {
		af->copy = arg->copy;
		return load_existing(u, af, arg->no);
	}
	if (build_form(af, &e) != 0) {
		ui_msg_err(u, &e);
		return -1;
	}
	ui_form_set_value(&af->form, row_of(af, RD_F_YEARS), "1");
	{ /* the applicant accepts the agreement the service point prints now */
		char version[64];
		if (rd_agreement_current(ui_ctx(u), version, sizeof version) == RD_OK)
			ui_form_set_value(&af->form, row_of(af, RD_F_AGREEMENT_VERSION), version);
	}
	return 0;
}

static int open_individual(ui *u, ui_screen *s, const void *arg)
{
	(void)arg;
	return open_common(u, s, RD_APP_INDIVIDUAL, NULL);
}

static int open_organization(ui *u, ui_screen *s, const void *arg)
{
	(void)arg;
	return open_common(u, s, RD_APP_ORGANIZATION, NULL);
}

static int open_edit(ui *u, ui_screen *s, const void *arg)
{
	return open_common(u, s, RD_APP_KIND_NONE, arg);
}

static void form_close(ui *u, ui_screen *s)
{
	appform *af = s->state;
	(void)u;
	if (!af)
		return;
	if (af->form.f)
		ui_form_free(&af->form); /* wipes the answer */
	rd_products_free(af->products);
	free(af);
}

/* ---- drawing -------------------------------------------------------------------- */
static void form_draw(ui *u, ui_screen *s, ui_rect r)
{
	appform *af = s->state;
	char head[256];
	const rd_field *f = af->n ? row_field(af, af->form.focus) : NULL;
	if (af->existing)
		snprintf(head, sizeof head, _("Application %s (version %d) · fields marked * are required"), af->no,
			 af->version);
	else
		snprintf(head, sizeof head, "%s", _("A new application · fields marked * are required"));
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, head);
	ui_form_draw(u, &af->form, (ui_rect){r.y + 2, r.x, r.h - 5, r.w});
	if (f)
		ui_text(r.y + r.h - 2, r.x, r.w, UI_A_DIM, _(f->help));
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM,
		_("F2: save as draft · F3 or Enter on the last field: review · Esc: back · F1: all keys"));
}

/* ---- saving ---------------------------------------------------------------------- */
/* Puts every error beside its field and focuses the first; the rest (and
 * errors of no field) go to the message line.  True when any was placed. */
static bool show_errors(ui *u, appform *af, const rd_errlist *errs, const rd_err *e)
{
	size_t first = af->n;
	const rd_err *loose = NULL;
	for (size_t k = 0; k < errs->n; k++) {
		size_t i = 0;
		while (i < af->n && !rd_streq(af->spec[i].name, errs->items[k].field))
			i++;
		if (i < af->n) {
			rd_strlcpy(af->form.f[i].err, errs->items[k].msg, sizeof af->form.f[i].err);
			if (i < first)
				first = i;
		} else if (!loose) {
			loose = &errs->items[k];
		}
	}
	if (!errs->n && e && e->code != RD_OK) {
		if (ui_form_set_error(&af->form, e))
			first = af->form.focus;
		else
			loose = e;
	}
	if (first < af->n)
		ui_form_focus(&af->form, first);
	if (loose)
		ui_msg_err(u, loose);
	else if (first < af->n)
		ui_msg_error(u, "%s", _("not saved; see the fields marked"));
	return first < af->n;
}

/* Saves as a draft (RD_APP_DRAFT) or as complete: registers the first
 * time, edits with the version loaded afterwards.  True when saved. */
static bool save(ui *u, appform *af, unsigned flags)
{
	rd_application a;
	rd_errlist errs;
	rd_err e;
	rd_code rc;
	char no[32] = "";
	rd_errlist_init(&errs);
	rd_err_clear(&e);
	build_model(af, &a, &errs);
	if (errs.n) {
		rd_application_clear(&a);
		show_errors(u, af, &errs, NULL);
		rd_errlist_free(&errs);
		return false;
	}
	if (!af->existing)
		rc = rd_app_register(ui_ctx(u), &a, flags, no, &errs, &e);
	else
		rc = rd_app_edit(ui_ctx(u), af->no, &a, af->version, flags, &errs, &e);
	rd_application_clear(&a);
	if (rc != RD_OK) {
		show_errors(u, af, &errs, &e);
		rd_errlist_free(&errs);
		return false;
	}
	rd_errlist_free(&errs);
	if (!af->existing) {
		rd_strlcpy(af->no, no, sizeof af->no);
		af->existing = true;
	}
	{
		rd_application back;
		rd_app_meta m;
		if (rd_app_fetch(ui_ctx(u), af->no, &back, &m, NULL) == RD_OK) {
			af->version = m.version;
			af->answer_set = m.answer_set;
			fill_form(af, &back); /* the values as stored: normalised */
			rd_application_clear(&back);
		}
	}
	/* The answer is on file as a hash now; the typed one is wiped. */
	ui_form_set_value(&af->form, row_of(af, RD_F_VERIFY_ANSWER), "");
	set_required(af);
	return true;
}

static void save_draft(ui *u, appform *af)
{
	if (save(u, af, RD_APP_DRAFT))
		ui_msg(u, _("saved as draft %s"), af->no);
}

/* Every field's own check, then the whole application's (agent group,
 * years within the product's maximum ...) before the review page. */
static bool complete(ui *u, appform *af)
{
	rd_application a;
	rd_errlist errs;
	bool fine = ui_form_validate(&af->form);
	if (!fine) {
		ui_msg_error(u, "%s", _("correct the fields marked first"));
		return false;
	}
	rd_errlist_init(&errs);
	build_model(af, &a, &errs);
	if (!errs.n)
		rd_application_validate(&a, af->products, rd_ctx_now(ui_ctx(u)), form_flags(af), NULL, &errs);
	rd_application_clear(&a);
	fine = errs.n == 0;
	if (!fine)
		show_errors(u, af, &errs, NULL);
	rd_errlist_free(&errs);
	return fine;
}

static void review(ui *u, appform *af)
{
	if (complete(u, af))
		ui_push(u, &ui_scr_app_review, af);
}

enum { AF_DRAFT = 1, AF_REVIEW, AF_PGUP, AF_PGDN };
static const ui_key form_keys[] = {
	{UI_FN(KEY_F(2)), AF_DRAFT, N_("save as draft (incomplete is fine)")},
	{UI_FN(KEY_F(3)), AF_REVIEW, N_("review every value, then register")},
	{UI_FN(KEY_PPAGE), AF_PGUP, N_("ten fields up")},
	{UI_FN(KEY_NPAGE), AF_PGDN, N_("ten fields down")},
};

static ui_result form_action(ui *u, ui_screen *s, int action)
{
	appform *af = s->state;
	switch (action) {
	case AF_DRAFT:
		save_draft(u, af);
		return UI_HANDLED;
	case AF_REVIEW:
		review(u, af);
		return UI_HANDLED;
	case AF_PGUP:
	case AF_PGDN:
		for (int k = 0; k < 10; k++)
			ui_form_action(&af->form, action == AF_PGUP ? UI_FORM_PREV : UI_FORM_NEXT);
		return UI_HANDLED;
	}
	switch (ui_form_action(&af->form, action)) {
	case UI_FORM_EV_SUBMIT:
	case UI_FORM_EV_INVALID:
		review(u, af);
		return UI_HANDLED;
	case UI_FORM_EV_NONE:
		return UI_HANDLED;
	default:
		return UI_UNHANDLED;
	}
}

static ui_result form_input(ui *u, ui_screen *s, int key)
{
	appform *af = s->state;
	(void)u;
	return ui_form_input(&af->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_register_individual = {
	.id = "register_individual",
	.title = N_("register an individual"),
	.keys = UI_KEYS(form_keys),
	.shared = &ui_form_keymap,
	.open = open_individual,
	.close = form_close,
	.draw = form_draw,
	.action = form_action,
	.input = form_input,
};

const ui_screen_ops ui_scr_register_organization = {
	.id = "register_organization",
	.title = N_("register an organization"),
	.keys = UI_KEYS(form_keys),
	.shared = &ui_form_keymap,
	.open = open_organization,
	.close = form_close,
	.draw = form_draw,
	.action = form_action,
	.input = form_input,
};

const ui_screen_ops ui_scr_app_edit = {
	.id = "app_edit",
	.title = N_("application form"),
	.keys = UI_KEYS(form_keys),
	.shared = &ui_form_keymap,
	.open = open_edit,
	.close = form_close,
	.draw = form_draw,
	.action = form_action,
	.input = form_input,
};

/* ---- review --------------------------------------------------------------------------- */
typedef struct review_state {
	appform *af;       /* the form below this screen */
	rd_application a;  /* its values as they will be stored (normalised) */
	int top, rows, page;
} review_state;

static int review_open(ui *u, ui_screen *s, const void *arg)
{
	review_state *st = calloc(1, sizeof *st);
	(void)u;
	if (!st)
		return -1;
	st->af = (appform *)arg;
	build_model(st->af, &st->a, NULL);
	s->state = st;
	return 0;
}

static void review_close(ui *u, ui_screen *s)
{
	review_state *st = s->state;
	(void)u;
	if (st)
		rd_application_clear(&st->a); /* the answer */
	free(st);
}

/* The value as the review shows it: choices by label, the answer never,
 * an ID type only with its number. */
static void shown_value(const review_state *st, size_t i, char *out, size_t n)
{
	const appform *af = st->af;
	const ui_field *fl = &af->form.f[i];
	const rd_field *f = row_field(af, i);
	char buf[64];
	const char *v;
	if (fl->spec->flags & UI_F_HIDDEN) {
		rd_strlcpy(out, fl->len ? _("(given, not shown)") : af->answer_set ? _("(kept as on file)") : _("(none)"),
			   n);
		return;
	}
	if (f->check == RD_CHECK_ID_TYPE && !rd_application_get(&st->a, (rd_field_id)(f->id + 1), buf, sizeof buf)[0]) {
		rd_strlcpy(out, "—", n); /* the number follows its type in the field table */
		return;
	}
	if (fl->spec->choices) {
		rd_strlcpy(out, _(fl->spec->choice_labels[fl->choice]), n);
		return;
	}
	v = rd_application_get(&st->a, f->id, buf, sizeof buf);
	rd_strlcpy(out, v && *v ? v : "—", n);
}

static void review_draw(ui *u, ui_screen *s, ui_rect r)
{
	review_state *st = s->state;
	appform *af = st->af;
	int labelw = 0, y = r.y + 2;
	(void)u;
	ui_text(r.y, r.x, r.w, UI_A_OK, _("Read every value back to the applicant, then confirm."));
	st->rows = (int)af->n;
	st->page = r.h - 4 > 1 ? r.h - 4 : 1;
	if (st->top > st->rows - st->page)
		st->top = st->rows - st->page > 0 ? st->rows - st->page : 0;
	for (size_t i = 0; i < af->n; i++) {
		int lw = ui_width(_(af->spec[i].label));
		labelw = lw > labelw ? lw : labelw;
	}
	for (int i = st->top; i < st->rows && y < r.y + 2 + st->page; i++, y++) {
		char val[1024];
		shown_value(st, (size_t)i, val, sizeof val);
		ui_text(y, r.x, labelw, UI_A_NORMAL, _(af->spec[i].label));
		ui_text(y, r.x + labelw + 2, r.w - labelw - 2, UI_A_NORMAL, val);
	}
	if (st->top > 0)
		ui_text(r.y + 2, r.x + r.w - 1, 1, UI_A_DIM, "↑");
	if (st->top + st->page < st->rows)
		ui_text(r.y + 1 + st->page, r.x + r.w - 1, 1, UI_A_DIM, "↓");
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("Enter or F3: confirm, register and submit · Esc: back to the form"));
}

/* The review page is where the clerk submits: a confirmed draft goes to
 * the desk's checks at once (F2 on the form keeps a draft a draft).  False,
 * with the reason shown, when it stays a draft. */
static bool submit_if_draft(ui *u, const char *no)
{
	rd_application a;
	rd_app_meta m;
	rd_err e;
	rd_err_clear(&e);
	if (rd_app_fetch(ui_ctx(u), no, &a, &m, &e) != RD_OK) {
		ui_msg_error(u, "%s", e.msg);
		return false;
	}
	rd_application_clear(&a);
	if (strcmp(m.state, "draft") != 0)
		return true;
	if (rd_app_submit(ui_ctx(u), no, m.version, NULL, &e) != RD_OK) {
		ui_msg_error(u, _("%s is saved as a draft, not submitted: %s"), no, e.msg);
		return false;
	}
	return true;
}

/* Registered: the form and this page go, the number screen (or, for an
 * edit, the detail view below) comes. */
static void confirm(ui *u, review_state *st)
{
	appform *af = st->af;
	char no[32];
	bool show_number = af->new_number, submitted;
	if (!save(u, af, 0)) {
		ui_pop(u); /* back to the form, errors beside their fields */
		return;
	}
	rd_strlcpy(no, af->no, sizeof no);
	submitted = submit_if_draft(u, no);
	ui_pop(u);
	ui_pop(u); /* st and af are gone */
	if (show_number)
		ui_push(u, &ui_scr_app_registered, no);
	else if (submitted)
		ui_msg(u, _("application %s saved"), no);
}

enum { R_CONFIRM = 1, R_UP, R_DOWN, R_PGUP, R_PGDN };
static const ui_key review_keys[] = {
	{'\n', R_CONFIRM, N_("confirm: register and submit the application")},
	{UI_FN(KEY_ENTER), R_CONFIRM, N_("confirm: register and submit the application")},
	{UI_FN(KEY_F(3)), R_CONFIRM, N_("confirm: register and submit the application")},
	{UI_FN(KEY_UP), R_UP, N_("scroll up")},
	{UI_FN(KEY_DOWN), R_DOWN, N_("scroll down")},
	{UI_FN(KEY_PPAGE), R_PGUP, N_("page up")},
	{UI_FN(KEY_NPAGE), R_PGDN, N_("page down")},
};

static ui_result review_action(ui *u, ui_screen *s, int action)
{
	review_state *st = s->state;
	switch (action) {
	case R_CONFIRM:
		confirm(u, st);
		return UI_HANDLED;
	case R_UP:
	case R_PGUP:
		st->top -= action == R_UP ? 1 : st->page;
		if (st->top < 0)
			st->top = 0;
		return UI_HANDLED;
	case R_DOWN:
	case R_PGDN:
		st->top += action == R_DOWN ? 1 : st->page; /* clamped when drawn */
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

const ui_screen_ops ui_scr_app_review = {
	.id = "app_review",
	.title = N_("review before registering"),
	.keys = UI_KEYS(review_keys),
	.open = review_open,
	.close = review_close,
	.draw = review_draw,
	.action = review_action,
};

/* ---- the number --------------------------------------------------------------------- */
static int registered_open(ui *u, ui_screen *s, const void *arg)
{
	(void)u;
	s->state = rd_strdup(arg);
	return s->state ? 0 : -1;
}

static void registered_close(ui *u, ui_screen *s)
{
	(void)u;
	free(s->state);
}

static void registered_draw(ui *u, ui_screen *s, ui_rect r)
{
	const char *no = s->state;
	char spaced[96];
	size_t o = 0;
	int w, y = r.y + r.h / 3;
	(void)u;
	for (const char *p = no; *p && o + 3 < sizeof spaced; p++) {
		spaced[o++] = *p;
		if (p[1])
			spaced[o++] = ' ';
	}
	spaced[o] = '\0';
	w = ui_width(_("The application is registered and submitted. Its number:"));
	ui_text(y, r.x + (r.w > w ? (r.w - w) / 2 : 0), r.w, UI_A_NORMAL,
		_("The application is registered and submitted. Its number:"));
	w = ui_width(spaced);
	ui_text(y + 2, r.x + (r.w > w ? (r.w - w) / 2 : 0), r.w, UI_A_TITLE, spaced);
	w = ui_width(no);
	ui_text(y + 4, r.x + (r.w > w ? (r.w - w) / 2 : 0), r.w, UI_A_OK, no);
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("Enter: open the application · Esc: back"));
}

enum { N_OPEN = 1 };
static const ui_key registered_keys[] = {
	{'\n', N_OPEN, N_("open the application's detail view")},
	{UI_FN(KEY_ENTER), N_OPEN, N_("open the application's detail view")},
};

static ui_result registered_action(ui *u, ui_screen *s, int action)
{
	char no[32];
	if (action != N_OPEN)
		return UI_UNHANDLED;
	rd_strlcpy(no, s->state, sizeof no);
	ui_pop(u);
	ui_push(u, &ui_scr_app_detail, no);
	return UI_HANDLED;
}

const ui_screen_ops ui_scr_app_registered = {
	.id = "app_registered",
	.title = N_("application registered"),
	.keys = UI_KEYS(registered_keys),
	.open = registered_open,
	.close = registered_close,
	.draw = registered_draw,
	.action = registered_action,
};
