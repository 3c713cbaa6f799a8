/* sintesi-jwt.c: building, signing, decoding and linting the gateway's JWTs */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sintesi-cf.h"
#include "sintesi-jwt.h"

G_DEFINE_QUARK (sintesi-jwt-error-quark, sintesi_jwt_error)

/* gateway-contract §4.3 and §7 */
#define CX_SUFFIX             "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"
#define CX_SUFFIX_AMP         "&amp;"
#define ORGANIZATION_ID       "090"
#define ORGANIZATION_NAME     "Regione Toscana"
#define SUBJECT_ROLE          "APR"
#define LOCALITY_PATTERN      "^[^\\^]*\\^{5}&[^&]*&ISO\\^{4}[^\\^&]*$"
#define RESOURCE_TYPE_PATTERN "^\\('[^'^]+\\^\\^[0-9]+(\\.[0-9]+)*'\\)$"
#define AUD_PATTERN           "^https?://[^/?#]+(/[^?#]*)?/v[0-9]+$"
/* iat/exp this large are milliseconds (10^12 s is the year 33658). */
#define MILLISECONDS_THRESHOLD G_GINT64_CONSTANT (1000000000000)
/* D8: a fresh jti until the payload's base64url has no - or _. Our JSON is
 * ASCII without > ? ~, so the first draw already succeeds; the bound is only
 * there so that no input can loop. */
#define MAX_JTI_DRAWS 64

/* ------------------------------------------------------------------------ */
/* Operations                                                               */

typedef struct
{
  const char *name;
  const char *label;        /* NC_("JWT operation", …) */
  const char *action_id;
  const char *purposes[3];  /* allowed purpose_of_use values, NULL-terminated */
} OperationInfo;

static const OperationInfo operations[] = {
  [SINTESI_JWT_OPERATION_CREATE]  = { "create", NC_("JWT operation", "create"), "CREATE", { "TREATMENT", NULL } },
  /* The gateway's code also accepts TREATMENT for a replace (§4.4). */
  [SINTESI_JWT_OPERATION_REPLACE] = { "replace", NC_("JWT operation", "replace"), "UPDATE", { "UPDATE", "TREATMENT", NULL } },
  [SINTESI_JWT_OPERATION_DELETE]  = { "delete", NC_("JWT operation", "delete"), "DELETE", { "UPDATE", NULL } },
  [SINTESI_JWT_OPERATION_UPDATE]  = { "update", NC_("JWT operation", "metadata update"), "UPDATE", { "UPDATE", "ACCESS UPDATE", NULL } },
};

static gboolean
operation_is_valid (SintesiJwtOperation operation)
{
  return (guint) operation < G_N_ELEMENTS (operations);
}

const char *
sintesi_jwt_operation_to_string (SintesiJwtOperation operation)
{
  g_return_val_if_fail (operation_is_valid (operation), NULL);
  return operations[operation].name;
}

gboolean
sintesi_jwt_operation_from_string (const char          *text,
                                   SintesiJwtOperation *operation)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (operations); i++)
    {
      if (strcmp (text, operations[i].name) == 0)
        {
          *operation = (SintesiJwtOperation) i;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
operation_label (SintesiJwtOperation operation)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "JWT operation", operations[operation].label);
}

/* Which claims each token carries (gateway-contract §4.2–§4.4). */
typedef enum
{
  CLAIM_FORBIDDEN,
  CLAIM_REQUIRED,
  CLAIM_OPTIONAL,
} ClaimRule;

typedef struct
{
  const char *name;
  ClaimRule   rule[4];  /* per SintesiJwtOperation */
} ClaimInfo;

#define ALL_REQUIRED { CLAIM_REQUIRED, CLAIM_REQUIRED, CLAIM_REQUIRED, CLAIM_REQUIRED }

static const char * const bearer_claims[] = { "iss", "sub", "aud", "iat", "exp", "jti", NULL };

/* In the order of §4.5, which is the order the builder writes. */
static const ClaimInfo signature_claims[] = {
  { "iss", ALL_REQUIRED },
  { "sub", ALL_REQUIRED },
  { "aud", ALL_REQUIRED },
  { "iat", ALL_REQUIRED },
  { "exp", ALL_REQUIRED },
  { "jti", ALL_REQUIRED },
  { "subject_organization_id", ALL_REQUIRED },
  { "subject_organization", ALL_REQUIRED },
  { "locality", ALL_REQUIRED },
  { "subject_role", ALL_REQUIRED },
  { "person_id", ALL_REQUIRED },
  { "patient_consent", ALL_REQUIRED },
  { "purpose_of_use", ALL_REQUIRED },
  { "action_id", ALL_REQUIRED },
  { "resource_hl7_type", { CLAIM_REQUIRED, CLAIM_REQUIRED, CLAIM_OPTIONAL, CLAIM_REQUIRED } },
  { "attachment_hash", { CLAIM_REQUIRED, CLAIM_REQUIRED, CLAIM_FORBIDDEN, CLAIM_FORBIDDEN } },
  { "subject_application_id", ALL_REQUIRED },
  { "subject_application_vendor", ALL_REQUIRED },
  { "subject_application_version", ALL_REQUIRED },
};

static const ClaimInfo *
find_signature_claim (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (signature_claims); i++)
    if (strcmp (signature_claims[i].name, name) == 0)
      return &signature_claims[i];
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* base64url and JSON                                                       */

char *
sintesi_jwt_base64url_encode (const guint8 *data,
                              gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize out = 0;

  for (gsize i = 0; text[i] != '\0'; i++)
    {
      if (text[i] == '=')
        break;
      text[out++] = text[i] == '+' ? '-' : text[i] == '/' ? '_' : text[i];
    }
  text[out] = '\0';
  return text;
}

GBytes *
sintesi_jwt_base64url_decode (const char *text,
                              gsize       length)
{
  g_autoptr(GString) standard = g_string_sized_new (length + 4);
  guchar *data;
  gsize size = 0;

  /* g_base64_decode() skips what it does not know: validate first. */
  if (length % 4 == 1)
    return NULL;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c))
        g_string_append_c (standard, c);
      else if (c == '-')
        g_string_append_c (standard, '+');
      else if (c == '_')
        g_string_append_c (standard, '/');
      else
        return NULL;
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');
  if (standard->len == 0)
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (standard->str, &size);
  return g_bytes_new_take (data, size);
}

/* Standard base64 with padding, nothing else (x5c, toolchain pitfall 4). */
static gboolean
is_standard_base64 (const char *text)
{
  gsize length = strlen (text);
  gsize padding = 0;

  if (length == 0 || length % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '=')
        {
          padding++;
          continue;
        }
      if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }
  return padding <= 2;
}

/* JSON text that is pure ASCII and has no '>', '?', '~' or DEL: such text
 * never yields '-' or '_' in base64url (only those bytes, or bytes ≥ 0x80,
 * produce the sextets 62 and 63), which makes the D8 defence hold for any
 * locality or vendor name. The gateway's JSON parsers read \u escapes back
 * into the very same strings. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c < 0x20 || c == '>' || c == '?' || c == '~' || c >= 0x7f)
        {
          if (c > 0xffff)
            {
              gunichar v = c - 0x10000;

              g_string_append_printf (out, "\\u%04x\\u%04x",
                                      0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
            }
          else
            g_string_append_printf (out, "\\u%04x", c);
        }
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void append_json_node (GString *out, JsonNode *node);

static void
append_json_object (GString    *out,
                    JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);  /* insertion order */
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_json_string (out, l->data);
      g_string_append_c (out, ':');
      append_json_node (out, json_object_get_member (object, l->data));
    }
  g_string_append_c (out, '}');
}

static void
append_json_node (GString  *out,
                  JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      append_json_object (out, json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_json_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          append_json_string (out, json_node_get_string (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else
          {
            char buffer[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
          }
      }
      break;
    }
}

static char *
json_object_to_base64url (JsonObject *object)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_json_object (text, object);
  return sintesi_jwt_base64url_encode ((const guint8 *) text->str, text->len);
}

/* Lowercase hex SHA-256, as the gateway computes attachment_hash. GnuTLS's
 * (nettle's) SHA-256 uses the CPU's SHA extensions: a PDF of a few MB is
 * hashed twice per call (build and lint) without notice. */
static char *
sha256_hex (GBytes *bytes)
{
  guint8 digest[32];
  gsize size = 0;
  const void *data = g_bytes_get_data (bytes, &size);
  char *hex = g_malloc (sizeof digest * 2 + 1);

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, size, digest) < 0)
    g_error ("SHA-256 is not available");
  for (gsize i = 0; i < sizeof digest; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  return hex;
}

/* ------------------------------------------------------------------------ */
/* Certificates and signatures                                              */

static gnutls_x509_crt_t
import_certificate (GBytes  *der,
                    GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size = 0;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = (unsigned int) size;
  if (size == 0 || size > G_MAXUINT
      || gnutls_x509_crt_init (&crt) < 0)
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE,
                           _("The signature certificate is empty."));
      return NULL;
    }
  ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE,
                   _("The signature certificate cannot be read: %s"), gnutls_strerror (ret));
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }
  return crt;
}

static char *
certificate_cn (gnutls_x509_crt_t crt)
{
  char buffer[1024];
  size_t size = sizeof buffer;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buffer, &size) < 0)
    return NULL;
  return g_strndup (buffer, size);
}

static gboolean
verify_with_certificate (gnutls_x509_crt_t  crt,
                         const char        *signing_input,
                         GBytes            *signature,
                         GError           **error)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t data = { (unsigned char *) signing_input, (unsigned int) strlen (signing_input) };
  gnutls_datum_t sig;
  gsize size = 0;
  int ret;

  sig.data = (unsigned char *) g_bytes_get_data (signature, &size);
  sig.size = (unsigned int) size;

  if (gnutls_pubkey_init (&pubkey) < 0)
    g_error ("out of memory");
  ret = gnutls_pubkey_import_x509 (pubkey, crt, 0);
  if (ret < 0)
    {
      gnutls_pubkey_deinit (pubkey);
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE,
                   _("The public key of the certificate in “x5c” cannot be read: %s"),
                   gnutls_strerror (ret));
      return FALSE;
    }
  ret = size == 0 ? GNUTLS_E_PK_SIG_VERIFY_FAILED
                  : gnutls_pubkey_verify_data2 (pubkey, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig);
  gnutls_pubkey_deinit (pubkey);
  if (ret < 0)
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_SIGNATURE_MISMATCH,
                           _("The token's signature does not match the certificate in its “x5c”: the token was altered or signed with another key."));
      return FALSE;
    }
  return TRUE;
}

static char *
sign_segments (const char        *header_b64,
               const char        *payload_b64,
               gnutls_privkey_t   key,
               gnutls_x509_crt_t  crt,
               GError           **error)
{
  g_autofree char *signing_input = g_strconcat (header_b64, ".", payload_b64, NULL);
  gnutls_datum_t data = { (unsigned char *) signing_input, (unsigned int) strlen (signing_input) };
  gnutls_datum_t sig = { NULL, 0 };
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *signature_b64 = NULL;
  int ret;

  ret = gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &sig);
  if (ret < 0)
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_SIGN,
                   _("The signature key refused to sign the token: %s"), gnutls_strerror (ret));
      return NULL;
    }
  signature = g_bytes_new (sig.data, sig.size);
  signature_b64 = sintesi_jwt_base64url_encode (sig.data, sig.size);
  gnutls_free (sig.data);

  /* A key that does not belong to the certificate would make the gateway
   * answer "Invalid token" much later: say it now. */
  if (!verify_with_certificate (crt, signing_input, signature, NULL))
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_KEY_MISMATCH,
                           _("The signature key does not belong to the signature (S1) certificate: check that the key and the certificate were imported together."));
      return NULL;
    }
  return g_strconcat (signing_input, ".", signature_b64, NULL);
}

static gboolean
check_key (gnutls_privkey_t   key,
           GError           **error)
{
  if (key == NULL)
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_INVALID_PARAMETERS,
                           _("No signature key was given."));
      return FALSE;
    }
  if (gnutls_privkey_get_pk_algorithm (key, NULL) != GNUTLS_PK_RSA)
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_SIGN,
                           _("The signature key is not an RSA key: the gateway's tokens are signed with RS256."));
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
make_header (GBytes *certificate_der)
{
  JsonObject *header = json_object_new ();
  JsonArray *x5c = json_array_new ();
  gsize size = 0;
  const guint8 *der = g_bytes_get_data (certificate_der, &size);
  g_autofree char *encoded = g_base64_encode (der, size);

  json_object_set_string_member (header, "alg", "RS256");
  json_object_set_string_member (header, "typ", "JWT");
  /* Standard base64 with padding on one line (#1120, #2595). */
  json_array_add_string_element (x5c, encoded);
  json_object_set_array_member (header, "x5c", x5c);
  return header;
}

char *
sintesi_jwt_sign_claims (JsonObject        *claims,
                         GBytes            *certificate_der,
                         gnutls_privkey_t   key,
                         GError           **error)
{
  gnutls_x509_crt_t crt;
  g_autoptr(JsonObject) header = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *payload_b64 = NULL;
  char *token;

  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (certificate_der != NULL, NULL);

  if (!check_key (key, error))
    return NULL;
  crt = import_certificate (certificate_der, error);
  if (crt == NULL)
    return NULL;
  header = make_header (certificate_der);
  header_b64 = json_object_to_base64url (header);
  payload_b64 = json_object_to_base64url (claims);
  token = sign_segments (header_b64, payload_b64, key, crt, error);
  gnutls_x509_crt_deinit (crt);
  return token;
}

/* ------------------------------------------------------------------------ */
/* Building                                                                 */

/* The gateway verifies the check character of both CFs (§4.3). */
static gboolean
jwt_check_cf (const char  *cf,
              gboolean     test_mode,
              GError     **error)
{
  return sintesi_cf_validate (cf, test_mode ? SINTESI_CF_FLAGS_TEST_MODE : SINTESI_CF_FLAGS_NONE, error);
}

static gboolean
require_string (const char  *value,
                const char  *what,
                GError     **error)
{
  if (value != NULL && *value != '\0')
    return TRUE;
  g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_INVALID_PARAMETERS,
               /* TRANSLATORS: %s names what is missing, e.g. "the locality (HL7 XON)" */
               _("The tokens cannot be built: %s is missing."), what);
  return FALSE;
}

static char *
make_cx (const char *cf)
{
  return g_strconcat (cf, CX_SUFFIX, NULL);
}

static void
set_common_claims (JsonObject  *claims,
                   const char  *iss,
                   const char  *sub,
                   const char  *aud,
                   gint64       iat,
                   const char  *jti)
{
  json_object_set_string_member (claims, "iss", iss);
  json_object_set_string_member (claims, "sub", sub);
  json_object_set_string_member (claims, "aud", aud);
  json_object_set_int_member (claims, "iat", iat);
  json_object_set_int_member (claims, "exp", iat + SINTESI_JWT_LIFETIME);
  json_object_set_string_member (claims, "jti", jti);
}

typedef struct
{
  const SintesiJwtParams *params;
  const char             *cn;
  const char             *sub;
  const char             *person_id;
  const char             *attachment_hash;
  gint64                  iat;
} BuildState;

static JsonObject *
make_bearer_claims (const BuildState *state,
                    const char       *jti)
{
  JsonObject *claims = json_object_new ();
  g_autofree char *iss = g_strconcat ("auth:", state->cn, NULL);

  set_common_claims (claims, iss, state->sub, state->params->aud, state->iat, jti);
  return claims;
}

static JsonObject *
make_signature_claims (const BuildState *state,
                       const char       *jti)
{
  const SintesiJwtParams *params = state->params;
  SintesiJwtOperation operation = params->operation;
  JsonObject *claims = json_object_new ();
  g_autofree char *iss = g_strconcat ("integrity:", state->cn, NULL);
  const char *purpose = operations[operation].purposes[0];

  if (operation == SINTESI_JWT_OPERATION_UPDATE && params->access_update)
    purpose = "ACCESS UPDATE";

  set_common_claims (claims, iss, state->sub, params->aud, state->iat, jti);
  json_object_set_string_member (claims, "subject_organization_id", ORGANIZATION_ID);
  json_object_set_string_member (claims, "subject_organization", ORGANIZATION_NAME);
  json_object_set_string_member (claims, "locality", params->locality);
  json_object_set_string_member (claims, "subject_role", SUBJECT_ROLE);
  json_object_set_string_member (claims, "person_id", state->person_id);
  json_object_set_boolean_member (claims, "patient_consent", TRUE);
  json_object_set_string_member (claims, "purpose_of_use", purpose);
  json_object_set_string_member (claims, "action_id", operations[operation].action_id);
  if (operation != SINTESI_JWT_OPERATION_DELETE)
    json_object_set_string_member (claims, "resource_hl7_type", params->resource_hl7_type);
  if (state->attachment_hash != NULL)
    json_object_set_string_member (claims, "attachment_hash", state->attachment_hash);
  json_object_set_string_member (claims, "subject_application_id", params->application_id);
  json_object_set_string_member (claims, "subject_application_vendor", params->application_vendor);
  json_object_set_string_member (claims, "subject_application_version", params->application_version);
  return claims;
}

typedef JsonObject *(*ClaimsMaker) (const BuildState *state, const char *jti);

static char *
build_token (const BuildState   *state,
             ClaimsMaker         make_claims,
             const char         *header_b64,
             gnutls_x509_crt_t   crt,
             GError            **error)
{
  g_autofree char *payload_b64 = NULL;

  for (int draw = 0; draw < MAX_JTI_DRAWS; draw++)
    {
      g_autofree char *jti = g_uuid_string_random ();
      g_autoptr(JsonObject) claims = make_claims (state, jti);

      g_free (payload_b64);
      payload_b64 = json_object_to_base64url (claims);
      if (strpbrk (payload_b64, "-_") == NULL)
        break;
    }
  /* Should the bound ever be hit, the linter names it. */
  return sign_segments (header_b64, payload_b64, state->params->key, crt, error);
}

SintesiJwtTokens *
sintesi_jwt_build (const SintesiJwtParams  *params,
                   GError                 **error)
{
  g_autoptr(SintesiJwtTokens) tokens = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(JsonObject) header = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *own_cn = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *person_id = NULL;
  g_autofree char *attachment_hash = NULL;
  gnutls_x509_crt_t crt;
  SintesiJwtLintContext context = { 0 };
  BuildState state = { 0 };
  gboolean needs_document;

  g_return_val_if_fail (params != NULL, NULL);

  if (!operation_is_valid (params->operation))
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_INVALID_PARAMETERS,
                           _("The tokens cannot be built: the operation is unknown."));
      return NULL;
    }
  needs_document = params->operation == SINTESI_JWT_OPERATION_CREATE
                   || params->operation == SINTESI_JWT_OPERATION_REPLACE;
  if (params->certificate_der == NULL)
    return require_string (NULL, _("the signature (S1) certificate"), error), NULL;
  if (!check_key (params->key, error)
      || !require_string (params->physician_cf, _("the physician's codice fiscale"), error)
      || !require_string (params->patient_cf, _("the patient's codice fiscale"), error)
      || !require_string (params->locality, _("the locality (HL7 XON)"), error)
      || !require_string (params->application_id, _("the application id"), error)
      || !require_string (params->application_vendor, _("the application vendor"), error)
      || !require_string (params->application_version, _("the application version"), error)
      || !require_string (params->aud, _("the audience (aud)"), error))
    return NULL;
  if (params->operation != SINTESI_JWT_OPERATION_DELETE
      && !require_string (params->resource_hl7_type, _("the document type (resource_hl7_type)"), error))
    return NULL;
  if (needs_document && params->document == NULL
      && !require_string (params->document_sha256, _("the document to send (or its SHA-256)"), error))
    return NULL;

  crt = import_certificate (params->certificate_der, error);
  if (crt == NULL)
    return NULL;
  own_cn = certificate_cn (crt);
  if (own_cn == NULL && params->issuer_cn == NULL)
    {
      gnutls_x509_crt_deinit (crt);
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE,
                           _("The signature certificate has no common name (CN), so the tokens cannot name their issuer."));
      return NULL;
    }

  sub = make_cx (params->physician_cf);
  person_id = make_cx (params->patient_cf);
  if (needs_document)
    attachment_hash = params->document != NULL
      ? sha256_hex (params->document)
      : g_ascii_strdown (params->document_sha256, -1);

  state.params = params;
  state.cn = params->issuer_cn != NULL ? params->issuer_cn : own_cn;
  state.sub = sub;
  state.person_id = person_id;
  state.attachment_hash = attachment_hash;
  state.iat = params->now != 0 ? params->now : g_get_real_time () / G_USEC_PER_SEC;

  header = make_header (params->certificate_der);
  header_b64 = json_object_to_base64url (header);

  tokens = g_new0 (SintesiJwtTokens, 1);
  tokens->bearer = build_token (&state, make_bearer_claims, header_b64, crt, error);
  if (tokens->bearer != NULL)
    tokens->signature = build_token (&state, make_signature_claims, header_b64, crt, error);
  gnutls_x509_crt_deinit (crt);
  if (tokens->signature == NULL)
    return NULL;

  /* What the gateway would refuse is refused here, before any send. */
  context.operation = params->operation;
  context.document = params->document;
  context.resource_hl7_type = needs_document ? params->resource_hl7_type : NULL;
  context.patient_cf = params->patient_cf;
  context.aud = params->aud;
  context.now = state.iat;
  context.cf_test_mode = params->cf_test_mode;
  findings = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
  if (findings->len > 0)
    {
      g_propagate_error (error, sintesi_jwt_findings_to_error (findings));
      return NULL;
    }
  return g_steal_pointer (&tokens);
}

char *
sintesi_jwt_build_bearer (const SintesiJwtParams  *params,
                          GError                 **error)
{
  g_autofree char *own_cn = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *header_b64 = NULL;
  g_autoptr(JsonObject) header = NULL;
  gnutls_x509_crt_t crt;
  BuildState state = { 0 };
  char *bearer;

  g_return_val_if_fail (params != NULL, NULL);

  if (params->certificate_der == NULL)
    return require_string (NULL, _("the signature (S1) certificate"), error), NULL;
  if (!check_key (params->key, error)
      || !require_string (params->physician_cf, _("the physician's codice fiscale"), error)
      || !require_string (params->aud, _("the audience (aud)"), error)
      || !jwt_check_cf (params->physician_cf, params->cf_test_mode, error))
    return NULL;

  crt = import_certificate (params->certificate_der, error);
  if (crt == NULL)
    return NULL;
  own_cn = certificate_cn (crt);
  if (own_cn == NULL && params->issuer_cn == NULL)
    {
      gnutls_x509_crt_deinit (crt);
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE,
                           _("The signature certificate has no common name (CN), so the tokens cannot name their issuer."));
      return NULL;
    }
  sub = make_cx (params->physician_cf);
  state.params = params;
  state.cn = params->issuer_cn != NULL ? params->issuer_cn : own_cn;
  state.sub = sub;
  state.iat = params->now != 0 ? params->now : g_get_real_time () / G_USEC_PER_SEC;
  header = make_header (params->certificate_der);
  header_b64 = json_object_to_base64url (header);
  bearer = build_token (&state, make_bearer_claims, header_b64, crt, error);
  gnutls_x509_crt_deinit (crt);
  return bearer;
}

void
sintesi_jwt_tokens_free (SintesiJwtTokens *tokens)
{
  if (tokens == NULL)
    return;
  g_free (tokens->bearer);
  g_free (tokens->signature);
  g_free (tokens);
}

/* ------------------------------------------------------------------------ */
/* Decoding                                                                 */

static JsonObject *
parse_segment (const char  *segment,
               gsize        length,
               const char  *what,
               GError     **error)
{
  g_autoptr(GBytes) bytes = sintesi_jwt_base64url_decode (segment, length);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize size = 0;
  JsonNode *root;

  if (bytes == NULL)
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_BASE64,
                   /* TRANSLATORS: %s is "header", "claims" or "signature" */
                   _("The token's %s is not valid base64url (only letters, digits, “-” and “_”, without padding)."),
                   what);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || !g_utf8_validate (data, size, NULL))
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_JSON,
                   _("The token's %s is not JSON text."), what);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_JSON,
                   _("The token's %s is not valid JSON: %s"), what, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_JSON,
                   _("The token's %s is not a JSON object."), what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

SintesiJwtDecoded *
sintesi_jwt_decode (const char  *token,
                    GError     **error)
{
  g_autoptr(SintesiJwtDecoded) decoded = NULL;
  const char *first_dot;
  const char *second_dot;
  const char *signature;
  JsonNode *x5c;

  g_return_val_if_fail (token != NULL, NULL);

  first_dot = strchr (token, '.');
  second_dot = first_dot != NULL ? strchr (first_dot + 1, '.') : NULL;
  if (second_dot == NULL || strchr (second_dot + 1, '.') != NULL
      || first_dot == token || second_dot == first_dot + 1 || second_dot[1] == '\0')
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_MALFORMED,
                           _("This is not a signed JWT: it must be three non-empty parts (header, claims, signature) separated by dots."));
      return NULL;
    }
  signature = second_dot + 1;

  decoded = g_new0 (SintesiJwtDecoded, 1);
  decoded->header = parse_segment (token, first_dot - token, C_("JWT part", "header"), error);
  if (decoded->header == NULL)
    return NULL;
  decoded->claims = parse_segment (first_dot + 1, second_dot - first_dot - 1, C_("JWT part", "claims"), error);
  if (decoded->claims == NULL)
    return NULL;
  decoded->signature = sintesi_jwt_base64url_decode (signature, strlen (signature));
  if (decoded->signature == NULL)
    {
      g_set_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_BASE64,
                   _("The token's %s is not valid base64url (only letters, digits, “-” and “_”, without padding)."),
                   C_("JWT part", "signature"));
      return NULL;
    }
  decoded->signing_input = g_strndup (token, second_dot - token);

  x5c = json_object_get_member (decoded->header, "x5c");
  if (x5c != NULL && JSON_NODE_HOLDS_ARRAY (x5c) && json_array_get_length (json_node_get_array (x5c)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (x5c), 0);

      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (first);

          if (is_standard_base64 (text))
            {
              gsize size = 0;
              guchar *der = g_base64_decode (text, &size);
              gnutls_x509_crt_t crt;

              decoded->certificate_der = g_bytes_new_take (der, size);
              crt = import_certificate (decoded->certificate_der, NULL);
              if (crt != NULL)
                {
                  decoded->certificate_cn = certificate_cn (crt);
                  gnutls_x509_crt_deinit (crt);
                }
            }
        }
    }
  return g_steal_pointer (&decoded);
}

gboolean
sintesi_jwt_verify (const SintesiJwtDecoded  *decoded,
                    GError                  **error)
{
  gnutls_x509_crt_t crt;
  gboolean ok;

  g_return_val_if_fail (decoded != NULL, FALSE);

  if (decoded->certificate_der == NULL)
    {
      g_set_error_literal (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE,
                           _("The token carries no readable certificate in “x5c”, so its signature cannot be checked."));
      return FALSE;
    }
  crt = import_certificate (decoded->certificate_der, error);
  if (crt == NULL)
    return FALSE;
  ok = verify_with_certificate (crt, decoded->signing_input, decoded->signature, error);
  gnutls_x509_crt_deinit (crt);
  return ok;
}

void
sintesi_jwt_decoded_free (SintesiJwtDecoded *decoded)
{
  if (decoded == NULL)
    return;
  g_clear_pointer (&decoded->header, json_object_unref);
  g_clear_pointer (&decoded->claims, json_object_unref);
  g_free (decoded->signing_input);
  g_clear_pointer (&decoded->signature, g_bytes_unref);
  g_clear_pointer (&decoded->certificate_der, g_bytes_unref);
  g_free (decoded->certificate_cn);
  g_free (decoded);
}

/* ------------------------------------------------------------------------ */
/* Linting                                                                  */

static void
finding_free (gpointer data)
{
  SintesiJwtFinding *finding = data;

  g_free (finding->message);
  g_free (finding);
}

static void add_finding (GPtrArray  *findings,
                         const char *id,
                         const char *token,
                         const char *format,
                         ...) G_GNUC_PRINTF (4, 5);

static void
add_finding (GPtrArray  *findings,
             const char *id,
             const char *token,
             const char *format,
             ...)
{
  SintesiJwtFinding *finding = g_new0 (SintesiJwtFinding, 1);
  va_list args;

  va_start (args, format);
  finding->message = g_strdup_vprintf (format, args);
  va_end (args);
  finding->id = id;
  finding->token = token;
  g_ptr_array_add (findings, finding);
}

static const char *
token_label (const char *token)
{
  return strcmp (token, "bearer") == 0 ? _("Authorization token") : _("Signature token (FSE-JWT-Signature)");
}

GError *
sintesi_jwt_findings_to_error (GPtrArray *findings)
{
  g_autoptr(GString) text = NULL;

  if (findings == NULL || findings->len == 0)
    return NULL;
  text = g_string_new (_("The tokens would be refused by the gateway:"));
  for (guint i = 0; i < findings->len; i++)
    {
      const SintesiJwtFinding *finding = g_ptr_array_index (findings, i);

      g_string_append_printf (text, "\n• %s [%s]: %s", token_label (finding->token),
                              finding->id, finding->message);
    }
  return g_error_new_literal (SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_LINT, text->str);
}

static gboolean
regex_matches (const char *pattern,
               const char *text)
{
  return g_regex_match_simple (pattern, text, 0, 0);
}

/* A string claim, or NULL when absent or not a string (reported apart). */
static const char *
string_claim (JsonObject *claims,
              const char *name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Each claim present has the JSON type the gateway reads (strings non-empty,
 * iat/exp integers, patient_consent a boolean). */
static void
lint_claim_types (GPtrArray  *findings,
                  const char *token,
                  JsonObject *claims)
{
  g_autoptr(GList) members = json_object_get_members (claims);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (claims, name);
      gboolean is_value = JSON_NODE_HOLDS_VALUE (node);
      GType type = is_value ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (strcmp (name, "iat") == 0 || strcmp (name, "exp") == 0)
        {
          if (type != G_TYPE_INT64)
            add_finding (findings, SINTESI_JWT_LINT_TIME_TYPE, token,
                         _("“%s” must be a whole number of seconds since 1970."), name);
        }
      else if (strcmp (name, "patient_consent") == 0)
        {
          if (type != G_TYPE_BOOLEAN)
            add_finding (findings, SINTESI_JWT_LINT_CLAIM_TYPE, token,
                         _("“%s” must be the JSON value true, not text or a number."), name);
        }
      else if (type != G_TYPE_STRING || *json_node_get_string (node) == '\0')
        add_finding (findings, SINTESI_JWT_LINT_CLAIM_TYPE, token,
                     _("“%s” must be a non-empty text value."), name);
    }
}

static void
lint_claim_set (GPtrArray           *findings,
                const char          *token,
                JsonObject          *claims,
                SintesiJwtOperation  operation)
{
  gboolean is_bearer = strcmp (token, "bearer") == 0;
  g_autoptr(GList) members = json_object_get_members (claims);

  if (is_bearer)
    {
      for (gsize i = 0; bearer_claims[i] != NULL; i++)
        if (!json_object_has_member (claims, bearer_claims[i]))
          add_finding (findings, SINTESI_JWT_LINT_CLAIM_MISSING, token,
                       _("The claim “%s” is missing: the gateway requires it."), bearer_claims[i]);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_strv_contains (bearer_claims, l->data))
          add_finding (findings, SINTESI_JWT_LINT_CLAIM_UNEXPECTED, token,
                       _("The claim “%s” does not belong in the authorization token, which carries only iss, sub, aud, iat, exp and jti."),
                       (const char *) l->data);
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (signature_claims); i++)
    if (signature_claims[i].rule[operation] == CLAIM_REQUIRED
        && !json_object_has_member (claims, signature_claims[i].name))
      add_finding (findings, SINTESI_JWT_LINT_CLAIM_MISSING, token,
                   _("The claim “%s” is missing: the gateway requires it for the operation “%s”."),
                   signature_claims[i].name, operation_label (operation));
  for (GList *l = members; l != NULL; l = l->next)
    {
      const ClaimInfo *info = find_signature_claim (l->data);

      if (info == NULL || info->rule[operation] == CLAIM_FORBIDDEN)
        add_finding (findings, SINTESI_JWT_LINT_CLAIM_UNEXPECTED, token,
                     _("The claim “%s” does not belong in a token for the operation “%s”."),
                     (const char *) l->data, operation_label (operation));
    }
}

/* The checks shared by both tokens. Returns the decoded token or NULL. */
static SintesiJwtDecoded *
lint_common (GPtrArray                   *findings,
             const char                  *token,
             const char                  *text,
             const SintesiJwtLintContext *context,
             gint64                       now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtDecoded) decoded = NULL;
  gboolean is_bearer = strcmp (token, "bearer") == 0;
  const char *prefix = is_bearer ? "auth:" : "integrity:";
  const char *alg, *typ, *iss, *aud;
  JsonNode *x5c, *iat_node, *exp_node;

  if (text == NULL || *text == '\0')
    {
      add_finding (findings, SINTESI_JWT_LINT_MALFORMED, token, "%s", _("The token is missing."));
      return NULL;
    }
  decoded = sintesi_jwt_decode (text, &error);
  if (decoded == NULL)
    {
      add_finding (findings, SINTESI_JWT_LINT_MALFORMED, token, "%s", error->message);
      return NULL;
    }

  /* Header */
  alg = json_object_get_string_member_with_default (decoded->header, "alg", "");
  typ = json_object_get_string_member_with_default (decoded->header, "typ", "");
  if (strcmp (alg, "RS256") != 0)
    add_finding (findings, SINTESI_JWT_LINT_HEADER, token,
                 _("The header's “alg” is “%s”; the tokens must be signed with RS256."), alg);
  if (strcmp (typ, "JWT") != 0)
    add_finding (findings, SINTESI_JWT_LINT_HEADER, token,
                 _("The header's “typ” is “%s”; it must be “JWT”."), typ);

  x5c = json_object_get_member (decoded->header, "x5c");
  if (x5c == NULL || !JSON_NODE_HOLDS_ARRAY (x5c) || json_array_get_length (json_node_get_array (x5c)) != 1)
    add_finding (findings, SINTESI_JWT_LINT_X5C, token, "%s",
                 _("The header's “x5c” must be a list holding exactly one certificate: the signature (S1) certificate."));
  else
    {
      JsonNode *first = json_array_get_element (json_node_get_array (x5c), 0);
      const char *value = JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING
                          ? json_node_get_string (first) : NULL;

      if (value == NULL)
        add_finding (findings, SINTESI_JWT_LINT_X5C, token, "%s",
                     _("The certificate in “x5c” must be a text value."));
      else if (strpbrk (value, "\r\n") != NULL)
        add_finding (findings, SINTESI_JWT_LINT_X5C, token, "%s",
                     _("The certificate in “x5c” contains line breaks; the gateway refuses the token (“Invalid token”). It must be on one line."));
      else if (!is_standard_base64 (value))
        add_finding (findings, SINTESI_JWT_LINT_X5C, token, "%s",
                     _("The certificate in “x5c” must be standard base64 with padding (with “+” and “/”, not the “-” and “_” of base64url)."));
      else if (decoded->certificate_cn == NULL)
        add_finding (findings, SINTESI_JWT_LINT_X5C, token, "%s",
                     _("The certificate in “x5c” cannot be read as an X.509 certificate, or has no common name (CN)."));
    }

  if (decoded->certificate_der != NULL && !sintesi_jwt_verify (decoded, &error))
    {
      add_finding (findings, SINTESI_JWT_LINT_SIGNATURE, token, "%s", error->message);
      g_clear_error (&error);
    }

  if (decoded->certificate_cn != NULL)
    {
      if (g_str_has_prefix (decoded->certificate_cn, "A1#"))
        add_finding (findings, SINTESI_JWT_LINT_A1_SIGNER, token,
                     _("The token is signed with the authentication certificate (%s). Tokens must be signed with the signature certificate (S1…); the A1 certificate only opens the connection."),
                     decoded->certificate_cn);
      else if (!g_str_has_prefix (decoded->certificate_cn, "S1#"))
        add_finding (findings, SINTESI_JWT_LINT_SIGNER_NOT_S1, token,
                     _("The token is signed with the certificate “%s”, which is not a SOGEI signature certificate (its CN must start with “S1#”)."),
                     decoded->certificate_cn);
    }

  /* Claims */
  lint_claim_types (findings, token, decoded->claims);

  iss = string_claim (decoded->claims, "iss");
  if (iss != NULL)
    {
      if (!g_str_has_prefix (iss, prefix))
        add_finding (findings, SINTESI_JWT_LINT_ISS_PREFIX, token,
                     _("“iss” is “%s”; in this token it must be “%s” followed by the CN of the signature certificate."),
                     iss, prefix);
      else if (decoded->certificate_cn != NULL
               && strcmp (iss + strlen (prefix), decoded->certificate_cn) != 0)
        add_finding (findings, SINTESI_JWT_LINT_ISS_CN, token,
                     _("“iss” names “%s”, but the token is signed with the certificate “%s”: the two must be the same."),
                     iss + strlen (prefix), decoded->certificate_cn);
    }

  iat_node = json_object_get_member (decoded->claims, "iat");
  exp_node = json_object_get_member (decoded->claims, "exp");
  if (iat_node != NULL && exp_node != NULL
      && JSON_NODE_HOLDS_VALUE (iat_node) && json_node_get_value_type (iat_node) == G_TYPE_INT64
      && JSON_NODE_HOLDS_VALUE (exp_node) && json_node_get_value_type (exp_node) == G_TYPE_INT64)
    {
      gint64 iat = json_node_get_int (iat_node);
      gint64 exp = json_node_get_int (exp_node);

      if (iat >= MILLISECONDS_THRESHOLD || exp >= MILLISECONDS_THRESHOLD)
        add_finding (findings, SINTESI_JWT_LINT_TIME_MILLISECONDS, token, "%s",
                     _("“iat” and “exp” are in milliseconds; the gateway reads seconds since 1970."));
      else
        {
          if (exp - iat != SINTESI_JWT_LIFETIME)
            {
              g_autofree char *lifetime = g_strdup_printf ("%" G_GINT64_FORMAT, exp - iat);

              add_finding (findings, SINTESI_JWT_LINT_LIFETIME, token,
                           _("The token lives %s seconds; Sintesi's tokens live exactly 300 seconds (exp = iat + 300)."),
                           lifetime);
            }
          if (exp <= now)
            add_finding (findings, SINTESI_JWT_LINT_EXPIRED, token, "%s",
                         _("The token has expired: build new tokens right before sending."));
          if (iat > now)
            add_finding (findings, SINTESI_JWT_LINT_FUTURE, token, "%s",
                         _("The token is dated in the future (“iat”); the gateway refuses it. Check that the computer's clock is right."));
        }
    }

  aud = string_claim (decoded->claims, "aud");
  if (aud != NULL)
    {
      if (!regex_matches (AUD_PATTERN, aud))
        add_finding (findings, SINTESI_JWT_LINT_AUD_VERSION, token,
                     _("“aud” is “%s”; it must be the gateway's address including its version, such as …/gateway/v1, without a final slash."),
                     aud);
      else if (context->aud != NULL && strcmp (aud, context->aud) != 0)
        add_finding (findings, SINTESI_JWT_LINT_AUD_MISMATCH, token,
                     _("“aud” is “%s”, but this profile's environment expects “%s”."),
                     aud, context->aud);
    }

  return g_steal_pointer (&decoded);
}

/* sub / person_id: <CF>^^^&2.16.840.1.113883.2.9.4.3.2&ISO with a valid CF.
 * Returns the CF part (newly allocated) or NULL. */
static char *
lint_cx (GPtrArray                   *findings,
         const char                  *token,
         const char                  *claim,
         const char                  *value,
         const char                  *cf_rule,
         const SintesiJwtLintContext *context)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cf = NULL;

  if (value == NULL)
    return NULL;
  if (strstr (value, CX_SUFFIX_AMP) != NULL)
    {
      add_finding (findings, SINTESI_JWT_LINT_CX_AMP, token,
                   _("“%s” contains “&amp;”: it must carry a plain “&” (<CF>^^^&2.16.840.1.113883.2.9.4.3.2&ISO)."),
                   claim);
      return NULL;
    }
  if (!g_str_has_suffix (value, CX_SUFFIX) || strlen (value) == strlen (CX_SUFFIX)
      || strchr (value, '^') != value + strlen (value) - strlen (CX_SUFFIX))
    {
      add_finding (findings, SINTESI_JWT_LINT_CX_FORMAT, token,
                   _("“%s” is “%s”; it must be a codice fiscale followed by ^^^&2.16.840.1.113883.2.9.4.3.2&ISO."),
                   claim, value);
      return NULL;
    }
  cf = g_strndup (value, strlen (value) - strlen (CX_SUFFIX));
  if (!jwt_check_cf (cf, context->cf_test_mode, &error))
    {
      add_finding (findings, cf_rule, token,
                   strcmp (claim, "sub") == 0
                   ? _("The physician's codice fiscale “%s” in “sub” is not valid: %s")
                   : _("The patient's codice fiscale “%s” in “person_id” is not valid: %s"),
                   cf, error->message);
      return NULL;
    }
  return g_steal_pointer (&cf);
}

/* What operation an action_id/attachment_hash pair was built for. */
static const char *
guess_operation_label (const char *action_id,
                       gboolean    has_attachment_hash)
{
  if (g_strcmp0 (action_id, "CREATE") == 0)
    return operation_label (SINTESI_JWT_OPERATION_CREATE);
  if (g_strcmp0 (action_id, "DELETE") == 0)
    return operation_label (SINTESI_JWT_OPERATION_DELETE);
  if (g_strcmp0 (action_id, "UPDATE") == 0)
    return operation_label (has_attachment_hash ? SINTESI_JWT_OPERATION_REPLACE
                                                : SINTESI_JWT_OPERATION_UPDATE);
  return NULL;
}

static void
lint_signature_claims (GPtrArray                   *findings,
                       JsonObject                  *claims,
                       const SintesiJwtLintContext *context)
{
  const char *token = "signature";
  SintesiJwtOperation operation = context->operation;
  const OperationInfo *info = &operations[operation];
  const char *action_id = string_claim (claims, "action_id");
  const char *purpose = string_claim (claims, "purpose_of_use");
  const char *value;
  g_autofree char *person_cf = NULL;
  JsonNode *consent;

  lint_claim_set (findings, token, claims, operation);

  if (action_id != NULL && strcmp (action_id, info->action_id) != 0)
    {
      const char *built_for = guess_operation_label (action_id, json_object_has_member (claims, "attachment_hash"));

      if (built_for != NULL)
        add_finding (findings, SINTESI_JWT_LINT_OPERATION, token,
                     _("This token was built for the operation “%s” (action_id %s), not for “%s”, which needs action_id %s."),
                     built_for, action_id, operation_label (operation), info->action_id);
      else
        add_finding (findings, SINTESI_JWT_LINT_OPERATION, token,
                     _("“action_id” is “%s”; the operation “%s” needs %s (the gateway knows CREATE, READ, UPDATE and DELETE)."),
                     action_id, operation_label (operation), info->action_id);
    }
  if (purpose != NULL)
    {
      gboolean allowed = FALSE;
      g_autofree char *list = g_strjoinv (", ", (char **) info->purposes);

      for (gsize i = 0; info->purposes[i] != NULL; i++)
        allowed |= g_ascii_strcasecmp (purpose, info->purposes[i]) == 0;
      if (!allowed)
        add_finding (findings, SINTESI_JWT_LINT_PURPOSE, token,
                     _("“purpose_of_use” is “%s”; the operation “%s” allows only %s."),
                     purpose, operation_label (operation), list);
    }

  value = string_claim (claims, "subject_organization_id");
  if (value != NULL && strcmp (value, ORGANIZATION_ID) != 0)
    add_finding (findings, SINTESI_JWT_LINT_ORGANIZATION, token,
                 _("“subject_organization_id” is “%s”; for Regione Toscana it must be “090”."), value);
  value = string_claim (claims, "subject_organization");
  if (value != NULL && g_ascii_strcasecmp (value, ORGANIZATION_NAME) != 0)
    add_finding (findings, SINTESI_JWT_LINT_ORGANIZATION, token,
                 _("“subject_organization” is “%s”; it must be “Regione Toscana”, matching the code 090."), value);
  value = string_claim (claims, "subject_role");
  if (value != NULL && strcmp (value, SUBJECT_ROLE) != 0)
    add_finding (findings, SINTESI_JWT_LINT_ROLE, token,
                 _("“subject_role” is “%s”; a general practitioner sends as “APR”."), value);

  consent = json_object_get_member (claims, "patient_consent");
  if (consent != NULL && JSON_NODE_HOLDS_VALUE (consent)
      && json_node_get_value_type (consent) == G_TYPE_BOOLEAN && !json_node_get_boolean (consent))
    add_finding (findings, SINTESI_JWT_LINT_CONSENT, token, "%s",
                 _("“patient_consent” is false; the summary is sent with the patient's consent, so it must be true."));

  value = string_claim (claims, "locality");
  if (value != NULL && !regex_matches (LOCALITY_PATTERN, value))
    add_finding (findings, SINTESI_JWT_LINT_LOCALITY, token,
                 _("“locality” is “%s”; it must be an HL7 XON value such as “STUDIO MEDICO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201”: a name, five “^”, “&” the catalogue OID “&ISO”, four “^”, then the code. Check the locality in the profile."),
                 value);

  person_cf = lint_cx (findings, token, "person_id", string_claim (claims, "person_id"),
                       SINTESI_JWT_LINT_PERSON_ID_CF, context);
  if (person_cf != NULL && context->patient_cf != NULL && strcmp (person_cf, context->patient_cf) != 0)
    add_finding (findings, SINTESI_JWT_LINT_PERSON_ID_PATIENT, token,
                 _("“person_id” names the patient %s, but the document is about %s."),
                 person_cf, context->patient_cf);

  value = string_claim (claims, "resource_hl7_type");
  if (value != NULL)
    {
      if (!regex_matches (RESOURCE_TYPE_PATTERN, value))
        add_finding (findings, SINTESI_JWT_LINT_RESOURCE_TYPE, token,
                     _("“resource_hl7_type” is “%s”; it must be written like ('60591-5^^2.16.840.1.113883.6.1'), with the brackets and quotes."),
                     value);
      else if (context->resource_hl7_type != NULL && operation != SINTESI_JWT_OPERATION_DELETE
               && operation != SINTESI_JWT_OPERATION_UPDATE
               && strcmp (value, context->resource_hl7_type) != 0)
        add_finding (findings, SINTESI_JWT_LINT_RESOURCE_TYPE, token,
                     _("“resource_hl7_type” is %s, but the document's code is %s: the gateway compares the two."),
                     value, context->resource_hl7_type);
    }

  value = string_claim (claims, "attachment_hash");
  /* Where it does not belong, the claim set already says so. */
  if (value != NULL && find_signature_claim ("attachment_hash")->rule[operation] != CLAIM_FORBIDDEN)
    {
      gboolean hex = strlen (value) == 64;

      for (const char *p = value; hex && *p != '\0'; p++)
        hex = g_ascii_isxdigit (*p);
      if (!hex)
        add_finding (findings, SINTESI_JWT_LINT_ATTACHMENT_HASH, token,
                     _("“attachment_hash” is “%s”; it must be the SHA-256 of the PDF in hexadecimal (64 characters)."),
                     value);
      else if (context->document != NULL)
        {
          g_autofree char *actual = sha256_hex (context->document);

          if (g_ascii_strcasecmp (actual, value) != 0)
            add_finding (findings, SINTESI_JWT_LINT_ATTACHMENT_HASH, token, "%s",
                         _("“attachment_hash” is not the SHA-256 of the PDF about to be sent: the file changed after the tokens were built (the gateway answers “Verifica hash fallita”)."));
        }
    }
}

GPtrArray *
sintesi_jwt_lint (const char                  *bearer,
                  const char                  *signature,
                  const SintesiJwtLintContext *context)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func (finding_free);
  g_autoptr(SintesiJwtDecoded) decoded_bearer = NULL;
  g_autoptr(SintesiJwtDecoded) decoded_signature = NULL;
  gint64 now;

  g_return_val_if_fail (context != NULL, findings);
  g_return_val_if_fail (operation_is_valid (context->operation), findings);

  now = context->now != 0 ? context->now : g_get_real_time () / G_USEC_PER_SEC;

  decoded_bearer = lint_common (findings, "bearer", bearer, context, now);
  if (decoded_bearer != NULL)
    {
      g_autofree char *cf = NULL;

      lint_claim_set (findings, "bearer", decoded_bearer->claims, context->operation);
      cf = lint_cx (findings, "bearer", "sub", string_claim (decoded_bearer->claims, "sub"),
                    SINTESI_JWT_LINT_SUB_CF, context);
    }

  decoded_signature = lint_common (findings, "signature", signature, context, now);
  if (decoded_signature != NULL)
    {
      g_autofree char *cf = NULL;

      cf = lint_cx (findings, "signature", "sub", string_claim (decoded_signature->claims, "sub"),
                    SINTESI_JWT_LINT_SUB_CF, context);
      lint_signature_claims (findings, decoded_signature->claims, context);
    }

  /* The pair belongs together. */
  if (decoded_bearer != NULL && decoded_signature != NULL)
    {
      const char *names[] = { "sub", "aud", NULL };
      const char *ids[] = { SINTESI_JWT_LINT_SUB_MISMATCH, SINTESI_JWT_LINT_AUD_MISMATCH };
      const char *jti_b = string_claim (decoded_bearer->claims, "jti");
      const char *jti_s = string_claim (decoded_signature->claims, "jti");

      for (gsize i = 0; names[i] != NULL; i++)
        {
          const char *a = string_claim (decoded_bearer->claims, names[i]);
          const char *b = string_claim (decoded_signature->claims, names[i]);

          if (a != NULL && b != NULL && strcmp (a, b) != 0)
            add_finding (findings, ids[i], "both",
                         _("The two tokens carry different values of “%s” (“%s” and “%s”); they must be the same."),
                         names[i], a, b);
        }
      if (jti_b != NULL && jti_s != NULL && strcmp (jti_b, jti_s) == 0)
        add_finding (findings, SINTESI_JWT_LINT_JTI, "both", "%s",
                     _("The two tokens share the same “jti”; every token needs its own."));
    }

  /* D8: a payload with - or _ would fail a standard base64 decoder. */
  for (int i = 0; i < 2; i++)
    {
      const char *text = i == 0 ? bearer : signature;
      const char *dot = text != NULL ? strchr (text, '.') : NULL;
      const char *end = dot != NULL ? strchr (dot + 1, '.') : NULL;

      if (end != NULL && (memchr (dot + 1, '-', end - dot - 1) != NULL
                          || memchr (dot + 1, '_', end - dot - 1) != NULL))
        add_finding (findings, SINTESI_JWT_LINT_PAYLOAD_ALPHABET, i == 0 ? "bearer" : "signature", "%s",
                     _("The token's claims, once encoded, contain “-” or “_”, which some gateway components cannot decode; build the tokens again."));
    }

  return findings;
}
