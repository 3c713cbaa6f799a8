/* sintesi-accreditation-row.c: the accredited-software check as a row
 *
 * Used by the Profile page and the profile form, so that the physician sees
 * the same sentence in both places, and sees it before a send is refused.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-accreditation-row.h"

static void
set_icon (AdwActionRow *row,
          const char   *icon_name,
          const char   *css_class)
{
  GtkWidget *image = g_object_get_data (G_OBJECT (row), "sintesi-accreditation-icon");

  if (image == NULL)
    {
      image = gtk_image_new ();
      adw_action_row_add_prefix (row, image);
      g_object_set_data (G_OBJECT (row), "sintesi-accreditation-icon", image);
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon_name);
  gtk_widget_remove_css_class (image, "success");
  gtk_widget_remove_css_class (image, "warning");
  gtk_widget_remove_css_class (image, "error");
  if (css_class != NULL)
    gtk_widget_add_css_class (image, css_class);
}

void
sintesi_accreditation_row_update (AdwActionRow    *row,
                                  SintesiRegistry *registry,
                                  const char      *application_id,
                                  const char      *vendor,
                                  const char      *version)
{
  g_autoptr(SintesiRegistryMatch) match = NULL;

  g_return_if_fail (ADW_IS_ACTION_ROW (row));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (row, 0);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Register of accredited software"));
  if (registry == NULL)
    {
      set_icon (row, "dialog-information-symbolic", NULL);
      adw_action_row_set_subtitle (row, _("No register is installed, so the three strings cannot be checked here. Import results.csv with “sintesi-cli registry import”."));
      return;
    }
  if (application_id == NULL || application_id[0] == '\0' || vendor == NULL || vendor[0] == '\0'
      || version == NULL || version[0] == '\0')
    {
      set_icon (row, "dialog-warning-symbolic", "warning");
      adw_action_row_set_subtitle (row, _("Fill in the application, the vendor and the version to check them against the register."));
      return;
    }

  match = sintesi_registry_match (registry, application_id, vendor, version);
  switch (match->outcome)
    {
    case SINTESI_REGISTRY_ACCREDITED:
      set_icon (row, "emblem-ok-symbolic", "success");
      break;
    case SINTESI_REGISTRY_NEAR_MISS:
    case SINTESI_REGISTRY_NOT_FOR_PSS:
    case SINTESI_REGISTRY_NOT_FOUND:
    default:
      set_icon (row, "dialog-error-symbolic", "error");
      break;
    }
  adw_action_row_set_subtitle (row, match->message);
}
