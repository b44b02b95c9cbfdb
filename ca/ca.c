/* The connection: settings, driver dispatch, common argument checks. */
#include "ca/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct rd_ca_ops *const drivers[] = {&rd_ca_cfssl_ops, &rd_ca_cmp_ops};

static const struct {
	int code;
	const char *name;
} reasons[] = {
	{RD_CA_UNSPECIFIED, "unspecified"},
	{RD_CA_KEY_COMPROMISE, "keyCompromise"},
	{RD_CA_CA_COMPROMISE, "cACompromise"},
	{RD_CA_AFFILIATION_CHANGED, "affiliationChanged"},
	{RD_CA_SUPERSEDED, "superseded"},
	{RD_CA_CESSATION_OF_OPERATION, "cessationOfOperation"},
	{RD_CA_CERTIFICATE_HOLD, "certificateHold"},
	{RD_CA_REMOVE_FROM_CRL, "removeFromCRL"},
	{RD_CA_PRIVILEGE_WITHDRAWN, "privilegeWithdrawn"},
	{RD_CA_AA_COMPROMISE, "aACompromise"},
};

int rd_ca_reason_parse(const char *name)
{
	for (size_t i = 0; name && i < RD_ARRAY_LEN(reasons); i++)
		if (strcasecmp(name, reasons[i].name) == 0)
			return reasons[i].code;
	return -1;
}

const char *rd_ca_reason_name(int reason)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(reasons); i++)
		if (reasons[i].code == reason)
			return reasons[i].name;
	return NULL;
}

bool rd_ca_transient(rd_code code)
{
	return code == RD_E_UPSTREAM || code == RD_E_TIMEOUT;
}

/* ---- settings from [ca] ------------------------------------------------- */

struct owned {
	char *s[32];
	size_t n;
};

static const char *keep(struct owned *o, char *s)
{
	if (s && o->n < RD_ARRAY_LEN(o->s))
		o->s[o->n++] = s;
	return s;
}

void rd_ca_settings_release(void *p)
{
	struct owned *o = p;
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->s[i]);
	free(o);
}

rd_code rd_ca_settings_from_config(const rd_config *cfg, rd_ca_settings *s, void **owned,
				   rd_err *e)
{
	struct owned *o = calloc(1, sizeof *o);
	*owned = NULL;
	if (!o)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	memset(s, 0, sizeof *s);
	s->driver = keep(o, rd_strdup(rd_config_str(cfg, "ca", "driver")));
	s->url = keep(o, rd_strdup(rd_config_str(cfg, "ca", "url")));
	s->trust = keep(o, rd_config_path(cfg, "ca", "trust"));
	s->client_cert = keep(o, rd_config_path(cfg, "ca", "client_cert"));
	{ /* a PKCS#11 URI is not a path */
		const char *k = rd_config_str(cfg, "ca", "client_key");
		if (k && strncmp(k, "pkcs11:", 7) == 0)
			s->client_key = keep(o, rd_strdup(k));
		else
			s->client_key = keep(o, rd_config_path(cfg, "ca", "client_key"));
	}
	s->profile = keep(o, rd_strdup(rd_config_str(cfg, "ca", "profile")));
	s->auth_key = keep(o, rd_strdup(rd_config_str(cfg, "ca", "auth_key")));
	s->timeout_s = rd_config_int(cfg, "ca", "timeout");
	s->connect_timeout_s = rd_config_int(cfg, "ca", "connect_timeout");
	s->cmp_path = keep(o, rd_strdup(rd_config_str(cfg, "ca", "cmp_path")));
	s->cmp_secret_file = keep(o, rd_config_path(cfg, "ca", "cmp_secret_file"));
	s->cmp_ref = keep(o, rd_strdup(rd_config_str(cfg, "ca", "cmp_ref")));
	s->cmp_cert = keep(o, rd_config_path(cfg, "ca", "cmp_cert"));
	s->cmp_key = keep(o, rd_config_path(cfg, "ca", "cmp_key"));
	s->cmp_recipient = keep(o, rd_strdup(rd_config_str(cfg, "ca", "cmp_recipient")));
	s->cmp_srv_cert = keep(o, rd_config_path(cfg, "ca", "cmp_srv_cert"));
	s->max_skew_s = rd_config_int(cfg, "ca", "max_skew");
	s->max_days = rd_config_int(cfg, "ca", "max_days");
	*owned = o;
	return RD_OK;
}

/* ---- open / close ----------------------------------------------------------- */

static rd_code check_key_file(const char *path, const char *field, rd_err *e)
{
	struct stat st;
	FILE *f;
	if (stat(path, &st) != 0)
		return rd_fail_at(e, RD_E_CONFIG, field, _("%s: %s"), path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rd_fail_at(e, RD_E_CONFIG, field, _("%s is not a regular file"), path);
	if (st.st_mode & 077)
		return rd_fail_at(e, RD_E_CONFIG, field,
				  _("%s is readable by others (mode %04o); a key file must be mode 0600"),
				  path, (unsigned)(st.st_mode & 07777));
	f = fopen(path, "r");
	if (!f)
		return rd_fail_at(e, RD_E_CONFIG, field, _("cannot read %s: %s"), path, strerror(errno));
	fclose(f);
	return RD_OK;
}

static rd_code check_file(const char *path, const char *field, rd_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return rd_fail_at(e, RD_E_CONFIG, field, _("cannot read %s: %s"), path, strerror(errno));
	fclose(f);
	return RD_OK;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

void rd_ca_close(rd_ca *ca)
{
	if (!ca)
		return;
	if (ca->ops && ca->ops->close)
		ca->ops->close(ca);
	rd_ca_http_close(ca);
	X509_STORE_free(ca->store);
	free(ca->driver);
	free(ca->url);
	free(ca->trust);
	free(ca->client_cert);
	free(ca->client_key);
	free(ca->profile);
	free(ca->cmp_path);
	free(ca->cmp_secret_file);
	free(ca->cmp_ref);
	free(ca->cmp_cert);
	free(ca->cmp_key);
	free(ca->cmp_recipient);
	free(ca->cmp_srv_cert);
	rd_memzero(ca->auth_key, sizeof ca->auth_key);
	free(ca);
}

static rd_code settings_check(const rd_ca_settings *s, rd_err *e)
{
	rd_code rc;
	if (!s->url || !*s->url)
		return rd_fail_at(e, RD_E_CONFIG, "ca.url", "%s", _("the CA's URL is not set"));
	if (strncmp(s->url, "https://", 8) != 0)
		return rd_fail_at(e, RD_E_CONFIG, "ca.url", _("%s: only https:// URLs are allowed"), s->url);
	if (!s->trust || !*s->trust)
		return rd_fail_at(e, RD_E_CONFIG, "ca.trust", "%s",
				  _("the CA's trust anchor file is not set"));
	if ((rc = check_file(s->trust, "ca.trust", e)))
		return rc;
	if (!s->client_cert || !*s->client_cert)
		return rd_fail_at(e, RD_E_CONFIG, "ca.client_cert", "%s",
				  _("the RA's client certificate is not set"));
	if ((rc = check_file(s->client_cert, "ca.client_cert", e)))
		return rc;
	if (!s->client_key || !*s->client_key)
		return rd_fail_at(e, RD_E_CONFIG, "ca.client_key", "%s",
				  _("the RA's client key is not set"));
	if (strncmp(s->client_key, "pkcs11:", 7) != 0 &&
	    (rc = check_key_file(s->client_key, "ca.client_key", e)))
		return rc;
	if (s->timeout_s < 0 || s->connect_timeout_s < 0)
		return rd_fail_at(e, RD_E_CONFIG, "ca.timeout", "%s", _("timeouts must not be negative"));
	return RD_OK;
}

rd_code rd_ca_open(rd_ca **out, const rd_ca_settings *s, rd_err *e)
{
	const struct rd_ca_ops *ops = NULL;
	const char *drv = s->driver && *s->driver ? s->driver : "cfssl";
	rd_ca *ca;
	rd_code rc;

	*out = NULL;
	for (size_t i = 0; i < RD_ARRAY_LEN(drivers); i++)
		if (strcmp(drivers[i]->name, drv) == 0)
			ops = drivers[i];
	if (!ops)
		return rd_fail_at(e, RD_E_CONFIG, "ca.driver", _("unknown CA driver \"%s\" (cfssl or cmp)"),
				  drv);
	if ((rc = settings_check(s, e)))
		return rc;
	ca = calloc(1, sizeof *ca);
	if (!ca)
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	ca->ops = ops;
	ca->driver = strdup(drv);
	ca->url = strdup(s->url);
	/* no trailing slash: paths are appended */
	if (ca->url && strlen(ca->url) > 8 && ca->url[strlen(ca->url) - 1] == '/')
		ca->url[strlen(ca->url) - 1] = '\0';
	ca->trust = strdup(s->trust);
	ca->client_cert = strdup(s->client_cert);
	ca->client_key = strdup(s->client_key);
	ca->profile = dup_or_null(s->profile);
	ca->timeout_s = s->timeout_s > 0 ? s->timeout_s : 15;
	ca->connect_timeout_s = s->connect_timeout_s > 0 ? s->connect_timeout_s : 5;
	ca->max_skew_s = s->max_skew_s > 0 ? s->max_skew_s : 600;
	ca->max_days = s->max_days > 0 ? s->max_days : 3660;
	ca->fresh_connection = s->fresh_connection;
	ca->cmp_path = strdup(s->cmp_path ? s->cmp_path : "");
	ca->cmp_secret_file = dup_or_null(s->cmp_secret_file);
	ca->cmp_ref = dup_or_null(s->cmp_ref);
	ca->cmp_cert = dup_or_null(s->cmp_cert);
	ca->cmp_key = dup_or_null(s->cmp_key);
	ca->cmp_recipient = dup_or_null(s->cmp_recipient);
	ca->cmp_srv_cert = dup_or_null(s->cmp_srv_cert);
	ca->log = s->log;
	if (!ca->driver || !ca->url || !ca->trust || !ca->client_cert || !ca->client_key ||
	    !ca->cmp_path) {
		rd_ca_close(ca);
		return rd_fail(e, RD_E_NOMEM, "%s", _("out of memory"));
	}
	if (s->auth_key && *s->auth_key) {
		int n = rd_unhex(s->auth_key, ca->auth_key, sizeof ca->auth_key);
		if (n <= 0 || (size_t)n * 2 != strlen(s->auth_key)) {
			rd_ca_close(ca);
			return rd_fail_at(e, RD_E_CONFIG, "ca.auth_key", "%s",
					  _("the cfssl auth key must be hexadecimal (at most 64 bytes)"));
		}
		ca->auth_key_len = (size_t)n;
	}
	if ((rc = rd_ca_load_store(ca->trust, &ca->store, e)) || (rc = rd_ca_http_init(ca, e)) || (ops->open && (rc = ops->open(ca, e)))) {
		rd_ca_close(ca);
		return rc;
	}
	*out = ca;
	return RD_OK;
}

const char *rd_ca_driver_name(const rd_ca *ca)
{
	return ca->ops->name;
}

/* ---- operations ---------------------------------------------------------------- */

static rd_code request_check(const rd_ca_request *req, rd_err *e)
{
	if (!req->csr_pem || !strstr(req->csr_pem, "-----BEGIN CERTIFICATE REQUEST-----"))
		return rd_fail_at(e, RD_E_INVALID, "csr", "%s", _("not a PEM certificate request"));
	if (!req->request_id || !*req->request_id)
		return rd_fail_at(e, RD_E_INVALID, "request_id", "%s", _("the request id is missing"));
	if (!req->subject.cn || !*req->subject.cn)
		return rd_fail_at(e, RD_E_INVALID, "subject.CN", "%s", _("the common name is missing"));
	return RD_OK;
}

rd_code rd_ca_fetch_cert(rd_ca *ca, const rd_ca_request *req, const char *old_cert_pem, char **cert_pem,
			 rd_err *e)
{
	rd_code rc;
	*cert_pem = NULL;
	if ((rc = request_check(req, e)))
		return rc;
	return old_cert_pem ? ca->ops->renew(ca, req, old_cert_pem, cert_pem, e)
			    : ca->ops->enroll(ca, req, cert_pem, e);
}

void rd_ca_log_outcome(rd_ca *ca, const rd_ca_request *req, rd_code rc, const rd_ca_cert *cert,
		       const rd_err *e)
{
	if (rc)
		rd_log(ca->log, RD_LOG_WARN, "ca: request %s: answer refused: %s", req->request_id,
		       e ? e->msg : "");
	else
		rd_log(ca->log, RD_LOG_INFO, "ca: request %s: issued serial %s", req->request_id,
		       cert->serial_hex);
}

static rd_code enroll_common(rd_ca *ca, const rd_ca_request *req, const char *old_pem,
			     rd_ca_cert *out, rd_err *e)
{
	char *pem = NULL;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = rd_ca_fetch_cert(ca, req, old_pem, &pem, e)))
		return rc;
	rc = rd_ca_check_response(ca, req, pem, out, e);
	free(pem);
	rd_ca_log_outcome(ca, req, rc, out, e);
	return rc;
}

rd_code rd_ca_enroll(rd_ca *ca, const rd_ca_request *req, rd_ca_cert *out, rd_err *e)
{
	return enroll_common(ca, req, NULL, out, e);
}

rd_code rd_ca_renew(rd_ca *ca, const rd_ca_request *req, const char *old_cert_pem,
		    rd_ca_cert *out, rd_err *e)
{
	if (!old_cert_pem || !*old_cert_pem) {
		memset(out, 0, sizeof *out);
		return rd_fail_at(e, RD_E_INVALID, "certificate", "%s",
				  _("the certificate to renew is missing"));
	}
	return enroll_common(ca, req, old_cert_pem, out, e);
}

rd_code rd_ca_revoke(rd_ca *ca, const char *serial, const char *cert_pem, int reason, rd_err *e)
{
	char dec[64], hex[48];
	rd_code rc;
	if (!rd_ca_reason_name(reason))
		return rd_fail_at(e, RD_E_INVALID, "reason", _("%d is not an RFC 5280 revocation reason"),
				  reason);
	if ((rc = rd_ca_serial_norm(serial, dec, hex, e)))
		return rc;
	rc = ca->ops->revoke(ca, dec, cert_pem, reason, e);
	if (!rc)
		rd_log(ca->log, RD_LOG_INFO, "ca: revoked serial %s (%s)", hex, rd_ca_reason_name(reason));
	return rc;
}

rd_code rd_ca_info_get(rd_ca *ca, rd_ca_info *out, rd_err *e)
{
	memset(out, 0, sizeof *out);
	return ca->ops->info(ca, out, e);
}

void rd_ca_info_free(rd_ca_info *i)
{
	if (!i)
		return;
	free(i->chain_pem);
	i->chain_pem = NULL;
}

rd_code rd_ca_ping_run(rd_ca *ca, rd_ca_ping *out, rd_err *e)
{
	memset(out, 0, sizeof *out);
	return ca->ops->ping(ca, out, e);
}

void rd_ca_ping_free(rd_ca_ping *p)
{
	if (p)
		rd_ca_info_free(&p->info);
}

void rd_ca_cert_free(rd_ca_cert *c)
{
	if (!c)
		return;
	free(c->pem);
	c->pem = NULL;
}

size_t rd_ca_enroll_many(rd_ca *ca, const rd_ca_request *reqs, size_t n, rd_ca_done_fn done,
			 void *ud)
{
	size_t ok = 0;
	for (size_t i = 0; i < n; i++) {
		rd_ca_cert c;
		rd_err e;
		rd_err_clear(&e);
		rd_code rc = rd_ca_enroll(ca, &reqs[i], &c, &e);
		if (rc == RD_OK)
			ok++;
		if (done)
			done(ud, i, rc, rc == RD_OK ? &c : NULL, &e);
		rd_ca_cert_free(&c);
	}
	return ok;
}
