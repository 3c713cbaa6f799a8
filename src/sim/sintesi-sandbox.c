/* sintesi-sandbox.c: the sandbox environment (decisions D5) */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-environment.h"
#include "sintesi-keystore.h"
#include "sintesi-paths.h"
#include "sintesi-profile.h"
#include "sintesi-sandbox-pki.h"
#include "sintesi-sandbox.h"
#include "sintesi-sim-thread.h"

#define DEMO_CN_TAIL "090201PSS" SINTESI_SANDBOX_PHYSICIAN_CF
/* The demo physician's organisation, in the XON form the gateway checks. */
#define DEMO_LOCALITY "STUDIO MEDICO DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201"

struct _SintesiSandbox
{
  SintesiSimThread *thread;
  char             *server_ca_file;
  char             *client_ca_file;
  char             *passphrase;   /* only when no keyring answers */
};

static gboolean
ensure_demo_profile (const char  *server_ca_file,
                     GError     **error)
{
  g_autoptr(SintesiProfile) profile = NULL;

  if (sintesi_profile_exists (SINTESI_SANDBOX_PROFILE))
    return TRUE;
  profile = sintesi_profile_new (SINTESI_SANDBOX_PROFILE);
  sintesi_profile_set_physician_name (profile, "Alessandro Manzoni");
  sintesi_profile_set_cf (profile, SINTESI_SANDBOX_PHYSICIAN_CF);
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_SANDBOX);
  sintesi_profile_set_ca_file (profile, server_ca_file);
  sintesi_profile_set_locality (profile, DEMO_LOCALITY);
  sintesi_profile_set_app_id (profile, "SINTESI");
  sintesi_profile_set_app_vendor (profile, "Sintesi");
  sintesi_profile_set_app_version (profile, PACKAGE_VERSION);
  return sintesi_profile_save (profile, error);
}

static gboolean
store_issued (SintesiKeystore          *keystore,
              SintesiCredentialSlot     slot,
              const SintesiSandboxCert *cert,
              const char               *passphrase,
              GError                  **error)
{
  g_autofree char *cert_pem = sintesi_sandbox_cert_to_pem (cert);
  char *key_pem = sintesi_sandbox_key_to_pem (cert);
  g_autoptr(GBytes) certs = g_bytes_new (cert_pem, strlen (cert_pem));
  g_autoptr(GBytes) key = g_bytes_new (key_pem, strlen (key_pem));
  g_autoptr(SintesiCredential) credential = NULL;
  gboolean ok;

  sintesi_credentials_wipe (key_pem, strlen (key_pem));
  g_free (key_pem);
  credential = sintesi_credential_import_pem_data (slot, certs, key, NULL, error);
  /* The in-memory copy of the key goes as soon as it is imported. */
  sintesi_credentials_wipe ((gpointer) g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  if (credential == NULL)
    return FALSE;
  ok = sintesi_keystore_store (keystore, credential, passphrase, error);
  return ok;
}

/* Issues the demo A1/S1 pair from a fresh CA whose key is then forgotten. */
static gboolean
issue_demo_credentials (SintesiKeystore  *keystore,
                        const char       *client_ca_file,
                        const char       *passphrase,
                        GError          **error)
{
  g_autoptr(SintesiSandboxCert) ca = NULL;
  g_autoptr(SintesiSandboxCert) a1 = NULL;
  g_autoptr(SintesiSandboxCert) s1 = NULL;
  g_autofree char *ca_pem = NULL;

  ca = sintesi_sandbox_cert_new (SINTESI_SANDBOX_CERT_CA, "Sintesi Sandbox CA", 3650, NULL, error);
  if (ca == NULL)
    return FALSE;
  a1 = sintesi_sandbox_cert_new (SINTESI_SANDBOX_CERT_CLIENT, "A1#" DEMO_CN_TAIL, 1095, ca, error);
  if (a1 == NULL)
    return FALSE;
  s1 = sintesi_sandbox_cert_new (SINTESI_SANDBOX_CERT_SIGNING, "S1#" DEMO_CN_TAIL, 1095, ca, error);
  if (s1 == NULL)
    return FALSE;
  ca_pem = sintesi_sandbox_cert_to_pem (ca);
  return store_issued (keystore, SINTESI_CREDENTIAL_SLOT_AUTH, a1, passphrase, error) &&
         store_issued (keystore, SINTESI_CREDENTIAL_SLOT_SIGN, s1, passphrase, error) &&
         sintesi_write_file_atomic (client_ca_file, ca_pem, -1, 0644, error);
}

static gboolean
ensure_demo_credentials (SintesiSandbox  *sandbox,
                         GError         **error)
{
  g_autoptr(SintesiKeystore) keystore = sintesi_keystore_new (SINTESI_SANDBOX_PROFILE, NULL, error);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *secret = NULL;
  guint8 random[24];

  if (keystore == NULL)
    return FALSE;
  if (sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_AUTH) &&
      sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_SIGN) &&
      g_file_test (sandbox->client_ca_file, G_FILE_TEST_EXISTS) &&
      sintesi_keystore_get_secret_kind (keystore, SINTESI_CREDENTIAL_SLOT_AUTH) == SINTESI_KEYSTORE_SECRET_KEYRING)
    {
      /* Kept from an earlier run, if the keyring still has its secret. */
      secret = sintesi_keystore_get_key_secret (keystore, SINTESI_CREDENTIAL_SLOT_AUTH, NULL, NULL);
      if (secret != NULL)
        {
          sintesi_keystore_secret_free (g_steal_pointer (&secret));
          return TRUE;
        }
    }

  if (issue_demo_credentials (keystore, sandbox->client_ca_file, NULL, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* No keyring: a passphrase that lives only as long as this run. */
  for (gsize i = 0; i < sizeof random; i++)
    random[i] = (guint8) g_random_int_range (0, 256);
  sandbox->passphrase = g_base64_encode (random, sizeof random);
  sintesi_credentials_wipe (random, sizeof random);
  return issue_demo_credentials (keystore, sandbox->client_ca_file, sandbox->passphrase, error);
}

/* A throwaway server certificate for this run, in memory only. */
static GTlsCertificate *
make_server_certificate (const char  *server_ca_file,
                         GError     **error)
{
  g_autoptr(SintesiSandboxCert) ca = NULL;
  g_autoptr(SintesiSandboxCert) server = NULL;
  g_autofree char *ca_pem = NULL;
  g_autofree char *cert_pem = NULL;
  char *key_pem;
  char *both;
  GTlsCertificate *certificate;

  ca = sintesi_sandbox_cert_new (SINTESI_SANDBOX_CERT_CA, "Sintesi Sandbox Gateway CA", 30, NULL, error);
  if (ca == NULL)
    return NULL;
  server = sintesi_sandbox_cert_new (SINTESI_SANDBOX_CERT_SERVER, "localhost", 30, ca, error);
  if (server == NULL)
    return NULL;
  ca_pem = sintesi_sandbox_cert_to_pem (ca);
  if (!sintesi_write_file_atomic (server_ca_file, ca_pem, -1, 0644, error))
    return NULL;
  cert_pem = sintesi_sandbox_cert_to_pem (server);
  key_pem = sintesi_sandbox_key_to_pem (server);
  both = g_strconcat (cert_pem, key_pem, NULL);
  certificate = g_tls_certificate_new_from_pem (both, -1, error);
  sintesi_credentials_wipe (key_pem, strlen (key_pem));
  sintesi_credentials_wipe (both, strlen (both));
  g_free (key_pem);
  g_free (both);
  return certificate;
}

char *
sintesi_sandbox_physician_ca_file (void)
{
  return g_build_filename (sintesi_paths_get_data_dir (), "sandbox", "physician-ca.pem", NULL);
}

SintesiSandbox *
sintesi_sandbox_start (GError **error)
{
  SintesiSandbox *sandbox = g_new0 (SintesiSandbox, 1);
  g_autofree char *dir = g_build_filename (sintesi_paths_get_data_dir (), "sandbox", NULL);
  SintesiSimConfig config = { 0 };

  sandbox->server_ca_file = g_build_filename (dir, "gateway-ca.pem", NULL);
  sandbox->client_ca_file = sintesi_sandbox_physician_ca_file ();
  if (!sintesi_paths_ensure_private_dir (dir, error) ||
      !ensure_demo_profile (sandbox->server_ca_file, error) ||
      !ensure_demo_credentials (sandbox, error))
    goto failed;

  config.certificate = make_server_certificate (sandbox->server_ca_file, error);
  if (config.certificate == NULL)
    goto failed;
  config.client_ca_file = g_strdup (sandbox->client_ca_file);
  config.listen_address = g_strdup ("127.0.0.1");
  /* The sandbox remembers what was sent to it, like the real gateway. */
  config.state_file = g_build_filename (dir, "gateway-state.json", NULL);
  /* The sandbox rehearses stage: tokens must name stage's national gateway. */
  config.expected_aud = g_strdup (SINTESI_STAGE_AUD);
  sandbox->thread = sintesi_sim_thread_start (&config, error);
  sintesi_sim_config_clear (&config);
  if (sandbox->thread == NULL)
    goto failed;
  return sandbox;

failed:
  sintesi_sandbox_stop (sandbox);
  return NULL;
}

const char *
sintesi_sandbox_get_base_url (SintesiSandbox *sandbox)
{
  return sintesi_sim_thread_get_base_url (sandbox->thread);
}

const char *
sintesi_sandbox_get_server_ca_file (SintesiSandbox *sandbox)
{
  return sandbox->server_ca_file;
}

const char *
sintesi_sandbox_get_client_ca_file (SintesiSandbox *sandbox)
{
  return sandbox->client_ca_file;
}

const char *
sintesi_sandbox_get_key_passphrase (SintesiSandbox *sandbox)
{
  return sandbox->passphrase;
}

static void
set_fault (SintesiSimServer *server,
           gpointer          data)
{
  SintesiSimFault *fault = data;

  if (fault == NULL)
    sintesi_sim_server_clear_faults (server);
  else
    sintesi_sim_server_add_fault (server, fault);
}

gboolean
sintesi_sandbox_inject_fault (SintesiSandbox  *sandbox,
                              const char      *spec,
                              GError         **error)
{
  SintesiSimFault *fault = NULL;

  if (spec != NULL && (fault = sintesi_sim_fault_parse (spec, error)) == NULL)
    return FALSE;
  sintesi_sim_thread_invoke (sandbox->thread, set_fault, fault);
  return TRUE;
}

void
sintesi_sandbox_stop (SintesiSandbox *sandbox)
{
  if (sandbox == NULL)
    return;
  g_clear_pointer (&sandbox->thread, sintesi_sim_thread_stop);
  g_free (sandbox->server_ca_file);
  g_free (sandbox->client_ca_file);
  if (sandbox->passphrase != NULL)
    {
      sintesi_credentials_wipe (sandbox->passphrase, strlen (sandbox->passphrase));
      g_free (sandbox->passphrase);
    }
  g_free (sandbox);
}
