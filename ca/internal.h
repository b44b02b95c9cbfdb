/* ca internals: the connection, the HTTPS transport, driver tables. */
#ifndef RADESK_CA_INTERNAL_H
#define RADESK_CA_INTERNAL_H

#include "ca/ca.h"

#include <curl/curl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy of n bytes (BIO memory is not terminated, so
 * strndup would read past it). */
static inline char *rd_ca_memstr(const char *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

struct rd_ca {
	const struct rd_ca_ops *ops;
	/* copied settings */
	char *driver, *url, *trust, *client_cert, *client_key, *profile;
	unsigned char auth_key[64];
	size_t auth_key_len;
	long timeout_s, connect_timeout_s, max_skew_s, max_days;
	int fresh_connection;
	char *cmp_path, *cmp_secret_file, *cmp_ref, *cmp_cert, *cmp_key, *cmp_recipient,
		*cmp_srv_cert;
	const rd_logger *log;
	/* transport */
	CURL *curl;
	struct curl_slist *headers_json, *headers_cmp;
	char curl_err[CURL_ERROR_SIZE];
	char last_tls[32]; /* TLS version of the last exchange */
	X509_STORE *store; /* the trust anchor, loaded once for the response checks */
	void *drv; /* driver state */
};

/* An HTTP answer. */
typedef struct rd_http_resp {
	long status;
	char *body;
	size_t len;
	char date[64]; /* Date header, "" when absent */
	char tls_version[32];
	long http_version; /* 11, 2 */
	double tls_ms, total_ms;
	void *handle; /* the CURL handle, for the header callback */
} rd_http_resp;
void rd_http_resp_free(rd_http_resp *r);

/* POST body to ca->url + path.  Transport failures are mapped to codes
 * (see ca.h); any HTTP status returns RD_OK with r->status set. */
rd_code rd_ca_http_post(rd_ca *ca, const char *path, const char *content_type,
			const void *body, size_t len, const char *request_id, rd_http_resp *r,
			rd_err *e);
rd_code rd_ca_http_init(rd_ca *ca, rd_err *e);
void rd_ca_http_close(rd_ca *ca);
/* Times and HTTP version (2, 10, 11) of the last exchange on ca->curl. */
void rd_ca_http_timings(rd_ca *ca, rd_http_resp *r);
/* A ping's transport figures (times, HTTP and TLS version) from r. */
void rd_ca_ping_transport(rd_ca_ping *out, const rd_http_resp *r);
/* Map an HTTP status that is not 2xx: 5xx/429 transient, else refused. */
rd_code rd_ca_http_status_fail(long status, const char *detail, rd_err *e);

extern const struct rd_ca_ops rd_ca_cfssl_ops;
extern const struct rd_ca_ops rd_ca_cmp_ops;

/* JSON of the cfssl sign request (exposed for unit tests).  Returns a
 * malloc'd string or NULL with e filled. */
char *rd_ca_cfssl_sign_json(const rd_ca_request *req, const char *profile, rd_err *e);
/* Parse a cfssl API answer: on success:true returns RD_OK and, when
 * result_key is set, a malloc'd copy of result[result_key] (a string). */
rd_code rd_ca_cfssl_parse(const char *body, size_t len, long status, const char *result_key,
			  char **value, rd_err *e);

/* Subject, notAfter and trust of the first certificate in pem. */
rd_code rd_ca_x509_summary(const char *pem, const char *trust_file, rd_ca_info *out, rd_err *e);
/* The summary, with pem (taken over: kept as out->chain_pem, or freed on
 * failure) as the chain. */
rd_code rd_ca_info_from_pem(char *pem, const char *trust_file, rd_ca_info *out, rd_err *e);

rd_code rd_ca_load_store(const char *trust_file, X509_STORE **out, rd_err *e);

/* Parse a decimal or hex serial into both forms. */
rd_code rd_ca_serial_norm(const char *serial, char dec[64], char hex[48], rd_err *e);

#endif
