/* test-gateway-faults.c: every way an exchange can go wrong gives a
 * distinct, clear outcome; nothing crashes and nothing is resent. */
#include "config.h"

#include <string.h>

#include "sintesi-gateway.h"
#include "sintesi-test-sim.h"
#include "sintesi-test-util.h"

typedef struct
{
  char           *tmp;
  SintesiTestSim *sim;
} Fixture;

static void
fixture_start (Fixture *f, const char * const *faults)
{
  f->tmp = sintesi_test_mkdtemp ();
  f->sim = sintesi_test_sim_start (f->tmp, faults);
}

static void
fixture_stop (Fixture *f)
{
  sintesi_test_sim_stop (f->sim);
  sintesi_test_rmdir (f->tmp);
  g_free (f->tmp);
}

static void
make_config (Fixture *f, SintesiGatewayConfig *config)
{
  memset (config, 0, sizeof *config);
  config->base_url = (char *) f->sim->base_url;
  config->client_cert = f->sim->client->cert;
  config->client_key = f->sim->client_key_encrypted;
  config->client_key_secret = f->sim->client_key_password;
  config->ca_file = f->sim->ca->cert;
  config->only_ca_file = TRUE;
  config->connect_timeout = 5;
  config->total_timeout = 10;
  config->stall_timeout = 10;
}

/* The tokens are not valid: the frontier answers 401, which is enough to
 * prove that an answer arrived. */
static SintesiGatewayResponse *
send_status (const SintesiGatewayConfig *config)
{
  SintesiGatewayRequest request = { 0 };
  g_autoptr(GError) error = NULL;
  SintesiGatewayResponse *response;

  request.operation = SINTESI_GATEWAY_STATUS;
  request.lookup_id = (char *) "2.16.840.1.113883.2.9.2.90.4.4.abc^^^^urn:ihe:iti:xdw:2013:workflowInstanceId";
  request.bearer_token = (char *) "aGVhZGVy.cGF5bG9hZA.c2ln";
  response = sintesi_gateway_send (config, &request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static guint
request_count (Fixture *f)
{
  return sintesi_test_sim_request_count (f->sim);
}

/* Starts a simulator with one fault spec (NULL: none), sends one status
 * call (total_timeout 0 keeps the default), stops the simulator and returns
 * the answer; *requests is how many requests the simulator received. */
static SintesiGatewayResponse *
status_with_fault (const char *fault,
                   guint       total_timeout,
                   guint      *requests)
{
  const char *faults[] = { fault, NULL };
  Fixture f;
  SintesiGatewayConfig config;
  SintesiGatewayResponse *response;

  fixture_start (&f, fault != NULL ? faults : NULL);
  make_config (&f, &config);
  if (total_timeout > 0)
    config.total_timeout = total_timeout;
  response = send_status (&config);
  *requests = request_count (&f);
  fixture_stop (&f);
  return response;
}

static void
test_answer_arrives (void)
{
  guint requests = 0;
  g_autoptr(SintesiGatewayResponse) response = status_with_fault (NULL, 0, &requests);

  g_assert_no_error (response->failure);
  g_assert_cmpuint (response->http_status, ==, 401);
  g_assert_true (response->is_error);
  g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_FRONTIER);
  g_assert_nonnull (response->x_cart_id);
  g_assert_true (g_uuid_string_is_valid (response->x_cart_id));
  g_assert_nonnull (strstr (response->request_headers, "Authorization: Bearer aGVhZGVy"));
  g_assert_nonnull (strstr (response->url, "status/2.16.840.1.113883.2.9.2.90.4.4.abc%5E%5E%5E%5Eurn%3Aihe"));
  g_assert_cmpuint (requests, ==, 1);
}

static void
test_slow_answer (void)
{
  guint requests = 0;
  g_autoptr(SintesiGatewayResponse) response = status_with_fault ("delay=2", 0, &requests);

  g_assert_no_error (response->failure);
  g_assert_cmpuint (response->http_status, ==, 401);
  g_assert_cmpfloat (response->elapsed_seconds, >=, 1.9);
  g_assert_nonnull (response->x_cart_id);
}

static void
test_hang_past_timeout (void)
{
  guint requests = 0;
  g_autoptr(SintesiGatewayResponse) response = status_with_fault ("hang", 2, &requests);

  g_assert_error (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (response->failure->message, "outcome is unknown"));
  g_assert_cmpuint (response->http_status, ==, 0);
  g_assert_null (response->x_cart_id);
  g_assert_cmpuint (requests, ==, 1);
}

static void
test_connection_reset (void)
{
  guint requests = 0;
  g_autoptr(SintesiGatewayResponse) response = status_with_fault ("reset", 0, &requests);

  g_assert_error (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_RESET);
  g_assert_cmpuint (requests, ==, 1);
}

static void
test_server_errors (void)
{
  static const guint statuses[] = { 500, 502, 503, 504 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *spec = g_strdup_printf ("status=%u", statuses[i]);
      guint requests = 0;
      g_autoptr(SintesiGatewayResponse) response = status_with_fault (spec, 0, &requests);

      g_assert_no_error (response->failure);
      g_assert_cmpuint (response->http_status, ==, statuses[i]);
      g_assert_true (response->is_error);
      g_assert_cmpint (response->error_source, ==, SINTESI_GATEWAY_ERROR_SOURCE_MIDDLEWARE);
      g_assert_cmpstr (response->error_type, ==, statuses[i] == 504 ? "mw/io_error" : "mw/internal_error");
      g_assert_nonnull (response->x_cart_id);
      g_assert_cmpuint (requests, ==, 1);
    }
}

static void
test_truncated_answer (void)
{
  guint requests = 0;
  g_autoptr(SintesiGatewayResponse) response = status_with_fault ("truncate", 0, &requests);

  g_assert_error (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TRUNCATED);
  /* What did arrive is kept: the receipt above all. */
  g_assert_cmpuint (response->http_status, ==, 401);
  g_assert_nonnull (response->x_cart_id);
  g_assert_true (response->body_malformed);
}

static void
test_missing_cart_id (void)
{
  guint requests = 0;
  g_autoptr(SintesiGatewayResponse) response = status_with_fault ("no-cart-id", 0, &requests);

  g_assert_no_error (response->failure);
  g_assert_cmpuint (response->http_status, ==, 401);
  g_assert_null (response->x_cart_id);
}

static void
test_fault_on_second_request_only (void)
{
  const char *faults[] = { "status=503,on=2", NULL };
  Fixture f;
  SintesiGatewayConfig config;
  g_autoptr(SintesiGatewayResponse) first = NULL;
  g_autoptr(SintesiGatewayResponse) second = NULL;

  fixture_start (&f, faults);
  make_config (&f, &config);
  first = send_status (&config);
  second = send_status (&config);
  g_assert_cmpuint (first->http_status, ==, 401);
  g_assert_cmpuint (second->http_status, ==, 503);
  fixture_stop (&f);
}

static void
test_no_client_certificate (void)
{
  Fixture f;
  SintesiGatewayConfig config;
  g_autoptr(SintesiGatewayResponse) response = NULL;

  fixture_start (&f, NULL);
  make_config (&f, &config);
  config.client_cert = NULL;
  config.client_key = NULL;
  config.client_key_secret = NULL;
  response = send_status (&config);
  g_assert_nonnull (response->failure);
  g_assert_true (g_error_matches (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_CLIENT) ||
                 g_error_matches (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_RESET));
  g_assert_cmpuint (response->http_status, ==, 0);
  g_assert_cmpuint (request_count (&f), ==, 0);
  fixture_stop (&f);
}

static void
test_expired_client_certificate (void)
{
  Fixture f;
  SintesiGatewayConfig config;
  g_autoptr(SintesiGatewayResponse) response = NULL;
  SintesiTestLeafOptions expired = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -400, -10, NULL };
  g_autoptr(SintesiTestLeaf) old = NULL;

  fixture_start (&f, NULL);
  old = sintesi_test_ca_issue (f.sim->ca, "a1-expired", "A1#090201PSSMNZLSN99E05F205J", &expired);
  make_config (&f, &config);
  config.client_cert = old->cert;
  config.client_key = old->key;
  config.client_key_secret = NULL;
  response = send_status (&config);
  g_assert_nonnull (response->failure);
  g_assert_true (g_error_matches (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_CLIENT) ||
                 g_error_matches (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_RESET));
  g_assert_cmpuint (request_count (&f), ==, 0);
  fixture_stop (&f);
}

static void
test_unknown_server_ca (void)
{
  Fixture f;
  SintesiGatewayConfig config;
  g_autoptr(SintesiGatewayResponse) response = NULL;
  g_autofree char *other_dir = NULL;
  g_autoptr(SintesiTestCa) other = NULL;

  fixture_start (&f, NULL);
  other_dir = g_build_filename (f.tmp, "other", NULL);
  other = sintesi_test_ca_new (other_dir, "other", "Somebody Else's CA");
  make_config (&f, &config);
  config.ca_file = other->cert;
  response = send_status (&config);
  g_assert_error (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_SERVER);
  g_assert_cmpuint (request_count (&f), ==, 0);
  fixture_stop (&f);
}

static void
test_wrong_key_password (void)
{
  Fixture f;
  SintesiGatewayConfig config;
  g_autoptr(SintesiGatewayResponse) response = NULL;

  fixture_start (&f, NULL);
  make_config (&f, &config);
  config.client_key_secret = (char *) "not the secret";
  response = send_status (&config);
  g_assert_error (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_TLS_CLIENT);
  g_assert_cmpuint (request_count (&f), ==, 0);
  fixture_stop (&f);
}

static void
test_connection_refused (void)
{
  SintesiGatewayConfig config = { 0 };
  SintesiGatewayRequest request = { 0 };
  g_autoptr(SintesiGatewayResponse) response = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port;

  /* A port that was free a moment ago and has nobody listening. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_socket_listener_close (listener);
  config.base_url = g_strdup_printf ("https://127.0.0.1:%u/gateway/v2/", port);
  config.connect_timeout = 5;
  request.operation = SINTESI_GATEWAY_STATUS_BY_TRACE;
  request.lookup_id = (char *) "abc";
  request.bearer_token = (char *) "a.b.c";
  response = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, NULL);
  g_assert_error (response->failure, SINTESI_GATEWAY_ERROR, SINTESI_GATEWAY_ERROR_CONNECT);
  g_free (config.base_url);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gateway-faults/answer-arrives", test_answer_arrives);
  g_test_add_func ("/gateway-faults/slow-answer", test_slow_answer);
  g_test_add_func ("/gateway-faults/hang-past-timeout", test_hang_past_timeout);
  g_test_add_func ("/gateway-faults/connection-reset", test_connection_reset);
  g_test_add_func ("/gateway-faults/server-errors", test_server_errors);
  g_test_add_func ("/gateway-faults/truncated-answer", test_truncated_answer);
  g_test_add_func ("/gateway-faults/missing-cart-id", test_missing_cart_id);
  g_test_add_func ("/gateway-faults/fault-on-second-request-only", test_fault_on_second_request_only);
  g_test_add_func ("/gateway-faults/no-client-certificate", test_no_client_certificate);
  g_test_add_func ("/gateway-faults/expired-client-certificate", test_expired_client_certificate);
  g_test_add_func ("/gateway-faults/unknown-server-ca", test_unknown_server_ca);
  g_test_add_func ("/gateway-faults/wrong-key-password", test_wrong_key_password);
  g_test_add_func ("/gateway-faults/connection-refused", test_connection_refused);
  return g_test_run ();
}
