/* sintesi-request-body.h: the requestBody of each operation (gateway-contract §3)
 *
 * The vocabulary the gateway's Java DTOs accept (field names per operation,
 * enum spellings) lives here once: the profile validates its defaults with
 * it, the builder writes bodies with it, and the simulator refuses with it.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sintesi-gateway.h"
#include "sintesi-profile.h"

G_BEGIN_DECLS

#define SINTESI_REQUEST_BODY_ERROR (sintesi_request_body_error_quark ())

typedef enum
{
  SINTESI_REQUEST_BODY_ERROR_UNKNOWN_FIELD,   /* not in the operation's schema */
  SINTESI_REQUEST_BODY_ERROR_FORBIDDEN_FIELD, /* in the schema, but never sent (D13) */
  SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE,
  SINTESI_REQUEST_BODY_ERROR_MISSING_FIELD,
  SINTESI_REQUEST_BODY_ERROR_NOT_JSON,
} SintesiRequestBodyError;

/* NULL-terminated, spelled like the Java enum constants. */
extern const char * const sintesi_health_data_formats[];
extern const char * const sintesi_modes[];
extern const char * const sintesi_tipologie_struttura[];
extern const char * const sintesi_tipi_documento_liv_alto[];
extern const char * const sintesi_tipi_attivita_clinica[];
extern const char * const sintesi_administrative_requests[];

GQuark    sintesi_request_body_error_quark   (void);

/* AD_PSC001 … AD_PSC999 */
gboolean  sintesi_is_assetto_organizzativo   (const char *value);
/* yyyyMMddHHmmss */
gboolean  sintesi_is_gateway_date            (const char *value);

/* TRUE when the DTO of this operation has the field: the gateway refuses
 * any other on create and replace (a plain ObjectMapper). */
gboolean  sintesi_request_body_field_known   (SintesiGatewayOperation  operation,
                                              const char              *field);

/* The body for a send: the profile's D13 defaults, the ids, then the
 * caller's overrides (a JSON object, may be NULL) for this send only.
 * Refuses fields the operation lacks, workflowInstanceId on create and
 * priorita on replace (D13), and values the gateway would refuse.
 * document_id is the new identificativoDoc (create, replace); NULL for the
 * metadata update, which carries no ids but identificativoSottomissione. */
char     *sintesi_request_body_build         (SintesiGatewayOperation  operation,
                                              SintesiProfile          *profile,
                                              const char              *document_id,
                                              const char              *submission_id,
                                              const char              *overrides_json,
                                              GError                 **error);

G_END_DECLS
