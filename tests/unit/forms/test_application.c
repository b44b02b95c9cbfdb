/* The application model: JSON import naming every failing path, batch
 * import, export, values by field, the field table and products. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "forms/forms.h"

#define NOW ((time_t)1795251600) /* 2026-11-21T09:00:00Z */

#define INDIVIDUAL                                                                                 \
	"{\"kind\":\"individual\",\"product\":\"personal-sign\",\"years\":2,\"username\":\"zhang3\","     \
	"\"subject\":{\"name\":\" 张三 \",\"id_type\":\"resident_id\",\"id_number\":\"11010519491231002x\"," \
	"\"mobile\":\"138 0013 8000\",\"email\":\"zhang3@Example.com\"},"                                  \
	"\"verification\":{\"question\":\"母亲的姓？\",\"answer\":\"王\"},\"agreement_version\":\"2026.1\"}"

#define ORGANIZATION                                                                               \
	"{\"kind\":\"organization\",\"product\":\"org-seal\",\"years\":1,\"username\":\"acme01\","       \
	"\"organization\":{\"name\":\"福州某某科技有限公司\",\"uscc\":\"91350100M000100Y43\","           \
	"\"address\":\"福建省福州市鼓楼区某路1号\",\"legal_rep\":\"李四\"},"                             \
	"\"agent\":{\"name\":\"王五\",\"id_number\":\"440524188001010014\",\"mobile\":\"13912345678\","  \
	"\"email\":\"wang5@example.com\"},"                                                              \
	"\"verification\":{\"question\":\"q\",\"answer\":\"a\"},\"agreement_version\":\"v1\"}"

static rd_code import(const char *json, rd_application *a, rd_errlist *l)
{
	rd_errlist_clear(l);
	return rd_application_from_json(json, strlen(json), NULL, NOW, 0, a, l);
}

/* the error list has an entry for path whose message contains want */
static void has_error(const rd_errlist *l, const char *path, const char *want)
{
	const rd_err *e = rd_errlist_find(l, path);
	if (!e) {
		char *all = rd_errlist_text(l);
		fail_msg("no error for '%s'; errors:\n%s", path, all ? all : "");
	}
	if (want && !strstr(e->msg, want))
		fail_msg("%s: wanted '%s' in '%s'", path, want, e->msg);
}

static void valid_individual_is_normalised(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	assert_int_equal(import(INDIVIDUAL, &a, &l), RD_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(a.kind, RD_APP_INDIVIDUAL);
	assert_int_equal(a.years, 2);
	assert_string_equal(a.subject.name, "张三");
	assert_string_equal(a.subject.id_number, "11010519491231002X");
	assert_string_equal(a.subject.mobile, "13800138000");
	assert_string_equal(a.subject.email, "zhang3@example.com");
	assert_int_equal(a.subject.id_type, RD_ID_RESIDENT);
	assert_string_equal(a.verification.answer, "王");
	rd_application_clear(&a);
	rd_errlist_free(&l);
}

static void valid_organization_defaults_agent_id_type(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	assert_int_equal(import(ORGANIZATION, &a, &l), RD_OK);
	assert_int_equal(a.agent.id_type, RD_ID_RESIDENT);
	assert_string_equal(a.organization.uscc, "91350100M000100Y43");
	rd_errlist_free(&l);
}

static void every_failing_path_is_named(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	const char *bad =
		"{\"kind\":\"organization\",\"product\":\"personal-sign\",\"years\":\"2\",\"username\":\"a_b\","
		"\"colour\":\"red\","
		"\"organization\":{\"name\":\"A\\u0007B\",\"uscc\":\"91350100M000100Y4X\",\"legal_rep\":\"\"},"
		"\"agent\":{\"name\":\"王五\",\"id_number\":\"110105194912310021\",\"mobile\":\"1234\","
		"\"email\":\"nobody\",\"age\":3},"
		"\"verification\":{\"question\":\"q\"},\"agreement_version\":\"v 1\"}";
	assert_int_equal(import(bad, &a, &l), RD_E_INVALID);
	has_error(&l, "product", "for individual applications");
	has_error(&l, "years", "must be a whole number, not a string");
	has_error(&l, "username", "character 2 ('_')");
	has_error(&l, "colour", "unknown key");
	has_error(&l, "organization.name", "control character (U+0007)");
	has_error(&l, "organization.uscc", "check character is 3, not X");
	has_error(&l, "organization.address", "required");
	has_error(&l, "organization.legal_rep", "required");
	has_error(&l, "agent.id_number", "check character is X, not 1");
	has_error(&l, "agent.mobile", "11 digits");
	has_error(&l, "agent.email", "@");
	has_error(&l, "agent.age", "unknown key");
	has_error(&l, "verification.answer", "required");
	has_error(&l, "agreement_version", "character 2");
	/* nothing else, and no field twice */
	assert_int_equal(l.n, 14);
	char *text = rd_errlist_text(&l);
	assert_non_null(strstr(text, "organization.uscc: check character is 3, not X\n"));
	free(text);
	rd_errlist_free(&l);
}

static void required_per_kind(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	assert_int_equal(import("{}", &a, &l), RD_E_INVALID);
	has_error(&l, "kind", "required");
	has_error(&l, "product", "required");
	has_error(&l, "years", "required");
	has_error(&l, "username", "required");
	has_error(&l, "verification.question", "required");
	has_error(&l, "verification.answer", "required");
	has_error(&l, "agreement_version", "required");
	assert_null(rd_errlist_find(&l, "subject.name")); /* unknown kind: no per-kind demands */

	assert_int_equal(import("{\"kind\":\"individual\"}", &a, &l), RD_E_INVALID);
	has_error(&l, "subject.name", "required");
	assert_null(rd_errlist_find(&l, "subject.id_type")); /* the number's error says it */
	has_error(&l, "subject.id_number", "required");
	has_error(&l, "subject.mobile", "required");
	has_error(&l, "subject.email", "required");
	assert_null(rd_errlist_find(&l, "agent.name"));
	assert_null(rd_errlist_find(&l, "organization.name"));

	assert_int_equal(import("{\"kind\":\"organization\"}", &a, &l), RD_E_INVALID);
	has_error(&l, "organization.name", "required");
	has_error(&l, "organization.uscc", "required");
	has_error(&l, "organization.address", "required");
	has_error(&l, "organization.legal_rep", "required");
	has_error(&l, "agent.name", "required");
	has_error(&l, "agent.id_number", "required");
	has_error(&l, "agent.mobile", "required");
	has_error(&l, "agent.email", "required");
	assert_null(rd_errlist_find(&l, "subject.name"));
	rd_errlist_free(&l);
}

static void individual_agent_complete_if_present(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	char json[2048];
	/* the valid individual with a partial agent */
	snprintf(json, sizeof json, "%.*s,\"agent\":{\"name\":\"王五\"}}", (int)strlen(INDIVIDUAL) - 1,
		 INDIVIDUAL);
	assert_int_equal(import(json, &a, &l), RD_E_INVALID);
	has_error(&l, "agent.id_number", "when an agent is given");
	has_error(&l, "agent.mobile", "when an agent is given");
	has_error(&l, "agent.email", "when an agent is given");
	assert_int_equal(l.n, 3);
	/* an empty agent block is no agent */
	snprintf(json, sizeof json, "%.*s,\"agent\":{}}", (int)strlen(INDIVIDUAL) - 1, INDIVIDUAL);
	assert_int_equal(import(json, &a, &l), RD_OK);
	snprintf(json, sizeof json, "%.*s,\"agent\":null}", (int)strlen(INDIVIDUAL) - 1, INDIVIDUAL);
	assert_int_equal(import(json, &a, &l), RD_OK);
	/* a block the kind does not use is refused once, at the block */
	snprintf(json, sizeof json, "%.*s,\"organization\":{\"name\":\"某公司\",\"uscc\":\"x\"}}",
		 (int)strlen(INDIVIDUAL) - 1, INDIVIDUAL);
	assert_int_equal(import(json, &a, &l), RD_E_INVALID);
	has_error(&l, "organization", "not used for individual applications");
	assert_int_equal(l.n, 1);
	rd_errlist_free(&l);
}

static void malformed_and_hostile_json(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	assert_int_equal(import("{\"kind\":", &a, &l), RD_E_INVALID);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].field, "");
	assert_non_null(strstr(l.items[0].msg, "malformed JSON at line 1"));

	assert_int_equal(import("{\"kind\":\"individual\",\"kind\":\"organization\"}", &a, &l), RD_E_INVALID);
	assert_non_null(strstr(l.items[0].msg, "duplicate"));

	assert_int_equal(import("[1,2]", &a, &l), RD_E_INVALID);
	has_error(&l, "", "must be an object, not an array");

	/* wrong types at every level */
	assert_int_equal(import("{\"kind\":1,\"years\":1.5,\"subject\":\"x\",\"verification\":[],"
				"\"agent\":{\"name\":true}}", &a, &l), RD_E_INVALID);
	has_error(&l, "kind", "must be a string, not a whole number");
	has_error(&l, "years", "must be a whole number, not a number with a fraction");
	has_error(&l, "subject", "must be an object, not a string");
	has_error(&l, "verification", "must be an object, not an array");
	has_error(&l, "agent.name", "must be a string, not true or false");

	/* unknown enum values */
	assert_int_equal(import("{\"kind\":\"company\",\"subject\":{\"id_type\":\"driving_licence\"}}", &a, &l),
			 RD_E_INVALID);
	has_error(&l, "kind", "not one of individual, organization");
	has_error(&l, "subject.id_type", "not one of resident_id");

	/* invalid UTF-8 inside a string is named by its path */
	assert_int_equal(import("{\"username\":\"ab\",\"subject\":{\"name\":\"\xe5\xbc\"}}", &a, &l),
			 RD_E_INVALID);
	has_error(&l, "subject.name", "not valid UTF-8");
	/* and outside a string it is malformed JSON */
	assert_int_equal(import("{\"a\":1,\xff}", &a, &l), RD_E_INVALID);
	has_error(&l, "", "malformed JSON");

	/* NUL escapes are not JSON strings we accept */
	assert_int_equal(import("{\"username\":\"a\\u0000b\"}", &a, &l), RD_E_INVALID);
	assert_non_null(strstr(l.items[0].msg, "malformed JSON"));

	/* oversize strings */
	char big[700] = "{\"subject\":{\"name\":\"";
	for (int i = 0; i < 61; i++)
		strcat(big, "张");
	strcat(big, "\"},\"years\":99999}");
	assert_int_equal(import(big, &a, &l), RD_E_INVALID);
	has_error(&l, "subject.name", "61 characters, at most 60");
	has_error(&l, "years", "out of range");

	/* values with control characters are not echoed back (found by the fuzzer) */
	assert_int_equal(import("{\"product\":\"a\\u001b[2Jb\"}", &a, &l), RD_E_INVALID);
	has_error(&l, "product", "not allowed");
	assert_null(strchr(rd_errlist_find(&l, "product")->msg, '\x1b'));

	/* unknown keys with control characters are shown safely */
	assert_int_equal(import("{\"a\\u0001b\":1}", &a, &l), RD_E_INVALID);
	has_error(&l, "a?b", "unknown key");
	rd_errlist_free(&l);
}

static void years_and_products(void **state)
{
	rd_application a;
	rd_errlist l = {0};
	rd_config *cfg = rd_config_defaults();
	rd_products *ps;
	rd_err e;
	const char *conf = "[product.gov-sign]\nname = Government signing\nname_zh = 政务签名证书\n"
			   "kind = individual\nmax_years = 5\nkey_type = rsa-2048\n"
			   "[product.gov-seal]\nkind = organization\nimpression = yes\nprofile = seal\n";
	char json[2048];
	assert_int_equal(rd_config_parse_string(cfg, conf, "t.conf", &e), RD_OK);
	assert_int_equal(rd_products_load(cfg, &ps, &e), RD_OK);
	assert_int_equal(rd_products_count(ps), 2);
	const rd_product *p = rd_products_find(ps, "gov-sign");
	assert_non_null(p);
	assert_string_equal(p->name_zh, "政务签名证书");
	assert_int_equal(p->max_years, 5);
	assert_int_equal(p->key_type, RD_KEY_RSA_2048);
	p = rd_products_at(ps, 1);
	assert_string_equal(p->id, "gov-seal");
	assert_string_equal(p->name, "gov-seal");
	assert_true(p->impression);
	assert_int_equal(p->kind, RD_APP_ORGANIZATION);
	assert_int_equal(p->max_years, 3);
	assert_string_equal(p->profile, "seal");
	assert_null(rd_products_at(ps, 2));
	assert_null(rd_products_find(ps, "personal-sign")); /* configured list replaces built-ins */

	rd_errlist_clear(&l);
	assert_int_equal(rd_application_from_json(INDIVIDUAL, strlen(INDIVIDUAL), ps, NOW, 0, &a, &l),
			 RD_E_INVALID);
	has_error(&l, "product", "unknown product 'personal-sign'");
	const char *s = strstr(INDIVIDUAL, "personal-sign");
	snprintf(json, sizeof json, "%.*sgov-sign\",\"years\":5%s", (int)(s - INDIVIDUAL), INDIVIDUAL,
		 strstr(INDIVIDUAL, ",\"username\""));
	rd_errlist_clear(&l);
	assert_int_equal(rd_application_from_json(json, strlen(json), ps, NOW, 0, &a, &l), RD_OK);
	/* built-ins allow 3 years */
	snprintf(json, sizeof json, "%.*s4%s", (int)(strstr(INDIVIDUAL, "\"years\":") + 8 - INDIVIDUAL),
		 INDIVIDUAL, strstr(INDIVIDUAL, ",\"username\""));
	assert_int_equal(import(json, &a, &l), RD_E_INVALID);
	has_error(&l, "years", "must be 1 to 3 years, not 4");
	rd_products_free(ps);

	/* a bad product id in the configuration */
	rd_config_free(cfg);
	cfg = rd_config_defaults();
	assert_int_equal(rd_config_parse_string(cfg, "[product.Bad!]\nkind = individual\n", "t.conf", &e), RD_OK);
	assert_int_equal(rd_products_load(cfg, &ps, &e), RD_E_CONFIG);
	assert_string_equal(e.field, "[product.Bad!]");
	assert_int_equal(rd_config_parse_string(cfg, "[product.x]\nkind = person\n", "t.conf", &e), RD_E_CONFIG);
	rd_config_free(cfg);

	/* built-ins */
	assert_int_equal(rd_products_load(NULL, &ps, &e), RD_OK);
	assert_int_equal(rd_products_count(ps), 3);
	assert_int_equal(rd_products_find(ps, "personal-sign")->kind, RD_APP_INDIVIDUAL);
	assert_int_equal(rd_products_find(ps, "org-sign")->kind, RD_APP_ORGANIZATION);
	assert_true(rd_products_find(ps, "org-seal")->impression);
	assert_false(rd_products_find(ps, "org-sign")->impression);
	rd_products_free(ps);
	rd_errlist_free(&l);
}

static rd_code collect(void *ud, size_t index, const rd_application *a, bool ok, const rd_errlist *errs)
{
	char *line = rd_errlist_text(errs);
	char *acc = ud;
	sprintf(acc + strlen(acc), "%zu:%s:%s:%s|", index, ok ? "ok" : "bad", a->username, line);
	free(line);
	return RD_OK;
}

static rd_code stop_after_first(void *ud, size_t index, const rd_application *a, bool ok,
				const rd_errlist *errs)
{
	(*(int *)ud)++;
	return RD_E_DATA;
}

static void batch_import(void **state)
{
	char json[4096], acc[4096] = "";
	rd_errlist l = {0};
	size_t n_ok, n_bad;
	bool arr;
	snprintf(json, sizeof json, "[%s,{\"kind\":\"individual\",\"username\":\"x_y\"},7,%s]", INDIVIDUAL,
		 ORGANIZATION);
	assert_int_equal(rd_application_batch_from_json(json, strlen(json), NULL, NOW, 0, collect, acc,
							&arr, &n_ok, &n_bad, &l),
			 RD_OK);
	assert_true(arr);
	assert_int_equal(n_ok, 2);
	assert_int_equal(n_bad, 2);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(acc, "0:ok:zhang3:|"));
	assert_non_null(strstr(acc, "[1].username: character 2 ('_')"));
	assert_non_null(strstr(acc, "[1].subject.name: is required"));
	assert_non_null(strstr(acc, "2:bad::[2]: must be an object, not a whole number|"));
	assert_non_null(strstr(acc, "3:ok:acme01:|"));

	/* a single object is a batch of one without a prefix */
	acc[0] = '\0';
	assert_int_equal(rd_application_batch_from_json(ORGANIZATION, strlen(ORGANIZATION), NULL, NOW, 0,
							collect, acc, &arr, &n_ok, &n_bad, &l),
			 RD_OK);
	assert_false(arr);
	assert_string_equal(acc, "0:ok:acme01:|");

	/* the callback can stop the batch */
	int calls = 0;
	assert_int_equal(rd_application_batch_from_json(json, strlen(json), NULL, NOW, 0, stop_after_first,
							&calls, NULL, NULL, NULL, &l),
			 RD_E_DATA);
	assert_int_equal(calls, 1);

	/* not a batch at all */
	assert_int_equal(rd_application_batch_from_json("[1,", 3, NULL, NOW, 0, collect, acc, NULL, NULL,
							NULL, &l),
			 RD_E_INVALID);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].msg, "malformed JSON"));
	rd_errlist_free(&l);
}

static void export_round_trip(void **state)
{
	rd_application a, b;
	rd_errlist l = {0};
	char *text;
	assert_int_equal(import(ORGANIZATION, &a, &l), RD_OK);
	text = rd_application_to_json_text(&a, 0);
	assert_non_null(text);
	assert_null(strstr(text, "\"answer\""));
	assert_null(strstr(text, "subject"));
	/* without the answer it validates only when the stored hash is kept */
	rd_errlist_clear(&l);
	assert_int_equal(rd_application_from_json(text, strlen(text), NULL, NOW, 0, &b, &l), RD_E_INVALID);
	has_error(&l, "verification.answer", "required");
	rd_errlist_clear(&l);
	assert_int_equal(rd_application_from_json(text, strlen(text), NULL, NOW, RD_APP_ANSWER_KEPT, &b, &l),
			 RD_OK);
	free(text);
	text = rd_application_to_json_text(&a, RD_APP_JSON_WITH_ANSWER);
	assert_int_equal(import(text, &b, &l), RD_OK);
	assert_memory_equal(&a, &b, sizeof a);
	rd_secret_free(text, 0);
	rd_errlist_free(&l);
}

static void values_by_field(void **state)
{
	rd_application a, c;
	rd_err e;
	char buf[32];
	rd_application_init(&a);
	assert_int_equal(rd_application_set(&a, RD_F_KIND, "organization", &e), RD_OK);
	assert_int_equal(a.kind, RD_APP_ORGANIZATION);
	assert_int_equal(rd_application_set(&a, RD_F_YEARS, " 2 ", &e), RD_OK);
	assert_string_equal(rd_application_get(&a, RD_F_YEARS, buf, sizeof buf), "2");
	assert_int_equal(rd_application_set(&a, RD_F_YEARS, "two", &e), RD_E_INVALID);
	assert_string_equal(e.field, "years");
	assert_int_equal(rd_application_set(&a, RD_F_ORG_USCC, "9135 0100 m000100y43", &e), RD_OK);
	assert_string_equal(a.organization.uscc, "91350100M000100Y43");
	assert_int_equal(rd_application_set(&a, RD_F_AGENT_ID_TYPE, "passport", &e), RD_OK);
	assert_string_equal(rd_application_get(&a, RD_F_AGENT_ID_TYPE, buf, sizeof buf), "passport");
	assert_int_equal(rd_application_set(&a, RD_F_AGENT_ID_NUMBER, "11010519491231002X", &e), RD_OK);
	/* checked by the sibling ID type */
	assert_int_equal(rd_application_check_field(&a, RD_F_AGENT_ID_NUMBER, NULL, NOW, 0, &e), RD_E_INVALID);
	assert_string_equal(e.field, "agent.id_number");
	assert_non_null(strstr(e.msg, "passport"));
	assert_int_equal(rd_application_set(&a, RD_F_AGENT_ID_TYPE, "resident_id", &e), RD_OK);
	assert_int_equal(rd_application_check_field(&a, RD_F_AGENT_ID_NUMBER, NULL, NOW, 0, &e), RD_OK);
	assert_int_equal(rd_application_check_field(&a, RD_F_ORG_NAME, NULL, NOW, 0, &e), RD_E_INVALID);
	assert_non_null(strstr(e.msg, "required"));
	assert_int_equal(rd_application_set(&a, RD_F_ORG_NAME, "\xff", &e), RD_E_INVALID);
	assert_int_equal(rd_application_set(&a, RD_F_USERNAME, "abcdefghijklm", &e), RD_E_INVALID);
	assert_non_null(strstr(e.msg, "13 characters, at most 12"));
	assert_int_equal(rd_application_set(&a, RD_F_USERNAME, "acme", &e), RD_OK);
	assert_int_equal(rd_application_set(&a, RD_F_VERIFY_ANSWER, "secret", &e), RD_OK);
	/* 类似申请 keeps the organization and agent */
	rd_application_copy_for_similar(&c, &a);
	assert_string_equal(c.organization.uscc, "91350100M000100Y43");
	assert_string_equal(c.agent.id_number, "11010519491231002X");
	assert_string_equal(c.username, "");
	assert_string_equal(c.verification.answer, "");
	rd_application_clear(&a);
	assert_string_equal(a.verification.answer, "");
}

static void field_table(void **state)
{
	size_t n = 0;
	for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) {
		assert_int_equal(f->id, n);
		assert_ptr_equal(rd_field_by_path(f->path), f);
		assert_ptr_equal(rd_field_get(f->id), f);
		assert_non_null(f->label);
		assert_non_null(f->label_zh);
		assert_non_null(f->help);
		assert_true(f->max_chars > 0);
		n++;
	}
	assert_int_equal(n, RD_F_COUNT);
	assert_int_equal(rd_field_count(), RD_F_COUNT);
	assert_null(rd_field_by_path("subject.age"));
	const rd_field *f = rd_field_by_path("organization.uscc");
	assert_string_equal(f->label_zh, "统一社会信用代码");
	assert_int_equal(f->req[RD_APP_ORGANIZATION], RD_REQ_REQUIRED);
	assert_int_equal(f->req[RD_APP_INDIVIDUAL], RD_REQ_UNUSED);
	f = rd_field_by_path("agent.mobile");
	assert_int_equal(f->req[RD_APP_INDIVIDUAL], RD_REQ_GROUP);
	assert_int_equal(rd_field_by_path("verification.answer")->type, RD_FT_SECRET);
	assert_int_equal(rd_id_type_parse("taiwan_permit"), RD_ID_TAIWAN);
	assert_string_equal(rd_id_type_label_zh(RD_ID_RESIDENT), "居民身份证");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_individual_is_normalised),
		cmocka_unit_test(valid_organization_defaults_agent_id_type),
		cmocka_unit_test(every_failing_path_is_named),
		cmocka_unit_test(required_per_kind),
		cmocka_unit_test(individual_agent_complete_if_present),
		cmocka_unit_test(malformed_and_hostile_json),
		cmocka_unit_test(years_and_products),
		cmocka_unit_test(batch_import),
		cmocka_unit_test(export_round_trip),
		cmocka_unit_test(values_by_field),
		cmocka_unit_test(field_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
