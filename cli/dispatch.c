#include "cli/cli.h"
#include "core/core.h"
#include <stdio.h>
int rd_cli_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	rd_i18n_init(NULL);
	printf("radesk %s\n", RADESK_VERSION);
	return 0;
}
