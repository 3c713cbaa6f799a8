/* sintesi-xml.c: reading untrusted XML safely */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>

#include "sintesi-xml.h"

G_DEFINE_QUARK (sintesi-xml-error-quark, sintesi_xml_error)

/* Entities are never substituted (no XML_PARSE_NOENT), external DTDs never
 * loaded (no XML_PARSE_DTDLOAD), nothing is fetched (XML_PARSE_NONET), and
 * libxml2's own size limits stay on (no XML_PARSE_HUGE). */
#define SAFE_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

static void
ignore_errors (void        *user_data,
               xmlErrorPtr  error)
{
  /* Errors are read from the parser context; nothing goes to stderr. */
}

xmlDoc *
sintesi_xml_read_bytes (GBytes      *bytes,
                        const char  *url,
                        gsize        max_size,
                        GError     **error)
{
  const char *data;
  gsize size;
  xmlParserCtxt *ctxt;
  xmlDoc *doc;
  const char *name = url != NULL ? url : "document.xml";

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_EMPTY,
                   _("“%s” is empty."), name);
      return NULL;
    }
  if (max_size > 0 && size > max_size)
    {
      g_autofree char *actual = g_format_size (size);
      g_autofree char *limit = g_format_size (max_size);

      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_TOO_LARGE,
                   _("“%s” is too large (%s; the limit is %s)."), name, actual, limit);
      return NULL;
    }
  if (size > G_MAXINT)
    {
      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_TOO_LARGE,
                   _("“%s” is too large."), name);
      return NULL;
    }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    g_error ("out of memory");
  xmlSetStructuredErrorFunc (NULL, ignore_errors);
  doc = xmlCtxtReadMemory (ctxt, data, (int) size, NULL, NULL, SAFE_PARSE_OPTIONS);

  if (doc == NULL || !ctxt->wellFormed)
    {
      const xmlError *last = &ctxt->lastError;
      g_autofree char *reason = g_strstrip (g_strdup (last->message != NULL ? last->message : "?"));

      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_MALFORMED,
                   /* TRANSLATORS: file name, line number, then the parser's reason (in English) */
                   _("“%s” is not well-formed XML (line %d): %s"),
                   name, last->line, reason);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_DTD,
                   _("“%s” declares a DTD (<!DOCTYPE …>). Clinical documents never do, and a DTD can make a file read other files: refused."),
                   name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (xmlDocGetRootElement (doc) == NULL)
    {
      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_EMPTY,
                   _("“%s” has no root element."), name);
      g_clear_pointer (&doc, xmlFreeDoc);
    }

  xmlSetStructuredErrorFunc (NULL, NULL);
  xmlFreeParserCtxt (ctxt);
  return doc;
}

xmlDoc *
sintesi_xml_read_file (const char  *path,
                       gsize        max_size,
                       GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_READ,
                   _("Cannot read “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  /* Refuse before reading a single byte of a huge file. */
  if (max_size > 0 && (guint64) st.st_size > max_size)
    {
      g_autofree char *actual = g_format_size ((guint64) st.st_size);
      g_autofree char *limit = g_format_size (max_size);

      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_TOO_LARGE,
                   _("“%s” is too large (%s; the limit is %s)."), display, actual, limit);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    {
      g_autoptr(GError) local = NULL;
      char *contents;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &local))
        {
          g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_READ,
                       _("Cannot read “%s”: %s"), display, local->message);
          return NULL;
        }
      bytes = g_bytes_new_take (contents, length);
    }
  else
    bytes = g_mapped_file_get_bytes (mapped);

  return sintesi_xml_read_bytes (bytes, display, max_size, error);
}
