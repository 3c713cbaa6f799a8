/* test-test-pki.c: the test PKI itself is checked by openssl, so that tests
 * built on it rest on certificates an independent tool accepts. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

static void
test_chain_verifies_with_openssl (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autoptr(SintesiTestCa) ca = sintesi_test_ca_new (tmp, "root", "Sintesi Test Root");
  SintesiTestLeafOptions sha1 = { SINTESI_TEST_LEAF_SIGNING, "SHA1", 2048, -1, 365, NULL };
  SintesiTestLeafOptions expired = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -400, -35, NULL };
  g_autoptr(SintesiTestLeaf) s1 = sintesi_test_ca_issue (ca, "s1", "S1#090201PSSMNZLSN99E05F205J", NULL);
  g_autoptr(SintesiTestLeaf) old = sintesi_test_ca_issue (ca, "sha1", "S1#111#VENDORXX", &sha1);
  g_autoptr(SintesiTestLeaf) gone = sintesi_test_ca_issue (ca, "gone", "A1#090201PSSMNZLSN99E05F205J", &expired);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *p12 = sintesi_test_leaf_p12 (ca, s1, "secret", FALSE);
  g_autofree char *p12_legacy = sintesi_test_leaf_p12 (ca, s1, "secret", TRUE);

  {
    const char *argv[] = { "openssl", "verify", "-CAfile", ca->cert, s1->cert, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, &err), ==, 0);
  }
  g_clear_pointer (&out, g_free);
  {
    const char *argv[] = { "openssl", "x509", "-noout", "-subject", "-in", s1->cert, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "S1#090201PSSMNZLSN99E05F205J"));
  }
  g_clear_pointer (&out, g_free);
  {
    const char *argv[] = { "openssl", "x509", "-noout", "-text", "-in", old->cert, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "sha1WithRSAEncryption"));
  }
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { "openssl", "verify", "-CAfile", ca->cert, gone->cert, NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), !=, 0);
  }
  {
    const char *argv[] = { "openssl", "pkcs12", "-in", p12, "-noout", "-passin", "pass:secret", NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { "openssl", "pkcs12", "-in", p12_legacy, "-noout", "-passin", "pass:wrong", NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), !=, 0);
  }
  sintesi_test_rmdir (tmp);
}

/* Removing a temp folder never follows a link into shared data. */
static void
test_rmdir_keeps_link_targets (void)
{
  g_autofree char *outside = sintesi_test_mkdtemp ();
  g_autofree char *kept = g_build_filename (outside, "kept.txt", NULL);
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *link = g_build_filename (tmp, "coreschemas", NULL);

  g_assert_true (g_file_set_contents (kept, "fixture", -1, NULL));
  g_assert_cmpint (symlink (outside, link), ==, 0);
  sintesi_test_rmdir (tmp);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  sintesi_test_rmdir (outside);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/test-util/rmdir-keeps-link-targets", test_rmdir_keeps_link_targets);
  g_test_add_func ("/test-pki/chain-verifies-with-openssl", test_chain_verifies_with_openssl);
  return g_test_run ();
}
