/* sintesi-send-page.h: compose and send one patient summary */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_SEND_PAGE (sintesi_send_page_get_type ())
G_DECLARE_FINAL_TYPE (SintesiSendPage, sintesi_send_page, SINTESI, SEND_PAGE, AdwBin)

void sintesi_send_page_set_application (SintesiSendPage    *self,
                                        SintesiApplication *application);
/* The physician who sends; NULL while there is none (sending is off). */
void sintesi_send_page_set_profile     (SintesiSendPage    *self,
                                        SintesiProfile     *profile);
/* Takes a CDA (XML) or a signed PDF (told apart by content) as the
 * document to send; FALSE with error, also shown under the document row,
 * when it cannot be read or names no patient. */
gboolean sintesi_send_page_open_file   (SintesiSendPage    *self,
                                        GFile              *file,
                                        GError            **error);
/* TRUE while a send is on its way. */
gboolean sintesi_send_page_is_sending  (SintesiSendPage    *self);

G_END_DECLS
