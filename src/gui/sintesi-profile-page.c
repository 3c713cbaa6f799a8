/* sintesi-profile-page.c: who sends, where, and with which certificates
 *
 * The profiles on this computer, one row each (activating a row makes it
 * the active profile); the active profile's fields as stored, with Edit…
 * opening the same form New Profile… uses; the checks of
 * certificates-and-accreditation §4.4 run on the A1/S1 certificates (no
 * secret is needed for them), each as a row with an icon that says at a
 * glance whether the pair may send, and Import Certificates…; the
 * Ministry's root certificates the issuer check needs on stage and
 * production (public files the physician installs, decisions D4); and the
 * accredited-software check of the three INI strings.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-accreditation-row.h"
#include "sintesi-credentials.h"
#include "sintesi-credentials-dialog.h"
#include "sintesi-file-chooser.h"
#include "sintesi-keystore.h"
#include "sintesi-profile-dialog.h"
#include "sintesi-profile-page.h"

struct _SintesiProfilePage
{
  AdwBin               parent_instance;

  AdwPreferencesPage  *page;
  AdwActionRow        *physician_row, *cf_row, *name_row;
  AdwActionRow        *environment_row, *base_url_row, *aud_row;
  AdwActionRow        *azienda_row, *repository_row, *solution_row, *locality_row;
  AdwActionRow        *app_id_row, *app_vendor_row, *app_version_row;
  AdwPreferencesGroup *certificates_group;
  AdwPreferencesGroup *profiles_group;
  AdwPreferencesGroup *software_group;
  AdwActionRow        *registry_row;

  SintesiApplication  *application;  /* not owned */
  SintesiProfile      *profile;
  GPtrArray           *dynamic_rows; /* (group, row) pairs added in code */
  guint                n_checks;
  guint                n_check_errors;
  GtkFileChooserNative *roots_chooser;
};

G_DEFINE_FINAL_TYPE (SintesiProfilePage, sintesi_profile_page, ADW_TYPE_BIN)

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  adw_action_row_set_subtitle (row, value != NULL && value[0] != '\0' ? value : _("Not set"));
}

static const char *
environment_label (SintesiEnvironment environment)
{
  switch (environment)
    {
    case SINTESI_ENVIRONMENT_SANDBOX:    return _("Sandbox (simulator on this computer)");
    case SINTESI_ENVIRONMENT_STAGE:      return _("Stage (regional test gateway)");
    case SINTESI_ENVIRONMENT_PRODUCTION: return _("Production");
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:                             return _("Custom");
    }
}

static void
add_dynamic_row (SintesiProfilePage  *self,
                 AdwPreferencesGroup *group,
                 GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->dynamic_rows, group);
  g_ptr_array_add (self->dynamic_rows, row);
}

static void
clear_dynamic_rows (SintesiProfilePage *self)
{
  for (guint i = 0; i + 1 < self->dynamic_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->dynamic_rows, i),
                                  g_ptr_array_index (self->dynamic_rows, i + 1));
  g_ptr_array_set_size (self->dynamic_rows, 0);
  self->n_checks = 0;
  self->n_check_errors = 0;
}

static GtkWidget *
text_row_new (const char *icon_name,
              const char *title,
              const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (icon_name != NULL)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), icon_name);
  return row;
}

static void
add_certificate_row (SintesiProfilePage *self,
                     SintesiCredential  *credential,
                     const char         *title)
{
  g_autofree char *subtitle = NULL;

  if (credential == NULL)
    subtitle = g_strdup (_("Not imported"));
  else
    {
      g_autofree char *cn = sintesi_credential_get_cn (credential);
      g_autoptr(GDateTime) not_after = sintesi_credential_get_not_after (credential);
      g_autofree char *until = not_after != NULL ? g_date_time_format (not_after, "%d/%m/%Y") : g_strdup ("?");

      /* TRANSLATORS: the certificate's common name, then its expiry date */
      subtitle = g_strdup_printf (_("%s · valid until %s"), cn != NULL ? cn : "?", until);
    }
  add_dynamic_row (self, self->certificates_group,
                   text_row_new (credential != NULL ? "channel-secure-symbolic" : "action-unavailable-symbolic",
                                 title, subtitle));
}

/* The checks fold into one row that says whether the pair may send; it
 * opens by itself when something needs attention. */
static void
add_check_rows (SintesiProfilePage *self,
                GPtrArray          *checks)
{
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *summary_icon;
  guint n_warnings = 0;
  g_autofree char *title = NULL;

  for (guint i = 0; i < checks->len; i++)
    {
      const SintesiCredentialCheck *check = g_ptr_array_index (checks, i);

      if (!check->ok && check->severity == SINTESI_CHECK_ERROR)
        self->n_check_errors++;
      else if (!check->ok)
        n_warnings++;
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), sintesi_gui_check_row_new (check));
      self->n_checks++;
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  if (self->n_check_errors > 0)
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u check failed: this profile cannot send",
                                            "%u checks failed: this profile cannot send", self->n_check_errors),
                               self->n_check_errors);
      summary_icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
      gtk_widget_add_css_class (summary_icon, "error");
    }
  else if (n_warnings > 0)
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u check needs attention",
                                            "%u checks need attention", n_warnings),
                               n_warnings);
      summary_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (summary_icon, "warning");
    }
  else
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u certificate check passed",
                                            "All %u certificate checks passed", self->n_checks),
                               self->n_checks);
      summary_icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (summary_icon, "success");
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), _("Validity, roles, issuer, key size, signature algorithm and codice fiscale"));
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (expander), summary_icon);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), self->n_check_errors > 0 || n_warnings > 0);
  add_dynamic_row (self, self->certificates_group, expander);
}

/* The SOGEI roots installed, and whether this profile's environment is
 * left without its own: then the issuer check cannot pass, and the Install
 * button is the suggested way on. */
static void
add_roots_row (SintesiProfilePage *self)
{
  g_autofree char *dir = sintesi_credentials_default_roots_dir ();
  g_auto(GStrv) test_roots = NULL;
  g_auto(GStrv) production_roots = NULL;
  SintesiEnvironment environment = sintesi_profile_get_environment (self->profile);
  gboolean has_test, has_production, missing;
  const char *subtitle;
  GtkWidget *row;
  GtkWidget *button;

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    sintesi_credentials_find_sogei_roots (dir, &test_roots, &production_roots, NULL);
  has_test = test_roots != NULL && test_roots[0] != NULL;
  has_production = production_roots != NULL && production_roots[0] != NULL;
  missing = (environment == SINTESI_ENVIRONMENT_STAGE && !has_test)
            || (environment == SINTESI_ENVIRONMENT_PRODUCTION && !has_production);

  if (has_test && has_production)
    subtitle = _("Installed for stage and production");
  else if (has_test)
    subtitle = _("Installed for stage only");
  else if (has_production)
    subtitle = _("Installed for production only");
  else
    subtitle = _("Not installed: needed to verify the issuer of the certificates on stage and production");

  row = text_row_new (missing ? "dialog-warning-symbolic" : "security-high-symbolic",
                      _("Ministry Root Certificates"), subtitle);
  button = gtk_button_new_with_mnemonic (_("_Install…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "profile.install-roots");
  gtk_widget_set_tooltip_text (button, _("Install the root certificates published by the Ministry of Health (SOGEI)"));
  if (missing)
    gtk_widget_add_css_class (button, "suggested-action");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  add_dynamic_row (self, self->certificates_group, row);
}

static void
update_certificates (SintesiProfilePage *self)
{
  g_autoptr(SintesiKeystore) keystore = NULL;
  g_autoptr(SintesiCredential) auth = NULL;
  g_autoptr(SintesiCredential) sign = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;

  keystore = sintesi_keystore_new (sintesi_profile_get_name (self->profile), NULL, &error);
  if (keystore == NULL)
    {
      add_dynamic_row (self, self->certificates_group,
                       text_row_new ("dialog-error-symbolic", _("The certificates cannot be read"), error->message));
      return;
    }
  if (sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_AUTH))
    auth = sintesi_keystore_load_certificates (keystore, SINTESI_CREDENTIAL_SLOT_AUTH, NULL);
  if (sintesi_keystore_has_credential (keystore, SINTESI_CREDENTIAL_SLOT_SIGN))
    sign = sintesi_keystore_load_certificates (keystore, SINTESI_CREDENTIAL_SLOT_SIGN, NULL);
  add_certificate_row (self, auth, _("A1 — authentication"));
  add_certificate_row (self, sign, _("S1 — signature"));

  checks = sintesi_gui_check_credentials (self->application, self->profile, auth, sign);
  add_check_rows (self, checks);
  add_roots_row (self);
}

/* A small coloured word: production in red, so it is never picked by mistake. */
static GtkWidget *
environment_badge_new (SintesiEnvironment environment)
{
  static const char *classes[] = { "environment-sandbox", "environment-stage", "environment-production", "environment-custom" };
  static const char *labels[] = { N_("Sandbox"), N_("Stage"), N_("Production"), N_("Custom") };
  GtkWidget *badge = gtk_label_new (_(labels[environment <= SINTESI_ENVIRONMENT_CUSTOM ? environment : SINTESI_ENVIRONMENT_CUSTOM]));

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "environment-badge");
  gtk_widget_add_css_class (badge, classes[environment <= SINTESI_ENVIRONMENT_CUSTOM ? environment : SINTESI_ENVIRONMENT_CUSTOM]);
  return badge;
}

static void
update_profile_list (SintesiProfilePage *self)
{
  g_auto(GStrv) names = sintesi_profile_list (NULL);
  const char *active = self->profile != NULL ? sintesi_profile_get_name (self->profile) : NULL;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autoptr(SintesiProfile) profile = sintesi_profile_load_unvalidated (names[i], NULL);
      const char *physician = profile != NULL ? sintesi_profile_get_physician_name (profile) : NULL;
      GtkWidget *row = text_row_new (NULL, names[i],
                                     profile == NULL ? _("This profile cannot be read")
                                     : physician != NULL && physician[0] != '\0' ? physician : NULL);
      GtkWidget *mark = gtk_image_new_from_icon_name ("object-select-symbolic");

      if (profile != NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), environment_badge_new (sintesi_profile_get_environment (profile)));
      /* The active one is marked; the others switch when activated. */
      gtk_widget_set_visible (mark, g_strcmp0 (active, names[i]) == 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Active profile"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), mark);
      if (g_strcmp0 (active, names[i]) != 0 && profile != NULL)
        {
          gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "profile.switch");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", names[i]);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          gtk_widget_set_tooltip_text (row, _("Use this profile"));
        }
      gtk_widget_set_name (row, names[i]);
      add_dynamic_row (self, self->profiles_group, row);
    }
  if (names == NULL || names[0] == NULL)
    add_dynamic_row (self, self->profiles_group,
                     text_row_new (NULL, _("No profile yet"), _("Create your own profile to send with your certificates.")));
}

static void
update_registry (SintesiProfilePage *self)
{
  g_autoptr(SintesiRegistry) registry = sintesi_registry_load_installed (NULL);

  sintesi_accreditation_row_update (self->registry_row, registry,
                                    sintesi_profile_get_app_id (self->profile),
                                    sintesi_profile_get_app_vendor (self->profile),
                                    sintesi_profile_get_app_version (self->profile));
}

static void
update (SintesiProfilePage *self)
{
  SintesiProfile *p = self->profile;
  g_autofree char *base_url = NULL;

  clear_dynamic_rows (self);
  update_profile_list (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.import-certificates", p != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->registry_row), p != NULL);
  if (p == NULL)
    {
      /* Nothing stale on screen; Edit… still opens a broken profile. */
      AdwActionRow *rows[] = {
        self->physician_row, self->cf_row, self->name_row, self->environment_row, self->base_url_row,
        self->aud_row, self->azienda_row, self->repository_row, self->solution_row, self->locality_row,
        self->app_id_row, self->app_vendor_row, self->app_version_row,
      };

      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        set_value (rows[i], NULL);
      return;
    }

  set_value (self->physician_row, sintesi_profile_get_physician_name (p));
  set_value (self->cf_row, sintesi_profile_get_cf (p));
  set_value (self->name_row, sintesi_profile_get_name (p));
  set_value (self->environment_row, environment_label (sintesi_profile_get_environment (p)));
  if (sintesi_profile_get_environment (p) == SINTESI_ENVIRONMENT_SANDBOX)
    {
      SintesiSandbox *sandbox = self->application != NULL ? sintesi_application_get_sandbox (self->application) : NULL;

      base_url = sandbox != NULL ? g_strdup (sintesi_sandbox_get_base_url (sandbox))
                                 : g_strdup (_("The simulator is not running"));
    }
  else
    base_url = g_strdup (sintesi_profile_get_effective_base_url (p));
  set_value (self->base_url_row, base_url);
  set_value (self->aud_row, sintesi_profile_get_effective_aud (p));
  set_value (self->azienda_row, sintesi_profile_get_azienda (p));
  set_value (self->repository_row, sintesi_profile_get_repository (p));
  set_value (self->solution_row, sintesi_profile_get_solution (p));
  set_value (self->locality_row, sintesi_profile_get_locality (p));
  set_value (self->app_id_row, sintesi_profile_get_app_id (p));
  set_value (self->app_vendor_row, sintesi_profile_get_app_vendor (p));
  set_value (self->app_version_row, sintesi_profile_get_app_version (p));
  update_registry (self);
  update_certificates (self);
}

void
sintesi_profile_page_set_application (SintesiProfilePage *self,
                                      SintesiApplication *application)
{
  g_return_if_fail (SINTESI_IS_PROFILE_PAGE (self));

  self->application = application;
  g_signal_connect_object (application, "notify::sandbox-state",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
}

void
sintesi_profile_page_set_profile (SintesiProfilePage *self,
                                  SintesiProfile     *profile)
{
  g_return_if_fail (SINTESI_IS_PROFILE_PAGE (self));

  g_set_object (&self->profile, profile);
  update (self);
}

static GtkWindow *
parent_window (SintesiProfilePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
profile_saved_cb (SintesiProfileDialog *dialog,
                  const char           *name,
                  SintesiProfilePage   *self)
{
  /* The active profile edited: every page reloads it. A new profile only
   * joins the list: switching stays the physician's choice. */
  g_autofree char *active = self->application != NULL ? sintesi_application_dup_active_profile_name (self->application) : NULL;

  if (g_strcmp0 (name, active) == 0)
    sintesi_application_set_active_profile (self->application, name);
  else
    update (self);
}

static void
new_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SintesiProfilePage *self = SINTESI_PROFILE_PAGE (widget);
  SintesiProfileDialog *dialog = sintesi_profile_dialog_new (parent_window (self), NULL);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (profile_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SintesiProfilePage *self = SINTESI_PROFILE_PAGE (widget);
  SintesiProfileDialog *dialog;
  g_autoptr(SintesiProfile) broken = NULL;
  SintesiProfile *profile = self->profile;

  /* A profile that does not load (a field became invalid) is opened as
   * stored, so that its problems show under their fields. */
  if (profile == NULL && self->application != NULL)
    {
      g_autofree char *name = sintesi_application_dup_active_profile_name (self->application);

      profile = broken = sintesi_profile_load_unvalidated (name, NULL);
    }
  if (profile == NULL)
    return;
  dialog = sintesi_profile_dialog_new (parent_window (self), profile);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (profile_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
switch_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SintesiProfilePage *self = SINTESI_PROFILE_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (self->application != NULL && sintesi_profile_exists (name))
    sintesi_application_set_active_profile (self->application, name);
}

static void
import_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SintesiProfilePage *self = SINTESI_PROFILE_PAGE (widget);
  SintesiCredentialsDialog *dialog;

  if (self->profile == NULL)
    return;
  dialog = sintesi_credentials_dialog_new (parent_window (self), self->application, self->profile);
  g_signal_connect_object (dialog, "stored", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
sintesi_profile_page_install_roots (SintesiProfilePage  *self,
                                    GFile              **files,
                                    guint                n_files,
                                    GError             **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) installed = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SINTESI_IS_PROFILE_PAGE (self), FALSE);
  g_return_val_if_fail (files != NULL || n_files == 0, FALSE);

  for (guint i = 0; i < n_files && local_error == NULL; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path != NULL)
        g_ptr_array_add (paths, path);
      else
        {
          g_autofree char *name = g_file_get_parse_name (files[i]);

          g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("“%s” is not a file on this computer: copy it here first, then install it."), name);
        }
    }
  g_ptr_array_add (paths, NULL);
  if (local_error == NULL)
    installed = sintesi_credentials_import_roots ((const char * const *) paths->pdata, &local_error);

  /* Refused or not, the checks run again: the files before a refused one
   * may have been installed. */
  if (self->profile != NULL)
    update (self);

  if (installed == NULL)
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (self), _("Root Certificates Not Installed"),
                                                           local_error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  else
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u root certificate installed",
                                                             "%u root certificates installed", installed->len),
                                                installed->len);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
      return TRUE;
    }
}

static void
roots_chosen_cb (GtkNativeDialog    *chooser,
                 int                 response,
                 SintesiProfilePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) chosen = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (chosen); i++)
        g_ptr_array_add (files, g_list_model_get_item (chosen, i));
      if (files->len > 0)
        sintesi_profile_page_install_roots (self, (GFile **) files->pdata, files->len, NULL);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->roots_chooser);
}

static void
install_roots_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SintesiProfilePage *self = SINTESI_PROFILE_PAGE (widget);
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  if (self->roots_chooser != NULL)
    return;
  filter = sintesi_file_filter_new (SINTESI_FILE_FILTER_CERTIFICATES);
  all = sintesi_file_filter_new (SINTESI_FILE_FILTER_ALL);

  self->roots_chooser = gtk_file_chooser_native_new (_("Install Ministry Root Certificates"), parent_window (self),
                                                     GTK_FILE_CHOOSER_ACTION_OPEN, _("_Install"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->roots_chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->roots_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->roots_chooser), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->roots_chooser), all);
  g_signal_connect (self->roots_chooser, "response", G_CALLBACK (roots_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->roots_chooser));
}

guint
sintesi_profile_page_get_n_checks (SintesiProfilePage *self,
                                   guint              *n_errors)
{
  g_return_val_if_fail (SINTESI_IS_PROFILE_PAGE (self), 0);

  if (n_errors != NULL)
    *n_errors = self->n_check_errors;
  return self->n_checks;
}

static void
sintesi_profile_page_finalize (GObject *object)
{
  SintesiProfilePage *self = SINTESI_PROFILE_PAGE (object);

  if (self->roots_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->roots_chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->roots_chooser));
      g_clear_object (&self->roots_chooser);
    }
  g_clear_object (&self->profile);
  g_ptr_array_unref (self->dynamic_rows);

  G_OBJECT_CLASS (sintesi_profile_page_parent_class)->finalize (object);
}

static void
sintesi_profile_page_class_init (SintesiProfilePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sintesi_profile_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-profile-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiProfilePage, page);
#define BIND(row) gtk_widget_class_bind_template_child (widget_class, SintesiProfilePage, row)
  BIND (physician_row);
  BIND (cf_row);
  BIND (name_row);
  BIND (environment_row);
  BIND (base_url_row);
  BIND (aud_row);
  BIND (azienda_row);
  BIND (repository_row);
  BIND (solution_row);
  BIND (locality_row);
  BIND (app_id_row);
  BIND (app_vendor_row);
  BIND (app_version_row);
  BIND (certificates_group);
  BIND (profiles_group);
  BIND (software_group);
#undef BIND

  gtk_widget_class_install_action (widget_class, "profile.new", NULL, new_activated);
  gtk_widget_class_install_action (widget_class, "profile.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "profile.switch", "s", switch_activated);
  gtk_widget_class_install_action (widget_class, "profile.import-certificates", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "profile.install-roots", NULL, install_roots_activated);
}

static void
sintesi_profile_page_init (SintesiProfilePage *self)
{
  self->dynamic_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->registry_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_group_add (self->software_group, GTK_WIDGET (self->registry_row));
}
