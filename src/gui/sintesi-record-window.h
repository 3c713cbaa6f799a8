/* sintesi-record-window.h: everything the journal knows of one call */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"
#include "sintesi-journal.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_RECORD_WINDOW (sintesi_record_window_get_type ())
G_DECLARE_FINAL_TYPE (SintesiRecordWindow, sintesi_record_window, SINTESI, RECORD_WINDOW, AdwWindow)

/* application: to act on the record's document (NULL: only look). The
 * window emits "call-made" (journal id) when a request it made ended. */
SintesiRecordWindow *sintesi_record_window_new (GtkWindow                  *parent,
                                                SintesiApplication         *application,
                                                const SintesiJournalRecord *record);

/* Replace the record's document with the CDA or signed PDF in file: it
 * must be about the same patient under a new ClinicalDocument/id. FALSE
 * with error (also shown in the window) when refused before sending. */
gboolean             sintesi_record_window_replace_with_file (SintesiRecordWindow  *self,
                                                              GFile                *file,
                                                              GError              **error);

/* The value shown for a field title ("X-CART-id", …), or NULL. For tests. */
const char          *sintesi_record_window_get_value (SintesiRecordWindow *self,
                                                      const char          *title);
/* For tests: the last request's answer ("Title", "HTTP status",
 * "X-CART-id", …), the status events shown, whether a request is out. */
const char          *sintesi_record_window_get_result_value (SintesiRecordWindow *self,
                                                             const char          *title);
guint                sintesi_record_window_get_n_events     (SintesiRecordWindow *self);
gboolean             sintesi_record_window_is_busy          (SintesiRecordWindow *self);

G_END_DECLS
