/* sintesi-registry.c: the accredited-software registry (decisions D15) */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-paths.h"
#include "sintesi-registry.h"

G_DEFINE_QUARK (sintesi-registry-error-quark, sintesi_registry_error)

/* Columns, by header name (certificates-and-accreditation §3.1). */
typedef enum
{
  COLUMN_VENDOR,
  COLUMN_VENDOR_EQUIVALENTS,
  COLUMN_APPLICATION,
  COLUMN_VERSION,
  COLUMN_VERSION_EQUIVALENTS,
  COLUMN_DOCUMENT_TYPES,
  COLUMN_SERVICE,
  COLUMN_VALIDATION_DATE,
  COLUMN_GATEWAY_VERSION,
  N_COLUMNS
} Column;

static const struct
{
  const char *header;
  gboolean    required;
} columns[N_COLUMNS] = {
  [COLUMN_VENDOR] = { "Fornitore", TRUE },
  /* Added 2025-03 and 2023-06: older snapshots lack them. */
  [COLUMN_VENDOR_EQUIVALENTS] = { "Nomi fornitori equivalenti", FALSE },
  [COLUMN_APPLICATION] = { "Applicativo", TRUE },
  [COLUMN_VERSION] = { "Versione", TRUE },
  [COLUMN_VERSION_EQUIVALENTS] = { "Versioni Equivalenti", FALSE },
  [COLUMN_DOCUMENT_TYPES] = { "Tipo Documento", TRUE },
  [COLUMN_SERVICE] = { "Servizio", TRUE },
  [COLUMN_VALIDATION_DATE] = { "Data validazione", FALSE },
  [COLUMN_GATEWAY_VERSION] = { "Versione Gateway", FALSE },
};

struct _SintesiRegistry
{
  GObject    parent_instance;
  GPtrArray *rows;          /* SintesiRegistryRow */
  char      *sha256;
  char      *latest_validation_date;
};

G_DEFINE_FINAL_TYPE (SintesiRegistry, sintesi_registry, G_TYPE_OBJECT)

static void
row_free (SintesiRegistryRow *row)
{
  g_free (row->vendor);
  g_strfreev (row->vendor_equivalents);
  g_free (row->application);
  g_free (row->version);
  g_strfreev (row->version_equivalents);
  g_strfreev (row->document_types);
  g_free (row->service);
  g_free (row->validation_date);
  g_free (row->gateway_version);
  g_free (row);
}

static void
sintesi_registry_finalize (GObject *object)
{
  SintesiRegistry *self = SINTESI_REGISTRY (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->sha256);
  g_free (self->latest_validation_date);
  G_OBJECT_CLASS (sintesi_registry_parent_class)->finalize (object);
}

static void
sintesi_registry_class_init (SintesiRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_registry_finalize;
}

static void
sintesi_registry_init (SintesiRegistry *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
}

/* RFC 4180 reader */

typedef struct
{
  const char *p;
  const char *end;
  guint       line;
} CsvReader;

static gboolean
at_line_end (CsvReader *reader)
{
  return reader->p < reader->end &&
         (*reader->p == '\n' ||
          (*reader->p == '\r' && reader->p + 1 < reader->end && reader->p[1] == '\n'));
}

static void
skip_line_end (CsvReader *reader)
{
  if (*reader->p == '\r')
    reader->p++;
  reader->p++;
  reader->line++;
}

/* Reads one record into fields; FALSE with error on bad quoting. At the end
 * of the data, returns TRUE with fields left empty. */
static gboolean
read_record (CsvReader  *reader,
             GPtrArray  *fields,
             GError    **error)
{
  g_ptr_array_set_size (fields, 0);
  if (reader->p >= reader->end)
    return TRUE;

  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (reader->p < reader->end && *reader->p == '"')
        {
          guint opened_on = reader->line;

          reader->p++;
          for (;;)
            {
              if (reader->p >= reader->end)
                {
                  g_string_free (field, TRUE);
                  g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                               _("Line %u of the registry opens a quoted field that is never closed."),
                               opened_on);
                  return FALSE;
                }
              if (*reader->p == '"')
                {
                  if (reader->p + 1 < reader->end && reader->p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      reader->p += 2;
                      continue;
                    }
                  reader->p++;
                  break;
                }
              if (*reader->p == '\n')
                reader->line++;
              g_string_append_c (field, *reader->p++);
            }
          if (reader->p < reader->end && *reader->p != ',' && !at_line_end (reader))
            {
              g_string_free (field, TRUE);
              g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                           _("Line %u of the registry has text after the closing quote of a field."),
                           reader->line);
              return FALSE;
            }
        }
      else
        {
          while (reader->p < reader->end && *reader->p != ',' && !at_line_end (reader))
            {
              if (*reader->p == '"' || *reader->p == '\r' || *reader->p == '\n')
                {
                  g_string_free (field, TRUE);
                  g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                               *reader->p == '"'
                                 ? _("Line %u of the registry has a quote inside a field that does not begin with one.")
                                 : _("Line %u of the registry has a stray carriage return."),
                               reader->line);
                  return FALSE;
                }
              g_string_append_c (field, *reader->p++);
            }
        }

      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (reader->p < reader->end && *reader->p == ',')
        {
          reader->p++;
          continue;
        }
      if (reader->p < reader->end)
        skip_line_end (reader);
      return TRUE;
    }
}

/* "a, b,c" → {"a", "b", "c"}; blanks around items and empty items dropped. */
static char **
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  GPtrArray *items = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);

      if (*item != '\0')
        g_ptr_array_add (items, g_strdup (item));
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (items, FALSE);
}

static gboolean
is_blank_record (GPtrArray *fields)
{
  return fields->len == 1 && *(const char *) g_ptr_array_index (fields, 0) == '\0';
}

SintesiRegistry *
sintesi_registry_new_from_data (const char  *data,
                                gsize        length,
                                GError     **error)
{
  g_autoptr(SintesiRegistry) self = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  int index_of[N_COLUMNS];
  guint n_header;
  CsvReader reader;

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                           _("The registry file is not UTF-8 text."));
      return NULL;
    }

  self = g_object_new (SINTESI_TYPE_REGISTRY, NULL);
  self->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);

  reader.p = data;
  reader.end = data + length;
  reader.line = 1;
  /* A byte-order mark is not part of the first header name. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    reader.p += 3;

  if (!read_record (&reader, fields, error))
    return NULL;
  if (fields->len == 0 || is_blank_record (fields))
    {
      g_set_error_literal (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                           _("The registry file is empty."));
      return NULL;
    }
  n_header = fields->len;

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      index_of[c] = -1;
      for (guint i = 0; i < fields->len; i++)
        {
          g_autofree char *name = g_strstrip (g_strdup (g_ptr_array_index (fields, i)));

          if (g_ascii_strcasecmp (name, columns[c].header) == 0)
            {
              index_of[c] = (int) i;
              break;
            }
        }
      if (index_of[c] < 0 && columns[c].required)
        {
          g_autoptr(GString) found = g_string_new (NULL);

          for (guint i = 0; i < fields->len; i++)
            g_string_append_printf (found, "%s“%s”", i > 0 ? ", " : "",
                                    (const char *) g_ptr_array_index (fields, i));
          g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                       /* TRANSLATORS: %s is a column name, then the list of columns found */
                       _("The registry file has no “%s” column, so it is not the list of accredited software (its first line has: %s)."),
                       columns[c].header, found->str);
          return NULL;
        }
    }

  for (;;)
    {
      SintesiRegistryRow *row;
      guint line = reader.line;

      if (!read_record (&reader, fields, error))
        return NULL;
      if (fields->len == 0)
        break;
      if (is_blank_record (fields))
        continue;
      if (fields->len != n_header)
        {
          g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                       _("Line %u of the registry has %u fields, but its header has %u."),
                       line, fields->len, n_header);
          return NULL;
        }

#define FIELD(column) (index_of[column] >= 0 ? (const char *) g_ptr_array_index (fields, index_of[column]) : "")
      row = g_new0 (SintesiRegistryRow, 1);
      row->vendor = g_strdup (FIELD (COLUMN_VENDOR));
      row->vendor_equivalents = split_list (FIELD (COLUMN_VENDOR_EQUIVALENTS));
      row->application = g_strdup (FIELD (COLUMN_APPLICATION));
      row->version = g_strdup (FIELD (COLUMN_VERSION));
      row->version_equivalents = split_list (FIELD (COLUMN_VERSION_EQUIVALENTS));
      row->document_types = split_list (FIELD (COLUMN_DOCUMENT_TYPES));
      row->service = g_strdup (FIELD (COLUMN_SERVICE));
      row->validation_date = g_strdup (FIELD (COLUMN_VALIDATION_DATE));
      row->gateway_version = g_strdup (FIELD (COLUMN_GATEWAY_VERSION));
      row->line = line;
#undef FIELD
      /* ISO dates compare as text. */
      if (g_strcmp0 (row->validation_date, self->latest_validation_date) > 0)
        {
          g_free (self->latest_validation_date);
          self->latest_validation_date = g_strdup (row->validation_date);
        }
      g_ptr_array_add (self->rows, row);
    }

  if (self->rows->len == 0)
    {
      g_set_error_literal (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT,
                           _("The registry file has a header but no rows."));
      return NULL;
    }
  return g_steal_pointer (&self);
}

SintesiRegistry *
sintesi_registry_new_from_file (const char  *path,
                                GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FILE,
                   _("Cannot read the registry file: %s"), local_error->message);
      return NULL;
    }
  return sintesi_registry_new_from_data (contents, length, error);
}

guint
sintesi_registry_get_n_rows (SintesiRegistry *self)
{
  g_return_val_if_fail (SINTESI_IS_REGISTRY (self), 0);
  return self->rows->len;
}

const SintesiRegistryRow *
sintesi_registry_get_row (SintesiRegistry *self,
                          guint            index)
{
  g_return_val_if_fail (SINTESI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, index);
}

const char *
sintesi_registry_get_sha256 (SintesiRegistry *self)
{
  g_return_val_if_fail (SINTESI_IS_REGISTRY (self), NULL);
  return self->sha256;
}

const char *
sintesi_registry_get_latest_validation_date (SintesiRegistry *self)
{
  g_return_val_if_fail (SINTESI_IS_REGISTRY (self), NULL);
  return self->latest_validation_date;
}

static gboolean
row_is_for_pss (const SintesiRegistryRow *row)
{
  return g_strv_contains ((const char * const *) row->document_types, "PSS") &&
         strstr (row->service, "VALIDATION") != NULL;
}

guint
sintesi_registry_count_pss_rows (SintesiRegistry *self)
{
  guint count = 0;

  g_return_val_if_fail (SINTESI_IS_REGISTRY (self), 0);
  for (guint i = 0; i < self->rows->len; i++)
    if (row_is_for_pss (g_ptr_array_index (self->rows, i)))
      count++;
  return count;
}

/* Matching */

void
sintesi_registry_match_free (SintesiRegistryMatch *match)
{
  if (match == NULL)
    return;
  g_free (match->message);
  g_free (match);
}

/* The near-miss form: case-folded, _ as a blank, blanks collapsed, no
 * trailing dots (§3.2 step 4). */
static char *
normalize (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *out = g_string_new (NULL);
  gboolean pending_blank = FALSE;

  for (const char *p = folded; *p != '\0'; p++)
    {
      char c = *p == '_' ? ' ' : *p;

      if (g_ascii_isspace (c))
        {
          pending_blank = out->len > 0;
          continue;
        }
      if (pending_blank)
        g_string_append_c (out, ' ');
      pending_blank = FALSE;
      g_string_append_c (out, c);
    }
  while (out->len > 0 && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static gboolean
same_text (const char *a,
           const char *b,
           gboolean    normalized)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (!normalized)
    return strcmp (a, b) == 0;
  na = normalize (a);
  nb = normalize (b);
  return strcmp (na, nb) == 0;
}

typedef enum
{
  IN_SET_NO,
  IN_SET_MAIN,        /* equals the main value */
  IN_SET_EQUIVALENT,  /* equals one of the equivalents only */
} InSet;

static InSet
in_set (const char         *value,
        const char         *main_value,
        const char * const *equivalents,
        gboolean            normalized)
{
  if (same_text (main_value, value, normalized))
    return IN_SET_MAIN;
  for (guint i = 0; equivalents != NULL && equivalents[i] != NULL; i++)
    if (same_text (equivalents[i], value, normalized))
      return IN_SET_EQUIVALENT;
  return IN_SET_NO;
}

/* Is row a better pick than best? Direct matches beat equivalences, then the
 * most recent validation wins. */
static gboolean
better_row (const SintesiRegistryRow *row,
            int                        row_score,
            const SintesiRegistryRow *best,
            int                        best_score)
{
  if (best == NULL || row_score > best_score)
    return TRUE;
  if (row_score < best_score)
    return FALSE;
  return g_strcmp0 (row->validation_date, best->validation_date) > 0;
}

static char *
describe_row (const SintesiRegistryRow *row)
{
  /* TRANSLATORS: a row of the registry: application, vendor, version, line of the file, validation date */
  return g_strdup_printf (_("application “%s”, vendor “%s”, version “%s” (line %u, validated on %s)"),
                          row->application, row->vendor, row->version, row->line,
                          *row->validation_date ? row->validation_date : "?");
}

/* The strings that differ from row, as a translated list. */
static char *
describe_differences (const SintesiRegistryRow *row,
                      const char               *application_id,
                      const char               *vendor,
                      const char               *version)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (strcmp (row->application, application_id) != 0)
    g_ptr_array_add (parts, (gpointer) _("the application id"));
  if (in_set (vendor, row->vendor, (const char * const *) row->vendor_equivalents, FALSE) == IN_SET_NO)
    g_ptr_array_add (parts, (gpointer) _("the vendor"));
  if (in_set (version, row->version, (const char * const *) row->version_equivalents, FALSE) == IN_SET_NO)
    g_ptr_array_add (parts, (gpointer) _("the version"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

/* The numbers in a version string, in order: "V.2.10" → 2, 10. */
static GArray *
version_numbers (const char *version)
{
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (const char *p = version; *p != '\0';)
    {
      if (g_ascii_isdigit (*p))
        {
          char *end = NULL;
          guint64 value = g_ascii_strtoull (p, &end, 10);

          g_array_append_val (numbers, value);
          p = end;
        }
      else
        p++;
    }
  return numbers;
}

/* <0, 0, >0 as a is older, equal or newer than b; 0 also when either has
 * no numbers to compare. */
static int
compare_versions (const char *a,
                  const char *b)
{
  g_autoptr(GArray) na = version_numbers (a);
  g_autoptr(GArray) nb = version_numbers (b);

  if (na->len == 0 || nb->len == 0)
    return 0;
  for (guint i = 0; i < MAX (na->len, nb->len); i++)
    {
      guint64 x = i < na->len ? g_array_index (na, guint64, i) : 0;
      guint64 y = i < nb->len ? g_array_index (nb, guint64, i) : 0;

      if (x != y)
        return x < y ? -1 : 1;
    }
  return 0;
}

/* Accredited versions of this application and vendor, for the hint, and
 * the newest of them. */
static char *
list_pss_versions (SintesiRegistry  *self,
                   const char       *application_id,
                   const char       *vendor,
                   const char      **newest)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new ();

  for (guint i = 0; i < self->rows->len; i++)
    {
      const SintesiRegistryRow *row = g_ptr_array_index (self->rows, i);

      if (!row_is_for_pss (row) || strcmp (row->application, application_id) != 0 ||
          in_set (vendor, row->vendor, (const char * const *) row->vendor_equivalents, FALSE) == IN_SET_NO)
        continue;
      if (!g_ptr_array_find_with_equal_func (versions, row->version, g_str_equal, NULL))
        g_ptr_array_add (versions, row->version);
      for (guint k = 0; row->version_equivalents[k] != NULL; k++)
        if (!g_ptr_array_find_with_equal_func (versions, row->version_equivalents[k], g_str_equal, NULL))
          g_ptr_array_add (versions, row->version_equivalents[k]);
    }
  if (versions->len == 0)
    return NULL;
  *newest = g_ptr_array_index (versions, 0);
  for (guint i = 1; i < versions->len; i++)
    if (compare_versions (g_ptr_array_index (versions, i), *newest) > 0)
      *newest = g_ptr_array_index (versions, i);
  g_ptr_array_add (versions, NULL);
  return g_strjoinv (", ", (char **) versions->pdata);
}

SintesiRegistryMatch *
sintesi_registry_match (SintesiRegistry *self,
                        const char      *application_id,
                        const char      *vendor,
                        const char      *version)
{
  SintesiRegistryMatch *match;
  const SintesiRegistryRow *best = NULL;
  int best_score = -1;
  gboolean best_vendor_equivalent = FALSE, best_version_equivalent = FALSE;
  const SintesiRegistryRow *listed = NULL;

  g_return_val_if_fail (SINTESI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (application_id != NULL && vendor != NULL && version != NULL, NULL);

  match = g_new0 (SintesiRegistryMatch, 1);

  /* 1. Exact, case-sensitive, equivalents honoured. */
  for (guint i = 0; i < self->rows->len; i++)
    {
      const SintesiRegistryRow *row = g_ptr_array_index (self->rows, i);
      InSet vendor_in, version_in;
      int score;

      if (strcmp (row->application, application_id) != 0)
        continue;
      vendor_in = in_set (vendor, row->vendor, (const char * const *) row->vendor_equivalents, FALSE);
      version_in = in_set (version, row->version, (const char * const *) row->version_equivalents, FALSE);
      if (vendor_in == IN_SET_NO || version_in == IN_SET_NO)
        continue;
      if (!row_is_for_pss (row))
        {
          if (better_row (row, 0, listed, 0))
            listed = row;
          continue;
        }
      score = (vendor_in == IN_SET_MAIN) + (version_in == IN_SET_MAIN);
      if (better_row (row, score, best, best_score))
        {
          best = row;
          best_score = score;
          best_vendor_equivalent = vendor_in == IN_SET_EQUIVALENT;
          best_version_equivalent = version_in == IN_SET_EQUIVALENT;
        }
    }

  if (best != NULL)
    {
      GString *message = g_string_new (NULL);

      match->outcome = SINTESI_REGISTRY_ACCREDITED;
      match->row = best;
      match->vendor_equivalent = best_vendor_equivalent;
      match->version_equivalent = best_version_equivalent;
      g_string_append_printf (message,
                              _("“%s” by “%s”, version “%s”, is accredited for the patient summary (PSS), validated on %s."),
                              application_id, vendor, version,
                              *best->validation_date ? best->validation_date : "?");
      if (best_vendor_equivalent)
        {
          g_string_append_c (message, ' ');
          g_string_append_printf (message,
                                  _("The vendor name is accepted as an equivalent of “%s”."),
                                  best->vendor);
        }
      if (best_version_equivalent)
        {
          g_string_append_c (message, ' ');
          g_string_append_printf (message,
                                  _("The version is declared equivalent to the accredited version “%s”."),
                                  best->version);
        }
      match->message = g_string_free (message, FALSE);
      return match;
    }

  if (listed != NULL)
    {
      g_autofree char *types = g_strjoinv (",", listed->document_types);

      match->outcome = SINTESI_REGISTRY_NOT_FOR_PSS;
      match->row = listed;
      if (strstr (listed->service, "VALIDATION") == NULL)
        match->message = g_strdup_printf (_("“%s” by “%s”, version “%s”, is in the registry (line %u), but its service is “%s”, not VALIDATION."),
                                          application_id, vendor, version, listed->line, listed->service);
      else
        match->message = g_strdup_printf (_("“%s” by “%s”, version “%s”, is in the registry (line %u), but accredited for %s only, not for the patient summary (PSS)."),
                                          application_id, vendor, version, listed->line, types);
      return match;
    }

  /* 2. Near miss: equal once case, blanks, _ and trailing dots are ignored. */
  for (guint i = 0; i < self->rows->len; i++)
    {
      const SintesiRegistryRow *row = g_ptr_array_index (self->rows, i);

      if (!row_is_for_pss (row) ||
          !same_text (row->application, application_id, TRUE) ||
          in_set (vendor, row->vendor, (const char * const *) row->vendor_equivalents, TRUE) == IN_SET_NO ||
          in_set (version, row->version, (const char * const *) row->version_equivalents, TRUE) == IN_SET_NO)
        continue;
      if (better_row (row, 0, best, 0))
        best = row;
    }
  if (best != NULL)
    {
      g_autofree char *row_text = describe_row (best);
      g_autofree char *differences = describe_differences (best, application_id, vendor, version);

      match->outcome = SINTESI_REGISTRY_NEAR_MISS;
      match->row = best;
      match->message = g_strdup_printf (_("“%s” by “%s”, version “%s”, is not in the registry as written. The closest accredited row is %s: %s must match it character for character (capitals, blanks, underscores and dots included)."),
                                        application_id, vendor, version, row_text, differences);
      return match;
    }

  /* 3. Not accredited: point at the closest row, if any is close. */
  best_score = 0;
  for (guint i = 0; i < self->rows->len; i++)
    {
      const SintesiRegistryRow *row = g_ptr_array_index (self->rows, i);
      int score = 0;

      if (same_text (row->application, application_id, TRUE))
        score += 8;
      if (in_set (vendor, row->vendor, (const char * const *) row->vendor_equivalents, TRUE) != IN_SET_NO)
        score += 4;
      if (score == 0)
        continue;
      if (in_set (version, row->version, (const char * const *) row->version_equivalents, TRUE) != IN_SET_NO)
        score += 2;
      if (row_is_for_pss (row))
        score += 1;
      if (better_row (row, score, best, best_score))
        {
          best = row;
          best_score = score;
        }
    }

  match->outcome = SINTESI_REGISTRY_NOT_FOUND;
  match->row = best;
  if (best == NULL)
    {
      match->message = g_strdup_printf (_("“%s” by “%s”, version “%s”, is not accredited: no row of the registry has that application or that vendor."),
                                        application_id, vendor, version);
    }
  else
    {
      const char *newest = NULL;
      g_autofree char *versions = list_pss_versions (self, application_id, vendor, &newest);
      g_autofree char *row_text = describe_row (best);

      if (versions != NULL)
        {
          GString *message = g_string_new (NULL);

          g_string_append_printf (message,
                                  _("Version “%s” of “%s” by “%s” is not accredited for the patient summary (PSS); the accredited versions are: %s."),
                                  version, application_id, vendor, versions);
          /* §3.2 step 5: the usual cause, an update not yet declared. */
          if (compare_versions (version, newest) > 0)
            {
              g_string_append_c (message, ' ');
              g_string_append_printf (message,
                                      _("It is newer than the most recent accredited version, “%s”: a new version must be accredited, or declared equivalent, before it sends."),
                                      newest);
            }
          match->message = g_string_free (message, FALSE);
        }
      else
        match->message = g_strdup_printf (_("“%s” by “%s”, version “%s”, is not accredited for the patient summary (PSS). The closest row of the registry is %s."),
                                          application_id, vendor, version, row_text);
    }
  return match;
}

/* The installed copy */

char *
sintesi_registry_installed_path (void)
{
  return g_build_filename (sintesi_paths_get_data_dir (), "registry", "results.csv", NULL);
}

SintesiRegistry *
sintesi_registry_load_installed (GError **error)
{
  g_autofree char *path = sintesi_registry_installed_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error_literal (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_NOT_INSTALLED,
                           _("The list of accredited software (results.csv) has not been imported yet; download it from github.com/ministero-salute/it-fse-accreditati and import it."));
      return NULL;
    }
  return sintesi_registry_new_from_file (path, error);
}

SintesiRegistry *
sintesi_registry_import (const char  *path,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SintesiRegistry) registry = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FILE,
                   _("Cannot read the registry file: %s"), local_error->message);
      return NULL;
    }
  /* Nothing is replaced unless the new file is a registry we can use. */
  registry = sintesi_registry_new_from_data (contents, length, error);
  if (registry == NULL)
    return NULL;

  target = sintesi_registry_installed_path ();
  dir = g_path_get_dirname (target);
  if (!sintesi_paths_ensure_private_dir (dir, error) ||
      !sintesi_write_file_atomic (target, contents, (gssize) length, 0644, error))
    return NULL;
  return g_steal_pointer (&registry);
}
