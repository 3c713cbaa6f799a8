/* main.c: sintesi-gateway-sim, a local FSE 2.0 gateway for tests, the
 * sandbox and accreditation rehearsals (cli.md "Simulator"). */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sintesi-sim-server.h"

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_listen (const char  *listen,
              char       **host,
              guint16     *port,
              GError     **error)
{
  const char *colon = strrchr (listen, ':');
  guint64 number;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &number, NULL))
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("--listen takes ADDRESS:PORT, e.g. 127.0.0.1:0"));
      return FALSE;
    }
  if (listen[0] == '[' && colon > listen && colon[-1] == ']')
    *host = g_strndup (listen + 1, colon - listen - 2);
  else
    *host = g_strndup (listen, colon - listen);
  *port = (guint16) number;
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *client_ca = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *state = NULL;
  g_autofree char *aud = NULL;
  g_auto(GStrv) fault_specs = NULL;
  gboolean allow_remote = FALSE;
  int max_seconds = 0;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port (default 127.0.0.1:0, an ephemeral port)"), "ADDRESS:PORT" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, N_("Server certificate (PEM)"), "SERVER.pem" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("Server private key (PEM)"), "SERVER.key" },
    { "client-ca", 0, 0, G_OPTION_ARG_FILENAME, &client_ca, N_("CA that client certificates must chain to"), "CA.pem" },
    { "rules", 0, 0, G_OPTION_ARG_FILENAME, &rules, N_("Rules package used to validate the CDA"), "DIR" },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state, N_("Where to keep documents and events across runs (a JSON file)"), "FILE" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fault_specs, N_("Inject a fault: delay=N, hang, reset, status=5xx, truncate, no-cart-id [,on=N][,path=/PREFIX]"), "SPEC" },
    { "aud", 0, 0, G_OPTION_ARG_STRING, &aud, N_("Accept only tokens whose aud is exactly this URL"), "URL" },
    { "max-seconds", 0, 0, G_OPTION_ARG_INT, &max_seconds, N_("Stop by itself after N seconds"), "N" },
    { "allow-remote", 0, 0, G_OPTION_ARG_NONE, &allow_remote, N_("Allow listening on an address other than loopback"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(SintesiSimServer) server = NULL;
  g_autoptr(GInetAddress) address = NULL;
  SintesiSimConfig config = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("A local FSE 2.0 gateway that checks requests the way the real one does."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;

  if (!parse_listen (listen != NULL ? listen : "127.0.0.1:0", &config.listen_address, &config.port, &error))
    goto usage_error;
  address = g_inet_address_new_from_string (config.listen_address);
  if (address != NULL && !g_inet_address_get_is_loopback (address) && !allow_remote)
    {
      g_set_error (&error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("The simulator only serves this computer (127.0.0.1 or ::1); add --allow-remote to listen on %s."),
                   config.listen_address);
      goto usage_error;
    }

  config.cert_file = g_steal_pointer (&cert);
  config.key_file = g_steal_pointer (&key);
  config.client_ca_file = g_steal_pointer (&client_ca);
  config.rules_dir = g_steal_pointer (&rules);
  config.state_file = g_steal_pointer (&state);
  config.expected_aud = g_steal_pointer (&aud);
  config.faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_sim_fault_free);
  for (guint i = 0; fault_specs != NULL && fault_specs[i] != NULL; i++)
    {
      SintesiSimFault *fault = sintesi_sim_fault_parse (fault_specs[i], &error);

      if (fault == NULL)
        goto usage_error;
      g_ptr_array_add (config.faults, fault);
    }

  server = sintesi_sim_server_new (&config, &error);
  sintesi_sim_config_clear (&config);
  if (server == NULL)
    goto usage_error;

  /* Scripts wait for this first line: it means connections are accepted. */
  printf ("%s\n", sintesi_sim_server_get_base_url (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
  g_unix_signal_add (SIGINT, quit_loop, loop);
  if (max_seconds > 0)
    g_timeout_add_seconds (max_seconds, quit_loop, loop);
  g_main_loop_run (loop);
  sintesi_sim_server_stop (server);
  return 0;

usage_error:
  sintesi_sim_config_clear (&config);
  g_printerr ("sintesi-gateway-sim: %s\n", error->message);
  return 2;
}
