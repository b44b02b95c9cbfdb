/* Helpers shared by the libFuzzer targets. */
#ifndef RADESK_FUZZ_COMMON_H
#define RADESK_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* The fuzz input as a NUL-terminated string (embedded NULs end it early). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* What a caller will print must be printable: valid UTF-8 and no control
 * characters (a hostile input must not reach the terminal raw). */
static inline void fuzz_assert_printable(const char *what, const char *s)
{
	if (!rd_utf8_valid(s, strlen(s))) {
		fprintf(stderr, "%s is not valid UTF-8: %s\n", what, s);
		abort();
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(stderr, "%s holds control character 0x%02x: %s\n", what, *p, s);
			abort();
		}
}

#define FUZZ_REQUIRE(cond)                                                                         \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
