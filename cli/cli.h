/* cli — subcommands over the workflows. */
#ifndef RADESK_CLI_H
#define RADESK_CLI_H

#include "workflows/workflows.h"

int rd_cli_main(int argc, char **argv);
/* Opens the terminal interface (ui/); returns the exit status. */
int cli_run_tui(const rd_ctx_options *opt, const char *lang);

#endif
