/* sintesi-journal-search.c: finding calls and documents in the journal */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-journal-search.h"
#include "sintesi-journal-private.h"
#include "sintesi-paths.h"

/* Search */

void
sintesi_journal_document_free (SintesiJournalDocument *document)
{
  if (document == NULL)
    return;
  g_free (document->document_id);
  g_free (document->profile);
  g_free (document->patient_cf);
  g_free (document->replaced_by_document_id);
  g_free (document);
}


typedef struct
{
  GString   *sql;
  GPtrArray *values;  /* strings bound in order to ?1, ?2, … */
  gboolean   has_where;
  gboolean   has_limit;  /* then bound after the strings */
  gint64     limit;
  gint64     offset;
} QueryBuilder;

static void
add_condition (QueryBuilder *builder,
               const char   *condition,
               const char   *value)
{
  g_string_append (builder->sql, builder->has_where ? " AND " : " WHERE ");
  builder->has_where = TRUE;
  g_string_append (builder->sql, condition);
  if (value != NULL)
    g_ptr_array_add (builder->values, g_strdup (value));
}

static gboolean
is_all_digits (const char *text)
{
  if (*text == '\0' || strlen (text) > 18)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Builds the WHERE clause of query; select is the head of the statement. */
static void
build_query (QueryBuilder              *builder,
             const char                *select,
             const SintesiJournalQuery *query,
             gboolean                   with_order)
{
  builder->sql = g_string_new (select);
  builder->values = g_ptr_array_new_with_free_func (g_free);

  if (query->text != NULL && *query->text != '\0')
    {
      g_autofree char *upper = g_ascii_strup (query->text, -1);
      guint n = builder->values->len;
      g_autofree char *condition = NULL;

      /* Each term is indexed: SQLite answers the OR as a union of lookups. */
      g_autofree char *by_id = is_all_digits (query->text)
                               ? g_strdup_printf (" OR r.id = CAST (?%u AS INTEGER)", n + 2)
                               : g_strdup ("");

      condition = g_strdup_printf ("(r.patient_cf = ?%u OR r.x_cart_id = ?%u OR r.trace_id = ?%u "
                                   "OR r.workflow_instance_id = ?%u OR r.document_id = ?%u "
                                   "OR r.replaces_document_id = ?%u%s)",
                                   n + 1, n + 2, n + 2, n + 2, n + 2, n + 2, by_id);
      add_condition (builder, condition, upper);
      g_ptr_array_add (builder->values, g_strdup (query->text));
    }
  if (query->patient_cf != NULL)
    {
      g_autofree char *upper = g_ascii_strup (query->patient_cf, -1);
      g_autofree char *condition = g_strdup_printf ("r.patient_cf = ?%u", builder->values->len + 1);
      add_condition (builder, condition, upper);
    }
#define EXACT(field, column)                                                               \
  if (query->field != NULL)                                                                \
    {                                                                                      \
      g_autofree char *condition = g_strdup_printf ("r." column " = ?%u", builder->values->len + 1); \
      add_condition (builder, condition, query->field);                                    \
    }
  EXACT (x_cart_id, "x_cart_id")
  EXACT (trace_id, "trace_id")
  EXACT (workflow_instance_id, "workflow_instance_id")
  EXACT (profile, "profile")
#undef EXACT
  if (query->document_id != NULL)
    {
      guint n = builder->values->len + 1;
      g_autofree char *condition = g_strdup_printf ("(r.document_id = ?%u OR r.replaces_document_id = ?%u)", n, n);
      add_condition (builder, condition, query->document_id);
    }
  if (query->since != NULL)
    {
      g_autofree char *since = sintesi_journal_format_time (query->since);
      g_autofree char *condition = g_strdup_printf ("r.created_at >= ?%u", builder->values->len + 1);
      add_condition (builder, condition, since);
    }
  if (query->until != NULL)
    {
      g_autofree char *until = sintesi_journal_format_time (query->until);
      g_autofree char *condition = g_strdup_printf ("r.created_at < ?%u", builder->values->len + 1);
      add_condition (builder, condition, until);
    }
  if (sintesi_journal_state_to_string (query->state) != NULL)
    {
      g_autofree char *condition = g_strdup_printf ("r.state = ?%u", builder->values->len + 1);
      add_condition (builder, condition, sintesi_journal_state_to_string (query->state));
    }

  if (!with_order)
    return;
  if (query->oldest_first)
    g_string_append (builder->sql, " ORDER BY r.created_at, r.id");
  else
    g_string_append (builder->sql, " ORDER BY r.created_at DESC, r.id DESC");
  if (query->limit > 0 || query->offset > 0)
    {
      builder->limit = query->limit > 0 ? (gint64) query->limit : -1;
      builder->offset = query->offset;
      g_string_append_printf (builder->sql, " LIMIT ?%u OFFSET ?%u",
                              builder->values->len + 1, builder->values->len + 2);
      builder->has_limit = TRUE;
    }
}

static void
query_builder_clear (QueryBuilder *builder)
{
  if (builder->sql != NULL)
    g_string_free (builder->sql, TRUE);
  g_clear_pointer (&builder->values, g_ptr_array_unref);
}

static sqlite3_stmt *
prepare_query (SintesiJournal             *self,
               const char                 *select,
               const SintesiJournalQuery  *query,
               gboolean                    with_order,
               GError                    **error)
{
  static const SintesiJournalQuery everything = { 0 };
  QueryBuilder builder = { 0 };
  sqlite3_stmt *stmt;

  /* No query: every record. */
  build_query (&builder, select, query != NULL ? query : &everything, with_order);
  stmt = sintesi_journal_statement (self, builder.sql->str, _("Cannot search the journal."), error);
  if (stmt != NULL)
    {
      guint n = builder.values->len;

      for (guint i = 0; i < n; i++)
        sqlite3_bind_text (stmt, (int) i + 1, g_ptr_array_index (builder.values, i), -1, SQLITE_TRANSIENT);
      if (builder.has_limit)
        {
          sqlite3_bind_int64 (stmt, (int) n + 1, builder.limit);
          sqlite3_bind_int64 (stmt, (int) n + 2, builder.offset);
        }
    }
  query_builder_clear (&builder);
  return stmt;
}

/* The listing of records a search returns (search_sql shows this query). */
#define SEARCH_SELECT "SELECT " SUMMARY_COLUMNS " FROM records r"

GPtrArray *
sintesi_journal_search (SintesiJournal             *self,
                        const SintesiJournalQuery  *query,
                        GError                    **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *records = NULL;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_query (self, SEARCH_SELECT, query, TRUE, error);
  if (stmt != NULL)
    records = sintesi_journal_collect_records (self, stmt, error);
  return records;
}

gint64
sintesi_journal_count (SintesiJournal             *self,
                       const SintesiJournalQuery  *query,
                       GError                    **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 count = -1;
  int rc;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), -1);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_query (self, "SELECT count(*) FROM records r", query, FALSE, error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      else
        sintesi_journal_set_sqlite_error (self, error, rc, _("Cannot search the journal."));
    }
  return count;
}

char *
sintesi_journal_search_sql (SintesiJournal             *self,
                            const SintesiJournalQuery  *query,
                            GError                    **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *sql = NULL;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_query (self, SEARCH_SELECT, query, TRUE, error);
  if (stmt != NULL)
    {
      char *expanded = sqlite3_expanded_sql (stmt);

      sql = g_strdup (expanded);
      sqlite3_free (expanded);
    }
  return sql;
}

GPtrArray *
sintesi_journal_get_document_history (SintesiJournal  *self,
                                      const char      *document_id,
                                      GError         **error)
{
  SintesiJournalQuery query = { .document_id = document_id, .oldest_first = TRUE };

  g_return_val_if_fail (document_id != NULL, NULL);
  return sintesi_journal_search (self, &query, error);
}

static gboolean
record_accepted (const SintesiJournalRecord *record)
{
  return record->state == SINTESI_JOURNAL_STATE_ANSWERED &&
         record->http_status >= 200 && record->http_status < 300;
}

SintesiJournalDocument *
sintesi_journal_get_document (SintesiJournal  *self,
                              const char      *document_id,
                              GError         **error)
{
  g_autoptr(GPtrArray) history = NULL;
  SintesiJournalDocument *document;
  gint64 any_content_record = 0;

  g_return_val_if_fail (document_id != NULL, NULL);

  history = sintesi_journal_get_document_history (self, document_id, error);
  if (history == NULL)
    return NULL;
  if (history->len == 0)
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND,
                   _("The journal has no record of document %s."), document_id);
      return NULL;
    }

  document = g_new0 (SintesiJournalDocument, 1);
  document->document_id = g_strdup (document_id);
  document->state = SINTESI_JOURNAL_DOCUMENT_NOT_ACCEPTED;

  for (guint i = 0; i < history->len; i++)
    {
      SintesiJournalRecord *record = g_ptr_array_index (history, i);
      gboolean about_this = g_strcmp0 (record->document_id, document_id) == 0;
      gboolean accepted = record_accepted (record);

      document->last_record_id = record->id;
      if (document->profile == NULL)
        document->profile = g_strdup (record->profile);
      if (document->patient_cf == NULL)
        document->patient_cf = g_strdup (record->patient_cf);
      if (record->state == SINTESI_JOURNAL_STATE_PREPARED)
        document->unsettled_record_id = record->id;

      switch (record->operation)
        {
        case SINTESI_JOURNAL_OPERATION_CREATE:
        case SINTESI_JOURNAL_OPERATION_REPLACE:
          if (about_this)
            {
              any_content_record = record->id;
              if (accepted)
                {
                  document->origin_record_id = record->id;
                  document->content_record_id = record->id;
                  document->state = SINTESI_JOURNAL_DOCUMENT_CURRENT;
                }
            }
          else if (accepted && record->operation == SINTESI_JOURNAL_OPERATION_REPLACE)
            {
              document->state = SINTESI_JOURNAL_DOCUMENT_REPLACED;
              document->replaced_by_record_id = record->id;
              g_free (document->replaced_by_document_id);
              document->replaced_by_document_id = g_strdup (record->document_id);
            }
          break;
        case SINTESI_JOURNAL_OPERATION_DELETE:
          if (about_this && accepted)
            {
              document->state = SINTESI_JOURNAL_DOCUMENT_DELETED;
              document->deleted_by_record_id = record->id;
            }
          break;
        case SINTESI_JOURNAL_OPERATION_UPDATE_METADATA:
          if (about_this && accepted)
            {
              document->metadata_updates++;
              document->last_metadata_record_id = record->id;
              /* Sent by other software, but the gateway knows it. */
              if (document->state == SINTESI_JOURNAL_DOCUMENT_NOT_ACCEPTED)
                document->state = SINTESI_JOURNAL_DOCUMENT_CURRENT;
            }
          break;
        case SINTESI_JOURNAL_OPERATION_STATUS:
        default:
          break;
        }
    }
  if (document->content_record_id == 0)
    document->content_record_id = any_content_record;
  return document;
}

/* CSV export */

static void
csv_field (GString    *csv,
           const char *value,
           gboolean    first)
{
  if (!first)
    g_string_append_c (csv, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (csv, value);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static const char * const csv_columns[] = {
  "journal_id", "created_at", "sent_at", "answered_at", "profile", "environment",
  "operation", "state", "outcome_unknown", "http_status", "x_cart_id",
  "x_cart_id_missing", "trace_id", "span_id", "workflow_instance_id", "document_id",
  "replaces_document_id", "progressive", "patient_cf", "warning", "error_type",
  "error_title", "error_detail", "error_instance", "failure_message",
  "attachment_hash", "pdf_sha256", "s1_fingerprint", "a1_fingerprint",
};

char *
sintesi_journal_export_csv (SintesiJournal             *self,
                            const SintesiJournalQuery  *query,
                            gsize                      *out_length,
                            GError                    **error)
{
  SintesiJournalQuery all = { 0 };
  g_autoptr(GPtrArray) records = NULL;
  GString *csv;

  if (query != NULL)
    all = *query;
  /* A file for people and spreadsheets: oldest first, like a register. */
  all.oldest_first = TRUE;
  records = sintesi_journal_search (self, &all, error);
  if (records == NULL)
    return NULL;

  csv = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (csv_columns); i++)
    csv_field (csv, csv_columns[i], i == 0);
  g_string_append (csv, "\r\n");

  for (guint i = 0; i < records->len; i++)
    {
      SintesiJournalRecord *r = g_ptr_array_index (records, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);
      g_autofree char *status = r->http_status ? g_strdup_printf ("%u", r->http_status) : NULL;
      g_autofree char *progressive = r->progressive ? g_strdup_printf ("%" G_GINT64_FORMAT, r->progressive) : NULL;
      const char *values[] = {
        id, r->created_at, r->sent_at, r->answered_at, r->profile,
        sintesi_environment_to_string (r->environment),
        sintesi_journal_operation_to_string (r->operation),
        sintesi_journal_state_to_string (r->state),
        r->outcome_unknown ? "true" : "false", status, r->x_cart_id,
        r->x_cart_id_missing ? "true" : "false", r->trace_id, r->span_id,
        r->workflow_instance_id, r->document_id, r->replaces_document_id, progressive,
        r->patient_cf, r->warning, r->error_type, r->error_title, r->error_detail,
        r->error_instance, r->failure_message, r->attachment_hash, r->pdf_sha256,
        r->s1_fingerprint, r->a1_fingerprint,
      };
      G_STATIC_ASSERT (G_N_ELEMENTS (values) == G_N_ELEMENTS (csv_columns));

      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        csv_field (csv, values[k], k == 0);
      g_string_append (csv, "\r\n");
    }
  if (out_length != NULL)
    *out_length = csv->len;
  return g_string_free (csv, FALSE);
}

gboolean
sintesi_journal_export_csv_file (SintesiJournal             *self,
                                 const SintesiJournalQuery  *query,
                                 const char                 *path,
                                 GError                    **error)
{
  g_autofree char *csv = NULL;
  gsize length = 0;

  csv = sintesi_journal_export_csv (self, query, &length, error);
  if (csv == NULL)
    return FALSE;
  return sintesi_write_file_atomic (path, csv, (gssize) length, 0600, error);
}

