/* Applications: sealed identifiers with blind indexes, daily numbers,
 * optimistic versions, and the bigram name index. */
#include "data/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP_COLUMNS                                                                                          \
	"id, no, service_point, kind, product, years, username, state, version, subject_name, "                \
	"subject_id_type, subject_id_enc, subject_mobile_enc, subject_email, org_name, org_uscc_enc, "         \
	"org_address, org_legal_rep, agent_name, agent_id_type, agent_id_enc, agent_mobile_enc, agent_email, " \
	"verify_question, verify_answer_hash, agreement_version, copied_from, cancel_reason, created_by, "     \
	"created_at, updated_by, updated_at"

/* ---- the name index -------------------------------------------------------- */

/* The next code point of a name; U+FFFD for a byte that is not UTF-8.
 * The decoder stops at the first byte that does not continue the
 * sequence, so it never reads past the NUL. */
static uint32_t next_cp(const unsigned char **p)
{
	uint32_t cp;
	int len = rd_utf8_decode(*p, 4, &cp);
	if (len < 0) {
		cp = 0xFFFD;
		len = 1;
	}
	*p += len;
	return cp;
}
/* Letters, digits and ideographs count; spaces and punctuation do not, so
 * "阿依古丽·买买提" and "阿依古丽买买提" find each other. */
static uint32_t fold_cp(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
		cp -= 0xFEE0;
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
		return cp;
	if (cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0x00B7 ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || cp == 0xFFFD || (cp >= 0x80 && cp <= 0xBF))
		return 0;
	return cp;
}

/* Folded code points of a name; returns how many. */
static size_t fold_name(const char *name, uint32_t *cps, size_t max)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = 0;
	while (*p && n < max) {
		uint32_t cp = fold_cp(next_cp(&p));
		if (cp)
			cps[n++] = cp;
	}
	return n;
}

char *rd_name_grams(const char *name)
{
	uint32_t cps[400];
	size_t n = fold_name(name ? name : "", cps, RD_ARRAY_LEN(cps));
	char *out = malloc(n * 9 + 2), *o = out;
	if (!out)
		return NULL;
	if (n == 1)
		o += rd_utf8_encode(cps[0], o);
	for (size_t i = 0; i + 1 < n; i++) {
		if (i)
			*o++ = ' ';
		o += rd_utf8_encode(cps[i], o);
		o += rd_utf8_encode(cps[i + 1], o);
	}
	*o = '\0';
	return out;
}

static char *record_grams(const rd_app_record *r)
{
	char *a = rd_name_grams(r->subject_name), *b = rd_name_grams(r->org_name), *c = rd_name_grams(r->agent_name);
	char *all = (a && b && c) ? rd_asprintf("%s %s %s", a, b, c) : NULL;
	free(a);
	free(b);
	free(c);
	return all;
}

/* ---- sealing ------------------------------------------------------------------ */

struct sealed {
	char *subject_id, *subject_mobile, *org_uscc, *agent_id, *agent_mobile;
	char subject_id_idx[65], subject_mobile_idx[65], org_uscc_idx[65], agent_id_idx[65], agent_mobile_idx[65];
};

static void sealed_free(struct sealed *s)
{
	free(s->subject_id);
	free(s->subject_mobile);
	free(s->org_uscc);
	free(s->agent_id);
	free(s->agent_mobile);
}

static rd_code seal_one(const rd_keys *k, const char *label, const char *value, char **out, char idx[65],
			rd_err *e)
{
	*out = NULL;
	idx[0] = '\0';
	if (!value || !*value)
		return RD_OK;
	rd_blind_index(k, label, value, idx);
	return rd_seal(k, value, out, e);
}

static rd_code seal_record(const rd_keys *k, const rd_app_record *r, struct sealed *s, rd_err *e)
{
	rd_code rc;
	memset(s, 0, sizeof *s);
	if ((rc = seal_one(k, "id", r->subject_id_number, &s->subject_id, s->subject_id_idx, e)) != RD_OK ||
	    (rc = seal_one(k, "mobile", r->subject_mobile, &s->subject_mobile, s->subject_mobile_idx, e)) != RD_OK ||
	    (rc = seal_one(k, "uscc", r->org_uscc, &s->org_uscc, s->org_uscc_idx, e)) != RD_OK ||
	    (rc = seal_one(k, "id", r->agent_id_number, &s->agent_id, s->agent_id_idx, e)) != RD_OK ||
	    (rc = seal_one(k, "mobile", r->agent_mobile, &s->agent_mobile, s->agent_mobile_idx, e)) != RD_OK)
		sealed_free(s);
	return rc;
}

/* The 30 data columns in the order of the INSERT and UPDATE below, into
 * a[0..29]; returns 30. */
static size_t record_args(const rd_app_record *r, const struct sealed *s, rd_arg *a)
{
	const rd_arg data[] = {
		rd_opt_text(r->kind), rd_opt_text(r->product), rd_int(r->years > 0 ? r->years : 1),
		rd_opt_text(r->username), rd_opt_text(r->state), rd_opt_text(r->subject_name),
		rd_opt_text(r->subject_id_type), rd_opt_text(s->subject_id), rd_opt_text(s->subject_id_idx),
		rd_opt_text(s->subject_mobile), rd_opt_text(s->subject_mobile_idx), rd_opt_text(r->subject_email),
		rd_opt_text(r->org_name), rd_opt_text(s->org_uscc), rd_opt_text(s->org_uscc_idx),
		rd_opt_text(r->org_address), rd_opt_text(r->org_legal_rep), rd_opt_text(r->agent_name),
		rd_opt_text(r->agent_id_type), rd_opt_text(s->agent_id), rd_opt_text(s->agent_id_idx),
		rd_opt_text(s->agent_mobile), rd_opt_text(s->agent_mobile_idx), rd_opt_text(r->agent_email),
		rd_opt_text(r->verify_question), rd_opt_text(r->verify_answer_hash),
		rd_opt_text(r->agreement_version), rd_opt_text(r->cancel_reason), rd_opt_text(r->updated_by),
		rd_int(r->updated_at),
	};
	memcpy(a, data, sizeof data);
	return RD_ARRAY_LEN(data);
}

static rd_code next_number(rd_db *db, const char *prefix, const rd_app_record *r, char *no, size_t n, rd_err *e)
{
	char day[16];
	struct tm tm;
	int64_t seq = 0;
	time_t t = r->created_at;
	rd_code rc;
	localtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	rc = rd_db_returning_int64(db,
				   "INSERT INTO app_counters(service_point, day, last) VALUES (?, ?, 1) "
				   "ON CONFLICT(service_point, day) DO UPDATE SET last = last + 1 RETURNING last",
				   RD_ARGS(rd_text(r->service_point), rd_text(day)), &seq, e, "number");
	if (rc == RD_E_NOTFOUND || (rc == RD_OK && !seq))
		return rd_db_fail(db, e, "number");
	if (rc != RD_OK)
		return rc;
	snprintf(no, n, "%s-%s-%06lld", prefix, day, (long long)seq);
	return RD_OK;
}

static rd_code set_grams(rd_db *db, const rd_app_record *r, bool fresh, rd_err *e)
{
	char *grams = record_grams(r);
	rd_code rc;
	if (!grams)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rc = rd_db_run(db,
		       fresh ? "INSERT INTO application_names(grams, rowid) VALUES (?, ?)"
			     : "UPDATE application_names SET grams = ? WHERE rowid = ?",
		       RD_ARGS(rd_text(grams), rd_int(r->id)), e, "name index");
	free(grams);
	return rc;
}

static rd_code username_conflict(const rd_app_record *r, rd_err *e)
{
	return rd_fail_at(e, RD_E_CONFLICT, "username", _("the user name '%s' is already taken by another application"),
			  r->username);
}

/* Runs the INSERT or UPDATE of an application with the sealed fields: the
 * user name is the constraint it can break. */
static rd_code write_record(rd_db *db, const rd_keys *k, const char *sql, const rd_app_record *r,
			    const rd_arg *tail, rd_err *e)
{
	struct sealed s;
	rd_arg args[40];
	size_t n;
	rd_code rc = seal_record(k, r, &s, e);
	if (rc != RD_OK)
		return rc;
	n = record_args(r, &s, args);
	do
		args[n++] = *tail;
	while (tail++->kind != RD_ARG_END);
	rc = rd_db_run_unique(db, sql, args, e, "application");
	sealed_free(&s);
	return rc == RD_E_CONFLICT ? username_conflict(r, e) : rc;
}

rd_code rd_app_insert(rd_db *db, const rd_keys *k, const char *prefix, rd_app_record *r, rd_err *e)
{
	rd_code rc;
	if (r->username[0] && rd_app_username_taken(db, r->username, 0))
		return username_conflict(r, e);
	if (next_number(db, prefix, r, r->no, sizeof r->no, e) != RD_OK)
		return RD_E_DATA;
	rc = write_record(db, k,
			  "INSERT INTO applications(kind, product, years, username, state, subject_name, "
			  "subject_id_type, subject_id_enc, subject_id_idx, subject_mobile_enc, subject_mobile_idx, "
			  "subject_email, org_name, org_uscc_enc, org_uscc_idx, org_address, org_legal_rep, agent_name, "
			  "agent_id_type, agent_id_enc, agent_id_idx, agent_mobile_enc, agent_mobile_idx, agent_email, "
			  "verify_question, verify_answer_hash, agreement_version, cancel_reason, updated_by, "
			  "updated_at, no, service_point, copied_from, created_by, created_at, version) VALUES "
			  "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
			  r,
			  RD_ARGS(rd_text(r->no), rd_text(r->service_point), rd_int_or_null(r->copied_from),
				  rd_text(r->created_by), rd_int(r->created_at)),
			  e);
	if (rc != RD_OK)
		return rc;
	r->id = sqlite3_last_insert_rowid(db->h);
	r->version = 1;
	return set_grams(db, r, true, e);
}

static rd_code unseal_into(const rd_keys *k, sqlite3_stmt *st, int col, char *out, size_t n, rd_err *e)
{
	char *plain = NULL;
	const char *v = rd_col_text(st, col);
	out[0] = '\0';
	if (!*v)
		return RD_OK;
	if (rd_unseal(k, v, &plain, e) != RD_OK)
		return RD_E_DATA;
	rd_strlcpy(out, plain, n);
	rd_secret_free(plain, 0);
	return RD_OK;
}

#define COPY(field, col) rd_strlcpy(r->field, rd_col_text(st, col), sizeof r->field)

static rd_code read_record(const rd_keys *k, sqlite3_stmt *st, rd_app_record *r, rd_err *e)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	COPY(no, 1);
	COPY(service_point, 2);
	COPY(kind, 3);
	COPY(product, 4);
	r->years = sqlite3_column_int(st, 5);
	COPY(username, 6);
	COPY(state, 7);
	r->version = sqlite3_column_int(st, 8);
	COPY(subject_name, 9);
	COPY(subject_id_type, 10);
	COPY(subject_email, 13);
	COPY(org_name, 14);
	COPY(org_address, 16);
	COPY(org_legal_rep, 17);
	COPY(agent_name, 18);
	COPY(agent_id_type, 19);
	COPY(agent_email, 22);
	COPY(verify_question, 23);
	COPY(verify_answer_hash, 24);
	COPY(agreement_version, 25);
	r->copied_from = sqlite3_column_int64(st, 26);
	COPY(cancel_reason, 27);
	COPY(created_by, 28);
	r->created_at = (time_t)sqlite3_column_int64(st, 29);
	COPY(updated_by, 30);
	r->updated_at = (time_t)sqlite3_column_int64(st, 31);
	if (unseal_into(k, st, 11, r->subject_id_number, sizeof r->subject_id_number, e) != RD_OK ||
	    unseal_into(k, st, 12, r->subject_mobile, sizeof r->subject_mobile, e) != RD_OK ||
	    unseal_into(k, st, 15, r->org_uscc, sizeof r->org_uscc, e) != RD_OK ||
	    unseal_into(k, st, 20, r->agent_id_number, sizeof r->agent_id_number, e) != RD_OK ||
	    unseal_into(k, st, 21, r->agent_mobile, sizeof r->agent_mobile, e) != RD_OK)
		return RD_E_DATA;
	return RD_OK;
}

static rd_code get_where(rd_db *db, const rd_keys *k, const char *where, const char *text, int64_t id,
			 rd_app_record *out, rd_err *e)
{
	sqlite3_stmt *st;
	char sql[1024];
	rd_code rc;
	snprintf(sql, sizeof sql, "SELECT " APP_COLUMNS " FROM applications WHERE %s", where);
	if (rd_db_query(db, sql, text ? RD_ARGS(rd_text(text)) : RD_ARGS(rd_int(id)), &st, e) != RD_OK)
		return RD_E_DATA;
	rc = rd_db_step_one(db, st, e, "application");
	if (rc == RD_OK)
		rc = read_record(k, st, out, e);
	rd_db_done(db, st);
	if (rc == RD_E_NOTFOUND)
		return text ? rd_fail_at(e, RD_E_NOTFOUND, "no", _("no application %s"), text)
			    : rd_fail(e, RD_E_NOTFOUND, _("no application with id %lld"), (long long)id);
	return rc;
}

rd_code rd_app_get(rd_db *db, const rd_keys *k, const char *no, rd_app_record *out, rd_err *e)
{
	return get_where(db, k, "no = ?", no, 0, out, e);
}

rd_code rd_app_get_by_id(rd_db *db, const rd_keys *k, int64_t id, rd_app_record *out, rd_err *e)
{
	return get_where(db, k, "id = ?", NULL, id, out, e);
}

struct last_change {
	char who[64], when[32];
};

static rd_code read_last_change(sqlite3_stmt *st, void *row, rd_err *e)
{
	struct last_change *c = row;
	rd_strlcpy(c->who, rd_col_text(st, 0), sizeof c->who);
	rd_time_local((time_t)sqlite3_column_int64(st, 1), c->when);
	return RD_OK;
}

static rd_code version_conflict(rd_db *db, const rd_app_record *r, rd_err *e)
{
	struct last_change c = {"?", "?"};
	rd_db_get(db, "SELECT updated_by, updated_at FROM applications WHERE id = ?", RD_ARGS(rd_int(r->id)),
		  read_last_change, &c, NULL, "application");
	return rd_fail_at(e, RD_E_CONFLICT, r->no, _("changed by %s at %s; reload it and try again"), c.who, c.when);
}

rd_code rd_app_update(rd_db *db, const rd_keys *k, rd_app_record *r, rd_err *e)
{
	rd_code rc;
	if (r->username[0] && rd_app_username_taken(db, r->username, r->id))
		return username_conflict(r, e);
	rc = write_record(db, k,
			  "UPDATE applications SET kind=?, product=?, years=?, username=?, state=?, subject_name=?, "
			  "subject_id_type=?, subject_id_enc=?, subject_id_idx=?, subject_mobile_enc=?, "
			  "subject_mobile_idx=?, subject_email=?, org_name=?, org_uscc_enc=?, org_uscc_idx=?, "
			  "org_address=?, org_legal_rep=?, agent_name=?, agent_id_type=?, agent_id_enc=?, "
			  "agent_id_idx=?, agent_mobile_enc=?, agent_mobile_idx=?, agent_email=?, verify_question=?, "
			  "verify_answer_hash=?, agreement_version=?, cancel_reason=?, updated_by=?, updated_at=?, "
			  "version = version + 1 WHERE id = ? AND version = ?",
			  r, RD_ARGS(rd_int(r->id), rd_int(r->version)), e);
	if (rc != RD_OK)
		return rc;
	if (sqlite3_changes(db->h) == 0)
		return version_conflict(db, r, e);
	r->version++;
	return set_grams(db, r, false, e);
}

bool rd_app_username_taken(rd_db *db, const char *username, int64_t except_id)
{
	int64_t one = 0;
	return rd_db_get(db,
			 "SELECT 1 FROM applications WHERE username = ? AND id != ? "
			 "AND state NOT IN ('cancelled', 'rejected_final')",
			 RD_ARGS(rd_text(username), rd_int(except_id)), rd_read_int64, &one, NULL,
			 "application") == RD_OK;
}

rd_code rd_app_set_cancel_reason(rd_db *db, int64_t id, const char *reason, rd_err *e)
{
	return rd_db_run(db, "UPDATE applications SET cancel_reason = ? WHERE id = ?",
			 RD_ARGS(rd_text(reason), rd_int(id)), e, "application");
}

/* ---- search ---------------------------------------------------------------------- */

/* A phrase of the query's bigrams; NULL when it has fewer than two
 * characters (then a LIKE scan is used). */
static char *match_phrase(const char *q)
{
	char *g = rd_name_grams(q), *out;
	if (!g || !strchr(g, ' ')) {
		uint32_t cps[4];
		if (g && fold_name(q, cps, 4) == 2) { /* one bigram: a single token */
			out = rd_asprintf("\"%s\"", g);
			free(g);
			return out;
		}
		free(g);
		return NULL;
	}
	out = rd_asprintf("\"%s\"", g);
	free(g);
	return out;
}

/* The search as SQL: the WHERE clause, the table it reads and the value
 * bound to ?1 (a blind index, an FTS phrase, a LIKE pattern or the value). */
struct search_q {
	char where[1024];
	const char *from;
	char idx[65];
	char *phrase, *like;
};

static void search_add(struct search_q *q, const char *fmt, ...) RD_PRINTF(2, 3);
static void search_add(struct search_q *q, const char *fmt, ...)
{
	size_t w = strlen(q->where);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->where + w, sizeof q->where - w, fmt, ap);
	va_end(ap);
}

static void search_by_name(struct search_q *q, const char *v)
{
	q->phrase = match_phrase(v);
	if (q->phrase) {
		q->from = "application_names n JOIN applications a ON a.id = n.rowid";
		search_add(q, " AND application_names MATCH ?1");
	} else {
		q->like = rd_asprintf("%%%s%%", v);
		search_add(q, " AND (a.subject_name LIKE ?1 OR a.org_name LIKE ?1 OR a.agent_name LIKE ?1)");
	}
}

/* How each key searches: the blind index label (NULL: the value itself)
 * and the clause on ?1. */
static const struct {
	rd_app_key by;
	const char *label, *clause;
} search_keys[] = {
	{RD_APP_BY_NO, NULL, " AND a.no = ?1"},
	{RD_APP_BY_USERNAME, NULL, " AND a.username = ?1"},
	{RD_APP_BY_ID_NUMBER, "id", " AND (a.subject_id_idx = ?1 OR a.agent_id_idx = ?1)"},
	{RD_APP_BY_USCC, "uscc", " AND a.org_uscc_idx = ?1"},
	{RD_APP_BY_MOBILE, "mobile", " AND (a.subject_mobile_idx = ?1 OR a.agent_mobile_idx = ?1)"},
};

static void search_where(const rd_keys *k, const rd_app_filter *f, struct search_q *q)
{
	const char *v = f->value ? f->value : "";
	memset(q, 0, sizeof *q);
	rd_strlcpy(q->where, "1", sizeof q->where);
	q->from = "applications a";
	if (f->by == RD_APP_BY_NAME)
		search_by_name(q, v);
	for (size_t i = 0; i < RD_ARRAY_LEN(search_keys); i++) {
		if (search_keys[i].by != f->by)
			continue;
		if (search_keys[i].label)
			rd_blind_index(k, search_keys[i].label, v, q->idx);
		search_add(q, "%s", search_keys[i].clause);
	}
	if (f->state)
		search_add(q, " AND a.state = ?2");
	if (f->created_by)
		search_add(q, " AND a.created_by = ?3");
	if (f->from)
		search_add(q, " AND a.created_at >= ?4");
	if (f->to)
		search_add(q, " AND a.created_at < ?5");
}

/* The parameters ?1 to ?7 of the search into a[0..7]. */
static const rd_arg *search_args(const rd_app_filter *f, const struct search_q *q, rd_arg a[8])
{
	const char *v = f->value ? f->value : "";
	const char *key = q->idx[0] ? q->idx : q->phrase ? q->phrase : q->like ? q->like : v;
	a[0] = rd_text(f->by != RD_APP_BY_NONE ? key : NULL);
	a[1] = rd_text(f->state);
	a[2] = rd_text(f->created_by);
	a[3] = rd_int(f->from);
	a[4] = rd_int(f->to);
	a[5] = rd_int(f->limit > 0 ? f->limit : 50);
	a[6] = rd_int(f->offset);
	a[7] = (rd_arg){RD_ARG_END, NULL, 0};
	return a;
}

static int search_rows(sqlite3_stmt *st, rd_app_fn fn, void *ud)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rd_app_summary s = {
			.id = sqlite3_column_int64(st, 0),
			.no = rd_col_text(st, 1),
			.kind = rd_col_text(st, 2),
			.product = rd_col_text(st, 3),
			.username = rd_col_text(st, 4),
			.state = rd_col_text(st, 5),
			.name = rd_col_text(st, 6),
			.created_by = rd_col_text(st, 7),
			.created_at = (time_t)sqlite3_column_int64(st, 8),
			.updated_at = (time_t)sqlite3_column_int64(st, 9),
		};
		if (fn(ud, &s))
			break;
	}
	return rc;
}

rd_code rd_app_search(rd_db *db, const rd_keys *k, const rd_app_filter *f, rd_app_fn fn, void *ud, rd_err *e)
{
	char sql[2048];
	struct search_q q;
	rd_arg args[8];
	sqlite3_stmt *st;
	rd_code rc;
	search_where(k, f, &q);
	snprintf(sql, sizeof sql,
		 "SELECT a.id, a.no, a.kind, a.product, a.username, a.state, "
		 "coalesce(a.org_name, a.subject_name, ''), a.created_by, a.created_at, a.updated_at "
		 "FROM %s WHERE %s ORDER BY %s DESC LIMIT ?6 OFFSET ?7",
		 q.from, q.where, q.phrase ? "n.rowid" : "a.id"); /* FTS5 streams rowid order: no sort */
	rc = rd_db_query(db, sql, search_args(f, &q, args), &st, e);
	if (rc == RD_OK)
		rc = rd_db_rows_end(db, st, search_rows(st, fn, ud), e, "search");
	free(q.phrase);
	free(q.like);
	return rc;
}
