/* sintesi-test-sim.c: a test PKI and the gateway simulator on its own thread */
#include "config.h"

#include "sintesi-test-sim.h"
#include "sintesi-test-util.h"

SintesiTestSim *
sintesi_test_sim_start (const char         *dir,
                        const char * const *faults)
{
  SintesiTestSim *sim = g_new0 (SintesiTestSim, 1);
  SintesiTestLeafOptions server_options = { SINTESI_TEST_LEAF_SERVER, "SHA256", 2048, -1, 365, "Sintesi Test" };
  SintesiTestLeafOptions client_options = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -1, 365, NULL };
  SintesiSimConfig config = { 0 };
  g_autoptr(GError) error = NULL;

  sim->dir = g_strdup (dir);
  sim->ca = sintesi_test_ca_new (dir, "ca", "Sintesi Test Gateway CA");
  sim->server = sintesi_test_ca_issue (sim->ca, "server", "localhost", &server_options);
  sim->client = sintesi_test_ca_issue (sim->ca, "a1", "A1#090201PSSMNZLSN99E05F205J", &client_options);
  sim->client_key_password = g_strdup ("client-key-secret");
  sim->client_key_encrypted = sintesi_test_leaf_encrypted_key (sim->client, sim->client_key_password);

  config.cert_file = g_strdup (sim->server->cert);
  config.key_file = g_strdup (sim->server->key);
  config.client_ca_file = g_strdup (sim->ca->cert);
  config.faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_sim_fault_free);
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      SintesiSimFault *fault = sintesi_sim_fault_parse (faults[i], &error);

      g_assert_no_error (error);
      g_ptr_array_add (config.faults, fault);
    }

  sim->thread = sintesi_sim_thread_start (&config, &error);
  sintesi_sim_config_clear (&config);
  g_assert_no_error (error);
  sim->base_url = sintesi_sim_thread_get_base_url (sim->thread);
  return sim;
}

static void
read_count (SintesiSimServer *server,
            gpointer          data)
{
  *(guint *) data = sintesi_sim_server_get_request_count (server);
}

guint
sintesi_test_sim_request_count (SintesiTestSim *sim)
{
  guint count = 0;

  sintesi_sim_thread_invoke (sim->thread, read_count, &count);
  return count;
}

typedef struct
{
  guint                      n;
  SintesiSimCapturedRequest *copy;
} CaptureQuery;

static void
copy_captured (SintesiSimServer *server,
               gpointer          data)
{
  CaptureQuery *query = data;
  GPtrArray *captured = sintesi_sim_server_get_captured (server);
  SintesiSimCapturedRequest *request;

  if (query->n >= captured->len)
    return;
  request = g_ptr_array_index (captured, query->n);
  query->copy = g_new0 (SintesiSimCapturedRequest, 1);
  query->copy->method = g_strdup (request->method);
  query->copy->raw_path = g_strdup (request->raw_path);
  query->copy->headers = g_strdup (request->headers);
  query->copy->content_type = g_strdup (request->content_type);
  query->copy->body = g_bytes_ref (request->body);
}

SintesiSimCapturedRequest *
sintesi_test_sim_captured (SintesiTestSim *sim,
                           guint           n)
{
  CaptureQuery query = { n, NULL };

  sintesi_sim_thread_invoke (sim->thread, copy_captured, &query);
  g_assert_nonnull (query.copy);
  return query.copy;
}

void
sintesi_test_captured_free (SintesiSimCapturedRequest *request)
{
  g_free (request->method);
  g_free (request->raw_path);
  g_free (request->headers);
  g_free (request->content_type);
  g_bytes_unref (request->body);
  g_free (request);
}

void
sintesi_test_sim_stop (SintesiTestSim *sim)
{
  if (sim == NULL)
    return;
  sintesi_sim_thread_stop (sim->thread);
  sintesi_test_ca_free (sim->ca);
  sintesi_test_leaf_free (sim->server);
  sintesi_test_leaf_free (sim->client);
  g_free (sim->client_key_encrypted);
  g_free (sim->client_key_password);
  g_free (sim->dir);
  g_free (sim);
}
