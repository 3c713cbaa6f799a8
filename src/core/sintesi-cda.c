/* sintesi-cda.c: an HL7 CDA R2 document and the facts the rest of Sintesi needs */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "sintesi-cda.h"
#include "sintesi-xml.h"

G_DEFINE_QUARK (sintesi-cda-error-quark, sintesi_cda_error)

static void
cda_id_clear (SintesiCdaId *id)
{
  g_clear_pointer (&id->root, g_free);
  g_clear_pointer (&id->extension, g_free);
}

static void
cda_id_free (gpointer data)
{
  SintesiCdaId *id = data;

  cda_id_clear (id);
  g_free (id);
}

static void
cda_section_free (gpointer data)
{
  SintesiCdaSection *section = data;

  g_free (section->code);
  g_free (section->code_system);
  g_free (section->title);
  g_free (section->template_id);
  g_free (section);
}

void
sintesi_cda_free (SintesiCda *cda)
{
  if (cda == NULL)
    return;
  g_clear_pointer (&cda->doc, xmlFreeDoc);
  cda_id_clear (&cda->id);
  cda_id_clear (&cda->set_id);
  cda_id_clear (&cda->custodian_id);
  g_free (cda->version_number);
  g_free (cda->effective_time);
  g_free (cda->code);
  g_free (cda->code_system);
  g_free (cda->code_display_name);
  g_free (cda->title);
  g_free (cda->realm_code);
  g_free (cda->type_id_root);
  g_free (cda->type_id_extension);
  g_clear_pointer (&cda->template_ids, g_ptr_array_unref);
  g_free (cda->confidentiality_code);
  g_free (cda->language_code);
  g_free (cda->first_code);
  g_free (cda->first_code_system);
  g_free (cda->patient_id_root);
  g_free (cda->patient_id_extension);
  g_free (cda->patient_cf);
  g_free (cda->patient_given);
  g_free (cda->patient_family);
  g_free (cda->patient_sex);
  g_free (cda->patient_birth_time);
  g_free (cda->author_cf);
  g_free (cda->author_given);
  g_free (cda->author_family);
  g_free (cda->legal_authenticator_cf);
  g_free (cda->legal_authenticator_given);
  g_free (cda->legal_authenticator_family);
  g_free (cda->legal_authenticator_signature_code);
  g_free (cda->custodian_name);
  g_clear_pointer (&cda->sections, g_ptr_array_unref);
  g_free (cda);
}

/* The string value of an XPath expression (relative to node), trimmed, or
 * NULL when it selects nothing or only whitespace. */
static char *
xpath_string (xmlXPathContext *ctx,
              xmlNode         *node,
              const char      *expression)
{
  g_autofree char *wrapped = g_strdup_printf ("string(%s)", expression);
  xmlXPathObject *result;
  char *value = NULL;

  ctx->node = node;
  result = xmlXPathEvalExpression ((const xmlChar *) wrapped, ctx);
  if (result != NULL && result->type == XPATH_STRING && result->stringval != NULL)
    {
      value = g_strstrip (g_strdup ((const char *) result->stringval));
      if (*value == '\0')
        g_clear_pointer (&value, g_free);
    }
  xmlXPathFreeObject (result);
  return value;
}

static xmlXPathObject *
xpath_nodes (xmlXPathContext *ctx,
             xmlNode         *node,
             const char      *expression)
{
  xmlXPathObject *result;

  ctx->node = node;
  result = xmlXPathEvalExpression ((const xmlChar *) expression, ctx);
  if (result != NULL && result->type != XPATH_NODESET)
    g_clear_pointer (&result, xmlXPathFreeObject);
  return result;
}

static guint
xpath_count (xmlXPathContext *ctx,
             xmlNode         *node,
             const char      *expression)
{
  xmlXPathObject *result = xpath_nodes (ctx, node, expression);
  guint n = 0;

  if (result != NULL && result->nodesetval != NULL)
    n = (guint) result->nodesetval->nodeNr;
  xmlXPathFreeObject (result);
  return n;
}

static void
read_sections (SintesiCda      *cda,
               xmlXPathContext *ctx,
               xmlNode         *root)
{
  xmlXPathObject *sections = xpath_nodes (ctx, root, "hl7:component/hl7:structuredBody/hl7:component/hl7:section");

  cda->sections = g_ptr_array_new_with_free_func (cda_section_free);
  if (sections == NULL || sections->nodesetval == NULL)
    {
      xmlXPathFreeObject (sections);
      return;
    }
  for (int i = 0; i < sections->nodesetval->nodeNr; i++)
    {
      xmlNode *node = sections->nodesetval->nodeTab[i];
      SintesiCdaSection *section = g_new0 (SintesiCdaSection, 1);

      section->code = xpath_string (ctx, node, "hl7:code/@code");
      section->code_system = xpath_string (ctx, node, "hl7:code/@codeSystem");
      section->title = xpath_string (ctx, node, "hl7:title");
      section->template_id = xpath_string (ctx, node, "hl7:templateId[1]/@root");
      section->n_entries = xpath_count (ctx, node, "hl7:entry");
      section->has_text = xpath_count (ctx, node, "hl7:text") > 0;
      g_ptr_array_add (cda->sections, section);
    }
  xmlXPathFreeObject (sections);
}

static void
read_facts (SintesiCda      *cda,
            xmlXPathContext *ctx,
            xmlNode         *root)
{
  xmlXPathObject *templates;

  cda->id.root = xpath_string (ctx, root, "hl7:id/@root");
  cda->id.extension = xpath_string (ctx, root, "hl7:id/@extension");
  cda->set_id.root = xpath_string (ctx, root, "hl7:setId/@root");
  cda->set_id.extension = xpath_string (ctx, root, "hl7:setId/@extension");
  cda->version_number = xpath_string (ctx, root, "hl7:versionNumber/@value");
  cda->effective_time = xpath_string (ctx, root, "hl7:effectiveTime/@value");
  cda->code = xpath_string (ctx, root, "hl7:code/@code");
  cda->code_system = xpath_string (ctx, root, "hl7:code/@codeSystem");
  cda->code_display_name = xpath_string (ctx, root, "hl7:code/@displayName");
  cda->title = xpath_string (ctx, root, "hl7:title");
  cda->realm_code = xpath_string (ctx, root, "hl7:realmCode/@code");
  cda->type_id_root = xpath_string (ctx, root, "hl7:typeId/@root");
  cda->type_id_extension = xpath_string (ctx, root, "hl7:typeId/@extension");
  cda->confidentiality_code = xpath_string (ctx, root, "hl7:confidentialityCode/@code");
  cda->language_code = xpath_string (ctx, root, "hl7:languageCode/@code");
  cda->first_code = xpath_string (ctx, root, "(//hl7:code)[1]/@code");
  cda->first_code_system = xpath_string (ctx, root, "(//hl7:code)[1]/@codeSystem");

  cda->template_ids = g_ptr_array_new_with_free_func (cda_id_free);
  templates = xpath_nodes (ctx, root, "hl7:templateId");
  if (templates != NULL && templates->nodesetval != NULL)
    for (int i = 0; i < templates->nodesetval->nodeNr; i++)
      {
        SintesiCdaId *id = g_new0 (SintesiCdaId, 1);

        id->root = xpath_string (ctx, templates->nodesetval->nodeTab[i], "@root");
        id->extension = xpath_string (ctx, templates->nodesetval->nodeTab[i], "@extension");
        g_ptr_array_add (cda->template_ids, id);
      }
  xmlXPathFreeObject (templates);

  cda->patient_id_root = xpath_string (ctx, root, "hl7:recordTarget/hl7:patientRole/hl7:id[1]/@root");
  cda->patient_id_extension = xpath_string (ctx, root, "hl7:recordTarget/hl7:patientRole/hl7:id[1]/@extension");
  cda->patient_cf = xpath_string (ctx, root,
                                  "hl7:recordTarget/hl7:patientRole/hl7:id[@root='" SINTESI_CDA_OID_CF "'][1]/@extension");
  cda->patient_given = xpath_string (ctx, root, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name[1]/hl7:given[1]");
  cda->patient_family = xpath_string (ctx, root, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name[1]/hl7:family[1]");
  cda->patient_sex = xpath_string (ctx, root, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode/@code");
  cda->patient_birth_time = xpath_string (ctx, root, "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:birthTime/@value");

  cda->author_cf = xpath_string (ctx, root,
                                 "hl7:author[1]/hl7:assignedAuthor/hl7:id[@root='" SINTESI_CDA_OID_CF "'][1]/@extension");
  cda->author_given = xpath_string (ctx, root, "hl7:author[1]/hl7:assignedAuthor/hl7:assignedPerson/hl7:name[1]/hl7:given[1]");
  cda->author_family = xpath_string (ctx, root, "hl7:author[1]/hl7:assignedAuthor/hl7:assignedPerson/hl7:name[1]/hl7:family[1]");
  cda->legal_authenticator_cf = xpath_string (ctx, root,
                                              "hl7:legalAuthenticator/hl7:assignedEntity/hl7:id[@root='" SINTESI_CDA_OID_CF "'][1]/@extension");
  cda->legal_authenticator_given = xpath_string (ctx, root,
                                                 "hl7:legalAuthenticator/hl7:assignedEntity/hl7:assignedPerson/hl7:name[1]/hl7:given[1]");
  cda->legal_authenticator_family = xpath_string (ctx, root,
                                                  "hl7:legalAuthenticator/hl7:assignedEntity/hl7:assignedPerson/hl7:name[1]/hl7:family[1]");
  cda->legal_authenticator_signature_code = xpath_string (ctx, root, "hl7:legalAuthenticator/hl7:signatureCode/@code");

  cda->custodian_id.root = xpath_string (ctx, root,
                                         "hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:id[1]/@root");
  cda->custodian_id.extension = xpath_string (ctx, root,
                                              "hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:id[1]/@extension");
  cda->custodian_name = xpath_string (ctx, root,
                                      "hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:name");

  read_sections (cda, ctx, root);
}

SintesiCda *
sintesi_cda_new_from_doc (xmlDoc      *doc,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(SintesiCda) cda = g_new0 (SintesiCda, 1);
  xmlXPathContext *ctx;
  xmlNode *root;
  const char *display = name != NULL ? name : _("The document");

  g_return_val_if_fail (doc != NULL, NULL);

  cda->doc = doc;
  root = xmlDocGetRootElement (doc);
  if (root == NULL || root->ns == NULL ||
      g_strcmp0 ((const char *) root->ns->href, SINTESI_CDA_NAMESPACE) != 0 ||
      g_strcmp0 ((const char *) root->name, "ClinicalDocument") != 0)
    {
      g_autofree char *found = NULL;

      if (root != NULL && root->ns != NULL)
        found = g_strdup_printf ("{%s}%s", (const char *) root->ns->href, (const char *) root->name);
      else if (root != NULL)
        found = g_strdup ((const char *) root->name);
      else
        found = g_strdup ("?");
      g_set_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_NOT_CDA,
                   /* TRANSLATORS: the first %s is a file name, the second an XML element name */
                   _("“%s” is XML but not a clinical document (HL7 CDA): its root element is %s instead of ClinicalDocument in the urn:hl7-org:v3 namespace."),
                   display, found);
      return NULL;
    }

  ctx = xmlXPathNewContext (doc);
  if (ctx == NULL)
    g_error ("out of memory");
  xmlXPathRegisterNs (ctx, (const xmlChar *) "hl7", (const xmlChar *) SINTESI_CDA_NAMESPACE);
  read_facts (cda, ctx, root);
  xmlXPathFreeContext (ctx);

  return g_steal_pointer (&cda);
}

SintesiCda *
sintesi_cda_load_bytes (GBytes      *bytes,
                        const char  *name,
                        gsize        max_size,
                        GError     **error)
{
  xmlDoc *doc = sintesi_xml_read_bytes (bytes, name, max_size ? max_size : SINTESI_XML_DEFAULT_MAX_SIZE, error);

  if (doc == NULL)
    return NULL;
  return sintesi_cda_new_from_doc (doc, name, error);
}

SintesiCda *
sintesi_cda_load_file (const char  *path,
                       gsize        max_size,
                       GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  xmlDoc *doc = sintesi_xml_read_file (path, max_size ? max_size : SINTESI_XML_DEFAULT_MAX_SIZE, error);

  if (doc == NULL)
    return NULL;
  return sintesi_cda_new_from_doc (doc, display, error);
}

const SintesiCdaSection *
sintesi_cda_find_section (const SintesiCda *cda,
                          const char       *code)
{
  g_return_val_if_fail (cda != NULL, NULL);

  for (guint i = 0; cda->sections != NULL && i < cda->sections->len; i++)
    {
      const SintesiCdaSection *section = g_ptr_array_index (cda->sections, i);

      if (g_strcmp0 (section->code, code) == 0)
        return section;
    }
  return NULL;
}

char *
sintesi_cda_person_id (const SintesiCda  *cda,
                       GError           **error)
{
  g_return_val_if_fail (cda != NULL, NULL);

  if (cda->patient_cf == NULL)
    {
      g_set_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_MISSING,
                   _("The document does not identify the patient by codice fiscale (recordTarget/patientRole/id with root %s), which the gateway needs."),
                   SINTESI_CDA_OID_CF);
      return NULL;
    }
  return g_strdup_printf ("%s^^^&%s&ISO", cda->patient_cf, SINTESI_CDA_OID_CF);
}

char *
sintesi_cda_resource_hl7_type (const SintesiCda  *cda,
                               GError           **error)
{
  g_return_val_if_fail (cda != NULL, NULL);

  if (cda->first_code == NULL || cda->first_code_system == NULL)
    {
      g_set_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_MISSING,
                   _("The document has no type code (ClinicalDocument/code with code and codeSystem), so its type cannot be declared to the gateway."));
      return NULL;
    }
  return g_strdup_printf ("('%s^^%s')", cda->first_code, cda->first_code_system);
}

char *
sintesi_cda_identificativo_doc (const SintesiCda  *cda,
                                GError           **error)
{
  g_return_val_if_fail (cda != NULL, NULL);

  if (cda->id.root == NULL || cda->id.extension == NULL)
    {
      g_set_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_MISSING,
                   _("The document has no identifier (ClinicalDocument/id with root and extension)."));
      return NULL;
    }
  if (strcmp (cda->id.root, SINTESI_CDA_OID_DOCUMENT_ID_TOSCANA) != 0)
    {
      g_set_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_ID_ROOT,
                   _("The document identifier has root %s, but documents sent to Regione Toscana must use root %s: "
                     "the gateway would not accept it as the document’s identity. Rebuild the document in Sintesi, "
                     "or ask the program that made it to use the Toscana root."),
                   cda->id.root, SINTESI_CDA_OID_DOCUMENT_ID_TOSCANA);
      return NULL;
    }
  if (strchr (cda->id.extension, '^') != NULL)
    {
      g_set_error (error, SINTESI_CDA_ERROR, SINTESI_CDA_ERROR_ID_ROOT,
                   _("The document identifier “%s” contains the character “^”, which cannot appear in an identificativoDoc."),
                   cda->id.extension);
      return NULL;
    }
  return g_strdup_printf ("%s^%s", cda->id.root, cda->id.extension);
}
