/* test-e2e.c: whole sends through the sandbox (issues 5 and 6 acceptance)
 *
 * The real flow of sintesi-cli (profile, credentials, PSS, PAdES, tokens,
 * journal, libcurl over mTLS) against the simulator of the sandbox: the four
 * operations in order, then each check of gateway-contract §5 made to fire
 * by a request changed after it was built and linted (the submission's test
 * hook), with the documented error type/instance/status reported by the
 * client and kept in the journal. Then whole processes: the gateway
 * commands of cli.md, and a sender killed with SIGKILL mid-call.
 */
#include "config.h"

#include <gnutls/abstract.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <signal.h>
#endif

#include "sintesi-journal-search.h"
#include "sintesi-jwt.h"
#include "sintesi-keystore.h"
#include "sintesi-pades.h"
#include "sintesi-paths.h"
#include "sintesi-pdf-render.h"
#include "sintesi-pdf.h"
#include "sintesi-profile.h"
#include "sintesi-pss-builder.h"
#include "sintesi-sandbox.h"
#include "sintesi-submission.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define PATIENT_CF     "RSSMRA80A01H501U"
#define OTHER_CF       "MNZLSN99E05F205J"
#define CX_SUFFIX      "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"
#define DOC_ROOT       "2.16.840.1.113883.2.9.2.90.4.4"
#define EFFECTIVE_TIME "20250114103000+0100"

/* One sandbox, one journal, a few documents for the whole program. */
static struct
{
  char              *home;
  char              *config_dir;
  char              *data_dir;
  SintesiSandbox    *sandbox;
  SintesiJournal    *journal;
  SintesiProfile    *profile;
  SintesiCredential *sign;
  guint              progressive;
  /* A signed PDF that is never accepted: the carrier of refused sends. */
  GBytes            *spare_pdf;
  char              *spare_id;
} fx;

/* ------------------------------------------------------------ documents */

static char *
next_extension (void)
{
  return g_strdup_printf ("090201.PSS.201.SINTESI%u%u", (guint) (g_get_real_time () % 100000), ++fx.progressive);
}

/* The example PSS; a second version replaces old_extension. */
static GBytes *
build_cda (const char *extension,
           const char *old_extension)
{
  g_autoptr(SintesiPssModel) model = sintesi_pss_model_new_example (PATIENT_CF, SINTESI_SANDBOX_PHYSICIAN_CF,
                                                                     extension, EFFECTIVE_TIME);
  g_autoptr(GError) error = NULL;
  GBytes *cda;

  if (old_extension != NULL)
    {
      model->version = 2;
      model->set_id_extension = g_strdup (old_extension);
      model->replaces_id_extension = g_strdup (old_extension);
    }
  cda = sintesi_pss_build (model, &error);
  g_assert_no_error (error);
  return cda;
}

static char *
document_id_of (const char *extension)
{
  return g_strconcat (DOC_ROOT, "^", extension, NULL);
}

static GBytes *
sign_pdf (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  const gnutls_x509_crt_t *chain;
  guint chain_length = 0;
  gnutls_privkey_t key = sintesi_credential_get_privkey (fx.sign, &error);
  GBytes *signed_pdf;

  g_assert_no_error (error);
  chain = sintesi_credential_get_chain (fx.sign, &chain_length);
  signed_pdf = sintesi_pades_sign (pdf, key, chain, chain_length, NULL, NULL, &error);
  g_assert_no_error (error);
  return signed_pdf;
}

/* ------------------------------------------------------------ sending */

typedef void (*TamperFunc) (SintesiGatewayRequest *request,
                            JsonObject            *bearer,
                            JsonObject            *signature,
                            gpointer               data);

typedef struct
{
  SintesiGatewayOperation  operation;
  GBytes                  *cda;
  GBytes                  *pdf;
  const char              *document_id;
  const char              *patient_cf;
  const char              *lookup_id;
  TamperFunc               tamper;
  gconstpointer            tamper_data;
  SintesiJournal          *journal;       /* NULL: the shared one */
} Send;

static SintesiSubmissionResult *
send_full (const Send  *send,
           GError     **error)
{
  SintesiSubmission submission = { 0 };
  SintesiSubmissionHooks hooks = { 0 };

  submission.operation = send->operation;
  submission.profile = fx.profile;
  submission.cda = send->cda;
  submission.pdf = send->pdf;
  submission.document_id = send->document_id;
  submission.patient_cf = send->patient_cf;
  submission.lookup_id = send->lookup_id;
  submission.key_passphrase = sintesi_sandbox_get_key_passphrase (fx.sandbox);
  submission.base_url = sintesi_sandbox_get_base_url (fx.sandbox);
  submission.server_ca_file = sintesi_sandbox_get_server_ca_file (fx.sandbox);
  submission.only_server_ca_file = TRUE;
  submission.client_ca_file = sintesi_sandbox_get_client_ca_file (fx.sandbox);
  submission.total_timeout = 60;
  if (send->tamper != NULL)
    {
      hooks.tamper = send->tamper;
      hooks.data = (gpointer) send->tamper_data;
      submission.hooks = &hooks;
    }
  return sintesi_submission_send (send->journal != NULL ? send->journal : fx.journal, &submission, NULL, error);
}

/* The client reports the answer, its X-CART-id, and the journal keeps all
 * of it (state answered, error type). */
static void
assert_answer (SintesiSubmissionResult *result,
               SintesiJournal          *journal,
               guint                    http_status,
               const char              *error_type,
               const char              *error_title,
               const char              *error_instance)
{
  SintesiGatewayResponse *response = result->response;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_no_error (response->failure);
  g_assert_no_error (result->journal_error);
  if (response->http_status != http_status || g_strcmp0 (response->error_type, error_type) != 0)
    g_test_message ("answer: %u %s %s %s", response->http_status, response->error_type,
                    response->error_title, response->error_detail);
  g_assert_cmpuint (response->http_status, ==, http_status);
  g_assert_cmpstr (response->error_type, ==, error_type);
  if (error_title != NULL)
    g_assert_cmpstr (response->error_title, ==, error_title);
  if (error_instance != NULL)
    g_assert_cmpstr (response->error_instance, ==, error_instance);
  g_assert_nonnull (response->x_cart_id);
  g_assert_true (g_uuid_string_is_valid (response->x_cart_id));

  record = sintesi_journal_get_record (journal != NULL ? journal : fx.journal, result->journal_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_ANSWERED);
  g_assert_false (record->outcome_unknown);
  g_assert_cmpuint (record->http_status, ==, http_status);
  g_assert_cmpstr (record->x_cart_id, ==, response->x_cart_id);
  g_assert_cmpstr (record->error_type, ==, error_type);
  if (error_instance != NULL)
    g_assert_cmpstr (record->error_instance, ==, error_instance);
  g_assert_cmpstr (record->trace_id, ==, response->trace_id);
}

static SintesiSubmissionResult *
send_ok (const Send *send)
{
  g_autoptr(GError) error = NULL;
  SintesiSubmissionResult *result = send_full (send, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* ------------------------------------------------------------ (a) the four operations */

static gboolean
events_have (JsonNode   *events,
             const char *event_type)
{
  JsonArray *array;

  g_assert_nonnull (events);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (events));
  array = json_node_get_array (events);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "eventType", NULL), event_type) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (event, "eventStatus", NULL), "SUCCESS") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_lifecycle (void)
{
  g_autofree char *v1_extension = next_extension ();
  g_autofree char *v2_extension = next_extension ();
  g_autofree char *v1_id = document_id_of (v1_extension);
  g_autofree char *v2_id = document_id_of (v2_extension);
  g_autoptr(GBytes) v1 = build_cda (v1_extension, NULL);
  g_autoptr(GBytes) v2 = build_cda (v2_extension, v1_extension);
  g_autoptr(SintesiSubmissionResult) created = NULL;
  g_autoptr(SintesiSubmissionResult) updated = NULL;
  g_autoptr(SintesiSubmissionResult) replaced = NULL;
  g_autoptr(SintesiSubmissionResult) deleted = NULL;
  g_autoptr(SintesiSubmissionResult) status = NULL;
  g_autoptr(SintesiSubmissionResult) by_trace = NULL;
  g_autoptr(SintesiSubmissionResult) again = NULL;
  g_autoptr(SintesiJournalDocument) first = NULL;
  g_autoptr(SintesiJournalDocument) second = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_home = NULL;
  g_autofree char *other_path = NULL;
  g_autoptr(SintesiJournal) other = NULL;
  g_autoptr(SintesiJournalRecord) create_record = NULL;
  gint64 ids[6];

  created = send_ok (&(Send) { .operation = SINTESI_GATEWAY_CREATE, .cda = v1 });
  assert_answer (created, NULL, 202, NULL, NULL, NULL);
  g_assert_cmpstr (created->document_id, ==, v1_id);
  g_assert_nonnull (created->response->trace_id);
  g_assert_true (g_str_has_suffix (created->response->workflow_instance_id, "^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"));
  g_assert_true (g_str_has_prefix (created->response->workflow_instance_id, DOC_ROOT "."));
  create_record = sintesi_journal_get_record (fx.journal, created->journal_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (create_record->document_id, ==, v1_id);
  g_assert_cmpstr (create_record->patient_cf, ==, PATIENT_CF);
  g_assert_nonnull (create_record->pdf);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (create_record->pdf, NULL), "%PDF"));

  /* The patient of an update and a delete comes from the journal. */
  updated = send_ok (&(Send) { .operation = SINTESI_GATEWAY_UPDATE_METADATA, .document_id = v1_id });
  assert_answer (updated, NULL, 200, NULL, NULL, NULL);

  replaced = send_ok (&(Send) { .operation = SINTESI_GATEWAY_REPLACE, .cda = v2, .document_id = v1_id });
  assert_answer (replaced, NULL, 202, NULL, NULL, NULL);
  g_assert_cmpstr (replaced->document_id, ==, v2_id);

  deleted = send_ok (&(Send) { .operation = SINTESI_GATEWAY_DELETE, .document_id = v2_id });
  assert_answer (deleted, NULL, 200, NULL, NULL, NULL);

  /* Status by workflowInstanceId (the create's) and by traceID (the delete's). */
  status = send_ok (&(Send) { .operation = SINTESI_GATEWAY_STATUS, .lookup_id = created->response->workflow_instance_id });
  assert_answer (status, NULL, 200, NULL, NULL, NULL);
  g_assert_true (events_have (status->response->status_events, "PUBLICATION"));
  g_assert_true (events_have (status->response->status_events, "SEND_TO_INI"));
  by_trace = send_ok (&(Send) { .operation = SINTESI_GATEWAY_STATUS_BY_TRACE, .lookup_id = deleted->response->trace_id });
  assert_answer (by_trace, NULL, 200, NULL, NULL, NULL);
  g_assert_true (events_have (by_trace->response->status_events, "INI_DELETE"));
  g_assert_false (events_have (by_trace->response->status_events, "PUBLICATION"));

  /* The lifecycle: v1 created, updated, replaced by v2; v2 deleted. */
  first = sintesi_journal_get_document (fx.journal, v1_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->state, ==, SINTESI_JOURNAL_DOCUMENT_REPLACED);
  g_assert_cmpint (first->origin_record_id, ==, created->journal_id);
  g_assert_cmpint (first->replaced_by_record_id, ==, replaced->journal_id);
  g_assert_cmpstr (first->replaced_by_document_id, ==, v2_id);
  g_assert_cmpint (first->last_metadata_record_id, ==, updated->journal_id);
  g_assert_cmpuint (first->metadata_updates, ==, 1);
  second = sintesi_journal_get_document (fx.journal, v2_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->state, ==, SINTESI_JOURNAL_DOCUMENT_DELETED);
  g_assert_cmpint (second->origin_record_id, ==, replaced->journal_id);
  g_assert_cmpint (second->deleted_by_record_id, ==, deleted->journal_id);
  history = sintesi_journal_get_document_history (fx.journal, v1_id, &error);
  g_assert_no_error (error);
  ids[0] = created->journal_id;
  ids[1] = updated->journal_id;
  ids[2] = replaced->journal_id;
  g_assert_cmpuint (history->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (((SintesiJournalRecord *) g_ptr_array_index (history, i))->id, ==, ids[i]);
  ids[3] = deleted->journal_id;
  ids[4] = status->journal_id;
  ids[5] = by_trace->journal_id;
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SintesiJournalRecord) record = sintesi_journal_get_record (fx.journal, ids[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_ANSWERED);
      g_assert_true (g_uuid_string_is_valid (record->x_cart_id));
      g_assert_nonnull (record->answered_at);
    }

  /* A deleted id stays deleted; a replaced one cannot be replaced again. */
  again = send_ok (&(Send) { .operation = SINTESI_GATEWAY_DELETE, .document_id = v2_id });
  assert_answer (again, NULL, 404, "/msg/record-not-found", "Record non trovato.", "/record-not-found");
  g_clear_pointer (&again, sintesi_submission_result_free);
  again = send_ok (&(Send) { .operation = SINTESI_GATEWAY_UPDATE_METADATA, .document_id = v2_id });
  assert_answer (again, NULL, 404, "/msg/record-not-found", NULL, "/record-not-found");
  g_clear_pointer (&again, sintesi_submission_result_free);
  again = send_ok (&(Send) { .operation = SINTESI_GATEWAY_REPLACE, .pdf = fx.spare_pdf, .document_id = v2_id });
  assert_answer (again, NULL, 404, "/msg/record-not-found", NULL, "/record-not-found");
  g_clear_pointer (&again, sintesi_submission_result_free);
  again = send_ok (&(Send) { .operation = SINTESI_GATEWAY_REPLACE, .pdf = fx.spare_pdf, .document_id = v1_id });
  assert_answer (again, NULL, 404, "/msg/record-not-found", NULL, "/record-not-found");
  g_clear_pointer (&again, sintesi_submission_result_free);

  /* A duplicate create: this journal refuses it before it leaves… */
  again = send_full (&(Send) { .operation = SINTESI_GATEWAY_CREATE, .pdf = create_record->pdf }, &error);
  g_assert_null (again);
  g_assert_error (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT);
  g_assert_nonnull (strstr (error->message, "already accepted"));
  g_clear_error (&error);
  /* …and from a journal that does not know it, the simulator refuses it. */
  other_home = sintesi_test_mkdtemp ();
  other_path = g_build_filename (other_home, "journal.sqlite", NULL);
  other = sintesi_journal_open (other_path, &error);
  g_assert_no_error (error);
  again = send_ok (&(Send) { .operation = SINTESI_GATEWAY_CREATE, .pdf = create_record->pdf, .journal = other });
  assert_answer (again, other, 409, "/msg/ini-error", "Ini error.", NULL);
  g_clear_object (&other);
  sintesi_test_rmdir (other_home);
}

/* ------------------------------------------------------------ (b) each check */

typedef struct
{
  const char *name;
  const char *value;     /* NULL: remove the member */
} Edit;

static void
edit_object (JsonObject *object,
             const Edit *edit)
{
  if (edit->value == NULL)
    json_object_remove_member (object, edit->name);
  else
    json_object_set_string_member (object, edit->name, edit->value);
}

static char *
base64url (const guint8 *data,
           gsize         size)
{
  char *text = g_base64_encode (data, size);

  g_strdelimit (text, "=", '\0');
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  return text;
}

static void
tamper_signature_claim (SintesiGatewayRequest *request,
                        JsonObject            *bearer,
                        JsonObject            *signature,
                        gpointer               data)
{
  edit_object (signature, data);
}

static void
tamper_body (SintesiGatewayRequest *request,
             JsonObject            *bearer,
             JsonObject            *signature,
             gpointer               data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *body;

  json_parser_load_from_data (parser, request->request_body, -1, &error);
  g_assert_no_error (error);
  body = json_node_get_object (json_parser_get_root (parser));
  edit_object (body, data);
  g_free (request->request_body);
  request->request_body = json_to_string (json_parser_get_root (parser), FALSE);
}

/* What the client would have sent, kept by the hook. */
static struct
{
  char   *bearer;
  char   *signature;
  char   *body;
} captured;

/* A payload that is not JSON, properly signed by the S1 key. */
static void
tamper_undecodable_payload (SintesiGatewayRequest *request,
                            JsonObject            *bearer,
                            JsonObject            *signature,
                            gpointer               data)
{
  const char *first_dot = strchr (request->signature_token, '.');
  g_autofree char *header = g_strndup (request->signature_token, first_dot - request->signature_token);
  g_autofree char *payload = base64url ((const guint8 *) "{\"sub\": not json", 16);
  g_autoptr(GString) token = g_string_new (header);

  g_string_append_printf (token, ".%s.c2lnbmF0dXJl", payload);
  g_free (request->signature_token);
  request->signature_token = g_string_free (g_steal_pointer (&token), FALSE);
}

static void
tamper_path_id (SintesiGatewayRequest *request,
                JsonObject            *bearer,
                JsonObject            *signature,
                gpointer               data)
{
  g_free (request->document_id);
  request->document_id = g_strdup (data);
}

static void
tamper_pdf (SintesiGatewayRequest *request,
            JsonObject            *bearer,
            JsonObject            *signature,
            gpointer               data)
{
  g_bytes_unref (request->pdf);
  request->pdf = g_bytes_ref ((GBytes *) data);
}

/* A claim the dispatcher's DTO cannot read (an array for a string). */
static void
tamper_claim_array (SintesiGatewayRequest *request,
                    JsonObject            *bearer,
                    JsonObject            *signature,
                    gpointer               data)
{
  JsonArray *array = json_array_new ();

  json_array_add_string_element (array, json_object_get_string_member (signature, data));
  json_object_set_array_member (signature, data, array);
}

/* Claims edited on the signature token, re-signed by the hook. */
static void
tamper_times (SintesiGatewayRequest *request,
              JsonObject            *bearer,
              JsonObject            *signature,
              gpointer               data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  json_object_set_int_member (signature, "iat", now - 7200);
  json_object_set_int_member (signature, "exp", now - 3600);
}

/* Signed by a key that is not the one of the certificate in x5c (the
 * token's own header and claims, an RS256 signature by a fresh key). */
static void
tamper_foreign_key (SintesiGatewayRequest *request,
                    JsonObject            *bearer,
                    JsonObject            *signature,
                    gpointer               data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *claims = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature_text = NULL;
  const char *first_dot = strchr (request->signature_token, '.');
  gnutls_datum_t input, signed_data = { 0 };
  gnutls_privkey_t key;

  json_node_set_object (node, signature);
  claims = json_to_string (node, FALSE);
  payload = base64url ((const guint8 *) claims, strlen (claims));
  signing_input = g_strdup_printf ("%.*s.%s", (int) (first_dot - request->signature_token),
                                   request->signature_token, payload);
  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_privkey_generate (key, GNUTLS_PK_RSA, 2048, 0), ==, 0);
  input.data = (unsigned char *) signing_input;
  input.size = strlen (signing_input);
  g_assert_cmpint (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &input, &signed_data), ==, 0);
  signature_text = base64url (signed_data.data, signed_data.size);
  gnutls_free (signed_data.data);
  gnutls_privkey_deinit (key);
  g_free (request->signature_token);
  request->signature_token = g_strconcat (signing_input, ".", signature_text, NULL);
}

typedef struct
{
  const char              *path;
  SintesiGatewayOperation  operation;
  TamperFunc               tamper;
  gconstpointer            data;
  guint                    http_status;
  const char              *type;
  const char              *title;
  const char              *instance;
  const char              *detail_fragment;
} Check;

#define CLAIM(n, v) (&(const Edit) { n, v })

static const Check checks[] = {
  /* §5.0 frontier */
  { "/e2e/check/frontier/foreign-signing-key", SINTESI_GATEWAY_CREATE, tamper_foreign_key, NULL, 401,
    "https://govway.org/handling-errors/401/TokenAuthenticationFailed.html", "TokenAuthenticationFailed", NULL, NULL },
  { "/e2e/check/frontier/expired", SINTESI_GATEWAY_CREATE, tamper_times, NULL, 401,
    "https://govway.org/handling-errors/401/TokenExpired.html", "TokenExpired", NULL, NULL },
  { "/e2e/check/frontier/aud-without-version", SINTESI_GATEWAY_CREATE, tamper_signature_claim,
    CLAIM ("aud", "https://127.0.0.1/gateway"), 400,
    "https://govway.org/handling-errors/400/InteroperabilityInvalidRequest.html", NULL, NULL, "audience" },
  { "/e2e/check/frontier/undecodable-payload", SINTESI_GATEWAY_CREATE, tamper_undecodable_payload, NULL, 401,
    "https://govway.org/handling-errors/401/TokenAuthenticationFailed.html", NULL, NULL, NULL },
  /* §5.1 steps 2–4: the FSE-JWT-Signature (step 1: test_missing_signature_token) */
  { "/e2e/check/2/payload-not-the-dto", SINTESI_GATEWAY_CREATE, tamper_claim_array, "action_id", 403,
    "/msg/mandatory-element-token", "Token JWT non valido.", "/jwt-mandatory-field-missing", "action_id" },
  { "/e2e/check/3/missing-locality", SINTESI_GATEWAY_CREATE, tamper_signature_claim, CLAIM ("locality", NULL), 403,
    "/msg/jwt-validation", "Campo token JWT non valido.", "/jwt-mandatory-field-missing", "Il campo locality non è valorizzato" },
  { "/e2e/check/3/missing-purpose-of-use", SINTESI_GATEWAY_CREATE, tamper_signature_claim, CLAIM ("purpose_of_use", NULL), 403,
    "/msg/jwt-validation", "Campo token JWT non valido.", "/jwt-mandatory-field-missing", "purpose_of_use" },
  { "/e2e/check/4/action-test", SINTESI_GATEWAY_CREATE, tamper_signature_claim, CLAIM ("action_id", "TEST"), 403,
    "/msg/jwt-validation", "Campo token JWT non valido.", "/jwt-mandatory-field-malformed", "action_id" },
  { "/e2e/check/4/action-create-on-replace", SINTESI_GATEWAY_REPLACE, tamper_signature_claim, CLAIM ("action_id", "CREATE"), 403,
    "/msg/jwt-validation", "Campo token JWT non valido.", "/jwt-mandatory-field-malformed", "non è coerente con le operazioni richieste" },
  { "/e2e/check/4/purpose-update-on-create", SINTESI_GATEWAY_CREATE, tamper_signature_claim, CLAIM ("purpose_of_use", "UPDATE"), 403,
    "/msg/jwt-validation", NULL, "/jwt-mandatory-field-malformed", "purpose_of_use" },
  { "/e2e/check/4/sub-cf-check-character", SINTESI_GATEWAY_CREATE, tamper_signature_claim,
    CLAIM ("sub", "MNZLSN99E05F205K" CX_SUFFIX), 403,
    "/msg/jwt-validation", NULL, "/jwt-mandatory-field-malformed", "sub" },
  { "/e2e/check/4/locality-not-xon", SINTESI_GATEWAY_CREATE, tamper_signature_claim, CLAIM ("locality", "Firenze"), 403,
    "/msg/jwt-validation", NULL, "/jwt-mandatory-field-malformed", "Locality" },
  { "/e2e/check/4/organization-incoherent", SINTESI_GATEWAY_CREATE, tamper_signature_claim,
    CLAIM ("subject_organization", "Regione Lombardia"), 403,
    "/msg/jwt-validation", NULL, "/jwt-mandatory-field-malformed", "subject_organization" },
  /* §5.1 steps 5–8: the requestBody */
  { "/e2e/check/5/unknown-field", SINTESI_GATEWAY_CREATE, tamper_body, CLAIM ("codiceFiscale", PATIENT_CF), 400,
    "/msg/mandatory-element", "Campo obbligatorio non presente.", "/request-missing-field", "codiceFiscale" },
  { "/e2e/check/5/enum-spelling", SINTESI_GATEWAY_CREATE, tamper_body, CLAIM ("tipologiaStruttura", "OSPEDALE"), 400,
    "/msg/mandatory-element", NULL, "/request-missing-field", "tipologiaStruttura" },
  { "/e2e/check/6/missing-mandatory-field", SINTESI_GATEWAY_CREATE, tamper_body, CLAIM ("tipoDocumentoLivAlto", NULL), 400,
    "/msg/mandatory-element", NULL, "/request-missing-field", "tipoDocumentoLivAlto" },
  { "/e2e/check/7/date-format", SINTESI_GATEWAY_CREATE, tamper_body, CLAIM ("dataInizioPrestazione", "2025-01-14"), 400,
    "/msg/invalid-format", "Formato campo non valido.", "/request-invalid-date-format", "dataInizioPrestazione" },
  { "/e2e/check/8/id-without-caret", SINTESI_GATEWAY_CREATE, tamper_body,
    CLAIM ("identificativoDoc", DOC_ROOT ".090201.PSS.201.SINTESI1"), 400,
    "/msg/id-doc", "Campo id documento non valido", "/invalid-id", NULL },
  { "/e2e/check/17/workflow-instance-id-on-create", SINTESI_GATEWAY_CREATE, tamper_body,
    CLAIM ("workflowInstanceId", DOC_ROOT ".abc^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"), 400,
    "/msg/cda-match", NULL, "/cda-validation", NULL },
  /* §5.1 steps 13, 14, 19, 20: the token and body against the document */
  { "/e2e/check/13/resource-hl7-type", SINTESI_GATEWAY_CREATE, tamper_signature_claim,
    CLAIM ("resource_hl7_type", "('11488-4^^2.16.840.1.113883.6.1')"), 403,
    "/msg/jwt-validation", NULL, "/jwt-document-type", "Tipologia documento diversa" },
  { "/e2e/check/14/person-id", SINTESI_GATEWAY_CREATE, tamper_signature_claim, CLAIM ("person_id", OTHER_CF CX_SUFFIX), 403,
    "/msg/jwt-validation", NULL, "/jwt-person-id", "person_id" },
  { "/e2e/check/19/attachment-hash", SINTESI_GATEWAY_CREATE, tamper_signature_claim,
    CLAIM ("attachment_hash", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), 400,
    "/msg/document-hash", "Verifica hash fallita.", "/jwt-hash-match", NULL },
  { "/e2e/check/20/repository-region", SINTESI_GATEWAY_CREATE, tamper_body,
    CLAIM ("identificativoRep", "2.16.840.1.113883.2.9.2.95.4.5.1"), 400,
    "/msg/generic-error", "Errore generico.", "/request-invalid-date-format", "repositoryUniqueId" },
  /* §5.2–5.4 step 1: the id in the path */
  { "/e2e/check/replace/path-id", SINTESI_GATEWAY_REPLACE, tamper_path_id, DOC_ROOT ".nocaret", 400,
    "/msg/id-doc", "Campo id documento non valido", "/invalid-req-id", NULL },
  { "/e2e/check/delete/path-id", SINTESI_GATEWAY_DELETE, tamper_path_id, DOC_ROOT ".nocaret", 400,
    "/msg/id-doc", NULL, "/invalid-id", NULL },
  { "/e2e/check/update/path-id", SINTESI_GATEWAY_UPDATE_METADATA, tamper_path_id, DOC_ROOT ".nocaret", 400,
    "/msg/id-doc", NULL, "/invalid-id", NULL },
  /* §5.3: delete with the create's action, and a missing token maps to 400 there */
  { "/e2e/check/delete/action-create", SINTESI_GATEWAY_DELETE, tamper_signature_claim, CLAIM ("action_id", "CREATE"), 403,
    "/msg/jwt-validation", NULL, "/jwt-mandatory-field-malformed", "action_id" },
  { "/e2e/check/update/purpose-treatment", SINTESI_GATEWAY_UPDATE_METADATA, tamper_signature_claim,
    CLAIM ("purpose_of_use", "TREATMENT"), 403, "/msg/jwt-validation", NULL, "/jwt-mandatory-field-malformed", "purpose_of_use" },
};

static void
run_check (gconstpointer data)
{
  const Check *check = data;
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autofree char *unknown_extension = next_extension ();
  g_autofree char *unknown_id = document_id_of (unknown_extension);
  Send send = { .operation = check->operation, .tamper = check->tamper, .tamper_data = check->data };

  switch (check->operation)
    {
    case SINTESI_GATEWAY_CREATE:
      send.pdf = fx.spare_pdf;
      break;
    case SINTESI_GATEWAY_REPLACE:
      send.pdf = fx.spare_pdf;
      send.document_id = unknown_id;
      break;
    default:
      send.document_id = unknown_id;
      send.patient_cf = PATIENT_CF;
      break;
    }
  result = send_ok (&send);
  assert_answer (result, NULL, check->http_status, check->type, check->title, check->instance);
  if (check->detail_fragment != NULL && strstr (result->response->error_detail, check->detail_fragment) == NULL)
    g_error ("“%s” not in the detail “%s”", check->detail_fragment, result->response->error_detail);
}

typedef enum
{
  FILE_NOT_PDF,
  FILE_UNSIGNED,
  FILE_BROKEN_SIGNATURE,
  FILE_WITHOUT_CDA,
  FILE_APPENDED,
} FileCase;

static void
test_file_checks (gconstpointer data)
{
  FileCase file_case = GPOINTER_TO_INT (data);
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autoptr(GBytes) cda_xml = NULL;
  g_autoptr(GBytes) pages = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) error = NULL;

  switch (file_case)
    {
    case FILE_NOT_PDF:
      file = g_bytes_new_static ("<ClinicalDocument/>\n", 20);
      break;
    case FILE_UNSIGNED:
    case FILE_WITHOUT_CDA:
      cda_xml = sintesi_pdf_get_attachment (fx.spare_pdf, "cda.xml", &error);
      g_assert_no_error (error);
      pages = sintesi_pdf_render_cda (cda_xml, &error);
      g_assert_no_error (error);
      if (file_case == FILE_UNSIGNED)
        file = sintesi_pdf_attach_cda (pages, cda_xml, &error);
      else
        {
          /* Our signer refuses a PDF without cda.xml (D16), so the PDF
           * carries a cda.xml the gateway cannot extract a CDA from. */
          static const char svg[] = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
          g_autoptr(GBytes) not_cda = g_bytes_new_static (svg, sizeof svg - 1);
          g_autoptr(GBytes) attached = sintesi_pdf_attach_cda (pages, not_cda, &error);

          g_assert_no_error (error);
          file = sign_pdf (attached);
        }
      g_assert_no_error (error);
      break;
    case FILE_BROKEN_SIGNATURE:
      {
        gsize size;
        guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (fx.spare_pdf), &size);
        guint8 *eof = NULL;

        for (gsize i = 0; eof == NULL && i + 5 <= size; i++)
          if (memcmp (copy + i, "%%EOF", 5) == 0)
            eof = copy + i;

        /* One byte of the first revision's trailer comment: still a PDF,
         * inside the signed byte range. */
        g_assert_nonnull (eof);
        eof[2] = 'X';
        file = g_bytes_new_take (copy, size);
      }
      break;
    case FILE_APPENDED:
      {
        static const char tail[] = "\n% bytes after the signed revision\n";
        GByteArray *bytes = g_byte_array_new ();

        g_byte_array_append (bytes, g_bytes_get_data (fx.spare_pdf, NULL), g_bytes_get_size (fx.spare_pdf));
        g_byte_array_append (bytes, (const guint8 *) tail, sizeof tail - 1);
        file = g_byte_array_free_to_bytes (bytes);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  result = send_ok (&(Send) { .operation = SINTESI_GATEWAY_CREATE, .pdf = fx.spare_pdf, .tamper = tamper_pdf, .tamper_data = file });
  switch (file_case)
    {
    case FILE_NOT_PDF:
      assert_answer (result, NULL, 415, "/msg/document-type", "Il documento non è pdf.", "/multipart-file");
      break;
    case FILE_UNSIGNED:
      assert_answer (result, NULL, 400, "/msg/sign-error", "Sign error", "/msg/sign-error");
      g_assert_cmpstr (result->response->error_detail, ==, "Il pdf non risulta firmato");
      break;
    case FILE_BROKEN_SIGNATURE:
      assert_answer (result, NULL, 400, "/msg/sign-error", "Sign error", "/msg/sign-error");
      g_assert_cmpstr (result->response->error_detail, ==, "La firma del pdf non risulta valida");
      break;
    case FILE_WITHOUT_CDA:
      assert_answer (result, NULL, 400, "/msg/cda-element", "Errore in fase di estrazione del CDA.", "/cda-extraction");
      break;
    case FILE_APPENDED:
      /* The signature still verifies over its ByteRange (step 11 passes, as
       * at the gateway); the token's attachment_hash catches the change. */
      assert_answer (result, NULL, 400, "/msg/document-hash", "Verifica hash fallita.", "/jwt-hash-match");
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Unknown ids: replace, delete and update are 404 (§5.2–5.4). */
static void
test_unknown_ids (void)
{
  g_autofree char *extension = next_extension ();
  g_autofree char *unknown = document_id_of (extension);
  SintesiGatewayOperation operations[] = { SINTESI_GATEWAY_REPLACE, SINTESI_GATEWAY_DELETE, SINTESI_GATEWAY_UPDATE_METADATA };

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      g_autoptr(SintesiSubmissionResult) result = NULL;
      Send send = { .operation = operations[i], .document_id = unknown, .patient_cf = PATIENT_CF };

      if (operations[i] == SINTESI_GATEWAY_REPLACE)
        send.pdf = fx.spare_pdf;
      result = send_ok (&send);
      assert_answer (result, NULL, 404, "/msg/record-not-found", "Record non trovato.", "/record-not-found");
    }
}

/* Where the client refuses to send something wrong (no signature token,
 * an empty file), the same request goes out with curl: the demo A1, the
 * bearer, token and requestBody the client built (kept by the hook). */
static JsonObject *
curl_problem (const char *method,
              const char *path,
              const char *signature_token,
              GBytes     *pdf,
              guint       expected_status)
{
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *work = sintesi_test_mkdtemp ();
  g_autofree char *pdf_path = g_build_filename (work, "documento.pdf", NULL);
  g_autofree char *headers_path = g_build_filename (work, "headers.txt", NULL);
  g_autofree char *status_line = g_strdup_printf ("HTTP/1.1 %u ", expected_status);
  g_autofree char *headers = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *chain = NULL;
  g_autofree char *key = NULL;
  const char *base = sintesi_sandbox_get_base_url (fx.sandbox);

  keystore = sintesi_keystore_new (SINTESI_SANDBOX_PROFILE, NULL, &error);
  g_assert_no_error (error);
  chain = sintesi_keystore_get_chain_path (keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  key = sintesi_keystore_get_key_path (keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  secret = sintesi_keystore_get_key_secret (keystore, SINTESI_CREDENTIAL_SLOT_AUTH,
                                            sintesi_sandbox_get_key_passphrase (fx.sandbox), &error);
  g_assert_no_error (error);
  g_ptr_array_add (argv, g_strdup ("curl"));
  g_ptr_array_add (argv, g_strdup ("-sS"));
  g_ptr_array_add (argv, g_strdup ("--cacert"));
  g_ptr_array_add (argv, g_strdup (sintesi_sandbox_get_server_ca_file (fx.sandbox)));
  g_ptr_array_add (argv, g_strdup ("--cert"));
  g_ptr_array_add (argv, g_strdup (chain));
  g_ptr_array_add (argv, g_strdup ("--key"));
  g_ptr_array_add (argv, g_strdup (key));
  g_ptr_array_add (argv, g_strdup ("--pass"));
  g_ptr_array_add (argv, g_strdup (secret));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (headers_path));
  g_ptr_array_add (argv, g_strdup ("-X"));
  g_ptr_array_add (argv, g_strdup (method));
  g_ptr_array_add (argv, g_strdup ("-H"));
  g_ptr_array_add (argv, g_strconcat ("Authorization: Bearer ", captured.bearer, NULL));
  if (signature_token != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-H"));
      g_ptr_array_add (argv, g_strconcat ("FSE-JWT-Signature: ", signature_token, NULL));
    }
  if (pdf != NULL)
    {
      g_assert_true (g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
      g_ptr_array_add (argv, g_strdup ("--form-string"));
      g_ptr_array_add (argv, g_strconcat ("requestBody=", captured.body, NULL));
      g_ptr_array_add (argv, g_strdup ("-F"));
      g_ptr_array_add (argv, g_strconcat ("file=@", pdf_path, ";type=application/pdf", NULL));
    }
  g_ptr_array_add (argv, g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/", path, NULL));
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (sintesi_test_run ((const char * const *) argv->pdata, NULL, &out, &err), ==, 0);
  sintesi_credentials_wipe (secret, strlen (secret));

  g_assert_true (g_file_get_contents (headers_path, &headers, NULL, NULL));
  if (!g_str_has_prefix (headers, status_line))
    g_error ("expected %s, got %s%s", status_line, headers, out);
  lower = g_ascii_strdown (headers, -1);
  g_assert_nonnull (strstr (lower, "\nx-cart-id: "));
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  sintesi_test_rmdir (work);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
tamper_capture (SintesiGatewayRequest *request,
                JsonObject            *bearer,
                JsonObject            *signature,
                gpointer               data)
{
  g_free (captured.bearer);
  g_free (captured.signature);
  g_free (captured.body);
  captured.bearer = g_strdup (request->bearer_token);
  captured.signature = g_strdup (request->signature_token);
  captured.body = g_strdup (request->request_body);
  if (GPOINTER_TO_INT (data) == 1)
    g_clear_pointer (&request->signature_token, g_free);
  else
    {
      g_bytes_unref (request->pdf);
      request->pdf = g_bytes_new (NULL, 0);
    }
}

/* A refused send is still on record, as failed. */
static void
assert_client_refuses (SintesiGatewayOperation  operation,
                       const char              *document_id,
                       int                      what)
{
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SintesiJournalQuery query = { .state = SINTESI_JOURNAL_STATE_FAILED };
  gint64 count = sintesi_journal_count (fx.journal, &query, NULL);

  result = send_full (&(Send) { .operation = operation, .pdf = operation == SINTESI_GATEWAY_CREATE ? fx.spare_pdf : NULL,
                                .document_id = document_id, .patient_cf = PATIENT_CF,
                                .tamper = tamper_capture, .tamper_data = GINT_TO_POINTER (what) }, &error);
  g_assert_null (result);
  g_assert_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST);
  g_assert_cmpint (sintesi_journal_count (fx.journal, &query, NULL), ==, count + 1);
}

/* §5.1 step 1 (403) and §5.3 (400 on delete): no FSE-JWT-Signature. */
static void
test_missing_signature_token (gconstpointer data)
{
  SintesiGatewayOperation operation = GPOINTER_TO_INT (data);
  g_autofree char *extension = next_extension ();
  g_autofree char *unknown = document_id_of (extension);
  g_autofree char *encoded = g_uri_escape_string (unknown, NULL, FALSE);
  g_autofree char *path = g_strconcat ("documents/", encoded, NULL);
  g_autoptr(JsonObject) answer = NULL;

  if (!sintesi_test_have_program ("curl"))
    {
      g_test_skip ("curl is not installed");
      return;
    }
  assert_client_refuses (operation, operation == SINTESI_GATEWAY_CREATE ? NULL : unknown, 1);
  if (operation == SINTESI_GATEWAY_CREATE)
    answer = curl_problem ("POST", "documents/validate-and-create", NULL, fx.spare_pdf, 403);
  else
    answer = curl_problem ("DELETE", path, NULL, NULL, 400);
  g_assert_cmpstr (json_object_get_string_member (answer, "type"), ==, "/msg/missing-token");
  g_assert_cmpstr (json_object_get_string_member (answer, "title"), ==, "Token non fornito.");
  g_assert_cmpstr (json_object_get_string_member (answer, "instance"), ==, "/missing-jwt");
  g_assert_cmpstr (json_object_get_string_member (answer, "detail"), ==, "Attenzione il jwt fornito risulta essere vuoto");
}

/* §5.1 step 9: an empty file. */
static void
test_empty_file (void)
{
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  if (!sintesi_test_have_program ("curl"))
    {
      g_test_skip ("curl is not installed");
      return;
    }
  assert_client_refuses (SINTESI_GATEWAY_CREATE, NULL, 2);
  answer = curl_problem ("POST", "documents/validate-and-create", captured.signature, empty, 400);
  g_assert_cmpstr (json_object_get_string_member (answer, "type"), ==, "/msg/empty-file");
  g_assert_cmpstr (json_object_get_string_member (answer, "title"), ==, "File vuoto.");
  g_assert_cmpstr (json_object_get_string_member (answer, "instance"), ==, "/empty-multipart-file");
}

/* ------------------------------------------------------------ (c) a sender killed mid-call */

#define LOCALITY "STUDIO MEDICO DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201"
#define PASSWORD "crash-test-passphrase"

/* sintesi-gateway-sim as a process, with its own PKI, and a custom profile
 * of sintesi-cli pointing at it. */
typedef struct
{
  char            *home;
  SintesiTestCa   *ca;
  SintesiTestLeaf *server;
  SintesiTestLeaf *a1;
  SintesiTestLeaf *s1;
  GSubprocess     *sim;
  char            *base_url;
  char            *password_file;
  char            *journal_path;
} Custom;

static char *
cli_ok (const char         *home,
        const char * const *args,
        const char         *stdin_data)
{
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = sintesi_test_run_cli (home, args, stdin_data, &out, &err);

  if (status != 0)
    g_error ("sintesi-cli %s %s failed (%d): %s", args[0], args[1], status, err);
  return out;
}

static Custom *
custom_start (const char *fault)
{
  Custom *c = g_new0 (Custom, 1);
  SintesiTestLeafOptions server_options = { SINTESI_TEST_LEAF_SERVER, "SHA256", 2048, -1, 30, "Sintesi Test" };
  SintesiTestLeafOptions client_options = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -1, 30, NULL };
  SintesiTestLeafOptions sign_options = { SINTESI_TEST_LEAF_SIGNING, "SHA256", 2048, -1, 30, NULL };
  g_autofree char *pki = NULL;
  g_autofree char *program = sintesi_test_build_path ("src/sim/sintesi-gateway-sim");
  g_autofree char *fault_option = g_strconcat ("--fault=", fault, NULL);
  g_autofree char *aud = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;

  c->home = sintesi_test_mkdtemp ();
  pki = g_build_filename (c->home, "pki", NULL);
  g_assert_cmpint (g_mkdir_with_parents (pki, 0700), ==, 0);
  c->ca = sintesi_test_ca_new (pki, "ca", "Sintesi Test Gateway CA");
  c->server = sintesi_test_ca_issue (c->ca, "server", "localhost", &server_options);
  c->a1 = sintesi_test_ca_issue (c->ca, "a1", "A1#090201PSS" SINTESI_SANDBOX_PHYSICIAN_CF, &client_options);
  c->s1 = sintesi_test_ca_issue (c->ca, "s1", "S1#090201PSS" SINTESI_SANDBOX_PHYSICIAN_CF, &sign_options);

  {
    const char *argv[] = { program, "--listen", "127.0.0.1:0", "--cert", c->server->cert, "--key", c->server->key,
                           "--client-ca", c->ca->cert, "--max-seconds", "600", fault != NULL ? fault_option : NULL, NULL };

    c->sim = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->sim));
  c->base_url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c->base_url);
  g_assert_true (g_str_has_prefix (c->base_url, "https://127.0.0.1:"));
  aud = g_strndup (c->base_url, strlen (c->base_url) - (g_str_has_suffix (c->base_url, "/") ? 1 : 0));

  {
    const char *create[] = { "--json", "profile", "create", "crash", "--cf", SINTESI_SANDBOX_PHYSICIAN_CF,
                             "--environment", "custom", "--base-url", c->base_url, "--aud", aud,
                             "--ca-file", c->ca->cert, "--locality", LOCALITY,
                             "--app-id", "ACO_FSE", "--app-vendor", "ACODAT", "--app-version", "V.2.0", NULL };
    const char *import[] = { "--json", "credentials", "import", "crash", "--auth-cert", c->a1->cert,
                             "--auth-key", c->a1->key, "--sign-cert", c->s1->cert, "--sign-key", c->s1->key,
                             "--password-stdin", NULL };

    g_free (cli_ok (c->home, create, NULL));
    g_free (cli_ok (c->home, import, PASSWORD));
  }
  c->password_file = g_build_filename (c->home, "password", NULL);
  g_assert_true (g_file_set_contents (c->password_file, PASSWORD, -1, NULL));
  c->journal_path = g_build_filename (c->home, "data", "journal.sqlite", NULL);
  return c;
}

static void
custom_stop (Custom *c)
{
  g_autoptr(GError) error = NULL;

#ifdef G_OS_UNIX
  g_subprocess_send_signal (c->sim, SIGTERM);
#else
  g_subprocess_force_exit (c->sim);
#endif
  g_subprocess_wait (c->sim, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (c->sim);
  sintesi_test_leaf_free (c->server);
  sintesi_test_leaf_free (c->a1);
  sintesi_test_leaf_free (c->s1);
  sintesi_test_ca_free (c->ca);
  sintesi_test_rmdir (c->home);
  g_free (c->home);
  g_free (c->base_url);
  g_free (c->password_file);
  g_free (c->journal_path);
  g_free (c);
}

/* A CDA file with a fresh id; its identificativoDoc in out_id. */
static char *
custom_cda (Custom  *c,
            char   **out_id)
{
  g_autofree char *extension = next_extension ();
  g_autoptr(GBytes) cda = build_cda (extension, NULL);
  g_autofree char *name = g_strconcat (extension, ".xml", NULL);
  char *path = g_build_filename (c->home, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (cda, NULL), g_bytes_get_size (cda), NULL));
  *out_id = document_id_of (extension);
  return path;
}

static GSubprocess *
custom_submit (Custom     *c,
               const char *cda_path)
{
  g_autofree char *program = sintesi_test_build_path ("src/cli/sintesi-cli");
  g_autofree char *config = g_strconcat ("--config-dir=", c->home, "/config", NULL);
  g_autofree char *data = g_strconcat ("--data-dir=", c->home, "/data", NULL);
  const char *argv[] = { program, config, data, "--json", "submit", "--profile", "crash", "--cda", cda_path,
                         "--password-file", c->password_file, NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  return process;
}

static void
kill_and_collect (GSubprocess  *process,
                  char        **out_stdout)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (process);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out_stdout, NULL, &error);
  g_assert_no_error (error);
}

static SintesiJournalRecord *
find_by_document (SintesiJournal *journal,
                  const char     *document_id,
                  guint           expected)
{
  SintesiJournalQuery query = { .document_id = document_id, .oldest_first = TRUE };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = sintesi_journal_search (journal, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, expected);
  return expected > 0 ? g_steal_pointer (&g_ptr_array_index (records, 0)) : NULL;
}

/* Linux: the sender's connection to the simulator is established and all
 * its bytes were read by the simulator (both queues empty), as seen in
 * /proc/net/tcp. Elsewhere: TRUE (the caller waits a while instead). */
static gboolean
request_delivered (guint port)
{
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean server_side = FALSE;
  gboolean client_side = FALSE;

  if (!g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL))
    return TRUE;
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) f = g_ptr_array_new ();
      const char *colon;
      guint local_port, remote_port;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (f, fields[j]);
      if (f->len < 5 || !g_str_equal (g_ptr_array_index (f, 3), "01"))
        continue;
      colon = strchr (g_ptr_array_index (f, 1), ':');
      local_port = colon != NULL ? (guint) g_ascii_strtoull (colon + 1, NULL, 16) : 0;
      colon = strchr (g_ptr_array_index (f, 2), ':');
      remote_port = colon != NULL ? (guint) g_ascii_strtoull (colon + 1, NULL, 16) : 0;
      if (local_port != port && remote_port != port)
        continue;
      if (!g_str_equal (g_ptr_array_index (f, 4), "00000000:00000000"))
        return FALSE;
      server_side |= local_port == port;
      client_side |= remote_port == port;
    }
  return server_side && client_side;
}

static void
test_killed_while_gateway_hangs (void)
{
  Custom *c = custom_start ("hang,on=1");
  g_autofree char *document_id = NULL;
  g_autofree char *cda_path = custom_cda (c, &document_id);
  g_autoptr(GSubprocess) sender = custom_submit (c, cda_path);
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *history = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  JsonArray *records;
  gboolean found = FALSE;

  /* Wait until the request bytes are on record (sent_at), then a little
   * longer: the simulator holds the request without answering. */
  while (record == NULL || record->sent_at == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
      if (journal == NULL && g_file_test (c->journal_path, G_FILE_TEST_EXISTS))
        journal = sintesi_journal_open (c->journal_path, NULL);
      if (journal != NULL)
        {
          SintesiJournalQuery query = { .document_id = document_id };
          g_autoptr(GPtrArray) records_now = sintesi_journal_search (journal, &query, NULL);

          g_clear_pointer (&record, sintesi_journal_record_free);
          if (records_now != NULL && records_now->len == 1)
            record = g_steal_pointer (&g_ptr_array_index (records_now, 0));
        }
    }
  /* The request has reached the hanging simulator: the connection stays
   * established with nothing left to read for a whole second. */
  {
    GUri *uri = g_uri_parse (c->base_url, G_URI_FLAGS_NONE, NULL);
    guint port = (guint) g_uri_get_port (uri);
    guint quiet = 0;

    g_uri_unref (uri);
    while (quiet < 20)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (50 * 1000);
        quiet = request_delivered (port) ? quiet + 1 : 0;
      }
  }
  kill_and_collect (sender, &out);
  /* Still waiting for the answer when killed. */
#ifdef G_OS_UNIX
  g_assert_true (g_subprocess_get_if_signaled (sender));
  g_assert_cmpint (g_subprocess_get_term_sig (sender), ==, SIGKILL);
#endif
  g_assert_cmpstr (out, ==, "");
  g_clear_object (&journal);
  g_clear_pointer (&record, sintesi_journal_record_free);

  /* Reopened: on record, prepared, outcome unknown, with its document id. */
  journal = sintesi_journal_open (c->journal_path, &error);
  g_assert_no_error (error);
  record = find_by_document (journal, document_id, 1);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_PREPARED);
  g_assert_true (record->outcome_unknown);
  g_assert_cmpstr (record->document_id, ==, document_id);
  g_assert_cmpstr (record->patient_cf, ==, PATIENT_CF);
  g_assert_nonnull (record->sent_at);
  g_assert_null (record->x_cart_id);
  {
    const char *args[] = { "--json", "history", NULL };

    history = cli_ok (c->home, args, NULL);
  }
  json_parser_load_from_data (parser, history, -1, &error);
  g_assert_no_error (error);
  records = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *row = json_array_get_object_element (records, i);

      if (json_object_get_int_member (row, "journal_id") != record->id)
        continue;
      found = TRUE;
      g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "prepared");
      g_assert_true (json_object_get_boolean_member (row, "outcome_unknown"));
      g_assert_cmpstr (json_object_get_string_member (row, "document_id"), ==, document_id);
      g_assert_true (json_object_get_null_member (row, "x_cart_id"));
    }
  g_assert_true (found);

  /* The next send (the same document: its outcome is unknown, D19) works
   * and gets its own record; the unknown one stays as it was. */
  g_clear_object (&sender);
  g_clear_pointer (&out, g_free);
  sender = custom_submit (c, cda_path);
  g_subprocess_communicate_utf8 (sender, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (sender) != 0)
    g_error ("the next send failed: %s", out);
  g_assert_nonnull (strstr (out, "\"http_status\" : 202"));
  {
    g_autoptr(SintesiJournalRecord) first = find_by_document (journal, document_id, 2);

    g_assert_cmpint (first->id, ==, record->id);
    g_assert_cmpint (first->state, ==, SINTESI_JOURNAL_STATE_PREPARED);
    g_assert_true (first->outcome_unknown);
  }
  g_clear_object (&journal);
  custom_stop (c);
}

/* Killed at random moments around the answer: whenever the process had
 * printed an X-CART-id, the journal already held it (the CLI prints only
 * after the journal commit), and no record is anything but prepared or
 * answered with its X-CART-id. */
static void
test_killed_around_the_answer (void)
{
  Custom *c = custom_start (NULL);
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(GError) error = NULL;
  double full = 0;
  guint printed = 0, silent = 0, recorded_unprinted = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *document_id = NULL;
      g_autofree char *cda_path = custom_cda (c, &document_id);
      g_autoptr(GSubprocess) sender = NULL;
      g_autoptr(SintesiJournalRecord) record = NULL;
      g_autofree char *out = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      gint64 start = g_get_monotonic_time ();

      sender = custom_submit (c, cda_path);
      if (i == 0)
        {
          /* One whole run sets the scale of the delays. */
          g_subprocess_communicate_utf8 (sender, NULL, NULL, &out, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpint (g_subprocess_get_exit_status (sender), ==, 0);
          full = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
          g_test_message ("a whole submit takes %.3f s", full);
        }
      else
        {
          g_usleep ((gulong) (full * (0.5 + 0.7 * g_test_rand_double ()) * G_USEC_PER_SEC));
          kill_and_collect (sender, &out);
        }

      if (journal == NULL)
        {
          journal = sintesi_journal_open (c->journal_path, &error);
          g_assert_no_error (error);
        }
      if (out != NULL && *out != '\0')
        {
          JsonObject *result;
          const char *x_cart_id;

          printed += i > 0;
          json_parser_load_from_data (parser, out, -1, &error);
          g_assert_no_error (error);
          result = json_node_get_object (json_parser_get_root (parser));
          x_cart_id = json_object_get_string_member (result, "x_cart_id");
          g_assert_true (g_uuid_string_is_valid (x_cart_id));
          record = sintesi_journal_get_record (journal, json_object_get_int_member (result, "journal_id"), &error);
          g_assert_no_error (error);
          g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_ANSWERED);
          g_assert_cmpstr (record->x_cart_id, ==, x_cart_id);
          g_assert_cmpstr (record->document_id, ==, document_id);
        }
      else
        {
          SintesiJournalQuery query = { .document_id = document_id };
          g_autoptr(GPtrArray) records = sintesi_journal_search (journal, &query, &error);

          silent++;
          g_assert_no_error (error);
          g_assert_cmpuint (records->len, <=, 1);
          for (guint j = 0; j < records->len; j++)
            {
              SintesiJournalRecord *r = g_ptr_array_index (records, j);

              if (r->state == SINTESI_JOURNAL_STATE_ANSWERED)
                {
                  g_assert_true (g_uuid_string_is_valid (r->x_cart_id));
                  recorded_unprinted++;
                }
              else
                {
                  g_assert_cmpint (r->state, ==, SINTESI_JOURNAL_STATE_PREPARED);
                  g_assert_true (r->outcome_unknown);
                }
            }
        }
    }
  g_test_message ("9 killed runs: %u had printed their X-CART-id, %u had not (of which %u had it on record already)",
                  printed, silent, recorded_unprinted);
  g_clear_object (&journal);
  custom_stop (c);
}

/* ------------------------------------------------------------ (d) the commands as processes */

static const char * const result_keys[] = {
  "journal_id", "operation", "http_status", "x_cart_id", "trace_id", "span_id",
  "workflow_instance_id", "warning", "error", "document_id",
};

static JsonObject *
run_gateway_cli (const char         *home,
                 const char * const *args,
                 int                 expected_status,
                 char              **out_stderr)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = sintesi_test_run_cli (home, args, NULL, &out, &err);
  JsonObject *result;

  if (status != expected_status)
    g_error ("sintesi-cli %s: exit %d, not %d: %s %s", args[1], status, expected_status, out, err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  result = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return result;
}

/* Exactly cli.md's keys; a status answer adds the gateway's "events". */
static void
assert_result_keys (JsonObject *result)
{
  gsize extra = json_object_has_member (result, "events") &&
                g_str_has_prefix (json_object_get_string_member (result, "operation"), "status") ? 1 : 0;

  g_assert_cmpuint (json_object_get_size (result), ==, G_N_ELEMENTS (result_keys) + extra);
  for (gsize i = 0; i < G_N_ELEMENTS (result_keys); i++)
    if (!json_object_has_member (result, result_keys[i]))
      g_error ("no “%s” in the result", result_keys[i]);
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (result, "x_cart_id")));
}

static void
test_cli_commands (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *v1_extension = next_extension ();
  g_autofree char *v2_extension = next_extension ();
  g_autofree char *v1_id = document_id_of (v1_extension);
  g_autofree char *v2_id = document_id_of (v2_extension);
  g_autoptr(GBytes) v1 = build_cda (v1_extension, NULL);
  g_autoptr(GBytes) v2 = build_cda (v2_extension, v1_extension);
  g_autofree char *v1_path = g_build_filename (home, "v1.xml", NULL);
  g_autofree char *v2_path = g_build_filename (home, "v2.xml", NULL);
  g_autofree char *bad_path = g_build_filename (home, "bad.xml", NULL);
  g_autofree char *bad_cda = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) replaced = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) by_trace = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) gone = NULL;
  JsonObject *error_object;
  GList *members;

  g_assert_true (g_file_set_contents (v1_path, g_bytes_get_data (v1, NULL), g_bytes_get_size (v1), NULL));
  g_assert_true (g_file_set_contents (v2_path, g_bytes_get_data (v2, NULL), g_bytes_get_size (v2), NULL));

  {
    const char *args[] = { "--json", "submit", "--profile", SINTESI_SANDBOX_PROFILE, "--cda", v1_path, NULL };
    created = run_gateway_cli (home, args, 0, NULL);
  }
  assert_result_keys (created);
  g_assert_cmpstr (json_object_get_string_member (created, "operation"), ==, "create");
  g_assert_cmpint (json_object_get_int_member (created, "http_status"), ==, 202);
  g_assert_cmpstr (json_object_get_string_member (created, "document_id"), ==, v1_id);
  g_assert_true (json_object_get_null_member (created, "error"));
  {
    const char *args[] = { "--json", "update-metadata", "--profile", SINTESI_SANDBOX_PROFILE, "--document-id", v1_id, NULL };
    updated = run_gateway_cli (home, args, 0, NULL);
  }
  assert_result_keys (updated);
  g_assert_cmpint (json_object_get_int_member (updated, "http_status"), ==, 200);
  {
    const char *args[] = { "--json", "replace", "--profile", SINTESI_SANDBOX_PROFILE, "--document-id", v1_id,
                           "--cda", v2_path, NULL };
    replaced = run_gateway_cli (home, args, 0, NULL);
  }
  assert_result_keys (replaced);
  g_assert_cmpint (json_object_get_int_member (replaced, "http_status"), ==, 202);
  g_assert_cmpstr (json_object_get_string_member (replaced, "document_id"), ==, v2_id);
  {
    const char *args[] = { "--json", "delete", "--profile", SINTESI_SANDBOX_PROFILE, "--document-id", v2_id, NULL };
    deleted = run_gateway_cli (home, args, 0, NULL);
  }
  assert_result_keys (deleted);
  g_assert_cmpstr (json_object_get_string_member (deleted, "operation"), ==, "delete");
  g_assert_cmpint (json_object_get_int_member (deleted, "http_status"), ==, 200);
  {
    const char *args[] = { "--json", "status", "--profile", SINTESI_SANDBOX_PROFILE, "--workflow-instance-id",
                           json_object_get_string_member (created, "workflow_instance_id"), NULL };
    status = run_gateway_cli (home, args, 0, NULL);
  }
  assert_result_keys (status);
  g_assert_cmpint (json_object_get_int_member (status, "http_status"), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (status, "events")), >, 0);
  {
    const char *args[] = { "--json", "status", "--profile", SINTESI_SANDBOX_PROFILE, "--trace-id",
                           json_object_get_string_member (deleted, "trace_id"), NULL };
    by_trace = run_gateway_cli (home, args, 0, NULL);
  }
  assert_result_keys (by_trace);
  g_assert_cmpint (json_object_get_int_member (by_trace, "http_status"), ==, 200);

  /* A gateway error: 1, with the problem in `error` and its X-CART-id. */
  {
    const char *args[] = { "--json", "delete", "--profile", SINTESI_SANDBOX_PROFILE, "--document-id", v2_id, NULL };
    gone = run_gateway_cli (home, args, 1, &err);
  }
  assert_result_keys (gone);
  g_assert_cmpint (json_object_get_int_member (gone, "http_status"), ==, 404);
  error_object = json_object_get_object_member (gone, "error");
  members = json_object_get_members (error_object);
  g_assert_cmpuint (g_list_length (members), ==, 4);
  g_list_free (members);
  g_assert_cmpstr (json_object_get_string_member (error_object, "type"), ==, "/msg/record-not-found");
  g_assert_cmpstr (json_object_get_string_member (error_object, "title"), ==, "Record non trovato.");
  g_assert_cmpstr (json_object_get_string_member (error_object, "instance"), ==, "/record-not-found");
  g_assert_nonnull (strstr (err, "HTTP 404"));
  g_clear_pointer (&err, g_free);

  /* A document the gateway would refuse: 1, nothing sent. */
  bad_cda = g_strndup (g_bytes_get_data (v1, NULL), g_bytes_get_size (v1));
  g_assert_nonnull (strstr (bad_cda, PATIENT_CF));
  memcpy (strstr (bad_cda, PATIENT_CF), "RSSMRA80A01H501X", 16);
  g_assert_true (g_file_set_contents (bad_path, bad_cda, g_bytes_get_size (v1), NULL));
  {
    const char *args[] = { "--json", "submit", "--profile", SINTESI_SANDBOX_PROFILE, "--cda", bad_path, NULL };
    refused = run_gateway_cli (home, args, 1, &err);
  }
  g_assert_true (json_object_has_member (refused, "error"));
  g_assert_false (json_object_has_member (refused, "x_cart_id"));
  g_clear_pointer (&err, g_free);

  /* A missing profile: 2. */
  {
    const char *args[] = { "--json", "submit", "--profile", "nobody", "--cda", v1_path, NULL };
    missing = run_gateway_cli (home, args, 2, &err);
  }
  g_assert_true (json_object_has_member (missing, "error"));
  g_assert_nonnull (strstr (err, "nobody"));

  sintesi_test_rmdir (home);
}

/* ------------------------------------------------------------ setup */

static void
fixture_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autofree char *journal_path = NULL;
  g_autofree char *spare_extension = NULL;
  g_autoptr(GBytes) spare_cda = NULL;

  fx.home = sintesi_test_mkdtemp ();
  fx.config_dir = g_build_filename (fx.home, "config", NULL);
  fx.data_dir = g_build_filename (fx.home, "data", NULL);
  sintesi_paths_set_config_dir (fx.config_dir);
  sintesi_paths_set_data_dir (fx.data_dir);

  fx.sandbox = sintesi_sandbox_start (&error);
  g_assert_no_error (error);
  /* No keyring in tests: the demo keys live under a per-run passphrase. */
  g_assert_nonnull (sintesi_sandbox_get_key_passphrase (fx.sandbox));
  fx.profile = sintesi_profile_load (SINTESI_SANDBOX_PROFILE, &error);
  g_assert_no_error (error);
  keystore = sintesi_keystore_new (SINTESI_SANDBOX_PROFILE, NULL, &error);
  g_assert_no_error (error);
  fx.sign = sintesi_keystore_load (keystore, SINTESI_CREDENTIAL_SLOT_SIGN,
                                   sintesi_sandbox_get_key_passphrase (fx.sandbox), &error);
  g_assert_no_error (error);

  journal_path = g_build_filename (fx.data_dir, "journal.sqlite", NULL);
  fx.journal = sintesi_journal_open (journal_path, &error);
  g_assert_no_error (error);

  spare_extension = next_extension ();
  fx.spare_id = document_id_of (spare_extension);
  spare_cda = build_cda (spare_extension, NULL);
  fx.spare_pdf = sintesi_submission_sign_cda (spare_cda, fx.sign, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (void)
{
  g_clear_pointer (&captured.bearer, g_free);
  g_clear_pointer (&captured.body, g_free);
  g_clear_pointer (&captured.signature, g_free);
  g_clear_pointer (&fx.spare_pdf, g_bytes_unref);
  g_clear_pointer (&fx.spare_id, g_free);
  g_clear_object (&fx.journal);
  g_clear_object (&fx.sign);
  g_clear_object (&fx.profile);
  sintesi_sandbox_stop (fx.sandbox);
  sintesi_paths_set_config_dir (NULL);
  sintesi_paths_set_data_dir (NULL);
  sintesi_test_rmdir (fx.home);
  g_free (fx.home);
  g_free (fx.config_dir);
  g_free (fx.data_dir);
}

int
main (int argc, char **argv)
{
  int status;

  /* Never the user's real keyring, in this process and in its children. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sintesi-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/e2e/lifecycle", test_lifecycle);
  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    g_test_add_data_func (checks[i].path, &checks[i], run_check);
  g_test_add_func ("/e2e/check/9/empty-file", test_empty_file);
  g_test_add_data_func ("/e2e/check/9/not-pdf", GINT_TO_POINTER (FILE_NOT_PDF), test_file_checks);
  g_test_add_data_func ("/e2e/check/11/unsigned", GINT_TO_POINTER (FILE_UNSIGNED), test_file_checks);
  g_test_add_data_func ("/e2e/check/11/broken-signature", GINT_TO_POINTER (FILE_BROKEN_SIGNATURE), test_file_checks);
  g_test_add_data_func ("/e2e/check/12/without-cda", GINT_TO_POINTER (FILE_WITHOUT_CDA), test_file_checks);
  g_test_add_data_func ("/e2e/check/11/bytes-after-signature", GINT_TO_POINTER (FILE_APPENDED), test_file_checks);
  g_test_add_func ("/e2e/check/unknown-ids", test_unknown_ids);
  g_test_add_data_func ("/e2e/check/1/missing-signature-token", GINT_TO_POINTER (SINTESI_GATEWAY_CREATE),
                        test_missing_signature_token);
  g_test_add_data_func ("/e2e/check/delete/missing-signature-token", GINT_TO_POINTER (SINTESI_GATEWAY_DELETE),
                        test_missing_signature_token);

  g_test_add_func ("/e2e/crash/killed-while-gateway-hangs", test_killed_while_gateway_hangs);
  g_test_add_func ("/e2e/crash/killed-around-the-answer", test_killed_around_the_answer);
  g_test_add_func ("/e2e/cli/commands", test_cli_commands);

  fixture_setup ();
  status = g_test_run ();
  fixture_teardown ();
  return status;
}
