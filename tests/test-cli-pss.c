/* test-cli-pss.c: `sintesi-cli pss example` writes a complete, valid PSS */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-cda.h"
#include "sintesi-pss-checks.h"
#include "sintesi-test-util.h"

static void
test_example_written (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *out = g_build_filename (home, "pss.xml", NULL);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  const char *args[] = {
    "pss", "example", "--patient", "RSSMRA80A01H501U", "--author", "MNZLSN99E05F205J",
    "--out", out, "--progressive", "18881699", NULL
  };
  int status;

  status = sintesi_test_run_cli (home, args, NULL, &stdout_text, &stderr_text);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (stdout_text, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18881699"));

  cda = sintesi_cda_load_file (out, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cda->id.extension, ==, "090201.PSS.201.SINTESI18881699");
  g_assert_cmpstr (cda->patient_cf, ==, "RSSMRA80A01H501U");
  g_assert_cmpstr (cda->author_cf, ==, "MNZLSN99E05F205J");
  g_assert_cmpuint (cda->sections->len, >=, 4);
  g_assert_nonnull (sintesi_cda_find_section (cda, "48765-2"));
  g_assert_true (g_str_has_prefix (cda->effective_time, "20"));
  g_assert_cmpuint (strlen (cda->effective_time), ==, 19);   /* YYYYMMDDHHMMSS+ZZZZ */

  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_NONE);
  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiPssCheck *check = g_ptr_array_index (checks, i);

      if (!check->ok)
        g_error ("%s: %s", check->id, check->message);
    }
  sintesi_test_rmdir (home);
}

static void
test_json_and_stable (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *first = g_build_filename (home, "a.xml", NULL);
  g_autofree char *second = g_build_filename (home, "b.xml", NULL);
  g_autofree char *stdout_text = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *sha = NULL;
  gsize a_len;
  gsize b_len;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *args_a[] = {
    "--json", "pss", "example", "--patient", "RSSMRA80A01H501U", "--author", "MNZLSN99E05F205J",
    "--out", first, "--effective-time", "20250114103000+0100", "--azienda", "202", "--repository", "301",
    "--solution", "ACME", NULL
  };
  const char *args_b[] = {
    "pss", "example", "--patient", "RSSMRA80A01H501U", "--author", "MNZLSN99E05F205J",
    "--out", second, "--effective-time", "20250114103000+0100", "--azienda", "202", "--repository", "301",
    "--solution", "ACME", NULL
  };

  g_assert_cmpint (sintesi_test_run_cli (home, args_a, NULL, &stdout_text, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, stdout_text, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "document_id"), ==,
                   "2.16.840.1.113883.2.9.2.90.4.4^090202.PSS.301.ACME1");
  g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, first);
  g_assert_cmpstr (json_object_get_string_member (object, "patient_cf"), ==, "RSSMRA80A01H501U");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "checks")), >=, 20);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (json_object_get_array_member (object, "checks"), 0), "ok"));

  g_assert_cmpint (sintesi_test_run_cli (home, args_b, NULL, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (first, &a, &a_len, NULL));
  g_assert_true (g_file_get_contents (second, &b, &b_len, NULL));
  g_assert_cmpmem (a, a_len, b, b_len);
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) a, a_len);
  g_assert_cmpstr (json_object_get_string_member (object, "sha256"), ==, sha);
  g_assert_cmpint (json_object_get_int_member (object, "size"), ==, (gint64) a_len);
  sintesi_test_rmdir (home);
}

static void
test_refusals (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *out = g_build_filename (home, "pss.xml", NULL);
  g_autofree char *missing_dir = g_build_filename (home, "no", "such", "dir", "pss.xml", NULL);

  {
    /* A lower-case CF is refused (national KO test CT6), and nothing is written. */
    const char *args[] = { "pss", "example", "--patient", "rssmra80a01h501u", "--author", "MNZLSN99E05F205J",
                           "--out", out, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "rssmra80a01h501u"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    /* A CF with a wrong check character would fail at the gateway: refused. */
    const char *args[] = { "pss", "example", "--patient", "RSSMRA80A01H501A", "--author", "MNZLSN99E05F205J",
                           "--out", out, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "“RSSMRA80A01H501A”, is not valid"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    /* The national placeholder of the accreditation tests is accepted. */
    const char *args[] = { "pss", "example", "--patient", "RSSMRA22A01A399Z", "--author", "PROVAX00X00X000Y",
                           "--out", out, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 0);
    g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
    g_assert_cmpint (g_unlink (out), ==, 0);
  }
  {
    const char *args[] = { "--json", "pss", "example", "--patient", "RSSMRA80A01H501U", NULL };
    g_autofree char *stdout_text = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &stdout_text, NULL), ==, 2);
    g_assert_nonnull (strstr (stdout_text, "\"error\""));
    g_assert_nonnull (strstr (stdout_text, "--out"));
  }
  {
    const char *args[] = { "pss", "example", "--patient", "RSSMRA80A01H501U", "--author", "MNZLSN99E05F205J",
                           "--out", out, "--progressive", "12a", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--progressive"));
  }
  {
    const char *args[] = { "pss", "example", "--patient", "RSSMRA80A01H501U", "--author", "MNZLSN99E05F205J",
                           "--out", out, "--effective-time", "ieri", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "ieri"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    const char *args[] = { "pss", "example", "--patient", "RSSMRA80A01H501U", "--author", "MNZLSN99E05F205J",
                           "--out", missing_dir, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "sintesi-cli:"));
  }
  {
    const char *args[] = { "pss", "frobnicate", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "frobnicate"));
  }
  sintesi_test_rmdir (home);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-pss/example-written", test_example_written);
  g_test_add_func ("/cli-pss/json-and-stable", test_json_and_stable);
  g_test_add_func ("/cli-pss/refusals", test_refusals);

  return g_test_run ();
}
