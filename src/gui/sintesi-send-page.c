/* sintesi-send-page.c: compose and send one patient summary
 *
 * The physician types the patient's codice fiscale (checked as it is
 * typed), picks the document (an example built for that patient, a CDA
 * file, or a PDF already signed) and sends. The send is one
 * sintesi_submission_send() on a worker thread: the core checks, signs,
 * records the call in the journal before it leaves and records the answer;
 * this page only shows what happened, and keeps the X-CART-id in view.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sintesi-cda.h"
#include "sintesi-cf.h"
#include "sintesi-file-chooser.h"
#include "sintesi-ids.h"
#include "sintesi-journal-search.h"
#include "sintesi-pdf.h"
#include "sintesi-pss-builder.h"
#include "sintesi-send-page.h"
#include "sintesi-submission-task.h"

/* The root of identificativoDoc (D11). */

struct _SintesiSendPage
{
  AdwBin              parent_instance;

  GtkScrolledWindow  *scroller;
  GtkWidget          *clamp;
  AdwEntryRow        *cf_row;
  GtkLabel           *cf_error;
  AdwActionRow       *document_row;
  GtkLabel           *document_error;
  AdwActionRow       *example_row;
  GtkButton          *send_button;
  GtkSpinner         *send_spinner;
  GtkLabel           *send_label;
  GtkLabel           *send_hint;
  GtkWidget          *result_box;
  GtkImage           *result_icon;
  GtkLabel           *result_title;
  GtkLabel           *result_description;
  GtkWidget          *result_grid;
  /* The answer's lines, by SintesiAnswerField: a name and its value. */
  GtkWidget          *field_names[SINTESI_ANSWER_N_FIELDS];
  GtkLabel           *field_labels[SINTESI_ANSWER_N_FIELDS];
  GtkWidget          *copy_cart_id_button;

  SintesiApplication *application;  /* not owned: outlives its windows */
  SintesiProfile     *profile;
  gboolean            cf_valid;
  gboolean            normalizing;

  /* The document to send: a CDA (signed at send time) or a signed PDF. */
  GBytes             *cda;
  GBytes             *pdf;
  char               *document_patient_cf;

  GtkNativeDialog    *chooser;
  GCancellable       *cancellable;
  gboolean            sending;
  gboolean            disposed;
  char               *x_cart_id;
  AdwMessageDialog   *passphrase_dialog;
};

G_DEFINE_FINAL_TYPE (SintesiSendPage, sintesi_send_page, ADW_TYPE_BIN)

enum {
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static SintesiCfFlags
cf_flags (SintesiSendPage *self)
{
  /* The national placeholder patient of the accreditation tests is fine
   * where nothing reaches a real record. */
  if (self->profile != NULL && sintesi_profile_get_environment (self->profile) == SINTESI_ENVIRONMENT_SANDBOX)
    return SINTESI_CF_FLAGS_TEST_MODE;
  return SINTESI_CF_FLAGS_NONE;
}

static const char *
current_cf (SintesiSendPage *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->cf_row));
}

static gboolean
sandbox_ready (SintesiSendPage *self)
{
  if (self->profile == NULL || sintesi_profile_get_environment (self->profile) != SINTESI_ENVIRONMENT_SANDBOX)
    return TRUE;
  return self->application != NULL && sintesi_submission_task_sandbox_ready (self->application, self->profile);
}

/* Why the Send button is off, or NULL when it is on. */
static const char *
send_blocker (SintesiSendPage *self)
{
  if (self->sending)
    return _("Sending… the answer will appear below.");
  if (self->profile == NULL)
    return _("There is no physician profile to send with yet.");
  if (!sandbox_ready (self))
    return _("Waiting for the sandbox to start…");
  if (!self->cf_valid)
    return current_cf (self)[0] == '\0' ? _("Enter the patient’s codice fiscale.")
                                        : _("Correct the patient’s codice fiscale above.");
  if (self->cda == NULL && self->pdf == NULL)
    return _("Choose the document to send.");
  if (g_strcmp0 (self->document_patient_cf, current_cf (self)) != 0)
    return _("The document is about another patient: choose the document again.");
  return NULL;
}

static void
update_state (SintesiSendPage *self)
{
  const char *blocker = send_blocker (self);
  gboolean can_send = blocker == NULL;
  gboolean can_compose = !self->sending && self->profile != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.send", can_send);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.use-example", can_compose && self->cf_valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.choose-cda", can_compose);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.choose-pdf", can_compose);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.copy-cart-id", self->x_cart_id != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cf_row), !self->sending);

  if (blocker == NULL)
    blocker = self->pdf != NULL ? _("Your signature on the PDF is checked, then it is sent over a secure connection with your A1 certificate.")
                                : _("The document is checked and signed, then sent over a secure connection with your A1 certificate.");
  gtk_label_set_label (self->send_hint, blocker);
  gtk_widget_set_visible (GTK_WIDGET (self->send_spinner), self->sending);
  gtk_spinner_set_spinning (self->send_spinner, self->sending);
  gtk_label_set_text_with_mnemonic (self->send_label, self->sending ? _("Sending…") : _("_Send to the Gateway"));
}

static void
show_document_error (SintesiSendPage *self,
                     const char      *message)
{
  gtk_label_set_label (self->document_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->document_error), message != NULL);
}

static void
check_document_patient (SintesiSendPage *self)
{
  g_autofree char *message = NULL;

  if ((self->cda != NULL || self->pdf != NULL) && self->cf_valid &&
      g_strcmp0 (self->document_patient_cf, current_cf (self)) != 0)
    /* TRANSLATORS: the first %s is the CF in the document, the second the one typed */
    message = g_strdup_printf (_("This document is about patient %s, not %s."),
                               self->document_patient_cf != NULL ? self->document_patient_cf : "?",
                               current_cf (self));
  show_document_error (self, message);
}

static void
cf_row_changed_cb (SintesiSendPage *self)
{
  const char *text = current_cf (self);
  g_autofree char *normalized = NULL;
  g_autoptr(GError) error = NULL;

  if (self->normalizing)
    return;

  /* Show the physician the CF as it will be checked: blanks removed,
   * capitals; validation itself never changes it. */
  normalized = sintesi_cf_normalize_entry (text);
  if (normalized != NULL && strcmp (normalized, text) != 0)
    {
      self->normalizing = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->cf_row), normalized);
      gtk_editable_set_position (GTK_EDITABLE (self->cf_row), -1);
      self->normalizing = FALSE;
      text = current_cf (self);
    }

  self->cf_valid = sintesi_cf_validate (text, cf_flags (self), &error);
  if (text[0] == '\0' || self->cf_valid)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->cf_error), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->cf_row), "error");
    }
  else
    {
      gtk_label_set_label (self->cf_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->cf_error), TRUE);
      /* Only while typing the last characters would an error be noise. */
      if (strlen (text) >= 16)
        gtk_widget_add_css_class (GTK_WIDGET (self->cf_row), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->cf_row), "error");
    }
  check_document_patient (self);
  update_state (self);
}

static void
clear_document (SintesiSendPage *self)
{
  g_clear_pointer (&self->cda, g_bytes_unref);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_clear_pointer (&self->document_patient_cf, g_free);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->document_row), _("No document chosen yet"));
  adw_action_row_set_subtitle (self->document_row, "");
  show_document_error (self, NULL);
}

/* The document is read back before it is accepted here: the patient it
 * names must be the one typed, and its id is shown. */
static gboolean
set_document (SintesiSendPage  *self,
              GBytes           *cda,
              GBytes           *pdf,
              const char       *description,
              GError          **error)
{
  g_autoptr(GBytes) cda_xml = NULL;
  g_autoptr(SintesiCda) facts = NULL;
  g_autofree char *document_id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (pdf != NULL && (cda_xml = sintesi_pdf_get_attachment (pdf, "cda.xml", error)) == NULL)
    return FALSE;
  facts = sintesi_cda_load_bytes (cda != NULL ? cda : cda_xml, "cda.xml", 0, error);
  if (facts == NULL || (document_id = sintesi_cda_identificativo_doc (facts, error)) == NULL)
    return FALSE;
  if (facts->patient_cf == NULL)
    {
      g_set_error_literal (error, SINTESI_CDA_ERROR, 0, _("The document names no patient by codice fiscale."));
      return FALSE;
    }

  clear_document (self);
  self->cda = cda != NULL ? g_bytes_ref (cda) : NULL;
  self->pdf = pdf != NULL ? g_bytes_ref (pdf) : NULL;
  self->document_patient_cf = g_strdup (facts->patient_cf);

  /* An empty field takes the document's patient: one thing less to type. */
  if (current_cf (self)[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->cf_row), facts->patient_cf);

  if (facts->patient_given != NULL || facts->patient_family != NULL)
    /* TRANSLATORS: what is sent, e.g. "Example document: patient summary of Maria Rossi" */
    title = g_strdup_printf (_("%s: patient summary of %s %s"), description,
                             facts->patient_given != NULL ? facts->patient_given : "",
                             facts->patient_family != NULL ? facts->patient_family : "");
  else
    title = g_strdup (description);
  subtitle = g_strdup_printf ("%s · %s", facts->patient_cf, document_id);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->document_row), title);
  adw_action_row_set_subtitle (self->document_row, subtitle);

  check_document_patient (self);
  update_state (self);
  return TRUE;
}

/* The example's identificativoDoc extension: the profile's prefix and a
 * progressive reserved in the journal (D11), never given again. */
static char *
example_id_extension (SintesiSendPage *self,
                      GError         **error)
{
  SintesiJournal *journal = sintesi_application_get_journal (self->application, error);
  const char *solution = sintesi_profile_get_solution (self->profile);
  g_autofree char *prefix = NULL;
  g_autofree char *document_id = NULL;

  if (journal == NULL)
    return NULL;
  if (solution == NULL)
    solution = SINTESI_DEFAULT_SOLUTION;
  prefix = sintesi_ids_document_id_prefix (sintesi_profile_get_azienda (self->profile),
                                           sintesi_profile_get_repository (self->profile),
                                           solution, error);
  if (prefix == NULL)
    return NULL;
  document_id = sintesi_journal_reserve_document_id (journal, sintesi_profile_get_name (self->profile),
                                                     solution, prefix, NULL, error);
  if (document_id == NULL)
    return NULL;
  /* The builder takes the extension: what follows the root and ^. */
  return g_strdup (strchr (document_id, '^') + 1);
}

static char *
now_hl7 (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Rome");
  g_autoptr(GDateTime) now = NULL;

  if (zone == NULL)
    zone = g_time_zone_new_local ();
  now = g_date_time_new_now (zone);
  return g_date_time_format (now, "%Y%m%d%H%M%S%z");
}

static void
use_example_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiPssModel) model = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *effective_time = now_hl7 ();

  if (self->profile == NULL || !self->cf_valid)
    return;
  extension = example_id_extension (self, &error);
  if (extension != NULL)
    {
      model = sintesi_pss_model_new_example (current_cf (self), sintesi_profile_get_cf (self->profile),
                                             extension, effective_time);
      cda = sintesi_pss_build (model, &error);
    }
  if (cda == NULL || !set_document (self, cda, NULL, _("Example document"), &error))
    show_document_error (self, error->message);
}

static GBytes *
load_file (GFile   *file,
           GError **error)
{
  char *contents;
  gsize length;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  return g_bytes_new_take (contents, length);
}

gboolean
sintesi_send_page_open_file (SintesiSendPage  *self,
                             GFile            *file,
                             GError          **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  gboolean is_pdf;

  g_return_val_if_fail (SINTESI_IS_SEND_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  name = g_file_get_basename (file);
  bytes = load_file (file, &local_error);
  /* What the file is, not what it is called. */
  is_pdf = bytes != NULL && g_bytes_get_size (bytes) >= 5 &&
           memcmp (g_bytes_get_data (bytes, NULL), "%PDF-", 5) == 0;
  if (bytes == NULL ||
      !set_document (self, is_pdf ? NULL : bytes, is_pdf ? bytes : NULL, name, &local_error))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” cannot be sent: %s"), name, local_error->message);

      show_document_error (self, message);
      g_set_error_literal (error, local_error->domain, local_error->code, message);
      return FALSE;
    }
  return TRUE;
}

static void
document_chosen (gpointer  owner,
                 GFile    *file)
{
  /* Shown under the document row when it fails. */
  sintesi_send_page_open_file (owner, file, NULL);
}

static void
choose_file (SintesiSendPage *self,
             gboolean         pdf)
{
  SintesiFileFilterKind kind = pdf ? SINTESI_FILE_FILTER_PDF : SINTESI_FILE_FILTER_CDA;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  sintesi_file_chooser_open (&self->chooser, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                             pdf ? _("Choose a Signed PDF") : _("Choose a CDA File"), _("_Open"),
                             &kind, 1, document_chosen, self);
}

static void
choose_cda_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose_file (SINTESI_SEND_PAGE (widget), FALSE);
}

static void
choose_pdf_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose_file (SINTESI_SEND_PAGE (widget), TRUE);
}

/* ---- Sending ---- */

static void
set_field (GtkWidget  *name,
           GtkLabel   *label,
           const char *value)
{
  gboolean shown = value != NULL && value[0] != '\0';

  gtk_label_set_label (label, shown ? value : "");
  gtk_widget_set_visible (name, shown);
  gtk_widget_set_visible (GTK_WIDGET (label), shown);
}

/* The answer is what the physician waits for: bring it into view once it
 * has its place in the layout. */
static gboolean
scroll_to_result_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (widget);
  double top;

  if (!gtk_widget_get_visible (self->result_box))
    return G_SOURCE_REMOVE;
  if (!sintesi_submission_task_result_top (self->scroller, self->clamp, self->result_box, &top))
    return G_SOURCE_CONTINUE;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), top - 24);
  return G_SOURCE_REMOVE;
}

static void
set_result_heading (SintesiSendPage *self,
                    const char      *icon_name,
                    const char      *css_class,
                    const char      *title,
                    const char      *description)
{
  sintesi_submission_task_set_icon (self->result_icon, icon_name, css_class);
  gtk_label_set_label (self->result_title, title);
  gtk_label_set_label (self->result_description, description);
  gtk_widget_set_visible (self->result_box, TRUE);
  gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_result_cb, NULL, NULL);
}

static void
show_refusal (SintesiSendPage *self,
              const GError    *error)
{
  const char *icon_name, *css_class;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  sintesi_submission_task_describe_refusal (error, &icon_name, &css_class, &title, &description);
  g_clear_pointer (&self->x_cart_id, g_free);
  set_result_heading (self, icon_name, css_class, title, description);
  gtk_widget_set_visible (self->result_grid, FALSE);
}

static void
set_answer_field (SintesiAnswerField  field,
                  const char         *title,
                  const char         *value,
                  gboolean            copyable,
                  gpointer            user_data)
{
  SintesiSendPage *self = user_data;

  /* The names are the grid's own, in the template. */
  set_field (self->field_names[field], self->field_labels[field], value);
  if (field == SINTESI_ANSWER_FIELD_X_CART_ID)
    gtk_widget_set_visible (self->copy_cart_id_button, value != NULL);
}

static void
show_answer (SintesiSendPage         *self,
             SintesiSubmissionResult *result)
{
  SintesiGatewayResponse *response = result->response;
  gboolean accepted;
  const char *icon_name = NULL;
  const char *css_class = NULL;
  g_autofree char *description = NULL;
  g_autofree char *title = NULL;

  accepted = sintesi_submission_task_describe (SINTESI_GATEWAY_CREATE, result, &icon_name, &css_class,
                                               &title, &description);
  set_result_heading (self, icon_name, css_class, title, description);
  sintesi_submission_task_foreach_answer_field (SINTESI_GATEWAY_CREATE, result, accepted, NULL,
                                                set_answer_field, self);
  gtk_widget_set_visible (self->result_grid, TRUE);

  g_free (self->x_cart_id);
  self->x_cart_id = g_strdup (response->x_cart_id);
}

static void
send_finished (GObject      *object,
               GAsyncResult *async_result,
               gpointer      user_data)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (object);
  g_autoptr(SintesiSubmissionResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean accepted = FALSE;

  result = sintesi_submission_task_finish (async_result, &error);
  /* The window went away while the call was out: the journal has it. */
  if (self->disposed)
    return;
  self->sending = FALSE;
  g_clear_object (&self->cancellable);
  if (result == NULL)
    show_refusal (self, error);
  else
    {
      show_answer (self, result);
      accepted = result->response->failure == NULL &&
                 result->response->http_status >= 200 && result->response->http_status < 300;
      /* A published document is done: the next one starts clean. */
      if (accepted)
        clear_document (self);
    }
  update_state (self);
  if (result != NULL)
    g_signal_emit (self, signals[SENT], 0, result->journal_id, accepted);
}

static void
start_send (SintesiSendPage *self)
{
  SintesiSubmission submission = { 0 };

  if (send_blocker (self) != NULL)
    return;

  submission.operation = SINTESI_GATEWAY_CREATE;
  submission.profile = self->profile;
  submission.cda = self->cda;
  submission.pdf = self->pdf;

  self->sending = TRUE;
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (self->result_box, FALSE);
  update_state (self);
  sintesi_submission_task_run (self, self->application, &submission, self->cancellable, send_finished, NULL);
}

static void
passphrase_given_cb (gpointer user_data)
{
  start_send (SINTESI_SEND_PAGE (user_data));
}

static void
send_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (widget);

  if (send_blocker (self) != NULL)
    return;
  if (!sintesi_submission_task_needs_passphrase (self->application, self->profile))
    start_send (self);
  else if (self->passphrase_dialog == NULL)
    g_set_weak_pointer (&self->passphrase_dialog,
                        sintesi_submission_task_ask_passphrase (widget, self->application, self->profile,
                                                                _("_Unlock and Send"), passphrase_given_cb, self));
}

static void
copy_cart_id_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (widget);
  GtkWidget *overlay;

  if (self->x_cart_id == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->x_cart_id);
  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("X-CART-id copied")));
}

/* ---- Public ---- */

static void
sandbox_state_changed_cb (SintesiSendPage *self)
{
  update_state (self);
}

void
sintesi_send_page_set_application (SintesiSendPage    *self,
                                   SintesiApplication *application)
{
  g_return_if_fail (SINTESI_IS_SEND_PAGE (self));

  self->application = application;
  g_signal_connect_object (application, "notify::sandbox-state",
                           G_CALLBACK (sandbox_state_changed_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
}

void
sintesi_send_page_set_profile (SintesiSendPage *self,
                               SintesiProfile  *profile)
{
  g_return_if_fail (SINTESI_IS_SEND_PAGE (self));

  if (!g_set_object (&self->profile, profile))
    return;
  /* The CF rules depend on the environment (test mode in the sandbox). */
  cf_row_changed_cb (self);
}

gboolean
sintesi_send_page_is_sending (SintesiSendPage *self)
{
  g_return_val_if_fail (SINTESI_IS_SEND_PAGE (self), FALSE);
  return self->sending;
}

static void
sintesi_send_page_dispose (GObject *object)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (object);

  /* A call on its way is not cancelled: its answer still reaches the
   * journal (the application is held until then). */
  self->disposed = TRUE;
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  if (self->passphrase_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->passphrase_dialog));
  g_clear_weak_pointer (&self->passphrase_dialog);
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (sintesi_send_page_parent_class)->dispose (object);
}

static void
sintesi_send_page_finalize (GObject *object)
{
  SintesiSendPage *self = SINTESI_SEND_PAGE (object);

  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->cda, g_bytes_unref);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_free (self->document_patient_cf);
  g_free (self->x_cart_id);

  G_OBJECT_CLASS (sintesi_send_page_parent_class)->finalize (object);
}

static const char * const field_ids[SINTESI_ANSWER_N_FIELDS] = {
  [SINTESI_ANSWER_FIELD_HTTP_STATUS] = "status",
  [SINTESI_ANSWER_FIELD_X_CART_ID] = "cart_id",
  [SINTESI_ANSWER_FIELD_TRACE_ID] = "trace_id",
  [SINTESI_ANSWER_FIELD_WORKFLOW_INSTANCE_ID] = "workflow",
  [SINTESI_ANSWER_FIELD_DOCUMENT_ID] = "document_id",
  [SINTESI_ANSWER_FIELD_WARNING] = "warning",
  [SINTESI_ANSWER_FIELD_ERROR_TITLE] = "error_title",
  [SINTESI_ANSWER_FIELD_ERROR_DETAIL] = "error_detail",
  [SINTESI_ANSWER_FIELD_ERROR_TYPE] = "error_type",
  [SINTESI_ANSWER_FIELD_JOURNAL_RECORD] = "journal",
};

static void
sintesi_send_page_class_init (SintesiSendPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sintesi_send_page_dispose;
  object_class->finalize = sintesi_send_page_finalize;

  /* A call ended and is in the journal (journal id, accepted or not). */
  signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-send-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, clamp);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, cf_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, cf_error);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, document_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, document_error);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, example_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, send_spinner);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, send_label);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, send_hint);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, result_box);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, result_icon);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, result_title);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, result_description);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, result_grid);
  gtk_widget_class_bind_template_child (widget_class, SintesiSendPage, copy_cart_id_button);
  /* The template's ids, by SintesiAnswerField. */
  for (guint i = 0; i < SINTESI_ANSWER_N_FIELDS; i++)
    {
      g_autofree char *name_id = g_strconcat (field_ids[i], "_name", NULL);
      g_autofree char *label_id = g_strconcat (field_ids[i], "_label", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, name_id, FALSE,
                                                 G_STRUCT_OFFSET (SintesiSendPage, field_names) + i * sizeof (GtkWidget *));
      gtk_widget_class_bind_template_child_full (widget_class, label_id, FALSE,
                                                 G_STRUCT_OFFSET (SintesiSendPage, field_labels) + i * sizeof (GtkLabel *));
    }
  gtk_widget_class_bind_template_callback (widget_class, cf_row_changed_cb);

  gtk_widget_class_install_action (widget_class, "send.use-example", NULL, use_example_activated);
  gtk_widget_class_install_action (widget_class, "send.choose-cda", NULL, choose_cda_activated);
  gtk_widget_class_install_action (widget_class, "send.choose-pdf", NULL, choose_pdf_activated);
  gtk_widget_class_install_action (widget_class, "send.send", NULL, send_activated);
  gtk_widget_class_install_action (widget_class, "send.copy-cart-id", NULL, copy_cart_id_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "send.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "send.send", NULL);
}

static void
sintesi_send_page_init (SintesiSendPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_state (self);
}
