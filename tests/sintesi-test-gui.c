/* sintesi-test-gui.c: what the GUI test programs share */
#include "config.h"

#include <adwaita.h>

#include "sintesi-paths.h"
#include "sintesi-sandbox.h"
#include "sintesi-test-gui.h"
#include "sintesi-test-util.h"

static char *home;
static SintesiApplication *opened_application;  /* not owned */
static char *screenshot_dir;

static void
skip_without_display (void)
{
  g_test_skip ("no display: build-aux/test runs the GUI tests under its own Xvfb");
}

gboolean
sintesi_test_gui_init (int         *argc,
                       char      ***argv,
                       const char  *skip_path)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_init (argc, argv, NULL);
      g_test_add_func (skip_path, skip_without_display);
      return FALSE;
    }

  /* No session bus: the demo keys get a per-run passphrase, and no real
   * keyring is ever asked. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sintesi-test-bus", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* Screenshots of settled widgets, not of transitions. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  return TRUE;
}

const char *
sintesi_test_gui_setup_home (void)
{
  g_autofree char *config_dir = NULL;
  g_autofree char *data_dir = NULL;
  const char *kept = g_getenv ("SINTESI_SCREENSHOT_DIR");

  g_assert_null (home);
  home = sintesi_test_mkdtemp ();
  config_dir = g_build_filename (home, "config", NULL);
  data_dir = g_build_filename (home, "data", NULL);
  sintesi_paths_set_config_dir (config_dir);
  sintesi_paths_set_data_dir (data_dir);
  screenshot_dir = g_strdup (kept != NULL ? kept : home);
  return home;
}

void
sintesi_test_gui_teardown_home (void)
{
  if (g_getenv ("SINTESI_SCREENSHOT_DIR") == NULL)
    sintesi_test_rmdir (home);
  g_clear_pointer (&screenshot_dir, g_free);
  g_clear_pointer (&home, g_free);
}

SintesiWindow *
sintesi_test_gui_open_window (SintesiApplication **application)
{
  SintesiWindow *window;

  *application = sintesi_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (*application), NULL, NULL));
  opened_application = *application;
  window = sintesi_window_new (*application);
  gtk_window_present (GTK_WINDOW (window));
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (window));
  return window;
}

gboolean
sintesi_test_gui_sandbox_settled (void)
{
  SintesiSandboxState state;

  g_assert_nonnull (opened_application);
  state = sintesi_application_get_sandbox_state (opened_application);
  return state == SINTESI_SANDBOX_STATE_RUNNING || state == SINTESI_SANDBOX_STATE_FAILED;
}

SintesiWindow *
sintesi_test_gui_open_narrow_window (SintesiApplication *application)
{
  SintesiWindow *narrow;

  /* libadwaita 1.2's view switcher bar reveals itself with a zero-sized
   * allocation (and a GTK warning) when animations are off: on here, as
   * on a real desktop. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  narrow = sintesi_window_new (application);
  gtk_window_set_default_size (GTK_WINDOW (narrow), 360, 720);
  gtk_window_present (GTK_WINDOW (narrow));
  return narrow;
}

void
sintesi_test_gui_wait_for_draw (GtkWidget *widget)
{
  /* A few frames: enough for the first layout and paint to happen. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  gtk_test_widget_wait_for_draw (widget);
  gdk_display_sync (gtk_widget_get_display (widget));
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sintesi_test_gui_wait_until (gboolean (*condition) (void),
                             guint      seconds)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (seconds, timed_out_cb, &timed_out);

  while (!condition () && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  return condition ();
}

static gboolean pause_over;

static gboolean
pause_is_over (void)
{
  return pause_over;
}

static gboolean
pause_done_cb (gpointer data)
{
  pause_over = TRUE;
  return G_SOURCE_REMOVE;
}

void
sintesi_test_gui_pause_ms (guint milliseconds)
{
  pause_over = FALSE;
  g_timeout_add (milliseconds, pause_done_cb, NULL);
  g_assert_true (sintesi_test_gui_wait_until (pause_is_over, 10));
}

gpointer
sintesi_test_gui_template_child (GtkWidget  *widget,
                                 GType       type,
                                 const char *name)
{
  GObject *object = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (object);
  return object;
}

gpointer
sintesi_test_gui_find_toplevel (GType       type,
                                const char *name)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
        (name == NULL || g_strcmp0 (gtk_widget_get_name (l->data), name) == 0) &&
        gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

typedef gboolean (*WidgetMatch) (GtkWidget  *widget,
                                 const char *text);

static GtkWidget *
find_descendant (GtkWidget   *widget,
                 WidgetMatch  match,
                 const char  *text)
{
  if (match (widget, text))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_named (GtkWidget  *widget,
          const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
is_button_labelled (GtkWidget  *widget,
                    const char *label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_label_showing (GtkWidget  *widget,
                  const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

GtkWidget *
sintesi_test_gui_find_named (GtkWidget  *widget,
                             const char *name)
{
  return find_descendant (widget, is_named, name);
}

GtkWidget *
sintesi_test_gui_find_button (GtkWidget  *widget,
                              const char *label)
{
  return find_descendant (widget, is_button_labelled, label);
}

GtkWidget *
sintesi_test_gui_find_label (GtkWidget  *widget,
                             const char *text)
{
  return find_descendant (widget, is_label_showing, text);
}

GdkTexture *
sintesi_test_gui_screenshot_texture (GtkWidget  *shown,
                                     const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *png = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GdkTexture *texture;
  GtkSnapshot *snapshot;
  int width, height;

  g_assert_nonnull (screenshot_dir);
  png = g_build_filename (screenshot_dir, file, NULL);
  sintesi_test_gui_wait_for_draw (shown);
  width = gtk_widget_get_width (shown);
  height = gtk_widget_get_height (shown);
  paintable = gtk_widget_paintable_new (shown);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  /* shown may be a part of a window: its window renders it. */
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (shown)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, png));
  g_test_message ("screenshot %s", png);
  return texture;
}

void
sintesi_test_gui_screenshot (GtkWidget  *shown,
                             const char *name)
{
  g_object_unref (sintesi_test_gui_screenshot_texture (shown, name));
}
