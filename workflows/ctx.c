/* The workflow context: configuration, database, keys, clock, logger. */
#include "workflows/workflows.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *const role_names[] = {"none", "clerk", "reviewer", "admin", "auditor"};

const char *rd_role_name(rd_role r)
{
	return (size_t)r < RD_ARRAY_LEN(role_names) ? role_names[r] : "none";
}

const char *rd_role_label(rd_role r)
{
	switch (r) {
	case RD_ROLE_CLERK:
		return _("clerk");
	case RD_ROLE_REVIEWER:
		return _("reviewer");
	case RD_ROLE_ADMIN:
		return _("admin");
	case RD_ROLE_AUDITOR:
		return _("auditor");
	case RD_ROLE_NONE:
		break;
	}
	return _("nobody");
}

rd_role rd_role_parse(const char *s)
{
	for (size_t i = 1; s && i < RD_ARRAY_LEN(role_names); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (rd_role)i;
	return RD_ROLE_NONE;
}

static rd_code load_keys(rd_ctx *ctx, bool create, rd_err *e)
{
	char *path = rd_config_path(ctx->cfg, "security", "key_file");
	rd_code rc = RD_OK;
	if (!path)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (create && !rd_file_exists(path))
		rc = rd_keys_create(path, e);
	if (rc == RD_OK && rd_file_exists(path)) {
		rc = rd_keys_load(path, &ctx->keys, e);
		ctx->have_keys = rc == RD_OK;
	}
	free(path);
	return rc;
}

rd_code rd_ctx_open(rd_ctx **out, const rd_ctx_options *opt, rd_err *e)
{
	rd_ctx *ctx = calloc(1, sizeof *ctx);
	rd_db_options dbo = {0};
	char *dbpath = NULL;
	rd_code rc;
	*out = NULL;
	if (!ctx)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	ctx->clock = rd_clock_from_env();
	ctx->log = opt->log;
	if ((rc = rd_config_load(&ctx->cfg, opt->config_path, e)) != RD_OK)
		goto fail;
	if (opt->db_path && (rc = rd_config_set(ctx->cfg, "db", "path", opt->db_path, e)) != RD_OK)
		goto fail;
	dbpath = rd_config_path(ctx->cfg, "db", "path");
	if (!dbpath) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto fail;
	}
	dbo.create = opt->create;
	dbo.busy_timeout_ms = (int)rd_config_int(ctx->cfg, "db", "busy_timeout_ms");
	if ((rc = rd_db_open(&ctx->db, dbpath, &dbo, e)) != RD_OK)
		goto fail;
	if ((rc = load_keys(ctx, opt->create, e)) != RD_OK)
		goto fail;
	free(dbpath);
	*out = ctx;
	return RD_OK;
fail:
	free(dbpath);
	rd_ctx_close(ctx);
	return rc;
}

void rd_ctx_close(rd_ctx *ctx)
{
	if (!ctx)
		return;
	rd_db_close(ctx->db);
	rd_config_free(ctx->cfg);
	rd_memzero(&ctx->keys, sizeof ctx->keys);
	free(ctx);
}

time_t rd_ctx_now(const rd_ctx *ctx)
{
	return rd_now(&ctx->clock);
}

rd_code rd_ctx_audit(rd_ctx *ctx, const char *action, const char *object, const char *details_json,
		     rd_err *e)
{
	const char *who = ctx->who.role != RD_ROLE_NONE ? ctx->who.name : "-";
	return rd_audit_append(ctx->db, rd_ctx_now(ctx), who, action, object, details_json, e);
}

rd_code rd_require_role(const rd_ctx *ctx, rd_err *e, int nroles, ...)
{
	va_list ap;
	char allowed[128] = "";
	if (ctx->who.role == RD_ROLE_NONE)
		return rd_fail(e, RD_E_AUTH, _("log in first"));
	va_start(ap, nroles);
	for (int i = 0; i < nroles; i++) {
		rd_role r = (rd_role)va_arg(ap, int);
		if (r == ctx->who.role) {
			va_end(ap);
			return RD_OK;
		}
		size_t len = strlen(allowed);
		snprintf(allowed + len, sizeof allowed - len, "%s%s", i ? ", " : "", rd_role_label(r));
	}
	va_end(ap);
	return rd_fail(e, RD_E_REFUSED, _("a %s may not do this (allowed: %s)"), rd_role_label(ctx->who.role),
		       allowed);
}
