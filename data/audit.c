/* The audit trail: append-only rows, each hash-chained to the one before.
 * hash = SHA-256(prev_hash || canonical row), where the canonical row is
 * every column but the hashes, each as "<length>:<bytes>\n" so that no two
 * different rows serialise alike.  audit_head keeps the count and the last
 * hash so that a row cut from the end is noticed too. */
#include "data/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

static char *canonical(int64_t seq, int64_t at, const char *op, const char *action, const char *object,
		       const char *details)
{
	return rd_asprintf("%lld\n%lld\n%zu:%s\n%zu:%s\n%zu:%s\n%zu:%s\n", (long long)seq, (long long)at,
			   strlen(op), op, strlen(action), action, strlen(object), object, strlen(details),
			   details);
}

static bool row_hash(const char *prev, int64_t seq, int64_t at, const char *op, const char *action,
		     const char *object, const char *details, char out[65])
{
	char *row = canonical(seq, at, op, action, object, details);
	char *all;
	if (!row)
		return false;
	all = rd_asprintf("%s%s", prev, row);
	free(row);
	if (!all)
		return false;
	rd_sha256_hex(all, strlen(all), out);
	free(all);
	return true;
}

/* The chain continues from the recorded head, not from whatever row is
 * last now: rows cut from the end then leave a gap the verifier sees. */
static rd_code last_row(rd_db *db, int64_t *seq, char prev[65], rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db, "SELECT entries, hash FROM audit_head WHERE id = 1", &st, e) != RD_OK)
		return RD_E_DATA;
	*seq = 0;
	rd_strlcpy(prev, genesis, 65);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		rd_strlcpy(prev, rd_col_text(st, 1), 65);
	}
	rd_db_done(db, st);
	return RD_OK;
}

rd_code rd_audit_append(rd_db *db, time_t at, const char *operator_name, const char *action,
			const char *object, const char *details_json, rd_err *e)
{
	sqlite3_stmt *st;
	int64_t seq;
	char prev[65], hash[65];
	const char *op = operator_name ? operator_name : "-";
	const char *obj = object ? object : "";
	const char *det = details_json ? details_json : "{}";
	if (!db->in_tx)
		return rd_fail(e, RD_E_INTERNAL, _("audit rows are written inside the change's transaction"));
	if (last_row(db, &seq, prev, e) != RD_OK)
		return RD_E_DATA;
	seq++;
	if (!row_hash(prev, seq, (int64_t)at, op, action, obj, det, hash))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rd_db_prepare(db,
			  "INSERT INTO audit(seq, at, operator, action, object, details, prev_hash, hash) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, (int64_t)at);
	sqlite3_bind_text(st, 3, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, obj, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, det, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hash, -1, SQLITE_STATIC);
	rd_code rc = rd_db_step_done(db, st, e, "audit");
	if (rc != RD_OK)
		return rc;
	if (rd_db_prepare(db, "INSERT OR REPLACE INTO audit_head(id, entries, hash) VALUES (1, ?, ?)", &st, e) !=
	    RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	return rd_db_step_done(db, st, e, "audit");
}

rd_code rd_audit_each(rd_db *db, time_t since, const char *object, rd_audit_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	const char *sql = object ? "SELECT seq, at, operator, action, object, details, prev_hash, hash FROM audit "
				   "WHERE at >= ? AND object = ? ORDER BY seq"
				 : "SELECT seq, at, operator, action, object, details, prev_hash, hash FROM audit "
				   "WHERE at >= ? ORDER BY seq";
	if (rd_db_prepare(db, sql, &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, (int64_t)since);
	if (object)
		sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rd_audit_row r = {
			.seq = sqlite3_column_int64(st, 0),
			.at = (time_t)sqlite3_column_int64(st, 1),
			.operator_name = rd_col_text(st, 2),
			.action = rd_col_text(st, 3),
			.object = rd_col_text(st, 4),
			.details = rd_col_text(st, 5),
			.prev_hash = rd_col_text(st, 6),
			.hash = rd_col_text(st, 7),
		};
		if (fn(ud, &r))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "audit");
}

struct verify_state {
	rd_audit_result *res;
	char prev[65];
	int64_t expect_seq;
};

static int verify_row(void *ud, const rd_audit_row *r)
{
	struct verify_state *vs = ud;
	char hash[65];
	if (r->seq != vs->expect_seq) {
		vs->res->first_bad = vs->expect_seq;
		snprintf(vs->res->why, sizeof vs->res->why, _("row %lld is missing"), (long long)vs->expect_seq);
		return 1;
	}
	if (strcmp(r->prev_hash, vs->prev) != 0) {
		vs->res->first_bad = r->seq;
		snprintf(vs->res->why, sizeof vs->res->why,
			 _("row %lld does not follow the row before it (previous hash differs)"), (long long)r->seq);
		return 1;
	}
	if (!row_hash(vs->prev, r->seq, (int64_t)r->at, r->operator_name, r->action, r->object, r->details, hash) ||
	    strcmp(hash, r->hash) != 0) {
		vs->res->first_bad = r->seq;
		snprintf(vs->res->why, sizeof vs->res->why,
			 _("row %lld was changed after it was written (hash differs)"), (long long)r->seq);
		return 1;
	}
	rd_strlcpy(vs->prev, r->hash, sizeof vs->prev);
	vs->res->entries = r->seq;
	vs->expect_seq++;
	return 0;
}

static void check_head(rd_db *db, struct verify_state *vs)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "SELECT entries, hash FROM audit_head WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 0);
		if (n != vs->res->entries || strcmp(rd_col_text(st, 1), vs->prev) != 0) {
			vs->res->first_bad = vs->res->entries + 1;
			snprintf(vs->res->why, sizeof vs->res->why,
				 _("the trail ends at row %lld but %lld rows were written: rows were removed from the end"),
				 (long long)vs->res->entries, (long long)n);
		}
	} else if (vs->res->entries > 0) {
		vs->res->first_bad = 1;
		snprintf(vs->res->why, sizeof vs->res->why, _("the record of the trail's end is missing"));
	}
	rd_db_done(db, st);
}

rd_code rd_audit_verify(rd_db *db, rd_audit_result *res, rd_err *e)
{
	struct verify_state vs = {.res = res, .expect_seq = 1};
	memset(res, 0, sizeof *res);
	rd_strlcpy(vs.prev, genesis, sizeof vs.prev);
	if (rd_audit_each(db, 0, NULL, verify_row, &vs, e) != RD_OK)
		return e ? e->code : RD_E_DATA;
	if (!res->first_bad)
		check_head(db, &vs);
	return RD_OK;
}

int64_t rd_audit_count(rd_db *db)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM audit", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	rd_db_done(db, st);
	return n;
}
