/* sintesi-profile-dialog.h: create or edit a physician profile */
#pragma once

#include <adwaita.h>

#include "sintesi-profile.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_PROFILE_DIALOG (sintesi_profile_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SintesiProfileDialog, sintesi_profile_dialog, SINTESI, PROFILE_DIALOG, AdwWindow)

/* profile NULL: a new profile (the sandbox's defaults); otherwise its fields
 * are edited on a copy, and written only by Save. "saved" (name) is emitted
 * once the profile is on disk, then the dialog closes. */
SintesiProfileDialog *sintesi_profile_dialog_new           (GtkWindow            *parent,
                                                            SintesiProfile       *profile);
/* The editor of a field (a SINTESI_PROFILE_FIELD_*): a GtkEditable row, an
 * AdwComboRow for the environment. NULL for a field the form lacks. */
GtkWidget            *sintesi_profile_dialog_get_field_row (SintesiProfileDialog *self,
                                                            const char           *field);
/* The sentence shown under the field, or NULL when there is none. */
const char           *sintesi_profile_dialog_get_problem   (SintesiProfileDialog *self,
                                                            const char           *field);
/* The CA file (sandbox and custom); what the file chooser sets. */
void                  sintesi_profile_dialog_set_ca_file   (SintesiProfileDialog *self,
                                                            const char           *path);
gboolean              sintesi_profile_dialog_can_save      (SintesiProfileDialog *self);

G_END_DECLS
