/* sintesi-history-page.c: the journal of every call to the gateway
 *
 * Newest first, one row per call: when, what, which patient, how it ended
 * and the X-CART-id. The search box takes any identifier a physician or
 * the help desk may have at hand (codice fiscale, X-CART-id, traceID,
 * workflowInstanceId, document id) and matches it exactly, through the
 * journal's indexes.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-gui-labels.h"
#include "sintesi-history-page.h"
#include "sintesi-journal-search.h"
#include "sintesi-record-window.h"

/* A screenful and then some; the search finds anything older. */
#define HISTORY_LIMIT 200

struct _SintesiHistoryPage
{
  AdwBin              parent_instance;

  GtkSearchEntry     *search_entry;
  GtkStack           *content_stack;
  GtkListBox         *list_box;
  GtkLabel           *count_label;
  AdwStatusPage      *empty_page;

  SintesiApplication *application;  /* not owned */
  SintesiProfile     *profile;
  guint               n_shown;
};

G_DEFINE_FINAL_TYPE (SintesiHistoryPage, sintesi_history_page, ADW_TYPE_BIN)

static GtkWidget *
record_row_new (const SintesiJournalRecord *record)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *outcome;
  GtkWidget *status;
  const char *css_class = NULL;
  g_autofree char *when = sintesi_gui_format_time (record->created_at);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *http = NULL;
  g_autoptr(GString) tooltip = g_string_new (NULL);

  title = g_strdup_printf ("%s · %s", record->patient_cf != NULL ? record->patient_cf : "—",
                           sintesi_gui_operation_label (record->operation));
  subtitle = g_strdup_printf ("%s · X-CART-id %s", when,
                              record->x_cart_id != NULL ? record->x_cart_id
                              : record->x_cart_id_missing ? _("missing from the answer") : "—");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  if (record->http_status > 0)
    {
      http = g_strdup_printf ("HTTP %u", record->http_status);
      status = gtk_label_new (http);
      gtk_widget_add_css_class (status, "dim-label");
      gtk_widget_add_css_class (status, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
    }
  outcome = gtk_label_new (sintesi_gui_outcome_label (record, &css_class));
  gtk_widget_add_css_class (outcome, "outcome");
  gtk_widget_add_css_class (outcome, css_class);
  gtk_widget_set_valign (outcome, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), outcome);

  if (record->document_id != NULL)
    g_string_append_printf (tooltip, "identificativoDoc: %s", record->document_id);
  if (record->trace_id != NULL)
    g_string_append_printf (tooltip, "%straceID: %s", tooltip->len ? "\n" : "", record->trace_id);
  if (record->error_title != NULL)
    g_string_append_printf (tooltip, "%s%s", tooltip->len ? "\n" : "", record->error_title);
  if (record->failure_message != NULL)
    g_string_append_printf (tooltip, "%s%s", tooltip->len ? "\n" : "", record->failure_message);
  if (tooltip->len > 0)
    gtk_widget_set_tooltip_text (row, tooltip->str);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "sintesi-journal-id", g_memdup2 (&record->id, sizeof record->id), g_free);
  return row;
}

static void
show_empty (SintesiHistoryPage *self,
            const char         *title,
            const char         *description)
{
  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

void
sintesi_history_page_reload (SintesiHistoryPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  SintesiJournalQuery query = { 0 };
  SintesiJournal *journal;
  GtkWidget *child;
  gint64 total;

  g_return_if_fail (SINTESI_IS_HISTORY_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->n_shown = 0;

  if (self->application == NULL || self->profile == NULL)
    {
      show_empty (self, _("No profile yet"),
                  _("The calls of the active physician profile will be listed here."));
      return;
    }
  journal = sintesi_application_get_journal (self->application, &error);
  query.profile = sintesi_profile_get_name (self->profile);
  query.text = stripped[0] != '\0' ? stripped : NULL;
  query.limit = HISTORY_LIMIT;
  if (journal == NULL ||
      (records = sintesi_journal_search (journal, &query, &error)) == NULL ||
      (total = sintesi_journal_count (journal, &query, &error)) < 0)
    {
      show_empty (self, _("The history cannot be read"), error->message);
      return;
    }

  if (records->len == 0)
    {
      if (query.text != NULL)
        show_empty (self, _("No matching calls"),
                    _("The search matches a codice fiscale, an X-CART-id, a traceID, a workflowInstanceId or a document id, exactly."));
      else
        show_empty (self, _("No calls yet"),
                    _("Every call to the gateway is recorded here before it leaves, with the X-CART-id of its answer."));
      return;
    }

  for (guint i = 0; i < records->len; i++)
    gtk_list_box_append (self->list_box, record_row_new (g_ptr_array_index (records, i)));
  self->n_shown = records->len;

  if (total > records->len)
    {
      g_autofree char *shown = g_strdup_printf ("%u", records->len);
      g_autofree char *all = g_strdup_printf ("%" G_GINT64_FORMAT, total);
      g_autofree char *note = g_strdup_printf (_("The newest %s of %s calls; search to find older ones."), shown, all);

      gtk_label_set_label (self->count_label, note);
    }
  else
    gtk_label_set_label (self->count_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), total > records->len);
  gtk_stack_set_visible_child_name (self->content_stack, "list");
}

static void
record_call_made_cb (SintesiHistoryPage *self)
{
  sintesi_history_page_reload (self);
}

SintesiRecordWindow *
sintesi_history_page_show_record (SintesiHistoryPage *self,
                                  gint64              journal_id)
{
  g_autoptr(SintesiJournalRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  SintesiJournal *journal;
  SintesiRecordWindow *window;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_return_val_if_fail (SINTESI_IS_HISTORY_PAGE (self), NULL);

  journal = self->application != NULL ? sintesi_application_get_journal (self->application, &error) : NULL;
  if (journal == NULL || (record = sintesi_journal_get_record (journal, journal_id, &error)) == NULL)
    {
      g_warning ("Journal record %" G_GINT64_FORMAT " cannot be read: %s", journal_id,
                 error != NULL ? error->message : "no journal");
      return NULL;
    }
  window = sintesi_record_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->application, record);
  /* What the window sends is listed at once. */
  g_signal_connect_object (window, "call-made", G_CALLBACK (record_call_made_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
row_activated_cb (SintesiHistoryPage *self,
                  GtkListBoxRow      *row)
{
  const gint64 *journal_id = g_object_get_data (G_OBJECT (row), "sintesi-journal-id");

  if (journal_id != NULL)
    sintesi_history_page_show_record (self, *journal_id);
}

static void
search_changed_cb (SintesiHistoryPage *self)
{
  sintesi_history_page_reload (self);
}

void
sintesi_history_page_set_application (SintesiHistoryPage *self,
                                      SintesiApplication *application)
{
  g_return_if_fail (SINTESI_IS_HISTORY_PAGE (self));
  self->application = application;
}

void
sintesi_history_page_set_profile (SintesiHistoryPage *self,
                                  SintesiProfile     *profile)
{
  g_return_if_fail (SINTESI_IS_HISTORY_PAGE (self));
  if (g_set_object (&self->profile, profile))
    sintesi_history_page_reload (self);
}

guint
sintesi_history_page_get_n_shown (SintesiHistoryPage *self)
{
  g_return_val_if_fail (SINTESI_IS_HISTORY_PAGE (self), 0);
  return self->n_shown;
}

static void
sintesi_history_page_finalize (GObject *object)
{
  SintesiHistoryPage *self = SINTESI_HISTORY_PAGE (object);

  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sintesi_history_page_parent_class)->finalize (object);
}

static void
sintesi_history_page_class_init (SintesiHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sintesi_history_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiHistoryPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SintesiHistoryPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SintesiHistoryPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, SintesiHistoryPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SintesiHistoryPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
sintesi_history_page_init (SintesiHistoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
