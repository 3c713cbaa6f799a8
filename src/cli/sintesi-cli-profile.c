/* sintesi-cli-profile.c: sintesi-cli profile create|show|list|check (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-paths.h"
#include "sintesi-profile.h"
#include "sintesi-registry.h"

static void
add_problems (JsonBuilder *builder,
              GPtrArray   *problems)
{
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      SintesiProfileProblem *problem = g_ptr_array_index (problems, i);

      json_builder_begin_object (builder);
      sintesi_cli_json_add_string (builder, "field", problem->field);
      sintesi_cli_json_add_string (builder, "severity", problem->severity == SINTESI_PROBLEM_ERROR ? "error" : "warning");
      sintesi_cli_json_add_string (builder, "message", problem->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_problems (GPtrArray *problems)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      SintesiProfileProblem *problem = g_ptr_array_index (problems, i);

      g_printerr ("sintesi-cli: %s %s: %s\n",
                  problem->severity == SINTESI_PROBLEM_ERROR ? _("error") : _("warning"),
                  problem->field, problem->message);
    }
}

/* The profile as JSON members of the object being built. */
static void
add_profile_members (JsonBuilder    *builder,
                     SintesiProfile *profile)
{
  g_autofree char *path = sintesi_profile_path (sintesi_profile_get_name (profile));

  sintesi_cli_json_add_string (builder, "name", sintesi_profile_get_name (profile));
  sintesi_cli_json_add_string (builder, "path", path);
  sintesi_cli_json_add_string (builder, "physician_name", sintesi_profile_get_physician_name (profile));
  sintesi_cli_json_add_string (builder, "cf", sintesi_profile_get_cf (profile));
  sintesi_cli_json_add_string (builder, "azienda", sintesi_profile_get_azienda (profile));
  sintesi_cli_json_add_string (builder, "repository", sintesi_profile_get_repository (profile));
  sintesi_cli_json_add_string (builder, "solution", sintesi_profile_get_solution (profile));
  sintesi_cli_json_add_string (builder, "environment", sintesi_environment_to_string (sintesi_profile_get_environment (profile)));
  sintesi_cli_json_add_string (builder, "base_url", sintesi_profile_get_base_url (profile));
  sintesi_cli_json_add_string (builder, "effective_base_url", sintesi_profile_get_effective_base_url (profile));
  sintesi_cli_json_add_string (builder, "aud", sintesi_profile_get_aud (profile));
  sintesi_cli_json_add_string (builder, "effective_aud", sintesi_profile_get_effective_aud (profile));
  sintesi_cli_json_add_string (builder, "ca_file", sintesi_profile_get_ca_file (profile));
  sintesi_cli_json_add_string (builder, "locality", sintesi_profile_get_locality (profile));
  sintesi_cli_json_add_string (builder, "app_id", sintesi_profile_get_app_id (profile));
  sintesi_cli_json_add_string (builder, "app_vendor", sintesi_profile_get_app_vendor (profile));
  sintesi_cli_json_add_string (builder, "app_version", sintesi_profile_get_app_version (profile));
  /* Named as in the requestBody they fill (D13). */
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  sintesi_cli_json_add_string (builder, "healthDataFormat", sintesi_profile_get_health_data_format (profile));
  sintesi_cli_json_add_string (builder, "mode", sintesi_profile_get_mode (profile));
  sintesi_cli_json_add_string (builder, "tipologiaStruttura", sintesi_profile_get_tipologia_struttura (profile));
  sintesi_cli_json_add_string (builder, "tipoDocumentoLivAlto", sintesi_profile_get_tipo_documento_liv_alto (profile));
  sintesi_cli_json_add_string (builder, "assettoOrganizzativo", sintesi_profile_get_assetto_organizzativo (profile));
  sintesi_cli_json_add_string (builder, "tipoAttivitaClinica", sintesi_profile_get_tipo_attivita_clinica (profile));
  json_builder_end_object (builder);
}

static void
print_profile_text (SintesiProfile *profile)
{
  g_autofree char *path = sintesi_profile_path (sintesi_profile_get_name (profile));
  const struct { const char *label; const char *value; } lines[] = {
    { "name", sintesi_profile_get_name (profile) },
    { "path", path },
    { "physician-name", sintesi_profile_get_physician_name (profile) },
    { "cf", sintesi_profile_get_cf (profile) },
    { "azienda", sintesi_profile_get_azienda (profile) },
    { "repository", sintesi_profile_get_repository (profile) },
    { "solution", sintesi_profile_get_solution (profile) },
    { "environment", sintesi_environment_to_string (sintesi_profile_get_environment (profile)) },
    { "base-url", sintesi_profile_get_effective_base_url (profile) },
    { "aud", sintesi_profile_get_effective_aud (profile) },
    { "ca-file", sintesi_profile_get_ca_file (profile) },
    { "locality", sintesi_profile_get_locality (profile) },
    { "app-id", sintesi_profile_get_app_id (profile) },
    { "app-vendor", sintesi_profile_get_app_vendor (profile) },
    { "app-version", sintesi_profile_get_app_version (profile) },
    { "healthDataFormat", sintesi_profile_get_health_data_format (profile) },
    { "mode", sintesi_profile_get_mode (profile) },
    { "tipologiaStruttura", sintesi_profile_get_tipologia_struttura (profile) },
    { "tipoDocumentoLivAlto", sintesi_profile_get_tipo_documento_liv_alto (profile) },
    { "assettoOrganizzativo", sintesi_profile_get_assetto_organizzativo (profile) },
    { "tipoAttivitaClinica", sintesi_profile_get_tipo_attivita_clinica (profile) },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    printf ("%-22s %s\n", lines[i].label, lines[i].value ? lines[i].value : "-");
}

/* A refusal that names each wrong field: {"error": {…}, "problems": […]}. */
static int
fail_with_problems (SintesiCli   *cli,
                    const GError *error,
                    GPtrArray    *problems)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_printerr ("sintesi-cli: %s\n", error->message);
  if (!cli->json)
    return SINTESI_CLI_EXIT_REFUSED;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  sintesi_cli_json_add_string (builder, "domain", g_quark_to_string (error->domain));
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, error->code);
  sintesi_cli_json_add_string (builder, "message", error->message);
  json_builder_end_object (builder);
  add_problems (builder, problems);
  json_builder_end_object (builder);
  sintesi_cli_print_json (cli, json_builder_get_root (builder));
  return SINTESI_CLI_EXIT_REFUSED;
}

/* Missing profile or bad name: a setup error; a broken file: refused. */
static int
fail_load (SintesiCli   *cli,
           const GError *error)
{
  if (g_error_matches (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NOT_FOUND) ||
      g_error_matches (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_NAME) ||
      g_error_matches (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_FILE))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
}

static int
profile_create (SintesiCli  *cli,
                int          argc,
                char       **argv)
{
  g_autofree char *cf = NULL, *azienda = NULL, *repository = NULL, *solution = NULL;
  g_autofree char *app_id = NULL, *app_vendor = NULL, *app_version = NULL;
  g_autofree char *locality = NULL, *environment = NULL, *base_url = NULL;
  g_autofree char *aud = NULL, *ca_file = NULL, *physician_name = NULL;
  GOptionEntry entries[] = {
    { "cf", 0, 0, G_OPTION_ARG_STRING, &cf, N_("The physician’s codice fiscale"), "CF" },
    { "azienda", 0, 0, G_OPTION_ARG_STRING, &azienda, N_("Azienda code, 3 digits (default 201)"), "CODE" },
    { "repository", 0, 0, G_OPTION_ARG_STRING, &repository, N_("Repository code, 3 digits (default 201)"), "CODE" },
    { "solution", 0, 0, G_OPTION_ARG_STRING, &solution, N_("Solution name in document ids, A–Z and 0–9 (default SINTESI)"), "NAME" },
    { "app-id", 0, 0, G_OPTION_ARG_STRING, &app_id, N_("Accredited application id (INI)"), "ID" },
    { "app-vendor", 0, 0, G_OPTION_ARG_STRING, &app_vendor, N_("Accredited vendor (INI)"), "VENDOR" },
    { "app-version", 0, 0, G_OPTION_ARG_STRING, &app_version, N_("Accredited version (INI)"), "VERSION" },
    { "locality", 0, 0, G_OPTION_ARG_STRING, &locality, N_("Organisation in XON form, NAME^^^^^&OID&ISO^^^^CODE"), "XON" },
    { "environment", 0, 0, G_OPTION_ARG_STRING, &environment, N_("sandbox, stage, production or custom (default sandbox)"), "ENV" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Gateway base URL (default: the environment’s)"), "URL" },
    { "aud", 0, 0, G_OPTION_ARG_STRING, &aud, N_("Token audience (default: the environment’s)"), "URL" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Extra CA certificates (PEM) for the sandbox or a custom environment"), "PEM" },
    { "physician-name", 0, 0, G_OPTION_ARG_STRING, &physician_name, N_("The physician’s full name"), "NAME" },
    { NULL }
  };
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  SintesiEnvironment env = SINTESI_ENVIRONMENT_SANDBOX;
  const char *name;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "profile create", "NAME",
                                  _("Creates a physician profile."),
                                  entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("profile create needs exactly one profile NAME"));
  name = argv[1];
  if (cf == NULL)
    return sintesi_cli_usage_error (cli, "%s", _("--cf is required"));
  if (environment != NULL && !sintesi_environment_from_string (environment, &env))
    return sintesi_cli_usage_error (cli, _("--environment must be sandbox, stage, production or custom, not “%s”"),
                                    environment);
  if (!sintesi_profile_validate_name (name, &error))
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  if (sintesi_profile_exists (name))
    {
      g_set_error (&error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_EXISTS,
                   _("A profile named “%s” already exists."), name);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_REFUSED, error);
    }

  profile = sintesi_profile_new (name);
  sintesi_profile_set_environment (profile, env);
  sintesi_profile_set_cf (profile, cf);
  if (azienda != NULL)
    sintesi_profile_set_azienda (profile, azienda);
  if (repository != NULL)
    sintesi_profile_set_repository (profile, repository);
  if (solution != NULL)
    sintesi_profile_set_solution (profile, solution);
  sintesi_profile_set_app_id (profile, app_id);
  sintesi_profile_set_app_vendor (profile, app_vendor);
  sintesi_profile_set_app_version (profile, app_version);
  sintesi_profile_set_locality (profile, locality);
  sintesi_profile_set_base_url (profile, base_url);
  sintesi_profile_set_aud (profile, aud);
  sintesi_profile_set_physician_name (profile, physician_name);
  if (ca_file != NULL)
    {
      /* Stored absolute: the profile is used from any working folder. */
      g_autofree char *absolute = g_canonicalize_filename (ca_file, NULL);

      sintesi_profile_set_ca_file (profile, absolute);
    }

  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  if (!sintesi_profile_save (profile, &error))
    {
      if (g_error_matches (error, SINTESI_PROFILE_ERROR, SINTESI_PROFILE_ERROR_INVALID))
        return fail_with_problems (cli, error, problems);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
    }

  print_problems (problems);  /* warnings only, at this point */
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      add_profile_members (builder, profile);
      add_problems (builder, problems);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    {
      g_autofree char *path = sintesi_profile_path (name);

      printf (_("Profile “%s” saved in %s\n"), name, path);
    }
  return SINTESI_CLI_EXIT_OK;
}

static int
profile_show (SintesiCli  *cli,
              int          argc,
              char       **argv)
{
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "profile show", "NAME",
                                  _("Shows a physician profile."), NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("profile show needs exactly one profile NAME"));

  /* Shown even when a field is wrong, so it can be seen and fixed. */
  profile = sintesi_profile_load_unvalidated (argv[1], &error);
  if (profile == NULL)
    return fail_load (cli, error);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  print_problems (problems);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      add_profile_members (builder, profile);
      add_problems (builder, problems);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    print_profile_text (profile);
  return SINTESI_CLI_EXIT_OK;
}

static int
profile_list (SintesiCli  *cli,
              int          argc,
              char       **argv)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "profile list", NULL,
                                  _("Lists the physician profiles."), NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return sintesi_cli_usage_error (cli, "%s", _("profile list takes no arguments"));

  names = sintesi_profile_list (&error);
  if (names == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "profiles");
  json_builder_begin_array (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) load_error = NULL;
      g_autoptr(SintesiProfile) profile = sintesi_profile_load_unvalidated (names[i], &load_error);
      g_autoptr(GPtrArray) problems = NULL;
      gboolean valid = FALSE;

      if (profile != NULL)
        {
          problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
          valid = !sintesi_profile_problems_have_errors (problems);
        }
      json_builder_begin_object (builder);
      sintesi_cli_json_add_string (builder, "name", names[i]);
      sintesi_cli_json_add_string (builder, "environment",
                  profile ? sintesi_environment_to_string (sintesi_profile_get_environment (profile)) : NULL);
      sintesi_cli_json_add_string (builder, "cf", profile ? sintesi_profile_get_cf (profile) : NULL);
      json_builder_set_member_name (builder, "valid");
      json_builder_add_boolean_value (builder, valid);
      json_builder_end_object (builder);

      if (!cli->json)
        printf ("%s\t%s\t%s%s\n", names[i],
                profile ? sintesi_environment_to_string (sintesi_profile_get_environment (profile)) : "-",
                profile && sintesi_profile_get_cf (profile) ? sintesi_profile_get_cf (profile) : "-",
                valid ? "" : _("\t(has errors)"));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (cli->json)
    sintesi_cli_print_json (cli, json_builder_get_root (builder));
  return SINTESI_CLI_EXIT_OK;
}

/* One entry of "checks": {id, ok, message}. */
static void
add_check (JsonBuilder *builder,
           const char  *id,
           gboolean     ok,
           const char  *message,
           gboolean     print)
{
  sintesi_cli_json_add_check (builder, id, ok, message);
  if (print)
    printf ("%s %-28s %s\n", ok ? "✔" : "✘", id, message);
}

static const char *
outcome_name (SintesiRegistryOutcome outcome)
{
  switch (outcome)
    {
    case SINTESI_REGISTRY_ACCREDITED:
      return "accredited";
    case SINTESI_REGISTRY_NOT_FOR_PSS:
      return "not_for_pss";
    case SINTESI_REGISTRY_NEAR_MISS:
      return "near_miss";
    case SINTESI_REGISTRY_NOT_FOUND:
    default:
      return "not_found";
    }
}

static void
add_row (JsonBuilder              *builder,
         const SintesiRegistryRow *row)
{
  g_autofree char *types = NULL;

  json_builder_set_member_name (builder, "row");
  if (row == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  types = g_strjoinv (",", row->document_types);
  json_builder_begin_object (builder);
  sintesi_cli_json_add_string (builder, "vendor", row->vendor);
  sintesi_cli_json_add_string (builder, "application", row->application);
  sintesi_cli_json_add_string (builder, "version", row->version);
  sintesi_cli_json_add_string (builder, "document_types", types);
  sintesi_cli_json_add_string (builder, "service", row->service);
  sintesi_cli_json_add_string (builder, "validation_date", row->validation_date);
  json_builder_set_member_name (builder, "line");
  json_builder_add_int_value (builder, row->line);
  json_builder_end_object (builder);
}

static int
profile_check (SintesiCli  *cli,
               int          argc,
               char       **argv)
{
  /* The fields a send depends on, in the order a physician reads them. */
  static const char * const checked_fields[] = {
    SINTESI_PROFILE_FIELD_NAME, SINTESI_PROFILE_FIELD_PHYSICIAN_NAME, SINTESI_PROFILE_FIELD_CF,
    SINTESI_PROFILE_FIELD_AZIENDA, SINTESI_PROFILE_FIELD_REPOSITORY, SINTESI_PROFILE_FIELD_SOLUTION,
    SINTESI_PROFILE_FIELD_ENVIRONMENT, SINTESI_PROFILE_FIELD_BASE_URL, SINTESI_PROFILE_FIELD_AUD,
    SINTESI_PROFILE_FIELD_CA_FILE, SINTESI_PROFILE_FIELD_LOCALITY, SINTESI_PROFILE_FIELD_APP_ID,
    SINTESI_PROFILE_FIELD_APP_VENDOR, SINTESI_PROFILE_FIELD_APP_VERSION,
    SINTESI_PROFILE_FIELD_HEALTH_DATA_FORMAT, SINTESI_PROFILE_FIELD_MODE,
    SINTESI_PROFILE_FIELD_TIPOLOGIA_STRUTTURA, SINTESI_PROFILE_FIELD_TIPO_DOCUMENTO_LIV_ALTO,
    SINTESI_PROFILE_FIELD_ASSETTO_ORGANIZZATIVO, SINTESI_PROFILE_FIELD_TIPO_ATTIVITA_CLINICA,
  };
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRegistry) registry = NULL;
  g_autoptr(SintesiRegistryMatch) match = NULL;
  g_autoptr(GError) registry_error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *registry_path = NULL;
  gboolean all_ok = TRUE;
  gboolean print = !cli->json;
  int exit_code;

  if (!sintesi_cli_parse_options (cli, "profile check", "NAME",
                                  _("Checks a profile before sending: every field, and the three INI strings against the accredited-software registry."),
                                  NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return sintesi_cli_usage_error (cli, "%s", _("profile check needs exactly one profile NAME"));

  profile = sintesi_profile_load_unvalidated (argv[1], &error);
  if (profile == NULL)
    return fail_load (cli, error);
  problems = sintesi_profile_validate (profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  sintesi_cli_json_add_string (builder, "profile", argv[1]);
  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);

  for (gsize f = 0; f < G_N_ELEMENTS (checked_fields); f++)
    {
      g_autoptr(GString) message = g_string_new (NULL);
      gboolean ok = TRUE;
      g_autofree char *id = g_strdup_printf ("profile.%s", checked_fields[f]);

      for (guint i = 0; i < problems->len; i++)
        {
          SintesiProfileProblem *problem = g_ptr_array_index (problems, i);

          if (strcmp (problem->field, checked_fields[f]) != 0)
            continue;
          if (problem->severity == SINTESI_PROBLEM_ERROR)
            ok = FALSE;
          if (message->len > 0)
            g_string_append_c (message, ' ');
          g_string_append (message, problem->message);
        }
      if (message->len == 0)
        g_string_append (message, _("Valid."));
      all_ok = all_ok && ok;
      add_check (builder, id, ok, message->str, print);
    }

  /* D10/D15: the INI strings must be an accredited row for PSS. */
  registry_path = sintesi_registry_installed_path ();
  if (sintesi_profile_get_app_id (profile) == NULL ||
      sintesi_profile_get_app_vendor (profile) == NULL ||
      sintesi_profile_get_app_version (profile) == NULL)
    {
      all_ok = FALSE;
      add_check (builder, "registry.accredited", FALSE,
                 _("The application id, vendor and version are not all set, so they cannot be checked against the registry."),
                 print);
    }
  else if ((registry = sintesi_registry_load_installed (&registry_error)) == NULL)
    {
      all_ok = FALSE;
      add_check (builder, "registry.accredited", FALSE, registry_error->message, print);
    }
  else
    {
      match = sintesi_registry_match (registry,
                                      sintesi_profile_get_app_id (profile),
                                      sintesi_profile_get_app_vendor (profile),
                                      sintesi_profile_get_app_version (profile));
      all_ok = all_ok && match->outcome == SINTESI_REGISTRY_ACCREDITED;
      add_check (builder, "registry.accredited", match->outcome == SINTESI_REGISTRY_ACCREDITED,
                 match->message, print);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "registry");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "installed");
  json_builder_add_boolean_value (builder, registry != NULL);
  sintesi_cli_json_add_string (builder, "path", registry_path);
  sintesi_cli_json_add_string (builder, "sha256", registry ? sintesi_registry_get_sha256 (registry) : NULL);
  sintesi_cli_json_add_string (builder, "latest_validation_date",
              registry ? sintesi_registry_get_latest_validation_date (registry) : NULL);
  json_builder_set_member_name (builder, "match");
  if (match == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      sintesi_cli_json_add_string (builder, "outcome", outcome_name (match->outcome));
      json_builder_set_member_name (builder, "vendor_equivalent");
      json_builder_add_boolean_value (builder, match->vendor_equivalent);
      json_builder_set_member_name (builder, "version_equivalent");
      json_builder_add_boolean_value (builder, match->version_equivalent);
      add_row (builder, match->row);
      sintesi_cli_json_add_string (builder, "message", match->message);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, all_ok);
  json_builder_end_object (builder);

  if (cli->json)
    sintesi_cli_print_json (cli, json_builder_get_root (builder));
  else if (!all_ok)
    g_printerr ("sintesi-cli: %s\n", _("The profile is not ready to send."));

  return all_ok ? SINTESI_CLI_EXIT_OK : SINTESI_CLI_EXIT_REFUSED;
}

int
sintesi_cli_profile (SintesiCli  *cli,
                     int          argc,
                     char       **argv)
{
  static const struct
  {
    const char *name;
    int (*run) (SintesiCli *cli, int argc, char **argv);
  } subcommands[] = {
    { "create", profile_create },
    { "show", profile_show },
    { "list", profile_list },
    { "check", profile_check },
  };

  if (argc < 2)
    return sintesi_cli_usage_error (cli, "%s", _("profile needs a subcommand: create, show, list or check"));
  for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].run (cli, argc - 1, argv + 1);
  return sintesi_cli_usage_error (cli, _("Unknown profile subcommand “%s”; use create, show, list or check"),
                                  argv[1]);
}
