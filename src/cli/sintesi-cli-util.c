/* sintesi-cli-util.c: option parsing and output shared by the commands */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli.h"
#include "sintesi-keystore.h"

gboolean
sintesi_cli_parse_options (SintesiCli    *cli,
                           const char    *command,
                           const char    *parameter_string,
                           const char    *summary,
                           GOptionEntry  *entries,
                           int           *argc,
                           char        ***argv,
                           int           *exit_code)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *params = g_strdup_printf ("%s %s", command, parameter_string ? parameter_string : "");

  context = g_option_context_new (params);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = sintesi_cli_usage_error (cli, "%s", error->message);
      return FALSE;
    }
  *exit_code = SINTESI_CLI_EXIT_OK;
  return TRUE;
}

void
sintesi_cli_json_add_string (JsonBuilder *builder,
                             const char  *name,
                             const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
sintesi_cli_json_add_check (JsonBuilder *builder,
                            const char  *id,
                            gboolean     ok,
                            const char  *message)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, ok);
  sintesi_cli_json_add_string (builder, "message", message);
  json_builder_end_object (builder);
}

void
sintesi_cli_print_json (SintesiCli *cli,
                        JsonNode   *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  json_node_unref (root);
}

static void
print_error_json (SintesiCli   *cli,
                  const char   *domain,
                  int           code,
                  const char   *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "domain");
  json_builder_add_string_value (builder, domain);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  sintesi_cli_print_json (cli, json_builder_get_root (builder));
}

int
sintesi_cli_fail (SintesiCli   *cli,
                  int           exit_code,
                  const GError *error)
{
  const char *message = error != NULL ? error->message : _("Unknown error");

  g_printerr ("sintesi-cli: %s\n", message);
  if (cli->json)
    print_error_json (cli,
                      error != NULL ? g_quark_to_string (error->domain) : "sintesi-cli",
                      error != NULL ? error->code : 0,
                      message);
  return exit_code;
}

int
sintesi_cli_usage_error (SintesiCli *cli,
                         const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("sintesi-cli: %s\n", message);
  g_printerr ("%s\n", _("Run “sintesi-cli --help” for the list of commands."));
  if (cli->json)
    print_error_json (cli, "usage", SINTESI_CLI_EXIT_USAGE, message);
  return SINTESI_CLI_EXIT_USAGE;
}

char *
sintesi_cli_read_password (gboolean     from_stdin,
                           const char  *from_file,
                           GError     **error)
{
  GString *password = g_string_new (NULL);

  if (from_file != NULL)
    {
      g_autofree char *contents = NULL;

      if (!g_file_get_contents (from_file, &contents, NULL, error))
        {
          g_string_free (password, TRUE);
          return NULL;
        }
      g_string_assign (password, contents);
      explicit_bzero (contents, strlen (contents));
    }
  else if (from_stdin)
    {
      int c;

      while ((c = getchar ()) != EOF)
        g_string_append_c (password, (char) c);
    }
  else
    {
      g_string_free (password, TRUE);
      return NULL;
    }

  /* A trailing newline is how every shell hands over a line. */
  while (password->len > 0 &&
         (password->str[password->len - 1] == '\n' || password->str[password->len - 1] == '\r'))
    g_string_truncate (password, password->len - 1);

  return g_string_free (password, FALSE);
}

gboolean
sintesi_cli_ensure_demo_profile (const char  *name,
                                 GError     **error)
{
  SintesiSandbox *sandbox;

  if (name == NULL || !g_str_equal (name, SINTESI_SANDBOX_PROFILE) || sintesi_profile_exists (name))
    return TRUE;
  sandbox = sintesi_sandbox_start (error);
  if (sandbox == NULL)
    return FALSE;
  sintesi_sandbox_stop (sandbox);
  return TRUE;
}

SintesiProfile *
sintesi_cli_load_profile (const char      *name,
                          SintesiSandbox **out_sandbox,
                          GError         **error)
{
  SintesiProfile *profile;
  SintesiSandbox *sandbox = NULL;

  *out_sandbox = NULL;
  /* Starting the sandbox is what makes the demo physician. */
  if (g_str_equal (name, SINTESI_SANDBOX_PROFILE) && !sintesi_profile_exists (name) &&
      (sandbox = sintesi_sandbox_start (error)) == NULL)
    return NULL;
  profile = sintesi_profile_load (name, error);
  if (profile != NULL && sandbox == NULL &&
      sintesi_profile_get_environment (profile) == SINTESI_ENVIRONMENT_SANDBOX &&
      (sandbox = sintesi_sandbox_start (error)) == NULL)
    g_clear_object (&profile);
  if (profile == NULL)
    {
      sintesi_sandbox_stop (sandbox);
      return NULL;
    }
  *out_sandbox = sandbox;
  return profile;
}

SintesiCredential *
sintesi_cli_load_signing_credential (const char      *name,
                                     const char      *password,
                                     SintesiSandbox  *sandbox,
                                     GError         **error)
{
  g_autoptr(SintesiKeystore) keystore = sintesi_keystore_new (name, NULL, error);
  const char *passphrase = password;

  if (keystore == NULL)
    return NULL;
  if (passphrase == NULL && sandbox != NULL)
    passphrase = sintesi_sandbox_get_key_passphrase (sandbox);
  return sintesi_keystore_load (keystore, SINTESI_CREDENTIAL_SLOT_SIGN, passphrase, error);
}
