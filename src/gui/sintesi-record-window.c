/* sintesi-record-window.c: everything the journal knows of one call, and
 * what can still be done with its document
 *
 * Opened from the history. Every identifier a help desk may ask for
 * (X-CART-id first) has a copy button, since labels in rows cannot be
 * selected with libadwaita 1.2.
 *
 * The journal says what became of the document (current, replaced,
 * deleted): only what makes sense for that state is offered, and only
 * once the last call about it has a known outcome. Each request is one
 * sintesi_submission_send() through the shared submission task; its
 * answer is shown here and the history is told. Nothing is ever sent
 * again by itself.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sintesi-cda.h"
#include "sintesi-file-chooser.h"
#include "sintesi-gui-labels.h"
#include "sintesi-journal-search.h"
#include "sintesi-metadata-dialog.h"
#include "sintesi-pdf.h"
#include "sintesi-record-window.h"
#include "sintesi-submission-task.h"

struct _SintesiRecordWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkScrolledWindow   *scroller;
  GtkWidget           *groups_box;
  double               scroll_target;  /* where the result was last frame */
  guint                scroll_tick;
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *summary_group;
  AdwPreferencesGroup *ids_group;
  AdwPreferencesGroup *answer_group;
  AdwPreferencesGroup *actions_group;
  GtkWidget           *check_status_row;
  GtkWidget           *update_metadata_row;
  GtkWidget           *replace_row;
  GtkWidget           *delete_row;
  AdwPreferencesGroup *result_group;
  AdwActionRow        *result_row;
  GtkStack            *result_icon_stack;
  GtkSpinner          *result_spinner;
  GtkImage            *result_icon;
  AdwPreferencesGroup *events_group;

  GHashTable          *values;         /* field title → value shown */
  GHashTable          *result_values;  /* the same, for the last request */
  GPtrArray           *result_rows;    /* rows of result_group after result_row */
  GPtrArray           *event_rows;
  guint                n_events;

  SintesiApplication  *application;    /* not owned: outlives its windows */
  SintesiProfile      *profile;        /* the active one, when it made the call */
  SintesiJournalRecord *record;
  SintesiJournalDocument *document;    /* NULL: the call names no document */
  char                *lookup_id;      /* workflowInstanceId to ask the status of */
  char                *blocked_reason; /* why the profile cannot act, or NULL */

  SintesiGatewayOperation operation;   /* of the request on its way or last made */
  SintesiSubmission   *pending;        /* waits for the passphrase */
  GCancellable        *cancellable;
  gboolean             busy;
  gboolean             disposed;
  GtkNativeDialog     *chooser;
  GtkWindow           *dialog;         /* the metadata or delete dialog, weak */
  AdwMessageDialog    *passphrase_dialog;  /* weak */
};

enum {
  CALL_MADE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SintesiRecordWindow, sintesi_record_window, ADW_TYPE_WINDOW)

static GtkWidget *
value_row_new (const char *title,
               const char *value,
               gboolean    copyable)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (copyable)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      g_autofree char *tooltip = g_strdup_printf (_("Copy the %s"), title);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "record.copy");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (value));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static gboolean
add_row (SintesiRecordWindow *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value,
         gboolean             copyable)
{
  if (value == NULL || value[0] == '\0')
    return FALSE;
  adw_preferences_group_add (group, value_row_new (title, value, copyable));
  g_hash_table_insert (self->values, g_strdup (title), g_strdup (value));
  return TRUE;
}

static void
add_result_row (SintesiRecordWindow *self,
                const char          *title,
                const char          *value,
                gboolean             copyable)
{
  GtkWidget *row;

  if (value == NULL || value[0] == '\0')
    return;
  row = value_row_new (title, value, copyable);
  adw_preferences_group_add (self->result_group, row);
  g_ptr_array_add (self->result_rows, row);
  g_hash_table_insert (self->result_values, g_strdup (title), g_strdup (value));
}

static void
fill (SintesiRecordWindow        *self,
      const SintesiJournalRecord *record)
{
  const char *css_class = NULL;
  g_autofree char *created = sintesi_gui_format_time (record->created_at);
  g_autofree char *answered = record->answered_at != NULL ? sintesi_gui_format_time (record->answered_at) : NULL;
  g_autofree char *status = record->http_status > 0 ? g_strdup_printf ("%u", record->http_status) : NULL;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
  g_autofree char *subtitle = NULL;
  const char *outcome = sintesi_gui_outcome_label (record, &css_class);
  gboolean any_answer = FALSE;

  /* TRANSLATORS: the window subtitle, e.g. "New document · 27/11/2026 13:05" */
  subtitle = g_strdup_printf (_("%s · %s"), sintesi_gui_operation_label (record->operation), created);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  add_row (self, self->summary_group, _("Outcome"), outcome, FALSE);
  if (record->outcome_unknown)
    add_row (self, self->summary_group, _("What this means"),
             _("Sintesi stopped before the answer arrived: the gateway may or may not have received this call. Look up its status before sending the document again."),
             FALSE);
  add_row (self, self->summary_group, _("Patient"), record->patient_cf, TRUE);
  add_row (self, self->summary_group, _("Prepared"), created, FALSE);
  add_row (self, self->summary_group, _("Answered"), answered, FALSE);
  add_row (self, self->summary_group, _("Profile"), record->profile, FALSE);
  add_row (self, self->summary_group, _("Journal record"), number, FALSE);

  add_row (self, self->ids_group, "X-CART-id",
           record->x_cart_id != NULL ? record->x_cart_id
           : record->x_cart_id_missing ? _("Missing from the gateway’s answer") : NULL,
           record->x_cart_id != NULL);
  add_row (self, self->ids_group, "traceID", record->trace_id, TRUE);
  add_row (self, self->ids_group, "workflowInstanceId", record->workflow_instance_id, TRUE);
  add_row (self, self->ids_group, "identificativoDoc", record->document_id, TRUE);
  add_row (self, self->ids_group, _("Replaces"), record->replaces_document_id, TRUE);

  any_answer |= add_row (self, self->answer_group, _("HTTP status"), status, FALSE);
  any_answer |= add_row (self, self->answer_group, _("Warning"), record->warning, FALSE);
  any_answer |= add_row (self, self->answer_group, _("Error"), record->error_title, FALSE);
  any_answer |= add_row (self, self->answer_group, _("Detail"), record->error_detail, TRUE);
  any_answer |= add_row (self, self->answer_group, _("Error type"), record->error_type, FALSE);
  any_answer |= add_row (self, self->answer_group, _("Why there is no answer"), record->failure_message, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->answer_group), any_answer);
}

static void
copy_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

/* ---- What can be done ---- */

static SintesiJournal *
journal_of (SintesiRecordWindow *self)
{
  if (self->application == NULL)
    return NULL;
  return sintesi_application_get_journal (self->application, NULL);
}

/* The workflowInstanceId a status request asks about: the answer's, or
 * for a call whose answer never came, the one its requestBody carried. */
static char *
find_lookup_id (const SintesiJournalRecord *record)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (record->workflow_instance_id != NULL && record->workflow_instance_id[0] != '\0')
    return g_strdup (record->workflow_instance_id);
  if (record->request_body == NULL)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, record->request_body, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "workflowInstanceId"))
    return NULL;
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "workflowInstanceId"));
}

/* Re-reads what the journal says of the document, e.g. after a request. */
static void
refresh_document (SintesiRecordWindow *self)
{
  SintesiJournal *journal = journal_of (self);
  g_autoptr(SintesiJournalRecord) record = NULL;

  g_clear_pointer (&self->document, sintesi_journal_document_free);
  if (journal == NULL)
    return;
  /* The call itself may have been settled meanwhile. */
  record = sintesi_journal_get_record (journal, self->record->id, NULL);
  if (record != NULL)
    {
      sintesi_journal_record_free (self->record);
      self->record = g_steal_pointer (&record);
    }
  if (self->record->document_id != NULL && self->record->operation != SINTESI_JOURNAL_OPERATION_STATUS)
    self->document = sintesi_journal_get_document (journal, self->record->document_id, NULL);
  g_free (self->lookup_id);
  self->lookup_id = find_lookup_id (self->record);
}

/* A call that got no answer may have reached the gateway anyway. */
static gboolean
unanswered (SintesiRecordWindow *self)
{
  return self->record->state == SINTESI_JOURNAL_STATE_FAILED &&
         self->record->operation != SINTESI_JOURNAL_OPERATION_STATUS;
}

static gboolean
outcome_unsettled (SintesiRecordWindow *self)
{
  return self->record->outcome_unknown || unanswered (self) ||
         (self->document != NULL && self->document->unsettled_record_id != 0);
}

static gboolean
document_is_current (SintesiRecordWindow *self)
{
  return self->document != NULL && self->document->state == SINTESI_JOURNAL_DOCUMENT_CURRENT;
}

/* What the physician reads above the actions: the document's state. */
static char *
describe_state (SintesiRecordWindow *self)
{
  if (self->blocked_reason != NULL)
    return g_strdup (self->blocked_reason);
  if (unanswered (self))
    return g_strdup (_("No answer came for this call: the gateway may or may not have received it. Find out before doing anything else with this document."));
  if (outcome_unsettled (self))
    return g_strdup (_("A call about this document has no known outcome: check its status before anything else."));
  if (self->record->operation == SINTESI_JOURNAL_OPERATION_STATUS || self->document == NULL)
    return g_strdup (_("A status request changes nothing in the patient’s record."));
  switch (self->document->state)
    {
    case SINTESI_JOURNAL_DOCUMENT_CURRENT:
      return g_strdup (_("This document is in the patient’s record. A change is a new call to the gateway, kept in the history."));
    case SINTESI_JOURNAL_DOCUMENT_REPLACED:
      /* TRANSLATORS: %s is the identificativoDoc of the new version */
      return g_strdup_printf (_("This document was replaced by %s: it can only be looked at."),
                              self->document->replaced_by_document_id != NULL ? self->document->replaced_by_document_id : "?");
    case SINTESI_JOURNAL_DOCUMENT_DELETED:
      return g_strdup (_("This document was deleted from the patient’s record: it can only be looked at."));
    case SINTESI_JOURNAL_DOCUMENT_NOT_ACCEPTED:
    default:
      return g_strdup (_("The gateway has not accepted this document, so there is nothing to change. Once the reason is clear, send it again from the Send page."));
    }
}

static void
update_actions (SintesiRecordWindow *self)
{
  gboolean ready = !self->busy && self->blocked_reason == NULL && self->profile != NULL &&
                   self->application != NULL &&
                   sintesi_submission_task_sandbox_ready (self->application, self->profile);
  gboolean can_status = self->lookup_id != NULL && self->blocked_reason == NULL;
  /* Without the answer there is no workflowInstanceId to ask about: the
   * row stays, off, and says so, since that is the first thing a
   * physician would look for. */
  gboolean status_missing = self->lookup_id == NULL && outcome_unsettled (self);
  gboolean can_change = document_is_current (self) && !outcome_unsettled (self) &&
                        self->blocked_reason == NULL;
  g_autofree char *state = describe_state (self);

  gtk_widget_set_visible (self->check_status_row, can_status || status_missing);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->check_status_row),
                               can_status ? _("Ask the gateway what it did with this call.")
                               : _("Not possible for this call: the workflowInstanceId to ask about comes with the gateway’s answer, which never arrived. The gateway’s help desk can trace the call by its time and identificativoDoc."));
  gtk_widget_set_visible (self->update_metadata_row, can_change);
  gtk_widget_set_visible (self->replace_row, can_change);
  gtk_widget_set_visible (self->delete_row, can_change);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.check-status", ready && can_status);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.update-metadata", ready && can_change);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.replace", ready && can_change);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.delete", ready && can_change);
  adw_preferences_group_set_description (self->actions_group, state);
}

/* ---- The answer ---- */

static void
clear_result (SintesiRecordWindow *self)
{
  for (guint i = 0; i < self->result_rows->len; i++)
    adw_preferences_group_remove (self->result_group, g_ptr_array_index (self->result_rows, i));
  g_ptr_array_set_size (self->result_rows, 0);
  g_hash_table_remove_all (self->result_values);
}

/* The answer is what the physician waits for: bring it into view once it
 * has its place in the layout. */
static gboolean
scroll_to_result_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (widget);
  GtkWidget *result = GTK_WIDGET (self->result_group);
  double top;

  if (!gtk_widget_get_visible (result))
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (!sintesi_submission_task_result_top (self->scroller, self->groups_box, result, &top))
    return G_SOURCE_CONTINUE;
  /* Rows above may come and go with the same answer: wait until the
   * layout holds still for a frame. */
  if (G_APPROX_VALUE (top, self->scroll_target, 0.5))
    {
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), top - 12);
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  self->scroll_target = top;
  return G_SOURCE_CONTINUE;
}

static void
set_result_heading (SintesiRecordWindow *self,
                    const char          *icon_name,
                    const char          *css_class,
                    const char          *title,
                    const char          *description)
{
  sintesi_submission_task_set_icon (self->result_icon, icon_name, css_class);
  gtk_stack_set_visible_child_name (self->result_icon_stack, icon_name != NULL ? "icon" : "spinner");
  gtk_spinner_set_spinning (self->result_spinner, icon_name == NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->result_row), title);
  adw_action_row_set_subtitle (self->result_row, description != NULL ? description : "");
  g_hash_table_insert (self->result_values, g_strdup ("Title"), g_strdup (title));
  gtk_widget_set_visible (GTK_WIDGET (self->result_group), TRUE);
  self->scroll_target = -1;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_result_cb, NULL, NULL);
}

static void
clear_events (SintesiRecordWindow *self)
{
  for (guint i = 0; i < self->event_rows->len; i++)
    adw_preferences_group_remove (self->events_group, g_ptr_array_index (self->event_rows, i));
  g_ptr_array_set_size (self->event_rows, 0);
  self->n_events = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->events_group), FALSE);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
show_events (SintesiRecordWindow *self,
             JsonNode            *events)
{
  JsonArray *array = events != NULL && JSON_NODE_HOLDS_ARRAY (events) ? json_node_get_array (events) : NULL;

  clear_events (self);
  if (array == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *event = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = event != NULL ? member_string (event, "eventType") : NULL;
      const char *status = event != NULL ? member_string (event, "eventStatus") : NULL;
      const char *date = event != NULL ? member_string (event, "eventDate") : NULL;
      g_autofree char *when = date != NULL ? sintesi_gui_format_time (date) : NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      GtkWidget *badge;

      if (event == NULL)
        continue;
      subtitle = g_strdup (when != NULL ? when : "");
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), type != NULL ? type : "—");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (status != NULL)
        {
          badge = gtk_label_new (status);
          gtk_widget_add_css_class (badge, "outcome");
          gtk_widget_add_css_class (badge, g_ascii_strcasecmp (status, "SUCCESS") == 0 ? "success" : "warning");
          gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
        }
      adw_preferences_group_add (self->events_group, row);
      g_ptr_array_add (self->event_rows, row);
      self->n_events++;
    }
  if (self->n_events == 0)
    {
      GtkWidget *row = value_row_new (_("No events"), _("The gateway knows no event for this call yet."), FALSE);

      adw_preferences_group_add (self->events_group, row);
      g_ptr_array_add (self->event_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->events_group), TRUE);
}

static void
show_refusal (SintesiRecordWindow *self,
              const GError        *error)
{
  const char *icon_name, *css_class;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  sintesi_submission_task_describe_refusal (error, &icon_name, &css_class, &title, &description);
  clear_result (self);
  set_result_heading (self, icon_name, css_class, title, description);
}

static void
add_answer_field (SintesiAnswerField  field,
                  const char         *title,
                  const char         *value,
                  gboolean            copyable,
                  gpointer            user_data)
{
  add_result_row (user_data, title, value, copyable);
}

static void
show_answer (SintesiRecordWindow     *self,
             SintesiSubmissionResult *result)
{
  SintesiGatewayResponse *response = result->response;
  const char *icon_name = NULL;
  const char *css_class = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  gboolean accepted;

  clear_result (self);
  accepted = sintesi_submission_task_describe (self->operation, result, &icon_name, &css_class, &title, &description);
  set_result_heading (self, icon_name, css_class, title, description);
  sintesi_submission_task_foreach_answer_field (self->operation, result, accepted, self->lookup_id,
                                                add_answer_field, self);

  if (self->operation == SINTESI_GATEWAY_STATUS && response->http_status > 0)
    show_events (self, response->status_events);
}

/* ---- Making a request ---- */

static void
submission_free (SintesiSubmission *submission)
{
  g_clear_object (&submission->profile);
  g_clear_pointer (&submission->cda, g_bytes_unref);
  g_clear_pointer (&submission->pdf, g_bytes_unref);
  g_free ((char *) submission->document_id);
  g_free ((char *) submission->patient_cf);
  g_free ((char *) submission->body_overrides);
  g_free ((char *) submission->lookup_id);
  g_free (submission);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSubmission, submission_free)

static SintesiSubmission *
submission_new (SintesiRecordWindow     *self,
                SintesiGatewayOperation  operation)
{
  SintesiSubmission *submission = g_new0 (SintesiSubmission, 1);

  submission->operation = operation;
  submission->profile = g_object_ref (self->profile);
  if (operation == SINTESI_GATEWAY_STATUS)
    submission->lookup_id = g_strdup (self->lookup_id);
  else
    {
      submission->document_id = g_strdup (self->document->document_id);
      submission->patient_cf = g_strdup (self->document->patient_cf);
    }
  return submission;
}

static const char *
waiting_title (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_STATUS:
      return _("Asking the gateway for the status…");
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return _("Updating the metadata…");
    case SINTESI_GATEWAY_REPLACE:
      return _("Sending the new version…");
    case SINTESI_GATEWAY_DELETE:
      return _("Deleting the document…");
    case SINTESI_GATEWAY_CREATE:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
    default:
      return _("Waiting for the gateway…");
    }
}

static void
request_finished (GObject      *object,
                  GAsyncResult *async_result,
                  gpointer      user_data)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (object);
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = sintesi_submission_task_finish (async_result, &error);
  /* The window went away while the call was out: the journal has it. */
  if (self->disposed)
    return;
  self->busy = FALSE;
  g_clear_object (&self->cancellable);
  if (result == NULL)
    show_refusal (self, error);
  else
    show_answer (self, result);
  refresh_document (self);
  update_actions (self);
  if (result != NULL)
    g_signal_emit (self, signals[CALL_MADE], 0, result->journal_id);
}

static void
start_request (SintesiRecordWindow *self,
               SintesiSubmission   *submission)
{
  self->busy = TRUE;
  self->operation = submission->operation;
  self->cancellable = g_cancellable_new ();
  clear_result (self);
  clear_events (self);
  set_result_heading (self, NULL, NULL, waiting_title (submission->operation),
                      _("The call is on record in the history before it leaves."));
  update_actions (self);
  sintesi_submission_task_run (self, self->application, submission, self->cancellable, request_finished, NULL);
}

static void
passphrase_given_cb (gpointer user_data)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (user_data);
  g_autoptr(SintesiSubmission) submission = g_steal_pointer (&self->pending);

  if (submission != NULL && !self->busy)
    start_request (self, submission);
}

/* Takes submission. Asks for the passphrase first when the keys need it. */
static void
request (SintesiRecordWindow *self,
         SintesiSubmission   *submission)
{
  g_autoptr(SintesiSubmission) owned = submission;

  if (self->busy)
    return;
  if (!sintesi_submission_task_needs_passphrase (self->application, self->profile))
    {
      start_request (self, owned);
      return;
    }
  g_clear_pointer (&self->pending, submission_free);
  self->pending = g_steal_pointer (&owned);
  if (self->passphrase_dialog == NULL)
    g_set_weak_pointer (&self->passphrase_dialog,
                        sintesi_submission_task_ask_passphrase (GTK_WIDGET (self), self->application, self->profile,
                                                                _("_Unlock and Send"), passphrase_given_cb, self));
}

static void
check_status_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (widget);

  if (self->lookup_id != NULL)
    request (self, submission_new (self, SINTESI_GATEWAY_STATUS));
}

/* ---- Update metadata ---- */

/* Whether the last accepted metadata of the document carry P99: the
 * latest accepted update's body, else the body it was published with. */
static gboolean
document_is_obscured (SintesiRecordWindow *self)
{
  SintesiJournal *journal = journal_of (self);
  gint64 id = self->document->last_metadata_record_id != 0 ? self->document->last_metadata_record_id
                                                           : self->document->origin_record_id;
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *rules;

  if (journal == NULL || id == 0 || (record = sintesi_journal_get_record (journal, id, NULL)) == NULL ||
      record->request_body == NULL || !json_parser_load_from_data (parser, record->request_body, -1, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  rules = json_object_get_member (json_node_get_object (root), "attiCliniciRegoleAccesso");
  if (rules == NULL || !JSON_NODE_HOLDS_ARRAY (rules))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (rules)); i++)
    {
      JsonNode *code = json_array_get_element (json_node_get_array (rules), i);

      if (JSON_NODE_HOLDS_VALUE (code) && json_node_get_value_type (code) == G_TYPE_STRING &&
          g_ascii_strcasecmp (json_node_get_string (code), "P99") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
metadata_send_cb (SintesiMetadataDialog *dialog,
                  SintesiRecordWindow   *self)
{
  gboolean was_obscured = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "sintesi-was-obscured"));
  gboolean obscured = sintesi_metadata_dialog_get_obscured (dialog);
  g_autofree char *assetto = sintesi_metadata_dialog_dup_assetto (dialog);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  SintesiSubmission *submission;

  if (!document_is_current (self))
    return;

  /* The obscuring is always stated, so the update never undoes it by
   * leaving it out. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "attiCliniciRegoleAccesso");
  json_builder_begin_array (builder);
  if (obscured)
    json_builder_add_string_value (builder, "P99");
  json_builder_end_array (builder);
  if (assetto[0] != '\0' && g_strcmp0 (assetto, sintesi_profile_get_assetto_organizzativo (self->profile)) != 0)
    {
      json_builder_set_member_name (builder, "assettoOrganizzativo");
      json_builder_add_string_value (builder, assetto);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  submission = submission_new (self, SINTESI_GATEWAY_UPDATE_METADATA);
  submission->body_overrides = json_to_string (body, FALSE);
  /* Changing the obscuring is an access update (D10). */
  submission->access_update = obscured != was_obscured;
  request (self, submission);
}

static void
update_metadata_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (widget);
  SintesiMetadataDialog *dialog;
  gboolean obscured;

  if (self->dialog != NULL || !document_is_current (self))
    return;
  obscured = document_is_obscured (self);
  dialog = sintesi_metadata_dialog_new (GTK_WINDOW (self), obscured,
                                        sintesi_profile_get_assetto_organizzativo (self->profile));
  g_object_set_data (G_OBJECT (dialog), "sintesi-was-obscured", GINT_TO_POINTER (obscured));
  g_signal_connect_object (dialog, "send", G_CALLBACK (metadata_send_cb), self, 0);
  g_set_weak_pointer (&self->dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Replace ---- */

gboolean
sintesi_record_window_replace_with_file (SintesiRecordWindow  *self,
                                         GFile                *file,
                                         GError              **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) cda_xml = NULL;
  g_autoptr(SintesiCda) facts = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *new_id = NULL;
  SintesiSubmission *submission;
  gboolean is_pdf;
  char *contents;
  gsize length;

  g_return_val_if_fail (SINTESI_IS_RECORD_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->busy || !document_is_current (self) || outcome_unsettled (self) || self->profile == NULL)
    {
      g_set_error_literal (error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_INVALID,
                           _("This document cannot be replaced now."));
      return FALSE;
    }

  name = g_file_get_basename (file);
  if (g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    bytes = g_bytes_new_take (contents, length);
  /* What the file is, not what it is called. */
  is_pdf = bytes != NULL && length >= 5 && memcmp (g_bytes_get_data (bytes, NULL), "%PDF-", 5) == 0;
  if (bytes != NULL && is_pdf)
    cda_xml = sintesi_pdf_get_attachment (bytes, "cda.xml", &local_error);
  if (bytes != NULL && (!is_pdf || cda_xml != NULL))
    facts = sintesi_cda_load_bytes (is_pdf ? cda_xml : bytes, "cda.xml", 0, &local_error);
  if (facts != NULL)
    new_id = sintesi_cda_identificativo_doc (facts, &local_error);

  /* Checked here, before anything is signed: a replacement is another
   * version of the same patient's document, under a new id. */
  if (new_id != NULL && g_strcmp0 (facts->patient_cf, self->document->patient_cf) != 0)
    /* TRANSLATORS: the first %s is the CF in the new document, the second the patient of the old one */
    g_set_error (&local_error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
                 _("The new version is about patient %s, not %s."),
                 facts->patient_cf != NULL ? facts->patient_cf : "?", self->document->patient_cf);
  else if (new_id != NULL && g_strcmp0 (new_id, self->document->document_id) == 0)
    g_set_error (&local_error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT,
                 _("The new version has the same identifier as the document it replaces (%s): it needs a new ClinicalDocument/id."),
                 new_id);
  if (local_error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” cannot replace this document: %s"), name, local_error->message);
      g_autoptr(GError) shown = g_error_new_literal (SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_DOCUMENT, message);

      show_refusal (self, shown);
      g_propagate_error (error, g_steal_pointer (&shown));
      return FALSE;
    }

  submission = submission_new (self, SINTESI_GATEWAY_REPLACE);
  g_clear_pointer ((char **) &submission->patient_cf, g_free);
  if (is_pdf)
    submission->pdf = g_steal_pointer (&bytes);
  else
    submission->cda = g_steal_pointer (&bytes);
  request (self, submission);
  return TRUE;
}

static void
replacement_chosen (gpointer  owner,
                    GFile    *file)
{
  /* A refusal is shown in the window. */
  sintesi_record_window_replace_with_file (owner, file, NULL);
}

static void
replace_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (widget);
  static const SintesiFileFilterKind kinds[] = {
    SINTESI_FILE_FILTER_CDA_OR_PDF, SINTESI_FILE_FILTER_CDA, SINTESI_FILE_FILTER_PDF,
  };

  sintesi_file_chooser_open (&self->chooser, GTK_WINDOW (self), _("Choose the New Version"), _("_Replace"),
                             kinds, G_N_ELEMENTS (kinds), replacement_chosen, self);
}

/* ---- Delete ---- */

static void
delete_response_cb (AdwMessageDialog    *dialog,
                    const char          *response,
                    SintesiRecordWindow *self)
{
  if (g_strcmp0 (response, "delete") == 0 && document_is_current (self))
    request (self, submission_new (self, SINTESI_GATEWAY_DELETE));
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (widget);
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  if (self->dialog != NULL || !document_is_current (self))
    return;
  /* TRANSLATORS: %s is the patient's codice fiscale */
  body = g_strdup_printf (_("The document disappears from the Fascicolo Sanitario Elettronico of patient %s: neither the patient nor other physicians will see it any more. This cannot be undone."),
                          self->document->patient_cf != NULL ? self->document->patient_cf : "?");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete This Document?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  /* A slip of the Enter key must not delete. */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  g_set_weak_pointer (&self->dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Public ---- */

const char *
sintesi_record_window_get_value (SintesiRecordWindow *self,
                                 const char          *title)
{
  g_return_val_if_fail (SINTESI_IS_RECORD_WINDOW (self), NULL);
  return g_hash_table_lookup (self->values, title);
}

const char *
sintesi_record_window_get_result_value (SintesiRecordWindow *self,
                                        const char          *title)
{
  g_return_val_if_fail (SINTESI_IS_RECORD_WINDOW (self), NULL);
  return g_hash_table_lookup (self->result_values, title);
}

guint
sintesi_record_window_get_n_events (SintesiRecordWindow *self)
{
  g_return_val_if_fail (SINTESI_IS_RECORD_WINDOW (self), 0);
  return self->n_events;
}

gboolean
sintesi_record_window_is_busy (SintesiRecordWindow *self)
{
  g_return_val_if_fail (SINTESI_IS_RECORD_WINDOW (self), FALSE);
  return self->busy;
}

static void
sandbox_state_changed_cb (SintesiRecordWindow *self)
{
  update_actions (self);
}

static void
sintesi_record_window_dispose (GObject *object)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (object);

  /* A call on its way is not cancelled: its answer still reaches the
   * journal (the application is held until then). */
  self->disposed = TRUE;
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  g_clear_weak_pointer (&self->dialog);
  if (self->passphrase_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->passphrase_dialog));
  g_clear_weak_pointer (&self->passphrase_dialog);

  G_OBJECT_CLASS (sintesi_record_window_parent_class)->dispose (object);
}

static void
sintesi_record_window_finalize (GObject *object)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (object);

  g_hash_table_unref (self->values);
  g_hash_table_unref (self->result_values);
  g_ptr_array_unref (self->result_rows);
  g_ptr_array_unref (self->event_rows);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->record, sintesi_journal_record_free);
  g_clear_pointer (&self->document, sintesi_journal_document_free);
  g_clear_pointer (&self->pending, submission_free);
  g_free (self->lookup_id);
  g_free (self->blocked_reason);

  G_OBJECT_CLASS (sintesi_record_window_parent_class)->finalize (object);
}

static void
sintesi_record_window_class_init (SintesiRecordWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sintesi_record_window_dispose;
  object_class->finalize = sintesi_record_window_finalize;

  /* A request about the record's document ended and is in the journal. */
  signals[CALL_MADE] = g_signal_new ("call-made", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-record-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, groups_box);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, summary_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, ids_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, answer_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, actions_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, check_status_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, update_metadata_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, replace_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, delete_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, result_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, result_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, result_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, result_spinner);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, result_icon);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, events_group);

  gtk_widget_class_install_action (widget_class, "record.copy", "s", copy_activated);
  gtk_widget_class_install_action (widget_class, "record.check-status", NULL, check_status_activated);
  gtk_widget_class_install_action (widget_class, "record.update-metadata", NULL, update_metadata_activated);
  gtk_widget_class_install_action (widget_class, "record.replace", NULL, replace_activated);
  gtk_widget_class_install_action (widget_class, "record.delete", NULL, delete_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sintesi_record_window_init (SintesiRecordWindow *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->result_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->result_rows = g_ptr_array_new ();
  self->event_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

SintesiRecordWindow *
sintesi_record_window_new (GtkWindow                  *parent,
                           SintesiApplication         *application,
                           const SintesiJournalRecord *record)
{
  SintesiRecordWindow *self;
  g_autoptr(GError) error = NULL;
  SintesiJournal *journal;

  g_return_val_if_fail (application == NULL || SINTESI_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (SINTESI_TYPE_RECORD_WINDOW,
                       "transient-for", parent,
                       NULL);
  fill (self, record);

  self->application = application;
  journal = journal_of (self);
  /* The full record (with its requestBody), as the journal has it now. */
  if (journal != NULL)
    self->record = sintesi_journal_get_record (journal, record->id, NULL);
  if (self->record == NULL)
    {
      self->blocked_reason = g_strdup (_("The history cannot be read: nothing can be done with this call now."));
    }
  if (application != NULL && self->blocked_reason == NULL)
    {
      self->profile = sintesi_application_load_active_profile (application, &error);
      if (self->profile == NULL)
        self->blocked_reason = g_strdup_printf (_("The physician profile cannot be loaded: %s"), error->message);
      else if (g_strcmp0 (sintesi_profile_get_name (self->profile), record->profile) != 0)
        /* TRANSLATORS: %s is the name of a physician profile */
        self->blocked_reason = g_strdup_printf (_("This call was made with the profile “%s”: make it the active profile to act on the document."),
                                                record->profile);
      g_signal_connect_object (application, "notify::sandbox-state",
                               G_CALLBACK (sandbox_state_changed_cb), self, G_CONNECT_SWAPPED);
    }
  else if (application == NULL)
    self->blocked_reason = g_strdup (_("Nothing can be done with this call from here."));
  if (self->record != NULL)
    refresh_document (self);
  update_actions (self);
  return self;
}
