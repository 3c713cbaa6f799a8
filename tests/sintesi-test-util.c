/* sintesi-test-util.c: helpers shared by the test programs */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sintesi-test-util.h"

const char *
sintesi_test_fixtures_dir (void)
{
  const char *dir = g_getenv ("SINTESI_FIXTURES");

  if (dir == NULL || *dir == '\0')
    dir = g_getenv ("SINTESI_FIXTURES_DEFAULT");
  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return dir;
}

char *
sintesi_test_fixture (const char *relative_path)
{
  const char *dir = sintesi_test_fixtures_dir ();
  char *path;

  if (dir == NULL)
    {
      g_test_skip ("official fixtures not found: set SINTESI_FIXTURES or put shared/fixtures beside the checkout");
      return NULL;
    }
  path = g_build_filename (dir, relative_path, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("fixture %s not found in %s", relative_path, dir);
      g_test_skip (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

char *
sintesi_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sintesi-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  /* Never descend through a symbolic link: it may point at shared data
   * (the fixtures); only the link itself is removed. */
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_file_delete (file, NULL, NULL);
      return;
    }
  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
          remove_tree (child);
          g_object_unref (info);
        }
    }
  g_file_delete (file, NULL, NULL);
}

void
sintesi_test_rmdir (const char *dir)
{
  g_autoptr(GFile) file = NULL;

  if (dir == NULL)
    return;
  file = g_file_new_for_path (dir);
  remove_tree (file);
}

char *
sintesi_test_build_path (const char *relative_path)
{
  const char *root = g_getenv ("SINTESI_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative_path, NULL);
}

int
sintesi_test_run (const char * const *argv,
                  const char          *stdin_data,
                  char               **out_stdout,
                  char               **out_stderr)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  proc = g_subprocess_newv (argv,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  if (proc == NULL)
    {
      g_test_message ("cannot start %s: %s", argv[0], error->message);
      return -1;
    }
  if (!g_subprocess_communicate_utf8 (proc, stdin_data, NULL, &out, &err, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return -1;
    }
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  if (!g_subprocess_get_if_exited (proc))
    return -1;
  return g_subprocess_get_exit_status (proc);
}

int
sintesi_test_run_cli (const char          *home,
                      const char * const  *args,
                      const char          *stdin_data,
                      char               **out_stdout,
                      char               **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);

  g_ptr_array_add (argv, sintesi_test_build_path ("src/cli/sintesi-cli"));
  g_ptr_array_add (argv, g_strconcat ("--config-dir=", config, NULL));
  g_ptr_array_add (argv, g_strconcat ("--data-dir=", data, NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  return sintesi_test_run ((const char * const *) argv->pdata, stdin_data,
                           out_stdout, out_stderr);
}

gboolean
sintesi_test_have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

void
sintesi_test_assert_qpdf_clean (const char *path)
{
  const char *argv[] = { "qpdf", "--check", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, &err), ==, 0);
  if (strstr (out, "No syntax or stream encoding errors found") == NULL)
    g_error ("qpdf --check does not find %s clean:\n%s", path, out);
  g_assert_cmpstr (err, ==, "");
}

GBytes *
sintesi_test_pdf_from_objects (const char * const *objects,
                               guint               n_objects)
{
  GString *pdf = g_string_new ("%PDF-1.7\n");
  g_autofree gsize *offsets = g_new (gsize, n_objects);
  gsize xref;

  for (guint i = 0; i < n_objects; i++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f\r\n", n_objects + 1);
  for (guint i = 0; i < n_objects; i++)
    g_string_append_printf (pdf, "%010u 00000 n\r\n", (guint) offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%u\n%%%%EOF\n",
                          n_objects + 1, (guint) xref);
  return g_string_free_to_bytes (pdf);
}

GBytes *
sintesi_test_pdf_with_embedded_files (const char *tree,
                                      const char *payload)
{
  g_autofree char *catalog = g_strdup_printf ("<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles %s >> >>", tree);
  g_autofree char *stream = g_strdup_printf ("<< /Type /EmbeddedFile /Length %u >>\nstream\n%s\nendstream",
                                             (guint) strlen (payload), payload);
  const char *objects[] = {
    catalog,
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    stream,
  };

  return sintesi_test_pdf_from_objects (objects, G_N_ELEMENTS (objects));
}
