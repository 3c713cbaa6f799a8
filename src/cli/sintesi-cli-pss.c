/* sintesi-cli-pss.c: `sintesi-cli pss example` (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-ids.h"
#include "sintesi-journal.h"
#include "sintesi-profile.h"
#include "sintesi-cda.h"
#include "sintesi-paths.h"
#include "sintesi-pss-builder.h"
#include "sintesi-pss-checks.h"

static char *
now_hl7 (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Rome");
  g_autoptr(GDateTime) now = NULL;

  if (zone == NULL)
    zone = g_time_zone_new_local ();
  now = g_date_time_new_now (zone);

  return g_date_time_format (now, "%Y%m%d%H%M%S%z");
}

static gboolean
is_digits (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
is_solution_name (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isupper (*s) && !g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static int
pss_example (SintesiCli  *cli,
             int          argc,
             char       **argv)
{
  g_autofree char *patient = NULL;
  g_autofree char *author = NULL;
  g_autofree char *out = NULL;
  g_autofree char *azienda = NULL;
  g_autofree char *repository = NULL;
  g_autofree char *solution = NULL;
  g_autofree char *progressive = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *effective_time = NULL;
  g_autofree char *id_extension = NULL;
  g_autofree char *document_id = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(SintesiPssModel) model = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_("Codice fiscale of the (synthetic) patient"), "CF" },
    { "author", 0, 0, G_OPTION_ARG_STRING, &author, N_("Codice fiscale of the authoring and signing physician"), "CF" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to write the CDA"), "FILE.xml" },
    { "azienda", 0, 0, G_OPTION_ARG_STRING, &azienda, N_("Health authority code inside region 090 (default 201)"), "CODE" },
    { "repository", 0, 0, G_OPTION_ARG_STRING, &repository, N_("Repository code (default 201)"), "CODE" },
    { "solution", 0, 0, G_OPTION_ARG_STRING, &solution, N_("Solution name in the document id (default SINTESI)"), "NAME" },
    { "progressive", 0, 0, G_OPTION_ARG_STRING, &progressive, N_("Progressive number in the document id (default 1)"), "N" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
      N_("Take azienda, repository and solution from this profile, and reserve the progressive in the journal"), "NAME" },
    { "effective-time", 0, 0, G_OPTION_ARG_STRING, &effective_time,
      N_("Document date, YYYYMMDDHHMMSS+ZZZZ (default now)"), "TS" },
    { NULL }
  };

  if (!sintesi_cli_parse_options (cli, "pss example", NULL,
                                  _("Writes a complete, valid synthetic patient summary (PSS) for tests and accreditation."),
                                  entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return sintesi_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
  if (patient == NULL || author == NULL || out == NULL)
    return sintesi_cli_usage_error (cli, "%s", _("pss example needs --patient, --author and --out"));
  if (azienda != NULL && !is_digits (azienda))
    return sintesi_cli_usage_error (cli, _("--azienda must be digits, not “%s”"), azienda);
  if (repository != NULL && !is_digits (repository))
    return sintesi_cli_usage_error (cli, _("--repository must be digits, not “%s”"), repository);
  if (progressive != NULL && !is_digits (progressive))
    return sintesi_cli_usage_error (cli, _("--progressive must be digits, not “%s”"), progressive);
  if (solution != NULL && !is_solution_name (solution))
    return sintesi_cli_usage_error (cli, _("--solution must be upper-case letters and digits, not “%s”"), solution);

  if (profile_name != NULL && progressive == NULL)
    {
      g_autoptr(SintesiProfile) profile = NULL;
      g_autoptr(SintesiJournal) journal = NULL;
      g_autofree char *prefix = NULL;
      g_autofree char *reserved = NULL;
      const char *profile_solution;

      if (!sintesi_cli_ensure_demo_profile (profile_name, &error) ||
          (profile = sintesi_profile_load_unvalidated (profile_name, &error)) == NULL)
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      profile_solution = sintesi_profile_get_solution (profile) != NULL ? sintesi_profile_get_solution (profile)
                                                                        : SINTESI_DEFAULT_SOLUTION;
      prefix = sintesi_ids_document_id_prefix (azienda ? azienda : sintesi_profile_get_azienda (profile),
                                               repository ? repository : sintesi_profile_get_repository (profile),
                                               solution ? solution : profile_solution, &error);
      if (prefix == NULL || (journal = sintesi_journal_open_default (&error)) == NULL ||
          (reserved = sintesi_journal_reserve_document_id (journal, profile_name, solution ? solution : profile_solution,
                                                           prefix, NULL, &error)) == NULL)
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      /* D11: a progressive from the journal, never given again. */
      id_extension = g_strdup (strchr (reserved, '^') + 1);
    }
  else
    /* D11: <region 090><azienda>.PSS.<repository>.<SOLUTION><progressive> */
    id_extension = g_strdup_printf ("090%s.PSS.%s.%s%s",
                                  azienda ? azienda : "201",
                                  repository ? repository : "201",
                                  solution ? solution : "SINTESI",
                                  progressive ? progressive : "1");
  if (effective_time == NULL)
    effective_time = now_hl7 ();

  model = sintesi_pss_model_new_example (patient, author, id_extension, effective_time);
  bytes = sintesi_pss_build (model, &error);
  if (bytes == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);

  /* Read back what was built: the identity printed is the document's own. */
  cda = sintesi_cda_load_bytes (bytes, out, 0, &error);
  if (cda == NULL || (document_id = sintesi_cda_identificativo_doc (cda, &error)) == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);

  /* An example must pass the built-in checks (a wrong check character in a
   * CF would only fail at the gateway); the national placeholder CF of the
   * accreditation tests is accepted. */
  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_TEST_MODE);
  if (!sintesi_pss_checks_all_ok (checks))
    {
      g_autoptr(GString) reasons = g_string_new (NULL);

      for (guint i = 0; i < checks->len; i++)
        {
          const SintesiPssCheck *check = g_ptr_array_index (checks, i);

          if (!check->ok)
            g_string_append_printf (reasons, "%s%s", reasons->len ? " " : "", check->message);
        }
      g_set_error (&error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
                   /* TRANSLATORS: %s is one or more sentences saying what is wrong */
                   _("The example was not written: %s"), reasons->str);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
    }

  if (!sintesi_write_file_atomic (out, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), 0600, &error))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, out);
      json_builder_set_member_name (builder, "document_id");
      json_builder_add_string_value (builder, document_id);
      json_builder_set_member_name (builder, "patient_cf");
      json_builder_add_string_value (builder, cda->patient_cf);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) g_bytes_get_size (bytes));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, sha256);
      json_builder_set_member_name (builder, "checks");
      json_builder_begin_array (builder);
      for (guint i = 0; i < checks->len; i++)
        {
          const SintesiPssCheck *check = g_ptr_array_index (checks, i);

          sintesi_cli_json_add_check (builder, check->id, check->ok, check->message);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    {
      g_autofree char *display = g_filename_display_name (out);

      /* TRANSLATORS: the first %s is a file name, the second the document identifier */
      g_print (_("Wrote %s (document %s).\n"), display, document_id);
    }
  return SINTESI_CLI_EXIT_OK;
}

int
sintesi_cli_pss (SintesiCli  *cli,
                 int          argc,
                 char       **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      FILE *stream = argc < 2 ? stderr : stdout;

      fprintf (stream, "%s\n", _("Usage: sintesi-cli pss example --patient CF --author CF --out FILE.xml"));
      if (argc < 2)
        return sintesi_cli_usage_error (cli, "%s", _("pss needs a subcommand"));
      return SINTESI_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "example") == 0)
    return pss_example (cli, argc - 1, argv + 1);
  return sintesi_cli_usage_error (cli, _("Unknown pss subcommand “%s”"), argv[1]);
}
