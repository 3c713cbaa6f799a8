/* sintesi-rules.c: the rules package (decisions.md D14) */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-paths.h"
#include "sintesi-rules.h"

G_DEFINE_QUARK (sintesi-rules-error-quark, sintesi_rules_error)

#define VERSION_FILE "version.json"
#define MAIN_XSD "CDA.xsd"
/* Far above any official file (the largest CSV is a few MB). */
#define MAX_DOWNLOAD_SIZE (64 * 1024 * 1024)

/* What the catalog publishes: raw files have no directory listing, so the
 * download names them.  XSD set as in schema/POCD_MT000040UV02/. */
static const char * const catalog_xsd_files[] = {
  "CDA.xsd", "NarrativeBlock.xsd", "POCD_MT000040UV02.xsd", "datatypes-base.xsd",
  "datatypes-rX-cs.xsd", "datatypes.xsd", "infrastructureRoot.xsd",
  "labExtension_1.2_gen.xsd", "pharmExtension.xsd", "sdtcExtension.xsd", "voc.xsd",
};
#define CATALOG_XSD_DIR "schema/POCD_MT000040UV02/"
#define CATALOG_SCHEMATRON "schematron/schematron_PSS_v4.0.sch"
/* The value sets the PSS uses that are small enough to ship (the LOINC,
 * ICD-9-CM and AIC tables are left to the gateway). */
static const char * const catalog_terminology_files[] = {
  "1.2.840.10008.2.16.4.csv", "1.3.6.1.4.1.12009.10.1.1356.csv",
  "1.3.6.1.4.1.12009.10.1.1694.csv", "1.3.6.1.4.1.12009.10.1.3342.csv",
  "2.16.840.1.113883.1.11.1.csv", "2.16.840.1.113883.1.11.12839.csv",
  "2.16.840.1.113883.1.11.19700.csv", "2.16.840.1.113883.11.22.12.csv",
  "2.16.840.1.113883.11.22.15.csv", "2.16.840.1.113883.11.22.17.csv",
  "2.16.840.1.113883.11.22.36.csv", "2.16.840.1.113883.11.22.61.csv",
  "2.16.840.1.113883.11.22.9.csv", "2.16.840.1.113883.2.9.1.11.1.2.10.csv",
  "2.16.840.1.113883.2.9.1.11.1.2.11.csv", "2.16.840.1.113883.2.9.1.11.1.2.13.csv",
  "2.16.840.1.113883.2.9.1.11.1.2.9.csv", "2.16.840.1.113883.2.9.10.1.4.3.4.5.csv",
  "2.16.840.1.113883.2.9.5.1.4.csv", "2.16.840.1.113883.2.9.5.1.88.csv",
  "2.16.840.1.113883.2.9.5.2.2.csv", "2.16.840.1.113883.2.9.5.2.8.csv",
  "2.16.840.1.113883.2.9.6.1.48.csv", "2.16.840.1.113883.2.9.6.1.53.csv",
  "2.16.840.1.113883.2.9.6.1.54.1.csv", "2.16.840.1.113883.2.9.6.1.54.2.csv",
  "2.16.840.1.113883.2.9.6.1.54.4.csv", "2.16.840.1.113883.2.9.6.1.54.5.csv",
  "2.16.840.1.113883.2.9.6.1.54.6.csv", "2.16.840.1.113883.2.9.6.1.56.1.csv",
  "2.16.840.1.113883.2.9.6.1.56.2.csv", "2.16.840.1.113883.2.9.6.1.56.4.csv",
  "2.16.840.1.113883.2.9.6.2.7.csv", "2.16.840.1.113883.2.9.77.22.11.10.csv",
  "2.16.840.1.113883.2.9.77.22.11.11.csv", "2.16.840.1.113883.2.9.77.22.11.12.csv",
  "2.16.840.1.113883.2.9.77.22.11.13.csv", "2.16.840.1.113883.2.9.77.22.11.14.csv",
  "2.16.840.1.113883.2.9.77.22.11.15.csv", "2.16.840.1.113883.2.9.77.22.11.16.csv",
  "2.16.840.1.113883.2.9.77.22.11.17.csv", "2.16.840.1.113883.2.9.77.22.11.18.csv",
  "2.16.840.1.113883.2.9.77.22.11.2.csv", "2.16.840.1.113883.2.9.77.22.11.3.csv",
  "2.16.840.1.113883.2.9.77.22.11.4.csv", "2.16.840.1.113883.2.9.77.22.11.5.csv",
  "2.16.840.1.113883.2.9.77.22.11.6.csv", "2.16.840.1.113883.2.9.77.22.11.7.csv",
  "2.16.840.1.113883.2.9.77.22.11.8.csv", "2.16.840.1.113883.2.9.77.22.11.9.csv",
  "2.16.840.1.113883.3.1937.777.63.11.16.csv", "2.16.840.1.113883.5.1.csv",
  "2.16.840.1.113883.5.1052.csv", "2.16.840.1.113883.5.1063.csv",
  "2.16.840.1.113883.5.111.csv", "2.16.840.1.113883.5.112.csv",
  "2.16.840.1.113883.5.129.csv", "2.16.840.1.113883.5.25.csv",
  "2.16.840.1.113883.5.4.csv", "2.16.840.1.113883.5.7.csv",
  "2.16.840.1.113883.5.83.csv", "2.16.840.1.113883.5.84.csv",
  "2.16.840.1.113883.6.103.csv", "2.16.840.1.113883.6.73.csv",
};

struct _SintesiRulesPackage
{
  GObject            parent_instance;

  char              *dir;
  char              *source;
  char              *date;
  char              *version;
  char              *schematron_file;
  char              *xsd_file;
  char              *terminology_dir;
  GPtrArray         *files;       /* SintesiRulesFile*, lazily when no record */
  gboolean           has_record;

  GMutex             lock;         /* files */
  GMutex             xsd_lock;     /* separate: both compile at once */
  GMutex             schematron_lock;
  SintesiXsd        *xsd;
  SintesiSchematron *schematron;
};

G_DEFINE_FINAL_TYPE (SintesiRulesPackage, sintesi_rules_package, G_TYPE_OBJECT)

static void
rules_file_free (SintesiRulesFile *file)
{
  g_free (file->path);
  g_free (file->sha256);
  g_free (file);
}

static void
sintesi_rules_package_finalize (GObject *object)
{
  SintesiRulesPackage *self = SINTESI_RULES_PACKAGE (object);

  g_free (self->dir);
  g_free (self->source);
  g_free (self->date);
  g_free (self->version);
  g_free (self->schematron_file);
  g_free (self->xsd_file);
  g_free (self->terminology_dir);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_object (&self->xsd);
  g_clear_object (&self->schematron);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->xsd_lock);
  g_mutex_clear (&self->schematron_lock);
  G_OBJECT_CLASS (sintesi_rules_package_parent_class)->finalize (object);
}

static void
sintesi_rules_package_class_init (SintesiRulesPackageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_rules_package_finalize;
}

static void
sintesi_rules_package_init (SintesiRulesPackage *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->xsd_lock);
  g_mutex_init (&self->schematron_lock);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

static char *
sha256_of_file (const char  *path,
                GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                   _("Cannot read “%s”: %s"), path, local->message);
      return NULL;
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}

/* Removes a folder we created; never follows symbolic links. */
static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

/* Regular files of dir whose names end with suffix, sorted. */
static GPtrArray *
list_files (const char *dir,
            const char *suffix)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return names;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (g_str_has_suffix (lower, suffix) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_dir_close (handle);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

/* Compares the version numbers in two names: "…_v4.0.sch" > "…_v3.10.sch". */
static int
compare_versions (const char *a,
                  const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          guint64 na = g_ascii_strtoull (a, (char **) &a, 10);
          guint64 nb = g_ascii_strtoull (b, (char **) &b, 10);

          if (na != nb)
            return na < nb ? -1 : 1;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  return (*a != '\0') - (*b != '\0');
}

/* The PSS schematron of a folder: the highest-versioned name containing
 * "PSS", or the only .sch there is. */
static char *
pick_schematron (const char *dir)
{
  g_autoptr(GPtrArray) names = list_files (dir, ".sch");
  const char *best = NULL;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (strstr (name, "PSS") == NULL)
        continue;
      if (best == NULL || compare_versions (name, best) > 0)
        best = name;
    }
  if (best == NULL && names->len == 1)
    best = g_ptr_array_index (names, 0);
  return g_strdup (best);
}

typedef struct
{
  char *xsd_dir;         /* absolute */
  char *schematron;      /* absolute */
  char *terminology_dir; /* absolute or NULL */
} Layout;

static void
layout_clear (Layout *layout)
{
  g_clear_pointer (&layout->xsd_dir, g_free);
  g_clear_pointer (&layout->schematron, g_free);
  g_clear_pointer (&layout->terminology_dir, g_free);
}

static gboolean
find_layout (const char  *dir,
             Layout      *layout,
             GError     **error)
{
  g_autofree char *display = g_filename_display_name (dir);
  g_autofree char *fixtures_xsd = g_build_filename (dir, "xsd", NULL);
  g_autofree char *catalog_xsd = g_build_filename (dir, "schema", "POCD_MT000040UV02", NULL);
  g_autofree char *schematron_dir = g_build_filename (dir, "schematron", NULL);
  g_autofree char *terminology = g_build_filename (dir, "terminology", NULL);
  g_autofree char *schematron = NULL;
  const char *xsd_dir = NULL;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_LAYOUT,
                   _("“%s” is not a folder."), display);
      return FALSE;
    }
  for (int i = 0; i < 2 && xsd_dir == NULL; i++)
    {
      const char *candidate = i == 0 ? fixtures_xsd : catalog_xsd;
      g_autofree char *main_xsd = g_build_filename (candidate, MAIN_XSD, NULL);

      if (g_file_test (main_xsd, G_FILE_TEST_IS_REGULAR))
        xsd_dir = candidate;
    }
  schematron = pick_schematron (schematron_dir);
  if (xsd_dir == NULL || schematron == NULL)
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_LAYOUT,
                   _("“%s” is not a rules package: it needs xsd/CDA.xsd (or schema/POCD_MT000040UV02/CDA.xsd) and the PSS schematron in schematron/."),
                   display);
      return FALSE;
    }
  layout->xsd_dir = g_strdup (xsd_dir);
  layout->schematron = g_build_filename (schematron_dir, schematron, NULL);
  layout->terminology_dir = g_file_test (terminology, G_FILE_TEST_IS_DIR) ? g_strdup (terminology) : NULL;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */

static char *
rules_root (void)
{
  return g_build_filename (sintesi_paths_get_data_dir (), "rules", NULL);
}

char *
sintesi_rules_installed_dir (void)
{
  return g_build_filename (sintesi_paths_get_data_dir (), "rules", "package", NULL);
}

static void
set_version (SintesiRulesPackage *self)
{
  g_autofree char *name = g_path_get_basename (self->schematron_file);

  g_free (self->version);
  if (self->date != NULL)
    {
      g_autofree char *day = g_strndup (self->date, 10);

      self->version = g_strdup_printf ("%s (%s)", name, day);
    }
  else
    self->version = g_steal_pointer (&name);
}

static gboolean
read_record (SintesiRulesPackage  *self,
             const char           *record_path,
             GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonObject *root;
  JsonArray *files;

  if (!json_parser_load_from_file (parser, record_path, &local) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_VERIFY,
                   _("The version record of the rules package is damaged: %s"),
                   local != NULL ? local->message : "not an object");
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  self->source = g_strdup (json_object_get_string_member_with_default (root, "source", NULL));
  self->date = g_strdup (json_object_get_string_member_with_default (root, "date", NULL));
  self->schematron_file = g_strdup (json_object_get_string_member_with_default (root, "schematron_file", NULL));
  self->xsd_file = g_strdup (json_object_get_string_member_with_default (root, "xsd_file", NULL));
  files = json_object_has_member (root, "files") ? json_object_get_array_member (root, "files") : NULL;
  if (self->schematron_file == NULL || self->xsd_file == NULL || files == NULL ||
      strstr (self->schematron_file, "..") != NULL || strstr (self->xsd_file, "..") != NULL)
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_VERIFY,
                   _("The version record of the rules package is damaged: %s"), "missing members");
      return FALSE;
    }
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) rules_file_free);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *entry = json_array_get_object_element (files, i);
      SintesiRulesFile *file;

      if (entry == NULL)
        continue;
      file = g_new0 (SintesiRulesFile, 1);
      file->path = g_strdup (json_object_get_string_member_with_default (entry, "path", ""));
      file->sha256 = g_strdup (json_object_get_string_member_with_default (entry, "sha256", ""));
      g_ptr_array_add (self->files, file);
    }
  self->has_record = TRUE;
  return TRUE;
}

SintesiRulesPackage *
sintesi_rules_package_open (const char  *dir,
                            GError     **error)
{
  g_autoptr(SintesiRulesPackage) self = g_object_new (SINTESI_TYPE_RULES_PACKAGE, NULL);
  g_autofree char *record = NULL;
  g_autofree char *terminology = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  self->dir = g_canonicalize_filename (dir, NULL);
  record = g_build_filename (self->dir, VERSION_FILE, NULL);
  if (g_file_test (record, G_FILE_TEST_IS_REGULAR))
    {
      if (!read_record (self, record, error))
        return NULL;
      terminology = g_build_filename (self->dir, "terminology", NULL);
      if (g_file_test (terminology, G_FILE_TEST_IS_DIR))
        self->terminology_dir = g_steal_pointer (&terminology);
    }
  else
    {
      Layout layout = { NULL };
      gsize prefix = strlen (self->dir) + 1;

      if (!find_layout (self->dir, &layout, error))
        return NULL;
      self->schematron_file = g_strdup (layout.schematron + prefix);
      {
        g_autofree char *main_xsd = g_build_filename (layout.xsd_dir, MAIN_XSD, NULL);

        self->xsd_file = g_strdup (main_xsd + prefix);
      }
      self->terminology_dir = g_steal_pointer (&layout.terminology_dir);
      layout_clear (&layout);
    }
  set_version (self);
  return g_steal_pointer (&self);
}

/* A crash between the two renames of an install leaves the old package
 * under .previous-*: put it back. */
static void
recover_interrupted_switch (const char *root,
                            const char *installed)
{
  GDir *dir;
  const char *name;

  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return;
  dir = g_dir_open (root, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_str_has_prefix (name, ".previous-") && g_rename (path, installed) == 0)
        break;
    }
  g_dir_close (dir);
}

SintesiRulesPackage *
sintesi_rules_package_open_installed (GError **error)
{
  g_autofree char *root = rules_root ();
  g_autofree char *installed = sintesi_rules_installed_dir ();
  g_autofree char *record = g_build_filename (installed, VERSION_FILE, NULL);

  recover_interrupted_switch (root, installed);
  if (!g_file_test (record, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_NOT_INSTALLED,
                   _("No rules package is installed: official validation (XSD and schematron) is unavailable. Import one with “sintesi-cli rules import DIR” or download it with “sintesi-cli rules update”."));
      return NULL;
    }
  return sintesi_rules_package_open (installed, error);
}

const char *
sintesi_rules_package_get_dir (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->dir;
}

const char *
sintesi_rules_package_get_source (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->source;
}

const char *
sintesi_rules_package_get_date (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->date;
}

const char *
sintesi_rules_package_get_version (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->version;
}

const char *
sintesi_rules_package_get_schematron_file (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->schematron_file;
}

const char *
sintesi_rules_package_get_xsd_file (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->xsd_file;
}

const char *
sintesi_rules_package_get_terminology_dir (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);
  return self->terminology_dir;
}

static void
hash_tree (const char *base,
           const char *relative,
           GPtrArray  *files)
{
  g_autofree char *path = relative != NULL ? g_build_filename (base, relative, NULL) : g_strdup (base);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *child = g_ptr_array_index (names, i);
      g_autofree char *child_relative = relative != NULL ? g_strdup_printf ("%s/%s", relative, child)
                                                         : g_strdup (child);
      g_autofree char *child_path = g_build_filename (base, child_relative, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        hash_tree (base, child_relative, files);
      else if (g_file_test (child_path, G_FILE_TEST_IS_REGULAR) && g_strcmp0 (child_relative, VERSION_FILE) != 0)
        {
          SintesiRulesFile *file = g_new0 (SintesiRulesFile, 1);

          file->path = g_steal_pointer (&child_relative);
          file->sha256 = sha256_of_file (child_path, NULL);
          if (file->sha256 == NULL)
            file->sha256 = g_strdup ("");
          g_ptr_array_add (files, file);
        }
    }
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  const SintesiRulesFile *fa = *(SintesiRulesFile * const *) a;
  const SintesiRulesFile *fb = *(SintesiRulesFile * const *) b;

  return strcmp (fa->path, fb->path);
}

GPtrArray *
sintesi_rules_package_get_files (SintesiRulesPackage *self)
{
  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->files == NULL)
    {
      self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) rules_file_free);
      hash_tree (self->dir, NULL, self->files);
    }
  g_ptr_array_sort (self->files, compare_files);
  g_mutex_unlock (&self->lock);
  return self->files;
}

gboolean
sintesi_rules_package_verify (SintesiRulesPackage  *self,
                              GError              **error)
{
  GPtrArray *files;

  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), FALSE);

  files = sintesi_rules_package_get_files (self);
  for (guint i = 0; i < files->len; i++)
    {
      SintesiRulesFile *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (self->dir, file->path, NULL);
      g_autofree char *actual = NULL;

      if (strstr (file->path, "..") != NULL || g_path_is_absolute (file->path) ||
          (actual = sha256_of_file (path, NULL)) == NULL || g_strcmp0 (actual, file->sha256) != 0)
        {
          g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_VERIFY,
                       _("The file “%s” of the rules package is missing or has been changed."),
                       file->path);
          return FALSE;
        }
    }
  return TRUE;
}

SintesiXsd *
sintesi_rules_package_get_xsd (SintesiRulesPackage  *self,
                               GError              **error)
{
  SintesiXsd *xsd;

  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);

  g_mutex_lock (&self->xsd_lock);
  if (self->xsd == NULL)
    {
      g_autofree char *path = g_build_filename (self->dir, self->xsd_file, NULL);

      self->xsd = sintesi_xsd_new_from_file (path, error);
    }
  xsd = self->xsd;
  g_mutex_unlock (&self->xsd_lock);
  return xsd;
}

SintesiSchematron *
sintesi_rules_package_get_schematron (SintesiRulesPackage  *self,
                                      GError              **error)
{
  SintesiSchematron *schematron;

  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), NULL);

  g_mutex_lock (&self->schematron_lock);
  if (self->schematron == NULL)
    {
      g_autofree char *path = g_build_filename (self->dir, self->schematron_file, NULL);

      self->schematron = sintesi_schematron_new_from_file (path, error);
    }
  schematron = self->schematron;
  g_mutex_unlock (&self->schematron_lock);
  return schematron;
}

/* The schematron compiles in a helper thread while the caller compiles the
 * XSD set (the slow one): the helper's fresh malloc arena then only has to
 * grow for the smaller of the two. */
static gpointer
compile_schematron_thread (gpointer data)
{
  SintesiRulesPackage *self = data;
  GError *error = NULL;

  if (sintesi_rules_package_get_schematron (self, &error) == NULL)
    return error;
  return NULL;
}

gboolean
sintesi_rules_package_load (SintesiRulesPackage  *self,
                            GError              **error)
{
  g_autoptr(GError) xsd_error = NULL;
  g_autoptr(GError) schematron_error = NULL;
  GThread *thread;

  g_return_val_if_fail (SINTESI_IS_RULES_PACKAGE (self), FALSE);

  xmlInitParser ();
  thread = g_thread_new ("sintesi-schematron", compile_schematron_thread, self);
  sintesi_rules_package_get_xsd (self, &xsd_error);
  schematron_error = g_thread_join (thread);
  if (xsd_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&xsd_error));
      return FALSE;
    }
  if (schematron_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&schematron_error));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Installing: staging folder, version record, verification, switch         */

static char *
make_staging (GError **error)
{
  g_autofree char *root = rules_root ();
  g_autofree char *staging = NULL;
  GDir *dir;
  const char *name;

  if (g_mkdir_with_parents (root, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                   _("Cannot create the folder “%s”: %s"), root, g_strerror (saved_errno));
      return NULL;
    }
  /* leftovers of an interrupted install */
  dir = g_dir_open (root, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, ".staging-"))
        {
          g_autofree char *path = g_build_filename (root, name, NULL);

          remove_tree (path);
        }
    }
  if (dir != NULL)
    g_dir_close (dir);

  staging = g_build_filename (root, ".staging-XXXXXX", NULL);
  if (g_mkdtemp_full (staging, 0700) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                   _("Cannot create the folder “%s”: %s"), staging, g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&staging);
}

static gboolean
make_subdirs (const char  *staging,
              GError     **error)
{
  static const char * const subdirs[] = { "xsd", "schematron", "terminology" };

  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (staging, subdirs[i], NULL);

      if (g_mkdir (path, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                       _("Cannot create the folder “%s”: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) destination = g_file_new_for_path (to);
  g_autoptr(GError) local = NULL;

  if (!g_file_copy (source, destination, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local))
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                   _("Cannot copy “%s”: %s"), from, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Writes version.json, then compiles what was staged: a package that does
 * not validate is never installed. */
static gboolean
seal_staging (const char  *staging,
              const char  *source,
              GError     **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) rules_file_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *schematron_dir = g_build_filename (staging, "schematron", NULL);
  g_autofree char *schematron_name = pick_schematron (schematron_dir);
  g_autofree char *schematron_file = NULL;
  g_autofree char *record_path = g_build_filename (staging, VERSION_FILE, NULL);
  g_autofree char *text = NULL;
  g_autoptr(SintesiRulesPackage) package = NULL;

  if (schematron_name == NULL)
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_LAYOUT,
                   _("The rules package has no PSS schematron."));
      return FALSE;
    }
  schematron_file = g_strdup_printf ("schematron/%s", schematron_name);
  hash_tree (staging, NULL, files);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "xsd_file");
  json_builder_add_string_value (builder, "xsd/" MAIN_XSD);
  json_builder_set_member_name (builder, "schematron_file");
  json_builder_add_string_value (builder, schematron_file);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    {
      SintesiRulesFile *file = g_ptr_array_index (files, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, file->path);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, file->sha256);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, json_builder_get_root (builder));
  text = json_generator_to_data (generator, NULL);
  if (!sintesi_write_file_atomic (record_path, text, -1, 0600, error))
    return FALSE;

  package = sintesi_rules_package_open (staging, error);
  if (package == NULL)
    return FALSE;
  {
    g_autoptr(GError) local = NULL;

    if (!sintesi_rules_package_load (package, &local))
      {
        g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_VERIFY,
                     _("The new rules package cannot be used, so it was not installed: %s"),
                     local->message);
        return FALSE;
      }
  }
  return TRUE;
}

static SintesiRulesPackage *
switch_to (const char  *staging,
           GError     **error)
{
  g_autofree char *root = rules_root ();
  g_autofree char *installed = sintesi_rules_installed_dir ();
  g_autofree char *previous = NULL;

  recover_interrupted_switch (root, installed);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    {
      g_autofree char *unique = g_uuid_string_random ();

      previous = g_strdup_printf ("%s%s.previous-%s", root, G_DIR_SEPARATOR_S, unique);
      if (g_rename (installed, previous) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                       _("Cannot replace the installed rules package: %s"), g_strerror (saved_errno));
          return NULL;
        }
    }
  if (g_rename (staging, installed) != 0)
    {
      int saved_errno = errno;

      if (previous != NULL)
        g_rename (previous, installed);
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                   _("Cannot replace the installed rules package: %s"), g_strerror (saved_errno));
      return NULL;
    }
  if (previous != NULL)
    remove_tree (previous);
  return sintesi_rules_package_open (installed, error);
}

static SintesiRulesPackage *
finish_install (char        *staging,
                const char  *source,
                gboolean     ok,
                GError     **error)
{
  SintesiRulesPackage *package = NULL;

  if (ok)
    ok = seal_staging (staging, source, error);
  if (ok)
    package = switch_to (staging, error);
  if (package == NULL)
    remove_tree (staging);
  g_free (staging);
  return package;
}

SintesiRulesPackage *
sintesi_rules_import (const char  *source_dir,
                      GError     **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *source = NULL;
  Layout layout = { NULL };
  char *staging;
  gboolean ok = TRUE;

  g_return_val_if_fail (source_dir != NULL, NULL);

  absolute = g_canonicalize_filename (source_dir, NULL);
  if (!find_layout (absolute, &layout, error))
    return NULL;
  staging = make_staging (error);
  if (staging == NULL)
    {
      layout_clear (&layout);
      return NULL;
    }
  ok = make_subdirs (staging, error);

  for (int kind = 0; ok && kind < 2; kind++)
    {
      const char *from_dir = kind == 0 ? layout.xsd_dir : layout.terminology_dir;
      g_autoptr(GPtrArray) names = NULL;

      if (from_dir == NULL)
        continue;
      names = list_files (from_dir, kind == 0 ? ".xsd" : ".csv");
      for (guint i = 0; ok && i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autofree char *from = g_build_filename (from_dir, name, NULL);
          g_autofree char *to = g_build_filename (staging, kind == 0 ? "xsd" : "terminology", name, NULL);

          ok = copy_file (from, to, error);
        }
    }
  if (ok)
    {
      g_autofree char *name = g_path_get_basename (layout.schematron);
      g_autofree char *to = g_build_filename (staging, "schematron", name, NULL);

      ok = copy_file (layout.schematron, to, error);
    }
  layout_clear (&layout);

  source = g_strdup_printf ("import:%s", absolute);
  return finish_install (staging, source, ok, error);
}

/* ------------------------------------------------------------------------ */
/* Download                                                                 */

typedef struct
{
  FILE         *out;
  gsize         written;
  GCancellable *cancellable;
} DownloadSink;

static size_t
write_body (char   *data,
            size_t  size,
            size_t  count,
            void   *user_data)
{
  DownloadSink *sink = user_data;
  size_t length = size * count;

  if (g_cancellable_is_cancelled (sink->cancellable) || sink->written + length > MAX_DOWNLOAD_SIZE)
    return 0;
  if (fwrite (data, 1, length, sink->out) != length)
    return 0;
  sink->written += length;
  return length;
}

static int
progress (void       *user_data,
          curl_off_t  dltotal,
          curl_off_t  dlnow,
          curl_off_t  ultotal,
          curl_off_t  ulnow)
{
  DownloadSink *sink = user_data;

  return g_cancellable_is_cancelled (sink->cancellable) ? 1 : 0;
}

static gboolean
download_one (CURL          *curl,
              const char    *url,
              const char    *to,
              GCancellable  *cancellable,
              GError       **error)
{
  DownloadSink sink = { NULL, 0, cancellable };
  char curl_message[CURL_ERROR_SIZE] = "";
  CURLcode code;
  long status = 0;

  sink.out = g_fopen (to, "wbx");
  if (sink.out == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_IO,
                   _("Cannot write “%s”: %s"), to, g_strerror (saved_errno));
      return FALSE;
    }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &sink);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_message);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  if (fclose (sink.out) != 0 && code == CURLE_OK)
    code = CURLE_WRITE_ERROR;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (code == CURLE_HTTP_RETURNED_ERROR || (code == CURLE_OK && status != 200))
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_DOWNLOAD,
                   _("Downloading “%s” failed: the server answered HTTP %ld."), url, status);
      return FALSE;
    }
  if (code != CURLE_OK)
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_DOWNLOAD,
                   _("Downloading “%s” failed: %s"), url,
                   curl_message[0] != '\0' ? curl_message : curl_easy_strerror (code));
      return FALSE;
    }
  return TRUE;
}

static gsize curl_initialized = 0;

SintesiRulesPackage *
sintesi_rules_download (const char    *base_url,
                        const char    *ca_file,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *base = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);  /* remote, local pairs */
  char *staging;
  CURL *curl;
  gboolean ok;

  if (base_url == NULL)
    base_url = SINTESI_RULES_DEFAULT_BASE_URL;
  if (g_ascii_strncasecmp (base_url, "https://", 8) != 0)
    {
      g_set_error (error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_DOWNLOAD,
                   _("The rules can only be downloaded over HTTPS, and “%s” is not an HTTPS address."),
                   base_url);
      return NULL;
    }
  base = g_str_has_suffix (base_url, "/") ? g_strdup (base_url) : g_strconcat (base_url, "/", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (catalog_xsd_files); i++)
    {
      g_ptr_array_add (items, g_strconcat (CATALOG_XSD_DIR, catalog_xsd_files[i], NULL));
      g_ptr_array_add (items, g_strconcat ("xsd/", catalog_xsd_files[i], NULL));
    }
  g_ptr_array_add (items, g_strdup (CATALOG_SCHEMATRON));
  g_ptr_array_add (items, g_strdup (CATALOG_SCHEMATRON));
  for (gsize i = 0; i < G_N_ELEMENTS (catalog_terminology_files); i++)
    {
      g_ptr_array_add (items, g_strconcat ("terminology/", catalog_terminology_files[i], NULL));
      g_ptr_array_add (items, g_strconcat ("terminology/", catalog_terminology_files[i], NULL));
    }

  staging = make_staging (error);
  if (staging == NULL)
    return NULL;
  ok = make_subdirs (staging, error);

  if (g_once_init_enter (&curl_initialized))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_initialized, 1);
    }
  curl = curl_easy_init ();
  if (curl == NULL)
    g_error ("out of memory");
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, ca_file);
  curl_easy_setopt (curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 10L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) MAX_DOWNLOAD_SIZE);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "Sintesi/" PACKAGE_VERSION);

  for (guint i = 0; ok && i + 1 < items->len; i += 2)
    {
      g_autofree char *url = g_strconcat (base, (const char *) g_ptr_array_index (items, i), NULL);
      g_autofree char *to = g_build_filename (staging, (const char *) g_ptr_array_index (items, i + 1), NULL);

      ok = download_one (curl, url, to, cancellable, error);
    }
  curl_easy_cleanup (curl);

  return finish_install (staging, base, ok, error);
}
