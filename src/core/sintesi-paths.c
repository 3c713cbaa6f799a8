/* sintesi-paths.c: where Sintesi keeps the user's files */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sintesi-paths.h"

static char *config_dir_override;
static char *data_dir_override;
static char *config_dir_default;
static char *data_dir_default;

void
sintesi_paths_set_config_dir (const char *dir)
{
  g_free (config_dir_override);
  config_dir_override = g_strdup (dir);
}

void
sintesi_paths_set_data_dir (const char *dir)
{
  g_free (data_dir_override);
  data_dir_override = g_strdup (dir);
}

const char *
sintesi_paths_get_config_dir (void)
{
  if (config_dir_override != NULL)
    return config_dir_override;
  if (config_dir_default == NULL)
    config_dir_default = g_build_filename (g_get_user_config_dir (), "sintesi", NULL);
  return config_dir_default;
}

const char *
sintesi_paths_get_data_dir (void)
{
  if (data_dir_override != NULL)
    return data_dir_override;
  if (data_dir_default == NULL)
    data_dir_default = g_build_filename (g_get_user_data_dir (), "sintesi", NULL);
  return data_dir_default;
}

char *
sintesi_paths_profiles_dir (void)
{
  return g_build_filename (sintesi_paths_get_config_dir (), "profiles", NULL);
}

/* Everything under our folders may hold health data or key material:
 * only the user may read it. */
gboolean
sintesi_paths_ensure_private_dir (const char  *dir,
                                  GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* TRANSLATORS: %s is a folder, then the system's reason */
                   _("Cannot create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Either the old file or the whole new one is on disk, never half of it. */
gboolean
sintesi_write_file_atomic (const char  *path,
                           const char  *contents,
                           gssize       length,
                           int          mode,
                           GError     **error)
{
  return g_file_set_contents_full (path, contents, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE,
                                   mode, error);
}
