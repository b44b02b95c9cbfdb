/* Until the desk workflow's subcommands land, `app` has none of them. */
#include "cli/internal.h"

int cli_app_desk_subcommand(cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	return -1;
}
