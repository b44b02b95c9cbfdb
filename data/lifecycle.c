/* After issuance: revocation requests, renewals, wrong verification answers,
 * expiry notices, archive rows and purging of personal data. */
#include "data/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void rd_revreq_row_free(rd_revreq_row *r)
{
	if (!r)
		return;
	free(r->new_csr);
	r->new_csr = NULL;
}

/* Runs an INSERT or UPDATE of a revocation request: an application has
 * at most one open request (a unique index). */
static rd_code write_revreq(rd_db *db, const char *sql, const rd_arg *args, const rd_revreq_row *r, rd_err *e)
{
	rd_code rc = rd_db_run_unique(db, sql, args, e, "revocation_requests");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "application",
				  _("application %s has an open revocation request already"), r->app_no);
	return rc;
}

rd_code rd_revreq_insert(rd_db *db, rd_revreq_row *r, rd_err *e)
{
	rd_code rc = write_revreq(
		db,
		"INSERT INTO revocation_requests(app_id, purpose, reason, serial_hex, note, in_person, batch, "
		"evidence_sha256, evidence_name, requested_at, due_at, recorded_by, recorded_at, status, "
		"new_csr, ukey_serial, ukey_fate, new_app_no, approved_by, approved_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
		RD_ARGS(rd_int(r->app_id), rd_text(r->purpose), rd_int(r->reason), rd_text(r->serial_hex),
			rd_opt_text(r->note), rd_int(r->in_person), rd_opt_text(r->batch),
			rd_opt_text(r->evidence_sha256), rd_opt_text(r->evidence_name), rd_int(r->requested_at),
			rd_int(r->due_at), rd_text(r->recorded_by), rd_int(r->recorded_at),
			rd_text(r->status[0] ? r->status : "pending"), rd_opt_text(r->new_csr), rd_opt_text(r->ukey_serial), rd_opt_text(r->ukey_fate), rd_opt_text(r->new_app_no),
			rd_opt_text(r->approved_by), rd_int_or_null(r->approved_at)),
		r, e);
	if (rc != RD_OK)
		return rc;
	r->id = sqlite3_last_insert_rowid(db->h);
	return RD_OK;
}

rd_code rd_revreq_update(rd_db *db, const rd_revreq_row *r, rd_err *e)
{
	rd_code rc = write_revreq(db,
				  "UPDATE revocation_requests SET status = ?2, status_reason = ?3, approved_by = ?4, "
				  "approved_at = ?5, careq_id = ?6, done_at = ?7, new_careq_id = ?8, new_app_no = ?9 "
				  "WHERE id = ?1",
				  RD_ARGS(rd_int(r->id), rd_text(r->status), rd_opt_text(r->status_reason),
					  rd_opt_text(r->approved_by), rd_int_or_null(r->approved_at),
					  rd_opt_text(r->careq_id), rd_int_or_null(r->done_at),
					  rd_opt_text(r->new_careq_id), rd_opt_text(r->new_app_no)),
				  r, e);
	if (rc != RD_OK)
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return rd_fail_at(e, RD_E_NOTFOUND, "request", _("no revocation request %lld"), (long long)r->id);
	return RD_OK;
}

#define REVREQ_COLUMNS \
	"r.id, r.app_id, a.no, r.purpose, r.reason, r.serial_hex, coalesce(r.note, ''), r.in_person, " \
	"coalesce(r.batch, ''), coalesce(r.evidence_sha256, ''), coalesce(r.evidence_name, ''), r.requested_at, " \
	"r.due_at, r.recorded_at, coalesce(r.approved_at, 0), coalesce(r.done_at, 0), r.recorded_by, " \
	"coalesce(r.approved_by, ''), coalesce(r.careq_id, ''), r.status, coalesce(r.status_reason, ''), " \
	"r.new_csr, coalesce(r.new_careq_id, ''), coalesce(r.ukey_serial, ''), coalesce(r.ukey_fate, ''), " \
	"coalesce(r.new_app_no, '') FROM revocation_requests r JOIN applications a ON a.id = r.app_id "

static rd_code read_revreq(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_revreq_row *r = row;
	const char *csr;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->app_id = sqlite3_column_int64(st, 1);
	rd_strlcpy(r->app_no, rd_col_text(st, 2), sizeof r->app_no);
	rd_strlcpy(r->purpose, rd_col_text(st, 3), sizeof r->purpose);
	r->reason = sqlite3_column_int(st, 4);
	rd_strlcpy(r->serial_hex, rd_col_text(st, 5), sizeof r->serial_hex);
	rd_strlcpy(r->note, rd_col_text(st, 6), sizeof r->note);
	r->in_person = sqlite3_column_int(st, 7) != 0;
	rd_strlcpy(r->batch, rd_col_text(st, 8), sizeof r->batch);
	rd_strlcpy(r->evidence_sha256, rd_col_text(st, 9), sizeof r->evidence_sha256);
	rd_strlcpy(r->evidence_name, rd_col_text(st, 10), sizeof r->evidence_name);
	r->requested_at = (time_t)sqlite3_column_int64(st, 11);
	r->due_at = (time_t)sqlite3_column_int64(st, 12);
	r->recorded_at = (time_t)sqlite3_column_int64(st, 13);
	r->approved_at = (time_t)sqlite3_column_int64(st, 14);
	r->done_at = (time_t)sqlite3_column_int64(st, 15);
	rd_strlcpy(r->recorded_by, rd_col_text(st, 16), sizeof r->recorded_by);
	rd_strlcpy(r->approved_by, rd_col_text(st, 17), sizeof r->approved_by);
	rd_strlcpy(r->careq_id, rd_col_text(st, 18), sizeof r->careq_id);
	rd_strlcpy(r->status, rd_col_text(st, 19), sizeof r->status);
	rd_strlcpy(r->status_reason, rd_col_text(st, 20), sizeof r->status_reason);
	csr = (const char *)sqlite3_column_text(st, 21);
	r->new_csr = csr ? rd_strdup(csr) : NULL;
	rd_strlcpy(r->new_careq_id, rd_col_text(st, 22), sizeof r->new_careq_id);
	rd_strlcpy(r->ukey_serial, rd_col_text(st, 23), sizeof r->ukey_serial);
	rd_strlcpy(r->ukey_fate, rd_col_text(st, 24), sizeof r->ukey_fate);
	rd_strlcpy(r->new_app_no, rd_col_text(st, 25), sizeof r->new_app_no);
	return RD_OK;
}

rd_code rd_revreq_get(rd_db *db, int64_t id, rd_revreq_row *out, rd_err *e)
{
	rd_code rc = rd_db_get(db, "SELECT " REVREQ_COLUMNS "WHERE r.id = ?", RD_ARGS(rd_int(id)), read_revreq, out,
			       e, "revocation_requests");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "request", _("no revocation request %lld"), (long long)id);
	return rc;
}

rd_code rd_revreq_open_for(rd_db *db, int64_t app_id, rd_revreq_row *out, rd_err *e)
{
	return rd_db_get(db,
			 "SELECT " REVREQ_COLUMNS
			 "WHERE r.app_id = ? AND r.status IN ('pending', 'approved', 'queued')",
			 RD_ARGS(rd_int(app_id)), read_revreq, out, e, "revocation_requests");
}

rd_code rd_revreq_each(rd_db *db, const char *status, const char *batch, rd_revreq_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_revreq_row r;
	if (rd_db_query(db,
			"SELECT " REVREQ_COLUMNS
			"WHERE (?1 IS NULL OR r.status = ?1 OR (?1 = 'open' AND r.status IN "
			"('pending', 'approved', 'queued'))) AND (?2 IS NULL OR r.batch = ?2) "
			"ORDER BY r.due_at, r.id",
			RD_ARGS(rd_opt_text(status), rd_opt_text(batch)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop;
		read_revreq(st, &r, NULL);
		stop = fn(ud, &r);
		rd_revreq_row_free(&r);
		if (stop)
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "revocation_requests");
}

rd_code rd_revreq_overdue_count(rd_db *db, time_t now, int *n, rd_err *e)
{
	int64_t count = 0;
	rd_code rc = rd_db_get(db,
			       "SELECT count(*) FROM revocation_requests WHERE status IN ('pending', 'approved', "
			       "'queued') AND due_at < ?",
			       RD_ARGS(rd_int(now)), rd_read_int64, &count, e, "revocation_requests");
	*n = (int)count;
	if (rc == RD_E_NOTFOUND) /* count(*) always gives a row */
		return rd_db_fail(db, e, "revocation_requests");
	return rc;
}

rd_code rd_renewal_insert(rd_db *db, int64_t app_id, const char *old_serial, const char *proof,
			  const char *careq_id, const char *receipt, const char *operator_name, time_t at, rd_err *e)
{
	return rd_db_run(db,
			 "INSERT INTO renewals(app_id, old_serial, proof, careq_id, receipt, operator, at) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?)",
			 RD_ARGS(rd_int(app_id), rd_text(old_serial), rd_text(proof), rd_text(careq_id),
				 rd_opt_text(receipt), rd_text(operator_name), rd_int(at)),
			 e, "renewals");
}

struct attempts {
	int *failures;
	time_t *locked_at;
};

static rd_code read_attempts(sqlite3_stmt *st, void *row, rd_err *e)
{
	struct attempts *a = row;
	*a->failures = sqlite3_column_int(st, 0);
	*a->locked_at = (time_t)sqlite3_column_int64(st, 1);
	return RD_OK;
}

rd_code rd_answer_attempts_get(rd_db *db, int64_t app_id, int *failures, time_t *locked_at, rd_err *e)
{
	struct attempts a;
	rd_code rc;
	*failures = 0;
	*locked_at = 0;
	a = (struct attempts){failures, locked_at};
	rc = rd_db_get(db, "SELECT failures, coalesce(locked_at, 0) FROM answer_attempts WHERE app_id = ?",
		       RD_ARGS(rd_int(app_id)), read_attempts, &a, e, "answer_attempts");
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_answer_attempts_set(rd_db *db, int64_t app_id, int failures, time_t last_at, time_t locked_at,
			       rd_err *e)
{
	return rd_db_run(db,
			 "INSERT INTO answer_attempts(app_id, failures, last_at, locked_at) VALUES (?1, ?2, ?3, ?4) "
			 "ON CONFLICT(app_id) DO UPDATE SET failures = ?2, last_at = ?3, locked_at = ?4",
			 RD_ARGS(rd_int(app_id), rd_int(failures), rd_int(last_at), rd_int_or_null(locked_at)), e,
			 "answer_attempts");
}

rd_code rd_expiry_notice_seen(rd_db *db, int64_t app_id, const char *serial_hex, bool *seen, rd_err *e)
{
	int64_t one = 0;
	rd_code rc = rd_db_get(db, "SELECT 1 FROM expiry_notices WHERE app_id = ? AND serial_hex = ?",
			       RD_ARGS(rd_int(app_id), rd_text(serial_hex)), rd_read_int64, &one, e, "expiry_notices");
	if (rc != RD_OK && rc != RD_E_NOTFOUND)
		return rc;
	*seen = rc == RD_OK;
	return RD_OK;
}

rd_code rd_expiry_notice_add(rd_db *db, int64_t app_id, const char *serial_hex, time_t not_after, time_t at,
			     rd_err *e)
{
	return rd_db_run(db,
			 "INSERT OR IGNORE INTO expiry_notices(app_id, serial_hex, not_after, notified_at) "
			 "VALUES (?, ?, ?, ?)",
			 RD_ARGS(rd_int(app_id), rd_text(serial_hex), rd_int(not_after), rd_int(at)), e,
			 "expiry_notices");
}

/* ---- archive rows ---------------------------------------------------------------- */

/* {"<key>": "<hex of bytes>"}: a value JSON can not carry as it is. */
static json_t *hex_json(const char *key, const void *bytes, int len)
{
	char *hex = malloc((size_t)len * 2 + 1);
	json_t *v;
	if (!hex)
		return NULL;
	rd_hex(bytes, (size_t)len, hex);
	v = json_pack("{s:s}", key, hex);
	free(hex);
	return v;
}

/* Column i of the row at st as a JSON value; NULL on ENOMEM. */
static json_t *column_json(sqlite3_stmt *st, int i)
{
	json_t *v;
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer((json_int_t)sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return json_null();
	case SQLITE_BLOB:
		return hex_json("hex", sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
	default:
		v = json_string((const char *)sqlite3_column_text(st, i));
		if (!v) /* not UTF-8: keep the bytes as hex */
			v = hex_json("text_hex", sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
		return v;
	}
}

/* The row at st as a JSON object text; NULL on ENOMEM. */
static char *row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	char *out;
	int n = sqlite3_column_count(st);
	if (!o)
		return NULL;
	for (int i = 0; i < n; i++) {
		json_t *v = column_json(st, i);
		if (!v) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, sqlite3_column_name(st, i), v);
	}
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

static rd_code emit_query(rd_db *db, const char *sql, const char *table, time_t before, rd_archive_row_fn fn,
			  void *ud, bool *stopped, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (rd_db_query(db, sql, RD_ARGS(rd_int(before)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *j = row_json(st);
		int stop;
		if (!j) {
			rd_db_done(db, st);
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		}
		stop = fn(ud, table, j);
		free(j);
		if (stop) {
			*stopped = true;
			break;
		}
	}
	return rd_db_rows_end(db, st, rc, e, table);
}

static bool ident_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* A table that refers to another: child.col -> parent.pcol.  The set is
 * found from sqlite_master and pragma foreign_key_list. */
struct fk_edge {
	char child[64], col[64], parent[64], pcol[64];
};

static rd_code fk_edges(rd_db *db, struct fk_edge *edges, size_t max, size_t *n, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if (rd_db_query(db,
			"SELECT m.name, f.\"from\", f.\"table\", coalesce(f.\"to\", 'id') FROM sqlite_master m, "
			"pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id",
			RD_NO_ARGS, &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct fk_edge *f = &edges[*n];
		rd_strlcpy(f->child, rd_col_text(st, 0), sizeof f->child);
		rd_strlcpy(f->col, rd_col_text(st, 1), sizeof f->col);
		rd_strlcpy(f->parent, rd_col_text(st, 2), sizeof f->parent);
		rd_strlcpy(f->pcol, rd_col_text(st, 3), sizeof f->pcol);
		if (ident_ok(f->child) && ident_ok(f->col) && ident_ok(f->parent) && ident_ok(f->pcol) &&
		    strcmp(f->child, f->parent) != 0)
			(*n)++;
	}
	return rd_db_rows_end(db, st, rc, e, "sqlite_master");
}

#define MAX_EDGES 128
#define MAX_TABLES 64

/* The tables reached from applications and the WHERE clause selecting
 * their rows (a subquery chain back to the applications). */
struct reach {
	char tables[MAX_TABLES][64];
	char *where[MAX_TABLES];
	size_t n;
};

static bool reached(const struct reach *r, const char *table)
{
	for (size_t k = 0; k < r->n; k++)
		if (!strcmp(r->tables[k], table))
			return true;
	return false;
}

/* Breadth first from applications: each table once, through its first
 * edge to a table already reached. */
static void reach_from_applications(const struct fk_edge *edges, size_t nedges, struct reach *r)
{
	memset(r, 0, sizeof *r);
	rd_strlcpy(r->tables[0], "applications", sizeof r->tables[0]);
	r->where[0] = rd_strdup("created_at < ?1");
	r->n = 1;
	for (size_t t = 0; t < r->n && r->n < MAX_TABLES; t++) {
		for (size_t i = 0; i < nedges && r->n < MAX_TABLES; i++) {
			const struct fk_edge *f = &edges[i];
			if (strcmp(f->parent, r->tables[t]) != 0 || reached(r, f->child) ||
			    !strcmp(f->child, "applications"))
				continue;
			rd_strlcpy(r->tables[r->n], f->child, sizeof r->tables[r->n]);
			r->where[r->n] = rd_asprintf("\"%s\" IN (SELECT \"%s\" FROM \"%s\" WHERE %s)", f->col, f->pcol,
						     r->tables[t], r->where[t] ? r->where[t] : "0");
			r->n++;
		}
	}
}

static rd_code emit_reached(rd_db *db, const struct reach *r, time_t before, rd_archive_row_fn fn, void *ud,
			    bool *stopped, rd_err *e)
{
	rd_code rc = RD_OK;
	for (size_t t = 0; t < r->n && rc == RD_OK && !*stopped; t++) {
		char *sql = r->where[t] ? rd_asprintf("SELECT * FROM \"%s\" WHERE %s ORDER BY rowid", r->tables[t],
						      r->where[t])
					: NULL;
		if (!sql)
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		rc = emit_query(db, sql, r->tables[t], before, fn, ud, stopped, e);
		free(sql);
	}
	return rc;
}

rd_code rd_archive_rows(rd_db *db, time_t before, rd_archive_row_fn fn, void *ud, rd_err *e)
{
	struct fk_edge edges[MAX_EDGES];
	struct reach r;
	size_t nedges;
	bool stopped = false;
	rd_code rc;
	if ((rc = fk_edges(db, edges, MAX_EDGES, &nedges, e)) != RD_OK)
		return rc;
	reach_from_applications(edges, nedges, &r);
	rc = emit_reached(db, &r, before, fn, ud, &stopped, e);
	for (size_t t = 0; t < r.n; t++)
		free(r.where[t]);
	if (rc == RD_OK && !stopped)
		rc = emit_query(db, "SELECT seq, at, operator, action, object, coalesce(details, '') AS details, "
				"prev_hash, hash FROM audit WHERE seq <= (SELECT coalesce(max(seq), 0) FROM audit WHERE at < ?1) "
				"ORDER BY seq",
				"audit", before, fn, ud, &stopped, e);
	return rc;
}

rd_code rd_app_purge_personal(rd_db *db, int64_t app_id, const char *archive_sha256, const char *by, time_t at,
			      rd_err *e)
{
	static const char *const sql[] = {
		"UPDATE applications SET subject_name = NULL, subject_id_type = NULL, subject_id_enc = NULL, "
		"subject_id_idx = NULL, subject_mobile_enc = NULL, subject_mobile_idx = NULL, subject_email = NULL, "
		"org_address = NULL, org_legal_rep = NULL, agent_name = NULL, agent_id_type = NULL, "
		"agent_id_enc = NULL, agent_id_idx = NULL, agent_mobile_enc = NULL, agent_mobile_idx = NULL, "
		"agent_email = NULL, verify_question = NULL, verify_answer_hash = NULL WHERE id = ?1",
		"UPDATE app_documents SET note = NULL WHERE app_id = ?1",
		"DELETE FROM application_names WHERE rowid = ?1",
		"UPDATE outbox SET recipient = '', body = '{}' WHERE app_id = ?1",
	};
	rd_code rc;
	for (size_t i = 0; i < RD_ARRAY_LEN(sql); i++)
		if ((rc = rd_db_run(db, sql[i], RD_ARGS(rd_int(app_id)), e, "applications")) != RD_OK)
			return rc;
	return rd_db_run(db,
			 "INSERT INTO purged_applications(app_id, archive_sha256, purged_by, purged_at) "
			 "VALUES (?, ?, ?, ?)",
			 RD_ARGS(rd_int(app_id), rd_text(archive_sha256), rd_text(by), rd_int(at)), e,
			 "purged_applications");
}

bool rd_app_purged(rd_db *db, int64_t app_id)
{
	int64_t one = 0;
	return rd_db_get(db, "SELECT 1 FROM purged_applications WHERE app_id = ?", RD_ARGS(rd_int(app_id)),
			 rd_read_int64, &one, NULL, "purged_applications") == RD_OK;
}
