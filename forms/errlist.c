/* A growable list of rd_err: every failing field of a form at once. */
#include "forms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rd_errlist_init(rd_errlist *l)
{
	l->items = NULL;
	l->n = l->cap = 0;
}

void rd_errlist_free(rd_errlist *l)
{
	if (!l)
		return;
	free(l->items);
	rd_errlist_init(l);
}

void rd_errlist_clear(rd_errlist *l)
{
	l->n = 0;
}

rd_code rd_errlist_add(rd_errlist *l, const rd_err *e)
{
	if (!e || e->code == RD_OK)
		return RD_OK;
	if (!l)
		return e->code;
	rd_err *v = rd_grow(l->items, &l->cap, l->n + 1, sizeof *v, 8);
	if (!v) /* keep what we have; the caller still sees a failure */
		return e->code;
	l->items = v;
	l->items[l->n++] = *e;
	return e->code;
}

rd_code rd_errlist_addf(rd_errlist *l, rd_code code, const char *path, const char *fmt, ...)
{
	rd_err e;
	va_list ap;
	va_start(ap, fmt);
	rd_failv(&e, code, path ? path : "", fmt, ap);
	va_end(ap);
	return rd_errlist_add(l, &e);
}

const rd_err *rd_errlist_find(const rd_errlist *l, const char *path)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!strcmp(l->items[i].field, path))
			return &l->items[i];
	return NULL;
}

char *rd_errlist_text(const rd_errlist *l)
{
	size_t total = 1;
	char *out, *p;
	for (size_t i = 0; l && i < l->n; i++)
		total += strlen(l->items[i].field) + strlen(l->items[i].msg) + 3;
	out = malloc(total);
	if (!out)
		return NULL;
	p = out;
	*p = '\0';
	for (size_t i = 0; l && i < l->n; i++) {
		const rd_err *e = &l->items[i];
		if (i)
			*p++ = '\n';
		if (e->field[0])
			p += sprintf(p, "%s: %s", e->field, e->msg);
		else
			p += sprintf(p, "%s", e->msg);
	}
	return out;
}
