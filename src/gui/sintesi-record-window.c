/* sintesi-record-window.c: everything the journal knows of one call
 *
 * Opened from the history. Every identifier a help desk may ask for
 * (X-CART-id first) has a copy button, since labels in rows cannot be
 * selected with libadwaita 1.2.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-gui-labels.h"
#include "sintesi-record-window.h"

struct _SintesiRecordWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *summary_group;
  AdwPreferencesGroup *ids_group;
  AdwPreferencesGroup *answer_group;

  GHashTable          *values;  /* field title → value shown */
};

G_DEFINE_FINAL_TYPE (SintesiRecordWindow, sintesi_record_window, ADW_TYPE_WINDOW)

static gboolean
add_row (SintesiRecordWindow *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value,
         gboolean             copyable)
{
  GtkWidget *row;

  if (value == NULL || value[0] == '\0')
    return FALSE;

  row = adw_action_row_new ();
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
  adw_preferences_group_add (group, row);
  g_hash_table_insert (self->values, g_strdup (title), g_strdup (value));
  return TRUE;
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

const char *
sintesi_record_window_get_value (SintesiRecordWindow *self,
                                 const char          *title)
{
  g_return_val_if_fail (SINTESI_IS_RECORD_WINDOW (self), NULL);
  return g_hash_table_lookup (self->values, title);
}

static void
sintesi_record_window_finalize (GObject *object)
{
  SintesiRecordWindow *self = SINTESI_RECORD_WINDOW (object);

  g_hash_table_unref (self->values);

  G_OBJECT_CLASS (sintesi_record_window_parent_class)->finalize (object);
}

static void
sintesi_record_window_class_init (SintesiRecordWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sintesi_record_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-record-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, summary_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, ids_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiRecordWindow, answer_group);

  gtk_widget_class_install_action (widget_class, "record.copy", "s", copy_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sintesi_record_window_init (SintesiRecordWindow *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

SintesiRecordWindow *
sintesi_record_window_new (GtkWindow                  *parent,
                           const SintesiJournalRecord *record)
{
  SintesiRecordWindow *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (SINTESI_TYPE_RECORD_WINDOW,
                       "transient-for", parent,
                       NULL);
  fill (self, record);
  return self;
}
