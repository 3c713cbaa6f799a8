/* journal-crash-helper.c: a sender that test-journal-crash kills (SIGKILL)
 *
 *   journal-crash-helper prepare JOURNAL      prepare a create, print
 *                                             "PREPARED <id> <progressive> <document id>", block
 *   journal-crash-helper answer JOURNAL CART  prepare, record the request and an
 *                                             answer with X-CART-id CART, print
 *                                             "ANSWERED <id>" after the commit, block
 *   journal-crash-helper loop JOURNAL         prepare creates forever, printing
 *                                             "PREPARED <id> <progressive> …" after each commit
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sintesi-journal.h"

#define PREFIX "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI"

static gint64
prepare_create (SintesiJournal *journal)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *document_id = NULL;
  gint64 progressive = 0;
  SintesiJournalDraft draft = {
    .profile = "dott-rossi",
    .operation = SINTESI_JOURNAL_OPERATION_CREATE,
    .environment = SINTESI_ENVIRONMENT_SANDBOX,
    .patient_cf = "RSSMRA80A01H501U",
    .document_id_prefix = PREFIX,
    .solution = "SINTESI",
  };
  gint64 id = sintesi_journal_prepare (journal, &draft, NULL, &progressive, &document_id, &error);

  if (id == 0)
    {
      fprintf (stderr, "prepare: %s\n", error->message);
      exit (3);
    }
  /* Only now, after the commit, does the caller learn of the record. */
  printf ("PREPARED %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s\n", id, progressive, document_id);
  fflush (stdout);
  return id;
}

/* Like a call whose gateway never answers; only a kill ends it. */
static void
block_forever (void)
{
  for (;;)
    g_usleep (G_USEC_PER_SEC);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournal) journal = NULL;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s prepare|answer|loop JOURNAL [X-CART-ID]\n", argv[0]);
      return 2;
    }
  journal = sintesi_journal_open (argv[2], &error);
  if (journal == NULL)
    {
      fprintf (stderr, "open: %s\n", error->message);
      return 3;
    }

  if (strcmp (argv[1], "prepare") == 0)
    {
      g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.7 crash", 14);
      SintesiJournalRequest request = {
        .method = "POST",
        .url = "https://127.0.0.1:9/gateway/v2/documents/validate-and-create",
        .headers = "Authorization: Bearer a.b.c\r\n",
        .body = "{\"mode\":\"ATTACHMENT\"}",
        .pdf = pdf,
      };
      gint64 id = prepare_create (journal);

      if (!sintesi_journal_record_request (journal, id, &request, &error))
        {
          fprintf (stderr, "request: %s\n", error->message);
          return 3;
        }
      printf ("SENDING %" G_GINT64_FORMAT "\n", id);
      fflush (stdout);
      block_forever ();  /* the gateway hangs */
    }
  else if (strcmp (argv[1], "answer") == 0 && argc == 4)
    {
      SintesiJournalAnswer answer = {
        .http_status = 202,
        .headers = "HTTP/1.1 202 Accepted\r\n",
        .x_cart_id = argv[3],
        .trace_id = "0123456789abcdef",
        .workflow_instance_id = "wii^^^^urn:ihe:iti:xdw:2013:workflowInstanceId",
      };
      SintesiJournalRequest request = { .method = "POST", .body = "{}" };
      gint64 id = prepare_create (journal);

      if (!sintesi_journal_record_request (journal, id, &request, &error) ||
          !sintesi_journal_record_answer (journal, id, &answer, &error))
        {
          fprintf (stderr, "answer: %s\n", error->message);
          return 3;
        }
      printf ("ANSWERED %" G_GINT64_FORMAT "\n", id);
      fflush (stdout);
      block_forever ();
    }
  else if (strcmp (argv[1], "loop") == 0)
    {
      for (;;)
        prepare_create (journal);
    }

  fprintf (stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
