/* sintesi-sandbox-pki.c: certificates made by the application for the sandbox */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "sintesi-sandbox-pki.h"

static gboolean
check (int          result,
       const char  *what,
       GError     **error)
{
  if (result >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("Cannot make the sandbox certificates (%s: %s)."), what, gnutls_strerror (result));
  return FALSE;
}

void
sintesi_sandbox_cert_free (SintesiSandboxCert *cert)
{
  if (cert == NULL)
    return;
  if (cert->certificate != NULL)
    gnutls_x509_crt_deinit (cert->certificate);
  if (cert->key != NULL)
    gnutls_x509_privkey_deinit (cert->key);
  g_free (cert);
}

SintesiSandboxCert *
sintesi_sandbox_cert_new (SintesiSandboxCertKind    kind,
                          const char               *common_name,
                          guint                     days,
                          const SintesiSandboxCert *issuer,
                          GError                  **error)
{
  g_autoptr(SintesiSandboxCert) cert = g_new0 (SintesiSandboxCert, 1);
  gnutls_x509_crt_t crt;
  guint8 serial[16];
  time_t now = time (NULL);
  unsigned int usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;

  if (!check (gnutls_x509_privkey_init (&cert->key), "privkey_init", error) ||
      !check (gnutls_x509_privkey_generate (cert->key, GNUTLS_PK_RSA, 2048, 0), "generate", error) ||
      !check (gnutls_x509_crt_init (&cert->certificate), "crt_init", error))
    return NULL;
  crt = cert->certificate;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;  /* a positive INTEGER */
  if (!check (gnutls_x509_crt_set_version (crt, 3), "version", error) ||
      !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, now - 3600), "activation", error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, now + (time_t) days * 86400), "expiration", error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "IT", 2), "country", error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                             "Sintesi Sandbox", strlen ("Sintesi Sandbox")), "organization", error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                             common_name, strlen (common_name)), "cn", error) ||
      !check (gnutls_x509_crt_set_key (crt, cert->key), "set_key", error))
    return NULL;

  switch (kind)
    {
    case SINTESI_SANDBOX_CERT_CA:
      usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (!check (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), "ca", error))
        return NULL;
      break;
    case SINTESI_SANDBOX_CERT_CLIENT:
      if (!check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0), "eku", error))
        return NULL;
      break;
    case SINTESI_SANDBOX_CERT_SERVER:
      usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      if (!check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "eku", error) ||
          !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                        strlen ("localhost"), GNUTLS_FSAN_APPEND), "san", error) ||
          !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, "\x7f\x00\x00\x01", 4,
                                                        GNUTLS_FSAN_APPEND), "san", error))
        return NULL;
      break;
    case SINTESI_SANDBOX_CERT_SIGNING:
    default:
      usage |= GNUTLS_KEY_NON_REPUDIATION;
      break;
    }
  if (kind != SINTESI_SANDBOX_CERT_CA &&
      !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "basic", error))
    return NULL;
  if (!check (gnutls_x509_crt_set_key_usage (crt, usage), "usage", error))
    return NULL;
  if (gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_size) >= 0)
    gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  if (issuer != NULL)
    {
      key_id_size = sizeof key_id;
      if (gnutls_x509_crt_get_subject_key_id (issuer->certificate, key_id, &key_id_size, NULL) >= 0)
        gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size);
    }

  if (!check (gnutls_x509_crt_sign2 (crt,
                                     issuer != NULL ? issuer->certificate : crt,
                                     issuer != NULL ? issuer->key : cert->key,
                                     GNUTLS_DIG_SHA256, 0), "sign", error))
    return NULL;
  return g_steal_pointer (&cert);
}

char *
sintesi_sandbox_cert_to_pem (const SintesiSandboxCert *cert)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  if (gnutls_x509_crt_export2 (cert->certificate, GNUTLS_X509_FMT_PEM, &out) < 0)
    return NULL;
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

char *
sintesi_sandbox_key_to_pem (const SintesiSandboxCert *cert)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  if (gnutls_x509_privkey_export2_pkcs8 (cert->key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &out) < 0)
    return NULL;
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_memset (out.data, 0, out.size);
  gnutls_free (out.data);
  return pem;
}
