/* Time: real, or fixed by RADESK_FIXED_TIME so tests see stable screens. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rd_clock rd_clock_from_env(void)
{
	rd_clock c = {0, 0};
	const char *s = getenv("RADESK_FIXED_TIME");
	time_t t;
	if (s && *s && rd_time_parse(s, &t, NULL) == RD_OK)
		c.fixed = t;
	return c;
}

time_t rd_now(const rd_clock *c)
{
	if (c && c->fixed)
		return c->fixed + c->offset;
	return time(NULL);
}

void rd_time_iso(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void rd_time_local(time_t t, char out[32])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

/* The fields of a date and time as a struct tm; false when one is out of
 * range.  The day of the month is checked against the month by the
 * callers, after the conversion. */
static bool fields_tm(int y, int mo, int d, int h, int mi, int sec, struct tm *tm)
{
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
	tm->tm_isdst = -1; /* mktime: as the local rules say */
	return true;
}

rd_code rd_time_parse(const char *s, time_t *out, rd_err *e)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (!s)
		return rd_fail(e, RD_E_INVALID, _("no date given"));
	/* the field widths keep every number far from overflow */
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) /* NOLINT(cert-err34-c) */
		goto bad;
	if (s[n] == 'T' || s[n] == ' ') {
		int m = 0;
		if (sscanf(s + n + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m) != 3) /* NOLINT(cert-err34-c) */
			goto bad;
		n += 1 + m;
		if (s[n] == 'Z')
			n++;
	}
	if (s[n] != '\0' || !fields_tm(y, mo, d, h, mi, sec, &tm))
		goto bad;
	*out = timegm(&tm);
	{
		struct tm back;
		gmtime_r(out, &back);
		if (back.tm_mday != d) /* 2026-02-30 and the like */
			goto bad;
	}
	return RD_OK;
bad:
	return rd_fail(e, RD_E_INVALID, _("'%s' is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"), s);
}

rd_code rd_time_parse_local(const char *s, const char *field, time_t *out, rd_err *e)
{
	struct tm tm, back;
	int y, mo, d, h = 0, mi = 0, n = 0, m = 0;
	/* width-bounded fields, the length checked with %n, the ranges below */
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) /* NOLINT(cert-err34-c) */
		goto bad;
	if (s[n] == ' ' || s[n] == 'T') {
		if (sscanf(s + n + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5) /* NOLINT(cert-err34-c) */
			goto bad;
		n += 1 + m;
	}
	if (s[n] || !fields_tm(y, mo, d, h, mi, 0, &tm))
		goto bad;
	*out = mktime(&tm);
	localtime_r(out, &back);
	if (*out == (time_t)-1 || back.tm_mday != d) /* 2026-02-30 and the like */
		goto bad;
	return RD_OK;
bad:
	return rd_fail_at(e, RD_E_INVALID, field, _("'%s' is not a date (YYYY-MM-DD [HH:MM])"),
			  s ? s : "");
}
