/* sintesi-submission-task.h: one call to the gateway from a window
 *
 * What the send page and the record window share: the call runs as
 * sintesi_submission_send() on a worker thread, pointed at the
 * application's sandbox when the profile is a sandbox profile, with the
 * application held until the answer is on record; the keystore
 * passphrase is asked once per run (D17) and kept in memory only.
 */
#pragma once

#include <adwaita.h>

#include "sintesi-application.h"
#include "sintesi-submission.h"

G_BEGIN_DECLS

/* Starts submission (copied: the caller's strings and bytes may go at
 * once). The profile's sandbox overrides and the remembered passphrase are
 * filled in here. Always finish it with sintesi_submission_task_finish(). */
void                     sintesi_submission_task_run    (gpointer                 source_object,
                                                         SintesiApplication      *application,
                                                         const SintesiSubmission *submission,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
/* The result, or NULL with error when the call was refused before it was
 * recorded. A refused passphrase is forgotten here. */
SintesiSubmissionResult *sintesi_submission_task_finish (GAsyncResult            *result,
                                                         GError                 **error);

/* Whether a sandbox profile has its sandbox running (TRUE for the others). */
gboolean                 sintesi_submission_task_sandbox_ready    (SintesiApplication *application,
                                                                   SintesiProfile     *profile);
/* Whether the profile's keys need a passphrase not yet given in this run. */
gboolean                 sintesi_submission_task_needs_passphrase (SintesiApplication *application,
                                                                   SintesiProfile     *profile);

typedef void (*SintesiPassphraseGiven) (gpointer user_data);

/* Asks for the profile's passphrase; when given, it is remembered for the
 * run and given() is called. unlock_label: the button, e.g. "_Unlock and
 * Send". The dialog is transient for widget's window; the caller destroys
 * it if it goes away first. */
AdwMessageDialog        *sintesi_submission_task_ask_passphrase   (GtkWidget              *widget,
                                                                   SintesiApplication     *application,
                                                                   SintesiProfile         *profile,
                                                                   const char             *unlock_label,
                                                                   SintesiPassphraseGiven  given,
                                                                   gpointer                user_data);

/* How an answer reads on screen, the same wherever a call is made:
 * icon, style class ("success", "warning", "error"), title and what it
 * means. accepted: HTTP 2xx. */
gboolean                 sintesi_submission_task_describe (SintesiGatewayOperation   operation,
                                                           SintesiSubmissionResult  *result,
                                                           const char              **icon_name,
                                                           const char              **css_class,
                                                           char                    **title,
                                                           char                    **description);

/* How a call refused before it was sent reads on screen (error: why),
 * in the terms of sintesi_submission_task_describe(). */
void                     sintesi_submission_task_describe_refusal (const GError  *error,
                                                                   const char   **icon_name,
                                                                   const char   **css_class,
                                                                   char         **title,
                                                                   char         **description);

/* Where result starts inside content, the scrolled child of scroller,
 * once it has its place in the layout: FALSE while it has none yet. */
gboolean                 sintesi_submission_task_result_top (GtkScrolledWindow *scroller,
                                                             GtkWidget         *content,
                                                             GtkWidget         *result,
                                                             double            *top);

/* Shows icon_name in image, coloured by css_class ("success", "warning",
 * "error"); with a NULL icon_name only the colour goes. */
void                     sintesi_submission_task_set_icon (GtkImage                 *image,
                                                           const char               *icon_name,
                                                           const char               *css_class);

/* The lines of an answer, in the order they are shown wherever a call is
 * made. */
typedef enum
{
  SINTESI_ANSWER_FIELD_HTTP_STATUS,
  SINTESI_ANSWER_FIELD_X_CART_ID,
  SINTESI_ANSWER_FIELD_TRACE_ID,
  SINTESI_ANSWER_FIELD_WORKFLOW_INSTANCE_ID,
  SINTESI_ANSWER_FIELD_DOCUMENT_ID,
  SINTESI_ANSWER_FIELD_WARNING,
  SINTESI_ANSWER_FIELD_ERROR_TITLE,
  SINTESI_ANSWER_FIELD_ERROR_DETAIL,
  SINTESI_ANSWER_FIELD_ERROR_TYPE,
  SINTESI_ANSWER_FIELD_JOURNAL_RECORD,
  SINTESI_ANSWER_N_FIELDS
} SintesiAnswerField;

/* value is NULL where the answer has nothing for the line; copyable: an
 * identifier the physician may need to quote. */
typedef void (*SintesiAnswerFieldFunc) (SintesiAnswerField  field,
                                        const char         *title,
                                        const char         *value,
                                        gboolean            copyable,
                                        gpointer            user_data);

/* Calls func for every line of result's answer, in order. accepted: as
 * sintesi_submission_task_describe() said (a 2xx answer has no error
 * lines). asked_workflow_id: for a status request, the workflowInstanceId
 * asked about, shown when the answer does not repeat it; may be NULL. */
void                     sintesi_submission_task_foreach_answer_field (SintesiGatewayOperation  operation,
                                                                       SintesiSubmissionResult *result,
                                                                       gboolean                 accepted,
                                                                       const char              *asked_workflow_id,
                                                                       SintesiAnswerFieldFunc   func,
                                                                       gpointer                 user_data);

G_END_DECLS
