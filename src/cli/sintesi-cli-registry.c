/* sintesi-cli-registry.c: sintesi-cli registry import|show
 *
 * Puts the accredited-software list (results.csv of
 * ministero-salute/it-fse-accreditati) where `profile check` and the sends
 * look for it: <data dir>/registry/results.csv.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-registry.h"

static void
print_registry (SintesiCli      *cli,
                SintesiRegistry *registry,
                const char      *path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "installed");
  json_builder_add_boolean_value (builder, registry != NULL);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  if (registry != NULL)
    {
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, sintesi_registry_get_n_rows (registry));
      json_builder_set_member_name (builder, "pss_rows");
      json_builder_add_int_value (builder, sintesi_registry_count_pss_rows (registry));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, sintesi_registry_get_sha256 (registry));
      json_builder_set_member_name (builder, "latest_validation_date");
      json_builder_add_string_value (builder, sintesi_registry_get_latest_validation_date (registry));
    }
  json_builder_end_object (builder);

  if (cli->json)
    sintesi_cli_print_json (cli, json_builder_get_root (builder));
  else if (registry != NULL)
    printf (_("%s: %u rows, %u for the patient summary (PSS), latest validation %s, SHA-256 %s\n"),
            path, sintesi_registry_get_n_rows (registry),
            sintesi_registry_count_pss_rows (registry),
            sintesi_registry_get_latest_validation_date (registry),
            sintesi_registry_get_sha256 (registry));
  else
    printf (_("No registry has been imported (expected in %s).\n"), path);
}

static int
registry_fail (SintesiCli   *cli,
               const GError *error)
{
  /* A file that cannot be read is a setup error; one that is not a
   * registry is refused. */
  return sintesi_cli_fail (cli,
                           g_error_matches (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT)
                             ? SINTESI_CLI_EXIT_REFUSED : SINTESI_CLI_EXIT_USAGE,
                           error);
}

static int
registry_import (SintesiCli  *cli,
                 int          argc,
                 char       **argv)
{
  g_autoptr(SintesiRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "registry import", "FILE",
                                  _("Imports the list of accredited software (results.csv)."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("registry import needs exactly one FILE"));

  registry = sintesi_registry_import (argv[1], &error);
  if (registry == NULL)
    return registry_fail (cli, error);
  path = sintesi_registry_installed_path ();
  print_registry (cli, registry, path);
  return SINTESI_CLI_EXIT_OK;
}

static int
registry_show (SintesiCli  *cli,
               int          argc,
               char       **argv)
{
  g_autoptr(SintesiRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "registry show", NULL,
                                  _("Shows the imported list of accredited software."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return sintesi_cli_usage_error (cli, "%s", _("registry show takes no arguments"));

  path = sintesi_registry_installed_path ();
  registry = sintesi_registry_load_installed (&error);
  if (registry == NULL && !g_error_matches (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_NOT_INSTALLED))
    return registry_fail (cli, error);
  print_registry (cli, registry, path);
  return SINTESI_CLI_EXIT_OK;
}

int
sintesi_cli_registry (SintesiCli  *cli,
                      int          argc,
                      char       **argv)
{
  if (argc < 2)
    return sintesi_cli_usage_error (cli, "%s", _("registry needs a subcommand: import or show"));
  if (strcmp (argv[1], "import") == 0)
    return registry_import (cli, argc - 1, argv + 1);
  if (strcmp (argv[1], "show") == 0)
    return registry_show (cli, argc - 1, argv + 1);
  return sintesi_cli_usage_error (cli, _("Unknown registry subcommand “%s”; use import or show"), argv[1]);
}
