/* sintesi-gateway.c: the HTTP client for the regional FSE 2.0 gateway */
#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-gateway.h"
#include "sintesi-ids.h"
#include "sintesi-paths.h"

G_DEFINE_QUARK (sintesi-gateway-error-quark, sintesi_gateway_error)

#define DEFAULT_CONNECT_TIMEOUT 15
#define DEFAULT_TOTAL_TIMEOUT   120
#define DEFAULT_STALL_TIMEOUT   30
/* Gateway answers are small JSON; a status history stays well below this. */
#define MAX_RESPONSE_BODY (16 * 1024 * 1024)
#define MIDDLEWARE_WARNING_MARK "--middlewarewarning--"

static const struct
{
  const char *name;
  const char *method;
} operations[] = {
  [SINTESI_GATEWAY_CREATE] = { "create", "POST" },
  [SINTESI_GATEWAY_REPLACE] = { "replace", "PUT" },
  [SINTESI_GATEWAY_DELETE] = { "delete", "DELETE" },
  [SINTESI_GATEWAY_UPDATE_METADATA] = { "update-metadata", "PUT" },
  [SINTESI_GATEWAY_STATUS] = { "status", "GET" },
  [SINTESI_GATEWAY_STATUS_BY_TRACE] = { "status-by-trace", "GET" },
};

const char *
sintesi_gateway_operation_to_string (SintesiGatewayOperation operation)
{
  g_return_val_if_fail (operation < G_N_ELEMENTS (operations), NULL);
  return operations[operation].name;
}

const char *
sintesi_gateway_operation_method (SintesiGatewayOperation operation)
{
  g_return_val_if_fail (operation < G_N_ELEMENTS (operations), NULL);
  return operations[operation].method;
}

char *
sintesi_gateway_build_url (const char                  *base_url,
                           const SintesiGatewayRequest *request,
                           GError                     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *escaped = NULL;
  const char *id = NULL;

  if (base_url == NULL || !g_str_has_prefix (base_url, "https://"))
    {
      g_set_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST,
                   _("The gateway address “%s” is not an https:// address: Sintesi only talks to the gateway over a verified secure connection."),
                   base_url != NULL ? base_url : "");
      return NULL;
    }
  base = g_str_has_suffix (base_url, "/") ? g_strdup (base_url) : g_strconcat (base_url, "/", NULL);

  switch (request->operation)
    {
    case SINTESI_GATEWAY_REPLACE:
    case SINTESI_GATEWAY_DELETE:
    case SINTESI_GATEWAY_UPDATE_METADATA:
      id = request->document_id;
      break;
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
      id = request->lookup_id;
      break;
    case SINTESI_GATEWAY_CREATE:
    default:
      break;
    }
  if (request->operation != SINTESI_GATEWAY_CREATE && (id == NULL || *id == '\0'))
    {
      g_set_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST,
                   _("The %s request needs a document or transaction identifier."),
                   sintesi_gateway_operation_to_string (request->operation));
      return NULL;
    }
  if (id != NULL)
    escaped = sintesi_ids_percent_encode_segment (id);

  switch (request->operation)
    {
    case SINTESI_GATEWAY_CREATE:
      return g_strconcat (base, "documents/validate-and-create", NULL);
    case SINTESI_GATEWAY_REPLACE:
    case SINTESI_GATEWAY_DELETE:
      return g_strconcat (base, "documents/", escaped, NULL);
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return g_strconcat (base, "documents/", escaped, "/metadati", NULL);
    case SINTESI_GATEWAY_STATUS:
      return g_strconcat (base, "status/", escaped, NULL);
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
      return g_strconcat (base, "status/search/", escaped, NULL);
    default:
      g_assert_not_reached ();
    }
}

/* ---- copies and frees ---- */

SintesiGatewayConfig *
sintesi_gateway_config_copy (const SintesiGatewayConfig *config)
{
  SintesiGatewayConfig *copy = g_new0 (SintesiGatewayConfig, 1);

  copy->base_url = g_strdup (config->base_url);
  copy->client_cert = g_strdup (config->client_cert);
  copy->client_key = g_strdup (config->client_key);
  copy->client_key_secret = g_strdup (config->client_key_secret);
  copy->ca_file = g_strdup (config->ca_file);
  copy->only_ca_file = config->only_ca_file;
  copy->connect_timeout = config->connect_timeout;
  copy->total_timeout = config->total_timeout;
  copy->stall_timeout = config->stall_timeout;
  return copy;
}

void
sintesi_gateway_config_free (SintesiGatewayConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->base_url);
  g_free (config->client_cert);
  g_free (config->client_key);
  if (config->client_key_secret != NULL)
    {
      explicit_bzero (config->client_key_secret, strlen (config->client_key_secret));
      g_free (config->client_key_secret);
    }
  g_free (config->ca_file);
  g_free (config);
}

SintesiGatewayRequest *
sintesi_gateway_request_copy (const SintesiGatewayRequest *request)
{
  SintesiGatewayRequest *copy = g_new0 (SintesiGatewayRequest, 1);

  copy->operation = request->operation;
  copy->document_id = g_strdup (request->document_id);
  copy->lookup_id = g_strdup (request->lookup_id);
  copy->bearer_token = g_strdup (request->bearer_token);
  copy->signature_token = g_strdup (request->signature_token);
  copy->request_body = g_strdup (request->request_body);
  copy->pdf = request->pdf != NULL ? g_bytes_ref (request->pdf) : NULL;
  copy->pdf_filename = g_strdup (request->pdf_filename);
  return copy;
}

void
sintesi_gateway_request_free (SintesiGatewayRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->document_id);
  g_free (request->lookup_id);
  g_free (request->bearer_token);
  g_free (request->signature_token);
  g_free (request->request_body);
  g_clear_pointer (&request->pdf, g_bytes_unref);
  g_free (request->pdf_filename);
  g_free (request);
}

static void
header_free (SintesiGatewayHeader *header)
{
  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

void
sintesi_gateway_response_free (SintesiGatewayResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->method);
  g_free (response->url);
  g_free (response->request_headers);
  g_free (response->status_line);
  g_clear_pointer (&response->headers, g_ptr_array_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->content_type);
  g_free (response->x_cart_id);
  g_free (response->trace_id);
  g_free (response->span_id);
  g_free (response->workflow_instance_id);
  g_free (response->warning);
  g_free (response->middleware_warning);
  g_free (response->error_type);
  g_free (response->error_title);
  g_free (response->error_detail);
  g_free (response->error_instance);
  g_free (response->error_code);
  g_clear_pointer (&response->status_events, json_node_unref);
  g_clear_error (&response->failure);
  g_free (response);
}

const char *
sintesi_gateway_response_get_header (SintesiGatewayResponse *response,
                                     const char             *name)
{
  /* Header names are case-insensitive (D7: X-CART-id, x-cart-id, …). */
  for (guint i = 0; response->headers != NULL && i < response->headers->len; i++)
    {
      SintesiGatewayHeader *header = g_ptr_array_index (response->headers, i);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }
  return NULL;
}

/* ---- body parsing ---- */

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GValue value = G_VALUE_INIT;
      GValue text = G_VALUE_INIT;
      char *result;

      json_node_get_value (node, &value);
      g_value_init (&text, G_TYPE_STRING);
      if (!g_value_transform (&value, &text))
        {
          g_value_unset (&value);
          return NULL;
        }
      result = g_value_dup_string (&text);
      g_value_unset (&value);
      g_value_unset (&text);
      return result;
    }
  return NULL;
}

static char *
nonempty_or_null (char *text)
{
  if (text != NULL)
    g_strstrip (text);
  if (text != NULL && *text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* A regional middleware appends its own warnings after a marker. */
static void
split_warning (SintesiGatewayResponse *response,
               char                   *warning)
{
  char *mark;

  if (warning == NULL)
    return;
  mark = strstr (warning, MIDDLEWARE_WARNING_MARK);
  if (mark != NULL)
    {
      response->middleware_warning = nonempty_or_null (g_strdup (mark + strlen (MIDDLEWARE_WARNING_MARK)));
      *mark = '\0';
    }
  response->warning = nonempty_or_null (g_strdup (warning));
}

static void
classify_error (SintesiGatewayResponse *response)
{
  const char *type = response->error_type;
  const char *detail = response->error_detail;
  const char *code_text = NULL;

  if (type != NULL && g_str_has_prefix (type, "/msg/"))
    response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_GATEWAY;
  else if (type != NULL && strstr (type, "govway") != NULL)
    response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_FRONTIER;
  else if (type != NULL && (g_str_has_prefix (type, "[GTW-") || g_str_has_prefix (type, "mw/")))
    response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_MIDDLEWARE;
  else
    response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_UNKNOWN;

  /* CART's own codes: "[GTW-015]" in the type or at the start of the detail. */
  if (type != NULL && g_str_has_prefix (type, "[GTW-"))
    code_text = type;
  else if (detail != NULL && g_str_has_prefix (detail, "[GTW-"))
    code_text = detail;
  if (code_text != NULL)
    {
      const char *end = strchr (code_text, ']');

      if (end != NULL)
        response->error_code = g_strndup (code_text, end - code_text + 1);
      response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_MIDDLEWARE;
    }
}

void
sintesi_gateway_response_parse_body (SintesiGatewayResponse *response)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize size = 0;
  JsonNode *root;
  JsonObject *object;
  gboolean looks_json;

  response->is_error = response->http_status >= 400;
  data = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;
  looks_json = (response->content_type != NULL && strstr (response->content_type, "json") != NULL) ||
               (size > 0 && data[0] == '{');
  if (size == 0 || !looks_json)
    {
      if (response->is_error)
        response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_UNKNOWN;
      return;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      response->body_malformed = TRUE;
      if (response->is_error)
        response->error_source = SINTESI_GATEWAY_ERROR_SOURCE_UNKNOWN;
      return;
    }
  object = json_node_get_object (root);

  response->trace_id = nonempty_or_null (dup_member (object, "traceID"));
  response->span_id = nonempty_or_null (dup_member (object, "spanID"));
  response->workflow_instance_id = nonempty_or_null (dup_member (object, "workflowInstanceId"));
  {
    g_autofree char *warning = dup_member (object, "warning");
    split_warning (response, warning);
  }

  if (json_object_has_member (object, "transactionData"))
    response->status_events = json_node_copy (json_object_get_member (object, "transactionData"));

  if (response->is_error)
    {
      g_autofree char *status = dup_member (object, "status");

      response->error_type = nonempty_or_null (dup_member (object, "type"));
      response->error_title = nonempty_or_null (dup_member (object, "title"));
      response->error_detail = nonempty_or_null (dup_member (object, "detail"));
      response->error_instance = nonempty_or_null (dup_member (object, "instance"));
      /* Do not trust `status` to be present or to equal the HTTP code. */
      response->error_body_status = status != NULL ? (int) g_ascii_strtoll (status, NULL, 10) : 0;
      classify_error (response);
    }
}

/* ---- the transfer ---- */

typedef struct
{
  SintesiGatewayResponse  *response;
  GString                 *body;
  GString                 *request_headers;
  gboolean                 body_too_large;
  GCancellable            *cancellable;
  SintesiGatewayProgress   progress;
  gpointer                 progress_data;
} Transfer;

static size_t
on_body (char   *data,
         size_t  size,
         size_t  count,
         void   *user_data)
{
  Transfer *transfer = user_data;
  size_t length = size * count;

  if (transfer->body->len + length > MAX_RESPONSE_BODY)
    {
      transfer->body_too_large = TRUE;
      return 0;
    }
  g_string_append_len (transfer->body, data, length);
  return length;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  count,
           void   *user_data)
{
  Transfer *transfer = user_data;
  SintesiGatewayResponse *response = transfer->response;
  size_t length = size * count;
  g_autofree char *line = g_strndup (data, length);
  char *colon;

  g_strchomp (line);
  if (g_str_has_prefix (line, "HTTP/"))
    {
      /* A new status line (after a 1xx): forget earlier headers. */
      g_ptr_array_set_size (response->headers, 0);
      g_free (response->status_line);
      response->status_line = g_strdup (line);
      return length;
    }
  colon = strchr (line, ':');
  if (colon != NULL)
    {
      SintesiGatewayHeader *header = g_new0 (SintesiGatewayHeader, 1);

      header->name = g_strndup (line, colon - line);
      header->value = g_strstrip (g_strdup (colon + 1));
      g_ptr_array_add (response->headers, header);
    }
  return length;
}

static int
on_debug (CURL          *handle,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Transfer *transfer = user_data;

  /* Only the request headers exactly as sent: the journal keeps them. */
  if (type == CURLINFO_HEADER_OUT)
    g_string_append_len (transfer->request_headers, data, size);
  return 0;
}

static int
on_progress (void       *user_data,
             curl_off_t  download_total,
             curl_off_t  downloaded,
             curl_off_t  upload_total,
             curl_off_t  uploaded)
{
  Transfer *transfer = user_data;

  if (g_cancellable_is_cancelled (transfer->cancellable))
    return 1;
  if (transfer->progress != NULL && upload_total > 0)
    transfer->progress ((guint64) uploaded, (guint64) upload_total, transfer->progress_data);
  return 0;
}

static gpointer
init_curl_once (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

/* The system trust store plus the profile's CA (D18). When libcurl finds the
 * system store in a folder (CAPATH, Debian's build), CAINFO can simply be the
 * profile's CA: both are used. When the store is one bundle file (CAINFO),
 * setting CAINFO would replace it, so the two are joined into a file of
 * public certificates. */
static char *
combined_ca_bundle (const char  *extra_ca,
                    GError     **error)
{
  const curl_version_info_data *info = curl_version_info (CURLVERSION_NOW);
  g_autofree char *system = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GString) bundle = g_string_new (NULL);
  char *path;

  if (info->cainfo == NULL || !g_file_get_contents (info->cainfo, &system, NULL, NULL))
    return g_strdup (extra_ca);
  if (!g_file_get_contents (extra_ca, &extra, NULL, error))
    return NULL;
  g_string_append (bundle, system);
  g_string_append_c (bundle, '\n');
  g_string_append (bundle, extra);

  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, bundle->str, bundle->len);
  dir = g_build_filename (sintesi_paths_get_data_dir (), "trust", NULL);
  if (!sintesi_paths_ensure_private_dir (dir, error))
    return NULL;
  path = g_strdup_printf ("%s/ca-bundle-%.16s.pem", dir, checksum);
  if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
      !sintesi_write_file_atomic (path, bundle->str, bundle->len, 0600, error))
    {
      g_free (path);
      return NULL;
    }
  return path;
}

static void
set_failure (SintesiGatewayResponse *response,
             CURLcode                code,
             const char             *detail)
{
  const char *reason = detail != NULL && *detail != '\0' ? detail : curl_easy_strerror (code);

  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_CONNECT,
                   _("Cannot reach the gateway at %s (%s). Check the network connection; nothing was sent."),
                   response->url, reason);
      break;
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TIMEOUT,
                   _("The gateway did not answer in time (%s). The outcome is unknown: check the document’s status before sending it again."),
                   reason);
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_SERVER,
                   _("The server at %s could not prove it is the gateway: its certificate is not trusted (%s). Nothing was sent."),
                   response->url, reason);
      break;
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_CLIENT,
                   _("Your authentication certificate (A1) could not be used (%s). Check it in the profile; nothing was sent."),
                   reason);
      break;
    case CURLE_SSL_CONNECT_ERROR:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_CLIENT,
                   _("The gateway refused the secure connection (%s): it may not accept your authentication certificate (A1). Nothing was sent."),
                   reason);
      break;
    case CURLE_PARTIAL_FILE:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TRUNCATED,
                   _("The gateway’s answer was cut short (%s). The outcome is unknown: check the document’s status before sending it again."),
                   reason);
      break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_RESET,
                   _("The connection to the gateway was closed during the exchange (%s). The outcome is unknown: check the document’s status before sending it again."),
                   reason);
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_CANCELLED,
                   _("The exchange was cancelled. If the request had already left, its outcome is unknown."));
      break;
    default:
      g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_FAILED,
                   _("The exchange with the gateway failed (%s)."), reason);
      break;
    }
}

static gboolean
check_request (const SintesiGatewayRequest  *request,
               GError                      **error)
{
  gboolean needs_pdf = request->operation == SINTESI_GATEWAY_CREATE ||
                       request->operation == SINTESI_GATEWAY_REPLACE;
  gboolean needs_signature = request->operation != SINTESI_GATEWAY_STATUS &&
                             request->operation != SINTESI_GATEWAY_STATUS_BY_TRACE;
  gboolean needs_body = needs_pdf || request->operation == SINTESI_GATEWAY_UPDATE_METADATA;

  if (request->bearer_token == NULL || *request->bearer_token == '\0' ||
      (needs_signature && (request->signature_token == NULL || *request->signature_token == '\0')))
    {
      g_set_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST,
                   _("The request has no authorization tokens."));
      return FALSE;
    }
  if (needs_pdf && (request->pdf == NULL || g_bytes_get_size (request->pdf) == 0))
    {
      g_set_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST,
                   _("The request has no signed PDF to send."));
      return FALSE;
    }
  if (needs_body && (request->request_body == NULL || *request->request_body == '\0'))
    {
      g_set_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST,
                   _("The request has no metadata (requestBody)."));
      return FALSE;
    }
  return TRUE;
}

SintesiGatewayResponse *
sintesi_gateway_send (const SintesiGatewayConfig  *config,
                      const SintesiGatewayRequest *request,
                      SintesiGatewayProgress       progress,
                      gpointer                     progress_data,
                      GCancellable                *cancellable,
                      GError                     **error)
{
  static GOnce curl_once = G_ONCE_INIT;
  g_autoptr(SintesiGatewayResponse) response = NULL;
  g_autofree char *url = NULL;
  g_autofree char *ca_bundle = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *signature = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  curl_mime *mime = NULL;
  Transfer transfer = { 0 };
  CURL *curl;
  CURLcode code;
  long http_status = 0;
  double elapsed = 0;
  const char *content_type = NULL;

  g_once (&curl_once, init_curl_once, NULL);

  if (!check_request (request, error))
    return NULL;
  url = sintesi_gateway_build_url (config->base_url, request, error);
  if (url == NULL)
    return NULL;
  if (config->ca_file != NULL && !config->only_ca_file)
    {
      ca_bundle = combined_ca_bundle (config->ca_file, error);
      if (ca_bundle == NULL)
        return NULL;
    }

  response = g_new0 (SintesiGatewayResponse, 1);
  response->method = g_strdup (sintesi_gateway_operation_method (request->operation));
  response->url = g_strdup (url);
  response->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) header_free);

  transfer.response = response;
  transfer.body = g_string_new (NULL);
  transfer.request_headers = g_string_new (NULL);
  transfer.cancellable = cancellable;
  transfer.progress = progress;
  transfer.progress_data = progress_data;

  curl = curl_easy_init ();
  if (curl == NULL)
    g_error ("curl_easy_init failed: out of memory");

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  /* TLS verification is never switched off (D18). */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (config->only_ca_file && config->ca_file != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_CAINFO, config->ca_file);
      curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
    }
  else if (ca_bundle != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, ca_bundle);

  if (config->client_cert != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_SSLCERT, config->client_cert);
      if (!g_str_has_prefix (config->client_cert, "pkcs11:"))
        curl_easy_setopt (curl, CURLOPT_SSLCERTTYPE, "PEM");
    }
  if (config->client_key != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_SSLKEY, config->client_key);
      if (!g_str_has_prefix (config->client_key, "pkcs11:"))
        curl_easy_setopt (curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
  if (config->client_key_secret != NULL)
    curl_easy_setopt (curl, CURLOPT_KEYPASSWD, config->client_key_secret);

  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) (config->connect_timeout ? config->connect_timeout : DEFAULT_CONNECT_TIMEOUT));
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) (config->total_timeout ? config->total_timeout : DEFAULT_TOTAL_TIMEOUT));
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long) (config->stall_timeout ? config->stall_timeout : DEFAULT_STALL_TIMEOUT));

  headers = curl_slist_append (headers, "Accept: application/json");
  bearer = g_strconcat ("Authorization: Bearer ", request->bearer_token, NULL);
  headers = curl_slist_append (headers, bearer);
  if (request->signature_token != NULL &&
      request->operation != SINTESI_GATEWAY_STATUS &&
      request->operation != SINTESI_GATEWAY_STATUS_BY_TRACE)
    {
      signature = g_strconcat ("FSE-JWT-Signature: ", request->signature_token, NULL);
      headers = curl_slist_append (headers, signature);
    }
  /* No "Expect: 100-continue" round trip: the answer comes in one go. */
  headers = curl_slist_append (headers, "Expect:");

  switch (request->operation)
    {
    case SINTESI_GATEWAY_CREATE:
    case SINTESI_GATEWAY_REPLACE:
      {
        curl_mimepart *part;
        gsize pdf_size;
        const void *pdf_data = g_bytes_get_data (request->pdf, &pdf_size);

        mime = curl_mime_init (curl);
        /* requestBody is a plain form field: no filename, no type (§2). */
        part = curl_mime_addpart (mime);
        curl_mime_name (part, "requestBody");
        curl_mime_data (part, request->request_body, CURL_ZERO_TERMINATED);
        part = curl_mime_addpart (mime);
        curl_mime_name (part, "file");
        curl_mime_data (part, pdf_data, pdf_size);
        curl_mime_filename (part, request->pdf_filename != NULL ? request->pdf_filename : "documento.pdf");
        curl_mime_type (part, "application/pdf");
        curl_easy_setopt (curl, CURLOPT_MIMEPOST, mime);
        if (request->operation == SINTESI_GATEWAY_REPLACE)
          curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, "PUT");
      }
      break;
    case SINTESI_GATEWAY_UPDATE_METADATA:
      headers = curl_slist_append (headers, "Content-Type: application/json");
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request->request_body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) strlen (request->request_body));
      curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, "PUT");
      break;
    case SINTESI_GATEWAY_DELETE:
      curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, "DELETE");
      break;
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
    default:
      curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
      break;
    }
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);

  code = curl_easy_perform (curl);

  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_easy_getinfo (curl, CURLINFO_TOTAL_TIME, &elapsed);
  curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &content_type);
  response->http_status = (guint) http_status;
  response->elapsed_seconds = elapsed;
  response->content_type = g_strdup (content_type);
  response->request_headers = g_string_free (g_steal_pointer (&transfer.request_headers), FALSE);
  response->body = g_string_free_to_bytes (g_steal_pointer (&transfer.body));
  response->x_cart_id = g_strdup (sintesi_gateway_response_get_header (response, "X-CART-id"));

  if (code == CURLE_WRITE_ERROR && transfer.body_too_large)
    g_set_error (&response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_FAILED,
                 _("The gateway’s answer is unreasonably large; it was not read to the end."));
  else if (code != CURLE_OK)
    set_failure (response, code, errbuf);

  if (response->http_status > 0)
    sintesi_gateway_response_parse_body (response);

  curl_slist_free_all (headers);
  curl_mime_free (mime);
  curl_easy_cleanup (curl);
  if (bearer != NULL)
    explicit_bzero (bearer, strlen (bearer));
  if (signature != NULL)
    explicit_bzero (signature, strlen (signature));

  return g_steal_pointer (&response);
}

/* ---- asynchronous ---- */

typedef struct
{
  SintesiGatewayConfig   *config;
  SintesiGatewayRequest  *request;
  SintesiGatewayProgress  progress;
  gpointer                progress_data;
  GMainContext           *context;
} SendData;

typedef struct
{
  SintesiGatewayProgress  progress;
  gpointer                progress_data;
  guint64                 sent;
  guint64                 total;
} ProgressEvent;

static void
send_data_free (SendData *data)
{
  sintesi_gateway_config_free (data->config);
  sintesi_gateway_request_free (data->request);
  g_main_context_unref (data->context);
  g_free (data);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *event = user_data;

  event->progress (event->sent, event->total, event->progress_data);
  return G_SOURCE_REMOVE;
}

static void
forward_progress (guint64  sent,
                  guint64  total,
                  gpointer user_data)
{
  SendData *data = user_data;
  ProgressEvent *event = g_new0 (ProgressEvent, 1);

  event->progress = data->progress;
  event->progress_data = data->progress_data;
  event->sent = sent;
  event->total = total;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_progress, event, g_free);
}

static void
send_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SendData *data = task_data;
  GError *error = NULL;
  SintesiGatewayResponse *response;

  response = sintesi_gateway_send (data->config, data->request,
                                   data->progress != NULL ? forward_progress : NULL, data,
                                   cancellable, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) sintesi_gateway_response_free);
}

void
sintesi_gateway_send_async (const SintesiGatewayConfig  *config,
                            const SintesiGatewayRequest *request,
                            SintesiGatewayProgress       progress,
                            gpointer                     progress_data,
                            GCancellable                *cancellable,
                            GAsyncReadyCallback          callback,
                            gpointer                     user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SendData *data = g_new0 (SendData, 1);

  data->config = sintesi_gateway_config_copy (config);
  data->request = sintesi_gateway_request_copy (request);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, sintesi_gateway_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  /* A cancelled exchange still returns its (partial) response. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, send_in_thread);
}

SintesiGatewayResponse *
sintesi_gateway_send_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
