/* test-profile.c: physician profiles: fields, validation, storage */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sintesi-paths.h"
#include "sintesi-profile.h"
#include "sintesi-test-util.h"

#define VALID_CF        "MNZLSN99E05F205J"
#define VALID_LOCALITY  "STUDIO MEDICO ROSSI^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201"

/* The gateway's own check (gateway-contract §4.3, JwtSRV.isValidLocality). */
#define GATEWAY_LOCALITY_REGEX "^[^\\^]*\\^{5}\\&[^&]*\\&ISO\\^{4}[^\\^&]*$"

#define assert_contains(text, part) \
  G_STMT_START { \
    if (strstr ((text), (part)) == NULL) \
      g_error ("“%s” lacks “%s”", (text), (part)); \
  } G_STMT_END

static SintesiProfile *
make_valid_profile (const char *name)
{
  SintesiProfile *profile = sintesi_profile_new (name);

  sintesi_profile_set_cf (profile, VALID_CF);
  sintesi_profile_set_locality (profile, VALID_LOCALITY);
  sintesi_profile_set_app_id (profile, "ACO_FSE");
  sintesi_profile_set_app_vendor (profile, "ACODAT");
  sintesi_profile_set_app_version (profile, "V.2.0");
  return profile;
}

static const SintesiProfileProblem *
find_problem (GPtrArray  *problems,
              const char *field)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const SintesiProfileProblem *problem = g_ptr_array_index (problems, i);

      if (strcmp (problem->field, field) == 0)
        return problem;
    }
  return NULL;
}

static void
assert_problem (GPtrArray              *problems,
                const char             *field,
                SintesiProblemSeverity  severity,
                const char             *message_part)
{
  const SintesiProfileProblem *problem = find_problem (problems, field);

  if (problem == NULL)
    g_error ("no problem reported for field %s", field);
  g_assert_cmpint (problem->severity, ==, severity);
  assert_contains (problem->message, message_part);
}

static void
test_defaults (void)
{
  g_autoptr(SintesiProfile) profile = sintesi_profile_new ("rossi");
  g_autofree char *environment = NULL;

  g_assert_cmpstr (sintesi_profile_get_name (profile), ==, "rossi");
  g_assert_cmpstr (sintesi_profile_get_azienda (profile), ==, "201");
  g_assert_cmpstr (sintesi_profile_get_repository (profile), ==, "201");
  g_assert_cmpstr (sintesi_profile_get_solution (profile), ==, "SINTESI");
  g_assert_cmpint (sintesi_profile_get_environment (profile), ==, SINTESI_ENVIRONMENT_SANDBOX);
  g_assert_null (sintesi_profile_get_cf (profile));
  g_assert_null (sintesi_profile_get_base_url (profile));
  g_assert_null (sintesi_profile_get_effective_base_url (profile));
  /* D13 */
  g_assert_cmpstr (sintesi_profile_get_health_data_format (profile), ==, "CDA");
  g_assert_cmpstr (sintesi_profile_get_mode (profile), ==, "ATTACHMENT");
  g_assert_cmpstr (sintesi_profile_get_tipologia_struttura (profile), ==, "Territorio");
  g_assert_cmpstr (sintesi_profile_get_tipo_documento_liv_alto (profile), ==, "SUM");
  g_assert_cmpstr (sintesi_profile_get_assetto_organizzativo (profile), ==, "AD_PSC130");
  g_assert_cmpstr (sintesi_profile_get_tipo_attivita_clinica (profile), ==, "OBS");

  /* D5/D9 defaults follow the environment; an override wins. */
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_STAGE);
  g_assert_cmpstr (sintesi_profile_get_effective_base_url (profile), ==,
                   "https://fse20gwstage.regione.toscana.it/gateway/v2/");
  g_assert_cmpstr (sintesi_profile_get_effective_aud (profile), ==,
                   "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_PRODUCTION);
  g_assert_cmpstr (sintesi_profile_get_effective_base_url (profile), ==,
                   "https://fse20gw.regione.toscana.it/gateway/v2/");
  g_assert_cmpstr (sintesi_profile_get_effective_aud (profile), ==,
                   "https://modipa.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");
  sintesi_profile_set_base_url (profile, "https://apimed.example.it/gateway/v2/");
  g_assert_cmpstr (sintesi_profile_get_effective_base_url (profile), ==,
                   "https://apimed.example.it/gateway/v2/");
  /* "" clears back to the default. */
  sintesi_profile_set_base_url (profile, "");
  g_assert_null (sintesi_profile_get_base_url (profile));

  g_object_get (profile, "environment", &environment, NULL);
  g_assert_cmpstr (environment, ==, "production");
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  (*(int *) user_data)++;
}

static void
test_properties_notify (void)
{
  g_autoptr(SintesiProfile) profile = sintesi_profile_new ("rossi");
  g_autofree char *cf = NULL;
  int cf_notifies = 0, env_notifies = 0;

  g_signal_connect (profile, "notify::cf", G_CALLBACK (on_notify), &cf_notifies);
  g_signal_connect (profile, "notify::environment", G_CALLBACK (on_notify), &env_notifies);
  sintesi_profile_set_cf (profile, VALID_CF);
  sintesi_profile_set_cf (profile, VALID_CF);
  g_assert_cmpint (cf_notifies, ==, 1);
  g_object_set (profile, "cf", "RSSMRA80A01H501U", "environment", "stage", NULL);
  g_assert_cmpint (cf_notifies, ==, 2);
  g_assert_cmpint (env_notifies, ==, 1);
  g_object_get (profile, "cf", &cf, NULL);
  g_assert_cmpstr (cf, ==, "RSSMRA80A01H501U");
  g_assert_cmpint (sintesi_profile_get_environment (profile), ==, SINTESI_ENVIRONMENT_STAGE);
}

static void
test_valid_profile (void)
{
  g_autoptr(SintesiProfile) profile = make_valid_profile ("rossi");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) send_problems = NULL;

  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  g_assert_cmpuint (problems->len, ==, 0);
  send_problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  g_assert_cmpuint (send_problems->len, ==, 0);
  g_assert_false (sintesi_profile_problems_have_errors (problems));
  g_assert_false (sintesi_profile_problems_to_error (problems, NULL));
}

static void
test_all_problems_at_once (void)
{
  g_autoptr(SintesiProfile) profile = sintesi_profile_new ("rossi");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_PRODUCTION);
  sintesi_profile_set_cf (profile, "LCNLDE90L47H501Q");
  sintesi_profile_set_azienda (profile, "20");
  sintesi_profile_set_repository (profile, "2O1");
  sintesi_profile_set_solution (profile, "Sintesi");
  sintesi_profile_set_base_url (profile, "http://fse20gw.regione.toscana.it/gateway/v2/");
  sintesi_profile_set_aud (profile, "not a url");
  sintesi_profile_set_ca_file (profile, "/etc/hostname");
  sintesi_profile_set_locality (profile, "STUDIO^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201");
  sintesi_profile_set_app_id (profile, "ACO^FSE");
  sintesi_profile_set_app_vendor (profile, " ACODAT");
  sintesi_profile_set_app_version (profile, "V|2");
  sintesi_profile_set_physician_name (profile, "Mario Rossi ");
  sintesi_profile_set_mode (profile, "attachment");
  sintesi_profile_set_health_data_format (profile, "FHIR");
  sintesi_profile_set_tipologia_struttura (profile, "territorio");
  sintesi_profile_set_tipo_documento_liv_alto (profile, "LDO");
  sintesi_profile_set_assetto_organizzativo (profile, "AD_PSC13");
  sintesi_profile_set_tipo_attivita_clinica (profile, "XYZ");

  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "cf", SINTESI_PROBLEM_ERROR, "require “K”");
  assert_problem (problems, "azienda", SINTESI_PROBLEM_ERROR, "must be exactly 3 digits");
  assert_problem (problems, "repository", SINTESI_PROBLEM_ERROR, "not “2O1”");
  assert_problem (problems, "solution", SINTESI_PROBLEM_ERROR, "only capital letters A–Z and digits 0–9");
  assert_problem (problems, "base-url", SINTESI_PROBLEM_ERROR,
                  "“http://fse20gw.regione.toscana.it/gateway/v2/” must start with https://; only the sandbox may use another address.");
  assert_problem (problems, "aud", SINTESI_PROBLEM_ERROR, "“not a url” is not a complete web address");
  assert_problem (problems, "ca-file", SINTESI_PROBLEM_ERROR,
                  "A CA file may be set only for the sandbox or a custom environment");
  assert_problem (problems, "locality", SINTESI_PROBLEM_ERROR,
                  "exactly 5 ^ between the organisation name and the &; it has 4.");
  assert_problem (problems, "app-id", SINTESI_PROBLEM_ERROR,
                  "“ACO^FSE” contains “^”, which would break the ID^VENDOR^VERSION string sent to INI.");
  assert_problem (problems, "app-vendor", SINTESI_PROBLEM_ERROR, "begins or ends with a blank");
  assert_problem (problems, "app-version", SINTESI_PROBLEM_WARNING, "“V|2” contains “|”, an HL7 separator");
  assert_problem (problems, "physician-name", SINTESI_PROBLEM_ERROR, "nor begin or end with a blank");
  assert_problem (problems, "mode", SINTESI_PROBLEM_ERROR,
                  "“attachment” is not one of the values the gateway accepts: ATTACHMENT, RESOURCE.");
  assert_problem (problems, "health-data-format", SINTESI_PROBLEM_ERROR, "“FHIR” is not one of");
  assert_problem (problems, "tipologia-struttura", SINTESI_PROBLEM_ERROR, "Territorio");
  assert_problem (problems, "tipo-documento-liv-alto", SINTESI_PROBLEM_WARNING, "classified as SUM");
  assert_problem (problems, "assetto-organizzativo", SINTESI_PROBLEM_ERROR,
                  "“AD_PSC13” is not an assetto organizzativo");
  assert_problem (problems, "tipo-attivita-clinica", SINTESI_PROBLEM_ERROR, "“XYZ” is not one of");
  g_assert_cmpuint (problems->len, ==, 18);

  g_assert_true (sintesi_profile_problems_have_errors (problems));
  g_assert_true (sintesi_profile_problems_to_error (problems, &error));
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID);
  assert_contains (error->message, "cf: The last character");
  assert_contains (error->message, "\nazienda: ");
  /* Warnings are not errors. */
  g_assert_null (strstr (error->message, "app-version"));
}

static void
test_cf_rules (void)
{
  g_autoptr(SintesiProfile) profile = make_valid_profile ("rossi");
  g_autoptr(GPtrArray) problems = NULL;

  sintesi_profile_set_cf (profile, NULL);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "cf", SINTESI_PROBLEM_ERROR, "The codice fiscale is empty.");
  g_clear_pointer (&problems, g_ptr_array_unref);

  sintesi_profile_set_cf (profile, "mnzlsn99e05f205j");
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "cf", SINTESI_PROBLEM_ERROR, "as “MNZLSN99E05F205J”");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The national placeholder: sandbox only. */
  sintesi_profile_set_cf (profile, "PROVAX00X00X000Y");
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  g_assert_null (find_problem (problems, "cf"));
  g_clear_pointer (&problems, g_ptr_array_unref);
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_STAGE);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "cf", SINTESI_PROBLEM_ERROR, "accepted only in test mode");
}

static void
test_environment_rules (void)
{
  g_autoptr(SintesiProfile) profile = make_valid_profile ("rossi");
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *ca = g_build_filename (tmp, "ca.pem", NULL);

  /* Custom needs both addresses. */
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_CUSTOM);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "base-url", SINTESI_PROBLEM_ERROR, "needs the base URL communicated by CART");
  assert_problem (problems, "aud", SINTESI_PROBLEM_ERROR, "needs the token audience (aud)");
  g_clear_pointer (&problems, g_ptr_array_unref);

  sintesi_profile_set_base_url (profile, "https://apimed.example.it/gateway/v2/");
  sintesi_profile_set_aud (profile, "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");
  sintesi_profile_set_ca_file (profile, ca);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  /* A missing CA file: a warning while editing, an error before sending. */
  assert_problem (problems, "ca-file", SINTESI_PROBLEM_WARNING, "does not exist");
  g_assert_cmpuint (problems->len, ==, 1);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  assert_problem (problems, "ca-file", SINTESI_PROBLEM_ERROR, "does not exist");
  g_clear_pointer (&problems, g_ptr_array_unref);
  g_assert_true (g_file_set_contents (ca, "-----BEGIN CERTIFICATE-----\n", -1, NULL));
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Custom is https only. */
  sintesi_profile_set_base_url (profile, "http://apimed.example.it/gateway/v2/");
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "base-url", SINTESI_PROBLEM_ERROR, "must start with https://");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The sandbox may use plain http on loopback, but still a real URL. */
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_SANDBOX);
  sintesi_profile_set_base_url (profile, "http://127.0.0.1:8443/gateway/v2/");
  sintesi_profile_set_aud (profile, "http://127.0.0.1:8443/gateway/v1");
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);
  sintesi_profile_set_base_url (profile, "ftp://127.0.0.1/");
  sintesi_profile_set_aud (profile, "https://user@host/x?q=1");
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  assert_problem (problems, "base-url", SINTESI_PROBLEM_ERROR, "must start with https://");
  assert_problem (problems, "aud", SINTESI_PROBLEM_ERROR, "may not contain a user name, a ?query or a #fragment");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Stage: the default addresses need no override. */
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_STAGE);
  sintesi_profile_set_base_url (profile, NULL);
  sintesi_profile_set_aud (profile, NULL);
  sintesi_profile_set_ca_file (profile, NULL);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  g_assert_cmpuint (problems->len, ==, 0);

  sintesi_test_rmdir (tmp);
}

static void
test_for_send (void)
{
  g_autoptr(SintesiProfile) profile = sintesi_profile_new ("rossi");
  g_autoptr(GPtrArray) problems = NULL;

  sintesi_profile_set_cf (profile, VALID_CF);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  assert_problem (problems, "locality", SINTESI_PROBLEM_ERROR, "Needed to send: the locality (XON)");
  assert_problem (problems, "app-id", SINTESI_PROBLEM_ERROR, "Needed to send");
  assert_problem (problems, "app-vendor", SINTESI_PROBLEM_ERROR, "Needed to send");
  assert_problem (problems, "app-version", SINTESI_PROBLEM_ERROR, "Needed to send");
  g_assert_cmpuint (problems->len, ==, 4);
}

static void
test_locality (void)
{
  struct {
    const char *xon;
    const char *message;   /* NULL: valid */
  } cases[] = {
    { VALID_LOCALITY, NULL },
    { "LABORATORIO DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^190111123456", NULL },
    { "ASL^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^090201", NULL },
    { "", "The locality is empty" },
    { "STUDIO MEDICO ROSSI", "must have the form NAME^^^^^&OID&ISO^^^^CODE" },
    { "STUDIO&X^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^1", "must have the form" },
    { "^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201", "must begin with the name of the organisation" },
    { "S^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201", "it has 4." },
    { "S^^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201", "it has 6." },
    { "S^^^^^2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201", "it has 5." },
    { "S^^^^^&&ISO^^^^090201", "must be followed by the catalog OID" },
    { "S^^^^^&2.16..840&ISO^^^^090201", "must be followed by the catalog OID" },
    { "S^^^^^&2.16.840.&ISO^^^^090201", "must be followed by the catalog OID" },
    { "S^^^^^&OID&ISO^^^^090201", "must be followed by the catalog OID" },
    { "S^^^^^&2.16.840.1.113883.2.9.4.1.3", "must be followed by the catalog OID" },
    { "S^^^^^&2.16.840.1.113883.2.9.4.1.3&iso^^^^090201", "must be followed by “&ISO”" },
    { "S^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^090201", "exactly 4 ^ between “&ISO” and the organisation code; it has 3." },
    { "S^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^^090201", "it has 5." },
    { "S^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^", "must end with the organisation code" },
    { "S^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^09&0201", "may not contain ^ or &" },
    { " S^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201", "begins or ends with a blank" },
    { "S\t^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201", "not printable" },
  };
  g_autoptr(GRegex) gateway = g_regex_new (GATEWAY_LOCALITY_REGEX, 0, 0, NULL);
  g_autofree char *name = NULL, *oid = NULL, *code = NULL;
  g_autofree char *formatted = NULL;

  g_assert_nonnull (gateway);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = sintesi_locality_parse (cases[i].xon, NULL, NULL, NULL, &error);

      g_test_message ("locality: %s", cases[i].xon);
      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID);
          assert_contains (error->message, cases[i].message);
        }
      /* Whatever we accept, the gateway's own regex accepts too. */
      if (ok)
        g_assert_true (g_regex_match (gateway, cases[i].xon, 0, NULL));
    }

  g_assert_true (sintesi_locality_parse (VALID_LOCALITY, &name, &oid, &code, NULL));
  g_assert_cmpstr (name, ==, "STUDIO MEDICO ROSSI");
  g_assert_cmpstr (oid, ==, "2.16.840.1.113883.2.9.4.1.3");
  g_assert_cmpstr (code, ==, "090201");
  formatted = sintesi_locality_format (name, oid, code);
  g_assert_cmpstr (formatted, ==, VALID_LOCALITY);
}

static void
test_ini_strings (void)
{
  struct {
    const char *value;
    const char *error;    /* NULL: accepted */
    const char *warning;  /* NULL: no warning */
  } cases[] = {
    { "ACO_FSE", NULL, NULL },
    { "Brain Computing S.p.a.", NULL, NULL },
    { "AstroL@bI/O", NULL, NULL },
    { "Smart*Health", NULL, NULL },
    { "CODEBYTESRL|11212050964", NULL, "“CODEBYTESRL|11212050964” contains “|”, an HL7 separator that some systems misread" },
    { "A~B", NULL, "contains “~”" },
    { "A\\B", NULL, "contains “\\”" },
    { "", "This value is empty", NULL },
    { NULL, "This value is empty", NULL },
    { "ACODAT ", "“ACODAT ” begins or ends with a blank; it must match the accredited string exactly.", NULL },
    { "\tACODAT", "contains a character that is not printable", NULL },
    { "ACO\x01", "contains a character that is not printable", NULL },
    { "ACO\xff", "contains a character that is not printable", NULL },
    { "ACO&DAT", "contains “&”, which would break the ID^VENDOR^VERSION string sent to INI.", NULL },
    { "V^2", "contains “^”", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *warning = NULL;
      gboolean ok = sintesi_profile_check_ini_string (cases[i].value, &warning, &error);

      g_test_message ("INI string %u", i);
      if (cases[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          assert_contains (error->message, cases[i].error);
        }
      if (cases[i].warning == NULL)
        g_assert_null (warning);
      else
        assert_contains (warning, cases[i].warning);
    }
}

static void
test_names (void)
{
  struct {
    const char *name;
    const char *message;
  } cases[] = {
    { "rossi", NULL },
    { "Dr.Rossi_2024-stage", NULL },
    { "", "The profile name is empty." },
    { "a/b", "may contain only letters A–Z and a–z, digits, “-”, “_” and “.”, because it becomes a file name." },
    { "a\\b", "may contain only letters" },
    { "Dott Rossi", "may contain only letters" },
    { "Rossì", "may contain only letters" },
    { "..", "may not begin with “.” or “-”, nor end with “.”." },
    { ".hidden", "may not begin with" },
    { "-x", "may not begin with" },
    { "rossi.", "may not begin with" },
    { "CON", "is reserved by Windows" },
    { "nul.stage", "is reserved by Windows" },
    { "com7", "is reserved by Windows" },
    { "0123456789012345678901234567890123456789012345678901234567890123456789", "longer than 64 characters" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = sintesi_profile_validate_name (cases[i].name, &error);

      g_test_message ("name: %s", cases[i].name);
      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME);
          assert_contains (error->message, cases[i].message);
        }
    }
  g_assert_true (sintesi_profile_validate_name ("CONSOLE", NULL));
}

static void
test_storage (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autoptr(SintesiProfile) profile = make_valid_profile ("rossi");
  g_autoptr(SintesiProfile) loaded = NULL;
  g_autoptr(SintesiProfile) second = make_valid_profile ("bianchi");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *stored = NULL;
  struct stat st;

  sintesi_paths_set_config_dir (tmp);

  names = sintesi_profile_list (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  g_clear_pointer (&names, g_strfreev);
  g_assert_false (sintesi_profile_exists ("rossi"));

  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_PRODUCTION);
  sintesi_profile_set_physician_name (profile, "Alessandro Manzoni");
  sintesi_profile_set_app_vendor (profile, "CODEBYTESRL|11212050964");
  sintesi_profile_set_aud (profile, "https://modipa.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");
  sintesi_profile_set_assetto_organizzativo (profile, "AD_PSC026");
  g_assert_true (sintesi_profile_save (profile, &error));
  g_assert_no_error (error);
  g_assert_true (sintesi_profile_save (second, &error));

  path = g_build_filename (tmp, "profiles", "rossi.conf", NULL);
  dir = g_build_filename (tmp, "profiles", NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (sintesi_profile_exists ("rossi"));

  /* A plain key file that other tools can read. */
  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error));
  stored = g_key_file_get_string (key_file, "Profile", "Locality", &error);
  g_assert_cmpstr (stored, ==, VALID_LOCALITY);
  g_clear_pointer (&stored, g_free);
  stored = g_key_file_get_string (key_file, "Profile", "Environment", &error);
  g_assert_cmpstr (stored, ==, "production");

  loaded = sintesi_profile_load ("rossi", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sintesi_profile_get_name (loaded), ==, "rossi");
  g_assert_cmpstr (sintesi_profile_get_cf (loaded), ==, VALID_CF);
  g_assert_cmpstr (sintesi_profile_get_physician_name (loaded), ==, "Alessandro Manzoni");
  g_assert_cmpstr (sintesi_profile_get_locality (loaded), ==, VALID_LOCALITY);
  g_assert_cmpstr (sintesi_profile_get_app_id (loaded), ==, "ACO_FSE");
  g_assert_cmpstr (sintesi_profile_get_app_vendor (loaded), ==, "CODEBYTESRL|11212050964");
  g_assert_cmpstr (sintesi_profile_get_app_version (loaded), ==, "V.2.0");
  g_assert_cmpstr (sintesi_profile_get_aud (loaded), ==, "https://modipa.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");
  g_assert_null (sintesi_profile_get_base_url (loaded));
  g_assert_cmpint (sintesi_profile_get_environment (loaded), ==, SINTESI_ENVIRONMENT_PRODUCTION);
  g_assert_cmpstr (sintesi_profile_get_assetto_organizzativo (loaded), ==, "AD_PSC026");
  g_assert_cmpstr (sintesi_profile_get_mode (loaded), ==, "ATTACHMENT");

  names = sintesi_profile_list (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "bianchi");
  g_assert_cmpstr (names[1], ==, "rossi");
  g_clear_pointer (&names, g_strfreev);

  g_assert_true (sintesi_profile_delete ("bianchi", &error));
  g_assert_no_error (error);
  g_assert_false (sintesi_profile_delete ("bianchi", &error));
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NOT_FOUND);
  assert_contains (error->message, "There is no profile named “bianchi”.");
  g_clear_error (&error);
  g_assert_false (sintesi_profile_delete ("../rossi", &error));
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME);
  g_clear_error (&error);

  names = sintesi_profile_list (&error);
  g_assert_cmpuint (g_strv_length (names), ==, 1);

  sintesi_paths_set_config_dir (NULL);
  sintesi_test_rmdir (tmp);
}

static void
test_save_refused (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autoptr(SintesiProfile) profile = make_valid_profile ("rossi");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  sintesi_paths_set_config_dir (tmp);
  g_assert_true (sintesi_profile_save (profile, &error));
  path = g_build_filename (tmp, "profiles", "rossi.conf", NULL);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  /* An invalid change is refused and the file on disk stays as it was. */
  sintesi_profile_set_azienda (profile, "2011");
  sintesi_profile_set_locality (profile, "STUDIO");
  g_assert_false (sintesi_profile_save (profile, &error));
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID);
  assert_contains (error->message, "The profile was not saved because some fields are wrong:\nazienda: The azienda code must be exactly 3 digits");
  assert_contains (error->message, "\nlocality: The locality must have the form");
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  /* A name that is not a file name is refused before anything is written. */
  g_clear_object (&profile);
  profile = make_valid_profile ("../evil");
  g_assert_false (sintesi_profile_save (profile, &error));
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID);
  assert_contains (error->message, "name: The profile name “../evil” may contain only");
  g_clear_error (&error);
  {
    g_autofree char *evil = g_build_filename (tmp, "evil.conf", NULL);

    g_assert_false (g_file_test (evil, G_FILE_TEST_EXISTS));
  }

  sintesi_paths_set_config_dir (NULL);
  sintesi_test_rmdir (tmp);
}

static void
test_load_refused (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *dir = g_build_filename (tmp, "profiles", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.conf", NULL);
  g_autofree char *future = g_build_filename (dir, "future.conf", NULL);
  g_autofree char *odd_env = g_build_filename (dir, "oddenv.conf", NULL);
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  sintesi_paths_set_config_dir (tmp);
  g_assert_true (sintesi_paths_ensure_private_dir (dir, NULL));

  profile = sintesi_profile_load ("nobody", &error);
  g_assert_null (profile);
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NOT_FOUND);
  assert_contains (error->message, "There is no profile named “nobody”.");
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (bad,
                                      "[Profile]\nCF=RSSMRA80A01H501X\nAzienda=2O1\nEnvironment=stage\n"
                                      "[Application]\nVendor=ACO^DAT\n", -1, NULL));
  profile = sintesi_profile_load ("bad", &error);
  g_assert_null (profile);
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID);
  assert_contains (error->message, "Profile “bad” has errors; please correct them:\ncf: ");
  assert_contains (error->message, "\nazienda: ");
  assert_contains (error->message, "\napp-vendor: ");
  g_clear_error (&error);

  /* An editor can still open it and show each problem by its field. */
  profile = sintesi_profile_load_unvalidated ("bad", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sintesi_profile_get_azienda (profile), ==, "2O1");
  g_assert_cmpstr (sintesi_profile_get_repository (profile), ==, "201");
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  g_assert_cmpuint (problems->len, ==, 3);
  g_clear_pointer (&problems, g_ptr_array_unref);
  g_clear_object (&profile);

  g_assert_true (g_file_set_contents (garbage, "this is not a key file\n", -1, NULL));
  profile = sintesi_profile_load ("garbage", &error);
  g_assert_null (profile);
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE);
  assert_contains (error->message, "The file of profile “garbage” is not a Sintesi profile");
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (future, "[Profile]\nFormat=2\nCF=" VALID_CF "\n", -1, NULL));
  profile = sintesi_profile_load ("future", &error);
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE);
  assert_contains (error->message, "written by a newer version of Sintesi");
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (odd_env, "[Profile]\nCF=" VALID_CF "\nEnvironment=Production\n", -1, NULL));
  profile = sintesi_profile_load ("oddenv", &error);
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID);
  assert_contains (error->message, "environment: “Production” is not an environment; use sandbox, stage, production or custom.");
  g_clear_error (&error);

  profile = sintesi_profile_load ("a/b", &error);
  g_assert_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME);
  g_clear_error (&error);

  sintesi_paths_set_config_dir (NULL);
  sintesi_test_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/defaults", test_defaults);
  g_test_add_func ("/profile/properties-notify", test_properties_notify);
  g_test_add_func ("/profile/valid", test_valid_profile);
  g_test_add_func ("/profile/all-problems-at-once", test_all_problems_at_once);
  g_test_add_func ("/profile/cf", test_cf_rules);
  g_test_add_func ("/profile/environment", test_environment_rules);
  g_test_add_func ("/profile/for-send", test_for_send);
  g_test_add_func ("/profile/locality", test_locality);
  g_test_add_func ("/profile/ini-strings", test_ini_strings);
  g_test_add_func ("/profile/names", test_names);
  g_test_add_func ("/profile/storage", test_storage);
  g_test_add_func ("/profile/save-refused", test_save_refused);
  g_test_add_func ("/profile/load-refused", test_load_refused);
  return g_test_run ();
}
