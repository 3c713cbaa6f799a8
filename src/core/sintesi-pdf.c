/* sintesi-pdf.c: cda.xml inside a PDF, and the signatures a PDF carries
 *
 * qpdf reads every PDF (its C object API) and writes the attachment; GnuTLS
 * verifies the CMS of each signature over the bytes its /ByteRange names.
 */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <glib/gi18n-lib.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#include "sintesi-paths.h"
#include "sintesi-pdf.h"
#include "sintesi-pdf-private.h"

G_DEFINE_QUARK (sintesi-pdf-error-quark, sintesi_pdf_error)

/* Bounds for walking structures an attacker may have made cyclic or deep. */
#define MAX_TREE_DEPTH   32
#define MAX_BER_DEPTH    64
#define TAIL_WINDOW      1024

void
sintesi_pdf_attachment_free (SintesiPdfAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->name);
  g_free (attachment->filename);
  g_free (attachment->mime_type);
  g_free (attachment->description);
  g_free (attachment);
}

void
sintesi_pdf_signature_free (SintesiPdfSignature *signature)
{
  if (signature == NULL)
    return;
  g_free (signature->field_name);
  g_free (signature->subfilter);
  g_clear_pointer (&signature->byte_range, g_array_unref);
  g_free (signature->signer_cn);
  g_free (signature->signing_time);
  g_free (signature->problem);
  g_clear_pointer (&signature->cms, g_bytes_unref);
  g_free (signature);
}

/* ---- opening ------------------------------------------------------------ */

typedef struct
{
  qpdf_data  q;
  GBytes    *bytes;   /* qpdf reads from this memory: keep it alive */
} Pdf;

static void
pdf_close (Pdf *pdf)
{
  if (pdf->q != NULL)
    qpdf_cleanup (&pdf->q);
  g_clear_pointer (&pdf->bytes, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pdf, pdf_close)

/* Moves qpdf's pending error, if any, into error. */
static gboolean
take_qpdf_error (qpdf_data    q,
                 GError     **error)
{
  qpdf_error qerror;
  const char *detail;

  if (!qpdf_has_error (q))
    return FALSE;
  qerror = qpdf_get_error (q);
  detail = qpdf_get_error_message_detail (q, qerror);
  g_set_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_DAMAGED,
               _("The PDF file is damaged and cannot be read (%s)."),
               detail != NULL && *detail != '\0' ? detail : qpdf_get_error_full_text (q, qerror));
  return TRUE;
}

/* memmem is neither C nor on Windows; PDF bytes hold NULs, so the string
 * functions would stop early. */
static const guint8 *
find_bytes (const void *haystack,
            gsize       length,
            const char *needle)
{
  gsize needle_length = strlen (needle);
  const guint8 *bytes = haystack;

  for (gsize i = 0; needle_length <= length && i <= length - needle_length; i++)
    if (bytes[i] == (guint8) needle[0] && memcmp (bytes + i, needle, needle_length) == 0)
      return bytes + i;
  return NULL;
}

static gboolean
pdf_open (Pdf     *pdf,
          GBytes  *bytes,
          GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  gsize head = MIN (size, TAIL_WINDOW);
  gsize tail = MIN (size, TAIL_WINDOW);

  memset (pdf, 0, sizeof *pdf);
  if (size < 8 || find_bytes (data, head, "%PDF-") == NULL)
    {
      g_set_error_literal (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_NOT_PDF,
                           _("The file is not a PDF document."));
      return FALSE;
    }
  /* qpdf would rebuild a cut file from what is left; a document that lost
   * its end is refused instead, with the likely reason. */
  if (find_bytes (data + size - tail, tail, "%%EOF") == NULL)
    {
      g_set_error_literal (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_TRUNCATED,
                           _("The PDF file is incomplete: it ends before its end-of-file marker, "
                             "so it was probably cut short while being copied or downloaded."));
      return FALSE;
    }

  pdf->bytes = g_bytes_ref (bytes);
  pdf->q = qpdf_init ();
  qpdf_silence_errors (pdf->q);
  qpdf_set_suppress_warnings (pdf->q, QPDF_TRUE);
  if ((qpdf_read_memory (pdf->q, "PDF", data, size, NULL) & QPDF_ERRORS) != 0)
    {
      take_qpdf_error (pdf->q, error);
      pdf_close (pdf);
      return FALSE;
    }
  if (qpdf_is_encrypted (pdf->q))
    {
      g_set_error_literal (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_ENCRYPTED,
                           _("The PDF is protected by a password, which Sintesi does not support."));
      pdf_close (pdf);
      return FALSE;
    }
  return TRUE;
}

/* ---- small qpdf helpers ------------------------------------------------- */

static qpdf_oh
dict_get (qpdf_data   q,
          qpdf_oh     dict,
          const char *key)
{
  if (dict == 0 || !qpdf_oh_is_dictionary (q, dict))
    return 0;
  return qpdf_oh_get_key (q, dict, key);
}

/* A string value as UTF-8 (PDFDocEncoding and UTF-16 decoded), or NULL. */
static char *
string_value (qpdf_data q,
              qpdf_oh   oh)
{
  const char *text;
  size_t length = 0;

  if (oh == 0 || !qpdf_oh_is_string (q, oh))
    return NULL;
  text = qpdf_oh_get_binary_utf8_value (q, oh, &length);
  if (text == NULL || !g_utf8_validate (text, length, NULL))
    return NULL;
  return g_strndup (text, length);
}

/* A name without its leading "/", or NULL. */
static char *
name_value (qpdf_data q,
            qpdf_oh   oh)
{
  const char *name;

  if (oh == 0 || !qpdf_oh_is_name (q, oh))
    return NULL;
  name = qpdf_oh_get_name (q, oh);
  return g_strdup (name[0] == '/' ? name + 1 : name);
}

static gboolean
seen_before (qpdf_data   q,
             qpdf_oh     oh,
             GHashTable *seen)
{
  int id = qpdf_oh_get_object_id (q, oh);

  if (id <= 0)
    return FALSE;
  if (g_hash_table_contains (seen, GINT_TO_POINTER (id)))
    return TRUE;
  g_hash_table_add (seen, GINT_TO_POINTER (id));
  return FALSE;
}

typedef struct
{
  qpdf_oh key;
  qpdf_oh value;
} NameEntry;

/* Collects the leaves of a name tree (both /Names and /Kids), depth first. */
static void
collect_name_tree (qpdf_data   q,
                   qpdf_oh     node,
                   int         depth,
                   GHashTable *seen,
                   GArray     *entries)
{
  qpdf_oh names, kids;

  if (depth > MAX_TREE_DEPTH || !qpdf_oh_is_dictionary (q, node) || seen_before (q, node, seen))
    return;
  names = qpdf_oh_get_key (q, node, "/Names");
  if (qpdf_oh_is_array (q, names))
    {
      int n = qpdf_oh_get_array_n_items (q, names);

      for (int i = 0; i + 1 < n; i += 2)
        {
          NameEntry entry = { qpdf_oh_get_array_item (q, names, i), qpdf_oh_get_array_item (q, names, i + 1) };

          if (qpdf_oh_is_string (q, entry.key))
            g_array_append_val (entries, entry);
        }
    }
  kids = qpdf_oh_get_key (q, node, "/Kids");
  if (qpdf_oh_is_array (q, kids))
    {
      int n = qpdf_oh_get_array_n_items (q, kids);

      for (int i = 0; i < n; i++)
        collect_name_tree (q, qpdf_oh_get_array_item (q, kids, i), depth + 1, seen, entries);
    }
}

static GArray *
embedded_file_entries (qpdf_data q)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (NameEntry));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  qpdf_oh tree = dict_get (q, dict_get (q, qpdf_get_root (q), "/Names"), "/EmbeddedFiles");

  if (tree != 0)
    collect_name_tree (q, tree, 0, seen, entries);
  return entries;
}

/* The embedded stream of a file specification, or 0: /EF /F, which the
 * gateway reads, else /EF /UF. */
static qpdf_oh
filespec_stream (qpdf_data q,
                 qpdf_oh   spec)
{
  qpdf_oh ef = dict_get (q, spec, "/EF");
  qpdf_oh stream = dict_get (q, ef, "/F");

  if (stream == 0 || !qpdf_oh_is_stream (q, stream))
    stream = dict_get (q, ef, "/UF");
  return stream != 0 && qpdf_oh_is_stream (q, stream) ? stream : 0;
}

static char *
filespec_filename (qpdf_data q,
                   qpdf_oh   spec)
{
  char *name = string_value (q, dict_get (q, spec, "/UF"));

  if (name == NULL)
    name = string_value (q, dict_get (q, spec, "/F"));
  return name;
}

static gboolean
entry_is_named (qpdf_data        q,
                const NameEntry *entry,
                const char      *name)
{
  g_autofree char *key = string_value (q, entry->key);
  g_autofree char *filename = filespec_filename (q, entry->value);

  return (key != NULL && g_ascii_strcasecmp (key, name) == 0) || g_strcmp0 (filename, name) == 0;
}

static GBytes *
stream_bytes (qpdf_data    q,
              qpdf_oh      stream,
              const char  *name,
              GError     **error)
{
  unsigned char *buffer = NULL;
  size_t length = 0;
  QPDF_BOOL filtered = QPDF_FALSE;
  GBytes *bytes;

  if ((qpdf_oh_get_stream_data (q, stream, qpdf_dl_generalized, &filtered, &buffer, &length) & QPDF_ERRORS) != 0)
    {
      free (buffer);
      take_qpdf_error (q, error);
      return NULL;
    }
  if (!filtered && qpdf_oh_has_key (q, qpdf_oh_get_dict (q, stream), "/Filter"))
    {
      free (buffer);
      g_set_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_DAMAGED,
                   _("The attachment “%s” is stored in a form that cannot be decoded."), name);
      return NULL;
    }
  bytes = g_bytes_new (buffer, length);
  free (buffer);
  return bytes;
}

/* ---- (b) reading attachments ------------------------------------------- */

GPtrArray *
sintesi_pdf_list_attachments (GBytes  *pdf_bytes,
                              GError **error)
{
  g_auto(Pdf) pdf = { 0 };
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (pdf_bytes != NULL, NULL);
  if (!pdf_open (&pdf, pdf_bytes, error))
    return NULL;

  entries = embedded_file_entries (pdf.q);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_pdf_attachment_free);
  for (guint i = 0; i < entries->len; i++)
    {
      NameEntry *entry = &g_array_index (entries, NameEntry, i);
      qpdf_oh stream = filespec_stream (pdf.q, entry->value);
      SintesiPdfAttachment *attachment;
      g_autoptr(GBytes) data = NULL;
      g_autofree char *key = string_value (pdf.q, entry->key);

      if (stream == 0)
        continue;
      data = stream_bytes (pdf.q, stream, key != NULL ? key : "", error);
      if (data == NULL)
        return NULL;
      attachment = g_new0 (SintesiPdfAttachment, 1);
      attachment->name = g_steal_pointer (&key);
      attachment->filename = filespec_filename (pdf.q, entry->value);
      attachment->mime_type = name_value (pdf.q, dict_get (pdf.q, qpdf_oh_get_dict (pdf.q, stream), "/Subtype"));
      attachment->description = string_value (pdf.q, dict_get (pdf.q, entry->value, "/Desc"));
      attachment->size = g_bytes_get_size (data);
      g_ptr_array_add (list, attachment);
    }
  if (take_qpdf_error (pdf.q, error))
    return NULL;
  return g_steal_pointer (&list);
}

GBytes *
sintesi_pdf_get_attachment (GBytes      *pdf_bytes,
                            const char  *name,
                            GError     **error)
{
  g_auto(Pdf) pdf = { 0 };
  g_autoptr(GArray) entries = NULL;

  g_return_val_if_fail (pdf_bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  if (!pdf_open (&pdf, pdf_bytes, error))
    return NULL;

  entries = embedded_file_entries (pdf.q);
  for (guint i = 0; i < entries->len; i++)
    {
      NameEntry *entry = &g_array_index (entries, NameEntry, i);
      qpdf_oh stream;

      if (!entry_is_named (pdf.q, entry, name))
        continue;
      stream = filespec_stream (pdf.q, entry->value);
      if (stream != 0)
        return stream_bytes (pdf.q, stream, name, error);
    }
  if (take_qpdf_error (pdf.q, error))
    return NULL;
  g_set_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_NO_ATTACHMENT,
               _("The PDF has no attachment named “%s”."), name);
  return NULL;
}

/* ---- the cda.xml the gateway reads ------------------------------------- */

/* A name-tree entry the gateway takes for the CDA: its key, lowercased,
 * or its /F file name (as written) is "cda.xml". */
static gboolean
gateway_entry_is_cda (qpdf_data q,
                      qpdf_oh   key,
                      qpdf_oh   spec)
{
  g_autofree char *key_text = string_value (q, key);
  g_autofree char *key_lower = key_text != NULL ? g_utf8_strdown (key_text, -1) : NULL;
  g_autofree char *filename = string_value (q, dict_get (q, spec, "/F"));

  if (!qpdf_oh_is_dictionary (q, spec))
    return FALSE;
  return g_strcmp0 (key_lower, SINTESI_PDF_CDA_NAME) == 0 ||
         g_strcmp0 (filename, SINTESI_PDF_CDA_NAME) == 0;
}

/* The file specification of the CDA in one /Names array, or 0. */
static qpdf_oh
gateway_find_in_names (qpdf_data q,
                       qpdf_oh   names)
{
  int n = qpdf_oh_get_array_n_items (q, names);

  for (int i = 0; i + 1 < n; i += 2)
    {
      qpdf_oh spec = qpdf_oh_get_array_item (q, names, i + 1);

      if (gateway_entry_is_cda (q, qpdf_oh_get_array_item (q, names, i), spec))
        return spec;
    }
  return 0;
}

GBytes *
sintesi_pdf_qpdf_get_cda (qpdf_data   q,
                          GError    **error)
{
  qpdf_oh tree = dict_get (q, dict_get (q, qpdf_get_root (q), "/Names"), "/EmbeddedFiles");
  qpdf_oh names = dict_get (q, tree, "/Names");
  qpdf_oh spec = 0, stream;

  /* The dispatcher reads the root /Names array or, only when it is
   * missing, the /Names of each first-level /Kids node; nothing deeper
   * (pss-document.md §1 item 2). */
  if (names != 0 && qpdf_oh_is_array (q, names))
    spec = gateway_find_in_names (q, names);
  else
    {
      qpdf_oh kids = dict_get (q, tree, "/Kids");
      int n = kids != 0 && qpdf_oh_is_array (q, kids) ? qpdf_oh_get_array_n_items (q, kids) : 0;

      for (int i = 0; i < n && spec == 0; i++)
        {
          names = dict_get (q, qpdf_oh_get_array_item (q, kids, i), "/Names");
          if (names != 0 && qpdf_oh_is_array (q, names))
            spec = gateway_find_in_names (q, names);
        }
    }
  stream = spec != 0 ? filespec_stream (q, spec) : 0;
  if (stream != 0)
    return stream_bytes (q, stream, SINTESI_PDF_CDA_NAME, error);
  if (take_qpdf_error (q, error))
    return NULL;
  g_set_error (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_NO_ATTACHMENT,
               _("The PDF has no attachment named “%s”."), SINTESI_PDF_CDA_NAME);
  return NULL;
}

GBytes *
sintesi_pdf_get_cda (GBytes  *pdf_bytes,
                     GError **error)
{
  g_auto(Pdf) pdf = { 0 };

  g_return_val_if_fail (pdf_bytes != NULL, NULL);
  if (!pdf_open (&pdf, pdf_bytes, error))
    return NULL;
  return sintesi_pdf_qpdf_get_cda (pdf.q, error);
}

/* ---- BER to DER --------------------------------------------------------- */

void
sintesi_pdf_der_append_length (GByteArray *out,
                               gsize       length)
{
  guint8 bytes[sizeof (gsize) + 1];
  int n = 0;

  if (length < 0x80)
    {
      guint8 b = (guint8) length;

      g_byte_array_append (out, &b, 1);
      return;
    }
  for (gsize rest = length; rest > 0; rest >>= 8)
    n++;
  bytes[0] = (guint8) (0x80 | n);
  for (int i = 0; i < n; i++)
    bytes[n - i] = (guint8) (length >> (8 * i));
  g_byte_array_append (out, bytes, n + 1);
}

gboolean
sintesi_pdf_asn1_read_header (const guint8 *data,
                              gsize         length,
                              gsize        *tag_length,
                              gsize        *header_length,
                              gsize        *content_length,
                              gboolean     *indefinite)
{
  gsize pos = 1, value = 0;
  guint8 length_byte;

  if (length < 2)
    return FALSE;
  if ((data[0] & 0x1f) == 0x1f)
    {
      do
        {
          if (pos >= length)
            return FALSE;
        }
      while (data[pos++] & 0x80);
    }
  if (tag_length != NULL)
    *tag_length = pos;
  if (pos >= length)
    return FALSE;
  length_byte = data[pos++];
  *indefinite = length_byte == 0x80;
  if (*indefinite)
    {
      /* Only constructed elements may have an indefinite length. */
      if ((data[0] & 0x20) == 0)
        return FALSE;
    }
  else if (length_byte & 0x80)
    {
      int n = length_byte & 0x7f;

      if (n > 4 || (gsize) n > length - pos)
        return FALSE;
      while (n-- > 0)
        value = (value << 8) | data[pos++];
    }
  else
    value = length_byte;
  if (value > length - pos)
    return FALSE;
  *header_length = pos;
  *content_length = value;
  return TRUE;
}

static gboolean
ber_fail (GError **error)
{
  g_set_error_literal (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA,
                       _("The signature data is not valid ASN.1."));
  return FALSE;
}

/* Converts one element; *consumed gets its BER length. */
static gboolean
ber_element (const guint8  *data,
             gsize          length,
             gsize         *consumed,
             GByteArray    *out,
             int            depth,
             GError       **error)
{
  g_autoptr(GByteArray) content = NULL;
  gsize pos, id_length, content_length;
  gboolean indefinite;

  if (depth > MAX_BER_DEPTH ||
      !sintesi_pdf_asn1_read_header (data, length, &id_length, &pos, &content_length, &indefinite))
    return ber_fail (error);

  content = g_byte_array_new ();
  if ((data[0] & 0x20) == 0)
    {
      g_byte_array_append (content, data + pos, content_length);
      pos += content_length;
    }
  else
    {
      gsize end = indefinite ? length : pos + content_length;

      for (;;)
        {
          gsize used = 0;

          if (indefinite && pos + 2 <= end && data[pos] == 0 && data[pos + 1] == 0)
            {
              pos += 2;
              break;
            }
          if (pos == end)
            {
              if (indefinite)
                return ber_fail (error);  /* no end-of-contents */
              break;
            }
          if (!ber_element (data + pos, end - pos, &used, content, depth + 1, error))
            return FALSE;
          pos += used;
        }
    }

  if (data[0] == 0x24)
    {
      /* A constructed OCTET STRING: DER wants one primitive string. Its
       * pieces are DER by now. */
      g_autoptr(GByteArray) joined = g_byte_array_new ();
      gsize at = 0;
      guint8 tag = 0x04;

      while (at < content->len)
        {
          gsize header, piece;
          gboolean piece_indefinite;

          if (content->data[at] != 0x04 ||
              !sintesi_pdf_asn1_read_header (content->data + at, content->len - at, NULL,
                                            &header, &piece, &piece_indefinite))
            return ber_fail (error);
          g_byte_array_append (joined, content->data + at + header, piece);
          at += header + piece;
        }
      g_byte_array_append (out, &tag, 1);
      sintesi_pdf_der_append_length (out, joined->len);
      g_byte_array_append (out, joined->data, joined->len);
    }
  else
    {
      g_byte_array_append (out, data, id_length);
      sintesi_pdf_der_append_length (out, content->len);
      g_byte_array_append (out, content->data, content->len);
    }
  *consumed = pos;
  return TRUE;
}

GBytes *
sintesi_pdf_ber_to_der (const guint8  *data,
                        gsize          length,
                        gsize         *consumed,
                        GError       **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize used = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  if (!ber_element (data, length, &used, out, 0, error))
    return NULL;
  if (consumed != NULL)
    *consumed = used;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ---- (c) reading signatures -------------------------------------------- */

static void
signature_field_clear (gpointer data)
{
  g_free (((SintesiPdfSignatureField *) data)->field_name);
}

/* Walks the AcroForm field tree; /FT is inheritable, names join with ".". */
static void
collect_signature_fields (qpdf_data   q,
                          qpdf_oh     field,
                          const char *parent_name,
                          const char *inherited_type,
                          int         depth,
                          GHashTable *seen,
                          GArray     *fields)
{
  g_autofree char *partial = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *type = NULL;
  qpdf_oh kids, value;

  if (depth > MAX_TREE_DEPTH || !qpdf_oh_is_dictionary (q, field) || seen_before (q, field, seen))
    return;
  partial = string_value (q, dict_get (q, field, "/T"));
  if (partial != NULL)
    full_name = parent_name != NULL ? g_strconcat (parent_name, ".", partial, NULL) : g_strdup (partial);
  else
    full_name = g_strdup (parent_name);
  type = name_value (q, dict_get (q, field, "/FT"));
  if (type == NULL)
    type = g_strdup (inherited_type);

  value = dict_get (q, field, "/V");
  if (g_strcmp0 (type, "Sig") == 0 && value != 0 && qpdf_oh_is_dictionary (q, value))
    {
      SintesiPdfSignatureField entry = { g_strdup (full_name), value };

      g_array_append_val (fields, entry);
    }
  kids = dict_get (q, field, "/Kids");
  if (kids != 0 && qpdf_oh_is_array (q, kids))
    {
      int n = qpdf_oh_get_array_n_items (q, kids);

      for (int i = 0; i < n; i++)
        collect_signature_fields (q, qpdf_oh_get_array_item (q, kids, i), full_name, type,
                                  depth + 1, seen, fields);
    }
}

GArray *
sintesi_pdf_qpdf_signature_fields (qpdf_data q)
{
  GArray *fields = g_array_new (FALSE, FALSE, sizeof (SintesiPdfSignatureField));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  qpdf_oh list = dict_get (q, dict_get (q, qpdf_get_root (q), "/AcroForm"), "/Fields");

  g_array_set_clear_func (fields, signature_field_clear);
  if (list != 0 && qpdf_oh_is_array (q, list))
    {
      int n = qpdf_oh_get_array_n_items (q, list);

      for (int i = 0; i < n; i++)
        collect_signature_fields (q, qpdf_oh_get_array_item (q, list, i), NULL, NULL, 0, seen, fields);
    }
  return fields;
}

/* "D:YYYYMMDDHHmmSS+HH'mm'" (every part after the year optional) as ISO 8601;
 * the text as is when it does not parse. */
static char *
pdf_date_to_iso8601 (const char *text)
{
  const char *p = text;
  int parts[6] = { 0, 1, 1, 0, 0, 0 };
  static const int widths[6] = { 4, 2, 2, 2, 2, 2 };
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) time = NULL;
  int offset = 0;

  if (g_str_has_prefix (p, "D:"))
    p += 2;
  for (int i = 0; i < 6; i++)
    {
      int value = 0;

      if (!g_ascii_isdigit (*p))
        {
          if (i == 0)
            return g_strdup (text);
          break;
        }
      for (int k = 0; k < widths[i]; k++, p++)
        {
          if (!g_ascii_isdigit (*p))
            return g_strdup (text);
          value = value * 10 + (*p - '0');
        }
      parts[i] = value;
    }
  if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      int hours = 0, minutes = 0;

      p++;
      if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]))
        {
          hours = (p[0] - '0') * 10 + (p[1] - '0');
          p += 2;
          if (*p == '\'')
            p++;
          if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]))
            minutes = (p[0] - '0') * 10 + (p[1] - '0');
        }
      offset = sign * (hours * 3600 + minutes * 60);
    }
  zone = g_time_zone_new_offset (offset);
  time = g_date_time_new (zone, parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
  if (time == NULL)
    return g_strdup (text);
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
}

/* [0 a b c] with b + c the file size and [a, b) exactly the hex string
 * <…> of /Contents: everything but the signature itself is signed. */
static gboolean
byte_range_covers_file (const GArray *range,
                        const guint8 *data,
                        gsize         size)
{
  gint64 a, b, c;

  if (range->len != 4 || g_array_index (range, gint64, 0) != 0)
    return FALSE;
  a = g_array_index (range, gint64, 1);
  b = g_array_index (range, gint64, 2);
  c = g_array_index (range, gint64, 3);
  if (a <= 0 || b <= a + 1 || c < 0 || (guint64) b + (guint64) c != size)
    return FALSE;
  if (data[a] != '<' || data[b - 1] != '>')
    return FALSE;
  for (gint64 i = a + 1; i < b - 1; i++)
    if (!g_ascii_isxdigit (data[i]) && !g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

/* The bytes the ByteRange names, or NULL when it is malformed. */
static GByteArray *
signed_bytes (const GArray *range,
              const guint8 *data,
              gsize         size)
{
  GByteArray *bytes;
  gint64 previous_end = 0;

  if (range->len < 2 || range->len % 2 != 0)
    return NULL;
  bytes = g_byte_array_new ();
  for (guint i = 0; i < range->len; i += 2)
    {
      gint64 start = g_array_index (range, gint64, i);
      gint64 length = g_array_index (range, gint64, i + 1);

      if (start < previous_end || length < 0 || (guint64) start > size || (guint64) length > size - (guint64) start)
        {
          g_byte_array_unref (bytes);
          return NULL;
        }
      g_byte_array_append (bytes, data + start, (guint) length);
      previous_end = start + length;
    }
  return bytes;
}

gnutls_x509_crt_t
sintesi_pdf_cms_find_signer (gnutls_pkcs7_t                        pkcs7,
                             const gnutls_pkcs7_signature_info_st *info)
{
  int count = gnutls_pkcs7_get_crt_count (pkcs7);

  for (int i = 0; i < count; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };
      gnutls_x509_crt_t crt = NULL;
      gboolean match = FALSE;

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, i, &raw) < 0)
        continue;
      if (gnutls_x509_crt_init (&crt) == 0 &&
          gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) == 0)
        {
          guint8 serial[64], key_id[64];
          size_t serial_size = sizeof serial, key_id_size = sizeof key_id;
          gnutls_datum_t issuer = { NULL, 0 };
          unsigned critical = 0;

          if (info->issuer_keyid.size > 0)
            match = gnutls_x509_crt_get_subject_key_id (crt, key_id, &key_id_size, &critical) == 0 &&
                    key_id_size == info->issuer_keyid.size &&
                    memcmp (key_id, info->issuer_keyid.data, key_id_size) == 0;
          else if (gnutls_x509_crt_get_serial (crt, serial, &serial_size) == 0 &&
                   gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) == 0)
            {
              match = serial_size == info->signer_serial.size &&
                      memcmp (serial, info->signer_serial.data, serial_size) == 0 &&
                      issuer.size == info->issuer_dn.size &&
                      memcmp (issuer.data, info->issuer_dn.data, issuer.size) == 0;
              gnutls_free (issuer.data);
            }
        }
      gnutls_free (raw.data);
      if (match)
        return crt;
      if (crt != NULL)
        gnutls_x509_crt_deinit (crt);
    }
  return NULL;
}

gnutls_pkcs7_t
sintesi_pdf_cms_import (const guint8  *contents,
                        gsize          length,
                        GBytes       **out_der,
                        gboolean      *out_ber_encoded,
                        int           *out_status)
{
  g_autoptr(GBytes) der = NULL;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_datum_t datum;
  gsize consumed = 0;
  int status;

  *out_der = NULL;
  *out_status = GNUTLS_E_ASN1_DER_ERROR;
  der = sintesi_pdf_ber_to_der (contents, length, &consumed, NULL);
  if (der == NULL)
    return NULL;
  if (out_ber_encoded != NULL)
    *out_ber_encoded = g_bytes_get_size (der) != consumed ||
                       memcmp (g_bytes_get_data (der, NULL), contents, consumed) != 0;
  datum.data = (unsigned char *) g_bytes_get_data (der, NULL);
  datum.size = (unsigned int) g_bytes_get_size (der);
  status = gnutls_pkcs7_init (&pkcs7);
  if (status >= 0)
    status = gnutls_pkcs7_import (pkcs7, &datum, GNUTLS_X509_FMT_DER);
  *out_status = status;
  *out_der = g_steal_pointer (&der);
  if (status < 0)
    {
      if (pkcs7 != NULL)
        gnutls_pkcs7_deinit (pkcs7);
      return NULL;
    }
  return pkcs7;
}

static char *
certificate_cn (gnutls_x509_crt_t crt)
{
  char buffer[512];
  size_t size = sizeof buffer;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buffer, &size) < 0)
    return NULL;
  return g_strndup (buffer, size);
}

/* Verifies the CMS of signature over signed; fills signer and CMS time. */
static void
verify_cms (SintesiPdfSignature *signature,
            const guint8        *contents,
            gsize                contents_length,
            GByteArray          *signed_data,
            char               **cms_signing_time)
{
  g_autoptr(GBytes) der = NULL;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_signature_info_st info;
  gnutls_x509_crt_t signer = NULL;
  gnutls_datum_t data_datum;
  int status;

  pkcs7 = sintesi_pdf_cms_import (contents, contents_length, &der, &signature->ber_encoded, &status);
  if (der == NULL)
    {
      signature->problem = g_strdup (_("The signature value cannot be read: it is not a CMS structure."));
      return;
    }
  signature->cms = g_bytes_ref (der);
  if (pkcs7 == NULL || gnutls_pkcs7_get_signature_count (pkcs7) < 1)
    {
      signature->problem = g_strdup_printf (_("The signature value cannot be read as a CMS signature (%s)."),
                                            status < 0 ? gnutls_strerror (status) : _("no signer"));
      if (pkcs7 != NULL)
        gnutls_pkcs7_deinit (pkcs7);
      return;
    }

  memset (&info, 0, sizeof info);
  status = gnutls_pkcs7_get_signature_info (pkcs7, 0, &info);
  if (status < 0)
    {
      signature->problem = g_strdup_printf (_("The signature value cannot be read as a CMS signature (%s)."),
                                            gnutls_strerror (status));
      gnutls_pkcs7_deinit (pkcs7);
      return;
    }
  if (info.signing_time != (time_t) -1)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (info.signing_time);

      if (time != NULL)
        *cms_signing_time = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
    }
  signer = sintesi_pdf_cms_find_signer (pkcs7, &info);
  gnutls_pkcs7_signature_info_deinit (&info);
  if (signer == NULL)
    {
      signature->problem = g_strdup (_("The signature does not contain the signer’s certificate."));
      gnutls_pkcs7_deinit (pkcs7);
      return;
    }
  signature->signer_cn = certificate_cn (signer);

  data_datum.data = signed_data->data;
  data_datum.size = signed_data->len;
  /* Integrity only, as the gateway checks it (pss-document.md §1 item 4):
   * an expired signer certificate still makes a valid signature. */
  status = gnutls_pkcs7_verify_direct (pkcs7, signer, 0, &data_datum,
                                       GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
  if (status == 0)
    signature->valid = TRUE;
  else if (status == GNUTLS_E_PK_SIG_VERIFY_FAILED)
    signature->problem = g_strdup (_("The signed part of the file was changed after signing: "
                                     "the signature no longer matches it."));
  else
    signature->problem = g_strdup_printf (_("The signature could not be verified (%s)."), gnutls_strerror (status));
  gnutls_x509_crt_deinit (signer);
  gnutls_pkcs7_deinit (pkcs7);
}

static SintesiPdfSignature *
read_signature (qpdf_data                       q,
                const SintesiPdfSignatureField *field,
                const guint8                   *data,
                gsize                           size)
{
  SintesiPdfSignature *signature = g_new0 (SintesiPdfSignature, 1);
  qpdf_oh range = dict_get (q, field->value, "/ByteRange");
  qpdf_oh contents = dict_get (q, field->value, "/Contents");
  g_autoptr(GByteArray) signed_data = NULL;
  g_autofree char *pdf_time = NULL;
  g_autofree char *cms_time = NULL;
  const char *contents_data = NULL;
  size_t contents_length = 0;

  signature->field_name = g_strdup (field->field_name);
  signature->subfilter = name_value (q, dict_get (q, field->value, "/SubFilter"));
  signature->byte_range = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (range != 0 && qpdf_oh_is_array (q, range))
    {
      int n = qpdf_oh_get_array_n_items (q, range);

      for (int i = 0; i < n; i++)
        {
          long long value = 0;

          if (!qpdf_oh_get_value_as_longlong (q, qpdf_oh_get_array_item (q, range, i), &value))
            value = -1;
          g_array_append_val (signature->byte_range, value);
        }
    }
  pdf_time = string_value (q, dict_get (q, field->value, "/M"));

  signed_data = signed_bytes (signature->byte_range, data, size);
  if (contents != 0 && qpdf_oh_is_string (q, contents))
    contents_data = qpdf_oh_get_binary_string_value (q, contents, &contents_length);

  if (signed_data == NULL)
    signature->problem = g_strdup (_("The signature’s byte range is malformed or lies outside the file."));
  else if (contents_data == NULL || contents_length == 0)
    signature->problem = g_strdup (_("The signature value (/Contents) is missing or empty."));
  else
    {
      signature->covers_whole_file = byte_range_covers_file (signature->byte_range, data, size);
      verify_cms (signature, (const guint8 *) contents_data, contents_length, signed_data, &cms_time);
    }

  signature->has_m_entry = pdf_time != NULL;
  if (pdf_time != NULL)
    signature->signing_time = pdf_date_to_iso8601 (pdf_time);
  else
    signature->signing_time = g_steal_pointer (&cms_time);
  return signature;
}

GPtrArray *
sintesi_pdf_get_signatures (GBytes  *pdf_bytes,
                            GError **error)
{
  g_auto(Pdf) pdf = { 0 };
  g_autoptr(GArray) fields = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (pdf_bytes != NULL, NULL);
  if (!pdf_open (&pdf, pdf_bytes, error))
    return NULL;
  data = g_bytes_get_data (pdf_bytes, &size);

  fields = sintesi_pdf_qpdf_signature_fields (pdf.q);
  signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_pdf_signature_free);
  for (guint i = 0; i < fields->len; i++)
    g_ptr_array_add (signatures, read_signature (pdf.q, &g_array_index (fields, SintesiPdfSignatureField, i), data, size));
  if (take_qpdf_error (pdf.q, error))
    return NULL;
  return g_steal_pointer (&signatures);
}

/* ---- (a) attaching ----------------------------------------------------- */

static char *
pdf_date_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "D:%Y%m%d%H%M%SZ");
}

static gint
compare_entry_keys (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  qpdf_data q = user_data;
  size_t length_a = 0, length_b = 0;
  const char *key_a = qpdf_oh_get_binary_string_value (q, ((const NameEntry *) a)->key, &length_a);
  g_autofree char *copy_a = g_strndup (key_a, length_a);
  const char *key_b = qpdf_oh_get_binary_string_value (q, ((const NameEntry *) b)->key, &length_b);
  int cmp = memcmp (copy_a, key_b, MIN (length_a, length_b));

  /* Name trees are sorted by the bytes of their keys. */
  if (cmp != 0)
    return cmp;
  return length_a < length_b ? -1 : length_a > length_b;
}

GBytes *
sintesi_pdf_attach_cda (GBytes  *pdf_bytes,
                        GBytes  *cda_xml,
                        GError **error)
{
  g_auto(Pdf) pdf = { 0 };
  g_autoptr(GArray) fields = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GChecksum) md5 = NULL;
  g_autofree char *now = pdf_date_now ();
  guint8 digest[16];
  gsize digest_length = sizeof digest;
  gsize cda_size;
  const guint8 *cda_data;
  qpdf_data q;
  qpdf_oh root, stream, stream_dict, params, ef, spec, names, tree, array, af, new_af;
  NameEntry cda_entry;

  g_return_val_if_fail (pdf_bytes != NULL, NULL);
  g_return_val_if_fail (cda_xml != NULL, NULL);

  cda_data = g_bytes_get_data (cda_xml, &cda_size);
  if (cda_size == 0)
    {
      g_set_error_literal (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_INVALID_DATA,
                           _("The CDA to attach is empty."));
      return NULL;
    }
  if (!pdf_open (&pdf, pdf_bytes, error))
    return NULL;
  q = pdf.q;

  /* qpdf rewrites the whole file, which would break any signature. */
  fields = sintesi_pdf_qpdf_signature_fields (q);
  if (fields->len > 0)
    {
      g_set_error_literal (error, SINTESI_PDF_ERROR, SINTESI_PDF_ERROR_SIGNED,
                           _("The PDF is already signed: attaching cda.xml now would rewrite it and "
                             "break the signature. Attach cda.xml before signing."));
      return NULL;
    }

  md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_checksum_update (md5, cda_data, cda_size);
  g_checksum_get_digest (md5, digest, &digest_length);

  root = qpdf_get_root (q);

  /* The embedded file stream: the bytes exactly as given; qpdf compresses
   * it with Flate on writing. */
  stream = qpdf_oh_new_stream (q);
  qpdf_oh_replace_stream_data (q, stream, cda_data, cda_size, qpdf_oh_new_null (q), qpdf_oh_new_null (q));
  stream_dict = qpdf_oh_get_dict (q, stream);
  qpdf_oh_replace_key (q, stream_dict, "/Type", qpdf_oh_new_name (q, "/EmbeddedFile"));
  qpdf_oh_replace_key (q, stream_dict, "/Subtype", qpdf_oh_new_name (q, "/application/xml"));
  params = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, params, "/Size", qpdf_oh_new_integer (q, (long long) cda_size));
  qpdf_oh_replace_key (q, params, "/CheckSum", qpdf_oh_new_binary_string (q, (const char *) digest, digest_length));
  qpdf_oh_replace_key (q, params, "/CreationDate", qpdf_oh_new_string (q, now));
  qpdf_oh_replace_key (q, params, "/ModDate", qpdf_oh_new_string (q, now));
  qpdf_oh_replace_key (q, stream_dict, "/Params", params);

  /* The file specification (PDF 32000 7.11.3), with the PDF/A-3 style
   * /AFRelationship: the CDA is the source of the pages. */
  ef = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, ef, "/F", stream);
  qpdf_oh_replace_key (q, ef, "/UF", stream);
  spec = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, spec, "/Type", qpdf_oh_new_name (q, "/Filespec"));
  qpdf_oh_replace_key (q, spec, "/F", qpdf_oh_new_string (q, SINTESI_PDF_CDA_NAME));
  qpdf_oh_replace_key (q, spec, "/UF", qpdf_oh_new_unicode_string (q, SINTESI_PDF_CDA_NAME));
  qpdf_oh_replace_key (q, spec, "/Desc", qpdf_oh_new_unicode_string (q, "HL7 CDA R2"));
  qpdf_oh_replace_key (q, spec, "/EF", ef);
  qpdf_oh_replace_key (q, spec, "/AFRelationship", qpdf_oh_new_name (q, "/Source"));
  spec = qpdf_make_indirect_object (q, spec);

  /* A flat /EmbeddedFiles tree: the gateway reads only the root /Names or
   * the first level of /Kids (pss-document.md §1 item 2). Other
   * attachments are kept, an older cda.xml is replaced. */
  names = dict_get (q, root, "/Names");
  if (names == 0 || !qpdf_oh_is_dictionary (q, names))
    {
      names = qpdf_oh_new_dictionary (q);
      qpdf_oh_replace_key (q, root, "/Names", names);
    }
  entries = embedded_file_entries (q);
  for (guint i = entries->len; i > 0; i--)
    if (entry_is_named (q, &g_array_index (entries, NameEntry, i - 1), SINTESI_PDF_CDA_NAME))
      g_array_remove_index (entries, i - 1);
  cda_entry.key = qpdf_oh_new_string (q, SINTESI_PDF_CDA_NAME);
  cda_entry.value = spec;
  g_array_append_val (entries, cda_entry);
  g_array_sort_with_data (entries, compare_entry_keys, q);
  array = qpdf_oh_new_array (q);
  for (guint i = 0; i < entries->len; i++)
    {
      qpdf_oh_append_item (q, array, g_array_index (entries, NameEntry, i).key);
      qpdf_oh_append_item (q, array, g_array_index (entries, NameEntry, i).value);
    }
  tree = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, tree, "/Names", array);
  qpdf_oh_replace_key (q, names, "/EmbeddedFiles", tree);

  /* Catalog /AF lists the associated files (PDF 2.0, PDF/A-3). */
  af = dict_get (q, root, "/AF");
  new_af = qpdf_oh_new_array (q);
  if (af != 0 && qpdf_oh_is_array (q, af))
    {
      int n = qpdf_oh_get_array_n_items (q, af);

      for (int i = 0; i < n; i++)
        {
          qpdf_oh item = qpdf_oh_get_array_item (q, af, i);
          g_autofree char *filename = filespec_filename (q, item);

          if (g_strcmp0 (filename, SINTESI_PDF_CDA_NAME) != 0)
            qpdf_oh_append_item (q, new_af, item);
        }
    }
  qpdf_oh_append_item (q, new_af, spec);
  qpdf_oh_replace_key (q, root, "/AF", new_af);

  if (take_qpdf_error (q, error))
    return NULL;

  /* Classic xref table, no object streams: the PAdES signer appends an
   * incremental update with a classic xref section after it. */
  if ((qpdf_init_write_memory (q) & QPDF_ERRORS) != 0)
    {
      take_qpdf_error (q, error);
      return NULL;
    }
  qpdf_set_object_stream_mode (q, qpdf_o_disable);
  qpdf_set_compress_streams (q, QPDF_TRUE);
  if ((qpdf_write (q) & QPDF_ERRORS) != 0)
    {
      take_qpdf_error (q, error);
      return NULL;
    }
  return g_bytes_new (qpdf_get_buffer (q), qpdf_get_buffer_length (q));
}

gboolean
sintesi_pdf_attach_cda_to_file (GBytes      *pdf_bytes,
                                GBytes      *cda_xml,
                                const char  *out_path,
                                GError     **error)
{
  g_autoptr(GBytes) out = sintesi_pdf_attach_cda (pdf_bytes, cda_xml, error);
  gsize size;
  const char *data;

  if (out == NULL)
    return FALSE;
  data = g_bytes_get_data (out, &size);
  return sintesi_write_file_atomic (out_path, data, size, 0644, error);
}
