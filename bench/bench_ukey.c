/* bench_ukey — time from "PIN confirmed" (user login) to "certificate on the
 * token" on SoftHSM2: login, key pair on the token, CSR signed on the token,
 * signature by a local software CA (in this process, standing in for the
 * upstream CA), certificate + chain written, read back and checked.
 * Median and p95 over several runs, as markdown lines.  Makes its own
 * SOFTHSM2_CONF in a temporary folder. */
#include "core/core.h"
#include "ukey/ukey.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SO_PIN "bench-so-1"
#define USER_PIN "b3nch-p1n"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct ca {
	EVP_PKEY *key;
	X509 *cert;
	char *pem;
	long serial;
};

static int ca_make(struct ca *ca)
{
	ca->key = EVP_EC_gen("P-256");
	ca->cert = X509_new();
	if (!ca->key || !ca->cert)
		return -1;
	X509_NAME *n = X509_get_subject_name(ca->cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"bench CA", -1, -1, 0);
	X509_set_issuer_name(ca->cert, n);
	X509_set_version(ca->cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(ca->cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(ca->cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(ca->cert), 86400);
	X509_set_pubkey(ca->cert, ca->key);
	if (!X509_sign(ca->cert, ca->key, EVP_sha256()))
		return -1;
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, ca->cert);
	char *d;
	long l = BIO_get_mem_data(b, &d);
	ca->pem = strndup(d, (size_t)l);
	BIO_free(b);
	ca->serial = 100;
	return 0;
}

static char *ca_sign(struct ca *ca, const char *csr_pem)
{
	BIO *in = BIO_new_mem_buf(csr_pem, -1), *out = BIO_new(BIO_s_mem());
	X509_REQ *req = PEM_read_bio_X509_REQ(in, NULL, NULL, NULL);
	X509 *x = X509_new();
	EVP_PKEY *pk = req ? X509_REQ_get_pubkey(req) : NULL;
	char *pem = NULL, *d;
	if (pk && X509_REQ_verify(req, pk) == 1) {
		X509_set_version(x, 2);
		ASN1_INTEGER_set(X509_get_serialNumber(x), ca->serial++);
		X509_set_subject_name(x, X509_REQ_get_subject_name(req));
		X509_set_issuer_name(x, X509_get_subject_name(ca->cert));
		X509_gmtime_adj(X509_getm_notBefore(x), 0);
		X509_gmtime_adj(X509_getm_notAfter(x), 86400 * 365);
		X509_set_pubkey(x, pk);
		if (X509_sign(x, ca->key, EVP_sha256()) && PEM_write_bio_X509(out, x)) {
			long l = BIO_get_mem_data(out, &d);
			pem = strndup(d, (size_t)l);
		}
	}
	EVP_PKEY_free(pk);
	X509_free(x);
	X509_REQ_free(req);
	BIO_free(in);
	BIO_free(out);
	return pem;
}

/* One issuance; returns ms or -1. */
static double issue(rd_ukey *u, const rd_ukey_token *t, rd_ukey_keytype kt, struct ca *ca,
		    rd_err *e)
{
	rd_ukey_session *s = NULL;
	rd_ukey_keyref k;
	rd_ukey_rdn subj[] = {{"CN", "张三"}, {"O", "某某科技有限公司"}};
	char *csr = NULL, *cert = NULL;
	double t0, ms = -1;

	if (rd_ukey_session_open(u, t, &s, e) != RD_OK)
		return -1;
	t0 = now_ms(); /* the subscriber has just confirmed the PIN */
	if (rd_ukey_login(s, USER_PIN, e) == RD_OK && rd_ukey_generate(s, kt, "bench", &k, e) == RD_OK &&
	    rd_ukey_csr(s, &k, subj, 2, &csr, e) == RD_OK && (cert = ca_sign(ca, csr)) &&
	    rd_ukey_store_cert(s, &k, cert, ca->pem, "bench", e) == RD_OK &&
	    rd_ukey_check_cert(s, &k, NULL, 0, e) == RD_OK)
		ms = now_ms() - t0;
	/* clean up outside the measurement so the token does not fill */
	if (ms >= 0)
		rd_ukey_delete(s, k.id_hex, NULL, NULL);
	free(csr);
	free(cert);
	rd_ukey_session_close(s);
	return ms;
}

static int run(rd_ukey *u, const rd_ukey_token *t, rd_ukey_keytype kt, const char *name, int n,
	       struct ca *ca)
{
	double *v = calloc((size_t)n, sizeof *v);
	rd_err e;
	rd_err_clear(&e);
	issue(u, t, kt, ca, &e); /* warm-up */
	for (int i = 0; i < n; i++) {
		v[i] = issue(u, t, kt, ca, &e);
		if (v[i] < 0) {
			char buf[1200];
			fprintf(stderr, "bench_ukey: %s: %s\n", name, rd_err_text(&e, buf, sizeof buf));
			free(v);
			return -1;
		}
	}
	qsort(v, (size_t)n, sizeof *v, cmp);
	int p95 = (int)(0.95 * (n - 1) + 0.5);
	printf("| ukey issuance %s: PIN confirmed -> certificate on token (SoftHSM2, local CA) "
	       "| median %.1f ms | p95 %.1f ms | n=%d |\n",
	       name, v[n / 2], v[p95], n);
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bench-ukey-XXXXXX", conf[128], toks[128], cmd[300];
	const char *module = getenv("RADESK_UKEY_MODULE");
	rd_ukey *u = NULL;
	rd_ukey_token t[RD_UKEY_MAX_TOKENS], tok;
	size_t n;
	struct ca ca = {0};
	rd_err e;
	int rc = 1;

	if (!mkdtemp(dir))
		return 1;
	snprintf(toks, sizeof toks, "%s/tokens", dir);
	snprintf(conf, sizeof conf, "%s/softhsm2.conf", dir);
	FILE *f = fopen(conf, "w");
	if (!f || rd_mkdir_p(toks, 0700, &e) != RD_OK)
		goto out;
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", toks);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);
	if (rd_ukey_open(&u, module ? module : "/usr/lib/softhsm/libsofthsm2.so", NULL, &e) != RD_OK ||
	    rd_ukey_tokens(u, t, RD_ARRAY_LEN(t), &n, &e) != RD_OK || n == 0)
		goto fail;
	tok = t[0];
	if (rd_ukey_init_token(u, &tok, SO_PIN, "BENCH", USER_PIN, &e) != RD_OK || ca_make(&ca) != 0)
		goto fail;
	if (run(u, &tok, RD_UKEY_EC_P256, "P-256", 30, &ca) == 0 &&
	    run(u, &tok, RD_UKEY_RSA_2048, "RSA-2048", 10, &ca) == 0)
		rc = 0;
	goto out;
fail: {
	char buf[1200];
	fprintf(stderr, "bench_ukey: %s\n", rd_err_text(&e, buf, sizeof buf));
}
out:
	rd_ukey_close(u);
	EVP_PKEY_free(ca.key);
	X509_free(ca.cert);
	free(ca.pem);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	(void)argc;
	(void)argv;
	return rc;
}
