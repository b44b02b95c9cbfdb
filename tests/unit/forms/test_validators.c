/* The validators with the standards' own examples and with broken ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "forms/forms.h"

/* 2026-11-21T09:00:00Z, the test suite's fixed clock */
#define NOW ((time_t)1795251600)

/* value fails with a message containing want, and field set to "f" */
static void fails_with(rd_code rc, const rd_err *e, const char *want)
{
	assert_int_equal(rc, RD_E_INVALID);
	assert_string_equal(e->field, "f");
	if (!strstr(e->msg, want))
		fail_msg("wanted '%s' in '%s'", want, e->msg);
}

static void resident_id_examples(void **state)
{
	rd_err e;
	/* the worked examples of GB 11643 */
	assert_int_equal(rd_check_resident_id("11010519491231002X", NOW, "f", &e), RD_OK);
	assert_int_equal(rd_check_resident_id("440524188001010014", NOW, "f", &e), RD_OK);
	/* lower-case x, surrounding and inner spaces, full-width digits */
	assert_int_equal(rd_check_resident_id(" 11010519491231002x ", NOW, "f", &e), RD_OK);
	assert_int_equal(rd_check_resident_id("110105 19491231 002X", NOW, "f", &e), RD_OK);
	assert_int_equal(rd_check_resident_id("１１０１０５１９４９１２３１００２Ｘ", NOW, "f", &e), RD_OK);
	/* 29 February in a leap year; born today */
	assert_int_equal(rd_check_resident_id("110105200002291235", NOW, "f", &e), RD_OK);
	assert_int_equal(rd_check_resident_id("110105202611210014", NOW, "f", &e), RD_OK);
	assert_int_equal(rd_gb11643_check_char("11010519491231002"), 'X');
	assert_int_equal(rd_gb11643_check_char("44052418800101001"), '4');
	assert_int_equal(rd_gb11643_check_char("4405241880010100A"), '\0');
}

static void resident_id_broken(void **state)
{
	rd_err e;
	fails_with(rd_check_resident_id("110105194912310021", NOW, "f", &e), &e,
		   "check character is X, not 1");
	fails_with(rd_check_resident_id("440524188001010015", NOW, "f", &e), &e,
		   "check character is 4, not 5");
	fails_with(rd_check_resident_id("11010519491231002", NOW, "f", &e), &e, "18 characters, not 17");
	fails_with(rd_check_resident_id("11010519491231002X1", NOW, "f", &e), &e, "18 characters, not 19");
	fails_with(rd_check_resident_id("1101051949123100AX", NOW, "f", &e), &e, "character 17 ('A')");
	fails_with(rd_check_resident_id("11010519491231002Y", NOW, "f", &e), &e, "digit or X");
	fails_with(rd_check_resident_id("000000194912310020", NOW, "f", &e), &e, "000000");
	/* 29 February 1900 did not exist (the check character is right) */
	fails_with(rd_check_resident_id("110105190002291239", NOW, "f", &e), &e, "not a real date");
	fails_with(rd_check_resident_id("110105194913310026", NOW, "f", &e), &e, "not a real date");
	/* tomorrow in China */
	fails_with(rd_check_resident_id("11010520261122001X", NOW, "f", &e), &e, "in the future");
	fails_with(rd_check_resident_id("", NOW, "f", &e), &e, "required");
	fails_with(rd_check_resident_id("张三", NOW, "f", &e), &e, "not allowed");
	fails_with(rd_check_resident_id("11010519491231\x01" "02X", NOW, "f", &e), &e, "U+0001");
	fails_with(rd_check_resident_id("\xff", NOW, "f", &e), &e, "UTF-8");
}

static void uscc_examples(void **state)
{
	rd_err e;
	assert_int_equal(rd_check_uscc("91350100M000100Y43", "f", &e), RD_OK);
	assert_int_equal(rd_check_uscc("91110000802100433B", "f", &e), RD_OK);
	assert_int_equal(rd_check_uscc("12100000400000624D", "f", &e), RD_OK);
	assert_int_equal(rd_check_uscc("521000005000000118", "f", &e), RD_OK);
	assert_int_equal(rd_check_uscc("91310115MA1K3YJB67", "f", &e), RD_OK);
	/* case, spaces and hyphens do not matter */
	assert_int_equal(rd_check_uscc("9135 0100 m000-100y43", "f", &e), RD_OK);
	assert_int_equal(rd_gb32100_check_char("91350100M000100Y4"), '3');
	assert_int_equal(rd_gb32100_check_char("11100000000013127"), 'D');
	/* a weighted sum divisible by 31 gives 0, not the (absent) 32nd character */
	assert_int_equal(rd_gb32100_check_char("91110000100000002"), '0');
	assert_int_equal(rd_check_uscc("911100001000000020", "f", &e), RD_OK);
	assert_int_equal(rd_gb32100_check_char("9135010OM000100Y4"), '\0');
}

static void uscc_broken(void **state)
{
	rd_err e;
	fails_with(rd_check_uscc("91350100M000100Y44", "f", &e), &e, "check character is 3, not 4");
	fails_with(rd_check_uscc("91110000802100433C", "f", &e), &e, "check character is B, not C");
	fails_with(rd_check_uscc("91350100M000100Y4", "f", &e), &e, "18 characters, not 17");
	fails_with(rd_check_uscc("91350100M000100Y433", "f", &e), &e, "18 characters, not 19");
	/* each letter the alphabet leaves out */
	fails_with(rd_check_uscc("91350100I000100Y43", "f", &e), &e, "character 9 ('I')");
	fails_with(rd_check_uscc("91350100O000100Y43", "f", &e), &e, "character 9 ('O')");
	fails_with(rd_check_uscc("91350100S000100Y43", "f", &e), &e, "character 9 ('S')");
	fails_with(rd_check_uscc("91350100V000100Y43", "f", &e), &e, "character 9 ('V')");
	fails_with(rd_check_uscc("91350100Z000100Y43", "f", &e), &e, "character 9 ('Z')");
	fails_with(rd_check_uscc("913501*0M000100Y43", "f", &e), &e, "character 7 ('*')");
	fails_with(rd_check_uscc("91A50100M000100Y43", "f", &e), &e, "region code");
	fails_with(rd_check_uscc("", "f", &e), &e, "required");
}

static void mobile(void **state)
{
	rd_err e;
	assert_int_equal(rd_check_mobile("13800138000", "f", &e), RD_OK);
	assert_int_equal(rd_check_mobile("19912345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_mobile("+86 138-0013-8000", "f", &e), RD_OK);
	assert_int_equal(rd_check_mobile("0086 13800138000", "f", &e), RD_OK);
	assert_int_equal(rd_check_mobile("8613800138000", "f", &e), RD_OK);
	fails_with(rd_check_mobile("12800138000", "f", &e), &e, "start with 13 to 19");
	fails_with(rd_check_mobile("23800138000", "f", &e), &e, "start with 13 to 19");
	fails_with(rd_check_mobile("1380013800", "f", &e), &e, "11 digits, not 10");
	fails_with(rd_check_mobile("138001380001", "f", &e), &e, "11 digits, not 12");
	fails_with(rd_check_mobile("1380013800a", "f", &e), &e, "not a digit");
	fails_with(rd_check_mobile("", "f", &e), &e, "required");
}

static void landline(void **state)
{
	rd_err e;
	assert_int_equal(rd_check_landline("010-12345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_landline("0755-1234567-123", "f", &e), RD_OK);
	assert_int_equal(rd_check_landline("(010)12345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_landline("0591 87654321", "f", &e), RD_OK);
	fails_with(rd_check_landline("10-12345678", "f", &e), &e, "area code");
	fails_with(rd_check_landline("001-12345678", "f", &e), &e, "area code");
	fails_with(rd_check_landline("01012345678", "f", &e), &e, "area code");
	fails_with(rd_check_landline("010-123456", "f", &e), &e, "7 or 8 digits");
	fails_with(rd_check_landline("010-02345678", "f", &e), &e, "not starting with 0");
	fails_with(rd_check_landline("010-12345678-1234567", "f", &e), &e, "extension");
	fails_with(rd_check_landline("010-12345678x", "f", &e), &e, "unexpected 'x'");
}

static void email(void **state)
{
	rd_err e;
	char out[300];
	assert_int_equal(rd_check_email("zhang.san@example.com", "f", &e), RD_OK);
	assert_int_equal(rd_check_email("a+tag@mail.example.com.cn", "f", &e), RD_OK);
	assert_int_equal(rd_check_email("  X@Example.COM ", "f", &e), RD_OK);
	rd_norm_email("  X@Example.COM ", out, sizeof out);
	assert_string_equal(out, "X@example.com");
	fails_with(rd_check_email("zhang.example.com", "f", &e), &e, "one @");
	fails_with(rd_check_email("a@b@example.com", "f", &e), &e, "one @");
	fails_with(rd_check_email("a@localhost", "f", &e), &e, "contain a dot");
	fails_with(rd_check_email("a b@example.com", "f", &e), &e, "spaces");
	fails_with(rd_check_email("@example.com", "f", &e), &e, "1 to 64");
	fails_with(rd_check_email(".a@example.com", "f", &e), &e, "dot");
	fails_with(rd_check_email("a..b@example.com", "f", &e), &e, "dot");
	fails_with(rd_check_email("a@-example.com", "f", &e), &e, "'-'");
	fails_with(rd_check_email("a@example.c", "f", &e), &e, "at least 2");
	fails_with(rd_check_email("a@example..com", "f", &e), &e, "empty");
	fails_with(rd_check_email("张@example.com", "f", &e), &e, "not allowed");
	char longlocal[80];
	memset(longlocal, 'a', 65);
	strcpy(longlocal + 65, "@example.com");
	fails_with(rd_check_email(longlocal, "f", &e), &e, "1 to 64");
	char huge[400];
	memset(huge, 'a', 60);
	huge[60] = '@';
	for (int i = 61; i < 300; i++)
		huge[i] = (i % 10 == 0) ? '.' : 'b';
	strcpy(huge + 300, ".com");
	fails_with(rd_check_email(huge, "f", &e), &e, "254");
}

static void postal_and_username(void **state)
{
	rd_err e;
	assert_int_equal(rd_check_postal_code("100000", "f", &e), RD_OK);
	fails_with(rd_check_postal_code("10000", "f", &e), &e, "6 digits, not 5");
	fails_with(rd_check_postal_code("10000A", "f", &e), &e, "digits only");
	assert_int_equal(rd_check_username("zhang3", "f", &e), RD_OK);
	assert_int_equal(rd_check_username("ABCdef123456", "f", &e), RD_OK);
	assert_int_equal(rd_check_username("a", "f", &e), RD_OK);
	fails_with(rd_check_username("ABCdef1234567", "f", &e), &e, "13 characters, at most 12");
	fails_with(rd_check_username("zhang_3", "f", &e), &e, "character 6 ('_')");
	fails_with(rd_check_username("张三", "f", &e), &e, "not allowed");
	fails_with(rd_check_username("", "f", &e), &e, "required");
	char out[32];
	rd_norm_username(" Zhang3 ", out, sizeof out);
	assert_string_equal(out, "zhang3");
}

static void names_and_text(void **state)
{
	rd_err e;
	char sixty[61 * 3 + 1] = "", sixtyone[62 * 3 + 1] = "";
	for (int i = 0; i < 60; i++)
		strcat(sixty, "张");
	strcpy(sixtyone, sixty);
	strcat(sixtyone, "三");
	assert_int_equal(rd_check_name("张三", "f", &e), RD_OK);
	assert_int_equal(rd_check_name("  李四\xe3\x80\x80", "f", &e), RD_OK); /* U+3000 trimmed */
	assert_int_equal(rd_check_name(sixty, "f", &e), RD_OK);            /* 180 bytes, 60 characters */
	fails_with(rd_check_name(sixtyone, "f", &e), &e, "61 characters, at most 60");
	fails_with(rd_check_name("   ", "f", &e), &e, "required");
	fails_with(rd_check_name("张\t三", "f", &e), &e, "U+0009");
	fails_with(rd_check_name("张\xc2\x85三", "f", &e), &e, "U+0085"); /* C1 NEL */
	fails_with(rd_check_name("张\x7f", "f", &e), &e, "U+007F");
	fails_with(rd_check_name("\xe5\xbc", "f", &e), &e, "UTF-8");       /* truncated */
	fails_with(rd_check_name("\xc0\xaf", "f", &e), &e, "UTF-8");       /* overlong */
	fails_with(rd_check_name("\xed\xa0\x80", "f", &e), &e, "UTF-8");   /* surrogate */
	char addr[201 * 3 + 1] = "";
	for (int i = 0; i < 200; i++)
		strcat(addr, "路");
	assert_int_equal(rd_check_address(addr, "f", &e), RD_OK);
	strcat(addr, "路");
	fails_with(rd_check_address(addr, "f", &e), &e, "201 characters, at most 200");
	char out[64];
	rd_norm_text("\xe3\x80\x80 北京 有限公司 \n", out, sizeof out);
	assert_string_equal(out, "北京 有限公司");
}

static void other_documents(void **state)
{
	rd_err e;
	assert_int_equal(rd_check_passport("E12345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_passport("ej1234567", "f", &e), RD_OK);
	fails_with(rd_check_passport("E123", "f", &e), &e, "5 to 17");
	fails_with(rd_check_passport("ABCDEFGH", "f", &e), &e, "digits");
	fails_with(rd_check_passport("E1234-5678", "f", &e), &e, "('-')");
	assert_int_equal(rd_check_hk_macau_permit("H12345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_hk_macau_permit("m1234567890", "f", &e), RD_OK);
	fails_with(rd_check_hk_macau_permit("C12345678", "f", &e), &e, "H or M");
	fails_with(rd_check_hk_macau_permit("H1234567", "f", &e), &e, "8 or 10 digits");
	assert_int_equal(rd_check_taiwan_permit("12345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_taiwan_permit("1234567890", "f", &e), RD_OK);
	assert_int_equal(rd_check_taiwan_permit("1234567890(b)", "f", &e), RD_OK);
	fails_with(rd_check_taiwan_permit("1234567", "f", &e), &e, "8 digits");
	fails_with(rd_check_taiwan_permit("T1234567", "f", &e), &e, "8 digits");
	assert_int_equal(rd_check_foreign_pr("USA110012345678", "f", &e), RD_OK);
	assert_int_equal(rd_check_foreign_pr("93315619800101002X", "f", &e), RD_OK);
	fails_with(rd_check_foreign_pr("US1100123456789", "f", &e), &e, "3 letters and 12 digits");
	fails_with(rd_check_foreign_pr("11010519491231002X", "f", &e), &e, "starting with 9");
	/* dispatch */
	assert_int_equal(rd_check_id_number(RD_ID_PASSPORT, "E12345678", NOW, "f", &e), RD_OK);
	fails_with(rd_check_id_number(RD_ID_RESIDENT, "E12345678", NOW, "f", &e), &e, "18 characters");
	fails_with(rd_check_id_number(RD_ID_NONE, "E12345678", NOW, "f", &e), &e, "ID type");
}

static void masking(void **state)
{
	char out[64];
	rd_mask_id("11010519491231002X", out, sizeof out);
	assert_string_equal(out, "110105********002X");
	rd_mask_id("91350100M000100Y43", out, sizeof out);
	assert_string_equal(out, "913501********0Y43");
	rd_mask_id("E12345678", out, sizeof out);
	assert_string_equal(out, "E1*****78");
	rd_mask_id("张三", out, sizeof out);
	assert_string_equal(out, "**");
	rd_mask_id("", out, sizeof out);
	assert_string_equal(out, "");
	rd_mask_mobile("13800138000", out, sizeof out);
	assert_string_equal(out, "138****8000");
	rd_mask_id("11010519491231002X", out, 5); /* too small: nothing rather than a leak */
	assert_string_equal(out, "");
}

static void normalisation_for_the_index(void **state)
{
	char a[64], b[64];
	rd_norm_id_number("11010519491231002x", a, sizeof a);
	rd_norm_id_number(" 110105 19491231002X", b, sizeof b);
	assert_string_equal(a, "11010519491231002X");
	assert_string_equal(a, b);
	rd_norm_uscc("9135-0100-m000100y43", a, sizeof a);
	assert_string_equal(a, "91350100M000100Y43");
	rd_norm_mobile("+86 138-0013-8000", a, sizeof a);
	assert_string_equal(a, "13800138000");
	rd_norm_mobile("138 0013 8000", b, sizeof b);
	assert_string_equal(a, b);
	assert_int_equal(rd_norm_id_number("11010519491231002X", a, 10), RD_E_INVALID);
	assert_string_equal(a, "");
	/* invalid UTF-8 is refused, not stitched into new characters
	 * (found by the fuzzer: EF \n BD 95 became U+FF55 once the \n went) */
	assert_int_equal(rd_norm_id_number("\xef\n\xbd\x95", a, sizeof a), RD_E_INVALID);
	assert_int_equal(rd_norm_text("ab\xff", a, sizeof a), RD_E_INVALID);
	/* a country code is removed only before a mobile number: idempotent */
	rd_norm_mobile("0086008613800138000", a, sizeof a);
	rd_norm_mobile(a, b, sizeof b);
	assert_string_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resident_id_examples),
		cmocka_unit_test(resident_id_broken),
		cmocka_unit_test(uscc_examples),
		cmocka_unit_test(uscc_broken),
		cmocka_unit_test(mobile),
		cmocka_unit_test(landline),
		cmocka_unit_test(email),
		cmocka_unit_test(postal_and_username),
		cmocka_unit_test(names_and_text),
		cmocka_unit_test(other_documents),
		cmocka_unit_test(masking),
		cmocka_unit_test(normalisation_for_the_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
