/* sintesi-test-gui.h: what the GUI test programs share
 *
 * Each GUI test runs one application in a throwaway home, on the display
 * build-aux/test starts, and drives it through its widgets: waiting for
 * the main loop to reach a state, looking up template children, and
 * saving what is drawn as PNGs.
 */
#pragma once

#include <gtk/gtk.h>

#include "sintesi-application.h"
#include "sintesi-window.h"

G_BEGIN_DECLS

/* Without a display, registers skip_path as a skipped test and returns
 * FALSE: main() then returns g_test_run(). With one, sets GTK and
 * libadwaita up for testing (no session bus, animations off) and returns
 * TRUE. */
gboolean    sintesi_test_gui_init               (int         *argc,
                                                 char      ***argv,
                                                 const char  *skip_path);

/* A fresh home (its config and data folders made the application's),
 * and where screenshots go: $SINTESI_SCREENSHOT_DIR, or the home. */
const char *sintesi_test_gui_setup_home         (void);
/* Removes the home (kept when it holds the screenshots). */
void        sintesi_test_gui_teardown_home      (void);

/* A registered application (stored in *application) and its main
 * window, shown and drawn. */
SintesiWindow *sintesi_test_gui_open_window     (SintesiApplication **application);
/* Whether the sandbox of the application opened there started or failed:
 * a condition for sintesi_test_gui_wait_until(). */
gboolean    sintesi_test_gui_sandbox_settled    (void);
/* Another main window of application at phone size, shown, with
 * animations on. */
SintesiWindow *sintesi_test_gui_open_narrow_window (SintesiApplication *application);

void        sintesi_test_gui_wait_for_draw      (GtkWidget   *widget);
/* Iterates the main loop until condition holds, for at most seconds;
 * returns whether it holds. */
gboolean    sintesi_test_gui_wait_until         (gboolean   (*condition) (void),
                                                 guint        seconds);
/* Lets transitions run their course. */
void        sintesi_test_gui_pause_ms           (guint        milliseconds);

/* The template child name of widget (a template of type), asserted to
 * exist. */
gpointer    sintesi_test_gui_template_child     (GtkWidget   *widget,
                                                 GType        type,
                                                 const char  *name);

/* The shown toplevel of type (named name, when not NULL), or NULL. */
gpointer    sintesi_test_gui_find_toplevel      (GType        type,
                                                 const char  *name);
/* widget or the first widget inside it (depth first) that is named name,
 * is a button labelled label (with its mnemonic), or a label showing
 * text; NULL when there is none. */
GtkWidget  *sintesi_test_gui_find_named         (GtkWidget   *widget,
                                                 const char  *name);
GtkWidget  *sintesi_test_gui_find_button        (GtkWidget   *widget,
                                                 const char  *label);
GtkWidget  *sintesi_test_gui_find_label         (GtkWidget   *widget,
                                                 const char  *text);

/* Draws shown, saves it as name.png in the screenshot folder and returns
 * the picture. */
GdkTexture *sintesi_test_gui_screenshot_texture (GtkWidget   *shown,
                                                 const char  *name);
void        sintesi_test_gui_screenshot         (GtkWidget   *shown,
                                                 const char  *name);

G_END_DECLS
