/* test-support.c: support bundles (certificates-and-accreditation §5, the
 * regional text §16), checked by unzipping them with unzip(1) and comparing
 * every file with what the journal holds, with pdfdetach(1) as the oracle
 * for cda.xml. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-credentials.h"
#include "sintesi-keystore.h"
#include "sintesi-paths.h"
#include "sintesi-registry.h"
#include "sintesi-support.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define PATIENT_CF   "RMSLSO31M04Z404R"
#define PHYSICIAN_CF "MNZLSN99E05F205J"
#define PASSPHRASE   "una frase segreta per il portachiavi 7c1e"

/* One real call through the CLI and the sandbox simulator, shared by the
 * tests that read it (a send takes about a second). */
static struct
{
  char   *home;
  char   *journal_path;
  GBytes *cda;
  char   *x_cart_id;
  char   *trace_id;
  gint64  journal_id;
} sent;

static void
use_home (const char *home)
{
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);

  sintesi_paths_set_config_dir (config);
  sintesi_paths_set_data_dir (data);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
ensure_sent (void)
{
  g_autofree char *cda_path = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  int status;

  if (sent.home != NULL)
    {
      use_home (sent.home);
      return;
    }
  sent.home = sintesi_test_mkdtemp ();
  sent.journal_path = g_build_filename (sent.home, "data", "journal.sqlite", NULL);
  cda_path = g_build_filename (sent.home, "pss.xml", NULL);

  {
    const char *args[] = { "pss", "example", "--patient", PATIENT_CF, "--author", PHYSICIAN_CF,
                           "--out", cda_path, NULL };
    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--json", "submit", "--profile", "demo", "--cda", cda_path, NULL };
    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
    if (status != 0)
      g_printerr ("%s\n%s\n", out, err);
    g_assert_cmpint (status, ==, 0);
  }
  result = parse_object (out);
  g_assert_cmpint (json_object_get_int_member (result, "http_status"), ==, 202);
  sent.journal_id = json_object_get_int_member (result, "journal_id");
  sent.x_cart_id = g_strdup (json_object_get_string_member (result, "x_cart_id"));
  sent.trace_id = g_strdup (json_object_get_string_member (result, "trace_id"));
  g_assert_nonnull (sent.x_cart_id);
  g_file_get_contents (cda_path, &contents, &length, &error);
  g_assert_no_error (error);
  sent.cda = g_bytes_new_take (contents, length);
  use_home (sent.home);
}

static SintesiJournal *
open_journal (const char *path)
{
  g_autoptr(GError) error = NULL;
  SintesiJournal *journal = sintesi_journal_open (path, &error);

  g_assert_no_error (error);
  return journal;
}

static char *
unzip_bundle (const char *zip,
              const char *parent)
{
  char *dir = g_build_filename (parent, "unzipped", NULL);
  const char *argv[] = { "unzip", "-q", "-o", zip, "-d", dir, NULL };
  g_autofree char *out = NULL, *err = NULL;

  sintesi_test_rmdir (dir);
  if (sintesi_test_run (argv, NULL, &out, &err) != 0)
    g_error ("unzip failed: %s %s", out, err);
  return dir;
}

static GBytes *
read_unzipped (const char *dir,
               const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s is not in the bundle: %s", name, error->message);
  return g_bytes_new_take (contents, length);
}

static char *
read_unzipped_text (const char *dir,
                    const char *name)
{
  g_autoptr(GBytes) bytes = read_unzipped (dir, name);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static JsonObject *
read_unzipped_json (const char *dir,
                    const char *name)
{
  g_autofree char *text = read_unzipped_text (dir, name);

  return parse_object (text);
}

static void
assert_bytes_equal (GBytes     *actual,
                    GBytes     *expected,
                    const char *what)
{
  if (!g_bytes_equal (actual, expected))
    g_error ("%s differs from what the journal holds (%" G_GSIZE_FORMAT " vs %" G_GSIZE_FORMAT " bytes)",
             what, g_bytes_get_size (actual), g_bytes_get_size (expected));
}

static void
assert_bytes_equal_text (GBytes     *actual,
                         const char *expected,
                         const char *what)
{
  g_autoptr(GBytes) bytes = g_bytes_new (expected, strlen (expected));

  assert_bytes_equal (actual, bytes, what);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in the folder, sorted, against the expected ones. */
static void
assert_files (const char         *dir,
              const char * const *expected)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  for (guint i = 0; expected[i] != NULL; i++)
    g_ptr_array_add (wanted, (gpointer) expected[i]);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_sort (wanted, compare_names);
  for (guint i = 0; i < MAX (names->len, wanted->len); i++)
    g_assert_cmpstr (i < names->len ? (char *) g_ptr_array_index (names, i) : NULL, ==,
                     i < wanted->len ? (char *) g_ptr_array_index (wanted, i) : NULL);
}

/* Every chunk of secret material that must never be in a bundle: the
 * base64 of every key file (the stored encrypted keys, or the test's
 * plain keys), and the extra needles given. */
static void
add_key_needles (GPtrArray  *needles,
                 const char *key_file)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (key_file, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  /* Overlapping 32-character pieces of every base64 line: any 48
   * characters of a key in a row are found. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize length = strlen (g_strstrip (lines[i]));

      if (g_str_has_prefix (lines[i], "-----") || strchr (lines[i], ':') != NULL)
        continue;
      for (gsize offset = 0; offset + 32 <= length; offset += 16)
        g_ptr_array_add (needles, g_strndup (lines[i] + offset, 32));
    }
}

static void
add_profile_key_needles (GPtrArray  *needles,
                         const char *home,
                         const char *profile)
{
  const char *slots[] = { "auth-key.pem", "sign-key.pem" };
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autofree char *path = g_build_filename (home, "config", "profiles", profile, slots[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          add_key_needles (needles, path);
          found++;
        }
    }
  /* The scan must have something to look for. */
  g_assert_cmpuint (found, ==, 2);
}

static void
assert_no_secrets (const char *dir,
                   GPtrArray  *needles)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint scanned = 0;

  g_assert_nonnull (listing);
  g_assert_cmpuint (needles->len, >, 10);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autoptr(GBytes) bytes = read_unzipped (dir, name);
      gsize length = g_bytes_get_size (bytes);
      const char *data = g_bytes_get_data (bytes, NULL);

      g_assert_null (g_strstr_len (data, length, "PRIVATE KEY"));
      for (guint i = 0; i < needles->len; i++)
        if (g_strstr_len (data, length, g_ptr_array_index (needles, i)) != NULL)
          g_error ("%s holds secret material: %s", name, (char *) g_ptr_array_index (needles, i));
      scanned++;
    }
  g_assert_cmpuint (scanned, >, 0);
}

/* ---- A real call through the simulator ------------------------------ */

static void
test_bundle_of_sent_call (void)
{
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(SintesiSupportBundle) bundle = NULL;
  g_autoptr(GPtrArray) needles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *work = sintesi_test_mkdtemp ();
  g_autofree char *zip = g_build_filename (work, "bundle.zip", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *request = NULL, *request_expected = NULL, *pdf_sha256 = NULL;
  g_autofree char *x_cart_id = NULL, *email = NULL, *pdf_path = NULL, *detached = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) manifest = NULL, decoded = NULL;
  g_autoptr(GString) response_expected = NULL;
  const char * const expected[] = {
    "manifest.json", "request.txt", "requestBody.json", "document.pdf", "cda.xml",
    "response.txt", "x-cart-id.txt", "jwt-decoded.json", "email.txt", NULL
  };
  JsonObject *bearer, *signature, *certificates;
  GStatBuf st;

  ensure_sent ();
  journal = open_journal (sent.journal_path);
  record = sintesi_journal_get_record (journal, sent.journal_id, &error);
  g_assert_no_error (error);

  /* An installed registry that lists the application the tokens name. */
  {
    g_autofree char *csv = g_build_filename (work, "results.csv", NULL);
    g_autofree char *rows = g_strconcat ("Fornitore,Nomi fornitori equivalenti,Applicativo,Versione,Versioni Equivalenti,"
                                         "Tipo Documento,Servizio,Data validazione,Versione Gateway\r\n"
                                         "Altro,,ALTRO,1.0,,PSS,VALIDATION,2025-01-01,2.0\r\n"
                                         "Sintesi,,SINTESI,", PACKAGE_VERSION, ",,PSS,VALIDATION,2026-01-01,2.0\r\n", NULL);
    g_autoptr(SintesiRegistry) registry = NULL;

    g_assert_true (g_file_set_contents (csv, rows, -1, NULL));
    registry = sintesi_registry_import (csv, &error);
    g_assert_no_error (error);
  }

  /* A sandbox call needs no health-data confirmation. */
  bundle = sintesi_support_write_bundle (journal, sent.journal_id, zip, SINTESI_SUPPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bundle->path, ==, zip);
  g_assert_cmpstr (bundle->x_cart_id, ==, sent.x_cart_id);
  g_assert_cmpuint (g_strv_length (bundle->files), ==, G_N_ELEMENTS (expected) - 1);
  g_assert_cmpint (g_stat (zip, &st), ==, 0);
  g_assert_cmpuint ((guint64) st.st_size, ==, bundle->size);
#ifndef G_OS_WIN32
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
#endif

  dir = unzip_bundle (zip, work);
  assert_files (dir, expected);

  /* request.txt: method, URL and the headers as sent, tokens in full. */
  request = read_unzipped_text (dir, "request.txt");
  request_expected = g_strdup_printf ("POST %s\r\n%s", record->request_url, record->request_headers);
  g_assert_cmpstr (request, ==, request_expected);
  g_assert_true (g_str_has_suffix (record->request_url, "/documents/validate-and-create"));
  g_assert_nonnull (strstr (request, "Authorization: Bearer ey"));
  g_assert_nonnull (strstr (request, "FSE-JWT-Signature: ey"));

  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = read_unzipped (dir, "requestBody.json");
  assert_bytes_equal_text (bytes, record->request_body, "requestBody.json");

  /* document.pdf: the bytes sent, whose SHA-256 is attachment_hash. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = read_unzipped (dir, "document.pdf");
  assert_bytes_equal (bytes, record->pdf, "document.pdf");
  pdf_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (pdf_sha256, ==, record->attachment_hash);

  /* cda.xml: the CDA that was sent, and what pdfdetach finds in the PDF. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = read_unzipped (dir, "cda.xml");
  assert_bytes_equal (bytes, sent.cda, "cda.xml");
  if (sintesi_test_have_program ("pdfdetach"))
    {
      g_autoptr(GBytes) oracle = NULL;
      g_autofree char *out = NULL, *err = NULL;
      const char *argv[6];

      pdf_path = g_build_filename (dir, "document.pdf", NULL);
      detached = g_build_filename (work, "detached.xml", NULL);
      argv[0] = "pdfdetach"; argv[1] = "-savefile"; argv[2] = "cda.xml";
      argv[3] = "-o"; argv[4] = detached; argv[5] = NULL;
      {
        const char *full[] = { argv[0], argv[1], argv[2], argv[3], argv[4], pdf_path, NULL };
        g_assert_cmpint (sintesi_test_run (full, NULL, &out, &err), ==, 0);
      }
      oracle = read_unzipped (work, "detached.xml");
      assert_bytes_equal (bytes, oracle, "cda.xml (pdfdetach)");
    }

  /* response.txt: status line, every header, the raw body. */
  response_expected = g_string_new (record->response_headers);
  g_string_append (response_expected, "\r\n");
  g_string_append_len (response_expected, g_bytes_get_data (record->response_body, NULL),
                       (gssize) g_bytes_get_size (record->response_body));
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = read_unzipped (dir, "response.txt");
  assert_bytes_equal_text (bytes, response_expected->str, "response.txt");
  g_assert_true (g_str_has_prefix (response_expected->str, "HTTP/1.1 202"));
  g_assert_nonnull (strstr (response_expected->str, sent.x_cart_id));

  x_cart_id = read_unzipped_text (dir, "x-cart-id.txt");
  g_assert_cmpstr (g_strstrip (x_cart_id), ==, sent.x_cart_id);

  /* jwt-decoded.json: header and claims of both tokens, no signature. */
  decoded = read_unzipped_json (dir, "jwt-decoded.json");
  bearer = json_object_get_object_member (decoded, "bearer");
  signature = json_object_get_object_member (decoded, "signature");
  g_assert_nonnull (bearer);
  g_assert_nonnull (signature);
  g_assert_cmpuint (json_object_get_size (bearer), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bearer, "header"), "alg"), ==, "RS256");
  g_assert_true (json_object_has_member (json_object_get_object_member (bearer, "header"), "x5c"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (bearer, "claims"), "sub"),
                                   PHYSICIAN_CF "^^^"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (signature, "claims"), "attachment_hash"),
                   ==, record->attachment_hash);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (signature, "claims"), "person_id"),
                   ==, PATIENT_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO");

  /* manifest.json */
  manifest = read_unzipped_json (dir, "manifest.json");
  g_assert_cmpstr (json_object_get_string_member (manifest, "environment"), ==, "sandbox");
  g_assert_cmpstr (json_object_get_string_member (manifest, "endpoint"), ==, record->request_url);
  g_assert_cmpstr (json_object_get_string_member (manifest, "physician_cf"), ==, PHYSICIAN_CF);
  g_assert_cmpstr (json_object_get_string_member (manifest, "patient_cf"), ==, PATIENT_CF);
  g_assert_cmpstr (json_object_get_string_member (manifest, "x_cart_id"), ==, sent.x_cart_id);
  g_assert_cmpstr (json_object_get_string_member (manifest, "trace_id"), ==, sent.trace_id);
  g_assert_cmpstr (json_object_get_string_member (manifest, "span_id"), ==, record->span_id);
  g_assert_cmpstr (json_object_get_string_member (manifest, "workflow_instance_id"), ==, record->workflow_instance_id);
  g_assert_cmpstr (json_object_get_string_member (manifest, "identificativo_doc"), ==, record->document_id);
  g_assert_cmpint (json_object_get_int_member (manifest, "http_status"), ==, 202);
  g_assert_cmpstr (json_object_get_string_member (manifest, "attachment_hash"), ==, pdf_sha256);
  g_assert_nonnull (json_object_get_string_member (manifest, "bundle_created_at"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "journal"), "outcome"),
                   ==, "answered");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "journal"), "sent_at"),
                   ==, record->sent_at);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "application"), "vendor"),
                   ==, "Sintesi");
  {
    JsonObject *registry = json_object_get_object_member (json_object_get_object_member (manifest, "application"),
                                                          "registry");

    g_assert_nonnull (registry);
    g_assert_cmpstr (json_object_get_string_member (registry, "outcome"), ==, "accredited");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (registry, "row"), "line"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (registry, "row"), "validation_date"),
                     ==, "2026-01-01");
  }
  certificates = json_object_get_object_member (manifest, "certificates");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (certificates, "auth"), "cn"),
                   ==, "A1#090201PSS" PHYSICIAN_CF);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (certificates, "auth"), "sha256"),
                   ==, record->a1_fingerprint);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (certificates, "sign"), "cn"),
                   ==, "S1#090201PSS" PHYSICIAN_CF);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (certificates, "sign"), "sha256"),
                   ==, record->s1_fingerprint);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (certificates, "sign"), "matches_record"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (manifest, "files")), ==, G_N_ELEMENTS (expected) - 1);

  /* email.txt: a sandbox exchange goes to nobody and says so. */
  email = read_unzipped_text (dir, "email.txt");
  g_assert_true (g_str_has_prefix (email, "A: (nessun destinatario"));
  g_assert_null (strstr (email, "@regione.toscana.it"));
  g_assert_nonnull (strstr (email, "Oggetto: FSE2.0 Richiesta Supporto Staging | 'Sintesi' - 'SINTESI'\n"));
  g_assert_nonnull (strstr (email, "Allegati: request.txt, requestBody.json, document.pdf, response.txt, cda.xml, x-cart-id.txt\n"));
  g_assert_nonnull (strstr (email, sent.x_cart_id));
  g_assert_nonnull (strstr (email, sent.trace_id));
  /* The e-mail body does not carry the patient's codice fiscale. */
  g_assert_null (strstr (email, PATIENT_CF));

  /* No key (the demo profile's stored keys) anywhere inside. */
  add_profile_key_needles (needles, sent.home, "demo");
  assert_no_secrets (dir, needles);

  sintesi_test_rmdir (work);
}

/* The command line: JSON {path, size, sha256, files, x_cart_id}, the
 * default file name, and the file it describes. */
static void
test_cli_bundle (void)
{
  g_autofree char *work = sintesi_test_mkdtemp ();
  g_autofree char *out = NULL, *err = NULL, *id = NULL, *contents = NULL, *sha256 = NULL, *base = NULL;
  g_autofree char *pattern = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *files;
  gsize length = 0;
  int status;

  ensure_sent ();
  id = g_strdup_printf ("%" G_GINT64_FORMAT, sent.journal_id);
  {
    const char *args[] = { "--json", "support-bundle", id, "--out", work, NULL };
    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  result = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (result, "x_cart_id"), ==, sent.x_cart_id);
  files = json_object_get_array_member (result, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 9);
  g_assert_cmpstr (json_array_get_string_element (files, 0), ==, "manifest.json");

  g_file_get_contents (json_object_get_string_member (result, "path"), &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "size"), ==, (gint64) length);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_assert_cmpstr (json_object_get_string_member (result, "sha256"), ==, sha256);

  /* <UTC yyyymmddThhmmssZ>_<env>_<operation>_<X-CART-id>.zip in the folder. */
  base = g_path_get_basename (json_object_get_string_member (result, "path"));
  pattern = g_strdup_printf ("^[0-9]{8}T[0-9]{6}Z_sandbox_create_%s\\.zip$", sent.x_cart_id);
  g_assert_true (g_regex_match_simple (pattern, base, 0, 0));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "path"), work));

  {
    g_autofree char *human_out = NULL, *human_err = NULL;
    g_autofree char *human_zip = g_build_filename (work, "human.zip", NULL);
    const char *args[] = { "support-bundle", id, "--out", human_zip, NULL };

    g_assert_cmpint (sintesi_test_run_cli (sent.home, args, NULL, &human_out, &human_err), ==, 0);
    g_assert_nonnull (strstr (human_out, "Support bundle written to"));
    g_assert_nonnull (strstr (human_out, "  jwt-decoded.json\n"));
    g_assert_nonnull (strstr (human_out, sent.x_cart_id));
    g_assert_true (g_file_test (human_zip, G_FILE_TEST_IS_REGULAR));
  }

  sintesi_test_rmdir (work);
}

static void
test_cli_errors (void)
{
  g_autofree char *work = sintesi_test_mkdtemp ();
  g_autofree char *zip = g_build_filename (work, "b.zip", NULL);
  g_autofree char *empty_home = sintesi_test_mkdtemp ();
  int status;

  ensure_sent ();
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "support-bundle", "987654", "--out", zip, NULL };

    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "no call with id 987654"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--json", "support-bundle", "987654", "--out", zip, NULL };
    g_autoptr(JsonObject) result = NULL;

    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
    result = parse_object (out);
    g_assert_true (json_object_has_member (result, "error"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "support-bundle", "uno", "--out", zip, NULL };

    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "is not a journal id"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "support-bundle", "--out", zip, NULL };

    status = sintesi_test_run_cli (sent.home, args, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "Give the journal id"));
  }
  {
    /* No journal at all: an error, and no journal is created. */
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *journal = g_build_filename (empty_home, "data", "journal.sqlite", NULL);
    const char *args[] = { "support-bundle", "1", "--out", zip, NULL };

    status = sintesi_test_run_cli (empty_home, args, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "no journal yet"));
    g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  }
  g_assert_false (g_file_test (zip, G_FILE_TEST_EXISTS));
  sintesi_test_rmdir (work);
  sintesi_test_rmdir (empty_home);
}

static gint64 prepare_record (SintesiJournal *journal, const char *profile, SintesiEnvironment environment,
                              const char *a1, const char *s1);

static void
test_unknown_id (void)
{
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *work = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (work, "journal.sqlite", NULL);
  g_autofree char *zip = g_build_filename (work, "b.zip", NULL);
  SintesiSupportBundle *bundle;

  journal = open_journal (path);
  bundle = sintesi_support_write_bundle (journal, 42, zip, SINTESI_SUPPORT_FLAGS_CONFIRM_HEALTH_DATA, &error);
  g_assert_null (bundle);
  g_assert_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "The journal has no call with id 42: “sintesi-cli history” lists the calls and their ids.");
  g_assert_false (g_file_test (zip, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A folder that does not exist: a clear error, nothing written. */
  {
    g_autofree char *missing = g_build_filename (work, "no-such-folder", "b.zip", NULL);
    gint64 id = prepare_record (journal, "rossi", SINTESI_ENVIRONMENT_STAGE, NULL, NULL);

    g_assert_null (sintesi_support_write_bundle (journal, id, missing, SINTESI_SUPPORT_FLAGS_NONE, &error));
    g_assert_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_WRITE);
    g_assert_true (g_str_has_prefix (error->message, "The support bundle could not be written to “"));
    g_assert_nonnull (strstr (error->message, missing));
  }
  g_clear_object (&journal);
  sintesi_test_rmdir (work);
}

/* ---- Records made directly in a journal ----------------------------- */

static const char request_headers[] =
  "Accept: application/json\r\n"
  "Authorization: Bearer not.a-real.token\r\n";

static gint64
prepare_record (SintesiJournal     *journal,
                const char         *profile,
                SintesiEnvironment  environment,
                const char         *a1,
                const char         *s1)
{
  g_autoptr(GError) error = NULL;
  SintesiJournalDraft draft = {
    .profile = profile,
    .operation = SINTESI_JOURNAL_OPERATION_DELETE,
    .environment = environment,
    .patient_cf = PATIENT_CF,
    .document_id = "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI7",
  };
  SintesiJournalRequest request = {
    .method = "DELETE",
    .url = "https://gateway.example/gateway/v2/documents/2.16.840.1.113883.2.9.2.90.4.4%5E090201.PSS.201.SINTESI7",
    .headers = request_headers,
    .a1_fingerprint = a1,
    .s1_fingerprint = s1,
  };
  gint64 id = sintesi_journal_prepare (journal, &draft, &request, NULL, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* A call that never got an answer (the gateway could not be reached)
 * still gives a bundle, which says so; a stage call goes to the RT team. */
static void
test_failed_call (void)
{
  g_autofree char *work = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (work, "journal.sqlite", NULL);
  g_autofree char *zip = g_build_filename (work, "b.zip", NULL);
  g_autofree char *dir = NULL, *email = NULL, *request = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiSupportBundle) bundle = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = { "manifest.json", "request.txt", "document.pdf", "email.txt", NULL };
  g_autoptr(GBytes) not_a_pdf = g_bytes_new_static ("%PDF-1.7 truncated", 18);
  g_autoptr(GBytes) pdf = NULL;
  JsonObject *journal_part;
  gint64 id;

  use_home (work);
  journal = open_journal (path);
  id = prepare_record (journal, "rossi", SINTESI_ENVIRONMENT_STAGE, NULL, NULL);
  {
    /* A PDF without cda.xml: kept as sent, the manifest says why no CDA. */
    SintesiJournalRequest with_pdf = { .pdf = not_a_pdf };

    g_assert_true (sintesi_journal_record_request (journal, id, &with_pdf, &error));
    g_assert_no_error (error);
  }
  g_assert_true (sintesi_journal_record_failure (journal, id, "The gateway could not be reached: connection refused.", &error));
  g_assert_no_error (error);

  bundle = sintesi_support_write_bundle (journal, id, zip, SINTESI_SUPPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_null (bundle->x_cart_id);
  dir = unzip_bundle (zip, work);
  assert_files (dir, expected);

  request = read_unzipped_text (dir, "request.txt");
  g_assert_true (g_str_has_prefix (request, "DELETE https://gateway.example/gateway/v2/documents/"));
  g_assert_true (g_str_has_suffix (request, request_headers));

  pdf = read_unzipped (dir, "document.pdf");
  assert_bytes_equal (pdf, not_a_pdf, "document.pdf");

  manifest = read_unzipped_json (dir, "manifest.json");
  g_assert_nonnull (json_object_get_string_member (manifest, "cda_problem"));
  journal_part = json_object_get_object_member (manifest, "journal");
  g_assert_cmpstr (json_object_get_string_member (journal_part, "state"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (journal_part, "outcome"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (journal_part, "failure_message"), ==,
                   "The gateway could not be reached: connection refused.");
  g_assert_true (json_object_get_null_member (manifest, "x_cart_id"));
  g_assert_true (json_object_get_null_member (manifest, "http_status"));
  g_assert_cmpstr (json_object_get_string_member (manifest, "environment"), ==, "stage");
  g_assert_cmpstr (json_object_get_string_member (manifest, "patient_cf"), ==, PATIENT_CF);

  email = read_unzipped_text (dir, "email.txt");
  g_assert_true (g_str_has_prefix (email, "A: teamfse2.0@regione.toscana.it\nOggetto: FSE2.0 Richiesta Supporto Staging | "));
  g_assert_null (strstr (email, "Cc:"));
  g_assert_nonnull (strstr (email, "X-CART-id: non disponibile"));
  g_assert_nonnull (strstr (email, "nessuna risposta HTTP ricevuta (The gateway could not be reached: connection refused.)"));
  g_assert_nonnull (strstr (email, "Allegati: request.txt, document.pdf\n"));

  g_clear_object (&journal);
  sintesi_test_rmdir (work);
}

/* A record left "prepared" by another process: the CLI (another process)
 * says "outcome unknown"; the process that has it in flight does not. */
static void
test_outcome_unknown (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *path = g_build_filename (data, "journal.sqlite", NULL);
  g_autofree char *zip = g_build_filename (home, "b.zip", NULL);
  g_autofree char *out = NULL, *err = NULL, *id_text = NULL, *dir = NULL, *email = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *journal_part;
  gint64 id;
  int status;

  use_home (home);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);
  journal = open_journal (path);
  id = prepare_record (journal, "rossi", SINTESI_ENVIRONMENT_STAGE, NULL, NULL);

  /* This process has it in flight. */
  files = sintesi_support_collect (journal, id, SINTESI_SUPPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  {
    SintesiSupportFile *first = g_ptr_array_index (files, 0);
    g_autofree char *text = g_strndup (g_bytes_get_data (first->contents, NULL), g_bytes_get_size (first->contents));
    g_autoptr(JsonObject) in_flight = parse_object (text);

    g_assert_cmpstr (first->name, ==, "manifest.json");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (in_flight, "journal"), "outcome"),
                     ==, "sending");
  }

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *args[] = { "support-bundle", id_text, "--out", zip, NULL };
    status = sintesi_test_run_cli (home, args, NULL, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  dir = unzip_bundle (zip, home);
  manifest = read_unzipped_json (dir, "manifest.json");
  journal_part = json_object_get_object_member (manifest, "journal");
  g_assert_cmpstr (json_object_get_string_member (journal_part, "state"), ==, "prepared");
  g_assert_cmpstr (json_object_get_string_member (journal_part, "outcome"), ==, "unknown");
  g_assert_true (json_object_get_boolean_member (journal_part, "outcome_unknown"));
  email = read_unzipped_text (dir, "email.txt");
  g_assert_nonnull (strstr (email, "Errore: esito sconosciuto"));

  g_clear_object (&journal);
  sintesi_test_rmdir (home);
}

static gint64
production_record (SintesiJournal *journal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"type\":\"/msg/validation\",\"title\":\"Errore\"}", 43);
  SintesiJournalAnswer answer = {
    .http_status = 400,
    .headers = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nX-CART-id: b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0\r\n",
    .body = body,
    .x_cart_id = "b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0",
    .trace_id = "4a5b6c7d8e9f0a1b",
    .error_type = "/msg/validation",
    .error_title = "Errore di validazione",
    .error_detail = "Documento non valido",
  };
  gint64 id = prepare_record (journal, "rossi", SINTESI_ENVIRONMENT_PRODUCTION, NULL, NULL);

  g_assert_true (sintesi_journal_record_answer (journal, id, &answer, &error));
  g_assert_no_error (error);
  return id;
}

/* Production data leave only with the user's confirmation. */
static void
test_production_needs_confirmation (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *path = g_build_filename (data, "journal.sqlite", NULL);
  g_autofree char *zip = g_build_filename (home, "b.zip", NULL);
  g_autofree char *id_text = NULL, *dir = NULL, *email = NULL, *response = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiSupportBundle) bundle = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  use_home (home);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);
  journal = open_journal (path);
  id = production_record (journal);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_assert_true (sintesi_support_needs_health_data_confirmation (SINTESI_ENVIRONMENT_PRODUCTION));
  g_assert_true (sintesi_support_needs_health_data_confirmation (SINTESI_ENVIRONMENT_CUSTOM));
  g_assert_false (sintesi_support_needs_health_data_confirmation (SINTESI_ENVIRONMENT_STAGE));
  g_assert_false (sintesi_support_needs_health_data_confirmation (SINTESI_ENVIRONMENT_SANDBOX));

  g_assert_null (sintesi_support_write_bundle (journal, id, zip, SINTESI_SUPPORT_FLAGS_NONE, &error));
  g_assert_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_HEALTH_DATA_NOT_CONFIRMED);
  g_assert_nonnull (strstr (error->message, "health data"));
  g_clear_error (&error);
  g_assert_null (sintesi_support_collect (journal, id, SINTESI_SUPPORT_FLAGS_NONE, &error));
  g_assert_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_HEALTH_DATA_NOT_CONFIRMED);
  g_clear_error (&error);
  g_assert_false (g_file_test (zip, G_FILE_TEST_EXISTS));

  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "support-bundle", id_text, "--out", zip, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--confirm-health-data"));
    g_assert_false (g_file_test (zip, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = { "--json", "support-bundle", id_text, "--out", zip, "--confirm-health-data", NULL };
    g_autoptr(JsonObject) result = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, &err), ==, 0);
    result = parse_object (out);
    g_assert_cmpstr (json_object_get_string_member (result, "x_cart_id"), ==, "b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0");
  }
  g_assert_true (g_file_test (zip, G_FILE_TEST_EXISTS));
  dir = unzip_bundle (zip, home);
  manifest = read_unzipped_json (dir, "manifest.json");
  g_assert_true (json_object_get_boolean_member (manifest, "health_data_confirmed"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (manifest, "error"), "detail"),
                   ==, "Documento non valido");

  response = read_unzipped_text (dir, "response.txt");
  g_assert_cmpstr (response, ==,
                   "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n"
                   "X-CART-id: b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0\r\n\r\n"
                   "{\"type\":\"/msg/validation\",\"title\":\"Errore\"}");

  /* Regional text §16.2. */
  email = read_unzipped_text (dir, "email.txt");
  g_assert_true (g_str_has_prefix (email, "A: helpsis@regione.toscana.it\nCc: teamfse2.0@regione.toscana.it\n"
                                          "Oggetto: FSE2.0 Richiesta Supporto | "));
  g_assert_nonnull (strstr (email, "X-CART-id: b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0\n"));
  g_assert_nonnull (strstr (email, "traceID: 4a5b6c7d8e9f0a1b\n"));
  g_assert_nonnull (strstr (email, "Errore: Errore di validazione — Documento non valido (/msg/validation)\n"));
  g_assert_nonnull (strstr (email, "Allegati: request.txt, response.txt, x-cart-id.txt\n"));

  g_clear_object (&journal);
  sintesi_test_rmdir (home);
}

/* The certificates of a profile are described without its secret: a
 * profile whose keys are under a passphrase, which the bundle never asks
 * for; nothing of the keys or the passphrase is inside. Status polls go
 * to status.json. */
static void
test_certificates_without_secrets (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *pki = g_build_filename (home, "pki", NULL);
  g_autofree char *path = g_build_filename (home, "journal.sqlite", NULL);
  g_autofree char *zip = g_build_filename (home, "b.zip", NULL);
  g_autofree char *dir = NULL, *a1 = NULL, *s1 = NULL;
  g_autoptr(SintesiTestCa) ca = NULL;
  g_autoptr(SintesiTestLeaf) auth_leaf = NULL, sign_leaf = NULL;
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(SintesiCredential) auth = NULL, sign = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiSupportBundle) bundle = NULL;
  g_autoptr(JsonObject) manifest = NULL, status = NULL;
  g_autoptr(GPtrArray) needles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) poll_body = g_bytes_new_static ("{\"status\":\"OK\"}", 15);
  g_autoptr(GError) error = NULL;
  SintesiTestLeafOptions client = { .kind = SINTESI_TEST_LEAF_CLIENT };
  SintesiTestLeafOptions signing = { .kind = SINTESI_TEST_LEAF_SIGNING };
  SintesiJournalAnswer answer = { .http_status = 201, .x_cart_id = "cart-1", .trace_id = "t-1" };
  SintesiJournalAnswer poll = { .http_status = 200, .x_cart_id = "cart-2", .body = poll_body,
                                .headers = "HTTP/1.1 200 OK\r\n" };
  JsonObject *certificates, *auth_part;
  JsonArray *polls;
  gint64 id;

  use_home (home);
  ca = sintesi_test_ca_new (pki, "ca", "Test CA");
  auth_leaf = sintesi_test_ca_issue (ca, "a1", "A1#090201PSS" PHYSICIAN_CF, &client);
  sign_leaf = sintesi_test_ca_issue (ca, "s1", "S1#090201PSS" PHYSICIAN_CF, &signing);
  auth = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_AUTH, auth_leaf->cert, auth_leaf->key, NULL, &error);
  g_assert_no_error (error);
  sign = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, sign_leaf->cert, sign_leaf->key, NULL, &error);
  g_assert_no_error (error);
  keystore = sintesi_keystore_new ("rossi", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sintesi_keystore_store (keystore, auth, PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (sintesi_keystore_store (keystore, sign, PASSPHRASE, &error));
  g_assert_no_error (error);
  a1 = sintesi_credential_get_sha256 (auth);
  s1 = sintesi_credential_get_sha256 (sign);

  journal = open_journal (path);
  id = prepare_record (journal, "rossi", SINTESI_ENVIRONMENT_STAGE, a1, s1);
  g_assert_true (sintesi_journal_record_answer (journal, id, &answer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_add_status_poll (journal, id, "https://gateway.example/gateway/v2/status/wii",
                                                    &poll, NULL, &error), >, 0);
  g_assert_no_error (error);

  bundle = sintesi_support_write_bundle (journal, id, zip, SINTESI_SUPPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) bundle->files, "status.json"));
  dir = unzip_bundle (zip, home);

  manifest = read_unzipped_json (dir, "manifest.json");
  certificates = json_object_get_object_member (manifest, "certificates");
  auth_part = json_object_get_object_member (certificates, "auth");
  g_assert_cmpstr (json_object_get_string_member (auth_part, "cn"), ==, "A1#090201PSS" PHYSICIAN_CF);
  g_assert_cmpstr (json_object_get_string_member (auth_part, "sha256"), ==, a1);
  g_assert_true (json_object_get_boolean_member (auth_part, "matches_record"));
  g_assert_nonnull (json_object_get_string_member (auth_part, "serial"));
  g_assert_nonnull (json_object_get_string_member (auth_part, "not_after"));
  /* The token is not decodable here: S1 comes from the profile. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (certificates, "sign"), "source"),
                   ==, "profile");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (certificates, "sign"), "cn"),
                   ==, "S1#090201PSS" PHYSICIAN_CF);

  status = read_unzipped_json (dir, "status.json");
  polls = json_object_get_array_member (status, "polls");
  g_assert_cmpuint (json_array_get_length (polls), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (polls, 0), "x_cart_id"), ==, "cart-2");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (polls, 0), "response_body"),
                   ==, "{\"status\":\"OK\"}");

  g_ptr_array_add (needles, g_strdup (PASSPHRASE));
  add_key_needles (needles, auth_leaf->key);
  add_key_needles (needles, sign_leaf->key);
  add_profile_key_needles (needles, home, "rossi");
  assert_no_secrets (dir, needles);

  g_clear_object (&journal);
  sintesi_test_rmdir (home);
}

static void
test_names (void)
{
  SintesiJournalRecord record = {
    .id = 12,
    .environment = SINTESI_ENVIRONMENT_PRODUCTION,
    .operation = SINTESI_JOURNAL_OPERATION_REPLACE,
    .created_at = (char *) "2026-11-27T12:16:12.123Z",
    .sent_at = (char *) "2026-11-27T12:16:13.456Z",
    .x_cart_id = (char *) "b7cad8e2/72c4 41ce",
    .trace_id = (char *) "abc",
  };
  g_autofree char *name = NULL, *stage = NULL, *production = NULL;

  name = sintesi_support_default_file_name (&record);
  g_assert_cmpstr (name, ==, "20261127T121613Z_production_replace_b7cad8e2-72c4-41ce.zip");
  g_free (name);
  record.x_cart_id = NULL;
  name = sintesi_support_default_file_name (&record);
  g_assert_cmpstr (name, ==, "20261127T121613Z_production_replace_abc.zip");
  g_free (name);
  record.trace_id = NULL;
  record.sent_at = NULL;
  name = sintesi_support_default_file_name (&record);
  g_assert_cmpstr (name, ==, "20261127T121612Z_production_replace_journal-12.zip");

  stage = sintesi_support_email_subject (SINTESI_ENVIRONMENT_STAGE, "Acme S.r.l.", "Cartella MMG");
  g_assert_cmpstr (stage, ==, "FSE2.0 Richiesta Supporto Staging | 'Acme S.r.l.' - 'Cartella MMG'");
  production = sintesi_support_email_subject (SINTESI_ENVIRONMENT_PRODUCTION, "Acme S.r.l.", "Cartella MMG");
  g_assert_cmpstr (production, ==, "FSE2.0 Richiesta Supporto | 'Acme S.r.l.' - 'Cartella MMG'");
}

int
main (int argc, char **argv)
{
  int status;

  /* Never the user's keyring: the sandbox falls back to a passphrase. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sintesi-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/support/names", test_names);
  g_test_add_func ("/support/sent-call", test_bundle_of_sent_call);
  g_test_add_func ("/support/cli", test_cli_bundle);
  g_test_add_func ("/support/cli-errors", test_cli_errors);
  g_test_add_func ("/support/unknown-id", test_unknown_id);
  g_test_add_func ("/support/failed-call", test_failed_call);
  g_test_add_func ("/support/outcome-unknown", test_outcome_unknown);
  g_test_add_func ("/support/production", test_production_needs_confirmation);
  g_test_add_func ("/support/certificates-without-secrets", test_certificates_without_secrets);
  status = g_test_run ();
  if (sent.home != NULL)
    sintesi_test_rmdir (sent.home);
  g_free (sent.home);
  g_free (sent.journal_path);
  g_free (sent.x_cart_id);
  g_free (sent.trace_id);
  g_clear_pointer (&sent.cda, g_bytes_unref);
  return status;
}
