/* sintesi-jwt.h: the two JWTs every gateway call carries
 *
 * gateway-contract.md §4 and decisions D8–D10: the Authorization Bearer token
 * and the FSE-JWT-Signature token, both RS256 with the S1 certificate in x5c,
 * signed with the S1 key (a file key or a PKCS#11 key: any gnutls_privkey_t).
 * Tokens can be decoded and verified for display, and a linter refuses what
 * the gateway would refuse before anything is sent.
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/abstract.h>
#include <json-glib/json-glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SINTESI_JWT_ERROR (sintesi_jwt_error_quark ())

typedef enum
{
  SINTESI_JWT_ERROR_INVALID_PARAMETERS,  /* a parameter is missing or unusable */
  SINTESI_JWT_ERROR_CERTIFICATE,         /* the S1 certificate cannot be read */
  SINTESI_JWT_ERROR_SIGN,                /* the key refused to sign, or is not RSA */
  SINTESI_JWT_ERROR_KEY_MISMATCH,        /* the key does not belong to the certificate */
  SINTESI_JWT_ERROR_MALFORMED,           /* not three dot-separated segments */
  SINTESI_JWT_ERROR_BASE64,              /* a segment is not base64url */
  SINTESI_JWT_ERROR_JSON,                /* header or claims are not a JSON object */
  SINTESI_JWT_ERROR_SIGNATURE_MISMATCH,  /* the signature does not verify with x5c */
  SINTESI_JWT_ERROR_LINT,                /* the linter found what the gateway refuses */
  SINTESI_JWT_ERROR_CDA,                 /* the CDA lacks the code or the patient's CF */
} SintesiJwtError;

typedef enum
{
  SINTESI_JWT_OPERATION_CREATE,   /* validate-and-create */
  SINTESI_JWT_OPERATION_REPLACE,  /* PUT documents/{id} */
  SINTESI_JWT_OPERATION_DELETE,   /* DELETE documents/{id} */
  SINTESI_JWT_OPERATION_UPDATE,   /* PUT documents/{id}/metadati */
} SintesiJwtOperation;

/* The token lifetime of D8, in seconds. */
#define SINTESI_JWT_LIFETIME 300

/* Everything a pair of tokens is made of. Strings are borrowed. */
typedef struct
{
  SintesiJwtOperation  operation;
  /* Metadata update that changes the P99 obscuring code: purpose_of_use
   * "ACCESS UPDATE" instead of "UPDATE" (D10). Ignored for other operations. */
  gboolean             access_update;

  GBytes              *certificate_der;   /* the S1 certificate (DER) */
  gnutls_privkey_t     key;               /* its private key (RSA) */
  /* The CN put after auth:/integrity:. NULL: the certificate's own CN, which
   * is what the gateway wants; only tests set it. */
  const char          *issuer_cn;

  const char          *physician_cf;      /* sub */
  const char          *patient_cf;        /* person_id */
  /* ('<code>^^<codeSystem>') of the CDA's first <code>; required except for
   * delete, where it is left out. */
  const char          *resource_hl7_type;
  /* create/replace: the exact bytes of the file part (the signed PDF), or
   * their SHA-256 in hex when the bytes are not at hand. */
  GBytes              *document;
  const char          *document_sha256;

  const char          *locality;          /* HL7 XON, gateway-contract §4.3 */
  const char          *application_id;
  const char          *application_vendor;
  const char          *application_version;
  const char          *aud;               /* D9: environment default or profile override */

  gint64               now;               /* seconds since the epoch; 0: the clock */
  /* Accept the national placeholder CF PROVAX00X00X000Y (accreditation). */
  gboolean             cf_test_mode;
} SintesiJwtParams;

typedef struct
{
  char *bearer;     /* Authorization: Bearer <bearer> */
  char *signature;  /* FSE-JWT-Signature: <signature> */
} SintesiJwtTokens;

/* A token taken apart. */
typedef struct
{
  JsonObject *header;
  JsonObject *claims;
  char       *signing_input;    /* base64url(header) "." base64url(claims) */
  GBytes     *signature;
  GBytes     *certificate_der;  /* x5c[0], NULL when absent or not base64 */
  char       *certificate_cn;   /* its CN, NULL when unreadable */
} SintesiJwtDecoded;

/* One thing the gateway would refuse. */
typedef struct
{
  const char *id;       /* stable, e.g. "jwt-iss-prefix" (see below) */
  const char *token;    /* "bearer" or "signature" (or "both") */
  char       *message;  /* one sentence a physician or vendor understands */
} SintesiJwtFinding;

/* What a pair of tokens is checked against. */
typedef struct
{
  SintesiJwtOperation  operation;
  /* The exact bytes about to be sent in the file part: attachment_hash must
   * be their SHA-256. NULL: the hash shape is checked, not its value. */
  GBytes              *document;
  /* Expected values; NULL: not compared. */
  const char          *resource_hl7_type;  /* from the CDA (create/replace) */
  const char          *patient_cf;         /* person_id */
  const char          *aud;                /* the profile's aud */
  gint64               now;                /* 0: the clock */
  gboolean             cf_test_mode;
} SintesiJwtLintContext;

/* Finding ids (SintesiJwtFinding.id). */
#define SINTESI_JWT_LINT_MALFORMED          "jwt-malformed"           /* cannot be decoded */
#define SINTESI_JWT_LINT_SIGNATURE          "jwt-signature"           /* does not verify with its x5c */
#define SINTESI_JWT_LINT_HEADER             "jwt-header"              /* alg not RS256, typ not JWT */
#define SINTESI_JWT_LINT_X5C                "jwt-x5c"                 /* missing, line breaks, not standard base64, not a certificate */
#define SINTESI_JWT_LINT_A1_SIGNER          "jwt-a1-signer"           /* signed with the A1 certificate */
#define SINTESI_JWT_LINT_SIGNER_NOT_S1      "jwt-signer-not-s1"       /* certificate CN does not start with S1# */
#define SINTESI_JWT_LINT_ISS_PREFIX         "jwt-iss-prefix"          /* not auth:/integrity: */
#define SINTESI_JWT_LINT_ISS_CN             "jwt-iss-cn"              /* CN after the prefix is not the certificate's */
#define SINTESI_JWT_LINT_TIME_MILLISECONDS  "jwt-time-milliseconds"   /* iat/exp in ms */
#define SINTESI_JWT_LINT_TIME_TYPE          "jwt-time-type"           /* iat/exp not integers */
#define SINTESI_JWT_LINT_LIFETIME           "jwt-lifetime"            /* exp - iat != 300 */
#define SINTESI_JWT_LINT_EXPIRED            "jwt-expired"             /* exp <= now */
#define SINTESI_JWT_LINT_FUTURE             "jwt-future"              /* iat > now */
#define SINTESI_JWT_LINT_JTI                "jwt-jti"                 /* empty, or the same in both tokens */
#define SINTESI_JWT_LINT_AUD_VERSION        "jwt-aud-version"         /* aud not ending in /v<N> */
#define SINTESI_JWT_LINT_AUD_MISMATCH       "jwt-aud-mismatch"        /* not the profile's aud, or differs between tokens */
#define SINTESI_JWT_LINT_CX_AMP             "jwt-cx-amp"              /* &amp; in sub or person_id */
#define SINTESI_JWT_LINT_CX_FORMAT          "jwt-cx-format"           /* not <CF>^^^&2.16.840.1.113883.2.9.4.3.2&ISO */
#define SINTESI_JWT_LINT_SUB_CF             "jwt-sub-cf"              /* physician CF fails its check */
#define SINTESI_JWT_LINT_SUB_MISMATCH       "jwt-sub-mismatch"        /* sub differs between the tokens */
#define SINTESI_JWT_LINT_PERSON_ID_CF       "jwt-person-id-cf"        /* patient CF fails its check */
#define SINTESI_JWT_LINT_PERSON_ID_PATIENT  "jwt-person-id-patient"   /* not the patient of the document */
#define SINTESI_JWT_LINT_CLAIM_MISSING      "jwt-claim-missing"       /* a claim the operation needs */
#define SINTESI_JWT_LINT_CLAIM_UNEXPECTED   "jwt-claim-unexpected"    /* a claim the operation must not carry */
#define SINTESI_JWT_LINT_CLAIM_TYPE         "jwt-claim-type"          /* a claim of the wrong JSON type, or empty */
#define SINTESI_JWT_LINT_OPERATION          "jwt-operation"           /* action_id not this operation's */
#define SINTESI_JWT_LINT_PURPOSE            "jwt-purpose"             /* purpose_of_use not allowed */
#define SINTESI_JWT_LINT_ORGANIZATION       "jwt-organization"        /* not 090 / Regione Toscana */
#define SINTESI_JWT_LINT_ROLE               "jwt-role"                /* subject_role not APR */
#define SINTESI_JWT_LINT_CONSENT            "jwt-consent"             /* patient_consent not true */
#define SINTESI_JWT_LINT_LOCALITY           "jwt-locality"            /* not an HL7 XON */
#define SINTESI_JWT_LINT_RESOURCE_TYPE      "jwt-resource-type"       /* not ('code^^oid'), or not the CDA's */
#define SINTESI_JWT_LINT_ATTACHMENT_HASH    "jwt-attachment-hash"     /* not SHA-256 hex, or not of the bytes sent */
#define SINTESI_JWT_LINT_PAYLOAD_ALPHABET   "jwt-payload-alphabet"    /* base64url payload with - or _ (D8) */

GQuark              sintesi_jwt_error_quark        (void);

const char         *sintesi_jwt_operation_to_string   (SintesiJwtOperation  operation);
/* "create", "replace", "delete", "update"; FALSE for anything else. */
gboolean            sintesi_jwt_operation_from_string (const char          *text,
                                                       SintesiJwtOperation *operation);

/* Builds and signs both tokens, then lints them (SINTESI_JWT_ERROR_LINT
 * lists every finding). */
SintesiJwtTokens   *sintesi_jwt_build              (const SintesiJwtParams  *params,
                                                    GError                 **error);
void                sintesi_jwt_tokens_free        (SintesiJwtTokens        *tokens);
/* The Authorization token alone, for the status calls (gateway-contract
 * §6.5): only the certificate, key, physician_cf and aud of params count. */
char               *sintesi_jwt_build_bearer       (const SintesiJwtParams  *params,
                                                    GError                 **error);

/* Signs any claims with header {alg RS256, typ JWT, x5c [certificate]}. The
 * building block of sintesi_jwt_build; no linting. */
char               *sintesi_jwt_sign_claims        (JsonObject              *claims,
                                                    GBytes                  *certificate_der,
                                                    gnutls_privkey_t         key,
                                                    GError                 **error);

/* Takes a token apart (malformed, bad base64 and bad JSON are errors). */
SintesiJwtDecoded  *sintesi_jwt_decode             (const char              *token,
                                                    GError                 **error);
/* Verifies the signature with the public key of the token's own x5c. */
gboolean            sintesi_jwt_verify             (const SintesiJwtDecoded *decoded,
                                                    GError                 **error);
void                sintesi_jwt_decoded_free       (SintesiJwtDecoded       *decoded);

/* Everything the gateway would refuse in this pair, in a stable order; an
 * empty array when the pair may be sent. Elements are SintesiJwtFinding. */
GPtrArray          *sintesi_jwt_lint               (const char                  *bearer,
                                                    const char                  *signature,
                                                    const SintesiJwtLintContext *context);
/* NULL for an empty array; otherwise a SINTESI_JWT_ERROR_LINT error listing
 * every finding, one per line. */
GError             *sintesi_jwt_findings_to_error  (GPtrArray                   *findings);

/* Standard base64url without padding, and back (NULL on bad input). */
char               *sintesi_jwt_base64url_encode   (const guint8            *data,
                                                    gsize                    length);
GBytes             *sintesi_jwt_base64url_decode   (const char              *text,
                                                    gsize                    length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiJwtTokens, sintesi_jwt_tokens_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiJwtDecoded, sintesi_jwt_decoded_free)

G_END_DECLS
