/* ca — upstream CA connectors behind one interface.
 *
 * A connection (rd_ca *) is opened from settings (usually [ca] in the
 * configuration) and keeps one HTTPS connection alive across calls, so a
 * batch of requests costs one TLS handshake.  Drivers: "cfssl" (the cfssl
 * HTTP API) and "cmp" (RFC 4210 / RFC 9483 through OpenSSL's CMP client),
 * both over libcurl with TLS 1.2+, the server always verified against the
 * configured trust anchor, and the RA's client certificate.
 *
 * Errors: every call fills the caller's rd_err.  The code says what to do:
 *   RD_E_UPSTREAM  transient: connection failed or reset, HTTP 5xx or 429,
 *                  CMP transport failure -> retry later with backoff
 *   RD_E_TIMEOUT   transient: connect or total timeout
 *   RD_E_REFUSED   permanent: the CA said no (HTTP 4xx, success:false, CMP
 *                  rejection), or its answer was unacceptable (not JSON,
 *                  certificate for another key, from another CA, wrong
 *                  subject, odd validity): e->field is "response" or
 *                  "response.<what>" in that case.  Do not retry; show the
 *                  reason to a reviewer.
 *   RD_E_AUTH      permanent: TLS authentication failed (server certificate
 *                  untrusted or for another name, client certificate refused)
 *   RD_E_CONFIG / RD_E_IO / RD_E_INVALID  permanent: settings, files or the
 *                  request itself are wrong (e->field names which)
 * rd_ca_transient() tells the two groups apart.
 *
 * Traceability: cfssl 1.2 stores nothing of a request but the certificate,
 * so a request is traced by its public key: the outbox keeps the CSR (and
 * rd_ca_spki_sha256() of it) with its request id, and any certificate at the
 * CA maps back to its request through the same fingerprint.  The cfssl
 * driver also sends the id as the HTTP header X-Request-ID; the CMP driver
 * uses it (hashed to 16 bytes) as the CMP transactionID. */
#ifndef RADESK_CA_H
#define RADESK_CA_H

#include "core/core.h"

typedef struct rd_ca rd_ca;

/* Subject data as approved.  NULL or "" fields are absent.  UTF-8 (Chinese
 * names welcome).  email goes into subjectAltName, not into the DN. */
typedef struct rd_ca_subject {
	const char *cn, *o, *ou, *l, *st, *c;
	const char *email;
} rd_ca_subject;

/* RFC 5280 CRLReason codes. */
typedef enum rd_ca_reason {
	RD_CA_UNSPECIFIED = 0,
	RD_CA_KEY_COMPROMISE = 1,
	RD_CA_CA_COMPROMISE = 2,
	RD_CA_AFFILIATION_CHANGED = 3,
	RD_CA_SUPERSEDED = 4,
	RD_CA_CESSATION_OF_OPERATION = 5,
	RD_CA_CERTIFICATE_HOLD = 6,
	RD_CA_REMOVE_FROM_CRL = 8,
	RD_CA_PRIVILEGE_WITHDRAWN = 9,
	RD_CA_AA_COMPROMISE = 10,
} rd_ca_reason;
/* "keyCompromise" <-> RD_CA_KEY_COMPROMISE; -1 / NULL when unknown. */
int rd_ca_reason_parse(const char *name);
const char *rd_ca_reason_name(int reason);

/* Connection settings.  Strings are copied by rd_ca_open. */
typedef struct rd_ca_settings {
	const char *driver;          /* "cfssl" or "cmp" */
	const char *url;             /* https://host:port (cmp: without path) */
	const char *trust;           /* PEM file: the CA (root, and intermediates) */
	const char *client_cert;     /* PEM file: the RA's TLS client certificate */
	const char *client_key;      /* PEM file (mode 0600 or stricter) or "pkcs11:" URI */
	const char *profile;         /* default profile (cfssl profile / CMP: unused) */
	const char *auth_key;        /* hex; cfssl authsign when set */
	long timeout_s;              /* whole request; default 15 */
	long connect_timeout_s;      /* TCP + TLS connect; default 5 */
	/* CMP */
	const char *cmp_path;        /* e.g. "pkix/"; default "" */
	const char *cmp_secret_file; /* MAC protection: shared secret (file, 0600) */
	const char *cmp_ref;         /* MAC protection: sender reference */
	const char *cmp_cert;        /* signature protection: RA's CMP certificate */
	const char *cmp_key;         /* ... and its key (file, 0600) */
	const char *cmp_recipient;   /* e.g. "/CN=radesk test CA"; default: from trust */
	const char *cmp_srv_cert;    /* CMP server's certificate (pinned; optional) */
	/* response checks */
	long max_skew_s;             /* notBefore may be this far ahead; default 600 */
	long max_days;               /* validity at most this; default 3660 */
	int fresh_connection;        /* 1: new TLS connection for every request (benchmark) */
	const rd_logger *log;        /* may be NULL */
} rd_ca_settings;

/* Settings from [ca] of cfg.  The strings in *s live in *owned: release
 * it with rd_ca_settings_release() once done (rd_ca_open copies them). */
rd_code rd_ca_settings_from_config(const rd_config *cfg, rd_ca_settings *s, void **owned,
				   rd_err *e);
void rd_ca_settings_release(void *owned);

rd_code rd_ca_open(rd_ca **out, const rd_ca_settings *s, rd_err *e);
void rd_ca_close(rd_ca *ca);
const char *rd_ca_driver_name(const rd_ca *ca);
/* True for codes worth retrying later (RD_E_UPSTREAM, RD_E_TIMEOUT). */
bool rd_ca_transient(rd_code code);

/* One enrollment. */
typedef struct rd_ca_request {
	const char *csr_pem;      /* PKCS#10, PEM */
	const char *profile;      /* NULL: the settings' profile */
	rd_ca_subject subject;    /* approved subject: sent to the CA and checked */
	const char *request_id;   /* idempotency id of the outbox row (required) */
	long valid_days;          /* expected validity in days, 0: not checked
				   * beyond max_days; a day of slack is allowed */
	const char *csr_spki_sha256; /* optional: the CSR's key as rd_ca_spki_sha256
				      * gives it, known from when the CSR was
				      * checked; saves reading the CSR again */
} rd_ca_request;

/* An issued (and checked) certificate. */
typedef struct rd_ca_cert {
	char *pem;                /* leaf certificate, PEM */
	char serial_hex[48];      /* lower case, whole bytes (as openssl x509 -serial) */
	char serial_dec[64];
	char issuer[512];         /* RFC 2253, UTF-8 */
	char subject[512];
	char spki_sha256[65];     /* SHA-256 of SubjectPublicKeyInfo, hex */
	time_t not_before, not_after;
} rd_ca_cert;
void rd_ca_cert_free(rd_ca_cert *c); /* frees the contents; c itself is the caller's */

rd_code rd_ca_enroll(rd_ca *ca, const rd_ca_request *req, rd_ca_cert *out, rd_err *e);
/* Renewal: a new certificate for req (new CSR) replacing old_cert_pem
 * (cfssl: a new enrollment; CMP: key update request). */
rd_code rd_ca_renew(rd_ca *ca, const rd_ca_request *req, const char *old_cert_pem,
		    rd_ca_cert *out, rd_err *e);
/* The wire half of rd_ca_enroll (old_cert_pem NULL) or rd_ca_renew: the
 * CA's certificate as it came, PEM in *cert_pem (malloc'd), NOT yet checked
 * here (CMP checks before it confirms).  The caller must run
 * rd_ca_check_response and rd_ca_log_outcome on it before trusting it; the
 * outbox does so on its main thread while the next request is on the wire. */
rd_code rd_ca_fetch_cert(rd_ca *ca, const rd_ca_request *req, const char *old_cert_pem, char **cert_pem,
			 rd_err *e);
/* The log line of a checked answer: issued serial, or refused and why. */
void rd_ca_log_outcome(rd_ca *ca, const rd_ca_request *req, rd_code rc, const rd_ca_cert *cert,
		       const rd_err *e);
/* serial: hex ("0x" prefix optional) or decimal with "dec:" prefix.
 * cmp needs the certificate itself: cert_pem (NULL for cfssl is fine). */
rd_code rd_ca_revoke(rd_ca *ca, const char *serial, const char *cert_pem, int reason,
		     rd_err *e);

typedef struct rd_ca_info {
	char *chain_pem;          /* the CA's certificate(s), PEM */
	char subject[512];
	time_t not_after;
	bool trusted;             /* chain verified against the trust anchor */
} rd_ca_info;
void rd_ca_info_free(rd_ca_info *i);
rd_code rd_ca_info_get(rd_ca *ca, rd_ca_info *out, rd_err *e);

typedef struct rd_ca_ping {
	double tls_ms;            /* connect + TLS handshake */
	double total_ms;
	char tls_version[32];     /* "TLSv1.3" */
	int http_version;         /* 11, 2 */
	long skew_s;              /* server Date minus local time (0 if no Date) */
	bool have_date;
	rd_ca_info info;          /* CA chain (cfssl: /info; cmp: trust file) */
} rd_ca_ping;
void rd_ca_ping_free(rd_ca_ping *p);
rd_code rd_ca_ping_run(rd_ca *ca, rd_ca_ping *out, rd_err *e);

/* Submit n requests over the same connection, calling done for each
 * (ok or not).  Returns how many were issued.  The benchmark and the
 * outbox's batch both use it. */
typedef void (*rd_ca_done_fn)(void *ud, size_t i, rd_code rc, const rd_ca_cert *cert,
			      const rd_err *e);
size_t rd_ca_enroll_many(rd_ca *ca, const rd_ca_request *reqs, size_t n, rd_ca_done_fn done,
			 void *ud);

/* ---- driver table ------------------------------------------------------
 * A driver fills these; rd_ca_* above dispatch through them after common
 * argument checks.  enroll/renew return the CA's certificate PEM unchecked
 * in *cert_pem (malloc'd); the common layer runs rd_ca_check_cert on it. */
struct rd_ca_ops {
	const char *name;
	rd_code (*open)(rd_ca *ca, rd_err *e);
	void (*close)(rd_ca *ca);
	rd_code (*enroll)(rd_ca *ca, const rd_ca_request *req, char **cert_pem, rd_err *e);
	rd_code (*renew)(rd_ca *ca, const rd_ca_request *req, const char *old_cert_pem,
			 char **cert_pem, rd_err *e);
	rd_code (*revoke)(rd_ca *ca, const char *serial_dec, const char *cert_pem, int reason,
			  rd_err *e);
	rd_code (*info)(rd_ca *ca, rd_ca_info *out, rd_err *e);
	rd_code (*ping)(rd_ca *ca, rd_ca_ping *out, rd_err *e);
};

/* ---- response checks ------------------------------------------------------
 * What the outbox calls again on a stored answer, and the drivers call on
 * every enrollment: the PEM parses as one certificate; its public key is the
 * CSR's; its subject has exactly the approved fields; it chains to the trust
 * anchor (plus chain_pem, may be NULL); notBefore <= now + max_skew_s,
 * notAfter > notBefore, notAfter > now, validity <= max_days (and within a
 * day of valid_days when set).  Fills out on success only; failures are
 * RD_E_REFUSED with e->field "response.<check>". */
typedef struct rd_ca_check {
	const char *trust_file;   /* PEM file with the CA certificate(s) */
	const char *chain_pem;    /* extra untrusted intermediates, may be NULL */
	time_t now;               /* 0: time(NULL) */
	long max_skew_s;
	long max_days;
} rd_ca_check;
rd_code rd_ca_check_cert(const rd_ca_check *chk, const rd_ca_request *req, const char *cert_pem,
			 rd_ca_cert *out, rd_err *e);
/* The check as the connection ca would run it (its trust, skew, limits). */
rd_code rd_ca_check_response(rd_ca *ca, const rd_ca_request *req, const char *cert_pem,
			     rd_ca_cert *out, rd_err *e);

/* SHA-256 (hex) of the SubjectPublicKeyInfo of a PEM CSR or certificate. */
rd_code rd_ca_spki_sha256(const char *pem, char out[65], rd_err *e);

/* Software EC P-256 key and CSR with the given subject (tests, benchmark).
 * key_pem may be NULL when the key is not wanted. */
rd_code rd_ca_make_test_csr(const rd_ca_subject *s, char **csr_pem, char **key_pem, rd_err *e);

#endif
