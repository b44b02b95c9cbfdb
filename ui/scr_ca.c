/* The admin's CA queue (requests, failed ones with the CA's reason, retry)
 * and the background submission of due requests while the TUI runs. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { Q_RETRY = 1, Q_SUBMIT, Q_FAILED, Q_RELOAD };
static const ui_key queue_keys[] = {
	{'t', Q_RETRY, N_("retry the selected failed request")},
	{'s', Q_SUBMIT, N_("send the due requests now")},
	{'f', Q_FAILED, N_("show only failed requests, or all")},
	{'r', Q_RELOAD, N_("reload")},
};
static const ui_column queue_cols[] = {
	{N_("Application"), 20}, {N_("Kind"), 7}, {N_("State"), 8}, {N_("Tries"), 5}, {N_("Since"), 17},
	{N_("Reason"), 0},
};

typedef struct queue_state {
	ui_list list;
	bool failed_only;
	char (*ids)[40];
	size_t n, cap;
} queue_state;

static const char *kind_label(rd_careq_kind k)
{
	return k == RD_CAREQ_RENEW ? _("renew") : k == RD_CAREQ_REVOKE ? _("revoke") : _("enroll");
}

static int add_row(void *ud, const rd_careq_info *r)
{
	queue_state *st = ud;
	char tries[16], when[32];
	const char *cells[6];
	char(*ids)[40] = rd_grow(st->ids, &st->cap, st->n + 1, sizeof *ids, 64);
	if (!ids)
		return 1;
	st->ids = ids;
	rd_strlcpy(st->ids[st->n++], r->id, 40);
	snprintf(tries, sizeof tries, "%d", r->attempts);
	rd_time_local(r->created_at, when);
	cells[0] = r->no;
	cells[1] = kind_label(r->kind);
	cells[2] = r->state;
	cells[3] = tries;
	cells[4] = when;
	cells[5] = r->reason;
	return ui_list_add(&st->list, cells) != 0;
}

static int load(ui *u, queue_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	st->n = 0;
	if (rd_ca_request_each(ui_ctx(u), st->failed_only ? "failed" : NULL, 500, add_row, st, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	return 0;
}

static int queue_open(ui *u, ui_screen *s, const void *arg)
{
	queue_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	st->failed_only = true;
	ui_list_init(&st->list, queue_cols, RD_ARRAY_LEN(queue_cols));
	return load(u, st);
}

static void queue_close(ui *u, ui_screen *s)
{
	queue_state *st = s->state;
	(void)u;
	if (st) {
		ui_list_free(&st->list);
		free(st->ids);
	}
	free(st);
}

static void queue_draw(ui *u, ui_screen *s, ui_rect r)
{
	queue_state *st = s->state;
	const char *why = st->list.sel < st->list.rows ? ui_list_cell(&st->list, st->list.sel, 5) : "";
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 2, r.w});
	/* the whole reason of the selected request: the column cuts it */
	ui_text(r.y + r.h - 2, r.x, r.w, UI_A_NORMAL, why ? why : "");
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM,
		st->failed_only ? _("failed requests · t: retry · s: send due · f: show all")
				: _("all requests · t: retry · s: send due · f: failed only"));
}

static ui_result queue_action(ui *u, ui_screen *s, int action)
{
	queue_state *st = s->state;
	rd_ca_batch b;
	char id[40];
	rd_err e;
	rd_err_clear(&e);
	switch (action) {
	case Q_RETRY:
		if (st->list.sel >= st->n) {
			ui_msg_error(u, "%s", _("no request selected"));
			return UI_HANDLED;
		}
		if (rd_ca_retry(ui_ctx(u), st->ids[st->list.sel], id, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("request %s is queued again"), id);
		load(u, st);
		return UI_HANDLED;
	case Q_SUBMIT:
		if (rd_ca_submit_some(ui_ctx(u), NULL, 50, NULL, NULL, &b, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("CA: %zu due, %zu issued or done, %zu failed, %zu to retry"), b.total, b.done,
			       b.failed, b.retry);
		load(u, st);
		return UI_HANDLED;
	case Q_FAILED:
		st->failed_only = !st->failed_only;
		load(u, st);
		return UI_HANDLED;
	case Q_RELOAD:
		load(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

const ui_screen_ops ui_scr_ca_queue = {
	.id = "ca_queue",
	.title = N_("CA queue"),
	.keys = UI_KEYS(queue_keys),
	.shared = &ui_list_keymap,
	.open = queue_open,
	.close = queue_close,
	.draw = queue_draw,
	.action = queue_action,
};

/* ---- background submission ----
 * Called by the main loop when no key came for a second.  Every few
 * seconds a clerk's or admin's TUI sends a few due requests ([ca]
 * tick_batch, 0: never), so approved work goes out without anyone asking.
 * After a failure it waits a minute: a CA that does not answer would
 * otherwise hold the keyboard for its timeout on every tick. */
void ui_ca_background(ui *u)
{
	static struct timespec next;
	struct timespec now;
	rd_ctx *ctx = ui_ctx(u);
	long max = rd_config_int(ctx->cfg, "ca", "tick_batch");
	const char *url = rd_config_str(ctx->cfg, "ca", "url");
	rd_ca_batch b;
	rd_err e;
	rd_code rc;
	if (max <= 0 || !url || !*url || (ctx->who.role != RD_ROLE_CLERK && ctx->who.role != RD_ROLE_ADMIN))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < next.tv_sec)
		return;
	next = now;
	next.tv_sec += 5;
	rd_err_clear(&e);
	rc = rd_ca_submit_some(ctx, NULL, (size_t)max, NULL, NULL, &b, &e);
	if (rc != RD_OK || b.retry || b.failed)
		next.tv_sec = now.tv_sec + 60;
	if (rc != RD_OK)
		ui_msg_err(u, &e);
	else if (b.done || b.failed)
		ui_msg(u, _("CA: %zu issued or done, %zu failed"), b.done, b.failed);
}
