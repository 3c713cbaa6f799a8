/* sintesi-test-pki.c: a throwaway PKI made at test time with certtool/openssl */
#include "config.h"

#include <glib/gstdio.h>

#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

static void
run_or_fail (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = sintesi_test_run (argv, NULL, &out, &err);

  if (status != 0)
    g_error ("%s failed (%d): %s%s", argv[0], status, out ? out : "", err ? err : "");
}

static char *
generate_key (const char *path, int bits)
{
  g_autofree char *bits_arg = g_strdup_printf ("--bits=%d", bits > 0 ? bits : 2048);
  const char *argv[] = { "certtool", "--generate-privkey", "--key-type=rsa", bits_arg,
                         "--no-text", "--outfile", path, NULL };

  run_or_fail (argv);
  return g_strdup (path);
}

static char *
format_date (int days_from_now)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_days (now, days_from_now);

  return g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
}

SintesiTestCa *
sintesi_test_ca_new (const char *dir,
                     const char *name,
                     const char *cn)
{
  SintesiTestCa *ca = g_new0 (SintesiTestCa, 1);
  g_autofree char *template_path = g_build_filename (dir, "ca.tmpl", NULL);
  g_autofree char *template = NULL;
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);
  g_autofree char *cert_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *not_before = format_date (-30);
  g_autofree char *not_after = format_date (3650);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  ca->dir = g_strdup (dir);
  ca->cn = g_strdup (cn);
  ca->key = g_build_filename (dir, key_name, NULL);
  ca->cert = g_build_filename (dir, cert_name, NULL);
  g_free (generate_key (ca->key, 2048));

  template = g_strdup_printf ("cn = \"%s\"\norganization = \"Sintesi Test PKI\"\ncountry = IT\n"
                              "serial = %u\nactivation_date = \"%s\"\nexpiration_date = \"%s\"\n"
                              "ca\ncert_signing_key\ncrl_signing_key\n",
                              cn, g_random_int_range (1, G_MAXINT32), not_before, not_after);
  g_assert_true (g_file_set_contents (template_path, template, -1, NULL));
  {
    const char *argv[] = { "certtool", "--generate-self-signed", "--load-privkey", ca->key,
                           "--template", template_path, "--hash=SHA256", "--no-text",
                           "--outfile", ca->cert, NULL };
    run_or_fail (argv);
  }
  return ca;
}

SintesiTestLeaf *
sintesi_test_ca_issue (SintesiTestCa                *ca,
                       const char                   *name,
                       const char                   *cn,
                       const SintesiTestLeafOptions *options)
{
  SintesiTestLeafOptions defaults = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -1, 365, NULL };
  const SintesiTestLeafOptions *o = options != NULL ? options : &defaults;
  SintesiTestLeaf *leaf = g_new0 (SintesiTestLeaf, 1);
  g_autofree char *template_path = g_strdup_printf ("%s/%s.tmpl", ca->dir, name);
  g_autofree char *not_before = format_date (o->not_before_days != 0 ? o->not_before_days : -1);
  g_autofree char *not_after = format_date (o->not_after_days != 0 ? o->not_after_days : 365);
  g_autofree char *hash = g_strdup_printf ("--hash=%s", o->digest != NULL ? o->digest : "SHA256");
  g_autoptr(GString) template = g_string_new (NULL);

  leaf->cn = g_strdup (cn);
  leaf->key = g_strdup_printf ("%s/%s.key", ca->dir, name);
  leaf->cert = g_strdup_printf ("%s/%s.pem", ca->dir, name);
  g_free (generate_key (leaf->key, o->key_bits));

  g_string_append_printf (template,
                          "cn = \"%s\"\norganization = \"%s\"\ncountry = IT\nserial = %u\n"
                          "activation_date = \"%s\"\nexpiration_date = \"%s\"\n",
                          cn, o->organization != NULL ? o->organization : "Ministero della Salute",
                          g_random_int_range (1, G_MAXINT32), not_before, not_after);
  switch (o->kind)
    {
    case SINTESI_TEST_LEAF_CLIENT:
      g_string_append (template, "signing_key\nencryption_key\ntls_www_client\n");
      break;
    case SINTESI_TEST_LEAF_SERVER:
      g_string_append (template, "signing_key\nencryption_key\ntls_www_server\n"
                                 "dns_name = \"localhost\"\nip_address = \"127.0.0.1\"\n");
      break;
    case SINTESI_TEST_LEAF_SIGNING:
    default:
      g_string_append (template, "signing_key\n");
      break;
    }
  g_assert_true (g_file_set_contents (template_path, template->str, -1, NULL));
  {
    const char *argv[] = { "certtool", "--generate-certificate", "--load-privkey", leaf->key,
                           "--load-ca-certificate", ca->cert, "--load-ca-privkey", ca->key,
                           "--template", template_path, hash, "--no-text",
                           "--outfile", leaf->cert, NULL };
    run_or_fail (argv);
  }
  return leaf;
}

char *
sintesi_test_leaf_p12 (SintesiTestCa   *ca,
                       SintesiTestLeaf *leaf,
                       const char      *password,
                       gboolean         legacy)
{
  g_autofree char *pass = g_strconcat ("pass:", password, NULL);
  char *p12 = g_strdup_printf ("%s%s.p12", leaf->cert, legacy ? ".legacy" : "");

  if (legacy)
    {
      /* What older Windows and Java tools export: 3DES + SHA-1 MAC. */
      const char *argv[] = { "openssl", "pkcs12", "-export", "-in", leaf->cert, "-inkey", leaf->key,
                             "-certfile", ca->cert, "-out", p12, "-passout", pass,
                             "-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES",
                             "-macalg", "sha1", NULL };
      run_or_fail (argv);
    }
  else
    {
      const char *argv[] = { "openssl", "pkcs12", "-export", "-in", leaf->cert, "-inkey", leaf->key,
                             "-certfile", ca->cert, "-out", p12, "-passout", pass, NULL };
      run_or_fail (argv);
    }
  return p12;
}

char *
sintesi_test_leaf_encrypted_key (SintesiTestLeaf *leaf,
                                 const char      *password)
{
  g_autofree char *pass = g_strconcat ("pass:", password, NULL);
  char *out = g_strconcat (leaf->key, ".enc.pem", NULL);
  const char *argv[] = { "openssl", "pkcs8", "-topk8", "-in", leaf->key, "-out", out,
                         "-v2", "aes-256-cbc", "-passout", pass, NULL };

  run_or_fail (argv);
  return out;
}

void
sintesi_test_ca_free (SintesiTestCa *ca)
{
  if (ca == NULL)
    return;
  g_free (ca->dir);
  g_free (ca->cert);
  g_free (ca->key);
  g_free (ca->cn);
  g_free (ca);
}

void
sintesi_test_leaf_free (SintesiTestLeaf *leaf)
{
  if (leaf == NULL)
    return;
  g_free (leaf->cert);
  g_free (leaf->key);
  g_free (leaf->cn);
  g_free (leaf);
}
