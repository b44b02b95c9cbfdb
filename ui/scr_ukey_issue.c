/* The UKEY issuance screen: waits for a token (polled through the tick
 * hook), shows it, takes the subscriber's PIN twice in hidden fields,
 * issues with a progress line per step, says plainly when the certificate
 * is awaited, then offers the receipt and the hand-over.  Opened from the
 * clerk's menu (asks for the number) or with an application number from
 * the detail view ('u'). */
#include "ui/ukey_watch.h"

#include <stdlib.h>
#include <string.h>

enum { F_NO, F_UKEY, F_PIN, F_PIN2 };
enum { K_ISSUE = 1, K_RESUME, K_RECEIPT, K_HANDOVER, K_NEXT_UKEY };
static const ui_key issue_keys[] = {
	{UI_FN(KEY_F(2)), K_ISSUE, N_("issue: PIN, key on the UKEY, certificate")},
	{UI_FN(KEY_F(4)), K_NEXT_UKEY, N_("choose the next inserted UKEY (when several are in readers)")},
	{UI_FN(KEY_F(6)), K_RESUME, N_("resume an issuance awaiting its certificate")},
	{UI_FN(KEY_F(7)), K_RECEIPT, N_("print the hand-over receipt")},
	{UI_FN(KEY_F(8)), K_HANDOVER, N_("hand over: the agent signed the receipt")},
};

typedef struct issue_state {
	ui *u;
	ui_form form;
	ui_ukey_watch w;
	bool ran;
	bool done[RD_UKEY_STEP_DONE + 1];
	char detail[RD_UKEY_STEP_DONE + 1][64];
	rd_ukey_outcome out;
	rd_err result;
	char receipt[1100];
	bool handed_over;
} issue_state;

static rd_code check_pin(void *ud, const char *value, rd_err *e)
{
	(void)ud;
	return rd_ukey_pin_check(value, e);
}

static rd_code check_pin_again(void *ud, const char *value, rd_err *e)
{
	issue_state *st = ud;
	char *first = ui_form_value(&st->form, F_PIN);
	bool same = first && strcmp(first, value) == 0;
	rd_secret_free(first, 0);
	return same ? RD_OK : rd_fail_at(e, RD_E_INVALID, "pin2", _("the two PINs differ"));
}

static const ui_field_spec issue_fields[] = {
	{"application", N_("Application No."), 24, 31, UI_F_REQUIRED, NULL, NULL, NULL},
	{"serial", N_("UKEY serial"), 24, 63, 0, NULL, NULL, NULL},
	{"pin", N_("Subscriber's new PIN"), 18, RD_UKEY_PIN_MAX, UI_F_HIDDEN, check_pin, NULL, NULL},
	{"pin2", N_("PIN again"), 18, RD_UKEY_PIN_MAX, UI_F_HIDDEN, check_pin_again, NULL, NULL},
};

static int issue_open(ui *u, ui_screen *s, const void *arg)
{
	issue_state *st = calloc(1, sizeof *st);
	if (!st)
		return -1;
	st->u = u;
	s->state = st;
	if (ui_form_init(&st->form, issue_fields, RD_ARRAY_LEN(issue_fields), st) != 0)
		return -1;
	if (arg && *(const char *)arg) {
		ui_form_set_value(&st->form, F_NO, arg);
		ui_form_focus(&st->form, F_PIN);
	}
	rd_err_clear(&st->result);
	ui_ukey_watch_open(u, &st->w);
	return 0;
}

static void issue_close(ui *u, ui_screen *s)
{
	issue_state *st = s->state;
	(void)u;
	if (!st)
		return;
	ui_form_free(&st->form); /* wipes the hidden PIN fields */
	ui_ukey_watch_close(&st->w);
	free(st);
}

static void issue_tick(ui *u, ui_screen *s)
{
	issue_state *st = s->state;
	ui_ukey_watch_tick(u, &st->w);
}

static void issue_resume_screen(ui *u, ui_screen *s)
{
	issue_state *st = s->state;
	ui_ukey_watch_resume(u, &st->w);
}

/* The inserted tokens as one line. */
static void token_line(issue_state *st, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	if (ui_ukey_watch_unavailable(&st->w, out, n))
		return;
	for (size_t i = 0; i < st->w.ntokens; i++) {
		rd_stock_row r;
		const char *stock = _("not in stock");
		size_t len = strlen(out);
		if (!st->w.tokens[i].serial[0])
			continue;
		if (rd_ukey_stock_find(ui_ctx(st->u), st->w.tokens[i].serial, &r, NULL) == RD_OK)
			stock = rd_ukey_state_label(r.state);
		snprintf(out + len, n - len, "%s%s %s (%s, %s)%s", k++ ? "; " : "", _("UKEY"), st->w.tokens[i].serial,
			 st->w.tokens[i].model, stock, st->w.tokens[i].pin_locked ? _(", PIN locked") : "");
	}
	if (!k)
		snprintf(out, n, "%s", _("waiting for a UKEY: insert a blank UKEY from stock"));
}

static void issue_draw(ui *u, ui_screen *s, ui_rect r)
{
	issue_state *st = s->state;
	char buf[1200];
	int y = r.y;
	ui_text(y++, r.x, r.w, UI_A_NORMAL,
		_("Issue a UKEY: insert a blank UKEY, the subscriber types a new PIN twice, then F2."));
	token_line(st, buf, sizeof buf);
	ui_text(++y, r.x, r.w, st->w.dev && st->w.ntokens ? UI_A_OK : UI_A_DIM, buf);
	y += 2;
	ui_form_draw(u, &st->form, (ui_rect){y, r.x, 4, r.w});
	y += 5;
	if (st->ran) {
		for (int i = RD_UKEY_STEP_TOKEN; i <= RD_UKEY_STEP_DONE && y < r.y + r.h - 4; i++) {
			snprintf(buf, sizeof buf, "%s %s%s%s", st->done[i] ? "[x]" : "[ ]", rd_ukey_step_label((rd_ukey_step)i),
				 st->detail[i][0] ? ": " : "", st->detail[i]);
			ui_text(y++, r.x + 2, r.w - 2, st->done[i] ? UI_A_NORMAL : UI_A_DIM, buf);
		}
	}
	y++;
	if (st->out.awaiting) {
		snprintf(buf, sizeof buf, _("The CA has not answered. The key stays on UKEY %s."), st->out.serial);
		ui_text(y++, r.x, r.w, UI_A_ERROR, buf);
		ui_text(y++, r.x, r.w, UI_A_ERROR, _("Keep the UKEY at the counter: it awaits its certificate."));
		ui_text(y++, r.x, r.w, UI_A_NORMAL, _("When the certificate has arrived, F6 finishes the issuance."));
	} else if (st->result.code != RD_OK) {
		rd_err_text(&st->result, buf, sizeof buf);
		ui_text(y++, r.x, r.w, UI_A_ERROR, buf);
	} else if (st->handed_over) {
		snprintf(buf, sizeof buf, _("handed over: application %s is activated"), st->out.no);
		ui_text(y++, r.x, r.w, UI_A_OK, buf);
	} else if (st->out.cert_serial[0]) {
		snprintf(buf, sizeof buf, _("issued: UKEY %s, certificate %s. F7 prints the receipt, F8 hands over."),
			 st->out.serial, st->out.cert_serial);
		ui_text(y++, r.x, r.w, UI_A_OK, buf);
	}
	if (st->receipt[0])
		ui_text(y++, r.x, r.w, UI_A_NORMAL, st->receipt);
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("F2: issue · F4: next UKEY · F6: resume · F7: receipt · F8: hand over · Esc: back"));
}

/* F4: the serial field takes the next inserted UKEY after the one in it. */
static void next_ukey(ui *u, issue_state *st)
{
	char *cur = ui_form_value(&st->form, F_UKEY);
	size_t at = 0;
	if (st->w.ntokens == 0) {
		ui_msg_error(u, "%s", _("no UKEY is inserted"));
		free(cur);
		return;
	}
	for (size_t i = 0; cur && i < st->w.ntokens; i++)
		if (!strcmp(cur, st->w.tokens[i].serial))
			at = (i + 1) % st->w.ntokens;
	free(cur);
	ui_form_set_value(&st->form, F_UKEY, st->w.tokens[at].serial);
}

static void on_step(void *ud, rd_ukey_step step, const char *detail)
{
	issue_state *st = ud;
	if (step < RD_UKEY_STEP_TOKEN || step > RD_UKEY_STEP_DONE)
		return;
	st->done[step] = true;
	rd_strlcpy(st->detail[step], detail, sizeof st->detail[step]);
}

static char *app_no(issue_state *st)
{
	char *no = ui_form_value(&st->form, F_NO);
	if (no)
		rd_trim(no);
	return no;
}

static void run(ui *u, issue_state *st, bool resume)
{
	rd_ukey_issue_opts o = {NULL, st->w.dev, on_step, st};
	char *no = app_no(st), *pin = ui_form_value(&st->form, F_PIN), *serial = ui_form_value(&st->form, F_UKEY);
	rd_code rc;
	if (serial)
		rd_trim(serial);
	o.serial = serial && *serial ? serial : NULL; /* empty: the only UKEY inserted */
	if (!no || !*no || !pin || !*pin) {
		ui_msg_error(u, "%s", _("the application number and the subscriber's PIN are needed"));
		free(no);
		free(serial);
		rd_secret_free(pin, 0);
		return;
	}
	if (!resume && !ui_form_validate(&st->form)) {
		ui_msg_error(u, "%s", _("correct the fields marked first"));
		free(no);
		free(serial);
		rd_secret_free(pin, 0);
		return;
	}
	memset(st->done, 0, sizeof st->done);
	memset(st->detail, 0, sizeof st->detail);
	st->receipt[0] = '\0';
	st->handed_over = false;
	st->ran = true;
	rd_err_clear(&st->result);
	rc = resume ? rd_ukey_resume(ui_ctx(u), no, pin, &o, &st->out, &st->result)
		    : rd_ukey_issue(ui_ctx(u), no, pin, &o, &st->out, &st->result);
	rd_secret_free(pin, 0);
	free(no);
	free(serial);
	ui_form_set_value(&st->form, F_PIN, "");
	ui_form_set_value(&st->form, F_PIN2, "");
	if (rc == RD_OK) {
		rd_err_clear(&st->result);
		ui_msg(u, _("UKEY %s issued"), st->out.serial);
	} else if (!st->out.awaiting) {
		ui_msg_err(u, &st->result);
	}
	ui_ukey_watch_poll(&st->w);
}

static void receipt(ui *u, issue_state *st)
{
	rd_print_outcome po;
	rd_err e;
	char *no = app_no(st);
	rd_err_clear(&e);
	if (rd_print_application(ui_ctx(u), no ? no : "", "receipt", 1, NULL, NULL, &po, &e) != RD_OK)
		ui_msg_err(u, &e);
	else
		snprintf(st->receipt, sizeof st->receipt, _("receipt printed: %s"), po.printer[0] ? po.printer : po.pdf_path);
	free(no);
}

static void handover(ui *u, issue_state *st)
{
	rd_err e;
	char *no = app_no(st);
	rd_err_clear(&e);
	if (rd_ukey_handover(ui_ctx(u), no ? no : "", &e) != RD_OK) {
		ui_msg_err(u, &e);
	} else {
		st->handed_over = true;
		rd_strlcpy(st->out.no, no, sizeof st->out.no);
		ui_msg(u, _("%s activated"), no);
	}
	free(no);
}

static void issue_form(ui *u, void *st)
{
	run(u, st, false);
}

static ui_result issue_action(ui *u, ui_screen *s, int action)
{
	issue_state *st = s->state;
	switch (action) {
	case K_ISSUE:
	case K_RESUME:
		run(u, st, action == K_RESUME);
		return UI_HANDLED;
	case K_RECEIPT:
		receipt(u, st);
		return UI_HANDLED;
	case K_HANDOVER:
		handover(u, st);
		return UI_HANDLED;
	case K_NEXT_UKEY:
		next_ukey(u, st);
		return UI_HANDLED;
	}
	return ui_form_dispatch(u, &st->form, action, -1, issue_form, st, NULL);
}

static ui_result issue_input(ui *u, ui_screen *s, int key)
{
	issue_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_ukey_issue = {
	.id = "ukey_issue",
	.title = N_("issue a UKEY"),
	.keys = UI_KEYS(issue_keys),
	.shared = &ui_form_keymap,
	.open = issue_open,
	.close = issue_close,
	.draw = issue_draw,
	.action = issue_action,
	.input = issue_input,
	.resume = issue_resume_screen,
	.tick = issue_tick,
};

/* ---- the detail view's 'u' action ------------------------------------------------ */
bool ui_app_can_ukey(ui *u, const ui_app_view *v)
{
	rd_role r = ui_ctx(u)->who.role;
	const char *st = v->meta->state;
	return (r == RD_ROLE_CLERK || r == RD_ROLE_ADMIN) &&
	       (!strcmp(st, "approved") || !strcmp(st, "queued_for_ca") || !strcmp(st, "issued"));
}

void ui_app_run_ukey(ui *u, const ui_app_view *v)
{
	ui_push(u, &ui_scr_ukey_issue, v->no);
}
