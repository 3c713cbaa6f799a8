/* sintesi-submission.c: one call to the gateway, from a profile and a
 * document to an answer on record */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-cda.h"
#include "sintesi-ids.h"
#include "sintesi-journal-search.h"
#include "sintesi-jwt.h"
#include "sintesi-keystore.h"
#include "sintesi-pades.h"
#include "sintesi-pdf-render.h"
#include "sintesi-pdf.h"
#include "sintesi-request-body.h"
#include "sintesi-submission.h"
#include "sintesi-validation.h"

G_DEFINE_QUARK (sintesi-submission-error-quark, sintesi_submission_error)

void
sintesi_submission_result_free (SintesiSubmissionResult *result)
{
  if (result == NULL)
    return;
  g_free (result->document_id);
  sintesi_gateway_response_free (result->response);
  g_clear_error (&result->journal_error);
  g_free (result);
}

/* Everything a call needs, gathered before the journal hears of it. */
typedef struct
{
  const SintesiSubmission *submission;
  SintesiKeystore         *keystore;
  SintesiCredential       *sign;
  SintesiCredential       *auth;
  SintesiCda              *cda;
  GBytes                  *pdf;
  char                    *document_id;      /* the new id (create/replace) or the path id */
  char                    *patient_cf;
  char                    *resource_hl7_type;
  char                    *request_body;
  SintesiJwtTokens        *tokens;
  SintesiGatewayConfig     config;
  SintesiGatewayRequest    request;
} Call;

static void
call_clear (Call *call)
{
  g_clear_object (&call->keystore);
  g_clear_object (&call->sign);
  g_clear_object (&call->auth);
  g_clear_pointer (&call->cda, sintesi_cda_free);
  g_clear_pointer (&call->pdf, g_bytes_unref);
  g_free (call->document_id);
  g_free (call->patient_cf);
  g_free (call->resource_hl7_type);
  g_free (call->request_body);
  g_clear_pointer (&call->tokens, sintesi_jwt_tokens_free);
  g_free (call->config.base_url);
  g_free (call->config.client_cert);
  g_free (call->config.client_key);
  if (call->config.client_key_secret != NULL)
    sintesi_keystore_secret_free (g_steal_pointer (&call->config.client_key_secret));
  g_free (call->config.ca_file);
  g_free (call->request.bearer_token);
  g_free (call->request.signature_token);
  g_clear_pointer (&call->request.pdf, g_bytes_unref);
  g_free (call->request.document_id);
  g_free (call->request.lookup_id);
  g_free (call->request.request_body);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Call, call_clear)

static gboolean
is_publication (SintesiGatewayOperation operation)
{
  return operation == SINTESI_GATEWAY_CREATE || operation == SINTESI_GATEWAY_REPLACE;
}

static gboolean
is_status (SintesiGatewayOperation operation)
{
  return operation == SINTESI_GATEWAY_STATUS || operation == SINTESI_GATEWAY_STATUS_BY_TRACE;
}

static SintesiJournalOperation
journal_operation (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_CREATE:
      return SINTESI_JOURNAL_OPERATION_CREATE;
    case SINTESI_GATEWAY_REPLACE:
      return SINTESI_JOURNAL_OPERATION_REPLACE;
    case SINTESI_GATEWAY_DELETE:
      return SINTESI_JOURNAL_OPERATION_DELETE;
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return SINTESI_JOURNAL_OPERATION_UPDATE_METADATA;
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
    default:
      return SINTESI_JOURNAL_OPERATION_STATUS;
    }
}

static SintesiJwtOperation
jwt_operation (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_REPLACE:
      return SINTESI_JWT_OPERATION_REPLACE;
    case SINTESI_GATEWAY_DELETE:
      return SINTESI_JWT_OPERATION_DELETE;
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return SINTESI_JWT_OPERATION_UPDATE;
    case SINTESI_GATEWAY_CREATE:
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
    default:
      return SINTESI_JWT_OPERATION_CREATE;
    }
}

/* The national placeholder CF appears in test certificates and examples. */
static gboolean
cf_test_mode (SintesiProfile *profile)
{
  SintesiEnvironment environment = sintesi_profile_get_environment (profile);

  return environment == SINTESI_ENVIRONMENT_SANDBOX || environment == SINTESI_ENVIRONMENT_STAGE;
}

static gboolean
check_profile (SintesiProfile  *profile,
               GError         **error)
{
  g_autoptr(GPtrArray) problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  g_autoptr(GError) local_error = NULL;

  if (!sintesi_profile_problems_have_errors (problems))
    return TRUE;
  sintesi_profile_problems_to_error (problems, &local_error);
  g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_PROFILE,
               _("The profile “%s” is not ready to send: %s"),
               sintesi_profile_get_name (profile), local_error != NULL ? local_error->message : "");
  return FALSE;
}

static gboolean
load_credentials (Call     *call,
                  GError  **error)
{
  const SintesiSubmission *s = call->submission;
  SintesiProfile *profile = s->profile;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_auto(GStrv) test_roots = NULL;
  g_auto(GStrv) production_roots = NULL;
  g_autofree char *roots_dir = NULL;
  SintesiCredentialCheckOptions options = { 0 };
  const SintesiCredentialCheck *failed;

  call->keystore = sintesi_keystore_new (sintesi_profile_get_name (profile), NULL, &local_error);
  if (call->keystore != NULL)
    call->sign = sintesi_keystore_load (call->keystore, SINTESI_CREDENTIAL_SLOT_SIGN, s->key_passphrase, &local_error);
  if (call->sign != NULL)
    call->auth = sintesi_keystore_load_certificates (call->keystore, SINTESI_CREDENTIAL_SLOT_AUTH, &local_error);
  if (call->auth == NULL)
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_CREDENTIALS,
                   _("The certificates of the profile “%s” cannot be used: %s"),
                   sintesi_profile_get_name (profile), local_error->message);
      return FALSE;
    }
  if (s->pin_func != NULL)
    sintesi_credential_set_pin_func (call->sign, s->pin_func, s->pin_data, NULL);

  options.environment = sintesi_profile_get_environment (profile);
  options.expected_cf = sintesi_profile_get_cf (profile);
  options.profile_ca_file = s->client_ca_file != NULL ? s->client_ca_file : sintesi_profile_get_ca_file (profile);
  roots_dir = sintesi_credentials_default_roots_dir ();
  if (g_file_test (roots_dir, G_FILE_TEST_IS_DIR))
    sintesi_credentials_find_sogei_roots (roots_dir, &test_roots, &production_roots, NULL);
  options.test_roots = (const char * const *) test_roots;
  options.production_roots = (const char * const *) production_roots;
  checks = sintesi_credentials_check (call->auth, call->sign, &options);
  failed = sintesi_credentials_checks_first_error (checks);
  if (failed != NULL)
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_CREDENTIALS,
                   _("The certificates of the profile “%s” cannot be used for this environment: %s"),
                   sintesi_profile_get_name (profile), failed->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_cda (Call     *call,
           GError  **error)
{
  g_autoptr(SintesiValidation) validation = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *summary = NULL;

  package = sintesi_validation_open_rules (call->submission->rules_dir, &local_error);
  if (local_error == NULL)
    validation = sintesi_validation_run (call->cda, package,
                                         cf_test_mode (call->submission->profile) ? SINTESI_PSS_CHECK_FLAGS_TEST_MODE
                                                                                  : SINTESI_PSS_CHECK_FLAGS_NONE,
                                         &local_error);
  if (validation == NULL)
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
                   _("The document could not be validated: %s"), local_error->message);
      return FALSE;
    }
  if (validation->valid)
    return TRUE;
  summary = sintesi_validation_summary (validation);
  g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
               _("The document would be refused by the gateway:\n%s"), summary);
  return FALSE;
}

GBytes *
sintesi_submission_sign_cda (GBytes             *cda,
                             SintesiCredential  *sign,
                             GError            **error)
{
  g_autoptr(GBytes) pages = NULL;
  g_autoptr(GBytes) attached = NULL;
  gnutls_privkey_t key;
  const gnutls_x509_crt_t *chain;
  guint chain_length = 0;

  pages = sintesi_pdf_render_cda (cda, error);
  if (pages == NULL)
    return NULL;
  attached = sintesi_pdf_attach_cda (pages, cda, error);
  if (attached == NULL)
    return NULL;
  key = sintesi_credential_get_privkey (sign, error);
  if (key == NULL)
    return NULL;
  chain = sintesi_credential_get_chain (sign, &chain_length);
  return sintesi_pades_sign (attached, key, chain, chain_length, NULL, NULL, error);
}

static gboolean
prepare_document (Call     *call,
                  GError  **error)
{
  const SintesiSubmission *s = call->submission;
  g_autoptr(GError) local_error = NULL;

  if (s->cda != NULL)
    {
      call->cda = sintesi_cda_load_bytes (s->cda, "cda.xml", 0, &local_error);
      if (call->cda == NULL || !check_cda (call, &local_error))
        goto refused;
      call->pdf = sintesi_submission_sign_cda (s->cda, call->sign, &local_error);
      if (call->pdf == NULL)
        goto refused;
    }
  else if (s->pdf != NULL)
    {
      g_autoptr(GBytes) cda_xml = NULL;

      /* Someone else's signature is checked, never rewritten (D16). */
      if (!sintesi_pades_check_signed (s->pdf, &local_error))
        goto refused;
      cda_xml = sintesi_pdf_get_cda (s->pdf, &local_error);
      if (cda_xml == NULL)
        goto refused;
      call->cda = sintesi_cda_load_bytes (cda_xml, "cda.xml", 0, &local_error);
      if (call->cda == NULL || !check_cda (call, &local_error))
        goto refused;
      call->pdf = g_bytes_ref (s->pdf);
    }
  else
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_INVALID,
                   _("A document is needed: a CDA to sign or a signed PDF."));
      return FALSE;
    }

  call->document_id = sintesi_cda_identificativo_doc (call->cda, &local_error);
  if (call->document_id == NULL)
    goto refused;
  call->resource_hl7_type = sintesi_cda_resource_hl7_type (call->cda, &local_error);
  if (call->resource_hl7_type == NULL)
    goto refused;
  call->patient_cf = g_strdup (call->cda->patient_cf);
  if (call->patient_cf == NULL)
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
                   _("The document names no patient by codice fiscale."));
      return FALSE;
    }
  if (s->operation == SINTESI_GATEWAY_REPLACE && g_strcmp0 (call->document_id, s->document_id) == 0)
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
                   _("The new document has the same identifier as the one it replaces (%s): a replacement needs a new ClinicalDocument/id."),
                   call->document_id);
      return FALSE;
    }
  return TRUE;

refused:
  g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
               "%s", local_error->message);
  return FALSE;
}

/* delete/update: the patient comes from the caller or from the journal. */
static gboolean
find_patient (Call            *call,
              SintesiJournal  *journal,
              GError         **error)
{
  const SintesiSubmission *s = call->submission;
  g_autoptr(SintesiJournalDocument) document = NULL;
  g_auto(SintesiDocumentId) parsed = { 0 };

  call->document_id = g_strdup (s->document_id);
  if (call->document_id == NULL || !sintesi_ids_parse_document_id (call->document_id, NULL, &parsed, NULL))
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_INVALID,
                   _("“%s” is not a document identifier (identificativoDoc, like 2.16.840.1.113883.2.9.2.90.4.4^…)."),
                   s->document_id != NULL ? s->document_id : "");
      return FALSE;
    }
  if (s->patient_cf != NULL)
    {
      call->patient_cf = g_strdup (s->patient_cf);
      return TRUE;
    }
  document = sintesi_journal_get_document (journal, call->document_id, NULL);
  if (document != NULL && document->patient_cf != NULL)
    {
      call->patient_cf = g_strdup (document->patient_cf);
      return TRUE;
    }
  g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_INVALID,
               _("The journal does not know the patient of %s: give the patient’s codice fiscale."),
               call->document_id);
  return FALSE;
}

/* A document the gateway accepted is never created again: the gateway would
 * refuse the duplicate, and a new version is a replace (a resend after an
 * unknown outcome is allowed: D19). */
static gboolean
check_not_sent (Call            *call,
                SintesiJournal  *journal,
                GError         **error)
{
  g_autoptr(SintesiJournalDocument) document = sintesi_journal_get_document (journal, call->document_id, NULL);
  g_autofree char *record = NULL;

  if (document == NULL || document->state == SINTESI_JOURNAL_DOCUMENT_NOT_ACCEPTED)
    return TRUE;
  record = g_strdup_printf ("%" G_GINT64_FORMAT, document->origin_record_id);
  g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
               _("The document %s was already accepted by the gateway (journal record %s). A new version needs a new identifier and is sent as a replacement."),
               call->document_id, record);
  return FALSE;
}

static gboolean
build_tokens (Call     *call,
              GError  **error)
{
  const SintesiSubmission *s = call->submission;
  SintesiProfile *profile = s->profile;
  g_autoptr(GBytes) certificate = sintesi_credential_get_certificate_der (call->sign);
  SintesiJwtParams params = { 0 };

  params.operation = jwt_operation (s->operation);
  params.access_update = s->access_update;
  params.certificate_der = certificate;
  params.key = sintesi_credential_get_privkey (call->sign, error);
  if (params.key == NULL)
    return FALSE;
  params.physician_cf = sintesi_profile_get_cf (profile);
  params.patient_cf = call->patient_cf;
  /* A metadata update names the type it updates: a PSS. */
  params.resource_hl7_type = call->resource_hl7_type != NULL ? call->resource_hl7_type
                                                             : "('60591-5^^2.16.840.1.113883.6.1')";
  params.document = is_publication (s->operation) ? call->pdf : NULL;
  params.locality = sintesi_profile_get_locality (profile);
  params.application_id = sintesi_profile_get_app_id (profile);
  params.application_vendor = sintesi_profile_get_app_vendor (profile);
  params.application_version = sintesi_profile_get_app_version (profile);
  params.aud = sintesi_profile_get_effective_aud (profile);
  params.cf_test_mode = cf_test_mode (profile);

  if (is_status (s->operation))
    {
      call->request.bearer_token = sintesi_jwt_build_bearer (&params, error);
      return call->request.bearer_token != NULL;
    }
  call->tokens = sintesi_jwt_build (&params, error);
  if (call->tokens == NULL)
    return FALSE;
  call->request.bearer_token = g_strdup (call->tokens->bearer);
  call->request.signature_token = g_strdup (call->tokens->signature);
  return TRUE;
}

/* The claims as JSON text, to tell whether a test hook changed them. */
static char *
claims_text (JsonObject *claims)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, claims);
  return json_to_string (node, FALSE);
}

/* Signs *token anew with the S1 key when its claims changed. */
static gboolean
resign_if_changed (char              **token,
                   JsonObject         *claims,
                   const char         *before,
                   SintesiCredential  *sign,
                   GError            **error)
{
  g_autofree char *after = claims_text (claims);
  g_autoptr(GBytes) certificate = NULL;
  gnutls_privkey_t key;
  char *signed_token;

  if (g_strcmp0 (before, after) == 0)
    return TRUE;
  certificate = sintesi_credential_get_certificate_der (sign);
  key = sintesi_credential_get_privkey (sign, error);
  if (key == NULL || (signed_token = sintesi_jwt_sign_claims (claims, certificate, key, error)) == NULL)
    return FALSE;
  g_free (*token);
  *token = signed_token;
  return TRUE;
}

static gboolean
apply_test_hooks (Call     *call,
                  GError  **error)
{
  const SintesiSubmissionHooks *hooks = call->submission->hooks;
  g_autoptr(SintesiJwtDecoded) bearer = NULL;
  g_autoptr(SintesiJwtDecoded) signature = NULL;
  g_autofree char *bearer_before = NULL;
  g_autofree char *signature_before = NULL;

  if (hooks == NULL || hooks->tamper == NULL)
    return TRUE;
  bearer = sintesi_jwt_decode (call->request.bearer_token, error);
  if (bearer == NULL)
    return FALSE;
  if (call->request.signature_token != NULL &&
      (signature = sintesi_jwt_decode (call->request.signature_token, error)) == NULL)
    return FALSE;

  bearer_before = claims_text (bearer->claims);
  if (signature != NULL)
    signature_before = claims_text (signature->claims);

  hooks->tamper (&call->request, bearer->claims, signature != NULL ? signature->claims : NULL, hooks->data);

  return resign_if_changed (&call->request.bearer_token, bearer->claims, bearer_before, call->sign, error) &&
         (signature == NULL ||
          resign_if_changed (&call->request.signature_token, signature->claims, signature_before, call->sign, error));
}

static gboolean
prepare_transport (Call     *call,
                   GError  **error)
{
  const SintesiSubmission *s = call->submission;
  SintesiProfile *profile = s->profile;
  const char *base_url = s->base_url != NULL ? s->base_url : sintesi_profile_get_effective_base_url (profile);
  const char *ca_file = s->server_ca_file != NULL ? s->server_ca_file : sintesi_profile_get_ca_file (profile);

  if (base_url == NULL)
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_PROFILE,
                   _("The profile “%s” has no gateway address."), sintesi_profile_get_name (profile));
      return FALSE;
    }
  call->config.base_url = g_strdup (base_url);
  call->config.ca_file = g_strdup (ca_file);
  call->config.only_ca_file = s->only_server_ca_file;
  call->config.client_cert = sintesi_keystore_get_chain_path (call->keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  call->config.client_key = sintesi_keystore_get_key_path (call->keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  if (sintesi_keystore_get_secret_kind (call->keystore, SINTESI_CREDENTIAL_SLOT_AUTH) != SINTESI_KEYSTORE_SECRET_NONE)
    {
      call->config.client_key_secret = sintesi_keystore_get_key_secret (call->keystore, SINTESI_CREDENTIAL_SLOT_AUTH,
                                                                        s->key_passphrase, error);
      if (call->config.client_key_secret == NULL)
        return FALSE;
    }
  call->config.connect_timeout = s->connect_timeout;
  call->config.total_timeout = s->total_timeout;
  call->config.stall_timeout = s->stall_timeout;
  return TRUE;
}

static char *
describe_headers (const SintesiGatewayRequest *request)
{
  GString *headers = g_string_new ("Accept: application/json\r\n");

  g_string_append_printf (headers, "Authorization: Bearer %s\r\n", request->bearer_token);
  if (request->signature_token != NULL)
    g_string_append_printf (headers, "FSE-JWT-Signature: %s\r\n", request->signature_token);
  return g_string_free (headers, FALSE);
}

static void
record_outcome (SintesiJournal          *journal,
                SintesiSubmissionResult *result)
{
  SintesiGatewayResponse *response = result->response;

  if (response->http_status > 0)
    {
      /* An answer arrived, maybe cut short: its receipt is what matters. */
      g_autoptr(GString) headers = g_string_new (response->status_line);
      SintesiJournalAnswer answer = { 0 };

      g_string_append (headers, "\r\n");
      for (guint i = 0; i < response->headers->len; i++)
        {
          SintesiGatewayHeader *header = g_ptr_array_index (response->headers, i);
          g_string_append_printf (headers, "%s: %s\r\n", header->name, header->value);
        }
      answer.http_status = response->http_status;
      answer.headers = headers->str;
      answer.body = response->body;
      answer.x_cart_id = response->x_cart_id;
      answer.trace_id = response->trace_id;
      answer.span_id = response->span_id;
      answer.workflow_instance_id = response->workflow_instance_id;
      answer.warning = response->warning;
      answer.error_type = response->error_type;
      answer.error_title = response->error_title;
      answer.error_detail = response->error_detail;
      answer.error_instance = response->error_instance;
      sintesi_journal_record_answer (journal, result->journal_id, &answer, &result->journal_error);
    }
  else
    sintesi_journal_record_failure (journal, result->journal_id,
                                    response->failure != NULL ? response->failure->message : _("No answer."),
                                    &result->journal_error);
}

/* A status answer also belongs to the call it is about: a support bundle of
 * that call then carries its last known state. */
static void
attach_status_poll (SintesiJournal          *journal,
                    const char              *workflow_instance_id,
                    const char              *url,
                    SintesiSubmissionResult *result)
{
  SintesiGatewayResponse *response = result->response;
  SintesiJournalQuery query = { 0 };
  g_autoptr(GPtrArray) records = NULL;
  SintesiJournalAnswer answer = { 0 };

  query.workflow_instance_id = workflow_instance_id;
  query.limit = 2;
  records = sintesi_journal_search (journal, &query, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      SintesiJournalRecord *record = g_ptr_array_index (records, i);

      if (record->id == result->journal_id || record->operation == SINTESI_JOURNAL_OPERATION_STATUS)
        continue;
      answer.http_status = response->http_status;
      answer.body = response->body;
      answer.x_cart_id = response->x_cart_id;
      answer.trace_id = response->trace_id;
      answer.span_id = response->span_id;
      answer.workflow_instance_id = response->workflow_instance_id;
      sintesi_journal_add_status_poll (journal, record->id, url, response->http_status > 0 ? &answer : NULL,
                                       response->failure != NULL ? response->failure->message : NULL, NULL);
      break;
    }
}

SintesiSubmissionResult *
sintesi_submission_send (SintesiJournal           *journal,
                         const SintesiSubmission  *submission,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  g_auto(Call) call = { 0 };
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *attachment_hash = NULL;
  g_autofree char *s1_fingerprint = NULL;
  g_autofree char *a1_fingerprint = NULL;
  SintesiGatewayOperation operation = submission->operation;
  SintesiJournalDraft draft = { 0 };
  SintesiJournalRequest recorded = { 0 };
  gint64 journal_id;

  call.submission = submission;
  if (!check_profile (submission->profile, error) || !load_credentials (&call, error))
    return NULL;

  if (is_publication (operation))
    {
      if (!prepare_document (&call, error) || !check_not_sent (&call, journal, error))
        return NULL;
    }
  else if (!is_status (operation))
    {
      if (!find_patient (&call, journal, error))
        return NULL;
    }
  else if (submission->lookup_id == NULL || *submission->lookup_id == '\0')
    {
      g_set_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_INVALID,
                   _("A status request needs a workflowInstanceId or a traceID."));
      return NULL;
    }

  call.request.operation = operation;
  if (operation != SINTESI_GATEWAY_DELETE && !is_status (operation))
    {
      g_autofree char *submission_id = sintesi_ids_format_submission_id ((guint64) g_get_real_time ());

      call.request_body = sintesi_request_body_build (operation, submission->profile,
                                                      is_publication (operation) ? call.document_id : NULL,
                                                      submission_id, submission->body_overrides, error);
      if (call.request_body == NULL)
        return NULL;
      call.request.request_body = g_strdup (call.request_body);
    }
  if (is_publication (operation))
    {
      call.request.pdf = g_bytes_ref (call.pdf);
      call.request.pdf_filename = (char *) "documento.pdf";
    }
  if (operation == SINTESI_GATEWAY_REPLACE)
    call.request.document_id = g_strdup (submission->document_id);
  else if (!is_publication (operation) && !is_status (operation))
    call.request.document_id = g_strdup (call.document_id);
  if (is_status (operation))
    call.request.lookup_id = g_strdup (submission->lookup_id);

  if (!build_tokens (&call, error) || !apply_test_hooks (&call, error) || !prepare_transport (&call, error))
    return NULL;
  url = sintesi_gateway_build_url (call.config.base_url, &call.request, error);
  if (url == NULL)
    return NULL;

  /* On record before it leaves (D19): from here on, whatever happens is
   * in the journal. */
  draft.profile = sintesi_profile_get_name (submission->profile);
  draft.operation = journal_operation (operation);
  draft.environment = sintesi_profile_get_environment (submission->profile);
  draft.patient_cf = call.patient_cf;
  draft.document_id = is_status (operation) ? NULL : call.document_id;
  draft.replaces_document_id = operation == SINTESI_GATEWAY_REPLACE ? submission->document_id : NULL;
  headers = describe_headers (&call.request);
  attachment_hash = call.pdf != NULL ? g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, call.pdf) : NULL;
  s1_fingerprint = sintesi_credential_get_sha256 (call.sign);
  a1_fingerprint = sintesi_credential_get_sha256 (call.auth);
  recorded.method = sintesi_gateway_operation_method (operation);
  recorded.url = url;
  recorded.headers = headers;
  recorded.body = call.request.request_body;
  recorded.pdf = call.request.pdf;
  recorded.attachment_hash = attachment_hash;
  recorded.s1_fingerprint = s1_fingerprint;
  recorded.a1_fingerprint = a1_fingerprint;
  journal_id = sintesi_journal_prepare (journal, &draft, &recorded, NULL, NULL, error);
  if (journal_id == 0)
    return NULL;

  result = g_new0 (SintesiSubmissionResult, 1);
  result->journal_id = journal_id;
  result->document_id = g_strdup (call.document_id);
  if (!sintesi_journal_record_request (journal, journal_id, &recorded, &result->journal_error))
    {
      /* Not sent: the record says why. */
      g_autoptr(GError) ignored = NULL;
      sintesi_journal_record_failure (journal, journal_id, result->journal_error->message, &ignored);
      g_propagate_error (error, g_steal_pointer (&result->journal_error));
      return NULL;
    }

  result->response = sintesi_gateway_send (&call.config, &call.request, submission->progress,
                                           submission->progress_data, cancellable, error);
  if (result->response == NULL)
    {
      g_autoptr(GError) ignored = NULL;
      sintesi_journal_record_failure (journal, journal_id, (*error)->message, &ignored);
      return NULL;
    }
  record_outcome (journal, result);
  if (operation == SINTESI_GATEWAY_STATUS)
    attach_status_poll (journal, submission->lookup_id, url, result);
  return g_steal_pointer (&result);
}
