/* sintesi-environment.c: where a profile sends (decisions D5) */
#include "config.h"

#include <string.h>

#include "sintesi-environment.h"

static const char * const names[] = {
  [SINTESI_ENVIRONMENT_SANDBOX] = "sandbox",
  [SINTESI_ENVIRONMENT_STAGE] = "stage",
  [SINTESI_ENVIRONMENT_PRODUCTION] = "production",
  [SINTESI_ENVIRONMENT_CUSTOM] = "custom",
};

const char *
sintesi_environment_to_string (SintesiEnvironment environment)
{
  g_return_val_if_fail (environment < G_N_ELEMENTS (names), NULL);
  return names[environment];
}

gboolean
sintesi_environment_from_string (const char         *text,
                                 SintesiEnvironment *environment)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    {
      if (strcmp (text, names[i]) == 0)
        {
          *environment = (SintesiEnvironment) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
sintesi_environment_default_base_url (SintesiEnvironment environment)
{
  switch (environment)
    {
    case SINTESI_ENVIRONMENT_STAGE:
      return SINTESI_STAGE_BASE_URL;
    case SINTESI_ENVIRONMENT_PRODUCTION:
      return SINTESI_PRODUCTION_BASE_URL;
    case SINTESI_ENVIRONMENT_SANDBOX:
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:
      return NULL;
    }
}

const char *
sintesi_environment_default_aud (SintesiEnvironment environment)
{
  switch (environment)
    {
    /* The sandbox rehearses stage, tokens included. */
    case SINTESI_ENVIRONMENT_SANDBOX:
    case SINTESI_ENVIRONMENT_STAGE:
      return SINTESI_STAGE_AUD;
    case SINTESI_ENVIRONMENT_PRODUCTION:
      return SINTESI_PRODUCTION_AUD;
    case SINTESI_ENVIRONMENT_CUSTOM:
    default:
      return NULL;
    }
}
