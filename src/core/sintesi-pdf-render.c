/* sintesi-pdf-render.c: the human-readable pages of a PSS
 *
 * The document is laid out twice on a cairo PDF surface: a first pass into a
 * discarding stream counts the pages, so that the second can print
 * "Page N of M". Both passes run the same code on the same kind of surface,
 * so the metrics cannot disagree.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sintesi-paths.h"
#include "sintesi-pdf-render.h"

G_DEFINE_QUARK (sintesi-pdf-render-error-quark, sintesi_pdf_render_error)

#define HL7_NS "urn:hl7-org:v3"
#define CF_ROOT "2.16.840.1.113883.2.9.4.3.2"

/* A4 in points, and the frame the text flows in. */
#define PAGE_WIDTH        595.276
#define PAGE_HEIGHT       841.89
#define MARGIN_X          51.0
#define CONTENT_WIDTH     (PAGE_WIDTH - 2 * MARGIN_X)
#define FIRST_PAGE_TOP    48.0
#define NEXT_PAGE_TOP     66.0
#define CONTENT_BOTTOM    (PAGE_HEIGHT - 58.0)

#define FONT_FAMILY       "DejaVu Sans"
#define BODY_SIZE         9.5
#define TABLE_SIZE        8.5
#define SMALL_SIZE        7.5
#define CELL_PADDING      3.5
#define LIST_INDENT       16.0
#define PARAGRAPH_GAP     4.5

#define ACCENT_COLOR      0.12, 0.31, 0.47
#define TEXT_COLOR        0.10, 0.10, 0.10
#define MUTED_COLOR       0.38, 0.42, 0.46
#define RULE_COLOR        0.62, 0.66, 0.70
#define HEADER_FILL       0.90, 0.93, 0.96
#define BOX_FILL          0.96, 0.97, 0.98

typedef struct
{
  char *title;
  char *document_date;
  char *version;
  char *patient_name;
  char *patient_cf;
  char *patient_birth;
  char *patient_sex;
  char *author_name;
  char *author_cf;
  char *author_role;
  char *legal_name;
  char *legal_cf;
  char *legal_time;
  char *custodian;
} Header;

typedef struct
{
  cairo_t       *cr;
  PangoContext  *context;
  const Header  *header;
  xmlDoc        *doc;
  int            page;
  int            total_pages;  /* 0 while counting */
  double         y;
} Render;

static void
header_clear (Header *header)
{
  g_free (header->title);
  g_free (header->document_date);
  g_free (header->version);
  g_free (header->patient_name);
  g_free (header->patient_cf);
  g_free (header->patient_birth);
  g_free (header->patient_sex);
  g_free (header->author_name);
  g_free (header->author_cf);
  g_free (header->author_role);
  g_free (header->legal_name);
  g_free (header->legal_cf);
  g_free (header->legal_time);
  g_free (header->custodian);
}

/* ---- reading the CDA ---------------------------------------------------- */

static gboolean
is_hl7 (const xmlNode *node,
        const char    *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         node->ns != NULL && node->ns->href != NULL &&
         strcmp ((const char *) node->ns->href, HL7_NS) == 0 &&
         (name == NULL || strcmp ((const char *) node->name, name) == 0);
}

static xmlNode *
first_child (const xmlNode *parent,
             const char    *name)
{
  for (xmlNode *child = parent != NULL ? parent->children : NULL; child != NULL; child = child->next)
    if (is_hl7 (child, name))
      return child;
  return NULL;
}

/* Collapses runs of white space to one space and trims both ends. */
static char *
normalize_space (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = TRUE;

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        {
          if (!space)
            g_string_append_c (out, ' ');
          space = TRUE;
        }
      else
        {
          g_string_append_c (out, *p);
          space = FALSE;
        }
    }
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static char *
node_text (const xmlNode *node)
{
  g_autofree xmlChar *content = NULL;

  if (node == NULL)
    return g_strdup ("");
  content = xmlNodeGetContent (node);
  return normalize_space ((const char *) content);
}

/* Evaluates expression at context (NULL: the root element). */
static xmlXPathObject *
xpath_eval (xmlXPathContext *xpath,
            xmlNode         *context,
            const char      *expression)
{
  xpath->node = context != NULL ? context : xmlDocGetRootElement (xpath->doc);
  return xmlXPathEvalExpression ((const xmlChar *) expression, xpath);
}

static char *
xpath_string (xmlXPathContext *xpath,
              xmlNode         *context,
              const char      *expression)
{
  xmlXPathObject *result;
  char *value = NULL;

  result = xpath_eval (xpath, context, expression);
  if (result != NULL)
    {
      xmlChar *text = xmlXPathCastToString (result);

      value = normalize_space ((const char *) text);
      xmlFree (text);
      xmlXPathFreeObject (result);
    }
  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static xmlNode *
xpath_node (xmlXPathContext *xpath,
            xmlNode         *context,
            const char      *expression)
{
  xmlXPathObject *result;
  xmlNode *node = NULL;

  result = xpath_eval (xpath, context, expression);
  if (result != NULL && result->type == XPATH_NODESET &&
      result->nodesetval != NULL && result->nodesetval->nodeNr > 0)
    node = result->nodesetval->nodeTab[0];
  xmlXPathFreeObject (result);
  return node;
}

/* "prefix given… family… suffix", the way a name is read aloud. */
static char *
format_person_name (const xmlNode *name)
{
  static const char * const order[] = { "prefix", "given", "family", "suffix" };
  g_autoptr(GString) out = g_string_new (NULL);

  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    {
      for (xmlNode *part = name->children; part != NULL; part = part->next)
        {
          g_autofree char *text = NULL;

          if (!is_hl7 (part, order[i]))
            continue;
          text = node_text (part);
          if (*text == '\0')
            continue;
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, text);
        }
    }
  if (out->len == 0)
    {
      g_autofree char *text = node_text (name);

      g_string_append (out, text);
    }
  return out->len > 0 ? g_strdup (out->str) : NULL;
}

/* HL7 TS (YYYYMMDDHHMMSS.UUUU±ZZZZ) as Italian documents show it. */
static char *
format_hl7_time (const char *value)
{
  gsize digits = 0;

  if (value == NULL)
    return NULL;
  while (g_ascii_isdigit (value[digits]))
    digits++;
  if (digits >= 12)
    return g_strdup_printf ("%.2s/%.2s/%.4s %.2s:%.2s", value + 6, value + 4, value, value + 8, value + 10);
  if (digits >= 8)
    return g_strdup_printf ("%.2s/%.2s/%.4s", value + 6, value + 4, value);
  if (digits == 6)
    return g_strdup_printf ("%.2s/%.4s", value + 4, value);
  return g_strdup (value);
}

static char *
format_sex (const char *code,
            const char *display_name)
{
  if (g_strcmp0 (code, "M") == 0)
    return g_strdup (_("Male"));
  if (g_strcmp0 (code, "F") == 0)
    return g_strdup (_("Female"));
  if (g_strcmp0 (code, "UN") == 0)
    return g_strdup (_("Undifferentiated"));
  return g_strdup (display_name != NULL ? display_name : code);
}

/* The fiscal code (CF) of an entity, or its first id when it has none. */
static char *
entity_id (xmlXPathContext *xpath,
           xmlNode         *entity)
{
  char *cf = xpath_string (xpath, entity, "hl7:id[@root='" CF_ROOT "']/@extension");

  if (cf == NULL)
    cf = xpath_string (xpath, entity, "hl7:id[1]/@extension");
  return cf;
}

static void
read_header (xmlDoc *doc,
             Header *header)
{
  xmlXPathContext *xpath = xmlXPathNewContext (doc);
  xmlNode *patient_role, *author, *legal, *name;
  g_autofree char *birth = NULL;
  g_autofree char *sex_code = NULL;
  g_autofree char *sex_name = NULL;
  g_autofree char *date = NULL;
  g_autofree char *legal_time = NULL;

  xmlXPathRegisterNs (xpath, (const xmlChar *) "hl7", (const xmlChar *) HL7_NS);

  header->title = xpath_string (xpath, NULL, "/hl7:ClinicalDocument/hl7:title");
  if (header->title == NULL)
    header->title = xpath_string (xpath, NULL, "/hl7:ClinicalDocument/hl7:code/@displayName");
  if (header->title == NULL)
    header->title = g_strdup (_("Clinical document"));
  date = xpath_string (xpath, NULL, "/hl7:ClinicalDocument/hl7:effectiveTime/@value");
  header->document_date = format_hl7_time (date);
  header->version = xpath_string (xpath, NULL, "/hl7:ClinicalDocument/hl7:versionNumber/@value");

  patient_role = xpath_node (xpath, NULL, "/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole");
  if (patient_role != NULL)
    {
      header->patient_cf = entity_id (xpath, patient_role);
      name = xpath_node (xpath, patient_role, "hl7:patient/hl7:name[1]");
      header->patient_name = format_person_name (name);
      birth = xpath_string (xpath, patient_role, "hl7:patient/hl7:birthTime/@value");
      header->patient_birth = format_hl7_time (birth);
      sex_code = xpath_string (xpath, patient_role, "hl7:patient/hl7:administrativeGenderCode/@code");
      sex_name = xpath_string (xpath, patient_role, "hl7:patient/hl7:administrativeGenderCode/@displayName");
      if (sex_code != NULL || sex_name != NULL)
        header->patient_sex = format_sex (sex_code, sex_name);
    }

  author = xpath_node (xpath, NULL, "/hl7:ClinicalDocument/hl7:author[1]/hl7:assignedAuthor");
  if (author != NULL)
    {
      header->author_cf = entity_id (xpath, author);
      name = xpath_node (xpath, author, "hl7:assignedPerson/hl7:name[1]");
      header->author_name = format_person_name (name);
      if (header->author_name == NULL)
        header->author_name = xpath_string (xpath, author, "hl7:representedOrganization/hl7:name[1]");
      header->author_role = xpath_string (xpath, author, "hl7:code/@displayName");
    }

  legal = xpath_node (xpath, NULL, "/hl7:ClinicalDocument/hl7:legalAuthenticator[1]");
  if (legal != NULL)
    {
      xmlNode *entity = first_child (legal, "assignedEntity");

      header->legal_cf = entity != NULL ? entity_id (xpath, entity) : NULL;
      name = xpath_node (xpath, legal, "hl7:assignedEntity/hl7:assignedPerson/hl7:name[1]");
      header->legal_name = format_person_name (name);
      legal_time = xpath_string (xpath, legal, "hl7:time/@value");
      header->legal_time = format_hl7_time (legal_time);
    }

  header->custodian = xpath_string (xpath, NULL,
                                    "/hl7:ClinicalDocument/hl7:custodian/hl7:assignedCustodian/"
                                    "hl7:representedCustodianOrganization/hl7:name[1]");
  xmlXPathFreeContext (xpath);
}

/* ---- narrative to pango markup ----------------------------------------- */

typedef struct
{
  GString  *text;
  gboolean  space;   /* the last thing written was white space (or nothing) */
} Markup;

static void
markup_init (Markup *markup)
{
  markup->text = g_string_new (NULL);
  markup->space = TRUE;
}

static void
markup_text (Markup     *markup,
             const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      switch (*p)
        {
        case ' ': case '\t': case '\n': case '\r':
          if (!markup->space)
            g_string_append_c (markup->text, ' ');
          markup->space = TRUE;
          continue;
        case '&':
          g_string_append (markup->text, "&amp;");
          break;
        case '<':
          g_string_append (markup->text, "&lt;");
          break;
        case '>':
          g_string_append (markup->text, "&gt;");
          break;
        default:
          g_string_append_c (markup->text, *p);
        }
      markup->space = FALSE;
    }
}

static void
markup_trim_end (Markup *markup)
{
  while (markup->text->len > 0 && markup->text->str[markup->text->len - 1] == ' ')
    g_string_truncate (markup->text, markup->text->len - 1);
}

static void
markup_break (Markup *markup)
{
  markup_trim_end (markup);
  g_string_append_c (markup->text, '\n');
  markup->space = TRUE;
}

/* A line break unless the text is empty or already ends a line. */
static void
markup_soft_break (Markup *markup)
{
  markup_trim_end (markup);
  if (markup->text->len > 0 && markup->text->str[markup->text->len - 1] != '\n')
    markup_break (markup);
}

/* TRUE when the markup holds some visible text. */
static gboolean
markup_has_text (const Markup *markup)
{
  gboolean in_tag = FALSE;

  for (const char *p = markup->text->str; *p != '\0'; p++)
    {
      if (*p == '<')
        in_tag = TRUE;
      else if (*p == '>')
        in_tag = FALSE;
      else if (!in_tag && !g_ascii_isspace (*p))
        return TRUE;
    }
  return FALSE;
}

static char *
markup_steal (Markup *markup)
{
  char *text;

  markup_trim_end (markup);
  text = g_string_free (markup->text, FALSE);
  g_strchomp (text);
  markup_init (markup);
  return text;
}

static gboolean
has_style (const char *style_code,
           const char *style)
{
  g_auto(GStrv) tokens = NULL;

  if (style_code == NULL)
    return FALSE;
  tokens = g_strsplit_set (style_code, " \t\n", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (g_ascii_strcasecmp (tokens[i], style) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_block (const xmlNode *node)
{
  return is_hl7 (node, "paragraph") || is_hl7 (node, "list") || is_hl7 (node, "table");
}

static void collect_inline (Markup *markup, xmlNode *node, gboolean flatten);

static void
collect_children (Markup   *markup,
                  xmlNode  *parent,
                  gboolean  flatten)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    collect_inline (markup, child, flatten);
}

/* Appends node as inline pango markup. With flatten (table cells), block
 * elements become line breaks and bullets instead of being drawn apart. */
static void
collect_inline (Markup   *markup,
                xmlNode  *node,
                gboolean  flatten)
{
  const char *name;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      markup_text (markup, (const char *) node->content);
      return;
    }
  if (node->type != XML_ELEMENT_NODE)
    return;
  name = (const char *) node->name;

  if (strcmp (name, "br") == 0)
    markup_break (markup);
  else if (strcmp (name, "content") == 0)
    {
      g_autofree xmlChar *style = xmlGetProp (node, (const xmlChar *) "styleCode");
      g_autofree xmlChar *revised = xmlGetProp (node, (const xmlChar *) "revised");
      gboolean bold = has_style ((const char *) style, "Bold");
      gboolean italic = has_style ((const char *) style, "Italics") || has_style ((const char *) style, "Emphasis");
      gboolean underline = has_style ((const char *) style, "Underline");

      if (revised != NULL && strcmp ((const char *) revised, "delete") == 0)
        return;
      if (bold)
        g_string_append (markup->text, "<b>");
      if (italic)
        g_string_append (markup->text, "<i>");
      if (underline)
        g_string_append (markup->text, "<u>");
      collect_children (markup, node, flatten);
      if (underline)
        g_string_append (markup->text, "</u>");
      if (italic)
        g_string_append (markup->text, "</i>");
      if (bold)
        g_string_append (markup->text, "</b>");
    }
  else if (strcmp (name, "sub") == 0 || strcmp (name, "sup") == 0)
    {
      g_string_append_printf (markup->text, "<%s>", name);
      collect_children (markup, node, flatten);
      g_string_append_printf (markup->text, "</%s>", name);
    }
  else if (strcmp (name, "linkHtml") == 0)
    {
      g_string_append (markup->text, "<u>");
      collect_children (markup, node, flatten);
      g_string_append (markup->text, "</u>");
    }
  else if (strcmp (name, "footnote") == 0)
    {
      markup_text (markup, " [");
      markup->space = FALSE;
      collect_children (markup, node, flatten);
      markup_text (markup, "]");
    }
  else if (strcmp (name, "footnoteRef") == 0 || strcmp (name, "col") == 0 || strcmp (name, "colgroup") == 0)
    return;
  else if (strcmp (name, "renderMultiMedia") == 0)
    {
      xmlNode *caption = first_child (node, "caption");

      if (caption != NULL)
        collect_children (markup, caption, flatten);
    }
  else if (strcmp (name, "caption") == 0)
    {
      if (flatten)
        markup_soft_break (markup);
      g_string_append (markup->text, "<b>");
      collect_children (markup, node, flatten);
      markup_trim_end (markup);
      g_string_append (markup->text, "</b>");
      if (flatten)
        markup_break (markup);
      else
        markup_text (markup, " ");
    }
  else if (flatten && (strcmp (name, "paragraph") == 0 || strcmp (name, "tr") == 0 ||
                       strcmp (name, "list") == 0 || strcmp (name, "table") == 0))
    {
      markup_soft_break (markup);
      collect_children (markup, node, flatten);
      markup_soft_break (markup);
    }
  else if (flatten && strcmp (name, "item") == 0)
    {
      markup_soft_break (markup);
      g_string_append (markup->text, "• ");
      markup->space = TRUE;
      collect_children (markup, node, flatten);
      markup_soft_break (markup);
    }
  else if (flatten && (strcmp (name, "td") == 0 || strcmp (name, "th") == 0))
    {
      collect_children (markup, node, flatten);
      markup_text (markup, " ");
    }
  else
    collect_children (markup, node, flatten);
}

/* ---- drawing ------------------------------------------------------------ */

static PangoLayout *
make_layout (Render     *render,
             const char *markup,
             double      size,
             double      width)
{
  PangoLayout *layout = pango_layout_new (render->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  /* Our markup is escaped as it is built; plain text is the safe fallback. */
  if (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL))
    pango_layout_set_markup (layout, markup, -1);
  else
    pango_layout_set_text (layout, markup, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) (logical.x + logical.width) / PANGO_SCALE;
}

static void
show_layout (Render      *render,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (render->cr, x, y);
  pango_cairo_show_layout (render->cr, layout);
}

static char *
page_number_text (int page,
                  int total)
{
  if (total <= 0)
    return g_strdup_printf (_("Page %d of %d"), page, page);
  /* TRANSLATORS: the footer of every page of the PDF */
  return g_strdup_printf (_("Page %d of %d"), page, total);
}

static void
draw_footer (Render *render)
{
  const Header *header = render->header;
  g_autofree char *left = NULL;
  g_autofree char *left_markup = NULL;
  g_autofree char *right = page_number_text (render->page, render->total_pages);
  g_autofree char *right_markup = g_markup_escape_text (right, -1);
  g_autoptr(PangoLayout) left_layout = NULL;
  g_autoptr(PangoLayout) right_layout = NULL;
  double rule_y = PAGE_HEIGHT - 46.0;

  left = g_strdup_printf ("%s%s%s", header->title,
                          header->patient_cf != NULL ? " · " : "",
                          header->patient_cf != NULL ? header->patient_cf : "");
  left_markup = g_markup_escape_text (left, -1);

  cairo_set_source_rgb (render->cr, RULE_COLOR);
  cairo_set_line_width (render->cr, 0.5);
  cairo_move_to (render->cr, MARGIN_X, rule_y);
  cairo_line_to (render->cr, PAGE_WIDTH - MARGIN_X, rule_y);
  cairo_stroke (render->cr);

  cairo_set_source_rgb (render->cr, MUTED_COLOR);
  right_layout = make_layout (render, right_markup, SMALL_SIZE, -1);
  left_layout = make_layout (render, left_markup, SMALL_SIZE, CONTENT_WIDTH - layout_width (right_layout) - 12);
  pango_layout_set_ellipsize (left_layout, PANGO_ELLIPSIZE_END);
  show_layout (render, left_layout, MARGIN_X, rule_y + 5);
  show_layout (render, right_layout, PAGE_WIDTH - MARGIN_X - layout_width (right_layout), rule_y + 5);
}

/* On every page after the first: who the document is about. */
static void
draw_running_header (Render *render)
{
  const Header *header = render->header;
  g_autoptr(GString) left = g_string_new (NULL);
  g_autofree char *title_markup = g_markup_escape_text (header->title, -1);
  g_autoptr(PangoLayout) left_layout = NULL;
  g_autoptr(PangoLayout) right_layout = NULL;
  double rule_y = 48.0;

  if (header->patient_name != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (header->patient_name, -1);

      g_string_append_printf (left, "<b>%s</b>", escaped);
    }
  if (header->patient_cf != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (header->patient_cf, -1);

      g_string_append_printf (left, "%s%s", left->len > 0 ? " · " : "", escaped);
    }

  cairo_set_source_rgb (render->cr, MUTED_COLOR);
  right_layout = make_layout (render, title_markup, SMALL_SIZE, -1);
  left_layout = make_layout (render, left->str, SMALL_SIZE, CONTENT_WIDTH - layout_width (right_layout) - 12);
  pango_layout_set_ellipsize (left_layout, PANGO_ELLIPSIZE_END);
  show_layout (render, left_layout, MARGIN_X, rule_y - 4 - layout_height (left_layout));
  show_layout (render, right_layout, PAGE_WIDTH - MARGIN_X - layout_width (right_layout),
               rule_y - 4 - layout_height (right_layout));
  cairo_set_source_rgb (render->cr, RULE_COLOR);
  cairo_set_line_width (render->cr, 0.5);
  cairo_move_to (render->cr, MARGIN_X, rule_y);
  cairo_line_to (render->cr, PAGE_WIDTH - MARGIN_X, rule_y);
  cairo_stroke (render->cr);
}

static void
new_page (Render *render)
{
  draw_footer (render);
  cairo_show_page (render->cr);
  render->page++;
  draw_running_header (render);
  render->y = NEXT_PAGE_TOP;
}

static double
page_top (const Render *render)
{
  return render->page == 1 ? FIRST_PAGE_TOP : NEXT_PAGE_TOP;
}

/* Starts a new page unless height fits below the cursor (or the page is
 * still empty, where waiting would not help). */
static void
ensure_space (Render *render,
              double  height)
{
  if (render->y + height > CONTENT_BOTTOM && render->y > page_top (render) + 0.5)
    new_page (render);
}

/* Draws a layout line by line, breaking pages between lines. */
static void
flow_layout (Render      *render,
             PangoLayout *layout,
             double       x)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      PangoRectangle logical;
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      int baseline = pango_layout_iter_get_baseline (iter);
      double height;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      height = (double) logical.height / PANGO_SCALE;
      ensure_space (render, height);
      cairo_move_to (render->cr, x + (double) logical.x / PANGO_SCALE,
                     render->y + (double) (baseline - logical.y) / PANGO_SCALE);
      pango_cairo_show_layout_line (render->cr, line);
      render->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
draw_paragraph (Render     *render,
                const char *markup,
                double      x,
                double      width)
{
  g_autoptr(PangoLayout) layout = make_layout (render, markup, BODY_SIZE, width);

  cairo_set_source_rgb (render->cr, TEXT_COLOR);
  flow_layout (render, layout, x);
  render->y += PARAGRAPH_GAP;
}

static void flow_children (Render *render, xmlNode *parent, double x, double width);

/* A list or table caption; it stays on the page of the keep_with points
 * that follow it (a table's first rows). */
static void
draw_caption (Render  *render,
              xmlNode *caption,
              double   x,
              double   width,
              double   keep_with)
{
  Markup markup;
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;

  markup_init (&markup);
  g_string_append (markup.text, "<b>");
  collect_children (&markup, caption, FALSE);
  markup_trim_end (&markup);
  g_string_append (markup.text, "</b>");
  text = markup_steal (&markup);
  g_string_free (markup.text, TRUE);
  layout = make_layout (render, text, BODY_SIZE, width);
  if (keep_with < CONTENT_BOTTOM - NEXT_PAGE_TOP - layout_height (layout))
    ensure_space (render, layout_height (layout) + keep_with);
  cairo_set_source_rgb (render->cr, TEXT_COLOR);
  flow_layout (render, layout, x);
  render->y += PARAGRAPH_GAP;
}

static void
draw_list (Render  *render,
           xmlNode *list,
           double   x,
           double   width)
{
  g_autofree xmlChar *type = xmlGetProp (list, (const xmlChar *) "listType");
  gboolean ordered = type != NULL && strcmp ((const char *) type, "ordered") == 0;
  xmlNode *caption = first_child (list, "caption");
  int number = 0;

  if (caption != NULL)
    draw_caption (render, caption, x, width, 0);

  for (xmlNode *item = list->children; item != NULL; item = item->next)
    {
      g_autofree char *bullet = NULL;
      g_autoptr(PangoLayout) bullet_layout = NULL;
      PangoLayoutIter *iter;
      double baseline;

      if (!is_hl7 (item, "item"))
        continue;
      number++;
      bullet = ordered ? g_strdup_printf ("%d.", number) : g_strdup ("•");
      bullet_layout = make_layout (render, bullet, BODY_SIZE, -1);
      ensure_space (render, layout_height (bullet_layout));
      iter = pango_layout_get_iter (bullet_layout);
      baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      pango_layout_iter_free (iter);
      cairo_set_source_rgb (render->cr, TEXT_COLOR);
      cairo_move_to (render->cr, x + 2, render->y + baseline);
      pango_cairo_show_layout_line (render->cr, pango_layout_get_line_readonly (bullet_layout, 0));
      flow_children (render, item, x + LIST_INDENT, width - LIST_INDENT);
      render->y -= PARAGRAPH_GAP / 2;
    }
  render->y += PARAGRAPH_GAP / 2;
}

typedef struct
{
  char        *markup;
  PangoLayout *layout;
  int          column;
  int          colspan;
  int          rowspan;
} Cell;

typedef struct
{
  GPtrArray *cells;
  gboolean   header;
  double     height;
} Row;

static void
cell_free (gpointer data)
{
  Cell *cell = data;

  g_free (cell->markup);
  g_clear_object (&cell->layout);
  g_free (cell);
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_ptr_array_unref (row->cells);
  g_free (row);
}

static Row *
read_row (xmlNode  *tr,
          gboolean  in_thead)
{
  Row *row = g_new0 (Row, 1);
  gboolean all_th = TRUE;
  int column = 0;

  row->cells = g_ptr_array_new_with_free_func (cell_free);
  for (xmlNode *td = tr->children; td != NULL; td = td->next)
    {
      g_autofree xmlChar *span = NULL;
      g_autofree xmlChar *row_span = NULL;
      gboolean th = is_hl7 (td, "th");
      Markup markup;
      Cell *cell;
      char *text;

      if (!th && !is_hl7 (td, "td"))
        continue;
      all_th = all_th && th;
      span = xmlGetProp (td, (const xmlChar *) "colspan");
      cell = g_new0 (Cell, 1);
      cell->column = column;
      cell->colspan = span != NULL ? CLAMP (atoi ((const char *) span), 1, 64) : 1;
      row_span = xmlGetProp (td, (const xmlChar *) "rowspan");
      cell->rowspan = row_span != NULL ? CLAMP (atoi ((const char *) row_span), 1, 1000) : 1;
      column += cell->colspan;

      markup_init (&markup);
      collect_children (&markup, td, TRUE);
      text = markup_steal (&markup);
      g_string_free (markup.text, TRUE);
      cell->markup = (th || in_thead) ? g_strdup_printf ("<b>%s</b>", text) : g_strdup (text);
      g_free (text);
      g_ptr_array_add (row->cells, cell);
    }
  row->header = in_thead || (all_th && row->cells->len > 0);
  return row;
}

static void
read_rows (xmlNode   *parent,
           gboolean   in_thead,
           GPtrArray *rows)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    if (is_hl7 (child, "tr"))
      g_ptr_array_add (rows, read_row (child, in_thead));
}

/* Moves cells right of the columns that a rowspan above still holds. */
#define MAX_COLUMNS 256
static void
place_cells (GPtrArray *rows)
{
  int busy[MAX_COLUMNS] = { 0 };

  for (guint r = 0; r < rows->len; r++)
    {
      Row *row = g_ptr_array_index (rows, r);
      int next[MAX_COLUMNS];
      int column = 0;

      for (int c = 0; c < MAX_COLUMNS; c++)
        next[c] = MAX (busy[c] - 1, 0);
      for (guint i = 0; i < row->cells->len; i++)
        {
          Cell *cell = g_ptr_array_index (row->cells, i);

          while (column < MAX_COLUMNS && busy[column] > 0)
            column++;
          cell->column = column;
          for (int c = column; c < column + cell->colspan && c < MAX_COLUMNS; c++)
            next[c] = MAX (next[c], cell->rowspan - 1);
          column += cell->colspan;
        }
      memcpy (busy, next, sizeof busy);
    }
}

static double
cell_span_width (const double *widths,
                 const Cell   *cell,
                 int           columns)
{
  double width = 0;

  for (int c = cell->column; c < cell->column + cell->colspan && c < columns; c++)
    width += widths[c];
  return width;
}

/* Column widths: natural widths when they fit, otherwise each column gets
 * at least its longest word and the rest is shared by what each wants. */
static double *
table_column_widths (Render    *render,
                     GPtrArray *rows,
                     int        columns,
                     double     width)
{
  g_autofree double *natural = g_new0 (double, columns);
  g_autofree double *minimum = g_new0 (double, columns);
  double *widths = g_new0 (double, columns);
  double sum_natural = 0, sum_minimum = 0;

  for (guint r = 0; r < rows->len; r++)
    {
      Row *row = g_ptr_array_index (rows, r);

      for (guint i = 0; i < row->cells->len; i++)
        {
          Cell *cell = g_ptr_array_index (row->cells, i);
          g_autoptr(PangoLayout) layout = NULL;
          double nat, min;

          if (cell->colspan != 1 || cell->column >= columns)
            continue;
          layout = make_layout (render, cell->markup, TABLE_SIZE, -1);
          nat = layout_width (layout);
          pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
          pango_layout_set_width (layout, 1);
          min = layout_width (layout);
          natural[cell->column] = MAX (natural[cell->column], MIN (nat, width) + 2 * CELL_PADDING);
          minimum[cell->column] = MAX (minimum[cell->column], MIN (min, width / 2) + 2 * CELL_PADDING);
        }
    }
  for (int c = 0; c < columns; c++)
    {
      natural[c] = MAX (natural[c], 2 * CELL_PADDING + 12);
      minimum[c] = MIN (MAX (minimum[c], 2 * CELL_PADDING + 12), natural[c]);
      sum_natural += natural[c];
      sum_minimum += minimum[c];
    }

  for (int c = 0; c < columns; c++)
    {
      if (sum_natural <= width)
        widths[c] = natural[c] * width / sum_natural;
      else if (sum_minimum <= width && sum_natural > sum_minimum)
        widths[c] = minimum[c] + (width - sum_minimum) * (natural[c] - minimum[c]) / (sum_natural - sum_minimum);
      else
        widths[c] = minimum[c] * width / sum_minimum;
    }
  return widths;
}

static void
draw_row (Render       *render,
          const Row    *row,
          const double *widths,
          int           columns,
          double        x)
{
  g_autofree gboolean *covered = g_new0 (gboolean, columns);
  g_autofree double *column_x = g_new0 (double, columns + 1);

  column_x[0] = x;
  for (int c = 0; c < columns; c++)
    column_x[c + 1] = column_x[c] + widths[c];

  cairo_set_line_width (render->cr, 0.5);
  for (guint i = 0; i < row->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (row->cells, i);
      double cell_x, cell_width;

      if (cell->column >= columns)
        continue;
      cell_x = column_x[cell->column];
      cell_width = cell_span_width (widths, cell, columns);
      for (int c = cell->column; c < cell->column + cell->colspan && c < columns; c++)
        covered[c] = TRUE;
      cairo_rectangle (render->cr, cell_x, render->y, cell_width, row->height);
      if (row->header)
        {
          cairo_set_source_rgb (render->cr, HEADER_FILL);
          cairo_fill_preserve (render->cr);
        }
      cairo_set_source_rgb (render->cr, RULE_COLOR);
      cairo_stroke (render->cr);
      cairo_set_source_rgb (render->cr, TEXT_COLOR);
      show_layout (render, cell->layout, cell_x + CELL_PADDING, render->y + CELL_PADDING);
    }
  /* Short rows, and the rows under a rowspan, still show the grid. */
  for (int c = 0; c < columns; c++)
    {
      if (covered[c])
        continue;
      cairo_rectangle (render->cr, column_x[c], render->y, widths[c], row->height);
      cairo_set_source_rgb (render->cr, RULE_COLOR);
      cairo_stroke (render->cr);
    }
  render->y += row->height;
}

/* A row taller than a page cannot be drawn as a box: its cells are flowed
 * as paragraphs instead, so that nothing is lost. */
static void
flow_tall_row (Render    *render,
               const Row *row,
               double     x,
               double     width)
{
  for (guint i = 0; i < row->cells->len; i++)
    {
      Cell *cell = g_ptr_array_index (row->cells, i);
      g_autoptr(PangoLayout) layout = make_layout (render, cell->markup, TABLE_SIZE, width);

      cairo_set_source_rgb (render->cr, TEXT_COLOR);
      flow_layout (render, layout, x);
      render->y += PARAGRAPH_GAP;
    }
}

static void
draw_table (Render  *render,
            xmlNode *table,
            double   x,
            double   width)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  g_autoptr(GPtrArray) footer_rows = g_ptr_array_new_with_free_func (row_free);
  g_autofree double *widths = NULL;
  xmlNode *caption = first_child (table, "caption");
  double header_height = 0;
  double page_room = CONTENT_BOTTOM - NEXT_PAGE_TOP;
  int columns = 0;
  guint header_rows = 0;

  for (xmlNode *child = table->children; child != NULL; child = child->next)
    {
      if (is_hl7 (child, "thead"))
        read_rows (child, TRUE, rows);
      else if (is_hl7 (child, "tbody"))
        read_rows (child, FALSE, rows);
      else if (is_hl7 (child, "tfoot"))
        read_rows (child, FALSE, footer_rows);
      else if (is_hl7 (child, "tr"))
        g_ptr_array_add (rows, read_row (child, FALSE));
    }
  g_ptr_array_extend_and_steal (rows, g_steal_pointer (&footer_rows));
  place_cells (rows);

  for (guint r = 0; r < rows->len; r++)
    {
      Row *row = g_ptr_array_index (rows, r);
      Cell *last = row->cells->len > 0 ? g_ptr_array_index (row->cells, row->cells->len - 1) : NULL;

      if (last != NULL)
        columns = MIN (MAX (columns, last->column + last->colspan), MAX_COLUMNS);
    }

  if (columns == 0)
    {
      if (caption != NULL)
        draw_caption (render, caption, x, width, 0);
      return;
    }

  widths = table_column_widths (render, rows, columns, width);
  for (guint r = 0; r < rows->len; r++)
    {
      Row *row = g_ptr_array_index (rows, r);

      row->height = 0;
      for (guint i = 0; i < row->cells->len; i++)
        {
          Cell *cell = g_ptr_array_index (row->cells, i);
          double cell_width = cell_span_width (widths, cell, columns);

          cell->layout = make_layout (render, cell->markup, TABLE_SIZE,
                                      MAX (cell_width - 2 * CELL_PADDING, 1));
          row->height = MAX (row->height, layout_height (cell->layout) + 2 * CELL_PADDING);
        }
      row->height = MAX (row->height, 2 * CELL_PADDING + TABLE_SIZE);
    }

  /* Header rows are the leading ones; they repeat on every page. */
  while (header_rows < rows->len && ((Row *) g_ptr_array_index (rows, header_rows))->header)
    header_height += ((Row *) g_ptr_array_index (rows, header_rows++))->height;
  if (header_height > page_room / 2)
    {
      header_rows = 0;
      header_height = 0;
    }

  if (caption != NULL)
    draw_caption (render, caption, x, width,
                  header_height + (header_rows < rows->len
                                   ? ((Row *) g_ptr_array_index (rows, header_rows))->height : 0));

  for (guint r = 0; r < rows->len; r++)
    {
      Row *row = g_ptr_array_index (rows, r);
      double needed = row->height;

      /* The header rows never stay alone at the bottom of a page. */
      if (r == 0 && header_rows > 0 && header_rows < rows->len)
        needed = header_height + ((Row *) g_ptr_array_index (rows, header_rows))->height;

      if (row->height + header_height > page_room)
        {
          flow_tall_row (render, row, x, width);
          continue;
        }
      if (render->y + needed > CONTENT_BOTTOM && render->y > page_top (render) + 0.5)
        {
          new_page (render);
          if (r >= header_rows)
            for (guint h = 0; h < header_rows; h++)
              draw_row (render, g_ptr_array_index (rows, h), widths, columns, x);
        }
      draw_row (render, row, widths, columns, x);
    }
  render->y += PARAGRAPH_GAP + 2;
}

static void
flush_inline (Render *render,
              Markup *markup,
              double  x,
              double  width)
{
  g_autofree char *text = NULL;

  if (!markup_has_text (markup))
    {
      g_string_truncate (markup->text, 0);
      markup->space = TRUE;
      return;
    }
  text = markup_steal (markup);
  draw_paragraph (render, text, x, width);
}

/* Flows the mixed content of a narrative element: runs of inline content
 * become paragraphs, block elements are drawn as such. */
static void
flow_children (Render  *render,
               xmlNode *parent,
               double   x,
               double   width)
{
  Markup markup;

  markup_init (&markup);
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (!is_block (child))
        {
          if (!is_hl7 (child, "caption"))
            collect_inline (&markup, child, FALSE);
          continue;
        }
      flush_inline (render, &markup, x, width);
      if (is_hl7 (child, "paragraph"))
        {
          Markup paragraph;
          g_autofree char *text = NULL;

          /* A paragraph may hold a caption, drawn in bold before its text. */
          markup_init (&paragraph);
          for (xmlNode *part = child->children; part != NULL; part = part->next)
            collect_inline (&paragraph, part, FALSE);
          if (markup_has_text (&paragraph))
            {
              text = markup_steal (&paragraph);
              draw_paragraph (render, text, x, width);
            }
          g_string_free (paragraph.text, TRUE);
        }
      else if (is_hl7 (child, "list"))
        draw_list (render, child, x, width);
      else
        draw_table (render, child, x, width);
    }
  flush_inline (render, &markup, x, width);
  g_string_free (markup.text, TRUE);
}

static gboolean
has_visible_text (xmlNode *node)
{
  g_autofree char *text = node_text (node);

  return *text != '\0';
}

static void
draw_section (Render  *render,
              xmlNode *section,
              int      level,
              int      parent_outline)
{
  xmlNode *title = first_child (section, "title");
  xmlNode *text = first_child (section, "text");
  g_autofree char *title_text = title != NULL ? node_text (title) : g_strdup ("");
  g_autofree char *title_markup = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *link = NULL;
  double size = level == 0 ? 12.0 : 10.5;
  int outline;

  if (*title_text == '\0')
    {
      xmlNode *code = first_child (section, "code");
      g_autofree xmlChar *display = code != NULL ? xmlGetProp (code, (const xmlChar *) "displayName") : NULL;

      g_free (title_text);
      title_text = display != NULL ? normalize_space ((const char *) display) : g_strdup (_("Untitled section"));
    }
  title_markup = g_markup_printf_escaped ("<b>%s</b>", title_text);
  layout = make_layout (render, title_markup, size, CONTENT_WIDTH);

  render->y += level == 0 ? 10 : 5;
  /* Keep the title with the first lines of its text. */
  ensure_space (render, layout_height (layout) + 36);
  /* A bookmark per section, so viewers show the table of contents. */
  link = g_strdup_printf ("page=%d pos=[%d %d]", render->page, (int) MARGIN_X, (int) render->y);
  outline = cairo_pdf_surface_add_outline (cairo_get_target (render->cr), parent_outline, title_text, link, 0);
  cairo_set_source_rgb (render->cr, ACCENT_COLOR);
  flow_layout (render, layout, MARGIN_X);
  if (level == 0)
    {
      cairo_set_line_width (render->cr, 0.8);
      cairo_move_to (render->cr, MARGIN_X, render->y + 1.5);
      cairo_line_to (render->cr, PAGE_WIDTH - MARGIN_X, render->y + 1.5);
      cairo_stroke (render->cr);
    }
  render->y += 6;

  if (text != NULL && has_visible_text (text))
    flow_children (render, text, MARGIN_X, CONTENT_WIDTH);
  else
    {
      g_autofree char *note = g_markup_printf_escaped ("<i>%s</i>", _("This section has no narrative text."));
      g_autoptr(PangoLayout) note_layout = make_layout (render, note, BODY_SIZE, CONTENT_WIDTH);

      cairo_set_source_rgb (render->cr, MUTED_COLOR);
      flow_layout (render, note_layout, MARGIN_X);
      render->y += PARAGRAPH_GAP;
    }

  for (xmlNode *component = section->children; component != NULL; component = component->next)
    {
      xmlNode *child = is_hl7 (component, "component") ? first_child (component, "section") : NULL;

      if (child != NULL)
        draw_section (render, child, level + 1, outline);
    }
}

/* ---- first page header -------------------------------------------------- */

static void
append_field (GString    *out,
              const char *label,
              const char *value)
{
  g_autofree char *escaped_label = NULL;
  g_autofree char *escaped_value = NULL;

  if (value == NULL)
    return;
  escaped_label = g_markup_escape_text (label, -1);
  escaped_value = g_markup_escape_text (value, -1);
  g_string_append_printf (out, "\n<span foreground='#5f6b75'>%s</span> %s", escaped_label, escaped_value);
}

static GString *
info_cell (const char *caption,
           const char *name,
           double      name_size)
{
  GString *out = g_string_new (NULL);
  g_autofree char *upper = g_utf8_strup (caption, -1);
  g_autofree char *escaped_caption = g_markup_escape_text (upper, -1);
  g_autofree char *escaped_name = g_markup_escape_text (name != NULL ? name : "—", -1);

  g_string_append_printf (out, "<span size='%d' weight='bold' foreground='#5f6b75'>%s</span>\n"
                          "<span size='%d' weight='bold'>%s</span>",
                          (int) (SMALL_SIZE * PANGO_SCALE), escaped_caption,
                          (int) (name_size * PANGO_SCALE), escaped_name);
  return out;
}

/* Two boxed cells side by side; returns the height used. */
static double
draw_info_row (Render     *render,
               const char *left_markup,
               const char *right_markup,
               double      y,
               gboolean    first)
{
  double half = CONTENT_WIDTH / 2;
  double padding = 8;
  g_autoptr(PangoLayout) left = make_layout (render, left_markup, BODY_SIZE - 0.5, half - 2 * padding);
  g_autoptr(PangoLayout) right = make_layout (render, right_markup, BODY_SIZE - 0.5, half - 2 * padding);
  double height = MAX (layout_height (left), layout_height (right)) + 2 * padding;

  cairo_rectangle (render->cr, MARGIN_X, y, CONTENT_WIDTH, height);
  cairo_set_source_rgb (render->cr, BOX_FILL);
  cairo_fill (render->cr);
  cairo_set_source_rgb (render->cr, RULE_COLOR);
  cairo_set_line_width (render->cr, 0.5);
  cairo_move_to (render->cr, MARGIN_X + half, y + padding / 2);
  cairo_line_to (render->cr, MARGIN_X + half, y + height - padding / 2);
  if (!first)
    {
      cairo_move_to (render->cr, MARGIN_X + padding, y);
      cairo_line_to (render->cr, MARGIN_X + CONTENT_WIDTH - padding, y);
    }
  cairo_stroke (render->cr);

  cairo_set_source_rgb (render->cr, TEXT_COLOR);
  show_layout (render, left, MARGIN_X + padding, y + padding);
  show_layout (render, right, MARGIN_X + half + padding, y + padding);
  return height;
}

static void
draw_document_header (Render *render)
{
  const Header *header = render->header;
  g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", header->title);
  g_autoptr(PangoLayout) title_layout = make_layout (render, title, 17, CONTENT_WIDTH);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(PangoLayout) subtitle_layout = NULL;
  g_autoptr(GString) patient = NULL;
  g_autoptr(GString) author = NULL;
  g_autoptr(GString) legal = NULL;
  g_autoptr(GString) custodian = NULL;
  double top, y;

  cairo_set_source_rgb (render->cr, ACCENT_COLOR);
  flow_layout (render, title_layout, MARGIN_X);

  if (header->document_date != NULL)
    {
      g_autofree char *text = g_markup_printf_escaped ("%s %s", _("Document date:"), header->document_date);

      g_string_append (subtitle, text);
    }
  if (header->version != NULL)
    {
      g_autofree char *text = g_markup_printf_escaped ("%s %s", _("Version:"), header->version);

      g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? "   ·   " : "", text);
    }
  if (subtitle->len > 0)
    {
      subtitle_layout = make_layout (render, subtitle->str, BODY_SIZE - 1, CONTENT_WIDTH);
      cairo_set_source_rgb (render->cr, MUTED_COLOR);
      render->y += 2;
      flow_layout (render, subtitle_layout, MARGIN_X);
    }
  render->y += 10;

  patient = info_cell (_("Patient"), header->patient_name, 12);
  append_field (patient, _("Fiscal code:"), header->patient_cf);
  append_field (patient, _("Date of birth:"), header->patient_birth);
  append_field (patient, _("Sex:"), header->patient_sex);
  author = info_cell (_("Author"), header->author_name, 10.5);
  append_field (author, _("Fiscal code:"), header->author_cf);
  append_field (author, _("Role:"), header->author_role);
  legal = info_cell (_("Legal authenticator"), header->legal_name, 10.5);
  append_field (legal, _("Fiscal code:"), header->legal_cf);
  append_field (legal, _("Signed on:"), header->legal_time);
  custodian = info_cell (_("Custodian"), header->custodian, 10.5);

  top = y = render->y;
  y += draw_info_row (render, patient->str, author->str, y, TRUE);
  y += draw_info_row (render, legal->str, custodian->str, y, FALSE);
  cairo_set_source_rgb (render->cr, RULE_COLOR);
  cairo_set_line_width (render->cr, 0.75);
  cairo_rectangle (render->cr, MARGIN_X, top, CONTENT_WIDTH, y - top);
  cairo_stroke (render->cr);
  render->y = y + 8;
}

/* ---- the whole document ------------------------------------------------- */

static cairo_status_t
discard_bytes (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_note (Render     *render,
           const char *text)
{
  g_autofree char *note = g_markup_printf_escaped ("<i>%s</i>", text);
  g_autoptr(PangoLayout) layout = make_layout (render, note, BODY_SIZE, CONTENT_WIDTH);

  render->y += 8;
  cairo_set_source_rgb (render->cr, MUTED_COLOR);
  flow_layout (render, layout, MARGIN_X);
}

static void
draw_body (Render *render)
{
  xmlNode *root = xmlDocGetRootElement (render->doc);
  xmlNode *component = first_child (root, "component");
  xmlNode *body = first_child (component, "structuredBody");
  int sections = 0;

  if (body == NULL)
    {
      draw_note (render, first_child (component, "nonXMLBody") != NULL
                         ? _("This document has an unstructured body, which cannot be shown here.")
                         : _("This document has no sections."));
      return;
    }
  for (xmlNode *child = body->children; child != NULL; child = child->next)
    {
      xmlNode *section = is_hl7 (child, "component") ? first_child (child, "section") : NULL;

      if (section == NULL)
        continue;
      draw_section (render, section, 0, CAIRO_PDF_OUTLINE_ROOT);
      sections++;
    }
  if (sections == 0)
    draw_note (render, _("This document has no sections."));
}

/* One layout pass; out NULL only counts the pages. Returns the page count,
 * or 0 with error set. */
static int
render_pass (xmlDoc        *doc,
             const Header  *header,
             int            total_pages,
             GByteArray    *out,
             GError       **error)
{
  cairo_surface_t *surface;
  cairo_font_options_t *options;
  cairo_status_t status;
  Render render = { 0 };

  surface = cairo_pdf_surface_create_for_stream (out != NULL ? append_bytes : discard_bytes, out,
                                                 PAGE_WIDTH, PAGE_HEIGHT);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, header->title);
  if (header->author_name != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, header->author_name);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Sintesi " PACKAGE_VERSION);

  render.cr = cairo_create (surface);
  render.context = pango_cairo_create_context (render.cr);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (render.context, options);
  cairo_font_options_destroy (options);
  render.header = header;
  render.doc = doc;
  render.page = 1;
  render.total_pages = total_pages;
  render.y = FIRST_PAGE_TOP;

  draw_document_header (&render);
  draw_body (&render);
  draw_footer (&render);
  cairo_show_page (render.cr);

  g_object_unref (render.context);
  cairo_destroy (render.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_FAILED,
                   _("The PDF could not be drawn: %s."), cairo_status_to_string (status));
      return 0;
    }
  return render.page;
}

GBytes *
sintesi_pdf_render_cda_doc (xmlDoc  *cda,
                            GError **error)
{
  Header header = { 0 };
  g_autoptr(GByteArray) out = NULL;
  int pages;

  g_return_val_if_fail (cda != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_hl7 (xmlDocGetRootElement (cda), "ClinicalDocument"))
    {
      g_set_error_literal (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_NOT_CDA,
                           _("The document is not an HL7 CDA: its root element is not a ClinicalDocument "
                             "in the urn:hl7-org:v3 namespace."));
      return NULL;
    }

  read_header (cda, &header);
  pages = render_pass (cda, &header, 0, NULL, error);
  if (pages > 0)
    {
      out = g_byte_array_new ();
      if (render_pass (cda, &header, pages, out, error) == 0)
        g_clear_pointer (&out, g_byte_array_unref);
    }
  header_clear (&header);
  return out != NULL ? g_byte_array_free_to_bytes (g_steal_pointer (&out)) : NULL;
}

GBytes *
sintesi_pdf_render_cda (GBytes  *cda_xml,
                        GError **error)
{
  xmlParserCtxt *parser;
  xmlDoc *doc;
  gsize size;
  const char *data;
  GBytes *pdf = NULL;

  g_return_val_if_fail (cda_xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (cda_xml, &size);
  if (size > SINTESI_PDF_RENDER_MAX_CDA_SIZE)
    {
      g_set_error (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_INVALID_XML,
                   _("The document is too large (%u MB); a CDA may be at most %d MB."),
                   (guint) (size / (1024 * 1024)), SINTESI_PDF_RENDER_MAX_CDA_SIZE / (1024 * 1024));
      return NULL;
    }
  if (size == 0)
    {
      g_set_error_literal (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_INVALID_XML,
                           _("The document is empty."));
      return NULL;
    }

  /* No network, no DTD loading, no entity substitution: an XXE attempt
   * stays an unexpanded reference, and a DTD is refused below. */
  parser = xmlNewParserCtxt ();
  doc = xmlCtxtReadMemory (parser, data, (int) size, "cda.xml", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *xml_error = xmlCtxtGetLastError (parser);
      g_autofree char *detail = g_strchomp (g_strdup (xml_error != NULL && xml_error->message != NULL
                                                      ? xml_error->message : ""));

      g_set_error (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_INVALID_XML,
                   _("The document is not well-formed XML (line %d: %s)."),
                   xml_error != NULL ? xml_error->line : 0, detail);
    }
  else if (doc->intSubset != NULL || doc->extSubset != NULL)
    g_set_error_literal (error, SINTESI_PDF_RENDER_ERROR, SINTESI_PDF_RENDER_ERROR_INVALID_XML,
                         _("The document declares a DTD, which a CDA must not have."));
  else
    pdf = sintesi_pdf_render_cda_doc (doc, error);

  if (doc != NULL)
    xmlFreeDoc (doc);
  xmlFreeParserCtxt (parser);
  return pdf;
}

gboolean
sintesi_pdf_render_cda_to_file (GBytes      *cda_xml,
                                const char  *path,
                                GError     **error)
{
  g_autoptr(GBytes) pdf = sintesi_pdf_render_cda (cda_xml, error);
  gsize size;
  const char *data;

  if (pdf == NULL)
    return FALSE;
  data = g_bytes_get_data (pdf, &size);
  return sintesi_write_file_atomic (path, data, size, 0644, error);
}
