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

#endif
