/* Renewal onto the same UKEY, for a subscriber at the counter: the
 * application's UKEY is watched for (polled through the tick hook), the
 * subscriber types the UKEY PIN and the verification answer in hidden
 * fields (or the clerk records sighting the ID again), the fee of the
 * schedule is taken when there is one, and each step the token and the CA
 * take is shown as it happens.  Refusals (outside the window, a wrong
 * answer with the tries left, a locked answer, a wrong PIN) are shown in
 * plain words and leave the UKEY as it was. */
#include "ui/life_internal.h"
#include "ui/ukey_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RN_PIN, RN_PROOF, RN_ANSWER, RN_METHOD, RN_REF };
enum { K_RENEW = 1, K_RESUME };
static const ui_key renew_keys[] = {
	{UI_FN(KEY_F(2)), K_RENEW, N_("renew: new key on the UKEY, new certificate")},
	{UI_FN(KEY_F(6)), K_RESUME, N_("finish a renewal waiting for the CA")},
};

static const char *const proofs[] = {"answer", "id", NULL};
static const char *const proof_labels[] = {N_("verification answer"), N_("ID sighted again"), NULL};
static const char *const methods[] = {"cash", "card", "transfer", "qr", NULL};
static const char *const method_labels[] = {N_("cash"), N_("bank card"), N_("bank transfer"), N_("QR payment"),
					    NULL};

static const ui_field_spec renew_fields[] = {
	{"pin", N_("Subscriber's UKEY PIN"), 18, RD_UKEY_PIN_MAX, UI_F_HIDDEN | UI_F_REQUIRED, NULL, NULL, NULL},
	{"proof", N_("Proof of identity"), 24, 0, 0, NULL, proofs, proof_labels},
	{"answer", N_("Verification answer"), 24, RD_ANSWER_MAX_CHARS, UI_F_HIDDEN, NULL, NULL, NULL},
	{"--method", N_("Payment method"), 18, 0, 0, NULL, methods, method_labels},
	{"--ref", N_("Reference / transaction no."), 24, 100, 0, NULL, NULL, NULL},
};

typedef struct renew_state {
	ui_form form;
	ui *u;
	char no[32];
	char cert[256];
	char window[512];
	bool outside;
	int64_t fee;
	char question[RD_UTF8_BYTES(RD_QUESTION_MAX_CHARS)];
	char ukey[17]; /* the application's UKEY */
	ui_ukey_watch w;
	bool ran, running;
	bool done[RD_UKEY_STEP_DONE + 1];
	char detail[RD_UKEY_STEP_DONE + 1][64];
	rd_ukey_outcome out;
	rd_err result;
	char receipt[48];
	bool renewed;
} renew_state;

static void window_line(ui *u, renew_state *st, time_t not_after)
{
	long days = rd_config_int(ui_ctx(u)->cfg, "renewal", "window_days");
	char until[32];
	rd_err e;
	rd_err_clear(&e);
	st->outside = false;
	if (!not_after) {
		st->window[0] = '\0';
		return;
	}
	if (rd_life_renewal_window(days, not_after, rd_ctx_now(ui_ctx(u)), &e) != RD_OK) {
		st->outside = true;
		rd_strlcpy(st->window, e.msg, sizeof st->window);
		return;
	}
	rd_time_local(not_after, until);
	snprintf(st->window, sizeof st->window, _("in the renewal window (the last %ld days before %s)"), days, until);
}

static int renew_open(ui *u, ui_screen *s, const void *arg)
{
	const ui_app_view *v = arg;
	renew_state *st = v ? calloc(1, sizeof *st) : NULL;
	rd_stock_row k;
	time_t not_after = 0;
	size_t nfields = RD_ARRAY_LEN(renew_fields);
	if (!st)
		return -1;
	st->u = u;
	s->state = st;
	rd_strlcpy(st->no, v->no, sizeof st->no);
	rd_strlcpy(st->question, v->app->verification.question, sizeof st->question);
	if (rd_fee_for(ui_ctx(u), v->app->product, v->app->years, &st->fee, NULL) != RD_OK)
		st->fee = 0;
	if (st->fee <= 0)
		nfields = RN_METHOD; /* nothing to pay: no payment fields */
	if (ui_form_init(&st->form, renew_fields, nfields, st) != 0)
		return -1;
	rd_err_clear(&st->result);
	ui_life_cert_line(u, st->no, st->cert, sizeof st->cert, &not_after);
	window_line(u, st, not_after);
	if (rd_ukey_of_app(ui_ctx(u), st->no, &k, NULL) == RD_OK)
		rd_strlcpy(st->ukey, k.serial, sizeof st->ukey);
	ui_ukey_watch_open(u, &st->w);
	return 0;
}

static void renew_close(ui *u, ui_screen *s)
{
	renew_state *st = s->state;
	(void)u;
	if (!st)
		return;
	if (st->form.f)
		ui_form_free(&st->form); /* wipes the PIN and the answer */
	ui_ukey_watch_close(&st->w);
	free(st);
}

static void renew_tick(ui *u, ui_screen *s)
{
	renew_state *st = s->state;
	ui_ukey_watch_tick(u, &st->w);
}

static void renew_resume_screen(ui *u, ui_screen *s)
{
	renew_state *st = s->state;
	ui_ukey_watch_resume(u, &st->w);
}

/* Whether the application's UKEY is in, in one line. */
static int token_line(renew_state *st, char *out, size_t n)
{
	if (ui_ukey_watch_unavailable(&st->w, out, n))
		return UI_A_ERROR;
	if (!st->ukey[0]) {
		snprintf(out, n, "%s", _("no UKEY is on record for this application"));
		return UI_A_ERROR;
	}
	for (size_t i = 0; i < st->w.ntokens; i++)
		if (!strcmp(st->w.tokens[i].serial, st->ukey)) {
			snprintf(out, n, _("UKEY %s is inserted (%s)%s"), st->ukey, st->w.tokens[i].model,
				 st->w.tokens[i].pin_locked ? _(", PIN locked") : "");
			return st->w.tokens[i].pin_locked ? UI_A_ERROR : UI_A_OK;
		}
	snprintf(out, n, _("insert the subscriber's UKEY %s"), st->ukey);
	return UI_A_DIM;
}

static void renew_draw(ui *u, ui_screen *s, ui_rect r)
{
	renew_state *st = s->state;
	char buf[1200], money[32];
	int y = r.y, attr;
	snprintf(buf, sizeof buf, _("Renew %s onto the same UKEY: a new key on the token, a new certificate."), st->no);
	ui_text(y++, r.x, r.w, UI_A_NORMAL, buf);
	ui_text(y++, r.x, r.w, UI_A_DIM, st->cert);
	if (st->window[0])
		y += ui_life_wrap(y, r.x, r.w, 2, st->outside ? UI_A_ERROR : UI_A_DIM, st->window);
	else
		y++;
	rd_money_format(st->fee, money);
	if (st->fee > 0)
		snprintf(buf, sizeof buf, _("fee per schedule: %s, recorded with a receipt"), money);
	else
		snprintf(buf, sizeof buf, "%s", _("no fee for this renewal"));
	ui_text(y++, r.x, r.w, UI_A_DIM, buf);
	attr = token_line(st, buf, sizeof buf);
	ui_text(y++, r.x, r.w, attr, buf);
	snprintf(buf, sizeof buf, _("Question: %s"), st->question[0] ? st->question : "—");
	ui_text(y++, r.x, r.w, UI_A_NORMAL, buf);
	y++;
	ui_form_draw(u, &st->form, (ui_rect){y, r.x, (int)st->form.n, r.w});
	y += (int)st->form.n + 1;
	if (st->ran) {
		for (int i = RD_UKEY_STEP_KEYGEN; i <= RD_UKEY_STEP_DONE && y < r.y + r.h - 4; i++) {
			const char *label = i == RD_UKEY_STEP_DONE ? _("UKEY renewed") : rd_ukey_step_label((rd_ukey_step)i);
			snprintf(buf, sizeof buf, "%s %s%s%s", st->done[i] ? "[x]" : "[ ]", label,
				 st->detail[i][0] ? ": " : "", st->detail[i]);
			ui_text(y++, r.x + 2, r.w - 2, st->done[i] ? UI_A_NORMAL : UI_A_DIM, buf);
		}
		y++;
	}
	if (st->running) {
		ui_text(y++, r.x, r.w, UI_A_NORMAL, _("working: keep the UKEY inserted ..."));
	} else if (st->out.awaiting) {
		snprintf(buf, sizeof buf, _("The CA has not answered. The new key waits on UKEY %s; the old certificate "
					    "stays usable."), st->out.serial);
		ui_text(y++, r.x, r.w, UI_A_ERROR, buf);
		ui_text(y++, r.x, r.w, UI_A_NORMAL, _("When the certificate has arrived, F6 finishes the renewal."));
	} else if (st->result.code != RD_OK) {
		rd_err_text(&st->result, buf, sizeof buf);
		ui_life_wrap(y, r.x, r.w, 3, UI_A_ERROR, buf);
	} else if (st->renewed) {
		snprintf(buf, sizeof buf, _("renewed: certificate %s on UKEY %s"), st->out.cert_serial, st->out.serial);
		ui_text(y++, r.x, r.w, UI_A_OK, buf);
		if (st->receipt[0]) {
			snprintf(buf, sizeof buf, _("fee recorded, receipt %s"), st->receipt);
			ui_text(y++, r.x, r.w, UI_A_OK, buf);
		}
	}
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, _("F2: renew · F6: finish a waiting renewal · Esc: back"));
}

static void on_step(void *ud, rd_ukey_step step, const char *detail)
{
	renew_state *st = ud;
	if (step < RD_UKEY_STEP_TOKEN || step > RD_UKEY_STEP_DONE)
		return;
	st->done[step] = true;
	rd_strlcpy(st->detail[step], detail, sizeof st->detail[step]);
	ui_draw_now(st->u); /* the clerk sees the token work */
}

static void free_secret(char *s)
{
	if (s)
		rd_secret_free(s, 0);
}

static void run(ui *u, renew_state *st, bool resume)
{
	char *pin = ui_form_value(&st->form, RN_PIN), *proof = ui_form_value(&st->form, RN_PROOF),
	     *answer = ui_form_value(&st->form, RN_ANSWER);
	char *method = st->form.n > RN_METHOD ? ui_form_value(&st->form, RN_METHOD) : NULL;
	char *ref = st->form.n > RN_REF ? ui_form_value(&st->form, RN_REF) : NULL;
	rd_ukey_issue_opts uo = {NULL, st->w.dev, on_step, st};
	rd_renew_opts o = {0};
	rd_err e;
	rd_code rc;
	rd_err_clear(&e);
	if (!pin || !*pin)
		rc = rd_fail_at(&e, RD_E_INVALID, "pin", _("the subscriber types the UKEY PIN first"));
	else if (!resume && rd_streq(proof, "answer") && (!answer || !*answer))
		rc = rd_fail_at(&e, RD_E_INVALID, "answer",
				_("the subscriber answers the question, or choose ID sighted again"));
	else
		rc = RD_OK;
	if (rc != RD_OK) {
		ui_form_set_error(&st->form, &e);
		ui_msg_err(u, &e);
		goto out;
	}
	o.id_sighted = rd_streq(proof, "id");
	o.answer = o.id_sighted ? NULL : answer;
	o.method = st->fee > 0 ? method : NULL;
	o.ref = ref && *ref ? ref : NULL;
	memset(st->done, 0, sizeof st->done);
	memset(st->detail, 0, sizeof st->detail);
	memset(&st->out, 0, sizeof st->out);
	rd_err_clear(&st->result);
	st->receipt[0] = '\0';
	st->renewed = false;
	st->ran = st->running = true;
	ui_draw_now(u);
	rc = rd_ukey_renew(ui_ctx(u), st->no, pin, &o, resume, &uo, &st->out, st->receipt, &st->result);
	st->running = false;
	/* the secrets go at once, whatever happened */
	ui_form_set_value(&st->form, RN_PIN, "");
	ui_form_set_value(&st->form, RN_ANSWER, "");
	if (rc == RD_OK) {
		rd_err_clear(&st->result);
		st->renewed = true;
		ui_msg(u, _("%s renewed on UKEY %s"), st->no, st->out.serial);
	} else if (!st->out.awaiting) {
		ui_form_set_error(&st->form, &st->result);
		ui_msg_err(u, &st->result);
	}
	ui_ukey_watch_poll(&st->w);
out:
	free_secret(pin);
	free_secret(answer);
	free(proof);
	free(method);
	free(ref);
}

static void renew_form(ui *u, void *st)
{
	run(u, st, false);
}

static ui_result renew_action(ui *u, ui_screen *s, int action)
{
	renew_state *st = s->state;
	switch (action) {
	case K_RENEW:
		run(u, st, false);
		return UI_HANDLED;
	case K_RESUME:
		run(u, st, true);
		return UI_HANDLED;
	}
	return ui_form_dispatch(u, &st->form, action, -1, renew_form, st, NULL);
}

static ui_result renew_input(ui *u, ui_screen *s, int key)
{
	renew_state *st = s->state;
	(void)u;
	return ui_form_input(&st->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

const ui_screen_ops ui_scr_life_renew = {
	.id = "life_renew",
	.title = N_("renewal onto the UKEY"),
	.keys = UI_KEYS(renew_keys),
	.shared = &ui_form_keymap,
	.open = renew_open,
	.close = renew_close,
	.draw = renew_draw,
	.action = renew_action,
	.input = renew_input,
	.resume = renew_resume_screen,
	.tick = renew_tick,
};
