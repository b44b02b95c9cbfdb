/* workflows — the use cases.  No curses, no SQL: ui/ and cli/ call these,
 * these call forms/, data/, print/, ca/, ukey/.
 *
 * Every function takes the context, checks the operator's role here (never
 * only in the UI), runs one transaction with its audit row, and reports
 * through rd_err.  Sections per area; append new ones at the end. */
#ifndef RADESK_WORKFLOWS_H
#define RADESK_WORKFLOWS_H

#include "core/core.h"
#include "data/data.h"

typedef enum rd_role {
	RD_ROLE_NONE = 0,
	RD_ROLE_CLERK,
	RD_ROLE_REVIEWER,
	RD_ROLE_ADMIN,
	RD_ROLE_AUDITOR,
} rd_role;
const char *rd_role_name(rd_role r);           /* "clerk" ... */
const char *rd_role_label(rd_role r);          /* translated */
rd_role rd_role_parse(const char *s);          /* RD_ROLE_NONE if unknown */

typedef struct rd_session {
	int64_t operator_id;
	char name[64];
	rd_role role;
	time_t since;
} rd_session;

/* The context every workflow gets.  Owned by main (cli or ui). */
typedef struct rd_ctx {
	rd_config *cfg;
	rd_db *db;
	rd_keys keys;        /* loaded at open when the key file exists */
	bool have_keys;
	rd_clock clock;
	rd_logger log;
	rd_session who;      /* who.role == RD_ROLE_NONE: nobody logged in */
	volatile int *interrupted; /* set by SIGINT handlers; checked between steps */
} rd_ctx;

typedef struct rd_ctx_options {
	const char *config_path; /* NULL: default search */
	const char *db_path;     /* NULL: from config */
	bool create;             /* radesk init */
	rd_logger log;
} rd_ctx_options;

rd_code rd_ctx_open(rd_ctx **out, const rd_ctx_options *opt, rd_err *e);
void rd_ctx_close(rd_ctx *ctx);
time_t rd_ctx_now(const rd_ctx *ctx);
/* Audit helper for workflows: the current operator, now. */
rd_code rd_ctx_audit(rd_ctx *ctx, const char *action, const char *object, const char *details_json,
		     rd_err *e);
/* RD_E_REFUSED with a clear message unless the session holds one of the roles. */
rd_code rd_require_role(const rd_ctx *ctx, rd_err *e, int nroles, ...);

/* ---- setup and operators ---------------------------------------------------- */
/* Creates the database, key file and the first admin.  Refused when any
 * operator exists. */
rd_code rd_init(rd_ctx *ctx, const char *admin_name, const char *password, rd_err *e);
/* Checks the password (Argon2id), applies the lockout rule, records success
 * or failure in the audit trail and fills ctx->who.  RD_E_AUTH on failure
 * with a message that does not tell which part was wrong, except for
 * "locked until HH:MM". */
rd_code rd_login(rd_ctx *ctx, const char *name, const char *password, rd_err *e);
void rd_logout(rd_ctx *ctx);
/* Screen unlock: the logged-in operator's password again. */
rd_code rd_reauthenticate(rd_ctx *ctx, const char *password, rd_err *e);

rd_code rd_user_add(rd_ctx *ctx, const char *name, rd_role role, const char *password, rd_err *e);
rd_code rd_user_lock(rd_ctx *ctx, const char *name, rd_err *e);
rd_code rd_user_unlock(rd_ctx *ctx, const char *name, rd_err *e);
/* Admin resets another operator's password, or an operator changes their own. */
rd_code rd_user_passwd(rd_ctx *ctx, const char *name, const char *password, rd_err *e);
typedef struct rd_user_info {
	char name[64];
	rd_role role;
	bool locked;      /* by an admin or by failures */
	time_t locked_until;
	time_t last_login_at;
	int failed_logins;
} rd_user_info;
typedef int (*rd_user_fn)(void *ud, const rd_user_info *u);
rd_code rd_user_each(rd_ctx *ctx, rd_user_fn fn, void *ud, rd_err *e);
/* Checks a new password against the policy (length, not the user name). */
rd_code rd_password_check(const rd_ctx *ctx, const char *name, const char *password, rd_err *e);

/* ---- audit ------------------------------------------------------------------ */
rd_code rd_audit_check(rd_ctx *ctx, rd_audit_result *res, rd_err *e); /* auditor, admin */
rd_code rd_audit_read(rd_ctx *ctx, time_t since, const char *object, rd_audit_fn fn, void *ud,
		      rd_err *e);

/* ---- status bar --------------------------------------------------------------
 * Counts a screen shows for the current role; areas fill their own. */
typedef struct rd_pending {
	int drafts, to_review, to_submit, ca_queue, ca_failed, outbox_failed;
} rd_pending;
rd_code rd_pending_counts(rd_ctx *ctx, rd_pending *out, rd_err *e);

#endif
