/* test-window.c: the main window in the sandbox, driven through its widgets
 *
 * One application and one window for the whole program, in a throwaway
 * home (config and data folders) with no D-Bus session, so no real keyring
 * or profile is touched. The tests run in order: the sandbox comes up, a
 * wrong codice fiscale is refused as it is typed, a whole send goes through
 * the simulator, and then every page is drawn (the history with the call
 * just made) and saved as a PNG.
 */
#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>
#include <string.h>

#include "sintesi-application.h"
#include "sintesi-cf.h"
#include "sintesi-history-page.h"
#include "sintesi-journal.h"
#include "sintesi-keystore.h"
#include "sintesi-pdf.h"
#include "sintesi-pdf-render.h"
#include "sintesi-pss-builder.h"
#include "sintesi-profile-page.h"
#include "sintesi-record-window.h"
#include "sintesi-sandbox.h"
#include "sintesi-send-page.h"
#include "sintesi-window.h"
#include "sintesi-test-gui.h"
#include "sintesi-test-util.h"

static SintesiApplication *application;
static SintesiWindow *window;
static const char *home;
static char *first_document_id;

/* A blank or single-colour picture has almost no distinct colours; a window
 * with a header bar, text and icons has many. */
static guint
count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, sizeof pixel);
        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
      }
  return g_hash_table_size (colours);
}

/* Draws a window, checks it is not blank, keeps the PNG. */
static void
screenshot_of (GtkWidget  *shown,
               const char *name)
{
  g_autoptr(GdkTexture) texture = sintesi_test_gui_screenshot_texture (shown, name);
  guint colours = count_colours (texture);

  g_test_message ("screenshot %s: %u distinct colours", name, colours);
  g_assert_cmpuint (colours, >, 16);
}

static void
screenshot (const char *name)
{
  screenshot_of (GTK_WIDGET (window), name);
}

static gpointer
child (const char *name)
{
  return sintesi_test_gui_template_child (GTK_WIDGET (window), SINTESI_TYPE_WINDOW, name);
}

static gpointer
send_child (const char *name)
{
  return sintesi_test_gui_template_child (child ("send_page"), SINTESI_TYPE_SEND_PAGE, name);
}

/* Whether the button's action is on, as the physician sees it. */
static gboolean
action_enabled (const char *button)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (send_child (button)));
}

static void
test_sandbox_starts (void)
{
  const GError *error;

  /* The fresh home has no profile: the sandbox is started, off the main
   * loop (the window was drawn while the keys were being made). */
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), !=, SINTESI_SANDBOX_STATE_OFF);
  g_assert_true (sintesi_test_gui_wait_until (sintesi_test_gui_sandbox_settled, 180));
  error = sintesi_application_get_sandbox_error (application);
  g_assert_no_error ((GError *) error);
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), ==, SINTESI_SANDBOX_STATE_RUNNING);
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (window));

  /* The banner says where documents go. */
  g_assert_true (gtk_widget_has_css_class (child ("environment_banner"), "environment-sandbox"));
  g_assert_nonnull (strstr (gtk_label_get_label (child ("environment_label")), "Sandbox"));
}

static void
test_refuses_bad_cf (void)
{
  GtkEditable *cf_row = send_child ("cf_row");
  GtkLabel *cf_error = send_child ("cf_error");

  /* Lower case is shown back in capitals; a wrong check character is
   * explained under the field, and nothing can be built or sent. */
  gtk_editable_set_text (cf_row, "rssmra80a01h501a");
  g_assert_cmpstr (gtk_editable_get_text (cf_row), ==, "RSSMRA80A01H501A");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (cf_error)));
  g_test_message ("CF error: %s", gtk_label_get_label (cf_error));
  g_assert_cmpstr (gtk_label_get_label (cf_error), !=, "");
  g_assert_false (action_enabled ("send_button"));
  g_assert_false (action_enabled ("example_row"));
  g_assert_cmpstr (gtk_label_get_label (send_child ("send_hint")), ==, "Correct the patient’s codice fiscale above.");
  screenshot ("send-bad-cf");
}

static gboolean
send_done (void)
{
  return !sintesi_send_page_is_sending (child ("send_page"));
}

static void
test_sends_in_sandbox (void)
{
  GtkWidget *send_page = child ("send_page");
  GtkEditable *cf_row = send_child ("cf_row");
  char cf[17] = "RSSMRA80A01H501";
  const char *cart_id;
  g_autoptr(GRegex) uuid = g_regex_new ("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                        G_REGEX_CASELESS, 0, NULL);
  SintesiHistoryPage *history = child ("history_page");

  cf[15] = sintesi_cf_check_character (cf);
  cf[16] = '\0';
  gtk_editable_set_text (cf_row, cf);
  g_assert_false (gtk_widget_get_visible (send_child ("cf_error")));
  g_assert_false (action_enabled ("send_button"));  /* no document yet */
  g_assert_true (action_enabled ("example_row"));

  g_assert_true (gtk_widget_activate_action (send_page, "send.use-example", NULL));
  g_assert_false (gtk_widget_get_visible (send_child ("document_error")));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (send_child ("document_row")), cf));
  g_assert_true (action_enabled ("send_button"));
  screenshot ("send-ready");

  g_assert_true (gtk_widget_activate_action (send_page, "send.send", NULL));
  g_assert_true (sintesi_send_page_is_sending (SINTESI_SEND_PAGE (send_page)));
  g_assert_true (sintesi_test_gui_wait_until (send_done, 180));

  g_test_message ("result: %s — %s", gtk_label_get_label (send_child ("result_title")),
                  gtk_label_get_label (send_child ("result_description")));
  g_assert_true (gtk_widget_get_visible (send_child ("result_box")));
  /* 2xx: accepted (the gateway answers 201 or 202 to a create). */
  g_assert_true (g_str_has_prefix (gtk_label_get_label (send_child ("status_label")), "20"));
  g_assert_cmpstr (gtk_label_get_label (send_child ("result_title")), ==, "Accepted by the gateway");
  cart_id = gtk_label_get_label (send_child ("cart_id_label"));
  g_test_message ("X-CART-id: %s", cart_id);
  g_assert_true (g_regex_match (uuid, cart_id, 0, NULL));
  g_assert_true (gtk_label_get_selectable (send_child ("cart_id_label")));
  g_assert_true (gtk_widget_get_visible (send_child ("copy_cart_id_button")));
  g_assert_cmpstr (gtk_label_get_label (send_child ("trace_id_label")), !=, "");
  g_assert_cmpstr (gtk_label_get_label (send_child ("workflow_label")), !=, "");
  first_document_id = g_strdup (gtk_label_get_label (send_child ("document_id_label")));
  g_assert_true (g_str_has_prefix (first_document_id, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI"));
  screenshot ("send-result");

  /* The history lists the call, and finds it by its X-CART-id and by the
   * patient's CF; an unknown id finds nothing. */
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "search_entry")), cart_id);
  sintesi_history_page_reload (history);
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "search_entry")), "00000000-0000-0000-0000-000000000000");
  sintesi_history_page_reload (history);
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "search_entry")), "");
  sintesi_history_page_reload (history);
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, 1);
}

/* A CDA for patient cf with the given id extension, in a file (as a
 * physician's own software would have written it). */
static GFile *
write_example (const char *cf,
               const char *extension,
               gboolean    as_unsigned_pdf)
{
  g_autoptr(SintesiPssModel) model = sintesi_pss_model_new_example (cf, "MNZLSN99E05F205J", extension, "20261127120000+0100");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cda = sintesi_pss_build (model, &error);
  g_autoptr(GBytes) rendered = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = g_build_filename (home, as_unsigned_pdf ? "unsigned.pdf" : "resend.xml", NULL);
  GBytes *content = cda;

  g_assert_no_error (error);
  if (as_unsigned_pdf)
    {
      rendered = sintesi_pdf_render_cda (cda, &error);
      g_assert_no_error (error);
      pdf = sintesi_pdf_attach_cda (rendered, cda, &error);
      g_assert_no_error (error);
      content = pdf;
    }
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (content, NULL), (gssize) g_bytes_get_size (content), NULL));
  return g_file_new_for_path (path);
}

static void
send_and_wait (void)
{
  g_assert_true (action_enabled ("send_button"));
  g_assert_true (gtk_widget_activate_action (child ("send_page"), "send.send", NULL));
  g_assert_true (sintesi_test_gui_wait_until (send_done, 180));
  g_test_message ("result: %s — %s", gtk_label_get_label (send_child ("result_title")),
                  gtk_label_get_label (send_child ("result_description")));
}

static void
test_refused_before_send (void)
{
  SintesiHistoryPage *history = child ("history_page");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  guint calls_before = sintesi_history_page_get_n_shown (history);

  /* A PDF carrying cda.xml but no signature: the page takes it (it names
   * the patient), the submission refuses it before anything is recorded. */
  file = write_example ("RSSMRA80A01H501U", "090201.PSS.201.SINTESI900", TRUE);
  g_assert_true (sintesi_send_page_open_file (child ("send_page"), file, &error));
  g_assert_no_error (error);
  send_and_wait ();

  g_assert_cmpstr (gtk_label_get_label (send_child ("result_title")), ==, "Not sent");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (send_child ("result_icon")), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (send_child ("result_description")), "Nothing was sent"));
  g_assert_false (gtk_widget_get_visible (send_child ("result_grid")));
  g_assert_false (action_enabled ("copy_cart_id_button"));
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, calls_before);
  screenshot ("send-not-sent");
}

static void
test_gateway_refuses (void)
{
  SintesiHistoryPage *history = child ("history_page");
  SintesiSandbox *sandbox = sintesi_application_get_sandbox (application);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) uuid = g_regex_new ("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                        G_REGEX_CASELESS, 0, NULL);
  const char *status;
  guint calls_before = sintesi_history_page_get_n_shown (history);

  /* The gateway is down: its answer (with an X-CART-id) is shown and kept,
   * and nothing is resent by itself. */
  g_assert_true (sintesi_sandbox_inject_fault (sandbox, "status=503", &error));
  g_assert_no_error (error);
  file = write_example ("RSSMRA80A01H501U", "090201.PSS.201.SINTESI901", FALSE);
  g_assert_true (sintesi_send_page_open_file (child ("send_page"), file, &error));
  g_assert_no_error (error);
  send_and_wait ();
  g_assert_true (sintesi_sandbox_inject_fault (sandbox, NULL, NULL));

  status = gtk_label_get_label (send_child ("status_label"));
  g_assert_cmpstr (status, ==, "503");
  g_assert_true (g_str_has_prefix (gtk_label_get_label (send_child ("result_title")), "Refused by the gateway (HTTP 503"));
  g_assert_true (gtk_widget_get_visible (send_child ("error_title_label")));
  g_assert_cmpstr (gtk_label_get_label (send_child ("error_title_label")), !=, "");
  g_assert_true (g_regex_match (uuid, gtk_label_get_label (send_child ("cart_id_label")), 0, NULL));
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, calls_before + 1);
  screenshot ("send-refused");
}

static SintesiRecordWindow *
find_record_window (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (SINTESI_IS_RECORD_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
test_record_details (void)
{
  SintesiHistoryPage *history = child ("history_page");
  GtkWidget *list_box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "list_box"));
  g_autofree char *cart_id = g_strdup (gtk_label_get_label (send_child ("cart_id_label")));
  GtkWidget *newest;
  SintesiRecordWindow *details;

  /* Activating the newest call (the refused one) opens its details, with
   * the gateway's receipt and reason. */
  sintesi_window_show_page (window, "history");
  g_assert_null (find_record_window ());
  newest = gtk_widget_get_first_child (list_box);
  g_assert_true (GTK_IS_LIST_BOX_ROW (newest));
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (newest)));
  g_signal_emit_by_name (list_box, "row-activated", newest);
  details = find_record_window ();
  g_assert_nonnull (details);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (details)) == GTK_WINDOW (window));
  g_assert_cmpstr (sintesi_record_window_get_value (details, "X-CART-id"), ==, cart_id);
  g_assert_cmpstr (sintesi_record_window_get_value (details, "HTTP status"), ==, "503");
  g_assert_cmpstr (sintesi_record_window_get_value (details, "Outcome"), ==, "Refused");
  g_assert_nonnull (sintesi_record_window_get_value (details, "Error"));
  g_assert_cmpstr (sintesi_record_window_get_value (details, "identificativoDoc"), ==,
                   "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI901");
  screenshot_of (GTK_WIDGET (details), "record-details");
  gtk_window_destroy (GTK_WINDOW (details));
  sintesi_window_show_page (window, "send");
}

static void
test_history_outcome_unknown (void)
{
  SintesiHistoryPage *history = child ("history_page");
  GtkEditable *search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "search_entry"));
  GtkWidget *list_box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (history), SINTESI_TYPE_HISTORY_PAGE, "list_box"));
  g_autoptr(SintesiJournal) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  SintesiJournalDraft draft = { 0 };
  sqlite3 *db = NULL;
  gint64 id;

  /* A call another run prepared and never finished (it crashed): the
   * request may or may not have reached the gateway. */
  journal = sintesi_journal_open_default (&error);
  g_assert_no_error (error);
  path = g_strdup (sintesi_journal_get_path (journal));
  draft.profile = "demo";
  draft.operation = SINTESI_JOURNAL_OPERATION_CREATE;
  draft.environment = SINTESI_ENVIRONMENT_SANDBOX;
  draft.patient_cf = "VRDLGU70A01D612C";
  draft.document_id = "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI777";
  id = sintesi_journal_prepare (journal, &draft, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&journal);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE records SET owner = 'a run that crashed' WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* Found by the patient's CF, flagged as outcome unknown, and only it. */
  gtk_editable_set_text (search, "VRDLGU70A01D612C");
  sintesi_history_page_reload (history);
  g_assert_cmpuint (sintesi_history_page_get_n_shown (history), ==, 1);
  g_assert_nonnull (sintesi_test_gui_find_label (list_box, "Outcome unknown"));
  g_assert_null (sintesi_test_gui_find_label (list_box, "Accepted"));

  gtk_editable_set_text (search, "");
  sintesi_history_page_reload (history);
  g_assert_nonnull (sintesi_test_gui_find_label (list_box, "Outcome unknown"));
  g_assert_nonnull (sintesi_test_gui_find_label (list_box, "Accepted"));
  g_assert_nonnull (sintesi_test_gui_find_label (list_box, "Refused"));
}

static void
test_production_banner (void)
{
  g_autoptr(SintesiProfile) profile = sintesi_profile_new ("studio");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  SintesiWindow *production;
  GtkWidget *banner;

  /* A physician's real profile, made the active one: its window says in
   * red that documents reach real records. */
  sintesi_profile_set_physician_name (profile, "Alessandro Manzoni");
  sintesi_profile_set_cf (profile, "MNZLSN99E05F205J");
  sintesi_profile_set_environment (profile, SINTESI_ENVIRONMENT_PRODUCTION);
  g_assert_true (sintesi_profile_save (profile, &error));
  g_assert_no_error (error);
  g_settings_set_string (settings, "last-profile", "studio");

  production = sintesi_window_new (application);
  gtk_window_present (GTK_WINDOW (production));
  banner = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (production), SINTESI_TYPE_WINDOW, "environment_banner"));
  g_assert_true (gtk_widget_has_css_class (banner, "environment-production"));
  g_assert_false (gtk_widget_has_css_class (banner, "environment-sandbox"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (production), SINTESI_TYPE_WINDOW, "environment_label"))),
                            "Production"));
  /* Without certificates it cannot send, and says so. */
  {
    guint n_errors = 0;
    GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (production), SINTESI_TYPE_WINDOW, "profile_page"));

    g_assert_cmpuint (sintesi_profile_page_get_n_checks (SINTESI_PROFILE_PAGE (page), &n_errors), ==, 2);
    g_assert_cmpuint (n_errors, ==, 2);
  }
  sintesi_window_show_page (production, "profile");
  screenshot_of (GTK_WIDGET (production), "production");
  gtk_window_destroy (GTK_WINDOW (production));

  g_settings_set_string (settings, "last-profile", "demo");
  g_assert_true (sintesi_profile_delete ("studio", &error));
  g_assert_no_error (error);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  return sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
}

static SintesiWindow *passphrase_window;

static gboolean
no_message_dialog (void)
{
  return find_message_dialog () == NULL;
}

static gboolean
passphrase_send_done (void)
{
  GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (passphrase_window), SINTESI_TYPE_WINDOW, "send_page"));

  return !sintesi_send_page_is_sending (SINTESI_SEND_PAGE (page));
}

static const char *
passphrase_result_title (void)
{
  GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (passphrase_window), SINTESI_TYPE_WINDOW, "send_page"));

  return gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (page, SINTESI_TYPE_SEND_PAGE, "result_title")));
}

/* Send on the passphrase window; answer the passphrase dialog with
 * passphrase when one is given (it must then appear), else none may. */
static void
send_with_passphrase (const char *passphrase)
{
  GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (passphrase_window), SINTESI_TYPE_WINDOW, "send_page"));
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (page, "send.send", NULL));
  dialog = find_message_dialog ();
  if (passphrase == NULL)
    g_assert_null (dialog);
  else
    {
      g_assert_nonnull (dialog);
      g_assert_false (sintesi_send_page_is_sending (SINTESI_SEND_PAGE (page)));
      gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), passphrase);
      g_assert_true (gtk_widget_activate (sintesi_test_gui_find_button (GTK_WIDGET (dialog), "_Unlock and Send")));
      g_assert_true (sintesi_test_gui_wait_until (no_message_dialog, 10));
    }
  g_assert_true (sintesi_test_gui_wait_until (passphrase_send_done, 180));
  g_test_message ("result: %s", passphrase_result_title ());
}

static void
test_passphrase (void)
{
  SintesiSandbox *sandbox = sintesi_application_get_sandbox (application);
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(SintesiKeystore) demo_keys = NULL;
  g_autoptr(SintesiKeystore) keys = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  const char *passphrase = "a passphrase only this test knows";
  GtkWidget *page;
  char cf[17] = "BNCGNN75C41D612";

  /* A second physician profile whose keys sit under a passphrase (no
   * keyring): the demo pair, stored again under the test's passphrase. */
  profile = sintesi_profile_load (SINTESI_SANDBOX_PROFILE, &error);
  g_assert_no_error (error);
  sintesi_profile_set_name (profile, "locked");
  g_assert_true (sintesi_profile_save (profile, &error));
  g_assert_no_error (error);
  demo_keys = sintesi_keystore_new (SINTESI_SANDBOX_PROFILE, NULL, &error);
  g_assert_no_error (error);
  keys = sintesi_keystore_new ("locked", NULL, &error);
  g_assert_no_error (error);
  for (SintesiCredentialSlot slot = SINTESI_CREDENTIAL_SLOT_AUTH; slot <= SINTESI_CREDENTIAL_SLOT_SIGN; slot++)
    {
      g_autoptr(SintesiCredential) credential = sintesi_keystore_load (demo_keys, slot, sintesi_sandbox_get_key_passphrase (sandbox), &error);

      g_assert_no_error (error);
      g_assert_true (sintesi_keystore_store (keys, credential, passphrase, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sintesi_keystore_get_secret_kind (keys, slot), ==, SINTESI_KEYSTORE_SECRET_PASSPHRASE);
    }
  g_settings_set_string (settings, "last-profile", "locked");

  passphrase_window = sintesi_window_new (application);
  gtk_window_present (GTK_WINDOW (passphrase_window));
  page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (passphrase_window), SINTESI_TYPE_WINDOW, "send_page"));
  cf[15] = sintesi_cf_check_character (cf);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (page, SINTESI_TYPE_SEND_PAGE, "cf_row")), cf);
  g_assert_true (gtk_widget_activate_action (page, "send.use-example", NULL));

  /* Cancelling sends nothing. */
  g_assert_true (gtk_widget_activate_action (page, "send.send", NULL));
  g_assert_nonnull (find_message_dialog ());
  screenshot_of (GTK_WIDGET (find_message_dialog ()), "passphrase");
  g_assert_true (gtk_widget_activate (sintesi_test_gui_find_button (GTK_WIDGET (find_message_dialog ()), "_Cancel")));
  g_assert_true (sintesi_test_gui_wait_until (no_message_dialog, 10));
  g_assert_false (sintesi_send_page_is_sending (SINTESI_SEND_PAGE (page)));

  /* A wrong passphrase: refused before anything leaves, asked again. */
  send_with_passphrase ("not the passphrase");
  g_assert_cmpstr (passphrase_result_title (), ==, "Not sent");
  send_with_passphrase (passphrase);
  g_assert_cmpstr (passphrase_result_title (), ==, "Accepted by the gateway");

  /* Once per run: the next send does not ask. */
  g_assert_true (gtk_widget_activate_action (page, "send.use-example", NULL));
  send_with_passphrase (NULL);
  g_assert_cmpstr (passphrase_result_title (), ==, "Accepted by the gateway");

  gtk_window_destroy (GTK_WINDOW (passphrase_window));
  passphrase_window = NULL;
  g_settings_set_string (settings, "last-profile", SINTESI_SANDBOX_PROFILE);
}

static void
test_pages (void)
{
  guint n_errors = G_MAXUINT;
  guint n_checks;

  sintesi_window_show_page (window, "history");
  screenshot ("history");

  /* The demo physician's certificates pass every check. */
  sintesi_window_show_page (window, "profile");
  n_checks = sintesi_profile_page_get_n_checks (child ("profile_page"), &n_errors);
  g_assert_cmpuint (n_checks, >, 0);
  g_assert_cmpuint (n_errors, ==, 0);
  screenshot ("profile");

  sintesi_window_show_page (window, "send");
  screenshot ("send");
}

static void
test_narrow (void)
{
  /* A phone-sized or tiled window: nothing forces it wider, the view
   * switcher moves to the bottom bar. */
  SintesiWindow *narrow = sintesi_test_gui_open_narrow_window (application);

  sintesi_test_gui_pause_ms (800);
  screenshot_of (GTK_WIDGET (narrow), "narrow-send");
  g_test_message ("narrow window: %d px wide", gtk_widget_get_width (GTK_WIDGET (narrow)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (narrow)), <=, 400);
  sintesi_window_show_page (narrow, "history");
  sintesi_test_gui_pause_ms (800);
  screenshot_of (GTK_WIDGET (narrow), "narrow-history");
  gtk_window_destroy (GTK_WINDOW (narrow));
}

int
main (int argc, char **argv)
{
  int status;

  if (!sintesi_test_gui_init (&argc, &argv, "/window/sandbox-starts"))
    return g_test_run ();
  home = sintesi_test_gui_setup_home ();

  window = sintesi_test_gui_open_window (&application);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Sintesi");

  g_test_add_func ("/window/sandbox-starts", test_sandbox_starts);
  g_test_add_func ("/window/refuses-bad-cf", test_refuses_bad_cf);
  g_test_add_func ("/window/sends-in-sandbox", test_sends_in_sandbox);
  g_test_add_func ("/window/refused-before-send", test_refused_before_send);
  g_test_add_func ("/window/gateway-refuses", test_gateway_refuses);
  g_test_add_func ("/window/record-details", test_record_details);
  g_test_add_func ("/window/history-outcome-unknown", test_history_outcome_unknown);
  g_test_add_func ("/window/production-banner", test_production_banner);
  g_test_add_func ("/window/passphrase", test_passphrase);
  g_test_add_func ("/window/pages", test_pages);
  g_test_add_func ("/window/narrow", test_narrow);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&application);
  g_free (first_document_id);
  sintesi_test_gui_teardown_home ();
  return status;
}
