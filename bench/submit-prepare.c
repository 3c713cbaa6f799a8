/* submit-prepare.c: the documents of bench/submit, made before timing
 *
 *   submit-prepare CONFIG_DIR PROFILE S1.pem S1.key FIRST COUNT OUT_DIR
 *
 * Writes COUNT example PSS documents with distinct ids (progressives
 * FIRST…FIRST+COUNT-1) as OUT_DIR/N.pdf, signed with the S1 pair as
 * sintesi-cli would sign them, OUT_DIR/N.xml, their CDA, and OUT_DIR/N.json,
 * the requestBody the profile would send with it (for the curl side).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sintesi-credentials.h"
#include "sintesi-ids.h"
#include "sintesi-paths.h"
#include "sintesi-profile.h"
#include "sintesi-pss-builder.h"
#include "sintesi-request-body.h"
#include "sintesi-submission.h"

static int
fail (const char *what,
      GError     *error)
{
  fprintf (stderr, "submit-prepare: %s: %s\n", what, error != NULL ? error->message : "failed");
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr(SintesiProfile) profile = NULL;
  g_autoptr(SintesiCredential) sign = NULL;
  g_autoptr(GError) error = NULL;
  guint64 first, count;

  if (argc != 8)
    {
      fprintf (stderr, "usage: submit-prepare CONFIG_DIR PROFILE S1.pem S1.key FIRST COUNT OUT_DIR\n");
      return 2;
    }
  sintesi_paths_set_config_dir (argv[1]);
  profile = sintesi_profile_load (argv[2], &error);
  if (profile == NULL)
    return fail ("profile", error);
  sign = sintesi_credential_import_pem (SINTESI_CREDENTIAL_SLOT_SIGN, argv[3], argv[4], NULL, &error);
  if (sign == NULL)
    return fail ("S1", error);
  first = g_ascii_strtoull (argv[5], NULL, 10);
  count = g_ascii_strtoull (argv[6], NULL, 10);

  for (guint64 n = first; n < first + count; n++)
    {
      g_autofree char *extension = g_strdup_printf ("090201.PSS.201.BENCH%" G_GUINT64_FORMAT, n);
      g_autofree char *document_id = g_strconcat ("2.16.840.1.113883.2.9.2.90.4.4^", extension, NULL);
      g_autofree char *submission_id = sintesi_ids_format_submission_id ((guint64) g_get_real_time ());
      g_autofree char *pdf_path = g_strdup_printf ("%s/%" G_GUINT64_FORMAT ".pdf", argv[7], n);
      g_autofree char *body_path = g_strdup_printf ("%s/%" G_GUINT64_FORMAT ".json", argv[7], n);
      g_autofree char *cda_path = g_strdup_printf ("%s/%" G_GUINT64_FORMAT ".xml", argv[7], n);
      g_autofree char *body = NULL;
      g_autoptr(SintesiPssModel) model = NULL;
      g_autoptr(GBytes) cda = NULL;
      g_autoptr(GBytes) pdf = NULL;

      model = sintesi_pss_model_new_example ("RSSMRA80A01H501U", sintesi_profile_get_cf (profile), extension,
                                             "20250114103000+0100");
      cda = sintesi_pss_build (model, &error);
      if (cda == NULL)
        return fail ("build", error);
      pdf = sintesi_submission_sign_cda (cda, sign, &error);
      if (pdf == NULL)
        return fail ("sign", error);
      body = sintesi_request_body_build (SINTESI_GATEWAY_CREATE, profile, document_id, submission_id, NULL, &error);
      if (body == NULL)
        return fail ("requestBody", error);
      if (!g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error) ||
          !g_file_set_contents (body_path, body, -1, &error) ||
          !g_file_set_contents (cda_path, g_bytes_get_data (cda, NULL), g_bytes_get_size (cda), &error))
        return fail ("write", error);
    }
  return 0;
}
