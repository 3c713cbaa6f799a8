/* sintesi-application.h: the GTK application object */
#pragma once

#include <adwaita.h>

#include "sintesi-journal.h"
#include "sintesi-profile.h"
#include "sintesi-sandbox.h"

G_BEGIN_DECLS

#define SINTESI_TYPE_APPLICATION (sintesi_application_get_type ())
G_DECLARE_FINAL_TYPE (SintesiApplication, sintesi_application, SINTESI, APPLICATION, AdwApplication)

typedef enum
{
  SINTESI_SANDBOX_STATE_OFF,       /* not needed: the active profile sends for real */
  SINTESI_SANDBOX_STATE_STARTING,  /* making keys and starting the simulator */
  SINTESI_SANDBOX_STATE_RUNNING,
  SINTESI_SANDBOX_STATE_FAILED,    /* see sintesi_application_get_sandbox_error() */
} SintesiSandboxState;

SintesiApplication *sintesi_application_new                  (void);

/* The sandbox, started on a worker thread at startup when the active profile
 * is a sandbox profile or no profile exists yet; "notify::sandbox-state"
 * tells when it is up. NULL unless RUNNING. */
SintesiSandboxState sintesi_application_get_sandbox_state    (SintesiApplication *self);
SintesiSandbox     *sintesi_application_get_sandbox          (SintesiApplication *self);
const GError       *sintesi_application_get_sandbox_error    (SintesiApplication *self);

/* The profile the windows work with: the last one used, else the first
 * one on disk, else the sandbox's demo physician (once the sandbox made
 * it). A new reference, or NULL with error. */
SintesiProfile     *sintesi_application_load_active_profile  (SintesiApplication  *self,
                                                              GError             **error);
/* The name the active profile has or will have. */
char               *sintesi_application_dup_active_profile_name (SintesiApplication *self);
/* Makes name the active profile (stored in GSettings `last-profile`), or
 * says that the active profile was edited when name is already active.
 * Starts the sandbox when the profile sends to it, stops it otherwise;
 * "notify::active-profile" tells the windows to reload. */
void                sintesi_application_set_active_profile   (SintesiApplication *self,
                                                              const char         *name);

/* The journal of the user's data folder, opened on first use and shared
 * (it is safe to use from any thread). NULL with error. */
SintesiJournal     *sintesi_application_get_journal          (SintesiApplication  *self,
                                                              GError             **error);

G_END_DECLS
