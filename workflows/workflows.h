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
#include "forms/forms.h"

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
	int revocations_overdue; /* open revocation requests past the RA's promise */
} rd_pending;
rd_code rd_pending_counts(rd_ctx *ctx, rd_pending *out, rd_err *e);


/* ---- applications --------------------------------------------------------------
 * The forms model (forms/forms.h) in and out; numbers like RA-20261121-000123.
 * Field errors go to errs (every failing field, with its JSON path); the
 * overall outcome to e. */
typedef struct rd_app_meta {
	char no[32];
	char state[24];
	int version;
	char created_by[64], updated_by[64];
	time_t created_at, updated_at;
	char copied_from[32];   /* the application this one was copied from, or "" */
	char cancel_reason[512];
	bool answer_set;        /* a verification answer is on file (never shown) */
	bool masked;            /* identifiers in the model are masked for this role */
} rd_app_meta;

#define RD_APP_DRAFT 0x1u  /* save even if incomplete (format errors still refuse) */
/* Clerk: registers an application (state draft).  The verification answer is
 * stored as an Argon2id hash. */
rd_code rd_app_register(rd_ctx *ctx, const rd_application *a, unsigned flags, char no[32], rd_errlist *errs,
			rd_err *e);
/* Any operator: the application as a model plus its state; identifiers are
 * masked for roles that do not need them (admin, auditor).  The answer is
 * never returned. */
rd_code rd_app_fetch(rd_ctx *ctx, const char *no, rd_application *out, rd_app_meta *meta, rd_err *e);
/* Clerk: replaces the application's data while it may still be edited
 * (until paid and reviewed).  version: the one the clerk loaded (0: current).
 * An empty verification answer keeps the one on file. */
rd_code rd_app_edit(rd_ctx *ctx, const char *no, const rd_application *a, int version, unsigned flags,
		    rd_errlist *errs, rd_err *e);
/* Clerk: cancels with a reason while the application may still be cancelled. */
rd_code rd_app_cancel(rd_ctx *ctx, const char *no, const char *reason, rd_err *e);
/* Clerk: a new draft with the organization, agent and product of an earlier
 * application (类似申请); subject, user name and verification left empty. */
rd_code rd_app_copy(rd_ctx *ctx, const char *no, char new_no[32], rd_err *e);
/* Whether the stored application is complete and valid (before submission). */
rd_code rd_app_check_complete(rd_ctx *ctx, const char *no, rd_errlist *errs, rd_err *e);

typedef struct rd_app_query {
	const char *text;       /* number, user name, ID number, credit code, mobile or name part */
	const char *state;      /* NULL: any */
	const char *created_by; /* NULL: anyone */
	time_t from, to;        /* registration time range; 0: open */
	int limit, offset;
} rd_app_query;
/* Exact matches through the blind index for identifiers, substring for
 * names; newest first. */
rd_code rd_app_find(rd_ctx *ctx, const rd_app_query *q, rd_app_fn fn, void *ud, rd_err *e);
/* The application's history from the audit trail, oldest first. */
rd_code rd_app_timeline(rd_ctx *ctx, const char *no, rd_audit_fn fn, void *ud, rd_err *e);
/* ---- desk: the application state machine -------------------------------------
 * One table (workflows/state.c) lists every transition: from, to, action,
 * roles, precondition.  Nothing else changes an application's state.  Each
 * transition is one transaction with its audit row ("app.<action>", object
 * the application number, details from/to/reason) and the agent's
 * notifications in the outbox.  States: draft submitted documents_checked
 * paid under_review approved rejected queued_for_ca issued activated
 * cancelled revoked expired. */
#define RD_ROLE_BIT(r) (1u << (unsigned)(r))
typedef rd_code (*rd_precond_fn)(rd_ctx *ctx, const rd_app_state *app, const char *reason, rd_err *e);
typedef struct rd_transition_rule {
	const char *from, *to;
	const char *action;     /* "submit": audit action "app.submit" */
	unsigned roles;         /* RD_ROLE_BIT(...) | ... */
	rd_precond_fn pre;      /* NULL: nothing more to check */
	bool needs_reason;
	bool notify;            /* tell the agent */
} rd_transition_rule;
const rd_transition_rule *rd_transition_table(size_t *n);
bool rd_app_state_valid(const char *state);
const char *rd_app_state_label(const char *state); /* translated */
/* State and role only (no database): RD_OK, or RD_E_REFUSED naming the rule
 * (field "state" or "role"). */
rd_code rd_transition_check(const char *from, const char *to, rd_role role, rd_err *e);
/* The generic entry for every area (CA, UKEY, revocation call it too).
 * expected_version 0: not checked; otherwise RD_E_CONFLICT "changed by X at T,
 * reload" when the application moved on.  reason may be NULL. */
rd_code rd_transition(rd_ctx *ctx, const char *app_no, const char *to_state, int64_t expected_version,
		      const char *reason, rd_err *e);
/* Issue 3's rule "editable or cancellable until paid and reviewed": edits
 * until the fee (draft, submitted, documents_checked, rejected); cancelling
 * wherever the table has a cancel step (up to and during review). */
bool rd_app_may_edit(const char *state);
bool rd_app_may_cancel(const char *state);
/* The specific steps.  The new version is returned through new_version
 * when not NULL. */
rd_code rd_app_submit(rd_ctx *ctx, const char *app_no, int64_t expected_version, int64_t *new_version, rd_err *e);
/* submitted -> documents_checked; refused naming the first document that is
 * not verified. */
rd_code rd_app_check_documents(rd_ctx *ctx, const char *app_no, rd_err *e);
rd_code rd_app_state_get(rd_ctx *ctx, const char *app_no, rd_app_state *out, rd_err *e);

/* ---- desk: documents ---------------------------------------------------------- */
#define RD_SCAN_MAX ((size_t)2 * 1024 * 1024)
typedef struct rd_doc_item {
	const char *type;       /* "licence_copy" ... */
	const char *label;      /* translated */
	rd_doc_row row;         /* status "missing" when never recorded */
} rd_doc_item;
#define RD_DOC_MAX 8
/* The checklist for the application's kind and product, with statuses. */
rd_code rd_doc_checklist(rd_ctx *ctx, const char *app_no, rd_app_state *app, rd_doc_item items[RD_DOC_MAX],
			 size_t *n, rd_err *e);
/* status: missing | received | verified | rejected (note required).
 * scan_path may be NULL: a JPEG of at most 2 MB, checked by content, stored
 * by SHA-256 under data_dir/scans.  When the last required document is
 * verified on a submitted application it moves to documents_checked. */
rd_code rd_doc_set(rd_ctx *ctx, const char *app_no, const char *type, const char *status, const char *note,
		   const char *scan_path, rd_err *e);
/* The scan of a document, checked against its SHA-256 (RD_E_DATA when the
 * file was changed).  *data malloc'd. */
rd_code rd_doc_scan(rd_ctx *ctx, const char *app_no, const char *type, char **data, size_t *len, rd_err *e);
/* JPEG by content: SOI, segments up to a frame header with a size, EOI. */
rd_code rd_jpeg_check(const unsigned char *d, size_t n, const char *name, int *width, int *height, rd_err *e);

/* ---- desk: fees ------------------------------------------------------------------ */
/* "300", "300.5", "300.00" -> fen.  Refuses signs, more than two decimals,
 * anything not a digit, naming field. */
rd_code rd_money_parse(const char *s, const char *field, int64_t *fen, rd_err *e);
void rd_money_format(int64_t fen, char out[32]);
/* [fees] <product>.<years>, else the built-in schedule when [fees] is empty. */
rd_code rd_fee_for(const rd_ctx *ctx, const char *product, int years, int64_t *fen, rd_err *e);
typedef struct rd_fee_status {
	int64_t fee, paid, due;
	char receipts[128];     /* the standing (not refunded) receipt numbers */
} rd_fee_status;
rd_code rd_fee_status_get(rd_ctx *ctx, const char *app_no, rd_fee_status *out, rd_err *e);
/* method: cash | card | transfer (ref required) | qr (ref required).  The
 * amount must equal the amount due; then documents_checked -> paid. */
rd_code rd_fee_record(rd_ctx *ctx, const char *app_no, int64_t amount, const char *method, const char *ref,
		      char receipt[48], rd_err *e);
/* Admin only, reason required: a negative entry returning the whole payment. */
rd_code rd_fee_refund(rd_ctx *ctx, const char *receipt, const char *reason, char refund_receipt[48], rd_err *e);
/* day "YYYY-MM-DD" (NULL: today, local); clerk NULL: all (a clerk only sees
 * their own).  *total: the sum of every receipt of the selection. */
rd_code rd_report_cashup(rd_ctx *ctx, const char *day, const char *clerk, rd_cashup_fn fn, void *ud,
			 int64_t *total, rd_err *e);
/* Applications per state; audit actions of the day per action. */
rd_code rd_report_daily(rd_ctx *ctx, const char *day, rd_count_fn states, rd_count_fn actions, void *ud,
			rd_err *e);
void rd_local_day(time_t t, char out[16]);

/* ---- desk: review ---------------------------------------------------------------- */
/* Claims the oldest waiting application for 30 minutes (paid ->
 * under_review); RD_E_NOTFOUND when none waits. */
rd_code rd_review_next(rd_ctx *ctx, char app_no[32], rd_err *e);
/* Four eyes: refused for the operator who registered the application or
 * took its fee; refused while another reviewer's claim holds. */
rd_code rd_review_approve(rd_ctx *ctx, const char *app_no, int64_t expected_version, rd_err *e);
rd_code rd_review_reject(rd_ctx *ctx, const char *app_no, int64_t expected_version, const char *reason,
			 rd_err *e);
typedef struct rd_queue_item {
	rd_queue_row q;
	int working_days;       /* working days since it was queued */
	bool over_sla;          /* more than [review] sla_working_days */
	bool claimed;           /* a claim holds now */
	int64_t age_minutes;
} rd_queue_item;
typedef int (*rd_queue_item_fn)(void *ud, const rd_queue_item *it);
rd_code rd_review_queue(rd_ctx *ctx, rd_queue_item_fn fn, void *ud, rd_err *e);
/* Weekdays d with from's local date < d <= to's local date. */
int rd_working_days_between(time_t from, time_t to);

/* ---- desk: the clerk's day ------------------------------------------------------- */
typedef enum rd_desk_list {
	RD_LIST_MY_DRAFTS,      /* draft, created by me */
	RD_LIST_WAIT_DOCUMENTS, /* submitted */
	RD_LIST_WAIT_PAYMENT,   /* documents_checked */
	RD_LIST_REJECTED,       /* rejected, created by me */
} rd_desk_list;
rd_code rd_desk_today(rd_ctx *ctx, rd_desk_list which, int limit, rd_app_state_fn fn, void *ud, rd_err *e);

/* Fills the desk's part of the status bar counts (drafts, to_review,
 * outbox_failed); rd_pending_counts calls it. */
rd_code rd_desk_pending(rd_ctx *ctx, rd_pending *out, rd_err *e);

/* ---- desk: notifications --------------------------------------------------------- */
typedef struct rd_notify_result {
	int sent, retry, failed;
} rd_notify_result;
/* Sends due outbox messages through [notify] command (JSON on stdin, killed
 * after [notify] timeout_seconds) or [notify] webhook (HTTPS, verified).
 * Never holds a transaction while sending.  max 0: all due. */
rd_code rd_notify_send(rd_ctx *ctx, int max, rd_notify_result *res, rd_err *e);
/* Admin: the outbox (failed_only: messages with an error, not sent). */
rd_code rd_notify_list(rd_ctx *ctx, bool failed_only, rd_outbox_fn fn, void *ud, rd_err *e);

/* ---- printing ------------------------------------------------------------------
 * The paper for an application (print/print.h): rendered from the stored
 * record, written as a PDF, sent to a CUPS queue and followed until done.
 * Every successful print and reprint is one audit row "print.<doc>" written
 * after the job's outcome is known; a failure changes nothing (a
 * "print.failed" row records what reached the printer, if anything).
 * Roles: clerks print; reviewers and admins may reprint what a clerk has
 * printed; auditors only verify. */
typedef struct rd_print_outcome {
	char no[32];
	char doc[16];              /* "packet", "form" ... */
	int copies;                /* sets sent to the printer */
	int pages;                 /* pages in the PDF (one set) */
	char sha256[65];           /* of the PDF */
	size_t bytes;
	char pdf_path[1024];       /* where the PDF was written */
	char documents[160];       /* "form ×3, agreement, authorization" */
	char printer[128];         /* "" when only a PDF was made */
	int job_id;                /* 0 when not submitted */
	char job_state[24];        /* completed, aborted, ... or "pdf" */
	char detail[256];          /* the printer's last message */
	char agreement_version[64];
	bool reprint;              /* printed before */
} rd_print_outcome;

/* doc: "packet", "form", "agreement", "authorization", "impression" or
 * "receipt" (NULL: packet).  copies: sets to print, 1..99 (0: 1).
 * pdf_path NULL: <data_dir>/prints/<no>/<doc>-<time>.pdf.  printer NULL:
 * [print] printer; when neither is set only the PDF is made. */
rd_code rd_print_application(rd_ctx *ctx, const char *no, const char *doc, int copies,
			     const char *pdf_path, const char *printer, rd_print_outcome *out,
			     rd_err *e);

/* What printing would produce, without printing or recording anything:
 * the documents, pages and the configured printer (the TUI's preview). */
typedef struct rd_print_preview {
	char documents[160];
	int pages;
	char printer[128];         /* [print] printer or "" */
	bool organization, impression;
	bool printed_before;
} rd_print_preview;
rd_code rd_print_preview_app(rd_ctx *ctx, const char *no, const char *doc, rd_print_preview *out,
			     rd_err *e);

/* Checks the code a printed page carries: which application, document,
 * copy and page, and whether the code holds against the record as it was
 * printed.  RD_OK and out->valid; RD_E_REFUSED with out->valid false and
 * out->reason; RD_E_INVALID when the payload is malformed; RD_E_NOTFOUND
 * when no such application exists.  Any logged-in operator. */
typedef struct rd_print_check {
	char no[32];
	char doc[16];
	int copy, copies, page, pages;
	bool valid;
	char reason[256];          /* why not valid */
	time_t printed_at;         /* the print the code matches (valid only) */
	char printed_by[64];
	char state[24];            /* the application's state now */
} rd_print_check;
rd_code rd_print_verify_payload(rd_ctx *ctx, const char *payload, rd_print_check *out, rd_err *e);


/* The version of the subscriber agreement this service point prints now
 * ("Version:" line of [print] agreement); RD_E_NOTFOUND when unknown. */
rd_code rd_agreement_current(rd_ctx *ctx, char *out, size_t n);

/* ---- CA outbox and certificates (issue 6) -----------------------------------------
 * The contract between the CA outbox (workflows/ca_outbox.c, data/ca_queue.c,
 * migration 0005) and its users (UKEY issuance, renewal, revocation).
 * A request row is committed before anything goes on the wire; a request is
 * sent at most once at a time and recorded done at most once; the CA's answer
 * is checked (ca/: rd_ca_check_response) before a certificate is recorded.
 * Completing a request moves the application in the same transaction:
 * enroll done: queued_for_ca -> issued; revoke done: -> revoked; enroll
 * refused by the CA: back to review with the CA's reason. */
typedef enum rd_careq_kind { RD_CAREQ_ENROLL = 1, RD_CAREQ_RENEW = 2, RD_CAREQ_REVOKE = 3 } rd_careq_kind;
typedef struct rd_careq_info {
	char id[40];          /* idempotency id (hex), also sent to the CA where it can carry one */
	char no[32];          /* the application */
	rd_careq_kind kind;
	char state[16];       /* queued | sending | retry | done | failed */
	int attempts;
	time_t created_at, next_try_at, done_at;
	char reason[512];     /* the last error, or the CA's refusal */
	char serial_hex[48];  /* enroll/renew done: the new certificate; revoke: the revoked one */
} rd_careq_info;

/* Queue an enrollment for an approved application (approved -> queued_for_ca
 * in the same transaction).  The CSR (PEM) is checked first: its signature,
 * key type and strength for the product, and its subject against the
 * approved data. */
rd_code rd_ca_request_enroll(rd_ctx *ctx, const char *no, const char *csr_pem, char id[40], rd_err *e);
/* Queue a renewal: a new key's CSR for an application with a valid certificate. */
rd_code rd_ca_request_renew(rd_ctx *ctx, const char *no, const char *csr_pem, char id[40], rd_err *e);
/* Queue the revocation of the application's current certificate; reason is an
 * RFC 5280 code (rd_ca_reason_parse in ca/ca.h). */
rd_code rd_ca_request_revoke(rd_ctx *ctx, const char *no, int reason, char id[40], rd_err *e);
/* Send what is due: one application's requests (no) or all (no NULL).
 * Transient failures are rescheduled with backoff and jitter; permanent ones
 * fail with the CA's reason.  RD_OK when the queue was worked, even if some
 * requests failed (see out); an error only when nothing could be tried. */
typedef void (*rd_ca_progress_fn)(void *ud, const rd_careq_info *r, size_t done, size_t total);
typedef struct rd_ca_batch {
	size_t total, done, failed, retry;
} rd_ca_batch;
rd_code rd_ca_submit(rd_ctx *ctx, const char *no, rd_ca_progress_fn fn, void *ud, rd_ca_batch *out, rd_err *e);
/* The newest request of an application, or the request with that id. */
rd_code rd_ca_request_get(rd_ctx *ctx, const char *no_or_id, rd_careq_info *out, rd_err *e);

typedef struct rd_cert_info {
	char no[32];
	char serial_hex[48], serial_dec[64];
	char issuer[512], subject[512];
	time_t not_before, not_after;
	char status[16];      /* valid | superseded | revoked */
	int revoke_reason;    /* RFC 5280 code when revoked */
	time_t revoked_at;
	char *pem, *chain_pem; /* malloc'd; rd_cert_info_free */
} rd_cert_info;
/* The application's current certificate (the newest that is not superseded). */
rd_code rd_cert_current(rd_ctx *ctx, const char *no, rd_cert_info *out, rd_err *e);
void rd_cert_info_free(rd_cert_info *c);

/* Additions of the CA outbox (beyond the contract above). */
/* As rd_ca_submit, at most max requests (0: all due); the TUI's background
 * submission caps each tick with it. */
rd_code rd_ca_submit_some(rd_ctx *ctx, const char *no, size_t max, rd_ca_progress_fn fn, void *ud,
			  rd_ca_batch *out, rd_err *e);
/* Admin: a failed request (the application's newest, or by id) back to the
 * queue, when its application still waits for it. */
rd_code rd_ca_retry(rd_ctx *ctx, const char *no_or_id, char id[40], rd_err *e);
typedef int (*rd_careq_info_fn)(void *ud, const rd_careq_info *r);
/* Requests newest first; state NULL: any, "open": queued, sending or retry. */
rd_code rd_ca_request_each(rd_ctx *ctx, const char *state, int limit, rd_careq_info_fn fn, void *ud,
			   rd_err *e);
/* Queue depth by state, oldest open request, last error. */
rd_code rd_ca_queue_status(rd_ctx *ctx, rd_careq_stats *out, rd_err *e);
/* The CA outbox's part of the status bar (ca_queue, ca_failed). */
rd_code rd_ca_pending(rd_ctx *ctx, rd_pending *out, rd_err *e);

/* ---- UKEY stock, issuance and PIN service (issue 7) ------------------------------
 * workflows/ukey.c over data/ukey_stock.c and ukey/.  Every stock change is
 * one transaction with its audit row ("ukey.<action>", object the UKEY's
 * serial, details never holding a PIN).  PIN arguments are buffers the
 * caller owns and wipes; they are never stored, logged, audited or shown.
 * Device: opts->dev (an open rd_ukey the caller keeps, e.g. the TUI) or,
 * when NULL, the module named by [ukey] module, opened for the call. */
struct rd_ukey;
struct rd_ukey_keyinfo;

/* The certificate subject for an application, in ONE place (the CA outbox
 * checks CSRs against the same mapping): individuals CN = subject name;
 * organizations CN = organization name, O = organization name.  Fills up to
 * max RDNs whose values point into rec; returns how many. */
size_t rd_ukey_subject_of(const rd_app_record *rec, const char *fields[], const char *values[], size_t max);

/* Admin: registers blank UKEYs by serial, all or none (RD_E_CONFLICT naming
 * the serial already in stock).  model NULL: taken from the inserted token
 * with that serial when there is one, else "".  *added (may be NULL). */
rd_code rd_ukey_stock_add(rd_ctx *ctx, const char *const *serials, size_t n, const char *model, size_t *added,
			  rd_err *e);
/* Admin: registers every inserted token that is not in stock yet. */
rd_code rd_ukey_stock_add_inserted(rd_ctx *ctx, struct rd_ukey *dev, size_t *added, rd_err *e);
/* Admin: in_stock | issued | awaiting_certificate -> returned | lost |
 * destroyed (returned only from issued; reason required); returned ->
 * lost | destroyed. */
rd_code rd_ukey_stock_mark(rd_ctx *ctx, const char *serial, const char *state, const char *reason, rd_err *e);
rd_code rd_ukey_stock_find(rd_ctx *ctx, const char *serial, rd_stock_row *out, rd_err *e);
rd_code rd_ukey_stock_list(rd_ctx *ctx, const char *state, rd_stock_fn fn, void *ud, rd_err *e);
rd_code rd_ukey_stock_counts(rd_ctx *ctx, rd_stock_count_fn fn, void *ud, rd_err *e);
bool rd_ukey_state_valid(const char *state);
const char *rd_ukey_state_label(const char *state); /* translated */

/* Issuance steps, in order, as progress reports them. */
typedef enum rd_ukey_step {
	RD_UKEY_STEP_TOKEN = 1, /* the inserted UKEY is found, in stock and blank */
	RD_UKEY_STEP_BIND,      /* bound to the application */
	RD_UKEY_STEP_PIN,       /* the subscriber's PIN set on the UKEY */
	RD_UKEY_STEP_KEYGEN,    /* key pair generated on the UKEY */
	RD_UKEY_STEP_CSR,       /* CSR signed on the UKEY */
	RD_UKEY_STEP_ENROLL,    /* enrollment queued in the CA outbox */
	RD_UKEY_STEP_CA,        /* the CA answered */
	RD_UKEY_STEP_WRITE,     /* certificate and CA chain written to the UKEY */
	RD_UKEY_STEP_VERIFY,    /* read back: the certificate's key is the UKEY's key */
	RD_UKEY_STEP_DONE,      /* UKEY issued */
} rd_ukey_step;
const char *rd_ukey_step_label(rd_ukey_step s); /* translated */
typedef void (*rd_ukey_progress_fn)(void *ud, rd_ukey_step step, const char *detail);

typedef struct rd_ukey_issue_opts {
	const char *serial;          /* NULL: the UKEY bound already, else the only one inserted */
	struct rd_ukey *dev;         /* NULL: opened from [ukey] module for the call */
	rd_ukey_progress_fn progress; /* may be NULL */
	void *ud;
} rd_ukey_issue_opts;

typedef struct rd_ukey_outcome {
	char no[32];
	char serial[17], model[17];
	char key_id[41];
	char ukey_state[24];     /* in_stock (bound), awaiting_certificate, issued */
	char app_state[24];
	char ca_request[40];
	char ca_reason[512];     /* why the certificate is not there yet */
	char cert_serial[48];
	time_t not_before, not_after;
	bool awaiting;           /* the CA did not answer: key on the token, UKEY held at the counter */
	bool resumed;            /* carried on from an earlier attempt */
	double pin_to_cert_ms;   /* from "PIN confirmed" to "certificate on token" (this call) */
} rd_ukey_outcome;

/* Clerk: issues a UKEY for an approved application, in resumable steps (see
 * rd_ukey_step).  Running it again on the same application carries on where
 * the last attempt stopped (token removed, CA down).  When the CA cannot
 * answer, the key stays on the token, the UKEY becomes awaiting_certificate
 * and this returns RD_E_UPSTREAM with out->awaiting set: finish with
 * rd_ukey_resume once the certificate has arrived.  pin: the subscriber's
 * new user PIN (PIN policy; checked before anything is touched). */
rd_code rd_ukey_issue(rd_ctx *ctx, const char *no, const char *pin, const rd_ukey_issue_opts *opts,
		      rd_ukey_outcome *out, rd_err *e);
/* Clerk: finishes an issuance that waits for the CA (or was interrupted):
 * the bound UKEY must be inserted; pin is the PIN the subscriber set. */
rd_code rd_ukey_resume(rd_ctx *ctx, const char *no, const char *pin, const rd_ukey_issue_opts *opts,
		       rd_ukey_outcome *out, rd_err *e);
/* Clerk: after the agent signed the printed receipt: issued -> activated.
 * Refused unless the UKEY is issued for the application and its receipt
 * was printed. */
rd_code rd_ukey_handover(rd_ctx *ctx, const char *no, rd_err *e);
/* The application's UKEY (live, else the last one it held). */
rd_code rd_ukey_of_app(rd_ctx *ctx, const char *no, rd_stock_row *out, rd_err *e);

/* Clerk or admin: keys on the token (public view: no PIN needed), orphans
 * (a key without a certificate) flagged. */
rd_code rd_ukey_orphans(rd_ctx *ctx, const char *serial, struct rd_ukey *dev, struct rd_ukey_keyinfo *out,
			size_t max, size_t *n, rd_err *e);
/* Clerk or admin: a UKEY bound to an issuance that did not finish goes back
 * to stock: the SO PIN sets a throw-away user PIN, every key without a
 * certificate is deleted (their ids listed in the audit row and *deleted),
 * the binding is dropped.  Refused for a UKEY that holds a certificate. */
rd_code rd_ukey_reset(rd_ctx *ctx, const char *serial, struct rd_ukey *dev, size_t *deleted, rd_err *e);
/* Clerk: unblock a locked user PIN with the RA's SO PIN; id_sighted says the
 * clerk checked the subscriber's identity document again (refused without).
 * Audited: who, which UKEY, which application; never the PIN. */
rd_code rd_ukey_unblock_pin(rd_ctx *ctx, const char *serial, bool id_sighted, const char *new_pin,
			    struct rd_ukey *dev, rd_err *e);
/* Clerk: the subscriber changes the PIN (old and new). */
rd_code rd_ukey_change_user_pin(rd_ctx *ctx, const char *serial, const char *old_pin, const char *new_pin,
				struct rd_ukey *dev, rd_err *e);

/* ---- after issuance (issue 8): revocation, renewal, lost UKEY, change of
 * information, ceased organizations, expiry, retention (workflows/lifecycle.c)
 *
 * A revocation starts as a written request: its reason (RFC 5280), when it
 * was received and the RA's promise ([revocation] promise_hours after that).
 * A clerk records it; a second operator (not the one who recorded it)
 * approves it, and only then does it go to the CA outbox
 * (rd_ca_request_revoke).  Exception: with [revocation]
 * single_clerk_key_compromise, keyCompromise reported by the subscriber in
 * person is queued at once.  The application becomes revoked when the CA
 * confirms (the outbox moves it); rd_life_sync then closes the request.
 * Every refusal is audited ("cert.<step>_refused") even though nothing
 * changes. */
typedef struct rd_revocation {
	rd_revreq_row r;
	int64_t seconds_left;   /* until due_at; negative once overdue */
	bool open;              /* pending, approved or queued */
	bool overdue;           /* open and past due */
	bool late;              /* done after the promise */
} rd_revocation;
typedef int (*rd_revocation_fn)(void *ud, const rd_revocation *r);

typedef struct rd_revoke_opts {
	const char *reason;     /* keyCompromise, affiliationChanged, superseded, ... */
	time_t requested_at;    /* the written request was received; 0: now */
	const char *note;       /* may be NULL */
	bool in_person;         /* reported by the subscriber in person at the counter */
} rd_revoke_opts;
/* Clerk, admin: records the request.  *req_id may be NULL.  *queued tells
 * whether it went to the outbox at once (the single-clerk exception). */
rd_code rd_life_revoke_request(rd_ctx *ctx, const char *no, const rd_revoke_opts *o, int64_t *req_id,
			       bool *queued, rd_err *e);
/* Any clerk, reviewer or admin but the requester: approves the open
 * request of an application, or every pending request of a batch (a ceased
 * organization's).  A clerk's or admin's approval queues them upstream at
 * once; a reviewer's waits for the counter's next rd_life_sync (as with
 * issuance, reviewers decide and the counter sends).  *count: how many. */
rd_code rd_life_revoke_approve(rd_ctx *ctx, const char *no_or_batch, int *count, rd_err *e);
/* Reviewer, admin: refuses a pending request with a reason (withdrawn). */
rd_code rd_life_revoke_reject(rd_ctx *ctx, const char *no, const char *reason, rd_err *e);
/* The requests, oldest due first: open only, or overdue only. */
rd_code rd_life_revocations(rd_ctx *ctx, bool open_only, bool overdue_only, rd_revocation_fn fn, void *ud,
			    rd_err *e);
/* Follows the outbox: queues approved requests, closes confirmed ones
 * (done) and refused ones (failed, with the CA's reason), and continues a
 * lost-UKEY reissue once its revocation is confirmed. */
typedef struct rd_life_sync_result {
	int queued, done, failed, reissued, errors;
} rd_life_sync_result;
rd_code rd_life_sync(rd_ctx *ctx, rd_life_sync_result *out, rd_err *e);

/* Deadlines: requested_at + hours (calendar time: the promise runs through
 * nights and weekends). */
time_t rd_life_due(time_t requested_at, long promise_hours);
/* The RFC 5280 name of a reason code ("keyCompromise"); "" when unknown. */
const char *rd_life_reason_name(int reason);
/* "3h 20m", "2d 4h", "-1h 05m" (overdue). */
void rd_life_format_left(int64_t seconds, char out[32]);
/* A ceased organization must tell the RA within 5 working days: how many
 * working days lie between the cessation and the request. */
int rd_life_notice_working_days(time_t ceased_on, time_t requested_at);

/* Renewal before expiry ([renewal] window_days before notAfter).  The
 * subscriber proves the verification answer (checked like the stored
 * Argon2id hash: trimmed, ASCII lower-cased), or the clerk records sighting
 * the ID again.  Wrong answers are counted; the fifth locks the answer
 * (RD_E_AUTH) until an admin unlocks it (sighting the ID still works).
 * The new key's CSR goes to the outbox (rd_ca_request_renew); the outbox
 * supersedes the old certificate when the new one arrives.  The fee of
 * the schedule (rd_fee_for) is recorded as a payment. */
typedef struct rd_renew_opts {
	const char *answer;     /* secret; NULL when id_sighted */
	bool id_sighted;
	const char *csr_pem;
	int64_t amount;         /* fen; 0: take the schedule's fee (must match otherwise) */
	const char *method;     /* cash | card | transfer | qr; NULL when the fee is 0 */
	const char *ref;
} rd_renew_opts;
rd_code rd_life_renew(rd_ctx *ctx, const char *no, const rd_renew_opts *o, char careq_id[40], char receipt[48],
		      rd_err *e);
/* RD_OK when now lies in the renewal window of a certificate valid until
 * not_after; RD_E_REFUSED naming the window otherwise. */
rd_code rd_life_renewal_window(long window_days, time_t not_after, time_t now, rd_err *e);
/* Admin: clears the wrong-answer count of an application. */
rd_code rd_life_answer_unlock(rd_ctx *ctx, const char *no, rd_err *e);

/* Lost or damaged UKEY (补办): one request that revokes the old certificate
 * (keyCompromise or superseded), records the old token as lost or
 * destroyed (an admin approving the request marks it so in the stock; the
 * token is the one given, else the one the application was issued on), and starts
 * the new UKEY's application as a copy of the old one
 * (subject, organization and agent carried over, linked through
 * copied_from) holding the new key's CSR.  The new application goes through
 * the desk (fee, review: four eyes) and, once approved and the revocation
 * confirmed, rd_life_sync sends the CSR to the outbox (rd_ca_request_enroll). */
typedef struct rd_reissue_opts {
	const char *reason;     /* keyCompromise | superseded */
	const char *ukey_fate;  /* lost | destroyed */
	const char *ukey_serial;/* the old token, may be NULL */
	const char *csr_pem;    /* the new key's CSR; NULL: the new application is
				 * issued onto a new UKEY with rd_ukey_issue */
	const char *username;   /* the new application's user name, may be NULL (the clerk fills it) */
	const char *note;
	time_t requested_at;
	bool in_person;
} rd_reissue_opts;
rd_code rd_life_reissue(rd_ctx *ctx, const char *no, const rd_reissue_opts *o, char new_no[32], bool *queued,
			rd_err *e);

/* Change of information: a revocation request (affiliationChanged or
 * superseded) and a new draft copied from the application (rd_app_copy)
 * with the subject carried over and the changes applied, linked to the old
 * one (copied_from and the request's new_app_no). */
typedef struct rd_change_opts {
	const char *reason;
	const char *username;   /* the new application's user name (NULL: left for the clerk) */
	const char *subject_name, *org_name, *uscc; /* NULL: unchanged */
	const char *note;
	time_t requested_at;
} rd_change_opts;
rd_code rd_life_change(rd_ctx *ctx, const char *no, const rd_change_opts *o, char new_no[32], rd_err *e);

/* Organization ceased (注销): one pending request with
 * cessationOfOperation for every issued or activated application of the
 * credit code, in one transaction, sharing a batch id and the evidence
 * document (stored by SHA-256 under data_dir/evidence). */
rd_code rd_life_ceased(rd_ctx *ctx, const char *uscc, const char *evidence_path, const char *note,
		       time_t ceased_on, time_t requested_at, char batch[40], int *count, rd_err *e);
/* What rd_life_ceased would do, changing nothing: how many certificates of
 * the credit code would go to revocation, and up to max of their
 * application numbers (nos may be NULL); RD_E_CONFLICT naming the
 * application when one has an open request already (rd_life_ceased refuses
 * the batch then).  Clerk, admin. */
rd_code rd_life_ceased_preview(rd_ctx *ctx, const char *uscc, int *count, char (*nos)[32], size_t max,
			       rd_err *e);

/* Expiry.  Certificates of issued or activated applications expiring
 * within days; with notify, the agent of each is told once per
 * certificate through the outbox. */
typedef struct rd_expiring {
	char no[32], state[24], serial_hex[48];
	time_t not_after;
	int days_left;
	bool notified;          /* queued a message now */
	char agent[RD_UTF8_BYTES(RD_NAME_MAX_CHARS)]; /* the agent's name, else the subscriber's
							* ("" without the key file) */
	char mobile[RD_UTF8_BYTES(11)]; /* theirs, masked for roles that see no identifiers */
} rd_expiring;
typedef int (*rd_expiring_fn)(void *ud, const rd_expiring *x);
rd_code rd_life_expiring(rd_ctx *ctx, int days, bool notify, rd_expiring_fn fn, void *ud, int *queued, rd_err *e);
/* Admin (the daily job): issued/activated applications past notAfter -> expired. */
rd_code rd_life_expire_due(rd_ctx *ctx, int *moved, rd_err *e);

/* Retention and archives.  An archive is JSON lines ({"t":table,"r":row})
 * followed by one manifest line: counts, the SHA-256 of the content, the
 * audit chain head, and an Ed25519 signature by a key derived from the RA's
 * key file (so any holder of the public key can check it, and only the RA
 * can make it). */
typedef struct rd_archive_info {
	char path[1024];
	time_t before, created_at;
	int64_t lines, applications, audit_rows;
	char content_sha256[65], file_sha256[65];
	char public_key[65];    /* hex */
	char audit_last_hash[65];
	int64_t audit_head_entries;
	bool key_is_ours;       /* the key is this RA's (or the one given) */
} rd_archive_info;
/* Admin. */
rd_code rd_archive_export(rd_ctx *ctx, time_t before, const char *out_path, rd_archive_info *info, rd_err *e);
/* Admin, auditor.  public_key_hex NULL: this RA's key (when the key file is
 * loaded).  RD_E_DATA naming the line or field that does not hold. */
rd_code rd_archive_verify(rd_ctx *ctx, const char *path, const char *public_key_hex, rd_archive_info *info,
			  rd_err *e);
/* Admin: removes the personal data of applications created before
 * `before`, once every one of them is past its retention ([retention]
 * years after the certificate expires, or after it was closed) and is in
 * the verified archive.  Refuses naming the first record still kept. */
rd_code rd_archive_purge(rd_ctx *ctx, time_t before, const char *archive_path, int *purged, rd_err *e);
/* The end of the retention of a record closed or expiring at t. */
time_t rd_retention_until(time_t t, int years);
/* The status bar's count (rd_pending_counts calls it). */
rd_code rd_life_pending(rd_ctx *ctx, rd_pending *out, rd_err *e);


/* Clerk: renewal onto the same UKEY (issue 8).  The application's issued
 * UKEY must be inserted (opts->serial, when given, must be it); the
 * subscriber's PIN logs in; a NEW key pair of the product's type is made on
 * the token and its CSR signed there, then rd_life_renew (o: answer or ID
 * sighted, fee; o->csr_pem is ignored) checks and queues it.  When the desk
 * refuses (wrong answer, outside the window, fee), the new key is deleted
 * from the token and its error returned.  Then the CA is asked (rd_ca_submit);
 * the new certificate and chain are written onto the new key and read back,
 * and only then the old key pair and its superseded certificate are deleted
 * from the token (the superseded certificate stays in the records); the
 * stock row gets the new key id, audited as ukey.renewed.  When the CA does
 * not answer: RD_E_UPSTREAM with out->awaiting, the new key stays on the
 * token, the old one stays usable; finish with resume = true (o unused).
 * receipt (may be NULL) gets the fee's receipt number. */
rd_code rd_ukey_renew(rd_ctx *ctx, const char *no, const char *pin, const rd_renew_opts *o, bool resume,
		      const rd_ukey_issue_opts *opts, rd_ukey_outcome *out, char receipt[48], rd_err *e);

/* ---- the admin's and auditor's screens: reports, settings, checks, the
 * audit trail a page at a time (workflows/reports.c, workflows/settings.c) */

/* The day's report on one page: the cash-up (rd_report_cashup) with its
 * totals per method and the refunds, and the daily report
 * (rd_report_daily): applications per state now and the day's audit
 * actions.  clerk NULL or "": every operator (a clerk only sees their own;
 * refund entries belong to the admin who made them).  Clerk, admin,
 * auditor, as the two reports it is made of. */
typedef struct rd_report_count {
	char key[64];
	int64_t n;
} rd_report_count;
typedef struct rd_day_report {
	char day[16];
	char clerk[64];           /* "" : every operator */
	rd_cashup_row *cashup;    /* per operator and method */
	size_t ncashup;
	rd_cashup_row methods[8]; /* per method over the selection (operator_name "") */
	size_t nmethods;
	rd_payment_row *refunds;  /* the selection's refund entries of the day */
	size_t nrefunds;
	int64_t payments, paid;   /* positive entries: how many, their sum (fen) */
	int64_t refunded;         /* the refund entries' sum (negative fen) */
	int64_t total;            /* every receipt of the selection: paid + refunded */
	rd_report_count *states;  /* applications per state, now */
	size_t nstates;
	rd_report_count *actions; /* audit actions of the day */
	size_t nactions;
} rd_day_report;
rd_code rd_report_day(rd_ctx *ctx, const char *day, const char *clerk, rd_day_report *out, rd_err *e);
void rd_day_report_free(rd_day_report *r);
/* Writes the report as CSV (UTF-8, one header line, then one line per
 * figure: section,day,operator,key,count,amount,application,note) to path
 * atomically, and records report.export in the audit trail with the file's
 * SHA-256 (sha256 may be NULL).  The file is removed again when the audit
 * row cannot be written. */
rd_code rd_report_export_csv(rd_ctx *ctx, const rd_day_report *r, const char *path, char sha256[65], rd_err *e);
/* Where an export goes unless the operator says otherwise:
 * <data_dir>/reports/report-<day>[-<clerk>].csv (malloc'd; NULL on ENOMEM).
 * rd_report_export_csv makes <data_dir>/reports when it is missing. */
char *rd_report_default_path(rd_ctx *ctx, const char *day, const char *clerk);

/* The effective configuration, key by key in the order of
 * core/config_keys.def, secrets masked: a value that is a secret (auth
 * keys, passwords, tokens) never leaves this function; in other values
 * the parts that are secrets (a URL's password, pin-value= and similar
 * parameters) are replaced by "******".  Admin. */
typedef struct rd_setting {
	const char *section, *key;
	const char *value;        /* as it may be shown (paths resolved); NULL: not set */
	int line;                 /* line in rd_config_file(ctx->cfg); 0: not from the file */
	bool is_default;          /* not configured: the built-in default */
	bool masked;              /* the value shown is (partly) masked */
} rd_setting;
typedef int (*rd_setting_fn)(void *ud, const rd_setting *s);
rd_code rd_settings_each(rd_ctx *ctx, rd_setting_fn fn, void *ud, rd_err *e);
/* The masking rule (exposed for tests): a malloc'd copy of value as it may
 * be shown; *masked says whether anything was hidden.  type as
 * rd_config_item's (NULL: "str"); only strings can hold secrets. */
char *rd_setting_mask(const char *key, const char *type, const char *value, bool *masked);

/* The CA link as `radesk ca ping` sees it: TLS handshake, the CA's chain
 * checked against [ca] trust, clock skew against [ca] max_skew.  RD_OK when
 * the CA answered (then out->ok says whether all is well, out->problem why
 * not); errors as ca/ gives them (RD_E_CONFIG naming the [ca] key,
 * RD_E_UPSTREAM, RD_E_TIMEOUT, RD_E_AUTH).  Admin, clerk. */
typedef struct rd_ca_link {
	char driver[16], url[512];
	double tls_ms, total_ms;
	char tls_version[32];
	int http_version;         /* 11, 2 */
	bool have_date;
	long skew_s, max_skew_s;
	char ca_subject[512];
	time_t ca_not_after;
	bool chain_trusted;
	bool ok;
	char problem[256];
} rd_ca_link;
rd_code rd_ca_link_check(rd_ctx *ctx, rd_ca_link *out, rd_err *e);

/* Whether the printer queue (NULL: [print] printer) can take a job now:
 * print server reachable, queue there, accepting, not stopped.  Nothing is
 * printed.  RD_E_CONFIG when no queue is named anywhere.  Admin, clerk. */
typedef struct rd_printer_link {
	char printer[128], server[256];
	char state[16];           /* idle | processing | stopped */
	bool accepting;
	char detail[256];
} rd_printer_link;
rd_code rd_printer_check(rd_ctx *ctx, const char *printer, rd_printer_link *out, rd_err *e);

/* The audit trail a page at a time (rd_audit_page); auditor, admin. */
rd_code rd_audit_read_page(rd_ctx *ctx, const rd_audit_filter *f, bool backward, int64_t cursor, int limit,
			   rd_audit_fn fn, void *ud, size_t *n, rd_err *e);
/* Rows in the trail (its recorded head; no walk); auditor, admin. */
rd_code rd_audit_entries(rd_ctx *ctx, int64_t *entries, rd_err *e);

#endif
