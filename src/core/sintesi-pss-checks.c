/* sintesi-pss-checks.c: built-in checks of a PSS that need no rules package
 *
 * Each check mirrors official rules (schematron v4.0 ids in the comments,
 * pss-document.md §4) or a national KO test case (CT…), so that what fails
 * here would fail at the gateway too.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sintesi-cf.h"
#include "sintesi-pss-checks.h"

G_DEFINE_QUARK (sintesi-pss-checks-error-quark, sintesi_pss_checks_error)

#define OID_CF    "2.16.840.1.113883.2.9.4.3.2"
#define OID_LOINC "2.16.840.1.113883.6.1"
#define TPL       "2.16.840.1.113883.2.9.10.1.4."

void
sintesi_pss_check_free (SintesiPssCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->id);
  g_free (check->message);
  g_free (check);
}

typedef struct
{
  const SintesiCda     *cda;
  xmlXPathContext      *xpath;
  xmlNode              *root;
  SintesiPssCheckFlags  flags;
  GPtrArray            *results;
} Checker;

static void
report (Checker    *c,
        const char *id,
        gboolean    ok,
        char       *message)   /* takes ownership */
{
  SintesiPssCheck *check = g_new0 (SintesiPssCheck, 1);

  check->id = g_strdup (id);
  check->ok = ok;
  check->message = message;
  g_ptr_array_add (c->results, check);
}

static double
count (Checker    *c,
       const char *expression)
{
  g_autofree char *wrapped = g_strdup_printf ("count(%s)", expression);
  xmlXPathObject *result;
  double n = 0;

  c->xpath->node = c->root;
  result = xmlXPathEvalExpression ((const xmlChar *) wrapped, c->xpath);
  if (result != NULL && result->type == XPATH_NUMBER)
    n = result->floatval;
  else
    g_critical ("pss-checks: bad expression %s", expression);
  xmlXPathFreeObject (result);
  return n;
}

/* ------------------------------------------------------------ codice fiscale */


static gboolean
cf_is_valid (const char  *cf,
             gboolean     test_mode,
             char       **reason)
{
  g_autoptr(GError) error = NULL;

  if (sintesi_cf_validate (cf, test_mode ? SINTESI_CF_FLAGS_TEST_MODE : SINTESI_CF_FLAGS_NONE, &error))
    return TRUE;
  *reason = g_strdup (error->message);
  return FALSE;
}

static void
check_cf (Checker    *c,
          const char *id,
          const char *cf,
          const char *who)
{
  g_autofree char *reason = NULL;

  if (cf == NULL)
    report (c, id, FALSE,
            /* TRANSLATORS: %s is e.g. "the patient" */
            g_strdup_printf (_("The codice fiscale of %s is missing, so it cannot be checked."), who));
  else if (cf_is_valid (cf, (c->flags & SINTESI_PSS_CHECK_FLAGS_TEST_MODE) != 0, &reason))
    report (c, id, TRUE, g_strdup_printf (_("The codice fiscale of %s (%s) is valid."), who, cf));
  else
    report (c, id, FALSE,
            /* TRANSLATORS: who, the CF, then the reason */
            g_strdup_printf (_("The codice fiscale of %s, “%s”, is not valid. %s"), who, cf, reason));
}

/* ------------------------------------------------------------ header */

static void
check_header (Checker *c)
{
  const SintesiCda *cda = c->cda;
  const SintesiCdaId *first = cda->template_ids->len > 0 ? g_ptr_array_index (cda->template_ids, 0) : NULL;

  /* ERRORE-1/2 */
  if (count (c, "hl7:realmCode") == 1 && g_strcmp0 (cda->realm_code, "IT") == 0)
    report (c, SINTESI_PSS_CHECK_REALM_CODE, TRUE, g_strdup (_("The document is marked as Italian (realmCode IT).")));
  else
    report (c, SINTESI_PSS_CHECK_REALM_CODE, FALSE,
            g_strdup (_("The document must carry exactly one realmCode with code IT (Italy).")));

  /* The typeId selects the XSD at the gateway (pss-document.md §1 item 8). */
  if (g_strcmp0 (cda->type_id_root, "2.16.840.1.113883.1.3") == 0 &&
      g_strcmp0 (cda->type_id_extension, "POCD_MT000040UV02") == 0)
    report (c, SINTESI_PSS_CHECK_TYPE_ID, TRUE, g_strdup (_("The document declares the HL7 CDA R2 model (typeId POCD_MT000040UV02).")));
  else
    report (c, SINTESI_PSS_CHECK_TYPE_ID, FALSE,
            g_strdup (_("The document must declare typeId root 2.16.840.1.113883.1.3 with extension POCD_MT000040UV02: the gateway uses it to choose the schema.")));

  /* The first templateId selects the schematron (§1 item 8, ERRORE-3/4). */
  if (first != NULL && g_strcmp0 (first->root, TPL "1.1") == 0 && first->extension != NULL &&
      count (c, "hl7:templateId[@root='" TPL "1.1']") == 1)
    report (c, SINTESI_PSS_CHECK_TEMPLATE_ID, TRUE,
            g_strdup_printf (_("The first templateId declares a patient summary (PSS), version %s."), first->extension));
  else if (count (c, "hl7:templateId[@root='" TPL "1.1']") == 0)
    report (c, SINTESI_PSS_CHECK_TEMPLATE_ID, FALSE,
            g_strdup (_("The document lacks the patient summary templateId (root 2.16.840.1.113883.2.9.10.1.4.1.1): the gateway would not know which rules apply.")));
  else
    report (c, SINTESI_PSS_CHECK_TEMPLATE_ID, FALSE,
            g_strdup (_("The patient summary templateId (root 2.16.840.1.113883.2.9.10.1.4.1.1) must be the first templateId, exactly once, with the version in its extension: the gateway picks the rules from the first one.")));

  /* ERRORE-5 */
  if (count (c, "hl7:code[@code='60591-5'][@codeSystem='" OID_LOINC "']") == 1)
    report (c, SINTESI_PSS_CHECK_DOCUMENT_CODE, TRUE,
            g_strdup (_("The document type is Profilo Sanitario Sintetico (LOINC 60591-5).")));
  else
    report (c, SINTESI_PSS_CHECK_DOCUMENT_CODE, FALSE,
            g_strdup_printf (_("The document type must be LOINC 60591-5 (Profilo Sanitario Sintetico), but it is “%s” in code system “%s”."),
                             cda->code ? cda->code : "", cda->code_system ? cda->code_system : ""));

  if (cda->id.root != NULL && cda->id.extension != NULL && count (c, "hl7:id") == 1)
    report (c, SINTESI_PSS_CHECK_DOCUMENT_ID, TRUE,
            g_strdup_printf (_("The document identifier is %s^%s."), cda->id.root, cda->id.extension));
  else
    report (c, SINTESI_PSS_CHECK_DOCUMENT_ID, FALSE,
            g_strdup (_("The document must have exactly one identifier (ClinicalDocument/id) with both root and extension.")));

  /* ERRORE-8/9/9a */
  {
    const char *version = cda->version_number;
    guint64 number = 0;
    gboolean numeric = version != NULL && g_ascii_string_to_unsigned (version, 10, 1, G_MAXUINT32, &number, NULL);
    gboolean same_root = g_strcmp0 (cda->id.root, cda->set_id.root) == 0;
    gboolean same_extension = g_strcmp0 (cda->id.extension, cda->set_id.extension) == 0;
    double related = count (c, "hl7:relatedDocument");
    gboolean related_ok = related < 2 ||
                          (count (c, "hl7:relatedDocument[@typeCode='XFRM']") == 1 &&
                           (count (c, "hl7:relatedDocument[@typeCode='RPLC']") == 1 ||
                            count (c, "hl7:relatedDocument[@typeCode='APND']") == 1));

    if (!numeric)
      report (c, SINTESI_PSS_CHECK_VERSION, FALSE,
              g_strdup (_("The document must state its version (versionNumber) as a whole number from 1.")));
    else if (number == 1 && cda->set_id.root != NULL && !(same_root && same_extension))
      report (c, SINTESI_PSS_CHECK_VERSION, FALSE,
              g_strdup (_("A first version must have the same setId as its identifier (or no setId).")));
    else if (number > 1 && (cda->set_id.root == NULL || (same_root && same_extension)))
      report (c, SINTESI_PSS_CHECK_VERSION, FALSE,
              g_strdup (_("A later version must keep the setId of the first version and have a new identifier.")));
    else if (number > 1 && (related < 1 || related > 2))
      report (c, SINTESI_PSS_CHECK_VERSION, FALSE,
              g_strdup (_("A later version must name the document it replaces or completes (one or two relatedDocument elements).")));
    else if (!related_ok)
      report (c, SINTESI_PSS_CHECK_VERSION, FALSE,
              g_strdup (_("Two relatedDocument elements are allowed only as XFRM together with RPLC or APND.")));
    else
      report (c, SINTESI_PSS_CHECK_VERSION, TRUE,
              g_strdup_printf (_("Version %s of the document, consistent with its setId."), version));
  }

  /* ERRORE-6; R is a national KO case (CT7), so only N and V pass here. */
  if (count (c, "hl7:confidentialityCode[@code='N' or @code='V'][@codeSystem='2.16.840.1.113883.5.25']") == 1)
    report (c, SINTESI_PSS_CHECK_CONFIDENTIALITY, TRUE,
            g_strdup_printf (_("The confidentiality level is %s."),
                             g_strcmp0 (cda->confidentiality_code, "V") == 0 ? _("very restricted (V)") : _("normal (N)")));
  else if (cda->confidentiality_code == NULL)
    report (c, SINTESI_PSS_CHECK_CONFIDENTIALITY, FALSE,
            g_strdup (_("The confidentiality level (confidentialityCode) is missing; it must be N (normal) or V (very restricted).")));
  else
    report (c, SINTESI_PSS_CHECK_CONFIDENTIALITY, FALSE,
            g_strdup_printf (_("The confidentiality level “%s” is not accepted: a patient summary must be N (normal) or V (very restricted), in code system 2.16.840.1.113883.5.25."),
                             cda->confidentiality_code));

  /* ERRORE-7 */
  if (count (c, "hl7:languageCode[@code]") == 1)
    report (c, SINTESI_PSS_CHECK_LANGUAGE, TRUE, g_strdup_printf (_("The document language is %s."), cda->language_code));
  else
    report (c, SINTESI_PSS_CHECK_LANGUAGE, FALSE, g_strdup (_("The document must state its language (languageCode, e.g. it-IT).")));
}

static void
check_participants (Checker *c)
{
  const SintesiCda *cda = c->cda;
  g_autoptr(GString) bad = g_string_new (NULL);

  /* ERRORE-10..17 */
  if (count (c, "hl7:recordTarget") != 1)
    report (c, SINTESI_PSS_CHECK_PATIENT, FALSE, g_strdup (_("The document must name exactly one patient (recordTarget).")));
  else if (count (c, "hl7:recordTarget/hl7:patientRole/hl7:id[@root='" OID_CF "' or @root='2.16.840.1.113883.2.9.4.3.15' or @root='2.16.840.1.113883.2.9.4.3.16']") != 1)
    report (c, SINTESI_PSS_CHECK_PATIENT, FALSE,
            g_strdup (_("The patient must be identified by codice fiscale (or by an ANA or ANPR identifier).")));
  else if (count (c, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name") != 1 ||
           count (c, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:given") != 1 ||
           count (c, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:family") != 1)
    report (c, SINTESI_PSS_CHECK_PATIENT, FALSE,
            g_strdup (_("The patient’s name must have exactly one given name and one family name.")));
  else if (count (c, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode[@codeSystem='2.16.840.1.113883.5.1']") != 1)
    report (c, SINTESI_PSS_CHECK_PATIENT, FALSE,
            g_strdup (_("The patient’s sex (administrativeGenderCode, code system 2.16.840.1.113883.5.1) is missing.")));
  else if (count (c, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:birthTime[@value]") != 1)
    report (c, SINTESI_PSS_CHECK_PATIENT, FALSE, g_strdup (_("The patient’s date of birth is missing.")));
  else if (count (c, "hl7:recordTarget/hl7:patientRole/hl7:addr[not(hl7:city) or not(hl7:country) or not(hl7:censusTract) or not(hl7:postalCode) or not(hl7:streetAddressLine)]") > 0)
    report (c, SINTESI_PSS_CHECK_PATIENT, FALSE,
            g_strdup (_("The patient’s address must give country, municipality, ISTAT code, postal code and street.")));
  else
    report (c, SINTESI_PSS_CHECK_PATIENT, TRUE,
            g_strdup_printf (_("The patient is %s %s."), cda->patient_given, cda->patient_family));

  if (cda->patient_cf != NULL || g_strcmp0 (cda->patient_id_root, OID_CF) == 0)
    /* TRANSLATORS: completes "The codice fiscale of …" (Italian: "del paziente") */
    check_cf (c, SINTESI_PSS_CHECK_PATIENT_CF, cda->patient_cf, _("the patient"));
  else
    report (c, SINTESI_PSS_CHECK_PATIENT_CF, TRUE,
            g_strdup (_("The patient is identified by a national identifier other than the codice fiscale.")));

  /* ERRORE-35..40 */
  if (count (c, "hl7:author") != 1)
    report (c, SINTESI_PSS_CHECK_AUTHOR, FALSE, g_strdup (_("The document must have exactly one author.")));
  else if (count (c, "hl7:author/hl7:assignedAuthor/hl7:id[@root='" OID_CF "']") != 1)
    report (c, SINTESI_PSS_CHECK_AUTHOR, FALSE, g_strdup (_("The author must be identified by codice fiscale.")));
  else if (count (c, "hl7:author/hl7:assignedAuthor/hl7:assignedPerson/hl7:name") != 1 ||
           count (c, "hl7:author/hl7:assignedAuthor/hl7:assignedPerson/hl7:name/hl7:given") != 1 ||
           count (c, "hl7:author/hl7:assignedAuthor/hl7:assignedPerson/hl7:name/hl7:family") != 1)
    report (c, SINTESI_PSS_CHECK_AUTHOR, FALSE, g_strdup (_("The author’s name must have exactly one given name and one family name.")));
  else if (count (c, "hl7:author/hl7:assignedAuthor/hl7:telecom") < 1)
    report (c, SINTESI_PSS_CHECK_AUTHOR, FALSE, g_strdup (_("The author must have at least one phone number or e-mail address (telecom).")));
  else if (count (c, "hl7:author/hl7:assignedAuthor/hl7:code[not(@codeSystem='2.16.840.1.113883.2.9.77.22.11.13')]") > 0)
    report (c, SINTESI_PSS_CHECK_AUTHOR, FALSE,
            g_strdup (_("The author’s role must come from assignedAuthorCode_PSSIT (MMG or PLS, code system 2.16.840.1.113883.2.9.77.22.11.13).")));
  else
    report (c, SINTESI_PSS_CHECK_AUTHOR, TRUE,
            g_strdup_printf (_("The author is %s %s."), cda->author_given, cda->author_family));
  /* TRANSLATORS: completes "The codice fiscale of …" (Italian: "dell’autore") */
  check_cf (c, SINTESI_PSS_CHECK_AUTHOR_CF, cda->author_cf, _("the author"));

  /* ERRORE-26a..30; signature code S is national KO test CT21. */
  if (count (c, "hl7:legalAuthenticator") != 1)
    report (c, SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR, FALSE,
            g_strdup (_("The document must name the physician who signs it (legalAuthenticator).")));
  else if (g_strcmp0 (cda->legal_authenticator_signature_code, "S") != 0)
    report (c, SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR, FALSE,
            g_strdup_printf (_("The signer’s signature code must be S (signed), not “%s”."),
                             cda->legal_authenticator_signature_code ? cda->legal_authenticator_signature_code : ""));
  else if (count (c, "hl7:legalAuthenticator/hl7:assignedEntity/hl7:id[@root='" OID_CF "']") != 1)
    report (c, SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR, FALSE, g_strdup (_("The signing physician must be identified by codice fiscale.")));
  else if (count (c, "hl7:legalAuthenticator/hl7:assignedEntity/hl7:assignedPerson/hl7:name") != 1 ||
           count (c, "hl7:legalAuthenticator/hl7:assignedEntity/hl7:assignedPerson/hl7:name/hl7:given") != 1 ||
           count (c, "hl7:legalAuthenticator/hl7:assignedEntity/hl7:assignedPerson/hl7:name/hl7:family") != 1)
    report (c, SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR, FALSE,
            g_strdup (_("The signing physician’s name must have exactly one given name and one family name.")));
  else
    report (c, SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR, TRUE,
            g_strdup (_("The signing physician is named, with signature code S.")));
  /* TRANSLATORS: completes "The codice fiscale of …" (Italian: "del medico firmatario") */
  check_cf (c, SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR_CF, cda->legal_authenticator_cf, _("the signing physician"));

  /* ERRORE-52: every CF in the document, 16 upper-case letters and digits. */
  {
    xmlXPathObject *ids;

    c->xpath->node = c->root;
    ids = xmlXPathEvalExpression ((const xmlChar *) "//hl7:id[@root='" OID_CF "']", c->xpath);
    for (int i = 0; ids != NULL && ids->nodesetval != NULL && i < ids->nodesetval->nodeNr; i++)
      {
        xmlChar *extension = xmlGetProp (ids->nodesetval->nodeTab[i], (const xmlChar *) "extension");
        const char *cf = extension ? (const char *) extension : "";
        gboolean good = strlen (cf) == 16;

        for (const char *p = cf; good && *p != '\0'; p++)
          good = g_ascii_isupper (*p) || g_ascii_isdigit (*p);
        if (!good)
          g_string_append_printf (bad, "%s“%s” (%s %ld)", bad->len ? ", " : "", cf, _("line"),
                                  xmlGetLineNo (ids->nodesetval->nodeTab[i]));
        xmlFree (extension);
      }
    xmlXPathFreeObject (ids);
    if (bad->len == 0)
      report (c, SINTESI_PSS_CHECK_CF_FORMAT, TRUE,
              g_strdup (_("Every codice fiscale in the document has 16 upper-case letters and digits.")));
    else
      report (c, SINTESI_PSS_CHECK_CF_FORMAT, FALSE,
              g_strdup_printf (_("These codici fiscali are not 16 upper-case letters and digits, as the gateway requires: %s."), bad->str));
  }

  /* ERRORE-24/25 */
  if (count (c, "hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:id") == 1 &&
      count (c, "hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:name") == 1)
    report (c, SINTESI_PSS_CHECK_CUSTODIAN, TRUE,
            g_strdup_printf (_("The document is kept by %s."), cda->custodian_name));
  else
    report (c, SINTESI_PSS_CHECK_CUSTODIAN, FALSE,
            g_strdup (_("The organisation that keeps the document (custodian) must have exactly one identifier and a name.")));

  /* ERRORE-34/49 */
  if (count (c, "hl7:documentationOf") >= 1 &&
      count (c, "hl7:documentationOf[count(hl7:serviceEvent/hl7:effectiveTime) != 1]") == 0)
    report (c, SINTESI_PSS_CHECK_DOCUMENTATION_OF, TRUE, g_strdup (_("The documented service has a date.")));
  else
    report (c, SINTESI_PSS_CHECK_DOCUMENTATION_OF, FALSE,
            g_strdup (_("The document must describe the service it documents (documentationOf/serviceEvent) with its date.")));

  /* ERRORE-50 */
  {
    double missing = count (c, "//hl7:telecom[not(@use)]");

    if (missing == 0)
      report (c, SINTESI_PSS_CHECK_TELECOM_USE, TRUE, g_strdup (_("Every phone number and e-mail address says what it is for.")));
    else
      report (c, SINTESI_PSS_CHECK_TELECOM_USE, FALSE,
              g_strdup (_("Every phone number and e-mail address (telecom) must say what it is for (the use attribute, e.g. HP, WP, MC).")));
  }
}

/* ------------------------------------------------------------ sections */

/* An entry-level rule: bad selects, relative to the section, what breaks it. */
typedef struct
{
  const char *bad;
  const char *message;    /* N_() */
} EntryRule;

typedef struct
{
  const char      *id;
  const char      *code;
  const char      *template;
  const char      *name;       /* Italian title, as the physician knows it */
  gboolean         mandatory;
  gboolean         needs_text;
  const EntryRule *rules;      /* NULL-terminated */
} SectionSpec;

/* The entry rules follow the national KO test cases (CT14, CT16..CT19) and
 * the schematron asserts named beside them. */
static const EntryRule allergy_rules[] = {
  { "hl7:entry[count(hl7:act/hl7:entryRelationship/hl7:observation[hl7:templateId/@root='" TPL "3.1.3' or hl7:templateId/@root='" TPL "3.1.4']) != 1]",
    N_("Each entry must hold exactly one allergy or intolerance, or one “no known allergies” statement.") },   /* b76 */
  { "hl7:entry[not(hl7:act/hl7:effectiveTime/hl7:low) and not(hl7:act/hl7:effectiveTime[@nullFlavor='UNK'])]",
    N_("An allergy has no start date (act/effectiveTime/low); when it is not known, the document must say so (nullFlavor UNK).") },   /* b74, CT18 */
  { "hl7:entry/hl7:act/hl7:entryRelationship/hl7:observation[hl7:templateId/@root='" TPL "3.1.3'][not(hl7:participant)]",
    N_("An allergy does not say what causes it (the agent, observation/participant).") },   /* b81, CT19 */
  { NULL, NULL }
};

static const EntryRule medication_rules[] = {
  { "hl7:entry/hl7:substanceAdministration[hl7:templateId/@root='" TPL "3.2.1'][not(hl7:effectiveTime[@xsi:type='IVL_TS']/hl7:low) and not(hl7:effectiveTime[@nullFlavor='UNK'])]",
    N_("A medication has no start date (effectiveTime/low); when it is not known, the document must say so (nullFlavor UNK).") },   /* b110, CT16 */
  { "hl7:entry/hl7:substanceAdministration[hl7:templateId/@root='" TPL "3.2.1'][not(hl7:routeCode[@code and @codeSystem])]",
    N_("A medication has no route of administration (routeCode).") },   /* b112 */
  { NULL, NULL }
};

static const EntryRule problem_rules[] = {
  { "hl7:entry[not(hl7:act/hl7:code[@nullFlavor='NA'])]",
    N_("A problem entry lacks its act code (code with nullFlavor NA).") },   /* b149, CT12 */
  { "hl7:entry[not(hl7:act/hl7:entryRelationship/hl7:observation)]",
    N_("A problem entry does not describe the problem (entryRelationship/observation).") },   /* b153 */
  { NULL, NULL }
};

static const EntryRule family_rules[] = {
  { "hl7:entry/hl7:organizer[not(hl7:subject/hl7:relatedSubject/hl7:code[@codeSystem='2.16.840.1.113883.5.111'])]",
    N_("A family history entry does not say which relative it is about (relatedSubject/code).") },   /* b178, CT17 */
  { NULL, NULL }
};

static const EntryRule vaccination_rules[] = {
  { "hl7:entry[not(hl7:substanceAdministration/hl7:statusCode[@code='completed'])]",
    N_("A vaccination has no status, or a status other than completed (statusCode).") },   /* b120, CT14 */
  { "hl7:entry[count(hl7:substanceAdministration/hl7:effectiveTime) != 1]",
    N_("A vaccination has no date (effectiveTime); when it is not known, the document must say so (nullFlavor UNK).") },   /* b121 */
  { "hl7:entry[count(hl7:substanceAdministration/hl7:consumable/hl7:manufacturedProduct/hl7:manufacturedMaterial/hl7:lotNumberText) != 1]",
    N_("A vaccination has no lot number (lotNumberText).") },   /* b125 */
  { NULL, NULL }
};

static void
check_section (Checker           *c,
               const SectionSpec *spec)
{
  g_autofree char *section = g_strdup_printf ("hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code[@code='%s']]", spec->code);
  g_autofree char *coded = g_strdup_printf ("hl7:component/hl7:structuredBody/hl7:component/hl7:section/hl7:code[@code='%s'][@codeSystem='" OID_LOINC "']", spec->code);
  g_autofree char *template = g_strdup_printf ("%s/hl7:templateId[@root='%s']", section, spec->template);
  g_autofree char *title = g_strdup_printf ("%s/hl7:title", section);
  g_autofree char *text = g_strdup_printf ("%s/hl7:text", section);
  g_autofree char *entries = g_strdup_printf ("%s/hl7:entry", section);
  double n_entries;

  if (!spec->mandatory && count (c, section) == 0)
    {
      report (c, spec->id, TRUE,
              /* TRANSLATORS: %s is the Italian section title, e.g. "Vaccinazioni" */
              g_strdup_printf (_("The document has no section “%s”, which is optional."), spec->name));
      return;
    }
  if (count (c, coded) != 1)
    {
      report (c, spec->id, FALSE,
              spec->mandatory
                /* TRANSLATORS: %s is the Italian section title, e.g. "Allergie e Intolleranze" */
                ? g_strdup_printf (_("The mandatory section “%s” (LOINC %s) is missing, or present more than once."), spec->name, spec->code)
                : g_strdup_printf (_("The section “%s” must appear once, coded LOINC %s."), spec->name, spec->code));
      return;
    }
  if (count (c, template) != 1)
    {
      report (c, spec->id, FALSE,
              g_strdup_printf (_("The section “%s” must carry its templateId %s."), spec->name, spec->template));
      return;
    }
  if (count (c, title) != 1)
    {
      report (c, spec->id, FALSE, g_strdup_printf (_("The section “%s” has no title."), spec->name));
      return;
    }
  if (spec->needs_text && count (c, text) != 1)
    {
      report (c, spec->id, FALSE,
              g_strdup_printf (_("The section “%s” has no readable text (section/text)."), spec->name));
      return;
    }
  n_entries = count (c, entries);
  if (n_entries < 1)
    {
      report (c, spec->id, FALSE,
              g_strdup_printf (_("The section “%s” has no coded entry: record at least one item, or that there is no information."), spec->name));
      return;
    }
  /* ERRORE-b9: medications, or exactly one "no information" entry. */
  if (strcmp (spec->code, "10160-0") == 0)
    {
      g_autofree char *given = g_strdup_printf ("%s/hl7:entry[hl7:substanceAdministration/hl7:templateId[@root='" TPL "3.2.1']]", section);
      g_autofree char *none = g_strdup_printf ("%s/hl7:entry[hl7:substanceAdministration/hl7:templateId[@root='" TPL "3.2.3']]", section);
      double n_given = count (c, given);
      double n_none = count (c, none);

      if (!((n_given >= 1 && n_none == 0) || (n_given == 0 && n_none == 1)))
        {
          report (c, spec->id, FALSE,
                  g_strdup_printf (_("The section “%s” must list the medications, or hold a single “no information on medications” entry, not both."),
                                   spec->name));
          return;
        }
    }
  for (const EntryRule *rule = spec->rules; rule != NULL && rule->bad != NULL; rule++)
    {
      g_autofree char *bad = g_strdup_printf ("%s/%s", section, rule->bad);

      if (count (c, bad) > 0)
        {
          report (c, spec->id, FALSE,
                  /* TRANSLATORS: the section title, then a sentence saying what is wrong */
                  g_strdup_printf (_("Section “%s”: %s"), spec->name, _(rule->message)));
          return;
        }
    }
  report (c, spec->id, TRUE,
          /* TRANSLATORS: the section title, then the number of entries */
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The section “%s” is present with %u entry.",
                                        "The section “%s” is present with %u entries.", (gulong) n_entries),
                           spec->name, (guint) n_entries));
}

static const char * const known_section_codes[] = {
  "48765-2", "10160-0", "11369-6", "11450-4", "10157-6", "29762-2", "10162-6", "8716-3", "46264-8",
  "18776-5", "47519-4", "46240-8", "47420-5", "30954-2", "42348-3", "57827-8",
};

static void
check_sections (Checker *c)
{
  static const SectionSpec sections[] = {
    { SINTESI_PSS_CHECK_SECTION_ALLERGIES, "48765-2", TPL "2.1", "Allergie e Intolleranze", TRUE, FALSE, allergy_rules },
    { SINTESI_PSS_CHECK_SECTION_MEDICATIONS, "10160-0", TPL "2.2", "Terapie farmacologiche", TRUE, TRUE, medication_rules },
    { SINTESI_PSS_CHECK_SECTION_PROBLEMS, "11450-4", TPL "2.4", "Lista dei Problemi", TRUE, FALSE, problem_rules },
    { SINTESI_PSS_CHECK_SECTION_FAMILY_HISTORY, "10157-6", TPL "2.16", "Anamnesi Familiare", TRUE, TRUE, family_rules },
    { SINTESI_PSS_CHECK_SECTION_VACCINATIONS, "11369-6", TPL "2.3", "Vaccinazioni", FALSE, TRUE, vaccination_rules },
  };
  g_autoptr(GString) unknown = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (sections); i++)
    check_section (c, &sections[i]);

  /* ERRORE-b69 */
  for (guint i = 0; i < c->cda->sections->len; i++)
    {
      const SintesiCdaSection *section = g_ptr_array_index (c->cda->sections, i);
      gboolean known = FALSE;

      if (g_strcmp0 (section->code, "PSSIT99") == 0)
        known = g_strcmp0 (section->code_system, "2.16.840.1.113883.2.9.5.2.8") == 0;
      else
        for (gsize k = 0; k < G_N_ELEMENTS (known_section_codes) && !known; k++)
          known = g_strcmp0 (section->code, known_section_codes[k]) == 0 &&
                  g_strcmp0 (section->code_system, OID_LOINC) == 0;
      if (!known)
        g_string_append_printf (unknown, "%s“%s”", unknown->len ? ", " : "", section->code ? section->code : "");
    }
  if (unknown->len == 0)
    report (c, SINTESI_PSS_CHECK_SECTION_CODES, TRUE,
            g_strdup (_("Every section is one of those a patient summary may contain.")));
  else
    report (c, SINTESI_PSS_CHECK_SECTION_CODES, FALSE,
            g_strdup_printf (_("These section codes are not allowed in a patient summary: %s."), unknown->str));
}

GPtrArray *
sintesi_pss_checks_run (const SintesiCda     *cda,
                        SintesiPssCheckFlags  flags)
{
  Checker c = { 0 };

  g_return_val_if_fail (cda != NULL && cda->doc != NULL, NULL);

  c.cda = cda;
  c.flags = flags;
  c.root = xmlDocGetRootElement (cda->doc);
  c.results = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_pss_check_free);
  c.xpath = xmlXPathNewContext (cda->doc);
  if (c.xpath == NULL)
    g_error ("out of memory");
  xmlXPathRegisterNs (c.xpath, (const xmlChar *) "hl7", (const xmlChar *) SINTESI_CDA_NAMESPACE);
  xmlXPathRegisterNs (c.xpath, (const xmlChar *) "xsi", (const xmlChar *) "http://www.w3.org/2001/XMLSchema-instance");

  check_header (&c);
  check_participants (&c);
  check_sections (&c);

  xmlXPathFreeContext (c.xpath);
  return c.results;
}

gboolean
sintesi_pss_checks_all_ok (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    if (!((SintesiPssCheck *) g_ptr_array_index (checks, i))->ok)
      return FALSE;
  return TRUE;
}

const SintesiPssCheck *
sintesi_pss_checks_find (GPtrArray  *checks,
                         const char *id)
{
  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiPssCheck *check = g_ptr_array_index (checks, i);

      if (g_strcmp0 (check->id, id) == 0)
        return check;
    }
  return NULL;
}

/* ------------------------------------------------------------ terminology */

/* Cuts the CSV line starting at line (NUL-terminating it in place, *next
 * set to the following line) and returns its second field, the code,
 * unquoted in place. Fields are comma-separated and may be double-quoted,
 * with "" for a quote. NULL for a line with fewer than two fields. */
static char *
csv_take_code (char  *line,
               char **next)
{
  char *end = strchr (line, '\n');
  gboolean quoted = FALSE;
  char *p = line;
  char *out;
  char *code;

  if (end != NULL)
    {
      *end = '\0';
      *next = end + 1;
    }
  else
    *next = line + strlen (line);

  for (; *p != '\0'; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (*p == ',' && !quoted)
        break;
    }
  if (*p != ',')
    return NULL;
  code = out = ++p;
  quoted = FALSE;
  for (; *p != '\0'; p++)
    {
      if (*p == '"' && quoted && p[1] == '"')
        {
          *out++ = '"';
          p++;
        }
      else if (*p == '"')
        quoted = !quoted;
      else if (*p == ',' && !quoted)
        break;
      else if (*p != '\r')
        *out++ = *p;
    }
  *out = '\0';
  return code;
}

#define WHITELIST_MARK "#WHITELIST#"

/* The codes of one code system; the keys point into contents. */
typedef struct
{
  char       *contents;
  GHashTable *codes;
} CodeList;

static void
code_list_free (gpointer data)
{
  CodeList *list = data;

  if (list == NULL)
    return;
  g_hash_table_unref (list->codes);
  g_free (list->contents);
  g_free (list);
}

/* NULL (without error) when the package has no list for the code system. */
static CodeList *
load_code_list (const char  *dir,
                const char  *system,
                GError     **error)
{
  g_autofree char *name = g_strconcat (system, ".csv", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local = NULL;
  CodeList *list;
  char *line;
  char *next;

  list = g_new0 (CodeList, 1);
  if (!g_file_get_contents (path, &list->contents, NULL, &local))
    {
      g_free (list);
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, SINTESI_PSS_CHECKS_ERROR, SINTESI_PSS_CHECKS_ERROR_TERMINOLOGY_FOLDER,
                   _("Cannot read the code list %s: %s"), path, local->message);
      return NULL;
    }
  list->codes = g_hash_table_new (g_str_hash, g_str_equal);
  /* The first line is the header (version,code,description,release_date). */
  csv_take_code (list->contents, &next);
  for (line = next; *line != '\0'; line = next)
    {
      char *code = csv_take_code (line, &next);

      if (code != NULL && *code != '\0')
        g_hash_table_add (list->codes, code);
    }
  return list;
}

static gboolean
is_placeholder_system (const char *system)
{
  g_auto(GStrv) arcs = g_strsplit (system, ".", -1);

  for (guint i = 0; arcs[i] != NULL; i++)
    if (strcmp (arcs[i], "999") == 0 || strcmp (arcs[i], "9999") == 0)
      return TRUE;
  return FALSE;
}

static void
add_check (GPtrArray  *results,
           gboolean    ok,
           char       *message)
{
  SintesiPssCheck *check = g_new0 (SintesiPssCheck, 1);

  check->id = g_strdup (SINTESI_PSS_CHECK_TERMINOLOGY);
  check->ok = ok;
  check->message = message;
  g_ptr_array_add (results, check);
}

GPtrArray *
sintesi_pss_checks_terminology (const SintesiCda  *cda,
                                const char        *terminology_dir,
                                GError           **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_pss_check_free);
  /* code system → code set, or a NULL value when the package has no list */
  g_autoptr(GHashTable) lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, code_list_free);
  g_autoptr(GHashTable) unchecked = g_hash_table_new (g_str_hash, g_str_equal);
  xmlXPathContext *ctx;
  xmlXPathObject *coded;
  guint n_checked = 0;
  guint n_failed = 0;

  g_return_val_if_fail (cda != NULL && terminology_dir != NULL, NULL);

  if (!g_file_test (terminology_dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (terminology_dir);

      g_set_error (error, SINTESI_PSS_CHECKS_ERROR, SINTESI_PSS_CHECKS_ERROR_TERMINOLOGY_FOLDER,
                   _("The terminology folder “%s” does not exist."), display);
      return NULL;
    }

  ctx = xmlXPathNewContext (cda->doc);
  coded = xmlXPathEvalExpression ((const xmlChar *) "//*[@code and @codeSystem]", ctx);
  for (int i = 0; coded != NULL && coded->nodesetval != NULL && i < coded->nodesetval->nodeNr; i++)
    {
      xmlNode *node = coded->nodesetval->nodeTab[i];
      xmlChar *code = xmlGetProp (node, (const xmlChar *) "code");
      xmlChar *system = xmlGetProp (node, (const xmlChar *) "codeSystem");
      CodeList *list = NULL;
      gboolean known;

      if (is_placeholder_system ((const char *) system))
        {
          n_failed++;
          add_check (results, FALSE,
                     g_strdup_printf (_("Line %ld: the code system %s is a placeholder (an OID with a 999 arc), which the gateway refuses."),
                                      xmlGetLineNo (node), (const char *) system));
          goto next;
        }
      known = g_hash_table_lookup_extended (lists, system, NULL, (gpointer *) &list);
      if (!known)
        {
          g_autoptr(GError) local = NULL;

          list = load_code_list (terminology_dir, (const char *) system, &local);
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              xmlFree (code);
              xmlFree (system);
              xmlXPathFreeObject (coded);
              xmlXPathFreeContext (ctx);
              return NULL;
            }
          g_hash_table_insert (lists, g_strdup ((const char *) system), list);
        }
      if (list == NULL)
        {
          gpointer key = NULL;

          /* The key owned by the lists table outlives this loop. */
          g_hash_table_lookup_extended (lists, system, &key, NULL);
          g_hash_table_add (unchecked, key);
          goto next;
        }
      n_checked++;
      if (!g_hash_table_contains (list->codes, code) && !g_hash_table_contains (list->codes, WHITELIST_MARK))
        {
          xmlChar *display = xmlGetProp (node, (const xmlChar *) "displayName");

          n_failed++;
          add_check (results, FALSE,
                     display != NULL
                       /* TRANSLATORS: line number, code, its display name, code system OID */
                       ? g_strdup_printf (_("Line %ld: the code “%s” (%s) is not in code system %s."),
                                          xmlGetLineNo (node), (const char *) code, (const char *) display, (const char *) system)
                       : g_strdup_printf (_("Line %ld: the code “%s” is not in code system %s."),
                                          xmlGetLineNo (node), (const char *) code, (const char *) system));
          xmlFree (display);
        }
    next:
      xmlFree (code);
      xmlFree (system);
    }
  xmlXPathFreeObject (coded);
  xmlXPathFreeContext (ctx);

  if (n_failed == 0)
    {
      g_autofree char *checked = g_strdup_printf ("%u", n_checked);
      g_autofree char *skipped = g_strdup_printf ("%u", g_hash_table_size (unchecked));

      add_check (results, TRUE,
                 /* TRANSLATORS: both %s are numbers */
                 g_strdup_printf (_("All %s codes checked against the code lists of the rules package exist; %s code systems have no list in the package and were not checked."),
                                  checked, skipped));
    }
  return g_steal_pointer (&results);
}
