#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"

static const unsigned char KEY[32] = "unit-test-key-0123456789abcdefg";

/* ---- template parser ------------------------------------------------------------- */
static void unknown_placeholder_names_file_line(void **state)
{
	struct tpl t;
	rd_err e;
	rd_code rc = pr_tpl_parse("title T\n# comment\n\nfield Name | {subject.nmae}\n", "x.tpl", &t, &e);
	assert_int_equal(rc, RD_E_INVALID);
	assert_string_equal(e.field, "x.tpl:4");
	assert_non_null(strstr(e.msg, "{subject.nmae}"));
}

static void unknown_directive_names_file_line(void **state)
{
	struct tpl t;
	rd_err e;
	assert_int_equal(pr_tpl_parse("title T\nbarcode {app.no}\n", "y.tpl", &t, &e), RD_E_INVALID);
	assert_string_equal(e.field, "y.tpl:2");
	assert_non_null(strstr(e.msg, "barcode"));
}

static void structural_errors(void **state)
{
	struct tpl t;
	rd_err e;
	assert_int_equal(pr_tpl_parse("title T\nif organization\npara x\n", "a.tpl", &t, &e), RD_E_INVALID);
	assert_string_equal(e.field, "a.tpl:2"); /* the if that has no end */
	assert_int_equal(pr_tpl_parse("end\n", "b.tpl", &t, &e), RD_E_INVALID);
	assert_int_equal(pr_tpl_parse("field A | {app.no} | B\n", "c.tpl", &t, &e), RD_E_INVALID);
	assert_int_equal(pr_tpl_parse("boxes tall | A\n", "d.tpl", &t, &e), RD_E_INVALID);
	assert_int_equal(pr_tpl_parse("para {app.no\n", "e.tpl", &t, &e), RD_E_INVALID);
	assert_int_equal(pr_tpl_parse("check Fee | {fee.status} | paid | unpaid=No\n", "f.tpl", &t, &e),
			 RD_E_INVALID);
	assert_int_equal(pr_tpl_parse("# only comments\n", "g.tpl", &t, &e), RD_E_INVALID);
}

static void used_fields_sorted_unique_without_builtins(void **state)
{
	struct tpl t;
	rd_err e;
	assert_int_equal(pr_tpl_parse("title {subject.name} {copy.label}\nfield A | {app.no} | B | {subject.name}\n"
				      "if field agent.name\npara {{literal}} \\| {agent.name}\nend\n",
				      "u.tpl", &t, &e),
			 RD_OK);
	assert_int_equal(t.nused, 3);
	assert_string_equal(t.used[0], "agent.name");
	assert_string_equal(t.used[1], "app.no");
	assert_string_equal(t.used[2], "subject.name");
	pr_tpl_free(&t);
}

static const char *lk(void *ud, const char *name)
{
	return rd_print_fields_get(ud, name);
}

static void substitution(void **state)
{
	rd_print_fields *f = rd_print_fields_new();
	assert_int_equal(rd_print_fields_set(f, "subject.name", "张三", NULL), RD_OK);
	char *s = pr_subst("{{x}} {subject.name}|{agent.name}.", lk, f);
	assert_string_equal(s, "{x} 张三|.");
	free(s);
	rd_err e;
	assert_int_equal(rd_print_fields_set(f, "subject.nick", "x", &e), RD_E_INVALID);
	assert_string_equal(e.field, "subject.nick");
	rd_print_fields_free(f);
}

static void agreement_needs_version(void **state)
{
	struct agreement a;
	rd_err e;
	assert_int_equal(pr_agreement_parse("Title: T\n\n## One\ntext\n", "ag.txt", &a, &e), RD_E_INVALID);
	assert_int_equal(pr_agreement_parse("Version: 1\n\n## One\nline one\nline two\n\npara two {subject.bogus}\n",
					    "ag.txt", &a, &e),
			 RD_E_INVALID);
	assert_string_equal(e.field, "ag.txt:7");
	assert_int_equal(pr_agreement_parse("Version: 1\n\n## One\nfirst\nsecond\n\nnext {subject.name}\n",
					    "ag.txt", &a, &e),
			 RD_OK);
	assert_int_equal(a.n, 3);
	assert_true(a.pars[0].heading);
	assert_string_equal(a.pars[1].text, "first second");
	assert_int_equal(a.nused, 1);
	pr_agreement_free(&a);
}

/* ---- payloads ------------------------------------------------------------------------ */
static rd_print_ctx *ctx_new(void)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/share/templates", getenv("RADESK_SRC") ? getenv("RADESK_SRC") : ".");
	rd_print_settings s = {.templates_dir = dir, .key = KEY, .key_len = sizeof KEY};
	rd_print_ctx *ctx = NULL;
	rd_err e;
	if (rd_print_ctx_new(&ctx, &s, &e) != RD_OK)
		fail_msg("ctx: %s: %s", e.field, e.msg);
	return ctx;
}

static rd_print_fields *sample(void)
{
	rd_print_fields *f = rd_print_fields_new();
	rd_print_fields_set(f, "app.no", "SP01-20261121-0001", NULL);
	rd_print_fields_set(f, "subject.name", "张三", NULL);
	rd_print_fields_set(f, "fee.status", "paid", NULL);
	return f;
}

static void payload_roundtrip_and_tamper(void **state)
{
	rd_print_ctx *ctx = ctx_new();
	rd_print_fields *f = sample();
	char p[256], q[256];
	rd_print_payload out;
	rd_err e;
	assert_int_equal(rd_print_payload_build(KEY, sizeof KEY, ctx, f, RD_DOC_FORM, 2, 3, 1, 1, p, sizeof p, &e), RD_OK);
	assert_int_equal(strncmp(p, "RADESK1|SP01-20261121-0001|form|2/3|1/1|", 40), 0);
	assert_int_equal(strlen(p), 40 + 16);
	assert_int_equal(rd_print_payload_verify(KEY, sizeof KEY, p, ctx, f, &out, &e), RD_OK);
	assert_true(out.valid);
	assert_string_equal(out.app_no, "SP01-20261121-0001");
	assert_int_equal(out.doc, RD_DOC_FORM);
	assert_int_equal(out.copy, 2);
	assert_int_equal(out.copies, 3);

	/* every single-character edit of the payload fails */
	for (size_t i = 0; i < strlen(p); i++) {
		strcpy(q, p);
		q[i] = q[i] == '1' ? '2' : '1';
		rd_code rc = rd_print_payload_verify(KEY, sizeof KEY, q, ctx, f, &out, NULL);
		assert_true(rc == RD_E_INVALID || rc == RD_E_REFUSED);
		assert_false(out.valid);
	}
	/* a changed printed field fails; a field the form does not print is not covered */
	rd_print_fields_set(f, "subject.name", "李四", NULL);
	assert_int_equal(rd_print_payload_verify(KEY, sizeof KEY, p, ctx, f, &out, &e), RD_E_REFUSED);
	rd_print_fields_set(f, "subject.name", "张三", NULL);
	rd_print_fields_set(f, "ukey.serial", "X1", NULL);
	assert_int_equal(rd_print_payload_verify(KEY, sizeof KEY, p, ctx, f, &out, &e), RD_OK);
	/* the receipt does print the UKEY serial */
	assert_int_equal(rd_print_payload_build(KEY, sizeof KEY, ctx, f, RD_DOC_RECEIPT, 1, 1, 1, 1, p, sizeof p, &e), RD_OK);
	rd_print_fields_set(f, "ukey.serial", "X2", NULL);
	assert_int_equal(rd_print_payload_verify(KEY, sizeof KEY, p, ctx, f, &out, &e), RD_E_REFUSED);
	/* wrong key */
	unsigned char other[32] = {1};
	rd_print_fields_set(f, "ukey.serial", "X1", NULL);
	assert_int_equal(rd_print_payload_verify(other, sizeof other, p, ctx, f, &out, &e), RD_E_REFUSED);
	rd_print_fields_free(f);
	rd_print_ctx_free(ctx);
}

static void payload_parse_rejects_malformed(void **state)
{
	rd_print_payload out;
	const char *bad[] = {
		"", "RADESK1", "RADESK2|A|form|1/3|1/1|0123456789ABCDEF",
		"RADESK1|A|packet|1/1|1/1|0123456789ABCDEF", "RADESK1|A|form|4/3|1/1|0123456789ABCDEF",
		"RADESK1|A|form|01/3|1/1|0123456789ABCDEF", "RADESK1|A|form|1/3|1/1|0123456789abcdef",
		"RADESK1|A|form|1/3|1/1|0123456789ABCDEF|x", "RADESK1||form|1/3|1/1|0123456789ABCDEF",
		"RADESK1|A B|form|1/3|1/1|0123456789ABCDEF",
	};
	for (size_t i = 0; i < RD_ARRAY_LEN(bad); i++)
		assert_int_equal(rd_print_payload_parse(bad[i], &out, NULL), RD_E_INVALID);
	assert_int_equal(rd_print_payload_parse("RADESK1|A|receipt|1/1|2/3|0123456789ABCDEF", &out, NULL), RD_OK);
	assert_int_equal(out.page, 2);
}

/* ---- text fitting ------------------------------------------------------------------------- */
static void fitting_wraps_shrinks_or_fails(void **state)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
	cairo_t *cr = cairo_create(s);
	struct pr_fit f;
	rd_err e;
	/* short text: the start size, one line */
	assert_int_equal(pr_fit_text(cr, "Noto Sans CJK SC", false, "张三", 200, 10, 6, 4, 0, "n", &f, &e), RD_OK);
	assert_true(f.size == 10 && f.lines == 1);
	/* 60 Chinese characters in a 330 pt box: wraps to more than one line, still fits */
	char name[61 * 3 + 1] = "";
	for (int i = 0; i < 60; i++)
		strcat(name, "星");
	assert_int_equal(pr_fit_text(cr, "Noto Sans CJK SC", false, name, 330, 10, 6, 4, 0, "n", &f, &e), RD_OK);
	assert_true(f.lines >= 2 && f.lines <= 4);
	assert_true(f.size == 10);
	/* one line only in 400 pt: it has to shrink (60 x 6.5 pt = 390 pt) */
	assert_int_equal(pr_fit_text(cr, "Noto Sans CJK SC", false, name, 400, 10, 6, 1, 0, "n", &f, &e), RD_OK);
	assert_true(f.size < 10 && f.size >= 6 && f.lines == 1);
	/* cannot fit even at the smallest size: an error naming the field */
	assert_int_equal(pr_fit_text(cr, "Noto Sans CJK SC", false, name, 60, 10, 6, 2, 0, "subject.name", &f, &e),
			 RD_E_INVALID);
	assert_string_equal(e.field, "subject.name");
	/* a height limit is honoured */
	assert_int_equal(pr_fit_text(cr, "Noto Sans CJK SC", false, name, 330, 10, 6, 10, 20, "n", &f, &e), RD_OK);
	assert_true(f.height <= 20);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

static void render_rejects_missing_app_no_and_bad_copies(void **state)
{
	rd_print_ctx *ctx = ctx_new();
	rd_print_fields *f = rd_print_fields_new();
	rd_print_request req = {.fields = f, .doc = RD_DOC_FORM};
	unsigned char *pdf;
	size_t len;
	rd_err e;
	assert_int_equal(rd_print_render_mem(ctx, &req, &pdf, &len, NULL, &e), RD_E_INVALID);
	assert_string_equal(e.field, "app.no");
	rd_print_fields_set(f, "app.no", "SP01-1", NULL);
	req.copies = 4;
	assert_int_equal(rd_print_render_mem(ctx, &req, &pdf, &len, NULL, &e), RD_E_INVALID);
	assert_string_equal(e.field, "copies");
	const char *labels[] = {"A", "B", "C", "D"};
	req.copy_labels = labels;
	rd_print_result r;
	assert_int_equal(rd_print_render_mem(ctx, &req, &pdf, &len, &r, &e), RD_OK);
	assert_int_equal(r.pages, 4);
	assert_true(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	free(pdf);
	rd_print_fields_free(f);
	rd_print_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_placeholder_names_file_line),
		cmocka_unit_test(unknown_directive_names_file_line),
		cmocka_unit_test(structural_errors),
		cmocka_unit_test(used_fields_sorted_unique_without_builtins),
		cmocka_unit_test(substitution),
		cmocka_unit_test(agreement_needs_version),
		cmocka_unit_test(payload_roundtrip_and_tamper),
		cmocka_unit_test(payload_parse_rejects_malformed),
		cmocka_unit_test(fitting_wraps_shrinks_or_fails),
		cmocka_unit_test(render_rejects_missing_app_no_and_bad_copies),
	};
	rd_i18n_init("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
