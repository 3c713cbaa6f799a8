/* sintesi-cli-tokens.c: `sintesi-cli tokens` — both JWTs of one call,
 * built, signed and linted, without sending anything (cli.md)
 *
 * With --profile NAME the S1 credential, the physician's CF, the locality,
 * the application identity and the aud come from the profile; each can also
 * be given (or overridden) as an option, for a vendor's own test material.
 */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>
#include <glib/gi18n.h>
#include <string.h>

#include "sintesi-cli.h"
#include "sintesi-cli-commands.h"
#include "sintesi-environment.h"
#include "sintesi-jwt.h"
#include "sintesi-cda.h"
#include "sintesi-profile.h"

/* The PSS is the only document Sintesi sends: the type a metadata update
 * declares when no CDA is given. */
#define PSS_RESOURCE_TYPE "('60591-5^^2.16.840.1.113883.6.1')"

typedef struct
{
  char     *profile;
  char     *sign_cert;
  char     *sign_key;
  gboolean  password_stdin;
  char     *password_file;
  char     *cf;
  char     *operation;
  char     *cda;
  char     *pdf;
  char     *patient;
  gboolean  decode;
  gboolean  access_update;
  char     *aud;
  char     *environment;
  char     *locality;
  char     *app_id;
  char     *app_vendor;
  char     *app_version;
} TokensOptions;

static void
tokens_options_clear (TokensOptions *o)
{
  g_free (o->profile);
  g_free (o->sign_cert);
  g_free (o->sign_key);
  g_free (o->password_file);
  g_free (o->cf);
  g_free (o->operation);
  g_free (o->cda);
  g_free (o->pdf);
  g_free (o->patient);
  g_free (o->aud);
  g_free (o->environment);
  g_free (o->locality);
  g_free (o->app_id);
  g_free (o->app_vendor);
  g_free (o->app_version);
}

/* What the profile gives, unless an option already said it. */
static gboolean
fill_from_profile (TokensOptions      *o,
                   const char         *passphrase,
                   SintesiCredential **out_credential,
                   GError            **error)
{
  g_autoptr(SintesiProfile) profile = NULL;
  SintesiSandbox *sandbox = NULL;

  profile = sintesi_cli_load_profile (o->profile, &sandbox, error);
  if (profile == NULL)
    return FALSE;
  *out_credential = sintesi_cli_load_signing_credential (o->profile, passphrase, sandbox, error);
  sintesi_sandbox_stop (sandbox);
  if (*out_credential == NULL)
    return FALSE;

#define FILL(field, value) if (o->field == NULL) o->field = g_strdup (value)
  FILL (cf, sintesi_profile_get_cf (profile));
  FILL (locality, sintesi_profile_get_locality (profile));
  FILL (app_id, sintesi_profile_get_app_id (profile));
  FILL (app_vendor, sintesi_profile_get_app_vendor (profile));
  FILL (app_version, sintesi_profile_get_app_version (profile));
  FILL (aud, sintesi_profile_get_effective_aud (profile));
#undef FILL
  return TRUE;
}

static int
pin_callback (void         *userdata,
              int           attempt,
              const char   *token_url,
              const char   *token_label,
              unsigned int  flags,
              char         *pin,
              size_t        pin_max)
{
  const char *password = userdata;

  /* One try only: a wrong PIN must not lock the card by retrying. */
  if (password == NULL || attempt > 0 || strlen (password) + 1 > pin_max)
    return GNUTLS_E_PKCS11_PIN_ERROR;
  memcpy (pin, password, strlen (password) + 1);
  return 0;
}

/* The S1 certificate (first one of the PEM file) as DER. */
static GBytes *
load_certificate (const char  *path,
                  GError     **error)
{
  g_autofree char *pem = NULL;
  gsize size = 0;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum, der = { NULL, 0 };
  GBytes *result;
  int ret;

  if (!g_file_get_contents (path, &pem, &size, error))
    return NULL;
  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) size;
  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM);
  if (ret < 0)
    ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret >= 0)
    ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  gnutls_x509_crt_deinit (crt);
  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a certificate (PEM or DER): %s"), path, gnutls_strerror (ret));
      return NULL;
    }
  result = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return result;
}

/* A PEM key (PKCS#1 or PKCS#8, possibly encrypted) or a pkcs11: URI. */
static gnutls_privkey_t
load_key (const char  *where,
          const char  *password,
          GError     **error)
{
  gnutls_privkey_t key;
  int ret;

  gnutls_privkey_init (&key);
  if (g_str_has_prefix (where, "pkcs11:"))
    {
      gnutls_privkey_set_pin_function (key, pin_callback, (void *) password);
      ret = gnutls_privkey_import_url (key, where, 0);
      if (ret < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The key “%s” cannot be used: %s"), where, gnutls_strerror (ret));
          gnutls_privkey_deinit (key);
          return NULL;
        }
      return key;
    }
  else
    {
      g_autofree char *pem = NULL;
      gsize size = 0;
      gnutls_datum_t datum;
      gboolean encrypted;

      if (!g_file_get_contents (where, &pem, &size, error))
        {
          gnutls_privkey_deinit (key);
          return NULL;
        }
      datum.data = (unsigned char *) pem;
      datum.size = (unsigned int) size;
      encrypted = strstr (pem, "ENCRYPTED") != NULL;
      ret = gnutls_privkey_import_x509_raw (key, &datum, GNUTLS_X509_FMT_PEM, password, 0);
      explicit_bzero (pem, size);
      if (ret < 0)
        {
          if (encrypted || ret == GNUTLS_E_DECRYPTION_FAILED)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                         _("The key “%s” is encrypted and the password is missing or wrong."), where);
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("“%s” is not a usable private key: %s"), where, gnutls_strerror (ret));
          gnutls_privkey_deinit (key);
          return NULL;
        }
      return key;
    }
}

static JsonNode *
decoded_node (const char *token)
{
  g_autoptr(SintesiJwtDecoded) decoded = sintesi_jwt_decode (token, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* Our own tokens: they were decoded and linted a moment ago. */
  g_assert (decoded != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "header");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), decoded->header));
  json_builder_set_member_name (builder, "claims");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), decoded->claims));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_human (const SintesiJwtTokens *tokens,
             gboolean                decode)
{
  g_print ("Authorization: Bearer %s\n", tokens->bearer);
  g_print ("FSE-JWT-Signature: %s\n", tokens->signature);
  if (decode)
    {
      const char *labels[] = { _("Authorization token"), _("Signature token (FSE-JWT-Signature)") };
      const char *texts[] = { tokens->bearer, tokens->signature };

      for (int i = 0; i < 2; i++)
        {
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          g_autoptr(JsonNode) node = decoded_node (texts[i]);
          g_autofree char *text = NULL;

          json_generator_set_pretty (generator, TRUE);
          json_generator_set_root (generator, node);
          text = json_generator_to_data (generator, NULL);
          g_print ("\n%s:\n%s\n", labels[i], text);
        }
    }
}

int
sintesi_cli_tokens (SintesiCli  *cli,
                    int          argc,
                    char       **argv)
{
  TokensOptions o = { 0 };
  GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o.profile, N_("The physician profile (S1 credential, CF, locality, application, aud)"), "NAME" },
    { "operation", 0, 0, G_OPTION_ARG_STRING, &o.operation, N_("create, replace, delete or update"), "OPERATION" },
    { "sign-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.sign_cert, N_("Signature (S1) certificate, PEM or DER"), "FILE" },
    { "sign-key", 0, 0, G_OPTION_ARG_STRING, &o.sign_key, N_("Its private key (PEM, possibly encrypted) or a pkcs11: URI"), "FILE|URI" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.password_stdin, N_("Read the key password or PIN from standard input"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.password_file, N_("Read the key password or PIN from a file"), "FILE" },
    { "cf", 0, 0, G_OPTION_ARG_STRING, &o.cf, N_("The physician's codice fiscale (sub)"), "CF" },
    { "cda", 0, 0, G_OPTION_ARG_FILENAME, &o.cda, N_("The CDA: document type and patient"), "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &o.pdf, N_("The signed PDF that will be sent (attachment_hash)"), "FILE" },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &o.patient, N_("The patient's codice fiscale (person_id)"), "CF" },
    { "access-update", 0, 0, G_OPTION_ARG_NONE, &o.access_update, N_("The update changes the P99 obscuring (purpose ACCESS UPDATE)"), NULL },
    { "decode", 0, 0, G_OPTION_ARG_NONE, &o.decode, N_("Also show the header and claims of both tokens"), NULL },
    { "aud", 0, 0, G_OPTION_ARG_STRING, &o.aud, N_("Audience (default: the environment's)"), "URL" },
    { "environment", 0, 0, G_OPTION_ARG_STRING, &o.environment, N_("stage or production (for the default aud; default stage)"), "ENV" },
    { "locality", 0, 0, G_OPTION_ARG_STRING, &o.locality, N_("The locality as an HL7 XON value"), "XON" },
    { "app-id", 0, 0, G_OPTION_ARG_STRING, &o.app_id, N_("Application id (subject_application_id)"), "ID" },
    { "app-vendor", 0, 0, G_OPTION_ARG_STRING, &o.app_vendor, N_("Application vendor"), "VENDOR" },
    { "app-version", 0, 0, G_OPTION_ARG_STRING, &o.app_version, N_("Application version"), "VERSION" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(SintesiJwtTokens) tokens = NULL;
  g_autofree char *password = NULL;
  g_autofree char *resource_type = NULL;
  g_autofree char *cda_patient = NULL;
  gnutls_privkey_t key = NULL;
  gnutls_privkey_t signing_key = NULL;
  g_autoptr(SintesiCredential) profile_credential = NULL;
  SintesiJwtParams params = { 0 };
  SintesiJwtOperation operation;
  SintesiEnvironment environment = SINTESI_ENVIRONMENT_STAGE;
  gboolean needs_document;
  int status;

  if (!sintesi_cli_parse_options (cli, "tokens", "",
                                  _("Builds, signs and checks both tokens of one gateway call, without sending anything."),
                                  entries, &argc, &argv, &status))
    goto out;

  status = SINTESI_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      status = sintesi_cli_usage_error (cli, _("“tokens” takes no argument like “%s”"), argv[1]);
      goto out;
    }
  if (o.operation == NULL || !sintesi_jwt_operation_from_string (o.operation, &operation))
    {
      status = sintesi_cli_usage_error (cli, "%s", _("--operation must be create, replace, delete or update"));
      goto out;
    }
  /* Local material: unreadable files and bad passwords are setup errors. */
  if (o.password_stdin || o.password_file != NULL)
    {
      password = sintesi_cli_read_password (o.password_stdin, o.password_file, &error);
      if (password == NULL)
        {
          status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
          goto out;
        }
    }
  if (o.profile != NULL && !fill_from_profile (&o, password, &profile_credential, &error))
    {
      status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }
  {
    struct { const char *value; const char *option; } required[] = {
      { o.sign_cert, "--sign-cert" }, { o.sign_key, "--sign-key" }, { o.cf, "--cf" },
      { o.locality, "--locality" }, { o.app_id, "--app-id" }, { o.app_vendor, "--app-vendor" },
      { o.app_version, "--app-version" },
    };

    /* The stored S1 stands in for --sign-cert and --sign-key. */
    for (gsize i = profile_credential != NULL ? 2 : 0; i < G_N_ELEMENTS (required); i++)
      if (required[i].value == NULL)
        {
          status = sintesi_cli_usage_error (cli, _("%s is required (or --profile NAME)"), required[i].option);
          goto out;
        }
  }
  if (o.environment != NULL
      && (!sintesi_environment_from_string (o.environment, &environment)
          || sintesi_environment_default_aud (environment) == NULL)
      && o.aud == NULL)
    {
      status = sintesi_cli_usage_error (cli, "%s", _("--environment must be stage or production, or give --aud"));
      goto out;
    }
  needs_document = operation == SINTESI_JWT_OPERATION_CREATE || operation == SINTESI_JWT_OPERATION_REPLACE;
  if (needs_document && (o.pdf == NULL || o.cda == NULL))
    {
      status = sintesi_cli_usage_error (cli, "%s",
                                        _("create and replace need --cda (document type and patient) and --pdf (the exact file that will be sent)"));
      goto out;
    }
  if (o.cda == NULL && o.patient == NULL)
    {
      status = sintesi_cli_usage_error (cli, "%s", _("Give the patient with --patient or --cda"));
      goto out;
    }

  if (profile_credential != NULL)
    {
      certificate = sintesi_credential_get_certificate_der (profile_credential);
      signing_key = sintesi_credential_get_privkey (profile_credential, &error);
    }
  else
    {
      certificate = load_certificate (o.sign_cert, &error);
      if (certificate != NULL)
        signing_key = key = load_key (o.sign_key, password, &error);
    }
  if (signing_key == NULL)
    {
      status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }
  if (o.pdf != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (o.pdf);

      pdf = g_file_load_bytes (file, NULL, NULL, &error);
      if (pdf == NULL)
        {
          status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
          goto out;
        }
    }
  if (o.cda != NULL)
    {
      g_autoptr(SintesiCda) cda = sintesi_cda_load_file (o.cda, 0, &error);

      if (cda == NULL)
        {
          status = sintesi_cli_fail (cli, g_error_matches (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_NOT_CDA)
                                          ? SINTESI_CLI_EXIT_REFUSED : SINTESI_CLI_EXIT_USAGE, error);
          goto out;
        }
      resource_type = sintesi_cda_resource_hl7_type (cda, &error);
      if (resource_type != NULL && cda->patient_cf == NULL)
        g_set_error (&error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CDA, "%s",
                     _("The CDA names no patient by codice fiscale (recordTarget/patientRole/id with root 2.16.840.1.113883.2.9.4.3.2)."));
      else
        cda_patient = g_strdup (cda->patient_cf);
      if (cda_patient == NULL)
        {
          status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
          goto out;
        }
      if (o.patient != NULL && strcmp (o.patient, cda_patient) != 0)
        {
          g_set_error (&error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CDA,
                       _("--patient is %s, but the CDA is about %s."), o.patient, cda_patient);
          status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
          goto out;
        }
    }

  params.operation = operation;
  params.access_update = o.access_update;
  params.certificate_der = certificate;
  params.key = signing_key;
  params.physician_cf = o.cf;
  params.patient_cf = cda_patient != NULL ? cda_patient : o.patient;
  params.resource_hl7_type = resource_type != NULL ? resource_type : PSS_RESOURCE_TYPE;
  params.document = pdf;
  params.locality = o.locality;
  params.application_id = o.app_id;
  params.application_vendor = o.app_vendor;
  params.application_version = o.app_version;
  params.aud = o.aud != NULL ? o.aud : sintesi_environment_default_aud (environment);

  tokens = sintesi_jwt_build (&params, &error);
  if (tokens == NULL)
    {
      /* What the gateway would refuse is a refusal; a key that cannot sign
       * is local setup. */
      gboolean refused = error->domain == SINTESI_JWT_ERROR
                         && (error->code == SINTESI_JWT_ERROR_LINT || error->code == SINTESI_JWT_ERROR_INVALID_PARAMETERS);

      status = sintesi_cli_fail (cli, refused ? SINTESI_CLI_EXIT_REFUSED : SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bearer");
      json_builder_add_string_value (builder, tokens->bearer);
      json_builder_set_member_name (builder, "signature");
      json_builder_add_string_value (builder, tokens->signature);
      if (o.decode)
        {
          json_builder_set_member_name (builder, "decoded");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "bearer");
          json_builder_add_value (builder, decoded_node (tokens->bearer));
          json_builder_set_member_name (builder, "signature");
          json_builder_add_value (builder, decoded_node (tokens->signature));
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    print_human (tokens, o.decode);
  status = SINTESI_CLI_EXIT_OK;

out:
  if (key != NULL)
    gnutls_privkey_deinit (key);
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  tokens_options_clear (&o);
  return status;
}
