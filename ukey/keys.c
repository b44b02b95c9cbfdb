/* ukey: objects on a token: key pairs made on it, CSRs signed by it,
 * certificates written to it, and the clean-up of half-issued tokens. */
#include "ukey/internal.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

/* DER of the OID prime256v1 (1.2.840.10045.3.1.7) */
static const unsigned char P256_OID[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

CK_RV ukey_get_attr(rd_ukey_session *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
		    unsigned char **val, CK_ULONG *len)
{
	CK_ATTRIBUTE a = {type, NULL, 0};
	CK_RV rv = s->u->f->C_GetAttributeValue(s->h, o, &a, 1);
	*val = NULL;
	*len = 0;
	if (rv != CKR_OK)
		return rv;
	if (a.ulValueLen == (CK_ULONG)-1)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	a.pValue = malloc(a.ulValueLen + 1);
	if (!a.pValue)
		return CKR_HOST_MEMORY;
	rv = s->u->f->C_GetAttributeValue(s->h, o, &a, 1);
	if (rv != CKR_OK) {
		free(a.pValue);
		return rv;
	}
	*val = a.pValue;
	*len = a.ulValueLen;
	return CKR_OK;
}

CK_RV ukey_find(rd_ukey_session *s, CK_ATTRIBUTE *tmpl, CK_ULONG nt, CK_OBJECT_HANDLE *out,
		CK_ULONG max, CK_ULONG *n)
{
	CK_RV rv = s->u->f->C_FindObjectsInit(s->h, tmpl, nt);
	*n = 0;
	if (rv != CKR_OK)
		return rv;
	rv = s->u->f->C_FindObjects(s->h, out, max, n);
	CK_RV rv2 = s->u->f->C_FindObjectsFinal(s->h);
	return rv != CKR_OK ? rv : rv2;
}

static rd_code need_login(rd_ukey_session *s, rd_err *e)
{
	if (!s->logged_in)
		return rd_fail_at(e, RD_E_REFUSED, "ukey", _("log in to the UKEY first"));
	return RD_OK;
}

rd_code rd_ukey_is_blank(rd_ukey_session *s, bool *blank, rd_err *e)
{
	CK_OBJECT_HANDLE o;
	CK_ULONG n;
	CK_RV rv = ukey_find(s, NULL, 0, &o, 1, &n);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("listing the objects on the UKEY"));
	*blank = n == 0;
	return RD_OK;
}

/* ---- key pairs ------------------------------------------------------------------ */

rd_code rd_ukey_generate(rd_ukey_session *s, rd_ukey_keytype type, const char *label,
			 rd_ukey_keyref *out, rd_err *e)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_OBJECT_CLASS pubc = CKO_PUBLIC_KEY, privc = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = type == RD_UKEY_EC_P256 ? CKK_EC : CKK_RSA;
	CK_ULONG bits = 2048;
	CK_BYTE exp[] = {0x01, 0x00, 0x01};
	CK_MECHANISM mech = {type == RD_UKEY_EC_P256 ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN,
			     NULL, 0};
	CK_OBJECT_HANDLE hpub, hpriv;
	rd_code rc;
	CK_RV rv;

	memset(out, 0, sizeof *out);
	if (type != RD_UKEY_EC_P256 && type != RD_UKEY_RSA_2048)
		return rd_fail_at(e, RD_E_INVALID, "key_type", _("unknown key type"));
	if (!label || !*label || strlen(label) >= sizeof out->label)
		return rd_fail_at(e, RD_E_INVALID, "label", _("a key label must be 1 to 64 bytes"));
	if ((rc = need_login(s, e)) != RD_OK)
		return rc;
	if ((rc = rd_random(out->id, sizeof out->id, e)) != RD_OK)
		return rc;
	out->id_len = sizeof out->id;
	rd_hex(out->id, out->id_len, out->id_hex);
	rd_strlcpy(out->label, label, sizeof out->label);
	out->type = type;

	CK_ULONG ll = strlen(label);
	CK_ATTRIBUTE pub[] = {
		{CKA_CLASS, &pubc, sizeof pubc},
		{CKA_KEY_TYPE, &kt, sizeof kt},
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &no, sizeof no},
		{CKA_VERIFY, &yes, sizeof yes},
		{CKA_ID, out->id, out->id_len},
		{CKA_LABEL, (void *)label, ll},
		/* the last one differs per key type */
		{CKA_EC_PARAMS, (void *)P256_OID, sizeof P256_OID},
		{CKA_PUBLIC_EXPONENT, exp, sizeof exp},
	};
	CK_ULONG npub = RD_ARRAY_LEN(pub) - 1;
	if (type == RD_UKEY_RSA_2048) {
		pub[7] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, &bits, sizeof bits};
		npub = RD_ARRAY_LEN(pub);
	}
	CK_ATTRIBUTE priv[] = {
		{CKA_CLASS, &privc, sizeof privc},
		{CKA_KEY_TYPE, &kt, sizeof kt},
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &yes, sizeof yes},
		{CKA_SENSITIVE, &yes, sizeof yes},
		{CKA_EXTRACTABLE, &no, sizeof no},
		{CKA_SIGN, &yes, sizeof yes},
		{CKA_ID, out->id, out->id_len},
		{CKA_LABEL, (void *)label, ll},
	};
	rv = s->u->f->C_GenerateKeyPair(s->h, &mech, pub, npub, priv, RD_ARRAY_LEN(priv), &hpub,
					&hpriv);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("generating the key pair"));
	rd_log(s->u->lg, RD_LOG_INFO, "ukey: generated %s key %s on %s",
	       type == RD_UKEY_EC_P256 ? "P-256" : "RSA-2048", out->id_hex, s->serial);
	return RD_OK;
}

static rd_code parse_id(const char *id_hex, unsigned char *id, size_t max, size_t *len, rd_err *e)
{
	int n = id_hex ? rd_unhex(id_hex, id, max) : -1;
	if (n <= 0)
		return rd_fail_at(e, RD_E_INVALID, "id", _("a key id is an even number of hex digits"));
	*len = (size_t)n;
	return RD_OK;
}

/* The object of class cls with this id; *found false when none. */
static rd_code find_by_id(rd_ukey_session *s, CK_OBJECT_CLASS cls, const unsigned char *id,
			  size_t len, CK_OBJECT_HANDLE *o, bool *found, rd_err *e)
{
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, (void *)id, len}};
	CK_ULONG n;
	CK_RV rv = ukey_find(s, t, 2, o, 1, &n);
	*found = false;
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("searching the UKEY"));
	*found = n > 0;
	return RD_OK;
}

rd_code rd_ukey_find_key(rd_ukey_session *s, const char *id_hex, rd_ukey_keyref *out, rd_err *e)
{
	CK_OBJECT_HANDLE o;
	bool found;
	unsigned char *v;
	CK_ULONG vl;
	rd_code rc;

	memset(out, 0, sizeof *out);
	if ((rc = parse_id(id_hex, out->id, sizeof out->id, &out->id_len, e)) != RD_OK)
		return rc;
	if ((rc = find_by_id(s, CKO_PUBLIC_KEY, out->id, out->id_len, &o, &found, e)) != RD_OK)
		return rc;
	if (!found && (rc = find_by_id(s, CKO_PRIVATE_KEY, out->id, out->id_len, &o, &found, e)))
		return rc;
	if (!found)
		return rd_fail_at(e, RD_E_NOTFOUND, "id", _("no key with id %s on the UKEY"), id_hex);
	rd_hex(out->id, out->id_len, out->id_hex);
	if (ukey_get_attr(s, o, CKA_KEY_TYPE, &v, &vl) == CKR_OK && vl == sizeof(CK_KEY_TYPE)) {
		CK_KEY_TYPE kt;
		memcpy(&kt, v, sizeof kt);
		out->type = kt == CKK_EC ? RD_UKEY_EC_P256 : RD_UKEY_RSA_2048;
	}
	free(v);
	if (ukey_get_attr(s, o, CKA_LABEL, &v, &vl) == CKR_OK) {
		size_t n = vl < sizeof out->label - 1 ? vl : sizeof out->label - 1;
		memcpy(out->label, v, n);
		out->label[n] = '\0';
	}
	free(v);
	return RD_OK;
}

/* The token's public key for k as an OpenSSL key, built from the public key
 * object's attributes (EC point or RSA modulus and exponent). */
static rd_code token_pubkey(rd_ukey_session *s, const rd_ukey_keyref *k, EVP_PKEY **pk, rd_err *e)
{
	CK_OBJECT_HANDLE o;
	bool found;
	unsigned char *a = NULL, *b = NULL;
	CK_ULONG al = 0, bl = 0;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *n = NULL, *ex = NULL;
	rd_code rc;
	CK_RV rv;

	*pk = NULL;
	rc = find_by_id(s, CKO_PUBLIC_KEY, k->id, k->id_len, &o, &found, e);
	if (rc != RD_OK)
		return rc;
	if (!found)
		return rd_fail_at(e, RD_E_NOTFOUND, "id", _("no public key with id %s on the UKEY"),
				  k->id_hex);
	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (k->type == RD_UKEY_EC_P256) {
		rv = ukey_get_attr(s, o, CKA_EC_POINT, &a, &al);
		if (rv != CKR_OK) {
			rc = ukey_ckr(e, rv, _("reading the public key"));
			goto out;
		}
		/* CKA_EC_POINT is the point wrapped in a DER OCTET STRING. */
		const unsigned char *p = a;
		ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &p, (long)al);
		if (os) {
			OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
							 ASN1_STRING_get0_data(os),
							 (size_t)ASN1_STRING_length(os));
		} else {
			ERR_clear_error();
			OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, a, al);
		}
		OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
		params = OSSL_PARAM_BLD_to_param(bld);
		ASN1_OCTET_STRING_free(os);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	} else {
		rv = ukey_get_attr(s, o, CKA_MODULUS, &a, &al);
		if (rv == CKR_OK)
			rv = ukey_get_attr(s, o, CKA_PUBLIC_EXPONENT, &b, &bl);
		if (rv != CKR_OK) {
			rc = ukey_ckr(e, rv, _("reading the public key"));
			goto out;
		}
		n = BN_bin2bn(a, (int)al, NULL);
		ex = BN_bin2bn(b, (int)bl, NULL);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, ex);
		params = OSSL_PARAM_BLD_to_param(bld);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	}
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, pk, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		rc = rd_fail_at(e, RD_E_DEVICE, "ukey", _("the UKEY's public key %s is malformed"),
				k->id_hex);
		rd_err_add_openssl(e);
		goto out;
	}
	rc = RD_OK;
out:
	free(a);
	free(b);
	BN_free(n);
	BN_free(ex);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* ---- CSR ------------------------------------------------------------------------ */

/* libp11's view of our key: an EVP_PKEY whose private operations run on the
 * token.  The token is already logged in (login is per application). */
static PKCS11_SLOT *p11_slot(rd_ukey *u, CK_SLOT_ID id)
{
	for (unsigned int i = 0; u->p11slots && i < u->np11slots; i++)
		if (PKCS11_get_slotid_from_slot(&u->p11slots[i]) == id)
			return &u->p11slots[i];
	return NULL;
}

/* libp11's view of our key: an EVP_PKEY whose private operations run on the
 * token.  The token is already logged in (login is per application). */
static rd_code p11_private_key(rd_ukey_session *s, const rd_ukey_keyref *k, EVP_PKEY **pk,
			       rd_err *e)
{
	rd_ukey *u = s->u;
	PKCS11_SLOT *sl = p11_slot(u, s->slot);
	PKCS11_KEY *keys = NULL;
	unsigned int nkeys = 0;

	*pk = NULL;
	if (!sl) {
		/* update, never release: see rd_ukey.p11slots */
		int r = u->p11slots ? PKCS11_update_slots(u->p11, &u->p11slots, &u->np11slots)
				    : PKCS11_enumerate_slots(u->p11, &u->p11slots, &u->np11slots);
		if (r != 0) {
			ERR_clear_error();
			return rd_fail_at(e, RD_E_DEVICE, "ukey", _("the UKEY is no longer available"));
		}
		sl = p11_slot(u, s->slot);
	}
	if (sl && sl->token && PKCS11_enumerate_keys(sl->token, &keys, &nkeys) == 0) {
		for (unsigned int j = 0; j < nkeys; j++)
			if (keys[j].id_len == k->id_len && memcmp(keys[j].id, k->id, k->id_len) == 0) {
				*pk = PKCS11_get_private_key(&keys[j]);
				break;
			}
	}
	if (*pk)
		return RD_OK;
	ERR_clear_error();
	return rd_fail_at(e, RD_E_NOTFOUND, "id", _("no private key with id %s on the UKEY"),
			  k->id_hex);
}

static rd_code build_subject(X509_NAME *name, const rd_ukey_rdn *subject, size_t n, rd_err *e)
{
	if (n == 0)
		return rd_fail_at(e, RD_E_INVALID, "subject", _("the subject is empty"));
	for (size_t i = 0; i < n; i++) {
		const char *f = subject[i].field, *v = subject[i].value;
		if (!f || !v || !*v || !rd_utf8_valid(v, strlen(v)))
			return rd_fail_at(e, RD_E_INVALID, "subject",
					  _("subject field %s has no valid UTF-8 value"), f ? f : "?");
		if (OBJ_txt2nid(f) == NID_undef)
			return rd_fail_at(e, RD_E_INVALID, "subject",
					  _("unknown subject field %s"), f);
		if (!X509_NAME_add_entry_by_txt(name, f, MBSTRING_UTF8, (const unsigned char *)v, -1,
						-1, 0)) {
			rd_fail_at(e, RD_E_INVALID, "subject", _("subject field %s is not acceptable"),
				   f);
			rd_err_add_openssl(e);
			return RD_E_INVALID;
		}
	}
	return RD_OK;
}

rd_code rd_ukey_csr(rd_ukey_session *s, const rd_ukey_keyref *k, const rd_ukey_rdn *subject,
		    size_t n, char **pem, rd_err *e)
{
	X509_REQ *req = NULL;
	EVP_PKEY *pub = NULL, *priv = NULL;
	BIO *bio = NULL;
	rd_code rc;

	*pem = NULL;
	if ((rc = need_login(s, e)) != RD_OK)
		return rc;
	req = X509_REQ_new();
	if (!req)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if ((rc = build_subject(X509_REQ_get_subject_name(req), subject, n, e)) != RD_OK)
		goto out;
	if ((rc = token_pubkey(s, k, &pub, e)) != RD_OK)
		goto out;
	if ((rc = p11_private_key(s, k, &priv, e)) != RD_OK)
		goto out;
	if (!X509_REQ_set_version(req, 0) || !X509_REQ_set_pubkey(req, pub) ||
	    X509_REQ_sign(req, priv, EVP_sha256()) <= 0) {
		/* most likely the token went away during the signature */
		CK_TOKEN_INFO ti;
		CK_RV rv = s->u->f->C_GetTokenInfo(s->slot, &ti);
		ERR_clear_error();
		rc = rv != CKR_OK ? ukey_ckr(e, rv, _("signing the certificate request"))
				  : rd_fail_at(e, RD_E_DEVICE, "ukey",
					       _("the UKEY could not sign the certificate request"));
		goto out;
	}
	bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_X509_REQ(bio, req)) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	char *data;
	long len = BIO_get_mem_data(bio, &data);
	*pem = malloc((size_t)len + 1);
	if (!*pem) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto out;
	}
	memcpy(*pem, data, (size_t)len);
	(*pem)[len] = '\0';
	rc = RD_OK;
out:
	BIO_free(bio);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	X509_REQ_free(req);
	return rc;
}

/* ---- certificates -------------------------------------------------------------- */

static STACK_OF(X509) *read_pem_certs(const char *pem, const char *field, rd_err *e)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	STACK_OF(X509) *sk = sk_X509_new_null();
	X509 *x;
	if (!bio || !sk) {
		BIO_free(bio);
		sk_X509_free(sk);
		rd_fail(e, RD_E_NOMEM, _("out of memory"));
		return NULL;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		sk_X509_push(sk, x);
	ERR_clear_error(); /* the end of the input */
	BIO_free(bio);
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		rd_fail_at(e, RD_E_INVALID, field, _("no PEM certificate found"));
		return NULL;
	}
	return sk;
}

static rd_code der_of(X509 *x, unsigned char **der, int *len, rd_err *e)
{
	*der = NULL;
	*len = i2d_X509(x, der);
	if (*len <= 0)
		return rd_fail(e, RD_E_INVALID, _("the certificate cannot be encoded"));
	return RD_OK;
}

static rd_code write_cert(rd_ukey_session *s, X509 *x, const unsigned char *id, size_t idlen,
			  const char *label, bool authority, rd_err *e)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG cat = authority ? 2 : 1; /* CK_CERTIFICATE_CATEGORY: token user / authority */
	unsigned char *der = NULL, *subj = NULL, *iss = NULL, *ser = NULL;
	int dl, sl, il, nl;
	CK_OBJECT_HANDLE o;
	CK_ULONG n;
	CK_RV rv;
	rd_code rc;

	if ((rc = der_of(x, &der, &dl, e)) != RD_OK)
		return rc;
	/* already there (resumed issuance, shared CA certificate)? */
	CK_ATTRIBUTE q[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_VALUE, der, (CK_ULONG)dl}};
	rv = ukey_find(s, q, 2, &o, 1, &n);
	if (rv != CKR_OK || n > 0) {
		OPENSSL_free(der);
		return rv != CKR_OK ? ukey_ckr(e, rv, _("searching the UKEY")) : RD_OK;
	}
	sl = i2d_X509_NAME(X509_get_subject_name(x), &subj);
	il = i2d_X509_NAME(X509_get_issuer_name(x), &iss);
	nl = i2d_ASN1_INTEGER(X509_get_serialNumber(x), &ser);
	if (sl <= 0 || il <= 0 || nl <= 0) {
		rc = rd_fail(e, RD_E_INVALID, _("the certificate cannot be encoded"));
		goto out;
	}
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls},
		{CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &no, sizeof no},
		{CKA_MODIFIABLE, &yes, sizeof yes},
		{CKA_LABEL, (void *)label, strlen(label)},
		{CKA_SUBJECT, subj, (CK_ULONG)sl},
		{CKA_ISSUER, iss, (CK_ULONG)il},
		{CKA_SERIAL_NUMBER, ser, (CK_ULONG)nl},
		{CKA_VALUE, der, (CK_ULONG)dl},
		{CKA_CERTIFICATE_CATEGORY, &cat, sizeof cat},
		{CKA_ID, (void *)id, idlen},
	};
	rv = s->u->f->C_CreateObject(s->h, t, RD_ARRAY_LEN(t), &o);
	rc = ukey_ckr(e, rv, _("writing the certificate"));
out:
	OPENSSL_free(der);
	OPENSSL_free(subj);
	OPENSSL_free(iss);
	OPENSSL_free(ser);
	return rc;
}

static rd_code same_key(rd_ukey_session *s, const rd_ukey_keyref *k, X509 *x, rd_err *e)
{
	EVP_PKEY *tok = NULL;
	rd_code rc = token_pubkey(s, k, &tok, e);
	if (rc != RD_OK)
		return rc;
	int eq = EVP_PKEY_eq(tok, X509_get0_pubkey(x));
	EVP_PKEY_free(tok);
	ERR_clear_error();
	if (eq != 1)
		return rd_fail_at(e, RD_E_DATA, "certificate",
				  _("the certificate's public key is not the key %s on the UKEY"),
				  k->id_hex);
	return RD_OK;
}

rd_code rd_ukey_store_cert(rd_ukey_session *s, const rd_ukey_keyref *k, const char *cert_pem,
			   const char *chain_pem, const char *label, rd_err *e)
{
	STACK_OF(X509) *leaf = NULL, *chain = NULL;
	rd_code rc;

	if (!label || !*label || strlen(label) > 48)
		return rd_fail_at(e, RD_E_INVALID, "label",
				  _("a certificate label must be 1 to 48 bytes"));
	if ((rc = need_login(s, e)) != RD_OK)
		return rc;
	if (!cert_pem || !(leaf = read_pem_certs(cert_pem, "certificate", e)))
		return cert_pem ? e ? e->code : RD_E_INVALID
				: rd_fail_at(e, RD_E_INVALID, "certificate", _("no certificate"));
	if (chain_pem && *chain_pem && !(chain = read_pem_certs(chain_pem, "chain", e))) {
		rc = e ? e->code : RD_E_INVALID;
		goto out;
	}
	/* everything parsed before anything is written */
	if ((rc = same_key(s, k, sk_X509_value(leaf, 0), e)) != RD_OK)
		goto out;
	if ((rc = write_cert(s, sk_X509_value(leaf, 0), k->id, k->id_len, label, false, e)) != RD_OK)
		goto out;
	for (int i = 0; chain && i < sk_X509_num(chain); i++) {
		X509 *ca = sk_X509_value(chain, i);
		unsigned char kid[EVP_MAX_MD_SIZE];
		unsigned int kl = 0;
		char cal[64];
		/* CA certificates get the SHA-1 of their key as id, as is customary */
		X509_pubkey_digest(ca, EVP_sha1(), kid, &kl);
		snprintf(cal, sizeof cal, "%s CA %d", label, i + 1);
		if ((rc = write_cert(s, ca, kid, kl, cal, true, e)) != RD_OK)
			goto out;
	}
	rd_log(s->u->lg, RD_LOG_INFO, "ukey: certificate for key %s written to %s", k->id_hex,
	       s->serial);
out:
	sk_X509_pop_free(leaf, X509_free);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

rd_code rd_ukey_check_cert(rd_ukey_session *s, const rd_ukey_keyref *k, char *serial_hex,
			   size_t serial_size, rd_err *e)
{
	CK_OBJECT_HANDLE o;
	bool found;
	unsigned char *der = NULL;
	CK_ULONG dl;
	X509 *x = NULL;
	rd_code rc;
	CK_RV rv;

	rc = find_by_id(s, CKO_CERTIFICATE, k->id, k->id_len, &o, &found, e);
	if (rc != RD_OK)
		return rc;
	if (!found)
		return rd_fail_at(e, RD_E_NOTFOUND, "certificate",
				  _("no certificate for key %s on the UKEY"), k->id_hex);
	rv = ukey_get_attr(s, o, CKA_VALUE, &der, &dl);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("reading the certificate"));
	const unsigned char *p = der;
	x = d2i_X509(NULL, &p, (long)dl);
	free(der);
	if (!x) {
		ERR_clear_error();
		return rd_fail_at(e, RD_E_DATA, "certificate",
				  _("the certificate on the UKEY is not readable"));
	}
	rc = same_key(s, k, x, e);
	if (rc == RD_OK && serial_hex && serial_size) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		char *h = bn ? BN_bn2hex(bn) : NULL;
		rd_strlcpy(serial_hex, h ? h : "", serial_size);
		OPENSSL_free(h);
		BN_free(bn);
	}
	X509_free(x);
	return rc;
}

/* ---- listing and deleting ------------------------------------------------------ */

rd_code rd_ukey_objects(rd_ukey_session *s, rd_ukey_object *out, size_t max, size_t *n, rd_err *e)
{
	CK_OBJECT_HANDLE objs[256];
	CK_ULONG no;
	CK_RV rv = ukey_find(s, NULL, 0, objs, RD_ARRAY_LEN(objs), &no);

	*n = 0;
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("listing the objects on the UKEY"));
	for (CK_ULONG i = 0; i < no && *n < max; i++) {
		CK_OBJECT_CLASS cls = (CK_OBJECT_CLASS)-1;
		CK_BBOOL sens = CK_FALSE, extr = CK_FALSE;
		unsigned char id[64];
		char label[64];
		CK_ATTRIBUTE a[] = {
			{CKA_CLASS, &cls, sizeof cls},
			{CKA_ID, id, sizeof id},
			{CKA_LABEL, label, sizeof label},
		};
		rd_ukey_object *ob = &out[*n];
		memset(ob, 0, sizeof *ob);
		/* attributes an object lacks come back with length -1; go on */
		rv = s->u->f->C_GetAttributeValue(s->h, objs[i], a, RD_ARRAY_LEN(a));
		if (rv != CKR_OK && rv != CKR_ATTRIBUTE_TYPE_INVALID && rv != CKR_BUFFER_TOO_SMALL &&
		    rv != CKR_ATTRIBUTE_SENSITIVE)
			return ukey_ckr(e, rv, _("listing the objects on the UKEY"));
		ob->cls = cls == CKO_PRIVATE_KEY   ? RD_UKEY_OBJ_PRIVATE_KEY
			  : cls == CKO_PUBLIC_KEY  ? RD_UKEY_OBJ_PUBLIC_KEY
			  : cls == CKO_CERTIFICATE ? RD_UKEY_OBJ_CERT
						   : RD_UKEY_OBJ_OTHER;
		if (a[1].ulValueLen != (CK_ULONG)-1)
			rd_hex(id, a[1].ulValueLen, ob->id_hex);
		if (a[2].ulValueLen != (CK_ULONG)-1) {
			memcpy(ob->label, label, a[2].ulValueLen);
			ob->label[a[2].ulValueLen] = '\0';
		}
		if (cls == CKO_PRIVATE_KEY) {
			CK_ATTRIBUTE b[] = {{CKA_SENSITIVE, &sens, sizeof sens},
					    {CKA_EXTRACTABLE, &extr, sizeof extr}};
			s->u->f->C_GetAttributeValue(s->h, objs[i], b, 2);
			ob->sensitive = sens;
			ob->extractable = extr;
		}
		(*n)++;
	}
	return RD_OK;
}

rd_code rd_ukey_keys(rd_ukey_session *s, rd_ukey_keyinfo *out, size_t max, size_t *n, rd_err *e)
{
	rd_ukey_object *ob = calloc(256, sizeof *ob);
	size_t no = 0;
	rd_code rc;

	*n = 0;
	if (!ob)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_ukey_objects(s, ob, 256, &no, e);
	for (size_t i = 0; rc == RD_OK && i < no; i++) {
		size_t j;
		if (!ob[i].id_hex[0] || ob[i].cls == RD_UKEY_OBJ_OTHER)
			continue;
		for (j = 0; j < *n; j++)
			if (strcmp(out[j].id_hex, ob[i].id_hex) == 0)
				break;
		if (j == *n) {
			if (*n == max)
				continue;
			memset(&out[j], 0, sizeof out[j]);
			rd_strlcpy(out[j].id_hex, ob[i].id_hex, sizeof out[j].id_hex);
			(*n)++;
		}
		if (!out[j].label[0] || ob[i].cls == RD_UKEY_OBJ_PRIVATE_KEY)
			rd_strlcpy(out[j].label, ob[i].label, sizeof out[j].label);
		out[j].has_private |= ob[i].cls == RD_UKEY_OBJ_PRIVATE_KEY;
		out[j].has_public |= ob[i].cls == RD_UKEY_OBJ_PUBLIC_KEY;
		out[j].has_cert |= ob[i].cls == RD_UKEY_OBJ_CERT;
	}
	for (size_t j = 0; j < *n; j++)
		out[j].orphan = (out[j].has_private || out[j].has_public) && !out[j].has_cert;
	free(ob);
	return rc;
}

rd_code rd_ukey_delete(rd_ukey_session *s, const char *id_hex, size_t *destroyed, rd_err *e)
{
	unsigned char id[64];
	size_t idlen = 0;
	CK_OBJECT_HANDLE objs[16];
	CK_ULONG no;
	rd_code rc;
	CK_RV rv;

	if (destroyed)
		*destroyed = 0;
	if ((rc = need_login(s, e)) != RD_OK)
		return rc;
	if ((rc = parse_id(id_hex, id, sizeof id, &idlen, e)) != RD_OK)
		return rc;
	CK_ATTRIBUTE t[] = {{CKA_ID, id, idlen}};
	rv = ukey_find(s, t, 1, objs, RD_ARRAY_LEN(objs), &no);
	if (rv != CKR_OK)
		return ukey_ckr(e, rv, _("searching the UKEY"));
	if (no == 0)
		return rd_fail_at(e, RD_E_NOTFOUND, "id", _("no object with id %s on the UKEY"),
				  id_hex);
	for (CK_ULONG i = 0; i < no; i++) {
		rv = s->u->f->C_DestroyObject(s->h, objs[i]);
		if (rv != CKR_OK)
			return ukey_ckr(e, rv, _("deleting from the UKEY"));
		if (destroyed)
			(*destroyed)++;
	}
	rd_log(s->u->lg, RD_LOG_INFO, "ukey: deleted %lu objects with id %s from %s",
	       (unsigned long)no, id_hex, s->serial);
	return RD_OK;
}
