/* Template and agreement files: parsing and placeholder substitution. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pr_sort_unique(char **v, size_t *n)
{
	if (*n < 2)
		return;
	qsort(v, *n, sizeof(*v), cmp_str);
	size_t o = 1;
	for (size_t i = 1; i < *n; i++) {
		if (strcmp(v[i], v[o - 1]))
			v[o++] = v[i];
		else
			free(v[i]);
	}
	*n = o;
}

static rd_code add_used(char ***used, size_t *nused, const char *name, size_t len, rd_err *e)
{
	char **nv = realloc(*used, (*nused + 1) * sizeof(*nv));
	if (!nv)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	*used = nv;
	nv[*nused] = strndup(name, len);
	if (!nv[*nused])
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	(*nused)++;
	return RD_OK;
}

rd_code pr_placeholders_check(const char *s, const char *where, char ***used, size_t *nused,
			      rd_err *e)
{
	for (const char *p = s; *p; p++) {
		if (p[0] == '{' && p[1] == '{') {
			p++;
			continue;
		}
		if (p[0] == '}' && p[1] == '}') {
			p++;
			continue;
		}
		if (*p == '}')
			return rd_fail_at(e, RD_E_INVALID, where, _("'}' without '{' (write }} for a brace)"));
		if (*p != '{')
			continue;
		const char *end = strchr(p + 1, '}');
		if (!end)
			return rd_fail_at(e, RD_E_INVALID, where, _("'{' without '}' (write {{ for a brace)"));
		size_t len = (size_t)(end - p - 1);
		char name[64];
		if (len == 0 || len >= sizeof name)
			return rd_fail_at(e, RD_E_INVALID, where, _("unknown placeholder {%.*s}"), (int)len, p + 1);
		memcpy(name, p + 1, len);
		name[len] = 0;
		if (pr_builtin_name(name)) {
			/* printed by print/ itself, carried in the payload */
		} else if (rd_print_field_known(name)) {
			if (used && nused && add_used(used, nused, name, len, e))
				return RD_E_NOMEM;
		} else {
			return rd_fail_at(e, RD_E_INVALID, where, _("unknown placeholder {%s}"), name);
		}
		p = end;
	}
	return RD_OK;
}

char *pr_subst(const char *s, pr_lookup_fn lookup, void *ud)
{
	size_t cap = strlen(s) + 64, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = s; *p; p++) {
		const char *piece = p;
		size_t plen = 1;
		char name[64];
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			p++;
		} else if (*p == '{') {
			const char *end = strchr(p + 1, '}');
			size_t len = end ? (size_t)(end - p - 1) : 0;
			if (end && len < sizeof name) {
				memcpy(name, p + 1, len);
				name[len] = 0;
				piece = lookup(ud, name);
				if (!piece)
					piece = "";
				plen = strlen(piece);
				p = end;
			}
		}
		if (n + plen + 1 > cap) {
			cap = (n + plen + 1) * 2;
			char *nb = realloc(out, cap);
			if (!nb) {
				free(out);
				return NULL;
			}
			out = nb;
		}
		memcpy(out + n, piece, plen);
		n += plen;
	}
	out[n] = 0;
	return out;
}

/* Split "a | b | c" on unescaped bars; trims each part; "\|" -> "|". */
static int split_args(char *s, char ***out)
{
	int n = 0, cap = 4;
	char **v = malloc(cap * sizeof(*v));
	if (!v)
		return -1;
	char *start = s, *w = s;
	for (char *r = s;; r++) {
		if (r[0] == '\\' && r[1] == '|') {
			*w++ = '|';
			r++;
			continue;
		}
		if (*r == '|' || *r == 0) {
			bool last = *r == 0;
			*w = 0;
			if (n == cap) {
				cap *= 2;
				char **nv = realloc(v, cap * sizeof(*nv));
				if (!nv)
					goto fail;
				v = nv;
			}
			v[n] = strdup(rd_trim(start));
			if (!v[n])
				goto fail;
			n++;
			if (last)
				break;
			start = w = r + 1;
			continue;
		}
		*w++ = *r;
	}
	*out = v;
	return n;
fail:
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -1;
}

static void free_args(char **a, int n)
{
	for (int i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

static const struct {
	const char *word;
	enum tpl_kind kind;
	int min, max; /* argument count; -1: not split, one argument */
} directives[] = {
	{"title", TK_TITLE, -1, -1},       {"subtitle", TK_SUBTITLE, -1, -1},
	{"meta", TK_META, -1, -1},         {"section", TK_SECTION, -1, -1},
	{"field", TK_FIELD, 2, 4},         {"check", TK_CHECK, 4, 8},
	{"para", TK_PARA, -1, -1},         {"agreement", TK_AGREEMENT, 0, 0},
	{"boxes", TK_BOXES, 2, 6},         {"signboxes", TK_SIGNBOXES, 2, 6},
	{"sign", TK_SIGN, 1, 2},           {"space", TK_SPACE, 1, 1},
	{"pagebreak", TK_PAGEBREAK, 0, 0}, {"if", TK_IF, 1, 1},
	{"end", TK_END, 0, 0},
};

void pr_tpl_free(struct tpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free_args(t->lines[i].args, t->lines[i].nargs);
		free(t->lines[i].cond_key);
	}
	free(t->lines);
	free_args(t->copy_labels, t->ncopies);
	for (size_t i = 0; i < t->nused; i++)
		free(t->used[i]);
	free(t->used);
	free(t->footer);
	free(t->path);
	memset(t, 0, sizeof *t);
}

/* The page settings: copies, footer and qr.  RD_E_NOTFOUND when the word
 * is none of them. */
static rd_code parse_copies(struct tpl *t, char *rest, const char *where, rd_err *e)
{
	if (t->copy_labels)
		return rd_fail_at(e, RD_E_INVALID, where, _("copies given twice"));
	int n = split_args(rest, &t->copy_labels);
	if (n < 0)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	t->ncopies = n;
	if (n < 1 || n > 9 || !*t->copy_labels[0])
		return rd_fail_at(e, RD_E_INVALID, where, _("copies needs 1 to 9 labels"));
	for (int i = 0; i < n; i++)
		if (pr_placeholders_check(t->copy_labels[i], where, NULL, NULL, e))
			return RD_E_INVALID;
	return RD_OK;
}

static rd_code parse_setting(struct tpl *t, const char *word, size_t wlen, char *rest, const char *where,
			     rd_err *e)
{
	if (wlen == 6 && !strncmp(word, "copies", 6))
		return parse_copies(t, rest, where, e);
	if (wlen == 6 && !strncmp(word, "footer", 6)) {
		if (pr_placeholders_check(rest, where, &t->used, &t->nused, e))
			return e ? e->code : RD_E_INVALID;
		free(t->footer);
		t->footer = strdup(rest);
		return t->footer ? RD_OK : rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	if (wlen == 2 && !strncmp(word, "qr", 2)) {
		if (!strcmp(rest, "top"))
			t->qr_top = true;
		else if (!strcmp(rest, "bottom"))
			t->qr_top = false;
		else
			return rd_fail_at(e, RD_E_INVALID, where, _("qr takes top or bottom"));
		return RD_OK;
	}
	return RD_E_NOTFOUND;
}

/* The arguments of directive d into L: the rest as one, or split at |,
 * then their number checked. */
static rd_code parse_args(size_t d, char *rest, struct tpl_line *L, const char *where, rd_err *e)
{
	if (directives[d].min < 0) {
		if (!*rest)
			return rd_fail_at(e, RD_E_INVALID, where, _("%s needs text"), directives[d].word);
		L->args = malloc(sizeof(char *));
		if (!L->args || !(L->args[0] = strdup(rest))) {
			free(L->args);
			L->args = NULL;
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		}
		L->nargs = 1;
	} else if (*rest) {
		L->nargs = split_args(rest, &L->args);
		if (L->nargs < 0) {
			L->nargs = 0;
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		}
	}
	if (L->nargs < (directives[d].min < 0 ? 1 : directives[d].min) ||
	    L->nargs > (directives[d].max < 0 ? 1 : directives[d].max))
		return rd_fail_at(e, RD_E_INVALID, where, _("wrong number of arguments for %s"), directives[d].word);
	if (L->kind == TK_FIELD && L->nargs % 2)
		return rd_fail_at(e, RD_E_INVALID, where, _("field takes label | value pairs"));
	return RD_OK;
}

/* boxes, signboxes and space: the first argument is a height in mm. */
static rd_code parse_height(struct tpl_line *L, const char *where, rd_err *e)
{
	char *end;
	if (L->nargs < 1) /* the directives table asks for one */
		return rd_fail_at(e, RD_E_INVALID, where, _("'%s' is not a height in mm"), "");
	L->num = strtod(L->args[0], &end);
	if (end == L->args[0] || *end || L->num <= 0 || L->num > 250)
		return rd_fail_at(e, RD_E_INVALID, where, _("'%s' is not a height in mm"), L->args[0]);
	return RD_OK;
}

/* check LABEL | {field} | value=text ...: one field, options value=text. */
static rd_code parse_check(const struct tpl_line *L, const char *where, rd_err *e)
{
	const char *v = L->nargs > 1 ? L->args[1] : "";
	size_t n = strlen(v);
	if (n < 3 || v[0] != '{' || v[n - 1] != '}' || memchr(v + 1, '{', n - 2))
		return rd_fail_at(e, RD_E_INVALID, where, _("check needs one {field} as its second argument"));
	for (int i = 2; i < L->nargs; i++)
		if (!strchr(L->args[i], '=') || L->args[i][0] == '=')
			return rd_fail_at(e, RD_E_INVALID, where, _("check option '%s' is not value=text"), L->args[i]);
	return RD_OK;
}

/* if CONDITION: the condition, and the line pushed for its end. */
static rd_code parse_if(struct tpl *t, struct tpl_line *L, const char *where, int *stack, int *depth, rd_err *e)
{
	const char *c = L->nargs > 0 ? L->args[0] : "";
	if (!strcmp(c, "organization"))
		L->cond = TC_ORGANIZATION;
	else if (!strcmp(c, "individual"))
		L->cond = TC_INDIVIDUAL;
	else if (!strcmp(c, "impression"))
		L->cond = TC_IMPRESSION;
	else if (!strncmp(c, "field ", 6) && rd_print_field_known(rd_trim((char *)c + 6))) {
		L->cond = TC_FIELD;
		L->cond_key = strdup(c + 6);
		if (!L->cond_key || add_used(&t->used, &t->nused, L->cond_key, strlen(L->cond_key), e))
			return RD_E_NOMEM;
	} else {
		return rd_fail_at(e, RD_E_INVALID, where, _("unknown condition '%s'"), c);
	}
	if (*depth >= 8)
		return rd_fail_at(e, RD_E_INVALID, where, _("if nested too deeply"));
	stack[(*depth)++] = (int)t->n;
	return RD_OK;
}

/* What each kind of line asks beyond its argument count. */
static rd_code parse_kind(struct tpl *t, struct tpl_line *L, const char *where, int *stack, int *depth,
			  rd_err *e)
{
	switch (L->kind) {
	case TK_BOXES:
	case TK_SIGNBOXES:
	case TK_SPACE:
		return parse_height(L, where, e);
	case TK_CHECK:
		return parse_check(L, where, e);
	case TK_IF:
		return parse_if(t, L, where, stack, depth, e);
	case TK_END:
		if (*depth == 0)
			return rd_fail_at(e, RD_E_INVALID, where, _("end without if"));
		t->lines[stack[--*depth]].end = (int)t->n;
		return RD_OK;
	default:
		return RD_OK;
	}
}

static rd_code add_line(struct tpl *t, const struct tpl_line *L, rd_err *e)
{
	struct tpl_line *nl = realloc(t->lines, (t->n + 1) * sizeof(*nl));
	if (!nl)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	t->lines = nl;
	t->lines[t->n++] = *L;
	return RD_OK;
}

static rd_code parse_line(struct tpl *t, char *line, int lineno, const char *where, int *stack,
			  int *depth, rd_err *e)
{
	char *sp = line;
	while (*sp && !isspace((unsigned char)*sp))
		sp++;
	size_t wlen = (size_t)(sp - line), d;
	char *rest = rd_trim(sp);
	rd_code rc = parse_setting(t, line, wlen, rest, where, e);
	if (rc != RD_E_NOTFOUND)
		return rc;
	for (d = 0; d < RD_ARRAY_LEN(directives); d++)
		if (strlen(directives[d].word) == wlen && !strncmp(line, directives[d].word, wlen))
			break;
	if (d == RD_ARRAY_LEN(directives))
		return rd_fail_at(e, RD_E_INVALID, where, _("unknown directive '%.*s'"), (int)wlen, line);

	struct tpl_line L = {.kind = directives[d].kind, .lineno = lineno};
	rc = parse_args(d, rest, &L, where, e);
	if (rc == RD_OK)
		rc = parse_kind(t, &L, where, stack, depth, e);
	for (int i = (L.kind == TK_BOXES || L.kind == TK_SIGNBOXES) ? 1 : 0;
	     rc == RD_OK && L.kind != TK_IF && i < L.nargs; i++)
		rc = pr_placeholders_check(L.args[i], where, &t->used, &t->nused, e);
	if (rc == RD_OK && (rc = add_line(t, &L, e)) == RD_OK)
		return RD_OK;
	free_args(L.args, L.nargs);
	free(L.cond_key);
	return rc;
}

char *pr_next_line(char **p)
{
	char *line = *p, *nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	*p = nl ? nl + 1 : NULL;
	return rd_trim(line);
}

rd_code pr_tpl_parse(const char *text, const char *path, struct tpl *t, rd_err *e)
{
	memset(t, 0, sizeof *t);
	t->path = strdup(path);
	t->qr_top = true;
	char *buf = strdup(text);
	if (!t->path || !buf) {
		free(buf);
		pr_tpl_free(t);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	int stack[8], depth = 0, lineno = 0, if_line = 0;
	rd_code rc = RD_OK;
	char where[300];
	for (char *p = buf; p && *p;) {
		char *line = pr_next_line(&p);
		lineno++;
		if (!*line || *line == '#')
			continue;
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (!rd_utf8_valid(line, strlen(line))) {
			rc = rd_fail_at(e, RD_E_INVALID, where, _("not valid UTF-8"));
			break;
		}
		if (!strncmp(line, "if ", 3))
			if_line = lineno;
		rc = parse_line(t, line, lineno, where, stack, &depth, e);
		if (rc)
			break;
	}
	if (!rc && depth) {
		snprintf(where, sizeof where, "%s:%d", path, if_line);
		rc = rd_fail_at(e, RD_E_INVALID, where, _("if without end"));
	}
	if (!rc && t->n == 0)
		rc = rd_fail_at(e, RD_E_INVALID, path, _("template has no content"));
	free(buf);
	if (rc) {
		pr_tpl_free(t);
		return rc;
	}
	pr_sort_unique(t->used, &t->nused);
	return RD_OK;
}

void pr_agreement_free(struct agreement *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->pars[i].text);
	free(a->pars);
	for (size_t i = 0; i < a->nused; i++)
		free(a->used[i]);
	free(a->used);
	free(a->version);
	free(a->title);
	free(a->path);
	memset(a, 0, sizeof *a);
}

static rd_code append_text(char **dst, const char *s)
{
	if (!*dst) {
		*dst = strdup(s);
		return *dst ? RD_OK : RD_E_NOMEM;
	}
	size_t a = strlen(*dst), b = strlen(s);
	/* join wrapped lines: a space between Latin words, nothing between CJK */
	bool space = a && b && ((unsigned char)(*dst)[a - 1] < 0x80) && ((unsigned char)s[0] < 0x80);
	char *n = realloc(*dst, a + b + 2);
	if (!n)
		return RD_E_NOMEM;
	if (space)
		n[a++] = ' ';
	memcpy(n + a, s, b + 1);
	*dst = n;
	return RD_OK;
}

rd_code pr_agreement_parse(const char *text, const char *path, struct agreement *a, rd_err *e)
{
	memset(a, 0, sizeof *a);
	char *buf = strdup(text);
	a->path = strdup(path);
	if (!buf || !a->path) {
		free(buf);
		pr_agreement_free(a);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	rd_code rc = RD_OK;
	bool header = true, in_par = false;
	int lineno = 0;
	char where[300];
	for (char *p = buf; p && *p;) {
		char *line = pr_next_line(&p);
		lineno++;
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (!rd_utf8_valid(line, strlen(line))) {
			rc = rd_fail_at(e, RD_E_INVALID, where, _("not valid UTF-8"));
			break;
		}
		if (header) {
			if (!*line) {
				if (a->version)
					header = false;
				continue;
			}
			if (!strncasecmp(line, "Version:", 8)) {
				free(a->version);
				a->version = strdup(rd_trim(line + 8));
			} else if (!strncasecmp(line, "Title:", 6)) {
				free(a->title);
				a->title = strdup(rd_trim(line + 6));
			} else if (*line != '#' || line[1] == '#') {
				rc = rd_fail_at(e, RD_E_INVALID, where,
						_("expected 'Version:' or 'Title:' before the first blank line"));
				break;
			}
			continue;
		}
		if (!*line) {
			in_par = false;
			continue;
		}
		rc = pr_placeholders_check(line, where, &a->used, &a->nused, e);
		if (rc)
			break;
		bool heading = !strncmp(line, "## ", 3);
		if (heading || !in_par) {
			struct agr_par *np = realloc(a->pars, (a->n + 1) * sizeof(*np));
			if (!np) {
				rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
				break;
			}
			a->pars = np;
			a->pars[a->n] = (struct agr_par){.heading = heading, .lineno = lineno};
			a->n++;
			in_par = !heading;
		}
		if (append_text(&a->pars[a->n - 1].text, heading ? rd_trim(line + 3) : line)) {
			rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
			break;
		}
	}
	if (!rc && (!a->version || !*a->version))
		rc = rd_fail_at(e, RD_E_INVALID, path, _("agreement has no 'Version:' line"));
	if (!rc && a->version && strlen(a->version) >= 64)
		rc = rd_fail_at(e, RD_E_INVALID, path, _("agreement version is longer than 63 bytes"));
	if (!rc && a->n == 0)
		rc = rd_fail_at(e, RD_E_INVALID, path, _("agreement has no text"));
	if (!rc && !a->title && !(a->title = strdup("")))
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
	free(buf);
	if (rc) {
		pr_agreement_free(a);
		return rc;
	}
	pr_sort_unique(a->used, &a->nused);
	return RD_OK;
}
