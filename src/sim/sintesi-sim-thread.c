/* sintesi-sim-thread.c: the simulator on a thread of its own */
#include "config.h"

#include "sintesi-sim-thread.h"

struct _SintesiSimThread
{
  GThread          *thread;
  GMainContext     *context;
  GMainLoop        *loop;
  SintesiSimServer *server;
  char             *base_url;

  /* Start-up handshake. */
  const SintesiSimConfig *config;
  GMutex            mutex;
  GCond             cond;
  gboolean          ready;
  GError           *error;
};

static gpointer
run (gpointer user_data)
{
  SintesiSimThread *self = user_data;

  g_main_context_push_thread_default (self->context);
  self->server = sintesi_sim_server_new (self->config, &self->error);
  if (self->server != NULL)
    self->base_url = g_strdup (sintesi_sim_server_get_base_url (self->server));

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (self->server != NULL)
    {
      g_main_loop_run (self->loop);
      sintesi_sim_server_stop (self->server);
      g_clear_object (&self->server);
    }
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
free_thread (SintesiSimThread *self)
{
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->base_url);
  g_free (self);
}

SintesiSimThread *
sintesi_sim_thread_start (const SintesiSimConfig  *config,
                          GError                 **error)
{
  SintesiSimThread *self = g_new0 (SintesiSimThread, 1);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->config = config;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("sintesi-gateway-sim", run, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  self->config = NULL;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      g_thread_join (self->thread);
      free_thread (self);
      return NULL;
    }
  return self;
}

const char *
sintesi_sim_thread_get_base_url (SintesiSimThread *self)
{
  return self->base_url;
}

typedef struct
{
  SintesiSimThread *self;
  void (*func) (SintesiSimServer *server, gpointer data);
  gpointer data;
  gboolean done;
} Invocation;

static gboolean
run_invocation (gpointer user_data)
{
  Invocation *invocation = user_data;
  SintesiSimThread *self = invocation->self;

  invocation->func (self->server, invocation->data);
  g_mutex_lock (&self->mutex);
  invocation->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  return G_SOURCE_REMOVE;
}

void
sintesi_sim_thread_invoke (SintesiSimThread *self,
                           void            (*func) (SintesiSimServer *server, gpointer data),
                           gpointer          data)
{
  Invocation invocation = { self, func, data, FALSE };

  g_main_context_invoke (self->context, run_invocation, &invocation);
  g_mutex_lock (&self->mutex);
  while (!invocation.done)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
sintesi_sim_thread_stop (SintesiSimThread *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  free_thread (self);
}
