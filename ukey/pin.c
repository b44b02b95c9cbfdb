/* ukey: the PIN policy and where the RA's SO PIN comes from. */
#include "ukey/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Each step from one character to the next is the same +1 or -1 (digits
 * and letters, case ignored): 123456, 654321, abcdef, FEDCBA. */
static bool simple_run(const char *p, size_t n)
{
	int step = 0;
	for (size_t i = 1; i < n; i++) {
		int a = tolower((unsigned char)p[i - 1]), b = tolower((unsigned char)p[i]);
		int d = b - a;
		if (!(isalnum(a) && isalnum(b)) || (d != 1 && d != -1) ||
		    (isdigit(a) != isdigit(b)))
			return false;
		if (step == 0)
			step = d;
		else if (d != step)
			return false;
	}
	return true;
}

rd_code rd_ukey_pin_check(const char *pin, rd_err *e)
{
	size_t n = pin ? strlen(pin) : 0;
	bool same = true;

	if (n < RD_UKEY_PIN_MIN || n > RD_UKEY_PIN_MAX)
		return rd_fail_at(e, RD_E_INVALID, "pin", _("the PIN must have %d to %d characters"),
				  RD_UKEY_PIN_MIN, RD_UKEY_PIN_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pin[i];
		if (c <= 0x20 || c >= 0x7f)
			return rd_fail_at(e, RD_E_INVALID, "pin",
					  _("the PIN may contain only letters, digits and punctuation"));
		if (c != (unsigned char)pin[0])
			same = false;
	}
	if (same)
		return rd_fail_at(e, RD_E_INVALID, "pin",
				  _("the PIN must not be one character repeated"));
	if (simple_run(pin, n))
		return rd_fail_at(e, RD_E_INVALID, "pin",
				  _("the PIN must not be a simple sequence such as 123456 or 654321"));
	return RD_OK;
}

rd_code rd_ukey_so_pin(const rd_config *cfg, char **pin, size_t *len, rd_err *e)
{
	const char *var = rd_config_str(cfg, "ukey", "so_pin_env");
	const char *v;
	char *path, *data = NULL;
	size_t n = 0;
	struct stat st;
	rd_code rc;

	*pin = NULL;
	*len = 0;
	if (!var || !*var)
		var = RD_UKEY_SO_PIN_ENV;
	v = getenv(var);
	if (v && *v) {
		if (!(*pin = rd_strdup(v)))
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		*len = strlen(v);
		return RD_OK;
	}
	path = rd_config_path(cfg, "ukey", "so_pin_file");
	if (!path)
		return rd_fail_at(e, RD_E_CONFIG, "ukey.so_pin_file",
				  _("no SO PIN: set %s or [ukey] so_pin_file"), var);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = rd_fail_at(e, RD_E_CONFIG, path, _("the SO PIN file cannot be read"));
		goto out;
	}
	if (st.st_mode & 077) {
		rc = rd_fail_at(e, RD_E_CONFIG, path,
				_("the SO PIN file must be readable by its owner only (chmod 600)"));
		goto out;
	}
	rc = rd_file_read(path, 256, &data, &n, e);
	if (rc != RD_OK)
		goto out;
	size_t line = strcspn(data, "\r\n");
	if (line == 0) {
		rc = rd_fail_at(e, RD_E_CONFIG, path, _("the SO PIN file is empty"));
		rd_secret_free(data, n + 1);
		goto out;
	}
	rd_memzero(data + line, n - line);
	*pin = data;
	*len = line;
out:
	free(path);
	return rc;
}
