/* test-paths.c: user folders and atomic writes */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sintesi-paths.h"
#include "sintesi-test-util.h"

static void
test_overrides (void)
{
  g_autofree char *profiles = NULL;

  sintesi_paths_set_config_dir ("/tmp/sintesi-x/config");
  sintesi_paths_set_data_dir ("/tmp/sintesi-x/data");
  g_assert_cmpstr (sintesi_paths_get_config_dir (), ==, "/tmp/sintesi-x/config");
  g_assert_cmpstr (sintesi_paths_get_data_dir (), ==, "/tmp/sintesi-x/data");
  profiles = sintesi_paths_profiles_dir ();
  g_assert_cmpstr (profiles, ==, "/tmp/sintesi-x/config/profiles");

  sintesi_paths_set_config_dir (NULL);
  sintesi_paths_set_data_dir (NULL);
  g_assert_true (g_str_has_suffix (sintesi_paths_get_config_dir (), "/sintesi"));
  g_assert_true (g_str_has_suffix (sintesi_paths_get_data_dir (), "/sintesi"));
}

static void
test_private_dir_and_atomic_write (void)
{
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *dir = g_build_filename (tmp, "a", "b", NULL);
  g_autofree char *file = g_build_filename (dir, "f.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (sintesi_paths_ensure_private_dir (dir, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_assert_true (sintesi_write_file_atomic (file, "one", -1, 0600, &error));
  g_assert_true (sintesi_write_file_atomic (file, "two", -1, 0600, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "two");
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  sintesi_test_rmdir (tmp);
}

static void
test_unwritable_dir (void)
{
  g_autoptr(GError) error = NULL;

  /* A regular file where a folder should be: clear error, no crash. */
  g_autofree char *tmp = sintesi_test_mkdtemp ();
  g_autofree char *blocker = g_build_filename (tmp, "blocker", NULL);
  g_autofree char *dir = g_build_filename (blocker, "sub", NULL);

  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  g_assert_false (sintesi_paths_ensure_private_dir (dir, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, dir));
  sintesi_test_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/paths/overrides", test_overrides);
  g_test_add_func ("/paths/private-dir-and-atomic-write", test_private_dir_and_atomic_write);
  g_test_add_func ("/paths/unwritable-dir", test_unwritable_dir);
  return g_test_run ();
}
