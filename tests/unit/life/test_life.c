/* After issuance: the promise's deadline, working days of a cessation
 * notice, retention dates, the renewal window, the reissue transition, and
 * the signed archive (export, verify, tampering) on a real database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workflows/workflows.h"

static time_t at(const char *iso)
{
	time_t t = 0;
	rd_err e;
	assert_int_equal(rd_time_parse(iso, &t, &e), RD_OK);
	return t;
}

static void promise_runs_in_calendar_hours(void **state)
{
	(void)state;
	/* Friday 17:30 local (09:30Z) + 24 h: Saturday, not Monday */
	assert_true(rd_life_due(at("2026-11-20T09:30:00"), 24) == at("2026-11-21T09:30:00"));
	assert_true(rd_life_due(at("2026-11-20T09:30:00"), 72) == at("2026-11-23T09:30:00"));
}

static void time_left_is_readable(void **state)
{
	char out[32];
	(void)state;
	rd_life_format_left(3 * 3600 + 20 * 60 + 59, out);
	assert_string_equal(out, "3h 20m");
	rd_life_format_left(2 * 86400 + 4 * 3600, out);
	assert_string_equal(out, "2d 4h");
	rd_life_format_left(-(3600 + 5 * 60), out);
	assert_string_equal(out, "-1h 05m");
	rd_life_format_left(0, out);
	assert_string_equal(out, "0h 00m");
}

static void cessation_notice_counts_working_days(void **state)
{
	(void)state;
	/* ceased Friday 2026-11-13 (local), told the next Friday: 5 weekdays */
	assert_int_equal(rd_life_notice_working_days(at("2026-11-13T02:00:00"), at("2026-11-20T02:00:00")), 5);
	/* told the Tuesday after that: 7, late */
	assert_int_equal(rd_life_notice_working_days(at("2026-11-13T02:00:00"), at("2026-11-24T02:00:00")), 7);
	/* the weekend does not count */
	assert_int_equal(rd_life_notice_working_days(at("2026-11-20T02:00:00"), at("2026-11-23T02:00:00")), 1);
	assert_int_equal(rd_life_notice_working_days(at("2026-11-24T02:00:00"), at("2026-11-20T02:00:00")), 0);
}

static void retention_is_years_after_expiry(void **state)
{
	(void)state;
	assert_true(rd_retention_until(at("2026-11-21T09:00:00"), 5) == at("2031-11-21T09:00:00"));
	/* a leap day has no twin five years on: the day after */
	assert_true(rd_retention_until(at("2028-02-29T00:00:00"), 5) == at("2033-03-01T00:00:00"));
}

static void renewal_window_opens_before_expiry(void **state)
{
	rd_err e;
	time_t na = at("2027-01-31T00:00:00");
	(void)state;
	assert_int_equal(rd_life_renewal_window(90, na, at("2026-11-21T09:00:00"), &e), RD_OK);
	assert_int_equal(rd_life_renewal_window(90, na, na - 1, &e), RD_OK);
	rd_err_clear(&e);
	assert_int_equal(rd_life_renewal_window(30, na, at("2026-11-21T09:00:00"), &e), RD_E_REFUSED);
	assert_string_equal(e.field, "certificate");
	assert_non_null(strstr(e.msg, "30 days"));
	rd_err_clear(&e);
	assert_int_equal(rd_life_renewal_window(90, na, na, &e), RD_E_REFUSED);
	assert_non_null(strstr(e.msg, "expired"));
}

/* ---- archives on a real database -------------------------------------------------- */

static char dir[64];
static char conf[128];

static rd_ctx *open_ctx(void)
{
	rd_ctx *ctx = NULL;
	rd_ctx_options o = {0};
	rd_err e;
	rd_code rc = rd_ctx_open(&ctx, &o, &e);
	if (rc != RD_OK)
		fail_msg("open: %s", e.msg);
	return ctx;
}

static int setup_db(void **state)
{
	rd_ctx *ctx;
	rd_err e;
	FILE *f;
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/rd-life-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof conf, "%s/radesk.conf", dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "[radesk]\ndata_dir = %s\nservice_point = SP01\n", dir);
	fclose(f);
	setenv("RADESK_CONFIG", conf, 1);
	setenv("RADESK_FIXED_TIME", "2026-11-21T09:00:00", 1);
	{
		rd_ctx_options o = {0};
		o.create = true;
		assert_int_equal(rd_ctx_open(&ctx, &o, &e), RD_OK);
	}
	assert_int_equal(rd_init(ctx, "admin", "admin-password-1", &e), RD_OK);
	rd_ctx_close(ctx);
	return 0;
}

static int teardown_db(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

__attribute__((noinline)) static char *slurp(const char *path, size_t *len)
{
	char *d = NULL;
	rd_err e;
	assert_int_equal(rd_file_read(path, 1 << 24, &d, len, &e), RD_OK);
	return d;
}

static void spit(const char *path, const char *d, size_t len)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, len, f), len);
	fclose(f);
}

static void archive_verifies_and_notices_tampering(void **state)
{
	rd_ctx *ctx = open_ctx();
	rd_archive_info info, v;
	rd_err e;
	char path[128], bad[128];
	char *d, *p;
	size_t len;
	(void)state;
	assert_int_equal(rd_login(ctx, "admin", "admin-password-1", &e), RD_OK);
	snprintf(path, sizeof path, "%s/a.jsonl", dir);
	snprintf(bad, sizeof bad, "%s/bad.jsonl", dir);
	assert_int_equal(rd_archive_export(ctx, at("2026-11-22"), path, &info, &e), RD_OK);
	assert_true(info.audit_rows >= 2); /* init and the login */
	assert_int_equal(strlen(info.public_key), 64);
	assert_int_equal(rd_archive_verify(ctx, path, NULL, &v, &e), RD_OK);
	assert_true(v.key_is_ours);
	assert_string_equal(v.content_sha256, info.content_sha256);
	assert_string_equal(v.audit_last_hash, info.audit_last_hash);
	/* the same key, given explicitly; another key refused */
	assert_int_equal(rd_archive_verify(ctx, path, info.public_key, &v, &e), RD_OK);
	assert_int_equal(rd_archive_verify(ctx, path, "00", &v, &e), RD_E_DATA);
	assert_string_equal(e.field, "--public-key");

	d = slurp(path, &len);
	/* one changed byte in a row */
	p = strstr(d, "\"admin\"");
	assert_non_null(p);
	p[1] = 'A';
	spit(bad, d, len);
	assert_int_equal(rd_archive_verify(ctx, bad, NULL, &v, &e), RD_E_DATA);
	assert_string_equal(e.field, "content");
	p[1] = 'a';
	/* the manifest's digest changed to match: the signature breaks */
	p = strstr(d, "\"content_sha256\":\"");
	assert_non_null(p);
	p += 18;
	*p = *p == '0' ? '1' : '0';
	spit(bad, d, len);
	assert_int_equal(rd_archive_verify(ctx, bad, NULL, &v, &e), RD_E_DATA);
	assert_string_equal(e.field, "manifest.signature");
	/* the manifest cut off */
	p = strstr(d, "{\"manifest\"");
	assert_non_null(p);
	spit(bad, d, (size_t)(p - d));
	assert_int_equal(rd_archive_verify(ctx, bad, NULL, &v, &e), RD_E_DATA);
	free(d);
	assert_int_equal(rd_archive_verify(ctx, path, NULL, &v, &e), RD_OK);
	rd_ctx_close(ctx);
}

static void only_admins_export_and_purge_needs_an_archive(void **state)
{
	rd_ctx *ctx = open_ctx();
	rd_archive_info info;
	rd_err e;
	int n = -1;
	char path[128];
	(void)state;
	snprintf(path, sizeof path, "%s/none.jsonl", dir);
	assert_int_equal(rd_archive_export(ctx, at("2026-11-22"), path, &info, &e), RD_E_AUTH);
	assert_int_equal(rd_login(ctx, "admin", "admin-password-1", &e), RD_OK);
	assert_int_equal(rd_user_add(ctx, "aud", RD_ROLE_AUDITOR, "auditor-password-1", &e), RD_OK);
	rd_logout(ctx);
	assert_int_equal(rd_login(ctx, "aud", "auditor-password-1", &e), RD_OK);
	assert_int_equal(rd_archive_export(ctx, at("2026-11-22"), path, &info, &e), RD_E_REFUSED);
	assert_false(rd_file_exists(path));
	rd_logout(ctx);
	assert_int_equal(rd_login(ctx, "admin", "admin-password-1", &e), RD_OK);
	assert_int_equal(rd_archive_purge(ctx, at("2026-11-22"), NULL, &n, &e), RD_E_INVALID);
	assert_string_equal(e.field, "--archive");
	assert_int_equal(rd_archive_purge(ctx, at("2026-11-22"), path, &n, &e), RD_E_IO);
	assert_int_equal(n, 0);
	rd_ctx_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(promise_runs_in_calendar_hours),
		cmocka_unit_test(time_left_is_readable),
		cmocka_unit_test(cessation_notice_counts_working_days),
		cmocka_unit_test(retention_is_years_after_expiry),
		cmocka_unit_test(renewal_window_opens_before_expiry),
		cmocka_unit_test(archive_verifies_and_notices_tampering),
		cmocka_unit_test(only_admins_export_and_purge_needs_an_archive),
	};
	setenv("TZ", "Asia/Shanghai", 1);
	setenv("LANGUAGE", "en", 1);
	return cmocka_run_group_tests(tests, setup_db, teardown_db);
}
