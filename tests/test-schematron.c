/* test-schematron.c: our schematron engine gives the reference XSLT2 answers */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sintesi-schematron.h"
#include "sintesi-xml.h"
#include "sintesi-test-util.h"

#define PSS_SCHEMATRON "rules/schematron/schematron_PSS_v4.0.sch"
#define EXAMPLE_2025 "cda/pss-example-2025.xml"

/* Compiled once for the whole program, as the application does. */
static SintesiSchematron *pss_schematron;

static SintesiSchematron *
get_pss_schematron (void)
{
  g_autofree char *path = sintesi_test_fixture (PSS_SCHEMATRON);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return NULL;
  if (pss_schematron == NULL)
    {
      pss_schematron = sintesi_schematron_new_from_file (path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (pss_schematron);
    }
  return pss_schematron;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* "ID1 ID2 …", sorted, so that order does not matter but repetition does. */
static char *
ids_of (GPtrArray *findings)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < findings->len; i++)
    g_ptr_array_add (ids, ((SintesiSchematronFinding *) g_ptr_array_index (findings, i))->id);
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

static char *
sorted_json_ids (JsonArray *array)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (ids, (gpointer) json_array_get_string_element (array, i));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

static SintesiSchematronResult *
validate_doc (SintesiSchematron *schematron,
              xmlDoc            *doc)
{
  g_autoptr(GError) error = NULL;
  SintesiSchematronResult *result = sintesi_schematron_validate (schematron, doc, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static SintesiSchematronResult *
validate_fixture (SintesiSchematron *schematron,
                  const char        *relative)
{
  g_autofree char *path = sintesi_test_fixture (relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  if (path == NULL)
    return NULL;
  doc = sintesi_xml_read_file (path, 0, &error);
  g_assert_no_error (error);
  return validate_doc (schematron, doc);
}

static void
test_pss_example_2025 (void)
{
  SintesiSchematron *schematron = get_pss_schematron ();
  g_autoptr(SintesiSchematronResult) result = NULL;

  if (schematron == NULL)
    return;
  g_assert_cmpuint (sintesi_schematron_get_n_rules (schematron), ==, 44);
  g_assert_cmpuint (sintesi_schematron_get_n_asserts (schematron), ==, 375);  /* 372 asserts + 3 reports */
  result = validate_fixture (schematron, EXAMPLE_2025);
  if (result == NULL)
    return;
  g_assert_cmpuint (result->failed_asserts->len, ==, 0);
  g_assert_cmpuint (result->reports->len, ==, 0);
}

static void
test_pss_sample_2023 (void)
{
  SintesiSchematron *schematron = get_pss_schematron ();
  g_autoptr(SintesiSchematronResult) result = NULL;
  g_autofree char *ids = NULL;
  SintesiSchematronFinding *first;

  if (schematron == NULL || (result = validate_fixture (schematron, "cda/pss-sample-2023.xml")) == NULL)
    return;
  ids = ids_of (result->failed_asserts);
  g_assert_cmpstr (ids, ==, "ERRORE-b222 ERRORE-b223 ERRORE-b226 ERRORE-b244 ERRORE-b259 "
                            "ERRORE-b262 ERRORE-b264 ERRORE-b265 ERRORE-b267");
  /* id, message and location as cli.md describes them */
  first = g_ptr_array_index (result->failed_asserts, 0);
  g_assert_cmpstr (first->id, ==, "ERRORE-b222");
  g_assert_true (g_str_has_prefix (first->message, "Sezione Piani di cura:"));
  g_assert_cmpstr (first->location, ==,
                   "/hl7:ClinicalDocument/hl7:component/hl7:structuredBody/hl7:component[10]"
                   "/hl7:section/hl7:entry[2]/hl7:substanceAdministration");
}

/* The reference results computed with Saxon (XSLT2) on 11 one-change
 * variants of the 2025 example. */
static void
test_vectors (void)
{
  SintesiSchematron *schematron = get_pss_schematron ();
  g_autofree char *expected_path = sintesi_test_fixture ("schematron-vectors/expected.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *vectors;
  guint checked = 0;

  if (schematron == NULL || expected_path == NULL)
    return;
  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  vectors = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "vectors");
  names = json_object_get_members (vectors);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *vector = json_object_get_object_member (vectors, l->data);
      g_autofree char *relative = g_strdup_printf ("schematron-vectors/%s", (const char *) l->data);
      g_autoptr(SintesiSchematronResult) result = validate_fixture (schematron, relative);
      g_autofree char *want_asserts = sorted_json_ids (json_object_get_array_member (vector, "failed_asserts"));
      g_autofree char *want_reports = sorted_json_ids (json_object_get_array_member (vector, "successful_reports"));
      g_autofree char *got_asserts = NULL;
      g_autofree char *got_reports = NULL;

      g_assert_nonnull (result);
      got_asserts = ids_of (result->failed_asserts);
      got_reports = ids_of (result->reports);
      g_test_message ("%s: asserts [%s] reports [%s]", (const char *) l->data, got_asserts, got_reports);
      g_assert_cmpstr (got_asserts, ==, want_asserts);
      g_assert_cmpstr (got_reports, ==, want_reports);
      checked++;
    }
  g_assert_cmpuint (checked, ==, 11);
}

/* ------------------------------------------------------------------------ */
/* Mutations of the 2025 example, one per rule family, expected ids read
 * from the schematron text. */

typedef enum
{
  SET_ATTRIBUTE,
  REMOVE_ATTRIBUTE,
  ADD_CHILD,
  REMOVE_NODE,
} MutationKind;

typedef struct
{
  MutationKind  kind;
  const char   *xpath;   /* must select exactly one node */
  const char   *name;    /* attribute or child element name */
  const char   *value;
} Mutation;

typedef struct
{
  const char *name;
  Mutation    changes[3];
  const char *failed_asserts;  /* sorted ids */
  const char *why;
} MutationCase;

static const MutationCase mutation_cases[] = {
  { "realm", { { SET_ATTRIBUTE, "/hl7:ClinicalDocument/hl7:realmCode", "code", "XX" } },
    "ERRORE-2", "realmCode/@code must be IT" },
  { "template-version", { { REMOVE_ATTRIBUTE, "/hl7:ClinicalDocument/hl7:templateId", "extension" } },
    "ERRORE-4", "the PSS templateId needs its @extension" },
  { "version-without-related", { { SET_ATTRIBUTE, "/hl7:ClinicalDocument/hl7:versionNumber", "value", "2" } },
    "ERRORE-8 ERRORE-9",
    "version 2 with id = setId breaks the id/setId rule and needs a relatedDocument" },
  { "cf-short", { { SET_ATTRIBUTE, "//hl7:patientRole/hl7:id", "extension", "RSSMRA22A01A399" } },
    "ERRORE-52", "a CF has 16 characters" },
  { "organization-telecom-home",
    { { SET_ATTRIBUTE, "//hl7:representedCustodianOrganization/hl7:telecom", "use", "HP" } },
    "ERRORE-51", "an organization's telecom cannot be a home one" },
  { "first-rule-wins",
    { { ADD_CHILD, "//hl7:representedCustodianOrganization/hl7:name", "delimiter" } },
    "ERRORE-55",
    "an organization name is taken by the ERRORE-55 rule, so the later //hl7:name rule (ERRORE-56) does not see it" },
  { "person-name-delimiter",
    { { ADD_CHILD, "//hl7:patient/hl7:name", "delimiter" } },
    "ERRORE-56", "a person's name falls through to the general //hl7:name rule" },
  { "status-code",
    { { SET_ATTRIBUTE, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:statusCode", "code", "bogus" } },
    "ERRORE-b75 Errore-54",
    "an ActStatus outside the list (//hl7:statusCode rule); the allergy concern act ties its status to effectiveTime/high (b75)" },
  { "string-comparison-2.0",
    { { SET_ATTRIBUTE, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:effectiveTime/hl7:low", "value", "20230" },
      { ADD_CHILD, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:effectiveTime", "high", "20220101" },
      { SET_ATTRIBUTE, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:statusCode", "code", "completed" } },
    "ERROR-57",
    "XPath 2.0 compares the strings: '20220101' < '20230' (as numbers it would pass); a completed act has a high (b75)" },
  { "string-comparison-not-numbers",
    { { SET_ATTRIBUTE, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:effectiveTime/hl7:low", "value", "20220101" },
      { ADD_CHILD, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:effectiveTime", "high", "3" },
      { SET_ATTRIBUTE, "//hl7:section[hl7:code/@code='48765-2']/hl7:entry[1]/hl7:act/hl7:statusCode", "code", "completed" } },
    "",
    "'3' >= '20220101' as strings, although 3 < 20220101 as numbers" },
  { "allergy-section-missing",
    { { REMOVE_NODE, "//hl7:structuredBody/hl7:component[hl7:section/hl7:code/@code='48765-2']" } },
    "ERRORE-b1 ERRORE-b2 ERRORE-b3 ERRORE-b4",
    "the allergy section is mandatory, with its entries" },
};

static xmlNode *
select_one (xmlDoc     *doc,
            const char *xpath)
{
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  xmlXPathObject *found;
  xmlNode *node;

  xmlXPathRegisterNs (ctx, (const xmlChar *) "hl7", (const xmlChar *) "urn:hl7-org:v3");
  found = xmlXPathEvalExpression ((const xmlChar *) xpath, ctx);
  g_assert_nonnull (found);
  g_assert_nonnull (found->nodesetval);
  if (found->nodesetval->nodeNr != 1)
    g_error ("%s selects %d nodes", xpath, found->nodesetval->nodeNr);
  node = found->nodesetval->nodeTab[0];
  xmlXPathFreeObject (found);
  xmlXPathFreeContext (ctx);
  return node;
}

static void
apply (xmlDoc         *doc,
       const Mutation *change)
{
  xmlNode *node = select_one (doc, change->xpath);
  xmlNode *child;

  switch (change->kind)
    {
    case SET_ATTRIBUTE:
      xmlSetProp (node, (const xmlChar *) change->name, (const xmlChar *) change->value);
      break;
    case REMOVE_ATTRIBUTE:
      g_assert_cmpint (xmlUnsetProp (node, (const xmlChar *) change->name), ==, 0);
      break;
    case ADD_CHILD:
      child = xmlNewChild (node, node->ns, (const xmlChar *) change->name, NULL);
      if (change->value != NULL)
        xmlSetProp (child, (const xmlChar *) "value", (const xmlChar *) change->value);
      break;
    case REMOVE_NODE:
    default:
      xmlUnlinkNode (node);
      xmlFreeNode (node);
      break;
    }
}

static void
test_mutation (gconstpointer data)
{
  const MutationCase *mutation = data;
  SintesiSchematron *schematron = get_pss_schematron ();
  g_autofree char *path = sintesi_test_fixture (EXAMPLE_2025);
  g_autoptr(SintesiSchematronResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autofree char *ids = NULL;

  if (schematron == NULL || path == NULL)
    return;
  doc = sintesi_xml_read_file (path, 0, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (mutation->changes) && mutation->changes[i].xpath != NULL; i++)
    apply (doc, &mutation->changes[i]);

  result = validate_doc (schematron, doc);
  ids = ids_of (result->failed_asserts);
  g_test_message ("%s (%s): [%s]", mutation->name, mutation->why, ids);
  g_assert_cmpstr (ids, ==, mutation->failed_asserts);
}

/* ------------------------------------------------------------------------ */
/* Small synthetic schematrons                                              */

#define SCH_HEAD "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\" queryBinding=\"xslt2\">\n" \
                 "<ns prefix=\"t\" uri=\"urn:test\"/>\n"

static SintesiSchematron *
compile_string (const char  *text,
                GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return sintesi_schematron_new_from_bytes (bytes, "test.sch", error);
}

static char *
run_string (const char *sch,
            const char *xml,
            char      **reports)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiSchematron) schematron = compile_string (sch, &error);
  g_autoptr(GBytes) bytes = g_bytes_new (xml, strlen (xml));
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(SintesiSchematronResult) result = NULL;

  g_assert_no_error (error);
  doc = sintesi_xml_read_bytes (bytes, "test.xml", 0, &error);
  g_assert_no_error (error);
  result = validate_doc (schematron, doc);
  if (reports != NULL)
    *reports = ids_of (result->reports);
  return ids_of (result->failed_asserts);
}

static void
test_first_rule_wins (void)
{
  const char *sch = SCH_HEAD
    "<pattern>\n"
    "  <rule context=\"t:item[@special]\"><assert test=\"false()\">SPECIAL| <value-of select=\"@n\"/></assert></rule>\n"
    "  <rule context=\"t:item\"><assert test=\"false()\">ITEM| <value-of select=\"@n\"/></assert></rule>\n"
    "</pattern>\n"
    "<pattern>\n"
    "  <rule context=\"t:item\"><assert test=\"false()\">OTHER-PATTERN|</assert></rule>\n"
    "</pattern></schema>";
  const char *xml = "<r xmlns=\"urn:test\"><item n=\"1\" special=\"y\"/><item n=\"2\"/><item n=\"3\"/></r>";
  g_autofree char *ids = run_string (sch, xml, NULL);

  /* each item once per pattern; the special one only by the first rule */
  g_assert_cmpstr (ids, ==, "ITEM ITEM OTHER-PATTERN OTHER-PATTERN OTHER-PATTERN SPECIAL");
}

static void
test_let_scopes (void)
{
  const char *sch = SCH_HEAD
    "<let name=\"limit\" value=\"2\"/>\n"
    "<pattern>\n"
    "  <let name=\"total\" value=\"count(//t:item)\"/>\n"
    "  <rule context=\"t:r\">\n"
    "    <let name=\"limit\" value=\"5\"/>\n"          /* shadows the global one here */
    "    <let name=\"twice\" value=\"$limit * 2\"/>\n" /* uses the let before it */
    "    <assert test=\"$twice = 10\">RULE-LET|</assert>\n"
    "    <assert test=\"$total = 3\">PATTERN-LET|</assert>\n"
    "  </rule>\n"
    "  <rule context=\"t:item\">\n"
    "    <let name=\"n\" value=\"@n\"/>\n"
    "    <assert test=\"$n &lt;= $limit\">GLOBAL-LET| item <value-of select=\"$n\"/> above <value-of select=\"$limit\"/></assert>\n"
    "  </rule>\n"
    "</pattern></schema>";
  const char *xml = "<r xmlns=\"urn:test\"><item n=\"1\"/><item n=\"2\"/><item n=\"3\"/></r>";
  g_autofree char *ids = run_string (sch, xml, NULL);

  /* item 3 > the global limit 2 (the rule-level 5 of t:r does not leak) */
  g_assert_cmpstr (ids, ==, "GLOBAL-LET");
}

static void
test_string_comparisons (void)
{
  const char *sch = SCH_HEAD
    "<pattern><rule context=\"t:e\">\n"
    "  <let name=\"lo\" value=\"string(@lo)\"/>\n"
    "  <let name=\"hi\" value=\"string(@hi)\"/>\n"
    "  <assert test=\"$hi &gt;= $lo\">STRINGS|</assert>\n"        /* strings: codepoints */
    "  <assert test=\"@hi &gt;= @lo\">NODES|</assert>\n"          /* untyped vs untyped: strings too */
    "  <assert test=\"number(@hi) &gt;= number(@lo)\">NUMBERS|</assert>\n"
    "  <assert test=\"@hi &gt; 100\">NODE-NUMBER|</assert>\n"     /* a number on one side: numeric */
    "  <assert test=\"count(@*) &lt;= 2\">COUNT|</assert>\n"
    "</rule></pattern></schema>";
  g_autofree char *a = run_string (sch, "<e xmlns=\"urn:test\" lo=\"20230\" hi=\"20220101\"/>", NULL);
  g_autofree char *b = run_string (sch, "<e xmlns=\"urn:test\" lo=\"20220101\" hi=\"3\"/>", NULL);
  g_autofree char *c = run_string (sch, "<e xmlns=\"urn:test\" lo=\"20220501000000+0100\" hi=\"20220201000000+0100\"/>", NULL);
  g_autofree char *d = run_string (sch, "<e xmlns=\"urn:test\" lo=\"b\" hi=\"ab\"/>", NULL);

  g_assert_cmpstr (a, ==, "NODES STRINGS");
  g_assert_cmpstr (b, ==, "NODE-NUMBER NUMBERS");
  g_assert_cmpstr (c, ==, "NODE-NUMBER NODES NUMBERS STRINGS");  /* NaN numbers compare false */
  g_assert_cmpstr (d, ==, "NODE-NUMBER NODES NUMBERS STRINGS");
}

static void
test_xpath2_functions (void)
{
  const char *sch = SCH_HEAD
    "<pattern><rule context=\"t:e\">\n"
    "  <assert test=\"matches(@cf, '^[A-Z0-9]{16}$')\">MATCHES|</assert>\n"
    "  <assert test=\"matches(@cf, '^[a-z0-9]{16}$', 'i')\">MATCHES-FLAGS|</assert>\n"
    "  <assert test=\"upper-case(@cf) = @cf\">UPPER|</assert>\n"
    "  <assert test=\"lower-case('ÀB') = 'àb'\">LOWER|</assert>\n"
    "  <assert test=\"exists(t:x) and empty(t:y)\">EXISTS|</assert>\n"
    "  <assert test=\"ends-with(@cf, 'Z')\">ENDS|</assert>\n"
    "  <assert test=\"string-join(t:x, '-') = 'a-b'\">JOIN|</assert>\n"
    "  <assert test=\"abs(-2) = 2\">ABS|</assert>\n"
    "  <report test=\"count(t:x[. = current()/@first]) = 1\">CURRENT| <name/> has <value-of select=\"t:x\"/></report>\n"
    "</rule></pattern></schema>";
  g_autofree char *reports = NULL;
  g_autofree char *ok = run_string (sch, "<e xmlns=\"urn:test\" cf=\"RSSMRA22A01A399Z\" first=\"a\"><x>a</x><x>b</x></e>", &reports);
  g_autofree char *ko = run_string (sch, "<e xmlns=\"urn:test\" cf=\"rssmra22a01a399\"><x>c</x><y/></e>", NULL);

  g_assert_cmpstr (ok, ==, "");
  g_assert_cmpstr (reports, ==, "CURRENT");
  g_assert_cmpstr (ko, ==, "ENDS EXISTS JOIN MATCHES MATCHES-FLAGS UPPER");
}

static void
test_messages (void)
{
  const char *sch = SCH_HEAD
    "<pattern><rule context=\"t:r/t:e\">\n"
    "  <assert test=\"false()\">  ID-1 |  The <name/>\n   at <value-of select=\"@n\"/>  is | wrong </assert>\n"
    "  <assert test=\"false()\" id=\"OWN-ID\">No bar here</assert>\n"
    "</rule></pattern></schema>";
  const char *xml = "<r xmlns=\"urn:test\"><e n=\"1\"/><e n=\"2\"/></r>";
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiSchematron) schematron = compile_string (sch, &error);
  g_autoptr(GBytes) bytes = g_bytes_new (xml, strlen (xml));
  g_autoptr(xmlDoc) doc = sintesi_xml_read_bytes (bytes, "t.xml", 0, NULL);
  g_autoptr(SintesiSchematronResult) result = NULL;
  SintesiSchematronFinding *finding;

  g_assert_no_error (error);
  result = validate_doc (schematron, doc);
  g_assert_cmpuint (result->failed_asserts->len, ==, 4);
  finding = g_ptr_array_index (result->failed_asserts, 2);
  g_assert_cmpstr (finding->id, ==, "ID-1");
  g_assert_cmpstr (finding->message, ==, "The e at 2 is | wrong");
  g_assert_cmpstr (finding->location, ==, "/t:r/t:e[2]");
  finding = g_ptr_array_index (result->failed_asserts, 1);
  g_assert_cmpstr (finding->id, ==, "OWN-ID");
  g_assert_cmpstr (finding->message, ==, "No bar here");
  g_assert_cmpstr (finding->location, ==, "/t:r/t:e[1]");
}

static void
test_unknown_function (void)
{
  const char *sch = SCH_HEAD
    "<pattern><rule context=\"t:e\">\n"
    "  <assert test=\"matches(@a, 'x') and tokenize(@b, ',')[1] = 'y'\">FUTURE|</assert>\n"
    "</rule></pattern></schema>";
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiSchematron) schematron = compile_string (sch, &error);

  g_assert_null (schematron);
  g_assert_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "“tokenize()”"));
  g_assert_nonnull (strstr (error->message, "rule “t:e”"));
  g_assert_nonnull (strstr (error->message, "line 4"));
}

static void
test_unknown_function_in_context (void)
{
  const char *sch = SCH_HEAD
    "<pattern><rule context=\"t:e[current-date() &gt; @d]\"><assert test=\"true()\">X|</assert></rule></pattern></schema>";
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiSchematron) schematron = compile_string (sch, &error);

  g_assert_null (schematron);
  g_assert_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "“current-date()”"));
}

static void
test_malformed (void)
{
  struct { const char *text; int code; const char *needle; } cases[] = {
    { "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\"><pattern>", SINTESI_SCHEMATRON_ERROR_READ, "line" },
    { "<schema xmlns=\"urn:other\"><pattern/></schema>", SINTESI_SCHEMATRON_ERROR_INVALID, "not an ISO schematron" },
    { SCH_HEAD "<pattern/></schema>", SINTESI_SCHEMATRON_ERROR_INVALID, "no schematron rules" },
    { SCH_HEAD "<pattern><rule><assert test=\"1\">A|</assert></rule></pattern></schema>",
      SINTESI_SCHEMATRON_ERROR_INVALID, "without “context”" },
    { SCH_HEAD "<pattern><rule context=\"t:e\"><assert>A|</assert></rule></pattern></schema>",
      SINTESI_SCHEMATRON_ERROR_INVALID, "without “test”" },
    { SCH_HEAD "<pattern><rule context=\"t:e\"><assert test=\"count(\">A|</assert></rule></pattern></schema>",
      SINTESI_SCHEMATRON_ERROR_XPATH, "count(" },
    { SCH_HEAD "<pattern><rule context=\"t:e[\"><assert test=\"1\">A|</assert></rule></pattern></schema>",
      SINTESI_SCHEMATRON_ERROR_XPATH, "not valid XPath" },
    { SCH_HEAD "<include href=\"other.sch\"/><pattern><rule context=\"t:e\"><assert test=\"1\">A|</assert></rule></pattern></schema>",
      SINTESI_SCHEMATRON_ERROR_UNSUPPORTED, "“include”" },
    { SCH_HEAD "<pattern abstract=\"true\" id=\"p\"><rule context=\"$x\"><assert test=\"1\">A|</assert></rule></pattern></schema>",
      SINTESI_SCHEMATRON_ERROR_UNSUPPORTED, "abstract patterns" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SintesiSchematron) schematron = compile_string (cases[i].text, &error);

      if (schematron != NULL)
        g_error ("case %" G_GSIZE_FORMAT " compiled", i);
      g_assert_error (error, SINTESI_SCHEMATRON_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” lacks “%s”", i, error->message, cases[i].needle);
    }
}

static void
test_evaluation_error (void)
{
  const char *sch = SCH_HEAD
    "<pattern><rule context=\"t:e\"><assert test=\"matches(@a, '[')\">A|</assert></rule></pattern></schema>";
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiSchematron) schematron = compile_string (sch, &error);
  const char *xml = "<e xmlns=\"urn:test\" a=\"x\"/>";
  g_autoptr(GBytes) bytes = g_bytes_new_static (xml, strlen (xml));
  g_autoptr(xmlDoc) doc = sintesi_xml_read_bytes (bytes, "t.xml", 0, NULL);
  g_autoptr(SintesiSchematronResult) result = NULL;

  g_assert_no_error (error);
  result = sintesi_schematron_validate (schematron, doc, &error);
  g_assert_null (result);
  g_assert_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_EVALUATION);
  g_assert_nonnull (strstr (error->message, "invalid regular expression"));
}

static void
test_abstract_rules (void)
{
  const char *sch = SCH_HEAD
    "<pattern>\n"
    "  <rule abstract=\"true\" id=\"has-n\"><assert test=\"@n\">NEEDS-N|</assert></rule>\n"
    "  <rule context=\"t:e\"><extends rule=\"has-n\"/><assert test=\"true()\">OK|</assert></rule>\n"
    "</pattern></schema>";
  g_autofree char *ids = run_string (sch, "<r xmlns=\"urn:test\"><e n=\"1\"/><e/></r>", NULL);

  g_assert_cmpstr (ids, ==, "NEEDS-N");
}

static void
test_reuse_and_threads_share (void)
{
  SintesiSchematron *schematron = get_pss_schematron ();

  if (schematron == NULL)
    return;
  /* one compiled schematron, many documents */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(SintesiSchematronResult) a = validate_fixture (schematron, EXAMPLE_2025);
      g_autoptr(SintesiSchematronResult) b = validate_fixture (schematron, "cda/pss-sample-2023.xml");

      g_assert_cmpuint (a->failed_asserts->len, ==, 0);
      g_assert_cmpuint (b->failed_asserts->len, ==, 9);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schematron/pss/example-2025", test_pss_example_2025);
  g_test_add_func ("/schematron/pss/sample-2023", test_pss_sample_2023);
  g_test_add_func ("/schematron/pss/vectors", test_vectors);
  for (gsize i = 0; i < G_N_ELEMENTS (mutation_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/schematron/pss/mutation/%s", mutation_cases[i].name);

      g_test_add_data_func (path, &mutation_cases[i], test_mutation);
    }
  g_test_add_func ("/schematron/pss/reuse", test_reuse_and_threads_share);
  g_test_add_func ("/schematron/first-rule-wins", test_first_rule_wins);
  g_test_add_func ("/schematron/let-scopes", test_let_scopes);
  g_test_add_func ("/schematron/string-comparisons", test_string_comparisons);
  g_test_add_func ("/schematron/xpath2-functions", test_xpath2_functions);
  g_test_add_func ("/schematron/messages", test_messages);
  g_test_add_func ("/schematron/abstract-rules", test_abstract_rules);
  g_test_add_func ("/schematron/unknown-function", test_unknown_function);
  g_test_add_func ("/schematron/unknown-function-in-context", test_unknown_function_in_context);
  g_test_add_func ("/schematron/malformed", test_malformed);
  g_test_add_func ("/schematron/evaluation-error", test_evaluation_error);

  status = g_test_run ();
  g_clear_object (&pss_schematron);
  return status;
}
