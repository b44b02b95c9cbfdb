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
/* The number sql (no parameters) gives in its first column; 0 when it
 * gives no row or fails.  Not cached: for counts shown now and then. */
int64_t rd_db_number(rd_db *db, const char *sql);
/* Text column as a C string ("" for NULL). */
const char *rd_col_text(sqlite3_stmt *st, int col);

/* A statement parameter, bound in order to ?1, ?2 ... by rd_db_query and
 * the helpers after it.  Made by rd_text, rd_opt_text, rd_null, rd_int and
 * rd_int_or_null, listed with RD_ARGS (RD_NO_ARGS for none); the compiler
 * checks each value's type against its maker.  Text is not copied (no
 * stray copies of secrets in SQLite's heap): it must live until the
 * statement has been stepped. */
typedef struct rd_arg {
	enum rd_arg_kind { RD_ARG_END, RD_ARG_TEXT, RD_ARG_OPT_TEXT, RD_ARG_INT, RD_ARG_INT_OR_NULL } kind;
	const char *text;
	int64_t num;
} rd_arg;

static inline rd_arg rd_text(const char *s) /* NULL binds NULL */
{
	return (rd_arg){RD_ARG_TEXT, s, 0};
}

static inline rd_arg rd_opt_text(const char *s) /* NULL and "" bind NULL */
{
	return (rd_arg){RD_ARG_OPT_TEXT, s, 0};
}

static inline rd_arg rd_null(void)
{
	return rd_text(NULL);
}

static inline rd_arg rd_int(int64_t n)
{
	return (rd_arg){RD_ARG_INT, NULL, n};
}

static inline rd_arg rd_int_or_null(int64_t n) /* 0 binds NULL */
{
	return (rd_arg){RD_ARG_INT_OR_NULL, NULL, n};
}

#define RD_ARGS(...) ((const rd_arg[]){__VA_ARGS__, {RD_ARG_END, NULL, 0}})
#define RD_NO_ARGS ((const rd_arg[]){{RD_ARG_END, NULL, 0}})

/* Prepares sql (rd_db_prepare) and binds args; RD_E_DATA when it can not
 * be prepared.  Give st back with rd_db_done. */
rd_code rd_db_query(rd_db *db, const char *sql, const rd_arg *args, sqlite3_stmt **st, rd_err *e);

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

/* rd_db_query, then rd_db_step_done or rd_db_step_unique. */
rd_code rd_db_run(rd_db *db, const char *sql, const rd_arg *args, rd_err *e, const char *what);
rd_code rd_db_run_unique(rd_db *db, const char *sql, const rd_arg *args, rd_err *e, const char *what);

/* Reads the current row of st into row (the table's own struct). */
typedef rd_code (*rd_row_reader)(sqlite3_stmt *st, void *row, rd_err *e);
/* rd_db_step_one, then read into row; gives st back.  RD_E_NOTFOUND (e
 * left to the caller) when there is no row. */
rd_code rd_db_read_one(rd_db *db, sqlite3_stmt *st, rd_row_reader read, void *row, rd_err *e,
		       const char *what);
/* A reader of one number: column 0 into the int64_t at row. */
rd_code rd_read_int64(sqlite3_stmt *st, void *row, rd_err *e);
/* A write whose RETURNING gives one number: RD_OK with it in *out,
 * RD_E_NOTFOUND (e left to the caller) when it changed no row. */
rd_code rd_db_returning_int64(rd_db *db, const char *sql, const rd_arg *args, int64_t *out, rd_err *e,
			      const char *what);
/* rd_db_query, then rd_db_read_one. */
rd_code rd_db_get(rd_db *db, const char *sql, const rd_arg *args, rd_row_reader read, void *row, rd_err *e,
		  const char *what);

#endif
