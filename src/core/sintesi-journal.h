/* sintesi-journal.h: every call to the gateway, on record (decisions D11, D19)
 *
 * The journal is an SQLite database (<data dir>/journal.sqlite, WAL,
 * synchronous=FULL). One record per call. The gateway client uses it so:
 *
 *   1. sintesi_journal_prepare(): commits a record in state "prepared" and,
 *      for a new document, allocates the progressive of identificativoDoc in
 *      the same transaction (never reused, even after a crash).
 *   2. sintesi_journal_record_request(): commits the exact bytes about to
 *      leave (method, URL, headers with the tokens, requestBody, PDF) and
 *      the time they leave. Can be skipped when prepare() already had them.
 *   3. the request goes out;
 *   4. sintesi_journal_record_answer() (any HTTP answer, success or problem
 *      JSON) or sintesi_journal_record_failure() (no answer: transport error,
 *      timeout, or a local error before sending).
 *
 * A record still "prepared" that another process (one that crashed, most
 * likely) left behind is reported with outcome_unknown set: the request may
 * or may not have reached the gateway.
 *
 * Every function is safe to call from any thread; each write is one
 * transaction, committed before the function returns TRUE.
 * Searching, documents' lifecycles and CSV export: sintesi-journal-search.h.
 */
#pragma once

#include <gio/gio.h>

#include "sintesi-environment.h"

G_BEGIN_DECLS

#define SINTESI_JOURNAL_ERROR (sintesi_journal_error_quark ())
GQuark sintesi_journal_error_quark (void);

typedef enum
{
  SINTESI_JOURNAL_ERROR_IO,            /* cannot create, open, read or write the file */
  SINTESI_JOURNAL_ERROR_CORRUPT,       /* not a database, malformed, or not a Sintesi journal */
  SINTESI_JOURNAL_ERROR_LOCKED,        /* another process holds the write lock too long */
  SINTESI_JOURNAL_ERROR_FULL,          /* disk (or size limit) full: nothing written */
  SINTESI_JOURNAL_ERROR_NEWER_SCHEMA,  /* written by a newer Sintesi: left untouched */
  SINTESI_JOURNAL_ERROR_NOT_FOUND,     /* no such record or document */
  SINTESI_JOURNAL_ERROR_INVALID,       /* a caller's argument is not acceptable */
  SINTESI_JOURNAL_ERROR_STATE,         /* the record is no longer "prepared" */
} SintesiJournalError;

/* The schema version this build writes (PRAGMA user_version). */
#define SINTESI_JOURNAL_SCHEMA_VERSION 1

typedef enum
{
  SINTESI_JOURNAL_OPERATION_CREATE = 1,       /* POST documents/validate-and-create */
  SINTESI_JOURNAL_OPERATION_REPLACE,          /* PUT documents/{id} */
  SINTESI_JOURNAL_OPERATION_DELETE,           /* DELETE documents/{id} */
  SINTESI_JOURNAL_OPERATION_UPDATE_METADATA,  /* PUT documents/{id}/metadati */
  SINTESI_JOURNAL_OPERATION_STATUS,           /* GET status/… */
} SintesiJournalOperation;

typedef enum
{
  SINTESI_JOURNAL_STATE_PREPARED = 1,  /* committed, request (maybe) on its way */
  SINTESI_JOURNAL_STATE_ANSWERED,      /* an HTTP answer arrived and is stored */
  SINTESI_JOURNAL_STATE_FAILED,        /* no HTTP answer (transport or local error) */
} SintesiJournalState;

/* "create", "replace", "delete", "update-metadata", "status" */
const char *sintesi_journal_operation_to_string   (SintesiJournalOperation  operation);
gboolean    sintesi_journal_operation_from_string (const char              *text,
                                                   SintesiJournalOperation *operation);
/* "prepared", "answered", "failed" */
const char *sintesi_journal_state_to_string       (SintesiJournalState      state);
gboolean    sintesi_journal_state_from_string     (const char              *text,
                                                   SintesiJournalState     *state);

/* What is known before anything is built or sent. */
typedef struct
{
  const char              *profile;               /* required */
  SintesiJournalOperation  operation;             /* required */
  SintesiEnvironment       environment;
  const char              *patient_cf;            /* may be NULL (status) */
  /* The identificativoDoc the call is about: for create and replace the id
   * of the NEW document (the requestBody's identificativoDoc), for delete
   * and metadata update the id in the path. Give it (delete, update, a
   * manual resend: D19), or leave it NULL and give document_id_prefix and
   * solution: the journal then allocates the next progressive of
   * (profile, solution) and the id is prefix + progressive, e.g.
   * "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI" + "18881699". */
  const char              *document_id;
  const char              *document_id_prefix;
  const char              *solution;
  const char              *replaces_document_id;  /* replace: the old id, in the path */
  gint64                   source_record_id;      /* the past record this call starts from, or 0 */
} SintesiJournalDraft;

/* The request exactly as it leaves. Every field may be NULL. */
typedef struct
{
  const char *method;             /* "POST", "PUT", "DELETE", "GET" */
  const char *url;
  const char *headers;            /* "Name: value\r\n" lines, tokens included */
  const char *body;               /* the requestBody JSON (or the JSON body of a metadata update) */
  GBytes     *pdf;                /* the signed PDF; stored once per SHA-256 */
  const char *attachment_hash;    /* as put in the token (hex SHA-256 of the PDF) */
  const char *s1_fingerprint;     /* SHA-256 of the signature certificate */
  const char *a1_fingerprint;     /* SHA-256 of the TLS client certificate */
} SintesiJournalRequest;

/* An HTTP answer (gateway-contract §1.3, §6). Every field may be NULL/0. */
typedef struct
{
  guint       http_status;
  const char *headers;            /* the raw header block as received */
  GBytes     *body;               /* the raw body as received */
  const char *x_cart_id;          /* NULL or "" flags the record: answer without X-CART-id (D7) */
  const char *trace_id;
  const char *span_id;
  const char *workflow_instance_id;
  const char *warning;            /* "" counts as none */
  const char *error_type;         /* problem+json type, title, detail, instance */
  const char *error_title;
  const char *error_detail;
  const char *error_instance;
} SintesiJournalAnswer;

typedef struct
{
  gint64                   id;                    /* the journal id */
  char                    *profile;
  SintesiJournalOperation  operation;
  SintesiEnvironment       environment;
  SintesiJournalState      state;
  /* "prepared" by another process: the request may or may not have
   * reached the gateway. FALSE while this process has it in flight. */
  gboolean                 outcome_unknown;
  char                    *document_id;
  char                    *replaces_document_id;
  gint64                   source_record_id;      /* 0: none */
  char                    *solution;
  gint64                   progressive;           /* 0: not allocated by this record */
  char                    *patient_cf;
  char                    *created_at;            /* UTC ISO 8601, e.g. 2026-11-27T12:16:12.123Z */
  char                    *sent_at;               /* when the request bytes were committed; NULL: never */
  char                    *answered_at;           /* when the answer or failure was recorded */
  guint                    http_status;           /* 0: none */
  char                    *x_cart_id;
  gboolean                 x_cart_id_missing;     /* answered without X-CART-id */
  char                    *trace_id;
  char                    *span_id;
  char                    *workflow_instance_id;
  char                    *warning;
  char                    *error_type;
  char                    *error_title;
  char                    *error_detail;
  char                    *error_instance;
  char                    *failure_message;       /* state "failed": why there is no answer */
  char                    *attachment_hash;
  char                    *s1_fingerprint;
  char                    *a1_fingerprint;
  /* The bytes: filled by sintesi_journal_get_record() only (NULL in lists). */
  char                    *request_method;
  char                    *request_url;
  char                    *request_headers;
  char                    *request_body;
  GBytes                  *pdf;
  char                    *pdf_sha256;            /* hex; filled in lists too */
  char                    *response_headers;
  GBytes                  *response_body;
} SintesiJournalRecord;

void sintesi_journal_record_free (SintesiJournalRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiJournalRecord, sintesi_journal_record_free)

/* A later status poll of a record (GET status/{workflowInstanceId}). */
typedef struct
{
  gint64   id;
  gint64   record_id;
  char    *polled_at;
  char    *request_url;
  guint    http_status;          /* 0: no answer */
  char    *x_cart_id;
  gboolean x_cart_id_missing;
  char    *response_headers;
  GBytes  *response_body;
  char    *failure_message;
} SintesiJournalStatusPoll;

void sintesi_journal_status_poll_free (SintesiJournalStatusPoll *poll);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiJournalStatusPoll, sintesi_journal_status_poll_free)

#define SINTESI_TYPE_JOURNAL (sintesi_journal_get_type ())
G_DECLARE_FINAL_TYPE (SintesiJournal, sintesi_journal, SINTESI, JOURNAL, GObject)

/* <data dir>/journal.sqlite */
char           *sintesi_journal_default_path     (void);

/* Opens (creating it, private to the user, when absent) and migrates the
 * journal. A journal of a newer schema, a damaged file or a database that
 * is not a journal is refused and left untouched. */
SintesiJournal *sintesi_journal_open             (const char      *path,
                                                  GError         **error);
SintesiJournal *sintesi_journal_open_default     (GError         **error);
const char     *sintesi_journal_get_path         (SintesiJournal  *journal);

/* How long a write waits for another process's lock (default 5000 ms). */
void            sintesi_journal_set_busy_timeout (SintesiJournal  *journal,
                                                  guint            milliseconds);
/* Caps the file size of this connection (0: no cap): a write past it fails
 * with SINTESI_JOURNAL_ERROR_FULL exactly as a full disk does. Meant for
 * tests and quotas; the cap is not stored in the file. */
gboolean        sintesi_journal_set_size_limit   (SintesiJournal  *journal,
                                                  guint64          max_bytes,
                                                  GError         **error);

/* The write-ahead record. Returns the journal id (> 0) or 0 with error.
 * request may be NULL (given later with record_request()). When the
 * progressive is allocated, *out_progressive receives it (else 0) and
 * *out_document_id the resulting identificativoDoc (both optional). */
gint64          sintesi_journal_prepare          (SintesiJournal               *journal,
                                                  const SintesiJournalDraft    *draft,
                                                  const SintesiJournalRequest  *request,
                                                  gint64                       *out_progressive,
                                                  char                        **out_document_id,
                                                  GError                      **error);
/* D11 for a document built before its send (the PSS composer, examples):
 * the next progressive of (profile, solution), committed at once and never
 * given again, even if the document is never sent. Returns prefix +
 * progressive. */
char           *sintesi_journal_reserve_document_id (SintesiJournal  *journal,
                                                     const char      *profile,
                                                     const char      *solution,
                                                     const char      *document_id_prefix,
                                                     gint64          *out_progressive,
                                                     GError         **error);
/* Commits the request bytes and the sending time of a prepared record;
 * call it right before the request leaves. Fields left NULL keep what
 * prepare() stored. */
gboolean        sintesi_journal_record_request   (SintesiJournal               *journal,
                                                  gint64                        record_id,
                                                  const SintesiJournalRequest  *request,
                                                  GError                      **error);
/* prepared → answered. On failure the error message names the record and
 * carries the X-CART-id, so that it can still be written down. */
gboolean        sintesi_journal_record_answer    (SintesiJournal               *journal,
                                                  gint64                        record_id,
                                                  const SintesiJournalAnswer   *answer,
                                                  GError                      **error);
/* prepared → failed, with the reason shown to the user. */
gboolean        sintesi_journal_record_failure   (SintesiJournal               *journal,
                                                  gint64                        record_id,
                                                  const char                   *message,
                                                  GError                      **error);
/* A later status poll of record_id: answer, or failure_message when no
 * answer came. Returns the poll id or 0. */
gint64          sintesi_journal_add_status_poll  (SintesiJournal               *journal,
                                                  gint64                        record_id,
                                                  const char                   *request_url,
                                                  const SintesiJournalAnswer   *answer,
                                                  const char                   *failure_message,
                                                  GError                      **error);

/* Reading. */
SintesiJournalRecord   *sintesi_journal_get_record            (SintesiJournal             *journal,
                                                               gint64                      record_id,
                                                               GError                    **error);
GPtrArray              *sintesi_journal_get_status_polls      (SintesiJournal             *journal,
                                                               gint64                      record_id,
                                                               GError                    **error);
/* The last progressive allocated for (profile, solution); 0 if none. */
gint64                  sintesi_journal_get_last_progressive  (SintesiJournal             *journal,
                                                               const char                 *profile,
                                                               const char                 *solution,
                                                               GError                    **error);

/* PRAGMA quick_check: CORRUPT with the first problem found. */
gboolean        sintesi_journal_check_integrity  (SintesiJournal  *journal,
                                                  GError         **error);

/* Groups many writes into one transaction (imports, the benchmark): the
 * writes of every thread on this journal join it until the commit. Never
 * hold one across a network call. */
gboolean        sintesi_journal_begin_batch      (SintesiJournal  *journal,
                                                  GError         **error);
gboolean        sintesi_journal_commit_batch     (SintesiJournal  *journal,
                                                  GError         **error);

/* "2026-11-27T12:16:12.123Z" for a GDateTime (converted to UTC). */
char           *sintesi_journal_format_time      (GDateTime       *time);

G_END_DECLS
