/* Logging through a callback; modules never print on their own. */
#include "core/core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rd_log(const rd_logger *lg, rd_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!lg || !lg->fn || level < lg->min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lg->fn(lg->ud, level, msg);
}

static void log_to_stderr(void *ud, rd_log_level level, const char *msg)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};
	(void)ud;
	fprintf(stderr, "radesk: %s: %s\n", names[level], msg);
}

rd_logger rd_logger_stderr(rd_log_level min)
{
	rd_logger lg = {log_to_stderr, NULL, min};
	return lg;
}

rd_log_level rd_log_level_parse(const char *name, rd_log_level dflt)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};
	for (int i = 0; name && i < 4; i++)
		if (!strcmp(name, names[i]))
			return (rd_log_level)i;
	return dflt;
}

bool rd_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	if (!s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	while (end != s && (*end == ' ' || *end == '\t'))
		end++;
	if (end == s || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}
