/* test-sim.c: the sintesi-gateway-sim program's contract (cli.md): its first
 * stdout line is the base URL once it accepts connections, it serves only
 * loopback unless told otherwise, it stops by itself after --max-seconds,
 * and bad fault specs are refused. */
#include "config.h"

#include <string.h>

#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

typedef struct
{
  char            *dir;
  SintesiTestCa   *ca;
  SintesiTestLeaf *server;
} Pki;

static void
pki_make (Pki *pki)
{
  SintesiTestLeafOptions server = { SINTESI_TEST_LEAF_SERVER, "SHA256", 2048, -1, 365, "Sintesi Test" };

  pki->dir = sintesi_test_mkdtemp ();
  pki->ca = sintesi_test_ca_new (pki->dir, "ca", "Sintesi Test Gateway CA");
  pki->server = sintesi_test_ca_issue (pki->ca, "server", "localhost", &server);
}

static void
pki_clear (Pki *pki)
{
  sintesi_test_leaf_free (pki->server);
  sintesi_test_ca_free (pki->ca);
  sintesi_test_rmdir (pki->dir);
  g_free (pki->dir);
}

static void
test_first_line_and_max_seconds (void)
{
  Pki pki;
  g_autofree char *sim = sintesi_test_build_path ("src/sim/sintesi-gateway-sim");
  g_autofree char *out = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_auto(GStrv) lines = NULL;
  int status;

  pki_make (&pki);
  {
    const char *argv[] = { sim, "--listen", "127.0.0.1:0", "--cert", pki.server->cert, "--key", pki.server->key,
                           "--client-ca", pki.ca->cert, "--max-seconds", "1", NULL };
    status = sintesi_test_run (argv, NULL, &out, NULL);
  }
  /* It stopped by itself, cleanly, soon after its second. */
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 30.0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_regex_match_simple ("^https://127\\.0\\.0\\.1:[0-9]+/gateway/v2/$", lines[0], 0, 0));
  pki_clear (&pki);
}

static void
test_refusals (void)
{
  Pki pki;
  g_autofree char *sim = sintesi_test_build_path ("src/sim/sintesi-gateway-sim");

  pki_make (&pki);
  {
    /* Not loopback without --allow-remote. */
    const char *argv[] = { sim, "--listen", "0.0.0.0:0", "--cert", pki.server->cert, "--key", pki.server->key,
                           "--client-ca", pki.ca->cert, "--max-seconds", "1", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--allow-remote"));
  }
  {
    const char *argv[] = { sim, "--cert", pki.server->cert, "--key", pki.server->key, "--client-ca", pki.ca->cert,
                           "--fault", "explode", "--max-seconds", "1", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "explode"));
  }
  {
    const char *argv[] = { sim, "--cert", pki.server->cert, "--key", pki.server->key, "--max-seconds", "1", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--client-ca"));
  }
  pki_clear (&pki);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/first-line-and-max-seconds", test_first_line_and_max_seconds);
  g_test_add_func ("/sim/refusals", test_refusals);
  return g_test_run ();
}
