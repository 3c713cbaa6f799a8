/* sintesi-xsd.c: XML Schema validation against the official CDA XSD set */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>

#include "sintesi-xsd.h"

G_DEFINE_QUARK (sintesi-xsd-error-quark, sintesi_xsd_error)

/* Enough to show what is wrong; a broken document can raise thousands. */
#define MAX_ISSUES 200

struct _SintesiXsd
{
  GObject    parent_instance;
  xmlSchema *schema;
};

G_DEFINE_FINAL_TYPE (SintesiXsd, sintesi_xsd, G_TYPE_OBJECT)

static void
sintesi_xsd_finalize (GObject *object)
{
  SintesiXsd *self = SINTESI_XSD (object);

  if (self->schema != NULL)
    xmlSchemaFree (self->schema);
  G_OBJECT_CLASS (sintesi_xsd_parent_class)->finalize (object);
}

static void
sintesi_xsd_class_init (SintesiXsdClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_xsd_finalize;
}

static void
sintesi_xsd_init (SintesiXsd *self)
{
}

static void
issue_free (SintesiXsdIssue *issue)
{
  g_free (issue->message);
  g_free (issue);
}

void
sintesi_xsd_result_free (SintesiXsdResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->errors);
  g_free (result);
}

/* ------------------------------------------------------------------------ */
/* The confined resource loader                                             */

typedef struct
{
  char    *root;       /* real path of the schema folder */
  GString *refused;    /* first refused URL, for the error */
  GString *problems;   /* first parser messages */
} LoaderState;

/* Set only in the thread that is compiling a schema, only while it does. */
static GPrivate active_loader = G_PRIVATE_INIT (NULL);
static xmlExternalEntityLoader previous_loader;

static gboolean
inside (const char *root,
        const char *path)
{
  gsize len = strlen (root);

  return strncmp (path, root, len) == 0 && path[len] == G_DIR_SEPARATOR;
}

/* The file in the package that url names, or NULL when it is outside the
 * package or not a file.  "coreschemas/X" falls back to "X". */
static char *
resolve_in_package (const char *root,
                    const char *url)
{
  g_autofree char *path = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *real = NULL;
  g_autofree char *candidate = NULL;
  const char *relative;
  char resolved[4096];

  if (g_str_has_prefix (url, "file:"))
    {
      path = g_filename_from_uri (url, NULL, NULL);
      if (path == NULL)
        return NULL;
    }
  else if (strstr (url, "://") != NULL || g_uri_peek_scheme (url) != NULL)
    return NULL;  /* http:, https:, ftp:, …: never */
  else
    path = g_strdup (url);

  canonical = g_canonicalize_filename (path, root);
  if (!inside (root, canonical))
    return NULL;
  relative = canonical + strlen (root) + 1;
  candidate = g_strdup (canonical);
  while (!g_file_test (candidate, G_FILE_TEST_IS_REGULAR) && g_str_has_prefix (relative, "coreschemas/"))
    {
      relative += strlen ("coreschemas/");
      g_free (candidate);
      candidate = g_build_filename (root, relative, NULL);
    }
  /* symlinks must not lead out of the package either */
  if (realpath (candidate, resolved) == NULL)
    return NULL;
  real = g_strdup (resolved);
  if (!inside (root, real) || !g_file_test (real, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&real);
}

static xmlParserInputPtr
confined_loader (const char       *url,
                 const char       *id,
                 xmlParserCtxtPtr  ctxt)
{
  LoaderState *state = g_private_get (&active_loader);
  g_autofree char *path = NULL;

  if (state == NULL)
    return previous_loader (url, id, ctxt);

  path = url != NULL ? resolve_in_package (state->root, url) : NULL;
  if (path == NULL)
    {
      if (state->refused->len == 0)
        g_string_append (state->refused, url != NULL ? url : "?");
      return NULL;
    }
  return xmlNewInputFromFile (ctxt, path);
}

static void
install_loader (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      previous_loader = xmlGetExternalEntityLoader ();
      xmlSetExternalEntityLoader (confined_loader);
      g_once_init_leave (&installed, 1);
    }
}

static void
collect_schema_problem (void        *user_data,
                        xmlErrorPtr  error)
{
  LoaderState *state = user_data;

  if (error->level < XML_ERR_ERROR || error->message == NULL || state->problems->len > 0)
    return;
  g_string_append (state->problems, error->message);
  g_strstrip (state->problems->str);
  state->problems->len = strlen (state->problems->str);
}

SintesiXsd *
sintesi_xsd_new_from_file (const char  *main_xsd,
                           GError     **error)
{
  g_autoptr(SintesiXsd) self = g_object_new (SINTESI_TYPE_XSD, NULL);
  g_autofree char *display = g_filename_display_name (main_xsd);
  g_autofree char *folder = NULL;
  g_autofree char *main_real = NULL;
  g_autoptr(GString) refused = g_string_new (NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  LoaderState state = { NULL, refused, problems };
  xmlSchemaParserCtxt *parser;
  char resolved[4096];

  if (realpath (main_xsd, resolved) == NULL || !g_file_test (resolved, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_READ,
                   _("Cannot read the XML schema “%s”."), display);
      return NULL;
    }
  main_real = g_strdup (resolved);
  folder = g_path_get_dirname (main_real);
  state.root = folder;

  install_loader ();
  g_private_set (&active_loader, &state);

  parser = xmlSchemaNewParserCtxt (main_real);
  if (parser == NULL)
    g_error ("out of memory");
  xmlSchemaSetParserStructuredErrors (parser, collect_schema_problem, &state);
  self->schema = xmlSchemaParse (parser);
  xmlSchemaFreeParserCtxt (parser);

  g_private_set (&active_loader, NULL);

  if (refused->len > 0)
    {
      g_clear_pointer (&self->schema, xmlSchemaFree);
      g_set_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_REFUSED,
                   _("The XML schema “%s” refers to “%s”, which is not a file of its own folder: refused."),
                   display, refused->str);
      return NULL;
    }
  if (self->schema == NULL)
    {
      g_set_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_INVALID,
                   _("The XML schema “%s” cannot be used: %s"),
                   display, problems->len > 0 ? problems->str : "?");
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------------ */
/* Validation                                                               */

static void
collect_issue (void        *user_data,
               xmlErrorPtr  error)
{
  GPtrArray *errors = user_data;
  SintesiXsdIssue *issue;

  if (error->level < XML_ERR_ERROR || errors->len >= MAX_ISSUES)
    return;
  issue = g_new0 (SintesiXsdIssue, 1);
  issue->line = error->line;
  issue->message = g_strstrip (g_strdup (error->message != NULL ? error->message : "?"));
  g_ptr_array_add (errors, issue);
}

SintesiXsdResult *
sintesi_xsd_validate (SintesiXsd  *self,
                      xmlDoc      *doc,
                      GError     **error)
{
  g_autoptr(SintesiXsdResult) result = g_new0 (SintesiXsdResult, 1);
  xmlSchemaValidCtxt *validator;
  int status;

  g_return_val_if_fail (SINTESI_IS_XSD (self), NULL);
  g_return_val_if_fail (doc != NULL, NULL);

  result->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) issue_free);
  validator = xmlSchemaNewValidCtxt (self->schema);
  if (validator == NULL)
    g_error ("out of memory");
  xmlSchemaSetValidStructuredErrors (validator, collect_issue, result->errors);
  status = xmlSchemaValidateDoc (validator, doc);
  xmlSchemaFreeValidCtxt (validator);

  if (status < 0)
    {
      g_set_error (error, SINTESI_XSD_ERROR, SINTESI_XSD_ERROR_INTERNAL,
                   _("The XML schema validation could not run (internal error %d)."), status);
      return NULL;
    }
  result->valid = status == 0 && result->errors->len == 0;
  return g_steal_pointer (&result);
}
