/* sintesi-file-chooser.c: asking the physician for a file */
#include "config.h"

#include <glib/gi18n.h>

#include "sintesi-file-chooser.h"

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

typedef struct
{
  GtkNativeDialog   **slot;
  SintesiFileChosen   chosen;
  gpointer            owner;
} ChooserRequest;

static void
chooser_request_free (gpointer data,
                      GClosure *closure)
{
  g_free (data);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ChooserRequest  *request)
{
  GtkNativeDialog **slot = request->slot;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      request->chosen (request->owner, file);
    }
  /* The last reference: request goes with the chooser. */
  g_clear_object (slot);
}

void
sintesi_file_chooser_open (GtkNativeDialog             **slot,
                           GtkWindow                    *parent,
                           const char                   *title,
                           const char                   *accept_label,
                           const SintesiFileFilterKind  *kinds,
                           guint                         n_kinds,
                           SintesiFileChosen             chosen,
                           gpointer                      owner)
{
  GtkFileChooserNative *chooser;
  ChooserRequest *request;

  g_return_if_fail (slot != NULL);

  if (*slot != NULL)
    return;
  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN, accept_label, _("_Cancel"));
  for (guint i = 0; i < n_kinds; i++)
    {
      g_autoptr(GtkFileFilter) filter = sintesi_file_filter_new (kinds[i]);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  request = g_new0 (ChooserRequest, 1);
  request->slot = slot;
  request->chosen = chosen;
  request->owner = owner;
  g_signal_connect_data (chooser, "response", G_CALLBACK (chooser_response_cb), request,
                         chooser_request_free, 0);
  *slot = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (*slot);
}
