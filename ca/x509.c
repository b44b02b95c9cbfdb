/* Checking what the CA sent back, and small X.509 helpers (OpenSSL). */
#include "ca/internal.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

static X509 *pem_cert(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return x;
}

static X509_REQ *pem_csr(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_REQ *r = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return r;
}

static void name_text(const X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;
	out[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	l = BIO_get_mem_data(b, &p);
	if (l > 0) {
		size_t m = (size_t)l < len - 1 ? (size_t)l : len - 1;
		memcpy(out, p, m);
		out[m] = '\0';
	}
	BIO_free(b);
}

/* SHA-256 of the SubjectPublicKeyInfo as it stands in the certificate or
 * request (its DER), without decoding the key into an EVP_PKEY and
 * encoding it again, which costs OpenSSL 3.0 far more. */
static rd_code spki_hash(const X509_PUBKEY *k, char out[65], rd_err *e)
{
	unsigned char *der = NULL;
	int n = k ? i2d_X509_PUBKEY(k, &der) : -1;
	if (n <= 0) {
		rd_fail(e, RD_E_INVALID, "%s", _("cannot encode the public key"));
		rd_err_add_openssl(e);
		return RD_E_INVALID;
	}
	rd_sha256_hex(der, (size_t)n, out);
	OPENSSL_free(der);
	return RD_OK;
}

rd_code rd_ca_spki_sha256(const char *pem, char out[65], rd_err *e)
{
	X509_REQ *r = NULL;
	X509 *x = NULL;
	rd_code rc;
	if (pem && strstr(pem, "-----BEGIN CERTIFICATE REQUEST-----"))
		r = pem_csr(pem);
	else if (pem)
		x = pem_cert(pem);
	if (!r && !x) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_INVALID, "pem", "%s", _("not a PEM certificate or certificate request"));
	}
	rc = spki_hash(r ? X509_REQ_get_X509_PUBKEY(r) : X509_get_X509_PUBKEY(x), out, e);
	X509_REQ_free(r);
	X509_free(x);
	return rc;
}

/* ---- serial numbers ------------------------------------------------------------ */

static rd_code bn_serial(const BIGNUM *bn, char dec[64], char hex[48], rd_err *e)
{
	char *d = BN_bn2dec(bn), *h = BN_bn2hex(bn);
	rd_code rc = RD_OK;
	if (!d || !h || strlen(d) >= 64 || strlen(h) >= 48) {
		rc = rd_fail_at(e, RD_E_INVALID, "serial", "%s", _("the serial number is too long"));
	} else {
		rd_strlcpy(dec, d, 64);
		for (size_t i = 0; h[i]; i++)
			hex[i] = (char)((h[i] >= 'A' && h[i] <= 'F') ? h[i] + 32 : h[i]), hex[i + 1] = '\0';
		if (!h[0])
			rd_strlcpy(hex, "0", 48);
	}
	OPENSSL_free(d);
	OPENSSL_free(h);
	return rc;
}

rd_code rd_ca_serial_norm(const char *serial, char dec[64], char hex[48], rd_err *e)
{
	BIGNUM *bn = NULL;
	const char *s = serial;
	bool is_dec = false;
	rd_code rc;
	size_t n;
	if (!s || !*s)
		return rd_fail_at(e, RD_E_INVALID, "serial", "%s", _("the serial number is missing"));
	if (strncmp(s, "dec:", 4) == 0)
		s += 4, is_dec = true;
	else if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)
		s += 2;
	n = strlen(s);
	if (n == 0 || n > 60 || strspn(s, is_dec ? "0123456789" : "0123456789abcdefABCDEF") != n)
		return rd_fail_at(e, RD_E_INVALID, "serial",
				  _("\"%s\" is not a %s serial number"), serial,
				  is_dec ? _("decimal") : _("hexadecimal"));
	if ((is_dec ? BN_dec2bn(&bn, s) : BN_hex2bn(&bn, s)) == 0)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	rc = bn_serial(bn, dec, hex, e);
	BN_free(bn);
	return rc;
}

/* ---- time -------------------------------------------------------------------- */

static time_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return (time_t)-1;
	return timegm(&tm);
}

/* ---- trust ------------------------------------------------------------------- */

rd_code rd_ca_load_store(const char *trust_file, X509_STORE **out, rd_err *e)
{
	X509_STORE *st = X509_STORE_new();
	*out = NULL;
	if (!st)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	if (X509_STORE_load_file(st, trust_file) != 1) {
		X509_STORE_free(st);
		rd_fail_at(e, RD_E_CONFIG, "ca.trust", _("cannot load the trust anchor %s"), trust_file);
		rd_err_add_openssl(e);
		return RD_E_CONFIG;
	}
	X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN);
	*out = st;
	return RD_OK;
}

/* store: the connection's trust store, or NULL to load trust_file now */
static rd_code verify_chain(X509 *leaf, X509_STORE *store, const char *trust_file,
			    const char *chain_pem, time_t now, rd_err *e)
{
	X509_STORE *st = store, *own = NULL;
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	rd_code rc = RD_OK;
	int ok;

	if (!ctx || !untrusted) {
		rc = rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (!st && (rc = rd_ca_load_store(trust_file, &own, e)))
		goto out;
	if (!st)
		st = own;
	if (chain_pem) {
		BIO *b = BIO_new_mem_buf(chain_pem, -1);
		X509 *x;
		while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
			if (!sk_X509_push(untrusted, x))
				X509_free(x);
		BIO_free(b);
		ERR_clear_error(); /* the end of the PEM stream */
	}
	if (X509_STORE_CTX_init(ctx, st, leaf, untrusted) != 1) {
		rc = rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	ok = X509_verify_cert(ctx);
	if (ok != 1) {
		int err = X509_STORE_CTX_get_error(ctx);
		rc = rd_fail_at(e, RD_E_REFUSED, "response.issuer",
				_("the certificate does not chain to the configured CA: %s"),
				X509_verify_cert_error_string(err));
	}
out:
	ERR_clear_error();
	sk_X509_pop_free(untrusted, X509_free);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(own);
	return rc;
}

/* ---- subject ------------------------------------------------------------------ */

static const char *expected_for(const rd_ca_subject *s, int nid, const char **label)
{
	switch (nid) {
	case NID_commonName: *label = "CN"; return s->cn;
	case NID_organizationName: *label = "O"; return s->o;
	case NID_organizationalUnitName: *label = "OU"; return s->ou;
	case NID_localityName: *label = "L"; return s->l;
	case NID_stateOrProvinceName: *label = "ST"; return s->st;
	case NID_countryName: *label = "C"; return s->c;
	default: *label = OBJ_nid2sn(nid); return NULL;
	}
}

static rd_code check_subject(X509 *x, const rd_ca_subject *s, rd_err *e)
{
	const X509_NAME *n = X509_get_subject_name(x);
	const int nids[] = {NID_commonName, NID_organizationName, NID_organizationalUnitName,
			    NID_localityName, NID_stateOrProvinceName, NID_countryName};
	bool seen[RD_ARRAY_LEN(nids)] = {false};
	int count = X509_NAME_entry_count(n);

	for (int i = 0; i < count; i++) {
		const X509_NAME_ENTRY *en = X509_NAME_get_entry(n, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(en));
		const char *label, *want = expected_for(s, nid, &label);
		unsigned char *utf8 = NULL;
		int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(en));
		bool same;
		size_t k;
		if (!want || !*want) {
			OPENSSL_free(utf8);
			return rd_fail_at(e, RD_E_REFUSED, "response.subject",
					  _("the certificate's subject has %s, which was not approved"),
					  label ? label : "?");
		}
		same = len >= 0 && (size_t)len == strlen(want) && memcmp(utf8, want, (size_t)len) == 0;
		for (k = 0; k < RD_ARRAY_LEN(nids) && nids[k] != nid; k++)
			;
		if (!same || seen[k]) {
			char got[256];
			snprintf(got, sizeof got, "%.*s", len > 0 ? len : 0, utf8 ? (char *)utf8 : "");
			OPENSSL_free(utf8);
			return rd_fail_at(e, RD_E_REFUSED, "response.subject",
					  _("the certificate's %s is \"%s\", approved was \"%s\""), label,
					  got, want);
		}
		seen[k] = true;
		OPENSSL_free(utf8);
	}
	for (size_t k = 0; k < RD_ARRAY_LEN(nids); k++) {
		const char *label, *want = expected_for(s, nids[k], &label);
		if (want && *want && !seen[k])
			return rd_fail_at(e, RD_E_REFUSED, "response.subject",
					  _("the certificate's subject lacks the approved %s \"%s\""),
					  label, want);
	}
	return RD_OK;
}

/* ---- the check ------------------------------------------------------------------ */

static rd_code check_cert(const rd_ca_check *chk, X509_STORE *store, const rd_ca_request *req,
			  const char *cert_pem, rd_ca_cert *out, rd_err *e)
{
	X509 *x = NULL;
	X509_REQ *csr = NULL;
	rd_ca_cert c;
	rd_code rc = RD_OK;
	time_t now = chk->now ? chk->now : time(NULL);
	long skew = chk->max_skew_s > 0 ? chk->max_skew_s : 600;
	long max_days = chk->max_days > 0 ? chk->max_days : 3660;
	double days;

	memset(&c, 0, sizeof c);
	memset(out, 0, sizeof *out);
	if (!cert_pem || !strstr(cert_pem, "-----BEGIN CERTIFICATE-----") || !(x = pem_cert(cert_pem))) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_REFUSED, "response.certificate", "%s",
				  _("the CA's answer holds no readable certificate"));
	}
	if ((rc = spki_hash(X509_get_X509_PUBKEY(x), c.spki_sha256, e)))
		goto out;
	/* The same key: the same SubjectPublicKeyInfo, which the outbox knows
	 * from its own check of the CSR; anything else (no hash, or another
	 * encoding of the key) is settled by comparing the keys themselves. */
	if (!req->csr_spki_sha256 || strcmp(req->csr_spki_sha256, c.spki_sha256) != 0) {
		if (!req->csr_pem || !(csr = pem_csr(req->csr_pem))) {
			ERR_clear_error();
			rc = rd_fail_at(e, RD_E_INVALID, "csr", "%s", _("the certificate request cannot be read"));
			goto out;
		}
		if (EVP_PKEY_eq(X509_get0_pubkey(x), X509_REQ_get0_pubkey(csr)) != 1) {
			ERR_clear_error();
			rc = rd_fail_at(e, RD_E_REFUSED, "response.public_key", "%s",
					_("the certificate is for another key than the request's"));
			goto out;
		}
	}
	if ((rc = check_subject(x, &req->subject, e)))
		goto out;
	c.not_before = asn1_time(X509_get0_notBefore(x));
	c.not_after = asn1_time(X509_get0_notAfter(x));
	if (c.not_before == (time_t)-1 || c.not_after == (time_t)-1) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response.validity", "%s",
				_("the certificate's validity cannot be read"));
		goto out;
	}
	if (c.not_after <= c.not_before) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response.validity", "%s",
				_("the certificate expires before it starts"));
		goto out;
	}
	if (c.not_before > now + skew) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response.validity",
				_("the certificate only starts in %ld seconds"), (long)(c.not_before - now));
		goto out;
	}
	if (c.not_after <= now) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response.validity", "%s",
				_("the certificate has already expired"));
		goto out;
	}
	days = (double)(c.not_after - c.not_before) / 86400.0;
	if (days > (double)max_days + 1.0 ||
	    (req->valid_days > 0 && (days > (double)req->valid_days + 1.0 ||
				     days < (double)req->valid_days - 1.0))) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response.validity",
				_("the certificate is valid for %.0f days, expected %ld"), days,
				req->valid_days > 0 ? req->valid_days : max_days);
		goto out;
	}
	/* a certificate starting within the allowed skew is verified at its start */
	if ((rc = verify_chain(x, store, chk->trust_file, chk->chain_pem,
			       c.not_before > now ? c.not_before : now, e)))
		goto out;
	{ /* the outputs */
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		BIO *b = BIO_new(BIO_s_mem());
		char *p;
		long l;
		if (!bn || !b || (rc = bn_serial(bn, c.serial_dec, c.serial_hex, e)) ||
		    PEM_write_bio_X509(b, x) != 1 || (l = BIO_get_mem_data(b, &p)) <= 0 ||
		    !(c.pem = rd_ca_memstr(p, (size_t)l))) {
			BN_free(bn);
			BIO_free(b);
			rc = rc ? rc : rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
			goto out;
		}
		BN_free(bn);
		BIO_free(b);
		name_text(X509_get_issuer_name(x), c.issuer, sizeof c.issuer);
		name_text(X509_get_subject_name(x), c.subject, sizeof c.subject);
	}
	*out = c;
	c.pem = NULL;
out:
	free(c.pem);
	X509_REQ_free(csr);
	X509_free(x);
	ERR_clear_error();
	return rc;
}

rd_code rd_ca_check_response(rd_ca *ca, const rd_ca_request *req, const char *cert_pem,
			     rd_ca_cert *out, rd_err *e)
{
	rd_ca_check chk = {
		.trust_file = ca->trust,
		.max_skew_s = ca->max_skew_s,
		.max_days = ca->max_days,
	};
	return check_cert(&chk, ca->store, req, cert_pem, out, e);
}

rd_code rd_ca_check_cert(const rd_ca_check *chk, const rd_ca_request *req, const char *cert_pem,
			 rd_ca_cert *out, rd_err *e)
{
	return check_cert(chk, NULL, req, cert_pem, out, e);
}

rd_code rd_ca_x509_summary(const char *pem, const char *trust_file, rd_ca_info *out, rd_err *e)
{
	X509 *x = pem ? pem_cert(pem) : NULL;
	rd_err tmp;
	if (!x) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_REFUSED, "response.certificate", "%s",
				  _("the CA's answer holds no readable certificate"));
	}
	name_text(X509_get_subject_name(x), out->subject, sizeof out->subject);
	out->not_after = asn1_time(X509_get0_notAfter(x));
	out->trusted = verify_chain(x, NULL, trust_file, pem, time(NULL), &tmp) == RD_OK;
	X509_free(x);
	return RD_OK;
}

rd_code rd_ca_info_from_pem(char *pem, const char *trust_file, rd_ca_info *out, rd_err *e)
{
	rd_code rc = rd_ca_x509_summary(pem, trust_file, out, e);
	if (rc == RD_OK)
		out->chain_pem = pem;
	else
		free(pem);
	return rc;
}

/* ---- a software CSR ------------------------------------------------------------- */

static int add_entry(X509_NAME *n, int nid, const char *v)
{
	if (!v || !*v)
		return 1;
	return X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, (const unsigned char *)v, -1, -1, 0);
}

static char *bio_string(BIO *b)
{
	char *p;
	long l = BIO_get_mem_data(b, &p);
	return l > 0 ? rd_ca_memstr(p, (size_t)l) : NULL;
}

rd_code rd_ca_make_test_csr(const rd_ca_subject *s, char **csr_pem, char **key_pem, rd_err *e)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();
	BIO *bc = BIO_new(BIO_s_mem()), *bk = key_pem ? BIO_new(BIO_s_mem()) : NULL;
	rd_code rc = RD_OK;

	*csr_pem = NULL;
	if (key_pem)
		*key_pem = NULL;
	if (!k || !r || !n || !bc || (key_pem && !bk) || !add_entry(n, NID_countryName, s->c) ||
	    !add_entry(n, NID_stateOrProvinceName, s->st) || !add_entry(n, NID_localityName, s->l) ||
	    !add_entry(n, NID_organizationName, s->o) ||
	    !add_entry(n, NID_organizationalUnitName, s->ou) || !add_entry(n, NID_commonName, s->cn) ||
	    X509_REQ_set_version(r, 0) != 1 || X509_REQ_set_subject_name(r, n) != 1 ||
	    X509_REQ_set_pubkey(r, k) != 1 || X509_REQ_sign(r, k, EVP_sha256()) <= 0 ||
	    PEM_write_bio_X509_REQ(bc, r) != 1 ||
	    (bk && PEM_write_bio_PrivateKey(bk, k, NULL, NULL, 0, NULL, NULL) != 1) ||
	    !(*csr_pem = bio_string(bc)) || (key_pem && !(*key_pem = bio_string(bk)))) {
		rc = rd_fail(e, RD_E_INTERNAL, "%s", _("cannot make a certificate request"));
		rd_err_add_openssl(e);
		free(*csr_pem);
		*csr_pem = NULL;
		if (key_pem && *key_pem) {
			rd_secret_free(*key_pem, strlen(*key_pem));
			*key_pem = NULL;
		}
	}
	BIO_free(bc);
	BIO_free_all(bk);
	X509_NAME_free(n);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	return rc;
}
