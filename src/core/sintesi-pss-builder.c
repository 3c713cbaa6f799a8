/* sintesi-pss-builder.c: build a PSS CDA from a model
 *
 * Every entry is written next to the narrative that shows it: each section
 * text is a table whose rows carry an ID, and the coded entry points at its
 * row (text/reference) and at the cell with the coded concept
 * (originalText/reference). The templates and the order of elements follow
 * the national example and the official schematron v4.0
 * (pss-document.md §4.3); element order follows the CDA XSD.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "sintesi-pss-builder.h"

G_DEFINE_QUARK (sintesi-pss-builder-error-quark, sintesi_pss_builder_error)

#define NS_HL7 "urn:hl7-org:v3"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

#define OID_LOINC            "2.16.840.1.113883.6.1"
#define OID_CF               "2.16.840.1.113883.2.9.4.3.2"
#define OID_DOC_ID           "2.16.840.1.113883.2.9.2.90.4.4"
#define OID_ACT_CODE         "2.16.840.1.113883.5.4"
#define OID_OBS_VALUE        "2.16.840.1.113883.5.1063"
#define OID_GENDER           "2.16.840.1.113883.5.1"
#define TPL                  "2.16.840.1.113883.2.9.10.1.4."

/* ---------------------------------------------------------------- model */

static void
code_clear (SintesiPssCode *code)
{
  g_clear_pointer (&code->code, g_free);
  g_clear_pointer (&code->system, g_free);
  g_clear_pointer (&code->display, g_free);
}

static void
address_clear (SintesiPssAddress *address)
{
  g_clear_pointer (&address->street, g_free);
  g_clear_pointer (&address->city, g_free);
  g_clear_pointer (&address->census_tract, g_free);
  g_clear_pointer (&address->postal_code, g_free);
  g_clear_pointer (&address->county, g_free);
  g_clear_pointer (&address->country, g_free);
}

static void
physician_clear (SintesiPssPhysician *physician)
{
  g_free (physician->cf);
  g_free (physician->given);
  g_free (physician->family);
  g_free (physician->prefix);
  g_free (physician->role);
  address_clear (&physician->address);
  g_free (physician->phone);
  g_free (physician->email);
}

static void
allergy_free (gpointer data)
{
  SintesiPssAllergy *item = data;

  code_clear (&item->type);
  code_clear (&item->agent);
  code_clear (&item->reaction);
  g_free (item->onset);
  g_free (item->end);
  g_free (item->comment);
  g_free (item);
}

static void
medication_free (gpointer data)
{
  SintesiPssMedication *item = data;

  code_clear (&item->product);
  code_clear (&item->route);
  g_free (item->dose_value);
  g_free (item->dose_unit);
  g_free (item->period_value);
  g_free (item->period_unit);
  g_free (item->instructions);
  g_free (item->start);
  g_free (item->end);
  g_free (item);
}

static void
problem_free (gpointer data)
{
  SintesiPssProblem *item = data;

  code_clear (&item->problem);
  g_free (item->onset);
  g_free (item->end);
  g_free (item->comment);
  g_free (item);
}

static void
family_history_free (gpointer data)
{
  SintesiPssFamilyHistory *item = data;

  code_clear (&item->relative);
  code_clear (&item->condition);
  g_free (item->relative_sex);
  g_free (item->onset_age);
  g_free (item->death_age);
  g_free (item);
}

static void
vaccination_free (gpointer data)
{
  SintesiPssVaccination *item = data;

  code_clear (&item->vaccine);
  code_clear (&item->route);
  g_free (item->date);
  g_free (item->lot);
  g_free (item->dose_number);
  g_free (item->valid_until);
  g_free (item);
}

static void
vital_sign_free (gpointer data)
{
  SintesiPssVitalSign *item = data;

  code_clear (&item->parameter);
  g_free (item->value);
  g_free (item->unit);
  g_free (item->date);
  g_free (item);
}

static void
lifestyle_free (gpointer data)
{
  SintesiPssLifestyle *item = data;

  code_clear (&item->observation);
  code_clear (&item->value);
  g_free (item->text);
  g_free (item->date);
  g_free (item);
}

static void
device_free (gpointer data)
{
  SintesiPssDevice *item = data;

  code_clear (&item->device);
  g_free (item->date);
  g_free (item);
}

static void
procedure_free (gpointer data)
{
  SintesiPssProcedure *item = data;

  code_clear (&item->procedure);
  g_free (item->start);
  g_free (item->end);
  g_free (item);
}

static void
functional_status_free (gpointer data)
{
  SintesiPssFunctionalStatus *item = data;

  code_clear (&item->motor_capacity);
  code_clear (&item->care_regime);
  g_free (item->date);
  g_free (item);
}

static void
care_plan_free (gpointer data)
{
  SintesiPssCarePlanItem *item = data;

  code_clear (&item->exam);
  g_free (item->date);
  g_free (item);
}

static void
exemption_free (gpointer data)
{
  SintesiPssExemption *item = data;

  code_clear (&item->exemption);
  g_free (item->start);
  g_free (item->end);
  g_free (item);
}

static void
pregnancy_free (gpointer data)
{
  SintesiPssPregnancy *item = data;

  code_clear (&item->observation);
  g_free (item->value);
  g_free (item->date);
  g_free (item);
}

static void
encounter_free (gpointer data)
{
  SintesiPssEncounter *item = data;

  code_clear (&item->encounter);
  g_free (item->start);
  g_free (item->end);
  g_free (item->description);
  g_free (item->performer_cf);
  g_free (item->performer_given);
  g_free (item->performer_family);
  g_free (item);
}

static void
lab_result_free (gpointer data)
{
  SintesiPssLabResult *item = data;

  code_clear (&item->battery);
  code_clear (&item->test);
  g_free (item->value);
  g_free (item->unit);
  g_free (item->range_low);
  g_free (item->range_high);
  g_free (item->interpretation);
  g_free (item->date);
  g_free (item);
}

static void
disease_network_free (gpointer data)
{
  SintesiPssDiseaseNetwork *item = data;

  code_clear (&item->network);
  g_free (item->start);
  g_free (item->end);
  g_free (item);
}

SintesiPssModel *
sintesi_pss_model_new (void)
{
  SintesiPssModel *model = g_new0 (SintesiPssModel, 1);

  model->allergies = g_ptr_array_new_with_free_func (allergy_free);
  model->medications = g_ptr_array_new_with_free_func (medication_free);
  model->problems = g_ptr_array_new_with_free_func (problem_free);
  model->family_history = g_ptr_array_new_with_free_func (family_history_free);
  model->vaccinations = g_ptr_array_new_with_free_func (vaccination_free);
  model->vital_signs = g_ptr_array_new_with_free_func (vital_sign_free);
  model->lifestyle = g_ptr_array_new_with_free_func (lifestyle_free);
  model->devices = g_ptr_array_new_with_free_func (device_free);
  model->procedures = g_ptr_array_new_with_free_func (procedure_free);
  model->functional_status = g_ptr_array_new_with_free_func (functional_status_free);
  model->care_plan = g_ptr_array_new_with_free_func (care_plan_free);
  model->exemptions = g_ptr_array_new_with_free_func (exemption_free);
  model->pregnancies = g_ptr_array_new_with_free_func (pregnancy_free);
  model->encounters = g_ptr_array_new_with_free_func (encounter_free);
  model->lab_results = g_ptr_array_new_with_free_func (lab_result_free);
  model->disease_networks = g_ptr_array_new_with_free_func (disease_network_free);
  return model;
}

void
sintesi_pss_model_free (SintesiPssModel *model)
{
  if (model == NULL)
    return;
  g_free (model->id_extension);
  g_free (model->set_id_extension);
  g_free (model->replaces_id_extension);
  g_free (model->effective_time);
  g_free (model->confidentiality);
  g_free (model->patient.cf);
  g_free (model->patient.given);
  g_free (model->patient.family);
  g_free (model->patient.sex);
  g_free (model->patient.birth_date);
  g_free (model->patient.birth_city);
  g_free (model->patient.birth_census_tract);
  g_free (model->patient.birth_country);
  address_clear (&model->patient.address);
  g_free (model->patient.phone);
  g_free (model->patient.email);
  physician_clear (&model->author);
  g_free (model->author_time);
  physician_clear (&model->legal_authenticator);
  g_free (model->custodian.id_root);
  g_free (model->custodian.id_extension);
  g_free (model->custodian.name);
  g_free (model->custodian.phone);
  address_clear (&model->custodian.address);
  g_clear_pointer (&model->allergies, g_ptr_array_unref);
  g_clear_pointer (&model->medications, g_ptr_array_unref);
  g_clear_pointer (&model->problems, g_ptr_array_unref);
  g_clear_pointer (&model->family_history, g_ptr_array_unref);
  g_clear_pointer (&model->vaccinations, g_ptr_array_unref);
  g_clear_pointer (&model->vital_signs, g_ptr_array_unref);
  g_clear_pointer (&model->lifestyle, g_ptr_array_unref);
  g_clear_pointer (&model->devices, g_ptr_array_unref);
  g_clear_pointer (&model->procedures, g_ptr_array_unref);
  g_clear_pointer (&model->functional_status, g_ptr_array_unref);
  g_clear_pointer (&model->care_plan, g_ptr_array_unref);
  g_clear_pointer (&model->exemptions, g_ptr_array_unref);
  g_clear_pointer (&model->pregnancies, g_ptr_array_unref);
  g_clear_pointer (&model->encounters, g_ptr_array_unref);
  g_clear_pointer (&model->lab_results, g_ptr_array_unref);
  g_free (model->organ_donation_date);
  g_clear_pointer (&model->disease_networks, g_ptr_array_unref);
  g_free (model);
}

/* ---------------------------------------------------------------- checks */

static gboolean
is_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

static gboolean
require (const char  *value,
         const char  *what,
         GError     **error)
{
  if (!is_empty (value))
    return TRUE;
  g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_MISSING,
               /* TRANSLATORS: %s names a piece of the document, e.g. "the patient’s family name" */
               _("The summary cannot be built: %s is missing."), what);
  return FALSE;
}

/* HL7 TS: YYYY[MM[DD[HH[MM[SS]]]]][+ZZZZ]. */
static gboolean
check_ts (const char  *value,
          const char  *what,
          gboolean     required,
          GError     **error)
{
  gsize digits = 0;
  const char *p;

  if (is_empty (value))
    return required ? require (value, what, error) : TRUE;
  for (p = value; g_ascii_isdigit (*p); p++)
    digits++;
  if ((*p == '+' || *p == '-') && digits >= 12 &&
      g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && g_ascii_isdigit (p[3]) && g_ascii_isdigit (p[4]) && p[5] == '\0')
    p += 5;
  if (*p == '\0' && (digits == 4 || digits == 6 || digits == 8 || digits == 10 || digits == 12 || digits == 14))
    return TRUE;
  g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
               _("The summary cannot be built: %s “%s” is not a date in the form YYYYMMDD (optionally followed by the time and the time zone, e.g. 20250114103000+0100)."),
               what, value);
  return FALSE;
}

/* The schematron (ERRORE-52) wants 16 characters [A-Z0-9]; a lower-case CF
 * is a national KO case (CT6), so it is refused here, never fixed. */
static gboolean
check_cf (const char  *cf,
          const char  *what,
          GError     **error)
{
  if (!require (cf, what, error))
    return FALSE;
  if (strlen (cf) == 16)
    {
      const char *p;

      for (p = cf; *p != '\0'; p++)
        if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
          break;
      if (*p == '\0')
        return TRUE;
    }
  g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
               _("The summary cannot be built: %s “%s” is not a codice fiscale of 16 upper-case letters and digits."),
               what, cf);
  return FALSE;
}

static gboolean
check_integer (const char  *value,
               const char  *what,
               GError     **error)
{
  if (!require (value, what, error))
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      {
        g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
                     _("The summary cannot be built: %s “%s” is not a whole number."), what, value);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_code (const SintesiPssCode  *code,
            const char            *what,
            GError               **error)
{
  if (is_empty (code->code) || is_empty (code->system))
    {
      g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_MISSING,
                   _("The summary cannot be built: %s has no code or no code system."), what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_physician (const SintesiPssPhysician  *physician,
                 const char                 *cf_what,
                 const char                 *name_what,
                 const char                 *telecom_what,
                 GError                    **error)
{
  if (!check_cf (physician->cf, cf_what, error) ||
      !require (physician->given, name_what, error) ||
      !require (physician->family, name_what, error))
    return FALSE;
  if (is_empty (physician->phone) && is_empty (physician->email))
    return require (NULL, telecom_what, error);
  return TRUE;
}

static gboolean
check_model (const SintesiPssModel  *model,
             GError                **error)
{
  const SintesiPssPatient *patient = &model->patient;

  if (!require (model->id_extension, _("the document identifier"), error) ||
      !check_ts (model->effective_time, _("the document date"), TRUE, error) ||
      !check_ts (model->author_time, _("the authoring time"), FALSE, error) ||
      !check_cf (patient->cf, _("the patient’s codice fiscale"), error) ||
      !require (patient->given, _("the patient’s given name"), error) ||
      !require (patient->family, _("the patient’s family name"), error) ||
      !require (patient->sex, _("the patient’s sex"), error) ||
      !check_ts (patient->birth_date, _("the patient’s date of birth"), TRUE, error) ||
      !check_physician (&model->author, _("the author’s codice fiscale"), _("the author’s name"),
                        _("the author’s phone or e-mail"), error) ||
      !require (model->custodian.id_root, _("the custodian organisation’s identifier"), error) ||
      !require (model->custodian.id_extension, _("the custodian organisation’s identifier"), error) ||
      !require (model->custodian.name, _("the custodian organisation’s name"), error))
    return FALSE;

  if (!is_empty (model->legal_authenticator.cf) &&
      !check_physician (&model->legal_authenticator, _("the signing physician’s codice fiscale"),
                        _("the signing physician’s name"), _("the signing physician’s phone or e-mail"), error))
    return FALSE;

  if (g_strcmp0 (patient->sex, "M") != 0 && g_strcmp0 (patient->sex, "F") != 0 &&
      g_strcmp0 (patient->sex, "UN") != 0)
    {
      g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
                   _("The summary cannot be built: the patient’s sex must be M, F or UN, not “%s”."), patient->sex);
      return FALSE;
    }
  if (!is_empty (model->confidentiality) && g_strcmp0 (model->confidentiality, "N") != 0 &&
      g_strcmp0 (model->confidentiality, "V") != 0)
    {
      g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
                   _("The summary cannot be built: confidentiality must be N (normal) or V (very restricted), not “%s”; the national gateway refuses R."),
                   model->confidentiality);
      return FALSE;
    }
  if (!is_empty (patient->birth_city) &&
      (is_empty (patient->birth_country) || strcmp (patient->birth_country, "100") == 0) &&
      !require (patient->birth_census_tract, _("the ISTAT code of the patient’s birthplace"), error))
    return FALSE;
  if (!is_empty (patient->address.street) &&
      (!require (patient->address.city, _("the municipality of the patient’s address"), error) ||
       !require (patient->address.census_tract, _("the ISTAT code of the patient’s municipality"), error) ||
       !require (patient->address.postal_code, _("the postal code of the patient’s address"), error)))
    return FALSE;
  if (model->version > 1 && !require (model->replaces_id_extension, _("the identifier of the document this version replaces"), error))
    return FALSE;

  for (guint i = 0; i < model->allergies->len; i++)
    {
      const SintesiPssAllergy *item = g_ptr_array_index (model->allergies, i);

      if (!check_code (&item->type, _("an allergy’s type"), error) ||
          !check_code (&item->agent, _("an allergy’s agent"), error) ||
          !check_ts (item->onset, _("an allergy’s onset date"), TRUE, error) ||
          !check_ts (item->end, _("an allergy’s end date"), item->resolved, error))
        return FALSE;
    }
  for (guint i = 0; i < model->medications->len; i++)
    {
      const SintesiPssMedication *item = g_ptr_array_index (model->medications, i);

      if (!check_code (&item->product, _("a medication’s product"), error) ||
          !check_code (&item->route, _("a medication’s route of administration"), error) ||
          !check_ts (item->start, _("a medication’s start date"), TRUE, error) ||
          !check_ts (item->end, _("a medication’s end date"), FALSE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->problems->len; i++)
    {
      const SintesiPssProblem *item = g_ptr_array_index (model->problems, i);

      if (!check_code (&item->problem, _("a problem’s diagnosis"), error) ||
          !check_ts (item->onset, _("a problem’s onset date"), TRUE, error) ||
          !check_ts (item->end, _("a problem’s end date"), item->resolved, error))
        return FALSE;
    }
  for (guint i = 0; i < model->family_history->len; i++)
    {
      const SintesiPssFamilyHistory *item = g_ptr_array_index (model->family_history, i);

      if (!check_code (&item->relative, _("a family member"), error) ||
          !check_code (&item->condition, _("a family member’s condition"), error))
        return FALSE;
    }
  for (guint i = 0; i < model->vaccinations->len; i++)
    {
      const SintesiPssVaccination *item = g_ptr_array_index (model->vaccinations, i);

      if (!check_code (&item->vaccine, _("a vaccination’s vaccine"), error) ||
          !check_ts (item->date, _("a vaccination’s date"), TRUE, error) ||
          !require (item->lot, _("a vaccination’s lot number"), error) ||
          !check_ts (item->valid_until, _("a vaccination’s end of coverage"), FALSE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->vital_signs->len; i++)
    {
      const SintesiPssVitalSign *item = g_ptr_array_index (model->vital_signs, i);

      if (!check_code (&item->parameter, _("a vital sign"), error) ||
          !require (item->value, _("a vital sign’s value"), error) ||
          !require (item->unit, _("a vital sign’s unit"), error) ||
          !check_ts (item->date, _("a vital sign’s date"), TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->lifestyle->len; i++)
    {
      const SintesiPssLifestyle *item = g_ptr_array_index (model->lifestyle, i);

      if (!check_code (&item->observation, _("a lifestyle item"), error) ||
          (is_empty (item->value.code) && !require (item->text, _("a lifestyle item’s value"), error)) ||
          !check_ts (item->date, _("a lifestyle item’s date"), TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->devices->len; i++)
    {
      const SintesiPssDevice *item = g_ptr_array_index (model->devices, i);

      if (!check_code (&item->device, _("a device"), error) ||
          !check_ts (item->date, _("a device’s date"), TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->procedures->len; i++)
    {
      const SintesiPssProcedure *item = g_ptr_array_index (model->procedures, i);

      if (!check_code (&item->procedure, _("a procedure"), error) ||
          !check_ts (item->start, _("a procedure’s date"), TRUE, error) ||
          !check_ts (item->end, _("a procedure’s end date"), FALSE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->functional_status->len; i++)
    {
      const SintesiPssFunctionalStatus *item = g_ptr_array_index (model->functional_status, i);

      if (!check_code (&item->motor_capacity, _("the motor capacity"), error) ||
          !check_ts (item->date, _("the functional status date"), TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->care_plan->len; i++)
    {
      const SintesiPssCarePlanItem *item = g_ptr_array_index (model->care_plan, i);

      if (!check_code (&item->exam, _("a care plan item"), error) ||
          !check_ts (item->date, _("a care plan item’s date"), TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->exemptions->len; i++)
    {
      const SintesiPssExemption *item = g_ptr_array_index (model->exemptions, i);

      if (!check_code (&item->exemption, _("an exemption"), error) ||
          !check_ts (item->start, _("an exemption’s start date"), TRUE, error) ||
          !check_ts (item->end, _("an exemption’s end date"), FALSE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->pregnancies->len; i++)
    {
      const SintesiPssPregnancy *item = g_ptr_array_index (model->pregnancies, i);

      if (!check_code (&item->observation, _("a pregnancy observation"), error) ||
          !check_integer (item->value, _("a pregnancy observation’s value"), error) ||
          !check_ts (item->date, _("a pregnancy observation’s date"), TRUE, error))
        return FALSE;
    }
  for (guint i = 0; i < model->encounters->len; i++)
    {
      const SintesiPssEncounter *item = g_ptr_array_index (model->encounters, i);

      if (!check_code (&item->encounter, _("a visit or admission"), error) ||
          !check_ts (item->start, _("a visit’s date"), TRUE, error) ||
          !check_ts (item->end, _("a visit’s end date"), FALSE, error) ||
          (!is_empty (item->performer_cf) &&
           (!check_cf (item->performer_cf, _("the codice fiscale of a visit’s physician"), error) ||
            !require (item->performer_given, _("the name of a visit’s physician"), error) ||
            !require (item->performer_family, _("the name of a visit’s physician"), error))))
        return FALSE;
    }
  for (guint i = 0; i < model->lab_results->len; i++)
    {
      const SintesiPssLabResult *item = g_ptr_array_index (model->lab_results, i);

      if (!check_code (&item->test, _("a test result"), error) ||
          !require (item->value, _("a test result’s value"), error) ||
          !require (item->unit, _("a test result’s unit"), error) ||
          !check_ts (item->date, _("a test result’s date"), TRUE, error))
        return FALSE;
      if (is_empty (item->range_low) != is_empty (item->range_high))
        {
          g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
                       _("The summary cannot be built: the reference range of a test result needs both its lower and its upper limit."));
          return FALSE;
        }
    }
  if (model->organ_donation != SINTESI_PSS_ORGAN_DONATION_UNKNOWN &&
      !check_ts (model->organ_donation_date, _("the date of the organ donation declaration"), TRUE, error))
    return FALSE;
  for (guint i = 0; i < model->disease_networks->len; i++)
    {
      const SintesiPssDiseaseNetwork *item = g_ptr_array_index (model->disease_networks, i);

      if (!check_code (&item->network, _("a disease network"), error) ||
          !check_ts (item->start, _("a disease network’s start date"), TRUE, error) ||
          !check_ts (item->end, _("a disease network’s end date"), FALSE, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- writing */

typedef struct
{
  const SintesiPssModel *model;
  xmlDoc                *doc;
  xmlNs                 *ns;
  xmlNs                 *xsi;
  guint                  entry_serial;   /* for entry ids, unique in the document */
} Builder;

static xmlNode *
el (Builder    *b,
    xmlNode    *parent,
    const char *name)
{
  return xmlNewChild (parent, b->ns, (const xmlChar *) name, NULL);
}

static void
attr (xmlNode    *node,
      const char *name,
      const char *value)
{
  if (value != NULL)
    xmlNewProp (node, (const xmlChar *) name, (const xmlChar *) value);
}

static xmlNode *
text_el (Builder    *b,
         xmlNode    *parent,
         const char *name,
         const char *text)
{
  /* xmlNewTextChild escapes the text. */
  return xmlNewTextChild (parent, b->ns, (const xmlChar *) name, (const xmlChar *) (text ? text : ""));
}

static void
xsi_type (Builder    *b,
          xmlNode    *node,
          const char *type)
{
  xmlNewNsProp (node, b->xsi, (const xmlChar *) "type", (const xmlChar *) type);
}

static xmlNode *
template_id (Builder    *b,
             xmlNode    *parent,
             const char *root)
{
  xmlNode *node = el (b, parent, "templateId");

  attr (node, "root", root);
  return node;
}

static xmlNode *
code_el (Builder    *b,
         xmlNode    *parent,
         const char *name,
         const char *code,
         const char *system,
         const char *system_name,
         const char *display)
{
  xmlNode *node = el (b, parent, name);

  attr (node, "code", code);
  attr (node, "codeSystem", system);
  attr (node, "codeSystemName", system_name);
  attr (node, "displayName", display);
  return node;
}

static xmlNode *
model_code_el (Builder              *b,
               xmlNode              *parent,
               const char           *name,
               const SintesiPssCode *code)
{
  return code_el (b, parent, name, code->code, code->system, NULL, code->display);
}

static void
reference (Builder    *b,
           xmlNode    *parent,
           const char *name,
           const char *target_id)
{
  g_autofree char *value = g_strconcat ("#", target_id, NULL);
  xmlNode *node = el (b, parent, name);

  attr (el (b, node, "reference"), "value", value);
}

static void
value_attr_el (Builder    *b,
               xmlNode    *parent,
               const char *name,
               const char *value)
{
  attr (el (b, parent, name), "value", value);
}

static void
status_code (Builder    *b,
             xmlNode    *parent,
             const char *status)
{
  attr (el (b, parent, "statusCode"), "code", status);
}

static void
entry_id (Builder *b,
          xmlNode *parent)
{
  g_autofree char *extension = g_strdup_printf ("%s.%u", b->model->id_extension, ++b->entry_serial);
  xmlNode *node = el (b, parent, "id");

  attr (node, "root", OID_DOC_ID);
  attr (node, "extension", extension);
}

/* effectiveTime with low and an optional high. */
static void
interval (Builder    *b,
          xmlNode    *parent,
          const char *name,
          const char *low,
          const char *high)
{
  xmlNode *node = el (b, parent, name);

  if (low != NULL)
    value_attr_el (b, node, "low", low);
  else
    attr (el (b, node, "low"), "nullFlavor", "UNK");
  if (high != NULL)
    value_attr_el (b, node, "high", high);
}

/* entryRelationship; inversion_ind NULL leaves inversionInd out. */
static xmlNode *
entry_relationship (Builder    *b,
                    xmlNode    *parent,
                    const char *type_code,
                    const char *inversion_ind)
{
  xmlNode *node = el (b, parent, "entryRelationship");

  attr (node, "typeCode", type_code);
  attr (node, "inversionInd", inversion_ind);
  return node;
}

/* A clinical statement (act, observation, organizer…) with its class, mood
 * and template. */
static xmlNode *
statement (Builder    *b,
           xmlNode    *parent,
           const char *name,
           const char *class_code,
           const char *mood_code,
           const char *template)
{
  xmlNode *node = el (b, parent, name);

  attr (node, "classCode", class_code);
  attr (node, "moodCode", mood_code);
  template_id (b, node, template);
  return node;
}

/* The same, followed by its own id. */
static xmlNode *
identified_statement (Builder    *b,
                      xmlNode    *parent,
                      const char *name,
                      const char *class_code,
                      const char *mood_code,
                      const char *template)
{
  xmlNode *node = statement (b, parent, name, class_code, mood_code, template);

  entry_id (b, node);
  return node;
}

/* A section's <entry> and the identified statement in it. */
static xmlNode *
section_entry (Builder    *b,
               xmlNode    *section,
               const char *name,
               const char *class_code,
               const char *mood_code,
               const char *template)
{
  return identified_statement (b, el (b, section, "entry"), name, class_code, mood_code, template);
}

static xmlNode *
loinc_code (Builder    *b,
            xmlNode    *parent,
            const char *code,
            const char *display)
{
  return code_el (b, parent, "code", code, OID_LOINC, "LOINC", display);
}

/* <value xsi:type="CD"> from the model, pointing at its narrative cell
 * original_text_id (if not NULL). */
static void
coded_value (Builder              *b,
             xmlNode              *parent,
             const SintesiPssCode *code,
             const char           *original_text_id)
{
  xmlNode *node = model_code_el (b, parent, "value", code);

  xsi_type (b, node, "CD");
  if (original_text_id != NULL)
    reference (b, node, "originalText", original_text_id);
}

/* <value xsi:type="CD|CE"> with a fixed code. */
static void
typed_code_value (Builder    *b,
                  xmlNode    *parent,
                  const char *type,
                  const char *code,
                  const char *system,
                  const char *system_name,
                  const char *display)
{
  xsi_type (b, code_el (b, parent, "value", code, system, system_name, display), type);
}

static void
quantity_value (Builder    *b,
                xmlNode    *parent,
                const char *value,
                const char *unit)
{
  xmlNode *node = el (b, parent, "value");

  xsi_type (b, node, "PQ");
  attr (node, "value", value);
  attr (node, "unit", unit);
}

static void
integer_value (Builder    *b,
               xmlNode    *parent,
               const char *value)
{
  xmlNode *node = el (b, parent, "value");

  xsi_type (b, node, "INT");
  attr (node, "value", value);
}

/* "20250114…" → "14/01/2025" for the narrative. */
static char *
display_date (const char *ts)
{
  gsize len = ts ? strlen (ts) : 0;

  if (len >= 8)
    return g_strdup_printf ("%.2s/%.2s/%.4s", ts + 6, ts + 4, ts);
  if (len >= 6)
    return g_strdup_printf ("%.2s/%.4s", ts + 4, ts);
  return g_strdup (ts ? ts : "");
}

static const char *
or_dash (const char *text)
{
  return is_empty (text) ? "—" : text;
}

static char *
code_label (const SintesiPssCode *code)
{
  if (is_empty (code->display))
    return g_strdup (code->code);
  return g_strdup_printf ("%s (%s)", code->display, code->code);
}

/* A narrative table: <text><table><thead>…</thead><tbody/></table></text>;
 * returns the tbody. */
static xmlNode *
narrative_table (Builder            *b,
                 xmlNode            *section,
                 const char * const *headers)
{
  xmlNode *text = el (b, section, "text");
  xmlNode *table = el (b, text, "table");
  xmlNode *row;

  attr (table, "border", "1");
  attr (table, "width", "100%");
  row = el (b, el (b, table, "thead"), "tr");
  for (gsize i = 0; headers[i] != NULL; i++)
    text_el (b, row, "th", headers[i]);
  return el (b, table, "tbody");
}

static xmlNode *
narrative_row (Builder    *b,
               xmlNode    *tbody,
               const char *row_id)
{
  xmlNode *row = el (b, tbody, "tr");

  attr (row, "ID", row_id);
  return row;
}

static void
narrative_cell (Builder    *b,
                xmlNode    *row,
                const char *content_id,
                const char *text)
{
  xmlNode *cell = el (b, row, "td");

  if (content_id != NULL)
    attr (text_el (b, cell, "content", text), "ID", content_id);
  else
    xmlNodeAddContent (cell, (const xmlChar *) text);
}

static void
narrative_date_cell (Builder    *b,
                     xmlNode    *row,
                     const char *ts)
{
  g_autofree char *date = display_date (ts);

  narrative_cell (b, row, NULL, or_dash (date));
}

static void
narrative_paragraph (Builder    *b,
                     xmlNode    *section,
                     const char *paragraph_id,
                     const char *text)
{
  xmlNode *node = text_el (b, el (b, section, "text"), "paragraph", text);

  attr (node, "ID", paragraph_id);
}

/* One row of a section's narrative table, with the section its entries go in. */
typedef struct
{
  xmlNode    *section;
  xmlNode    *tbody;
  xmlNode    *tr;
  const char *id;
} TableRow;

/* Writes one list item: its narrative row and its coded entry. */
typedef void (*RowWriter) (Builder        *b,
                           const TableRow *row,
                           gconstpointer   item);

/* What tells a section apart: its identity, its narrative table's column
 * headers, the prefix of its row IDs and the writer of one item. */
typedef struct
{
  const char         *id;
  const char         *template;
  const char         *code;
  const char         *display;
  const char         *title;
  const char * const *headers;
  const char         *row_prefix;
  RowWriter           write_row;
} SectionKind;

static xmlNode *
section_new (Builder           *b,
             xmlNode           *body,
             const SectionKind *kind)
{
  xmlNode *section = el (b, el (b, body, "component"), "section");
  /* Only the disease networks section is not coded in LOINC. */
  gboolean pssit = strcmp (kind->code, "PSSIT99") == 0;

  attr (section, "ID", kind->id);
  template_id (b, section, kind->template);
  code_el (b, section, "code", kind->code, pssit ? "2.16.840.1.113883.2.9.5.2.8" : OID_LOINC,
           pssit ? "ProfiloSanitarioSinteticoIT" : "LOINC", kind->display);
  text_el (b, section, "title", kind->title);
  return section;
}

/* A section with a table row and an entry for each item; none when there
 * are no items. */
static void
write_table_section (Builder           *b,
                     xmlNode           *body,
                     const SectionKind *kind,
                     GPtrArray         *items)
{
  TableRow row = { 0 };

  if (items->len == 0)
    return;
  row.section = section_new (b, body, kind);
  row.tbody = narrative_table (b, row.section, kind->headers);
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *row_id = g_strdup_printf ("%s-%u", kind->row_prefix, i + 1);

      row.id = row_id;
      row.tr = narrative_row (b, row.tbody, row_id);
      kind->write_row (b, &row, g_ptr_array_index (items, i));
    }
}

static const char *
criticality_code (SintesiPssCriticality criticality)
{
  switch (criticality)
    {
    case SINTESI_PSS_CRITICALITY_LOW:
      return "L";
    case SINTESI_PSS_CRITICALITY_MODERATE:
      return "M";
    case SINTESI_PSS_CRITICALITY_HIGH:
      return "H";
    case SINTESI_PSS_CRITICALITY_NONE:
    default:
      return NULL;
    }
}

static const char *
criticality_label (SintesiPssCriticality criticality)
{
  switch (criticality)
    {
    case SINTESI_PSS_CRITICALITY_LOW:
      return "Bassa";
    case SINTESI_PSS_CRITICALITY_MODERATE:
      return "Moderata";
    case SINTESI_PSS_CRITICALITY_HIGH:
      return "Alta";
    case SINTESI_PSS_CRITICALITY_NONE:
    default:
      return "—";
    }
}

/* The criticality of an allergy or the severity of a problem (ActCode SEV),
 * shown in the narrative element text_id. */
static void
severity_observation (Builder               *b,
                      xmlNode               *relationship,
                      const char            *template,
                      const char            *display,
                      SintesiPssCriticality  severity,
                      const char            *text_id)
{
  xmlNode *observation = statement (b, relationship, "observation", "OBS", "EVN", template);

  code_el (b, observation, "code", "SEV", OID_ACT_CODE, "ActCode", display);
  reference (b, observation, "text", text_id);
  status_code (b, observation, "completed");
  typed_code_value (b, observation, "CD", criticality_code (severity), OID_OBS_VALUE,
                    "ObservationValue", criticality_label (severity));
}

/* Clinical status (4.3.1.6): active or inactive, LOINC answers. */
static void
clinical_status (Builder  *b,
                 xmlNode  *observation,
                 gboolean  active)
{
  xmlNode *relationship = entry_relationship (b, observation, "REFR", "false");
  xmlNode *status;

  status = statement (b, relationship, "observation", "OBS", "EVN", TPL "3.1.6");
  loinc_code (b, status, "33999-4", "Stato");
  status_code (b, status, "completed");
  typed_code_value (b, status, "CE", active ? "LA16666-2" : "LA18632-2", OID_LOINC,
                    "LOINC", active ? "Active" : "Inactive");
}

/* Note and comment (4.3.1.7), shown in the narrative cell comment_id. */
static void
comment_act (Builder    *b,
             xmlNode    *parent,
             const char *comment_id)
{
  xmlNode *relationship = entry_relationship (b, parent, "SUBJ", "true");
  xmlNode *act;

  act = statement (b, relationship, "act", "ACT", "EVN", TPL "3.1.7");
  loinc_code (b, act, "48767-8", "Annotazioni");
  reference (b, act, "text", comment_id);
  status_code (b, act, "completed");
}

/* ---------------------------------------------------------------- header */

static void
address (Builder                 *b,
         xmlNode                 *parent,
         const char              *use,
         const SintesiPssAddress *addr,
         gboolean                 census_and_postal)
{
  xmlNode *node;

  if (is_empty (addr->city))
    return;
  node = el (b, parent, "addr");
  attr (node, "use", use);
  text_el (b, node, "country", is_empty (addr->country) ? "100" : addr->country);
  if (!is_empty (addr->county))
    text_el (b, node, "county", addr->county);
  text_el (b, node, "city", addr->city);
  if (census_and_postal || !is_empty (addr->census_tract))
    text_el (b, node, "censusTract", addr->census_tract);
  if (census_and_postal || !is_empty (addr->postal_code))
    text_el (b, node, "postalCode", addr->postal_code);
  text_el (b, node, "streetAddressLine", addr->street);
}

static void
telecom (Builder    *b,
         xmlNode    *parent,
         const char *use,
         const char *scheme,
         const char *value)
{
  g_autofree char *uri = NULL;
  xmlNode *node;

  if (is_empty (value))
    return;
  uri = g_strconcat (scheme, value, NULL);
  node = el (b, parent, "telecom");
  attr (node, "use", use);
  attr (node, "value", uri);
}

static void
cf_id (Builder    *b,
       xmlNode    *parent,
       const char *cf)
{
  xmlNode *node = el (b, parent, "id");

  attr (node, "root", OID_CF);
  attr (node, "extension", cf);
  attr (node, "assigningAuthorityName", "MEF");
}

static void
person_name (Builder    *b,
             xmlNode    *parent,
             const char *prefix,
             const char *given,
             const char *family)
{
  xmlNode *name = el (b, parent, "name");

  if (!is_empty (prefix))
    text_el (b, name, "prefix", prefix);
  text_el (b, name, "given", given);
  text_el (b, name, "family", family);
}

/* assignedAuthor / assignedEntity content. */
static void
physician (Builder                   *b,
           xmlNode                   *assigned,
           const SintesiPssPhysician *doctor,
           gboolean                   with_role)
{
  xmlNode *person;

  cf_id (b, assigned, doctor->cf);
  if (with_role)
    {
      gboolean pls = g_strcmp0 (doctor->role, "PLS") == 0;

      code_el (b, assigned, "code", pls ? "PLS" : "MMG", "2.16.840.1.113883.2.9.77.22.11.13",
               "assignedAuthorCode_PSSIT", pls ? "Pediatra di Libera Scelta" : "Medico di Medicina Generale");
    }
  if (!is_empty (doctor->address.street))
    address (b, assigned, "WP", &doctor->address, FALSE);
  telecom (b, assigned, "WP", "tel:", doctor->phone);
  telecom (b, assigned, "WP", "mailto:", doctor->email);
  person = el (b, assigned, "assignedPerson");
  person_name (b, person, doctor->prefix, doctor->given, doctor->family);
}

static void
write_header (Builder *b,
              xmlNode *root)
{
  const SintesiPssModel *m = b->model;
  const SintesiPssPatient *patient = &m->patient;
  const SintesiPssPhysician *signer = is_empty (m->legal_authenticator.cf) ? &m->author : &m->legal_authenticator;
  const char *confidentiality = is_empty (m->confidentiality) ? "N" : m->confidentiality;
  g_autofree char *version = g_strdup_printf ("%u", m->version > 1 ? m->version : 1);
  xmlNode *node;
  xmlNode *role;
  xmlNode *person;
  xmlNode *organization;

  attr (el (b, root, "realmCode"), "code", "IT");
  node = el (b, root, "typeId");
  attr (node, "root", "2.16.840.1.113883.1.3");
  attr (node, "extension", "POCD_MT000040UV02");
  node = template_id (b, root, TPL "1.1");
  attr (node, "extension", SINTESI_PSS_TEMPLATE_VERSION);
  node = el (b, root, "id");
  attr (node, "root", OID_DOC_ID);
  attr (node, "extension", m->id_extension);
  attr (node, "assigningAuthorityName", "Regione Toscana");
  loinc_code (b, root, "60591-5", "Profilo Sanitario Sintetico");
  text_el (b, root, "title", "Profilo Sanitario Sintetico");
  value_attr_el (b, root, "effectiveTime", m->effective_time);
  code_el (b, root, "confidentialityCode", confidentiality, "2.16.840.1.113883.5.25", "HL7 Confidentiality",
           strcmp (confidentiality, "V") == 0 ? "Very restricted" : "Normal");
  attr (el (b, root, "languageCode"), "code", "it-IT");
  node = el (b, root, "setId");
  attr (node, "root", OID_DOC_ID);
  attr (node, "extension", is_empty (m->set_id_extension) ? m->id_extension : m->set_id_extension);
  attr (node, "assigningAuthorityName", "Regione Toscana");
  value_attr_el (b, root, "versionNumber", version);

  /* recordTarget */
  role = el (b, el (b, root, "recordTarget"), "patientRole");
  cf_id (b, role, patient->cf);
  if (!is_empty (patient->address.street))
    address (b, role, "H", &patient->address, TRUE);
  telecom (b, role, "MC", "tel:", patient->phone);
  telecom (b, role, "HP", "mailto:", patient->email);
  person = el (b, role, "patient");
  person_name (b, person, NULL, patient->given, patient->family);
  code_el (b, person, "administrativeGenderCode", patient->sex, OID_GENDER, "HL7 AdministrativeGender",
           strcmp (patient->sex, "M") == 0 ? "Maschio" : strcmp (patient->sex, "F") == 0 ? "Femmina" : "Non differenziato");
  value_attr_el (b, person, "birthTime", patient->birth_date);
  if (!is_empty (patient->birth_city))
    {
      xmlNode *addr = el (b, el (b, el (b, person, "birthplace"), "place"), "addr");
      const char *country = is_empty (patient->birth_country) ? "100" : patient->birth_country;

      text_el (b, addr, "country", country);
      text_el (b, addr, "city", patient->birth_city);
      if (!is_empty (patient->birth_census_tract) || strcmp (country, "100") == 0)
        text_el (b, addr, "censusTract", patient->birth_census_tract);
    }

  /* author */
  node = el (b, root, "author");
  value_attr_el (b, node, "time", is_empty (m->author_time) ? m->effective_time : m->author_time);
  physician (b, el (b, node, "assignedAuthor"), &m->author, TRUE);

  /* custodian */
  organization = el (b, el (b, el (b, root, "custodian"), "assignedCustodian"), "representedCustodianOrganization");
  node = el (b, organization, "id");
  attr (node, "root", m->custodian.id_root);
  attr (node, "extension", m->custodian.id_extension);
  text_el (b, organization, "name", m->custodian.name);
  telecom (b, organization, "WP", "tel:", m->custodian.phone);
  if (!is_empty (m->custodian.address.street))
    address (b, organization, NULL, &m->custodian.address, FALSE);

  /* legalAuthenticator: signature code S (ERRORE-27, KO test CT21). */
  node = el (b, root, "legalAuthenticator");
  value_attr_el (b, node, "time", is_empty (m->author_time) ? m->effective_time : m->author_time);
  attr (el (b, node, "signatureCode"), "code", "S");
  physician (b, el (b, node, "assignedEntity"), signer, FALSE);

  /* documentationOf: the service is a scheduled GP access. */
  node = el (b, el (b, root, "documentationOf"), "serviceEvent");
  code_el (b, node, "code", "PROG", "2.16.840.1.113883.2.9.5.1.4", "ActCode", "Accesso Programmato");
  value_attr_el (b, node, "effectiveTime", m->effective_time);

  if (m->version > 1)
    {
      xmlNode *related = el (b, root, "relatedDocument");

      attr (related, "typeCode", "RPLC");
      node = el (b, el (b, related, "parentDocument"), "id");
      attr (node, "root", OID_DOC_ID);
      attr (node, "extension", m->replaces_id_extension);
    }
}

/* ---------------------------------------------------------------- sections */

/* A completed observation of the concept code at a point in time, shown in
 * the row. */
static xmlNode *
dated_observation (Builder              *b,
                   const TableRow       *row,
                   const char           *template,
                   const SintesiPssCode *code,
                   const char           *date)
{
  xmlNode *observation = section_entry (b, row->section, "observation", "OBS", "EVN", template);

  model_code_el (b, observation, "code", code);
  reference (b, observation, "text", row->id);
  status_code (b, observation, "completed");
  value_attr_el (b, observation, "effectiveTime", date);
  return observation;
}

static void
write_allergies_row (Builder       *b,
                     const TableRow *row,
                     gconstpointer  data)
{
  const SintesiPssAllergy *item = data;
  g_autofree char *agent_id = g_strconcat (row->id, "-agente", NULL);
  g_autofree char *reaction_id = g_strconcat (row->id, "-reazione", NULL);
  g_autofree char *comment_id = g_strconcat (row->id, "-nota", NULL);
  g_autofree char *agent = code_label (&item->agent);
  g_autofree char *reaction = is_empty (item->reaction.code) ? NULL : code_label (&item->reaction);
  const char *status = item->resolved ? "completed" : "active";
  const char *high = item->resolved ? item->end : NULL;
  xmlNode *act;
  xmlNode *relationship;
  xmlNode *observation;
  xmlNode *node;

  narrative_cell (b, row->tr, NULL, or_dash (item->type.display));
  narrative_cell (b, row->tr, agent_id, agent);
  narrative_cell (b, row->tr, reaction ? reaction_id : NULL, or_dash (reaction));
  narrative_cell (b, row->tr, NULL, criticality_label (item->criticality));
  narrative_cell (b, row->tr, NULL, item->resolved ? "Risolta" : "Attiva");
  narrative_date_cell (b, row->tr, item->onset);
  narrative_date_cell (b, row->tr, high);
  narrative_cell (b, row->tr, is_empty (item->comment) ? NULL : comment_id, or_dash (item->comment));

  act = section_entry (b, row->section, "act", "ACT", "EVN", TPL "3.1.1");
  attr (el (b, act, "code"), "nullFlavor", "NA");
  status_code (b, act, status);
  interval (b, act, "effectiveTime", item->onset, high);

  relationship = entry_relationship (b, act, "SUBJ", NULL);
  observation = identified_statement (b, relationship, "observation", "OBS", "EVN", TPL "3.1.3");
  loinc_code (b, observation, "52473-6", "Allergia o causa della reazione");
  reference (b, observation, "text", row->id);
  status_code (b, observation, "completed");
  interval (b, observation, "effectiveTime", item->onset, high);
  typed_code_value (b, observation, "CD", item->type.code, item->type.system,
                    "ObservationIntoleranceType", item->type.display);

  node = el (b, observation, "participant");
  attr (node, "typeCode", "CSM");
  node = el (b, node, "participantRole");
  attr (node, "classCode", "MANU");
  node = el (b, node, "playingEntity");
  attr (node, "classCode", "MMAT");
  node = model_code_el (b, node, "code", &item->agent);
  reference (b, node, "originalText", agent_id);

  if (reaction != NULL)
    {
      xmlNode *reaction_obs;

      relationship = entry_relationship (b, observation, "MFST", NULL);
      reaction_obs = identified_statement (b, relationship, "observation", "OBS", "EVN", TPL "3.1.5.1");
      loinc_code (b, reaction_obs, "75321-0", "Obiettività clinica");
      reference (b, reaction_obs, "text", reaction_id);
      status_code (b, reaction_obs, "completed");
      interval (b, reaction_obs, "effectiveTime", item->onset, NULL);
      coded_value (b, reaction_obs, &item->reaction, reaction_id);
    }
  if (criticality_code (item->criticality) != NULL)
    severity_observation (b, entry_relationship (b, observation, "SUBJ", "true"), TPL "3.1.5.3", "Criticità",
                          item->criticality, row->id);
  clinical_status (b, observation, !item->resolved);
  if (!is_empty (item->comment))
    comment_act (b, observation, comment_id);
}

static const SectionKind allergies_section = {
  "ALLERGIE_INTOLLERANZE", TPL "2.1", "48765-2",
  "Allergie, reazioni avverse, allarmi", "Allergie e Intolleranze",
  (const char * const []) { "Tipo", "Agente", "Reazione", "Criticità", "Stato", "Dal", "Al", "Note", NULL },
  "allergia", write_allergies_row,
};

/* Always present: without items, an entry that says so (none known, or no information). */
static void
write_allergies (Builder *b,
                 xmlNode *body)
{
  GPtrArray *items = b->model->allergies;
  xmlNode *section;
  gboolean known_none = b->model->no_known_allergies;
  const char *text = known_none ? "Nessuna allergia o intolleranza nota." : "Nessuna informazione su allergie o intolleranze.";
  xmlNode *act;
  xmlNode *relationship;
  xmlNode *observation;

  if (items->len > 0)
    {
      write_table_section (b, body, &allergies_section, items);
      return;
    }

  section = section_new (b, body, &allergies_section);
  narrative_paragraph (b, section, "allergie-assenza", text);
  act = section_entry (b, section, "act", "ACT", "EVN", TPL "3.1.1");
  attr (el (b, act, "code"), "nullFlavor", "NA");
  status_code (b, act, "active");
  interval (b, act, "effectiveTime", NULL, NULL);
  relationship = entry_relationship (b, act, "SUBJ", NULL);
  observation = identified_statement (b, relationship, "observation", "OBS", "EVN", TPL "3.1.4");
  code_el (b, observation, "code", "OINT", OID_ACT_CODE, "ObservationIntoleranceType", "Intolleranza");
  reference (b, observation, "text", "allergie-assenza");
  status_code (b, observation, "completed");
  interval (b, observation, "effectiveTime", NULL, NULL);
  typed_code_value (b, observation, "CD", known_none ? "no-known-allergies" : "no-allergy-info",
                    "2.16.840.1.113883.11.22.9", "IPSNoAllergiesInfo",
                    known_none ? "Nessuna allergia nota" : "Nessuna informazione sulle allergie");
}

static void
write_medications_row (Builder       *b,
                       const TableRow *row,
                       gconstpointer  data)
{
  const SintesiPssMedication *item = data;
  g_autofree char *product_id = g_strconcat (row->id, "-farmaco", NULL);
  g_autofree char *product = code_label (&item->product);
  g_autoptr(GString) posology = g_string_new (NULL);
  xmlNode *administration;
  xmlNode *node;

  if (!is_empty (item->dose_value))
    g_string_append_printf (posology, "%s %s", item->dose_value, item->dose_unit ? item->dose_unit : "");
  if (!is_empty (item->period_value))
    g_string_append_printf (posology, "%sogni %s %s", posology->len ? ", " : "", item->period_value,
                            item->period_unit ? item->period_unit : "");
  if (!is_empty (item->instructions))
    g_string_append_printf (posology, "%s%s", posology->len ? "; " : "", item->instructions);

  narrative_cell (b, row->tr, product_id, product);
  narrative_cell (b, row->tr, NULL, or_dash (item->route.display));
  narrative_cell (b, row->tr, NULL, or_dash (posology->str));
  narrative_date_cell (b, row->tr, item->start);
  narrative_date_cell (b, row->tr, item->end);

  administration = section_entry (b, row->section, "substanceAdministration", "SBADM", "EVN", TPL "3.2.1");
  reference (b, administration, "text", row->id);
  status_code (b, administration, is_empty (item->end) ? "active" : "completed");
  node = el (b, administration, "effectiveTime");
  xsi_type (b, node, "IVL_TS");
  value_attr_el (b, node, "low", item->start);
  if (!is_empty (item->end))
    value_attr_el (b, node, "high", item->end);
  if (!is_empty (item->period_value))
    {
      xmlNode *period;

      node = el (b, administration, "effectiveTime");
      xsi_type (b, node, "PIVL_TS");
      attr (node, "operator", "A");
      attr (node, "institutionSpecified", "true");
      period = el (b, node, "period");
      attr (period, "value", item->period_value);
      attr (period, "unit", item->period_unit);
    }
  code_el (b, administration, "routeCode", item->route.code, item->route.system, "RouteOfAdministration",
           item->route.display);
  if (!is_empty (item->dose_value))
    {
      node = el (b, administration, "doseQuantity");
      attr (node, "value", item->dose_value);
      attr (node, "unit", item->dose_unit);
    }
  node = el (b, el (b, administration, "consumable"), "manufacturedProduct");
  attr (node, "classCode", "MANU");
  template_id (b, node, TPL "3.2.2");
  node = el (b, node, "manufacturedMaterial");
  template_id (b, node, "2.16.840.1.113883.10.22.4.3");
  node = model_code_el (b, node, "code", &item->product);
  reference (b, node, "originalText", product_id);
}

static const SectionKind medications_section = {
  "TERAPIE_FARMACOLOGICHE", TPL "2.2", "10160-0",
  "Storia dell'uso di farmaci", "Terapie farmacologiche",
  (const char * const []) { "Farmaco", "Via", "Posologia", "Dal", "Al", NULL },
  "terapia", write_medications_row,
};

/* Always present: without items, an entry that says so (none known, or no information). */
static void
write_medications (Builder *b,
                   xmlNode *body)
{
  GPtrArray *items = b->model->medications;
  xmlNode *section;
  xmlNode *administration;
  xmlNode *material;

  if (items->len > 0)
    {
      write_table_section (b, body, &medications_section, items);
      return;
    }

  section = section_new (b, body, &medications_section);
  narrative_paragraph (b, section, "terapie-assenza", "Nessuna informazione su terapie farmacologiche.");
  administration = section_entry (b, section, "substanceAdministration", "SBADM", "EVN", TPL "3.2.3");
  code_el (b, administration, "code", "no-medication-info", "2.16.840.1.113883.11.22.15", "IPSNoMedsInfo",
           "Nessuna informazione sui farmaci");
  reference (b, administration, "text", "terapie-assenza");
  status_code (b, administration, "completed");
  material = el (b, el (b, el (b, administration, "consumable"), "manufacturedProduct"), "manufacturedMaterial");
  attr (el (b, material, "code"), "nullFlavor", "NA");
}

static void
write_vaccinations_row (Builder       *b,
                        const TableRow *row,
                        gconstpointer  data)
{
  const SintesiPssVaccination *item = data;
  g_autofree char *vaccine_id = g_strconcat (row->id, "-vaccino", NULL);
  g_autofree char *vaccine = code_label (&item->vaccine);
  xmlNode *administration;
  xmlNode *material;
  xmlNode *node;

  narrative_cell (b, row->tr, vaccine_id, vaccine);
  narrative_date_cell (b, row->tr, item->date);
  narrative_cell (b, row->tr, NULL, or_dash (item->dose_number));
  narrative_cell (b, row->tr, NULL, item->lot);
  narrative_date_cell (b, row->tr, item->valid_until);

  administration = section_entry (b, row->section, "substanceAdministration", "SBADM", "EVN", TPL "3.3.1");
  code_el (b, administration, "code", "IMMUNIZ", OID_ACT_CODE, "ActCode", "Vaccinazione");
  reference (b, administration, "text", row->id);
  status_code (b, administration, "completed");
  value_attr_el (b, administration, "effectiveTime", item->date);
  if (!is_empty (item->route.code))
    code_el (b, administration, "routeCode", item->route.code, item->route.system, "RouteOfAdministration",
             item->route.display);
  node = el (b, el (b, administration, "consumable"), "manufacturedProduct");
  attr (node, "classCode", "MANU");
  template_id (b, node, TPL "3.3.2");
  material = el (b, node, "manufacturedMaterial");
  node = model_code_el (b, material, "code", &item->vaccine);
  reference (b, node, "originalText", vaccine_id);
  text_el (b, material, "lotNumberText", item->lot);

  if (!is_empty (item->valid_until))
    {
      xmlNode *relationship = entry_relationship (b, administration, "REFR", NULL);
      xmlNode *coverage;

      coverage = statement (b, relationship, "observation", "OBS", "EVN", TPL "3.3.3");
      loinc_code (b, coverage, "59781-5", "Validità della dose");
      status_code (b, coverage, "completed");
      node = el (b, coverage, "value");
      xsi_type (b, node, "IVL_TS");
      value_attr_el (b, node, "high", item->valid_until);
    }
  if (!is_empty (item->dose_number))
    {
      xmlNode *relationship = entry_relationship (b, administration, "SUBJ", NULL);
      xmlNode *dose;

      dose = statement (b, relationship, "observation", "OBS", "EVN", TPL "3.3.4");
      loinc_code (b, dose, "30973-2", "Numero dose");
      status_code (b, dose, "completed");
      integer_value (b, dose, item->dose_number);
    }
}

static const SectionKind vaccinations_section = {
  "VACCINAZIONI", TPL "2.3", "11369-6",
  "Storia di immunizzazioni", "Vaccinazioni",
  (const char * const []) { "Vaccino", "Data", "Dose", "Lotto", "Copertura fino al", NULL },
  "vaccinazione", write_vaccinations_row,
};

static void
write_problems_row (Builder       *b,
                    const TableRow *row,
                    gconstpointer  data)
{
  const SintesiPssProblem *item = data;
  g_autofree char *problem_id = g_strconcat (row->id, "-diagnosi", NULL);
  g_autofree char *comment_id = g_strconcat (row->id, "-nota", NULL);
  g_autofree char *problem = code_label (&item->problem);
  const char *high = item->resolved ? item->end : NULL;
  xmlNode *act;
  xmlNode *relationship;
  xmlNode *observation;

  narrative_cell (b, row->tr, problem_id, problem);
  narrative_cell (b, row->tr, NULL, item->resolved ? "Risolto" : "Attivo");
  narrative_cell (b, row->tr, NULL, item->chronic ? "Cronico" : "Acuto");
  narrative_cell (b, row->tr, NULL, criticality_label (item->severity));
  narrative_date_cell (b, row->tr, item->onset);
  narrative_date_cell (b, row->tr, high);
  narrative_cell (b, row->tr, is_empty (item->comment) ? NULL : comment_id, or_dash (item->comment));

  act = section_entry (b, row->section, "act", "ACT", "EVN", TPL "3.4.1");
  attr (el (b, act, "code"), "nullFlavor", "NA");
  status_code (b, act, item->resolved ? "completed" : "active");
  interval (b, act, "effectiveTime", item->onset, high);

  relationship = entry_relationship (b, act, "SUBJ", "false");
  observation = identified_statement (b, relationship, "observation", "OBS", "EVN", TPL "3.4.2");
  loinc_code (b, observation, "75326-9", "Problema");
  reference (b, observation, "text", row->id);
  status_code (b, observation, "completed");
  interval (b, observation, "effectiveTime", item->onset, high);
  coded_value (b, observation, &item->problem, problem_id);

  if (criticality_code (item->severity) != NULL)
    severity_observation (b, entry_relationship (b, observation, "REFR", "false"), TPL "3.4.4", "Gravità",
                          item->severity, row->id);
  clinical_status (b, observation, !item->resolved);
  {
    xmlNode *course;

    relationship = entry_relationship (b, observation, "REFR", "false");
    course = statement (b, relationship, "observation", "OBS", "EVN", TPL "3.4.5");
    loinc_code (b, course, "89261-2", "Decorso clinico");
    status_code (b, course, "completed");
    typed_code_value (b, course, "CE", item->chronic ? "LA28752-6" : "LA18821-1", OID_LOINC,
                      "LOINC", item->chronic ? "Chronic" : "Acute");
  }
  if (!is_empty (item->comment))
    comment_act (b, observation, comment_id);
}

static const SectionKind problems_section = {
  "LISTA_PROBLEMI", TPL "2.4", "11450-4",
  "Lista dei problemi", "Lista dei Problemi",
  (const char * const []) { "Problema", "Stato", "Decorso", "Gravità", "Dal", "Al", "Note", NULL },
  "problema", write_problems_row,
};

/* Always present: without items, an entry that says so (none known, or no information). */
static void
write_problems (Builder *b,
                xmlNode *body)
{
  GPtrArray *items = b->model->problems;
  xmlNode *section;
  xmlNode *act;
  xmlNode *relationship;
  xmlNode *observation;

  if (items->len > 0)
    {
      write_table_section (b, body, &problems_section, items);
      return;
    }

  section = section_new (b, body, &problems_section);
  narrative_paragraph (b, section, "problemi-assenza", "Nessun problema noto.");
  act = section_entry (b, section, "act", "ACT", "EVN", TPL "3.4.1");
  attr (el (b, act, "code"), "nullFlavor", "NA");
  status_code (b, act, "active");
  interval (b, act, "effectiveTime", NULL, NULL);
  relationship = entry_relationship (b, act, "SUBJ", "false");
  observation = identified_statement (b, relationship, "observation", "OBS", "EVN", TPL "3.4.2");
  loinc_code (b, observation, "75326-9", "Problema");
  reference (b, observation, "text", "problemi-assenza");
  status_code (b, observation, "completed");
  interval (b, observation, "effectiveTime", NULL, NULL);
  typed_code_value (b, observation, "CD", "no-known-problems", "2.16.840.1.113883.11.22.17",
                    "IPSNoProbsInfos", "Nessun problema noto");
}

static void
write_family_history_row (Builder       *b,
                          const TableRow *row,
                          gconstpointer  data)
{
  const SintesiPssFamilyHistory *item = data;
  g_autofree char *condition_id = g_strconcat (row->id, "-patologia", NULL);
  g_autofree char *condition = code_label (&item->condition);
  g_autofree char *onset = item->onset_age ? g_strdup_printf ("%s anni", item->onset_age) : NULL;
  g_autofree char *death = item->death_age ? g_strdup_printf ("%s anni", item->death_age) : NULL;
  xmlNode *organizer;
  xmlNode *related;
  xmlNode *observation;
  xmlNode *node;
  const char *ages[2] = { item->onset_age, item->death_age };
  static const char * const age_codes[2] = { "35267-4", "39016-1" };
  static const char * const age_names[2] = { "Età diagnosi patologia", "Età decesso" };

  narrative_cell (b, row->tr, NULL, or_dash (item->relative.display));
  narrative_cell (b, row->tr, condition_id, condition);
  narrative_cell (b, row->tr, NULL, or_dash (onset));
  narrative_cell (b, row->tr, NULL, or_dash (death));

  organizer = section_entry (b, row->section, "organizer", "CLUSTER", "EVN", TPL "3.16.1");
  loinc_code (b, organizer, "10157-6", "Storia di malattie di membri familiari");
  status_code (b, organizer, "completed");
  node = el (b, organizer, "subject");
  attr (node, "typeCode", "SBJ");
  related = el (b, node, "relatedSubject");
  attr (related, "classCode", "PRS");
  code_el (b, related, "code", item->relative.code, item->relative.system, "RoleCode", item->relative.display);
  if (!is_empty (item->relative_sex))
    code_el (b, el (b, related, "subject"), "administrativeGenderCode", item->relative_sex, OID_GENDER,
             "HL7 AdministrativeGender", strcmp (item->relative_sex, "F") == 0 ? "Femmina" : "Maschio");

  observation = identified_statement (b, el (b, organizer, "component"), "observation", "OBS", "EVN", TPL "3.16.2");
  loinc_code (b, observation, "52797-8", "Diagnosi codice ICD");
  reference (b, observation, "text", row->id);
  status_code (b, observation, "completed");
  coded_value (b, observation, &item->condition, condition_id);
  for (int k = 0; k < 2; k++)
    {
      xmlNode *relationship;
      xmlNode *age;

      if (is_empty (ages[k]))
        continue;
      relationship = entry_relationship (b, observation, "SUBJ", NULL);
      age = statement (b, relationship, "observation", "OBS", "EVN", TPL "3.16.3");
      loinc_code (b, age, age_codes[k], age_names[k]);
      status_code (b, age, "completed");
      quantity_value (b, age, ages[k], "a");
    }
}

static const SectionKind family_history_section = {
  "ANAMNESI_FAMILIARE", TPL "2.16", "10157-6",
  "Storia di malattie di membri familiari", "Anamnesi Familiare",
  (const char * const []) { "Familiare", "Patologia", "Età all'insorgenza", "Età al decesso", NULL },
  "anamnesi", write_family_history_row,
};

/* Always present: without items, an entry that says so (none known, or no information). */
static void
write_family_history (Builder *b,
                      xmlNode *body)
{
  GPtrArray *items = b->model->family_history;
  xmlNode *section;
  xmlNode *observation;

  if (items->len > 0)
    {
      write_table_section (b, body, &family_history_section, items);
      return;
    }

  section = section_new (b, body, &family_history_section);
  narrative_paragraph (b, section, "anamnesi-assenza", "Nessuna informazione sull'anamnesi familiare.");
  observation = section_entry (b, section, "observation", "OBS", "EVN", TPL "3.16.4");
  loinc_code (b, observation, "75326-9", "Problema");
  reference (b, observation, "text", "anamnesi-assenza");
  status_code (b, observation, "completed");
  typed_code_value (b, observation, "CD", "no-problem-info", "2.16.840.1.113883.11.22.17",
                    "IPSNoProbsInfos", "Nessuna informazione sull'anamnesi familiare");
}

static void
write_lifestyle_row (Builder       *b,
                     const TableRow *row,
                     gconstpointer  data)
{
  const SintesiPssLifestyle *item = data;
  g_autofree char *value_id = g_strconcat (row->id, "-valore", NULL);
  gboolean coded = !is_empty (item->value.code);
  xmlNode *observation;
  xmlNode *node;

  narrative_cell (b, row->tr, NULL, or_dash (item->observation.display));
  narrative_cell (b, row->tr, value_id, coded ? or_dash (item->value.display) : item->text);
  narrative_date_cell (b, row->tr, item->date);

  observation = dated_observation (b, row, TPL "3.6.1", &item->observation, item->date);
  if (coded)
    {
      coded_value (b, observation, &item->value, value_id);
    }
  else
    {
      node = text_el (b, observation, "value", item->text);
      xsi_type (b, node, "ST");
    }
}

static const SectionKind lifestyle_section = {
  "STILE_DI_VITA", TPL "2.6", "29762-2",
  "Stile di vita", "Stile di vita",
  (const char * const []) { "Fattore", "Valore", "Data", NULL },
  "stile", write_lifestyle_row,
};

static void
write_vital_signs_row (Builder       *b,
                       const TableRow *row,
                       gconstpointer  data)
{
  const SintesiPssVitalSign *item = data;
  g_autofree char *value = g_strdup_printf ("%s %s", item->value, item->unit);
  xmlNode *observation;

  narrative_cell (b, row->tr, NULL, or_dash (item->parameter.display));
  narrative_cell (b, row->tr, NULL, value);
  narrative_date_cell (b, row->tr, item->date);

  observation = dated_observation (b, row, TPL "3.8.2", &item->parameter, item->date);
  quantity_value (b, observation, item->value, item->unit);
}

static const SectionKind vital_signs_section = {
  "PARAMETRI_VITALI", TPL "2.8", "8716-3",
  "Parametri vitali", "Parametri vitali",
  (const char * const []) { "Parametro", "Valore", "Data", NULL },
  "parametro", write_vital_signs_row,
};

static void
write_devices_row (Builder       *b,
                   const TableRow *row,
                   gconstpointer  data)
{
  const SintesiPssDevice *item = data;
  g_autofree char *device = code_label (&item->device);
  xmlNode *supply;

  narrative_cell (b, row->tr, NULL, device);
  narrative_date_cell (b, row->tr, item->date);

  supply = section_entry (b, row->section, "supply", "SPLY", "EVN", TPL "3.9.1");
  code_el (b, supply, "code", item->device.code, item->device.system, "CND", item->device.display);
  reference (b, supply, "text", row->id);
  value_attr_el (b, supply, "effectiveTime", item->date);
}

static const SectionKind devices_section = {
  "PROTESI_IMPIANTI_AUSILI", TPL "2.9", "46264-8",
  "Storia di uso di dispositivi medici", "Protesi, impianti e ausili",
  (const char * const []) { "Dispositivo", "Data", NULL },
  "dispositivo", write_devices_row,
};

static void
write_care_plan_row (Builder       *b,
                     const TableRow *row,
                     gconstpointer  data)
{
  const SintesiPssCarePlanItem *item = data;
  g_autofree char *exam = code_label (&item->exam);
  xmlNode *observation;

  narrative_cell (b, row->tr, NULL, exam);
  narrative_date_cell (b, row->tr, item->date);

  observation = section_entry (b, row->section, "observation", "OBS", "RQO", TPL "3.10.1");
  model_code_el (b, observation, "code", &item->exam);
  reference (b, observation, "text", row->id);
  value_attr_el (b, observation, "effectiveTime", item->date);
}

static const SectionKind care_plan_section = {
  "PIANI_CURA", TPL "2.10", "18776-5",
  "Piano di cura", "Piani di cura",
  (const char * const []) { "Prestazione prevista", "Data prevista", NULL },
  "piano", write_care_plan_row,
};

static void
write_procedures_row (Builder       *b,
                      const TableRow *row,
                      gconstpointer  data)
{
  const SintesiPssProcedure *item = data;
  g_autofree char *procedure = code_label (&item->procedure);
  /* ERRORE-b244: a procedure's effectiveTime has both low and high. */
  const char *end = is_empty (item->end) ? item->start : item->end;
  xmlNode *node;

  narrative_cell (b, row->tr, NULL, procedure);
  narrative_date_cell (b, row->tr, item->start);
  narrative_date_cell (b, row->tr, end);

  node = section_entry (b, row->section, "procedure", "PROC", "EVN", TPL "3.11.1");
  model_code_el (b, node, "code", &item->procedure);
  reference (b, node, "text", row->id);
  status_code (b, node, "completed");
  interval (b, node, "effectiveTime", item->start, end);
}

static const SectionKind procedures_section = {
  "TRATTAMENTI_PROCEDURE_TERAPEUTICHE_CHIRURGICHE_DIAGNOSTICHE", TPL "2.11", "47519-4",
  "Storia di procedure", "Trattamenti e procedure terapeutiche, chirurgiche e diagnostiche",
  (const char * const []) { "Procedura", "Dal", "Al", NULL },
  "procedura", write_procedures_row,
};

static void
write_functional_status_row (Builder       *b,
                             const TableRow *row,
                             gconstpointer  data)
{
  const SintesiPssFunctionalStatus *item = data;
  g_autofree char *regime_id = g_strconcat (row->id, "-regime", NULL);
  xmlNode *organizer;
  xmlNode *observation;

  narrative_cell (b, row->tr, NULL, "Capacità motoria");
  narrative_cell (b, row->tr, NULL, or_dash (item->motor_capacity.display));
  narrative_date_cell (b, row->tr, item->date);
  if (!is_empty (item->care_regime.code))
    {
      xmlNode *regime_row = narrative_row (b, row->tbody, regime_id);

      narrative_cell (b, regime_row, NULL, "Regime di assistenza");
      narrative_cell (b, regime_row, NULL, or_dash (item->care_regime.display));
      narrative_date_cell (b, regime_row, item->date);
    }

  organizer = section_entry (b, row->section, "organizer", "BATTERY", "EVN", TPL "3.14.1");
  status_code (b, organizer, "completed");

  observation = statement (b, el (b, organizer, "component"), "observation", "OBS", "EVN", TPL "3.14.2");
  loinc_code (b, observation, "75246-9", "Capacità motoria");
  reference (b, observation, "text", row->id);
  status_code (b, observation, "completed");
  interval (b, observation, "effectiveTime", item->date, NULL);
  coded_value (b, observation, &item->motor_capacity, NULL);

  if (!is_empty (item->care_regime.code))
    {
      observation = statement (b, el (b, organizer, "component"), "observation", "OBS", "EVN", TPL "3.14.3");
      code_el (b, observation, "code", "ASSERTION", OID_ACT_CODE, "ActCode", "Asserzione");
      reference (b, observation, "text", regime_id);
      status_code (b, observation, "completed");
      interval (b, observation, "effectiveTime", item->date, NULL);
      coded_value (b, observation, &item->care_regime, NULL);
    }
}

static const SectionKind functional_status_section = {
  "STATO_FUNZIONALE_PAZIENTE", TPL "2.13", "47420-5",
  "Nota di valutazione dello stato funzionale", "Stato funzionale del paziente",
  (const char * const []) { "Valutazione", "Esito", "Data", NULL },
  "funzionale", write_functional_status_row,
};

/* A coded act over a period, open while it has no end: an exemption, a
 * disease network. */
static void
write_period_act_row (Builder              *b,
                      const TableRow       *row,
                      const SintesiPssCode *code,
                      const char           *start,
                      const char           *end,
                      const char           *class_code,
                      const char           *template)
{
  g_autofree char *label = code_label (code);
  xmlNode *act;

  narrative_cell (b, row->tr, NULL, label);
  narrative_date_cell (b, row->tr, start);
  narrative_date_cell (b, row->tr, end);

  act = section_entry (b, row->section, "act", class_code, "EVN", template);
  model_code_el (b, act, "code", code);
  reference (b, act, "text", row->id);
  status_code (b, act, is_empty (end) ? "active" : "completed");
  interval (b, act, "effectiveTime", start, is_empty (end) ? NULL : end);
}

static void
write_exemptions_row (Builder       *b,
                      const TableRow *row,
                      gconstpointer  data)
{
  const SintesiPssExemption *item = data;

  write_period_act_row (b, row, &item->exemption, item->start, item->end, "ACT", TPL "3.17.1");
}

static const SectionKind exemptions_section = {
  "ESENZIONI", TPL "2.17", "57827-8",
  "Motivo di esenzione dal co-pagamento", "Esenzioni",
  (const char * const []) { "Esenzione", "Dal", "Al", NULL },
  "esenzione", write_exemptions_row,
};

static void
write_pregnancies_row (Builder       *b,
                       const TableRow *row,
                       gconstpointer  data)
{
  const SintesiPssPregnancy *item = data;
  xmlNode *observation;

  narrative_cell (b, row->tr, NULL, or_dash (item->observation.display));
  narrative_cell (b, row->tr, NULL, item->value);
  narrative_date_cell (b, row->tr, item->date);

  observation = dated_observation (b, row, TPL "3.7.1", &item->observation, item->date);
  integer_value (b, observation, item->value);
}

static const SectionKind pregnancies_section = {
  "GRAVIDANZE_PARTO", TPL "2.7", "10162-6",
  "Storia di gravidanze", "Gravidanze, parti e stato mestruale",
  (const char * const []) { "Osservazione", "Valore", "Data", NULL },
  "gravidanza", write_pregnancies_row,
};

static void
write_encounters_row (Builder       *b,
                      const TableRow *row,
                      gconstpointer  data)
{
  const SintesiPssEncounter *item = data;
  g_autofree char *physician = is_empty (item->performer_cf) ? NULL
                               : g_strdup_printf ("%s %s", item->performer_given, item->performer_family);
  xmlNode *encounter;

  narrative_cell (b, row->tr, NULL, or_dash (item->encounter.display));
  narrative_date_cell (b, row->tr, item->start);
  narrative_date_cell (b, row->tr, item->end);
  narrative_cell (b, row->tr, NULL, or_dash (physician));
  narrative_cell (b, row->tr, NULL, or_dash (item->description));

  encounter = section_entry (b, row->section, "encounter", "ENC", "EVN", TPL "3.12.1");
  model_code_el (b, encounter, "code", &item->encounter);
  reference (b, encounter, "text", row->id);
  status_code (b, encounter, "completed");
  /* ERRORE-b258: a point in time, or both ends of the stay. */
  if (is_empty (item->end))
    value_attr_el (b, encounter, "effectiveTime", item->start);
  else
    interval (b, encounter, "effectiveTime", item->start, item->end);
  if (!is_empty (item->performer_cf))
    {
      xmlNode *performer = el (b, encounter, "performer");
      xmlNode *entity;

      attr (performer, "typeCode", "PRF");
      entity = el (b, performer, "assignedEntity");
      cf_id (b, entity, item->performer_cf);
      person_name (b, el (b, entity, "assignedPerson"), NULL, item->performer_given, item->performer_family);
    }
}

static const SectionKind encounters_section = {
  "VISITE_RICOVERI", TPL "2.12", "46240-8",
  "Storia di ospedalizzazioni e visite ambulatoriali", "Visite e ricoveri",
  (const char * const []) { "Tipo", "Dal", "Al", "Medico", "Descrizione", NULL },
  "visita", write_encounters_row,
};

static void
write_lab_results_row (Builder       *b,
                       const TableRow *row,
                       gconstpointer  data)
{
  const SintesiPssLabResult *item = data;
  g_autofree char *test = code_label (&item->test);
  g_autofree char *value = g_strdup_printf ("%s %s", item->value, item->unit);
  g_autofree char *range = is_empty (item->range_low) ? NULL
                           : g_strdup_printf ("%s – %s %s", item->range_low, item->range_high, item->unit);
  const char *interpretation = g_strcmp0 (item->interpretation, "H") == 0 ? "Alto"
                               : g_strcmp0 (item->interpretation, "L") == 0 ? "Basso"
                               : g_strcmp0 (item->interpretation, "N") == 0 ? "Normale" : NULL;
  xmlNode *organizer;
  xmlNode *observation;
  xmlNode *node;

  narrative_cell (b, row->tr, NULL, test);
  narrative_cell (b, row->tr, NULL, value);
  narrative_cell (b, row->tr, NULL, or_dash (range));
  narrative_cell (b, row->tr, NULL, or_dash (interpretation));
  narrative_date_cell (b, row->tr, item->date);

  organizer = section_entry (b, row->section, "organizer", "BATTERY", "EVN", TPL "3.14.1");
  if (is_empty (item->battery.code))
    attr (el (b, organizer, "code"), "nullFlavor", "OTH");
  else
    model_code_el (b, organizer, "code", &item->battery);
  status_code (b, organizer, "completed");
  value_attr_el (b, organizer, "effectiveTime", item->date);

  observation = identified_statement (b, el (b, organizer, "component"), "observation", "OBS", "EVN", TPL "3.14.2");
  model_code_el (b, observation, "code", &item->test);
  reference (b, observation, "text", row->id);
  status_code (b, observation, "completed");
  value_attr_el (b, observation, "effectiveTime", item->date);
  quantity_value (b, observation, item->value, item->unit);
  if (interpretation != NULL)
    code_el (b, observation, "interpretationCode", item->interpretation, "2.16.840.1.113883.5.83",
             "ObservationInterpretation", interpretation);
  if (range != NULL)
    {
      xmlNode *range_node = el (b, el (b, observation, "referenceRange"), "observationRange");

      node = el (b, range_node, "value");
      xsi_type (b, node, "IVL_PQ");
      range_node = el (b, node, "low");
      attr (range_node, "value", item->range_low);
      attr (range_node, "unit", item->unit);
      range_node = el (b, node, "high");
      attr (range_node, "value", item->range_high);
      attr (range_node, "unit", item->unit);
    }
}

static const SectionKind lab_results_section = {
  "INDAGINI_DIAGNOSTICHE_ESAMI_LABORATORIO", TPL "2.14", "30954-2",
  "Test diagnostici rilevanti e/o dati di laboratorio", "Indagini diagnostiche e esami di laboratorio",
  (const char * const []) { "Esame", "Esito", "Valori di riferimento", "Interpretazione", "Data", NULL },
  "esame", write_lab_results_row,
};

/* A single declaration, not a list: no row writer. */
static const SectionKind organ_donation_section = {
  "ASSENSO_DISSENSO_DONAZIONE_ORGANI", TPL "2.15", "42348-3",
  "Dichiarazioni anticipate di trattamento", "Assenso/Dissenso donazione organi",
  (const char * const []) { "Richiesta", "Scelta del paziente", "Data", NULL },
  NULL, NULL,
};

static void
write_organ_donation (Builder *b,
                      xmlNode *body)
{
  const SintesiPssModel *m = b->model;
  xmlNode *section;
  xmlNode *tbody;
  xmlNode *row;

  if (m->organ_donation == SINTESI_PSS_ORGAN_DONATION_UNKNOWN)
    return;
  section = section_new (b, body, &organ_donation_section);
  tbody = narrative_table (b, section, organ_donation_section.headers);
  row = narrative_row (b, tbody, "donazione-1");
  narrative_cell (b, row, NULL, "Donazione di organi e tessuti");
  narrative_cell (b, row, NULL, m->organ_donation == SINTESI_PSS_ORGAN_DONATION_CONSENT ? "Assenso" : "Dissenso");
  narrative_date_cell (b, row, m->organ_donation_date);
}

static void
write_disease_networks_row (Builder       *b,
                            const TableRow *row,
                            gconstpointer  data)
{
  const SintesiPssDiseaseNetwork *item = data;

  write_period_act_row (b, row, &item->network, item->start, item->end, "PCPR", TPL "3.18.1");
}

static const SectionKind disease_networks_section = {
  "RETI_PATOLOGIA", TPL "2.18", "PSSIT99",
  "Reti di patologia", "Reti di patologia",
  (const char * const []) { "Rete di patologia", "Dal", "Al", NULL },
  "rete", write_disease_networks_row,
};

GBytes *
sintesi_pss_build (const SintesiPssModel  *model,
                   GError                **error)
{
  Builder b = { 0 };
  xmlNode *root;
  xmlNode *body;
  xmlChar *buffer = NULL;
  int size = 0;

  g_return_val_if_fail (model != NULL, NULL);

  if (!check_model (model, error))
    return NULL;

  b.model = model;
  b.doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewNode (NULL, (const xmlChar *) "ClinicalDocument");
  xmlDocSetRootElement (b.doc, root);
  b.ns = xmlNewNs (root, (const xmlChar *) NS_HL7, NULL);
  b.xsi = xmlNewNs (root, (const xmlChar *) NS_XSI, (const xmlChar *) "xsi");
  xmlSetNs (root, b.ns);

  write_header (&b, root);

  body = el (&b, el (&b, root, "component"), "structuredBody");
  /* The order of pss-document.md §4.3. */
  write_allergies (&b, body);
  write_medications (&b, body);
  write_table_section (&b, body, &vaccinations_section, model->vaccinations);
  write_problems (&b, body);
  write_family_history (&b, body);
  write_table_section (&b, body, &lifestyle_section, model->lifestyle);
  write_table_section (&b, body, &pregnancies_section, model->pregnancies);
  write_table_section (&b, body, &vital_signs_section, model->vital_signs);
  write_table_section (&b, body, &devices_section, model->devices);
  write_table_section (&b, body, &care_plan_section, model->care_plan);
  write_table_section (&b, body, &procedures_section, model->procedures);
  write_table_section (&b, body, &encounters_section, model->encounters);
  write_table_section (&b, body, &functional_status_section, model->functional_status);
  write_table_section (&b, body, &lab_results_section, model->lab_results);
  write_organ_donation (&b, body);
  write_table_section (&b, body, &exemptions_section, model->exemptions);
  write_table_section (&b, body, &disease_networks_section, model->disease_networks);

  xmlDocDumpFormatMemoryEnc (b.doc, &buffer, &size, "UTF-8", 1);
  xmlFreeDoc (b.doc);
  if (buffer == NULL || size <= 0)
    g_error ("out of memory");

  /* Self-check: a text with control characters or broken UTF-8 would give a
   * file no XML parser (and no gateway) accepts. */
  {
    xmlDoc *reread = xmlReadMemory ((const char *) buffer, size, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    GBytes *bytes;

    if (reread == NULL)
      {
        xmlFree (buffer);
        g_set_error (error, SINTESI_PSS_BUILDER_ERROR, SINTESI_PSS_BUILDER_ERROR_INVALID,
                     _("The summary cannot be built: some text contains characters that a clinical document cannot carry (control characters or invalid UTF-8)."));
        return NULL;
      }
    xmlFreeDoc (reread);
    bytes = g_bytes_new (buffer, (gsize) size);
    xmlFree (buffer);
    return bytes;
  }
}

/* ---------------------------------------------------------------- example */

static void
set_code (SintesiPssCode *code,
          const char     *value,
          const char     *system,
          const char     *display)
{
  code->code = g_strdup (value);
  code->system = g_strdup (system);
  code->display = g_strdup (display);
}

static void
set_address (SintesiPssAddress *address,
             const char        *street,
             const char        *city,
             const char        *census_tract,
             const char        *postal_code,
             const char        *county,
             const char        *country)
{
  address->street = g_strdup (street);
  address->city = g_strdup (city);
  address->census_tract = g_strdup (census_tract);
  address->postal_code = g_strdup (postal_code);
  address->county = g_strdup (county);
  address->country = g_strdup (country);
}

/* An ATC-coded oral medication in mg, once every 24 hours. */
static void
add_example_daily_tablet (SintesiPssModel *m,
                          const char      *atc,
                          const char      *name,
                          const char      *dose_mg,
                          const char      *instructions,
                          const char      *start)
{
  SintesiPssMedication *medication = g_new0 (SintesiPssMedication, 1);

  set_code (&medication->product, atc, "2.16.840.1.113883.6.73", name);
  set_code (&medication->route, "PO", "2.16.840.1.113883.5.112", "Per via orale");
  medication->dose_value = g_strdup (dose_mg);
  medication->dose_unit = g_strdup ("mg");
  medication->period_value = g_strdup ("24");
  medication->period_unit = g_strdup ("h");
  medication->instructions = g_strdup (instructions);
  medication->start = g_strdup (start);
  g_ptr_array_add (m->medications, medication);
}

static void
add_example_lab_result (SintesiPssModel *m,
                        const char      *loinc,
                        const char      *name,
                        const char      *value,
                        const char      *unit,
                        const char      *range_low,
                        const char      *range_high,
                        const char      *interpretation,
                        const char      *date)
{
  SintesiPssLabResult *lab = g_new0 (SintesiPssLabResult, 1);

  set_code (&lab->test, loinc, OID_LOINC, name);
  lab->value = g_strdup (value);
  lab->unit = g_strdup (unit);
  lab->range_low = g_strdup (range_low);
  lab->range_high = g_strdup (range_high);
  lab->interpretation = g_strdup (interpretation);
  lab->date = g_strdup (date);
  g_ptr_array_add (m->lab_results, lab);
}

/* Birth date and sex from the CF, so that the example is coherent with the
 * patient it names; omocodia letters stand for digits. Falls back to a fixed
 * date when the CF does not decode (e.g. the national placeholder). */
static void
example_demographics (const char  *cf,
                      char       **birth_date,
                      char       **sex)
{
  static const char months[] = "ABCDEHLMPRST";
  static const char omocode[] = "LMNPQRSTUV";
  int digits[4];
  static const int positions[4] = { 6, 7, 9, 10 };
  const char *month;

  for (int i = 0; i < 4; i++)
    {
      char c = cf != NULL && strlen (cf) == 16 ? cf[positions[i]] : '?';
      const char *letter = strchr (omocode, c);

      if (g_ascii_isdigit (c))
        digits[i] = c - '0';
      else if (c != '\0' && letter != NULL)
        digits[i] = (int) (letter - omocode);
      else
        goto fallback;
    }
  month = cf[8] != '\0' ? strchr (months, cf[8]) : NULL;
  if (month == NULL)
    goto fallback;
  {
    int year = digits[0] * 10 + digits[1];
    int day = digits[2] * 10 + digits[3];
    gboolean female = day > 40;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    int century = year > g_date_time_get_year (now) % 100 ? 1900 : 2000;

    if (female)
      day -= 40;
    if (day < 1 || day > 31)
      goto fallback;
    *birth_date = g_strdup_printf ("%04d%02d%02d", century + year, (int) (month - months) + 1, day);
    *sex = g_strdup (female ? "F" : "M");
    return;
  }

fallback:
  *birth_date = g_strdup ("19580312");
  *sex = g_strdup ("M");
}

SintesiPssModel *
sintesi_pss_model_new_example (const char *patient_cf,
                               const char *author_cf,
                               const char *id_extension,
                               const char *effective_time)
{
  SintesiPssModel *m = sintesi_pss_model_new ();
  SintesiPssAllergy *allergy;
  SintesiPssProblem *problem;
  SintesiPssFamilyHistory *family;
  SintesiPssVaccination *vaccination;
  SintesiPssVitalSign *vital;
  SintesiPssLifestyle *lifestyle;
  SintesiPssDevice *device;
  SintesiPssProcedure *procedure;
  SintesiPssFunctionalStatus *functional;
  SintesiPssCarePlanItem *plan;
  SintesiPssExemption *exemption;
  SintesiPssEncounter *encounter;
  static const struct { const char *code, *display, *value, *unit; } vitals[] = {
    { "8480-6", "Pressione arteriosa sistolica", "135", "mm[Hg]" },
    { "8462-4", "Pressione arteriosa diastolica", "85", "mm[Hg]" },
    { "29463-7", "Peso corporeo", "82", "kg" },
    { "8302-2", "Altezza corporea", "176", "cm" },
  };

  m->id_extension = g_strdup (id_extension);
  m->effective_time = g_strdup (effective_time);
  m->version = 1;
  m->confidentiality = g_strdup ("N");

  m->patient.cf = g_strdup (patient_cf);
  m->patient.given = g_strdup ("Mario");
  m->patient.family = g_strdup ("Rossi");
  example_demographics (patient_cf, &m->patient.birth_date, &m->patient.sex);
  if (g_strcmp0 (m->patient.sex, "F") == 0)
    {
      g_free (m->patient.given);
      m->patient.given = g_strdup ("Maria");
    }
  m->patient.birth_city = g_strdup ("Firenze");
  m->patient.birth_census_tract = g_strdup ("048017");
  m->patient.birth_country = g_strdup ("100");
  set_address (&m->patient.address, "Via dei Servi 12", "Firenze", "048017", "50122", "FI", "100");
  m->patient.phone = g_strdup ("3331234567");

  m->author.cf = g_strdup (author_cf);
  m->author.given = g_strdup ("Giulia");
  m->author.family = g_strdup ("Bianchi");
  m->author.prefix = g_strdup ("Dott.ssa");
  m->author.role = g_strdup ("MMG");
  set_address (&m->author.address, "Via Pisana 45", "Firenze", "048017", "50143", "FI", "100");
  m->author.phone = g_strdup ("0551234567");
  m->author.email = g_strdup ("studio.bianchi@example.it");

  m->custodian.id_root = g_strdup ("2.16.840.1.113883.2.9.4.1.2");
  m->custodian.id_extension = g_strdup ("090201");
  m->custodian.name = g_strdup ("Azienda USL Toscana Centro");
  m->custodian.phone = g_strdup ("055693111");
  set_address (&m->custodian.address, "Piazza Santa Maria Nuova 1", "Firenze", "048017", "50122", NULL, "100");

  allergy = g_new0 (SintesiPssAllergy, 1);
  set_code (&allergy->type, "DALG", "2.16.840.1.113883.5.4", "Allergia a farmaci");
  set_code (&allergy->agent, "J01CE01", "2.16.840.1.113883.6.73", "Benzilpenicillina");
  set_code (&allergy->reaction, "708.9", "2.16.840.1.113883.6.103", "Orticaria, non specificata");
  allergy->criticality = SINTESI_PSS_CRITICALITY_HIGH;
  allergy->onset = g_strdup ("19950610");
  allergy->comment = g_strdup ("Orticaria diffusa dopo iniezione di penicillina; evitare tutte le penicilline.");
  g_ptr_array_add (m->allergies, allergy);

  add_example_daily_tablet (m, "C09AA05", "Ramipril", "5", "1 compressa al mattino", "20190305");
  add_example_daily_tablet (m, "C10AA05", "Atorvastatina", "20", "1 compressa la sera", "20210118");

  problem = g_new0 (SintesiPssProblem, 1);
  set_code (&problem->problem, "401.9", "2.16.840.1.113883.6.103", "Ipertensione essenziale non specificata");
  problem->onset = g_strdup ("20190305");
  problem->chronic = TRUE;
  problem->severity = SINTESI_PSS_CRITICALITY_MODERATE;
  problem->comment = g_strdup ("Buon controllo pressorio con ramipril.");
  g_ptr_array_add (m->problems, problem);

  problem = g_new0 (SintesiPssProblem, 1);
  set_code (&problem->problem, "272.4", "2.16.840.1.113883.6.103", "Altre e non specificate iperlipidemie");
  problem->onset = g_strdup ("20210118");
  problem->chronic = TRUE;
  problem->severity = SINTESI_PSS_CRITICALITY_LOW;
  g_ptr_array_add (m->problems, problem);

  family = g_new0 (SintesiPssFamilyHistory, 1);
  set_code (&family->relative, "FTH", "2.16.840.1.113883.5.111", "Padre");
  family->relative_sex = g_strdup ("M");
  set_code (&family->condition, "410.9", "2.16.840.1.113883.6.103", "Infarto miocardico acuto a sede non specificata");
  family->onset_age = g_strdup ("62");
  family->death_age = g_strdup ("68");
  g_ptr_array_add (m->family_history, family);

  family = g_new0 (SintesiPssFamilyHistory, 1);
  set_code (&family->relative, "MTH", "2.16.840.1.113883.5.111", "Madre");
  family->relative_sex = g_strdup ("F");
  set_code (&family->condition, "250.00", "2.16.840.1.113883.6.103",
            "Diabete mellito tipo II senza menzione di complicazioni");
  family->onset_age = g_strdup ("55");
  g_ptr_array_add (m->family_history, family);

  vaccination = g_new0 (SintesiPssVaccination, 1);
  set_code (&vaccination->vaccine, "J07BB02", "2.16.840.1.113883.6.73", "Vaccino influenzale, antigene purificato");
  set_code (&vaccination->route, "IM", "2.16.840.1.113883.5.112", "Iniezione intramuscolare");
  vaccination->date = g_strdup ("20241022");
  vaccination->lot = g_strdup ("FL2024-0457");
  vaccination->dose_number = g_strdup ("1");
  vaccination->valid_until = g_strdup ("20250430");
  g_ptr_array_add (m->vaccinations, vaccination);

  for (gsize i = 0; i < G_N_ELEMENTS (vitals); i++)
    {
      vital = g_new0 (SintesiPssVitalSign, 1);
      set_code (&vital->parameter, vitals[i].code, OID_LOINC, vitals[i].display);
      vital->value = g_strdup (vitals[i].value);
      vital->unit = g_strdup (vitals[i].unit);
      vital->date = g_strdup ("20250110");
      g_ptr_array_add (m->vital_signs, vital);
    }

  lifestyle = g_new0 (SintesiPssLifestyle, 1);
  set_code (&lifestyle->observation, "72166-2", OID_LOINC, "Abitudine al fumo");
  set_code (&lifestyle->value, "LA15920-4", OID_LOINC, "Ex fumatore");
  lifestyle->date = g_strdup ("20250110");
  g_ptr_array_add (m->lifestyle, lifestyle);

  device = g_new0 (SintesiPssDevice, 1);
  set_code (&device->device, "P0908", "2.16.840.1.113883.2.9.6.1.48", "Protesi di anca");
  device->date = g_strdup ("20170914");
  g_ptr_array_add (m->devices, device);

  procedure = g_new0 (SintesiPssProcedure, 1);
  set_code (&procedure->procedure, "88.72", "2.16.840.1.113883.6.103", "Diagnostica ecografica del cuore");
  procedure->start = g_strdup ("20240315");
  procedure->end = g_strdup ("20240315");
  g_ptr_array_add (m->procedures, procedure);

  functional = g_new0 (SintesiPssFunctionalStatus, 1);
  set_code (&functional->motor_capacity, "LA21285-4", "2.16.840.1.113883.2.9.77.22.11.15", "Autonomo");
  functional->date = g_strdup ("20250110");
  g_ptr_array_add (m->functional_status, functional);

  plan = g_new0 (SintesiPssCarePlanItem, 1);
  set_code (&plan->exam, "2160-0", OID_LOINC, "Creatinina sierica");
  plan->date = g_strdup ("20250710");
  g_ptr_array_add (m->care_plan, plan);

  exemption = g_new0 (SintesiPssExemption, 1);
  set_code (&exemption->exemption, "031", "2.16.840.1.113883.2.9.6.1.22",
            "Ipertensione arteriosa con danno d'organo");
  exemption->start = g_strdup ("20190410");
  g_ptr_array_add (m->exemptions, exemption);

  encounter = g_new0 (SintesiPssEncounter, 1);
  set_code (&encounter->encounter, "CARD", "2.16.840.1.113883.2.9.77.22.11.14", "Cardiologia");
  encounter->start = g_strdup ("20240315");
  encounter->description = g_strdup ("Visita cardiologica con ecocardiogramma: funzione sistolica conservata.");
  encounter->performer_cf = g_strdup ("RSSGNN66C05A271Y");
  encounter->performer_given = g_strdup ("Giovanni");
  encounter->performer_family = g_strdup ("Rossi");
  g_ptr_array_add (m->encounters, encounter);

  add_example_lab_result (m, "2160-0", "Creatinina sierica", "0.9", "mg/dL", "0.7", "1.2", "N", "20250108");
  add_example_lab_result (m, "2823-3", "Potassio sierico", "4.6", "mmol/L", "3.5", "5.1", "N", "20250108");

  m->organ_donation = SINTESI_PSS_ORGAN_DONATION_CONSENT;
  m->organ_donation_date = g_strdup ("20180607");

  return m;
}
