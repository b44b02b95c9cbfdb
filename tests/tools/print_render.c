/* Test tool for print/ (not the product CLI).
 *   print_render render --fields F [--doc D] --out PDF [--templates DIR] [--agreement F]
 *                       [--key-file K] [--organization] [--impression] [--copies N]
 *                       [--created YYYY-MM-DDTHH:MM:SS]
 *   print_render verify --fields F [--key-file K] [--templates DIR] [--agreement F] PAYLOAD
 *   print_render submit --printer Q [--copies N] [--timeout S] PDF
 * Fields: "key = value" lines, or a JSON object of strings when F ends in .json.
 * The key file holds the raw key bytes; without one a fixed test key is used. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/print.h"

static int fail(rd_err *e)
{
	char buf[1400];
	fprintf(stderr, "print_render: %s\n", rd_err_text(e, buf, sizeof buf));
	return rd_exit_status(e->code);
}

static rd_code load_fields(rd_print_fields *f, const char *path, rd_err *e)
{
	size_t n = strlen(path);
	if (n < 5 || strcmp(path + n - 5, ".json"))
		return rd_print_fields_load(f, path, e);
	json_error_t je;
	json_t *o = json_load_file(path, 0, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return rd_fail_at(e, RD_E_INVALID, path, "not a JSON object (line %d: %s)", je.line, je.text);
	}
	const char *k;
	json_t *v;
	rd_code rc = RD_OK;
	json_object_foreach(o, k, v)
	{
		if (!json_is_string(v)) {
			rc = rd_fail_at(e, RD_E_INVALID, k, "value is not a string");
			break;
		}
		if ((rc = rd_print_fields_set(f, k, json_string_value(v), e)))
			break;
	}
	json_decref(o);
	return rc;
}

int main(int argc, char **argv)
{
	rd_err e;
	rd_err_clear(&e);
	rd_i18n_init("en");
	if (argc < 2) {
		fprintf(stderr, "usage: print_render render|verify|submit ...\n");
		return 2;
	}
	const char *cmd = argv[1], *fields_path = NULL, *out = NULL, *tdir = NULL, *agr = NULL;
	const char *key_file = NULL, *printer = NULL, *created = NULL, *arg = NULL, *fontname = NULL;
	rd_print_doc doc = RD_DOC_PACKET;
	bool org = false, imp = false;
	int copies = 0, timeout = 30;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--organization")) { org = true; continue; }
		if (!strcmp(a, "--impression")) { imp = true; continue; }
		if (a[0] != '-') { arg = a; continue; }
		if (!v) { fprintf(stderr, "print_render: %s needs a value\n", a); return 2; }
		i++;
		if (!strcmp(a, "--fields")) fields_path = v;
		else if (!strcmp(a, "--out")) out = v;
		else if (!strcmp(a, "--templates")) tdir = v;
		else if (!strcmp(a, "--agreement")) agr = v;
		else if (!strcmp(a, "--key-file")) key_file = v;
		else if (!strcmp(a, "--printer")) printer = v;
		else if (!strcmp(a, "--created")) created = v;
		else if (!strcmp(a, "--font")) fontname = v;
		else if (!strcmp(a, "--copies")) copies = atoi(v);
		else if (!strcmp(a, "--timeout")) timeout = atoi(v);
		else if (!strcmp(a, "--doc")) {
			if (rd_print_doc_parse(v, &doc, &e))
				return fail(&e);
		} else { fprintf(stderr, "print_render: unknown option %s\n", a); return 2; }
	}

	if (!strcmp(cmd, "submit")) {
		rd_print_submit_opts o = {.printer = printer, .copies = copies, .timeout_s = timeout};
		rd_print_job_result r;
		rd_code rc = rd_print_submit(arg, &o, &r, NULL, &e);
		printf("job=%d\nstate=%s\ndetail=%s\n", r.job_id, rd_print_job_state_name(r.state), r.detail);
		return rc ? fail(&e) : 0;
	}

	unsigned char defkey[32];
	memset(defkey, 0x5a, sizeof defkey);
	char *key = NULL;
	size_t key_len = sizeof defkey;
	if (key_file) {
		if (rd_file_read(key_file, 4096, &key, &key_len, &e))
			return fail(&e);
	}
	const unsigned char *kp = key ? (unsigned char *)key : defkey;
	char *tdir_res = tdir ? strdup(tdir) : rd_print_templates_dir(NULL);
	rd_print_settings s = {.templates_dir = tdir_res, .agreement_path = agr, .font = fontname,
			       .key = kp, .key_len = key_len};
	rd_print_ctx *ctx = NULL;
	rd_print_fields *f = rd_print_fields_new();
	int status = 0;
	if (!fields_path) {
		rd_fail(&e, RD_E_USAGE, "--fields is required");
		status = fail(&e);
		goto out;
	}
	if (rd_print_ctx_new(&ctx, &s, &e) || load_fields(f, fields_path, &e)) {
		status = fail(&e);
		goto out;
	}
	if (!strcmp(cmd, "render")) {
		rd_print_request req = {.fields = f, .doc = doc, .organization = org, .impression = imp,
					.copies = copies};
		if (created && rd_time_parse(created, &req.created, &e)) {
			status = fail(&e);
			goto out;
		}
		rd_print_result r;
		if (!out || rd_print_render_file(ctx, &req, out, &r, &e)) {
			if (!out)
				rd_fail(&e, RD_E_USAGE, "--out is required");
			status = fail(&e);
			goto out;
		}
		printf("pages=%d\nsha256=%s\nbytes=%zu\nagreement_version=%s\n", r.pages, r.sha256, r.bytes,
		       r.agreement_version);
	} else if (!strcmp(cmd, "verify")) {
		rd_print_payload p;
		rd_code rc = rd_print_payload_verify(kp, key_len, arg, ctx, f, &p, &e);
		if (rc != RD_OK && rc != RD_E_REFUSED) {
			status = fail(&e);
			goto out;
		}
		printf("app=%s\ndoc=%s\ncopy=%d/%d\npage=%d/%d\nvalid=%s\n", p.app_no,
		       rd_print_doc_name(p.doc), p.copy, p.copies, p.page, p.pages, p.valid ? "yes" : "no");
		if (rc)
			status = fail(&e);
	} else {
		fprintf(stderr, "print_render: unknown command %s\n", cmd);
		status = 2;
	}
out:
	rd_print_ctx_free(ctx);
	rd_print_fields_free(f);
	free(tdir_res);
	if (key)
		rd_secret_free(key, key_len);
	return status;
}
