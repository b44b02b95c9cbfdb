/* ca_client: drives ca/ca.h from tests.
 *
 *   ca_client [connection] enroll  --id ID --cn CN [--o O --ou OU --c C --l L --st ST]
 *                                  (--csr FILE | --make-csr [--key-out FILE])
 *                                  [--profile P] [--valid-days N] [--out FILE] [--renew FILE]
 *   ca_client [connection] revoke  SERIAL REASON [--cert FILE]
 *   ca_client [connection] info
 *   ca_client [connection] ping
 *   ca_client check --trust FILE --csr FILE --cert FILE --cn CN [--o ...]
 *   ca_client csr --cn CN [--o ...] --out FILE [--key-out FILE]
 * connection: --config FILE (its [ca] section), then any of --driver --url
 *   --trust --cert --key --profile --timeout --connect-timeout --cmp-path
 *   --cmp-ref --cmp-secret-file --cmp-cert --cmp-key --cmp-srv-cert.
 *   The cfssl auth key is read from $RADESK_CA_AUTH_KEY (never from argv).
 * Output: key=value lines; on failure "error: <code> <transient|permanent>:
 * <field: message>" on stderr and the exit status of rd_exit_status(). */
#include "ca/ca.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const rd_err *e)
{
	char buf[1400];
	fprintf(stderr, "error: %s %s: %s\n", rd_code_name(e->code),
		rd_ca_transient(e->code) ? "transient" : "permanent", rd_err_text(e, buf, sizeof buf));
	return rd_exit_status(e->code);
}

static int write_file(const char *path, const char *data, int mode)
{
	rd_err e;
	if (rd_file_write_atomic(path, data, strlen(data), mode, &e))
		return fail(&e);
	return 0;
}

static void print_cert(const rd_ca_cert *c)
{
	char nb[32], na[32];
	rd_time_iso(c->not_before, nb);
	rd_time_iso(c->not_after, na);
	printf("serial_hex=%s\nserial_dec=%s\nissuer=%s\nsubject=%s\nnot_before=%s\nnot_after=%s\n"
	       "spki_sha256=%s\n",
	       c->serial_hex, c->serial_dec, c->issuer, c->subject, nb, na, c->spki_sha256);
}

int main(int argc, char **argv)
{
	rd_ca_settings s;
	rd_ca_request req;
	rd_config *cfg = NULL;
	void *owned = NULL;
	rd_err e;
	rd_ca *ca = NULL;
	const char *csr_file = NULL, *out_file = NULL, *key_out = NULL, *cert_file = NULL,
		   *renew_file = NULL, *config = NULL;
	bool make_csr = false;
	char *csr = NULL, *key = NULL, *old = NULL, *certin = NULL;
	int rc = 0, opt;
	enum { O_CONFIG = 256, O_DRIVER, O_URL, O_TRUST, O_CERT, O_KEY, O_PROFILE, O_TIMEOUT,
	       O_CTIMEOUT, O_CMP_PATH, O_CMP_REF, O_CMP_SECRET, O_CMP_CERT, O_CMP_KEY, O_CMP_SRV,
	       O_ID, O_CN, O_O, O_OU, O_C, O_L, O_ST, O_CSR, O_MAKE_CSR, O_KEY_OUT, O_OUT,
	       O_VALID, O_RENEW, O_CERTFILE, O_FRESH };
	static const struct option opts[] = {
		{"config", 1, 0, O_CONFIG}, {"driver", 1, 0, O_DRIVER}, {"url", 1, 0, O_URL},
		{"trust", 1, 0, O_TRUST}, {"client-cert", 1, 0, O_CERT}, {"client-key", 1, 0, O_KEY},
		{"profile", 1, 0, O_PROFILE}, {"timeout", 1, 0, O_TIMEOUT},
		{"connect-timeout", 1, 0, O_CTIMEOUT}, {"cmp-path", 1, 0, O_CMP_PATH},
		{"cmp-ref", 1, 0, O_CMP_REF}, {"cmp-secret-file", 1, 0, O_CMP_SECRET},
		{"cmp-cert", 1, 0, O_CMP_CERT}, {"cmp-key", 1, 0, O_CMP_KEY},
		{"cmp-srv-cert", 1, 0, O_CMP_SRV}, {"id", 1, 0, O_ID}, {"cn", 1, 0, O_CN},
		{"o", 1, 0, O_O}, {"ou", 1, 0, O_OU}, {"c", 1, 0, O_C}, {"l", 1, 0, O_L},
		{"st", 1, 0, O_ST}, {"csr", 1, 0, O_CSR}, {"make-csr", 0, 0, O_MAKE_CSR},
		{"key-out", 1, 0, O_KEY_OUT}, {"out", 1, 0, O_OUT}, {"valid-days", 1, 0, O_VALID},
		{"renew", 1, 0, O_RENEW}, {"cert", 1, 0, O_CERTFILE}, {"fresh", 0, 0, O_FRESH},
		{0, 0, 0, 0}};

	rd_i18n_init(NULL);
	memset(&s, 0, sizeof s);
	memset(&req, 0, sizeof req);
	rd_err_clear(&e);
	/* --config first, so options override it */
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0)
			config = argv[i + 1];
	if (config) {
		if (rd_config_load(&cfg, config, &e) || rd_ca_settings_from_config(cfg, &s, &owned, &e))
			return fail(&e);
	}
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_CONFIG: break;
		case O_DRIVER: s.driver = optarg; break;
		case O_URL: s.url = optarg; break;
		case O_TRUST: s.trust = optarg; break;
		case O_CERT: s.client_cert = optarg; break;
		case O_KEY: s.client_key = optarg; break;
		case O_PROFILE: s.profile = optarg; req.profile = optarg; break;
		case O_TIMEOUT: s.timeout_s = atol(optarg); break;
		case O_CTIMEOUT: s.connect_timeout_s = atol(optarg); break;
		case O_CMP_PATH: s.cmp_path = optarg; break;
		case O_CMP_REF: s.cmp_ref = optarg; break;
		case O_CMP_SECRET: s.cmp_secret_file = optarg; break;
		case O_CMP_CERT: s.cmp_cert = optarg; break;
		case O_CMP_KEY: s.cmp_key = optarg; break;
		case O_CMP_SRV: s.cmp_srv_cert = optarg; break;
		case O_ID: req.request_id = optarg; break;
		case O_CN: req.subject.cn = optarg; break;
		case O_O: req.subject.o = optarg; break;
		case O_OU: req.subject.ou = optarg; break;
		case O_C: req.subject.c = optarg; break;
		case O_L: req.subject.l = optarg; break;
		case O_ST: req.subject.st = optarg; break;
		case O_CSR: csr_file = optarg; break;
		case O_MAKE_CSR: make_csr = true; break;
		case O_KEY_OUT: key_out = optarg; break;
		case O_OUT: out_file = optarg; break;
		case O_VALID: req.valid_days = atol(optarg); break;
		case O_RENEW: renew_file = optarg; break;
		case O_CERTFILE: cert_file = optarg; break;
		case O_FRESH: s.fresh_connection = 1; break;
		default: fprintf(stderr, "usage: see tests/tools/ca_client.c\n"); return 2;
		}
	}
	if (getenv("RADESK_CA_AUTH_KEY") && *getenv("RADESK_CA_AUTH_KEY"))
		s.auth_key = getenv("RADESK_CA_AUTH_KEY");
	if (optind >= argc) {
		fprintf(stderr, "usage: ca_client [options] enroll|revoke|info|ping|check|csr\n");
		return 2;
	}
	const char *cmd = argv[optind];
	size_t n;

	if (csr_file && rd_file_read(csr_file, 1 << 20, &csr, &n, &e)) {
		rc = fail(&e);
		goto out;
	}
	if (make_csr || strcmp(cmd, "csr") == 0) {
		if (rd_ca_make_test_csr(&req.subject, &csr, &key, &e)) {
			rc = fail(&e);
			goto out;
		}
		if (key_out && (rc = write_file(key_out, key, 0600)))
			goto out;
		if (strcmp(cmd, "csr") == 0) {
			rc = out_file ? write_file(out_file, csr, 0644) : (fputs(csr, stdout), 0);
			goto out;
		}
	}
	req.csr_pem = csr;
	if (strcmp(cmd, "check") == 0) {
		rd_ca_check chk = {.trust_file = s.trust};
		rd_ca_cert c;
		if (!cert_file || rd_file_read(cert_file, 1 << 20, &certin, &n, &e) ||
		    rd_ca_check_cert(&chk, &req, certin, &c, &e)) {
			if (!cert_file)
				rd_fail(&e, RD_E_USAGE, "--cert is required");
			rc = fail(&e);
			goto out;
		}
		print_cert(&c);
		rd_ca_cert_free(&c);
		goto out;
	}
	if (rd_ca_open(&ca, &s, &e)) {
		rc = fail(&e);
		goto out;
	}
	if (strcmp(cmd, "enroll") == 0) {
		rd_ca_cert c;
		rd_code r;
		if (renew_file && rd_file_read(renew_file, 1 << 20, &old, &n, &e)) {
			rc = fail(&e);
			goto out;
		}
		r = old ? rd_ca_renew(ca, &req, old, &c, &e) : rd_ca_enroll(ca, &req, &c, &e);
		if (r) {
			rc = fail(&e);
			goto out;
		}
		print_cert(&c);
		if (out_file)
			rc = write_file(out_file, c.pem, 0644);
		rd_ca_cert_free(&c);
	} else if (strcmp(cmd, "revoke") == 0 && optind + 2 < argc) {
		int reason = rd_ca_reason_parse(argv[optind + 2]);
		if (cert_file && rd_file_read(cert_file, 1 << 20, &certin, &n, &e)) {
			rc = fail(&e);
			goto out;
		}
		if (reason < 0)
			reason = atoi(argv[optind + 2]);
		if (rd_ca_revoke(ca, argv[optind + 1], certin, reason, &e))
			rc = fail(&e);
		else
			printf("revoked=%s\n", argv[optind + 1]);
	} else if (strcmp(cmd, "info") == 0) {
		rd_ca_info i;
		if (rd_ca_info_get(ca, &i, &e)) {
			rc = fail(&e);
			goto out;
		}
		printf("subject=%s\ntrusted=%d\n", i.subject, i.trusted);
		rd_ca_info_free(&i);
	} else if (strcmp(cmd, "ping") == 0) {
		rd_ca_ping p;
		if (rd_ca_ping_run(ca, &p, &e)) {
			rc = fail(&e);
			goto out;
		}
		printf("tls=%s\nhttp=%d\ntls_ms=%.1f\ntotal_ms=%.1f\nskew_s=%ld\nhave_date=%d\n"
		       "ca_subject=%s\ntrusted=%d\n",
		       p.tls_version, p.http_version, p.tls_ms, p.total_ms, p.skew_s, p.have_date,
		       p.info.subject, p.info.trusted);
		rd_ca_ping_free(&p);
	} else {
		fprintf(stderr, "usage: ca_client [options] enroll|revoke SERIAL REASON|info|ping\n");
		rc = 2;
	}
out:
	rd_ca_close(ca);
	free(csr);
	if (key)
		rd_secret_free(key, strlen(key));
	free(old);
	free(certin);
	rd_ca_settings_release(owned);
	rd_config_free(cfg);
	return rc;
}
