/* sintesi-pss-checks.h: built-in checks of a PSS that need no rules package
 *
 * These are the checks Sintesi can always run, also on a fresh machine
 * without the official XSD/schematron (decisions D14): the header identity,
 * the four mandatory sections, the participants and their codici fiscali,
 * the legal authenticator's signature code. Each check has a stable id and a
 * message a physician understands; they do not replace the official
 * validation, they catch what would certainly fail it, including the
 * national KO test cases on the mandatory sections and vaccinations.
 *
 * The optional terminology pre-check reads the code lists (CSV named by code
 * system OID) of a rules package folder.
 */
#pragma once

#include <glib.h>

#include "sintesi-cda.h"

G_BEGIN_DECLS

#define SINTESI_PSS_CHECKS_ERROR (sintesi_pss_checks_error_quark ())

typedef enum
{
  SINTESI_PSS_CHECKS_ERROR_TERMINOLOGY_FOLDER,  /* the terminology folder cannot be read */
} SintesiPssChecksError;

typedef enum
{
  SINTESI_PSS_CHECK_FLAGS_NONE      = 0,
  /* Accept the national placeholder CF PROVAX00X00X000Y (accreditation
   * tests and the national examples use it for physicians). */
  SINTESI_PSS_CHECK_FLAGS_TEST_MODE = 1 << 0,
} SintesiPssCheckFlags;

typedef struct
{
  char     *id;       /* stable identifier, e.g. "legal-authenticator" */
  gboolean  ok;
  char     *message;  /* one or more full sentences, in the user's language */
} SintesiPssCheck;

/* Check ids, in the order sintesi_pss_checks_run() reports them. */
#define SINTESI_PSS_CHECK_REALM_CODE             "realm-code"
#define SINTESI_PSS_CHECK_TYPE_ID                "type-id"
#define SINTESI_PSS_CHECK_TEMPLATE_ID            "template-id"
#define SINTESI_PSS_CHECK_DOCUMENT_CODE          "document-code"
#define SINTESI_PSS_CHECK_DOCUMENT_ID            "document-id"
#define SINTESI_PSS_CHECK_VERSION                "version"
#define SINTESI_PSS_CHECK_CONFIDENTIALITY        "confidentiality"
#define SINTESI_PSS_CHECK_LANGUAGE               "language"
#define SINTESI_PSS_CHECK_PATIENT                "patient"
#define SINTESI_PSS_CHECK_PATIENT_CF             "patient-cf"
#define SINTESI_PSS_CHECK_AUTHOR                 "author"
#define SINTESI_PSS_CHECK_AUTHOR_CF              "author-cf"
#define SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR    "legal-authenticator"
#define SINTESI_PSS_CHECK_LEGAL_AUTHENTICATOR_CF "legal-authenticator-cf"
#define SINTESI_PSS_CHECK_CF_FORMAT              "cf-format"
#define SINTESI_PSS_CHECK_CUSTODIAN              "custodian"
#define SINTESI_PSS_CHECK_DOCUMENTATION_OF       "documentation-of"
#define SINTESI_PSS_CHECK_TELECOM_USE            "telecom-use"
#define SINTESI_PSS_CHECK_SECTION_ALLERGIES      "section-allergies"
#define SINTESI_PSS_CHECK_SECTION_MEDICATIONS    "section-medications"
#define SINTESI_PSS_CHECK_SECTION_PROBLEMS       "section-problems"
#define SINTESI_PSS_CHECK_SECTION_FAMILY_HISTORY "section-family-history"
#define SINTESI_PSS_CHECK_SECTION_VACCINATIONS   "section-vaccinations"
#define SINTESI_PSS_CHECK_SECTION_CODES          "section-codes"
#define SINTESI_PSS_CHECK_TERMINOLOGY            "terminology"

GQuark      sintesi_pss_checks_error_quark (void);

void        sintesi_pss_check_free         (SintesiPssCheck *check);

/* Runs every built-in check; returns SintesiPssCheck*, one per check id. */
GPtrArray  *sintesi_pss_checks_run         (const SintesiCda      *cda,
                                            SintesiPssCheckFlags   flags);

/* TRUE when no check in checks failed. */
gboolean    sintesi_pss_checks_all_ok      (GPtrArray             *checks);

/* The check with that id in checks, or NULL. */
const SintesiPssCheck *
            sintesi_pss_checks_find        (GPtrArray             *checks,
                                            const char            *id);

/* Terminology pre-check (pss-document.md §4.4) against the CSVs in
 * terminology_dir (<code system OID>.csv, columns version,code,description,
 * release_date): every code whose code system has a list must be in it; a
 * code system with a 999/9999 arc is refused; code systems without a list
 * are counted, not checked. Returns one failed check per wrong code, or a
 * single passing check; NULL with error when the folder cannot be read. */
GPtrArray  *sintesi_pss_checks_terminology (const SintesiCda      *cda,
                                            const char            *terminology_dir,
                                            GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiPssCheck, sintesi_pss_check_free)

G_END_DECLS
