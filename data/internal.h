/* Internal to data/: the SQLite handle and statement helpers. */
#ifndef RADESK_DATA_INTERNAL_H
#define RADESK_DATA_INTERNAL_H

#include <sqlite3.h>

#include "data/data.h"

/* Prepared statements kept for reuse: preparing costs more than running
 * most of radesk's statements (a CA answer recorded: about 15 of them). */
#define RD_DB_STMT_CACHE 96
struct rd_db_cached {
	const char *sql;             /* sqlite3_sql(st): lives as long as st */
	unsigned hash;
	sqlite3_stmt *st;
	bool busy;                   /* handed out and not yet given back */
};

struct rd_db {
	sqlite3 *h;
	char *path;
	bool in_tx;
	struct rd_db_cached cache[RD_DB_STMT_CACHE];
	int ncache;
	int evict;                   /* where a full cache makes room next */
};

/* RD_E_BUSY for a locked database, RD_E_DATA otherwise; names the file. */
rd_code rd_db_fail(rd_db *db, rd_err *e, const char *what);
/* Prepare or fail with the SQL error.  The statement may come from the
 * connection's cache: give it back with rd_db_done, never sqlite3_finalize. */
rd_code rd_db_prepare(rd_db *db, const char *sql, sqlite3_stmt **st, rd_err *e);
/* Done with a statement of rd_db_prepare: reset and kept for the next
 * prepare of the same SQL, or finalized if it is not cached.  NULL is fine. */
void rd_db_done(rd_db *db, sqlite3_stmt *st);
/* Run SQL without results. */
rd_code rd_db_exec(rd_db *db, const char *sql, rd_err *e);
/* Text column as a C string ("" for NULL). */
const char *rd_col_text(sqlite3_stmt *st, int col);

/* Binds s as text (copied), or NULL when s is NULL or empty. */
void rd_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* The one parameter of a lookup by either key: key as text when it is not
 * NULL, else the number id. */
void rd_bind_key(sqlite3_stmt *st, int i, const char *key, int64_t id);

/* Steps a statement that gives no rows and gives it back: RD_OK, or the
 * database error (rd_db_fail with what). */
rd_code rd_db_step_done(rd_db *db, sqlite3_stmt *st, rd_err *e, const char *what);
/* The same for a write a constraint (UNIQUE, CHECK, foreign key) may
 * refuse: then RD_E_CONFLICT, with e left to the caller to say which. */
rd_code rd_db_step_unique(rd_db *db, sqlite3_stmt *st, rd_err *e, const char *what);
/* Steps a statement expected to give at most one row: RD_OK with the row
 * ready to read, RD_E_NOTFOUND (e left to the caller) or the database
 * error.  st stays the caller's to give back. */
rd_code rd_db_step_one(rd_db *db, sqlite3_stmt *st, rd_err *e, const char *what);
/* After a loop of sqlite3_step that ended with rc (a row when the caller
 * stopped early): gives st back; RD_OK, or the database error. */
rd_code rd_db_rows_end(rd_db *db, sqlite3_stmt *st, int rc, rd_err *e, const char *what);

/* Reads the current row of st into row (the table's own struct). */
typedef rd_code (*rd_row_reader)(sqlite3_stmt *st, void *row, rd_err *e);
/* rd_db_step_one, then read into row; gives st back.  RD_E_NOTFOUND (e
 * left to the caller) when there is no row. */
rd_code rd_db_read_one(rd_db *db, sqlite3_stmt *st, rd_row_reader read, void *row, rd_err *e,
		       const char *what);
/* The one row of sql, whose one parameter is bound by rd_bind_key. */
rd_code rd_db_get_row(rd_db *db, const char *sql, const char *key, int64_t id, rd_row_reader read,
		      void *row, rd_err *e, const char *what);

#endif
