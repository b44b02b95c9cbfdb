/* The detail view's after-issuance actions (ui/app_actions.def): revoke,
 * renew onto the UKEY, lost or damaged UKEY, change of information; and the
 * helpers their screens share. */
#include "ui/life_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

const char *const ui_life_yes_no[] = {"no", "yes", NULL};
const char *const ui_life_yes_no_labels[] = {N_("no"), N_("yes"), NULL};

bool ui_life_has_certificate(const ui_app_view *v)
{
	return !strcmp(v->meta->state, "issued") || !strcmp(v->meta->state, "activated");
}

static bool clerk_or_admin(ui *u)
{
	rd_role r = ui_ctx(u)->who.role;
	return r == RD_ROLE_CLERK || r == RD_ROLE_ADMIN;
}

/* Revocation and renewal: clerks and admins (rd_life_revoke_request,
 * rd_ukey_renew).  Lost UKEY and change of information copy the
 * application, which needs the identifiers only a clerk sees. */
bool ui_app_can_revoke(ui *u, const ui_app_view *v)
{
	return clerk_or_admin(u) && ui_life_has_certificate(v);
}

void ui_app_run_revoke(ui *u, const ui_app_view *v)
{
	ui_push(u, &ui_scr_life_revoke, v);
}

bool ui_app_can_renew(ui *u, const ui_app_view *v)
{
	return clerk_or_admin(u) && ui_life_has_certificate(v);
}

void ui_app_run_renew(ui *u, const ui_app_view *v)
{
	ui_push(u, &ui_scr_life_renew, v);
}

bool ui_app_can_reissue(ui *u, const ui_app_view *v)
{
	return ui_ctx(u)->who.role == RD_ROLE_CLERK && ui_life_has_certificate(v);
}

void ui_app_run_reissue(ui *u, const ui_app_view *v)
{
	ui_push(u, &ui_scr_life_reissue, v);
}

bool ui_app_can_info_change(ui *u, const ui_app_view *v)
{
	return ui_ctx(u)->who.role == RD_ROLE_CLERK && ui_life_has_certificate(v);
}

void ui_app_run_info_change(ui *u, const ui_app_view *v)
{
	ui_push(u, &ui_scr_life_change, v);
}

/* ---- shared helpers ---------------------------------------------------------------- */
/* Local time as the screens show it (rd_time_parse_local), or the command
 * line's UTC form with a T (rd_time_parse). */
rd_code ui_life_parse_time(const char *s, const char *field, time_t *t, rd_err *e)
{
	if (!s || !*s)
		return rd_fail_at(e, RD_E_INVALID, field, _("give a date and time (YYYY-MM-DD HH:MM)"));
	if (strchr(s, 'T')) {
		rd_code rc = rd_time_parse(s, t, e);
		if (rc != RD_OK)
			rd_strlcpy(e->field, field, sizeof e->field);
		return rc;
	}
	return rd_time_parse_local(s, field, t, e);
}

rd_code ui_life_check_time(void *ud, const char *value, rd_err *e)
{
	time_t t;
	(void)ud;
	return ui_life_parse_time(value, "", &t, e);
}

rd_code ui_life_check_date(void *ud, const char *value, rd_err *e)
{
	return ui_life_check_time(ud, value, e);
}

void ui_life_cert_line(ui *u, const char *no, char *out, size_t n, time_t *not_after)
{
	rd_cert_info c;
	rd_err e;
	char until[32];
	rd_err_clear(&e);
	if (not_after)
		*not_after = 0;
	if (rd_cert_current(ui_ctx(u), no, &c, &e) != RD_OK) {
		snprintf(out, n, _("no certificate on record: %s"), e.msg);
		return;
	}
	rd_time_local(c.not_after, until);
	snprintf(out, n, _("certificate %s, valid until %s"), c.serial_hex, until);
	if (not_after)
		*not_after = c.not_after;
	rd_cert_info_free(&c);
}

int ui_life_wrap(int y, int x, int w, int maxlines, int attr, const char *utf8)
{
	const char *p = utf8 ? utf8 : "";
	int lines = 0;
	while (*p && lines < maxlines) {
		mbstate_t mb;
		const char *q = p, *brk = NULL;
		int used = 0;
		char *line;
		memset(&mb, 0, sizeof mb);
		while (*q) {
			wchar_t c;
			size_t len = mbrtowc(&c, q, strlen(q), &mb);
			int cw;
			if (len == 0 || len == (size_t)-1 || len == (size_t)-2) {
				len = 1;
				c = L'?';
			}
			cw = wcwidth(c) > 0 ? wcwidth(c) : 1;
			if (used + cw > w)
				break;
			if (c == L' ')
				brk = q;
			used += cw;
			q += len;
		}
		if (*q && brk && brk > p && lines + 1 < maxlines)
			q = brk; /* break at the last space that fits */
		line = malloc((size_t)(q - p) + 1);
		if (!line)
			return lines;
		memcpy(line, p, (size_t)(q - p));
		line[q - p] = '\0';
		ui_text(y + lines, x, w, attr, line);
		free(line);
		lines++;
		p = q;
		while (*p == ' ')
			p++;
		if (q == p && !*q)
			break;
	}
	return lines;
}
