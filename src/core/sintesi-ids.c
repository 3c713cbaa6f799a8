/* sintesi-ids.c: identificativoDoc, identificativoRep, identificativoSottomissione */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-ids.h"

G_DEFINE_QUARK (sintesi-ids-error-quark, sintesi_ids_error)

/* requestBody limits (gateway-contract §3). */
#define DOCUMENT_ID_MAX    256
#define SUBMISSION_ID_MAX  100

static gboolean
all_digits (const char *text,
            gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
three_digits (const char *text)
{
  return text != NULL && strlen (text) == 3 && all_digits (text, 3);
}

gboolean
sintesi_ids_validate_azienda (const char  *azienda,
                              GError     **error)
{
  if (three_digits (azienda))
    return TRUE;
  g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_AZIENDA,
               /* TRANSLATORS: %s is the value typed */
               _("The azienda code must be exactly 3 digits (201 for most physicians in Toscana), not “%s”."),
               azienda ? azienda : "");
  return FALSE;
}

gboolean
sintesi_ids_validate_repository (const char  *repository,
                                 GError     **error)
{
  if (three_digits (repository))
    return TRUE;
  g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_REPOSITORY,
               _("The repository code must be exactly 3 digits (201 by default), not “%s”."),
               repository ? repository : "");
  return FALSE;
}

gboolean
sintesi_ids_validate_solution (const char  *solution,
                               GError     **error)
{
  if (solution == NULL || *solution == '\0')
    {
      g_set_error_literal (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_SOLUTION,
                           _("The solution name is empty; it must be capital letters and digits, such as SINTESI."));
      return FALSE;
    }
  for (const char *p = solution; *p != '\0'; p++)
    {
      if (!((*p >= 'A' && *p <= 'Z') || g_ascii_isdigit (*p)))
        {
          g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_SOLUTION,
                       _("The solution name “%s” may contain only capital letters A–Z and digits 0–9."),
                       solution);
          return FALSE;
        }
    }
  return TRUE;
}

char *
sintesi_ids_format_document_id (const char  *azienda,
                                const char  *repository,
                                const char  *solution,
                                guint64      progressive,
                                GError     **error)
{
  if (!sintesi_ids_validate_azienda (azienda, error) ||
      !sintesi_ids_validate_repository (repository, error) ||
      !sintesi_ids_validate_solution (solution, error))
    return NULL;
  if (progressive == 0)
    {
      g_set_error_literal (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_PROGRESSIVE,
                           _("The document progressive must be 1 or more."));
      return NULL;
    }
  return g_strdup_printf (SINTESI_DOCUMENT_ID_ROOT "^" SINTESI_REGION_CODE "%s.PSS.%s.%s%" G_GUINT64_FORMAT,
                          azienda, repository, solution, progressive);
}

char *
sintesi_ids_document_id_prefix (const char  *azienda,
                                const char  *repository,
                                const char  *solution,
                                GError     **error)
{
  if (!sintesi_ids_validate_azienda (azienda, error) ||
      !sintesi_ids_validate_repository (repository, error) ||
      !sintesi_ids_validate_solution (solution, error))
    return NULL;
  return g_strdup_printf (SINTESI_DOCUMENT_ID_ROOT "^" SINTESI_REGION_CODE "%s.PSS.%s.%s",
                          azienda, repository, solution);
}

void
sintesi_document_id_clear (SintesiDocumentId *id)
{
  g_clear_pointer (&id->root, g_free);
  g_clear_pointer (&id->extension, g_free);
  g_clear_pointer (&id->solution_and_progressive, g_free);
  memset (id, 0, sizeof *id);
}

/* HL7 v2 delimiters would break the XDS uniqueId; blanks are never in one. */
static gboolean
extension_char_allowed (char c)
{
  return c > ' ' && c < 0x7f && strchr ("^&|~\\", c) == NULL;
}

/* 090<azienda>.PSS.<repository>.<[A-Z0-9]+> */
static gboolean
match_sintesi_shape (const char        *extension,
                     SintesiDocumentId *out)
{
  gsize length = strlen (extension);
  const char *tail;

  if (length < 16 ||
      strncmp (extension, SINTESI_REGION_CODE, 3) != 0 ||
      !all_digits (extension + 3, 3) ||
      strncmp (extension + 6, ".PSS.", 5) != 0 ||
      !all_digits (extension + 11, 3) ||
      extension[14] != '.')
    return FALSE;
  tail = extension + 15;
  if (!sintesi_ids_validate_solution (tail, NULL))
    return FALSE;

  out->sintesi_shape = TRUE;
  memcpy (out->azienda, extension + 3, 3);
  out->azienda[3] = '\0';
  memcpy (out->repository, extension + 11, 3);
  out->repository[3] = '\0';
  out->solution_and_progressive = g_strdup (tail);
  return TRUE;
}

gboolean
sintesi_ids_parse_document_id (const char         *document_id,
                               const char         *solution,
                               SintesiDocumentId  *out,
                               GError            **error)
{
  g_auto(SintesiDocumentId) parsed = { 0 };
  const char *caret;

  if (document_id == NULL || *document_id == '\0')
    {
      g_set_error_literal (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                           _("The document id is empty."));
      return FALSE;
    }
  if (strlen (document_id) > DOCUMENT_ID_MAX)
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The document id is longer than the %d characters the gateway accepts."),
                   DOCUMENT_ID_MAX);
      return FALSE;
    }
  caret = strchr (document_id, '^');
  if (caret == NULL)
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The document id “%s” lacks the ^ that separates the OID root from the extension."),
                   document_id);
      return FALSE;
    }
  parsed.root = g_strndup (document_id, (gsize) (caret - document_id));
  parsed.extension = g_strdup (caret + 1);

  if (strcmp (parsed.root, SINTESI_DOCUMENT_ID_ROOT) != 0)
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_ROOT,
                   _("The document id “%s” has the OID root “%s”; Toscana’s FSE 2.0 accepts only regional document ids, whose root is %s."),
                   document_id, parsed.root, SINTESI_DOCUMENT_ID_ROOT);
      return FALSE;
    }
  if (parsed.extension[0] == '\0')
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The document id “%s” has nothing after the ^."),
                   document_id);
      return FALSE;
    }
  for (const char *p = parsed.extension; *p != '\0'; p++)
    {
      if (!extension_char_allowed (*p))
        {
          g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                       _("The document id “%s” contains a blank, a control character or one of ^ & | ~ \\ after the ^, which the gateway cannot carry."),
                       document_id);
          return FALSE;
        }
    }

  match_sintesi_shape (parsed.extension, &parsed);

  if (solution != NULL)
    {
      gsize solution_length = strlen (solution);
      const char *digits;
      guint64 value;

      if (!parsed.sintesi_shape ||
          strncmp (parsed.solution_and_progressive, solution, solution_length) != 0)
        {
          g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                       _("The document id “%s” does not have the shape 090<azienda>.PSS.<repository>.%s<progressive> after the ^."),
                       document_id, solution);
          return FALSE;
        }
      digits = parsed.solution_and_progressive + solution_length;
      if (!all_digits (digits, strlen (digits)) || digits[0] == '0' ||
          !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT64, &value, NULL))
        {
          g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_PROGRESSIVE,
                       _("The document id “%s” must end with the solution name %s followed by a progressive number (1 or more, no leading zeros)."),
                       document_id, solution);
          return FALSE;
        }
      parsed.progressive = value;
    }

  if (out != NULL)
    {
      *out = parsed;
      memset (&parsed, 0, sizeof parsed);
    }
  return TRUE;
}

char *
sintesi_ids_document_id_from_cda_id (const char  *root,
                                     const char  *extension,
                                     GError     **error)
{
  g_autofree char *document_id = NULL;

  if (root == NULL || *root == '\0')
    {
      g_set_error_literal (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                           _("The document’s ClinicalDocument/id has no root, so it cannot become a document id."));
      return NULL;
    }
  if (strcmp (root, SINTESI_DOCUMENT_ID_ROOT) != 0)
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_ROOT,
                   _("The document’s ClinicalDocument/id has the root “%s”. Toscana’s FSE 2.0 needs the regional root %s, because the id of the document becomes its identificativoDoc. Have the document rebuilt with that root, or let Sintesi build it."),
                   root, SINTESI_DOCUMENT_ID_ROOT);
      return NULL;
    }
  if (extension == NULL || *extension == '\0')
    {
      g_set_error_literal (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                           _("The document’s ClinicalDocument/id has no extension, so it cannot become a document id."));
      return NULL;
    }
  document_id = g_strconcat (root, "^", extension, NULL);
  if (!sintesi_ids_parse_document_id (document_id, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&document_id);
}

char *
sintesi_ids_format_repository_id (const char  *repository,
                                  GError     **error)
{
  if (!sintesi_ids_validate_repository (repository, error))
    return NULL;
  return g_strconcat (SINTESI_REPOSITORY_ID_PREFIX, repository, NULL);
}

char *
sintesi_ids_parse_repository_id (const char  *repository_id,
                                 GError     **error)
{
  const char *code;

  if (repository_id == NULL ||
      !g_str_has_prefix (repository_id, SINTESI_REPOSITORY_ID_PREFIX))
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The repository id “%s” does not start with %s."),
                   repository_id ? repository_id : "", SINTESI_REPOSITORY_ID_PREFIX);
      return NULL;
    }
  code = repository_id + strlen (SINTESI_REPOSITORY_ID_PREFIX);
  if (!sintesi_ids_validate_repository (code, error))
    return NULL;
  return g_strdup (code);
}

char *
sintesi_ids_format_submission_id (guint64 suffix)
{
  return g_strdup_printf (SINTESI_SUBMISSION_ID_PREFIX "%" G_GUINT64_FORMAT, suffix);
}

gboolean
sintesi_ids_validate_submission_id (const char  *submission_id,
                                    GError     **error)
{
  const char *arc;
  gsize length;

  if (submission_id == NULL ||
      !g_str_has_prefix (submission_id, SINTESI_SUBMISSION_ID_PREFIX))
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The submission id “%s” does not start with %s."),
                   submission_id ? submission_id : "", SINTESI_SUBMISSION_ID_PREFIX);
      return FALSE;
    }
  arc = submission_id + strlen (SINTESI_SUBMISSION_ID_PREFIX);
  length = strlen (arc);
  /* An OID arc is a number: digits, no leading zero. */
  if (!all_digits (arc, length) || (arc[0] == '0' && length > 1))
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The submission id “%s” must end with a number (digits only, no leading zeros) after %s."),
                   submission_id, SINTESI_SUBMISSION_ID_PREFIX);
      return FALSE;
    }
  if (strlen (submission_id) > SUBMISSION_ID_MAX)
    {
      g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED,
                   _("The submission id is longer than the %d characters the gateway accepts."),
                   SUBMISSION_ID_MAX);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

char *
sintesi_ids_percent_encode_segment (const char *text)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) * 3);
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (is_unreserved (*p))
        g_string_append_c (out, (char) *p);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 0xf]);
        }
    }
  return g_string_free (out, FALSE);
}

char *
sintesi_ids_percent_decode_segment (const char  *segment,
                                    GError     **error)
{
  GString *out;

  g_return_val_if_fail (segment != NULL, NULL);

  out = g_string_sized_new (strlen (segment));
  for (const char *p = segment; *p != '\0'; p++)
    {
      int high, low;

      if (*p != '%')
        {
          g_string_append_c (out, *p);
          continue;
        }
      high = g_ascii_xdigit_value (p[1]);
      low = high < 0 ? -1 : g_ascii_xdigit_value (p[2]);
      if (high < 0 || low < 0 || (high == 0 && low == 0))
        {
          g_set_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_ENCODING,
                       _("“%s” has a %% that is not followed by two hexadecimal digits of a character."),
                       segment);
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, (char) (high * 16 + low));
      p += 2;
    }
  return g_string_free (out, FALSE);
}

char *
sintesi_ids_document_path (const char *document_id)
{
  g_autofree char *encoded = sintesi_ids_percent_encode_segment (document_id);

  return g_strconcat ("documents/", encoded, NULL);
}
