/* sintesi-profile.h: a physician profile (decisions D5, D9, D10, D13)
 *
 * Who sends (CF, azienda, repository, solution name), where (environment,
 * base URL, aud, CA file), as which software (the three INI strings checked
 * against the accredited-software registry), from which organisation (the
 * XON locality), and the requestBody defaults. Stored as a key file
 * <config dir>/profiles/<NAME>.conf, mode 0600, written atomically and
 * validated on load and on save.
 */
#pragma once

#include <glib-object.h>

#include "sintesi-environment.h"

G_BEGIN_DECLS

#define SINTESI_PROFILE_ERROR (sintesi_profile_error_quark ())

typedef enum
{
  SINTESI_PROFILE_ERROR_NAME,       /* not usable as a file name */
  SINTESI_PROFILE_ERROR_NOT_FOUND,
  SINTESI_PROFILE_ERROR_EXISTS,
  SINTESI_PROFILE_ERROR_INVALID,    /* one or more fields are wrong */
  SINTESI_PROFILE_ERROR_FILE,       /* the key file cannot be read or parsed */
} SintesiProfileError;

/* Field names used in problems: the GObject property names. */
#define SINTESI_PROFILE_FIELD_NAME                   "name"
#define SINTESI_PROFILE_FIELD_PHYSICIAN_NAME         "physician-name"
#define SINTESI_PROFILE_FIELD_CF                     "cf"
#define SINTESI_PROFILE_FIELD_AZIENDA                "azienda"
#define SINTESI_PROFILE_FIELD_REPOSITORY             "repository"
#define SINTESI_PROFILE_FIELD_SOLUTION               "solution"
#define SINTESI_PROFILE_FIELD_ENVIRONMENT            "environment"
#define SINTESI_PROFILE_FIELD_BASE_URL               "base-url"
#define SINTESI_PROFILE_FIELD_AUD                    "aud"
#define SINTESI_PROFILE_FIELD_CA_FILE                "ca-file"
#define SINTESI_PROFILE_FIELD_LOCALITY               "locality"
#define SINTESI_PROFILE_FIELD_APP_ID                 "app-id"
#define SINTESI_PROFILE_FIELD_APP_VENDOR             "app-vendor"
#define SINTESI_PROFILE_FIELD_APP_VERSION            "app-version"
#define SINTESI_PROFILE_FIELD_HEALTH_DATA_FORMAT     "health-data-format"
#define SINTESI_PROFILE_FIELD_MODE                   "mode"
#define SINTESI_PROFILE_FIELD_TIPOLOGIA_STRUTTURA    "tipologia-struttura"
#define SINTESI_PROFILE_FIELD_TIPO_DOCUMENTO_LIV_ALTO "tipo-documento-liv-alto"
#define SINTESI_PROFILE_FIELD_ASSETTO_ORGANIZZATIVO  "assetto-organizzativo"
#define SINTESI_PROFILE_FIELD_TIPO_ATTIVITA_CLINICA  "tipo-attivita-clinica"

/* D13 defaults for a PSS. */
#define SINTESI_DEFAULT_SOLUTION              "SINTESI"
#define SINTESI_DEFAULT_HEALTH_DATA_FORMAT    "CDA"
#define SINTESI_DEFAULT_MODE                  "ATTACHMENT"
#define SINTESI_DEFAULT_TIPOLOGIA_STRUTTURA   "Territorio"
#define SINTESI_DEFAULT_TIPO_DOCUMENTO_LIV_ALTO "SUM"
#define SINTESI_DEFAULT_ASSETTO_ORGANIZZATIVO "AD_PSC130"
#define SINTESI_DEFAULT_TIPO_ATTIVITA_CLINICA "OBS"

typedef enum
{
  SINTESI_PROBLEM_ERROR,    /* the profile cannot be saved or used */
  SINTESI_PROBLEM_WARNING,  /* allowed, but worth a look */
} SintesiProblemSeverity;

/* One problem with one field, for display next to that field. */
typedef struct
{
  char                   *field;     /* a SINTESI_PROFILE_FIELD_* */
  char                   *message;   /* a full sentence, translated */
  SintesiProblemSeverity  severity;
} SintesiProfileProblem;

typedef enum
{
  SINTESI_PROFILE_VALIDATE_DEFAULT  = 0,
  /* Also require what a send needs (locality, the three INI strings). */
  SINTESI_PROFILE_VALIDATE_FOR_SEND = 1 << 0,
} SintesiProfileValidateFlags;

#define SINTESI_TYPE_PROFILE (sintesi_profile_get_type ())
G_DECLARE_FINAL_TYPE (SintesiProfile, sintesi_profile, SINTESI, PROFILE, GObject)

GQuark          sintesi_profile_error_quark   (void);

SintesiProfile *sintesi_profile_new           (const char *name);

const char     *sintesi_profile_get_name            (SintesiProfile *self);
const char     *sintesi_profile_get_physician_name  (SintesiProfile *self);
const char     *sintesi_profile_get_cf              (SintesiProfile *self);
const char     *sintesi_profile_get_azienda         (SintesiProfile *self);
const char     *sintesi_profile_get_repository      (SintesiProfile *self);
const char     *sintesi_profile_get_solution        (SintesiProfile *self);
SintesiEnvironment sintesi_profile_get_environment  (SintesiProfile *self);
/* As stored: NULL means the environment's default. */
const char     *sintesi_profile_get_base_url        (SintesiProfile *self);
const char     *sintesi_profile_get_aud             (SintesiProfile *self);
const char     *sintesi_profile_get_ca_file         (SintesiProfile *self);
const char     *sintesi_profile_get_locality        (SintesiProfile *self);
const char     *sintesi_profile_get_app_id          (SintesiProfile *self);
const char     *sintesi_profile_get_app_vendor      (SintesiProfile *self);
const char     *sintesi_profile_get_app_version     (SintesiProfile *self);
const char     *sintesi_profile_get_health_data_format   (SintesiProfile *self);
const char     *sintesi_profile_get_mode                 (SintesiProfile *self);
const char     *sintesi_profile_get_tipologia_struttura  (SintesiProfile *self);
const char     *sintesi_profile_get_tipo_documento_liv_alto (SintesiProfile *self);
const char     *sintesi_profile_get_assetto_organizzativo (SintesiProfile *self);
const char     *sintesi_profile_get_tipo_attivita_clinica (SintesiProfile *self);

/* The profile's value, or the environment's default (NULL if neither). */
const char     *sintesi_profile_get_effective_base_url (SintesiProfile *self);
const char     *sintesi_profile_get_effective_aud      (SintesiProfile *self);

void  sintesi_profile_set_name            (SintesiProfile *self, const char *name);
void  sintesi_profile_set_physician_name  (SintesiProfile *self, const char *value);
void  sintesi_profile_set_cf              (SintesiProfile *self, const char *cf);
void  sintesi_profile_set_azienda         (SintesiProfile *self, const char *azienda);
void  sintesi_profile_set_repository      (SintesiProfile *self, const char *repository);
void  sintesi_profile_set_solution        (SintesiProfile *self, const char *solution);
void  sintesi_profile_set_environment     (SintesiProfile *self, SintesiEnvironment environment);
/* NULL or "" clears (back to the environment's default). */
void  sintesi_profile_set_base_url        (SintesiProfile *self, const char *url);
void  sintesi_profile_set_aud             (SintesiProfile *self, const char *aud);
void  sintesi_profile_set_ca_file         (SintesiProfile *self, const char *path);
void  sintesi_profile_set_locality        (SintesiProfile *self, const char *xon);
void  sintesi_profile_set_app_id          (SintesiProfile *self, const char *value);
void  sintesi_profile_set_app_vendor      (SintesiProfile *self, const char *value);
void  sintesi_profile_set_app_version     (SintesiProfile *self, const char *value);
void  sintesi_profile_set_health_data_format   (SintesiProfile *self, const char *value);
void  sintesi_profile_set_mode                 (SintesiProfile *self, const char *value);
void  sintesi_profile_set_tipologia_struttura  (SintesiProfile *self, const char *value);
void  sintesi_profile_set_tipo_documento_liv_alto (SintesiProfile *self, const char *value);
void  sintesi_profile_set_assetto_organizzativo (SintesiProfile *self, const char *value);
void  sintesi_profile_set_tipo_attivita_clinica (SintesiProfile *self, const char *value);

/* Every problem of every field (an empty array when all is well), in field
 * order. Element type SintesiProfileProblem; the array frees them.
 * The national placeholder CF (PROVAX00X00X000Y) passes only in the sandbox. */
GPtrArray      *sintesi_profile_validate      (SintesiProfile              *self,
                                               SintesiProfileValidateFlags  flags);
/* TRUE when problems holds at least one SINTESI_PROBLEM_ERROR. */
gboolean        sintesi_profile_problems_have_errors (GPtrArray *problems);
/* One GError (SINTESI_PROFILE_ERROR_INVALID) whose message lists the errors
 * one per line as "field: message"; FALSE when there are none. */
gboolean        sintesi_profile_problems_to_error    (GPtrArray  *problems,
                                                      GError    **error);

/* Checks that name can be a profile's file name on Linux and Windows. */
gboolean        sintesi_profile_validate_name (const char  *name,
                                               GError     **error);

/* Storage in <config dir>/profiles. load validates (any ERROR fails);
 * load_unvalidated only reads, so an editor can show a broken profile with
 * its problems. save validates and refuses on errors, then writes atomically
 * with mode 0600. */
char          **sintesi_profile_list          (GError     **error);
gboolean        sintesi_profile_exists        (const char  *name);
SintesiProfile *sintesi_profile_load          (const char  *name,
                                               GError     **error);
SintesiProfile *sintesi_profile_load_unvalidated (const char  *name,
                                                  GError     **error);
gboolean        sintesi_profile_save          (SintesiProfile  *self,
                                               GError         **error);
gboolean        sintesi_profile_delete        (const char  *name,
                                               GError     **error);
char           *sintesi_profile_path          (const char  *name);

/* Key file form, as stored (also for export). */
char           *sintesi_profile_to_data       (SintesiProfile *self);
SintesiProfile *sintesi_profile_new_from_data (const char  *name,
                                               const char  *data,
                                               GError     **error);

/* XON locality (gateway-contract §4.3): NAME^^^^^&OID&ISO^^^^CODE. */
gboolean        sintesi_locality_parse        (const char  *xon,
                                               char       **name,
                                               char       **oid,
                                               char       **code,
                                               GError     **error);
char           *sintesi_locality_format       (const char  *name,
                                               const char  *oid,
                                               const char  *code);

/* The INI application strings (certificates-and-accreditation §3.2 step 1):
 * an error for what would corrupt ID^VENDOR^VERSION, and *warning set (may be
 * NULL) for |, ~ and \. */
gboolean        sintesi_profile_check_ini_string (const char  *value,
                                                  char       **warning,
                                                  GError     **error);

void            sintesi_profile_problem_free  (SintesiProfileProblem *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiProfileProblem, sintesi_profile_problem_free)

G_END_DECLS
