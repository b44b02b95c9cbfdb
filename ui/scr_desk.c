/* The desk's screens: the clerk's day, a document checklist, the fee, the
 * reviewers' queue and decision, and the admin's outbox. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- today ------------------------------------------------------------------- */
enum { D_DOCS = 1, D_FEE, D_SUBMIT, D_RELOAD };
static const ui_key today_keys[] = {
	{'\n', D_DOCS, N_("document checklist of the chosen application")},
	{'d', D_DOCS, N_("document checklist of the chosen application")},
	{'f', D_FEE, N_("take the fee for the chosen application")},
	{'s', D_SUBMIT, N_("submit the chosen application")},
	{'r', D_RELOAD, N_("reload the lists")},
};
static const ui_column today_cols[] = {
	{N_("List"), 22}, {N_("Application"), 20}, {N_("State"), 14}, {N_("Product"), 14}, {N_("Changed"), 0},
};

typedef struct list_state {
	ui_list list;
	const char *group;
} list_state;

static int add_today_row(void *ud, const rd_app_state *a)
{
	list_state *st = ud;
	char when[32];
	const char *cells[5];
	rd_time_local(a->updated_at, when);
	cells[0] = st->group;
	cells[1] = a->no;
	cells[2] = rd_app_state_label(a->state);
	cells[3] = a->product;
	cells[4] = when;
	return ui_list_add(&st->list, cells) != 0;
}

static int load_today(ui *u, list_state *st)
{
	static const struct {
		rd_desk_list which;
		const char *title;
	} groups[] = {
		{RD_LIST_MY_DRAFTS, N_("my drafts")},
		{RD_LIST_WAIT_DOCUMENTS, N_("waiting for documents")},
		{RD_LIST_WAIT_PAYMENT, N_("waiting for payment")},
		{RD_LIST_REJECTED, N_("rejected back to me")},
	};
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	for (size_t i = 0; i < RD_ARRAY_LEN(groups); i++) {
		st->group = _(groups[i].title);
		if (rd_desk_today(ui_ctx(u), groups[i].which, 200, add_today_row, st, &e) != RD_OK) {
			ui_msg_err(u, &e);
			return -1;
		}
	}
	return 0;
}

static int list_open(ui *u, ui_screen *s, const ui_column *cols, size_t ncols, int (*load)(ui *, list_state *))
{
	list_state *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, cols, ncols);
	return load(u, st);
}

static void list_close(ui *u, ui_screen *s)
{
	list_state *st = s->state;
	(void)u;
	if (st)
		ui_list_free(&st->list);
	free(st);
}

static int today_open(ui *u, ui_screen *s, const void *arg)
{
	(void)arg;
	return list_open(u, s, today_cols, RD_ARRAY_LEN(today_cols), load_today);
}

static void today_draw(ui *u, ui_screen *s, ui_rect r)
{
	list_state *st = s->state;
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 1, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("Enter: documents · f: fee · s: submit · F1: all keys"));
}

/* The application number of the chosen row, copied (lists are reloaded). */
static bool chosen(list_state *st, size_t col, char out[32])
{
	const char *no = ui_list_cell(&st->list, st->list.sel, col);
	if (!no)
		return false;
	rd_strlcpy(out, no, 32);
	return true;
}

static ui_result today_action(ui *u, ui_screen *s, int action)
{
	list_state *st = s->state;
	char no[32];
	rd_err e;
	switch (action) {
	case D_DOCS:
		if (chosen(st, 1, no))
			ui_push(u, &ui_scr_documents, no);
		return UI_HANDLED;
	case D_FEE:
		if (chosen(st, 1, no))
			ui_push(u, &ui_scr_fee, no);
		return UI_HANDLED;
	case D_SUBMIT:
		if (!chosen(st, 1, no))
			return UI_HANDLED;
		rd_err_clear(&e);
		if (rd_app_submit(ui_ctx(u), no, 0, NULL, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("%s submitted"), no);
		load_today(u, st);
		return UI_HANDLED;
	case D_RELOAD:
		load_today(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static void today_resume(ui *u, ui_screen *s)
{
	load_today(u, s->state);
}

const ui_screen_ops ui_scr_today = {
	.id = "today",
	.title = N_("today's work"),
	.keys = UI_KEYS(today_keys),
	.shared = &ui_list_keymap,
	.open = today_open,
	.close = list_close,
	.draw = today_draw,
	.action = today_action,
	.resume = today_resume,
};

/* ---- documents ----------------------------------------------------------------- */
enum { C_VERIFIED = 1, C_RECEIVED, C_MISSING, C_CHECK, C_RELOAD };
static const ui_key docs_keys[] = {
	{'v', C_VERIFIED, N_("mark the chosen document verified")},
	{'e', C_RECEIVED, N_("mark the chosen document received")},
	{'m', C_MISSING, N_("mark the chosen document missing")},
	{'c', C_CHECK, N_("documents checked: move the application on")},
	{'r', C_RELOAD, N_("reload")},
};
static const ui_column docs_cols[] = {
	{N_("Document"), 22}, {N_("Status"), 10}, {N_("Operator"), 10}, {N_("Time"), 17}, {N_("Description"), 0},
};

typedef struct docs_state {
	ui_list list;
	char no[32];
	char head[160];
	char state[24];              /* the application's, as last loaded */
} docs_state;

/* States on the way to a certificate that come after the document check. */
static bool past_documents(const char *state)
{
	static const char *const later[] = {"documents_checked", "paid", "under_review", "approved",
					    "queued_for_ca", "issued", "activated"};
	for (size_t i = 0; i < RD_ARRAY_LEN(later); i++)
		if (!strcmp(state, later[i]))
			return true;
	return false;
}

static int load_docs(ui *u, docs_state *st)
{
	rd_app_state app;
	rd_doc_item items[RD_DOC_MAX];
	size_t n = 0;
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	st->state[0] = '\0';
	if (rd_doc_checklist(ui_ctx(u), st->no, &app, items, &n, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	rd_strlcpy(st->state, app.state, sizeof st->state);
	snprintf(st->head, sizeof st->head, _("%s: %s (version %lld)"), app.no, rd_app_state_label(app.state),
		 (long long)app.version);
	for (size_t i = 0; i < n; i++) {
		char when[32] = "";
		const char *cells[5];
		if (items[i].row.at)
			rd_time_local(items[i].row.at, when);
		cells[0] = items[i].type;
		cells[1] = items[i].row.status;
		cells[2] = items[i].row.operator_name;
		cells[3] = when;
		cells[4] = items[i].label;
		if (ui_list_add(&st->list, cells) != 0)
			return -1;
	}
	return 0;
}

static int docs_open(ui *u, ui_screen *s, const void *arg)
{
	docs_state *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	s->state = st;
	rd_strlcpy(st->no, arg ? arg : "", sizeof st->no);
	ui_list_init(&st->list, docs_cols, RD_ARRAY_LEN(docs_cols));
	return load_docs(u, st);
}

static void docs_close(ui *u, ui_screen *s)
{
	docs_state *st = s->state;
	(void)u;
	if (st)
		ui_list_free(&st->list);
	free(st);
}

static void docs_draw(ui *u, ui_screen *s, ui_rect r)
{
	docs_state *st = s->state;
	ui_text(r.y, r.x, r.w, UI_A_TITLE, st->head);
	ui_list_draw(u, &st->list, (ui_rect){r.y + 2, r.x, r.h - 3, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("v: verified · e: received · m: missing · c: checked · Esc: back"));
}

static void set_doc(ui *u, docs_state *st, const char *status)
{
	const char *type = ui_list_cell(&st->list, st->list.sel, 0);
	char t[32];
	rd_err e;
	if (!type)
		return;
	rd_strlcpy(t, type, sizeof t);
	rd_err_clear(&e);
	if (rd_doc_set(ui_ctx(u), st->no, t, status, NULL, NULL, &e) != RD_OK)
		ui_msg_err(u, &e);
	else
		ui_msg(u, _("%s: %s is %s"), st->no, t, status);
	load_docs(u, st);
}

static ui_result docs_action(ui *u, ui_screen *s, int action)
{
	docs_state *st = s->state;
	rd_err e;
	switch (action) {
	case C_VERIFIED:
		set_doc(u, st, "verified");
		return UI_HANDLED;
	case C_RECEIVED:
		set_doc(u, st, "received");
		return UI_HANDLED;
	case C_MISSING:
		set_doc(u, st, "missing");
		return UI_HANDLED;
	case C_CHECK:
		rd_err_clear(&e);
		/* said in the desk's words; the workflow's refusal names states */
		if (!strcmp(st->state, "draft"))
			ui_msg_error(u, _("%s is a draft: submit it first (s in its detail view)"), st->no);
		else if (past_documents(st->state))
			ui_msg(u, _("%s: the documents are checked already (%s)"), st->no, rd_app_state_label(st->state));
		else if (rd_app_check_documents(ui_ctx(u), st->no, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("%s: documents checked"), st->no);
		load_docs(u, st);
		return UI_HANDLED;
	case C_RELOAD:
		load_docs(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

const ui_screen_ops ui_scr_documents = {
	.id = "documents",
	.title = N_("document checklist"),
	.keys = UI_KEYS(docs_keys),
	.shared = &ui_list_keymap,
	.open = docs_open,
	.close = docs_close,
	.draw = docs_draw,
	.action = docs_action,
};

/* ---- fee ------------------------------------------------------------------------ */
enum { F_AMOUNT, F_METHOD, F_REF };
static rd_code check_amount(void *ud, const char *value, rd_err *e)
{
	int64_t fen;
	(void)ud;
	return rd_money_parse(value, "amount", &fen, e);
}
static const char *const method_values[] = {"cash", "card", "transfer", "qr", NULL};
static const char *const method_labels[] = {N_("cash"), N_("bank card"), N_("bank transfer"), N_("QR payment"), NULL};
static const ui_field_spec fee_fields[] = {
	{"--amount", N_("Amount (yuan)"), 14, 16, UI_F_REQUIRED, check_amount, NULL, NULL},
	{"--method", N_("Method"), 16, 0, 0, NULL, method_values, method_labels},
	{"--ref", N_("Reference / transaction no."), 24, 100, 0, NULL, NULL, NULL},
};
enum { FEE_SAVE = 1 };
static const ui_key fee_keys[] = {
	{UI_FN(KEY_F(2)), FEE_SAVE, N_("record the payment")},
};

typedef struct fee_state {
	ui_form form;
	char no[32];
	char head[200];
	char receipt[48];
} fee_state;

static void load_fee(ui *u, fee_state *st)
{
	rd_fee_status fs;
	char fee[32], paid[32], due[32];
	rd_err e;
	rd_err_clear(&e);
	if (rd_fee_status_get(ui_ctx(u), st->no, &fs, &e) != RD_OK) {
		ui_msg_err(u, &e);
		snprintf(st->head, sizeof st->head, "%s", st->no);
		return;
	}
	rd_money_format(fs.fee, fee);
	rd_money_format(fs.paid, paid);
	rd_money_format(fs.due, due);
	snprintf(st->head, sizeof st->head, _("%s: fee %s, paid %s, due %s"), st->no, fee, paid, due);
	if (fs.due > 0 && !st->receipt[0])
		ui_form_set_value(&st->form, F_AMOUNT, due);
}

static int fee_open(ui *u, ui_screen *s, const void *arg)
{
	fee_state *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	s->state = st;
	rd_strlcpy(st->no, arg ? arg : "", sizeof st->no);
	if (ui_form_init(&st->form, fee_fields, RD_ARRAY_LEN(fee_fields), st) != 0)
		return -1;
	load_fee(u, st);
	return 0;
}

static void fee_close(ui *u, ui_screen *s)
{
	fee_state *st = s->state;
	(void)u;
	if (st)
		ui_form_free(&st->form);
	free(st);
}

static void fee_draw(ui *u, ui_screen *s, ui_rect r)
{
	fee_state *st = s->state;
	char line[128];
	ui_text(r.y, r.x, r.w, UI_A_TITLE, st->head);
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, r.h - 4, r.w});
	if (st->receipt[0]) {
		snprintf(line, sizeof line, _("receipt %s"), st->receipt);
		ui_text(r.y + r.h - 2, r.x, r.w, UI_A_OK, line);
	}
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("F2 or Enter on the last field: record · Esc: back"));
}

static void record_fee(ui *u, fee_state *st)
{
	char *amount = ui_form_value(&st->form, F_AMOUNT), *method = ui_form_value(&st->form, F_METHOD),
	     *ref = ui_form_value(&st->form, F_REF);
	int64_t fen = 0;
	rd_err e;
	rd_err_clear(&e);
	if (amount && method && ref &&
	    (rd_money_parse(amount, "--amount", &fen, &e) != RD_OK ||
	     rd_fee_record(ui_ctx(u), st->no, fen, method, ref[0] ? ref : NULL, st->receipt, &e) != RD_OK)) {
		ui_form_set_error(&st->form, &e); /* beside its field when it has one */
		ui_msg_err(u, &e);
	} else if (st->receipt[0]) {
		ui_msg(u, _("%s: %s received, receipt %s"), st->no, amount, st->receipt);
	}
	free(amount);
	free(method);
	free(ref);
	load_fee(u, st);
}

static ui_result fee_action(ui *u, ui_screen *s, int action)
{
	fee_state *st = s->state;
	if (action == FEE_SAVE) {
		if (ui_form_validate(&st->form))
			record_fee(u, st);
		return UI_HANDLED;
	}
	switch (ui_form_action(&st->form, action)) {
	case UI_FORM_EV_SUBMIT:
		record_fee(u, st);
		return UI_HANDLED;
	case UI_FORM_EV_UNHANDLED:
		return UI_UNHANDLED;
	default:
		return UI_HANDLED;
	}
}

static ui_result fee_input(ui *u, ui_screen *s, int key)
{
	fee_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_fee = {
	.id = "fee",
	.title = N_("fee"),
	.keys = UI_KEYS(fee_keys),
	.shared = &ui_form_keymap,
	.open = fee_open,
	.close = fee_close,
	.draw = fee_draw,
	.action = fee_action,
	.input = fee_input,
};

/* ---- review queue ---------------------------------------------------------------- */
enum { Q_NEXT = 1, Q_APPROVE, Q_REJECT, Q_OPEN, Q_RELOAD };
static const ui_key queue_keys[] = {
	{'n', Q_NEXT, N_("claim the oldest waiting application and open it")},
	{'a', Q_APPROVE, N_("approve the chosen application")},
	{'x', Q_REJECT, N_("reject the chosen application with a reason")},
	{'\n', Q_OPEN, N_("open the chosen application: data, documents, timeline")},
	{'r', Q_RELOAD, N_("reload the queue")},
};
static const ui_column queue_cols[] = {
	{N_("Application"), 20}, {N_("State"), 10}, {N_("Queued"), 17}, {N_("Days"), 5}, {N_("SLA"), 6},
	{N_("Claimed by"), 0},
};

static int add_queue_row(void *ud, const rd_queue_item *it)
{
	list_state *st = ud;
	char queued[32], days[16];
	const char *cells[6];
	rd_time_local(it->q.queued_at, queued);
	snprintf(days, sizeof days, "%d", it->working_days);
	cells[0] = it->q.no;
	cells[1] = rd_app_state_label(it->q.state);
	cells[2] = queued;
	cells[3] = days;
	cells[4] = it->over_sla ? _("late") : "";
	cells[5] = it->claimed ? it->q.reviewer : "";
	return ui_list_add(&st->list, cells) != 0;
}

static int load_queue(ui *u, list_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	if (rd_review_queue(ui_ctx(u), add_queue_row, st, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	return 0;
}

static int queue_open(ui *u, ui_screen *s, const void *arg)
{
	(void)arg;
	return list_open(u, s, queue_cols, RD_ARRAY_LEN(queue_cols), load_queue);
}

static void queue_draw(ui *u, ui_screen *s, ui_rect r)
{
	list_state *st = s->state;
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 1, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("n: claim next and open it · a: approve · x: reject · Enter: open"));
}

static ui_result queue_action(ui *u, ui_screen *s, int action)
{
	list_state *st = s->state;
	char no[32];
	rd_err e;
	rd_err_clear(&e);
	switch (action) {
	case Q_NEXT:
		if (rd_review_next(ui_ctx(u), no, &e) != RD_OK) {
			ui_msg_err(u, &e);
			load_queue(u, st);
			return UI_HANDLED;
		}
		ui_msg(u, _("%s claimed for 30 minutes"), no);
		ui_push(u, &ui_scr_app_detail, no); /* read it: a approves, j rejects there */
		return UI_HANDLED;
	case Q_APPROVE:
		if (!chosen(st, 0, no))
			return UI_HANDLED;
		if (rd_review_approve(ui_ctx(u), no, 0, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("%s approved"), no);
		load_queue(u, st);
		return UI_HANDLED;
	case Q_REJECT:
		if (chosen(st, 0, no))
			ui_push(u, &ui_scr_review_reject, no);
		return UI_HANDLED;
	case Q_OPEN:
		if (chosen(st, 0, no))
			ui_push(u, &ui_scr_app_detail, no);
		return UI_HANDLED;
	case Q_RELOAD:
		load_queue(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static void queue_resume(ui *u, ui_screen *s)
{
	load_queue(u, s->state);
}

const ui_screen_ops ui_scr_review_queue = {
	.id = "review_queue",
	.title = N_("review queue"),
	.keys = UI_KEYS(queue_keys),
	.shared = &ui_list_keymap,
	.open = queue_open,
	.close = list_close,
	.draw = queue_draw,
	.action = queue_action,
	.resume = queue_resume,
};

/* ---- reject with a reason -------------------------------------------------------- */
static const ui_field_spec reject_fields[] = {
	{"--reason", N_("Reason"), 60, 200, UI_F_REQUIRED, NULL, NULL, NULL},
};
static const ui_key reject_keys[] = {
	{UI_FN(KEY_F(2)), FEE_SAVE, N_("reject with this reason")},
};

typedef struct reject_state {
	ui_form form;
	char no[32];
} reject_state;

static int reject_open(ui *u, ui_screen *s, const void *arg)
{
	reject_state *st = calloc(1, sizeof *st);
	(void)u;
	if (!st)
		return -1;
	s->state = st;
	rd_strlcpy(st->no, arg ? arg : "", sizeof st->no);
	return ui_form_init(&st->form, reject_fields, RD_ARRAY_LEN(reject_fields), st);
}

static void reject_close(ui *u, ui_screen *s)
{
	reject_state *st = s->state;
	(void)u;
	if (st)
		ui_form_free(&st->form);
	free(st);
}

static void reject_draw(ui *u, ui_screen *s, ui_rect r)
{
	reject_state *st = s->state;
	char line[128];
	snprintf(line, sizeof line, _("Reject %s: the clerk sees the reason."), st->no);
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, line);
	ui_form_draw(u, &st->form, (ui_rect){r.y + 2, r.x, r.h - 3, r.w});
}

static void do_reject(ui *u, reject_state *st)
{
	char *reason = ui_form_value(&st->form, 0);
	char no[32];
	rd_err e;
	rd_err_clear(&e);
	rd_strlcpy(no, st->no, sizeof no);
	if (rd_review_reject(ui_ctx(u), no, 0, reason, &e) != RD_OK) {
		if (!ui_form_set_error(&st->form, &e))
			ui_msg_err(u, &e);
		free(reason);
		return;
	}
	free(reason);
	ui_pop(u); /* st is gone now */
	ui_msg(u, _("%s rejected"), no);
}

static ui_result reject_action(ui *u, ui_screen *s, int action)
{
	reject_state *st = s->state;
	if (action == FEE_SAVE) {
		if (ui_form_validate(&st->form))
			do_reject(u, st);
		return UI_HANDLED;
	}
	switch (ui_form_action(&st->form, action)) {
	case UI_FORM_EV_SUBMIT:
		do_reject(u, st);
		return UI_HANDLED;
	case UI_FORM_EV_UNHANDLED:
		return UI_UNHANDLED;
	default:
		return UI_HANDLED;
	}
}

static ui_result reject_input(ui *u, ui_screen *s, int key)
{
	reject_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_review_reject = {
	.id = "review_reject",
	.title = N_("reject an application"),
	.keys = UI_KEYS(reject_keys),
	.shared = &ui_form_keymap,
	.open = reject_open,
	.close = reject_close,
	.draw = reject_draw,
	.action = reject_action,
	.input = reject_input,
};

/* ---- outbox ---------------------------------------------------------------------- */
enum { O_SEND = 1, O_FAILED, O_RELOAD_OUT };
static const ui_key outbox_keys[] = {
	{'s', O_SEND, N_("send the due messages now")},
	{'f', O_FAILED, N_("show only failed messages, or all")},
	{'r', O_RELOAD_OUT, N_("reload")},
};
static const ui_column outbox_cols[] = {
	{N_("No."), 5}, {N_("Application"), 20}, {N_("Channel"), 7}, {N_("Event"), 10}, {N_("Status"), 8},
	{N_("Tries"), 5}, {N_("Error"), 0},
};

typedef struct outbox_state {
	ui_list list;
	bool failed_only;
} outbox_state;

static int add_outbox_row(void *ud, const rd_outbox_row *r)
{
	ui_list *l = ud;
	char id[24], tries[16];
	const char *cells[7];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	snprintf(tries, sizeof tries, "%d", r->attempts);
	cells[0] = id;
	cells[1] = r->app_no;
	cells[2] = r->channel;
	cells[3] = r->event;
	cells[4] = r->status;
	cells[5] = tries;
	cells[6] = r->last_error;
	return ui_list_add(l, cells) != 0;
}

static int load_outbox(ui *u, outbox_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	if (rd_notify_list(ui_ctx(u), st->failed_only, add_outbox_row, &st->list, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	return 0;
}

static int outbox_open(ui *u, ui_screen *s, const void *arg)
{
	outbox_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, outbox_cols, RD_ARRAY_LEN(outbox_cols));
	return load_outbox(u, st);
}

static void outbox_close(ui *u, ui_screen *s)
{
	outbox_state *st = s->state;
	(void)u;
	if (st)
		ui_list_free(&st->list);
	free(st);
}

static void outbox_draw(ui *u, ui_screen *s, ui_rect r)
{
	outbox_state *st = s->state;
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 1, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM,
		st->failed_only ? _("failed messages · s: send due · f: show all") : _("all messages · s: send due · f: failed only"));
}

static ui_result outbox_action(ui *u, ui_screen *s, int action)
{
	outbox_state *st = s->state;
	rd_notify_result res;
	rd_err e;
	switch (action) {
	case O_SEND:
		rd_err_clear(&e);
		if (rd_notify_send(ui_ctx(u), 20, &res, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("sent %d, to retry %d, failed %d"), res.sent, res.retry, res.failed);
		load_outbox(u, st);
		return UI_HANDLED;
	case O_FAILED:
		st->failed_only = !st->failed_only;
		load_outbox(u, st);
		return UI_HANDLED;
	case O_RELOAD_OUT:
		load_outbox(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

const ui_screen_ops ui_scr_outbox = {
	.id = "outbox",
	.title = N_("outbox"),
	.keys = UI_KEYS(outbox_keys),
	.shared = &ui_list_keymap,
	.open = outbox_open,
	.close = outbox_close,
	.draw = outbox_draw,
	.action = outbox_action,
};
