/* sintesi-xsd.h: XML Schema validation against the official CDA XSD set
 *
 * The set is used exactly as published: CDA.xsd includes
 * "./coreschemas/POCD_MT000040UV02.xsd" while the catalog keeps every file in
 * one folder.  While a schema is compiled, a resource loader confined to the
 * schema's folder maps "coreschemas/X" to "X" and refuses anything else
 * outside that folder, and every network URL.  The files are never copied or
 * changed.  Compile once (it takes a while), validate many documents.
 */
#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SINTESI_XSD_ERROR (sintesi_xsd_error_quark ())

typedef enum
{
  SINTESI_XSD_ERROR_READ,      /* the main .xsd cannot be read */
  SINTESI_XSD_ERROR_REFUSED,   /* a schema tried to load a file outside its folder, or a URL */
  SINTESI_XSD_ERROR_INVALID,   /* the schema set does not compile */
  SINTESI_XSD_ERROR_INTERNAL,
} SintesiXsdError;

GQuark sintesi_xsd_error_quark (void);

typedef struct
{
  int   line;     /* in the validated document; 0 when unknown */
  char *message;  /* libxml2's text, e.g. "Element '{urn:hl7-org:v3}code': …" */
} SintesiXsdIssue;

typedef struct
{
  gboolean   valid;
  GPtrArray *errors;   /* SintesiXsdIssue*, document order */
} SintesiXsdResult;

void sintesi_xsd_result_free (SintesiXsdResult *result);

#define SINTESI_TYPE_XSD (sintesi_xsd_get_type ())
G_DECLARE_FINAL_TYPE (SintesiXsd, sintesi_xsd, SINTESI, XSD, GObject)

/* main_xsd is e.g. <package>/xsd/CDA.xsd; its folder bounds every include. */
SintesiXsd       *sintesi_xsd_new_from_file (const char  *main_xsd,
                                             GError     **error);
/* Thread-safe: the compiled schema is shared read-only. */
SintesiXsdResult *sintesi_xsd_validate      (SintesiXsd  *self,
                                             xmlDoc      *doc,
                                             GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiXsdResult, sintesi_xsd_result_free)

G_END_DECLS
