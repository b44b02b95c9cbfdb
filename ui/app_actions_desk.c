/* Detail-view actions that open the desk and print screens for the
 * application on view. */
#include "ui/internal.h"

#include <string.h>

static bool is_clerk(ui *u)
{
	return ui_ctx(u)->who.role == RD_ROLE_CLERK;
}

static bool live(const ui_app_view *v)
{
	return strcmp(v->meta->state, "cancelled") != 0;
}

bool ui_app_can_submit(ui *u, const ui_app_view *v)
{
	return is_clerk(u) && !strcmp(v->meta->state, "draft");
}

/* A draft saved with F2 is submitted here once it is complete; the
 * workflow names the first field still missing. */
void ui_app_run_submit(ui *u, const ui_app_view *v)
{
	rd_err e;
	rd_err_clear(&e);
	if (rd_app_submit(ui_ctx(u), v->no, v->meta->version, NULL, &e) != RD_OK)
		ui_msg_err(u, &e);
	else
		ui_msg(u, _("%s submitted"), v->no);
}

bool ui_app_can_print(ui *u, const ui_app_view *v)
{
	rd_role r = ui_ctx(u)->who.role;
	return live(v) && (r == RD_ROLE_CLERK || r == RD_ROLE_REVIEWER || r == RD_ROLE_ADMIN);
}

void ui_app_run_print(ui *u, const ui_app_view *v)
{
	ui_push_id(u, "print", v->no);
}

bool ui_app_can_documents(ui *u, const ui_app_view *v)
{
	return live(v) && (is_clerk(u) || ui_ctx(u)->who.role == RD_ROLE_REVIEWER);
}

void ui_app_run_documents(ui *u, const ui_app_view *v)
{
	ui_push_id(u, "documents", v->no);
}

bool ui_app_can_fee(ui *u, const ui_app_view *v)
{
	return live(v) && is_clerk(u);
}

void ui_app_run_fee(ui *u, const ui_app_view *v)
{
	ui_push_id(u, "fee", v->no);
}

/* The reviewer decides from the detail view, with every field, the
 * documents (d) and the timeline in front of them. */
bool ui_app_can_review(ui *u, const ui_app_view *v)
{
	return ui_ctx(u)->who.role == RD_ROLE_REVIEWER && !strcmp(v->meta->state, "under_review");
}

void ui_app_run_approve(ui *u, const ui_app_view *v)
{
	rd_err e;
	rd_err_clear(&e);
	if (rd_review_approve(ui_ctx(u), v->no, v->meta->version, &e) != RD_OK)
		ui_msg_err(u, &e);
	else
		ui_msg(u, _("%s approved"), v->no);
}

void ui_app_run_reject(ui *u, const ui_app_view *v)
{
	ui_push_id(u, "review_reject", v->no);
}
