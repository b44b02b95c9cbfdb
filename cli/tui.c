/* No command: the terminal interface. */
#include "cli/cli.h"
#include "ui/ui.h"

int cli_run_tui(const rd_ctx_options *opt, const char *lang)
{
	return rd_ui_main(opt, lang);
}
