/* sintesi-cli-credentials.c: `sintesi-cli credentials import|check` (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-credentials.h"
#include "sintesi-keystore.h"
#include "sintesi-profile.h"
#include "sintesi-sandbox.h"

typedef struct
{
  char *file;   /* PKCS#12 */
  char *cert;   /* PEM certificate (+ chain) */
  char *key;    /* PEM key */
  char *uri;    /* pkcs11: URI of the key */
} SlotSource;

static void
slot_source_clear (SlotSource *source)
{
  g_free (source->file);
  g_free (source->cert);
  g_free (source->key);
  g_free (source->uri);
}

static char *
secret_free_wrapper (char *secret)
{
  if (secret != NULL)
    sintesi_credentials_wipe (secret, strlen (secret));
  g_free (secret);
  return NULL;
}

/* The PIN is the password given on stdin or in a file; a token that
 * refuses it is not asked again, so it is not locked by retries. */
static char *
pin_from_password (const char *token_label,
                   gboolean    retry,
                   gpointer    user_data)
{
  const char *password = user_data;

  if (retry || password == NULL)
    return NULL;
  return g_strdup (password);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain == SINTESI_CREDENTIALS_ERROR)
    {
      switch (error->code)
        {
        case SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH:
        case SINTESI_CREDENTIALS_ERROR_NO_KEY:
        case SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE:
          return SINTESI_CLI_EXIT_REFUSED;
        default:
          return SINTESI_CLI_EXIT_USAGE;
        }
    }
  return SINTESI_CLI_EXIT_USAGE;
}

static SintesiCredential *
import_slot (SintesiCredentialSlot   slot,
             const SlotSource       *source,
             const char             *password,
             GError                **error)
{
  if (source->file != NULL)
    return sintesi_credential_import_pkcs12 (slot, source->file, password, error);
  if (source->uri != NULL)
    return sintesi_credential_import_pkcs11 (slot, source->uri, source->cert,
                                             pin_from_password, (gpointer) password, error);
  return sintesi_credential_import_pem (slot, source->cert, source->key, password, error);
}

static void
add_certificate_json (JsonBuilder       *builder,
                      const char        *member,
                      SintesiCredential *cred)
{
  g_autofree char *cn = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  g_autoptr(GDateTime) nb = NULL;
  g_autoptr(GDateTime) na = NULL;

  json_builder_set_member_name (builder, member);
  if (cred == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  cn = sintesi_credential_get_cn (cred);
  serial = sintesi_credential_get_serial (cred);
  issuer = sintesi_credential_get_issuer (cred);
  sha256 = sintesi_credential_get_sha256 (cred);
  nb = sintesi_credential_get_not_before (cred);
  na = sintesi_credential_get_not_after (cred);
  not_before = g_date_time_format_iso8601 (nb);
  not_after = g_date_time_format_iso8601 (na);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cn");
  json_builder_add_string_value (builder, cn);
  json_builder_set_member_name (builder, "serial");
  json_builder_add_string_value (builder, serial);
  json_builder_set_member_name (builder, "not_before");
  json_builder_add_string_value (builder, not_before);
  json_builder_set_member_name (builder, "not_after");
  json_builder_add_string_value (builder, not_after);
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, issuer);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, sha256);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder,
                                 sintesi_credential_get_source (cred) == SINTESI_CREDENTIAL_SOURCE_PKCS11
                                 ? "pkcs11" : "file");
  json_builder_end_object (builder);
}

static void
print_certificate_text (const char        *title,
                        SintesiCredential *cred)
{
  g_autofree char *cn = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GDateTime) na = NULL;
  g_autofree char *until = NULL;

  if (cred == NULL)
    return;
  cn = sintesi_credential_get_cn (cred);
  sha256 = sintesi_credential_get_sha256 (cred);
  na = sintesi_credential_get_not_after (cred);
  until = g_date_time_format (na, "%Y-%m-%d");
  /* TRANSLATORS: a title (Authentication/Signature), the CN, the end date, the SHA-256 fingerprint */
  printf (_("%s: %s (valid until %s, SHA-256 %s)\n"), title, cn, until, sha256);
}

static gboolean
slot_given (const SlotSource *source)
{
  return source->file != NULL || source->cert != NULL || source->key != NULL || source->uri != NULL;
}

/* Exactly one way per slot: a .p12, a PEM pair, or a URI (+ optional cert). */
static gboolean
slot_source_valid (const SlotSource *source)
{
  if (source->file != NULL)
    return source->cert == NULL && source->key == NULL && source->uri == NULL;
  if (source->uri != NULL)
    return source->key == NULL;
  return source->cert != NULL && source->key != NULL;
}

static int
credentials_import (SintesiCli  *cli,
                    int          argc,
                    char       **argv)
{
  SlotSource auth = { NULL, NULL, NULL, NULL };
  SlotSource sign = { NULL, NULL, NULL, NULL };
  gboolean password_stdin = FALSE;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(SintesiCredential) auth_cred = NULL;
  g_autoptr(SintesiCredential) sign_cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gboolean used_passphrase = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "auth", 0, 0, G_OPTION_ARG_FILENAME, &auth.file, N_("Authentication (A1) credential as PKCS#12"), N_("FILE.p12") },
    { "auth-cert", 0, 0, G_OPTION_ARG_FILENAME, &auth.cert, N_("Authentication (A1) certificate (PEM or DER, with its chain)"), N_("CERT.pem") },
    { "auth-key", 0, 0, G_OPTION_ARG_FILENAME, &auth.key, N_("Authentication (A1) private key (PEM)"), N_("KEY.pem") },
    { "auth-uri", 0, 0, G_OPTION_ARG_STRING, &auth.uri, N_("Authentication (A1) key on a smart card or token"), N_("pkcs11:…") },
    { "sign", 0, 0, G_OPTION_ARG_FILENAME, &sign.file, N_("Signature (S1) credential as PKCS#12"), N_("FILE.p12") },
    { "sign-cert", 0, 0, G_OPTION_ARG_FILENAME, &sign.cert, N_("Signature (S1) certificate (PEM or DER, with its chain)"), N_("CERT.pem") },
    { "sign-key", 0, 0, G_OPTION_ARG_FILENAME, &sign.key, N_("Signature (S1) private key (PEM)"), N_("KEY.pem") },
    { "sign-uri", 0, 0, G_OPTION_ARG_STRING, &sign.uri, N_("Signature (S1) key on a smart card or token"), N_("pkcs11:…") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password (or PIN) from standard input"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("Read the password (or PIN) from a file"), N_("PASSWORD-FILE") },
    { NULL },
  };

  if (!sintesi_cli_parse_options (cli, "credentials import", _("PROFILE-NAME"),
                                  _("Imports the authentication (A1) and signature (S1) credentials of a profile."),
                                  entries, &argc, &argv, &exit_code))
    goto out;
  if (argc != 2)
    {
      exit_code = sintesi_cli_usage_error (cli, "%s", _("Give the profile name."));
      goto out;
    }
  if (!slot_given (&auth) && !slot_given (&sign))
    {
      exit_code = sintesi_cli_usage_error (cli, "%s", _("Give at least one credential (--auth …, --sign …)."));
      goto out;
    }
  if ((slot_given (&auth) && !slot_source_valid (&auth)) || (slot_given (&sign) && !slot_source_valid (&sign)))
    {
      exit_code = sintesi_cli_usage_error (cli, "%s",
                                           _("Give each credential in one way only: a PKCS#12 file, a certificate with its key, or a pkcs11: URI."));
      goto out;
    }
  keystore = sintesi_keystore_new (argv[1], NULL, &error);
  if (keystore == NULL)
    {
      exit_code = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }
  if (password_stdin || password_file != NULL)
    {
      password = sintesi_cli_read_password (password_stdin, password_file, &error);
      if (password == NULL)
        {
          exit_code = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
          goto out;
        }
    }

  /* Both are read and checked before either is stored. */
  if (slot_given (&auth))
    {
      auth_cred = import_slot (SINTESI_CREDENTIAL_SLOT_AUTH, &auth, password, &error);
      if (auth_cred == NULL)
        {
          exit_code = sintesi_cli_fail (cli, exit_code_for (error), error);
          goto out;
        }
    }
  if (slot_given (&sign))
    {
      sign_cred = import_slot (SINTESI_CREDENTIAL_SLOT_SIGN, &sign, password, &error);
      if (sign_cred == NULL)
        {
          exit_code = sintesi_cli_fail (cli, exit_code_for (error), error);
          goto out;
        }
    }

  for (guint i = 0; i < 2; i++)
    {
      SintesiCredential *cred = i == 0 ? auth_cred : sign_cred;

      if (cred == NULL)
        continue;
      if (sintesi_keystore_store (keystore, cred, used_passphrase ? password : NULL, &error))
        continue;
      /* No keyring: the password given for the import protects the stored key. */
      if (g_error_matches (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING) &&
          password != NULL && *password != '\0')
        {
          g_printerr ("%s\n", _("No system keyring answered: the stored key is protected by the password you gave, which will be asked again when the key is used."));
          g_clear_error (&error);
          used_passphrase = TRUE;
          if (sintesi_keystore_store (keystore, cred, password, &error))
            continue;
        }
      else if (g_error_matches (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING))
        {
          g_autoptr(GError) hint = g_error_new (SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING,
                                                _("%s Give a passphrase to protect the key with --password-stdin or --password-file."),
                                                error->message);
          exit_code = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, hint);
          goto out;
        }
      exit_code = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }

  if (cli->json)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "profile");
      json_builder_add_string_value (builder, argv[1]);
      json_builder_set_member_name (builder, "folder");
      json_builder_add_string_value (builder, sintesi_keystore_get_folder (keystore));
      add_certificate_json (builder, "auth", auth_cred);
      add_certificate_json (builder, "sign", sign_cred);
      json_builder_set_member_name (builder, "secret");
      json_builder_add_string_value (builder,
                                     used_passphrase ? "passphrase"
                                     : (auth_cred != NULL && sintesi_credential_get_source (auth_cred) == SINTESI_CREDENTIAL_SOURCE_FILE) ||
                                       (sign_cred != NULL && sintesi_credential_get_source (sign_cred) == SINTESI_CREDENTIAL_SOURCE_FILE)
                                     ? "keyring" : "none");
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    {
      print_certificate_text (_("Authentication (A1)"), auth_cred);
      print_certificate_text (_("Signature (S1)"), sign_cred);
    }
  exit_code = SINTESI_CLI_EXIT_OK;

out:
  password = secret_free_wrapper (g_steal_pointer (&password));
  slot_source_clear (&auth);
  slot_source_clear (&sign);
  return exit_code;
}

static int
credentials_check (SintesiCli  *cli,
                   int          argc,
                   char       **argv)
{
  g_autofree char *environment_name = NULL;
  g_autofree char *cf = NULL;
  g_autofree char *trust_dir = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(SintesiCredential) auth = NULL;
  g_autoptr(SintesiCredential) sign = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_auto(GStrv) test_roots = NULL;
  g_auto(GStrv) production_roots = NULL;
  SintesiCredentialCheckOptions options = { 0 };
  SintesiEnvironment environment;
  int exit_code;
  GOptionEntry entries[] = {
    { "environment", 0, 0, G_OPTION_ARG_STRING, &environment_name, N_("Environment the credentials are for: sandbox, stage, production or custom"), N_("ENVIRONMENT-NAME") },
    { "cf", 0, 0, G_OPTION_ARG_STRING, &cf, N_("The physician's codice fiscale"), N_("PHYSICIAN-CF") },
    { "trust-dir", 0, 0, G_OPTION_ARG_FILENAME, &trust_dir, N_("Folder with the Ministry's CA certificates (default: the data folder's “ca”)"), N_("CA-FOLDER") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("The profile's own CA (sandbox and custom)"), N_("CA.pem") },
    { NULL },
  };

  if (!sintesi_cli_parse_options (cli, "credentials check", _("PROFILE-NAME"),
                                  _("Checks the credentials of a profile: validity, roles, issuer, key, codice fiscale."),
                                  entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("Give the profile name."));
  /* The profile says which environment, physician and CA the certificates
   * are for; options override it (or stand in when there is no profile). */
  if (sintesi_profile_exists (argv[1]))
    {
      g_autoptr(SintesiProfile) profile = sintesi_profile_load_unvalidated (argv[1], &error);

      if (profile == NULL)
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      if (environment_name == NULL)
        environment_name = g_strdup (sintesi_environment_to_string (sintesi_profile_get_environment (profile)));
      if (cf == NULL)
        cf = g_strdup (sintesi_profile_get_cf (profile));
      if (ca_file == NULL && sintesi_profile_get_environment (profile) == SINTESI_ENVIRONMENT_SANDBOX)
        ca_file = sintesi_sandbox_physician_ca_file ();
      else if (ca_file == NULL)
        ca_file = g_strdup (sintesi_profile_get_ca_file (profile));
    }
  if (environment_name == NULL)
    return sintesi_cli_usage_error (cli, "%s", _("Give the environment with --environment (sandbox, stage, production or custom)."));
  if (!sintesi_environment_from_string (environment_name, &environment))
    return sintesi_cli_usage_error (cli, _("Unknown environment “%s”: use sandbox, stage, production or custom."), environment_name);

  keystore = sintesi_keystore_new (argv[1], NULL, &error);
  if (keystore == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  if (!sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_AUTH) &&
      !sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_SIGN))
    {
      g_autoptr(GError) none = g_error_new (SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NOT_FOUND,
                                            _("No credentials have been imported for the profile “%s”."), argv[1]);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, none);
    }
  /* Certificates only: checking needs no secret. */
  for (guint i = 0; i < 2; i++)
    {
      SintesiCredentialSlot slot = i == 0 ? SINTESI_CREDENTIAL_SLOT_AUTH : SINTESI_CREDENTIAL_SLOT_SIGN;
      SintesiCredential *cred;

      if (!sintesi_keystore_has_credential (keystore, slot))
        continue;
      cred = sintesi_keystore_load_certificates (keystore, slot, &error);
      if (cred == NULL)
        return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      if (i == 0)
        auth = cred;
      else
        sign = cred;
    }

  if (trust_dir == NULL)
    trust_dir = sintesi_credentials_default_roots_dir ();
  if (g_file_test (trust_dir, G_FILE_TEST_IS_DIR) &&
      !sintesi_credentials_find_sogei_roots (trust_dir, &test_roots, &production_roots, &error))
    {
      /* Reported by the issuer checks as "not installed". */
      g_clear_error (&error);
    }
  options.environment = environment;
  options.expected_cf = cf;
  options.test_roots = (const char * const *) test_roots;
  options.production_roots = (const char * const *) production_roots;
  options.profile_ca_file = ca_file;
  checks = sintesi_credentials_check (auth, sign, &options);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      add_certificate_json (builder, "auth", auth);
      add_certificate_json (builder, "sign", sign);
      json_builder_set_member_name (builder, "checks");
      json_builder_begin_array (builder);
      for (guint i = 0; i < checks->len; i++)
        {
          const SintesiCredentialCheck *check = g_ptr_array_index (checks, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, check->id);
          json_builder_set_member_name (builder, "ok");
          json_builder_add_boolean_value (builder, check->ok);
          json_builder_set_member_name (builder, "severity");
          json_builder_add_string_value (builder, sintesi_check_severity_to_string (check->severity));
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, check->message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    {
      print_certificate_text (_("Authentication (A1)"), auth);
      print_certificate_text (_("Signature (S1)"), sign);
      for (guint i = 0; i < checks->len; i++)
        {
          const SintesiCredentialCheck *check = g_ptr_array_index (checks, i);
          const char *mark = check->ok ? "✓" : check->severity == SINTESI_CHECK_ERROR ? "✗" : "!";

          printf ("%s %s\n", mark, check->message);
        }
    }
  return sintesi_credentials_checks_passed (checks) ? SINTESI_CLI_EXIT_OK : SINTESI_CLI_EXIT_REFUSED;
}

/* credentials roots FILE…: the SOGEI roots the issuer checks need for stage
 * and production (they are public data, imported rather than shipped: D4). */
static int
credentials_roots (SintesiCli  *cli,
                   int          argc,
                   char       **argv)
{
  g_autoptr(GPtrArray) installed = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "credentials roots", "FILE.pem…",
                                  _("Installs the Ministry of Health's root certificates (SOGEI), used to check the issuer of A1/S1 certificates."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return sintesi_cli_usage_error (cli, "%s", _("Give one or more root certificate files."));
  installed = sintesi_credentials_import_roots ((const char * const *) argv + 1, &error);
  if (installed == NULL)
    return sintesi_cli_fail (cli, g_error_matches (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS)
                                  ? SINTESI_CLI_EXIT_REFUSED : SINTESI_CLI_EXIT_USAGE, error);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "roots");
      json_builder_begin_array (builder);
      for (guint i = 0; i < installed->len; i++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (installed, i), "\t", 2);

          json_builder_begin_object (builder);
          sintesi_cli_json_add_string (builder, "cn", parts[0]);
          sintesi_cli_json_add_string (builder, "path", parts[1]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    for (guint i = 0; i < installed->len; i++)
      {
        g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (installed, i), "\t", 2);

        printf (_("Installed “%s” (%s)\n"), parts[0], parts[1]);
      }
  return SINTESI_CLI_EXIT_OK;
}

int
sintesi_cli_credentials (SintesiCli  *cli,
                         int          argc,
                         char       **argv)
{
  if (argc >= 2 && strcmp (argv[1], "import") == 0)
    return credentials_import (cli, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "check") == 0)
    return credentials_check (cli, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "roots") == 0)
    return credentials_roots (cli, argc - 1, argv + 1);
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("%s\n", _("Usage: sintesi-cli credentials import NAME … | credentials check NAME … | credentials roots FILE.pem…"));
      return SINTESI_CLI_EXIT_OK;
    }
  return sintesi_cli_usage_error (cli, "%s", _("Use “credentials import”, “credentials check” or “credentials roots”."));
}
