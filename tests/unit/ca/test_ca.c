/* ca: the response checker, cfssl JSON, serials, reasons, settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ca/ca.h"
#include "ca/internal.h"

#include <jansson.h>

/* ---- a small CA made here --------------------------------------------------- */

struct pki {
	char dir[64];
	char trust[96];
	EVP_PKEY *ca_key, *other_key;
	X509 *ca, *other;
};
static struct pki P;

static void add_name(X509_NAME *n, const char *sn, const char *v)
{
	if (v && *v)
		assert_int_equal(X509_NAME_add_entry_by_txt(n, sn, MBSTRING_UTF8, (const unsigned char *)v,
							    -1, -1, 0), 1);
}

static X509_NAME *name_of(const rd_ca_subject *s, const char *extra_sn, const char *extra_v)
{
	X509_NAME *n = X509_NAME_new();
	add_name(n, "C", s->c);
	add_name(n, "O", s->o);
	add_name(n, "OU", s->ou);
	add_name(n, "CN", s->cn);
	add_name(n, extra_sn, extra_v);
	return n;
}

/* a certificate for pub, signed by (issuer, ikey), valid from now+from_s for days */
static char *issue(EVP_PKEY *pub, X509_NAME *subj, X509 *issuer, EVP_PKEY *ikey, long from_s,
		   long days)
{
	X509 *x = X509_new();
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long l;
	static long serial = 1000;
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_set_version(x, 2);
	X509_set_subject_name(x, subj);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subj);
	X509_gmtime_adj(X509_getm_notBefore(x), from_s);
	X509_gmtime_adj(X509_getm_notAfter(x), from_s + days * 86400);
	X509_set_pubkey(x, pub);
	if (!issuer) { /* a root: a CA */
		X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
							  "critical,CA:TRUE");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, ikey, EVP_sha256()) > 0);
	PEM_write_bio_X509(b, x);
	l = BIO_get_mem_data(b, &p);
	out = rd_ca_memstr(p, (size_t)l);
	BIO_free(b);
	X509_free(x);
	return out;
}

static X509 *make_root(EVP_PKEY *k, const char *cn)
{
	rd_ca_subject s = {.cn = cn, .o = "unit test"};
	X509_NAME *n = name_of(&s, NULL, NULL);
	char *pem = issue(k, n, NULL, k, -3600, 3650);
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	free(pem);
	X509_NAME_free(n);
	return x;
}

static int setup(void **state)
{
	FILE *f;
	strcpy(P.dir, "/tmp/rd-ca-unit.XXXXXX");
	assert_non_null(mkdtemp(P.dir));
	snprintf(P.trust, sizeof P.trust, "%s/ca.pem", P.dir);
	P.ca_key = EVP_EC_gen("P-256");
	P.other_key = EVP_EC_gen("P-256");
	P.ca = make_root(P.ca_key, "unit root");
	P.other = make_root(P.other_key, "someone else's root");
	f = fopen(P.trust, "w");
	PEM_write_X509(f, P.ca);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	unlink(P.trust);
	rmdir(P.dir);
	X509_free(P.ca);
	X509_free(P.other);
	EVP_PKEY_free(P.ca_key);
	EVP_PKEY_free(P.other_key);
	return 0;
}

static EVP_PKEY *csr_key(const char *csr)
{
	BIO *b = BIO_new_mem_buf(csr, -1);
	X509_REQ *r = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	EVP_PKEY *k = X509_REQ_get_pubkey(r);
	X509_REQ_free(r);
	BIO_free(b);
	return k;
}

static const rd_ca_subject SUBJ = {.cn = "张三", .o = "某某科技有限公司", .ou = "技术部", .c = "CN"};

/* Runs the check on a certificate made by mk; returns the code, e filled. */
static rd_code check_with(const char *cert, const char *csr, const rd_ca_subject *approved,
			  long valid_days, rd_ca_cert *out, rd_err *e)
{
	rd_ca_check chk = {.trust_file = P.trust, .max_skew_s = 600, .max_days = 3660};
	rd_ca_request req = {.csr_pem = csr, .subject = *approved, .request_id = "r1",
			     .valid_days = valid_days};
	rd_err_clear(e);
	return rd_ca_check_cert(&chk, &req, cert, out, e);
}

static void good_certificate_passes(void **state)
{
	char *csr, *cert;
	EVP_PKEY *k;
	X509_NAME *n = name_of(&SUBJ, NULL, NULL);
	rd_ca_cert out;
	rd_err e;
	char spki[65];
	assert_int_equal(rd_ca_make_test_csr(&SUBJ, &csr, NULL, NULL), RD_OK);
	k = csr_key(csr);
	cert = issue(k, n, P.ca, P.ca_key, -300, 365);
	if (check_with(cert, csr, &SUBJ, 365, &out, &e))
		fail_msg("%s: %s", e.field, e.msg);
	assert_non_null(strstr(out.subject, "CN=张三"));
	assert_non_null(strstr(out.issuer, "CN=unit root"));
	assert_non_null(out.pem);
	assert_true(out.serial_dec[0] && out.serial_hex[0]);
	assert_true(out.not_after - out.not_before == 365 * 86400);
	assert_int_equal(rd_ca_spki_sha256(csr, spki, NULL), RD_OK);
	assert_string_equal(spki, out.spki_sha256);
	{ /* the same fingerprint as the key's own DER encoding */
		unsigned char *der = NULL;
		int len = i2d_PUBKEY(k, &der);
		char want[65];
		assert_true(len > 0);
		rd_sha256_hex(der, (size_t)len, want);
		OPENSSL_free(der);
		assert_string_equal(spki, want);
	}
	rd_ca_cert_free(&out);
	free(cert);
	free(csr);
	EVP_PKEY_free(k);
	X509_NAME_free(n);
}

static void refusal(const char *cert, const char *csr, const rd_ca_subject *s, long days,
		    const char *field, const char *text)
{
	rd_ca_cert out;
	rd_err e;
	assert_int_equal(check_with(cert, csr, s, days, &out, &e), RD_E_REFUSED);
	assert_string_equal(e.field, field);
	if (text && !strstr(e.msg, text))
		fail_msg("wanted \"%s\" in \"%s\"", text, e.msg);
	assert_null(out.pem);
	assert_false(rd_ca_transient(e.code));
}

static void wrong_answers_are_refused(void **state)
{
	char *csr, *csr2, *c;
	EVP_PKEY *k, *k2;
	X509_NAME *n = name_of(&SUBJ, NULL, NULL), *extra = name_of(&SUBJ, "L", "北京"),
		  *changed;
	rd_ca_subject other = SUBJ;
	rd_ca_cert out;
	rd_err e;
	assert_int_equal(rd_ca_make_test_csr(&SUBJ, &csr, NULL, NULL), RD_OK);
	assert_int_equal(rd_ca_make_test_csr(&SUBJ, &csr2, NULL, NULL), RD_OK);
	k = csr_key(csr);
	k2 = csr_key(csr2);

	c = issue(k2, n, P.ca, P.ca_key, -300, 365); /* another key */
	refusal(c, csr, &SUBJ, 0, "response.public_key", NULL);
	free(c);
	c = issue(k, n, P.other, P.other_key, -300, 365); /* another CA */
	refusal(c, csr, &SUBJ, 0, "response.issuer", NULL);
	free(c);
	c = issue(k, extra, P.ca, P.ca_key, -300, 365); /* an unapproved field */
	refusal(c, csr, &SUBJ, 0, "response.subject", "L");
	free(c);
	other.o = "别的公司";
	changed = name_of(&other, NULL, NULL);
	c = issue(k, changed, P.ca, P.ca_key, -300, 365); /* another value */
	refusal(c, csr, &SUBJ, 0, "response.subject", "别的公司");
	free(c);
	other = SUBJ;
	other.ou = NULL;
	X509_NAME_free(changed);
	changed = name_of(&other, NULL, NULL);
	c = issue(k, changed, P.ca, P.ca_key, -300, 365); /* a missing field */
	refusal(c, csr, &SUBJ, 0, "response.subject", "技术部");
	free(c);
	c = issue(k, n, P.ca, P.ca_key, 7200, 365); /* starts in two hours */
	refusal(c, csr, &SUBJ, 0, "response.validity", NULL);
	free(c);
	c = issue(k, n, P.ca, P.ca_key, -400 * 86400L, 365); /* expired */
	refusal(c, csr, &SUBJ, 0, "response.validity", NULL);
	free(c);
	c = issue(k, n, P.ca, P.ca_key, -300, 730); /* two years, one expected */
	refusal(c, csr, &SUBJ, 365, "response.validity", "730");
	free(c);
	c = issue(k, n, P.ca, P.ca_key, -300, 20 * 365); /* beyond max_days */
	refusal(c, csr, &SUBJ, 0, "response.validity", NULL);
	free(c);
	c = issue(k, n, P.ca, P.ca_key, 300, 365); /* a little ahead: within the skew */
	assert_int_equal(check_with(c, csr, &SUBJ, 365, &out, &e), RD_OK);
	rd_ca_cert_free(&out);
	free(c);
	refusal("<html>", csr, &SUBJ, 0, "response.certificate", NULL);
	refusal("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", csr, &SUBJ, 0,
		"response.certificate", NULL);
	refusal(NULL, csr, &SUBJ, 0, "response.certificate", NULL);

	X509_NAME_free(n);
	X509_NAME_free(extra);
	X509_NAME_free(changed);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	free(csr);
	free(csr2);
}

/* ---- cfssl JSON ----------------------------------------------------------------- */

static void cfssl_answers_are_classified(void **state)
{
	char *v = NULL;
	rd_err e;
	const char *ok = "{\"success\":true,\"result\":{\"certificate\":\"PEM\"},\"errors\":[]}";
	assert_int_equal(rd_ca_cfssl_parse(ok, strlen(ok), 200, "certificate", &v, &e), RD_OK);
	assert_string_equal(v, "PEM");
	free(v);

	const char *no = "{\"success\":false,\"result\":null,\"errors\":[{\"code\":5300,\"message\":\"policy says no\"}]}";
	assert_int_equal(rd_ca_cfssl_parse(no, strlen(no), 200, "certificate", &v, &e), RD_E_REFUSED);
	assert_non_null(strstr(e.msg, "policy says no"));
	assert_null(v);
	assert_int_equal(rd_ca_cfssl_parse(no, strlen(no), 400, "certificate", &v, &e), RD_E_REFUSED);
	assert_non_null(strstr(e.msg, "400"));
	assert_int_equal(rd_ca_cfssl_parse(no, strlen(no), 503, "certificate", &v, &e), RD_E_UPSTREAM);
	assert_true(rd_ca_transient(e.code));
	assert_int_equal(rd_ca_cfssl_parse("oops", 4, 502, "certificate", &v, &e), RD_E_UPSTREAM);
	assert_int_equal(rd_ca_cfssl_parse("oops", 4, 200, "certificate", &v, &e), RD_E_REFUSED);
	assert_string_equal(e.field, "response");
	assert_int_equal(rd_ca_cfssl_parse("[1]", 3, 200, "certificate", &v, &e), RD_E_REFUSED);
	assert_int_equal(rd_ca_cfssl_parse("{\"result\":{}}", 13, 200, "certificate", &v, &e),
			 RD_E_REFUSED);
	assert_string_equal(e.field, "response.success");
	const char *empty = "{\"success\":true,\"result\":{\"certificate\":\"\"}}";
	assert_int_equal(rd_ca_cfssl_parse(empty, strlen(empty), 200, "certificate", &v, &e),
			 RD_E_REFUSED);
	assert_string_equal(e.field, "response.result");
	const char *dup = "{\"success\":true,\"success\":false}";
	assert_int_equal(rd_ca_cfssl_parse(dup, strlen(dup), 200, NULL, NULL, &e), RD_E_REFUSED);
	assert_int_equal(rd_ca_cfssl_parse("", 0, 200, NULL, NULL, &e), RD_E_REFUSED);
}

static void sign_request_json(void **state)
{
	rd_ca_request req = {.csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\nX\n",
			     .subject = {.cn = "张三", .o = "某某公司", .c = "CN",
					 .email = "zhang@example.com"},
			     .request_id = "r1"};
	rd_err e;
	char *j = rd_ca_cfssl_sign_json(&req, "user", &e);
	json_error_t je;
	assert_non_null(j);
	json_t *root = json_loads(j, 0, &je);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "profile")), "user");
	json_t *subj = json_object_get(root, "subject");
	assert_string_equal(json_string_value(json_object_get(subj, "CN")), "张三");
	json_t *name = json_array_get(json_object_get(subj, "names"), 0);
	assert_string_equal(json_string_value(json_object_get(name, "O")), "某某公司");
	assert_null(json_object_get(name, "OU"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(root, "hosts"), 0)),
			    "zhang@example.com");
	assert_string_equal(json_string_value(json_object_get(root, "certificate_request")),
			    req.csr_pem);
	json_decref(root);
	free(j);

	req.subject.cn = "\xff\xfe bad";
	assert_null(rd_ca_cfssl_sign_json(&req, "user", &e));
	assert_int_equal(e.code, RD_E_INVALID);
	assert_string_equal(e.field, "subject");
}

/* ---- serials, reasons, settings --------------------------------------------------- */

static void serials_and_reasons(void **state)
{
	char dec[64], hex[48];
	rd_err e;
	assert_int_equal(rd_ca_serial_norm("0x00FF", dec, hex, &e), RD_OK);
	assert_string_equal(dec, "255");
	assert_string_equal(hex, "ff");
	assert_int_equal(rd_ca_serial_norm("dec:4096", dec, hex, &e), RD_OK);
	assert_string_equal(hex, "1000");
	assert_int_equal(rd_ca_serial_norm("12g", dec, hex, &e), RD_E_INVALID);
	assert_string_equal(e.field, "serial");
	assert_int_equal(rd_ca_serial_norm("dec:12a", dec, hex, &e), RD_E_INVALID);
	assert_int_equal(rd_ca_serial_norm("", dec, hex, &e), RD_E_INVALID);
	assert_int_equal(rd_ca_reason_parse("keyCompromise"), 1);
	assert_int_equal(rd_ca_reason_parse("superseded"), 4);
	assert_int_equal(rd_ca_reason_parse("nonsense"), -1);
	assert_null(rd_ca_reason_name(7)); /* 7 is unused in RFC 5280 */
	assert_string_equal(rd_ca_reason_name(9), "privilegeWithdrawn");
	assert_true(rd_ca_transient(RD_E_TIMEOUT));
	assert_true(rd_ca_transient(RD_E_UPSTREAM));
	assert_false(rd_ca_transient(RD_E_REFUSED));
	assert_false(rd_ca_transient(RD_E_AUTH));
}

static void settings_and_key_mode(void **state)
{
	rd_config *cfg = rd_config_defaults();
	rd_ca_settings s;
	void *owned;
	rd_ca *ca = NULL;
	rd_err e;
	char key[128], conf[512];
	FILE *f;
	snprintf(key, sizeof key, "%s/ra-key.pem", P.dir);
	f = fopen(key, "w");
	PEM_write_PrivateKey(f, P.ca_key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	chmod(key, 0644);
	snprintf(conf, sizeof conf,
		 "[ca]\ndriver = cfssl\nurl = https://127.0.0.1:9/\ntrust = %s\nclient_cert = %s\n"
		 "client_key = %s\ntimeout = 3\n",
		 P.trust, P.trust, key);
	assert_int_equal(rd_config_parse_string(cfg, conf, "t.conf", &e), RD_OK);
	assert_int_equal(rd_ca_settings_from_config(cfg, &s, &owned, &e), RD_OK);
	assert_string_equal(s.driver, "cfssl");
	assert_string_equal(s.profile, "user"); /* the default */
	assert_int_equal(s.timeout_s, 3);
	assert_int_equal(s.connect_timeout_s, 5);
	assert_int_equal(rd_ca_open(&ca, &s, &e), RD_E_CONFIG);
	assert_null(ca);
	assert_string_equal(e.field, "ca.client_key");
	assert_non_null(strstr(e.msg, "0644"));
	chmod(key, 0600);
	assert_int_equal(rd_ca_open(&ca, &s, &e), RD_OK);
	assert_string_equal(rd_ca_driver_name(ca), "cfssl");
	{ /* a request without id or CSR is refused before anything is sent */
		rd_ca_request req = {.csr_pem = "x", .subject = {.cn = "a"}, .request_id = "r"};
		rd_ca_cert c;
		assert_int_equal(rd_ca_enroll(ca, &req, &c, &e), RD_E_INVALID);
		assert_string_equal(e.field, "csr");
		req.csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\n";
		req.request_id = NULL;
		assert_int_equal(rd_ca_enroll(ca, &req, &c, &e), RD_E_INVALID);
		assert_string_equal(e.field, "request_id");
	}
	rd_ca_close(ca);
	s.url = "http://127.0.0.1:9";
	assert_int_equal(rd_ca_open(&ca, &s, &e), RD_E_CONFIG);
	assert_string_equal(e.field, "ca.url");
	s.url = "https://127.0.0.1:9";
	s.driver = "scep";
	assert_int_equal(rd_ca_open(&ca, &s, &e), RD_E_CONFIG);
	assert_string_equal(e.field, "ca.driver");
	s.driver = "cfssl";
	s.auth_key = "abc";
	assert_int_equal(rd_ca_open(&ca, &s, &e), RD_E_CONFIG);
	assert_string_equal(e.field, "ca.auth_key");
	rd_ca_settings_release(owned);
	rd_config_free(cfg);
	unlink(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_certificate_passes),
		cmocka_unit_test(wrong_answers_are_refused),
		cmocka_unit_test(cfssl_answers_are_classified),
		cmocka_unit_test(sign_request_json),
		cmocka_unit_test(serials_and_reasons),
		cmocka_unit_test(settings_and_key_mode),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
