/* sintesi-validation.c: will the gateway accept this CDA? */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-pdf.h"
#include "sintesi-validation.h"
#include "sintesi-xml.h"

SintesiRulesPackage *
sintesi_validation_open_rules (const char  *rules_dir,
                               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  SintesiRulesPackage *package;

  if (rules_dir != NULL)
    return sintesi_rules_package_open (rules_dir, error);
  package = sintesi_rules_package_open_installed (&local_error);
  if (package == NULL && !g_error_matches (local_error, SINTESI_RULES_ERROR, SINTESI_RULES_ERROR_NOT_INSTALLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return package;
}

SintesiCda *
sintesi_validation_load_document (const char  *path,
                                  GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) cda = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GError) local_error = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, SINTESI_XML_ERROR, SINTESI_XML_ERROR_READ,
                   _("Cannot read “%s”: %s"), display, local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  if (g_bytes_get_size (bytes) < 4 || memcmp (g_bytes_get_data (bytes, NULL), "%PDF", 4) != 0)
    return sintesi_cda_load_file (path, 0, error);

  /* A PDF carries the clinical document as its cda.xml attachment. */
  cda = sintesi_pdf_get_cda (bytes, error);
  if (cda == NULL)
    return NULL;
  return sintesi_cda_load_bytes (cda, "cda.xml", 0, error);
}

void
sintesi_validation_free (SintesiValidation *validation)
{
  if (validation == NULL)
    return;
  g_free (validation->rules_version);
  g_clear_pointer (&validation->xsd, sintesi_xsd_result_free);
  g_clear_pointer (&validation->schematron, sintesi_schematron_result_free);
  g_clear_pointer (&validation->checks, g_ptr_array_unref);
  g_free (validation);
}

SintesiValidation *
sintesi_validation_run (const SintesiCda     *cda,
                        SintesiRulesPackage  *package,
                        SintesiPssCheckFlags  flags,
                        GError              **error)
{
  g_autoptr(SintesiValidation) validation = g_new0 (SintesiValidation, 1);

  validation->checks = sintesi_pss_checks_run (cda, flags);
  validation->valid = sintesi_pss_checks_all_ok (validation->checks);

  if (package != NULL)
    {
      SintesiXsd *xsd;
      SintesiSchematron *schematron;
      const char *terminology_dir = sintesi_rules_package_get_terminology_dir (package);

      if (!sintesi_rules_package_load (package, error))
        return NULL;
      validation->rules_version = g_strdup (sintesi_rules_package_get_version (package));
      xsd = sintesi_rules_package_get_xsd (package, error);
      schematron = xsd != NULL ? sintesi_rules_package_get_schematron (package, error) : NULL;
      if (schematron == NULL)
        return NULL;
      validation->xsd = sintesi_xsd_validate (xsd, cda->doc, error);
      if (validation->xsd == NULL)
        return NULL;
      validation->schematron = sintesi_schematron_validate (schematron, cda->doc, error);
      if (validation->schematron == NULL)
        return NULL;
      validation->valid = validation->valid && validation->xsd->valid &&
                          validation->schematron->failed_asserts->len == 0;

      if (terminology_dir != NULL)
        {
          g_autoptr(GPtrArray) terminology = sintesi_pss_checks_terminology (cda, terminology_dir, error);
          gsize n_found = 0;
          gpointer *found;

          if (terminology == NULL)
            return NULL;
          validation->valid = validation->valid && sintesi_pss_checks_all_ok (terminology);
          g_ptr_array_set_free_func (terminology, NULL);
          found = g_ptr_array_steal (terminology, &n_found);
          for (gsize i = 0; i < n_found; i++)
            g_ptr_array_add (validation->checks, found[i]);
          g_free (found);
        }
    }
  return g_steal_pointer (&validation);
}

char *
sintesi_validation_summary (const SintesiValidation *validation)
{
  GString *summary = g_string_new (NULL);

  for (guint i = 0; i < validation->checks->len; i++)
    {
      SintesiPssCheck *check = g_ptr_array_index (validation->checks, i);

      if (!check->ok)
        g_string_append_printf (summary, "%s%s", summary->len > 0 ? "\n" : "", check->message);
    }
  for (guint i = 0; validation->xsd != NULL && i < validation->xsd->errors->len; i++)
    {
      SintesiXsdIssue *issue = g_ptr_array_index (validation->xsd->errors, i);

      g_string_append_printf (summary, "%s", summary->len > 0 ? "\n" : "");
      g_string_append_printf (summary, _("XSD, line %d: %s"), issue->line, issue->message);
    }
  for (guint i = 0; validation->schematron != NULL && i < validation->schematron->failed_asserts->len; i++)
    {
      SintesiSchematronFinding *finding = g_ptr_array_index (validation->schematron->failed_asserts, i);

      g_string_append_printf (summary, "%s%s: %s", summary->len > 0 ? "\n" : "", finding->id, finding->message);
    }
  return g_string_free (summary, FALSE);
}
