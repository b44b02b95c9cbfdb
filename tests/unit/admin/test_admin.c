/* The admin's and auditor's screens below the UI: the audit trail's keyset
 * paging at its boundaries, the configuration walk of the settings screen
 * and the masking of secrets in it. */
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

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/radesk-admin-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* ---- audit paging ---- */

/* 250 rows: seq i at time 1000 + i; operator "clerk" except every 10th
 * ("Admin"); object "RA-<i/5>" (five rows each). */
static rd_db *trail(void)
{
	char path[128];
	rd_db *db = NULL;
	rd_db_options o = {.create = true};
	snprintf(path, sizeof path, "%s/audit.db", dir);
	unlink(path);
	assert_int_equal(rd_db_open(&db, path, &o, NULL), RD_OK);
	assert_int_equal(rd_db_begin(db, NULL), RD_OK);
	for (int i = 1; i <= 250; i++) {
		char obj[32];
		snprintf(obj, sizeof obj, "RA-%d", i / 5);
		assert_int_equal(rd_audit_append(db, 1000 + i, i % 10 == 0 ? "Admin" : "clerk", "test.step", obj, NULL,
						 NULL),
				 RD_OK);
	}
	assert_int_equal(rd_db_commit(db, NULL), RD_OK);
	return db;
}

struct page {
	int64_t seq[300];
	size_t n;
	int stop_after; /* 0: never */
};

static int take(void *ud, const rd_audit_row *r)
{
	struct page *p = ud;
	p->seq[p->n++] = r->seq;
	return p->stop_after && (int)p->n >= p->stop_after;
}

static struct page page(rd_db *db, const rd_audit_filter *f, bool backward, int64_t cursor, int limit)
{
	struct page p;
	size_t n = 99;
	memset(&p, 0, sizeof p);
	assert_int_equal(rd_audit_page(db, f, backward, cursor, limit, take, &p, &n, NULL), RD_OK);
	assert_int_equal(n, p.n);
	for (size_t i = 1; i < p.n; i++) /* always handed over oldest first */
		assert_true(p.seq[i - 1] < p.seq[i]);
	return p;
}

static void paging_top_bottom_and_edges(void **state)
{
	rd_db *db = trail();
	struct page p;
	(void)state;
	p = page(db, NULL, false, 0, 10); /* the top */
	assert_int_equal(p.n, 10);
	assert_int_equal(p.seq[0], 1);
	assert_int_equal(p.seq[9], 10);
	p = page(db, NULL, false, 10, 10); /* the next page starts after the cursor */
	assert_int_equal(p.seq[0], 11);
	assert_int_equal(p.seq[9], 20);
	p = page(db, NULL, true, 0, 10); /* the bottom */
	assert_int_equal(p.n, 10);
	assert_int_equal(p.seq[0], 241);
	assert_int_equal(p.seq[9], 250);
	p = page(db, NULL, true, 241, 10); /* the page before */
	assert_int_equal(p.seq[0], 231);
	assert_int_equal(p.seq[9], 240);
	p = page(db, NULL, false, 245, 10); /* short last page */
	assert_int_equal(p.n, 5);
	assert_int_equal(p.seq[4], 250);
	p = page(db, NULL, false, 250, 10); /* past the end */
	assert_int_equal(p.n, 0);
	p = page(db, NULL, true, 4, 10); /* short first page */
	assert_int_equal(p.n, 3);
	assert_int_equal(p.seq[0], 1);
	p = page(db, NULL, true, 1, 10); /* before the start */
	assert_int_equal(p.n, 0);
	p = page(db, NULL, false, 0, 0); /* no rows asked */
	assert_int_equal(p.n, 0);
	p = page(db, NULL, false, 0, 1000); /* all of it */
	assert_int_equal(p.n, 250);
	rd_db_close(db);
}

static void paging_walks_every_row_once(void **state)
{
	rd_db *db = trail();
	int64_t cursor = 0, expect = 1;
	struct page p;
	(void)state;
	do { /* forward, 7 at a time */
		p = page(db, NULL, false, cursor, 7);
		for (size_t i = 0; i < p.n; i++)
			assert_int_equal(p.seq[i], expect++);
		if (p.n)
			cursor = p.seq[p.n - 1];
	} while (p.n == 7);
	assert_int_equal(expect, 251);
	cursor = 0;
	expect = 250;
	do { /* backward, 9 at a time */
		p = page(db, NULL, true, cursor, 9);
		for (size_t i = p.n; i-- > 0;)
			assert_int_equal(p.seq[i], expect--);
		if (p.n)
			cursor = p.seq[0];
	} while (p.n == 9);
	assert_int_equal(expect, 0);
	rd_db_close(db);
}

static void paging_filters(void **state)
{
	rd_db *db = trail();
	rd_audit_filter f = {0};
	struct page p;
	(void)state;
	f.operator_name = "ADMIN"; /* case-insensitive */
	p = page(db, &f, false, 0, 100);
	assert_int_equal(p.n, 25);
	for (size_t i = 0; i < p.n; i++)
		assert_int_equal(p.seq[i] % 10, 0);
	p = page(db, &f, true, 0, 3);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.seq[0], 230);
	assert_int_equal(p.seq[2], 250);
	p = page(db, &f, true, 230, 2);
	assert_int_equal(p.seq[0], 210);
	assert_int_equal(p.seq[1], 220);

	memset(&f, 0, sizeof f);
	f.object = "RA-7"; /* seq 35..39 */
	p = page(db, &f, false, 0, 100);
	assert_int_equal(p.n, 5);
	assert_int_equal(p.seq[0], 35);
	assert_int_equal(p.seq[4], 39);
	p = page(db, &f, false, 36, 2);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.seq[0], 37);

	memset(&f, 0, sizeof f);
	f.since = 1000 + 200; /* seq >= 200 */
	p = page(db, &f, false, 0, 5);
	assert_int_equal(p.seq[0], 200);
	p = page(db, &f, true, 203, 10);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.seq[2], 202);

	f.operator_name = "admin";
	f.object = "RA-44"; /* seq 220..224: 220 is Admin's */
	p = page(db, &f, false, 0, 10);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.seq[0], 220);
	f.object = "";       /* "" is no filter */
	f.operator_name = ""; /* likewise */
	p = page(db, &f, false, 0, 1000);
	assert_int_equal(p.n, 51);

	memset(&f, 0, sizeof f);
	f.object = "nobody";
	p = page(db, &f, true, 0, 10);
	assert_int_equal(p.n, 0);
	rd_db_close(db);
}

static void paging_callback_can_stop(void **state)
{
	rd_db *db = trail();
	struct page p;
	size_t n = 0;
	(void)state;
	memset(&p, 0, sizeof p);
	p.stop_after = 3;
	assert_int_equal(rd_audit_page(db, NULL, false, 0, 50, take, &p, &n, NULL), RD_OK);
	assert_int_equal(p.n, 3);
	assert_int_equal(n, 3);
	rd_db_close(db);
}

/* ---- configuration walk ---- */

struct seen {
	char lines[64][200];
	size_t n;
};

static int remember(void *ud, const rd_config_item *it)
{
	struct seen *s = ud;
	if (s->n < 64)
		snprintf(s->lines[s->n++], 200, "[%s] %s = %s (%s line %d%s)", it->section, it->key,
			 it->value ? it->value : "(null)", it->type, it->line, it->is_default ? " default" : "");
	return 0;
}

static bool has_line(const struct seen *s, const char *want)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->lines[i], want))
			return true;
	return false;
}

static void config_each_gives_values_defaults_and_lines(void **state)
{
	rd_config *cfg = rd_config_defaults();
	struct seen s;
	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(rd_config_parse_string(cfg,
						"[radesk]\nservice_point = SP09\n\n[fees]\norg-sign.1 = 300.00\n"
						"[product.x]\nname = X\n[product.y]\nkind = organization\n",
						"t.conf", NULL),
			 RD_OK);
	rd_config_each(cfg, remember, &s);
	assert_true(has_line(&s, "[radesk] service_point = SP09 (str line 2)"));
	assert_true(has_line(&s, "[radesk] log_level = warning (enum line 0 default)"));
	assert_true(has_line(&s, "[db] busy_timeout_ms = 5000 (int line 0 default)"));
	assert_true(has_line(&s, "[fees] org-sign.1 = 300.00 (money line 5)"));
	assert_true(has_line(&s, "[product.x] name = X (str line 7)"));
	assert_true(has_line(&s, "[product.x] kind = individual (enum line 0 default)"));
	assert_true(has_line(&s, "[product.y] kind = organization (enum line 9)"));
	assert_true(has_line(&s, "[print] printer = (null) (str line 0 default)"));
	for (size_t i = 0; i < s.n; i++) /* wildcards are never shown as such */
		assert_null(strstr(s.lines[i], "*"));
	rd_config_free(cfg);
}

static int stop_at_two(void *ud, const rd_config_item *it)
{
	(void)it;
	return ++*(int *)ud == 2;
}

static void config_each_stops(void **state)
{
	int n = 0;
	(void)state;
	rd_config_each(NULL, stop_at_two, &n); /* built-in defaults only */
	assert_int_equal(n, 2);
}

/* ---- masking ---- */

static void mask_is(const char *key, const char *type, const char *value, const char *want, bool want_masked)
{
	bool masked = !want_masked;
	char *got = rd_setting_mask(key, type, value, &masked);
	assert_non_null(got);
	if (strcmp(got, want))
		fail_msg("%s = %s: got \"%s\", wanted \"%s\"", key, value, got, want);
	assert_int_equal(masked, want_masked);
	free(got);
}

static void secrets_are_masked(void **state)
{
	(void)state;
	mask_is("auth_key", "str", "00112233445566778899aabbccddeeff", "******", true);
	mask_is("auth_key", "str", "", "", false);
	mask_is("client_key", "str", "pkcs11:token=RA%20KEY;object=ra;pin-value=123456",
		"pkcs11:token=RA%20KEY;object=ra;pin-value=******", true);
	mask_is("client_key", "str", "/etc/radesk/ra-key.pem", "/etc/radesk/ra-key.pem", false);
	mask_is("webhook", "str", "https://sms:s3cr3t@hooks.example.cn/send?token=abc123&to=1",
		"https://sms:******@hooks.example.cn/send?token=******&to=1", true);
	mask_is("webhook", "str", "https://hooks.example.cn:8443/send?to=1", "https://hooks.example.cn:8443/send?to=1",
		false);
	mask_is("command", "str", "/usr/bin/sms-send --password hunter22 --to agent",
		"/usr/bin/sms-send --password ****** --to agent", true);
	mask_is("command", "str", "sms --api-key=K-99 -v", "sms --api-key=****** -v", true);
	mask_is("command", "str", "sms --secret 'two words' -q", "sms --secret ****** -q", true);
	mask_is("url", "str", "https://127.0.0.1:8888", "https://127.0.0.1:8888", false);
	/* keys that say where a secret is, and numbers, are shown */
	mask_is("so_pin_env", "str", "RADESK_UKEY_SO_PIN", "RADESK_UKEY_SO_PIN", false);
	mask_is("so_pin_file", "path", "/etc/radesk/so.pin", "/etc/radesk/so.pin", false);
	mask_is("password_min_length", "int", "12", "12", false);
	mask_is("key_label", "str", "radesk", "radesk", false);
	mask_is("service_point_name", "str", "福州鼓楼受理点", "福州鼓楼受理点", false);
	assert_null(rd_setting_mask("x", "str", NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paging_top_bottom_and_edges),
		cmocka_unit_test(paging_walks_every_row_once),
		cmocka_unit_test(paging_filters),
		cmocka_unit_test(paging_callback_can_stop),
		cmocka_unit_test(config_each_gives_values_defaults_and_lines),
		cmocka_unit_test(config_each_stops),
		cmocka_unit_test(secrets_are_masked),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
