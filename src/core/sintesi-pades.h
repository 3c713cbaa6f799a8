/* sintesi-pades.h: PAdES B-B signatures on the PSS submission PDF
 *
 * The PDF (human-readable pages with cda.xml attached) is signed by an
 * incremental update written by hand: the original bytes are kept as they
 * are and a new revision adds the signature field, the /Sig dictionary and a
 * CMS made by GnuTLS (decisions D16, pss-document.md §6(d)). Nothing rewrites
 * the file after signing. A PDF that is already signed (by the physician's
 * own signing tool) is checked and handed back unchanged.
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define SINTESI_PADES_ERROR (sintesi_pades_error_quark ())

typedef enum
{
  SINTESI_PADES_ERROR_NOT_PDF,              /* empty, or no %PDF- header */
  SINTESI_PADES_ERROR_DAMAGED,              /* qpdf cannot read it cleanly */
  SINTESI_PADES_ERROR_ENCRYPTED,
  SINTESI_PADES_ERROR_NO_CDA,               /* no cda.xml attachment */
  SINTESI_PADES_ERROR_INVALID_SIGNATURE,    /* does not verify over its ByteRange */
  SINTESI_PADES_ERROR_PARTIAL_SIGNATURE,    /* bytes were added after signing */
  SINTESI_PADES_ERROR_UNREADABLE_SIGNATURE, /* a CMS GnuTLS cannot parse */
  SINTESI_PADES_ERROR_CONTENTS_TOO_SMALL,   /* the CMS does not fit /Contents */
  SINTESI_PADES_ERROR_CREDENTIALS,          /* key or certificate unusable */
  SINTESI_PADES_ERROR_NOT_SIGNED,           /* unsigned input and no key given */
  SINTESI_PADES_ERROR_SIGNING,              /* GnuTLS refused to sign */
  SINTESI_PADES_ERROR_SELF_CHECK,           /* our own output failed its check */
  SINTESI_PADES_ERROR_TOO_LARGE,            /* over SINTESI_PADES_MAX_SIZE */
  SINTESI_PADES_ERROR_IO,
} SintesiPadesError;

typedef enum
{
  SINTESI_PADES_STATE_UNSIGNED,
  SINTESI_PADES_STATE_SIGNED,
} SintesiPadesState;

/* Far above any real submission; keeps a hostile file from exhausting memory. */
#define SINTESI_PADES_MAX_SIZE (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  /* Optional /Name, /Reason, /Location of the signature (UTF-8). */
  const char *name;
  const char *reason;
  const char *location;
  /* The claimed signing time written in /M; NULL means now. */
  GDateTime  *signing_time;
  /* Bytes reserved for the DER CMS in /Contents; 0 (the normal case) sizes
   * it from the key and the chain. Signing fails cleanly if it is too small. */
  gsize       contents_size;
} SintesiPadesSignOptions;

GQuark   sintesi_pades_error_quark   (void);

/* Unsigned or signed (an AcroForm signature field with a value)? Fails for
 * input that is not a PDF qpdf can read. Does not verify anything. */
gboolean sintesi_pades_classify      (GBytes                        *pdf,
                                      SintesiPadesState             *out_state,
                                      GError                       **error);

/* The checks an already signed submission must pass, the one place they
 * are made: every signature carries /M and verifies over its ByteRange
 * (whose hole is exactly its /Contents), its signing-certificate-v2 names
 * the signer, one covers the whole file but its /Contents, and the gateway
 * finds cda.xml (sintesi_pdf_get_cda). Signatures GnuTLS cannot parse even
 * after BER to DER normalisation give
 * SINTESI_PADES_ERROR_UNREADABLE_SIGNATURE. Per-signature details for
 * display are sintesi_pdf_get_signatures. */
gboolean sintesi_pades_check_signed  (GBytes                        *pdf,
                                      GError                       **error);

/* An unsigned PDF carrying cda.xml is signed with key; chain[0] is the
 * signer's certificate, the rest (issuers) go into the CMS too. The result
 * is the original bytes plus one incremental update, already self-checked.
 * A signed PDF is checked and returned unchanged (a new reference to pdf);
 * key may then be NULL. out_input_state (optional) says which it was.
 * Memory: pdf plus one copy; large files go through sintesi_pades_sign_file. */
GBytes  *sintesi_pades_sign          (GBytes                        *pdf,
                                      gnutls_privkey_t               key,
                                      gnutls_x509_crt_t const       *chain,
                                      guint                          chain_length,
                                      const SintesiPadesSignOptions *options,
                                      SintesiPadesState             *out_input_state,
                                      GError                       **error);

/* The same for files, with one in-memory copy of the document at most (no
 * second buffer the size of the file). The output is written atomically and
 * only after the self-check; a signed input is copied byte for byte (nothing
 * is written when output_path is input_path). */
gboolean sintesi_pades_sign_file     (const char                    *input_path,
                                      const char                    *output_path,
                                      gnutls_privkey_t               key,
                                      gnutls_x509_crt_t const       *chain,
                                      guint                          chain_length,
                                      const SintesiPadesSignOptions *options,
                                      SintesiPadesState             *out_input_state,
                                      GError                       **error);

G_END_DECLS
