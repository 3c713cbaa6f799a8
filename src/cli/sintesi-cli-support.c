/* sintesi-cli-support.c: `support-bundle JOURNAL_ID --out FILE.zip` (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-support.h"

static gboolean
parse_journal_id (const char *text,
                  gint64     *id)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static void
print_bundle (SintesiCli                 *cli,
              const SintesiSupportBundle *bundle)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *size = NULL;

  if (!cli->json)
    {
      size = g_format_size (bundle->size);
      /* TRANSLATORS: a file name, then its size, e.g. "48.2 kB" */
      printf (_("Support bundle written to %s (%s)."), bundle->path, size);
      printf ("\n");
      for (guint i = 0; bundle->files[i] != NULL; i++)
        printf ("  %s\n", bundle->files[i]);
      if (bundle->x_cart_id != NULL)
        printf ("X-CART-id: %s\n", bundle->x_cart_id);
      printf ("%s\n", _("email.txt holds the subject, the recipients and the text of the e-mail to the regional support."));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, bundle->path);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) bundle->size);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, bundle->sha256);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; bundle->files[i] != NULL; i++)
    json_builder_add_string_value (builder, bundle->files[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "x_cart_id");
  if (bundle->x_cart_id != NULL)
    json_builder_add_string_value (builder, bundle->x_cart_id);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  sintesi_cli_print_json (cli, json_builder_get_root (builder));
}

int
sintesi_cli_support_bundle (SintesiCli *cli, int argc, char **argv)
{
  g_autofree char *out = NULL;
  gboolean confirm = FALSE;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_("Where to write the zip (a folder: the default name inside it; default: the current folder)"), "FILE.zip" },
    { "confirm-health-data", 0, 0, G_OPTION_ARG_NONE, &confirm,
      N_("Confirm that the bundle holds a patient’s health data (required for calls to production or a custom endpoint)"), NULL },
    { NULL }
  };
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiSupportBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 journal_id = 0;
  int status;

  if (!sintesi_cli_parse_options (cli, "support-bundle", "JOURNAL_ID --out FILE.zip [--confirm-health-data]",
                                  _("Packs one call of the journal into a zip for a support request: request, "
                                    "response, document, cda.xml, X-CART-id, decoded tokens, a manifest and the "
                                    "e-mail to send."),
                                  entries, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return sintesi_cli_usage_error (cli, "%s", _("Give the journal id of the call (see “sintesi-cli history”)."));
  if (argc > 2)
    return sintesi_cli_usage_error (cli, _("Unexpected argument “%s”."), argv[2]);
  if (!parse_journal_id (argv[1], &journal_id))
    return sintesi_cli_usage_error (cli, _("“%s” is not a journal id: use the number shown by “sintesi-cli history”."),
                                    argv[1]);

  /* Looking for a record must not create a journal. */
  path = sintesi_journal_default_path ();
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (&error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_NOT_FOUND,
                   _("There is no journal yet, so no call with id %s."), argv[1]);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
    }
  journal = sintesi_journal_open (path, &error);
  if (journal == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);

  bundle = sintesi_support_write_bundle (journal, journal_id, out != NULL ? out : ".",
                                         confirm ? SINTESI_SUPPORT_FLAGS_CONFIRM_HEALTH_DATA
                                                 : SINTESI_SUPPORT_FLAGS_NONE,
                                         &error);
  if (bundle == NULL)
    {
      if (g_error_matches (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_HEALTH_DATA_NOT_CONFIRMED))
        {
          g_autoptr(GError) refused = g_error_new (error->domain, error->code, "%s %s", error->message,
                                                   _("Run the command again with --confirm-health-data to export it."));

          return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, refused);
        }
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
    }
  print_bundle (cli, bundle);
  return SINTESI_CLI_EXIT_OK;
}
