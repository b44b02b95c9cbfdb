/* ukey — USB tokens (UKEYs) through the vendor's PKCS#11 module.
 *
 * One rd_ukey is one loaded module (config [ukey] module).  Tokens are
 * described by value (rd_ukey_token) and found by serial or label; work on
 * one token happens in an rd_ukey_session (a read-write PKCS#11 session).
 *
 * PINs: every PIN argument is a NUL-terminated buffer the CALLER owns and
 * wipes (rd_memzero / rd_secret_free) when done.  This module never copies a
 * PIN beyond the PKCS#11 call, never logs it and never puts it in an rd_err.
 *
 * Errors: a token that disappears mid-operation (CKR_DEVICE_REMOVED,
 * CKR_TOKEN_NOT_PRESENT, CKR_SESSION_HANDLE_INVALID ...) gives RD_E_DEVICE;
 * a wrong or locked PIN gives RD_E_AUTH (rd_ukey_pin_state tells which);
 * a bad argument RD_E_INVALID; a missing object RD_E_NOTFOUND. */
#ifndef RADESK_UKEY_H
#define RADESK_UKEY_H

#include "core/core.h"

typedef struct rd_ukey rd_ukey;
typedef struct rd_ukey_session rd_ukey_session;

#define RD_UKEY_MAX_TOKENS 32
#define RD_UKEY_PIN_MIN 6
#define RD_UKEY_PIN_MAX 16
/* Environment variable holding the RA's SO PIN when [ukey] so_pin_env is not set. */
#define RD_UKEY_SO_PIN_ENV "RADESK_UKEY_SO_PIN"

typedef struct rd_ukey_token {
	unsigned long slot;     /* PKCS#11 slot id; valid while the token stays inserted */
	char serial[17];        /* trimmed; "" for a token never initialised */
	char label[33];         /* trimmed UTF-8 */
	char model[17];
	char manufacturer[33];
	bool initialized;       /* CKF_TOKEN_INITIALIZED */
	bool user_pin_set;      /* CKF_USER_PIN_INITIALIZED */
	bool pin_count_low;     /* CKF_USER_PIN_COUNT_LOW: a wrong PIN was typed */
	bool pin_final_try;     /* CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks it */
	bool pin_locked;        /* CKF_USER_PIN_LOCKED */
	bool so_pin_locked;     /* CKF_SO_PIN_LOCKED */
} rd_ukey_token;

typedef enum rd_ukey_keytype { RD_UKEY_EC_P256 = 1, RD_UKEY_RSA_2048 = 2 } rd_ukey_keytype;

/* A key pair on the token: both halves share CKA_ID and CKA_LABEL. */
typedef struct rd_ukey_keyref {
	unsigned char id[20];
	size_t id_len;
	char id_hex[41];
	char label[65];
	rd_ukey_keytype type;
} rd_ukey_keyref;

typedef enum rd_ukey_objclass {
	RD_UKEY_OBJ_OTHER = 0,
	RD_UKEY_OBJ_PRIVATE_KEY,
	RD_UKEY_OBJ_PUBLIC_KEY,
	RD_UKEY_OBJ_CERT,
} rd_ukey_objclass;

typedef struct rd_ukey_object {
	rd_ukey_objclass cls;
	char id_hex[129];       /* CKA_ID in hex, "" when none */
	char label[65];
	bool sensitive;         /* private keys: CKA_SENSITIVE */
	bool extractable;       /* private keys: CKA_EXTRACTABLE */
} rd_ukey_object;

/* Objects grouped by CKA_ID: what a clerk needs to see on a half-issued token. */
typedef struct rd_ukey_keyinfo {
	char id_hex[129];
	char label[65];
	bool has_private, has_public, has_cert;
	bool orphan;            /* a key (private or public) without a certificate */
} rd_ukey_keyinfo;

/* One relative distinguished name of a CSR subject, e.g. {"CN", "张三"}.
 * field: CN, O, OU, C, ST, L, emailAddress, serialNumber or any name OpenSSL knows. */
typedef struct rd_ukey_rdn {
	const char *field;
	const char *value;      /* UTF-8 */
} rd_ukey_rdn;

/* ---- PIN policy (no token needed) ----------------------------------------------
 * 6-16 characters, printable ASCII, not all the same character, not a simple
 * ascending or descending run (123456, 654321, abcdef).  RD_E_INVALID with
 * field "pin" and a message naming the rule; the PIN itself is never quoted. */
rd_code rd_ukey_pin_check(const char *pin, rd_err *e);

/* The RA's SO PIN: from the environment variable named by [ukey] so_pin_env
 * (default RADESK_UKEY_SO_PIN) if set, else from the file [ukey] so_pin_file,
 * which must be a regular file of mode 0600 or stricter (first line, trailing
 * newline removed).  *pin is malloc'd; free with rd_secret_free(*pin, *len + 1). */
rd_code rd_ukey_so_pin(const rd_config *cfg, char **pin, size_t *len, rd_err *e);

/* ---- the module ------------------------------------------------------------------ */
/* Load a PKCS#11 module (path to a .so).  lg may be NULL. */
rd_code rd_ukey_open(rd_ukey **out, const char *module, const rd_logger *lg, rd_err *e);
/* Load the module named by [ukey] module. */
rd_code rd_ukey_open_config(rd_ukey **out, const rd_config *cfg, const rd_logger *lg, rd_err *e);
void rd_ukey_close(rd_ukey *u);
const char *rd_ukey_module_path(const rd_ukey *u);
/* Reload the module when tokens may have been plugged in that the module only
 * sees at start (SoftHSM2).  Refused (RD_E_REFUSED) while a session is open. */
rd_code rd_ukey_rescan(rd_ukey *u, rd_err *e);

/* Tokens present now (slots without a token are skipped), in slot order. */
rd_code rd_ukey_tokens(rd_ukey *u, rd_ukey_token *out, size_t max, size_t *n, rd_err *e);
/* Find a token by serial (exact) or else by label (exact).  RD_E_NOTFOUND when
 * none; RD_E_CONFLICT when a label matches several tokens. */
rd_code rd_ukey_find(rd_ukey *u, const char *serial_or_label, rd_ukey_token *out, rd_err *e);
/* For a screen waiting for a UKEY: polls (every [ukey] poll_ms, default 250)
 * for up to timeout_ms until the set of tokens or their flags differ from the
 * last list this handle returned (rd_ukey_tokens or rd_ukey_wait_change);
 * fills out with the current list and sets *changed.  timeout_ms 0 checks once.
 * With rescan on (default), the module is reloaded on each poll when no
 * session is open, so modules that enumerate tokens only at start see new ones. */
rd_code rd_ukey_wait_change(rd_ukey *u, int timeout_ms, rd_ukey_token *out, size_t max,
			    size_t *n, bool *changed, rd_err *e);

/* Initialise the token in t->slot (erasing everything on it): C_InitToken with
 * the SO PIN and label, then SO login and C_InitPIN with user_pin (checked
 * against the PIN policy first).  A token already initialised needs its
 * current SO PIN.  *t is refreshed (it gets a serial). */
rd_code rd_ukey_init_token(rd_ukey *u, rd_ukey_token *t, const char *so_pin, const char *label,
			   const char *user_pin, rd_err *e);

/* ---- sessions on one token -------------------------------------------------------- */
/* A read-write session on t; refuses (RD_E_DEVICE) when the slot now holds
 * another token than t->serial. */
rd_code rd_ukey_session_open(rd_ukey *u, const rd_ukey_token *t, rd_ukey_session **out, rd_err *e);
/* Logs out and closes; safe on NULL and after the token was removed. */
void rd_ukey_session_close(rd_ukey_session *s);
/* The token's current state (flags refreshed from the token). */
rd_code rd_ukey_session_token(rd_ukey_session *s, rd_ukey_token *out, rd_err *e);

/* User login.  Wrong PIN: RD_E_AUTH, message says whether few tries remain
 * or the PIN is now locked; locked: RD_E_AUTH "locked, ask ... unblock". */
rd_code rd_ukey_login(rd_ukey_session *s, const char *pin, rd_err *e);
/* True when the token has no objects visible to the session (log in first
 * to also count private objects). */
rd_code rd_ukey_is_blank(rd_ukey_session *s, bool *blank, rd_err *e);

/* Generate a key pair ON the token (logged in): private key CKA_TOKEN,
 * CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE, CKA_SIGN; a fresh random
 * 20-byte CKA_ID and label on both halves. */
rd_code rd_ukey_generate(rd_ukey_session *s, rd_ukey_keytype type, const char *label,
			 rd_ukey_keyref *out, rd_err *e);
/* Find a key pair by CKA_ID in hex. */
rd_code rd_ukey_find_key(rd_ukey_session *s, const char *id_hex, rd_ukey_keyref *out, rd_err *e);
/* A PKCS#10 CSR (PEM, malloc'd) for the key, signed on the token (SHA-256).
 * subject: n RDNs, UTF-8 values allowed. */
rd_code rd_ukey_csr(rd_ukey_session *s, const rd_ukey_keyref *k, const rd_ukey_rdn *subject,
		    size_t n, char **pem, rd_err *e);
/* Write the certificate (PEM) for key k with the key's CKA_ID and label, after
 * checking its public key is the token's; then each certificate in chain_pem
 * (may be NULL; one or more PEM certificates) as a CA certificate labelled
 * "<label> CA <i>".  Certificates already on the token are not written twice. */
rd_code rd_ukey_store_cert(rd_ukey_session *s, const rd_ukey_keyref *k, const char *cert_pem,
			   const char *chain_pem, const char *label, rd_err *e);
/* Read the certificate with k's CKA_ID back and check its public key equals the
 * token's public key for k.  RD_E_NOTFOUND when no certificate, RD_E_DATA when
 * they differ.  serial_hex (may be NULL, >= 41 bytes) gets the certificate's serial. */
rd_code rd_ukey_check_cert(rd_ukey_session *s, const rd_ukey_keyref *k, char *serial_hex,
			   size_t serial_size, rd_err *e);

/* C_SetPIN (no login needed).  new_pin is checked against the PIN policy. */
rd_code rd_ukey_change_pin(rd_ukey_session *s, const char *old_pin, const char *new_pin, rd_err *e);
/* Unblock: SO login with so_pin, C_InitPIN(new_pin), SO logout. */
rd_code rd_ukey_unblock(rd_ukey_session *s, const char *so_pin, const char *new_pin, rd_err *e);

/* Every object the session can see (log in for private ones). */
rd_code rd_ukey_objects(rd_ukey_session *s, rd_ukey_object *out, size_t max, size_t *n, rd_err *e);
/* Objects grouped by CKA_ID (objects without an id are left out). */
rd_code rd_ukey_keys(rd_ukey_session *s, rd_ukey_keyinfo *out, size_t max, size_t *n, rd_err *e);
/* Destroy every key and certificate with this CKA_ID (logged in).
 * *destroyed (may be NULL) gets how many; RD_E_NOTFOUND when none. */
rd_code rd_ukey_delete(rd_ukey_session *s, const char *id_hex, size_t *destroyed, rd_err *e);

#endif
