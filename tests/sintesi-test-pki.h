/* sintesi-test-pki.h: a throwaway PKI made at test time with certtool/openssl
 *
 * Certificates shaped like SOGEI's (C=IT, O=Ministero della Salute, CN
 * A1#…/S1#…), issued by a test root, with any validity window, digest and
 * key size, exported as PEM and PKCS#12 (modern or legacy encryption).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *dir;
  char *cert;   /* PEM */
  char *key;    /* PEM, unencrypted: test material only, in a temp folder */
  char *cn;
} SintesiTestCa;

typedef enum
{
  SINTESI_TEST_LEAF_CLIENT,   /* TLS client (A1) */
  SINTESI_TEST_LEAF_SIGNING,  /* digital signature (S1) */
  SINTESI_TEST_LEAF_SERVER,   /* TLS server for 127.0.0.1 / localhost */
} SintesiTestLeafKind;

typedef struct
{
  SintesiTestLeafKind  kind;
  const char          *digest;           /* "SHA256" (default) or "SHA1" */
  int                  key_bits;         /* 2048 by default */
  int                  not_before_days;  /* relative to now; default -1 */
  int                  not_after_days;   /* relative to now; default 365 */
  const char          *organization;     /* default "Ministero della Salute" */
} SintesiTestLeafOptions;

typedef struct
{
  char *cert;   /* PEM */
  char *key;    /* PEM PKCS#8, unencrypted (test only) */
  char *cn;
} SintesiTestLeaf;

/* A self-signed root in dir (created if needed). */
SintesiTestCa   *sintesi_test_ca_new     (const char                   *dir,
                                          const char                   *name,
                                          const char                   *cn);
SintesiTestLeaf *sintesi_test_ca_issue   (SintesiTestCa                *ca,
                                          const char                   *name,
                                          const char                   *cn,
                                          const SintesiTestLeafOptions *options);
/* PKCS#12 of leaf (with the CA in it); legacy = RC2/3DES + SHA-1 MAC. */
char            *sintesi_test_leaf_p12   (SintesiTestCa                *ca,
                                          SintesiTestLeaf              *leaf,
                                          const char                   *password,
                                          gboolean                      legacy);
/* The key re-encrypted as PKCS#8 with a password (PBES2 AES-256). */
char            *sintesi_test_leaf_encrypted_key (SintesiTestLeaf      *leaf,
                                                  const char           *password);

void             sintesi_test_ca_free    (SintesiTestCa   *ca);
void             sintesi_test_leaf_free  (SintesiTestLeaf *leaf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiTestCa, sintesi_test_ca_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiTestLeaf, sintesi_test_leaf_free)

G_END_DECLS
