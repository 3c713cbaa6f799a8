/* sintesi-record-window.h: everything the journal knows of one call */
#pragma once

#include <adwaita.h>

#include "sintesi-journal.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_RECORD_WINDOW (sintesi_record_window_get_type ())
G_DECLARE_FINAL_TYPE (SintesiRecordWindow, sintesi_record_window, SINTESI, RECORD_WINDOW, AdwWindow)

SintesiRecordWindow *sintesi_record_window_new (GtkWindow                  *parent,
                                                const SintesiJournalRecord *record);

/* The value shown for a field title ("X-CART-id", …), or NULL. For tests. */
const char          *sintesi_record_window_get_value (SintesiRecordWindow *self,
                                                      const char          *title);

G_END_DECLS
