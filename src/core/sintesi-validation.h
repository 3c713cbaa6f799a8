/* sintesi-validation.h: will the gateway accept this CDA?
 *
 * The built-in PSS checks always run (they need no package, so a fresh
 * machine and the sandbox still check); the official XSD and schematron run
 * when a rules package is at hand (D14), and the terminology pre-check when
 * the package has code lists. One verdict for `validate`, for every send,
 * and for the simulator.
 */
#pragma once

#include "sintesi-cda.h"
#include "sintesi-pss-checks.h"
#include "sintesi-rules.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean                 valid;
  char                    *rules_version;  /* NULL: no rules package */
  SintesiXsdResult        *xsd;            /* NULL: not run */
  SintesiSchematronResult *schematron;     /* NULL: not run */
  GPtrArray               *checks;         /* SintesiPssCheck*: built-in, then terminology */
} SintesiValidation;

/* The package in rules_dir, or the installed one when rules_dir is NULL;
 * NULL without error when none is installed (validation then says so). */
SintesiRulesPackage *sintesi_validation_open_rules    (const char           *rules_dir,
                                                       GError              **error);
/* A CDA from an .xml file, or the cda.xml attached to a PDF. */
SintesiCda          *sintesi_validation_load_document (const char           *path,
                                                       GError              **error);
SintesiValidation   *sintesi_validation_run           (const SintesiCda     *cda,
                                                       SintesiRulesPackage  *package,
                                                       SintesiPssCheckFlags  flags,
                                                       GError              **error);
/* What is wrong, one line each, for an error message; "" when valid. */
char                *sintesi_validation_summary       (const SintesiValidation *validation);
void                 sintesi_validation_free          (SintesiValidation    *validation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiValidation, sintesi_validation_free)

G_END_DECLS
