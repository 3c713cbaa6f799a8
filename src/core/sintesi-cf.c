/* sintesi-cf.c: the Italian codice fiscale (certificates-and-accreditation §6) */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sintesi-cf.h"

G_DEFINE_QUARK (sintesi-cf-error-quark, sintesi_cf_error)

#define CF_LENGTH 16

/* Months are letters, January to December. */
static const char month_letters[] = "ABCDEHLMPRST";
/* Omocodia: a digit may be replaced by the letter standing for it. */
static const char omocode_letters[] = "LMNPQRSTUV";

/* 1-based positions that hold a digit or its omocode letter. */
static const int omocode_positions[] = { 7, 8, 10, 11, 13, 14, 15 };

/* Values of A..Z (and of 0..9, same index) at odd positions. */
static const int odd_values[26] = {
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18,
  20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
};

static gboolean
is_upper (char c)
{
  return c >= 'A' && c <= 'Z';
}

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
is_omocode_position (int position)
{
  for (guint i = 0; i < G_N_ELEMENTS (omocode_positions); i++)
    if (omocode_positions[i] == position)
      return TRUE;
  return FALSE;
}

/* The digit a position 7, 8, 10, 11, 13, 14 or 15 stands for, or -1. */
static int
digit_value (char c)
{
  const char *letter;

  if (is_digit (c))
    return c - '0';
  if (c != '\0' && (letter = strchr (omocode_letters, c)) != NULL)
    return (int) (letter - omocode_letters);
  return -1;
}

char
sintesi_cf_check_character (const char *cf15)
{
  int sum = 0;

  g_return_val_if_fail (cf15 != NULL, '\0');

  for (int i = 0; i < 15; i++)
    {
      char c = cf15[i];
      int index;

      if (is_digit (c))
        index = c - '0';
      else if (is_upper (c))
        index = c - 'A';
      else
        return '\0';

      /* i is 0-based: even i is an odd (1-based) position. */
      sum += (i % 2 == 0) ? odd_values[index] : index;
    }
  return (char) ('A' + sum % 26);
}

static gboolean
is_leap_year (int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month (int month,
               int year)
{
  static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && is_leap_year (year))
    return 29;
  return days[month - 1];
}

/* Which characters a position allows, for the syntax message. */
static const char *
expected_at (int position)
{
  if (position == 9)
    return _("a month letter (A, B, C, D, E, H, L, M, P, R, S or T)");
  if (is_omocode_position (position))
    return _("a digit, or one of the letters L M N P Q R S T U V that stand for digits");
  return _("a capital letter");
}

static gboolean
position_accepts (int  position,
                  char c)
{
  if (position == 9)
    return is_upper (c);  /* which letter is checked as the month */
  if (is_omocode_position (position))
    return digit_value (c) >= 0;
  return is_upper (c);
}

/* Validates and, when info is not NULL, decodes. */
static gboolean
check_cf (const char     *cf,
          SintesiCfFlags  flags,
          SintesiCfInfo  *info,
          GError        **error)
{
  glong length;
  const char *month_letter;
  int month, day, year2;
  char expected;

  if (cf == NULL || *cf == '\0')
    {
      g_set_error_literal (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_EMPTY,
                           _("The codice fiscale is empty."));
      return FALSE;
    }

  if (!g_utf8_validate (cf, -1, NULL))
    {
      g_set_error_literal (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_SYNTAX,
                           _("The codice fiscale contains bytes that are not text."));
      return FALSE;
    }

  length = g_utf8_strlen (cf, -1);
  if (length != CF_LENGTH)
    {
      g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_LENGTH,
                   /* TRANSLATORS: %s is the code as typed, %ld its length */
                   _("A codice fiscale has 16 characters; “%s” has %ld."),
                   cf, (long) length);
      return FALSE;
    }

  if (strcmp (cf, SINTESI_CF_PLACEHOLDER) == 0)
    {
      if ((flags & SINTESI_CF_FLAGS_TEST_MODE) != 0)
        return TRUE;
      g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_PLACEHOLDER,
                   _("“%s” is the national test placeholder, not a real codice fiscale; it is accepted only in test mode."),
                   cf);
      return FALSE;
    }

  /* 16 characters and 16 bytes: from here on, plain ASCII positions. */
  if (strlen (cf) != CF_LENGTH)
    {
      g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_SYNTAX,
                   _("The codice fiscale “%s” contains characters other than letters and digits."),
                   cf);
      return FALSE;
    }

  for (int i = 0; i < CF_LENGTH; i++)
    {
      if (cf[i] >= 'a' && cf[i] <= 'z')
        {
          g_autofree char *upper = g_ascii_strup (cf, -1);

          g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_LOWERCASE,
                       /* TRANSLATORS: the first %s is the code as typed, the second in capitals */
                       _("The codice fiscale “%s” contains lower-case letters; it must be written in capitals, as “%s”."),
                       cf, upper);
          return FALSE;
        }
    }

  for (int i = 0; i < CF_LENGTH; i++)
    {
      int position = i + 1;

      if (!position_accepts (position, cf[i]))
        {
          g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_SYNTAX,
                       /* TRANSLATORS: %d is a position (1–16), %c the character found there, %s what is allowed */
                       _("Character %d of the codice fiscale is “%c”, but there it must be %s."),
                       position, cf[i], expected_at (position));
          return FALSE;
        }
    }

  month_letter = strchr (month_letters, cf[8]);
  if (month_letter == NULL)
    {
      g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_MONTH,
                   _("The month letter of the codice fiscale (character 9) is “%c”; it must be one of A, B, C, D, E, H, L, M, P, R, S, T."),
                   cf[8]);
      return FALSE;
    }
  month = (int) (month_letter - month_letters) + 1;
  year2 = digit_value (cf[6]) * 10 + digit_value (cf[7]);
  day = digit_value (cf[9]) * 10 + digit_value (cf[10]);

  {
    int day_of_month = day > 40 ? day - 40 : day;

    /* The century is not encoded: 29 February of “00” is fine (2000). */
    if (day < 1 || (day > 31 && day < 41) || day > 71 ||
        (day_of_month > days_in_month (month, 1900 + year2) &&
         day_of_month > days_in_month (month, 2000 + year2)))
      {
        g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_DAY,
                     /* TRANSLATORS: %02d is the day as encoded (women add 40), %d the month number */
                     _("The day of birth of the codice fiscale (characters 10–11) is %02d, which is not a day of month %d; it must be 1–31 for men, 41–71 for women."),
                     day, month);
        return FALSE;
      }
  }

  expected = sintesi_cf_check_character (cf);
  if (cf[15] != expected)
    {
      g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_CHECK_CHARACTER,
                   /* TRANSLATORS: %c the last character typed, %c the correct one */
                   _("The last character of the codice fiscale is “%c”, but the first 15 characters require “%c”: please look for a typing error."),
                   cf[15], expected);
      return FALSE;
    }

  if (info != NULL)
    {
      memset (info, 0, sizeof *info);
      info->birth_year_2digit = year2;
      info->birth_month = month;
      info->birth_day = day > 40 ? day - 40 : day;
      info->sex = day > 40 ? SINTESI_SEX_FEMALE : SINTESI_SEX_MALE;
      info->place_code[0] = cf[11];
      for (int i = 12; i < 15; i++)
        info->place_code[i - 11] = (char) ('0' + digit_value (cf[i]));
      info->place_code[4] = '\0';
      for (guint i = 0; i < G_N_ELEMENTS (omocode_positions); i++)
        if (!is_digit (cf[omocode_positions[i] - 1]))
          info->omocode = TRUE;
    }
  return TRUE;
}

gboolean
sintesi_cf_validate (const char      *cf,
                     SintesiCfFlags   flags,
                     GError         **error)
{
  return check_cf (cf, flags, NULL, error);
}

gboolean
sintesi_cf_decode (const char     *cf,
                   SintesiCfInfo  *info,
                   GError        **error)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (cf != NULL && strcmp (cf, SINTESI_CF_PLACEHOLDER) == 0)
    {
      g_set_error (error, SINTESI_CF_ERROR, SINTESI_CF_ERROR_PLACEHOLDER,
                   _("“%s” is the national test placeholder: it holds no birth date, sex or place to decode."),
                   cf);
      return FALSE;
    }
  return check_cf (cf, SINTESI_CF_FLAGS_NONE, info, error);
}

char *
sintesi_cf_normalize_entry (const char *text)
{
  g_autofree char *stripped = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  /* What a physician types or pastes: spaces inside are grouping, not data. */
  stripped = g_strstrip (g_strdup (text));
  out = g_string_new (NULL);
  for (const char *p = stripped; *p != '\0'; p++)
    if (*p != ' ' && *p != '\t')
      g_string_append_c (out, g_ascii_toupper (*p));
  return g_string_free (out, FALSE);
}
