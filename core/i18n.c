/* Locale and translations.  The message catalogue is looked up next to the
 * binary first (build/locale during development), then under PREFIX. */
#include "core/core.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static void bind_catalogue(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	const char *env = getenv("RADESK_LOCALEDIR");
	if (env && *env) {
		bindtextdomain("radesk", env);
		return;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof dir, "%s/locale", exe);
			if (rd_file_exists(dir)) {
				bindtextdomain("radesk", dir);
				return;
			}
		}
	}
	bindtextdomain("radesk", RADESK_PREFIX "/share/locale");
}

void rd_i18n_init(const char *lang)
{
	if (lang && *lang) {
		if (strcmp(lang, "en") == 0 || strcmp(lang, "C") == 0)
			setenv("LANGUAGE", "en", 1);
		else
			setenv("LANGUAGE", lang, 1);
	}
	if (!setlocale(LC_ALL, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		/* Chinese needs a UTF-8 locale; C.UTF-8 is always there. */
		if (!setlocale(LC_ALL, "C.UTF-8"))
			setlocale(LC_ALL, "");
	}
	bind_catalogue();
	bind_textdomain_codeset("radesk", "UTF-8");
	textdomain("radesk");
}

long rd_utf8_chars(const char *s)
{
	long n = 0;
	if (!rd_utf8_valid(s, strlen(s)))
		return -1;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int rd_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	int len;
	if (n == 0)
		return -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		c = s[0] & 0x1f, len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		c = s[0] & 0x0f, len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		c = s[0] & 0x07, len = 4;
	else
		return -1;
	if ((size_t)len > n)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return len;
}

size_t rd_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

bool rd_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		int len = rd_utf8_decode(s + i, n - i, &cp);
		if (len < 0)
			return false;
		i += (size_t)len;
	}
	return true;
}

int rd_utf8_width(const char *s)
{
	mbstate_t st;
	int w = 0;
	size_t n = strlen(s);
	memset(&st, 0, sizeof st);
	while (n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			w++;
			s++;
			n--;
			memset(&st, 0, sizeof st);
			continue;
		}
		if (k == 0)
			break;
		int cw = wcwidth(wc);
		w += cw > 0 ? cw : 0;
		s += k;
		n -= k;
	}
	return w;
}
