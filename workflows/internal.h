/* Internal to workflows/. */
#ifndef RADESK_WORKFLOWS_INTERNAL_H
#define RADESK_WORKFLOWS_INTERNAL_H

#include "workflows/workflows.h"

/* A JSON object text from NULL-terminated key, value string pairs (values
 * may be NULL: skipped).  malloc'd; NULL on ENOMEM.  Never pass secrets. */
char *rd_details(const char *key, ...);

/* Begin, run step(ctx, ud, e), audit, commit; rollback on any error.
 * The audit row is written by the step itself with rd_ctx_audit. */
typedef rd_code (*rd_step_fn)(rd_ctx *ctx, void *ud, rd_err *e);
rd_code rd_in_transaction(rd_ctx *ctx, rd_step_fn step, void *ud, rd_err *e);
/* The same, but an interrupt does not undo it: for what has happened
 * already elsewhere and must be recorded (a certificate the CA issued). */
rd_code rd_in_transaction_always(rd_ctx *ctx, rd_step_fn step, void *ud, rd_err *e);
/* Inside an open transaction: run step; when it fails only its own changes
 * are undone and the transaction stays open for the next step. */
rd_code rd_in_savepoint(rd_ctx *ctx, rd_step_fn step, void *ud, rd_err *e);

/* rd_ukey_stock_mark without its admin check, for a flow that has its own:
 * an approved lost-UKEY request marks the old token as the clerk recorded. */
rd_code rd_ukey_stock_mark_in_flow(rd_ctx *ctx, const char *serial, const char *state, const char *reason,
				   rd_err *e);

#endif
