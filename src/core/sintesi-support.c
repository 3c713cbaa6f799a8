/* sintesi-support.c: one call to the gateway, packed for a support request */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sintesi-credentials.h"
#include "sintesi-jwt.h"
#include "sintesi-keystore.h"
#include "sintesi-paths.h"
#include "sintesi-pdf.h"
#include "sintesi-profile.h"
#include "sintesi-registry.h"
#include "sintesi-support.h"

G_DEFINE_QUARK (sintesi-support-error-quark, sintesi_support_error)

#define FORMAT_NAME    "sintesi-support-bundle"
#define FORMAT_VERSION 1

/* Regional text §16. */
#define RT_TEAM_ADDRESS "teamfse2.0@regione.toscana.it"
#define RT_HELP_ADDRESS "helpsis@regione.toscana.it"

/* The files the regional text asks to attach (§16: request, response, CDA
 * and X-CART-id), as named in the bundle. */
static const char * const regional_attachments[] = {
  "request.txt", "requestBody.json", "document.pdf", "response.txt", "cda.xml", "x-cart-id.txt", NULL
};

void
sintesi_support_file_free (SintesiSupportFile *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_clear_pointer (&file->contents, g_bytes_unref);
  g_free (file);
}

void
sintesi_support_bundle_free (SintesiSupportBundle *bundle)
{
  if (bundle == NULL)
    return;
  g_free (bundle->path);
  g_free (bundle->sha256);
  g_strfreev (bundle->files);
  g_free (bundle->x_cart_id);
  g_free (bundle);
}

gboolean
sintesi_support_needs_health_data_confirmation (SintesiEnvironment environment)
{
  return environment != SINTESI_ENVIRONMENT_SANDBOX && environment != SINTESI_ENVIRONMENT_STAGE;
}

char *
sintesi_support_email_subject (SintesiEnvironment  environment,
                               const char         *vendor,
                               const char         *application)
{
  const char *prefix = environment == SINTESI_ENVIRONMENT_PRODUCTION
                       ? "FSE2.0 Richiesta Supporto"
                       : "FSE2.0 Richiesta Supporto Staging";

  return g_strdup_printf ("%s | '%s' - '%s'", prefix,
                          vendor != NULL ? vendor : "", application != NULL ? application : "");
}

static GDateTime *
record_time (const SintesiJournalRecord *record)
{
  const char *text = record->sent_at != NULL ? record->sent_at : record->created_at;
  GDateTime *time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? time : g_date_time_new_now_utc ();
}

static void
make_file_name_safe (char *text)
{
  for (char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      *p = '-';
}

char *
sintesi_support_default_file_name (const SintesiJournalRecord *record)
{
  g_autoptr(GDateTime) time = record_time (record);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
  g_autofree char *call_id = NULL;
  char *name;

  if (record->x_cart_id != NULL && *record->x_cart_id != '\0')
    call_id = g_strdup (record->x_cart_id);
  else if (record->trace_id != NULL && *record->trace_id != '\0')
    call_id = g_strdup (record->trace_id);
  else
    call_id = g_strdup_printf ("journal-%" G_GINT64_FORMAT, record->id);
  make_file_name_safe (call_id);
  name = g_strdup_printf ("%s_%s_%s_%s.zip", stamp,
                          sintesi_environment_to_string (record->environment),
                          sintesi_journal_operation_to_string (record->operation), call_id);
  return name;
}

/* ---- What the record tells ------------------------------------------- */

typedef struct
{
  SintesiJournalRecord *record;
  GPtrArray            *polls;
  SintesiProfile       *profile;           /* NULL when deleted since */
  char                 *bearer;            /* the tokens as sent, or NULL */
  char                 *signature;
  SintesiJwtDecoded    *bearer_decoded;
  SintesiJwtDecoded    *signature_decoded;
  GBytes               *cda;               /* cda.xml of the PDF, or NULL */
  char                 *cda_problem;       /* why there is no cda.xml */
  const char           *vendor;
  const char           *application;
  const char           *version;
  char                 *physician_cf;
  GPtrArray            *files;             /* SintesiSupportFile */
} Bundle;

static void
bundle_clear (Bundle *b)
{
  g_clear_pointer (&b->record, sintesi_journal_record_free);
  g_clear_pointer (&b->polls, g_ptr_array_unref);
  g_clear_object (&b->profile);
  g_free (b->bearer);
  g_free (b->signature);
  g_clear_pointer (&b->bearer_decoded, sintesi_jwt_decoded_free);
  g_clear_pointer (&b->signature_decoded, sintesi_jwt_decoded_free);
  g_clear_pointer (&b->cda, g_bytes_unref);
  g_free (b->cda_problem);
  g_free (b->physician_cf);
  g_clear_pointer (&b->files, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bundle, bundle_clear)

/* The value of header name (ASCII case ignored) in "Name: value\r\n" lines. */
static char *
find_header (const char *headers,
             const char *name)
{
  g_auto(GStrv) lines = NULL;
  gsize length = strlen (name);

  if (headers == NULL)
    return NULL;
  lines = g_strsplit (headers, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_ascii_strncasecmp (line, name, length) == 0 && line[length] == ':')
        return g_strstrip (g_strdup (line + length + 1));
    }
  return NULL;
}

static const char *
claim_string (const SintesiJwtDecoded *decoded,
              const char              *name)
{
  if (decoded == NULL || !json_object_has_member (decoded->claims, name))
    return NULL;
  return json_object_get_string_member_with_default (decoded->claims, name, NULL);
}

/* The claim as sent, in either token; else NULL. */
static const char *
sent_claim (Bundle     *b,
            const char *name)
{
  const char *value = claim_string (b->signature_decoded, name);

  return value != NULL ? value : claim_string (b->bearer_decoded, name);
}

static void
read_tokens (Bundle *b)
{
  g_autofree char *authorization = find_header (b->record->request_headers, "Authorization");

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    b->bearer = g_strstrip (g_strdup (authorization + 7));
  b->signature = find_header (b->record->request_headers, "FSE-JWT-Signature");
  /* Tokens that cannot be decoded still go out in request.txt as sent. */
  if (b->bearer != NULL)
    b->bearer_decoded = sintesi_jwt_decode (b->bearer, NULL);
  if (b->signature != NULL)
    b->signature_decoded = sintesi_jwt_decode (b->signature, NULL);
}

static void
read_identity (Bundle *b)
{
  const char *sub = sent_claim (b, "sub");

  b->vendor = sent_claim (b, "subject_application_vendor");
  b->application = sent_claim (b, "subject_application_id");
  b->version = sent_claim (b, "subject_application_version");
  if (b->profile != NULL)
    {
      if (b->vendor == NULL)
        b->vendor = sintesi_profile_get_app_vendor (b->profile);
      if (b->application == NULL)
        b->application = sintesi_profile_get_app_id (b->profile);
      if (b->version == NULL)
        b->version = sintesi_profile_get_app_version (b->profile);
    }
  /* sub is "CF^^^&2.16.840.1.113883.2.9.4.3.2&ISO". */
  if (sub != NULL)
    b->physician_cf = g_strndup (sub, strcspn (sub, "^"));
  else if (b->profile != NULL && sintesi_profile_get_cf (b->profile) != NULL)
    b->physician_cf = g_strdup (sintesi_profile_get_cf (b->profile));
}

static void
add_file (Bundle     *b,
          const char *name,
          GBytes     *contents)
{
  SintesiSupportFile *file = g_new0 (SintesiSupportFile, 1);

  file->name = g_strdup (name);
  file->contents = contents;
  g_ptr_array_add (b->files, file);
}

static void
add_text_file (Bundle     *b,
               const char *name,
               char       *text)
{
  gsize length = strlen (text);

  add_file (b, name, g_bytes_new_take (text, length));
}

static gboolean
has_file (Bundle     *b,
          const char *name)
{
  for (guint i = 0; i < b->files->len; i++)
    {
      SintesiSupportFile *file = g_ptr_array_index (b->files, i);

      if (g_str_equal (file->name, name))
        return TRUE;
    }
  return FALSE;
}

/* Pretty JSON text with a final newline. */
static char *
builder_to_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

static void
set_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
set_int_or_null (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value != 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A raw body in JSON: its text when it is UTF-8, else base64. */
static void
set_body (JsonBuilder *builder,
          const char  *name,
          GBytes      *body)
{
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  if (data == NULL || g_utf8_validate_len (data, length, NULL))
    {
      g_autofree char *text = data != NULL ? g_strndup (data, length) : NULL;

      set_string (builder, name, text);
    }
  else
    {
      g_autofree char *encoded = g_base64_encode ((const guchar *) data, length);
      g_autofree char *member = g_strconcat (name, "_base64", NULL);

      set_string (builder, member, encoded);
    }
}

/* ---- The files ------------------------------------------------------- */

static void
add_request (Bundle *b)
{
  SintesiJournalRecord *r = b->record;
  GString *text;

  if (r->request_method == NULL && r->request_url == NULL && r->request_headers == NULL)
    return;
  text = g_string_new (NULL);
  g_string_append_printf (text, "%s %s\r\n", r->request_method != NULL ? r->request_method : "?",
                          r->request_url != NULL ? r->request_url : "?");
  if (r->request_headers != NULL)
    g_string_append (text, r->request_headers);
  add_text_file (b, "request.txt", g_string_free (text, FALSE));
  if (r->request_body != NULL)
    add_text_file (b, "requestBody.json", g_strdup (r->request_body));
}

static void
add_document (Bundle *b)
{
  g_autoptr(GError) error = NULL;

  if (b->record->pdf == NULL)
    return;
  add_file (b, "document.pdf", g_bytes_ref (b->record->pdf));
  b->cda = sintesi_pdf_get_attachment (b->record->pdf, SINTESI_PDF_CDA_NAME, &error);
  if (b->cda != NULL)
    add_file (b, "cda.xml", g_bytes_ref (b->cda));
  else
    b->cda_problem = g_strdup (error->message);
}

static void
add_response (Bundle *b)
{
  SintesiJournalRecord *r = b->record;
  GString *text;
  gsize length = 0;
  const char *body;

  if (r->http_status == 0 && r->response_headers == NULL)
    return;
  /* The stored header block starts with the status line; write one when
   * an older record lacks it. */
  text = g_string_new (NULL);
  if (r->response_headers == NULL || !g_str_has_prefix (r->response_headers, "HTTP/"))
    g_string_append_printf (text, "HTTP/1.1 %u\r\n", r->http_status);
  if (r->response_headers != NULL)
    g_string_append (text, r->response_headers);
  g_string_append (text, "\r\n");
  body = r->response_body != NULL ? g_bytes_get_data (r->response_body, &length) : NULL;
  if (body != NULL)
    g_string_append_len (text, body, (gssize) length);
  length = text->len;
  add_file (b, "response.txt", g_bytes_new_take (g_string_free (text, FALSE), length));
}

static void
add_x_cart_id (Bundle *b)
{
  if (b->record->x_cart_id != NULL && *b->record->x_cart_id != '\0')
    add_text_file (b, "x-cart-id.txt", g_strconcat (b->record->x_cart_id, "\n", NULL));
}

static void
add_decoded_token (JsonBuilder             *builder,
                   const char              *name,
                   const SintesiJwtDecoded *decoded)
{
  if (decoded == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "header");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), decoded->header));
  json_builder_set_member_name (builder, "claims");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), decoded->claims));
  json_builder_end_object (builder);
}

static void
add_jwt_decoded (Bundle *b)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (b->bearer_decoded == NULL && b->signature_decoded == NULL)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_decoded_token (builder, "bearer", b->bearer_decoded);
  add_decoded_token (builder, "signature", b->signature_decoded);
  json_builder_end_object (builder);
  add_text_file (b, "jwt-decoded.json", builder_to_text (builder));
}

static void
add_status_polls (Bundle *b)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (b->polls == NULL || b->polls->len == 0)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "polls");
  json_builder_begin_array (builder);
  for (guint i = 0; i < b->polls->len; i++)
    {
      SintesiJournalStatusPoll *poll = g_ptr_array_index (b->polls, i);

      json_builder_begin_object (builder);
      set_string (builder, "polled_at", poll->polled_at);
      set_string (builder, "request_url", poll->request_url);
      set_int_or_null (builder, "http_status", poll->http_status);
      set_string (builder, "x_cart_id", poll->x_cart_id);
      set_string (builder, "response_headers", poll->response_headers);
      set_body (builder, "response_body", poll->response_body);
      set_string (builder, "failure_message", poll->failure_message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  add_text_file (b, "status.json", builder_to_text (builder));
}

/* "answered", "failed", "unknown" (prepared by a process that is gone) or
 * "sending" (prepared by this process, still on its way). */
static const char *
outcome_of (const SintesiJournalRecord *record)
{
  if (record->outcome_unknown)
    return "unknown";
  switch (record->state)
    {
    case SINTESI_JOURNAL_STATE_ANSWERED:
      return "answered";
    case SINTESI_JOURNAL_STATE_FAILED:
      return "failed";
    case SINTESI_JOURNAL_STATE_PREPARED:
    default:
      return "sending";
    }
}

static void
add_certificate (JsonBuilder       *builder,
                 const char        *name,
                 SintesiCredential *credential,
                 const char        *source,
                 const char        *recorded_sha256)
{
  g_autofree char *cn = NULL, *serial = NULL, *issuer = NULL, *sha256 = NULL;
  g_autofree char *not_before_text = NULL, *not_after_text = NULL;
  g_autoptr(GDateTime) not_before = NULL, not_after = NULL;

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  set_string (builder, "recorded_sha256", recorded_sha256);
  if (credential != NULL)
    {
      cn = sintesi_credential_get_cn (credential);
      serial = sintesi_credential_get_serial (credential);
      issuer = sintesi_credential_get_issuer (credential);
      sha256 = sintesi_credential_get_sha256 (credential);
      not_before = sintesi_credential_get_not_before (credential);
      not_after = sintesi_credential_get_not_after (credential);
      if (not_before != NULL)
        not_before_text = sintesi_journal_format_time (not_before);
      if (not_after != NULL)
        not_after_text = sintesi_journal_format_time (not_after);
    }
  /* The certificate described is the one used for the call when the
   * fingerprints agree; a profile may have been given new ones since. */
  set_string (builder, "source", credential != NULL ? source : NULL);
  json_builder_set_member_name (builder, "matches_record");
  json_builder_add_boolean_value (builder, sha256 != NULL && g_strcmp0 (sha256, recorded_sha256) == 0);
  set_string (builder, "cn", cn);
  set_string (builder, "serial", serial);
  set_string (builder, "issuer", issuer);
  set_string (builder, "not_before", not_before_text);
  set_string (builder, "not_after", not_after_text);
  set_string (builder, "sha256", sha256);
  json_builder_end_object (builder);
}

static SintesiCredential *
profile_certificate (SintesiKeystore       *keystore,
                     SintesiCredentialSlot  slot)
{
  if (keystore == NULL || !sintesi_keystore_has_credential (keystore, slot))
    return NULL;
  /* Certificates only: no secret is asked or read. */
  return sintesi_keystore_load_certificates (keystore, slot, NULL);
}

static void
add_certificates (JsonBuilder *builder,
                  Bundle      *b)
{
  g_autoptr(SintesiKeystore) keystore = sintesi_keystore_new (b->record->profile, NULL, NULL);
  g_autoptr(SintesiCredential) auth = profile_certificate (keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  g_autoptr(SintesiCredential) sign = NULL;
  const char *sign_source = "token-x5c";

  /* The S1 certificate as sent is the x5c of the tokens. */
  if (b->bearer_decoded != NULL && b->bearer_decoded->certificate_der != NULL)
    sign = sintesi_credential_new_from_certificates (SINTESI_CREDENTIAL_SLOT_SIGN,
                                                     b->bearer_decoded->certificate_der, NULL);
  if (sign == NULL)
    {
      sign = profile_certificate (keystore, SINTESI_CREDENTIAL_SLOT_SIGN);
      sign_source = "profile";
    }
  json_builder_set_member_name (builder, "certificates");
  json_builder_begin_object (builder);
  add_certificate (builder, "auth", auth, "profile", b->record->a1_fingerprint);
  add_certificate (builder, "sign", sign, sign_source, b->record->s1_fingerprint);
  json_builder_end_object (builder);
}

static const char *
registry_outcome_to_string (SintesiRegistryOutcome outcome)
{
  switch (outcome)
    {
    case SINTESI_REGISTRY_ACCREDITED:
      return "accredited";
    case SINTESI_REGISTRY_NOT_FOR_PSS:
      return "not-for-pss";
    case SINTESI_REGISTRY_NEAR_MISS:
      return "near-miss";
    case SINTESI_REGISTRY_NOT_FOUND:
    default:
      return "not-found";
    }
}

static void
add_application (JsonBuilder *builder,
                 Bundle      *b)
{
  g_autoptr(SintesiRegistry) registry = NULL;
  g_autoptr(SintesiRegistryMatch) match = NULL;

  json_builder_set_member_name (builder, "application");
  json_builder_begin_object (builder);
  set_string (builder, "vendor", b->vendor);
  set_string (builder, "id", b->application);
  set_string (builder, "version", b->version);
  set_string (builder, "sintesi_version", PACKAGE_VERSION);
  json_builder_set_member_name (builder, "registry");
  registry = sintesi_registry_load_installed (NULL);
  if (registry == NULL || b->vendor == NULL || b->application == NULL || b->version == NULL)
    json_builder_add_null_value (builder);
  else
    {
      match = sintesi_registry_match (registry, b->application, b->vendor, b->version);
      json_builder_begin_object (builder);
      set_string (builder, "outcome", registry_outcome_to_string (match->outcome));
      set_string (builder, "message", match->message);
      set_string (builder, "registry_sha256", sintesi_registry_get_sha256 (registry));
      json_builder_set_member_name (builder, "row");
      if (match->row == NULL)
        json_builder_add_null_value (builder);
      else
        {
          json_builder_begin_object (builder);
          set_string (builder, "vendor", match->row->vendor);
          set_string (builder, "application", match->row->application);
          set_string (builder, "version", match->row->version);
          set_string (builder, "validation_date", match->row->validation_date);
          json_builder_set_member_name (builder, "line");
          json_builder_add_int_value (builder, match->row->line);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static char *
build_manifest (Bundle    *b,
                GDateTime *now,
                gboolean   confirmed)
{
  SintesiJournalRecord *r = b->record;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = sintesi_journal_format_time (now);
  g_autofree char *document_sha256 = r->pdf != NULL ? g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, r->pdf) : NULL;

  json_builder_begin_object (builder);
  set_string (builder, "format", FORMAT_NAME);
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  set_string (builder, "bundle_created_at", created);
  json_builder_set_member_name (builder, "health_data_confirmed");
  json_builder_add_boolean_value (builder, confirmed);
  add_application (builder, b);
  set_string (builder, "environment", sintesi_environment_to_string (r->environment));
  set_string (builder, "endpoint", r->request_url);
  set_string (builder, "base_url", b->profile != NULL ? sintesi_profile_get_effective_base_url (b->profile) : NULL);
  set_string (builder, "profile", r->profile);
  set_string (builder, "physician_cf", b->physician_cf);
  set_string (builder, "patient_cf", r->patient_cf);
  add_certificates (builder, b);

  json_builder_set_member_name (builder, "journal");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, r->id);
  set_string (builder, "operation", sintesi_journal_operation_to_string (r->operation));
  set_string (builder, "method", r->request_method);
  set_string (builder, "state", sintesi_journal_state_to_string (r->state));
  set_string (builder, "outcome", outcome_of (r));
  json_builder_set_member_name (builder, "outcome_unknown");
  json_builder_add_boolean_value (builder, r->outcome_unknown);
  set_string (builder, "created_at", r->created_at);
  set_string (builder, "sent_at", r->sent_at);
  set_string (builder, "answered_at", r->answered_at);
  set_string (builder, "failure_message", r->failure_message);
  set_int_or_null (builder, "progressive", r->progressive);
  set_string (builder, "replaces_document_id", r->replaces_document_id);
  set_int_or_null (builder, "source_record_id", r->source_record_id);
  json_builder_end_object (builder);

  set_string (builder, "x_cart_id", r->x_cart_id);
  json_builder_set_member_name (builder, "x_cart_id_missing");
  json_builder_add_boolean_value (builder, r->x_cart_id_missing);
  set_string (builder, "trace_id", r->trace_id);
  set_string (builder, "span_id", r->span_id);
  set_string (builder, "workflow_instance_id", r->workflow_instance_id);
  set_string (builder, "identificativo_doc", r->document_id);
  set_int_or_null (builder, "http_status", r->http_status);
  set_string (builder, "warning", r->warning);
  json_builder_set_member_name (builder, "error");
  if (r->error_type == NULL && r->error_title == NULL && r->error_detail == NULL && r->error_instance == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      set_string (builder, "type", r->error_type);
      set_string (builder, "title", r->error_title);
      set_string (builder, "detail", r->error_detail);
      set_string (builder, "instance", r->error_instance);
      json_builder_end_object (builder);
    }
  set_string (builder, "attachment_hash", r->attachment_hash);
  set_string (builder, "document_sha256", document_sha256);
  set_string (builder, "cda_problem", b->cda_problem);

  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "manifest.json");
  for (guint i = 0; i < b->files->len; i++)
    json_builder_add_string_value (builder, ((SintesiSupportFile *) g_ptr_array_index (b->files, i))->name);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder_to_text (builder);
}

static const char *
or_unavailable (const char *value)
{
  return value != NULL && *value != '\0' ? value : "non disponibile";
}

/* What went wrong, in a sentence for the regional support. */
static char *
describe_outcome (const SintesiJournalRecord *r)
{
  if (r->outcome_unknown)
    return g_strdup ("esito sconosciuto: la richiesta è stata registrata, ma l'applicazione si è interrotta "
                     "prima di ricevere la risposta; non sappiamo se sia arrivata al Gateway.");
  if (r->state == SINTESI_JOURNAL_STATE_PREPARED)
    return g_strdup ("richiesta in corso, risposta non ancora ricevuta.");
  if (r->state == SINTESI_JOURNAL_STATE_FAILED)
    return g_strdup_printf ("nessuna risposta HTTP ricevuta (%s).", or_unavailable (r->failure_message));
  if (r->error_title != NULL || r->error_detail != NULL || r->error_type != NULL)
    return g_strdup_printf ("%s%s%s%s%s%s",
                            r->error_title != NULL ? r->error_title : "",
                            r->error_title != NULL && r->error_detail != NULL ? " — " : "",
                            r->error_detail != NULL ? r->error_detail : "",
                            r->error_type != NULL ? " (" : "",
                            r->error_type != NULL ? r->error_type : "",
                            r->error_type != NULL ? ")" : "");
  if (r->x_cart_id_missing)
    return g_strdup ("la risposta non riporta l'header X-CART-id.");
  if (r->warning != NULL && *r->warning != '\0')
    return g_strdup_printf ("nessun errore; avviso del Gateway: %s", r->warning);
  return g_strdup ("nessun errore segnalato dal Gateway.");
}

static char *
build_email (Bundle *b)
{
  SintesiJournalRecord *r = b->record;
  GString *text = g_string_new (NULL);
  g_autofree char *subject = sintesi_support_email_subject (r->environment, b->vendor, b->application);
  g_autofree char *outcome = describe_outcome (r);
  g_autoptr(GString) attached = g_string_new (NULL);
  g_autofree char *status = r->http_status != 0 ? g_strdup_printf ("%u", r->http_status) : NULL;
  const char *environment_name;
  const char *physician = b->profile != NULL ? sintesi_profile_get_physician_name (b->profile) : NULL;

  for (guint i = 0; regional_attachments[i] != NULL; i++)
    if (has_file (b, regional_attachments[i]))
      g_string_append_printf (attached, "%s%s", attached->len > 0 ? ", " : "", regional_attachments[i]);

  switch (r->environment)
    {
    case SINTESI_ENVIRONMENT_PRODUCTION:
      environment_name = "produzione";
      g_string_append (text, "A: " RT_HELP_ADDRESS "\nCc: " RT_TEAM_ADDRESS "\n");
      break;
    case SINTESI_ENVIRONMENT_STAGE:
      environment_name = "staging";
      g_string_append (text, "A: " RT_TEAM_ADDRESS "\n");
      break;
    case SINTESI_ENVIRONMENT_SANDBOX:
      environment_name = "sandbox (simulatore locale di Sintesi)";
      /* A rehearsal with the built-in simulator: nobody at the Region saw it. */
      g_string_append (text, "A: (nessun destinatario: chiamata al simulatore locale, non al Gateway regionale)\n");
      break;
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:
      environment_name = "personalizzato";
      g_string_append (text, "A: (nessun destinatario regionale: endpoint personalizzato, "
                             "scrivere a chi gestisce l'endpoint)\n");
      break;
    }
  g_string_append_printf (text, "Oggetto: %s\n", subject);
  g_string_append_printf (text, "Allegati: %s\n\n", attached->str);

  g_string_append (text, "Buongiorno,\n\n");
  if (r->environment == SINTESI_ENVIRONMENT_SANDBOX)
    g_string_append (text, "NOTA: questo pacchetto riguarda uno scambio con il simulatore integrato in Sintesi "
                           "(ambiente sandbox) e non va inviato al supporto regionale.\n\n");
  g_string_append_printf (text, "segnaliamo un problema con una chiamata al Gateway FSE 2.0 nell'ambiente di %s.\n\n",
                          environment_name);
  g_string_append_printf (text, "Operazione: %s %s\n", or_unavailable (r->request_method), or_unavailable (r->request_url));
  g_string_append_printf (text, "Data e ora della richiesta (UTC): %s\n", or_unavailable (r->sent_at != NULL ? r->sent_at : r->created_at));
  g_string_append_printf (text, "X-CART-id: %s\n", or_unavailable (r->x_cart_id));
  g_string_append_printf (text, "traceID: %s\n", or_unavailable (r->trace_id));
  g_string_append_printf (text, "spanID: %s\n", or_unavailable (r->span_id));
  g_string_append_printf (text, "workflowInstanceId: %s\n", or_unavailable (r->workflow_instance_id));
  g_string_append_printf (text, "identificativoDoc: %s\n", or_unavailable (r->document_id));
  g_string_append_printf (text, "Stato HTTP: %s\n", or_unavailable (status));
  g_string_append_printf (text, "Errore: %s\n\n", outcome);
  if (attached->len > 0)
    g_string_append_printf (text, "In allegato, come richiesto dalle specifiche regionali: %s.\n", attached->str);
  g_string_append (text, "Il pacchetto completo (con manifest.json e jwt-decoded.json) è disponibile su richiesta.\n\n");
  g_string_append (text, "Cordiali saluti,\n");
  if (physician != NULL && *physician != '\0')
    g_string_append_printf (text, "%s\n", physician);
  return g_string_free (text, FALSE);
}

/* ---- Putting it together -------------------------------------------- */

/* The files, and the record they come from when out_record is given. */
static GPtrArray *
collect (SintesiJournal         *journal,
         gint64                  record_id,
         SintesiSupportFlags     flags,
         SintesiJournalRecord  **out_record,
         GError                **error)
{
  g_auto(Bundle) b = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean confirmed = (flags & SINTESI_SUPPORT_FLAGS_CONFIRM_HEALTH_DATA) != 0;
  SintesiSupportFile *manifest;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (journal), NULL);

  b.record = sintesi_journal_get_record (journal, record_id, &local_error);
  if (b.record == NULL)
    {
      if (g_error_matches (local_error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND))
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, record_id);

          g_set_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_NOT_FOUND,
                       /* TRANSLATORS: %s is a number */
                       _("The journal has no call with id %s: “sintesi-cli history” lists the calls and their ids."), id);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (sintesi_support_needs_health_data_confirmation (b.record->environment) && !confirmed)
    {
      g_set_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_HEALTH_DATA_NOT_CONFIRMED,
                   /* TRANSLATORS: %s is an environment, e.g. "production" */
                   _("This call was made in the %s environment: its support bundle holds a real patient’s "
                     "health data (the document, the codice fiscale). Confirm that you want to export it."),
                   sintesi_environment_to_string (b.record->environment));
      return NULL;
    }
  b.polls = sintesi_journal_get_status_polls (journal, record_id, &local_error);
  if (b.polls == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  b.profile = sintesi_profile_load_unvalidated (b.record->profile, NULL);
  b.files = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_support_file_free);
  read_tokens (&b);
  read_identity (&b);

  add_request (&b);
  add_document (&b);
  add_response (&b);
  add_x_cart_id (&b);
  add_jwt_decoded (&b);
  add_status_polls (&b);
  /* email.txt names the attachments, the manifest every file: both last. */
  add_text_file (&b, "email.txt", build_email (&b));

  manifest = g_new0 (SintesiSupportFile, 1);
  manifest->name = g_strdup ("manifest.json");
  {
    char *text = build_manifest (&b, now, confirmed);
    manifest->contents = g_bytes_new_take (text, strlen (text));
  }
  g_ptr_array_insert (b.files, 0, manifest);
  if (out_record != NULL)
    *out_record = g_steal_pointer (&b.record);
  return g_steal_pointer (&b.files);
}

GPtrArray *
sintesi_support_collect (SintesiJournal       *journal,
                         gint64                record_id,
                         SintesiSupportFlags   flags,
                         GError              **error)
{
  return collect (journal, record_id, flags, NULL, error);
}

static la_ssize_t
write_to_array (struct archive *archive,
                void           *data,
                const void     *buffer,
                size_t          length)
{
  g_byte_array_append (data, buffer, (guint) length);
  return (la_ssize_t) length;
}

static gboolean
archive_failed (struct archive  *archive,
                GError         **error)
{
  g_set_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_WRITE,
               /* TRANSLATORS: the library's reason (in English) */
               _("The support bundle could not be built: %s"),
               archive_error_string (archive) != NULL ? archive_error_string (archive) : "libarchive");
  return FALSE;
}

static GBytes *
zip_files (GPtrArray  *files,
           GDateTime  *now,
           GError    **error)
{
  g_autoptr(GByteArray) zip = g_byte_array_new ();
  struct archive *archive = archive_write_new ();
  gboolean ok = TRUE;

  if (archive_write_set_format_zip (archive) != ARCHIVE_OK ||
      archive_write_open (archive, zip, NULL, write_to_array, NULL) != ARCHIVE_OK)
    ok = archive_failed (archive, error);
  for (guint i = 0; ok && i < files->len; i++)
    {
      SintesiSupportFile *file = g_ptr_array_index (files, i);
      struct archive_entry *entry = archive_entry_new ();
      gsize length = 0;
      const void *data = g_bytes_get_data (file->contents, &length);

      archive_entry_set_pathname (entry, file->name);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0600);
      archive_entry_set_size (entry, (la_int64_t) length);
      archive_entry_set_mtime (entry, g_date_time_to_unix (now), 0);
      if (archive_write_header (archive, entry) != ARCHIVE_OK ||
          (length > 0 && archive_write_data (archive, data, length) != (la_ssize_t) length))
        ok = archive_failed (archive, error);
      archive_entry_free (entry);
    }
  if (ok && archive_write_close (archive) != ARCHIVE_OK)
    ok = archive_failed (archive, error);
  archive_write_free (archive);
  if (!ok)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&zip));
}

SintesiSupportBundle *
sintesi_support_write_bundle (SintesiJournal       *journal,
                              gint64                record_id,
                              const char           *path,
                              SintesiSupportFlags   flags,
                              GError              **error)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GBytes) zip = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *target = NULL;
  SintesiSupportBundle *bundle;
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (journal), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  files = collect (journal, record_id, flags, &record, error);
  if (files == NULL)
    return NULL;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *name = sintesi_support_default_file_name (record);

      target = g_build_filename (path, name, NULL);
    }
  else
    target = g_strdup (path);

  zip = zip_files (files, now, error);
  if (zip == NULL)
    return NULL;
  data = g_bytes_get_data (zip, &size);
  /* Health data: readable by the user only. */
  if (!sintesi_write_file_atomic (target, data, (gssize) size, 0600, &local_error))
    {
      g_set_error (error, SINTESI_SUPPORT_ERROR, SINTESI_SUPPORT_ERROR_WRITE,
                   /* TRANSLATORS: a file name, then the system's reason */
                   _("The support bundle could not be written to “%s”: %s"), target, local_error->message);
      return NULL;
    }

  bundle = g_new0 (SintesiSupportBundle, 1);
  bundle->path = g_steal_pointer (&target);
  bundle->size = size;
  bundle->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, zip);
  bundle->files = g_new0 (char *, files->len + 1);
  for (guint i = 0; i < files->len; i++)
    bundle->files[i] = g_strdup (((SintesiSupportFile *) g_ptr_array_index (files, i))->name);
  if (record->x_cart_id != NULL && *record->x_cart_id != '\0')
    bundle->x_cart_id = g_strdup (record->x_cart_id);
  return bundle;
}
