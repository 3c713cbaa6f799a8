/* sintesi-sandbox-pki.h: certificates made by the application for the sandbox
 *
 * The sandbox must work on a fresh machine without openssl or certtool, so
 * its test PKI is made with GnuTLS in memory: a CA for the demo physician's
 * A1/S1 pair (its key is thrown away once they are issued) and, at each
 * start, a throwaway server certificate for the simulator.
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

typedef enum
{
  SINTESI_SANDBOX_CERT_CA,
  SINTESI_SANDBOX_CERT_CLIENT,   /* A1: TLS client */
  SINTESI_SANDBOX_CERT_SIGNING,  /* S1: signs tokens and PDFs */
  SINTESI_SANDBOX_CERT_SERVER,   /* the simulator on 127.0.0.1 */
} SintesiSandboxCertKind;

typedef struct
{
  gnutls_x509_crt_t     certificate;
  gnutls_x509_privkey_t key;
} SintesiSandboxCert;

/* Issued by issuer, or self-signed when issuer is NULL (a CA). */
SintesiSandboxCert *sintesi_sandbox_cert_new      (SintesiSandboxCertKind    kind,
                                                   const char               *common_name,
                                                   guint                     days,
                                                   const SintesiSandboxCert *issuer,
                                                   GError                  **error);
char               *sintesi_sandbox_cert_to_pem   (const SintesiSandboxCert *cert);
/* Key in PEM (PKCS#8), for in-memory use only: never written as is. */
char               *sintesi_sandbox_key_to_pem    (const SintesiSandboxCert *cert);
void                sintesi_sandbox_cert_free     (SintesiSandboxCert       *cert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSandboxCert, sintesi_sandbox_cert_free)

G_END_DECLS
