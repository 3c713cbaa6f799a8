/* test-cli-history.c: `sintesi-cli history` and `history export` (cli.md) */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-journal-search.h"
#include "sintesi-test-util.h"

#define PREFIX "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI"

static const char * const record_keys[] = {
  "journal_id", "created_at", "operation", "state", "http_status", "x_cart_id",
  "trace_id", "workflow_instance_id", "document_id", "patient_cf", "profile",
  "outcome_unknown",
};

typedef struct
{
  char *home;
  char *journal_path;
} Fixture;

/* Three calls: an accepted create, a refused one, and one left "prepared"
 * by this (test) process, which the CLI process sees as outcome unknown. */
static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;

  fx->home = sintesi_test_mkdtemp ();
  fx->journal_path = g_build_filename (fx->home, "data", "journal.sqlite", NULL);
  if (GPOINTER_TO_INT (data) == 0)
    return;

  journal = sintesi_journal_open (fx->journal_path, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *cart = g_strdup_printf ("CART-%d", i + 1);
      g_autofree char *trace = g_strdup_printf ("trace-%d", i + 1);
      SintesiJournalDraft draft = {
        .profile = "dott-rossi",
        .operation = SINTESI_JOURNAL_OPERATION_CREATE,
        .environment = SINTESI_ENVIRONMENT_SANDBOX,
        .patient_cf = i == 1 ? "VRDGPP75B02D612Z" : "RSSMRA80A01H501U",
        .document_id_prefix = PREFIX,
        .solution = "SINTESI",
      };
      SintesiJournalAnswer answer = {
        .http_status = i == 0 ? 202 : 400,
        .x_cart_id = cart,
        .trace_id = trace,
        .workflow_instance_id = i == 0 ? "wii-1" : NULL,
        .error_detail = i == 1 ? "Campo \"x\", non valido" : NULL,
      };
      gint64 id = sintesi_journal_prepare (journal, &draft, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      if (i < 2)
        g_assert_true (sintesi_journal_record_answer (journal, id, &answer, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  sintesi_test_rmdir (fx->home);
  g_free (fx->home);
  g_free (fx->journal_path);
}

static JsonArray *
run_history (Fixture            *fx,
             const char * const *args,
             JsonParser        **out_parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonParser *parser = json_parser_new ();
  JsonObject *root;
  int status;

  status = sintesi_test_run_cli (fx->home, args, NULL, &out, &err);
  if (status != 0)
    g_error ("sintesi-cli failed (%d): %s", status, err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (root), ==, 1);
  *out_parser = parser;
  return json_object_get_array_member (root, "records");
}

static void
test_history_json (Fixture       *fx,
                   gconstpointer  data)
{
  const char *args[] = { "history", "--json", NULL };
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *records = run_history (fx, args, &parser);
  JsonObject *newest, *accepted;

  g_assert_cmpuint (json_array_get_length (records), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      g_assert_cmpuint (json_object_get_size (record), ==, G_N_ELEMENTS (record_keys));
      for (gsize k = 0; k < G_N_ELEMENTS (record_keys); k++)
        if (!json_object_has_member (record, record_keys[k]))
          g_error ("record %u lacks %s", i, record_keys[k]);
    }

  newest = json_array_get_object_element (records, 0);
  g_assert_cmpint (json_object_get_int_member (newest, "journal_id"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (newest, "state"), ==, "prepared");
  g_assert_true (json_object_get_boolean_member (newest, "outcome_unknown"));
  g_assert_true (json_object_get_null_member (newest, "http_status"));
  g_assert_true (json_object_get_null_member (newest, "x_cart_id"));
  g_assert_cmpstr (json_object_get_string_member (newest, "document_id"), ==, PREFIX "3");

  accepted = json_array_get_object_element (records, 2);
  g_assert_cmpint (json_object_get_int_member (accepted, "journal_id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (accepted, "operation"), ==, "create");
  g_assert_cmpstr (json_object_get_string_member (accepted, "state"), ==, "answered");
  g_assert_false (json_object_get_boolean_member (accepted, "outcome_unknown"));
  g_assert_cmpint (json_object_get_int_member (accepted, "http_status"), ==, 202);
  g_assert_cmpstr (json_object_get_string_member (accepted, "x_cart_id"), ==, "CART-1");
  g_assert_cmpstr (json_object_get_string_member (accepted, "trace_id"), ==, "trace-1");
  g_assert_cmpstr (json_object_get_string_member (accepted, "workflow_instance_id"), ==, "wii-1");
  g_assert_cmpstr (json_object_get_string_member (accepted, "patient_cf"), ==, "RSSMRA80A01H501U");
  g_assert_cmpstr (json_object_get_string_member (accepted, "profile"), ==, "dott-rossi");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (accepted, "created_at"), "Z"));
}

static void
test_history_filters (Fixture       *fx,
                      gconstpointer  data)
{
  struct {
    const char *args[6];
    guint count;
    gint64 first_id;
  } cases[] = {
    { { "history", "--json", "--search", "CART-2", NULL }, 1, 2 },
    { { "history", "--json", "--search", "trace-1", NULL }, 1, 1 },
    { { "history", "--json", "--search", "rssmra80a01h501u", NULL }, 2, 3 },
    { { "history", "--json", "--search", PREFIX "2", NULL }, 1, 2 },
    { { "history", "--json", "--search", "CART", NULL }, 0, 0 },
    { { "history", "--json", "--limit", "2", NULL }, 2, 3 },
    { { "history", "--json", "--limit", "1", "--offset=1" }, 1, 2 },
    { { "history", "--json", "--since", "2000-01-01", NULL }, 3, 3 },
    { { "history", "--json", "--since", "2999-01-01T00:00:00Z", NULL }, 0, 0 },
    { { "history", "--json", "--until", "2000-01-01", NULL }, 0, 0 },
    { { "history", "--json", "--state", "prepared", NULL }, 1, 3 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      JsonArray *records = run_history (fx, cases[i].args, &parser);

      if (json_array_get_length (records) != cases[i].count)
        g_error ("case %" G_GSIZE_FORMAT ": %u records, expected %u", i,
                 json_array_get_length (records), cases[i].count);
      if (cases[i].count > 0)
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (records, 0), "journal_id"),
                         ==, cases[i].first_id);
    }
}

static void
test_history_human (Fixture       *fx,
                    gconstpointer  data)
{
  const char *args[] = { "history", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (sintesi_test_run_cli (fx->home, args, NULL, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);  /* header, 3 rows, "" */
  g_assert_true (g_str_has_prefix (lines[0], "ID "));
  g_assert_true (g_str_has_prefix (lines[1], "3 "));
  g_assert_nonnull (strstr (lines[1], "outcome unknown"));
  g_assert_nonnull (strstr (lines[2], "answered"));
  g_assert_nonnull (strstr (lines[2], " 400 "));
  g_assert_nonnull (strstr (lines[3], "CART-1"));
  g_assert_nonnull (strstr (lines[3], PREFIX "1"));
}

static void
test_history_usage_errors (Fixture       *fx,
                           gconstpointer  data)
{
  struct {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { "history", "--json", "--since", "yesterday", NULL }, "not a date" },
    { { "history", "--json", "--state", "done", NULL }, "Unknown state" },
    { { "history", "--json", "--limit", "-1", NULL }, "negative" },
    { { "history", "--json", "stray", NULL }, "Unexpected argument" },
    { { "history", "--json", "export", NULL }, "--csv FILE" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (sintesi_test_run_cli (fx->home, cases[i].args, NULL, &out, &err), ==, 2);
      g_assert_nonnull (strstr (out, "\"error\""));
      if (strstr (err, cases[i].message) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” lacks “%s”", i, err, cases[i].message);
    }
}

static void
test_history_without_journal (Fixture       *fx,
                              gconstpointer  data)
{
  const char *args[] = { "history", "--json", NULL };
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *records = run_history (fx, args, &parser);

  g_assert_cmpuint (json_array_get_length (records), ==, 0);
  /* Looking must not create anything. */
  g_assert_false (g_file_test (fx->journal_path, G_FILE_TEST_EXISTS));
}

static void
test_history_damaged_journal (Fixture       *fx,
                              gconstpointer  data)
{
  const char *args[] = { "history", "--json", NULL };
  g_autofree char *dir = g_path_get_dirname (fx->journal_path);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fx->journal_path, "this is no database, but it is long enough to have a header.......................................................", -1, NULL));
  g_assert_cmpint (sintesi_test_run_cli (fx->home, args, NULL, &out, &err), ==, 2);
  g_assert_nonnull (strstr (out, "sintesi-journal-error-quark"));
  g_assert_nonnull (strstr (err, "damaged or is not a database"));
}

static void
test_history_export (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *csv_path = g_build_filename (fx->home, "history.csv", NULL);
  g_autofree char *bad_path = g_build_filename (fx->home, "nowhere", "history.csv", NULL);
  const char *args[] = { "history", "export", "--csv", csv_path, "--json", NULL };
  const char *filtered[] = { "history", "export", "--search", "CART-2", "--csv", csv_path, NULL };
  const char *bad[] = { "history", "export", "--csv", bad_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (sintesi_test_run_cli (fx->home, args, NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "\"records\" : 3"));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[0], "journal_id,created_at,"));
  g_assert_true (g_str_has_prefix (lines[1], "1,"));
  g_assert_nonnull (strstr (lines[2], ",\"Campo \"\"x\"\", non valido\","));
  g_assert_nonnull (strstr (lines[3], ",prepared,true,"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&csv, g_free);
  g_clear_pointer (&lines, g_strfreev);

  g_assert_cmpint (sintesi_test_run_cli (fx->home, filtered, NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "1 record written"));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[1], "2,"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (sintesi_test_run_cli (fx->home, bad, NULL, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, bad_path));
  g_assert_false (g_file_test (bad_path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, filled) \
  g_test_add ("/cli-history/" path, Fixture, GINT_TO_POINTER (filled), fixture_set_up, func, fixture_tear_down)
  ADD ("json", test_history_json, 1);
  ADD ("filters", test_history_filters, 1);
  ADD ("human", test_history_human, 1);
  ADD ("usage-errors", test_history_usage_errors, 1);
  ADD ("export", test_history_export, 1);
  ADD ("without-journal", test_history_without_journal, 0);
  ADD ("damaged-journal", test_history_damaged_journal, 0);
#undef ADD
  return g_test_run ();
}
