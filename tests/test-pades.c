/* test-pades.c: PAdES B-B signing and the checks of signed PDFs
 *
 * Every signed PDF is judged by tools that share no code with the signer:
 * pdfsig (poppler + NSS), pdfdetach, qpdf --check, openssl cms and asn1parse.
 */
#include "config.h"

#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <gnutls/pkcs11.h>
#include <glib/gstdio.h>

#include "sintesi-pades.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define S1_CN "S1#090201PSSMNZLSN99E05F205J"
#define SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"

/* Built once in main(): a root, an S1 leaf, and the PDFs the tests sign. */
static struct
{
  char              *dir;
  SintesiTestCa     *ca;
  SintesiTestLeaf   *s1;
  gnutls_privkey_t   key;
  gnutls_x509_crt_t  chain[2];   /* S1 leaf, root */
  char              *nssdir;
  char              *cda;        /* path of the cda.xml attached */
  char              *plain;      /* cairo PDF, nothing attached */
  char              *unsigned_pdf;       /* cda.xml attached, classic xref */
  char              *unsigned_xref_stream; /* same, object streams + xref stream */
} pki;

static const char cda_text[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n"
  "  <title>Profilo Sanitario Sintetico – città, perché, più</title>\n"
  "</ClinicalDocument>\n";

static void *
find_bytes (const void *haystack,
            gsize       len,
            const char *needle,
            gsize       needle_len)
{
  const guint8 *h = haystack;

  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (h + i, needle, needle_len) == 0)
      return (void *) (h + i);
  return NULL;
}

static GBytes *
read_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static char *
write_temp (const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (pki.dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
  return path;
}

static void
make_cairo_pdf (const char *path,
                int         pages)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < pages; i++)
    {
      g_autofree char *line = g_strdup_printf ("Profilo Sanitario Sintetico, pagina %d", i + 1);

      cairo_move_to (cr, 72, 72);
      cairo_set_font_size (cr, 14);
      cairo_show_text (cr, line);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* qpdf's CLI attaches the way pss-document.md §6(c) says. */
static void
attach_cda (const char *in,
            const char *out,
            const char *object_streams)
{
  g_autofree char *mode = g_strdup_printf ("--object-streams=%s", object_streams);
  const char *argv[] = { "qpdf", mode, in, "--add-attachment", pki.cda, "--key=cda.xml",
                         "--filename=cda.xml", "--mimetype=application/xml", "--", out, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), ==, 0);
}

static void
load_credentials (SintesiTestLeaf   *leaf,
                  gnutls_privkey_t  *key,
                  gnutls_x509_crt_t *crt)
{
  g_autofree char *key_pem = NULL, *crt_pem = NULL;
  gsize key_len, crt_len;
  gnutls_datum_t datum;

  g_assert_true (g_file_get_contents (leaf->key, &key_pem, &key_len, NULL));
  g_assert_true (g_file_get_contents (leaf->cert, &crt_pem, &crt_len, NULL));
  g_assert_cmpint (gnutls_privkey_init (key), ==, 0);
  datum.data = (unsigned char *) key_pem;
  datum.size = key_len;
  g_assert_cmpint (gnutls_privkey_import_x509_raw (*key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (crt), ==, 0);
  datum.data = (unsigned char *) crt_pem;
  datum.size = crt_len;
  g_assert_cmpint (gnutls_x509_crt_import (*crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
}

static gnutls_x509_crt_t
load_cert (const char *path)
{
  g_autofree char *pem = NULL;
  gsize len;
  gnutls_datum_t datum;
  gnutls_x509_crt_t crt;

  g_assert_true (g_file_get_contents (path, &pem, &len, NULL));
  datum.data = (unsigned char *) pem;
  datum.size = len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  return crt;
}

static GBytes *
sign_ok (const char                    *input,
         gnutls_privkey_t               key,
         gnutls_x509_crt_t const       *chain,
         guint                          chain_length,
         const SintesiPadesSignOptions *options)
{
  g_autoptr(GBytes) pdf = read_bytes (input);
  g_autoptr(GError) error = NULL;
  SintesiPadesState state = SINTESI_PADES_STATE_SIGNED;
  GBytes *signed_pdf = sintesi_pades_sign (pdf, key, chain, chain_length, options, &state, &error);

  g_assert_no_error (error);
  g_assert_nonnull (signed_pdf);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_UNSIGNED);
  /* An incremental update: the original bytes are kept as they were. */
  g_assert_cmpuint (g_bytes_get_size (signed_pdf), >, g_bytes_get_size (pdf));
  g_assert_cmpmem (g_bytes_get_data (signed_pdf, NULL), g_bytes_get_size (pdf),
                   g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  return signed_pdf;
}

/* --- Independent oracles ------------------------------------------------ */

static char *
run_pdfsig (const char *path,
            gboolean    with_trust)
{
  const char *plain[] = { "pdfsig", "-nocert", "-no-ocsp", path, NULL };
  /* Not -no-ocsp here: with it, pdfsig 22.12 reports "Unknown issue with
   * Certificate" even for a trusted chain (the test certificates carry no
   * OCSP address, so nothing goes to the network). */
  const char *trusted[] = { "pdfsig", "-nssdir", pki.nssdir, path, NULL };
  char *out = NULL;

  /* pdfsig exits 0 even for a broken signature (pitfall 7): the output is
   * what the tests read. */
  sintesi_test_run (with_trust ? trusted : plain, NULL, &out, NULL);
  g_assert_nonnull (out);
  return out;
}

static void
assert_pdfsig_valid (const char *path)
{
  g_autofree char *out = run_pdfsig (path, FALSE);
  g_autofree char *trusted = run_pdfsig (path, TRUE);

  g_test_message ("pdfsig: %s", trusted);
  g_assert_nonnull (strstr (out, "Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (out, "Total document signed"));
  g_assert_nonnull (strstr (out, "Signature Type: ETSI.CAdES.detached"));
  g_assert_nonnull (strstr (trusted, "Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (trusted, "Certificate Validation: Certificate is Trusted."));
}

static void
assert_qpdf_check_clean (const char *path)
{
  const char *argv[] = { "qpdf", "--check", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "No syntax or stream encoding errors found"));
  g_assert_cmpstr (err, ==, "");
}

static void
assert_cda_round_trips (const char *path)
{
  g_autofree char *saved = g_build_filename (pki.dir, "detached-cda.xml", NULL);
  const char *list[] = { "pdfdetach", "-list", path, NULL };
  const char *save[] = { "pdfdetach", "-savefile", "cda.xml", "-o", saved, path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GBytes) expected = read_bytes (pki.cda);
  g_autoptr(GBytes) got = NULL;

  g_assert_cmpint (sintesi_test_run (list, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "cda.xml"));
  g_assert_cmpint (sintesi_test_run (save, NULL, NULL, NULL), ==, 0);
  got = read_bytes (saved);
  g_assert_true (g_bytes_equal (expected, got));
  g_unlink (saved);
}

/* The last /ByteRange in the file, read with a plain text search. */
static void
last_byte_range (GBytes  *pdf,
                 guint64  range[4])
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *found = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  for (const char *p = data; p + 11 <= data + len; p++)
    if (memcmp (p, "/ByteRange", 10) == 0)
      found = p;
  g_assert_nonnull (found);
  text = g_strndup (found, 80);
  found = strchr (text, '[');
  g_assert_nonnull (found);
  parts = g_regex_split_simple ("[\\s\\[\\]]+", found, 0, 0);
  {
    guint n = 0;

    for (guint i = 0; parts[i] != NULL && n < 4; i++)
      if (*parts[i] != '\0')
        range[n++] = g_ascii_strtoull (parts[i], NULL, 10);
    g_assert_cmpuint (n, ==, 4);
  }
}

/* Extracts the CMS and the signed bytes, checks the ByteRange covers all
 * but /Contents, then asks openssl. Returns the CMS path. */
static char *
assert_openssl_verifies (GBytes *pdf)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);
  guint64 r[4];
  g_autoptr(GByteArray) cms = g_byte_array_new ();
  g_autoptr(GByteArray) content = g_byte_array_new ();
  g_autofree char *cms_path = g_build_filename (pki.dir, "cms.der", NULL);
  g_autofree char *content_path = g_build_filename (pki.dir, "signed-bytes.bin", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize cms_len;

  last_byte_range (pdf, r);
  g_assert_cmpuint (r[0], ==, 0);
  g_assert_cmpuint (r[2] + r[3], ==, len);
  g_assert_cmpint (data[r[1]], ==, '<');
  g_assert_cmpint (data[r[2] - 1], ==, '>');
  for (guint64 i = r[1] + 1; i + 1 < r[2]; i += 2)
    {
      char hex[3] = { (char) data[i], (char) data[i + 1], 0 };
      guint8 byte = (guint8) g_ascii_strtoull (hex, NULL, 16);

      g_byte_array_append (cms, &byte, 1);
    }
  /* Drop the zero padding: the DER length says where the CMS ends. */
  g_assert_cmpint (cms->data[0], ==, 0x30);
  g_assert_cmpint (cms->data[1], ==, 0x82);
  cms_len = 4 + ((gsize) cms->data[2] << 8 | cms->data[3]);
  g_byte_array_set_size (cms, cms_len);
  g_byte_array_append (content, data, r[1]);
  g_byte_array_append (content, data + r[2], r[3]);
  g_assert_true (g_file_set_contents (cms_path, (const char *) cms->data, cms->len, NULL));
  g_assert_true (g_file_set_contents (content_path, (const char *) content->data, content->len, NULL));

  {
    const char *argv[] = { "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", cms_path,
                           "-content", content_path, "-CAfile", pki.ca->cert, "-purpose", "any",
                           "-out", "/dev/null", NULL };
    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, &err), ==, 0);
    g_assert_nonnull (strstr (err, "Verification successful"));
  }
  g_unlink (content_path);
  return g_steal_pointer (&cms_path);
}

static char *
sha256_hex_of_cert (const char *pem_path)
{
  const char *argv[] = { "openssl", "x509", "-in", pem_path, "-outform", "DER", NULL };
  g_autofree char *der = NULL;
  g_autofree char *hex = NULL;
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* sintesi_test_run returns text: read the DER through a file instead. */
  g_autofree char *der_path = g_build_filename (pki.dir, "leaf.der", NULL);
  const char *argv_file[] = { "openssl", "x509", "-in", pem_path, "-outform", "DER", "-out", der_path, NULL };
  gsize len;

  (void) argv;
  g_assert_cmpint (sintesi_test_run (argv_file, NULL, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (der_path, &der, &len, NULL));
  g_checksum_update (checksum, (const guchar *) der, len);
  hex = g_ascii_strup (g_checksum_get_string (checksum), -1);
  g_checksum_free (checksum);
  g_unlink (der_path);
  return g_steal_pointer (&hex);
}

/* The signed attributes as openssl asn1parse prints them: contentType,
 * messageDigest and signing-certificate-v2 whose certHash is the SHA-256 of
 * the signer certificate (openssl cms does not check that: pitfall 8), and
 * no signing time (D16). */
static void
assert_signed_attributes (const char *cms_path,
                          const char *signer_pem)
{
  const char *argv[] = { "openssl", "asn1parse", "-inform", "DER", "-in", cms_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *expected = sha256_hex_of_cert (signer_pem);
  g_auto(GStrv) lines = NULL;
  const char *hash = NULL;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, ":contentType"));
  g_assert_nonnull (strstr (out, ":messageDigest"));
  g_assert_null (strstr (out, ":signingTime"));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && hash == NULL; i++)
    if (strstr (lines[i], ":id-smime-aa-signingCertificateV2") != NULL)
      for (guint k = i + 1; lines[k] != NULL && k < i + 8; k++)
        if (strstr (lines[k], "OCTET STRING") != NULL)
          {
            hash = strstr (lines[k], "[HEX DUMP]:");
            g_assert_nonnull (hash);
            hash += strlen ("[HEX DUMP]:");
            break;
          }
  g_assert_nonnull (hash);
  g_assert_cmpstr (hash, ==, expected);
}

static void
assert_all_oracles (GBytes *signed_pdf)
{
  g_autofree char *path = write_temp ("oracle.pdf", signed_pdf);
  g_autofree char *cms = NULL;

  assert_pdfsig_valid (path);
  assert_qpdf_check_clean (path);
  assert_cda_round_trips (path);
  cms = assert_openssl_verifies (signed_pdf);
  assert_signed_attributes (cms, pki.s1->cert);
  g_unlink (cms);
  g_unlink (path);
}

/* --- Tests --------------------------------------------------------------- */

static void
test_sign_classic_xref (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 3, 6, 12, 18, 9);
  SintesiPadesSignOptions options = { "Dottoressa Città", "Firma del PSS", "Firenze, IT", when, 0 };
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 2, &options);
  g_autoptr(GError) error = NULL;
  SintesiPadesState state;
  gsize len;
  const char *data = g_bytes_get_data (signed_pdf, &len);
  g_autofree char *text = g_strndup (data, len);
  g_autofree char *date = g_date_time_format (when, "D:%Y%m%d%H%M%S");

  assert_all_oracles (signed_pdf);
  /* The profile of pss-document.md §1 item 10 and §6(d). */
  g_assert_nonnull (find_bytes (data, len, "/Filter /Adobe.PPKLite", 22));
  g_assert_nonnull (find_bytes (data, len, "/SubFilter /ETSI.CAdES.detached", 31));
  g_assert_nonnull (find_bytes (data, len, date, strlen (date)));
  g_assert_nonnull (find_bytes (data, len, "/SigFlags 3", 11));
  g_assert_nonnull (find_bytes (data, len, "/Rect [0 0 0 0] /F 132", 22));
  g_assert_nonnull (find_bytes (data, len, "/Annots [", 9));

  g_assert_true (sintesi_pades_classify (signed_pdf, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_SIGNED);
  g_assert_true (sintesi_pades_check_signed (signed_pdf, &error));
  g_assert_no_error (error);
}

static void
test_sign_xref_stream (void)
{
  g_autoptr(GBytes) original = read_bytes (pki.unsigned_xref_stream);
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_xref_stream, pki.key, pki.chain, 2, NULL);
  gsize len;
  const char *data = g_bytes_get_data (signed_pdf, &len);
  const char *inc = data + g_bytes_get_size (original);
  gsize inc_len = len - g_bytes_get_size (original);

  /* The input really ends in an xref stream, and so does the update. */
  g_assert_nonnull (find_bytes (g_bytes_get_data (original, NULL), g_bytes_get_size (original), "/Type /XRef", 11));
  g_assert_nonnull (find_bytes (inc, inc_len, "/Type /XRef", 11));
  g_assert_null (find_bytes (inc, inc_len, "\ntrailer", 8));
  assert_all_oracles (signed_pdf);
}

static void
test_sign_pkcs11 (void)
{
  g_autofree char *token_dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  gnutls_privkey_t key = NULL;
  gnutls_x509_crt_t chain[2] = { NULL, pki.chain[1] };
  g_autoptr(GBytes) signed_pdf = NULL;

  if (!g_file_test (SOFTHSM_MODULE, G_FILE_TEST_EXISTS) ||
      !sintesi_test_have_program ("softhsm2-util") || !sintesi_test_have_program ("p11tool"))
    {
      g_test_skip ("SoftHSM2 or p11tool is not installed");
      return;
    }
  /* SOFTHSM2_CONF and the PINs were set in setup(), before any thread. */
  token_dir = g_build_filename (pki.dir, "tokens", NULL);
  g_assert_cmpint (g_mkdir (token_dir, 0700), ==, 0);
  conf = g_build_filename (pki.dir, "softhsm2.conf", NULL);
  conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", token_dir);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  {
    const char *init[] = { "softhsm2-util", "--init-token", "--free", "--label", "sintesi",
                           "--pin", "1234", "--so-pin", "56781234", NULL };
    const char *load_key[] = { "p11tool", "--provider", SOFTHSM_MODULE, "--login", "--write",
                               "--load-privkey", pki.s1->key, "--label", "s1", "pkcs11:token=sintesi", NULL };
    const char *load_crt[] = { "p11tool", "--provider", SOFTHSM_MODULE, "--login", "--write",
                               "--load-certificate", pki.s1->cert, "--label", "s1", "pkcs11:token=sintesi", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run (init, NULL, NULL, &err), ==, 0);
    g_assert_cmpint (sintesi_test_run (load_key, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint (sintesi_test_run (load_crt, NULL, NULL, NULL), ==, 0);
  }

  g_assert_cmpint (gnutls_pkcs11_init (GNUTLS_PKCS11_FLAG_MANUAL, NULL), ==, 0);
  g_assert_cmpint (gnutls_pkcs11_add_provider (SOFTHSM_MODULE, NULL), ==, 0);
  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_url (key, "pkcs11:token=sintesi;object=s1;type=private?pin-value=1234", 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&chain[0]), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import_url (chain[0], "pkcs11:token=sintesi;object=s1;type=cert", 0), ==, 0);

  signed_pdf = sign_ok (pki.unsigned_pdf, key, chain, 2, NULL);
  assert_all_oracles (signed_pdf);

  gnutls_privkey_deinit (key);
  gnutls_x509_crt_deinit (chain[0]);
  gnutls_pkcs11_deinit ();
}

static void
test_signed_returned_unchanged (void)
{
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 2, NULL);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *in = write_temp ("already-signed.pdf", signed_pdf);
  g_autofree char *out = g_build_filename (pki.dir, "already-signed-out.pdf", NULL);
  SintesiPadesState state = SINTESI_PADES_STATE_UNSIGNED;

  /* With a key, and without one: a signed PDF is never rewritten. */
  again = sintesi_pades_sign (signed_pdf, pki.key, pki.chain, 2, NULL, &state, &error);
  g_assert_no_error (error);
  g_assert_true (again == signed_pdf);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_SIGNED);
  g_clear_pointer (&again, g_bytes_unref);
  again = sintesi_pades_sign (signed_pdf, NULL, NULL, 0, NULL, &state, &error);
  g_assert_no_error (error);
  g_assert_true (again == signed_pdf);

  state = SINTESI_PADES_STATE_UNSIGNED;
  g_assert_true (sintesi_pades_sign_file (in, out, pki.key, pki.chain, 2, NULL, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_SIGNED);
  written = read_bytes (out);
  g_assert_true (g_bytes_equal (written, signed_pdf));
  g_unlink (in);
  g_unlink (out);
}

static void
test_sign_file (void)
{
  g_autofree char *out = g_build_filename (pki.dir, "signed-file.pdf", NULL);
  g_autofree char *refused = g_build_filename (pki.dir, "refused.pdf", NULL);
  g_autoptr(GBytes) before = read_bytes (pki.unsigned_pdf);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPadesState state = SINTESI_PADES_STATE_SIGNED;
  GStatBuf st;

  g_assert_true (sintesi_pades_sign_file (pki.unsigned_pdf, out, pki.key, pki.chain, 2, NULL, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_UNSIGNED);
  after = read_bytes (pki.unsigned_pdf);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  signed_pdf = read_bytes (out);
  assert_all_oracles (signed_pdf);

  /* A refused input leaves nothing behind. */
  g_assert_false (sintesi_pades_sign_file (pki.plain, refused, pki.key, pki.chain, 2, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NO_CDA);
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  g_unlink (out);
}

static void
test_broken_signature (void)
{
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 2, NULL);
  gsize len;
  guint8 *data = g_memdup2 (g_bytes_get_data (signed_pdf, NULL), g_bytes_get_size (signed_pdf));
  g_autoptr(GBytes) broken = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  guint8 *producer;

  len = g_bytes_get_size (signed_pdf);
  /* One letter of the /Producer string, inside the signed range: the file
   * still parses, only the signature can tell. */
  producer = find_bytes (data, len, "cairo", 5);
  g_assert_nonnull (producer);
  producer[0] = 'C';
  broken = g_bytes_new_take (data, len);

  g_assert_false (sintesi_pades_check_signed (broken, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "changed after it was signed"));
  g_clear_error (&error);
  g_assert_null (sintesi_pades_sign (broken, pki.key, pki.chain, 2, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);

  /* The oracle agrees that it is broken. */
  path = write_temp ("broken.pdf", broken);
  out = run_pdfsig (path, FALSE);
  g_assert_null (strstr (out, "Signature is Valid"));
  g_unlink (path);
}

static void
test_bytes_after_signature (void)
{
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 2, NULL);
  g_autoptr(GByteArray) longer = g_byte_array_new ();
  g_autoptr(GBytes) extended = NULL;
  g_autoptr(GError) error = NULL;

  g_byte_array_append (longer, g_bytes_get_data (signed_pdf, NULL), g_bytes_get_size (signed_pdf));
  g_byte_array_append (longer, (const guint8 *) "% added later\n", 14);
  extended = g_byte_array_free_to_bytes (g_steal_pointer (&longer));
  g_assert_false (sintesi_pades_check_signed (extended, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_PARTIAL_SIGNATURE);
}

static void
test_refuse_without_cda (void)
{
  g_autoptr(GBytes) pdf = read_bytes (pki.plain);
  g_autoptr(GError) error = NULL;

  g_assert_null (sintesi_pades_sign (pdf, pki.key, pki.chain, 2, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NO_CDA);
  g_assert_nonnull (strstr (error->message, "cda.xml"));
}

/* The signer finds cda.xml exactly where the gateway does, no further. */
static void
test_cda_where_the_gateway_looks (void)
{
  const char *missed[] = {
    "<< /Names [(documento) << /F (CDA.xml) /EF << /F 4 0 R >> >>] >>",
    "<< /Names [(documento) << /UF (cda.xml) /EF << /F 4 0 R >> >>] >>",
    "<< /Kids [<< /Kids [<< /Names [(cda.xml) << /EF << /F 4 0 R >> >>] >>] >>] >>",
  };
  const char *in_kid_tree = "<< /Kids [<< /Names [(cda.xml) << /F (cda.xml) /EF << /F 4 0 R >> >>] >>] >>";
  g_autoptr(GBytes) in_kid = sintesi_test_pdf_with_embedded_files (in_kid_tree, "<a/>");
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GError) error = NULL;

  signed_pdf = sintesi_pades_sign (in_kid, pki.key, pki.chain, 2, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sintesi_pades_check_signed (signed_pdf, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (missed); i++)
    {
      g_autoptr(GBytes) pdf = sintesi_test_pdf_with_embedded_files (missed[i], "<a/>");

      g_assert_null (sintesi_pades_sign (pdf, pki.key, pki.chain, 2, NULL, NULL, &error));
      g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NO_CDA);
      g_assert_nonnull (strstr (error->message, "cda.xml"));
      g_clear_error (&error);
    }
}

static void
test_refuse_not_pdf (void)
{
  g_autoptr(GBytes) pdf = read_bytes (pki.unsigned_pdf);
  const char *cases[] = { "", "hello, this is not a PDF", "%PDF-1.7\nrubbish\n%%EOF\n", NULL };
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (pdf, 0, g_bytes_get_size (pdf) / 2);
  g_autoptr(GError) error = NULL;
  SintesiPadesState state;

  for (guint i = 0; cases[i] != NULL; i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i], strlen (cases[i]));

      g_assert_null (sintesi_pades_sign (bytes, pki.key, pki.chain, 2, NULL, NULL, &error));
      g_assert_error (error, SINTESI_PADES_ERROR,
                      (i < 2 ? SINTESI_PADES_ERROR_NOT_PDF : SINTESI_PADES_ERROR_DAMAGED));
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      g_assert_false (sintesi_pades_classify (bytes, &state, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  g_assert_null (sintesi_pades_sign (truncated, pki.key, pki.chain, 2, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "damaged"));
}

static void
test_contents_sized_for_chain (void)
{
  gnutls_x509_crt_t long_chain[12];
  SintesiPadesSignOptions tight = { NULL, NULL, NULL, NULL, 1500 };
  g_autoptr(GBytes) pdf = read_bytes (pki.unsigned_pdf);
  g_autoptr(GBytes) short_signed = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 1, NULL);
  g_autoptr(GBytes) long_signed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint64 short_range[4], long_range[4];

  /* Eleven issuer certificates in the CMS: the reservation grows with them. */
  long_chain[0] = pki.chain[0];
  for (guint i = 1; i < G_N_ELEMENTS (long_chain); i++)
    long_chain[i] = pki.chain[1];
  long_signed = sign_ok (pki.unsigned_pdf, pki.key, long_chain, G_N_ELEMENTS (long_chain), NULL);
  last_byte_range (short_signed, short_range);
  last_byte_range (long_signed, long_range);
  g_assert_cmpuint (long_range[2] - long_range[1], >, short_range[2] - short_range[1] + 10 * 2 * 700);
  path = write_temp ("long-chain.pdf", long_signed);
  assert_pdfsig_valid (path);
  g_unlink (path);

  /* A reservation too small for the chain is a clear error, not a cut CMS. */
  g_assert_null (sintesi_pades_sign (pdf, pki.key, pki.chain, 2, &tight, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CONTENTS_TOO_SMALL);
  g_assert_nonnull (strstr (error->message, "does not fit"));
}

static void
test_refuse_bad_credentials (void)
{
  SintesiTestLeafOptions expired = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -400, -35, NULL };
  g_autoptr(SintesiTestLeaf) old = sintesi_test_ca_issue (pki.ca, "expired", S1_CN, &expired);
  gnutls_privkey_t old_key;
  gnutls_x509_crt_t old_chain[1];
  gnutls_x509_crt_t mismatched[1] = { pki.chain[0] };
  g_autoptr(GBytes) pdf = read_bytes (pki.unsigned_pdf);
  g_autoptr(GError) error = NULL;

  load_credentials (old, &old_key, &old_chain[0]);
  g_assert_null (sintesi_pades_sign (pdf, old_key, old_chain, 1, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "expired"));
  g_clear_error (&error);

  g_assert_null (sintesi_pades_sign (pdf, old_key, mismatched, 1, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "does not belong"));
  g_clear_error (&error);

  g_assert_null (sintesi_pades_sign (pdf, NULL, NULL, 0, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NOT_SIGNED);

  gnutls_privkey_deinit (old_key);
  gnutls_x509_crt_deinit (old_chain[0]);
}

static void
test_official_sample (void)
{
  g_autofree char *path = sintesi_test_fixture ("pdf/pss-official-sample-2024.pdf");
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) result = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPadesState state = SINTESI_PADES_STATE_UNSIGNED;

  if (path == NULL)
    return;
  pdf = read_bytes (path);
  g_assert_true (sintesi_pades_classify (pdf, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_SIGNED);

  /* Its CMS is BER (pitfall 9): normalised to DER, GnuTLS verifies it. */
  g_assert_true (sintesi_pades_check_signed (pdf, &error));
  g_assert_no_error (error);

  state = SINTESI_PADES_STATE_UNSIGNED;
  result = sintesi_pades_sign (pdf, pki.key, pki.chain, 2, NULL, &state, &error);
  g_assert_no_error (error);
  g_assert_true (result == pdf);
  g_assert_cmpint (state, ==, SINTESI_PADES_STATE_SIGNED);
}


/* A hand-made PDF with an indirect AcroForm holding a text field already
 * called "Signature1", and a page with /Annots: both are extended, and the
 * new field gets a free name. */
static void
write_pdf_with_form (const char *path)
{
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [6 0 R] /Resources << >> >>",
    "<< /Length 5 >>\nstream\nBT ET\nendstream",
    "<< /Fields [6 0 R] /DA (/Helv 0 Tf 0 g) >>",
    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Signature1) /Rect [72 700 300 720] /P 3 0 R /V (nota) >>",
  };
  g_autoptr(GBytes) pdf = sintesi_test_pdf_from_objects (objects, G_N_ELEMENTS (objects));

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
}

static void
test_sign_existing_form (void)
{
  g_autofree char *form = g_build_filename (pki.dir, "form.pdf", NULL);
  g_autofree char *form_cda = g_build_filename (pki.dir, "form-cda.pdf", NULL);
  g_autofree char *signed_path = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autofree char *out = NULL;

  write_pdf_with_form (form);
  attach_cda (form, form_cda, "disable");
  signed_pdf = sign_ok (form_cda, pki.key, pki.chain, 2, NULL);
  assert_all_oracles (signed_pdf);

  signed_path = write_temp ("form-signed.pdf", signed_pdf);
  {
    const char *argv[] = { "qpdf", "--json", "--json-key=acroform", signed_path, NULL };

    g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  }
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "\"fullname\": \"Signature1\""));
  g_assert_nonnull (strstr (out, "\"fullname\": \"Signature2\""));
  g_assert_nonnull (strstr (out, "\"fieldtype\": \"/Tx\""));
  g_assert_nonnull (strstr (out, "\"fieldtype\": \"/Sig\""));
  g_unlink (signed_path);
}

/* A /ByteRange moved off its /Contents (same width, so the file still
 * parses) is refused before any cryptography. */
static void
test_byte_range_off_contents (void)
{
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 2, NULL);
  gsize len = g_bytes_get_size (signed_pdf);
  char *data = g_memdup2 (g_bytes_get_data (signed_pdf, NULL), len);
  g_autoptr(GBytes) moved = NULL;
  g_autoptr(GError) error = NULL;
  guint64 r[4];
  char *slot;
  char original[32], shifted[32];

  last_byte_range (signed_pdf, r);
  g_snprintf (original, sizeof original, "%10" G_GUINT64_FORMAT, r[1]);
  g_snprintf (shifted, sizeof shifted, "%10" G_GUINT64_FORMAT, r[1] + 2);
  slot = find_bytes (data, len, original, strlen (original));
  g_assert_nonnull (slot);
  memcpy (slot, shifted, strlen (shifted));
  moved = g_bytes_new_take (data, len);

  g_assert_false (sintesi_pades_check_signed (moved, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "/ByteRange"));
}

/* The gateway counts a signature without /M as invalid: so do we. */
static void
test_signature_without_time (void)
{
  g_autoptr(GBytes) signed_pdf = sign_ok (pki.unsigned_pdf, pki.key, pki.chain, 2, NULL);
  gsize len = g_bytes_get_size (signed_pdf);
  char *data = g_memdup2 (g_bytes_get_data (signed_pdf, NULL), len);
  g_autoptr(GBytes) without = NULL;
  g_autoptr(GError) error = NULL;
  char *m = find_bytes (data, len, "/M (D:", 6);

  g_assert_nonnull (m);
  m[1] = 'X';
  without = g_bytes_new_take (data, len);
  g_assert_false (sintesi_pades_check_signed (without, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "/M"));
}

static void
test_refuse_encrypted (void)
{
  g_autofree char *path = g_build_filename (pki.dir, "encrypted.pdf", NULL);
  const char *argv[] = { "qpdf", "--encrypt", "", "owner-secret", "256", "--", pki.unsigned_pdf, path, NULL };
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  pdf = read_bytes (path);
  g_assert_null (sintesi_pades_sign (pdf, pki.key, pki.chain, 2, NULL, NULL, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_ENCRYPTED);
  g_unlink (path);
}

/* --- Setup ---------------------------------------------------------------- */

static void
setup (void)
{
  g_autofree char *plain_tmp = NULL;

  pki.dir = sintesi_test_mkdtemp ();
  {
    g_autofree char *conf = g_build_filename (pki.dir, "softhsm2.conf", NULL);

    g_setenv ("SOFTHSM2_CONF", conf, TRUE);
    g_setenv ("GNUTLS_PIN", "1234", TRUE);
    g_setenv ("GNUTLS_SO_PIN", "56781234", TRUE);
  }
  pki.ca = sintesi_test_ca_new (pki.dir, "root", "Sintesi Test Root");
  pki.s1 = sintesi_test_ca_issue (pki.ca, "s1", S1_CN, NULL);
  load_credentials (pki.s1, &pki.key, &pki.chain[0]);
  pki.chain[1] = load_cert (pki.ca->cert);

  pki.nssdir = g_strdup_printf ("sql:%s/nss", pki.dir);
  {
    g_autofree char *nss = g_build_filename (pki.dir, "nss", NULL);
    const char *create[] = { "certutil", "-N", "-d", pki.nssdir, "--empty-password", NULL };
    const char *add[] = { "certutil", "-d", pki.nssdir, "-A", "-t", "CT,C,C", "-n", "testca", "-i", pki.ca->cert, NULL };

    g_assert_cmpint (g_mkdir (nss, 0700), ==, 0);
    g_assert_cmpint (sintesi_test_run (create, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint (sintesi_test_run (add, NULL, NULL, NULL), ==, 0);
  }

  pki.cda = g_build_filename (pki.dir, "cda.xml", NULL);
  g_assert_true (g_file_set_contents (pki.cda, cda_text, -1, NULL));
  pki.plain = g_build_filename (pki.dir, "plain.pdf", NULL);
  make_cairo_pdf (pki.plain, 2);
  pki.unsigned_pdf = g_build_filename (pki.dir, "unsigned.pdf", NULL);
  attach_cda (pki.plain, pki.unsigned_pdf, "disable");
  pki.unsigned_xref_stream = g_build_filename (pki.dir, "unsigned-xref-stream.pdf", NULL);
  attach_cda (pki.plain, pki.unsigned_xref_stream, "generate");
}

static void
teardown (void)
{
  gnutls_privkey_deinit (pki.key);
  gnutls_x509_crt_deinit (pki.chain[0]);
  gnutls_x509_crt_deinit (pki.chain[1]);
  sintesi_test_ca_free (pki.ca);
  sintesi_test_leaf_free (pki.s1);
  sintesi_test_rmdir (pki.dir);
  g_free (pki.dir);
  g_free (pki.nssdir);
  g_free (pki.cda);
  g_free (pki.plain);
  g_free (pki.unsigned_pdf);
  g_free (pki.unsigned_xref_stream);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!sintesi_test_have_program ("pdfsig") || !sintesi_test_have_program ("qpdf") ||
      !sintesi_test_have_program ("certutil") || !sintesi_test_have_program ("pdfdetach") ||
      !sintesi_test_have_program ("openssl"))
    {
      g_test_skip ("pdfsig, pdfdetach, qpdf, certutil and openssl are needed as oracles");
      return g_test_run ();
    }
  setup ();

  g_test_add_func ("/pades/sign/classic-xref", test_sign_classic_xref);
  g_test_add_func ("/pades/sign/xref-stream", test_sign_xref_stream);
  g_test_add_func ("/pades/sign/pkcs11", test_sign_pkcs11);
  g_test_add_func ("/pades/sign/file", test_sign_file);
  g_test_add_func ("/pades/sign/existing-form", test_sign_existing_form);
  g_test_add_func ("/pades/sign/contents-sized-for-chain", test_contents_sized_for_chain);
  g_test_add_func ("/pades/signed/returned-unchanged", test_signed_returned_unchanged);
  g_test_add_func ("/pades/signed/official-sample", test_official_sample);
  g_test_add_func ("/pades/signed/broken", test_broken_signature);
  g_test_add_func ("/pades/signed/bytes-after-signature", test_bytes_after_signature);
  g_test_add_func ("/pades/signed/byte-range-off-contents", test_byte_range_off_contents);
  g_test_add_func ("/pades/signed/without-time", test_signature_without_time);
  g_test_add_func ("/pades/refuse/without-cda", test_refuse_without_cda);
  g_test_add_func ("/pades/refuse/cda-where-the-gateway-looks", test_cda_where_the_gateway_looks);
  g_test_add_func ("/pades/refuse/not-pdf", test_refuse_not_pdf);
  g_test_add_func ("/pades/refuse/encrypted", test_refuse_encrypted);
  g_test_add_func ("/pades/refuse/bad-credentials", test_refuse_bad_credentials);

  status = g_test_run ();
  teardown ();
  return status;
}
