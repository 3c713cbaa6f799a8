/* sintesi-sim-checks.c: what the gateway checks, in its order
 *
 * Error texts are the gateway's own (Italian): they are what a client must
 * recognise, so they are data, not messages for translation.
 */
#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "sintesi-cf.h"
#include "sintesi-pdf.h"
#include "sintesi-validation.h"
#include "sintesi-request-body.h"
#include "sintesi-sim-checks.h"

#define GOVWAY_ERROR_BASE "https://govway.org/handling-errors/"

SintesiSimProblem *
sintesi_sim_problem_new (guint        http_status,
                         const char  *type,
                         const char  *title,
                         const char  *instance,
                         const char  *detail_format,
                         ...)
{
  SintesiSimProblem *problem = g_new0 (SintesiSimProblem, 1);
  va_list args;

  problem->http_status = http_status;
  problem->type = g_strdup (type);
  problem->title = g_strdup (title);
  problem->instance = g_strdup (instance);
  va_start (args, detail_format);
  problem->detail = g_strdup_vprintf (detail_format, args);
  va_end (args);
  return problem;
}

void
sintesi_sim_problem_free (SintesiSimProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->type);
  g_free (problem->title);
  g_free (problem->detail);
  g_free (problem->instance);
  g_free (problem);
}

char *
sintesi_sim_problem_to_json (const SintesiSimProblem *problem,
                             const char              *trace_id,
                             const char              *workflow_instance_id)
{
  g_autoptr(JsonBuilder) builder = sintesi_sim_answer_builder_new (trace_id);

  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, problem->type);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, problem->title);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, problem->detail);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, problem->body_status != 0 ? problem->body_status : problem->http_status);
  json_builder_set_member_name (builder, "instance");
  json_builder_add_string_value (builder, problem->instance);
  if (problem->with_workflow_id)
    {
      json_builder_set_member_name (builder, "workflowInstanceId");
      json_builder_add_string_value (builder, workflow_instance_id != NULL ? workflow_instance_id : "UNKNOWN_WORKFLOW_ID");
    }
  return sintesi_sim_answer_builder_finish (builder);
}

JsonBuilder *
sintesi_sim_answer_builder_new (const char *trace_id)
{
  JsonBuilder *builder = json_builder_new ();

  /* Every answer, success or problem, names its trace (§6.1, §6.2); the
   * simulator's first hop has spanID = traceID. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "traceID");
  json_builder_add_string_value (builder, trace_id);
  json_builder_set_member_name (builder, "spanID");
  json_builder_add_string_value (builder, trace_id);
  return builder;
}

char *
sintesi_sim_answer_builder_finish (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* ---- tokens ---- */

static GBytes *
base64url_decode (const char *text,
                  gsize       length)
{
  g_autoptr(GString) standard = g_string_new_len (text, length);
  guchar *data;
  gsize size;

  for (gsize i = 0; i < standard->len; i++)
    {
      char c = standard->str[i];

      if (c == '-')
        standard->str[i] = '+';
      else if (c == '_')
        standard->str[i] = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');
  data = g_base64_decode (standard->str, &size);
  return g_bytes_new_take (data, size);
}

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

SintesiSimToken *
sintesi_sim_token_decode (const char *compact)
{
  g_autoptr(SintesiSimToken) token = g_new0 (SintesiSimToken, 1);
  g_autoptr(GBytes) header = NULL;
  g_autoptr(GBytes) payload = NULL;
  const char *first_dot;
  const char *second_dot;
  JsonNode *x5c;

  if (compact == NULL)
    return NULL;
  first_dot = strchr (compact, '.');
  second_dot = first_dot != NULL ? strchr (first_dot + 1, '.') : NULL;
  if (second_dot == NULL || strchr (second_dot + 1, '.') != NULL)
    return NULL;

  header = base64url_decode (compact, first_dot - compact);
  payload = base64url_decode (first_dot + 1, second_dot - first_dot - 1);
  token->signature = base64url_decode (second_dot + 1, strlen (second_dot + 1));
  if (header == NULL || payload == NULL || token->signature == NULL)
    return NULL;
  token->header = parse_object (header);
  token->claims = parse_object (payload);
  if (token->header == NULL || token->claims == NULL)
    return NULL;
  token->signed_part = g_bytes_new (compact, second_dot - compact);

  x5c = json_object_get_member (token->header, "x5c");
  if (x5c != NULL && JSON_NODE_HOLDS_ARRAY (x5c) &&
      json_array_get_length (json_node_get_array (x5c)) > 0)
    {
      const char *b64 = json_array_get_string_element (json_node_get_array (x5c), 0);
      gsize size;
      guchar *der;

      /* Standard base64, one line: a line break broke GovWay (§4.1). */
      if (b64 != NULL && strpbrk (b64, "\r\n-_") == NULL)
        {
          der = g_base64_decode (b64, &size);
          if (size > 0)
            token->x5c_der = g_bytes_new_take (der, size);
          else
            g_free (der);
        }
    }
  return g_steal_pointer (&token);
}

void
sintesi_sim_token_free (SintesiSimToken *token)
{
  if (token == NULL)
    return;
  g_clear_pointer (&token->header, json_object_unref);
  g_clear_pointer (&token->claims, json_object_unref);
  g_clear_pointer (&token->signed_part, g_bytes_unref);
  g_clear_pointer (&token->signature, g_bytes_unref);
  g_clear_pointer (&token->x5c_der, g_bytes_unref);
  g_free (token);
}

static const char *
claim_string (JsonObject *claims,
              const char *name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
claim_present (JsonObject *claims,
               const char *name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return *json_node_get_string (node) != '\0';
  return TRUE;
}

/* The certificate's CN, or NULL. */
static char *
x5c_common_name (GBytes *der)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  char cn[512];
  size_t cn_size = sizeof cn;
  char *result = NULL;

  if (der == NULL || gnutls_x509_crt_init (&crt) < 0)
    return NULL;
  datum.data = (unsigned char *) g_bytes_get_data (der, NULL);
  datum.size = g_bytes_get_size (der);
  if (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) >= 0 &&
      gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_size) >= 0)
    result = g_strndup (cn, cn_size);
  gnutls_x509_crt_deinit (crt);
  return result;
}

static gboolean
token_signature_verifies (SintesiSimToken *token)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t datum, data, signature;
  const char *alg = claim_string (token->header, "alg");
  gnutls_sign_algorithm_t sign_algorithm;
  gboolean ok = FALSE;

  if (token->x5c_der == NULL || alg == NULL)
    return FALSE;
  if (g_str_equal (alg, "RS256"))
    sign_algorithm = GNUTLS_SIGN_RSA_SHA256;
  else if (g_str_equal (alg, "RS384"))
    sign_algorithm = GNUTLS_SIGN_RSA_SHA384;
  else if (g_str_equal (alg, "RS512"))
    sign_algorithm = GNUTLS_SIGN_RSA_SHA512;
  else
    return FALSE;

  datum.data = (unsigned char *) g_bytes_get_data (token->x5c_der, NULL);
  datum.size = g_bytes_get_size (token->x5c_der);
  data.data = (unsigned char *) g_bytes_get_data (token->signed_part, NULL);
  data.size = g_bytes_get_size (token->signed_part);
  signature.data = (unsigned char *) g_bytes_get_data (token->signature, NULL);
  signature.size = g_bytes_get_size (token->signature);

  if (gnutls_x509_crt_init (&crt) >= 0 &&
      gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) >= 0 &&
      gnutls_pubkey_init (&key) >= 0 &&
      gnutls_pubkey_import_x509 (key, crt, 0) >= 0)
    ok = gnutls_pubkey_verify_data2 (key, sign_algorithm, 0, &data, &signature) >= 0;

  if (key != NULL)
    gnutls_pubkey_deinit (key);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  return ok;
}

static SintesiSimProblem *
frontier_problem (guint       status,
                  const char *name,
                  const char *detail)
{
  g_autofree char *type = g_strdup_printf (GOVWAY_ERROR_BASE "%u/%s.html", status, name);

  return sintesi_sim_problem_new (status, type, name, "", "%s", detail);
}

static SintesiSimProblem *
check_frontier_token (const char *compact,
                      const char *iss_prefix,
                      const char *expected_aud,
                      gint64      now)
{
  g_autoptr(SintesiSimToken) token = sintesi_sim_token_decode (compact);
  g_autofree char *cn = NULL;
  g_autofree char *expected_iss = NULL;
  const char *iss;
  const char *aud;
  JsonNode *iat;
  JsonNode *exp;
  g_autoptr(GRegex) versioned = NULL;

  if (token == NULL || token->x5c_der == NULL || !token_signature_verifies (token))
    return frontier_problem (401, "TokenAuthenticationFailed", "Invalid token");

  cn = x5c_common_name (token->x5c_der);
  iss = claim_string (token->claims, "iss");
  expected_iss = g_strconcat (iss_prefix, cn != NULL ? cn : "", NULL);
  if (iss == NULL || !g_str_equal (iss, expected_iss))
    return frontier_problem (400, "InteroperabilityInvalidRequest", "Invalid Authorization iss");

  iat = json_object_get_member (token->claims, "iat");
  exp = json_object_get_member (token->claims, "exp");
  if (iat == NULL || exp == NULL || !JSON_NODE_HOLDS_VALUE (iat) || !JSON_NODE_HOLDS_VALUE (exp) ||
      json_node_get_value_type (iat) != G_TYPE_INT64 || json_node_get_value_type (exp) != G_TYPE_INT64)
    return frontier_problem (401, "TokenAuthenticationFailed", "Invalid token: iat/exp");
  /* A little clock skew is tolerated; milliseconds are far in the future. */
  if (json_node_get_int (iat) > now + 60)
    return frontier_problem (401, "TokenInTheFuture", "Token in the future");
  if (json_node_get_int (exp) < now)
    return frontier_problem (401, "TokenExpired", "Token expired");

  aud = claim_string (token->claims, "aud");
  versioned = g_regex_new ("^https://.+/v[0-9]+/?$", 0, 0, NULL);
  if (aud == NULL || !g_regex_match (versioned, aud, 0, NULL) ||
      (expected_aud != NULL && !g_str_equal (aud, expected_aud)))
    return frontier_problem (400, "InteroperabilityInvalidRequest", "Invalid audience");
  return NULL;
}

SintesiSimProblem *
sintesi_sim_check_frontier (const char *authorization,
                            const char *signature_header,
                            gboolean    needs_signature,
                            const char *expected_aud,
                            gint64      now)
{
  SintesiSimProblem *problem;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      authorization[strlen ("Bearer ")] == '\0')
    return frontier_problem (401, "TokenAuthenticationRequired", "Authorization token required");

  problem = check_frontier_token (authorization + strlen ("Bearer "), "auth:", expected_aud, now);
  if (problem != NULL)
    return problem;
  if (needs_signature && signature_header != NULL && *signature_header != '\0')
    return check_frontier_token (signature_header, "integrity:", expected_aud, now);
  return NULL;
}

/* ---- FSE-JWT-Signature claims ---- */

static const char * const mandatory_claims[] = {
  "patient_consent", "action_id", "locality", "person_id", "purpose_of_use",
  "subject_organization", "subject_organization_id", "subject_role",
  "subject_application_id", "subject_application_vendor", "subject_application_version",
};

/* Every claim of the DTO, all scalars (gateway-contract §4.3). */
static const char * const scalar_claims[] = {
  "sub", "iss", "iat", "exp", "nbf", "jti", "patient_consent", "action_id", "locality", "person_id",
  "purpose_of_use", "subject_organization", "subject_organization_id", "subject_role", "subject_application_id",
  "subject_application_vendor", "subject_application_version", "resource_hl7_type", "attachment_hash",
};

static const char * const roles[] = {
  "AAS", "APR", "PSS", "INF", "FAR", "DSA", "DAM", "OAM", "ASS", "TUT", "ING", "NOR",
  "DRS", "RSA", "OPI", "OGC", "MDS",
};

static const char * const purposes[] = {
  "TREATMENT", "EMERGENCY", "PUBEMERGENCY", "SYSADMIN", "PERSONAL", "UPDATE",
  "ACCESS UPDATE", "CONSENT", "ADMINISTRATIVE",
};

static const char * const actions[] = { "CREATE", "READ", "UPDATE", "DELETE" };

static gboolean
in_table (const char         *value,
          const char * const *table,
          gsize               length,
          gboolean            case_sensitive)
{
  for (gsize i = 0; value != NULL && i < length; i++)
    if (case_sensitive ? g_str_equal (value, table[i]) : g_ascii_strcasecmp (value, table[i]) == 0)
      return TRUE;
  return FALSE;
}

static SintesiSimProblem *
malformed_claim (const char *detail)
{
  SintesiSimProblem *problem = sintesi_sim_problem_new (403, "/msg/jwt-validation", "Campo token JWT non valido.",
                                                        "/jwt-mandatory-field-malformed", "%s", detail);
  problem->with_workflow_id = TRUE;
  return problem;
}

/* CX form <CF>^^^&2.16.840.1.113883.2.9.4.3.2&ISO, with a CF whose check
 * character is right (the gateway's CfUtility; it accepts the national
 * placeholder PROVAX00X00X000Y used in its own examples). */
static gboolean
is_valid_cx_cf (const char *value)
{
  static const char suffix[] = "^^^&2.16.840.1.113883.2.9.4.3.2&ISO";
  g_autofree char *cf = NULL;

  if (value == NULL || !g_str_has_suffix (value, suffix))
    return FALSE;
  cf = g_strndup (value, strlen (value) - strlen (suffix));
  return sintesi_cf_validate (cf, SINTESI_CF_FLAGS_TEST_MODE, NULL);
}

SintesiSimProblem *
sintesi_sim_check_signature_claims (const char          *signature_header,
                                    SintesiSimOperation  operation)
{
  g_autoptr(SintesiSimToken) token = NULL;
  g_autoptr(GRegex) locality_shape = NULL;
  JsonObject *claims;
  const char *action;
  const char *purpose;
  const char *org_id;
  const char *org;
  SintesiSimProblem *problem;

  if (signature_header == NULL || *signature_header == '\0')
    {
      /* §5.3: on delete a missing token maps to 400, elsewhere to 403. */
      problem = sintesi_sim_problem_new (operation == SINTESI_SIM_OP_DELETE ? 400 : 403,
                                         "/msg/missing-token", "Token non fornito.", "/missing-jwt",
                                         "Attenzione il jwt fornito risulta essere vuoto");
      problem->with_workflow_id = TRUE;
      return problem;
    }
  token = sintesi_sim_token_decode (signature_header);
  if (token == NULL)
    {
      problem = sintesi_sim_problem_new (403, "/msg/mandatory-element-token", "Token JWT non valido.",
                                         "/jwt-mandatory-field-missing", "Il token JWT non è decodificabile");
      problem->with_workflow_id = TRUE;
      return problem;
    }
  claims = token->claims;

  /* Step 2: the payload is read into the dispatcher's DTO, whose claims
   * are scalars: an object or an array where one is expected fails there
   * (the frontier only verified the JWS and its times). */
  for (gsize i = 0; i < G_N_ELEMENTS (scalar_claims); i++)
    {
      JsonNode *node = json_object_get_member (claims, scalar_claims[i]);

      if (node != NULL && (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node)))
        {
          problem = sintesi_sim_problem_new (403, "/msg/mandatory-element-token", "Token JWT non valido.",
                                             "/jwt-mandatory-field-missing",
                                             "Il token JWT non è decodificabile: campo %s", scalar_claims[i]);
          problem->with_workflow_id = TRUE;
          return problem;
        }
    }

  for (gsize i = 0; i < G_N_ELEMENTS (mandatory_claims); i++)
    {
      if (!claim_present (claims, mandatory_claims[i]))
        {
          problem = sintesi_sim_problem_new (403, "/msg/jwt-validation", "Campo token JWT non valido.",
                                             "/jwt-mandatory-field-missing",
                                             "Il campo %s non è valorizzato", mandatory_claims[i]);
          problem->with_workflow_id = TRUE;
          return problem;
        }
    }

  if (!is_valid_cx_cf (claim_string (claims, "sub")))
    return malformed_claim ("Il codice fiscale nel campo sub non è corretto");

  action = claim_string (claims, "action_id");
  purpose = claim_string (claims, "purpose_of_use");
  if (!in_table (action, actions, G_N_ELEMENTS (actions), TRUE))
    return malformed_claim ("Il campo action_id non è valorizzato correttamente");
  if (!in_table (purpose, purposes, G_N_ELEMENTS (purposes), FALSE))
    return malformed_claim ("Il campo purpose_of_use non è valorizzato correttamente");
  if (!in_table (claim_string (claims, "subject_role"), roles, G_N_ELEMENTS (roles), TRUE))
    return malformed_claim ("Il campo subject_role non è valorizzato correttamente");

  org_id = claim_string (claims, "subject_organization_id");
  org = claim_string (claims, "subject_organization");
  if (org_id == NULL || org == NULL ||
      !g_str_equal (org_id, "090") || g_ascii_strcasecmp (org, "Regione Toscana") != 0)
    return malformed_claim ("I campi subject_organization_id e subject_organization non sono coerenti");

  switch (operation)
    {
    case SINTESI_SIM_OP_CREATE:
      if (!g_str_equal (action, "CREATE"))
        return malformed_claim ("Il campo action_id non è coerente con le operazioni richieste");
      if (g_ascii_strcasecmp (purpose, "TREATMENT") != 0)
        return malformed_claim ("Il campo purpose_of_use non è coerente con le operazioni richieste");
      break;
    case SINTESI_SIM_OP_REPLACE:
      if (!g_str_equal (action, "UPDATE"))
        return malformed_claim ("Il campo action_id non è coerente con le operazioni richieste");
      if (g_ascii_strcasecmp (purpose, "TREATMENT") != 0 && g_ascii_strcasecmp (purpose, "UPDATE") != 0)
        return malformed_claim ("Il campo purpose_of_use non è coerente con le operazioni richieste");
      break;
    case SINTESI_SIM_OP_DELETE:
      if (!g_str_equal (action, "DELETE"))
        return malformed_claim ("Il campo action_id non è coerente con le operazioni richieste");
      if (g_ascii_strcasecmp (purpose, "UPDATE") != 0)
        return malformed_claim ("Il campo purpose_of_use non è coerente con le operazioni richieste");
      break;
    case SINTESI_SIM_OP_UPDATE:
      if (!g_str_equal (action, "UPDATE"))
        return malformed_claim ("Il campo action_id non è coerente con le operazioni richieste");
      if (g_ascii_strcasecmp (purpose, "UPDATE") != 0 && g_ascii_strcasecmp (purpose, "ACCESS UPDATE") != 0)
        return malformed_claim ("Il campo purpose_of_use non è coerente con le operazioni richieste");
      break;
    case SINTESI_SIM_OP_STATUS:
    default:
      break;
    }

  locality_shape = g_regex_new ("^[^\\^]*\\^{5}&[^&]*&ISO\\^{4}[^\\^&]*$", 0, 0, NULL);
  if (!g_regex_match (locality_shape, claim_string (claims, "locality"), 0, NULL))
    return malformed_claim ("Il campo Locality non è valorizzato correttamente");

  if (operation != SINTESI_SIM_OP_DELETE && !claim_present (claims, "resource_hl7_type"))
    return malformed_claim ("Il campo resource_hl7_type non è valorizzato");
  if ((operation == SINTESI_SIM_OP_CREATE || operation == SINTESI_SIM_OP_REPLACE) &&
      !claim_present (claims, "attachment_hash"))
    return malformed_claim ("Il campo attachment_hash non è valorizzato");
  return NULL;
}

/* ---- requestBody ---- */

static SintesiSimProblem *
body_problem (const char *detail_prefix,
              const char *field)
{
  SintesiSimProblem *problem = sintesi_sim_problem_new (400, "/msg/mandatory-element", "Campo obbligatorio non presente.",
                                                        "/request-missing-field", "%s%s", detail_prefix, field);
  problem->with_workflow_id = TRUE;
  return problem;
}

static gboolean
is_string_member (JsonObject *object,
                  const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
sintesi_sim_is_valid_master_id (const char *id)
{
  const char *caret;

  if (id == NULL || *id == '\0' || strlen (id) > 256)
    return FALSE;
  caret = strrchr (id, '^');
  return caret != NULL && caret[1] != '\0';
}

static SintesiGatewayOperation
gateway_operation (SintesiSimOperation operation)
{
  switch (operation)
    {
    case SINTESI_SIM_OP_REPLACE:
      return SINTESI_GATEWAY_REPLACE;
    case SINTESI_SIM_OP_UPDATE:
      return SINTESI_GATEWAY_UPDATE_METADATA;
    case SINTESI_SIM_OP_DELETE:
      return SINTESI_GATEWAY_DELETE;
    case SINTESI_SIM_OP_STATUS:
      return SINTESI_GATEWAY_STATUS;
    case SINTESI_SIM_OP_CREATE:
    default:
      return SINTESI_GATEWAY_CREATE;
    }
}

SintesiSimProblem *
sintesi_sim_check_request_body (const char          *json,
                                SintesiSimOperation  operation)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body;
  JsonNode *root;
  GList *members;
  static const char * const mandatory_order[] = {
    "identificativoDoc", "identificativoRep", "tipoDocumentoLivAlto", "assettoOrganizzativo",
    "tipoAttivitaClinica", "identificativoSottomissione", "tipologiaStruttura",
  };
  static const char * const enums_checked[] = { "tipologiaStruttura", "tipoDocumentoLivAlto", "tipoAttivitaClinica" };

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return body_problem ("Errore durante la conversione da json a oggetto", "");
  body = json_node_get_object (root);

  /* A plain ObjectMapper: an unknown property is refused (§3). The metadata
   * update is bound by Spring, which ignores them; refusing there too keeps
   * our own client honest (D13: never a field the schema lacks). */
  members = json_object_get_members (body);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!sintesi_request_body_field_known (gateway_operation (operation), name))
        {
          SintesiSimProblem *problem = body_problem ("Parametro non riconosciuto all'interno della request: ", name);
          g_list_free (members);
          return problem;
        }
    }
  g_list_free (members);

  /* Enum spellings are those of the Java constants. */
  for (gsize i = 0; i < G_N_ELEMENTS (enums_checked); i++)
    {
      const char *name = enums_checked[i];
      const char *value;

      if (!json_object_has_member (body, name))
        continue;
      if (!is_string_member (body, name))
        return body_problem ("Errore durante la conversione da json a oggetto: ", name);
      value = json_object_get_string_member (body, name);
      if ((g_str_equal (name, "tipologiaStruttura") && !g_strv_contains (sintesi_tipologie_struttura, value)) ||
          (g_str_equal (name, "tipoDocumentoLivAlto") && !g_strv_contains (sintesi_tipi_documento_liv_alto, value)) ||
          (g_str_equal (name, "tipoAttivitaClinica") && !g_strv_contains (sintesi_tipi_attivita_clinica, value)))
        return body_problem ("Errore durante la conversione da json a oggetto: ", name);
    }
  if (json_object_has_member (body, "healthDataFormat") &&
      (!is_string_member (body, "healthDataFormat") || !g_str_equal (json_object_get_string_member (body, "healthDataFormat"), "CDA")))
    return body_problem ("Errore durante la conversione da json a oggetto: ", "healthDataFormat");
  if (json_object_has_member (body, "mode") &&
      (!is_string_member (body, "mode") ||
       (!g_str_equal (json_object_get_string_member (body, "mode"), "ATTACHMENT") &&
        !g_str_equal (json_object_get_string_member (body, "mode"), "RESOURCE"))))
    return body_problem ("Errore durante la conversione da json a oggetto: ", "mode");
  if (json_object_has_member (body, "assettoOrganizzativo") &&
      (!is_string_member (body, "assettoOrganizzativo") ||
       !sintesi_is_assetto_organizzativo (json_object_get_string_member (body, "assettoOrganizzativo"))))
    return body_problem ("Errore durante la conversione da json a oggetto: ", "assettoOrganizzativo");
  if (json_object_has_member (body, "administrativeRequest"))
    {
      JsonNode *node = json_object_get_member (body, "administrativeRequest");

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return body_problem ("Errore durante la conversione da json a oggetto: ", "administrativeRequest");
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        if (json_array_get_string_element (json_node_get_array (node), i) == NULL ||
            !g_strv_contains (sintesi_administrative_requests, json_array_get_string_element (json_node_get_array (node), i)))
          return body_problem ("Errore durante la conversione da json a oggetto: ", "administrativeRequest");
    }

  /* Mandatory fields, first missing one reported (§3). */
  for (gsize i = 0; i < G_N_ELEMENTS (mandatory_order); i++)
    {
      const char *name = mandatory_order[i];

      if (operation == SINTESI_SIM_OP_REPLACE && g_str_equal (name, "identificativoDoc"))
        continue;
      if (operation == SINTESI_SIM_OP_UPDATE && !g_str_equal (name, "tipoDocumentoLivAlto"))
        continue;
      if (!is_string_member (body, name) || *json_object_get_string_member (body, name) == '\0')
        {
          g_autofree char *detail = g_strdup_printf ("Il campo %s deve essere valorizzato.", name);
          return body_problem (detail, "");
        }
    }
  /* The metadata update dereferences these without checking them (§5.4). */
  if (operation == SINTESI_SIM_OP_UPDATE &&
      (!is_string_member (body, "tipologiaStruttura") || !is_string_member (body, "assettoOrganizzativo")))
    return sintesi_sim_problem_new (500, "/msg/generic-error", "Errore generico.", "", "NullPointerException");

  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "dataInizioPrestazione" : "dataFinePrestazione";

      if (json_object_has_member (body, name) &&
          (!is_string_member (body, name) ||
           !sintesi_is_gateway_date (json_object_get_string_member (body, name))))
        {
          SintesiSimProblem *problem = sintesi_sim_problem_new (400, "/msg/invalid-format", "Formato campo non valido.",
                                                                "/request-invalid-date-format",
                                                                "Il campo %s non rispetta il formato yyyyMMddHHmmss", name);
          problem->with_workflow_id = TRUE;
          return problem;
        }
    }

  /* D13 and §3: a workflowInstanceId on create never matches this call's. */
  if (operation == SINTESI_SIM_OP_CREATE && json_object_has_member (body, "workflowInstanceId"))
    return sintesi_sim_problem_new (400, "/msg/cda-match", "Errore in fase di recupero dell'esito della verifica.",
                                    "/cda-validation", "Il workflowInstanceId fornito non corrisponde");

  if (operation == SINTESI_SIM_OP_CREATE || operation == SINTESI_SIM_OP_REPLACE)
    {
      if (!sintesi_sim_is_valid_master_id (json_object_get_string_member (body, "identificativoDoc")))
        {
          SintesiSimProblem *problem = sintesi_sim_problem_new (400, "/msg/id-doc", "Campo id documento non valido",
                                                                "/invalid-id", "L'identificativo documento non è valido");
          problem->with_workflow_id = TRUE;
          return problem;
        }
    }
  return NULL;
}

SintesiSimProblem *
sintesi_sim_check_file (GBytes     *pdf,
                        const char *signature_header)
{
  gsize size = pdf != NULL ? g_bytes_get_size (pdf) : 0;
  const char *data = pdf != NULL ? g_bytes_get_data (pdf, NULL) : NULL;
  SintesiSimProblem *problem;

  if (size == 0)
    {
      problem = sintesi_sim_problem_new (400, "/msg/empty-file", "File vuoto.", "/empty-multipart-file",
                                         "Il file fornito è vuoto");
      problem->with_workflow_id = TRUE;
      return problem;
    }
  if (size < 4 || memcmp (data, "%PDF", 4) != 0)
    {
      problem = sintesi_sim_problem_new (415, "/msg/document-type", "Il documento non è pdf.", "/multipart-file",
                                         "Il documento non è pdf.");
      problem->with_workflow_id = TRUE;
      return problem;
    }
  return NULL;
}

SintesiSimOperation
sintesi_sim_operation_from_string (const char *name)
{
  if (g_str_equal (name, "replace"))
    return SINTESI_SIM_OP_REPLACE;
  if (g_str_equal (name, "delete"))
    return SINTESI_SIM_OP_DELETE;
  if (g_str_equal (name, "update"))
    return SINTESI_SIM_OP_UPDATE;
  if (g_str_equal (name, "status"))
    return SINTESI_SIM_OP_STATUS;
  return SINTESI_SIM_OP_CREATE;
}

SintesiSimProblem *
sintesi_sim_check_attachment_hash (GBytes     *pdf,
                                   const char *signature_header)
{
  g_autoptr(SintesiSimToken) token = sintesi_sim_token_decode (signature_header);
  g_autofree char *actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  const char *claimed = token != NULL ? claim_string (token->claims, "attachment_hash") : NULL;

  /* Lowercase hex, compared case-insensitively (§2.1). */
  if (claimed == NULL || g_ascii_strcasecmp (claimed, actual) != 0)
    return sintesi_sim_problem_new (400, "/msg/document-hash", "Verifica hash fallita.", "/jwt-hash-match",
                                    "L'hash del documento non corrisponde all'attachment_hash del token");
  return NULL;
}

/* ---- the document (§5.1 steps 11–16 and 20) ---- */

SintesiSimProblem *
sintesi_sim_check_signature_of_pdf (GBytes *pdf)
{
  g_autoptr(GPtrArray) signatures = NULL;
  SintesiPdfSignature *last;

  signatures = sintesi_pdf_get_signatures (pdf, NULL);
  if (signatures == NULL)
    /* A PDF the gateway's PDF library cannot open: a generic 500. */
    return sintesi_sim_problem_new (500, "/msg/generic-error", "Errore generico.", "", "Il pdf non è leggibile");
  if (signatures->len == 0)
    return sintesi_sim_problem_new (400, "/msg/sign-error", "Sign error", "/msg/sign-error", "Il pdf non risulta firmato");
  /* §5.1 step 11: each signature is verified over its own ByteRange (no
   * chain, no whole-file rule), a missing /M counts as invalid, and the
   * last signature field decides. A missing cda.xml is step 12's. */
  last = g_ptr_array_index (signatures, signatures->len - 1);
  if (!last->valid || !last->has_m_entry)
    return sintesi_sim_problem_new (400, "/msg/sign-error", "Sign error", "/msg/sign-error",
                                    "La firma del pdf non risulta valida");
  return NULL;
}

SintesiSimProblem *
sintesi_sim_check_cda_against_token (const SintesiCda *cda,
                                     const char       *signature_header,
                                     SintesiSimOperation operation)
{
  g_autoptr(SintesiSimToken) token = sintesi_sim_token_decode (signature_header);
  g_autofree char *resource = NULL;
  const char *person_id;
  g_autofree char *person_cf = NULL;
  const char *caret;
  SintesiSimProblem *problem;
  gboolean found = FALSE;
  xmlXPathContext *xpath;
  xmlXPathObject *ids;

  if (token == NULL)
    return NULL;
  if (operation == SINTESI_SIM_OP_CREATE || operation == SINTESI_SIM_OP_REPLACE)
    {
      resource = g_strdup_printf ("('%s^^%s')", cda->first_code ? cda->first_code : "",
                                  cda->first_code_system ? cda->first_code_system : "");
      if (g_strcmp0 (claim_string (token->claims, "resource_hl7_type"), resource) != 0)
        {
          problem = sintesi_sim_problem_new (403, "/msg/jwt-validation", "Campo token JWT non valido.", "/jwt-document-type",
                                             "Tipologia documento diversa dalla tipologia di CDA (code - codesystem)");
          problem->with_workflow_id = TRUE;
          return problem;
        }
    }

  /* The CF before the first ^ must be the extension of a patientRole/id and
   * pass the check character (§5.1 step 14). */
  person_id = claim_string (token->claims, "person_id");
  caret = person_id != NULL ? strchr (person_id, '^') : NULL;
  person_cf = caret != NULL ? g_strndup (person_id, caret - person_id) : g_strdup (person_id);
  xpath = xmlXPathNewContext (cda->doc);
  xmlXPathRegisterNs (xpath, BAD_CAST "hl7", BAD_CAST "urn:hl7-org:v3");
  ids = xmlXPathEvalExpression (BAD_CAST "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole/hl7:id", xpath);
  for (int i = 0; ids != NULL && ids->nodesetval != NULL && i < ids->nodesetval->nodeNr; i++)
    {
      xmlChar *extension = xmlGetProp (ids->nodesetval->nodeTab[i], BAD_CAST "extension");

      if (extension != NULL && person_cf != NULL && g_str_equal ((const char *) extension, person_cf))
        found = TRUE;
      xmlFree (extension);
    }
  xmlXPathFreeObject (ids);
  xmlXPathFreeContext (xpath);
  if (!found || !is_valid_cx_cf (person_id))
    {
      problem = sintesi_sim_problem_new (403, "/msg/jwt-validation", "Campo token JWT non valido.", "/jwt-person-id",
                                         "Il codice fiscale nel campo person_id non è corretto");
      problem->with_workflow_id = TRUE;
      return problem;
    }
  return NULL;
}

SintesiSimProblem *
sintesi_sim_check_validation (const SintesiCda    *cda,
                              SintesiRulesPackage *package,
                              char               **out_warning)
{
  g_autoptr(SintesiValidation) validation = NULL;
  g_autoptr(GError) error = NULL;
  SintesiSimProblem *problem;

  validation = sintesi_validation_run (cda, package, SINTESI_PSS_CHECK_FLAGS_TEST_MODE, &error);
  if (validation == NULL)
    return sintesi_sim_problem_new (500, "/msg/connection-refused", "Errore generico.", "", "%s", error->message);

  if (validation->xsd != NULL && !validation->xsd->valid)
    {
      SintesiXsdIssue *issue = g_ptr_array_index (validation->xsd->errors, 0);

      problem = sintesi_sim_problem_new (400, "/msg/syntax", "Errore di sintassi.", "/validation/error",
                                         "Riga %d: %s", issue->line, issue->message);
      problem->with_workflow_id = TRUE;
      return problem;
    }
  if (validation->schematron != NULL && validation->schematron->failed_asserts->len > 0)
    {
      SintesiSchematronFinding *finding = g_ptr_array_index (validation->schematron->failed_asserts, 0);

      problem = sintesi_sim_problem_new (422, "/msg/semantic", "Errore semantico.", "/validation/error",
                                         "[%s | %s]", finding->id, finding->message);
      problem->with_workflow_id = TRUE;
      return problem;
    }
  for (guint i = 0; i < validation->checks->len; i++)
    {
      SintesiPssCheck *check = g_ptr_array_index (validation->checks, i);

      if (check->ok)
        continue;
      /* Without a rules package the built-in checks stand in for the
       * validator; a wrong code is a vocabulary error, the rest semantic. */
      if (g_str_equal (check->id, SINTESI_PSS_CHECK_TERMINOLOGY))
        problem = sintesi_sim_problem_new (400, "/msg/vocabulary", "Errore vocabolario.", "/validation/error",
                                           "%s", check->message);
      else
        problem = sintesi_sim_problem_new (422, "/msg/semantic", "Errore semantico.", "/validation/error",
                                           "%s", check->message);
      problem->with_workflow_id = TRUE;
      return problem;
    }
  /* Schematron warnings do not block; they come back in `warning`. */
  if (out_warning != NULL && validation->schematron != NULL && validation->schematron->reports->len > 0)
    {
      GString *warning = g_string_new (NULL);

      for (guint i = 0; i < validation->schematron->reports->len; i++)
        {
          SintesiSchematronFinding *finding = g_ptr_array_index (validation->schematron->reports, i);
          g_string_append_printf (warning, "%s[%s | %s]", warning->len > 0 ? " " : "", finding->id, finding->message);
        }
      *out_warning = g_string_free (warning, FALSE);
    }
  return NULL;
}

SintesiSimProblem *
sintesi_sim_check_repository_id (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GRegex) shape = g_regex_new ("^2\\.16\\.840\\.1\\.113883\\.2\\.9\\.2\\.([0-9]+)\\.4\\.5\\..*$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  const char *repository_id = NULL;
  JsonNode *root;

  if (json_parser_load_from_data (parser, json, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "identificativoRep"))
    repository_id = json_object_get_string_member (json_node_get_object (root), "identificativoRep");
  if (repository_id != NULL && g_regex_match (shape, repository_id, 0, &match))
    {
      g_autofree char *region = g_match_info_fetch (match, 1);
      guint64 code = g_ascii_strtoull (region, NULL, 10);

      /* Region codes (010 … 200, leading 0 dropped) and the national ones. */
      if ((code >= 10 && code <= 200 && code % 10 == 0) || code == 41 || code == 42 || code == 999 || code == 950)
        return NULL;
    }
  return sintesi_sim_problem_new (400, "/msg/generic-error", "Errore generico.", "/request-invalid-date-format",
                                  "Error: Invalid format for repositoryUniqueId");
}
