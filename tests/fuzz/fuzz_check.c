/* One libFuzzer target per validator: build with -DCHECK=<name>, e.g.
 * -DCHECK=resident_id.  Besides "no crash, no leak", each checks properties:
 * a refusal names the field and says why in printable text; an acceptance
 * means the canonical form has the documented shape. */
#include "forms/forms.h"
#include "tests/fuzz/fuzz_common.h"

#include <ctype.h>

#define NOW ((time_t)1795251600) /* 2026-11-21T09:00:00Z */

#define STR2(x) #x
#define STR(x) STR2(x)

static rd_code run_check(const char *s, rd_err *e)
{
	const char *name = STR(CHECK);
	if (!strcmp(name, "resident_id"))
		return rd_check_resident_id(s, NOW, "f", e);
	if (!strcmp(name, "uscc"))
		return rd_check_uscc(s, "f", e);
	if (!strcmp(name, "mobile"))
		return rd_check_mobile(s, "f", e);
	if (!strcmp(name, "landline"))
		return rd_check_landline(s, "f", e);
	if (!strcmp(name, "email"))
		return rd_check_email(s, "f", e);
	if (!strcmp(name, "postal_code"))
		return rd_check_postal_code(s, "f", e);
	if (!strcmp(name, "username"))
		return rd_check_username(s, "f", e);
	if (!strcmp(name, "name"))
		return rd_check_name(s, "f", e);
	if (!strcmp(name, "address"))
		return rd_check_address(s, "f", e);
	if (!strcmp(name, "passport"))
		return rd_check_passport(s, "f", e);
	if (!strcmp(name, "hk_macau_permit"))
		return rd_check_hk_macau_permit(s, "f", e);
	if (!strcmp(name, "taiwan_permit"))
		return rd_check_taiwan_permit(s, "f", e);
	if (!strcmp(name, "foreign_pr"))
		return rd_check_foreign_pr(s, "f", e);
	abort(); /* unknown CHECK */
}

static void accepted(const char *s)
{
	const char *name = STR(CHECK);
	char n[4096];
	if (!strcmp(name, "resident_id")) {
		FUZZ_REQUIRE(rd_norm_id_number(s, n, sizeof n) == RD_OK);
		FUZZ_REQUIRE(strlen(n) == 18);
		FUZZ_REQUIRE(rd_gb11643_check_char(n) == n[17]);
		char m[64];
		rd_mask_id(n, m, sizeof m);
		FUZZ_REQUIRE(strlen(m) == 18 && !memcmp(m, n, 6) && !memcmp(m + 14, n + 14, 4));
	} else if (!strcmp(name, "uscc")) {
		FUZZ_REQUIRE(rd_norm_uscc(s, n, sizeof n) == RD_OK);
		FUZZ_REQUIRE(strlen(n) == 18 && strpbrk(n, "IOSVZ") == NULL);
		FUZZ_REQUIRE(rd_gb32100_check_char(n) == n[17]);
	} else if (!strcmp(name, "mobile")) {
		FUZZ_REQUIRE(rd_norm_mobile(s, n, sizeof n) == RD_OK);
		FUZZ_REQUIRE(strlen(n) == 11 && n[0] == '1' && n[1] >= '3');
		for (int i = 0; i < 11; i++)
			FUZZ_REQUIRE(isdigit((unsigned char)n[i]));
	} else if (!strcmp(name, "username")) {
		FUZZ_REQUIRE(rd_norm_username(s, n, sizeof n) == RD_OK);
		FUZZ_REQUIRE(strlen(n) >= 1 && strlen(n) <= 12);
		for (const char *p = n; *p; p++)
			FUZZ_REQUIRE(isalnum((unsigned char)*p));
	} else if (!strcmp(name, "name") || !strcmp(name, "address")) {
		long max = !strcmp(name, "name") ? 60 : 200;
		FUZZ_REQUIRE(rd_norm_text(s, n, sizeof n) == RD_OK);
		long chars = rd_utf8_chars(n);
		FUZZ_REQUIRE(chars >= 1 && chars <= max);
	} else if (!strcmp(name, "email")) {
		FUZZ_REQUIRE(rd_norm_email(s, n, sizeof n) == RD_OK);
		FUZZ_REQUIRE(strlen(n) <= 254 && strchr(n, '@') && !strchr(n, ' '));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	rd_err e;
	rd_err_clear(&e);
	rd_code rc = run_check(s, &e);
	if (rc == RD_OK) {
		accepted(s);
	} else {
		FUZZ_REQUIRE(rc == RD_E_INVALID);
		FUZZ_REQUIRE(!strcmp(e.field, "f"));
		FUZZ_REQUIRE(e.msg[0] != '\0');
		fuzz_assert_printable("message", e.msg);
	}
	free(s);
	return 0;
}
