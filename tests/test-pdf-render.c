/* test-pdf-render.c: the human-readable PSS pages, checked with poppler and qpdf */
#include "config.h"

#include <string.h>

#include "sintesi-pdf-render.h"
#include "sintesi-test-util.h"

#define CDA_OPEN \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">" \
  "<title>Profilo Sanitario Sintetico</title>" \
  "<effectiveTime value=\"20260115103000+0100\"/>" \
  "<versionNumber value=\"2\"/>" \
  "<recordTarget><patientRole>" \
  "<id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"BNCLCU80A01H501U\"/>" \
  "<patient><name><given>Lucia</given><family>Bianchi Niccolò</family></name>" \
  "<administrativeGenderCode code=\"F\" codeSystem=\"2.16.840.1.113883.5.1\"/>" \
  "<birthTime value=\"19800101\"/></patient></patientRole></recordTarget>" \
  "<author><assignedAuthor><id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"MDCGNR70A01D612X\"/>" \
  "<assignedPerson><name><prefix>Dott.</prefix><given>Gennaro</given><family>Medici</family></name>" \
  "</assignedPerson></assignedAuthor></author>" \
  "<custodian><assignedCustodian><representedCustodianOrganization><id root=\"1\"/>" \
  "<name>Azienda USL Toscana Centro</name></representedCustodianOrganization></assignedCustodian></custodian>" \
  "<component><structuredBody>"
#define CDA_CLOSE "</structuredBody></component></ClinicalDocument>"

typedef struct
{
  char *dir;
  char *pdf_path;
  char *text;       /* pdftotext -layout */
  int   pages;
} Rendered;

static void
rendered_clear (Rendered *rendered)
{
  sintesi_test_rmdir (rendered->dir);
  g_free (rendered->dir);
  g_free (rendered->pdf_path);
  g_free (rendered->text);
}

static int
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *out = NULL;
  const char *line;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  line = strstr (out, "\nPages:");
  g_assert_nonnull (line);
  return atoi (line + strlen ("\nPages:"));
}

static char *
pdf_text (const char *path,
          int         first,
          int         last)
{
  g_autofree char *f = g_strdup_printf ("%d", first);
  g_autofree char *l = g_strdup_printf ("%d", last);
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", "-layout", "-f", f, "-l", l, path, "-", NULL };
  char *out = NULL;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  return out;
}

static gboolean
render_bytes (GBytes   *cda,
              Rendered *rendered)
{
  g_autoptr(GError) error = NULL;

  rendered->dir = sintesi_test_mkdtemp ();
  rendered->pdf_path = g_build_filename (rendered->dir, "pss.pdf", NULL);
  g_assert_true (sintesi_pdf_render_cda_to_file (cda, rendered->pdf_path, &error));
  g_assert_no_error (error);
  sintesi_test_assert_qpdf_clean (rendered->pdf_path);
  rendered->pages = pdf_pages (rendered->pdf_path);
  rendered->text = pdf_text (rendered->pdf_path, 1, rendered->pages);
  return TRUE;
}

static void
render_string (const char *xml,
               Rendered   *rendered)
{
  g_autoptr(GBytes) cda = g_bytes_new (xml, strlen (xml));

  render_bytes (cda, rendered);
}

static gboolean
render_fixture (const char *name,
                Rendered   *rendered)
{
  g_autofree char *path = sintesi_test_fixture (name);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) cda = NULL;

  if (path == NULL)
    return FALSE;
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  cda = g_bytes_new_take (g_steal_pointer (&contents), length);
  return render_bytes (cda, rendered);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in the rendered text:\n%s", needle, haystack);
}

static void
test_fixture_2025 (void)
{
  Rendered rendered = { 0 };
  static const char * const titles[] = {
    "Allergie e Intolleranze", "Terapie Farmacologiche", "Vaccinazioni", "Lista dei Problemi",
    "Anamnesi Familiare", "Parametri Vitali", "Esenzioni", "Reti di Patologia",
  };

  if (!render_fixture ("cda/pss-example-2025.xml", &rendered))
    return;
  g_assert_cmpint (rendered.pages, >=, 1);
  assert_contains (rendered.text, "RSSMRA22A01A399Z");
  assert_contains (rendered.text, "Guido Test");
  assert_contains (rendered.text, "Dott. Matteo Prova");
  assert_contains (rendered.text, "Dott.ssa Paola Prova");
  assert_contains (rendered.text, "19/06/1990");
  assert_contains (rendered.text, "10/05/2022 12:00");
  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    assert_contains (rendered.text, titles[i]);
  /* Narrative of the family history table, accents included. */
  assert_contains (rendered.text, "Familiarità per padre, nonna paterna, zio");
  assert_contains (rendered.text, "IMA PRECOCE");
  rendered_clear (&rendered);
}

static void
test_fixture_2023 (void)
{
  Rendered rendered = { 0 };
  g_autofree char *footer = NULL;

  if (!render_fixture ("cda/pss-sample-2023.xml", &rendered))
    return;
  assert_contains (rendered.text, "GTWGWY82B42G920M");
  assert_contains (rendered.text, "Allergie e Intolleranze");
  assert_contains (rendered.text, "Familiarità");
  footer = g_strdup_printf ("Page %d of %d", rendered.pages, rendered.pages);
  assert_contains (rendered.text, footer);
  rendered_clear (&rendered);
}

static void
test_long_table (void)
{
  g_autoptr(GString) xml = g_string_new (CDA_OPEN);
  Rendered rendered = { 0 };
  g_autofree char *last_page = NULL;
  g_autofree char *second_page = NULL;
  g_autofree char *footer = NULL;

  g_string_append (xml, "<component><section><title>Terapie farmacologiche</title><text>"
                        "<table><caption>Storico prescrizioni</caption><thead><tr><th>Farmaco</th>"
                        "<th>Posologia</th><th>Data inizio</th></tr></thead><tbody>");
  for (int i = 1; i <= 300; i++)
    g_string_append_printf (xml, "<tr><td>Farmaco numero %d</td><td>1 compressa al dì</td>"
                                 "<td>%02d/01/2025</td></tr>", i, 1 + i % 28);
  g_string_append (xml, "</tbody></table></text></section></component>" CDA_CLOSE);
  render_string (xml->str, &rendered);

  g_assert_cmpint (rendered.pages, >=, 4);
  for (int i = 1; i <= 300; i++)
    {
      g_autofree char *row = g_strdup_printf ("Farmaco numero %d ", i);

      assert_contains (rendered.text, row);
    }
  /* The header row repeats on every page the table runs over, and every
   * page says where it is. */
  second_page = pdf_text (rendered.pdf_path, 2, 2);
  assert_contains (second_page, "Farmaco");
  assert_contains (second_page, "Posologia");
  assert_contains (second_page, "BNCLCU80A01H501U");
  footer = g_strdup_printf ("Page 2 of %d", rendered.pages);
  assert_contains (second_page, footer);
  last_page = pdf_text (rendered.pdf_path, rendered.pages, rendered.pages);
  assert_contains (last_page, "Posologia");
  assert_contains (last_page, "Farmaco numero 300");
  rendered_clear (&rendered);
}

/* A table cell longer than a page cannot be boxed: its text flows on. */
static void
test_tall_cell (void)
{
  g_autoptr(GString) xml = g_string_new (CDA_OPEN);
  Rendered rendered = { 0 };

  g_string_append (xml, "<component><section><title>Note</title><text><table><tbody><tr><td>Diario</td><td>");
  for (int i = 1; i <= 120; i++)
    g_string_append_printf (xml, "Annotazione clinica numero %d<br/>", i);
  g_string_append (xml, "</td></tr><tr><td>Dopo</td><td>ultima riga</td></tr></tbody></table></text>"
                        "</section></component>" CDA_CLOSE);
  render_string (xml->str, &rendered);
  g_assert_cmpint (rendered.pages, >=, 2);
  for (int i = 1; i <= 120; i++)
    {
      g_autofree char *line = g_strdup_printf ("Annotazione clinica numero %d\n", i);

      assert_contains (rendered.text, line);
    }
  assert_contains (rendered.text, "ultima riga");
  rendered_clear (&rendered);
}

static int
text_column (const char *text,
             const char *word)
{
  const char *at = strstr (text, word);
  const char *line_start = at;

  g_assert_nonnull (at);
  while (line_start > text && line_start[-1] != '\n')
    line_start--;
  return g_utf8_strlen (line_start, at - line_start);
}

/* A rowspan keeps the cells below it in their own columns. */
static void
test_rowspan (void)
{
  Rendered rendered = { 0 };
  const char *xml =
    CDA_OPEN
    "<component><section><title>Esami</title><text><table><thead><tr><th>Gruppo</th><th>Esame</th>"
    "<th>Valore</th></tr></thead><tbody>"
    "<tr><td rowspan=\"2\">Emocromo</td><td>Alfaesame</td><td>Valoreuno</td></tr>"
    "<tr><td>Betaesame</td><td>Valoredue</td></tr>"
    "<tr><td>Glicemia</td><td>Gammaesame</td><td>56</td></tr>"
    "</tbody></table></text></section></component>"
    CDA_CLOSE;

  render_string (xml, &rendered);
  g_assert_cmpint (text_column (rendered.text, "Betaesame"), ==, text_column (rendered.text, "Alfaesame"));
  g_assert_cmpint (text_column (rendered.text, "Gammaesame"), ==, text_column (rendered.text, "Alfaesame"));
  g_assert_cmpint (text_column (rendered.text, "Valoredue"), ==, text_column (rendered.text, "Valoreuno"));
  g_assert_cmpint (text_column (rendered.text, "Betaesame"), >, text_column (rendered.text, "Emocromo"));
  rendered_clear (&rendered);
}

static void
test_narrative_features (void)
{
  Rendered rendered = { 0 };
  const char *argv[] = { "pdffonts", NULL, NULL };
  g_autofree char *fonts = NULL;
  const char *xml =
    CDA_OPEN
    "<component><section><title>Lista dei problemi</title><text>"
    "Testo libero prima<br/>riga dopo un a capo"
    "<paragraph><caption>Nota</caption>Il paziente è <content styleCode=\"Bold\">iperteso</content> "
    "e <content styleCode=\"Italics\">diabetico</content>; perché sì.</paragraph>"
    "<list listType=\"ordered\"><item>Primo elemento</item><item>Secondo elemento"
    "<list><item>Elemento annidato</item></list></item></list>"
    "<content revised=\"delete\">testo cancellato</content>"
    "</text>"
    "<component><section><title>Sottosezione</title><text>Città: Forlì</text></section></component>"
    "</section></component>"
    "<component><section><title>Sezione vuota</title><text/></section></component>"
    CDA_CLOSE;

  render_string (xml, &rendered);
  assert_contains (rendered.text, "Bianchi Niccolò");
  assert_contains (rendered.text, "Testo libero prima\n");
  assert_contains (rendered.text, "riga dopo un a capo");
  assert_contains (rendered.text, "Nota Il paziente è iperteso e diabetico; perché sì.");
  assert_contains (rendered.text, "1.");
  assert_contains (rendered.text, "Primo elemento");
  assert_contains (rendered.text, "2.");
  assert_contains (rendered.text, "Elemento annidato");
  assert_contains (rendered.text, "Sottosezione");
  assert_contains (rendered.text, "Città: Forlì");
  assert_contains (rendered.text, "This section has no narrative text.");
  assert_contains (rendered.text, "Azienda USL Toscana Centro");
  g_assert_null (strstr (rendered.text, "testo cancellato"));

  /* Bold and italics come out in the bold and oblique faces, embedded. */
  argv[1] = rendered.pdf_path;
  g_assert_cmpint (sintesi_test_run (argv, NULL, &fonts, NULL), ==, 0);
  assert_contains (fonts, "DejaVuSans-Bold");
  assert_contains (fonts, "DejaVuSans-Oblique");

  /* Every section is a bookmark, subsections nested under their parent. */
  {
    const char *outline_argv[] = { "qpdf", "--json=2", "--json-key=outlines", rendered.pdf_path, NULL };
    g_autofree char *outlines = NULL;
    const char *parent, *child;

    g_assert_cmpint (sintesi_test_run (outline_argv, NULL, &outlines, NULL), ==, 0);
    parent = strstr (outlines, "\"title\": \"Lista dei problemi\"");
    child = strstr (outlines, "\"title\": \"Sottosezione\"");
    g_assert_nonnull (parent);
    g_assert_nonnull (child);
    /* qpdf prints a node's kids before its title. */
    g_assert_true (child < parent);
    assert_contains (outlines, "\"title\": \"Sezione vuota\"");
  }
  rendered_clear (&rendered);
}

static void
assert_render_error (const char *xml,
                     int         code,
                     const char *fragment)
{
  g_autoptr(GBytes) cda = g_bytes_new (xml, strlen (xml));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = sintesi_pdf_render_cda (cda, &error);

  g_assert_null (pdf);
  g_assert_error (error, SINTESI_PDF_RENDER_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, error->message);
}

static void
test_bad_input (void)
{
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (tmp, "out.pdf", NULL);

  assert_render_error ("", SINTESI_PDF_RENDER_ERROR_INVALID_XML, "empty");
  assert_render_error ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<title>x</title>\n<oops>",
                       SINTESI_PDF_RENDER_ERROR_INVALID_XML, "line 3");
  assert_render_error ("<ClinicalDocument><title>x</title></ClinicalDocument>",
                       SINTESI_PDF_RENDER_ERROR_NOT_CDA, "ClinicalDocument");
  assert_render_error ("<html xmlns=\"urn:hl7-org:v3\"/>", SINTESI_PDF_RENDER_ERROR_NOT_CDA, "not an HL7 CDA");
  /* XXE: refused before anything is read from the file system. */
  assert_render_error ("<?xml version=\"1.0\"?>\n<!DOCTYPE ClinicalDocument [\n"
                       "<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
                       "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&secret;</title></ClinicalDocument>",
                       SINTESI_PDF_RENDER_ERROR_INVALID_XML, "DTD");

  big = g_bytes_new_take (g_malloc0 (SINTESI_PDF_RENDER_MAX_CDA_SIZE + 1), SINTESI_PDF_RENDER_MAX_CDA_SIZE + 1);
  g_assert_false (sintesi_pdf_render_cda_to_file (big, path, &error));
  g_assert_error (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_INVALID_XML);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  sintesi_test_rmdir (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!sintesi_test_have_program ("pdftotext") || !sintesi_test_have_program ("qpdf"))
    g_error ("poppler-utils and qpdf are needed by this test (build-aux/common.sh installs them)");

  g_test_add_func ("/pdf-render/fixture-2025", test_fixture_2025);
  g_test_add_func ("/pdf-render/fixture-2023", test_fixture_2023);
  g_test_add_func ("/pdf-render/long-table", test_long_table);
  g_test_add_func ("/pdf-render/narrative", test_narrative_features);
  g_test_add_func ("/pdf-render/tall-cell", test_tall_cell);
  g_test_add_func ("/pdf-render/rowspan", test_rowspan);
  g_test_add_func ("/pdf-render/bad-input", test_bad_input);
  return g_test_run ();
}
