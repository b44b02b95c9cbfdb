/* Benchmark: render the acceptance form (three numbered copies, three pages)
 * and the whole organization packet to PDF in memory, many times; median
 * wall time and peak RSS as markdown lines.  BENCH_N sets the iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "print/print.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int run(rd_print_ctx *ctx, rd_print_request *req, int n, const char *what)
{
	double *t = calloc((size_t)n, sizeof *t);
	rd_print_result r = {0};
	rd_err e;
	for (int i = 0; i < n; i++) {
		unsigned char *pdf;
		size_t len;
		double t0 = now_ms();
		if (rd_print_render_mem(ctx, req, &pdf, &len, &r, &e)) {
			fprintf(stderr, "bench_print: %s: %s\n", e.field, e.msg);
			free(t);
			return 1;
		}
		t[i] = now_ms() - t0;
		free(pdf);
	}
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("| print: %s (%d pages, %zu KiB PDF) | %d runs | median %.1f ms | min %.1f ms | peak RSS %.1f MiB |\n",
	       what, r.pages, r.bytes / 1024, n, t[n / 2], t[0], ru.ru_maxrss / 1024.0);
	free(t);
	return 0;
}

int main(void)
{
	const char *src = getenv("RADESK_SRC") ? getenv("RADESK_SRC") : ".";
	int n = getenv("BENCH_N") ? atoi(getenv("BENCH_N")) : 40;
	if (n < 1)
		n = 1;
	char dir[1024], fields_path[1024], font_dir[1024];
	snprintf(dir, sizeof dir, "%s/share/templates", src);
	/* The prepared fonts of `make fonts`, as the product uses them. */
	snprintf(font_dir, sizeof font_dir, "%s/share/fonts", src);
	snprintf(fields_path, sizeof fields_path, "%s/tests/fixtures/print/org.fields", src);
	unsigned char key[32];
	memset(key, 0x42, sizeof key);
	rd_print_settings s = {.templates_dir = dir, .font_dir = font_dir, .key = key, .key_len = sizeof key};
	rd_print_ctx *ctx = NULL;
	rd_print_fields *f = rd_print_fields_new();
	rd_err e;
	if (rd_print_ctx_new(&ctx, &s, &e) || rd_print_fields_load(f, fields_path, &e)) {
		fprintf(stderr, "bench_print: %s: %s\n", e.field, e.msg);
		return 1;
	}
	rd_print_request form = {.fields = f, .doc = RD_DOC_FORM, .organization = true};
	rd_print_request packet = {.fields = f, .doc = RD_DOC_PACKET, .organization = true, .impression = true};
	int rc = run(ctx, &form, n, "acceptance form, 3 numbered copies") ||
		 run(ctx, &packet, n, "organization packet (form x3, agreement, authorization, impression sheet)");
	rd_print_ctx_free(ctx);
	rd_print_fields_free(f);
	return rc;
}
