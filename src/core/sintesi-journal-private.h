/* sintesi-journal-private.h: what the journal's source files share */
#pragma once

#include <sqlite3.h>

#include "sintesi-journal.h"

G_BEGIN_DECLS

struct _SintesiJournal
{
  GObject   parent_instance;

  GMutex    mutex;
  sqlite3  *db;
  char     *path;
  guint     busy_timeout_ms;
  GHashTable *statements;  /* SQL text → sqlite3_stmt */
};

/* The columns of a record without its bytes, in sintesi_journal_record_from_row() order. */
#define SUMMARY_COLUMNS \
  "r.id, r.profile, r.operation, r.environment, r.state, r.owner, r.document_id, " \
  "r.replaces_document_id, r.source_record_id, r.solution, r.progressive, r.patient_cf, " \
  "r.created_at, r.sent_at, r.answered_at, r.http_status, r.x_cart_id, r.x_cart_id_missing, " \
  "r.trace_id, r.span_id, r.workflow_instance_id, r.warning, r.error_type, r.error_title, " \
  "r.error_detail, r.error_instance, r.failure_message, r.attachment_hash, " \
  "r.s1_fingerprint, r.a1_fingerprint, r.pdf_sha256"
#define N_SUMMARY_COLUMNS 31

/* A statement from the connection's cache (never finalize it); it is
 * reset and its bindings cleared by g_autoptr(sqlite3_stmt). */
sqlite3_stmt         *sintesi_journal_statement         (SintesiJournal  *self,
                                                         const char      *sql,
                                                         const char      *context,
                                                         GError         **error);
void                  sintesi_journal_statement_release (sqlite3_stmt    *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sintesi_journal_statement_release)

/* Maps an SQLite result code to a SINTESI_JOURNAL_ERROR with a sentence
 * the user understands; context (a full sentence, or NULL) comes first. */
void                  sintesi_journal_set_sqlite_error  (SintesiJournal  *self,
                                                         GError         **error,
                                                         int              rc,
                                                         const char      *context);

/* A row of SUMMARY_COLUMNS, and all the rows of a statement. */
SintesiJournalRecord *sintesi_journal_record_from_row   (sqlite3_stmt    *stmt);
GPtrArray            *sintesi_journal_collect_records   (SintesiJournal  *self,
                                                         sqlite3_stmt    *stmt,
                                                         GError         **error);

G_END_DECLS
