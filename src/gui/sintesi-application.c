/* sintesi-application.c: the GTK application object
 *
 * Owns the windows, the app-wide actions, the journal and the sandbox.
 * Everything that is not drawing lives in libsintesi.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-application.h"
#include "sintesi-window.h"

struct _SintesiApplication
{
  AdwApplication       parent_instance;
  gboolean             exit_after_startup;

  SintesiSandboxState  sandbox_state;
  SintesiSandbox      *sandbox;
  GError              *sandbox_error;
  SintesiJournal      *journal;
  /* The choice made in this run, for when GSettings has no schema. */
  char                *active_name;
  /* A switch away from the sandbox while it was starting: stop it once up. */
  gboolean             sandbox_unwanted;
};

G_DEFINE_FINAL_TYPE (SintesiApplication, sintesi_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SANDBOX_STATE,
  PROP_ACTIVE_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GSettings only when the schema is installed (or compiled for the tests):
 * a missing schema must not abort a freshly built binary. */
static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "last-profile"))
    return NULL;
  return g_settings_new (APP_ID);
}

char *
sintesi_application_dup_active_profile_name (SintesiApplication *self)
{
  g_autoptr(GSettings) settings = settings_new_if_installed ();
  g_auto(GStrv) names = NULL;

  if (settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (settings, "last-profile");

      if (last[0] != '\0' && sintesi_profile_exists (last))
        return g_steal_pointer (&last);
    }
  else if (self->active_name != NULL && sintesi_profile_exists (self->active_name))
    return g_strdup (self->active_name);
  names = sintesi_profile_list (NULL);
  if (names != NULL && names[0] != NULL)
    return g_strdup (names[0]);
  return g_strdup (SINTESI_SANDBOX_PROFILE);
}

SintesiProfile *
sintesi_application_load_active_profile (SintesiApplication  *self,
                                         GError             **error)
{
  g_autofree char *name = sintesi_application_dup_active_profile_name (self);

  g_return_val_if_fail (SINTESI_IS_APPLICATION (self), NULL);

  return sintesi_profile_load (name, error);
}

/* The sandbox is wanted when there is nothing else to send with yet, or
 * when the active profile sends to it. */
static gboolean
needs_sandbox (SintesiApplication *self)
{
  g_autofree char *name = sintesi_application_dup_active_profile_name (self);
  g_autoptr(SintesiProfile) profile = NULL;

  if (!sintesi_profile_exists (name))
    return TRUE;
  profile = sintesi_profile_load_unvalidated (name, NULL);
  return profile != NULL && sintesi_profile_get_environment (profile) == SINTESI_ENVIRONMENT_SANDBOX;
}

static void
set_sandbox_state (SintesiApplication  *self,
                   SintesiSandboxState  state)
{
  if (self->sandbox_state == state)
    return;
  self->sandbox_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANDBOX_STATE]);
}

static void
sandbox_start_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  SintesiSandbox *sandbox = sintesi_sandbox_start (&error);

  if (sandbox == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sandbox, (GDestroyNotify) sintesi_sandbox_stop);
}

static void
sandbox_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SintesiApplication *self = SINTESI_APPLICATION (object);
  GError *error = NULL;

  self->sandbox = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->sandbox != NULL && self->sandbox_unwanted)
    {
      /* The physician switched to a real profile meanwhile. */
      self->sandbox_unwanted = FALSE;
      g_clear_pointer (&self->sandbox, sintesi_sandbox_stop);
      set_sandbox_state (self, SINTESI_SANDBOX_STATE_OFF);
    }
  else if (self->sandbox == NULL)
    {
      g_warning ("The sandbox did not start: %s", error->message);
      self->sandbox_error = error;
      set_sandbox_state (self, SINTESI_SANDBOX_STATE_FAILED);
    }
  else
    set_sandbox_state (self, SINTESI_SANDBOX_STATE_RUNNING);
  g_application_release (G_APPLICATION (self));
}

static void
start_sandbox (SintesiApplication *self)
{
  g_autoptr(GTask) task = NULL;

  /* Making the demo physician's RSA keys takes a moment: never on the
   * main loop. The hold keeps the application alive until it is done. */
  g_application_hold (G_APPLICATION (self));
  g_clear_error (&self->sandbox_error);
  self->sandbox_unwanted = FALSE;
  set_sandbox_state (self, SINTESI_SANDBOX_STATE_STARTING);
  task = g_task_new (self, NULL, sandbox_started, NULL);
  g_task_set_source_tag (task, start_sandbox);
  g_task_run_in_thread (task, sandbox_start_thread);
}

void
sintesi_application_set_active_profile (SintesiApplication *self,
                                        const char         *name)
{
  g_autoptr(GSettings) settings = settings_new_if_installed ();

  g_return_if_fail (SINTESI_IS_APPLICATION (self));
  g_return_if_fail (name != NULL);

  if (settings != NULL)
    g_settings_set_string (settings, "last-profile", name);
  g_free (self->active_name);
  self->active_name = g_strdup (name);

  /* The simulator runs only while a sandbox profile is active: a real
   * profile must never find a loopback gateway answering in its place. */
  if (needs_sandbox (self))
    {
      self->sandbox_unwanted = FALSE;
      if (self->sandbox_state == SINTESI_SANDBOX_STATE_OFF || self->sandbox_state == SINTESI_SANDBOX_STATE_FAILED)
        start_sandbox (self);
    }
  else if (self->sandbox_state == SINTESI_SANDBOX_STATE_STARTING)
    self->sandbox_unwanted = TRUE;
  else if (self->sandbox_state != SINTESI_SANDBOX_STATE_OFF)
    {
      g_clear_pointer (&self->sandbox, sintesi_sandbox_stop);
      g_clear_error (&self->sandbox_error);
      set_sandbox_state (self, SINTESI_SANDBOX_STATE_OFF);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE_PROFILE]);
}

SintesiSandboxState
sintesi_application_get_sandbox_state (SintesiApplication *self)
{
  g_return_val_if_fail (SINTESI_IS_APPLICATION (self), SINTESI_SANDBOX_STATE_OFF);
  return self->sandbox_state;
}

SintesiSandbox *
sintesi_application_get_sandbox (SintesiApplication *self)
{
  g_return_val_if_fail (SINTESI_IS_APPLICATION (self), NULL);
  return self->sandbox;
}

const GError *
sintesi_application_get_sandbox_error (SintesiApplication *self)
{
  g_return_val_if_fail (SINTESI_IS_APPLICATION (self), NULL);
  return self->sandbox_error;
}

SintesiJournal *
sintesi_application_get_journal (SintesiApplication  *self,
                                 GError             **error)
{
  g_return_val_if_fail (SINTESI_IS_APPLICATION (self), NULL);

  if (self->journal == NULL)
    self->journal = sintesi_journal_open_default (error);
  return self->journal;
}

static void
sintesi_application_activate (GApplication *application)
{
  SintesiApplication *self = SINTESI_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (sintesi_window_new (self));
  gtk_window_present (window);

  /* Smoke test: every template loaded and the window was shown. */
  if (self->exit_after_startup)
    g_application_quit (application);
}

static int
sintesi_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  SintesiApplication *self = SINTESI_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "exit-after-startup"))
    self->exit_after_startup = TRUE;
  return -1;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Sintesi developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", PACKAGE_NAME,
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Send the patient summary (PSS) to the Tuscan FSE 2.0 gateway"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
sintesi_application_startup (GApplication *application)
{
  SintesiApplication *self = SINTESI_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (sintesi_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);

  if (needs_sandbox (self))
    start_sandbox (self);
}

static void
sintesi_application_shutdown (GApplication *application)
{
  SintesiApplication *self = SINTESI_APPLICATION (application);

  /* The simulator thread and its loopback port go with the application;
   * a start still under way is waited for, so that nothing is left half
   * made in the sandbox folder. */
  while (self->sandbox_state == SINTESI_SANDBOX_STATE_STARTING)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&self->sandbox, sintesi_sandbox_stop);
  g_clear_object (&self->journal);

  G_APPLICATION_CLASS (sintesi_application_parent_class)->shutdown (application);
}

static void
sintesi_application_dispose (GObject *object)
{
  SintesiApplication *self = SINTESI_APPLICATION (object);

  g_clear_pointer (&self->sandbox, sintesi_sandbox_stop);
  g_clear_object (&self->journal);

  G_OBJECT_CLASS (sintesi_application_parent_class)->dispose (object);
}

static void
sintesi_application_finalize (GObject *object)
{
  SintesiApplication *self = SINTESI_APPLICATION (object);

  g_clear_error (&self->sandbox_error);
  g_free (self->active_name);

  G_OBJECT_CLASS (sintesi_application_parent_class)->finalize (object);
}

static void
sintesi_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SintesiApplication *self = SINTESI_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SANDBOX_STATE:
      g_value_set_int (value, self->sandbox_state);
      break;
    case PROP_ACTIVE_PROFILE:
      g_value_take_string (value, sintesi_application_dup_active_profile_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sintesi_application_class_init (SintesiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sintesi_application_dispose;
  object_class->finalize = sintesi_application_finalize;
  object_class->get_property = sintesi_application_get_property;

  app_class->activate = sintesi_application_activate;
  app_class->startup = sintesi_application_startup;
  app_class->shutdown = sintesi_application_shutdown;
  app_class->handle_local_options = sintesi_application_handle_local_options;

  properties[PROP_SANDBOX_STATE] =
    g_param_spec_int ("sandbox-state", NULL, NULL,
                      SINTESI_SANDBOX_STATE_OFF, SINTESI_SANDBOX_STATE_FAILED, SINTESI_SANDBOX_STATE_OFF,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE_PROFILE] =
    g_param_spec_string ("active-profile", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sintesi_application_init (SintesiApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "exit-after-startup", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
      N_("Quit once the main window is shown (smoke test)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

SintesiApplication *
sintesi_application_new (void)
{
  return g_object_new (SINTESI_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}
