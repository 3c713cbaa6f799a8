/* test-registry.c: results.csv parsing and the accreditation match (§3.2) */
#include "config.h"

#include <string.h>

#include "sintesi-paths.h"
#include "sintesi-registry.h"
#include "sintesi-test-util.h"

#define HEADER "Fornitore,Nomi fornitori equivalenti,Applicativo,Versione,Versioni Equivalenti,Tipo Documento,Servizio,Data validazione,Versione Gateway"

#define assert_contains(text, part) \
  G_STMT_START { \
    if (strstr ((text), (part)) == NULL) \
      g_error ("“%s” lacks “%s”", (text), (part)); \
  } G_STMT_END

static SintesiRegistry *
parse (const char *csv)
{
  g_autoptr(GError) error = NULL;
  SintesiRegistry *registry = sintesi_registry_new_from_data (csv, strlen (csv), &error);

  g_assert_no_error (error);
  g_assert_nonnull (registry);
  return registry;
}

static void
assert_parse_fails (const char *csv,
                    gsize       length,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRegistry) registry = sintesi_registry_new_from_data (csv, length, &error);

  g_assert_null (registry);
  g_assert_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT);
  assert_contains (error->message, message);
}

static SintesiRegistry *
load_fixture (void)
{
  g_autofree char *path = sintesi_test_fixture ("registry/results.csv");
  g_autoptr(GError) error = NULL;
  SintesiRegistry *registry;

  if (path == NULL)
    return NULL;
  registry = sintesi_registry_new_from_file (path, &error);
  g_assert_no_error (error);
  return registry;
}

/* Inline CSVs */

static void
test_quoting_crlf (void)
{
  const char *csv =
    HEADER "\r\n"
    "\"Foo, \"\"The\"\" Bar\",\"Foo Bar SRL, FOO BAR\",APP,1.0,\"1.1, 1.2\",\"PSS,LDO\",VALIDATION,2024-01-01,1.0\r\n"
    "Plain,,APP2,2,,LDO,VALIDATION,2023-05-06,1.0\r\n";
  g_autoptr(SintesiRegistry) registry = parse (csv);
  const SintesiRegistryRow *row;

  g_assert_cmpuint (sintesi_registry_get_n_rows (registry), ==, 2);
  row = sintesi_registry_get_row (registry, 0);
  g_assert_cmpstr (row->vendor, ==, "Foo, \"The\" Bar");
  g_assert_cmpstr (row->application, ==, "APP");
  g_assert_cmpstr (row->version, ==, "1.0");
  g_assert_cmpuint (g_strv_length (row->vendor_equivalents), ==, 2);
  g_assert_cmpstr (row->vendor_equivalents[0], ==, "Foo Bar SRL");
  g_assert_cmpstr (row->vendor_equivalents[1], ==, "FOO BAR");
  g_assert_cmpstr (row->version_equivalents[0], ==, "1.1");
  g_assert_cmpstr (row->version_equivalents[1], ==, "1.2");
  g_assert_cmpstr (row->document_types[0], ==, "PSS");
  g_assert_cmpstr (row->document_types[1], ==, "LDO");
  g_assert_cmpstr (row->service, ==, "VALIDATION");
  g_assert_cmpstr (row->validation_date, ==, "2024-01-01");
  g_assert_cmpstr (row->gateway_version, ==, "1.0");
  g_assert_cmpuint (row->line, ==, 2);
  row = sintesi_registry_get_row (registry, 1);
  g_assert_cmpstr (row->vendor, ==, "Plain");
  g_assert_cmpuint (g_strv_length (row->vendor_equivalents), ==, 0);
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_cmpstr (sintesi_registry_get_latest_validation_date (registry), ==, "2024-01-01");
  g_assert_cmpuint (sintesi_registry_count_pss_rows (registry), ==, 1);

  /* The quoted vendor matches exactly, as do its equivalents. */
  {
    g_autoptr(SintesiRegistryMatch) m1 = sintesi_registry_match (registry, "APP", "Foo, \"The\" Bar", "1.0");
    g_autoptr(SintesiRegistryMatch) m2 = sintesi_registry_match (registry, "APP", "FOO BAR", "1.2");

    g_assert_cmpint (m1->outcome, ==, SINTESI_REGISTRY_ACCREDITED);
    g_assert_false (m1->vendor_equivalent);
    g_assert_false (m1->version_equivalent);
    g_assert_cmpint (m2->outcome, ==, SINTESI_REGISTRY_ACCREDITED);
    g_assert_true (m2->vendor_equivalent);
    g_assert_true (m2->version_equivalent);
  }
}

static void
test_lf_and_embedded_newline (void)
{
  const char *csv =
    HEADER "\n"
    "\"Multi\nLine\",,APP,1.0,,PSS,VALIDATION,2024-01-01,1.0\n"
    "\n"
    "Next,,APP3,3.0,,PSS,VALIDATION,2025-01-01,1.0";   /* no final newline */
  g_autoptr(SintesiRegistry) registry = parse (csv);
  const SintesiRegistryRow *row;

  g_assert_cmpuint (sintesi_registry_get_n_rows (registry), ==, 2);
  row = sintesi_registry_get_row (registry, 0);
  g_assert_cmpstr (row->vendor, ==, "Multi\nLine");
  row = sintesi_registry_get_row (registry, 1);
  g_assert_cmpstr (row->vendor, ==, "Next");
  g_assert_cmpuint (row->line, ==, 5);
  g_assert_cmpstr (row->gateway_version, ==, "1.0");
}

static void
test_reordered_and_old_columns (void)
{
  /* Columns found by name, in any order; the 2023-03 set had no equivalents. */
  const char *csv =
    "Servizio,Applicativo,Data validazione,Tipo Documento,Versione,Fornitore,Versione Gateway\r\n"
    "VALIDATION,APP,2023-03-01,\"LDO,PSS\",4.2,ACME SPA,1.0\r\n";
  g_autoptr(SintesiRegistry) registry = parse (csv);
  const SintesiRegistryRow *row = sintesi_registry_get_row (registry, 0);
  g_autoptr(SintesiRegistryMatch) match = NULL;

  g_assert_cmpstr (row->vendor, ==, "ACME SPA");
  g_assert_cmpstr (row->application, ==, "APP");
  g_assert_cmpstr (row->version, ==, "4.2");
  g_assert_cmpstr (row->service, ==, "VALIDATION");
  g_assert_cmpuint (g_strv_length (row->version_equivalents), ==, 0);
  g_assert_cmpuint (g_strv_length (row->vendor_equivalents), ==, 0);
  match = sintesi_registry_match (registry, "APP", "ACME SPA", "4.2");
  g_assert_cmpint (match->outcome, ==, SINTESI_REGISTRY_ACCREDITED);
  assert_contains (match->message, "validated on 2023-03-01");
}

static void
test_bom_tolerated (void)
{
  const char *csv = "\xEF\xBB\xBF" HEADER "\r\nA,,B,1,,PSS,VALIDATION,2024-01-01,1.0\r\n";
  g_autoptr(SintesiRegistry) registry = parse (csv);

  g_assert_cmpstr (sintesi_registry_get_row (registry, 0)->vendor, ==, "A");
}

static void
test_format_errors (void)
{
  const char *missing =
    "Fornitore,Versione,Tipo Documento,Servizio\r\nA,1,PSS,VALIDATION\r\n";
  const char *not_utf8 = HEADER "\r\nA\xff,,B,1,,PSS,VALIDATION,2024-01-01,1.0\r\n";

  assert_parse_fails (missing, strlen (missing),
                      "The registry file has no “Applicativo” column, so it is not the list of accredited software (its first line has: “Fornitore”, “Versione”, “Tipo Documento”, “Servizio”).");
  assert_parse_fails ("", 0, "The registry file is empty.");
  assert_parse_fails (HEADER "\r\n", strlen (HEADER "\r\n"), "The registry file has a header but no rows.");
  assert_parse_fails (HEADER "\r\nA,,B,1,,PSS,VALIDATION\r\n", strlen (HEADER "\r\nA,,B,1,,PSS,VALIDATION\r\n"),
                      "Line 2 of the registry has 7 fields, but its header has 9.");
  assert_parse_fails (HEADER "\r\nA,,B,1,,\"PSS,VALIDATION,2024-01-01,1.0\r\n",
                      strlen (HEADER "\r\nA,,B,1,,\"PSS,VALIDATION,2024-01-01,1.0\r\n"),
                      "Line 2 of the registry opens a quoted field that is never closed.");
  assert_parse_fails (HEADER "\r\nA,,B,1,,\"PSS\"x,VALIDATION,2024-01-01,1.0\r\n",
                      strlen (HEADER "\r\nA,,B,1,,\"PSS\"x,VALIDATION,2024-01-01,1.0\r\n"),
                      "Line 2 of the registry has text after the closing quote of a field.");
  assert_parse_fails (HEADER "\r\nA\"B,,B,1,,PSS,VALIDATION,2024-01-01,1.0\r\n",
                      strlen (HEADER "\r\nA\"B,,B,1,,PSS,VALIDATION,2024-01-01,1.0\r\n"),
                      "Line 2 of the registry has a quote inside a field that does not begin with one.");
  assert_parse_fails (HEADER "\r\nA\rB,,B,1,,PSS,VALIDATION,2024-01-01,1.0\r\n",
                      strlen (HEADER "\r\nA\rB,,B,1,,PSS,VALIDATION,2024-01-01,1.0\r\n"),
                      "Line 2 of the registry has a stray carriage return.");
  assert_parse_fails (not_utf8, strlen (not_utf8), "The registry file is not UTF-8 text.");
}

static void
test_file_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRegistry) registry = sintesi_registry_new_from_file ("/nonexistent/results.csv", &error);

  g_assert_null (registry);
  g_assert_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FILE);
  assert_contains (error->message, "Cannot read the registry file: ");
}

static void
test_inline_match_rules (void)
{
  const char *csv =
    HEADER "\r\n"
    "ACME S.R.L.,,MEDAPP,2.0,,PSS,VALIDATION,2024-01-01,1.0\r\n"
    "ACME S.R.L.,,MEDAPP,2.1,,LDO,VALIDATION,2024-02-01,1.0\r\n"
    "ACME S.R.L.,,MEDAPP,2.2,,PSS,VERIFICA,2024-03-01,1.0\r\n"
    "GPI SPA,,GPI_APP,1.0,,PSS,VALIDATION,2024-01-01,1.0\r\n";
  g_autoptr(SintesiRegistry) registry = parse (csv);
  struct {
    const char *app, *vendor, *version;
    SintesiRegistryOutcome outcome;
    guint row_line;   /* 0: no row */
    const char *message;
  } cases[] = {
    { "MEDAPP", "ACME S.R.L.", "2.0", SINTESI_REGISTRY_ACCREDITED, 2, "is accredited for the patient summary (PSS), validated on 2024-01-01." },
    /* Case-sensitive: the same letters in other capitals are a near miss. */
    { "medapp", "ACME S.R.L.", "2.0", SINTESI_REGISTRY_NEAR_MISS, 2, "the application id must match it character for character" },
    { "MEDAPP", "ACME S.R.L", "2.0", SINTESI_REGISTRY_NEAR_MISS, 2, "the vendor must match" },
    { "MEDAPP", "ACME  S.R.L.", "2.0", SINTESI_REGISTRY_NEAR_MISS, 2, "the vendor must match" },
    { "MEDAPP", "ACME S.R.L.", "2.0.", SINTESI_REGISTRY_NEAR_MISS, 2, "the version must match" },
    { "GPI APP", "GPI_SPA", "1.0", SINTESI_REGISTRY_NEAR_MISS, 5,
      "The closest accredited row is application “GPI_APP”, vendor “GPI SPA”, version “1.0” (line 5, validated on 2024-01-01): the application id, the vendor must match it" },
    /* Listed, but not for PSS, or not validated. */
    { "MEDAPP", "ACME S.R.L.", "2.1", SINTESI_REGISTRY_NOT_FOR_PSS, 3, "is in the registry (line 3), but accredited for LDO only, not for the patient summary (PSS)." },
    { "MEDAPP", "ACME S.R.L.", "2.2", SINTESI_REGISTRY_NOT_FOR_PSS, 4, "but its service is “VERIFICA”, not VALIDATION." },
    /* A version never accredited: the hint lists those that are. */
    { "MEDAPP", "ACME S.R.L.", "1.0", SINTESI_REGISTRY_NOT_FOUND, 2,
      "Version “1.0” of “MEDAPP” by “ACME S.R.L.” is not accredited for the patient summary (PSS); the accredited versions are: 2.0." },
    /* A newer version not yet declared (§3.2 step 5). */
    { "MEDAPP", "ACME S.R.L.", "2.10", SINTESI_REGISTRY_NOT_FOUND, 2,
      "the accredited versions are: 2.0. It is newer than the most recent accredited version, “2.0”: a new version must be accredited, or declared equivalent, before it sends." },
    /* Another vendor spelling is not the same vendor. */
    { "MEDAPP", "ACME S.p.a.", "2.0", SINTESI_REGISTRY_NOT_FOUND, 2,
      "The closest row of the registry is application “MEDAPP”, vendor “ACME S.R.L.”, version “2.0” (line 2, validated on 2024-01-01)." },
    { "NOTHING", "NOBODY", "1", SINTESI_REGISTRY_NOT_FOUND, 0,
      "“NOTHING” by “NOBODY”, version “1”, is not accredited: no row of the registry has that application or that vendor." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SintesiRegistryMatch) match =
        sintesi_registry_match (registry, cases[i].app, cases[i].vendor, cases[i].version);

      g_test_message ("match %s / %s / %s: %s", cases[i].app, cases[i].vendor, cases[i].version, match->message);
      g_assert_cmpint (match->outcome, ==, cases[i].outcome);
      if (cases[i].row_line == 0)
        g_assert_null (match->row);
      else
        g_assert_cmpuint (match->row->line, ==, cases[i].row_line);
      assert_contains (match->message, cases[i].message);
    }

  /* An older version is not "newer". */
  {
    g_autoptr(SintesiRegistryMatch) older = sintesi_registry_match (registry, "MEDAPP", "ACME S.R.L.", "1.9.9");

    g_assert_null (strstr (older->message, "newer"));
  }
}

/* The official registry (fixture) */

static void
test_fixture_shape (void)
{
  g_autoptr(SintesiRegistry) registry = load_fixture ();

  if (registry == NULL)
    return;
  /* certificates-and-accreditation §3.1: 580 data rows, 65 for PSS. */
  g_assert_cmpuint (sintesi_registry_get_n_rows (registry), ==, 580);
  g_assert_cmpuint (sintesi_registry_count_pss_rows (registry), >=, 65);
  g_assert_cmpstr (sintesi_registry_get_latest_validation_date (registry), ==, "2026-05-07");
  g_assert_cmpuint (strlen (sintesi_registry_get_sha256 (registry)), ==, 64);
}

static void
test_fixture_matches (void)
{
  g_autoptr(SintesiRegistry) registry = load_fixture ();
  struct {
    const char *app, *vendor, *version;
    SintesiRegistryOutcome outcome;
    gboolean vendor_equivalent, version_equivalent;
    const char *row_vendor, *row_version;
    const char *message;
  } cases[] = {
    { "ACO_FSE", "ACODAT", "V.2.0", SINTESI_REGISTRY_ACCREDITED, FALSE, FALSE, "ACODAT", "V.2.0",
      "“ACO_FSE” by “ACODAT”, version “V.2.0”, is accredited for the patient summary (PSS), validated on 2024-10-28." },
    { "ACO_FSE", "Acodat", "V.2.0", SINTESI_REGISTRY_NEAR_MISS, FALSE, FALSE, "ACODAT", "V.2.0",
      "The closest accredited row is application “ACO_FSE”, vendor “ACODAT”, version “V.2.0”" },
    /* A version only in "Versioni Equivalenti". */
    { "KAPPAMED", "KAPPAWEB SRL", "13.0.5", SINTESI_REGISTRY_ACCREDITED, FALSE, TRUE, "KAPPAWEB SRL", "13.0",
      "The version is declared equivalent to the accredited version “13.0”." },
    /* A vendor only in "Nomi fornitori equivalenti". */
    { "MILLEWIN", "MILLENNIUM SRL", "20.0.69.0", SINTESI_REGISTRY_ACCREDITED, TRUE, FALSE, "MILLENNIUM SPA", "20.0.69.0",
      "The vendor name is accepted as an equivalent of “MILLENNIUM SPA”." },
    /* Listed, but for LDO and VPS only. */
    { "SIO", "APSS", "2.12.0", SINTESI_REGISTRY_NOT_FOR_PSS, FALSE, FALSE, "APSS", "2.12.0",
      "but accredited for LDO,VPS only, not for the patient summary (PSS)." },
    /* The trap of it-fse-support#1914: a version declared as 1.0 by mistake. */
    { "ACO_FSE", "ACODAT", "1.0", SINTESI_REGISTRY_NOT_FOUND, FALSE, FALSE, "ACODAT", NULL,
      "the accredited versions are: V.1.0, V.2.0." },
    { "MILLEWIN", "MILLENNIUM SPA", "20.0.70.0", SINTESI_REGISTRY_NOT_FOUND, FALSE, FALSE, "MILLENNIUM SPA", NULL,
      "It is newer than the most recent accredited version, “20.0.69.0”" },
    { "REMED", "Brain Computing S.p.a.", "2.0.1", SINTESI_REGISTRY_NEAR_MISS, FALSE, FALSE, "Brain Computing S.p.a.", "2.0.1",
      "the application id must match it" },
    { "SINTESI", "Sintesi developers", "0.1.0", SINTESI_REGISTRY_NOT_FOUND, FALSE, FALSE, NULL, NULL,
      "is not accredited: no row of the registry has that application or that vendor." },
  };

  if (registry == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SintesiRegistryMatch) match =
        sintesi_registry_match (registry, cases[i].app, cases[i].vendor, cases[i].version);

      g_test_message ("fixture %s / %s / %s: %s", cases[i].app, cases[i].vendor, cases[i].version, match->message);
      g_assert_cmpint (match->outcome, ==, cases[i].outcome);
      g_assert_cmpint (match->vendor_equivalent, ==, cases[i].vendor_equivalent);
      g_assert_cmpint (match->version_equivalent, ==, cases[i].version_equivalent);
      if (cases[i].row_vendor == NULL)
        g_assert_null (match->row);
      else
        g_assert_cmpstr (match->row->vendor, ==, cases[i].row_vendor);
      if (cases[i].row_version != NULL)
        g_assert_cmpstr (match->row->version, ==, cases[i].row_version);
      assert_contains (match->message, cases[i].message);
    }
}

static void
test_import (void)
{
  g_autofree char *fixture = sintesi_test_fixture ("registry/results.csv");
  g_autofree char *tmp = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *original = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SintesiRegistry) registry = NULL;
  g_autoptr(SintesiRegistry) reloaded = NULL;

  if (fixture == NULL)
    return;
  tmp = sintesi_test_mkdtemp ();
  sintesi_paths_set_data_dir (tmp);

  /* Nothing imported yet: a clear error that says what to do. */
  g_assert_null (sintesi_registry_load_installed (&error));
  g_assert_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_NOT_INSTALLED);
  assert_contains (error->message, "has not been imported yet");
  g_clear_error (&error);

  registry = sintesi_registry_import (fixture, &error);
  g_assert_no_error (error);
  installed = sintesi_registry_installed_path ();
  g_assert_true (g_str_has_prefix (installed, tmp));
  g_assert_true (g_str_has_suffix (installed, "/registry/results.csv"));
  /* The bytes are kept as published: evidence of what was checked. */
  g_assert_true (g_file_get_contents (fixture, &original, NULL, NULL));
  g_assert_true (g_file_get_contents (installed, &copy, NULL, NULL));
  g_assert_cmpstr (original, ==, copy);

  reloaded = sintesi_registry_load_installed (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (sintesi_registry_get_sha256 (reloaded), ==, sintesi_registry_get_sha256 (registry));

  /* A file that is not a registry replaces nothing. */
  bad = g_build_filename (tmp, "bad.csv", NULL);
  g_assert_true (g_file_set_contents (bad, "Name,Value\r\na,b\r\n", -1, NULL));
  g_assert_null (sintesi_registry_import (bad, &error));
  g_assert_error (error, SINTESI_REGISTRY_ERROR, SINTESI_REGISTRY_ERROR_FORMAT);
  g_clear_error (&error);
  g_clear_pointer (&copy, g_free);
  g_assert_true (g_file_get_contents (installed, &copy, NULL, NULL));
  g_assert_cmpstr (original, ==, copy);

  sintesi_paths_set_data_dir (NULL);
  sintesi_test_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registry/csv/quoting-crlf", test_quoting_crlf);
  g_test_add_func ("/registry/csv/lf-and-embedded-newline", test_lf_and_embedded_newline);
  g_test_add_func ("/registry/csv/reordered-and-old-columns", test_reordered_and_old_columns);
  g_test_add_func ("/registry/csv/bom", test_bom_tolerated);
  g_test_add_func ("/registry/csv/format-errors", test_format_errors);
  g_test_add_func ("/registry/csv/file-errors", test_file_errors);
  g_test_add_func ("/registry/match/inline-rules", test_inline_match_rules);
  g_test_add_func ("/registry/fixture/shape", test_fixture_shape);
  g_test_add_func ("/registry/fixture/matches", test_fixture_matches);
  g_test_add_func ("/registry/import", test_import);
  return g_test_run ();
}
