/* test-profile-window.c: setting up a real profile in the GUI
 *
 * One application and one window for the whole program, in a throwaway
 * home (config and data folders) with no D-Bus session, so no real keyring
 * or profile is touched. The tests run in order: a profile is made through
 * the form (a wrong codice fiscale is explained under its field and keeps
 * Save off), the physician switches to it (the sandbox stops), imports an
 * A1/S1 pair made by the test PKI (a wrong password, swapped files and an
 * expired certificate each get the core's own sentence; the good pair is
 * stored under a passphrase, since no keyring answers, and no unencrypted
 * key reaches the disk), moves the profile to production (asked first),
 * moves it to stage to install the Ministry's root certificates the issuer
 * check needs (a foreign root is refused with the core's sentence), and
 * switches back to the sandbox (it starts again). Every step is drawn and
 * saved as a PNG.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sintesi-application.h"
#include "sintesi-cf.h"
#include "sintesi-credentials.h"
#include "sintesi-credentials-dialog.h"
#include "sintesi-keystore.h"
#include "sintesi-profile-dialog.h"
#include "sintesi-profile-page.h"
#include "sintesi-registry.h"
#include "sintesi-sandbox.h"
#include "sintesi-window.h"
#include "sintesi-test-gui.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define PROFILE_NAME  "rossi"
#define P12_PASSWORD  "p12 password"
#define PASSPHRASE    "a long passphrase for the keys"

static SintesiApplication *application;
static SintesiWindow *window;
static const char *home;
static char cf[17] = "RSSMRA80A01H501?";
static SintesiTestCa *ca;
static char *a1_p12, *s1_p12, *expired_a1_p12;

static gpointer
window_child (const char *name)
{
  return sintesi_test_gui_template_child (GTK_WIDGET (window), SINTESI_TYPE_WINDOW, name);
}

static GtkWidget *
profile_page (void)
{
  return window_child ("profile_page");
}

static GType wanted_type;

static gboolean
toplevel_gone (void)
{
  return sintesi_test_gui_find_toplevel (wanted_type, NULL) == NULL;
}

static void
wait_gone (GType type)
{
  wanted_type = type;
  g_assert_true (sintesi_test_gui_wait_until (toplevel_gone, 10));
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect (c, type, found);
}

/* Presses the button labelled label, as the physician would. */
static void
click (GtkWidget  *root,
       const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      {
        g_assert_true (gtk_widget_activate (g_ptr_array_index (buttons, i)));
        return;
      }
  g_assert_not_reached ();
}

/* Whether the button bound to action can be pressed (the action is on). */
static gboolean
button_sensitive (GtkWidget  *root,
                  const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      {
        /* Let the action muxer tell the button. */
        for (int j = 0; j < 10; j++)
          g_main_context_iteration (NULL, FALSE);
        return gtk_widget_is_sensitive (g_ptr_array_index (buttons, i));
      }
  g_assert_not_reached ();
}

/* The row of the profile list named after a profile. */
static GtkWidget *
profile_row (const char *name)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (profile_page (), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (g_ptr_array_index (rows, i)), name) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static char *
active_name (void)
{
  return sintesi_application_dup_active_profile_name (application);
}

/* ---- The profile form ---- */

static void
type_into (SintesiProfileDialog *dialog,
           const char           *field,
           const char           *text)
{
  GtkWidget *row = sintesi_profile_dialog_get_field_row (dialog, field);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
test_create_profile (void)
{
  SintesiProfileDialog *dialog;
  g_autoptr(SintesiProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  char wrong_cf[17];
  const char *problem;

  g_assert_true (sintesi_test_gui_wait_until (sintesi_test_gui_sandbox_settled, 180));
  sintesi_window_show_page (window, "profile");
  g_assert_nonnull (profile_row (SINTESI_SANDBOX_PROFILE));

  g_assert_true (gtk_widget_activate_action (profile_page (), "profile.new", NULL));
  dialog = SINTESI_PROFILE_DIALOG (sintesi_test_gui_find_toplevel (SINTESI_TYPE_PROFILE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  /* Empty: nothing shouted yet, nothing to save either. */
  g_assert_null (sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_CF));
  g_assert_false (sintesi_profile_dialog_can_save (dialog));
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "profile-form-new");

  type_into (dialog, SINTESI_PROFILE_FIELD_PHYSICIAN_NAME, "Maria Rossi");
  type_into (dialog, SINTESI_PROFILE_FIELD_NAME, PROFILE_NAME);
  /* A wrong check character: the profile's own sentence, under the field,
   * and the typed lower case shown back in capitals. */
  memcpy (wrong_cf, cf, sizeof cf);
  wrong_cf[15] = cf[15] == 'A' ? 'B' : 'A';
  {
    g_autofree char *lower = g_ascii_strdown (wrong_cf, -1);

    type_into (dialog, SINTESI_PROFILE_FIELD_CF, lower);
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (sintesi_profile_dialog_get_field_row (dialog, SINTESI_PROFILE_FIELD_CF))), ==, wrong_cf);
  problem = sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_CF);
  g_assert_nonnull (problem);
  g_test_message ("CF problem: %s", problem);
  {
    g_autoptr(SintesiProfile) oracle = sintesi_profile_new (PROFILE_NAME);
    g_autoptr(GPtrArray) problems = NULL;
    gboolean found = FALSE;

    /* The same sentence the profile gives when validated on its own. */
    sintesi_profile_set_cf (oracle, wrong_cf);
    problems = sintesi_profile_validate (oracle, SINTESI_PROFILE_VALIDATE_DEFAULT);
    for (guint i = 0; i < problems->len; i++)
      {
        SintesiProfileProblem *p = g_ptr_array_index (problems, i);

        if (g_str_equal (p->field, SINTESI_PROFILE_FIELD_CF))
          found = g_str_equal (p->message, problem);
      }
    g_assert_true (found);
  }
  g_assert_false (sintesi_profile_dialog_can_save (dialog));
  g_assert_false (button_sensitive (GTK_WIDGET (dialog), "profile.save"));
  /* Even asked for directly, nothing is written. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL);
  g_assert_false (sintesi_profile_exists (PROFILE_NAME));
  g_assert_nonnull (sintesi_test_gui_find_toplevel (SINTESI_TYPE_PROFILE_DIALOG, NULL));

  /* A custom gateway trusted through the test PKI's root. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (sintesi_profile_dialog_get_field_row (dialog, SINTESI_PROFILE_FIELD_ENVIRONMENT)),
                              SINTESI_ENVIRONMENT_CUSTOM);
  /* Custom needs an address and an audience: said under each. */
  g_assert_nonnull (sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_BASE_URL));
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "profile-form-invalid");

  type_into (dialog, SINTESI_PROFILE_FIELD_BASE_URL, "https://127.0.0.1:9/gateway/v2/");
  type_into (dialog, SINTESI_PROFILE_FIELD_AUD, "https://127.0.0.1:9/aud");
  sintesi_profile_dialog_set_ca_file (dialog, ca->cert);
  type_into (dialog, SINTESI_PROFILE_FIELD_LOCALITY, "STUDIO MEDICO ROSSI^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201");
  type_into (dialog, SINTESI_PROFILE_FIELD_APP_ID, "SINTESI");
  type_into (dialog, SINTESI_PROFILE_FIELD_APP_VENDOR, "Sintesi");
  type_into (dialog, SINTESI_PROFILE_FIELD_APP_VERSION, PACKAGE_VERSION);
  g_assert_false (sintesi_profile_dialog_can_save (dialog));
  type_into (dialog, SINTESI_PROFILE_FIELD_CF, cf);
  g_assert_null (sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_CF));
  g_assert_null (sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_BASE_URL));
  g_assert_true (sintesi_profile_dialog_can_save (dialog));
  g_assert_true (button_sensitive (GTK_WIDGET (dialog), "profile.save"));
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "profile-form-valid");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  wait_gone (SINTESI_TYPE_PROFILE_DIALOG);

  /* On disk, valid, and listed; the demo profile is still the active one. */
  saved = sintesi_profile_load (PROFILE_NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sintesi_profile_get_cf (saved), ==, cf);
  g_assert_cmpstr (sintesi_profile_get_physician_name (saved), ==, "Maria Rossi");
  g_assert_cmpint (sintesi_profile_get_environment (saved), ==, SINTESI_ENVIRONMENT_CUSTOM);
  g_assert_cmpstr (sintesi_profile_get_ca_file (saved), ==, ca->cert);
  g_assert_nonnull (profile_row (PROFILE_NAME));
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), ==, SINTESI_SANDBOX_STATE_RUNNING);

  /* A second profile of the same name is refused as it is typed. */
  g_assert_true (gtk_widget_activate_action (profile_page (), "profile.new", NULL));
  dialog = SINTESI_PROFILE_DIALOG (sintesi_test_gui_find_toplevel (SINTESI_TYPE_PROFILE_DIALOG, NULL));
  type_into (dialog, SINTESI_PROFILE_FIELD_NAME, PROFILE_NAME);
  g_assert_cmpstr (sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_NAME), ==,
                   "A profile with this name already exists; please choose another.");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_gone (SINTESI_TYPE_PROFILE_DIALOG);
}

static void
test_switch_profile (void)
{
  GtkWidget *row = profile_row (PROFILE_NAME);
  g_autofree char *name = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last = NULL;

  g_assert_nonnull (row);
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  gtk_widget_activate (row);
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (window));

  name = active_name ();
  g_assert_cmpstr (name, ==, PROFILE_NAME);
  last = g_settings_get_string (settings, "last-profile");
  g_assert_cmpstr (last, ==, PROFILE_NAME);
  /* A real profile: no simulator answers in its place. */
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), ==, SINTESI_SANDBOX_STATE_OFF);
  g_assert_null (sintesi_application_get_sandbox (application));
  g_assert_true (gtk_widget_has_css_class (window_child ("environment_banner"), "environment-custom"));
  /* The page shows the new profile: no certificates yet. */
  {
    guint n_errors = 0;

    g_assert_cmpuint (sintesi_profile_page_get_n_checks (SINTESI_PROFILE_PAGE (profile_page ()), &n_errors), >, 0);
    g_assert_cmpuint (n_errors, >, 0);
  }
  sintesi_test_gui_screenshot (GTK_WIDGET (window), "profile-switched");
}

/* ---- Certificates ---- */

static SintesiCredentialsDialog *
open_import (void)
{
  GtkWidget *dialog;

  g_assert_true (gtk_widget_activate_action (profile_page (), "profile.import-certificates", NULL));
  dialog = sintesi_test_gui_find_toplevel (SINTESI_TYPE_CREDENTIALS_DIALOG, NULL);
  g_assert_nonnull (dialog);
  return SINTESI_CREDENTIALS_DIALOG (dialog);
}

static GtkEditable *
password_entry (SintesiCredentialsDialog *dialog,
                SintesiCredentialSlot     slot)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  collect (GTK_WIDGET (dialog), GTK_TYPE_PASSWORD_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 2);
  return g_ptr_array_index (entries, slot);
}

static void
choose (SintesiCredentialsDialog *dialog,
        const char               *a1,
        const char               *a1_password,
        const char               *s1,
        const char               *s1_password)
{
  sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_AUTH, SINTESI_CREDENTIALS_FILE_MAIN, a1);
  sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_SIGN, SINTESI_CREDENTIALS_FILE_MAIN, s1);
  gtk_editable_set_text (password_entry (dialog, SINTESI_CREDENTIAL_SLOT_AUTH), a1_password);
  gtk_editable_set_text (password_entry (dialog, SINTESI_CREDENTIAL_SLOT_SIGN), s1_password);
}

static gboolean
messages_contain (SintesiCredentialsDialog *dialog,
                  const char               *expected,
                  gboolean                 *blocking)
{
  g_auto(GStrv) messages = sintesi_credentials_dialog_dup_messages (dialog, blocking);

  for (guint i = 0; messages[i] != NULL; i++)
    {
      g_test_message ("shown: %s", messages[i]);
      if (strstr (messages[i], expected) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* What the core says of the pair, for comparing with what is shown. */
static char *
core_check_message (const char *auth_p12,
                    const char *sign_p12,
                    const char *check_id)
{
  g_autoptr(SintesiCredential) auth = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, auth_p12, P12_PASSWORD, NULL);
  g_autoptr(SintesiCredential) sign = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_SIGN, sign_p12, P12_PASSWORD, NULL);
  SintesiCredentialCheckOptions options = { 0 };
  g_autoptr(GPtrArray) checks = NULL;

  g_assert_nonnull (auth);
  g_assert_nonnull (sign);
  options.environment = SINTESI_ENVIRONMENT_CUSTOM;
  options.expected_cf = cf;
  options.profile_ca_file = ca->cert;
  checks = sintesi_credentials_check (auth, sign, &options);
  for (guint i = 0; i < checks->len; i++)
    {
      SintesiCredentialCheck *check = g_ptr_array_index (checks, i);

      if (g_str_equal (check->id, check_id) && !check->ok)
        return g_strdup (check->message);
    }
  return NULL;
}

static void
test_import_refusals (void)
{
  SintesiCredentialsDialog *dialog = open_import ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiCredential) none = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *swapped = NULL;
  g_autofree char *expired = NULL;
  gboolean blocking = FALSE;

  g_assert_false (button_sensitive (GTK_WIDGET (dialog), "credentials.store"));
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "import-empty");

  /* A wrong password: the import's own sentence, named for its slot. */
  none = sintesi_credential_import_pkcs12 (SINTESI_CREDENTIAL_SLOT_AUTH, a1_p12, "not the password", &error);
  g_assert_null (none);
  g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD);
  expected = g_strdup_printf ("A1: %s", error->message);
  choose (dialog, a1_p12, "not the password", s1_p12, P12_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.check", NULL));
  g_assert_true (messages_contain (dialog, expected, &blocking));
  g_assert_true (blocking);
  g_assert_false (button_sensitive (GTK_WIDGET (dialog), "credentials.store"));
  /* The S1 file opened: its password is gone from the entry. */
  g_assert_cmpstr (gtk_editable_get_text (password_entry (dialog, SINTESI_CREDENTIAL_SLOT_SIGN)), ==, "");
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "import-wrong-password");

  /* Swapped files: named as swapped. */
  swapped = core_check_message (s1_p12, a1_p12, SINTESI_CHECK_AUTH_ROLE);
  g_assert_nonnull (swapped);
  g_assert_nonnull (strstr (swapped, "swapped"));
  choose (dialog, s1_p12, P12_PASSWORD, a1_p12, P12_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.check", NULL));
  g_assert_true (messages_contain (dialog, swapped, &blocking));
  g_assert_true (blocking);
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "import-swapped");

  /* An expired A1: the validity check's sentence, and no storing. */
  expired = core_check_message (expired_a1_p12, s1_p12, SINTESI_CHECK_AUTH_VALIDITY);
  g_assert_nonnull (expired);
  choose (dialog, expired_a1_p12, P12_PASSWORD, s1_p12, P12_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.check", NULL));
  g_assert_true (messages_contain (dialog, expired, &blocking));
  g_assert_true (blocking);
  g_assert_false (button_sensitive (GTK_WIDGET (dialog), "credentials.store"));
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "import-expired");

  /* PEM: a key that is not the certificate's is refused by the import,
   * with its own sentence; the right keys open. */
  {
    g_autofree char *a1_cert = g_build_filename (ca->dir, "a1.pem", NULL);
    g_autofree char *a1_key = g_build_filename (ca->dir, "a1.key", NULL);
    g_autofree char *s1_cert = g_build_filename (ca->dir, "s1.pem", NULL);
    g_autofree char *s1_key = g_build_filename (ca->dir, "s1.key", NULL);
    g_autoptr(GError) mismatch = NULL;
    g_autoptr(SintesiCredential) refused = NULL;
    g_autofree char *mismatch_message = NULL;

    refused = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_AUTH, a1_cert, s1_key, NULL, &mismatch);
    g_assert_error (mismatch, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH);
    mismatch_message = g_strdup_printf ("A1: %s", mismatch->message);

    sintesi_credentials_dialog_set_pkcs12 (dialog, FALSE);
    sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_AUTH, SINTESI_CREDENTIALS_FILE_MAIN, a1_cert);
    sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_AUTH, SINTESI_CREDENTIALS_FILE_KEY, s1_key);
    sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_SIGN, SINTESI_CREDENTIALS_FILE_MAIN, s1_cert);
    sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_SIGN, SINTESI_CREDENTIALS_FILE_KEY, s1_key);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.check", NULL));
    g_assert_true (messages_contain (dialog, mismatch_message, &blocking));
    g_assert_true (blocking);
    sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "import-pem-mismatch");

    sintesi_credentials_dialog_set_file (dialog, SINTESI_CREDENTIAL_SLOT_AUTH, SINTESI_CREDENTIALS_FILE_KEY, a1_key);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.check", NULL));
    g_assert_false (messages_contain (dialog, "A1: ", &blocking));
    g_assert_false (blocking);
    g_assert_true (button_sensitive (GTK_WIDGET (dialog), "credentials.store"));
  }

  /* Cancelled: nothing is stored. */
  gtk_window_close (GTK_WINDOW (dialog));
  wait_gone (SINTESI_TYPE_CREDENTIALS_DIALOG);
  /* Nothing was stored by any of this. */
  {
    g_autoptr(SintesiKeystore) keystore = sintesi_keystore_new (PROFILE_NAME, NULL, &error);

    g_assert_false (sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_AUTH));
    g_assert_false (sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_SIGN));
  }
}

/* Every file under dir: no PEM private key that is not encrypted. */
static void
assert_no_clear_key (const char *dir,
                     guint      *n_encrypted)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      const char *at;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          assert_no_clear_key (path, n_encrypted);
          continue;
        }
      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      for (at = strstr (data, "PRIVATE KEY-----"); at != NULL; at = strstr (at + 1, "PRIVATE KEY-----"))
        {
          g_assert_true (at - data >= 10 && strncmp (at - 10, "ENCRYPTED ", 10) == 0);
          (*n_encrypted)++;
        }
    }
}

static void
test_import_and_store (void)
{
  SintesiCredentialsDialog *dialog = open_import ();
  AdwMessageDialog *ask;
  GtkWidget *box;
  GtkEditable *passphrase, *confirm;
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile_path = NULL;
  g_autofree char *profiles_dir = NULL;
  gboolean blocking = TRUE;
  guint n_encrypted = 0;
  guint n_errors = G_MAXUINT;

  choose (dialog, a1_p12, P12_PASSWORD, s1_p12, P12_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.check", NULL));
  g_assert_true (messages_contain (dialog, "", &blocking));
  g_assert_false (blocking);
  /* Both passwords did their job and are gone. */
  g_assert_cmpstr (gtk_editable_get_text (password_entry (dialog, SINTESI_CREDENTIAL_SLOT_AUTH)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (password_entry (dialog, SINTESI_CREDENTIAL_SLOT_SIGN)), ==, "");
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "import-checks");

  /* No keyring answers: a passphrase is asked, twice. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "credentials.store", NULL));
  ask = ADW_MESSAGE_DIALOG (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (ask);
  box = adw_message_dialog_get_extra_child (ask);
  passphrase = GTK_EDITABLE (gtk_widget_get_first_child (box));
  confirm = GTK_EDITABLE (gtk_widget_get_next_sibling (GTK_WIDGET (passphrase)));
  g_assert_false (adw_message_dialog_get_response_enabled (ask, "store"));
  gtk_editable_set_text (passphrase, PASSPHRASE);
  gtk_editable_set_text (confirm, "a different passphrase");
  g_assert_false (adw_message_dialog_get_response_enabled (ask, "store"));
  gtk_editable_set_text (confirm, PASSPHRASE);
  g_assert_true (adw_message_dialog_get_response_enabled (ask, "store"));
  sintesi_test_gui_screenshot (GTK_WIDGET (ask), "import-passphrase");
  click (GTK_WIDGET (ask), "_Store");
  wait_gone (SINTESI_TYPE_CREDENTIALS_DIALOG);

  /* Stored under the passphrase, and nothing unencrypted on disk. */
  keystore = sintesi_keystore_new (PROFILE_NAME, NULL, &error);
  g_assert_no_error (error);
  for (SintesiCredentialSlot slot = SINTESI_CREDENTIAL_SLOT_AUTH; slot <= SINTESI_CREDENTIAL_SLOT_SIGN; slot++)
    {
      g_autoptr(SintesiCredential) opened = NULL;

      g_assert_true (sintesi_keystore_has_credential (keystore, slot));
      g_assert_cmpint (sintesi_keystore_get_secret_kind (keystore, slot), ==, SINTESI_KEYSTORE_SECRET_PASSPHRASE);
      opened = sintesi_keystore_load (keystore, slot, PASSPHRASE, &error);
      g_assert_no_error (error);
      g_assert_true (sintesi_credential_has_private_key (opened));
    }
  /* The profile's own folder holds its two keys, encrypted; no folder of
   * any profile holds a clear one. */
  assert_no_clear_key (sintesi_keystore_get_folder (keystore), &n_encrypted);
  /* The BEGIN and END lines of each of the two keys. */
  g_assert_cmpuint (n_encrypted, ==, 4);
  profile_path = sintesi_profile_path (PROFILE_NAME);
  profiles_dir = g_path_get_dirname (profile_path);
  assert_no_clear_key (profiles_dir, &n_encrypted);

  /* The page shows the pair, and every check passes. */
  g_assert_cmpuint (sintesi_profile_page_get_n_checks (SINTESI_PROFILE_PAGE (profile_page ()), &n_errors), >, 0);
  g_assert_cmpuint (n_errors, ==, 0);
  sintesi_test_gui_screenshot (GTK_WIDGET (window), "profile-with-certificates");
}

/* ---- Accredited software ---- */

/* The subtitle of the action row titled title under root. */
static const char *
row_subtitle (GtkWidget  *root,
              const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (root, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return adw_action_row_get_subtitle (g_ptr_array_index (rows, i));
  g_assert_not_reached ();
}

static char *
match_message (SintesiRegistry *registry,
               const char      *vendor)
{
  g_autoptr(SintesiRegistryMatch) match = sintesi_registry_match (registry, "SINTESI", vendor, PACKAGE_VERSION);

  return g_strdup (match->message);
}

static void
test_accreditation (void)
{
  g_autofree char *csv = g_build_filename (home, "results.csv", NULL);
  g_autofree char *data = g_strdup_printf ("Fornitore,Nomi fornitori equivalenti,Applicativo,Versione,Versioni Equivalenti,Tipo Documento,Servizio,Data validazione,Versione Gateway\r\n"
                                           "Sintesi,,SINTESI,%s,,PSS,VALIDATION,2026-06-30,2.0\r\n", PACKAGE_VERSION);
  g_autoptr(SintesiRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *accredited = NULL;
  g_autofree char *near_miss = NULL;
  g_autoptr(SintesiProfile) profile = NULL;
  SintesiProfileDialog *dialog;

  /* No register yet: the page says how to install one. */
  g_assert_nonnull (strstr (row_subtitle (profile_page (), "Register of accredited software"), "No register is installed"));

  g_assert_true (g_file_set_contents (csv, data, -1, &error));
  registry = sintesi_registry_import (csv, &error);
  g_assert_no_error (error);
  accredited = match_message (registry, "Sintesi");
  near_miss = match_message (registry, "SINTESI S.R.L.");
  g_assert_cmpstr (accredited, !=, near_miss);

  /* The page, reloaded, shows the register's own sentence. */
  profile = sintesi_profile_load (PROFILE_NAME, &error);
  g_assert_no_error (error);
  sintesi_profile_page_set_profile (SINTESI_PROFILE_PAGE (profile_page ()), profile);
  g_assert_cmpstr (row_subtitle (profile_page (), "Register of accredited software"), ==, accredited);

  /* The form checks the strings as they are typed. */
  g_assert_true (gtk_widget_activate_action (profile_page (), "profile.edit", NULL));
  dialog = SINTESI_PROFILE_DIALOG (sintesi_test_gui_find_toplevel (SINTESI_TYPE_PROFILE_DIALOG, NULL));
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (dialog), "Register of accredited software"), ==, accredited);
  type_into (dialog, SINTESI_PROFILE_FIELD_APP_VENDOR, "SINTESI S.R.L.");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (dialog), "Register of accredited software"), ==, near_miss);
  /* The software group alone: it is at the bottom of the form. */
  {
    g_autoptr(GPtrArray) groups = g_ptr_array_new ();

    collect (GTK_WIDGET (dialog), ADW_TYPE_PREFERENCES_GROUP, groups);
    for (guint i = 0; i < groups->len; i++)
      if (g_strcmp0 (adw_preferences_group_get_title (g_ptr_array_index (groups, i)), "Software") == 0)
        sintesi_test_gui_screenshot (g_ptr_array_index (groups, i), "profile-form-not-accredited");
  }
  gtk_window_close (GTK_WINDOW (dialog));
  wait_gone (SINTESI_TYPE_PROFILE_DIALOG);
  /* Cancelled: nothing written. */
  g_clear_object (&profile);
  profile = sintesi_profile_load (PROFILE_NAME, &error);
  g_assert_cmpstr (sintesi_profile_get_app_vendor (profile), ==, "Sintesi");
  sintesi_test_gui_screenshot (GTK_WIDGET (window), "profile-accredited");
}

/* ---- Production ---- */

static void
test_production (void)
{
  SintesiProfileDialog *dialog;
  GtkWidget *environment;
  AdwMessageDialog *confirm;
  g_autoptr(SintesiProfile) saved = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gtk_widget_activate_action (profile_page (), "profile.edit", NULL));
  dialog = SINTESI_PROFILE_DIALOG (sintesi_test_gui_find_toplevel (SINTESI_TYPE_PROFILE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  /* The name is the certificates' folder: not editable. */
  g_assert_false (gtk_widget_get_sensitive (sintesi_profile_dialog_get_field_row (dialog, SINTESI_PROFILE_FIELD_NAME)));
  g_assert_true (sintesi_profile_dialog_can_save (dialog));

  environment = sintesi_profile_dialog_get_field_row (dialog, SINTESI_PROFILE_FIELD_ENVIRONMENT);
  adw_combo_row_set_selected (ADW_COMBO_ROW (environment), SINTESI_ENVIRONMENT_PRODUCTION);
  g_assert_true (gtk_widget_has_css_class (environment, "production-choice"));
  /* Production trusts the system store only: the CA file must go. */
  g_assert_nonnull (sintesi_profile_dialog_get_problem (dialog, SINTESI_PROFILE_FIELD_CA_FILE));
  g_assert_false (sintesi_profile_dialog_can_save (dialog));
  sintesi_profile_dialog_set_ca_file (dialog, NULL);
  type_into (dialog, SINTESI_PROFILE_FIELD_BASE_URL, "");
  type_into (dialog, SINTESI_PROFILE_FIELD_AUD, "");
  g_assert_true (sintesi_profile_dialog_can_save (dialog));
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "profile-form-production");

  /* Asked first; cancelling writes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  confirm = ADW_MESSAGE_DIALOG (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (confirm);
  g_assert_cmpint (adw_message_dialog_get_response_appearance (confirm, "production"), ==, ADW_RESPONSE_DESTRUCTIVE);
  sintesi_test_gui_screenshot (GTK_WIDGET (confirm), "production-confirm");
  click (GTK_WIDGET (confirm), "_Cancel");
  wait_gone (ADW_TYPE_MESSAGE_DIALOG);
  saved = sintesi_profile_load (PROFILE_NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_profile_get_environment (saved), ==, SINTESI_ENVIRONMENT_CUSTOM);
  g_clear_object (&saved);

  /* Confirmed: saved, and the window says production in red. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  confirm = ADW_MESSAGE_DIALOG (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (confirm);
  click (GTK_WIDGET (confirm), "_Use Production");
  wait_gone (SINTESI_TYPE_PROFILE_DIALOG);
  saved = sintesi_profile_load (PROFILE_NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sintesi_profile_get_environment (saved), ==, SINTESI_ENVIRONMENT_PRODUCTION);
  g_assert_true (gtk_widget_has_css_class (window_child ("environment_banner"), "environment-production"));
  /* Test certificates may not talk to production: the checks say so. */
  {
    guint n_errors = 0;

    sintesi_profile_page_get_n_checks (SINTESI_PROFILE_PAGE (profile_page ()), &n_errors);
    g_assert_cmpuint (n_errors, >, 0);
  }
  sintesi_test_gui_screenshot (GTK_WIDGET (window), "profile-production");
}

/* ---- The Ministry's root certificates ---- */

/* The sentence of the check id on the page (each check row carries its id
 * as tooltip). */
static char *
check_sentence (const char *id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (profile_page (), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (rows, i)), id) == 0)
      return g_strdup (adw_preferences_row_get_title (g_ptr_array_index (rows, i)));
  g_assert_not_reached ();
}

static GtkWidget *
roots_button (void)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *found = NULL;

  collect (profile_page (), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "profile.install-roots") == 0)
      {
        g_assert_null (found);
        found = g_ptr_array_index (buttons, i);
      }
  g_assert_nonnull (found);
  return found;
}

/* The certificates group alone: the checks and the roots row are below
 * the window's fold. */
static GtkWidget *
certificates_group (void)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();

  collect (profile_page (), ADW_TYPE_PREFERENCES_GROUP, groups);
  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (adw_preferences_group_get_title (g_ptr_array_index (groups, i)), "Certificates") == 0)
      return g_ptr_array_index (groups, i);
  g_assert_not_reached ();
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (listing != NULL && g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* Saved, and made active again so that every page reloads it. */
static void
move_profile_to (SintesiEnvironment environment)
{
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = sintesi_profile_load (PROFILE_NAME, &error);
  g_assert_no_error (error);
  sintesi_profile_set_environment (profile, environment);
  g_assert_true (sintesi_profile_save (profile, &error));
  g_assert_no_error (error);
  sintesi_application_set_active_profile (application, PROFILE_NAME);
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (window));
}

static void
test_install_roots (void)
{
  g_autofree char *test_root = sintesi_test_fixture ("ca/ca-ministero-salute-test.pem");
  g_autofree char *test1_root = sintesi_test_fixture ("ca/ca-ministero-salute-test-1.pem");
  g_autofree char *production_root = sintesi_test_fixture ("ca/ca-ministero-salute-production.pem");
  g_autofree char *roots_dir = g_build_filename (home, "data", "ca", NULL);
  g_autofree char *core_roots_dir = sintesi_credentials_default_roots_dir ();
  SintesiProfilePage *page = SINTESI_PROFILE_PAGE (profile_page ());
  g_autofree char *auth_before = NULL, *sign_before = NULL;
  g_autofree char *auth_after = NULL, *sign_after = NULL;
  g_autoptr(GError) error = NULL;
  guint n_errors = 0;

  if (test_root == NULL || test1_root == NULL || production_root == NULL)
    return;
  g_assert_cmpstr (core_roots_dir, ==, roots_dir);

  /* Stage, with no roots: the issuer of the test pair cannot be checked,
   * and Install… is the suggested way on. */
  move_profile_to (SINTESI_ENVIRONMENT_STAGE);
  auth_before = check_sentence (SINTESI_CHECK_AUTH_ISSUER);
  sign_before = check_sentence (SINTESI_CHECK_SIGN_ISSUER);
  g_test_message ("before: %s", auth_before);
  g_assert_nonnull (strstr (auth_before, "certificates for the stage environment are not installed"));
  g_assert_nonnull (strstr (sign_before, "certificates for the stage environment are not installed"));
  g_assert_true (gtk_widget_has_css_class (roots_button (), "suggested-action"));
  g_assert_true (button_sensitive (profile_page (), "profile.install-roots"));
  sintesi_test_gui_screenshot (certificates_group (), "profile-roots-missing");

  /* A root that is not the Ministry's (the test PKI's): refused with the
   * core's sentence, in a dialog too, and nothing installed. */
  {
    g_autoptr(GFile) foreign = g_file_new_for_path (ca->cert);
    g_autofree char *display = g_filename_display_name (ca->cert);
    g_autofree char *expected = g_strdup_printf ("“%s” is not one of the root certificates published by the Ministry of Health (SOGEI): it was not installed.",
                                                 display);
    AdwMessageDialog *refusal;

    g_assert_false (sintesi_profile_page_install_roots (page, &foreign, 1, &error));
    g_assert_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS);
    g_assert_cmpstr (error->message, ==, expected);
    g_clear_error (&error);
    refusal = ADW_MESSAGE_DIALOG (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
    g_assert_nonnull (refusal);
    g_assert_cmpstr (adw_message_dialog_get_body (refusal), ==, expected);
    sintesi_test_gui_screenshot (GTK_WIDGET (refusal), "profile-roots-refused");
    click (GTK_WIDGET (refusal), "_Close");
    wait_gone (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_cmpuint (count_files (roots_dir), ==, 0);
    auth_after = check_sentence (SINTESI_CHECK_AUTH_ISSUER);
    g_assert_cmpstr (auth_after, ==, auth_before);
    g_clear_pointer (&auth_after, g_free);
  }

  /* The published roots: installed in <data dir>/ca, sorted by their
   * subjects into the test and production PKI, and the checks run again. */
  {
    GFile *files[3];
    g_auto(GStrv) test_roots = NULL;
    g_auto(GStrv) production_roots = NULL;

    files[0] = g_file_new_for_path (test_root);
    files[1] = g_file_new_for_path (test1_root);
    files[2] = g_file_new_for_path (production_root);
    g_assert_true (sintesi_profile_page_install_roots (page, files, G_N_ELEMENTS (files), &error));
    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      g_object_unref (files[i]);
    g_assert_null (sintesi_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
    g_assert_cmpuint (count_files (roots_dir), ==, 3);
    g_assert_true (sintesi_credentials_find_sogei_roots (roots_dir, &test_roots, &production_roots, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (test_roots), ==, 2);
    g_assert_cmpuint (g_strv_length (production_roots), ==, 1);
  }

  /* Now checked against the roots: the test PKI's pair is not SOGEI's, so
   * it still fails, but for what it is. */
  auth_after = check_sentence (SINTESI_CHECK_AUTH_ISSUER);
  sign_after = check_sentence (SINTESI_CHECK_SIGN_ISSUER);
  g_test_message ("after: %s", auth_after);
  g_assert_cmpstr (auth_after, !=, auth_before);
  g_assert_cmpstr (sign_after, !=, sign_before);
  g_assert_null (strstr (auth_after, "not installed"));
  g_assert_nonnull (strstr (auth_after, "was not issued by a certification authority trusted for the stage environment"));
  g_assert_nonnull (strstr (auth_after, "Sintesi Test Root"));
  g_assert_nonnull (strstr (sign_after, "was not issued by a certification authority trusted for the stage environment"));
  g_assert_false (gtk_widget_has_css_class (roots_button (), "suggested-action"));
  sintesi_profile_page_get_n_checks (page, &n_errors);
  g_assert_cmpuint (n_errors, >, 0);
  sintesi_test_gui_screenshot (certificates_group (), "profile-roots-installed");

  /* Back to production, where the next test expects the profile. */
  move_profile_to (SINTESI_ENVIRONMENT_PRODUCTION);
}

static gboolean
sandbox_off (void)
{
  return sintesi_application_get_sandbox_state (application) == SINTESI_SANDBOX_STATE_OFF;
}

static void
test_back_to_sandbox (void)
{
  GtkWidget *row = profile_row (SINTESI_SANDBOX_PROFILE);
  g_autofree char *name = NULL;

  /* Changing one's mind while the simulator starts: it is stopped as soon
   * as it is up, and never serves the real profile. */
  g_assert_nonnull (row);
  gtk_widget_activate (row);
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), ==, SINTESI_SANDBOX_STATE_STARTING);
  g_assert_true (gtk_widget_activate_action (profile_page (), "profile.switch", "s", PROFILE_NAME));
  g_assert_true (sintesi_test_gui_wait_until (sandbox_off, 180));
  g_assert_null (sintesi_application_get_sandbox (application));
  g_assert_true (gtk_widget_has_css_class (window_child ("environment_banner"), "environment-production"));

  row = profile_row (SINTESI_SANDBOX_PROFILE);
  g_assert_nonnull (row);
  gtk_widget_activate (row);
  name = active_name ();
  g_assert_cmpstr (name, ==, SINTESI_SANDBOX_PROFILE);
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), !=, SINTESI_SANDBOX_STATE_OFF);
  g_assert_true (sintesi_test_gui_wait_until (sintesi_test_gui_sandbox_settled, 180));
  g_assert_cmpint (sintesi_application_get_sandbox_state (application), ==, SINTESI_SANDBOX_STATE_RUNNING);
  sintesi_test_gui_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_has_css_class (window_child ("environment_banner"), "environment-sandbox"));
  sintesi_test_gui_screenshot (GTK_WIDGET (window), "profile-back-to-sandbox");
}

static void
test_narrow (void)
{
  /* A phone-sized or tiled window: the header buttons still fit. */
  SintesiWindow *narrow = sintesi_test_gui_open_narrow_window (application);
  SintesiProfileDialog *dialog;

  sintesi_window_show_page (narrow, "profile");
  sintesi_test_gui_pause_ms (800);
  sintesi_test_gui_screenshot (GTK_WIDGET (narrow), "narrow-profile");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (narrow)), <=, 400);

  dialog = sintesi_profile_dialog_new (GTK_WINDOW (narrow), NULL);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 640);
  gtk_window_present (GTK_WINDOW (dialog));
  sintesi_test_gui_pause_ms (400);
  sintesi_test_gui_screenshot (GTK_WIDGET (dialog), "narrow-profile-form");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 400);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (narrow));
}

static char *
make_p12 (const char         *name,
          const char         *prefix,
          SintesiTestLeafKind kind,
          int                 not_before_days,
          int                 not_after_days)
{
  SintesiTestLeafOptions options = { 0 };
  g_autofree char *cn = g_strconcat (prefix, "#090201PSS", cf, NULL);
  g_autoptr(SintesiTestLeaf) leaf = NULL;

  options.kind = kind;
  options.not_before_days = not_before_days;
  options.not_after_days = not_after_days;
  leaf = sintesi_test_ca_issue (ca, name, cn, &options);
  g_assert_nonnull (leaf);
  return sintesi_test_leaf_p12 (ca, leaf, P12_PASSWORD, FALSE);
}

int
main (int argc, char **argv)
{
  g_autofree char *pki_dir = NULL;
  int status;

  if (!sintesi_test_gui_init (&argc, &argv, "/profile-window/create"))
    return g_test_run ();
  home = sintesi_test_gui_setup_home ();
  pki_dir = g_build_filename (home, "pki", NULL);
  g_mkdir_with_parents (pki_dir, 0700);

  /* The physician's CF, and an A1/S1 pair (plus an expired A1) for it. */
  cf[15] = sintesi_cf_check_character (cf);
  ca = sintesi_test_ca_new (pki_dir, "root", "Sintesi Test Root");
  g_assert_nonnull (ca);
  a1_p12 = make_p12 ("a1", "A1", SINTESI_TEST_LEAF_CLIENT, -1, 365);
  s1_p12 = make_p12 ("s1", "S1", SINTESI_TEST_LEAF_SIGNING, -1, 365);
  expired_a1_p12 = make_p12 ("a1-expired", "A1", SINTESI_TEST_LEAF_CLIENT, -400, -2);

  window = sintesi_test_gui_open_window (&application);

  g_test_add_func ("/profile-window/create", test_create_profile);
  g_test_add_func ("/profile-window/switch", test_switch_profile);
  g_test_add_func ("/profile-window/import-refusals", test_import_refusals);
  g_test_add_func ("/profile-window/import-and-store", test_import_and_store);
  g_test_add_func ("/profile-window/accreditation", test_accreditation);
  g_test_add_func ("/profile-window/production", test_production);
  g_test_add_func ("/profile-window/install-roots", test_install_roots);
  g_test_add_func ("/profile-window/back-to-sandbox", test_back_to_sandbox);
  g_test_add_func ("/profile-window/narrow", test_narrow);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&application);
  sintesi_test_ca_free (ca);
  g_free (a1_p12);
  g_free (s1_p12);
  g_free (expired_a1_p12);
  sintesi_test_gui_teardown_home ();
  return status;
}
