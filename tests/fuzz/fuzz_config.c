/* The configuration parser (core/config.c) and the products read from it. */
#include "forms/forms.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	rd_config *cfg = rd_config_defaults();
	rd_products *ps = NULL;
	rd_err e;
	rd_err_clear(&e);
	if (rd_config_parse_string(cfg, text, "fuzz.conf", &e) == RD_OK) {
		if (rd_products_load(cfg, &ps, &e) == RD_OK) {
			FUZZ_REQUIRE(rd_products_count(ps) >= 1);
			for (size_t i = 0; i < rd_products_count(ps); i++) {
				const rd_product *p = rd_products_at(ps, i);
				FUZZ_REQUIRE(rd_products_find(ps, p->id) != NULL);
				FUZZ_REQUIRE(p->max_years >= 1 && p->max_years <= 10);
				fuzz_assert_printable("product name", p->name);
			}
			rd_products_free(ps);
		} else {
			FUZZ_REQUIRE(e.code == RD_E_CONFIG && e.msg[0]);
		}
	} else {
		FUZZ_REQUIRE(e.code != RD_OK && e.msg[0]);
	}
	rd_config_free(cfg);
	free(text);
	return 0;
}
