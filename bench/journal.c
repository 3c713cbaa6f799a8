/* bench/journal: a decade (and more) of calls in the journal
 *
 *   build/bench/journal [--records N] [--dir DIR] [--keep]
 *
 * Fills a fresh journal with N synthetic calls (default 1,000,000) through
 * the public API, spreads their creation times over ten years, then times
 * searches by patient CF, X-CART-id, date range and free text through
 * sintesi_journal_search() and, on the same file in the same run, the very
 * same SQL (sintesi_journal_search_sql()) in the sqlite3 shell.
 *
 * Timing: each query is run REPEAT times in a row, by our API and by the
 * shell (REPEAT statements on one input line, which the shell's .timer
 * measures as one run, since its clock has millisecond resolution); the
 * per-query time of a key is the run divided by REPEAT, and the figure
 * printed is the median over KEYS different keys. Targets: under 50 ms and
 * at most 1.5 times the shell.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sintesi-journal-search.h"

#define PREFIX     "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI"
#define PATIENTS   5000
#define PDFS       64
#define PDF_SIZE   (24 * 1024)
#define BATCH      10000
#define DURABLE    200
#define KEYS       21
#define REPEAT     50
#define LIMIT      50
#define DECADE_S   (10 * 365.25 * 24 * 3600)
#define START_UNIX 1577836800  /* 2020-01-01T00:00:00Z */

static char *
patient_cf (guint patient)
{
  static const char letters[] = "ABCDEFGHLMPRST";

  /* Shaped like a CF; not a real person's. */
  return g_strdup_printf ("%c%c%cXYZ%02u%c%02uH%03uQ",
                          letters[patient % 14], letters[(patient / 14) % 14],
                          letters[(patient / 196) % 14], 40 + patient % 60,
                          "ABCDEHLMPRST"[patient % 12], 1 + patient % 28, patient % 1000);
}

static char *
x_cart_id (guint64 i)
{
  return g_strdup_printf ("CART-%016" G_GINT64_MODIFIER "x", (gint64) (i * 0x9E3779B97F4A7C15ull));
}

static char *
trace_id (guint64 i)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", (gint64) (i * 0xC2B2AE3D27D4EB4Full + 7));
}

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof *values, compare_double);
  return values[n / 2];
}

static void
die (const char *what,
     GError     *error)
{
  fprintf (stderr, "bench/journal: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

/* One synthetic call through prepare → record_request → record_answer. */
static void
add_call (SintesiJournal *journal,
          guint64         i,
          GBytes        **pdfs,
          char          **pdf_hashes,
          GRand          *rand)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cf = patient_cf (g_rand_int_range (rand, 0, PATIENTS));
  g_autofree char *cart = x_cart_id (i);
  g_autofree char *trace = trace_id (i);
  g_autofree char *wii = g_strdup_printf ("2.16.840.1.113883.2.9.2.90.4.4.%s.%010" G_GINT64_MODIFIER "x^^^^urn:ihe:iti:xdw:2013:workflowInstanceId",
                                          trace, (gint64) i);
  g_autofree char *document_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GBytes) response_body = NULL;
  guint pdf_index = g_rand_int_range (rand, 0, PDFS);
  GBytes *pdf = pdfs[pdf_index];
  const char *pdf_hash = pdf_hashes[pdf_index];  /* the gateway client hashes once per PDF */
  guint roll = g_rand_int_range (rand, 0, 100);
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_PRODUCTION,
    .patient_cf = cf,
    .document_id_prefix = PREFIX,
    .solution = "SINTESI",
  };
  gint64 id = sintesi_journal_prepare (journal, &draft, NULL, NULL, &document_id, &error);
  SintesiJournalRequest request = { 0 };
  SintesiJournalAnswer answer = { 0 };

  if (id == 0)
    die ("prepare", error);

  body = g_strdup_printf ("{\"healthDataFormat\":\"CDA\",\"mode\":\"ATTACHMENT\",\"tipologiaStruttura\":\"Territorio\","
                          "\"identificativoDoc\":\"%s\",\"identificativoRep\":\"2.16.840.1.113883.2.9.2.90.4.5.201\","
                          "\"tipoDocumentoLivAlto\":\"SUM\",\"assettoOrganizzativo\":\"AD_PSC130\","
                          "\"tipoAttivitaClinica\":\"OBS\",\"identificativoSottomissione\":\"2.16.840.1.113883.2.9.2.90.4.3.%"
                          G_GINT64_FORMAT "\"}", document_id, (gint64) i);
  /* Tokens shortened to ~1 KB of headers: the real ones carry the S1
   * certificate twice (x5c) and are larger. */
  headers = g_strdup_printf ("Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.%0400d.%0340d\r\n"
                             "FSE-JWT-Signature: eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.%0200d.%0100d\r\n"
                             "Accept: application/json\r\nContent-Type: multipart/form-data; boundary=x%s\r\n",
                             0, 0, 0, 0, trace);
  request.method = "POST";
  request.url = "https://fse20gw.regione.toscana.it/gateway/v2/documents/validate-and-create";
  request.headers = headers;
  request.body = body;
  request.pdf = pdf;
  request.attachment_hash = pdf_hash;
  request.s1_fingerprint = "5f1d0c6bbd8e2c1e6f0b7a3c1d2e3f405f1d0c6bbd8e2c1e6f0b7a3c1d2e3f40";
  request.a1_fingerprint = "a1a1a1a1bd8e2c1e6f0b7a3c1d2e3f405f1d0c6bbd8e2c1e6f0b7a3c1d2e3f40";
  if (!sintesi_journal_record_request (journal, id, &request, &error))
    die ("record_request", error);

  if (roll < 2)
    return;  /* left prepared */
  if (roll < 4)
    {
      if (!sintesi_journal_record_failure (journal, id, "Connection timed out after 60000 milliseconds", &error))
        die ("record_failure", error);
      return;
    }
  response = g_strdup_printf ("{\"traceID\":\"%s\",\"spanID\":\"%s\",\"workflowInstanceId\":\"%s\"}", trace, trace, wii);
  {
    gsize length = strlen (response);

    response_body = g_bytes_new_take (g_steal_pointer (&response), length);
  }
  answer.http_status = roll < 10 ? 400 : 202;
  answer.headers = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nGovWay-Transaction-ID: 6f1c2a4e-0000-4000-8000-000000000000\r\n";
  answer.body = response_body;
  answer.x_cart_id = cart;
  answer.trace_id = trace;
  answer.span_id = trace;
  answer.workflow_instance_id = wii;
  if (roll < 10)
    {
      answer.error_type = "/msg/semantic";
      answer.error_title = "Errore semantico.";
      answer.error_detail = "[ERRORE-b222| …]";
      answer.error_instance = "/cda-validation";
    }
  if (!sintesi_journal_record_answer (journal, id, &answer, &error))
    die ("record_answer", error);
}

/* Runs lines (each: one query repeated REPEAT times) in the sqlite3 shell
 * and returns the per-query seconds of each line. */
static double *
shell_times (const char *path,
             GPtrArray  *lines)
{
  g_autoptr(GString) script = g_string_new (".timer on\n.output /dev/null\n");
  g_autoptr(GSubprocess) shell = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) rows = NULL;
  double *times = g_new0 (double, lines->len);
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (script, g_ptr_array_index (lines, i));
      g_string_append_c (script, '\n');
    }
  shell = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            "sqlite3", "-batch", path, NULL);
  if (shell == NULL || !g_subprocess_communicate_utf8 (shell, script->str, NULL, &out, NULL, &error))
    die ("sqlite3 shell", error);
  rows = g_strsplit (out, "\n", -1);
  for (guint i = 0; rows[i] != NULL && n < lines->len; i++)
    {
      double real;

      if (sscanf (rows[i], "Run Time: real %lf", &real) == 1)
        times[n++] = real / REPEAT;
    }
  if (n != lines->len)
    die ("sqlite3 shell printed fewer timings than queries", NULL);
  return times;
}

static void
compare (SintesiJournal      *journal,
         const char          *path,
         const char          *label,
         SintesiJournalQuery *queries,
         int                  n_queries)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *shell = NULL;
  double ours[KEYS];
  double ratio_values[KEYS];
  double ours_median, shell_median;
  guint rows = 0;

  for (int k = 0; k < n_queries; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *sql = sintesi_journal_search_sql (journal, &queries[k], &error);
      GString *line = g_string_new (NULL);
      double start;

      if (sql == NULL)
        die ("search_sql", error);
      for (int r = 0; r < REPEAT; r++)
        g_string_append_printf (line, "%s;", sql);
      g_ptr_array_add (lines, g_string_free (line, FALSE));

      start = now_s ();
      for (int r = 0; r < REPEAT; r++)
        {
          g_autoptr(GPtrArray) found = sintesi_journal_search (journal, &queries[k], &error);

          if (found == NULL)
            die ("search", error);
          if (r == 0)
            rows += found->len;
        }
      ours[k] = (now_s () - start) / REPEAT;
    }
  shell = shell_times (path, lines);
  for (int k = 0; k < n_queries; k++)
    ratio_values[k] = shell[k] > 0 ? ours[k] / shell[k] : 0;
  ours_median = median (ours, n_queries);
  shell_median = median (shell, n_queries);
  printf ("  %-26s %8.3f ms  sqlite3 %8.3f ms  ratio %5.2f (median of per-key ratios %5.2f)  %s  [%.1f rows/query]\n",
          label, ours_median * 1e3, shell_median * 1e3,
          shell_median > 0 ? ours_median / shell_median : 0,
          median (ratio_values, n_queries),
          ours_median < 0.050 && (shell_median <= 0 || ours_median <= 1.5 * shell_median) ? "OK" : "MISSED",
          (double) rows / n_queries);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  gint64 records = 1000000;
  char *dir_option = NULL;
  gboolean keep = FALSE;
  GBytes *pdfs[PDFS];
  char *pdf_hashes[PDFS];
  GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT64, &records, "Number of synthetic calls (default 1000000)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_option, "Folder for the journal (default: a new temporary one)", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the journal afterwards", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the journal");
  double start, elapsed;
  GStatBuf st;
  gint64 size;
  sqlite3 *db;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (records < KEYS)
    die ("--records must be at least 21", NULL);
  if (g_find_program_in_path ("sqlite3") == NULL)
    die ("the sqlite3 shell is needed (apt-get install sqlite3)", NULL);

  dir = dir_option != NULL ? g_strdup (dir_option) : g_dir_make_tmp ("sintesi-bench-XXXXXX", &error);
  if (dir == NULL)
    die ("temporary folder", error);
  path = g_build_filename (dir, "journal.sqlite", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  g_remove (path);
  g_remove (wal);

  for (int i = 0; i < PDFS; i++)
    {
      guint8 *bytes = g_malloc (PDF_SIZE);

      for (int b = 0; b < PDF_SIZE; b++)
        bytes[b] = (guint8) g_rand_int (rand);
      memcpy (bytes, "%PDF-1.7\n", 9);
      pdfs[i] = g_bytes_new_take (bytes, PDF_SIZE);
      pdf_hashes[i] = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdfs[i]);
    }

  journal = sintesi_journal_open (path, &error);
  if (journal == NULL)
    die ("open", error);
  printf ("bench/journal: SQLite %s, %s\n", sqlite3_libversion (), path);

  /* Durable: each call as the gateway makes it, every commit fsynced. */
  start = now_s ();
  for (int i = 0; i < DURABLE; i++)
    add_call (journal, (guint64) i, pdfs, pdf_hashes, rand);
  elapsed = now_s () - start;
  printf ("durable calls (prepare+request+answer, synchronous=FULL, each committed): %d in %.2f s = %.0f calls/s\n",
          DURABLE, elapsed, DURABLE / elapsed);

  /* Bulk: the same API calls, BATCH calls per transaction. */
  start = now_s ();
  for (gint64 i = DURABLE; i < records; i += BATCH)
    {
      gint64 end = MIN (records, i + BATCH);

      if (!sintesi_journal_begin_batch (journal, &error))
        die ("begin_batch", error);
      for (gint64 k = i; k < end; k++)
        add_call (journal, (guint64) k, pdfs, pdf_hashes, rand);
      if (!sintesi_journal_commit_batch (journal, &error))
        die ("commit_batch", error);
      if ((end / BATCH) % 10 == 0 || end == records)
        {
          fprintf (stderr, "\r  %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " records", end, records);
          fflush (stderr);
        }
    }
  elapsed = now_s () - start;
  fprintf (stderr, "\n");
  printf ("bulk insert: %" G_GINT64_FORMAT " calls in %.1f s = %.0f calls/s (%d per transaction; each call = prepare + request + answer)\n",
          records - DURABLE, elapsed, (records - DURABLE) / elapsed, BATCH);
  g_clear_object (&journal);

  /* Creation times of a decade (the API stamps "now"): rewritten once,
   * outside the API, so that date ranges mean something. */
  start = now_s ();
  if (sqlite3_open (path, &db) != SQLITE_OK)
    die ("sqlite3_open", NULL);
  {
    g_autofree char *sql = g_strdup_printf (
      "PRAGMA journal_mode = WAL; BEGIN;"
      "UPDATE records SET created_at = strftime ('%%Y-%%m-%%dT%%H:%%M:%%fZ', %d + id * %.6f, 'unixepoch'),"
      " sent_at = strftime ('%%Y-%%m-%%dT%%H:%%M:%%fZ', %d + id * %.6f + 0.5, 'unixepoch'),"
      " answered_at = CASE WHEN answered_at IS NULL THEN NULL ELSE strftime ('%%Y-%%m-%%dT%%H:%%M:%%fZ', %d + id * %.6f + 2, 'unixepoch') END;"
      "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
      START_UNIX, DECADE_S / records, START_UNIX, DECADE_S / records, START_UNIX, DECADE_S / records);
    char *message = NULL;

    if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
      {
        fprintf (stderr, "bench/journal: spreading dates: %s\n", message);
        return 1;
      }
  }
  sqlite3_close (db);
  printf ("creation times spread over 2020-2029 in %.1f s (one UPDATE, outside the API)\n", now_s () - start);

  if (g_stat (path, &st) != 0)
    die ("stat", NULL);
  size = st.st_size;
  printf ("database size: %.1f MiB (%.0f bytes per call; %d distinct PDFs of %d KiB stored once)\n",
          size / 1048576.0, (double) size / records, PDFS, PDF_SIZE / 1024);

  journal = sintesi_journal_open (path, &error);
  if (journal == NULL)
    die ("reopen", error);

  printf ("search medians over %d keys, each query run %d times in a row (limit %d, newest first):\n",
          KEYS, REPEAT, LIMIT);
  {
    SintesiJournalQuery by_cf[KEYS], by_cart[KEYS], by_range[KEYS], by_text[KEYS];
    g_autoptr(GPtrArray) keep_alive = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) times = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);

    memset (by_cf, 0, sizeof by_cf);
    memset (by_cart, 0, sizeof by_cart);
    memset (by_range, 0, sizeof by_range);
    memset (by_text, 0, sizeof by_text);
    for (int k = 0; k < KEYS; k++)
      {
        char *cf = patient_cf (g_rand_int_range (rand, 0, PATIENTS));
        /* About 4 in 100 calls have no X-CART-id (left prepared or failed). */
        char *cart = x_cart_id ((guint64) g_rand_int_range (rand, 0, (gint32) records));
        char *trace = trace_id ((guint64) g_rand_int_range (rand, 0, (gint32) records));
        GDateTime *from = g_date_time_new_from_unix_utc (START_UNIX + (gint64) g_rand_double_range (rand, 0, DECADE_S - 31 * 86400));
        GDateTime *to = g_date_time_add_days (from, 30);

        g_ptr_array_add (keep_alive, cf);
        g_ptr_array_add (keep_alive, cart);
        g_ptr_array_add (keep_alive, trace);
        g_ptr_array_add (times, from);
        g_ptr_array_add (times, to);
        by_cf[k] = (SintesiJournalQuery) { .patient_cf = cf, .limit = LIMIT };
        by_cart[k] = (SintesiJournalQuery) { .x_cart_id = cart, .limit = LIMIT };
        by_range[k] = (SintesiJournalQuery) { .since = from, .until = to, .limit = LIMIT };
        by_text[k] = (SintesiJournalQuery) { .text = trace, .limit = LIMIT };
      }
    compare (journal, path, "patient CF", by_cf, KEYS);
    compare (journal, path, "X-CART-id", by_cart, KEYS);
    compare (journal, path, "date range (30 days)", by_range, KEYS);
    compare (journal, path, "free text (--search)", by_text, KEYS);
  }

  g_clear_object (&journal);
  for (int i = 0; i < PDFS; i++)
    {
      g_bytes_unref (pdfs[i]);
      g_free (pdf_hashes[i]);
    }
  if (!keep)
    {
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (path);
      g_remove (wal);
      g_remove (shm);
      if (dir_option == NULL)
        g_rmdir (dir);
    }
  else
    printf ("kept %s\n", path);
  g_free (dir_option);
  return 0;
}
