/* Revocation requests with the time left until the RA's promise: reviewers
 * and admins approve, refuse and follow them; overdue ones are marked. */
#include "ui/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { R_APPROVE = 1, R_SYNC, R_ALL, R_RELOAD };
static const ui_key rev_keys[] = {
	{'a', R_APPROVE, N_("approve the chosen revocation request")},
	{'s', R_SYNC, N_("follow the CA outbox (confirmed, refused)")},
	{'h', R_ALL, N_("show or hide closed requests")},
	{'r', R_RELOAD, N_("reload the list")},
};
static const ui_column rev_cols[] = {
	{N_("Application"), 20}, {N_("Reason"), 20}, {N_("Status"), 18}, {N_("Time left"), 15}, {N_("Due"), 17},
	{N_("Recorded by"), 0},
};

typedef struct rev_state {
	ui_list list;
	bool all;
	int overdue;
} rev_state;

static const char *status_text(const char *s)
{
	if (!strcmp(s, "pending"))
		return _("to approve");
	if (!strcmp(s, "approved"))
		return _("approved");
	if (!strcmp(s, "queued"))
		return _("sent to the CA");
	if (!strcmp(s, "done"))
		return _("revoked");
	if (!strcmp(s, "failed"))
		return _("refused by the CA");
	if (!strcmp(s, "withdrawn"))
		return _("refused");
	return s;
}

static int add_row(void *ud, const rd_revocation *v)
{
	rev_state *st = ud;
	char left[48], due[32];
	const char *cells[6];
	if (v->open) {
		rd_life_format_left(v->seconds_left, left);
		if (v->overdue) {
			char tmp[32];
			rd_strlcpy(tmp, left, sizeof tmp);
			snprintf(left, sizeof left, _("OVERDUE %s"), tmp + 1);
			st->overdue++;
		}
	} else
		rd_strlcpy(left, v->late ? _("done late") : "-", sizeof left);
	rd_time_local(v->r.due_at, due);
	cells[0] = v->r.app_no;
	cells[1] = rd_life_reason_name(v->r.reason);
	cells[2] = status_text(v->r.status);
	cells[3] = left;
	cells[4] = due;
	cells[5] = v->r.recorded_by;
	return ui_list_add(&st->list, cells) != 0;
}

static void load(ui *u, rev_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	st->overdue = 0;
	if (rd_life_revocations(ui_ctx(u), !st->all, false, add_row, st, &e) != RD_OK)
		ui_msg_err(u, &e);
}

static void sync_quietly(ui *u)
{
	rd_life_sync_result r;
	rd_err e;
	if (ui_ctx(u)->who.role != RD_ROLE_AUDITOR)
		rd_life_sync(ui_ctx(u), &r, &e);
}

static int rev_open(ui *u, ui_screen *s, const void *arg)
{
	rev_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st) {
		ui_msg_error(u, "%s", _("out of memory"));
		return -1;
	}
	ui_list_init(&st->list, rev_cols, RD_ARRAY_LEN(rev_cols));
	s->state = st;
	sync_quietly(u);
	load(u, st);
	return 0;
}

static void rev_close(ui *u, ui_screen *s)
{
	rev_state *st = s->state;
	(void)u;
	ui_list_free(&st->list);
	free(st);
}

static void rev_draw(ui *u, ui_screen *s, ui_rect r)
{
	rev_state *st = s->state;
	char line[256];
	if (st->overdue)
		snprintf(line, sizeof line, _("%d overdue · a: approve · s: follow the CA · h: closed requests"),
			 st->overdue);
	else
		snprintf(line, sizeof line, "%s", _("a: approve · s: follow the CA · h: closed requests"));
	ui_list_draw(u, &st->list, (ui_rect){r.y, r.x, r.h - 1, r.w});
	ui_text(r.y + r.h - 1, r.x, r.w, st->overdue ? UI_A_ERROR : UI_A_DIM, line);
}

static ui_result rev_action(ui *u, ui_screen *s, int action)
{
	rev_state *st = s->state;
	rd_life_sync_result res;
	rd_err e;
	int n = 0;
	rd_err_clear(&e);
	switch (action) {
	case R_APPROVE: {
		const char *no = st->list.rows ? ui_list_cell(&st->list, st->list.sel, 0) : NULL;
		char copy[32];
		if (!no) {
			ui_msg_error(u, "%s", _("no request chosen"));
			return UI_HANDLED;
		}
		rd_strlcpy(copy, no, sizeof copy);
		if (rd_life_revoke_approve(ui_ctx(u), copy, &n, &e) != RD_OK)
			ui_msg_err(u, &e);
		else if (ui_ctx(u)->who.role == RD_ROLE_REVIEWER)
			ui_msg(u, _("%s approved; the counter sends it to the CA"), copy);
		else
			ui_msg(u, _("%s approved and sent to the CA outbox"), copy);
		load(u, st);
		return UI_HANDLED;
	}
	case R_SYNC:
		if (rd_life_sync(ui_ctx(u), &res, &e) != RD_OK)
			ui_msg_err(u, &e);
		else
			ui_msg(u, _("queued %d, revoked %d, refused by the CA %d, reissued %d"), res.queued, res.done,
			       res.failed, res.reissued);
		load(u, st);
		return UI_HANDLED;
	case R_ALL:
		st->all = !st->all;
		load(u, st);
		return UI_HANDLED;
	case R_RELOAD:
		load(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

static void rev_resume(ui *u, ui_screen *s)
{
	load(u, s->state);
}

const ui_screen_ops ui_scr_revocations = {
	.id = "revocations",
	.title = N_("revocation requests"),
	.keys = UI_KEYS(rev_keys),
	.shared = &ui_list_keymap,
	.open = rev_open,
	.close = rev_close,
	.draw = rev_draw,
	.action = rev_action,
	.resume = rev_resume,
};
