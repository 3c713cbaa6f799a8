/* sintesi-request-body.c: the requestBody of each operation (gateway-contract §3) */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-ids.h"
#include "sintesi-request-body.h"

G_DEFINE_QUARK (sintesi-request-body-error-quark, sintesi_request_body_error)

const char * const sintesi_health_data_formats[] = { "CDA", NULL };
const char * const sintesi_modes[] = { "ATTACHMENT", "RESOURCE", NULL };
const char * const sintesi_tipologie_struttura[] = {
  "Ospedale", "Prevenzione", "Territorio", "SistemaTS", "Cittadino", "MdsPN_DGC", NULL
};
const char * const sintesi_tipi_documento_liv_alto[] = {
  "WOR", "REF", "LDO", "RIC", "SUM", "TAC", "PRS", "PRE", "ESE", "PDC", "VAC",
  "CER", "VRB", "CON", "CNT", "CRT", "LET", "PRO", "COL", NULL
};
const char * const sintesi_tipi_attivita_clinica[] = {
  "PHR", "CON", "DIS", "ERP", "Sistema_TS", "INI", "PN_DGC", "OBS", NULL
};
const char * const sintesi_administrative_requests[] = {
  "SSN", "INPATIENT", "NOSSN", "SSR", "DONOR", "AUTO", NULL
};

/* Which DTO has which field (PublicationCreationReqDTO,
 * PublicationUpdateReqDTO, PublicationMetadataReqDTO). */
enum
{
  ON_CREATE = 1 << 0,
  ON_REPLACE = 1 << 1,
  ON_UPDATE = 1 << 2,
  METADATA = ON_CREATE | ON_REPLACE | ON_UPDATE,
  PUBLICATION = ON_CREATE | ON_REPLACE,
};

static const struct
{
  const char *name;
  guint       operations;
} fields[] = {
  { "healthDataFormat", PUBLICATION },
  { "mode", PUBLICATION },
  { "workflowInstanceId", PUBLICATION },
  { "identificativoDoc", PUBLICATION },
  { "identificativoRep", PUBLICATION },
  { "priorita", ON_CREATE },
  { "tipologiaStruttura", METADATA },
  { "attiCliniciRegoleAccesso", METADATA },
  { "tipoDocumentoLivAlto", METADATA },
  { "assettoOrganizzativo", METADATA },
  { "dataInizioPrestazione", METADATA },
  { "dataFinePrestazione", METADATA },
  { "conservazioneANorma", METADATA },
  { "tipoAttivitaClinica", METADATA },
  { "identificativoSottomissione", METADATA },
  { "descriptions", METADATA },
  { "administrativeRequest", METADATA },
};

static guint
operation_bit (SintesiGatewayOperation operation)
{
  switch (operation)
    {
    case SINTESI_GATEWAY_CREATE:
      return ON_CREATE;
    case SINTESI_GATEWAY_REPLACE:
      return ON_REPLACE;
    case SINTESI_GATEWAY_UPDATE_METADATA:
      return ON_UPDATE;
    case SINTESI_GATEWAY_DELETE:
    case SINTESI_GATEWAY_STATUS:
    case SINTESI_GATEWAY_STATUS_BY_TRACE:
    default:
      return 0;
    }
}

gboolean
sintesi_request_body_field_known (SintesiGatewayOperation  operation,
                                  const char              *field)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (strcmp (fields[i].name, field) == 0)
      return (fields[i].operations & operation_bit (operation)) != 0;
  return FALSE;
}

gboolean
sintesi_is_assetto_organizzativo (const char *value)
{
  return value != NULL && strlen (value) == 9 && strncmp (value, "AD_PSC", 6) == 0 &&
         g_ascii_isdigit (value[6]) && g_ascii_isdigit (value[7]) && g_ascii_isdigit (value[8]) &&
         strcmp (value + 6, "000") != 0;
}

gboolean
sintesi_is_gateway_date (const char *value)
{
  if (value == NULL || strlen (value) != 14)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
check_string_choice (JsonObject          *body,
                     const char          *field,
                     const char * const  *choices,
                     GError             **error)
{
  JsonNode *node = json_object_get_member (body, field);
  const char *value;

  if (node == NULL)
    return TRUE;
  value = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          ? json_node_get_string (node) : NULL;
  if (value != NULL && g_strv_contains (choices, value))
    return TRUE;
  {
    g_autofree char *list = g_strjoinv (", ", (char **) choices);
    g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE,
                 _("The metadata field %s must be one of: %s."), field, list);
  }
  return FALSE;
}

static gboolean
check_values (JsonObject  *body,
              GError     **error)
{
  JsonNode *node;

  if (!check_string_choice (body, "healthDataFormat", sintesi_health_data_formats, error) ||
      !check_string_choice (body, "mode", sintesi_modes, error) ||
      !check_string_choice (body, "tipologiaStruttura", sintesi_tipologie_struttura, error) ||
      !check_string_choice (body, "tipoDocumentoLivAlto", sintesi_tipi_documento_liv_alto, error) ||
      !check_string_choice (body, "tipoAttivitaClinica", sintesi_tipi_attivita_clinica, error))
    return FALSE;

  if (json_object_has_member (body, "assettoOrganizzativo") &&
      !sintesi_is_assetto_organizzativo (json_object_get_string_member (body, "assettoOrganizzativo")))
    {
      g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE,
                   _("The metadata field assettoOrganizzativo must be AD_PSC followed by 3 digits, e.g. AD_PSC130."));
      return FALSE;
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *field = i == 0 ? "dataInizioPrestazione" : "dataFinePrestazione";

      node = json_object_get_member (body, field);
      if (node != NULL &&
          (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
           !sintesi_is_gateway_date (json_node_get_string (node))))
        {
          g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE,
                       _("The metadata field %s must be a date written yyyyMMddHHmmss, e.g. 20261127103000."), field);
          return FALSE;
        }
    }
  node = json_object_get_member (body, "administrativeRequest");
  if (node != NULL)
    {
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          const char *value = json_array_get_string_element (array, i);

          if (value == NULL || !g_strv_contains (sintesi_administrative_requests, value))
            array = NULL;
        }
      if (array == NULL)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) sintesi_administrative_requests);
          g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE,
                       _("The metadata field administrativeRequest must be a list of: %s."), list);
          return FALSE;
        }
    }
  return TRUE;
}

char *
sintesi_request_body_build (SintesiGatewayOperation  operation,
                            SintesiProfile          *profile,
                            const char              *document_id,
                            const char              *submission_id,
                            const char              *overrides_json,
                            GError                 **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean publication = operation == SINTESI_GATEWAY_CREATE || operation == SINTESI_GATEWAY_REPLACE;

  g_return_val_if_fail (operation_bit (operation) != 0, NULL);

  if (publication)
    {
      g_autofree char *repository_id = sintesi_ids_format_repository_id (sintesi_profile_get_repository (profile), error);

      if (repository_id == NULL)
        return NULL;
      json_object_set_string_member (body, "healthDataFormat", sintesi_profile_get_health_data_format (profile));
      json_object_set_string_member (body, "mode", sintesi_profile_get_mode (profile));
      json_object_set_string_member (body, "tipologiaStruttura", sintesi_profile_get_tipologia_struttura (profile));
      json_object_set_string_member (body, "identificativoDoc", document_id);
      json_object_set_string_member (body, "identificativoRep", repository_id);
    }
  else
    json_object_set_string_member (body, "tipologiaStruttura", sintesi_profile_get_tipologia_struttura (profile));
  json_object_set_string_member (body, "tipoDocumentoLivAlto", sintesi_profile_get_tipo_documento_liv_alto (profile));
  json_object_set_string_member (body, "assettoOrganizzativo", sintesi_profile_get_assetto_organizzativo (profile));
  json_object_set_string_member (body, "tipoAttivitaClinica", sintesi_profile_get_tipo_attivita_clinica (profile));
  json_object_set_string_member (body, "identificativoSottomissione", submission_id);

  if (overrides_json != NULL && *overrides_json != '\0')
    {
      JsonNode *overrides_root;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, overrides_json, -1, NULL) ||
          (overrides_root = json_parser_get_root (parser)) == NULL ||
          !JSON_NODE_HOLDS_OBJECT (overrides_root))
        {
          g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_NOT_JSON,
                       _("The metadata given for this send is not a JSON object."));
          return NULL;
        }
      json_object_iter_init (&iter, json_node_get_object (overrides_root));
      while (json_object_iter_next (&iter, &name, &value))
        {
          /* D13: never workflowInstanceId on create, never priorita. */
          if (strcmp (name, "workflowInstanceId") == 0 || strcmp (name, "priorita") == 0)
            {
              g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_FORBIDDEN_FIELD,
                           _("The field %s is never sent: the gateway would refuse the request."), name);
              return NULL;
            }
          if (strcmp (name, "identificativoDoc") == 0 || strcmp (name, "identificativoRep") == 0)
            {
              g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_FORBIDDEN_FIELD,
                           _("The field %s is set by Sintesi from the profile and the journal, not by hand."), name);
              return NULL;
            }
          if (!sintesi_request_body_field_known (operation, name))
            {
              g_set_error (error, SINTESI_REQUEST_BODY_ERROR, SINTESI_REQUEST_BODY_ERROR_UNKNOWN_FIELD,
                           _("The field “%s” does not exist for the %s operation: the gateway would refuse the request."),
                           name, sintesi_gateway_operation_to_string (operation));
              return NULL;
            }
          json_object_set_member (body, name, json_node_copy (value));
        }
    }

  if (!check_values (body, error))
    return NULL;

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, body);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
