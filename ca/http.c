/* HTTPS transport over libcurl: one easy handle per connection, kept alive
 * and reused, TLS 1.2+, the server verified against the configured trust
 * anchor only (there is deliberately no switch to turn that off). */
#include "ca/internal.h"

#include <openssl/ssl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BODY (4u << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void rd_http_resp_free(rd_http_resp *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	rd_http_resp *r = ud;
	size_t n = size * nmemb;
	char *nb;
	if (r->len + n > MAX_BODY)
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	nb = realloc(r->body, r->len + n + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->len, p, n);
	r->len += n;
	nb[r->len] = '\0';
	r->body = nb;
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	rd_http_resp *r = ud;
	size_t n = size * nmemb;
	if (!r->tls_version[0] && r->handle) {
		struct curl_tlssessioninfo *ti = NULL;
		if (curl_easy_getinfo(r->handle, CURLINFO_TLS_SSL_PTR, &ti) == CURLE_OK && ti &&
		    ti->backend == CURLSSLBACKEND_OPENSSL && ti->internals)
			rd_strlcpy(r->tls_version, SSL_get_version(ti->internals), sizeof r->tls_version);
	}
	if (n > 5 && strncasecmp(p, "date:", 5) == 0) {
		size_t m = n - 5;
		const char *v = p + 5;
		while (m && (*v == ' ' || *v == '\t'))
			v++, m--;
		while (m && (v[m - 1] == '\r' || v[m - 1] == '\n' || v[m - 1] == ' '))
			m--;
		if (m >= sizeof r->date)
			m = sizeof r->date - 1;
		memcpy(r->date, v, m);
		r->date[m] = '\0';
	}
	return n;
}

rd_code rd_ca_http_init(rd_ca *ca, rd_err *e)
{
	CURL *c;
	pthread_once(&curl_once, curl_init_once);
	c = curl_easy_init();
	if (!c)
		return rd_fail(e, RD_E_NOMEM, "%s", _("cannot create an HTTP client"));
	ca->curl = c;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ca->curl_err);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CAINFO, ca->trust);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL); /* never the system store */
	curl_easy_setopt(c, CURLOPT_SSLCERT, ca->client_cert);
	curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
	if (strncmp(ca->client_key, "pkcs11:", 7) == 0) {
		/* the key stays on a token: OpenSSL's pkcs11 engine (libengine-pkcs11-openssl) */
		if (curl_easy_setopt(c, CURLOPT_SSLENGINE, "pkcs11") != CURLE_OK)
			return rd_fail_at(e, RD_E_CONFIG, "ca.client_key", "%s",
					  _("a PKCS#11 key needs the OpenSSL pkcs11 engine, which is not available"));
		curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "ENG");
	} else {
		curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
	}
	curl_easy_setopt(c, CURLOPT_SSLKEY, ca->client_key);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ca->connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, ca->timeout_s);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "radesk/" RADESK_VERSION);
	if (ca->fresh_connection) {
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	return RD_OK;
}

void rd_ca_http_close(rd_ca *ca)
{
	if (ca->curl)
		curl_easy_cleanup(ca->curl);
	ca->curl = NULL;
}

rd_code rd_ca_http_status_fail(long status, const char *detail, rd_err *e)
{
	if (status >= 500 || status == 429 || status == 408)
		return rd_fail_at(e, RD_E_UPSTREAM, "response", _("the CA answered HTTP %ld%s%s"),
				  status, detail && *detail ? ": " : "", detail ? detail : "");
	return rd_fail_at(e, RD_E_REFUSED, "response", _("the CA refused the request (HTTP %ld)%s%s"),
			  status, detail && *detail ? ": " : "", detail ? detail : "");
}

/* With TLS 1.3 a server that refuses our client certificate says so after
 * the client has finished its handshake, and the request then fails with a
 * reset.  When a fresh connection fails like that, a TLS 1.2 handshake alone
 * tells whether the certificate is the problem (there the alert comes in
 * the handshake). */
static bool fresh_handshake(rd_ca *ca)
{
	long n = 0; /* connections this transfer made: 0 when it reused one */
	return curl_easy_getinfo(ca->curl, CURLINFO_NUM_CONNECTS, &n) == CURLE_OK && n > 0;
}

static bool client_cert_refused(rd_ca *ca, char *why, size_t n)
{
	CURL *p = curl_easy_duphandle(ca->curl);
	char err[CURL_ERROR_SIZE] = "";
	bool refused = false;
	if (!p)
		return false;
	curl_easy_setopt(p, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(p, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(p, CURLOPT_SSLVERSION,
			 (long)(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2));
	curl_easy_setopt(p, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(p, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(p, CURLOPT_FORBID_REUSE, 1L);
	if (curl_easy_perform(p) == CURLE_SSL_CONNECT_ERROR && strstr(err, "alert") &&
	    (strstr(err, "certificate") || strstr(err, "unknown ca"))) {
		refused = true;
		rd_strlcpy(why, err, n);
	}
	curl_easy_cleanup(p);
	return refused;
}

static rd_code map_curl(rd_ca *ca, CURLcode cc, rd_err *e)
{
	const char *why = ca->curl_err[0] ? ca->curl_err : curl_easy_strerror(cc);
	char probe[CURL_ERROR_SIZE];
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return rd_fail_at(e, RD_E_TIMEOUT, "ca.url", _("%s: no answer in time (%s)"), ca->url, why);
	case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
	case CURLE_SSL_CACERT:
#endif
		return rd_fail_at(e, RD_E_AUTH, "ca.trust",
				  _("%s: the server's certificate is not trusted: %s"), ca->url, why);
	case CURLE_SSL_CERTPROBLEM:
		return rd_fail_at(e, RD_E_CONFIG, "ca.client_cert",
				  _("the RA's client certificate cannot be used: %s"), why);
	case CURLE_SSL_CACERT_BADFILE:
		return rd_fail_at(e, RD_E_CONFIG, "ca.trust", _("the trust anchor cannot be used: %s"),
				  why);
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
		return rd_fail_at(e, RD_E_CONFIG, "ca.client_key", _("the key engine failed: %s"), why);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return rd_fail_at(e, RD_E_CONFIG, "ca.url", _("%s: %s"), ca->url, why);
	default:
		break;
	}
	/* a TLS alert from the server during or right after the handshake: it
	 * refused our client certificate */
	if ((strstr(why, "alert") && (strstr(why, "certificate") || strstr(why, "unknown ca"))) ||
	    ((cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_HTTP2 ||
	      cc == CURLE_GOT_NOTHING) && fresh_handshake(ca) &&
	     client_cert_refused(ca, probe, sizeof probe) && (why = probe)))
		return rd_fail_at(e, RD_E_AUTH, "ca.client_cert",
				  _("%s: the CA refused the TLS connection (client certificate?): %s"),
				  ca->url, why);
	return rd_fail_at(e, RD_E_UPSTREAM, "ca.url", _("%s: %s"), ca->url, why);
}

rd_code rd_ca_http_post(rd_ca *ca, const char *path, const char *content_type, const void *body,
			size_t len, const char *request_id, rd_http_resp *r, rd_err *e)
{
	struct curl_slist *h = NULL, *t;
	char *url = rd_asprintf("%s%s", ca->url, path);
	char line[256];
	CURLcode cc;

	memset(r, 0, sizeof *r);
	r->handle = ca->curl;
	if (!url)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	snprintf(line, sizeof line, "Content-Type: %s", content_type);
	h = curl_slist_append(h, line);
	if (h && request_id && *request_id) {
		snprintf(line, sizeof line, "X-Request-ID: %s", request_id);
		if ((t = curl_slist_append(h, line)))
			h = t;
	}
	if (h && (t = curl_slist_append(h, "Expect:")))
		h = t;
	ca->curl_err[0] = '\0';
	curl_easy_setopt(ca->curl, CURLOPT_URL, url);
	curl_easy_setopt(ca->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(ca->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(ca->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(ca->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(ca->curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(ca->curl, CURLOPT_HEADERDATA, r);
	cc = curl_easy_perform(ca->curl);
	curl_easy_setopt(ca->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	free(url);
	if (cc != CURLE_OK) {
		rd_http_resp_free(r);
		if (cc == CURLE_WRITE_ERROR)
			return rd_fail_at(e, RD_E_REFUSED, "response", "%s",
					  _("the CA's answer is too large"));
		return map_curl(ca, cc, e);
	}
	curl_easy_getinfo(ca->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->tls_version[0])
		rd_strlcpy(ca->last_tls, r->tls_version, sizeof ca->last_tls);
	rd_ca_http_timings(ca, r);
	return RD_OK;
}

void rd_ca_http_timings(rd_ca *ca, rd_http_resp *r)
{
	curl_off_t tls_us = 0, total_us = 0;
	long hv = 0;
	curl_easy_getinfo(ca->curl, CURLINFO_HTTP_VERSION, &hv);
	curl_easy_getinfo(ca->curl, CURLINFO_APPCONNECT_TIME_T, &tls_us);
	curl_easy_getinfo(ca->curl, CURLINFO_TOTAL_TIME_T, &total_us);
	r->tls_ms = (double)tls_us / 1000.0;
	r->total_ms = (double)total_us / 1000.0;
	r->http_version = hv == CURL_HTTP_VERSION_2_0 ? 2 : hv == CURL_HTTP_VERSION_1_0 ? 10 : 11;
}

void rd_ca_ping_transport(rd_ca_ping *out, const rd_http_resp *r)
{
	out->tls_ms = r->tls_ms;
	out->total_ms = r->total_ms;
	out->http_version = (int)r->http_version;
	rd_strlcpy(out->tls_version, r->tls_version, sizeof out->tls_version);
}
