/* test-xsd.c: XSD validation with the official CDA set, confined to its folder */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "sintesi-xml.h"
#include "sintesi-xsd.h"
#include "sintesi-test-util.h"

static SintesiXsd *cda_xsd;

static SintesiXsd *
get_cda_xsd (void)
{
  g_autofree char *path = sintesi_test_fixture ("rules/xsd/CDA.xsd");
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return NULL;
  if (cda_xsd == NULL)
    {
      cda_xsd = sintesi_xsd_new_from_file (path, &error);
      g_assert_no_error (error);
    }
  return cda_xsd;
}

static SintesiXsdResult *
validate_path (SintesiXsd *xsd,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = sintesi_xml_read_file (path, 0, &error);
  SintesiXsdResult *result;

  g_assert_no_error (error);
  result = sintesi_xsd_validate (xsd, doc, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_examples_valid (void)
{
  SintesiXsd *xsd = get_cda_xsd ();
  const char *names[] = { "cda/pss-example-2025.xml", "cda/pss-sample-2023.xml" };

  if (xsd == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = sintesi_test_fixture (names[i]);
      g_autoptr(SintesiXsdResult) result = NULL;

      if (path == NULL)
        return;
      result = validate_path (xsd, path);
      g_assert_true (result->valid);
      g_assert_cmpuint (result->errors->len, ==, 0);
    }
}

/* xmllint cannot follow ./coreschemas/ in the flat folder: give it a
 * folder of symbolic links where the include resolves. */
static char *
xmllint_schema_dir (const char *xsd_dir)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *main_link = g_build_filename (tmp, "CDA.xsd", NULL);
  g_autofree char *core_link = g_build_filename (tmp, "coreschemas", NULL);
  g_autofree char *main_target = g_build_filename (xsd_dir, "CDA.xsd", NULL);

  g_assert_cmpint (symlink (main_target, main_link), ==, 0);
  g_assert_cmpint (symlink (xsd_dir, core_link), ==, 0);
  return g_steal_pointer (&tmp);
}

/* sintesi_test_rmdir() would follow the link into the fixtures and
 * delete them: take the links away first. */
static void
remove_xmllint_schema_dir (const char *dir)
{
  g_autofree char *main_link = g_build_filename (dir, "CDA.xsd", NULL);
  g_autofree char *core_link = g_build_filename (dir, "coreschemas", NULL);

  g_assert_cmpint (g_unlink (core_link), ==, 0);
  g_assert_cmpint (g_unlink (main_link), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
xmllint_valid (const char *schema_dir,
               const char *document)
{
  g_autofree char *schema = g_build_filename (schema_dir, "CDA.xsd", NULL);
  const char *argv[] = { "xmllint", "--noout", "--schema", schema, document, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  return sintesi_test_run (argv, NULL, &out, &err) == 0;
}

/* Reference results, and xmllint as an independent oracle. */
static void
test_vectors (void)
{
  SintesiXsd *xsd = get_cda_xsd ();
  g_autofree char *expected_path = sintesi_test_fixture ("schematron-vectors/expected.json");
  g_autofree char *xsd_dir = sintesi_test_fixture ("rules/xsd");
  g_autofree char *lint_dir = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) names = NULL;
  gboolean have_xmllint = sintesi_test_have_program ("xmllint");
  JsonObject *vectors;
  guint invalid = 0;

  if (xsd == NULL || expected_path == NULL || xsd_dir == NULL)
    return;
  if (have_xmllint)
    lint_dir = xmllint_schema_dir (xsd_dir);
  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  vectors = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "vectors");
  names = json_object_get_members (vectors);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *vector = json_object_get_object_member (vectors, l->data);
      g_autofree char *relative = g_strdup_printf ("schematron-vectors/%s", (const char *) l->data);
      g_autofree char *path = sintesi_test_fixture (relative);
      g_autoptr(SintesiXsdResult) result = validate_path (xsd, path);
      gboolean expected = json_object_get_boolean_member (vector, "xsd_valid");

      g_test_message ("%s: %s", (const char *) l->data, result->valid ? "valid" : "invalid");
      g_assert_cmpint (result->valid, ==, expected);
      if (have_xmllint)
        g_assert_cmpint (xmllint_valid (lint_dir, path), ==, expected);
      if (!expected)
        invalid++;
    }
  g_assert_cmpuint (invalid, ==, 1);
  if (lint_dir != NULL)
    remove_xmllint_schema_dir (lint_dir);
}

static void
test_error_has_line (void)
{
  SintesiXsd *xsd = get_cda_xsd ();
  g_autofree char *path = sintesi_test_fixture ("schematron-vectors/10-ko-ct5-confidentialityCode-missing.xml");
  g_autoptr(SintesiXsdResult) result = NULL;
  SintesiXsdIssue *issue;

  if (xsd == NULL || path == NULL)
    return;
  result = validate_path (xsd, path);
  g_assert_false (result->valid);
  g_assert_cmpuint (result->errors->len, ==, 1);
  issue = g_ptr_array_index (result->errors, 0);
  g_assert_cmpint (issue->line, ==, 9);
  g_assert_nonnull (strstr (issue->message, "confidentialityCode"));
}

/* ------------------------------------------------------------------------ */
/* Confinement, on small synthetic schemas                                  */

#define MAIN_XSD(include) \
  "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\" elementFormDefault=\"qualified\">\n" \
  "  <xs:include schemaLocation=\"" include "\"/>\n" \
  "  <xs:element name=\"doc\" type=\"DocType\"/>\n" \
  "</xs:schema>\n"
#define TYPES_XSD \
  "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\" elementFormDefault=\"qualified\">\n" \
  "  <xs:complexType name=\"DocType\"><xs:sequence><xs:element name=\"a\" type=\"xs:integer\"/></xs:sequence></xs:complexType>\n" \
  "</xs:schema>\n"

static char *
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_coreschemas_mapping (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *main_xsd = write_file (tmp, "main.xsd", MAIN_XSD ("./coreschemas/types.xsd"));
  g_autofree char *types = write_file (tmp, "types.xsd", TYPES_XSD);
  g_autofree char *good = write_file (tmp, "good.xml", "<doc xmlns=\"urn:t\"><a>1</a></doc>");
  g_autofree char *bad = write_file (tmp, "bad.xml", "<doc xmlns=\"urn:t\">\n<a>x</a></doc>");
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiXsd) xsd = sintesi_xsd_new_from_file (main_xsd, &error);
  g_autoptr(SintesiXsdResult) ok = NULL;
  g_autoptr(SintesiXsdResult) ko = NULL;
  SintesiXsdIssue *issue;

  g_assert_no_error (error);
  ok = validate_path (xsd, good);
  ko = validate_path (xsd, bad);
  g_assert_true (ok->valid);
  g_assert_false (ko->valid);
  issue = g_ptr_array_index (ko->errors, 0);
  g_assert_cmpint (issue->line, ==, 2);
  g_assert_nonnull (strstr (issue->message, "'x'"));
  sintesi_test_rmdir (tmp);
}

static void
test_refuses_outside (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *package = g_build_filename (tmp, "package", NULL);
  const char *includes[] = { "../types.xsd", "http://127.0.0.1:9/types.xsd", "coreschemas/../../types.xsd", "link.xsd" };
  g_autofree char *outside = write_file (tmp, "types.xsd", TYPES_XSD);
  g_autofree char *link = g_build_filename (package, "link.xsd", NULL);

  g_assert_cmpint (g_mkdir (package, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (includes); i++)
    {
      g_autofree char *text = g_strdup_printf (MAIN_XSD ("%s"), includes[i]);
      g_autofree char *main_xsd = write_file (package, "main.xsd", text);
      g_autoptr(GError) error = NULL;
      g_autoptr(SintesiXsd) xsd = sintesi_xsd_new_from_file (main_xsd, &error);

      g_assert_null (xsd);
      g_assert_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_REFUSED);
      g_assert_nonnull (strstr (error->message, "not a file of its own folder"));
    }
  sintesi_test_rmdir (tmp);
}

static void
test_bad_schema (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *missing = g_build_filename (tmp, "missing.xsd", NULL);
  g_autofree char *broken = write_file (tmp, "broken.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"a\" type=\"nope\"/></xs:schema>");
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiXsd) xsd = sintesi_xsd_new_from_file (missing, &error);

  g_assert_null (xsd);
  g_assert_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_READ);
  g_clear_error (&error);

  xsd = sintesi_xsd_new_from_file (broken, &error);
  g_assert_null (xsd);
  g_assert_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nope"));
  sintesi_test_rmdir (tmp);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xsd/examples-valid", test_examples_valid);
  g_test_add_func ("/xsd/vectors", test_vectors);
  g_test_add_func ("/xsd/error-has-line", test_error_has_line);
  g_test_add_func ("/xsd/coreschemas-mapping", test_coreschemas_mapping);
  g_test_add_func ("/xsd/refuses-outside", test_refuses_outside);
  g_test_add_func ("/xsd/bad-schema", test_bad_schema);
  status = g_test_run ();
  g_clear_object (&cda_xsd);
  return status;
}
