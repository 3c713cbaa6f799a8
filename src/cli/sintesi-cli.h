/* sintesi-cli.h: what every sintesi-cli command shares
 *
 * The command line is a product surface (cli.md): with --json exactly one
 * JSON object goes to stdout and human messages go to stderr. Exit codes:
 * 0 success, 1 refused or failed, 2 usage or local setup error.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sintesi-credentials.h"
#include "sintesi-profile.h"
#include "sintesi-sandbox.h"

G_BEGIN_DECLS

typedef enum
{
  SINTESI_CLI_EXIT_OK      = 0,
  SINTESI_CLI_EXIT_REFUSED = 1,
  SINTESI_CLI_EXIT_USAGE   = 2,
} SintesiCliExit;

typedef struct
{
  gboolean  json;
  char     *rules_dir;   /* --rules DIR, or NULL for the installed package */
} SintesiCli;

typedef int (*SintesiCliCommandFunc) (SintesiCli  *cli,
                                      int          argc,
                                      char       **argv);

/* Parses a command's options; on --help prints and returns FALSE with
 * *exit_code 0, on a usage error prints and returns FALSE with 2. */
gboolean sintesi_cli_parse_options (SintesiCli    *cli,
                                    const char    *command,
                                    const char    *parameter_string,
                                    const char    *summary,
                                    GOptionEntry  *entries,
                                    int           *argc,
                                    char        ***argv,
                                    int           *exit_code);

/* Adds "name": value, or "name": null when value is NULL. */
void     sintesi_cli_json_add_string (JsonBuilder *builder,
                                      const char  *name,
                                      const char  *value);

/* Adds one {"id", "ok", "message"} object: the shape of every check list. */
void     sintesi_cli_json_add_check  (JsonBuilder *builder,
                                      const char  *id,
                                      gboolean     ok,
                                      const char  *message);

/* Prints root as the single JSON object of this run. Takes ownership. */
void     sintesi_cli_print_json    (SintesiCli *cli,
                                    JsonNode   *root);

/* Reports a failure in the user's language (stderr, and the JSON object
 * {"error": {"domain", "code", "message"}} with --json); returns exit_code. */
int      sintesi_cli_fail          (SintesiCli   *cli,
                                    int           exit_code,
                                    const GError *error);
int      sintesi_cli_usage_error   (SintesiCli *cli,
                                    const char *format,
                                    ...) G_GNUC_PRINTF (2, 3);

/* The sandbox's demo physician comes to life on first use: when name is
 * that profile and it does not exist yet, the sandbox is started once to
 * make it (and its certificates). FALSE with error when that fails. */
gboolean sintesi_cli_ensure_demo_profile (const char  *name,
                                          GError     **error);

/* Loads the profile NAME (the demo one is made on first use). A profile of
 * the sandbox environment also gets the sandbox started, in *out_sandbox
 * (NULL otherwise); the caller stops it. */
SintesiProfile    *sintesi_cli_load_profile            (const char      *name,
                                                        SintesiSandbox **out_sandbox,
                                                        GError         **error);
/* The profile's S1 credential with its key: opened with password, else with
 * the sandbox's per-run passphrase (sandbox may be NULL), else the keyring. */
SintesiCredential *sintesi_cli_load_signing_credential (const char      *name,
                                                        const char      *password,
                                                        SintesiSandbox  *sandbox,
                                                        GError         **error);

/* Reads a password from stdin (--password-stdin) or a file, never argv. */
char    *sintesi_cli_read_password (gboolean     from_stdin,
                                    const char  *from_file,
                                    GError     **error);

G_END_DECLS
