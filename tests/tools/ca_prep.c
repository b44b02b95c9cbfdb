/* ca_prep: applications for the CA outbox's tests and benchmark, made
 * through the workflows API (faster than driving the CLI per step).
 *
 *   ca_prep approve N        register N individuals as "clerk", submit, verify
 *                            every document, take the fee, then review and
 *                            approve them as "reviewer"; prints the numbers
 *   ca_prep request          for every approved application: a software
 *                            P-256 key and CSR with the approved subject,
 *                            queued with rd_ca_request_enroll as "clerk"
 *   ca_prep renew NO CSRFILE queue a renewal (rd_ca_request_renew) as "clerk"
 *   ca_prep revoke NO CODE   queue a revocation with an RFC 5280 reason code
 *   ca_prep spki             PEM certificates on stdin -> one SPKI SHA-256
 *                            (hex) a line
 * The database is the one $RADESK_CONFIG names.  Passwords come from
 * CLERK_PASSWORD and REVIEWER_PASSWORD (default <name>-password-1). */
#include "ca/ca.h"
#include "workflows/workflows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const rd_err *e)
{
	fprintf(stderr, "ca_prep: %s: %s%s%s\n", what, e->field, e->field[0] ? ": " : "", e->msg);
	return rd_exit_status(e->code) ? rd_exit_status(e->code) : 5;
}

static rd_code login(rd_ctx *ctx, const char *name, const char *env, rd_err *e)
{
	char def[64];
	const char *pw = getenv(env);
	snprintf(def, sizeof def, "%s-password-1", name);
	return rd_login(ctx, name, pw ? pw : def, e);
}

static int approve(rd_ctx *ctx, int n)
{
	rd_products *ps = NULL;
	rd_err e;
	char(*nos)[32] = calloc((size_t)n, 32);
	if (!nos || rd_products_load(ctx->cfg, &ps, &e) || login(ctx, "clerk", "CLERK_PASSWORD", &e))
		return fail("clerk", &e);
	for (int i = 0; i < n; i++) {
		char json[1024], receipt[48];
		rd_application a;
		rd_errlist errs;
		rd_app_state st;
		rd_doc_item items[RD_DOC_MAX];
		size_t ni = 0;
		int64_t fee = 0;
		unsigned char r[4];
		rd_random(r, sizeof r, NULL);
		snprintf(json, sizeof json,
			 "{\"kind\":\"individual\",\"product\":\"personal-sign\",\"years\":1,\"username\":\"c%02x%02x%02x%d\","
			 "\"subject\":{\"name\":\"张三\",\"id_type\":\"resident_id\",\"id_number\":\"11010519491231002X\","
			 "\"mobile\":\"13800138000\",\"email\":\"subject@example.cn\"},"
			 "\"verification\":{\"question\":\"q\",\"answer\":\"a\"},\"agreement_version\":\"2026.1\"}",
			 r[0], r[1], r[2], i % 1000);
		rd_errlist_init(&errs);
		if (rd_application_from_json(json, strlen(json), ps, rd_ctx_now(ctx), 0, &a, &errs) != RD_OK) {
			fprintf(stderr, "ca_prep: application json: %s\n", errs.n ? errs.items[0].msg : "?");
			return 5;
		}
		if (rd_app_register(ctx, &a, 0, nos[i], &errs, &e) || rd_app_submit(ctx, nos[i], 0, NULL, &e) ||
		    rd_doc_checklist(ctx, nos[i], &st, items, &ni, &e))
			return fail(nos[i], &e);
		rd_application_clear(&a);
		rd_errlist_free(&errs);
		for (size_t k = 0; k < ni; k++)
			if (rd_doc_set(ctx, nos[i], items[k].type, "verified", NULL, NULL, &e))
				return fail(items[k].type, &e);
		if (rd_fee_for(ctx, st.product, st.years, &fee, &e) ||
		    rd_fee_record(ctx, nos[i], fee, "cash", NULL, receipt, &e))
			return fail("fee", &e);
	}
	rd_logout(ctx);
	if (login(ctx, "reviewer", "REVIEWER_PASSWORD", &e))
		return fail("reviewer", &e);
	for (;;) {
		char no[32];
		rd_code rc = rd_review_next(ctx, no, &e);
		if (rc == RD_E_NOTFOUND)
			break;
		if (rc || rd_review_approve(ctx, no, 0, &e))
			return fail("review", &e);
	}
	for (int i = 0; i < n; i++)
		printf("%s\n", nos[i]);
	free(nos);
	rd_products_free(ps);
	return 0;
}

static int approved_cb(void *ud, const rd_app_state *a)
{
	rd_ctx *ctx = ud;
	rd_ca_subject s = {.cn = "张三", .c = "CN"};
	char *csr = NULL, id[40];
	rd_err e;
	if (rd_ca_make_test_csr(&s, &csr, NULL, &e) || rd_ca_request_enroll(ctx, a->no, csr, id, &e)) {
		free(csr);
		fail(a->no, &e);
		return 1;
	}
	free(csr);
	printf("%s %s\n", a->no, id);
	return 0;
}

static int request_all(rd_ctx *ctx)
{
	rd_err e;
	if (login(ctx, "clerk", "CLERK_PASSWORD", &e))
		return fail("clerk", &e);
	if (rd_desk_app_each(ctx->db, "approved", NULL, 0, approved_cb, ctx, &e))
		return fail("approved", &e);
	return 0;
}

static int spki(void)
{
	char line[4096], *pem = NULL;
	size_t len = 0;
	while (fgets(line, sizeof line, stdin)) {
		size_t l = strlen(line);
		char *p = realloc(pem, len + l + 1);
		if (!p)
			return 5;
		pem = p;
		memcpy(pem + len, line, l + 1);
		len += l;
		if (strstr(line, "-----END CERTIFICATE-----")) {
			char out[65];
			rd_err e;
			if (rd_ca_spki_sha256(pem, out, &e) == RD_OK)
				printf("%s\n", out);
			else
				printf("unreadable\n");
			len = 0;
		}
	}
	free(pem);
	return 0;
}

static int renew_or_revoke(rd_ctx *ctx, int argc, char **argv)
{
	char id[40], *pem = NULL;
	size_t len;
	rd_err e;
	rd_code rc;
	if (argc < 4)
		return 2;
	if (login(ctx, "clerk", "CLERK_PASSWORD", &e))
		return fail("clerk", &e);
	if (!strcmp(argv[1], "renew")) {
		if (rd_file_read(argv[3], 65536, &pem, &len, &e))
			return fail(argv[3], &e);
		rc = rd_ca_request_renew(ctx, argv[2], pem, id, &e);
		free(pem);
	} else {
		rc = rd_ca_request_revoke(ctx, argv[2], atoi(argv[3]), id, &e);
	}
	if (rc)
		return fail(argv[1], &e);
	printf("%s %s\n", argv[2], id);
	return 0;
}

int main(int argc, char **argv)
{
	rd_ctx_options opt = {0};
	rd_ctx *ctx = NULL;
	rd_err e;
	int rc;
	if (argc >= 2 && !strcmp(argv[1], "spki"))
		return spki();
	if (argc < 2 || (strcmp(argv[1], "approve") != 0 && strcmp(argv[1], "request") != 0 &&
			 strcmp(argv[1], "renew") != 0 && strcmp(argv[1], "revoke") != 0)) {
		fprintf(stderr, "usage: ca_prep approve N | request | renew NO CSR | revoke NO CODE | spki\n");
		return 2;
	}
	opt.log = rd_logger_stderr(RD_LOG_ERROR);
	if (rd_ctx_open(&ctx, &opt, &e))
		return fail("open", &e);
	if (!strcmp(argv[1], "approve"))
		rc = approve(ctx, argc > 2 ? atoi(argv[2]) : 1);
	else if (!strcmp(argv[1], "request"))
		rc = request_all(ctx);
	else
		rc = renew_or_revoke(ctx, argc, argv);
	rd_ctx_close(ctx);
	return rc;
}
