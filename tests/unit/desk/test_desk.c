/* The desk's pure parts: money, the transition table, JPEG checks, working days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "workflows/workflows.h"

static void money_parses_exact_fen(void **state)
{
	static const struct {
		const char *in;
		int64_t fen;
	} good[] = {{"300.00", 30000}, {"300", 30000},       {"300.5", 30050}, {"0.01", 1},
		    {"0", 0},          {"1234567.89", 123456789}, {"0.10", 10},    {"999999999999.99", 99999999999999}};
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t fen = -1;
		rd_err e;
		assert_int_equal(rd_money_parse(good[i].in, "--amount", &fen, &e), RD_OK);
		assert_true(fen == good[i].fen);
	}
}

static void money_refuses_bad_input_naming_the_field(void **state)
{
	static const char *const bad[] = {"",     "-1",   "300.001", "abc",  "3,00", "300.", ".5",   "1e3",
					  " 300", "300 ", "+300",    "0x10", "1..2", "9999999999999", "３００"};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t fen = 42;
		rd_err e;
		rd_err_clear(&e);
		assert_int_equal(rd_money_parse(bad[i], "--amount", &fen, &e), RD_E_INVALID);
		assert_string_equal(e.field, "--amount");
		assert_true(fen == 42);
	}
}

static void money_formats(void **state)
{
	char out[32];
	(void)state;
	rd_money_format(30000, out);
	assert_string_equal(out, "300.00");
	rd_money_format(-60005, out);
	assert_string_equal(out, "-600.05");
	rd_money_format(7, out);
	assert_string_equal(out, "0.07");
	rd_money_format(INT64_MIN, out);
	assert_string_equal(out, "-92233720368547758.08");
}

static void table_is_consistent(void **state)
{
	size_t n;
	const rd_transition_rule *t = rd_transition_table(&n);
	(void)state;
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		assert_true(rd_app_state_valid(t[i].from));
		assert_true(rd_app_state_valid(t[i].to));
		assert_true(t[i].roles != 0);
		assert_false(t[i].roles & RD_ROLE_BIT(RD_ROLE_AUDITOR)); /* auditors change nothing */
		for (size_t j = 0; j < n; j++) {
			/* one rule per pair, one action per target state */
			if (i != j)
				assert_false(!strcmp(t[i].from, t[j].from) && !strcmp(t[i].to, t[j].to));
			if (!strcmp(t[i].to, t[j].to))
				assert_string_equal(t[i].action, t[j].action);
		}
	}
}

static void every_state_is_reachable_from_draft(void **state)
{
	static const char *const all[] = {"draft", "submitted", "documents_checked", "paid", "under_review",
					  "approved", "rejected", "queued_for_ca", "issued", "activated",
					  "cancelled", "revoked", "expired"};
	bool seen[sizeof all / sizeof all[0]] = {true};
	size_t n;
	const rd_transition_rule *t = rd_transition_table(&n);
	(void)state;
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < n; i++)
			for (size_t a = 0; a < sizeof all / sizeof all[0]; a++)
				if (seen[a] && !strcmp(all[a], t[i].from))
					for (size_t b = 0; b < sizeof all / sizeof all[0]; b++)
						if (!strcmp(all[b], t[i].to))
							seen[b] = true;
	for (size_t a = 0; a < sizeof all / sizeof all[0]; a++) {
		assert_true(rd_app_state_valid(all[a]));
		assert_true(seen[a]);
	}
}

static void check_names_the_rule(void **state)
{
	rd_err e;
	(void)state;
	assert_int_equal(rd_transition_check("draft", "submitted", RD_ROLE_CLERK, &e), RD_OK);
	assert_int_equal(rd_transition_check("rejected", "submitted", RD_ROLE_ADMIN, &e), RD_OK);
	assert_int_equal(rd_transition_check("paid", "submitted", RD_ROLE_CLERK, &e), RD_E_REFUSED);
	assert_string_equal(e.field, "state");
	assert_non_null(strstr(e.msg, "is paid; submit needs draft or rejected"));
	assert_int_equal(rd_transition_check("draft", "submitted", RD_ROLE_REVIEWER, &e), RD_E_REFUSED);
	assert_string_equal(e.field, "role");
	assert_non_null(strstr(e.msg, "may not submit"));
	assert_int_equal(rd_transition_check("under_review", "approved", RD_ROLE_CLERK, &e), RD_E_REFUSED);
	assert_string_equal(e.field, "role");
	assert_int_equal(rd_transition_check("under_review", "approved", RD_ROLE_AUDITOR, &e), RD_E_REFUSED);
	assert_int_equal(rd_transition_check("draft", "nowhere", RD_ROLE_ADMIN, &e), RD_E_INVALID);
	assert_int_equal(rd_transition_check("revoked", "activated", RD_ROLE_ADMIN, &e), RD_E_REFUSED);
	assert_int_equal(rd_transition_check("issued", "expired", RD_ROLE_CLERK, &e), RD_E_REFUSED);
}

static void edit_and_cancel_until_reviewed(void **state)
{
	(void)state;
	assert_true(rd_app_may_edit("draft"));
	assert_true(rd_app_may_edit("rejected"));
	assert_false(rd_app_may_edit("paid"));
	assert_false(rd_app_may_edit("under_review"));
	assert_false(rd_app_may_edit("approved"));
	assert_false(rd_app_may_edit("issued"));
	assert_true(rd_app_may_cancel("draft"));
	assert_true(rd_app_may_cancel("paid"));
	assert_true(rd_app_may_cancel("under_review"));
	assert_false(rd_app_may_cancel("approved"));
	assert_false(rd_app_may_cancel("cancelled"));
	assert_false(rd_app_may_cancel("activated"));
	assert_false(rd_app_may_cancel(NULL));
}

static void jpeg_checked_by_content(void **state)
{
	/* SOI, a baseline frame header 200 x 100 with one component, EOI */
	static const unsigned char ok[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x64, 0x00,
					   0xC8, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
	unsigned char buf[sizeof ok];
	int w = 0, h = 0;
	rd_err e;
	(void)state;
	assert_int_equal(rd_jpeg_check(ok, sizeof ok, "x.jpg", &w, &h, &e), RD_OK);
	assert_int_equal(w, 200);
	assert_int_equal(h, 100);
	memcpy(buf, ok, sizeof ok);
	buf[1] = 0xD9;
	assert_int_equal(rd_jpeg_check(buf, sizeof buf, "x.jpg", &w, &h, &e), RD_E_INVALID);
	assert_string_equal(e.field, "x.jpg");
	memcpy(buf, ok, sizeof ok);
	buf[sizeof buf - 1] = 0x00;
	assert_int_equal(rd_jpeg_check(buf, sizeof buf, "x.jpg", &w, &h, &e), RD_E_INVALID);
	memcpy(buf, ok, sizeof ok);
	buf[9] = buf[10] = 0; /* width 0 */
	assert_int_equal(rd_jpeg_check(buf, sizeof buf, "x.jpg", &w, &h, &e), RD_E_INVALID);
	memcpy(buf, ok, sizeof ok);
	buf[5] = 0x40; /* segment longer than the file */
	assert_int_equal(rd_jpeg_check(buf, sizeof buf, "x.jpg", &w, &h, &e), RD_E_INVALID);
	assert_int_equal(rd_jpeg_check(ok, 3, "x.jpg", &w, &h, &e), RD_E_INVALID);
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xD9};
	assert_int_equal(rd_jpeg_check(png, sizeof png, "x.jpg", &w, &h, &e), RD_E_INVALID);
}

static void working_days_skip_weekends(void **state)
{
	time_t sat, mon, tue, wed, nextsat;
	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	assert_int_equal(rd_time_parse("2026-11-21T09:00:00", &sat, NULL), RD_OK);
	assert_int_equal(rd_time_parse("2026-11-23T09:00:00", &mon, NULL), RD_OK);
	assert_int_equal(rd_time_parse("2026-11-24T09:00:00", &tue, NULL), RD_OK);
	assert_int_equal(rd_time_parse("2026-11-25T09:00:00", &wed, NULL), RD_OK);
	assert_int_equal(rd_time_parse("2026-11-28T09:00:00", &nextsat, NULL), RD_OK);
	assert_int_equal(rd_working_days_between(sat, sat), 0);
	assert_int_equal(rd_working_days_between(sat, mon), 1);
	assert_int_equal(rd_working_days_between(sat, tue), 2);
	assert_int_equal(rd_working_days_between(sat, wed), 3);
	assert_int_equal(rd_working_days_between(mon, nextsat), 4);
	assert_int_equal(rd_working_days_between(wed, mon), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(money_parses_exact_fen),
		cmocka_unit_test(money_refuses_bad_input_naming_the_field),
		cmocka_unit_test(money_formats),
		cmocka_unit_test(table_is_consistent),
		cmocka_unit_test(every_state_is_reachable_from_draft),
		cmocka_unit_test(check_names_the_rule),
		cmocka_unit_test(edit_and_cancel_until_reviewed),
		cmocka_unit_test(jpeg_checked_by_content),
		cmocka_unit_test(working_days_skip_weekends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
