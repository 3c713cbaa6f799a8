/* sintesi-xml.h: reading untrusted XML safely
 *
 * Every CDA, schema and schematron Sintesi reads goes through here: no
 * network, no DTD, no external entities, a size limit, and an error that
 * names the line.
 */
#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SINTESI_XML_ERROR (sintesi_xml_error_quark ())

typedef enum
{
  SINTESI_XML_ERROR_READ,
  SINTESI_XML_ERROR_TOO_LARGE,
  SINTESI_XML_ERROR_MALFORMED,
  SINTESI_XML_ERROR_DTD,      /* a DOCTYPE: never in a CDA, the door to XXE */
  SINTESI_XML_ERROR_EMPTY,
} SintesiXmlError;

/* Large enough for any real PSS (a few MB at most), small enough to keep a
 * hostile file from exhausting memory. */
#define SINTESI_XML_DEFAULT_MAX_SIZE (32 * 1024 * 1024)

GQuark   sintesi_xml_error_quark (void);

xmlDoc  *sintesi_xml_read_file   (const char  *path,
                                  gsize        max_size,
                                  GError     **error);
/* url is only used in messages and to resolve nothing: no I/O happens. */
xmlDoc  *sintesi_xml_read_bytes  (GBytes      *bytes,
                                  const char  *url,
                                  gsize        max_size,
                                  GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_END_DECLS
