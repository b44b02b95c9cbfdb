/* Notifications to the agent: queued in the outbox with the state change,
 * sent later by a command (JSON on stdin) or an HTTPS webhook, retried with
 * exponential backoff.  Sending never holds a transaction. */
#include "workflows/desk_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *message_body(const rd_app_state *app, const char *action, const char *reason)
{
	json_t *o = json_object();
	char text[600], *out;
	if (!o)
		return NULL;
	if (reason && *reason)
		snprintf(text, sizeof text, _("application %s: %s (%s)"), app->no, rd_app_state_label(app->state),
			 reason);
	else
		snprintf(text, sizeof text, _("application %s: %s"), app->no, rd_app_state_label(app->state));
	json_object_set_new(o, "application", json_string(app->no));
	json_object_set_new(o, "event", json_string(action));
	json_object_set_new(o, "state", json_string(app->state));
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	json_object_set_new(o, "text", json_string(text));
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

rd_code rd_notify_enqueue(rd_ctx *ctx, const rd_app_state *app, const char *action, const char *reason,
			  rd_err *e)
{
	char mobile[512], email[256], *body;
	rd_code rc;
	if ((rc = rd_desk_app_contacts(ctx->db, app->id, mobile, sizeof mobile, email, sizeof email, e)) != RD_OK)
		return rc;
	if (!mobile[0] && !email[0])
		return RD_OK;
	if (!(body = message_body(app, action, reason)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	if (mobile[0])
		rc = rd_desk_outbox_add(ctx->db, app->id, "sms", mobile, action, body, rd_ctx_now(ctx), e);
	if (rc == RD_OK && email[0])
		rc = rd_desk_outbox_add(ctx->db, app->id, "email", email, action, body, rd_ctx_now(ctx), e);
	free(body);
	return rc;
}

/* The message as delivered: the stored body plus id, channel and recipient. */
static char *delivery_json(rd_ctx *ctx, const rd_outbox_row *m, rd_err *e)
{
	json_error_t jerr;
	json_t *o = json_loads(m->body, 0, &jerr);
	char *to = NULL, *out;
	if (!o || !json_is_object(o)) {
		json_decref(o);
		rd_fail_at(e, RD_E_DATA, "outbox", _("message %lld has a damaged body"), (long long)m->id);
		return NULL;
	}
	if (!strncmp(m->recipient, "v1:", 3)) {
		if (!ctx->have_keys) {
			json_decref(o);
			rd_fail(e, RD_E_CONFIG, _("the key file is not loaded; cannot read the recipient"));
			return NULL;
		}
		if (rd_unseal(&ctx->keys, m->recipient, &to, e) != RD_OK) {
			json_decref(o);
			return NULL;
		}
	}
	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "channel", json_string(m->channel));
	json_object_set_new(o, "to", json_string(to ? to : m->recipient));
	out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (to)
		rd_secret_free(to, 0);
	if (!out)
		rd_fail(e, RD_E_NOMEM, _("out of memory"));
	return out;
}

static double monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs /bin/sh -c command with json on stdin; kills its process group
 * after timeout seconds. */
static rd_code run_command(const char *command, const char *json, long timeout, rd_err *e)
{
	int in[2], err[2], status = 0;
	char buf[256];
	size_t got = 0;
	pid_t pid;
	double deadline;
	void (*old_pipe)(int);
	if (pipe2(in, O_CLOEXEC) != 0)
		return rd_fail(e, RD_E_IO, _("cannot make a pipe: %s"), strerror(errno));
	if (pipe2(err, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return rd_fail(e, RD_E_IO, _("cannot make a pipe: %s"), strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		close(in[0]), close(in[1]), close(err[0]), close(err[1]);
		return rd_fail(e, RD_E_IO, _("cannot start the notify command: %s"), strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(err[1], 2);
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 1);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(in[0]);
	close(err[1]);
	old_pipe = signal(SIGPIPE, SIG_IGN);
	for (size_t off = 0, len = strlen(json); off < len;) {
		ssize_t w = write(in[1], json + off, len - off);
		if (w <= 0)
			break; /* the command does not read its input: its exit status tells */
		off += (size_t)w;
	}
	close(in[1]);
	signal(SIGPIPE, old_pipe);
	deadline = monotonic() + (double)timeout;
	for (;;) { /* until the command ends or the deadline passes */
		struct pollfd pfd = {err[0], POLLIN, 0};
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (monotonic() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(err[0]);
			return rd_fail_at(e, RD_E_TIMEOUT, "notify.command",
					  _("the command did not finish within %ld seconds and was stopped"), timeout);
		}
		if (poll(&pfd, 1, 50) > 0) {
			char tmp[256];
			ssize_t n = read(err[0], tmp, sizeof tmp);
			if (n > 0 && got < sizeof buf - 1) {
				size_t take = (size_t)n < sizeof buf - 1 - got ? (size_t)n : sizeof buf - 1 - got;
				memcpy(buf + got, tmp, take);
				got += take;
			}
		}
	}
	while (got < sizeof buf - 1) {
		ssize_t n = read(err[0], buf + got, sizeof buf - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(err[0]);
	buf[got] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	rd_trim(buf);
	if (!rd_utf8_valid(buf, strlen(buf)))
		buf[0] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return RD_OK;
	if (WIFEXITED(status))
		return rd_fail_at(e, RD_E_UPSTREAM, "notify.command", _("the command exited with status %d%s%s"),
				  WEXITSTATUS(status), buf[0] ? ": " : "", buf);
	return rd_fail_at(e, RD_E_UPSTREAM, "notify.command", _("the command was killed by signal %d"),
			  WTERMSIG(status));
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static rd_code post_webhook(const rd_ctx *ctx, const char *url, const char *json, long timeout, rd_err *e)
{
	CURL *c;
	CURLcode cc;
	long code = 0;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	char *ca = rd_config_str(ctx->cfg, "notify", "ca_file") ? rd_config_path(ctx->cfg, "notify", "ca_file") : NULL;
	if (strncmp(url, "https://", 8) != 0) {
		free(ca);
		return rd_fail_at(e, RD_E_CONFIG, "notify.webhook", _("'%s' is not an https:// address"), url);
	}
	if (!(c = curl_easy_init())) {
		free(ca);
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(ca);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return rd_fail_at(e, RD_E_TIMEOUT, "notify.webhook", _("no answer within %ld seconds"), timeout);
	if (cc != CURLE_OK)
		return rd_fail_at(e, RD_E_UPSTREAM, "notify.webhook", "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
	if (code < 200 || code > 299)
		return rd_fail_at(e, RD_E_UPSTREAM, "notify.webhook", _("the webhook answered HTTP %ld"), code);
	return RD_OK;
}

static rd_code lease(rd_ctx *ctx, rd_outbox_row *m, long timeout, rd_err *e)
{
	time_t now = rd_ctx_now(ctx);
	rd_code rc = rd_db_begin(ctx->db, e);
	if (rc != RD_OK)
		return rc;
	/* The lease outlives the longest delivery, so a second sender skips it. */
	rc = rd_desk_outbox_lease(ctx->db, now, now + timeout + 60, m, e);
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

static rd_code record(rd_ctx *ctx, const rd_outbox_row *m, const rd_err *why, rd_notify_result *res, rd_err *e)
{
	time_t now = rd_ctx_now(ctx);
	int attempts = m->attempts + 1;
	long max = rd_config_int(ctx->cfg, "notify", "max_attempts");
	long base = rd_config_int(ctx->cfg, "notify", "retry_seconds");
	char text[1200];
	rd_code rc = rd_db_begin(ctx->db, e);
	if (rc != RD_OK)
		return rc;
	if (!why) {
		rc = rd_desk_outbox_done(ctx->db, m->id, "sent", attempts, m->next_at, NULL, now, e);
		res->sent++;
	} else {
		time_t delay = (time_t)base;
		for (int i = 1; i < attempts && delay < (time_t)6 * 3600; i++)
			delay *= 2;
		if (delay > (time_t)6 * 3600)
			delay = (time_t)6 * 3600;
		rd_err_text(why, text, sizeof text);
		if (attempts >= max) {
			rc = rd_desk_outbox_done(ctx->db, m->id, "failed", attempts, now, text, 0, e);
			res->failed++;
		} else {
			rc = rd_desk_outbox_done(ctx->db, m->id, "pending", attempts, now + delay, text, 0, e);
			res->retry++;
		}
		if (rc == RD_OK && attempts >= max) {
			char *details = rd_details("channel", m->channel, "error", text, (const char *)NULL);
			rc = details ? rd_ctx_audit(ctx, "notify.failed", m->app_no, details, e)
				     : rd_fail(e, RD_E_NOMEM, _("out of memory"));
			free(details);
		}
	}
	if (rc != RD_OK) {
		rd_db_rollback(ctx->db);
		return rc;
	}
	return rd_db_commit(ctx->db, e);
}

rd_code rd_notify_send(rd_ctx *ctx, int max, rd_notify_result *res, rd_err *e)
{
	const char *command = rd_config_str(ctx->cfg, "notify", "command");
	const char *webhook = rd_config_str(ctx->cfg, "notify", "webhook");
	long timeout = rd_config_int(ctx->cfg, "notify", "timeout_seconds");
	rd_outbox_row *m;
	rd_code rc = RD_OK;
	memset(res, 0, sizeof *res);
	if ((rc = rd_require_role(ctx, e, 3, RD_ROLE_CLERK, RD_ROLE_REVIEWER, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	if ((!command || !*command) && (!webhook || !*webhook))
		return rd_fail_at(e, RD_E_CONFIG, "notify",
				  _("neither [notify] command nor [notify] webhook is configured"));
	if (!(m = malloc(sizeof *m)))
		return rd_fail(e, RD_E_NOMEM, _("out of memory"));
	for (int n = 0; max <= 0 || n < max; n++) {
		rd_err why;
		char *json;
		rd_code sent;
		if (ctx->interrupted && *ctx->interrupted)
			break;
		rc = lease(ctx, m, timeout, e);
		if (rc == RD_E_NOTFOUND) {
			rc = RD_OK;
			break;
		}
		if (rc != RD_OK)
			break;
		rd_err_clear(&why);
		json = delivery_json(ctx, m, &why);
		if (!json)
			sent = why.code ? why.code : RD_E_NOMEM;
		else if (command && *command)
			sent = run_command(command, json, timeout, &why);
		else
			sent = post_webhook(ctx, webhook, json, timeout, &why);
		free(json);
		if ((rc = record(ctx, m, sent == RD_OK ? NULL : &why, res, e)) != RD_OK)
			break;
		if (sent != RD_OK)
			rd_log(&ctx->log, RD_LOG_WARN, _("message %lld for %s not sent: %s"), (long long)m->id, m->app_no,
			       why.msg);
	}
	free(m);
	return rc;
}

rd_code rd_notify_list(rd_ctx *ctx, bool failed_only, rd_outbox_fn fn, void *ud, rd_err *e)
{
	rd_code rc;
	if ((rc = rd_require_role(ctx, e, 1, RD_ROLE_ADMIN)) != RD_OK)
		return rc;
	return rd_desk_outbox_each(ctx->db, failed_only, fn, ud, e);
}
