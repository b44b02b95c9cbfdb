/* Internal to data/: the schema migrations embedded from data/migrations/. */
#ifndef RADESK_DATA_MIGRATIONS_H
#define RADESK_DATA_MIGRATIONS_H
struct rd_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct rd_migration rd_migrations[];
extern const unsigned rd_migrations_count;
#endif
