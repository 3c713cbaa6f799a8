/* test-sandbox.c: the sandbox works on a fresh machine: demo profile, demo
 * credentials that pass their checks, a simulator that answers over mTLS */
#include "config.h"

#include <string.h>

#include "sintesi-gateway.h"
#include "sintesi-keystore.h"
#include "sintesi-paths.h"
#include "sintesi-profile.h"
#include "sintesi-sandbox.h"
#include "sintesi-test-util.h"

static void
test_fresh_machine (void)
{
  g_autofree char *home = sintesi_test_mkdtemp ();
  g_autofree char *config_dir = g_build_filename (home, "config", NULL);
  g_autofree char *data_dir = g_build_filename (home, "data", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(SintesiCredential) auth = NULL;
  g_autoptr(SintesiCredential) sign = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(SintesiGatewayResponse) response = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *secret = NULL;
  SintesiCredentialCheckOptions options = { 0 };
  SintesiGatewayConfig config = { 0 };
  SintesiGatewayRequest request = { 0 };
  SintesiSandbox *sandbox;
  const char *passphrase;

  sintesi_paths_set_config_dir (config_dir);
  sintesi_paths_set_data_dir (data_dir);

  sandbox = sintesi_sandbox_start (&error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sintesi_sandbox_get_base_url (sandbox), "https://127.0.0.1:"));

  profile = sintesi_profile_load (SINTESI_SANDBOX_PROFILE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sintesi_profile_get_cf (profile), ==, SINTESI_SANDBOX_PHYSICIAN_CF);
  g_assert_cmpint (sintesi_profile_get_environment (profile), ==, SINTESI_ENVIRONMENT_SANDBOX);

  /* This test has no keyring: the demo keys live under a per-run passphrase. */
  passphrase = sintesi_sandbox_get_key_passphrase (sandbox);
  keystore = sintesi_keystore_new (SINTESI_SANDBOX_PROFILE, NULL, &error);
  g_assert_no_error (error);
  auth = sintesi_keystore_load (keystore, SINTESI_CREDENTIAL_SLOT_AUTH, passphrase, &error);
  g_assert_no_error (error);
  sign = sintesi_keystore_load (keystore, SINTESI_CREDENTIAL_SLOT_SIGN, passphrase, &error);
  g_assert_no_error (error);

  options.environment = SINTESI_ENVIRONMENT_SANDBOX;
  options.expected_cf = SINTESI_SANDBOX_PHYSICIAN_CF;
  options.profile_ca_file = sintesi_sandbox_get_client_ca_file (sandbox);
  checks = sintesi_credentials_check (auth, sign, &options);
  for (guint i = 0; i < checks->len; i++)
    {
      SintesiCredentialCheck *check = g_ptr_array_index (checks, i);
      g_test_message ("%s: %s", check->id, check->message ? check->message : "ok");
    }
  g_assert_true (sintesi_credentials_checks_passed (checks));

  /* The simulator accepts the demo A1 and is trusted through its CA file. */
  chain_path = sintesi_keystore_get_chain_path (keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  key_path = sintesi_keystore_get_key_path (keystore, SINTESI_CREDENTIAL_SLOT_AUTH);
  secret = sintesi_keystore_get_key_secret (keystore, SINTESI_CREDENTIAL_SLOT_AUTH, passphrase, &error);
  g_assert_no_error (error);
  config.base_url = (char *) sintesi_sandbox_get_base_url (sandbox);
  config.client_cert = chain_path;
  config.client_key = key_path;
  config.client_key_secret = secret;
  config.ca_file = (char *) sintesi_sandbox_get_server_ca_file (sandbox);
  config.only_ca_file = TRUE;
  request.operation = SINTESI_GATEWAY_STATUS_BY_TRACE;
  request.lookup_id = (char *) "0123456789abcdef";
  request.bearer_token = (char *) "a.b.c";
  response = sintesi_gateway_send (&config, &request, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_no_error (response->failure);
  g_assert_cmpuint (response->http_status, ==, 401);
  g_assert_nonnull (response->x_cart_id);

  sintesi_sandbox_stop (sandbox);
  sintesi_keystore_secret_free (g_steal_pointer (&secret));

  /* A second start on the same folders reuses the profile. */
  sandbox = sintesi_sandbox_start (&error);
  g_assert_no_error (error);
  sintesi_sandbox_stop (sandbox);

  sintesi_paths_set_config_dir (NULL);
  sintesi_paths_set_data_dir (NULL);
  sintesi_test_rmdir (home);
}

int
main (int argc, char **argv)
{
  /* Never the user's real keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sintesi-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/fresh-machine", test_fresh_machine);
  return g_test_run ();
}
