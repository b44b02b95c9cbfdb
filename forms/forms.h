/* forms — field specifications, validators and the application model.
 *
 * Independent of any screen and of the database: the TUI form, the CLI
 * import and the printed form all derive from the field table below, and
 * the data layer receives values already normalised here.
 *
 * Conventions
 * - Every validator takes the value as typed (UTF-8, NUL-terminated), the
 *   name or JSON path of the field (copied into e->field) and an rd_err
 *   (may be NULL).  It returns RD_OK, or RD_E_INVALID with e->msg naming
 *   the rule that failed ("check character is 3, not X").
 * - Validators normalise before checking (upper case, spaces removed ...):
 *   "11010519491231002x" is valid; the canonical form comes from the
 *   rd_norm_* helpers, which the application model applies on input.
 * - Messages are translated (_()); labels and help texts are N_() strings,
 *   translate them with _() where they are shown. */
#ifndef RADESK_FORMS_H
#define RADESK_FORMS_H

#include <jansson.h>

#include "core/core.h"

/* ---- limits (in characters, i.e. code points) ------------------------------ */
#define RD_NAME_MAX_CHARS 60
#define RD_ADDRESS_MAX_CHARS 200
#define RD_QUESTION_MAX_CHARS 100
#define RD_ANSWER_MAX_CHARS 100
#define RD_EMAIL_MAX_CHARS 254
#define RD_USERNAME_MAX_CHARS 12
#define RD_ID_NUMBER_MAX_CHARS 18
#define RD_SLUG_MAX_CHARS 32 /* product ids, agreement versions */
/* Bytes for a buffer holding n characters of UTF-8 and the NUL. */
#define RD_UTF8_BYTES(n) ((n) * 4 + 1)

/* ---- enumerations ------------------------------------------------------------ */
typedef enum rd_app_kind {
	RD_APP_KIND_NONE = 0, /* not given (or not valid) */
	RD_APP_INDIVIDUAL,
	RD_APP_ORGANIZATION,
} rd_app_kind;
/* "individual" / "organization"; NULL for NONE.  Parse: NONE if unknown. */
const char *rd_app_kind_name(rd_app_kind k);
rd_app_kind rd_app_kind_parse(const char *s);

typedef enum rd_id_type {
	RD_ID_NONE = 0,        /* not given (or not valid) */
	RD_ID_RESIDENT,        /* "resident_id": 居民身份证, GB 11643 */
	RD_ID_PASSPORT,        /* "passport": 护照 */
	RD_ID_HK_MACAU,        /* "hk_macau_permit": 港澳居民来往内地通行证 */
	RD_ID_TAIWAN,          /* "taiwan_permit": 台湾居民来往大陆通行证 */
	RD_ID_FOREIGN_PR,      /* "foreign_permanent_resident": 外国人永久居留身份证 */
} rd_id_type;
#define RD_ID_TYPE_COUNT 6
const char *rd_id_type_name(rd_id_type t);       /* JSON name, NULL for NONE */
const char *rd_id_type_label(rd_id_type t);      /* English N_() label */
const char *rd_id_type_label_zh(rd_id_type t);   /* Chinese label */
rd_id_type rd_id_type_parse(const char *s);      /* NONE if unknown */

/* ---- validators --------------------------------------------------------------- */
/* GB 11643 resident ID: 18 characters, 17 digits then a digit or X (either
 * case), region code not 000000, a real birth date (1880 or later) not after
 * the date of `now` in China Standard Time, ISO 7064 MOD 11-2 check. */
rd_code rd_check_resident_id(const char *value, time_t now, const char *field, rd_err *e);
/* GB 32100 unified social credit code: 18 characters from 0-9 A-H J-N P-R T-U
 * W-Y, characters 3-8 (region code) digits, check character per GB 32100.
 * Case and spaces in the input are ignored. */
rd_code rd_check_uscc(const char *value, const char *field, rd_err *e);
/* 11 digits, 13..19 first; spaces, hyphens and a +86/0086 prefix ignored. */
rd_code rd_check_mobile(const char *value, const char *field, rd_err *e);
/* Area code (0 + 2..3 digits) and a 7..8 digit number not starting with 0,
 * separated by '-', a space or parentheses ("010-12345678", "(010)12345678"),
 * then an optional extension of 1..6 digits after '-': "0755-1234567-123". */
rd_code rd_check_landline(const char *value, const char *field, rd_err *e);
/* local@domain: at most 254 characters, local part at most 64 printable
 * ASCII characters without spaces or ()<>[]:;,\" and without leading,
 * trailing or double dots; domain of dot-separated labels (letters, digits,
 * inner hyphens, 1..63 each) with at least one dot and a letter-only top
 * label of 2 or more. */
rd_code rd_check_email(const char *value, const char *field, rd_err *e);
rd_code rd_check_postal_code(const char *value, const char *field, rd_err *e); /* 6 digits */
/* 1..12 ASCII letters or digits (uniqueness is the database's job). */
rd_code rd_check_username(const char *value, const char *field, rd_err *e);
/* Valid UTF-8, no control characters (C0, DEL, C1, U+2028/2029, U+FFFD),
 * after trimming (ASCII white space and U+3000) between min and max
 * characters.  min 0 allows an empty value. */
rd_code rd_check_text(const char *value, long min_chars, long max_chars, const char *field, rd_err *e);
/* Person and organization names: rd_check_text 1..60. */
rd_code rd_check_name(const char *value, const char *field, rd_err *e);
/* Addresses: rd_check_text 1..200. */
rd_code rd_check_address(const char *value, const char *field, rd_err *e);
/* Format checks only (spaces ignored, case-insensitive):
 * passport: 5..17 letters or digits with at least one digit;
 * Hong Kong/Macau permit: H or M then 8 or 10 digits;
 * Taiwan permit: 8 digits, or 10 digits optionally followed by "(A)";
 * foreign permanent resident card: 3 letters + 12 digits (2004 card) or
 * 9 + 16 digits + digit or X (2017/2023 cards). */
rd_code rd_check_passport(const char *value, const char *field, rd_err *e);
rd_code rd_check_hk_macau_permit(const char *value, const char *field, rd_err *e);
rd_code rd_check_taiwan_permit(const char *value, const char *field, rd_err *e);
rd_code rd_check_foreign_pr(const char *value, const char *field, rd_err *e);
/* Dispatch on the ID type (RD_ID_NONE: "ID type is missing or unknown"). */
rd_code rd_check_id_number(rd_id_type type, const char *value, time_t now, const char *field,
			   rd_err *e);

/* The check characters themselves (exposed for tests and tools):
 * 17 digits -> '0'..'9' or 'X'; 17 USCC characters -> alphabet character.
 * Return '\0' when the input is not of that shape. */
char rd_gb11643_check_char(const char *first17);
char rd_gb32100_check_char(const char *first17);

/* ---- normalisation (canonical forms, also the blind-index input) --------------
 * Each writes at most n bytes including the NUL and returns RD_OK, or
 * RD_E_INVALID when the input is not valid UTF-8 or the result would not
 * fit (out is then "").  They do not validate: feed the result to a
 * validator.  Each is idempotent: a canonical form is its own. */
/* ID numbers of every type: white space (ASCII and U+3000) removed, ASCII
 * letters upper-cased; for the Taiwan permit a "(A)" suffix is kept. */
rd_code rd_norm_id_number(const char *in, char *out, size_t n);
/* USCC: white space and hyphens removed, upper case. */
rd_code rd_norm_uscc(const char *in, char *out, size_t n);
/* Mobile: spaces and hyphens removed, then a leading "+86", "0086" or "86"
 * removed when 11 characters starting with 1 follow:
 * "+86 138-0013-8000" -> "13800138000". */
rd_code rd_norm_mobile(const char *in, char *out, size_t n);
/* Email: trimmed, domain part lower-cased (the local part is kept). */
rd_code rd_norm_email(const char *in, char *out, size_t n);
/* User name: trimmed, lower case (the uniqueness key). */
rd_code rd_norm_username(const char *in, char *out, size_t n);
/* Free text (names, addresses): ASCII white space and U+3000 trimmed at
 * both ends; nothing inside is changed (registered names must match the
 * licence character for character). */
rd_code rd_norm_text(const char *in, char *out, size_t n);

/* ---- masking for screens and lists -------------------------------------------- */
/* ID numbers and credit codes: first 6, asterisks, last 4 ("110105********002X");
 * values of 10 characters or fewer keep a quarter at each end; non-ASCII
 * input is all asterisks.  out receives at most n bytes. */
void rd_mask_id(const char *in, char *out, size_t n);
/* Mobile: first 3, "****", last 4 ("138****8000"); other lengths as rd_mask_id. */
void rd_mask_mobile(const char *in, char *out, size_t n);

/* ---- error lists ---------------------------------------------------------------
 * Whole-application checks report every failing field: one rd_err per
 * failure, field = JSON path ("agent.mobile", "[3].years" in a batch),
 * msg = the rule.  Caller-owned; zero-initialise or rd_errlist_init. */
typedef struct rd_errlist {
	rd_err *items;
	size_t n, cap;
} rd_errlist;
void rd_errlist_init(rd_errlist *l);
void rd_errlist_free(rd_errlist *l);
void rd_errlist_clear(rd_errlist *l);  /* n = 0, keeps the memory */
/* Append a copy of e (ignored when e->code is RD_OK).  Returns e->code. */
rd_code rd_errlist_add(rd_errlist *l, const rd_err *e);
rd_code rd_errlist_addf(rd_errlist *l, rd_code code, const char *path, const char *fmt, ...)
	RD_PRINTF(4, 5);
/* The first entry for exactly this path, or NULL. */
const rd_err *rd_errlist_find(const rd_errlist *l, const char *path);
/* All entries as "path: message" lines joined by '\n' (malloc'd; NULL on ENOMEM). */
char *rd_errlist_text(const rd_errlist *l);

/* ---- products ----------------------------------------------------------------------
 * From the configuration's [product.<id>] sections (keys name, name_zh, kind,
 * key_type, impression, max_years, profile), or, when none is configured,
 * the built-in personal-sign, org-sign and org-seal. */
typedef enum rd_key_type { RD_KEY_EC_P256 = 0, RD_KEY_RSA_2048 } rd_key_type;
const char *rd_key_type_name(rd_key_type t); /* "ec-p256" / "rsa-2048" */

typedef struct rd_product {
	char id[RD_SLUG_MAX_CHARS + 1];     /* "org-seal" */
	char name[RD_UTF8_BYTES(60)];       /* English; built-ins translate with _() */
	char name_zh[RD_UTF8_BYTES(60)];
	rd_app_kind kind;
	rd_key_type key_type;
	bool impression;                     /* a seal/signature impression sheet is needed */
	int max_years;                       /* 1..10 */
	char profile[RD_UTF8_BYTES(32)];     /* CA profile; "" = the CA's default */
} rd_product;

typedef struct rd_products rd_products;
/* cfg may be NULL (built-ins).  RD_E_CONFIG naming "[product.x]" when a
 * section's id is not 1..32 of a-z, 0-9, '-', '_'. */
rd_code rd_products_load(const rd_config *cfg, rd_products **out, rd_err *e);
void rd_products_free(rd_products *p);
size_t rd_products_count(const rd_products *p);
const rd_product *rd_products_at(const rd_products *p, size_t i); /* NULL past the end */
const rd_product *rd_products_find(const rd_products *p, const char *id);
/* The product's name in the current language (name_zh when LC_MESSAGES is zh). */
const char *rd_product_display_name(const rd_product *p);

/* ---- the application model ------------------------------------------------------
 * A plain struct with fixed buffers ("" = absent), so it can be copied by
 * assignment (类似申请: copy, then clear subject/username/verification).
 * Text values are stored normalised when set through rd_application_set or
 * read from JSON.  verification.answer is a secret: it only lives here
 * until the workflow hashes it; rd_application_clear wipes the struct. */
typedef struct rd_person {
	char name[RD_UTF8_BYTES(RD_NAME_MAX_CHARS)];
	rd_id_type id_type;                          /* RD_ID_NONE = not given */
	char id_number[RD_UTF8_BYTES(RD_ID_NUMBER_MAX_CHARS)];
	char mobile[RD_UTF8_BYTES(11)];
	char email[RD_UTF8_BYTES(RD_EMAIL_MAX_CHARS)];
} rd_person;

typedef struct rd_organization {
	char name[RD_UTF8_BYTES(RD_NAME_MAX_CHARS)];
	char uscc[RD_UTF8_BYTES(18)];
	char address[RD_UTF8_BYTES(RD_ADDRESS_MAX_CHARS)];
	char legal_rep[RD_UTF8_BYTES(RD_NAME_MAX_CHARS)];
} rd_organization;

typedef struct rd_application {
	rd_app_kind kind;
	char product[RD_UTF8_BYTES(RD_SLUG_MAX_CHARS)];
	int years;                                   /* 0 = not given */
	char username[RD_UTF8_BYTES(RD_USERNAME_MAX_CHARS)];
	rd_person subject;                           /* individual applications */
	rd_organization organization;                /* organization applications */
	rd_person agent;                             /* optional for individuals */
	struct {
		char question[RD_UTF8_BYTES(RD_QUESTION_MAX_CHARS)];
		char answer[RD_UTF8_BYTES(RD_ANSWER_MAX_CHARS)]; /* secret */
	} verification;
	char agreement_version[RD_UTF8_BYTES(RD_SLUG_MAX_CHARS)];
} rd_application;

void rd_application_init(rd_application *a);   /* all empty */
void rd_application_clear(rd_application *a);  /* wipe (answer included) */
/* For 类似申请: keep kind, product, years, organization and agent; clear
 * the subject, user name, verification and agreement version. */
void rd_application_copy_for_similar(rd_application *dst, const rd_application *src);

/* ---- field specifications -----------------------------------------------------------
 * One row per field of the application, in form order.  Iterate with
 *   for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) */
typedef enum rd_field_id {
	RD_F_KIND,
	RD_F_PRODUCT,
	RD_F_YEARS,
	RD_F_USERNAME,
	RD_F_SUBJECT_NAME,
	RD_F_SUBJECT_ID_TYPE,
	RD_F_SUBJECT_ID_NUMBER,
	RD_F_SUBJECT_MOBILE,
	RD_F_SUBJECT_EMAIL,
	RD_F_ORG_NAME,
	RD_F_ORG_USCC,
	RD_F_ORG_ADDRESS,
	RD_F_ORG_LEGAL_REP,
	RD_F_AGENT_NAME,
	RD_F_AGENT_ID_TYPE,
	RD_F_AGENT_ID_NUMBER,
	RD_F_AGENT_MOBILE,
	RD_F_AGENT_EMAIL,
	RD_F_VERIFY_QUESTION,
	RD_F_VERIFY_ANSWER,
	RD_F_AGREEMENT_VERSION,
	RD_F_COUNT
} rd_field_id;

/* Whether a field must be filled, per application kind. */
typedef enum rd_req {
	RD_REQ_UNUSED = 0, /* not part of this kind: must stay empty */
	RD_REQ_OPTIONAL,
	RD_REQ_REQUIRED,
	RD_REQ_GROUP,      /* required once any field of its group (e.g. agent) is filled */
} rd_req;

/* Which rule a field's value follows. */
typedef enum rd_check {
	RD_CHECK_KIND,       /* individual | organization */
	RD_CHECK_PRODUCT,    /* a product id of the product list, of the right kind */
	RD_CHECK_YEARS,      /* 1..product's max_years */
	RD_CHECK_USERNAME,
	RD_CHECK_NAME,
	RD_CHECK_ID_TYPE,
	RD_CHECK_ID_NUMBER,  /* by the sibling id_type */
	RD_CHECK_MOBILE,
	RD_CHECK_EMAIL,
	RD_CHECK_USCC,
	RD_CHECK_ADDRESS,
	RD_CHECK_TEXT,       /* rd_check_text 1..max_chars */
	RD_CHECK_SLUG,       /* 1..max_chars of letters, digits, '.', '-', '_' */
} rd_check;

typedef enum rd_field_type {
	RD_FT_TEXT,    /* JSON string */
	RD_FT_INT,     /* JSON integer */
	RD_FT_ENUM,    /* JSON string from a fixed set (kind, id_type) */
	RD_FT_SECRET,  /* JSON string, never shown again (verification answer) */
} rd_field_type;

typedef struct rd_field {
	rd_field_id id;
	const char *path;      /* JSON path: "subject.id_number" */
	const char *group;     /* "subject", "organization", "agent", "verification" or NULL */
	const char *key;       /* last path element: "id_number" */
	const char *label;     /* English, N_(): show with _(label) */
	const char *label_zh;  /* Chinese, as printed on paper forms */
	rd_req req[3];         /* indexed by rd_app_kind (NONE, INDIVIDUAL, ORGANIZATION) */
	int max_chars;
	rd_field_type type;
	rd_check check;
	const char *help;      /* English, N_(): show with _(help) */
} rd_field;

const rd_field *rd_field_next(const rd_field *prev); /* NULL: first; NULL after the last */
const rd_field *rd_field_get(rd_field_id id);
const rd_field *rd_field_by_path(const char *path);  /* NULL if unknown */
size_t rd_field_count(void);

/* ---- values by field (what a form or an import line edits) --------------------- */
/* The value as text ("" when empty; years and enums formatted).  buf is used
 * for formatted values; the returned pointer may also point into a. */
const char *rd_application_get(const rd_application *a, rd_field_id id, char *buf, size_t n);
/* Normalise and store a value; RD_E_INVALID (field = path) when it is not
 * valid UTF-8, too long, not a whole number (years) or not one of the enum
 * names.  Does not run the field's validator: see rd_application_check_field.
 * "" clears the field. */
rd_code rd_application_set(rd_application *a, rd_field_id id, const char *value, rd_err *e);

/* ---- validation -------------------------------------------------------------------
 * products may be NULL (built-ins); now is the clock for birth dates. */
#define RD_APP_ANSWER_KEPT 0x1u /* an empty verification answer is fine (edit: hash kept) */
#define RD_APP_PARTIAL 0x2u     /* a draft: empty fields are fine, what is given is checked */
/* One field's rules in the context of the whole application (what the TUI
 * shows when the clerk leaves the field): format, and required-ness for the
 * kind.  RD_OK or RD_E_INVALID with field = path. */
rd_code rd_application_check_field(const rd_application *a, rd_field_id id,
				   const rd_products *products, time_t now, unsigned flags,
				   rd_err *e);
/* Every failing field, appended to errs (paths prefixed with prefix, e.g.
 * "[3]", may be NULL or "").  RD_OK when none failed, else RD_E_INVALID. */
rd_code rd_application_validate(const rd_application *a, const rd_products *products, time_t now,
				unsigned flags, const char *prefix, rd_errlist *errs);

/* ---- JSON ----------------------------------------------------------------------------
 * The shape (exactly these keys; absent blocks and null values are empty):
 * {"kind":"individual"|"organization","product":"...","years":1,"username":"...",
 *  "subject":{"name","id_type","id_number","mobile","email"},
 *  "organization":{"name","uscc","address","legal_rep"},
 *  "agent":{"name","id_type","id_number","mobile","email"},
 *  "verification":{"question","answer"},"agreement_version":"..."}
 * id_type defaults to "resident_id" when a person has an id_number. */
#define RD_APP_JSON_MAX (64u << 20) /* bytes of JSON text accepted */
/* Parse one application object (jv) into out: wrong types, unknown keys,
 * oversize strings, invalid UTF-8 and control characters are appended to
 * errs with their paths; then the whole application is validated.
 * RD_OK or RD_E_INVALID (out holds what could be read). */
rd_code rd_application_from_json_value(const json_t *jv, const rd_products *products, time_t now,
				       unsigned flags, const char *prefix, rd_application *out,
				       rd_errlist *errs);
/* The same from text (len bytes, not necessarily NUL-terminated).
 * Malformed JSON: one error with field "" naming line and column. */
rd_code rd_application_from_json(const char *text, size_t len, const rd_products *products,
				 time_t now, unsigned flags, rd_application *out, rd_errlist *errs);

/* Batch import: text is a JSON array of application objects (a single
 * object is taken as a batch of one, *was_array false).  Each element is
 * parsed and validated on its own and handed to fn with its index, the
 * application and its errors (paths prefixed "[i]"; for a single object no
 * prefix); ok tells whether it passed.  fn returns RD_OK to go on, anything
 * else stops the batch and is returned.  Malformed JSON or a top level that
 * is neither array nor object: RD_E_INVALID with the reason in errs and fn
 * never called.  Otherwise RD_OK (even when elements failed); *n_ok and
 * *n_failed count them (either may be NULL). */
typedef rd_code (*rd_app_batch_fn)(void *ud, size_t index, const rd_application *a, bool ok,
				   const rd_errlist *errs);
rd_code rd_application_batch_from_json(const char *text, size_t len, const rd_products *products,
				       time_t now, unsigned flags, rd_app_batch_fn fn, void *ud,
				       bool *was_array, size_t *n_ok, size_t *n_failed,
				       rd_errlist *errs);

#define RD_APP_JSON_WITH_ANSWER 0x1u /* include verification.answer (never for display) */
/* New reference; blocks not used by the kind are left out, as are empty
 * agents.  NULL on ENOMEM. */
json_t *rd_application_to_json(const rd_application *a, unsigned flags);
/* Compact text, malloc'd (free with free(); wipe it when it has the answer). */
char *rd_application_to_json_text(const rd_application *a, unsigned flags);

#endif
