/* pades-sign: the signing side of bench/document-sign, as a whole process.
 *
 *   pades-sign make-pdf OUT.pdf                  a one-page cairo PDF
 *   pades-sign sign KEY.pem CHAIN.pem IN.pdf OUT.pdf
 *
 * CHAIN.pem starts with the signer's certificate. Not a user tool: the
 * command-line `pdf sign` belongs to sintesi-cli (cli.md).
 */
#include "config.h"

#include <cairo.h>
#include <cairo-pdf.h>

#include "sintesi-pades.h"

static int
make_pdf (const char *path)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_move_to (cr, 72, 72);
  cairo_set_font_size (cr, 14);
  cairo_show_text (cr, "Profilo Sanitario Sintetico (bench)");
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_printerr ("pades-sign: %s\n", cairo_status_to_string (status));
      return 1;
    }
  return 0;
}

static int
sign (const char *key_path,
      const char *chain_path,
      const char *in,
      const char *out)
{
  g_autofree char *key_pem = NULL;
  g_autofree char *chain_pem = NULL;
  g_autoptr(GError) error = NULL;
  gsize key_len, chain_len;
  gnutls_datum_t datum;
  gnutls_privkey_t key;
  gnutls_x509_crt_t *chain = NULL;
  unsigned int chain_length = 0;
  int rc;

  if (!g_file_get_contents (key_path, &key_pem, &key_len, &error) ||
      !g_file_get_contents (chain_path, &chain_pem, &chain_len, &error))
    {
      g_printerr ("pades-sign: %s\n", error->message);
      return 1;
    }
  gnutls_privkey_init (&key);
  datum.data = (unsigned char *) key_pem;
  datum.size = key_len;
  rc = gnutls_privkey_import_x509_raw (key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (rc >= 0)
    {
      datum.data = (unsigned char *) chain_pem;
      datum.size = chain_len;
      rc = gnutls_x509_crt_list_import2 (&chain, &chain_length, &datum, GNUTLS_X509_FMT_PEM, 0);
    }
  if (rc < 0)
    {
      g_printerr ("pades-sign: %s\n", gnutls_strerror (rc));
      return 1;
    }
  rc = sintesi_pades_sign_file (in, out, key, chain, chain_length, NULL, NULL, &error) ? 0 : 1;
  if (rc != 0)
    g_printerr ("pades-sign: %s\n", error->message);
  for (unsigned int i = 0; i < chain_length; i++)
    gnutls_x509_crt_deinit (chain[i]);
  gnutls_free (chain);
  gnutls_privkey_deinit (key);
  return rc;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "make-pdf"))
    return make_pdf (argv[2]);
  if (argc == 6 && g_str_equal (argv[1], "sign"))
    return sign (argv[2], argv[3], argv[4], argv[5]);
  g_printerr ("usage: pades-sign make-pdf OUT.pdf\n"
              "       pades-sign sign KEY.pem CHAIN.pem IN.pdf OUT.pdf\n");
  return 2;
}
