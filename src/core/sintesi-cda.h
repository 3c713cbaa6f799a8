/* sintesi-cda.h: an HL7 CDA R2 document and the facts the rest of Sintesi needs
 *
 * Loading goes through sintesi-xml (no network, no DTD, size limit). A file
 * that is well-formed XML but not a CDA (root other than ClinicalDocument in
 * urn:hl7-org:v3) is refused with a sentence that says so.
 */
#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SINTESI_CDA_ERROR (sintesi_cda_error_quark ())

typedef enum
{
  SINTESI_CDA_ERROR_NOT_CDA,         /* well-formed XML, but not a ClinicalDocument */
  SINTESI_CDA_ERROR_MISSING,         /* a fact the caller asked for is absent */
  SINTESI_CDA_ERROR_ID_ROOT,         /* document id not in the Toscana domain (D11) */
} SintesiCdaError;

#define SINTESI_CDA_NAMESPACE        "urn:hl7-org:v3"
#define SINTESI_CDA_OID_CF           "2.16.840.1.113883.2.9.4.3.2"
#define SINTESI_CDA_OID_LOINC        "2.16.840.1.113883.6.1"
#define SINTESI_CDA_OID_PSS_TEMPLATE "2.16.840.1.113883.2.9.10.1.4.1.1"
/* D11: Regione Toscana (090) document identifiers. */
#define SINTESI_CDA_OID_DOCUMENT_ID_TOSCANA "2.16.840.1.113883.2.9.2.90.4.4"
#define SINTESI_CDA_PSS_LOINC        "60591-5"

/* An II (instance identifier); either member may be NULL when absent. */
typedef struct
{
  char *root;
  char *extension;
} SintesiCdaId;

typedef struct
{
  char *code;          /* section/code/@code */
  char *code_system;   /* section/code/@codeSystem */
  char *title;         /* section/title, whitespace trimmed */
  char *template_id;   /* first section/templateId/@root */
  guint n_entries;     /* number of section/entry children */
  gboolean has_text;   /* section/text present */
} SintesiCdaSection;

typedef struct
{
  xmlDoc        *doc;                   /* owned; the parsed document */

  SintesiCdaId   id;                    /* ClinicalDocument/id */
  SintesiCdaId   set_id;                /* ClinicalDocument/setId */
  char          *version_number;        /* versionNumber/@value, as written */
  char          *effective_time;        /* effectiveTime/@value */
  char          *code;                  /* ClinicalDocument/code/@code */
  char          *code_system;
  char          *code_display_name;
  char          *title;
  char          *realm_code;
  char          *type_id_root;
  char          *type_id_extension;
  GPtrArray     *template_ids;          /* SintesiCdaId*, document order */
  char          *confidentiality_code;
  char          *language_code;

  /* The first <code> element of the document in document order: what the
   * gateway builds resource_hl7_type from (gateway-contract §4). */
  char          *first_code;
  char          *first_code_system;

  char          *patient_id_root;       /* first patientRole/id */
  char          *patient_id_extension;
  char          *patient_cf;            /* patientRole/id with the CF root, or NULL */
  char          *patient_given;
  char          *patient_family;
  char          *patient_sex;           /* administrativeGenderCode/@code */
  char          *patient_birth_time;

  char          *author_cf;             /* author/assignedAuthor/id with the CF root */
  char          *author_given;
  char          *author_family;
  char          *legal_authenticator_cf;
  char          *legal_authenticator_given;
  char          *legal_authenticator_family;
  char          *legal_authenticator_signature_code;

  SintesiCdaId   custodian_id;
  char          *custodian_name;

  GPtrArray     *sections;              /* SintesiCdaSection*, document order */
} SintesiCda;

GQuark       sintesi_cda_error_quark      (void);

/* Loads and reads a CDA; max_size 0 means SINTESI_XML_DEFAULT_MAX_SIZE. */
SintesiCda  *sintesi_cda_load_file        (const char   *path,
                                           gsize         max_size,
                                           GError      **error);
SintesiCda  *sintesi_cda_load_bytes       (GBytes       *bytes,
                                           const char   *name,
                                           gsize         max_size,
                                           GError      **error);
/* Takes ownership of doc, also on failure. */
SintesiCda  *sintesi_cda_new_from_doc     (xmlDoc       *doc,
                                           const char   *name,
                                           GError      **error);
void         sintesi_cda_free             (SintesiCda   *cda);

/* The section with that LOINC (or PSSIT99) code, or NULL. */
const SintesiCdaSection *
             sintesi_cda_find_section     (const SintesiCda *cda,
                                           const char       *code);

/* JWT person_id: "<CF>^^^&2.16.840.1.113883.2.9.4.3.2&ISO". */
char        *sintesi_cda_person_id        (const SintesiCda  *cda,
                                           GError           **error);
/* JWT resource_hl7_type: "('60591-5^^2.16.840.1.113883.6.1')", from the first
 * <code> element of the document. */
char        *sintesi_cda_resource_hl7_type (const SintesiCda  *cda,
                                            GError           **error);
/* identificativoDoc per D11: root^extension, only for the Toscana root. */
char        *sintesi_cda_identificativo_doc (const SintesiCda  *cda,
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiCda, sintesi_cda_free)

G_END_DECLS
