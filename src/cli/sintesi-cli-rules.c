/* sintesi-cli-rules.c: sintesi-cli rules import|update|show (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-rules.h"

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* installed: whether package is the one installed in the data folder
 * (FALSE for a folder given with --rules). */
static void
print_package (SintesiCli          *cli,
               SintesiRulesPackage *package,
               gboolean             installed)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *files = package != NULL ? sintesi_rules_package_get_files (package) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "installed");
  json_builder_add_boolean_value (builder, installed);
  add_nullable_string (builder, "source", package != NULL ? sintesi_rules_package_get_source (package) : NULL);
  add_nullable_string (builder, "date", package != NULL ? sintesi_rules_package_get_date (package) : NULL);
  add_nullable_string (builder, "schematron_file",
                       package != NULL ? sintesi_rules_package_get_schematron_file (package) : NULL);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      SintesiRulesFile *file = g_ptr_array_index (files, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, file->path);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, file->sha256);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (cli->json)
    {
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
      return;
    }
  if (package == NULL)
    {
      printf ("%s\n", _("No rules package is installed: official validation (XSD and schematron) is unavailable."));
      return;
    }
  printf (_("Rules package: %s\n"), sintesi_rules_package_get_dir (package));
  printf (_("Source: %s\n"), sintesi_rules_package_get_source (package) != NULL
                               ? sintesi_rules_package_get_source (package) : _("(folder used directly)"));
  if (sintesi_rules_package_get_date (package) != NULL)
    printf (_("Date: %s\n"), sintesi_rules_package_get_date (package));
  printf (_("Schematron: %s\n"), sintesi_rules_package_get_schematron_file (package));
  printf (_("Files: %u\n"), files->len);
}

/* A package that could not be installed: a bad folder is a setup problem
 * (2), a failed download or files that do not verify a refusal (1). */
static int
install_failed (SintesiCli   *cli,
                const GError *error)
{
  gboolean setup = g_error_matches (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_LAYOUT) ||
                   g_error_matches (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO);

  return sintesi_cli_fail (cli, setup ? SINTESI_CLI_EXIT_USAGE : SINTESI_CLI_EXIT_REFUSED, error);
}

static int
rules_import (SintesiCli  *cli,
              int          argc,
              char       **argv)
{
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "rules import", "DIR",
                                  _("Installs the official validation files from a folder laid out like the catalog (schema/POCD_MT000040UV02/, schematron/, terminology/) or with xsd/, schematron/, terminology/."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("“rules import” needs exactly one folder."));

  package = sintesi_rules_import (argv[1], &error);
  if (package == NULL)
    return install_failed (cli, error);
  if (!cli->json)
    g_printerr ("%s\n", _("Rules package installed."));
  print_package (cli, package, TRUE);
  return SINTESI_CLI_EXIT_OK;
}

static int
rules_update (SintesiCli  *cli,
              int          argc,
              char       **argv)
{
  g_autofree char *base_url = NULL;
  g_autofree char *ca_file = NULL;
  GOptionEntry entries[] = {
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
      N_("Where the catalog's raw files are (default: the Ministry's repository)"), N_("URL") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      N_("Also trust the certificate authorities in this PEM file"), N_("PEM") },
    { NULL }
  };
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "rules update", NULL,
                                  _("Downloads the current official validation files over HTTPS and installs them."),
                                  entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return sintesi_cli_usage_error (cli, "%s", _("“rules update” takes no arguments."));

  package = sintesi_rules_download (base_url, ca_file, NULL, &error);
  if (package == NULL)
    return install_failed (cli, error);
  if (!cli->json)
    g_printerr ("%s\n", _("Rules package installed."));
  print_package (cli, package, TRUE);
  return SINTESI_CLI_EXIT_OK;
}

static int
rules_show (SintesiCli  *cli,
            int          argc,
            char       **argv)
{
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "rules show", NULL,
                                  _("Shows the rules package validation uses."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return sintesi_cli_usage_error (cli, "%s", _("“rules show” takes no arguments."));

  if (cli->rules_dir != NULL)
    {
      package = sintesi_rules_package_open (cli->rules_dir, &error);
      if (package == NULL)
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      print_package (cli, package, FALSE);
      return SINTESI_CLI_EXIT_OK;
    }

  package = sintesi_rules_package_open_installed (&error);
  if (package == NULL && !g_error_matches (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_NOT_INSTALLED))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  print_package (cli, package, package != NULL);
  return SINTESI_CLI_EXIT_OK;
}

int
sintesi_cli_rules (SintesiCli  *cli,
                   int          argc,
                   char       **argv)
{
  if (argc >= 2 && strcmp (argv[1], "import") == 0)
    return rules_import (cli, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "update") == 0)
    return rules_update (cli, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return rules_show (cli, argc - 1, argv + 1);
  return sintesi_cli_usage_error (cli, "%s", _("Usage: sintesi-cli rules import DIR | update [--base-url URL] [--ca-file PEM] | show"));
}
