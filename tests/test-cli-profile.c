/* test-cli-profile.c: sintesi-cli profile create|show|list|check, registry import|show
 *
 * Runs the built sintesi-cli against temporary config and data folders and
 * reads its JSON with json-glib: the contract of cli.md (one object on
 * stdout with --json; exit 0 ok, 1 refused, 2 usage or setup error).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "sintesi-test-util.h"

#define VALID_CF        "MNZLSN99E05F205J"
#define VALID_LOCALITY  "STUDIO MEDICO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201"

#define assert_contains(text, part) \
  G_STMT_START { \
    if (strstr ((text), (part)) == NULL) \
      g_error ("“%s” lacks “%s”", (text), (part)); \
  } G_STMT_END

typedef struct
{
  char *home;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->home = sintesi_test_mkdtemp ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  sintesi_test_rmdir (fixture->home);
  g_free (fixture->home);
}

/* Runs sintesi-cli --json ARGS…; checks the exit status and that stdout is
 * exactly one JSON object, which is returned. */
static JsonObject *
run_json (Fixture    *fixture,
          int         expected_status,
          char      **out_stderr,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, out_stderr);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  status = sintesi_test_run_cli (fixture->home, (const char * const *) args->pdata, NULL, &out, &err);
  if (status != expected_status)
    g_error ("exit status %d, expected %d\nstdout: %s\nstderr: %s", status, expected_status, out, err);
  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("stdout is not JSON (%s): %s", error->message, out);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return json_object_ref (json_node_get_object (root));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_string_member (object, name);
}

/* The message of the error object, checked for domain. */
static const char *
error_message (JsonObject *object)
{
  JsonObject *error;

  g_assert_true (json_object_has_member (object, "error"));
  error = json_object_get_object_member (object, "error");
  g_assert_nonnull (json_object_get_string_member (error, "domain"));
  return json_object_get_string_member (error, "message");
}

static JsonObject *
find_by_member (JsonArray  *array,
                const char *member,
                const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (item, member), value) == 0)
        return item;
    }
  g_error ("no item with %s = %s", member, value);
  return NULL;
}

static void
import_registry (Fixture *fixture)
{
  g_autofree char *csv = sintesi_test_fixture ("registry/results.csv");
  g_autoptr(JsonObject) result = NULL;

  g_assert_nonnull (csv);
  result = run_json (fixture, 0, NULL, "registry", "import", csv, NULL);
  g_assert_true (json_object_get_boolean_member (result, "installed"));
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, 580);
}

static void
test_create_show_list (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(JsonObject) empty = NULL;
  g_autofree char *path = NULL;
  JsonArray *profiles;
  JsonObject *metadata;
  struct stat st;

  empty = run_json (fixture, 0, NULL, "profile", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (empty, "profiles")), ==, 0);

  created = run_json (fixture, 0, NULL, "profile", "create", "rossi", "--cf", VALID_CF,
                      "--environment", "stage", "--locality", VALID_LOCALITY,
                      "--app-id", "ACO_FSE", "--app-vendor", "ACODAT", "--app-version", "V.2.0",
                      NULL);
  g_assert_cmpstr (member_string (created, "name"), ==, "rossi");
  g_assert_cmpstr (member_string (created, "cf"), ==, VALID_CF);
  g_assert_cmpstr (member_string (created, "azienda"), ==, "201");
  g_assert_cmpstr (member_string (created, "repository"), ==, "201");
  g_assert_cmpstr (member_string (created, "solution"), ==, "SINTESI");
  g_assert_cmpstr (member_string (created, "environment"), ==, "stage");
  g_assert_null (member_string (created, "base_url"));
  g_assert_cmpstr (member_string (created, "effective_base_url"), ==,
                   "https://fse20gwstage.regione.toscana.it/gateway/v2/");
  g_assert_cmpstr (member_string (created, "effective_aud"), ==,
                   "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");

  /* The file exists, private to the user. */
  path = g_build_filename (fixture->home, "config", "profiles", "rossi.conf", NULL);
  g_assert_cmpstr (member_string (created, "path"), ==, path);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  shown = run_json (fixture, 0, NULL, "profile", "show", "rossi", NULL);
  g_assert_cmpstr (member_string (shown, "locality"), ==, VALID_LOCALITY);
  g_assert_cmpstr (member_string (shown, "app_vendor"), ==, "ACODAT");
  metadata = json_object_get_object_member (shown, "metadata");
  g_assert_cmpstr (json_object_get_string_member (metadata, "tipologiaStruttura"), ==, "Territorio");
  g_assert_cmpstr (json_object_get_string_member (metadata, "assettoOrganizzativo"), ==, "AD_PSC130");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shown, "problems")), ==, 0);

  g_clear_pointer (&created, json_object_unref);
  created = run_json (fixture, 0, NULL, "profile", "create", "bianchi", "--cf", "BRGLRZ80D58H501Q",
                      "--azienda", "202", "--repository", "305", "--solution", "STUDIO2",
                      "--environment", "custom", "--base-url", "https://apimed.example.it/gateway/v2/",
                      "--aud", "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1",
                      NULL);
  g_assert_cmpstr (member_string (created, "azienda"), ==, "202");
  g_assert_cmpstr (member_string (created, "repository"), ==, "305");
  g_assert_cmpstr (member_string (created, "solution"), ==, "STUDIO2");
  g_assert_cmpstr (member_string (created, "effective_base_url"), ==, "https://apimed.example.it/gateway/v2/");

  /* A warning does not stop the save, and is reported. */
  g_clear_pointer (&created, json_object_unref);
  created = run_json (fixture, 0, NULL, "profile", "create", "warned", "--cf", VALID_CF,
                      "--app-vendor", "CODEBYTESRL|11212050964", NULL);
  {
    JsonObject *problem = find_by_member (json_object_get_array_member (created, "problems"),
                                          "field", "app-vendor");

    g_assert_cmpstr (json_object_get_string_member (problem, "severity"), ==, "warning");
    assert_contains (json_object_get_string_member (problem, "message"), "an HL7 separator");
  }

  listed = run_json (fixture, 0, NULL, "profile", "list", NULL);
  profiles = json_object_get_array_member (listed, "profiles");
  g_assert_cmpuint (json_array_get_length (profiles), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (profiles, 0), "name"), ==, "bianchi");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (profiles, 1), "name"), ==, "rossi");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (profiles, 1), "environment"), ==, "stage");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (profiles, 1), "valid"));
}

static void
test_create_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) listed = NULL;
  g_autofree char *err = NULL;
  JsonArray *problems;

  /* Several wrong fields: every one is named, nothing is written. */
  result = run_json (fixture, 1, &err, "profile", "create", "rossi", "--cf", "LCNLDE90L47H501Q",
                     "--azienda", "2011", "--solution", "Sintesi", "--locality", "STUDIO",
                     "--app-vendor", "ACODAT ", NULL);
  assert_contains (error_message (result), "The profile was not saved because some fields are wrong");
  assert_contains (err, "require “K”");
  problems = json_object_get_array_member (result, "problems");
  assert_contains (json_object_get_string_member (find_by_member (problems, "field", "cf"), "message"),
                   "The last character of the codice fiscale is “Q”, but the first 15 characters require “K”");
  assert_contains (json_object_get_string_member (find_by_member (problems, "field", "azienda"), "message"),
                   "not “2011”");
  assert_contains (json_object_get_string_member (find_by_member (problems, "field", "solution"), "message"),
                   "only capital letters A–Z and digits 0–9");
  assert_contains (json_object_get_string_member (find_by_member (problems, "field", "locality"), "message"),
                   "must have the form NAME^^^^^&OID&ISO^^^^CODE");
  assert_contains (json_object_get_string_member (find_by_member (problems, "field", "app-vendor"), "message"),
                   "begins or ends with a blank");
  g_assert_cmpstr (json_object_get_string_member (find_by_member (problems, "field", "cf"), "severity"), ==, "error");
  g_assert_cmpuint (json_array_get_length (problems), ==, 5);
  g_clear_pointer (&result, json_object_unref);

  listed = run_json (fixture, 0, NULL, "profile", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "profiles")), ==, 0);

  /* Lower case is refused, not fixed. */
  result = run_json (fixture, 1, NULL, "profile", "create", "rossi", "--cf", "mnzlsn99e05f205j", NULL);
  assert_contains (error_message (result), "contains lower-case letters; it must be written in capitals, as “MNZLSN99E05F205J”");
  g_clear_pointer (&result, json_object_unref);

  /* Stage and production are https only; the sandbox may use loopback http. */
  result = run_json (fixture, 1, NULL, "profile", "create", "rossi", "--cf", VALID_CF,
                     "--environment", "production", "--base-url", "http://fse20gw.regione.toscana.it/gateway/v2/", NULL);
  assert_contains (error_message (result), "base-url: “http://fse20gw.regione.toscana.it/gateway/v2/” must start with https://");
  g_clear_pointer (&result, json_object_unref);
  result = run_json (fixture, 0, NULL, "profile", "create", "sandboxed", "--cf", VALID_CF,
                     "--base-url", "http://127.0.0.1:8443/gateway/v2/", NULL);
  g_clear_pointer (&result, json_object_unref);

  /* Custom needs its addresses. */
  result = run_json (fixture, 1, NULL, "profile", "create", "rossi", "--cf", VALID_CF,
                     "--environment", "custom", NULL);
  assert_contains (error_message (result), "base-url: The custom environment needs the base URL");
  assert_contains (error_message (result), "aud: The custom environment needs the token audience");
  g_clear_pointer (&result, json_object_unref);

  /* A CA file only where D18 allows it. */
  result = run_json (fixture, 1, NULL, "profile", "create", "rossi", "--cf", VALID_CF,
                     "--environment", "stage", "--ca-file", "/etc/hostname", NULL);
  assert_contains (error_message (result), "ca-file: A CA file may be set only for the sandbox or a custom environment");
  g_clear_pointer (&result, json_object_unref);

  /* INI strings that would break ID^VENDOR^VERSION. */
  result = run_json (fixture, 1, NULL, "profile", "create", "rossi", "--cf", VALID_CF,
                     "--app-id", "ACO&FSE", NULL);
  assert_contains (error_message (result), "app-id: “ACO&FSE” contains “&”, which would break the ID^VENDOR^VERSION string sent to INI.");
  g_clear_pointer (&result, json_object_unref);

  /* An existing profile is not overwritten. */
  result = run_json (fixture, 1, NULL, "profile", "create", "sandboxed", "--cf", "RSSMRA80A01H501U", NULL);
  assert_contains (error_message (result), "A profile named “sandboxed” already exists.");
  g_clear_pointer (&result, json_object_unref);
  result = run_json (fixture, 0, NULL, "profile", "show", "sandboxed", NULL);
  g_assert_cmpstr (member_string (result, "cf"), ==, VALID_CF);
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  struct {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { "profile", "create", "rossi", NULL }, "--cf is required" },
    { { "profile", "create", "--cf", VALID_CF, NULL }, "profile create needs exactly one profile NAME" },
    { { "profile", "create", "rossi", "--cf", VALID_CF, "--environment", "prod", NULL },
      "--environment must be sandbox, stage, production or custom, not “prod”" },
    { { "profile", "create", "../rossi", "--cf", VALID_CF, NULL },
      "The profile name “../rossi” may contain only letters" },
    { { "profile", "create", "rossi", "--cf", VALID_CF, "--bogus", NULL }, "--bogus" },
    { { "profile", NULL }, "profile needs a subcommand: create, show, list or check" },
    { { "profile", "delete", "rossi", NULL }, "Unknown profile subcommand “delete”" },
    { { "profile", "show", NULL }, "profile show needs exactly one profile NAME" },
    { { "profile", "show", "nobody", NULL }, "There is no profile named “nobody”." },
    { { "profile", "check", "nobody", NULL }, "There is no profile named “nobody”." },
    { { "profile", "list", "extra", NULL }, "profile list takes no arguments" },
    { { "registry", NULL }, "registry needs a subcommand: import or show" },
    { { "registry", "import", "/nonexistent/results.csv", NULL }, "Cannot read the registry file: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      int status;

      g_ptr_array_add (args, (gpointer) "--json");
      for (guint k = 0; cases[i].args[k] != NULL; k++)
        g_ptr_array_add (args, (gpointer) cases[i].args[k]);
      g_ptr_array_add (args, NULL);

      g_test_message ("usage case %u: %s", i, cases[i].message);
      status = sintesi_test_run_cli (fixture->home, (const char * const *) args->pdata, NULL, &out, &err);
      g_assert_cmpint (status, ==, 2);
      g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
      assert_contains (error_message (json_node_get_object (json_parser_get_root (parser))), cases[i].message);
      assert_contains (err, cases[i].message);
    }
}

static void
test_registry_commands (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autofree char *bad = g_build_filename (fixture->home, "bad.csv", NULL);
  g_autofree char *csv = sintesi_test_fixture ("registry/results.csv");

  if (csv == NULL)
    return;
  shown = run_json (fixture, 0, NULL, "registry", "show", NULL);
  g_assert_false (json_object_get_boolean_member (shown, "installed"));
  g_clear_pointer (&shown, json_object_unref);

  g_assert_true (g_file_set_contents (bad, "Fornitore,Versione\r\nA,1\r\n", -1, NULL));
  refused = run_json (fixture, 1, NULL, "registry", "import", bad, NULL);
  assert_contains (error_message (refused), "The registry file has no “Applicativo” column");

  import_registry (fixture);
  shown = run_json (fixture, 0, NULL, "registry", "show", NULL);
  g_assert_true (json_object_get_boolean_member (shown, "installed"));
  g_assert_cmpint (json_object_get_int_member (shown, "rows"), ==, 580);
  g_assert_cmpint (json_object_get_int_member (shown, "pss_rows"), ==, 65);
  g_assert_cmpstr (member_string (shown, "latest_validation_date"), ==, "2026-05-07");
  g_assert_cmpuint (strlen (member_string (shown, "sha256")), ==, 64);
}

static JsonObject *
find_check (JsonObject *result,
            const char *id)
{
  return find_by_member (json_object_get_array_member (result, "checks"), "id", id);
}

/* The check id is in the result, passed or failed as expected, and its
 * message contains text (unless NULL). */
static void
assert_check (JsonObject *result,
              const char *id,
              gboolean    ok,
              const char *text)
{
  JsonObject *check = find_check (result, id);

  g_assert_nonnull (check);
  g_assert_cmpint (json_object_get_boolean_member (check, "ok"), ==, ok);
  if (text != NULL)
    assert_contains (json_object_get_string_member (check, "message"), text);
}

static void
test_check (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *csv = sintesi_test_fixture ("registry/results.csv");
  JsonObject *match;
  JsonArray *checks;

  if (csv == NULL)
    return;

  g_clear_pointer (&result, json_object_unref);
  result = run_json (fixture, 0, NULL, "profile", "create", "rossi", "--cf", VALID_CF,
                     "--locality", VALID_LOCALITY,
                     "--app-id", "ACO_FSE", "--app-vendor", "ACODAT", "--app-version", "V.2.0", NULL);
  g_clear_pointer (&result, json_object_unref);

  /* No registry yet: the check fails and says what to do. */
  result = run_json (fixture, 1, NULL, "profile", "check", "rossi", NULL);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  assert_check (result, "registry.accredited", FALSE, "has not been imported yet");
  assert_check (result, "profile.cf", TRUE, NULL);
  g_clear_pointer (&result, json_object_unref);

  import_registry (fixture);
  result = run_json (fixture, 0, NULL, "profile", "check", "rossi", NULL);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  checks = json_object_get_array_member (result, "checks");
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *item = json_array_get_object_element (checks, i);

      g_assert_nonnull (json_object_get_string_member (item, "id"));
      g_assert_nonnull (json_object_get_string_member (item, "message"));
      g_assert_true (json_object_get_boolean_member (item, "ok"));
    }
  assert_check (result, "registry.accredited", TRUE, "validated on 2024-10-28");
  match = json_object_get_object_member (json_object_get_object_member (result, "registry"), "match");
  g_assert_cmpstr (json_object_get_string_member (match, "outcome"), ==, "accredited");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (match, "row"), "vendor"), ==, "ACODAT");
  g_clear_pointer (&result, json_object_unref);

  /* A near miss: refused, naming the row to copy. */
  result = run_json (fixture, 0, NULL, "profile", "create", "near", "--cf", VALID_CF,
                     "--locality", VALID_LOCALITY,
                     "--app-id", "ACO_FSE", "--app-vendor", "Acodat", "--app-version", "V.2.0", NULL);
  g_clear_pointer (&result, json_object_unref);
  result = run_json (fixture, 1, NULL, "profile", "check", "near", NULL);
  g_assert_false (json_object_get_boolean_member (result, "ok"));
  assert_check (result, "registry.accredited", FALSE, "vendor “ACODAT”");
  match = json_object_get_object_member (json_object_get_object_member (result, "registry"), "match");
  g_assert_cmpstr (json_object_get_string_member (match, "outcome"), ==, "near_miss");
  g_clear_pointer (&result, json_object_unref);

  /* Sending needs a locality and the INI strings. */
  result = run_json (fixture, 0, NULL, "profile", "create", "bare", "--cf", VALID_CF, NULL);
  g_clear_pointer (&result, json_object_unref);
  result = run_json (fixture, 1, NULL, "profile", "check", "bare", NULL);
  assert_check (result, "profile.locality", FALSE, "Needed to send: the locality (XON)");
  assert_check (result, "profile.app-id", FALSE, NULL);
  assert_check (result, "registry.accredited", FALSE, NULL);
  assert_check (result, "profile.cf", TRUE, NULL);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (result, "registry"), "match"));
}

static void
test_check_broken_file (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->home, "config", "profiles", NULL);
  g_autofree char *path = g_build_filename (dir, "edited.conf", NULL);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) shown = NULL;

  /* A hand-edited file with a wrong azienda: show lists it, check fails on it. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[Profile]\nCF=" VALID_CF "\nAzienda=20\n", -1, NULL));
  shown = run_json (fixture, 0, NULL, "profile", "show", "edited", NULL);
  assert_contains (json_object_get_string_member (find_by_member (json_object_get_array_member (shown, "problems"),
                                                                  "field", "azienda"), "message"),
                   "not “20”");
  result = run_json (fixture, 1, NULL, "profile", "check", "edited", NULL);
  assert_check (result, "profile.azienda", FALSE, "must be exactly 3 digits");
}

static void
test_human_output (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *create[] = { "profile", "create", "rossi", "--cf", VALID_CF, NULL };
  const char *show[] = { "profile", "show", "rossi", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (sintesi_test_run_cli (fixture->home, create, NULL, &out, &err), ==, 0);
  assert_contains (out, "Profile “rossi” saved in ");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (sintesi_test_run_cli (fixture->home, show, NULL, &out, NULL), ==, 0);
  assert_contains (out, "cf                     " VALID_CF);
  /* Without --json, nothing on stdout is JSON. */
  g_assert_null (strchr (out, '{'));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli-profile/create-show-list", test_create_show_list);
  ADD ("/cli-profile/create-refused", test_create_refused);
  ADD ("/cli-profile/usage-errors", test_usage_errors);
  ADD ("/cli-profile/registry-commands", test_registry_commands);
  ADD ("/cli-profile/check", test_check);
  ADD ("/cli-profile/check-broken-file", test_check_broken_file);
  ADD ("/cli-profile/human-output", test_human_output);
#undef ADD
  return g_test_run ();
}
