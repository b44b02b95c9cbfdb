/* JSON import (single and batch): refusals carry printable paths and
 * reasons; an accepted application exports and re-imports to itself. */
#include "forms/forms.h"
#include "tests/fuzz/fuzz_common.h"

#define NOW ((time_t)1795251600)

static void check_errors(const rd_errlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_REQUIRE(l->items[i].code != RD_OK);
		FUZZ_REQUIRE(l->items[i].msg[0] != '\0');
		fuzz_assert_printable("path", l->items[i].field);
		fuzz_assert_printable("message", l->items[i].msg);
	}
}

static void round_trip(const rd_application *a)
{
	char *text = rd_application_to_json_text(a, RD_APP_JSON_WITH_ANSWER);
	rd_application b;
	rd_errlist l = {0};
	FUZZ_REQUIRE(text != NULL);
	if (rd_application_from_json(text, strlen(text), NULL, NOW, 0, &b, &l) != RD_OK) {
		char *why = rd_errlist_text(&l);
		fprintf(stderr, "exported application does not re-import:\n%s\n%s\n", text, why);
		abort();
	}
	FUZZ_REQUIRE(memcmp(a, &b, sizeof b) == 0);
	rd_errlist_free(&l);
	free(text);
}

static rd_code each(void *ud, size_t index, const rd_application *a, bool ok, const rd_errlist *errs)
{
	FUZZ_REQUIRE(ok == (errs->n == 0));
	check_errors(errs);
	if (ok)
		round_trip(a);
	(*(size_t *)ud)++;
	return RD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_application a;
	rd_errlist l = {0};
	size_t calls = 0, n_ok = 0, n_bad = 0;
	if (rd_application_from_json((const char *)data, size, NULL, NOW, 0, &a, &l) == RD_OK) {
		FUZZ_REQUIRE(l.n == 0);
		round_trip(&a);
	} else {
		FUZZ_REQUIRE(l.n > 0);
		check_errors(&l);
	}
	rd_errlist_clear(&l);
	if (rd_application_batch_from_json((const char *)data, size, NULL, NOW, 0, each, &calls, NULL,
					   &n_ok, &n_bad, &l) == RD_OK)
		FUZZ_REQUIRE(calls == n_ok + n_bad);
	else
		FUZZ_REQUIRE(calls == 0 && l.n > 0);
	check_errors(&l);
	rd_errlist_free(&l);
	return 0;
}
