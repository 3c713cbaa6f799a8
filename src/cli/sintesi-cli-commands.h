/* sintesi-cli-commands.h: one entry point per command group */
#pragma once

#include "sintesi-cli.h"

G_BEGIN_DECLS

/* e.g. int sintesi_cli_profile (SintesiCli *cli, int argc, char **argv); */
int sintesi_cli_history (SintesiCli *cli, int argc, char **argv);

G_END_DECLS
