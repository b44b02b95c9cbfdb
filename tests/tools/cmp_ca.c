/* cmp_ca: a CMP CA for tests that signs what it is asked for.
 *
 * OpenSSL's mock CMP server (openssl cmp -port) answers every request with
 * one fixed certificate and takes a key update (kur) only for that very
 * certificate, so a renewal with a new key can never come out of it.  This
 * is the same server engine (OpenSSL's OSSL_CMP_SRV_CTX: protection,
 * transactions, proof of possession, certConf) with the test CA's key
 * behind it: p10cr, ir, cr and kur get a new certificate for the requested
 * key and subject; kur only for a certificate of this CA named in the
 * oldCertID control; rr is accepted for any certificate of this CA.
 *
 *   cmp_ca --port P --ca-cert F --ca-key F --ref R --secret-file F --log F
 *
 * Plain HTTP on 127.0.0.1:P (tests put a TLS front before it), one
 * connection at a time, keep-alive.  Every transaction is logged to the
 * log file, one line each: "p10cr|ir|cr|kur SERIAL_HEX [old OLD_HEX]",
 * "rr SERIAL_HEX reason CODE" (-1: none given), "certConf <PKIStatusInfo>". */
#include "core/core.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <openssl/cmp.h>
#include <openssl/crmf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct ca {
	X509 *cert;
	EVP_PKEY *key;
	FILE *log;
} ca;

static void log_line(ca *c, const char *what, const char *detail)
{
	fprintf(c->log, "%s %s\n", what, detail ? detail : "");
	fflush(c->log);
}

static char *serial_hex(const ASN1_INTEGER *s)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	for (char *p = h; p && *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p + 32);
	return h;
}

/* The template's publicKey ([6] IMPLICIT SubjectPublicKeyInfo): OpenSSL
 * 3.0 has no getter, so take it from the DER. */
static EVP_PKEY *template_key(const OSSL_CRMF_CERTTEMPLATE *t)
{
	unsigned char *der = NULL;
	const unsigned char *p, *end, *el;
	long len;
	int tag, cls, n = i2d_OSSL_CRMF_CERTTEMPLATE((OSSL_CRMF_CERTTEMPLATE *)t, &der);
	EVP_PKEY *k = NULL;
	if (n <= 0)
		return NULL;
	p = der;
	if (ASN1_get_object(&p, &len, &tag, &cls, n) & 0x80)
		goto out;
	end = p + len;
	while (p < end) {
		el = p;
		if (ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80)
			break;
		if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 6) {
			size_t whole = (size_t)(p - el) + (size_t)len;
			unsigned char *copy = OPENSSL_memdup(el, whole);
			const unsigned char *q = copy;
			if (copy) {
				copy[0] = 0x30; /* SEQUENCE, as the implicit tag replaced it */
				k = d2i_PUBKEY(NULL, &q, (long)whole);
				OPENSSL_free(copy);
			}
			break;
		}
		p += len;
	}
out:
	OPENSSL_free(der);
	return k;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v;
	X509_EXTENSION *ex;
	int ok;
	X509V3_set_ctx(&v, issuer, x, NULL, NULL, 0);
	if (!(ex = X509V3_EXT_conf_nid(NULL, &v, nid, value)))
		return 0;
	ok = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return ok;
}

static X509 *issue(ca *c, EVP_PKEY *pub, const X509_NAME *subject)
{
	X509 *x = X509_new();
	unsigned char r[16];
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	int ok = x && RAND_bytes(r, sizeof r) == 1;
	if (ok) {
		r[0] &= 0x7f;
		r[0] |= 0x40;
		ok = (bn = BN_bin2bn(r, sizeof r, NULL)) && (serial = BN_to_ASN1_INTEGER(bn, NULL)) &&
		     X509_set_version(x, 2) && X509_set_serialNumber(x, serial) &&
		     X509_set_issuer_name(x, X509_get_subject_name(c->cert)) &&
		     X509_set_subject_name(x, subject) && X509_set_pubkey(x, pub) &&
		     X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
		     X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) &&
		     add_ext(x, c->cert, NID_basic_constraints, "critical,CA:FALSE") &&
		     add_ext(x, c->cert, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
		     add_ext(x, c->cert, NID_ext_key_usage, "clientAuth,emailProtection") &&
		     add_ext(x, c->cert, NID_subject_key_identifier, "hash") &&
		     add_ext(x, c->cert, NID_authority_key_identifier, "keyid") &&
		     X509_sign(x, c->key, EVP_sha256()) > 0;
	}
	BN_free(bn);
	ASN1_INTEGER_free(serial);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static OSSL_CMP_PKISI *reject(const char *why)
{
	return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badCertId,
				       why);
}

static OSSL_CMP_PKISI *cert_request(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id,
				    const OSSL_CRMF_MSG *crm, const X509_REQ *p10, X509 **out,
				    STACK_OF(X509) **chain, STACK_OF(X509) **capubs)
{
	ca *c = OSSL_CMP_SRV_CTX_get0_custom_ctx(srv);
	int type = OSSL_CMP_MSG_get_bodytype(req);
	const char *name = type == OSSL_CMP_P10CR ? "p10cr"
			   : type == OSSL_CMP_KUR ? "kur"
			   : type == OSSL_CMP_IR ? "ir" : "cr";
	EVP_PKEY *pub = NULL;
	const X509_NAME *subject = NULL;
	char *old = NULL, *serial;
	(void)id, (void)chain, (void)capubs;
	*out = NULL;
	if (p10) {
		pub = X509_REQ_get_pubkey((X509_REQ *)p10);
		subject = X509_REQ_get_subject_name(p10);
	} else if (crm) {
		const OSSL_CRMF_CERTTEMPLATE *t = OSSL_CRMF_MSG_get0_tmpl(crm);
		pub = template_key(t);
		subject = OSSL_CRMF_CERTTEMPLATE_get0_subject(t);
	}
	if (type == OSSL_CMP_KUR) {
		const OSSL_CRMF_CERTID *cid = crm ? OSSL_CRMF_MSG_get0_regCtrl_oldCertID(crm) : NULL;
		if (!cid || X509_NAME_cmp(OSSL_CRMF_CERTID_get0_issuer(cid), X509_get_subject_name(c->cert)) != 0) {
			EVP_PKEY_free(pub);
			log_line(c, "kur refused:", "the old certificate is not this CA's");
			return reject("the certificate to update is not this CA's");
		}
		old = serial_hex(OSSL_CRMF_CERTID_get0_serialNumber(cid));
	}
	if (!pub || !subject || !(*out = issue(c, pub, subject))) {
		EVP_PKEY_free(pub);
		OPENSSL_free(old);
		return NULL;
	}
	EVP_PKEY_free(pub);
	serial = serial_hex(X509_get0_serialNumber(*out));
	fprintf(c->log, "%s %s%s%s\n", name, serial ? serial : "?", old ? " old " : "", old ? old : "");
	fflush(c->log);
	OPENSSL_free(serial);
	OPENSSL_free(old);
	return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

/* The CRL reason of the first RevDetails of an rr (-1 when absent):
 * PKIMessage { header, body [11] RevReqContent { RevDetails { certDetails,
 * crlEntryDetails Extensions } } }; OpenSSL 3.0 has no getter for it. */
static int rr_reason(const OSSL_CMP_MSG *req)
{
	unsigned char *der = NULL;
	const unsigned char *p, *end;
	long len;
	int tag, cls, reason = -1, n = i2d_OSSL_CMP_MSG((OSSL_CMP_MSG *)req, &der);
	if (n <= 0)
		return -1;
	p = der;
	end = der + n;
	/* into PKIMessage, over the header, into [11], RevReqContent, RevDetails */
	if ((ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80) ||
	    (ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80))
		goto out;
	p += len;
	for (int depth = 0; depth < 3; depth++)
		if ((ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80) ||
		    (depth == 0 && (cls != V_ASN1_CONTEXT_SPECIFIC || tag != 11)))
			goto out;
	end = p + len; /* RevDetails' content */
	if (ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80) /* certDetails */
		goto out;
	p += len;
	if (p < end) {
		STACK_OF(X509_EXTENSION) *exts = d2i_X509_EXTENSIONS(NULL, &p, end - p);
		ASN1_ENUMERATED *r = exts ? X509V3_get_d2i(exts, NID_crl_reason, NULL, NULL) : NULL;
		if (r)
			reason = (int)ASN1_ENUMERATED_get(r);
		ASN1_ENUMERATED_free(r);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
out:
	OPENSSL_free(der);
	ERR_clear_error();
	return reason;
}

static OSSL_CMP_PKISI *revoke_cb(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const X509_NAME *issuer,
			      const ASN1_INTEGER *serial)
{
	ca *c = OSSL_CMP_SRV_CTX_get0_custom_ctx(srv);
	char *hex;
	if (!issuer || !serial || X509_NAME_cmp(issuer, X509_get_subject_name(c->cert)) != 0)
		return reject("not a certificate of this CA");
	hex = serial_hex(serial);
	fprintf(c->log, "rr %s reason %d\n", hex ? hex : "?", rr_reason(req));
	fflush(c->log);
	OPENSSL_free(hex);
	return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

static int genm(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const STACK_OF(OSSL_CMP_ITAV) *in,
		STACK_OF(OSSL_CMP_ITAV) **out)
{
	(void)srv, (void)req, (void)in;
	return (*out = sk_OSSL_CMP_ITAV_new_null()) != NULL;
}

static void error_msg(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const OSSL_CMP_PKISI *si,
		      const ASN1_INTEGER *code, const OSSL_CMP_PKIFREETEXT *details)
{
	(void)srv, (void)req, (void)si, (void)code, (void)details;
}

static int cert_conf(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const ASN1_OCTET_STRING *hash,
		     const OSSL_CMP_PKISI *si)
{
	ca *c = OSSL_CMP_SRV_CTX_get0_custom_ctx(srv);
	char buf[512];
	(void)req, (void)id, (void)hash;
	log_line(c, "certConf", si ? OSSL_CMP_snprint_PKIStatusInfo(si, buf, sizeof buf) : "accepted");
	return 1;
}

static int poll_req(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, OSSL_CMP_MSG **cr, int64_t *after)
{
	(void)srv, (void)req, (void)id, (void)cr, (void)after;
	return 0;
}

/* ---- HTTP/1.1, one connection at a time ---- */

static volatile sig_atomic_t quit;
static void on_term(int sig)
{
	(void)sig;
	quit = 1;
}

/* Reads one request's body into *body; 0 at the end of the connection. */
static long read_request(int fd, unsigned char **body)
{
	char head[8192];
	size_t n = 0;
	long len = -1;
	char *end = NULL, *cl;
	*body = NULL;
	while (!end) {
		ssize_t r;
		if (n == sizeof head - 1)
			return -1;
		r = read(fd, head + n, 1);
		if (r <= 0)
			return r < 0 ? -1 : 0;
		head[++n] = '\0';
		end = n >= 4 ? strstr(head, "\r\n\r\n") : NULL;
	}
	for (char *p = head; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	if ((cl = strstr(head, "\ncontent-length:")))
		len = strtol(cl + 16, NULL, 10);
	if (len <= 0 || len > (1 << 20) || !(*body = malloc((size_t)len)))
		return -1;
	for (long got = 0; got < len;) {
		ssize_t r = read(fd, *body + got, (size_t)(len - got));
		if (r <= 0) {
			free(*body);
			*body = NULL;
			return -1;
		}
		got += r;
	}
	return len;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *q = p;
	while (n) {
		ssize_t w = write(fd, q, n);
		if (w <= 0)
			return -1;
		q += w, n -= (size_t)w;
	}
	return 0;
}

static void serve(OSSL_CMP_SRV_CTX *srv, int fd)
{
	unsigned char *body;
	long len;
	while (!quit && (len = read_request(fd, &body)) > 0) {
		const unsigned char *p = body;
		OSSL_CMP_MSG *req = d2i_OSSL_CMP_MSG(NULL, &p, len), *rsp = NULL;
		unsigned char *der = NULL;
		int n = 0;
		char head[160];
		free(body);
		if (req)
			rsp = OSSL_CMP_SRV_process_request(srv, req);
		OSSL_CMP_MSG_free(req);
		ERR_clear_error();
		if (!rsp || (n = i2d_OSSL_CMP_MSG(rsp, &der)) <= 0) {
			static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
			OSSL_CMP_MSG_free(rsp);
			write_all(fd, bad, sizeof bad - 1);
			return;
		}
		OSSL_CMP_MSG_free(rsp);
		snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: %d\r\n\r\n", n);
		if (write_all(fd, head, strlen(head)) || write_all(fd, der, (size_t)n)) {
			OPENSSL_free(der);
			return;
		}
		OPENSSL_free(der);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: cmp_ca --port P --ca-cert F --ca-key F --ref R --secret-file F --log F\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *port = NULL, *cert = NULL, *key = NULL, *ref = NULL, *secret_file = NULL, *log = NULL;
	static const struct option opts[] = {{"port", 1, 0, 'p'}, {"ca-cert", 1, 0, 'c'}, {"ca-key", 1, 0, 'k'},
					     {"ref", 1, 0, 'r'}, {"secret-file", 1, 0, 's'}, {"log", 1, 0, 'l'},
					     {0, 0, 0, 0}};
	char *secret = NULL;
	size_t secret_len = 0;
	OSSL_CMP_SRV_CTX *srv;
	OSSL_CMP_CTX *ctx;
	struct sockaddr_in a;
	ca c = {0};
	FILE *f;
	int opt, s, one = 1;
	rd_err e;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': port = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'r': ref = optarg; break;
		case 's': secret_file = optarg; break;
		case 'l': log = optarg; break;
		default: return usage();
		}
	}
	if (!port || !cert || !key || !ref || !secret_file || !log)
		return usage();
	if ((f = fopen(cert, "r")))
		c.cert = PEM_read_X509(f, NULL, NULL, NULL), fclose(f);
	if ((f = fopen(key, "r")))
		c.key = PEM_read_PrivateKey(f, NULL, NULL, NULL), fclose(f);
	if (!c.cert || !c.key || rd_file_read(secret_file, 4096, &secret, &secret_len, &e) != RD_OK ||
	    !(c.log = fopen(log, "a"))) {
		fprintf(stderr, "cmp_ca: cannot read the CA certificate, key, secret or log file\n");
		return 1;
	}
	while (secret_len && (secret[secret_len - 1] == '\n' || secret[secret_len - 1] == '\r'))
		secret_len--;
	srv = OSSL_CMP_SRV_CTX_new(NULL, NULL);
	ctx = srv ? OSSL_CMP_SRV_CTX_get0_cmp_ctx(srv) : NULL;
	if (!ctx || !OSSL_CMP_SRV_CTX_init(srv, &c, cert_request, revoke_cb, genm, error_msg, cert_conf, poll_req) ||
	    !OSSL_CMP_SRV_CTX_set_accept_raverified(srv, 1) ||
	    !OSSL_CMP_CTX_set1_referenceValue(ctx, (const unsigned char *)ref, (int)strlen(ref)) ||
	    !OSSL_CMP_CTX_set1_secretValue(ctx, (const unsigned char *)secret, (int)secret_len)) {
		fprintf(stderr, "cmp_ca: cannot set up the CMP server\n");
		return 1;
	}
	rd_secret_free(secret, secret_len);
	{ /* no SA_RESTART: SIGTERM interrupts accept and read, and the loop ends */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
		perror("cmp_ca: 127.0.0.1");
		return 1;
	}
	while (!quit) {
		int fd = accept(s, NULL, NULL);
		if (fd < 0)
			continue; /* EINTR: quit is set */
		serve(srv, fd);
		close(fd);
	}
	close(s);
	OSSL_CMP_SRV_CTX_free(srv);
	X509_free(c.cert);
	EVP_PKEY_free(c.key);
	fclose(c.log);
	return 0;
}
