/* Admin: the effective configuration, section by section, with where each
 * value came from (a line of the file, the command line, or the built-in
 * default) and secrets masked by the workflow (rd_settings_each); and two
 * checks: the CA link (TLS handshake, the CA's chain, clock skew) and the
 * printer queue.  Read-only: the configuration is changed in its file. */
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

enum { S_CA = 1, S_PRINTER, S_RELOAD };
static const ui_key settings_keys[] = {
	{'c', S_CA, N_("check the CA link: TLS handshake, chain, clock skew")},
	{'p', S_PRINTER, N_("check the printer queue")},
	{'r', S_RELOAD, N_("reload the list")},
};
static const ui_column settings_cols[] = {
	{N_("Key"), 30}, {N_("From"), 12}, {N_("Value"), 0},
};

enum check { C_NONE, C_PENDING, C_DONE };

typedef struct settings_state {
	ui_list list;
	char **full; /* per row: "[section] key = value", whole ("[section]" for headings) */
	size_t nfull, capfull;
	char last_section[64];
	/* the checks: C_PENDING is drawn ("checking ...") before tick() runs it */
	enum check ca, printer;
	rd_code ca_rc, printer_rc;
	rd_ca_link link;
	rd_printer_link queue;
	rd_err ca_err, printer_err;
} settings_state;

static int add_full(settings_state *st, char *text)
{
	if (!text)
		return 1;
	char **f = rd_grow(st->full, &st->capfull, st->nfull + 1, sizeof *f, 128);
	if (!f) {
		free(text);
		return 1;
	}
	st->full = f;
	st->full[st->nfull++] = text;
	return 0;
}

static void free_full(settings_state *st)
{
	for (size_t i = 0; i < st->nfull; i++)
		free(st->full[i]);
	st->nfull = 0;
}

static int add_setting(void *ud, const rd_setting *s)
{
	settings_state *st = ud;
	char key[96], from[64];
	const char *cells[3];
	if (strcmp(st->last_section, s->section) != 0) { /* a section heading */
		char head[80];
		const char *hc[3] = {head, "", ""};
		snprintf(head, sizeof head, "[%s]", s->section);
		rd_strlcpy(st->last_section, s->section, sizeof st->last_section);
		if (ui_list_add(&st->list, hc) != 0 || add_full(st, rd_strdup(head)))
			return 1;
	}
	snprintf(key, sizeof key, "  %s", s->key);
	if (s->is_default)
		snprintf(from, sizeof from, "%s", _("default"));
	else if (s->line > 0)
		snprintf(from, sizeof from, _("line %d"), s->line);
	else
		snprintf(from, sizeof from, "%s", _("command line"));
	cells[0] = key;
	cells[1] = from;
	cells[2] = s->value ? s->value : _("(not set)");
	if (ui_list_add(&st->list, cells) != 0)
		return 1;
	return add_full(st, rd_asprintf("[%s] %s = %s", s->section, s->key, cells[2]));
}

static int load(ui *u, settings_state *st)
{
	rd_err e;
	rd_err_clear(&e);
	ui_list_clear(&st->list);
	free_full(st);
	st->last_section[0] = '\0';
	if (rd_settings_each(ui_ctx(u), add_setting, st, &e) != RD_OK) {
		ui_msg_err(u, &e);
		return -1;
	}
	return 0;
}

static int settings_open(ui *u, ui_screen *s, const void *arg)
{
	settings_state *st = calloc(1, sizeof *st);
	(void)arg;
	if (!st)
		return -1;
	s->state = st;
	ui_list_init(&st->list, settings_cols, RD_ARRAY_LEN(settings_cols));
	return load(u, st);
}

static void settings_close(ui *u, ui_screen *s)
{
	settings_state *st = s->state;
	(void)u;
	if (st) {
		ui_list_free(&st->list);
		free_full(st);
		free(st->full);
	}
	free(st);
}

static void ca_lines(settings_state *st, int y, int x, int w)
{
	char a[1400], b[1400], until[32];
	const rd_ca_link *l = &st->link;
	if (st->ca == C_NONE) {
		ui_text(y, x, w, UI_A_DIM, _("CA link: not checked (c: check)"));
		return;
	}
	if (st->ca == C_PENDING) {
		ui_text(y, x, w, UI_A_NORMAL, _("CA link: checking …"));
		return;
	}
	if (st->ca_rc != RD_OK) {
		char why[1200];
		snprintf(a, sizeof a, _("CA link: failed · %s"), rd_err_text(&st->ca_err, why, sizeof why));
		ui_text(y, x, w, UI_A_ERROR, a);
		return;
	}
	snprintf(a, sizeof a, _("CA link: %s · %s %s, %s, HTTP/%s, handshake %.1f ms, round trip %.1f ms"),
		 l->ok ? _("ok") : _("PROBLEM"), l->driver, l->url, l->tls_version, l->http_version == 2 ? "2" : "1.1",
		 l->tls_ms, l->total_ms);
	ui_text(y, x, w, l->ok ? UI_A_OK : UI_A_ERROR, a);
	rd_time_iso(l->ca_not_after, until);
	if (l->have_date)
		snprintf(b, sizeof b, _("  chain %s · valid until %.10s · clock skew %+ld s (at most %ld) · CA %s"),
			 l->chain_trusted ? _("trusted") : _("NOT trusted"), until, l->skew_s, l->max_skew_s,
			 l->ca_subject);
	else
		snprintf(b, sizeof b, _("  chain %s · valid until %.10s · clock skew unknown (no Date header) · CA %s"),
			 l->chain_trusted ? _("trusted") : _("NOT trusted"), until, l->ca_subject);
	ui_text(y + 1, x, w, UI_A_NORMAL, b);
	if (!l->ok)
		ui_text(y + 2, x, w, UI_A_ERROR, l->problem);
}

static void printer_line(settings_state *st, int y, int x, int w)
{
	char a[1400];
	const rd_printer_link *q = &st->queue;
	if (st->printer == C_NONE) {
		ui_text(y, x, w, UI_A_DIM, _("Printer: not checked (p: check)"));
		return;
	}
	if (st->printer == C_PENDING) {
		ui_text(y, x, w, UI_A_NORMAL, _("Printer: checking …"));
		return;
	}
	if (st->printer_rc != RD_OK) {
		char why[1200];
		snprintf(a, sizeof a, _("Printer: failed · %s"), rd_err_text(&st->printer_err, why, sizeof why));
		ui_text(y, x, w, UI_A_ERROR, a);
		return;
	}
	snprintf(a, sizeof a, _("Printer: ok · queue %s on %s is %s and accepting jobs%s%s"), q->printer, q->server,
		 !strcmp(q->state, "idle")		? _("idle")
		 : !strcmp(q->state, "processing") ? _("printing")
		 : !strcmp(q->state, "stopped")	   ? _("stopped")
						   : "?",
		 q->detail[0] ? " · " : "", q->detail);
	ui_text(y, x, w, UI_A_OK, a);
}

static void settings_draw(ui *u, ui_screen *s, ui_rect r)
{
	settings_state *st = s->state;
	const char *file = rd_config_file(ui_ctx(u)->cfg);
	char line[1200];
	snprintf(line, sizeof line, _("Configuration file: %s"), file ? file : _("none (built-in defaults)"));
	ui_text(r.y, r.x, r.w, UI_A_NORMAL, line);
	ui_list_draw(u, &st->list, (ui_rect){r.y + 1, r.x, r.h - 7, r.w});
	if (st->list.sel < st->nfull) /* the chosen value whole: the column may cut it */
		ui_text(r.y + r.h - 6, r.x, r.w, UI_A_NORMAL, st->full[st->list.sel]);
	ca_lines(st, r.y + r.h - 5, r.x, r.w);
	printer_line(st, r.y + r.h - 2, r.x, r.w);
	ui_text(r.y + r.h - 1, r.x, r.w, UI_A_DIM,
		_("read-only: edit the file to change · c: check the CA · p: check the printer · Esc: back"));
}

/* Runs the checks asked for; the screen has been drawn with "checking"
 * first, since a check may take up to the connect timeout. */
static void settings_tick(ui *u, ui_screen *s)
{
	settings_state *st = s->state;
	if (st->ca == C_PENDING) {
		rd_err_clear(&st->ca_err);
		st->ca_rc = rd_ca_link_check(ui_ctx(u), &st->link, &st->ca_err);
		st->ca = C_DONE;
	}
	if (st->printer == C_PENDING) {
		rd_err_clear(&st->printer_err);
		st->printer_rc = rd_printer_check(ui_ctx(u), NULL, &st->queue, &st->printer_err);
		st->printer = C_DONE;
	}
}

static ui_result settings_action(ui *u, ui_screen *s, int action)
{
	settings_state *st = s->state;
	switch (action) {
	case S_CA:
		st->ca = C_PENDING;
		ui_tick_after(u, 0);
		return UI_HANDLED;
	case S_PRINTER:
		st->printer = C_PENDING;
		ui_tick_after(u, 0);
		return UI_HANDLED;
	case S_RELOAD:
		load(u, st);
		return UI_HANDLED;
	}
	return ui_list_action(&st->list, action);
}

const ui_screen_ops ui_scr_settings = {
	.id = "settings",
	.title = N_("settings"),
	.keys = UI_KEYS(settings_keys),
	.shared = &ui_list_keymap,
	.open = settings_open,
	.close = settings_close,
	.draw = settings_draw,
	.action = settings_action,
	.tick = settings_tick,
};
