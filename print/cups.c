/* Submitting a PDF to a CUPS queue and following the job. */
#include <cups/cups.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "print/internal.h"

const char *rd_print_job_state_name(rd_print_job_state s)
{
	switch (s) {
	case RD_JOB_COMPLETED: return "completed";
	case RD_JOB_ABORTED: return "aborted";
	case RD_JOB_CANCELED: return "cancelled";
	case RD_JOB_TIMEOUT: return "timeout";
	case RD_JOB_NOT_SUBMITTED: return "not-submitted";
	}
	return "?";
}

static void copy_detail(rd_print_job_result *r, ipp_t *resp, const char *reasons_attr,
			const char *msg_attr)
{
	char buf[256] = "";
	ipp_attribute_t *a = ippFindAttribute(resp, reasons_attr, IPP_TAG_KEYWORD);
	for (int i = 0; a && i < ippGetCount(a); i++) {
		const char *s = ippGetString(a, i, NULL);
		if (s && strcmp(s, "none")) {
			if (*buf)
				strncat(buf, ",", sizeof buf - strlen(buf) - 1);
			strncat(buf, s, sizeof buf - strlen(buf) - 1);
		}
	}
	a = ippFindAttribute(resp, msg_attr, IPP_TAG_TEXT);
	const char *m = a ? ippGetString(a, 0, NULL) : NULL;
	if (m && *m) {
		if (*buf)
			strncat(buf, ": ", sizeof buf - strlen(buf) - 1);
		strncat(buf, m, sizeof buf - strlen(buf) - 1);
	}
	rd_strlcpy(r->detail, buf, sizeof r->detail);
}

static rd_code check_printer(http_t *http, const char *printer, const char *server,
			     rd_print_job_result *r, int *state, bool *accepting, rd_err *e)
{
	static const char *const want[] = {"printer-state", "printer-is-accepting-jobs",
					   "printer-state-message", "printer-state-reasons"};
	char uri[HTTP_MAX_URI];
	httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0,
			 "/printers/%s", printer);
	ipp_t *req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)RD_ARRAY_LEN(want), NULL, want);
	ipp_t *resp = cupsDoRequest(http, req, "/");
	ipp_status_t st = cupsLastError();
	rd_code rc = RD_OK;
	if (st == IPP_STATUS_ERROR_NOT_FOUND) {
		rc = rd_fail_at(e, RD_E_NOTFOUND, "print.printer", _("no printer queue named %s on %s"),
				printer, server);
	} else if (!resp || st > IPP_STATUS_OK_CONFLICTING) {
		rc = rd_fail_at(e, RD_E_DEVICE, "print.printer", _("print server %s: %s"), server,
				cupsLastErrorString());
	} else {
		copy_detail(r, resp, "printer-state-reasons", "printer-state-message");
		ipp_attribute_t *s = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
		ipp_attribute_t *acc = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
		if (state)
			*state = s ? ippGetInteger(s, 0) : 0;
		if (accepting)
			*accepting = !acc || ippGetBoolean(acc, 0);
		if (acc && !ippGetBoolean(acc, 0))
			rc = rd_fail_at(e, RD_E_DEVICE, "print.printer",
					_("printer queue %s is not accepting jobs (%s)"), printer, r->detail);
		else if (s && ippGetInteger(s, 0) == IPP_PSTATE_STOPPED)
			rc = rd_fail_at(e, RD_E_DEVICE, "print.printer",
					_("printer queue %s is stopped (disabled) (%s)"), printer, r->detail);
	}
	ippDelete(resp);
	return rc;
}

static ipp_jstate_t job_state(http_t *http, const char *printer, int job, rd_print_job_result *r)
{
	static const char *const want[] = {"job-state", "job-state-reasons", "job-printer-state-message"};
	char uri[HTTP_MAX_URI];
	httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0, "/jobs/%d", job);
	ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)RD_ARRAY_LEN(want), NULL, want);
	ipp_t *resp = cupsDoRequest(http, req, "/");
	ipp_jstate_t st = 0;
	if (resp) {
		ipp_attribute_t *a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
		st = a ? (ipp_jstate_t)ippGetInteger(a, 0) : 0;
		copy_detail(r, resp, "job-state-reasons", "job-printer-state-message");
	}
	ippDelete(resp);
	(void)printer;
	return st;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static rd_code send_file(http_t *http, const char *printer, int job, const char *title,
			 const char *path, rd_err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return rd_fail_at(e, RD_E_IO, path, _("cannot read the PDF: %m"));
	if (cupsStartDocument(http, printer, job, title, CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE) {
		fclose(f);
		return rd_fail_at(e, RD_E_DEVICE, "print.printer", _("printer queue %s refused the document: %s"),
				  printer, cupsLastErrorString());
	}
	char buf[65536];
	size_t n;
	rd_code rc = RD_OK;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (cupsWriteRequestData(http, buf, n) != HTTP_STATUS_CONTINUE) {
			rc = rd_fail_at(e, RD_E_DEVICE, "print.printer", _("sending to %s failed: %s"), printer,
					cupsLastErrorString());
			break;
		}
	}
	if (!rc && ferror(f))
		rc = rd_fail_at(e, RD_E_IO, path, _("cannot read the PDF: %m"));
	fclose(f);
	ipp_status_t st = cupsFinishDocument(http, printer);
	if (!rc && st > IPP_STATUS_OK_CONFLICTING)
		rc = rd_fail_at(e, RD_E_DEVICE, "print.printer", _("printer queue %s refused the document: %s"),
				printer, cupsLastErrorString());
	return rc;
}

rd_code rd_print_submit(const char *pdf_path, const rd_print_submit_opts *o,
			rd_print_job_result *r, const rd_logger *lg, rd_err *e)
{
	rd_print_job_result tmp;
	if (!r)
		r = &tmp;
	memset(r, 0, sizeof *r);
	r->state = RD_JOB_NOT_SUBMITTED;
	if (!o || !o->printer || !*o->printer)
		return rd_fail_at(e, RD_E_INVALID, "print.printer", _("no printer queue given"));
	rd_strlcpy(r->printer, o->printer, sizeof r->printer);
	if (!pdf_path || !rd_file_exists(pdf_path))
		return rd_fail_at(e, RD_E_IO, pdf_path ? pdf_path : "", _("PDF file not found"));
	int copies = o->copies ? o->copies : 1, timeout = o->timeout_s ? o->timeout_s : 120;
	if (copies < 1 || copies > 99)
		return rd_fail_at(e, RD_E_INVALID, "copies", _("copies must be 1 to 99"));
	const char *server = o->server ? o->server : cupsServer();
	const char *title = o->title;
	if (!title) {
		title = strrchr(pdf_path, '/');
		title = title ? title + 1 : pdf_path;
	}
	http_t *http = httpConnect2(server, ippPort(), NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1,
				    5000, NULL);
	if (!http)
		return rd_fail_at(e, RD_E_DEVICE, "print.printer", _("cannot reach the print server %s: %s"),
				  server, cupsLastErrorString());
	rd_code rc = check_printer(http, o->printer, server, r, NULL, NULL, e);
	if (rc)
		goto out;
	char ncopies[8];
	snprintf(ncopies, sizeof ncopies, "%d", copies);
	cups_option_t *opts = NULL;
	int nopts = cupsAddOption("copies", ncopies, 0, &opts);
	r->job_id = cupsCreateJob(http, o->printer, title, nopts, opts);
	cupsFreeOptions(nopts, opts);
	if (r->job_id == 0) {
		rc = rd_fail_at(e, RD_E_DEVICE, "print.printer", _("printer queue %s refused the job: %s"),
				o->printer, cupsLastErrorString());
		goto out;
	}
	rd_log(lg, RD_LOG_INFO, "print job %d on %s: %s, %d copies", r->job_id, o->printer, title, copies);
	if ((rc = send_file(http, o->printer, r->job_id, title, pdf_path, e))) {
		cupsCancelJob2(http, o->printer, r->job_id, 0);
		r->state = RD_JOB_ABORTED;
		goto out;
	}
	double deadline = now_s() + timeout;
	for (;;) {
		ipp_jstate_t st = job_state(http, o->printer, r->job_id, r);
		if (st == IPP_JSTATE_COMPLETED) {
			r->state = RD_JOB_COMPLETED;
			r->detail[0] = 0; /* reasons left over from processing */
			break;
		}
		if (st == IPP_JSTATE_ABORTED || st == IPP_JSTATE_CANCELED) {
			r->state = st == IPP_JSTATE_ABORTED ? RD_JOB_ABORTED : RD_JOB_CANCELED;
			rc = rd_fail_at(e, RD_E_DEVICE, "print.printer", _("print job %d on %s was %s (%s)"),
					r->job_id, o->printer,
					st == IPP_JSTATE_ABORTED ? _("aborted") : _("cancelled"), r->detail);
			break;
		}
		if (now_s() > deadline) {
			r->state = RD_JOB_TIMEOUT;
			cupsCancelJob2(http, o->printer, r->job_id, 0);
			rc = rd_fail_at(e, RD_E_TIMEOUT, "print.printer",
					_("print job %d on %s did not finish within %d s and was cancelled (%s)"),
					r->job_id, o->printer, timeout, r->detail);
			break;
		}
		struct timespec ts = {0, 100L * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	rd_log(lg, RD_LOG_INFO, "print job %d on %s: %s", r->job_id, o->printer,
	       rd_print_job_state_name(r->state));
out:
	httpClose(http);
	return rc;
}

rd_code rd_print_printer_status(const char *printer, const char *server, rd_printer_status *out, rd_err *e)
{
	rd_print_job_result r;
	int state = 0;
	rd_code rc;
	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	if (!printer || !*printer)
		return rd_fail_at(e, RD_E_INVALID, "print.printer", _("no printer queue given"));
	if (!server)
		server = cupsServer();
	rd_strlcpy(out->printer, printer, sizeof out->printer);
	rd_strlcpy(out->server, server, sizeof out->server);
	http_t *http = httpConnect2(server, ippPort(), NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 5000, NULL);
	if (!http)
		return rd_fail_at(e, RD_E_DEVICE, "print.printer", _("cannot reach the print server %s: %s"), server,
				  cupsLastErrorString());
	rc = check_printer(http, printer, server, &r, &state, &out->accepting, e);
	httpClose(http);
	rd_strlcpy(out->detail, r.detail, sizeof out->detail);
	rd_strlcpy(out->state,
		   state == IPP_PSTATE_IDLE ? "idle" : state == IPP_PSTATE_PROCESSING ? "processing"
		   : state == IPP_PSTATE_STOPPED ? "stopped" : "",
		   sizeof out->state);
	return rc;
}
