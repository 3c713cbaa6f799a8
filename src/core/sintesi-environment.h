/* sintesi-environment.h: where a profile sends (decisions D5) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SINTESI_ENVIRONMENT_SANDBOX,     /* the built-in simulator on loopback */
  SINTESI_ENVIRONMENT_STAGE,       /* fse20gwstage.regione.toscana.it */
  SINTESI_ENVIRONMENT_PRODUCTION,  /* fse20gw.regione.toscana.it */
  SINTESI_ENVIRONMENT_CUSTOM,      /* a URL communicated by CART */
} SintesiEnvironment;

#define SINTESI_STAGE_BASE_URL      "https://fse20gwstage.regione.toscana.it/gateway/v2/"
#define SINTESI_PRODUCTION_BASE_URL "https://fse20gw.regione.toscana.it/gateway/v2/"
/* D9: Toscana forwards the producer's tokens to the national gateway. */
#define SINTESI_STAGE_AUD      "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1"
#define SINTESI_PRODUCTION_AUD "https://modipa.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1"

const char *sintesi_environment_to_string   (SintesiEnvironment  environment);
/* "sandbox", "stage", "production", "custom"; FALSE for anything else. */
gboolean    sintesi_environment_from_string (const char         *text,
                                             SintesiEnvironment *environment);
/* Default base URL (NULL for sandbox and custom: the running simulator's, or
 * the profile's) and aud (the sandbox uses stage's; NULL for custom). */
const char *sintesi_environment_default_base_url (SintesiEnvironment environment);
const char *sintesi_environment_default_aud      (SintesiEnvironment environment);

G_END_DECLS
