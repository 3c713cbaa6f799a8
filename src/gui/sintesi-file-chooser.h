/* sintesi-file-chooser.h: asking the physician for a file
 *
 * One filter a kind, named and matched the same in every file chooser,
 * and the chooser that opens one document.
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

typedef void (*SintesiFileChosen) (gpointer  owner,
                                   GFile    *file);

/* Opens a modal chooser of one file of kinds (the first is offered
 * first), transient for parent, unless *slot holds one already. *slot
 * keeps it while it is open; when the physician accepts a file,
 * chosen(owner, file) is called. An owner that goes first destroys the
 * chooser and clears *slot. */
void           sintesi_file_chooser_open (GtkNativeDialog             **slot,
                                          GtkWindow                    *parent,
                                          const char                   *title,
                                          const char                   *accept_label,
                                          const SintesiFileFilterKind  *kinds,
                                          guint                         n_kinds,
                                          SintesiFileChosen             chosen,
                                          gpointer                      owner);

G_END_DECLS
