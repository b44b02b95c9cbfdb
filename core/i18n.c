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

bool rd_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
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
