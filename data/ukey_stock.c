/* UKEY stock: the tokens the service point owns, their state and the
 * application each is bound to (migration 0006). */
#include "data/internal.h"

#include <string.h>

#define STOCK_COLUMNS                                                                                        \
	"u.id, u.serial, u.model, u.label, u.state, coalesce(u.app_id, 0), coalesce(a.no, ''), u.step, "     \
	"u.key_id, u.cert_serial, u.reason, u.added_by, u.updated_by, u.added_at, u.updated_at, u.issued_at"
#define STOCK_SELECT "SELECT " STOCK_COLUMNS " FROM ukeys u LEFT JOIN applications a ON a.id = u.app_id "

static rd_code read_row(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_stock_row *r = row;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	rd_strlcpy(r->serial, rd_col_text(st, 1), sizeof r->serial);
	rd_strlcpy(r->model, rd_col_text(st, 2), sizeof r->model);
	rd_strlcpy(r->label, rd_col_text(st, 3), sizeof r->label);
	rd_strlcpy(r->state, rd_col_text(st, 4), sizeof r->state);
	r->app_id = sqlite3_column_int64(st, 5);
	rd_strlcpy(r->app_no, rd_col_text(st, 6), sizeof r->app_no);
	rd_strlcpy(r->step, rd_col_text(st, 7), sizeof r->step);
	rd_strlcpy(r->key_id, rd_col_text(st, 8), sizeof r->key_id);
	rd_strlcpy(r->cert_serial, rd_col_text(st, 9), sizeof r->cert_serial);
	rd_strlcpy(r->reason, rd_col_text(st, 10), sizeof r->reason);
	rd_strlcpy(r->added_by, rd_col_text(st, 11), sizeof r->added_by);
	rd_strlcpy(r->updated_by, rd_col_text(st, 12), sizeof r->updated_by);
	r->added_at = (time_t)sqlite3_column_int64(st, 13);
	r->updated_at = (time_t)sqlite3_column_int64(st, 14);
	r->issued_at = (time_t)sqlite3_column_int64(st, 15);
	return RD_OK;
}

rd_code rd_stock_insert(rd_db *db, const rd_stock_row *r, int64_t *id, rd_err *e)
{
	rd_code rc = rd_db_run_unique(db,
				      "INSERT INTO ukeys(serial, model, label, state, added_by, added_at, updated_by, "
				      "updated_at) VALUES (?1, ?2, ?3, 'in_stock', ?4, ?5, ?4, ?5)",
				      RD_ARGS(rd_text(r->serial), rd_text(r->model), rd_text(r->label),
					      rd_text(r->added_by), rd_int(r->added_at)),
				      e, "ukeys");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "serial", _("UKEY %s is in stock already"), r->serial);
	if (rc != RD_OK)
		return rc;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return RD_OK;
}

rd_code rd_stock_get(rd_db *db, const char *serial, rd_stock_row *out, rd_err *e)
{
	rd_code rc = rd_db_get(db, STOCK_SELECT "WHERE u.serial = ?", RD_ARGS(rd_text(serial ? serial : "")), read_row,
			       out, e, "ukeys");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "serial", _("UKEY %s is not in stock"), serial ? serial : "");
	return rc;
}

rd_code rd_stock_by_app(rd_db *db, int64_t app_id, rd_stock_row *out, rd_err *e)
{
	rd_code rc = rd_db_get(db,
			       STOCK_SELECT "WHERE u.app_id = ? ORDER BY "
			       "u.state IN ('in_stock', 'awaiting_certificate', 'issued') DESC, u.updated_at DESC, "
			       "u.id DESC LIMIT 1",
			       RD_ARGS(rd_int(app_id)), read_row, out, e, "ukeys");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "ukey", _("no UKEY is bound to this application"));
	return rc;
}

rd_code rd_stock_update(rd_db *db, const rd_stock_row *r, rd_err *e)
{
	rd_code rc = rd_db_run_unique(
		db,
		"UPDATE ukeys SET state = ?1, app_id = ?2, step = ?3, key_id = ?4, cert_serial = ?5, "
		"reason = ?6, model = ?7, label = ?8, updated_by = ?9, updated_at = ?10, issued_at = ?11 "
		"WHERE id = ?12",
		RD_ARGS(rd_text(r->state), rd_int_or_null(r->app_id), rd_text(r->step), rd_text(r->key_id),
			rd_text(r->cert_serial), rd_text(r->reason), rd_text(r->model), rd_text(r->label),
			rd_text(r->updated_by), rd_int(r->updated_at), rd_int(r->issued_at), rd_int(r->id)),
		e, "ukeys");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "ukey",
				  _("the application already holds another UKEY; reset or mark that one first"));
	if (rc != RD_OK)
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return rd_fail_at(e, RD_E_NOTFOUND, "serial", _("UKEY %s is not in stock"), r->serial);
	return RD_OK;
}

rd_code rd_stock_each(rd_db *db, const char *state, rd_stock_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	rd_stock_row r;
	int rc;
	if (rd_db_query(db, STOCK_SELECT "WHERE (?1 IS NULL OR u.state = ?1) ORDER BY u.serial",
			RD_ARGS(rd_text(state)), &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &r, NULL);
		if (fn(ud, &r) != 0)
			break;
	}
	return rd_db_rows_end(db, st, rc, e, "ukeys");
}

rd_code rd_stock_counts(rd_db *db, rd_stock_count_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (rd_db_query(db, "SELECT model, state, count(*) FROM ukeys GROUP BY model, state ORDER BY model, state",
			RD_NO_ARGS, &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ud, rd_col_text(st, 0), rd_col_text(st, 1), sqlite3_column_int64(st, 2)) != 0)
			break;
	return rd_db_rows_end(db, st, rc, e, "ukeys");
}
