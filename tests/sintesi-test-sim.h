/* sintesi-test-sim.h: a test PKI and the gateway simulator on its own thread */
#pragma once

#include "sintesi-sim-thread.h"
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
  SintesiSimThread *thread;
  const char       *base_url;
} SintesiTestSim;

/* Makes a PKI in dir and starts a simulator with these faults (may be NULL). */
SintesiTestSim *sintesi_test_sim_start  (const char         *dir,
                                         const char * const *faults);
void            sintesi_test_sim_stop   (SintesiTestSim     *sim);
/* Requests the simulator has received so far. */
guint           sintesi_test_sim_request_count (SintesiTestSim *sim);
/* The n-th captured request (a copy of its fields). */
SintesiSimCapturedRequest *
                sintesi_test_sim_captured      (SintesiTestSim *sim,
                                                guint           n);
void            sintesi_test_captured_free     (SintesiSimCapturedRequest *request);

G_END_DECLS
