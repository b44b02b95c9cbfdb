/* Internal to the screens that watch UKEYs being inserted (ui/scr_ukey_issue.c,
 * ui/scr_life_renew.c): the PKCS#11 module opened from [ukey] with the
 * inserted tokens, polled through the screen's tick hook every
 * [ukey] poll_ms. */
#ifndef RADESK_UI_UKEY_WATCH_H
#define RADESK_UI_UKEY_WATCH_H

#include "ui/internal.h"
#include "ukey/ukey.h"

typedef struct ui_ukey_watch {
	rd_ukey *dev;    /* NULL when the module could not be opened */
	char error[512]; /* why not */
	rd_ukey_token tokens[RD_UKEY_MAX_TOKENS];
	size_t ntokens;
	int poll_ms;
} ui_ukey_watch;

/* Opens the module, reads the tokens in, asks for the first tick. */
void ui_ukey_watch_open(ui *u, ui_ukey_watch *w);
void ui_ukey_watch_close(ui_ukey_watch *w);
/* The inserted tokens again (none when the module fails). */
void ui_ukey_watch_poll(ui_ukey_watch *w);
/* The screen's tick: the tokens again, and the next tick. */
void ui_ukey_watch_tick(ui *u, ui_ukey_watch *w);
/* The screen's resume: ticks again (pushing a screen forgot them). */
void ui_ukey_watch_resume(ui *u, ui_ukey_watch *w);
/* Without a module: "UKEY module not available: why" into out and true. */
bool ui_ukey_watch_unavailable(const ui_ukey_watch *w, char *out, size_t n);

#endif
