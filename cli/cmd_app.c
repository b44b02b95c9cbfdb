/* radesk app: register (JSON import), show, list, edit, cancel, copy. */
#include "cli/internal.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static rd_code read_input(const char *file, char **text, size_t *len, rd_err *e)
{
	if (strcmp(file, "-") != 0)
		return rd_file_read(file, RD_APP_JSON_MAX, text, len, e);
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while (buf && (r = read(STDIN_FILENO, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (n + 1 == cap) {
			char *nb = cap < RD_APP_JSON_MAX ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				return rd_fail_at(e, RD_E_INVALID, "-", _("the input is larger than %u bytes"),
						  RD_APP_JSON_MAX);
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf)
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return RD_OK;
}

static void print_errlist(const char *what, const rd_errlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		cli_fail(what, &l->items[i]);
}

struct import {
	cli *c;
	unsigned flags;
	size_t accepted, rejected;
};

static rd_code import_one(void *ud, size_t index, const rd_application *a, bool ok, const rd_errlist *errs)
{
	struct import *im = ud;
	rd_errlist reg;
	char no[32];
	rd_err e;
	if (!ok) {
		print_errlist("app new", errs);
		im->rejected++;
		return RD_OK;
	}
	rd_errlist_init(&reg);
	if (rd_app_register(im->c->ctx, a, im->flags, no, &reg, &e) == RD_OK) {
		printf("%s\n", no);
		im->accepted++;
	} else {
		if (e.field[0] && !strchr(e.field, '[')) {
			char path[sizeof e.field];
			snprintf(path, sizeof path, "[%zu].%s", index, e.field);
			rd_strlcpy(e.field, path, sizeof e.field);
		}
		if (reg.n && e.code == RD_E_INVALID)
			print_errlist("app new", &reg);
		else
			cli_fail("app new", &e);
		im->rejected++;
		if (e.code != RD_E_INVALID && e.code != RD_E_CONFLICT && e.code != RD_E_REFUSED) {
			rd_errlist_free(&reg);
			return e.code; /* a data or permission failure stops the batch */
		}
	}
	rd_errlist_free(&reg);
	fflush(stdout);
	return RD_OK;
}

static int app_new(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--file", NULL}, *const flags[] = {"--draft", NULL};
	const char *file = cli_opt(argc, argv, "--file");
	struct import im = {c, cli_flag(argc, argv, "--draft") ? RD_APP_DRAFT : 0, 0, 0};
	rd_products *products = NULL;
	rd_errlist errs;
	char *text = NULL;
	size_t len = 0;
	bool was_array = false;
	rd_code rc;
	int status = cli_check_opts("app", argc, argv, vopts, flags);
	if (status)
		return status;
	if (!file)
		return cli_usage("app", _("app new --file FILE (or - for standard input)"));
	if (read_input(file, &text, &len, &c->err) != RD_OK)
		return cli_fail("app new", &c->err);
	if (rd_products_load(c->ctx->cfg, &products, &c->err) != RD_OK) {
		free(text);
		return cli_fail("app new", &c->err);
	}
	rd_errlist_init(&errs);
	rc = rd_application_batch_from_json(text, len, products, rd_ctx_now(c->ctx),
					    (im.flags & RD_APP_DRAFT) ? RD_APP_ANSWER_KEPT | RD_APP_PARTIAL : 0, import_one, &im,
					    &was_array, NULL, NULL, &errs);
	rd_memzero(text, len);
	free(text);
	rd_products_free(products);
	if (rc == RD_E_INVALID && im.accepted + im.rejected == 0) {
		for (size_t i = 0; i < errs.n; i++)
			if (!errs.items[i].field[0])
				rd_strlcpy(errs.items[i].field, file, sizeof errs.items[i].field);
		print_errlist("app new", &errs);
		rd_errlist_free(&errs);
		return 1;
	}
	rd_errlist_free(&errs);
	if (was_array)
		fprintf(stderr, _("radesk: app new: %zu accepted, %zu rejected\n"), im.accepted, im.rejected);
	if (rc != RD_OK && rc != RD_E_INVALID)
		return rd_exit_status(rc);
	return im.rejected ? 1 : 0;
}

struct timeline {
	cli *c;
	int n;
};

static int print_event(void *ud, const rd_audit_row *r)
{
	struct timeline *t = ud;
	char when[32];
	rd_time_local(r->at, when);
	if (t->c->json) {
		printf("%s{\"at\":\"%s\",\"operator\":", t->n ? "," : "", when);
		cli_print_json_string(stdout, r->operator_name);
		printf(",\"action\":");
		cli_print_json_string(stdout, r->action);
		printf(",\"details\":%s}", r->details[0] == '{' ? r->details : "{}");
	} else {
		printf("  %s  %-10s %-22s %s\n", when, r->operator_name, r->action,
		       strcmp(r->details, "{}") ? r->details : "");
	}
	t->n++;
	return 0;
}

static void print_model_text(const rd_application *a)
{
	char buf[64];
	for (const rd_field *f = rd_field_next(NULL); f; f = rd_field_next(f)) {
		const char *v;
		if (f->type == RD_FT_SECRET)
			continue;
		if (f->req[a->kind] == RD_REQ_UNUSED)
			continue;
		v = rd_application_get(a, f->id, buf, sizeof buf);
		if (!v || !*v)
			continue;
		int pad = 24 - rd_utf8_width(_(f->label));
		printf("  %s%*s %s\n", _(f->label), pad > 0 ? pad : 0, "", v);
	}
}

static int app_show(cli *c, const char *no)
{
	rd_application a;
	rd_app_meta m;
	struct timeline t = {c, 0};
	char created[32];
	if (rd_app_fetch(c->ctx, no, &a, &m, &c->err) != RD_OK)
		return cli_fail("app show", &c->err);
	rd_time_local(m.created_at, created);
	if (c->json) {
		json_t *o = rd_application_to_json(&a, 0);
		char *text;
		json_object_set_new(o, "no", json_string(m.no));
		json_object_set_new(o, "state", json_string(m.state));
		json_object_set_new(o, "version", json_integer(m.version));
		json_object_set_new(o, "created_by", json_string(m.created_by));
		json_object_set_new(o, "created_at", json_string(created));
		json_object_set_new(o, "masked", json_boolean(m.masked));
		if (m.copied_from[0])
			json_object_set_new(o, "copied_from", json_string(m.copied_from));
		if (m.cancel_reason[0])
			json_object_set_new(o, "cancel_reason", json_string(m.cancel_reason));
		text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(o);
		if (text) /* the object without its closing brace, then the timeline */
			printf("%.*s,\"timeline\":[", (int)strlen(text) - 1, text);
		else
			printf("{\"timeline\":[");
		free(text);
		rd_app_timeline(c->ctx, no, print_event, &t, NULL);
		printf("]}\n");
	} else {
		printf(_("Application %s — %s (version %d)\n"), m.no, m.state, m.version);
		printf(_("  registered %s by %s\n"), created, m.created_by);
		if (m.copied_from[0])
			printf(_("  copied from %s\n"), m.copied_from);
		if (m.cancel_reason[0])
			printf(_("  cancelled: %s\n"), m.cancel_reason);
		print_model_text(&a);
		printf(_("History:\n"));
		rd_app_timeline(c->ctx, no, print_event, &t, NULL);
	}
	rd_application_clear(&a);
	return 0;
}

struct listing {
	cli *c;
	int n;
};

static int print_summary(void *ud, const rd_app_summary *s)
{
	struct listing *l = ud;
	char when[32];
	rd_time_local(s->created_at, when);
	if (l->c->json) {
		printf("%s{\"no\":\"%s\",\"kind\":\"%s\",\"product\":", l->n ? "," : "", s->no, s->kind);
		cli_print_json_string(stdout, s->product);
		printf(",\"username\":");
		cli_print_json_string(stdout, s->username);
		printf(",\"state\":\"%s\",\"name\":", s->state);
		cli_print_json_string(stdout, s->name);
		printf(",\"created_by\":");
		cli_print_json_string(stdout, s->created_by);
		printf(",\"created_at\":\"%s\"}", when);
	} else {
		int pad = 30 - rd_utf8_width(s->name);
		printf("%-20s %-18s %s%*s %-12s %s\n", s->no, s->state, s->name, pad > 0 ? pad : 0, "", s->username,
		       when);
	}
	l->n++;
	return 0;
}

static int app_list(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--state", "--query", "--from", "--to", "--page", "--limit", NULL};
	static const char *const flags[] = {"--mine", NULL};
	rd_app_query q;
	struct listing l = {c, 0};
	const char *from = cli_opt(argc, argv, "--from"), *to = cli_opt(argc, argv, "--to");
	const char *page = cli_opt(argc, argv, "--page"), *limit = cli_opt(argc, argv, "--limit");
	int status = cli_check_opts("app", argc, argv, vopts, flags);
	if (status)
		return status;
	memset(&q, 0, sizeof q);
	q.text = cli_opt(argc, argv, "--query");
	q.state = cli_opt(argc, argv, "--state");
	q.created_by = cli_flag(argc, argv, "--mine") ? c->ctx->who.name : NULL;
	long long n = 20, p = 1;
	if (limit && !cli_number(limit, 1, 1000, &n))
		return cli_usage("app", _("--limit is 1 to 1000"));
	if (page && !cli_number(page, 1, INT_MAX / 1000, &p))
		return cli_usage("app", _("--page starts at 1"));
	q.limit = (int)n;
	q.offset = (int)(p - 1) * q.limit;
	if ((from && rd_time_parse(from, &q.from, &c->err) != RD_OK) ||
	    (to && rd_time_parse(to, &q.to, &c->err) != RD_OK))
		return cli_fail("app list", &c->err);
	if (c->json)
		printf("[");
	if (rd_app_find(c->ctx, &q, print_summary, &l, &c->err) != RD_OK)
		return cli_fail("app list", &c->err);
	if (c->json)
		printf("]\n");
	return 0;
}

static int app_edit(cli *c, int argc, char **argv, const char *no)
{
	static const char *const vopts[] = {"--file", "--version", NULL}, *const flags[] = {"--draft", NULL};
	const char *file = cli_opt(argc, argv, "--file");
	int64_t ver = 0;
	unsigned flags_ = cli_flag(argc, argv, "--draft") ? RD_APP_DRAFT : 0;
	rd_products *products = NULL;
	rd_application a;
	rd_errlist errs;
	char *text = NULL;
	size_t len = 0;
	rd_code rc;
	int status = cli_check_opts("app", argc, argv, vopts, flags);
	if (status)
		return status;
	if (!file)
		return cli_usage("app", _("app edit NO --file FILE"));
	if (cli_opt_version(c, argc, argv, &ver) != 0)
		return cli_fail("app edit", &c->err);
	if (read_input(file, &text, &len, &c->err) != RD_OK || rd_products_load(c->ctx->cfg, &products, &c->err) != RD_OK) {
		free(text);
		return cli_fail("app edit", &c->err);
	}
	rd_errlist_init(&errs);
	rc = rd_application_from_json(text, len, products, rd_ctx_now(c->ctx),
				      RD_APP_ANSWER_KEPT | ((flags_ & RD_APP_DRAFT) ? RD_APP_PARTIAL : 0), &a, &errs);
	rd_memzero(text, len);
	free(text);
	rd_products_free(products);
	if (rc == RD_OK)
		rc = rd_app_edit(c->ctx, no, &a, ver > INT_MAX ? INT_MAX : (int)ver, flags_, &errs, &c->err);
	rd_application_clear(&a);
	if (rc != RD_OK) {
		if (errs.n)
			print_errlist("app edit", &errs);
		else
			cli_fail("app edit", &c->err);
		rd_errlist_free(&errs);
		return rd_exit_status(rc);
	}
	rd_errlist_free(&errs);
	printf(_("%s updated\n"), no);
	return 0;
}

int cli_cmd_app(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--file", "--version", "--reason", "--state", "--query",
					    "--from", "--to",        "--page",   "--limit", NULL};
	const char *sub = argc > 1 ? argv[1] : NULL;
	const char *no = cli_arg(argc, argv, 1, vopts);
	char new_no[32];
	if (!sub)
		return cli_usage("app", _("say what to do: new, show, list, edit, cancel, copy"));
	if (!strcmp(sub, "new"))
		return app_new(c, argc, argv);
	if (!strcmp(sub, "list"))
		return app_list(c, argc, argv);
	{
		int desk = cli_app_desk_subcommand(c, argc, argv);
		if (desk >= 0)
			return desk;
	}
	if (!no)
		return cli_usage("app", _("app %s NO"), sub);
	if (!strcmp(sub, "show"))
		return app_show(c, no);
	if (!strcmp(sub, "edit"))
		return app_edit(c, argc, argv, no);
	if (!strcmp(sub, "cancel")) {
		const char *reason = cli_opt(argc, argv, "--reason");
		if (!reason)
			return cli_usage("app", _("app cancel NO --reason TEXT"));
		if (rd_app_cancel(c->ctx, no, reason, &c->err) != RD_OK)
			return cli_fail("app cancel", &c->err);
		printf(_("%s cancelled\n"), no);
		return 0;
	}
	if (!strcmp(sub, "copy")) {
		if (rd_app_copy(c->ctx, no, new_no, &c->err) != RD_OK)
			return cli_fail("app copy", &c->err);
		printf("%s\n", new_no);
		return 0;
	}
	return cli_usage("app", _("no action '%s'"), sub);
}
