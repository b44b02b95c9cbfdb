/* Opening the database: pragmas, migrations, transactions. */
#include "data/internal.h"
#include "data/migrations.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

rd_code rd_db_fail(rd_db *db, rd_err *e, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h);
	const char *msg = sqlite3_errmsg(db->h);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return rd_fail_at(e, RD_E_BUSY, db->path,
				  _("the database is locked by another radesk process; try again in a moment"));
	if ((rc & 0xff) == SQLITE_READONLY)
		return rd_fail_at(e, RD_E_IO, db->path,
				  _("the database is read-only; check the file's and its folder's permissions"));
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		return rd_fail_at(e, RD_E_DATA, db->path,
				  _("the file is not a radesk database or is damaged (%s); restore it from a backup"),
				  msg);
	if ((rc & 0xff) == SQLITE_FULL)
		return rd_fail_at(e, RD_E_IO, db->path, _("the disk is full"));
	return rd_fail_at(e, RD_E_DATA, db->path, "%s: %s", what, msg);
}

static unsigned sql_hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A statement of the same SQL that is not in use comes from the cache; a
 * new one is cached while there is room.  A statement in use (a loop whose
 * body runs the same query) gets a fresh one, finalized when done. */
rd_code rd_db_prepare(rd_db *db, const char *sql, sqlite3_stmt **st, rd_err *e)
{
	unsigned h = sql_hash(sql);
	for (int i = 0; i < db->ncache; i++) {
		struct rd_db_cached *c = &db->cache[i];
		if (c->hash == h && !c->busy && !strcmp(c->sql, sql)) {
			c->busy = true;
			*st = c->st;
			return RD_OK;
		}
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return rd_db_fail(db, e, "prepare");
	if (!*st || !sqlite3_sql(*st) || strcmp(sqlite3_sql(*st), sql) != 0)
		return RD_OK; /* empty, or more than one statement: not kept */
	int slot = db->ncache < RD_DB_STMT_CACHE ? db->ncache++ : -1;
	/* full: take the place of an idle one, round robin, so SQL built on the
	 * fly (search filters) can not keep the everyday statements out */
	for (int k = 0; slot < 0 && k < RD_DB_STMT_CACHE; k++) {
		int i = (db->evict + k) % RD_DB_STMT_CACHE;
		if (!db->cache[i].busy) {
			sqlite3_finalize(db->cache[i].st);
			slot = i;
			db->evict = (i + 1) % RD_DB_STMT_CACHE;
		}
	}
	if (slot >= 0)
		db->cache[slot] = (struct rd_db_cached){sqlite3_sql(*st), h, *st, true};
	return RD_OK;
}

void rd_db_done(rd_db *db, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < db->ncache; i++)
		if (db->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			db->cache[i].busy = false;
			return;
		}
	sqlite3_finalize(st);
}

static void drop_cache(rd_db *db)
{
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	db->ncache = 0;
}

rd_code rd_db_exec(rd_db *db, const char *sql, rd_err *e)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return rd_db_fail(db, e, "exec");
	return RD_OK;
}

int64_t rd_db_number(rd_db *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	rd_db_done(db, st);
	return n;
}

const char *rd_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

static void bind_arg(sqlite3_stmt *st, int i, const rd_arg *a)
{
	switch (a->kind) {
	case RD_ARG_OPT_TEXT:
		if (!a->text || !*a->text) {
			sqlite3_bind_null(st, i);
			break;
		}
		/* fall through */
	case RD_ARG_TEXT:
		sqlite3_bind_text(st, i, a->text, -1, SQLITE_STATIC);
		break;
	case RD_ARG_INT_OR_NULL:
		if (!a->num) {
			sqlite3_bind_null(st, i);
			break;
		}
		/* fall through */
	case RD_ARG_INT:
		sqlite3_bind_int64(st, i, a->num);
		break;
	case RD_ARG_END:
		break;
	}
}

/* A statement given more or fewer values than it has parameters is a
 * mistake in data/: refused before it can run with a value in the wrong
 * place. */
rd_code rd_db_query(rd_db *db, const char *sql, const rd_arg *args, sqlite3_stmt **st, rd_err *e)
{
	int n = 0;
	if (rd_db_prepare(db, sql, st, e) != RD_OK)
		return RD_E_DATA;
	while (args[n].kind != RD_ARG_END)
		n++;
	if (n != sqlite3_bind_parameter_count(*st)) {
		int want = sqlite3_bind_parameter_count(*st);
		rd_db_done(db, *st);
		*st = NULL;
		return rd_fail(e, RD_E_INTERNAL, _("a statement takes %d values but was given %d"), want, n);
	}
	for (int i = 0; i < n; i++)
		bind_arg(*st, i + 1, &args[i]);
	return RD_OK;
}

rd_code rd_db_step_done(rd_db *db, sqlite3_stmt *st, rd_err *e, const char *what)
{
	int rc = sqlite3_step(st);
	rd_db_done(db, st);
	return rc == SQLITE_DONE ? RD_OK : rd_db_fail(db, e, what);
}

rd_code rd_db_step_unique(rd_db *db, sqlite3_stmt *st, rd_err *e, const char *what)
{
	int rc = sqlite3_step(st);
	rd_db_done(db, st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return RD_E_CONFLICT;
	return rc == SQLITE_DONE ? RD_OK : rd_db_fail(db, e, what);
}

rd_code rd_db_step_one(rd_db *db, sqlite3_stmt *st, rd_err *e, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return RD_OK;
	if (rc == SQLITE_DONE)
		return RD_E_NOTFOUND;
	return rd_db_fail(db, e, what);
}

rd_code rd_db_rows_end(rd_db *db, sqlite3_stmt *st, int rc, rd_err *e, const char *what)
{
	rd_db_done(db, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rd_db_fail(db, e, what);
	return RD_OK;
}

static rd_code run(rd_db *db, const char *sql, const rd_arg *args, bool unique, rd_err *e, const char *what)
{
	sqlite3_stmt *st;
	rd_code rc = rd_db_query(db, sql, args, &st, e);
	if (rc != RD_OK)
		return rc;
	return unique ? rd_db_step_unique(db, st, e, what) : rd_db_step_done(db, st, e, what);
}

rd_code rd_db_run(rd_db *db, const char *sql, const rd_arg *args, rd_err *e, const char *what)
{
	return run(db, sql, args, false, e, what);
}

rd_code rd_db_run_unique(rd_db *db, const char *sql, const rd_arg *args, rd_err *e, const char *what)
{
	return run(db, sql, args, true, e, what);
}

rd_code rd_db_read_one(rd_db *db, sqlite3_stmt *st, rd_row_reader read, void *row, rd_err *e,
		       const char *what)
{
	rd_code rc = rd_db_step_one(db, st, e, what);
	if (rc == RD_OK)
		rc = read(st, row, e);
	rd_db_done(db, st);
	return rc;
}

rd_code rd_read_int64(sqlite3_stmt *st, void *row, rd_err *e)
{
	*(int64_t *)row = sqlite3_column_int64(st, 0);
	return RD_OK;
}

rd_code rd_db_returning_int64(rd_db *db, const char *sql, const rd_arg *args, int64_t *out, rd_err *e,
			      const char *what)
{
	sqlite3_stmt *st;
	rd_code rc = rd_db_query(db, sql, args, &st, e);
	if (rc != RD_OK)
		return rc;
	rc = rd_db_step_one(db, st, e, what);
	if (rc == RD_OK) {
		*out = sqlite3_column_int64(st, 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = rd_db_fail(db, e, what);
	}
	rd_db_done(db, st);
	return rc;
}

rd_code rd_db_get(rd_db *db, const char *sql, const rd_arg *args, rd_row_reader read, void *row, rd_err *e,
		  const char *what)
{
	sqlite3_stmt *st;
	rd_code rc = rd_db_query(db, sql, args, &st, e);
	if (rc != RD_OK)
		return rc;
	return rd_db_read_one(db, st, read, row, e, what);
}

int rd_db_known_version(void)
{
	int v = 0;
	for (unsigned i = 0; i < rd_migrations_count; i++)
		if (rd_migrations[i].version > v)
			v = rd_migrations[i].version;
	return v;
}

static bool migration_applied(rd_db *db, int version)
{
	sqlite3_stmt *st;
	bool found = false;
	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_int(st, 1, version);
	found = sqlite3_step(st) == SQLITE_ROW;
	rd_db_done(db, st);
	return found;
}

int rd_db_schema_version(rd_db *db)
{
	return (int)rd_db_number(db, "SELECT max(version) FROM schema_migrations");
}

/* Each pending migration in its own transaction with the row recording it;
 * the set is forward-only, so a database with a version this binary does
 * not know was written by a newer radesk. */
static rd_code migrate(rd_db *db, bool readonly, rd_err *e)
{
	rd_code rc;
	int have = rd_db_schema_version(db), known = rd_db_known_version();
	if (have > known)
		return rd_fail_at(e, RD_E_DATA, db->path,
				  _("the database has schema version %d but this radesk knows only up to %d; "
				    "use a newer radesk"),
				  have, known);
	if (readonly)
		return RD_OK;
	for (unsigned i = 0; i < rd_migrations_count; i++) {
		const struct rd_migration *m = &rd_migrations[i];
		char rec[256];
		if (migration_applied(db, m->version))
			continue;
		if ((rc = rd_db_begin(db, e)) != RD_OK)
			return rc;
		if (migration_applied(db, m->version)) { /* another process was first */
			rd_db_rollback(db);
			continue;
		}
		snprintf(rec, sizeof rec,
			 "INSERT INTO schema_migrations(version, name, applied_at) VALUES (%d, '%s', %lld)",
			 m->version, m->name, (long long)time(NULL));
		if (sqlite3_exec(db->h, m->sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db->h, rec, NULL, NULL, NULL) != SQLITE_OK) {
			rd_db_fail(db, e, "migration");
			rd_err_prefix(e, _("schema migration %04d %s"), m->version, m->name);
			rd_db_rollback(db);
			return e ? e->code : RD_E_DATA;
		}
		if ((rc = rd_db_commit(db, e)) != RD_OK)
			return rc;
	}
	return RD_OK;
}

static rd_code check_location(const char *path, bool create, rd_err *e)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return rd_fail_at(e, RD_E_IO, path, _("not a regular file"));
		if (access(path, R_OK) != 0)
			return rd_fail_at(e, RD_E_IO, path, _("cannot read the database: %s"), strerror(errno));
		return RD_OK;
	}
	if (!create)
		return rd_fail_at(e, RD_E_NOTFOUND, path,
				  _("no database here; create one with 'radesk init --admin NAME' or give --db"));
	{
		char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
		rd_code rc = RD_OK;
		if (slash && slash != dir) {
			*slash = '\0';
			rc = rd_mkdir_p(dir, 0700, e);
			if (rc == RD_OK && access(dir, W_OK) != 0)
				rc = rd_fail_at(e, RD_E_IO, dir, _("cannot create the database here: %s"),
						strerror(errno));
		}
		free(dir);
		return rc;
	}
}

static rd_code apply_pragmas(rd_db *db, const rd_db_options *opt, rd_err *e)
{
	char sql[128];
	int timeout = opt && opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
	sqlite3_busy_timeout(db->h, timeout);
	/* temp_store: statement journals (what undoes one savepoint) stay in
	 * memory instead of a temporary file written page by page; a group of
	 * CA answers, each in a savepoint, wrote more there than to the WAL. */
	snprintf(sql, sizeof sql, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;");
	if (rd_db_exec(db, sql, e) != RD_OK)
		return e ? e->code : RD_E_DATA;
	if (!(opt && opt->readonly)) {
		sqlite3_stmt *st;
		if (rd_db_prepare(db, "PRAGMA journal_mode = WAL", &st, e) != RD_OK)
			return e ? e->code : RD_E_DATA;
		int rc = sqlite3_step(st);
		rd_db_done(db, st);
		if (rc != SQLITE_ROW)
			return rd_db_fail(db, e, "journal_mode");
	}
	return rd_db_exec(db,
			  "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
			  "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
			  e);
}

rd_code rd_db_open(rd_db **out, const char *path, const rd_db_options *opt, rd_err *e)
{
	rd_db *db;
	rd_code rc;
	int flags = (opt && opt->readonly) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	*out = NULL;
	if ((rc = check_location(path, opt && opt->create, e)) != RD_OK)
		return rc;
	if (opt && opt->create)
		flags |= SQLITE_OPEN_CREATE;
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	if (sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = db->h ? rd_db_fail(db, e, "open") : rd_fail_at(e, RD_E_NOMEM, path, _("out of memory"));
		rd_db_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db->h, 1);
	if (opt && opt->create)
		chmod(path, 0600); /* personal data, even when encrypted, is the RA's only */
	if ((rc = apply_pragmas(db, opt, e)) != RD_OK || (rc = migrate(db, opt && opt->readonly, e)) != RD_OK) {
		rd_db_close(db);
		return rc;
	}
	*out = db;
	return RD_OK;
}

void rd_db_close(rd_db *db)
{
	if (!db)
		return;
	if (db->in_tx)
		rd_db_rollback(db);
	drop_cache(db);
	sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

const char *rd_db_path(const rd_db *db)
{
	return db->path;
}

/* BEGIN / COMMIT / ROLLBACK through the statement cache: a batch runs
 * thousands of transactions, and sqlite3_exec parses the SQL every time. */
static int run_cached(rd_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (rd_db_prepare(db, sql, &st, NULL) != RD_OK)
		return sqlite3_errcode(db->h);
	int rc = sqlite3_step(st);
	rd_db_done(db, st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

rd_code rd_db_begin(rd_db *db, rd_err *e)
{
	if (db->in_tx)
		return rd_fail(e, RD_E_INTERNAL, _("a transaction is already open"));
	if (run_cached(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return rd_db_fail(db, e, "begin");
	db->in_tx = true;
	return RD_OK;
}

rd_code rd_db_commit(rd_db *db, rd_err *e)
{
	if (run_cached(db, "COMMIT") != SQLITE_OK) {
		rd_code rc = rd_db_fail(db, e, "commit");
		rd_db_rollback(db);
		return rc;
	}
	db->in_tx = false;
	return RD_OK;
}

void rd_db_rollback(rd_db *db)
{
	if (sqlite3_get_autocommit(db->h) == 0)
		run_cached(db, "ROLLBACK");
	db->in_tx = false;
}

rd_code rd_db_savepoint(rd_db *db, rd_err *e)
{
	if (!db->in_tx)
		return rd_fail(e, RD_E_INTERNAL, _("a savepoint needs an open transaction"));
	if (run_cached(db, "SAVEPOINT rd_step") != SQLITE_OK)
		return rd_db_fail(db, e, "savepoint");
	return RD_OK;
}

rd_code rd_db_release(rd_db *db, rd_err *e)
{
	if (run_cached(db, "RELEASE rd_step") != SQLITE_OK)
		return rd_db_fail(db, e, "release");
	return RD_OK;
}

/* ROLLBACK TO keeps the savepoint open; RELEASE then drops it. */
void rd_db_rollback_step(rd_db *db)
{
	if (run_cached(db, "ROLLBACK TO rd_step") == SQLITE_OK)
		run_cached(db, "RELEASE rd_step");
}
