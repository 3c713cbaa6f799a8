/* sintesi-application.c: the GTK application object
 *
 * Owns the windows and the app-wide actions; everything that is not drawing
 * lives in libsintesi.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-application.h"
#include "sintesi-window.h"

struct _SintesiApplication
{
  AdwApplication  parent_instance;
  gboolean        exit_after_startup;
};

G_DEFINE_FINAL_TYPE (SintesiApplication, sintesi_application, ADW_TYPE_APPLICATION)

static void
sintesi_application_activate (GApplication *application)
{
  SintesiApplication *self = SINTESI_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (sintesi_window_new (self));
  gtk_window_present (window);

  /* Smoke test: every template loaded and the window was shown. */
  if (self->exit_after_startup)
    g_application_quit (application);
}

static int
sintesi_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  SintesiApplication *self = SINTESI_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "exit-after-startup"))
    self->exit_after_startup = TRUE;
  return -1;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Sintesi developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", PACKAGE_NAME,
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Send the patient summary (PSS) to the Tuscan FSE 2.0 gateway"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
sintesi_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (sintesi_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
}

static void
sintesi_application_class_init (SintesiApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = sintesi_application_activate;
  app_class->startup = sintesi_application_startup;
  app_class->handle_local_options = sintesi_application_handle_local_options;
}

static void
sintesi_application_init (SintesiApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "exit-after-startup", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
      N_("Quit once the main window is shown (smoke test)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

SintesiApplication *
sintesi_application_new (void)
{
  return g_object_new (SINTESI_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}
