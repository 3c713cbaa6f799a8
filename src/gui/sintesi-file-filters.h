/* sintesi-file-filters.h: the kinds of file the physician is asked for
 *
 * One filter a kind, named and matched the same in every file chooser.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  SINTESI_FILE_FILTER_CDA,           /* CDA documents (XML) */
  SINTESI_FILE_FILTER_PDF,           /* PDF documents */
  SINTESI_FILE_FILTER_CDA_OR_PDF,    /* either of the two */
  SINTESI_FILE_FILTER_CERTIFICATES,  /* PEM or DER certificates */
  SINTESI_FILE_FILTER_PKCS12,        /* .p12 / .pfx */
  SINTESI_FILE_FILTER_PRIVATE_KEYS,  /* PEM private keys */
  SINTESI_FILE_FILTER_ALL,           /* anything */
} SintesiFileFilterKind;

/* A new filter for kind, named for the physician. */
GtkFileFilter *sintesi_file_filter_new (SintesiFileFilterKind kind);

G_END_DECLS
