/* sintesi-sim-server.h: a local FSE 2.0 gateway that checks like the real one
 *
 * Serves the Tuscan paths over HTTPS with required client certificates,
 * runs the checks of gateway-contract §5 in their order with the real error
 * type/title/instance/status, keeps a document store and a status event log,
 * adds an X-CART-id to every answer, and can inject faults. Used by the
 * tests, by `sintesi-gateway-sim`, and embedded by the sandbox environment.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SINTESI_SIM_ERROR (sintesi_sim_error_quark ())

typedef enum
{
  SINTESI_SIM_ERROR_CONFIG,
  SINTESI_SIM_ERROR_LISTEN,
  SINTESI_SIM_ERROR_FAULT_SPEC,
} SintesiSimError;

typedef enum
{
  SINTESI_SIM_FAULT_DELAY,       /* answer after N seconds */
  SINTESI_SIM_FAULT_HANG,        /* never answer */
  SINTESI_SIM_FAULT_RESET,       /* drop the connection (TCP reset) */
  SINTESI_SIM_FAULT_STATUS,      /* answer with HTTP N (5xx) */
  SINTESI_SIM_FAULT_TRUNCATE,    /* announce a body longer than what is sent */
  SINTESI_SIM_FAULT_NO_CART_ID,  /* answer without X-CART-id */
} SintesiSimFaultKind;

typedef struct
{
  SintesiSimFaultKind  kind;
  guint                value;        /* seconds for delay, status for status */
  guint                on_request;   /* 1-based request number; 0 = every one */
  char                *path_prefix;  /* only requests whose path starts so */
} SintesiSimFault;

typedef struct
{
  char      *listen_address;  /* default 127.0.0.1 */
  guint16    port;            /* 0 = ephemeral */
  char      *cert_file;       /* server certificate (PEM) */
  char      *key_file;        /* server key (PEM) */
  GTlsCertificate *certificate;  /* or the certificate itself (the sandbox's) */
  char      *client_ca_file;  /* CA that client certificates must chain to */
  char      *rules_dir;       /* optional rules package for CDA validation */
  char      *state_file;      /* keep documents and events here across runs */
  char      *expected_aud;    /* the exact aud the frontier accepts; NULL: any versioned URL */
  GPtrArray *faults;          /* SintesiSimFault* */
} SintesiSimConfig;

/* One request as received, kept for tests that assert the wire format. */
typedef struct
{
  char   *method;
  char   *raw_path;
  char   *headers;       /* "Name: value\n" lines, as received */
  char   *content_type;
  GBytes *body;
} SintesiSimCapturedRequest;

#define SINTESI_TYPE_SIM_SERVER (sintesi_sim_server_get_type ())
G_DECLARE_FINAL_TYPE (SintesiSimServer, sintesi_sim_server, SINTESI, SIM_SERVER, GObject)

GQuark            sintesi_sim_error_quark          (void);

/* "delay=N", "hang", "reset", "status=503", "truncate", "no-cart-id",
 * each optionally followed by ",on=N" and/or ",path=/PREFIX". */
SintesiSimFault  *sintesi_sim_fault_parse           (const char            *spec,
                                                     GError               **error);
void              sintesi_sim_fault_free            (SintesiSimFault       *fault);
void              sintesi_sim_config_clear          (SintesiSimConfig      *config);

/* Listens on the thread-default main context of the caller. */
SintesiSimServer *sintesi_sim_server_new            (const SintesiSimConfig *config,
                                                     GError               **error);
const char       *sintesi_sim_server_get_base_url   (SintesiSimServer      *self);
guint             sintesi_sim_server_get_request_count (SintesiSimServer   *self);
/* The requests received so far (SintesiSimCapturedRequest*), oldest first. */
GPtrArray        *sintesi_sim_server_get_captured   (SintesiSimServer      *self);
void              sintesi_sim_server_add_fault      (SintesiSimServer      *self,
                                                     SintesiSimFault       *fault);
void              sintesi_sim_server_clear_faults   (SintesiSimServer      *self);
void              sintesi_sim_server_stop           (SintesiSimServer      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSimFault, sintesi_sim_fault_free)

G_END_DECLS
