/* sintesi-cli-gateway.c: submit, replace, delete, update-metadata, status (cli.md)
 *
 * Each is one SintesiSubmission: the core checks, signs, records the call in
 * the journal before it leaves, and records the answer. A profile in the
 * sandbox environment gets the built-in simulator, started here for the
 * length of the command.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-journal.h"
#include "sintesi-profile.h"
#include "sintesi-submission.h"

typedef struct
{
  char     *profile;
  char     *cda;
  char     *pdf;
  char     *body;
  char     *document_id;
  char     *patient;
  char     *workflow_instance_id;
  char     *trace_id;
  gboolean  access_update;
  gboolean  password_stdin;
  char     *password_file;
  int       timeout;
} GatewayOptions;

static void
gateway_options_clear (GatewayOptions *options)
{
  g_free (options->profile);
  g_free (options->cda);
  g_free (options->pdf);
  g_free (options->body);
  g_free (options->document_id);
  g_free (options->patient);
  g_free (options->workflow_instance_id);
  g_free (options->trace_id);
  g_free (options->password_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GatewayOptions, gateway_options_clear)

/* A failed exchange has no problem+json: its error says what went wrong. */
static const char *
failure_type (const GError *failure)
{
  switch (failure->code)
    {
    case SINTESI_GATEWAY_ERROR_CONNECT:    return "urn:sintesi:transport:connect";
    case SINTESI_GATEWAY_ERROR_TLS_SERVER: return "urn:sintesi:transport:tls-server";
    case SINTESI_GATEWAY_ERROR_TLS_CLIENT: return "urn:sintesi:transport:tls-client";
    case SINTESI_GATEWAY_ERROR_TIMEOUT:    return "urn:sintesi:transport:timeout";
    case SINTESI_GATEWAY_ERROR_RESET:      return "urn:sintesi:transport:reset";
    case SINTESI_GATEWAY_ERROR_TRUNCATED:  return "urn:sintesi:transport:truncated";
    case SINTESI_GATEWAY_ERROR_CANCELLED:  return "urn:sintesi:transport:cancelled";
    default:                               return "urn:sintesi:transport:failed";
    }
}

static void
print_events (JsonNode *events)
{
  JsonArray *array = events != NULL && JSON_NODE_HOLDS_ARRAY (events) ? json_node_get_array (events) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);

      if (event == NULL)
        continue;
      printf ("  %s  %-28s %s\n",
              json_object_get_string_member_with_default (event, "eventDate", ""),
              json_object_get_string_member_with_default (event, "eventType", ""),
              json_object_get_string_member_with_default (event, "eventStatus", ""));
    }
}

static int
print_result (SintesiCli              *cli,
              SintesiGatewayOperation  operation,
              SintesiSubmissionResult *result)
{
  SintesiGatewayResponse *response = result->response;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean accepted = response->failure == NULL && response->http_status >= 200 && response->http_status < 300;
  g_autofree char *warning = NULL;

  if (response->warning != NULL && response->middleware_warning != NULL)
    warning = g_strconcat (response->warning, " --middlewarewarning-- ", response->middleware_warning, NULL);
  else
    warning = g_strdup (response->warning != NULL ? response->warning : response->middleware_warning);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "journal_id");
  json_builder_add_int_value (builder, result->journal_id);
  json_builder_set_member_name (builder, "operation");
  json_builder_add_string_value (builder, sintesi_gateway_operation_to_string (operation));
  json_builder_set_member_name (builder, "http_status");
  if (response->http_status > 0)
    json_builder_add_int_value (builder, response->http_status);
  else
    json_builder_add_null_value (builder);
  sintesi_cli_json_add_string (builder, "x_cart_id", response->x_cart_id);
  sintesi_cli_json_add_string (builder, "trace_id", response->trace_id);
  sintesi_cli_json_add_string (builder, "span_id", response->span_id);
  sintesi_cli_json_add_string (builder, "workflow_instance_id", response->workflow_instance_id);
  sintesi_cli_json_add_string (builder, "warning", warning);
  json_builder_set_member_name (builder, "error");
  if (accepted)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      if (response->failure != NULL && response->error_type == NULL)
        {
          sintesi_cli_json_add_string (builder, "type", failure_type (response->failure));
          sintesi_cli_json_add_string (builder, "title", response->failure->message);
          sintesi_cli_json_add_string (builder, "detail", response->failure->message);
          sintesi_cli_json_add_string (builder, "instance", NULL);
        }
      else
        {
          sintesi_cli_json_add_string (builder, "type", response->error_type);
          sintesi_cli_json_add_string (builder, "title", response->error_title);
          sintesi_cli_json_add_string (builder, "detail", response->error_detail);
          sintesi_cli_json_add_string (builder, "instance", response->error_instance);
        }
      json_builder_end_object (builder);
    }
  sintesi_cli_json_add_string (builder, "document_id", result->document_id);
  if (response->status_events != NULL)
    {
      /* Status calls: the gateway's events (transactionData), as received. */
      json_builder_set_member_name (builder, "events");
      json_builder_add_value (builder, json_node_copy (response->status_events));
    }
  json_builder_end_object (builder);

  if (result->journal_error != NULL)
    g_printerr ("sintesi-cli: %s\n", result->journal_error->message);
  if (response->failure != NULL)
    g_printerr ("sintesi-cli: %s\n", response->failure->message);
  else if (!accepted)
    g_printerr (_("sintesi-cli: the gateway refused the request (HTTP %u): %s — %s\n"), response->http_status,
                response->error_title != NULL ? response->error_title : "",
                response->error_detail != NULL ? response->error_detail : "");
  if (response->x_cart_id == NULL && response->http_status > 0)
    g_printerr ("%s\n", _("sintesi-cli: the answer carries no X-CART-id; the journal flags it."));

  if (cli->json)
    sintesi_cli_print_json (cli, json_builder_get_root (builder));
  else
    {
      g_autofree char *record = g_strdup_printf ("%" G_GINT64_FORMAT, result->journal_id);

      printf (_("Journal record: %s\n"), record);
      if (response->http_status > 0)
        printf (_("HTTP status: %u\n"), response->http_status);
      printf ("X-CART-id: %s\n", response->x_cart_id != NULL ? response->x_cart_id : "—");
      if (response->trace_id != NULL)
        printf ("traceID: %s\n", response->trace_id);
      if (response->workflow_instance_id != NULL)
        printf ("workflowInstanceId: %s\n", response->workflow_instance_id);
      if (result->document_id != NULL)
        printf ("identificativoDoc: %s\n", result->document_id);
      if (warning != NULL)
        printf (_("Warning: %s\n"), warning);
      print_events (response->status_events);
      json_node_unref (json_builder_get_root (builder));
    }
  return accepted && result->journal_error == NULL ? SINTESI_CLI_EXIT_OK : SINTESI_CLI_EXIT_REFUSED;
}

static GBytes *
read_file (const char  *path,
           GError     **error)
{
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return g_bytes_new_take (contents, length);
}

static int
run_operation (SintesiCli              *cli,
               SintesiGatewayOperation  operation,
               GatewayOptions          *o)
{
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  SintesiSandbox *sandbox = NULL;
  SintesiSubmission submission = { 0 };
  int status;

  if (o->profile == NULL)
    return sintesi_cli_usage_error (cli, "%s", _("--profile NAME is required."));
  if ((operation == SINTESI_GATEWAY_CREATE || operation == SINTESI_GATEWAY_REPLACE) &&
      (o->cda == NULL) == (o->pdf == NULL))
    return sintesi_cli_usage_error (cli, "%s", _("Give the document as --cda FILE or as --pdf SIGNED.pdf (one of them)."));
  if (operation != SINTESI_GATEWAY_CREATE && operation != SINTESI_GATEWAY_STATUS &&
      operation != SINTESI_GATEWAY_STATUS_BY_TRACE && o->document_id == NULL)
    return sintesi_cli_usage_error (cli, "%s", _("--document-id ID is required."));

  profile = sintesi_cli_load_profile (o->profile, &sandbox, &error);
  if (profile == NULL)
    return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
  if ((o->cda != NULL && (cda = read_file (o->cda, &error)) == NULL) ||
      (o->pdf != NULL && (pdf = read_file (o->pdf, &error)) == NULL) ||
      ((o->password_stdin || o->password_file != NULL) &&
       (password = sintesi_cli_read_password (o->password_stdin, o->password_file, &error)) == NULL) ||
      (journal = sintesi_journal_open_default (&error)) == NULL)
    {
      sintesi_sandbox_stop (sandbox);
      return sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
    }

  submission.operation = operation;
  submission.profile = profile;
  submission.cda = cda;
  submission.pdf = pdf;
  submission.document_id = o->document_id;
  submission.patient_cf = o->patient;
  submission.body_overrides = o->body;
  submission.access_update = o->access_update;
  submission.lookup_id = operation == SINTESI_GATEWAY_STATUS ? o->workflow_instance_id : o->trace_id;
  submission.key_passphrase = password;
  submission.rules_dir = cli->rules_dir;
  submission.total_timeout = o->timeout > 0 ? (guint) o->timeout : 0;

  if (sandbox != NULL)
    {
      submission.base_url = sintesi_sandbox_get_base_url (sandbox);
      submission.server_ca_file = sintesi_sandbox_get_server_ca_file (sandbox);
      submission.only_server_ca_file = TRUE;
      submission.client_ca_file = sintesi_sandbox_get_client_ca_file (sandbox);
      if (submission.key_passphrase == NULL)
        submission.key_passphrase = sintesi_sandbox_get_key_passphrase (sandbox);
    }

  result = sintesi_submission_send (journal, &submission, NULL, &error);
  if (result == NULL)
    {
      /* Refused before anything left: the document or setup is at fault. */
      status = sintesi_cli_fail (cli, g_error_matches (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT)
                                      ? SINTESI_CLI_EXIT_REFUSED : SINTESI_CLI_EXIT_USAGE, error);
    }
  else
    status = print_result (cli, operation, result);

  sintesi_sandbox_stop (sandbox);
  if (password != NULL)
    sintesi_credentials_wipe (password, strlen (password));
  return status;
}

static int
run_command (SintesiCli              *cli,
             const char              *name,
             const char              *parameters,
             const char              *summary,
             SintesiGatewayOperation  operation,
             int                      argc,
             char                   **argv)
{
  g_auto(GatewayOptions) o = { 0 };
  GOptionEntry common[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o.profile, N_("The physician profile"), "NAME" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.password_stdin, N_("Read the credentials passphrase from standard input (when no keyring holds it)"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.password_file, N_("Read the credentials passphrase from a file"), "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &o.timeout, N_("Give up waiting for the answer after N seconds"), "N" },
    { NULL }
  };
  GOptionEntry document[] = {
    { "cda", 0, 0, G_OPTION_ARG_FILENAME, &o.cda, N_("A CDA to sign and send"), "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &o.pdf, N_("A signed PDF carrying cda.xml, sent as is"), "SIGNED.pdf" },
    { "body", 0, 0, G_OPTION_ARG_STRING, &o.body, N_("Metadata for this send only (a JSON object)"), "JSON" },
    { "document-id", 0, 0, G_OPTION_ARG_STRING, &o.document_id, N_("The document’s identificativoDoc"), "ID" },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &o.patient, N_("The patient’s codice fiscale (default: from the journal)"), "CF" },
    { "access-update", 0, 0, G_OPTION_ARG_NONE, &o.access_update, N_("The update changes the obscuring (P99): purpose ACCESS UPDATE"), NULL },
    { "workflow-instance-id", 0, 0, G_OPTION_ARG_STRING, &o.workflow_instance_id, N_("Status of this workflowInstanceId"), "ID" },
    { "trace-id", 0, 0, G_OPTION_ARG_STRING, &o.trace_id, N_("Status of this traceID"), "ID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, document, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return sintesi_cli_usage_error (cli, "%s", error->message);
  if (argc > 1)
    return sintesi_cli_usage_error (cli, _("Unexpected argument “%s”."), argv[1]);

  if (operation == SINTESI_GATEWAY_STATUS)
    {
      if ((o.workflow_instance_id == NULL) == (o.trace_id == NULL))
        return sintesi_cli_usage_error (cli, "%s", _("Give --workflow-instance-id ID or --trace-id ID (one of them)."));
      if (o.trace_id != NULL)
        operation = SINTESI_GATEWAY_STATUS_BY_TRACE;
    }
  return run_operation (cli, operation, &o);
}

int
sintesi_cli_submit (SintesiCli *cli, int argc, char **argv)
{
  return run_command (cli, "submit", "--profile NAME (--cda FILE | --pdf SIGNED.pdf)",
                      _("Sends a new PSS (validate-and-create)."), SINTESI_GATEWAY_CREATE, argc, argv);
}

int
sintesi_cli_replace (SintesiCli *cli, int argc, char **argv)
{
  return run_command (cli, "replace", "--profile NAME --document-id OLD (--cda FILE | --pdf FILE)",
                      _("Replaces a document sent earlier with a new version."), SINTESI_GATEWAY_REPLACE, argc, argv);
}

int
sintesi_cli_delete (SintesiCli *cli, int argc, char **argv)
{
  return run_command (cli, "delete", "--profile NAME --document-id ID [--patient CF]",
                      _("Deletes a document sent earlier."), SINTESI_GATEWAY_DELETE, argc, argv);
}

int
sintesi_cli_update_metadata (SintesiCli *cli, int argc, char **argv)
{
  return run_command (cli, "update-metadata", "--profile NAME --document-id ID [--patient CF] [--body JSON]",
                      _("Updates the metadata of a document sent earlier."), SINTESI_GATEWAY_UPDATE_METADATA, argc, argv);
}

int
sintesi_cli_status (SintesiCli *cli, int argc, char **argv)
{
  return run_command (cli, "status", "--profile NAME (--workflow-instance-id ID | --trace-id ID)",
                      _("Asks the gateway how a call ended."), SINTESI_GATEWAY_STATUS, argc, argv);
}
