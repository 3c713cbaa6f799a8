/* test-journal-crash.c: a sender killed mid-call loses nothing (D11, D19)
 *
 * journal-crash-helper (a separate process, built beside this test) writes
 * to the journal and is killed with SIGKILL at the worst moments; the
 * journal reopened afterwards must hold everything it reported.
 */
#include "config.h"

#include <string.h>
#ifdef G_OS_UNIX
#include <signal.h>
#endif

#include "sintesi-journal-search.h"
#include "sintesi-test-util.h"

#define PREFIX "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI"

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
} Helper;

static void
helper_start (Helper     *helper,
              const char *mode,
              const char *journal,
              const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = sintesi_test_build_path ("tests/journal-crash-helper");
  const char *argv[] = { program, mode, journal, extra, NULL };

  helper->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  helper->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper->process));
}

static char *
helper_read_line (Helper *helper)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (helper->out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);  /* the helper died before saying anything */
  return line;
}

static void
helper_kill (Helper *helper)
{
  g_autoptr(GError) error = NULL;

  /* SIGKILL on Unix (TerminateProcess on Windows): no cleanup runs. */
  g_subprocess_force_exit (helper->process);
  g_subprocess_wait (helper->process, NULL, &error);
  g_assert_no_error (error);
#ifdef G_OS_UNIX
  g_assert_false (g_subprocess_get_if_exited (helper->process));
  g_assert_true (g_subprocess_get_if_signaled (helper->process));
  g_assert_cmpint (g_subprocess_get_term_sig (helper->process), ==, SIGKILL);
#endif
  g_clear_object (&helper->out);
  g_clear_object (&helper->process);
}

static gint64
next_create (SintesiJournal *journal,
             gint64         *progressive)
{
  g_autoptr(GError) error = NULL;
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .document_id_prefix = PREFIX,
    .solution = "SINTESI",
  };
  gint64 id = sintesi_journal_prepare (journal, &draft, NULL, progressive, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
test_killed_while_gateway_hangs (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "journal.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *prepared = NULL;
  g_autofree char *sending = NULL;
  g_autofree char *expected_sending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(GPtrArray) unknown = NULL;
  g_auto(GStrv) fields = NULL;
  Helper helper = { 0 };
  gint64 id, progressive, next_progressive = 0;

  helper_start (&helper, "prepare", path, NULL);
  prepared = helper_read_line (&helper);
  sending = helper_read_line (&helper);
  helper_kill (&helper);

  fields = g_strsplit (prepared, " ", 4);
  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[0], ==, "PREPARED");
  id = g_ascii_strtoll (fields[1], NULL, 10);
  progressive = g_ascii_strtoll (fields[2], NULL, 10);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (progressive, ==, 1);
  expected_sending = g_strdup_printf ("SENDING %" G_GINT64_FORMAT, id);
  g_assert_cmpstr (sending, ==, expected_sending);

  /* The killed process never closed the journal: the commit is still only
   * in the write-ahead log, and must be recovered from it. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  journal = sintesi_journal_open (path, &error);
  g_assert_no_error (error);
  record = sintesi_journal_get_record (journal, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_PREPARED);
  g_assert_true (record->outcome_unknown);
  g_assert_cmpstr (record->document_id, ==, fields[3]);
  g_assert_cmpstr (record->document_id, ==, PREFIX "1");
  g_assert_cmpint (record->progressive, ==, progressive);
  g_assert_cmpstr (record->patient_cf, ==, "RSSMRA80A01H501U");
  g_assert_nonnull (record->sent_at);
  g_assert_cmpstr (record->request_body, ==, "{\"mode\":\"ATTACHMENT\"}");
  g_assert_cmpuint (g_bytes_get_size (record->pdf), ==, 14);

  {
    SintesiJournalQuery q = { .state = SINTESI_JOURNAL_STATE_PREPARED };
    unknown = sintesi_journal_search (journal, &q, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (unknown->len, ==, 1);
    g_assert_true (((SintesiJournalRecord *) unknown->pdata[0])->outcome_unknown);
  }

  /* The next send gets a new progressive; the one of the lost call is
   * never handed out again. */
  g_assert_cmpint (next_create (journal, &next_progressive), >, id);
  g_assert_cmpint (next_progressive, ==, progressive + 1);

  g_clear_object (&journal);
  sintesi_test_rmdir (dir);
}

static void
test_killed_right_after_answer (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "journal.sqlite", NULL);
  g_autofree char *prepared = NULL;
  g_autofree char *answered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autofree char *cart = g_strdup_printf ("CART-%08x", g_random_int ());
  Helper helper = { 0 };
  gint64 id;

  helper_start (&helper, "answer", path, cart);
  prepared = helper_read_line (&helper);
  answered = helper_read_line (&helper);
  /* The moment the sender reports success it dies. */
  helper_kill (&helper);

  g_assert_true (g_str_has_prefix (answered, "ANSWERED "));
  id = g_ascii_strtoll (answered + strlen ("ANSWERED "), NULL, 10);
  g_assert_cmpint (id, >, 0);

  journal = sintesi_journal_open (path, &error);
  g_assert_no_error (error);
  record = sintesi_journal_get_record (journal, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, SINTESI_JOURNAL_STATE_ANSWERED);
  g_assert_false (record->outcome_unknown);
  g_assert_cmpstr (record->x_cart_id, ==, cart);
  g_assert_cmpuint (record->http_status, ==, 202);
  g_assert_cmpstr (record->trace_id, ==, "0123456789abcdef");

  {
    SintesiJournalQuery q = { .text = cart };
    g_autoptr(GPtrArray) found = sintesi_journal_search (journal, &q, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
  }
  g_clear_object (&journal);
  sintesi_test_rmdir (dir);
}

static void
test_progressive_never_reused_after_kill (void)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "journal.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  Helper helper = { 0 };
  gint64 last_reported = 0;
  gint64 next = 0;

  /* Kill a sender that allocates as fast as it can, at an arbitrary point. */
  helper_start (&helper, "loop", path, NULL);
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *line = helper_read_line (&helper);
      g_auto(GStrv) fields = g_strsplit (line, " ", 4);

      g_assert_cmpstr (fields[0], ==, "PREPARED");
      last_reported = g_ascii_strtoll (fields[2], NULL, 10);
    }
  helper_kill (&helper);

  journal = sintesi_journal_open (path, &error);
  g_assert_no_error (error);
  /* Every reported allocation is on record (and maybe one more that was
   * committed while we were killing it). */
  {
    SintesiJournalQuery q = { .oldest_first = TRUE };
    g_autoptr(GPtrArray) records = sintesi_journal_search (journal, &q, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (records->len, >=, (guint) last_reported);
    for (guint i = 0; i < records->len; i++)
      {
        SintesiJournalRecord *r = g_ptr_array_index (records, i);

        g_assert_cmpint (r->progressive, ==, (gint64) i + 1);
        g_assert_true (r->outcome_unknown);
      }
  }
  next_create (journal, &next);
  g_assert_cmpint (next, >, last_reported);
  g_assert_cmpint (next, ==, sintesi_journal_get_last_progressive (journal, "dott-rossi", "SINTESI", NULL));
  g_clear_object (&journal);
  sintesi_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/journal-crash/killed-while-gateway-hangs", test_killed_while_gateway_hangs);
  g_test_add_func ("/journal-crash/killed-right-after-answer", test_killed_right_after_answer);
  g_test_add_func ("/journal-crash/progressive-never-reused-after-kill", test_progressive_never_reused_after_kill);
  return g_test_run ();
}
