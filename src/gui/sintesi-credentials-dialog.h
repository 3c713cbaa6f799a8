/* sintesi-credentials-dialog.h: import a physician's A1 and S1 certificates */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"
#include "sintesi-credentials.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_CREDENTIALS_DIALOG (sintesi_credentials_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SintesiCredentialsDialog, sintesi_credentials_dialog, SINTESI, CREDENTIALS_DIALOG, AdwWindow)

typedef enum
{
  SINTESI_CREDENTIALS_FILE_MAIN,  /* the PKCS#12 file, or the PEM/DER certificate */
  SINTESI_CREDENTIALS_FILE_KEY,   /* the PEM key (PEM format only) */
} SintesiCredentialsFile;

/* Imports into profile's keystore. Actions: "credentials.check" imports both
 * files and runs the checks for the profile's environment; "credentials.store"
 * (enabled once no check fails) stores them, asking a passphrase when no
 * keyring answers; "stored" is emitted, then the dialog closes. */
SintesiCredentialsDialog *sintesi_credentials_dialog_new       (GtkWindow                *parent,
                                                                SintesiApplication       *application,
                                                                SintesiProfile           *profile);
/* TRUE: one PKCS#12 file per certificate; FALSE: PEM certificate + key. */
void          sintesi_credentials_dialog_set_pkcs12   (SintesiCredentialsDialog *self,
                                                       gboolean                  pkcs12);
/* What the file choosers set. */
void          sintesi_credentials_dialog_set_file     (SintesiCredentialsDialog *self,
                                                       SintesiCredentialSlot     slot,
                                                       SintesiCredentialsFile    which,
                                                       const char               *path);
/* The sentences the last check showed (import errors, then the checks),
 * and whether any of them blocks storing. */
GStrv         sintesi_credentials_dialog_dup_messages (SintesiCredentialsDialog *self,
                                                       gboolean                 *blocking);

/* The checks for profile's environment: the sandbox's CA in the sandbox,
 * the SOGEI roots the user imported on stage and production, the profile's
 * CA file for custom. Shared with the Profile page. */
GPtrArray    *sintesi_gui_check_credentials           (SintesiApplication       *application,
                                                       SintesiProfile           *profile,
                                                       SintesiCredential        *auth,
                                                       SintesiCredential        *sign);
/* One check as a row: its sentence, with an icon for its outcome. */
GtkWidget    *sintesi_gui_check_row_new               (const SintesiCredentialCheck *check);

G_END_DECLS
