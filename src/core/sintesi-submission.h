/* sintesi-submission.h: one call to the gateway, from a profile and a
 * document to an answer on record
 *
 * The data flow of architecture.md in one place: the profile is checked for
 * sending, the credentials are loaded and checked for the environment, the
 * CDA is checked and becomes a signed PDF (or a signed PDF is checked and its
 * cda.xml read), the requestBody and both tokens are built and linted, the
 * journal records the call before it leaves (D19), the gateway answers, and
 * the journal records the answer. A GError means the call was refused before
 * anything was recorded or sent; once the journal knows the call, the
 * result says what happened, however it ended.
 */
#pragma once

#include "sintesi-credentials.h"
#include "sintesi-gateway.h"
#include "sintesi-journal.h"
#include "sintesi-profile.h"

G_BEGIN_DECLS

#define SINTESI_SUBMISSION_ERROR (sintesi_submission_error_quark ())

typedef enum
{
  SINTESI_SUBMISSION_ERROR_PROFILE,      /* the profile is not ready to send */
  SINTESI_SUBMISSION_ERROR_CREDENTIALS,  /* missing, locked, or failing their checks */
  SINTESI_SUBMISSION_ERROR_DOCUMENT,     /* the CDA or PDF would be refused */
  SINTESI_SUBMISSION_ERROR_INVALID,      /* the request itself is incomplete */
} SintesiSubmissionError;

/* Tests only: change what is sent after it was built and checked, to make
 * the gateway's own checks fire. The linter does not run again; claims are
 * re-signed with the S1 key when the hook changed them. */
typedef struct
{
  void     (*tamper) (SintesiGatewayRequest *request,
                      JsonObject            *bearer_claims,
                      JsonObject            *signature_claims,
                      gpointer               data);
  gpointer   data;
} SintesiSubmissionHooks;

typedef struct
{
  SintesiGatewayOperation  operation;
  SintesiProfile          *profile;

  /* create/replace: a CDA (rendered, attached and signed here) or an
   * already signed PDF carrying cda.xml (checked, sent byte for byte). */
  GBytes                  *cda;
  GBytes                  *pdf;
  /* replace: the id being replaced; delete/update: the document's id. */
  const char              *document_id;
  /* delete/update: the patient (person_id); NULL: from the journal. */
  const char              *patient_cf;
  const char              *body_overrides;   /* JSON object, this send only */
  gboolean                 access_update;    /* update changing P99 (D10) */
  const char              *lookup_id;        /* status: workflowInstanceId or traceId */

  /* Secrets: the keystore passphrase when no keyring holds the secret, and
   * the PIN callback for a token. Never stored. */
  const char              *key_passphrase;
  SintesiPinFunc           pin_func;
  gpointer                 pin_data;

  /* Official validation before a send; NULL: only the built-in checks. */
  const char              *rules_dir;

  /* Where to send, when not the profile's (the sandbox's simulator). */
  const char              *base_url;
  const char              *server_ca_file;
  gboolean                 only_server_ca_file;
  /* The CA of the physician's certificates for sandbox and custom
   * environments; NULL: the profile's CA file. */
  const char              *client_ca_file;

  guint                    connect_timeout;
  guint                    total_timeout;
  guint                    stall_timeout;
  SintesiGatewayProgress   progress;
  gpointer                 progress_data;
  const SintesiSubmissionHooks *hooks;
} SintesiSubmission;

typedef struct
{
  gint64                  journal_id;
  char                   *document_id;
  SintesiGatewayResponse *response;          /* never NULL */
  /* Set when the journal could not record the answer: the X-CART-id is in
   * its message, which must be shown. */
  GError                 *journal_error;
} SintesiSubmissionResult;

GQuark                   sintesi_submission_error_quark (void);

SintesiSubmissionResult *sintesi_submission_send   (SintesiJournal           *journal,
                                                    const SintesiSubmission  *submission,
                                                    GCancellable             *cancellable,
                                                    GError                  **error);
void                     sintesi_submission_result_free (SintesiSubmissionResult *result);

/* Render the human-readable pages of cda, attach it as cda.xml, sign with
 * the S1 credential: the PDF a physician would send (pdf build). */
GBytes                  *sintesi_submission_sign_cda (GBytes             *cda,
                                                      SintesiCredential  *sign,
                                                      GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSubmissionResult, sintesi_submission_result_free)

G_END_DECLS
