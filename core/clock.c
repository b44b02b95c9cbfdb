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

rd_code rd_time_parse(const char *s, time_t *out, rd_err *e)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	memset(&tm, 0, sizeof tm);
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
	if (s[n] != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
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
