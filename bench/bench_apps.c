/* Applications at scale: fills a database with N applications (default
 * 1,000,000; RADESK_BENCH_APPS to change) through the data layer, then
 * measures exact lookups through the blind index, name substring search,
 * the first page of a state-filtered list, and the registration rate
 * through the workflow (validation, Argon2id answer hash, audit row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "workflows/workflows.h"

static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
				       "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
				    "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文"};
static const char *const words[] = {"华", "信", "达", "通", "科", "技", "恒", "泰", "联", "创", "德", "瑞",
				    "安", "盛", "远", "航", "新", "元", "海", "峰"};
static const char *const states[] = {"draft", "submitted", "documents_checked", "paid", "under_review",
				     "approved", "issued", "activated", "activated", "activated"};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void resident_id(long i, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	snprintf(out, 19, "110105%04ld%02ld%02ld%03ld", 1950 + i % 50, 1 + i % 12, 1 + i % 28, i % 1000);
	for (int k = 0; k < 17; k++)
		sum += (out[k] - '0') * w[k];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static void fill_record(long i, rd_app_record *r)
{
	memset(r, 0, sizeof *r);
	bool org = i % 4 == 0;
	rd_strlcpy(r->service_point, "SP01", sizeof r->service_point);
	rd_strlcpy(r->kind, org ? "organization" : "individual", sizeof r->kind);
	rd_strlcpy(r->product, org ? "org-sign" : "personal-sign", sizeof r->product);
	r->years = 1;
	snprintf(r->username, sizeof r->username, "u%ld", i);
	rd_strlcpy(r->state, states[i % 10], sizeof r->state);
	snprintf(r->subject_name, sizeof r->subject_name, "%s%s%s", surnames[i % 20], given[(i / 20) % 24],
		 i % 3 ? given[(i / 480) % 24] : "");
	resident_id(i, r->subject_id_number);
	rd_strlcpy(r->subject_id_type, "resident_id", sizeof r->subject_id_type);
	snprintf(r->subject_mobile, sizeof r->subject_mobile, "139%08ld", i);
	if (org)
		snprintf(r->org_name, sizeof r->org_name, "%s%s%s%s科技有限公司%ld", words[i % 20], words[(i / 20) % 20],
			 words[(i / 400) % 20], words[(i / 8000) % 20], i % 97);
	rd_strlcpy(r->created_by, "clerk", sizeof r->created_by);
	rd_strlcpy(r->updated_by, "clerk", sizeof r->updated_by);
	r->created_at = r->updated_at = 1763686800 + i;
}

static int count_rows(void *ud, const rd_app_summary *s)
{
	(void)s;
	(*(int *)ud)++;
	return 0;
}

static void percentiles(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("| %s | %.3f ms | %.3f ms | %.3f ms |\n", what, t[n / 2], t[n * 95 / 100], t[n * 99 / 100]);
}

int main(int argc, char **argv)
{
	const char *env = getenv("RADESK_BENCH_APPS");
	long n = env ? atol(env) : 1000000;
	char dir[] = "/tmp/radesk-bench-apps-XXXXXX", path[128], keyfile[128];
	rd_db *db;
	rd_keys k;
	rd_db_options o = {.create = true};
	rd_err e;
	double t0, t[1000];
	int found = 0;
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/bench.db", dir);
	snprintf(keyfile, sizeof keyfile, "%s/bench.key", dir);
	if (rd_keys_create(keyfile, &e) || rd_keys_load(keyfile, &k, &e) || rd_db_open(&db, path, &o, &e)) {
		fprintf(stderr, "bench: %s\n", e.msg);
		return 1;
	}
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		rd_app_record r;
		if (i % 10000 == 0 && rd_db_begin(db, &e) != RD_OK)
			return 1;
		fill_record(i, &r);
		if (rd_app_insert(db, &k, "RA", &r, &e) != RD_OK) {
			fprintf(stderr, "bench: insert %ld: %s\n", i, e.msg);
			return 1;
		}
		if (i % 10000 == 9999 || i == n - 1)
			rd_db_commit(db, &e);
	}
	printf("Database of %ld applications built in %.1f s (data layer, sealed identifiers and name index).\n\n", n,
	       (now_ms() - t0) / 1e3);
	printf("| query | median | p95 | p99 |\n|---|---|---|---|\n");

	for (int i = 0; i < 1000; i++) { /* exact: ID number through the blind index */
		char id[19];
		rd_app_filter f = {.by = RD_APP_BY_ID_NUMBER, .value = id, .limit = 20};
		resident_id((long)(rand() % n), id);
		t0 = now_ms();
		rd_app_search(db, &k, &f, count_rows, &found, &e);
		t[i] = now_ms() - t0;
	}
	percentiles("exact lookup by ID number (blind index)", t, 1000);
	for (int i = 0; i < 1000; i++) {
		char mobile[16];
		rd_app_filter f = {.by = RD_APP_BY_MOBILE, .value = mobile, .limit = 20};
		snprintf(mobile, sizeof mobile, "139%08ld", (long)(rand() % n));
		t0 = now_ms();
		rd_app_search(db, &k, &f, count_rows, &found, &e);
		t[i] = now_ms() - t0;
	}
	percentiles("exact lookup by mobile (blind index)", t, 1000);
	for (int i = 0; i < 1000; i++) { /* substring: two-character person names and org name parts */
		char q[64];
		rd_app_filter f = {.by = RD_APP_BY_NAME, .value = q, .limit = 20};
		if (i % 2)
			snprintf(q, sizeof q, "%s%s", surnames[rand() % 20], given[rand() % 24]);
		else
			snprintf(q, sizeof q, "%s%s科技", words[rand() % 20], words[rand() % 20]);
		t0 = now_ms();
		rd_app_search(db, &k, &f, count_rows, &found, &e);
		t[i] = now_ms() - t0;
	}
	percentiles("name substring, first page of 20", t, 1000);
	for (int i = 0; i < 1000; i++) {
		rd_app_filter f = {.state = states[rand() % 7], .limit = 20};
		t0 = now_ms();
		rd_app_search(db, &k, &f, count_rows, &found, &e);
		t[i] = now_ms() - t0;
	}
	percentiles("state-filtered list, first page of 20", t, 1000);
	rd_db_close(db);
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	printf("\n(%d rows returned in all)\n", found);
	return 0;
}
