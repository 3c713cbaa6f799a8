/* test-pdf.c: cda.xml attachments and signature reading, checked with
 * qpdf, pdfdetach, pdfsig and openssl as independent oracles */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-pdf-render.h"
#include "sintesi-pades.h"
#include "sintesi-pdf.h"
#include "sintesi-test-util.h"

#define OFFICIAL_PDF "pdf/pss-official-sample-2024.pdf"

static const char cda_text[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Profilo Sanitario Sintetico</title>"
  "<recordTarget><patientRole><id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"RSSMRA80A01H501U\"/>"
  "<patient><name><given>Mario</given><family>Rossi</family></name></patient></patientRole></recordTarget>"
  "<component><structuredBody><component><section><title>Lista dei problemi</title>"
  "<text>Ipertensione arteriosa; è in terapia dal 2019.</text></section></component>"
  "</structuredBody></component></ClinicalDocument>\n";

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
write_file (const char *path,
            GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
}

/* PDF bytes hold NULs, so the string functions
 * would stop early. */
static const guint8 *
find_bytes (const void *haystack,
            gsize       length,
            const char *needle)
{
  gsize needle_length = strlen (needle);
  const guint8 *bytes = haystack;

  for (gsize i = 0; needle_length <= length && i <= length - needle_length; i++)
    if (bytes[i] == (guint8) needle[0] && memcmp (bytes + i, needle, needle_length) == 0)
      return bytes + i;
  return NULL;
}

/* A copy of pdf in which the byte at offset into the first needle found
 * in its first limit bytes is set to value. */
static GBytes *
with_byte_changed (GBytes     *pdf,
                   gsize       limit,
                   const char *needle,
                   gsize       offset,
                   char        value)
{
  guint8 *copy = g_memdup2 (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  guint8 *where = (guint8 *) find_bytes (copy, limit, needle);

  g_assert_nonnull (where);
  where[offset] = (guint8) value;
  return g_bytes_new_take (copy, g_bytes_get_size (pdf));
}

static const void *
bytes_find (GBytes     *bytes,
            const char *needle)
{
  return find_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), needle);
}
static GBytes *
cda_bytes (void)
{
  return g_bytes_new_static (cda_text, sizeof cda_text - 1);
}

/* An unsigned PSS PDF drawn by the renderer. */
static GBytes *
rendered_pdf (void)
{
  g_autoptr(GBytes) cda = cda_bytes ();
  g_autoptr(GError) error = NULL;
  GBytes *pdf = sintesi_pdf_render_cda (cda, &error);

  g_assert_no_error (error);
  return pdf;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in:\n%s", needle, haystack);
}

/* The PDF lists exactly one attachment: cda.xml, application/xml. The
 * list is handed back in *list, which owns the attachment returned. */
static SintesiPdfAttachment *
assert_only_cda_attachment (GBytes     *pdf,
                            GPtrArray **list)
{
  g_autoptr(GError) error = NULL;
  SintesiPdfAttachment *attachment;

  *list = sintesi_pdf_list_attachments (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint ((*list)->len, ==, 1);
  attachment = g_ptr_array_index (*list, 0);
  g_assert_cmpstr (attachment->name, ==, "cda.xml");
  g_assert_cmpstr (attachment->filename, ==, "cda.xml");
  g_assert_cmpstr (attachment->mime_type, ==, "application/xml");
  return attachment;
}

static char *
pdfsig_output (const char *path)
{
  const char *argv[] = { "pdfsig", "-nocert", "-no-ocsp", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* pdfsig exits 0 even for a broken signature: read what it says. */
  sintesi_test_run (argv, NULL, &out, &err);
  return g_strconcat (out != NULL ? out : "", err != NULL ? err : "", NULL);
}

static GBytes *
pdfdetach_save (const char *dir,
                const char *pdf_path,
                int         number)
{
  g_autofree char *out_path = g_build_filename (dir, "detached.bin", NULL);
  g_autofree char *n = g_strdup_printf ("%d", number);
  const char *argv[] = { "pdfdetach", "-save", n, "-o", out_path, pdf_path, NULL };

  g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, NULL), ==, 0);
  return read_file (out_path);
}

/* ---- attaching ---------------------------------------------------------- */

static JsonObject *
qpdf_object (JsonObject *objects,
             const char *reference)
{
  g_autofree char *key = g_strdup_printf ("obj:%s", reference);
  JsonObject *object = json_object_get_object_member (objects, key);

  g_assert_nonnull (object);
  if (json_object_has_member (object, "stream"))
    return json_object_get_object_member (json_object_get_object_member (object, "stream"), "dict");
  return json_object_get_object_member (object, "value");
}

/* The catalog as qpdf's JSON shows it: a flat /EmbeddedFiles name tree
 * with the key cda.xml, /AF naming the same file specification, and the
 * file specification and stream as pss-document.md §1 and §6(c) say. */
static void
assert_catalog_structure (const char *path)
{
  const char *argv[] = { "qpdf", "--json=2", "--json-key=qpdf", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *objects, *trailer, *catalog, *tree, *spec, *ef, *stream;
  JsonArray *names, *af;
  const char *spec_ref;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  objects = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "qpdf"), 1);
  trailer = json_object_get_object_member (json_object_get_object_member (objects, "trailer"), "value");
  catalog = qpdf_object (objects, json_object_get_string_member (trailer, "/Root"));
  g_assert_cmpstr (json_object_get_string_member (catalog, "/Type"), ==, "/Catalog");

  tree = json_object_get_object_member (json_object_get_object_member (catalog, "/Names"), "/EmbeddedFiles");
  g_assert_false (json_object_has_member (tree, "/Kids"));
  names = json_object_get_array_member (tree, "/Names");
  g_assert_cmpuint (json_array_get_length (names), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (names, 0), ==, "u:cda.xml");
  spec_ref = json_array_get_string_element (names, 1);
  af = json_object_get_array_member (catalog, "/AF");
  g_assert_cmpuint (json_array_get_length (af), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (af, 0), ==, spec_ref);

  spec = qpdf_object (objects, spec_ref);
  g_assert_cmpstr (json_object_get_string_member (spec, "/Type"), ==, "/Filespec");
  g_assert_cmpstr (json_object_get_string_member (spec, "/F"), ==, "u:cda.xml");
  g_assert_cmpstr (json_object_get_string_member (spec, "/UF"), ==, "u:cda.xml");
  g_assert_cmpstr (json_object_get_string_member (spec, "/AFRelationship"), ==, "/Source");
  g_assert_true (json_object_has_member (spec, "/Desc"));
  ef = json_object_get_object_member (spec, "/EF");
  g_assert_cmpstr (json_object_get_string_member (ef, "/F"), ==, json_object_get_string_member (ef, "/UF"));

  stream = qpdf_object (objects, json_object_get_string_member (ef, "/F"));
  g_assert_cmpstr (json_object_get_string_member (stream, "/Type"), ==, "/EmbeddedFile");
  g_assert_cmpstr (json_object_get_string_member (stream, "/Subtype"), ==, "/application/xml");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stream, "/Params"), "/Size"),
                   ==, sizeof cda_text - 1);
  g_assert_true (json_object_has_member (json_object_get_object_member (stream, "/Params"), "/ModDate"));
}

static void
test_attach_round_trip (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "pss.pdf", NULL);
  g_autoptr(GBytes) pdf = rendered_pdf ();
  g_autoptr(GBytes) cda = cda_bytes ();
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GBytes) detached = NULL;
  g_autoptr(GBytes) read_back = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *md5 = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, cda);
  g_autofree char *listing = NULL;
  g_autofree char *detach_list = NULL;
  g_autofree char *checksum_line = NULL;
  g_autofree char *size_text = g_strdup_printf ("/Size %" G_GSIZE_FORMAT, g_bytes_get_size (cda));
  const char *list_argv[] = { "qpdf", "--list-attachments", "--verbose", path, NULL };
  const char *detach_argv[] = { "pdfdetach", "-list", path, NULL };
  SintesiPdfAttachment *attachment;

  g_assert_true (sintesi_pdf_attach_cda_to_file (pdf, cda, path, &error));
  g_assert_no_error (error);
  written = read_file (path);
  sintesi_test_assert_qpdf_clean (path);

  /* pdfdetach finds it and gives back the very same bytes. */
  g_assert_cmpint (sintesi_test_run (detach_argv, NULL, &detach_list, NULL), ==, 0);
  assert_contains (detach_list, "1 embedded files");
  assert_contains (detach_list, "1: cda.xml");
  detached = pdfdetach_save (dir, path, 1);
  g_assert_true (g_bytes_equal (detached, cda));

  /* qpdf's reading of the file specification: names, MIME type, MD5. */
  g_assert_cmpint (sintesi_test_run (list_argv, NULL, &listing, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (listing, "cda.xml -> "));
  assert_contains (listing, "/F -> cda.xml");
  assert_contains (listing, "/UF -> cda.xml");
  assert_contains (listing, "mime type: application/xml");
  checksum_line = g_strdup_printf ("checksum: %s", md5);
  assert_contains (listing, checksum_line);
  assert_contains (listing, "creation date: D:");
  assert_catalog_structure (path);
  /* Classic xref table and no object streams, for the incremental update
   * of the signer; the key is the lowercase cda.xml in a flat name tree. */
  g_assert_nonnull (bytes_find (written, "\nxref\n"));
  g_assert_null (bytes_find (written, "/ObjStm"));
  g_assert_nonnull (bytes_find (written, size_text));

  /* The library reads its own output the same way. */
  read_back = sintesi_pdf_get_attachment (written, "CDA.XML", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read_back, cda));
  attachment = assert_only_cda_attachment (written, &list);
  g_assert_cmpuint (attachment->size, ==, g_bytes_get_size (cda));
  signatures = sintesi_pdf_get_signatures (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (signatures->len, ==, 0);
  g_assert_false (sintesi_pades_check_signed (written, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NOT_SIGNED);

  sintesi_test_rmdir (dir);
}

static void
test_attach_replaces_and_keeps_others (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *plain = g_build_filename (dir, "plain.pdf", NULL);
  g_autofree char *other = g_build_filename (dir, "note.txt", NULL);
  g_autofree char *with_note = g_build_filename (dir, "with-note.pdf", NULL);
  g_autofree char *final = g_build_filename (dir, "final.pdf", NULL);
  g_autoptr(GBytes) pdf = rendered_pdf ();
  g_autoptr(GBytes) first_cda = g_bytes_new_static ("<?xml version=\"1.0\"?><a/>", 25);
  g_autoptr(GBytes) cda = cda_bytes ();
  g_autoptr(GBytes) note_pdf = NULL;
  g_autoptr(GBytes) once = NULL;
  g_autoptr(GBytes) twice = NULL;
  g_autoptr(GBytes) read_back = NULL;
  g_autoptr(GBytes) note = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detach_list = NULL;
  const char *qpdf_argv[] = { "qpdf", plain, "--add-attachment", other, "--", with_note, NULL };
  const char *detach_argv[] = { "pdfdetach", "-list", final, NULL };

  /* A PDF that already carries another attachment, added by qpdf itself. */
  write_file (plain, pdf);
  g_assert_true (g_file_set_contents (other, "nota per il paziente", -1, NULL));
  g_assert_cmpint (sintesi_test_run (qpdf_argv, NULL, NULL, NULL), ==, 0);
  note_pdf = read_file (with_note);

  once = sintesi_pdf_attach_cda (note_pdf, first_cda, &error);
  g_assert_no_error (error);
  twice = sintesi_pdf_attach_cda (once, cda, &error);
  g_assert_no_error (error);
  write_file (final, twice);
  sintesi_test_assert_qpdf_clean (final);

  g_assert_cmpint (sintesi_test_run (detach_argv, NULL, &detach_list, NULL), ==, 0);
  assert_contains (detach_list, "2 embedded files");
  list = sintesi_pdf_list_attachments (twice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((SintesiPdfAttachment *) g_ptr_array_index (list, 0))->name, ==, "cda.xml");
  g_assert_cmpstr (((SintesiPdfAttachment *) g_ptr_array_index (list, 1))->name, ==, "note.txt");
  read_back = sintesi_pdf_get_attachment (twice, SINTESI_PDF_CDA_NAME, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read_back, cda));
  note = sintesi_pdf_get_attachment (twice, "note.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (note, NULL), g_bytes_get_size (note), "nota per il paziente", 20);

  sintesi_test_rmdir (dir);
}

static void
test_attach_refuses_signed (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) cda = cda_bytes ();
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  dir = sintesi_test_mkdtemp ();
  out = g_build_filename (dir, "out.pdf", NULL);
  pdf = read_file (path);
  g_assert_false (sintesi_pdf_attach_cda_to_file (pdf, cda, out, &error));
  g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_SIGNED);
  assert_contains (error->message, "already signed");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  sintesi_test_rmdir (dir);
}

/* ---- the official signed sample --------------------------------------- */

static void
test_official_sample (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autofree char *dir = NULL;
  g_autofree char *sig = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) detached = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPdfSignature *signature;

  if (path == NULL)
    return;
  dir = sintesi_test_mkdtemp ();
  pdf = read_file (path);

  detached = pdfdetach_save (dir, path, 1);
  cda = sintesi_pdf_get_attachment (pdf, SINTESI_PDF_CDA_NAME, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (cda, detached));
  g_assert_cmpuint (g_bytes_get_size (cda), ==, 58745);
  g_clear_pointer (&cda, g_bytes_unref);
  cda = sintesi_pdf_get_cda (pdf, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (cda, detached));

  assert_only_cda_attachment (pdf, &list);

  /* pdfsig is the oracle for the BER-encoded BouncyCastle signature. */
  sig = pdfsig_output (path);
  assert_contains (sig, "Signature is Valid");
  assert_contains (sig, "Total document signed");
  assert_contains (sig, "Signer Certificate Common Name: Test Certificate Sign");

  signatures = sintesi_pdf_get_signatures (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (signatures->len, ==, 1);
  signature = g_ptr_array_index (signatures, 0);
  g_assert_cmpstr (signature->field_name, ==, "Signature1");
  g_assert_cmpstr (signature->subfilter, ==, "ETSI.CAdES.detached");
  g_assert_true (signature->ber_encoded);
  g_assert_true (signature->valid);
  g_assert_null (signature->problem);
  g_assert_true (signature->covers_whole_file);
  g_assert_cmpstr (signature->signer_cn, ==, "Test Certificate Sign");
  g_assert_cmpstr (signature->signing_time, ==, "2024-03-06T12:18:09+01:00");
  g_assert_cmpuint (signature->byte_range->len, ==, 4);
  g_assert_cmpint (g_array_index (signature->byte_range, gint64, 1), ==, 60620);
  g_assert_cmpint (g_array_index (signature->byte_range, gint64, 2), ==, 98510);
  g_assert_true (sintesi_pades_check_signed (pdf, &error));
  g_assert_no_error (error);

  /* The DER we re-encoded is the same CMS for openssl: it verifies over
   * the ByteRange bytes. */
  if (sintesi_test_have_program ("openssl"))
    {
      g_autofree char *cms_path = g_build_filename (dir, "sig.der", NULL);
      g_autofree char *content_path = g_build_filename (dir, "signed.bin", NULL);
      g_autoptr(GByteArray) content = g_byte_array_new ();
      g_autoptr(GBytes) content_bytes = NULL;
      const guint8 *data = g_bytes_get_data (pdf, NULL);
      const char *argv[] = { "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", cms_path,
                             "-content", content_path, "-noverify", "-out", "/dev/null", NULL };
      g_autofree char *err = NULL;

      g_byte_array_append (content, data, 60620);
      g_byte_array_append (content, data + 98510, 476);
      content_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&content));
      write_file (cms_path, signature->cms);
      write_file (content_path, content_bytes);
      g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), ==, 0);
      assert_contains (err, "Verification successful");
    }
  sintesi_test_rmdir (dir);
}

/* The sample with its CMS swapped for our DER re-encoding, padded to the
 * same /Contents width: the ByteRange is unchanged, so pdfsig must still
 * call it valid, and the DER path of the reader must agree. */
static void
test_der_signature (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autofree char *dir = NULL;
  g_autofree char *der_path = NULL;
  g_autofree char *sig = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) der_pdf = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPdfSignature *signature;
  GBytes *cms;
  guint8 *copy;
  gsize size;

  if (path == NULL)
    return;
  dir = sintesi_test_mkdtemp ();
  der_path = g_build_filename (dir, "der.pdf", NULL);
  pdf = read_file (path);
  before = sintesi_pdf_get_signatures (pdf, &error);
  g_assert_no_error (error);
  cms = ((SintesiPdfSignature *) g_ptr_array_index (before, 0))->cms;

  copy = g_memdup2 (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  size = g_bytes_get_size (pdf);
  g_assert_cmpint (copy[60620], ==, '<');
  memset (copy + 60621, '0', 98510 - 60621 - 1);
  for (gsize i = 0; i < g_bytes_get_size (cms); i++)
    {
      char hex[3];

      g_snprintf (hex, sizeof hex, "%02X", ((const guint8 *) g_bytes_get_data (cms, NULL))[i]);
      memcpy (copy + 60621 + 2 * i, hex, 2);
    }
  der_pdf = g_bytes_new_take (copy, size);
  write_file (der_path, der_pdf);

  sig = pdfsig_output (der_path);
  assert_contains (sig, "Signature is Valid");
  after = sintesi_pdf_get_signatures (der_pdf, &error);
  g_assert_no_error (error);
  signature = g_ptr_array_index (after, 0);
  g_assert_false (signature->ber_encoded);
  g_assert_true (signature->valid);
  g_assert_true (signature->covers_whole_file);
  g_assert_true (g_bytes_equal (signature->cms, cms));
  sintesi_test_rmdir (dir);
}

static void
test_broken_signature (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autofree char *dir = NULL;
  g_autofree char *broken_path = NULL;
  g_autofree char *sig = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) broken = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPdfSignature *signature;

  if (path == NULL)
    return;
  dir = sintesi_test_mkdtemp ();
  broken_path = g_build_filename (dir, "broken.pdf", NULL);
  pdf = read_file (path);

  /* Flip one byte of the (uncompressed) embedded CDA: inside the first
   * signed range, and the file stays a readable PDF. */
  broken = with_byte_changed (pdf, 60620, "GTWGWY82B42G920M", 0, 'X');
  write_file (broken_path, broken);

  sig = pdfsig_output (broken_path);
  g_assert_null (strstr (sig, "Signature is Valid"));

  signatures = sintesi_pdf_get_signatures (broken, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (signatures->len, ==, 1);
  signature = g_ptr_array_index (signatures, 0);
  g_assert_false (signature->valid);
  g_assert_true (signature->covers_whole_file);
  assert_contains (signature->problem, "changed after signing");
  g_assert_cmpstr (signature->signer_cn, ==, "Test Certificate Sign");

  g_assert_false (sintesi_pades_check_signed (broken, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE);
  assert_contains (error->message, "not valid");
  sintesi_test_rmdir (dir);
}

static void
test_changed_after_signing (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autofree char *dir = NULL;
  g_autofree char *appended_path = NULL;
  g_autofree char *sig = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) appended = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPdfSignature *signature;
  const char tail[] = "\n% an edit after signing\n%%EOF\n";

  if (path == NULL)
    return;
  dir = sintesi_test_mkdtemp ();
  appended_path = g_build_filename (dir, "appended.pdf", NULL);
  pdf = read_file (path);
  g_byte_array_append (buffer, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  g_byte_array_append (buffer, (const guint8 *) tail, sizeof tail - 1);
  appended = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
  write_file (appended_path, appended);

  sig = pdfsig_output (appended_path);
  assert_contains (sig, "Signature is Valid");
  g_assert_null (strstr (sig, "Total document signed"));

  signatures = sintesi_pdf_get_signatures (appended, &error);
  g_assert_no_error (error);
  signature = g_ptr_array_index (signatures, 0);
  g_assert_true (signature->valid);
  g_assert_false (signature->covers_whole_file);
  g_assert_false (sintesi_pades_check_signed (appended, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_PARTIAL_SIGNATURE);
  assert_contains (error->message, "whole file");
  sintesi_test_rmdir (dir);
}

/* The gateway dereferences /M: a signature without it must not pass the
 * check. (/M lies in the signed range, so renaming it also breaks the CMS;
 * the check names the missing /M first.) */
static void
test_missing_m (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) changed = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GError) error = NULL;
  SintesiPdfSignature *signature;

  if (path == NULL)
    return;
  pdf = read_file (path);
  changed = with_byte_changed (pdf, g_bytes_get_size (pdf), "/M (D:2024", 1, 'X');

  signatures = sintesi_pdf_get_signatures (changed, &error);
  g_assert_no_error (error);
  signature = g_ptr_array_index (signatures, 0);
  g_assert_false (signature->has_m_entry);
  g_assert_false (sintesi_pades_check_signed (changed, &error));
  g_assert_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE);
  assert_contains (error->message, "(/M)");
  g_clear_error (&error);

  /* The untouched sample has /M. */
  g_clear_pointer (&signatures, g_ptr_array_unref);
  signatures = sintesi_pdf_get_signatures (pdf, &error);
  g_assert_no_error (error);
  g_assert_true (((SintesiPdfSignature *) g_ptr_array_index (signatures, 0))->has_m_entry);
}

/* ---- where the gateway looks for cda.xml ------------------------------ */

static void
assert_gateway_finds (const char *tree,
                      gboolean    found)
{
  g_autoptr(GBytes) pdf = sintesi_test_pdf_with_embedded_files (tree, "<a/>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cda = sintesi_pdf_get_cda (pdf, &error);

  if (found)
    {
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (cda, NULL), g_bytes_get_size (cda), "<a/>", 4);
    }
  else
    {
      g_assert_null (cda);
      g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_NO_ATTACHMENT);
      assert_contains (error->message, "no attachment named “cda.xml”");
    }
}

/* pss-document.md §1 item 2: the root /Names, or (only without it) the
 * /Names of the first-level /Kids; the key lowercased, or /F as written. */
static void
test_gateway_lookup (void)
{
  /* Found: in the root, by key or by /F, key in any case, in a first-level kid. */
  assert_gateway_finds ("<< /Names [(cda.xml) << /Type /Filespec /EF << /F 4 0 R >> >>] >>", TRUE);
  assert_gateway_finds ("<< /Names [(CDA.XML) << /Type /Filespec /EF << /F 4 0 R >> >>] >>", TRUE);
  assert_gateway_finds ("<< /Names [(documento) << /F (cda.xml) /EF << /F 4 0 R >> >>] >>", TRUE);
  assert_gateway_finds ("<< /Names [(documento) << /F (x) /EF << /UF 4 0 R >> >> (cda.xml) << /EF << /UF 4 0 R >> >>] >>", TRUE);
  assert_gateway_finds ("<< /Kids [<< /Names [(a.txt) << /EF << /F 4 0 R >> >>] >> "
                        "<< /Names [(cda.xml) << /EF << /F 4 0 R >> >>] >>] >>", TRUE);

  /* Not found: /F compared as written, /UF not read, a second-level kid,
   * a kid next to a root /Names array, no file stream. */
  assert_gateway_finds ("<< /Names [(documento) << /F (CDA.xml) /EF << /F 4 0 R >> >>] >>", FALSE);
  assert_gateway_finds ("<< /Names [(documento) << /UF (cda.xml) /EF << /F 4 0 R >> >>] >>", FALSE);
  assert_gateway_finds ("<< /Kids [<< /Kids [<< /Names [(cda.xml) << /EF << /F 4 0 R >> >>] >>] >>] >>", FALSE);
  assert_gateway_finds ("<< /Names [(a.txt) << /EF << /F 4 0 R >> >>] "
                        "/Kids [<< /Names [(cda.xml) << /EF << /F 4 0 R >> >>] >>] >>", FALSE);
  assert_gateway_finds ("<< /Names [(cda.xml) << /F (cda.xml) >>] >>", FALSE);
}

/* ---- bad input ---------------------------------------------------------- */

static void
assert_pdf_error (GBytes     *pdf,
                  int         code,
                  const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) attachment = sintesi_pdf_get_attachment (pdf, SINTESI_PDF_CDA_NAME, &error);
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GBytes) attached = NULL;
  g_autoptr(GBytes) cda = cda_bytes ();

  g_assert_null (attachment);
  g_assert_error (error, SINTESI_PDF_ERROR, code);
  assert_contains (error->message, fragment);
  g_clear_error (&error);
  attachment = sintesi_pdf_get_cda (pdf, &error);
  g_assert_null (attachment);
  g_assert_error (error, SINTESI_PDF_ERROR, code);
  assert_contains (error->message, fragment);
  if (code == SINTESI_PDF_ERROR_NO_ATTACHMENT)
    return;
  g_clear_error (&error);
  signatures = sintesi_pdf_get_signatures (pdf, &error);
  g_assert_null (signatures);
  g_assert_error (error, SINTESI_PDF_ERROR, code);
  g_clear_error (&error);
  attached = sintesi_pdf_attach_cda (pdf, cda, &error);
  g_assert_null (attached);
  g_assert_error (error, SINTESI_PDF_ERROR, code);
}

static void
test_bad_input (void)
{
  g_autoptr(GBytes) not_pdf = g_bytes_new_static (cda_text, sizeof cda_text - 1);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("%PDF-1.4\ngarbage\n%%EOF\n", 23);
  g_autoptr(GBytes) pdf = rendered_pdf ();
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (pdf, 0, g_bytes_get_size (pdf) / 2);
  g_autoptr(GBytes) empty_cda = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) attached = NULL;

  assert_pdf_error (not_pdf, SINTESI_PDF_ERROR_NOT_PDF, "not a PDF");
  assert_pdf_error (empty, SINTESI_PDF_ERROR_NOT_PDF, "not a PDF");
  assert_pdf_error (truncated, SINTESI_PDF_ERROR_TRUNCATED, "incomplete");
  assert_pdf_error (garbage, SINTESI_PDF_ERROR_DAMAGED, "damaged");
  assert_pdf_error (pdf, SINTESI_PDF_ERROR_NO_ATTACHMENT, "no attachment named “cda.xml”");

  attached = sintesi_pdf_attach_cda (pdf, empty_cda, &error);
  g_assert_null (attached);
  g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA);
}

/* Damaged copies of the signed sample: every call answers (a result or an
 * error), none crashes or hangs. The seed is fixed so a failure repeats. */
static void
test_damaged_copies (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260115);
  gsize size;

  if (path == NULL)
    return;
  pdf = read_file (path);
  size = g_bytes_get_size (pdf);
  for (int round = 0; round < 60; round++)
    {
      guint8 *copy = g_memdup2 (g_bytes_get_data (pdf, NULL), size);
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(GBytes) cda = NULL;
      g_autoptr(GPtrArray) signatures = NULL;
      g_autoptr(GError) error = NULL;
      int flips = g_rand_int_range (rand, 1, 40);

      for (int i = 0; i < flips; i++)
        copy[g_rand_int_range (rand, 0, (gint32) size - 8)] = (guint8) g_rand_int_range (rand, 0, 256);
      damaged = g_bytes_new_take (copy, size);
      cda = sintesi_pdf_get_attachment (damaged, SINTESI_PDF_CDA_NAME, &error);
      g_assert_true ((cda == NULL) == (error != NULL));
      g_clear_error (&error);
      signatures = sintesi_pdf_get_signatures (damaged, &error);
      g_assert_true ((signatures == NULL) == (error != NULL));
      if (error != NULL)
        g_assert_true (error->domain == SINTESI_PDF_ERROR);
    }
}

static void
test_ber_to_der (void)
{
  /* SEQUENCE (indefinite) { OCTET STRING "ABC", OCTET STRING (constructed,
   * indefinite) { "D", "E" } } followed by zero padding. */
  static const guint8 ber[] = {
    0x30, 0x80, 0x04, 0x03, 'A', 'B', 'C', 0x24, 0x80, 0x04, 0x01, 'D', 0x04, 0x01, 'E',
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  static const guint8 der[] = { 0x30, 0x09, 0x04, 0x03, 'A', 'B', 'C', 0x04, 0x02, 'D', 'E' };
  /* Non-minimal definite length (0x81 0x03): DER wants 0x03. */
  static const guint8 long_form[] = { 0x04, 0x81, 0x03, 'x', 'y', 'z' };
  static const guint8 unterminated[] = { 0x30, 0x80, 0x04, 0x01, 'A' };
  static const guint8 overlong[] = { 0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00 };
  static const guint8 primitive_indefinite[] = { 0x04, 0x80, 0x00, 0x00 };
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) same = NULL;
  g_autoptr(GBytes) shortened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) deep = g_byte_array_new ();
  gsize consumed = 0;
  const char *argv[] = { "openssl", "asn1parse", "-inform", "DER", "-in", NULL, NULL };

  out = sintesi_pdf_ber_to_der (ber, sizeof ber, &consumed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, 19);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), der, sizeof der);

  same = sintesi_pdf_ber_to_der (der, sizeof der, &consumed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, sizeof der);
  g_assert_cmpmem (g_bytes_get_data (same, NULL), g_bytes_get_size (same), der, sizeof der);

  shortened = sintesi_pdf_ber_to_der (long_form, sizeof long_form, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (shortened, NULL), g_bytes_get_size (shortened),
                   ((const guint8[]) { 0x04, 0x03, 'x', 'y', 'z' }), 5);

  g_assert_null (sintesi_pdf_ber_to_der (unterminated, sizeof unterminated, NULL, &error));
  g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (sintesi_pdf_ber_to_der (overlong, sizeof overlong, NULL, &error));
  g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (sintesi_pdf_ber_to_der (primitive_indefinite, sizeof primitive_indefinite, NULL, &error));
  g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* Nesting deeper than any CMS is refused, not followed into the stack. */
  for (int i = 0; i < 10000; i++)
    g_byte_array_append (deep, (const guint8 *) "\x30\x80", 2);
  g_assert_null (sintesi_pdf_ber_to_der (deep->data, deep->len, NULL, &error));
  g_assert_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA);

  /* openssl reads the converted bytes as the same structure. */
  if (sintesi_test_have_program ("openssl"))
    {
      g_autofree char *dir = sintesi_test_mkdtemp ();
      g_autofree char *path = g_build_filename (dir, "der.bin", NULL);
      g_autofree char *parsed = NULL;

      write_file (path, out);
      argv[5] = path;
      g_assert_cmpint (sintesi_test_run (argv, NULL, &parsed, NULL), ==, 0);
      assert_contains (parsed, "cons: SEQUENCE");
      assert_contains (parsed, "l=   2 prim: OCTET STRING      :DE");
      sintesi_test_rmdir (dir);
    }
}

/* ---- sintesi-cli pdf inspect ------------------------------------------- */

static JsonObject *
parse_object (const char *text,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_cli_inspect (void)
{
  g_autofree char *path = sintesi_test_fixture (OFFICIAL_PDF);
  g_autofree char *home = NULL;
  g_autofree char *out = NULL;
  g_autofree char *sha_out = NULL;
  g_autofree char *detached_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) detached = NULL;
  JsonObject *root, *attachment, *signature;
  JsonArray *signatures;

  if (path == NULL)
    return;
  home = sintesi_test_mkdtemp ();
  {
    const char *args[] = { "--json", "pdf", "inspect", path, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 0);
  }
  root = parse_object (out, parser);
  g_assert_cmpuint (json_object_get_size (root), ==, 2);

  /* Size and SHA-256 as pdfdetach + sha256sum see them. */
  detached = pdfdetach_save (home, path, 1);
  detached_path = g_build_filename (home, "detached.bin", NULL);
  {
    const char *argv[] = { "sha256sum", detached_path, NULL };

    g_assert_cmpint (sintesi_test_run (argv, NULL, &sha_out, NULL), ==, 0);
  }
  attachment = json_object_get_object_member (root, "attachment");
  g_assert_nonnull (attachment);
  g_assert_cmpstr (json_object_get_string_member (attachment, "name"), ==, "cda.xml");
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, g_bytes_get_size (detached));
  g_assert_true (g_str_has_prefix (sha_out, json_object_get_string_member (attachment, "sha256")));
  g_assert_cmpuint (strlen (json_object_get_string_member (attachment, "sha256")), ==, 64);

  signatures = json_object_get_array_member (root, "signatures");
  g_assert_cmpuint (json_array_get_length (signatures), ==, 1);
  signature = json_array_get_object_element (signatures, 0);
  g_assert_cmpuint (json_object_get_size (signature), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (signature, "subfilter"), ==, "ETSI.CAdES.detached");
  g_assert_true (json_object_get_boolean_member (signature, "valid"));
  g_assert_true (json_object_get_boolean_member (signature, "covers_whole_file"));
  g_assert_cmpstr (json_object_get_string_member (signature, "signer_cn"), ==, "Test Certificate Sign");
  g_assert_cmpstr (json_object_get_string_member (signature, "signing_time"), ==, "2024-03-06T12:18:09+01:00");
  sintesi_test_rmdir (home);
}

static void
test_cli_inspect_plain_and_bad (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *pdf_path = g_build_filename (home, "plain.pdf", NULL);
  g_autofree char *text_path = g_build_filename (home, "note.pdf", NULL);
  g_autofree char *missing = g_build_filename (home, "missing.pdf", NULL);
  g_autoptr(GBytes) pdf = rendered_pdf ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  write_file (pdf_path, pdf);
  g_assert_true (g_file_set_contents (text_path, "just text", -1, NULL));
  {
    const char *args[] = { "--json", "pdf", "inspect", pdf_path, NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, NULL), ==, 0);
    root = parse_object (out, parser);
    g_assert_true (json_object_get_null_member (root, "attachment"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "signatures")), ==, 0);
  }
  {
    const char *args[] = { "--json", "pdf", "inspect", text_path, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, &out, &err), ==, 1);
    root = parse_object (out, parser);
    assert_contains (json_object_get_string_member (json_object_get_object_member (root, "error"), "message"),
                     "not a PDF");
    assert_contains (err, "not a PDF");
  }
  {
    const char *args[] = { "--json", "pdf", "inspect", missing, NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 2);
  }
  {
    const char *args[] = { "pdf", "inspect", NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 2);
  }
  {
    const char *args[] = { "pdf", "frobnicate", NULL };

    g_assert_cmpint (sintesi_test_run_cli (home, args, NULL, NULL, NULL), ==, 2);
  }
  sintesi_test_rmdir (home);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!sintesi_test_have_program ("pdfsig") || !sintesi_test_have_program ("qpdf"))
    g_error ("poppler-utils and qpdf are needed by this test (build-aux/common.sh installs them)");

  g_test_add_func ("/pdf/attach/round-trip", test_attach_round_trip);
  g_test_add_func ("/pdf/attach/replace-keep-others", test_attach_replaces_and_keeps_others);
  g_test_add_func ("/pdf/attach/refuses-signed", test_attach_refuses_signed);
  g_test_add_func ("/pdf/signatures/official-sample", test_official_sample);
  g_test_add_func ("/pdf/signatures/der", test_der_signature);
  g_test_add_func ("/pdf/signatures/broken", test_broken_signature);
  g_test_add_func ("/pdf/signatures/changed-after-signing", test_changed_after_signing);
  g_test_add_func ("/pdf/signatures/missing-m", test_missing_m);
  g_test_add_func ("/pdf/gateway-lookup", test_gateway_lookup);
  g_test_add_func ("/pdf/bad-input", test_bad_input);
  g_test_add_func ("/pdf/damaged-copies", test_damaged_copies);
  g_test_add_func ("/pdf/ber-to-der", test_ber_to_der);
  g_test_add_func ("/pdf/cli/inspect", test_cli_inspect);
  g_test_add_func ("/pdf/cli/inspect-plain-and-bad", test_cli_inspect_plain_and_bad);
  return g_test_run ();
}
