/* sintesi-cli-validate.c: sintesi-cli validate FILE (cli.md)
 *
 * Official validation (XSD, then schematron) with the rules package, plus
 * the built-in PSS checks that need no package (sintesi-validation). A PDF
 * is validated through the cda.xml it carries.  The JSON keys are the
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
#include "sintesi-validation.h"

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
             SintesiValidation       *validation)
{
  SintesiXsdResult *xsd = validation->xsd;
  SintesiSchematronResult *schematron = validation->schematron;

  for (guint i = 0; i < validation->checks->len; i++)
    {
      SintesiPssCheck *check = g_ptr_array_index (validation->checks, i);

      if (!check->ok)
        printf ("%s: %s\n", check->id, check->message);
    }
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
  printf ("%s\n", validation->valid ? _("The document is valid.") : _("The document is not valid."));
}

int
sintesi_cli_validate (SintesiCli  *cli,
                      int          argc,
                      char       **argv)
{
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(SintesiValidation) validation = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "validate", "FILE",
                                  _("Validates a PSS (a CDA .xml, or the cda.xml of a PDF) with the official XSD and schematron and the built-in checks."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("“validate” needs exactly one file."));

  cda = sintesi_validation_load_document (argv[1], &error);
  if (cda == NULL)
    return sintesi_cli_fail (cli, g_error_matches (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_NOT_CDA)
                                  ? SINTESI_CLI_EXIT_REFUSED : SINTESI_CLI_EXIT_USAGE, error);
  package = sintesi_validation_open_rules (cli->rules_dir, &error);
  if (package == NULL && error != NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  if (package == NULL)
    g_printerr ("sintesi-cli: %s\n", _("Official validation (XSD and schematron) is unavailable: no rules package is installed."));

  /* The gateway accepts the national placeholder CF of its own examples
   * (PROVAX00X00X000Y); sending from a production profile refuses it. */
  validation = sintesi_validation_run (cda, package, SINTESI_PSS_CHECK_FLAGS_TEST_MODE, &error);
  if (validation == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, validation->valid);
  json_builder_set_member_name (builder, "rules_version");
  if (validation->rules_version != NULL)
    json_builder_add_string_value (builder, validation->rules_version);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "xsd");
  if (validation->xsd != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "valid");
      json_builder_add_boolean_value (builder, validation->xsd->valid);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      for (guint i = 0; i < validation->xsd->errors->len; i++)
        {
          SintesiXsdIssue *issue = g_ptr_array_index (validation->xsd->errors, i);

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
  if (validation->schematron != NULL)
    {
      json_builder_begin_object (builder);
      add_findings (builder, "failed_asserts", validation->schematron->failed_asserts);
      add_findings (builder, "reports", validation->schematron->reports);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < validation->checks->len; i++)
    {
      SintesiPssCheck *check = g_ptr_array_index (validation->checks, i);

      sintesi_cli_json_add_check (builder, check->id, check->ok, check->message);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (cli->json)
    sintesi_cli_print_json (cli, json_builder_get_root (builder));
  else
    print_human (package, validation);
  return validation->valid ? SINTESI_CLI_EXIT_OK : SINTESI_CLI_EXIT_REFUSED;
}
