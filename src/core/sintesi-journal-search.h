/* sintesi-journal-search.h: finding calls and documents in the journal
 *
 * Every search is answered from indexes (patient CF, X-CART-id, traceID,
 * workflowInstanceId, document id, creation time, state), so that a decade
 * of calls stays quick to list (bench/journal).
 */
#pragma once

#include "sintesi-journal.h"

G_BEGIN_DECLS

/* Search and listing. Zero-initialise, then set what you need; all
 * conditions must hold. Newest first unless oldest_first. */
typedef struct
{
  /* Matches exactly any of: patient CF (case-insensitive), X-CART-id,
   * traceID, workflowInstanceId, document id (new or replaced), or a
   * journal id when all digits. */
  const char          *text;
  const char          *patient_cf;
  const char          *x_cart_id;
  const char          *trace_id;
  const char          *workflow_instance_id;
  const char          *document_id;           /* new or replaced id */
  const char          *profile;
  GDateTime           *since;                 /* created at or after */
  GDateTime           *until;                 /* created before */
  SintesiJournalState  state;                 /* 0: any */
  guint                limit;                 /* 0: no limit */
  guint                offset;
  gboolean             oldest_first;
} SintesiJournalQuery;

/* What the journal knows of one document, from the accepted (HTTP 2xx)
 * answers on record. */
typedef enum
{
  SINTESI_JOURNAL_DOCUMENT_NOT_ACCEPTED = 1,  /* on record, but no accepted create/replace */
  SINTESI_JOURNAL_DOCUMENT_CURRENT,           /* accepted, not replaced nor deleted */
  SINTESI_JOURNAL_DOCUMENT_REPLACED,          /* an accepted replace superseded it */
  SINTESI_JOURNAL_DOCUMENT_DELETED,           /* an accepted delete removed it */
} SintesiJournalDocumentState;

typedef struct
{
  char                        *document_id;
  SintesiJournalDocumentState  state;
  char                        *profile;
  char                        *patient_cf;
  gint64                       origin_record_id;       /* accepted create/replace that made it; 0: none */
  gint64                       content_record_id;      /* latest record holding its requestBody/PDF (start a replace or resend from it) */
  gint64                       replaced_by_record_id;  /* 0: none */
  char                        *replaced_by_document_id;
  gint64                       deleted_by_record_id;   /* 0: none */
  gint64                       last_metadata_record_id;/* latest accepted metadata update; 0: none */
  guint                        metadata_updates;
  gint64                       unsettled_record_id;    /* latest record still "prepared"; 0: none */
  gint64                       last_record_id;         /* latest record about it, whatever its state */
} SintesiJournalDocument;

void sintesi_journal_document_free (SintesiJournalDocument *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiJournalDocument, sintesi_journal_document_free)

/* Element type SintesiJournalRecord (without the bytes). */
GPtrArray              *sintesi_journal_search                (SintesiJournal             *journal,
                                                               const SintesiJournalQuery  *query,
                                                               GError                    **error);
/* Number of records matching query (limit and offset ignored); -1 on error. */
gint64                  sintesi_journal_count                 (SintesiJournal             *journal,
                                                               const SintesiJournalQuery  *query,
                                                               GError                    **error);
/* The SQL that search() runs for query, values inlined (diagnostics, bench). */
char                   *sintesi_journal_search_sql            (SintesiJournal             *journal,
                                                               const SintesiJournalQuery  *query,
                                                               GError                    **error);
/* Every record about document_id (as the document or as the one it
 * replaced), oldest first. Empty array when none. */
GPtrArray              *sintesi_journal_get_document_history  (SintesiJournal             *journal,
                                                               const char                 *document_id,
                                                               GError                    **error);
/* The current state of a document; NOT_FOUND when no record names it. */
SintesiJournalDocument *sintesi_journal_get_document          (SintesiJournal             *journal,
                                                               const char                 *document_id,
                                                               GError                    **error);

/* CSV (RFC 4180: header row, CRLF line ends, UTF-8, fields quoted when
 * they hold a comma, quote, CR or LF) of the records matching query. */
char           *sintesi_journal_export_csv       (SintesiJournal             *journal,
                                                  const SintesiJournalQuery  *query,
                                                  gsize                      *out_length,
                                                  GError                    **error);
/* Same, written atomically to path (mode 0600). */
gboolean        sintesi_journal_export_csv_file  (SintesiJournal             *journal,
                                                  const SintesiJournalQuery  *query,
                                                  const char                 *path,
                                                  GError                    **error);

G_END_DECLS
