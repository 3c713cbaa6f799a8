/* sintesi-accreditation-row.h: the accredited-software check as a row */
#pragma once

#include <adwaita.h>

#include "sintesi-registry.h"

G_BEGIN_DECLS

/* Shows on row (an AdwActionRow) whether the three INI strings are in the
 * installed register (certificates-and-accreditation §3.2), with the
 * registry's own sentence; registry NULL says how to install one. */
void sintesi_accreditation_row_update (AdwActionRow    *row,
                                       SintesiRegistry *registry,
                                       const char      *application_id,
                                       const char      *vendor,
                                       const char      *version);

G_END_DECLS
