/* sintesi-gui-labels.h: how journal facts are worded on screen
 *
 * Shared by the history list and the call details, so a call reads the
 * same everywhere.
 */
#pragma once

#include <glib.h>

#include "sintesi-journal.h"

G_BEGIN_DECLS

const char *sintesi_gui_operation_label (SintesiJournalOperation      operation);
/* How the call ended, in a word ("Accepted", "Outcome unknown", …), and the
 * style class that colours it ("success", "warning", "error"). */
const char *sintesi_gui_outcome_label   (const SintesiJournalRecord  *record,
                                         const char                 **css_class);
/* "27/11/2026 13:05" in local time, from the journal's UTC ISO 8601. */
char       *sintesi_gui_format_time     (const char                  *iso8601);

G_END_DECLS
