/* data — SQLite storage: schema migrations, repositories, the audit chain
 * and field encryption.  The only module that speaks SQL.
 *
 * Each workflow step is one transaction: rd_db_begin, the changes, the
 * audit row (rd_audit_append), rd_db_commit; on any error rd_db_rollback.
 * Sections below are per area; append new ones at the end. */
#ifndef RADESK_DATA_H
#define RADESK_DATA_H

#include "core/core.h"

typedef struct rd_db rd_db;

typedef struct rd_db_options {
	bool create;           /* create the file if missing (radesk init) */
	bool readonly;         /* auditors' reports; no migrations */
	int busy_timeout_ms;   /* 0: 5000 */
} rd_db_options;

/* Opens, sets WAL, foreign keys and the busy timeout, and applies pending
 * migrations in one transaction.  A database written by a newer radesk is
 * refused (RD_E_DATA, message says which version).  Errors name the file. */
rd_code rd_db_open(rd_db **out, const char *path, const rd_db_options *opt, rd_err *e);
void rd_db_close(rd_db *db);
const char *rd_db_path(const rd_db *db);
int rd_db_schema_version(rd_db *db);
int rd_db_known_version(void); /* the newest migration this binary has */

/* BEGIN IMMEDIATE: the write lock is taken now, so a busy database fails
 * here (RD_E_BUSY) and not half way through a step. */
rd_code rd_db_begin(rd_db *db, rd_err *e);
rd_code rd_db_commit(rd_db *db, rd_err *e);
void rd_db_rollback(rd_db *db);
/* A step inside the open transaction that can be undone on its own:
 * rd_db_savepoint, then rd_db_release when it went well or
 * rd_db_rollback_step to undo just that step.  They nest. */
rd_code rd_db_savepoint(rd_db *db, rd_err *e);
rd_code rd_db_release(rd_db *db, rd_err *e);
void rd_db_rollback_step(rd_db *db);

/* ---- audit trail --------------------------------------------------------
 * Append-only, hash chained: hash = SHA-256(prev_hash || canonical row).
 * Call inside the transaction of the change it records.  details is a JSON
 * object text (may be NULL) and must never hold a secret. */
rd_code rd_audit_append(rd_db *db, time_t at, const char *operator_name, const char *action,
			const char *object, const char *details_json, rd_err *e);

typedef struct rd_audit_row {
	int64_t seq;
	time_t at;
	const char *operator_name, *action, *object, *details, *prev_hash, *hash;
} rd_audit_row;
typedef int (*rd_audit_fn)(void *ud, const rd_audit_row *row); /* non-zero stops */
/* Rows with at >= since (0: all), optionally only for one object, in order. */
rd_code rd_audit_each(rd_db *db, time_t since, const char *object, rd_audit_fn fn, void *ud, rd_err *e);

typedef struct rd_audit_result {
	int64_t entries;
	int64_t first_bad;  /* 0 when the chain holds */
	char why[256];
} rd_audit_result;
rd_code rd_audit_verify(rd_db *db, rd_audit_result *res, rd_err *e);
int64_t rd_audit_count(rd_db *db);

/* ---- operators ------------------------------------------------------------ */
typedef struct rd_operator_row {
	int64_t id;
	char name[64];
	char role[16];            /* clerk | reviewer | admin | auditor */
	char pw_hash[256];        /* Argon2id encoded string */
	int failed_logins;
	time_t locked_until;      /* automatic lockout after failures */
	bool disabled;            /* locked by an admin */
	time_t created_at, last_login_at;
} rd_operator_row;

rd_code rd_operator_insert(rd_db *db, const rd_operator_row *op, int64_t *id, rd_err *e);
/* Case-insensitive name.  RD_E_NOTFOUND when missing. */
rd_code rd_operator_get(rd_db *db, const char *name, rd_operator_row *out, rd_err *e);
rd_code rd_operator_update(rd_db *db, const rd_operator_row *op, rd_err *e);
typedef int (*rd_operator_fn)(void *ud, const rd_operator_row *op);
rd_code rd_operator_each(rd_db *db, rd_operator_fn fn, void *ud, rd_err *e);
int64_t rd_operator_count(rd_db *db);

/* ---- field encryption -------------------------------------------------------
 * AES-256-GCM for personal identifiers at rest, HMAC-SHA-256 blind index to
 * find them.  The key file (0600, 64 random bytes: 32 encryption, 32 index)
 * is made by radesk init. */
typedef struct rd_keys {
	unsigned char enc[32];
	unsigned char idx[32];
} rd_keys;
rd_code rd_keys_create(const char *path, rd_err *e);      /* refuses to overwrite */
rd_code rd_keys_load(const char *path, rd_keys *out, rd_err *e); /* checks mode 0600 */
/* "v1:" base64(nonce || ciphertext || tag); malloc'd. */
rd_code rd_seal(const rd_keys *k, const char *plain, char **out, rd_err *e);
rd_code rd_unseal(const rd_keys *k, const char *sealed, char **plain, rd_err *e);
/* hex HMAC of a normalised value, with a per-field label as domain separator */
void rd_blind_index(const rd_keys *k, const char *label, const char *value, char out[65]);


/* ---- applications ------------------------------------------------------------
 * Clear values in, clear values out: identifiers are sealed and indexed
 * here, with the context's keys.  Strings are "" when absent. */
typedef struct rd_app_record {
	int64_t id;
	char no[32];
	char service_point[32];
	char kind[16];          /* individual | organization */
	char product[48];
	int years;
	char username[16];
	char state[24];
	int version;
	char subject_name[256], subject_id_type[24], subject_id_number[40], subject_mobile[24],
		subject_email[256];
	char org_name[256], org_uscc[24], org_address[832], org_legal_rep[256];
	char agent_name[256], agent_id_type[24], agent_id_number[40], agent_mobile[24], agent_email[256];
	char verify_question[512], verify_answer_hash[256], agreement_version[64];
	int64_t copied_from;
	char cancel_reason[512];
	char created_by[64], updated_by[64];
	time_t created_at, updated_at;
} rd_app_record;

/* Inserts a new application and gives it the day's next number
 * (<prefix>-YYYYMMDD-NNNNNN); fills rec->id, rec->no, rec->version.
 * RD_E_CONFLICT when the user name is taken by a live application. */
rd_code rd_app_insert(rd_db *db, const rd_keys *k, const char *prefix, rd_app_record *rec, rd_err *e);
/* By number; RD_E_NOTFOUND when missing. */
rd_code rd_app_get(rd_db *db, const rd_keys *k, const char *no, rd_app_record *out, rd_err *e);
rd_code rd_app_get_by_id(rd_db *db, const rd_keys *k, int64_t id, rd_app_record *out, rd_err *e);
/* Writes every field of rec if the stored version is still rec->version;
 * bumps the version.  RD_E_CONFLICT "changed by X at T, reload" otherwise. */
rd_code rd_app_update(rd_db *db, const rd_keys *k, rd_app_record *rec, rd_err *e);
bool rd_app_username_taken(rd_db *db, const char *username, int64_t except_id);
rd_code rd_app_set_cancel_reason(rd_db *db, int64_t id, const char *reason, rd_err *e);

typedef enum rd_app_key {
	RD_APP_BY_NONE = 0,
	RD_APP_BY_NO,
	RD_APP_BY_USERNAME,
	RD_APP_BY_ID_NUMBER,  /* subject's or agent's */
	RD_APP_BY_USCC,
	RD_APP_BY_MOBILE,     /* subject's or agent's */
	RD_APP_BY_NAME,       /* substring of subject or organization name */
} rd_app_key;

typedef struct rd_app_filter {
	rd_app_key by;
	const char *value;    /* normalised by the caller (forms/) */
	const char *state;    /* NULL: any */
	const char *created_by; /* NULL: anyone */
	time_t from, to;      /* created_at range; 0: open */
	int limit;            /* 0: 50 */
	int offset;
} rd_app_filter;

typedef struct rd_app_summary {
	int64_t id;
	const char *no, *kind, *product, *username, *state, *name, *created_by;
	time_t created_at, updated_at;
} rd_app_summary;
typedef int (*rd_app_fn)(void *ud, const rd_app_summary *s);
/* Newest first, paged by limit and offset. */
rd_code rd_app_search(rd_db *db, const rd_keys *k, const rd_app_filter *f, rd_app_fn fn, void *ud, rd_err *e);
/* The name's bigram text as indexed (exposed for tests). */
char *rd_name_grams(const char *name);
/* ---- desk: application state, documents, payments, review queue, outbox ----
 * Used by workflows/state.c and workflows/desk.c.  Amounts are integer fen. */
typedef struct rd_app_state {
	int64_t id;
	char no[32];
	char kind[16];          /* individual | organization */
	char product[64];
	int years;
	char state[24];
	int64_t version;
	char created_by[64], updated_by[64];
	time_t created_at, updated_at;
	bool has_agent;         /* an agent's name is on the application */
} rd_app_state;
/* RD_E_NOTFOUND (field "application") when there is no such number. */
rd_code rd_desk_app_get(rd_db *db, const char *no, rd_app_state *out, rd_err *e);
rd_code rd_desk_app_get_id(rd_db *db, int64_t id, rd_app_state *out, rd_err *e);
/* Compare-and-set: state and version+1 when the version is still `version`;
 * RD_E_CONFLICT otherwise. */
rd_code rd_desk_app_set_state(rd_db *db, int64_t id, int64_t version, const char *state, const char *by,
			      time_t at, rd_err *e);
/* The agent's (else the subject's) sealed mobile and email; "" when absent. */
rd_code rd_desk_app_contacts(rd_db *db, int64_t id, char *mobile_sealed, size_t mn, char *email, size_t en,
			     rd_err *e);
typedef int (*rd_app_state_fn)(void *ud, const rd_app_state *a);
/* Applications in a state (NULL: any), optionally created by one operator,
 * oldest first, at most limit (0: no limit). */
rd_code rd_desk_app_each(rd_db *db, const char *state, const char *created_by, int limit, rd_app_state_fn fn,
			 void *ud, rd_err *e);
typedef int (*rd_count_fn)(void *ud, const char *key, int64_t n);
rd_code rd_desk_state_counts(rd_db *db, rd_count_fn fn, void *ud, rd_err *e);

typedef struct rd_doc_row {
	char type[32];
	char status[16];        /* missing | received | verified | rejected */
	char note[512];
	char operator_name[64];
	time_t at;
	char scan[65];          /* SHA-256 hex of the scan, "" when none */
} rd_doc_row;
/* The recorded documents of an application (rows absent: missing). */
rd_code rd_desk_doc_list(rd_db *db, int64_t app_id, rd_doc_row *rows, size_t max, size_t *n, rd_err *e);
rd_code rd_desk_doc_put(rd_db *db, int64_t app_id, const rd_doc_row *row, rd_err *e);
rd_code rd_desk_scan_put(rd_db *db, const char *sha256, int64_t size, int width, int height, const char *by,
			 time_t at, rd_err *e);
rd_code rd_desk_scan_size(rd_db *db, const char *sha256, int64_t *size, rd_err *e);

typedef struct rd_payment_row {
	int64_t id;
	char receipt[48];
	int64_t app_id;
	char app_no[32];
	int64_t amount;         /* fen; negative for a refund */
	char method[16];
	char ref[128];
	int64_t refund_of;      /* 0 for a payment */
	char reason[512];
	char operator_name[64];
	time_t at;
	char day[16];           /* YYYY-MM-DD, local */
} rd_payment_row;
/* The next receipt sequence number of a day (counts up from 1). */
rd_code rd_desk_receipt_next(rd_db *db, const char *day, int64_t *seq, rd_err *e);
/* RD_E_CONFLICT when the receipt exists or the payment was refunded already. */
rd_code rd_desk_payment_insert(rd_db *db, const rd_payment_row *p, int64_t *id, rd_err *e);
rd_code rd_desk_payment_get(rd_db *db, const char *receipt, rd_payment_row *out, rd_err *e);
rd_code rd_desk_paid_net(rd_db *db, int64_t app_id, int64_t *net, rd_err *e);
/* The receipts of the application's payments that were not refunded,
 * oldest first, ", " between them (as many as fit in len). */
rd_code rd_desk_receipts_standing(rd_db *db, int64_t app_id, char *out, size_t len, rd_err *e);
/* Did this operator record a payment for the application? */
rd_code rd_desk_took_fee(rd_db *db, int64_t app_id, const char *operator_name, bool *out, rd_err *e);
typedef struct rd_cashup_row {
	char operator_name[64];
	char method[16];
	int64_t count, total;
} rd_cashup_row;
typedef int (*rd_cashup_fn)(void *ud, const rd_cashup_row *r);
/* Per operator and method for a day; operator NULL: everyone. */
rd_code rd_desk_cashup(rd_db *db, const char *day, const char *operator_name, rd_cashup_fn fn, void *ud,
		       rd_err *e);
typedef int (*rd_payment_fn)(void *ud, const rd_payment_row *p);
rd_code rd_desk_payment_each(rd_db *db, const char *day, const char *operator_name, rd_payment_fn fn, void *ud,
			     rd_err *e);

typedef struct rd_queue_row {
	int64_t app_id;
	char no[32];
	char state[24];
	char kind[16];
	char product[64];
	time_t queued_at;
	char reviewer[64];      /* "" when free */
	time_t claimed_at, expires_at;
} rd_queue_row;
rd_code rd_desk_queue_add(rd_db *db, int64_t app_id, time_t at, rd_err *e);
rd_code rd_desk_queue_remove(rd_db *db, int64_t app_id, rd_err *e);
/* One atomic UPDATE: the oldest row whose claim has expired at `now` and
 * that the reviewer neither registered nor took the fee for becomes theirs
 * until `until`.  RD_E_NOTFOUND when nothing waits. */
rd_code rd_desk_queue_claim(rd_db *db, const char *reviewer, time_t now, time_t until, int64_t *app_id, rd_err *e);
rd_code rd_desk_queue_get(rd_db *db, int64_t app_id, rd_queue_row *out, rd_err *e);
typedef int (*rd_queue_fn)(void *ud, const rd_queue_row *r);
rd_code rd_desk_queue_each(rd_db *db, rd_queue_fn fn, void *ud, rd_err *e);

typedef struct rd_outbox_row {
	int64_t id, app_id;
	char app_no[32];
	char channel[8];        /* sms | email */
	char recipient[512];    /* sealed mobile or email */
	char event[32];
	char body[2048];        /* JSON */
	char status[12];        /* pending | sent | failed */
	int attempts;
	time_t next_at, created_at, sent_at;
	char last_error[512];
} rd_outbox_row;
rd_code rd_desk_outbox_add(rd_db *db, int64_t app_id, const char *channel, const char *recipient,
			   const char *event, const char *body, time_t now, rd_err *e);
/* Takes the oldest due message (pending, next_at <= now, lease expired) with
 * one atomic UPDATE, leased until `until`.  RD_E_NOTFOUND when none is due. */
rd_code rd_desk_outbox_lease(rd_db *db, time_t now, time_t until, rd_outbox_row *out, rd_err *e);
rd_code rd_desk_outbox_done(rd_db *db, int64_t id, const char *status, int attempts, time_t next_at,
			    const char *error, time_t sent_at, rd_err *e);
typedef int (*rd_outbox_fn)(void *ud, const rd_outbox_row *r);
/* The desk's counts for the status bar: drafts created by `mine`, queue rows
 * free to claim at `now`, outbox messages that failed and are not sent. */
rd_code rd_desk_counts(rd_db *db, const char *mine, time_t now, int *drafts, int *to_review, int *outbox_failed,
		       rd_err *e);
/* failed_only: messages that failed at least once and are not sent. */
rd_code rd_desk_outbox_each(rd_db *db, bool failed_only, rd_outbox_fn fn, void *ud, rd_err *e);

/* ---- CA outbox and certificates (data/ca_queue.c, migration 0005) ----------
 * Used by workflows/ca_outbox.c.  Times are seconds; lease_until and
 * sending_pid are wall-clock process leases, not business time. */
#define RD_CSR_MAX 8192
typedef struct rd_careq_row {
	char id[40];
	int64_t app_id;
	char app_no[32];
	char kind[8];              /* enroll | renew | revoke */
	char csr_pem[RD_CSR_MAX];  /* "" for revoke */
	char csr_spki_sha256[65];
	char profile[64];
	char subject[1024];        /* JSON */
	char revoke_serial[48];
	int revoke_reason;
	char state[12];            /* queued | sending | retry | done | failed */
	int attempts;
	time_t next_try_at;
	char last_error[512];
	int64_t sending_pid;
	time_t lease_until;
	int unknown_outcomes;
	time_t created_at;
	char created_by[64];
	time_t done_at;
} rd_careq_row;
/* RD_E_CONFLICT (field "application") when the application has an open
 * request already. */
rd_code rd_careq_insert(rd_db *db, const rd_careq_row *r, rd_err *e);
rd_code rd_careq_get(rd_db *db, const char *id, rd_careq_row *out, rd_err *e);
/* The newest request of an application; RD_E_NOTFOUND when none. */
rd_code rd_careq_latest(rd_db *db, int64_t app_id, rd_careq_row *out, rd_err *e);
/* Ids of the requests due at now (queued, or retry with next_try_at <= now;
 * any_time: retry rows regardless of next_try_at), oldest first, of one
 * application (app_id 0: all), at most max.  *n: how many were written. */
rd_code rd_careq_due(rd_db *db, int64_t app_id, time_t now, bool any_time, char (*ids)[40], size_t max,
		     size_t *n, rd_err *e);
/* Compare-and-set queued|retry -> sending, attempts + 1, with the lease.
 * RD_E_NOTFOUND when the row is not (any more) queued or due. */
rd_code rd_careq_claim(rd_db *db, const char *id, int64_t pid, time_t lease_until, rd_err *e);
/* A claimed row that was never sent goes back to state (as it was before
 * the claim, queued or retry), the attempt not counted. */
rd_code rd_careq_unclaim(rd_db *db, const char *id, const char *state, int64_t pid, rd_err *e);
/* Ends a send: sending -> state (done | failed | retry | queued). */
rd_code rd_careq_finish(rd_db *db, const char *id, const char *state, time_t next_try_at, const char *error,
			time_t done_at, rd_err *e);
/* Rows in `sending` (for reconciliation), at most max. */
rd_code rd_careq_sending(rd_db *db, rd_careq_row *rows, size_t max, size_t *n, rd_err *e);
/* sending -> retry now, unknown_outcomes + 1 (the send's answer was lost). */
rd_code rd_careq_mark_unknown(rd_db *db, const char *id, time_t now, const char *note, rd_err *e);
/* failed -> queued, attempts 0 (the admin's retry). */
rd_code rd_careq_requeue(rd_db *db, const char *id, time_t now, rd_err *e);
typedef struct rd_careq_stats {
	int queued, sending, retry, done, failed;
	time_t oldest_open;        /* created_at of the oldest open request, 0: none */
	char last_error[512];      /* of the most recently failed or retried request */
	char last_error_id[40];
	int failed_waiting;        /* failed, newest of its application, which still waits for it */
} rd_careq_stats;
rd_code rd_careq_stats_get(rd_db *db, rd_careq_stats *out, rd_err *e);
typedef int (*rd_careq_fn)(void *ud, const rd_careq_row *r);
/* Requests newest first; state NULL: any ("open": queued, sending, retry). */
rd_code rd_careq_each(rd_db *db, const char *state, int limit, rd_careq_fn fn, void *ud, rd_err *e);

typedef struct rd_cert_row {
	int64_t id, app_id;
	char request_id[40];
	char serial_hex[48], serial_dec[64];
	char issuer[512], subject[512];
	char spki_sha256[65];
	time_t not_before, not_after;
	char *pem, *chain_pem;     /* malloc'd by the getters; rd_cert_row_free */
	char status[16];           /* valid | superseded | revoked */
	int revoke_reason;
	time_t revoked_at, created_at;
} rd_cert_row;
void rd_cert_row_free(rd_cert_row *c);
/* RD_E_CONFLICT when the request has a certificate already. */
rd_code rd_cert_insert(rd_db *db, const rd_cert_row *c, rd_err *e);
/* The newest certificate of an application that is not superseded. */
rd_code rd_cert_current_row(rd_db *db, int64_t app_id, rd_cert_row *out, rd_err *e);
rd_code rd_cert_by_request(rd_db *db, const char *request_id, rd_cert_row *out, rd_err *e);
/* valid -> superseded | revoked (reason and time for revoked). */
rd_code rd_cert_set_status(rd_db *db, int64_t id, const char *status, int reason, time_t at, rd_err *e);

/* ---- UKEY stock (issue 7) ------------------------------------------------------
 * One row per token the service point owns (migration 0006).  States:
 * in_stock awaiting_certificate issued returned lost destroyed.  app_id
 * binds the UKEY to one application at a time; step and key_id say how far
 * a running issuance got.  No PIN is ever stored. */
typedef struct rd_stock_row {
	int64_t id;
	char serial[17];
	char model[17];
	char label[33];
	char state[24];
	int64_t app_id;          /* 0: not bound */
	char app_no[32];         /* "" when not bound */
	char step[16];           /* "", bound, key, queued, written, done */
	char key_id[41];         /* CKA_ID hex of the key made on the token */
	char cert_serial[48];    /* hex serial of the certificate written to it */
	char reason[512];        /* why it was marked returned / lost / destroyed */
	char added_by[64], updated_by[64];
	time_t added_at, updated_at, issued_at;
} rd_stock_row;
/* RD_E_CONFLICT (field "serial") when the serial is in stock already. */
rd_code rd_stock_insert(rd_db *db, const rd_stock_row *r, int64_t *id, rd_err *e);
/* RD_E_NOTFOUND (field "serial") when no UKEY has that serial. */
rd_code rd_stock_get(rd_db *db, const char *serial, rd_stock_row *out, rd_err *e);
/* The application's live UKEY (in_stock bound, awaiting_certificate or
 * issued), else the one that held it last; RD_E_NOTFOUND when none. */
rd_code rd_stock_by_app(rd_db *db, int64_t app_id, rd_stock_row *out, rd_err *e);
/* Writes state, app_id, step, key_id, cert_serial, reason, model, label,
 * updated_by/at and issued_at of the row with r->id. */
rd_code rd_stock_update(rd_db *db, const rd_stock_row *r, rd_err *e);
typedef int (*rd_stock_fn)(void *ud, const rd_stock_row *r);
/* In serial order; state NULL: all. */
rd_code rd_stock_each(rd_db *db, const char *state, rd_stock_fn fn, void *ud, rd_err *e);
typedef int (*rd_stock_count_fn)(void *ud, const char *model, const char *state, int64_t n);
/* Counts per model and state, by model then state. */
rd_code rd_stock_counts(rd_db *db, rd_stock_count_fn fn, void *ud, rd_err *e);

/* ---- after issuance: revocation requests, renewals, answer attempts,
 * expiry notices, archive rows and purging (data/lifecycle.c) ---------------- */
typedef struct rd_revreq_row {
	int64_t id, app_id;
	char app_no[32];
	char purpose[16];        /* revoke | reissue | change | ceased */
	int reason;              /* RFC 5280 code */
	char serial_hex[48];
	char note[512];
	bool in_person;
	char batch[40];
	char evidence_sha256[65], evidence_name[256];
	time_t requested_at, due_at, recorded_at, approved_at, done_at;
	char recorded_by[64], approved_by[64];
	char careq_id[40];
	char status[16];         /* pending | approved | queued | done | failed | withdrawn */
	char status_reason[512];
	char *new_csr;           /* malloc'd or NULL; rd_revreq_row_free */
	char new_careq_id[40];
	char ukey_serial[64], ukey_fate[16];
	char new_app_no[32];
} rd_revreq_row;
void rd_revreq_row_free(rd_revreq_row *r);
/* Fills r->id.  RD_E_CONFLICT when the application has an open request. */
rd_code rd_revreq_insert(rd_db *db, rd_revreq_row *r, rd_err *e);
/* Writes status, status_reason, approved_by/at, careq_id, done_at,
 * new_careq_id and new_app_no of r->id. */
rd_code rd_revreq_update(rd_db *db, const rd_revreq_row *r, rd_err *e);
rd_code rd_revreq_get(rd_db *db, int64_t id, rd_revreq_row *out, rd_err *e);
/* The open (pending, approved, queued) request of an application;
 * RD_E_NOTFOUND when none. */
rd_code rd_revreq_open_for(rd_db *db, int64_t app_id, rd_revreq_row *out, rd_err *e);
typedef int (*rd_revreq_fn)(void *ud, const rd_revreq_row *r);
/* status NULL: every request; "open": pending, approved and queued; batch
 * NULL: any.  Oldest due first. */
rd_code rd_revreq_each(rd_db *db, const char *status, const char *batch, rd_revreq_fn fn, void *ud, rd_err *e);
/* Open requests past due at now. */
rd_code rd_revreq_overdue_count(rd_db *db, time_t now, int *n, rd_err *e);

rd_code rd_renewal_insert(rd_db *db, int64_t app_id, const char *old_serial, const char *proof,
			  const char *careq_id, const char *receipt, const char *operator_name, time_t at, rd_err *e);

/* Wrong answers so far and when the answer was locked (0: not locked). */
rd_code rd_answer_attempts_get(rd_db *db, int64_t app_id, int *failures, time_t *locked_at, rd_err *e);
rd_code rd_answer_attempts_set(rd_db *db, int64_t app_id, int failures, time_t last_at, time_t locked_at,
			       rd_err *e);

/* true when the agent was told about this certificate already. */
rd_code rd_expiry_notice_seen(rd_db *db, int64_t app_id, const char *serial_hex, bool *seen, rd_err *e);
rd_code rd_expiry_notice_add(rd_db *db, int64_t app_id, const char *serial_hex, time_t not_after, time_t at,
			     rd_err *e);

/* Archive rows: the applications created before `before`, the rows of
 * every table that refers to them (found through the schema's foreign
 * keys, so tables added later come along), and the audit trail from its
 * start up to the last row written before `before` (a prefix of the chain,
 * so that it can be checked even when the clock went back).  fn gets the table name and the row as a JSON object text
 * (columns by name; blobs as hex).  Order: applications, then the other
 * tables by name, then the audit trail by seq. */
typedef int (*rd_archive_row_fn)(void *ud, const char *table, const char *row_json);
rd_code rd_archive_rows(rd_db *db, time_t before, rd_archive_row_fn fn, void *ud, rd_err *e);
/* The audit head (count and last hash). */
rd_code rd_audit_head(rd_db *db, int64_t *entries, char hash[65], rd_err *e);
/* Removes an application's personal data (names, identifiers, contacts,
 * verification, document notes, name index) and records the purge.  The
 * row itself stays: payments and the audit trail refer to it. */
rd_code rd_app_purge_personal(rd_db *db, int64_t app_id, const char *archive_sha256, const char *by, time_t at,
			      rd_err *e);
bool rd_app_purged(rd_db *db, int64_t app_id);

/* ---- audit trail paging (the audit trail screen, `audit list`) ----------------
 * Keyset paging by seq: a page of the whole trail, or of one object's or
 * one operator's entries (indexes ending in seq), costs the same at the
 * top, in the middle and at the bottom of millions of rows.  `since` is
 * read in seq order too (times may go back with the clock), so a page that
 * starts before the first entry since then skips the entries before it. */
typedef struct rd_audit_filter {
	time_t since;              /* rows with at >= since; 0: all */
	const char *object;        /* exact; NULL or "": any */
	const char *operator_name; /* case-insensitive; NULL or "": any */
} rd_audit_filter;
/* At most limit rows matching f, handed to fn oldest first.  Forward: the
 * first rows with seq > cursor (cursor 0: from the top).  Backward: the
 * last rows with seq < cursor (cursor 0: from the bottom).  *n (may be
 * NULL): rows handed over. */
rd_code rd_audit_page(rd_db *db, const rd_audit_filter *f, bool backward, int64_t cursor, int limit,
		      rd_audit_fn fn, void *ud, size_t *n, rd_err *e);

#endif
