/* sintesi-gui-labels.c: how journal facts are worded on screen */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-gui-labels.h"

const char *
sintesi_gui_operation_label (SintesiJournalOperation operation)
{
  switch (operation)
    {
    case SINTESI_JOURNAL_OPERATION_CREATE:          return _("New document");
    case SINTESI_JOURNAL_OPERATION_REPLACE:         return _("Replacement");
    case SINTESI_JOURNAL_OPERATION_DELETE:          return _("Deletion");
    case SINTESI_JOURNAL_OPERATION_UPDATE_METADATA: return _("Metadata update");
    case SINTESI_JOURNAL_OPERATION_STATUS:          return _("Status request");
    default:                                        return "?";
    }
}

const char *
sintesi_gui_outcome_label (const SintesiJournalRecord  *record,
                           const char                 **css_class)
{
  switch (record->state)
    {
    case SINTESI_JOURNAL_STATE_ANSWERED:
      if (record->http_status >= 200 && record->http_status < 300)
        {
          *css_class = "success";
          return _("Accepted");
        }
      *css_class = "error";
      return _("Refused");
    case SINTESI_JOURNAL_STATE_FAILED:
      *css_class = "warning";
      return _("No answer");
    case SINTESI_JOURNAL_STATE_PREPARED:
    default:
      *css_class = "warning";
      return record->outcome_unknown ? _("Outcome unknown") : _("Sending…");
    }
}

char *
sintesi_gui_format_time (const char *iso8601)
{
  g_autoptr(GDateTime) utc = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso8601 != NULL ? iso8601 : "");
  local = g_date_time_to_local (utc);
  /* Day first, as Italian physicians write dates. */
  return g_date_time_format (local, "%d/%m/%Y %H:%M");
}
