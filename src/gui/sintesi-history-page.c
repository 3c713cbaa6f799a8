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

#include "sintesi-history-page.h"
#include "sintesi-journal-search.h"

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

static const char *
operation_label (SintesiJournalOperation operation)
{
  switch (operation)
    {
    case SINTESI_JOURNAL_OPERATION_CREATE:          return _("New document");
    case SINTESI_JOURNAL_OPERATION_REPLACE:         return _("Replacement");
    case SINTESI_JOURNAL_OPERATION_DELETE:          return _("Deletion");
    case SINTESI_JOURNAL_OPERATION_UPDATE_METADATA: return _("Metadata update");
    case SINTESI_JOURNAL_OPERATION_STATUS:          return _("Status request");
    default:                                        return "?";
    }
}

/* How the call ended, in a word, and the style class that colours it. */
static const char *
outcome_label (const SintesiJournalRecord  *record,
               const char                 **css_class)
{
  switch (record->state)
    {
    case SINTESI_JOURNAL_STATE_ANSWERED:
      if (record->http_status >= 200 && record->http_status < 300)
        {
          *css_class = "success";
          return _("Accepted");
        }
      *css_class = "error";
      return _("Refused");
    case SINTESI_JOURNAL_STATE_FAILED:
      *css_class = "warning";
      return _("No answer");
    case SINTESI_JOURNAL_STATE_PREPARED:
    default:
      *css_class = "warning";
      return record->outcome_unknown ? _("Outcome unknown") : _("Sending…");
    }
}

static char *
format_local_time (const char *iso8601)
{
  g_autoptr(GDateTime) utc = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso8601 != NULL ? iso8601 : "");
  local = g_date_time_to_local (utc);
  /* Day first, as Italian physicians write dates. */
  return g_date_time_format (local, "%d/%m/%Y %H:%M");
}

static GtkWidget *
record_row_new (const SintesiJournalRecord *record)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *outcome;
  GtkWidget *status;
  const char *css_class = NULL;
  g_autofree char *when = format_local_time (record->created_at);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *http = NULL;
  g_autoptr(GString) tooltip = g_string_new (NULL);

  title = g_strdup_printf ("%s · %s", record->patient_cf != NULL ? record->patient_cf : "—",
                           operation_label (record->operation));
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
  outcome = gtk_label_new (outcome_label (record, &css_class));
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
    gtk_label_set_label (self->count_label, _("Hover over a call to see its document id and traceID."));
  gtk_stack_set_visible_child_name (self->content_stack, "list");
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
}

static void
sintesi_history_page_init (SintesiHistoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
