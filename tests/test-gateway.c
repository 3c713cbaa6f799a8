/* test-gateway.c: URLs, the wire format of each operation, answer parsing,
 * and the asynchronous API of the gateway client */
#include "config.h"

#include <string.h>

#include "sintesi-gateway.h"
#include "sintesi-ids.h"
#include "sintesi-test-sim.h"
#include "sintesi-test-util.h"

#define DOC_ID "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18881699"

static void
test_urls (void)
{
  SintesiGatewayRequest request = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *escaped = sintesi_ids_percent_encode_segment (DOC_ID);

  g_assert_cmpstr (escaped, ==, "2.16.840.1.113883.2.9.2.90.4.4%5E090201.PSS.201.SINTESI18881699");

  request.operation = SINTESI_GATEWAY_CREATE;
  url = sintesi_gateway_build_url ("https://gw.example/gateway/v2", &request, &error);
  g_assert_cmpstr (url, ==, "https://gw.example/gateway/v2/documents/validate-and-create");
  g_clear_pointer (&url, g_free);

  request.operation = SINTESI_GATEWAY_REPLACE;
  request.document_id = (char *) DOC_ID;
  url = sintesi_gateway_build_url ("https://gw.example/gateway/v2/", &request, &error);
  g_assert_cmpstr (url, ==, "https://gw.example/gateway/v2/documents/2.16.840.1.113883.2.9.2.90.4.4%5E090201.PSS.201.SINTESI18881699");
  g_clear_pointer (&url, g_free);

  request.operation = SINTESI_GATEWAY_UPDATE_METADATA;
  url = sintesi_gateway_build_url ("https://gw.example/gateway/v2/", &request, &error);
  g_assert_true (g_str_has_suffix (url, "%5E090201.PSS.201.SINTESI18881699/metadati"));
  g_clear_pointer (&url, g_free);

  request.operation = SINTESI_GATEWAY_STATUS_BY_TRACE;
  request.lookup_id = (char *) "7e1c0b9a";
  url = sintesi_gateway_build_url ("https://gw.example/gateway/v2/", &request, &error);
  g_assert_cmpstr (url, ==, "https://gw.example/gateway/v2/status/search/7e1c0b9a");
  g_clear_pointer (&url, g_free);

  /* Never plain HTTP: TLS cannot be switched off (D18). */
  url = sintesi_gateway_build_url ("http://gw.example/gateway/v2/", &request, &error);
  g_assert_null (url);
  g_assert_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  request.operation = SINTESI_GATEWAY_DELETE;
  request.document_id = NULL;
  url = sintesi_gateway_build_url ("https://gw.example/gateway/v2/", &request, &error);
  g_assert_null (url);
  g_assert_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST);
}

static SintesiGatewayResponse *
response_with_body (guint http_status, const char *content_type, const char *body)
{
  SintesiGatewayResponse *response = g_new0 (SintesiGatewayResponse, 1);

  response->http_status = http_status;
  response->content_type = g_strdup (content_type);
  response->body = g_bytes_new (body, strlen (body));
  sintesi_gateway_response_parse_body (response);
  return response;
}

static void
test_parse_success (void)
{
  g_autoptr(SintesiGatewayResponse) response = NULL;

  response = response_with_body (202, "application/json",
                                 "{\"traceID\":\"a1b2\",\"spanID\":\"c3d4\",\"workflowInstanceId\":\"2.16.wii^^^^urn:ihe:iti:xdw:2013:workflowInstanceId\","
                                 "\"warning\":\"[W001 | schematron warning] --middlewarewarning-- Avviso regionale\"}");
  g_assert_false (response->is_error);
  g_assert_cmpstr (response->trace_id, ==, "a1b2");
  g_assert_cmpstr (response->span_id, ==, "c3d4");
  g_assert_cmpstr (response->workflow_instance_id, ==, "2.16.wii^^^^urn:ihe:iti:xdw:2013:workflowInstanceId");
  g_assert_cmpstr (response->warning, ==, "[W001 | schematron warning]");
  g_assert_cmpstr (response->middleware_warning, ==, "Avviso regionale");
  g_clear_pointer (&response, sintesi_gateway_response_free);

  /* An empty warning is no warning (§6.1). */
  response = response_with_body (202, "application/json", "{\"traceID\":\"a\",\"warning\":\"\"}");
  g_assert_null (response->warning);
  g_assert_null (response->middleware_warning);
}

static void
test_parse_errors (void)
{
  g_autoptr(SintesiGatewayResponse) response = NULL;

  /* The gateway's own problem+json, without `status` (§6.2). */
  response = response_with_body (403, "application/problem+json",
                                 "{\"traceID\":\"t\",\"spanID\":\"s\",\"type\":\"/msg/jwt-validation\",\"title\":\"Campo token JWT non valido.\","
                                 "\"detail\":\"Il campo action_id non è coerente con le operazioni richieste\",\"instance\":\"/jwt-mandatory-field-malformed\","
                                 "\"workflowInstanceId\":\"UNKNOWN_WORKFLOW_ID\"}");
  g_assert_true (response->is_error);
  g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_GATEWAY);
  g_assert_cmpstr (response->error_type, ==, "/msg/jwt-validation");
  g_assert_cmpstr (response->error_instance, ==, "/jwt-mandatory-field-malformed");
  g_assert_cmpint (response->error_body_status, ==, 0);
  g_clear_pointer (&response, sintesi_gateway_response_free);

  /* A body status different from the HTTP one is reported as is. */
  response = response_with_body (400, "application/problem+json",
                                 "{\"type\":\"/msg/record-not-found\",\"title\":\"Record non trovato.\",\"status\":404}");
  g_assert_cmpuint (response->http_status, ==, 400);
  g_assert_cmpint (response->error_body_status, ==, 404);
  g_clear_pointer (&response, sintesi_gateway_response_free);

  /* GovWay at the frontier. */
  response = response_with_body (401, "application/problem+json",
                                 "{\"type\":\"https://govway.org/handling-errors/401/TokenAuthenticationFailed.html\",\"title\":\"TokenAuthenticationFailed\",\"detail\":\"Invalid token\",\"govway_id\":\"x\"}");
  g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_FRONTIER);
  g_clear_pointer (&response, sintesi_gateway_response_free);

  /* CART's own codes. */
  response = response_with_body (400, "application/json",
                                 "{\"traceID\":\"R3VERR\",\"spanID\":\"R3VERR\",\"type\":\"[GTW-015]\",\"title\":\"Errore di validazione durante il processamento della richiesta\","
                                 "\"detail\":\"[GTW-015]: Il codice fiscale nel CDA non ha un formato valido.\"}");
  g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_MIDDLEWARE);
  g_assert_cmpstr (response->error_code, ==, "[GTW-015]");
  g_clear_pointer (&response, sintesi_gateway_response_free);

  /* Not JSON at all (an HTML error page). */
  response = response_with_body (502, "text/html", "<html>Bad Gateway</html>");
  g_assert_true (response->is_error);
  g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_UNKNOWN);
  g_assert_null (response->error_type);
  g_clear_pointer (&response, sintesi_gateway_response_free);

  /* JSON announced but broken. */
  response = response_with_body (500, "application/json", "{\"type\":\"/msg/gen");
  g_assert_true (response->body_malformed);
  g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_UNKNOWN);
}

static void
test_request_without_tokens_is_refused (void)
{
  SintesiGatewayConfig config = { 0 };
  SintesiGatewayRequest request = { 0 };
  g_autoptr(GError) error = NULL;
  SintesiGatewayResponse *response;

  config.base_url = (char *) "https://127.0.0.1:1/gateway/v2/";
  request.operation = SINTESI_GATEWAY_CREATE;
  request.bearer_token = (char *) "a.b.c";
  response = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  request.signature_token = (char *) "d.e.f";
  response = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "PDF"));
}

static void
make_config (SintesiTestSim *sim, SintesiGatewayConfig *config)
{
  memset (config, 0, sizeof *config);
  config->base_url = (char *) sim->base_url;
  config->client_cert = sim->client->cert;
  config->client_key = sim->client_key_encrypted;
  config->client_key_secret = sim->client_key_password;
  config->ca_file = sim->ca->cert;
  config->only_ca_file = TRUE;
}

static GBytes *
fake_pdf (gsize size)
{
  GByteArray *pdf = g_byte_array_new ();
  static const char head[] = "%PDF-1.7\n";

  g_byte_array_append (pdf, (const guint8 *) head, strlen (head));
  while (pdf->len < size)
    {
      guint8 byte = (guint8) g_random_int_range (0, 256);
      g_byte_array_append (pdf, &byte, 1);
    }
  return g_byte_array_free_to_bytes (pdf);
}

/* The multipart layout, byte by byte (§2): two parts, requestBody a plain
 * field without filename, file with a filename and application/pdf. */
static void
test_multipart_layout (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  SintesiTestSim *sim = sintesi_test_sim_start (tmp, NULL);
  SintesiGatewayConfig config;
  SintesiGatewayRequest request = { 0 };
  g_autoptr(SintesiGatewayResponse) response = NULL;
  g_autoptr(GBytes) pdf = fake_pdf (70000);
  const char *body_json = "{\"identificativoDoc\":\"" DOC_ID "\",\"tipoDocumentoLivAlto\":\"SUM\"}";
  SintesiSimCapturedRequest *captured;
  g_autofree char *boundary = NULL;
  g_autofree char *expected_head = NULL;
  g_autofree char *expected_file_head = NULL;
  g_autofree char *expected_tail = NULL;
  const char *data;
  gsize size;
  gsize offset = 0;

  make_config (sim, &config);
  request.operation = SINTESI_GATEWAY_CREATE;
  request.bearer_token = (char *) "aGVhZGVy.cGF5bG9hZA.c2ln";
  request.signature_token = (char *) "aGVhZGVy.cGF5bG9hZA.c2ln";
  request.request_body = (char *) body_json;
  request.pdf = pdf;
  request.pdf_filename = (char *) "pss.pdf";
  response = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, NULL);
  g_assert_no_error (response->failure);
  g_assert_cmpstr (response->method, ==, "POST");

  captured = sintesi_test_sim_captured (sim, 0);
  g_assert_cmpstr (captured->method, ==, "POST");
  g_assert_cmpstr (captured->raw_path, ==, "/gateway/v2/documents/validate-and-create");
  g_assert_true (g_str_has_prefix (captured->content_type, "multipart/form-data; boundary="));
  g_assert_nonnull (strstr (captured->headers, "FSE-JWT-Signature: aGVhZGVy.cGF5bG9hZA.c2ln\n"));
  g_assert_nonnull (strstr (captured->headers, "Authorization: Bearer aGVhZGVy.cGF5bG9hZA.c2ln\n"));
  g_assert_nonnull (strstr (captured->headers, "Accept: application/json\n"));
  boundary = g_strdup (captured->content_type + strlen ("multipart/form-data; boundary="));

  data = g_bytes_get_data (captured->body, &size);
  expected_head = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"requestBody\"\r\n\r\n%s\r\n",
                                   boundary, body_json);
  g_assert_cmpmem (data, strlen (expected_head), expected_head, strlen (expected_head));
  offset += strlen (expected_head);
  expected_file_head = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pss.pdf\"\r\n"
                                        "Content-Type: application/pdf\r\n\r\n", boundary);
  g_assert_cmpmem (data + offset, strlen (expected_file_head), expected_file_head, strlen (expected_file_head));
  offset += strlen (expected_file_head);
  g_assert_cmpmem (data + offset, g_bytes_get_size (pdf), g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  offset += g_bytes_get_size (pdf);
  expected_tail = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  g_assert_cmpmem (data + offset, size - offset, expected_tail, strlen (expected_tail));

  sintesi_test_captured_free (captured);
  sintesi_test_sim_stop (sim);
  sintesi_test_rmdir (tmp);
}

static void
test_metadata_and_delete_wire (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  SintesiTestSim *sim = sintesi_test_sim_start (tmp, NULL);
  SintesiGatewayConfig config;
  SintesiGatewayRequest request = { 0 };
  g_autoptr(SintesiGatewayResponse) update = NULL;
  g_autoptr(SintesiGatewayResponse) removal = NULL;
  SintesiSimCapturedRequest *captured;
  const char *json = "{\"tipoDocumentoLivAlto\":\"SUM\"}";

  make_config (sim, &config);
  request.operation = SINTESI_GATEWAY_UPDATE_METADATA;
  request.document_id = (char *) DOC_ID;
  request.bearer_token = (char *) "a.b.c";
  request.signature_token = (char *) "d.e.f";
  request.request_body = (char *) json;
  update = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, NULL);
  request.operation = SINTESI_GATEWAY_DELETE;
  request.request_body = NULL;
  removal = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, NULL);
  g_assert_no_error (update->failure);
  g_assert_no_error (removal->failure);

  captured = sintesi_test_sim_captured (sim, 0);
  g_assert_cmpstr (captured->method, ==, "PUT");
  g_assert_cmpstr (captured->raw_path, ==, "/gateway/v2/documents/" DOC_ID "/metadati");
  g_assert_cmpstr (captured->content_type, ==, "application/json");
  g_assert_cmpmem (g_bytes_get_data (captured->body, NULL), g_bytes_get_size (captured->body), json, strlen (json));
  g_assert_nonnull (strstr (update->request_headers, "PUT /gateway/v2/documents/2.16.840.1.113883.2.9.2.90.4.4%5E090201.PSS.201.SINTESI18881699/metadati HTTP/1.1"));

  sintesi_test_captured_free (captured);
  captured = sintesi_test_sim_captured (sim, 1);
  g_assert_cmpstr (captured->method, ==, "DELETE");
  g_assert_cmpuint (g_bytes_get_size (captured->body), ==, 0);
  g_assert_nonnull (strstr (removal->request_headers, "DELETE /gateway/v2/documents/2.16.840.1.113883.2.9.2.90.4.4%5E090201.PSS.201.SINTESI18881699 HTTP/1.1"));
  sintesi_test_captured_free (captured);

  sintesi_test_sim_stop (sim);
  sintesi_test_rmdir (tmp);
}

typedef struct
{
  GMainLoop              *loop;
  SintesiGatewayResponse *response;
  GError                 *error;
  guint64                 last_sent;
  guint64                 total;
  guint                   progress_calls;
  GThread                *caller;
} AsyncResult;

static void
on_progress (guint64 sent, guint64 total, gpointer user_data)
{
  AsyncResult *result = user_data;

  /* Progress reaches the caller's thread, so a GUI can draw it. */
  g_assert_true (g_thread_self () == result->caller);
  result->progress_calls++;
  result->last_sent = sent;
  result->total = total;
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AsyncResult *result = user_data;

  result->response = sintesi_gateway_send_finish (res, &result->error);
  g_main_loop_quit (result->loop);
}

static void
test_async_with_progress (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  SintesiTestSim *sim = sintesi_test_sim_start (tmp, NULL);
  SintesiGatewayConfig config;
  SintesiGatewayRequest request = { 0 };
  g_autoptr(GBytes) pdf = fake_pdf (2 * 1024 * 1024);
  AsyncResult result = { 0 };

  make_config (sim, &config);
  request.operation = SINTESI_GATEWAY_CREATE;
  request.bearer_token = (char *) "a.b.c";
  request.signature_token = (char *) "d.e.f";
  request.request_body = (char *) "{}";
  request.pdf = pdf;
  result.loop = g_main_loop_new (NULL, FALSE);
  result.caller = g_thread_self ();
  sintesi_gateway_send_async (&config, &request, on_progress, &result, NULL, on_sent, &result);
  g_main_loop_run (result.loop);
  /* Let queued progress reports arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_no_error (result.error);
  g_assert_no_error (result.response->failure);
  g_assert_cmpuint (result.response->http_status, ==, 401);
  g_assert_cmpuint (result.progress_calls, >, 0);
  g_assert_cmpuint (result.total, >, g_bytes_get_size (pdf));
  g_assert_cmpuint (result.last_sent, ==, result.total);

  sintesi_gateway_response_free (result.response);
  g_main_loop_unref (result.loop);
  sintesi_test_sim_stop (sim);
  sintesi_test_rmdir (tmp);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_async_cancel (void)
{
  const char *faults[] = { "hang", NULL };
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  SintesiTestSim *sim = sintesi_test_sim_start (tmp, faults);
  SintesiGatewayConfig config;
  SintesiGatewayRequest request = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult result = { 0 };

  make_config (sim, &config);
  request.operation = SINTESI_GATEWAY_STATUS;
  request.lookup_id = (char *) "wii";
  request.bearer_token = (char *) "a.b.c";
  result.loop = g_main_loop_new (NULL, FALSE);
  result.caller = g_thread_self ();
  g_timeout_add (300, cancel_later, cancellable);
  sintesi_gateway_send_async (&config, &request, NULL, NULL, cancellable, on_sent, &result);
  g_main_loop_run (result.loop);

  g_assert_no_error (result.error);
  g_assert_error (result.response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_CANCELLED);
  sintesi_gateway_response_free (result.response);
  g_main_loop_unref (result.loop);
  sintesi_test_sim_stop (sim);
  sintesi_test_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gateway/urls", test_urls);
  g_test_add_func ("/gateway/parse-success", test_parse_success);
  g_test_add_func ("/gateway/parse-errors", test_parse_errors);
  g_test_add_func ("/gateway/request-without-tokens-is-refused", test_request_without_tokens_is_refused);
  g_test_add_func ("/gateway/multipart-layout", test_multipart_layout);
  g_test_add_func ("/gateway/metadata-and-delete-wire", test_metadata_and_delete_wire);
  g_test_add_func ("/gateway/async-with-progress", test_async_with_progress);
  g_test_add_func ("/gateway/async-cancel", test_async_cancel);
  return g_test_run ();
}
