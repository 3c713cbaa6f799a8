/* sintesi-window.c: the main window
 *
 * Three pages in a view stack: Send (compose and send one document),
 * History (the journal) and Profile (who sends, where, with which
 * certificates). A banner under the header bar always says where documents
 * go, in red for production, because a physician must never wonder whether
 * a send reaches a patient's real record.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-history-page.h"
#include "sintesi-profile-page.h"
#include "sintesi-send-page.h"
#include "sintesi-window.h"

struct _SintesiWindow
{
  AdwApplicationWindow  parent_instance;

  AdwViewSwitcherTitle *switcher_title;
  GtkWidget            *environment_banner;
  GtkImage             *environment_icon;
  GtkLabel             *environment_label;
  GtkSpinner           *environment_spinner;
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  SintesiSendPage      *send_page;
  SintesiHistoryPage   *history_page;
  SintesiProfilePage   *profile_page;

  SintesiApplication   *application;  /* outlives its windows */
  AdwToast             *last_toast;   /* weak: dismissed when the next call ends */
  SintesiProfile       *profile;
  char                 *profile_error;
};

G_DEFINE_FINAL_TYPE (SintesiWindow, sintesi_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const environment_classes[] = {
  "environment-sandbox", "environment-stage", "environment-production",
  "environment-custom", "environment-problem",
};

static void
set_banner (SintesiWindow *self,
            const char    *css_class,
            const char    *icon_name,
            const char    *text,
            gboolean       busy)
{
  for (guint i = 0; i < G_N_ELEMENTS (environment_classes); i++)
    gtk_widget_remove_css_class (self->environment_banner, environment_classes[i]);
  gtk_widget_add_css_class (self->environment_banner, css_class);
  gtk_image_set_from_icon_name (self->environment_icon, icon_name);
  gtk_label_set_label (self->environment_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->environment_spinner), busy);
  gtk_spinner_set_spinning (self->environment_spinner, busy);
}

static void
update_banner (SintesiWindow *self)
{
  SintesiSandboxState state = sintesi_application_get_sandbox_state (self->application);
  g_autofree char *text = NULL;

  if (self->profile == NULL)
    {
      if (state == SINTESI_SANDBOX_STATE_STARTING)
        set_banner (self, "environment-sandbox", "emblem-system-symbolic",
                    _("Preparing the sandbox: test certificates for a demo physician are being made on this computer…"), TRUE);
      else if (state == SINTESI_SANDBOX_STATE_FAILED)
        {
          text = g_strdup_printf (_("The sandbox could not start: %s"),
                                  sintesi_application_get_sandbox_error (self->application)->message);
          set_banner (self, "environment-problem", "dialog-error-symbolic", text, FALSE);
        }
      else
        {
          text = g_strdup_printf (_("No profile can be used: %s"),
                                  self->profile_error != NULL ? self->profile_error : "");
          set_banner (self, "environment-problem", "dialog-error-symbolic", text, FALSE);
        }
      return;
    }

  switch (sintesi_profile_get_environment (self->profile))
    {
    case SINTESI_ENVIRONMENT_SANDBOX:
      if (state == SINTESI_SANDBOX_STATE_STARTING)
        set_banner (self, "environment-sandbox", "emblem-system-symbolic",
                    _("Starting the sandbox: a gateway simulator on this computer…"), TRUE);
      else if (state == SINTESI_SANDBOX_STATE_FAILED)
        {
          text = g_strdup_printf (_("The sandbox could not start: %s"),
                                  sintesi_application_get_sandbox_error (self->application)->message);
          set_banner (self, "environment-problem", "dialog-error-symbolic", text, FALSE);
        }
      else
        set_banner (self, "environment-sandbox", "applications-science-symbolic",
                    _("Sandbox: documents go to a gateway simulator on this computer. Nothing reaches a patient’s health record."), FALSE);
      break;
    case SINTESI_ENVIRONMENT_STAGE:
      set_banner (self, "environment-stage", "dialog-warning-symbolic",
                  _("Stage: documents go to the regional test gateway. Use test patients only."), FALSE);
      break;
    case SINTESI_ENVIRONMENT_PRODUCTION:
      set_banner (self, "environment-production", "dialog-warning-symbolic",
                  _("Production: documents go to your patients’ real health records (FSE)."), FALSE);
      break;
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:
      text = g_strdup_printf (_("Custom gateway: documents go to %s"),
                              sintesi_profile_get_effective_base_url (self->profile) != NULL
                              ? sintesi_profile_get_effective_base_url (self->profile) : "?");
      set_banner (self, "environment-custom", "network-server-symbolic", text, FALSE);
      break;
    }
}

static void
reload_profile (SintesiWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->profile);
  g_clear_pointer (&self->profile_error, g_free);
  self->profile = sintesi_application_load_active_profile (self->application, &error);
  if (self->profile == NULL)
    self->profile_error = g_strdup (error->message);

  sintesi_send_page_set_profile (self->send_page, self->profile);
  sintesi_history_page_set_profile (self->history_page, self->profile);
  sintesi_profile_page_set_profile (self->profile_page, self->profile);
  update_banner (self);
}

static void
sandbox_state_changed_cb (SintesiWindow *self)
{
  reload_profile (self);
  sintesi_history_page_reload (self->history_page);
}

static void
send_page_sent_cb (SintesiSendPage *page,
                   gint64           journal_id,
                   gboolean         accepted,
                   SintesiWindow   *self)
{
  AdwToast *toast;

  sintesi_history_page_reload (self->history_page);
  /* Never leave the news of an earlier call on screen. */
  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
  toast = adw_toast_new (accepted ? _("The gateway accepted the document") : _("The call is on record in the history"));
  adw_toast_set_timeout (toast, 4);
  g_set_weak_pointer (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The pages need the application, which GtkWindow sets after construction. */
static void
attach_application (SintesiWindow      *self,
                    SintesiApplication *application)
{
  self->application = application;

  sintesi_send_page_set_application (self->send_page, self->application);
  sintesi_history_page_set_application (self->history_page, self->application);
  sintesi_profile_page_set_application (self->profile_page, self->application);
  g_signal_connect_object (self->application, "notify::sandbox-state",
                           G_CALLBACK (sandbox_state_changed_cb), self, G_CONNECT_SWAPPED);
  /* Another profile chosen, or the active one edited, on the Profile page. */
  g_signal_connect_object (self->application, "notify::active-profile",
                           G_CALLBACK (sandbox_state_changed_cb), self, G_CONNECT_SWAPPED);
  reload_profile (self);
  sintesi_history_page_reload (self->history_page);
}

static void
sintesi_window_finalize (GObject *object)
{
  SintesiWindow *self = SINTESI_WINDOW (object);

  g_clear_object (&self->profile);
  g_free (self->profile_error);
  g_clear_weak_pointer (&self->last_toast);

  G_OBJECT_CLASS (sintesi_window_parent_class)->finalize (object);
}

static void
sintesi_window_class_init (SintesiWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sintesi_window_finalize;

  g_type_ensure (SINTESI_TYPE_SEND_PAGE);
  g_type_ensure (SINTESI_TYPE_HISTORY_PAGE);
  g_type_ensure (SINTESI_TYPE_PROFILE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sintesi-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, environment_banner);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, environment_icon);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, environment_label);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, environment_spinner);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, send_page);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, history_page);
  gtk_widget_class_bind_template_child (widget_class, SintesiWindow, profile_page);
  gtk_widget_class_bind_template_callback (widget_class, send_page_sent_cb);
}

static void
sintesi_window_init (SintesiWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

SintesiWindow *
sintesi_window_new (SintesiApplication *application)
{
  SintesiWindow *self;

  g_return_val_if_fail (SINTESI_IS_APPLICATION (application), NULL);

  self = g_object_new (SINTESI_TYPE_WINDOW,
                       "application", application,
                       NULL);
  attach_application (self, application);
  return self;
}

void
sintesi_window_show_page (SintesiWindow *self,
                          const char    *name)
{
  g_return_if_fail (SINTESI_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->stack, name);
}
