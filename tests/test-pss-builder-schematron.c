/* test-pss-builder-schematron.c: the builder's output passes the official
 * schematron v4.0 with 0 failed asserts, run through our own engine
 *
 * Built only when the schematron unit is in the tree (tests/meson.build).
 * The negative cases prove the run can fail: a mutation of the builder's
 * output must raise exactly the assert the schematron has for it.
 */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sintesi-pss-builder.h"
#include "sintesi-schematron.h"
#include "sintesi-test-util.h"

static SintesiSchematron *
official_schematron (void)
{
  g_autofree char *path = sintesi_test_fixture ("rules/schematron/schematron_PSS_v4.0.sch");
  g_autoptr(GError) error = NULL;
  SintesiSchematron *schematron;

  if (path == NULL)
    return NULL;
  schematron = sintesi_schematron_new_from_file (path, &error);
  g_assert_no_error (error);
  return schematron;
}

static xmlDoc *
build_doc (const SintesiPssModel *model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sintesi_pss_build (model, &error);
  gsize size;
  const char *data;
  xmlDoc *doc;

  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  doc = xmlReadMemory (data, (int) size, "built.xml", NULL, XML_PARSE_NONET);
  g_assert_nonnull (doc);
  return doc;
}

/* The ids of the failed asserts, space-separated, or "" when none; the
 * ids of the fired reports (warnings) likewise in *report_ids. */
static char *
failed_ids (SintesiSchematron  *schematron,
            xmlDoc             *doc,
            char              **report_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiSchematronResult) result = sintesi_schematron_validate (schematron, doc, &error);
  GString *ids = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < result->failed_asserts->len; i++)
    {
      const SintesiSchematronFinding *finding = g_ptr_array_index (result->failed_asserts, i);

      g_string_append_printf (ids, "%s%s", ids->len ? " " : "", finding->id);
      g_test_message ("%s at %s: %s", finding->id, finding->location, finding->message);
    }
  if (report_ids != NULL)
    {
      GString *reports = g_string_new (NULL);

      for (guint i = 0; i < result->reports->len; i++)
        g_string_append_printf (reports, "%s%s", reports->len ? " " : "",
                                ((SintesiSchematronFinding *) g_ptr_array_index (result->reports, i))->id);
      *report_ids = g_string_free (reports, FALSE);
    }
  return g_string_free (ids, FALSE);
}

static SintesiPssModel *
example_model (void)
{
  return sintesi_pss_model_new_example ("RSSMRA80A01H501U", "MNZLSN99E05F205J",
                                        "090201.PSS.201.SINTESI1", "20250114103000+0100");
}

/* 0 failed asserts, and exactly the expected warnings ("" for none). */
static void
assert_clean (SintesiSchematron     *schematron,
              const SintesiPssModel *model,
              const char            *expected_reports)
{
  xmlDoc *doc = build_doc (model);
  g_autofree char *reports = NULL;
  g_autofree char *ids = failed_ids (schematron, doc, &reports);

  g_assert_cmpstr (ids, ==, "");
  g_assert_cmpstr (reports, ==, expected_reports);
  xmlFreeDoc (doc);
}

static void
test_example_zero_failed_asserts (void)
{
  g_autoptr(SintesiSchematron) schematron = official_schematron ();
  g_autoptr(SintesiPssModel) model = NULL;

  if (schematron == NULL)
    return;
  model = example_model ();
  /* Not even a warning (W001, W002, WA001). */
  assert_clean (schematron, model, "");
}

static void
test_variants_zero_failed_asserts (void)
{
  g_autoptr(SintesiSchematron) schematron = official_schematron ();
  g_autoptr(SintesiPssModel) empty = NULL;
  g_autoptr(SintesiPssModel) changed = NULL;
  SintesiPssAllergy *allergy;
  SintesiPssProblem *problem;
  SintesiPssMedication *medication;
  SintesiPssLifestyle *lifestyle;
  SintesiPssFunctionalStatus *functional;
  SintesiPssExemption *exemption;
  SintesiPssPregnancy *pregnancy;
  SintesiPssDiseaseNetwork *network;
  SintesiPssEncounter *stay;

  if (schematron == NULL)
    return;

  /* Only the mandatory sections, with their "no information" entries. */
  empty = example_model ();
  g_ptr_array_set_size (empty->allergies, 0);
  g_ptr_array_set_size (empty->medications, 0);
  g_ptr_array_set_size (empty->problems, 0);
  g_ptr_array_set_size (empty->family_history, 0);
  g_ptr_array_set_size (empty->vaccinations, 0);
  g_ptr_array_set_size (empty->exemptions, 0);
  g_ptr_array_set_size (empty->encounters, 0);
  g_ptr_array_set_size (empty->lab_results, 0);
  empty->organ_donation = SINTESI_PSS_ORGAN_DONATION_UNKNOWN;
  assert_clean (schematron, empty, "");
  empty->no_known_allergies = TRUE;
  assert_clean (schematron, empty, "");

  /* A second version, with resolved items and the other optional forms. */
  changed = example_model ();
  changed->version = 2;
  changed->set_id_extension = g_strdup ("090201.PSS.201.SINTESI1");
  g_free (changed->id_extension);
  changed->id_extension = g_strdup ("090201.PSS.201.SINTESI2");
  changed->replaces_id_extension = g_strdup ("090201.PSS.201.SINTESI1");
  g_free (changed->confidentiality);
  changed->confidentiality = g_strdup ("V");
  allergy = g_ptr_array_index (changed->allergies, 0);
  allergy->resolved = TRUE;
  allergy->end = g_strdup ("20000101");
  allergy->criticality = SINTESI_PSS_CRITICALITY_NONE;
  g_clear_pointer (&allergy->reaction.code, g_free);
  problem = g_ptr_array_index (changed->problems, 0);
  problem->resolved = TRUE;
  problem->end = g_strdup ("20240101");
  problem->severity = SINTESI_PSS_CRITICALITY_NONE;
  medication = g_ptr_array_index (changed->medications, 0);
  medication->end = g_strdup ("20240101");
  g_clear_pointer (&medication->period_value, g_free);
  g_clear_pointer (&medication->dose_value, g_free);
  lifestyle = g_ptr_array_index (changed->lifestyle, 0);
  g_clear_pointer (&lifestyle->value.code, g_free);
  lifestyle->text = g_strdup ("Non fumatore da 10 anni");
  functional = g_ptr_array_index (changed->functional_status, 0);
  functional->care_regime.code = g_strdup ("PSSADI");
  functional->care_regime.system = g_strdup ("2.16.840.1.113883.2.9.5.2.8");
  functional->care_regime.display = g_strdup ("Assistenza domiciliare integrata");
  exemption = g_ptr_array_index (changed->exemptions, 0);
  exemption->end = g_strdup ("20240101");
  assert_clean (schematron, changed, "");

  /* All 17 sections; a stay without a known physician is a warning (W002). */
  pregnancy = g_new0 (SintesiPssPregnancy, 1);
  pregnancy->observation.code = g_strdup ("11996-6");
  pregnancy->observation.system = g_strdup ("2.16.840.1.113883.6.1");
  pregnancy->observation.display = g_strdup ("Numero di gravidanze");
  pregnancy->value = g_strdup ("2");
  pregnancy->date = g_strdup ("20100301");
  g_ptr_array_add (changed->pregnancies, pregnancy);
  network = g_new0 (SintesiPssDiseaseNetwork, 1);
  network->network.code = g_strdup ("SCOMP");
  network->network.system = g_strdup ("2.16.840.1.113883.2.9.2.90.3.1");
  network->network.display = g_strdup ("Rete scompenso cardiaco");
  network->start = g_strdup ("20220101");
  network->end = g_strdup ("20240101");
  g_ptr_array_add (changed->disease_networks, network);
  stay = g_new0 (SintesiPssEncounter, 1);
  stay->encounter.code = g_strdup ("IMP");
  stay->encounter.system = g_strdup ("2.16.840.1.113883.2.9.77.22.11.14");
  stay->encounter.display = g_strdup ("Ricovero");
  stay->start = g_strdup ("20230410");
  stay->end = g_strdup ("20230415");
  g_ptr_array_add (changed->encounters, stay);
  changed->organ_donation = SINTESI_PSS_ORGAN_DONATION_DISSENT;
  assert_clean (schematron, changed, "W002");
}

/* The run can fail: break the builder's output and get the right assert. */
static void
test_mutations_are_caught (void)
{
  static const struct { const char *xpath; const char *attribute; const char *value; const char *expected; } cases[] = {
    { "/hl7:ClinicalDocument/hl7:legalAuthenticator/hl7:signatureCode", "code", "X", "ERRORE-27" },
    { "//hl7:patientRole/hl7:id", "extension", "rssmra80a01h501u", "ERRORE-52" },
    { "/hl7:ClinicalDocument/hl7:confidentialityCode", "code", "Q", "ERRORE-6" },
    { "//hl7:section[hl7:code/@code='46264-8']/hl7:entry/hl7:supply/hl7:code", "codeSystem", "2.16.840.1.113883.6.1", "ERRORE-b211" },
  };
  g_autoptr(SintesiSchematron) schematron = official_schematron ();
  g_autoptr(SintesiPssModel) model = NULL;

  if (schematron == NULL)
    return;
  model = example_model ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      xmlDoc *doc = build_doc (model);
      xmlXPathContext *ctx = xmlXPathNewContext (doc);
      xmlXPathObject *nodes;
      g_autofree char *ids = NULL;

      xmlXPathRegisterNs (ctx, (const xmlChar *) "hl7", (const xmlChar *) "urn:hl7-org:v3");
      nodes = xmlXPathEvalExpression ((const xmlChar *) cases[i].xpath, ctx);
      g_assert_nonnull (nodes);
      g_assert_nonnull (nodes->nodesetval);
      g_assert_cmpint (nodes->nodesetval->nodeNr, ==, 1);
      xmlSetProp (nodes->nodesetval->nodeTab[0], (const xmlChar *) cases[i].attribute, (const xmlChar *) cases[i].value);
      ids = failed_ids (schematron, doc, NULL);
      g_assert_cmpstr (ids, ==, cases[i].expected);
      xmlXPathFreeObject (nodes);
      xmlXPathFreeContext (ctx);
      xmlFreeDoc (doc);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pss-builder-schematron/example", test_example_zero_failed_asserts);
  g_test_add_func ("/pss-builder-schematron/variants", test_variants_zero_failed_asserts);
  g_test_add_func ("/pss-builder-schematron/mutations-are-caught", test_mutations_are_caught);

  return g_test_run ();
}
