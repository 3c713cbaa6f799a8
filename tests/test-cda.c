/* test-cda.c: a CDA is loaded safely and its facts read correctly */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sintesi-cda.h"
#include "sintesi-xml.h"
#include "sintesi-test-util.h"

static SintesiCda *
load_string (const char *text, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));

  return sintesi_cda_load_bytes (bytes, "test.xml", 0, error);
}

/* The document identity both national samples carry. */
static void
assert_national_example_identity (const SintesiCda *cda)
{
  g_assert_cmpstr (cda->id.root, ==, "2.16.840.1.113883.2.9.2.120.4.4");
  g_assert_cmpstr (cda->id.extension, ==, "030702.LCNLDE90L47H501Q.20220510112426.Q123E456");
  g_assert_cmpstr (cda->set_id.extension, ==, "030702.LCNLDE90L47H501Q.20220510112426.Q123E456");
  g_assert_cmpstr (cda->version_number, ==, "1");
  g_assert_cmpstr (cda->effective_time, ==, "20220510120000+0100");
  g_assert_cmpstr (cda->code, ==, "60591-5");
  g_assert_cmpstr (cda->code_system, ==, "2.16.840.1.113883.6.1");
  g_assert_cmpstr (cda->confidentiality_code, ==, "N");
}

static void
test_example_2025_facts (void)
{
  g_autofree char *path = sintesi_test_fixture ("cda/pss-example-2025.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autofree char *person_id = NULL;
  g_autofree char *hl7_type = NULL;
  g_autofree char *doc_id = NULL;
  const SintesiCdaId *template;
  static const char * const section_codes[] = {
    "48765-2", "10160-0", "11369-6", "11450-4", "10157-6", "29762-2", "10162-6",
    "8716-3", "46264-8", "18776-5", "47519-4", "46240-8", "47420-5", "30954-2",
    "42348-3", "57827-8", "PSSIT99",
  };

  if (path == NULL)
    return;
  cda = sintesi_cda_load_file (path, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cda);

  assert_national_example_identity (cda);
  g_assert_cmpstr (cda->set_id.root, ==, "2.16.840.1.113883.2.9.2.120.4.4");
  g_assert_cmpstr (cda->code_display_name, ==, "Profilo Sanitario Sintetico");
  g_assert_cmpstr (cda->title, ==, "Profilo Sanitario Sintetico");
  g_assert_cmpstr (cda->realm_code, ==, "IT");
  g_assert_cmpstr (cda->type_id_root, ==, "2.16.840.1.113883.1.3");
  g_assert_cmpstr (cda->type_id_extension, ==, "POCD_MT000040UV02");
  g_assert_cmpuint (cda->template_ids->len, ==, 1);
  template = g_ptr_array_index (cda->template_ids, 0);
  g_assert_cmpstr (template->root, ==, "2.16.840.1.113883.2.9.10.1.4.1.1");
  g_assert_cmpstr (template->extension, ==, "1.4");
  g_assert_cmpstr (cda->language_code, ==, "it-IT");

  g_assert_cmpstr (cda->patient_id_root, ==, "2.16.840.1.113883.2.9.4.3.2");
  g_assert_cmpstr (cda->patient_cf, ==, "RSSMRA22A01A399Z");
  g_assert_cmpstr (cda->patient_given, ==, "Guido");
  g_assert_cmpstr (cda->patient_family, ==, "Test");
  g_assert_cmpstr (cda->patient_sex, ==, "F");
  g_assert_cmpstr (cda->patient_birth_time, ==, "19900619");
  g_assert_cmpstr (cda->author_cf, ==, "PROVAX00X00X000Y");
  g_assert_cmpstr (cda->author_given, ==, "Matteo");
  g_assert_cmpstr (cda->author_family, ==, "Prova");
  g_assert_cmpstr (cda->legal_authenticator_cf, ==, "PROVAX00X00X000Y");
  g_assert_cmpstr (cda->legal_authenticator_given, ==, "Paola");
  g_assert_cmpstr (cda->legal_authenticator_family, ==, "Prova");
  g_assert_cmpstr (cda->legal_authenticator_signature_code, ==, "S");
  g_assert_cmpstr (cda->custodian_id.root, ==, "2.16.840.1.113883.2.9.4.1.2");
  g_assert_cmpstr (cda->custodian_id.extension, ==, "XXX");
  g_assert_cmpstr (cda->custodian_name, ==, "XXX");

  g_assert_cmpuint (cda->sections->len, ==, G_N_ELEMENTS (section_codes));
  for (gsize i = 0; i < G_N_ELEMENTS (section_codes); i++)
    {
      const SintesiCdaSection *section = g_ptr_array_index (cda->sections, i);

      g_assert_cmpstr (section->code, ==, section_codes[i]);
      g_assert_true (sintesi_cda_find_section (cda, section_codes[i]) == section);
    }
  g_assert_cmpstr (sintesi_cda_find_section (cda, "48765-2")->title, ==, "Allergie e Intolleranze");
  g_assert_cmpstr (sintesi_cda_find_section (cda, "48765-2")->template_id, ==, "2.16.840.1.113883.2.9.10.1.4.2.1");
  g_assert_cmpuint (sintesi_cda_find_section (cda, "8716-3")->n_entries, ==, 2);
  g_assert_true (sintesi_cda_find_section (cda, "42348-3")->has_text);
  g_assert_cmpuint (sintesi_cda_find_section (cda, "42348-3")->n_entries, ==, 0);
  g_assert_cmpstr (sintesi_cda_find_section (cda, "PSSIT99")->code_system, ==, "2.16.840.1.113883.2.9.5.2.8");
  g_assert_null (sintesi_cda_find_section (cda, "00000-0"));

  person_id = sintesi_cda_person_id (cda, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person_id, ==, "RSSMRA22A01A399Z^^^&2.16.840.1.113883.2.9.4.3.2&ISO");
  hl7_type = sintesi_cda_resource_hl7_type (cda, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hl7_type, ==, "('60591-5^^2.16.840.1.113883.6.1')");

  /* The national example is from Lazio (root …2.120.4.4): not a Toscana id (D11). */
  doc_id = sintesi_cda_identificativo_doc (cda, &error);
  g_assert_null (doc_id);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_ID_ROOT);
  g_assert_nonnull (strstr (error->message, "2.16.840.1.113883.2.9.2.120.4.4"));
  g_assert_nonnull (strstr (error->message, "2.16.840.1.113883.2.9.2.90.4.4"));
}

static void
test_sample_2023_facts (void)
{
  g_autofree char *path = sintesi_test_fixture ("cda/pss-sample-2023.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autofree char *person_id = NULL;
  g_autofree char *hl7_type = NULL;
  g_autoptr(GString) codes = g_string_new (NULL);

  if (path == NULL)
    return;
  cda = sintesi_cda_load_file (path, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cda);

  assert_national_example_identity (cda);
  g_assert_cmpstr (((SintesiCdaId *) g_ptr_array_index (cda->template_ids, 0))->root, ==,
                   "2.16.840.1.113883.2.9.10.1.4.1.1");
  g_assert_cmpstr (cda->patient_cf, ==, "GTWGWY82B42G920M");
  g_assert_cmpstr (cda->author_cf, ==, "PROVAX00X00X000Y");
  g_assert_cmpstr (cda->legal_authenticator_cf, ==, "PROPLA00X00X000Y");
  g_assert_cmpstr (cda->legal_authenticator_signature_code, ==, "S");
  g_assert_cmpstr (cda->custodian_id.extension, ==, "123");
  g_assert_cmpstr (cda->custodian_name, ==, "1.2.3.4.5");

  for (guint i = 0; i < cda->sections->len; i++)
    {
      const SintesiCdaSection *section = g_ptr_array_index (cda->sections, i);

      g_string_append_printf (codes, "%s%s", i ? " " : "", section->code);
    }
  g_assert_cmpstr (codes->str, ==,
                   "48765-2 10160-0 11369-6 11450-4 10157-6 29762-2 10162-6 8716-3 46264-8 "
                   "18776-5 47519-4 46240-8 47420-5 30954-2 42348-3 57827-8 PSSIT99");

  person_id = sintesi_cda_person_id (cda, &error);
  g_assert_cmpstr (person_id, ==, "GTWGWY82B42G920M^^^&2.16.840.1.113883.2.9.4.3.2&ISO");
  hl7_type = sintesi_cda_resource_hl7_type (cda, &error);
  g_assert_cmpstr (hl7_type, ==, "('60591-5^^2.16.840.1.113883.6.1')");
}

#define MINIMAL_CDA(ID_ROOT, PATIENT_ID) \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n" \
  "  <realmCode code=\"IT\"/>\n" \
  "  <id root=\"" ID_ROOT "\" extension=\"090201.PSS.201.SINTESI42\"/>\n" \
  "  <code code=\"60591-5\" codeSystem=\"2.16.840.1.113883.6.1\"/>\n" \
  "  <recordTarget><patientRole>" PATIENT_ID "</patientRole></recordTarget>\n" \
  "</ClinicalDocument>\n"

static void
test_toscana_identificativo_doc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = load_string (MINIMAL_CDA ("2.16.840.1.113883.2.9.2.90.4.4",
                                                        "<id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"RSSMRA80A01H501U\"/>"),
                                           &error);
  g_autofree char *doc_id = NULL;

  g_assert_no_error (error);
  doc_id = sintesi_cda_identificativo_doc (cda, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (doc_id, ==, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI42");
  g_assert_cmpuint (cda->sections->len, ==, 0);
}

static void
test_wrong_id_root (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = load_string (MINIMAL_CDA ("1.2.3.4", ""), &error);
  g_autofree char *doc_id = NULL;
  g_autofree char *person_id = NULL;

  g_assert_no_error (error);
  doc_id = sintesi_cda_identificativo_doc (cda, &error);
  g_assert_null (doc_id);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_ID_ROOT);
  g_assert_nonnull (strstr (error->message, "1.2.3.4"));
  g_clear_error (&error);

  /* No patient CF: no person_id, with a reason. */
  person_id = sintesi_cda_person_id (cda, &error);
  g_assert_null (person_id);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "codice fiscale"));
}

static void
test_missing_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = load_string ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"2.16.840.1.113883.2.9.2.90.4.4\"/></ClinicalDocument>",
                                           &error);
  g_autofree char *type = NULL;
  g_autofree char *doc_id = NULL;

  g_assert_no_error (error);
  type = sintesi_cda_resource_hl7_type (cda, &error);
  g_assert_null (type);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_MISSING);
  g_clear_error (&error);
  doc_id = sintesi_cda_identificativo_doc (cda, &error);
  g_assert_null (doc_id);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_MISSING);
}

static void
test_malformed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = load_string ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<id>\n</ClinicalDocument>", &error);

  g_assert_null (cda);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "line 3"));
}

static void
test_not_cda (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = load_string ("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", &error);

  g_assert_null (cda);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_NOT_CDA);
  g_assert_nonnull (strstr (error->message, "not a clinical document"));
  g_assert_nonnull (strstr (error->message, "svg"));
  g_clear_error (&error);

  /* The right name in no namespace is still not a CDA. */
  cda = load_string ("<ClinicalDocument><id/></ClinicalDocument>", &error);
  g_assert_null (cda);
  g_assert_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_NOT_CDA);
}

static void
test_xxe_refused (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *secret = g_build_filename (tmp, "secret.txt", NULL);
  g_autofree char *path = g_build_filename (tmp, "xxe.xml", NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;

  g_assert_true (g_file_set_contents (secret, "TOPSECRET", -1, NULL));
  xml = g_strdup_printf ("<?xml version=\"1.0\"?>\n"
                         "<!DOCTYPE ClinicalDocument [ <!ENTITY x SYSTEM \"file://%s\"> ]>\n"
                         "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&x;</title></ClinicalDocument>", secret);
  g_assert_true (g_file_set_contents (path, xml, -1, NULL));
  cda = sintesi_cda_load_file (path, 0, &error);
  g_assert_null (cda);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_DTD);
  g_assert_null (strstr (error->message, "TOPSECRET"));
  sintesi_test_rmdir (tmp);
}

static void
test_huge_file_refused (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (tmp, "huge.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  int fd;

  /* 200 MB, sparse: created in no time and without using the disk. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">", 41), ==, 41);
  g_assert_cmpint (ftruncate (fd, (off_t) 200 * 1024 * 1024), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);

  cda = sintesi_cda_load_file (path, 0, &error);
  g_assert_null (cda);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_assert_nonnull (strstr (error->message, "209.7"));
  sintesi_test_rmdir (tmp);
}

static void
test_unreadable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = sintesi_cda_load_file ("/nonexistent/sintesi/cda.xml", 0, &error);

  g_assert_null (cda);
  g_assert_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_READ);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cda/example-2025-facts", test_example_2025_facts);
  g_test_add_func ("/cda/sample-2023-facts", test_sample_2023_facts);
  g_test_add_func ("/cda/toscana-identificativo-doc", test_toscana_identificativo_doc);
  g_test_add_func ("/cda/wrong-id-root", test_wrong_id_root);
  g_test_add_func ("/cda/missing-code", test_missing_code);
  g_test_add_func ("/cda/malformed", test_malformed);
  g_test_add_func ("/cda/not-cda", test_not_cda);
  g_test_add_func ("/cda/xxe-refused", test_xxe_refused);
  g_test_add_func ("/cda/huge-file-refused", test_huge_file_refused);
  g_test_add_func ("/cda/unreadable", test_unreadable);

  return g_test_run ();
}
