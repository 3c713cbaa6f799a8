/* sintesi-profile-page.h: who sends, where, and with which certificates */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_PROFILE_PAGE (sintesi_profile_page_get_type ())
G_DECLARE_FINAL_TYPE (SintesiProfilePage, sintesi_profile_page, SINTESI, PROFILE_PAGE, AdwBin)

void  sintesi_profile_page_set_application (SintesiProfilePage *self,
                                            SintesiApplication *application);
void  sintesi_profile_page_set_profile     (SintesiProfilePage *self,
                                            SintesiProfile     *profile);
/* The number of certificate checks shown, and how many failed (errors). */
guint sintesi_profile_page_get_n_checks    (SintesiProfilePage *self,
                                            guint              *n_errors);
/* Installs the Ministry's root certificates (PEM or DER files; only the
 * ones SOGEI publishes are accepted) and runs the checks again, as the
 * file chooser of Install… does: a toast says how many were installed, or
 * a dialog gives the refusal, which error also carries. */
gboolean sintesi_profile_page_install_roots (SintesiProfilePage  *self,
                                             GFile              **files,
                                             guint                n_files,
                                             GError             **error);

G_END_DECLS
