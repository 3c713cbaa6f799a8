/* sintesi-test-sim.h: the gateway simulator on its own thread, for tests
 *
 * curl_easy_perform blocks, so a test that talks to an in-process simulator
 * gives it its own thread and GMainContext (toolchain-notes pitfall 6).
 */
#pragma once

#include "sintesi-sim-server.h"
#include "sintesi-test-pki.h"

G_BEGIN_DECLS

typedef struct
{
  char             *dir;
  SintesiTestCa    *ca;            /* issues the server and client certificates */
  SintesiTestLeaf  *server;
  SintesiTestLeaf  *client;        /* A1#090201PSSMNZLSN99E05F205J */
  char             *client_key_encrypted;  /* PKCS#8, password below */
  char             *client_key_password;
  SintesiSimServer *sim;
  char             *base_url;
  GThread          *thread;
  GMainContext     *context;
  GMainLoop        *loop;
} SintesiTestSim;

/* Makes a PKI in dir and starts a simulator with these faults (may be NULL). */
SintesiTestSim *sintesi_test_sim_start  (const char         *dir,
                                         const char * const *faults);
void            sintesi_test_sim_stop   (SintesiTestSim     *sim);
/* Runs func(sim->sim, data) on the simulator's thread and waits for it. */
void            sintesi_test_sim_invoke (SintesiTestSim     *sim,
                                         void              (*func) (SintesiSimServer *server,
                                                                    gpointer          data),
                                         gpointer            data);

G_END_DECLS
