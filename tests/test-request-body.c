/* test-request-body.c: each operation's requestBody, and what is refused */
#include "config.h"

#include <string.h>

#include "sintesi-request-body.h"
#include "sintesi-test-util.h"

#define DOC_ID "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI7"
#define SUBMISSION_ID "2.16.840.1.113883.2.9.2.90.4.3.1764237000123456"

static SintesiProfile *
make_profile (void)
{
  SintesiProfile *profile = sintesi_profile_new ("rossi");

  sintesi_profile_set_cf (profile, "RSSMRA80A01H501U");
  return profile;
}

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
member_names (JsonObject *object)
{
  GList *members = json_object_get_members (object);
  GString *names = g_string_new (NULL);

  members = g_list_sort (members, (GCompareFunc) strcmp);
  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "", (char *) l->data);
  g_list_free (members);
  return g_string_free (names, FALSE);
}

static void
test_create (void)
{
  g_autoptr(SintesiProfile) profile = make_profile ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = sintesi_request_body_build (SINTESI_GATEWAY_CREATE, profile, DOC_ID, SUBMISSION_ID, NULL, &error);
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *names = NULL;

  g_assert_no_error (error);
  body = parse (json);
  names = member_names (body);
  /* The minimal PSS body of gateway-contract §3, with D13's defaults. */
  g_assert_cmpstr (names, ==, "assettoOrganizzativo,healthDataFormat,identificativoDoc,identificativoRep,"
                              "identificativoSottomissione,mode,tipoAttivitaClinica,tipoDocumentoLivAlto,tipologiaStruttura");
  g_assert_cmpstr (json_object_get_string_member (body, "healthDataFormat"), ==, "CDA");
  g_assert_cmpstr (json_object_get_string_member (body, "mode"), ==, "ATTACHMENT");
  g_assert_cmpstr (json_object_get_string_member (body, "tipologiaStruttura"), ==, "Territorio");
  g_assert_cmpstr (json_object_get_string_member (body, "identificativoDoc"), ==, DOC_ID);
  g_assert_cmpstr (json_object_get_string_member (body, "identificativoRep"), ==, "2.16.840.1.113883.2.9.2.90.4.5.201");
  g_assert_cmpstr (json_object_get_string_member (body, "tipoDocumentoLivAlto"), ==, "SUM");
  g_assert_cmpstr (json_object_get_string_member (body, "assettoOrganizzativo"), ==, "AD_PSC130");
  g_assert_cmpstr (json_object_get_string_member (body, "tipoAttivitaClinica"), ==, "OBS");
  g_assert_cmpstr (json_object_get_string_member (body, "identificativoSottomissione"), ==, SUBMISSION_ID);
}

static void
test_update_carries_metadata_only (void)
{
  g_autoptr(SintesiProfile) profile = make_profile ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = sintesi_request_body_build (SINTESI_GATEWAY_UPDATE_METADATA, profile, NULL, SUBMISSION_ID,
                                                      "{\"attiCliniciRegoleAccesso\":[\"P99\"]}", &error);
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *names = NULL;

  g_assert_no_error (error);
  body = parse (json);
  names = member_names (body);
  g_assert_cmpstr (names, ==, "assettoOrganizzativo,attiCliniciRegoleAccesso,identificativoSottomissione,"
                              "tipoAttivitaClinica,tipoDocumentoLivAlto,tipologiaStruttura");
}

static void
test_overrides (void)
{
  g_autoptr(SintesiProfile) profile = make_profile ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = sintesi_request_body_build (SINTESI_GATEWAY_REPLACE, profile, DOC_ID, SUBMISSION_ID,
                                                      "{\"dataInizioPrestazione\":\"20261127103000\",\"assettoOrganizzativo\":\"AD_PSC026\","
                                                      "\"administrativeRequest\":[\"SSN\"]}", &error);
  g_autoptr(JsonObject) body = NULL;

  g_assert_no_error (error);
  body = parse (json);
  g_assert_cmpstr (json_object_get_string_member (body, "dataInizioPrestazione"), ==, "20261127103000");
  g_assert_cmpstr (json_object_get_string_member (body, "assettoOrganizzativo"), ==, "AD_PSC026");
}

static void
test_refused (void)
{
  static const struct
  {
    SintesiGatewayOperation operation;
    const char *overrides;
    int code;
    const char *message_part;
  } cases[] = {
    { SINTESI_GATEWAY_CREATE, "{\"workflowInstanceId\":\"x\"}", SINTESI_REQUEST_BODY_ERROR_FORBIDDEN_FIELD, "workflowInstanceId" },
    { SINTESI_GATEWAY_REPLACE, "{\"priorita\":true}", SINTESI_REQUEST_BODY_ERROR_FORBIDDEN_FIELD, "priorita" },
    { SINTESI_GATEWAY_CREATE, "{\"identificativoDoc\":\"a^b\"}", SINTESI_REQUEST_BODY_ERROR_FORBIDDEN_FIELD, "identificativoDoc" },
    { SINTESI_GATEWAY_CREATE, "{\"colore\":\"blu\"}", SINTESI_REQUEST_BODY_ERROR_UNKNOWN_FIELD, "colore" },
    { SINTESI_GATEWAY_UPDATE_METADATA, "{\"mode\":\"ATTACHMENT\"}", SINTESI_REQUEST_BODY_ERROR_UNKNOWN_FIELD, "mode" },
    { SINTESI_GATEWAY_CREATE, "{\"tipologiaStruttura\":\"territorio\"}", SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE, "Territorio" },
    { SINTESI_GATEWAY_CREATE, "{\"assettoOrganizzativo\":\"AD_PSC1\"}", SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE, "AD_PSC" },
    { SINTESI_GATEWAY_CREATE, "{\"dataFinePrestazione\":\"2026-11-27\"}", SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE, "yyyyMMddHHmmss" },
    { SINTESI_GATEWAY_CREATE, "{\"administrativeRequest\":[\"SSN\",\"GRATIS\"]}", SINTESI_REQUEST_BODY_ERROR_INVALID_VALUE, "INPATIENT" },
    { SINTESI_GATEWAY_CREATE, "[1,2]", SINTESI_REQUEST_BODY_ERROR_NOT_JSON, "JSON" },
    { SINTESI_GATEWAY_CREATE, "{broken", SINTESI_REQUEST_BODY_ERROR_NOT_JSON, "JSON" },
  };
  g_autoptr(SintesiProfile) profile = make_profile ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *json = sintesi_request_body_build (cases[i].operation, profile, DOC_ID, SUBMISSION_ID,
                                                          cases[i].overrides, &error);

      g_test_message ("%s", cases[i].overrides);
      g_assert_null (json);
      g_assert_error (error, SINTESI_REQUEST_BODY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }
}

static void
test_field_matrix (void)
{
  g_assert_true (sintesi_request_body_field_known (SINTESI_GATEWAY_CREATE, "priorita"));
  g_assert_false (sintesi_request_body_field_known (SINTESI_GATEWAY_REPLACE, "priorita"));
  g_assert_true (sintesi_request_body_field_known (SINTESI_GATEWAY_REPLACE, "identificativoDoc"));
  g_assert_false (sintesi_request_body_field_known (SINTESI_GATEWAY_UPDATE_METADATA, "identificativoDoc"));
  g_assert_true (sintesi_request_body_field_known (SINTESI_GATEWAY_UPDATE_METADATA, "descriptions"));
  g_assert_false (sintesi_request_body_field_known (SINTESI_GATEWAY_DELETE, "tipoDocumentoLivAlto"));
  g_assert_false (sintesi_request_body_field_known (SINTESI_GATEWAY_CREATE, "activity"));
  g_assert_true (sintesi_is_assetto_organizzativo ("AD_PSC999"));
  g_assert_false (sintesi_is_assetto_organizzativo ("AD_PSC000"));
  g_assert_true (sintesi_is_gateway_date ("20141020110012"));
  g_assert_false (sintesi_is_gateway_date ("2014102011001"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request-body/create", test_create);
  g_test_add_func ("/request-body/update-carries-metadata-only", test_update_carries_metadata_only);
  g_test_add_func ("/request-body/overrides", test_overrides);
  g_test_add_func ("/request-body/refused", test_refused);
  g_test_add_func ("/request-body/field-matrix", test_field_matrix);
  return g_test_run ();
}
