/* The after-issuance screens' time field: local time as the screens show
 * it, days that do not exist refused, the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/life_internal.h"

static time_t utc(const char *iso)
{
	time_t t = 0;
	rd_err e;
	assert_int_equal(rd_time_parse(iso, &t, &e), RD_OK);
	return t;
}

static void local_times_are_read_as_shown(void **state)
{
	time_t t = 0;
	char back[32];
	rd_err e;
	(void)state;
	/* Asia/Shanghai is UTC+8 all year */
	assert_int_equal(ui_life_parse_time("2026-11-21 17:00", "at", &t, &e), RD_OK);
	assert_true(t == utc("2026-11-21T09:00:00"));
	rd_time_local(t, back);
	assert_string_equal(back, "2026-11-21 17:00"); /* what the form shows reads back the same */
	assert_int_equal(ui_life_parse_time("2026-11-18", "at", &t, &e), RD_OK);
	assert_true(t == utc("2026-11-17T16:00:00")); /* local midnight */
	assert_int_equal(ui_life_parse_time("2026-11-21T08:00:00Z", "at", &t, &e), RD_OK);
	assert_true(t == utc("2026-11-21T08:00:00")); /* the command line's form is UTC */
}

static void bad_times_name_the_field(void **state)
{
	static const char *const bad[] = {"tomorrow", "2026-02-30", "2026-11-21 24:00", "2026-11-21 17:61",
					  "2026-11-21 17:00x", "21.11.2026", "2026-13-01", ""};
	time_t t;
	(void)state;
	for (size_t i = 0; i < RD_ARRAY_LEN(bad); i++) {
		rd_err e;
		rd_err_clear(&e);
		if (ui_life_parse_time(bad[i], "--requested-at", &t, &e) != RD_E_INVALID)
			fail_msg("'%s' was taken as a time", bad[i]);
		assert_string_equal(e.field, "--requested-at");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_times_are_read_as_shown),
		cmocka_unit_test(bad_times_name_the_field),
	};
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
