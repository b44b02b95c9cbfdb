/* The desk's storage: application state with a compare-and-set version,
 * documents, scans, payments, the review queue and the outbox. */
#include "data/internal.h"

#include <stdlib.h>
#include <string.h>

#define APP_COLUMNS \
	"id, no, kind, product, years, state, version, created_by, updated_by, created_at, updated_at, " \
	"coalesce(agent_name, '') <> ''"

static rd_code read_app(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_app_state *a = row;
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	rd_strlcpy(a->no, rd_col_text(st, 1), sizeof a->no);
	rd_strlcpy(a->kind, rd_col_text(st, 2), sizeof a->kind);
	rd_strlcpy(a->product, rd_col_text(st, 3), sizeof a->product);
	a->years = sqlite3_column_int(st, 4);
	rd_strlcpy(a->state, rd_col_text(st, 5), sizeof a->state);
	a->version = sqlite3_column_int64(st, 6);
	rd_strlcpy(a->created_by, rd_col_text(st, 7), sizeof a->created_by);
	rd_strlcpy(a->updated_by, rd_col_text(st, 8), sizeof a->updated_by);
	a->created_at = (time_t)sqlite3_column_int64(st, 9);
	a->updated_at = (time_t)sqlite3_column_int64(st, 10);
	a->has_agent = sqlite3_column_int(st, 11) != 0;
	return RD_OK;
}

/* A statement whose RETURNING gives one number: RD_OK with it in *out,
 * RD_E_NOTFOUND (e left to the caller) when it gave no row. */
static rd_code returning_int64(rd_db *db, sqlite3_stmt *st, int64_t *out, rd_err *e, const char *what)
{
	rd_code rc = rd_db_step_one(db, st, e, what);
	if (rc == RD_OK) {
		*out = sqlite3_column_int64(st, 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rd_db_fail(db, e, what);
	}
	rd_db_done(db, st);
	return rc;
}

rd_code rd_desk_app_get(rd_db *db, const char *no, rd_app_state *out, rd_err *e)
{
	rd_code rc = rd_db_get_row(db, "SELECT " APP_COLUMNS " FROM applications WHERE no = ?", no, 0, read_app,
				   out, e, "application");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "application", _("no application numbered '%s'"), no);
	return rc;
}

rd_code rd_desk_app_get_id(rd_db *db, int64_t id, rd_app_state *out, rd_err *e)
{
	rd_code rc = rd_db_get_row(db, "SELECT " APP_COLUMNS " FROM applications WHERE id = ?", NULL, id, read_app,
				   out, e, "application");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "application", _("no application with id %lld"), (long long)id);
	return rc;
}

rd_code rd_desk_app_set_state(rd_db *db, int64_t id, int64_t version, const char *state, const char *by,
			      time_t at, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db,
			  "UPDATE applications SET state = ?, version = version + 1, updated_by = ?, updated_at = ? "
			  "WHERE id = ? AND version = ?",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)at);
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_int64(st, 5, version);
	if ((rc = rd_db_step_done(db, st, e, "application state")) != RD_OK)
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return rd_fail_at(e, RD_E_CONFLICT, "version", _("the application changed meanwhile; reload"));
	return RD_OK;
}

rd_code rd_desk_app_contacts(rd_db *db, int64_t id, char *mobile_sealed, size_t mn, char *email, size_t en,
			     rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db,
			  "SELECT CASE WHEN coalesce(agent_mobile_enc, '') <> '' THEN agent_mobile_enc "
			  "ELSE coalesce(subject_mobile_enc, '') END, "
			  "CASE WHEN coalesce(agent_email, '') <> '' THEN agent_email "
			  "ELSE coalesce(subject_email, '') END FROM applications WHERE id = ?",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, id);
	rc = rd_db_step_one(db, st, e, "application");
	if (rc == RD_OK) {
		rd_strlcpy(mobile_sealed, rd_col_text(st, 0), mn);
		rd_strlcpy(email, rd_col_text(st, 1), en);
	}
	rd_db_done(db, st);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "application", _("no application with id %lld"), (long long)id);
	return rc;
}

rd_code rd_desk_app_each(rd_db *db, const char *state, const char *created_by, int limit, rd_app_state_fn fn,
			 void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_app_state a;
	if (rd_db_prepare(db,
			  "SELECT " APP_COLUMNS " FROM applications WHERE (?1 IS NULL OR state = ?1) "
			  "AND (?2 IS NULL OR created_by = ?2) ORDER BY created_at, id LIMIT ?3",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	if (state)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	if (created_by)
		sqlite3_bind_text(st, 2, created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_app(st, &a, NULL);
		if (fn(ud, &a))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "applications");
}

rd_code rd_desk_state_counts(rd_db *db, rd_count_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (rd_db_prepare(db, "SELECT state, count(*) FROM applications GROUP BY state ORDER BY state", &st, e) !=
	    RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ud, rd_col_text(st, 0), sqlite3_column_int64(st, 1)))
			break;
	return rd_db_rows_end(db, st, rc, e, "applications");
}

/* ---- documents and scans ---- */

rd_code rd_desk_doc_list(rd_db *db, int64_t app_id, rd_doc_row *rows, size_t max, size_t *n, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if (rd_db_prepare(db,
			  "SELECT type, status, coalesce(note, ''), operator, at, coalesce(scan_sha256, '') "
			  "FROM app_documents WHERE app_id = ? ORDER BY type",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		rd_doc_row *r = &rows[(*n)++];
		memset(r, 0, sizeof *r);
		rd_strlcpy(r->type, rd_col_text(st, 0), sizeof r->type);
		rd_strlcpy(r->status, rd_col_text(st, 1), sizeof r->status);
		rd_strlcpy(r->note, rd_col_text(st, 2), sizeof r->note);
		rd_strlcpy(r->operator_name, rd_col_text(st, 3), sizeof r->operator_name);
		r->at = (time_t)sqlite3_column_int64(st, 4);
		rd_strlcpy(r->scan, rd_col_text(st, 5), sizeof r->scan);
	}
	return rd_db_rows_end(db, st, rc, e, "documents");
}

rd_code rd_desk_doc_put(rd_db *db, int64_t app_id, const rd_doc_row *r, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db,
			  "INSERT INTO app_documents(app_id, type, status, note, operator, at, scan_sha256) "
			  "VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6, nullif(?7, '')) "
			  "ON CONFLICT(app_id, type) DO UPDATE SET status = ?3, note = nullif(?4, ''), operator = ?5, "
			  "at = ?6, scan_sha256 = coalesce(nullif(?7, ''), scan_sha256)",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_text(st, 2, r->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)r->at);
	sqlite3_bind_text(st, 7, r->scan, -1, SQLITE_STATIC);
	return rd_db_step_done(db, st, e, "document");
}

rd_code rd_desk_scan_put(rd_db *db, const char *sha256, int64_t size, int width, int height, const char *by,
			 time_t at, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db,
			  "INSERT OR IGNORE INTO scans(sha256, size, width, height, imported_by, imported_at) "
			  "VALUES (?, ?, ?, ?, ?, ?)",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, size);
	sqlite3_bind_int(st, 3, width);
	sqlite3_bind_int(st, 4, height);
	sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)at);
	return rd_db_step_done(db, st, e, "scan");
}

rd_code rd_desk_scan_size(rd_db *db, const char *sha256, int64_t *size, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db, "SELECT size FROM scans WHERE sha256 = ?", &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = rd_db_step_one(db, st, e, "scan");
	if (rc == RD_OK)
		*size = sqlite3_column_int64(st, 0);
	rd_db_done(db, st);
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "scan", _("no scan %s"), sha256);
	return rc;
}

/* ---- payments ---- */

rd_code rd_desk_receipt_next(rd_db *db, const char *day, int64_t *seq, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db,
			  "INSERT INTO receipt_counters(day, last) VALUES (?, 1) "
			  "ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	rc = returning_int64(db, st, seq, e, "receipt counter");
	if (rc == RD_E_NOTFOUND)
		return rd_fail(e, RD_E_DATA, _("the receipt counter gave no number"));
	return rc;
}

rd_code rd_desk_payment_insert(rd_db *db, const rd_payment_row *p, int64_t *id, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db,
			  "INSERT INTO payments(receipt, app_id, amount, method, ref, refund_of, reason, operator, at, day) "
			  "VALUES (?, ?, ?, ?, nullif(?, ''), nullif(?, 0), nullif(?, ''), ?, ?, ?)",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, p->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->app_id);
	sqlite3_bind_int64(st, 3, p->amount);
	sqlite3_bind_text(st, 4, p->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, p->refund_of);
	sqlite3_bind_text(st, 7, p->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->operator_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (int64_t)p->at);
	sqlite3_bind_text(st, 10, p->day, -1, SQLITE_STATIC);
	rc = rd_db_step_unique(db, st, e, "payment");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "receipt",
				  p->refund_of ? _("this payment was refunded already")
					       : _("receipt %s exists already"),
				  p->receipt);
	if (rc != RD_OK)
		return rc;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return RD_OK;
}

#define PAY_COLUMNS \
	"p.id, p.receipt, p.app_id, a.no, p.amount, p.method, coalesce(p.ref, ''), coalesce(p.refund_of, 0), " \
	"coalesce(p.reason, ''), p.operator, p.at, p.day"

static rd_code read_payment(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_payment_row *p = row;
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	rd_strlcpy(p->receipt, rd_col_text(st, 1), sizeof p->receipt);
	p->app_id = sqlite3_column_int64(st, 2);
	rd_strlcpy(p->app_no, rd_col_text(st, 3), sizeof p->app_no);
	p->amount = sqlite3_column_int64(st, 4);
	rd_strlcpy(p->method, rd_col_text(st, 5), sizeof p->method);
	rd_strlcpy(p->ref, rd_col_text(st, 6), sizeof p->ref);
	p->refund_of = sqlite3_column_int64(st, 7);
	rd_strlcpy(p->reason, rd_col_text(st, 8), sizeof p->reason);
	rd_strlcpy(p->operator_name, rd_col_text(st, 9), sizeof p->operator_name);
	p->at = (time_t)sqlite3_column_int64(st, 10);
	rd_strlcpy(p->day, rd_col_text(st, 11), sizeof p->day);
	return RD_OK;
}

rd_code rd_desk_payment_get(rd_db *db, const char *receipt, rd_payment_row *out, rd_err *e)
{
	rd_code rc = rd_db_get_row(db,
				   "SELECT " PAY_COLUMNS " FROM payments p JOIN applications a ON a.id = p.app_id "
				   "WHERE p.receipt = ?",
				   receipt, 0, read_payment, out, e, "payment");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "receipt", _("no receipt numbered '%s'"), receipt);
	return rc;
}

rd_code rd_desk_payment_each(rd_db *db, const char *day, const char *operator_name, rd_payment_fn fn, void *ud,
			     rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_payment_row p;
	if (rd_db_prepare(db,
			  "SELECT " PAY_COLUMNS " FROM payments p JOIN applications a ON a.id = p.app_id "
			  "WHERE p.day = ?1 AND (?2 IS NULL OR p.operator = ?2) ORDER BY p.id",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	if (operator_name)
		sqlite3_bind_text(st, 2, operator_name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_payment(st, &p, NULL);
		if (fn(ud, &p))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "payments");
}

rd_code rd_desk_paid_net(rd_db *db, int64_t app_id, int64_t *net, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db, "SELECT coalesce(sum(amount), 0) FROM payments WHERE app_id = ?", &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	rc = rd_db_step_one(db, st, e, "payments");
	*net = rc == RD_OK ? sqlite3_column_int64(st, 0) : 0;
	rd_db_done(db, st);
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_desk_took_fee(rd_db *db, int64_t app_id, const char *operator_name, bool *out, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db,
			  "SELECT 1 FROM payments WHERE app_id = ? AND operator = ? COLLATE NOCASE AND amount > 0",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_text(st, 2, operator_name, -1, SQLITE_STATIC);
	rc = rd_db_step_one(db, st, e, "payments");
	rd_db_done(db, st);
	*out = rc == RD_OK;
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_desk_cashup(rd_db *db, const char *day, const char *operator_name, rd_cashup_fn fn, void *ud,
		       rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_cashup_row r;
	if (rd_db_prepare(db,
			  "SELECT operator, method, count(*), sum(amount) FROM payments WHERE day = ?1 "
			  "AND (?2 IS NULL OR operator = ?2) GROUP BY operator, method ORDER BY operator, method",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	if (operator_name)
		sqlite3_bind_text(st, 2, operator_name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		rd_strlcpy(r.operator_name, rd_col_text(st, 0), sizeof r.operator_name);
		rd_strlcpy(r.method, rd_col_text(st, 1), sizeof r.method);
		r.count = sqlite3_column_int64(st, 2);
		r.total = sqlite3_column_int64(st, 3);
		if (fn(ud, &r))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "cash-up");
}

/* ---- review queue ---- */

rd_code rd_desk_queue_add(rd_db *db, int64_t app_id, time_t at, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db,
			  "INSERT INTO review_queue(app_id, queued_at) VALUES (?1, ?2) ON CONFLICT(app_id) DO UPDATE "
			  "SET queued_at = ?2, reviewer = NULL, claimed_at = 0, expires_at = 0",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_int64(st, 2, (int64_t)at);
	return rd_db_step_done(db, st, e, "review queue");
}

rd_code rd_desk_queue_remove(rd_db *db, int64_t app_id, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db, "DELETE FROM review_queue WHERE app_id = ?", &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	return rd_db_step_done(db, st, e, "review queue");
}

rd_code rd_desk_queue_claim(rd_db *db, const char *reviewer, time_t now, time_t until, int64_t *app_id, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(
		    db,
		    "UPDATE review_queue SET reviewer = ?1, claimed_at = ?2, expires_at = ?3 "
		    "WHERE expires_at <= ?2 AND app_id = ("
		    " SELECT q.app_id FROM review_queue q JOIN applications a ON a.id = q.app_id"
		    " WHERE q.expires_at <= ?2 AND a.state IN ('paid', 'under_review')"
		    " AND a.created_by <> ?1 COLLATE NOCASE"
		    " AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.app_id = q.app_id"
		    "                 AND p.operator = ?1 COLLATE NOCASE AND p.amount > 0)"
		    " ORDER BY q.queued_at, q.app_id LIMIT 1) RETURNING app_id",
		    &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	sqlite3_bind_int64(st, 3, (int64_t)until);
	rc = returning_int64(db, st, app_id, e, "review queue");
	if (rc == RD_E_NOTFOUND)
		return rd_fail(e, RD_E_NOTFOUND, _("no application is waiting for review"));
	return rc;
}

#define QUEUE_SELECT \
	"SELECT q.app_id, a.no, a.state, a.kind, a.product, q.queued_at, coalesce(q.reviewer, ''), " \
	"q.claimed_at, q.expires_at FROM review_queue q JOIN applications a ON a.id = q.app_id "

static rd_code read_queue(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_queue_row *r = row;
	memset(r, 0, sizeof *r);
	r->app_id = sqlite3_column_int64(st, 0);
	rd_strlcpy(r->no, rd_col_text(st, 1), sizeof r->no);
	rd_strlcpy(r->state, rd_col_text(st, 2), sizeof r->state);
	rd_strlcpy(r->kind, rd_col_text(st, 3), sizeof r->kind);
	rd_strlcpy(r->product, rd_col_text(st, 4), sizeof r->product);
	r->queued_at = (time_t)sqlite3_column_int64(st, 5);
	rd_strlcpy(r->reviewer, rd_col_text(st, 6), sizeof r->reviewer);
	r->claimed_at = (time_t)sqlite3_column_int64(st, 7);
	r->expires_at = (time_t)sqlite3_column_int64(st, 8);
	return RD_OK;
}

rd_code rd_desk_queue_get(rd_db *db, int64_t app_id, rd_queue_row *out, rd_err *e)
{
	rd_code rc = rd_db_get_row(db, QUEUE_SELECT "WHERE q.app_id = ?", NULL, app_id, read_queue, out, e,
				   "review queue");
	if (rc == RD_E_NOTFOUND)
		return rd_fail(e, RD_E_NOTFOUND, _("the application is not in the review queue"));
	return rc;
}

rd_code rd_desk_queue_each(rd_db *db, rd_queue_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_queue_row r;
	if (rd_db_prepare(db, QUEUE_SELECT "WHERE a.state IN ('paid', 'under_review') ORDER BY q.queued_at, q.app_id",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_queue(st, &r, NULL);
		if (fn(ud, &r))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "review queue");
}

/* ---- outbox ---- */

rd_code rd_desk_outbox_add(rd_db *db, int64_t app_id, const char *channel, const char *recipient,
			   const char *event, const char *body, time_t now, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db,
			  "INSERT INTO outbox(app_id, channel, recipient, event, body, next_at, created_at) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?)",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)now);
	sqlite3_bind_int64(st, 7, (int64_t)now);
	return rd_db_step_done(db, st, e, "outbox");
}

#define OUTBOX_COLUMNS \
	"o.id, o.app_id, a.no, o.channel, o.recipient, o.event, o.body, o.status, o.attempts, o.next_at, " \
	"o.created_at, o.sent_at, coalesce(o.last_error, '')"

static rd_code read_outbox(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_outbox_row *r = row;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->app_id = sqlite3_column_int64(st, 1);
	rd_strlcpy(r->app_no, rd_col_text(st, 2), sizeof r->app_no);
	rd_strlcpy(r->channel, rd_col_text(st, 3), sizeof r->channel);
	rd_strlcpy(r->recipient, rd_col_text(st, 4), sizeof r->recipient);
	rd_strlcpy(r->event, rd_col_text(st, 5), sizeof r->event);
	rd_strlcpy(r->body, rd_col_text(st, 6), sizeof r->body);
	rd_strlcpy(r->status, rd_col_text(st, 7), sizeof r->status);
	r->attempts = sqlite3_column_int(st, 8);
	r->next_at = (time_t)sqlite3_column_int64(st, 9);
	r->created_at = (time_t)sqlite3_column_int64(st, 10);
	r->sent_at = (time_t)sqlite3_column_int64(st, 11);
	rd_strlcpy(r->last_error, rd_col_text(st, 12), sizeof r->last_error);
	return RD_OK;
}

rd_code rd_desk_outbox_lease(rd_db *db, time_t now, time_t until, rd_outbox_row *out, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	int64_t id = 0;
	if (rd_db_prepare(db,
			  "UPDATE outbox SET lease_until = ?2 WHERE id = (SELECT id FROM outbox WHERE status = 'pending' "
			  "AND next_at <= ?1 AND lease_until <= ?1 ORDER BY next_at, id LIMIT 1) "
			  "AND lease_until <= ?1 RETURNING id",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, (int64_t)until);
	rc = returning_int64(db, st, &id, e, "outbox");
	if (rc == RD_E_NOTFOUND)
		return rd_fail(e, RD_E_NOTFOUND, _("no message is due"));
	if (rc != RD_OK)
		return rc;
	rc = rd_db_get_row(db, "SELECT " OUTBOX_COLUMNS " FROM outbox o JOIN applications a ON a.id = o.app_id "
			   "WHERE o.id = ?", NULL, id, read_outbox, out, e, "outbox");
	return rc == RD_E_NOTFOUND ? rd_fail(e, RD_E_DATA, _("the leased message vanished")) : rc;
}

rd_code rd_desk_outbox_done(rd_db *db, int64_t id, const char *status, int attempts, time_t next_at,
			    const char *error, time_t sent_at, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db,
			  "UPDATE outbox SET status = ?, attempts = ?, next_at = ?, last_error = ?, sent_at = ?, "
			  "lease_until = 0 WHERE id = ?",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, (int64_t)next_at);
	if (error)
		sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)sent_at);
	sqlite3_bind_int64(st, 6, id);
	return rd_db_step_done(db, st, e, "outbox");
}

rd_code rd_desk_outbox_each(rd_db *db, bool failed_only, rd_outbox_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_outbox_row *r = malloc(sizeof *r);
	if (!r)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rd_db_prepare(db,
			  "SELECT " OUTBOX_COLUMNS " FROM outbox o JOIN applications a ON a.id = o.app_id "
			  "WHERE ?1 = 0 OR (o.status <> 'sent' AND o.last_error IS NOT NULL) ORDER BY o.id",
			  &st, e) != RD_OK) {
		free(r);
		return RD_E_DATA;
	}
	sqlite3_bind_int(st, 1, failed_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_outbox(st, r, NULL);
		if (fn(ud, r))
			break;
	}
	free(r);
	return rd_db_rows_end(db, st, rc, e, "outbox");
}

rd_code rd_desk_counts(rd_db *db, const char *mine, time_t now, int *drafts, int *to_review, int *outbox_failed,
		       rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db,
			  "SELECT (SELECT count(*) FROM applications WHERE state = 'draft' AND created_by = ?1), "
			  "(SELECT count(*) FROM review_queue q JOIN applications a ON a.id = q.app_id "
			  " WHERE q.expires_at <= ?2 AND a.state IN ('paid', 'under_review')), "
			  "(SELECT count(*) FROM outbox WHERE status <> 'sent' AND last_error IS NOT NULL)",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, mine, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	rc = rd_db_step_one(db, st, e, "counts");
	if (rc == RD_OK) {
		*drafts = sqlite3_column_int(st, 0);
		*to_review = sqlite3_column_int(st, 1);
		*outbox_failed = sqlite3_column_int(st, 2);
	}
	rd_db_done(db, st);
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}
