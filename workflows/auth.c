/* Operators: first setup, login with lockout, password policy, admin
 * actions.  Passwords are hashed with Argon2id and a per-user salt; they
 * never reach the audit trail or a log. */
#include "workflows/internal.h"

#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
#define ARGON_T 2
#define ARGON_M 19456
#define ARGON_P 1
#define SALT_LEN 16
#define HASH_LEN 32

static rd_code hash_password(const char *pw, char out[256], rd_err *e)
{
	unsigned char salt[SALT_LEN];
	if (rd_random(salt, sizeof salt, e) != RD_OK)
		return RD_E_INTERNAL;
	int rc = argon2id_hash_encoded(ARGON_T, ARGON_M, ARGON_P, pw, strlen(pw), salt, sizeof salt, HASH_LEN, out,
				       256);
	if (rc != ARGON2_OK)
		return rd_fail(e, RD_E_INTERNAL, _("password hashing failed: %s"), argon2_error_message(rc));
	return RD_OK;
}

static bool password_matches(const char *encoded, const char *pw)
{
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

rd_code rd_password_check(const rd_ctx *ctx, const char *name, const char *password, rd_err *e)
{
	(void)name;
	long min = rd_config_int(ctx->cfg, "security", "password_min_length");
	long len = password ? rd_utf8_chars(password) : 0;
	if (len < 0)
		return rd_fail_at(e, RD_E_INVALID, "password", _("the password is not valid UTF-8"));
	if (len < min)
		return rd_fail_at(e, RD_E_INVALID, "password", _("the password must have at least %ld characters"), min);
	if (len > 128)
		return rd_fail_at(e, RD_E_INVALID, "password", _("the password may have at most 128 characters"));
	return RD_OK;
}

static rd_code check_name(const char *name, rd_err *e)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 2 || n > 32)
		return rd_fail_at(e, RD_E_INVALID, "name", _("an operator name has 2 to 32 characters"));
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return rd_fail_at(e, RD_E_INVALID, "name",
					  _("an operator name uses only letters, digits, '.', '_' and '-'"));
	}
	return RD_OK;
}

static rd_code add_operator(rd_ctx *ctx, const char *name, rd_role role, const char *password, rd_err *e)
{
	rd_operator_row op;
	char *details;
	rd_code rc;
	memset(&op, 0, sizeof op);
	if ((rc = check_name(name, e)) != RD_OK || (rc = rd_password_check(ctx, name, password, e)) != RD_OK)
		return rc;
	if (role == RD_ROLE_NONE)
		return rd_fail_at(e, RD_E_INVALID, "role", _("the role is one of clerk, reviewer, admin, auditor"));
	rd_strlcpy(op.name, name, sizeof op.name);
	rd_strlcpy(op.role, rd_role_name(role), sizeof op.role);
	op.created_at = rd_ctx_now(ctx);
	if ((rc = hash_password(password, op.pw_hash, e)) != RD_OK)
		return rc;
	if ((rc = rd_operator_insert(ctx->db, &op, NULL, e)) != RD_OK)
		return rc;
	details = rd_details("role", rd_role_name(role), (const char *)NULL);
	rc = rd_ctx_audit(ctx, "operator.add", name, details, e);
	free(details);
	return rc;
}

rd_code rd_init(rd_ctx *ctx, const char *admin_name, const char *password, rd_err *e)
{
	rd_code rc = rd_db_begin(ctx->db, e);
	if (rc != RD_OK)
		return rc;
	if (rd_operator_count(ctx->db) > 0) {
		rd_db_rollback(ctx->db);
		return rd_fail_at(e, RD_E_REFUSED, rd_db_path(ctx->db),
				  _("this database is already set up; operators are added with 'radesk user add'"));
	}
	rc = rd_audit_append(ctx->db, rd_ctx_now(ctx), admin_name, "system.init", rd_db_path(ctx->db), NULL, e);
	if (rc == RD_OK)
		rc = add_operator(ctx, admin_name, RD_ROLE_ADMIN, password, e);
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

/* One audit row in its own transaction, for events that change nothing
 * else (a failed login). */
static void audit_alone(rd_ctx *ctx, const char *who, const char *action, const char *object, const char *details)
{
	if (rd_db_begin(ctx->db, NULL) != RD_OK)
		return;
	if (rd_audit_append(ctx->db, rd_ctx_now(ctx), who, action, object, details, NULL) != RD_OK) {
		rd_db_rollback(ctx->db);
		return;
	}
	rd_db_commit(ctx->db, NULL);
}

static rd_code refuse_locked(rd_ctx *ctx, const rd_operator_row *op, rd_err *e)
{
	char when[32];
	if (op->disabled) {
		audit_alone(ctx, op->name, "operator.login_refused", op->name, "{\"why\":\"locked by admin\"}");
		return rd_fail(e, RD_E_AUTH, _("this operator is locked; ask an admin to unlock it"));
	}
	rd_time_local(op->locked_until, when);
	audit_alone(ctx, op->name, "operator.login_refused", op->name, "{\"why\":\"too many failures\"}");
	return rd_fail(e, RD_E_AUTH, _("too many failed logins; locked until %s"), when + 11);
}

static rd_code record_failure(rd_ctx *ctx, rd_operator_row *op, rd_err *e)
{
	long max = rd_config_int(ctx->cfg, "security", "lockout_failures");
	long minutes = rd_config_int(ctx->cfg, "security", "lockout_minutes");
	bool locks;
	char count[16];
	if (rd_db_begin(ctx->db, e) != RD_OK)
		return RD_E_AUTH;
	op->failed_logins++;
	locks = op->failed_logins >= max;
	if (locks) {
		op->locked_until = rd_ctx_now(ctx) + minutes * 60;
		op->failed_logins = 0;
	}
	snprintf(count, sizeof count, "%d", locks ? (int)max : op->failed_logins);
	char *details = rd_details("failures", count, "locked", locks ? "yes" : "no", (const char *)NULL);
	if (rd_operator_update(ctx->db, op, NULL) != RD_OK ||
	    rd_audit_append(ctx->db, rd_ctx_now(ctx), op->name, "operator.login_failed", op->name, details, NULL) !=
		    RD_OK) {
		free(details);
		rd_db_rollback(ctx->db);
		return rd_fail(e, RD_E_AUTH, _("wrong user name or password"));
	}
	free(details);
	rd_db_commit(ctx->db, NULL);
	if (locks) {
		char when[32];
		rd_time_local(op->locked_until, when);
		return rd_fail(e, RD_E_AUTH, _("wrong user name or password; too many failures, locked until %s"),
			       when + 11);
	}
	return rd_fail(e, RD_E_AUTH, _("wrong user name or password"));
}

rd_code rd_login(rd_ctx *ctx, const char *name, const char *password, rd_err *e)
{
	rd_operator_row op;
	rd_err local;
	memset(&ctx->who, 0, sizeof ctx->who);
	if (!name || !*name || !password)
		return rd_fail(e, RD_E_AUTH, _("wrong user name or password"));
	if (rd_operator_get(ctx->db, name, &op, &local) != RD_OK) {
		if (local.code != RD_E_NOTFOUND) {
			if (e)
				*e = local;
			return local.code;
		}
		audit_alone(ctx, "-", "operator.login_failed", "-", "{\"why\":\"unknown operator\"}");
		return rd_fail(e, RD_E_AUTH, _("wrong user name or password"));
	}
	if (op.disabled || op.locked_until > rd_ctx_now(ctx))
		return refuse_locked(ctx, &op, e);
	if (!password_matches(op.pw_hash, password))
		return record_failure(ctx, &op, e);
	op.failed_logins = 0;
	op.locked_until = 0;
	op.last_login_at = rd_ctx_now(ctx);
	ctx->who.operator_id = op.id;
	rd_strlcpy(ctx->who.name, op.name, sizeof ctx->who.name);
	ctx->who.role = rd_role_parse(op.role);
	ctx->who.since = rd_ctx_now(ctx);
	if (rd_db_begin(ctx->db, e) != RD_OK || rd_operator_update(ctx->db, &op, e) != RD_OK ||
	    rd_ctx_audit(ctx, "operator.login", op.name, NULL, e) != RD_OK || rd_db_commit(ctx->db, e) != RD_OK) {
		rd_db_rollback(ctx->db);
		memset(&ctx->who, 0, sizeof ctx->who);
		return e ? e->code : RD_E_DATA;
	}
	return RD_OK;
}

void rd_logout(rd_ctx *ctx)
{
	if (ctx->who.role != RD_ROLE_NONE)
		audit_alone(ctx, ctx->who.name, "operator.logout", ctx->who.name, NULL);
	memset(&ctx->who, 0, sizeof ctx->who);
}

rd_code rd_reauthenticate(rd_ctx *ctx, const char *password, rd_err *e)
{
	rd_session keep = ctx->who;
	rd_code rc;
	if (keep.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	rc = rd_login(ctx, keep.name, password, e);
	if (rc != RD_OK) /* the screen stays locked for the same operator */
		ctx->who = keep;
	return rc;
}

rd_code rd_user_add(rd_ctx *ctx, const char *name, rd_role role, const char *password, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	if ((rc = rd_db_begin(ctx->db, e)) != RD_OK)
		return rc;
	if ((rc = add_operator(ctx, name, role, password, e)) != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

/* Load, change, save and audit one operator in one transaction. */
static rd_code change_operator(rd_ctx *ctx, const char *name, const char *action,
			       void (*change)(rd_operator_row *op, const void *arg), const void *arg, rd_err *e)
{
	rd_operator_row op;
	rd_code rc = rd_db_begin(ctx->db, e);
	if (rc != RD_OK)
		return rc;
	if ((rc = rd_operator_get(ctx->db, name, &op, e)) == RD_OK) {
		change(&op, arg);
		rc = rd_operator_update(ctx->db, &op, e);
	}
	if (rc == RD_OK)
		rc = rd_ctx_audit(ctx, action, op.name, NULL, e);
	rd_memzero(op.pw_hash, sizeof op.pw_hash);
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

static void set_locked(rd_operator_row *op, const void *arg)
{
	op->disabled = true;
	(void)arg;
}

static void set_unlocked(rd_operator_row *op, const void *arg)
{
	op->disabled = false;
	op->failed_logins = 0;
	op->locked_until = 0;
	(void)arg;
}

static void set_hash(rd_operator_row *op, const void *arg)
{
	rd_strlcpy(op->pw_hash, arg, sizeof op->pw_hash);
	op->failed_logins = 0;
	op->locked_until = 0;
}

rd_code rd_user_lock(rd_ctx *ctx, const char *name, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	if (strcasecmp(name, ctx->who.name) == 0)
		return rd_fail_at(e, RD_E_REFUSED, "name", _("an admin cannot lock their own operator"));
	return change_operator(ctx, name, "operator.lock", set_locked, NULL, e);
}

rd_code rd_user_unlock(rd_ctx *ctx, const char *name, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	return change_operator(ctx, name, "operator.unlock", set_unlocked, NULL, e);
}

rd_code rd_user_passwd(rd_ctx *ctx, const char *name, const char *password, rd_err *e)
{
	char hash[256];
	rd_code rc;
	bool self = ctx->who.role != RD_ROLE_NONE && strcasecmp(name, ctx->who.name) == 0;
	if (!self && (rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if (self && ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	if ((rc = rd_password_check(ctx, name, password, e)) != RD_OK)
		return rc;
	if ((rc = hash_password(password, hash, e)) != RD_OK)
		return rc;
	rc = change_operator(ctx, name, self ? "operator.passwd_own" : "operator.passwd_reset", set_hash, hash, e);
	rd_memzero(hash, sizeof hash);
	return rc;
}

struct each_user {
	rd_user_fn fn;
	void *ud;
	time_t now;
};

static int each_user(void *ud, const rd_operator_row *op)
{
	struct each_user *eu = ud;
	rd_user_info u;
	memset(&u, 0, sizeof u);
	rd_strlcpy(u.name, op->name, sizeof u.name);
	u.role = rd_role_parse(op->role);
	u.locked = op->disabled || op->locked_until > eu->now;
	u.locked_until = op->locked_until > eu->now ? op->locked_until : 0;
	u.last_login_at = op->last_login_at;
	u.failed_logins = op->failed_logins;
	return eu->fn(eu->ud, &u);
}

rd_code rd_user_each(rd_ctx *ctx, rd_user_fn fn, void *ud, rd_err *e)
{
	struct each_user eu = {fn, ud, rd_ctx_now(ctx)};
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_ADMIN, RD_ROLE_AUDITOR);
	if (rc != RD_OK)
		return rc;
	return rd_operator_each(ctx->db, each_user, &eu, e);
}

rd_code rd_audit_check(rd_ctx *ctx, rd_audit_result *res, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_AUDITOR, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	return rd_audit_verify(ctx->db, res, e);
}

rd_code rd_audit_read(rd_ctx *ctx, time_t since, const char *object, rd_audit_fn fn, void *ud, rd_err *e)
{
	rd_code rc = rd_require_role(ctx, e, 2, RD_ROLE_AUDITOR, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	return rd_audit_each(ctx->db, since, object, fn, ud, e);
}

rd_code rd_pending_counts(rd_ctx *ctx, rd_pending *out, rd_err *e)
{
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = rd_desk_pending(ctx, out, e)) != RD_OK || (rc = rd_ca_pending(ctx, out, e)) != RD_OK)
		return rc;
	return rd_life_pending(ctx, out, e);
}
