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
	rd_code rc = rd_db_run_unique(db, "INSERT INTO operators(name, role, pw_hash, created_at) VALUES (?, ?, ?, ?)",
				      RD_ARGS(rd_text(op->name), rd_text(op->role), rd_text(op->pw_hash),
					      rd_int(op->created_at)),
				      e, "operator");
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
	rd_code rc = rd_db_get(db, "SELECT " OP_COLUMNS " FROM operators WHERE name = ?", RD_ARGS(rd_text(name)),
			       read_row, out, e, "operator");
	if (rc == RD_E_NOTFOUND)
		return rd_fail_at(e, RD_E_NOTFOUND, "name", _("no operator named '%s'"), name);
	return rc;
}

rd_code rd_operator_update(rd_db *db, const rd_operator_row *op, rd_err *e)
{
	return rd_db_run(db,
			 "UPDATE operators SET role = ?, pw_hash = ?, failed_logins = ?, locked_until = ?, "
			 "disabled = ?, last_login_at = ? WHERE id = ?",
			 RD_ARGS(rd_text(op->role), rd_text(op->pw_hash), rd_int(op->failed_logins),
				 rd_int(op->locked_until), rd_int(op->disabled), rd_int(op->last_login_at),
				 rd_int(op->id)),
			 e, "operator");
}

rd_code rd_operator_each(rd_db *db, rd_operator_fn fn, void *ud, rd_err *e)
{
	sqlite3_stmt *st;
	rd_operator_row op;
	int rc;
	if (rd_db_query(db, "SELECT " OP_COLUMNS " FROM operators ORDER BY name", RD_NO_ARGS, &st, e) != RD_OK)
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
	return rd_db_number(db, "SELECT count(*) FROM operators");
}
