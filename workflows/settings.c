/* The admin's settings: the effective configuration with secrets masked,
 * and the checks of the CA link and the printer queue. */
#include "workflows/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca/ca.h"
#include "print/print.h"

#define MASK "******"

/* A name (of a key, or of a parameter inside a value) names a secret when
 * one of its words ("_" or "-" between them) is one of these, or it holds
 * one of the pairs: auth_key, api_key, private_key. */
static const char *const secret_words[] = {"password", "passwd", "passphrase", "pwd", "pass", "secret",
					   "token", "pin", "apikey", "authkey", "credentials", NULL};
static const char *const secret_pairs[][2] = {{"auth", "key"}, {"api", "key"}, {"private", "key"}};

static bool name_is_secret(const char *name, size_t len, bool pkcs11)
{
	char low[64], *words[16], *save = NULL;
	size_t n = 0;
	if (len == 0 || len >= sizeof low)
		return false;
	for (size_t i = 0; i < len; i++)
		low[i] = name[i] == '-' ? '_' : (char)tolower((unsigned char)name[i]);
	low[len] = '\0';
	if (pkcs11) /* a PKCS#11 URI: token= and object= are labels; only the PIN is secret */
		return !strcmp(low, "pin_value");
	for (char *w = strtok_r(low, "_", &save); w && n < RD_ARRAY_LEN(words); w = strtok_r(NULL, "_", &save))
		words[n++] = w;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; secret_words[k]; k++)
			if (!strcmp(words[i], secret_words[k]))
				return true;
		for (size_t k = 0; i + 1 < n && k < RD_ARRAY_LEN(secret_pairs); k++)
			if (!strcmp(words[i], secret_pairs[k][0]) && !strcmp(words[i + 1], secret_pairs[k][1]))
				return true;
	}
	return false;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* A key whose whole value is a secret: an auth key, a password, a token.
 * Keys that only say where a secret is (…_file, …_env) are not. */
static bool key_is_secret(const char *key)
{
	if (has_suffix(key, "_file") || has_suffix(key, "_env"))
		return false;
	return name_is_secret(key, strlen(key), false);
}

struct buf {
	char *p;
	size_t len, cap;
	bool nomem;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	char *np = rd_grow(b->p, &b->cap, b->len + n + 1, 1, 256);
	if (!np) {
		b->nomem = true;
		return;
	}
	b->p = np;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Parts of a value that are secrets: the password of a URL
 * (scheme://user:PASSWORD@host), and the value of name=VALUE,
 * name:VALUE (not in a URL's scheme) or "--name VALUE" whenever the name
 * is a secret word (pkcs11:...;pin-value=1234, ?token=..., --password x). */
static char *mask_inline(const char *v, bool *masked)
{
	bool pkcs11 = !strncmp(v, "pkcs11:", 7);
	struct buf b = {0};
	const char *p = v;
	put(&b, "", 0);
	while (*p) {
		const char *start = p, *end;
		/* scheme://user:password@ */
		if (!strncmp(p, "://", 3)) {
			const char *at, *colon, *stop = p + 3 + strcspn(p + 3, "/?#");
			put(&b, p, 3);
			p += 3;
			at = memchr(p, '@', (size_t)(stop - p));
			colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
			if (colon) {
				put(&b, p, (size_t)(colon - p) + 1);
				put(&b, MASK, strlen(MASK));
				*masked = true;
				p = at;
			}
			continue;
		}
		if (!is_name_char(*p)) {
			put(&b, p++, 1);
			continue;
		}
		while (is_name_char(*p))
			p++;
		end = p;
		/* a name: is a value attached to it? */
		{
			bool dash = end - start > 2 && start[0] == '-' && start[1] == '-'; /* --name value */
			bool secret = name_is_secret(start, (size_t)(end - start), pkcs11);
			char sep = *p;
			put(&b, start, (size_t)(end - start));
			if (!secret)
				continue;
			if (((sep == '=' || (sep == ':' && strncmp(p, "://", 3))) && p[1]) ||
			    (dash && sep == ' ' && p[1] && p[1] != '-')) { /* name=v, name: v, --name v */
				put(&b, p, 1);
				p++;
			} else {
				continue;
			}
			if (*p == '"' || *p == '\'') { /* a quoted value: up to the closing quote */
				const char *q = strchr(p + 1, *p);
				p = q ? q + 1 : p + strlen(p);
			} else {
				p += strcspn(p, " \t;&,?#");
			}
			put(&b, MASK, strlen(MASK));
			*masked = true;
		}
	}
	if (b.nomem) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

char *rd_setting_mask(const char *key, const char *type, const char *value, bool *masked)
{
	bool dummy;
	if (!masked)
		masked = &dummy;
	*masked = false;
	if (!value)
		return NULL;
	if (type && strcmp(type, "str") != 0) /* numbers, switches, choices, amounts and paths */
		return rd_strdup(value);
	if (key_is_secret(key)) {
		*masked = *value != '\0';
		return rd_strdup(*value ? MASK : "");
	}
	return mask_inline(value, masked);
}

struct walk {
	const rd_config *cfg;
	rd_setting_fn fn;
	void *ud;
	bool nomem;
};

static int visit(void *ud, const rd_config_item *it)
{
	struct walk *w = ud;
	rd_setting st = {it->section, it->key, NULL, it->line, it->is_default, false};
	char *shown = NULL;
	int stop;
	if (!strcmp(it->type, "path")) /* where the file really is: relative to the config file, defaults filled in */
		shown = rd_config_path(w->cfg, it->section, it->key);
	else if (it->value && !(shown = rd_setting_mask(it->key, it->type, it->value, &st.masked))) {
		w->nomem = true;
		return 1;
	}
	st.value = shown;
	stop = w->fn(w->ud, &st);
	free(shown);
	return stop;
}

rd_code rd_settings_each(rd_ctx *ctx, rd_setting_fn fn, void *ud, rd_err *e)
{
	struct walk w = {ctx->cfg, fn, ud, false};
	rd_code rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN);
	if (rc != RD_OK)
		return rc;
	rd_config_each(ctx->cfg, visit, &w);
	if (w.nomem)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	return RD_OK;
}

/* ---- checks ---- */

rd_code rd_ca_link_check(rd_ctx *ctx, rd_ca_link *out, rd_err *e)
{
	rd_ca_settings s;
	void *owned = NULL;
	rd_ca *ca = NULL;
	rd_ca_ping p;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_ADMIN, RD_ROLE_CLERK)) != RD_OK)
		return rc;
	if (rd_ca_settings_from_config(ctx->cfg, &s, &owned, e) != RD_OK)
		return e ? e->code : RD_E_CONFIG;
	rd_strlcpy(out->driver, s.driver ? s.driver : "", sizeof out->driver);
	rd_strlcpy(out->url, s.url ? s.url : "", sizeof out->url);
	out->max_skew_s = s.max_skew_s > 0 ? s.max_skew_s : 600;
	s.log = &ctx->log;
	rc = rd_ca_open(&ca, &s, e);
	rd_ca_settings_release(owned);
	if (rc != RD_OK)
		return rc;
	memset(&p, 0, sizeof p);
	rc = rd_ca_ping_run(ca, &p, e);
	rd_ca_close(ca);
	if (rc != RD_OK)
		return rc;
	out->tls_ms = p.tls_ms;
	out->total_ms = p.total_ms;
	rd_strlcpy(out->tls_version, p.tls_version, sizeof out->tls_version);
	out->http_version = p.http_version;
	out->have_date = p.have_date;
	out->skew_s = p.skew_s;
	rd_strlcpy(out->ca_subject, p.info.subject, sizeof out->ca_subject);
	out->ca_not_after = p.info.not_after;
	out->chain_trusted = p.info.trusted;
	rd_ca_ping_free(&p);
	out->ok = true;
	if (!out->chain_trusted) {
		out->ok = false;
		snprintf(out->problem, sizeof out->problem, "%s",
			 _("the CA's certificate does not chain to [ca] trust"));
	} else if (out->have_date && labs(out->skew_s) > out->max_skew_s) {
		out->ok = false;
		snprintf(out->problem, sizeof out->problem,
			 _("the clocks differ by %+ld s, more than [ca] max_skew (%ld s)"), out->skew_s,
			 out->max_skew_s);
	} else if (out->ca_not_after && out->ca_not_after < rd_ctx_now(ctx)) {
		out->ok = false;
		snprintf(out->problem, sizeof out->problem, "%s", _("the CA's certificate has expired"));
	}
	return RD_OK;
}

rd_code rd_printer_check(rd_ctx *ctx, const char *printer, rd_printer_link *out, rd_err *e)
{
	rd_printer_status ps;
	rd_code rc;
	memset(out, 0, sizeof *out);
	if ((rc = rd_require_role(ctx, e, 2, RD_ROLE_ADMIN, RD_ROLE_CLERK)) != RD_OK)
		return rc;
	if (!printer || !*printer)
		printer = rd_config_str(ctx->cfg, "print", "printer");
	if (!printer || !*printer)
		return rd_fail_at(e, RD_E_CONFIG, "print.printer",
				  _("no printer queue is configured; documents are only saved as PDF"));
	rc = rd_print_printer_status(printer, NULL, &ps, e);
	rd_strlcpy(out->printer, ps.printer, sizeof out->printer);
	rd_strlcpy(out->server, ps.server, sizeof out->server);
	rd_strlcpy(out->state, ps.state, sizeof out->state);
	out->accepting = ps.accepting;
	rd_strlcpy(out->detail, ps.detail, sizeof out->detail);
	return rc;
}
