/* Error context: the code says what kind of failure, the text says why. */
#include "core/core.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

void rd_err_clear(rd_err *e)
{
	if (!e)
		return;
	e->code = RD_OK;
	e->field[0] = '\0';
	e->msg[0] = '\0';
}

rd_code rd_failv(rd_err *e, rd_code code, const char *field, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	e->code = code;
	rd_strlcpy(e->field, field ? field : "", sizeof e->field);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return code;
}

/* The names in brackets: core.h may define them as macros for clang-tidy. */
rd_code(rd_fail)(rd_err *e, rd_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rd_failv(e, code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

rd_code(rd_fail_at)(rd_err *e, rd_code code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rd_failv(e, code, field, fmt, ap);
	va_end(ap);
	return code;
}

void rd_err_prefix(rd_err *e, const char *fmt, ...)
{
	char pre[512], old[RD_ERR_MSG_MAX];
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	rd_strlcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%s: %s", pre, old);
}

int rd_exit_status(rd_code code)
{
	switch (code) {
	case RD_OK:
		return 0;
	case RD_E_INVALID:
	case RD_E_REFUSED:
	case RD_E_NOTFOUND:
	case RD_E_CONFLICT:
	case RD_E_CONFIG:
		return 1;
	case RD_E_USAGE:
		return 2;
	case RD_E_AUTH:
		return 3;
	case RD_E_UPSTREAM:
	case RD_E_DEVICE:
	case RD_E_TIMEOUT:
		return 4;
	case RD_E_IO:
	case RD_E_DATA:
	case RD_E_INTERNAL:
	case RD_E_NOMEM:
	case RD_E_INTERRUPTED:
	case RD_E_BUSY:
		return 5;
	}
	return 5;
}

const char *rd_code_name(rd_code code)
{
	static const char *const names[] = {
		"ok",       "invalid",  "refused", "not_found", "conflict", "usage",
		"auth",     "upstream", "device",  "timeout",   "io",       "data",
		"internal", "nomem",    "config",  "interrupted", "busy",
	};
	if ((size_t)code < RD_ARRAY_LEN(names))
		return names[code];
	return "unknown";
}

const char *rd_err_text(const rd_err *e, char *buf, size_t n)
{
	if (e->field[0])
		snprintf(buf, n, "%s: %s", e->field, e->msg);
	else
		snprintf(buf, n, "%s", e->msg);
	return buf;
}

void rd_err_add_openssl(rd_err *e)
{
	unsigned long code;
	char buf[256];
	while ((code = ERR_get_error()) != 0) {
		if (!e)
			continue;
		ERR_error_string_n(code, buf, sizeof buf);
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof e->msg - len, "%s%s", len ? " (" : "(", buf);
		len = strlen(e->msg);
		snprintf(e->msg + len, sizeof e->msg - len, ")");
	}
}
