/* Certificate products: [product.<id>] sections of the configuration, or
 * the built-in three when none is configured. */
#include "forms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PRODUCTS 128

struct rd_products {
	rd_product *own; /* NULL for the built-in list */
	const rd_product *v;
	size_t n;
};


static const rd_product builtin_list[] = {
	{"personal-sign", N_("Personal signing certificate"), "个人签名证书", RD_APP_INDIVIDUAL,
	 RD_KEY_EC_P256, false, 3, ""},
	{"org-sign", N_("Organization signing certificate"), "单位签名证书", RD_APP_ORGANIZATION,
	 RD_KEY_EC_P256, false, 3, ""},
	{"org-seal", N_("Organization electronic seal certificate"), "单位电子印章证书",
	 RD_APP_ORGANIZATION, RD_KEY_EC_P256, true, 3, ""},
};
static const rd_products builtin_products = {NULL, builtin_list, RD_ARRAY_LEN(builtin_list)};

const rd_products *rd__builtin_products(void)
{
	return &builtin_products;
}

const char *rd_key_type_name(rd_key_type t)
{
	return t == RD_KEY_RSA_2048 ? "rsa-2048" : "ec-p256";
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > RD_SLUG_MAX_CHARS)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static rd_code copy_value(char *dst, size_t n, long max_chars, const char *value, const char *where,
			  rd_err *e)
{
	if (rd_check_text(value, 1, max_chars, where, e) != RD_OK) {
		if (e)
			e->code = RD_E_CONFIG;
		return RD_E_CONFIG;
	}
	rd_norm_text(value, dst, n);
	return RD_OK;
}

static rd_code load_section(const rd_config *cfg, const char *section, rd_product *p, rd_err *e)
{
	const char *id = section + strlen("product.");
	const char *v;
	char where[160];
	snprintf(where, sizeof where, "[%s]", section);
	if (!valid_id(id))
		return rd_fail_at(e, RD_E_CONFIG, where,
				  _("product id '%s' must be 1 to 32 of a-z, 0-9, '-' and '_'"), id);
	memset(p, 0, sizeof *p);
	rd_strlcpy(p->id, id, sizeof p->id);
	v = rd_config_str(cfg, section, "name");
	snprintf(where, sizeof where, "[%s] name", section);
	if (copy_value(p->name, sizeof p->name, 60, v ? v : id, where, e) != RD_OK)
		return RD_E_CONFIG;
	v = rd_config_str(cfg, section, "name_zh");
	snprintf(where, sizeof where, "[%s] name_zh", section);
	if (copy_value(p->name_zh, sizeof p->name_zh, 60, v ? v : p->name, where, e) != RD_OK)
		return RD_E_CONFIG;
	v = rd_config_str(cfg, section, "profile");
	snprintf(where, sizeof where, "[%s] profile", section);
	if (v && *v && copy_value(p->profile, sizeof p->profile, 32, v, where, e) != RD_OK)
		return RD_E_CONFIG;
	p->kind = rd_app_kind_parse(rd_config_str(cfg, section, "kind"));
	if (p->kind == RD_APP_KIND_NONE)
		p->kind = RD_APP_INDIVIDUAL;
	p->key_type = rd_streq(rd_config_str(cfg, section, "key_type"), "rsa-2048") ? RD_KEY_RSA_2048
										     : RD_KEY_EC_P256;
	p->impression = rd_config_bool(cfg, section, "impression");
	p->max_years = (int)rd_config_int(cfg, section, "max_years");
	if (p->max_years < 1 || p->max_years > 10)
		p->max_years = 3;
	return RD_OK;
}

rd_code rd_products_load(const rd_config *cfg, rd_products **out, rd_err *e)
{
	const char *names[MAX_PRODUCTS];
	size_t n = cfg ? rd_config_sections(cfg, "product.", names, MAX_PRODUCTS) : 0;
	rd_products *ps = calloc(1, sizeof *ps);
	*out = NULL;
	if (!ps)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (n == 0) {
		*ps = builtin_products;
		*out = ps;
		return RD_OK;
	}
	ps->own = calloc(n, sizeof *ps->own);
	if (!ps->own) {
		free(ps);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	ps->v = ps->own;
	for (size_t i = 0; i < n; i++) {
		if (load_section(cfg, names[i], &ps->own[i], e) != RD_OK) {
			rd_products_free(ps);
			return RD_E_CONFIG;
		}
	}
	ps->n = n;
	*out = ps;
	return RD_OK;
}

void rd_products_free(rd_products *p)
{
	if (!p)
		return;
	free(p->own);
	free(p);
}

size_t rd_products_count(const rd_products *p)
{
	return p ? p->n : 0;
}

const rd_product *rd_products_at(const rd_products *p, size_t i)
{
	return p && i < p->n ? &p->v[i] : NULL;
}

const rd_product *rd_products_find(const rd_products *p, const char *id)
{
	for (size_t i = 0; p && id && i < p->n; i++)
		if (!strcmp(p->v[i].id, id))
			return &p->v[i];
	return NULL;
}

const char *rd_product_display_name(const rd_product *p)
{
	/* A Chinese catalogue is active when it translates the product label. */
	const char *label = "Product";
	if (!p)
		return "";
	if (strcmp(_(label), label) != 0)
		return p->name_zh;
	return _(p->name);
}
