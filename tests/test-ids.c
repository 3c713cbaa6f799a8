/* test-ids.c: identificativoDoc / Rep / Sottomissione (D11, D12) and URL paths */
#include "config.h"

#include <string.h>

#include "sintesi-ids.h"
#include "sintesi-test-util.h"

#define assert_message_contains(error, part) \
  G_STMT_START { \
    if (strstr ((error)->message, (part)) == NULL) \
      g_error ("message “%s” lacks “%s”", (error)->message, (part)); \
  } G_STMT_END

static void
test_document_id_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other = NULL;

  /* D11's own example, and the regional text's (§15) with solution PIPPO. */
  id = sintesi_ids_format_document_id ("201", "201", "SINTESI", 18881699, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18881699");
  other = sintesi_ids_format_document_id ("201", "201", "PIPPO", 18881699, &error);
  g_assert_cmpstr (other, ==, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.PIPPO18881699");
  g_clear_pointer (&other, g_free);
  other = sintesi_ids_format_document_id ("202", "305", "APP2", 1, &error);
  g_assert_cmpstr (other, ==, "2.16.840.1.113883.2.9.2.90.4.4^090202.PSS.305.APP21");
  g_clear_pointer (&other, g_free);
  other = sintesi_ids_format_document_id ("201", "201", "S", G_MAXUINT64, &error);
  g_assert_cmpstr (other, ==, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.S18446744073709551615");
}

static void
test_document_id_format_refused (void)
{
  struct {
    const char *azienda, *repository, *solution;
    guint64 progressive;
    SintesiIdsError code;
    const char *message;
  } cases[] = {
    { "20", "201", "SINTESI", 1, SINTESI_IDS_ERROR_AZIENDA,
      "The azienda code must be exactly 3 digits (201 for most physicians in Toscana), not “20”." },
    { "2011", "201", "SINTESI", 1, SINTESI_IDS_ERROR_AZIENDA, "not “2011”" },
    { "2a1", "201", "SINTESI", 1, SINTESI_IDS_ERROR_AZIENDA, "not “2a1”" },
    { NULL, "201", "SINTESI", 1, SINTESI_IDS_ERROR_AZIENDA, "not “”" },
    { "201", "x01", "SINTESI", 1, SINTESI_IDS_ERROR_REPOSITORY,
      "The repository code must be exactly 3 digits (201 by default), not “x01”." },
    { "201", "201", "Sintesi", 1, SINTESI_IDS_ERROR_SOLUTION,
      "The solution name “Sintesi” may contain only capital letters A–Z and digits 0–9." },
    { "201", "201", "SIN_TESI", 1, SINTESI_IDS_ERROR_SOLUTION, "“SIN_TESI”" },
    { "201", "201", "", 1, SINTESI_IDS_ERROR_SOLUTION,
      "The solution name is empty; it must be capital letters and digits, such as SINTESI." },
    { "201", "201", "SINTESI", 0, SINTESI_IDS_ERROR_PROGRESSIVE,
      "The document progressive must be 1 or more." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = sintesi_ids_format_document_id (cases[i].azienda, cases[i].repository,
                                                           cases[i].solution, cases[i].progressive,
                                                           &error);
      g_assert_null (id);
      g_assert_error (error, SINTESI_IDS_ERROR, (int) cases[i].code);
      assert_message_contains (error, cases[i].message);
    }
}

static void
test_document_id_parse (void)
{
  g_auto(SintesiDocumentId) id = { 0 };
  g_auto(SintesiDocumentId) foreign = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (sintesi_ids_parse_document_id ("2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18881699",
                                                "SINTESI", &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id.root, ==, SINTESI_DOCUMENT_ID_ROOT);
  g_assert_cmpstr (id.extension, ==, "090201.PSS.201.SINTESI18881699");
  g_assert_true (id.sintesi_shape);
  g_assert_cmpstr (id.azienda, ==, "201");
  g_assert_cmpstr (id.repository, ==, "201");
  g_assert_cmpstr (id.solution_and_progressive, ==, "SINTESI18881699");
  g_assert_cmpuint (id.progressive, ==, 18881699);

  /* A solution ending in digits: only the name says where the progressive starts. */
  sintesi_document_id_clear (&id);
  g_assert_true (sintesi_ids_parse_document_id ("2.16.840.1.113883.2.9.2.90.4.4^090202.PSS.305.APP21",
                                                "APP2", &id, &error));
  g_assert_cmpuint (id.progressive, ==, 1);
  g_assert_cmpstr (id.azienda, ==, "202");
  g_assert_cmpstr (id.repository, ==, "305");

  /* Regional ids made by other software: accepted, not Sintesi's shape. */
  g_assert_true (sintesi_ids_parse_document_id ("2.16.840.1.113883.2.9.2.90.4.4^514782", NULL, &foreign, &error));
  g_assert_no_error (error);
  g_assert_false (foreign.sintesi_shape);
  g_assert_cmpstr (foreign.extension, ==, "514782");
  g_assert_null (foreign.solution_and_progressive);

  /* Round trip. */
  {
    g_autofree char *text = sintesi_ids_format_document_id ("201", "201", "SINTESI", 42, NULL);
    g_auto(SintesiDocumentId) back = { 0 };

    g_assert_true (sintesi_ids_parse_document_id (text, "SINTESI", &back, &error));
    g_assert_cmpuint (back.progressive, ==, 42);
  }
}

static void
test_document_id_parse_refused (void)
{
  struct {
    const char *id, *solution;
    SintesiIdsError code;
    const char *message;
  } cases[] = {
    { "", NULL, SINTESI_IDS_ERROR_MALFORMED, "The document id is empty." },
    { "090201.PSS.201.SINTESI1", NULL, SINTESI_IDS_ERROR_MALFORMED,
      "lacks the ^ that separates the OID root from the extension" },
    { "2.16.840.1.113883.2.9.2.80.4.4^514782", NULL, SINTESI_IDS_ERROR_ROOT,
      "The document id “2.16.840.1.113883.2.9.2.80.4.4^514782” has the OID root “2.16.840.1.113883.2.9.2.80.4.4”; Toscana’s FSE 2.0 accepts only regional document ids, whose root is 2.16.840.1.113883.2.9.2.90.4.4." },
    { "2.16.840.1.113883.2.9.4.3.8^123", NULL, SINTESI_IDS_ERROR_ROOT, "has the OID root “2.16.840.1.113883.2.9.4.3.8”" },
    { "2.16.840.1.113883.2.9.2.90.4.4^", NULL, SINTESI_IDS_ERROR_MALFORMED, "has nothing after the ^." },
    { "2.16.840.1.113883.2.9.2.90.4.4^A^B", NULL, SINTESI_IDS_ERROR_MALFORMED, "contains a blank, a control character or one of ^ & | ~ \\" },
    { "2.16.840.1.113883.2.9.2.90.4.4^A B", NULL, SINTESI_IDS_ERROR_MALFORMED, "contains a blank" },
    { "2.16.840.1.113883.2.9.2.90.4.4^A&B", NULL, SINTESI_IDS_ERROR_MALFORMED, "contains a blank" },
    { "2.16.840.1.113883.2.9.2.90.4.4^514782", "SINTESI", SINTESI_IDS_ERROR_MALFORMED,
      "does not have the shape 090<azienda>.PSS.<repository>.SINTESI<progressive> after the ^." },
    { "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.OTHER5", "SINTESI", SINTESI_IDS_ERROR_MALFORMED,
      "does not have the shape" },
    { "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI", "SINTESI", SINTESI_IDS_ERROR_PROGRESSIVE,
      "must end with the solution name SINTESI followed by a progressive number (1 or more, no leading zeros)." },
    { "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI0", "SINTESI", SINTESI_IDS_ERROR_PROGRESSIVE, "no leading zeros" },
    { "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI07", "SINTESI", SINTESI_IDS_ERROR_PROGRESSIVE, "no leading zeros" },
    { "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18446744073709551616", "SINTESI", SINTESI_IDS_ERROR_PROGRESSIVE, "progressive" },
    { "2.16.840.1.113883.2.9.2.90.4.4^091201.PSS.201.SINTESI1", "SINTESI", SINTESI_IDS_ERROR_MALFORMED, "does not have the shape" },
    { "2.16.840.1.113883.2.9.2.90.4.4^090201.LDO.201.SINTESI1", "SINTESI", SINTESI_IDS_ERROR_MALFORMED, "does not have the shape" },
  };
  g_autofree char *too_long = g_strconcat (SINTESI_DOCUMENT_ID_ROOT "^", NULL);
  g_autoptr(GError) long_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SintesiDocumentId id = { 0 };

      g_test_message ("refused: %s", cases[i].id);
      g_assert_false (sintesi_ids_parse_document_id (cases[i].id, cases[i].solution, &id, &error));
      g_assert_error (error, SINTESI_IDS_ERROR, (int) cases[i].code);
      assert_message_contains (error, cases[i].message);
      g_assert_null (id.root);
    }

  /* 256 characters is the gateway's limit. */
  {
    GString *s = g_string_new (too_long);

    while (s->len < 256)
      g_string_append_c (s, '7');
    g_assert_true (sintesi_ids_parse_document_id (s->str, NULL, NULL, NULL));
    g_string_append_c (s, '7');
    g_assert_false (sintesi_ids_parse_document_id (s->str, NULL, NULL, &long_error));
    g_assert_error (long_error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
    assert_message_contains (long_error, "longer than the 256 characters");
    g_string_free (s, TRUE);
  }
}

static void
test_cda_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = sintesi_ids_document_id_from_cda_id ("2.16.840.1.113883.2.9.2.90.4.4", "090201.PSS.201.ACME7", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.ACME7");

  /* The national sample's root is not Toscana's: refused, with the reason. */
  g_assert_null (sintesi_ids_document_id_from_cda_id ("2.16.840.1.113883.2.9.2.120.4.4", "ABC", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_ROOT);
  assert_message_contains (error, "has the root “2.16.840.1.113883.2.9.2.120.4.4”. Toscana’s FSE 2.0 needs the regional root 2.16.840.1.113883.2.9.2.90.4.4, because the id of the document becomes its identificativoDoc.");
  g_clear_error (&error);

  g_assert_null (sintesi_ids_document_id_from_cda_id (NULL, "ABC", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
  assert_message_contains (error, "has no root");
  g_clear_error (&error);

  g_assert_null (sintesi_ids_document_id_from_cda_id (SINTESI_DOCUMENT_ID_ROOT, "", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
  assert_message_contains (error, "has no extension");
  g_clear_error (&error);

  g_assert_null (sintesi_ids_document_id_from_cda_id (SINTESI_DOCUMENT_ID_ROOT, "A B", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
  assert_message_contains (error, "contains a blank");
}

static void
test_repository_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = sintesi_ids_format_repository_id ("201", &error);
  g_autofree char *code = NULL;

  g_assert_cmpstr (id, ==, "2.16.840.1.113883.2.9.2.90.4.5.201");
  code = sintesi_ids_parse_repository_id (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "201");

  g_assert_null (sintesi_ids_format_repository_id ("2010", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_REPOSITORY);
  g_clear_error (&error);
  g_assert_null (sintesi_ids_parse_repository_id ("2.16.840.1.113883.2.9.2.80.4.5.201", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
  assert_message_contains (error, "does not start with 2.16.840.1.113883.2.9.2.90.4.5.");
  g_clear_error (&error);
  g_assert_null (sintesi_ids_parse_repository_id ("2.16.840.1.113883.2.9.2.90.4.5.20", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_REPOSITORY);
}

static void
test_submission_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = sintesi_ids_format_submission_id (1732712345001);

  g_assert_cmpstr (id, ==, "2.16.840.1.113883.2.9.2.90.4.3.1732712345001");
  g_assert_true (sintesi_ids_validate_submission_id (id, &error));
  g_assert_no_error (error);
  g_assert_true (sintesi_ids_validate_submission_id ("2.16.840.1.113883.2.9.2.90.4.3.0", NULL));

  {
    const char *bad[] = {
      "2.16.840.1.113883.2.9.2.90.4.3.",
      "2.16.840.1.113883.2.9.2.90.4.3.12a",
      "2.16.840.1.113883.2.9.2.90.4.3.012",
      "2.16.840.1.113883.2.9.2.90.4.3.1.2",
      "2.16.840.1.113883.2.9.2.90.4.3.-1",
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) e = NULL;

        g_assert_false (sintesi_ids_validate_submission_id (bad[i], &e));
        g_assert_error (e, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
        assert_message_contains (e, "must end with a number (digits only, no leading zeros)");
      }
  }
  g_assert_false (sintesi_ids_validate_submission_id ("2.16.840.1.113883.2.9.2.90.4.4.1", &error));
  g_assert_error (error, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_MALFORMED);
  assert_message_contains (error, "does not start with 2.16.840.1.113883.2.9.2.90.4.3.");
  g_clear_error (&error);
  {
    GString *s = g_string_new (SINTESI_SUBMISSION_ID_PREFIX "1");

    while (s->len < 100)
      g_string_append_c (s, '0');
    g_assert_true (sintesi_ids_validate_submission_id (s->str, NULL));
    g_string_append_c (s, '0');
    g_assert_false (sintesi_ids_validate_submission_id (s->str, &error));
    assert_message_contains (error, "longer than the 100 characters");
    g_string_free (s, TRUE);
  }
}

static void
test_percent_encoding (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *path = NULL;
  g_autofree char *all = NULL;
  g_autofree char *unreserved = NULL;

  encoded = sintesi_ids_percent_encode_segment ("2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18881699");
  g_assert_cmpstr (encoded, ==, "2.16.840.1.113883.2.9.2.90.4.4%5E090201.PSS.201.SINTESI18881699");
  decoded = sintesi_ids_percent_decode_segment (encoded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, "2.16.840.1.113883.2.9.2.90.4.4^090201.PSS.201.SINTESI18881699");

  path = sintesi_ids_document_path ("2.16.840.1.113883.2.9.2.90.4.4^X");
  g_assert_cmpstr (path, ==, "documents/2.16.840.1.113883.2.9.2.90.4.4%5EX");

  /* RFC 3986: only ALPHA DIGIT - . _ ~ stay; reserved and UTF-8 bytes are escaped. */
  unreserved = sintesi_ids_percent_encode_segment ("AZaz09-._~");
  g_assert_cmpstr (unreserved, ==, "AZaz09-._~");
  all = sintesi_ids_percent_encode_segment ("a/b?c#d%e&f g+h:i@j!k'l*m(n)o;p=q,r$s[t]u|v\\wè");
  g_assert_cmpstr (all, ==, "a%2Fb%3Fc%23d%25e%26f%20g%2Bh%3Ai%40j%21k%27l%2Am%28n%29o%3Bp%3Dq%2Cr%24s%5Bt%5Du%7Cv%5Cw%C3%A8");
  g_clear_pointer (&decoded, g_free);
  decoded = sintesi_ids_percent_decode_segment (all, &error);
  g_assert_cmpstr (decoded, ==, "a/b?c#d%e&f g+h:i@j!k'l*m(n)o;p=q,r$s[t]u|v\\wè");
  g_clear_pointer (&decoded, g_free);
  decoded = sintesi_ids_percent_decode_segment ("a%5e", &error);
  g_assert_cmpstr (decoded, ==, "a^");

  {
    const char *bad[] = { "a%", "a%5", "a%G1", "a%00b" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) e = NULL;

        g_assert_null (sintesi_ids_percent_decode_segment (bad[i], &e));
        g_assert_error (e, SINTESI_IDS_ERROR, SINTESI_IDS_ERROR_ENCODING);
        assert_message_contains (e, "has a % that is not followed by two hexadecimal digits");
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ids/document-id/format", test_document_id_format);
  g_test_add_func ("/ids/document-id/format-refused", test_document_id_format_refused);
  g_test_add_func ("/ids/document-id/parse", test_document_id_parse);
  g_test_add_func ("/ids/document-id/parse-refused", test_document_id_parse_refused);
  g_test_add_func ("/ids/document-id/from-cda", test_cda_id);
  g_test_add_func ("/ids/repository-id", test_repository_id);
  g_test_add_func ("/ids/submission-id", test_submission_id);
  g_test_add_func ("/ids/percent-encoding", test_percent_encoding);
  return g_test_run ();
}
