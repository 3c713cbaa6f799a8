/* sintesi-submission-task.c: one call to the gateway from a window */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sintesi-credentials.h"
#include "sintesi-keystore.h"
#include "sintesi-sandbox.h"
#include "sintesi-submission-task.h"

/* The passphrase of this run lives with the application, so every window
 * asks it once per run and it goes (wiped) when the application does. */
#define PASSPHRASE_KEY "sintesi-submission-task-passphrase"

typedef struct
{
  char *profile;
  char *passphrase;
} Passphrase;

static void
passphrase_free (Passphrase *passphrase)
{
  if (passphrase->passphrase != NULL)
    sintesi_credentials_wipe (passphrase->passphrase, strlen (passphrase->passphrase));
  g_free (passphrase->passphrase);
  g_free (passphrase->profile);
  g_free (passphrase);
}

static const char *
remembered_passphrase (SintesiApplication *application,
                       SintesiProfile     *profile)
{
  Passphrase *passphrase = g_object_get_data (G_OBJECT (application), PASSPHRASE_KEY);

  if (passphrase == NULL || g_strcmp0 (passphrase->profile, sintesi_profile_get_name (profile)) != 0)
    return NULL;
  return passphrase->passphrase;
}

static void
remember_passphrase (SintesiApplication *application,
                     const char         *profile,
                     const char         *secret)
{
  Passphrase *passphrase = NULL;

  if (secret != NULL)
    {
      passphrase = g_new0 (Passphrase, 1);
      passphrase->profile = g_strdup (profile);
      passphrase->passphrase = g_strdup (secret);
    }
  g_object_set_data_full (G_OBJECT (application), PASSPHRASE_KEY, passphrase, (GDestroyNotify) passphrase_free);
}

static gboolean
is_demo_in_sandbox (SintesiProfile *profile)
{
  return sintesi_profile_get_environment (profile) == SINTESI_ENVIRONMENT_SANDBOX &&
         g_strcmp0 (sintesi_profile_get_name (profile), SINTESI_SANDBOX_PROFILE) == 0;
}

gboolean
sintesi_submission_task_sandbox_ready (SintesiApplication *application,
                                       SintesiProfile     *profile)
{
  g_return_val_if_fail (SINTESI_IS_APPLICATION (application), FALSE);
  g_return_val_if_fail (SINTESI_IS_PROFILE (profile), FALSE);

  if (sintesi_profile_get_environment (profile) != SINTESI_ENVIRONMENT_SANDBOX)
    return TRUE;
  return sintesi_application_get_sandbox_state (application) == SINTESI_SANDBOX_STATE_RUNNING;
}

gboolean
sintesi_submission_task_needs_passphrase (SintesiApplication *application,
                                          SintesiProfile     *profile)
{
  g_autoptr(SintesiKeystore) keystore = NULL;

  g_return_val_if_fail (SINTESI_IS_APPLICATION (application), FALSE);
  g_return_val_if_fail (SINTESI_IS_PROFILE (profile), FALSE);

  /* The sandbox knows its demo physician's. */
  if (is_demo_in_sandbox (profile) || remembered_passphrase (application, profile) != NULL)
    return FALSE;
  keystore = sintesi_keystore_new (sintesi_profile_get_name (profile), NULL, NULL);
  return keystore != NULL &&
         (sintesi_keystore_get_secret_kind (keystore, SINTESI_CREDENTIAL_SLOT_AUTH) == SINTESI_KEYSTORE_SECRET_PASSPHRASE ||
          sintesi_keystore_get_secret_kind (keystore, SINTESI_CREDENTIAL_SLOT_SIGN) == SINTESI_KEYSTORE_SECRET_PASSPHRASE);
}

/* ---- The call ---- */

typedef struct
{
  SintesiApplication      *application;
  SintesiJournal          *journal;
  SintesiSubmission        submission;  /* owns its strings, bytes and profile */
} TaskData;

static void
task_data_free (TaskData *data)
{
  SintesiSubmission *s = &data->submission;

  g_clear_object (&data->journal);
  g_clear_object (&s->profile);
  g_clear_pointer (&s->cda, g_bytes_unref);
  g_clear_pointer (&s->pdf, g_bytes_unref);
  g_free ((char *) s->document_id);
  g_free ((char *) s->patient_cf);
  g_free ((char *) s->body_overrides);
  g_free ((char *) s->lookup_id);
  g_free ((char *) s->rules_dir);
  g_free ((char *) s->base_url);
  g_free ((char *) s->server_ca_file);
  g_free ((char *) s->client_ca_file);
  if (s->key_passphrase != NULL)
    sintesi_credentials_wipe ((char *) s->key_passphrase, strlen (s->key_passphrase));
  g_free ((char *) s->key_passphrase);
  g_free (data);
}

static void
task_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *data = task_data;
  SintesiSubmissionResult *result;
  GError *error = NULL;

  result = sintesi_submission_send (data->journal, &data->submission, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) sintesi_submission_result_free);
}

void
sintesi_submission_task_run (gpointer                 source_object,
                             SintesiApplication      *application,
                             const SintesiSubmission *submission,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SintesiJournal *journal;
  SintesiSubmission *s;
  TaskData *data;

  g_return_if_fail (SINTESI_IS_APPLICATION (application));
  g_return_if_fail (submission != NULL && SINTESI_IS_PROFILE (submission->profile));

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, sintesi_submission_task_run);
  journal = sintesi_application_get_journal (application, &error);
  if (journal == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (TaskData, 1);
  data->application = application;
  data->journal = g_object_ref (journal);
  s = &data->submission;
  s->operation = submission->operation;
  s->profile = g_object_ref (submission->profile);
  s->cda = submission->cda != NULL ? g_bytes_ref (submission->cda) : NULL;
  s->pdf = submission->pdf != NULL ? g_bytes_ref (submission->pdf) : NULL;
  s->document_id = g_strdup (submission->document_id);
  s->patient_cf = g_strdup (submission->patient_cf);
  s->body_overrides = g_strdup (submission->body_overrides);
  s->access_update = submission->access_update;
  s->lookup_id = g_strdup (submission->lookup_id);
  s->rules_dir = g_strdup (submission->rules_dir);
  s->key_passphrase = g_strdup (submission->key_passphrase != NULL ? submission->key_passphrase
                                : remembered_passphrase (application, submission->profile));
  if (sintesi_profile_get_environment (submission->profile) == SINTESI_ENVIRONMENT_SANDBOX)
    {
      SintesiSandbox *sandbox = sintesi_application_get_sandbox (application);

      if (sandbox == NULL)
        {
          task_data_free (data);
          g_task_return_new_error (task, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_PROFILE,
                                   _("The sandbox is not running yet."));
          return;
        }
      s->base_url = g_strdup (sintesi_sandbox_get_base_url (sandbox));
      s->server_ca_file = g_strdup (sintesi_sandbox_get_server_ca_file (sandbox));
      s->only_server_ca_file = TRUE;
      s->client_ca_file = g_strdup (sintesi_sandbox_get_client_ca_file (sandbox));
      if (is_demo_in_sandbox (submission->profile) && sintesi_sandbox_get_key_passphrase (sandbox) != NULL)
        {
          g_free ((char *) s->key_passphrase);
          s->key_passphrase = g_strdup (sintesi_sandbox_get_key_passphrase (sandbox));
        }
    }
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);

  /* Closing the window meanwhile must not end the process before the
   * answer is on record; released in finish(). Signing, the TLS handshake
   * and the gateway's checks take seconds: the window stays alive. */
  g_application_hold (G_APPLICATION (application));
  g_task_run_in_thread (task, task_thread);
}

SintesiSubmissionResult *
sintesi_submission_task_finish (GAsyncResult  *result,
                                GError       **error)
{
  GTask *task = G_TASK (result);
  TaskData *data = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  SintesiSubmissionResult *submission_result;

  g_return_val_if_fail (g_task_get_source_tag (task) == sintesi_submission_task_run, NULL);

  submission_result = g_task_propagate_pointer (task, &local_error);
  if (data == NULL)  /* never started */
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* A passphrase that did not open the keys is asked again next time. */
  if (g_error_matches (local_error, SINTESI_SUBMISSION_ERROR, SINTESI_SUBMISSION_ERROR_CREDENTIALS))
    remember_passphrase (data->application, NULL, NULL);
  g_application_release (G_APPLICATION (data->application));
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return submission_result;
}

/* ---- The passphrase ---- */

typedef struct
{
  SintesiApplication     *application;
  char                   *profile;
  SintesiPassphraseGiven  given;
  gpointer                user_data;
} Ask;

static void
ask_free (Ask *ask)
{
  g_free (ask->profile);
  g_free (ask);
}

static void
passphrase_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        Ask              *ask)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gboolean unlocked = g_strcmp0 (response, "unlock") == 0;

  if (unlocked)
    remember_passphrase (ask->application, ask->profile, gtk_editable_get_text (entry));
  /* The entry's copy of the secret goes now. */
  gtk_editable_set_text (entry, "");
  /* The dialog closes itself after answering. Focus leaves the entry
   * first: GTK 4.8's password entry is otherwise notified of losing it
   * after it was freed, when the closing window drops its focus. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (unlocked)
    ask->given (ask->user_data);
}

AdwMessageDialog *
sintesi_submission_task_ask_passphrase (GtkWidget              *widget,
                                        SintesiApplication     *application,
                                        SintesiProfile         *profile,
                                        const char             *unlock_label,
                                        SintesiPassphraseGiven  given,
                                        gpointer                user_data)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  GtkWidget *entry;
  g_autofree char *body = NULL;
  Ask *ask;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (SINTESI_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SINTESI_IS_PROFILE (profile), NULL);

  body = g_strdup_printf (_("The certificates of the profile “%s” are kept encrypted under a passphrase, because no keyring holds their secret. It is asked once per run and never stored."),
                          sintesi_profile_get_name (profile));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Unlock Your Certificates"), body);
  entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Passphrase"), -1);
  g_object_set (entry, "activates-default", TRUE, NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "unlock", unlock_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unlock", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "unlock");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  ask = g_new0 (Ask, 1);
  ask->application = application;
  ask->profile = g_strdup (sintesi_profile_get_name (profile));
  ask->given = given;
  ask->user_data = user_data;
  g_object_set_data_full (G_OBJECT (dialog), "sintesi-ask", ask, (GDestroyNotify) ask_free);
  g_signal_connect (dialog, "response", G_CALLBACK (passphrase_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
  return ADW_MESSAGE_DIALOG (dialog);
}

/* ---- The answer ---- */

static const char *
refused_meaning (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_DELETE:
      return _("The document was not deleted. The gateway’s reason is below; the call is on record in the history.");
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return _("The metadata were not changed. The gateway’s reason is below; the call is on record in the history.");
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
      return _("The gateway gave no status. Its reason is below; the call is on record in the history.");
    case SINTESI_GATEWAY_CREATE:
    case SINTESI_GATEWAY_REPLACE:
    default:
      return _("The document was not published. The gateway’s reason is below; the call is on record in the history.");
    }
}

static const char *
no_answer_meaning (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_DELETE:
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return _("The gateway may or may not have received the request: check the status before trying again.");
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
      return _("Asking for the status changes nothing: it can be asked again.");
    case SINTESI_GATEWAY_CREATE:
    case SINTESI_GATEWAY_REPLACE:
    default:
      return _("The gateway may or may not have received the document: look up its status before sending it again.");
    }
}

static const char *
accepted_title (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_REPLACE:
      return _("Replacement accepted by the gateway");
    case SINTESI_GATEWAY_DELETE:
      return _("Document deleted");
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return _("Metadata updated");
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
      return _("Status received");
    case SINTESI_GATEWAY_CREATE:
    default:
      return _("Accepted by the gateway");
    }
}

static const char *
accepted_meaning (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_REPLACE:
      return _("The new version takes the place of the old one in the patient’s record. Keep the X-CART-id: it is the gateway’s receipt. The history keeps it too.");
    case SINTESI_GATEWAY_DELETE:
      return _("The document no longer appears in the patient’s record. Keep the X-CART-id: it is the gateway’s receipt. The history keeps it too.");
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return _("Keep the X-CART-id: it is the gateway’s receipt for this change. The history keeps it too.");
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
      return _("What the gateway did with the call is listed below. The answer is kept in the history.");
    case SINTESI_GATEWAY_CREATE:
    default:
      return _("Keep the X-CART-id: it is the gateway’s receipt for this document. The history keeps it too.");
    }
}

gboolean
sintesi_submission_task_describe (SintesiGatewayOperation   operation,
                                  SintesiSubmissionResult  *result,
                                  const char              **icon_name,
                                  const char              **css_class,
                                  char                    **title,
                                  char                    **description)
{
  SintesiGatewayResponse *response;
  gboolean accepted;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (result != NULL && result->response != NULL, FALSE);

  response = result->response;
  accepted = response->failure == NULL && response->http_status >= 200 && response->http_status < 300;
  if (accepted)
    {
      *icon_name = "emblem-ok-symbolic";
      *css_class = "success";
      *title = g_strdup (accepted_title (operation));
      g_string_append (text, accepted_meaning (operation));
    }
  else if (response->failure != NULL)
    {
      *icon_name = "dialog-warning-symbolic";
      *css_class = "warning";
      *title = g_strdup (_("No complete answer from the gateway"));
      g_string_append_printf (text, "%s\n\n%s", response->failure->message, no_answer_meaning (operation));
    }
  else
    {
      *icon_name = "dialog-error-symbolic";
      *css_class = "error";
      /* TRANSLATORS: %u is the HTTP status code, e.g. 400 */
      *title = g_strdup_printf (_("Refused by the gateway (HTTP %u)"), response->http_status);
      g_string_append (text, refused_meaning (operation));
    }
  if (response->x_cart_id == NULL && response->http_status > 0)
    g_string_append_printf (text, "\n\n%s", _("The answer carries no X-CART-id: the history flags it."));
  if (result->journal_error != NULL)
    g_string_append_printf (text, "\n\n%s", result->journal_error->message);
  *description = g_string_free (text, FALSE);
  return accepted;
}

void
sintesi_submission_task_set_icon (GtkImage   *image,
                                  const char *icon_name,
                                  const char *css_class)
{
  static const char * const classes[] = { "success", "warning", "error" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (image), classes[i]);
  if (icon_name == NULL)
    return;
  gtk_widget_add_css_class (GTK_WIDGET (image), css_class);
  gtk_image_set_from_icon_name (image, icon_name);
}

void
sintesi_submission_task_foreach_answer_field (SintesiGatewayOperation  operation,
                                              SintesiSubmissionResult *result,
                                              gboolean                 accepted,
                                              const char              *asked_workflow_id,
                                              SintesiAnswerFieldFunc   func,
                                              gpointer                 user_data)
{
  SintesiGatewayResponse *response;
  g_autofree char *status = NULL;
  g_autofree char *record = NULL;
  g_autofree char *warning = NULL;
  const char *workflow_id;
  const char *document_id = NULL;

  g_return_if_fail (result != NULL && result->response != NULL);

  response = result->response;
  status = response->http_status > 0 ? g_strdup_printf ("%u", response->http_status) : NULL;
  record = g_strdup_printf ("%" G_GINT64_FORMAT, result->journal_id);
  if (response->warning != NULL && response->middleware_warning != NULL)
    warning = g_strconcat (response->warning, "\n", response->middleware_warning, NULL);
  else
    warning = g_strdup (response->warning != NULL ? response->warning : response->middleware_warning);
  /* A status answer is about the workflow asked for. */
  workflow_id = response->workflow_instance_id;
  if (workflow_id == NULL && operation == SINTESI_GATEWAY_STATUS)
    workflow_id = asked_workflow_id;
  /* Only a new document or a new version has an identifier of its own. */
  if (operation == SINTESI_GATEWAY_CREATE || operation == SINTESI_GATEWAY_REPLACE)
    document_id = result->document_id;

  func (SINTESI_ANSWER_FIELD_HTTP_STATUS, _("HTTP status"), status, FALSE, user_data);
  func (SINTESI_ANSWER_FIELD_X_CART_ID, "X-CART-id", response->x_cart_id, TRUE, user_data);
  func (SINTESI_ANSWER_FIELD_TRACE_ID, "traceID", response->trace_id, TRUE, user_data);
  func (SINTESI_ANSWER_FIELD_WORKFLOW_INSTANCE_ID, "workflowInstanceId", workflow_id, TRUE, user_data);
  func (SINTESI_ANSWER_FIELD_DOCUMENT_ID,
        operation == SINTESI_GATEWAY_REPLACE ? _("New identificativoDoc") : "identificativoDoc",
        document_id, TRUE, user_data);
  func (SINTESI_ANSWER_FIELD_WARNING, _("Warning"), warning, FALSE, user_data);
  func (SINTESI_ANSWER_FIELD_ERROR_TITLE, _("Error"), accepted ? NULL : response->error_title, FALSE, user_data);
  func (SINTESI_ANSWER_FIELD_ERROR_DETAIL, _("Detail"), accepted ? NULL : response->error_detail, TRUE, user_data);
  func (SINTESI_ANSWER_FIELD_ERROR_TYPE, _("Error type"), accepted ? NULL : response->error_type, FALSE, user_data);
  func (SINTESI_ANSWER_FIELD_JOURNAL_RECORD, _("Journal record"), record, FALSE, user_data);
}

void
sintesi_submission_task_describe_refusal (const GError  *error,
                                          const char   **icon_name,
                                          const char   **css_class,
                                          char         **title,
                                          char         **description)
{
  *icon_name = "dialog-error-symbolic";
  *css_class = "error";
  *title = g_strdup (_("Not sent"));
  *description = g_strdup_printf (_("%s\n\nNothing was sent and nothing was recorded."), error->message);
}

gboolean
sintesi_submission_task_result_top (GtkScrolledWindow *scroller,
                                    GtkWidget         *content,
                                    GtkWidget         *result,
                                    double            *top)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  graphene_point_t point;

  if (gtk_widget_get_height (result) <= 0 ||
      !gtk_widget_compute_point (result, content, &GRAPHENE_POINT_INIT (0, 0), &point) ||
      gtk_adjustment_get_upper (adjustment) < point.y + gtk_widget_get_height (result))
    return FALSE;
  *top = point.y;
  return TRUE;
}
