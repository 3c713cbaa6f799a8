/* test-jwt.c: the two gateway tokens, checked by openssl, claim by claim,
 * and every linter rule with a passing and a failing case */
#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>
#include <string.h>

#include "sintesi-environment.h"
#include "sintesi-jwt.h"
#include "sintesi-xml.h"
#include "sintesi-test-pki.h"
#include "sintesi-test-util.h"

#define PHYSICIAN_CF "MNZLSN99E05F205J"
#define PATIENT_CF   "MNTMRA03M71C615V"
#define S1_CN        "S1#090201PSS" PHYSICIAN_CF
#define A1_CN        "A1#090201PSS" PHYSICIAN_CF
#define LOCALITY     "STUDIO MEDICO ROSSI^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201"
#define PSS_TYPE     "('60591-5^^2.16.840.1.113883.6.1')"
#define NOW          G_GINT64_CONSTANT (1790000000)
#define CX(cf)       cf "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"

typedef struct
{
  char             *pem;
  GBytes           *der;
  gnutls_privkey_t  key;
  char             *key_path;
  char             *encrypted_key_path;  /* PKCS#8 PBES2, password "secret" */
} Credential;

static struct
{
  char          *dir;
  SintesiTestCa *ca;
  Credential     s1;
  Credential     a1;
  Credential     s1_sha1;
  Credential     other;   /* a certificate whose CN is no SOGEI CN */
  GBytes        *pdf;
  char          *softhsm_dir;
} pki;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &data, &size, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

static gnutls_privkey_t
load_key (const char *path)
{
  g_autoptr(GBytes) pem = read_bytes (path);
  gnutls_privkey_t key;
  gsize size = 0;
  gnutls_datum_t datum;

  datum.data = (unsigned char *) g_bytes_get_data (pem, &size);
  datum.size = (unsigned int) size;
  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509_raw (key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0), ==, 0);
  return key;
}

static GBytes *
pem_to_der (const char *path)
{
  g_autoptr(GBytes) pem = read_bytes (path);
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum, der = { NULL, 0 };
  gsize size = 0;
  GBytes *result;

  datum.data = (unsigned char *) g_bytes_get_data (pem, &size);
  datum.size = (unsigned int) size;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  result = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  return result;
}

static void
make_credential (Credential                   *credential,
                 const char                   *name,
                 const char                   *cn,
                 const SintesiTestLeafOptions *options)
{
  g_autoptr(SintesiTestLeaf) leaf = sintesi_test_ca_issue (pki.ca, name, cn, options);

  credential->pem = g_strdup (leaf->cert);
  credential->key_path = g_strdup (leaf->key);
  credential->der = pem_to_der (leaf->cert);
  credential->key = load_key (leaf->key);
  credential->encrypted_key_path = sintesi_test_leaf_encrypted_key (leaf, "secret");
}

static void
clear_credential (Credential *credential)
{
  g_free (credential->pem);
  g_free (credential->key_path);
  g_free (credential->encrypted_key_path);
  g_bytes_unref (credential->der);
  gnutls_privkey_deinit (credential->key);
}

static SintesiJwtParams
params_for (SintesiJwtOperation operation)
{
  SintesiJwtParams params = { 0 };

  params.operation = operation;
  params.certificate_der = pki.s1.der;
  params.key = pki.s1.key;
  params.physician_cf = PHYSICIAN_CF;
  params.patient_cf = PATIENT_CF;
  params.resource_hl7_type = PSS_TYPE;
  if (operation == SINTESI_JWT_OPERATION_CREATE || operation == SINTESI_JWT_OPERATION_REPLACE)
    params.document = pki.pdf;
  params.locality = LOCALITY;
  params.application_id = "SINTESI";
  params.application_vendor = "SINTESI PROJECT";
  params.application_version = "V.0.1.0";
  params.aud = "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1";
  params.now = NOW;
  return params;
}

static SintesiJwtLintContext
context_for (SintesiJwtOperation operation)
{
  SintesiJwtLintContext context = { 0 };

  context.operation = operation;
  if (operation == SINTESI_JWT_OPERATION_CREATE || operation == SINTESI_JWT_OPERATION_REPLACE)
    {
      context.document = pki.pdf;
      context.resource_hl7_type = PSS_TYPE;
    }
  context.patient_cf = PATIENT_CF;
  context.aud = "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1";
  context.now = NOW;
  return context;
}

static SintesiJwtTokens *
build_ok (const SintesiJwtParams *params)
{
  g_autoptr(GError) error = NULL;
  SintesiJwtTokens *tokens = sintesi_jwt_build (params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  return tokens;
}

/* Independent of the unit: GLib's base64 after the base64url alphabet swap. */
static GBytes *
independent_b64url_decode (const char *segment,
                           gsize       length)
{
  g_autoptr(GString) text = g_string_new_len (segment, length);
  guchar *data;
  gsize size = 0;

  for (gsize i = 0; i < text->len; i++)
    {
      if (text->str[i] == '-')
        text->str[i] = '+';
      else if (text->str[i] == '_')
        text->str[i] = '/';
    }
  while (text->len % 4 != 0)
    g_string_append_c (text, '=');
  data = g_base64_decode (text->str, &size);
  return g_bytes_new_take (data, size);
}

static JsonObject *
independent_json (const char *segment,
                  gsize       length)
{
  g_autoptr(GBytes) bytes = independent_b64url_decode (segment, length);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

typedef struct
{
  JsonObject *header;
  JsonObject *claims;
  char       *payload_b64;
} Parts;

static void
parts_clear (Parts *parts)
{
  g_clear_pointer (&parts->header, json_object_unref);
  g_clear_pointer (&parts->claims, json_object_unref);
  g_clear_pointer (&parts->payload_b64, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parts, parts_clear)

static void
split_token (const char *token,
             Parts      *parts)
{
  g_auto(GStrv) segments = g_strsplit (token, ".", -1);

  g_assert_cmpuint (g_strv_length (segments), ==, 3);
  parts->header = independent_json (segments[0], strlen (segments[0]));
  parts->claims = independent_json (segments[1], strlen (segments[1]));
  parts->payload_b64 = g_strdup (segments[1]);
}

/* openssl dgst -sha256 -verify with the public key taken from the token's
 * own x5c (openssl x509 -inform DER -pubkey). TRUE when "Verified OK". */
static gboolean
openssl_verifies (const char *token)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *der_path = g_build_filename (dir, "x5c.der", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "pub.pem", NULL);
  g_autofree char *sig_path = g_build_filename (dir, "sig.bin", NULL);
  g_autofree char *input_path = g_build_filename (dir, "input.txt", NULL);
  g_auto(GStrv) segments = g_strsplit (token, ".", -1);
  g_auto(Parts) parts = { 0 };
  g_autofree char *input = NULL;
  g_autofree char *pubkey = NULL;
  g_autofree char *out = NULL;
  g_autofree guchar *der = NULL;
  g_autoptr(GBytes) sig = NULL;
  gsize der_size = 0;
  gboolean verified;
  JsonArray *x5c;

  split_token (token, &parts);
  x5c = json_object_get_array_member (parts.header, "x5c");
  der = g_base64_decode (json_array_get_string_element (x5c, 0), &der_size);
  g_assert_true (g_file_set_contents (der_path, (const char *) der, (gssize) der_size, NULL));
  {
    const char *argv[] = { "openssl", "x509", "-inform", "DER", "-in", der_path, "-pubkey", "-noout", NULL };

    g_assert_cmpint (sintesi_test_run (argv, NULL, &pubkey, NULL), ==, 0);
    g_assert_true (g_file_set_contents (pub_path, pubkey, -1, NULL));
  }
  sig = independent_b64url_decode (segments[2], strlen (segments[2]));
  g_assert_true (g_file_set_contents (sig_path, g_bytes_get_data (sig, NULL), (gssize) g_bytes_get_size (sig), NULL));
  input = g_strconcat (segments[0], ".", segments[1], NULL);
  g_assert_true (g_file_set_contents (input_path, input, -1, NULL));
  {
    const char *argv[] = { "openssl", "dgst", "-sha256", "-verify", pub_path, "-signature", sig_path, input_path, NULL };
    int status = sintesi_test_run (argv, NULL, &out, NULL);

    verified = status == 0 && out != NULL && strstr (out, "Verified OK") != NULL;
  }
  sintesi_test_rmdir (dir);
  return verified;
}

static char *
openssl_sha256_hex (GBytes *bytes)
{
  g_autofree char *dir = sintesi_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "file.pdf", NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { "openssl", "dgst", "-sha256", "-r", path, NULL };

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL));
  g_assert_cmpint (sintesi_test_run (argv, NULL, &out, NULL), ==, 0);
  sintesi_test_rmdir (dir);
  out[64] = '\0';
  return g_strdup (out);
}

static void
assert_members_exactly (JsonObject         *object,
                        const char * const *names)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (gsize i = 0; names[i] != NULL; i++)
    if (!json_object_has_member (object, names[i]))
      g_error ("claim %s missing", names[i]);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (names, l->data))
      g_error ("unexpected claim %s", (const char *) l->data);
}

static void
assert_string (JsonObject *object,
               const char *name,
               const char *expected)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (node), ==, expected);
}

static void
assert_int (JsonObject *object,
            const char *name,
            gint64      expected)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (node), ==, expected);
}

static const SintesiJwtFinding *
find_finding (GPtrArray  *findings,
              const char *id)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const SintesiJwtFinding *finding = g_ptr_array_index (findings, i);

      if (strcmp (finding->id, id) == 0)
        return finding;
    }
  return NULL;
}

/* None of the NULL-terminated ids is among the findings. */
static void
assert_no_finding_among (GPtrArray          *findings,
                         const char * const *ids)
{
  for (const char * const *id = ids; *id != NULL; id++)
    g_assert_null (find_finding (findings, *id));
}

static void
dump_findings (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const SintesiJwtFinding *finding = g_ptr_array_index (findings, i);

      g_test_message ("finding %s (%s): %s", finding->id, finding->token, finding->message);
    }
}

static void
assert_no_findings (GPtrArray *findings)
{
  dump_findings (findings);
  g_assert_cmpuint (findings->len, ==, 0);
}

/* A finding with this id, on this token, whose message contains text. */
static void
assert_finding (GPtrArray  *findings,
                const char *id,
                const char *token,
                const char *text)
{
  dump_findings (findings);
  for (guint i = 0; i < findings->len; i++)
    {
      const SintesiJwtFinding *finding = g_ptr_array_index (findings, i);

      if (strcmp (finding->id, id) == 0 && strcmp (finding->token, token) == 0
          && (text == NULL || strstr (finding->message, text) != NULL))
        return;
    }
  g_error ("no finding %s on the %s token mentioning “%s”", id, token, text);
}

static void
assert_common_claims (JsonObject *claims,
                      const char *prefix,
                      const char *other_jti)
{
  g_autofree char *iss = g_strconcat (prefix, S1_CN, NULL);
  const char *jti;

  assert_string (claims, "iss", iss);
  assert_string (claims, "sub", CX (PHYSICIAN_CF));
  assert_string (claims, "aud", "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1");
  assert_int (claims, "iat", NOW);
  assert_int (claims, "exp", NOW + 300);
  jti = json_object_get_string_member (claims, "jti");
  g_assert_true (g_uuid_string_is_valid (jti));
  if (other_jti != NULL)
    g_assert_cmpstr (jti, !=, other_jti);
}

static void
assert_header (JsonObject *header,
               GBytes     *certificate_der)
{
  static const char * const names[] = { "alg", "typ", "x5c", NULL };
  g_autofree char *expected = g_base64_encode (g_bytes_get_data (certificate_der, NULL),
                                               g_bytes_get_size (certificate_der));
  JsonArray *x5c;

  assert_members_exactly (header, names);
  assert_string (header, "alg", "RS256");
  assert_string (header, "typ", "JWT");
  x5c = json_object_get_array_member (header, "x5c");
  g_assert_cmpuint (json_array_get_length (x5c), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (x5c, 0), ==, expected);
  g_assert_null (strpbrk (json_array_get_string_element (x5c, 0), "\r\n-_"));
}

/* Everything a built pair must be, for one operation: header, bearer claims,
 * signature claims exactly as gateway-contract §4.4 says, openssl verifies
 * both, and the linter agrees. */
static void
check_built_pair (const SintesiJwtParams *params,
                  const char             *action_id,
                  const char             *purpose_of_use,
                  gboolean                has_resource_type,
                  gboolean                has_hash)
{
  g_autoptr(SintesiJwtTokens) tokens = build_ok (params);
  g_auto(Parts) bearer = { 0 };
  g_auto(Parts) signature = { 0 };
  static const char * const bearer_names[] = { "iss", "sub", "aud", "iat", "exp", "jti", NULL };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  static const char * const common[] = {
    "iss", "sub", "aud", "iat", "exp", "jti", "subject_organization_id", "subject_organization",
    "locality", "subject_role", "person_id", "patient_consent", "purpose_of_use", "action_id",
    "subject_application_id", "subject_application_vendor", "subject_application_version", NULL
  };
  SintesiJwtLintContext context = context_for (params->operation);
  g_autoptr(GPtrArray) findings = NULL;

  split_token (tokens->bearer, &bearer);
  split_token (tokens->signature, &signature);

  assert_header (bearer.header, pki.s1.der);
  assert_header (signature.header, pki.s1.der);

  assert_members_exactly (bearer.claims, bearer_names);
  assert_common_claims (bearer.claims, "auth:", NULL);

  for (gsize i = 0; common[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) common[i]);
  if (has_resource_type)
    g_ptr_array_add (names, (gpointer) "resource_hl7_type");
  if (has_hash)
    g_ptr_array_add (names, (gpointer) "attachment_hash");
  g_ptr_array_add (names, NULL);
  assert_members_exactly (signature.claims, (const char * const *) names->pdata);
  assert_common_claims (signature.claims, "integrity:", json_object_get_string_member (bearer.claims, "jti"));
  assert_string (signature.claims, "subject_organization_id", "090");
  assert_string (signature.claims, "subject_organization", "Regione Toscana");
  assert_string (signature.claims, "locality", LOCALITY);
  assert_string (signature.claims, "subject_role", "APR");
  assert_string (signature.claims, "person_id", CX (PATIENT_CF));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (signature.claims, "patient_consent")), ==, G_TYPE_BOOLEAN);
  g_assert_true (json_object_get_boolean_member (signature.claims, "patient_consent"));
  assert_string (signature.claims, "purpose_of_use", purpose_of_use);
  assert_string (signature.claims, "action_id", action_id);
  if (has_resource_type)
    assert_string (signature.claims, "resource_hl7_type", PSS_TYPE);
  if (has_hash)
    {
      g_autofree char *expected = openssl_sha256_hex (pki.pdf);

      assert_string (signature.claims, "attachment_hash", expected);
    }
  assert_string (signature.claims, "subject_application_id", "SINTESI");
  assert_string (signature.claims, "subject_application_vendor", "SINTESI PROJECT");
  assert_string (signature.claims, "subject_application_version", "V.0.1.0");

  /* D8: neither payload has - or _ in its base64url. */
  g_assert_null (strpbrk (bearer.payload_b64, "-_"));
  g_assert_null (strpbrk (signature.payload_b64, "-_"));

  g_assert_true (openssl_verifies (tokens->bearer));
  g_assert_true (openssl_verifies (tokens->signature));

  findings = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
  assert_no_findings (findings);
}

/* ------------------------------------------------------------------------ */
/* Building, per operation                                                  */

static void
test_build_create (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);

  check_built_pair (&params, "CREATE", "TREATMENT", TRUE, TRUE);
}

static void
test_build_replace (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_REPLACE);

  check_built_pair (&params, "UPDATE", "UPDATE", TRUE, TRUE);
}

static void
test_build_delete (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);

  check_built_pair (&params, "DELETE", "UPDATE", FALSE, FALSE);
}

static void
test_build_update (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_UPDATE);

  check_built_pair (&params, "UPDATE", "UPDATE", TRUE, FALSE);
}

static void
test_build_update_access (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_UPDATE);

  /* Changing the P99 obscuring: "ACCESS UPDATE" (D10). */
  params.access_update = TRUE;
  check_built_pair (&params, "UPDATE", "ACCESS UPDATE", TRUE, FALSE);
}

static void
test_build_access_update_only_for_update (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_REPLACE);

  params.access_update = TRUE;
  check_built_pair (&params, "UPDATE", "UPDATE", TRUE, TRUE);
}

static void
test_build_hash_given (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autofree char *hash = openssl_sha256_hex (pki.pdf);
  g_autofree char *upper = g_ascii_strup (hash, -1);
  g_autoptr(SintesiJwtTokens) tokens = NULL;
  g_auto(Parts) parts = { 0 };

  params.document = NULL;
  params.document_sha256 = upper;
  tokens = build_ok (&params);
  split_token (tokens->signature, &parts);
  assert_string (parts.claims, "attachment_hash", hash);  /* lower case hex */
}

static void
test_build_fresh_tokens (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
  g_autoptr(SintesiJwtTokens) first = build_ok (&params);
  g_autoptr(SintesiJwtTokens) second = NULL;
  g_auto(Parts) a = { 0 };
  g_auto(Parts) b = { 0 };

  params.now = 0;  /* the real clock */
  second = build_ok (&params);
  g_assert_cmpstr (first->signature, !=, second->signature);
  split_token (first->signature, &a);
  split_token (second->signature, &b);
  g_assert_cmpstr (json_object_get_string_member (a.claims, "jti"), !=,
                   json_object_get_string_member (b.claims, "jti"));
  {
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    gint64 iat = json_object_get_int_member (b.claims, "iat");

    g_assert_cmpint (iat, <=, now);
    g_assert_cmpint (iat, >=, now - 60);
    g_assert_cmpint (json_object_get_int_member (b.claims, "exp"), ==, iat + 300);
  }
}

/* Text the D8 defence must cope with: bytes that would give - or _ in
 * base64url if written raw ('~', '?', '>', accented letters). */
static void
test_build_payload_alphabet_with_awkward_text (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_UPDATE);
  g_autoptr(SintesiJwtTokens) tokens = NULL;
  g_auto(Parts) parts = { 0 };

  params.locality = "STUDIO ~~~ ??? >>> è à ù ☃ 𝄞^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201";
  params.application_vendor = "ACME ~?> S.R.L.";
  tokens = build_ok (&params);
  split_token (tokens->signature, &parts);
  g_assert_null (strpbrk (parts.payload_b64, "-_"));
  /* The values read back exactly. */
  assert_string (parts.claims, "locality", params.locality);
  assert_string (parts.claims, "subject_application_vendor", "ACME ~?> S.R.L.");
  g_assert_true (openssl_verifies (tokens->signature));
}

static void
test_build_sha1_certificate (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(SintesiJwtTokens) tokens = NULL;
  g_auto(Parts) parts = { 0 };

  /* A SHA-1-signed S1 still yields RS256 (SHA-256) tokens. */
  params.certificate_der = pki.s1_sha1.der;
  params.key = pki.s1_sha1.key;
  tokens = build_ok (&params);
  split_token (tokens->signature, &parts);
  assert_header (parts.header, pki.s1_sha1.der);
  g_assert_true (openssl_verifies (tokens->bearer));
  g_assert_true (openssl_verifies (tokens->signature));
}

static void
test_build_missing_parameters (void)
{
  struct { const char *field; const char *message; } cases[] = {
    { "physician_cf", "physician's codice fiscale" },
    { "patient_cf", "patient's codice fiscale" },
    { "locality", "locality" },
    { "application_id", "application id" },
    { "aud", "aud" },
    { "resource_hl7_type", "resource_hl7_type" },
    { "document", "document" },
    { "certificate_der", "certificate" },
    { "key", "key" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
      g_autoptr(GError) error = NULL;
      g_autoptr(SintesiJwtTokens) tokens = NULL;

      if (strcmp (cases[i].field, "physician_cf") == 0) params.physician_cf = NULL;
      else if (strcmp (cases[i].field, "patient_cf") == 0) params.patient_cf = "";
      else if (strcmp (cases[i].field, "locality") == 0) params.locality = NULL;
      else if (strcmp (cases[i].field, "application_id") == 0) params.application_id = NULL;
      else if (strcmp (cases[i].field, "aud") == 0) params.aud = NULL;
      else if (strcmp (cases[i].field, "resource_hl7_type") == 0) params.resource_hl7_type = NULL;
      else if (strcmp (cases[i].field, "document") == 0) params.document = NULL;
      else if (strcmp (cases[i].field, "certificate_der") == 0) params.certificate_der = NULL;
      else params.key = NULL;

      tokens = sintesi_jwt_build (&params, &error);
      g_assert_null (tokens);
      g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_INVALID_PARAMETERS);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("%s: “%s” does not mention “%s”", cases[i].field, error->message, cases[i].message);
    }

  /* Delete needs neither document nor resource type. */
  {
    SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
    g_autoptr(SintesiJwtTokens) tokens = NULL;

    params.resource_hl7_type = NULL;
    params.document = NULL;
    tokens = build_ok (&params);
  }
}

static void
test_build_key_mismatch (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtTokens) tokens = NULL;

  params.key = pki.a1.key;  /* S1 certificate, A1 key */
  tokens = sintesi_jwt_build (&params, &error);
  g_assert_null (tokens);
  g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_KEY_MISMATCH);
  g_assert_nonnull (strstr (error->message, "does not belong"));
}

static void
test_build_bad_certificate (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a certificate", 17);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtTokens) tokens = NULL;

  params.certificate_der = junk;
  tokens = sintesi_jwt_build (&params, &error);
  g_assert_null (tokens);
  g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "cannot be read"));
}

/* The builder lints what it built: an A1 certificate is refused. */
static void
test_build_refuses_a1 (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtTokens) tokens = NULL;

  params.certificate_der = pki.a1.der;
  params.key = pki.a1.key;
  tokens = sintesi_jwt_build (&params, &error);
  g_assert_null (tokens);
  g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_LINT);
  g_assert_nonnull (strstr (error->message, "[jwt-a1-signer]"));
  g_assert_nonnull (strstr (error->message, "authentication certificate"));
}

static void
test_operation_names (void)
{
  SintesiJwtOperation operation;

  for (int i = SINTESI_JWT_OPERATION_CREATE; i <= SINTESI_JWT_OPERATION_UPDATE; i++)
    {
      g_assert_true (sintesi_jwt_operation_from_string (sintesi_jwt_operation_to_string (i), &operation));
      g_assert_cmpint (operation, ==, i);
    }
  g_assert_cmpstr (sintesi_jwt_operation_to_string (SINTESI_JWT_OPERATION_UPDATE), ==, "update");
  g_assert_false (sintesi_jwt_operation_from_string ("REPLACE", &operation));
  g_assert_false (sintesi_jwt_operation_from_string (NULL, &operation));
}

/* ------------------------------------------------------------------------ */
/* Decoding and verifying                                                   */

static void
test_decode_and_verify (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(SintesiJwtTokens) tokens = build_ok (&params);
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtDecoded) decoded = sintesi_jwt_decode (tokens->signature, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (decoded->certificate_cn, ==, S1_CN);
  g_assert_true (g_bytes_equal (decoded->certificate_der, pki.s1.der));
  g_assert_cmpstr (json_object_get_string_member (decoded->claims, "action_id"), ==, "CREATE");
  g_assert_cmpstr (json_object_get_string_member (decoded->header, "alg"), ==, "RS256");
  g_assert_cmpuint (g_bytes_get_size (decoded->signature), ==, 256);
  g_assert_true (g_str_has_prefix (tokens->signature, decoded->signing_input));
  g_assert_true (sintesi_jwt_verify (decoded, &error));
  g_assert_no_error (error);
}

static void
test_decode_errors (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(SintesiJwtTokens) tokens = build_ok (&params);
  g_auto(GStrv) seg = g_strsplit (tokens->bearer, ".", -1);
  g_autofree char *not_json_b64 = sintesi_jwt_base64url_encode ((const guint8 *) "{not json", 9);
  g_autofree char *array_b64 = sintesi_jwt_base64url_encode ((const guint8 *) "[1,2]", 5);
  g_autofree char *two_parts = g_strconcat (seg[0], ".", seg[1], NULL);
  g_autofree char *four_parts = g_strconcat (tokens->bearer, ".", seg[2], NULL);
  g_autofree char *empty_sig = g_strconcat (seg[0], ".", seg[1], ".", NULL);
  g_autofree char *bad_b64 = g_strconcat (seg[0], ".", seg[1], "*", ".", seg[2], NULL);
  g_autofree char *padded = g_strconcat (seg[0], "=.", seg[1], ".", seg[2], NULL);
  g_autofree char *bad_sig_b64 = g_strconcat (seg[0], ".", seg[1], ".", "ab+c", NULL);
  g_autofree char *not_json = g_strconcat (seg[0], ".", not_json_b64, ".", seg[2], NULL);
  g_autofree char *array = g_strconcat (array_b64, ".", seg[1], ".", seg[2], NULL);
  struct { const char *token; int code; const char *text; } cases[] = {
    { "", SINTESI_JWT_ERROR_MALFORMED, "three" },
    { "abc", SINTESI_JWT_ERROR_MALFORMED, "three" },
    { two_parts, SINTESI_JWT_ERROR_MALFORMED, "three" },
    { four_parts, SINTESI_JWT_ERROR_MALFORMED, "three" },
    { empty_sig, SINTESI_JWT_ERROR_MALFORMED, "three" },
    { bad_b64, SINTESI_JWT_ERROR_BASE64, "claims" },
    { padded, SINTESI_JWT_ERROR_BASE64, "header" },
    { bad_sig_b64, SINTESI_JWT_ERROR_BASE64, "signature" },
    { not_json, SINTESI_JWT_ERROR_JSON, "claims" },
    { array, SINTESI_JWT_ERROR_JSON, "not a JSON object" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SintesiJwtDecoded) decoded = sintesi_jwt_decode (cases[i].token, &error);

      g_assert_null (decoded);
      g_assert_error (error, SINTESI_JWT_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].text) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” does not mention “%s”", i, error->message, cases[i].text);
    }
}

/* Changing one claim after signing: both we and openssl refuse it. */
static void
test_verify_tampered (void)
{
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(SintesiJwtTokens) tokens = build_ok (&params);
  g_auto(GStrv) seg = g_strsplit (tokens->signature, ".", -1);
  g_autoptr(GBytes) payload = independent_b64url_decode (seg[1], strlen (seg[1]));
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  g_autofree char *forged_b64 = NULL;
  g_autofree char *forged = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtDecoded) decoded = NULL;

  g_assert_cmpuint (g_string_replace (text, PATIENT_CF, "RSSMRA80A01H501U", 0), ==, 1);
  forged_b64 = sintesi_jwt_base64url_encode ((const guint8 *) text->str, text->len);
  forged = g_strconcat (seg[0], ".", forged_b64, ".", seg[2], NULL);

  g_assert_true (openssl_verifies (tokens->signature));
  g_assert_false (openssl_verifies (forged));

  decoded = sintesi_jwt_decode (forged, &error);
  g_assert_no_error (error);
  g_assert_false (sintesi_jwt_verify (decoded, &error));
  g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_SIGNATURE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "does not match"));
}

static void
test_base64url (void)
{
  const guint8 bytes[] = { 0xfb, 0xff, 0xfe, 0x00, 0x01 };
  g_autofree char *text = sintesi_jwt_base64url_encode (bytes, sizeof bytes);
  g_autoptr(GBytes) back = sintesi_jwt_base64url_decode (text, strlen (text));

  g_assert_cmpstr (text, ==, "-__-AAE");
  g_assert_nonnull (back);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bytes, sizeof bytes);
  g_assert_null (sintesi_jwt_base64url_decode ("ab+/", 4));
  g_assert_null (sintesi_jwt_base64url_decode ("abcd=", 5));
  g_assert_null (sintesi_jwt_base64url_decode ("abcde", 5));
}

/* ------------------------------------------------------------------------ */
/* The linter                                                               */

typedef void (*Mutation) (JsonObject *claims);

/* Re-signs the claims of token after mutate, with a correct header. */
static char *
resign (const char *token,
        Mutation    mutate,
        Credential *credential)
{
  g_auto(Parts) parts = { 0 };
  g_autoptr(GError) error = NULL;
  char *result;

  split_token (token, &parts);
  if (mutate != NULL)
    mutate (parts.claims);
  result = sintesi_jwt_sign_claims (parts.claims, credential->der, credential->key, &error);
  g_assert_no_error (error);
  return result;
}

/* A token whose header and payload are given as raw JSON text. */
static char *
sign_raw (const char *header_json,
          const char *claims_json,
          Credential *credential)
{
  g_autofree char *h = sintesi_jwt_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  g_autofree char *c = sintesi_jwt_base64url_encode ((const guint8 *) claims_json, strlen (claims_json));
  g_autofree char *input = g_strconcat (h, ".", c, NULL);
  gnutls_datum_t data = { (unsigned char *) input, (unsigned int) strlen (input) };
  gnutls_datum_t sig = { NULL, 0 };
  g_autofree char *s = NULL;

  g_assert_cmpint (gnutls_privkey_sign_data (credential->key, GNUTLS_DIG_SHA256, 0, &data, &sig), ==, 0);
  s = sintesi_jwt_base64url_encode (sig.data, sig.size);
  gnutls_free (sig.data);
  return g_strconcat (input, ".", s, NULL);
}

static char *
claims_text (const char *token)
{
  g_auto(GStrv) seg = g_strsplit (token, ".", -1);
  g_autoptr(GBytes) payload = independent_b64url_decode (seg[1], strlen (seg[1]));

  return g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

static SintesiJwtTokens *
good_pair (SintesiJwtOperation operation)
{
  SintesiJwtParams params = params_for (operation);

  return build_ok (&params);
}

/* Lints the good pair with one token mutated (bearer when on_bearer). */
static GPtrArray *
lint_mutated (SintesiJwtOperation  operation,
              gboolean             on_bearer,
              Mutation             mutate)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (operation);
  g_autofree char *mutated = resign (on_bearer ? tokens->bearer : tokens->signature, mutate, &pki.s1);
  SintesiJwtLintContext context = context_for (operation);

  return sintesi_jwt_lint (on_bearer ? mutated : tokens->bearer,
                           on_bearer ? tokens->signature : mutated, &context);
}

static GPtrArray *
lint_good (SintesiJwtOperation operation)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (operation);
  SintesiJwtLintContext context = context_for (operation);

  return sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
}

static void
test_lint_good_pairs (void)
{
  for (int op = SINTESI_JWT_OPERATION_CREATE; op <= SINTESI_JWT_OPERATION_UPDATE; op++)
    {
      g_autoptr(GPtrArray) findings = lint_good (op);

      assert_no_findings (findings);
    }
  /* Re-signing without change keeps a pair clean (the helpers are sound). */
  {
    g_autoptr(GPtrArray) findings = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, NULL);

    assert_no_findings (findings);
  }
}

static void set_iss_bare (JsonObject *c) { json_object_set_string_member (c, "iss", S1_CN); }
static void set_iss_auth (JsonObject *c) { json_object_set_string_member (c, "iss", "auth:" S1_CN); }
static void set_iss_other_cn (JsonObject *c) { json_object_set_string_member (c, "iss", "integrity:S1#090201PSSRSSMRA80A01H501U"); }

static void
test_lint_iss (void)
{
  g_autoptr(GPtrArray) bare = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_iss_bare);
  g_autoptr(GPtrArray) swapped = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_iss_auth);
  g_autoptr(GPtrArray) other = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_iss_other_cn);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  assert_finding (bare, SINTESI_JWT_LINT_ISS_PREFIX, "signature", "integrity:");
  assert_finding (swapped, SINTESI_JWT_LINT_ISS_PREFIX, "signature", "“auth:" S1_CN "”");
  assert_finding (other, SINTESI_JWT_LINT_ISS_CN, "signature", "S1#090201PSSRSSMRA80A01H501U");
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_ISS_PREFIX));
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_ISS_CN));

  /* Through the builder: an iss CN other than the certificate's. */
  {
    SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
    g_autoptr(GError) error = NULL;
    g_autoptr(SintesiJwtTokens) tokens = NULL;

    params.issuer_cn = "S1#090201PSSRSSMRA80A01H501U";
    tokens = sintesi_jwt_build (&params, &error);
    g_assert_null (tokens);
    g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_LINT);
    g_assert_nonnull (strstr (error->message, "[jwt-iss-cn]"));
  }
}

static void
test_lint_signer (void)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_DELETE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_DELETE);
  g_autofree char *by_a1 = NULL;
  g_autofree char *by_other = NULL;
  g_autoptr(GPtrArray) a1 = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_DELETE);

  by_a1 = resign (tokens->bearer, NULL, &pki.a1);
  by_other = resign (tokens->signature, NULL, &pki.other);
  a1 = sintesi_jwt_lint (by_a1, tokens->signature, &context);
  other = sintesi_jwt_lint (tokens->bearer, by_other, &context);
  assert_finding (a1, SINTESI_JWT_LINT_A1_SIGNER, "bearer", "A1#090201PSS");
  g_assert_null (find_finding (a1, SINTESI_JWT_LINT_SIGNATURE));  /* it is validly signed, by the wrong key */
  assert_finding (other, SINTESI_JWT_LINT_SIGNER_NOT_S1, "signature", "S1#");
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_A1_SIGNER));
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_SIGNER_NOT_S1));
}

static void
test_lint_signature_and_malformed (void)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_CREATE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_CREATE);
  g_auto(GStrv) seg = g_strsplit (tokens->signature, ".", -1);
  g_auto(GStrv) other = g_strsplit (tokens->bearer, ".", -1);
  g_autofree char *wrong_sig = g_strconcat (seg[0], ".", seg[1], ".", other[2], NULL);
  g_autoptr(GPtrArray) bad = sintesi_jwt_lint (tokens->bearer, wrong_sig, &context);
  g_autoptr(GPtrArray) garbage = sintesi_jwt_lint ("garbage", tokens->signature, &context);
  g_autoptr(GPtrArray) missing = sintesi_jwt_lint (tokens->bearer, NULL, &context);

  assert_finding (bad, SINTESI_JWT_LINT_SIGNATURE, "signature", "does not match");
  assert_finding (garbage, SINTESI_JWT_LINT_MALFORMED, "bearer", "three");
  assert_finding (missing, SINTESI_JWT_LINT_MALFORMED, "signature", "missing");
}

static void
test_lint_header_and_x5c (void)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_DELETE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_DELETE);
  g_autofree char *claims = claims_text (tokens->bearer);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (pki.s1.der, NULL), g_bytes_get_size (pki.s1.der));
  g_autoptr(GString) wrapped = g_string_new (NULL);
  g_autofree char *url_safe = g_strdup (b64);
  g_autofree char *h_good = g_strdup_printf ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", b64);
  g_autofree char *h_alg = g_strdup_printf ("{\"alg\":\"RS512\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", b64);
  g_autofree char *h_typ = g_strdup_printf ("{\"alg\":\"RS256\",\"typ\":\"JOSE\",\"x5c\":[\"%s\"]}", b64);
  g_autofree char *h_none = g_strdup ("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
  g_autofree char *h_two = g_strdup_printf ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\",\"%s\"]}", b64, b64);
  g_autofree char *h_wrapped = NULL;
  g_autofree char *h_url = NULL;
  struct { const char *header; const char *id; const char *text; } cases[] = {
    { h_alg, SINTESI_JWT_LINT_HEADER, "RS512" },
    { h_typ, SINTESI_JWT_LINT_HEADER, "JOSE" },
    { h_none, SINTESI_JWT_LINT_X5C, "exactly one" },
    { h_two, SINTESI_JWT_LINT_X5C, "exactly one" },
    { NULL, SINTESI_JWT_LINT_X5C, "line breaks" },
    { NULL, SINTESI_JWT_LINT_X5C, "standard base64" },
  };

  /* x5c as PEM tools print it: 64 characters a line. */
  for (gsize i = 0; b64[i] != '\0'; i++)
    {
      if (i > 0 && i % 64 == 0)
        g_string_append (wrapped, "\\r\\n");
      g_string_append_c (wrapped, b64[i]);
    }
  for (char *p = url_safe; *p != '\0'; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p == '=' ? '\0' : *p;
  h_wrapped = g_strdup_printf ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", wrapped->str);
  h_url = g_strdup_printf ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", url_safe);
  g_assert_true (strcmp (url_safe, b64) != 0);  /* the DER does have + or / or = */
  cases[4].header = h_wrapped;
  cases[5].header = h_url;

  {
    g_autofree char *token = sign_raw (h_good, claims, &pki.s1);
    g_autoptr(GPtrArray) findings = sintesi_jwt_lint (token, tokens->signature, &context);

    assert_no_findings (findings);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = sign_raw (cases[i].header, claims, &pki.s1);
      g_autoptr(GPtrArray) findings = sintesi_jwt_lint (token, tokens->signature, &context);

      assert_finding (findings, cases[i].id, "bearer", cases[i].text);
    }
}

static void set_ms (JsonObject *c)
{
  json_object_set_int_member (c, "iat", NOW * 1000);
  json_object_set_int_member (c, "exp", (NOW + 300) * 1000);
}
static void set_long_life (JsonObject *c) { json_object_set_int_member (c, "exp", NOW + 86400); }
static void set_iat_text (JsonObject *c) { json_object_set_string_member (c, "iat", "1790000000"); }

static void
test_lint_times (void)
{
  g_autoptr(GPtrArray) ms = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, set_ms);
  g_autoptr(GPtrArray) life = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_long_life);
  g_autoptr(GPtrArray) text = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, set_iat_text);
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_CREATE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(GPtrArray) last_second = NULL;
  g_autoptr(GPtrArray) expired = NULL;
  g_autoptr(GPtrArray) future = NULL;
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  assert_finding (ms, SINTESI_JWT_LINT_TIME_MILLISECONDS, "bearer", "milliseconds");
  assert_finding (life, SINTESI_JWT_LINT_LIFETIME, "signature", "86400");
  assert_finding (text, SINTESI_JWT_LINT_TIME_TYPE, "bearer", "iat");

  context.now = NOW + 299;
  last_second = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
  assert_no_findings (last_second);
  context.now = NOW + 300;
  expired = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
  assert_finding (expired, SINTESI_JWT_LINT_EXPIRED, "bearer", "expired");
  context.now = NOW - 1;
  future = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
  assert_finding (future, SINTESI_JWT_LINT_FUTURE, "bearer", "clock");

  assert_no_finding_among (good, (const char *[]) { SINTESI_JWT_LINT_TIME_MILLISECONDS,
                                                    SINTESI_JWT_LINT_LIFETIME, SINTESI_JWT_LINT_TIME_TYPE,
                                                    SINTESI_JWT_LINT_EXPIRED, SINTESI_JWT_LINT_FUTURE, NULL });
}

static char *shared_jti;
static void set_shared_jti (JsonObject *c) { json_object_set_string_member (c, "jti", shared_jti); }
static void set_empty_jti (JsonObject *c) { json_object_set_string_member (c, "jti", ""); }

static void
test_lint_jti (void)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_CREATE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_CREATE);
  g_auto(Parts) bearer = { 0 };
  g_autofree char *same = NULL;
  g_autoptr(GPtrArray) reused = NULL;
  g_autoptr(GPtrArray) empty = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, set_empty_jti);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  split_token (tokens->bearer, &bearer);
  shared_jti = g_strdup (json_object_get_string_member (bearer.claims, "jti"));
  same = resign (tokens->signature, set_shared_jti, &pki.s1);
  reused = sintesi_jwt_lint (tokens->bearer, same, &context);
  assert_finding (reused, SINTESI_JWT_LINT_JTI, "both", "jti");
  assert_finding (empty, SINTESI_JWT_LINT_CLAIM_TYPE, "bearer", "jti");
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_JTI));
  g_clear_pointer (&shared_jti, g_free);
}

static void set_aud_no_version (JsonObject *c) { json_object_set_string_member (c, "aud", "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway"); }
static void set_aud_slash (JsonObject *c) { json_object_set_string_member (c, "aud", "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1/"); }
static void set_aud_prod (JsonObject *c) { json_object_set_string_member (c, "aud", "https://modipa.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1"); }

static void
test_lint_aud (void)
{
  g_autoptr(GPtrArray) no_version = lint_mutated (SINTESI_JWT_OPERATION_DELETE, FALSE, set_aud_no_version);
  g_autoptr(GPtrArray) slash = lint_mutated (SINTESI_JWT_OPERATION_DELETE, TRUE, set_aud_slash);
  g_autoptr(GPtrArray) other = lint_mutated (SINTESI_JWT_OPERATION_DELETE, TRUE, set_aud_prod);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_DELETE);

  assert_finding (no_version, SINTESI_JWT_LINT_AUD_VERSION, "signature", "/gateway/v1");
  assert_finding (slash, SINTESI_JWT_LINT_AUD_VERSION, "bearer", "final slash");
  /* Production aud while the profile is on stage; and the pair disagrees. */
  assert_finding (other, SINTESI_JWT_LINT_AUD_MISMATCH, "bearer", "modipa-val");
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_AUD_VERSION));
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_AUD_MISMATCH));

  /* A profile override with another versioned aud is fine when it agrees. */
  {
    SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
    g_autoptr(SintesiJwtTokens) tokens = NULL;

    params.aud = "https://fse20gwstage.regione.toscana.it/gateway/v2";
    tokens = build_ok (&params);
  }
}

static void set_sub_amp (JsonObject *c) { json_object_set_string_member (c, "sub", PHYSICIAN_CF "^^^&amp;2.16.840.1.113883.2.9.4.3.2&amp;ISO"); }
static void set_person_amp (JsonObject *c) { json_object_set_string_member (c, "person_id", PATIENT_CF "^^^&amp;2.16.840.1.113883.2.9.4.3.2&amp;ISO"); }
static void set_sub_bare (JsonObject *c) { json_object_set_string_member (c, "sub", PHYSICIAN_CF); }
static void set_sub_lower (JsonObject *c) { json_object_set_string_member (c, "sub", CX ("mnzlsn99e05f205j")); }
static void set_sub_other (JsonObject *c) { json_object_set_string_member (c, "sub", CX ("RSSMRA80A01H501U")); }
static void set_person_short (JsonObject *c) { json_object_set_string_member (c, "person_id", CX ("MNTMRA03M71C615")); }
static void set_person_other (JsonObject *c) { json_object_set_string_member (c, "person_id", CX ("RSSMRA80A01H501U")); }

static void
test_lint_cx (void)
{
  g_autoptr(GPtrArray) sub_amp = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, set_sub_amp);
  g_autoptr(GPtrArray) person_amp = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_person_amp);
  g_autoptr(GPtrArray) bare = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_sub_bare);
  g_autoptr(GPtrArray) lower = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, set_sub_lower);
  g_autoptr(GPtrArray) differs = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, set_sub_other);
  g_autoptr(GPtrArray) short_cf = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, set_person_short);
  g_autoptr(GPtrArray) other_patient = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, set_person_other);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  assert_finding (sub_amp, SINTESI_JWT_LINT_CX_AMP, "bearer", "&amp;");
  assert_finding (person_amp, SINTESI_JWT_LINT_CX_AMP, "signature", "person_id");
  assert_finding (bare, SINTESI_JWT_LINT_CX_FORMAT, "signature", "^^^&2.16.840.1.113883.2.9.4.3.2&ISO");
  assert_finding (lower, SINTESI_JWT_LINT_SUB_CF, "bearer", "mnzlsn99e05f205j");
  assert_finding (differs, SINTESI_JWT_LINT_SUB_MISMATCH, "both", "sub");
  assert_finding (short_cf, SINTESI_JWT_LINT_PERSON_ID_CF, "signature", "MNTMRA03M71C615");
  assert_finding (other_patient, SINTESI_JWT_LINT_PERSON_ID_PATIENT, "signature", "RSSMRA80A01H501U");
  assert_no_finding_among (good, (const char *[]) { SINTESI_JWT_LINT_CX_AMP, SINTESI_JWT_LINT_CX_FORMAT,
                                                    SINTESI_JWT_LINT_SUB_CF, SINTESI_JWT_LINT_SUB_MISMATCH,
                                                    SINTESI_JWT_LINT_PERSON_ID_CF,
                                                    SINTESI_JWT_LINT_PERSON_ID_PATIENT, NULL });

  /* The builder refuses a malformed CF before anything is sent. */
  {
    SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
    g_autoptr(GError) error = NULL;
    g_autoptr(SintesiJwtTokens) tokens = NULL;

    params.patient_cf = "MNTMRA03M71C615";
    tokens = sintesi_jwt_build (&params, &error);
    g_assert_null (tokens);
    g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_LINT);
    g_assert_nonnull (strstr (error->message, "[jwt-person-id-cf]"));
  }
}

static void drop_locality (JsonObject *c) { json_object_remove_member (c, "locality"); }
static void drop_hash (JsonObject *c) { json_object_remove_member (c, "attachment_hash"); }
static void drop_resource (JsonObject *c) { json_object_remove_member (c, "resource_hl7_type"); }
static void add_nbf (JsonObject *c) { json_object_set_int_member (c, "nbf", NOW); }
static void add_action (JsonObject *c) { json_object_set_string_member (c, "action_id", "CREATE"); }

static void
test_lint_claim_set (void)
{
  g_autoptr(GPtrArray) no_locality = lint_mutated (SINTESI_JWT_OPERATION_DELETE, FALSE, drop_locality);
  g_autoptr(GPtrArray) no_hash = lint_mutated (SINTESI_JWT_OPERATION_REPLACE, FALSE, drop_hash);
  g_autoptr(GPtrArray) no_resource = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, drop_resource);
  g_autoptr(GPtrArray) delete_no_resource = lint_good (SINTESI_JWT_OPERATION_DELETE);
  g_autoptr(GPtrArray) nbf = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, add_nbf);
  g_autoptr(GPtrArray) bearer_extra = lint_mutated (SINTESI_JWT_OPERATION_CREATE, TRUE, add_action);

  assert_finding (no_locality, SINTESI_JWT_LINT_CLAIM_MISSING, "signature", "locality");
  assert_finding (no_hash, SINTESI_JWT_LINT_CLAIM_MISSING, "signature", "attachment_hash");
  assert_finding (no_resource, SINTESI_JWT_LINT_CLAIM_MISSING, "signature", "resource_hl7_type");
  g_assert_null (find_finding (delete_no_resource, SINTESI_JWT_LINT_CLAIM_MISSING));
  assert_finding (nbf, SINTESI_JWT_LINT_CLAIM_UNEXPECTED, "signature", "nbf");
  assert_finding (bearer_extra, SINTESI_JWT_LINT_CLAIM_UNEXPECTED, "bearer", "action_id");

  /* resource_hl7_type is optional on a delete: carrying it is fine. */
  {
    g_autoptr(SintesiJwtTokens) update = good_pair (SINTESI_JWT_OPERATION_UPDATE);
    g_autoptr(SintesiJwtTokens) deletion = good_pair (SINTESI_JWT_OPERATION_DELETE);
    g_auto(Parts) parts = { 0 };
    g_autofree char *with_type = NULL;
    SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_DELETE);
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(GError) error = NULL;

    split_token (deletion->signature, &parts);
    json_object_set_string_member (parts.claims, "resource_hl7_type", PSS_TYPE);
    with_type = sintesi_jwt_sign_claims (parts.claims, pki.s1.der, pki.s1.key, &error);
    g_assert_no_error (error);
    findings = sintesi_jwt_lint (deletion->bearer, with_type, &context);
    assert_no_findings (findings);
  }
}

/* A pair built for one operation and sent for another fails with the right
 * message: that is what the gateway answers with "action_id non coerente". */
static void
test_lint_wrong_operation (void)
{
  struct {
    SintesiJwtOperation built;
    SintesiJwtOperation used;
    const char *id;
    const char *text;
  } cases[] = {
    { SINTESI_JWT_OPERATION_CREATE, SINTESI_JWT_OPERATION_DELETE, SINTESI_JWT_LINT_OPERATION,
      "built for the operation “create” (action_id CREATE), not for “delete”" },
    { SINTESI_JWT_OPERATION_CREATE, SINTESI_JWT_OPERATION_DELETE, SINTESI_JWT_LINT_CLAIM_UNEXPECTED, "attachment_hash" },
    { SINTESI_JWT_OPERATION_CREATE, SINTESI_JWT_OPERATION_DELETE, SINTESI_JWT_LINT_PURPOSE, "TREATMENT" },
    { SINTESI_JWT_OPERATION_DELETE, SINTESI_JWT_OPERATION_CREATE, SINTESI_JWT_LINT_OPERATION,
      "built for the operation “delete” (action_id DELETE), not for “create”" },
    { SINTESI_JWT_OPERATION_DELETE, SINTESI_JWT_OPERATION_CREATE, SINTESI_JWT_LINT_CLAIM_MISSING, "attachment_hash" },
    { SINTESI_JWT_OPERATION_UPDATE, SINTESI_JWT_OPERATION_CREATE, SINTESI_JWT_LINT_OPERATION,
      "built for the operation “metadata update” (action_id UPDATE), not for “create”" },
    { SINTESI_JWT_OPERATION_REPLACE, SINTESI_JWT_OPERATION_DELETE, SINTESI_JWT_LINT_OPERATION,
      "built for the operation “replace” (action_id UPDATE), not for “delete”" },
    /* Same action_id and purpose: the claim set tells them apart. */
    { SINTESI_JWT_OPERATION_REPLACE, SINTESI_JWT_OPERATION_UPDATE, SINTESI_JWT_LINT_CLAIM_UNEXPECTED,
      "“attachment_hash” does not belong in a token for the operation “metadata update”" },
    { SINTESI_JWT_OPERATION_UPDATE, SINTESI_JWT_OPERATION_REPLACE, SINTESI_JWT_LINT_CLAIM_MISSING,
      "“attachment_hash” is missing: the gateway requires it for the operation “replace”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SintesiJwtTokens) tokens = good_pair (cases[i].built);
      SintesiJwtLintContext context = context_for (cases[i].used);
      g_autoptr(GPtrArray) findings = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);

      assert_finding (findings, cases[i].id, "signature", cases[i].text);
    }
}

static void set_purpose_update (JsonObject *c) { json_object_set_string_member (c, "purpose_of_use", "UPDATE"); }
static void set_purpose_treatment (JsonObject *c) { json_object_set_string_member (c, "purpose_of_use", "TREATMENT"); }
static void set_purpose_access_lower (JsonObject *c) { json_object_set_string_member (c, "purpose_of_use", "access update"); }
static void set_action_replace (JsonObject *c) { json_object_set_string_member (c, "action_id", "REPLACE"); }

static void
test_lint_action_and_purpose (void)
{
  g_autoptr(GPtrArray) create_update = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_purpose_update);
  g_autoptr(GPtrArray) delete_treatment = lint_mutated (SINTESI_JWT_OPERATION_DELETE, FALSE, set_purpose_treatment);
  g_autoptr(GPtrArray) update_treatment = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, set_purpose_treatment);
  g_autoptr(GPtrArray) replace_treatment = lint_mutated (SINTESI_JWT_OPERATION_REPLACE, FALSE, set_purpose_treatment);
  g_autoptr(GPtrArray) update_access = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, set_purpose_access_lower);
  g_autoptr(GPtrArray) no_replace = lint_mutated (SINTESI_JWT_OPERATION_REPLACE, FALSE, set_action_replace);

  assert_finding (create_update, SINTESI_JWT_LINT_PURPOSE, "signature", "allows only TREATMENT");
  assert_finding (delete_treatment, SINTESI_JWT_LINT_PURPOSE, "signature", "allows only UPDATE");
  assert_finding (update_treatment, SINTESI_JWT_LINT_PURPOSE, "signature", "UPDATE, ACCESS UPDATE");
  /* The gateway's code accepts TREATMENT on a replace, and purposes
   * case-insensitively. */
  assert_no_findings (replace_treatment);
  assert_no_findings (update_access);
  assert_finding (no_replace, SINTESI_JWT_LINT_OPERATION, "signature", "CREATE, READ, UPDATE and DELETE");
}

static void set_org_id (JsonObject *c) { json_object_set_string_member (c, "subject_organization_id", "120"); }
static void set_org_name (JsonObject *c) { json_object_set_string_member (c, "subject_organization", "Regione Lazio"); }
static void set_org_name_case (JsonObject *c) { json_object_set_string_member (c, "subject_organization", "REGIONE TOSCANA"); }
static void set_role (JsonObject *c) { json_object_set_string_member (c, "subject_role", "MED"); }
static void set_consent_false (JsonObject *c) { json_object_set_boolean_member (c, "patient_consent", FALSE); }
static void set_consent_text (JsonObject *c) { json_object_set_string_member (c, "patient_consent", "true"); }
static void set_app_empty (JsonObject *c) { json_object_set_string_member (c, "subject_application_version", ""); }

static void
test_lint_subject (void)
{
  g_autoptr(GPtrArray) org_id = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_org_id);
  g_autoptr(GPtrArray) org_name = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_org_name);
  g_autoptr(GPtrArray) org_case = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_org_name_case);
  g_autoptr(GPtrArray) role = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_role);
  g_autoptr(GPtrArray) consent = lint_mutated (SINTESI_JWT_OPERATION_DELETE, FALSE, set_consent_false);
  g_autoptr(GPtrArray) consent_text = lint_mutated (SINTESI_JWT_OPERATION_DELETE, FALSE, set_consent_text);
  g_autoptr(GPtrArray) app = lint_mutated (SINTESI_JWT_OPERATION_DELETE, FALSE, set_app_empty);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  assert_finding (org_id, SINTESI_JWT_LINT_ORGANIZATION, "signature", "090");
  assert_finding (org_name, SINTESI_JWT_LINT_ORGANIZATION, "signature", "Regione Lazio");
  assert_no_findings (org_case);  /* the gateway compares the name ignoring case */
  assert_finding (role, SINTESI_JWT_LINT_ROLE, "signature", "APR");
  assert_finding (consent, SINTESI_JWT_LINT_CONSENT, "signature", "true");
  assert_finding (consent_text, SINTESI_JWT_LINT_CLAIM_TYPE, "signature", "patient_consent");
  assert_finding (app, SINTESI_JWT_LINT_CLAIM_TYPE, "signature", "subject_application_version");
  assert_no_finding_among (good, (const char *[]) { SINTESI_JWT_LINT_ORGANIZATION, SINTESI_JWT_LINT_ROLE,
                                                    SINTESI_JWT_LINT_CONSENT, SINTESI_JWT_LINT_CLAIM_TYPE,
                                                    NULL });
}

static void
test_lint_locality (void)
{
  const char *bad[] = {
    "STUDIO MEDICO ROSSI",                                                       /* a plain name */
    "090201",                                                                   /* an ASL code (old javadoc) */
    "STUDIO^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201",                     /* four ^ before & */
    "STUDIO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^090201",                     /* three ^ after ISO */
    "STUDIO^^^^^&amp;2.16.840.1.113883.2.9.4.1.3&amp;ISO^^^^090201",           /* XML-escaped */
    "STUDIO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^0902^01",                  /* ^ in the code */
  };
  const char *good[] = {
    LOCALITY,
    "LABORATORIO DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^190111123456",  /* [DOC] table 55 */
    "^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^",                                  /* the regex allows empty parts */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
      g_autoptr(GError) error = NULL;
      g_autoptr(SintesiJwtTokens) tokens = NULL;

      params.locality = bad[i];
      tokens = sintesi_jwt_build (&params, &error);
      g_assert_null (tokens);
      g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_LINT);
      g_assert_nonnull (strstr (error->message, "[jwt-locality]"));
      g_assert_nonnull (strstr (error->message, "HL7 XON"));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_DELETE);
      g_autoptr(SintesiJwtTokens) tokens = NULL;

      params.locality = good[i];
      tokens = build_ok (&params);
    }
}

static void set_type_bare (JsonObject *c) { json_object_set_string_member (c, "resource_hl7_type", "60591-5^^2.16.840.1.113883.6.1"); }
static void set_type_other (JsonObject *c) { json_object_set_string_member (c, "resource_hl7_type", "('11488-4^^2.16.840.1.113883.6.1')"); }

static void
test_lint_resource_type (void)
{
  g_autoptr(GPtrArray) bare = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, set_type_bare);
  g_autoptr(GPtrArray) other = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_type_other);
  g_autoptr(GPtrArray) update_other = lint_mutated (SINTESI_JWT_OPERATION_UPDATE, FALSE, set_type_other);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  assert_finding (bare, SINTESI_JWT_LINT_RESOURCE_TYPE, "signature", "brackets and quotes");
  assert_finding (other, SINTESI_JWT_LINT_RESOURCE_TYPE, "signature", "('60591-5^^2.16.840.1.113883.6.1')");
  /* On a metadata update the gateway does not compare it with a document. */
  assert_no_findings (update_other);
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_RESOURCE_TYPE));
}

static void set_hash_short (JsonObject *c) { json_object_set_string_member (c, "attachment_hash", "abc123"); }

static void
test_lint_attachment_hash (void)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_CREATE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_CREATE);
  g_autoptr(GBytes) changed = g_bytes_new_static ("%PDF-1.7 another file", 21);
  g_autoptr(GPtrArray) mismatch = NULL;
  g_autoptr(GPtrArray) shape = lint_mutated (SINTESI_JWT_OPERATION_REPLACE, FALSE, set_hash_short);
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_CREATE);

  context.document = changed;
  mismatch = sintesi_jwt_lint (tokens->bearer, tokens->signature, &context);
  assert_finding (mismatch, SINTESI_JWT_LINT_ATTACHMENT_HASH, "signature", "about to be sent");
  assert_finding (shape, SINTESI_JWT_LINT_ATTACHMENT_HASH, "signature", "64 characters");
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_ATTACHMENT_HASH));
}

static void
test_lint_payload_alphabet (void)
{
  g_autoptr(SintesiJwtTokens) tokens = good_pair (SINTESI_JWT_OPERATION_DELETE);
  SintesiJwtLintContext context = context_for (SINTESI_JWT_OPERATION_DELETE);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (pki.s1.der, NULL), g_bytes_get_size (pki.s1.der));
  g_autofree char *header = g_strdup_printf ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", b64);
  g_autofree char *claims = claims_text (tokens->signature);
  g_autoptr(GString) raw = g_string_new (claims);
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) good = lint_good (SINTESI_JWT_OPERATION_DELETE);

  /* Three '~' in a row: one lands where base64url writes '-'. */
  g_string_replace (raw, "STUDIO MEDICO", "STUDIO ~~~", 1);
  token = sign_raw (header, raw->str, &pki.s1);
  findings = sintesi_jwt_lint (tokens->bearer, token, &context);
  assert_finding (findings, SINTESI_JWT_LINT_PAYLOAD_ALPHABET, "signature", "“-” or “_”");
  g_assert_null (find_finding (good, SINTESI_JWT_LINT_PAYLOAD_ALPHABET));
}

static void
test_findings_to_error (void)
{
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GPtrArray) two = lint_mutated (SINTESI_JWT_OPERATION_CREATE, FALSE, set_role);
  g_autoptr(GError) error = NULL;

  g_assert_null (sintesi_jwt_findings_to_error (empty));
  g_assert_null (sintesi_jwt_findings_to_error (NULL));
  error = sintesi_jwt_findings_to_error (two);
  g_assert_error (error, SINTESI_JWT_ERROR, SINTESI_JWT_ERROR_LINT);
  g_assert_nonnull (strstr (error->message, "Signature token (FSE-JWT-Signature) [jwt-role]"));
}

/* ------------------------------------------------------------------------ */
/* PKCS#11: the S1 key on a SoftHSM2 token                                  */

static void
test_pkcs11_softhsm (void)
{
  const char *module = "/usr/lib/softhsm/libsofthsm2.so";
  g_autofree char *dir = NULL;
  g_autofree char *tokens_dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiJwtTokens) tokens = NULL;
  SintesiJwtParams params = params_for (SINTESI_JWT_OPERATION_CREATE);
  gnutls_privkey_t key;
  int ret;

  if (!sintesi_test_have_program ("softhsm2-util") || !sintesi_test_have_program ("p11tool")
      || !g_file_test (module, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("softhsm2 (softhsm2-util, p11tool and libsofthsm2.so) is not installed");
      return;
    }

  dir = g_strdup (pki.softhsm_dir);
  tokens_dir = g_build_filename (dir, "tokens", NULL);
  conf = g_build_filename (dir, "softhsm2.conf", NULL);
  g_assert_cmpint (g_mkdir (tokens_dir, 0700), ==, 0);
  conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens_dir);
  /* main() pointed SOFTHSM2_CONF here before any thread existed. */
  g_assert_cmpstr (g_getenv ("SOFTHSM2_CONF"), ==, conf);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  {
    const char *argv[] = { "softhsm2-util", "--init-token", "--free", "--label", "sintesi-test",
                           "--pin", "1234", "--so-pin", "123456", NULL };

    g_assert_cmpint (sintesi_test_run (argv, NULL, NULL, &err), ==, 0);
  }
  {
    const char *argv[] = { "p11tool", "--provider", module, "--login", "--write",
                           "--load-privkey", pki.s1.key_path, "--label", "s1", "--mark-private",
                           "pkcs11:token=sintesi-test?pin-value=1234", NULL };
    g_autofree char *out = NULL;
    g_autofree char *p11err = NULL;
    int status = sintesi_test_run (argv, NULL, &out, &p11err);

    if (status != 0)
      g_error ("p11tool: %s%s", out, p11err);
  }

  ret = gnutls_pkcs11_init (GNUTLS_PKCS11_FLAG_MANUAL, NULL);
  g_assert_cmpint (ret, ==, 0);
  ret = gnutls_pkcs11_add_provider (module, NULL);
  if (ret < 0)
    g_error ("gnutls_pkcs11_add_provider: %s", gnutls_strerror (ret));
  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  url = g_strdup ("pkcs11:token=sintesi-test;object=s1;type=private?pin-value=1234");
  ret = gnutls_privkey_import_url (key, url, 0);
  if (ret < 0)
    g_error ("gnutls_privkey_import_url: %s", gnutls_strerror (ret));
  g_assert_cmpint (gnutls_privkey_get_type (key), ==, GNUTLS_PRIVKEY_PKCS11);

  params.key = key;
  tokens = sintesi_jwt_build (&params, &error);
  g_assert_no_error (error);
  g_assert_true (openssl_verifies (tokens->bearer));
  g_assert_true (openssl_verifies (tokens->signature));

  gnutls_privkey_deinit (key);
  gnutls_pkcs11_deinit ();
}


/* ------------------------------------------------------------------------ */
/* What the CDA decides                                                     */

#define MINIMAL_CDA \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n" \
  "  <typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_MT000040UV02\"/>\n" \
  "  <id root=\"2.16.840.1.113883.2.9.2.90.4.4\" extension=\"090201.PSS.201.SINTESI1\"/>\n" \
  "  <code code=\"60591-5\" codeSystem=\"2.16.840.1.113883.6.1\"/>\n" \
  "  <recordTarget><patientRole>\n" \
  "    <id root=\"2.16.840.1.113883.2.9.4.3.7\" extension=\"TEAM0001\"/>\n" \
  "    <id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"" PATIENT_CF "\"/>\n" \
  "  </patientRole></recordTarget>\n" \
  "  <component><structuredBody><component><section><code code=\"11450-4\" codeSystem=\"2.16.840.1.113883.6.1\"/></section></component></structuredBody></component>\n" \
  "</ClinicalDocument>\n"


/* ------------------------------------------------------------------------ */
/* sintesi-cli tokens                                                       */

typedef struct
{
  char *home;
  char *cda;
  char *pdf;
} CliFiles;

static void
cli_files_init (CliFiles *files)
{
  files->home = sintesi_test_mkdtemp ();
  files->cda = g_build_filename (files->home, "pss.xml", NULL);
  files->pdf = g_build_filename (files->home, "pss.pdf", NULL);
  g_assert_true (g_file_set_contents (files->cda, MINIMAL_CDA, -1, NULL));
  g_assert_true (g_file_set_contents (files->pdf, g_bytes_get_data (pki.pdf, NULL), (gssize) g_bytes_get_size (pki.pdf), NULL));
}

static void
cli_files_clear (CliFiles *files)
{
  sintesi_test_rmdir (files->home);
  g_free (files->home);
  g_free (files->cda);
  g_free (files->pdf);
}

static JsonObject *
parse_json_output (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_cli_tokens (void)
{
  CliFiles files;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *hash = openssl_sha256_hex (pki.pdf);
  JsonObject *decoded, *claims, *header;
  int status;

  cli_files_init (&files);
  {
    const char *args[] = { "--json", "tokens", "--operation", "create",
                           "--sign-cert", pki.s1.pem, "--sign-key", pki.s1.encrypted_key_path, "--password-stdin",
                           "--cf", PHYSICIAN_CF, "--cda", files.cda, "--pdf", files.pdf,
                           "--locality", LOCALITY, "--app-id", "SINTESI", "--app-vendor", "SINTESI PROJECT",
                           "--app-version", "V.0.1.0", "--decode", NULL };

    status = sintesi_test_run_cli (files.home, args, "secret\n", &out, &err);
  }
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  root = parse_json_output (out);
  g_assert_true (openssl_verifies (json_object_get_string_member (root, "bearer")));
  g_assert_true (openssl_verifies (json_object_get_string_member (root, "signature")));
  decoded = json_object_get_object_member (root, "decoded");
  header = json_object_get_object_member (json_object_get_object_member (decoded, "signature"), "header");
  claims = json_object_get_object_member (json_object_get_object_member (decoded, "signature"), "claims");
  assert_string (header, "alg", "RS256");
  assert_string (claims, "action_id", "CREATE");
  assert_string (claims, "person_id", CX (PATIENT_CF));  /* from the CDA */
  assert_string (claims, "resource_hl7_type", PSS_TYPE);  /* from the CDA */
  assert_string (claims, "attachment_hash", hash);        /* of the file */
  assert_string (claims, "aud", SINTESI_STAGE_AUD);
  claims = json_object_get_object_member (json_object_get_object_member (decoded, "bearer"), "claims");
  assert_string (claims, "iss", "auth:" S1_CN);
  cli_files_clear (&files);
}

static void
test_cli_tokens_human_and_update (void)
{
  CliFiles files;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  cli_files_init (&files);
  {
    const char *args[] = { "tokens", "--operation", "update", "--access-update",
                           "--sign-cert", pki.s1.pem, "--sign-key", pki.s1.key_path,
                           "--cf", PHYSICIAN_CF, "--patient", PATIENT_CF, "--environment", "production",
                           "--locality", LOCALITY, "--app-id", "SINTESI", "--app-vendor", "SINTESI PROJECT",
                           "--app-version", "V.0.1.0", "--decode", NULL };

    status = sintesi_test_run_cli (files.home, args, NULL, &out, &err);
  }
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "Authorization: Bearer ey"));
  g_assert_nonnull (strstr (out, "\nFSE-JWT-Signature: ey"));
  g_assert_nonnull (strstr (out, "\"purpose_of_use\" : \"ACCESS UPDATE\""));
  g_assert_nonnull (strstr (out, "\"aud\" : \"https://modipa.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1\""));
  cli_files_clear (&files);
}

static void
test_cli_tokens_refusals (void)
{
  CliFiles files;
  struct {
    const char *what;
    const char *key;
    const char *cert;
    const char *operation;
    const char *stdin_data;
    const char *locality;
    int status;
    const char *text;
  } cases[] = {
    { "wrong password", NULL, NULL, "create", "wrong\n", LOCALITY, 2, "password" },
    { "no password", NULL, NULL, "create", NULL, LOCALITY, 2, "password" },
    { "A1 signs", "a1", "a1", "create", "secret\n", LOCALITY, 1, "jwt-a1-signer" },
    { "bad locality", NULL, NULL, "delete", "secret\n", "STUDIO MEDICO", 1, "jwt-locality" },
    { "no locality", NULL, NULL, "delete", "secret\n", NULL, 2, "--locality" },
    { "bad operation", NULL, NULL, "REPLACE", "secret\n", LOCALITY, 2, "--operation" },
  };

  cli_files_init (&files);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonObject) root = NULL;
      Credential *credential = cases[i].key != NULL ? &pki.a1 : &pki.s1;
      const char *message;
      int status;

      g_ptr_array_add (args, (gpointer) "--json");
      g_ptr_array_add (args, (gpointer) "tokens");
      g_ptr_array_add (args, (gpointer) "--operation");
      g_ptr_array_add (args, (gpointer) cases[i].operation);
      g_ptr_array_add (args, (gpointer) "--sign-cert");
      g_ptr_array_add (args, credential->pem);
      g_ptr_array_add (args, (gpointer) "--sign-key");
      g_ptr_array_add (args, credential->encrypted_key_path);
      if (cases[i].stdin_data != NULL)
        g_ptr_array_add (args, (gpointer) "--password-stdin");
      g_ptr_array_add (args, (gpointer) "--cf");
      g_ptr_array_add (args, (gpointer) PHYSICIAN_CF);
      g_ptr_array_add (args, (gpointer) "--cda");
      g_ptr_array_add (args, files.cda);
      g_ptr_array_add (args, (gpointer) "--pdf");
      g_ptr_array_add (args, files.pdf);
      if (cases[i].locality != NULL)
        {
          g_ptr_array_add (args, (gpointer) "--locality");
          g_ptr_array_add (args, (gpointer) cases[i].locality);
        }
      g_ptr_array_add (args, (gpointer) "--app-id=SINTESI");
      g_ptr_array_add (args, (gpointer) "--app-vendor=SINTESI PROJECT");
      g_ptr_array_add (args, (gpointer) "--app-version=V.0.1.0");
      g_ptr_array_add (args, NULL);

      status = sintesi_test_run_cli (files.home, (const char * const *) args->pdata, cases[i].stdin_data, &out, &err);
      g_test_message ("%s: %d %s", cases[i].what, status, err);
      g_assert_cmpint (status, ==, cases[i].status);
      root = parse_json_output (out);  /* exactly one JSON object, even on failure */
      message = json_object_get_string_member (json_object_get_object_member (root, "error"), "message");
      if (strstr (message, cases[i].text) == NULL)
        g_error ("%s: “%s” does not mention “%s”", cases[i].what, message, cases[i].text);
    }
  cli_files_clear (&files);
}

/* ------------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
  SintesiTestLeafOptions sha1 = { SINTESI_TEST_LEAF_SIGNING, "SHA1", 2048, -1, 365, NULL };
  SintesiTestLeafOptions client = { SINTESI_TEST_LEAF_CLIENT, "SHA256", 2048, -1, 365, NULL };
  g_autofree char *ca_dir = NULL;
  g_autofree char *softhsm_conf = NULL;
  int status;

  /* SoftHSM2 reads SOFTHSM2_CONF in this process: set it while there is
   * only one thread (setenv is not thread-safe). */
  pki.softhsm_dir = g_dir_make_tmp ("sintesi-softhsm-XXXXXX", NULL);
  g_assert (pki.softhsm_dir != NULL);
  softhsm_conf = g_build_filename (pki.softhsm_dir, "softhsm2.conf", NULL);
  g_setenv ("SOFTHSM2_CONF", softhsm_conf, TRUE);

  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();

  pki.dir = sintesi_test_mkdtemp ();
  ca_dir = g_build_filename (pki.dir, "ca", NULL);
  pki.ca = sintesi_test_ca_new (ca_dir, "root", "CA Ministero della Salute Test (Sintesi)");
  make_credential (&pki.s1, "s1", S1_CN, NULL);
  make_credential (&pki.a1, "a1", A1_CN, &client);
  make_credential (&pki.s1_sha1, "s1-sha1", "S1#111#SINTESIVENDORXX", &sha1);
  make_credential (&pki.other, "other", "Mario Rossi", NULL);
  pki.pdf = g_bytes_new_static ("%PDF-1.7\n% signed summary stand-in\n%%EOF\n", 41);

  g_test_add_func ("/jwt/build/create", test_build_create);
  g_test_add_func ("/jwt/build/replace", test_build_replace);
  g_test_add_func ("/jwt/build/delete", test_build_delete);
  g_test_add_func ("/jwt/build/update", test_build_update);
  g_test_add_func ("/jwt/build/update-access-p99", test_build_update_access);
  g_test_add_func ("/jwt/build/access-update-only-for-update", test_build_access_update_only_for_update);
  g_test_add_func ("/jwt/build/hash-given", test_build_hash_given);
  g_test_add_func ("/jwt/build/fresh-tokens", test_build_fresh_tokens);
  g_test_add_func ("/jwt/build/payload-alphabet", test_build_payload_alphabet_with_awkward_text);
  g_test_add_func ("/jwt/build/sha1-certificate", test_build_sha1_certificate);
  g_test_add_func ("/jwt/build/missing-parameters", test_build_missing_parameters);
  g_test_add_func ("/jwt/build/key-mismatch", test_build_key_mismatch);
  g_test_add_func ("/jwt/build/bad-certificate", test_build_bad_certificate);
  g_test_add_func ("/jwt/build/refuses-a1", test_build_refuses_a1);
  g_test_add_func ("/jwt/operation-names", test_operation_names);
  g_test_add_func ("/jwt/decode/verify", test_decode_and_verify);
  g_test_add_func ("/jwt/decode/errors", test_decode_errors);
  g_test_add_func ("/jwt/decode/tampered", test_verify_tampered);
  g_test_add_func ("/jwt/base64url", test_base64url);
  g_test_add_func ("/jwt/lint/good-pairs", test_lint_good_pairs);
  g_test_add_func ("/jwt/lint/iss", test_lint_iss);
  g_test_add_func ("/jwt/lint/signer", test_lint_signer);
  g_test_add_func ("/jwt/lint/signature-malformed", test_lint_signature_and_malformed);
  g_test_add_func ("/jwt/lint/header-x5c", test_lint_header_and_x5c);
  g_test_add_func ("/jwt/lint/times", test_lint_times);
  g_test_add_func ("/jwt/lint/jti", test_lint_jti);
  g_test_add_func ("/jwt/lint/aud", test_lint_aud);
  g_test_add_func ("/jwt/lint/cx", test_lint_cx);
  g_test_add_func ("/jwt/lint/claim-set", test_lint_claim_set);
  g_test_add_func ("/jwt/lint/wrong-operation", test_lint_wrong_operation);
  g_test_add_func ("/jwt/lint/action-purpose", test_lint_action_and_purpose);
  g_test_add_func ("/jwt/lint/subject", test_lint_subject);
  g_test_add_func ("/jwt/lint/locality", test_lint_locality);
  g_test_add_func ("/jwt/lint/resource-type", test_lint_resource_type);
  g_test_add_func ("/jwt/lint/attachment-hash", test_lint_attachment_hash);
  g_test_add_func ("/jwt/lint/payload-alphabet", test_lint_payload_alphabet);
  g_test_add_func ("/jwt/lint/findings-to-error", test_findings_to_error);
  g_test_add_func ("/jwt/pkcs11/softhsm", test_pkcs11_softhsm);
  g_test_add_func ("/jwt/cli/tokens", test_cli_tokens);
  g_test_add_func ("/jwt/cli/tokens-human-update", test_cli_tokens_human_and_update);
  g_test_add_func ("/jwt/cli/tokens-refusals", test_cli_tokens_refusals);

  status = g_test_run ();

  clear_credential (&pki.s1);
  clear_credential (&pki.a1);
  clear_credential (&pki.s1_sha1);
  clear_credential (&pki.other);
  g_bytes_unref (pki.pdf);
  sintesi_test_ca_free (pki.ca);
  sintesi_test_rmdir (pki.dir);
  g_free (pki.dir);
  sintesi_test_rmdir (pki.softhsm_dir);
  g_free (pki.softhsm_dir);
  gnutls_global_deinit ();
  return status;
}
