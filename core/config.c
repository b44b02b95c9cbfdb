/* INI configuration through inih, validated against core/config_keys.def. */
#include "core/core.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { T_STR, T_PATH, T_INT, T_BOOL, T_ENUM, T_MONEY };

struct key_spec {
	const char *section, *key;
	enum key_type type;
	const char *def, *arg;
};

#define STR T_STR
#define PATH T_PATH
#define INT T_INT
#define BOOL T_BOOL
#define ENUM T_ENUM
#define MONEY T_MONEY
#define RD_CONFIG_KEY(s, k, t, d, a) {s, k, t, d, a},
static const struct key_spec key_specs[] = {
#include "core/config_keys.def"
};
#undef RD_CONFIG_KEY
#undef STR
#undef PATH
#undef INT
#undef BOOL
#undef ENUM
#undef MONEY

struct entry {
	char *section, *key, *value;
	int line;
};

struct rd_config {
	char *file; /* NULL: defaults only */
	char *dir;  /* directory of file, for relative paths */
	struct entry *v;
	size_t n, cap;
	rd_err *err; /* during parsing */
	const char *name;
	const char *text; /* parse cursor and line count: inih here has no line numbers */
	int line;
	bool at_line_start;
};

static bool section_matches(const char *spec, const char *section)
{
	size_t n = strlen(spec);
	if (n >= 2 && strcmp(spec + n - 2, ".*") == 0)
		return strncmp(spec, section, n - 1) == 0 && section[n - 1] != '\0';
	return strcmp(spec, section) == 0;
}

static const struct key_spec *find_spec(const char *section, const char *key)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(key_specs); i++) {
		const struct key_spec *k = &key_specs[i];
		if (section_matches(k->section, section) && (strcmp(k->key, "*") == 0 || strcmp(k->key, key) == 0))
			return k;
	}
	return NULL;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(key_specs); i++)
		if (section_matches(key_specs[i].section, section))
			return true;
	return false;
}

static bool money_valid(const char *v)
{
	const char *p = v;
	int digits = 0, dec = -1;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
			if (dec >= 0)
				dec++;
		} else if (*p == '.' && dec < 0) {
			dec = 0;
		} else {
			return false;
		}
	}
	return digits > 0 && dec != 0 && dec <= 2 && digits <= 12;
}

static bool enum_valid(const char *arg, const char *v)
{
	size_t n = strlen(v);
	const char *p = arg;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static bool bool_value(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		return *out = true, true;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		return *out = false, true;
	return false;
}

/* A range "lo:hi" from config_keys.def. */
static void range_of(const char *arg, long *lo, long *hi)
{
	char *end;
	*lo = strtol(arg, &end, 10);
	*hi = *end == ':' ? strtol(end + 1, NULL, 10) : 0;
}

static rd_code check_value(const struct key_spec *k, const char *value, const char *where, rd_err *e)
{
	switch (k->type) {
	case T_STR:
	case T_PATH:
		if (!rd_utf8_valid(value, strlen(value)))
			return rd_fail_at(e, RD_E_CONFIG, where, _("value is not valid UTF-8"));
		if (k->type == T_STR && k->arg) { /* its length in bytes */
			long lo, hi;
			size_t n = strlen(value);
			range_of(k->arg, &lo, &hi);
			if ((long)n < lo || (long)n > hi)
				return rd_fail_at(e, RD_E_CONFIG, where, _("'%s' is %zu bytes long; it must be %ld to %ld"),
						  value, n, lo, hi);
		}
		return RD_OK;
	case T_INT: {
		char *end;
		long lo, hi, v;
		range_of(k->arg, &lo, &hi);
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end)
			return rd_fail_at(e, RD_E_CONFIG, where, _("'%s' is not a whole number"), value);
		if (v < lo || v > hi)
			return rd_fail_at(e, RD_E_CONFIG, where, _("%ld is outside %ld to %ld"), v, lo, hi);
		return RD_OK;
	}
	case T_BOOL: {
		bool b;
		if (!bool_value(value, &b))
			return rd_fail_at(e, RD_E_CONFIG, where, _("'%s' is not yes or no"), value);
		return RD_OK;
	}
	case T_ENUM:
		if (!enum_valid(k->arg, value))
			return rd_fail_at(e, RD_E_CONFIG, where, _("'%s' is not one of %s"), value, k->arg);
		return RD_OK;
	case T_MONEY:
		if (!money_valid(value))
			return rd_fail_at(e, RD_E_CONFIG, where,
					  _("'%s' is not an amount (digits, at most two decimals)"), value);
		return RD_OK;
	}
	return RD_OK;
}

static struct entry *find_entry(const rd_config *cfg, const char *section, const char *key)
{
	for (size_t i = cfg->n; i-- > 0;)
		if (!strcmp(cfg->v[i].section, section) && !strcmp(cfg->v[i].key, key))
			return &cfg->v[i];
	return NULL;
}

static rd_code put(rd_config *cfg, const char *section, const char *key, const char *value, int line,
		   rd_err *e)
{
	struct entry *old = find_entry(cfg, section, key);
	char *v = strdup(value);
	if (!v)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (old) {
		free(old->value);
		old->value = v;
		old->line = line;
		return RD_OK;
	}
	struct entry *nv = rd_grow(cfg->v, &cfg->cap, cfg->n + 1, sizeof *nv, 32);
	if (!nv) {
		free(v);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	cfg->v = nv;
	cfg->v[cfg->n].section = strdup(section);
	cfg->v[cfg->n].key = strdup(key);
	cfg->v[cfg->n].value = v;
	cfg->v[cfg->n].line = line;
	if (!cfg->v[cfg->n].section || !cfg->v[cfg->n].key) {
		free(cfg->v[cfg->n].section);
		free(cfg->v[cfg->n].key);
		free(v);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	cfg->n++;
	return RD_OK;
}

static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
	rd_config *cfg = user;
	int line = cfg->line;
	char where[512];
	const struct key_spec *k;
	if (!name) /* a section header alone */
		return 1;
	snprintf(where, sizeof where, "%s:%d: [%s] %s", cfg->name, line, section, name);
	if (!section_known(section)) {
		rd_fail_at(cfg->err, RD_E_CONFIG, where, _("unknown section [%s]"), section);
		return 0;
	}
	k = find_spec(section, name);
	if (!k) {
		rd_fail_at(cfg->err, RD_E_CONFIG, where, _("unknown key '%s'"), name);
		return 0;
	}
	if (check_value(k, value, where, cfg->err) != RD_OK)
		return 0;
	return put(cfg, section, name, value, line, cfg->err) == RD_OK;
}

/* An fgets over the text that counts lines for the messages. */
static char *read_line(char *buf, int size, void *stream)
{
	rd_config *cfg = stream;
	int n = 0;
	if (!*cfg->text || size < 2)
		return NULL;
	if (cfg->at_line_start)
		cfg->line++;
	while (n < size - 1 && cfg->text[n] && cfg->text[n] != '\n')
		n++;
	if (n < size - 1 && cfg->text[n] == '\n')
		n++;
	memcpy(buf, cfg->text, (size_t)n);
	buf[n] = '\0';
	cfg->text += n;
	cfg->at_line_start = buf[n - 1] == '\n';
	return buf;
}

rd_config *rd_config_defaults(void)
{
	return calloc(1, sizeof(rd_config));
}

rd_code rd_config_parse_string(rd_config *cfg, const char *text, const char *name, rd_err *e)
{
	rd_err local;
	int rc;
	rd_err_clear(&local);
	cfg->err = &local;
	cfg->name = name;
	cfg->text = text;
	cfg->line = 0;
	cfg->at_line_start = true;
	rc = ini_parse_stream(read_line, cfg, on_ini_value, cfg);
	cfg->err = NULL;
	if (rc == 0)
		return RD_OK;
	if (local.code != RD_OK) {
		if (e)
			*e = local;
		return local.code;
	}
	if (rc > 0)
		return rd_fail_at(e, RD_E_CONFIG, name, _("line %d: not a section, key = value or comment"), rc);
	return rd_fail_at(e, RD_E_CONFIG, name, _("cannot parse"));
}

void rd_config_free(rd_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->v[i].section);
		free(cfg->v[i].key);
		free(cfg->v[i].value);
	}
	free(cfg->v);
	free(cfg->file);
	free(cfg->dir);
	free(cfg);
}

static char *default_config_path(void)
{
	const char *env = getenv("RADESK_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p;
	if (env && *env)
		return strdup(env);
	if (xdg && *xdg)
		p = rd_asprintf("%s/radesk/radesk.conf", xdg);
	else if (home && *home)
		p = rd_asprintf("%s/.config/radesk/radesk.conf", home);
	else
		return NULL;
	if (p && !rd_file_exists(p)) {
		free(p);
		return NULL;
	}
	return p;
}

rd_code rd_config_load(rd_config **out, const char *path, rd_err *e)
{
	rd_config *cfg = rd_config_defaults();
	char *file = path ? strdup(path) : default_config_path();
	char *text = NULL;
	rd_code rc;
	*out = NULL;
	if (!cfg) {
		free(file);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	if (!file) { /* built-in defaults */
		*out = cfg;
		return RD_OK;
	}
	rc = rd_file_read(file, 1 << 20, &text, NULL, e);
	if (rc != RD_OK) {
		rd_err_prefix(e, _("configuration file"));
		if (rc != RD_E_NOMEM)
			e ? (void)(e->code = RD_E_CONFIG) : (void)0;
		free(file);
		rd_config_free(cfg);
		return RD_E_CONFIG;
	}
	rc = rd_config_parse_string(cfg, text, file, e);
	free(text);
	if (rc != RD_OK) {
		free(file);
		rd_config_free(cfg);
		return rc;
	}
	cfg->file = file;
	{
		char *slash = strrchr(file, '/');
		cfg->dir = slash ? strndup(file, (size_t)(slash - file)) : strdup(".");
		if (cfg->dir && !cfg->dir[0]) {
			free(cfg->dir);
			cfg->dir = strdup("/");
		}
	}
	*out = cfg;
	return RD_OK;
}

const char *rd_config_file(const rd_config *cfg)
{
	return cfg ? cfg->file : NULL;
}

const char *rd_config_str(const rd_config *cfg, const char *section, const char *key)
{
	const struct entry *en = cfg ? find_entry(cfg, section, key) : NULL;
	const struct key_spec *k;
	if (en)
		return en->value;
	k = find_spec(section, key);
	return k ? k->def : NULL;
}

long rd_config_int(const rd_config *cfg, const char *section, const char *key)
{
	const char *v = rd_config_str(cfg, section, key);
	return v ? strtol(v, NULL, 10) : 0;
}

bool rd_config_bool(const rd_config *cfg, const char *section, const char *key)
{
	const char *v = rd_config_str(cfg, section, key);
	bool b = false;
	return v && bool_value(v, &b) && b;
}

static char *data_dir(const rd_config *cfg)
{
	const char *v = cfg ? find_entry(cfg, "radesk", "data_dir") ? rd_config_str(cfg, "radesk", "data_dir") : NULL : NULL;
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (v) {
		if (v[0] == '/' || !cfg->dir)
			return strdup(v);
		return rd_asprintf("%s/%s", cfg->dir, v);
	}
	if (xdg && *xdg)
		return rd_asprintf("%s/radesk", xdg);
	return rd_asprintf("%s/.local/share/radesk", home && *home ? home : ".");
}

char *rd_config_path(const rd_config *cfg, const char *section, const char *key)
{
	const char *v;
	if (!strcmp(section, "radesk") && !strcmp(key, "data_dir"))
		return data_dir(cfg);
	v = rd_config_str(cfg, section, key);
	if (!v) { /* files that live in the data directory by default */
		char *dir = data_dir(cfg);
		char *p = NULL;
		if (!strcmp(section, "db") && !strcmp(key, "path"))
			p = rd_asprintf("%s/radesk.db", dir);
		else if (!strcmp(section, "security") && !strcmp(key, "key_file"))
			p = rd_asprintf("%s/radesk.key", dir);
		free(dir);
		return p;
	}
	if (v[0] == '/' || !cfg || !cfg->dir)
		return strdup(v);
	/* a value set on the command line is relative to the current directory */
	{
		const struct entry *en = find_entry(cfg, section, key);
		if (en && en->line == 0)
			return strdup(v);
	}
	return rd_asprintf("%s/%s", cfg->dir, v);
}

rd_code rd_config_set(rd_config *cfg, const char *section, const char *key, const char *value,
		      rd_err *e)
{
	const struct key_spec *k = find_spec(section, key);
	char where[256];
	snprintf(where, sizeof where, "[%s] %s", section, key);
	if (!k)
		return rd_fail_at(e, RD_E_CONFIG, where, _("unknown key '%s'"), key);
	if (check_value(k, value, where, e) != RD_OK)
		return RD_E_CONFIG;
	return put(cfg, section, key, value, 0, e);
}

size_t rd_config_sections(const rd_config *cfg, const char *prefix, const char **names, size_t max)
{
	size_t n = 0, plen = strlen(prefix);
	for (size_t i = 0; cfg && i < cfg->n; i++) {
		const char *s = cfg->v[i].section;
		bool seen = false;
		if (strncmp(s, prefix, plen) != 0)
			continue;
		for (size_t j = 0; j < n; j++)
			if (!strcmp(names[j], s))
				seen = true;
		if (!seen && n < max)
			names[n++] = s;
	}
	return n;
}

size_t rd_config_keys(const rd_config *cfg, const char *section, const char **keys, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; cfg && i < cfg->n; i++)
		if (!strcmp(cfg->v[i].section, section) && n < max)
			keys[n++] = cfg->v[i].key;
	return n;
}

static const char *type_name(enum key_type t)
{
	static const char *const names[] = {"str", "path", "int", "bool", "enum", "money"};
	return names[t];
}

/* One key of one (concrete) section: its entry or its default. */
static int each_key(const rd_config *cfg, const struct key_spec *k, const char *section, rd_config_item_fn fn,
		    void *ud)
{
	const struct entry *en = cfg ? find_entry(cfg, section, k->key) : NULL;
	rd_config_item it = {section, k->key, en ? en->value : k->def, type_name(k->type), en ? en->line : 0, !en};
	return fn(ud, &it);
}

void rd_config_each(const rd_config *cfg, rd_config_item_fn fn, void *ud)
{
	for (size_t i = 0; i < RD_ARRAY_LEN(key_specs); i++) {
		const struct key_spec *k = &key_specs[i];
		size_t n = strlen(k->section);
		bool wild_section = n >= 2 && strcmp(k->section + n - 2, ".*") == 0;
		if (i > 0 && !strcmp(key_specs[i - 1].section, k->section) && wild_section)
			continue; /* a wildcard section is walked once, all its keys at a time */
		if (!strcmp(k->key, "*")) { /* configured keys only */
			for (size_t j = 0; cfg && j < cfg->n; j++) {
				const struct entry *en = &cfg->v[j];
				if (!section_matches(k->section, en->section))
					continue;
				rd_config_item it = {en->section, en->key, en->value, type_name(k->type), en->line, false};
				if (fn(ud, &it))
					return;
			}
			continue;
		}
		if (!wild_section) {
			if (each_key(cfg, k, k->section, fn, ud))
				return;
			continue;
		}
		/* each configured section of this kind, with every key of the kind */
		for (size_t j = 0; cfg && j < cfg->n; j++) {
			const char *s = cfg->v[j].section;
			bool seen = false;
			if (!section_matches(k->section, s))
				continue;
			for (size_t p = 0; p < j && !seen; p++)
				seen = !strcmp(cfg->v[p].section, s);
			if (seen)
				continue;
			for (size_t m = i; m < RD_ARRAY_LEN(key_specs) && !strcmp(key_specs[m].section, k->section); m++)
				if (each_key(cfg, &key_specs[m], s, fn, ud))
					return;
		}
	}
}
