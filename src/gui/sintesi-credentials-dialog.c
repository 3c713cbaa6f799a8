/* sintesi-credentials-dialog.c: import a physician's A1 and S1 certificates
 *
 * Choose the two files (PKCS#12 with its password, or PEM certificate and
 * key), Check: both are imported (the core proves each key belongs to its
 * certificate) and the checks of certificates-and-accreditation §4.4 run
 * for the profile's environment, each shown with its own sentence. Store is
 * possible only when nothing failed; it keeps the keys re-encrypted in the
 * profile's keystore, under a keyring secret or, when no keyring answers,
 * under a passphrase asked here with a confirmation.
 *
 * Passwords live in GtkPasswordEntry (non-pageable memory); the copies
 * handed to the core are wiped as soon as the import returns, and an entry
 * is emptied once its file was opened with it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sintesi-credentials-dialog.h"
#include "sintesi-file-chooser.h"
#include "sintesi-keystore.h"

#define MIN_PASSPHRASE_LENGTH 8

typedef struct
{
  AdwPreferencesGroup *group;
  AdwActionRow        *file_row;
  AdwActionRow        *key_row;
  GtkWidget           *password;   /* GtkPasswordEntry */
  char                *file;
  char                *key;
} SlotInputs;

struct _SintesiCredentialsDialog
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  AdwComboRow          *format_row;
  AdwPreferencesGroup  *auth_group, *sign_group, *checks_group;

  SintesiApplication   *application;  /* not owned */
  SintesiProfile       *profile;
  SlotInputs            slots[2];     /* indexed by SintesiCredentialSlot */
  SintesiCredential    *credentials[2];
  GPtrArray            *check_rows;
  GPtrArray            *messages;
  gboolean              blocking;
  gboolean              checked;

  GtkFileChooserNative *chooser;
  SintesiCredentialSlot chooser_slot;
  SintesiCredentialsFile chooser_which;
  GtkWidget            *passphrase_dialog;
  GtkWidget            *passphrase, *passphrase_confirm;
  GtkLabel             *passphrase_hint;
};

G_DEFINE_FINAL_TYPE (SintesiCredentialsDialog, sintesi_credentials_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_STORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GPtrArray *
sintesi_gui_check_credentials (SintesiApplication *application,
                               SintesiProfile     *profile,
                               SintesiCredential  *auth,
                               SintesiCredential  *sign)
{
  g_auto(GStrv) test_roots = NULL;
  g_auto(GStrv) production_roots = NULL;
  g_autofree char *roots_dir = sintesi_credentials_default_roots_dir ();
  SintesiCredentialCheckOptions options = { 0 };
  SintesiEnvironment environment = sintesi_profile_get_environment (profile);
  SintesiSandbox *sandbox = NULL;

  /* The sandbox's own CA vouches for the demo certificates; elsewhere the
   * SOGEI roots the user imported, and the profile's CA file. */
  if (environment == SINTESI_ENVIRONMENT_SANDBOX && application != NULL)
    sandbox = sintesi_application_get_sandbox (application);
  if (roots_dir != NULL && g_file_test (roots_dir, G_FILE_TEST_IS_DIR))
    sintesi_credentials_find_sogei_roots (roots_dir, &test_roots, &production_roots, NULL);
  options.environment = environment;
  options.expected_cf = sintesi_profile_get_cf (profile);
  options.test_roots = (const char * const *) test_roots;
  options.production_roots = (const char * const *) production_roots;
  options.profile_ca_file = sandbox != NULL ? sintesi_sandbox_get_client_ca_file (sandbox)
                                            : sintesi_profile_get_ca_file (profile);
  return sintesi_credentials_check (auth, sign, &options);
}

static GtkWidget *
message_row_new (const char *icon_name,
                 const char *css_class,
                 const char *title)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name (icon_name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (image, css_class);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  /* A check's sentence is read whole, never cut to one line. */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

GtkWidget *
sintesi_gui_check_row_new (const SintesiCredentialCheck *check)
{
  /* A check without a sentence is named by its id. */
  const char *title = check->message != NULL ? check->message : check->id;
  GtkWidget *row;

  if (check->ok)
    row = message_row_new ("emblem-ok-symbolic", "success", title);
  else if (check->severity == SINTESI_CHECK_ERROR)
    row = message_row_new ("dialog-error-symbolic", "error", title);
  else
    row = message_row_new ("dialog-warning-symbolic", "warning", title);
  gtk_widget_set_tooltip_text (row, check->id);
  return row;
}

static gboolean
is_pkcs12 (SintesiCredentialsDialog *self)
{
  return adw_combo_row_get_selected (self->format_row) == 0;
}

static void
clear_checks (SintesiCredentialsDialog *self)
{
  for (guint i = 0; i < self->check_rows->len; i++)
    adw_preferences_group_remove (self->checks_group, g_ptr_array_index (self->check_rows, i));
  g_ptr_array_set_size (self->check_rows, 0);
  g_ptr_array_set_size (self->messages, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->checks_group), FALSE);
  self->checked = FALSE;
  self->blocking = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.store", FALSE);
}

/* Something changed in a slot: what was imported for it no longer holds. */
static void
slot_changed (SintesiCredentialsDialog *self,
              SintesiCredentialSlot     slot)
{
  g_clear_object (&self->credentials[slot]);
  clear_checks (self);
}

static void
update_slot_rows (SintesiCredentialsDialog *self,
                  SintesiCredentialSlot     slot)
{
  SlotInputs *inputs = &self->slots[slot];
  g_autofree char *file = inputs->file != NULL ? g_path_get_basename (inputs->file) : NULL;
  g_autofree char *key = inputs->key != NULL ? g_path_get_basename (inputs->key) : NULL;
  gboolean pkcs12 = is_pkcs12 (self);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (inputs->file_row),
                                 pkcs12 ? _("PKCS#12 file") : _("Certificate"));
  adw_action_row_set_subtitle (inputs->file_row, file != NULL ? file : _("No file chosen"));
  adw_action_row_set_subtitle (inputs->key_row, key != NULL ? key : _("No file chosen"));
  gtk_widget_set_visible (GTK_WIDGET (inputs->key_row), !pkcs12);
}

void
sintesi_credentials_dialog_set_pkcs12 (SintesiCredentialsDialog *self,
                                       gboolean                  pkcs12)
{
  g_return_if_fail (SINTESI_IS_CREDENTIALS_DIALOG (self));
  adw_combo_row_set_selected (self->format_row, pkcs12 ? 0 : 1);
}

void
sintesi_credentials_dialog_set_file (SintesiCredentialsDialog *self,
                                     SintesiCredentialSlot     slot,
                                     SintesiCredentialsFile    which,
                                     const char               *path)
{
  SlotInputs *inputs;

  g_return_if_fail (SINTESI_IS_CREDENTIALS_DIALOG (self));
  g_return_if_fail (slot <= SINTESI_CREDENTIAL_SLOT_SIGN);

  inputs = &self->slots[slot];
  if (which == SINTESI_CREDENTIALS_FILE_KEY)
    {
      g_free (inputs->key);
      inputs->key = g_strdup (path);
    }
  else
    {
      g_free (inputs->file);
      inputs->file = g_strdup (path);
    }
  update_slot_rows (self, slot);
  slot_changed (self, slot);
}

static void
file_chosen_cb (GtkNativeDialog          *chooser,
                int                       response,
                SintesiCredentialsDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        sintesi_credentials_dialog_set_file (self, self->chooser_slot, self->chooser_which, path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (SintesiCredentialsDialog *self,
             SintesiCredentialSlot     slot,
             SintesiCredentialsFile    which)
{
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autoptr(GtkFileFilter) all = sintesi_file_filter_new (SINTESI_FILE_FILTER_ALL);
  const char *title;

  if (which == SINTESI_CREDENTIALS_FILE_KEY)
    {
      title = slot == SINTESI_CREDENTIAL_SLOT_AUTH ? _("Choose the A1 Private Key") : _("Choose the S1 Private Key");
      filter = sintesi_file_filter_new (SINTESI_FILE_FILTER_PRIVATE_KEYS);
    }
  else
    {
      title = slot == SINTESI_CREDENTIAL_SLOT_AUTH ? _("Choose the A1 Certificate") : _("Choose the S1 Certificate");
      filter = sintesi_file_filter_new (is_pkcs12 (self) ? SINTESI_FILE_FILTER_PKCS12 : SINTESI_FILE_FILTER_CERTIFICATES);
    }

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  self->chooser_slot = slot;
  self->chooser_which = which;
  g_signal_connect (self->chooser, "response", G_CALLBACK (file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_clicked_cb (GtkButton                *button,
                   SintesiCredentialsDialog *self)
{
  choose_file (self,
               GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sintesi-slot")),
               GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sintesi-which")));
}

static void
password_changed_cb (GtkEditable              *editable,
                     SintesiCredentialsDialog *self)
{
  SintesiCredentialSlot slot = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (editable), "sintesi-slot"));

  /* Emptied after a successful import: that keeps what was imported. */
  if (gtk_editable_get_text (editable)[0] != '\0')
    slot_changed (self, slot);
}

static void
format_changed_cb (SintesiCredentialsDialog *self)
{
  for (SintesiCredentialSlot slot = SINTESI_CREDENTIAL_SLOT_AUTH; slot <= SINTESI_CREDENTIAL_SLOT_SIGN; slot++)
    {
      update_slot_rows (self, slot);
      slot_changed (self, slot);
    }
}

static AdwActionRow *
file_row_new (SintesiCredentialsDialog *self,
              SintesiCredentialSlot     slot,
              SintesiCredentialsFile    which,
              const char               *title)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *button = gtk_button_new_with_mnemonic (_("C_hoose…"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "sintesi-slot", GUINT_TO_POINTER (slot));
  g_object_set_data (G_OBJECT (button), "sintesi-which", GUINT_TO_POINTER (which));
  g_signal_connect (button, "clicked", G_CALLBACK (choose_clicked_cb), self);
  adw_action_row_add_suffix (row, button);
  adw_action_row_set_activatable_widget (row, button);
  return row;
}

static void
build_slot (SintesiCredentialsDialog *self,
            SintesiCredentialSlot     slot)
{
  SlotInputs *inputs = &self->slots[slot];
  AdwActionRow *password_row = ADW_ACTION_ROW (adw_action_row_new ());

  inputs->group = slot == SINTESI_CREDENTIAL_SLOT_AUTH ? self->auth_group : self->sign_group;
  inputs->file_row = file_row_new (self, slot, SINTESI_CREDENTIALS_FILE_MAIN, _("PKCS#12 file"));
  inputs->key_row = file_row_new (self, slot, SINTESI_CREDENTIALS_FILE_KEY, _("Private key"));

  inputs->password = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (inputs->password), TRUE);
  gtk_widget_set_valign (inputs->password, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (inputs->password, TRUE);
  g_object_set_data (G_OBJECT (inputs->password), "sintesi-slot", GUINT_TO_POINTER (slot));
  g_signal_connect (inputs->password, "changed", G_CALLBACK (password_changed_cb), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password_row), _("Password"));
  adw_action_row_set_subtitle (password_row, _("Of the file; none for an unencrypted key"));
  adw_action_row_add_suffix (password_row, inputs->password);
  adw_action_row_set_activatable_widget (password_row, inputs->password);
  gtk_accessible_update_property (GTK_ACCESSIBLE (inputs->password), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  slot == SINTESI_CREDENTIAL_SLOT_AUTH ? _("Password of the A1 file") : _("Password of the S1 file"),
                                  -1);

  adw_preferences_group_add (inputs->group, GTK_WIDGET (inputs->file_row));
  adw_preferences_group_add (inputs->group, GTK_WIDGET (inputs->key_row));
  adw_preferences_group_add (inputs->group, GTK_WIDGET (password_row));
  update_slot_rows (self, slot);
}

static void
add_message (SintesiCredentialsDialog *self,
             GtkWidget                *row,
             const char               *message)
{
  adw_preferences_group_add (self->checks_group, row);
  g_ptr_array_add (self->check_rows, row);
  g_ptr_array_add (self->messages, g_strdup (message));
}

static SintesiCredential *
import_slot (SintesiCredentialsDialog  *self,
             SintesiCredentialSlot      slot,
             GError                   **error)
{
  SlotInputs *inputs = &self->slots[slot];
  const char *text = gtk_editable_get_text (GTK_EDITABLE (inputs->password));
  char *password = text[0] != '\0' ? g_strdup (text) : NULL;
  SintesiCredential *credential;

  if (inputs->file == NULL)
    {
      g_set_error_literal (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_READ,
                           is_pkcs12 (self) ? _("Choose the PKCS#12 file.") : _("Choose the certificate file."));
      credential = NULL;
    }
  else if (!is_pkcs12 (self) && inputs->key == NULL)
    {
      g_set_error_literal (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_READ,
                           _("Choose the private key file."));
      credential = NULL;
    }
  else if (is_pkcs12 (self))
    credential = sintesi_credential_import_pkcs12 (slot, inputs->file, password, error);
  else
    credential = sintesi_credential_import_pem (slot, inputs->file, inputs->key, password, error);

  if (password != NULL)
    {
      sintesi_credentials_wipe (password, strlen (password));
      g_free (password);
    }
  /* The key is in memory now: the password has done its job. */
  if (credential != NULL)
    gtk_editable_set_text (GTK_EDITABLE (inputs->password), "");
  return credential;
}

static void
check_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SintesiCredentialsDialog *self = SINTESI_CREDENTIALS_DIALOG (widget);
  g_autoptr(GPtrArray) checks = NULL;

  clear_checks (self);
  for (SintesiCredentialSlot slot = SINTESI_CREDENTIAL_SLOT_AUTH; slot <= SINTESI_CREDENTIAL_SLOT_SIGN; slot++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (self->credentials[slot] != NULL)
        continue;
      self->credentials[slot] = import_slot (self, slot, &error);
      if (self->credentials[slot] != NULL)
        {
          g_autofree char *basename = g_path_get_basename (self->slots[slot].file);
          g_autofree char *opened = NULL;

          /* Its password entry is empty again: say the file was opened. */
          /* TRANSLATORS: a certificate's file name */
          opened = g_strdup_printf (_("%s · opened"), basename);
          adw_action_row_set_subtitle (self->slots[slot].file_row, opened);
          continue;
        }
      /* TRANSLATORS: "A1" or "S1", then why its file could not be imported */
      message = g_strdup_printf (_("%s: %s"), slot == SINTESI_CREDENTIAL_SLOT_AUTH ? "A1" : "S1", error->message);
      add_message (self, message_row_new ("dialog-error-symbolic", "error", message), message);
      self->blocking = TRUE;
    }

  if (self->credentials[SINTESI_CREDENTIAL_SLOT_AUTH] != NULL || self->credentials[SINTESI_CREDENTIAL_SLOT_SIGN] != NULL)
    {
      checks = sintesi_gui_check_credentials (self->application, self->profile,
                                              self->credentials[SINTESI_CREDENTIAL_SLOT_AUTH],
                                              self->credentials[SINTESI_CREDENTIAL_SLOT_SIGN]);
      for (guint i = 0; i < checks->len; i++)
        {
          const SintesiCredentialCheck *check = g_ptr_array_index (checks, i);

          add_message (self, sintesi_gui_check_row_new (check), check->message != NULL ? check->message : check->id);
        }
      if (!sintesi_credentials_checks_passed (checks))
        self->blocking = TRUE;
    }

  self->checked = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->checks_group), TRUE);
  adw_preferences_group_set_description (self->checks_group,
                                         self->blocking ? _("These certificates cannot be stored: see what failed below.")
                                                        : _("The certificates may be stored."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.store", !self->blocking);
}

/* Stores both; passphrase NULL tries the keyring first. */
static gboolean
store_both (SintesiCredentialsDialog  *self,
            const char                *passphrase,
            GError                   **error)
{
  g_autoptr(SintesiKeystore) keystore = sintesi_keystore_new (sintesi_profile_get_name (self->profile), NULL, error);

  if (keystore == NULL)
    return FALSE;
  for (SintesiCredentialSlot slot = SINTESI_CREDENTIAL_SLOT_AUTH; slot <= SINTESI_CREDENTIAL_SLOT_SIGN; slot++)
    if (!sintesi_keystore_store (keystore, self->credentials[slot], passphrase, error))
      return FALSE;
  return TRUE;
}

static void
show_store_error (SintesiCredentialsDialog *self,
                  const GError             *error)
{
  g_autofree char *message = g_strdup_printf (_("The certificates were not stored: %s"), error->message);

  add_message (self, message_row_new ("dialog-error-symbolic", "error", message), message);
  gtk_widget_set_visible (GTK_WIDGET (self->checks_group), TRUE);
}

static gboolean
close_request_cb (GtkWindow *window)
{
  /* See passphrase_response_cb: the password entries lose the focus first. */
  gtk_window_set_focus (window, NULL);
  return FALSE;
}

static gboolean
destroy_idle_cb (gpointer data)
{
  gtk_window_set_focus (GTK_WINDOW (data), NULL);
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
stored (SintesiCredentialsDialog *self)
{
  g_signal_emit (self, signals[SIGNAL_STORED], 0);
  /* Not from inside the passphrase dialog's response, which is still
   * running and is destroyed with this window. */
  g_idle_add_full (G_PRIORITY_LOW, destroy_idle_cb, g_object_ref (self), g_object_unref);
}

static void
passphrase_changed_cb (SintesiCredentialsDialog *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_confirm));
  gboolean long_enough = g_utf8_strlen (passphrase, -1) >= MIN_PASSPHRASE_LENGTH;
  gboolean same = g_str_equal (passphrase, confirm);

  if (!long_enough)
    gtk_label_set_label (self->passphrase_hint, _("At least 8 characters."));
  else if (!same)
    gtk_label_set_label (self->passphrase_hint, confirm[0] != '\0' ? _("The two passphrases differ.") : _("Type it again to confirm."));
  else
    gtk_label_set_label (self->passphrase_hint, _("Keep it safe: without it the stored keys cannot be used."));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self->passphrase_dialog), "store", long_enough && same);
}

static void
passphrase_response_cb (AdwMessageDialog         *dialog,
                        const char               *response,
                        SintesiCredentialsDialog *self)
{
  g_autoptr(GError) error = NULL;
  char *passphrase = NULL;
  gboolean ok = FALSE;

  /* GTK 4.8's GtkPasswordEntry must not hold the focus while its window
   * goes, or its focus handler runs on a destroyed entry. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (g_str_equal (response, "store"))
    passphrase = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->passphrase)));
  /* Out of the widgets before anything else happens. */
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase), "");
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_confirm), "");
  self->passphrase_dialog = NULL;
  if (passphrase == NULL)
    return;

  ok = store_both (self, passphrase, &error);
  sintesi_credentials_wipe (passphrase, strlen (passphrase));
  g_free (passphrase);
  if (ok)
    stored (self);
  else
    show_store_error (self, error);
}

static void
ask_passphrase (SintesiCredentialsDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->passphrase_dialog =
    adw_message_dialog_new (GTK_WINDOW (self), _("Protect the Keys with a Passphrase"),
                            _("No keyring of this computer answered. Choose a passphrase to encrypt the stored keys: Sintesi will ask for it once per run, before the first send."));
  self->passphrase = gtk_password_entry_new ();
  self->passphrase_confirm = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->passphrase), TRUE);
  g_object_set (self->passphrase, "placeholder-text", _("Passphrase"), "activates-default", TRUE, NULL);
  g_object_set (self->passphrase_confirm, "placeholder-text", _("Confirm passphrase"), "activates-default", TRUE, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->passphrase), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Passphrase"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->passphrase_confirm), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confirm passphrase"), -1);
  self->passphrase_hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->passphrase_hint, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->passphrase_hint), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->passphrase_hint), "dim-label");
  gtk_box_append (GTK_BOX (box), self->passphrase);
  gtk_box_append (GTK_BOX (box), self->passphrase_confirm);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->passphrase_hint));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self->passphrase_dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self->passphrase_dialog),
                                    "cancel", _("_Cancel"),
                                    "store", _("_Store"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self->passphrase_dialog), "store", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self->passphrase_dialog), "store");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self->passphrase_dialog), "cancel");
  g_signal_connect_swapped (self->passphrase, "changed", G_CALLBACK (passphrase_changed_cb), self);
  g_signal_connect_swapped (self->passphrase_confirm, "changed", G_CALLBACK (passphrase_changed_cb), self);
  g_signal_connect_object (self->passphrase_dialog, "response", G_CALLBACK (passphrase_response_cb), self, 0);
  passphrase_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self->passphrase_dialog));
}

static void
store_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SintesiCredentialsDialog *self = SINTESI_CREDENTIALS_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!self->checked || self->blocking)
    return;
  if (store_both (self, NULL, &error))
    stored (self);
  else if (g_error_matches (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING))
    ask_passphrase (self);
  else
    show_store_error (self, error);
}

GStrv
sintesi_credentials_dialog_dup_messages (SintesiCredentialsDialog *self,
                                         gboolean                 *blocking)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SINTESI_IS_CREDENTIALS_DIALOG (self), NULL);

  for (guint i = 0; i < self->messages->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->messages, i));
  if (blocking != NULL)
    *blocking = self->blocking;
  return g_strv_builder_end (builder);
}

static void
sintesi_credentials_dialog_dispose (GObject *object)
{
  SintesiCredentialsDialog *self = SINTESI_CREDENTIALS_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* The keys in memory go as soon as the dialog does. */
  g_clear_object (&self->credentials[SINTESI_CREDENTIAL_SLOT_AUTH]);
  g_clear_object (&self->credentials[SINTESI_CREDENTIAL_SLOT_SIGN]);

  G_OBJECT_CLASS (sintesi_credentials_dialog_parent_class)->dispose (object);
}

static void
sintesi_credentials_dialog_finalize (GObject *object)
{
  SintesiCredentialsDialog *self = SINTESI_CREDENTIALS_DIALOG (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      g_free (self->slots[i].file);
      g_free (self->slots[i].key);
    }
  g_ptr_array_unref (self->check_rows);
  g_ptr_array_unref (self->messages);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sintesi_credentials_dialog_parent_class)->finalize (object);
}

static void
sintesi_credentials_dialog_class_init (SintesiCredentialsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sintesi_credentials_dialog_dispose;
  object_class->finalize = sintesi_credentials_dialog_finalize;

  signals[SIGNAL_STORED] =
    g_signal_new ("stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-credentials-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiCredentialsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SintesiCredentialsDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, SintesiCredentialsDialog, auth_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiCredentialsDialog, sign_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiCredentialsDialog, checks_group);
  gtk_widget_class_install_action (widget_class, "credentials.check", NULL, check_activated);
  gtk_widget_class_install_action (widget_class, "credentials.store", NULL, store_activated);
}

static void
sintesi_credentials_dialog_init (SintesiCredentialsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->check_rows = g_ptr_array_new ();
  self->messages = g_ptr_array_new_with_free_func (g_free);
  build_slot (self, SINTESI_CREDENTIAL_SLOT_AUTH);
  build_slot (self, SINTESI_CREDENTIAL_SLOT_SIGN);
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (format_changed_cb), self);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.store", FALSE);
}

SintesiCredentialsDialog *
sintesi_credentials_dialog_new (GtkWindow          *parent,
                                SintesiApplication *application,
                                SintesiProfile     *profile)
{
  SintesiCredentialsDialog *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (SINTESI_IS_PROFILE (profile), NULL);

  self = g_object_new (SINTESI_TYPE_CREDENTIALS_DIALOG, "transient-for", parent, NULL);
  self->application = application;
  self->profile = g_object_ref (profile);
  /* TRANSLATORS: the profile the certificates are imported into */
  subtitle = g_strdup_printf (_("For profile “%s”"), sintesi_profile_get_name (profile));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  return self;
}
