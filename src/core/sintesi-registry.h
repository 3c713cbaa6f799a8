/* sintesi-registry.h: the accredited-software registry (decisions D15)
 *
 * results.csv of ministero-salute/it-fse-accreditati: UTF-8, CRLF, RFC 4180
 * quoting, columns found by header name (the set has changed over time).
 * Matching follows certificates-and-accreditation §3.2: exact and
 * case-sensitive, equivalent vendor names and versions honoured (and
 * flagged), PSS among the document types, service VALIDATION; when nothing
 * matches, a near-miss hint names the closest row.
 * At run time the file is the one the user imported into
 * <data dir>/registry/results.csv (no network here).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SINTESI_REGISTRY_ERROR (sintesi_registry_error_quark ())

typedef enum
{
  SINTESI_REGISTRY_ERROR_FILE,           /* cannot be read or written */
  SINTESI_REGISTRY_ERROR_FORMAT,         /* not a results.csv we understand */
  SINTESI_REGISTRY_ERROR_NOT_INSTALLED,  /* nothing imported yet */
} SintesiRegistryError;

typedef struct
{
  char   *vendor;               /* Fornitore */
  char  **vendor_equivalents;   /* Nomi fornitori equivalenti, split on "," */
  char   *application;          /* Applicativo */
  char   *version;              /* Versione */
  char  **version_equivalents;  /* Versioni Equivalenti, split on "," */
  char  **document_types;       /* Tipo Documento, split on "," */
  char   *service;              /* Servizio */
  char   *validation_date;      /* Data validazione (may be "") */
  char   *gateway_version;      /* Versione Gateway (may be "") */
  guint   line;                 /* line of the file where the row starts */
} SintesiRegistryRow;

typedef enum
{
  SINTESI_REGISTRY_ACCREDITED,   /* an exact match for PSS */
  SINTESI_REGISTRY_NOT_FOR_PSS,  /* the three strings are listed, not for PSS/VALIDATION */
  SINTESI_REGISTRY_NEAR_MISS,    /* equal once case, blanks, _ and trailing dots are ignored */
  SINTESI_REGISTRY_NOT_FOUND,    /* not accredited; row may name the closest one */
} SintesiRegistryOutcome;

typedef struct
{
  SintesiRegistryOutcome     outcome;
  /* The matching row, or the closest one (NULL when nothing is close).
   * Owned by the registry: valid as long as the registry lives. */
  const SintesiRegistryRow  *row;
  gboolean                   vendor_equivalent;   /* matched only through an equivalent name */
  gboolean                   version_equivalent;  /* matched only through an equivalent version */
  char                      *message;             /* a full sentence for the physician */
} SintesiRegistryMatch;

#define SINTESI_TYPE_REGISTRY (sintesi_registry_get_type ())
G_DECLARE_FINAL_TYPE (SintesiRegistry, sintesi_registry, SINTESI, REGISTRY, GObject)

GQuark           sintesi_registry_error_quark   (void);

SintesiRegistry *sintesi_registry_new_from_data (const char  *data,
                                                 gsize        length,
                                                 GError     **error);
SintesiRegistry *sintesi_registry_new_from_file (const char  *path,
                                                 GError     **error);

guint                     sintesi_registry_get_n_rows (SintesiRegistry *self);
const SintesiRegistryRow *sintesi_registry_get_row    (SintesiRegistry *self,
                                                       guint            index);
/* Lower-case hex SHA-256 of the file's bytes (evidence of the snapshot). */
const char      *sintesi_registry_get_sha256          (SintesiRegistry *self);
/* The newest "Data validazione" in the file: how recent the snapshot is. */
const char      *sintesi_registry_get_latest_validation_date (SintesiRegistry *self);
guint            sintesi_registry_count_pss_rows      (SintesiRegistry *self);

SintesiRegistryMatch *sintesi_registry_match   (SintesiRegistry *self,
                                                const char      *application_id,
                                                const char      *vendor,
                                                const char      *version);
void                  sintesi_registry_match_free (SintesiRegistryMatch *match);

/* The installed copy: <data dir>/registry/results.csv. */
char            *sintesi_registry_installed_path (void);
SintesiRegistry *sintesi_registry_load_installed (GError     **error);
/* Checks that path parses as a registry, then copies its bytes, unchanged,
 * to the installed path (atomically) and records where it came from. */
SintesiRegistry *sintesi_registry_import         (const char  *path,
                                                  GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiRegistryMatch, sintesi_registry_match_free)

G_END_DECLS
