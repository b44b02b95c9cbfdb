/* The desk's storage: application state with a compare-and-set version,
 * documents, scans, payments, the review queue and the outbox. */
#include "data/internal.h"

#include <stdio.h>
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

rd_code rd_desk_app_get(rd_db *db, const char *no, rd_app_state *out, rd_err *e)
{
	rd_code rc = rd_db_get(db, "SELECT " APP_COLUMNS " FROM applications WHERE no = ?", RD_ARGS(rd_text(no)),
			       read_app, out, e, "application");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "application", _("no application numbered '%s'"), no);
	return rc;
}

static rd_code app_not_found(int64_t id, rd_err *e)
{
	return rd_fail_at(e, RD_E_NOTFOUND, "application", _("no application with id %lld"), (long long)id);
}

rd_code rd_desk_app_get_id(rd_db *db, int64_t id, rd_app_state *out, rd_err *e)
{
	rd_code rc = rd_db_get(db, "SELECT " APP_COLUMNS " FROM applications WHERE id = ?", RD_ARGS(rd_int(id)),
			       read_app, out, e, "application");
	return rc == RD_E_NOTFOUND ? app_not_found(id, e) : rc;
}

rd_code rd_desk_app_set_state(rd_db *db, int64_t id, int64_t version, const char *state, const char *by,
			      time_t at, rd_err *e)
{
	rd_code rc = rd_db_run(db,
			       "UPDATE applications SET state = ?, version = version + 1, updated_by = ?, "
			       "updated_at = ? WHERE id = ? AND version = ?",
			       RD_ARGS(rd_text(state), rd_text(by), rd_int(at), rd_int(id), rd_int(version)), e,
			       "application state");
	if (rc != RD_OK)
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return rd_fail_at(e, RD_E_CONFLICT, "version", _("the application changed meanwhile; reload"));
	return RD_OK;
}

struct contacts {
	char *mobile_sealed, *email;
	size_t mn, en;
};

static rd_code read_contacts(sqlite3_stmt *st, void *row, rd_err *e)
{
	struct contacts *c = row;
	rd_strlcpy(c->mobile_sealed, rd_col_text(st, 0), c->mn);
	rd_strlcpy(c->email, rd_col_text(st, 1), c->en);
	return RD_OK;
}

rd_code rd_desk_app_contacts(rd_db *db, int64_t id, char *mobile_sealed, size_t mn, char *email, size_t en,
			     rd_err *e)
{
	struct contacts c = {mobile_sealed, email, mn, en};
	rd_code rc = rd_db_get(db,
			       "SELECT CASE WHEN coalesce(agent_mobile_enc, '') <> '' THEN agent_mobile_enc "
			       "ELSE coalesce(subject_mobile_enc, '') END, "
			       "CASE WHEN coalesce(agent_email, '') <> '' THEN agent_email "
			       "ELSE coalesce(subject_email, '') END FROM applications WHERE id = ?",
			       RD_ARGS(rd_int(id)), read_contacts, &c, e, "application");
	return rc == RD_E_NOTFOUND ? app_not_found(id, e) : rc;
}

rd_code rd_desk_app_each(rd_db *db, const char *state, const char *created_by, int limit, rd_app_state_fn fn,
			 void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_app_state a;
	if (rd_db_query(db,
			"SELECT " APP_COLUMNS " FROM applications WHERE (?1 IS NULL OR state = ?1) "
			"AND (?2 IS NULL OR created_by = ?2) ORDER BY created_at, id LIMIT ?3",
			RD_ARGS(rd_text(state), rd_text(created_by), rd_int(limit > 0 ? limit : -1)), &st,
			e) != RD_OK)
		return RD_E_DATA;
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
	if (rd_db_query(db, "SELECT state, count(*) FROM applications GROUP BY state ORDER BY state", RD_NO_ARGS,
			&st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ud, rd_col_text(st, 0), sqlite3_column_int64(st, 1)))
			break;
	return rd_db_rows_end(db, st, rc, e, "applications");
}

/* ---- documents and scans ---- */

static void read_doc(sqlite3_stmt *st, rd_doc_row *r)
{
	memset(r, 0, sizeof *r);
	rd_strlcpy(r->type, rd_col_text(st, 0), sizeof r->type);
	rd_strlcpy(r->status, rd_col_text(st, 1), sizeof r->status);
	rd_strlcpy(r->note, rd_col_text(st, 2), sizeof r->note);
	rd_strlcpy(r->operator_name, rd_col_text(st, 3), sizeof r->operator_name);
	r->at = (time_t)sqlite3_column_int64(st, 4);
	rd_strlcpy(r->scan, rd_col_text(st, 5), sizeof r->scan);
}

rd_code rd_desk_doc_list(rd_db *db, int64_t app_id, rd_doc_row *rows, size_t max, size_t *n, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if (rd_db_query(db,
			"SELECT type, status, coalesce(note, ''), operator, at, coalesce(scan_sha256, '') "
			"FROM app_documents WHERE app_id = ? ORDER BY type",
			RD_ARGS(rd_int(app_id)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		read_doc(st, &rows[(*n)++]);
	return rd_db_rows_end(db, st, rc, e, "documents");
}

rd_code rd_desk_doc_put(rd_db *db, int64_t app_id, const rd_doc_row *r, rd_err *e)
{
	return rd_db_run(db,
			 "INSERT INTO app_documents(app_id, type, status, note, operator, at, scan_sha256) "
			 "VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6, nullif(?7, '')) "
			 "ON CONFLICT(app_id, type) DO UPDATE SET status = ?3, note = nullif(?4, ''), operator = ?5, "
			 "at = ?6, scan_sha256 = coalesce(nullif(?7, ''), scan_sha256)",
			 RD_ARGS(rd_int(app_id), rd_text(r->type), rd_text(r->status), rd_text(r->note),
				 rd_text(r->operator_name), rd_int(r->at), rd_text(r->scan)),
			 e, "document");
}

rd_code rd_desk_scan_put(rd_db *db, const char *sha256, int64_t size, int width, int height, const char *by,
			 time_t at, rd_err *e)
{
	return rd_db_run(db,
			 "INSERT OR IGNORE INTO scans(sha256, size, width, height, imported_by, imported_at) "
			 "VALUES (?, ?, ?, ?, ?, ?)",
			 RD_ARGS(rd_text(sha256), rd_int(size), rd_int(width), rd_int(height), rd_text(by), rd_int(at)),
			 e, "scan");
}

rd_code rd_desk_scan_size(rd_db *db, const char *sha256, int64_t *size, rd_err *e)
{
	rd_code rc = rd_db_get(db, "SELECT size FROM scans WHERE sha256 = ?", RD_ARGS(rd_text(sha256)),
			       rd_read_int64, size, e, "scan");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "scan", _("no scan %s"), sha256);
	return rc;
}

/* ---- payments ---- */

rd_code rd_desk_receipt_next(rd_db *db, const char *day, int64_t *seq, rd_err *e)
{
	rd_code rc = rd_db_returning_int64(db,
					   "INSERT INTO receipt_counters(day, last) VALUES (?, 1) "
					   "ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last",
					   RD_ARGS(rd_text(day)), seq, e, "receipt counter");
	if (rc == RD_E_NOTFOUND)
		return rd_fail(e, RD_E_DATA, _("the receipt counter gave no number"));
	return rc;
}

rd_code rd_desk_payment_insert(rd_db *db, const rd_payment_row *p, int64_t *id, rd_err *e)
{
	rd_code rc = rd_db_run_unique(
		db,
		"INSERT INTO payments(receipt, app_id, amount, method, ref, refund_of, reason, operator, at, day) "
		"VALUES (?, ?, ?, ?, nullif(?, ''), nullif(?, 0), nullif(?, ''), ?, ?, ?)",
		RD_ARGS(rd_text(p->receipt), rd_int(p->app_id), rd_int(p->amount), rd_text(p->method), rd_text(p->ref),
			rd_int(p->refund_of), rd_text(p->reason), rd_text(p->operator_name), rd_int(p->at),
			rd_text(p->day)),
		e, "payment");
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

#define PAY_SELECT \
	"SELECT p.id, p.receipt, p.app_id, a.no, p.amount, p.method, coalesce(p.ref, ''), " \
	"coalesce(p.refund_of, 0), coalesce(p.reason, ''), p.operator, p.at, p.day " \
	"FROM payments p JOIN applications a ON a.id = p.app_id "

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
	rd_code rc = rd_db_get(db, PAY_SELECT "WHERE p.receipt = ?", RD_ARGS(rd_text(receipt)), read_payment, out, e,
			       "payment");
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
	if (rd_db_query(db, PAY_SELECT "WHERE p.day = ?1 AND (?2 IS NULL OR p.operator = ?2) ORDER BY p.id",
			RD_ARGS(rd_text(day), rd_text(operator_name)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_payment(st, &p, NULL);
		if (fn(ud, &p))
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "payments");
}

rd_code rd_desk_paid_net(rd_db *db, int64_t app_id, int64_t *net, rd_err *e)
{
	rd_code rc;
	*net = 0;
	rc = rd_db_get(db, "SELECT coalesce(sum(amount), 0) FROM payments WHERE app_id = ?", RD_ARGS(rd_int(app_id)),
		       rd_read_int64, net, e, "payments");
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_desk_took_fee(rd_db *db, int64_t app_id, const char *operator_name, bool *out, rd_err *e)
{
	int64_t one = 0;
	rd_code rc = rd_db_get(db,
			       "SELECT 1 FROM payments WHERE app_id = ? AND operator = ? COLLATE NOCASE AND amount > 0",
			       RD_ARGS(rd_int(app_id), rd_text(operator_name)), rd_read_int64, &one, e, "payments");
	*out = rc == RD_OK;
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_desk_cashup(rd_db *db, const char *day, const char *operator_name, rd_cashup_fn fn, void *ud,
		       rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_cashup_row r;
	if (rd_db_query(db,
			"SELECT operator, method, count(*), sum(amount) FROM payments WHERE day = ?1 "
			"AND (?2 IS NULL OR operator = ?2) GROUP BY operator, method ORDER BY operator, method",
			RD_ARGS(rd_text(day), rd_text(operator_name)), &st, e) != RD_OK)
		return RD_E_DATA;
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
	return rd_db_run(db,
			 "INSERT INTO review_queue(app_id, queued_at) VALUES (?1, ?2) ON CONFLICT(app_id) DO UPDATE "
			 "SET queued_at = ?2, reviewer = NULL, claimed_at = 0, expires_at = 0",
			 RD_ARGS(rd_int(app_id), rd_int(at)), e, "review queue");
}

rd_code rd_desk_queue_remove(rd_db *db, int64_t app_id, rd_err *e)
{
	return rd_db_run(db, "DELETE FROM review_queue WHERE app_id = ?", RD_ARGS(rd_int(app_id)), e,
			 "review queue");
}

rd_code rd_desk_queue_claim(rd_db *db, const char *reviewer, time_t now, time_t until, int64_t *app_id, rd_err *e)
{
	rd_code rc = rd_db_returning_int64(
		db,
		"UPDATE review_queue SET reviewer = ?1, claimed_at = ?2, expires_at = ?3 "
		"WHERE expires_at <= ?2 AND app_id = ("
		" SELECT q.app_id FROM review_queue q JOIN applications a ON a.id = q.app_id"
		" WHERE q.expires_at <= ?2 AND a.state IN ('paid', 'under_review')"
		" AND a.created_by <> ?1 COLLATE NOCASE"
		" AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.app_id = q.app_id"
		"                 AND p.operator = ?1 COLLATE NOCASE AND p.amount > 0)"
		" ORDER BY q.queued_at, q.app_id LIMIT 1) RETURNING app_id",
		RD_ARGS(rd_text(reviewer), rd_int(now), rd_int(until)), app_id, e, "review queue");
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
	rd_code rc = rd_db_get(db, QUEUE_SELECT "WHERE q.app_id = ?", RD_ARGS(rd_int(app_id)), read_queue, out, e,
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
	if (rd_db_query(db, QUEUE_SELECT "WHERE a.state IN ('paid', 'under_review') ORDER BY q.queued_at, q.app_id",
			RD_NO_ARGS, &st, e) != RD_OK)
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
	return rd_db_run(db,
			 "INSERT INTO outbox(app_id, channel, recipient, event, body, next_at, created_at) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?)",
			 RD_ARGS(rd_int(app_id), rd_text(channel), rd_text(recipient), rd_text(event), rd_text(body),
				 rd_int(now), rd_int(now)),
			 e, "outbox");
}

#define OUTBOX_SELECT \
	"SELECT o.id, o.app_id, a.no, o.channel, o.recipient, o.event, o.body, o.status, o.attempts, " \
	"o.next_at, o.created_at, o.sent_at, coalesce(o.last_error, '') " \
	"FROM outbox o JOIN applications a ON a.id = o.app_id "

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
	int64_t id = 0;
	rd_code rc = rd_db_returning_int64(
		db,
		"UPDATE outbox SET lease_until = ?2 WHERE id = (SELECT id FROM outbox WHERE status = 'pending' "
		"AND next_at <= ?1 AND lease_until <= ?1 ORDER BY next_at, id LIMIT 1) "
		"AND lease_until <= ?1 RETURNING id",
		RD_ARGS(rd_int(now), rd_int(until)), &id, e, "outbox");
	if (rc == RD_E_NOTFOUND)
		return rd_fail(e, RD_E_NOTFOUND, _("no message is due"));
	if (rc != RD_OK)
		return rc;
	rc = rd_db_get(db, OUTBOX_SELECT "WHERE o.id = ?", RD_ARGS(rd_int(id)), read_outbox, out, e, "outbox");
	return rc == RD_E_NOTFOUND ? rd_fail(e, RD_E_DATA, _("the leased message vanished")) : rc;
}

rd_code rd_desk_outbox_done(rd_db *db, int64_t id, const char *status, int attempts, time_t next_at,
			    const char *error, time_t sent_at, rd_err *e)
{
	return rd_db_run(db,
			 "UPDATE outbox SET status = ?, attempts = ?, next_at = ?, last_error = ?, sent_at = ?, "
			 "lease_until = 0 WHERE id = ?",
			 RD_ARGS(rd_text(status), rd_int(attempts), rd_int(next_at), rd_text(error), rd_int(sent_at),
				 rd_int(id)),
			 e, "outbox");
}

rd_code rd_desk_outbox_each(rd_db *db, bool failed_only, rd_outbox_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	rd_outbox_row *r = malloc(sizeof *r);
	if (!r)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rd_db_query(db,
			OUTBOX_SELECT "WHERE ?1 = 0 OR (o.status <> 'sent' AND o.last_error IS NOT NULL) ORDER BY o.id",
			RD_ARGS(rd_int(failed_only)), &st, e) != RD_OK) {
		free(r);
		return RD_E_DATA;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_outbox(st, r, NULL);
		if (fn(ud, r))
			break;
	}
	free(r);
	return rd_db_rows_end(db, st, rc, e, "outbox");
}

struct desk_counts {
	int *drafts, *to_review, *outbox_failed;
};

static rd_code read_counts(sqlite3_stmt *st, void *row, rd_err *e)
{
	struct desk_counts *c = row;
	*c->drafts = sqlite3_column_int(st, 0);
	*c->to_review = sqlite3_column_int(st, 1);
	*c->outbox_failed = sqlite3_column_int(st, 2);
	return RD_OK;
}

rd_code rd_desk_counts(rd_db *db, const char *mine, time_t now, int *drafts, int *to_review, int *outbox_failed,
		       rd_err *e)
{
	struct desk_counts c = {drafts, to_review, outbox_failed};
	rd_code rc = rd_db_get(db,
			       "SELECT (SELECT count(*) FROM applications WHERE state = 'draft' AND created_by = ?1), "
			       "(SELECT count(*) FROM review_queue q JOIN applications a ON a.id = q.app_id "
			       " WHERE q.expires_at <= ?2 AND a.state IN ('paid', 'under_review')), "
			       "(SELECT count(*) FROM outbox WHERE status <> 'sent' AND last_error IS NOT NULL)",
			       RD_ARGS(rd_text(mine), rd_int(now)), read_counts, &c, e, "counts");
	return rc == RD_E_NOTFOUND ? RD_OK : rc;
}

rd_code rd_desk_receipts_standing(rd_db *db, int64_t app_id, char *out, size_t len, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	size_t at = 0;
	out[0] = '\0';
	if (rd_db_prepare(db,
			  "SELECT p.receipt FROM payments p WHERE p.app_id = ? AND p.amount > 0 "
			  "AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.refund_of = p.id) ORDER BY p.id",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_int64(st, 1, app_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = snprintf(out + at, len - at, "%s%s", at ? ", " : "", rd_col_text(st, 0));
		if (n < 0 || (size_t)n >= len - at)
			break; /* what fits */
		at += (size_t)n;
	}
	rd_db_done(db, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rd_db_fail(db, e, "payments");
	return RD_OK;
}
