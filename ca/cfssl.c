/* The cfssl driver: /api/v1/cfssl/{sign,authsign,info,revoke}, JSON with
 * jansson.  cfssl answers {"success":bool,"result":...,"errors":[{code,
 * message}]}; success:false is the CA saying no. */
#include "ca/internal.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static rd_code nomem(rd_err *e)
{
	return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
}

static int set_str(json_t *o, const char *k, const char *v)
{
	if (!v || !*v)
		return 0;
	return json_object_set_new(o, k, json_string(v));
}

char *rd_ca_cfssl_sign_json(const rd_ca_request *req, const char *profile, rd_err *e)
{
	json_t *root = json_object(), *subj = json_object(), *names = json_array(),
	       *name = json_object();
	const rd_ca_subject *s = &req->subject;
	char *out = NULL;
	int bad = !root || !subj || !names || !name;
	const char *fields[] = {s->cn, s->o, s->ou, s->l, s->st, s->c, s->email};
	for (size_t i = 0; i < RD_ARRAY_LEN(fields); i++)
		if (fields[i] && !rd_utf8_valid(fields[i], strlen(fields[i]))) {
			json_decref(root), json_decref(subj), json_decref(names), json_decref(name);
			rd_fail_at(e, RD_E_INVALID, "subject", "%s", _("subject text is not valid UTF-8"));
			return NULL;
		}
	if (!bad) {
		bad |= json_object_set_new(root, "certificate_request", json_string(req->csr_pem));
		bad |= set_str(root, "profile", profile);
		bad |= set_str(subj, "CN", s->cn);
		bad |= set_str(name, "C", s->c);
		bad |= set_str(name, "ST", s->st);
		bad |= set_str(name, "L", s->l);
		bad |= set_str(name, "O", s->o);
		bad |= set_str(name, "OU", s->ou);
		if (json_object_size(name)) {
			bad |= json_array_append(names, name);
			bad |= json_object_set(subj, "names", names);
		}
		bad |= json_object_set(root, "subject", subj);
		if (s->email && *s->email) {
			json_t *hosts = json_array();
			bad |= !hosts || json_array_append_new(hosts, json_string(s->email));
			bad |= json_object_set_new(root, "hosts", hosts);
		}
	}
	if (!bad)
		out = json_dumps(root, JSON_COMPACT);
	json_decref(name);
	json_decref(names);
	json_decref(subj);
	json_decref(root);
	if (!out)
		nomem(e);
	return out;
}

/* The first error message cfssl gave, for the reason shown to people. */
static void error_text(json_t *root, char *buf, size_t n)
{
	json_t *errs = json_object_get(root, "errors"), *first, *m, *c;
	buf[0] = '\0';
	if (!json_is_array(errs) || !(first = json_array_get(errs, 0)))
		return;
	m = json_object_get(first, "message");
	c = json_object_get(first, "code");
	if (json_is_string(m))
		snprintf(buf, n, "%s", json_string_value(m));
	if (json_is_integer(c)) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s(cfssl %lld)", l ? " " : "", (long long)json_integer_value(c));
	}
}

rd_code rd_ca_cfssl_parse(const char *body, size_t len, long status, const char *result_key,
			  char **value, rd_err *e)
{
	json_error_t je;
	json_t *root, *ok, *res, *v;
	char why[512];
	rd_code rc = RD_OK;

	if (value)
		*value = NULL;
	root = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!root || !json_is_object(root)) {
		json_decref(root);
		if (status && (status < 200 || status > 299))
			return rd_ca_http_status_fail(status, _("no cfssl answer"), e);
		return rd_fail_at(e, RD_E_REFUSED, "response",
				  _("the CA's answer is not cfssl JSON (%s)"),
				  root ? _("not an object") : je.text);
	}
	ok = json_object_get(root, "success");
	error_text(root, why, sizeof why);
	if (status && (status < 200 || status > 299)) {
		rc = rd_ca_http_status_fail(status, why, e);
	} else if (!json_is_boolean(ok)) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response.success", "%s",
				_("the CA's answer has no success flag"));
	} else if (!json_is_true(ok)) {
		rc = rd_fail_at(e, RD_E_REFUSED, "response", _("the CA refused the request: %s"),
				why[0] ? why : _("no reason given"));
	} else if (result_key) {
		res = json_object_get(root, "result");
		v = json_is_object(res) ? json_object_get(res, result_key) : NULL;
		if (!json_is_string(v) || !json_string_length(v))
			rc = rd_fail_at(e, RD_E_REFUSED, "response.result", _("the CA's answer has no %s"),
					result_key);
		else if (value && !(*value = strdup(json_string_value(v))))
			rc = nomem(e);
	}
	json_decref(root);
	return rc;
}

/* authsign: {"token": b64(HMAC-SHA-256(key, request)), "request": b64(request)} */
static char *b64(const unsigned char *in, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return out;
}

static char *authsign_json(rd_ca *ca, const char *inner, rd_err *e)
{
	unsigned char mac[32];
	char *tok, *req, *out = NULL;
	rd_hmac_sha256(ca->auth_key, ca->auth_key_len, inner, strlen(inner), mac);
	tok = b64(mac, sizeof mac);
	req = b64((const unsigned char *)inner, strlen(inner));
	if (tok && req)
		out = rd_asprintf("{\"token\":\"%s\",\"request\":\"%s\"}", tok, req);
	free(tok);
	free(req);
	rd_memzero(mac, sizeof mac);
	if (!out)
		nomem(e);
	return out;
}

static rd_code post_json(rd_ca *ca, const char *path, const char *body, const char *request_id,
			 const char *result_key, char **value, rd_http_resp *keep, rd_err *e)
{
	rd_http_resp r;
	rd_code rc = rd_ca_http_post(ca, path, "application/json", body, strlen(body), request_id,
				     &r, e);
	if (rc)
		return rc;
	rc = rd_ca_cfssl_parse(r.body, r.len, r.status, result_key, value, e);
	if (keep) {
		*keep = r;
		keep->body = NULL;
	}
	rd_http_resp_free(&r);
	return rc;
}

static rd_code cfssl_enroll(rd_ca *ca, const rd_ca_request *req, char **cert_pem, rd_err *e)
{
	const char *profile = req->profile && *req->profile ? req->profile : ca->profile;
	char *body = rd_ca_cfssl_sign_json(req, profile, e), *wrapped;
	rd_code rc;
	if (!body)
		return e ? e->code : RD_E_NOMEM;
	if (ca->auth_key_len) {
		wrapped = authsign_json(ca, body, e);
		free(body);
		if (!wrapped)
			return RD_E_NOMEM;
		rc = post_json(ca, "/api/v1/cfssl/authsign", wrapped, req->request_id, "certificate",
			       cert_pem, NULL, e);
		free(wrapped);
	} else {
		rc = post_json(ca, "/api/v1/cfssl/sign", body, req->request_id, "certificate", cert_pem,
			       NULL, e);
		free(body);
	}
	return rc;
}

/* cfssl has no renewal: a renewal is a new certificate for the new CSR. */
static rd_code cfssl_renew(rd_ca *ca, const rd_ca_request *req, const char *old_cert_pem,
			   char **cert_pem, rd_err *e)
{
	return cfssl_enroll(ca, req, cert_pem, e);
}

static rd_code cfssl_revoke(rd_ca *ca, const char *serial_dec, const char *cert_pem, int reason,
			    rd_err *e)
{
	char name[32];
	const char *n = rd_ca_reason_name(reason);
	char *body;
	rd_code rc;
	/* cfssl 1.2 matches reason names in lower case */
	for (size_t i = 0; n && n[i] && i + 1 < sizeof name; i++)
		name[i] = (char)((n[i] >= 'A' && n[i] <= 'Z') ? n[i] + 32 : n[i]), name[i + 1] = '\0';
	body = rd_asprintf("{\"serial\":\"%s\",\"authority_key_id\":\"\",\"reason\":\"%s\"}",
			   serial_dec, name);
	if (!body)
		return nomem(e);
	rc = post_json(ca, "/api/v1/cfssl/revoke", body, NULL, NULL, NULL, NULL, e);
	free(body);
	return rc;
}

static rd_code cfssl_info_keep(rd_ca *ca, rd_ca_info *out, rd_http_resp *keep, rd_err *e)
{
	char *pem = NULL;
	rd_code rc = post_json(ca, "/api/v1/cfssl/info", "{\"label\":\"\",\"profile\":\"\"}", NULL,
			       "certificate", &pem, keep, e);
	if (rc)
		return rc;
	return rd_ca_info_from_pem(pem, ca->trust, out, e);
}

static rd_code cfssl_info(rd_ca *ca, rd_ca_info *out, rd_err *e)
{
	return cfssl_info_keep(ca, out, NULL, e);
}

static rd_code cfssl_ping(rd_ca *ca, rd_ca_ping *out, rd_err *e)
{
	rd_http_resp r;
	rd_code rc;
	memset(&r, 0, sizeof r);
	rc = cfssl_info_keep(ca, &out->info, &r, e);
	rd_ca_ping_transport(out, &r);
	if (r.date[0]) {
		time_t t = curl_getdate(r.date, NULL);
		if (t > 0) {
			out->have_date = true;
			out->skew_s = (long)(t - time(NULL));
		}
	}
	return rc;
}

const struct rd_ca_ops rd_ca_cfssl_ops = {
	.name = "cfssl",
	.enroll = cfssl_enroll,
	.renew = cfssl_renew,
	.revoke = cfssl_revoke,
	.info = cfssl_info,
	.ping = cfssl_ping,
};
