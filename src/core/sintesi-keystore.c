/* sintesi-keystore.c: where a profile's credentials are kept (decisions D17) */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>

#ifdef G_OS_WIN32
#include <windows.h>
#include <wincred.h>
#else
#include <libsecret/secret.h>
#endif

#include "sintesi-keystore.h"
#include "sintesi-paths.h"

G_DEFINE_QUARK (sintesi-keystore-error-quark, sintesi_keystore_error)

#define INDEX_FILE "credentials.ini"
#define SECRET_BYTES 32

struct _SintesiKeystore
{
  GObject  parent_instance;

  char    *profile_name;
  char    *folder;
};

G_DEFINE_FINAL_TYPE (SintesiKeystore, sintesi_keystore, G_TYPE_OBJECT)

static void
sintesi_keystore_finalize (GObject *object)
{
  SintesiKeystore *self = SINTESI_KEYSTORE (object);

  g_free (self->profile_name);
  g_free (self->folder);
  G_OBJECT_CLASS (sintesi_keystore_parent_class)->finalize (object);
}

static void
sintesi_keystore_class_init (SintesiKeystoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_keystore_finalize;
}

static void
sintesi_keystore_init (SintesiKeystore *self)
{
}

void
sintesi_keystore_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  sintesi_credentials_wipe (secret, strlen (secret));
  g_free (secret);
}

/* A string that is wiped before it is freed. */
typedef char SintesiKeystoreSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiKeystoreSecretString, sintesi_keystore_secret_free)

/* ---- The OS keyring ---- */

#ifdef G_OS_WIN32

/* Windows Credential Manager: one generic credential per profile and slot,
 * visible to this user only. */
static gunichar2 *
windows_target (const char *profile,
                const char *slot)
{
  g_autofree char *target = g_strdup_printf ("%s/%s/%s", SINTESI_KEYSTORE_SCHEMA_NAME, profile, slot);

  return g_utf8_to_utf16 (target, -1, NULL, NULL, NULL);
}

static void
set_windows_error (GError **error)
{
  g_autofree char *reason = g_win32_error_message (GetLastError ());

  g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING,
               /* TRANSLATORS: the system's reason */
               _("The system keyring did not answer: %s"), reason);
}

static gboolean
keyring_store (const char  *profile,
               const char  *slot,
               const char  *secret,
               GError     **error)
{
  g_autofree gunichar2 *target = windows_target (profile, slot);
  CREDENTIALW credential = { 0 };

  credential.Type = CRED_TYPE_GENERIC;
  credential.TargetName = (LPWSTR) target;
  credential.CredentialBlobSize = (DWORD) strlen (secret);
  credential.CredentialBlob = (LPBYTE) secret;
  credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
  credential.UserName = (LPWSTR) L"Sintesi";
  if (!CredWriteW (&credential, 0))
    {
      set_windows_error (error);
      return FALSE;
    }
  return TRUE;
}

static char *
keyring_lookup (const char  *profile,
                const char  *slot,
                GError     **error)
{
  g_autofree gunichar2 *target = windows_target (profile, slot);
  PCREDENTIALW credential = NULL;
  char *secret;

  if (!CredReadW ((LPCWSTR) target, CRED_TYPE_GENERIC, 0, &credential))
    {
      if (GetLastError () == ERROR_NOT_FOUND)
        return NULL;
      set_windows_error (error);
      return NULL;
    }
  secret = g_strndup ((const char *) credential->CredentialBlob, credential->CredentialBlobSize);
  SecureZeroMemory (credential->CredentialBlob, credential->CredentialBlobSize);
  CredFree (credential);
  return secret;
}

static gboolean
keyring_clear (const char  *profile,
               const char  *slot,
               GError     **error)
{
  g_autofree gunichar2 *target = windows_target (profile, slot);

  if (!CredDeleteW ((LPCWSTR) target, CRED_TYPE_GENERIC, 0) && GetLastError () != ERROR_NOT_FOUND)
    {
      set_windows_error (error);
      return FALSE;
    }
  return TRUE;
}

#else /* libsecret */

static const SecretSchema *
credential_schema (void)
{
  static const SecretSchema schema = {
    SINTESI_KEYSTORE_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "slot", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

static void
set_keyring_error (GError       **error,
                   const GError  *cause)
{
  g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_KEYRING,
               /* TRANSLATORS: the system's reason (often in English) */
               _("The system keyring did not answer: %s"), cause->message);
}

static gboolean
keyring_store (const char  *profile,
               const char  *slot,
               const char  *secret,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = g_strdup_printf (_("Sintesi: key of the %s certificate of profile “%s”"),
                                            strcmp (slot, "auth") == 0 ? "A1" : "S1", profile);

  if (!secret_password_store_sync (credential_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                                   NULL, &local_error,
                                   "profile", profile, "slot", slot, NULL))
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* NULL without error: the keyring answered, but holds nothing for this. */
static char *
keyring_lookup (const char  *profile,
                const char  *slot,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *found;
  char *secret;

  found = secret_password_lookup_sync (credential_schema (), NULL, &local_error,
                                       "profile", profile, "slot", slot, NULL);
  if (local_error != NULL)
    {
      set_keyring_error (error, local_error);
      return NULL;
    }
  if (found == NULL)
    return NULL;
  secret = g_strdup (found);
  secret_password_free (found);
  return secret;
}

static gboolean
keyring_clear (const char  *profile,
               const char  *slot,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  secret_password_clear_sync (credential_schema (), NULL, &local_error,
                              "profile", profile, "slot", slot, NULL);
  if (local_error != NULL)
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

#endif

/* ---- Files ---- */

static gboolean
valid_profile_name (const char *name)
{
  return name != NULL && *name != '\0' && strcmp (name, ".") != 0 && strcmp (name, "..") != 0 &&
         strchr (name, '/') == NULL && strchr (name, '\\') == NULL && g_utf8_validate (name, -1, NULL);
}

SintesiKeystore *
sintesi_keystore_new (const char  *profile_name,
                      const char  *folder,
                      GError     **error)
{
  SintesiKeystore *self;

  if (!valid_profile_name (profile_name))
    {
      g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_INVALID_NAME,
                   _("“%s” cannot be a profile name: use letters, digits and spaces, without “/” or “\\”."),
                   profile_name != NULL ? profile_name : "");
      return NULL;
    }
  self = g_object_new (SINTESI_TYPE_KEYSTORE, NULL);
  self->profile_name = g_strdup (profile_name);
  if (folder != NULL)
    self->folder = g_strdup (folder);
  else
    {
      g_autofree char *profiles = sintesi_paths_profiles_dir ();

      self->folder = g_build_filename (profiles, profile_name, NULL);
    }
  return self;
}

const char *
sintesi_keystore_get_folder (SintesiKeystore *self)
{
  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  return self->folder;
}

const char *
sintesi_keystore_get_profile_name (SintesiKeystore *self)
{
  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  return self->profile_name;
}

static char *
slot_file_name (SintesiCredentialSlot  slot,
                const char            *suffix)
{
  return g_strconcat (sintesi_credential_slot_to_string (slot), suffix, NULL);
}

static char *
slot_file (SintesiKeystore       *self,
           SintesiCredentialSlot  slot,
           const char            *suffix)
{
  g_autofree char *name = slot_file_name (slot, suffix);

  return g_build_filename (self->folder, name, NULL);
}

static GKeyFile *
read_index (SintesiKeystore  *self,
            GError          **error)
{
  g_autoptr(GKeyFile) index = g_key_file_new ();
  g_autofree char *path = g_build_filename (self->folder, INDEX_FILE, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (index, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&index);
      g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_CORRUPT,
                   /* TRANSLATORS: a file name, then the reason */
                   _("The credentials index “%s” cannot be read: %s"), path, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&index);
}

static gboolean
write_index (SintesiKeystore  *self,
             GKeyFile         *index,
             GError          **error)
{
  g_autofree char *path = g_build_filename (self->folder, INDEX_FILE, NULL);
  g_autofree char *data = NULL;
  gsize length;

  data = g_key_file_to_data (index, &length, NULL);
  return sintesi_write_file_atomic (path, data, length, 0600, error);
}

static const char *
secret_kind_to_string (SintesiKeystoreSecret kind)
{
  switch (kind)
    {
    case SINTESI_KEYSTORE_SECRET_KEYRING:
      return "keyring";
    case SINTESI_KEYSTORE_SECRET_PASSPHRASE:
      return "passphrase";
    case SINTESI_KEYSTORE_SECRET_NONE:
    default:
      return "none";
    }
}

static SintesiKeystoreSecret
secret_kind_from_index (GKeyFile   *index,
                        const char *group)
{
  g_autofree char *kind = g_key_file_get_string (index, group, "secret", NULL);

  if (g_strcmp0 (kind, "keyring") == 0)
    return SINTESI_KEYSTORE_SECRET_KEYRING;
  if (g_strcmp0 (kind, "passphrase") == 0)
    return SINTESI_KEYSTORE_SECRET_PASSPHRASE;
  return SINTESI_KEYSTORE_SECRET_NONE;
}

static char *
new_random_secret (void)
{
  guchar random[SECRET_BYTES];
  char *secret;

  if (gnutls_rnd (GNUTLS_RND_KEY, random, sizeof random) < 0)
    g_error ("the system random number generator failed");
  secret = g_base64_encode (random, sizeof random);
  sintesi_credentials_wipe (random, sizeof random);
  return secret;
}

gboolean
sintesi_keystore_store (SintesiKeystore   *self,
                        SintesiCredential *cred,
                        const char        *passphrase,
                        GError           **error)
{
  SintesiCredentialSlot slot;
  const char *group;
  g_autoptr(GKeyFile) index = NULL;
  g_autofree char *chain_pem = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(SintesiKeystoreSecretString) secret = NULL;
  g_autoptr(SintesiKeystoreSecretString) previous_secret = NULL;
  g_autofree char *key_pem = NULL;
  SintesiKeystoreSecret kind;
  gboolean keyring_changed = FALSE;
  g_autoptr(GError) write_error = NULL;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), FALSE);
  g_return_val_if_fail (SINTESI_IS_CREDENTIAL (cred), FALSE);

  slot = sintesi_credential_get_slot (cred);
  group = sintesi_credential_slot_to_string (slot);
  if (!sintesi_paths_ensure_private_dir (self->folder, error))
    return FALSE;
  /* A damaged index must not stop a fresh import, which is how the
   * physician repairs it: start a new one (the other slot then shows as
   * not imported, which is the truth the damaged file can still tell). */
  index = read_index (self, NULL);
  if (index == NULL)
    index = g_key_file_new ();

  chain_pem = sintesi_credential_get_chain_pem (cred);
  chain_path = slot_file (self, slot, "-chain.pem");
  key_path = slot_file (self, slot, "-key.pem");

  if (sintesi_credential_get_source (cred) == SINTESI_CREDENTIAL_SOURCE_PKCS11)
    {
      kind = SINTESI_KEYSTORE_SECRET_NONE;
    }
  else
    {
      if (passphrase != NULL && *passphrase != '\0')
        {
          kind = SINTESI_KEYSTORE_SECRET_PASSPHRASE;
          secret = g_strdup (passphrase);
        }
      else
        {
          kind = SINTESI_KEYSTORE_SECRET_KEYRING;
          secret = new_random_secret ();
        }
      key_pem = sintesi_credential_export_encrypted_key (cred, secret, error);
      if (key_pem == NULL)
        return FALSE;
      if (kind == SINTESI_KEYSTORE_SECRET_KEYRING)
        {
          g_autoptr(GError) lookup_error = NULL;

          /* Kept to put back if the files cannot be written: the old key
           * on disk must stay readable. */
          previous_secret = keyring_lookup (self->profile_name, group, &lookup_error);
          if (lookup_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&lookup_error));
              return FALSE;
            }
          if (!keyring_store (self->profile_name, group, secret, error))
            return FALSE;
          keyring_changed = TRUE;
        }
    }

  g_key_file_remove_group (index, group, NULL);
  g_key_file_set_string (index, group, "source",
                         kind == SINTESI_KEYSTORE_SECRET_NONE ? "pkcs11" : "file");
  {
    g_autofree char *chain_name = slot_file_name (slot, "-chain.pem");
    g_autofree char *key_name = slot_file_name (slot, "-key.pem");

    g_key_file_set_string (index, group, "chain", chain_name);
    if (kind == SINTESI_KEYSTORE_SECRET_NONE)
      g_key_file_set_string (index, group, "uri", sintesi_credential_get_pkcs11_uri (cred));
    else
      g_key_file_set_string (index, group, "key", key_name);
  }
  g_key_file_set_string (index, group, "secret", secret_kind_to_string (kind));

  if (!sintesi_write_file_atomic (chain_path, chain_pem, -1, 0600, &write_error) ||
      (key_pem != NULL && !sintesi_write_file_atomic (key_path, key_pem, -1, 0600, &write_error)) ||
      !write_index (self, index, &write_error))
    {
      if (keyring_changed)
        {
          if (previous_secret != NULL)
            keyring_store (self->profile_name, group, previous_secret, NULL);
          else
            keyring_clear (self->profile_name, group, NULL);
        }
      g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_WRITE,
                   /* TRANSLATORS: the system's reason */
                   _("The credential could not be saved: %s"), write_error->message);
      return FALSE;
    }
  if (key_pem != NULL)
    sintesi_credentials_wipe (key_pem, strlen (key_pem));

  /* A PKCS#11 credential replacing a file one leaves no key behind. */
  if (kind == SINTESI_KEYSTORE_SECRET_NONE)
    {
      g_remove (key_path);
      keyring_clear (self->profile_name, group, NULL);
    }
  else if (kind == SINTESI_KEYSTORE_SECRET_PASSPHRASE)
    keyring_clear (self->profile_name, group, NULL);
  return TRUE;
}

static gboolean
lookup_slot (SintesiKeystore        *self,
             SintesiCredentialSlot   slot,
             GKeyFile              **out_index,
             GError                **error)
{
  g_autoptr(GKeyFile) index = read_index (self, error);

  if (index == NULL)
    return FALSE;
  if (!g_key_file_has_group (index, sintesi_credential_slot_to_string (slot)))
    {
      g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NOT_FOUND,
                   slot == SINTESI_CREDENTIAL_SLOT_AUTH
                   ? _("No authentication certificate (A1) has been imported for the profile “%s”.")
                   : _("No signature certificate (S1) has been imported for the profile “%s”."),
                   self->profile_name);
      return FALSE;
    }
  *out_index = g_steal_pointer (&index);
  return TRUE;
}

gboolean
sintesi_keystore_has_credential (SintesiKeystore       *self,
                                 SintesiCredentialSlot  slot)
{
  g_autoptr(GKeyFile) index = NULL;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), FALSE);
  return lookup_slot (self, slot, &index, NULL);
}

SintesiKeystoreSecret
sintesi_keystore_get_secret_kind (SintesiKeystore       *self,
                                  SintesiCredentialSlot  slot)
{
  g_autoptr(GKeyFile) index = NULL;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), SINTESI_KEYSTORE_SECRET_NONE);
  if (!lookup_slot (self, slot, &index, NULL))
    return SINTESI_KEYSTORE_SECRET_NONE;
  return secret_kind_from_index (index, sintesi_credential_slot_to_string (slot));
}

static char *
stored_file_path (SintesiKeystore  *self,
                  GKeyFile         *index,
                  const char       *group,
                  const char       *key)
{
  g_autofree char *name = g_key_file_get_string (index, group, key, NULL);

  /* Only plain names inside the profile folder. */
  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || strchr (name, '\\') != NULL ||
      strcmp (name, "..") == 0)
    return NULL;
  return g_build_filename (self->folder, name, NULL);
}

static GBytes *
read_stored (const char  *path,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (path == NULL || !g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_CORRUPT,
                   _("A stored credential file is missing or unreadable (%s): import the credential again."),
                   local_error != NULL ? local_error->message : "?");
      return NULL;
    }
  return g_bytes_new_take (contents, length);
}

SintesiCredential *
sintesi_keystore_load_certificates (SintesiKeystore       *self,
                                    SintesiCredentialSlot  slot,
                                    GError               **error)
{
  g_autoptr(GKeyFile) index = NULL;
  g_autofree char *chain_path = NULL;
  g_autoptr(GBytes) chain = NULL;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  if (!lookup_slot (self, slot, &index, error))
    return NULL;
  chain_path = stored_file_path (self, index, sintesi_credential_slot_to_string (slot), "chain");
  chain = read_stored (chain_path, error);
  if (chain == NULL)
    return NULL;
  return sintesi_credential_new_from_certificates (slot, chain, error);
}

char *
sintesi_keystore_get_key_secret (SintesiKeystore       *self,
                                 SintesiCredentialSlot  slot,
                                 const char            *passphrase,
                                 GError               **error)
{
  g_autoptr(GKeyFile) index = NULL;
  const char *group = sintesi_credential_slot_to_string (slot);
  g_autoptr(GError) local_error = NULL;
  char *secret;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  if (!lookup_slot (self, slot, &index, error))
    return NULL;
  switch (secret_kind_from_index (index, group))
    {
    case SINTESI_KEYSTORE_SECRET_PASSPHRASE:
      if (passphrase == NULL || *passphrase == '\0')
        {
          g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_PASSPHRASE_NEEDED,
                       _("The key of the profile “%s” is protected by a passphrase: please give it."),
                       self->profile_name);
          return NULL;
        }
      return g_strdup (passphrase);
    case SINTESI_KEYSTORE_SECRET_KEYRING:
      secret = keyring_lookup (self->profile_name, group, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (secret == NULL)
        g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_NO_SECRET,
                     _("The system keyring holds no secret for the key of the profile “%s”: import the credential again."),
                     self->profile_name);
      return secret;
    case SINTESI_KEYSTORE_SECRET_NONE:
    default:
      return NULL;
    }
}

SintesiCredential *
sintesi_keystore_load (SintesiKeystore       *self,
                       SintesiCredentialSlot  slot,
                       const char            *passphrase,
                       GError               **error)
{
  g_autoptr(GKeyFile) index = NULL;
  const char *group = sintesi_credential_slot_to_string (slot);
  g_autofree char *source = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GBytes) chain = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(SintesiKeystoreSecretString) secret = NULL;
  g_autoptr(GError) local_error = NULL;
  SintesiCredential *cred;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  if (!lookup_slot (self, slot, &index, error))
    return NULL;
  source = g_key_file_get_string (index, group, "source", NULL);
  chain_path = stored_file_path (self, index, group, "chain");

  if (g_strcmp0 (source, "pkcs11") == 0)
    {
      g_autofree char *uri = g_key_file_get_string (index, group, "uri", NULL);

      if (uri == NULL || chain_path == NULL)
        {
          g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_CORRUPT,
                       "%s", _("The stored smart card credential is incomplete: import it again."));
          return NULL;
        }
      chain = read_stored (chain_path, error);
      if (chain == NULL)
        return NULL;
      /* The key is opened (and the PIN asked) when it is first used. */
      return sintesi_credential_new_for_pkcs11_key (slot, uri, chain, error);
    }

  secret = sintesi_keystore_get_key_secret (self, slot, passphrase, error);
  if (secret == NULL)
    return NULL;
  key_path = stored_file_path (self, index, group, "key");
  chain = read_stored (chain_path, error);
  if (chain == NULL)
    return NULL;
  key = read_stored (key_path, error);
  if (key == NULL)
    return NULL;

  cred = sintesi_credential_import_pem_data (slot, chain, key, secret, &local_error);
  if (cred == NULL)
    {
      if (g_error_matches (local_error, SINTESI_CREDENTIALS_ERROR, SINTESI_CREDENTIALS_ERROR_WRONG_PASSWORD))
        g_set_error (error, SINTESI_KEYSTORE_ERROR, SINTESI_KEYSTORE_ERROR_WRONG_SECRET,
                     "%s",
                     secret_kind_from_index (index, group) == SINTESI_KEYSTORE_SECRET_PASSPHRASE
                     ? _("The passphrase is wrong: the stored key cannot be opened with it.")
                     : _("The secret in the system keyring does not open the stored key: import the credential again."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return cred;
}

char *
sintesi_keystore_get_chain_path (SintesiKeystore       *self,
                                 SintesiCredentialSlot  slot)
{
  g_autoptr(GKeyFile) index = NULL;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  if (!lookup_slot (self, slot, &index, NULL))
    return NULL;
  return stored_file_path (self, index, sintesi_credential_slot_to_string (slot), "chain");
}

char *
sintesi_keystore_get_key_path (SintesiKeystore       *self,
                               SintesiCredentialSlot  slot)
{
  g_autoptr(GKeyFile) index = NULL;
  const char *group = sintesi_credential_slot_to_string (slot);
  char *uri;

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), NULL);
  if (!lookup_slot (self, slot, &index, NULL))
    return NULL;
  uri = g_key_file_get_string (index, group, "uri", NULL);
  if (uri != NULL)
    return uri;
  return stored_file_path (self, index, group, "key");
}

gboolean
sintesi_keystore_remove (SintesiKeystore       *self,
                         SintesiCredentialSlot  slot,
                         GError               **error)
{
  g_autoptr(GKeyFile) index = NULL;
  const char *group = sintesi_credential_slot_to_string (slot);
  g_autofree char *chain_path = slot_file (self, slot, "-chain.pem");
  g_autofree char *key_path = slot_file (self, slot, "-key.pem");

  g_return_val_if_fail (SINTESI_IS_KEYSTORE (self), FALSE);
  index = read_index (self, error);
  if (index == NULL)
    return FALSE;
  if (g_key_file_has_group (index, group))
    {
      g_key_file_remove_group (index, group, NULL);
      if (!write_index (self, index, error))
        return FALSE;
    }
  g_remove (key_path);
  g_remove (chain_path);
  /* A keyring that does not answer holds nothing of ours to remove. */
  keyring_clear (self->profile_name, group, NULL);
  return TRUE;
}
