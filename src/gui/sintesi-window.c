/* sintesi-window.c: the main window
 *
 * For now it greets the user and explains the sandbox, where every send goes
 * to the built-in simulator with test certificates, so nothing is real until
 * the physician imports SOGEI certificates and switches environment.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-window.h"

struct _SintesiWindow
{
  AdwApplicationWindow  parent_instance;

  AdwStatusPage        *welcome_page;
};

G_DEFINE_FINAL_TYPE (SintesiWindow, sintesi_window, ADW_TYPE_APPLICATION_WINDOW)

static void
sintesi_window_class_init (SintesiWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, welcome_page);
}

static void
sintesi_window_init (SintesiWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

SintesiWindow *
sintesi_window_new (SintesiApplication *application)
{
  return g_object_new (SINTESI_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
