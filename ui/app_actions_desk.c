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
