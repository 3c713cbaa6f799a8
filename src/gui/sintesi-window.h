/* sintesi-window.h: the main window */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_WINDOW (sintesi_window_get_type ())
G_DECLARE_FINAL_TYPE (SintesiWindow, sintesi_window, SINTESI, WINDOW, AdwApplicationWindow)

SintesiWindow *sintesi_window_new       (SintesiApplication *application);
/* "send", "history" or "profile". */
void           sintesi_window_show_page (SintesiWindow      *self,
                                         const char         *name);

G_END_DECLS
