/* print — the paper an RA service point prints for an application: the
 * business acceptance form (three numbered copies), the subscriber
 * agreement, the authorization letter, the seal/signature impression sheet
 * and the UKEY hand-over receipt.  A4 PDF through pango-cairo with an
 * embedded CJK font, a QR code with an integrity code on every page, and
 * submission to a CUPS queue.
 *
 * print/ knows nothing about the database or the application struct: the
 * caller hands over a set of named fields (display-ready strings), which
 * document(s), the RA's HMAC key and a few settings.
 *
 * ---- field names ---------------------------------------------------------
 * Only these keys are accepted by rd_print_fields_set(); templates may use
 * them as {placeholders}.  A key that is not set prints as an empty box (to
 * be filled in by hand), except app.no, which is required.
 *
 *   app.no                    application number (required; no '|', no spaces)
 *   app.kind                  "new certificate", "renewal" ... (as shown)
 *   app.date                  date the application was registered
 *   app.service_point         service point code
 *   app.service_point_name    service point name
 *   app.operator              clerk who registered the application
 *   app.reviewer              reviewer (may be empty when printed)
 *   app.remarks               free text remarks
 *   subject.type              "individual" / "organization" (as shown)
 *   subject.name              person or organization name on the certificate
 *   subject.id_type           kind of identity document
 *   subject.id_number_masked  ID number, masked for paper (e.g. 1101**********1234)
 *   subject.mobile            mobile phone
 *   subject.email             e-mail address
 *   subject.address           postal address
 *   organization.name         organization name
 *   organization.credit_code  unified social credit code (GB 32100)
 *   organization.legal_rep    legal representative
 *   organization.address      registered address
 *   agent.name                the person at the counter acting for the subject
 *   agent.id_type             agent's identity document kind
 *   agent.id_number_masked    agent's ID number, masked
 *   agent.mobile              agent's mobile phone
 *   product.name              certificate product
 *   product.code              product code
 *   product.validity          validity period, e.g. "1 year"
 *   product.key_type          key algorithm, e.g. "RSA-2048", "SM2"
 *   fee.amount                amount due, e.g. "300.00"
 *   fee.status                "paid" or "unpaid" (exactly; drives the fee box)
 *   fee.receipt_no            receipt / invoice number
 *   ukey.serial               UKEY serial number
 *   ukey.model                UKEY model
 *   cert.serial               certificate serial number
 *   cert.not_before           certificate validity start
 *   cert.not_after            certificate validity end
 *   print.date                date printed on the paper (the caller's clock)
 *
 * Filled in by print/ itself (usable in templates, not settable, not
 * covered by the integrity code because the QR payload carries them):
 *   copy.no copy.count copy.label page.no page.count
 *   agreement.version agreement.title payload
 *
 * ---- QR payload ----------------------------------------------------------
 *   RADESK1|<app.no>|<doc>|<copy>/<copies>|<page>/<pages>|<code>
 * <doc> is form, agreement, authorization, impression or receipt; <code> is
 * 16 upper-case hex digits: the first 8 bytes of HMAC-SHA-256 (RA key) over
 * the payload head and every field the document's template (and, for the
 * agreement, the agreement text) prints, sorted by name.
 */
#ifndef RADESK_PRINT_H
#define RADESK_PRINT_H

#include "core/core.h"

/* ---- fields ---------------------------------------------------------------- */
typedef struct rd_print_fields rd_print_fields;
rd_print_fields *rd_print_fields_new(void);
void rd_print_fields_free(rd_print_fields *f);
/* Set (or replace) a field.  RD_E_INVALID naming the key when the key is
 * not one of the names above or the value is not valid UTF-8. */
rd_code rd_print_fields_set(rd_print_fields *f, const char *key, const char *value, rd_err *e);
/* NULL when not set. */
const char *rd_print_fields_get(const rd_print_fields *f, const char *key);
size_t rd_print_fields_count(const rd_print_fields *f);
/* The i-th key in the order set, NULL past the end. */
const char *rd_print_fields_key(const rd_print_fields *f, size_t i);
/* Read "key = value" lines ('#' comments, blank lines) from a file; errors
 * name file:line. */
rd_code rd_print_fields_load(rd_print_fields *f, const char *path, rd_err *e);
/* Is key one of the known field names? */
bool rd_print_field_known(const char *key);

/* ---- documents ------------------------------------------------------------- */
typedef enum rd_print_doc {
	RD_DOC_FORM,          /* business acceptance form 业务受理表, numbered copies */
	RD_DOC_AGREEMENT,     /* subscriber agreement */
	RD_DOC_AUTHORIZATION, /* authorization letter 授权委托书 (organizations) */
	RD_DOC_IMPRESSION,    /* seal / signature impression sheet */
	RD_DOC_RECEIPT,       /* UKEY hand-over receipt */
	RD_DOC_PACKET,        /* form (all copies) + agreement + authorization when
			       * organization + impression sheet when impression */
} rd_print_doc;
#define RD_DOC_COUNT 5 /* single documents, RD_DOC_FORM .. RD_DOC_RECEIPT */

/* "form", "agreement", "authorization", "impression", "receipt", "packet" */
const char *rd_print_doc_name(rd_print_doc d);
rd_code rd_print_doc_parse(const char *name, rd_print_doc *out, rd_err *e);

/* ---- context: templates, agreement, font, key ---------------------------------- */
typedef struct rd_print_settings {
	const char *templates_dir;  /* holds form.tpl agreement.tpl authorization.tpl
				     * impression.tpl receipt.tpl */
	const char *agreement_path; /* agreement text; NULL: <templates_dir>/../agreement.txt */
	const char *font;           /* font family; NULL: "Noto Sans CJK SC" */
	const char *font_dir;       /* prepared fonts (scripts/prepare-font) that take the
				     * place of the system's faces of the same family;
				     * NULL or a folder without fonts: system fonts only */
	const unsigned char *key;   /* RA HMAC key (copied into the context, wiped on free) */
	size_t key_len;             /* at least 16 bytes */
} rd_print_settings;

typedef struct rd_print_ctx rd_print_ctx;
/* Loads and checks every template and the agreement text (unknown
 * directive or placeholder: RD_E_INVALID with field "file:line"), checks
 * that the font is installed (RD_E_CONFIG). */
rd_code rd_print_ctx_new(rd_print_ctx **out, const rd_print_settings *s, rd_err *e);
void rd_print_ctx_free(rd_print_ctx *ctx);
/* The agreement text's version string ("Version:" header of the file), to
 * be recorded on the application. */
const char *rd_print_agreement_version(const rd_print_ctx *ctx);

/* Where things are, from [print] templates / agreement / font_dir: the
 * configured path, else share/ beside the build directory of the running
 * binary's source tree, else PREFIX/share/radesk.  malloc'd, NULL if none
 * exists. */
char *rd_print_templates_dir(const rd_config *cfg);
char *rd_print_agreement_path(const rd_config *cfg);
char *rd_print_font_dir(const rd_config *cfg);
/* rd_print_ctx_new with the settings from cfg. */
rd_code rd_print_ctx_from_config(rd_print_ctx **out, const rd_config *cfg,
				 const unsigned char *key, size_t key_len, rd_err *e);

/* ---- rendering ------------------------------------------------------------------ */
typedef struct rd_print_request {
	const rd_print_fields *fields;
	rd_print_doc doc;
	bool organization; /* packet: include the authorization letter */
	bool impression;   /* packet: include the impression sheet */
	int copies;        /* copies of the form, numbered 1..copies; 0: as many as
			    * the template's "copies" labels (3) */
	const char *const *copy_labels; /* NULL: the template's labels; else `copies` strings */
	time_t created;    /* PDF creation date; 0: now */
} rd_print_request;

typedef struct rd_print_result {
	int pages;                   /* pages in the PDF */
	char sha256[65];             /* of the PDF bytes, lower-case hex */
	size_t bytes;                /* PDF size */
	char agreement_version[64];  /* the agreement version printed ("" if none) */
} rd_print_result;

/* Render into memory; *pdf is malloc'd (caller frees).  Text that cannot
 * fit its box even after wrapping and shrinking: RD_E_INVALID naming the
 * field. */
rd_code rd_print_render_mem(rd_print_ctx *ctx, const rd_print_request *req, unsigned char **pdf,
			    size_t *len, rd_print_result *res, rd_err *e);
/* Render to a file atomically (temporary file, fsync, rename). */
rd_code rd_print_render_file(rd_print_ctx *ctx, const rd_print_request *req, const char *path,
			     rd_print_result *res, rd_err *e);

/* ---- QR payloads -------------------------------------------------------------- */
typedef struct rd_print_payload {
	char app_no[65];
	rd_print_doc doc;
	int copy, copies; /* 1/3 for the second... copy numbering starts at 1 */
	int page, pages;
	char code[17];
	bool valid; /* rd_print_payload_verify: the code holds */
} rd_print_payload;

/* Parse without checking the code (to find the application first).
 * RD_E_INVALID with field "payload" when malformed. */
rd_code rd_print_payload_parse(const char *payload, rd_print_payload *out, rd_err *e);
/* Parse and check the code against the application's fields (as printed).
 * ctx supplies the templates (which fields the document prints).  RD_OK and
 * out->valid when the code holds; RD_E_REFUSED with out filled and
 * out->valid false when it does not; RD_E_INVALID when malformed. */
rd_code rd_print_payload_verify(const unsigned char *key, size_t key_len, const char *payload,
				const rd_print_ctx *ctx, const rd_print_fields *fields,
				rd_print_payload *out, rd_err *e);
/* Build the payload a page carries (what rendering puts in the QR code). */
rd_code rd_print_payload_build(const unsigned char *key, size_t key_len, const rd_print_ctx *ctx,
			       const rd_print_fields *fields, rd_print_doc doc, int copy,
			       int copies, int page, int pages, char *out, size_t outlen,
			       rd_err *e);

/* ---- CUPS ---------------------------------------------------------------------- */
typedef struct rd_print_submit_opts {
	const char *printer; /* queue name (required) */
	int copies;          /* 0 -> 1 */
	int timeout_s;       /* 0 -> 120; job cancelled and RD_E_TIMEOUT when exceeded */
	const char *title;   /* job name; NULL: file name */
	const char *server;  /* NULL: CUPS_SERVER / client.conf / default */
} rd_print_submit_opts;

typedef enum rd_print_job_state {
	RD_JOB_COMPLETED,
	RD_JOB_ABORTED,
	RD_JOB_CANCELED,
	RD_JOB_TIMEOUT,
	RD_JOB_NOT_SUBMITTED,
} rd_print_job_state;

typedef struct rd_print_job_result {
	int job_id;                /* 0 if never created */
	rd_print_job_state state;
	char printer[128];
	char detail[256];          /* job-state-reasons / printer message */
} rd_print_job_result;

/* Submit a PDF file to a queue and follow the job until it is completed,
 * aborted or cancelled, or the timeout passes.  RD_OK only when completed.
 * Errors: RD_E_DEVICE (server unreachable, queue stopped, rejecting jobs,
 * job aborted/cancelled), RD_E_NOTFOUND (no such queue), RD_E_TIMEOUT,
 * RD_E_IO (PDF unreadable).  r (may be NULL) is filled in every case. */
rd_code rd_print_submit(const char *pdf_path, const rd_print_submit_opts *o,
			rd_print_job_result *r, const rd_logger *lg, rd_err *e);
const char *rd_print_job_state_name(rd_print_job_state s);

/* Whether a queue can take a job now: the server answers, the queue exists,
 * accepts jobs and is not stopped (the same checks rd_print_submit makes
 * first), without printing anything.  Errors as rd_print_submit's; out is
 * filled as far as the server answered. */
typedef struct rd_printer_status {
	char printer[128];
	char server[256];          /* CUPS server asked (host or socket) */
	char state[16];            /* idle | processing | stopped | "" */
	bool accepting;
	char detail[256];          /* printer-state-reasons and message */
} rd_printer_status;
rd_code rd_print_printer_status(const char *printer, const char *server, rd_printer_status *out, rd_err *e);

#endif
