/* bench-tokens.c: both JWTs for one call, in process, against openssl's
 * `dgst -sha256 -sign` (one process per signature), median of 200 each */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-jwt.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define ROUNDS 200
#define WARMUP 10
#define PDF_SIZE (256 * 1024)  /* a typical signed PSS PDF */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (double *values,
        int     count)
{
  qsort (values, count, sizeof *values, (int (*) (const void *, const void *)) compare_doubles);
  return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static GBytes *
read_bytes (const char *path)
{
  char *data = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &data, &size, NULL))
    g_error ("cannot read %s", path);
  return g_bytes_new_take (data, size);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *ca_dir = g_build_filename (dir, "ca", NULL);
  g_autofree char *input_path = g_build_filename (dir, "input.txt", NULL);
  g_autofree char *sig_path = g_build_filename (dir, "sig.bin", NULL);
  g_autoptr(SintesiTestCa) ca = NULL;
  g_autoptr(SintesiTestLeaf) s1 = NULL;
  g_autoptr(GBytes) cert_pem = NULL;
  g_autoptr(GBytes) key_pem = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree guint8 *pdf_data = g_malloc (PDF_SIZE);
  gnutls_x509_crt_t crt;
  gnutls_privkey_t key;
  gnutls_datum_t datum, der_datum = { NULL, 0 };
  SintesiJwtParams params = { 0 };
  double ours[ROUNDS], theirs[ROUNDS], raw[ROUNDS];
  double ours_median, theirs_median, raw_median;
  char *signing_input;

  gnutls_global_init ();
  ca = sintesi_test_ca_new (ca_dir, "root", "Sintesi bench root");
  s1 = sintesi_test_ca_issue (ca, "s1", "S1#090201PSSMNZLSN99E05F205J", NULL);

  cert_pem = read_bytes (s1->cert);
  datum.data = (unsigned char *) g_bytes_get_data (cert_pem, NULL);
  datum.size = (unsigned int) g_bytes_get_size (cert_pem);
  gnutls_x509_crt_init (&crt);
  if (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM) < 0
      || gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der_datum) < 0)
    g_error ("cannot read the bench certificate");
  der = g_bytes_new (der_datum.data, der_datum.size);
  gnutls_free (der_datum.data);
  gnutls_x509_crt_deinit (crt);

  key_pem = read_bytes (s1->key);
  datum.data = (unsigned char *) g_bytes_get_data (key_pem, NULL);
  datum.size = (unsigned int) g_bytes_get_size (key_pem);
  gnutls_privkey_init (&key);
  if (gnutls_privkey_import_x509_raw (key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0) < 0)
    g_error ("cannot read the bench key");

  for (gsize i = 0; i < PDF_SIZE; i++)
    pdf_data[i] = (guint8) g_random_int ();
  memcpy (pdf_data, "%PDF-1.7\n", 9);
  pdf = g_bytes_new (pdf_data, PDF_SIZE);

  params.operation = SINTESI_JWT_OPERATION_CREATE;
  params.certificate_der = der;
  params.key = key;
  params.physician_cf = "MNZLSN99E05F205J";
  params.patient_cf = "MNTMRA03M71C615V";
  params.resource_hl7_type = "('60591-5^^2.16.840.1.113883.6.1')";
  params.document = pdf;
  params.locality = "STUDIO MEDICO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201";
  params.application_id = "SINTESI";
  params.application_vendor = "SINTESI PROJECT";
  params.application_version = "V.0.1.0";
  params.aud = "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1";

  /* Ours: both tokens for one call (hash of the PDF, two signatures, the
   * key/certificate check after each, and the lint), once warm. */
  for (int i = 0; i < WARMUP + ROUNDS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(SintesiJwtTokens) tokens = sintesi_jwt_build (&params, &error);

      if (tokens == NULL)
        g_error ("%s", error->message);
      if (i >= WARMUP)
        ours[i - WARMUP] = (g_get_monotonic_time () - start) / 1000.0;
      if (i == WARMUP + ROUNDS - 1)
        {
          const char *last_dot = strrchr (tokens->signature, '.');

          signing_input = g_strndup (tokens->signature, last_dot - tokens->signature);
        }
    }
  ours_median = median (ours, ROUNDS);

  /* The raw signature alone, to show where the time of a call goes. */
  for (int i = 0; i < WARMUP + ROUNDS; i++)
    {
      gnutls_datum_t data = { (unsigned char *) signing_input, (unsigned int) strlen (signing_input) };
      gnutls_datum_t sig = { NULL, 0 };
      gint64 start = g_get_monotonic_time ();

      if (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &sig) < 0)
        g_error ("gnutls_privkey_sign_data failed");
      gnutls_free (sig.data);
      if (i >= WARMUP)
        raw[i - WARMUP] = (g_get_monotonic_time () - start) / 1000.0;
    }
  raw_median = median (raw, ROUNDS);

  /* openssl: one process per signature over the same signing input. */
  if (openssl == NULL)
    g_error ("openssl is not installed");
  if (!g_file_set_contents (input_path, signing_input, -1, NULL))
    g_error ("cannot write %s", input_path);
  for (int i = 0; i < WARMUP + ROUNDS; i++)
    {
      const char *args[] = { openssl, "dgst", "-sha256", "-sign", s1->key, "-out", sig_path, input_path, NULL };
      gint64 start = g_get_monotonic_time ();
      int wait_status = 0;

      if (!g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                         NULL, NULL, &wait_status, &error)
          || !g_spawn_check_wait_status (wait_status, &error))
        g_error ("openssl: %s", error->message);
      if (i >= WARMUP)
        theirs[i - WARMUP] = (g_get_monotonic_time () - start) / 1000.0;
    }
  theirs_median = median (theirs, ROUNDS);

  /* The same bytes: openssl's signature equals ours (PKCS#1 v1.5 is
   * deterministic), so the two sides did the same work. */
  {
    g_autoptr(GBytes) theirs_sig = read_bytes (sig_path);
    gnutls_datum_t data = { (unsigned char *) signing_input, (unsigned int) strlen (signing_input) };
    gnutls_datum_t sig = { NULL, 0 };

    if (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &sig) < 0
        || sig.size != g_bytes_get_size (theirs_sig)
        || memcmp (sig.data, g_bytes_get_data (theirs_sig, NULL), sig.size) != 0)
      g_error ("openssl's signature differs from ours on the same payload");
    gnutls_free (sig.data);
  }

  printf ("bench/tokens: median of %d, after %d warm-up rounds (RSA-2048, %d KiB PDF)\n",
          ROUNDS, WARMUP, PDF_SIZE / 1024);
  printf ("  sintesi, both tokens for one call (in process): %8.3f ms  = %8.3f ms per signature\n",
          ours_median, ours_median / 2);
  printf ("  of which one gnutls_privkey_sign_data:          %8.3f ms\n", raw_median);
  printf ("  openssl dgst -sha256 -sign (one process):       %8.3f ms per signature\n",
          theirs_median);
  printf ("  ratio per signature (sintesi / openssl):        %8.3f  (target <= 1)\n",
          (ours_median / 2) / theirs_median);
  printf ("  ratio per call (sintesi / 2 x openssl):         %8.3f\n",
          ours_median / (2 * theirs_median));

  g_free (signing_input);
  gnutls_privkey_deinit (key);
  sintesi_test_rmdir (dir);
  gnutls_global_deinit ();
  return (ours_median / 2) <= theirs_median ? 0 : 1;
}
