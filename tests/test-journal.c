/* test-journal.c: the journal of gateway calls (decisions D11, D19)
 *
 * The sqlite3 shell is the independent oracle for what is on disk.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "sintesi-journal-search.h"
#include "sintesi-paths.h"
#include "sintesi-test-util.h"

#define PREFIX "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI"
#define CF_A   "RSSMRA80A01H501U"
#define CF_B   "VRDGPP75B02D612Z"

typedef struct
{
  char           *dir;
  char           *path;
  SintesiJournal *journal;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = sintesi_test_mkdtemp ();
  fx->path = g_build_filename (fx->dir, "data", "journal.sqlite", NULL);
  fx->journal = sintesi_journal_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->journal);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->journal);
  sintesi_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->path);
}

/* Runs SQL through the sqlite3 shell; returns its trimmed stdout. */
static char *
shell (const char *path,
       const char *sql)
{
  const char *argv[] = { "sqlite3", "-batch", path, sql, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = sintesi_test_run (argv, NULL, &out, &err);
  if (status != 0)
    g_error ("sqlite3 “%s” failed: %s", sql, err);
  return g_strstrip (g_steal_pointer (&out));
}

/* The sqlite3 shell is an independent reader of the file; without it the
 * test is skipped. */
static gboolean
have_sqlite3_shell (void)
{
  if (sintesi_test_have_program ("sqlite3"))
    return TRUE;
  g_test_skip ("sqlite3 shell not installed");
  return FALSE;
}

static gint64
create_record (SintesiJournal *journal,
               const char     *cf,
               gint64         *progressive,
               char          **document_id)
{
  g_autoptr(GError) error = NULL;
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .patient_cf = cf,
    .document_id_prefix = PREFIX,
    .solution = "SINTESI",
  };
  gint64 id = sintesi_journal_prepare (journal, &draft, NULL, progressive, document_id, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
answer_record (SintesiJournal *journal,
               gint64          id,
               guint           status,
               const char     *x_cart_id,
               const char     *trace_id,
               const char     *workflow)
{
  g_autoptr(GError) error = NULL;
  SintesiJournalAnswer answer = {
    .http_status = status,
    .headers = "HTTP/1.1 202 Accepted\r\nX-CART-id: x\r\n",
    .x_cart_id = x_cart_id,
    .trace_id = trace_id,
    .span_id = trace_id,
    .workflow_instance_id = workflow,
  };

  g_assert_true (sintesi_journal_record_answer (journal, id, &answer, &error));
  g_assert_no_error (error);
}

static void
test_open_creates_private_wal_journal (Fixture       *fx,
                                       gconstpointer  data)
{
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  g_autofree char *tables = NULL;
  g_autofree char *default_path = NULL;
  struct stat st;

  g_assert_cmpint (g_stat (fx->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpstr (sintesi_journal_get_path (fx->journal), ==, fx->path);

  if (!have_sqlite3_shell ())
    return;
  mode = shell (fx->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  version = shell (fx->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "1");
  tables = shell (fx->path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
                            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)");
  g_assert_cmpstr (tables, ==, "blobs progressives record_payloads records status_polls");

  sintesi_paths_set_data_dir (fx->dir);
  default_path = sintesi_journal_default_path ();
  g_assert_true (g_str_has_suffix (default_path, "/journal.sqlite"));
  g_assert_true (g_str_has_prefix (default_path, fx->dir));
  sintesi_paths_set_data_dir (NULL);
}

/* A document built before its send reserves its progressive: the same
 * counter as prepare(), never given again. */
static void
test_progressive_reservation (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reserved1 = NULL;
  g_autofree char *reserved2 = NULL;
  g_autofree char *allocated = NULL;
  gint64 p1 = 0, p2 = 0, p3 = 0;

  reserved1 = sintesi_journal_reserve_document_id (fx->journal, "dott-rossi", "SINTESI", PREFIX, &p1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reserved1, ==, PREFIX "1");
  create_record (fx->journal, CF_A, &p2, &allocated);
  g_assert_cmpint (p2, ==, 2);
  reserved2 = sintesi_journal_reserve_document_id (fx->journal, "dott-rossi", "SINTESI", PREFIX, &p3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (p3, ==, 3);
  g_assert_cmpstr (reserved2, ==, PREFIX "3");
  g_assert_cmpint (sintesi_journal_get_last_progressive (fx->journal, "dott-rossi", "SINTESI", NULL), ==, 3);
}

static void
test_progressive_allocation (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *doc1 = NULL;
  g_autofree char *doc2 = NULL;
  g_autofree char *doc_other = NULL;
  g_autoptr(SintesiJournal) second = NULL;
  gint64 p1 = 0, p2 = 0, p_other = 0, p3 = 0, p4 = 0;
  SintesiJournalDraft other = {
    .profile = "dott-bianchi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_STAGE,
    .document_id_prefix = "2.16.840.1.113883.2.9.2.90.4.4^090202.PSS.202.SINTESI",
    .solution = "SINTESI",
  };
  SintesiJournalDraft taken = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .document_id = PREFIX "3",
  };

  create_record (fx->journal, CF_A, &p1, &doc1);
  create_record (fx->journal, CF_A, &p2, &doc2);
  g_assert_cmpint (p1, ==, 1);
  g_assert_cmpint (p2, ==, 2);
  g_assert_cmpstr (doc1, ==, PREFIX "1");
  g_assert_cmpstr (doc2, ==, PREFIX "2");

  /* Another profile counts on its own. */
  g_assert_cmpint (sintesi_journal_prepare (fx->journal, &other, NULL, &p_other, &doc_other, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (p_other, ==, 1);

  /* An id already on record (typed for a resend) is skipped, not reused. */
  g_assert_cmpint (sintesi_journal_prepare (fx->journal, &taken, NULL, &p3, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (p3, ==, 0);

  /* A second connection (another process, say) shares the counter. */
  second = sintesi_journal_open (fx->path, &error);
  g_assert_no_error (error);
  create_record (second, CF_A, &p4, NULL);
  g_assert_cmpint (p4, ==, 4);
  g_assert_cmpint (sintesi_journal_get_last_progressive (fx->journal, "dott-rossi", "SINTESI", &error), ==, 4);
  g_assert_cmpint (sintesi_journal_get_last_progressive (fx->journal, "nobody", "SINTESI", &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_full_call_round_trip (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.7\n\0binary\xff", 18);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"traceID\":\"abc\"}", 17);
  g_autofree char *document_id = NULL;
  g_autofree char *pdf_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  const char *request_body = "{\"identificativoDoc\":\"" PREFIX "1\",\"mode\":\"ATTACHMENT\"}";
  gint64 id = create_record (fx->journal, "rssmra80a01h501u", NULL, &document_id);
  SintesiJournalRequest request = {
    .method = "POST",
    .url = "https://127.0.0.1:1/gateway/v2/documents/validate-and-create",
    .headers = "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln\r\nFSE-JWT-Signature: eyJ.e30.x\r\n",
    .body = request_body,
    .pdf = pdf,
    .attachment_hash = pdf_sha,
    .s1_fingerprint = "S1FP",
    .a1_fingerprint = "A1FP",
  };
  SintesiJournalAnswer answer = {
    .http_status = 202,
    .headers = "HTTP/1.1 202 Accepted\r\nx-cart-id: CART-1\r\n",
    .body = body,
    .x_cart_id = "CART-1",
    .trace_id = "abc",
    .span_id = "def",
    .workflow_instance_id = "2.16.1.abc^^^^urn:ihe:iti:xdw:2013:workflowInstanceId",
    .warning = "",
  };

  record = sintesi_journal_get_record (fx->journal, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_PREPARED);
  g_assert_false (record->outcome_unknown);  /* in flight in this very process */
  g_assert_null (record->sent_at);
  g_assert_cmpstr (record->patient_cf, ==, CF_A);  /* stored upper case */
  g_assert_cmpint (strlen (record->created_at), ==, 24);
  g_assert_true (g_str_has_suffix (record->created_at, "Z"));
  g_clear_pointer (&record, sintesi_journal_record_free);

  g_assert_true (sintesi_journal_record_request (fx->journal, id, &request, &error));
  g_assert_no_error (error);
  g_assert_true (sintesi_journal_record_answer (fx->journal, id, &answer, &error));
  g_assert_no_error (error);

  record = sintesi_journal_get_record (fx->journal, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_ANSWERED);
  g_assert_cmpint (record->operation, ==, SINTESI_JOURNAL_OPERATION_CREATE);
  g_assert_cmpint (record->environment, ==, SINTESI_ENVIRONMENT_SANDBOX);
  g_assert_cmpstr (record->document_id, ==, document_id);
  g_assert_cmpint (record->progressive, ==, 1);
  g_assert_nonnull (record->sent_at);
  g_assert_nonnull (record->answered_at);
  g_assert_cmpstr (record->sent_at, <=, record->answered_at);
  g_assert_cmpuint (record->http_status, ==, 202);
  g_assert_cmpstr (record->x_cart_id, ==, "CART-1");
  g_assert_false (record->x_cart_id_missing);
  g_assert_cmpstr (record->trace_id, ==, "abc");
  g_assert_cmpstr (record->span_id, ==, "def");
  g_assert_cmpstr (record->workflow_instance_id, ==, answer.workflow_instance_id);
  g_assert_null (record->warning);  /* "" means none */
  g_assert_cmpstr (record->request_method, ==, "POST");
  g_assert_cmpstr (record->request_url, ==, request.url);
  g_assert_cmpstr (record->request_headers, ==, request.headers);
  g_assert_cmpstr (record->request_body, ==, request_body);
  g_assert_true (g_bytes_equal (record->pdf, pdf));
  g_assert_cmpstr (record->pdf_sha256, ==, pdf_sha);
  g_assert_cmpstr (record->attachment_hash, ==, pdf_sha);
  g_assert_cmpstr (record->s1_fingerprint, ==, "S1FP");
  g_assert_cmpstr (record->a1_fingerprint, ==, "A1FP");
  g_assert_cmpstr (record->response_headers, ==, answer.headers);
  g_assert_true (g_bytes_equal (record->response_body, body));

  /* The outcome is final. */
  g_assert_false (sintesi_journal_record_answer (fx->journal, id, &answer, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "already answered"));
  g_clear_error (&error);
  g_assert_false (sintesi_journal_record_failure (fx->journal, id, "late", &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sintesi_journal_record_request (fx->journal, id, &request, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sintesi_journal_record_answer (fx->journal, 9999, &answer, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "9999"));
  g_clear_error (&error);
  g_assert_null (sintesi_journal_get_record (fx->journal, 9999, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND);
}

static void
test_pdf_deduplicated (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.7 same bytes", 19);
  g_autoptr(GBytes) other = g_bytes_new_static ("%PDF-1.7 other bytes", 20);
  g_autofree char *blobs = NULL;
  g_autofree char *records = NULL;
  SintesiJournalRequest request = { .method = "POST", .pdf = pdf };
  SintesiJournalRequest request_other = { .method = "POST", .pdf = other };

  for (int i = 0; i < 3; i++)
    {
      SintesiJournalDraft draft = {
        .profile = "dott-rossi",
        .operation = SINTESI_JOURNAL_OPERATION_CREATE,
        .environment = SINTESI_ENVIRONMENT_SANDBOX,
        .document_id = PREFIX "77",  /* a manual resend reuses the id (D19) */
      };
      g_assert_cmpint (sintesi_journal_prepare (fx->journal, &draft, &request, NULL, NULL, &error), >, 0);
      g_assert_no_error (error);
    }
  create_record (fx->journal, CF_A, NULL, NULL);
  g_assert_true (sintesi_journal_record_request (fx->journal, 4, &request_other, &error));
  g_assert_no_error (error);

  if (!have_sqlite3_shell ())
    return;
  blobs = shell (fx->path, "SELECT count(*) || ' ' || sum(size) FROM blobs");
  g_assert_cmpstr (blobs, ==, "2 39");
  records = shell (fx->path, "SELECT count(*) FROM records WHERE pdf_sha256 IS NOT NULL AND sent_at IS NOT NULL");
  g_assert_cmpstr (records, ==, "4");
}

static void
test_failure_and_missing_x_cart_id (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournalRecord) failed = NULL;
  g_autoptr(SintesiJournalRecord) flagged = NULL;
  gint64 a = create_record (fx->journal, CF_A, NULL, NULL);
  gint64 b = create_record (fx->journal, CF_A, NULL, NULL);
  SintesiJournalAnswer no_cart = {
    .http_status = 400,
    .x_cart_id = "",
    .error_type = "/msg/syntax",
    .error_title = "Errore di sintassi.",
    .error_detail = "dettaglio",
    .error_instance = "/cda-validation",
  };
  SintesiJournalAnswer bogus = { .http_status = 42 };

  g_assert_true (sintesi_journal_record_failure (fx->journal, a, "Connection reset by peer", &error));
  g_assert_no_error (error);
  failed = sintesi_journal_get_record (fx->journal, a, &error);
  g_assert_cmpint (failed->state, ==, SINTESI_JOURNAL_STATE_FAILED);
  g_assert_cmpstr (failed->failure_message, ==, "Connection reset by peer");
  g_assert_cmpuint (failed->http_status, ==, 0);
  g_assert_nonnull (failed->answered_at);

  g_assert_false (sintesi_journal_record_answer (fx->journal, b, &bogus, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "42"));
  g_clear_error (&error);

  g_assert_true (sintesi_journal_record_answer (fx->journal, b, &no_cart, &error));
  g_assert_no_error (error);
  flagged = sintesi_journal_get_record (fx->journal, b, &error);
  g_assert_true (flagged->x_cart_id_missing);
  g_assert_null (flagged->x_cart_id);
  g_assert_cmpstr (flagged->error_type, ==, "/msg/syntax");
  g_assert_cmpstr (flagged->error_title, ==, "Errore di sintassi.");
  g_assert_cmpstr (flagged->error_detail, ==, "dettaglio");
  g_assert_cmpstr (flagged->error_instance, ==, "/cda-validation");
  g_assert_null (flagged->response_body);
}

static void
test_invalid_drafts (Fixture       *fx,
                     gconstpointer  data)
{
  struct {
    SintesiJournalDraft draft;
    const char *message;
  } cases[] = {
    { { .operation = SINTESI_JOURNAL_OPERATION_CREATE, .document_id = "x^1" }, "profile" },
    { { .profile = "p", .operation = 0, .document_id = "x^1" }, "operation" },
    { { .profile = "p", .operation = SINTESI_JOURNAL_OPERATION_CREATE, .environment = 17, .document_id = "x^1" }, "environment" },
    { { .profile = "p", .operation = SINTESI_JOURNAL_OPERATION_CREATE }, "prefix and solution" },
    { { .profile = "p", .operation = SINTESI_JOURNAL_OPERATION_DELETE, .document_id_prefix = PREFIX, .solution = "S" }, "existing document" },
    { { .profile = "p", .operation = SINTESI_JOURNAL_OPERATION_REPLACE, .document_id_prefix = PREFIX, .solution = "S" }, "replaces" },
    { { .profile = "p", .operation = SINTESI_JOURNAL_OPERATION_DELETE, .document_id = "x^1", .source_record_id = 4242 }, "4242" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (sintesi_journal_prepare (fx->journal, &cases[i].draft, NULL, NULL, NULL, &error), ==, 0);
      g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_INVALID);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” lacks “%s”", i, error->message, cases[i].message);
    }
  /* Nothing was written, and no progressive was spent. */
  g_assert_cmpint (sintesi_journal_count (fx->journal, NULL, NULL), ==, 0);
  g_assert_cmpint (sintesi_journal_get_last_progressive (fx->journal, "p", "S", NULL), ==, 0);
}

static void
test_status_polls (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) polls = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"transactionData\":[]}", 22);
  gint64 id = create_record (fx->journal, CF_A, NULL, NULL);
  SintesiJournalAnswer answer = { .http_status = 200, .x_cart_id = "CART-P", .body = body, .headers = "H: v\r\n" };
  SintesiJournalStatusPoll *poll;

  answer_record (fx->journal, id, 202, "CART-0", "t0", "w0");
  g_assert_cmpint (sintesi_journal_add_status_poll (fx->journal, id, "https://h/status/w0", &answer, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_add_status_poll (fx->journal, id, "https://h/status/w0", NULL, "timeout", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_add_status_poll (fx->journal, 555, "u", &answer, NULL, &error), ==, 0);
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  polls = sintesi_journal_get_status_polls (fx->journal, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (polls->len, ==, 2);
  poll = g_ptr_array_index (polls, 0);
  g_assert_cmpuint (poll->http_status, ==, 200);
  g_assert_cmpstr (poll->x_cart_id, ==, "CART-P");
  g_assert_true (g_bytes_equal (poll->response_body, body));
  g_assert_cmpstr (poll->response_headers, ==, "H: v\r\n");
  poll = g_ptr_array_index (polls, 1);
  g_assert_cmpuint (poll->http_status, ==, 0);
  g_assert_cmpstr (poll->failure_message, ==, "timeout");
}

static gint64
act_on (SintesiJournal          *journal,
        SintesiJournalOperation  operation,
        const char              *document_id,
        gint64                   source,
        guint                    status)
{
  g_autoptr(GError) error = NULL;
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = operation,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .patient_cf = CF_A,
    .document_id = document_id,
    .source_record_id = source,
  };
  gint64 id = sintesi_journal_prepare (journal, &draft, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  if (status != 0)
    answer_record (journal, id, status, "C", "T", "W");
  return id;
}

static void
test_document_lifecycle (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournalDocument) x = NULL;
  g_autoptr(SintesiJournalDocument) y = NULL;
  g_autoptr(SintesiJournalDocument) z = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *x_id = NULL;
  g_autofree char *y_id = NULL;
  g_autofree char *z_id = NULL;
  gint64 create, update, replace, failed_delete, delete, create_z, pending;
  SintesiJournalDraft replace_draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_REPLACE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .patient_cf = CF_A,
    .document_id_prefix = PREFIX,
    .solution = "SINTESI",
  };

  create = create_record (fx->journal, CF_A, NULL, &x_id);
  answer_record (fx->journal, create, 202, "C1", "T1", "W1");
  update = act_on (fx->journal, SINTESI_JOURNAL_OPERATION_UPDATE_METADATA, x_id, create, 200);
  act_on (fx->journal, SINTESI_JOURNAL_OPERATION_UPDATE_METADATA, x_id, create, 400);  /* refused: no effect */

  replace_draft.replaces_document_id = x_id;
  replace_draft.source_record_id = create;
  replace = sintesi_journal_prepare (fx->journal, &replace_draft, NULL, NULL, &y_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (y_id, ==, PREFIX "2");
  answer_record (fx->journal, replace, 202, "C3", "T3", "W3");

  failed_delete = act_on (fx->journal, SINTESI_JOURNAL_OPERATION_DELETE, y_id, replace, 404);
  delete = act_on (fx->journal, SINTESI_JOURNAL_OPERATION_DELETE, y_id, replace, 200);

  x = sintesi_journal_get_document (fx->journal, x_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (x->state, ==, SINTESI_JOURNAL_DOCUMENT_REPLACED);
  g_assert_cmpint (x->origin_record_id, ==, create);
  g_assert_cmpint (x->content_record_id, ==, create);
  g_assert_cmpint (x->replaced_by_record_id, ==, replace);
  g_assert_cmpstr (x->replaced_by_document_id, ==, y_id);
  g_assert_cmpuint (x->metadata_updates, ==, 1);
  g_assert_cmpint (x->last_metadata_record_id, ==, update);
  g_assert_cmpint (x->deleted_by_record_id, ==, 0);
  g_assert_cmpint (x->unsettled_record_id, ==, 0);
  g_assert_cmpstr (x->patient_cf, ==, CF_A);
  g_assert_cmpstr (x->profile, ==, "dott-rossi");

  y = sintesi_journal_get_document (fx->journal, y_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (y->state, ==, SINTESI_JOURNAL_DOCUMENT_DELETED);
  g_assert_cmpint (y->origin_record_id, ==, replace);
  g_assert_cmpint (y->deleted_by_record_id, ==, delete);
  g_assert_cmpint (y->last_record_id, ==, delete);

  history = sintesi_journal_get_document_history (fx->journal, x_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 4);  /* create, 2 updates, replace */
  g_assert_cmpint (((SintesiJournalRecord *) history->pdata[0])->id, ==, create);
  g_assert_cmpint (((SintesiJournalRecord *) history->pdata[3])->id, ==, replace);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = sintesi_journal_get_document_history (fx->journal, y_id, &error);
  g_assert_cmpuint (history->len, ==, 3);  /* replace, failed delete, delete */
  g_assert_cmpint (((SintesiJournalRecord *) history->pdata[1])->id, ==, failed_delete);

  /* A create refused by the gateway, then a resend still in flight. */
  create_z = create_record (fx->journal, CF_B, NULL, &z_id);
  answer_record (fx->journal, create_z, 400, "C9", "T9", NULL);
  {
    SintesiJournalDraft resend = {
      .profile = "dott-rossi",
      .operation = SINTESI_JOURNAL_OPERATION_CREATE,
      .environment = SINTESI_ENVIRONMENT_SANDBOX,
      .document_id = z_id,
      .source_record_id = create_z,
    };
    pending = sintesi_journal_prepare (fx->journal, &resend, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  z = sintesi_journal_get_document (fx->journal, z_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (z->state, ==, SINTESI_JOURNAL_DOCUMENT_NOT_ACCEPTED);
  g_assert_cmpint (z->origin_record_id, ==, 0);
  g_assert_cmpint (z->content_record_id, ==, pending);
  g_assert_cmpint (z->unsettled_record_id, ==, pending);

  g_assert_null (sintesi_journal_get_document (fx->journal, PREFIX "999", &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, PREFIX "999"));
}

static GDateTime *
utc (const char *iso)
{
  GDateTime *time = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (time);
  return time;
}

static guint
search_count (SintesiJournal      *journal,
              SintesiJournalQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = sintesi_journal_search (journal, query, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_count (journal, query, &error), ==,
                   query->limit == 0 && query->offset == 0 ? (gint64) records->len
                                                           : sintesi_journal_count (journal, query, NULL));
  return records->len;
}

static void
test_search (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) middle = NULL;
  g_autoptr(GDateTime) future = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *doc3 = NULL;
  gint64 ids[6];

  start = utc ("2000-01-01T00:00:00Z");
  for (int i = 0; i < 6; i++)
    {
      g_autofree char *cart = g_strdup_printf ("CART-%d", i);
      g_autofree char *trace = g_strdup_printf ("trace%d", i);
      g_autofree char *wii = g_strdup_printf ("wii%d^^^^urn", i);
      char **doc = i == 3 ? &doc3 : NULL;

      ids[i] = create_record (fx->journal, i % 2 == 0 ? CF_A : CF_B, NULL, doc);
      if (i < 5)
        answer_record (fx->journal, ids[i], 202, cart, trace, wii);
      if (i == 2)
        {
          g_usleep (20000);
          middle = g_date_time_new_now_utc ();
          g_usleep (20000);
        }
    }

  {
    SintesiJournalQuery q = { .patient_cf = "rssmra80a01h501u" };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 3);
  }
  {
    SintesiJournalQuery q = { .x_cart_id = "CART-4" };
    page = sintesi_journal_search (fx->journal, &q, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 1);
    g_assert_cmpint (((SintesiJournalRecord *) page->pdata[0])->id, ==, ids[4]);
    g_clear_pointer (&page, g_ptr_array_unref);
  }
  {
    SintesiJournalQuery q = { .x_cart_id = "CART-9" };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 0);
  }
  {
    SintesiJournalQuery q = { .trace_id = "trace1" };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 1);
  }
  {
    SintesiJournalQuery q = { .workflow_instance_id = "wii2^^^^urn" };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 1);
  }
  {
    SintesiJournalQuery q = { .document_id = doc3 };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 1);
  }
  /* Free text: each kind of id, and the CF in lower case. */
  {
    const char *texts[] = { "CART-1", "trace1", "wii1^^^^urn", PREFIX "2", "vrdgpp75b02d612z", "2" };
    guint expected[] = { 1, 1, 1, 1, 3, 1 };

    for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        SintesiJournalQuery q = { .text = texts[i] };
        g_assert_cmpuint (search_count (fx->journal, &q), ==, expected[i]);
      }
  }
  {
    SintesiJournalQuery q = { .text = "CART" };  /* exact match only */
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 0);
  }
  {
    SintesiJournalQuery q = { .since = middle };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 3);
  }
  {
    SintesiJournalQuery q = { .since = start, .until = middle };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 3);
  }
  future = g_date_time_add_days (middle, 1);
  {
    SintesiJournalQuery q = { .since = future };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 0);
  }
  {
    SintesiJournalQuery q = { .state = SINTESI_JOURNAL_STATE_PREPARED };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 1);
  }
  {
    SintesiJournalQuery q = { .state = SINTESI_JOURNAL_STATE_ANSWERED, .patient_cf = CF_A };
    g_assert_cmpuint (search_count (fx->journal, &q), ==, 3);
  }
  /* Newest first, pages by limit and offset. */
  {
    SintesiJournalQuery q = { .limit = 2, .offset = 1 };
    page = sintesi_journal_search (fx->journal, &q, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 2);
    g_assert_cmpint (((SintesiJournalRecord *) page->pdata[0])->id, ==, ids[4]);
    g_assert_cmpint (((SintesiJournalRecord *) page->pdata[1])->id, ==, ids[3]);
    g_assert_null (((SintesiJournalRecord *) page->pdata[0])->request_headers);
    g_assert_cmpint (sintesi_journal_count (fx->journal, &q, NULL), ==, 6);
    g_clear_pointer (&page, g_ptr_array_unref);
  }
  {
    SintesiJournalQuery q = { .oldest_first = TRUE, .limit = 1 };
    page = sintesi_journal_search (fx->journal, &q, &error);
    g_assert_cmpint (((SintesiJournalRecord *) page->pdata[0])->id, ==, ids[0]);
    g_clear_pointer (&page, g_ptr_array_unref);
  }

  /* The SQL a search runs gives the same rows in the sqlite3 shell. */
  if (sintesi_test_have_program ("sqlite3"))
    {
      SintesiJournalQuery q = { .text = "vrdgpp75b02d612z", .limit = 50 };
      g_autofree char *sql = sintesi_journal_search_sql (fx->journal, &q, &error);
      g_autofree char *ids_sql = NULL;
      g_autofree char *out = NULL;
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                                                   ids[5], ids[3], ids[1]);

      g_assert_no_error (error);
      g_assert_nonnull (strstr (sql, "'VRDGPP75B02D612Z'"));
      ids_sql = g_strdup_printf ("SELECT group_concat(id) FROM (%s)", sql);
      out = shell (fx->path, ids_sql);
      g_assert_cmpstr (out, ==, expected);
    }
}

static void
test_csv_export (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *file = g_build_filename (fx->dir, "out.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length = 0;
  gint64 id = create_record (fx->journal, CF_A, NULL, NULL);
  SintesiJournalAnswer answer = {
    .http_status = 400,
    .x_cart_id = "CART,1",
    .error_detail = "Il campo \"x\" non è valido,\nriga 2",
  };
  struct stat st;

  g_assert_true (sintesi_journal_record_answer (fx->journal, id, &answer, &error));
  create_record (fx->journal, CF_B, NULL, NULL);

  csv = sintesi_journal_export_csv (fx->journal, NULL, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, strlen (csv));
  g_assert_true (g_str_has_prefix (csv, "journal_id,created_at,sent_at,answered_at,profile,environment,operation,state,outcome_unknown,http_status,x_cart_id,"));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  g_assert_nonnull (strstr (csv, ",\"CART,1\","));
  g_assert_nonnull (strstr (csv, ",\"Il campo \"\"x\"\" non è valido,\nriga 2\","));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);  /* header, 2 rows, "" after the last CRLF */
  g_assert_true (g_str_has_prefix (lines[1], "1,"));
  g_assert_true (g_str_has_prefix (lines[2], "2,"));
  g_assert_nonnull (strstr (lines[2], ",prepared,false,"));

  g_assert_true (sintesi_journal_export_csv_file (fx->journal, NULL, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, csv);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* An independent RFC 4180 reader agrees on rows and fields. */
  if (sintesi_test_have_program ("python3"))
    {
      const char *argv[] = {
        "python3", "-c",
        "import csv,sys\n"
        "rows=list(csv.reader(open(sys.argv[1],newline='',encoding='utf-8')))\n"
        "h=rows[0]\n"
        "assert len(rows)==3, rows\n"
        "assert all(len(r)==len(h) for r in rows)\n"
        "r=dict(zip(h,rows[1]))\n"
        "assert r['x_cart_id']=='CART,1'\n"
        "assert r['error_detail']=='Il campo \"x\" non è valido,\\nriga 2', r['error_detail']\n"
        "assert r['http_status']=='400'\n"
        "print('ok')\n",
        file, NULL,
      };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (sintesi_test_run (argv, NULL, &out, &err), ==, 0);
      g_assert_cmpstr (out, ==, "ok\n");
    }

  /* An unwritable destination: clear error, nothing half-written. */
  {
    g_autofree char *bad = g_build_filename (fx->dir, "missing", "out.csv", NULL);

    g_assert_false (sintesi_journal_export_csv_file (fx->journal, NULL, bad, &error));
    g_assert_nonnull (error);
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  }
}

/* Errors */

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
test_not_a_database (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "journal.sqlite", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  char garbage[8192];

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));
  before = file_checksum (path);

  g_assert_null (sintesi_journal_open (path, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "damaged or is not a database"));
  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  sintesi_test_rmdir (dir);
}

static void
test_foreign_database (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "other.sqlite", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_sqlite3_shell ())
    return;
  g_free (shell (path, "CREATE TABLE patients (cf TEXT); INSERT INTO patients VALUES ('X')"));
  before = file_checksum (path);
  g_assert_null (sintesi_journal_open (path, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not a Sintesi journal"));
  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  sintesi_test_rmdir (dir);
}

static void
test_malformed_database (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) reopened = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *root = NULL;
  g_autofree char *page_size = NULL;
  g_autoptr(GBytes) pdf = NULL;
  FILE *file;
  gint64 offset;
  char garbage[512];

  if (!have_sqlite3_shell ())
    return;
  for (int i = 0; i < 200; i++)
    create_record (fx->journal, i % 2 ? CF_A : CF_B, NULL, NULL);
  g_clear_object (&fx->journal);  /* checkpoints the WAL into the file */

  root = shell (fx->path, "SELECT rootpage FROM sqlite_master WHERE name = 'records_by_patient'");
  page_size = shell (fx->path, "PRAGMA page_size");
  offset = (g_ascii_strtoll (root, NULL, 10) - 1) * g_ascii_strtoll (page_size, NULL, 10);
  g_assert_cmpint (offset, >, 0);
  memset (garbage, 0xA5, sizeof garbage);
  file = fopen (fx->path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, (long) offset, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, sizeof garbage, file), ==, sizeof garbage);
  fclose (file);

  reopened = sintesi_journal_open (fx->path, &error);
  g_assert_no_error (error);  /* the header and schema are intact */
  {
    SintesiJournalQuery q = { .patient_cf = CF_A };
    records = sintesi_journal_search (reopened, &q, &error);
  }
  g_assert_null (records);
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_nonnull (strstr (error->message, fx->path));
  g_clear_error (&error);
  g_assert_false (sintesi_journal_check_integrity (reopened, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_CORRUPT);
  (void) pdf;
}

static void
test_newer_schema (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *count = NULL;
  sqlite3 *db = NULL;

  create_record (fx->journal, CF_A, NULL, NULL);
  create_record (fx->journal, CF_B, NULL, NULL);
  g_clear_object (&fx->journal);

  /* As a future version would leave it (not through our code). */
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 7; PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = file_checksum (fx->path);

  g_assert_null (sintesi_journal_open (fx->path, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer version of Sintesi"));
  g_assert_nonnull (strstr (error->message, "7"));
  g_assert_nonnull (strstr (error->message, fx->path));

  after = file_checksum (fx->path);
  g_assert_cmpstr (before, ==, after);
  if (sintesi_test_have_program ("sqlite3"))
    {
      count = shell (fx->path, "SELECT count(*) FROM records");
      g_assert_cmpstr (count, ==, "2");
    }
}

static void
test_locked_database (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) reopened = NULL;
  sqlite3 *other = NULL;
  gint64 first = create_record (fx->journal, CF_A, NULL, NULL);
  gint64 start;
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_DELETE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .document_id = PREFIX "1",
  };
  SintesiJournalAnswer answer = { .http_status = 202, .x_cart_id = "CART-LOCKED" };

  /* Another program holds the write lock. */
  g_assert_cmpint (sqlite3_open (fx->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  sintesi_journal_set_busy_timeout (fx->journal, 200);
  start = g_get_monotonic_time ();
  g_assert_cmpint (sintesi_journal_prepare (fx->journal, &draft, NULL, NULL, NULL, &error), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);  /* it did wait */
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "in use by another program"));
  g_assert_nonnull (strstr (error->message, "200 ms"));
  g_assert_nonnull (strstr (error->message, "document " PREFIX "1)"));
  g_assert_nonnull (strstr (error->message, "was not sent"));
  g_clear_error (&error);

  g_assert_false (sintesi_journal_record_answer (fx->journal, first, &answer, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "CART-LOCKED"));
  g_clear_error (&error);

  /* Reading still works while the other holds the write lock (WAL). */
  g_assert_cmpint (sintesi_journal_count (fx->journal, NULL, &error), ==, 1);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  g_assert_true (sintesi_journal_record_answer (fx->journal, first, &answer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_prepare (fx->journal, &draft, NULL, NULL, NULL, &error), >, 0);
  g_assert_no_error (error);

  g_clear_object (&fx->journal);
  reopened = sintesi_journal_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_count (reopened, NULL, &error), ==, 2);
}

static void
test_disk_full (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) reopened = NULL;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(GBytes) big_pdf = NULL;
  g_autofree char *big = g_malloc (256 * 1024);
  g_autofree char *document_id = NULL;
  gint64 answered;
  gint64 pending;
  struct stat st;
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .patient_cf = CF_A,
    .document_id_prefix = PREFIX,
    .solution = "SINTESI",
  };
  SintesiJournalRequest request;
  SintesiJournalAnswer answer = { .http_status = 202, .x_cart_id = "CART-FULL-42", .trace_id = "TR42" };
  g_autoptr(GBytes) big_body = NULL;

  for (gsize i = 0; i < 256 * 1024; i++)
    big[i] = (char) g_random_int ();
  big_pdf = g_bytes_new (big, 256 * 1024);
  big_body = g_bytes_new (big, 200 * 1024);
  memset (&request, 0, sizeof request);
  request.pdf = big_pdf;

  answered = create_record (fx->journal, CF_A, NULL, NULL);
  answer_record (fx->journal, answered, 202, "CART-OK", "T", "W");
  pending = create_record (fx->journal, CF_B, NULL, NULL);

  /* The disk is full: the database cannot grow past its current size. */
  g_assert_cmpint (g_stat (fx->path, &st), ==, 0);
  g_assert_true (sintesi_journal_set_size_limit (fx->journal, (guint64) st.st_size + 8192, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sintesi_journal_prepare (fx->journal, &draft, &request, NULL, &document_id, &error), ==, 0);
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "is full"));
  g_assert_nonnull (strstr (error->message, "was not sent"));
  g_assert_nonnull (strstr (error->message, "records already in the journal are safe"));
  g_assert_nonnull (strstr (error->message, "“create” call of profile dott-rossi (patient " CF_A ", document a new one)"));
  g_assert_null (document_id);
  g_clear_error (&error);

  /* An answer that cannot be stored names its X-CART-id. */
  answer.body = big_body;
  g_assert_false (sintesi_journal_record_answer (fx->journal, pending, &answer, &error));
  g_assert_error (error, SINTESI_JOURNAL_ERROR, SINTESI_JOURNAL_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "CART-FULL-42"));
  g_assert_nonnull (strstr (error->message, "TR42"));
  g_assert_nonnull (strstr (error->message, "record 2 "));
  g_clear_error (&error);

  /* The journal is still usable for what fits. */
  g_assert_cmpint (sintesi_journal_count (fx->journal, NULL, &error), ==, 2);

  g_clear_object (&fx->journal);
  reopened = sintesi_journal_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_count (reopened, NULL, &error), ==, 2);
  record = sintesi_journal_get_record (reopened, answered, &error);
  g_assert_cmpstr (record->x_cart_id, ==, "CART-OK");
  g_clear_pointer (&record, sintesi_journal_record_free);
  record = sintesi_journal_get_record (reopened, pending, &error);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_PREPARED);
  g_clear_pointer (&record, sintesi_journal_record_free);

  /* Space again: the answer goes in, and the rolled-back progressive was
   * never committed, so nothing was skipped or reused. */
  g_assert_true (sintesi_journal_record_answer (reopened, pending, &answer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_get_last_progressive (reopened, "dott-rossi", "SINTESI", NULL), ==, 2);
  g_assert_true (sintesi_journal_check_integrity (reopened, &error));
  g_assert_no_error (error);
}

typedef struct
{
  SintesiJournal *journal;
  gint64          progressives[25];
} AllocatorThread;

static gpointer
allocate_many (gpointer data)
{
  AllocatorThread *thread = data;

  for (int i = 0; i < 25; i++)
    create_record (thread->journal, CF_A, &thread->progressives[i], NULL);
  return NULL;
}

/* Threads on one connection and on two connections (as two processes
 * would be): every progressive is handed out exactly once. */
static void
test_concurrent_progressives (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) second = sintesi_journal_open (fx->path, &error);
  AllocatorThread threads[4];
  GThread *handles[4];
  gboolean seen[101] = { FALSE };

  g_assert_no_error (error);
  for (int t = 0; t < 4; t++)
    {
      threads[t].journal = t % 2 ? second : fx->journal;
      handles[t] = g_thread_new ("allocator", allocate_many, &threads[t]);
    }
  for (int t = 0; t < 4; t++)
    g_thread_join (handles[t]);
  for (int t = 0; t < 4; t++)
    for (int i = 0; i < 25; i++)
      {
        gint64 p = threads[t].progressives[i];

        g_assert_cmpint (p, >=, 1);
        g_assert_cmpint (p, <=, 100);
        g_assert_false (seen[p]);
        seen[p] = TRUE;
      }
  g_assert_cmpint (sintesi_journal_count (fx->journal, NULL, &error), ==, 100);
}

static void
test_empty_file_is_migrated (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "journal.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  journal = sintesi_journal_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_journal_count (journal, NULL, &error), ==, 0);
  g_clear_object (&journal);
  sintesi_test_rmdir (dir);
}

static void
test_unwritable_location (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_autofree char *path = g_build_filename (blocker, "journal.sqlite", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  g_assert_null (sintesi_journal_open (path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, blocker));
  sintesi_test_rmdir (dir);
}

static void
test_names (void)
{
  SintesiJournalOperation operation = 0;
  SintesiJournalState state = 0;

  g_assert_cmpstr (sintesi_journal_operation_to_string (SINTESI_JOURNAL_OPERATION_UPDATE_METADATA), ==, "update-metadata");
  g_assert_null (sintesi_journal_operation_to_string (0));
  g_assert_true (sintesi_journal_operation_from_string ("replace", &operation));
  g_assert_cmpint (operation, ==, SINTESI_JOURNAL_OPERATION_REPLACE);
  g_assert_false (sintesi_journal_operation_from_string ("Replace", &operation));
  g_assert_cmpstr (sintesi_journal_state_to_string (SINTESI_JOURNAL_STATE_FAILED), ==, "failed");
  g_assert_true (sintesi_journal_state_from_string ("prepared", &state));
  g_assert_cmpint (state, ==, SINTESI_JOURNAL_STATE_PREPARED);
  g_assert_false (sintesi_journal_state_from_string ("done", &state));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/journal/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("open-creates-private-wal-journal", test_open_creates_private_wal_journal);
  ADD ("progressive-allocation", test_progressive_allocation);
  ADD ("progressive-reservation", test_progressive_reservation);
  ADD ("concurrent-progressives", test_concurrent_progressives);
  ADD ("full-call-round-trip", test_full_call_round_trip);
  ADD ("pdf-deduplicated", test_pdf_deduplicated);
  ADD ("failure-and-missing-x-cart-id", test_failure_and_missing_x_cart_id);
  ADD ("invalid-drafts", test_invalid_drafts);
  ADD ("status-polls", test_status_polls);
  ADD ("document-lifecycle", test_document_lifecycle);
  ADD ("search", test_search);
  ADD ("csv-export", test_csv_export);
  ADD ("malformed-database", test_malformed_database);
  ADD ("newer-schema", test_newer_schema);
  ADD ("locked-database", test_locked_database);
  ADD ("disk-full", test_disk_full);
#undef ADD
  g_test_add_func ("/journal/not-a-database", test_not_a_database);
  g_test_add_func ("/journal/foreign-database", test_foreign_database);
  g_test_add_func ("/journal/empty-file-is-migrated", test_empty_file_is_migrated);
  g_test_add_func ("/journal/unwritable-location", test_unwritable_location);
  g_test_add_func ("/journal/names", test_names);

  return g_test_run ();
}
