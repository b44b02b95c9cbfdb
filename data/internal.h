/* Internal to data/: the SQLite handle and statement helpers. */
#ifndef RADESK_DATA_INTERNAL_H
#define RADESK_DATA_INTERNAL_H

#include <sqlite3.h>

#include "data/data.h"

struct rd_db {
	sqlite3 *h;
	char *path;
	bool in_tx;
};

/* RD_E_BUSY for a locked database, RD_E_DATA otherwise; names the file. */
rd_code rd_db_fail(rd_db *db, rd_err *e, const char *what);
/* Prepare or fail with the SQL error. */
rd_code rd_db_prepare(rd_db *db, const char *sql, sqlite3_stmt **st, rd_err *e);
/* Run SQL without results. */
rd_code rd_db_exec(rd_db *db, const char *sql, rd_err *e);
/* Text column as a C string ("" for NULL). */
const char *rd_col_text(sqlite3_stmt *st, int col);

#endif
