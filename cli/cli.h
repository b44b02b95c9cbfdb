/* cli — subcommands over the workflows. */
#ifndef RADESK_CLI_H
#define RADESK_CLI_H
int rd_cli_main(int argc, char **argv);
#endif
