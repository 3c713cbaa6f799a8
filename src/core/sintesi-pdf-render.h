/* sintesi-pdf-render.h: the human-readable pages of a PSS (pss-document.md §6(b))
 *
 * Draws a CDA R2 document with pango on a cairo PDF surface, A4: a header with
 * the patient, the author, the legal authenticator, the custodian and the
 * document date, then every section of the body with its narrative
 * (section/text: paragraphs, lists, tables, line breaks, bold and italics),
 * and "Page N of M" in the footer. The CDA is read with XPath on its own, so
 * any CDA renders, not only the ones Sintesi builds.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SINTESI_PDF_RENDER_ERROR (sintesi_pdf_render_error_quark ())

typedef enum
{
  SINTESI_PDF_RENDER_ERROR_INVALID_XML,  /* not well-formed, too large, or with a DTD */
  SINTESI_PDF_RENDER_ERROR_NOT_CDA,      /* well-formed, but no HL7 ClinicalDocument */
  SINTESI_PDF_RENDER_ERROR_FAILED,       /* cairo could not produce the PDF */
} SintesiPdfRenderError;

GQuark    sintesi_pdf_render_error_quark (void);

/* Largest CDA the renderer accepts, in bytes. */
#define SINTESI_PDF_RENDER_MAX_CDA_SIZE (32 * 1024 * 1024)

/* Renders an already parsed CDA; returns the PDF bytes (PDF 1.5). */
GBytes   *sintesi_pdf_render_cda_doc     (xmlDoc       *cda,
                                          GError      **error);

/* Parses cda_xml safely (no network, no DTD, no entity substitution) and
 * renders it. */
GBytes   *sintesi_pdf_render_cda         (GBytes       *cda_xml,
                                          GError      **error);

/* Renders cda_xml into path, written atomically (mode 0644). */
gboolean  sintesi_pdf_render_cda_to_file (GBytes       *cda_xml,
                                          const char   *path,
                                          GError      **error);

G_END_DECLS
