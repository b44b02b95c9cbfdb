#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "core/core.h"

static void defaults_apply(void **state)
{
	rd_config *c = rd_config_defaults();
	assert_string_equal(rd_config_str(c, "radesk", "service_point"), "SP01");
	assert_int_equal(rd_config_int(c, "security", "lockout_failures"), 5);
	rd_config_free(c);
}

static void unknown_key_names_file_line_key(void **state)
{
	rd_config *c = rd_config_defaults();
	rd_err e;
	rd_code rc = rd_config_parse_string(c, "[radesk]\nservice_point = X\n\n[ui]\ncolour = red\n", "t.conf", &e);
	assert_int_equal(rc, RD_E_CONFIG);
	assert_non_null(strstr(e.field, "t.conf:5"));
	assert_non_null(strstr(e.field, "colour"));
	rd_config_free(c);
}

static void malformed_int_is_error(void **state)
{
	rd_config *c = rd_config_defaults();
	rd_err e;
	assert_int_equal(rd_config_parse_string(c, "[ui]\nidle_lock_minutes = soon\n", "t.conf", &e), RD_E_CONFIG);
	assert_non_null(strstr(e.field, "t.conf:2"));
	assert_int_equal(rd_config_parse_string(c, "[ui]\nidle_lock_minutes = 9999\n", "t.conf", &e), RD_E_CONFIG);
	rd_config_free(c);
}

/* A string key with a length range: the UKEY key label (the token keeps
 * at most 48 bytes of it). */
static void string_length_is_checked(void **state)
{
	rd_config *c = rd_config_defaults();
	char conf[128];
	rd_err e;
	snprintf(conf, sizeof conf, "[ukey]\nkey_label = %.48s\n",
		 "0123456789012345678901234567890123456789012345678901234567890");
	assert_int_equal(rd_config_parse_string(c, conf, "t.conf", NULL), RD_OK);
	assert_int_equal(strlen(rd_config_str(c, "ukey", "key_label")), 48);
	assert_int_equal(rd_config_parse_string(c, "[ukey]\nkey_label = 0123456789012345678901234567890123456789012345678\n",
						"t.conf", &e), RD_E_CONFIG);
	assert_non_null(strstr(e.field, "t.conf:2"));
	assert_non_null(strstr(e.msg, "49 bytes"));
	assert_int_equal(rd_config_parse_string(c, "[ca]\nprofile = \n", "t.conf", NULL), RD_OK); /* no range: empty is fine */
	rd_config_free(c);
}

static void unknown_section_is_error(void **state)
{
	rd_config *c = rd_config_defaults();
	rd_err e;
	assert_int_equal(rd_config_parse_string(c, "[nonsense]\na = b\n", "t.conf", &e), RD_E_CONFIG);
	assert_non_null(strstr(e.msg, "nonsense"));
	rd_config_free(c);
}

static void values_override_defaults(void **state)
{
	rd_config *c = rd_config_defaults();
	assert_int_equal(rd_config_parse_string(c, "[ui]\nidle_lock_minutes = 7\n", "t.conf", NULL), RD_OK);
	assert_int_equal(rd_config_int(c, "ui", "idle_lock_minutes"), 7);
	rd_config_free(c);
}

static void time_parse_rejects_impossible_dates(void **state)
{
	time_t t;
	assert_int_equal(rd_time_parse("2026-11-21", &t, NULL), RD_OK);
	assert_int_equal(rd_time_parse("2026-02-30", &t, NULL), RD_E_INVALID);
	assert_int_equal(rd_time_parse("yesterday", &t, NULL), RD_E_INVALID);
	assert_int_equal(rd_time_parse("2026-11-21T09:00:00Z", &t, NULL), RD_OK);
	char buf[32];
	rd_time_iso(t, buf);
	assert_string_equal(buf, "2026-11-21T09:00:00Z");
}

/* Local time as screens show it: round trip through rd_time_local, the
 * same impossible dates refused, the field named. */
static void time_parse_local_round_trips(void **state)
{
	time_t t;
	char buf[32];
	rd_err e;
	assert_int_equal(rd_time_parse_local("2026-11-21 17:30", "since", &t, NULL), RD_OK);
	rd_time_local(t, buf);
	assert_string_equal(buf, "2026-11-21 17:30");
	assert_int_equal(rd_time_parse_local("2026-11-21", "since", &t, NULL), RD_OK);
	rd_time_local(t, buf);
	assert_string_equal(buf, "2026-11-21 00:00");
	assert_int_equal(rd_time_parse_local("2026-02-30", "since", &t, &e), RD_E_INVALID);
	assert_string_equal(e.field, "since");
	assert_int_equal(rd_time_parse_local("2026-11-21 24:00", "since", &t, NULL), RD_E_INVALID);
	assert_int_equal(rd_time_parse_local("2026-11-21 09:30:00", "since", &t, NULL), RD_E_INVALID);
}

static void utf8_counts_characters(void **state)
{
	assert_int_equal(rd_utf8_chars("张三abc"), 5);
	assert_int_equal(rd_utf8_chars("\xff"), -1);
	assert_false(rd_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(rd_utf8_valid("\xc0\xaf", 2));     /* overlong */
	assert_false(rd_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
	assert_false(rd_utf8_valid("\xe5\xbc", 2));     /* cut short */
	assert_true(rd_utf8_valid("\xf0\x9f\x98\x80", 4));
}

/* Every length round trips; decoding stops at a byte that does not
 * continue the sequence (a NUL) instead of reading past it. */
static void utf8_encode_decode_round_trip(void **state)
{
	const uint32_t cps[] = {0x41, 0xb7, 0x5f20, 0x1f600, 0x10ffff};
	const size_t lens[] = {1, 2, 3, 4, 4};
	for (size_t i = 0; i < RD_ARRAY_LEN(cps); i++) {
		char buf[4];
		uint32_t back = 0;
		size_t n = rd_utf8_encode(cps[i], buf);
		assert_int_equal(n, lens[i]);
		assert_int_equal(rd_utf8_decode((const unsigned char *)buf, n, &back), (int)n);
		assert_int_equal(back, cps[i]);
	}
	uint32_t cp;
	assert_int_equal(rd_utf8_decode((const unsigned char *)"\xe5\0\x80", 4, &cp), -1);
	assert_int_equal(rd_utf8_decode((const unsigned char *)"", 0, &cp), -1);
}

/* rd_grow: the first size, then doubling; the array kept when the request
 * cannot be met (overflow); contents survive a move. */
static void grow_doubles_and_refuses_overflow(void **state)
{
	size_t cap = 0;
	int *v = rd_grow(NULL, &cap, 1, sizeof *v, 4);
	assert_non_null(v);
	assert_int_equal(cap, 4);
	for (int i = 0; i < 4; i++)
		v[i] = i;
	assert_ptr_equal(rd_grow(v, &cap, 4, sizeof *v, 4), v); /* room already */
	v = rd_grow(v, &cap, 5, sizeof *v, 4);
	assert_non_null(v);
	assert_int_equal(cap, 8);
	v = rd_grow(v, &cap, 33, sizeof *v, 4);
	assert_non_null(v);
	assert_int_equal(cap, 64);
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], i);
	assert_null(rd_grow(v, &cap, SIZE_MAX / 2, sizeof *v, 4));
	assert_int_equal(cap, 64);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_apply),
		cmocka_unit_test(unknown_key_names_file_line_key),
		cmocka_unit_test(malformed_int_is_error),
		cmocka_unit_test(string_length_is_checked),
		cmocka_unit_test(unknown_section_is_error),
		cmocka_unit_test(values_override_defaults),
		cmocka_unit_test(time_parse_rejects_impossible_dates),
		cmocka_unit_test(time_parse_local_round_trips),
		cmocka_unit_test(utf8_counts_characters),
		cmocka_unit_test(utf8_encode_decode_round_trip),
		cmocka_unit_test(grow_doubles_and_refuses_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
