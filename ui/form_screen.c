/* A screen that is one form and a save key (the after-issuance request
 * forms): the state's allocation, freeing, typing, dispatch and frame that
 * every such screen would otherwise write again. */
#include "ui/internal.h"

#include <stdlib.h>

void *ui_form_screen_new(ui_screen *s, size_t size, int save_action, ui_form_submit_fn submit)
{
	ui_form_screen *fs = size >= sizeof *fs ? calloc(1, size) : NULL;
	if (!fs)
		return NULL;
	fs->save_action = save_action;
	fs->submit = submit;
	s->state = fs;
	return fs;
}

void ui_form_screen_close(ui *u, ui_screen *s)
{
	ui_form_screen *fs = s->state;
	(void)u;
	if (fs && fs->form.f)
		ui_form_free(&fs->form);
	free(fs);
}

ui_result ui_form_screen_input(ui *u, ui_screen *s, int key)
{
	ui_form_screen *fs = s->state;
	(void)u;
	return ui_form_input(&fs->form, key) == UI_FORM_EV_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
}

ui_result ui_form_screen_action(ui *u, ui_screen *s, int action)
{
	ui_form_screen *fs = s->state;
	return ui_form_dispatch(u, &fs->form, action, fs->save_action, fs->submit, fs, NULL);
}

void ui_form_screen_frame(ui_rect r, const char *head, const char *sub, const char *hint)
{
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, head);
	if (sub)
		ui_text(r.y + 1, r.x, r.w, UI_A_DIM, sub);
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM, hint);
}
