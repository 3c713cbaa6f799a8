/* test-xml.c: untrusted XML is read safely, with clear errors */
#include "config.h"

#include <string.h>

#include "sintesi-xml.h"
#include "sintesi-test-util.h"

static xmlDoc *
read_string (const char *text, gsize max_size, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));

  return sintesi_xml_read_bytes (bytes, "test.xml", max_size, error);
}

static void
test_well_formed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = read_string ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id/></ClinicalDocument>", 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "ClinicalDocument");
}

static void
test_malformed_names_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = read_string ("<a>\n<b>\n</a>", 0, &error);

  g_assert_null (doc);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "line 3"));
}

static void
test_xxe_refused (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *secret = g_build_filename (tmp, "secret.txt", NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  g_assert_true (g_file_set_contents (secret, "TOPSECRET", -1, NULL));
  xml = g_strdup_printf ("<?xml version=\"1.0\"?>\n"
                         "<!DOCTYPE r [ <!ENTITY x SYSTEM \"file://%s\"> ]>\n"
                         "<r>&x;</r>", secret);
  doc = read_string (xml, 0, &error);
  g_assert_null (doc);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_DTD);
  g_assert_null (strstr (error->message, "TOPSECRET"));
  sintesi_test_rmdir (tmp);
}

static void
test_entity_bomb_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = read_string ("<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                                       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;&c;&c;</l>", 0, &error);

  g_assert_null (doc);
  g_assert_nonnull (error);
}

static void
test_too_large (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (tmp, "big.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GString) big = g_string_new ("<a>");

  for (int i = 0; i < 4096; i++)
    g_string_append (big, "<b>0123456789</b>");
  g_string_append (big, "</a>");
  g_assert_true (g_file_set_contents (path, big->str, big->len, NULL));

  doc = sintesi_xml_read_file (path, 1024, &error);
  g_assert_null (doc);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_TOO_LARGE);
  g_clear_error (&error);

  doc = sintesi_xml_read_file (path, SINTESI_XML_DEFAULT_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);
  sintesi_test_rmdir (tmp);
}

static void
test_missing_and_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = sintesi_xml_read_file ("/nonexistent/cda.xml", 0, &error);

  g_assert_null (doc);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_READ);
  g_clear_error (&error);

  doc = read_string ("", 0, &error);
  g_assert_null (doc);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_EMPTY);
}

static void
test_official_example (void)
{
  g_autofree char *path = sintesi_test_fixture ("cda/pss-example-2025.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  if (path == NULL)
    return;
  doc = sintesi_xml_read_file (path, SINTESI_XML_DEFAULT_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "ClinicalDocument");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xml/well-formed", test_well_formed);
  g_test_add_func ("/xml/malformed-names-line", test_malformed_names_line);
  g_test_add_func ("/xml/xxe-refused", test_xxe_refused);
  g_test_add_func ("/xml/entity-bomb-refused", test_entity_bomb_refused);
  g_test_add_func ("/xml/too-large", test_too_large);
  g_test_add_func ("/xml/missing-and-empty", test_missing_and_empty);
  g_test_add_func ("/xml/official-example", test_official_example);
  return g_test_run ();
}
