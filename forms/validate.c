/* Validators, normalisation and masking for the fields of an application.
 * GB 11643 (resident ID) and GB 32100 (unified social credit code) check
 * characters are computed here from the standards' definitions. */
#include "forms/internal.h"

#include <stdio.h>
#include <string.h>

/* ---- UTF-8 ---------------------------------------------------------------------- */

bool rd__is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfffd;
}

void rd__describe_cp(uint32_t cp, char out[16])
{
	if (rd__is_control(cp) || cp == ' ' || cp == 0x3000) {
		snprintf(out, 16, "U+%04X", (unsigned)cp);
	} else if (cp < 0x80) {
		snprintf(out, 16, "'%c'", (char)cp);
	} else {
		char u[5] = {0};
		rd_utf8_encode(cp, u);
		snprintf(out, 16, "'%s'", u);
	}
}

static bool is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
	       cp == 0x3000;
}

/* ---- normalisation ------------------------------------------------------------------ */

struct out_buf {
	char *p;
	size_t n, len;
	bool overflow;
};

static void put_byte(struct out_buf *o, char c)
{
	if (o->len + 1 < o->n)
		o->p[o->len++] = c;
	else
		o->overflow = true;
}

static rd_code finish(struct out_buf *o)
{
	if (o->n == 0)
		return RD_E_INVALID;
	if (o->overflow) {
		o->p[0] = '\0';
		return RD_E_INVALID;
	}
	o->p[o->len] = '\0';
	return RD_OK;
}

/* Copies in to out, dropping white space (and hyphens if asked), folding
 * full-width ASCII (U+FF01..U+FF5E) to ASCII and ASCII letters to upper case. */
static rd_code squeeze(const char *in, char *out, size_t n, bool drop_hyphens)
{
	struct out_buf o = {out, n, 0, false};
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t len = strlen((const char *)s);
	if (!rd_utf8_valid((const char *)s, len)) {
		o.overflow = true; /* "" and RD_E_INVALID */
		return finish(&o);
	}
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int k = rd_utf8_decode(s + i, len - i, &cp);
		if (k < 0)
			break; /* not reached: checked above */
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		if (is_space_cp(cp) || (drop_hyphens && cp == '-')) {
			i += (size_t)k;
			continue;
		}
		if (cp < 0x80) {
			char c = (char)cp;
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			put_byte(&o, c);
		} else {
			for (int j = 0; j < k; j++)
				put_byte(&o, (char)s[i + j]);
		}
		i += (size_t)k;
	}
	return finish(&o);
}

rd_code rd_norm_id_number(const char *in, char *out, size_t n)
{
	return squeeze(in, out, n, false);
}

rd_code rd_norm_uscc(const char *in, char *out, size_t n)
{
	return squeeze(in, out, n, true);
}

rd_code rd_norm_mobile(const char *in, char *out, size_t n)
{
	char tmp[128];
	const char *p = tmp;
	if (squeeze(in, tmp, sizeof tmp, true) != RD_OK) {
		if (n)
			out[0] = '\0';
		return RD_E_INVALID;
	}
	/* a country code only when a mainland mobile number follows it, so that
	 * the canonical form is its own canonical form */
	if (!strncmp(p, "+86", 3) && strlen(p) == 14 && p[3] == '1')
		p += 3;
	else if (!strncmp(p, "0086", 4) && strlen(p) == 15 && p[4] == '1')
		p += 4;
	else if (!strncmp(p, "86", 2) && strlen(p) == 13 && p[2] == '1')
		p += 2;
	if (strlen(p) + 1 > n) {
		if (n)
			out[0] = '\0';
		return RD_E_INVALID;
	}
	memcpy(out, p, strlen(p) + 1);
	return RD_OK;
}

rd_code rd_norm_text(const char *in, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t len = strlen((const char *)s), start = 0, end = len;
	struct out_buf o = {out, n, 0, false};
	uint32_t cp;
	int k;
	if (!rd_utf8_valid((const char *)s, len)) {
		o.overflow = true;
		return finish(&o);
	}
	while (start < end && (k = rd_utf8_decode(s + start, end - start, &cp)) > 0 && is_space_cp(cp))
		start += (size_t)k;
	while (end > start) {
		if (s[end - 1] < 0x80) {
			if (!is_space_cp(s[end - 1]))
				break;
			end--;
		} else if (end - start >= 3 && rd_utf8_decode(s + end - 3, 3, &cp) == 3 && cp == 0x3000) {
			end -= 3;
		} else {
			break;
		}
	}
	for (size_t i = start; i < end; i++)
		put_byte(&o, (char)s[i]);
	return finish(&o);
}

rd_code rd_norm_email(const char *in, char *out, size_t n)
{
	char *at;
	if (rd_norm_text(in, out, n) != RD_OK)
		return RD_E_INVALID;
	at = strrchr(out, '@');
	for (char *p = at; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return RD_OK;
}

rd_code rd_norm_username(const char *in, char *out, size_t n)
{
	if (rd_norm_text(in, out, n) != RD_OK)
		return RD_E_INVALID;
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return RD_OK;
}

/* ---- shared checks ----------------------------------------------------------------------- */

static rd_code bad(rd_err *e, const char *field, const char *fmt, ...) RD_PRINTF(3, 4);
static rd_code bad(rd_err *e, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rd_failv(e, RD_E_INVALID, field ? field : "", fmt, ap);
	va_end(ap);
	return RD_E_INVALID;
}

static rd_code utf8_ok(const char *value, const char *field, rd_err *e)
{
	if (value && !rd_utf8_valid(value, strlen(value)))
		return bad(e, field, _("is not valid UTF-8"));
	return RD_OK;
}

/* Valid UTF-8 without control characters; counts characters into *chars. */
static rd_code check_utf8_text(const char *s, const char *field, long *chars, rd_err *e)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	long count = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int k = rd_utf8_decode(u + i, len - i, &cp);
		char d[16];
		if (k < 0)
			return bad(e, field, _("is not valid UTF-8 (byte %zu)"), i + 1);
		if (rd__is_control(cp)) {
			rd__describe_cp(cp, d);
			return bad(e, field, _("contains a control character (%s) at character %ld"), d,
				   count + 1);
		}
		count++;
		i += (size_t)k;
	}
	*chars = count;
	return RD_OK;
}

rd_code rd_check_text(const char *value, long min_chars, long max_chars, const char *field, rd_err *e)
{
	char buf[4096];
	long chars = 0;
	if (!value)
		value = "";
	if (utf8_ok(value, field, e) != RD_OK)
		return RD_E_INVALID;
	if (strlen(value) >= sizeof buf)
		return bad(e, field, _("is %zu bytes, too long for %ld characters"), strlen(value),
			   max_chars);
	rd_norm_text(value, buf, sizeof buf);
	if (check_utf8_text(buf, field, &chars, e) != RD_OK)
		return RD_E_INVALID;
	if (chars == 0 && min_chars > 0)
		return bad(e, field, _("is required"));
	if (chars < min_chars)
		return bad(e, field, _("is %ld characters, at least %ld needed"), chars, min_chars);
	if (chars > max_chars)
		return bad(e, field, _("is %ld characters, at most %ld allowed"), chars, max_chars);
	return RD_OK;
}

rd_code rd_check_name(const char *value, const char *field, rd_err *e)
{
	return rd_check_text(value, 1, RD_NAME_MAX_CHARS, field, e);
}

rd_code rd_check_address(const char *value, const char *field, rd_err *e)
{
	return rd_check_text(value, 1, RD_ADDRESS_MAX_CHARS, field, e);
}

/* The normalised value must be plain ASCII: reports the first other
 * character (or invalid byte) and its position. */
static rd_code check_ascii(const char *s, const char *field, rd_err *e)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	long pos = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int k = rd_utf8_decode(u + i, len - i, &cp);
		char d[16];
		pos++;
		if (k < 0)
			return bad(e, field, _("is not valid UTF-8 (byte %zu)"), i + 1);
		if (cp >= 0x80 || rd__is_control(cp)) {
			rd__describe_cp(cp, d);
			return bad(e, field, _("character %ld (%s) is not allowed"), pos, d);
		}
		i += (size_t)k;
	}
	return RD_OK;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}

static bool is_digit_or_upper(char c)
{
	return is_digit(c) || is_upper(c);
}

/* Where the first of the n characters at s that ok refuses is; n when
 * there is none. */
static size_t first_not(const char *s, size_t n, bool (*ok)(char))
{
	size_t i = 0;
	while (i < n && ok(s[i]))
		i++;
	return i;
}

static bool all_digits(const char *s, size_t n)
{
	return first_not(s, n, is_digit) == n;
}

#define TOO_LONG (-1)

/* Normalise with fn into buf and require ASCII; "" is "is required".
 * TOO_LONG (e untouched) when the normalised value does not fit buf: the
 * caller words that. */
static int normalise_ascii(rd_code (*fn)(const char *, char *, size_t), const char *value, char *buf,
			   size_t n, const char *field, rd_err *e)
{
	if (utf8_ok(value, field, e) != RD_OK)
		return RD_E_INVALID;
	if (fn(value ? value : "", buf, n) != RD_OK)
		return TOO_LONG;
	if (!buf[0])
		return bad(e, field, _("is required"));
	return check_ascii(buf, field, e);
}

static rd_code prepare(rd_code (*fn)(const char *, char *, size_t), const char *value, char *buf,
		       size_t n, const char *field, rd_err *e)
{
	int rc = normalise_ascii(fn, value, buf, n, field, e);
	return rc == TOO_LONG ? bad(e, field, _("is too long")) : (rd_code)rc;
}

/* ---- GB 11643 resident ID ---------------------------------------------------------------- */

char rd_gb11643_check_char(const char *first17)
{
	/* ISO 7064 MOD 11-2: weight of position i (1-based from the left) is
	 * 2^(18-i) mod 11; the check character makes the weighted sum 1 mod 11. */
	int sum = 0, w = 1;
	int weights[17];
	if (!first17)
		return '\0';
	for (int i = 16; i >= 0; i--) {
		w = (w * 2) % 11;
		weights[i] = w;
	}
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return '\0';
		sum += (first17[i] - '0') * weights[i];
	}
	int c = (12 - sum % 11) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Today's date in China Standard Time as YYYYMMDD. */
static long china_today(time_t now)
{
	time_t t = now + (time_t)8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	return (long)(tm.tm_year + 1900) * 10000 + (long)(tm.tm_mon + 1) * 100 + tm.tm_mday;
}

rd_code rd_check_resident_id(const char *value, time_t now, const char *field, rd_err *e)
{
	char v[64];
	size_t len, i;
	int y, m, d;
	char want;
	if (prepare(rd_norm_id_number, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if (len != 18)
		return bad(e, field, _("must be 18 characters, not %zu"), len);
	if ((i = first_not(v, 17, is_digit)) < 17)
		return bad(e, field, _("character %d ('%c') must be a digit"), (int)i + 1, v[i]);
	if (!is_digit(v[17]) && v[17] != 'X')
		return bad(e, field, _("character 18 ('%c') must be a digit or X"), v[17]);
	if (!strncmp(v, "000000", 6))
		return bad(e, field, _("region code must not be 000000"));
	y = (v[6] - '0') * 1000 + (v[7] - '0') * 100 + (v[8] - '0') * 10 + (v[9] - '0');
	m = (v[10] - '0') * 10 + (v[11] - '0');
	d = (v[12] - '0') * 10 + (v[13] - '0');
	if (y < 1880 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return bad(e, field, _("birth date %.8s is not a real date"), v + 6);
	if ((long)y * 10000 + (long)m * 100 + d > china_today(now))
		return bad(e, field, _("birth date %.8s is in the future"), v + 6);
	want = rd_gb11643_check_char(v);
	if (want != v[17])
		return bad(e, field, _("check character is %c, not %c"), want, v[17]);
	return RD_OK;
}

/* ---- GB 32100 unified social credit code --------------------------------------------------- */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* 31 characters */

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_alphabet, c) : NULL;
	return p ? (int)(p - uscc_alphabet) : -1;
}

static bool is_uscc_char(char c)
{
	return uscc_value(c) >= 0;
}

char rd_gb32100_check_char(const char *first17)
{
	/* weight of position i (0-based) is 3^i mod 31; the check character's
	 * value is 31 - (sum mod 31), 31 counting as 0. */
	int sum = 0, w = 1;
	if (!first17)
		return '\0';
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(first17[i]);
		if (v < 0)
			return '\0';
		sum += v * w;
		w = (w * 3) % 31;
	}
	return uscc_alphabet[(31 - sum % 31) % 31];
}

rd_code rd_check_uscc(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len, i;
	char want;
	if (prepare(rd_norm_uscc, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if (len != 18)
		return bad(e, field, _("must be 18 characters, not %zu"), len);
	if ((i = first_not(v, 18, is_uscc_char)) < 18)
		return bad(e, field, _("character %d ('%c') is not allowed: only 0-9 and A-Z without I, O, S, V, Z"),
			   (int)i + 1, v[i]);
	if (!all_digits(v + 2, 6))
		return bad(e, field, _("characters 3 to 8 (region code) must be digits"));
	want = rd_gb32100_check_char(v);
	if (want != v[17])
		return bad(e, field, _("check character is %c, not %c"), want, v[17]);
	return RD_OK;
}

/* ---- telephone, email, postal code, user name ----------------------------------------------- */

rd_code rd_check_mobile(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len, i;
	if (prepare(rd_norm_mobile, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if ((i = first_not(v, len, is_digit)) < len)
		return bad(e, field, _("character %zu ('%c') is not a digit"), i + 1, v[i]);
	if (len != 11)
		return bad(e, field, _("must be 11 digits, not %zu"), len);
	if (v[0] != '1' || v[1] < '3')
		return bad(e, field, _("must start with 13 to 19, not %.2s"), v);
	return RD_OK;
}

static size_t count_digits(const char *s)
{
	size_t n = 0;
	while (is_digit(s[n]))
		n++;
	return n;
}

rd_code rd_check_landline(const char *value, const char *field, rd_err *e)
{
	char v[128];
	const char *p;
	size_t n;
	if (prepare(rd_norm_text, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	p = v;
	/* area code */
	if (*p == '(') {
		p++;
		n = count_digits(p);
		if (n < 3 || n > 4 || p[0] != '0' || p[1] == '0' || p[n] != ')')
			return bad(e, field, _("area code must be 0 and 2 or 3 more digits, as in 010 or 0755"));
		p += n + 1;
		if (*p == ' ' || *p == '-')
			p++;
	} else {
		n = count_digits(p);
		if (n < 3 || n > 4 || p[0] != '0' || p[1] == '0')
			return bad(e, field, _("area code must be 0 and 2 or 3 more digits, as in 010 or 0755"));
		p += n;
		if (*p != '-' && *p != ' ')
			return bad(e, field, _("area code and number must be separated by '-', as in 010-12345678"));
		p++;
	}
	/* number */
	n = count_digits(p);
	if (n < 7 || n > 8 || p[0] == '0')
		return bad(e, field, _("number must be 7 or 8 digits, not starting with 0"));
	p += n;
	/* extension */
	if (*p == '-' || *p == ' ') {
		p++;
		n = count_digits(p);
		if (n < 1 || n > 6 || p[n])
			return bad(e, field, _("extension must be 1 to 6 digits"));
		p += n;
	}
	if (*p)
		return bad(e, field, _("unexpected '%c' after the number"), *p);
	return RD_OK;
}

static bool email_local_char(char c)
{
	return c > ' ' && c < 0x7f && !strchr("()<>[]:;,\\\"@", c);
}

rd_code rd_check_email(const char *value, const char *field, rd_err *e)
{
	char v[1100];
	const char *at, *dom;
	size_t len, local;
	int rc = normalise_ascii(rd_norm_email, value, v, sizeof v, field, e);
	if (rc == TOO_LONG)
		return bad(e, field, _("is longer than %d characters"), RD_EMAIL_MAX_CHARS);
	if (rc != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if (len > RD_EMAIL_MAX_CHARS)
		return bad(e, field, _("is longer than %d characters"), RD_EMAIL_MAX_CHARS);
	if (strchr(v, ' '))
		return bad(e, field, _("must not contain spaces"));
	at = strchr(v, '@');
	if (!at || strchr(at + 1, '@'))
		return bad(e, field, _("must contain exactly one @"));
	local = (size_t)(at - v);
	if (local < 1 || local > 64)
		return bad(e, field, _("the part before @ must be 1 to 64 characters"));
	for (size_t i = 0; i < local; i++)
		if (!email_local_char(v[i]))
			return bad(e, field, _("the part before @ must not contain '%c'"), v[i]);
	if (v[0] == '.' || at[-1] == '.' || memmem(v, local, "..", 2))
		return bad(e, field, _("the part before @ must not start or end with a dot or hold two dots in a row"));
	dom = at + 1;
	if (!strchr(dom, '.'))
		return bad(e, field, _("the domain after @ must contain a dot"));
	for (const char *label = dom; label;) {
		const char *dot = strchr(label, '.');
		size_t n = dot ? (size_t)(dot - label) : strlen(label);
		if (n < 1 || n > 63)
			return bad(e, field, _("the domain has an empty or overlong part"));
		for (size_t i = 0; i < n; i++)
			if (!is_alnum(label[i]) && label[i] != '-')
				return bad(e, field, _("the domain must not contain '%c'"), label[i]);
		if (label[0] == '-' || label[n - 1] == '-')
			return bad(e, field, _("a domain part must not start or end with '-'"));
		if (!dot) {
			if (n < 2)
				return bad(e, field, _("the top-level domain must be at least 2 letters"));
			for (size_t i = 0; i < n; i++)
				if (!(label[i] >= 'a' && label[i] <= 'z'))
					return bad(e, field, _("the top-level domain must be letters only"));
		}
		label = dot ? dot + 1 : NULL;
	}
	return RD_OK;
}

rd_code rd_check_postal_code(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len;
	if (prepare(rd_norm_id_number, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if (!all_digits(v, len))
		return bad(e, field, _("must be digits only"));
	if (len != 6)
		return bad(e, field, _("must be 6 digits, not %zu"), len);
	return RD_OK;
}

rd_code rd_check_username(const char *value, const char *field, rd_err *e)
{
	char v[256];
	size_t len, i;
	int rc = normalise_ascii(rd_norm_text, value, v, sizeof v, field, e);
	if (rc == TOO_LONG)
		return bad(e, field, _("is %zu characters, at most %d allowed"), strlen(value), RD_USERNAME_MAX_CHARS);
	if (rc != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if ((i = first_not(v, len, is_alnum)) < len)
		return bad(e, field, _("character %zu ('%c') is not a letter or digit"), i + 1, v[i]);
	if (len > RD_USERNAME_MAX_CHARS)
		return bad(e, field, _("is %zu characters, at most %d allowed"), len, RD_USERNAME_MAX_CHARS);
	return RD_OK;
}

/* ---- other identity documents ----------------------------------------------------------------- */

rd_code rd_check_passport(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len, i;
	if (prepare(rd_norm_id_number, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if ((i = first_not(v, len, is_digit_or_upper)) < len)
		return bad(e, field, _("character %zu ('%c') is not a letter or digit"), i + 1, v[i]);
	if (len < 5 || len > 17)
		return bad(e, field, _("a passport number must be 5 to 17 letters or digits, not %zu"), len);
	if (!strpbrk(v, "0123456789"))
		return bad(e, field, _("a passport number must contain digits"));
	return RD_OK;
}

rd_code rd_check_hk_macau_permit(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len;
	if (prepare(rd_norm_id_number, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if (v[0] != 'H' && v[0] != 'M')
		return bad(e, field, _("a Hong Kong or Macau permit number starts with H or M"));
	if ((len != 9 && len != 11) || !all_digits(v + 1, len - 1))
		return bad(e, field, _("a Hong Kong or Macau permit number is H or M and 8 or 10 digits"));
	return RD_OK;
}

rd_code rd_check_taiwan_permit(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len;
	if (prepare(rd_norm_id_number, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if ((len == 8 || len == 10) && all_digits(v, len))
		return RD_OK;
	if (len == 13 && all_digits(v, 10) && v[10] == '(' && is_upper(v[11]) && v[12] == ')')
		return RD_OK;
	return bad(e, field, _("a Taiwan permit number is 8 digits, or 10 digits with an optional letter in brackets"));
}

rd_code rd_check_foreign_pr(const char *value, const char *field, rd_err *e)
{
	char v[64];
	size_t len;
	if (prepare(rd_norm_id_number, value, v, sizeof v, field, e) != RD_OK)
		return RD_E_INVALID;
	len = strlen(v);
	if (len == 15 && is_upper(v[0]) && is_upper(v[1]) && is_upper(v[2]) && all_digits(v + 3, 12))
		return RD_OK;
	if (len == 18 && v[0] == '9' && all_digits(v, 17) && (is_digit(v[17]) || v[17] == 'X'))
		return RD_OK;
	return bad(e, field, _("a permanent resident card number is 3 letters and 12 digits, or 18 characters starting with 9"));
}

rd_code rd_check_id_number(rd_id_type type, const char *value, time_t now, const char *field,
			   rd_err *e)
{
	switch (type) {
	case RD_ID_RESIDENT:
		return rd_check_resident_id(value, now, field, e);
	case RD_ID_PASSPORT:
		return rd_check_passport(value, field, e);
	case RD_ID_HK_MACAU:
		return rd_check_hk_macau_permit(value, field, e);
	case RD_ID_TAIWAN:
		return rd_check_taiwan_permit(value, field, e);
	case RD_ID_FOREIGN_PR:
		return rd_check_foreign_pr(value, field, e);
	case RD_ID_NONE:
		break;
	}
	return bad(e, field, _("the ID type is missing or unknown"));
}

/* ---- masking ---------------------------------------------------------------------------------- */

static void mask_keep(const char *in, size_t head, size_t tail, char *out, size_t n)
{
	struct out_buf o = {out, n, 0, false};
	size_t len = strlen(in);
	for (size_t i = 0; i < len; i++)
		put_byte(&o, i < head || i >= len - tail ? in[i] : '*');
	finish(&o);
}

/* As many stars as the text has characters (bytes if it is not UTF-8). */
static void mask_all(const char *in, char *out, size_t n)
{
	long chars = rd_utf8_chars(in);
	struct out_buf o = {out, n, 0, false};
	for (long c = 0; c < (chars < 0 ? (long)strlen(in) : chars); c++)
		put_byte(&o, '*');
	finish(&o);
}

void rd_mask_id(const char *in, char *out, size_t n)
{
	size_t len;
	if (!in)
		in = "";
	len = strlen(in);
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)in[i] >= 0x80) { /* not an identifier we know: hide it all */
			mask_all(in, out, n);
			return;
		}
	}
	if (len > 10)
		mask_keep(in, 6, 4, out, n);
	else
		mask_keep(in, len / 4, len / 4, out, n);
}

void rd_mask_mobile(const char *in, char *out, size_t n)
{
	if (in && strlen(in) == 11 && all_digits(in, 11))
		mask_keep(in, 3, 4, out, n);
	else
		rd_mask_id(in, out, n);
}
