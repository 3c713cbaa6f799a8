/* sintesi-file-filters.c: the kinds of file the physician is asked for */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-file-filters.h"

static void
add_suffixes (GtkFileFilter      *filter,
              const char * const *suffixes)
{
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
}

GtkFileFilter *
sintesi_file_filter_new (SintesiFileFilterKind kind)
{
  static const char * const certificates[] = { "pem", "crt", "cer", "der", NULL };
  static const char * const pkcs12[] = { "p12", "pfx", NULL };
  static const char * const keys[] = { "pem", "key", NULL };
  GtkFileFilter *filter = gtk_file_filter_new ();

  switch (kind)
    {
    case SINTESI_FILE_FILTER_CDA:
      gtk_file_filter_set_name (filter, _("CDA documents (XML)"));
      gtk_file_filter_add_mime_type (filter, "application/xml");
      gtk_file_filter_add_mime_type (filter, "text/xml");
      gtk_file_filter_add_suffix (filter, "xml");
      break;
    case SINTESI_FILE_FILTER_PDF:
      gtk_file_filter_set_name (filter, _("PDF documents"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
      gtk_file_filter_add_suffix (filter, "pdf");
      break;
    case SINTESI_FILE_FILTER_CDA_OR_PDF:
      gtk_file_filter_set_name (filter, _("CDA documents and signed PDFs"));
      gtk_file_filter_add_mime_type (filter, "application/xml");
      gtk_file_filter_add_mime_type (filter, "text/xml");
      gtk_file_filter_add_mime_type (filter, "application/pdf");
      gtk_file_filter_add_suffix (filter, "xml");
      gtk_file_filter_add_suffix (filter, "pdf");
      break;
    case SINTESI_FILE_FILTER_CERTIFICATES:
      gtk_file_filter_set_name (filter, _("Certificates (PEM or DER)"));
      add_suffixes (filter, certificates);
      break;
    case SINTESI_FILE_FILTER_PKCS12:
      gtk_file_filter_set_name (filter, _("PKCS#12 files"));
      add_suffixes (filter, pkcs12);
      break;
    case SINTESI_FILE_FILTER_PRIVATE_KEYS:
      gtk_file_filter_set_name (filter, _("Private keys (PEM)"));
      add_suffixes (filter, keys);
      break;
    case SINTESI_FILE_FILTER_ALL:
    default:
      gtk_file_filter_set_name (filter, _("All files"));
      gtk_file_filter_add_pattern (filter, "*");
      break;
    }
  return filter;
}
