/* sintesi-pss-builder.h: build a Profilo Sanitario Sintetico (PSS) CDA from a model
 *
 * The model is a set of plain structs the GUI composer, the accreditation
 * runs and `sintesi-cli pss example` fill in. Items are added to the model's
 * arrays as g_new0'd structs whose strings are g_strdup'd: the arrays own
 * and free them. The builder writes the header
 * (pss-document.md §4.1, §4.2), the four mandatory sections and whichever
 * optional ones have content, each entry with its coded data and a narrative
 * table (section/text) made from the same data, linked by ID/reference.
 * The output is byte-stable: the same model always gives the same bytes.
 *
 * Strings are UTF-8; dates are HL7 TS strings ("20250114" or
 * "20250114103000+0100"). Codes are used as given: the caller picks them from
 * the code systems named on each field.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SINTESI_PSS_BUILDER_ERROR (sintesi_pss_builder_error_quark ())

typedef enum
{
  SINTESI_PSS_BUILDER_ERROR_MISSING,   /* a required field is empty */
  SINTESI_PSS_BUILDER_ERROR_INVALID,   /* a field has a value the PSS cannot carry */
} SintesiPssBuilderError;

/* The PSS header templateId extension (the HL7 Italia version the national
 * example carries). */
#define SINTESI_PSS_TEMPLATE_VERSION "1.4"

typedef struct
{
  char *street;        /* streetAddressLine */
  char *city;          /* municipality name */
  char *census_tract;  /* ISTAT municipality code, e.g. "048017" */
  char *postal_code;
  char *county;        /* province, e.g. "FI" */
  char *country;       /* ISTAT country code, "100" = Italy */
} SintesiPssAddress;

typedef struct
{
  char              *cf;            /* codice fiscale, upper case */
  char              *given;
  char              *family;
  char              *sex;           /* "M" or "F" (HL7 AdministrativeGender) */
  char              *birth_date;    /* TS */
  char              *birth_city;    /* optional birthplace */
  char              *birth_census_tract;
  char              *birth_country; /* "100" = Italy; default "100" if a birth city is given */
  SintesiPssAddress  address;       /* optional: all of street, city, census tract, postal code */
  char              *phone;         /* optional, e.g. "3331234567" */
  char              *email;         /* optional */
} SintesiPssPatient;

typedef struct
{
  char              *cf;
  char              *given;
  char              *family;
  char              *prefix;        /* optional, e.g. "Dott." */
  char              *role;          /* author only: "MMG" or "PLS" (assignedAuthorCode_PSSIT) */
  SintesiPssAddress  address;       /* optional (work address) */
  char              *phone;         /* work phone; at least one of phone/email is required */
  char              *email;
} SintesiPssPhysician;

typedef struct
{
  char              *id_root;       /* e.g. "2.16.840.1.113883.2.9.4.1.2" */
  char              *id_extension;  /* e.g. "090201" */
  char              *name;
  char              *phone;         /* optional */
  SintesiPssAddress  address;       /* optional: street, city (and country) */
} SintesiPssOrganization;

/* A coded value: code, code system OID, display name (Italian). */
typedef struct
{
  char *code;
  char *system;
  char *display;
} SintesiPssCode;

typedef enum
{
  SINTESI_PSS_CRITICALITY_NONE,
  SINTESI_PSS_CRITICALITY_LOW,
  SINTESI_PSS_CRITICALITY_MODERATE,
  SINTESI_PSS_CRITICALITY_HIGH,
} SintesiPssCriticality;

typedef struct
{
  SintesiPssCode        type;        /* ObservationIntoleranceType (2.16.840.1.113883.5.4), e.g. DALG */
  SintesiPssCode        agent;       /* ATC, AIC, or AllergenNoDrugs (…77.22.11.2) */
  SintesiPssCode        reaction;    /* optional: ICD-9-CM or the reaction value sets */
  SintesiPssCriticality criticality;
  char                 *onset;       /* TS */
  gboolean              resolved;    /* FALSE: still active */
  char                 *end;         /* TS, required when resolved */
  char                 *comment;     /* optional */
} SintesiPssAllergy;

typedef struct
{
  SintesiPssCode  product;      /* ATC (2.16.840.1.113883.6.73), AIC or GE */
  SintesiPssCode  route;        /* RouteOfAdministration (2.16.840.1.113883.5.112) */
  char           *dose_value;   /* optional, e.g. "5" */
  char           *dose_unit;    /* UCUM, e.g. "mg" */
  char           *period_value; /* optional: every period_value period_unit */
  char           *period_unit;  /* UCUM time unit, e.g. "h", "d" */
  char           *instructions; /* free-text posology for the narrative */
  char           *start;        /* TS */
  char           *end;          /* TS, NULL while ongoing */
} SintesiPssMedication;

typedef struct
{
  SintesiPssCode        problem;   /* ICD-9-CM (2.16.840.1.113883.6.103) */
  char                 *onset;     /* TS */
  gboolean              resolved;
  char                 *end;       /* TS, required when resolved */
  gboolean              chronic;
  SintesiPssCriticality severity;
  char                 *comment;
} SintesiPssProblem;

typedef struct
{
  SintesiPssCode  relative;        /* PersonalRelationshipRoleType (2.16.840.1.113883.5.111), e.g. FTH */
  char           *relative_sex;    /* optional "M"/"F" */
  SintesiPssCode  condition;       /* ICD-9-CM */
  char           *onset_age;       /* optional, years */
  char           *death_age;       /* optional, years */
} SintesiPssFamilyHistory;

typedef struct
{
  SintesiPssCode  vaccine;      /* ATC or AIC */
  char           *date;         /* TS */
  char           *lot;          /* lot number */
  SintesiPssCode  route;        /* optional */
  char           *dose_number;  /* optional, e.g. "1" */
  char           *valid_until;  /* optional TS: end of coverage */
} SintesiPssVaccination;

typedef struct
{
  SintesiPssCode  parameter;    /* LOINC, e.g. 8480-6 systolic blood pressure */
  char           *value;        /* decimal, e.g. "135" */
  char           *unit;         /* UCUM, e.g. "mm[Hg]" */
  char           *date;         /* TS */
} SintesiPssVitalSign;

typedef struct
{
  SintesiPssCode  observation;  /* LOINC, e.g. 72166-2 tobacco smoking status */
  SintesiPssCode  value;        /* coded value, or */
  char           *text;         /* free-text value when value.code is NULL */
  char           *date;         /* TS */
} SintesiPssLifestyle;

typedef struct
{
  SintesiPssCode  device;       /* CND (2.16.840.1.113883.2.9.6.1.48) */
  char           *date;         /* TS of implant/supply */
} SintesiPssDevice;

typedef struct
{
  SintesiPssCode  procedure;    /* ICD-9-CM procedure, LOINC or ProcedureTrapianti_PSSIT */
  char           *start;        /* TS */
  char           *end;          /* TS */
} SintesiPssProcedure;

typedef struct
{
  SintesiPssCode  motor_capacity; /* CapacitàMotoria_PSSIT (2.16.840.1.113883.2.9.77.22.11.15) */
  SintesiPssCode  care_regime;    /* optional: 2.16.840.1.113883.2.9.5.2.8, e.g. PSSADI */
  char           *date;           /* TS */
} SintesiPssFunctionalStatus;

typedef struct
{
  SintesiPssCode  exam;         /* LOINC code of the requested exam or visit */
  char           *date;         /* TS planned */
} SintesiPssCarePlanItem;

typedef struct
{
  SintesiPssCode  exemption;    /* national catalogue 2.16.840.1.113883.2.9.6.1.22 or regional */
  char           *start;        /* TS */
  char           *end;          /* optional TS */
} SintesiPssExemption;

typedef struct
{
  SintesiPssCode  observation;  /* LOINC, e.g. 11996-6 number of pregnancies */
  char           *value;        /* whole number */
  char           *date;         /* TS */
} SintesiPssPregnancy;

typedef struct
{
  SintesiPssCode  encounter;        /* EncounterCode_PSSIT (2.16.840.1.113883.2.9.77.22.11.14), e.g. CARD */
  char           *start;            /* TS */
  char           *end;              /* TS; NULL for a single visit */
  char           *description;      /* optional free text for the narrative */
  char           *performer_cf;     /* optional; without a performer the schematron warns (W002) */
  char           *performer_given;
  char           *performer_family;
} SintesiPssEncounter;

typedef struct
{
  SintesiPssCode  battery;          /* optional LOINC panel; without it the organizer says nullFlavor OTH */
  SintesiPssCode  test;             /* LOINC */
  char           *value;            /* decimal */
  char           *unit;             /* UCUM */
  char           *range_low;        /* optional reference range, same unit */
  char           *range_high;
  char           *interpretation;   /* optional: N, H or L (2.16.840.1.113883.5.83) */
  char           *date;             /* TS */
} SintesiPssLabResult;

typedef enum
{
  SINTESI_PSS_ORGAN_DONATION_UNKNOWN,   /* no section */
  SINTESI_PSS_ORGAN_DONATION_CONSENT,
  SINTESI_PSS_ORGAN_DONATION_DISSENT,
} SintesiPssOrganDonation;

typedef struct
{
  SintesiPssCode  network;      /* regional disease network code */
  char           *start;        /* TS */
  char           *end;          /* optional TS */
} SintesiPssDiseaseNetwork;

typedef struct
{
  /* Document identity (D11): the caller formats the id extension
   * "<090><azienda>.PSS.<repository>.<SOLUTION><progressive>". */
  char                   *id_extension;
  char                   *set_id_extension;   /* NULL: same as id (version 1) */
  guint                   version;            /* 0 or 1: first version */
  char                   *replaces_id_extension; /* version > 1: the id this one replaces */
  char                   *effective_time;     /* TS with time zone */
  char                   *confidentiality;    /* "N" (default) or "V" */

  SintesiPssPatient       patient;
  SintesiPssPhysician     author;
  char                   *author_time;        /* TS; default effective_time */
  SintesiPssPhysician     legal_authenticator; /* cf NULL: the author signs */
  SintesiPssOrganization  custodian;

  /* Mandatory sections: empty arrays give the coded "no information" entry
   * (or "no known allergies" when no_known_allergies). */
  GPtrArray              *allergies;          /* SintesiPssAllergy* */
  gboolean                no_known_allergies;
  GPtrArray              *medications;        /* SintesiPssMedication* */
  GPtrArray              *problems;           /* SintesiPssProblem* */
  GPtrArray              *family_history;     /* SintesiPssFamilyHistory* */

  /* Optional sections: written only when non-empty. */
  GPtrArray              *vaccinations;       /* SintesiPssVaccination* */
  GPtrArray              *vital_signs;        /* SintesiPssVitalSign* */
  GPtrArray              *lifestyle;          /* SintesiPssLifestyle* */
  GPtrArray              *devices;            /* SintesiPssDevice* */
  GPtrArray              *procedures;         /* SintesiPssProcedure* */
  GPtrArray              *functional_status;  /* SintesiPssFunctionalStatus* */
  GPtrArray              *care_plan;          /* SintesiPssCarePlanItem* */
  GPtrArray              *exemptions;         /* SintesiPssExemption* */
  GPtrArray              *pregnancies;        /* SintesiPssPregnancy* */
  GPtrArray              *encounters;         /* SintesiPssEncounter* */
  GPtrArray              *lab_results;        /* SintesiPssLabResult* */
  SintesiPssOrganDonation organ_donation;
  char                   *organ_donation_date; /* TS of the declaration */
  GPtrArray              *disease_networks;   /* SintesiPssDiseaseNetwork* */
} SintesiPssModel;

GQuark            sintesi_pss_builder_error_quark (void);

/* A model with all arrays empty (and owning their elements). */
SintesiPssModel  *sintesi_pss_model_new     (void);
void              sintesi_pss_model_free    (SintesiPssModel *model);

/* Builds the CDA; returns UTF-8 XML bytes with an XML declaration. */
GBytes           *sintesi_pss_build         (const SintesiPssModel  *model,
                                             GError                **error);

/* A complete synthetic PSS for tests and accreditation (realistic Italian
 * clinical content, codes from the official code systems). */
SintesiPssModel  *sintesi_pss_model_new_example (const char *patient_cf,
                                                 const char *author_cf,
                                                 const char *id_extension,
                                                 const char *effective_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiPssModel, sintesi_pss_model_free)

G_END_DECLS
