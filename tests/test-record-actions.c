/* test-record-actions.c: acting on a sent document from its call details
 *
 * One application and window in a throwaway home (config and data
 * folders), no D-Bus session (no keyring is touched), the sandbox started
 * by the application. In order: a PSS is sent from the Send page; from its
 * record the status is checked (events shown, poll kept by the journal),
 * the document is obscured (P99, an access update), replaced by a new
 * version (wrong patient and same id refused first), and the replacement
 * deleted after the confirmation; then nothing more is offered for it.
 * Every step is drawn and saved as a PNG.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sintesi-application.h"
#include "sintesi-cf.h"
#include "sintesi-history-page.h"
#include "sintesi-journal-search.h"
#include "sintesi-pss-builder.h"
#include "sintesi-record-window.h"
#include "sintesi-sandbox.h"
#include "sintesi-send-page.h"
#include "sintesi-window.h"
#include "sintesi-test-gui.h"
#include "sintesi-test-util.h"

#define ID_ROOT "2.16.840.1.113883.2.9.2.90.4.4^"

static SintesiApplication *application;
static SintesiWindow *window;
static SintesiRecordWindow *details;
static const char *home;
static char *patient_cf;
static char *first_document_id;
static char *replacement_document_id;

/* Draws a window once it settled (the answer scrolled into view), keeps
 * the PNG. */
static void
screenshot_of (GtkWidget  *shown,
               const char *name)
{
  sintesi_test_gui_pause_ms (300);
  sintesi_test_gui_screenshot (shown, name);
}

static gpointer
child (const char *name)
{
  return sintesi_test_gui_template_child (GTK_WIDGET (window), SINTESI_TYPE_WINDOW, name);
}

static gpointer
send_child (const char *name)
{
  return sintesi_test_gui_template_child (child ("send_page"), SINTESI_TYPE_SEND_PAGE, name);
}

static GtkWidget *
details_child (const char *name)
{
  return sintesi_test_gui_template_child (GTK_WIDGET (details), SINTESI_TYPE_RECORD_WINDOW, name);
}

static SintesiJournal *
journal (void)
{
  g_autoptr(GError) error = NULL;
  SintesiJournal *journal = sintesi_application_get_journal (application, &error);

  g_assert_no_error (error);
  return journal;
}

static gboolean
send_done (void)
{
  return !sintesi_send_page_is_sending (child ("send_page"));
}

static gboolean
details_done (void)
{
  return !sintesi_record_window_is_busy (details);
}

/* Opens the newest call of the history, as a double-click would. */
static void
open_newest_record (void)
{
  SintesiHistoryPage *history = child ("history_page");
  GtkWidget *list_box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "list_box"));
  GtkWidget *newest;

  if (details != NULL)
    gtk_window_destroy (GTK_WINDOW (details));
  sintesi_window_show_page (window, "history");
  newest = gtk_widget_get_first_child (list_box);
  g_assert_true (GTK_IS_LIST_BOX_ROW (newest));
  g_signal_emit_by_name (list_box, "row-activated", newest);
  details = SINTESI_RECORD_WINDOW (sintesi_test_gui_find_toplevel (SINTESI_TYPE_RECORD_WINDOW, NULL));
  g_assert_nonnull (details);
  g_object_add_weak_pointer (G_OBJECT (details), (gpointer *) &details);
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (details));
}

static gboolean
action_enabled (const char *action)
{
  GtkWidget *row = details_child (action);

  return gtk_widget_get_visible (row) && gtk_widget_get_sensitive (row);
}

static void
assert_document_actions (gboolean offered)
{
  g_assert_cmpint (action_enabled ("update_metadata_row"), ==, offered);
  g_assert_cmpint (action_enabled ("replace_row"), ==, offered);
  g_assert_cmpint (action_enabled ("delete_row"), ==, offered);
  /* Not even through the keyboard or an accelerator. */
  if (!offered)
    {
      gtk_widget_activate_action (GTK_WIDGET (details), "record.delete", NULL);
      g_assert_null (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
    }
}

static guint
history_count (void)
{
  return sintesi_history_page_get_n_shown (child ("history_page"));
}

static void
test_sandbox_starts (void)
{
  g_assert_true (sintesi_test_gui_wait_until (sintesi_test_gui_sandbox_settled, 180));
  g_assert_no_error ((GError *) sintesi_application_get_sandbox_error (application));
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), ==, SINTESI_SANDBOX_STATE_RUNNING);
}

static void
test_send (void)
{
  char cf[17] = "BNCGVN75C12F205";

  cf[15] = sintesi_cf_check_character (cf);
  patient_cf = g_strdup (cf);
  gtk_editable_set_text (send_child ("cf_row"), patient_cf);
  g_assert_true (gtk_widget_activate_action (child ("send_page"), "send.use-example", NULL));
  g_assert_true (gtk_widget_activate_action (child ("send_page"), "send.send", NULL));
  g_assert_true (sintesi_test_gui_wait_until (send_done, 180));
  g_assert_cmpstr (gtk_label_get_label (send_child ("result_title")), ==, "Accepted by the gateway");
  first_document_id = g_strdup (gtk_label_get_label (send_child ("document_id_label")));
  g_test_message ("sent %s", first_document_id);
  g_assert_cmpuint (history_count (), ==, 1);
}

static void
test_check_status (void)
{
  g_autoptr(GPtrArray) polls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJournalRecord) create = NULL;
  gint64 create_id;

  open_newest_record ();
  g_assert_cmpstr (sintesi_record_window_get_value (details, "identificativoDoc"), ==, first_document_id);
  create_id = g_ascii_strtoll (sintesi_record_window_get_value (details, "Journal record"), NULL, 10);
  create = sintesi_journal_get_record (journal (), create_id, &error);
  g_assert_no_error (error);

  /* A current document: every action is offered. */
  g_assert_true (action_enabled ("check_status_row"));
  assert_document_actions (TRUE);
  g_test_message ("state: %s", adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (details_child ("actions_group"))));
  screenshot_of (GTK_WIDGET (details), "record-actions");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "record.check-status", NULL));
  g_assert_true (sintesi_record_window_is_busy (details));
  /* No second request while one is out. */
  g_assert_false (action_enabled ("check_status_row"));
  g_assert_true (sintesi_test_gui_wait_until (details_done, 120));

  g_test_message ("status: %s", sintesi_record_window_get_result_value (details, "Title"));
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "Title"), ==, "Status received");
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "HTTP status"), ==, "200");
  g_assert_nonnull (sintesi_record_window_get_result_value (details, "X-CART-id"));
  g_assert_nonnull (sintesi_record_window_get_result_value (details, "traceID"));
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "workflowInstanceId"), ==, create->workflow_instance_id);
  g_test_message ("%u status events", sintesi_record_window_get_n_events (details));
  g_assert_cmpuint (sintesi_record_window_get_n_events (details), >, 0);
  g_assert_true (gtk_widget_get_visible (details_child ("events_group")));

  /* The journal keeps the answer as a poll of the call it is about, and
   * the status request itself is listed in the history. */
  polls = sintesi_journal_get_status_polls (journal (), create_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (polls->len, ==, 1);
  g_assert_cmpuint (((SintesiJournalStatusPoll *) g_ptr_array_index (polls, 0))->http_status, ==, 200);
  g_assert_cmpuint (history_count (), ==, 2);
  screenshot_of (GTK_WIDGET (details), "record-status");
}

/* Whether one of the tokens recorded with the call claims purpose. */
static gboolean
tokens_claim (const char *headers,
              const char *purpose)
{
  g_auto(GStrv) lines = g_strsplit (headers, "\r\n", -1);
  g_autofree char *needle = g_strdup_printf ("\"purpose_of_use\":\"%s\"", purpose);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *token = strstr (lines[i], "ey");
      g_auto(GStrv) parts = NULL;
      g_autoptr(GString) payload = NULL;
      g_autofree guchar *json = NULL;
      gsize length;

      if (token == NULL || (parts = g_strsplit (token, ".", 3)) == NULL || g_strv_length (parts) != 3)
        continue;
      payload = g_string_new (parts[1]);
      g_strdelimit (payload->str, "-", '+');
      g_strdelimit (payload->str, "_", '/');
      while (payload->len % 4 != 0)
        g_string_append_c (payload, '=');
      json = g_base64_decode (payload->str, &length);
      if (json != NULL && g_strstr_len ((char *) json, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_update_metadata (void)
{
  SintesiJournalQuery query = { 0 };
  g_autoptr(GPtrArray) updates = NULL;
  g_autoptr(SintesiJournalRecord) update = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  GtkWidget *obscure;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "record.update-metadata", NULL));
  dialog = sintesi_test_gui_find_toplevel (ADW_TYPE_WINDOW, "metadata_dialog");
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (details));
  obscure = sintesi_test_gui_find_named (GTK_WIDGET (dialog), "obscure_switch");
  g_assert_nonnull (obscure);
  /* Nothing obscured it yet. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (obscure)));
  gtk_switch_set_active (GTK_SWITCH (obscure), TRUE);
  screenshot_of (GTK_WIDGET (dialog), "record-update-metadata");
  g_signal_emit_by_name (sintesi_test_gui_find_named (GTK_WIDGET (dialog), "send_button"), "clicked");
  g_assert_null (sintesi_test_gui_find_toplevel (ADW_TYPE_WINDOW, "metadata_dialog"));
  g_assert_true (sintesi_test_gui_wait_until (details_done, 120));

  g_test_message ("update: %s", sintesi_record_window_get_result_value (details, "Title"));
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "Title"), ==, "Metadata updated");
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "HTTP status"), ==, "200");
  g_assert_nonnull (sintesi_record_window_get_result_value (details, "X-CART-id"));
  g_assert_cmpuint (history_count (), ==, 3);
  screenshot_of (GTK_WIDGET (details), "record-metadata-updated");

  /* The journal has the update, answered, with P99 in its body and an
   * ACCESS UPDATE purpose in its tokens (D10). */
  query.document_id = first_document_id;
  updates = sintesi_journal_search (journal (), &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (updates->len, ==, 2);
  g_assert_cmpint (((SintesiJournalRecord *) g_ptr_array_index (updates, 0))->operation, ==, SINTESI_JOURNAL_OPERATION_UPDATE_METADATA);
  update = sintesi_journal_get_record (journal (), ((SintesiJournalRecord *) g_ptr_array_index (updates, 0))->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (update->state, ==, SINTESI_JOURNAL_STATE_ANSWERED);
  g_assert_cmpuint (update->http_status, ==, 200);
  g_assert_nonnull (strstr (update->request_body, "\"attiCliniciRegoleAccesso\":[\"P99\"]"));
  g_assert_true (tokens_claim (update->request_headers, "ACCESS UPDATE"));

  /* Opened again, the dialog shows the document obscured; cancelling
   * sends nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "record.update-metadata", NULL));
  dialog = sintesi_test_gui_find_toplevel (ADW_TYPE_WINDOW, "metadata_dialog");
  g_assert_nonnull (dialog);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sintesi_test_gui_find_named (GTK_WIDGET (dialog), "obscure_switch"))));
  gtk_window_destroy (dialog);
  g_assert_false (sintesi_record_window_is_busy (details));
  g_assert_cmpuint (history_count (), ==, 3);
}

/* A new version of the example, for patient cf, as a CDA file. */
static GFile *
write_example (const char *cf,
               const char *extension)
{
  g_autoptr(SintesiPssModel) model = sintesi_pss_model_new_example (cf, "MNZLSN99E05F205J", extension, "20261127120000+0100");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cda = sintesi_pss_build (model, &error);
  g_autofree char *name = g_strconcat (extension, ".xml", NULL);
  g_autofree char *path = g_build_filename (home, name, NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (cda, NULL), (gssize) g_bytes_get_size (cda), NULL));
  return g_file_new_for_path (path);
}

static void
test_replace (void)
{
  g_autoptr(GFile) other_patient = write_example ("RSSMRA80A01H501U", "090201.PSS.201.SINTESI951");
  g_autoptr(GFile) same_id = NULL;
  g_autoptr(GFile) new_version = write_example (patient_cf, "090201.PSS.201.SINTESI950");
  g_autoptr(GError) error = NULL;
  const char *description;

  /* Another patient's document, or the same id, is refused before
   * anything is signed or recorded. */
  g_assert_false (sintesi_record_window_replace_with_file (details, other_patient, &error));
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "is about patient RSSMRA80A01H501U"));
  g_clear_error (&error);
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "Title"), ==, "Not sent");
  same_id = write_example (patient_cf, strchr (first_document_id, '^') + 1);
  g_assert_false (sintesi_record_window_replace_with_file (details, same_id, &error));
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "new ClinicalDocument/id"));
  g_clear_error (&error);
  sintesi_history_page_reload (child ("history_page"));
  g_assert_cmpuint (history_count (), ==, 3);
  screenshot_of (GTK_WIDGET (details), "record-replace-refused");

  g_assert_true (sintesi_record_window_replace_with_file (details, new_version, &error));
  g_assert_no_error (error);
  g_assert_true (sintesi_test_gui_wait_until (details_done, 180));
  g_test_message ("replace: %s", sintesi_record_window_get_result_value (details, "Title"));
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "Title"), ==, "Replacement accepted by the gateway");
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "HTTP status"), ==, "202");
  replacement_document_id = g_strdup (sintesi_record_window_get_result_value (details, "New identificativoDoc"));
  g_assert_cmpstr (replacement_document_id, ==, ID_ROOT "090201.PSS.201.SINTESI950");
  g_assert_cmpuint (history_count (), ==, 4);

  /* The old document is now only to be looked at. */
  assert_document_actions (FALSE);
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (details_child ("actions_group")));
  g_test_message ("state: %s", description);
  g_assert_nonnull (strstr (description, "was replaced by " ID_ROOT "090201.PSS.201.SINTESI950"));
  screenshot_of (GTK_WIDGET (details), "record-replaced");
}

/* As a click on one of its buttons: the response, then the dialog closes. */
static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
}

static void
test_delete_replacement (void)
{
  g_autoptr(SintesiJournalDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  const char *description;

  /* The newest call is the replacement: its document is current. */
  open_newest_record ();
  g_assert_cmpstr (sintesi_record_window_get_value (details, "identificativoDoc"), ==, replacement_document_id);
  g_assert_cmpstr (sintesi_record_window_get_value (details, "Replaces"), ==, first_document_id);
  assert_document_actions (TRUE);

  /* Cancelling the confirmation deletes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "record.delete", NULL));
  dialog = ADW_MESSAGE_DIALOG (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete This Document?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be undone"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  screenshot_of (GTK_WIDGET (dialog), "record-delete-confirm");
  answer (dialog, "cancel");
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (details));
  g_assert_false (sintesi_record_window_is_busy (details));
  g_assert_cmpuint (history_count (), ==, 4);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "record.delete", NULL));
  dialog = ADW_MESSAGE_DIALOG (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  answer (dialog, "delete");
  g_assert_true (sintesi_record_window_is_busy (details));
  g_assert_true (sintesi_test_gui_wait_until (details_done, 120));
  g_test_message ("delete: %s", sintesi_record_window_get_result_value (details, "Title"));
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "Title"), ==, "Document deleted");
  g_assert_cmpstr (sintesi_record_window_get_result_value (details, "HTTP status"), ==, "200");
  g_assert_nonnull (sintesi_record_window_get_result_value (details, "X-CART-id"));
  g_assert_cmpuint (history_count (), ==, 5);

  document = sintesi_journal_get_document (journal (), replacement_document_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (document->state, ==, SINTESI_JOURNAL_DOCUMENT_DELETED);

  /* Deleted: nothing more is offered for it, here or when its record is
   * opened again. */
  assert_document_actions (FALSE);
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (details_child ("actions_group")));
  g_assert_nonnull (strstr (description, "was deleted"));
  screenshot_of (GTK_WIDGET (details), "record-deleted");

  open_newest_record ();
  g_assert_cmpstr (sintesi_record_window_get_value (details, "identificativoDoc"), ==, replacement_document_id);
  assert_document_actions (FALSE);
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (details_child ("actions_group"))),
                            "was deleted"));
  screenshot_of (GTK_WIDGET (details), "record-deleted-reopened");
  gtk_window_destroy (GTK_WINDOW (details));
}

static void
test_no_answer (void)
{
  SintesiSandbox *sandbox = sintesi_application_get_sandbox (application);
  g_autoptr(GError) error = NULL;
  guint calls;

  /* The connection drops before the answer: the call may or may not have
   * reached the gateway. Its record offers the status check and nothing
   * else, and nothing is sent again by itself. */
  g_assert_true (gtk_widget_activate_action (child ("send_page"), "send.use-example", NULL));
  g_assert_true (sintesi_sandbox_inject_fault (sandbox, "reset", &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (child ("send_page"), "send.send", NULL));
  g_assert_true (sintesi_test_gui_wait_until (send_done, 180));
  g_assert_true (sintesi_sandbox_inject_fault (sandbox, NULL, NULL));
  g_test_message ("send: %s", gtk_label_get_label (send_child ("result_title")));
  g_assert_cmpstr (gtk_label_get_label (send_child ("result_title")), ==, "No complete answer from the gateway");
  calls = history_count ();
  g_assert_cmpuint (calls, ==, 6);

  open_newest_record ();
  g_assert_cmpstr (sintesi_record_window_get_value (details, "Outcome"), ==, "No answer");
  assert_document_actions (FALSE);
  g_assert_true (g_str_has_prefix (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (details_child ("actions_group"))),
                                   "No answer came for this call"));
  /* The status cannot be asked without the answer's workflowInstanceId:
   * the row says so and is off. */
  g_assert_true (gtk_widget_get_visible (details_child ("check_status_row")));
  g_assert_false (action_enabled ("check_status_row"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (details_child ("check_status_row"))),
                                   "Not possible for this call"));
  gtk_widget_activate_action (GTK_WIDGET (details), "record.check-status", NULL);
  g_assert_false (sintesi_record_window_is_busy (details));
  g_assert_cmpuint (history_count (), ==, calls);
  screenshot_of (GTK_WIDGET (details), "record-no-answer");
  gtk_window_destroy (GTK_WINDOW (details));
}

int
main (int argc, char **argv)
{
  int status;

  if (!sintesi_test_gui_init (&argc, &argv, "/record-actions/sandbox-starts"))
    return g_test_run ();
  home = sintesi_test_gui_setup_home ();

  window = sintesi_test_gui_open_window (&application);

  g_test_add_func ("/record-actions/sandbox-starts", test_sandbox_starts);
  g_test_add_func ("/record-actions/send", test_send);
  g_test_add_func ("/record-actions/check-status", test_check_status);
  g_test_add_func ("/record-actions/update-metadata", test_update_metadata);
  g_test_add_func ("/record-actions/replace", test_replace);
  g_test_add_func ("/record-actions/delete-replacement", test_delete_replacement);
  g_test_add_func ("/record-actions/no-answer", test_no_answer);
  status = g_test_run ();

  if (details != NULL)
    gtk_window_destroy (GTK_WINDOW (details));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&application);
  g_free (patient_cf);
  g_free (first_document_id);
  g_free (replacement_document_id);
  sintesi_test_gui_teardown_home ();
  return status;
}
