/* sintesi-history-page.h: the journal of every call to the gateway */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"
#include "sintesi-record-window.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_HISTORY_PAGE (sintesi_history_page_get_type ())
G_DECLARE_FINAL_TYPE (SintesiHistoryPage, sintesi_history_page, SINTESI, HISTORY_PAGE, AdwBin)

void  sintesi_history_page_set_application (SintesiHistoryPage *self,
                                            SintesiApplication *application);
/* Only this profile's calls are listed; NULL: none. */
void  sintesi_history_page_set_profile     (SintesiHistoryPage *self,
                                            SintesiProfile     *profile);
/* Reads the journal again (after a send). */
void  sintesi_history_page_reload          (SintesiHistoryPage *self);
/* Opens the details of one call (what activating its row does). */
SintesiRecordWindow *sintesi_history_page_show_record (SintesiHistoryPage *self,
                                                       gint64              journal_id);
/* How many calls the list shows. */
guint sintesi_history_page_get_n_shown     (SintesiHistoryPage *self);

G_END_DECLS
