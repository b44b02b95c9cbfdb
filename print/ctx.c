/* The print context: templates, agreement text, font and key. */
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <libgen.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "print/internal.h"

static const char *const tpl_files[RD_DOC_COUNT] = {
	"form.tpl", "agreement.tpl", "authorization.tpl", "impression.tpl", "receipt.tpl",
};

void rd_print_ctx_free(rd_print_ctx *ctx)
{
	if (!ctx)
		return;
	for (int d = 0; d < RD_DOC_COUNT; d++) {
		pr_tpl_free(&ctx->docs[d]);
		for (size_t i = 0; i < ctx->nused[d]; i++)
			free(ctx->used[d][i]);
		free(ctx->used[d]);
	}
	pr_agreement_free(&ctx->agr);
	if (ctx->key)
		rd_secret_free((char *)ctx->key, ctx->key_len);
	free(ctx->font);
	free(ctx->font_dir);
	if (ctx->fontmap)
		g_object_unref(ctx->fontmap);
	free(ctx);
}

const char *rd_print_agreement_version(const rd_print_ctx *ctx)
{
	return ctx ? ctx->agr.version : NULL;
}

static bool font_installed(PangoFontMap *fm, const char *family)
{
	PangoFontFamily **fams = NULL;
	int n = 0;
	bool found = false;
	pango_font_map_list_families(fm ? fm : pango_cairo_font_map_get_default(), &fams, &n);
	for (int i = 0; i < n && !found; i++)
		found = !strcasecmp(pango_font_family_get_name(fams[i]), family);
	g_free(fams);
	return found;
}

/* ---- prepared fonts ------------------------------------------------------------
 * scripts/prepare-font flattens Noto Sans CJK so that cairo embeds only the
 * glyphs a PDF uses (see the script for why).  The prepared files keep the
 * family name, so they must not compete with the system's copy: the print
 * context gets a fontconfig configuration of its own, the system's plus
 * rules that reject every face of a prepared family but the prepared file
 * (a file-name glob can not override a family pattern, a file pattern can). */

static bool is_font_file(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcasecmp(dot, ".otf") || !strcasecmp(dot, ".ttf"));
}

/* XML text for a fontconfig file: & < > " escaped.  malloc'd. */
static char *xml_text(const char *s)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += strchr("&<>\"", *p) ? 6 : 1;
	char *out = malloc(n), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s; *p; p++) {
		const char *rep = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '"' ? "&quot;" : NULL;
		if (rep)
			o = stpcpy(o, rep);
		else
			*o++ = *p;
	}
	*o = 0;
	return out;
}

/* Appends to *xml, for each font file in dir, a rule that accepts that file
 * and rejects every other face of its family; *nfonts counts them. */
static rd_code prefer_prepared(const char *dir, char **xml, int *nfonts, rd_err *e)
{
	DIR *d = opendir(dir);
	if (!d)
		return rd_fail_at(e, RD_E_CONFIG, "print.font_dir", _("cannot open the font folder %s"), dir);
	rd_code rc = RD_OK;
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (!is_font_file(de->d_name))
			continue;
		char *path = rd_asprintf("%s/%s", dir, de->d_name);
		int count = 0;
		FcPattern *pat = path ? FcFreeTypeQuery((const FcChar8 *)path, 0, NULL, &count) : NULL;
		FcChar8 *family = NULL;
		if (!pat || FcPatternGetString(pat, FC_FAMILY, 0, &family) != FcResultMatch) {
			rc = rd_fail_at(e, RD_E_CONFIG, "print.font_dir", _("%s is not a font file"),
					path ? path : de->d_name);
		} else {
			char *fam = xml_text((const char *)family), *file = xml_text(path);
			char *next = fam && file ? rd_asprintf(
				"%s<selectfont><acceptfont><pattern><patelt name=\"file\"><string>%s</string>"
				"</patelt></pattern></acceptfont><rejectfont><pattern><patelt name=\"family\">"
				"<string>%s</string></patelt></pattern></rejectfont></selectfont>",
				*xml, file, fam) : NULL;
			free(fam);
			free(file);
			if (!next)
				rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
			else {
				free(*xml);
				*xml = next;
				(*nfonts)++;
			}
		}
		if (pat)
			FcPatternDestroy(pat);
		free(path);
	}
	closedir(d);
	return rc;
}

/* ctx->fontmap over the system fonts with the prepared fonts of dir in place
 * of the system's faces of their families; left NULL when dir has none. */
static rd_code open_font_dir(rd_print_ctx *ctx, const char *dir_arg, rd_err *e)
{
	char dir[PATH_MAX];
	if (!realpath(dir_arg, dir))
		return rd_fail_at(e, RD_E_CONFIG, "print.font_dir", _("cannot open the font folder %s"), dir_arg);
	char *rules = strdup(""), *xml = NULL, *xdir = xml_text(dir);
	int nfonts = 0;
	rd_code rc = rules && xdir ? prefer_prepared(dir, &rules, &nfonts, e)
				   : rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (rc || nfonts == 0)
		goto out;
	xml = rd_asprintf("<?xml version=\"1.0\"?><fontconfig><dir>%s</dir>%s</fontconfig>", xdir, rules);
	FcConfig *fc = xml ? FcInitLoadConfig() : NULL;
	if (!fc || !FcConfigParseAndLoadFromMemory(fc, (const FcChar8 *)xml, FcTrue) ||
	    !FcConfigBuildFonts(fc)) {
		rc = rd_fail_at(e, RD_E_CONFIG, "print.font_dir", _("cannot load the fonts in %s"), dir);
	} else {
		ctx->fontmap = pango_cairo_font_map_new();
		pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(ctx->fontmap), fc);
		if (!(ctx->font_dir = strdup(dir)))
			rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	if (fc)
		FcConfigDestroy(fc);
out:
	free(rules);
	free(xml);
	free(xdir);
	return rc;
}

static rd_code load_file(const char *path, char **text, rd_err *e)
{
	size_t len;
	rd_code rc = rd_file_read(path, 1 << 20, text, &len, e);
	if (rc)
		return rd_fail_at(e, rc == RD_E_NOMEM ? rc : RD_E_CONFIG, path,
				  _("cannot read the file: %s"), e ? e->msg : "");
	return RD_OK;
}

static rd_code add_names(char ***v, size_t *n, char **src, size_t m, rd_err *e)
{
	char **nv = realloc(*v, (*n + m) * sizeof(*nv) + sizeof(*nv));
	if (!nv)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	*v = nv;
	for (size_t i = 0; i < m; i++) {
		if (!(nv[*n] = strdup(src[i])))
			return rd_fail(e, RD_E_NOMEM, _("out of memory"));
		(*n)++;
	}
	return RD_OK;
}

rd_code rd_print_ctx_new(rd_print_ctx **out, const rd_print_settings *s, rd_err *e)
{
	*out = NULL;
	if (!s || !s->templates_dir)
		return rd_fail_at(e, RD_E_CONFIG, "print.templates", _("no template directory"));
	if (!s->key || s->key_len < 16)
		return rd_fail_at(e, RD_E_INVALID, "key", _("the RA key must be at least 16 bytes"));
	rd_print_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	rd_code rc = RD_OK;
	char *text = NULL, *path = NULL, *agr_path = NULL;
	ctx->font = strdup(s->font && *s->font ? s->font : "Noto Sans CJK SC");
	ctx->key = malloc(s->key_len);
	if (!ctx->font || !ctx->key) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto fail;
	}
	memcpy(ctx->key, s->key, s->key_len);
	ctx->key_len = s->key_len;
	if (s->font_dir && (rc = open_font_dir(ctx, s->font_dir, e)))
		goto fail;
	if (!font_installed(ctx->fontmap, ctx->font)) {
		rc = rd_fail_at(e, RD_E_CONFIG, "print.font",
				_("font '%s' is not installed (Debian package fonts-noto-cjk)"), ctx->font);
		goto fail;
	}
	for (int d = 0; d < RD_DOC_COUNT; d++) {
		path = rd_asprintf("%s/%s", s->templates_dir, tpl_files[d]);
		if (!path) {
			rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
			goto fail;
		}
		if ((rc = load_file(path, &text, e)) || (rc = pr_tpl_parse(text, path, &ctx->docs[d], e)))
			goto fail;
		free(text);
		free(path);
		text = path = NULL;
	}
	if (ctx->docs[RD_DOC_FORM].ncopies == 0) {
		rc = rd_fail_at(e, RD_E_INVALID, ctx->docs[RD_DOC_FORM].path,
				_("the form template needs a 'copies' line"));
		goto fail;
	}
	agr_path = s->agreement_path ? strdup(s->agreement_path)
				     : rd_asprintf("%s/../agreement.txt", s->templates_dir);
	if (!agr_path) {
		rc = rd_fail(e, RD_E_NOMEM, _("out of memory"));
		goto fail;
	}
	if ((rc = load_file(agr_path, &text, e)) || (rc = pr_agreement_parse(text, agr_path, &ctx->agr, e)))
		goto fail;
	for (int d = 0; d < RD_DOC_COUNT; d++) {
		char *no = "app.no";
		if ((rc = add_names(&ctx->used[d], &ctx->nused[d], ctx->docs[d].used, ctx->docs[d].nused, e)) ||
		    (rc = add_names(&ctx->used[d], &ctx->nused[d], &no, 1, e)))
			goto fail;
		if (d == RD_DOC_AGREEMENT &&
		    (rc = add_names(&ctx->used[d], &ctx->nused[d], ctx->agr.used, ctx->agr.nused, e)))
			goto fail;
		pr_sort_unique(ctx->used[d], &ctx->nused[d]);
	}
	free(text);
	free(agr_path);
	*out = ctx;
	return RD_OK;
fail:
	free(text);
	free(path);
	free(agr_path);
	rd_print_ctx_free(ctx);
	return rc;
}

/* share/ beside the source tree of the running binary (build/radesk ->
 * build/../share), else PREFIX/share/radesk. */
static char *share_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *dir = dirname(exe);
		for (int up = 1; up <= 3; up++) {
			char *cand = rd_asprintf("%s/%.*s/share/templates", dir, up * 3 - 1,
						 "../../../");
			if (cand && rd_file_exists(cand)) {
				cand[strlen(cand) - strlen("/templates")] = 0;
				return cand;
			}
			free(cand);
		}
	}
	char *p = rd_asprintf("%s/share/radesk", RADESK_PREFIX);
	if (p && !rd_file_exists(p)) {
		free(p);
		return NULL;
	}
	return p;
}

char *rd_print_templates_dir(const rd_config *cfg)
{
	char *p = cfg ? rd_config_path(cfg, "print", "templates") : NULL;
	if (p)
		return p;
	char *s = share_dir();
	if (!s)
		return NULL;
	p = rd_asprintf("%s/templates", s);
	free(s);
	return p;
}

char *rd_print_font_dir(const rd_config *cfg)
{
	char *p = cfg ? rd_config_path(cfg, "print", "font_dir") : NULL;
	if (p)
		return p;
	char *s = share_dir();
	if (!s)
		return NULL;
	p = rd_asprintf("%s/fonts", s);
	free(s);
	if (p && !rd_file_exists(p)) {
		free(p);
		return NULL;
	}
	return p;
}

char *rd_print_agreement_path(const rd_config *cfg)
{
	char *p = cfg ? rd_config_path(cfg, "print", "agreement") : NULL;
	if (p)
		return p;
	char *s = share_dir();
	if (!s)
		return NULL;
	p = rd_asprintf("%s/agreement.txt", s);
	free(s);
	return p;
}

rd_code rd_print_ctx_from_config(rd_print_ctx **out, const rd_config *cfg,
				 const unsigned char *key, size_t key_len, rd_err *e)
{
	char *tdir = rd_print_templates_dir(cfg), *agr = rd_print_agreement_path(cfg);
	char *fdir = rd_print_font_dir(cfg);
	rd_code rc;
	if (!tdir) {
		rc = rd_fail_at(e, RD_E_CONFIG, "print.templates",
				_("no template directory: set [print] templates"));
	} else {
		rd_print_settings s = {
			.templates_dir = tdir,
			.agreement_path = agr,
			.font = cfg ? rd_config_str(cfg, "print", "font") : NULL,
			.font_dir = fdir,
			.key = key,
			.key_len = key_len,
		};
		rc = rd_print_ctx_new(out, &s, e);
	}
	free(tdir);
	free(agr);
	free(fdir);
	return rc;
}
