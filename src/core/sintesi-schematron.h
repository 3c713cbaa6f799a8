/* sintesi-schematron.h: the project's own ISO Schematron engine
 *
 * Runs the Ministry's PSS schematron (queryBinding "xslt2") on libxml2's
 * XPath 1.0, with the answers an XSLT2 engine gives (decisions.md D4, D14):
 *
 *  - rules are matched pattern by pattern; within a pattern a node is taken
 *    by the first rule whose context matches it (later rules of the same
 *    pattern never see it), as the ISO skeleton's template priorities do;
 *  - `let` at schema, pattern and rule level (rule lets are evaluated on the
 *    context node in document order, so a let may use the lets before it);
 *  - the XPath 2.0 functions a file may use are registered as extension
 *    functions: matches() (GRegex), upper-case(), lower-case(), ends-with(),
 *    exists(), empty(), string-join(), abs(), current().  Any other function
 *    that XPath 1.0 lacks makes compilation fail with an error that names the
 *    function and the rule, before any document is checked;
 *  - XPath 2.0 compares strings as strings: `$high >= $low` with two strings
 *    is a codepoint comparison there, while XPath 1.0 turns both into numbers
 *    (ERROR-57 of the PSS file).  Every `<`, `<=`, `>`, `>=` whose operands
 *    are both statically non-numeric (string literals, string-valued
 *    functions, variables bound to those, or node paths, whose untyped
 *    values XPath 2.0 compares as strings) is rewritten at compile time into
 *    a call of an internal function that compares codepoints with XPath's
 *    existential semantics.  Comparisons with a numeric side keep XPath 1.0
 *    number semantics, which is what XPath 2.0 does too.
 *
 * Everything is compiled once (xmlXPathCompile) and the compiled schematron
 * can validate any number of documents, from several threads at once (each
 * thread with its own document).
 */
#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SINTESI_SCHEMATRON_ERROR (sintesi_schematron_error_quark ())

typedef enum
{
  SINTESI_SCHEMATRON_ERROR_READ,         /* cannot read or parse the .sch file */
  SINTESI_SCHEMATRON_ERROR_INVALID,      /* not an ISO schematron, or a broken one */
  SINTESI_SCHEMATRON_ERROR_UNSUPPORTED,  /* a function or feature the engine lacks */
  SINTESI_SCHEMATRON_ERROR_XPATH,        /* an expression that does not compile */
  SINTESI_SCHEMATRON_ERROR_EVALUATION,   /* an expression failed on a document */
} SintesiSchematronError;

GQuark sintesi_schematron_error_quark (void);

typedef struct
{
  char *id;        /* @id of the assert/report, else its text before the first '|' */
  char *message;   /* the rest of the text, whitespace collapsed */
  char *location;  /* XPath of the context node, e.g. /hl7:ClinicalDocument/hl7:id[2] */
  char *rule_context;  /* the rule's @context, for diagnostics */
} SintesiSchematronFinding;

typedef struct
{
  GPtrArray *failed_asserts;  /* SintesiSchematronFinding*, pattern then document order */
  GPtrArray *reports;         /* successful reports, same order */
} SintesiSchematronResult;

void sintesi_schematron_finding_free (SintesiSchematronFinding *finding);
void sintesi_schematron_result_free  (SintesiSchematronResult  *result);

#define SINTESI_TYPE_SCHEMATRON (sintesi_schematron_get_type ())
G_DECLARE_FINAL_TYPE (SintesiSchematron, sintesi_schematron, SINTESI, SCHEMATRON, GObject)

SintesiSchematron       *sintesi_schematron_new_from_file  (const char         *path,
                                                            GError            **error);
/* name is used in messages only. */
SintesiSchematron       *sintesi_schematron_new_from_bytes (GBytes             *bytes,
                                                            const char         *name,
                                                            GError            **error);
const char              *sintesi_schematron_get_title      (SintesiSchematron  *self);
guint                    sintesi_schematron_get_n_rules    (SintesiSchematron  *self);
guint                    sintesi_schematron_get_n_asserts  (SintesiSchematron  *self);

/* Thread-safe; doc is only read (libxml2 may cache document order in it). */
SintesiSchematronResult *sintesi_schematron_validate       (SintesiSchematron  *self,
                                                            xmlDoc             *doc,
                                                            GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SintesiSchematronResult, sintesi_schematron_result_free)

G_END_DECLS
