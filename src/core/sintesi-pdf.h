/* sintesi-pdf.h: cda.xml inside a PDF, and the signatures a PDF carries
 *
 * Attaching follows pss-document.md §1 and §6(c): a document-level embedded
 * file in the catalog's /Names /EmbeddedFiles name tree under the key
 * "cda.xml", with /F and /UF "cda.xml", MIME type application/xml and /Params
 * (Size, CheckSum, CreationDate, ModDate), written by qpdf with a classic
 * xref table so that the PAdES signer can append its incremental update.
 * Attaching rewrites the whole file, so it refuses a signed PDF (D16).
 *
 * Reading works on any PDF: attachments from the whole name tree, and each
 * signature field's /ByteRange and CMS, verified with GnuTLS. BER-encoded
 * CMS (BouncyCastle, as in the official sample) is re-encoded to DER first,
 * since GnuTLS only parses DER.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SINTESI_PDF_ERROR (sintesi_pdf_error_quark ())

typedef enum
{
  SINTESI_PDF_ERROR_NOT_PDF,        /* no %PDF- header */
  SINTESI_PDF_ERROR_TRUNCATED,      /* no %%EOF at the end: the file was cut */
  SINTESI_PDF_ERROR_DAMAGED,        /* qpdf cannot read its structure */
  SINTESI_PDF_ERROR_ENCRYPTED,      /* password-protected PDFs are not handled */
  SINTESI_PDF_ERROR_NO_ATTACHMENT,  /* the named attachment is absent */
  SINTESI_PDF_ERROR_SIGNED,         /* would rewrite a signed PDF */
  SINTESI_PDF_ERROR_INVALID_DATA,   /* malformed ASN.1 and the like */
} SintesiPdfError;

GQuark sintesi_pdf_error_quark (void);

/* The attachment name the gateway looks for (pss-document.md §1 item 2). */
#define SINTESI_PDF_CDA_NAME "cda.xml"

/* ---- (a) attaching ----------------------------------------------------- */

/* Returns a copy of pdf with cda_xml attached as "cda.xml" (replacing an
 * existing "cda.xml"). The bytes of cda_xml are stored unchanged. Refuses a
 * PDF that holds a signature (SINTESI_PDF_ERROR_SIGNED). */
GBytes    *sintesi_pdf_attach_cda         (GBytes      *pdf,
                                           GBytes      *cda_xml,
                                           GError     **error);

/* Same, written atomically to out_path (mode 0644). */
gboolean   sintesi_pdf_attach_cda_to_file (GBytes      *pdf,
                                           GBytes      *cda_xml,
                                           const char  *out_path,
                                           GError     **error);

/* ---- (b) reading attachments ------------------------------------------ */

typedef struct
{
  char   *name;         /* name-tree key */
  char   *filename;     /* /UF, else /F, of the file specification */
  char   *mime_type;    /* from the stream's /Subtype, or NULL */
  char   *description;  /* /Desc, or NULL */
  gsize   size;         /* decoded size in bytes */
} SintesiPdfAttachment;

void       sintesi_pdf_attachment_free    (SintesiPdfAttachment *attachment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiPdfAttachment, sintesi_pdf_attachment_free)

/* The document-level embedded files, in name-tree order; an empty array
 * when there are none. Element type: SintesiPdfAttachment. */
GPtrArray *sintesi_pdf_list_attachments   (GBytes      *pdf,
                                           GError     **error);

/* The decoded bytes of the attachment, anywhere in the name tree, whose
 * key (without regard to ASCII case), /UF or /F equals name.
 * SINTESI_PDF_ERROR_NO_ATTACHMENT when absent. */
GBytes    *sintesi_pdf_get_attachment     (GBytes      *pdf,
                                           const char  *name,
                                           GError     **error);

/* The cda.xml the gateway would read, looked up exactly where its
 * dispatcher looks (pss-document.md §1 item 2): the root /Names array of
 * /EmbeddedFiles or, only when that is missing, the /Names of its
 * first-level /Kids; an entry whose key, lowercased, or whose /F is
 * "cda.xml". SINTESI_PDF_ERROR_NO_ATTACHMENT when it would not find one. */
GBytes    *sintesi_pdf_get_cda            (GBytes      *pdf,
                                           GError     **error);

/* ---- (c) reading signatures ------------------------------------------- */

typedef struct
{
  char      *field_name;         /* fully qualified field name, or NULL */
  char      *subfilter;          /* e.g. "ETSI.CAdES.detached", without "/" */
  GArray    *byte_range;         /* gint64 offsets and lengths as written */
  gboolean   covers_whole_file;  /* [0 a b c]: everything but the /Contents string */
  char      *signer_cn;          /* CN of the signer certificate, or NULL */
  char      *signing_time;       /* ISO 8601, from /M or else the CMS signing-time; or NULL */
  gboolean   has_m_entry;        /* /M is present: the gateway requires it (pss-document.md §1 item 4) */
  gboolean   valid;              /* the CMS verifies over the ByteRange bytes */
  char      *problem;            /* why not valid, a sentence for the user; NULL when valid */
  gboolean   ber_encoded;        /* the CMS was BER and was re-encoded to DER */
  GBytes    *cms;                /* the CMS SignedData in DER, without padding; or NULL */
} SintesiPdfSignature;

void       sintesi_pdf_signature_free     (SintesiPdfSignature *signature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiPdfSignature, sintesi_pdf_signature_free)

/* Every signature field with a value, in AcroForm order; an empty array
 * when the PDF is not signed. A signature that does not verify is reported
 * (valid FALSE, problem set), not an error. Element type: SintesiPdfSignature. */
GPtrArray *sintesi_pdf_get_signatures     (GBytes      *pdf,
                                           GError     **error);

/* Whether a signed PDF is acceptable (every signature verifies, one covers
 * the whole file, cda.xml is there) is sintesi_pades_check_signed. */

/* ---- helpers ----------------------------------------------------------- */

/* Re-encodes the first BER element of data as DER (definite, minimal
 * lengths; constructed OCTET STRINGs joined). *consumed (may be NULL) gets
 * the BER length, so that padding after it can be ignored. */
GBytes    *sintesi_pdf_ber_to_der         (const guint8 *data,
                                           gsize         length,
                                           gsize        *consumed,
                                           GError      **error);

G_END_DECLS
