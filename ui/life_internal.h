/* Internal to the after-issuance screens (ui/app_actions_life.c,
 * ui/scr_life_*.c): what they share beyond ui/internal.h. */
#ifndef RADESK_UI_LIFE_INTERNAL_H
#define RADESK_UI_LIFE_INTERNAL_H

#include "ui/internal.h"

/* Issued or activated: a certificate that can be revoked, renewed or
 * replaced. */
bool ui_life_has_certificate(const ui_app_view *v);

/* A time as the clerk types it, in local time like the screens show it:
 * "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (midnight); "YYYY-MM-DDTHH:MM:SS[Z]"
 * is UTC as on the command line.  RD_E_INVALID naming field otherwise. */
rd_code ui_life_parse_time(const char *s, const char *field, time_t *t, rd_err *e);
/* Form validators for the same (ud unused). */
rd_code ui_life_check_time(void *ud, const char *value, rd_err *e);
rd_code ui_life_check_date(void *ud, const char *value, rd_err *e);

/* "certificate 3F2A..., valid until 2027-11-21 17:00" of the application's
 * current certificate, or why there is none; *not_after (may be NULL) gets
 * its end (0 when none). */
void ui_life_cert_line(ui *u, const char *no, char *out, size_t n, time_t *not_after);

/* Draws text over at most maxlines lines of w columns, broken at spaces
 * where it can be (long messages: the whole refusal is read); returns the
 * lines used. */
int ui_life_wrap(int y, int x, int w, int maxlines, int attr, const char *utf8);

/* The choice fields' shared values. */
extern const char *const ui_life_yes_no[];
extern const char *const ui_life_yes_no_labels[];

#endif
