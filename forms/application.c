/* The application model: values by field, whole-application validation
 * and JSON import/export (jansson). */
#include "forms/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- enumerations ------------------------------------------------------------------- */

const char *rd_app_kind_name(rd_app_kind k)
{
	switch (k) {
	case RD_APP_INDIVIDUAL:
		return "individual";
	case RD_APP_ORGANIZATION:
		return "organization";
	case RD_APP_KIND_NONE:
		break;
	}
	return NULL;
}

rd_app_kind rd_app_kind_parse(const char *s)
{
	if (rd_streq(s, "individual"))
		return RD_APP_INDIVIDUAL;
	if (rd_streq(s, "organization"))
		return RD_APP_ORGANIZATION;
	return RD_APP_KIND_NONE;
}

static const struct {
	const char *name, *label, *label_zh;
} id_types[RD_ID_TYPE_COUNT] = {
	[RD_ID_NONE] = {NULL, NULL, NULL},
	[RD_ID_RESIDENT] = {"resident_id", N_("Resident identity card"), "居民身份证"},
	[RD_ID_PASSPORT] = {"passport", N_("Passport"), "护照"},
	[RD_ID_HK_MACAU] = {"hk_macau_permit", N_("Hong Kong/Macau residents' permit"),
			    "港澳居民来往内地通行证"},
	[RD_ID_TAIWAN] = {"taiwan_permit", N_("Taiwan residents' permit"), "台湾居民来往大陆通行证"},
	[RD_ID_FOREIGN_PR] = {"foreign_permanent_resident",
			      N_("Foreign permanent resident ID card"), "外国人永久居留身份证"},
};

const char *rd_id_type_name(rd_id_type t)
{
	return (int)t > 0 && t < RD_ID_TYPE_COUNT ? id_types[t].name : NULL;
}

const char *rd_id_type_label(rd_id_type t)
{
	return (int)t > 0 && t < RD_ID_TYPE_COUNT ? id_types[t].label : NULL;
}

const char *rd_id_type_label_zh(rd_id_type t)
{
	return (int)t > 0 && t < RD_ID_TYPE_COUNT ? id_types[t].label_zh : NULL;
}

rd_id_type rd_id_type_parse(const char *s)
{
	for (int t = 1; s && t < RD_ID_TYPE_COUNT; t++)
		if (!strcmp(s, id_types[t].name))
			return (rd_id_type)t;
	return RD_ID_NONE;
}

/* ---- the struct ------------------------------------------------------------------------ */

void rd_application_init(rd_application *a)
{
	memset(a, 0, sizeof *a);
}

void rd_application_clear(rd_application *a)
{
	rd_memzero(a, sizeof *a);
}

void rd_application_copy_for_similar(rd_application *dst, const rd_application *src)
{
	rd_application tmp = *src;
	rd_memzero(&tmp.subject, sizeof tmp.subject);
	rd_memzero(tmp.username, sizeof tmp.username);
	rd_memzero(&tmp.verification, sizeof tmp.verification);
	rd_memzero(tmp.agreement_version, sizeof tmp.agreement_version);
	*dst = tmp;
	rd_memzero(&tmp, sizeof tmp);
}

/* ---- values by field ---------------------------------------------------------------------- */

const char *rd_application_get(const rd_application *a, rd_field_id id, char *buf, size_t n)
{
	const rd_field *f = rd_field_get(id);
	size_t size;
	const void *p;
	const char *s = NULL;
	if (!f || !a)
		return "";
	p = rd__field_cptr(a, id, &size);
	switch (f->type) {
	case RD_FT_INT:
		if (*(const int *)p == 0)
			return "";
		if (buf && n)
			snprintf(buf, n, "%d", *(const int *)p);
		return buf ? buf : "";
	case RD_FT_ENUM:
		s = id == RD_F_KIND ? rd_app_kind_name(*(const rd_app_kind *)p)
				    : rd_id_type_name(*(const rd_id_type *)p);
		return s ? s : "";
	case RD_FT_TEXT:
	case RD_FT_SECRET:
		break;
	}
	return (const char *)p;
}

static rd_code normalise(const rd_field *f, const char *in, char *out, size_t n)
{
	switch (f->check) {
	case RD_CHECK_ID_NUMBER:
		return rd_norm_id_number(in, out, n);
	case RD_CHECK_USCC:
		return rd_norm_uscc(in, out, n);
	case RD_CHECK_MOBILE:
		return rd_norm_mobile(in, out, n);
	case RD_CHECK_EMAIL:
		return rd_norm_email(in, out, n);
	default:
		return rd_norm_text(in, out, n);
	}
}

static rd_code set_int(const rd_field *f, int *dst, const char *value, rd_err *e)
{
	char tmp[32], *end;
	long v;
	if (rd_norm_text(value, tmp, sizeof tmp) != RD_OK)
		return rd_fail_at(e, RD_E_INVALID, f->path, _("is not a whole number"));
	if (!tmp[0]) {
		*dst = 0;
		return RD_OK;
	}
	errno = 0;
	v = strtol(tmp, &end, 10);
	if (errno || *end || end == tmp || tmp[0] == '+' || tmp[0] == ' ')
		return rd_fail_at(e, RD_E_INVALID, f->path, _("is not a whole number"));
	if (v < -1000 || v > 1000)
		return rd_fail_at(e, RD_E_INVALID, f->path, _("%ld is out of range"), v);
	*dst = (int)v;
	return RD_OK;
}

rd_code rd_application_set(rd_application *a, rd_field_id id, const char *value, rd_err *e)
{
	const rd_field *f = rd_field_get(id);
	size_t size;
	void *p;
	char tmp[4096];
	long chars;
	if (!f || !a)
		return rd_fail(e, RD_E_INTERNAL, "no such field %d", (int)id);
	if (!value)
		value = "";
	p = rd__field_ptr(a, id, &size);
	if (!rd_utf8_valid(value, strlen(value)))
		return rd_fail_at(e, RD_E_INVALID, f->path, _("is not valid UTF-8"));
	switch (f->type) {
	case RD_FT_INT:
		return set_int(f, p, value, e);
	case RD_FT_ENUM:
		if (rd_norm_text(value, tmp, sizeof tmp) != RD_OK)
			tmp[0] = '\x01'; /* too long to be a name */
		if (id == RD_F_KIND) {
			rd_app_kind k = rd_app_kind_parse(tmp);
			if (tmp[0] && k == RD_APP_KIND_NONE)
				return rd_fail_at(e, RD_E_INVALID, f->path,
						  _("is not one of individual, organization"));
			*(rd_app_kind *)p = k;
		} else {
			rd_id_type t = rd_id_type_parse(tmp);
			if (tmp[0] && t == RD_ID_NONE)
				return rd_fail_at(e, RD_E_INVALID, f->path,
						  _("is not one of resident_id, passport, hk_macau_permit, taiwan_permit, foreign_permanent_resident"));
			*(rd_id_type *)p = t;
		}
		return RD_OK;
	case RD_FT_TEXT:
	case RD_FT_SECRET:
		break;
	}
	if (normalise(f, value, tmp, sizeof tmp) != RD_OK)
		return rd_fail_at(e, RD_E_INVALID, f->path, _("is %ld characters, at most %d allowed"),
				  rd_utf8_chars(value), f->max_chars);
	chars = rd_utf8_chars(tmp);
	if (chars > f->max_chars || strlen(tmp) >= size)
		return rd_fail_at(e, RD_E_INVALID, f->path, _("is %ld characters, at most %d allowed"),
				  chars, f->max_chars);
	memcpy(p, tmp, strlen(tmp) + 1);
	rd_memzero(tmp, sizeof tmp);
	return RD_OK;
}

/* ---- validation ----------------------------------------------------------------------------- */

static bool is_empty(const rd_application *a, rd_field_id id)
{
	char buf[32];
	return rd_application_get(a, id, buf, sizeof buf)[0] == '\0';
}

/* Whether any field of the group (other than its ID type, which has a
 * default) is filled. */
static bool group_filled(const rd_application *a, const char *group)
{
	for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f))
		if (f->group && !strcmp(f->group, group) && f->type != RD_FT_ENUM && !is_empty(a, f->id))
			return true;
	return false;
}

static rd_code check_slug(const char *v, const rd_field *f, const char *path, rd_err *e)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return rd_fail_at(e, RD_E_INVALID, path,
					  _("character %zu is not allowed: use letters, digits, '.', '-' or '_'"),
					  i + 1);
	}
	if (n > (size_t)f->max_chars)
		return rd_fail_at(e, RD_E_INVALID, path, _("is %zu characters, at most %d allowed"), n,
				  f->max_chars);
	return RD_OK;
}

static rd_code check_product(const rd_application *a, const rd_products *ps, const char *path,
			     rd_err *e)
{
	const rd_product *p = rd_products_find(ps, a->product);
	if (!p && check_slug(a->product, rd_field_get(RD_F_PRODUCT), path, e) != RD_OK)
		return RD_E_INVALID; /* not shown back as it is */
	if (!p)
		return rd_fail_at(e, RD_E_INVALID, path, _("unknown product '%s'"), a->product);
	if (a->kind != RD_APP_KIND_NONE && p->kind != a->kind)
		return rd_fail_at(e, RD_E_INVALID, path,
				  p->kind == RD_APP_ORGANIZATION
					  ? _("product '%s' is for organization applications")
					  : _("product '%s' is for individual applications"),
				  p->id);
	return RD_OK;
}

static rd_code check_years(const rd_application *a, const rd_products *ps, const char *path,
			   rd_err *e)
{
	const rd_product *p = rd_products_find(ps, a->product);
	int max = p ? p->max_years : 10;
	if (a->years < 1 || a->years > max)
		return rd_fail_at(e, RD_E_INVALID, path, _("must be 1 to %d years, not %d"), max, a->years);
	return RD_OK;
}

static rd_id_type sibling_id_type(const rd_application *a, rd_field_id id)
{
	return id == RD_F_AGENT_ID_NUMBER ? a->agent.id_type : a->subject.id_type;
}

/* The rules of one field; path is what goes into e->field. */
static rd_code check_one(const rd_application *a, const rd_field *f, const rd_products *ps,
			 time_t now, unsigned flags, const char *path, rd_err *e)
{
	char buf[32];
	const char *v = rd_application_get(a, f->id, buf, sizeof buf);
	rd_req req = f->req[a->kind <= RD_APP_ORGANIZATION ? a->kind : RD_APP_KIND_NONE];
	if (!ps)
		ps = rd__builtin_products();
	if (!v[0]) {
		if (f->id == RD_F_VERIFY_ANSWER && (flags & RD_APP_ANSWER_KEPT))
			return RD_OK;
		/* an ID type is only missing beside a number; the missing number is
		 * reported on its own */
		if (f->check == RD_CHECK_ID_TYPE && 
		    is_empty(a, f->id == RD_F_AGENT_ID_TYPE ? RD_F_AGENT_ID_NUMBER : RD_F_SUBJECT_ID_NUMBER))
			return RD_OK;
		if (req == RD_REQ_REQUIRED)
			return rd_fail_at(e, RD_E_INVALID, path, _("is required"));
		if (req == RD_REQ_GROUP && f->group && group_filled(a, f->group))
			return rd_fail_at(e, RD_E_INVALID, path, _("is required when an agent is given"));
		return RD_OK;
	}
	if (req == RD_REQ_UNUSED && f->type != RD_FT_ENUM)
		return rd_fail_at(e, RD_E_INVALID, path,
				  a->kind == RD_APP_INDIVIDUAL
					  ? _("is not used for individual applications")
					  : _("is not used for organization applications"));
	switch (f->check) {
	case RD_CHECK_KIND:
	case RD_CHECK_ID_TYPE:
		return RD_OK; /* an enum value is valid by construction */
	case RD_CHECK_PRODUCT:
		return check_product(a, ps, path, e);
	case RD_CHECK_YEARS:
		return check_years(a, ps, path, e);
	case RD_CHECK_USERNAME:
		return rd_check_username(v, path, e);
	case RD_CHECK_NAME:
		return rd_check_name(v, path, e);
	case RD_CHECK_ID_NUMBER:
		return rd_check_id_number(sibling_id_type(a, f->id), v, now, path, e);
	case RD_CHECK_MOBILE:
		return rd_check_mobile(v, path, e);
	case RD_CHECK_EMAIL:
		return rd_check_email(v, path, e);
	case RD_CHECK_USCC:
		return rd_check_uscc(v, path, e);
	case RD_CHECK_ADDRESS:
		return rd_check_address(v, path, e);
	case RD_CHECK_TEXT:
		return rd_check_text(v, 1, f->max_chars, path, e);
	case RD_CHECK_SLUG:
		return check_slug(v, f, path, e);
	}
	return RD_OK;
}

rd_code rd_application_check_field(const rd_application *a, rd_field_id id,
				   const rd_products *products, time_t now, unsigned flags,
				   rd_err *e)
{
	const rd_field *f = rd_field_get(id);
	if (!f)
		return rd_fail(e, RD_E_INTERNAL, "no such field %d", (int)id);
	return check_one(a, f, products, now, flags, f->path, e);
}

static void join_path(char *out, size_t n, const char *prefix, const char *path)
{
	if (prefix && *prefix)
		snprintf(out, n, "%s%s%s", prefix, path && *path ? "." : "", path ? path : "");
	else
		snprintf(out, n, "%s", path ? path : "");
}

static const char *const groups[] = {"subject", "organization", "agent", "verification"};

/* Validation skipping the fields in `reported` (bit per rd_field_id)
 * already reported while reading.  Returns how many errors it added. */
static size_t validate_masked(const rd_application *a, const rd_products *ps, time_t now,
			      unsigned flags, const char *prefix, uint32_t reported, rd_errlist *errs)
{
	char path[128];
	size_t added = 0;
	uint32_t skip = reported;
	rd_err e;
	rd_app_kind kind = a->kind <= RD_APP_ORGANIZATION ? a->kind : RD_APP_KIND_NONE;
	/* a block not used by this kind is reported once, at the block */
	for (size_t g = 0; g < RD_ARRAY_LEN(groups); g++) {
		bool unused = false;
		for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f))
			if (f->group && !strcmp(f->group, groups[g]) && f->req[kind] == RD_REQ_UNUSED)
				unused = true;
		if (!unused)
			continue;
		for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f))
			if (f->group && !strcmp(f->group, groups[g]))
				skip |= 1u << f->id;
		if (group_filled(a, groups[g])) {
			join_path(path, sizeof path, prefix, groups[g]);
			rd_errlist_addf(errs, RD_E_INVALID, path,
					kind == RD_APP_INDIVIDUAL
						? _("is not used for individual applications")
						: _("is not used for organization applications"));
			added++;
		}
	}
	for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) {
		char buf[64];
		if (skip & (1u << f->id))
			continue;
		if ((flags & RD_APP_PARTIAL) && f->id != RD_F_KIND && !rd_application_get(a, f->id, buf, sizeof buf)[0])
			continue;
		join_path(path, sizeof path, prefix, f->path);
		if (check_one(a, f, ps, now, flags, path, &e) != RD_OK) {
			rd_errlist_add(errs, &e);
			added++;
		}
	}
	return added;
}

rd_code rd_application_validate(const rd_application *a, const rd_products *products, time_t now,
				unsigned flags, const char *prefix, rd_errlist *errs)
{
	return validate_masked(a, products, now, flags, prefix, 0, errs) ? RD_E_INVALID : RD_OK;
}

/* ---- JSON in ----------------------------------------------------------------------------------- */

struct reader {
	const char *prefix;
	rd_errlist *errs;
	size_t failed;
	uint32_t reported;
	bool sanitized; /* invalid UTF-8 in the text was replaced by U+FFFD */
};

static void fail_path(struct reader *r, const char *path, const char *fmt, ...) RD_PRINTF(3, 4);
static void fail_path(struct reader *r, const char *path, const char *fmt, ...)
{
	char full[128];
	rd_err e;
	va_list ap;
	join_path(full, sizeof full, r->prefix, path);
	va_start(ap, fmt);
	rd_failv(&e, RD_E_INVALID, full, fmt, ap);
	va_end(ap);
	rd_errlist_add(r->errs, &e);
	r->failed++;
}

static const char *json_type_text(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return _("an object");
	case JSON_ARRAY:
		return _("an array");
	case JSON_STRING:
		return _("a string");
	case JSON_INTEGER:
		return _("a whole number");
	case JSON_REAL:
		return _("a number with a fraction");
	case JSON_TRUE:
	case JSON_FALSE:
		return _("true or false");
	case JSON_NULL:
		return _("null");
	}
	return "?";
}

/* Text from the input as it may appear in a message: at most max bytes,
 * whole UTF-8 characters, control characters as '?'. */
static void printable_limited(const char *key, size_t max, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)key;
	size_t len = strlen(key), o = 0;
	for (size_t i = 0; i < len && o + 5 < n && i < max;) {
		uint32_t cp;
		int k = rd_utf8_decode(s + i, len - i, &cp);
		if (k < 0 || rd__is_control(cp)) {
			out[o++] = '?';
			i += k < 0 ? 1 : (size_t)k;
			continue;
		}
		memcpy(out + o, s + i, (size_t)k);
		o += (size_t)k;
		i += (size_t)k;
	}
	out[o] = '\0';
}

static void printable_key(const char *key, char *out, size_t n)
{
	printable_limited(key, 40, out, n);
}

static bool has_replacement(const char *s, size_t n)
{
	return memmem(s, n, "\xef\xbf\xbd", 3) != NULL;
}

static void read_value(struct reader *r, rd_application *a, const rd_field *f, const json_t *v)
{
	rd_err e;
	if (json_is_null(v))
		return;
	if (f->type == RD_FT_INT) {
		json_int_t n;
		if (!json_is_integer(v)) {
			fail_path(r, f->path, _("must be a whole number, not %s"), json_type_text(v));
			r->reported |= 1u << f->id;
			return;
		}
		n = json_integer_value(v);
		if (n < -1000 || n > 1000) {
			fail_path(r, f->path, _("%lld is out of range"), (long long)n);
			r->reported |= 1u << f->id;
			return;
		}
		a->years = (int)n;
		return;
	}
	if (!json_is_string(v)) {
		fail_path(r, f->path, _("must be a string, not %s"), json_type_text(v));
		r->reported |= 1u << f->id;
		return;
	}
	if (r->sanitized && has_replacement(json_string_value(v), json_string_length(v))) {
		fail_path(r, f->path, _("is not valid UTF-8"));
		r->reported |= 1u << f->id;
		return;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		fail_path(r, f->path, _("contains a NUL character"));
		r->reported |= 1u << f->id;
		return;
	}
	if (rd_application_set(a, f->id, json_string_value(v), &e) != RD_OK) {
		fail_path(r, f->path, "%s", e.msg);
		r->reported |= 1u << f->id;
	}
}

static void read_object(struct reader *r, rd_application *a, const char *group, const json_t *obj)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		char path[128], shown[64];
		const rd_field *f;
		bool is_group = false;
		if (group) {
			snprintf(path, sizeof path, "%s.%s", group, key);
		} else {
			snprintf(path, sizeof path, "%s", key);
			for (size_t g = 0; g < RD_ARRAY_LEN(groups); g++)
				is_group |= !strcmp(key, groups[g]);
		}
		if (is_group) {
			if (json_is_null(v))
				continue;
			if (!json_is_object(v)) {
				fail_path(r, key, _("must be an object, not %s"), json_type_text(v));
				continue;
			}
			read_object(r, a, key, v);
			continue;
		}
		f = rd_field_by_path(path);
		if (!f) {
			printable_key(key, shown, sizeof shown);
			snprintf(path, sizeof path, "%s%s%s", group ? group : "", group ? "." : "", shown);
			fail_path(r, path, _("unknown key"));
			continue;
		}
		read_value(r, a, f, v);
	}
}

static void default_id_type(struct reader *r, rd_person *p, rd_field_id type_field)
{
	if (p->id_type == RD_ID_NONE && p->id_number[0] && !(r->reported & (1u << type_field)))
		p->id_type = RD_ID_RESIDENT;
}

static size_t from_json_value(const json_t *jv, const rd_products *products, time_t now,
			      unsigned flags, const char *prefix, bool sanitized, rd_application *out,
			      rd_errlist *errs)
{
	struct reader r = {prefix, errs, 0, 0, sanitized};
	rd_application_init(out);
	if (!json_is_object(jv)) {
		fail_path(&r, "", _("must be an object, not %s"), jv ? json_type_text(jv) : "?");
		return r.failed;
	}
	read_object(&r, out, NULL, jv);
	default_id_type(&r, &out->subject, RD_F_SUBJECT_ID_TYPE);
	default_id_type(&r, &out->agent, RD_F_AGENT_ID_TYPE);
	/* an ID type alone is no person */
	if (!group_filled(out, "subject"))
		out->subject.id_type = RD_ID_NONE;
	if (!group_filled(out, "agent"))
		out->agent.id_type = RD_ID_NONE;
	r.failed += validate_masked(out, products, now, flags, prefix, r.reported, errs);
	return r.failed;
}

rd_code rd_application_from_json_value(const json_t *jv, const rd_products *products, time_t now,
				       unsigned flags, const char *prefix, rd_application *out,
				       rd_errlist *errs)
{
	return from_json_value(jv, products, now, flags, prefix, false, out, errs) ? RD_E_INVALID
										 : RD_OK;
}

/* Copies text with every invalid UTF-8 byte replaced by U+FFFD, so that the
 * JSON parser accepts the document and the bad string is named by its path.
 * Returns NULL when no replacement was needed (or on ENOMEM: *oom). */
static char *sanitize_utf8(const char *text, size_t len, size_t *out_len, bool *oom)
{
	size_t i = 0, o = 0;
	char *out;
	uint32_t cp;
	*oom = false;
	while (i < len) {
		int k = rd_utf8_decode((const unsigned char *)text + i, len - i, &cp);
		if (k < 0)
			break;
		i += (size_t)k;
	}
	if (i == len)
		return NULL;
	out = malloc(len * 3 + 1);
	if (!out) {
		*oom = true;
		return NULL;
	}
	for (i = 0; i < len;) {
		int k = rd_utf8_decode((const unsigned char *)text + i, len - i, &cp);
		if (k < 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, text + i, (size_t)k);
			o += (size_t)k;
			i += (size_t)k;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Parses text; on failure one error (field "") and NULL. */
static json_t *load(const char *text, size_t len, bool *sanitized, rd_errlist *errs)
{
	json_error_t je;
	json_t *root;
	size_t clean_len = 0;
	bool oom;
	char *clean;
	*sanitized = false;
	if (len > RD_APP_JSON_MAX) {
		rd_errlist_addf(errs, RD_E_INVALID, "", _("the JSON text is %zu bytes, at most %u allowed"),
				len, RD_APP_JSON_MAX);
		return NULL;
	}
	clean = sanitize_utf8(text, len, &clean_len, &oom);
	if (oom) {
		rd_errlist_addf(errs, RD_E_NOMEM, "", _("out of memory"));
		return NULL;
	}
	*sanitized = clean != NULL;
	root = json_loadb(clean ? clean : text, clean ? clean_len : len, JSON_REJECT_DUPLICATES, &je);
	free(clean);
	if (!root) {
		char why[sizeof je.text];
		printable_limited(je.text, sizeof why, why, sizeof why);
		rd_errlist_addf(errs, RD_E_INVALID, "", _("malformed JSON at line %d, column %d: %s"),
				je.line, je.column, why);
	}
	return root;
}

rd_code rd_application_from_json(const char *text, size_t len, const rd_products *products,
				 time_t now, unsigned flags, rd_application *out, rd_errlist *errs)
{
	bool sanitized;
	json_t *root;
	size_t failed;
	rd_application_init(out);
	root = load(text, len, &sanitized, errs);
	if (!root)
		return RD_E_INVALID;
	failed = from_json_value(root, products, now, flags, "", sanitized, out, errs);
	json_decref(root);
	return failed ? RD_E_INVALID : RD_OK;
}

rd_code rd_application_batch_from_json(const char *text, size_t len, const rd_products *products,
				       time_t now, unsigned flags, rd_app_batch_fn fn, void *ud,
				       bool *was_array, size_t *n_ok, size_t *n_failed,
				       rd_errlist *errs)
{
	bool sanitized;
	json_t *root = load(text, len, &sanitized, errs);
	rd_application *app;
	rd_errlist el;
	size_t ok = 0, bad = 0, count;
	rd_code rc = RD_OK;
	if (was_array)
		*was_array = false;
	if (n_ok)
		*n_ok = 0;
	if (n_failed)
		*n_failed = 0;
	if (!root)
		return RD_E_INVALID;
	if (!json_is_array(root) && !json_is_object(root)) {
		rd_errlist_addf(errs, RD_E_INVALID, "", _("must be an array of applications or one application"));
		json_decref(root);
		return RD_E_INVALID;
	}
	app = malloc(sizeof *app);
	if (!app) {
		json_decref(root);
		rd_errlist_addf(errs, RD_E_NOMEM, "", _("out of memory"));
		return RD_E_NOMEM;
	}
	rd_errlist_init(&el);
	if (was_array)
		*was_array = json_is_array(root);
	count = json_is_array(root) ? json_array_size(root) : 1;
	for (size_t i = 0; i < count && rc == RD_OK; i++) {
		char prefix[32] = "";
		const json_t *item = json_is_array(root) ? json_array_get(root, i) : root;
		bool good;
		if (json_is_array(root))
			snprintf(prefix, sizeof prefix, "[%zu]", i);
		rd_errlist_clear(&el);
		good = from_json_value(item, products, now, flags, prefix, sanitized, app, &el) == 0;
		good ? ok++ : bad++;
		if (fn)
			rc = fn(ud, i, app, good, &el);
		rd_application_clear(app);
	}
	rd_errlist_free(&el);
	free(app);
	json_decref(root);
	if (n_ok)
		*n_ok = ok;
	if (n_failed)
		*n_failed = bad;
	return rc;
}

/* ---- JSON out ----------------------------------------------------------------------------------- */

static int put_str(json_t *obj, const char *key, const char *v)
{
	return json_object_set_new(obj, key, json_string(v ? v : ""));
}

static json_t *person_json(const rd_person *p)
{
	json_t *o = json_object();
	const char *t = rd_id_type_name(p->id_type);
	if (!o)
		return NULL;
	if (put_str(o, "name", p->name) || put_str(o, "id_type", t) ||
	    put_str(o, "id_number", p->id_number) || put_str(o, "mobile", p->mobile) ||
	    put_str(o, "email", p->email)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *rd_application_to_json(const rd_application *a, unsigned flags)
{
	json_t *o = json_object(), *sub = NULL;
	int bad = 0;
	if (!o)
		return NULL;
	bad |= put_str(o, "kind", rd_app_kind_name(a->kind));
	bad |= put_str(o, "product", a->product);
	bad |= json_object_set_new(o, "years", json_integer(a->years));
	bad |= put_str(o, "username", a->username);
	if (a->kind != RD_APP_ORGANIZATION) {
		sub = person_json(&a->subject);
		bad |= !sub || json_object_set_new(o, "subject", sub);
	}
	if (a->kind != RD_APP_INDIVIDUAL) {
		sub = json_object();
		bad |= !sub || json_object_set_new(o, "organization", sub);
		if (sub) {
			bad |= put_str(sub, "name", a->organization.name);
			bad |= put_str(sub, "uscc", a->organization.uscc);
			bad |= put_str(sub, "address", a->organization.address);
			bad |= put_str(sub, "legal_rep", a->organization.legal_rep);
		}
	}
	if (group_filled(a, "agent") || a->kind == RD_APP_ORGANIZATION) {
		sub = person_json(&a->agent);
		bad |= !sub || json_object_set_new(o, "agent", sub);
	}
	sub = json_object();
	bad |= !sub || json_object_set_new(o, "verification", sub);
	if (sub) {
		bad |= put_str(sub, "question", a->verification.question);
		if (flags & RD_APP_JSON_WITH_ANSWER)
			bad |= put_str(sub, "answer", a->verification.answer);
	}
	bad |= put_str(o, "agreement_version", a->agreement_version);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *rd_application_to_json_text(const rd_application *a, unsigned flags)
{
	json_t *o = rd_application_to_json(a, flags);
	char *s;
	if (!o)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}
