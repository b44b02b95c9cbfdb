/* Operators: the people who use radesk, with their role and login state. */
#include "data/internal.h"

#include <string.h>

#define OP_COLUMNS "id, name, role, pw_hash, failed_logins, locked_until, disabled, created_at, last_login_at"

static rd_code read_row(sqlite3_stmt *st, void *row, rd_err *e)
{
	rd_operator_row *op = row;
	memset(op, 0, sizeof *op);
	op->id = sqlite3_column_int64(st, 0);
	rd_strlcpy(op->name, rd_col_text(st, 1), sizeof op->name);
	rd_strlcpy(op->role, rd_col_text(st, 2), sizeof op->role);
	rd_strlcpy(op->pw_hash, rd_col_text(st, 3), sizeof op->pw_hash);
	op->failed_logins = sqlite3_column_int(st, 4);
	op->locked_until = (time_t)sqlite3_column_int64(st, 5);
	op->disabled = sqlite3_column_int(st, 6) != 0;
	op->created_at = (time_t)sqlite3_column_int64(st, 7);
	op->last_login_at = (time_t)sqlite3_column_int64(st, 8);
	return RD_OK;
}

rd_code rd_operator_insert(rd_db *db, const rd_operator_row *op, int64_t *id, rd_err *e)
{
	sqlite3_stmt *st;
	rd_code rc;
	if (rd_db_prepare(db, "INSERT INTO operators(name, role, pw_hash, created_at) VALUES (?, ?, ?, ?)", &st,
			  e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, op->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, op->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, op->pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)op->created_at);
	rc = rd_db_step_unique(db, st, e, "operator");
	if (rc == RD_E_CONFLICT)
		return rd_fail_at(e, RD_E_CONFLICT, "name", _("an operator named '%s' already exists"), op->name);
	if (rc != RD_OK)
		return rc;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return RD_OK;
}

rd_code rd_operator_get(rd_db *db, const char *name, rd_operator_row *out, rd_err *e)
{
	rd_code rc = rd_db_get_row(db, "SELECT " OP_COLUMNS " FROM operators WHERE name = ?", name, 0, read_row,
				   out, e, "operator");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "name", _("no operator named '%s'"), name);
	return rc;
}

rd_code rd_operator_update(rd_db *db, const rd_operator_row *op, rd_err *e)
{
	sqlite3_stmt *st;
	if (rd_db_prepare(db,
			  "UPDATE operators SET role = ?, pw_hash = ?, failed_logins = ?, locked_until = ?, "
			  "disabled = ?, last_login_at = ? WHERE id = ?",
			  &st, e) != RD_OK)
		return RD_E_DATA;
	sqlite3_bind_text(st, 1, op->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, op->pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, op->failed_logins);
	sqlite3_bind_int64(st, 4, (int64_t)op->locked_until);
	sqlite3_bind_int(st, 5, op->disabled);
	sqlite3_bind_int64(st, 6, (int64_t)op->last_login_at);
	sqlite3_bind_int64(st, 7, op->id);
	return rd_db_step_done(db, st, e, "operator");
}

rd_code rd_operator_each(rd_db *db, rd_operator_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	rd_operator_row op;
	int rc;
	if (rd_db_prepare(db, "SELECT " OP_COLUMNS " FROM operators ORDER BY name", &st, e) != RD_OK)
		return RD_E_DATA;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &op, NULL);
		if (fn(ud, &op))
			break;
	}
	rd_memzero(op.pw_hash, sizeof op.pw_hash);
	return rd_db_rows_end(db, st, rc, e, "operator");
}

int64_t rd_operator_count(rd_db *db)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM operators", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	rd_db_done(db, st);
	return n;
}
