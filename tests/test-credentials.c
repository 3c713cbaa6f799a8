/* test-credentials.c: importing A1/S1 credentials and checking them
 *
 * The PKI is made at test time (tests/sintesi-test-pki.h); openssl is the
 * independent oracle for fingerprints and signatures; a SoftHSM2 token in
 * a temp folder stands in for a smart card. */
#include "config.h"

#include <gnutls/pkcs11.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-credentials.h"
#include "sintesi-keystore.h"
#include "sintesi-paths.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define CF "MNZLSN99E05F205J"
#define OTHER_CF "RSSMRA80A01H501U"
#define PASSWORD "p12-pass"
#define SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define TOKEN_URI "pkcs11:token=sintesi-test;object=s1;type=private"
#define NO_BUS "unix:path=/nonexistent/sintesi-test-no-session-bus"

/* Names of the stage and production roots as the Ministry's are named, so
 * that sintesi_credentials_find_sogei_roots sorts them the same way. */
static char *pki_dir;
static char *trust_dir;
static SintesiTestCa *ca;          /* plays the SOGEI test PKI */
static SintesiTestCa *ca_prod;     /* plays the SOGEI production PKI */
static SintesiTestCa *ca_unknown;
static SintesiTestLeaf *a1, *s1, *s1_expired, *s1_future, *s1_45, *s1_20, *s1_unknown,
                       *s1_sha1, *s1_1024, *s1_other_cf, *s1_bad_shape, *s1_bad_check,
                       *a1_vendor, *s1_vendor, *s1_prod;
static char *a1_p12, *s1_p12, *s1_legacy_p12;
static gboolean have_token;

static SintesiCredential *
load_pem (SintesiCredentialSlot  slot,
          SintesiTestLeaf       *leaf)
{
  g_autoptr(GError) error = NULL;
  SintesiCredential *cred = sintesi_credential_import_pem (slot, leaf->cert, leaf->key, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cred);
  return cred;
}

static char *
openssl_field (const char *cert,
               const char *option)
{
  const char *argv[] = { "openssl", "x509", "-in", cert, "-noout", option, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GString) value = NULL;
  const char *eq;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  eq = strchr (out, '=');
  g_assert_nonnull (eq);
  value = g_string_new (NULL);
  for (const char *p = eq + 1; *p != '\0' && *p != '\n'; p++)
    if (*p != ':')
      g_string_append_c (value, g_ascii_tolower (*p));
  return g_string_free (g_steal_pointer (&value), FALSE);
}

static void
assert_signs_like_openssl (SintesiCredential *cred,
                           const char        *cert_path)
{
  g_autoptr(GError) error = NULL;
  gnutls_privkey_t key = sintesi_credential_get_privkey (cred, &error);
  gnutls_datum_t data = { (unsigned char *) "header.payload", 14 };
  gnutls_datum_t sig = { NULL, 0 };
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *data_path = g_build_filename (tmp, "data", NULL);
  g_autofree char *sig_path = g_build_filename (tmp, "sig", NULL);
  g_autofree char *pub_path = g_build_filename (tmp, "pub.pem", NULL);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (gnutls_privkey_sign_data2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig), ==, 0);
  g_assert_true (g_file_set_contents (data_path, (const char *) data.data, data.size, NULL));
  g_assert_true (g_file_set_contents (sig_path, (const char *) sig.data, sig.size, NULL));
  gnutls_free (sig.data);
  {
    const char *argv[] = { "openssl", "x509", "-in", cert_path, "-noout", "-pubkey", "-out", pub_path, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { "openssl", "dgst", "-sha256", "-verify", pub_path, "-signature", sig_path, data_path, NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Verified OK"));
  }
  sintesi_test_rmdir (tmp);
}

/* ---- Import ---- */

static void
test_import_pkcs12 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCredential) cred = NULL;
  g_autofree char *cn = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *expected_sha256 = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *expected_serial = openssl_field (a1->cert, "-serial");
  g_autofree char *issuer = NULL;
  guint n = 0;

  {
    const char *argv[] = { "openssl", "x509", "-in", a1->cert, "-noout", "-fingerprint", "-sha256", NULL };
    g_autofree char *out = NULL;
    g_autoptr(GString) hex = g_string_new (NULL);

    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
    for (const char *p = strchr (out, '=') + 1; *p != '\0' && *p != '\n'; p++)
      if (*p != ':')
        g_string_append_c (hex, g_ascii_tolower (*p));
    expected_sha256 = g_strdup (hex->str);
  }

  cred = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, a1_p12, PASSWORD, &error);
  g_assert_no_error (error);
  cn = sintesi_credential_get_cn (cred);
  g_assert_cmpstr (cn, ==, "A1#090201PSS" CF);
  sha256 = sintesi_credential_get_sha256 (cred);
  g_assert_cmpstr (sha256, ==, expected_sha256);
  serial = sintesi_credential_get_serial (cred);
  /* openssl prints the serial without leading zero bytes. */
  g_assert_true (g_str_has_suffix (serial, expected_serial));
  issuer = sintesi_credential_get_issuer (cred);
  g_assert_nonnull (strstr (issuer, "CN=CA Ministero della Salute Test Sintesi"));
  sintesi_credential_get_chain (cred, &n);
  g_assert_cmpuint (n, ==, 2); /* the CA inside the .p12 comes along */
  g_assert_cmpint (sintesi_credential_get_source (cred), ==, SINTESI_CREDENTIAL_SOURCE_FILE);
  g_assert_true (sintesi_credential_has_private_key (cred));
  assert_signs_like_openssl (cred, a1->cert);
  {
    g_autoptr(GBytes) der = sintesi_credential_get_certificate_der (cred);
    g_autofree char *pem = sintesi_credential_get_chain_pem (cred);

    g_assert_cmpuint (g_bytes_get_size (der), >, 500);
    g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
    g_assert_null (strstr (pem, "PRIVATE"));
  }
}

static void
test_import_pkcs12_legacy (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCredential) cred = NULL;
  g_autofree char *rc2 = g_build_filename (pki_dir, "s1-rc2.p12", NULL);
  g_autofree char *pass = g_strconcat ("pass:", PASSWORD, NULL);
  const char *argv[] = { "openssl", "pkcs12", "-export", "-legacy", "-in", s1->cert, "-inkey", s1->key,
                         "-certfile", ca->cert, "-out", rc2, "-passout", pass, NULL };

  /* 3DES + SHA-1 MAC, as older Windows and Java tools export. */
  cred = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_SIGN, s1_legacy_p12, PASSWORD, &error);
  g_assert_no_error (error);
  assert_signs_like_openssl (cred, s1->cert);
  g_clear_object (&cred);
  cred = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_SIGN, s1_legacy_p12, "wrong", &error);
  g_assert_null (cred);
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  /* RC2-40 certificates + 3DES key: openssl's -legacy. */
  if (sintesi_test_run (argv, NULL, NULL, NULL) != 0)
    {
      g_test_message ("openssl cannot write RC2 (no legacy provider): RC2 case not run");
      return;
    }
  cred = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_SIGN, rc2, PASSWORD, &error);
  g_assert_no_error (error);
  assert_signs_like_openssl (cred, s1->cert);
}

static void
test_import_pkcs12_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  g_autofree char *damaged = g_build_filename (pki_dir, "damaged.p12", NULL);
  g_autofree char *text = g_build_filename (pki_dir, "text.p12", NULL);
  g_autofree char *missing = g_build_filename (pki_dir, "missing.p12", NULL);

  g_assert_null (sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, a1_p12, "wrong", &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD);
  g_assert_cmpstr (error->message, ==, "The password of “a1.pem.p12” is wrong.");
  g_clear_error (&error);

  g_assert_null (sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, a1_p12, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PASSWORD_NEEDED);
  g_assert_cmpstr (error->message, ==, "“a1.pem.p12” is protected by a password: please give it.");
  g_clear_error (&error);

  /* A damaged file is not reported as a wrong password. */
  g_assert_true (g_file_get_contents (a1_p12, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (damaged, contents, (gssize) length / 2, NULL));
  g_assert_null (sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, damaged, PASSWORD, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, "“damaged.p12” is not a PKCS#12 file (.p12/.pfx), or it is damaged.");
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text, "hello, I am not a certificate\n", -1, NULL));
  g_assert_null (sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, text, PASSWORD, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_null (sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, missing, PASSWORD, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_READ);
  g_assert_true (g_str_has_prefix (error->message, "Cannot read “"));
}

static void
test_import_pem_forms (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pkcs8 = g_build_filename (pki_dir, "s1.pk8.pem", NULL);
  g_autofree char *pkcs1_enc = g_build_filename (pki_dir, "s1.pk1.enc.pem", NULL);
  g_autofree char *pkcs8_enc = sintesi_test_leaf_encrypted_key (s1, "key-pass");
  g_autofree char *chain = g_build_filename (pki_dir, "s1-chain-reversed.pem", NULL);
  g_autofree char *leaf = NULL;
  g_autofree char *root = NULL;
  g_autofree char *reversed = NULL;
  const char *plain[] = { s1->key, pkcs8, NULL };
  const char *encrypted[] = { pkcs1_enc, pkcs8_enc, NULL };

  {
    const char *argv[] = { "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", s1->key, "-out", pkcs8, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { "openssl", "rsa", "-in", s1->key, "-aes256", "-traditional", "-passout", "pass:key-pass",
                           "-out", pkcs1_enc, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  }

  for (guint i = 0; plain[i] != NULL; i++)
    {
      g_autoptr(SintesiCredential) cred = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, plain[i], NULL, &error);

      g_assert_no_error (error);
      assert_signs_like_openssl (cred, s1->cert);
    }
  for (guint i = 0; encrypted[i] != NULL; i++)
    {
      g_autoptr(SintesiCredential) cred = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, encrypted[i], "key-pass", &error);

      g_assert_no_error (error);
      assert_signs_like_openssl (cred, s1->cert);
      g_assert_null (sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, encrypted[i], "wrong", &error));
      g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD);
      g_assert_cmpstr (error->message, ==, "The password of the private key is wrong.");
      g_clear_error (&error);
      g_assert_null (sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, encrypted[i], NULL, &error));
      g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PASSWORD_NEEDED);
      g_clear_error (&error);
    }

  /* A chain given root first still puts the leaf first. */
  g_assert_true (g_file_get_contents (s1->cert, &leaf, NULL, NULL));
  g_assert_true (g_file_get_contents (ca->cert, &root, NULL, NULL));
  reversed = g_strconcat (root, leaf, NULL);
  g_assert_true (g_file_set_contents (chain, reversed, -1, NULL));
  {
    g_autoptr(SintesiCredential) cred = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, chain, s1->key, NULL, &error);
    g_autofree char *cn = NULL;
    guint n = 0;

    g_assert_no_error (error);
    cn = sintesi_credential_get_cn (cred);
    g_assert_cmpstr (cn, ==, "S1#090201PSS" CF);
    sintesi_credential_get_chain (cred, &n);
    g_assert_cmpuint (n, ==, 2);
  }

  /* Not a key at all. */
  g_assert_null (sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, s1->cert, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT);
  g_clear_error (&error);
  /* Not a certificate. */
  g_assert_null (sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->key, s1->key, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE);
  g_assert_true (g_str_has_prefix (error->message, "“s1.key” does not contain a certificate that can be read: "));
}

static void
test_import_mismatched_key (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1->cert, a1->key, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH);
  g_assert_cmpstr (error->message, ==,
                   "The private key does not belong to the certificate “S1#090201PSS" CF "”: they come from two different credentials.");
}

/* ---- Checks ---- */

static GPtrArray *
run_checks (SintesiCredential  *auth,
            SintesiCredential  *sign,
            SintesiEnvironment  environment,
            const char         *cf)
{
  const char *test_roots[] = { ca->cert, NULL };
  const char *production_roots[] = { ca_prod->cert, NULL };
  SintesiCredentialCheckOptions options = { environment, cf, test_roots, production_roots, NULL, NULL };

  return sintesi_credentials_check (auth, sign, &options);
}

static const SintesiCredentialCheck *
find_check (GPtrArray  *checks,
            const char *id)
{
  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiCredentialCheck *check = g_ptr_array_index (checks, i);

      if (strcmp (check->id, id) == 0)
        return check;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
assert_check (GPtrArray            *checks,
              const char           *id,
              gboolean              ok,
              SintesiCheckSeverity  severity,
              const char           *message_part)
{
  const SintesiCredentialCheck *check = find_check (checks, id);

  if (check->ok != ok || check->severity != severity ||
      (message_part != NULL && strstr (check->message, message_part) == NULL))
    g_error ("check %s: ok=%d severity=%s message “%s”; expected ok=%d severity=%s with “%s”",
             id, check->ok, sintesi_check_severity_to_string (check->severity), check->message,
             ok, sintesi_check_severity_to_string (severity), message_part ? message_part : "");
}

static void
test_checks_all_pass (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
  g_autoptr(GPtrArray) checks = run_checks (auth, sign, SINTESI_ENVIRONMENT_STAGE, CF);
  const char *ids[] = {
    SINTESI_CHECK_AUTH_VALIDITY, SINTESI_CHECK_SIGN_VALIDITY, SINTESI_CHECK_AUTH_ROLE, SINTESI_CHECK_SIGN_ROLE,
    SINTESI_CHECK_CN_PAIR, SINTESI_CHECK_AUTH_ISSUER, SINTESI_CHECK_SIGN_ISSUER, SINTESI_CHECK_AUTH_KEY_SIZE,
    SINTESI_CHECK_SIGN_KEY_SIZE, SINTESI_CHECK_AUTH_SIGNATURE, SINTESI_CHECK_SIGN_SIGNATURE,
    SINTESI_CHECK_AUTH_CF, SINTESI_CHECK_SIGN_CF, NULL,
  };

  for (guint i = 0; ids[i] != NULL; i++)
    assert_check (checks, ids[i], TRUE, SINTESI_CHECK_INFO, NULL);
  g_assert_cmpuint (checks->len, ==, g_strv_length ((char **) ids));
  g_assert_true (sintesi_credentials_checks_passed (checks));
  g_assert_null (sintesi_credentials_checks_first_error (checks));
  assert_check (checks, SINTESI_CHECK_SIGN_VALIDITY, TRUE, SINTESI_CHECK_INFO, "The signature certificate (S1) is valid until ");
  assert_check (checks, SINTESI_CHECK_CN_PAIR, TRUE, SINTESI_CHECK_INFO, "belong together");
  assert_check (checks, SINTESI_CHECK_SIGN_ISSUER, TRUE, SINTESI_CHECK_INFO, "trusted for the stage environment");
  assert_check (checks, SINTESI_CHECK_SIGN_KEY_SIZE, TRUE, SINTESI_CHECK_INFO, "2048 bits");
  assert_check (checks, SINTESI_CHECK_SIGN_CF, TRUE, SINTESI_CHECK_INFO, CF);
}

static void
test_check_missing (void)
{
  g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
  g_autoptr(GPtrArray) checks = run_checks (NULL, sign, SINTESI_ENVIRONMENT_STAGE, CF);

  assert_check (checks, SINTESI_CHECK_AUTH_PRESENT, FALSE, SINTESI_CHECK_ERROR,
                "No authentication certificate (A1) has been imported");
  g_assert_false (sintesi_credentials_checks_passed (checks));
  g_assert_cmpstr (sintesi_credentials_checks_first_error (checks)->id, ==, SINTESI_CHECK_AUTH_PRESENT);
}

static void
test_check_validity (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  struct {
    SintesiTestLeaf      *leaf;
    gboolean              ok;
    SintesiCheckSeverity  severity;
    const char           *message;
  } cases[] = {
    { NULL, TRUE, SINTESI_CHECK_INFO, "is valid until" },
    { NULL, FALSE, SINTESI_CHECK_WARNING, "days: plan its renewal." },
    { NULL, FALSE, SINTESI_CHECK_WARNING, "days: ask for its renewal now." },
    { NULL, FALSE, SINTESI_CHECK_ERROR, "expired on" },
    { NULL, FALSE, SINTESI_CHECK_ERROR, "is not valid yet: it becomes valid on" },
  };

  cases[0].leaf = s1;
  cases[1].leaf = s1_45;
  cases[2].leaf = s1_20;
  cases[3].leaf = s1_expired;
  cases[4].leaf = s1_future;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, cases[i].leaf);
      g_autoptr(GPtrArray) checks = run_checks (auth, sign, SINTESI_ENVIRONMENT_STAGE, CF);

      assert_check (checks, SINTESI_CHECK_SIGN_VALIDITY, cases[i].ok, cases[i].severity, cases[i].message);
      /* Warnings do not block; errors do. */
      g_assert_cmpint (sintesi_credentials_checks_passed (checks), ==, cases[i].severity != SINTESI_CHECK_ERROR);
    }

  /* The thresholds follow the clock given. */
  {
    g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
    g_autoptr(GDateTime) not_after = sintesi_credential_get_not_after (sign);
    g_autoptr(GDateTime) at_59 = g_date_time_add_days (not_after, -59);
    g_autoptr(GDateTime) at_61 = g_date_time_add_days (not_after, -61);
    const char *test_roots[] = { ca->cert, NULL };
    SintesiCredentialCheckOptions options = { SINTESI_ENVIRONMENT_STAGE, CF, test_roots, NULL, NULL, at_59 };
    g_autoptr(GPtrArray) near = sintesi_credentials_check (auth, sign, &options);
    g_autoptr(GPtrArray) far = NULL;

    assert_check (near, SINTESI_CHECK_SIGN_VALIDITY, FALSE, SINTESI_CHECK_WARNING, "in 59 days");
    options.now = at_61;
    far = sintesi_credentials_check (auth, sign, &options);
    assert_check (far, SINTESI_CHECK_SIGN_VALIDITY, TRUE, SINTESI_CHECK_INFO, NULL);
    {
      g_autoptr(GDateTime) at_1 = g_date_time_add_hours (not_after, -36);
      g_autoptr(GPtrArray) last = NULL;

      options.now = at_1;
      last = sintesi_credentials_check (auth, sign, &options);
      assert_check (last, SINTESI_CHECK_SIGN_VALIDITY, FALSE, SINTESI_CHECK_WARNING,
                    ", in 1 day: ask for its renewal now.");
    }
  }
}

static void
test_check_roles (void)
{
  g_autoptr(SintesiCredential) auth_as_sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, a1);
  g_autoptr(SintesiCredential) sign_as_auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, s1);
  g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
  g_autoptr(GPtrArray) swapped = run_checks (sign_as_auth, auth_as_sign, SINTESI_ENVIRONMENT_STAGE, CF);
  g_autoptr(GPtrArray) two_s1 = run_checks (sign_as_auth, sign, SINTESI_ENVIRONMENT_STAGE, CF);

  assert_check (swapped, SINTESI_CHECK_AUTH_ROLE, FALSE, SINTESI_CHECK_ERROR, "The two certificates are swapped");
  assert_check (swapped, SINTESI_CHECK_SIGN_ROLE, FALSE, SINTESI_CHECK_ERROR, "The two certificates are swapped");
  g_assert_false (sintesi_credentials_checks_passed (swapped));

  assert_check (two_s1, SINTESI_CHECK_AUTH_ROLE, FALSE, SINTESI_CHECK_ERROR,
                "is not an authentication certificate: the authentication slot needs the certificate whose name starts with A1#.");
  assert_check (two_s1, SINTESI_CHECK_SIGN_ROLE, TRUE, SINTESI_CHECK_INFO, "is a signature certificate (S1#)");
}

static void
test_check_cn_pair (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  g_autoptr(SintesiCredential) other = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_other_cf);
  g_autoptr(GPtrArray) checks = run_checks (auth, other, SINTESI_ENVIRONMENT_STAGE, NULL);

  assert_check (checks, SINTESI_CHECK_CN_PAIR, FALSE, SINTESI_CHECK_ERROR,
                "The two certificates do not belong together: “A1#090201PSS" CF "” and “S1#090201PSS" OTHER_CF "”");
}

static void
test_check_issuer (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
  g_autoptr(SintesiCredential) unknown = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_unknown);
  g_autoptr(SintesiCredential) prod = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_prod);
  g_autoptr(GPtrArray) stage_unknown = run_checks (auth, unknown, SINTESI_ENVIRONMENT_STAGE, CF);
  g_autoptr(GPtrArray) test_in_production = run_checks (auth, sign, SINTESI_ENVIRONMENT_PRODUCTION, CF);
  g_autoptr(GPtrArray) production_in_stage = run_checks (auth, prod, SINTESI_ENVIRONMENT_STAGE, CF);
  g_autoptr(GPtrArray) production_ok = run_checks (auth, prod, SINTESI_ENVIRONMENT_PRODUCTION, CF);

  assert_check (stage_unknown, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                "was not issued by a certification authority trusted for the stage environment (its issuer is “CN=Unknown CA");
  assert_check (test_in_production, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                "is a test certificate (issued by “CN=CA Ministero della Salute Test Sintesi");
  assert_check (test_in_production, SINTESI_CHECK_AUTH_ISSUER, FALSE, SINTESI_CHECK_ERROR, "cannot be used in production");
  assert_check (production_in_stage, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                "is a production certificate");
  assert_check (production_ok, SINTESI_CHECK_SIGN_ISSUER, TRUE, SINTESI_CHECK_INFO, "trusted for the production environment");

  /* Sandbox and custom: the profile's own CA, and nothing else. */
  {
    SintesiCredentialCheckOptions options = { SINTESI_ENVIRONMENT_SANDBOX, CF, NULL, NULL, ca_unknown->cert, NULL };
    g_autoptr(GPtrArray) own = sintesi_credentials_check (auth, unknown, &options);
    g_autoptr(GPtrArray) none = NULL;

    assert_check (own, SINTESI_CHECK_SIGN_ISSUER, TRUE, SINTESI_CHECK_INFO, "trusted for the sandbox environment");
    assert_check (own, SINTESI_CHECK_AUTH_ISSUER, FALSE, SINTESI_CHECK_ERROR, "was not issued by");
    options.profile_ca_file = NULL;
    options.environment = SINTESI_ENVIRONMENT_CUSTOM;
    none = sintesi_credentials_check (auth, unknown, &options);
    assert_check (none, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                  "The signature certificate (S1) cannot be verified for the custom environment: this profile's certification authority is not set.");
  }
  /* Roots not installed. */
  {
    SintesiCredentialCheckOptions options = { SINTESI_ENVIRONMENT_STAGE, CF, NULL, NULL, NULL, NULL };
    g_autoptr(GPtrArray) checks = sintesi_credentials_check (auth, sign, &options);

    assert_check (checks, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                  "The signature certificate (S1) cannot be verified: the Ministry's certification authority certificates for the stage environment are not installed.");
  }
}

/* The Ministry's real roots: sorted by subject, and none of them issued
 * our test leaves. */
static void
test_check_issuer_sogei_roots (void)
{
  g_autofree char *fixture = sintesi_test_fixture ("ca/ca-ministero-salute-production.pem");
  g_autofree char *dir = NULL;
  g_auto(GStrv) test_roots = NULL;
  g_auto(GStrv) production_roots = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCredential) auth = NULL;
  g_autoptr(SintesiCredential) sign = NULL;

  if (fixture == NULL)
    return;
  dir = g_path_get_dirname (fixture);
  g_assert_true (sintesi_credentials_find_sogei_roots (dir, &test_roots, &production_roots, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (test_roots), ==, 2);
  g_assert_cmpuint (g_strv_length (production_roots), ==, 1);
  g_assert_true (g_str_has_suffix (production_roots[0], "ca-ministero-salute-production.pem"));

  auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
  {
    SintesiCredentialCheckOptions options = { SINTESI_ENVIRONMENT_PRODUCTION, CF, (const char * const *) test_roots,
                                              (const char * const *) production_roots, NULL, NULL };
    g_autoptr(GPtrArray) checks = sintesi_credentials_check (auth, sign, &options);

    assert_check (checks, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                  "was not issued by a certification authority trusted for the production environment");
    options.environment = SINTESI_ENVIRONMENT_STAGE;
    g_clear_pointer (&checks, g_ptr_array_unref);
    checks = sintesi_credentials_check (auth, sign, &options);
    assert_check (checks, SINTESI_CHECK_SIGN_ISSUER, FALSE, SINTESI_CHECK_ERROR,
                  "was not issued by a certification authority trusted for the stage environment");
  }

  /* A folder without them. */
  {
    g_autofree char *empty = sintesi_test_mkdtemp ();
    g_auto(GStrv) t = NULL;
    g_auto(GStrv) p = NULL;

    g_assert_false (sintesi_credentials_find_sogei_roots (empty, &t, &p, &error));
    g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS);
    sintesi_test_rmdir (empty);
  }
}

static void
test_check_key_size (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  g_autoptr(SintesiCredential) weak = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_1024);
  g_autoptr(GPtrArray) checks = run_checks (auth, weak, SINTESI_ENVIRONMENT_STAGE, CF);

  assert_check (checks, SINTESI_CHECK_SIGN_KEY_SIZE, FALSE, SINTESI_CHECK_ERROR,
                "has an RSA key of only 1024 bits, which is too weak: at least 2048 bits are needed.");
  assert_check (checks, SINTESI_CHECK_AUTH_KEY_SIZE, TRUE, SINTESI_CHECK_INFO, "2048 bits");
}

static void
test_check_sha1 (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  g_autoptr(SintesiCredential) old = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_sha1);
  g_autoptr(GPtrArray) stage = run_checks (auth, old, SINTESI_ENVIRONMENT_STAGE, CF);
  g_autoptr(GPtrArray) production = run_checks (auth, old, SINTESI_ENVIRONMENT_PRODUCTION, CF);
  SintesiCredentialCheckOptions options = { SINTESI_ENVIRONMENT_SANDBOX, CF, NULL, NULL, ca->cert, NULL };
  g_autoptr(GPtrArray) sandbox = sintesi_credentials_check (auth, old, &options);

  assert_check (stage, SINTESI_CHECK_SIGN_SIGNATURE, FALSE, SINTESI_CHECK_WARNING, "the stage environment accepts it");
  /* SHA-1 is the only objection in stage: the issuer still verifies. */
  assert_check (stage, SINTESI_CHECK_SIGN_ISSUER, TRUE, SINTESI_CHECK_INFO, NULL);
  g_assert_true (sintesi_credentials_checks_passed (stage));
  assert_check (production, SINTESI_CHECK_SIGN_SIGNATURE, FALSE, SINTESI_CHECK_ERROR,
                "is signed with SHA-1, an algorithm no longer considered safe");
  assert_check (sandbox, SINTESI_CHECK_SIGN_SIGNATURE, FALSE, SINTESI_CHECK_ERROR, "SHA-1");
  assert_check (stage, SINTESI_CHECK_AUTH_SIGNATURE, TRUE, SINTESI_CHECK_INFO, "is signed with SHA256.");
}

static void
test_check_cf (void)
{
  g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
  g_autoptr(SintesiCredential) sign = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1);
  g_autoptr(SintesiCredential) shape = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_bad_shape);
  g_autoptr(SintesiCredential) check_char = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_bad_check);
  g_autoptr(SintesiCredential) a1v = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1_vendor);
  g_autoptr(SintesiCredential) s1v = load_pem (SINTESI_CREDENTIAL_SLOT_SIGN, s1_vendor);
  g_autoptr(GPtrArray) other_physician = run_checks (auth, sign, SINTESI_ENVIRONMENT_STAGE, OTHER_CF);
  g_autoptr(GPtrArray) bad_shape = run_checks (auth, shape, SINTESI_ENVIRONMENT_STAGE, CF);
  g_autoptr(GPtrArray) bad_check = run_checks (auth, check_char, SINTESI_ENVIRONMENT_STAGE, NULL);
  g_autoptr(GPtrArray) vendor = run_checks (a1v, s1v, SINTESI_ENVIRONMENT_STAGE, CF);

  assert_check (other_physician, SINTESI_CHECK_SIGN_CF, FALSE, SINTESI_CHECK_ERROR,
                "belongs to the physician with codice fiscale " CF ", but this profile is for " OTHER_CF ".");
  assert_check (other_physician, SINTESI_CHECK_AUTH_CF, FALSE, SINTESI_CHECK_ERROR, "but this profile is for");
  assert_check (bad_shape, SINTESI_CHECK_SIGN_CF, FALSE, SINTESI_CHECK_ERROR,
                "carries the codice fiscale “MNZLSN9XE05F205J”, which is not valid");
  assert_check (bad_check, SINTESI_CHECK_SIGN_CF, FALSE, SINTESI_CHECK_ERROR,
                "carries the codice fiscale “MNZLSN99E05F205K”, which is not valid");
  /* Vendor test certificates carry no CF: nothing to compare. */
  assert_check (vendor, SINTESI_CHECK_SIGN_CF, TRUE, SINTESI_CHECK_INFO, "carries no codice fiscale");
  assert_check (vendor, SINTESI_CHECK_AUTH_CF, TRUE, SINTESI_CHECK_INFO, "software vendor's test certificate");
  assert_check (vendor, SINTESI_CHECK_CN_PAIR, TRUE, SINTESI_CHECK_INFO, "111#VENDORXX");
  g_assert_true (sintesi_credentials_checks_passed (vendor));
}

static void
test_cn_cf (void)
{
  struct { const char *cn; const char *cf; } cases[] = {
    { "A1#090201PSSMNZLSN99E05F205J", "MNZLSN99E05F205J" },
    { "S1#090201PSSMNZLSN99E05F20RE", "MNZLSN99E05F20RE" },
    { "A1#111#VENDORXX", NULL },
    { "S1#110201234567XX", NULL },
    { "S1#090201PSS", NULL },
    { "PSSMNZLSN99E05F205J", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *cf = sintesi_credentials_cn_cf (cases[i].cn);

      g_assert_cmpstr (cf, ==, cases[i].cf);
    }
}

/* ---- PKCS#11 (SoftHSM2) ---- */

static char *
pin_right (const char *label,
           gboolean    retry,
           gpointer    user_data)
{
  guint *calls = user_data;

  if (calls != NULL)
    (*calls)++;
  return retry ? NULL : g_strdup (PASSWORD);
}

static char *
pin_wrong (const char *label,
           gboolean    retry,
           gpointer    user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return g_strdup ("0000");
}

static char *
pin_cancel (const char *label,
            gboolean    retry,
            gpointer    user_data)
{
  return NULL;
}

static gboolean
skip_without_token (void)
{
  if (!have_token)
    g_test_skip ("SoftHSM2 (softhsm2-util, p11tool, " SOFTHSM_MODULE ") is not available");
  return !have_token;
}

static void
test_pkcs11_import (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCredential) cred = NULL;
  g_autofree char *cn = NULL;
  guint calls = 0;

  if (skip_without_token ())
    return;
  cred = sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, NULL, pin_right, &calls, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calls, >=, 1);
  cn = sintesi_credential_get_cn (cred);
  g_assert_cmpstr (cn, ==, "S1#090201PSS" CF);
  g_assert_cmpint (sintesi_credential_get_source (cred), ==, SINTESI_CREDENTIAL_SOURCE_PKCS11);
  g_assert_cmpstr (sintesi_credential_get_pkcs11_uri (cred), ==, TOKEN_URI);
  assert_signs_like_openssl (cred, s1->cert);
  /* The key cannot be exported from the token. */
  g_assert_null (sintesi_credential_export_encrypted_key (cred, "x", &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY);
  g_clear_error (&error);
  g_clear_object (&cred);

  /* The certificate from a file instead of the token. */
  cred = sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, s1->cert, pin_right, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&cred);

  /* The checks run on a token credential like on any other. */
  {
    g_autoptr(SintesiCredential) auth = load_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1);
    g_autoptr(GPtrArray) checks = NULL;

    cred = sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, NULL, pin_right, NULL, &error);
    checks = run_checks (auth, cred, SINTESI_ENVIRONMENT_STAGE, CF);
    g_assert_true (sintesi_credentials_checks_passed (checks));
  }
}

static void
test_pkcs11_errors (void)
{
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  if (skip_without_token ())
    return;

  g_assert_null (sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, NULL, pin_wrong, &calls, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PIN);
  g_assert_true (g_str_has_prefix (error->message, "The smart card or token refused the PIN"));
  /* Asked a bounded number of times, so that a real card is not locked. */
  g_assert_cmpuint (calls, >=, 1);
  g_assert_cmpuint (calls, <=, 2);
  g_clear_error (&error);

  g_assert_null (sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, NULL, pin_cancel, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PIN);
  g_assert_cmpstr (error->message, ==, "The PIN of the smart card or token was not given.");
  g_clear_error (&error);

  /* The key of S1 with the certificate of A1. */
  g_assert_null (sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, a1->cert, pin_right, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH);
  g_assert_cmpstr (error->message, ==,
                   "The key on the smart card or token does not belong to the certificate “A1#090201PSS" CF "”.");
  g_clear_error (&error);

  g_assert_null (sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN,
                                                   "pkcs11:token=sintesi-test;object=nothing;type=private",
                                                   NULL, pin_right, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE);
  g_clear_error (&error);

  g_assert_null (sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN,
                                                   TOKEN_URI "?pin-value=" PASSWORD, NULL, pin_right, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PKCS11);
  g_assert_nonnull (strstr (error->message, "contains the PIN"));
  g_clear_error (&error);

  g_assert_null (sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, "/dev/token", NULL, pin_right, NULL, &error));
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PKCS11);
}

/* The keystore keeps only the URI and the certificate of a token key. */
static void
test_pkcs11_keystore (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(SintesiKeystore) ks = NULL;
  g_autoptr(SintesiCredential) cred = NULL;
  g_autoptr(SintesiCredential) loaded = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *secret = NULL;
  guint calls = 0;

  if (skip_without_token ())
    return;
  tmp = sintesi_test_mkdtemp ();
  ks = sintesi_keystore_new ("token", tmp, NULL);
  cred = sintesi_credential_import_pkcs11 (SINTESI_CREDENTIAL_SLOT_SIGN, TOKEN_URI, NULL, pin_right, NULL, &error);
  g_assert_no_error (error);
  /* No keyring and no passphrase are needed. */
  g_assert_true (sintesi_keystore_store (ks, cred, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_keystore_get_secret_kind (ks, SINTESI_CREDENTIAL_SLOT_SIGN), ==, SINTESI_KEYSTORE_SECRET_NONE);
  {
    g_autofree char *key_file = g_build_filename (tmp, "sign-key.pem", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *index_path = g_build_filename (tmp, "credentials.ini", NULL);

    g_assert_false (g_file_test (key_file, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_get_contents (index_path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "uri=" TOKEN_URI));
    g_assert_null (strstr (contents, PASSWORD));
  }
  key_path = sintesi_keystore_get_key_path (ks, SINTESI_CREDENTIAL_SLOT_SIGN);
  g_assert_cmpstr (key_path, ==, TOKEN_URI);
  secret = sintesi_keystore_get_key_secret (ks, SINTESI_CREDENTIAL_SLOT_SIGN, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  loaded = sintesi_keystore_load (ks, SINTESI_CREDENTIAL_SLOT_SIGN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_credential_get_source (loaded), ==, SINTESI_CREDENTIAL_SOURCE_PKCS11);
  g_assert_true (sintesi_credential_has_private_key (loaded));
  /* The token stays logged in for this process after the imports above,
   * so whether the PIN is asked again is up to the token; the key signs. */
  sintesi_credential_set_pin_func (loaded, pin_right, &calls, NULL);
  assert_signs_like_openssl (loaded, s1->cert);
  sintesi_test_rmdir (tmp);
}

/* ---- sintesi-cli credentials ---- */

static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
find_json_check (JsonObject *root,
                 const char *id)
{
  JsonArray *checks = json_object_get_array_member (root, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (strcmp (json_object_get_string_member (check, "id"), id) == 0)
        return check;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_cli_import_and_check (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *expected_sha256 = NULL;
  JsonObject *sign;

  {
    const char *args[] = { "--json", "credentials", "import", "Dr Rossi", "--auth", a1_p12, "--sign", s1_p12,
                           "--password-stdin", NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, PASSWORD "\n", &out, &err), ==, 0);
    root = parse_json (out);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "auth"), "cn"), ==,
                     "A1#090201PSS" CF);
    /* No keyring in the test: the import password protects the stored keys. */
    g_assert_cmpstr (json_object_get_string_member (root, "secret"), ==, "passphrase");
    g_assert_nonnull (strstr (err, "No system keyring answered"));
    g_assert_null (strstr (out, PASSWORD));
    g_assert_null (strstr (err, PASSWORD));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&root, json_object_unref);
  {
    const char *args[] = { "--json", "credentials", "check", "Dr Rossi", "--environment", "stage", "--cf", CF,
                           "--trust-dir", trust_dir, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, &err), ==, 0);
    root = parse_json (out);
  }
  sign = json_object_get_object_member (root, "sign");
  g_assert_cmpstr (json_object_get_string_member (sign, "cn"), ==, "S1#090201PSS" CF);
  {
    const char *members[] = { "cn", "serial", "not_before", "not_after", "issuer", "sha256", NULL };

    for (guint i = 0; members[i] != NULL; i++)
      {
        g_assert_true (json_object_has_member (sign, members[i]));
        g_assert_true (json_object_has_member (json_object_get_object_member (root, "auth"), members[i]));
      }
  }
  {
    const char *argv[] = { "openssl", "x509", "-in", s1->cert, "-noout", "-fingerprint", "-sha256", NULL };
    g_autofree char *fp = NULL;
    g_autoptr(GString) hex = g_string_new (NULL);

    g_assert_cmpint (sintesi_test_run (argv, NULL, &fp, NULL), ==, 0);
    for (const char *p = strchr (fp, '=') + 1; *p != '\0' && *p != '\n'; p++)
      if (*p != ':')
        g_string_append_c (hex, g_ascii_tolower (*p));
    expected_sha256 = g_strdup (hex->str);
  }
  g_assert_cmpstr (json_object_get_string_member (sign, "sha256"), ==, expected_sha256);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (sign, "not_after"), "Z"));
  g_assert_true (json_object_get_boolean_member (find_json_check (root, "sign-issuer"), "ok"));
  g_assert_true (json_object_get_boolean_member (find_json_check (root, "cn-pair"), "ok"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "checks")), ==, 13);

  /* Without --json: one line per check, for a person. */
  g_clear_pointer (&out, g_free);
  {
    const char *args[] = { "credentials", "check", "Dr Rossi", "--environment", "stage", "--cf", CF,
                           "--trust-dir", trust_dir, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Signature (S1): S1#090201PSS" CF " (valid until "));
    g_assert_nonnull (strstr (out, "✓ The signature certificate (S1) is valid until "));
    g_assert_null (strstr (out, "✗"));
  }

  /* The same credentials in production are refused: exit 1. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&root, json_object_unref);
  {
    const char *args[] = { "--json", "credentials", "check", "Dr Rossi", "--environment", "production", "--cf", CF,
                           "--trust-dir", trust_dir, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 1);
    root = parse_json (out);
    g_assert_false (json_object_get_boolean_member (find_json_check (root, "sign-issuer"), "ok"));
    g_assert_nonnull (strstr (json_object_get_string_member (find_json_check (root, "sign-issuer"), "message"),
                              "cannot be used in production"));
  }
  /* Another physician's profile. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&root, json_object_unref);
  {
    const char *args[] = { "--json", "credentials", "check", "Dr Rossi", "--environment", "stage", "--cf", OTHER_CF,
                           "--trust-dir", trust_dir, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 1);
    root = parse_json (out);
    g_assert_false (json_object_get_boolean_member (find_json_check (root, "sign-cf"), "ok"));
  }
  sintesi_test_rmdir (home);
}

static void
test_cli_errors (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) root = NULL;

  {
    const char *args[] = { "--json", "credentials", "import", "P", "--auth", a1_p12, "--password-stdin", NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, "wrong\n", &out, &err), ==, 2);
    root = parse_json (out);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "error"), "message"), ==,
                     "The password of “a1.pem.p12” is wrong.");
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&root, json_object_unref);
  {
    const char *args[] = { "--json", "credentials", "import", "P", "--sign-cert", s1->cert, "--sign-key", a1->key, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 1);
    root = parse_json (out);
    g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (root, "error"), "message"),
                              "does not belong to the certificate"));
  }
  g_clear_pointer (&out, g_free);
  /* A key that needs storing, no keyring, no password to protect it. */
  {
    const char *args[] = { "credentials", "import", "P", "--sign-cert", s1->cert, "--sign-key", s1->key, NULL };
    g_autofree char *e = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &e), ==, 2);
    g_assert_nonnull (strstr (e, "--password-stdin"));
  }
  /* Nothing was stored by the failed imports. */
  {
    const char *args[] = { "credentials", "check", "P", "--environment", "stage", NULL };
    g_autofree char *e = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, &e), ==, 2);
    g_assert_nonnull (strstr (e, "No credentials have been imported for the profile “P”."));
  }
  {
    const char *args[] = { "credentials", "import", "P", "--auth", a1_p12, "--auth-cert", a1->cert, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 2);
  }
  {
    const char *args[] = { "credentials", "check", "P", "--environment", "moon", NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 2);
  }
  sintesi_test_rmdir (home);
}

static void
test_cli_pkcs11 (void)
{
  g_autofree char *home = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) root = NULL;

  if (skip_without_token ())
    return;
  home = sintesi_test_mkdtemp ();
  /* The token's PIN comes on stdin like a password; p11-kit finds SoftHSM2
   * through its module registration. */
  {
    const char *args[] = { "--json", "credentials", "import", "T", "--auth", a1_p12, "--sign-uri", TOKEN_URI,
                           "--password-stdin", NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, PASSWORD, &out, NULL), ==, 0);
    root = parse_json (out);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "sign"), "source"), ==, "pkcs11");
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&root, json_object_unref);
  {
    const char *args[] = { "--json", "credentials", "check", "T", "--environment", "stage", "--cf", CF,
                           "--trust-dir", trust_dir, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 0);
  }
  sintesi_test_rmdir (home);
}

/* ---- Setup ---- */

static gboolean
run_quiet (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = sintesi_test_run (argv, NULL, &out, &err);

  if (status != 0)
    g_test_message ("%s failed: %s%s", argv[0], out ? out : "", err ? err : "");
  return status == 0;
}

/* A SoftHSM2 token in the temp folder holding the S1 key and certificate. */
static gboolean
make_token (void)
{
  g_autofree char *tokens = g_build_filename (pki_dir, "tokens", NULL);
  g_autofree char *conf = g_build_filename (pki_dir, "softhsm2.conf", NULL);
  g_autofree char *conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
  g_autofree char *pkcs8 = g_build_filename (pki_dir, "s1-token.p8", NULL);

  if (!sintesi_test_have_program ("softhsm2-util") || !sintesi_test_have_program ("p11tool") ||
      !g_file_test (SOFTHSM_MODULE, G_FILE_TEST_EXISTS))
    return FALSE;
  g_assert_cmpint (g_mkdir_with_parents (tokens, 0700), ==, 0);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  {
    const char *argv[] = { "softhsm2-util", "--init-token", "--free", "--label", "sintesi-test",
                           "--pin", PASSWORD, "--so-pin", "so-pin-5678", NULL };
    if (!run_quiet (argv))
      return FALSE;
  }
  {
    const char *argv[] = { "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", s1->key, "-out", pkcs8, NULL };
    if (!run_quiet (argv))
      return FALSE;
  }
  {
    const char *argv[] = { "softhsm2-util", "--import", pkcs8, "--token", "sintesi-test", "--label", "s1",
                           "--id", "01", "--pin", PASSWORD, NULL };
    if (!run_quiet (argv))
      return FALSE;
  }
  g_setenv ("GNUTLS_PIN", PASSWORD, TRUE);
  {
    const char *argv[] = { "p11tool", "--provider", SOFTHSM_MODULE, "--login", "--write",
                           "--load-certificate", s1->cert, "--label", "s1", "--id", "01",
                           "pkcs11:token=sintesi-test", NULL };
    gboolean ok = run_quiet (argv);

    g_unsetenv ("GNUTLS_PIN");
    if (!ok)
      return FALSE;
  }
  /* Only this module, loaded by hand. */
  if (gnutls_pkcs11_init (GNUTLS_PKCS11_FLAG_MANUAL, NULL) < 0 ||
      gnutls_pkcs11_add_provider (SOFTHSM_MODULE, NULL) < 0)
    return FALSE;
  return TRUE;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* Only the Ministry's self-signed roots are installed as trust anchors. */
static void
test_import_roots (void)
{
  g_autofree char *production = sintesi_test_fixture ("ca/ca-ministero-salute-production.pem");
  g_autofree char *test_root = sintesi_test_fixture ("ca/ca-ministero-salute-test.pem");
  g_autofree char *home = NULL;
  g_autofree char *forged_dir = NULL;
  g_autofree char *roots_dir = NULL;
  g_autoptr(SintesiTestCa) forger = NULL;
  g_autoptr(SintesiTestLeaf) forged = NULL;
  g_autoptr(GPtrArray) installed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) test_roots = NULL;
  g_auto(GStrv) production_roots = NULL;
  SintesiTestLeafOptions options = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -1, 365, "Ministero della Salute" };

  if (production == NULL || test_root == NULL)
    return;
  home = sintesi_test_mkdtemp ();
  sintesi_paths_set_data_dir (home);

  {
    const char *paths[] = { production, test_root, NULL };
    installed = sintesi_credentials_import_roots (paths, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (installed->len, ==, 2);
  roots_dir = sintesi_credentials_default_roots_dir ();
  g_assert_true (sintesi_credentials_find_sogei_roots (roots_dir, &test_roots, &production_roots, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (test_roots), ==, 1);
  g_assert_cmpuint (g_strv_length (production_roots), ==, 1);
  g_clear_pointer (&installed, g_ptr_array_unref);

  /* A self-signed CA that only borrows the name is no SOGEI root (this test's
   * own "CA Ministero della Salute Test Sintesi"), nor is a leaf named so. */
  {
    const char *paths[] = { ca->cert, NULL };
    installed = sintesi_credentials_import_roots (paths, &error);
    g_assert_null (installed);
    g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS);
    g_assert_nonnull (strstr (error->message, "not one of the root certificates published by the Ministry of Health"));
    g_clear_error (&error);
  }
  /* A published root and a foreign file together: nothing is installed. */
  {
    g_autofree char *other_home = g_build_filename (home, "other", NULL);
    g_autofree char *other_roots = NULL;
    const char *paths[] = { production, ca->cert, NULL };

    sintesi_paths_set_data_dir (other_home);
    installed = sintesi_credentials_import_roots (paths, &error);
    g_assert_null (installed);
    g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS);
    g_clear_error (&error);
    other_roots = sintesi_credentials_default_roots_dir ();
    g_assert_false (g_file_test (other_roots, G_FILE_TEST_EXISTS));
    sintesi_paths_set_data_dir (home);
  }
  forged_dir = g_build_filename (home, "forger", NULL);
  forger = sintesi_test_ca_new (forged_dir, "forger", "Forger");
  forged = sintesi_test_ca_issue (forger, "forged", "CA Ministero della Salute", &options);
  {
    const char *paths[] = { forged->cert, NULL };
    installed = sintesi_credentials_import_roots (paths, &error);
    g_assert_null (installed);
    g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS);
  }

  sintesi_paths_set_data_dir (NULL);
  sintesi_test_rmdir (home);
}

int
main (int argc, char **argv)
{
  SintesiTestLeafOptions client = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -1, 365, NULL };
  SintesiTestLeafOptions expired = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -400, -10, NULL };
  SintesiTestLeafOptions future = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, 10, 400, NULL };
  SintesiTestLeafOptions days_45 = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -300, 45, NULL };
  SintesiTestLeafOptions days_20 = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -300, 20, NULL };
  SintesiTestLeafOptions sha1 = { SINTESI_TEST_LEAF_SIGNING, "SHA1", 2048, -1, 365, NULL };
  SintesiTestLeafOptions rsa1024 = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 1024, -1, 365, NULL };
  int status;

  /* Never the user's keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", NO_BUS, TRUE);
  g_test_init (&argc, &argv, NULL);

  pki_dir = sintesi_test_mkdtemp ();
  ca = sintesi_test_ca_new (pki_dir, "root", "CA Ministero della Salute Test Sintesi");
  ca_prod = sintesi_test_ca_new (pki_dir, "root-prod", "CA Ministero della Salute");
  ca_unknown = sintesi_test_ca_new (pki_dir, "root-unknown", "Unknown CA");
  a1 = sintesi_test_ca_issue (ca, "a1", "A1#090201PSS" CF, &client);
  s1 = sintesi_test_ca_issue (ca, "s1", "S1#090201PSS" CF, NULL);
  s1_expired = sintesi_test_ca_issue (ca, "s1-expired", "S1#090201PSS" CF, &expired);
  s1_future = sintesi_test_ca_issue (ca, "s1-future", "S1#090201PSS" CF, &future);
  s1_45 = sintesi_test_ca_issue (ca, "s1-45", "S1#090201PSS" CF, &days_45);
  s1_20 = sintesi_test_ca_issue (ca, "s1-20", "S1#090201PSS" CF, &days_20);
  s1_unknown = sintesi_test_ca_issue (ca_unknown, "s1-unknown", "S1#090201PSS" CF, NULL);
  s1_sha1 = sintesi_test_ca_issue (ca, "s1-sha1", "S1#090201PSS" CF, &sha1);
  s1_1024 = sintesi_test_ca_issue (ca, "s1-1024", "S1#090201PSS" CF, &rsa1024);
  s1_other_cf = sintesi_test_ca_issue (ca, "s1-other", "S1#090201PSS" OTHER_CF, NULL);
  s1_bad_shape = sintesi_test_ca_issue (ca, "s1-shape", "S1#090201PSSMNZLSN9XE05F205J", NULL);
  s1_bad_check = sintesi_test_ca_issue (ca, "s1-check", "S1#090201PSSMNZLSN99E05F205K", NULL);
  a1_vendor = sintesi_test_ca_issue (ca, "a1-vendor", "A1#111#VENDORXX", &client);
  s1_vendor = sintesi_test_ca_issue (ca, "s1-vendor", "S1#111#VENDORXX", NULL);
  s1_prod = sintesi_test_ca_issue (ca_prod, "s1-prod", "S1#090201PSS" CF, NULL);
  a1_p12 = sintesi_test_leaf_p12 (ca, a1, PASSWORD, FALSE);
  s1_p12 = sintesi_test_leaf_p12 (ca, s1, PASSWORD, FALSE);
  s1_legacy_p12 = sintesi_test_leaf_p12 (ca, s1, PASSWORD, TRUE);

  trust_dir = g_build_filename (pki_dir, "trust", NULL);
  g_assert_cmpint (g_mkdir_with_parents (trust_dir, 0700), ==, 0);
  {
    g_autofree char *test_root = g_build_filename (trust_dir, "test.pem", NULL);
    g_autofree char *prod_root = g_build_filename (trust_dir, "production.pem", NULL);

    copy_file (ca->cert, test_root);
    copy_file (ca_prod->cert, prod_root);
  }
  have_token = make_token ();

  g_test_add_func ("/credentials/import/pkcs12", test_import_pkcs12);
  g_test_add_func ("/credentials/import/pkcs12-legacy", test_import_pkcs12_legacy);
  g_test_add_func ("/credentials/import/pkcs12-errors", test_import_pkcs12_errors);
  g_test_add_func ("/credentials/import/pem-forms", test_import_pem_forms);
  g_test_add_func ("/credentials/import/mismatched-key", test_import_mismatched_key);
  g_test_add_func ("/credentials/import/roots", test_import_roots);
  g_test_add_func ("/credentials/check/all-pass", test_checks_all_pass);
  g_test_add_func ("/credentials/check/missing", test_check_missing);
  g_test_add_func ("/credentials/check/validity", test_check_validity);
  g_test_add_func ("/credentials/check/roles", test_check_roles);
  g_test_add_func ("/credentials/check/cn-pair", test_check_cn_pair);
  g_test_add_func ("/credentials/check/issuer", test_check_issuer);
  g_test_add_func ("/credentials/check/issuer-sogei-roots", test_check_issuer_sogei_roots);
  g_test_add_func ("/credentials/check/key-size", test_check_key_size);
  g_test_add_func ("/credentials/check/sha1", test_check_sha1);
  g_test_add_func ("/credentials/check/cf", test_check_cf);
  g_test_add_func ("/credentials/cn-cf", test_cn_cf);
  g_test_add_func ("/credentials/pkcs11/import", test_pkcs11_import);
  g_test_add_func ("/credentials/pkcs11/errors", test_pkcs11_errors);
  g_test_add_func ("/credentials/pkcs11/keystore", test_pkcs11_keystore);
  g_test_add_func ("/credentials/cli/import-and-check", test_cli_import_and_check);
  g_test_add_func ("/credentials/cli/errors", test_cli_errors);
  g_test_add_func ("/credentials/cli/pkcs11", test_cli_pkcs11);
  status = g_test_run ();

  sintesi_test_rmdir (pki_dir);
  g_free (pki_dir);
  g_free (trust_dir);
  g_free (a1_p12);
  g_free (s1_p12);
  g_free (s1_legacy_p12);
  {
    SintesiTestLeaf *leaves[] = { a1, s1, s1_expired, s1_future, s1_45, s1_20, s1_unknown, s1_sha1, s1_1024,
                                  s1_other_cf, s1_bad_shape, s1_bad_check, a1_vendor, s1_vendor, s1_prod };

    for (guint i = 0; i < G_N_ELEMENTS (leaves); i++)
      sintesi_test_leaf_free (leaves[i]);
  }
  sintesi_test_ca_free (ca);
  sintesi_test_ca_free (ca_prod);
  sintesi_test_ca_free (ca_unknown);
  return status;
}
