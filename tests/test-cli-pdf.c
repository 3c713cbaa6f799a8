/* test-cli-pdf.c: `pdf build` makes what a physician would send, checked by
 * poppler and qpdf, and `pdf inspect` reads it back */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-test-util.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_build_and_inspect (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *cda = g_build_filename (home, "pss.xml", NULL);
  g_autofree char *pdf = g_build_filename (home, "pss.pdf", NULL);
  g_autofree char *detached = g_build_filename (home, "detached.xml", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cda_bytes = NULL;
  g_autofree char *detached_bytes = NULL;
  g_autoptr(JsonObject) built = NULL;
  g_autoptr(JsonObject) inspected = NULL;
  JsonArray *signatures;
  JsonObject *signature;
  gsize cda_length, detached_length;

  if (!sintesi_test_have_program ("pdfsig") || !sintesi_test_have_program ("qpdf"))
    {
      g_test_skip ("pdfsig or qpdf missing");
      return;
    }
  {
    const char *args[] = { "pss", "example", "--patient", "RMSLSO31M04Z404R", "--author", "MNZLSN99E05F205J", "--out", cda, NULL };
    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 0);
  }
  {
    const char *args[] = { "--json", "pdf", "build", "--profile", "demo", "--cda", cda, "--out", pdf, NULL };
    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, &err), ==, 0);
  }
  built = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (built, "signer_cn"), ==, "S1#090201PSSMNZLSN99E05F205J");
  g_assert_cmpstr (json_object_get_string_member (built, "document_id"), ==,
                   "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI1");
  g_clear_pointer (&out, g_free);

  /* Independent oracles: poppler verifies the signature, qpdf the file,
   * pdfdetach gives cda.xml back byte for byte. */
  {
    const char *argv[] = { "pdfsig", pdf, NULL };
    sintesi_test_run (argv, NULL, &out, NULL);
    g_assert_nonnull (strstr (out, "Signature is Valid"));
    g_assert_nonnull (strstr (out, "Total document signed"));
    g_assert_nonnull (strstr (out, "ETSI.CAdES.detached"));
    g_clear_pointer (&out, g_free);
  }
  {
    const char *argv[] = { "qpdf", "--check", pdf, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "No syntax or stream encoding errors found"));
    g_clear_pointer (&out, g_free);
  }
  if (sintesi_test_have_program ("pdfdetach"))
    {
      const char *argv[] = { "pdfdetach", "-savefile", "cda.xml", "-o", detached, pdf, NULL };
      g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
      g_assert_true (g_file_get_contents (cda, &cda_bytes, &cda_length, NULL));
      g_assert_true (g_file_get_contents (detached, &detached_bytes, &detached_length, NULL));
      g_assert_cmpmem (cda_bytes, cda_length, detached_bytes, detached_length);
    }

  {
    const char *args[] = { "--json", "pdf", "inspect", pdf, NULL };
    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 0);
  }
  inspected = parse_object (out);
  signatures = json_object_get_array_member (inspected, "signatures");
  g_assert_cmpuint (json_array_get_length (signatures), ==, 1);
  signature = json_array_get_object_element (signatures, 0);
  g_assert_true (json_object_get_boolean_member (signature, "valid"));
  g_assert_true (json_object_get_boolean_member (signature, "covers_whole_file"));
  g_assert_cmpstr (json_object_get_string_member (signature, "signer_cn"), ==, "S1#090201PSSMNZLSN99E05F205J");
  g_assert_cmpstr (json_object_get_string_member (signature, "subfilter"), ==, "ETSI.CAdES.detached");

  /* The demo physician's certificates pass every check for the sandbox,
   * read from the profile (environment, CF, CA) without options. */
  g_clear_pointer (&out, g_free);
  {
    const char *args[] = { "--json", "credentials", "check", "demo", NULL };
    g_autoptr(JsonObject) report = NULL;
    JsonArray *checks;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 0);
    report = parse_object (out);
    checks = json_object_get_array_member (report, "checks");
    g_assert_cmpuint (json_array_get_length (checks), >, 10);
    for (guint i = 0; i < json_array_get_length (checks); i++)
      g_assert_true (json_object_get_boolean_member (json_array_get_object_element (checks, i), "ok"));
  }

  sintesi_test_rmdir (home);
}

static void
test_build_refuses (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *not_cda = g_build_filename (home, "note.xml", NULL);
  g_autofree char *pdf = g_build_filename (home, "out.pdf", NULL);

  g_assert_true (g_file_set_contents (not_cda, "<note/>", -1, NULL));
  {
    const char *args[] = { "--json", "pdf", "build", "--profile", "demo", "--cda", not_cda, "--out", pdf, NULL };
    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 1);
  }
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  {
    const char *args[] = { "--json", "pdf", "build", "--profile", "nobody", "--cda", not_cda, "--out", pdf, NULL };
    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 1);
  }
  {
    const char *args[] = { "--json", "pdf", "build", "--cda", not_cda, NULL };
    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 2);
  }
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  sintesi_test_rmdir (home);
}

int
main (int argc, char **argv)
{
  /* Never the user's real keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sintesi-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-pdf/build-and-inspect", test_build_and_inspect);
  g_test_add_func ("/cli-pdf/build-refuses", test_build_refuses);
  return g_test_run ();
}
