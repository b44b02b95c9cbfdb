/* ukey_tool — drives the ukey/ library from test scripts.
 *
 *   ukey_tool [--module SO] COMMAND [options]
 *   list                                  tokens, one per line
 *   wait --timeout MS                     wait for a token change, then list
 *   init (--slot N | --token T) --label L  C_InitToken + user PIN
 *   login --token T                       check the user PIN
 *   blank --token T                       "blank" or "not blank"
 *   keygen --token T --type ec|rsa --label L [--cn CN] [--o O] [--csr FILE]
 *          [--ca-cmd CMD --cert FILE [--chain FILE]]
 *                                         with --ca-cmd, in the same session: run
 *                                         "CMD CSRFILE CERTFILE" (a test CA), then
 *                                         store the certificate and check it
 *   csr --token T --id HEX --cn CN [--o O] --csr FILE
 *   store-cert --token T --id HEX --cert FILE [--chain FILE] --label L
 *   check --token T --id HEX              certificate vs token key
 *   change-pin --token T                  RADESK_UKEY_PIN -> RADESK_UKEY_NEW_PIN
 *   unblock --token T                     SO PIN, then RADESK_UKEY_NEW_PIN
 *   objects --token T                     objects and key pairs (orphans)
 *   delete --token T --id HEX
 *   pin-check                             the policy on RADESK_UKEY_NEW_PIN
 *
 * PINs only from the environment: RADESK_UKEY_PIN (user), RADESK_UKEY_NEW_PIN,
 * RADESK_UKEY_SO_PIN (SO).  Module: --module, else $RADESK_UKEY_MODULE,
 * else the [ukey] module default. */
#include "core/core.h"
#include "ukey/ukey.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct opts {
	const char *module, *token, *label, *type, *cn, *o, *csr, *id, *cert, *chain, *ca_cmd;
	long slot;
	int timeout;
};

static int fail(const rd_err *e)
{
	char buf[1200];
	fprintf(stderr, "ukey_tool: %s: %s\n", rd_code_name(e->code), rd_err_text(e, buf, sizeof buf));
	return rd_exit_status(e->code);
}

static int usage(const char *msg)
{
	fprintf(stderr, "ukey_tool: %s\n", msg);
	return 2;
}

static const char *env_pin(const char *name)
{
	const char *p = getenv(name);
	return p ? p : "";
}

static void print_token(const rd_ukey_token *t)
{
	printf("slot=%lu serial=%s label=%s model=%s manufacturer=%s initialized=%d user_pin=%d "
	       "count_low=%d final_try=%d locked=%d\n",
	       t->slot, t->serial[0] ? t->serial : "-", t->label[0] ? t->label : "-", t->model,
	       t->manufacturer, t->initialized, t->user_pin_set, t->pin_count_low, t->pin_final_try,
	       t->pin_locked);
}

static rd_code open_session(rd_ukey *u, const struct opts *o, bool login, rd_ukey_session **s,
			    rd_err *e)
{
	rd_ukey_token t;
	rd_code rc;
	if (!o->token)
		return rd_fail(e, RD_E_USAGE, "--token is required");
	if ((rc = rd_ukey_find(u, o->token, &t, e)) != RD_OK)
		return rc;
	if ((rc = rd_ukey_session_open(u, &t, s, e)) != RD_OK)
		return rc;
	if (login && (rc = rd_ukey_login(*s, env_pin("RADESK_UKEY_PIN"), e)) != RD_OK) {
		rd_ukey_session_close(*s);
		*s = NULL;
	}
	return rc;
}

static rd_code write_text(const char *path, const char *text, rd_err *e)
{
	return rd_file_write_atomic(path, text, strlen(text), 0644, e);
}

static rd_code do_csr(rd_ukey_session *s, const rd_ukey_keyref *k, const struct opts *o, rd_err *e)
{
	rd_ukey_rdn subj[2] = {{"CN", o->cn}, {"O", o->o}};
	char *pem = NULL;
	rd_code rc = rd_ukey_csr(s, k, subj, o->o ? 2 : 1, &pem, e);
	if (rc == RD_OK)
		rc = write_text(o->csr, pem, e);
	free(pem);
	return rc;
}

/* The whole issuance in one session: the CA step is an outside command. */
static rd_code ca_and_store(rd_ukey_session *s, const rd_ukey_keyref *k, const struct opts *o,
			    rd_err *e)
{
	char *cmd, *cert = NULL, *chain = NULL, serial[64];
	size_t len;
	rd_code rc;
	if (!o->csr || !o->cert)
		return rd_fail(e, RD_E_USAGE, "--ca-cmd needs --csr and --cert");
	cmd = rd_asprintf("%s '%s' '%s'", o->ca_cmd, o->csr, o->cert);
	if (!cmd || system(cmd) != 0) {
		free(cmd);
		return rd_fail(e, RD_E_UPSTREAM, "the CA command failed");
	}
	free(cmd);
	if ((rc = rd_file_read(o->cert, 1 << 20, &cert, &len, e)) == RD_OK &&
	    (!o->chain || (rc = rd_file_read(o->chain, 1 << 20, &chain, &len, e)) == RD_OK) &&
	    (rc = rd_ukey_store_cert(s, k, cert, chain, o->label ? o->label : k->label, e)) == RD_OK &&
	    (rc = rd_ukey_check_cert(s, k, serial, sizeof serial, e)) == RD_OK)
		printf("match=yes serial=%s\n", serial);
	free(cert);
	free(chain);
	return rc;
}

static rd_code run(rd_ukey *u, const char *cmd, const struct opts *o, rd_err *e)
{
	rd_ukey_token toks[RD_UKEY_MAX_TOKENS];
	rd_ukey_session *s = NULL;
	rd_ukey_keyref k;
	size_t n;
	rd_code rc;

	if (strcmp(cmd, "list") == 0 || strcmp(cmd, "wait") == 0) {
		bool changed = false;
		if (cmd[0] == 'l') {
			rc = rd_ukey_tokens(u, toks, RD_ARRAY_LEN(toks), &n, e);
		} else {
			/* first call records the present state, second waits for a change */
			rc = rd_ukey_tokens(u, toks, RD_ARRAY_LEN(toks), &n, e);
			if (rc == RD_OK)
				printf("ready\n");
			fflush(stdout);
			if (rc == RD_OK)
				rc = rd_ukey_wait_change(u, o->timeout, toks, RD_ARRAY_LEN(toks), &n,
							 &changed, e);
			if (rc == RD_OK)
				printf("changed=%d\n", changed);
		}
		for (size_t i = 0; rc == RD_OK && i < n; i++)
			print_token(&toks[i]);
		return rc;
	}
	if (strcmp(cmd, "pin-check") == 0)
		return rd_ukey_pin_check(env_pin("RADESK_UKEY_NEW_PIN"), e);
	if (strcmp(cmd, "init") == 0) {
		rd_ukey_token t;
		if (o->slot >= 0) {
			rc = rd_ukey_tokens(u, toks, RD_ARRAY_LEN(toks), &n, e);
			if (rc != RD_OK)
				return rc;
			rc = rd_fail(e, RD_E_NOTFOUND, "no token in slot %ld", o->slot);
			for (size_t i = 0; i < n; i++)
				if (toks[i].slot == (unsigned long)o->slot)
					t = toks[i], rc = RD_OK;
		} else if (o->token) {
			rc = rd_ukey_find(u, o->token, &t, e);
		} else {
			return rd_fail(e, RD_E_USAGE, "--slot or --token is required");
		}
		if (rc == RD_OK)
			rc = rd_ukey_init_token(u, &t, env_pin("RADESK_UKEY_SO_PIN"),
						o->label ? o->label : "RADESK UKEY",
						env_pin("RADESK_UKEY_PIN"), e);
		if (rc == RD_OK)
			print_token(&t);
		return rc;
	}
	if (strcmp(cmd, "change-pin") == 0 || strcmp(cmd, "unblock") == 0) {
		if ((rc = open_session(u, o, false, &s, e)) != RD_OK)
			return rc;
		rc = cmd[0] == 'c' ? rd_ukey_change_pin(s, env_pin("RADESK_UKEY_PIN"),
							env_pin("RADESK_UKEY_NEW_PIN"), e)
				   : rd_ukey_unblock(s, env_pin("RADESK_UKEY_SO_PIN"),
						     env_pin("RADESK_UKEY_NEW_PIN"), e);
		rd_ukey_session_close(s);
		return rc;
	}
	/* everything else works logged in (objects: only when a PIN is given) */
	bool login = strcmp(cmd, "objects") != 0 || getenv("RADESK_UKEY_PIN");
	if ((rc = open_session(u, o, login, &s, e)) != RD_OK)
		return rc;
	if (strcmp(cmd, "login") == 0) {
		printf("logged in\n");
	} else if (strcmp(cmd, "blank") == 0) {
		bool blank;
		if ((rc = rd_ukey_is_blank(s, &blank, e)) == RD_OK)
			printf("%s\n", blank ? "blank" : "not blank");
	} else if (strcmp(cmd, "keygen") == 0) {
		rd_ukey_keytype kt = o->type && strcmp(o->type, "rsa") == 0 ? RD_UKEY_RSA_2048
									    : RD_UKEY_EC_P256;
		rc = rd_ukey_generate(s, kt, o->label ? o->label : "radesk", &k, e);
		if (rc == RD_OK) {
			printf("id=%s\n", k.id_hex);
			fflush(stdout);
		}
		if (rc == RD_OK && o->csr)
			rc = o->cn ? do_csr(s, &k, o, e) : rd_fail(e, RD_E_USAGE, "--cn is required");
		if (rc == RD_OK && o->ca_cmd)
			rc = ca_and_store(s, &k, o, e);
	} else if (strcmp(cmd, "csr") == 0) {
		if (!o->csr || !o->cn)
			rc = rd_fail(e, RD_E_USAGE, "--csr and --cn are required");
		else if ((rc = rd_ukey_find_key(s, o->id, &k, e)) == RD_OK)
			rc = do_csr(s, &k, o, e);
	} else if (strcmp(cmd, "store-cert") == 0) {
		char *cert = NULL, *chain = NULL;
		size_t len;
		if (!o->cert)
			rc = rd_fail(e, RD_E_USAGE, "--cert is required");
		else if ((rc = rd_ukey_find_key(s, o->id, &k, e)) == RD_OK &&
			 (rc = rd_file_read(o->cert, 1 << 20, &cert, &len, e)) == RD_OK &&
			 (!o->chain || (rc = rd_file_read(o->chain, 1 << 20, &chain, &len, e)) == RD_OK))
			rc = rd_ukey_store_cert(s, &k, cert, chain, o->label ? o->label : k.label, e);
		free(cert);
		free(chain);
	} else if (strcmp(cmd, "check") == 0) {
		char serial[64];
		if ((rc = rd_ukey_find_key(s, o->id, &k, e)) == RD_OK &&
		    (rc = rd_ukey_check_cert(s, &k, serial, sizeof serial, e)) == RD_OK)
			printf("match=yes serial=%s\n", serial);
	} else if (strcmp(cmd, "objects") == 0) {
		rd_ukey_object ob[64];
		rd_ukey_keyinfo ki[32];
		static const char *cls[] = {"other", "private-key", "public-key", "certificate"};
		if ((rc = rd_ukey_objects(s, ob, RD_ARRAY_LEN(ob), &n, e)) == RD_OK)
			for (size_t i = 0; i < n; i++)
				printf("object class=%s id=%s label=%s sensitive=%d extractable=%d\n",
				       cls[ob[i].cls], ob[i].id_hex[0] ? ob[i].id_hex : "-", ob[i].label,
				       ob[i].sensitive, ob[i].extractable);
		if (rc == RD_OK && (rc = rd_ukey_keys(s, ki, RD_ARRAY_LEN(ki), &n, e)) == RD_OK)
			for (size_t i = 0; i < n; i++)
				printf("key id=%s label=%s private=%d public=%d cert=%d orphan=%d\n",
				       ki[i].id_hex, ki[i].label, ki[i].has_private, ki[i].has_public,
				       ki[i].has_cert, ki[i].orphan);
	} else if (strcmp(cmd, "delete") == 0) {
		size_t d;
		if ((rc = rd_ukey_delete(s, o->id, &d, e)) == RD_OK)
			printf("deleted=%zu\n", d);
	} else {
		rc = rd_fail(e, RD_E_USAGE, "unknown command %s", cmd);
	}
	rd_ukey_session_close(s);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"module", 1, 0, 'm'}, {"token", 1, 0, 't'}, {"label", 1, 0, 'l'},
		{"type", 1, 0, 'y'},   {"cn", 1, 0, 'c'},    {"o", 1, 0, 'o'},
		{"csr", 1, 0, 'r'},    {"id", 1, 0, 'i'},    {"cert", 1, 0, 'x'},
		{"chain", 1, 0, 'k'},  {"slot", 1, 0, 's'},  {"timeout", 1, 0, 'w'},
		{"ca-cmd", 1, 0, 'a'},
		{0, 0, 0, 0},
	};
	struct opts o = {.slot = -1, .timeout = 2000};
	rd_ukey *u = NULL;
	rd_err e;
	int c;

	rd_i18n_init(NULL);
	rd_err_clear(&e);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'm': o.module = optarg; break;
		case 't': o.token = optarg; break;
		case 'l': o.label = optarg; break;
		case 'y': o.type = optarg; break;
		case 'c': o.cn = optarg; break;
		case 'o': o.o = optarg; break;
		case 'r': o.csr = optarg; break;
		case 'i': o.id = optarg; break;
		case 'x': o.cert = optarg; break;
		case 'k': o.chain = optarg; break;
		case 's': o.slot = strtol(optarg, NULL, 10); break;
		case 'w': o.timeout = atoi(optarg); break;
		case 'a': o.ca_cmd = optarg; break;
		default: return usage("bad option");
		}
	}
	if (optind != argc - 1)
		return usage("one command expected");
	if (!o.module)
		o.module = getenv("RADESK_UKEY_MODULE");
	rd_code rc;
	if (o.module) {
		rc = rd_ukey_open(&u, o.module, NULL, &e);
	} else {
		rd_config *cfg = rd_config_defaults();
		rc = rd_ukey_open_config(&u, cfg, NULL, &e);
		rd_config_free(cfg);
	}
	if (rc == RD_OK)
		rc = run(u, argv[optind], &o, &e);
	rd_ukey_close(u);
	return rc == RD_OK ? 0 : fail(&e);
}
