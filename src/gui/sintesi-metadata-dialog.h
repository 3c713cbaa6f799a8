/* sintesi-metadata-dialog.h: what a metadata update changes */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SINTESI_TYPE_METADATA_DIALOG (sintesi_metadata_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SintesiMetadataDialog, sintesi_metadata_dialog, SINTESI, METADATA_DIALOG, AdwWindow)

/* obscured: whether the document carries P99 now; assetto: its
 * assettoOrganizzativo now (may be NULL). "send" is emitted when the
 * physician sends; the dialog then closes. */
SintesiMetadataDialog *sintesi_metadata_dialog_new          (GtkWindow             *parent,
                                                             gboolean               obscured,
                                                             const char            *assetto);
gboolean               sintesi_metadata_dialog_get_obscured (SintesiMetadataDialog *self);
/* The assettoOrganizzativo typed, blanks removed. */
char                  *sintesi_metadata_dialog_dup_assetto  (SintesiMetadataDialog *self);

G_END_DECLS
