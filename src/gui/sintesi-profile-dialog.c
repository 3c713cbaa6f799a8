/* sintesi-profile-dialog.c: create or edit a physician profile
 *
 * One form for both. Every keystroke sets the field on a working copy of
 * the profile and runs the profile's own validation, so the sentence under
 * a field is exactly what saving would refuse with; Save stays off while
 * any field has an error. A field's problem is shown once the physician
 * has touched it (a new, empty form does not open in red). Choosing
 * production asks for a confirmation before it is written.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-accreditation-row.h"
#include "sintesi-profile-dialog.h"

typedef enum
{
  GROUP_PHYSICIAN,
  GROUP_GATEWAY,
  GROUP_ORGANISATION,
  GROUP_SOFTWARE,
} FieldGroup;

typedef enum
{
  EDITOR_TEXT,
  EDITOR_UPPER,        /* shown back in capitals as it is typed */
  EDITOR_ENVIRONMENT,
  EDITOR_FILE,
} FieldEditor;

typedef struct
{
  const char  *field;
  const char  *title;
  FieldGroup   group;
  FieldEditor  editor;
} FieldSpec;

static const FieldSpec field_specs[] = {
  { SINTESI_PROFILE_FIELD_PHYSICIAN_NAME, N_("Name and surname"), GROUP_PHYSICIAN, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_CF, N_("Codice fiscale"), GROUP_PHYSICIAN, EDITOR_UPPER },
  { SINTESI_PROFILE_FIELD_NAME, N_("Profile name"), GROUP_PHYSICIAN, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_ENVIRONMENT, N_("Environment"), GROUP_GATEWAY, EDITOR_ENVIRONMENT },
  { SINTESI_PROFILE_FIELD_BASE_URL, N_("Gateway address"), GROUP_GATEWAY, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_AUD, N_("Token audience (aud)"), GROUP_GATEWAY, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_CA_FILE, N_("Gateway CA certificate"), GROUP_GATEWAY, EDITOR_FILE },
  { SINTESI_PROFILE_FIELD_AZIENDA, N_("Health authority code (azienda)"), GROUP_ORGANISATION, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_REPOSITORY, N_("Repository"), GROUP_ORGANISATION, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_SOLUTION, N_("Solution name in document ids"), GROUP_ORGANISATION, EDITOR_UPPER },
  { SINTESI_PROFILE_FIELD_LOCALITY, N_("Locality (XON)"), GROUP_ORGANISATION, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_APP_ID, N_("Application"), GROUP_SOFTWARE, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_APP_VENDOR, N_("Vendor"), GROUP_SOFTWARE, EDITOR_TEXT },
  { SINTESI_PROFILE_FIELD_APP_VERSION, N_("Version"), GROUP_SOFTWARE, EDITOR_TEXT },
};

/* In SintesiEnvironment order. */
static const char *environment_titles[] = {
  N_("Sandbox"), N_("Stage"), N_("Production"), N_("Custom"), NULL
};

typedef struct
{
  const FieldSpec *spec;
  GtkWidget       *row;
  GtkWidget       *problem_row;
  GtkLabel        *problem_label;
  char            *problem;
  gboolean         touched;
} Field;

struct _SintesiProfileDialog
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  GtkLabel             *save_error;
  AdwPreferencesGroup  *physician_group, *gateway_group, *organisation_group, *software_group;

  SintesiProfile       *profile;           /* the working copy */
  gboolean              is_new;
  SintesiEnvironment    stored_environment;
  Field                 fields[G_N_ELEMENTS (field_specs)];
  AdwActionRow         *registry_row;
  SintesiRegistry      *registry;
  GtkFileChooserNative *chooser;
  gboolean              updating;
  gboolean              can_save;
};

G_DEFINE_FINAL_TYPE (SintesiProfileDialog, sintesi_profile_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static Field *
find_field (SintesiProfileDialog *self,
            const char           *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->fields); i++)
    if (g_str_equal (self->fields[i].spec->field, name))
      return &self->fields[i];
  return NULL;
}

static void
set_field_problem (Field                  *field,
                   const char             *message,
                   SintesiProblemSeverity  severity)
{
  g_free (field->problem);
  field->problem = g_strdup (message);
  gtk_widget_remove_css_class (field->row, "error");
  gtk_widget_remove_css_class (field->row, "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (field->problem_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (field->problem_label), "warning");
  gtk_widget_set_visible (field->problem_row, message != NULL && field->touched);
  if (message == NULL)
    return;
  gtk_label_set_label (field->problem_label, message);
  gtk_widget_add_css_class (GTK_WIDGET (field->problem_label), severity == SINTESI_PROBLEM_ERROR ? "error" : "warning");
  if (field->touched)
    gtk_widget_add_css_class (field->row, severity == SINTESI_PROBLEM_ERROR ? "error" : "warning");
}

static const char *
environment_description (SintesiEnvironment environment)
{
  switch (environment)
    {
    case SINTESI_ENVIRONMENT_SANDBOX:    return _("A gateway simulator on this computer, with test certificates: nothing leaves this computer.");
    case SINTESI_ENVIRONMENT_STAGE:      return _("The regional test gateway: test patients only.");
    case SINTESI_ENVIRONMENT_PRODUCTION: return _("Your patients’ real health records (FSE).");
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:                             return _("A gateway address communicated by CART at adhesion.");
    }
}

static void
update_file_row (SintesiProfileDialog *self)
{
  Field *field = find_field (self, SINTESI_PROFILE_FIELD_CA_FILE);
  const char *path = sintesi_profile_get_ca_file (self->profile);
  SintesiEnvironment environment = sintesi_profile_get_environment (self->profile);
  g_autofree char *basename = path != NULL ? g_path_get_basename (path) : NULL;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (field->row),
                               basename != NULL ? basename : _("None: the simulator’s own, or the system’s trusted certificates"));
  /* Stage and production trust the system store only (D18). */
  gtk_widget_set_visible (field->row, path != NULL || environment == SINTESI_ENVIRONMENT_SANDBOX
                                      || environment == SINTESI_ENVIRONMENT_CUSTOM);
}

/* Reads the form into the working copy and shows what the profile says. */
static void
revalidate (SintesiProfileDialog *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) send_problems = NULL;
  g_autoptr(GString) other_errors = g_string_new (NULL);
  Field *environment_field = find_field (self, SINTESI_PROFILE_FIELD_ENVIRONMENT);
  Field *name_field = find_field (self, SINTESI_PROFILE_FIELD_NAME);
  SintesiEnvironment environment;
  gboolean has_errors;

  self->updating = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->fields); i++)
    {
      Field *field = &self->fields[i];

      if (field->spec->editor == EDITOR_TEXT || field->spec->editor == EDITOR_UPPER)
        g_object_set (self->profile, field->spec->field, gtk_editable_get_text (GTK_EDITABLE (field->row)), NULL);
    }
  environment = adw_combo_row_get_selected (ADW_COMBO_ROW (environment_field->row));
  sintesi_profile_set_environment (self->profile, environment);
  self->updating = FALSE;

  problems = sintesi_profile_validate (self->profile, SINTESI_PROFILE_VALIDATE_DEFAULT);
  send_problems = sintesi_profile_validate (self->profile, SINTESI_PROFILE_VALIDATE_FOR_SEND);
  has_errors = sintesi_profile_problems_have_errors (problems);

  for (guint i = 0; i < G_N_ELEMENTS (self->fields); i++)
    set_field_problem (&self->fields[i], NULL, SINTESI_PROBLEM_ERROR);
  if (self->is_new && sintesi_profile_exists (sintesi_profile_get_name (self->profile)))
    {
      set_field_problem (name_field, _("A profile with this name already exists; please choose another."), SINTESI_PROBLEM_ERROR);
      has_errors = TRUE;
    }
  /* Errors first; then what a send would still need, as a warning: the
   * profile may be saved without it, not used to send. */
  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? problems : send_problems;

      for (guint i = 0; i < list->len; i++)
        {
          const SintesiProfileProblem *problem = g_ptr_array_index (list, i);
          Field *field = find_field (self, problem->field);
          SintesiProblemSeverity severity = pass == 0 ? problem->severity : SINTESI_PROBLEM_WARNING;

          if (field == NULL)
            {
              if (pass == 0 && problem->severity == SINTESI_PROBLEM_ERROR)
                g_string_append_printf (other_errors, "%s%s", other_errors->len > 0 ? "\n" : "", problem->message);
              continue;
            }
          if (field->problem == NULL)
            set_field_problem (field, problem->message, severity);
        }
    }
  gtk_label_set_label (self->save_error, other_errors->str);
  gtk_widget_set_visible (GTK_WIDGET (self->save_error), other_errors->len > 0);

  /* Production cannot be mistaken for a test. */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (environment_field->row), environment_description (environment));
  if (environment == SINTESI_ENVIRONMENT_PRODUCTION)
    gtk_widget_add_css_class (environment_field->row, "production-choice");
  else
    gtk_widget_remove_css_class (environment_field->row, "production-choice");
  update_file_row (self);

  sintesi_accreditation_row_update (self->registry_row, self->registry,
                                    sintesi_profile_get_app_id (self->profile),
                                    sintesi_profile_get_app_vendor (self->profile),
                                    sintesi_profile_get_app_version (self->profile));

  self->can_save = !has_errors;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", self->can_save);
}

static void
field_changed_cb (GtkWidget            *row,
                  SintesiProfileDialog *self)
{
  Field *field = g_object_get_data (G_OBJECT (row), "sintesi-field");

  if (self->updating)
    return;
  if (field->spec->editor == EDITOR_UPPER)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
      g_autofree char *upper = g_utf8_strup (text, -1);

      if (!g_str_equal (text, upper))
        {
          int position = gtk_editable_get_position (GTK_EDITABLE (row));

          self->updating = TRUE;
          gtk_editable_set_text (GTK_EDITABLE (row), upper);
          gtk_editable_set_position (GTK_EDITABLE (row), position);
          self->updating = FALSE;
        }
    }
  field->touched = TRUE;
  revalidate (self);
}

static void
environment_changed_cb (AdwComboRow          *row,
                        GParamSpec           *pspec,
                        SintesiProfileDialog *self)
{
  if (self->updating)
    return;
  find_field (self, SINTESI_PROFILE_FIELD_ENVIRONMENT)->touched = TRUE;
  /* The address and audience may have become mandatory (custom). */
  find_field (self, SINTESI_PROFILE_FIELD_BASE_URL)->touched = TRUE;
  find_field (self, SINTESI_PROFILE_FIELD_AUD)->touched = TRUE;
  revalidate (self);
}

void
sintesi_profile_dialog_set_ca_file (SintesiProfileDialog *self,
                                    const char           *path)
{
  g_return_if_fail (SINTESI_IS_PROFILE_DIALOG (self));

  sintesi_profile_set_ca_file (self->profile, path);
  find_field (self, SINTESI_PROFILE_FIELD_CA_FILE)->touched = TRUE;
  revalidate (self);
}

static void
ca_file_chosen_cb (GtkNativeDialog      *chooser,
                   int                   response,
                   SintesiProfileDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        sintesi_profile_dialog_set_ca_file (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_ca_file_cb (GtkButton            *button,
                   SintesiProfileDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");
  gtk_file_filter_add_suffix (filter, "cer");
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose the Gateway CA Certificate"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (ca_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_ca_file_cb (GtkButton            *button,
                  SintesiProfileDialog *self)
{
  sintesi_profile_dialog_set_ca_file (self, NULL);
}

static GtkWidget *
make_editor (SintesiProfileDialog *self,
             Field                *field)
{
  GtkWidget *row;

  switch (field->spec->editor)
    {
    case EDITOR_ENVIRONMENT:
      {
        g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

        for (guint i = 0; environment_titles[i] != NULL; i++)
          gtk_string_list_append (model, _(environment_titles[i]));
        row = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), sintesi_profile_get_environment (self->profile));
        adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
        g_signal_connect (row, "notify::selected", G_CALLBACK (environment_changed_cb), self);
      }
      break;
    case EDITOR_FILE:
      {
        GtkWidget *choose = gtk_button_new_from_icon_name ("document-open-symbolic");
        GtkWidget *clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");
        GtkWidget *buttons[2];

        row = adw_action_row_new ();
        gtk_widget_set_tooltip_text (choose, _("Choose a File…"));
        gtk_widget_set_tooltip_text (clear, _("Use None"));
        buttons[0] = choose;
        buttons[1] = clear;
        for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
          {
            gtk_widget_set_valign (buttons[i], GTK_ALIGN_CENTER);
            gtk_widget_add_css_class (buttons[i], "flat");
            adw_action_row_add_suffix (ADW_ACTION_ROW (row), buttons[i]);
          }
        gtk_accessible_update_property (GTK_ACCESSIBLE (choose), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose a File…"), -1);
        gtk_accessible_update_property (GTK_ACCESSIBLE (clear), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Use None"), -1);
        g_signal_connect (choose, "clicked", G_CALLBACK (choose_ca_file_cb), self);
        g_signal_connect (clear, "clicked", G_CALLBACK (clear_ca_file_cb), self);
      }
      break;
    case EDITOR_TEXT:
    case EDITOR_UPPER:
    default:
      {
        g_autofree char *value = NULL;

        row = adw_entry_row_new ();
        g_object_get (self->profile, field->spec->field, &value, NULL);
        gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
        g_signal_connect (row, "changed", G_CALLBACK (field_changed_cb), self);
      }
      break;
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->spec->title));
  g_object_set_data (G_OBJECT (row), "sintesi-field", field);
  return row;
}

static void
build_form (SintesiProfileDialog *self)
{
  AdwPreferencesGroup *groups[] = {
    self->physician_group, self->gateway_group, self->organisation_group, self->software_group
  };

  for (guint i = 0; i < G_N_ELEMENTS (field_specs); i++)
    {
      Field *field = &self->fields[i];

      field->spec = &field_specs[i];
      field->row = make_editor (self, field);
      /* The problem sits right under its field, inside the same list. */
      field->problem_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (field->problem_label, TRUE);
      gtk_label_set_xalign (field->problem_label, 0);
      gtk_widget_set_margin_start (GTK_WIDGET (field->problem_label), 12);
      gtk_widget_set_margin_end (GTK_WIDGET (field->problem_label), 12);
      gtk_widget_set_margin_top (GTK_WIDGET (field->problem_label), 8);
      gtk_widget_set_margin_bottom (GTK_WIDGET (field->problem_label), 8);
      gtk_widget_add_css_class (GTK_WIDGET (field->problem_label), "caption");
      field->problem_row = adw_preferences_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (field->problem_row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (field->problem_row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (field->problem_row), GTK_WIDGET (field->problem_label));
      gtk_widget_set_visible (field->problem_row, FALSE);
      adw_preferences_group_add (groups[field->spec->group], field->row);
      adw_preferences_group_add (groups[field->spec->group], field->problem_row);
    }

  self->registry_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_group_add (self->software_group, GTK_WIDGET (self->registry_row));
}

static gboolean
destroy_idle_cb (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
do_save (SintesiProfileDialog *self)
{
  g_autoptr(GError) error = NULL;

  revalidate (self);
  if (!self->can_save)
    return;
  if (!sintesi_profile_save (self->profile, &error))
    {
      gtk_label_set_label (self->save_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->save_error), TRUE);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", FALSE);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, sintesi_profile_get_name (self->profile));
  /* Not from inside the confirmation's response: it is still running,
   * and goes with this window. */
  g_idle_add_full (G_PRIORITY_LOW, destroy_idle_cb, g_object_ref (self), g_object_unref);
}

static void
production_confirmed_cb (AdwMessageDialog     *dialog,
                         const char           *response,
                         SintesiProfileDialog *self)
{
  if (g_str_equal (response, "production"))
    do_save (self);
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SintesiProfileDialog *self = SINTESI_PROFILE_DIALOG (widget);
  GtkWidget *dialog;

  revalidate (self);
  if (!self->can_save)
    return;
  if (sintesi_profile_get_environment (self->profile) != SINTESI_ENVIRONMENT_PRODUCTION
      || self->stored_environment == SINTESI_ENVIRONMENT_PRODUCTION)
    {
      do_save (self);
      return;
    }

  /* The one switch that reaches real patients' records: said twice. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send to Production?"),
                                   _("Documents sent with this profile will go to your patients’ real health records (FSE). Use production only with your own certificates, once your tests on stage have passed."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "production", _("_Use Production"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "production", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (production_confirmed_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWidget *
sintesi_profile_dialog_get_field_row (SintesiProfileDialog *self,
                                      const char           *field_name)
{
  Field *field;

  g_return_val_if_fail (SINTESI_IS_PROFILE_DIALOG (self), NULL);

  field = find_field (self, field_name);
  return field != NULL ? field->row : NULL;
}

const char *
sintesi_profile_dialog_get_problem (SintesiProfileDialog *self,
                                    const char           *field_name)
{
  Field *field;

  g_return_val_if_fail (SINTESI_IS_PROFILE_DIALOG (self), NULL);

  field = find_field (self, field_name);
  if (field == NULL || !gtk_widget_get_visible (field->problem_row))
    return NULL;
  return field->problem;
}

gboolean
sintesi_profile_dialog_can_save (SintesiProfileDialog *self)
{
  g_return_val_if_fail (SINTESI_IS_PROFILE_DIALOG (self), FALSE);
  return self->can_save;
}

static void
sintesi_profile_dialog_dispose (GObject *object)
{
  SintesiProfileDialog *self = SINTESI_PROFILE_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (sintesi_profile_dialog_parent_class)->dispose (object);
}

static void
sintesi_profile_dialog_finalize (GObject *object)
{
  SintesiProfileDialog *self = SINTESI_PROFILE_DIALOG (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->fields); i++)
    g_free (self->fields[i].problem);
  g_clear_object (&self->profile);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (sintesi_profile_dialog_parent_class)->finalize (object);
}

static void
sintesi_profile_dialog_class_init (SintesiProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sintesi_profile_dialog_dispose;
  object_class->finalize = sintesi_profile_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiProfileDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SintesiProfileDialog, save_error);
  gtk_widget_class_bind_template_child (widget_class, SintesiProfileDialog, physician_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiProfileDialog, gateway_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiProfileDialog, organisation_group);
  gtk_widget_class_bind_template_child (widget_class, SintesiProfileDialog, software_group);
  gtk_widget_class_install_action (widget_class, "profile.save", NULL, save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "profile.save", NULL);
}

static void
sintesi_profile_dialog_init (SintesiProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SintesiProfileDialog *
sintesi_profile_dialog_new (GtkWindow      *parent,
                            SintesiProfile *profile)
{
  SintesiProfileDialog *self = g_object_new (SINTESI_TYPE_PROFILE_DIALOG,
                                             "transient-for", parent,
                                             NULL);
  Field *name_field;

  if (profile != NULL)
    {
      g_autofree char *data = sintesi_profile_to_data (profile);

      self->profile = sintesi_profile_new_from_data (sintesi_profile_get_name (profile), data, NULL);
    }
  if (self->profile == NULL)
    {
      /* A real profile starts on stage: production is a later, deliberate step. */
      self->is_new = TRUE;
      self->profile = sintesi_profile_new ("");
      sintesi_profile_set_environment (self->profile, SINTESI_ENVIRONMENT_STAGE);
    }
  self->stored_environment = self->is_new ? SINTESI_ENVIRONMENT_STAGE : sintesi_profile_get_environment (self->profile);
  /* No register yet is a state worth saying, not an error. */
  self->registry = sintesi_registry_load_installed (NULL);

  build_form (self);
  adw_window_title_set_title (self->window_title, self->is_new ? _("New Profile") : _("Edit Profile"));
  if (!self->is_new)
    {
      adw_window_title_set_subtitle (self->window_title, sintesi_profile_get_name (self->profile));
      /* The name is the folder of the stored certificates: fixed once made. */
      name_field = find_field (self, SINTESI_PROFILE_FIELD_NAME);
      gtk_widget_set_sensitive (name_field->row, FALSE);
      for (guint i = 0; i < G_N_ELEMENTS (self->fields); i++)
        self->fields[i].touched = TRUE;
    }
  revalidate (self);
  return self;
}
