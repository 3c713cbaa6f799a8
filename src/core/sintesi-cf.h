/* sintesi-cf.h: the Italian codice fiscale (certificates-and-accreditation §6)
 *
 * Syntax, omocodia, check character and decoding of birth date, sex and
 * place code. Lower case is refused, never silently fixed: the CDA must carry
 * the CF exactly as the physician confirmed it (national KO test CT6).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SINTESI_CF_ERROR (sintesi_cf_error_quark ())

typedef enum
{
  SINTESI_CF_ERROR_EMPTY,
  SINTESI_CF_ERROR_LENGTH,
  SINTESI_CF_ERROR_LOWERCASE,
  SINTESI_CF_ERROR_SYNTAX,       /* a character not allowed at its position */
  SINTESI_CF_ERROR_MONTH,
  SINTESI_CF_ERROR_DAY,
  SINTESI_CF_ERROR_CHECK_CHARACTER,
  SINTESI_CF_ERROR_PLACEHOLDER,  /* PROVAX00X00X000Y outside test mode */
} SintesiCfError;

typedef enum
{
  SINTESI_CF_FLAGS_NONE      = 0,
  /* Accept the national placeholder PROVAX00X00X000Y (accreditation tests). */
  SINTESI_CF_FLAGS_TEST_MODE = 1 << 0,
} SintesiCfFlags;

#define SINTESI_CF_PLACEHOLDER "PROVAX00X00X000Y"

typedef enum
{
  SINTESI_SEX_MALE,
  SINTESI_SEX_FEMALE,
} SintesiSex;

typedef struct
{
  int         birth_year_2digit;  /* 0..99: the century is not encoded */
  int         birth_month;        /* 1..12 */
  int         birth_day;          /* 1..31 */
  SintesiSex  sex;
  char        place_code[5];      /* Belfiore code, e.g. "H501"; "Z…" abroad */
  gboolean    omocode;            /* some digits were replaced by letters */
} SintesiCfInfo;

GQuark    sintesi_cf_error_quark      (void);

/* TRUE when cf is a valid codice fiscale; error says precisely why not. */
gboolean  sintesi_cf_validate         (const char      *cf,
                                       SintesiCfFlags   flags,
                                       GError         **error);
/* Validates, then decodes (the placeholder has nothing to decode: FALSE). */
gboolean  sintesi_cf_decode           (const char      *cf,
                                       SintesiCfInfo   *info,
                                       GError         **error);
/* The check character for the first 15 characters, or '\0' if malformed. */
char      sintesi_cf_check_character  (const char      *cf15);
/* What an entry field should show back to the physician before validating:
 * blanks removed and letters in capitals. Validation itself never does this
 * (a lower-case CF is refused, so the user sees and confirms the change). */
char     *sintesi_cf_normalize_entry  (const char      *text);

G_END_DECLS
