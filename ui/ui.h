/* ui — the terminal interface (ncursesw).  The only module that includes
 * curses; this public header does not, so cli/ can call it.
 *
 * The screen plug-in API for code inside ui/ is in ui/internal.h. */
#ifndef RADESK_UI_H
#define RADESK_UI_H

#include <stdio.h>

#include "workflows/workflows.h"

/* Runs the TUI until the operator quits.  Opens the context itself with
 * rd_ctx_open(opt); errors before curses starts are printed to stderr as
 * "radesk: <what>: <why>".  lang is informational (rd_i18n_init has already
 * been called by the CLI with it).  Returns the process exit status
 * (rd_exit_status: 0 done, 2 no terminal, 5 interrupted by a signal ...).
 *
 * Test hook: RADESK_IDLE_LOCK_SECONDS=N, when set, replaces
 * [ui] idle_lock_minutes with N seconds (0 disables) so tests need not wait
 * minutes for the screen lock. */
int rd_ui_main(const rd_ctx_options *opt, const char *lang);

/* Prints every screen's key bindings (the same tables F1 help and the key
 * dispatcher use) as plain text, translated, for `radesk help keys` and the
 * manual page. */
void rd_ui_print_keys(FILE *f);

#endif
