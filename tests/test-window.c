/* test-window.c: the main window comes up, with its content, and is drawn */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sintesi-application.h"
#include "sintesi-window.h"
#include "sintesi-test-util.h"

static void
wait_for_draw (GtkWidget *widget)
{
  /* A few frames: enough for the first layout and paint to happen. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  gtk_test_widget_wait_for_draw (widget);
  gdk_display_sync (gtk_widget_get_display (widget));
}

static GdkTexture *
render_window (GtkWidget *window)
{
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* A blank or single-colour picture has almost no distinct colours; a window
 * with a header bar, text and an icon has many. */
static guint
count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
      }
  return g_hash_table_size (colours);
}

static void
test_window_shows_welcome (void)
{
  g_autoptr(SintesiApplication) application = sintesi_application_new ();
  SintesiWindow *window;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *png = g_build_filename (tmp, "window.png", NULL);
  guint colours;

  g_assert_true (g_application_register (G_APPLICATION (application), NULL, NULL));
  window = sintesi_window_new (application);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Sintesi");
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));

  texture = render_window (GTK_WIDGET (window));
  g_assert_true (gdk_texture_save_to_png (texture, png));
  g_test_message ("screenshot: %s", png);
  colours = count_colours (texture);
  g_test_message ("distinct colours: %u", colours);
  g_assert_cmpuint (colours, >, 16);

  /* Keep the screenshot as an artefact when asked to. */
  if (g_getenv ("SINTESI_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *keep = g_build_filename (g_getenv ("SINTESI_SCREENSHOT_DIR"), "window.png", NULL);
      gdk_texture_save_to_png (texture, keep);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  sintesi_test_rmdir (tmp);
}

static void
skip_without_display (void)
{
  g_test_skip ("no display: build-aux/test runs the GUI tests under its own Xvfb");
}

int
main (int argc, char **argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_init (&argc, &argv, NULL);
      g_test_add_func ("/window/shows-welcome", skip_without_display);
      return g_test_run ();
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/window/shows-welcome", test_window_shows_welcome);
  return g_test_run ();
}
