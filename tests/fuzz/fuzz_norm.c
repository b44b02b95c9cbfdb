/* Normalisation and masking: never overflow, idempotent, masks hide. */
#include "forms/forms.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_code (*norms[])(const char *, char *, size_t) = {rd_norm_id_number, rd_norm_uscc,
							    rd_norm_mobile, rd_norm_email,
							    rd_norm_username, rd_norm_text};
	char *s = fuzz_string(data, size);
	size_t cap = size ? (size_t)data[0] % 64 + 1 : 1; /* small buffers too */
	char *a = malloc(cap), *b = malloc(cap);
	for (size_t i = 0; i < RD_ARRAY_LEN(norms); i++) {
		if (norms[i](s, a, cap) == RD_OK) {
			FUZZ_REQUIRE(strlen(a) < cap);
			/* a canonical form is its own canonical form */
			FUZZ_REQUIRE(norms[i](a, b, cap) == RD_OK);
			FUZZ_REQUIRE(!strcmp(a, b));
		} else {
			FUZZ_REQUIRE(a[0] == '\0');
		}
	}
	rd_mask_id(s, a, cap);
	FUZZ_REQUIRE(strlen(a) < cap);
	rd_mask_mobile(s, a, cap);
	FUZZ_REQUIRE(strlen(a) < cap);
	/* a long ASCII identifier shows at most 10 of its characters */
	if (rd_norm_id_number(s, b, cap) == RD_OK && strlen(b) > 10 && strlen(b) + 1 <= cap) {
		bool ascii = true;
		for (const char *p = b; *p; p++)
			ascii &= (unsigned char)*p < 0x80;
		if (ascii) {
			rd_mask_id(b, a, cap);
			FUZZ_REQUIRE(strlen(a) == strlen(b));
			FUZZ_REQUIRE(!memcmp(a + 6, "*", 1));
		}
	}
	free(a);
	free(b);
	free(s);
	return 0;
}
