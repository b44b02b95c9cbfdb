/* radesk print: an application's paper to a PDF and a CUPS queue, and
 * checking the code a printed page carries. */
#include "cli/internal.h"

#include <stdlib.h>
#include <string.h>

static void row(const char *label, const char *value)
{
	int pad = 14 - rd_utf8_width(label);
	printf("%s%*s %s\n", label, pad > 0 ? pad : 0, "", value);
}

static void print_outcome_text(const rd_print_outcome *o)
{
	char buf[512];
	row(_("application"), o->no);
	snprintf(buf, sizeof buf, "%s (%s)", o->doc, o->documents);
	row(_("document"), buf);
	snprintf(buf, sizeof buf, "%d", o->pages);
	row(_("pages"), buf);
	snprintf(buf, sizeof buf, "%d", o->copies);
	row(_("copies"), buf);
	row(_("sha256"), o->sha256);
	row(_("pdf"), o->pdf_path);
	if (o->agreement_version[0])
		row(_("agreement"), o->agreement_version);
	if (o->printer[0]) {
		row(_("printer"), o->printer);
		snprintf(buf, sizeof buf, "%d %s", o->job_id, o->job_state);
		row(_("job"), buf);
	} else {
		row(_("printer"), _("none: only the PDF was made"));
	}
	if (o->reprint)
		row(_("reprint"), _("yes"));
}

static void print_outcome_json(const rd_print_outcome *o)
{
	printf("{\"no\":\"%s\",\"doc\":\"%s\",\"documents\":", o->no, o->doc);
	cli_print_json_string(stdout, o->documents);
	printf(",\"pages\":%d,\"copies\":%d,\"sha256\":\"%s\",\"bytes\":%zu,\"pdf\":", o->pages, o->copies, o->sha256,
	       o->bytes);
	cli_print_json_string(stdout, o->pdf_path);
	printf(",\"printer\":");
	cli_print_json_string(stdout, o->printer);
	printf(",\"job\":%d,\"state\":\"%s\",\"agreement_version\":", o->job_id, o->job_state);
	cli_print_json_string(stdout, o->agreement_version);
	printf(",\"reprint\":%s}\n", o->reprint ? "true" : "false");
}

static int parse_copies(const char *s, int *out)
{
	long long v;
	if (!s) {
		*out = 1;
		return 0;
	}
	if (!cli_number(s, 1, 99, &v))
		return cli_usage("print", _("--copies is a number from 1 to 99, not '%s'"), s);
	*out = (int)v;
	return 0;
}

static int print_verify(cli *c, const char *payload)
{
	rd_print_check chk;
	rd_code rc = rd_print_verify_payload(c->ctx, payload, &chk, &c->err);
	char when[32] = "", buf[256];
	if (rc != RD_OK && rc != RD_E_REFUSED)
		return cli_fail("print verify", &c->err);
	if (chk.printed_at)
		rd_time_local(chk.printed_at, when);
	if (c->json) {
		printf("{\"no\":\"%s\",\"doc\":\"%s\",\"copy\":%d,\"copies\":%d,\"page\":%d,\"pages\":%d,"
		       "\"valid\":%s,\"state\":\"%s\"",
		       chk.no, chk.doc, chk.copy, chk.copies, chk.page, chk.pages, chk.valid ? "true" : "false",
		       chk.state);
		if (chk.valid) {
			printf(",\"printed_at\":\"%s\",\"printed_by\":", when);
			cli_print_json_string(stdout, chk.printed_by);
		} else {
			printf(",\"reason\":");
			cli_print_json_string(stdout, chk.reason);
		}
		printf("}\n");
	} else {
		row(_("application"), chk.no);
		row(_("state"), chk.state);
		snprintf(buf, sizeof buf, _("%s, copy %d of %d, page %d of %d"), chk.doc, chk.copy, chk.copies, chk.page,
			 chk.pages);
		row(_("document"), buf);
		if (chk.valid)
			snprintf(buf, sizeof buf, _("valid (printed %s by %s)"), when, chk.printed_by);
		else
			snprintf(buf, sizeof buf, "%s", _("NOT valid"));
		row(_("code"), buf);
	}
	return rc == RD_OK ? 0 : cli_fail("print verify", &c->err);
}

int cli_cmd_print(cli *c, int argc, char **argv)
{
	static const char *const vopts[] = {"--doc", "--pdf", "--printer", "--copies", NULL};
	const char *first = cli_arg(argc, argv, 0, vopts);
	rd_print_outcome o;
	int copies = 1, status;
	if ((status = cli_check_opts("print", argc, argv, vopts, NULL)) != 0)
		return status;
	if (!first)
		return cli_usage("print", _("say which application: print NO, or print verify PAYLOAD"));
	if (!strcmp(first, "verify")) {
		const char *payload = cli_arg(argc, argv, 1, vopts);
		if (!payload)
			return cli_usage("print", _("print verify PAYLOAD (the text of a page's QR code)"));
		if (cli_arg(argc, argv, 2, vopts))
			return cli_usage("print", _("one payload at a time; quote it"));
		return print_verify(c, payload);
	}
	if (cli_arg(argc, argv, 1, vopts))
		return cli_usage("print", _("one application at a time"));
	if ((status = parse_copies(cli_opt(argc, argv, "--copies"), &copies)) != 0)
		return status;
	if (rd_print_application(c->ctx, first, cli_opt(argc, argv, "--doc"), copies, cli_opt(argc, argv, "--pdf"),
				 cli_opt(argc, argv, "--printer"), &o, &c->err) != RD_OK)
		return cli_fail("print", &c->err);
	if (c->json)
		print_outcome_json(&o);
	else
		print_outcome_text(&o);
	return 0;
}
