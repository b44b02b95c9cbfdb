/* The named fields a document prints, and the document names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"

static const char *const known_fields[] = {
	"app.no", "app.kind", "app.date", "app.service_point", "app.service_point_name",
	"app.operator", "app.reviewer", "app.remarks",
	"subject.type", "subject.name", "subject.id_type", "subject.id_number_masked",
	"subject.mobile", "subject.email", "subject.address",
	"organization.name", "organization.credit_code", "organization.legal_rep",
	"organization.address",
	"agent.name", "agent.id_type", "agent.id_number_masked", "agent.mobile",
	"recipient.name", "recipient.id_type", "recipient.id_number_masked", "recipient.mobile",
	"product.name", "product.code", "product.validity", "product.key_type",
	"fee.amount", "fee.status", "fee.receipt_no",
	"ukey.serial", "ukey.model", "cert.serial", "cert.not_before", "cert.not_after",
	"print.date",
};

static const char *const builtin_fields[] = {
	"copy.no", "copy.count", "copy.label", "page.no", "page.count",
	"agreement.version", "agreement.title",
};

bool rd_print_field_known(const char *key)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(known_fields); i++)
		if (!strcmp(key, known_fields[i]))
			return true;
	return false;
}

bool pr_builtin_name(const char *name)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(builtin_fields); i++)
		if (!strcmp(name, builtin_fields[i]))
			return true;
	return false;
}

struct rd_print_fields {
	char **keys;
	char **values;
	size_t n, cap;
};

rd_print_fields *rd_print_fields_new(void)
{
	return calloc(1, sizeof(rd_print_fields));
}

void rd_print_fields_free(rd_print_fields *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->keys[i]);
		free(f->values[i]);
	}
	free(f->keys);
	free(f->values);
	free(f);
}

rd_code rd_print_fields_set(rd_print_fields *f, const char *key, const char *value, rd_err *e)
{
	if (!key || !rd_print_field_known(key))
		return rd_fail_at(e, RD_E_INVALID, key ? key : "", _("unknown field name"));
	if (!value)
		value = "";
	if (!rd_utf8_valid(value, strlen(value)))
		return rd_fail_at(e, RD_E_INVALID, key, _("value is not valid UTF-8"));
	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->keys[i], key)) {
			char *v = strdup(value);
			if (!v)
				return rd_fail(e, RD_E_NOMEM, _("out of memory"));
			free(f->values[i]);
			f->values[i] = v;
			return RD_OK;
		}
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		char **k = realloc(f->keys, cap * sizeof(*k));
		if (!k)
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		f->keys = k;
		char **v = realloc(f->values, cap * sizeof(*v));
		if (!v)
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		f->values = v;
		f->cap = cap;
	}
	f->keys[f->n] = strdup(key);
	f->values[f->n] = strdup(value);
	if (!f->keys[f->n] || !f->values[f->n]) {
		free(f->keys[f->n]);
		free(f->values[f->n]);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	f->n++;
	return RD_OK;
}

const char *rd_print_fields_get(const rd_print_fields *f, const char *key)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->keys[i], key))
			return f->values[i];
	return NULL;
}

size_t rd_print_fields_count(const rd_print_fields *f)
{
	return f ? f->n : 0;
}

const char *rd_print_fields_key(const rd_print_fields *f, size_t i)
{
	return f && i < f->n ? f->keys[i] : NULL;
}

rd_code rd_print_fields_load(rd_print_fields *f, const char *path, rd_err *e)
{
	char *data = NULL, *save = NULL;
	size_t len;
	rd_code rc = rd_file_read(path, 1 << 20, &data, &len, e);
	if (rc)
		return rc;
	int lineno = 0;
	char *p = data;
	while (p && *p) {
		char *line = pr_next_line(&p);
		lineno++;
		if (!*line || *line == '#')
			continue;
		char where[160];
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		char *eq = strchr(line, '=');
		if (!eq) {
			rc = rd_fail_at(e, RD_E_INVALID, where, _("expected key = value"));
			break;
		}
		*eq = 0;
		char *key = rd_trim(line), *val = rd_trim(eq + 1);
		rc = rd_print_fields_set(f, key, val, e);
		if (rc) {
			if (e)
				snprintf(e->field, sizeof e->field, "%s:%d: %s", path, lineno, key);
			break;
		}
	}
	(void)save;
	free(data);
	return rc;
}

static const char *const doc_names[] = {
	"form", "agreement", "authorization", "impression", "receipt", "packet",
};

const char *rd_print_doc_name(rd_print_doc d)
{
	return (unsigned)d < RD_ARRAY_LEN(doc_names) ? doc_names[d] : "?";
}

rd_code rd_print_doc_parse(const char *name, rd_print_doc *out, rd_err *e)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(doc_names); i++) {
		if (name && !strcmp(name, doc_names[i])) {
			*out = (rd_print_doc)i;
			return RD_OK;
		}
	}
	return rd_fail_at(e, RD_E_INVALID, "doc",
			  _("unknown document '%s' (form, agreement, authorization, impression, receipt, packet)"),
			  name ? name : "");
}
