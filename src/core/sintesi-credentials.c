/* sintesi-credentials.c: a physician's A1 and S1 credentials, and their checks */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs12.h>
#include <string.h>
#ifdef G_OS_WIN32
#include <windows.h>
#endif

#include "sintesi-credentials.h"
#include "sintesi-paths.h"
#include "sintesi-cf.h"

G_DEFINE_QUARK (sintesi-credentials-error-quark, sintesi_credentials_error)

/* Certificate files are small; anything larger is not one. */
#define MAX_CREDENTIAL_FILE_SIZE (1024 * 1024)

struct _SintesiCredential
{
  GObject                  parent_instance;

  SintesiCredentialSlot    slot;
  SintesiCredentialSource  source;
  gnutls_x509_crt_t       *chain;      /* leaf first */
  guint                    n_chain;
  gnutls_x509_privkey_t    x509_key;   /* file keys only */
  gnutls_privkey_t         privkey;    /* opened lazily for PKCS#11 */
  char                    *pkcs11_uri;

  SintesiPinFunc           pin_func;
  gpointer                 pin_data;
  GDestroyNotify           pin_data_destroy;
  gboolean                 pin_cancelled;
  gboolean                 pin_final_try;
};

G_DEFINE_FINAL_TYPE (SintesiCredential, sintesi_credential, G_TYPE_OBJECT)

static void
sintesi_credential_finalize (GObject *object)
{
  SintesiCredential *self = SINTESI_CREDENTIAL (object);

  for (guint i = 0; i < self->n_chain; i++)
    gnutls_x509_crt_deinit (self->chain[i]);
  g_free (self->chain);
  if (self->privkey != NULL)
    gnutls_privkey_deinit (self->privkey);
  if (self->x509_key != NULL)
    gnutls_x509_privkey_deinit (self->x509_key);
  g_free (self->pkcs11_uri);
  if (self->pin_data_destroy != NULL)
    self->pin_data_destroy (self->pin_data);

  G_OBJECT_CLASS (sintesi_credential_parent_class)->finalize (object);
}

static void
sintesi_credential_class_init (SintesiCredentialClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_credential_finalize;
}

static void
sintesi_credential_init (SintesiCredential *self)
{
}

const char *
sintesi_credential_slot_to_string (SintesiCredentialSlot slot)
{
  return slot == SINTESI_CREDENTIAL_SLOT_AUTH ? "auth" : "sign";
}

/* The subject of a sentence naming the certificate of a slot. */
static const char *
slot_label (SintesiCredentialSlot slot)
{
  return slot == SINTESI_CREDENTIAL_SLOT_AUTH
    ? _("The authentication certificate (A1)")
    : _("The signature certificate (S1)");
}

void
sintesi_credentials_wipe (gpointer data,
                          gsize    size)
{
  if (data == NULL || size == 0)
    return;
#ifdef G_OS_WIN32
  SecureZeroMemory (data, size);
#else
  explicit_bzero (data, size);
#endif
}

static void
wipe_and_free (char *secret)
{
  if (secret == NULL)
    return;
  sintesi_credentials_wipe (secret, strlen (secret));
  g_free (secret);
}

/* ---- Reading ---- */

typedef struct
{
  char  *data;
  gsize  size;
} FileContents;

/* Key files may be unencrypted: their bytes are wiped before release. */
static void
file_contents_free (gpointer user_data)
{
  FileContents *contents = user_data;

  sintesi_credentials_wipe (contents->data, contents->size);
  g_free (contents->data);
  g_free (contents);
}

static GBytes *
read_file (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_READ,
                   /* TRANSLATORS: a file name, then the system's reason */
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return NULL;
    }
  if (length > MAX_CREDENTIAL_FILE_SIZE)
    {
      sintesi_credentials_wipe (contents, length);
      g_free (contents);
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT,
                   _("“%s” is too large to be a certificate or a key."), path);
      return NULL;
    }
  {
    FileContents *owner = g_new (FileContents, 1);

    owner->data = contents;
    owner->size = length;
    return g_bytes_new_with_free_func (contents, length, file_contents_free, owner);
  }
}

static gboolean
looks_like_pem (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return g_strstr_len (data, size, "-----BEGIN ") != NULL;
}

static gnutls_datum_t
datum_of (GBytes *bytes)
{
  gsize size;
  gnutls_datum_t datum;

  datum.data = (unsigned char *) g_bytes_get_data (bytes, &size);
  datum.size = (unsigned int) size;
  return datum;
}

static gboolean
import_certificates (GBytes              *bytes,
                     const char          *name,
                     gnutls_x509_crt_t  **out_chain,
                     guint               *out_n,
                     GError             **error)
{
  gnutls_datum_t datum = datum_of (bytes);
  gnutls_x509_crt_t *list = NULL;
  unsigned int n = 0;
  int ret;

  ret = gnutls_x509_crt_list_import2 (&list, &n, &datum,
                                      looks_like_pem (bytes) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
                                      0);
  if (ret < 0 || n == 0)
    {
      const char *reason = ret < 0 ? gnutls_strerror (ret) : "empty";

      if (name != NULL)
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE,
                     /* TRANSLATORS: a file name, then the library's reason (in English) */
                     _("“%s” does not contain a certificate that can be read: %s"), name, reason);
      else
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE,
                     /* TRANSLATORS: the library's reason (in English) */
                     _("The certificate cannot be read: %s"), reason);
      return FALSE;
    }
  *out_chain = g_new (gnutls_x509_crt_t, n);
  memcpy (*out_chain, list, n * sizeof (gnutls_x509_crt_t));
  *out_n = n;
  gnutls_free (list);
  return TRUE;
}

static gboolean
same_certificate (gnutls_x509_crt_t a,
                  gnutls_x509_crt_t b)
{
  return gnutls_x509_crt_equals (a, b) != 0;
}

/* The leaf goes first, then the rest in the order given, without repeats. */
static void
set_chain (SintesiCredential  *self,
           gnutls_x509_crt_t  *certs,
           guint               n_certs,
           guint               leaf_index)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  g_ptr_array_add (chain, certs[leaf_index]);
  for (guint i = 0; i < n_certs; i++)
    {
      gboolean seen = FALSE;

      if (i == leaf_index)
        continue;
      for (guint k = 0; k < chain->len && !seen; k++)
        seen = same_certificate (g_ptr_array_index (chain, k), certs[i]);
      if (seen)
        gnutls_x509_crt_deinit (certs[i]);
      else
        g_ptr_array_add (chain, certs[i]);
    }
  self->n_chain = chain->len;
  self->chain = g_new (gnutls_x509_crt_t, chain->len);
  memcpy (self->chain, chain->pdata, chain->len * sizeof (gnutls_x509_crt_t));
}

static SintesiCredential *
credential_new (SintesiCredentialSlot   slot,
                SintesiCredentialSource source)
{
  SintesiCredential *self = g_object_new (SINTESI_TYPE_CREDENTIAL, NULL);

  self->slot = slot;
  self->source = source;
  return self;
}

/* Proves that the file key is the certificate's by comparing the SHA-256
 * identifiers of the two public keys. */
static gboolean
file_key_matches (SintesiCredential  *self,
                  GError            **error)
{
  unsigned char key_id[64];
  unsigned char crt_id[64];
  size_t key_id_size = sizeof key_id;
  size_t crt_id_size = sizeof crt_id;

  if (gnutls_x509_privkey_get_key_id (self->x509_key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_size) < 0 ||
      gnutls_x509_crt_get_key_id (self->chain[0], GNUTLS_KEYID_USE_SHA256, crt_id, &crt_id_size) < 0 ||
      key_id_size != crt_id_size || memcmp (key_id, crt_id, key_id_size) != 0)
    {
      g_autofree char *cn = sintesi_credential_get_cn (self);

      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH,
                   _("The private key does not belong to the certificate “%s”: they come from two different credentials."),
                   cn);
      return FALSE;
    }
  return TRUE;
}

/* The leaf of a list is the certificate whose public key is the key's. */
static int
find_leaf_for_key (gnutls_x509_privkey_t  key,
                   gnutls_x509_crt_t     *certs,
                   guint                  n_certs)
{
  unsigned char key_id[64];
  size_t key_id_size = sizeof key_id;

  if (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_size) < 0)
    return -1;
  for (guint i = 0; i < n_certs; i++)
    {
      unsigned char crt_id[64];
      size_t crt_id_size = sizeof crt_id;

      if (gnutls_x509_crt_get_key_id (certs[i], GNUTLS_KEYID_USE_SHA256, crt_id, &crt_id_size) >= 0 &&
          crt_id_size == key_id_size && memcmp (crt_id, key_id, key_id_size) == 0)
        return (int) i;
    }
  return -1;
}

static gboolean
make_abstract_key (SintesiCredential  *self,
                   GError            **error)
{
  int ret;

  ret = gnutls_privkey_init (&self->privkey);
  if (ret >= 0)
    ret = gnutls_privkey_import_x509 (self->privkey, self->x509_key, GNUTLS_PRIVKEY_IMPORT_COPY);
  if (ret < 0)
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY,
                   /* TRANSLATORS: the library's reason (in English) */
                   _("The private key cannot be used: %s"), gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

SintesiCredential *
sintesi_credential_import_pkcs12 (SintesiCredentialSlot   slot,
                                  const char             *path,
                                  const char             *password,
                                  GError                **error)
{
  g_autoptr(SintesiCredential) self = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  gnutls_pkcs12_t p12 = NULL;
  gnutls_datum_t datum;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t *chain = NULL;
  unsigned int chain_size = 0;
  gnutls_x509_crt_t *extra = NULL;
  unsigned int extra_size = 0;
  const char *pass = password != NULL ? password : "";
  int ret;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = read_file (path, error);
  if (bytes == NULL)
    return NULL;
  name = g_path_get_basename (path);
  datum = datum_of (bytes);

  gnutls_pkcs12_init (&p12);
  ret = gnutls_pkcs12_import (p12, &datum, looks_like_pem (bytes) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
  if (ret < 0)
    {
      gnutls_pkcs12_deinit (p12);
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT,
                   _("“%s” is not a PKCS#12 file (.p12/.pfx), or it is damaged."), name);
      return NULL;
    }

  /* simple_parse does not check the MAC (toolchain-notes pitfall 3); the MAC
   * is also what tells a wrong password from a damaged file. */
  ret = gnutls_pkcs12_verify_mac (p12, pass);
  if (ret == GNUTLS_E_MAC_VERIFY_FAILED)
    {
      gnutls_pkcs12_deinit (p12);
      g_set_error (error, SINTESI_CREDENTIALS_ERROR,
                   password == NULL ? SINTESI_CREDENTIALS_ERROR_PASSWORD_NEEDED : SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD,
                   password == NULL
                   ? _("“%s” is protected by a password: please give it.")
                   : _("The password of “%s” is wrong."), name);
      return NULL;
    }
  if (ret < 0)
    {
      gnutls_pkcs12_deinit (p12);
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT,
                   /* TRANSLATORS: a file name, then the library's reason (in English) */
                   _("The integrity check of “%s” failed; the file may be damaged: %s"),
                   name, gnutls_strerror (ret));
      return NULL;
    }

  ret = gnutls_pkcs12_simple_parse (p12, pass, &key, &chain, &chain_size,
                                    &extra, &extra_size, NULL, 0);
  gnutls_pkcs12_deinit (p12);
  if (ret < 0 || key == NULL || chain_size == 0)
    {
      for (unsigned int i = 0; i < chain_size; i++)
        gnutls_x509_crt_deinit (chain[i]);
      for (unsigned int i = 0; i < extra_size; i++)
        gnutls_x509_crt_deinit (extra[i]);
      gnutls_free (chain);
      gnutls_free (extra);
      if (key != NULL)
        gnutls_x509_privkey_deinit (key);
      if (ret == GNUTLS_E_DECRYPTION_FAILED)
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD,
                     _("The password of “%s” is wrong."), name);
      else if (ret < 0 && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT,
                     _("“%s” cannot be read: %s"), name, gnutls_strerror (ret));
      else if (key == NULL)
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY,
                     _("“%s” contains no private key: export the certificate together with its key."), name);
      else
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH,
                     _("“%s” contains no certificate that belongs to its private key."), name);
      return NULL;
    }

  self = credential_new (slot, SINTESI_CREDENTIAL_SOURCE_FILE);
  self->x509_key = key;
  {
    /* A CA inside the .p12 comes back in extra, not in the chain. */
    g_autofree gnutls_x509_crt_t *all = g_new (gnutls_x509_crt_t, chain_size + extra_size);

    memcpy (all, chain, chain_size * sizeof (gnutls_x509_crt_t));
    if (extra_size > 0)
      memcpy (all + chain_size, extra, extra_size * sizeof (gnutls_x509_crt_t));
    set_chain (self, all, chain_size + extra_size, 0);
  }
  gnutls_free (chain);
  gnutls_free (extra);

  if (!file_key_matches (self, error) || !make_abstract_key (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
pem_key_is_encrypted (GBytes *key)
{
  gsize size;
  const char *data = g_bytes_get_data (key, &size);

  return g_strstr_len (data, size, "ENCRYPTED") != NULL;
}

static SintesiCredential *
import_pem_bytes (SintesiCredentialSlot   slot,
                  GBytes                 *certs,
                  const char             *certs_name,
                  GBytes                 *key,
                  const char             *password,
                  GError                **error)
{
  g_autoptr(SintesiCredential) self = NULL;
  gnutls_x509_crt_t *list = NULL;
  guint n = 0;
  gnutls_datum_t key_datum;
  gnutls_x509_privkey_t x509_key = NULL;
  gboolean encrypted;
  int leaf;
  int ret;

  g_return_val_if_fail (certs != NULL && key != NULL, NULL);

  encrypted = pem_key_is_encrypted (key);
  if (encrypted && (password == NULL || *password == '\0'))
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PASSWORD_NEEDED,
                   "%s", _("The private key is protected by a password: please give it."));
      return NULL;
    }

  gnutls_x509_privkey_init (&x509_key);
  key_datum = datum_of (key);
  ret = gnutls_x509_privkey_import2 (x509_key, &key_datum,
                                     looks_like_pem (key) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
                                     encrypted ? password : NULL, encrypted ? 0 : GNUTLS_PKCS_PLAIN);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (x509_key);
      if (encrypted && (ret == GNUTLS_E_DECRYPTION_FAILED || ret == GNUTLS_E_ASN1_DER_ERROR))
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD,
                     "%s", _("The password of the private key is wrong."));
      else
        g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_CORRUPT,
                     /* TRANSLATORS: the library's reason (in English) */
                     _("The private key cannot be read (PKCS#1 or PKCS#8 PEM expected): %s"),
                     gnutls_strerror (ret));
      return NULL;
    }

  if (!import_certificates (certs, certs_name, &list, &n, error))
    {
      gnutls_x509_privkey_deinit (x509_key);
      return NULL;
    }

  self = credential_new (slot, SINTESI_CREDENTIAL_SOURCE_FILE);
  self->x509_key = x509_key;
  leaf = find_leaf_for_key (x509_key, list, n);
  set_chain (self, list, n, leaf >= 0 ? (guint) leaf : 0);
  g_free (list);

  if (!file_key_matches (self, error) || !make_abstract_key (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

SintesiCredential *
sintesi_credential_import_pem_data (SintesiCredentialSlot   slot,
                                   GBytes                 *certs,
                                   GBytes                 *key,
                                   const char             *password,
                                   GError                **error)
{
  g_return_val_if_fail (certs != NULL && key != NULL, NULL);
  return import_pem_bytes (slot, certs, NULL, key, password, error);
}

SintesiCredential *
sintesi_credential_import_pem (SintesiCredentialSlot   slot,
                               const char             *cert_path,
                               const char             *key_path,
                               const char             *password,
                               GError                **error)
{
  g_autoptr(GBytes) certs = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (cert_path != NULL && key_path != NULL, NULL);

  certs = read_file (cert_path, error);
  if (certs == NULL)
    return NULL;
  key = read_file (key_path, error);
  if (key == NULL)
    return NULL;
  name = g_path_get_basename (cert_path);
  return import_pem_bytes (slot, certs, name, key, password, error);
}

SintesiCredential *
sintesi_credential_new_from_certificates (SintesiCredentialSlot   slot,
                                          GBytes                 *certs,
                                          GError                **error)
{
  SintesiCredential *self;
  gnutls_x509_crt_t *list = NULL;
  guint n = 0;

  g_return_val_if_fail (certs != NULL, NULL);

  if (!import_certificates (certs, NULL, &list, &n, error))
    return NULL;
  self = credential_new (slot, SINTESI_CREDENTIAL_SOURCE_FILE);
  set_chain (self, list, n, 0);
  g_free (list);
  return self;
}

/* ---- PKCS#11 ---- */

static int
pin_callback (void         *userdata,
              int           attempt,
              const char   *token_url,
              const char   *token_label,
              unsigned int  flags,
              char         *pin,
              size_t        pin_max)
{
  SintesiCredential *self = userdata;
  char *answer;
  size_t length;

  /* Tokens lock themselves after a few wrong PINs: two attempts at most,
   * and never the one that would lock the card. */
  if ((flags & GNUTLS_PIN_FINAL_TRY) != 0)
    {
      self->pin_final_try = TRUE;
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  if (self->pin_func == NULL || attempt > 1)
    return GNUTLS_E_PKCS11_PIN_ERROR;
  answer = self->pin_func (token_label, (flags & GNUTLS_PIN_WRONG) != 0 || attempt > 0, self->pin_data);
  if (answer == NULL)
    {
      self->pin_cancelled = TRUE;
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  length = strlen (answer);
  if (length + 1 > pin_max)
    {
      wipe_and_free (answer);
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  memcpy (pin, answer, length + 1);
  wipe_and_free (answer);
  return 0;
}

static void
set_pkcs11_error (GError     **error,
                  int          ret,
                  gboolean     cancelled,
                  gboolean     final_try,
                  const char  *uri)
{
  if (final_try)
    g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PIN,
                 "%s", _("Only one PIN attempt is left before the smart card or token blocks itself: Sintesi does not use it. Check the PIN with the card's own software."));
  else if (cancelled)
    g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PIN,
                 "%s", _("The PIN of the smart card or token was not given."));
  else if (ret == GNUTLS_E_PKCS11_PIN_ERROR || ret == GNUTLS_E_PKCS11_USER_ERROR ||
           ret == GNUTLS_E_PKCS11_PIN_LOCKED || ret == GNUTLS_E_PKCS11_PIN_EXPIRED)
    g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PIN,
                 /* TRANSLATORS: the library's reason (in English) */
                 _("The smart card or token refused the PIN: %s"), gnutls_strerror (ret));
  else
    g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PKCS11,
                 /* TRANSLATORS: a pkcs11: URI, then the library's reason (in English) */
                 _("The key “%s” cannot be used; is the smart card or token connected? %s"),
                 uri, gnutls_strerror (ret));
}

static gboolean
open_pkcs11_key (SintesiCredential  *self,
                 GError            **error)
{
  int ret;

  self->pin_cancelled = FALSE;
  self->pin_final_try = FALSE;
  ret = gnutls_privkey_init (&self->privkey);
  if (ret >= 0)
    {
      gnutls_privkey_set_pin_function (self->privkey, pin_callback, self);
      ret = gnutls_privkey_import_url (self->privkey, self->pkcs11_uri, 0);
    }
  if (ret < 0)
    {
      g_clear_pointer (&self->privkey, gnutls_privkey_deinit);
      set_pkcs11_error (error, ret, self->pin_cancelled, self->pin_final_try, self->pkcs11_uri);
      return FALSE;
    }
  return TRUE;
}

/* The same object on the token, as a certificate: the attributes that
 * name the object stay, its type becomes cert, any query goes. */
static char *
certificate_uri_for_key (const char *key_uri)
{
  g_autofree char *path = NULL;
  g_auto(GStrv) attributes = NULL;
  g_autoptr(GString) uri = g_string_new ("pkcs11:");
  const char *query;

  query = strchr (key_uri, '?');
  path = g_strndup (key_uri + strlen ("pkcs11:"),
                    query != NULL ? (gsize) (query - key_uri) - strlen ("pkcs11:") : strlen (key_uri));
  attributes = g_strsplit (path, ";", -1);
  for (guint i = 0; attributes[i] != NULL; i++)
    {
      if (*attributes[i] == '\0' || g_str_has_prefix (attributes[i], "type="))
        continue;
      g_string_append (uri, attributes[i]);
      g_string_append_c (uri, ';');
    }
  g_string_append (uri, "type=cert");
  return g_string_free (g_steal_pointer (&uri), FALSE);
}

static gboolean
pkcs11_key_matches (SintesiCredential  *self,
                    GError            **error)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_sign_algorithm_t algorithm;
  unsigned char nonce[32];
  gnutls_datum_t data = { nonce, sizeof nonce };
  gnutls_datum_t signature = { NULL, 0 };
  int ret;

  /* Signing once proves the key is the certificate's and the PIN works. */
  gnutls_rnd (GNUTLS_RND_NONCE, nonce, sizeof nonce);
  gnutls_pubkey_init (&pubkey);
  ret = gnutls_pubkey_import_x509 (pubkey, self->chain[0], 0);
  if (ret >= 0)
    {
      algorithm = gnutls_pk_to_sign (gnutls_pubkey_get_pk_algorithm (pubkey, NULL), GNUTLS_DIG_SHA256);
      self->pin_cancelled = FALSE;
      self->pin_final_try = FALSE;
      ret = gnutls_privkey_sign_data2 (self->privkey, algorithm, 0, &data, &signature);
      if (ret < 0)
        {
          gnutls_pubkey_deinit (pubkey);
          set_pkcs11_error (error, ret, self->pin_cancelled, self->pin_final_try, self->pkcs11_uri);
          return FALSE;
        }
      ret = gnutls_pubkey_verify_data2 (pubkey, algorithm, 0, &data, &signature);
      gnutls_free (signature.data);
    }
  gnutls_pubkey_deinit (pubkey);
  if (ret < 0)
    {
      g_autofree char *cn = sintesi_credential_get_cn (self);

      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_KEY_MISMATCH,
                   _("The key on the smart card or token does not belong to the certificate “%s”."), cn);
      return FALSE;
    }
  return TRUE;
}

SintesiCredential *
sintesi_credential_import_pkcs11 (SintesiCredentialSlot   slot,
                                  const char             *key_uri,
                                  const char             *cert_path,
                                  SintesiPinFunc          pin_func,
                                  gpointer                pin_data,
                                  GError                **error)
{
  g_autoptr(SintesiCredential) self = NULL;

  g_return_val_if_fail (key_uri != NULL, NULL);

  if (!g_str_has_prefix (key_uri, "pkcs11:"))
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PKCS11,
                   _("“%s” is not a PKCS#11 URI (it must start with “pkcs11:”)."), key_uri);
      return NULL;
    }
  /* The PIN is asked when needed and never stored, so never accept it
   * inside the URI (which is stored). */
  if (strstr (key_uri, "pin-value=") != NULL)
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_PKCS11,
                   "%s", _("The PKCS#11 URI contains the PIN (pin-value): remove it; the PIN is asked when it is needed and never stored."));
      return NULL;
    }

  self = credential_new (slot, SINTESI_CREDENTIAL_SOURCE_PKCS11);
  self->pkcs11_uri = g_strdup (key_uri);
  sintesi_credential_set_pin_func (self, pin_func, pin_data, NULL);

  if (cert_path != NULL)
    {
      g_autoptr(GBytes) certs = read_file (cert_path, error);
      gnutls_x509_crt_t *list = NULL;
      guint n = 0;
      g_autofree char *name = NULL;

      if (certs == NULL)
        return NULL;
      name = g_path_get_basename (cert_path);
      if (!import_certificates (certs, name, &list, &n, error))
        return NULL;
      set_chain (self, list, n, 0);
      g_free (list);
    }
  else
    {
      g_autofree char *cert_uri = certificate_uri_for_key (key_uri);
      gnutls_x509_crt_t crt = NULL;
      int ret;

      gnutls_x509_crt_init (&crt);
      gnutls_x509_crt_set_pin_function (crt, pin_callback, self);
      ret = gnutls_x509_crt_import_url (crt, cert_uri, 0);
      if (ret < 0)
        {
          gnutls_x509_crt_deinit (crt);
          g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_CERTIFICATE,
                       /* TRANSLATORS: a pkcs11: URI, then the library's reason (in English) */
                       _("No certificate for the key “%s” was found on the smart card or token: %s"),
                       key_uri, gnutls_strerror (ret));
          return NULL;
        }
      self->chain = g_new (gnutls_x509_crt_t, 1);
      self->chain[0] = crt;
      self->n_chain = 1;
    }

  if (!open_pkcs11_key (self, error) || !pkcs11_key_matches (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

SintesiCredential *
sintesi_credential_new_for_pkcs11_key (SintesiCredentialSlot   slot,
                                       const char             *key_uri,
                                       GBytes                 *certs,
                                       GError                **error)
{
  SintesiCredential *self;

  g_return_val_if_fail (key_uri != NULL && certs != NULL, NULL);

  self = sintesi_credential_new_from_certificates (slot, certs, error);
  if (self == NULL)
    return NULL;
  self->source = SINTESI_CREDENTIAL_SOURCE_PKCS11;
  self->pkcs11_uri = g_strdup (key_uri);
  return self;
}

/* ---- Accessors ---- */

SintesiCredentialSlot
sintesi_credential_get_slot (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), SINTESI_CREDENTIAL_SLOT_AUTH);
  return self->slot;
}

SintesiCredentialSource
sintesi_credential_get_source (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), SINTESI_CREDENTIAL_SOURCE_FILE);
  return self->source;
}

const char *
sintesi_credential_get_pkcs11_uri (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  return self->pkcs11_uri;
}

gboolean
sintesi_credential_has_private_key (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), FALSE);
  return self->x509_key != NULL || self->pkcs11_uri != NULL;
}

gnutls_x509_crt_t
sintesi_credential_get_certificate (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  return self->chain[0];
}

const gnutls_x509_crt_t *
sintesi_credential_get_chain (SintesiCredential *self,
                              guint             *n_certs)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  if (n_certs != NULL)
    *n_certs = self->n_chain;
  return self->chain;
}

char *
sintesi_credential_get_chain_pem (SintesiCredential *self)
{
  GString *pem = g_string_new (NULL);

  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  for (guint i = 0; i < self->n_chain; i++)
    {
      gnutls_datum_t out = { NULL, 0 };

      if (gnutls_x509_crt_export2 (self->chain[i], GNUTLS_X509_FMT_PEM, &out) >= 0)
        {
          g_string_append_len (pem, (const char *) out.data, out.size);
          gnutls_free (out.data);
        }
    }
  return g_string_free (pem, FALSE);
}

GBytes *
sintesi_credential_get_certificate_der (SintesiCredential *self)
{
  gnutls_datum_t out = { NULL, 0 };
  GBytes *bytes;

  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  if (gnutls_x509_crt_export2 (self->chain[0], GNUTLS_X509_FMT_DER, &out) < 0)
    return NULL;
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return bytes;
}

gnutls_privkey_t
sintesi_credential_get_privkey (SintesiCredential  *self,
                                GError            **error)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);

  if (self->privkey != NULL)
    return self->privkey;
  if (self->pkcs11_uri != NULL)
    return open_pkcs11_key (self, error) ? self->privkey : NULL;
  g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY,
               /* TRANSLATORS: %s is "The signature certificate (S1)" or "The authentication certificate (A1)" */
               _("%s was loaded without its private key."), slot_label (self->slot));
  return NULL;
}

void
sintesi_credential_set_pin_func (SintesiCredential *self,
                                 SintesiPinFunc     pin_func,
                                 gpointer           pin_data,
                                 GDestroyNotify     pin_data_destroy)
{
  g_return_if_fail (SINTESI_IS_CREDENTIAL (self));

  if (self->pin_data_destroy != NULL)
    self->pin_data_destroy (self->pin_data);
  self->pin_func = pin_func;
  self->pin_data = pin_data;
  self->pin_data_destroy = pin_data_destroy;
}

char *
sintesi_credential_export_encrypted_key (SintesiCredential  *self,
                                         const char         *passphrase,
                                         GError            **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;
  int ret;

  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  g_return_val_if_fail (passphrase != NULL && *passphrase != '\0', NULL);

  if (self->x509_key == NULL)
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY,
                   _("%s has no private key in memory to store."), slot_label (self->slot));
      return NULL;
    }
  ret = gnutls_x509_privkey_export2_pkcs8 (self->x509_key, GNUTLS_X509_FMT_PEM, passphrase,
                                           GNUTLS_PKCS_PBES2_AES_256, &out);
  if (ret < 0)
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_NO_KEY,
                   /* TRANSLATORS: the library's reason (in English) */
                   _("The private key cannot be encrypted: %s"), gnutls_strerror (ret));
      return NULL;
    }
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static char *
hex_of (const unsigned char *data,
        size_t               size)
{
  GString *hex = g_string_sized_new (size * 2);

  for (size_t i = 0; i < size; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static char *
certificate_cn (gnutls_x509_crt_t crt)
{
  size_t size = 0;
  char *cn;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, NULL, &size) != GNUTLS_E_SHORT_MEMORY_BUFFER)
    return g_strdup ("");
  cn = g_malloc0 (size + 1);
  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) < 0)
    *cn = '\0';
  return cn;
}

char *
sintesi_credential_get_cn (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  return certificate_cn (self->chain[0]);
}

char *
sintesi_credential_get_serial (SintesiCredential *self)
{
  unsigned char serial[64];
  size_t size = sizeof serial;

  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  if (gnutls_x509_crt_get_serial (self->chain[0], serial, &size) < 0)
    return g_strdup ("");
  return hex_of (serial, size);
}

static char *
certificate_issuer (gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *issuer;

  if (gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) < 0)
    return g_strdup ("");
  issuer = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return issuer;
}

char *
sintesi_credential_get_issuer (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  return certificate_issuer (self->chain[0]);
}

GDateTime *
sintesi_credential_get_not_before (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  return g_date_time_new_from_unix_utc (gnutls_x509_crt_get_activation_time (self->chain[0]));
}

GDateTime *
sintesi_credential_get_not_after (SintesiCredential *self)
{
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  return g_date_time_new_from_unix_utc (gnutls_x509_crt_get_expiration_time (self->chain[0]));
}

char *
sintesi_credential_get_sha256 (SintesiCredential *self)
{
  unsigned char digest[32];
  size_t size = sizeof digest;

  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (self), NULL);
  if (gnutls_x509_crt_get_fingerprint (self->chain[0], GNUTLS_DIG_SHA256, digest, &size) < 0)
    return g_strdup ("");
  return hex_of (digest, size);
}

/* ---- Checks ---- */

void
sintesi_credential_check_free (SintesiCredentialCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->id);
  g_free (check->message);
  g_free (check);
}

const char *
sintesi_check_severity_to_string (SintesiCheckSeverity severity)
{
  switch (severity)
    {
    case SINTESI_CHECK_WARNING:
      return "warning";
    case SINTESI_CHECK_ERROR:
      return "error";
    case SINTESI_CHECK_INFO:
    default:
      return "info";
    }
}

static void
add_check (GPtrArray            *checks,
           const char           *id,
           SintesiCheckSeverity  severity,
           char                 *message)
{
  SintesiCredentialCheck *check = g_new0 (SintesiCredentialCheck, 1);

  check->id = g_strdup (id);
  check->ok = severity == SINTESI_CHECK_INFO;
  check->severity = severity;
  check->message = message;
  g_ptr_array_add (checks, check);
}

static char *
format_day (GDateTime *when)
{
  return g_date_time_format (when, "%Y-%m-%d");
}

static void
check_validity (GPtrArray         *checks,
                SintesiCredential *cred,
                const char        *id,
                GDateTime         *now)
{
  g_autoptr(GDateTime) not_before = sintesi_credential_get_not_before (cred);
  g_autoptr(GDateTime) not_after = sintesi_credential_get_not_after (cred);
  g_autofree char *from = format_day (not_before);
  g_autofree char *until = format_day (not_after);
  const char *label = slot_label (cred->slot);
  GTimeSpan left;
  gint64 days;

  if (g_date_time_compare (now, not_before) < 0)
    {
      add_check (checks, id, SINTESI_CHECK_ERROR,
                 /* TRANSLATORS: the certificate ("The signature certificate (S1)"), then a date */
                 g_strdup_printf (_("%s is not valid yet: it becomes valid on %s. Check the computer's date, or wait until then."),
                                  label, from));
      return;
    }
  if (g_date_time_compare (now, not_after) >= 0)
    {
      add_check (checks, id, SINTESI_CHECK_ERROR,
                 g_strdup_printf (_("%s expired on %s: it can no longer be used. Ask for its renewal."),
                                  label, until));
      return;
    }
  left = g_date_time_difference (not_after, now);
  days = left / G_TIME_SPAN_DAY;
  if (days <= 60)
    {
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, days);

      /* Within a month: renew now; within two: plan it. */
      add_check (checks, id, SINTESI_CHECK_WARNING,
                 g_strdup_printf (days <= 30
                                  /* TRANSLATORS: the certificate, a date, then a number of days */
                                  ? g_dngettext (GETTEXT_PACKAGE,
                                                 "%s expires on %s, in %s day: ask for its renewal now.",
                                                 "%s expires on %s, in %s days: ask for its renewal now.",
                                                 (gulong) days)
                                  /* TRANSLATORS: the certificate, a date, then a number of days */
                                  : g_dngettext (GETTEXT_PACKAGE,
                                                 "%s expires on %s, in %s day: plan its renewal.",
                                                 "%s expires on %s, in %s days: plan its renewal.",
                                                 (gulong) days),
                                  label, until, n));
    }
  else
    add_check (checks, id, SINTESI_CHECK_INFO,
               g_strdup_printf (_("%s is valid until %s."), label, until));
}

static const char *
role_prefix (SintesiCredentialSlot slot)
{
  return slot == SINTESI_CREDENTIAL_SLOT_AUTH ? "A1#" : "S1#";
}

static void
check_role (GPtrArray         *checks,
            SintesiCredential *cred,
            SintesiCredential *other,
            const char        *id)
{
  g_autofree char *cn = sintesi_credential_get_cn (cred);
  g_autofree char *other_cn = other != NULL ? sintesi_credential_get_cn (other) : NULL;
  const char *expected = role_prefix (cred->slot);
  const char *opposite = role_prefix (cred->slot == SINTESI_CREDENTIAL_SLOT_AUTH
                                      ? SINTESI_CREDENTIAL_SLOT_SIGN : SINTESI_CREDENTIAL_SLOT_AUTH);

  if (g_str_has_prefix (cn, expected))
    add_check (checks, id, SINTESI_CHECK_INFO,
               cred->slot == SINTESI_CREDENTIAL_SLOT_AUTH
               ? g_strdup_printf (_("“%s” is an authentication certificate (A1#), as this slot needs."), cn)
               : g_strdup_printf (_("“%s” is a signature certificate (S1#), as this slot needs."), cn));
  else if (g_str_has_prefix (cn, opposite) && other_cn != NULL && g_str_has_prefix (other_cn, expected))
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("The two certificates are swapped: the authentication certificate (A1#) is where the signature certificate (S1#) belongs, and the other way round. Import them again, each in its own place (CN “%s”)."),
                                cn));
  else if (cred->slot == SINTESI_CREDENTIAL_SLOT_AUTH)
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("“%s” is not an authentication certificate: the authentication slot needs the certificate whose name starts with A1#."),
                                cn));
  else
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("“%s” is not a signature certificate: the signature slot needs the certificate whose name starts with S1#."),
                                cn));
}

static void
check_cn_pair (GPtrArray         *checks,
               SintesiCredential *auth,
               SintesiCredential *sign)
{
  g_autofree char *auth_cn = sintesi_credential_get_cn (auth);
  g_autofree char *sign_cn = sintesi_credential_get_cn (sign);

  if (strlen (auth_cn) > 3 && strlen (sign_cn) > 3 && strcmp (auth_cn + 3, sign_cn + 3) == 0)
    add_check (checks, SINTESI_CHECK_CN_PAIR, SINTESI_CHECK_INFO,
               g_strdup_printf (_("The two certificates belong together (both are “%s”)."), auth_cn + 3));
  else
    add_check (checks, SINTESI_CHECK_CN_PAIR, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("The two certificates do not belong together: “%s” and “%s” should differ only in A1#/S1#. Import the pair that was issued together."),
                                auth_cn, sign_cn));
}

static gnutls_x509_trust_list_t
trust_list_from_files (const char * const *files)
{
  gnutls_x509_trust_list_t list = NULL;
  int added = 0;

  if (files == NULL || files[0] == NULL)
    return NULL;
  gnutls_x509_trust_list_init (&list, 0);
  for (guint i = 0; files[i] != NULL; i++)
    {
      int ret = gnutls_x509_trust_list_add_trust_file (list, files[i], NULL, GNUTLS_X509_FMT_PEM, 0, 0);

      if (ret > 0)
        added += ret;
    }
  if (added == 0)
    {
      gnutls_x509_trust_list_deinit (list, 1);
      return NULL;
    }
  return list;
}

/* Time is checked on its own (with a clearer message), and the SHA-1 of a
 * leaf too, so that stage can accept the Ministry's SHA-1 test leaves. */
#define CHAIN_VERIFY_FLAGS (GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS | \
                            GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1)

static gboolean
chain_verifies (SintesiCredential        *cred,
                gnutls_x509_trust_list_t  list)
{
  unsigned int status = 0;

  if (list == NULL)
    return FALSE;
  if (gnutls_x509_trust_list_verify_crt (list, cred->chain, cred->n_chain,
                                         CHAIN_VERIFY_FLAGS, &status, NULL) < 0)
    return FALSE;
  return status == 0;
}

typedef struct
{
  gnutls_x509_trust_list_t environment;   /* what this environment trusts */
  gnutls_x509_trust_list_t test;          /* SOGEI test PKI */
  gnutls_x509_trust_list_t production;    /* SOGEI production PKI */
  gboolean                 own_ca;        /* sandbox/custom */
} TrustLists;

static void
check_issuer (GPtrArray                           *checks,
              SintesiCredential                   *cred,
              const char                          *id,
              const SintesiCredentialCheckOptions *options,
              TrustLists                          *trust)
{
  g_autofree char *issuer = sintesi_credential_get_issuer (cred);
  const char *label = slot_label (cred->slot);
  const char *environment = sintesi_environment_to_string (options->environment);

  if (chain_verifies (cred, trust->environment))
    {
      add_check (checks, id, SINTESI_CHECK_INFO,
                 /* TRANSLATORS: the certificate, the issuer's name, then an environment (stage, production…) */
                 g_strdup_printf (_("%s was issued by “%s”, a certification authority trusted for the %s environment."),
                                  label, issuer, environment));
      return;
    }
  if (options->environment == SINTESI_ENVIRONMENT_PRODUCTION && chain_verifies (cred, trust->test))
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("%s is a test certificate (issued by “%s”): it cannot be used in production. Use the certificate issued for production."),
                                label, issuer));
  else if (options->environment == SINTESI_ENVIRONMENT_STAGE && chain_verifies (cred, trust->production))
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("%s is a production certificate (issued by “%s”): it cannot be used in the stage (test) environment. Use the test certificate."),
                                label, issuer));
  else if (trust->environment == NULL)
    add_check (checks, id, SINTESI_CHECK_ERROR,
               trust->own_ca
               ? /* TRANSLATORS: the certificate, then an environment (sandbox, custom) */
                 g_strdup_printf (_("%s cannot be verified for the %s environment: this profile's certification authority is not set."),
                                  label, environment)
               : g_strdup_printf (_("%s cannot be verified: the Ministry's certification authority certificates for the %s environment are not installed. Import them first."),
                                  label, environment));
  else
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("%s was not issued by a certification authority trusted for the %s environment (its issuer is “%s”)."),
                                label, environment, issuer));
}

static void
check_key_size (GPtrArray         *checks,
                SintesiCredential *cred,
                const char        *id)
{
  unsigned int bits = 0;
  int algorithm = gnutls_x509_crt_get_pk_algorithm (cred->chain[0], &bits);
  g_autofree char *size = g_strdup_printf ("%u", bits);
  const char *label = slot_label (cred->slot);

  if (algorithm != GNUTLS_PK_RSA)
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("%s does not have an RSA key; the gateway needs RSA keys of at least 2048 bits."), label));
  else if (bits < 2048)
    add_check (checks, id, SINTESI_CHECK_ERROR,
               /* TRANSLATORS: the certificate, then a number of bits */
               g_strdup_printf (_("%s has an RSA key of only %s bits, which is too weak: at least 2048 bits are needed."),
                                label, size));
  else
    add_check (checks, id, SINTESI_CHECK_INFO,
               g_strdup_printf (_("%s has an RSA key of %s bits."), label, size));
}

static void
check_signature_algorithm (GPtrArray                           *checks,
                           SintesiCredential                   *cred,
                           const char                          *id,
                           const SintesiCredentialCheckOptions *options)
{
  int algorithm = gnutls_x509_crt_get_signature_algorithm (cred->chain[0]);
  gnutls_digest_algorithm_t digest = algorithm >= 0 ? gnutls_sign_get_hash_algorithm (algorithm) : GNUTLS_DIG_UNKNOWN;
  const char *label = slot_label (cred->slot);

  if (digest == GNUTLS_DIG_SHA1 || digest == GNUTLS_DIG_MD5)
    {
      if (options->environment == SINTESI_ENVIRONMENT_STAGE)
        add_check (checks, id, SINTESI_CHECK_WARNING,
                   g_strdup_printf (_("%s is signed with SHA-1, an outdated algorithm. The Ministry still issues such test certificates, so the stage environment accepts it; production will not."),
                                    label));
      else
        add_check (checks, id, SINTESI_CHECK_ERROR,
                   g_strdup_printf (_("%s is signed with SHA-1, an algorithm no longer considered safe: secure connections refuse it. Ask for a new certificate."),
                                    label));
    }
  else if (digest == GNUTLS_DIG_UNKNOWN)
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("%s is signed with an algorithm that is not recognised."), label));
  else
    add_check (checks, id, SINTESI_CHECK_INFO,
               /* TRANSLATORS: the certificate, then an algorithm name such as SHA256 */
               g_strdup_printf (_("%s is signed with %s."), label, gnutls_digest_get_name (digest)));
}

char *
sintesi_credentials_cn_cf (const char *cn)
{
  const char *tail;
  const char *p;

  /* A1#/S1#, the region and agency digits, then PSS and the CF. */
  if (cn == NULL || strlen (cn) < 4 || cn[2] != '#')
    return NULL;
  tail = cn + 3;
  for (p = tail; g_ascii_isdigit (*p); p++)
    ;
  if (p == tail || !g_str_has_prefix (p, "PSS") || p[3] == '\0')
    return NULL;
  return g_strdup (p + 3);
}

/* The codice fiscale check. With the cf unit in the library (it is when
 * src/core/sintesi-cf.c exists, see meson.build) this is its full check;
 * without it, the shape of §6 only. */
static gboolean
cf_is_valid (const char  *cf,
             GError     **error)
{
  return sintesi_cf_validate (cf, SINTESI_CF_FLAGS_NONE, error);
}

static void
check_cf (GPtrArray                           *checks,
          SintesiCredential                   *cred,
          const char                          *id,
          const SintesiCredentialCheckOptions *options)
{
  g_autofree char *cn = sintesi_credential_get_cn (cred);
  g_autofree char *cf = sintesi_credentials_cn_cf (cn);
  g_autoptr(GError) error = NULL;
  const char *label = slot_label (cred->slot);

  if (cf == NULL)
    {
      add_check (checks, id, SINTESI_CHECK_INFO,
                 g_strdup_printf (_("%s carries no codice fiscale (“%s” is a software vendor's test certificate), so there is none to compare."),
                                  label, cn));
      return;
    }
  if (!cf_is_valid (cf, &error))
    add_check (checks, id, SINTESI_CHECK_ERROR,
               /* TRANSLATORS: the certificate, its CF, then why the CF is wrong */
               g_strdup_printf (_("%s carries the codice fiscale “%s”, which is not valid: %s"),
                                label, cf, error->message));
  else if (options->expected_cf != NULL && strcmp (cf, options->expected_cf) != 0)
    add_check (checks, id, SINTESI_CHECK_ERROR,
               g_strdup_printf (_("%s belongs to the physician with codice fiscale %s, but this profile is for %s."),
                                label, cf, options->expected_cf));
  else
    add_check (checks, id, SINTESI_CHECK_INFO,
               g_strdup_printf (_("%s belongs to the physician with codice fiscale %s."), label, cf));
}

static void
check_one (GPtrArray                           *checks,
           SintesiCredential                   *cred,
           SintesiCredential                   *other,
           SintesiCredentialSlot                slot,
           const SintesiCredentialCheckOptions *options,
           TrustLists                          *trust,
           GDateTime                           *now)
{
  gboolean auth = slot == SINTESI_CREDENTIAL_SLOT_AUTH;

  if (cred == NULL)
    {
      add_check (checks, auth ? SINTESI_CHECK_AUTH_PRESENT : SINTESI_CHECK_SIGN_PRESENT, SINTESI_CHECK_ERROR,
                 g_strdup (auth
                           ? _("No authentication certificate (A1) has been imported for this profile.")
                           : _("No signature certificate (S1) has been imported for this profile.")));
      return;
    }
  check_validity (checks, cred, auth ? SINTESI_CHECK_AUTH_VALIDITY : SINTESI_CHECK_SIGN_VALIDITY, now);
  check_role (checks, cred, other, auth ? SINTESI_CHECK_AUTH_ROLE : SINTESI_CHECK_SIGN_ROLE);
  check_issuer (checks, cred, auth ? SINTESI_CHECK_AUTH_ISSUER : SINTESI_CHECK_SIGN_ISSUER, options, trust);
  check_key_size (checks, cred, auth ? SINTESI_CHECK_AUTH_KEY_SIZE : SINTESI_CHECK_SIGN_KEY_SIZE);
  check_signature_algorithm (checks, cred, auth ? SINTESI_CHECK_AUTH_SIGNATURE : SINTESI_CHECK_SIGN_SIGNATURE, options);
  check_cf (checks, cred, auth ? SINTESI_CHECK_AUTH_CF : SINTESI_CHECK_SIGN_CF, options);
}

GPtrArray *
sintesi_credentials_check (SintesiCredential                   *auth,
                           SintesiCredential                   *sign,
                           const SintesiCredentialCheckOptions *options)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_credential_check_free);
  g_autoptr(GDateTime) now = NULL;
  TrustLists trust = { NULL, NULL, NULL, FALSE };

  g_return_val_if_fail (options != NULL, checks);
  g_return_val_if_fail (auth == NULL || SINTESI_IS_CREDENTIAL (auth), checks);
  g_return_val_if_fail (sign == NULL || SINTESI_IS_CREDENTIAL (sign), checks);

  now = options->now != NULL ? g_date_time_ref (options->now) : g_date_time_new_now_utc ();
  trust.test = trust_list_from_files (options->test_roots);
  trust.production = trust_list_from_files (options->production_roots);
  switch (options->environment)
    {
    case SINTESI_ENVIRONMENT_STAGE:
      trust.environment = trust_list_from_files (options->test_roots);
      break;
    case SINTESI_ENVIRONMENT_PRODUCTION:
      trust.environment = trust_list_from_files (options->production_roots);
      break;
    case SINTESI_ENVIRONMENT_SANDBOX:
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:
      {
        const char *files[] = { options->profile_ca_file, NULL };

        trust.own_ca = TRUE;
        trust.environment = trust_list_from_files (files);
      }
      break;
    }

  check_one (checks, auth, sign, SINTESI_CREDENTIAL_SLOT_AUTH, options, &trust, now);
  check_one (checks, sign, auth, SINTESI_CREDENTIAL_SLOT_SIGN, options, &trust, now);
  if (auth != NULL && sign != NULL)
    check_cn_pair (checks, auth, sign);

  if (trust.environment != NULL)
    gnutls_x509_trust_list_deinit (trust.environment, 1);
  if (trust.test != NULL)
    gnutls_x509_trust_list_deinit (trust.test, 1);
  if (trust.production != NULL)
    gnutls_x509_trust_list_deinit (trust.production, 1);
  return checks;
}

gboolean
sintesi_credentials_checks_passed (GPtrArray *checks)
{
  return sintesi_credentials_checks_first_error (checks) == NULL;
}

const SintesiCredentialCheck *
sintesi_credentials_checks_first_error (GPtrArray *checks)
{
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      const SintesiCredentialCheck *check = g_ptr_array_index (checks, i);

      if (!check->ok && check->severity == SINTESI_CHECK_ERROR)
        return check;
    }
  return NULL;
}

gboolean
sintesi_credentials_find_sogei_roots (const char   *dir,
                                      GStrv        *test_roots,
                                      GStrv        *production_roots,
                                      GError      **error)
{
  g_autoptr(GDir) folder = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GStrvBuilder) test = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) production = g_strv_builder_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint found = 0;

  folder = g_dir_open (dir, 0, &local_error);
  if (folder == NULL)
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS,
                   /* TRANSLATORS: a folder, then the system's reason */
                   _("The Ministry's certification authority certificates cannot be read from “%s”: %s"),
                   dir, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (name, ".pem") || g_str_has_suffix (name, ".crt") || g_str_has_suffix (name, ".cer"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(GBytes) bytes = read_file (path, NULL);
      gnutls_x509_crt_t *list = NULL;
      guint n = 0;

      if (bytes == NULL || !import_certificates (bytes, path, &list, &n, NULL))
        continue;
      for (guint k = 0; k < n; k++)
        {
          g_autofree char *cn = certificate_cn (list[k]);

          if (k == 0 && g_str_has_prefix (cn, "CA Ministero della Salute Test"))
            {
              g_strv_builder_add (test, path);
              found++;
            }
          else if (k == 0 && strcmp (cn, "CA Ministero della Salute") == 0)
            {
              g_strv_builder_add (production, path);
              found++;
            }
          gnutls_x509_crt_deinit (list[k]);
        }
      g_free (list);
    }
  if (found == 0)
    {
      g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS,
                   _("No certificate of the Ministry's certification authorities was found in “%s”."), dir);
      return FALSE;
    }
  *test_roots = g_strv_builder_end (test);
  *production_roots = g_strv_builder_end (production);
  return TRUE;
}

char *
sintesi_credentials_default_roots_dir (void)
{
  return g_build_filename (sintesi_paths_get_data_dir (), "ca", NULL);
}

/* The roots SOGEI publishes (certificates-and-accreditation §4.3), by the
 * SHA-256 of their DER. Only these become trust anchors: a look-alike with
 * the same name would otherwise let a foreign certificate pass the issuer
 * check. A new root published later needs its fingerprint added here. */
static const char * const sogei_root_fingerprints[] = {
  "c8e11a08c1e269624b0ecca57302e539446bea2e361ea2e33a0fcf5037407320",  /* CA Ministero della Salute */
  "cdcbea27dcbc502e0628fd14c5a01be5e9bb9553a0764725153a7a6ad7bd884e",  /* … Test */
  "726adccd5d3469290c8b355f46e42d3854eac6eed49db79fbc7757956539d1eb",  /* … Test-1 */
  NULL
};

static gboolean
is_sogei_root (gnutls_x509_crt_t  crt,
               char             **out_cn)
{
  guint8 digest[32];
  size_t size = sizeof digest;
  g_autofree char *hex = NULL;

  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size) < 0 || size != sizeof digest)
    return FALSE;
  hex = g_malloc (2 * sizeof digest + 1);
  for (gsize i = 0; i < sizeof digest; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  if (!g_strv_contains (sogei_root_fingerprints, hex))
    return FALSE;
  *out_cn = certificate_cn (crt);
  return TRUE;
}

GPtrArray *
sintesi_credentials_import_roots (const char * const  *paths,
                                  GError             **error)
{
  g_autoptr(GPtrArray) imported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *dir = sintesi_credentials_default_roots_dir ();

  /* Every file is checked before any is installed: all or nothing. */
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GBytes) bytes = read_file (paths[i], error);
      gnutls_x509_crt_t *list = NULL;
      guint n = 0;
      gboolean ok = TRUE;

      if (bytes == NULL || !import_certificates (bytes, paths[i], &list, &n, error))
        return NULL;
      for (guint k = 0; k < n; k++)
        {
          g_autofree char *cn = NULL;
          gnutls_datum_t pem = { NULL, 0 };

          if (ok && !is_sogei_root (list[k], &cn))
            {
              g_autofree char *display = g_filename_display_name (paths[i]);

              g_set_error (error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_ROOTS,
                           _("“%s” is not one of the root certificates published by the Ministry of Health (SOGEI): it was not installed."),
                           display);
              ok = FALSE;
            }
          if (ok && gnutls_x509_crt_export2 (list[k], GNUTLS_X509_FMT_PEM, &pem) >= 0)
            {
              g_ptr_array_add (names, g_steal_pointer (&cn));
              g_ptr_array_add (pems, g_bytes_new (pem.data, pem.size));
              gnutls_free (pem.data);
            }
          gnutls_x509_crt_deinit (list[k]);
        }
      g_free (list);
      if (!ok)
        return NULL;
    }

  if (!sintesi_paths_ensure_private_dir (dir, error))
    return NULL;
  for (guint i = 0; i < pems->len; i++)
    {
      GBytes *pem = g_ptr_array_index (pems, i);
      g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pem);
      g_autofree char *name = g_strdup_printf ("sogei-%.16s.pem", sha);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!sintesi_write_file_atomic (path, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem), 0644, error))
        return NULL;
      g_ptr_array_add (imported, g_strdup_printf ("%s\t%s", (char *) g_ptr_array_index (names, i), path));
    }
  return g_steal_pointer (&imported);
}
