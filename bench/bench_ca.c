/* bench_ca: raw signing rate of a cfssl CA with mutual TLS.
 *
 *   bench_ca URL TRUST CLIENT_CERT CLIENT_KEY [N] [PROFILE]
 * or with no arguments: the CA described by $CA_URL $CA_TRUST
 * $CA_CLIENT_CERT $CA_CLIENT_KEY (tests/fixtures/cfssl-ca.sh env).
 *
 * Makes N software P-256 CSRs first (not timed), then posts them:
 *   1. a plain libcurl client over one kept-alive connection (the raw rate)
 *   2. rd_ca_enroll_many over one kept-alive connection (with the checks)
 *   3. rd_ca_enroll_many with a new TLS connection per request
 *   4. the plain client again on 4 kept-alive connections at once (what the
 *      CA itself can sign when asked concurrently, as the outbox does)
 * and prints one markdown line each. */
#include "ca/ca.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
	(void)p, (void)ud;
	return s * n;
}

/* The raw client: nothing but libcurl posting the sign requests. */
static size_t raw_post(const char *url, const char *trust, const char *cert, const char *key,
		       const char *profile, char **csrs, size_t n)
{
	CURL *c = curl_easy_init();
	char *u = rd_asprintf("%s/api/v1/cfssl/sign", url);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	size_t ok = 0;
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_CAINFO, trust);
	curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
	curl_easy_setopt(c, CURLOPT_SSLKEY, key);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	for (size_t i = 0; i < n; i++) {
		/* the same request the RA sends: CSR, profile and the approved subject */
		json_t *o = json_pack("{s:s, s:s, s:{s:s, s:[{s:s, s:s}]}}", "certificate_request",
				      csrs[i], "profile", profile, "subject", "CN", "张三", "names",
				      "C", "CN", "O", "某某科技有限公司");
		char *body = json_dumps(o, JSON_COMPACT);
		long st = 0;
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		if (curl_easy_perform(c) == CURLE_OK &&
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st) == CURLE_OK && st == 200)
			ok++;
		free(body);
		json_decref(o);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(u);
	return ok;
}
struct slice {
	const char *url, *trust, *cert, *key, *profile;
	char **csrs;
	size_t n, ok;
};

static void *raw_slice(void *arg)
{
	struct slice *sl = arg;
	sl->ok = raw_post(sl->url, sl->trust, sl->cert, sl->key, sl->profile, sl->csrs, sl->n);
	return NULL;
}

/* The plain client on k connections at once, n/k requests each. */
static size_t raw_parallel(const char *url, const char *trust, const char *cert, const char *key,
			   const char *profile, char **csrs, size_t n, int k)
{
	struct slice sl[8];
	pthread_t th[8];
	size_t ok = 0, at = 0;
	for (int i = 0; i < k; i++) {
		size_t m = n / (size_t)k + ((size_t)i < n % (size_t)k);
		sl[i] = (struct slice){url, trust, cert, key, profile, csrs + at, m, 0};
		at += m;
		pthread_create(&th[i], NULL, raw_slice, &sl[i]);
	}
	for (int i = 0; i < k; i++) {
		pthread_join(th[i], NULL);
		ok += sl[i].ok;
	}
	return ok;
}

int main(int argc, char **argv)
{
	const char *url = argc > 4 ? argv[1] : getenv("CA_URL");
	const char *trust = argc > 4 ? argv[2] : getenv("CA_TRUST");
	const char *cert = argc > 4 ? argv[3] : getenv("CA_CLIENT_CERT");
	const char *key = argc > 4 ? argv[4] : getenv("CA_CLIENT_KEY");
	size_t n = argc > 5 ? (size_t)atol(argv[5]) : 1000;
	const char *profile = argc > 6 ? argv[6] : "user";
	rd_ca_subject subj = {.cn = "张三", .o = "某某科技有限公司", .c = "CN"};
	char **csrs;
	rd_ca_request *reqs;
	char (*ids)[32];
	rd_err e;
	double t0, t;
	size_t ok;

	curl_global_init(CURL_GLOBAL_DEFAULT); /* before the threads */
	if (!url || !trust || !cert || !key || n == 0) {
		fprintf(stderr, "usage: bench_ca URL TRUST CLIENT_CERT CLIENT_KEY [N] [PROFILE]\n");
		return 2;
	}
	csrs = calloc(n, sizeof *csrs);
	reqs = calloc(n, sizeof *reqs);
	ids = calloc(n, sizeof *ids);
	if (!csrs || !reqs || !ids)
		return 5;
	for (size_t i = 0; i < n; i++) {
		if (rd_ca_make_test_csr(&subj, &csrs[i], NULL, &e)) {
			fprintf(stderr, "bench_ca: %s\n", e.msg);
			return 5;
		}
		snprintf(ids[i], sizeof ids[i], "bench-%zu", i);
		reqs[i] = (rd_ca_request){.csr_pem = csrs[i], .profile = profile, .subject = subj,
					  .request_id = ids[i]};
	}

	t0 = now_s();
	ok = raw_post(url, trust, cert, key, profile, csrs, n);
	t = now_s() - t0;
	printf("| ca: raw cfssl sign, one kept-alive TLS connection (plain libcurl) | %zu/%zu | %.0f req/s |\n",
	       ok, n, (double)ok / t);

	for (int fresh = 0; fresh <= 1; fresh++) {
		rd_ca_settings s = {.driver = "cfssl", .url = url, .trust = trust, .client_cert = cert,
				    .client_key = key, .profile = profile, .fresh_connection = fresh};
		rd_ca *ca;
		if (rd_ca_open(&ca, &s, &e)) {
			fprintf(stderr, "bench_ca: %s: %s\n", e.field, e.msg);
			return rd_exit_status(e.code);
		}
		t0 = now_s();
		ok = rd_ca_enroll_many(ca, reqs, n, NULL, NULL);
		t = now_s() - t0;
		rd_ca_close(ca);
		printf("| ca: rd_ca_enroll_many (checked), %s | %zu/%zu | %.0f req/s |\n",
		       fresh ? "new TLS connection per request" : "one kept-alive TLS connection", ok, n,
		       (double)ok / t);
	}
	t0 = now_s();
	ok = raw_parallel(url, trust, cert, key, profile, csrs, n, 4);
	t = now_s() - t0;
	printf("| ca: raw cfssl sign, 4 kept-alive TLS connections at once (plain libcurl) | %zu/%zu | %.0f req/s |\n",
	       ok, n, (double)ok / t);
	for (size_t i = 0; i < n; i++)
		free(csrs[i]);
	free(csrs);
	free(reqs);
	free(ids);
	return 0;
}
