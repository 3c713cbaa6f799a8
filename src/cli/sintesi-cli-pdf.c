/* sintesi-cli-pdf.c: `sintesi-cli pdf SUBCOMMAND` (cli.md, Documents) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-cda.h"
#include "sintesi-paths.h"
#include "sintesi-pdf.h"
#include "sintesi-profile.h"
#include "sintesi-submission.h"

typedef struct
{
  const char            *name;
  SintesiCliCommandFunc  run;
  const char            *summary;
} PdfSubcommand;

static void
print_human (const char *file,
             GBytes     *cda,
             const char *sha256,
             GPtrArray  *signatures)
{
  printf ("%s\n", file);
  if (cda != NULL)
    printf (_("Attachment %s: %lu bytes, SHA-256 %s\n"),
            SINTESI_PDF_CDA_NAME, (gulong) g_bytes_get_size (cda), sha256);
  else
    printf (_("No %s attachment.\n"), SINTESI_PDF_CDA_NAME);
  if (signatures->len == 0)
    printf ("%s\n", _("Not signed."));
  for (guint i = 0; i < signatures->len; i++)
    {
      SintesiPdfSignature *signature = g_ptr_array_index (signatures, i);

      printf (_("Signature %u (%s) by %s, %s, %s.\n"), i + 1,
              signature->subfilter != NULL ? signature->subfilter : "?",
              signature->signer_cn != NULL ? signature->signer_cn : _("unknown signer"),
              signature->signing_time != NULL ? signature->signing_time : _("no signing time"),
              signature->covers_whole_file ? _("covers the whole file") : _("does not cover the whole file"));
      printf ("  %s\n", signature->valid ? _("The signature is valid.") : signature->problem);
    }
}

static int
pdf_inspect (SintesiCli  *cli,
             int          argc,
             char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "pdf inspect", _("FILE.pdf"),
                                  _("Shows the cda.xml attachment and the signatures of a PDF."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("pdf inspect needs exactly one PDF file"));

  if (!g_file_get_contents (argv[1], &contents, &length, &error))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  pdf = g_bytes_new_take (g_steal_pointer (&contents), length);

  cda = sintesi_pdf_get_cda (pdf, &error);
  if (cda == NULL && !g_error_matches (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_NO_ATTACHMENT))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
  g_clear_error (&error);
  signatures = sintesi_pdf_get_signatures (pdf, &error);
  if (signatures == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
  if (cda != NULL)
    sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, cda);

  if (!cli->json)
    {
      print_human (argv[1], cda, sha256, signatures);
      return SINTESI_CLI_EXIT_OK;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "attachment");
  if (cda != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, SINTESI_PDF_CDA_NAME);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) g_bytes_get_size (cda));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, sha256);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "signatures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < signatures->len; i++)
    {
      SintesiPdfSignature *signature = g_ptr_array_index (signatures, i);

      json_builder_begin_object (builder);
      sintesi_cli_json_add_string (builder, "subfilter", signature->subfilter);
      json_builder_set_member_name (builder, "valid");
      json_builder_add_boolean_value (builder, signature->valid);
      json_builder_set_member_name (builder, "covers_whole_file");
      json_builder_add_boolean_value (builder, signature->covers_whole_file);
      sintesi_cli_json_add_string (builder, "signer_cn", signature->signer_cn);
      sintesi_cli_json_add_string (builder, "signing_time", signature->signing_time);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sintesi_cli_print_json (cli, json_builder_get_root (builder));
  return SINTESI_CLI_EXIT_OK;
}

/* `pdf build` joins this table when the signing side lands. */
/* pdf build: what a physician would send, without sending it. */
static int
pdf_build (SintesiCli  *cli,
           int          argc,
           char       **argv)
{
  g_autofree char *profile_name = NULL;
  g_autofree char *cda_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *signer_cn = NULL;
  g_autofree char *document_id = NULL;
  gboolean password_stdin = FALSE;
  gsize length;
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(SintesiCredential) sign = NULL;
  g_autoptr(SintesiCda) cda_facts = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  SintesiSandbox *sandbox = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("The physician profile whose signature certificate (S1) signs"), "NAME" },
    { "cda", 0, 0, G_OPTION_ARG_FILENAME, &cda_path, N_("The CDA to render, attach and sign"), "FILE" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to write the signed PDF"), "OUT.pdf" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the credentials passphrase from standard input (when no keyring holds it)"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("Read the credentials passphrase from a file"), "FILE" },
    { NULL }
  };

  if (!sintesi_cli_parse_options (cli, "pdf build", "--profile NAME --cda FILE --out OUT.pdf",
                                  _("Renders the human-readable pages of a PSS, attaches it as cda.xml and signs it (PAdES)."),
                                  entries, &argc, &argv, &exit_code))
    return exit_code;
  if (profile_name == NULL || cda_path == NULL || out == NULL || argc > 1)
    return sintesi_cli_usage_error (cli, "%s", _("pdf build needs --profile NAME, --cda FILE and --out OUT.pdf."));

  if (!g_file_get_contents (cda_path, &contents, &length, &error))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  cda = g_bytes_new_take (g_steal_pointer (&contents), length);
  cda_facts = sintesi_cda_load_bytes (cda, cda_path, 0, &error);
  if (cda_facts == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);

  profile = sintesi_cli_load_profile (profile_name, &sandbox, &error);
  if (profile != NULL && (password_stdin || password_file != NULL))
    password = sintesi_cli_read_password (password_stdin, password_file, &error);
  if (error == NULL)
    sign = sintesi_cli_load_signing_credential (profile_name, password, sandbox, &error);
  if (sign == NULL)
    {
      sintesi_sandbox_stop (sandbox);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
    }

  pdf = sintesi_submission_sign_cda (cda, sign, &error);
  sintesi_sandbox_stop (sandbox);
  if (pdf == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
  if (!sintesi_write_file_atomic (out, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), 0600, &error))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  signer_cn = sintesi_credential_get_cn (sign);
  document_id = sintesi_cda_identificativo_doc (cda_facts, NULL);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, out);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) g_bytes_get_size (pdf));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, sha256);
      sintesi_cli_json_add_string (builder, "signer_cn", signer_cn);
      sintesi_cli_json_add_string (builder, "document_id", document_id);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    printf (_("Wrote %s, signed by %s.\n"), out, signer_cn);
  if (password != NULL)
    sintesi_credentials_wipe (password, strlen (password));
  return SINTESI_CLI_EXIT_OK;
}

static const PdfSubcommand subcommands[] = {
  { "build", pdf_build, N_("Render, attach cda.xml and sign a PSS with the profile’s S1 certificate") },
  { "inspect", pdf_inspect, N_("Show the cda.xml attachment and the signatures of a PDF") },
};

int
sintesi_cli_pdf (SintesiCli  *cli,
                 int          argc,
                 char       **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      FILE *stream = argc < 2 ? stderr : stdout;

      fprintf (stream, "%s\n", _("Usage: sintesi-cli pdf SUBCOMMAND …"));
      for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
        fprintf (stream, "  %-10s %s\n", subcommands[i].name, _(subcommands[i].summary));
      if (argc < 2)
        return sintesi_cli_usage_error (cli, "%s", _("No pdf subcommand given"));
      return SINTESI_CLI_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].run (cli, argc - 1, argv + 1);
  return sintesi_cli_usage_error (cli, _("Unknown pdf subcommand “%s”"), argv[1]);
}
