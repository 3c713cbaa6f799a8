/* main.c: sintesi-gateway-sim
 *
 * The simulator proper arrives with the gateway issue; until then this
 * program only states its contract (cli.md) so scripts fail clearly.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n",
           _("Usage: sintesi-gateway-sim --listen 127.0.0.1:0 --cert SERVER.pem --key SERVER.key\n"
             "       --client-ca CA.pem [--rules DIR] [--state DB] [--fault SPEC] [--max-seconds N]"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      print_usage (stdout);
      return 0;
    }
  print_usage (stderr);
  fprintf (stderr, "%s\n", _("The gateway simulator is not available in this build yet."));
  return 2;
}
