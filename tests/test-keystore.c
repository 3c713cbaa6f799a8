/* test-keystore.c: the re-encrypted key store (decisions D17)
 *
 * Keys are checked with openssl as the independent oracle; the OS keyring
 * is a private gnome-keyring-daemon on a private D-Bus, never the user's. */
#include "config.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sintesi-keystore.h"
#include "sintesi-paths.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define CF "MNZLSN99E05F205J"
#define NO_BUS "unix:path=/nonexistent/sintesi-test-no-session-bus"

static char *pki_dir;
static SintesiTestCa *ca;
static SintesiTestLeaf *a1;
static SintesiTestLeaf *s1;
static SintesiTestLeaf *server;
static char *a1_p12;

static SintesiCredential *
import_a1 (void)
{
  g_autoptr(GError) error = NULL;
  SintesiCredential *cred = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, a1_p12, "p12-pass", &error);

  g_assert_no_error (error);
  return cred;
}

static SintesiCredential *
import_s1 (void)
{
  g_autoptr(GError) error = NULL;
  SintesiCredential *cred = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, s1->key, NULL, &error);

  g_assert_no_error (error);
  return cred;
}

static GBytes *
run_bytes (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_steal_pointer (&out);
}

/* A signature made with the loaded key verifies with the certificate. */
static void
assert_key_signs (SintesiCredential *cred)
{
  g_autoptr(GError) error = NULL;
  gnutls_privkey_t key = sintesi_credential_get_privkey (cred, &error);
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t data = { (unsigned char *) "payload", 7 };
  gnutls_datum_t sig = { NULL, 0 };

  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (gnutls_privkey_sign_data2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig), ==, 0);
  gnutls_pubkey_init (&pub);
  g_assert_cmpint (gnutls_pubkey_import_x509 (pub, sintesi_credential_get_certificate (cred), 0), ==, 0);
  g_assert_cmpint (gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig), >=, 0);
  gnutls_free (sig.data);
  gnutls_pubkey_deinit (pub);
}

static void
assert_private_file (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static gboolean
contains (GBytes     *haystack,
          const void *needle,
          gsize       needle_size)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (haystack, &size);

  if (needle_size == 0 || needle_size > size)
    return FALSE;
  for (gsize i = 0; i + needle_size <= size; i++)
    if (memcmp (data + i, needle, needle_size) == 0)
      return TRUE;
  return FALSE;
}

/* Every file under folder is scanned for the DER of the key (PKCS#8 and
 * PKCS#1, whole and in 32-byte windows), for each line of its PEM body, and
 * for PEM headers of an unencrypted key. Returns the number of hits. */
static guint
count_plain_key_hits (const char *folder,
                      const char *key_pem_path)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *argv_p8[] = { "openssl", "pkey", "-in", key_pem_path, "-outform", "DER", NULL };
  const char *argv_p1[] = { "openssl", "rsa", "-in", key_pem_path, "-outform", "DER", "-traditional", NULL };
  g_autoptr(GBytes) der_p8 = run_bytes (argv_p8);
  g_autoptr(GBytes) der_p1 = run_bytes (argv_p1);
  g_autofree char *pem = NULL;
  g_auto(GStrv) pem_lines = NULL;
  const char *name;
  guint hits = 0;

  g_assert_true (g_file_get_contents (key_pem_path, &pem, NULL, NULL));
  pem_lines = g_strsplit (pem, "\n", -1);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;
      g_autoptr(GBytes) bytes = NULL;
      const char *p;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      bytes = g_bytes_new (contents, length);
      hits += contains (bytes, g_bytes_get_data (der_p8, NULL), g_bytes_get_size (der_p8));
      hits += contains (bytes, g_bytes_get_data (der_p1, NULL), g_bytes_get_size (der_p1));
      for (gsize off = 0; off + 32 <= g_bytes_get_size (der_p1); off += 97)
        hits += contains (bytes, (const guint8 *) g_bytes_get_data (der_p1, NULL) + off, 32);
      for (guint i = 0; pem_lines[i] != NULL; i++)
        if (strlen (pem_lines[i]) >= 40 && !g_str_has_prefix (pem_lines[i], "-----"))
          hits += g_strstr_len (contents, length, pem_lines[i]) != NULL;
      for (p = g_strstr_len (contents, length, "PRIVATE KEY-----"); p != NULL;
           p = g_strstr_len (p + 1, length - (gsize) (p + 1 - contents), "PRIVATE KEY-----"))
        hits += !(p - contents >= 10 && strncmp (p - 10, "ENCRYPTED ", 10) == 0);
    }
  return hits;
}

static void
assert_no_plain_key (const char *folder,
                     const char *key_pem_path)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint files = 0;

  while (g_dir_read_name (dir) != NULL)
    files++;
  g_assert_cmpuint (files, >=, 3);
  g_assert_cmpuint (count_plain_key_hits (folder, key_pem_path), ==, 0);
}

/* The scanner itself finds a key left in the clear, in each form. */
static void
test_scanner_finds_plain_keys (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *pem = g_build_filename (tmp, "k.pem", NULL);
  g_autofree char *der = g_build_filename (tmp, "k.der", NULL);
  g_autofree char *rsa = g_build_filename (tmp, "k.rsa", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (s1->key, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (pem, contents, -1, NULL));
  g_assert_cmpuint (count_plain_key_hits (tmp, s1->key), >, 0);
  g_remove (pem);
  {
    const char *argv[] = { "openssl", "pkey", "-in", s1->key, "-outform", "DER", "-out", der, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  }
  g_assert_cmpuint (count_plain_key_hits (tmp, s1->key), >, 0);
  g_remove (der);
  {
    const char *argv[] = { "openssl", "rsa", "-in", s1->key, "-traditional", "-out", rsa, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  }
  g_assert_cmpuint (count_plain_key_hits (tmp, s1->key), >, 0);
  g_remove (rsa);
  g_assert_cmpuint (count_plain_key_hits (tmp, s1->key), ==, 0);
  sintesi_test_rmdir (tmp);
}

static void
test_invalid_profile_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiKeystore) ks = sintesi_keystore_new ("../evil", NULL, &error);

  g_assert_null (ks);
  g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_INVALID_NAME);
  g_assert_nonnull (strstr (error->message, "cannot be a profile name"));
  g_clear_error (&error);
  g_assert_null (sintesi_keystore_new ("", NULL, &error));
  g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_INVALID_NAME);
}

/* The default folder is <config dir>/profiles/<NAME>. */
static void
test_default_folder (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *expected = g_build_filename (tmp, "profiles", "Dr Rossi", NULL);
  g_autoptr(SintesiKeystore) ks = NULL;

  sintesi_paths_set_config_dir (tmp);
  ks = sintesi_keystore_new ("Dr Rossi", NULL, NULL);
  g_assert_cmpstr (sintesi_keystore_get_folder (ks), ==, expected);
  g_assert_false (sintesi_keystore_has_credential (ks, SINTESI_CREDENTIAL_SLOT_AUTH));
  sintesi_paths_set_config_dir (NULL);
  sintesi_test_rmdir (tmp);
}

/* Without a keyring: store asks for a passphrase, and the passphrase store
 * round-trips. Runs in a subprocess whose session bus does not exist. */
static void
test_passphrase_fallback (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *tmp = sintesi_test_mkdtemp ();
      g_autofree char *folder = g_build_filename (tmp, "profile", NULL);
      g_autoptr(SintesiKeystore) ks = sintesi_keystore_new ("Dr Rossi", folder, NULL);
      g_autoptr(SintesiCredential) auth = import_a1 ();
      g_autoptr(SintesiCredential) sign = import_s1 ();
      g_autoptr(SintesiCredential) loaded = NULL;
      g_autoptr(SintesiCredential) certs_only = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *key_path = NULL;
      g_autofree char *chain_path = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *index = g_build_filename (folder, "credentials.ini", NULL);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", NO_BUS, TRUE);

      g_assert_false (sintesi_keystore_store (ks, auth, NULL, &error));
      g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING);
      g_assert_nonnull (strstr (error->message, "keyring did not answer"));
      g_clear_error (&error);
      /* Nothing was left behind by the failed attempt. */
      g_assert_false (sintesi_keystore_has_credential (ks, SINTESI_CREDENTIAL_SLOT_AUTH));

      g_assert_true (sintesi_keystore_store (ks, auth, "run passphrase", &error));
      g_assert_no_error (error);
      g_assert_true (sintesi_keystore_store (ks, sign, "run passphrase", &error));
      g_assert_no_error (error);
      g_assert_true (sintesi_keystore_has_credential (ks, SINTESI_CREDENTIAL_SLOT_AUTH));
      g_assert_cmpint (sintesi_keystore_get_secret_kind (ks, SINTESI_CREDENTIAL_SLOT_SIGN), ==,
                       SINTESI_KEYSTORE_SECRET_PASSPHRASE);

      key_path = sintesi_keystore_get_key_path (ks, SINTESI_CREDENTIAL_SLOT_AUTH);
      chain_path = sintesi_keystore_get_chain_path (ks, SINTESI_CREDENTIAL_SLOT_AUTH);
      assert_private_file (key_path);
      assert_private_file (chain_path);
      assert_private_file (index);
      g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));

      /* openssl opens the stored key with the passphrase, sees PBES2 +
       * AES-256, and finds the certificate's public key in it. */
      {
        const char *argv[] = { "openssl", "pkey", "-in", key_path, "-passin", "pass:run passphrase", "-pubout", NULL };
        const char *argv_cert[] = { "openssl", "x509", "-in", chain_path, "-noout", "-pubkey", NULL };
        const char *argv_wrong[] = { "openssl", "pkey", "-in", key_path, "-passin", "pass:nope", "-noout", NULL };
        const char *argv_asn1[] = { "openssl", "asn1parse", "-in", key_path, NULL };
        g_autofree char *pub = NULL;
        g_autofree char *cert_pub = NULL;
        g_autofree char *asn1 = NULL;

        g_assert_cmpint (sintesi_test_run (argv, NULL, &pub, NULL), ==, 0);
        g_assert_cmpint (sintesi_test_run (argv_cert, NULL, &cert_pub, NULL), ==, 0);
        g_assert_cmpstr (pub, ==, cert_pub);
        g_assert_cmpint (sintesi_test_run (argv_wrong, NULL, NULL, NULL), !=, 0);
        g_assert_cmpint (sintesi_test_run (argv_asn1, NULL, &asn1, NULL), ==, 0);
        g_assert_nonnull (strstr (asn1, "PBES2"));
        g_assert_nonnull (strstr (asn1, "aes-256-cbc"));
      }

      /* Loading: the right passphrase, none, a wrong one. */
      loaded = sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_AUTH, "run passphrase", &error);
      g_assert_no_error (error);
      assert_key_signs (loaded);
      {
        g_autofree char *a = sintesi_credential_get_sha256 (loaded);
        g_autofree char *b = sintesi_credential_get_sha256 (auth);
        guint n = 0;

        g_assert_cmpstr (a, ==, b);
        sintesi_credential_get_chain (loaded, &n);
        g_assert_cmpuint (n, ==, 2); /* leaf + the CA that came in the .p12 */
      }
      g_clear_object (&loaded);

      g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, NULL, &error));
      g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_PASSPHRASE_NEEDED);
      g_assert_nonnull (strstr (error->message, "protected by a passphrase"));
      g_clear_error (&error);
      g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, "wrong", &error));
      g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_WRONG_SECRET);
      g_assert_cmpstr (error->message, ==, "The passphrase is wrong: the stored key cannot be opened with it.");
      g_clear_error (&error);

      /* For libcurl: the secret is the passphrase. */
      secret = sintesi_keystore_get_key_secret (ks, SINTESI_CREDENTIAL_SLOT_SIGN, "run passphrase", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (secret, ==, "run passphrase");

      /* Certificates need no secret. */
      certs_only = sintesi_keystore_load_certificates (ks, SINTESI_CREDENTIAL_SLOT_SIGN, &error);
      g_assert_no_error (error);
      g_assert_false (sintesi_credential_has_private_key (certs_only));
      g_assert_null (sintesi_credential_get_privkey (certs_only, &error));
      g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY);
      g_clear_error (&error);

      assert_no_plain_key (folder, a1->key);
      assert_no_plain_key (folder, s1->key);

      /* Removing a slot removes its files. */
      g_assert_true (sintesi_keystore_remove (ks, SINTESI_CREDENTIAL_SLOT_AUTH, &error));
      g_assert_no_error (error);
      g_assert_false (g_file_test (key_path, G_FILE_TEST_EXISTS));
      g_assert_false (sintesi_keystore_has_credential (ks, SINTESI_CREDENTIAL_SLOT_AUTH));
      g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_AUTH, "run passphrase", &error));
      g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "No authentication certificate (A1)"));
      g_assert_true (sintesi_keystore_has_credential (ks, SINTESI_CREDENTIAL_SLOT_SIGN));

      sintesi_test_rmdir (tmp);
      return;
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A damaged stored file is reported, not crashed on. */
static void
test_corrupt_store (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autoptr(SintesiKeystore) ks = sintesi_keystore_new ("p", tmp, NULL);
  g_autoptr(SintesiCredential) sign = import_s1 ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *index = g_build_filename (tmp, "credentials.ini", NULL);

  g_assert_true (sintesi_keystore_store (ks, sign, "pw", &error));
  key_path = sintesi_keystore_get_key_path (ks, SINTESI_CREDENTIAL_SLOT_SIGN);
  g_assert_true (g_file_set_contents (key_path, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", -1, NULL));
  g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, "pw", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (g_remove (key_path), ==, 0);
  g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, "pw", &error));
  g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "import the credential again"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (index, "not [ a key file", -1, NULL));
  g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, "pw", &error));
  g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "The credentials index"));
  g_clear_error (&error);
  /* Importing again repairs it. */
  g_assert_true (sintesi_keystore_store (ks, sign, "pw", &error));
  g_assert_no_error (error);
  {
    g_autoptr(SintesiCredential) again = sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, "pw", &error);

    g_assert_no_error (error);
    assert_key_signs (again);
  }
  sintesi_test_rmdir (tmp);
}

/* ---- A private keyring (toolchain-notes pitfall 11) ---- */

typedef struct
{
  char *dir;
  GPid  bus_pid;
  GPid  keyring_pid;
} PrivateKeyring;

static gboolean
wait_for_name (GDBusConnection *bus,
               const char      *name)
{
  for (int i = 0; i < 100; i++)
    {
      g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                               "org.freedesktop.DBus", "NameHasOwner",
                                                               g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      gboolean owned = FALSE;

      if (reply != NULL)
        g_variant_get (reply, "(b)", &owned);
      if (owned)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static void
record_pid (GPid pid)
{
  g_autofree char *path = g_build_filename (g_getenv ("SINTESI_TEST_KEYRING_STATE"), "pids", NULL);
  g_autofree char *old = NULL;
  g_autofree char *pids = NULL;

  g_file_get_contents (path, &old, NULL, NULL);
  pids = g_strdup_printf ("%s%d ", old != NULL ? old : "", (int) pid);
  g_assert_true (g_file_set_contents (path, pids, -1, NULL));
}

static gboolean
start_private_keyring (PrivateKeyring  *keyring,
                       char           **why)
{
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_auto(GStrv) env = NULL;
  int bus_out = -1;
  int keyring_in = -1;
  GIOChannel *channel;
  gsize length = 0;

  if (!sintesi_test_have_program ("dbus-daemon") || !sintesi_test_have_program ("gnome-keyring-daemon"))
    {
      *why = g_strdup ("dbus-daemon or gnome-keyring-daemon is not installed");
      return FALSE;
    }
  keyring->dir = sintesi_test_mkdtemp ();
  runtime = g_build_filename (keyring->dir, "run", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  /* A bus of our own that activates nothing. */
  config = g_strdup_printf ("<busconfig><type>session</type><listen>unix:dir=%s</listen>"
                            "<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                            "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>", runtime);
  config_path = g_build_filename (keyring->dir, "bus.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  {
    const char *argv[] = { "dbus-daemon", "--nofork", "--print-address=1", "--config-file", config_path, NULL };

    if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                   NULL, NULL, &keyring->bus_pid, NULL, &bus_out, NULL, &error))
      {
        *why = g_strdup_printf ("dbus-daemon did not start: %s", error->message);
        return FALSE;
      }
  }
  channel = g_io_channel_unix_new (bus_out);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_line (channel, &address, &length, NULL, NULL);
  record_pid (keyring->bus_pid);
  g_io_channel_unref (channel);
  if (address == NULL || *address == '\0')
    {
      *why = g_strdup ("dbus-daemon printed no address");
      return FALSE;
    }
  g_strstrip (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  env = g_get_environ ();
  env = g_environ_setenv (env, "HOME", keyring->dir, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", runtime, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", keyring->dir, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", keyring->dir, TRUE);
  env = g_environ_setenv (env, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  {
    const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets", NULL };

    if (!g_spawn_async_with_pipes (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                   G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &keyring->keyring_pid, &keyring_in, NULL, NULL, &error))
      {
        *why = g_strdup_printf ("gnome-keyring-daemon did not start: %s", error->message);
        return FALSE;
      }
  }
  record_pid (keyring->keyring_pid);
  /* An empty unlock password does not work (pitfall 11). */
  g_assert_cmpint (write (keyring_in, "secret", 6), ==, 6);
  close (keyring_in);

  bus = g_dbus_connection_new_for_address_sync (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  if (bus == NULL || !wait_for_name (bus, "org.freedesktop.secrets"))
    {
      *why = g_strdup ("gnome-keyring-daemon did not come up on the private bus");
      return FALSE;
    }
  return TRUE;
}

static void
stop_private_keyring (PrivateKeyring *keyring)
{
  if (keyring->keyring_pid > 0)
    {
      kill (keyring->keyring_pid, SIGTERM);
      waitpid (keyring->keyring_pid, NULL, 0);
      g_spawn_close_pid (keyring->keyring_pid);
    }
  if (keyring->bus_pid > 0)
    {
      kill (keyring->bus_pid, SIGTERM);
      waitpid (keyring->bus_pid, NULL, 0);
      g_spawn_close_pid (keyring->bus_pid);
    }
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", NO_BUS, TRUE);
  sintesi_test_rmdir (keyring->dir);
  g_free (keyring->dir);
}

static const SecretSchema test_schema = {
  SINTESI_KEYSTORE_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  { { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "slot", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void
test_keyring (void)
{
  if (g_test_subprocess ())
    {
      PrivateKeyring keyring = { NULL, 0, 0 };
      g_autofree char *why = NULL;
      g_autofree char *tmp = NULL;
      g_autoptr(SintesiKeystore) ks = NULL;
      g_autoptr(SintesiCredential) auth = NULL;
      g_autoptr(SintesiCredential) loaded = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *in_keyring = NULL;
      g_autofree char *key_path = NULL;

      if (!start_private_keyring (&keyring, &why))
        {
          g_autofree char *skip = g_strdup_printf ("no private keyring could be started: %s", why);
          g_autofree char *skip_path = g_build_filename (g_getenv ("SINTESI_TEST_KEYRING_STATE"), "skip", NULL);

          stop_private_keyring (&keyring);
          g_assert_true (g_file_set_contents (skip_path, skip, -1, NULL));
          return;
        }
      tmp = sintesi_test_mkdtemp ();
      ks = sintesi_keystore_new ("Dr Rossi", tmp, NULL);
      auth = import_a1 ();

      g_assert_true (sintesi_keystore_store (ks, auth, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sintesi_keystore_get_secret_kind (ks, SINTESI_CREDENTIAL_SLOT_AUTH), ==,
                       SINTESI_KEYSTORE_SECRET_KEYRING);

      /* The keyring holds 32 random bytes in base64, under profile + slot. */
      in_keyring = secret_password_lookup_sync (&test_schema, NULL, &error, "profile", "Dr Rossi", "slot", "auth", NULL);
      g_assert_no_error (error);
      g_assert_nonnull (in_keyring);
      {
        gsize n = 0;
        g_autofree guchar *raw = g_base64_decode (in_keyring, &n);

        g_assert_cmpuint (n, ==, 32);
      }
      secret = sintesi_keystore_get_key_secret (ks, SINTESI_CREDENTIAL_SLOT_AUTH, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (secret, ==, in_keyring);
      key_path = sintesi_keystore_get_key_path (ks, SINTESI_CREDENTIAL_SLOT_AUTH);
      {
        g_autofree char *pass = g_strconcat ("pass:", secret, NULL);
        const char *argv[] = { "openssl", "pkey", "-in", key_path, "-passin", pass, "-noout", NULL };

        g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
      }

      loaded = sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_AUTH, NULL, &error);
      g_assert_no_error (error);
      assert_key_signs (loaded);
      g_clear_object (&loaded);
      assert_no_plain_key (tmp, a1->key);

      /* A wrong secret in the keyring fails cleanly. */
      g_assert_true (secret_password_store_sync (&test_schema, SECRET_COLLECTION_DEFAULT, "x", "d3Jvbmc=", NULL, &error,
                                                 "profile", "Dr Rossi", "slot", "auth", NULL));
      loaded = sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_AUTH, NULL, &error);
      g_assert_null (loaded);
      g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_WRONG_SECRET);
      g_assert_cmpstr (error->message, ==,
                       "The secret in the system keyring does not open the stored key: import the credential again.");
      g_clear_error (&error);

      /* No secret at all. */
      g_assert_true (secret_password_clear_sync (&test_schema, NULL, &error, "profile", "Dr Rossi", "slot", "auth", NULL));
      g_assert_null (sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_AUTH, NULL, &error));
      g_assert_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_SECRET);
      g_clear_error (&error);

      /* Re-import, then remove: the keyring entry goes too. */
      g_assert_true (sintesi_keystore_store (ks, auth, NULL, &error));
      g_assert_true (sintesi_keystore_remove (ks, SINTESI_CREDENTIAL_SLOT_AUTH, &error));
      g_assert_no_error (error);
      g_clear_pointer (&in_keyring, secret_password_free);
      in_keyring = secret_password_lookup_sync (&test_schema, NULL, &error, "profile", "Dr Rossi", "slot", "auth", NULL);
      g_assert_no_error (error);
      g_assert_null (in_keyring);

      sintesi_test_rmdir (tmp);
      stop_private_keyring (&keyring);
      return;
    }
  {
    /* The child leaves its daemons' pids (to stop them even if it failed
     * half-way) or why it skipped. */
    g_autofree char *state = sintesi_test_mkdtemp ();
    g_autofree char *skip_path = g_build_filename (state, "skip", NULL);
    g_autofree char *pids_path = g_build_filename (state, "pids", NULL);
    g_autofree char *skip = NULL;
    g_autofree char *pids = NULL;

    g_setenv ("SINTESI_TEST_KEYRING_STATE", state, TRUE);
    g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_unsetenv ("SINTESI_TEST_KEYRING_STATE");
    if (g_file_get_contents (pids_path, &pids, NULL, NULL))
      {
        g_auto(GStrv) each = g_strsplit (pids, " ", -1);

        for (guint i = 0; each[i] != NULL; i++)
          {
            int pid = atoi (each[i]);

            if (pid > 0)
              kill (pid, SIGTERM);
          }
      }
    if (g_file_get_contents (skip_path, &skip, NULL, NULL))
      g_test_skip (skip);
    sintesi_test_rmdir (state);
    g_test_trap_assert_passed ();
  }
}

/* ---- libcurl with the stored key (D17) ---- */

/* A TLS server on loopback that requires a client certificate from the
 * test CA; it serves a few connections and notes the client's CN. */
typedef struct
{
  int       listen_fd;
  guint     connections;
  char     *client_cn;   /* of the last verified handshake */
  gboolean  handshake_failed;
} TlsServer;

static gpointer
tls_server_run (gpointer user_data)
{
  TlsServer *tls = user_data;
  gnutls_certificate_credentials_t credentials = NULL;

  gnutls_certificate_allocate_credentials (&credentials);
  g_assert_cmpint (gnutls_certificate_set_x509_key_file (credentials, server->cert, server->key, GNUTLS_X509_FMT_PEM), >=, 0);
  g_assert_cmpint (gnutls_certificate_set_x509_trust_file (credentials, ca->cert, GNUTLS_X509_FMT_PEM), >, 0);

  for (guint i = 0; i < tls->connections; i++)
    {
      struct pollfd waiting = { tls->listen_fd, POLLIN, 0 };
      gnutls_session_t session = NULL;
      int fd;
      int ret;

      if (poll (&waiting, 1, 15000) <= 0)
        break;
      fd = accept (tls->listen_fd, NULL, NULL);
      if (fd < 0)
        break;
      gnutls_init (&session, GNUTLS_SERVER);
      gnutls_set_default_priority (session);
      gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, credentials);
      gnutls_certificate_server_set_request (session, GNUTLS_CERT_REQUIRE);
      gnutls_session_set_verify_cert (session, NULL, 0);
      gnutls_transport_set_int (session, fd);
      gnutls_handshake_set_timeout (session, 10000);
      do
        ret = gnutls_handshake (session);
      while (ret < 0 && gnutls_error_is_fatal (ret) == 0);
      if (ret < 0)
        tls->handshake_failed = TRUE;
      else
        {
          static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
          unsigned int n = 0;
          const gnutls_datum_t *peers = gnutls_certificate_get_peers (session, &n);
          char request[4096];

          if (n > 0)
            {
              gnutls_x509_crt_t crt = NULL;
              char cn[256];
              size_t size = sizeof cn;

              gnutls_x509_crt_init (&crt);
              if (gnutls_x509_crt_import (crt, &peers[0], GNUTLS_X509_FMT_DER) >= 0 &&
                  gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) >= 0)
                {
                  g_free (tls->client_cn);
                  tls->client_cn = g_strdup (cn);
                }
              gnutls_x509_crt_deinit (crt);
            }
          gnutls_record_recv (session, request, sizeof request);
          gnutls_record_send (session, response, sizeof response - 1);
          gnutls_bye (session, GNUTLS_SHUT_WR);
        }
      gnutls_deinit (session);
      close (fd);
    }
  gnutls_certificate_free_credentials (credentials);
  return NULL;
}

static int
listen_on_loopback (int *port)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = 0;
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  *port = ntohs (address.sin_port);
  return fd;
}

static CURLcode
curl_with_stored_key (const char *url,
                      const char *chain_path,
                      const char *key_path,
                      const char *secret,
                      long       *http_status)
{
  CURL *curl = curl_easy_init ();
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca->cert);
  curl_easy_setopt (curl, CURLOPT_SSLCERT, chain_path);
  curl_easy_setopt (curl, CURLOPT_SSLCERTTYPE, "PEM");
  curl_easy_setopt (curl, CURLOPT_SSLKEY, key_path);
  curl_easy_setopt (curl, CURLOPT_SSLKEYTYPE, "PEM");
  curl_easy_setopt (curl, CURLOPT_KEYPASSWD, secret);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, http_status);
  curl_easy_cleanup (curl);
  return code;
}

/* libcurl (GnuTLS flavour) presents the stored A1 from the encrypted key
 * file and the secret the keystore hands out; a wrong secret fails. */
static void
test_libcurl_client_certificate (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autoptr(SintesiKeystore) ks = sintesi_keystore_new ("curl", tmp, NULL);
  g_autoptr(SintesiCredential) auth = import_a1 ();
  g_autoptr(GError) error = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *url = NULL;
  TlsServer tls = { -1, 2, NULL, FALSE };
  GThread *thread;
  long status = 0;
  int port = 0;
  CURLcode code;

  g_assert_true (sintesi_keystore_store (ks, auth, "curl passphrase", &error));
  g_assert_no_error (error);
  chain_path = sintesi_keystore_get_chain_path (ks, SINTESI_CREDENTIAL_SLOT_AUTH);
  key_path = sintesi_keystore_get_key_path (ks, SINTESI_CREDENTIAL_SLOT_AUTH);
  secret = sintesi_keystore_get_key_secret (ks, SINTESI_CREDENTIAL_SLOT_AUTH, "curl passphrase", &error);
  g_assert_no_error (error);

  tls.listen_fd = listen_on_loopback (&port);
  url = g_strdup_printf ("https://127.0.0.1:%d/", port);
  thread = g_thread_new ("tls-server", tls_server_run, &tls);

  code = curl_with_stored_key (url, chain_path, key_path, secret, &status);
  g_assert_cmpint (code, ==, CURLE_OK);
  g_assert_cmpint (status, ==, 200);

  code = curl_with_stored_key (url, chain_path, key_path, "wrong secret", &status);
  g_assert_cmpint (code, !=, CURLE_OK);

  g_thread_join (thread);
  close (tls.listen_fd);
  g_assert_cmpstr (tls.client_cn, ==, "A1#090201PSS" CF);
  g_free (tls.client_cn);
  sintesi_test_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  SintesiTestLeafOptions client = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -1, 365, NULL };
  int status;

  /* Never the user's keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", NO_BUS, TRUE);
  g_test_init (&argc, &argv, NULL);

  pki_dir = sintesi_test_mkdtemp ();
  ca = sintesi_test_ca_new (pki_dir, "root", "Sintesi Test Root");
  a1 = sintesi_test_ca_issue (ca, "a1", "A1#090201PSS" CF, &client);
  s1 = sintesi_test_ca_issue (ca, "s1", "S1#090201PSS" CF, NULL);
  {
    SintesiTestLeafOptions server_options = { SINTESI_TEST_LEAF_SERVER, "SHA256", 2048, -1, 365, NULL };

    server = sintesi_test_ca_issue (ca, "server", "localhost", &server_options);
  }
  a1_p12 = sintesi_test_leaf_p12 (ca, a1, "p12-pass", FALSE);

  g_test_add_func ("/keystore/scanner-finds-plain-keys", test_scanner_finds_plain_keys);
  g_test_add_func ("/keystore/invalid-profile-name", test_invalid_profile_name);
  g_test_add_func ("/keystore/default-folder", test_default_folder);
  g_test_add_func ("/keystore/passphrase-fallback", test_passphrase_fallback);
  g_test_add_func ("/keystore/corrupt-store", test_corrupt_store);
  g_test_add_func ("/keystore/keyring", test_keyring);
  g_test_add_func ("/keystore/libcurl-client-certificate", test_libcurl_client_certificate);
  status = g_test_run ();

  sintesi_test_rmdir (pki_dir);
  g_free (pki_dir);
  g_free (a1_p12);
  sintesi_test_leaf_free (a1);
  sintesi_test_leaf_free (s1);
  sintesi_test_leaf_free (server);
  sintesi_test_ca_free (ca);
  return status;
}
