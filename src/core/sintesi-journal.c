/* sintesi-journal.c: every call to the gateway, on record (decisions D11, D19) */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sintesi-journal.h"
#include "sintesi-journal-private.h"
#include "sintesi-paths.h"

/* "SINT": marks the file as ours, so we never migrate someone else's database. */
#define JOURNAL_APPLICATION_ID 0x53494e54
#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define SQLITE_DEFAULT_MAX_PAGES 1073741823


G_DEFINE_TYPE (SintesiJournal, sintesi_journal, G_TYPE_OBJECT)

G_DEFINE_QUARK (sintesi-journal-error-quark, sintesi_journal_error)

/* Schema migrations, in order: migrations[n] brings version n to n + 1.
 * Never edit one that has shipped; append a new one. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE blobs ("
  "  sha256 TEXT PRIMARY KEY NOT NULL,"
  "  size   INTEGER NOT NULL,"
  "  data   BLOB NOT NULL"
  ");"
  "CREATE TABLE progressives ("
  "  profile    TEXT NOT NULL,"
  "  solution   TEXT NOT NULL,"
  "  last_value INTEGER NOT NULL,"
  "  PRIMARY KEY (profile, solution)"
  ");"
  /* The searchable facts of each call; the bulky bytes live in
   * record_payloads so that listing a decade stays quick. */
  "CREATE TABLE records ("
  "  id                   INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  profile              TEXT NOT NULL,"
  "  operation            TEXT NOT NULL CHECK (operation IN ('create','replace','delete','update-metadata','status')),"
  "  environment          TEXT NOT NULL,"
  "  state                TEXT NOT NULL CHECK (state IN ('prepared','answered','failed')),"
  "  owner                TEXT,"
  "  document_id          TEXT,"
  "  replaces_document_id TEXT,"
  "  source_record_id     INTEGER REFERENCES records (id),"
  "  solution             TEXT,"
  "  progressive          INTEGER,"
  "  patient_cf           TEXT,"
  "  created_at           TEXT NOT NULL,"
  "  sent_at              TEXT,"
  "  answered_at          TEXT,"
  "  http_status          INTEGER,"
  "  x_cart_id            TEXT,"
  "  x_cart_id_missing    INTEGER NOT NULL DEFAULT 0,"
  "  trace_id             TEXT,"
  "  span_id              TEXT,"
  "  workflow_instance_id TEXT,"
  "  warning              TEXT,"
  "  error_type           TEXT,"
  "  error_title          TEXT,"
  "  error_detail         TEXT,"
  "  error_instance       TEXT,"
  "  failure_message      TEXT,"
  "  attachment_hash      TEXT,"
  "  s1_fingerprint       TEXT,"
  "  a1_fingerprint       TEXT,"
  "  pdf_sha256           TEXT REFERENCES blobs (sha256)"
  ");"
  "CREATE TABLE record_payloads ("
  "  record_id        INTEGER PRIMARY KEY REFERENCES records (id),"
  "  request_method   TEXT,"
  "  request_url      TEXT,"
  "  request_headers  TEXT,"
  "  request_body     TEXT,"
  "  response_headers TEXT,"
  "  response_body    BLOB"
  ");"
  "CREATE TABLE status_polls ("
  "  id                INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  record_id         INTEGER NOT NULL REFERENCES records (id),"
  "  polled_at         TEXT NOT NULL,"
  "  request_url       TEXT,"
  "  http_status       INTEGER,"
  "  x_cart_id         TEXT,"
  "  x_cart_id_missing INTEGER NOT NULL DEFAULT 0,"
  "  response_headers  TEXT,"
  "  response_body     BLOB,"
  "  failure_message   TEXT"
  ");"
  "CREATE INDEX records_by_patient ON records (patient_cf, created_at);"
  "CREATE INDEX records_by_x_cart_id ON records (x_cart_id);"
  "CREATE INDEX records_by_trace_id ON records (trace_id);"
  "CREATE INDEX records_by_workflow ON records (workflow_instance_id);"
  "CREATE INDEX records_by_document ON records (document_id);"
  "CREATE INDEX records_by_replaced_document ON records (replaces_document_id) WHERE replaces_document_id IS NOT NULL;"
  "CREATE INDEX records_by_created ON records (created_at);"
  "CREATE INDEX records_by_state ON records (state, created_at);"
  "CREATE INDEX records_by_pdf ON records (pdf_sha256) WHERE pdf_sha256 IS NOT NULL;"
  "CREATE INDEX status_polls_by_record ON status_polls (record_id);"
  "PRAGMA application_id = 1397313108;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SINTESI_JOURNAL_SCHEMA_VERSION);
G_STATIC_ASSERT (JOURNAL_APPLICATION_ID == 1397313108);


static const char * const operation_names[] = {
  NULL, "create", "replace", "delete", "update-metadata", "status",
};
static const char * const state_names[] = {
  NULL, "prepared", "answered", "failed",
};

const char *
sintesi_journal_operation_to_string (SintesiJournalOperation operation)
{
  if (operation < SINTESI_JOURNAL_OPERATION_CREATE || operation > SINTESI_JOURNAL_OPERATION_STATUS)
    return NULL;
  return operation_names[operation];
}

/* The index of text in names[first..last]. */
static gboolean
find_name (const char * const *names,
           guint               first,
           guint               last,
           const char         *text,
           guint              *index)
{
  for (guint i = first; i <= last; i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
sintesi_journal_operation_from_string (const char              *text,
                                       SintesiJournalOperation *operation)
{
  guint index;

  if (!find_name (operation_names, SINTESI_JOURNAL_OPERATION_CREATE, SINTESI_JOURNAL_OPERATION_STATUS,
                  text, &index))
    return FALSE;
  *operation = (SintesiJournalOperation) index;
  return TRUE;
}

const char *
sintesi_journal_state_to_string (SintesiJournalState state)
{
  if (state < SINTESI_JOURNAL_STATE_PREPARED || state > SINTESI_JOURNAL_STATE_FAILED)
    return NULL;
  return state_names[state];
}

gboolean
sintesi_journal_state_from_string (const char          *text,
                                   SintesiJournalState *state)
{
  guint index;

  if (!find_name (state_names, SINTESI_JOURNAL_STATE_PREPARED, SINTESI_JOURNAL_STATE_FAILED, text, &index))
    return FALSE;
  *state = (SintesiJournalState) index;
  return TRUE;
}

/* Records "prepared" by this process are in flight; those of any other
 * process (a crashed one, most likely) have an unknown outcome. */
static const char *
process_token (void)
{
  static char *token;

  if (g_once_init_enter (&token))
    g_once_init_leave (&token, g_uuid_string_random ());
  return token;
}

char *
sintesi_journal_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (utc) / 1000);
}

static char *
now_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return sintesi_journal_format_time (now);
}

void
sintesi_journal_record_free (SintesiJournalRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->profile);
  g_free (record->document_id);
  g_free (record->replaces_document_id);
  g_free (record->solution);
  g_free (record->patient_cf);
  g_free (record->created_at);
  g_free (record->sent_at);
  g_free (record->answered_at);
  g_free (record->x_cart_id);
  g_free (record->trace_id);
  g_free (record->span_id);
  g_free (record->workflow_instance_id);
  g_free (record->warning);
  g_free (record->error_type);
  g_free (record->error_title);
  g_free (record->error_detail);
  g_free (record->error_instance);
  g_free (record->failure_message);
  g_free (record->attachment_hash);
  g_free (record->s1_fingerprint);
  g_free (record->a1_fingerprint);
  g_free (record->request_method);
  g_free (record->request_url);
  g_free (record->request_headers);
  g_free (record->request_body);
  g_clear_pointer (&record->pdf, g_bytes_unref);
  g_free (record->pdf_sha256);
  g_free (record->response_headers);
  g_clear_pointer (&record->response_body, g_bytes_unref);
  g_free (record);
}

void
sintesi_journal_status_poll_free (SintesiJournalStatusPoll *poll)
{
  if (poll == NULL)
    return;
  g_free (poll->polled_at);
  g_free (poll->request_url);
  g_free (poll->x_cart_id);
  g_free (poll->response_headers);
  g_clear_pointer (&poll->response_body, g_bytes_unref);
  g_free (poll->failure_message);
  g_free (poll);
}

/* Errors */

/* context: a full sentence saying what could not be done (may be NULL). */
void
sintesi_journal_set_sqlite_error (SintesiJournal  *self,
                                  GError         **error,
                                  int              rc,
                                  const char      *context)
{
  g_autofree char *reason = NULL;
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  SintesiJournalError code;

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = SINTESI_JOURNAL_ERROR_CORRUPT;
      reason = g_strdup_printf (_("The journal “%s” is damaged or is not a database (%s). "
                                  "It was left as it is: keep a copy of the file and contact support."),
                                self->path, detail);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = SINTESI_JOURNAL_ERROR_LOCKED;
      reason = g_strdup_printf (_("The journal “%s” is in use by another program (another Sintesi "
                                  "window or command) and stayed locked for more than %u ms. "
                                  "Nothing was changed: close the other program and try again."),
                                self->path, self->busy_timeout_ms);
      break;
    case SQLITE_FULL:
      code = SINTESI_JOURNAL_ERROR_FULL;
      reason = g_strdup_printf (_("The disk holding the journal “%s” is full. Nothing was changed "
                                  "and the records already in the journal are safe: free some "
                                  "space and try again."),
                                self->path);
      break;
    default:
      code = SINTESI_JOURNAL_ERROR_IO;
      reason = g_strdup_printf (_("The journal “%s” cannot be read or written (%s)."),
                                self->path, detail);
      break;
    }

  if (context != NULL)
    g_set_error (error, SINTESI_JOURNAL_ERROR, code, "%s %s", context, reason);
  else
    g_set_error_literal (error, SINTESI_JOURNAL_ERROR, code, reason);
}

/* Statements */

/* Statements are prepared once per connection and kept: parsing costs
 * more than running most of them. The cache is keyed by the SQL text;
 * searches bind every value (limits too), so their shapes are bounded by
 * the combinations of filters. A statement is reset when its user's
 * g_autoptr goes out of scope. */
sqlite3_stmt *
sintesi_journal_statement (SintesiJournal  *self,
                           const char      *sql,
                           const char      *context,
                           GError         **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, context);
      sqlite3_finalize (stmt);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

void
sintesi_journal_statement_release (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}


static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_nonempty_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  bind_text (stmt, index, text != NULL && *text != '\0' ? text : NULL);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  gsize size = 0;
  gconstpointer data;

  if (bytes == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  /* A zero-length blob is still a body that arrived: keep it non-NULL. */
  sqlite3_bind_blob64 (stmt, index, size > 0 ? data : "", size, SQLITE_TRANSIENT);
}

static void
bind_id (sqlite3_stmt *stmt,
         int           index,
         gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  const void *data;
  int size;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  data = sqlite3_column_blob (stmt, column);
  size = sqlite3_column_bytes (stmt, column);
  return g_bytes_new (data, size);
}

/* Runs a statement to completion, ignoring rows. */
static gboolean
step_done (SintesiJournal  *self,
           sqlite3_stmt    *stmt,
           const char      *context,
           GError         **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, context);
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec_sql (SintesiJournal  *self,
          const char      *sql,
          const char      *context,
          GError         **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, context);
      return FALSE;
    }
  return TRUE;
}

/* Transactions: a write is its own transaction, or a savepoint inside a
 * batch. BEGIN IMMEDIATE takes the write lock up front, so the busy
 * timeout applies and no read snapshot can go stale under us. */
static gboolean
write_begin (SintesiJournal  *self,
             gboolean        *nested,
             const char      *context,
             GError         **error)
{
  *nested = !sqlite3_get_autocommit (self->db);
  return exec_sql (self, *nested ? "SAVEPOINT journal_write" : "BEGIN IMMEDIATE",
                   context, error);
}

static gboolean
write_commit (SintesiJournal  *self,
              gboolean         nested,
              const char      *context,
              GError         **error)
{
  return exec_sql (self, nested ? "RELEASE journal_write" : "COMMIT", context, error);
}

static void
write_rollback (SintesiJournal *self,
                gboolean        nested)
{
  if (nested)
    sqlite3_exec (self->db, "ROLLBACK TO journal_write; RELEASE journal_write", NULL, NULL, NULL);
  else if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Opening and migrating */

static void
sintesi_journal_finalize (GObject *object)
{
  SintesiJournal *self = SINTESI_JOURNAL (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (sintesi_journal_parent_class)->finalize (object);
}

static void
sintesi_journal_class_init (SintesiJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_journal_finalize;
}

static void
sintesi_journal_init (SintesiJournal *self)
{
  g_mutex_init (&self->mutex);
  self->busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}

char *
sintesi_journal_default_path (void)
{
  return g_build_filename (sintesi_paths_get_data_dir (), "journal.sqlite", NULL);
}

/* One step of a query expecting at most one row: *has_row says whether
 * it came. */
static gboolean
step_row (SintesiJournal  *self,
          sqlite3_stmt    *stmt,
          gboolean        *has_row,
          const char      *context,
          GError         **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, context);
      return FALSE;
    }
  *has_row = rc == SQLITE_ROW;
  return TRUE;
}

/* The integer in the first column of the only row, 0 without a row. */
static gboolean
step_int64 (SintesiJournal  *self,
            sqlite3_stmt    *stmt,
            gint64          *value,
            const char      *context,
            GError         **error)
{
  gboolean has_row = FALSE;

  if (!step_row (self, stmt, &has_row, context, error))
    return FALSE;
  *value = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
query_int (SintesiJournal  *self,
           const char      *sql,
           gint64          *value,
           const char      *context,
           GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = sintesi_journal_statement (self, sql, context, error);

  return stmt != NULL && step_int64 (self, stmt, value, context, error);
}

/* Nothing is written before the version and the owner are known good:
 * a newer or foreign database is left exactly as it was. */
static gboolean
check_and_migrate (SintesiJournal  *self,
                   GError         **error)
{
  const char *context = _("Cannot open the journal.");
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 objects = 0;
  g_autoptr(sqlite3_stmt) mode = NULL;

  if (!query_int (self, "PRAGMA user_version", &version, context, error) ||
      !query_int (self, "PRAGMA application_id", &application_id, context, error))
    return FALSE;

  if (version > SINTESI_JOURNAL_SCHEMA_VERSION)
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NEWER_SCHEMA,
                   _("The journal “%s” was written by a newer version of Sintesi (journal "
                     "version %lld, this version reads up to %d). It was left "
                     "untouched: update Sintesi to use it."),
                   self->path, (long long) version, SINTESI_JOURNAL_SCHEMA_VERSION);
      return FALSE;
    }
  if (!query_int (self, "SELECT count(*) FROM sqlite_master", &objects, context, error))
    return FALSE;
  if ((application_id != 0 && application_id != JOURNAL_APPLICATION_ID) ||
      (version == 0 && objects > 0))
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_CORRUPT,
                   _("The file “%s” is a database, but not a Sintesi journal. It was left "
                     "untouched."),
                   self->path);
      return FALSE;
    }

  mode = sintesi_journal_statement (self, "PRAGMA journal_mode = WAL", context, error);
  if (mode == NULL)
    return FALSE;
  if (sqlite3_step (mode) != SQLITE_ROW ||
      g_ascii_strcasecmp ((const char *) sqlite3_column_text (mode, 0), "wal") != 0)
    {
      sintesi_journal_set_sqlite_error (self, error, sqlite3_errcode (self->db), context);
      if (error != NULL && *error == NULL)
        g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_IO,
                     _("The journal “%s” cannot use write-ahead logging on this disk."),
                     self->path);
      return FALSE;
    }
  g_clear_pointer (&mode, sintesi_journal_statement_release);

  if (!exec_sql (self, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384", context, error))
    return FALSE;

  while (version < SINTESI_JOURNAL_SCHEMA_VERSION)
    {
      g_autofree char *set_version = NULL;
      gint64 current = 0;

      if (!exec_sql (self, "BEGIN IMMEDIATE", context, error))
        return FALSE;
      /* Another process may have migrated while we waited for the lock. */
      if (!query_int (self, "PRAGMA user_version", &current, context, error))
        goto rollback;
      if (current == version)
        {
          set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
          if (!exec_sql (self, migrations[version], context, error) ||
              !exec_sql (self, set_version, context, error))
            goto rollback;
          current = version + 1;
        }
      if (!exec_sql (self, "COMMIT", context, error))
        goto rollback;
      version = current;
      continue;

    rollback:
      write_rollback (self, FALSE);
      return FALSE;
    }
  return TRUE;
}

SintesiJournal *
sintesi_journal_open (const char  *path,
                      GError     **error)
{
  g_autoptr(SintesiJournal) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SINTESI_TYPE_JOURNAL, NULL);
  self->path = g_strdup (path);

  dir = g_path_get_dirname (path);
  if (!sintesi_paths_ensure_private_dir (dir, error))
    return NULL;

  /* Health data: create the file private to the user; SQLite gives its
   * -wal and -shm files the same permissions. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);

      if (fd < 0 && errno != EEXIST)
        {
          int saved_errno = errno;
          g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_IO,
                       _("Cannot create the journal “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
      if (fd >= 0)
        g_close (fd, NULL);
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, _("Cannot open the journal."));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, (int) self->busy_timeout_ms);

  if (!check_and_migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

SintesiJournal *
sintesi_journal_open_default (GError **error)
{
  g_autofree char *path = sintesi_journal_default_path ();

  return sintesi_journal_open (path, error);
}

const char *
sintesi_journal_get_path (SintesiJournal *self)
{
  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), NULL);
  return self->path;
}

void
sintesi_journal_set_busy_timeout (SintesiJournal *self,
                                  guint           milliseconds)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_return_if_fail (SINTESI_IS_JOURNAL (self));
  locker = g_mutex_locker_new (&self->mutex);
  self->busy_timeout_ms = milliseconds;
  sqlite3_busy_timeout (self->db, (int) MIN (milliseconds, (guint) G_MAXINT));
}

gboolean
sintesi_journal_set_size_limit (SintesiJournal  *self,
                                guint64          max_bytes,
                                GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *sql = NULL;
  gint64 page_size = 0;
  gint64 pages;
  gboolean ok;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);
  locker = g_mutex_locker_new (&self->mutex);
  ok = query_int (self, "PRAGMA page_size", &page_size, NULL, error);
  if (ok)
    {
      pages = max_bytes == 0 ? SQLITE_DEFAULT_MAX_PAGES
                             : (gint64) MAX (max_bytes / (guint64) MAX (page_size, 1), 1);
      sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
      ok = exec_sql (self, sql, NULL, error);
    }
  return ok;
}

/* Writing */

static gboolean
store_pdf (SintesiJournal  *self,
           GBytes          *pdf,
           char           **out_sha256,
           const char      *context,
           GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);

  stmt = sintesi_journal_statement (self,
                                    "INSERT INTO blobs (sha256, size, data) VALUES (?1, ?2, ?3) "
                                    "ON CONFLICT (sha256) DO NOTHING",
                                    context, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, sha256);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) g_bytes_get_size (pdf));
  bind_bytes (stmt, 3, pdf);
  if (!step_done (self, stmt, context, error))
    return FALSE;
  *out_sha256 = g_steal_pointer (&sha256);
  return TRUE;
}

static gboolean
document_id_taken (SintesiJournal  *self,
                   const char      *document_id,
                   gboolean        *taken,
                   const char      *context,
                   GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sintesi_journal_statement (self, "SELECT 1 FROM records WHERE document_id = ?1 LIMIT 1",
                                    context, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, document_id);
  return step_row (self, stmt, taken, context, error);
}

/* D11: the next progressive of (profile, solution), inside the caller's
 * transaction. Skips values whose identificativoDoc is already on record
 * (e.g. typed in by hand for a resend). */
static gboolean
allocate_progressive (SintesiJournal  *self,
                      const char      *profile,
                      const char      *solution,
                      const char      *prefix,
                      gint64          *out_progressive,
                      char           **out_document_id,
                      const char      *context,
                      GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sintesi_journal_statement (self,
                                    "INSERT INTO progressives (profile, solution, last_value) VALUES (?1, ?2, 1) "
                                    "ON CONFLICT (profile, solution) DO UPDATE SET last_value = last_value + 1 "
                                    "RETURNING last_value",
                                    context, error);
  if (stmt == NULL)
    return FALSE;

  for (;;)
    {
      g_autofree char *document_id = NULL;
      gboolean taken = FALSE;
      gint64 value;
      int rc;

      bind_text (stmt, 1, profile);
      bind_text (stmt, 2, solution);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sintesi_journal_set_sqlite_error (self, error, rc, context);
          return FALSE;
        }
      value = sqlite3_column_int64 (stmt, 0);
      if (!step_done (self, stmt, context, error))
        return FALSE;
      sqlite3_reset (stmt);

      document_id = g_strdup_printf ("%s%" G_GINT64_FORMAT, prefix, value);
      if (!document_id_taken (self, document_id, &taken, context, error))
        return FALSE;
      if (!taken)
        {
          *out_progressive = value;
          *out_document_id = g_steal_pointer (&document_id);
          return TRUE;
        }
    }
}

static gboolean
validate_draft (const SintesiJournalDraft  *draft,
                GError                    **error)
{
  const char *operation = sintesi_journal_operation_to_string (draft->operation);

  if (draft->profile == NULL || *draft->profile == '\0')
    {
      g_set_error_literal (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                           _("A journal record needs the name of the profile that sends it."));
      return FALSE;
    }
  if (operation == NULL)
    {
      g_set_error_literal (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                           _("A journal record needs a known operation."));
      return FALSE;
    }
  if ((guint) draft->environment > SINTESI_ENVIRONMENT_CUSTOM)
    {
      g_set_error_literal (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                           _("A journal record needs a known environment."));
      return FALSE;
    }
  if (draft->operation != SINTESI_JOURNAL_OPERATION_STATUS && draft->document_id == NULL &&
      (draft->document_id_prefix == NULL || *draft->document_id_prefix == '\0' ||
       draft->solution == NULL || *draft->solution == '\0'))
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                   _("A “%s” record needs the document id, or the prefix and solution name to "
                     "allocate a new one."), operation);
      return FALSE;
    }
  if (draft->document_id == NULL && draft->document_id_prefix != NULL &&
      draft->operation != SINTESI_JOURNAL_OPERATION_CREATE &&
      draft->operation != SINTESI_JOURNAL_OPERATION_REPLACE)
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                   _("A “%s” record acts on an existing document: it cannot allocate a new "
                     "document id."), operation);
      return FALSE;
    }
  if (draft->operation == SINTESI_JOURNAL_OPERATION_REPLACE &&
      (draft->replaces_document_id == NULL || *draft->replaces_document_id == '\0'))
    {
      g_set_error_literal (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                           _("A “replace” record needs the id of the document it replaces."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
record_exists (SintesiJournal  *self,
               gint64           record_id,
               gboolean        *exists,
               char           **state,
               GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sintesi_journal_statement (self, "SELECT state FROM records WHERE id = ?1", NULL, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, record_id);
  if (!step_row (self, stmt, exists, NULL, error))
    return FALSE;
  if (state != NULL)
    *state = *exists ? column_text (stmt, 0) : NULL;
  return TRUE;
}

static void
set_not_found (GError **error,
               gint64   record_id)
{
  g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND,
               _("There is no journal record %lld."), (long long) record_id);
}

/* Request bytes of an existing record; NULL fields keep what is stored. */
static gboolean
store_request (SintesiJournal               *self,
               gint64                        record_id,
               const SintesiJournalRequest  *request,
               const char                   *context,
               GError                      **error)
{
  g_autoptr(sqlite3_stmt) record = NULL;
  g_autoptr(sqlite3_stmt) payload = NULL;
  g_autofree char *pdf_sha256 = NULL;
  g_autofree char *now = now_string ();

  if (request->pdf != NULL && !store_pdf (self, request->pdf, &pdf_sha256, context, error))
    return FALSE;

  record = sintesi_journal_statement (self,
                                      "UPDATE records SET sent_at = ?2, "
                                      "attachment_hash = coalesce (?3, attachment_hash), "
                                      "s1_fingerprint = coalesce (?4, s1_fingerprint), "
                                      "a1_fingerprint = coalesce (?5, a1_fingerprint), "
                                      "pdf_sha256 = coalesce (?6, pdf_sha256) "
                                      "WHERE id = ?1",
                                      context, error);
  if (record == NULL)
    return FALSE;
  sqlite3_bind_int64 (record, 1, record_id);
  bind_text (record, 2, now);
  bind_text (record, 3, request->attachment_hash);
  bind_text (record, 4, request->s1_fingerprint);
  bind_text (record, 5, request->a1_fingerprint);
  bind_text (record, 6, pdf_sha256);
  if (!step_done (self, record, context, error))
    return FALSE;

  payload = sintesi_journal_statement (self,
                                       "UPDATE record_payloads SET "
                                       "request_method = coalesce (?2, request_method), "
                                       "request_url = coalesce (?3, request_url), "
                                       "request_headers = coalesce (?4, request_headers), "
                                       "request_body = coalesce (?5, request_body) "
                                       "WHERE record_id = ?1",
                                       context, error);
  if (payload == NULL)
    return FALSE;
  sqlite3_bind_int64 (payload, 1, record_id);
  bind_text (payload, 2, request->method);
  bind_text (payload, 3, request->url);
  bind_text (payload, 4, request->headers);
  bind_text (payload, 5, request->body);
  return step_done (self, payload, context, error);
}

char *
sintesi_journal_reserve_document_id (SintesiJournal  *self,
                                     const char      *profile,
                                     const char      *solution,
                                     const char      *document_id_prefix,
                                     gint64          *out_progressive,
                                     GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *context = NULL;
  g_autofree char *document_id = NULL;
  gint64 progressive = 0;
  gboolean nested = FALSE;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (profile != NULL && solution != NULL && document_id_prefix != NULL, NULL);

  context = g_strdup_printf (_("No document number could be reserved for profile %s."), profile);
  locker = g_mutex_locker_new (&self->mutex);
  if (!write_begin (self, &nested, context, error))
    return NULL;
  if (!allocate_progressive (self, profile, solution, document_id_prefix, &progressive, &document_id, context, error) ||
      !write_commit (self, nested, context, error))
    {
      write_rollback (self, nested);
      return NULL;
    }
  if (out_progressive != NULL)
    *out_progressive = progressive;
  return g_steal_pointer (&document_id);
}

gint64
sintesi_journal_prepare (SintesiJournal               *self,
                         const SintesiJournalDraft    *draft,
                         const SintesiJournalRequest  *request,
                         gint64                       *out_progressive,
                         char                        **out_document_id,
                         GError                      **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) payload = NULL;
  g_autofree char *context = NULL;
  g_autofree char *allocated_id = NULL;
  g_autofree char *patient_cf = NULL;
  g_autofree char *now = now_string ();
  const char *document_id;
  gint64 progressive = 0;
  gint64 record_id = 0;
  gboolean nested = FALSE;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), 0);
  g_return_val_if_fail (draft != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!validate_draft (draft, error))
    return 0;

  /* Say which call it was: the user must know what did not leave. */
  context = g_strdup_printf (_("The “%s” call of profile %s (patient %s, document %s) was not "
                               "recorded, so it was not sent."),
                             sintesi_journal_operation_to_string (draft->operation), draft->profile,
                             draft->patient_cf != NULL ? draft->patient_cf : _("none"),
                             draft->document_id != NULL ? draft->document_id : _("a new one"));
  patient_cf = draft->patient_cf != NULL ? g_ascii_strup (draft->patient_cf, -1) : NULL;

  locker = g_mutex_locker_new (&self->mutex);
  if (!write_begin (self, &nested, context, error))
    goto out;

  document_id = draft->document_id;
  if (document_id == NULL && draft->document_id_prefix != NULL)
    {
      if (!allocate_progressive (self, draft->profile, draft->solution, draft->document_id_prefix,
                                 &progressive, &allocated_id, context, error))
        goto rollback;
      document_id = allocated_id;
    }

  insert = sintesi_journal_statement (self,
                                      "INSERT INTO records (profile, operation, environment, state, owner, "
                                      "document_id, replaces_document_id, source_record_id, solution, "
                                      "progressive, patient_cf, created_at) "
                                      "VALUES (?1, ?2, ?3, 'prepared', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                      context, error);
  if (insert == NULL)
    goto rollback;
  bind_text (insert, 1, draft->profile);
  bind_text (insert, 2, sintesi_journal_operation_to_string (draft->operation));
  bind_text (insert, 3, sintesi_environment_to_string (draft->environment));
  bind_text (insert, 4, process_token ());
  bind_nonempty_text (insert, 5, document_id);
  bind_nonempty_text (insert, 6, draft->replaces_document_id);
  bind_id (insert, 7, draft->source_record_id);
  bind_nonempty_text (insert, 8, draft->solution);
  bind_id (insert, 9, progressive);
  bind_nonempty_text (insert, 10, patient_cf);
  bind_text (insert, 11, now);
  {
    int rc = sqlite3_step (insert);

    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
      {
        g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                     _("The call starts from journal record %lld, which does not exist."),
                     (long long) draft->source_record_id);
        goto rollback;
      }
    if (rc != SQLITE_DONE)
      {
        sintesi_journal_set_sqlite_error (self, error, rc, context);
        goto rollback;
      }
  }
  record_id = sqlite3_last_insert_rowid (self->db);

  payload = sintesi_journal_statement (self, "INSERT INTO record_payloads (record_id) VALUES (?1)",
                                       context, error);
  if (payload == NULL)
    goto rollback;
  sqlite3_bind_int64 (payload, 1, record_id);
  if (!step_done (self, payload, context, error))
    goto rollback;

  if (request != NULL && !store_request (self, record_id, request, context, error))
    goto rollback;

  if (!write_commit (self, nested, context, error))
    goto rollback;

  if (out_progressive != NULL)
    *out_progressive = progressive;
  if (out_document_id != NULL)
    *out_document_id = g_strdup (document_id);
  goto out;

rollback:
  record_id = 0;
  write_rollback (self, nested);
out:
  return record_id;
}

/* A record's outcome can be written only while it is "prepared". */
static gboolean
check_prepared (SintesiJournal  *self,
                gint64           record_id,
                GError         **error)
{
  g_autofree char *state = NULL;
  gboolean exists = FALSE;

  if (!record_exists (self, record_id, &exists, &state, error))
    return FALSE;
  if (!exists)
    {
      set_not_found (error, record_id);
      return FALSE;
    }
  if (g_strcmp0 (state, "prepared") != 0)
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_STATE,
                   _("Journal record %lld is already %s: its outcome cannot "
                     "be changed."), (long long) record_id, state);
      return FALSE;
    }
  return TRUE;
}

/* Opens the write transaction for a change to record_id, which must exist
 * and still be "prepared"; on failure nothing is left open. */
static gboolean
begin_prepared_change (SintesiJournal  *self,
                       gint64           record_id,
                       gboolean        *nested,
                       const char      *context,
                       GError         **error)
{
  if (!write_begin (self, nested, context, error))
    return FALSE;
  if (check_prepared (self, record_id, error))
    return TRUE;
  write_rollback (self, *nested);
  return FALSE;
}

gboolean
sintesi_journal_record_request (SintesiJournal               *self,
                                gint64                        record_id,
                                const SintesiJournalRequest  *request,
                                GError                      **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *context = NULL;
  gboolean nested = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  context = g_strdup_printf (_("The request of journal record %lld was not "
                               "recorded, so it was not sent."), (long long) record_id);
  locker = g_mutex_locker_new (&self->mutex);
  if (!begin_prepared_change (self, record_id, &nested, context, error))
    goto out;
  if (!store_request (self, record_id, request, context, error) ||
      !write_commit (self, nested, context, error))
    {
      write_rollback (self, nested);
      goto out;
    }
  ok = TRUE;
out:
  return ok;
}

static const char *
nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

gboolean
sintesi_journal_record_answer (SintesiJournal              *self,
                               gint64                       record_id,
                               const SintesiJournalAnswer  *answer,
                               GError                     **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) record = NULL;
  g_autoptr(sqlite3_stmt) payload = NULL;
  g_autofree char *context = NULL;
  g_autofree char *now = now_string ();
  gboolean nested = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (answer->http_status < 100 || answer->http_status > 599)
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID,
                   _("HTTP status %u is not a valid answer status."), answer->http_status);
      return FALSE;
    }

  /* If this fails the X-CART-id must still reach the user (D7). */
  context = g_strdup_printf (_("The answer to journal record %lld (HTTP %u, "
                               "X-CART-id %s, traceID %s) was not recorded: write these "
                               "values down."),
                             (long long) record_id, answer->http_status,
                             nonempty (answer->x_cart_id) ? answer->x_cart_id : _("none"),
                             nonempty (answer->trace_id) ? answer->trace_id : _("none"));

  locker = g_mutex_locker_new (&self->mutex);
  if (!begin_prepared_change (self, record_id, &nested, context, error))
    goto out;

  record = sintesi_journal_statement (self,
                                      "UPDATE records SET state = 'answered', answered_at = ?2, "
                                      "http_status = ?3, x_cart_id = ?4, x_cart_id_missing = ?5, "
                                      "trace_id = ?6, span_id = ?7, workflow_instance_id = ?8, "
                                      "warning = ?9, error_type = ?10, error_title = ?11, "
                                      "error_detail = ?12, error_instance = ?13 "
                                      "WHERE id = ?1 AND state = 'prepared'",
                                      context, error);
  if (record == NULL)
    goto rollback;
  sqlite3_bind_int64 (record, 1, record_id);
  bind_text (record, 2, now);
  sqlite3_bind_int (record, 3, (int) answer->http_status);
  bind_nonempty_text (record, 4, answer->x_cart_id);
  sqlite3_bind_int (record, 5, nonempty (answer->x_cart_id) == NULL);
  bind_nonempty_text (record, 6, answer->trace_id);
  bind_nonempty_text (record, 7, answer->span_id);
  bind_nonempty_text (record, 8, answer->workflow_instance_id);
  bind_nonempty_text (record, 9, answer->warning);
  bind_nonempty_text (record, 10, answer->error_type);
  bind_nonempty_text (record, 11, answer->error_title);
  bind_nonempty_text (record, 12, answer->error_detail);
  bind_nonempty_text (record, 13, answer->error_instance);
  if (!step_done (self, record, context, error))
    goto rollback;

  payload = sintesi_journal_statement (self,
                                       "UPDATE record_payloads SET response_headers = ?2, response_body = ?3 "
                                       "WHERE record_id = ?1",
                                       context, error);
  if (payload == NULL)
    goto rollback;
  sqlite3_bind_int64 (payload, 1, record_id);
  bind_text (payload, 2, answer->headers);
  bind_bytes (payload, 3, answer->body);
  if (!step_done (self, payload, context, error) ||
      !write_commit (self, nested, context, error))
    goto rollback;
  ok = TRUE;
  goto out;

rollback:
  write_rollback (self, nested);
out:
  return ok;
}

gboolean
sintesi_journal_record_failure (SintesiJournal  *self,
                                gint64           record_id,
                                const char      *message,
                                GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) record = NULL;
  g_autofree char *context = NULL;
  g_autofree char *now = now_string ();
  gboolean nested = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  context = g_strdup_printf (_("The failure of journal record %lld (%s) was not "
                               "recorded; the record stays “outcome unknown”."),
                             (long long) record_id, message != NULL ? message : "");
  locker = g_mutex_locker_new (&self->mutex);
  if (!begin_prepared_change (self, record_id, &nested, context, error))
    goto out;
  record = sintesi_journal_statement (self,
                                      "UPDATE records SET state = 'failed', answered_at = ?2, "
                                      "failure_message = ?3 WHERE id = ?1 AND state = 'prepared'",
                                      context, error);
  if (record == NULL)
    goto rollback;
  sqlite3_bind_int64 (record, 1, record_id);
  bind_text (record, 2, now);
  bind_nonempty_text (record, 3, message);
  if (!step_done (self, record, context, error) ||
      !write_commit (self, nested, context, error))
    goto rollback;
  ok = TRUE;
  goto out;

rollback:
  write_rollback (self, nested);
out:
  return ok;
}

gint64
sintesi_journal_add_status_poll (SintesiJournal              *self,
                                 gint64                       record_id,
                                 const char                  *request_url,
                                 const SintesiJournalAnswer  *answer,
                                 const char                  *failure_message,
                                 GError                     **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *context = NULL;
  g_autofree char *now = now_string ();
  gboolean nested = FALSE;
  gboolean exists = FALSE;
  gint64 poll_id = 0;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  context = g_strdup_printf (_("The status check of journal record %lld (X-CART-id %s) "
                               "was not recorded."),
                             (long long) record_id,
                             answer != NULL && nonempty (answer->x_cart_id) ? answer->x_cart_id : _("none"));
  locker = g_mutex_locker_new (&self->mutex);
  if (!write_begin (self, &nested, context, error))
    goto out;
  if (!record_exists (self, record_id, &exists, NULL, error))
    goto rollback;
  if (!exists)
    {
      set_not_found (error, record_id);
      goto rollback;
    }
  insert = sintesi_journal_statement (self,
                                      "INSERT INTO status_polls (record_id, polled_at, request_url, "
                                      "http_status, x_cart_id, x_cart_id_missing, response_headers, "
                                      "response_body, failure_message) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                      context, error);
  if (insert == NULL)
    goto rollback;
  sqlite3_bind_int64 (insert, 1, record_id);
  bind_text (insert, 2, now);
  bind_text (insert, 3, request_url);
  if (answer != NULL)
    {
      sqlite3_bind_int (insert, 4, (int) answer->http_status);
      bind_nonempty_text (insert, 5, answer->x_cart_id);
      sqlite3_bind_int (insert, 6, nonempty (answer->x_cart_id) == NULL);
      bind_text (insert, 7, answer->headers);
      bind_bytes (insert, 8, answer->body);
    }
  else
    sqlite3_bind_int (insert, 6, 0);
  bind_nonempty_text (insert, 9, failure_message);
  if (!step_done (self, insert, context, error))
    goto rollback;
  poll_id = sqlite3_last_insert_rowid (self->db);
  if (!write_commit (self, nested, context, error))
    {
      poll_id = 0;
      goto rollback;
    }
  goto out;

rollback:
  write_rollback (self, nested);
out:
  return poll_id;
}

gboolean
sintesi_journal_begin_batch (SintesiJournal  *self,
                             GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  gboolean ok;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);
  locker = g_mutex_locker_new (&self->mutex);
  ok = exec_sql (self, "BEGIN IMMEDIATE", _("Cannot start writing to the journal."), error);
  return ok;
}

gboolean
sintesi_journal_commit_batch (SintesiJournal  *self,
                              GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  gboolean ok;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);
  locker = g_mutex_locker_new (&self->mutex);
  ok = exec_sql (self, "COMMIT", _("The last group of journal records was not written."), error);
  if (!ok)
    write_rollback (self, FALSE);
  return ok;
}

/* Reading */

SintesiJournalRecord *
sintesi_journal_record_from_row (sqlite3_stmt *stmt)
{
  SintesiJournalRecord *record = g_new0 (SintesiJournalRecord, 1);
  g_autofree char *owner = NULL;
  const char *text;
  int c = 0;

  record->id = sqlite3_column_int64 (stmt, c++);
  record->profile = column_text (stmt, c++);
  text = (const char *) sqlite3_column_text (stmt, c++);
  sintesi_journal_operation_from_string (text, &record->operation);
  text = (const char *) sqlite3_column_text (stmt, c++);
  sintesi_environment_from_string (text, &record->environment);
  text = (const char *) sqlite3_column_text (stmt, c++);
  sintesi_journal_state_from_string (text, &record->state);
  owner = column_text (stmt, c++);
  record->outcome_unknown = record->state == SINTESI_JOURNAL_STATE_PREPARED &&
                            g_strcmp0 (owner, process_token ()) != 0;
  record->document_id = column_text (stmt, c++);
  record->replaces_document_id = column_text (stmt, c++);
  record->source_record_id = sqlite3_column_int64 (stmt, c++);
  record->solution = column_text (stmt, c++);
  record->progressive = sqlite3_column_int64 (stmt, c++);
  record->patient_cf = column_text (stmt, c++);
  record->created_at = column_text (stmt, c++);
  record->sent_at = column_text (stmt, c++);
  record->answered_at = column_text (stmt, c++);
  record->http_status = (guint) sqlite3_column_int (stmt, c++);
  record->x_cart_id = column_text (stmt, c++);
  record->x_cart_id_missing = sqlite3_column_int (stmt, c++) != 0;
  record->trace_id = column_text (stmt, c++);
  record->span_id = column_text (stmt, c++);
  record->workflow_instance_id = column_text (stmt, c++);
  record->warning = column_text (stmt, c++);
  record->error_type = column_text (stmt, c++);
  record->error_title = column_text (stmt, c++);
  record->error_detail = column_text (stmt, c++);
  record->error_instance = column_text (stmt, c++);
  record->failure_message = column_text (stmt, c++);
  record->attachment_hash = column_text (stmt, c++);
  record->s1_fingerprint = column_text (stmt, c++);
  record->a1_fingerprint = column_text (stmt, c++);
  record->pdf_sha256 = column_text (stmt, c++);
  g_assert (c == N_SUMMARY_COLUMNS);
  return record;
}

/* Collects the rows of stmt as records; NULL on error. */
GPtrArray *
sintesi_journal_collect_records (SintesiJournal  *self,
                                 sqlite3_stmt    *stmt,
                                 GError         **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_journal_record_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, sintesi_journal_record_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, _("Cannot read the journal."));
      return NULL;
    }
  return g_steal_pointer (&records);
}

SintesiJournalRecord *
sintesi_journal_get_record (SintesiJournal  *self,
                            gint64           record_id,
                            GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  SintesiJournalRecord *record = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = sintesi_journal_statement (self,
                                    "SELECT " SUMMARY_COLUMNS ", p.request_method, p.request_url, "
                                    "p.request_headers, p.request_body, p.response_headers, "
                                    "p.response_body, b.data "
                                    "FROM records r LEFT JOIN record_payloads p ON p.record_id = r.id "
                                    "LEFT JOIN blobs b ON b.sha256 = r.pdf_sha256 WHERE r.id = ?1",
                                    _("Cannot read the journal."), error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, record_id);
  if (!step_row (self, stmt, &found, _("Cannot read the journal."), error))
    goto out;
  if (!found)
    {
      set_not_found (error, record_id);
      goto out;
    }
  record = sintesi_journal_record_from_row (stmt);
  record->request_method = column_text (stmt, N_SUMMARY_COLUMNS);
  record->request_url = column_text (stmt, N_SUMMARY_COLUMNS + 1);
  record->request_headers = column_text (stmt, N_SUMMARY_COLUMNS + 2);
  record->request_body = column_text (stmt, N_SUMMARY_COLUMNS + 3);
  record->response_headers = column_text (stmt, N_SUMMARY_COLUMNS + 4);
  record->response_body = column_bytes (stmt, N_SUMMARY_COLUMNS + 5);
  record->pdf = column_bytes (stmt, N_SUMMARY_COLUMNS + 6);
out:
  return record;
}

GPtrArray *
sintesi_journal_get_status_polls (SintesiJournal  *self,
                                  gint64           record_id,
                                  GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) polls = NULL;
  int rc;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = sintesi_journal_statement (self,
                                    "SELECT id, record_id, polled_at, request_url, http_status, x_cart_id, "
                                    "x_cart_id_missing, response_headers, response_body, failure_message "
                                    "FROM status_polls WHERE record_id = ?1 ORDER BY id",
                                    _("Cannot read the journal."), error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, record_id);
  polls = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_journal_status_poll_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SintesiJournalStatusPoll *poll = g_new0 (SintesiJournalStatusPoll, 1);

      poll->id = sqlite3_column_int64 (stmt, 0);
      poll->record_id = sqlite3_column_int64 (stmt, 1);
      poll->polled_at = column_text (stmt, 2);
      poll->request_url = column_text (stmt, 3);
      poll->http_status = (guint) sqlite3_column_int (stmt, 4);
      poll->x_cart_id = column_text (stmt, 5);
      poll->x_cart_id_missing = sqlite3_column_int (stmt, 6) != 0;
      poll->response_headers = column_text (stmt, 7);
      poll->response_body = column_bytes (stmt, 8);
      poll->failure_message = column_text (stmt, 9);
      g_ptr_array_add (polls, poll);
    }
  if (rc != SQLITE_DONE)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, _("Cannot read the journal."));
      g_clear_pointer (&polls, g_ptr_array_unref);
    }
out:
  return g_steal_pointer (&polls);
}

gint64
sintesi_journal_get_last_progressive (SintesiJournal  *self,
                                      const char      *profile,
                                      const char      *solution,
                                      GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 value = -1;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), -1);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = sintesi_journal_statement (self,
                                    "SELECT last_value FROM progressives WHERE profile = ?1 AND solution = ?2",
                                    _("Cannot read the journal."), error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, profile);
      bind_text (stmt, 2, solution);
      if (!step_int64 (self, stmt, &value, _("Cannot read the journal."), error))
        value = -1;
    }
  return value;
}

gboolean
sintesi_journal_check_integrity (SintesiJournal  *self,
                                 GError         **error)
{
  /* Declared first, so released last: after every statement is reset. */
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (SINTESI_IS_JOURNAL (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = sintesi_journal_statement (self, "PRAGMA quick_check(1)", _("Cannot check the journal."), error);
  if (stmt == NULL)
    goto out;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sintesi_journal_set_sqlite_error (self, error, rc, _("Cannot check the journal."));
      goto out;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_CORRUPT,
                   _("The journal “%s” is damaged (%s). Keep a copy of the file and contact "
                     "support."),
                   self->path, (const char *) sqlite3_column_text (stmt, 0));
      goto out;
    }
  ok = TRUE;
out:
  return ok;
}
