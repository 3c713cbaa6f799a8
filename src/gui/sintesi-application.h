/* sintesi-application.h: the GTK application object */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SINTESI_TYPE_APPLICATION (sintesi_application_get_type ())
G_DECLARE_FINAL_TYPE (SintesiApplication, sintesi_application, SINTESI, APPLICATION, AdwApplication)

SintesiApplication *sintesi_application_new (void);

G_END_DECLS
