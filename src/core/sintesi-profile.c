/* sintesi-profile.c: a physician profile (decisions D5, D9, D10, D13) */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sintesi-cf.h"
#include "sintesi-ids.h"
#include "sintesi-paths.h"
#include "sintesi-profile.h"
#include "sintesi-request-body.h"

G_DEFINE_QUARK (sintesi-profile-error-quark, sintesi_profile_error)

#define PROFILE_NAME_MAX  64
#define PROFILE_SUFFIX    ".conf"
#define FORMAT_VERSION    1

typedef enum
{
  FIELD_NAME,
  FIELD_PHYSICIAN_NAME,
  FIELD_CF,
  FIELD_AZIENDA,
  FIELD_REPOSITORY,
  FIELD_SOLUTION,
  FIELD_BASE_URL,
  FIELD_AUD,
  FIELD_CA_FILE,
  FIELD_LOCALITY,
  FIELD_APP_ID,
  FIELD_APP_VENDOR,
  FIELD_APP_VERSION,
  FIELD_HEALTH_DATA_FORMAT,
  FIELD_MODE,
  FIELD_TIPOLOGIA_STRUTTURA,
  FIELD_TIPO_DOCUMENTO_LIV_ALTO,
  FIELD_ASSETTO_ORGANIZZATIVO,
  FIELD_TIPO_ATTIVITA_CLINICA,
  N_FIELDS
} Field;

typedef struct
{
  const char *property;     /* also the field name of problems */
  const char *group;        /* key file group, NULL when not stored */
  const char *key;
  const char *default_value;
} FieldInfo;

static const FieldInfo fields[N_FIELDS] = {
  [FIELD_NAME] = { SINTESI_PROFILE_FIELD_NAME, NULL, NULL, NULL },
  [FIELD_PHYSICIAN_NAME] = { SINTESI_PROFILE_FIELD_PHYSICIAN_NAME, "Profile", "PhysicianName", NULL },
  [FIELD_CF] = { SINTESI_PROFILE_FIELD_CF, "Profile", "CF", NULL },
  [FIELD_AZIENDA] = { SINTESI_PROFILE_FIELD_AZIENDA, "Profile", "Azienda", SINTESI_DEFAULT_AZIENDA },
  [FIELD_REPOSITORY] = { SINTESI_PROFILE_FIELD_REPOSITORY, "Profile", "Repository", SINTESI_DEFAULT_REPOSITORY },
  [FIELD_SOLUTION] = { SINTESI_PROFILE_FIELD_SOLUTION, "Profile", "Solution", SINTESI_DEFAULT_SOLUTION },
  [FIELD_BASE_URL] = { SINTESI_PROFILE_FIELD_BASE_URL, "Gateway", "BaseURL", NULL },
  [FIELD_AUD] = { SINTESI_PROFILE_FIELD_AUD, "Gateway", "Audience", NULL },
  [FIELD_CA_FILE] = { SINTESI_PROFILE_FIELD_CA_FILE, "Gateway", "CAFile", NULL },
  [FIELD_LOCALITY] = { SINTESI_PROFILE_FIELD_LOCALITY, "Profile", "Locality", NULL },
  [FIELD_APP_ID] = { SINTESI_PROFILE_FIELD_APP_ID, "Application", "Id", NULL },
  [FIELD_APP_VENDOR] = { SINTESI_PROFILE_FIELD_APP_VENDOR, "Application", "Vendor", NULL },
  [FIELD_APP_VERSION] = { SINTESI_PROFILE_FIELD_APP_VERSION, "Application", "Version", NULL },
  [FIELD_HEALTH_DATA_FORMAT] = { SINTESI_PROFILE_FIELD_HEALTH_DATA_FORMAT, "Metadata", "HealthDataFormat", SINTESI_DEFAULT_HEALTH_DATA_FORMAT },
  [FIELD_MODE] = { SINTESI_PROFILE_FIELD_MODE, "Metadata", "Mode", SINTESI_DEFAULT_MODE },
  [FIELD_TIPOLOGIA_STRUTTURA] = { SINTESI_PROFILE_FIELD_TIPOLOGIA_STRUTTURA, "Metadata", "TipologiaStruttura", SINTESI_DEFAULT_TIPOLOGIA_STRUTTURA },
  [FIELD_TIPO_DOCUMENTO_LIV_ALTO] = { SINTESI_PROFILE_FIELD_TIPO_DOCUMENTO_LIV_ALTO, "Metadata", "TipoDocumentoLivAlto", SINTESI_DEFAULT_TIPO_DOCUMENTO_LIV_ALTO },
  [FIELD_ASSETTO_ORGANIZZATIVO] = { SINTESI_PROFILE_FIELD_ASSETTO_ORGANIZZATIVO, "Metadata", "AssettoOrganizzativo", SINTESI_DEFAULT_ASSETTO_ORGANIZZATIVO },
  [FIELD_TIPO_ATTIVITA_CLINICA] = { SINTESI_PROFILE_FIELD_TIPO_ATTIVITA_CLINICA, "Metadata", "TipoAttivitaClinica", SINTESI_DEFAULT_TIPO_ATTIVITA_CLINICA },
};

struct _SintesiProfile
{
  GObject             parent_instance;
  char               *values[N_FIELDS];
  SintesiEnvironment  environment;
  /* An environment name read from a file that is none of ours. */
  char               *unknown_environment;
};

G_DEFINE_FINAL_TYPE (SintesiProfile, sintesi_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  /* PROP_0 + 1 + Field: one string property per field */
  PROP_ENVIRONMENT = N_FIELDS + 1,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_field (SintesiProfile *self,
           Field           field,
           const char     *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (self->values[field], value) == 0)
    return;
  g_free (self->values[field]);
  self->values[field] = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[field + 1]);
}

static void
sintesi_profile_finalize (GObject *object)
{
  SintesiProfile *self = SINTESI_PROFILE (object);

  for (guint i = 0; i < N_FIELDS; i++)
    g_free (self->values[i]);
  g_free (self->unknown_environment);
  G_OBJECT_CLASS (sintesi_profile_parent_class)->finalize (object);
}

static void
sintesi_profile_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SintesiProfile *self = SINTESI_PROFILE (object);

  if (prop_id >= 1 && prop_id <= N_FIELDS)
    g_value_set_string (value, self->values[prop_id - 1]);
  else if (prop_id == PROP_ENVIRONMENT)
    g_value_set_string (value, sintesi_environment_to_string (self->environment));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
sintesi_profile_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SintesiProfile *self = SINTESI_PROFILE (object);

  if (prop_id >= 1 && prop_id <= N_FIELDS)
    set_field (self, (Field) (prop_id - 1), g_value_get_string (value));
  else if (prop_id == PROP_ENVIRONMENT)
    {
      SintesiEnvironment environment;

      if (sintesi_environment_from_string (g_value_get_string (value), &environment))
        sintesi_profile_set_environment (self, environment);
      else
        g_warning ("Unknown environment “%s”", g_value_get_string (value));
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
sintesi_profile_class_init (SintesiProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sintesi_profile_finalize;
  object_class->get_property = sintesi_profile_get_property;
  object_class->set_property = sintesi_profile_set_property;

  for (guint i = 0; i < N_FIELDS; i++)
    properties[i + 1] = g_param_spec_string (fields[i].property, NULL, NULL,
                                             fields[i].default_value,
                                             G_PARAM_READWRITE |
                                             G_PARAM_EXPLICIT_NOTIFY |
                                             G_PARAM_STATIC_STRINGS);
  /* As text ("sandbox", "stage", …), so that GTK widgets can bind to it. */
  properties[PROP_ENVIRONMENT] =
    g_param_spec_string ("environment", NULL, NULL, "sandbox",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sintesi_profile_init (SintesiProfile *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    self->values[i] = g_strdup (fields[i].default_value);
  self->environment = SINTESI_ENVIRONMENT_SANDBOX;
}

SintesiProfile *
sintesi_profile_new (const char *name)
{
  return g_object_new (SINTESI_TYPE_PROFILE, "name", name, NULL);
}

#define DEFINE_STRING_ACCESSORS(lower, FIELD_ID) \
  const char * \
  sintesi_profile_get_##lower (SintesiProfile *self) \
  { \
    g_return_val_if_fail (SINTESI_IS_PROFILE (self), NULL); \
    return self->values[FIELD_ID]; \
  } \
  void \
  sintesi_profile_set_##lower (SintesiProfile *self, \
                               const char     *value) \
  { \
    g_return_if_fail (SINTESI_IS_PROFILE (self)); \
    set_field (self, FIELD_ID, value); \
  }

DEFINE_STRING_ACCESSORS (name, FIELD_NAME)
DEFINE_STRING_ACCESSORS (physician_name, FIELD_PHYSICIAN_NAME)
DEFINE_STRING_ACCESSORS (cf, FIELD_CF)
DEFINE_STRING_ACCESSORS (azienda, FIELD_AZIENDA)
DEFINE_STRING_ACCESSORS (repository, FIELD_REPOSITORY)
DEFINE_STRING_ACCESSORS (solution, FIELD_SOLUTION)
DEFINE_STRING_ACCESSORS (base_url, FIELD_BASE_URL)
DEFINE_STRING_ACCESSORS (aud, FIELD_AUD)
DEFINE_STRING_ACCESSORS (ca_file, FIELD_CA_FILE)
DEFINE_STRING_ACCESSORS (locality, FIELD_LOCALITY)
DEFINE_STRING_ACCESSORS (app_id, FIELD_APP_ID)
DEFINE_STRING_ACCESSORS (app_vendor, FIELD_APP_VENDOR)
DEFINE_STRING_ACCESSORS (app_version, FIELD_APP_VERSION)
DEFINE_STRING_ACCESSORS (health_data_format, FIELD_HEALTH_DATA_FORMAT)
DEFINE_STRING_ACCESSORS (mode, FIELD_MODE)
DEFINE_STRING_ACCESSORS (tipologia_struttura, FIELD_TIPOLOGIA_STRUTTURA)
DEFINE_STRING_ACCESSORS (tipo_documento_liv_alto, FIELD_TIPO_DOCUMENTO_LIV_ALTO)
DEFINE_STRING_ACCESSORS (assetto_organizzativo, FIELD_ASSETTO_ORGANIZZATIVO)
DEFINE_STRING_ACCESSORS (tipo_attivita_clinica, FIELD_TIPO_ATTIVITA_CLINICA)

SintesiEnvironment
sintesi_profile_get_environment (SintesiProfile *self)
{
  g_return_val_if_fail (SINTESI_IS_PROFILE (self), SINTESI_ENVIRONMENT_SANDBOX);
  return self->environment;
}

void
sintesi_profile_set_environment (SintesiProfile     *self,
                                 SintesiEnvironment  environment)
{
  g_return_if_fail (SINTESI_IS_PROFILE (self));

  g_clear_pointer (&self->unknown_environment, g_free);
  if (self->environment == environment)
    return;
  self->environment = environment;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENVIRONMENT]);
}

const char *
sintesi_profile_get_effective_base_url (SintesiProfile *self)
{
  g_return_val_if_fail (SINTESI_IS_PROFILE (self), NULL);
  if (self->values[FIELD_BASE_URL] != NULL)
    return self->values[FIELD_BASE_URL];
  return sintesi_environment_default_base_url (self->environment);
}

const char *
sintesi_profile_get_effective_aud (SintesiProfile *self)
{
  g_return_val_if_fail (SINTESI_IS_PROFILE (self), NULL);
  if (self->values[FIELD_AUD] != NULL)
    return self->values[FIELD_AUD];
  return sintesi_environment_default_aud (self->environment);
}

/* Problems */

void
sintesi_profile_problem_free (SintesiProfileProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

static void
add_problem_for (GPtrArray              *problems,
                 const char             *field_name,
                 SintesiProblemSeverity  severity,
                 const char             *message)
{
  SintesiProfileProblem *problem = g_new0 (SintesiProfileProblem, 1);

  problem->field = g_strdup (field_name);
  problem->message = g_strdup (message);
  problem->severity = severity;
  g_ptr_array_add (problems, problem);
}

static void
add_problem (GPtrArray              *problems,
             Field                   field,
             SintesiProblemSeverity  severity,
             const char             *message)
{
  add_problem_for (problems, fields[field].property, severity, message);
}

static void
add_error (GPtrArray *problems,
           Field      field,
           GError    *error)
{
  add_problem (problems, field, SINTESI_PROBLEM_ERROR, error->message);
}

gboolean
sintesi_profile_problems_have_errors (GPtrArray *problems)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      SintesiProfileProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity == SINTESI_PROBLEM_ERROR)
        return TRUE;
    }
  return FALSE;
}

gboolean
sintesi_profile_problems_to_error (GPtrArray  *problems,
                                   GError    **error)
{
  g_autoptr(GString) text = NULL;

  if (!sintesi_profile_problems_have_errors (problems))
    return FALSE;

  text = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      SintesiProfileProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity != SINTESI_PROBLEM_ERROR)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s", problem->field, problem->message);
    }
  g_set_error_literal (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID, text->str);
  return TRUE;
}

/* Field checks */

gboolean
sintesi_profile_validate_name (const char  *name,
                               GError     **error)
{
  /* Device names Windows reserves in every folder, with any extension. */
  static const char * const reserved[] = {
    "CON", "PRN", "AUX", "NUL",
    "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
    "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
  };
  gsize length;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME,
                           _("The profile name is empty."));
      return FALSE;
    }
  length = strlen (name);
  if (length > PROFILE_NAME_MAX)
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME,
                   _("The profile name is longer than %d characters."), PROFILE_NAME_MAX);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        {
          g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME,
                       _("The profile name “%s” may contain only letters A–Z and a–z, digits, “-”, “_” and “.”, because it becomes a file name."),
                       g_utf8_validate (name, -1, NULL) ? name : "?");
          return FALSE;
        }
    }
  if (name[0] == '.' || name[0] == '-' || name[length - 1] == '.')
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME,
                   _("The profile name “%s” may not begin with “.” or “-”, nor end with “.”."),
                   name);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    {
      gsize reserved_length = strlen (reserved[i]);

      if (g_ascii_strncasecmp (name, reserved[i], reserved_length) == 0 &&
          (name[reserved_length] == '\0' || name[reserved_length] == '.'))
        {
          g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME,
                       _("The profile name “%s” is reserved by Windows; please choose another."),
                       name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
text_is_printable (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
has_outer_blank (const char *text)
{
  gsize length = strlen (text);

  return length > 0 && (g_ascii_isspace (text[0]) || g_ascii_isspace (text[length - 1]));
}

gboolean
sintesi_profile_check_ini_string (const char  *value,
                                  char       **warning,
                                  GError     **error)
{
  const char *bad;

  if (warning != NULL)
    *warning = NULL;
  if (value == NULL || *value == '\0')
    {
      g_set_error_literal (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                           _("This value is empty; it must be exactly the string declared at accreditation."));
      return FALSE;
    }
  if (!text_is_printable (value))
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("“%s” contains a character that is not printable."),
                   g_utf8_validate (value, -1, NULL) ? value : "?");
      return FALSE;
    }
  if (has_outer_blank (value))
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("“%s” begins or ends with a blank; it must match the accredited string exactly."),
                   value);
      return FALSE;
    }
  if ((bad = strpbrk (value, "^&")) != NULL)
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("“%s” contains “%c”, which would break the ID^VENDOR^VERSION string sent to INI."),
                   value, *bad);
      return FALSE;
    }
  if (warning != NULL && (bad = strpbrk (value, "|~\\")) != NULL)
    *warning = g_strdup_printf (_("“%s” contains “%c”, an HL7 separator that some systems misread; make sure it is exactly the accredited string."),
                                value, *bad);
  return TRUE;
}

static gboolean
is_oid (const char *text,
        gsize       length)
{
  gboolean arc_start = TRUE;

  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '.')
        {
          if (arc_start)
            return FALSE;
          arc_start = TRUE;
        }
      else if (g_ascii_isdigit (text[i]))
        arc_start = FALSE;
      else
        return FALSE;
    }
  return !arc_start;
}

static gboolean
locality_error (GError     **error,
                const char  *message)
{
  g_set_error_literal (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID, message);
  return FALSE;
}

gboolean
sintesi_locality_parse (const char  *xon,
                        char       **name,
                        char       **oid,
                        char       **code,
                        GError     **error)
{
  const char *p, *name_end, *oid_start, *oid_end, *code_start;
  int carets = 0;

  if (xon == NULL || *xon == '\0')
    return locality_error (error, _("The locality is empty; it must have the form NAME^^^^^&OID&ISO^^^^CODE."));
  if (!text_is_printable (xon))
    return locality_error (error, _("The locality contains a character that is not printable."));

  name_end = strchr (xon, '^');
  if (name_end == NULL || memchr (xon, '&', (gsize) (name_end - xon)) != NULL)
    return locality_error (error, _("The locality must have the form NAME^^^^^&OID&ISO^^^^CODE, e.g. “STUDIO MEDICO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201”."));
  if (name_end == xon)
    return locality_error (error, _("The locality must begin with the name of the organisation, before the first ^."));
  if (has_outer_blank (xon))
    return locality_error (error, _("The locality begins or ends with a blank."));

  for (p = name_end; *p == '^'; p++)
    carets++;
  if (carets != 5 || *p != '&')
    {
      g_autofree char *message =
        g_strdup_printf (_("The locality must have exactly 5 ^ between the organisation name and the &; it has %d."),
                         carets);
      return locality_error (error, message);
    }
  oid_start = p + 1;
  oid_end = strchr (oid_start, '&');
  if (oid_end == NULL || !is_oid (oid_start, (gsize) (oid_end - oid_start)))
    return locality_error (error, _("In the locality, the & after the name must be followed by the catalog OID (numbers separated by dots, e.g. 2.16.840.1.113883.2.9.4.1.3) and another &."));
  if (strncmp (oid_end, "&ISO", 4) != 0)
    return locality_error (error, _("In the locality, the catalog OID must be followed by “&ISO”."));
  carets = 0;
  for (p = oid_end + 4; *p == '^'; p++)
    carets++;
  if (carets != 4)
    {
      g_autofree char *message =
        g_strdup_printf (_("The locality must have exactly 4 ^ between “&ISO” and the organisation code; it has %d."),
                         carets);
      return locality_error (error, message);
    }
  code_start = p;
  if (*code_start == '\0')
    return locality_error (error, _("The locality must end with the organisation code, after “&ISO^^^^”."));
  if (strpbrk (code_start, "^&") != NULL)
    return locality_error (error, _("The organisation code at the end of the locality may not contain ^ or &."));

  if (name != NULL)
    *name = g_strndup (xon, (gsize) (name_end - xon));
  if (oid != NULL)
    *oid = g_strndup (oid_start, (gsize) (oid_end - oid_start));
  if (code != NULL)
    *code = g_strdup (code_start);
  return TRUE;
}

char *
sintesi_locality_format (const char *name,
                         const char *oid,
                         const char *code)
{
  g_return_val_if_fail (name != NULL && oid != NULL && code != NULL, NULL);
  return g_strdup_printf ("%s^^^^^&%s&ISO^^^^%s", name, oid, code);
}

/* http(s) URL with a host; https unless plain_http_ok. */
static gboolean
check_url (const char  *text,
           gboolean     plain_http_ok,
           GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("“%s” is not a complete web address (such as https://host/path/)."), text);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 &&
      !(plain_http_ok && g_ascii_strcasecmp (scheme, "http") == 0))
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("“%s” must start with https://; only the sandbox may use another address."), text);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("“%s” may not contain a user name, a ?query or a #fragment."), text);
      return FALSE;
    }
  return TRUE;
}

static void
check_choice (GPtrArray          *problems,
              SintesiProfile     *self,
              Field               field,
              const char * const *choices)
{
  const char *value = self->values[field];
  g_autofree char *list = NULL;
  g_autofree char *message = NULL;

  if (value != NULL && g_strv_contains (choices, value))
    return;
  list = g_strjoinv (", ", (char **) choices);
  message = g_strdup_printf (_("“%s” is not one of the values the gateway accepts: %s."),
                             value ? value : "", list);
  add_problem (problems, field, SINTESI_PROBLEM_ERROR, message);
}

static void
validate_metadata (SintesiProfile *self,
                   GPtrArray      *problems)
{
  const char *assetto = self->values[FIELD_ASSETTO_ORGANIZZATIVO];

  /* Spelled like the gateway's Java enum constants (gateway-contract §3). */
  check_choice (problems, self, FIELD_HEALTH_DATA_FORMAT, sintesi_health_data_formats);
  check_choice (problems, self, FIELD_MODE, sintesi_modes);
  check_choice (problems, self, FIELD_TIPOLOGIA_STRUTTURA, sintesi_tipologie_struttura);
  check_choice (problems, self, FIELD_TIPO_DOCUMENTO_LIV_ALTO, sintesi_tipi_documento_liv_alto);
  if (self->values[FIELD_TIPO_DOCUMENTO_LIV_ALTO] != NULL &&
      g_strv_contains (sintesi_tipi_documento_liv_alto, self->values[FIELD_TIPO_DOCUMENTO_LIV_ALTO]) &&
      strcmp (self->values[FIELD_TIPO_DOCUMENTO_LIV_ALTO], "SUM") != 0)
    add_problem (problems, FIELD_TIPO_DOCUMENTO_LIV_ALTO, SINTESI_PROBLEM_WARNING,
                 _("A patient summary (PSS) is classified as SUM; another value will be refused or misfiled."));

  if (!sintesi_is_assetto_organizzativo (assetto))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not an assetto organizzativo: it must be AD_PSC followed by 3 digits, e.g. AD_PSC130 (Medicina di Base)."),
                         assetto ? assetto : "");
      add_problem (problems, FIELD_ASSETTO_ORGANIZZATIVO, SINTESI_PROBLEM_ERROR, message);
    }

  check_choice (problems, self, FIELD_TIPO_ATTIVITA_CLINICA, sintesi_tipi_attivita_clinica);
}

static void
validate_ini_field (SintesiProfile              *self,
                    GPtrArray                   *problems,
                    Field                        field,
                    SintesiProfileValidateFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  const char *value = self->values[field];

  if (value == NULL)
    {
      if ((flags & SINTESI_PROFILE_VALIDATE_FOR_SEND) != 0)
        add_problem (problems, field, SINTESI_PROBLEM_ERROR,
                     _("Needed to send: the application id, vendor and version declared at accreditation."));
      return;
    }
  if (!sintesi_profile_check_ini_string (value, &warning, &error))
    add_error (problems, field, error);
  else if (warning != NULL)
    add_problem (problems, field, SINTESI_PROBLEM_WARNING, warning);
}

GPtrArray *
sintesi_profile_validate (SintesiProfile              *self,
                          SintesiProfileValidateFlags  flags)
{
  GPtrArray *problems;
  gboolean for_send = (flags & SINTESI_PROFILE_VALIDATE_FOR_SEND) != 0;
  gboolean sandbox = self->environment == SINTESI_ENVIRONMENT_SANDBOX;
  const char *value;

  g_return_val_if_fail (SINTESI_IS_PROFILE (self), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_profile_problem_free);

#define CHECK(field, call) \
  G_STMT_START { \
    g_autoptr(GError) check_error = NULL; \
    if (!(call)) \
      add_error (problems, field, check_error); \
  } G_STMT_END

  CHECK (FIELD_NAME, sintesi_profile_validate_name (self->values[FIELD_NAME], &check_error));

  value = self->values[FIELD_PHYSICIAN_NAME];
  if (value != NULL && (!text_is_printable (value) || has_outer_blank (value)))
    add_problem (problems, FIELD_PHYSICIAN_NAME, SINTESI_PROBLEM_ERROR,
                 _("The physician’s name may not contain control characters nor begin or end with a blank."));

  /* The national placeholder CF belongs to test set-ups only. */
  CHECK (FIELD_CF, sintesi_cf_validate (self->values[FIELD_CF],
                                        sandbox ? SINTESI_CF_FLAGS_TEST_MODE : SINTESI_CF_FLAGS_NONE,
                                        &check_error));
  CHECK (FIELD_AZIENDA, sintesi_ids_validate_azienda (self->values[FIELD_AZIENDA], &check_error));
  CHECK (FIELD_REPOSITORY, sintesi_ids_validate_repository (self->values[FIELD_REPOSITORY], &check_error));
  CHECK (FIELD_SOLUTION, sintesi_ids_validate_solution (self->values[FIELD_SOLUTION], &check_error));

  if (self->unknown_environment != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not an environment; use sandbox, stage, production or custom."),
                         self->unknown_environment);
      add_problem_for (problems, SINTESI_PROFILE_FIELD_ENVIRONMENT, SINTESI_PROBLEM_ERROR, message);
    }

  value = self->values[FIELD_BASE_URL];
  if (value != NULL)
    CHECK (FIELD_BASE_URL, check_url (value, sandbox, &check_error));
  else if (self->environment == SINTESI_ENVIRONMENT_CUSTOM)
    add_problem (problems, FIELD_BASE_URL, SINTESI_PROBLEM_ERROR,
                 _("The custom environment needs the base URL communicated by CART at adhesion."));

  value = self->values[FIELD_AUD];
  if (value != NULL)
    CHECK (FIELD_AUD, check_url (value, sandbox, &check_error));
  else if (self->environment == SINTESI_ENVIRONMENT_CUSTOM)
    add_problem (problems, FIELD_AUD, SINTESI_PROBLEM_ERROR,
                 _("The custom environment needs the token audience (aud), the gateway address the tokens are meant for."));

  value = self->values[FIELD_CA_FILE];
  if (value != NULL)
    {
      if (self->environment == SINTESI_ENVIRONMENT_STAGE ||
          self->environment == SINTESI_ENVIRONMENT_PRODUCTION)
        add_problem (problems, FIELD_CA_FILE, SINTESI_PROBLEM_ERROR,
                     _("A CA file may be set only for the sandbox or a custom environment; stage and production use the system’s trusted certificates."));
      else if (!g_file_test (value, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *message =
            g_strdup_printf (_("The CA file “%s” does not exist."), value);
          add_problem (problems, FIELD_CA_FILE,
                       for_send ? SINTESI_PROBLEM_ERROR : SINTESI_PROBLEM_WARNING, message);
        }
    }

  value = self->values[FIELD_LOCALITY];
  if (value != NULL)
    CHECK (FIELD_LOCALITY, sintesi_locality_parse (value, NULL, NULL, NULL, &check_error));
  else if (for_send)
    add_problem (problems, FIELD_LOCALITY, SINTESI_PROBLEM_ERROR,
                 _("Needed to send: the locality (XON) of the organisation you work for, NAME^^^^^&OID&ISO^^^^CODE."));

  validate_ini_field (self, problems, FIELD_APP_ID, flags);
  validate_ini_field (self, problems, FIELD_APP_VENDOR, flags);
  validate_ini_field (self, problems, FIELD_APP_VERSION, flags);

  validate_metadata (self, problems);

#undef CHECK
  return problems;
}

/* Key file */

char *
sintesi_profile_to_data (SintesiProfile *self)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_return_val_if_fail (SINTESI_IS_PROFILE (self), NULL);

  g_key_file_set_integer (key_file, "Profile", "Format", FORMAT_VERSION);
  g_key_file_set_string (key_file, "Profile", "Environment",
                         self->unknown_environment ? self->unknown_environment
                                                   : sintesi_environment_to_string (self->environment));
  for (guint i = 0; i < N_FIELDS; i++)
    if (fields[i].group != NULL && self->values[i] != NULL)
      g_key_file_set_string (key_file, fields[i].group, fields[i].key, self->values[i]);
  g_key_file_set_comment (key_file, NULL, NULL,
                          " Sintesi physician profile (edit it with sintesi or sintesi-cli)", NULL);
  return g_key_file_to_data (key_file, NULL, NULL);
}

SintesiProfile *
sintesi_profile_new_from_data (const char  *name,
                               const char  *data,
                               GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(SintesiProfile) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *environment = NULL;
  SintesiEnvironment value;

  if (!g_key_file_load_from_data (key_file, data, (gsize) -1, G_KEY_FILE_KEEP_COMMENTS, &local_error) ||
      !g_key_file_has_group (key_file, "Profile"))
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE,
                   _("The file of profile “%s” is not a Sintesi profile: %s"),
                   name, local_error ? local_error->message : _("the [Profile] section is missing."));
      return NULL;
    }
  if (g_key_file_has_key (key_file, "Profile", "Format", NULL) &&
      g_key_file_get_integer (key_file, "Profile", "Format", NULL) > FORMAT_VERSION)
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE,
                   _("Profile “%s” was written by a newer version of Sintesi; please update Sintesi to use it."),
                   name);
      return NULL;
    }

  self = sintesi_profile_new (name);
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = NULL;

      if (fields[i].group == NULL)
        continue;
      text = g_key_file_get_string (key_file, fields[i].group, fields[i].key, NULL);
      /* An absent key keeps the default; a present one, even empty, wins. */
      if (text != NULL || fields[i].default_value == NULL)
        set_field (self, (Field) i, text);
    }

  environment = g_key_file_get_string (key_file, "Profile", "Environment", NULL);
  if (environment != NULL)
    {
      if (sintesi_environment_from_string (environment, &value))
        sintesi_profile_set_environment (self, value);
      else
        self->unknown_environment = g_steal_pointer (&environment);
    }
  return g_steal_pointer (&self);
}

/* Storage */

char *
sintesi_profile_path (const char *name)
{
  g_autofree char *dir = sintesi_paths_profiles_dir ();
  g_autofree char *file = g_strconcat (name, PROFILE_SUFFIX, NULL);

  return g_build_filename (dir, file, NULL);
}

gboolean
sintesi_profile_exists (const char *name)
{
  g_autofree char *path = NULL;

  if (!sintesi_profile_validate_name (name, NULL))
    return FALSE;
  path = sintesi_profile_path (name);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char **
sintesi_profile_list (GError **error)
{
  g_autofree char *dir_path = sintesi_paths_profiles_dir ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      /* No folder yet: no profiles yet. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_ptr_array_add (names, NULL);
          return (char **) g_ptr_array_steal (names, NULL);
        }
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE,
                   _("Cannot read the profiles folder: %s"), local_error->message);
      return NULL;
    }
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;

      if (!g_str_has_suffix (entry, PROFILE_SUFFIX))
        continue;
      name = g_strndup (entry, strlen (entry) - strlen (PROFILE_SUFFIX));
      if (sintesi_profile_validate_name (name, NULL))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_steal (names, NULL);
}

SintesiProfile *
sintesi_profile_load_unvalidated (const char  *name,
                                  GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!sintesi_profile_validate_name (name, error))
    return NULL;
  path = sintesi_profile_path (name);
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NOT_FOUND,
                     _("There is no profile named “%s”."), name);
      else
        g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE,
                     _("Cannot read profile “%s”: %s"), name, local_error->message);
      return NULL;
    }
  return sintesi_profile_new_from_data (name, contents, error);
}

SintesiProfile *
sintesi_profile_load (const char  *name,
                      GError     **error)
{
  g_autoptr(SintesiProfile) self = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) invalid = NULL;

  self = sintesi_profile_load_unvalidated (name, error);
  if (self == NULL)
    return NULL;
  problems = sintesi_profile_validate (self, SINTESI_PROFILE_VALIDATE_DEFAULT);
  if (sintesi_profile_problems_to_error (problems, &invalid))
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("Profile “%s” has errors; please correct them:\n%s"), name, invalid->message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
sintesi_profile_save (SintesiProfile  *self,
                      GError         **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) invalid = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;

  g_return_val_if_fail (SINTESI_IS_PROFILE (self), FALSE);

  problems = sintesi_profile_validate (self, SINTESI_PROFILE_VALIDATE_DEFAULT);
  if (sintesi_profile_problems_to_error (problems, &invalid))
    {
      g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID,
                   _("The profile was not saved because some fields are wrong:\n%s"), invalid->message);
      return FALSE;
    }

  dir = sintesi_paths_profiles_dir ();
  if (!sintesi_paths_ensure_private_dir (dir, error))
    return FALSE;
  path = sintesi_profile_path (self->values[FIELD_NAME]);
  data = sintesi_profile_to_data (self);
  return sintesi_write_file_atomic (path, data, -1, 0600, error);
}

gboolean
sintesi_profile_delete (const char  *name,
                        GError     **error)
{
  g_autofree char *path = NULL;

  if (!sintesi_profile_validate_name (name, error))
    return FALSE;
  path = sintesi_profile_path (name);
  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NOT_FOUND,
                     _("There is no profile named “%s”."), name);
      else
        g_set_error (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE,
                     _("Cannot delete profile “%s”: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
