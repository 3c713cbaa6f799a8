/* sintesi-cli-commands.h: one entry point per command group */
#pragma once

#include "sintesi-cli.h"

G_BEGIN_DECLS

int sintesi_cli_profile     (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_registry    (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_credentials (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_tokens      (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_rules       (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_validate    (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_pdf         (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_pss         (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_history     (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_submit      (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_replace     (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_delete      (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_update_metadata (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_status      (SintesiCli *cli, int argc, char **argv);
int sintesi_cli_support_bundle (SintesiCli *cli, int argc, char **argv);

G_END_DECLS
