/* Internal to workflows/: the desk's shared steps. */
#ifndef RADESK_WORKFLOWS_DESK_INTERNAL_H
#define RADESK_WORKFLOWS_DESK_INTERNAL_H

#include "workflows/internal.h"

/* Inside an open transaction: role, rule, precondition, compare-and-set,
 * review queue, audit row and outbox.  app is updated to the new state. */
rd_code rd_transition_in_tx(rd_ctx *ctx, rd_app_state *app, const char *to, const char *reason, rd_err *e);
/* Inside a transaction: submitted -> documents_checked when every document
 * is verified, then -> paid when the fee is paid already (resubmission). */
rd_code rd_app_advance(rd_ctx *ctx, rd_app_state *app, rd_err *e);
/* Precondition of documents_checked: every required document verified. */
rd_code rd_docs_verified(rd_ctx *ctx, const rd_app_state *app, rd_err *e);
/* The fee status of an application already read. */
rd_code rd_fee_status_app(rd_ctx *ctx, const rd_app_state *app, rd_fee_status *out, rd_err *e);
/* Four eyes: refused when the operator registered or took the fee. */
rd_code rd_four_eyes(rd_ctx *ctx, const rd_app_state *app, rd_err *e);
/* Queue the agent's messages for a state change. */
rd_code rd_notify_enqueue(rd_ctx *ctx, const rd_app_state *app, const char *action, const char *reason,
			  rd_err *e);
/* "RA-... changed by X at T, reload" */
rd_code rd_conflict(rd_ctx *ctx, const rd_app_state *now, rd_err *e);

#endif
