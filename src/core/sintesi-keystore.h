/* sintesi-keystore.h: where a profile's credentials are kept (decisions D17)
 *
 * In the profile folder (<config dir>/profiles/<NAME>/, or a folder the
 * caller gives), mode 0600, written atomically:
 *   credentials.ini      what is stored for each slot, and where its secret is
 *   <slot>-chain.pem     the certificate chain, leaf first
 *   <slot>-key.pem       the key as encrypted PKCS#8 (PBES2, AES-256)
 * The key is encrypted with a random secret (32 random bytes, base64) kept
 * in the OS keyring (libsecret schema io.github.sintesi.Sintesi.Credential,
 * attributes "profile" and "slot"; Windows Credential Manager on Windows),
 * or, when no keyring answers, with a passphrase the caller asks once per
 * run. A PKCS#11 key stays on its token: only its URI and certificate are
 * stored, and the PIN is never stored. Nothing unencrypted touches the disk.
 */
#pragma once

#include "sintesi-credentials.h"

G_BEGIN_DECLS

#define SINTESI_KEYSTORE_ERROR (sintesi_keystore_error_quark ())

typedef enum
{
  SINTESI_KEYSTORE_ERROR_NOT_FOUND,          /* nothing stored for this slot */
  SINTESI_KEYSTORE_ERROR_NO_KEYRING,         /* the OS keyring did not answer: use a passphrase */
  SINTESI_KEYSTORE_ERROR_NO_SECRET,          /* the keyring has no secret for this key */
  SINTESI_KEYSTORE_ERROR_PASSPHRASE_NEEDED,  /* stored under a passphrase: give it */
  SINTESI_KEYSTORE_ERROR_WRONG_SECRET,       /* the secret or passphrase does not open the key */
  SINTESI_KEYSTORE_ERROR_CORRUPT,            /* the stored files are unreadable */
  SINTESI_KEYSTORE_ERROR_WRITE,
  SINTESI_KEYSTORE_ERROR_INVALID_NAME,       /* profile name unusable as a folder */
} SintesiKeystoreError;

typedef enum
{
  SINTESI_KEYSTORE_SECRET_NONE,        /* PKCS#11: the token holds the key */
  SINTESI_KEYSTORE_SECRET_KEYRING,     /* random secret in the OS keyring */
  SINTESI_KEYSTORE_SECRET_PASSPHRASE,  /* a passphrase asked once per run */
} SintesiKeystoreSecret;

#define SINTESI_KEYSTORE_SCHEMA_NAME "io.github.sintesi.Sintesi.Credential"

#define SINTESI_TYPE_KEYSTORE (sintesi_keystore_get_type ())
G_DECLARE_FINAL_TYPE (SintesiKeystore, sintesi_keystore, SINTESI, KEYSTORE, GObject)

GQuark           sintesi_keystore_error_quark (void);

/* folder NULL: <config dir>/profiles/<profile_name>. The profile name is
 * also the keyring attribute. NULL with error for an unusable name. */
SintesiKeystore *sintesi_keystore_new         (const char        *profile_name,
                                               const char        *folder,
                                               GError           **error);
const char      *sintesi_keystore_get_folder  (SintesiKeystore   *self);
const char      *sintesi_keystore_get_profile_name (SintesiKeystore *self);

/* Stores cred in its slot, replacing what was there. passphrase NULL: a
 * random secret goes to the OS keyring; when no keyring answers this fails
 * with SINTESI_KEYSTORE_ERROR_NO_KEYRING and the caller asks for a
 * passphrase and calls again with it. PKCS#11 credentials need neither. */
gboolean         sintesi_keystore_store       (SintesiKeystore   *self,
                                               SintesiCredential *cred,
                                               const char        *passphrase,
                                               GError           **error);
gboolean         sintesi_keystore_has_credential (SintesiKeystore       *self,
                                                  SintesiCredentialSlot  slot);
/* Where the slot's secret is, i.e. whether the caller must ask a passphrase. */
SintesiKeystoreSecret sintesi_keystore_get_secret_kind (SintesiKeystore       *self,
                                                        SintesiCredentialSlot  slot);

/* The credential with its key, ready to sign in memory. passphrase is used
 * only for SINTESI_KEYSTORE_SECRET_PASSPHRASE. For PKCS#11 the PIN is asked
 * later, through the credential's PIN function. */
SintesiCredential *sintesi_keystore_load      (SintesiKeystore       *self,
                                               SintesiCredentialSlot  slot,
                                               const char            *passphrase,
                                               GError               **error);
/* Certificates only: for the checks and for display; needs no secret. */
SintesiCredential *sintesi_keystore_load_certificates (SintesiKeystore       *self,
                                                       SintesiCredentialSlot  slot,
                                                       GError               **error);

/* For libcurl (D17): CURLOPT_SSLCERT = chain path; CURLOPT_SSLKEY = key
 * path (or the pkcs11: URI); CURLOPT_KEYPASSWD = the key secret (NULL and
 * no error for PKCS#11). Free the secret with sintesi_keystore_secret_free. */
char            *sintesi_keystore_get_chain_path (SintesiKeystore       *self,
                                                  SintesiCredentialSlot  slot);
char            *sintesi_keystore_get_key_path   (SintesiKeystore       *self,
                                                  SintesiCredentialSlot  slot);
char            *sintesi_keystore_get_key_secret (SintesiKeystore       *self,
                                                  SintesiCredentialSlot  slot,
                                                  const char            *passphrase,
                                                  GError               **error);
void             sintesi_keystore_secret_free    (char *secret);

/* Removes the slot's files and keyring secret. */
gboolean         sintesi_keystore_remove      (SintesiKeystore       *self,
                                               SintesiCredentialSlot  slot,
                                               GError               **error);

G_END_DECLS
