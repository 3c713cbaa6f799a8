/* sintesi-schematron.c: the project's own ISO Schematron engine on libxml2 XPath */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <string.h>

#include "sintesi-schematron.h"
#include "sintesi-xml.h"

G_DEFINE_QUARK (sintesi-schematron-error-quark, sintesi_schematron_error)

#define ISO_SCHEMATRON_NS "http://purl.oclc.org/dsdl/schematron"
#define ASCC_SCHEMATRON_NS "http://www.ascc.net/xml/schematron"
#define XPATH_FUNCTIONS_NS "http://www.w3.org/2005/xpath-functions"
/* Where the engine's own helper functions live; the prefix is bound in every
 * evaluation context and cannot clash with an NCName a file would choose. */
#define INTERNAL_NS "urn:x-sintesi:schematron-internal"
#define INTERNAL_PREFIX "sintesi-xpath2"

/* A .sch file is small; anything much larger is not a schematron. */
#define MAX_SCHEMATRON_SIZE (16 * 1024 * 1024)

/* ------------------------------------------------------------------------ */
/* Compiled form                                                            */

typedef enum
{
  PART_TEXT,
  PART_NAME,
  PART_VALUE_OF,
} PartKind;

typedef struct
{
  PartKind          kind;
  char             *text;  /* PART_TEXT */
  xmlXPathCompExpr *expr;  /* PART_NAME (@path, may be NULL), PART_VALUE_OF */
} MessagePart;

typedef enum
{
  STEP_LET,
  STEP_ASSERT,
  STEP_REPORT,
} StepKind;

typedef struct
{
  StepKind          kind;
  char             *name;     /* STEP_LET */
  char             *id;       /* @id of an assert/report, or NULL */
  xmlXPathCompExpr *expr;     /* let value, or test */
  char             *source;   /* the expression as written */
  GPtrArray        *parts;    /* MessagePart* */
  int               line;
} Step;

typedef struct
{
  char             *context;   /* as written */
  xmlXPathCompExpr *match;     /* absolute expression selecting every matched node */
  GPtrArray        *steps;     /* Step*, borrowed from extended abstract rules too */
  int               line;
} Rule;

typedef struct
{
  char      *id;
  GPtrArray *lets;   /* Step* */
  GPtrArray *rules;  /* Rule* */
} Pattern;

typedef struct
{
  char *prefix;
  char *uri;
} Namespace;

struct _SintesiSchematron
{
  GObject    parent_instance;

  char      *name;
  char      *title;
  GPtrArray *namespaces;  /* Namespace* */
  GPtrArray *lets;        /* Step*, schema level */
  GPtrArray *patterns;    /* Pattern* */
  GPtrArray *all_steps;   /* every Step*, owned here (abstract rules share theirs) */
  guint      n_rules;
  guint      n_asserts;
};

G_DEFINE_FINAL_TYPE (SintesiSchematron, sintesi_schematron, G_TYPE_OBJECT)

static void
message_part_free (MessagePart *part)
{
  g_free (part->text);
  if (part->expr != NULL)
    xmlXPathFreeCompExpr (part->expr);
  g_free (part);
}

static void
step_free (Step *step)
{
  g_free (step->name);
  g_free (step->id);
  g_free (step->source);
  if (step->expr != NULL)
    xmlXPathFreeCompExpr (step->expr);
  g_clear_pointer (&step->parts, g_ptr_array_unref);
  g_free (step);
}

static void
rule_free (Rule *rule)
{
  g_free (rule->context);
  if (rule->match != NULL)
    xmlXPathFreeCompExpr (rule->match);
  g_ptr_array_unref (rule->steps);
  g_free (rule);
}

static void
pattern_free (Pattern *pattern)
{
  g_free (pattern->id);
  g_ptr_array_unref (pattern->lets);
  g_ptr_array_unref (pattern->rules);
  g_free (pattern);
}

static void
namespace_free (Namespace *ns)
{
  g_free (ns->prefix);
  g_free (ns->uri);
  g_free (ns);
}

static void
sintesi_schematron_finalize (GObject *object)
{
  SintesiSchematron *self = SINTESI_SCHEMATRON (object);

  g_free (self->name);
  g_free (self->title);
  g_ptr_array_unref (self->namespaces);
  g_ptr_array_unref (self->lets);
  g_ptr_array_unref (self->patterns);
  g_ptr_array_unref (self->all_steps);

  G_OBJECT_CLASS (sintesi_schematron_parent_class)->finalize (object);
}

static void
sintesi_schematron_class_init (SintesiSchematronClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_schematron_finalize;
}

static void
sintesi_schematron_init (SintesiSchematron *self)
{
  self->namespaces = g_ptr_array_new_with_free_func ((GDestroyNotify) namespace_free);
  self->lets = g_ptr_array_new ();
  self->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) pattern_free);
  self->all_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
}

void
sintesi_schematron_finding_free (SintesiSchematronFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->id);
  g_free (finding->message);
  g_free (finding->location);
  g_free (finding->rule_context);
  g_free (finding);
}

void
sintesi_schematron_result_free (SintesiSchematronResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->failed_asserts);
  g_ptr_array_unref (result->reports);
  g_free (result);
}

/* ------------------------------------------------------------------------ */
/* A small XPath tokenizer: enough to find function calls and the operands  */
/* of relational operators.  Malformed input is left to xmlXPathCompile.    */

typedef enum
{
  TOK_STRING,
  TOK_NUMBER,
  TOK_NAME,       /* QName or name test, '*' as a name test included */
  TOK_VARIABLE,
  TOK_DOT,        /* . or .. */
  TOK_OPERATOR,   /* and or div mod = != < <= > >= + - * | */
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_LBRACKET,
  TOK_RBRACKET,
  TOK_COMMA,
  TOK_OTHER,      /* / // :: @ */
} TokenKind;

typedef struct
{
  TokenKind kind;
  gsize     start;
  gsize     end;
} Token;

static gboolean
is_name_start (guchar c)
{
  return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

static gboolean
is_name_char (guchar c)
{
  return is_name_start (c) || g_ascii_isdigit (c) || c == '-' || c == '.';
}

static gboolean
token_is (const char  *expr,
          const Token *token,
          const char  *text)
{
  gsize len = strlen (text);

  return token->end - token->start == len && memcmp (expr + token->start, text, len) == 0;
}

/* XPath's disambiguation rule: after an operand, '*' multiplies and
 * and/or/div/mod are operators. */
static gboolean
after_operand (const GArray *tokens)
{
  TokenKind kind;

  if (tokens->len == 0)
    return FALSE;
  kind = g_array_index (tokens, Token, tokens->len - 1).kind;
  return kind == TOK_STRING || kind == TOK_NUMBER || kind == TOK_NAME ||
         kind == TOK_VARIABLE || kind == TOK_DOT || kind == TOK_RPAREN ||
         kind == TOK_RBRACKET;
}

static gsize
scan_ncname (const char *expr,
             gsize       i)
{
  while (expr[i] != '\0' && is_name_char ((guchar) expr[i]))
    i++;
  return i;
}

/* Returns NULL when the expression cannot be tokenized (xmlXPathCompile
 * will then give the precise error). */
static GArray *
tokenize (const char *expr)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  gsize i = 0;

  while (expr[i] != '\0')
    {
      guchar c = (guchar) expr[i];
      Token token = { TOK_OTHER, i, i + 1 };

      if (g_ascii_isspace (c))
        {
          i++;
          continue;
        }
      if (c == '"' || c == '\'')
        {
          const char *close = strchr (expr + i + 1, c);

          if (close == NULL)
            return NULL;
          token.kind = TOK_STRING;
          token.end = (gsize) (close - expr) + 1;
        }
      else if (g_ascii_isdigit (c) || (c == '.' && g_ascii_isdigit ((guchar) expr[i + 1])))
        {
          gsize j = i;

          while (g_ascii_isdigit ((guchar) expr[j]) || expr[j] == '.')
            j++;
          token.kind = TOK_NUMBER;
          token.end = j;
        }
      else if (c == '.')
        {
          token.kind = TOK_DOT;
          token.end = expr[i + 1] == '.' ? i + 2 : i + 1;
        }
      else if (c == '$')
        {
          gsize j = scan_ncname (expr, i + 1);

          if (expr[j] == ':' && expr[j + 1] != ':' && is_name_start ((guchar) expr[j + 1]))
            j = scan_ncname (expr, j + 1);
          token.kind = TOK_VARIABLE;
          token.end = j;
        }
      else if (is_name_start (c))
        {
          gsize j = scan_ncname (expr, i);

          if (expr[j] == ':' && expr[j + 1] == '*')
            j += 2;
          else if (expr[j] == ':' && expr[j + 1] != ':' && is_name_start ((guchar) expr[j + 1]))
            j = scan_ncname (expr, j + 1);
          token.end = j;
          token.kind = TOK_NAME;
          if (after_operand (tokens) &&
              (token_is (expr, &token, "and") || token_is (expr, &token, "or") ||
               token_is (expr, &token, "div") || token_is (expr, &token, "mod")))
            token.kind = TOK_OPERATOR;
        }
      else if (c == '*')
        token.kind = after_operand (tokens) ? TOK_OPERATOR : TOK_NAME;
      else if (c == '(')
        token.kind = TOK_LPAREN;
      else if (c == ')')
        token.kind = TOK_RPAREN;
      else if (c == '[')
        token.kind = TOK_LBRACKET;
      else if (c == ']')
        token.kind = TOK_RBRACKET;
      else if (c == ',')
        token.kind = TOK_COMMA;
      else if (c == '=' || c == '+' || c == '-' || c == '|')
        token.kind = TOK_OPERATOR;
      else if (c == '!' && expr[i + 1] == '=')
        {
          token.kind = TOK_OPERATOR;
          token.end = i + 2;
        }
      else if (c == '<' || c == '>')
        {
          token.kind = TOK_OPERATOR;
          if (expr[i + 1] == '=')
            token.end = i + 2;
        }
      else if (c == '/')
        token.end = expr[i + 1] == '/' ? i + 2 : i + 1;
      else if (c == ':' && expr[i + 1] == ':')
        token.end = i + 2;
      else if (c == '@')
        ;
      else
        return NULL;

      g_array_append_val (tokens, token);
      i = token.end;
    }
  return g_steal_pointer (&tokens);
}

static gboolean
is_relational (const char  *expr,
               const Token *token)
{
  return token->kind == TOK_OPERATOR &&
         (token_is (expr, token, "<") || token_is (expr, token, "<=") ||
          token_is (expr, token, ">") || token_is (expr, token, ">="));
}

/* Operators that bind less tightly than a relational one: they end its operand. */
static gboolean
ends_relational_operand (const char  *expr,
                         const Token *token)
{
  if (token->kind == TOK_COMMA)
    return TRUE;
  return token->kind == TOK_OPERATOR &&
         (token_is (expr, token, "or") || token_is (expr, token, "and") ||
          token_is (expr, token, "=") || token_is (expr, token, "!=") ||
          is_relational (expr, token));
}

/* Index of the bracket matching the opening one at open, or -1. */
static int
matching_close (const GArray *tokens,
                int           open)
{
  int depth = 0;

  for (guint i = open; i < tokens->len; i++)
    {
      TokenKind kind = g_array_index (tokens, Token, i).kind;

      if (kind == TOK_LPAREN || kind == TOK_LBRACKET)
        depth++;
      else if (kind == TOK_RPAREN || kind == TOK_RBRACKET)
        {
          depth--;
          if (depth == 0)
            return (int) i;
        }
    }
  return -1;
}

static gboolean
is_function_call (const char   *expr,
                  const GArray *tokens,
                  guint         i)
{
  const Token *token = &g_array_index (tokens, Token, i);

  if (token->kind != TOK_NAME || i + 1 >= tokens->len ||
      g_array_index (tokens, Token, i + 1).kind != TOK_LPAREN)
    return FALSE;
  /* node type tests look like calls but are not */
  return !(token_is (expr, token, "node") || token_is (expr, token, "text") ||
           token_is (expr, token, "comment") ||
           token_is (expr, token, "processing-instruction"));
}

/* ------------------------------------------------------------------------ */
/* Static types of operands, as XPath 2.0 would see them                    */

typedef enum
{
  TYPE_UNKNOWN,
  TYPE_NUMBER,
  TYPE_STRING,
  TYPE_BOOLEAN,
  TYPE_NODES,    /* untyped node values: strings for XPath 2.0 comparisons */
} StaticType;

static const char * const number_functions[] = {
  "count", "number", "sum", "string-length", "position", "last", "floor",
  "ceiling", "round", "abs", NULL
};
static const char * const string_functions[] = {
  "string", "concat", "substring", "substring-before", "substring-after",
  "normalize-space", "translate", "upper-case", "lower-case", "name",
  "local-name", "namespace-uri", "string-join", NULL
};
static const char * const boolean_functions[] = {
  "not", "true", "false", "boolean", "contains", "starts-with", "ends-with",
  "lang", "matches", "exists", "empty", NULL
};
/* XPath 1.0 core functions: libxml2 has them. */
static const char * const xpath1_functions[] = {
  "last", "position", "count", "id", "local-name", "namespace-uri", "name",
  "string", "concat", "starts-with", "contains", "substring-before",
  "substring-after", "substring", "string-length", "normalize-space",
  "translate", "boolean", "not", "true", "false", "lang", "number", "sum",
  "floor", "ceiling", "round", NULL
};
/* XPath 2.0 (and XSLT) functions this engine adds. */
static const char * const extension_functions[] = {
  "matches", "upper-case", "lower-case", "ends-with", "exists", "empty",
  "string-join", "abs", "current", NULL
};

static gboolean
name_in (const char         *expr,
         const Token        *token,
         const char * const *names)
{
  for (gsize i = 0; names[i] != NULL; i++)
    if (token_is (expr, token, names[i]))
      return TRUE;
  return FALSE;
}

static StaticType
classify_operand (const char   *expr,
                  const GArray *tokens,
                  int           first,
                  int           last,
                  GHashTable   *variable_types)
{
  const Token *head;
  int depth = 0;

  if (first > last)
    return TYPE_UNKNOWN;
  head = &g_array_index (tokens, Token, first);

  if (head->kind == TOK_LPAREN && matching_close (tokens, first) == last)
    return classify_operand (expr, tokens, first + 1, last - 1, variable_types);

  for (int i = first; i <= last; i++)
    {
      const Token *token = &g_array_index (tokens, Token, i);

      if (token->kind == TOK_LPAREN || token->kind == TOK_LBRACKET)
        depth++;
      else if (token->kind == TOK_RPAREN || token->kind == TOK_RBRACKET)
        depth--;
      else if (depth == 0 && token->kind == TOK_OPERATOR &&
               (token_is (expr, token, "+") || token_is (expr, token, "-") ||
                token_is (expr, token, "*") || token_is (expr, token, "div") ||
                token_is (expr, token, "mod")))
        return TYPE_NUMBER;
    }

  if (first == last)
    {
      switch (head->kind)
        {
        case TOK_NUMBER:
          return TYPE_NUMBER;
        case TOK_STRING:
          return TYPE_STRING;
        case TOK_VARIABLE:
          {
            g_autofree char *name = g_strndup (expr + head->start + 1, head->end - head->start - 1);

            return GPOINTER_TO_INT (g_hash_table_lookup (variable_types, name));
          }
        default:
          return TYPE_NODES;
        }
    }

  if (is_function_call (expr, tokens, first) && matching_close (tokens, first + 1) == last)
    {
      if (name_in (expr, head, number_functions))
        return TYPE_NUMBER;
      if (name_in (expr, head, string_functions))
        return TYPE_STRING;
      if (name_in (expr, head, boolean_functions))
        return TYPE_BOOLEAN;
      if (token_is (expr, head, "current"))
        return TYPE_NODES;
      return TYPE_UNKNOWN;
    }
  return TYPE_NODES;
}

static StaticType
classify_expression (const char *expr,
                     GHashTable *variable_types)
{
  g_autoptr(GArray) tokens = tokenize (expr);

  if (tokens == NULL || tokens->len == 0)
    return TYPE_UNKNOWN;
  for (guint i = 0; i < tokens->len; i++)
    if (ends_relational_operand (expr, &g_array_index (tokens, Token, i)))
      return TYPE_BOOLEAN;
  return classify_operand (expr, tokens, 0, (int) tokens->len - 1, variable_types);
}

static const char *
namespace_uri_for (SintesiSchematron *self,
                   const char        *prefix,
                   gsize              prefix_len)
{
  for (guint i = 0; i < self->namespaces->len; i++)
    {
      Namespace *ns = g_ptr_array_index (self->namespaces, i);

      if (strlen (ns->prefix) == prefix_len && strncmp (ns->prefix, prefix, prefix_len) == 0)
        return ns->uri;
    }
  return NULL;
}

/* Every function an expression calls must be one libxml2 or this engine
 * implements: say which one is missing rather than fail on a document. */
static gboolean
check_functions (SintesiSchematron  *self,
                 const char         *expr,
                 const GArray       *tokens,
                 const char         *where,
                 int                 line,
                 GError            **error)
{
  for (guint i = 0; i < tokens->len; i++)
    {
      const Token *token = &g_array_index (tokens, Token, i);
      Token local = *token;
      const char *colon;

      if (!is_function_call (expr, tokens, i))
        continue;
      colon = memchr (expr + token->start, ':', token->end - token->start);
      if (colon != NULL)
        {
          const char *uri = namespace_uri_for (self, expr + token->start,
                                               (gsize) (colon - (expr + token->start)));

          local.start = (gsize) (colon - expr) + 1;
          if (g_strcmp0 (uri, XPATH_FUNCTIONS_NS) != 0)
            local.start = local.end;  /* no such function in any namespace we know */
        }
      if (local.start < local.end &&
          (name_in (expr, &local, xpath1_functions) || name_in (expr, &local, extension_functions)))
        continue;

      {
        g_autofree char *function = g_strndup (expr + token->start, token->end - token->start);

        g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_UNSUPPORTED,
                     /* TRANSLATORS: function name, rule context, line number in the .sch file */
                     _("The schematron uses the XPath function “%s()” (rule “%s”, line %d), which this version of Sintesi does not support."),
                     function, where, line);
        return FALSE;
      }
    }
  return TRUE;
}

/* Rewrites the first relational comparison XPath 2.0 would make between
 * strings into a call of the internal codepoint comparison.  Returns NULL
 * when there is none left. */
static char *
rewrite_one_string_comparison (const char *expr,
                               GHashTable *variable_types)
{
  g_autoptr(GArray) tokens = tokenize (expr);

  if (tokens == NULL)
    return NULL;

  for (guint i = 0; i < tokens->len; i++)
    {
      const Token *op = &g_array_index (tokens, Token, i);
      int left_first, right_last, depth;
      StaticType left, right;
      const Token *lf, *rl;
      const char *op_name;

      if (!is_relational (expr, op))
        continue;

      depth = 0;
      for (left_first = (int) i - 1; left_first >= 0; left_first--)
        {
          const Token *t = &g_array_index (tokens, Token, left_first);

          if (t->kind == TOK_RPAREN || t->kind == TOK_RBRACKET)
            depth++;
          else if (t->kind == TOK_LPAREN || t->kind == TOK_LBRACKET)
            {
              if (depth == 0)
                break;
              depth--;
            }
          else if (depth == 0 && ends_relational_operand (expr, t))
            break;
        }
      left_first++;

      depth = 0;
      for (right_last = (int) i + 1; right_last < (int) tokens->len; right_last++)
        {
          const Token *t = &g_array_index (tokens, Token, right_last);

          if (t->kind == TOK_LPAREN || t->kind == TOK_LBRACKET)
            depth++;
          else if (t->kind == TOK_RPAREN || t->kind == TOK_RBRACKET)
            {
              if (depth == 0)
                break;
              depth--;
            }
          else if (depth == 0 && ends_relational_operand (expr, t))
            break;
        }
      right_last--;

      left = classify_operand (expr, tokens, left_first, (int) i - 1, variable_types);
      right = classify_operand (expr, tokens, (int) i + 1, right_last, variable_types);
      if (!((left == TYPE_STRING || left == TYPE_NODES) &&
            (right == TYPE_STRING || right == TYPE_NODES)))
        continue;

      if (token_is (expr, op, "<"))
        op_name = "lt";
      else if (token_is (expr, op, "<="))
        op_name = "le";
      else if (token_is (expr, op, ">"))
        op_name = "gt";
      else
        op_name = "ge";

      lf = &g_array_index (tokens, Token, left_first);
      rl = &g_array_index (tokens, Token, right_last);
      return g_strdup_printf ("%.*s" INTERNAL_PREFIX ":compare((%.*s), (%.*s), '%s')%s",
                              (int) lf->start, expr,
                              (int) (op->start - lf->start), expr + lf->start,
                              (int) (rl->end - op->end), expr + op->end,
                              op_name,
                              expr + rl->end);
    }
  return NULL;
}

typedef struct
{
  GString *text;
} CompileErrors;

static void
collect_xpath_error (void        *user_data,
                     xmlErrorPtr  error)
{
  CompileErrors *errors = user_data;

  if (errors->text->len == 0 && error->message != NULL)
    g_string_append (errors->text, g_strstrip (g_strdup (error->message)));
}

static gboolean
brackets_balanced (const GArray *tokens)
{
  g_autoptr(GString) open = g_string_new (NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      TokenKind kind = g_array_index (tokens, Token, i).kind;

      if (kind == TOK_LPAREN || kind == TOK_LBRACKET)
        g_string_append_c (open, kind == TOK_LPAREN ? ')' : ']');
      else if (kind == TOK_RPAREN || kind == TOK_RBRACKET)
        {
          if (open->len == 0 || open->str[open->len - 1] != (kind == TOK_RPAREN ? ')' : ']'))
            return FALSE;
          g_string_truncate (open, open->len - 1);
        }
    }
  return open->len == 0;
}

static xmlXPathCompExpr *
compile_expression (SintesiSchematron  *self,
                    const char         *expr,
                    GHashTable         *variable_types,
                    const char         *where,
                    int                 line,
                    GError            **error)
{
  g_autoptr(GArray) tokens = tokenize (expr);
  g_autofree char *rewritten = g_strdup (expr);
  g_autoptr(GString) message = g_string_new (NULL);
  CompileErrors errors = { message };
  xmlXPathCompExpr *compiled;
  char *next;

  if (tokens != NULL && !check_functions (self, expr, tokens, where, line, error))
    return NULL;

  while ((next = rewrite_one_string_comparison (rewritten, variable_types)) != NULL)
    {
      g_free (rewritten);
      rewritten = next;
    }

  /* libxml2 2.9 accepts some unclosed calls ("count(") and fails only when
   * evaluating: refuse them now. */
  if (tokens != NULL && !brackets_balanced (tokens))
    {
      g_string_append (message, "unbalanced brackets");
      compiled = NULL;
    }
  else
    {
      xmlSetStructuredErrorFunc (&errors, collect_xpath_error);
      compiled = xmlXPathCompile ((const xmlChar *) rewritten);
      xmlSetStructuredErrorFunc (NULL, NULL);
    }
  if (compiled == NULL)
    {
      g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_XPATH,
                   /* TRANSLATORS: expression, rule context, line, then libxml2's reason */
                   _("The schematron expression “%s” (rule “%s”, line %d) is not valid XPath: %s"),
                   expr, where, line, message->len > 0 ? message->str : "?");
      return NULL;
    }
  return compiled;
}

/* An XSLT pattern matches the nodes that `//pattern` selects (or `pattern`
 * itself when absolute), branch by branch of a union. */
static char *
pattern_to_expression (const char *context)
{
  g_autoptr(GArray) tokens = tokenize (context);
  g_autoptr(GString) out = g_string_new (NULL);
  gsize branch_start = 0;
  int depth = 0;

  if (tokens == NULL)
    return g_strdup (context);

  for (guint i = 0; i <= tokens->len; i++)
    {
      const Token *t = i < tokens->len ? &g_array_index (tokens, Token, i) : NULL;
      gsize branch_end;
      g_autofree char *branch = NULL;

      if (t != NULL)
        {
          if (t->kind == TOK_LPAREN || t->kind == TOK_LBRACKET)
            depth++;
          else if (t->kind == TOK_RPAREN || t->kind == TOK_RBRACKET)
            depth--;
          if (!(depth == 0 && token_is (context, t, "|")))
            continue;
          branch_end = t->start;
        }
      else
        branch_end = strlen (context);

      branch = g_strstrip (g_strndup (context + branch_start, branch_end - branch_start));
      if (out->len > 0)
        g_string_append (out, " | ");
      if (branch[0] != '/')
        g_string_append (out, "//");
      g_string_append (out, branch);
      if (t != NULL)
        branch_start = t->end;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Reading the .sch                                                         */

static gboolean
is_sch_element (xmlNode    *node,
                const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns != NULL &&
         (xmlStrcmp (node->ns->href, (const xmlChar *) ISO_SCHEMATRON_NS) == 0 ||
          xmlStrcmp (node->ns->href, (const xmlChar *) ASCC_SCHEMATRON_NS) == 0) &&
         (name == NULL || xmlStrcmp (node->name, (const xmlChar *) name) == 0);
}

static char *
get_attribute (xmlNode    *node,
               const char *name)
{
  xmlChar *value = xmlGetNoNsProp (node, (const xmlChar *) name);
  char *copy;

  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);
  return copy;
}

typedef struct
{
  SintesiSchematron *self;
  const char        *where;   /* rule context or "schema"/pattern id */
  GHashTable        *types;   /* variable name → StaticType, this scope */
} Scope;

static gboolean
invalid (GError     **error,
         xmlNode     *node,
         const char  *what)
{
  g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_INVALID,
               /* TRANSLATORS: what is wrong, then the line number in the .sch file */
               _("The schematron is not valid: %s (line %d)."), what, (int) xmlGetLineNo (node));
  return FALSE;
}

static gboolean
unsupported (GError     **error,
             xmlNode     *node,
             const char  *what)
{
  g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_UNSUPPORTED,
               /* TRANSLATORS: the schematron feature, then the line number in the .sch file */
               _("The schematron uses %s (line %d), which this version of Sintesi does not support."),
               what, (int) xmlGetLineNo (node));
  return FALSE;
}

static Step *
parse_let (Scope       *scope,
           xmlNode     *node,
           GError     **error)
{
  g_autofree char *name = get_attribute (node, "name");
  g_autofree char *value = get_attribute (node, "value");
  Step *step;

  if (name == NULL || *name == '\0')
    {
      invalid (error, node, _("a “let” without a name"));
      return NULL;
    }
  if (value == NULL)
    {
      unsupported (error, node, _("a “let” without a “value” attribute"));
      return NULL;
    }
  step = g_new0 (Step, 1);
  g_ptr_array_add (scope->self->all_steps, step);
  step->kind = STEP_LET;
  step->line = (int) xmlGetLineNo (node);
  step->source = g_strdup (value);
  step->expr = compile_expression (scope->self, value, scope->types, scope->where, step->line, error);
  if (step->expr == NULL)
    return NULL;
  g_hash_table_insert (scope->types, g_strdup (name),
                       GINT_TO_POINTER (classify_expression (value, scope->types)));
  step->name = g_steal_pointer (&name);
  return step;
}

static gboolean
parse_message (Scope       *scope,
               Step        *step,
               xmlNode     *parent,
               GError     **error)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      MessagePart *part;

      if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
        {
          part = g_new0 (MessagePart, 1);
          part->kind = PART_TEXT;
          part->text = g_strdup ((const char *) child->content);
          g_ptr_array_add (step->parts, part);
        }
      else if (is_sch_element (child, "name") || is_sch_element (child, "value-of"))
        {
          gboolean is_name = is_sch_element (child, "name");
          g_autofree char *select = get_attribute (child, is_name ? "path" : "select");

          if (!is_name && select == NULL)
            return invalid (error, child, _("a “value-of” without “select”"));
          part = g_new0 (MessagePart, 1);
          part->kind = is_name ? PART_NAME : PART_VALUE_OF;
          g_ptr_array_add (step->parts, part);
          if (select != NULL)
            {
              part->expr = compile_expression (scope->self, select, scope->types, scope->where,
                                               (int) xmlGetLineNo (child), error);
              if (part->expr == NULL)
                return FALSE;
            }
        }
      else if (child->type == XML_ELEMENT_NODE)
        {
          /* emph, dir, span and foreign markup: their text */
          if (!parse_message (scope, step, child, error))
            return FALSE;
        }
    }
  return TRUE;
}

static Step *
parse_check (Scope       *scope,
             xmlNode     *node,
             GError     **error)
{
  g_autofree char *test = get_attribute (node, "test");
  Step *step;

  if (test == NULL)
    {
      invalid (error, node, is_sch_element (node, "assert") ? _("an “assert” without “test”")
                                                            : _("a “report” without “test”"));
      return NULL;
    }
  step = g_new0 (Step, 1);
  g_ptr_array_add (scope->self->all_steps, step);
  step->kind = is_sch_element (node, "assert") ? STEP_ASSERT : STEP_REPORT;
  step->line = (int) xmlGetLineNo (node);
  step->id = get_attribute (node, "id");
  step->source = g_strdup (test);
  step->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) message_part_free);
  step->expr = compile_expression (scope->self, test, scope->types, scope->where, step->line, error);
  if (step->expr == NULL || !parse_message (scope, step, node, error))
    return NULL;
  scope->self->n_asserts++;
  return step;
}

static gboolean
parse_rule_body (Scope       *scope,
                 xmlNode     *node,
                 GPtrArray   *steps,
                 GHashTable  *abstract_rules,
                 GError     **error)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      Step *step = NULL;

      if (is_sch_element (child, "let"))
        step = parse_let (scope, child, error);
      else if (is_sch_element (child, "assert") || is_sch_element (child, "report"))
        step = parse_check (scope, child, error);
      else if (is_sch_element (child, "extends"))
        {
          g_autofree char *target = get_attribute (child, "rule");
          GPtrArray *abstract = target != NULL ? g_hash_table_lookup (abstract_rules, target) : NULL;

          if (abstract == NULL)
            return invalid (error, child, _("“extends” names no abstract rule defined before it"));
          g_ptr_array_extend (steps, abstract, NULL, NULL);
          continue;
        }
      else
        continue;

      if (step == NULL)
        return FALSE;
      g_ptr_array_add (steps, step);
    }
  return TRUE;
}

static gboolean
parse_pattern (SintesiSchematron  *self,
               xmlNode            *node,
               GHashTable         *schema_types,
               GError            **error)
{
  g_autoptr(GHashTable) pattern_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) abstract_rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                (GDestroyNotify) g_ptr_array_unref);
  g_autofree char *abstract = get_attribute (node, "abstract");
  g_autofree char *is_a = get_attribute (node, "is-a");
  Pattern *pattern;
  GHashTableIter iter;
  gpointer key, value;
  Scope scope;

  if (g_strcmp0 (abstract, "true") == 0 || is_a != NULL)
    return unsupported (error, node, _("abstract patterns"));

  g_hash_table_iter_init (&iter, schema_types);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (pattern_types, g_strdup (key), value);

  pattern = g_new0 (Pattern, 1);
  pattern->id = get_attribute (node, "id");
  pattern->lets = g_ptr_array_new ();
  pattern->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  g_ptr_array_add (self->patterns, pattern);

  scope.self = self;
  scope.where = pattern->id != NULL ? pattern->id : "pattern";
  scope.types = pattern_types;

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (is_sch_element (child, "let"))
        {
          Step *step = parse_let (&scope, child, error);

          if (step == NULL)
            return FALSE;
          g_ptr_array_add (pattern->lets, step);
        }
      else if (is_sch_element (child, "rule"))
        {
          g_autoptr(GHashTable) rule_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_autofree char *context = get_attribute (child, "context");
          g_autofree char *rule_abstract = get_attribute (child, "abstract");
          g_autoptr(GPtrArray) steps = g_ptr_array_new ();
          Scope rule_scope;

          g_hash_table_iter_init (&iter, pattern_types);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_hash_table_insert (rule_types, g_strdup (key), value);
          rule_scope.self = self;
          rule_scope.types = rule_types;

          if (g_strcmp0 (rule_abstract, "true") == 0)
            {
              g_autofree char *id = get_attribute (child, "id");

              if (id == NULL)
                return invalid (error, child, _("an abstract rule without an id"));
              rule_scope.where = id;
              if (!parse_rule_body (&rule_scope, child, steps, abstract_rules, error))
                return FALSE;
              g_hash_table_replace (abstract_rules, g_steal_pointer (&id), g_steal_pointer (&steps));
            }
          else
            {
              g_autofree char *match = NULL;
              Rule *rule;

              if (context == NULL || *context == '\0')
                return invalid (error, child, _("a “rule” without “context”"));
              rule = g_new0 (Rule, 1);
              rule->context = g_strdup (context);
              rule->line = (int) xmlGetLineNo (child);
              rule->steps = g_ptr_array_new ();
              g_ptr_array_add (pattern->rules, rule);
              rule_scope.where = rule->context;

              match = pattern_to_expression (context);
              rule->match = compile_expression (self, match, rule_types, context, rule->line, error);
              if (rule->match == NULL ||
                  !parse_rule_body (&rule_scope, child, rule->steps, abstract_rules, error))
                return FALSE;
              self->n_rules++;
            }
        }
    }
  return TRUE;
}

static gboolean
parse_schema (SintesiSchematron  *self,
              xmlDoc             *doc,
              GError            **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  g_autoptr(GHashTable) schema_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Scope scope = { self, "schema", schema_types };

  if (!is_sch_element (root, "schema"))
    {
      g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_INVALID,
                   _("“%s” is not an ISO schematron (its root is not a schematron “schema” element)."),
                   self->name);
      return FALSE;
    }

  /* Namespaces first: expressions anywhere may use any declared prefix. */
  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      if (is_sch_element (child, "ns"))
        {
          Namespace *ns = g_new0 (Namespace, 1);

          ns->prefix = get_attribute (child, "prefix");
          ns->uri = get_attribute (child, "uri");
          g_ptr_array_add (self->namespaces, ns);
          if (ns->prefix == NULL || ns->uri == NULL)
            return invalid (error, child, _("an “ns” without “prefix” or “uri”"));
        }
      else if (is_sch_element (child, "title") && self->title == NULL)
        {
          xmlChar *text = xmlNodeGetContent (child);

          self->title = g_strstrip (g_strdup ((const char *) text));
          xmlFree (text);
        }
      else if (is_sch_element (child, "include"))
        return unsupported (error, child, _("“include”"));
    }

  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      if (is_sch_element (child, "let"))
        {
          Step *step = parse_let (&scope, child, error);

          if (step == NULL)
            return FALSE;
          g_ptr_array_add (self->lets, step);
        }
      else if (is_sch_element (child, "pattern"))
        {
          if (!parse_pattern (self, child, schema_types, error))
            return FALSE;
        }
    }
  if (self->n_rules == 0)
    {
      g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_INVALID,
                   _("“%s” holds no schematron rules."), self->name);
      return FALSE;
    }
  return TRUE;
}

SintesiSchematron *
sintesi_schematron_new_from_bytes (GBytes      *bytes,
                                   const char  *name,
                                   GError     **error)
{
  g_autoptr(SintesiSchematron) self = g_object_new (SINTESI_TYPE_SCHEMATRON, NULL);
  g_autoptr(GError) local = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  self->name = g_strdup (name != NULL ? name : "schematron");
  doc = sintesi_xml_read_bytes (bytes, self->name, MAX_SCHEMATRON_SIZE, &local);
  if (doc == NULL)
    {
      g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_READ,
                   "%s", local->message);
      return NULL;
    }
  if (!parse_schema (self, doc, error))
    return NULL;
  return g_steal_pointer (&self);
}

SintesiSchematron *
sintesi_schematron_new_from_file (const char  *path,
                                  GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_READ,
                   _("Cannot read the schematron “%s”: %s"), display, local->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return sintesi_schematron_new_from_bytes (bytes, display, error);
}

const char *
sintesi_schematron_get_title (SintesiSchematron *self)
{
  g_return_val_if_fail (SINTESI_IS_SCHEMATRON (self), NULL);
  return self->title;
}

guint
sintesi_schematron_get_n_rules (SintesiSchematron *self)
{
  g_return_val_if_fail (SINTESI_IS_SCHEMATRON (self), 0);
  return self->n_rules;
}

guint
sintesi_schematron_get_n_asserts (SintesiSchematron *self)
{
  g_return_val_if_fail (SINTESI_IS_SCHEMATRON (self), 0);
  return self->n_asserts;
}

/* ------------------------------------------------------------------------ */
/* Evaluation                                                               */

typedef struct
{
  SintesiSchematron *self;
  xmlNode           *current;       /* the rule's context node: current() */
  GHashTable        *regexes;       /* "flags\npattern" → GRegex */
  GHashTable        *global_vars;   /* name → xmlXPathObject* */
  GHashTable        *pattern_vars;
  GHashTable        *rule_vars;
  GString           *error_text;
} EvalState;

static EvalState *
state_of (xmlXPathParserContextPtr ctxt)
{
  return ctxt->context->userData;
}

static void
capture_eval_error (void        *user_data,
                    xmlErrorPtr  error)
{
  EvalState *state = user_data;

  if (state->error_text->len == 0 && error->message != NULL)
    g_string_append (state->error_text, error->message);
}

static void
fail_function (xmlXPathParserContextPtr  ctxt,
               const char               *message)
{
  EvalState *state = state_of (ctxt);

  if (state->error_text->len == 0)
    g_string_append (state->error_text, message);
  xmlXPathErr (ctxt, XPATH_EXPR_ERROR);
}

static xmlXPathObjectPtr
lookup_variable (void          *user_data,
                 const xmlChar *name,
                 const xmlChar *ns_uri)
{
  EvalState *state = user_data;
  xmlXPathObject *value = NULL;

  if (ns_uri != NULL)
    return NULL;
  if (state->rule_vars != NULL)
    value = g_hash_table_lookup (state->rule_vars, name);
  if (value == NULL && state->pattern_vars != NULL)
    value = g_hash_table_lookup (state->pattern_vars, name);
  if (value == NULL)
    value = g_hash_table_lookup (state->global_vars, name);
  return value != NULL ? xmlXPathObjectCopy (value) : NULL;
}

/* The string values of an argument, as XPath 2.0 atomizes it. */
static GPtrArray *
atomize (xmlXPathObjectPtr object)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  if (object->type == XPATH_NODESET)
    {
      for (int i = 0; object->nodesetval != NULL && i < object->nodesetval->nodeNr; i++)
        {
          xmlChar *text = xmlXPathCastNodeToString (object->nodesetval->nodeTab[i]);

          g_ptr_array_add (values, g_strdup ((const char *) text));
          xmlFree (text);
        }
    }
  else
    {
      xmlChar *text = xmlXPathCastToString (object);

      g_ptr_array_add (values, g_strdup ((const char *) text));
      xmlFree (text);
    }
  return values;
}

/* sintesi-xpath2:compare(a, b, op): XPath 2.0 general comparison of strings:
 * true when some value of a and some value of b compare as op in codepoint
 * order (UTF-8 byte order is codepoint order). */
static void
fn_compare (xmlXPathParserContextPtr ctxt,
            int                      nargs)
{
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GPtrArray) right = NULL;
  xmlXPathObjectPtr a, b;
  xmlChar *op;
  gboolean result = FALSE;

  CHECK_ARITY (3);
  op = xmlXPathPopString (ctxt);
  b = valuePop (ctxt);
  a = valuePop (ctxt);
  left = atomize (a);
  right = atomize (b);
  for (guint i = 0; i < left->len && !result; i++)
    for (guint j = 0; j < right->len && !result; j++)
      {
        int cmp = strcmp (g_ptr_array_index (left, i), g_ptr_array_index (right, j));

        if (xmlStrEqual (op, (const xmlChar *) "lt"))
          result = cmp < 0;
        else if (xmlStrEqual (op, (const xmlChar *) "le"))
          result = cmp <= 0;
        else if (xmlStrEqual (op, (const xmlChar *) "gt"))
          result = cmp > 0;
        else
          result = cmp >= 0;
      }
  xmlXPathFreeObject (a);
  xmlXPathFreeObject (b);
  xmlFree (op);
  valuePush (ctxt, xmlXPathNewBoolean (result));
}

/* matches($input, $pattern[, $flags]): XPath 2.0 regular expressions are
 * XML Schema ones plus anchors; PCRE reads every construct the PSS file uses
 * the same way.  Unanchored, like XPath. */
static void
fn_matches (xmlXPathParserContextPtr ctxt,
            int                      nargs)
{
  EvalState *state = state_of (ctxt);
  xmlChar *flags = NULL, *pattern, *input;
  g_autofree char *key = NULL;
  GRegex *regex;
  gboolean result;

  if (nargs != 2 && nargs != 3)
    {
      XP_ERROR (XPATH_INVALID_ARITY);
    }
  if (nargs == 3)
    flags = xmlXPathPopString (ctxt);
  pattern = xmlXPathPopString (ctxt);
  input = xmlXPathPopString (ctxt);

  key = g_strdup_printf ("%s\n%s", flags != NULL ? (const char *) flags : "", (const char *) pattern);
  regex = g_hash_table_lookup (state->regexes, key);
  if (regex == NULL)
    {
      GRegexCompileFlags compile_flags = 0;
      g_autoptr(GError) error = NULL;

      for (const xmlChar *f = flags; f != NULL && *f != '\0'; f++)
        {
          if (*f == 'i')
            compile_flags |= G_REGEX_CASELESS;
          else if (*f == 'm')
            compile_flags |= G_REGEX_MULTILINE;
          else if (*f == 's')
            compile_flags |= G_REGEX_DOTALL;
          else if (*f == 'x')
            compile_flags |= G_REGEX_EXTENDED;
        }
      regex = g_regex_new ((const char *) pattern, compile_flags, 0, &error);
      if (regex == NULL)
        {
          g_autofree char *message = g_strdup_printf ("invalid regular expression “%s”: %s",
                                                      (const char *) pattern, error->message);
          xmlFree (flags);
          xmlFree (pattern);
          xmlFree (input);
          fail_function (ctxt, message);
          return;
        }
      g_hash_table_insert (state->regexes, g_steal_pointer (&key), regex);
    }
  result = g_regex_match (regex, (const char *) input, 0, NULL);
  xmlFree (flags);
  xmlFree (pattern);
  xmlFree (input);
  valuePush (ctxt, xmlXPathNewBoolean (result));
}

static void
change_case (xmlXPathParserContextPtr ctxt,
             int                      nargs,
             gboolean                 upper)
{
  xmlChar *input;
  g_autofree char *result = NULL;

  CHECK_ARITY (1);
  input = xmlXPathPopString (ctxt);
  result = upper ? g_utf8_strup ((const char *) input, -1) : g_utf8_strdown ((const char *) input, -1);
  xmlFree (input);
  valuePush (ctxt, xmlXPathNewString ((const xmlChar *) result));
}

static void
fn_upper_case (xmlXPathParserContextPtr ctxt,
               int                      nargs)
{
  change_case (ctxt, nargs, TRUE);
}

static void
fn_lower_case (xmlXPathParserContextPtr ctxt,
               int                      nargs)
{
  change_case (ctxt, nargs, FALSE);
}

static void
fn_ends_with (xmlXPathParserContextPtr ctxt,
              int                      nargs)
{
  xmlChar *suffix, *input;
  gboolean result;

  CHECK_ARITY (2);
  suffix = xmlXPathPopString (ctxt);
  input = xmlXPathPopString (ctxt);
  result = g_str_has_suffix ((const char *) input, (const char *) suffix);
  xmlFree (suffix);
  xmlFree (input);
  valuePush (ctxt, xmlXPathNewBoolean (result));
}

static void
exists_or_empty (xmlXPathParserContextPtr ctxt,
                 int                      nargs,
                 gboolean                 exists)
{
  xmlXPathObjectPtr object;
  gboolean nonempty;

  CHECK_ARITY (1);
  object = valuePop (ctxt);
  nonempty = object->type != XPATH_NODESET ||
             (object->nodesetval != NULL && object->nodesetval->nodeNr > 0);
  xmlXPathFreeObject (object);
  valuePush (ctxt, xmlXPathNewBoolean (exists ? nonempty : !nonempty));
}

static void
fn_exists (xmlXPathParserContextPtr ctxt,
           int                      nargs)
{
  exists_or_empty (ctxt, nargs, TRUE);
}

static void
fn_empty (xmlXPathParserContextPtr ctxt,
          int                      nargs)
{
  exists_or_empty (ctxt, nargs, FALSE);
}

static void
fn_string_join (xmlXPathParserContextPtr ctxt,
                int                      nargs)
{
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *joined = NULL;
  xmlXPathObjectPtr object;
  xmlChar *separator;

  CHECK_ARITY (2);
  separator = xmlXPathPopString (ctxt);
  object = valuePop (ctxt);
  values = atomize (object);
  g_ptr_array_add (values, NULL);
  joined = g_strjoinv ((const char *) separator, (char **) values->pdata);
  xmlXPathFreeObject (object);
  xmlFree (separator);
  valuePush (ctxt, xmlXPathNewString ((const xmlChar *) joined));
}

static void
fn_abs (xmlXPathParserContextPtr ctxt,
        int                      nargs)
{
  double value;

  CHECK_ARITY (1);
  value = xmlXPathPopNumber (ctxt);
  valuePush (ctxt, xmlXPathNewFloat (fabs (value)));
}

static void
fn_current (xmlXPathParserContextPtr ctxt,
            int                      nargs)
{
  CHECK_ARITY (0);
  valuePush (ctxt, xmlXPathNewNodeSet (state_of (ctxt)->current));
}

static const struct
{
  const char         *name;
  xmlXPathFunction    function;
} registered_functions[] = {
  { "matches", fn_matches },
  { "upper-case", fn_upper_case },
  { "lower-case", fn_lower_case },
  { "ends-with", fn_ends_with },
  { "exists", fn_exists },
  { "empty", fn_empty },
  { "string-join", fn_string_join },
  { "abs", fn_abs },
  { "current", fn_current },
};

static void
free_xpath_object (gpointer object)
{
  xmlXPathFreeObject (object);
}

static GHashTable *
new_variables (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_xpath_object);
}

static gboolean
evaluation_error (EvalState   *state,
                  const char  *where,
                  int          line,
                  const char  *expr,
                  GError     **error)
{
  g_set_error (error, SINTESI_SCHEMATRON_ERROR, SINTESI_SCHEMATRON_ERROR_EVALUATION,
               /* TRANSLATORS: expression, rule context, line, then the reason */
               _("The schematron expression “%s” (rule “%s”, line %d) failed: %s"),
               expr, where, line,
               state->error_text->len > 0 ? g_strstrip (state->error_text->str) : "?");
  return FALSE;
}

static xmlXPathObject *
evaluate (xmlXPathContext  *ctx,
          xmlXPathCompExpr *expr,
          xmlNode          *node)
{
  ctx->node = node;
  ctx->contextSize = 1;
  ctx->proximityPosition = 1;
  return xmlXPathCompiledEval (expr, ctx);
}

static gboolean
evaluate_lets (xmlXPathContext  *ctx,
               EvalState        *state,
               GPtrArray        *lets,
               GHashTable       *into,
               xmlNode          *node,
               const char       *where,
               GError          **error)
{
  for (guint i = 0; i < lets->len; i++)
    {
      Step *step = g_ptr_array_index (lets, i);
      xmlXPathObject *value = evaluate (ctx, step->expr, node);

      if (value == NULL)
        return evaluation_error (state, where, step->line, step->source, error);
      g_hash_table_replace (into, g_strdup (step->name), value);
    }
  return TRUE;
}

/* name(): the qualified name as written in the document. */
static char *
node_display_name (xmlNode *node)
{
  if (node->type != XML_ELEMENT_NODE && node->type != XML_ATTRIBUTE_NODE)
    return g_strdup ("");
  if (node->ns != NULL && node->ns->prefix != NULL)
    return g_strdup_printf ("%s:%s", node->ns->prefix, node->name);
  return g_strdup ((const char *) node->name);
}

static const char *
prefix_for (SintesiSchematron *self,
            const xmlChar     *uri)
{
  for (guint i = 0; i < self->namespaces->len; i++)
    {
      Namespace *ns = g_ptr_array_index (self->namespaces, i);

      if (xmlStrcmp (uri, (const xmlChar *) ns->uri) == 0)
        return ns->prefix;
    }
  return NULL;
}

static gboolean
same_name (xmlNode *a,
           xmlNode *b)
{
  return a->type == b->type && xmlStrcmp (a->name, b->name) == 0 &&
         (a->ns == NULL) == (b->ns == NULL) &&
         (a->ns == NULL || xmlStrcmp (a->ns->href, b->ns->href) == 0);
}

/* An XPath that selects node, using the schematron's own prefixes
 * (/hl7:ClinicalDocument/hl7:component/…/hl7:entry[2]); a position only
 * where siblings share the name. */
static char *
location_of (SintesiSchematron *self,
             xmlNode           *node)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  GString *path = g_string_new (NULL);

  for (xmlNode *n = node; n != NULL && n->type != XML_DOCUMENT_NODE; n = n->parent)
    {
      g_autofree char *name = NULL;
      const char *prefix = NULL;

      if (n->ns != NULL)
        prefix = prefix_for (self, n->ns->href);
      if (n->ns == NULL)
        name = g_strdup ((const char *) n->name);
      else if (prefix != NULL)
        name = g_strdup_printf ("%s:%s", prefix, n->name);
      else
        name = g_strdup_printf ("*[local-name()='%s' and namespace-uri()='%s']", n->name, n->ns->href);

      if (n->type == XML_ATTRIBUTE_NODE)
        g_ptr_array_add (steps, g_strdup_printf ("@%s", name));
      else if (n->type == XML_ELEMENT_NODE)
        {
          guint position = 1, count = 0;

          for (xmlNode *s = n->parent != NULL ? n->parent->children : n; s != NULL; s = s->next)
            {
              if (!same_name (s, n))
                continue;
              count++;
              if (s == n)
                position = count;
            }
          if (count > 1)
            g_ptr_array_add (steps, g_strdup_printf ("%s[%u]", name, position));
          else
            g_ptr_array_add (steps, g_steal_pointer (&name));
        }
      else
        g_ptr_array_add (steps, g_strdup ("node()"));
    }
  for (guint i = steps->len; i > 0; i--)
    {
      g_string_append_c (path, '/');
      g_string_append (path, g_ptr_array_index (steps, i - 1));
    }
  if (path->len == 0)
    g_string_append_c (path, '/');
  return g_string_free (path, FALSE);
}

static char *
collapse_whitespace (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean pending_space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          pending_space = out->len > 0;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
make_finding (xmlXPathContext           *ctx,
              EvalState                 *state,
              Rule                      *rule,
              Step                      *step,
              xmlNode                   *node,
              SintesiSchematronFinding **out,
              GError                   **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *full = NULL;
  SintesiSchematronFinding *finding;
  const char *bar;

  for (guint i = 0; i < step->parts->len; i++)
    {
      MessagePart *part = g_ptr_array_index (step->parts, i);
      xmlXPathObject *value;

      if (part->kind == PART_TEXT)
        {
          g_string_append (text, part->text);
          continue;
        }
      if (part->kind == PART_NAME && part->expr == NULL)
        {
          g_autofree char *name = node_display_name (node);

          g_string_append (text, name);
          continue;
        }
      value = evaluate (ctx, part->expr, node);
      if (value == NULL)
        return evaluation_error (state, rule->context, step->line, step->source, error);
      if (part->kind == PART_NAME)
        {
          if (value->type == XPATH_NODESET && value->nodesetval != NULL && value->nodesetval->nodeNr > 0)
            {
              g_autofree char *name = node_display_name (value->nodesetval->nodeTab[0]);

              g_string_append (text, name);
            }
        }
      else
        {
          /* XSLT 2.0 value-of: every item, separated by a space */
          g_autoptr(GPtrArray) values = atomize (value);

          g_ptr_array_add (values, NULL);
          {
            g_autofree char *joined = g_strjoinv (" ", (char **) values->pdata);

            g_string_append (text, joined);
          }
        }
      xmlXPathFreeObject (value);
    }

  full = collapse_whitespace (text->str);
  finding = g_new0 (SintesiSchematronFinding, 1);
  bar = strchr (full, '|');
  if (step->id != NULL)
    {
      finding->id = g_strdup (step->id);
      finding->message = g_strdup (full);
    }
  else if (bar != NULL)
    {
      finding->id = g_strstrip (g_strndup (full, (gsize) (bar - full)));
      finding->message = g_strstrip (g_strdup (bar + 1));
    }
  else
    {
      finding->id = g_strdup (full);
      finding->message = g_strdup (full);
    }
  finding->location = location_of (state->self, node);
  finding->rule_context = g_strdup (rule->context);
  *out = finding;
  return TRUE;
}

static gboolean
fire_rule (xmlXPathContext          *ctx,
           EvalState                *state,
           Rule                     *rule,
           xmlNode                  *node,
           SintesiSchematronResult  *result,
           GError                  **error)
{
  g_autoptr(GHashTable) rule_vars = new_variables ();
  gboolean ok = TRUE;

  state->rule_vars = rule_vars;
  state->current = node;
  for (guint i = 0; ok && i < rule->steps->len; i++)
    {
      Step *step = g_ptr_array_index (rule->steps, i);
      SintesiSchematronFinding *finding = NULL;
      int outcome;

      if (step->kind == STEP_LET)
        {
          xmlXPathObject *value = evaluate (ctx, step->expr, node);

          if (value == NULL)
            ok = evaluation_error (state, rule->context, step->line, step->source, error);
          else
            g_hash_table_replace (rule_vars, g_strdup (step->name), value);
          continue;
        }

      ctx->node = node;
      ctx->contextSize = 1;
      ctx->proximityPosition = 1;
      outcome = xmlXPathCompiledEvalToBoolean (step->expr, ctx);
      if (outcome < 0)
        {
          ok = evaluation_error (state, rule->context, step->line, step->source, error);
          continue;
        }
      if ((step->kind == STEP_ASSERT && outcome == 0) || (step->kind == STEP_REPORT && outcome == 1))
        {
          ok = make_finding (ctx, state, rule, step, node, &finding, error);
          if (ok)
            g_ptr_array_add (step->kind == STEP_ASSERT ? result->failed_asserts : result->reports,
                             finding);
        }
    }
  state->rule_vars = NULL;
  return ok;
}

typedef struct
{
  xmlNode *node;
  Rule    *rule;
} Firing;

static int
compare_firings (gconstpointer a,
                 gconstpointer b)
{
  const Firing *fa = a, *fb = b;

  /* xmlXPathCmpNodes: 1 when the first comes first in the document */
  return -xmlXPathCmpNodes (fa->node, fb->node);
}

SintesiSchematronResult *
sintesi_schematron_validate (SintesiSchematron  *self,
                             xmlDoc             *doc,
                             GError            **error)
{
  g_autoptr(SintesiSchematronResult) result = g_new0 (SintesiSchematronResult, 1);
  g_autoptr(GHashTable) regexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_regex_unref);
  g_autoptr(GHashTable) global_vars = new_variables ();
  g_autoptr(GString) error_text = g_string_new (NULL);
  EvalState state = { self, NULL, regexes, global_vars, NULL, NULL, error_text };
  xmlXPathContext *ctx;
  gboolean ok = TRUE;

  g_return_val_if_fail (SINTESI_IS_SCHEMATRON (self), NULL);
  g_return_val_if_fail (doc != NULL, NULL);

  result->failed_asserts = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_schematron_finding_free);
  result->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_schematron_finding_free);

  /* Caches document order in the elements: sorting and "//" get faster. */
  xmlXPathOrderDocElems (doc);

  ctx = xmlXPathNewContext (doc);
  if (ctx == NULL)
    g_error ("out of memory");
  ctx->userData = &state;
  ctx->error = capture_eval_error;
  for (guint i = 0; i < self->namespaces->len; i++)
    {
      Namespace *ns = g_ptr_array_index (self->namespaces, i);

      xmlXPathRegisterNs (ctx, (const xmlChar *) ns->prefix, (const xmlChar *) ns->uri);
    }
  xmlXPathRegisterNs (ctx, (const xmlChar *) INTERNAL_PREFIX, (const xmlChar *) INTERNAL_NS);
  xmlXPathRegisterFuncNS (ctx, (const xmlChar *) "compare", (const xmlChar *) INTERNAL_NS, fn_compare);
  for (gsize i = 0; i < G_N_ELEMENTS (registered_functions); i++)
    {
      xmlXPathRegisterFunc (ctx, (const xmlChar *) registered_functions[i].name,
                            registered_functions[i].function);
      xmlXPathRegisterFuncNS (ctx, (const xmlChar *) registered_functions[i].name,
                              (const xmlChar *) XPATH_FUNCTIONS_NS, registered_functions[i].function);
    }
  xmlXPathRegisterVariableLookup (ctx, lookup_variable, &state);

  state.current = (xmlNode *) doc;
  ok = evaluate_lets (ctx, &state, self->lets, global_vars, (xmlNode *) doc, "schema", error);

  for (guint p = 0; ok && p < self->patterns->len; p++)
    {
      Pattern *pattern = g_ptr_array_index (self->patterns, p);
      g_autoptr(GHashTable) pattern_vars = new_variables ();
      g_autoptr(GHashTable) claimed = g_hash_table_new (NULL, NULL);
      g_autoptr(GArray) firings = g_array_new (FALSE, FALSE, sizeof (Firing));

      state.pattern_vars = pattern_vars;
      ok = evaluate_lets (ctx, &state, pattern->lets, pattern_vars, (xmlNode *) doc,
                          pattern->id != NULL ? pattern->id : "pattern", error);

      /* First rule wins: a node claimed by an earlier rule of this pattern
       * is not a context for the later ones. */
      for (guint r = 0; ok && r < pattern->rules->len; r++)
        {
          Rule *rule = g_ptr_array_index (pattern->rules, r);
          xmlXPathObject *matched = evaluate (ctx, rule->match, (xmlNode *) doc);

          if (matched == NULL)
            {
              ok = evaluation_error (&state, rule->context, rule->line, rule->context, error);
              break;
            }
          if (matched->type == XPATH_NODESET && matched->nodesetval != NULL)
            {
              for (int i = 0; i < matched->nodesetval->nodeNr; i++)
                {
                  xmlNode *node = matched->nodesetval->nodeTab[i];
                  Firing firing = { node, rule };

                  if (node->type == XML_NAMESPACE_DECL || g_hash_table_contains (claimed, node))
                    continue;
                  g_hash_table_add (claimed, node);
                  g_array_append_val (firings, firing);
                }
            }
          xmlXPathFreeObject (matched);
        }

      g_array_sort (firings, compare_firings);
      for (guint i = 0; ok && i < firings->len; i++)
        {
          Firing *firing = &g_array_index (firings, Firing, i);

          ok = fire_rule (ctx, &state, firing->rule, firing->node, result, error);
        }
      state.pattern_vars = NULL;
    }

  xmlXPathFreeContext (ctx);
  if (!ok)
    return NULL;
  return g_steal_pointer (&result);
}
