/* The CA outbox's storage: request rows with their send leases, and the
 * certificates the CA issued. */
#include "data/internal.h"

#include <stdlib.h>
#include <string.h>

#define REQ_COLUMNS                                                                                          \
	"r.id, r.app_id, a.no, r.kind, coalesce(r.csr_pem, ''), coalesce(r.csr_spki_sha256, ''), "           \
	"coalesce(r.profile, ''), coalesce(r.subject, ''), coalesce(r.revoke_serial, ''), "                  \
	"coalesce(r.revoke_reason, 0), r.state, r.attempts, r.next_try_at, r.last_error, r.sending_pid, "    \
	"r.lease_until, r.unknown_outcomes, r.created_at, r.created_by, r.done_at"
#define REQ_SELECT "SELECT " REQ_COLUMNS " FROM ca_requests r JOIN applications a ON a.id = r.app_id "

static rd_code read_req(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_careq_row *r = row;
	memset(r, 0, sizeof *r);
	rd_strlcpy(r->id, rd_col_text(st, 0), sizeof r->id);
	r->app_id = sqlite3_column_int64(st, 1);
	rd_strlcpy(r->app_no, rd_col_text(st, 2), sizeof r->app_no);
	rd_strlcpy(r->kind, rd_col_text(st, 3), sizeof r->kind);
	rd_strlcpy(r->csr_pem, rd_col_text(st, 4), sizeof r->csr_pem);
	rd_strlcpy(r->csr_spki_sha256, rd_col_text(st, 5), sizeof r->csr_spki_sha256);
	rd_strlcpy(r->profile, rd_col_text(st, 6), sizeof r->profile);
	rd_strlcpy(r->subject, rd_col_text(st, 7), sizeof r->subject);
	rd_strlcpy(r->revoke_serial, rd_col_text(st, 8), sizeof r->revoke_serial);
	r->revoke_reason = sqlite3_column_int(st, 9);
	rd_strlcpy(r->state, rd_col_text(st, 10), sizeof r->state);
	r->attempts = sqlite3_column_int(st, 11);
	r->next_try_at = (time_t)sqlite3_column_int64(st, 12);
	rd_strlcpy(r->last_error, rd_col_text(st, 13), sizeof r->last_error);
	r->sending_pid = sqlite3_column_int64(st, 14);
	r->lease_until = (time_t)sqlite3_column_int64(st, 15);
	r->unknown_outcomes = sqlite3_column_int(st, 16);
	r->created_at = (time_t)sqlite3_column_int64(st, 17);
	rd_strlcpy(r->created_by, rd_col_text(st, 18), sizeof r->created_by);
	r->done_at = (time_t)sqlite3_column_int64(st, 19);
	return RD_OK;
}

/* Runs an UPDATE; RD_E_NOTFOUND when it changed no row. */
static rd_code run_update(rd_db *db, const char *sql, const rd_arg *args, rd_err *e, const char *what)
{
	rd_code rc = rd_db_run(db, sql, args, e, what);
	if (rc == RD_OK && sqlite3_changes(db->h) == 0)
		return rd_fail_at(e, RD_E_NOTFOUND, what, _("%s: no such row in the expected state"), what);
	return rc;
}

rd_code rd_careq_insert(rd_db *db, const rd_careq_row *r, rd_err *e)
{
	bool revoke = !strcmp(r->kind, "revoke");
	rd_code rc = rd_db_run_unique(
		db,
		"INSERT INTO ca_requests(id, app_id, kind, csr_pem, csr_spki_sha256, profile, subject, "
		"revoke_serial, revoke_reason, state, attempts, next_try_at, created_at, created_by) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)",
		RD_ARGS(rd_text(r->id), rd_int(r->app_id), rd_text(r->kind), rd_opt_text(r->csr_pem),
			rd_opt_text(r->csr_spki_sha256), rd_opt_text(r->profile), rd_opt_text(r->subject),
			rd_opt_text(r->revoke_serial), revoke ? rd_int(r->revoke_reason) : rd_null(),
			rd_int(r->next_try_at), rd_int(r->created_at), rd_text(r->created_by)),
		e, "CA request");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "application",
				  _("the application has a CA request waiting already"));
	return rc;
}

static rd_code get_one(rd_db *db, const char *sql, const char *id, int64_t app_id, rd_careq_row *out,
		       rd_err *e)
{
	rd_code rc = rd_db_get(db, sql, id ? RD_ARGS(rd_text(id)) : RD_ARGS(rd_int(app_id)), read_req, out, e,
			       "CA request");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "request", _("no CA request '%s'"), id ? id : "");
	return rc;
}

rd_code rd_careq_get(rd_db *db, const char *id, rd_careq_row *out, rd_err *e)
{
	return get_one(db, REQ_SELECT "WHERE r.id = ?", id, 0, out, e);
}

rd_code rd_careq_latest(rd_db *db, int64_t app_id, rd_careq_row *out, rd_err *e)
{
	return get_one(db, REQ_SELECT "WHERE r.app_id = ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1", NULL,
		       app_id, out, e);
}

rd_code rd_careq_due(rd_db *db, int64_t app_id, time_t now, bool any_time, char (*ids)[40], size_t max,
		     size_t *n, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if (rd_db_query(db,
			"SELECT id FROM ca_requests WHERE (state = 'queued' OR (state = 'retry' AND "
			"(?3 OR next_try_at <= ?2))) AND (?1 = 0 OR app_id = ?1) "
			"ORDER BY next_try_at, created_at, rowid LIMIT ?4",
			RD_ARGS(rd_int(app_id), rd_int(now), rd_int(any_time), rd_int((int64_t)max)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		rd_strlcpy(ids[(*n)++], rd_col_text(st, 0), 40);
	return rd_db_rows_end(db, st, rc, e, "CA queue");
}

rd_code rd_careq_claim(rd_db *db, const char *id, int64_t pid, time_t lease_until, rd_err *e)
{
	return run_update(db,
			  "UPDATE ca_requests SET state = 'sending', attempts = attempts + 1, sending_pid = ?2, "
			  "lease_until = ?3 WHERE id = ?1 AND state IN ('queued', 'retry')",
			  RD_ARGS(rd_text(id), rd_int(pid), rd_int(lease_until)), e, "CA request");
}

rd_code rd_careq_unclaim(rd_db *db, const char *id, const char *state, int64_t pid, rd_err *e)
{
	return run_update(db,
			  "UPDATE ca_requests SET state = ?2, attempts = attempts - 1, sending_pid = 0, lease_until = 0 "
			  "WHERE id = ?1 AND state = 'sending' AND sending_pid = ?3",
			  RD_ARGS(rd_text(id), rd_text(state), rd_int(pid)), e, "CA request");
}

rd_code rd_careq_finish(rd_db *db, const char *id, const char *state, time_t next_try_at, const char *error,
			time_t done_at, rd_err *e)
{
	return run_update(db,
			  "UPDATE ca_requests SET state = ?2, next_try_at = ?3, last_error = ?4, done_at = ?5, "
			  "sending_pid = 0, lease_until = 0 WHERE id = ?1 AND state = 'sending'",
			  RD_ARGS(rd_text(id), rd_text(state), rd_int(next_try_at), rd_text(error ? error : ""),
				  rd_int(done_at)),
			  e, "CA request");
}

rd_code rd_careq_sending(rd_db *db, rd_careq_row *rows, size_t max, size_t *n, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if (rd_db_query(db, REQ_SELECT "WHERE r.state = 'sending' ORDER BY r.created_at, r.rowid LIMIT ?",
			RD_ARGS(rd_int((int64_t)max)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		read_req(st, &rows[(*n)++], NULL);
	return rd_db_rows_end(db, st, rc, e, "CA queue");
}

rd_code rd_careq_mark_unknown(rd_db *db, const char *id, time_t now, const char *note, rd_err *e)
{
	return run_update(db,
			  "UPDATE ca_requests SET state = 'retry', next_try_at = ?2, last_error = ?3, "
			  "unknown_outcomes = unknown_outcomes + 1, sending_pid = 0, lease_until = 0 "
			  "WHERE id = ?1 AND state = 'sending'",
			  RD_ARGS(rd_text(id), rd_int(now), rd_text(note ? note : "")), e, "CA request");
}

rd_code rd_careq_requeue(rd_db *db, const char *id, time_t now, rd_err *e)
{
	return run_update(db,
			  "UPDATE ca_requests SET state = 'queued', attempts = 0, next_try_at = ?2, done_at = 0 "
			  "WHERE id = ?1 AND state = 'failed'",
			  RD_ARGS(rd_text(id), rd_int(now)), e, "CA request");
}

static void count_state(rd_careq_stats *out, const char *state, int n)
{
	if (!strcmp(state, "queued"))
		out->queued = n;
	else if (!strcmp(state, "sending"))
		out->sending = n;
	else if (!strcmp(state, "retry"))
		out->retry = n;
	else if (!strcmp(state, "done"))
		out->done = n;
	else if (!strcmp(state, "failed"))
		out->failed = n;
}

/* Requests per state, and when the oldest open one was made. */
static rd_code stats_by_state(rd_db *db, rd_careq_stats *out, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (rd_db_query(db,
			"SELECT state, count(*), min(CASE WHEN state IN ('queued', 'sending', 'retry') "
			"THEN created_at END) FROM ca_requests GROUP BY state",
			RD_NO_ARGS, &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		time_t oldest = (time_t)sqlite3_column_int64(st, 2);
		count_state(out, rd_col_text(st, 0), sqlite3_column_int(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL && (!out->oldest_open || oldest < out->oldest_open))
			out->oldest_open = oldest;
	}
	return rd_db_rows_end(db, st, rc, e, "CA queue");
}

/* The latest error of a request not done. */
static rd_code stats_last_error(rd_db *db, rd_careq_stats *out, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (rd_db_query(db,
			"SELECT id, last_error FROM ca_requests WHERE last_error <> '' AND state IN "
			"('failed', 'retry', 'queued') ORDER BY max(next_try_at, done_at) DESC, rowid DESC LIMIT 1",
			RD_NO_ARGS, &st, e) != RD_OK)
		return RD_E_DATA;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rd_strlcpy(out->last_error_id, rd_col_text(st, 0), sizeof out->last_error_id);
		rd_strlcpy(out->last_error, rd_col_text(st, 1), sizeof out->last_error);
	}
	return rd_db_rows_end(db, st, rc, e, "CA queue");
}

/* Failed requests that are the application's latest and still wanted. */
static rd_code stats_failed_waiting(rd_db *db, rd_careq_stats *out, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (rd_db_query(db,
			"SELECT count(*) FROM ca_requests r JOIN applications a ON a.id = r.app_id "
			"WHERE r.state = 'failed' AND NOT EXISTS (SELECT 1 FROM ca_requests l WHERE "
			"l.app_id = r.app_id AND l.rowid > r.rowid) AND ((r.kind = 'enroll' AND "
			"a.state = 'queued_for_ca') OR (r.kind <> 'enroll' AND a.state IN ('issued', 'activated')))",
			RD_NO_ARGS, &st, e) != RD_OK)
		return RD_E_DATA;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		out->failed_waiting = sqlite3_column_int(st, 0);
	rd_db_done(db, st);
	if (rc != SQLITE_ROW)
		return rd_db_fail(db, e, "CA queue");
	return RD_OK;
}

rd_code rd_careq_stats_get(rd_db *db, rd_careq_stats *out, rd_err *e)
{
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = stats_by_state(db, out, e)) != RD_OK || (rc = stats_last_error(db, out, e)) != RD_OK)
		return rc;
	return stats_failed_waiting(db, out, e);
}

rd_code rd_careq_each(rd_db *db, const char *state, int limit, rd_careq_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	rd_careq_row *r = malloc(sizeof *r);
	int rc;
	if (!r)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rd_db_query(db,
			REQ_SELECT "WHERE ?1 IS NULL OR r.state = ?1 OR (?1 = 'open' AND r.state IN "
			"('queued', 'sending', 'retry')) ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?2",
			RD_ARGS(rd_text(state), rd_int(limit > 0 ? limit : -1)), &st, e) != RD_OK) {
		free(r);
		return RD_E_DATA;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_req(st, r, NULL);
		if (fn(ud, r))
			break;
	}
	free(r);
	return rd_db_rows_end(db, st, rc, e, "CA queue");
}

/* ---- certificates ---- */

#define CERT_COLUMNS                                                                                         \
	"id, app_id, request_id, serial_hex, serial_dec, issuer, subject, spki_sha256, not_before, "         \
	"not_after, pem, coalesce(chain_pem, ''), status, coalesce(revoke_reason, 0), revoked_at, created_at"

void rd_cert_row_free(rd_cert_row *c)
{
	if (!c)
		return;
	free(c->pem);
	free(c->chain_pem);
	c->pem = c->chain_pem = NULL;
}

static rd_code read_cert(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_cert_row *c = row;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->app_id = sqlite3_column_int64(st, 1);
	rd_strlcpy(c->request_id, rd_col_text(st, 2), sizeof c->request_id);
	rd_strlcpy(c->serial_hex, rd_col_text(st, 3), sizeof c->serial_hex);
	rd_strlcpy(c->serial_dec, rd_col_text(st, 4), sizeof c->serial_dec);
	rd_strlcpy(c->issuer, rd_col_text(st, 5), sizeof c->issuer);
	rd_strlcpy(c->subject, rd_col_text(st, 6), sizeof c->subject);
	rd_strlcpy(c->spki_sha256, rd_col_text(st, 7), sizeof c->spki_sha256);
	c->not_before = (time_t)sqlite3_column_int64(st, 8);
	c->not_after = (time_t)sqlite3_column_int64(st, 9);
	c->pem = rd_strdup(rd_col_text(st, 10));
	c->chain_pem = rd_strdup(rd_col_text(st, 11));
	rd_strlcpy(c->status, rd_col_text(st, 12), sizeof c->status);
	c->revoke_reason = sqlite3_column_int(st, 13);
	c->revoked_at = (time_t)sqlite3_column_int64(st, 14);
	c->created_at = (time_t)sqlite3_column_int64(st, 15);
	if (!c->pem || !c->chain_pem) {
		rd_cert_row_free(c);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	return RD_OK;
}

rd_code rd_cert_insert(rd_db *db, const rd_cert_row *c, rd_err *e)
{
	rd_code rc = rd_db_run_unique(
		db,
		"INSERT INTO certificates(app_id, request_id, serial_hex, serial_dec, issuer, subject, "
		"spki_sha256, not_before, not_after, pem, chain_pem, status, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?)",
		RD_ARGS(rd_int(c->app_id), rd_text(c->request_id), rd_text(c->serial_hex), rd_text(c->serial_dec),
			rd_text(c->issuer), rd_text(c->subject), rd_text(c->spki_sha256), rd_int(c->not_before),
			rd_int(c->not_after), rd_text(c->pem ? c->pem : ""), rd_opt_text(c->chain_pem),
			rd_int(c->created_at)),
		e, "certificate");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "certificate",
				  _("request %s has a certificate already, or serial %s is recorded already"),
				  c->request_id, c->serial_hex);
	return rc;
}

static rd_code cert_one(rd_db *db, const char *sql, const char *id, int64_t app_id, rd_cert_row *out,
			rd_err *e)
{
	rd_code rc = rd_db_get(db, sql, id ? RD_ARGS(rd_text(id)) : RD_ARGS(rd_int(app_id)), read_cert, out, e,
			       "certificate");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "certificate", _("no certificate recorded"));
	return rc;
}

rd_code rd_cert_current_row(rd_db *db, int64_t app_id, rd_cert_row *out, rd_err *e)
{
	return cert_one(db,
			"SELECT " CERT_COLUMNS " FROM certificates WHERE app_id = ? AND status <> 'superseded' "
			"ORDER BY created_at DESC, id DESC LIMIT 1",
			NULL, app_id, out, e);
}

rd_code rd_cert_by_request(rd_db *db, const char *request_id, rd_cert_row *out, rd_err *e)
{
	return cert_one(db, "SELECT " CERT_COLUMNS " FROM certificates WHERE request_id = ?", request_id, 0, out,
			e);
}

rd_code rd_cert_set_status(rd_db *db, int64_t id, const char *status, int reason, time_t at, rd_err *e)
{
	return run_update(db,
			  "UPDATE certificates SET status = ?2, revoke_reason = CASE WHEN ?2 = 'revoked' THEN ?3 "
			  "END, revoked_at = CASE WHEN ?2 = 'revoked' THEN ?4 ELSE 0 END "
			  "WHERE id = ?1 AND status = 'valid'",
			  RD_ARGS(rd_int(id), rd_text(status), rd_int(reason), rd_int(at)), e, "certificate");
}
