/* test-rules.c: the rules package — import, HTTPS download, atomic switch */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sintesi-paths.h"
#include "sintesi-rules.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define N_XSD 11
#define N_TERMINOLOGY 64

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static char *
read_record (void)
{
  g_autofree char *installed = sintesi_rules_installed_dir ();
  g_autofree char *record = g_build_filename (installed, "version.json", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (record, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* Nothing but the installed package (and no staging leftovers). */
static void
assert_rules_folder_clean (void)
{
  g_autofree char *root = g_build_filename (sintesi_paths_get_data_dir (), "rules", NULL);
  GDir *dir = g_dir_open (root, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (strcmp (name, "package") != 0)
      g_error ("unexpected %s left in %s", name, root);
  g_dir_close (dir);
}

static char *
sha256_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
copy_into (const char *from,
           const char *to_dir,
           const char *name)
{
  g_autofree char *contents = NULL;
  g_autofree char *to = g_build_filename (to_dir, name, NULL);
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

static void
copy_folder (const char *from_dir,
             const char *to_dir)
{
  GDir *dir = g_dir_open (from_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (to_dir, 0700), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (from_dir, name, NULL);

      copy_into (from, to_dir, name);
    }
  g_dir_close (dir);
}

typedef struct
{
  char *home;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->home = sintesi_test_mkdtemp ();
  sintesi_paths_set_data_dir (fixture->home);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sintesi_test_rmdir (fixture->home);
  g_free (fixture->home);
}

/* ------------------------------------------------------------------------ */
/* Import and opening                                                       */

static void
test_not_installed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = sintesi_rules_package_open_installed (&error);

  g_assert_null (package);
  g_assert_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_NOT_INSTALLED);
  g_assert_nonnull (strstr (error->message, "official validation"));
}

static void
test_import_fixture_layout (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *rules = sintesi_test_fixture ("rules");
  g_autofree char *fixture_sch = sintesi_test_fixture ("rules/schematron/schematron_PSS_v4.0.sch");
  g_autofree char *expected_sha = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(SintesiRulesPackage) reopened = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *version = NULL;
  GPtrArray *files;
  gboolean found = FALSE;

  if (rules == NULL || fixture_sch == NULL)
    return;
  package = sintesi_rules_import (rules, &error);
  g_assert_no_error (error);
  g_assert_nonnull (package);

  g_assert_true (g_str_has_prefix (sintesi_rules_package_get_source (package), "import:"));
  g_assert_true (g_str_has_prefix (sintesi_rules_package_get_date (package), today));
  g_assert_cmpstr (sintesi_rules_package_get_schematron_file (package), ==, "schematron/schematron_PSS_v4.0.sch");
  g_assert_cmpstr (sintesi_rules_package_get_xsd_file (package), ==, "xsd/CDA.xsd");
  version = g_strdup_printf ("schematron_PSS_v4.0.sch (%s)", today);
  g_assert_cmpstr (sintesi_rules_package_get_version (package), ==, version);
  g_assert_nonnull (sintesi_rules_package_get_terminology_dir (package));

  files = sintesi_rules_package_get_files (package);
  g_assert_cmpuint (files->len, ==, N_XSD + 1 + N_TERMINOLOGY);
  expected_sha = sha256_file (fixture_sch);
  for (guint i = 0; i < files->len; i++)
    {
      SintesiRulesFile *file = g_ptr_array_index (files, i);

      if (strcmp (file->path, "schematron/schematron_PSS_v4.0.sch") == 0)
        {
          g_assert_cmpstr (file->sha256, ==, expected_sha);
          found = TRUE;
        }
    }
  g_assert_true (found);
  g_assert_true (sintesi_rules_package_verify (package, &error));
  g_assert_no_error (error);
  assert_rules_folder_clean ();

  /* what validation does next */
  reopened = sintesi_rules_package_open_installed (&error);
  g_assert_no_error (error);
  g_assert_true (sintesi_rules_package_load (reopened, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sintesi_schematron_get_n_rules (sintesi_rules_package_get_schematron (reopened, NULL)), ==, 44);
}

static void
test_verify_detects_change (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *rules = sintesi_test_fixture ("rules");
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autofree char *csv = NULL;

  if (rules == NULL)
    return;
  package = sintesi_rules_import (rules, &error);
  g_assert_no_error (error);
  csv = g_build_filename (sintesi_rules_package_get_dir (package), "terminology", "2.16.840.1.113883.5.1.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "tampered", -1, NULL));
  g_assert_false (sintesi_rules_package_verify (package, &error));
  g_assert_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_VERIFY);
  g_assert_nonnull (strstr (error->message, "terminology/2.16.840.1.113883.5.1.csv"));
}

/* The Ministry's repository layout: schema/POCD_MT000040UV02/, and several
 * schematrons of which the newest PSS one is taken. */
static void
test_import_catalog_layout (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *xsd = sintesi_test_fixture ("rules/xsd");
  g_autofree char *sch = sintesi_test_fixture ("rules/schematron/schematron_PSS_v4.0.sch");
  g_autofree char *source = sintesi_test_mkdtemp ();
  g_autofree char *schema_dir = g_build_filename (source, "schema", "POCD_MT000040UV02", NULL);
  g_autofree char *sch_dir = g_build_filename (source, "schematron", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(SintesiRulesPackage) direct = NULL;

  if (xsd == NULL || sch == NULL)
    return;
  copy_folder (xsd, schema_dir);
  g_assert_cmpint (g_mkdir_with_parents (sch_dir, 0700), ==, 0);
  copy_into (sch, sch_dir, "schematron_PSS_v3.10.sch");
  copy_into (sch, sch_dir, "schematron_PSS_v4.0.sch");
  copy_into (sch, sch_dir, "schematron_LDO_v9.9.sch");

  /* used directly (--rules DIR) */
  direct = sintesi_rules_package_open (source, &error);
  g_assert_no_error (error);
  g_assert_null (sintesi_rules_package_get_source (direct));
  g_assert_cmpstr (sintesi_rules_package_get_schematron_file (direct), ==, "schematron/schematron_PSS_v4.0.sch");
  g_assert_cmpstr (sintesi_rules_package_get_xsd_file (direct), ==, "schema/POCD_MT000040UV02/CDA.xsd");
  g_assert_cmpstr (sintesi_rules_package_get_version (direct), ==, "schematron_PSS_v4.0.sch");
  g_assert_null (sintesi_rules_package_get_terminology_dir (direct));
  g_assert_true (sintesi_rules_package_load (direct, &error));
  g_assert_no_error (error);

  package = sintesi_rules_import (source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sintesi_rules_package_get_schematron_file (package), ==, "schematron/schematron_PSS_v4.0.sch");
  /* only the chosen schematron is installed */
  g_assert_cmpuint (sintesi_rules_package_get_files (package)->len, ==, N_XSD + 1);
  sintesi_test_rmdir (source);
}

static void
test_import_failures_keep_package (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *rules = sintesi_test_fixture ("rules");
  g_autofree char *broken = sintesi_test_mkdtemp ();
  g_autofree char *broken_sch_dir = g_build_filename (broken, "schematron", NULL);
  g_autofree char *broken_xsd_dir = g_build_filename (broken, "xsd", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(SintesiRulesPackage) failed = NULL;
  g_autofree char *xsd = NULL;

  if (rules == NULL)
    return;
  package = sintesi_rules_import (rules, &error);
  g_assert_no_error (error);
  before = read_record ();

  /* not a rules folder */
  failed = sintesi_rules_import (broken, &error);
  g_assert_null (failed);
  g_assert_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_LAYOUT);
  g_clear_error (&error);

  /* a schematron that does not compile */
  xsd = g_build_filename (rules, "xsd", NULL);
  copy_folder (xsd, broken_xsd_dir);
  g_assert_cmpint (g_mkdir (broken_sch_dir, 0700), ==, 0);
  {
    g_autofree char *path = g_build_filename (broken_sch_dir, "schematron_PSS_v9.0.sch", NULL);

    g_assert_true (g_file_set_contents (path, "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\"><pattern>", -1, NULL));
  }
  failed = sintesi_rules_import (broken, &error);
  g_assert_null (failed);
  g_assert_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_VERIFY);
  g_assert_nonnull (strstr (error->message, "not installed"));

  after = read_record ();
  g_assert_cmpstr (before, ==, after);
  assert_rules_folder_clean ();
  sintesi_test_rmdir (broken);
}

/* ------------------------------------------------------------------------ */
/* A local HTTPS catalog: libsoup in its own thread and main context        */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  char         *cert;
  char         *key;
  char         *base_url;
  GError       *error;
  const char   *fail_path;      /* answered 404 */
  const char   *short_path;     /* 200 with half the file */
  const char   *drop_path;      /* Content-Length of the whole, half sent, closed */
  guint         requests;
} Catalog;

static char *
catalog_file (const char *path)
{
  const char *dir = sintesi_test_fixtures_dir ();

  if (g_str_has_prefix (path, "/schema/POCD_MT000040UV02/"))
    return g_build_filename (dir, "rules", "xsd", path + strlen ("/schema/POCD_MT000040UV02/"), NULL);
  if (g_str_has_prefix (path, "/schematron/"))
    return g_build_filename (dir, "rules", "schematron", path + strlen ("/schematron/"), NULL);
  if (g_str_has_prefix (path, "/terminology/"))
    return g_build_filename (dir, "rules", "terminology", path + strlen ("/terminology/"), NULL);
  return NULL;
}

static void
serve (SoupServer        *server,
       SoupServerMessage *msg,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  Catalog *catalog = user_data;
  g_autofree char *file = catalog_file (path);
  g_autofree char *contents = NULL;
  gsize length;

  catalog->requests++;
  if (strstr (path, "..") != NULL || file == NULL ||
      g_strcmp0 (path, catalog->fail_path) == 0 ||
      !g_file_get_contents (file, &contents, &length, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (g_strcmp0 (path, catalog->drop_path) == 0)
    {
      GIOStream *stream = soup_server_message_steal_connection (msg);
      GOutputStream *out = g_io_stream_get_output_stream (stream);
      g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Length: %lu\r\n\r\n",
                                               (unsigned long) length);

      g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
      g_output_stream_write_all (out, contents, length / 2, NULL, NULL, NULL);
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      return;
    }
  if (g_strcmp0 (path, catalog->short_path) == 0)
    length /= 2;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY, contents, length);
}

static gpointer
catalog_thread (gpointer data)
{
  Catalog *catalog = data;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  GError *error = NULL;

  g_main_context_push_thread_default (catalog->context);
  certificate = g_tls_certificate_new_from_files (catalog->cert, catalog->key, &error);
  if (certificate != NULL)
    {
      server = soup_server_new ("tls-certificate", certificate, NULL);
      soup_server_add_handler (server, NULL, serve, catalog, NULL);
      if (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
        {
          GSList *uris = soup_server_get_uris (server);

          catalog->base_url = g_strdup_printf ("https://127.0.0.1:%d/", g_uri_get_port (uris->data));
          g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
        }
    }
  g_mutex_lock (&catalog->lock);
  catalog->error = error;
  g_cond_signal (&catalog->ready);
  g_mutex_unlock (&catalog->lock);

  if (catalog->base_url != NULL)
    g_main_loop_run (catalog->loop);
  g_clear_object (&server);
  g_main_context_pop_thread_default (catalog->context);
  return NULL;
}

static Catalog *
catalog_start (SintesiTestCa *ca,
               const char    *dir)
{
  SintesiTestLeafOptions options = { .kind = SINTESI_TEST_LEAF_SERVER };
  g_autoptr(SintesiTestLeaf) leaf = sintesi_test_ca_issue (ca, "catalog", "127.0.0.1", &options);
  Catalog *catalog = g_new0 (Catalog, 1);

  g_assert_nonnull (leaf);
  catalog->cert = g_strdup (leaf->cert);
  catalog->key = g_strdup (leaf->key);
  g_mutex_init (&catalog->lock);
  g_cond_init (&catalog->ready);
  catalog->context = g_main_context_new ();
  catalog->loop = g_main_loop_new (catalog->context, FALSE);

  g_mutex_lock (&catalog->lock);
  catalog->thread = g_thread_new ("catalog", catalog_thread, catalog);
  while (catalog->base_url == NULL && catalog->error == NULL)
    g_cond_wait (&catalog->ready, &catalog->lock);
  g_mutex_unlock (&catalog->lock);
  g_assert_no_error (catalog->error);
  return catalog;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
catalog_stop (Catalog *catalog)
{
  g_main_context_invoke (catalog->context, quit_loop, catalog->loop);
  g_thread_join (catalog->thread);
  g_main_loop_unref (catalog->loop);
  g_main_context_unref (catalog->context);
  g_mutex_clear (&catalog->lock);
  g_cond_clear (&catalog->ready);
  g_free (catalog->cert);
  g_free (catalog->key);
  g_free (catalog->base_url);
  g_free (catalog);
}

typedef struct
{
  char          *home;
  char          *pki;
  SintesiTestCa *ca;
  Catalog       *catalog;
} Download;

static gboolean
download_set_up (Download *d)
{
  g_autofree char *rules = sintesi_test_fixture ("rules");

  if (rules == NULL)
    return FALSE;
  d->home = sintesi_test_mkdtemp ();
  d->pki = sintesi_test_mkdtemp ();
  sintesi_paths_set_data_dir (d->home);
  d->ca = sintesi_test_ca_new (d->pki, "catalog-ca", "Sintesi Test Catalog CA");
  g_assert_nonnull (d->ca);
  d->catalog = catalog_start (d->ca, d->pki);
  return TRUE;
}

static void
download_tear_down (Download *d)
{
  catalog_stop (d->catalog);
  sintesi_test_ca_free (d->ca);
  sintesi_test_rmdir (d->pki);
  sintesi_test_rmdir (d->home);
  g_free (d->pki);
  g_free (d->home);
}

static void
test_download (void)
{
  Download d = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;

  if (!download_set_up (&d))
    return;
  package = sintesi_rules_download (d.catalog->base_url, d.ca->cert, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (package);
  g_assert_cmpstr (sintesi_rules_package_get_source (package), ==, d.catalog->base_url);
  g_assert_cmpuint (sintesi_rules_package_get_files (package)->len, ==, N_XSD + 1 + N_TERMINOLOGY);
  g_assert_cmpuint (d.catalog->requests, ==, N_XSD + 1 + N_TERMINOLOGY);
  g_assert_true (sintesi_rules_package_verify (package, &error));
  assert_rules_folder_clean ();
  download_tear_down (&d);
}

typedef struct
{
  const char *name;
  const char *fail_path;
  const char *short_path;
  const char *drop_path;
  gboolean    wrong_ca;
  int         code;
  const char *needle;
} DownloadFailure;

static const DownloadFailure download_failures[] = {
  { "not-found-midway", "/terminology/2.16.840.1.113883.5.1.csv", NULL, NULL, FALSE,
    SINTESI_RULES_ERROR_DOWNLOAD, "HTTP 404" },
  { "connection-dropped", NULL, NULL, "/schema/POCD_MT000040UV02/voc.xsd", FALSE,
    SINTESI_RULES_ERROR_DOWNLOAD, "voc.xsd" },
  { "truncated-schematron", NULL, "/schematron/schematron_PSS_v4.0.sch", NULL, FALSE,
    SINTESI_RULES_ERROR_VERIFY, "not installed" },
  { "unknown-ca", NULL, NULL, NULL, TRUE,
    SINTESI_RULES_ERROR_DOWNLOAD, "Downloading" },
};

/* Each failure leaves the package installed before it exactly as it was. */
static void
test_download_failure (gconstpointer data)
{
  const DownloadFailure *failure = data;
  g_autofree char *rules = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *other_dir = NULL;
  g_autoptr(SintesiTestCa) other = NULL;
  g_autoptr(SintesiRulesPackage) installed = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  Download d = { NULL };

  if (!download_set_up (&d))
    return;
  rules = sintesi_test_fixture ("rules");
  installed = sintesi_rules_import (rules, &error);
  g_assert_no_error (error);
  before = read_record ();

  d.catalog->fail_path = failure->fail_path;
  d.catalog->short_path = failure->short_path;
  d.catalog->drop_path = failure->drop_path;
  if (failure->wrong_ca)
    {
      other_dir = g_build_filename (d.pki, "other", NULL);
      other = sintesi_test_ca_new (other_dir, "other-ca", "Some Other CA");
    }
  package = sintesi_rules_download (d.catalog->base_url, failure->wrong_ca ? other->cert : d.ca->cert,
                                    NULL, &error);
  g_assert_null (package);
  g_assert_error (error, SINTESI_RULES_ERROR, failure->code);
  g_test_message ("%s: %s", failure->name, error->message);
  if (strstr (error->message, failure->needle) == NULL)
    g_error ("“%s” lacks “%s”", error->message, failure->needle);

  after = read_record ();
  g_assert_cmpstr (before, ==, after);
  assert_rules_folder_clean ();
  g_clear_error (&error);
  g_clear_object (&installed);
  installed = sintesi_rules_package_open_installed (&error);
  g_assert_no_error (error);
  g_assert_true (sintesi_rules_package_verify (installed, &error));
  g_assert_no_error (error);
  download_tear_down (&d);
}

static void
test_download_needs_https (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRulesPackage) package = sintesi_rules_download ("http://127.0.0.1:9/", NULL, NULL, &error);

  g_assert_null (package);
  g_assert_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_DOWNLOAD);
  g_assert_nonnull (strstr (error->message, "HTTPS"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/rules/not-installed", Fixture, NULL, fixture_set_up, test_not_installed, fixture_tear_down);
  g_test_add ("/rules/import/fixture-layout", Fixture, NULL, fixture_set_up, test_import_fixture_layout, fixture_tear_down);
  g_test_add ("/rules/import/catalog-layout", Fixture, NULL, fixture_set_up, test_import_catalog_layout, fixture_tear_down);
  g_test_add ("/rules/import/failures-keep-package", Fixture, NULL, fixture_set_up, test_import_failures_keep_package, fixture_tear_down);
  g_test_add ("/rules/verify-detects-change", Fixture, NULL, fixture_set_up, test_verify_detects_change, fixture_tear_down);
  g_test_add ("/rules/download/needs-https", Fixture, NULL, fixture_set_up, test_download_needs_https, fixture_tear_down);
  g_test_add_func ("/rules/download/success", test_download);
  for (gsize i = 0; i < G_N_ELEMENTS (download_failures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/rules/download/%s", download_failures[i].name);

      g_test_add_data_func (path, &download_failures[i], test_download_failure);
    }
  return g_test_run ();
}
