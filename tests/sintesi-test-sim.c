/* sintesi-test-sim.c: the gateway simulator on its own thread, for tests */
#include "config.h"

#include "sintesi-test-sim.h"
#include "sintesi-test-util.h"

typedef struct
{
  SintesiTestSim *sim;
  SintesiSimConfig *config;
  GMutex mutex;
  GCond cond;
  gboolean ready;
  GError *error;
} StartData;

static gpointer
sim_thread (gpointer user_data)
{
  StartData *start = user_data;
  SintesiTestSim *sim = start->sim;

  g_main_context_push_thread_default (sim->context);
  sim->sim = sintesi_sim_server_new (start->config, &start->error);
  if (sim->sim != NULL)
    sim->base_url = g_strdup (sintesi_sim_server_get_base_url (sim->sim));

  g_mutex_lock (&start->mutex);
  start->ready = TRUE;
  g_cond_signal (&start->cond);
  g_mutex_unlock (&start->mutex);

  if (sim->sim != NULL)
    {
      g_main_loop_run (sim->loop);
      sintesi_sim_server_stop (sim->sim);
      g_clear_object (&sim->sim);
    }
  g_main_context_pop_thread_default (sim->context);
  return NULL;
}

SintesiTestSim *
sintesi_test_sim_start (const char         *dir,
                        const char * const *faults)
{
  SintesiTestSim *sim = g_new0 (SintesiTestSim, 1);
  SintesiTestLeafOptions server_options = { SINTESI_TEST_LEAF_SERVER, "SHA256", 2048, -1, 365, "Sintesi Test" };
  SintesiTestLeafOptions client_options = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -1, 365, NULL };
  SintesiSimConfig config = { 0 };
  StartData start = { 0 };

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
      g_autoptr(GError) error = NULL;
      SintesiSimFault *fault = sintesi_sim_fault_parse (faults[i], &error);

      g_assert_no_error (error);
      g_ptr_array_add (config.faults, fault);
    }

  sim->context = g_main_context_new ();
  sim->loop = g_main_loop_new (sim->context, FALSE);
  start.sim = sim;
  start.config = &config;
  g_mutex_init (&start.mutex);
  g_cond_init (&start.cond);
  sim->thread = g_thread_new ("sintesi-test-sim", sim_thread, &start);

  g_mutex_lock (&start.mutex);
  while (!start.ready)
    g_cond_wait (&start.cond, &start.mutex);
  g_mutex_unlock (&start.mutex);
  g_mutex_clear (&start.mutex);
  g_cond_clear (&start.cond);
  sintesi_sim_config_clear (&config);
  g_assert_no_error (start.error);
  return sim;
}

typedef struct
{
  SintesiTestSim *sim;
  void (*func) (SintesiSimServer *server, gpointer data);
  gpointer data;
  GMutex mutex;
  GCond cond;
  gboolean done;
} Invocation;

static gboolean
run_invocation (gpointer user_data)
{
  Invocation *invocation = user_data;

  invocation->func (invocation->sim->sim, invocation->data);
  g_mutex_lock (&invocation->mutex);
  invocation->done = TRUE;
  g_cond_signal (&invocation->cond);
  g_mutex_unlock (&invocation->mutex);
  return G_SOURCE_REMOVE;
}

void
sintesi_test_sim_invoke (SintesiTestSim *sim,
                         void          (*func) (SintesiSimServer *server, gpointer data),
                         gpointer        data)
{
  Invocation invocation = { sim, func, data };

  g_mutex_init (&invocation.mutex);
  g_cond_init (&invocation.cond);
  g_main_context_invoke (sim->context, run_invocation, &invocation);
  g_mutex_lock (&invocation.mutex);
  while (!invocation.done)
    g_cond_wait (&invocation.cond, &invocation.mutex);
  g_mutex_unlock (&invocation.mutex);
  g_mutex_clear (&invocation.mutex);
  g_cond_clear (&invocation.cond);
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
sintesi_test_sim_stop (SintesiTestSim *sim)
{
  if (sim == NULL)
    return;
  g_main_context_invoke (sim->context, quit_loop, sim->loop);
  g_thread_join (sim->thread);
  g_main_loop_unref (sim->loop);
  g_main_context_unref (sim->context);
  sintesi_test_ca_free (sim->ca);
  sintesi_test_leaf_free (sim->server);
  sintesi_test_leaf_free (sim->client);
  g_free (sim->client_key_encrypted);
  g_free (sim->client_key_password);
  g_free (sim->base_url);
  g_free (sim->dir);
  g_free (sim);
}
