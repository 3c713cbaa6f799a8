/* sintesi-test-util.h: helpers shared by the test programs */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Official public data beside the checkout ($SINTESI_FIXTURES wins).
 * Returns NULL (and marks the test skipped, saying why) when absent. */
char       *sintesi_test_fixture           (const char *relative_path);
const char *sintesi_test_fixtures_dir      (void);

/* A fresh private folder, removed with sintesi_test_rmdir(). */
char       *sintesi_test_mkdtemp           (void);
void        sintesi_test_rmdir             (const char *dir);

/* Paths of the built programs. */
char       *sintesi_test_build_path        (const char *relative_path);

/* Runs argv to completion; stdin_data may be NULL. Returns the exit status
 * (or -1 when it could not start, or died of a signal). */
int         sintesi_test_run               (const char * const *argv,
                                            const char          *stdin_data,
                                            char               **out_stdout,
                                            char               **out_stderr);

/* Same, for sintesi-cli with --config-dir/--data-dir set to home. */
int         sintesi_test_run_cli           (const char          *home,
                                            const char * const  *args,
                                            const char          *stdin_data,
                                            char               **out_stdout,
                                            char               **out_stderr);

gboolean    sintesi_test_have_program      (const char *name);

/* qpdf --check finds no syntax or stream error in the PDF at path. */
void        sintesi_test_assert_qpdf_clean (const char *path);

/* A small PDF written by hand: objects[i] is the body of object i + 1,
 * object 1 is the catalog; classic xref table and trailer. */
GBytes     *sintesi_test_pdf_from_objects  (const char * const *objects,
                                            guint               n_objects);

/* A one-page PDF whose catalog's /Names /EmbeddedFiles is `tree` (PDF
 * syntax); object 4 is an embedded file stream holding `payload`. */
GBytes     *sintesi_test_pdf_with_embedded_files (const char *tree,
                                                  const char *payload);

G_END_DECLS
