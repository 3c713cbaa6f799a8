/* sintesi-pdf-private.h: the pdf unit's pieces shared with the pades unit
 *
 * Not part of the library's public API: these work on an already open
 * qpdf handle and on raw ASN.1, so that the signer reads attachments and
 * CMS structures with the same code as every other reader.
 */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <qpdf/qpdf-c.h>

G_BEGIN_DECLS

/* sintesi_pdf_get_cda on a PDF qpdf has already read. */
GBytes            *sintesi_pdf_qpdf_get_cda      (qpdf_data      q,
                                                  GError       **error);

typedef struct
{
  char    *field_name;  /* fully qualified ("a.b"), or NULL when no /T */
  qpdf_oh  value;       /* the signature dictionary (/V) */
} SintesiPdfSignatureField;

/* Every signature field with a value, in AcroForm order (/FT inherited,
 * cycles and depth bounded). Element type: SintesiPdfSignatureField. */
GArray            *sintesi_pdf_qpdf_signature_fields (qpdf_data  q);

/* The CMS SignedData at the start of a /Contents value (zero padding after
 * it ignored), re-encoded from BER to DER first (GnuTLS reads only DER).
 * *out_der gets the DER, or NULL when the bytes are not ASN.1 at all;
 * *out_ber_encoded (may be NULL) whether that changed the bytes;
 * *out_status the GnuTLS status. NULL unless GnuTLS imported it. */
gnutls_pkcs7_t     sintesi_pdf_cms_import        (const guint8  *contents,
                                                  gsize          length,
                                                  GBytes       **out_der,
                                                  gboolean      *out_ber_encoded,
                                                  int           *out_status);

/* The certificate in pkcs7 that info's SignerInfo names (subject key id,
 * or issuer and serial), or NULL. The caller deinits it. */
gnutls_x509_crt_t  sintesi_pdf_cms_find_signer   (gnutls_pkcs7_t                        pkcs7,
                                                  const gnutls_pkcs7_signature_info_st *info);

/* Reads one BER/DER identifier and length. tag_length (may be NULL) gets
 * the identifier's size, header_length identifier plus length, and
 * content_length the announced length (0 when *indefinite). FALSE when the
 * header is malformed or announces more than length holds. */
gboolean           sintesi_pdf_asn1_read_header  (const guint8  *data,
                                                  gsize          length,
                                                  gsize         *tag_length,
                                                  gsize         *header_length,
                                                  gsize         *content_length,
                                                  gboolean      *indefinite);

/* Appends a DER length (short or minimal long form). */
void               sintesi_pdf_der_append_length (GByteArray    *out,
                                                  gsize          length);

G_END_DECLS
