/* sintesi-sandbox.h: the sandbox environment (decisions D5)
 *
 * The built-in simulator on loopback, with a test PKI made on this computer
 * and a demo physician profile, so that the whole flow works on a fresh
 * machine without real certificates and without sending anything anywhere.
 *
 * Once per user: a sandbox CA issues the demo physician's A1/S1 pair, which
 * is stored like real credentials (re-encrypted, secret in the keyring); the
 * CA key is then thrown away. At each start: a throwaway server certificate
 * for the simulator, whose CA is written where the client will trust it.
 * Without a keyring the demo pair cannot be kept encrypted across runs, so it
 * is made anew at each start.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SINTESI_SANDBOX_PROFILE       "demo"
/* The regional test physician (regional text §6). */
#define SINTESI_SANDBOX_PHYSICIAN_CF  "MNZLSN99E05F205J"

typedef struct _SintesiSandbox SintesiSandbox;

/* Creates the demo profile and its credentials when missing (and the folder
 * <data dir>/sandbox), then starts the simulator on an ephemeral loopback
 * port on its own thread. */
SintesiSandbox *sintesi_sandbox_start              (GError        **error);
const char     *sintesi_sandbox_get_base_url       (SintesiSandbox *sandbox);
/* The CA file that verifies the running simulator's certificate. */
const char     *sintesi_sandbox_get_server_ca_file (SintesiSandbox *sandbox);
/* Where the CA of the demo physician's certificates is kept, running or not. */
char           *sintesi_sandbox_physician_ca_file  (void);
/* The CA file of the demo physician's certificates (the simulator's client CA). */
const char     *sintesi_sandbox_get_client_ca_file (SintesiSandbox *sandbox);
/* The passphrase of the demo keys when no keyring answered (they were made
 * anew for this run), or NULL when their secret is in the keyring. */
const char     *sintesi_sandbox_get_key_passphrase (SintesiSandbox *sandbox);
/* Rehearsal of a gateway outage (sintesi_sim_fault_parse's SPEC, e.g.
 * "status=503"); NULL clears every fault. */
gboolean        sintesi_sandbox_inject_fault       (SintesiSandbox *sandbox,
                                                    const char     *spec,
                                                    GError        **error);
void            sintesi_sandbox_stop               (SintesiSandbox *sandbox);

G_END_DECLS
