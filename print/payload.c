/* QR payloads: RADESK1|<app.no>|<doc>|<copy>/<copies>|<page>/<pages>|<code> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"

#define PAYLOAD_TAG "RADESK1"

static bool app_no_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '|' || *p >= 0x7f)
			return false;
	return true;
}

/* HMAC over the head and every printed field, sorted by name:
 * "head\0" then "name\0value\0" per field. */
rd_code pr_payload_make(const struct rd_print_ctx *ctx, const unsigned char *key, size_t key_len,
			pr_lookup_fn lookup, void *ud, rd_print_doc doc, int copy, int copies,
			int page, int pages, char *out, size_t outlen, rd_err *e)
{
	if (!ctx || !key || !key_len)
		return rd_fail(e, RD_E_INTERNAL, _("nothing to print"));
	if ((unsigned)doc >= RD_DOC_COUNT)
		return rd_fail_at(e, RD_E_INVALID, "doc", _("not a single document"));
	const char *no = lookup(ud, "app.no");
	if (!app_no_ok(no))
		return rd_fail_at(e, RD_E_INVALID, "app.no",
				  _("application number is missing or has spaces, '|' or non-ASCII characters"));
	if (copy < 1 || copy > copies || page < 1 || page > pages || copies > 99 || pages > 999)
		return rd_fail(e, RD_E_INTERNAL, _("copy or page number out of range"));
	char head[160];
	int hn = snprintf(head, sizeof head, PAYLOAD_TAG "|%s|%s|%d/%d|%d/%d", no, rd_print_doc_name(doc),
			  copy, copies, page, pages);
	size_t cap = (size_t)hn + 1, n = 0;
	for (size_t i = 0; i < ctx->nused[doc]; i++) {
		const char *v = lookup(ud, ctx->used[doc][i]);
		cap += strlen(ctx->used[doc][i]) + 1 + (v ? strlen(v) : 0) + 1;
	}
	unsigned char *msg = malloc(cap);
	if (!msg)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	memcpy(msg, head, (size_t)hn + 1);
	n = (size_t)hn + 1;
	for (size_t i = 0; i < ctx->nused[doc]; i++) {
		const char *k = ctx->used[doc][i], *v = lookup(ud, k);
		if (!v)
			v = "";
		memcpy(msg + n, k, strlen(k) + 1);
		n += strlen(k) + 1;
		memcpy(msg + n, v, strlen(v) + 1);
		n += strlen(v) + 1;
	}
	unsigned char mac[32];
	rd_hmac_sha256(key, key_len, msg, n, mac);
	free(msg);
	char hex[65];
	rd_hex(mac, 8, hex);
	for (char *p = hex; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	rd_memzero(mac, sizeof mac);
	if ((size_t)snprintf(out, outlen, "%s|%s", head, hex) >= outlen)
		return rd_fail(e, RD_E_INTERNAL, _("payload buffer too small"));
	return RD_OK;
}

static const char *fields_lookup(void *ud, const char *name)
{
	return rd_print_fields_get(ud, name);
}

rd_code rd_print_payload_build(const unsigned char *key, size_t key_len, const rd_print_ctx *ctx,
			       const rd_print_fields *fields, rd_print_doc doc, int copy,
			       int copies, int page, int pages, char *out, size_t outlen,
			       rd_err *e)
{
	return pr_payload_make(ctx, key, key_len, fields_lookup, (void *)fields, doc, copy, copies,
			       page, pages, out, outlen, e);
}

static bool parse_int(const char *s, size_t n, int max, int *out)
{
	if (n == 0 || n > 3 || s[0] == '0')
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_frac(const char *s, size_t n, int max, int *a, int *b)
{
	const char *slash = memchr(s, '/', n);
	if (!slash)
		return false;
	return parse_int(s, (size_t)(slash - s), max, a) &&
	       parse_int(slash + 1, n - (size_t)(slash - s) - 1, max, b) && *a <= *b;
}

rd_code rd_print_payload_parse(const char *payload, rd_print_payload *out, rd_err *e)
{
	memset(out, 0, sizeof *out);
	const char *part[6];
	size_t len[6];
	int n = 0;
	if (!payload || strlen(payload) > 200)
		return rd_fail_at(e, RD_E_INVALID, "payload", _("not a radesk print code"));
	const char *p = payload;
	while (n < 6) {
		const char *bar = strchr(p, '|');
		part[n] = p;
		len[n] = bar ? (size_t)(bar - p) : strlen(p);
		n++;
		if (!bar)
			break;
		p = bar + 1;
	}
	if (n != 6 || strchr(part[5], '|') || len[0] != strlen(PAYLOAD_TAG) ||
	    memcmp(part[0], PAYLOAD_TAG, len[0]))
		return rd_fail_at(e, RD_E_INVALID, "payload", _("not a radesk print code"));
	if (len[1] == 0 || len[1] >= sizeof out->app_no)
		return rd_fail_at(e, RD_E_INVALID, "payload", _("bad application number"));
	memcpy(out->app_no, part[1], len[1]);
	if (!app_no_ok(out->app_no))
		return rd_fail_at(e, RD_E_INVALID, "payload", _("bad application number"));
	char doc[32];
	if (len[2] >= sizeof doc)
		return rd_fail_at(e, RD_E_INVALID, "payload", _("unknown document"));
	memcpy(doc, part[2], len[2]);
	doc[len[2]] = 0;
	if (rd_print_doc_parse(doc, &out->doc, NULL) || out->doc == RD_DOC_PACKET)
		return rd_fail_at(e, RD_E_INVALID, "payload", _("unknown document"));
	if (!parse_frac(part[3], len[3], 99, &out->copy, &out->copies))
		return rd_fail_at(e, RD_E_INVALID, "payload", _("bad copy number"));
	if (!parse_frac(part[4], len[4], 999, &out->page, &out->pages))
		return rd_fail_at(e, RD_E_INVALID, "payload", _("bad page number"));
	if (len[5] != 16)
		return rd_fail_at(e, RD_E_INVALID, "payload", _("bad integrity code"));
	for (size_t i = 0; i < 16; i++) {
		char c = part[5][i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return rd_fail_at(e, RD_E_INVALID, "payload", _("bad integrity code"));
	}
	memcpy(out->code, part[5], 16);
	return RD_OK;
}

rd_code rd_print_payload_verify(const unsigned char *key, size_t key_len, const char *payload,
				const rd_print_ctx *ctx, const rd_print_fields *fields,
				rd_print_payload *out, rd_err *e)
{
	rd_code rc = rd_print_payload_parse(payload, out, e);
	if (rc)
		return rc;
	const char *no = rd_print_fields_get(fields, "app.no");
	char want[256];
	if (no && !strcmp(no, out->app_no)) {
		rc = rd_print_payload_build(key, key_len, ctx, fields, out->doc, out->copy, out->copies,
					    out->page, out->pages, want, sizeof want, e);
		if (rc)
			return rc;
		const char *code = strrchr(want, '|') + 1;
		out->valid = rd_mem_eq(code, out->code, 16);
	}
	if (!out->valid)
		return rd_fail_at(e, RD_E_REFUSED, "payload",
				  _("integrity code does not match application %s: the paper was edited or "
				    "does not belong to this record"),
				  out->app_no);
	return RD_OK;
}
