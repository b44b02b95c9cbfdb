#include "workflows/internal.h"

#include <jansson.h>
#include <stdlib.h>

char *rd_details(const char *key, ...)
{
	json_t *o = json_object();
	va_list ap;
	char *out;
	if (!o)
		return NULL;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		if (v)
			json_object_set_new(o, k, json_string(v));
	}
	va_end(ap);
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

static rd_code run_transaction(rd_ctx *ctx, rd_step_fn step, void *ud, bool interruptible, rd_err *e)
{
	rd_code rc = rd_db_begin(ctx->db, e);
	if (rc != RD_OK)
		return rc;
	rc = step(ctx, ud, e);
	if (rc == RD_OK && interruptible && ctx->interrupted && *ctx->interrupted)
		rc = rd_fail(e, RD_E_INTERRUPTED, _("interrupted; nothing was changed"));
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

rd_code rd_in_transaction(rd_ctx *ctx, rd_step_fn step, void *ud, rd_err *e)
{
	return run_transaction(ctx, step, ud, true, e);
}

rd_code rd_in_transaction_always(rd_ctx *ctx, rd_step_fn step, void *ud, rd_err *e)
{
	return run_transaction(ctx, step, ud, false, e);
}

rd_code rd_in_savepoint(rd_ctx *ctx, rd_step_fn step, void *ud, rd_err *e)
{
	rd_code rc = rd_db_savepoint(ctx->db, e);
	if (rc != RD_OK)
		return rc;
	if ((rc = step(ctx, ud, e)) != RD_OK) {
		rd_db_rollback_step(ctx->db);
		return rc;
	}
	return rd_db_release(ctx->db, e);
}
