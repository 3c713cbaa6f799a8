/* sintesi-gateway.h: the HTTP client for the regional FSE 2.0 gateway
 *
 * One call = one SintesiGatewayRequest sent over mutual TLS (the A1
 * credential) with libcurl (GnuTLS). The answer is a SintesiGatewayResponse
 * whatever the HTTP status: a gateway error is an answer to keep (it carries
 * an X-CART-id), not a local failure. A GError means no usable answer arrived
 * (connection, TLS, timeout, cancelled): the caller must treat the outcome as
 * unknown, and nothing is ever resent automatically.
 *
 * This unit knows nothing of the journal: the caller records the request
 * before sending and the response after (decisions D19).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SINTESI_GATEWAY_ERROR (sintesi_gateway_error_quark ())

typedef enum
{
  SINTESI_GATEWAY_ERROR_INVALID_REQUEST,   /* caller error: missing part, bad URL */
  SINTESI_GATEWAY_ERROR_CONNECT,           /* refused, unreachable, DNS */
  SINTESI_GATEWAY_ERROR_TLS_SERVER,        /* server certificate not trusted */
  SINTESI_GATEWAY_ERROR_TLS_CLIENT,        /* our certificate/key unusable or refused */
  SINTESI_GATEWAY_ERROR_TIMEOUT,
  SINTESI_GATEWAY_ERROR_RESET,             /* connection closed mid-exchange */
  SINTESI_GATEWAY_ERROR_TRUNCATED,         /* answer shorter than announced */
  SINTESI_GATEWAY_ERROR_CANCELLED,
  SINTESI_GATEWAY_ERROR_FAILED,
} SintesiGatewayError;

typedef enum
{
  SINTESI_GATEWAY_CREATE,            /* POST documents/validate-and-create */
  SINTESI_GATEWAY_REPLACE,           /* PUT documents/{id} */
  SINTESI_GATEWAY_DELETE,            /* DELETE documents/{id} */
  SINTESI_GATEWAY_UPDATE_METADATA,   /* PUT documents/{id}/metadati */
  SINTESI_GATEWAY_STATUS,            /* GET status/{workflowInstanceId} */
  SINTESI_GATEWAY_STATUS_BY_TRACE,   /* GET status/search/{traceId} */
} SintesiGatewayOperation;

/* Who produced an error body: decides how much of it is meaningful. */
typedef enum
{
  SINTESI_GATEWAY_ERROR_SOURCE_NONE,
  SINTESI_GATEWAY_ERROR_SOURCE_GATEWAY,     /* problem+json with a /msg/… type */
  SINTESI_GATEWAY_ERROR_SOURCE_FRONTIER,    /* GovWay: govway.org type URL */
  SINTESI_GATEWAY_ERROR_SOURCE_MIDDLEWARE,  /* CART: [GTW-nnn] or mw/… */
  SINTESI_GATEWAY_ERROR_SOURCE_UNKNOWN,     /* not JSON, or an unknown shape */
} SintesiGatewayErrorSource;

typedef struct
{
  char   *base_url;          /* https://…/gateway/v2/ (a trailing / is added) */
  char   *client_cert;       /* PEM file: A1 certificate (+ chain), or pkcs11: URI */
  char   *client_key;        /* encrypted PKCS#8 PEM file, or pkcs11: URI */
  char   *client_key_secret; /* CURLOPT_KEYPASSWD (or the PIN); never logged */
  char   *ca_file;           /* extra server trust besides the system store */
  gboolean only_ca_file;     /* trust only ca_file (sandbox: our own CA) */
  guint   connect_timeout;   /* seconds; 0 = default 15 */
  guint   total_timeout;     /* seconds; 0 = default 120 */
  guint   stall_timeout;     /* seconds without a byte; 0 = default 30 */
} SintesiGatewayConfig;

typedef struct
{
  SintesiGatewayOperation  operation;
  char                    *document_id;       /* {id} for replace/delete/update */
  char                    *lookup_id;         /* workflowInstanceId or traceId */
  char                    *bearer_token;      /* Authorization: Bearer … */
  char                    *signature_token;   /* FSE-JWT-Signature (not for status) */
  char                    *request_body;      /* JSON: multipart field or body */
  GBytes                  *pdf;               /* create/replace: exact bytes sent */
  char                    *pdf_filename;      /* default "documento.pdf" */
} SintesiGatewayRequest;

typedef struct
{
  char *name;
  char *value;
} SintesiGatewayHeader;

typedef struct
{
  /* What went out (for the journal and support bundles). */
  char       *method;
  char       *url;
  char       *request_headers;      /* as sent, tokens included */

  /* What came back. */
  guint       http_status;
  char       *status_line;
  GPtrArray  *headers;              /* SintesiGatewayHeader*, in order */
  GBytes     *body;
  char       *content_type;
  char       *x_cart_id;            /* NULL when the answer had none (D7) */

  char       *trace_id;
  char       *span_id;
  char       *workflow_instance_id;
  char       *warning;              /* the gateway's own warning, NULL when empty */
  char       *middleware_warning;   /* after --middlewarewarning-- */

  gboolean    is_error;             /* HTTP status >= 400 */
  SintesiGatewayErrorSource error_source;
  char       *error_type;
  char       *error_title;
  char       *error_detail;
  char       *error_instance;
  int         error_body_status;    /* `status` in the body, 0 when absent */
  char       *error_code;           /* CART "[GTW-015]", if any */
  gboolean    body_malformed;       /* JSON announced but unreadable */

  JsonNode   *status_events;        /* status: transactionData array, or NULL */
  double      elapsed_seconds;

  /* Set when the exchange did not complete (timeout, reset, cut short,
   * cancelled, TLS refused): whatever did arrive (an X-CART-id, say) is
   * still above, and the outcome must be treated as unknown. */
  GError     *failure;
} SintesiGatewayResponse;

typedef void (*SintesiGatewayProgress) (guint64  sent,
                                        guint64  total,
                                        gpointer user_data);

GQuark       sintesi_gateway_error_quark          (void);

const char  *sintesi_gateway_operation_to_string  (SintesiGatewayOperation operation);
const char  *sintesi_gateway_operation_method     (SintesiGatewayOperation operation);
/* The full URL for a request: base + path, {id} percent-encoded
 * (sintesi_ids_percent_encode_segment: "^" becomes "%5E"). */
char        *sintesi_gateway_build_url            (const char                  *base_url,
                                                   const SintesiGatewayRequest *request,
                                                   GError                     **error);

SintesiGatewayResponse *
             sintesi_gateway_send                 (const SintesiGatewayConfig  *config,
                                                   const SintesiGatewayRequest *request,
                                                   SintesiGatewayProgress       progress,
                                                   gpointer                     progress_data,
                                                   GCancellable                *cancellable,
                                                   GError                     **error);

/* The same on a worker thread: the GUI never blocks. progress is called in
 * the thread-default main context of the caller. */
void         sintesi_gateway_send_async           (const SintesiGatewayConfig  *config,
                                                   const SintesiGatewayRequest *request,
                                                   SintesiGatewayProgress       progress,
                                                   gpointer                     progress_data,
                                                   GCancellable                *cancellable,
                                                   GAsyncReadyCallback          callback,
                                                   gpointer                     user_data);
SintesiGatewayResponse *
             sintesi_gateway_send_finish          (GAsyncResult  *result,
                                                   GError       **error);

/* Parses a response body into the parsed fields of response (exposed for the
 * journal, which re-reads stored answers, and for tests). */
void         sintesi_gateway_response_parse_body  (SintesiGatewayResponse *response);
const char  *sintesi_gateway_response_get_header  (SintesiGatewayResponse *response,
                                                   const char             *name);

SintesiGatewayConfig  *sintesi_gateway_config_copy   (const SintesiGatewayConfig  *config);
void                   sintesi_gateway_config_free   (SintesiGatewayConfig        *config);
SintesiGatewayRequest *sintesi_gateway_request_copy  (const SintesiGatewayRequest *request);
void                   sintesi_gateway_request_free  (SintesiGatewayRequest       *request);
void                   sintesi_gateway_response_free (SintesiGatewayResponse      *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiGatewayConfig, sintesi_gateway_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiGatewayRequest, sintesi_gateway_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiGatewayResponse, sintesi_gateway_response_free)

G_END_DECLS
