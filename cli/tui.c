#include "cli/cli.h"

#include <stdio.h>

int cli_run_tui(const rd_ctx_options *opt, const char *lang)
{
	(void)opt;
	(void)lang;
	fprintf(stderr, "radesk: %s\n", _("the terminal interface is not part of this build"));
	return 5;
}
