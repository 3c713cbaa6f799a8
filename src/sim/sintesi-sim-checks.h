/* sintesi-sim-checks.h: what the gateway checks, in its order
 *
 * Pure functions over a received request: each returns NULL when the request
 * passes, or the problem the real gateway would answer with (type, title,
 * instance, detail, HTTP status — gateway-contract §5 and §6.4).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sintesi-cda.h"
#include "sintesi-rules.h"

G_BEGIN_DECLS

typedef enum
{
  SINTESI_SIM_OP_CREATE,
  SINTESI_SIM_OP_REPLACE,
  SINTESI_SIM_OP_DELETE,
  SINTESI_SIM_OP_UPDATE,
  SINTESI_SIM_OP_STATUS,
} SintesiSimOperation;

typedef struct
{
  guint  http_status;
  char  *type;
  char  *title;
  char  *detail;
  char  *instance;
  gboolean with_workflow_id;   /* ValidationErrorResponseDTO: adds workflowInstanceId */
  guint    body_status;        /* `status` in the body when it differs (§6.2); 0: the HTTP one */
} SintesiSimProblem;

/* A decoded compact JWS. */
typedef struct
{
  JsonObject *header;
  JsonObject *claims;
  GBytes     *signed_part;   /* base64url(header) "." base64url(payload) */
  GBytes     *signature;
  GBytes     *x5c_der;       /* first x5c entry, decoded; NULL if absent/bad */
} SintesiSimToken;

SintesiSimProblem *sintesi_sim_problem_new   (guint        http_status,
                                              const char  *type,
                                              const char  *title,
                                              const char  *instance,
                                              const char  *detail_format,
                                              ...) G_GNUC_PRINTF (5, 6);
void               sintesi_sim_problem_free  (SintesiSimProblem *problem);
char              *sintesi_sim_problem_to_json (const SintesiSimProblem *problem,
                                                const char              *trace_id,
                                                const char              *workflow_instance_id);

/* An answer body: begun with traceID and spanID, members added by the
 * caller, then closed and written out. */
JsonBuilder       *sintesi_sim_answer_builder_new    (const char  *trace_id);
char              *sintesi_sim_answer_builder_finish (JsonBuilder *builder);

SintesiSimToken   *sintesi_sim_token_decode  (const char *compact);
void               sintesi_sim_token_free    (SintesiSimToken *token);

/* §5.0: what the frontier (GovWay/CART) checks on both tokens.
 * expected_aud NULL: any versioned https URL (the frontier's own check of
 * the exact value is then not rehearsed). */
SintesiSimProblem *sintesi_sim_check_frontier (const char *authorization,
                                               const char *signature_header,
                                               gboolean    needs_signature,
                                               const char *expected_aud,
                                               gint64      now);
/* §5.1 steps 1–4 (and their equivalents for replace/delete/update). */
SintesiSimProblem *sintesi_sim_check_signature_claims (const char          *signature_header,
                                                       SintesiSimOperation  operation);
/* §5.1 steps 5–8: requestBody fields per operation. */
SintesiSimProblem *sintesi_sim_check_request_body (const char          *json,
                                                   SintesiSimOperation  operation);
/* §5.1 step 8 / §5.2 step 1: the identificativoDoc shape. */
gboolean           sintesi_sim_is_valid_master_id (const char *id);
/* §5.1 step 9 (file present, %PDF) and step 19 (attachment_hash). */
SintesiSimProblem *sintesi_sim_check_file         (GBytes     *pdf,
                                                   const char *signature_header);

SintesiSimProblem *sintesi_sim_check_attachment_hash (GBytes     *pdf,
                                                      const char *signature_header);

/* §5.1 step 11: a PAdES signature that verifies (Toscana needs it). */
SintesiSimProblem *sintesi_sim_check_signature_of_pdf (GBytes *pdf);
/* §5.1 steps 13–14: resource_hl7_type and person_id against the CDA. */
SintesiSimProblem *sintesi_sim_check_cda_against_token (const SintesiCda    *cda,
                                                        const char          *signature_header,
                                                        SintesiSimOperation  operation);
/* §5.1 step 16: the validator (package may be NULL: built-in checks only).
 * Non-blocking schematron reports come back in *out_warning. */
SintesiSimProblem *sintesi_sim_check_validation (const SintesiCda    *cda,
                                                 SintesiRulesPackage *package,
                                                 char               **out_warning);
/* §5.1 step 20: identificativoRep's shape and region. */
SintesiSimProblem *sintesi_sim_check_repository_id (const char *request_body_json);

SintesiSimOperation sintesi_sim_operation_from_string (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSimProblem, sintesi_sim_problem_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSimToken, sintesi_sim_token_free)

G_END_DECLS
