/* test-pss-checks.c: every built-in PSS check passes on the national example
 * and fails, with its message, on a mutation of it */
#include "config.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sintesi-cda.h"
#include "sintesi-pss-builder.h"
#include "sintesi-pss-checks.h"
#include "sintesi-test-util.h"

typedef enum
{
  SET_ATTR,       /* set attribute name = value on every match */
  REMOVE_ATTR,    /* remove attribute name from every match */
  REMOVE_NODE,    /* unlink every match */
  PREPEND_TEMPLATE, /* insert <templateId root=value/> before the first match */
} Op;

typedef struct
{
  const char *check_id;
  const char *xpath;
  Op          op;
  const char *name;
  const char *value;
  const char *fragment;   /* expected in the failed check's message */
} Mutation;

#define SECTION(code) "/hl7:ClinicalDocument/hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code/@code='" code "']"

static const Mutation mutations[] = {
  { "realm-code", "/hl7:ClinicalDocument/hl7:realmCode", SET_ATTR, "code", "FR", "realmCode with code IT" },
  { "type-id", "/hl7:ClinicalDocument/hl7:typeId", SET_ATTR, "extension", "POCD_HD000040", "POCD_MT000040UV02" },
  { "template-id", "/hl7:ClinicalDocument/hl7:templateId", PREPEND_TEMPLATE, NULL, "2.16.840.1.113883.10.20.1",
    "must be the first templateId" },
  { "template-id", "/hl7:ClinicalDocument/hl7:templateId", REMOVE_NODE, NULL, NULL, "lacks the patient summary templateId" },
  { "document-code", "/hl7:ClinicalDocument/hl7:code", SET_ATTR, "code", "34133-9", "“34133-9”" },
  { "document-id", "/hl7:ClinicalDocument/hl7:id", REMOVE_ATTR, "extension", NULL, "exactly one identifier" },
  { "version", "/hl7:ClinicalDocument/hl7:versionNumber", SET_ATTR, "value", "2", "keep the setId of the first version" },
  { "version", "/hl7:ClinicalDocument/hl7:versionNumber", SET_ATTR, "value", "uno", "whole number" },
  { "confidentiality", "/hl7:ClinicalDocument/hl7:confidentialityCode", SET_ATTR, "code", "R", "“R” is not accepted" },
  { "confidentiality", "/hl7:ClinicalDocument/hl7:confidentialityCode", REMOVE_NODE, NULL, NULL, "is missing" },
  { "language", "/hl7:ClinicalDocument/hl7:languageCode", REMOVE_NODE, NULL, NULL, "language" },
  { "patient", "//hl7:patientRole/hl7:patient/hl7:name/hl7:given", REMOVE_NODE, NULL, NULL, "given name" },
  { "patient", "//hl7:patientRole/hl7:addr/hl7:city", REMOVE_NODE, NULL, NULL, "municipality" },
  { "patient", "//hl7:patientRole/hl7:patient/hl7:administrativeGenderCode", SET_ATTR, "codeSystem", "1.2.3", "sex" },
  { "patient-cf", "//hl7:patientRole/hl7:id", SET_ATTR, "extension", "RSSMRA22A01A399A", "“RSSMRA22A01A399A”, is not valid" },
  { "patient-cf", "//hl7:patientRole/hl7:id", SET_ATTR, "extension", "rssmra22a01a399z", "“rssmra22a01a399z”, is not valid" },
  { "author", "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor/hl7:telecom", REMOVE_NODE, NULL, NULL, "telecom" },
  { "author", "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor/hl7:code", SET_ATTR, "codeSystem", "2.16.840.1.113883.5.111", "MMG or PLS" },
  { "author-cf", "/hl7:ClinicalDocument/hl7:author/hl7:assignedAuthor/hl7:id", SET_ATTR, "extension", "MNZLSN99E05F205K", "“MNZLSN99E05F205K”, is not valid" },
  { "legal-authenticator", "/hl7:ClinicalDocument/hl7:legalAuthenticator/hl7:signatureCode", SET_ATTR, "code", "X", "must be S (signed), not “X”" },
  { "legal-authenticator", "/hl7:ClinicalDocument/hl7:legalAuthenticator", REMOVE_NODE, NULL, NULL, "legalAuthenticator" },
  { "legal-authenticator-cf", "/hl7:ClinicalDocument/hl7:legalAuthenticator/hl7:assignedEntity/hl7:id", SET_ATTR, "extension", "MNZLSN99E05F205K", "“MNZLSN99E05F205K”, is not valid" },
  { "cf-format", "/hl7:ClinicalDocument/hl7:participant/hl7:associatedEntity/hl7:id", SET_ATTR, "extension", "Prvx00X00X000Y", "“Prvx00X00X000Y” (line" },
  { "custodian", "//hl7:representedCustodianOrganization/hl7:name", REMOVE_NODE, NULL, NULL, "custodian" },
  { "documentation-of", "//hl7:documentationOf/hl7:serviceEvent/hl7:effectiveTime", REMOVE_NODE, NULL, NULL, "documentationOf" },
  { "telecom-use", "//hl7:patientRole/hl7:telecom[1]", REMOVE_ATTR, "use", NULL, "the use attribute" },
  { "section-allergies", SECTION ("48765-2") "/..", REMOVE_NODE, NULL, NULL, "“Allergie e Intolleranze” (LOINC 48765-2) is missing" },
  { "section-allergies", SECTION ("48765-2") "/hl7:templateId", SET_ATTR, "root", "1.2.3", "templateId 2.16.840.1.113883.2.9.10.1.4.2.1" },
  { "section-allergies", SECTION ("48765-2") "/hl7:title", REMOVE_NODE, NULL, NULL, "has no title" },
  { "section-medications", SECTION ("10160-0") "/hl7:entry/hl7:substanceAdministration/hl7:templateId", SET_ATTR, "root", "1.2.3", "or hold a single" },
  { "section-medications", SECTION ("10160-0") "/hl7:text", REMOVE_NODE, NULL, NULL, "no readable text" },
  { "section-problems", SECTION ("11450-4") "/hl7:entry", REMOVE_NODE, NULL, NULL, "“Lista dei Problemi” has no coded entry" },
  { "section-family-history", SECTION ("10157-6") "/hl7:text", REMOVE_NODE, NULL, NULL, "“Anamnesi Familiare” has no readable text" },
  { "section-family-history", SECTION ("10157-6") "/hl7:code", SET_ATTR, "codeSystem", "1.2.3", "“Anamnesi Familiare” (LOINC 10157-6) is missing" },
  /* The national KO test cases on section entries. */
  { "section-allergies", SECTION ("48765-2") "/hl7:entry/hl7:act/hl7:effectiveTime", REMOVE_NODE, NULL, NULL, "An allergy has no start date" },   /* CT18 */
  { "section-allergies", SECTION ("48765-2") "//hl7:observation/hl7:participant", REMOVE_NODE, NULL, NULL, "does not say what causes it" },   /* CT19 */
  { "section-allergies", SECTION ("48765-2") "/hl7:entry/hl7:act/hl7:entryRelationship", REMOVE_NODE, NULL, NULL, "exactly one allergy" },
  { "section-medications", SECTION ("10160-0") "/hl7:entry/hl7:substanceAdministration/hl7:effectiveTime[1]", REMOVE_NODE, NULL, NULL, "A medication has no start date" },   /* CT16 */
  { "section-medications", SECTION ("10160-0") "/hl7:entry/hl7:substanceAdministration/hl7:routeCode", REMOVE_NODE, NULL, NULL, "route of administration" },
  { "section-problems", SECTION ("11450-4") "/hl7:entry/hl7:act/hl7:code", REMOVE_NODE, NULL, NULL, "lacks its act code" },   /* CT12 */
  { "section-problems", SECTION ("11450-4") "/hl7:entry/hl7:act/hl7:entryRelationship", REMOVE_NODE, NULL, NULL, "does not describe the problem" },
  { "section-family-history", SECTION ("10157-6") "//hl7:relatedSubject/hl7:code", REMOVE_NODE, NULL, NULL, "which relative" },   /* CT17 */
  { "section-vaccinations", SECTION ("11369-6") "/hl7:entry/hl7:substanceAdministration/hl7:statusCode", REMOVE_NODE, NULL, NULL, "Section “Vaccinazioni”: A vaccination has no status" },   /* CT14 */
  { "section-vaccinations", SECTION ("11369-6") "//hl7:lotNumberText", REMOVE_NODE, NULL, NULL, "lot number" },
  { "section-vaccinations", SECTION ("11369-6") "/hl7:title", REMOVE_NODE, NULL, NULL, "“Vaccinazioni” has no title" },
  { "section-codes", SECTION ("11369-6") "/hl7:code", SET_ATTR, "code", "11369-7", "“11369-7”" },
  { "section-codes", SECTION ("PSSIT99") "/hl7:code", SET_ATTR, "codeSystem", "2.16.840.1.113883.6.1", "“PSSIT99”" },
};

static SintesiCda *
load_example (void)
{
  g_autofree char *path = sintesi_test_fixture ("cda/pss-example-2025.xml");
  g_autoptr(GError) error = NULL;
  SintesiCda *cda;

  if (path == NULL)
    return NULL;
  cda = sintesi_cda_load_file (path, 0, &error);
  g_assert_no_error (error);
  return cda;
}

static SintesiCda *
mutate (const SintesiCda *original,
        const Mutation   *mutation)
{
  g_autoptr(GError) error = NULL;
  xmlDoc *doc = xmlCopyDoc (original->doc, 1);
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  xmlXPathObject *nodes;
  SintesiCda *cda;

  xmlXPathRegisterNs (ctx, (const xmlChar *) "hl7", (const xmlChar *) "urn:hl7-org:v3");
  nodes = xmlXPathEvalExpression ((const xmlChar *) mutation->xpath, ctx);
  g_assert_nonnull (nodes);
  if (nodes->nodesetval == NULL || nodes->nodesetval->nodeNr == 0)
    g_error ("mutation %s: %s selects nothing", mutation->check_id, mutation->xpath);
  for (int i = 0; i < nodes->nodesetval->nodeNr; i++)
    {
      xmlNode *node = nodes->nodesetval->nodeTab[i];

      switch (mutation->op)
        {
        case SET_ATTR:
          xmlSetProp (node, (const xmlChar *) mutation->name, (const xmlChar *) mutation->value);
          break;
        case REMOVE_ATTR:
          xmlUnsetProp (node, (const xmlChar *) mutation->name);
          break;
        case REMOVE_NODE:
          xmlUnlinkNode (node);
          xmlFreeNode (node);
          break;
        case PREPEND_TEMPLATE:
          if (i == 0)
            {
              xmlNode *added = xmlNewNode (node->ns, (const xmlChar *) "templateId");

              xmlSetProp (added, (const xmlChar *) "root", (const xmlChar *) mutation->value);
              xmlAddPrevSibling (node, added);
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  xmlXPathFreeObject (nodes);
  xmlXPathFreeContext (ctx);
  cda = sintesi_cda_new_from_doc (doc, "mutated.xml", &error);
  g_assert_no_error (error);
  return cda;
}

static void
test_example_passes (void)
{
  g_autoptr(SintesiCda) cda = load_example ();
  g_autoptr(GPtrArray) checks = NULL;
  static const char * const ids[] = {
    "realm-code", "type-id", "template-id", "document-code", "document-id", "version", "confidentiality",
    "language", "patient", "patient-cf", "author", "author-cf", "legal-authenticator", "legal-authenticator-cf",
    "cf-format", "custodian", "documentation-of", "telecom-use", "section-allergies", "section-medications",
    "section-problems", "section-family-history", "section-vaccinations", "section-codes",
  };

  if (cda == NULL)
    return;
  /* The national example uses the placeholder CF for its physicians. */
  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_TEST_MODE);
  g_assert_cmpuint (checks->len, ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiPssCheck *check = g_ptr_array_index (checks, i);

      g_assert_cmpstr (check->id, ==, ids[i]);
      if (!check->ok)
        g_error ("%s failed on the national example: %s", check->id, check->message);
      g_assert_true (check->message != NULL && *check->message != '\0');
    }
  g_assert_true (sintesi_pss_checks_all_ok (checks));
  g_assert_cmpstr (sintesi_pss_checks_find (checks, "section-allergies")->message, ==,
                   "The section “Allergie e Intolleranze” is present with 1 entry.");
  g_assert_cmpstr (sintesi_pss_checks_find (checks, "section-vaccinations")->message, ==,
                   "The section “Vaccinazioni” is present with 1 entry.");
  g_assert_cmpstr (sintesi_pss_checks_find (checks, "patient-cf")->message, ==,
                   "The codice fiscale of the patient (RSSMRA22A01A399Z) is valid.");
  g_assert_null (sintesi_pss_checks_find (checks, "no-such-check"));
}

static void
test_placeholder_outside_test_mode (void)
{
  g_autoptr(SintesiCda) cda = load_example ();
  g_autoptr(GPtrArray) checks = NULL;
  const SintesiPssCheck *author;

  if (cda == NULL)
    return;
  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_NONE);
  author = sintesi_pss_checks_find (checks, "author-cf");
  g_assert_false (author->ok);
  g_assert_nonnull (strstr (author->message, "“PROVAX00X00X000Y”, is not valid"));
  g_assert_true (sintesi_pss_checks_find (checks, "patient-cf")->ok);
  g_assert_false (sintesi_pss_checks_all_ok (checks));
}

static void
test_optional_section_absent (void)
{
  static const Mutation no_vaccinations = {
    "section-vaccinations", SECTION ("11369-6") "/..", REMOVE_NODE, NULL, NULL, NULL
  };
  g_autoptr(SintesiCda) original = load_example ();
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  const SintesiPssCheck *check;

  if (original == NULL)
    return;
  cda = mutate (original, &no_vaccinations);
  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_TEST_MODE);
  check = sintesi_pss_checks_find (checks, "section-vaccinations");
  g_assert_true (check->ok);
  g_assert_cmpstr (check->message, ==, "The document has no section “Vaccinazioni”, which is optional.");
  g_assert_true (sintesi_pss_checks_all_ok (checks));
}

/* The 2023 test-container sample signs with a made-up CF that is not even
 * the national placeholder: the only built-in check it fails. */
static void
test_sample_2023 (void)
{
  g_autofree char *path = sintesi_test_fixture ("cda/pss-sample-2023.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  guint failed = 0;

  if (path == NULL)
    return;
  cda = sintesi_cda_load_file (path, 0, &error);
  g_assert_no_error (error);
  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_TEST_MODE);
  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiPssCheck *check = g_ptr_array_index (checks, i);

      if (check->ok)
        continue;
      failed++;
      g_assert_cmpstr (check->id, ==, "legal-authenticator-cf");
      g_assert_nonnull (strstr (check->message, "“PROPLA00X00X000Y”, is not valid"));
    }
  g_assert_cmpuint (failed, ==, 1);
}

static void
test_mutation (gconstpointer data)
{
  const Mutation *mutation = data;
  g_autoptr(SintesiCda) original = load_example ();
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  const SintesiPssCheck *check;

  if (original == NULL)
    return;
  cda = mutate (original, mutation);
  checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_TEST_MODE);
  check = sintesi_pss_checks_find (checks, mutation->check_id);
  g_assert_nonnull (check);
  g_assert_false (check->ok);
  if (strstr (check->message, mutation->fragment) == NULL)
    g_error ("%s: “%s” not in “%s”", mutation->check_id, mutation->fragment, check->message);
}

/* ---------------------------------------------------------------- terminology */

static SintesiCda *
built_example (void)
{
  g_autoptr(SintesiPssModel) model = sintesi_pss_model_new_example ("RSSMRA80A01H501U", "MNZLSN99E05F205J",
                                                                     "090201.PSS.201.SINTESI7", "20250114103000+0100");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sintesi_pss_build (model, &error);
  SintesiCda *cda;

  g_assert_no_error (error);
  cda = sintesi_cda_load_bytes (bytes, "built.xml", 0, &error);
  g_assert_no_error (error);
  return cda;
}

static void
test_builder_output_passes (void)
{
  g_autoptr(SintesiCda) cda = built_example ();
  g_autoptr(GPtrArray) checks = sintesi_pss_checks_run (cda, SINTESI_PSS_CHECK_FLAGS_NONE);

  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiPssCheck *check = g_ptr_array_index (checks, i);

      if (!check->ok)
        g_error ("%s failed on the builder's output: %s", check->id, check->message);
    }
}

static void
test_terminology (void)
{
  g_autofree char *dir = sintesi_test_fixture ("rules/terminology");
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  const SintesiPssCheck *check;

  if (dir == NULL)
    return;
  cda = built_example ();
  results = sintesi_pss_checks_terminology (cda, dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    {
      check = g_ptr_array_index (results, i);
      if (!check->ok)
        g_error ("terminology: %s", check->message);
    }
  g_assert_cmpuint (results->len, ==, 1);
  check = g_ptr_array_index (results, 0);
  g_assert_cmpstr (check->id, ==, "terminology");
  g_assert_true (g_str_has_prefix (check->message, "All "));

  /* The national example passes too: 40 codes in 6 unlisted systems. */
  g_clear_pointer (&results, g_ptr_array_unref);
  g_clear_pointer (&cda, sintesi_cda_free);
  cda = load_example ();
  results = sintesi_pss_checks_terminology (cda, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  check = g_ptr_array_index (results, 0);
  g_assert_true (check->ok);
  g_assert_cmpstr (check->message, ==,
                   "All 40 codes checked against the code lists of the rules package exist; "
                   "6 code systems have no list in the package and were not checked.");
}

static void
test_terminology_failures (void)
{
  g_autofree char *dir = sintesi_test_fixture ("rules/terminology");
  g_autoptr(SintesiCda) original = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  static const Mutation wrong_code = {
    "terminology", "//hl7:value[@code='401.9']", SET_ATTR, "code", "401.99", NULL
  };
  static const Mutation placeholder_system = {
    "terminology", "//hl7:routeCode[@code='PO'][1]", SET_ATTR, "codeSystem", "2.16.840.1.113883.2.9.999.1", NULL
  };
  const SintesiPssCheck *check;

  if (dir == NULL)
    return;
  original = built_example ();
  cda = mutate (original, &wrong_code);
  results = sintesi_pss_checks_terminology (cda, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  check = g_ptr_array_index (results, 0);
  g_assert_false (check->ok);
  g_assert_true (g_str_has_prefix (check->message, "Line "));
  g_assert_nonnull (strstr (check->message, "the code “401.99” (Ipertensione essenziale non specificata) is not in code system 2.16.840.1.113883.6.103"));

  g_clear_pointer (&cda, sintesi_cda_free);
  g_clear_pointer (&results, g_ptr_array_unref);
  cda = mutate (original, &placeholder_system);
  results = sintesi_pss_checks_terminology (cda, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);   /* both medications use route PO */
  check = g_ptr_array_index (results, 0);
  g_assert_false (check->ok);
  g_assert_nonnull (strstr (check->message, "2.16.840.1.113883.2.9.999.1 is a placeholder"));
}

static void
test_terminology_own_lists (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *gender = g_build_filename (tmp, "2.16.840.1.113883.5.1.csv", NULL);
  g_autofree char *loinc = g_build_filename (tmp, "2.16.840.1.113883.6.1.csv", NULL);
  g_autoptr(SintesiCda) cda = built_example ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  const SintesiPssCheck *check;

  /* Quoted fields with commas and escaped quotes; a whitelisted system. */
  g_assert_true (g_file_set_contents (gender,
                                      "version,code,description,release_date\r\n"
                                      "\"2.1\",\"F\",\"Female, \"\"F\"\"\",2019-03-20\r\n"
                                      "2.1,\"M\",Male,\r\n", -1, NULL));
  g_assert_true (g_file_set_contents (loinc,
                                      "version,code,description,release_date\n"
                                      "\"\",\"#WHITELIST#\",This record handles whitelisted CodeSystems,2022-12-07\n", -1, NULL));
  results = sintesi_pss_checks_terminology (cda, tmp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  check = g_ptr_array_index (results, 0);
  g_assert_true (check->ok);

  g_clear_pointer (&results, g_ptr_array_unref);
  g_assert_true (g_file_set_contents (gender, "version,code,description,release_date\n2.1,F,Female,\n", -1, NULL));
  results = sintesi_pss_checks_terminology (cda, tmp, &error);
  g_assert_no_error (error);
  check = g_ptr_array_index (results, 0);
  g_assert_false (check->ok);
  g_assert_nonnull (strstr (check->message, "the code “M” (Maschio) is not in code system 2.16.840.1.113883.5.1"));

  g_clear_pointer (&results, g_ptr_array_unref);
  sintesi_test_rmdir (tmp);
  results = sintesi_pss_checks_terminology (cda, tmp, &error);
  g_assert_null (results);
  g_assert_error (error, SINTESI_PSS_CHECKS_ERROR, SINTESI_PSS_CHECKS_ERROR_TERMINOLOGY_FOLDER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pss-checks/example-passes", test_example_passes);
  g_test_add_func ("/pss-checks/placeholder-outside-test-mode", test_placeholder_outside_test_mode);
  g_test_add_func ("/pss-checks/sample-2023", test_sample_2023);
  g_test_add_func ("/pss-checks/optional-section-absent", test_optional_section_absent);
  for (gsize i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pss-checks/mutation/%s/%" G_GSIZE_FORMAT, mutations[i].check_id, i);

      g_test_add_data_func (path, &mutations[i], test_mutation);
    }
  g_test_add_func ("/pss-checks/builder-output-passes", test_builder_output_passes);
  g_test_add_func ("/pss-checks/terminology", test_terminology);
  g_test_add_func ("/pss-checks/terminology-failures", test_terminology_failures);
  g_test_add_func ("/pss-checks/terminology-own-lists", test_terminology_own_lists);

  return g_test_run ();
}
