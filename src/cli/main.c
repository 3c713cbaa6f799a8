/* main.c: sintesi-cli, the scriptable face of the core (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-paths.h"

typedef struct
{
  const char            *name;
  SintesiCliCommandFunc  run;
  const char            *summary;
} CommandEntry;

static const CommandEntry commands[] = {
  { "profile", sintesi_cli_profile, N_("Create, show, list and check physician profiles") },
  { "registry", sintesi_cli_registry, N_("Import or show the list of accredited software") },
  { "pdf", sintesi_cli_pdf, N_("Build or inspect a PSS PDF (pdf inspect FILE.pdf)") },
  { "tokens", sintesi_cli_tokens, N_("Build and check both tokens of a call, without sending") },
  { "rules", sintesi_cli_rules, N_("Install, update or show the official validation rules") },
  { "validate", sintesi_cli_validate, N_("Validate a PSS with the official rules and the built-in checks") },
  { "credentials", sintesi_cli_credentials, N_("Import and check a profile's A1/S1 credentials") },
  { "pss", sintesi_cli_pss, N_("Build patient summaries (pss example)") },
  { "submit", sintesi_cli_submit, N_("Send a new PSS to the gateway") },
  { "replace", sintesi_cli_replace, N_("Replace a document sent earlier") },
  { "delete", sintesi_cli_delete, N_("Delete a document sent earlier") },
  { "update-metadata", sintesi_cli_update_metadata, N_("Update the metadata of a document sent earlier") },
  { "status", sintesi_cli_status, N_("Ask the gateway how a call ended") },
  { "history", sintesi_cli_history, N_("List or export the journal of calls to the gateway") },
  { "support-bundle", sintesi_cli_support_bundle, N_("Pack one call into a zip for a support request") },
  { NULL, NULL, NULL }
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: sintesi-cli [--config-dir DIR] [--data-dir DIR] [--rules DIR] [--json] COMMAND …"));
  fprintf (stream, "%s\n", _("Commands:"));
  for (gsize i = 0; commands[i].name != NULL; i++)
    fprintf (stream, "  %-18s %s\n", commands[i].name, _(commands[i].summary));
}

/* Global options may stand anywhere on the line: take them out so that each
 * command parses only its own. Returns FALSE on a global option without its
 * value. */
static gboolean
take_global_options (SintesiCli  *cli,
                     int         *argc,
                     char       **argv,
                     char       **bad_option)
{
  static const char * const with_value[] = { "--config-dir", "--data-dir", "--rules" };
  int out = 1;

  for (int i = 1; i < *argc; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;
      const char *name = NULL;

      if (strcmp (arg, "--") == 0)
        {
          while (i < *argc)
            argv[out++] = argv[i++];
          break;
        }
      if (strcmp (arg, "--json") == 0)
        {
          cli->json = TRUE;
          continue;
        }
      for (gsize k = 0; k < G_N_ELEMENTS (with_value); k++)
        {
          gsize len = strlen (with_value[k]);

          if (strncmp (arg, with_value[k], len) != 0)
            continue;
          if (arg[len] == '=')
            {
              name = with_value[k];
              value = arg + len + 1;
            }
          else if (arg[len] == '\0')
            {
              name = with_value[k];
              if (i + 1 >= *argc)
                {
                  *bad_option = g_strdup (arg);
                  return FALSE;
                }
              value = argv[++i];
            }
        }
      if (name == NULL)
        {
          argv[out++] = argv[i];
          continue;
        }
      if (strcmp (name, "--config-dir") == 0)
        sintesi_paths_set_config_dir (value);
      else if (strcmp (name, "--data-dir") == 0)
        sintesi_paths_set_data_dir (value);
      else
        {
          g_free (cli->rules_dir);
          cli->rules_dir = g_strdup (value);
        }
    }
  argv[out] = NULL;
  *argc = out;
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  SintesiCli cli = { 0 };
  g_autofree char *bad_option = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("sintesi-cli");

  if (!take_global_options (&cli, &argc, argv, &bad_option))
    return sintesi_cli_usage_error (&cli, _("Option %s needs a value"), bad_option);

  if (argc < 2)
    {
      print_usage (stderr);
      return sintesi_cli_usage_error (&cli, "%s", _("No command given"));
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return SINTESI_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("sintesi-cli %s\n", PACKAGE_VERSION);
      return SINTESI_CLI_EXIT_OK;
    }

  for (gsize i = 0; commands[i].name != NULL; i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          status = commands[i].run (&cli, argc - 1, argv + 1);
          g_free (cli.rules_dir);
          return status;
        }
    }

  print_usage (stderr);
  status = sintesi_cli_usage_error (&cli, _("Unknown command “%s”"), argv[1]);
  g_free (cli.rules_dir);
  return status;
}
