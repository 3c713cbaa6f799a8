/* sintesi-pades.c: PAdES B-B by incremental update, and the checks of signed PDFs
 *
 * qpdf only *reads* the document (catalog, first page, AcroForm, trailer,
 * attachment); the increment is written here byte by byte, because qpdf has
 * no incremental save and any rewrite after signing would break /ByteRange.
 *
 * Memory: GnuTLS signs and verifies a contiguous datum, and the signed bytes
 * are the file minus the /Contents hole. Rather than copying the file, the
 * short tail after /Contents (the rest of the /Sig dictionary, the xref and
 * the trailer: a few hundred bytes) is moved into the hole for the duration
 * of the GnuTLS call and moved back. So a document lives in memory once.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>
#include <qpdf/qpdf-c.h>

#include "sintesi-paths.h"
#include "sintesi-pades.h"
#include "sintesi-pdf.h"
#include "sintesi-pdf-private.h"

G_DEFINE_QUARK (sintesi-pades-error-quark, sintesi_pades_error)

#define OID_SIGNING_CERTIFICATE_V2 "1.2.840.113549.1.9.16.2.47"
#define OID_SIGNING_TIME           "1.2.840.113549.1.9.5"

/* ByteRange numbers are written into fixed-width slots, then patched. */
#define BYTE_RANGE_WIDTH 10
#define BYTE_RANGE_MAX   G_GUINT64_CONSTANT (9999999999)

/* Room left after the document when it is read, for the increment: malloc
 * does not touch (so does not make resident) what is never written. */
#define INCREMENT_SLACK (256 * 1024)

/* Field /F: print (4) + locked (128), as the official sample has it. */
#define WIDGET_FLAGS 132

typedef struct _qpdf_data QpdfData;

static void
qpdf_data_free (QpdfData *q)
{
  qpdf_cleanup (&q);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QpdfData, qpdf_data_free)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pkcs7_t, gnutls_pkcs7_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pkcs7_attrs_t, gnutls_pkcs7_attrs_deinit, NULL)

/* A document in memory that this unit owns (and may scribble on briefly). */
typedef struct
{
  guint8 *data;
  gsize   len;
  gsize   capacity;
} PadesBuffer;

static void
pades_buffer_clear (PadesBuffer *buf)
{
  g_clear_pointer (&buf->data, g_free);
  buf->len = buf->capacity = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PadesBuffer, pades_buffer_clear)

static void
pades_buffer_take_copy (PadesBuffer  *buf,
                        const guint8 *data,
                        gsize         len,
                        gsize         slack)
{
  buf->capacity = len + slack;
  buf->data = g_malloc (buf->capacity);
  memcpy (buf->data, data, len);
  buf->len = len;
}

typedef struct
{
  char    *field_name;
  guint64  range[4];
  GBytes  *contents;
  gboolean has_time;   /* /M */
} PadesSignature;

static void
pades_signature_free (PadesSignature *sig)
{
  g_free (sig->field_name);
  g_clear_pointer (&sig->contents, g_bytes_unref);
  g_free (sig);
}

/* ------------------------------------------------------------------------ */
/* DER                                                                      */

static void
der_put_header (GByteArray *out,
                guint8      tag,
                gsize       len)
{
  g_byte_array_append (out, &tag, 1);
  sintesi_pdf_der_append_length (out, len);
}

static void
der_wrap (GByteArray *inner,
          guint8      tag,
          GByteArray *out)
{
  der_put_header (out, tag, inner->len);
  g_byte_array_append (out, inner->data, inner->len);
}

/* SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
 * ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING (SHA-256, the default
 * algorithm, hence omitted as DER requires), issuerSerial SEQUENCE {
 * issuer GeneralNames { [4] Name }, serialNumber INTEGER } }  (RFC 5035) */
static GBytes *
build_signing_certificate_v2 (gnutls_x509_crt_t   crt,
                              guint8              cert_hash[32],
                              GError            **error)
{
  gnutls_datum_t der = { NULL, 0 }, issuer = { NULL, 0 };
  guint8 serial[64];
  size_t serial_len = sizeof serial;
  g_autoptr(GByteArray) general_names = g_byte_array_new ();
  g_autoptr(GByteArray) tmp = g_byte_array_new ();
  g_autoptr(GByteArray) issuer_serial = g_byte_array_new ();
  g_autoptr(GByteArray) cert_id = g_byte_array_new ();
  g_autoptr(GByteArray) cert_ids = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int rc;

  rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (rc >= 0)
    {
      rc = gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, cert_hash);
      gnutls_free (der.data);
    }
  if (rc >= 0)
    rc = gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_serial (crt, serial, &serial_len);
  if (rc < 0)
    {
      gnutls_free (issuer.data);
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS,
                   _("The signing certificate cannot be read: %s"), gnutls_strerror (rc));
      return NULL;
    }

  /* [4] is EXPLICIT because Name is a CHOICE. */
  g_byte_array_append (tmp, issuer.data, issuer.size);
  gnutls_free (issuer.data);
  der_wrap (tmp, 0xa4, general_names);
  g_byte_array_set_size (tmp, 0);
  der_wrap (general_names, 0x30, issuer_serial);
  if (serial_len > 0 && (serial[0] & 0x80))
    {
      der_put_header (issuer_serial, 0x02, serial_len + 1);
      g_byte_array_append (issuer_serial, (const guint8 *) "\0", 1);
    }
  else
    der_put_header (issuer_serial, 0x02, serial_len);
  g_byte_array_append (issuer_serial, serial, serial_len);

  der_put_header (cert_id, 0x04, 32);
  g_byte_array_append (cert_id, cert_hash, 32);
  der_wrap (issuer_serial, 0x30, cert_id);

  der_wrap (cert_id, 0x30, tmp);
  der_wrap (tmp, 0x30, cert_ids);
  der_wrap (cert_ids, 0x30, out);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The certHash of a SigningCertificateV2 value, when its algorithm is
 * SHA-256 (explicit or by default). */
static gboolean
signing_certificate_v2_hash (const guint8  *p,
                             gsize          len,
                             const guint8 **hash)
{
  static const guint8 sha256_oid[] = { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
  gsize h, n;
  gboolean ind;

  /* SigningCertificateV2, certs, first ESSCertIDv2: three SEQUENCEs in. */
  for (guint i = 0; i < 3; i++)
    {
      if (!sintesi_pdf_asn1_read_header (p, len, NULL, &h, &n, &ind) || ind || p[0] != 0x30)
        return FALSE;
      p += h;
      len = n;
    }
  if (!sintesi_pdf_asn1_read_header (p, len, NULL, &h, &n, &ind) || ind)
    return FALSE;
  if (p[0] == 0x30)
    {
      if (n < sizeof sha256_oid || memcmp (p + h, sha256_oid, sizeof sha256_oid) != 0)
        return FALSE;
      p += h + n;
      len -= h + n;
      if (!sintesi_pdf_asn1_read_header (p, len, NULL, &h, &n, &ind) || ind)
        return FALSE;
    }
  if (p[0] != 0x04 || n != 32)
    return FALSE;
  *hash = p + h;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Reading the PDF with qpdf                                                */

static char *
qpdf_first_problem (qpdf_data q)
{
  qpdf_error e = NULL;

  if (qpdf_has_error (q))
    e = qpdf_get_error (q);
  else if (qpdf_more_warnings (q))
    e = qpdf_next_warning (q);
  if (e == NULL)
    return g_strdup ("?");
  return g_strdup (qpdf_get_error_full_text (q, e));
}

static QpdfData *
open_pdf (const guint8  *data,
          gsize          len,
          GError       **error)
{
  g_autoptr(QpdfData) q = NULL;
  QPDF_ERROR_CODE rc;

  if (len < 5 || memcmp (data, "%PDF-", 5) != 0)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NOT_PDF,
                           len == 0 ? _("The document is empty, not a PDF file.")
                                    : _("The document is not a PDF file."));
      return NULL;
    }

  q = qpdf_init ();
  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  rc = qpdf_read_memory (q, "document.pdf", (const char *) data, len, NULL);
  if ((rc & QPDF_ERRORS) || qpdf_more_warnings (q))
    {
      g_autofree char *why = qpdf_first_problem (q);

      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_DAMAGED,
                   _("The PDF is damaged and cannot be signed or checked safely: %s"), why);
      return NULL;
    }
  if (qpdf_is_encrypted (q))
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_ENCRYPTED,
                           _("The PDF is encrypted. A PSS submission must not be: create it again without a password."));
      return NULL;
    }
  return g_steal_pointer (&q);
}

/* Problems qpdf met while objects were resolved lazily. */
static gboolean
check_qpdf_clean (qpdf_data   q,
                  GError    **error)
{
  if (qpdf_has_error (q) || qpdf_more_warnings (q))
    {
      g_autofree char *why = qpdf_first_problem (q);

      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_DAMAGED,
                   _("The PDF is damaged and cannot be signed or checked safely: %s"), why);
      return FALSE;
    }
  return TRUE;
}

/* The cda.xml the gateway would read (the pdf unit looks where it looks). */
static GBytes *
read_cda (qpdf_data    q,
          GError     **error)
{
  g_autoptr(GError) local = NULL;
  GBytes *cda = sintesi_pdf_qpdf_get_cda (q, &local);

  if (cda != NULL)
    return cda;
  if (g_error_matches (local, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_NO_ATTACHMENT))
    g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NO_CDA,
                 _("The PDF has no “%s” attachment. A PSS submission must carry the clinical document as “%s”."),
                 SINTESI_PDF_CDA_NAME, SINTESI_PDF_CDA_NAME);
  else
    g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NO_CDA,
                 _("The “%s” attachment of the PDF cannot be read."), SINTESI_PDF_CDA_NAME);
  return NULL;
}

/* The signature fields with a value (found by the pdf unit), with what
 * verifying needs read from their /V: the four /ByteRange numbers (all 0
 * when malformed), /Contents and whether /M is there. */
static GPtrArray *
find_signatures (qpdf_data q)
{
  GPtrArray *signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) pades_signature_free);
  g_autoptr(GArray) fields = sintesi_pdf_qpdf_signature_fields (q);

  for (guint i = 0; i < fields->len; i++)
    {
      const SintesiPdfSignatureField *field = &g_array_index (fields, SintesiPdfSignatureField, i);
      PadesSignature *sig = g_new0 (PadesSignature, 1);
      qpdf_oh range = qpdf_oh_get_key (q, field->value, "/ByteRange");
      qpdf_oh contents = qpdf_oh_get_key (q, field->value, "/Contents");

      sig->field_name = g_strdup (field->field_name != NULL ? field->field_name : "?");
      sig->has_time = qpdf_oh_is_string (q, qpdf_oh_get_key (q, field->value, "/M"));
      if (qpdf_oh_is_array (q, range) && qpdf_oh_get_array_n_items (q, range) == 4)
        {
          for (int k = 0; k < 4; k++)
            {
              qpdf_oh item = qpdf_oh_get_array_item (q, range, k);
              long long v;

              if (!qpdf_oh_is_integer (q, item) || !qpdf_oh_get_value_as_longlong (q, item, &v) || v < 0)
                {
                  memset (sig->range, 0, sizeof sig->range);
                  break;
                }
              sig->range[k] = (guint64) v;
            }
        }
      if (qpdf_oh_is_string (q, contents))
        {
          size_t raw_len = 0;
          const char *raw = qpdf_oh_get_binary_string_value (q, contents, &raw_len);

          sig->contents = g_bytes_new (raw, raw_len);
        }
      g_ptr_array_add (signatures, sig);
    }
  return signatures;
}

/* The names of the top-level form fields, so that a new one is not taken. */
static GPtrArray *
top_level_field_names (qpdf_data q)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  qpdf_oh fields = qpdf_oh_get_key_if_dict (q, qpdf_oh_get_key_if_dict (q, qpdf_get_root (q), "/AcroForm"), "/Fields");
  int n = qpdf_oh_is_array (q, fields) ? qpdf_oh_get_array_n_items (q, fields) : 0;

  for (int i = 0; i < n; i++)
    {
      qpdf_oh title = qpdf_oh_get_key_if_dict (q, qpdf_oh_get_array_item (q, fields, i), "/T");

      if (qpdf_oh_is_string (q, title))
        g_ptr_array_add (names, g_strdup (qpdf_oh_get_utf8_value (q, title)));
    }
  return names;
}

/* ------------------------------------------------------------------------ */
/* Verifying one signature                                                  */

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *why)
{
  g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_INVALID_SIGNATURE,
               /* TRANSLATORS: the field name, then the reason */
               _("The signature “%s” is not valid: %s"), field, why);
  return FALSE;
}

/* Imports the CMS in /Contents through the pdf unit (BER, as BouncyCastle
 * writes it, becomes DER: toolchain pitfall 9; the signed attributes inside
 * are DER already, so the signature over them is untouched). */
static gnutls_pkcs7_t
import_cms (PadesSignature  *sig,
            GError         **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (sig->contents, &len);
  g_autoptr(GBytes) der = NULL;
  gnutls_pkcs7_t p7;
  int rc;

  p7 = sintesi_pdf_cms_import (p, len, &der, NULL, &rc);
  if (der == NULL)
    {
      invalid (error, sig->field_name, _("its /Contents holds no CMS signature."));
      return NULL;
    }
  if (p7 == NULL)
    g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_UNREADABLE_SIGNATURE,
                 _("The signature “%s” is in a form this program cannot read (%s)."),
                 sig->field_name, gnutls_strerror (rc));
  return p7;
}

typedef struct
{
  gboolean covers_whole_file;
  gboolean has_signing_certificate_v2;
  gboolean has_signing_time;
  guint8   signer_hash[32];   /* SHA-256 of the signer certificate's DER */
} PadesVerification;

/* Verifies sig over its ByteRange in buf. buf is restored before return. */
static gboolean
verify_signature (PadesBuffer        *buf,
                  PadesSignature     *sig,
                  PadesVerification  *result,
                  GError            **error)
{
  const guint64 *r = sig->range;
  g_auto(gnutls_pkcs7_t) p7 = NULL;
  g_auto(gnutls_x509_crt_t) signer = NULL;
  gnutls_pkcs7_signature_info_st info;
  gnutls_datum_t data, cert_der = { NULL, 0 };
  g_autofree guint8 *copy = NULL;
  g_autofree guint8 *saved_hole = NULL;
  guint64 gap, tail;
  int rc;

  memset (result, 0, sizeof *result);
  if (sig->contents == NULL)
    return invalid (error, sig->field_name, _("it has no /Contents."));
  /* The gateway reads /M and counts a signature without it as invalid
   * (pss-document.md §1 item 4). */
  if (!sig->has_time)
    return invalid (error, sig->field_name, _("it has no signing time (/M), which the gateway requires."));
  if (r[0] != 0 || r[1] == 0 || r[2] <= r[1] || r[2] > buf->len || r[3] > buf->len - r[2] ||
      buf->data[r[1]] != '<' || buf->data[r[2] - 1] != '>')
    return invalid (error, sig->field_name, _("its /ByteRange does not match the layout of the file."));

  /* The hole must be exactly the hex string qpdf read as this signature's
   * /Contents: a ByteRange pointing elsewhere (signature wrapping) fails. */
  gap = r[2] - r[1];
  {
    gsize expected_len;
    const guint8 *expected = g_bytes_get_data (sig->contents, &expected_len);
    gsize at = 0;
    int high = -1;

    for (guint64 i = r[1] + 1; i < r[2] - 1; i++)
      {
        int nibble = g_ascii_xdigit_value (buf->data[i]);

        if (nibble < 0)
          {
            if (g_ascii_isspace (buf->data[i]))
              continue;
            return invalid (error, sig->field_name, _("its /ByteRange does not match the layout of the file."));
          }
        if (high < 0)
          {
            high = nibble;
            continue;
          }
        if (at >= expected_len || expected[at] != (guint8) (high << 4 | nibble))
          return invalid (error, sig->field_name, _("its /ByteRange does not match the layout of the file."));
        at++;
        high = -1;
      }
    if (high >= 0)
      {
        if (at >= expected_len || expected[at] != (guint8) (high << 4))
          return invalid (error, sig->field_name, _("its /ByteRange does not match the layout of the file."));
        at++;
      }
    if (at != expected_len)
      return invalid (error, sig->field_name, _("its /ByteRange does not match the layout of the file."));
  }

  result->covers_whole_file = r[2] + r[3] == buf->len;

  p7 = import_cms (sig, error);
  if (p7 == NULL)
    return FALSE;
  if (gnutls_pkcs7_get_signature_count (p7) < 1)
    return invalid (error, sig->field_name, _("the CMS holds no signer."));

  rc = gnutls_pkcs7_get_signature_info (p7, 0, &info);
  if (rc < 0)
    return invalid (error, sig->field_name, gnutls_strerror (rc));
  signer = sintesi_pdf_cms_find_signer (p7, &info);
  if (signer == NULL)
    {
      gnutls_pkcs7_signature_info_deinit (&info);
      return invalid (error, sig->field_name, _("the signer’s certificate is not inside the signature."));
    }

  /* The signed bytes as one datum: move the tail into the hole (or copy
   * when a foreign file has a tail longer than its hole). */
  tail = r[3];
  if (tail <= gap)
    {
      saved_hole = g_memdup2 (buf->data + r[1], tail);
      memcpy (buf->data + r[1], buf->data + r[2], tail);
      data.data = buf->data;
    }
  else
    {
      copy = g_malloc (r[1] + tail);
      memcpy (copy, buf->data, r[1]);
      memcpy (copy + r[1], buf->data + r[2], tail);
      data.data = copy;
    }
  data.size = r[1] + tail;
  /* The gateway does not check expiry (pss-document.md §1 item 4): what is
   * verified here is that the bytes are the ones that were signed. */
  rc = gnutls_pkcs7_verify_direct (p7, signer, 0, &data, GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
  if (saved_hole != NULL)
    memcpy (buf->data + r[1], saved_hole, tail);
  if (rc < 0)
    {
      g_debug ("signature %s: GnuTLS says %s", sig->field_name, gnutls_strerror (rc));
      gnutls_pkcs7_signature_info_deinit (&info);
      return invalid (error, sig->field_name,
                      _("the document was changed after it was signed, or the signature is corrupt."));
    }

  for (guint i = 0; ; i++)
    {
      char *oid = NULL;   /* owned by the list */
      gnutls_datum_t value = { NULL, 0 };
      const guint8 *hash;

      if (gnutls_pkcs7_get_attr (info.signed_attrs, i, &oid, &value, 0) < 0)
        break;
      if (g_strcmp0 (oid, OID_SIGNING_TIME) == 0)
        result->has_signing_time = TRUE;
      if (g_strcmp0 (oid, OID_SIGNING_CERTIFICATE_V2) == 0)
        {
          result->has_signing_certificate_v2 = TRUE;
          if (gnutls_x509_crt_export2 (signer, GNUTLS_X509_FMT_DER, &cert_der) >= 0)
            {
              gnutls_hash_fast (GNUTLS_DIG_SHA256, cert_der.data, cert_der.size, result->signer_hash);
              gnutls_free (cert_der.data);
              cert_der.data = NULL;
            }
          if (!signing_certificate_v2_hash (value.data, value.size, &hash) ||
              memcmp (hash, result->signer_hash, 32) != 0)
            {
              gnutls_free (value.data);
              gnutls_pkcs7_signature_info_deinit (&info);
              return invalid (error, sig->field_name,
                              _("its signing-certificate-v2 attribute does not name the certificate that signed."));
            }
        }
      gnutls_free (value.data);
    }
  gnutls_pkcs7_signature_info_deinit (&info);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Writing the increment                                                    */

/* The offset after the last "startxref" in the file's tail. */
static gboolean
find_startxref (const guint8 *data,
                gsize         len,
                guint64      *offset)
{
  gsize from = len > 2048 ? len - 2048 : 0;
  const guint8 *found = NULL;
  const guint8 *p;
  guint64 value = 0;
  gboolean digits = FALSE;

  for (p = data + from; p + 9 <= data + len; p++)
    if (memcmp (p, "startxref", 9) == 0)
      found = p;
  if (found == NULL)
    return FALSE;
  for (p = found + 9; p < data + len && g_ascii_isspace (*p); p++)
    ;
  for (; p < data + len && g_ascii_isdigit (*p) && value < G_MAXUINT64 / 10; p++)
    {
      value = value * 10 + (guint64) (*p - '0');
      digits = TRUE;
    }
  if (!digits || value >= len)
    return FALSE;
  *offset = value;
  return TRUE;
}

static char *
pdf_date (GDateTime *time)
{
  GTimeSpan offset = g_date_time_get_utc_offset (time);
  g_autofree char *stamp = g_date_time_format (time, "%Y%m%d%H%M%S");
  gint64 minutes = ABS (offset) / G_TIME_SPAN_MINUTE;

  if (offset == 0)
    return g_strdup_printf ("D:%sZ", stamp);
  return g_strdup_printf ("D:%s%c%02d'%02d'", stamp, offset < 0 ? '-' : '+',
                          (int) (minutes / 60), (int) (minutes % 60));
}

/* A PDF text string: literal when plain ASCII, else UTF-16BE with a BOM. */
static void
append_text_string (GString    *out,
                    const char *utf8)
{
  gboolean ascii = TRUE;

  for (const char *p = utf8; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      ascii = FALSE;
  if (ascii)
    {
      g_string_append_c (out, '(');
      for (const char *p = utf8; *p != '\0'; p++)
        {
          if (*p == '(' || *p == ')' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, ')');
    }
  else
    {
      glong n = 0;
      g_autofree gunichar2 *utf16 = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);

      g_string_append (out, "<FEFF");
      for (glong i = 0; utf16 != NULL && i < n; i++)
        g_string_append_printf (out, "%04X", utf16[i]);
      g_string_append_c (out, '>');
    }
}

/* Bytes to reserve for the DER CMS: certificates, signature value and the
 * signed attributes are known in size; the ASN.1 frame around them is
 * small. A margin covers what varies (ECDSA lengths, GnuTLS's choices). */
static gsize
estimate_cms_size (gnutls_privkey_t         key,
                   gnutls_x509_crt_t const *chain,
                   guint                    chain_length,
                   gsize                    signing_certificate_len)
{
  unsigned int bits = 0;
  int algorithm = gnutls_privkey_get_pk_algorithm (key, &bits);
  gsize size = 1024 + 2 * signing_certificate_len;

  for (guint i = 0; i < chain_length; i++)
    {
      gnutls_datum_t der = { NULL, 0 };

      if (gnutls_x509_crt_export2 (chain[i], GNUTLS_X509_FMT_DER, &der) >= 0)
        size += der.size;
      else
        size += 4096;
      gnutls_free (der.data);
    }
  if (bits == 0)
    bits = 8192;
  switch (algorithm)
    {
    case GNUTLS_PK_RSA:
    case GNUTLS_PK_RSA_PSS:
      size += (bits + 7) / 8;
      break;
    default:
      size += 2 * ((bits + 7) / 8) + 16;
      break;
    }
  size += size / 8;
  return (size + 511) / 512 * 512;
}

typedef struct
{
  int   id;
  int   generation;
  gsize offset;
} XrefEntry;

typedef struct
{
  GString *text;
  gsize    byte_range_at;   /* where the three patched numbers start */
  gsize    contents_at;     /* the '<' of /Contents */
  gsize    contents_hex;    /* hex digits between '<' and '>' */
  char    *field_name;
} Increment;

static void
increment_clear (Increment *inc)
{
  if (inc->text != NULL)
    g_string_free (inc->text, TRUE);
  g_free (inc->field_name);
  memset (inc, 0, sizeof *inc);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Increment, increment_clear)

static void
emit_object (Increment  *inc,
             gsize       base,
             GArray     *xref,
             int         id,
             int         generation,
             const char *body)
{
  XrefEntry entry = { id, generation, base + inc->text->len };

  g_array_append_val (xref, entry);
  g_string_append_printf (inc->text, "%d %d obj\n%s\nendobj\n", id, generation, body);
}

static int
compare_xref_entries (gconstpointer a,
                      gconstpointer b)
{
  return ((const XrefEntry *) a)->id - ((const XrefEntry *) b)->id;
}

/* The /Index (xref stream) or subsection headers: runs of consecutive ids. */
static void
emit_xref_table (Increment *inc,
                 GArray    *xref)
{
  g_string_append (inc->text, "xref\n");
  for (guint i = 0; i < xref->len; )
    {
      guint run = 1;

      while (i + run < xref->len &&
             g_array_index (xref, XrefEntry, i + run).id == g_array_index (xref, XrefEntry, i).id + (int) run)
        run++;
      g_string_append_printf (inc->text, "%d %u\n", g_array_index (xref, XrefEntry, i).id, run);
      for (guint k = i; k < i + run; k++)
        {
          const XrefEntry *e = &g_array_index (xref, XrefEntry, k);
          g_autofree char *offset = g_strdup_printf ("%010" G_GSIZE_FORMAT, e->offset);

          /* Exactly 20 bytes per entry, CR LF included. */
          g_string_append_printf (inc->text, "%s %05d n\r\n", offset, e->generation);
        }
      i += run;
    }
}

static void
append_xref_index (GString *out,
                   GArray  *xref)
{
  g_string_append (out, "/Index [");
  for (guint i = 0; i < xref->len; )
    {
      guint run = 1;

      while (i + run < xref->len &&
             g_array_index (xref, XrefEntry, i + run).id == g_array_index (xref, XrefEntry, i).id + (int) run)
        run++;
      g_string_append_printf (out, "%s%d %u", i == 0 ? "" : " ", g_array_index (xref, XrefEntry, i).id, run);
      i += run;
    }
  g_string_append (out, "]");
}

/* The text of array (or of an empty one) with a reference appended. */
static char *
unparse_array_with (qpdf_data   q,
                    qpdf_oh     array,
                    const char *item)
{
  GString *out = g_string_new ("[");
  int n = qpdf_oh_is_array (q, array) ? qpdf_oh_get_array_n_items (q, array) : 0;

  for (int i = 0; i < n; i++)
    g_string_append_printf (out, "%s ", qpdf_oh_unparse (q, qpdf_oh_get_array_item (q, array, i)));
  g_string_append_printf (out, "%s]", item);
  return g_string_free (out, FALSE);
}

/* The text of dict with some keys replaced or added. qpdf only reads: its
 * objects are never modified, so nothing can point at objects it does not
 * know (the new ones exist only in the increment). */
static char *
unparse_dict_with (qpdf_data    q,
                   qpdf_oh      dict,
                   const char  *const *edits)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new ("<<");

  if (qpdf_oh_is_dictionary (q, dict))
    {
      qpdf_oh_begin_dict_key_iter (q, dict);
      while (qpdf_oh_dict_more_keys (q))
        g_ptr_array_add (keys, g_strdup (qpdf_oh_dict_next_key (q)));
    }
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      gboolean edited = FALSE;
      g_autofree char *name = NULL;

      for (guint e = 0; edits[e] != NULL; e += 2)
        edited = edited || strcmp (edits[e], key) == 0;
      if (edited)
        continue;
      name = g_strdup (qpdf_oh_unparse (q, qpdf_oh_new_name (q, key)));
      g_string_append_printf (out, " %s %s", name, qpdf_oh_unparse (q, qpdf_oh_get_key (q, dict, key)));
    }
  for (guint e = 0; edits[e] != NULL; e += 2)
    g_string_append_printf (out, " %s %s", edits[e], edits[e + 1]);
  g_string_append (out, " >>");
  return g_string_free (out, FALSE);
}

static gboolean
build_increment (qpdf_data                      q,
                 const guint8                  *data,
                 gsize                          len,
                 gsize                          contents_size,
                 const SintesiPadesSignOptions *options,
                 Increment                     *inc,
                 GError                       **error)
{
  g_autoptr(GArray) xref = g_array_new (FALSE, FALSE, sizeof (XrefEntry));
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date = NULL;
  g_autofree char *field_ref = NULL;
  guint64 prev = 0;
  gboolean xref_stream;
  qpdf_oh trailer, root, page, acroform;
  long long size;
  int root_id, page_id, field_id, sig_id, stream_id = 0, next;
  const guint8 *p;

  if (!find_startxref (data, len, &prev))
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_DAMAGED,
                           _("The PDF is damaged and cannot be signed or checked safely: its end (startxref) is missing."));
      return FALSE;
    }
  for (p = data + prev; p < data + len && g_ascii_isspace (*p); p++)
    ;
  xref_stream = !(data + len - p >= 4 && memcmp (p, "xref", 4) == 0);

  trailer = qpdf_get_trailer (q);
  root = qpdf_get_root (q);
  if (!qpdf_oh_is_dictionary (q, root) || !qpdf_oh_is_indirect (q, root) ||
      !qpdf_oh_get_value_as_longlong (q, qpdf_oh_get_key (q, trailer, "/Size"), &size) ||
      size < 1 || size > G_MAXINT - 8 || qpdf_get_num_pages (q) < 1)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_DAMAGED,
                           _("The PDF is damaged and cannot be signed or checked safely: its catalog, pages or trailer are missing."));
      return FALSE;
    }
  page = qpdf_get_page_n (q, 0);
  root_id = qpdf_oh_get_object_id (q, root);
  page_id = qpdf_oh_get_object_id (q, page);
  if (page_id <= 0)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_DAMAGED,
                           _("The PDF is damaged and cannot be signed or checked safely: its catalog, pages or trailer are missing."));
      return FALSE;
    }

  next = (int) size;
  field_id = next++;
  sig_id = next++;
  if (xref_stream)
    stream_id = next++;

  names = top_level_field_names (q);
  for (guint n = 1; ; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("Signature%u", n);

      if (!g_ptr_array_find_with_equal_func (names, candidate, g_str_equal, NULL))
        {
          inc->field_name = g_steal_pointer (&candidate);
          break;
        }
    }

  field_ref = g_strdup_printf ("%d 0 R", field_id);

  inc->text = g_string_sized_new (4096 + 2 * contents_size);
  if (data[len - 1] != '\n' && data[len - 1] != '\r')
    g_string_append_c (inc->text, '\n');

  /* AcroForm: add the field, set SignaturesExist | AppendOnly. An indirect
   * AcroForm gets a new revision of its own; otherwise the catalog does. */
  acroform = qpdf_oh_get_key (q, root, "/AcroForm");
  {
    long long old_flags = 0;
    g_autofree char *fields = NULL;
    g_autofree char *flags = NULL;
    g_autofree char *acroform_text = NULL;

    if (qpdf_oh_is_dictionary (q, acroform))
      qpdf_oh_get_value_as_longlong (q, qpdf_oh_get_key (q, acroform, "/SigFlags"), &old_flags);
    fields = unparse_array_with (q, qpdf_oh_get_key_if_dict (q, acroform, "/Fields"), field_ref);
    flags = g_strdup_printf ("%lld", old_flags | 3);
    {
      const char *edits[] = { "/Fields", fields, "/SigFlags", flags, NULL };

      acroform_text = unparse_dict_with (q, acroform, edits);
    }
    if (qpdf_oh_is_dictionary (q, acroform) && qpdf_oh_is_indirect (q, acroform))
      emit_object (inc, len, xref, qpdf_oh_get_object_id (q, acroform),
                   qpdf_oh_get_generation (q, acroform), acroform_text);
    else
      {
        const char *edits[] = { "/AcroForm", acroform_text, NULL };
        g_autofree char *catalog = unparse_dict_with (q, root, edits);

        emit_object (inc, len, xref, root_id, qpdf_oh_get_generation (q, root), catalog);
      }
  }
  {
    g_autofree char *annots = unparse_array_with (q, qpdf_oh_get_key (q, page, "/Annots"), field_ref);
    const char *edits[] = { "/Annots", annots, NULL };
    g_autofree char *page_text = unparse_dict_with (q, page, edits);

    emit_object (inc, len, xref, page_id, qpdf_oh_get_generation (q, page), page_text);
  }
  if (!check_qpdf_clean (q, error))
    return FALSE;

  {
    g_autoptr(GString) widget = g_string_new ("<< /Type /Annot /Subtype /Widget /FT /Sig /T ");

    append_text_string (widget, inc->field_name);
    g_string_append_printf (widget, " /V %d 0 R /P %d %d R /Rect [0 0 0 0] /F %d >>",
                            sig_id, page_id, qpdf_oh_get_generation (q, page), WIDGET_FLAGS);
    emit_object (inc, len, xref, field_id, 0, widget->str);
  }

  /* The /Sig dictionary is written in place, for the two offsets. */
  now = options != NULL && options->signing_time != NULL
        ? g_date_time_ref (options->signing_time) : g_date_time_new_now_local ();
  date = pdf_date (now);
  {
    XrefEntry entry = { sig_id, 0, len + inc->text->len };

    g_array_append_val (xref, entry);
  }
  g_string_append_printf (inc->text,
                          "%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (%s)",
                          sig_id, date);
  if (options != NULL && options->name != NULL)
    {
      g_string_append (inc->text, " /Name ");
      append_text_string (inc->text, options->name);
    }
  if (options != NULL && options->reason != NULL)
    {
      g_string_append (inc->text, " /Reason ");
      append_text_string (inc->text, options->reason);
    }
  if (options != NULL && options->location != NULL)
    {
      g_string_append (inc->text, " /Location ");
      append_text_string (inc->text, options->location);
    }
  g_string_append (inc->text, " /ByteRange [0 ");
  inc->byte_range_at = inc->text->len;
  g_string_append (inc->text, "__________ __________ __________] /Contents ");
  inc->contents_at = inc->text->len;
  inc->contents_hex = 2 * contents_size;
  g_string_append_c (inc->text, '<');
  for (gsize i = 0; i < inc->contents_hex; i++)
    g_string_append_c (inc->text, '0');
  g_string_append (inc->text, "> >>\nendobj\n");

  {
    qpdf_oh info = qpdf_oh_get_key (q, trailer, "/Info");
    qpdf_oh id = qpdf_oh_get_key (q, trailer, "/ID");
    g_autoptr(GString) tail = g_string_new (NULL);
    g_autofree char *root_ref = g_strdup_printf ("%d %d R", root_id, qpdf_oh_get_generation (q, root));

    g_string_append_printf (tail, "/Size %d /Root %s", next, root_ref);
    if (qpdf_oh_is_indirect (q, info) && qpdf_oh_is_dictionary (q, info))
      g_string_append_printf (tail, " /Info %d %d R", qpdf_oh_get_object_id (q, info), qpdf_oh_get_generation (q, info));
    if (qpdf_oh_is_array (q, id))
      g_string_append_printf (tail, " /ID %s", qpdf_oh_unparse (q, id));
    g_string_append_printf (tail, " /Prev %" G_GUINT64_FORMAT, prev);

    if (!xref_stream)
      {
        gsize start = len + inc->text->len;

        g_array_sort (xref, compare_xref_entries);
        emit_xref_table (inc, xref);
        g_string_append_printf (inc->text, "trailer\n<< %s >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                                tail->str, start);
      }
    else
      {
        /* The original ends in an xref stream, so must this update
         * (a classic table cannot point back to a stream). */
        gsize start = len + inc->text->len;
        guint width = start > G_MAXUINT32 ? 8 : 4;
        XrefEntry self = { stream_id, 0, start };
        g_autoptr(GString) dict = g_string_new (NULL);

        g_array_append_val (xref, self);
        g_array_sort (xref, compare_xref_entries);
        g_string_append_printf (dict, "<< /Type /XRef %s /W [1 %u 2] ", tail->str, width);
        append_xref_index (dict, xref);
        g_string_append_printf (dict, " /Length %u >>", xref->len * (3 + width));
        g_string_append_printf (inc->text, "%d 0 obj\n%s\nstream\n", stream_id, dict->str);
        for (guint i = 0; i < xref->len; i++)
          {
            const XrefEntry *e = &g_array_index (xref, XrefEntry, i);
            guint8 row[11];

            row[0] = 1;
            for (guint b = 0; b < width; b++)
              row[1 + b] = (guint8) ((guint64) e->offset >> (8 * (width - 1 - b)));
            row[1 + width] = (guint8) (e->generation >> 8);
            row[2 + width] = (guint8) e->generation;
            g_string_append_len (inc->text, (const char *) row, 3 + width);
          }
        g_string_append_printf (inc->text, "\nendstream\nendobj\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", start);
      }
  }
  return check_qpdf_clean (q, error);
}

/* ------------------------------------------------------------------------ */
/* Signing and checking                                                     */

static gboolean
check_credentials (gnutls_privkey_t          key,
                   gnutls_x509_crt_t const  *chain,
                   guint                     chain_length,
                   GError                  **error)
{
  g_auto(gnutls_pubkey_t) pub = NULL;
  time_t now = time (NULL);
  guint8 key_id[64], cert_id[64];
  size_t key_id_len = sizeof key_id, cert_id_len = sizeof cert_id;

  if (chain == NULL || chain_length == 0 || chain[0] == NULL)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS,
                           _("No signing certificate was given."));
      return FALSE;
    }
  if (gnutls_x509_crt_get_activation_time (chain[0]) > now)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS,
                           _("The signing certificate is not valid yet."));
      return FALSE;
    }
  if (gnutls_x509_crt_get_expiration_time (chain[0]) < now)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS,
                           _("The signing certificate has expired: a signature made with it would not be valid."));
      return FALSE;
    }
  /* A token may not export the public key; the self-check still catches a
   * key that does not match. */
  if (gnutls_pubkey_init (&pub) >= 0 &&
      gnutls_pubkey_import_privkey (pub, key, 0, 0) >= 0 &&
      gnutls_pubkey_get_key_id (pub, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_len) >= 0 &&
      gnutls_x509_crt_get_key_id (chain[0], GNUTLS_KEYID_USE_SHA256, cert_id, &cert_id_len) >= 0 &&
      (key_id_len != cert_id_len || memcmp (key_id, cert_id, key_id_len) != 0))
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CREDENTIALS,
                           _("The private key does not belong to the signing certificate."));
      return FALSE;
    }
  return TRUE;
}

/* Every signature verifies, one covers the whole file, cda.xml is there. */
static gboolean
check_signed_buffer (PadesBuffer  *buf,
                     GError      **error)
{
  g_autoptr(QpdfData) q = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GBytes) cda = NULL;
  gboolean whole = FALSE;

  q = open_pdf (buf->data, buf->len, error);
  if (q == NULL)
    return FALSE;
  signatures = find_signatures (q);
  if (!check_qpdf_clean (q, error))
    return FALSE;
  if (signatures->len == 0)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NOT_SIGNED,
                           _("The PDF is not signed."));
      return FALSE;
    }
  cda = read_cda (q, error);
  if (cda == NULL || !check_qpdf_clean (q, error))
    return FALSE;
  g_clear_pointer (&q, qpdf_data_free);

  for (guint i = 0; i < signatures->len; i++)
    {
      PadesVerification v;

      if (!verify_signature (buf, g_ptr_array_index (signatures, i), &v, error))
        return FALSE;
      whole = whole || v.covers_whole_file;
    }
  if (!whole)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_PARTIAL_SIGNATURE,
                           _("The PDF was changed after it was signed: no signature covers the whole file."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
self_check (PadesBuffer   *buf,
            GBytes        *cda,
            const guint8   cert_hash[32],
            const char    *field_name,
            GError       **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(QpdfData) q = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GBytes) cda_after = NULL;
  PadesSignature *ours = NULL;
  PadesVerification v;
  const char *problem = NULL;

  q = open_pdf (buf->data, buf->len, &local);
  if (q != NULL)
    {
      signatures = find_signatures (q);
      cda_after = read_cda (q, &local);
      if (cda_after != NULL && check_qpdf_clean (q, &local))
        {
          for (guint i = 0; i < signatures->len; i++)
            if (g_strcmp0 (((PadesSignature *) g_ptr_array_index (signatures, i))->field_name, field_name) == 0)
              ours = g_ptr_array_index (signatures, i);
          if (ours == NULL)
            problem = _("the new signature field cannot be found.");
        }
      g_clear_pointer (&q, qpdf_data_free);
    }

  if (local == NULL && problem == NULL)
    {
      if (!verify_signature (buf, ours, &v, &local))
        ;
      else if (!v.covers_whole_file)
        problem = _("the signature does not cover the whole file.");
      else if (!v.has_signing_certificate_v2 || memcmp (v.signer_hash, cert_hash, 32) != 0)
        problem = _("the signature does not name the signing certificate.");
      else if (v.has_signing_time)
        problem = _("the signature carries a signing-time attribute.");
      else if (!g_bytes_equal (cda, cda_after))
        problem = _("the attached cda.xml is no longer byte-identical to the original.");
    }

  if (local != NULL || problem != NULL)
    {
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_SELF_CHECK,
                   _("The signed PDF failed its own check, so it was not saved: %s"),
                   local != NULL ? local->message : problem);
      return FALSE;
    }
  return TRUE;
}

static void
format_byte_range_slot (guint8  *slot,
                        guint64  value)
{
  char text[BYTE_RANGE_WIDTH + 1];

  g_snprintf (text, sizeof text, "%*" G_GUINT64_FORMAT, BYTE_RANGE_WIDTH, value);
  memcpy (slot, text, BYTE_RANGE_WIDTH);
}

/* Appends the signing increment to buf, signs, self-checks. On failure buf
 * may hold a partial increment: callers drop it. */
static gboolean
sign_buffer (PadesBuffer                   *buf,
             gnutls_privkey_t               key,
             gnutls_x509_crt_t const       *chain,
             guint                          chain_length,
             const SintesiPadesSignOptions *options,
             GError                       **error)
{
  g_autoptr(QpdfData) q = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autoptr(GBytes) signing_certificate = NULL;
  g_auto(Increment) inc = { 0 };
  g_auto(gnutls_pkcs7_t) p7 = NULL;
  g_auto(gnutls_pkcs7_attrs_t) attrs = NULL;
  g_autofree guint8 *saved_hole = NULL;
  gnutls_datum_t data, attr_value, der = { NULL, 0 };
  guint8 cert_hash[32];
  gsize contents_size, original_len = buf->len, a, b, tail;
  static const char hex[] = "0123456789abcdef";
  int rc;

  if (!check_credentials (key, chain, chain_length, error))
    return FALSE;
  signing_certificate = build_signing_certificate_v2 (chain[0], cert_hash, error);
  if (signing_certificate == NULL)
    return FALSE;
  contents_size = options != NULL && options->contents_size > 0
                  ? options->contents_size
                  : estimate_cms_size (key, chain, chain_length, g_bytes_get_size (signing_certificate));

  q = open_pdf (buf->data, buf->len, error);
  if (q == NULL)
    return FALSE;
  cda = read_cda (q, error);
  if (cda == NULL || !check_qpdf_clean (q, error))
    return FALSE;
  if (!build_increment (q, buf->data, buf->len, contents_size, options, &inc, error))
    return FALSE;
  g_clear_pointer (&q, qpdf_data_free);

  if (original_len + inc.text->len > BYTE_RANGE_MAX)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_TOO_LARGE,
                           _("The PDF is too large to be signed."));
      return FALSE;
    }
  if (original_len + inc.text->len > buf->capacity)
    {
      buf->capacity = original_len + inc.text->len;
      buf->data = g_realloc (buf->data, buf->capacity);
    }
  memcpy (buf->data + original_len, inc.text->str, inc.text->len);
  buf->len = original_len + inc.text->len;

  a = original_len + inc.contents_at;
  b = a + inc.contents_hex + 2;
  tail = buf->len - b;
  format_byte_range_slot (buf->data + original_len + inc.byte_range_at, a);
  format_byte_range_slot (buf->data + original_len + inc.byte_range_at + BYTE_RANGE_WIDTH + 1, b);
  format_byte_range_slot (buf->data + original_len + inc.byte_range_at + 2 * (BYTE_RANGE_WIDTH + 1), tail);
  if (tail > b - a)
    {
      /* Only a reservation smaller than the xref could get here. */
      g_autofree char *reserved = g_strdup_printf ("%" G_GSIZE_FORMAT, contents_size);

      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CONTENTS_TOO_SMALL,
                   _("The space reserved for the signature in the PDF (%s bytes) is too small."), reserved);
      return FALSE;
    }

  /* The signed bytes as one datum (see the top of this file). */
  saved_hole = g_memdup2 (buf->data + a, tail);
  memcpy (buf->data + a, buf->data + b, tail);
  data.data = buf->data;
  data.size = a + tail;

  attr_value.data = (unsigned char *) g_bytes_get_data (signing_certificate, NULL);
  attr_value.size = g_bytes_get_size (signing_certificate);
  rc = gnutls_pkcs7_init (&p7);
  if (rc >= 0)
    rc = gnutls_pkcs7_add_attr (&attrs, OID_SIGNING_CERTIFICATE_V2, &attr_value, 0);
  /* Detached (no EMBED_DATA), no signing time (D16: the time is /M). */
  if (rc >= 0)
    rc = gnutls_pkcs7_sign (p7, chain[0], key, &data, attrs, NULL, GNUTLS_DIG_SHA256,
                            GNUTLS_PKCS7_INCLUDE_CERT);
  memcpy (buf->data + a, saved_hole, tail);
  for (guint i = 1; rc >= 0 && i < chain_length; i++)
    rc = gnutls_pkcs7_set_crt (p7, chain[i]);
  if (rc >= 0)
    rc = gnutls_pkcs7_export2 (p7, GNUTLS_X509_FMT_DER, &der);
  if (rc < 0)
    {
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_SIGNING,
                   _("The signature could not be made: %s"), gnutls_strerror (rc));
      return FALSE;
    }

  if (2 * (gsize) der.size > inc.contents_hex)
    {
      g_autofree char *needed = g_strdup_printf ("%u", der.size);
      g_autofree char *reserved = g_strdup_printf ("%" G_GSIZE_FORMAT, contents_size);

      gnutls_free (der.data);
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_CONTENTS_TOO_SMALL,
                   _("The signature (%s bytes with its certificates) does not fit the %s bytes reserved for it in the PDF."),
                   needed, reserved);
      return FALSE;
    }
  for (guint i = 0; i < der.size; i++)
    {
      buf->data[a + 1 + 2 * i] = hex[der.data[i] >> 4];
      buf->data[a + 2 + 2 * i] = hex[der.data[i] & 0x0f];
    }
  gnutls_free (der.data);

  return self_check (buf, cda, cert_hash, inc.field_name, error);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */

static gboolean
classify_data (const guint8       *data,
               gsize               len,
               SintesiPadesState  *out_state,
               GError            **error)
{
  g_autoptr(QpdfData) q = NULL;
  g_autoptr(GPtrArray) signatures = NULL;

  if (len > SINTESI_PADES_MAX_SIZE)
    {
      g_autofree char *actual = g_format_size (len);
      g_autofree char *limit = g_format_size (SINTESI_PADES_MAX_SIZE);

      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_TOO_LARGE,
                   _("The PDF is too large (%s; the limit is %s)."), actual, limit);
      return FALSE;
    }
  q = open_pdf (data, len, error);
  if (q == NULL)
    return FALSE;
  signatures = find_signatures (q);
  if (!check_qpdf_clean (q, error))
    return FALSE;
  *out_state = signatures->len > 0 ? SINTESI_PADES_STATE_SIGNED : SINTESI_PADES_STATE_UNSIGNED;
  return TRUE;
}

gboolean
sintesi_pades_classify (GBytes             *pdf,
                        SintesiPadesState  *out_state,
                        GError            **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);
  SintesiPadesState state;

  g_return_val_if_fail (pdf != NULL, FALSE);

  if (!classify_data (data, len, &state, error))
    return FALSE;
  if (out_state != NULL)
    *out_state = state;
  return TRUE;
}

gboolean
sintesi_pades_check_signed (GBytes  *pdf,
                            GError **error)
{
  g_auto(PadesBuffer) buf = { NULL, 0, 0 };
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);
  SintesiPadesState state;

  g_return_val_if_fail (pdf != NULL, FALSE);

  if (!classify_data (data, len, &state, error))
    return FALSE;
  pades_buffer_take_copy (&buf, data, len, 0);
  return check_signed_buffer (&buf, error);
}

static gboolean
sign_or_check (PadesBuffer                   *buf,
               gnutls_privkey_t               key,
               gnutls_x509_crt_t const       *chain,
               guint                          chain_length,
               const SintesiPadesSignOptions *options,
               SintesiPadesState             *out_input_state,
               GError                       **error)
{
  SintesiPadesState state;

  if (!classify_data (buf->data, buf->len, &state, error))
    return FALSE;
  if (out_input_state != NULL)
    *out_input_state = state;
  if (state == SINTESI_PADES_STATE_SIGNED)
    return check_signed_buffer (buf, error);
  if (key == NULL)
    {
      g_set_error_literal (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_NOT_SIGNED,
                           _("The PDF is not signed, and no signing key was given."));
      return FALSE;
    }
  return sign_buffer (buf, key, chain, chain_length, options, error);
}

GBytes *
sintesi_pades_sign (GBytes                        *pdf,
                    gnutls_privkey_t               key,
                    gnutls_x509_crt_t const       *chain,
                    guint                          chain_length,
                    const SintesiPadesSignOptions *options,
                    SintesiPadesState             *out_input_state,
                    GError                       **error)
{
  g_auto(PadesBuffer) buf = { NULL, 0, 0 };
  SintesiPadesState state = SINTESI_PADES_STATE_UNSIGNED;
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);

  g_return_val_if_fail (pdf != NULL, NULL);

  pades_buffer_take_copy (&buf, data, len, INCREMENT_SLACK);
  if (!sign_or_check (&buf, key, chain, chain_length, options, &state, error))
    return NULL;
  if (out_input_state != NULL)
    *out_input_state = state;
  if (state == SINTESI_PADES_STATE_SIGNED)
    return g_bytes_ref (pdf);
  len = buf.len;
  return g_bytes_new_take (g_steal_pointer (&buf.data), len);
}

/* Reads the whole file into a buffer with room for the increment. */
static gboolean
read_document (const char   *path,
               PadesBuffer  *buf,
               GError      **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local = NULL;
  goffset size;
  gsize got = 0;

  in = g_file_read (file, NULL, &local);
  if (in != NULL)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &local);
  if (info == NULL)
    {
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_IO,
                   _("Cannot read “%s”: %s"), path, local->message);
      return FALSE;
    }
  size = g_file_info_get_size (info);
  if (size < 0 || (guint64) size > SINTESI_PADES_MAX_SIZE)
    {
      g_autofree char *actual = g_format_size (size);
      g_autofree char *limit = g_format_size (SINTESI_PADES_MAX_SIZE);

      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_TOO_LARGE,
                   _("The PDF is too large (%s; the limit is %s)."), actual, limit);
      return FALSE;
    }
  buf->capacity = (gsize) size + INCREMENT_SLACK;
  buf->data = g_malloc (buf->capacity);
  /* One byte more than announced tells a file that grew meanwhile. */
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf->data, (gsize) size + 1, &got, NULL, &local))
    {
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_IO,
                   _("Cannot read “%s”: %s"), path, local->message);
      return FALSE;
    }
  if (got != (gsize) size)
    {
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_IO,
                   _("“%s” changed while it was being read."), path);
      return FALSE;
    }
  buf->len = got;
  return TRUE;
}

gboolean
sintesi_pades_sign_file (const char                    *input_path,
                         const char                    *output_path,
                         gnutls_privkey_t               key,
                         gnutls_x509_crt_t const       *chain,
                         guint                          chain_length,
                         const SintesiPadesSignOptions *options,
                         SintesiPadesState             *out_input_state,
                         GError                       **error)
{
  g_auto(PadesBuffer) buf = { NULL, 0, 0 };
  g_autoptr(GError) local = NULL;
  g_autoptr(GFile) input = NULL;
  g_autoptr(GFile) output = NULL;
  SintesiPadesState state = SINTESI_PADES_STATE_UNSIGNED;

  g_return_val_if_fail (input_path != NULL && output_path != NULL, FALSE);

  if (!read_document (input_path, &buf, error) ||
      !sign_or_check (&buf, key, chain, chain_length, options, &state, error))
    return FALSE;
  if (out_input_state != NULL)
    *out_input_state = state;

  input = g_file_new_for_path (input_path);
  output = g_file_new_for_path (output_path);
  if (state == SINTESI_PADES_STATE_SIGNED && g_file_equal (input, output))
    return TRUE;
  /* Private: the document carries a patient's health data. */
  if (!sintesi_write_file_atomic (output_path, (const char *) buf.data, buf.len, 0600, &local))
    {
      g_set_error (error, SINTESI_PADES_ERROR, SINTESI_PADES_ERROR_IO,
                   _("Cannot save “%s”: %s"), output_path, local->message);
      return FALSE;
    }
  return TRUE;
}
