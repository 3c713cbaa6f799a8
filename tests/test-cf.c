/* test-cf.c: codice fiscale syntax, omocodia, check character and decoding
 *
 * Vectors from certificates-and-accreditation §6; extra check characters
 * were computed independently (a short Python script of the published
 * algorithm), not with the code under test.
 */
#include "config.h"

#include <string.h>

#include "sintesi-cf.h"
#include "sintesi-test-util.h"

typedef struct
{
  const char *cf;
  int         year2;
  int         month;
  int         day;
  SintesiSex  sex;
  const char *place;
  gboolean    omocode;
} ValidVector;

static const ValidVector valid_vectors[] = {
  /* The regional test patients and physician (RT specification). */
  { "RMSLSO31M04Z404R", 31, 8, 4, SINTESI_SEX_MALE, "Z404", FALSE },
  { "MNTMRA03M71C615V", 3, 8, 31, SINTESI_SEX_FEMALE, "C615", FALSE },
  { "DRCGNN12A46A326K", 12, 1, 6, SINTESI_SEX_FEMALE, "A326", FALSE },
  { "BRGLRZ80D58H501Q", 80, 4, 18, SINTESI_SEX_FEMALE, "H501", FALSE },
  { "MNZLSN99E05F205J", 99, 5, 5, SINTESI_SEX_MALE, "F205", FALSE },
  /* Unit-test vectors. */
  { "RSSMRA80A01H501U", 80, 1, 1, SINTESI_SEX_MALE, "H501", FALSE },
  { "RSSMRA22A01A399Z", 22, 1, 1, SINTESI_SEX_MALE, "A399", FALSE },
  { "RSSGNN66C05A271Y", 66, 3, 5, SINTESI_SEX_MALE, "A271", FALSE },
  /* Omocode variants of the physician: letters decode back to digits. */
  { "MNZLSN99E05F20RE", 99, 5, 5, SINTESI_SEX_MALE, "F205", TRUE },
  { "MNZLSN99E05F2LRP", 99, 5, 5, SINTESI_SEX_MALE, "F205", TRUE },
  { "MNZLSN99E05FNLRE", 99, 5, 5, SINTESI_SEX_MALE, "F205", TRUE },
  /* Omocodia in the year: L=0, P=3. */
  { "RSSMRALPA01H501U", 3, 1, 1, SINTESI_SEX_MALE, "H501", TRUE },
  /* 29 February of “00” exists in 2000 (the century is not encoded). */
  { "RSSMRA00B29H501Y", 0, 2, 29, SINTESI_SEX_MALE, "H501", FALSE },
};

static void
test_valid_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_vectors); i++)
    {
      const ValidVector *v = &valid_vectors[i];
      g_autoptr(GError) error = NULL;
      SintesiCfInfo info;

      g_test_message ("valid: %s", v->cf);
      g_assert_true (sintesi_cf_validate (v->cf, SINTESI_CF_FLAGS_NONE, &error));
      g_assert_no_error (error);
      g_assert_true (sintesi_cf_decode (v->cf, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.birth_year_2digit, ==, v->year2);
      g_assert_cmpint (info.birth_month, ==, v->month);
      g_assert_cmpint (info.birth_day, ==, v->day);
      g_assert_cmpint (info.sex, ==, v->sex);
      g_assert_cmpstr (info.place_code, ==, v->place);
      g_assert_cmpint (info.omocode, ==, v->omocode);
      g_assert_cmpint (sintesi_cf_check_character (v->cf), ==, v->cf[15]);
    }
}

static void
assert_refused (const char     *cf,
                SintesiCfFlags  flags,
                SintesiCfError  code,
                const char     *message_part)
{
  g_autoptr(GError) error = NULL;
  /* Escaped: TAP output must stay valid UTF-8. */
  g_autofree char *shown = cf ? g_strescape (cf, NULL) : g_strdup ("(null)");

  g_test_message ("refused: %s", shown);
  g_assert_false (sintesi_cf_validate (cf, flags, &error));
  g_assert_error (error, SINTESI_CF_ERROR, (int) code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, message_part);
}

static void
test_check_character (void)
{
  /* The provisioning doc's `sub` example: should end in A. */
  assert_refused ("VRDMRC67T20I257E", SINTESI_CF_FLAGS_NONE,
                  SINTESI_CF_ERROR_CHECK_CHARACTER,
                  "The last character of the codice fiscale is “E”, but the first 15 characters require “A”");
  /* The national PSS sample document: should end in K. */
  assert_refused ("LCNLDE90L47H501Q", SINTESI_CF_FLAGS_NONE,
                  SINTESI_CF_ERROR_CHECK_CHARACTER, "require “K”");
  g_assert_cmpint (sintesi_cf_check_character ("VRDMRC67T20I257"), ==, 'A');
  g_assert_cmpint (sintesi_cf_check_character ("LCNLDE90L47H501"), ==, 'K');
  /* Not 15 letters or digits: no check character. */
  g_assert_cmpint (sintesi_cf_check_character ("rssmra80a01h501"), ==, '\0');
  g_assert_cmpint (sintesi_cf_check_character ("RSSMRA80A01H50"), ==, '\0');
}

static void
test_lower_case (void)
{
  /* Refused with its own message, never silently upper-cased (CT6). */
  assert_refused ("rssmra80a01h501u", SINTESI_CF_FLAGS_NONE,
                  SINTESI_CF_ERROR_LOWERCASE,
                  "The codice fiscale “rssmra80a01h501u” contains lower-case letters; it must be written in capitals, as “RSSMRA80A01H501U”.");
  assert_refused ("RSSMRA80A01H501u", SINTESI_CF_FLAGS_NONE,
                  SINTESI_CF_ERROR_LOWERCASE, "as “RSSMRA80A01H501U”");
}

static void
test_empty_and_length (void)
{
  assert_refused ("", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_EMPTY,
                  "The codice fiscale is empty.");
  assert_refused (NULL, SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_EMPTY,
                  "The codice fiscale is empty.");
  assert_refused ("RSSMRA80A01H501", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_LENGTH,
                  "A codice fiscale has 16 characters; “RSSMRA80A01H501” has 15.");
  assert_refused ("RSSMRA80A01H501UX", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_LENGTH,
                  "has 17.");
  assert_refused (" RSSMRA80A01H501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_LENGTH,
                  "has 17.");
}

static void
test_syntax (void)
{
  assert_refused ("RSSMR080A01H501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "Character 6 of the codice fiscale is “0”, but there it must be a capital letter.");
  /* Position 7 holds a digit or an omocode letter; A is neither. */
  assert_refused ("RSSMRAA0A01H501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "Character 7 of the codice fiscale is “A”, but there it must be a digit, or one of the letters L M N P Q R S T U V");
  assert_refused ("RSSMRA80801H501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "Character 9 of the codice fiscale is “8”, but there it must be a month letter");
  assert_refused ("RSSMRA80A01H5-1U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "Character 14 of the codice fiscale is “-”");
  assert_refused ("RSSMRA80A011501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "Character 12 of the codice fiscale is “1”, but there it must be a capital letter.");
  assert_refused ("RSSMRA80A01H5011", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "Character 16 of the codice fiscale is “1”");
  /* 16 characters, 17 bytes. */
  assert_refused ("RSSMRA80A01H50ÈU", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "contains characters other than letters and digits");
  assert_refused ("RSSMRA80A01H50\xffU", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_SYNTAX,
                  "contains bytes that are not text");
}

static void
test_month_and_day (void)
{
  assert_refused ("RSSMRA80F01H501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_MONTH,
                  "The month letter of the codice fiscale (character 9) is “F”; it must be one of A, B, C, D, E, H, L, M, P, R, S, T.");
  assert_refused ("RSSMRA80A32H501C", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_DAY,
                  "The day of birth of the codice fiscale (characters 10–11) is 32, which is not a day of month 1;");
  assert_refused ("RSSMRA80A00H501V", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_DAY,
                  "is 00, which is not a day of month 1");
  assert_refused ("RSSMRA80A72H501U", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_DAY,
                  "is 72");
  /* 31 April exists in no century. */
  assert_refused ("RSSMRA80D31H501D", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_DAY,
                  "is 31, which is not a day of month 4");
  /* 29 February 1901 and 2001 are both impossible. */
  assert_refused ("RSSMRA01B29H501Z", SINTESI_CF_FLAGS_NONE, SINTESI_CF_ERROR_DAY,
                  "is 29, which is not a day of month 2");
}

static void
test_placeholder (void)
{
  g_autoptr(GError) error = NULL;
  SintesiCfInfo info;

  assert_refused (SINTESI_CF_PLACEHOLDER, SINTESI_CF_FLAGS_NONE,
                  SINTESI_CF_ERROR_PLACEHOLDER,
                  "“PROVAX00X00X000Y” is the national test placeholder, not a real codice fiscale; it is accepted only in test mode.");
  g_assert_true (sintesi_cf_validate (SINTESI_CF_PLACEHOLDER, SINTESI_CF_FLAGS_TEST_MODE, &error));
  g_assert_no_error (error);
  /* Its check character is right: only month X makes it invalid. */
  g_assert_cmpint (sintesi_cf_check_character (SINTESI_CF_PLACEHOLDER), ==, 'Y');
  /* Test mode accepts the placeholder, not lookalikes. */
  assert_refused ("PROVAX00X00X000Z", SINTESI_CF_FLAGS_TEST_MODE,
                  SINTESI_CF_ERROR_MONTH, "is “X”");
  /* Test mode changes nothing for real codes. */
  assert_refused ("VRDMRC67T20I257E", SINTESI_CF_FLAGS_TEST_MODE,
                  SINTESI_CF_ERROR_CHECK_CHARACTER, "require “A”");

  g_assert_false (sintesi_cf_decode (SINTESI_CF_PLACEHOLDER, &info, &error));
  g_assert_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_PLACEHOLDER);
  g_assert_nonnull (strstr (error->message, "holds no birth date, sex or place to decode"));
}

static void
test_decode_refuses_invalid (void)
{
  g_autoptr(GError) error = NULL;
  SintesiCfInfo info;

  g_assert_false (sintesi_cf_decode ("LCNLDE90L47H501Q", &info, &error));
  g_assert_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_CHECK_CHARACTER);
}

static void
test_normalize_entry (void)
{
  g_autofree char *a = sintesi_cf_normalize_entry ("  rssmra 80a01 h501u\t");
  g_autofree char *b = sintesi_cf_normalize_entry ("");

  g_assert_cmpstr (a, ==, "RSSMRA80A01H501U");
  g_assert_cmpstr (b, ==, "");
  /* The normalised text is what validation then accepts. */
  g_assert_true (sintesi_cf_validate (a, SINTESI_CF_FLAGS_NONE, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cf/valid-vectors", test_valid_vectors);
  g_test_add_func ("/cf/check-character", test_check_character);
  g_test_add_func ("/cf/lower-case", test_lower_case);
  g_test_add_func ("/cf/empty-and-length", test_empty_and_length);
  g_test_add_func ("/cf/syntax", test_syntax);
  g_test_add_func ("/cf/month-and-day", test_month_and_day);
  g_test_add_func ("/cf/placeholder", test_placeholder);
  g_test_add_func ("/cf/decode-refuses-invalid", test_decode_refuses_invalid);
  g_test_add_func ("/cf/normalize-entry", test_normalize_entry);
  return g_test_run ();
}
