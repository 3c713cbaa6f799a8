/* test-cli-validate.c: sintesi-cli rules and validate, JSON as cli.md says */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-test-util.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* The object has exactly these members, in this order. */
static void
assert_keys (JsonObject *object,
             const char *expected)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GString) keys = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (keys, "%s%s", keys->len > 0 ? " " : "", (const char *) l->data);
  g_assert_cmpstr (keys->str, ==, expected);
}

static int
run (const char  *home,
     const char **args,
     JsonObject **out_object,
     char       **out_stderr)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = sintesi_test_run_cli (home, args, NULL, &out, &err);

  if (out_object != NULL)
    *out_object = parse_object (out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return status;
}

static void
test_without_package (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *example = sintesi_test_fixture ("cda/pss-example-2025.xml");
  g_autoptr(JsonObject) show = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *err = NULL;

  if (example == NULL)
    return;
  g_assert_cmpint (run (home, (const char *[]) { "--json", "rules", "show", NULL }, &show, NULL), ==, 0);
  assert_keys (show, "installed source date schematron_file files");
  g_assert_false (json_object_get_boolean_member (show, "installed"));
  g_assert_true (json_object_get_null_member (show, "source"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (show, "files")), ==, 0);

  /* official validation unavailable: said, and the verdict is the built-in checks' */
  g_assert_cmpint (run (home, (const char *[]) { "--json", "validate", example, NULL }, &result, &err), ==, 0);
  assert_keys (result, "valid rules_version xsd schematron checks");
  g_assert_true (json_object_get_boolean_member (result, "valid"));
  g_assert_true (json_object_get_null_member (result, "rules_version"));
  g_assert_true (json_object_get_null_member (result, "xsd"));
  g_assert_true (json_object_get_null_member (result, "schematron"));
  g_assert_nonnull (strstr (err, "Official validation (XSD and schematron) is unavailable"));
  sintesi_test_rmdir (home);
}

static void
test_import_show_validate (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *rules = sintesi_test_fixture ("rules");
  g_autofree char *sample = sintesi_test_fixture ("cda/pss-sample-2023.xml");
  g_autofree char *example = sintesi_test_fixture ("cda/pss-example-2025.xml");
  g_autofree char *sch = sintesi_test_fixture ("rules/schematron/schematron_PSS_v4.0.sch");
  g_autoptr(JsonObject) imported = NULL;
  g_autoptr(JsonObject) show = NULL;
  g_autoptr(JsonObject) bad = NULL;
  g_autoptr(JsonObject) good = NULL;
  JsonObject *schematron, *xsd, *first;
  JsonArray *files, *failed;
  gboolean checked_hash = FALSE;

  if (rules == NULL || sample == NULL || example == NULL || sch == NULL)
    return;
  g_assert_cmpint (run (home, (const char *[]) { "--json", "rules", "import", rules, NULL }, &imported, NULL), ==, 0);
  g_assert_true (json_object_get_boolean_member (imported, "installed"));

  g_assert_cmpint (run (home, (const char *[]) { "--json", "rules", "show", NULL }, &show, NULL), ==, 0);
  assert_keys (show, "installed source date schematron_file files");
  g_assert_true (json_object_get_boolean_member (show, "installed"));
  g_assert_cmpstr (json_object_get_string_member (show, "schematron_file"), ==, "schematron/schematron_PSS_v4.0.sch");
  files = json_object_get_array_member (show, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 76);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      assert_keys (file, "path sha256");
      /* sha256sum as the independent oracle */
      if (strcmp (json_object_get_string_member (file, "path"), "schematron/schematron_PSS_v4.0.sch") == 0 &&
          sintesi_test_have_program ("sha256sum"))
        {
          const char *argv[] = { "sha256sum", sch, NULL };
          g_autofree char *out = NULL;

          g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
          g_assert_true (g_str_has_prefix (out, json_object_get_string_member (file, "sha256")));
          checked_hash = TRUE;
        }
    }
  g_assert_true (checked_hash || !sintesi_test_have_program ("sha256sum"));

  g_assert_cmpint (run (home, (const char *[]) { "--json", "validate", sample, NULL }, &bad, NULL), ==, 1);
  assert_keys (bad, "valid rules_version xsd schematron checks");
  g_assert_false (json_object_get_boolean_member (bad, "valid"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (bad, "rules_version"), "schematron_PSS_v4.0.sch ("));
  xsd = json_object_get_object_member (bad, "xsd");
  assert_keys (xsd, "valid errors");
  g_assert_true (json_object_get_boolean_member (xsd, "valid"));
  schematron = json_object_get_object_member (bad, "schematron");
  assert_keys (schematron, "failed_asserts reports");
  failed = json_object_get_array_member (schematron, "failed_asserts");
  g_assert_cmpuint (json_array_get_length (failed), ==, 9);
  first = json_array_get_object_element (failed, 0);
  assert_keys (first, "id message location");
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "ERRORE-b222");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (first, "location"), "/hl7:ClinicalDocument/"));
  {
    /* The built-in checks come too: the sample's signer CF is not valid. */
    JsonArray *checks = json_object_get_array_member (bad, "checks");
    gboolean signer_refused = FALSE;

    g_assert_cmpuint (json_array_get_length (checks), >, 20);
    for (guint i = 0; i < json_array_get_length (checks); i++)
      {
        JsonObject *check = json_array_get_object_element (checks, i);

        assert_keys (check, "id ok message");
        if (g_str_equal (json_object_get_string_member (check, "id"), "legal-authenticator-cf"))
          signer_refused = !json_object_get_boolean_member (check, "ok");
      }
    g_assert_true (signer_refused);
  }

  g_assert_cmpint (run (home, (const char *[]) { "--json", "validate", example, NULL }, &good, NULL), ==, 0);
  g_assert_true (json_object_get_boolean_member (good, "valid"));
  sintesi_test_rmdir (home);
}

static void
test_rules_dir_and_xsd_errors (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *rules = sintesi_test_fixture ("rules");
  g_autofree char *vector = sintesi_test_fixture ("schematron-vectors/10-ko-ct5-confidentialityCode-missing.xml");
  g_autofree char *warning = sintesi_test_fixture ("schematron-vectors/45-ok-warning-W001-code-without-displayName.xml");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) warned = NULL;
  g_autoptr(JsonObject) show = NULL;
  JsonObject *xsd, *error, *report;

  if (rules == NULL || vector == NULL || warning == NULL)
    return;
  /* --rules DIR: used directly, nothing installed */
  g_assert_cmpint (run (home, (const char *[]) { "--rules", rules, "--json", "validate", vector, NULL }, &result, NULL), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (result, "rules_version"), ==, "schematron_PSS_v4.0.sch");
  xsd = json_object_get_object_member (result, "xsd");
  g_assert_false (json_object_get_boolean_member (xsd, "valid"));
  error = json_array_get_object_element (json_object_get_array_member (xsd, "errors"), 0);
  assert_keys (error, "line message");
  g_assert_cmpint (json_object_get_int_member (error, "line"), ==, 9);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "confidentialityCode"));

  /* a report is a warning: still valid */
  g_assert_cmpint (run (home, (const char *[]) { "--rules", rules, "--json", "validate", warning, NULL }, &warned, NULL), ==, 0);
  report = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (warned, "schematron"), "reports"), 0);
  g_assert_cmpstr (json_object_get_string_member (report, "id"), ==, "W001");
  g_assert_cmpstr (json_object_get_string_member (report, "location"), ==, "/hl7:ClinicalDocument");

  g_assert_cmpint (run (home, (const char *[]) { "--rules", rules, "--json", "rules", "show", NULL }, &show, NULL), ==, 0);
  g_assert_false (json_object_get_boolean_member (show, "installed"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (show, "files")), ==, 76);
  sintesi_test_rmdir (home);
}

static void
test_bad_inputs (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *malformed = g_build_filename (home, "broken.xml", NULL);
  g_autofree char *pdf = g_build_filename (home, "pss.pdf", NULL);
  g_autofree char *missing = g_build_filename (home, "missing.xml", NULL);
  struct { const char *args[6]; int status; const char *needle; } cases[] = {
    { { "--json", "validate", malformed, NULL }, 2, "line 2" },
    { { "--json", "validate", missing, NULL }, 2, "missing.xml" },
    { { "--json", "validate", pdf, NULL }, 2, "PDF" },
    { { "--json", "validate", NULL }, 2, "exactly one file" },
    { { "--json", "rules", "import", home, NULL }, 2, "not a rules package" },
    { { "--json", "rules", "update", "--base-url", "http://127.0.0.1:9/", NULL }, 1, "HTTPS" },
    { { "--json", "--rules", home, "validate", malformed, NULL }, 2, "line 2" },
    { { "--json", "rules", "frobnicate", NULL }, 2, "rules import" },
  };

  g_assert_true (g_file_set_contents (malformed, "<ClinicalDocument>\n<id></ClinicalDocument>", -1, NULL));
  g_assert_true (g_file_set_contents (pdf, "%PDF-1.4\n", -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) result = NULL;
      g_autofree char *err = NULL;
      JsonObject *error;

      g_assert_cmpint (run (home, cases[i].args, &result, &err), ==, cases[i].status);
      assert_keys (result, "error");
      error = json_object_get_object_member (result, "error");
      if (strstr (json_object_get_string_member (error, "message"), cases[i].needle) == NULL)
        g_error ("case %u: “%s” lacks “%s”", (guint) i, json_object_get_string_member (error, "message"), cases[i].needle);
    }
  sintesi_test_rmdir (home);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/validate/without-package", test_without_package);
  g_test_add_func ("/cli/validate/import-show-validate", test_import_show_validate);
  g_test_add_func ("/cli/validate/rules-dir-and-xsd-errors", test_rules_dir_and_xsd_errors);
  g_test_add_func ("/cli/validate/bad-inputs", test_bad_inputs);
  return g_test_run ();
}
