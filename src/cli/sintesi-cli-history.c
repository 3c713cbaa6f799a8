/* sintesi-cli-history.c: `history` and `history export` (cli.md) */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-cli-commands.h"
#include "sintesi-journal-search.h"

#define DEFAULT_LIMIT 50

typedef struct
{
  char     *search;
  char     *since;
  char     *until;
  char     *state;
  int       limit;
  int       offset;
  char     *csv;
} HistoryOptions;

static void
history_options_clear (HistoryOptions *options)
{
  g_free (options->search);
  g_free (options->since);
  g_free (options->until);
  g_free (options->state);
  g_free (options->csv);
}

/* "2026-11-27" is that day from local midnight; anything else is ISO 8601,
 * local time unless it names its zone. */
static GDateTime *
parse_date (const char *text)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  int year, month, day;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) == 3)
    return g_date_time_new (local, year, month, day, 0, 0, 0);
  return g_date_time_new_from_iso8601 (text, local);
}

static int
build_query (SintesiCli          *cli,
             HistoryOptions      *options,
             SintesiJournalQuery *query,
             GDateTime          **since,
             GDateTime          **until)
{
  if (options->limit < 0 || options->offset < 0)
    return sintesi_cli_usage_error (cli, "%s", _("--limit and --offset cannot be negative"));
  if (options->since != NULL && (*since = parse_date (options->since)) == NULL)
    return sintesi_cli_usage_error (cli, _("“%s” is not a date: use YYYY-MM-DD or an ISO 8601 date and time"),
                                    options->since);
  if (options->until != NULL && (*until = parse_date (options->until)) == NULL)
    return sintesi_cli_usage_error (cli, _("“%s” is not a date: use YYYY-MM-DD or an ISO 8601 date and time"),
                                    options->until);
  if (options->state != NULL && !sintesi_journal_state_from_string (options->state, &query->state))
    return sintesi_cli_usage_error (cli, _("Unknown state “%s”: use prepared, answered or failed"),
                                    options->state);
  query->text = options->search;
  query->since = *since;
  query->until = *until;
  query->limit = (guint) options->limit;
  query->offset = (guint) options->offset;
  return SINTESI_CLI_EXIT_OK;
}

static void
print_records_json (SintesiCli *cli,
                    GPtrArray  *records)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    {
      SintesiJournalRecord *record = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "journal_id");
      json_builder_add_int_value (builder, record->id);
      sintesi_cli_json_add_string (builder, "created_at", record->created_at);
      sintesi_cli_json_add_string (builder, "operation", sintesi_journal_operation_to_string (record->operation));
      sintesi_cli_json_add_string (builder, "state", sintesi_journal_state_to_string (record->state));
      json_builder_set_member_name (builder, "outcome_unknown");
      json_builder_add_boolean_value (builder, record->outcome_unknown);
      json_builder_set_member_name (builder, "http_status");
      if (record->http_status != 0)
        json_builder_add_int_value (builder, record->http_status);
      else
        json_builder_add_null_value (builder);
      sintesi_cli_json_add_string (builder, "x_cart_id", record->x_cart_id);
      sintesi_cli_json_add_string (builder, "trace_id", record->trace_id);
      sintesi_cli_json_add_string (builder, "workflow_instance_id", record->workflow_instance_id);
      sintesi_cli_json_add_string (builder, "document_id", record->document_id);
      sintesi_cli_json_add_string (builder, "patient_cf", record->patient_cf);
      sintesi_cli_json_add_string (builder, "profile", record->profile);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sintesi_cli_print_json (cli, json_builder_get_root (builder));
}

static const char *
state_label (const SintesiJournalRecord *record)
{
  if (record->outcome_unknown)
    return _("outcome unknown");
  switch (record->state)
    {
    case SINTESI_JOURNAL_STATE_PREPARED:
      return _("sending");
    case SINTESI_JOURNAL_STATE_ANSWERED:
      return _("answered");
    case SINTESI_JOURNAL_STATE_FAILED:
      return _("failed");
    default:
      return "?";
    }
}

static char *
local_time (const char *iso)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/* Pads to a width in characters, not bytes (translations have accents). */
static void
print_cell (const char *text,
            int         width)
{
  glong length = g_utf8_strlen (text, -1);

  fputs (text, stdout);
  for (glong i = length; i < width; i++)
    fputc (' ', stdout);
  fputc (' ', stdout);
}

static void
print_records_human (GPtrArray *records)
{
  if (records->len == 0)
    {
      printf ("%s\n", _("No calls on record."));
      return;
    }
  print_cell (_("ID"), 6);
  print_cell (_("Date"), 19);
  print_cell (_("Operation"), 15);
  print_cell (_("State"), 15);
  print_cell (_("HTTP"), 4);
  print_cell (_("X-CART-id"), 24);
  print_cell (_("Patient"), 16);
  printf ("%s\n", _("Document"));
  for (guint i = 0; i < records->len; i++)
    {
      SintesiJournalRecord *record = g_ptr_array_index (records, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
      g_autofree char *when = local_time (record->created_at);
      g_autofree char *status = record->http_status ? g_strdup_printf ("%u", record->http_status) : g_strdup ("-");

      print_cell (id, 6);
      print_cell (when, 19);
      print_cell (sintesi_journal_operation_to_string (record->operation), 15);
      print_cell (state_label (record), 15);
      print_cell (status, 4);
      print_cell (record->x_cart_id != NULL ? record->x_cart_id
                  : record->x_cart_id_missing ? _("(missing)") : "-", 24);
      print_cell (record->patient_cf != NULL ? record->patient_cf : "-", 16);
      printf ("%s\n", record->document_id != NULL ? record->document_id : "-");
    }
}

static int
history_export (SintesiCli  *cli,
                int          argc,
                char       **argv)
{
  HistoryOptions options = { 0 };
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &options.csv, N_("Write the records to FILE as CSV (RFC 4180)"), N_("FILE") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &options.search, N_("Only records with this CF, X-CART-id, traceID, workflowInstanceId or document id"), N_("TEXT") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &options.since, N_("Only records created on or after DATE"), N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &options.until, N_("Only records created before DATE"), N_("DATE") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &options.state, N_("Only records in STATE (prepared, answered, failed)"), N_("STATE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GDateTime) until = NULL;
  SintesiJournalQuery query = { 0 };
  gint64 count;
  int status;

  if (!sintesi_cli_parse_options (cli, "history export", "--csv FILE",
                                  _("Exports the journal of calls as a CSV file, oldest first."),
                                  entries, &argc, &argv, &status))
    goto out;
  if (argc > 1)
    {
      status = sintesi_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
      goto out;
    }
  if (options.csv == NULL)
    {
      status = sintesi_cli_usage_error (cli, "%s", _("history export needs --csv FILE"));
      goto out;
    }
  status = build_query (cli, &options, &query, &since, &until);
  if (status != SINTESI_CLI_EXIT_OK)
    goto out;

  journal = sintesi_journal_open_default (&error);
  if (journal == NULL ||
      (count = sintesi_journal_count (journal, &query, &error)) < 0 ||
      !sintesi_journal_export_csv_file (journal, &query, options.csv, &error))
    {
      status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, options.csv);
      json_builder_set_member_name (builder, "records");
      json_builder_add_int_value (builder, count);
      json_builder_end_object (builder);
      sintesi_cli_print_json (cli, json_builder_get_root (builder));
    }
  else
    g_printerr (ngettext ("%lld record written to %s\n",
                           "%lld records written to %s\n", (gulong) count),
                (long long) count, options.csv);
  status = SINTESI_CLI_EXIT_OK;

out:
  history_options_clear (&options);
  return status;
}

int
sintesi_cli_history (SintesiCli  *cli,
                     int          argc,
                     char       **argv)
{
  HistoryOptions options = { .limit = DEFAULT_LIMIT };
  GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &options.search, N_("Only records with this CF, X-CART-id, traceID, workflowInstanceId or document id"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &options.limit, N_("Show at most N records, newest first (default 50; 0 for all)"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &options.offset, N_("Skip the N newest matching records"), N_("N") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &options.since, N_("Only records created on or after DATE"), N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &options.until, N_("Only records created before DATE"), N_("DATE") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &options.state, N_("Only records in STATE (prepared, answered, failed)"), N_("STATE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *path = NULL;
  SintesiJournalQuery query = { 0 };
  int status;

  if (argc > 1 && strcmp (argv[1], "export") == 0)
    return history_export (cli, argc - 1, argv + 1);

  if (!sintesi_cli_parse_options (cli, "history", "[export]",
                                  _("Lists the calls to the gateway on record, newest first. "
                                    "“history export --csv FILE” writes them to a CSV file."),
                                  entries, &argc, &argv, &status))
    goto out;
  if (argc > 1)
    {
      status = sintesi_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
      goto out;
    }
  status = build_query (cli, &options, &query, &since, &until);
  if (status != SINTESI_CLI_EXIT_OK)
    goto out;

  /* Reading a journal that does not exist yet must not create one. */
  path = sintesi_journal_default_path ();
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    records = g_ptr_array_new ();
  else if ((journal = sintesi_journal_open (path, &error)) == NULL ||
           (records = sintesi_journal_search (journal, &query, &error)) == NULL)
    {
      status = sintesi_cli_fail (cli, SINTESI_CLI_EXIT_USAGE, error);
      goto out;
    }

  if (cli->json)
    print_records_json (cli, records);
  else
    print_records_human (records);
  status = SINTESI_CLI_EXIT_OK;

out:
  history_options_clear (&options);
  return status;
}
