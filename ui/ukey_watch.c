/* The inserted UKEYs as the issuance and renewal screens watch them. */
#include "ui/ukey_watch.h"

#include <stdio.h>

void ui_ukey_watch_open(ui *u, ui_ukey_watch *w)
{
	rd_err e;
	rd_err_clear(&e);
	if (rd_ukey_open_config(&w->dev, ui_ctx(u)->cfg, NULL, &e) != RD_OK) {
		w->dev = NULL;
		rd_err_text(&e, w->error, sizeof w->error);
	}
	w->poll_ms = (int)rd_config_int(ui_ctx(u)->cfg, "ukey", "poll_ms");
	if (w->poll_ms <= 0)
		w->poll_ms = 250;
	if (w->dev) {
		rd_ukey_tokens(w->dev, w->tokens, RD_ARRAY_LEN(w->tokens), &w->ntokens, NULL);
		ui_tick_after(u, w->poll_ms);
	}
}

void ui_ukey_watch_close(ui_ukey_watch *w)
{
	if (w->dev)
		rd_ukey_close(w->dev);
	w->dev = NULL;
}

void ui_ukey_watch_poll(ui_ukey_watch *w)
{
	bool changed = false;
	if (w->dev && rd_ukey_wait_change(w->dev, 0, w->tokens, RD_ARRAY_LEN(w->tokens), &w->ntokens, &changed,
					  NULL) != RD_OK)
		w->ntokens = 0;
}

void ui_ukey_watch_tick(ui *u, ui_ukey_watch *w)
{
	ui_ukey_watch_poll(w);
	ui_tick_after(u, w->poll_ms);
}

void ui_ukey_watch_resume(ui *u, ui_ukey_watch *w)
{
	if (w->dev)
		ui_tick_after(u, w->poll_ms);
}

bool ui_ukey_watch_unavailable(const ui_ukey_watch *w, char *out, size_t n)
{
	if (w->dev)
		return false;
	snprintf(out, n, _("UKEY module not available: %s"), w->error);
	return true;
}
