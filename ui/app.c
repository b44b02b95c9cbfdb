/* The TUI's main loop: terminal setup and restore, the screen stack, key
 * dispatch through the key tables, the one place that draws, the status
 * bar, the idle lock, resize and signals. */
#include "ui/internal.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UI_MAX_STACK 16

struct ui {
	rd_ctx *ctx;
	ui_screen stack[UI_MAX_STACK];
	int depth;
	char msg[512];
	bool msg_error;
	bool quit;
	int cury, curx; /* cursor after drawing; -1: hidden */
	long idle_limit; /* seconds; 0: never lock */
	struct timespec last_input;
	bool tick_armed; /* ui_tick_after: a tick() for the top screen at tick_at */
	struct timespec tick_at;
};

static volatile sig_atomic_t caught_signal;
static volatile int interrupted;
static bool curses_active;

/* ---- global keys ---------------------------------------------------------- */
enum { G_HELP = UI_ACT_GLOBAL, G_BACK, G_REDRAW, G_LOCK, G_QUIT };

static const ui_key ui_global_keys[] = {
	{UI_FN(KEY_F(1)), G_HELP, N_("help: the keys of this screen")},
	{UI_ESC, G_BACK, N_("back to the previous screen")},
	{UI_CTRL('l'), G_REDRAW, N_("redraw the screen")},
	{UI_FN(KEY_F(12)), G_LOCK, N_("lock the screen now")},
	{UI_FN(KEY_F(10)), G_QUIT, N_("log out and quit radesk")},
};
const ui_keys ui_global_keymap = UI_KEYS(ui_global_keys);

/* ---- the stack ---------------------------------------------------------------- */
rd_ctx *ui_ctx(ui *u)
{
	return u->ctx;
}

static ui_screen *top(ui *u)
{
	return u->depth > 0 ? &u->stack[u->depth - 1] : NULL;
}

int ui_push(ui *u, const ui_screen_ops *ops, const void *arg)
{
	ui_screen *s;
	if (u->depth >= UI_MAX_STACK) {
		ui_msg_error(u, "%s", _("too many screens open; go back first"));
		return -1;
	}
	s = &u->stack[u->depth];
	s->ops = ops;
	s->state = NULL;
	u->tick_armed = false; /* the tick was the screen below's */
	if (ops->open && ops->open(u, s, arg) != 0) {
		if (ops->close)
			ops->close(u, s);
		s->ops = NULL;
		return -1;
	}
	u->depth++;
	return 0;
}

bool ui_is_top(const ui *u, const ui_screen *s)
{
	return u->depth > 0 && &u->stack[u->depth - 1] == s;
}

int ui_push_id(ui *u, const char *id, const void *arg)
{
	const ui_screen_ops *ops = ui_screen_find(id);
	if (!ops) {
		ui_msg_error(u, "%s", _("this screen is not available yet"));
		return -1;
	}
	return ui_push(u, ops, arg);
}

static void close_top(ui *u)
{
	ui_screen *s = top(u);
	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(u, s);
	s->ops = NULL;
	s->state = NULL;
	u->depth--;
	u->tick_armed = false;
}

void ui_pop(ui *u)
{
	ui_screen *s;
	if (u->depth <= 1)
		return;
	close_top(u);
	s = top(u);
	if (s && s->ops->resume)
		s->ops->resume(u, s);
}

void ui_reset(ui *u, const ui_screen_ops *ops, const void *arg)
{
	while (u->depth > 0)
		close_top(u);
	if (ui_push(u, ops, arg) != 0 && ops != &ui_scr_login)
		ui_push(u, &ui_scr_login, NULL);
}

const ui_screen_ops *ui_screen_find(const char *id)
{
	static const ui_screen_ops *const all[] = {
#define UI_SCREEN(sid, sym) &(sym),
#include "ui/screens.def"
#undef UI_SCREEN
	};
	for (size_t i = 0; i < RD_ARRAY_LEN(all); i++)
		if (strcmp(all[i]->id, id) == 0)
			return all[i];
	return NULL;
}

/* ---- messages ------------------------------------------------------------------ */
static void set_msg(ui *u, bool error, const char *fmt, va_list ap)
{
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	u->msg_error = error;
}

void ui_msg(ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_msg(u, false, fmt, ap);
	va_end(ap);
}

void ui_msg_error(ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_msg(u, true, fmt, ap);
	va_end(ap);
}

void ui_msg_err(ui *u, const rd_err *e)
{
	char buf[1200];
	ui_msg_error(u, "%s", rd_err_text(e, buf, sizeof buf));
}

void ui_cursor(ui *u, int y, int x)
{
	u->cury = y;
	u->curx = x;
}

void ui_quit(ui *u)
{
	u->quit = true;
}

void ui_tick_after(ui *u, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, &u->tick_at);
	u->tick_at.tv_sec += ms / 1000;
	u->tick_at.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (u->tick_at.tv_nsec >= 1000000000L) {
		u->tick_at.tv_sec++;
		u->tick_at.tv_nsec -= 1000000000L;
	}
	u->tick_armed = true;
}

/* Milliseconds until the tick is due (0 when due), or -1 when none is asked. */
static long tick_wait(const ui *u)
{
	struct timespec now;
	long ms;
	if (!u->tick_armed)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(u->tick_at.tv_sec - now.tv_sec) * 1000 + (u->tick_at.tv_nsec - now.tv_nsec) / 1000000L;
	return ms > 0 ? ms : 0;
}

static void maybe_tick(ui *u)
{
	ui_screen *s = top(u);
	if (tick_wait(u) != 0)
		return;
	u->tick_armed = false;
	if (s && s->ops->tick)
		s->ops->tick(u, s);
}

bool ui_lang_zh(void)
{
	/* TRANSLATORS: a marker, never shown: "language:" and your language code. */
	return strncmp(_("language:en"), "language:zh", 11) == 0;
}

void ui_logout(ui *u)
{
	rd_logout(u->ctx);
	ui_reset(u, &ui_scr_login, NULL);
}

/* ---- drawing: the one place ------------------------------------------------------ */
static void draw_status(ui *u, int y, int w)
{
	rd_ctx *ctx = u->ctx;
	char when[32], line[512], counts[256] = "";
	const char *sp = rd_config_str(ctx->cfg, "radesk", "service_point");
	rd_time_local(rd_ctx_now(ctx), when);
	if (ctx->who.role != RD_ROLE_NONE) {
		rd_pending p;
		if (rd_pending_counts(ctx, &p, NULL) == RD_OK) {
			switch (ctx->who.role) {
			case RD_ROLE_CLERK:
				snprintf(counts, sizeof counts, _("drafts %d · to submit %d"), p.drafts, p.to_submit);
				break;
			case RD_ROLE_REVIEWER:
				snprintf(counts, sizeof counts, _("to review %d"), p.to_review);
				break;
			case RD_ROLE_ADMIN:
				snprintf(counts, sizeof counts, _("CA queue %d · CA failed %d · outbox failed %d"),
					 p.ca_queue, p.ca_failed, p.outbox_failed);
				break;
			default:
				break;
			}
			if (p.revocations_overdue > 0) { /* first: it must not be cut off */
				char rest[256];
				rd_strlcpy(rest, counts, sizeof rest);
				snprintf(counts, sizeof counts, _("revocations overdue %d · %s"), p.revocations_overdue,
					 rest);
			}
		}
		snprintf(line, sizeof line, " %s (%s) │ %s │ %s │ %s", ctx->who.name, rd_role_label(ctx->who.role),
			 sp ? sp : "-", when, counts);
	} else {
		snprintf(line, sizeof line, " %s │ %s │ %s", _("not logged in"), sp ? sp : "-", when);
	}
	ui_text_pad(y, 0, w, UI_A_STATUS, line);
	const char *hint = _("F1 help");
	int hw = ui_width(hint);
	if (hw + 2 < w - ui_width(line))
		ui_text(y, w - hw - 1, hw, UI_A_STATUS, hint);
}

static void draw(ui *u)
{
	ui_screen *s = top(u);
	int h = LINES, w = COLS;
	bool cover = s && (s->ops->flags & UI_SCREEN_NO_STATUS);
	erase();
	u->cury = u->curx = -1;
	if (h < 10 || w < 40) {
		ui_text(0, 0, w, UI_A_ERROR, _("the terminal is too small (at least 40x10)"));
		refresh();
		return;
	}
	if (!s)
		return;
	if (cover) {
		s->ops->draw(u, s, (ui_rect){0, 0, h - 1, w});
		if (u->msg[0])
			ui_text(h - 1, 1, w - 2, u->msg_error ? UI_A_ERROR : UI_A_NORMAL, u->msg);
	} else {
		char title[256];
		snprintf(title, sizeof title, " radesk — %s", _(s->ops->title));
		ui_text_pad(0, 0, w, UI_A_TITLE, title);
		s->ops->draw(u, s, (ui_rect){2, 1, h - 5, w - 2});
		if (u->msg[0])
			ui_text(h - 2, 1, w - 2, u->msg_error ? UI_A_ERROR : UI_A_OK, u->msg);
		draw_status(u, h - 1, w);
	}
	if (u->cury >= 0) {
		curs_set(1);
		move(u->cury, u->curx);
	} else {
		curs_set(0);
		move(h - 1, w - 1);
	}
	refresh();
}

void ui_draw_now(ui *u)
{
	if (curses_active)
		draw(u);
}

/* ---- keys ------------------------------------------------------------------------- */
static void global_action(ui *u, int action)
{
	ui_screen *s = top(u);
	switch (action) {
	case G_HELP:
		ui_push(u, &ui_scr_help, s->ops);
		break;
	case G_BACK:
		ui_pop(u);
		break;
	case G_REDRAW:
		clear();
		break;
	case G_LOCK:
		if (u->ctx->who.role != RD_ROLE_NONE)
			ui_push(u, &ui_scr_lock, NULL);
		break;
	case G_QUIT:
		ui_quit(u);
		break;
	}
}

static void dispatch(ui *u, int key)
{
	ui_screen *s = top(u);
	const ui_key *k;
	if (!s)
		return;
	if ((k = ui_keys_find(s->ops->keys, key)) || (s->ops->shared && (k = ui_keys_find(*s->ops->shared, key)))) {
		if (s->ops->action && s->ops->action(u, s, k->action) == UI_HANDLED)
			return;
	}
	if (!(s->ops->flags & UI_SCREEN_NO_GLOBAL) && (k = ui_keys_find(ui_global_keymap, key))) {
		global_action(u, k->action);
		return;
	}
	if (s->ops->input)
		s->ops->input(u, s, key);
}

/* ---- idle lock -------------------------------------------------------------------- */
static long idle_limit(const rd_ctx *ctx)
{
	const char *hook = getenv("RADESK_IDLE_LOCK_SECONDS"); /* test hook, see ui.h */
	if (hook && *hook)
		return strtol(hook, NULL, 10);
	return rd_config_int(ctx->cfg, "ui", "idle_lock_minutes") * 60;
}

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void maybe_lock(ui *u)
{
	ui_screen *s = top(u);
	if (u->idle_limit <= 0 || !s || u->ctx->who.role == RD_ROLE_NONE)
		return;
	if (s->ops->flags & UI_SCREEN_NO_LOCK || s->ops == &ui_scr_lock)
		return;
	if (since(&u->last_input) >= (double)u->idle_limit) {
		u->msg[0] = '\0';
		if (ui_push(u, &ui_scr_lock, NULL) != 0)
			ui_logout(u); /* never leave an unattended session open */
	}
}

/* ---- terminal and signals --------------------------------------------------------- */
static void on_signal(int sig)
{
	caught_signal = sig;
	interrupted = 1;
}

static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = false;
		endwin();
	}
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the key read returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void init_colours(void)
{
	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_RED, -1);
	init_pair(3, COLOR_GREEN, -1);
}

int ui_attr_of(int attr)
{
	bool c = has_colors();
	switch (attr) {
	case UI_A_TITLE:
	case UI_A_STATUS:
		return c ? COLOR_PAIR(1) : A_REVERSE;
	case UI_A_SELECTED:
		return A_REVERSE;
	case UI_A_ERROR:
		return A_BOLD | (c ? COLOR_PAIR(2) : 0);
	case UI_A_OK:
		return c ? COLOR_PAIR(3) : 0;
	case UI_A_DIM:
		return A_DIM;
	case UI_A_FIELD:
		return A_UNDERLINE;
	default:
		return A_NORMAL;
	}
}

static int run(ui *u)
{
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "radesk: %s: %s\n", _("terminal"),
			_("cannot start the terminal interface (check TERM)"));
		return 2;
	}
	curses_active = true;
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(1000); /* a tick a second: the clock and the idle lock */
	init_colours();
	clock_gettime(CLOCK_MONOTONIC, &u->last_input);
	ui_reset(u, &ui_scr_login, NULL);
	while (!u->quit && !caught_signal) {
		wint_t ch;
		int rc;
		long wait = tick_wait(u);
		draw(u);
		timeout(wait >= 0 && wait < 1000 ? (int)wait : 1000); /* a tick a second at least */
		rc = get_wch(&ch);
		if (caught_signal)
			break;
		if (rc == ERR) {
			maybe_tick(u);
			maybe_lock(u);
			ui_ca_background(u);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &u->last_input);
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			clear(); /* next draw() lays out at the new size */
			continue;
		}
		u->msg[0] = '\0';
		dispatch(u, rc == KEY_CODE_YES ? UI_FN((int)ch) : (int)(ch == '\r' ? '\n' : ch));
		maybe_tick(u); /* keys that do not move the time must not starve it */
	}
	while (u->depth > 0)
		close_top(u);
	if (u->ctx->who.role != RD_ROLE_NONE)
		rd_logout(u->ctx);
	restore_terminal();
	delscreen(scr);
	if (caught_signal) {
		const char *name = caught_signal == SIGINT ? "SIGINT" : caught_signal == SIGTERM ? "SIGTERM" : "SIGHUP";
		fprintf(stderr, "radesk: %s: %s\n", name, _("interrupted; logged out, nothing half-done was saved"));
		return rd_exit_status(RD_E_INTERRUPTED);
	}
	return 0;
}

static void quiet_log(void *ud, rd_log_level level, const char *msg)
{
	(void)ud;
	(void)level;
	(void)msg; /* never write to a terminal curses owns */
}

int rd_ui_main(const rd_ctx_options *opt, const char *lang)
{
	rd_ctx_options o = *opt;
	rd_err e;
	ui u;
	int status;
	char buf[1200];
	(void)lang;
	rd_err_clear(&e);
	memset(&u, 0, sizeof u);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "radesk: %s: %s\n", _("terminal"),
			_("the terminal interface needs a terminal; 'radesk --help' lists the commands"));
		return 2;
	}
	o.create = false;
	o.log = (rd_logger){quiet_log, NULL, RD_LOG_ERROR};
	if (rd_ctx_open(&u.ctx, &o, &e) != RD_OK) {
		fprintf(stderr, "radesk: %s: %s\n", _("open"), rd_err_text(&e, buf, sizeof buf));
		return rd_exit_status(e.code);
	}
	u.ctx->interrupted = &interrupted;
	u.idle_limit = idle_limit(u.ctx);
	install_signals();
	status = run(&u);
	rd_ctx_close(u.ctx);
	return status;
}
