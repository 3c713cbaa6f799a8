/* sintesi-rules.h: the rules package (decisions.md D14)
 *
 * The official validation files (CDA XSD set, PSS schematron, terminology
 * CSVs) are not part of Sintesi (D4): they are imported from a folder or
 * downloaded from the Ministry's public catalog repository into
 * <data dir>/rules/package, laid out as
 *
 *   xsd/CDA.xsd, xsd/POCD_MT000040UV02.xsd, …   (as published, one folder)
 *   schematron/schematron_PSS_vX.Y.sch
 *   terminology/<code system OID>.csv
 *   version.json   {format, source, date, xsd_file, schematron_file,
 *                   files: [{path, sha256}]}
 *
 * Installing always happens in a staging folder beside it: the files are
 * copied or downloaded, hashed, the XSD set and the schematron compiled,
 * and only then is the staging folder renamed into place.  A failed or
 * partial import or download leaves the installed package as it was.
 *
 * A folder in the fixtures' layout (xsd/, schematron/, terminology/) or in
 * the catalog's (schema/POCD_MT000040UV02/, schematron/, terminology/) can
 * also be opened directly, without installing it (sintesi-cli --rules DIR).
 */
#pragma once

#include <gio/gio.h>

#include "sintesi-schematron.h"
#include "sintesi-xsd.h"

G_BEGIN_DECLS

#define SINTESI_RULES_ERROR (sintesi_rules_error_quark ())

typedef enum
{
  SINTESI_RULES_ERROR_NOT_INSTALLED,  /* no package in the data folder */
  SINTESI_RULES_ERROR_LAYOUT,         /* a folder that is not a rules package */
  SINTESI_RULES_ERROR_IO,             /* reading or writing files */
  SINTESI_RULES_ERROR_DOWNLOAD,       /* network, TLS or HTTP failure */
  SINTESI_RULES_ERROR_VERIFY,         /* the files do not compile, or hashes differ */
} SintesiRulesError;

GQuark sintesi_rules_error_quark (void);

/* The raw files of ministero-salute/it-fse-catalogs, main branch. */
#define SINTESI_RULES_DEFAULT_BASE_URL "https://raw.githubusercontent.com/ministero-salute/it-fse-catalogs/main/"

typedef struct
{
  char *path;    /* relative to the package folder, '/' separated */
  char *sha256;  /* lowercase hex */
} SintesiRulesFile;

#define SINTESI_TYPE_RULES_PACKAGE (sintesi_rules_package_get_type ())
G_DECLARE_FINAL_TYPE (SintesiRulesPackage, sintesi_rules_package, SINTESI, RULES_PACKAGE, GObject)

/* <data dir>/rules/package */
char                *sintesi_rules_installed_dir            (void);

/* The installed package; SINTESI_RULES_ERROR_NOT_INSTALLED when none. */
SintesiRulesPackage *sintesi_rules_package_open_installed   (GError              **error);
/* Any folder in one of the three layouts (installed, fixtures, catalog). */
SintesiRulesPackage *sintesi_rules_package_open             (const char           *dir,
                                                             GError              **error);

const char          *sintesi_rules_package_get_dir          (SintesiRulesPackage  *self);
/* NULL for a folder opened directly without a version record. */
const char          *sintesi_rules_package_get_source       (SintesiRulesPackage  *self);
const char          *sintesi_rules_package_get_date         (SintesiRulesPackage  *self);
/* e.g. "schematron_PSS_v4.0.sch (2026-11-27)": what validation reports. */
const char          *sintesi_rules_package_get_version      (SintesiRulesPackage  *self);
/* Relative to the package folder. */
const char          *sintesi_rules_package_get_schematron_file (SintesiRulesPackage *self);
const char          *sintesi_rules_package_get_xsd_file     (SintesiRulesPackage  *self);
/* Absolute; NULL when the package has no terminology. */
const char          *sintesi_rules_package_get_terminology_dir (SintesiRulesPackage *self);
/* SintesiRulesFile*, sorted by path; from the version record, or hashed now. */
GPtrArray           *sintesi_rules_package_get_files        (SintesiRulesPackage  *self);
/* Re-hashes every file against the version record. */
gboolean             sintesi_rules_package_verify           (SintesiRulesPackage  *self,
                                                             GError              **error);

/* Compiled on first use, then shared (both are thread-safe to use). */
SintesiXsd          *sintesi_rules_package_get_xsd          (SintesiRulesPackage  *self,
                                                             GError              **error);
SintesiSchematron   *sintesi_rules_package_get_schematron   (SintesiRulesPackage  *self,
                                                             GError              **error);

/* Compiles both now, in parallel; what validation calls before starting. */
gboolean             sintesi_rules_package_load             (SintesiRulesPackage  *self,
                                                             GError              **error);

/* Installs a copy of source_dir (fixtures or catalog layout). */
SintesiRulesPackage *sintesi_rules_import                   (const char           *source_dir,
                                                             GError              **error);
/* Downloads the official files over HTTPS (TLS always verified; ca_file
 * adds trusted roots, for tests) and installs them.  base_url NULL means
 * SINTESI_RULES_DEFAULT_BASE_URL. */
SintesiRulesPackage *sintesi_rules_download                 (const char           *base_url,
                                                             const char           *ca_file,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

G_END_DECLS
