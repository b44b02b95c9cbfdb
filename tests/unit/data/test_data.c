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

#include "data/data.h"
#include "data/internal.h"

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/radesk-data-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static rd_db *open_new(const char *name)
{
	char path[128];
	rd_db *db = NULL;
	rd_db_options o = {.create = true};
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(rd_db_open(&db, path, &o, NULL), RD_OK);
	return db;
}

/* The statement cache: the same SQL gets its statement back once it is
 * done, a statement in use is never handed out twice, results do not leak
 * from one use into the next, and SQL beyond the cache's size still works. */
static void statement_cache_reuses_and_never_shares(void **state)
{
	rd_db *db = open_new("c.db");
	const char *q = "SELECT ?1 + 1";
	sqlite3_stmt *a = NULL, *b = NULL, *c = NULL;
	assert_int_equal(rd_db_prepare(db, q, &a, NULL), RD_OK);
	sqlite3_bind_int(a, 1, 41);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	/* a loop body running the same query while a is stepping */
	assert_int_equal(rd_db_prepare(db, q, &b, NULL), RD_OK);
	assert_ptr_not_equal(a, b);
	sqlite3_bind_int(b, 1, 1);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(b, 0), 2);
	assert_int_equal(sqlite3_column_int(a, 0), 42);
	rd_db_done(db, b);
	rd_db_done(db, a);
	assert_int_equal(rd_db_prepare(db, q, &c, NULL), RD_OK);
	assert_ptr_equal(c, a);
	assert_int_equal(sqlite3_step(c), SQLITE_ROW); /* bindings were cleared: NULL + 1 */
	assert_int_equal(sqlite3_column_type(c, 0), SQLITE_NULL);
	rd_db_done(db, c);
	for (int i = 0; i < 3 * RD_DB_STMT_CACHE; i++) {
		char sql[64];
		sqlite3_stmt *st;
		snprintf(sql, sizeof sql, "SELECT %d", i);
		assert_int_equal(rd_db_prepare(db, sql, &st, NULL), RD_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), i);
		rd_db_done(db, st);
	}
	assert_true(db->ncache <= RD_DB_STMT_CACHE);
	rd_db_done(db, NULL);
	rd_db_close(db);
}

static int64_t one_number(rd_db *db, const char *sql, const rd_arg *args)
{
	int64_t n = -1;
	assert_int_equal(rd_db_get(db, sql, args, rd_read_int64, &n, NULL, "test"), RD_OK);
	return n;
}

/* Statement parameters: each maker binds what it says (empty optional text
 * and a zero optional number bind NULL), and a statement given the wrong
 * number of values is refused before it runs. */
static void statement_args_bind_and_are_counted(void **state)
{
	rd_db *db = open_new("args.db");
	rd_err e = {0};
	sqlite3_stmt *st = NULL;
	assert_int_equal(one_number(db, "SELECT ?1 + ?2", RD_ARGS(rd_int(40), rd_int(2))), 42);
	assert_int_equal(one_number(db, "SELECT length(?)", RD_ARGS(rd_text("张三"))), 2);
	assert_int_equal(one_number(db, "SELECT ? IS NULL", RD_ARGS(rd_text(NULL))), 1);
	assert_int_equal(one_number(db, "SELECT ? IS NULL", RD_ARGS(rd_opt_text(""))), 1);
	assert_int_equal(one_number(db, "SELECT ? IS NULL", RD_ARGS(rd_text(""))), 0);
	assert_int_equal(one_number(db, "SELECT ? IS NULL", RD_ARGS(rd_int_or_null(0))), 1);
	assert_int_equal(one_number(db, "SELECT ?", RD_ARGS(rd_int_or_null(7))), 7);
	assert_int_equal(one_number(db, "SELECT ? IS NULL", RD_ARGS(rd_null())), 1);
	assert_int_equal(one_number(db, "SELECT 5", RD_NO_ARGS), 5);
	assert_int_equal(rd_db_query(db, "SELECT ?1 + ?2", RD_ARGS(rd_int(1)), &st, &e), RD_E_INTERNAL);
	assert_null(st);
	assert_non_null(strstr(e.msg, "takes 2 values but was given 1"));
	assert_int_equal(rd_db_run(db, "SELECT 1", RD_ARGS(rd_int(1)), NULL, "test"), RD_E_INTERNAL);
	rd_db_close(db);
}

static void migrations_apply_once(void **state)
{
	rd_db *db = open_new("m.db");
	int v = rd_db_schema_version(db);
	assert_int_equal(v, rd_db_known_version());
	rd_db_close(db);
	db = open_new("m.db");
	assert_int_equal(rd_db_schema_version(db), v);
	rd_db_close(db);
}

static void audit_chain_verifies_and_counts(void **state)
{
	rd_db *db = open_new("a.db");
	rd_audit_result res;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(rd_db_begin(db, NULL), RD_OK);
		assert_int_equal(rd_audit_append(db, 1000 + i, "clerk", "test.step", "RA-1", "{\"i\":1}", NULL), RD_OK);
		assert_int_equal(rd_db_commit(db, NULL), RD_OK);
	}
	assert_int_equal(rd_audit_verify(db, &res, NULL), RD_OK);
	assert_int_equal(res.entries, 20);
	assert_int_equal(res.first_bad, 0);
	assert_int_equal(rd_audit_count(db), 20);
	rd_db_close(db);
}

static void audit_outside_transaction_is_refused(void **state)
{
	rd_db *db = open_new("b.db");
	rd_err e;
	assert_int_equal(rd_audit_append(db, 1, "x", "a", "o", NULL, &e), RD_E_INTERNAL);
	rd_db_close(db);
}

static void rolled_back_audit_row_is_gone(void **state)
{
	rd_db *db = open_new("c.db");
	rd_audit_result res;
	assert_int_equal(rd_db_begin(db, NULL), RD_OK);
	assert_int_equal(rd_audit_append(db, 1, "x", "a", "o", NULL, NULL), RD_OK);
	rd_db_rollback(db);
	assert_int_equal(rd_audit_count(db), 0);
	assert_int_equal(rd_audit_verify(db, &res, NULL), RD_OK);
	assert_int_equal(res.first_bad, 0);
	rd_db_close(db);
}

/* A step undone in its savepoint leaves the steps before and after it, and
 * the audit chain still verifies; a savepoint outside a transaction is
 * refused. */
static void savepoint_undoes_one_step(void **state)
{
	rd_db *db = open_new("sp.db");
	rd_audit_result res;
	rd_err e;
	assert_int_equal(rd_db_savepoint(db, &e), RD_E_INTERNAL);
	assert_int_equal(rd_db_begin(db, NULL), RD_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rd_db_savepoint(db, NULL), RD_OK);
		assert_int_equal(rd_audit_append(db, 10 + i, "x", "step", "o", NULL, NULL), RD_OK);
		if (i == 1)
			rd_db_rollback_step(db);
		else
			assert_int_equal(rd_db_release(db, NULL), RD_OK);
	}
	assert_int_equal(rd_db_commit(db, NULL), RD_OK);
	assert_int_equal(rd_audit_count(db), 2);
	assert_int_equal(rd_audit_verify(db, &res, NULL), RD_OK);
	assert_int_equal(res.entries, 2);
	assert_int_equal(res.first_bad, 0);
	rd_db_close(db);
}

static void seal_round_trip_and_tamper(void **state)
{
	char path[128];
	rd_keys k;
	char *sealed = NULL, *plain = NULL;
	struct stat st;
	rd_err e;
	snprintf(path, sizeof path, "%s/k.key", dir);
	assert_int_equal(rd_keys_create(path, NULL), RD_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(rd_keys_create(path, &e), RD_E_CONFLICT); /* never overwritten */
	assert_int_equal(rd_keys_load(path, &k, NULL), RD_OK);
	assert_int_equal(rd_seal(&k, "11010519491231002X", &sealed, NULL), RD_OK);
	assert_null(strstr(sealed, "11010519491231002X"));
	assert_int_equal(rd_unseal(&k, sealed, &plain, NULL), RD_OK);
	assert_string_equal(plain, "11010519491231002X");
	free(plain);
	sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
	assert_int_equal(rd_unseal(&k, sealed, &plain, &e), RD_E_DATA);
	assert_null(plain);
	free(sealed);
	chmod(path, 0644);
	assert_int_equal(rd_keys_load(path, &k, &e), RD_E_REFUSED);
}

static void blind_index_is_keyed_and_labelled(void **state)
{
	rd_keys a, b;
	char x[65], y[65], z[65];
	memset(&a, 1, sizeof a);
	memset(&b, 2, sizeof b);
	rd_blind_index(&a, "id", "110105", x);
	rd_blind_index(&a, "id", "110105", y);
	assert_string_equal(x, y);
	rd_blind_index(&a, "mobile", "110105", z);
	assert_string_not_equal(x, z);
	rd_blind_index(&b, "id", "110105", z);
	assert_string_not_equal(x, z);
	assert_int_equal(strlen(x), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_apply_once),
		cmocka_unit_test(audit_chain_verifies_and_counts),
		cmocka_unit_test(audit_outside_transaction_is_refused),
		cmocka_unit_test(rolled_back_audit_row_is_gone),
		cmocka_unit_test(savepoint_undoes_one_step),
		cmocka_unit_test(seal_round_trip_and_tamper),
		cmocka_unit_test(blind_index_is_keyed_and_labelled),
		cmocka_unit_test(statement_cache_reuses_and_never_shares),
		cmocka_unit_test(statement_args_bind_and_are_counted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
