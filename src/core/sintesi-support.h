/* sintesi-support.h: one call to the gateway, packed for a support request
 *
 * certificates-and-accreditation.md §5, the regional text §12 and §16, D19.
 * A support bundle is a zip of one journal record:
 *
 *   manifest.json     application, registry match, environment, endpoint,
 *                     certificates (CN, serial, validity, SHA-256), physician
 *                     and patient CF, times, X-CART-id, traceID, spanID,
 *                     workflowInstanceId, identificativoDoc, HTTP status,
 *                     the record's state and outcome
 *   request.txt       method, URL and headers as sent (tokens in full:
 *                     support staff decode the x5c)
 *   requestBody.json  the requestBody as sent
 *   document.pdf      the PDF as sent (its SHA-256 is attachment_hash)
 *   cda.xml           the PDF's cda.xml attachment
 *   response.txt      status line, every header, the raw body
 *   x-cart-id.txt     the X-CART-id alone
 *   jwt-decoded.json  header and claims of both tokens (no signature)
 *   status.json       the status polls of the record, when there are any
 *   email.txt         the e-mail to the regional support, in Italian
 *
 * A file the record has nothing for (no answer, no PDF) is left out; the
 * manifest lists what is inside. The bundle is built only from the journal
 * record, the certificates of the profile and the profile itself: no key,
 * password, keyring secret or PIN is ever read here.
 */
#pragma once

#include "sintesi-journal.h"

G_BEGIN_DECLS

#define SINTESI_SUPPORT_ERROR (sintesi_support_error_quark ())

typedef enum
{
  SINTESI_SUPPORT_ERROR_NOT_FOUND,                 /* no such journal record */
  SINTESI_SUPPORT_ERROR_HEALTH_DATA_NOT_CONFIRMED, /* production data: confirmation missing */
  SINTESI_SUPPORT_ERROR_WRITE,                     /* the zip could not be built or written */
} SintesiSupportError;

typedef enum
{
  SINTESI_SUPPORT_FLAGS_NONE                = 0,
  /* The user confirmed that the bundle holds health data and may leave
   * this computer. Required for records that are not of a test
   * environment (see sintesi_support_needs_health_data_confirmation). */
  SINTESI_SUPPORT_FLAGS_CONFIRM_HEALTH_DATA = 1 << 0,
} SintesiSupportFlags;

/* One file of the bundle. */
typedef struct
{
  char   *name;
  GBytes *contents;
} SintesiSupportFile;

/* What was written. */
typedef struct
{
  char     *path;
  guint64   size;
  char     *sha256;     /* hex SHA-256 of the zip */
  char    **files;      /* the names inside, in order */
  char     *x_cart_id;  /* NULL when the record has none */
} SintesiSupportBundle;

GQuark      sintesi_support_error_quark (void);

/* Production and custom endpoints may carry real patients' data (the
 * sandbox and stage only test data): such bundles need the confirmation. */
gboolean    sintesi_support_needs_health_data_confirmation (SintesiEnvironment environment);

/* "<UTC yyyymmddThhmmssZ>_<env>_<operation>_<X-CART-id or traceID>.zip",
 * the time being when the request left (or the record was made); characters
 * unsafe in file names become "-". */
char       *sintesi_support_default_file_name (const SintesiJournalRecord *record);

/* The e-mail subject of the regional text §16 for environment (stage:
 * "FSE2.0 Richiesta Supporto Staging | 'V' - 'A'", production:
 * "FSE2.0 Richiesta Supporto | 'V' - 'A'"). The sandbox and custom
 * endpoints have no regional support: they get the staging wording, and
 * email.txt names no regional recipient for them. */
char       *sintesi_support_email_subject (SintesiEnvironment  environment,
                                           const char         *vendor,
                                           const char         *application);

/* Every file of the bundle of record_id, in order (element type
 * SintesiSupportFile). Refuses without the confirmation when needed. */
GPtrArray  *sintesi_support_collect       (SintesiJournal       *journal,
                                           gint64                record_id,
                                           SintesiSupportFlags   flags,
                                           GError              **error);

/* Writes the bundle of record_id to path, atomically (a temporary file in
 * the same folder, then renamed), readable by the user only. When path is
 * an existing folder the default file name is used inside it. */
SintesiSupportBundle *sintesi_support_write_bundle (SintesiJournal       *journal,
                                                    gint64                record_id,
                                                    const char           *path,
                                                    SintesiSupportFlags   flags,
                                                    GError              **error);

void        sintesi_support_file_free     (SintesiSupportFile   *file);
void        sintesi_support_bundle_free   (SintesiSupportBundle *bundle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSupportFile, sintesi_support_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSupportBundle, sintesi_support_bundle_free)

G_END_DECLS
