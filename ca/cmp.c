/* The CMP driver: OpenSSL's CMP client (RFC 4210 / RFC 9483) with our
 * libcurl connection as its transport (POST application/pkixcmp, DER).
 * Enrollment is p10cr (the CSR as is) or, when the CSR does not name
 * exactly the approved subject, ir with the approved subject and the
 * CSR's key (the RA vouches for proof of possession); renewal kur with the
 * CSR's key and the approved subject; revocation rr.  Message
 * protection: MAC with a shared secret (cmp_ref + cmp_secret_file) or a
 * signature with the RA's CMP certificate and key (cmp_cert + cmp_key).
 * A fresh OSSL_CMP_CTX per transaction keeps sessions independent. */
#include "ca/internal.h"

#include <openssl/cmp.h>
#include <openssl/cmperr.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct cmp_state {
	unsigned char secret[256];
	size_t secret_len;
	X509 *cert;      /* signature protection */
	EVP_PKEY *key;
	X509_NAME *recipient;
	X509 *srv_cert;
	/* the last transport failure, to tell it from a CA refusal */
	rd_err xfer_err;
	rd_code xfer_rc;
	const char *request_id;
	/* the enrollment under way, and why its certificate was not accepted */
	const rd_ca_request *req;
	rd_err check_err;
	rd_code check_rc;
};

static rd_code read_secret(const char *path, unsigned char *out, size_t *len, rd_err *e)
{
	struct stat st;
	char *data = NULL;
	size_t n = 0;
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_secret_file",
				  _("%s is readable by others (mode %04o); a key file must be mode 0600"),
				  path, (unsigned)(st.st_mode & 07777));
	if (rd_file_read(path, 4096, &data, &n, e) != RD_OK)
		return rd_err_prefix(e, "ca.cmp_secret_file"), RD_E_CONFIG;
	while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	if (n == 0 || n > 256) {
		rd_secret_free(data, n);
		return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_secret_file",
				  _("%s: the shared secret must have 1 to 256 bytes"), path);
	}
	memcpy(out, data, n);
	*len = n;
	rd_secret_free(data, n);
	return RD_OK;
}

static X509 *load_cert_file(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return x;
}

static void cmp_close(rd_ca *ca)
{
	struct cmp_state *s = ca->drv;
	if (!s)
		return;
	rd_memzero(s->secret, sizeof s->secret);
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	X509_NAME_free(s->recipient);
	X509_free(s->srv_cert);
	free(s);
	ca->drv = NULL;
}

static rd_code cmp_open(rd_ca *ca, rd_err *e)
{
	struct cmp_state *s = calloc(1, sizeof *s);
	rd_code rc;
	if (!s)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	ca->drv = s;
	if (ca->cmp_secret_file) {
		if (!ca->cmp_ref)
			return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_ref", "%s",
					  _("MAC protection needs a sender reference (cmp_ref)"));
		if ((rc = read_secret(ca->cmp_secret_file, s->secret, &s->secret_len, e)))
			return rc;
	} else if (ca->cmp_cert && ca->cmp_key) {
		FILE *f;
		struct stat st;
		if (!(s->cert = load_cert_file(ca->cmp_cert))) {
			ERR_clear_error();
			return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_cert", _("%s: not a PEM certificate"),
					  ca->cmp_cert);
		}
		if (stat(ca->cmp_key, &st) == 0 && (st.st_mode & 077))
			return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_key",
					  _("%s is readable by others (mode %04o); a key file must be mode 0600"),
					  ca->cmp_key, (unsigned)(st.st_mode & 07777));
		f = fopen(ca->cmp_key, "r");
		s->key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
		if (f)
			fclose(f);
		if (!s->key) {
			ERR_clear_error();
			return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_key", _("%s: not a readable private key"),
					  ca->cmp_key);
		}
	} else {
		return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_secret_file", "%s",
				  _("CMP needs message protection: cmp_secret_file and cmp_ref, or cmp_cert and cmp_key"));
	}
	if (ca->cmp_srv_cert && !(s->srv_cert = load_cert_file(ca->cmp_srv_cert))) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_srv_cert", _("%s: not a PEM certificate"),
				  ca->cmp_srv_cert);
	}
	if (ca->cmp_recipient) {
		s->recipient = X509_NAME_new();
		/* "/CN=x/O=y" */
		char *copy = strdup(ca->cmp_recipient), *p, *save = NULL;
		if (!copy || !s->recipient)
			return free(copy), rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
		for (p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
			char *eq = strchr(p, '=');
			if (!eq || X509_NAME_add_entry_by_txt(s->recipient, (*eq = '\0', p), MBSTRING_UTF8,
							      (unsigned char *)eq + 1, -1, -1, 0) != 1) {
				free(copy);
				ERR_clear_error();
				return rd_fail_at(e, RD_E_CONFIG, "ca.cmp_recipient",
						  _("\"%s\" is not a name like /CN=CA/O=Org"),
						  ca->cmp_recipient);
			}
		}
		free(copy);
	} else {
		X509 *anchor = load_cert_file(ca->trust);
		if (!anchor) {
			ERR_clear_error();
			return rd_fail_at(e, RD_E_CONFIG, "ca.trust", _("%s: not a PEM certificate"),
					  ca->trust);
		}
		s->recipient = X509_NAME_dup(X509_get_subject_name(anchor));
		X509_free(anchor);
	}
	return RD_OK;
}

/* OpenSSL calls this with each request; the answer comes back over our
 * kept-alive HTTPS connection. */
static OSSL_CMP_MSG *transfer(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
	rd_ca *ca = OSSL_CMP_CTX_get_transfer_cb_arg(ctx);
	struct cmp_state *s = ca->drv;
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_OSSL_CMP_MSG(req, &der);
	char *path;
	rd_http_resp r;
	OSSL_CMP_MSG *out = NULL;

	if (n <= 0) {
		s->xfer_rc = rd_fail(&s->xfer_err, RD_E_INTERNAL, "%s", _("cannot encode the CMP request"));
		return NULL;
	}
	path = rd_asprintf("/%s", ca->cmp_path[0] == '/' ? ca->cmp_path + 1 : ca->cmp_path);
	if (!path) {
		OPENSSL_free(der);
		s->xfer_rc = rd_fail(&s->xfer_err, RD_E_NOMEM, "%s", _("out of memory"));
		return NULL;
	}
	s->xfer_rc = rd_ca_http_post(ca, path, "application/pkixcmp", der, (size_t)n, s->request_id,
				     &r, &s->xfer_err);
	free(path);
	OPENSSL_free(der);
	if (s->xfer_rc)
		return NULL;
	if (r.status < 200 || r.status > 299) {
		s->xfer_rc = rd_ca_http_status_fail(r.status, NULL, &s->xfer_err);
	} else if (!r.body || !(p = (const unsigned char *)r.body,
				 out = d2i_OSSL_CMP_MSG(NULL, &p, (long)r.len))) {
		s->xfer_rc = rd_fail_at(&s->xfer_err, RD_E_REFUSED, "response", "%s",
					_("the CA's answer is not a CMP message"));
	}
	rd_http_resp_free(&r);
	return out;
}

/* OpenSSL's CMP messages go to our logger, never to the terminal. */
static int cmp_log(const char *func, const char *file, int line, OSSL_CMP_severity level,
		   const char *msg)
{
	(void)func, (void)file, (void)line, (void)level, (void)msg;
	return 1;
}

static OSSL_CMP_CTX *new_ctx(rd_ca *ca, const char *request_id, rd_err *e)
{
	struct cmp_state *s = ca->drv;
	OSSL_CMP_CTX *c = OSSL_CMP_CTX_new(NULL, NULL);
	X509_STORE *store = NULL;
	bool ok = c != NULL;

	rd_err_clear(&s->xfer_err);
	s->xfer_rc = RD_OK;
	s->request_id = request_id;
	rd_err_clear(&s->check_err);
	s->check_rc = RD_OK;
	s->req = NULL;
	if (ok)
		ok = OSSL_CMP_CTX_set_log_cb(c, cmp_log) && OSSL_CMP_CTX_set_transfer_cb(c, transfer) && OSSL_CMP_CTX_set_transfer_cb_arg(c, ca) &&
		     OSSL_CMP_CTX_set1_server(c, "127.0.0.1") && /* unused: our transfer does the I/O */
		     OSSL_CMP_CTX_set1_recipient(c, s->recipient) &&
		     OSSL_CMP_CTX_set_option(c, OSSL_CMP_OPT_MSG_TIMEOUT, (int)ca->timeout_s) &&
		     OSSL_CMP_CTX_set_option(c, OSSL_CMP_OPT_TOTAL_TIMEOUT, (int)ca->timeout_s * 2);
	if (ok && s->secret_len)
		ok = OSSL_CMP_CTX_set1_referenceValue(c, (const unsigned char *)ca->cmp_ref,
						      (int)strlen(ca->cmp_ref)) &&
		     OSSL_CMP_CTX_set1_secretValue(c, s->secret, (int)s->secret_len);
	if (ok && s->cert) {
		ok = OSSL_CMP_CTX_set1_cert(c, s->cert) && OSSL_CMP_CTX_set1_pkey(c, s->key);
		/* signed answers are checked against the trust anchor */
		if (ok && !s->srv_cert) {
			store = X509_STORE_new();
			ok = store && X509_STORE_load_file(store, ca->trust) == 1 &&
			     OSSL_CMP_CTX_set0_trustedStore(c, store);
			if (ok)
				store = NULL;
		}
	}
	if (ok && s->srv_cert)
		ok = OSSL_CMP_CTX_set1_srvCert(c, s->srv_cert);
	if (ok && request_id) { /* the transaction carries the request id (hashed) */
		unsigned char h[32];
		ASN1_OCTET_STRING *tid = ASN1_OCTET_STRING_new();
		rd_sha256(request_id, strlen(request_id), h);
		ok = tid && ASN1_OCTET_STRING_set(tid, h, 16) &&
		     OSSL_CMP_CTX_set1_transactionID(c, tid);
		ASN1_OCTET_STRING_free(tid);
	}
	X509_STORE_free(store);
	if (!ok) {
		rd_fail(e, RD_E_INTERNAL, "%s", _("cannot set up the CMP client"));
		rd_err_add_openssl(e);
		OSSL_CMP_CTX_free(c);
		return NULL;
	}
	return c;
}

/* What OpenSSL's error queue says about a failed transaction: the reasons
 * and their detail as one line (the queue is emptied), and whether one of
 * them means the time ran out or a message's protection failed. */
typedef struct cmp_errs {
	char text[600];
	bool timeout, protection;
} cmp_errs;

static void cmp_errs_take(cmp_errs *out)
{
	unsigned long code;
	const char *data;
	int flags;
	size_t len;
	memset(out, 0, sizeof *out);
	while ((code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		const char *why = ERR_reason_error_string(code);
		if (ERR_GET_LIB(code) == ERR_LIB_CMP) {
			switch (ERR_GET_REASON(code)) {
			case CMP_R_TOTAL_TIMEOUT:
				out->timeout = true;
				break;
			case CMP_R_ERROR_VALIDATING_PROTECTION:
			case CMP_R_MISSING_PROTECTION:
			case CMP_R_WRONG_PBM_VALUE:
			case CMP_R_NO_SUITABLE_SENDER_CERT:
				out->protection = true;
				break;
			default:
				break;
			}
		}
		len = strlen(out->text);
		snprintf(out->text + len, sizeof out->text - len, "%s%s%s%s", len ? "; " : "",
			 why ? why : "?", (flags & ERR_TXT_STRING) && data && *data ? ": " : "",
			 (flags & ERR_TXT_STRING) && data ? data : "");
	}
}

/* Why a CMP transaction failed: our transport; our own checks refusing the
 * certificate the CA sent (we said so in certConf); the time running out
 * while the CA asked us to wait (transient); message protection failing
 * either way (the shared secret or the RA's CMP certificate is not the one
 * the CA knows: the link's trouble, not the request's); or the CA's refusal. */
static rd_code cmp_fail(rd_ca *ca, OSSL_CMP_CTX *c, const char *what, rd_err *e)
{
	struct cmp_state *s = ca->drv;
	char status[512];
	cmp_errs errs;
	int info;
	if (s->xfer_rc) {
		ERR_clear_error();
		if (e)
			*e = s->xfer_err;
		return s->xfer_rc;
	}
	if (s->check_rc) {
		ERR_clear_error();
		if (e)
			*e = s->check_err;
		return s->check_rc;
	}
	cmp_errs_take(&errs);
	info = OSSL_CMP_CTX_get_failInfoCode(c);
	if (errs.timeout)
		return rd_fail_at(e, RD_E_TIMEOUT, "ca.timeout",
				  _("the CA asked to wait for its answer to the %s longer than the timeout allows"),
				  what);
	if (errs.protection ||
	    (info > 0 && (info & (1 << OSSL_CMP_PKIFAILUREINFO_badMessageCheck)) != 0))
		return rd_fail_at(e, RD_E_AUTH, ca->cmp_secret_file ? "ca.cmp_secret_file" : "ca.cmp_cert",
				  _("the protection of the CMP messages does not hold (shared secret or CMP certificate?): %s"),
				  errs.text[0] ? errs.text : _("the CA refused it"));
	if (OSSL_CMP_CTX_get_status(c) == OSSL_CMP_PKISTATUS_rejection || info > 0) {
		OSSL_CMP_CTX_snprint_PKIStatus(c, status, sizeof status);
		return rd_fail_at(e, RD_E_REFUSED, "response", _("the CA refused the %s: %s"), what,
				  status);
	}
	return rd_fail_at(e, RD_E_REFUSED, "response", _("the CA's answer to the %s was not accepted: %s"),
			  what, errs.text[0] ? errs.text : "?");
}

/* OpenSSL asks before it confirms a new certificate to the CA: our checks
 * (key, subject, chain, validity) decide, and a refusal goes back to the CA
 * in certConf instead of the certificate being taken. */
static int cert_conf(OSSL_CMP_CTX *c, X509 *cert, int fail_info, const char **txt)
{
	rd_ca *ca = OSSL_CMP_CTX_get_certConf_cb_arg(c);
	struct cmp_state *s = ca->drv;
	BIO *b;
	char *p, *pem = NULL;
	long l;
	rd_ca_cert got;
	if (!s->req)
		return fail_info;
	b = BIO_new(BIO_s_mem());
	if (b && PEM_write_bio_X509(b, cert) == 1 && (l = BIO_get_mem_data(b, &p)) > 0)
		pem = rd_ca_memstr(p, (size_t)l);
	BIO_free(b);
	if (!pem) {
		s->check_rc = rd_fail(&s->check_err, RD_E_NOMEM, "%s", _("out of memory"));
		*txt = "RA: out of memory";
		return 1 << OSSL_CMP_PKIFAILUREINFO_systemFailure;
	}
	s->check_rc = rd_ca_check_response(ca, s->req, pem, &got, &s->check_err);
	free(pem);
	if (s->check_rc == RD_OK) { /* ours hold; OpenSSL may still have refused it */
		rd_ca_cert_free(&got);
		if (fail_info != 0)
			s->check_rc = rd_fail_at(&s->check_err, RD_E_REFUSED, "response.certificate", "%s",
						 _("OpenSSL's CMP client did not accept the CA's certificate"));
		return fail_info;
	}
	*txt = "the RA does not accept the certificate (key, subject, issuer or validity)";
	return 1 << OSSL_CMP_PKIFAILUREINFO_badCertTemplate;
}

static X509_REQ *csr_from_pem(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_REQ *r = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return r;
}

static rd_code cert_pem_out(X509 *x, char **pem, rd_err *e)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;
	*pem = NULL;
	if (b && PEM_write_bio_X509(b, x) == 1 && (l = BIO_get_mem_data(b, &p)) > 0)
		*pem = rd_ca_memstr(p, (size_t)l);
	BIO_free(b);
	return *pem ? RD_OK : rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
}

/* The approved subject as a name (C, ST, L, O, OU, CN). */
static X509_NAME *approved_name(const rd_ca_subject *sj)
{
	const struct {
		int nid;
		const char *v;
	} f[] = {{NID_countryName, sj->c}, {NID_stateOrProvinceName, sj->st}, {NID_localityName, sj->l},
		 {NID_organizationName, sj->o}, {NID_organizationalUnitName, sj->ou}, {NID_commonName, sj->cn}};
	X509_NAME *n = X509_NAME_new();
	for (size_t i = 0; n && i < RD_ARRAY_LEN(f); i++)
		if (f[i].v && *f[i].v &&
		    X509_NAME_add_entry_by_NID(n, f[i].nid, MBSTRING_UTF8, (const unsigned char *)f[i].v, -1, -1, 0) != 1) {
			X509_NAME_free(n);
			n = NULL;
		}
	return n;
}

/* True when the CSR's subject has exactly the approved attributes (in any
 * order): then the CA may get the subscriber's own signed request. */
static bool same_subject(const X509_NAME *csr, const X509_NAME *want)
{
	int n = X509_NAME_entry_count(csr);
	if (n != X509_NAME_entry_count(want))
		return false;
	for (int i = 0; i < n; i++) {
		const X509_NAME_ENTRY *a = X509_NAME_get_entry(want, i);
		int at = X509_NAME_get_index_by_OBJ(csr, X509_NAME_ENTRY_get_object(a), -1);
		unsigned char *u1 = NULL, *u2 = NULL;
		int l1, l2;
		bool eq;
		if (at < 0 || X509_NAME_get_index_by_OBJ(csr, X509_NAME_ENTRY_get_object(a), at) >= 0)
			return false;
		l1 = ASN1_STRING_to_UTF8(&u1, X509_NAME_ENTRY_get_data(a));
		l2 = ASN1_STRING_to_UTF8(&u2, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(csr, at)));
		eq = l1 >= 0 && l1 == l2 && memcmp(u1, u2, (size_t)l1) == 0;
		OPENSSL_free(u1);
		OPENSSL_free(u2);
		if (!eq)
			return false;
	}
	return true;
}

/* Enrollment: p10cr when the CSR names exactly the approved subject;
 * otherwise (a CSR made on a token names the CN only, say) an ir whose
 * template carries the approved subject and the CSR's key, the proof of
 * possession vouched for by the RA (it checked the CSR's signature).
 * Renewal: kur naming the old certificate, the template as for ir. */
static rd_code certreq(rd_ca *ca, const rd_ca_request *req, const char *old_pem, char **cert_pem,
		       rd_err *e)
{
	X509_REQ *csr = csr_from_pem(req->csr_pem);
	X509 *old = NULL, *got;
	X509_NAME *subject = NULL;
	OSSL_CMP_CTX *c;
	struct cmp_state *s = ca->drv;
	bool p10;
	rd_code rc;
	if (!csr) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_INVALID, "csr", "%s", _("the certificate request cannot be read"));
	}
	if (old_pem) {
		BIO *b = BIO_new_mem_buf(old_pem, -1);
		old = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
		if (!old) {
			X509_REQ_free(csr);
			ERR_clear_error();
			return rd_fail_at(e, RD_E_INVALID, "certificate", "%s",
					  _("the certificate to renew cannot be read"));
		}
	}
	if (!(subject = approved_name(&req->subject))) {
		X509_REQ_free(csr);
		X509_free(old);
		ERR_clear_error();
		return rd_fail_at(e, RD_E_INVALID, "subject", "%s", _("the approved subject cannot be encoded"));
	}
	p10 = !old && same_subject(X509_REQ_get_subject_name(csr), subject);
	if (!(c = new_ctx(ca, req->request_id, e))) {
		X509_REQ_free(csr);
		X509_free(old);
		X509_NAME_free(subject);
		return e ? e->code : RD_E_INTERNAL;
	}
	s->req = req;
	if (!OSSL_CMP_CTX_set1_p10CSR(c, csr) || !OSSL_CMP_CTX_set_certConf_cb(c, cert_conf) ||
	    !OSSL_CMP_CTX_set_certConf_cb_arg(c, ca) ||
	    (!p10 && (!OSSL_CMP_CTX_set1_subjectName(c, subject) ||
		      !OSSL_CMP_CTX_set_option(c, OSSL_CMP_OPT_SUBJECTALTNAME_NODEFAULT, 1) ||
		      !OSSL_CMP_CTX_set_option(c, OSSL_CMP_OPT_POPO_METHOD, OSSL_CRMF_POPO_RAVERIFIED))) ||
	    (old && !OSSL_CMP_CTX_set1_oldCert(c, old))) {
		rc = rd_fail(e, RD_E_INTERNAL, "%s", _("cannot set up the CMP client"));
		rd_err_add_openssl(e);
	} else if (old) {
		got = OSSL_CMP_exec_KUR_ses(c);
		rc = got ? cert_pem_out(got, cert_pem, e) : cmp_fail(ca, c, _("key update request"), e);
	} else {
		got = p10 ? OSSL_CMP_exec_P10CR_ses(c) : OSSL_CMP_exec_IR_ses(c);
		rc = got ? cert_pem_out(got, cert_pem, e)
			 : cmp_fail(ca, c, _("certificate request"), e);
	}
	ERR_clear_error();
	OSSL_CMP_CTX_free(c);
	X509_REQ_free(csr);
	X509_free(old);
	X509_NAME_free(subject);
	return rc;
}

static rd_code cmp_enroll(rd_ca *ca, const rd_ca_request *req, char **cert_pem, rd_err *e)
{
	return certreq(ca, req, NULL, cert_pem, e);
}

static rd_code cmp_renew(rd_ca *ca, const rd_ca_request *req, const char *old_pem,
			 char **cert_pem, rd_err *e)
{
	return certreq(ca, req, old_pem, cert_pem, e);
}

static rd_code cmp_revoke(rd_ca *ca, const char *serial_dec, const char *cert_pem, int reason,
			  rd_err *e)
{
	X509 *x = NULL;
	OSSL_CMP_CTX *c;
	rd_code rc = RD_OK;
	BIO *b;
	if (!cert_pem)
		return rd_fail_at(e, RD_E_INVALID, "certificate", "%s",
				  _("CMP revocation needs the certificate, not only its serial number"));
	b = BIO_new_mem_buf(cert_pem, -1);
	x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!x) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_INVALID, "certificate", "%s",
				  _("the certificate to revoke cannot be read"));
	}
	{ /* the serial given must be this certificate's */
		char dec[64], hex[48];
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		char *d = bn ? BN_bn2dec(bn) : NULL;
		if (!d || strcmp(d, serial_dec) != 0)
			rc = rd_fail_at(e, RD_E_INVALID, "serial", "%s",
					_("the serial number is not the certificate's"));
		(void)hex, (void)dec;
		OPENSSL_free(d);
		BN_free(bn);
	}
	if (rc || !(c = new_ctx(ca, NULL, e))) {
		X509_free(x);
		return rc ? rc : e ? e->code : RD_E_INTERNAL;
	}
	if (!OSSL_CMP_CTX_set1_oldCert(c, x) ||
	    !OSSL_CMP_CTX_set_option(c, OSSL_CMP_OPT_REVOCATION_REASON, reason)) {
		rc = rd_fail(e, RD_E_INTERNAL, "%s", _("cannot set up the CMP client"));
		rd_err_add_openssl(e);
	} else if (OSSL_CMP_exec_RR_ses(c) != 1) {
		rc = cmp_fail(ca, c, _("revocation request"), e);
	}
	ERR_clear_error();
	OSSL_CMP_CTX_free(c);
	X509_free(x);
	return rc;
}

/* CMP has no "info": the CA is the configured trust anchor. */
static rd_code cmp_info(rd_ca *ca, rd_ca_info *out, rd_err *e)
{
	char *pem = NULL;
	size_t n;
	rd_code rc = rd_file_read(ca->trust, 1 << 20, &pem, &n, e);
	if (rc)
		return rc;
	return rd_ca_info_from_pem(pem, ca->trust, out, e);
}

/* ping: a CMP general message (genm) over TLS; any protected answer proves
 * the path end to end. */
static rd_code cmp_ping(rd_ca *ca, rd_ca_ping *out, rd_err *e)
{
	OSSL_CMP_CTX *c = new_ctx(ca, NULL, e);
	STACK_OF(OSSL_CMP_ITAV) *itavs;
	rd_http_resp r;
	rd_code rc = RD_OK;
	if (!c)
		return e ? e->code : RD_E_INTERNAL;
	itavs = OSSL_CMP_exec_GENM_ses(c);
	if (!itavs && OSSL_CMP_CTX_get_status(c) != OSSL_CMP_PKISTATUS_accepted)
		rc = cmp_fail(ca, c, _("general message"), e);
	sk_OSSL_CMP_ITAV_pop_free(itavs, OSSL_CMP_ITAV_free);
	ERR_clear_error();
	OSSL_CMP_CTX_free(c);
	if (rc)
		return rc;
	memset(&r, 0, sizeof r);
	rd_ca_http_timings(ca, &r);
	rd_strlcpy(r.tls_version, ca->last_tls, sizeof r.tls_version);
	rd_ca_ping_transport(out, &r);
	return cmp_info(ca, &out->info, e);
}

const struct rd_ca_ops rd_ca_cmp_ops = {
	.name = "cmp",
	.open = cmp_open,
	.close = cmp_close,
	.enroll = cmp_enroll,
	.renew = cmp_renew,
	.revoke = cmp_revoke,
	.info = cmp_info,
	.ping = cmp_ping,
};
