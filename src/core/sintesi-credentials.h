/* sintesi-credentials.h: a physician's A1 (TLS) and S1 (signature) credentials
 *
 * Imports a credential from PKCS#12, from PEM certificate + key, or from a
 * PKCS#11 URI (smart card or token through p11-kit), proves that the key
 * belongs to the certificate, and runs the checks of
 * certificates-and-accreditation §4.4 (decisions D17, D18). Storing is the
 * keystore's job (sintesi-keystore.h); this unit never writes a file.
 *
 * A SintesiCredential holds the certificate chain (leaf first) and, when it
 * was loaded with its key, a gnutls_privkey_t usable for signing in memory.
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "sintesi-environment.h"

G_BEGIN_DECLS

#define SINTESI_CREDENTIALS_ERROR (sintesi_credentials_error_quark ())

typedef enum
{
  SINTESI_CREDENTIALS_ERROR_READ,              /* the file cannot be read */
  SINTESI_CREDENTIALS_ERROR_CORRUPT,           /* not a PKCS#12/PEM/DER we can parse */
  SINTESI_CREDENTIALS_ERROR_PASSWORD_NEEDED,   /* encrypted, and no password given */
  SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD,
  SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE,
  SINTESI_CREDENTIALS_ERROR_NO_KEY,
  SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH,      /* the key is not the certificate's */
  SINTESI_CREDENTIALS_ERROR_PKCS11,            /* token, module or URI problem */
  SINTESI_CREDENTIALS_ERROR_PIN,               /* PIN refused or not given */
  SINTESI_CREDENTIALS_ERROR_ROOTS,             /* trusted CA certificates unusable */
} SintesiCredentialsError;

typedef enum
{
  SINTESI_CREDENTIAL_SLOT_AUTH,   /* A1#: TLS client certificate */
  SINTESI_CREDENTIAL_SLOT_SIGN,   /* S1#: signs the JWTs (and the PAdES) */
} SintesiCredentialSlot;

typedef enum
{
  SINTESI_CREDENTIAL_SOURCE_FILE,     /* key in memory (PKCS#12, PEM, or the keystore) */
  SINTESI_CREDENTIAL_SOURCE_PKCS11,   /* key stays on the token */
} SintesiCredentialSource;

/* Asks for a token PIN. token_label is what the token calls itself; retry
 * is TRUE when the previous PIN was refused. Returns a newly allocated PIN
 * (it is wiped and freed after use) or NULL to cancel. */
typedef char *(*SintesiPinFunc) (const char *token_label,
                                 gboolean    retry,
                                 gpointer    user_data);

#define SINTESI_TYPE_CREDENTIAL (sintesi_credential_get_type ())
G_DECLARE_FINAL_TYPE (SintesiCredential, sintesi_credential, SINTESI, CREDENTIAL, GObject)

GQuark       sintesi_credentials_error_quark   (void);
const char  *sintesi_credential_slot_to_string (SintesiCredentialSlot slot); /* "auth", "sign" */

/* Import. password may be NULL for unencrypted material. The key is checked
 * against the certificate before anything is returned. */
SintesiCredential *sintesi_credential_import_pkcs12   (SintesiCredentialSlot   slot,
                                                       const char             *path,
                                                       const char             *password,
                                                       GError                **error);
SintesiCredential *sintesi_credential_import_pem      (SintesiCredentialSlot   slot,
                                                       const char             *cert_path,
                                                       const char             *key_path,
                                                       const char             *password,
                                                       GError                **error);
/* Same, from memory (PEM or DER certificates; PEM key). */
SintesiCredential *sintesi_credential_import_pem_data (SintesiCredentialSlot   slot,
                                                       GBytes                 *certs,
                                                       GBytes                 *key,
                                                       const char             *password,
                                                       GError                **error);
/* key_uri is a pkcs11: URI of the private key. The certificate is read from
 * cert_path when given, otherwise from the token (same URI, type=cert).
 * The PIN is asked through pin_func (it is never stored); the key is used
 * once to prove it matches the certificate. */
SintesiCredential *sintesi_credential_import_pkcs11   (SintesiCredentialSlot   slot,
                                                       const char             *key_uri,
                                                       const char             *cert_path,
                                                       SintesiPinFunc          pin_func,
                                                       gpointer                pin_data,
                                                       GError                **error);
/* A PKCS#11 credential already imported once (the keystore's): the key is
 * opened, and the PIN asked, on first use. */
SintesiCredential *sintesi_credential_new_for_pkcs11_key (SintesiCredentialSlot   slot,
                                                          const char             *key_uri,
                                                          GBytes                 *certs,
                                                          GError                **error);
/* Certificates only (no key): enough for the checks and for display. */
SintesiCredential *sintesi_credential_new_from_certificates (SintesiCredentialSlot   slot,
                                                             GBytes                 *certs,
                                                             GError                **error);

SintesiCredentialSlot    sintesi_credential_get_slot        (SintesiCredential *self);
SintesiCredentialSource  sintesi_credential_get_source      (SintesiCredential *self);
/* The pkcs11: URI of the key, or NULL for a file key. */
const char              *sintesi_credential_get_pkcs11_uri  (SintesiCredential *self);
gboolean                 sintesi_credential_has_private_key (SintesiCredential *self);

/* The leaf certificate and the whole chain (leaf first), owned by self. */
gnutls_x509_crt_t        sintesi_credential_get_certificate (SintesiCredential *self);
const gnutls_x509_crt_t *sintesi_credential_get_chain       (SintesiCredential *self,
                                                             guint             *n_certs);
/* The chain as PEM (leaf first). */
char                    *sintesi_credential_get_chain_pem   (SintesiCredential *self);
/* The leaf's DER, e.g. for the JWT x5c. */
GBytes                  *sintesi_credential_get_certificate_der (SintesiCredential *self);

/* The private key for signing in memory, owned by self. For PKCS#11 the key
 * is opened on first use and the PIN asked through the PIN function. */
gnutls_privkey_t         sintesi_credential_get_privkey     (SintesiCredential *self,
                                                             GError           **error);
void                     sintesi_credential_set_pin_func    (SintesiCredential *self,
                                                             SintesiPinFunc     pin_func,
                                                             gpointer           pin_data,
                                                             GDestroyNotify     pin_data_destroy);

/* The file key re-encrypted as PKCS#8 PBES2 AES-256 PEM under passphrase.
 * Fails for PKCS#11 credentials and credentials without a key. */
char                    *sintesi_credential_export_encrypted_key (SintesiCredential  *self,
                                                                  const char         *passphrase,
                                                                  GError            **error);

/* What a physician is shown (and what `credentials check` prints). */
char       *sintesi_credential_get_cn           (SintesiCredential *self);
char       *sintesi_credential_get_serial       (SintesiCredential *self); /* lowercase hex */
char       *sintesi_credential_get_issuer       (SintesiCredential *self); /* RFC 4514 DN */
GDateTime  *sintesi_credential_get_not_before   (SintesiCredential *self);
GDateTime  *sintesi_credential_get_not_after    (SintesiCredential *self);
char       *sintesi_credential_get_sha256       (SintesiCredential *self); /* lowercase hex of the DER */

/* ---- Checks (certificates-and-accreditation §4.4, D18) ---- */

typedef enum
{
  SINTESI_CHECK_INFO,
  SINTESI_CHECK_WARNING,
  SINTESI_CHECK_ERROR,
} SintesiCheckSeverity;

/* ok is TRUE when there is nothing to say (severity INFO). A warning does
 * not block a send; an error does. */
typedef struct
{
  char                 *id;
  gboolean              ok;
  SintesiCheckSeverity  severity;
  char                 *message;
} SintesiCredentialCheck;

/* Check ids (stable: the CLI prints them). The *-present checks appear
 * only when a credential is missing; the others for each credential given,
 * and cn-pair when both are. */
#define SINTESI_CHECK_AUTH_PRESENT    "auth-present"
#define SINTESI_CHECK_SIGN_PRESENT    "sign-present"
#define SINTESI_CHECK_AUTH_VALIDITY   "auth-validity"
#define SINTESI_CHECK_SIGN_VALIDITY   "sign-validity"
#define SINTESI_CHECK_AUTH_ROLE       "auth-role"
#define SINTESI_CHECK_SIGN_ROLE       "sign-role"
#define SINTESI_CHECK_CN_PAIR         "cn-pair"
#define SINTESI_CHECK_AUTH_ISSUER     "auth-issuer"
#define SINTESI_CHECK_SIGN_ISSUER     "sign-issuer"
#define SINTESI_CHECK_AUTH_KEY_SIZE   "auth-key-size"
#define SINTESI_CHECK_SIGN_KEY_SIZE   "sign-key-size"
#define SINTESI_CHECK_AUTH_SIGNATURE  "auth-signature-algorithm"
#define SINTESI_CHECK_SIGN_SIGNATURE  "sign-signature-algorithm"
#define SINTESI_CHECK_AUTH_CF         "auth-cf"
#define SINTESI_CHECK_SIGN_CF         "sign-cf"

typedef struct
{
  SintesiEnvironment  environment;
  /* The profile's physician CF; NULL skips the comparison (not the CF check). */
  const char         *expected_cf;
  /* PEM files of the SOGEI test PKI (stage) and production PKI; see
   * sintesi_credentials_find_sogei_roots(). */
  const char * const *test_roots;
  const char * const *production_roots;
  /* Sandbox and custom: the profile's (or the simulator's) own CA file. */
  const char         *profile_ca_file;
  /* NULL: now. */
  GDateTime          *now;
} SintesiCredentialCheckOptions;

/* Runs every check on the pair; either credential may be NULL (reported as
 * missing). Returns a GPtrArray of SintesiCredentialCheck*, never NULL. */
GPtrArray  *sintesi_credentials_check           (SintesiCredential                   *auth,
                                                 SintesiCredential                   *sign,
                                                 const SintesiCredentialCheckOptions *options);
/* TRUE when no check failed with severity ERROR. */
gboolean    sintesi_credentials_checks_passed   (GPtrArray *checks);
/* The first failing error check, or NULL. */
const SintesiCredentialCheck *sintesi_credentials_checks_first_error (GPtrArray *checks);
void        sintesi_credential_check_free       (SintesiCredentialCheck *check);
const char *sintesi_check_severity_to_string    (SintesiCheckSeverity severity); /* "info", "warning", "error" */

/* Sorts the PEM files of dir (the SOGEI roots the user imported) into the
 * test PKI ("CA Ministero della Salute Test…") and the production PKI ("CA
 * Ministero della Salute") by their subject, not their file names. */
gboolean    sintesi_credentials_find_sogei_roots (const char   *dir,
                                                  GStrv        *test_roots,
                                                  GStrv        *production_roots,
                                                  GError      **error);
/* Installs SOGEI root certificates (PEM or DER files) into the roots folder;
 * anything but the published roots (checked by fingerprint) is refused.
 * Returns "CN\tinstalled path" strings, one per root. */
GPtrArray  *sintesi_credentials_import_roots     (const char * const *paths,
                                                  GError            **error);
/* <data dir>/ca: where the imported SOGEI roots live. */
char       *sintesi_credentials_default_roots_dir (void);

/* The codice fiscale carried by a per-physician CN (`A1#090201PSS<CF>`),
 * or NULL for CNs without one (vendor test certificates, `A1#111#VENDORXX`). */
char       *sintesi_credentials_cn_cf            (const char *cn);

/* Overwrites secret bytes (a password, a PIN, key material) so that the
 * compiler cannot drop the write; portable to Windows. */
void        sintesi_credentials_wipe             (gpointer data,
                                                  gsize    size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiCredentialCheck, sintesi_credential_check_free)

G_END_DECLS
