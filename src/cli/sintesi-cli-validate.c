/* sintesi-cli-validate.c: sintesi-cli validate FILE (cli.md)
 *
 * Official validation (XSD, then schematron) with the rules package, plus
 * the built-in PSS checks that need no package.  The JSON keys are the
 * contract: valid, rules_version, xsd {valid, errors[{line, message}]},
 * schematron {failed_asserts[{id, message, location}], reports[…]},
 * checks[{id, ok, message}].  Without a rules package "xsd" and
 * "schematron" are null (not run), "rules_version" is null, and the verdict
 * rests on the built-in checks alone.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-rules.h"
#include "sintesi-xml.h"

/* The CDA to validate.  A .pdf carries it as the cda.xml attachment: that
 * comes with the pdf unit, which will plug in here (read the attachment,
 * then sintesi_xml_read_bytes); until then a PDF is refused clearly. */
static xmlDoc *
load_cda (const char  *path,
          GError     **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  char magic[5] = "";
  FILE *file;

  file = fopen (path, "rb");
  if (file != NULL)
    {
      if (fread (magic, 1, 4, file) != 4)
        magic[0] = '\0';
      fclose (file);
    }
  if (g_str_has_suffix (lower, ".pdf") || strncmp (magic, "%PDF", 4) == 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      /* SEAM(pdf): extract cda.xml with the pdf unit and validate it. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is a PDF: this version of sintesi-cli validates the CDA itself; give it the cda.xml file."),
                   display);
      return NULL;
    }
  return sintesi_xml_read_file (path, SINTESI_XML_DEFAULT_MAX_SIZE, error);
}

static void
add_findings (JsonBuilder *builder,
              const char  *name,
              GPtrArray   *findings)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    {
      SintesiSchematronFinding *finding = g_ptr_array_index (findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, finding->id);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, finding->message);
      json_builder_set_member_name (builder, "location");
      json_builder_add_string_value (builder, finding->location);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_human (SintesiRulesPackage     *package,
             SintesiXsdResult        *xsd,
             SintesiSchematronResult *schematron,
             gboolean                 valid)
{
  if (package == NULL)
    printf ("%s\n", _("Official validation (XSD and schematron) is unavailable: no rules package is installed."));
  else
    printf (_("Rules: %s\n"), sintesi_rules_package_get_version (package));

  if (xsd != NULL)
    {
      printf (xsd->valid ? _("XSD: valid\n") : _("XSD: not valid\n"));
      for (guint i = 0; i < xsd->errors->len; i++)
        {
          SintesiXsdIssue *issue = g_ptr_array_index (xsd->errors, i);

          printf (_("  line %d: %s\n"), issue->line, issue->message);
        }
    }
  if (schematron != NULL)
    {
      g_autofree char *count = g_strdup_printf ("%u", schematron->failed_asserts->len);
      g_autofree char *warnings = g_strdup_printf ("%u", schematron->reports->len);

      printf (_("Schematron: %s failed asserts, %s warnings\n"), count, warnings);
      for (guint i = 0; i < schematron->failed_asserts->len; i++)
        {
          SintesiSchematronFinding *finding = g_ptr_array_index (schematron->failed_asserts, i);

          printf ("  %s %s\n    %s\n", finding->id, finding->location, finding->message);
        }
      for (guint i = 0; i < schematron->reports->len; i++)
        {
          SintesiSchematronFinding *finding = g_ptr_array_index (schematron->reports, i);

          printf (_("  warning %s %s\n    %s\n"), finding->id, finding->location, finding->message);
        }
    }
  printf ("%s\n", valid ? _("The document is valid.") : _("The document is not valid."));
}

int
sintesi_cli_validate (SintesiCli  *cli,
                      int          argc,
                      char       **argv)
{
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(SintesiXsdResult) xsd_result = NULL;
  g_autoptr(SintesiSchematronResult) schematron_result = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  gboolean valid = TRUE;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "validate", "FILE",
                                  _("Validates a PSS (a CDA .xml) with the official XSD and schematron and the built-in checks."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("“validate” needs exactly one file."));

  doc = load_cda (argv[1], &error);
  if (doc == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);

  if (cli->rules_dir != NULL)
    package = sintesi_rules_package_open (cli->rules_dir, &error);
  else
    package = sintesi_rules_package_open_installed (&error);
  if (package == NULL && !g_error_matches (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_NOT_INSTALLED))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  if (package == NULL)
    {
      g_printerr ("sintesi-cli: %s\n", error->message);
      g_clear_error (&error);
    }

  if (package != NULL)
    {
      SintesiXsd *xsd;
      SintesiSchematron *schematron;

      if (!sintesi_rules_package_load (package, &error))
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      xsd = sintesi_rules_package_get_xsd (package, NULL);
      schematron = sintesi_rules_package_get_schematron (package, NULL);
      xsd_result = sintesi_xsd_validate (xsd, doc, &error);
      if (xsd_result != NULL)
        schematron_result = sintesi_schematron_validate (schematron, doc, &error);
      if (schematron_result == NULL)
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      valid = xsd_result->valid && schematron_result->failed_asserts->len == 0;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, FALSE);  /* set below, once checks are in */
  json_builder_set_member_name (builder, "rules_version");
  if (package != NULL)
    json_builder_add_string_value (builder, sintesi_rules_package_get_version (package));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "xsd");
  if (xsd_result != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "valid");
      json_builder_add_boolean_value (builder, xsd_result->valid);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      for (guint i = 0; i < xsd_result->errors->len; i++)
        {
          SintesiXsdIssue *issue = g_ptr_array_index (xsd_result->errors, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "line");
          json_builder_add_int_value (builder, issue->line);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, issue->message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "schematron");
  if (schematron_result != NULL)
    {
      json_builder_begin_object (builder);
      add_findings (builder, "failed_asserts", schematron_result->failed_asserts);
      add_findings (builder, "reports", schematron_result->reports);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  /* SEAM(pss-checks): the built-in PSS checks (header, mandatory sections,
   * uppercase CFs, templateId first, legalAuthenticator S) are written in
   * parallel; once merged, add one {id, ok, message} per check here and
   * clear `valid` when one is not ok. */
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  {
    JsonNode *root = json_builder_get_root (builder);

    json_object_set_boolean_member (json_node_get_object (root), "valid", valid);
    if (cli->json)
      sintesi_cli_print_json (cli, root);
    else
      {
        print_human (package, xsd_result, schematron_result, valid);
        json_node_unref (root);
      }
  }
  return valid ? SINTESI_CLI_EXIT_OK : SINTESI_CLI_EXIT_REFUSED;
}
