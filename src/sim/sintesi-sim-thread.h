/* sintesi-sim-thread.h: the simulator on a thread of its own
 *
 * libcurl calls block, so whoever talks to an in-process simulator (the
 * sandbox in the GUI and CLI, the tests) runs it on its own thread with its
 * own GMainContext (toolchain-notes pitfall 6).
 */
#pragma once

#include "sintesi-sim-server.h"

G_BEGIN_DECLS

typedef struct _SintesiSimThread SintesiSimThread;

/* Starts a server with config on a new thread; returns once it listens. */
SintesiSimThread *sintesi_sim_thread_start        (const SintesiSimConfig *config,
                                                   GError                **error);
const char       *sintesi_sim_thread_get_base_url (SintesiSimThread       *thread);
/* Runs func on the simulator's thread and waits for it to return. */
void              sintesi_sim_thread_invoke       (SintesiSimThread       *thread,
                                                   void                  (*func) (SintesiSimServer *server,
                                                                                  gpointer          data),
                                                   gpointer                data);
/* Stops the server and joins the thread. */
void              sintesi_sim_thread_stop         (SintesiSimThread       *thread);

G_END_DECLS
