#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ukey/ukey.h"

static void expect_refused(const char *pin, const char *rule_words)
{
	rd_err e;
	rd_err_clear(&e);
	assert_int_equal(rd_ukey_pin_check(pin, &e), RD_E_INVALID);
	assert_string_equal(e.field, "pin");
	if (!strstr(e.msg, rule_words))
		fail_msg("PIN refused with \"%s\", wanted a message about \"%s\"", e.msg, rule_words);
	/* the PIN itself is never quoted back */
	if (pin && strlen(pin) >= 3)
		assert_null(strstr(e.msg, pin));
}

static void good_pins_pass(void **state)
{
	const char *good[] = {"1q2w3e", "x9k2m7q4", "135790", "112233", "1234567890123459",
			      "abcdeg", "A1b2C3d4", "24680-!", "123465", "Zz-9_8.7"};
	for (size_t i = 0; i < RD_ARRAY_LEN(good); i++) {
		rd_err e;
		rd_err_clear(&e);
		if (rd_ukey_pin_check(good[i], &e) != RD_OK)
			fail_msg("%s refused: %s", good[i], e.msg);
	}
}

static void length_is_6_to_16(void **state)
{
	expect_refused("", "6 to 16");
	expect_refused(NULL, "6 to 16");
	expect_refused("9k2m7", "6 to 16");
	expect_refused("9k2m7q4x9k2m7q4x1", "6 to 16");
	assert_int_equal(rd_ukey_pin_check("9k2m7q", NULL), RD_OK);
	assert_int_equal(rd_ukey_pin_check("9k2m7q4x9k2m7q4x", NULL), RD_OK);
}

static void same_character_refused(void **state)
{
	expect_refused("000000", "repeated");
	expect_refused("8888888888", "repeated");
	expect_refused("aaaaaaa", "repeated");
}

static void simple_sequences_refused(void **state)
{
	expect_refused("234567", "sequence");
	expect_refused("876543", "sequence");
	/* the examples the message itself gives */
	assert_int_equal(rd_ukey_pin_check("123456", NULL), RD_E_INVALID);
	assert_int_equal(rd_ukey_pin_check("654321", NULL), RD_E_INVALID);
	expect_refused("0123456789", "sequence");
	expect_refused("abcdef", "sequence");
	expect_refused("FEDCBA", "sequence");
	expect_refused("aBcDeF", "sequence");
	/* a run broken once is not a simple sequence */
	assert_int_equal(rd_ukey_pin_check("123457", NULL), RD_OK);
	assert_int_equal(rd_ukey_pin_check("123321", NULL), RD_OK);
	/* digits then letters do not continue each other */
	assert_int_equal(rd_ukey_pin_check("789:;<", NULL), RD_OK);
}

static void only_printable_ascii(void **state)
{
	expect_refused("12 45x78", "letters, digits");
	expect_refused("密码密码12", "letters, digits");
	expect_refused("abc\t1234", "letters, digits");
}

static void so_pin_from_env_or_0600_file(void **state)
{
	char dir[] = "/tmp/ukey-pin-XXXXXX";
	char path[256], conf[600];
	rd_config *cfg = rd_config_defaults();
	char *pin;
	size_t len;
	rd_err e;

	assert_non_null(mkdtemp(dir));
	unsetenv("RADESK_UKEY_SO_PIN");
	/* neither: a config error naming the key */
	assert_int_equal(rd_ukey_so_pin(cfg, &pin, &len, &e), RD_E_CONFIG);
	assert_string_equal(e.field, "ukey.so_pin_file");

	setenv("RADESK_UKEY_SO_PIN", "so-secret-1", 1);
	assert_int_equal(rd_ukey_so_pin(cfg, &pin, &len, &e), RD_OK);
	assert_string_equal(pin, "so-secret-1");
	assert_int_equal(len, 11);
	rd_secret_free(pin, len + 1);
	unsetenv("RADESK_UKEY_SO_PIN");

	snprintf(path, sizeof path, "%s/so-pin", dir);
	assert_int_equal(rd_file_write_atomic(path, "file-secret-2\n", 14, 0644, &e), RD_OK);
	snprintf(conf, sizeof conf, "[ukey]\nso_pin_file = %s\n", path);
	assert_int_equal(rd_config_parse_string(cfg, conf, "t.conf", &e), RD_OK);
	/* group/world readable: refused, and the message does not show the PIN */
	assert_int_equal(rd_ukey_so_pin(cfg, &pin, &len, &e), RD_E_CONFIG);
	assert_non_null(strstr(e.msg, "600"));
	assert_null(strstr(e.msg, "file-secret-2"));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(rd_ukey_so_pin(cfg, &pin, &len, &e), RD_OK);
	assert_string_equal(pin, "file-secret-2");
	assert_int_equal(len, 13);
	rd_secret_free(pin, len + 1);

	unlink(path);
	rmdir(dir);
	rd_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_pins_pass),
		cmocka_unit_test(length_is_6_to_16),
		cmocka_unit_test(same_character_refused),
		cmocka_unit_test(simple_sequences_refused),
		cmocka_unit_test(only_printable_ascii),
		cmocka_unit_test(so_pin_from_env_or_0600_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
