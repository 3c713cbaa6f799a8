/* sintesi-metadata-dialog.c: what a metadata update changes
 *
 * The two things a physician changes after publication: the obscuring
 * (P99) and the organisational setting. What was there is shown first;
 * the caller turns the choice into the update's body.
 */
#include "config.h"

#include "sintesi-metadata-dialog.h"

struct _SintesiMetadataDialog
{
  AdwWindow    parent_instance;

  GtkSwitch   *obscure_switch;
  AdwEntryRow *assetto_row;
};

G_DEFINE_FINAL_TYPE (SintesiMetadataDialog, sintesi_metadata_dialog, ADW_TYPE_WINDOW)

enum {
  SEND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
send_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  /* Closed after the signal: its handler still reads the choice. */
  g_signal_emit (widget, signals[SEND], 0);
  gtk_window_destroy (GTK_WINDOW (widget));
}

gboolean
sintesi_metadata_dialog_get_obscured (SintesiMetadataDialog *self)
{
  g_return_val_if_fail (SINTESI_IS_METADATA_DIALOG (self), FALSE);
  return gtk_switch_get_active (self->obscure_switch);
}

char *
sintesi_metadata_dialog_dup_assetto (SintesiMetadataDialog *self)
{
  g_return_val_if_fail (SINTESI_IS_METADATA_DIALOG (self), NULL);
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->assetto_row))));
}

static void
sintesi_metadata_dialog_class_init (SintesiMetadataDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-metadata-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiMetadataDialog, obscure_switch);
  gtk_widget_class_bind_template_child (widget_class, SintesiMetadataDialog, assetto_row);
  gtk_widget_class_install_action (widget_class, "metadata.send", NULL, send_activated);
}

static void
sintesi_metadata_dialog_init (SintesiMetadataDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SintesiMetadataDialog *
sintesi_metadata_dialog_new (GtkWindow  *parent,
                             gboolean    obscured,
                             const char *assetto)
{
  SintesiMetadataDialog *self = g_object_new (SINTESI_TYPE_METADATA_DIALOG,
                                              "transient-for", parent,
                                              NULL);

  gtk_switch_set_active (self->obscure_switch, obscured);
  if (assetto != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->assetto_row), assetto);
  return self;
}
