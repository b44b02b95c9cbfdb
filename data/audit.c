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

struct audit_head {
	int64_t *entries;
	char *hash;
};

static rd_code read_head(sqlite3_stmt *st, void *row, rd_err *e)
{
	struct audit_head *h = row;
	*h->entries = sqlite3_column_int64(st, 0);
	rd_strlcpy(h->hash, rd_col_text(st, 1), 65);
	return RD_OK;
}

/* The recorded end of the trail; RD_E_NOTFOUND (e untouched) before the
 * first row. */
static rd_code head_get(rd_db *db, int64_t *entries, char hash[65], rd_err *e)
{
	struct audit_head h;
	*entries = 0;
	hash[0] = '\0';
	h = (struct audit_head){entries, hash};
	return rd_db_get(db, "SELECT entries, hash FROM audit_head WHERE id = 1", RD_NO_ARGS, read_head, &h, e,
			 "audit_head");
}

rd_code rd_audit_head(rd_db *db, int64_t *entries, char hash[65], rd_err *e)
{
	rd_code rc = head_get(db, entries, hash, e);
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

/* The chain continues from the recorded head, not from whatever row is
 * last now: rows cut from the end then leave a gap the verifier sees. */
static rd_code last_row(rd_db *db, int64_t *seq, char prev[65], rd_err *e)
{
	rd_code rc = head_get(db, seq, prev, e);
	if (rc == RD_E_NOTFOUND)
		rd_strlcpy(prev, genesis, 65);
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_audit_append(rd_db *db, time_t at, const char *operator_name, const char *action,
			const char *object, const char *details_json, rd_err *e)
{
	int64_t seq;
	char prev[65], hash[65];
	rd_code rc;
	const char *op = operator_name ? operator_name : "-";
	const char *obj = object ? object : "";
	const char *det = details_json ? details_json : "{}";
	if (!db->in_tx)
		return rd_fail(e, RD_E_INTERNAL, _("audit rows are written inside the change's transaction"));
	if ((rc = last_row(db, &seq, prev, e)) != RD_OK)
		return rc;
	seq++;
	if (!row_hash(prev, seq, (int64_t)at, op, action, obj, det, hash))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_db_run(db,
		       "INSERT INTO audit(seq, at, operator, action, object, details, prev_hash, hash) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       RD_ARGS(rd_int(seq), rd_int(at), rd_text(op), rd_text(action), rd_text(obj), rd_text(det),
			       rd_text(prev), rd_text(hash)),
		       e, "audit");
	if (rc != RD_OK)
		return rc;
	return rd_db_run(db, "INSERT OR REPLACE INTO audit_head(id, entries, hash) VALUES (1, ?, ?)",
			 RD_ARGS(rd_int(seq), rd_text(hash)), e, "audit");
}

/* The columns read_audit reads, in its order. */
#define AUDIT_COLS "seq, at, operator, action, object, details, prev_hash, hash"

/* One row of a SELECT AUDIT_COLS; the strings live until the next step. */
static rd_audit_row read_audit(sqlite3_stmt *st)
{
	return (rd_audit_row){
		.seq = sqlite3_column_int64(st, 0),
		.at = (time_t)sqlite3_column_int64(st, 1),
		.operator_name = rd_col_text(st, 2),
		.action = rd_col_text(st, 3),
		.object = rd_col_text(st, 4),
		.details = rd_col_text(st, 5),
		.prev_hash = rd_col_text(st, 6),
		.hash = rd_col_text(st, 7),
	};
}

rd_code rd_audit_each(rd_db *db, time_t since, const char *object, rd_audit_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	const char *sql = object ? "SELECT " AUDIT_COLS " FROM audit WHERE at >= ? AND object = ? ORDER BY seq"
				 : "SELECT " AUDIT_COLS " FROM audit WHERE at >= ? ORDER BY seq";
	if (rd_db_query(db, sql, object ? RD_ARGS(rd_int(since), rd_text(object)) : RD_ARGS(rd_int(since)), &st,
			e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rd_audit_row r = read_audit(st);
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
	int64_t n;
	char hash[65];
	if (head_get(db, &n, hash, NULL) == RD_OK) {
		if (n != vs->res->entries || strcmp(hash, vs->prev) != 0) {
			vs->res->first_bad = vs->res->entries + 1;
			snprintf(vs->res->why, sizeof vs->res->why,
				 _("the trail ends at row %lld but %lld rows were written: rows were removed from the end"),
				 (long long)vs->res->entries, (long long)n);
		}
	} else if (vs->res->entries > 0) {
		vs->res->first_bad = 1;
		snprintf(vs->res->why, sizeof vs->res->why, _("the record of the trail's end is missing"));
	}
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
	return rd_db_number(db, "SELECT count(*) FROM audit");
}

/* Keyset paging: the WHERE clause is put together from fixed pieces for
 * the filters that are set (never from their values, which are bound), so
 * that SQLite sees plain equalities and uses the object and operator
 * indexes (whose entries end in seq) or the rowid order. */
rd_code rd_audit_page(rd_db *db, const rd_audit_filter *f, bool backward, int64_t cursor, int limit,
		      rd_audit_fn fn, void *ud, size_t *n, rd_err *e)
{
	static const char cols[] = AUDIT_COLS;
	const char *object = f && f->object && *f->object ? f->object : NULL;
	const char *op = f && f->operator_name && *f->operator_name ? f->operator_name : NULL;
	time_t since = f ? f->since : 0;
	char where[256], sql[512];
	sqlite3_stmt *st;
	int rc;
	if (n)
		*n = 0;
	if (limit <= 0)
		return RD_OK;
	snprintf(where, sizeof where, "%s%s%s",
		 !backward ? "seq > ?1" : cursor > 0 ? "seq < ?1" : "1",
		 object ? " AND object = ?2" : "", op ? " AND operator = ?3 COLLATE NOCASE" : "");
	if (since)
		rd_strlcpy(where + strlen(where), " AND at >= ?4", sizeof where - strlen(where));
	if (backward) /* the last rows before the cursor, handed over oldest first */
		snprintf(sql, sizeof sql,
			 "SELECT %s FROM (SELECT %s FROM audit WHERE %s ORDER BY seq DESC LIMIT ?5) ORDER BY seq", cols,
			 cols, where);
	else
		snprintf(sql, sizeof sql, "SELECT %s FROM audit WHERE %s ORDER BY seq LIMIT ?5", cols, where);
	if (rd_db_prepare(db, sql, &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, cursor > 0 ? cursor : 0);
	if (object)
		sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
	if (op)
		sqlite3_bind_text(st, 3, op, -1, SQLITE_STATIC);
	if (since)
		sqlite3_bind_int64(st, 4, (int64_t)since);
	sqlite3_bind_int(st, 5, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rd_audit_row r = read_audit(st);
		if (n)
			(*n)++;
		if (fn(ud, &r))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "audit");
}
