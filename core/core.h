/* core — errors, logging, configuration, clock, i18n and small helpers that
 * every other module uses.  Nothing here knows about the database, the
 * terminal or the network. */
#ifndef RADESK_CORE_H
#define RADESK_CORE_H

#include <libintl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* gettext's own name for it, which clang-tidy counts as reserved */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _(s) gettext(s)
#define N_(s) (s)

#define RD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define RD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------
 * One enum; codes are only ever appended, never renumbered.  The human
 * detail lives in an rd_err the caller owns.  Every function that can fail
 * returns an rd_code and, when given a non-NULL rd_err, fills it. */
typedef enum rd_code {
	RD_OK = 0,
	RD_E_INVALID,  /* input failed validation                 -> exit 1 */
	RD_E_REFUSED,  /* a business rule refused the action      -> exit 1 */
	RD_E_NOTFOUND, /* the named object does not exist         -> exit 1 */
	RD_E_CONFLICT, /* changed by someone else, duplicate      -> exit 1 */
	RD_E_USAGE,    /* wrong command line                      -> exit 2 */
	RD_E_AUTH,     /* authentication failed or locked out     -> exit 3 */
	RD_E_UPSTREAM, /* CA or other remote service failed       -> exit 4 */
	RD_E_DEVICE,   /* UKEY, printer or other device failed    -> exit 4 */
	RD_E_TIMEOUT,  /* a remote or device did not answer       -> exit 4 */
	RD_E_IO,       /* file system                             -> exit 5 */
	RD_E_DATA,     /* database error or inconsistency         -> exit 5 */
	RD_E_INTERNAL, /* a bug                                   -> exit 5 */
	RD_E_NOMEM,    /* out of memory                           -> exit 5 */
	RD_E_CONFIG,   /* configuration file is wrong             -> exit 1 */
	RD_E_INTERRUPTED, /* the operator pressed Ctrl-C          -> exit 5 */
	RD_E_BUSY,     /* another writer holds the database       -> exit 5 */
} rd_code;

#define RD_ERR_MSG_MAX 1024
typedef struct rd_err {
	rd_code code;
	char field[128]; /* the field, JSON path or file:line concerned; may be "" */
	char msg[RD_ERR_MSG_MAX];  /* translated, human readable, without trailing newline */
} rd_err;

void rd_err_clear(rd_err *e);
/* Fill e (if not NULL) and return code. */
rd_code rd_fail(rd_err *e, rd_code code, const char *fmt, ...) RD_PRINTF(3, 4);
rd_code rd_fail_at(rd_err *e, rd_code code, const char *field, const char *fmt, ...)
	RD_PRINTF(4, 5);
rd_code rd_failv(rd_err *e, rd_code code, const char *field, const char *fmt, va_list ap);
#ifdef __clang_analyzer__
/* clang-tidy's analyzer reads one file at a time: tell it that these give
 * back the code they were given, so that it does not follow a failure on
 * as if it had succeeded.  Not used in builds. */
#define rd_fail(e, code, ...) ((void)rd_fail(e, code, __VA_ARGS__), (code))
#define rd_fail_at(e, code, field, ...) ((void)rd_fail_at(e, code, field, __VA_ARGS__), (code))
#endif
/* Add context in front of an existing message: "ctx: old message". */
void rd_err_prefix(rd_err *e, const char *fmt, ...) RD_PRINTF(2, 3);
/* Process exit status for a code (see docs/radesk.1, EXIT STATUS). */
int rd_exit_status(rd_code code);
const char *rd_code_name(rd_code code);
/* "field: msg" or "msg" */
const char *rd_err_text(const rd_err *e, char *buf, size_t n);
/* Append OpenSSL's error queue to e->msg and clear the queue. */
void rd_err_add_openssl(rd_err *e);

/* ---- logging -----------------------------------------------------------
 * Modules report through a logger callback so they never know whether a
 * terminal is there.  Never log secrets. */
typedef enum rd_log_level { RD_LOG_DEBUG, RD_LOG_INFO, RD_LOG_WARN, RD_LOG_ERROR } rd_log_level;
typedef struct rd_logger {
	void (*fn)(void *ud, rd_log_level level, const char *msg);
	void *ud;
	rd_log_level min;
} rd_logger;
void rd_log(const rd_logger *lg, rd_log_level level, const char *fmt, ...) RD_PRINTF(3, 4);
/* A logger that writes "radesk: <level>: msg" lines to stderr. */
rd_logger rd_logger_stderr(rd_log_level min);
/* A whole decimal number from min to max (surrounding blanks allowed);
 * false for anything else, *out untouched. */
bool rd_parse_long(const char *s, long min, long max, long *out);
/* "debug" | "info" | "warning" | "error" ([radesk] log_level), else dflt. */
rd_log_level rd_log_level_parse(const char *name, rd_log_level dflt);

/* ---- clock -------------------------------------------------------------
 * Tests fix the clock with RADESK_FIXED_TIME=YYYY-MM-DDTHH:MM:SS (UTC)
 * so screens and reports are stable. */
typedef struct rd_clock {
	time_t fixed; /* 0: real time */
	time_t offset; /* added to the fixed time by rd_clock_advance */
} rd_clock;
rd_clock rd_clock_from_env(void);
time_t rd_now(const rd_clock *c);
/* "2026-11-21T09:30:00Z" */
void rd_time_iso(time_t t, char out[32]);
/* "2026-11-21 17:30" in local time, for screens and paper */
void rd_time_local(time_t t, char out[32]);
/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[Z]" (UTC) -> time_t */
rd_code rd_time_parse(const char *s, time_t *out, rd_err *e);
/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" in local time, as screens show times
 * (rd_time_local).  RD_E_INVALID naming field otherwise. */
rd_code rd_time_parse_local(const char *s, const char *field, time_t *out, rd_err *e);

/* ---- configuration (INI, inih) -------------------------------------------
 * Known keys are data: core/config_keys.def.  Unknown sections or keys and
 * malformed values are errors naming the file, line and key. */
typedef struct rd_config rd_config;
/* path NULL: $RADESK_CONFIG, else $XDG_CONFIG_HOME/radesk/radesk.conf if it
 * exists, else built-in defaults. */
rd_code rd_config_load(rd_config **out, const char *path, rd_err *e);
rd_config *rd_config_defaults(void);
void rd_config_free(rd_config *cfg);
/* The file the values came from, or NULL for built-in defaults. */
const char *rd_config_file(const rd_config *cfg);
/* Values: the configured value, else the built-in default (may be NULL). */
const char *rd_config_str(const rd_config *cfg, const char *section, const char *key);
long rd_config_int(const rd_config *cfg, const char *section, const char *key);
bool rd_config_bool(const rd_config *cfg, const char *section, const char *key);
/* Path values are resolved against the config file's directory; data_dir
 * defaults to $XDG_DATA_HOME/radesk.  Returns a malloc'd string or NULL. */
char *rd_config_path(const rd_config *cfg, const char *section, const char *key);
/* Set a value in memory (CLI options such as --db override the file). */
rd_code rd_config_set(rd_config *cfg, const char *section, const char *key, const char *value,
		      rd_err *e);
/* Sections whose name starts with prefix (e.g. "product."), in file order.
 * Returns how many; names[i] stay valid while cfg lives. */
size_t rd_config_sections(const rd_config *cfg, const char *prefix, const char **names, size_t max);
/* Keys present in a section, in file order. */
size_t rd_config_keys(const rd_config *cfg, const char *section, const char **keys, size_t max);
/* Every known key with its effective value, in the order of
 * core/config_keys.def: for a wildcard section ("product.*") each
 * configured section of that kind, for a wildcard key ("[fees] *") each
 * configured key.  line: where in the file the value was read (0: set in
 * memory, e.g. --db); is_default: not configured, value is the built-in
 * default (may be NULL).  fn returns non-zero to stop.  The settings
 * screen's view of the configuration. */
typedef struct rd_config_item {
	const char *section, *key, *value;
	const char *type; /* "str" "path" "int" "bool" "enum" "money" */
	int line;
	bool is_default;
} rd_config_item;
typedef int (*rd_config_item_fn)(void *ud, const rd_config_item *it);
void rd_config_each(const rd_config *cfg, rd_config_item_fn fn, void *ud);
/* Parse an INI text (used by the loader and by the fuzz target). */
rd_code rd_config_parse_string(rd_config *cfg, const char *text, const char *name, rd_err *e);

/* ---- i18n ----------------------------------------------------------------
 * setlocale + bindtextdomain.  lang NULL: the environment decides;
 * "en" or "zh_CN": override. */
void rd_i18n_init(const char *lang);
/* Columns a UTF-8 string takes on a terminal (CJK counts 2). */
int rd_utf8_width(const char *s);
/* Characters (code points) in a UTF-8 string, -1 if not valid UTF-8. */
long rd_utf8_chars(const char *s);
bool rd_utf8_valid(const char *s, size_t n);
/* One UTF-8 sequence at s (at most n bytes): its length with the code point
 * in *cp, or -1 when it is not valid (overlong, surrogate, above U+10FFFF,
 * cut short). */
int rd_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* cp (at most U+10FFFF) as UTF-8 into out, without a NUL; its length. */
size_t rd_utf8_encode(uint32_t cp, char out[4]);

/* ---- strings and memory ---------------------------------------------------- */
size_t rd_strlcpy(char *dst, const char *src, size_t n);
char *rd_strdup(const char *s);                     /* NULL-safe */
char *rd_asprintf(const char *fmt, ...) RD_PRINTF(1, 2); /* NULL on ENOMEM */
char *rd_trim(char *s);                             /* in place */
bool rd_streq(const char *a, const char *b);        /* NULL-safe */
/* Wipe then free a secret. */
void rd_secret_free(char *s, size_t n);
void rd_memzero(void *p, size_t n);
/* Room for need elements of size bytes in the array p of *cap: p itself
 * when it has room, else p grown (first elements the first time, then
 * doubling) with *cap updated.  NULL when out of memory, when size is 0 or
 * when the size would overflow: p is then unchanged and still the caller's. */
void *rd_grow(void *p, size_t *cap, size_t need, size_t size, size_t first);

/* ---- files ------------------------------------------------------------------ */
/* Read a whole file (at most max bytes).  NUL-terminated; len excludes it. */
rd_code rd_file_read(const char *path, size_t max, char **data, size_t *len, rd_err *e);
/* Write to path.tmp, fsync, rename: never a half-written file. */
rd_code rd_file_write_atomic(const char *path, const void *data, size_t len, int mode, rd_err *e);
rd_code rd_mkdir_p(const char *dir, int mode, rd_err *e);
bool rd_file_exists(const char *path);

/* ---- crypto helpers (OpenSSL) ------------------------------------------------ */
void rd_hex(const unsigned char *in, size_t n, char *out /* 2n+1 */);
int rd_unhex(const char *in, unsigned char *out, size_t max); /* bytes or -1 */
void rd_sha256(const void *data, size_t n, unsigned char out[32]);
void rd_sha256_hex(const void *data, size_t n, char out[65]);
void rd_hmac_sha256(const unsigned char *key, size_t klen, const void *data, size_t n,
		    unsigned char out[32]);
rd_code rd_random(void *buf, size_t n, rd_err *e);
/* Constant-time comparison. */
bool rd_mem_eq(const void *a, const void *b, size_t n);

#endif
