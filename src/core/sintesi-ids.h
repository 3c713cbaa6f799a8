/* sintesi-ids.h: identificativoDoc, identificativoRep, identificativoSottomissione
 *
 * Shapes fixed by decisions D11 and D12 (regional specification §15):
 *   identificativoDoc  2.16.840.1.113883.2.9.2.90.4.4^090<azienda>.PSS.<repository>.<SOLUTION><progressive>
 *   identificativoRep  2.16.840.1.113883.2.9.2.90.4.5.<repository>
 *   identificativoSottomissione  2.16.840.1.113883.2.9.2.90.4.3.<digits>
 * The progressive is allocated by the journal; these functions only format
 * and check.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SINTESI_IDS_ERROR (sintesi_ids_error_quark ())

typedef enum
{
  SINTESI_IDS_ERROR_AZIENDA,       /* not 3 digits */
  SINTESI_IDS_ERROR_REPOSITORY,    /* not 3 digits */
  SINTESI_IDS_ERROR_SOLUTION,      /* not [A-Z0-9]+ */
  SINTESI_IDS_ERROR_PROGRESSIVE,   /* zero, or not the digits after the solution */
  SINTESI_IDS_ERROR_ROOT,          /* an OID root other than the regional one */
  SINTESI_IDS_ERROR_MALFORMED,     /* the text does not have the expected shape */
  SINTESI_IDS_ERROR_ENCODING,      /* a bad percent-escape */
} SintesiIdsError;

/* Toscana's regional code (Tabella organizzazione), as used in D11. */
#define SINTESI_REGION_CODE            "090"
#define SINTESI_DOCUMENT_ID_ROOT       "2.16.840.1.113883.2.9.2.90.4.4"
#define SINTESI_REPOSITORY_ID_PREFIX   "2.16.840.1.113883.2.9.2.90.4.5."
#define SINTESI_SUBMISSION_ID_PREFIX   "2.16.840.1.113883.2.9.2.90.4.3."
#define SINTESI_DEFAULT_AZIENDA        "201"
#define SINTESI_DEFAULT_REPOSITORY     "201"

typedef struct
{
  char     *root;            /* always SINTESI_DOCUMENT_ID_ROOT once parsed */
  char     *extension;       /* everything after the ^ */
  /* Filled when the extension has the shape Sintesi builds (D11): */
  gboolean  sintesi_shape;
  char      azienda[4];
  char      repository[4];
  char     *solution_and_progressive;  /* e.g. "SINTESI18881699" */
  /* Filled when parsing was given the solution name: */
  guint64   progressive;
} SintesiDocumentId;

GQuark    sintesi_ids_error_quark         (void);

/* The parts a profile provides; each error names the field. */
gboolean  sintesi_ids_validate_azienda    (const char  *azienda,
                                           GError     **error);
gboolean  sintesi_ids_validate_repository (const char  *repository,
                                           GError     **error);
gboolean  sintesi_ids_validate_solution   (const char  *solution,
                                           GError     **error);

/* identificativoDoc for a document Sintesi builds (progressive >= 1). */
char     *sintesi_ids_format_document_id  (const char  *azienda,
                                           const char  *repository,
                                           const char  *solution,
                                           guint64      progressive,
                                           GError     **error);
/* The same without the progressive: what the journal appends it to. */
char     *sintesi_ids_document_id_prefix  (const char  *azienda,
                                           const char  *repository,
                                           const char  *solution,
                                           GError     **error);
/* Checks an identificativoDoc: the regional root, one ^, a non-empty
 * extension without blanks. When solution is not NULL the extension must also
 * be Sintesi's shape for that solution, and out->progressive is set. */
gboolean  sintesi_ids_parse_document_id   (const char         *document_id,
                                           const char         *solution,
                                           SintesiDocumentId  *out,
                                           GError            **error);
void      sintesi_document_id_clear       (SintesiDocumentId  *id);

/* D11: a CDA imported from elsewhere keeps its ClinicalDocument/id, which
 * must have the regional root; any other root is refused, with the reason. */
char     *sintesi_ids_document_id_from_cda_id (const char  *root,
                                               const char  *extension,
                                               GError     **error);

/* identificativoRep and its repository code. */
char     *sintesi_ids_format_repository_id (const char  *repository,
                                            GError     **error);
char     *sintesi_ids_parse_repository_id  (const char  *repository_id,
                                            GError     **error);

/* identificativoSottomissione: the prefix plus one numeric OID arc. */
char     *sintesi_ids_format_submission_id   (guint64      suffix);
gboolean  sintesi_ids_validate_submission_id (const char  *submission_id,
                                              GError     **error);

/* RFC 3986 path segment: unreserved characters kept, every other byte %XX
 * (so ^ becomes %5E). */
char     *sintesi_ids_percent_encode_segment (const char  *text);
char     *sintesi_ids_percent_decode_segment (const char  *segment,
                                              GError     **error);
/* "documents/<encoded id>", relative to the gateway base URL (D6). */
char     *sintesi_ids_document_path          (const char  *document_id);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SintesiDocumentId, sintesi_document_id_clear)

G_END_DECLS
