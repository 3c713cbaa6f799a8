/* sintesi-paths.h: where Sintesi keeps the user's files
 *
 * Profiles and other configuration live in the user's config folder, the
 * journal, rules package and sandbox PKI in the user's data folder. Both can
 * be overridden (sintesi-cli --config-dir / --data-dir, and tests).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void         sintesi_paths_set_config_dir (const char *dir);
void         sintesi_paths_set_data_dir   (const char *dir);
const char  *sintesi_paths_get_config_dir (void);
const char  *sintesi_paths_get_data_dir   (void);
char        *sintesi_paths_profiles_dir   (void);

gboolean     sintesi_paths_ensure_private_dir (const char  *dir,
                                               GError     **error);
gboolean     sintesi_write_file_atomic        (const char  *path,
                                               const char  *contents,
                                               gssize       length,
                                               int          mode,
                                               GError     **error);

G_END_DECLS
