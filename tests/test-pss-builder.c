/* test-pss-builder.c: the PSS builder writes valid, stable, self-consistent CDAs
 *
 * The XSD oracle is xmllint on the official schema set (skipped without the
 * fixtures or xmllint); the official schematron runs through our engine in
 * test-pss-builder-schematron.c once that engine is part of the tree.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>
#include <unistd.h>

#include "sintesi-cda.h"
#include "sintesi-pss-builder.h"
#include "sintesi-test-util.h"
#include "sintesi-xml.h"

#define PATIENT_CF "RSSMRA80A01H501U"
#define AUTHOR_CF  "MNZLSN99E05F205J"
#define DOC_ID     "090201.PSS.201.SINTESI1"

static SintesiPssModel *
example_model (void)
{
  return sintesi_pss_model_new_example (PATIENT_CF, AUTHOR_CF, DOC_ID, "20250114103000+0100");
}

static GBytes *
build_ok (const SintesiPssModel *model)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = sintesi_pss_build (model, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

/* xmllint --schema against the official set; the set includes
 * ./coreschemas/…, so the test lays out a folder where that path exists. */
static void
assert_xsd_valid (GBytes *bytes)
{
  g_autofree char *xsd_dir = sintesi_test_fixture ("rules/xsd");
  g_autofree char *tmp = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree char *cda_path = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int status;

  if (xsd_dir == NULL)
    return;
  if (!sintesi_test_have_program ("xmllint"))
    {
      g_test_skip ("xmllint not installed");
      return;
    }
  tmp = sintesi_test_mkdtemp ();
  schema_dir = g_build_filename (tmp, "xsd", NULL);
  g_assert_cmpint (g_mkdir (schema_dir, 0700), ==, 0);
  dir = g_dir_open (xsd_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *target = g_build_filename (xsd_dir, name, NULL);
      g_autofree char *link = g_build_filename (schema_dir, name, NULL);

      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  {
    g_autofree char *core = g_build_filename (schema_dir, "coreschemas", NULL);

    g_assert_cmpint (symlink (".", core), ==, 0);
  }
  cda_path = g_build_filename (tmp, "cda.xml", NULL);
  g_assert_true (g_file_set_contents (cda_path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL));
  schema = g_build_filename (schema_dir, "CDA.xsd", NULL);
  {
    const char *argv[] = { "xmllint", "--noout", "--schema", schema, cda_path, NULL };

    status = sintesi_test_run (argv, NULL, &out, &err);
  }
  if (status != 0)
    g_printerr ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "validates"));
  sintesi_test_rmdir (tmp);
}

static xmlDoc *
parse (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  xmlDoc *doc = xmlReadMemory (data, (int) size, "cda.xml", NULL, XML_PARSE_NONET);

  g_assert_nonnull (doc);
  return doc;
}

static xmlXPathObject *
select_nodes (xmlDoc *doc, const char *expression)
{
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  xmlXPathObject *result;

  xmlXPathRegisterNs (ctx, (const xmlChar *) "hl7", (const xmlChar *) "urn:hl7-org:v3");
  result = xmlXPathEvalExpression ((const xmlChar *) expression, ctx);
  xmlXPathFreeContext (ctx);
  g_assert_nonnull (result);
  return result;
}

static double
count (xmlDoc *doc, const char *expression)
{
  g_autofree char *wrapped = g_strdup_printf ("count(%s)", expression);
  xmlXPathObject *result = select_nodes (doc, wrapped);
  double n = result->floatval;

  xmlXPathFreeObject (result);
  return n;
}

/* Every narrative reference points at an element of the same document with
 * that ID, IDs are unique, and every section has a real narrative. */
static void
assert_references_resolve (xmlDoc *doc)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlXPathObject *with_id = select_nodes (doc, "//*[@ID]");
  xmlXPathObject *refs = select_nodes (doc, "//hl7:reference/@value");

  for (int i = 0; i < with_id->nodesetval->nodeNr; i++)
    {
      xmlChar *id = xmlGetProp (with_id->nodesetval->nodeTab[i], (const xmlChar *) "ID");

      g_assert_false (g_hash_table_contains (ids, id));
      g_hash_table_add (ids, g_strdup ((const char *) id));
      xmlFree (id);
    }
  g_assert_nonnull (refs->nodesetval);
  g_assert_cmpint (refs->nodesetval->nodeNr, >, 0);
  for (int i = 0; i < refs->nodesetval->nodeNr; i++)
    {
      xmlChar *value = xmlNodeGetContent (refs->nodesetval->nodeTab[i]);

      g_assert_cmpint (value[0], ==, '#');
      if (!g_hash_table_contains (ids, (const char *) value + 1))
        g_error ("reference %s points nowhere", (const char *) value);
      xmlFree (value);
    }
  xmlXPathFreeObject (with_id);
  xmlXPathFreeObject (refs);

  g_assert_cmpfloat (count (doc, "//hl7:section[not(hl7:text)]"), ==, 0);
  g_assert_cmpfloat (count (doc, "//hl7:section/hl7:text[normalize-space(.)='']"), ==, 0);
}

static void
test_example_valid (void)
{
  g_autoptr(SintesiPssModel) model = example_model ();
  g_autoptr(GBytes) bytes = build_ok (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = sintesi_cda_load_bytes (bytes, "built.xml", 0, &error);
  g_autofree char *doc_id = NULL;
  xmlDoc *doc;
  static const char * const sections[] = {
    "48765-2", "10160-0", "11369-6", "11450-4", "10157-6", "29762-2", "8716-3",
    "46264-8", "18776-5", "47519-4", "46240-8", "47420-5", "30954-2", "42348-3", "57827-8",
  };

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (bytes, NULL), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));

  /* The facts read back are the model's. */
  g_assert_cmpstr (cda->id.root, ==, "2.16.840.1.113883.2.9.2.90.4.4");
  g_assert_cmpstr (cda->id.extension, ==, DOC_ID);
  g_assert_cmpstr (cda->set_id.extension, ==, DOC_ID);
  g_assert_cmpstr (cda->version_number, ==, "1");
  g_assert_cmpstr (cda->patient_cf, ==, PATIENT_CF);
  g_assert_cmpstr (cda->patient_sex, ==, "M");
  g_assert_cmpstr (cda->patient_birth_time, ==, "19800101");
  g_assert_cmpstr (cda->author_cf, ==, AUTHOR_CF);
  g_assert_cmpstr (cda->legal_authenticator_cf, ==, AUTHOR_CF);
  g_assert_cmpstr (cda->legal_authenticator_signature_code, ==, "S");
  g_assert_cmpstr (cda->confidentiality_code, ==, "N");
  g_assert_cmpstr (((SintesiCdaId *) g_ptr_array_index (cda->template_ids, 0))->root, ==,
                   "2.16.840.1.113883.2.9.10.1.4.1.1");
  g_assert_cmpuint (cda->sections->len, ==, G_N_ELEMENTS (sections));
  for (gsize i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const SintesiCdaSection *section = g_ptr_array_index (cda->sections, i);

      g_assert_cmpstr (section->code, ==, sections[i]);
      g_assert_true (section->has_text);
      /* The organ donation section is narrative only. */
      if (strcmp (section->code, "42348-3") != 0)
        g_assert_cmpuint (section->n_entries, >=, 1);
    }
  doc_id = sintesi_cda_identificativo_doc (cda, &error);
  g_assert_cmpstr (doc_id, ==, "2.16.840.1.113883.2.9.2.90.4.4^" DOC_ID);

  doc = cda->doc;
  assert_references_resolve (doc);
  /* The narrative carries the same data as the entries. */
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='48765-2']/hl7:text//hl7:content[@ID='allergia-1-agente'][.='Benzilpenicillina (J01CE01)']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='10160-0']/hl7:text//hl7:tr[@ID]"), ==, 2);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='10160-0']/hl7:entry"), ==, 2);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='10160-0']//hl7:td[.='1 compressa al mattino' or contains(., 'mattino')]"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='11450-4']//hl7:content[.='Ipertensione essenziale non specificata (401.9)']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='11450-4']//hl7:value[@code='401.9'][@codeSystem='2.16.840.1.113883.6.103']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='8716-3']//hl7:tr[@ID]"), ==, 4);
  g_assert_cmpfloat (count (doc, "//hl7:section[hl7:code/@code='8716-3']/hl7:entry"), ==, 4);

  assert_xsd_valid (bytes);
}

/* The optional forms the example does not use: pregnancies, disease networks,
 * a stay with both dates, a visit without a known physician. */
static SintesiPssModel *
all_sections_model (void)
{
  SintesiPssModel *model = example_model ();
  SintesiPssPregnancy *pregnancy = g_new0 (SintesiPssPregnancy, 1);
  SintesiPssDiseaseNetwork *network = g_new0 (SintesiPssDiseaseNetwork, 1);
  SintesiPssEncounter *stay = g_new0 (SintesiPssEncounter, 1);

  pregnancy->observation.code = g_strdup ("11996-6");
  pregnancy->observation.system = g_strdup ("2.16.840.1.113883.6.1");
  pregnancy->observation.display = g_strdup ("Numero di gravidanze");
  pregnancy->value = g_strdup ("2");
  pregnancy->date = g_strdup ("20100301");
  g_ptr_array_add (model->pregnancies, pregnancy);
  network->network.code = g_strdup ("SCOMP");
  network->network.system = g_strdup ("2.16.840.1.113883.2.9.2.90.3.1");
  network->network.display = g_strdup ("Rete scompenso cardiaco");
  network->start = g_strdup ("20220101");
  g_ptr_array_add (model->disease_networks, network);
  stay->encounter.code = g_strdup ("IMP");
  stay->encounter.system = g_strdup ("2.16.840.1.113883.2.9.77.22.11.14");
  stay->encounter.display = g_strdup ("Ricovero");
  stay->start = g_strdup ("20230410");
  stay->end = g_strdup ("20230415");
  g_ptr_array_add (model->encounters, stay);
  model->organ_donation = SINTESI_PSS_ORGAN_DONATION_DISSENT;
  return model;
}

static void
test_all_sections (void)
{
  g_autoptr(SintesiPssModel) model = all_sections_model ();
  g_autoptr(GBytes) bytes = build_ok (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = sintesi_cda_load_bytes (bytes, "all.xml", 0, &error);
  g_autoptr(GString) codes = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < cda->sections->len; i++)
    g_string_append_printf (codes, "%s%s", i ? " " : "",
                            ((SintesiCdaSection *) g_ptr_array_index (cda->sections, i))->code);
  /* All 17 sections, in the order of pss-document.md §4.3. */
  g_assert_cmpstr (codes->str, ==,
                   "48765-2 10160-0 11369-6 11450-4 10157-6 29762-2 10162-6 8716-3 46264-8 "
                   "18776-5 47519-4 46240-8 47420-5 30954-2 42348-3 57827-8 PSSIT99");
  g_assert_cmpstr (sintesi_cda_find_section (cda, "PSSIT99")->code_system, ==, "2.16.840.1.113883.2.9.5.2.8");
  g_assert_cmpfloat (count (cda->doc, "//hl7:section[hl7:code/@code='46240-8']/hl7:entry/hl7:encounter[hl7:effectiveTime/hl7:low/@value='20230410'][hl7:effectiveTime/hl7:high/@value='20230415'][not(hl7:performer)]"), ==, 1);
  g_assert_cmpfloat (count (cda->doc, "//hl7:section[hl7:code/@code='42348-3']//hl7:td[.='Dissenso']"), ==, 1);
  g_assert_cmpfloat (count (cda->doc, "//hl7:section[hl7:code/@code='10162-6']//hl7:value[@value='2']"), ==, 1);
  assert_references_resolve (cda->doc);
  assert_xsd_valid (bytes);
}

static void
test_byte_stable (void)
{
  g_autoptr(SintesiPssModel) first = example_model ();
  g_autoptr(SintesiPssModel) second = example_model ();
  g_autoptr(GBytes) a = build_ok (first);
  g_autoptr(GBytes) b = build_ok (second);
  g_autoptr(GBytes) again = build_ok (first);

  g_assert_true (g_bytes_equal (a, b));
  g_assert_true (g_bytes_equal (a, again));

  /* …and a change in the model is a change in the bytes. */
  g_free (second->patient.given);
  second->patient.given = g_strdup ("Marco");
  {
    g_autoptr(GBytes) c = build_ok (second);

    g_assert_false (g_bytes_equal (a, c));
  }
}

static void
test_no_information (void)
{
  g_autoptr(SintesiPssModel) model = example_model ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  /* Only the four mandatory sections, each with its "no information" entry. */
  g_ptr_array_set_size (model->allergies, 0);
  g_ptr_array_set_size (model->medications, 0);
  g_ptr_array_set_size (model->problems, 0);
  g_ptr_array_set_size (model->family_history, 0);
  g_ptr_array_set_size (model->vaccinations, 0);
  g_ptr_array_set_size (model->vital_signs, 0);
  g_ptr_array_set_size (model->lifestyle, 0);
  g_ptr_array_set_size (model->devices, 0);
  g_ptr_array_set_size (model->procedures, 0);
  g_ptr_array_set_size (model->functional_status, 0);
  g_ptr_array_set_size (model->care_plan, 0);
  g_ptr_array_set_size (model->exemptions, 0);
  g_ptr_array_set_size (model->encounters, 0);
  g_ptr_array_set_size (model->lab_results, 0);
  model->organ_donation = SINTESI_PSS_ORGAN_DONATION_UNKNOWN;
  bytes = build_ok (model);
  doc = parse (bytes);

  g_assert_cmpfloat (count (doc, "//hl7:section"), ==, 4);
  g_assert_cmpfloat (count (doc, "//hl7:value[@code='no-allergy-info'][@codeSystem='2.16.840.1.113883.11.22.9']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:substanceAdministration[hl7:templateId/@root='2.16.840.1.113883.2.9.10.1.4.3.2.3']/hl7:code[@code='no-medication-info']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:value[@code='no-known-problems'][@codeSystem='2.16.840.1.113883.11.22.17']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:observation[hl7:templateId/@root='2.16.840.1.113883.2.9.10.1.4.3.16.4']"), ==, 1);
  assert_references_resolve (doc);
  assert_xsd_valid (bytes);

  model->no_known_allergies = TRUE;
  {
    g_autoptr(GBytes) known = build_ok (model);
    g_autoptr(xmlDoc) known_doc = parse (known);

    g_assert_cmpfloat (count (known_doc, "//hl7:value[@code='no-known-allergies']"), ==, 1);
  }
}

static void
test_new_version (void)
{
  g_autoptr(SintesiPssModel) model = example_model ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;

  model->version = 2;
  model->set_id_extension = g_strdup (DOC_ID);
  g_free (model->id_extension);
  model->id_extension = g_strdup ("090201.PSS.201.SINTESI2");
  /* A new version must say which document it replaces. */
  g_assert_null (sintesi_pss_build (model, &error));
  g_assert_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_MISSING);
  g_clear_error (&error);

  model->replaces_id_extension = g_strdup (DOC_ID);
  bytes = build_ok (model);
  cda = sintesi_cda_load_bytes (bytes, "v2.xml", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cda->version_number, ==, "2");
  g_assert_cmpstr (cda->set_id.extension, ==, DOC_ID);
  g_assert_cmpstr (cda->id.extension, ==, "090201.PSS.201.SINTESI2");
  g_assert_cmpfloat (count (cda->doc, "/hl7:ClinicalDocument/hl7:relatedDocument[@typeCode='RPLC']/hl7:parentDocument/hl7:id[@extension='" DOC_ID "']"), ==, 1);
  assert_xsd_valid (bytes);
}

static void
test_escaping (void)
{
  g_autoptr(SintesiPssModel) model = example_model ();
  SintesiPssProblem *problem = g_ptr_array_index (model->problems, 0);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  g_free (problem->comment);
  problem->comment = g_strdup ("PA < 140/90 & \"buona\" aderenza <script>");
  g_free (model->patient.family);
  model->patient.family = g_strdup ("D'Alò");
  bytes = build_ok (model);
  doc = parse (bytes);
  g_assert_cmpfloat (count (doc, "//hl7:content[@ID='problema-1-nota'][.='PA < 140/90 & \"buona\" aderenza <script>']"), ==, 1);
  g_assert_cmpfloat (count (doc, "//hl7:script"), ==, 0);
  g_assert_cmpfloat (count (doc, "//hl7:patient/hl7:name/hl7:family[.=\"D'Alò\"]"), ==, 1);
}

static void
assert_refused (SintesiPssModel *model, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sintesi_pss_build (model, &error);

  g_assert_null (bytes);
  g_assert_error (error, SINTESI_PSS_BUILDER_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, error->message);
}

static void
test_refusals (void)
{
  {
    g_autoptr(SintesiPssModel) model = sintesi_pss_model_new_example ("rssmra80a01h501u", AUTHOR_CF, DOC_ID, "20250114");

    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "rssmra80a01h501u");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();

    g_clear_pointer (&model->patient.given, g_free);
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_MISSING, "given name");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();

    g_free (model->effective_time);
    model->effective_time = g_strdup ("14/01/2025");
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "14/01/2025");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();

    g_free (model->confidentiality);
    model->confidentiality = g_strdup ("R");
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "refuses R");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();
    SintesiPssVaccination *vaccination = g_ptr_array_index (model->vaccinations, 0);

    g_clear_pointer (&vaccination->lot, g_free);
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_MISSING, "lot number");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();
    SintesiPssAllergy *allergy = g_ptr_array_index (model->allergies, 0);

    allergy->resolved = TRUE;
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_MISSING, "allergy’s end date");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();
    SintesiPssLabResult *lab = g_ptr_array_index (model->lab_results, 0);

    g_clear_pointer (&lab->range_high, g_free);
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "reference range");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();
    SintesiPssEncounter *visit = g_ptr_array_index (model->encounters, 0);

    g_free (visit->performer_cf);
    visit->performer_cf = g_strdup ("Rssgnn66c05a271y");
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "Rssgnn66c05a271y");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();
    SintesiPssProblem *problem = g_ptr_array_index (model->problems, 0);

    g_free (problem->comment);
    problem->comment = g_strdup ("pasted from a terminal \x1b[0m");
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "control characters");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();

    g_free (model->patient.family);
    model->patient.family = g_strdup ("Ross\xe9");   /* Latin-1, not UTF-8 */
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_INVALID, "invalid UTF-8");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();

    g_clear_pointer (&model->patient.birth_census_tract, g_free);
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_MISSING, "birthplace");
  }
  {
    g_autoptr(SintesiPssModel) model = example_model ();

    g_clear_pointer (&model->author.phone, g_free);
    g_clear_pointer (&model->author.email, g_free);
    assert_refused (model, SINTESI_PSS_BUILDER_ERROR_MISSING, "phone or e-mail");
  }
}

static void
test_example_demographics (void)
{
  /* CFs from certificates-and-accreditation §6: a woman born 06/01/2012, an
   * omocode variant of a man born 05/05/1999, and the national placeholder. */
  g_autoptr(SintesiPssModel) female = sintesi_pss_model_new_example ("DRCGNN12A46A326K", AUTHOR_CF, DOC_ID, "20250114");
  g_autoptr(SintesiPssModel) omocode = sintesi_pss_model_new_example ("MNZLSN99E05FNLRE", AUTHOR_CF, DOC_ID, "20250114");
  g_autoptr(SintesiPssModel) placeholder = sintesi_pss_model_new_example ("PROVAX00X00X000Y", AUTHOR_CF, DOC_ID, "20250114");

  g_assert_cmpstr (female->patient.sex, ==, "F");
  g_assert_cmpstr (female->patient.birth_date, ==, "20120106");
  g_assert_cmpstr (female->patient.given, ==, "Maria");
  g_assert_cmpstr (omocode->patient.sex, ==, "M");
  g_assert_cmpstr (omocode->patient.birth_date, ==, "19990505");
  g_assert_cmpstr (placeholder->patient.birth_date, ==, "19580312");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pss-builder/example-valid", test_example_valid);
  g_test_add_func ("/pss-builder/all-sections", test_all_sections);
  g_test_add_func ("/pss-builder/byte-stable", test_byte_stable);
  g_test_add_func ("/pss-builder/no-information", test_no_information);
  g_test_add_func ("/pss-builder/new-version", test_new_version);
  g_test_add_func ("/pss-builder/escaping", test_escaping);
  g_test_add_func ("/pss-builder/refusals", test_refusals);
  g_test_add_func ("/pss-builder/example-demographics", test_example_demographics);

  return g_test_run ();
}
