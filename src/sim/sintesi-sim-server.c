/* sintesi-sim-server.c: a local FSE 2.0 gateway that checks like the real one */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#include "sintesi-paths.h"
#include "sintesi-pdf.h"
#include "sintesi-sim-checks.h"
#include "sintesi-validation.h"
#include "sintesi-sim-server.h"

G_DEFINE_QUARK (sintesi-sim-error-quark, sintesi_sim_error)

#define BASE_PATH "/gateway/v2/"
#define WII_SUFFIX "^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"

typedef enum
{
  DOCUMENT_ACTIVE,
  DOCUMENT_REPLACED,
  DOCUMENT_DELETED,
} DocumentState;

typedef struct
{
  char          *id;
  DocumentState  state;
  char          *workflow_instance_id;
} Document;

typedef struct
{
  char *workflow_instance_id;
  char *trace_id;
  char *event_type;
  char *event_status;
  char *event_date;
  char *document_id;
  char *message;
} StatusEvent;

struct _SintesiSimServer
{
  GObject        parent_instance;

  SoupServer    *server;
  GTlsDatabase  *client_database;
  char          *base_url;
  guint          request_count;
  GPtrArray     *captured;     /* SintesiSimCapturedRequest* */
  GPtrArray     *faults;       /* SintesiSimFault* */
  GHashTable    *documents;    /* id → Document* */
  GPtrArray     *events;       /* StatusEvent* */
  GPtrArray     *hung;         /* SoupServerMessage* paused for ever */
  SintesiRulesPackage *rules;  /* NULL: built-in checks stand in for the validator */
  char          *state_file;   /* NULL: documents and events live in memory */
  char          *expected_aud;
};

G_DEFINE_FINAL_TYPE (SintesiSimServer, sintesi_sim_server, G_TYPE_OBJECT)

/* ---- faults ---- */

void
sintesi_sim_fault_free (SintesiSimFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->path_prefix);
  g_free (fault);
}

SintesiSimFault *
sintesi_sim_fault_parse (const char  *spec,
                         GError     **error)
{
  g_autoptr(SintesiSimFault) fault = g_new0 (SintesiSimFault, 1);
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      const char *value = NULL;
      char *equals = strchr (items[i], '=');
      guint64 number = 0;

      key = equals != NULL ? g_strndup (items[i], equals - items[i]) : g_strdup (items[i]);
      value = equals != NULL ? equals + 1 : NULL;
      if (value != NULL && !g_str_equal (key, "path") &&
          !g_ascii_string_to_unsigned (value, 10, 0, 100000, &number, NULL))
        {
          g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_FAULT_SPEC,
                       _("Fault “%s”: “%s” is not a number."), spec, value);
          return NULL;
        }

      if (i == 0)
        {
          if (g_str_equal (key, "delay") && value != NULL)
            fault->kind = SINTESI_SIM_FAULT_DELAY;
          else if (g_str_equal (key, "hang") && value == NULL)
            fault->kind = SINTESI_SIM_FAULT_HANG;
          else if (g_str_equal (key, "reset") && value == NULL)
            fault->kind = SINTESI_SIM_FAULT_RESET;
          else if (g_str_equal (key, "status") && value != NULL && number >= 100 && number <= 599)
            fault->kind = SINTESI_SIM_FAULT_STATUS;
          else if (g_str_equal (key, "truncate") && value == NULL)
            fault->kind = SINTESI_SIM_FAULT_TRUNCATE;
          else if (g_str_equal (key, "no-cart-id") && value == NULL)
            fault->kind = SINTESI_SIM_FAULT_NO_CART_ID;
          else
            {
              g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_FAULT_SPEC,
                           _("Unknown fault “%s”: use delay=N, hang, reset, status=5xx, truncate or no-cart-id, optionally followed by ,on=N and ,path=/PREFIX."),
                           spec);
              return NULL;
            }
          fault->value = (guint) number;
        }
      else if (g_str_equal (key, "on") && value != NULL && number > 0)
        fault->on_request = (guint) number;
      else if (g_str_equal (key, "path") && value != NULL && *value == '/')
        fault->path_prefix = g_strdup (value);
      else
        {
          g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_FAULT_SPEC,
                       _("Fault “%s”: unknown qualifier “%s”."), spec, items[i]);
          return NULL;
        }
    }
  return g_steal_pointer (&fault);
}

void
sintesi_sim_config_clear (SintesiSimConfig *config)
{
  g_clear_pointer (&config->listen_address, g_free);
  g_clear_pointer (&config->cert_file, g_free);
  g_clear_pointer (&config->key_file, g_free);
  g_clear_object (&config->certificate);
  g_clear_pointer (&config->client_ca_file, g_free);
  g_clear_pointer (&config->rules_dir, g_free);
  g_clear_pointer (&config->state_file, g_free);
  g_clear_pointer (&config->expected_aud, g_free);
  g_clear_pointer (&config->faults, g_ptr_array_unref);
}

static SintesiSimFault *
find_fault (SintesiSimServer *self,
            const char       *path)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      SintesiSimFault *fault = g_ptr_array_index (self->faults, i);

      if (fault->on_request != 0 && fault->on_request != self->request_count)
        continue;
      if (fault->path_prefix != NULL && !g_str_has_prefix (path, fault->path_prefix))
        continue;
      return fault;
    }
  return NULL;
}

/* ---- small helpers ---- */

static void
captured_free (SintesiSimCapturedRequest *request)
{
  g_free (request->method);
  g_free (request->raw_path);
  g_free (request->headers);
  g_free (request->content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static void
document_free (Document *document)
{
  g_free (document->id);
  g_free (document->workflow_instance_id);
  g_free (document);
}

static void
event_free (StatusEvent *event)
{
  g_free (event->workflow_instance_id);
  g_free (event->trace_id);
  g_free (event->event_type);
  g_free (event->event_status);
  g_free (event->event_date);
  g_free (event->document_id);
  g_free (event->message);
  g_free (event);
}

static char *
random_hex (guint length)
{
  GString *hex = g_string_sized_new (length);

  for (guint i = 0; i < length; i++)
    g_string_append_c (hex, "0123456789abcdef"[g_random_int_range (0, 16)]);
  return g_string_free (hex, FALSE);
}

/* §6.1: create/replace derive it from the document id, delete/update from
 * the identificativoDoc; ten random hex characters make it unique. */
static char *
make_workflow_instance_id (const char *document_id,
                           gboolean    from_cda_id)
{
  g_autofree char *tail = random_hex (10);
  const char *caret = strrchr (document_id, '^');

  if (from_cda_id && caret != NULL)
    {
      g_autofree char *root = g_strndup (document_id, caret - document_id);
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, caret + 1, -1);
      return g_strdup_printf ("%s.%s.%s" WII_SUFFIX, root, hash, tail);
    }
  else
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, document_id, -1);
      return g_strdup_printf ("%s.%s" WII_SUFFIX, hash, tail);
    }
}

static void
add_event (SintesiSimServer *self,
           const char       *workflow_instance_id,
           const char       *trace_id,
           const char       *type,
           const char       *status,
           const char       *document_id,
           const char       *message)
{
  StatusEvent *event = g_new0 (StatusEvent, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  event->workflow_instance_id = g_strdup (workflow_instance_id);
  event->trace_id = g_strdup (trace_id);
  event->event_type = g_strdup (type);
  event->event_status = g_strdup (status);
  event->event_date = g_date_time_format_iso8601 (now);
  event->document_id = g_strdup (document_id);
  event->message = g_strdup (message);
  g_ptr_array_add (self->events, event);
}

/* ---- the state across runs (--state) ---- */

static const char * const document_states[] = { "active", "replaced", "deleted" };

static void
save_state (SintesiSimServer *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  Document *document;

  if (self->state_file == NULL)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->documents);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &document))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, document->id);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, document_states[document->state]);
      json_builder_set_member_name (builder, "workflowInstanceId");
      json_builder_add_string_value (builder, document->workflow_instance_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->events->len; i++)
    {
      StatusEvent *event = g_ptr_array_index (self->events, i);
      const char *names[] = { "workflowInstanceId", "traceId", "eventType", "eventStatus", "eventDate",
                              "identificativoDocumento", "message" };
      const char *values[] = { event->workflow_instance_id, event->trace_id, event->event_type, event->event_status,
                               event->event_date, event->document_id, event->message };

      json_builder_begin_object (builder);
      for (guint k = 0; k < G_N_ELEMENTS (names); k++)
        if (values[k] != NULL)
          {
            json_builder_set_member_name (builder, names[k]);
            json_builder_add_string_value (builder, values[k]);
          }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  if (!sintesi_write_file_atomic (self->state_file, text, -1, 0600, &error))
    g_warning ("cannot save the simulator state: %s", error->message);
}

static gboolean
load_state (SintesiSimServer  *self,
            GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonArray *array;

  if (!g_file_test (self->state_file, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!json_parser_load_from_file (parser, self->state_file, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("The simulator state “%s” is unreadable: %s"), self->state_file,
                   local_error != NULL ? local_error->message : "not a JSON object");
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  array = json_object_has_member (root, "documents") ? json_object_get_array_member (root, "documents") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      Document *document = g_new0 (Document, 1);
      const char *state = json_object_get_string_member_with_default (item, "state", "active");

      document->id = g_strdup (json_object_get_string_member_with_default (item, "id", ""));
      document->workflow_instance_id = g_strdup (json_object_get_string_member_with_default (item, "workflowInstanceId", ""));
      document->state = g_str_equal (state, "deleted") ? DOCUMENT_DELETED
                        : g_str_equal (state, "replaced") ? DOCUMENT_REPLACED : DOCUMENT_ACTIVE;
      g_hash_table_insert (self->documents, document->id, document);
    }
  array = json_object_has_member (root, "events") ? json_object_get_array_member (root, "events") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      StatusEvent *event = g_new0 (StatusEvent, 1);

      event->workflow_instance_id = g_strdup (json_object_get_string_member_with_default (item, "workflowInstanceId", ""));
      event->trace_id = g_strdup (json_object_get_string_member_with_default (item, "traceId", ""));
      event->event_type = g_strdup (json_object_get_string_member_with_default (item, "eventType", ""));
      event->event_status = g_strdup (json_object_get_string_member_with_default (item, "eventStatus", ""));
      event->event_date = g_strdup (json_object_get_string_member_with_default (item, "eventDate", ""));
      event->document_id = g_strdup (json_object_get_string_member_with_default (item, "identificativoDocumento", ""));
      event->message = g_strdup (json_object_get_string_member_with_default (item, "message", NULL));
      g_ptr_array_add (self->events, event);
    }
  return TRUE;
}

/* ---- answering ---- */

typedef struct
{
  guint  status;
  char  *content_type;
  char  *body;
  char  *cart_id;      /* NULL: no X-CART-id (fault) */
} Answer;

static void
answer_clear (Answer *answer)
{
  g_free (answer->content_type);
  g_free (answer->body);
  g_free (answer->cart_id);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
answer_problem (Answer            *answer,
                SintesiSimProblem *problem,
                const char        *trace_id,
                const char        *workflow_instance_id)
{
  answer->status = problem->http_status;
  answer->content_type = g_strdup ("application/problem+json");
  answer->body = sintesi_sim_problem_to_json (problem, trace_id, workflow_instance_id);
}

static void
answer_success (Answer     *answer,
                guint       status,
                const char *trace_id,
                const char *workflow_instance_id,
                const char *warning)
{
  g_autoptr(JsonBuilder) builder = sintesi_sim_answer_builder_new (trace_id);

  json_builder_set_member_name (builder, "workflowInstanceId");
  json_builder_add_string_value (builder, workflow_instance_id);
  if (warning != NULL)
    {
      json_builder_set_member_name (builder, "warning");
      json_builder_add_string_value (builder, warning);
    }
  answer->status = status;
  answer->content_type = g_strdup ("application/json");
  answer->body = sintesi_sim_answer_builder_finish (builder);
}

static void
send_answer (SoupServerMessage *msg,
             const Answer      *answer)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (answer->cart_id != NULL)
    soup_message_headers_replace (headers, "X-CART-id", answer->cart_id);
  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, answer->content_type, SOUP_MEMORY_COPY,
                                    answer->body, strlen (answer->body));
}

/* The connection closes with an RST, as a crashed peer or middlebox does. */
static void
reset_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr(GIOStream) stream = NULL;
  struct linger linger = { 1, 0 };

  if (socket != NULL)
    setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  stream = soup_server_message_steal_connection (msg);
  if (socket != NULL)
    g_socket_close (socket, NULL);
}

/* Headers announce more than is sent, then the connection closes. */
static void
send_truncated (SoupServerMessage *msg,
                const Answer      *answer)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  gsize length = strlen (answer->body);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: %s\r\n%s%s%sContent-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                                           answer->status, soup_status_get_phrase (answer->status),
                                           answer->content_type,
                                           answer->cart_id != NULL ? "X-CART-id: " : "",
                                           answer->cart_id != NULL ? answer->cart_id : "",
                                           answer->cart_id != NULL ? "\r\n" : "",
                                           length + 64);

  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, answer->body, length / 2, NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* ---- the operations ---- */

typedef struct
{
  char   *request_body;
  GBytes *file;
  gboolean request_body_is_file;
  gboolean has_file_part;
} Multipart;

static void
multipart_clear (Multipart *parts)
{
  g_free (parts->request_body);
  g_clear_pointer (&parts->file, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Multipart, multipart_clear)

static void
read_multipart (SoupServerMessage *msg,
                GBytes            *body,
                Multipart         *parts)
{
  g_autoptr(SoupMultipart) multipart = NULL;

  multipart = soup_multipart_new_from_message (soup_server_message_get_request_headers (msg), body);
  if (multipart == NULL)
    return;
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      const char *name;
      const char *filename;

      if (!soup_multipart_get_part (multipart, i, &part_headers, &part_body))
        continue;
      if (!soup_message_headers_get_content_disposition (part_headers, &disposition, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      filename = g_hash_table_lookup (params, "filename");
      if (g_strcmp0 (name, "requestBody") == 0)
        {
          /* With a filename it is a file, not the parameter (§2). */
          if (filename != NULL)
            parts->request_body_is_file = TRUE;
          else
            parts->request_body = g_strndup (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body));
        }
      else if (g_strcmp0 (name, "file") == 0 && filename != NULL)
        {
          parts->has_file_part = TRUE;
          parts->file = g_bytes_ref (part_body);
        }
    }
}

/* A string member of a JSON object, copied; NULL when absent. */
static char *
body_member (const char *json,
             const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), member, NULL));
}

/* The path id first (before any token check, §5.2–5.4), then the claims
 * (§5.1 steps 1–4). A create has no path id. */
static gboolean
check_path_and_claims (SintesiSimOperation  operation,
                       const char          *path_id,
                       const char          *signature,
                       const char          *trace_id,
                       Answer              *answer)
{
  g_autoptr(SintesiSimProblem) problem = NULL;

  if (operation != SINTESI_SIM_OP_CREATE && !sintesi_sim_is_valid_master_id (path_id))
    problem = sintesi_sim_problem_new (400, "/msg/id-doc", "Campo id documento non valido",
                                       operation == SINTESI_SIM_OP_REPLACE ? "/invalid-req-id" : "/invalid-id",
                                       "L'identificativo documento fornito in richiesta non è valido");
  else
    problem = sintesi_sim_check_signature_claims (signature, operation);
  if (problem == NULL)
    return TRUE;
  answer_problem (answer, problem, trace_id, NULL);
  return FALSE;
}

static void
handle_publication (SintesiSimServer    *self,
                    SoupServerMessage   *msg,
                    SintesiSimOperation  operation,
                    const char          *path_id,
                    const char          *trace_id,
                    Answer              *answer)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *signature = soup_message_headers_get_one (headers, "FSE-JWT-Signature");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_auto(Multipart) parts = { 0 };
  g_autoptr(SintesiSimProblem) problem = NULL;
  g_autofree char *workflow_instance_id = NULL;
  g_autofree char *warning = NULL;
  g_autoptr(GBytes) cda_xml = NULL;
  g_autoptr(SintesiCda) cda = NULL;
  g_autofree char *body_document_id = NULL;
  const char *document_id;
  Document *old = NULL;
  Document *document;

  if (!check_path_and_claims (operation, path_id, signature, trace_id, answer))
    return;

  read_multipart (msg, body, &parts);
  if (!parts.has_file_part)
    {
      problem = sintesi_sim_problem_new (400, "/msg/generic-error", "Errore generico.", "",
                                         "Required request part 'file' is not present");
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }
  problem = sintesi_sim_check_request_body (parts.request_body, operation);
  if (problem != NULL)
    {
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }
  problem = sintesi_sim_check_file (parts.file, signature);
  if (problem != NULL)
    {
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }

  body_document_id = body_member (parts.request_body, "identificativoDoc");
  document_id = body_document_id != NULL ? body_document_id : path_id;

  /* Steps 11–16: signature, cda.xml, the token against the CDA, the
   * workflowInstanceId from the CDA's id, validation. */
  problem = sintesi_sim_check_signature_of_pdf (parts.file);
  if (problem == NULL)
    {
      cda_xml = sintesi_pdf_get_cda (parts.file, NULL);
      if (cda_xml == NULL || (cda = sintesi_cda_load_bytes (cda_xml, "cda.xml", 0, NULL)) == NULL)
        {
          problem = sintesi_sim_problem_new (400, "/msg/cda-element", "Errore in fase di estrazione del CDA.",
                                             "/cda-extraction", "Impossibile estrarre il CDA dall'allegato cda.xml");
          problem->with_workflow_id = TRUE;
        }
    }
  if (problem == NULL)
    problem = sintesi_sim_check_cda_against_token (cda, signature, operation);
  if (problem != NULL)
    {
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }
  if (cda->id.root != NULL && cda->id.extension != NULL)
    {
      g_autofree char *cda_id = g_strconcat (cda->id.root, "^", cda->id.extension, NULL);
      workflow_instance_id = make_workflow_instance_id (cda_id, TRUE);
    }
  else
    {
      problem = sintesi_sim_problem_new (400, "/msg/workflow-id-error-extraction", "Errore generico.",
                                         "/msg/workflow-id-error-extraction", "Il CDA non ha un id");
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }
  problem = sintesi_sim_check_validation (cda, self->rules, &warning);
  if (problem != NULL)
    {
      add_event (self, workflow_instance_id, trace_id,
                 operation == SINTESI_SIM_OP_REPLACE ? "VALIDATION_FOR_REPLACE" : "VALIDATION_FOR_PUBLICATION",
                 "BLOCKING_ERROR", document_id, problem->detail);
      answer_problem (answer, problem, trace_id, workflow_instance_id);
      return;
    }

  problem = sintesi_sim_check_attachment_hash (parts.file, signature);
  if (problem == NULL)
    problem = sintesi_sim_check_repository_id (parts.request_body);
  if (problem != NULL)
    {
      add_event (self, workflow_instance_id, trace_id, "VALIDATION_FOR_PUBLICATION", "BLOCKING_ERROR", document_id, problem->title);
      answer_problem (answer, problem, trace_id, workflow_instance_id);
      return;
    }

  /* The document store: ids are never reused, deleted ones stay deleted. */
  if (operation == SINTESI_SIM_OP_REPLACE)
    {
      old = g_hash_table_lookup (self->documents, path_id);
      if (old == NULL || old->state != DOCUMENT_ACTIVE)
        {
          problem = sintesi_sim_problem_new (404, "/msg/record-not-found", "Record non trovato.", "/record-not-found",
                                             "Documento %s non trovato su INI", path_id);
          answer_problem (answer, problem, trace_id, workflow_instance_id);
          return;
        }
    }
  if (g_hash_table_contains (self->documents, document_id))
    {
      problem = sintesi_sim_problem_new (409, "/msg/ini-error", "Ini error.", "/msg/service-error/ini",
                                         "Un documento con identificativo %s è già presente", document_id);
      add_event (self, workflow_instance_id, trace_id, "SEND_TO_INI", "BLOCKING_ERROR", document_id, problem->detail);
      answer_problem (answer, problem, trace_id, workflow_instance_id);
      return;
    }

  if (old != NULL)
    old->state = DOCUMENT_REPLACED;
  document = g_new0 (Document, 1);
  document->id = g_strdup (document_id);
  document->state = DOCUMENT_ACTIVE;
  document->workflow_instance_id = g_strdup (workflow_instance_id);
  g_hash_table_insert (self->documents, document->id, document);

  add_event (self, workflow_instance_id, trace_id,
             operation == SINTESI_SIM_OP_REPLACE ? "VALIDATION_FOR_REPLACE" : "VALIDATION_FOR_PUBLICATION",
             "SUCCESS", document_id, NULL);
  add_event (self, workflow_instance_id, trace_id,
             operation == SINTESI_SIM_OP_REPLACE ? "REPLACE" : "PUBLICATION", "SUCCESS", document_id, NULL);
  add_event (self, workflow_instance_id, trace_id, "SEND_TO_INI", "SUCCESS", document_id, NULL);
  answer_success (answer, 202, trace_id, workflow_instance_id, warning != NULL ? warning : "");
}

static void
handle_delete_or_update (SintesiSimServer    *self,
                         SoupServerMessage   *msg,
                         SintesiSimOperation  operation,
                         const char          *path_id,
                         const char          *trace_id,
                         Answer              *answer)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *signature = soup_message_headers_get_one (headers, "FSE-JWT-Signature");
  g_autoptr(SintesiSimProblem) problem = NULL;
  g_autofree char *workflow_instance_id = NULL;
  Document *document;

  if (!check_path_and_claims (operation, path_id, signature, trace_id, answer))
    return;
  if (operation == SINTESI_SIM_OP_UPDATE)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autofree char *json = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      problem = sintesi_sim_check_request_body (json, operation);
      if (problem != NULL)
        {
          answer_problem (answer, problem, trace_id, NULL);
          return;
        }
    }

  workflow_instance_id = make_workflow_instance_id (path_id, FALSE);
  document = g_hash_table_lookup (self->documents, path_id);
  if (document == NULL || document->state != DOCUMENT_ACTIVE)
    {
      problem = sintesi_sim_problem_new (404, "/msg/record-not-found", "Record non trovato.", "/record-not-found",
                                         "Documento %s non trovato su INI", path_id);
      answer_problem (answer, problem, trace_id, workflow_instance_id);
      return;
    }

  if (operation == SINTESI_SIM_OP_DELETE)
    {
      document->state = DOCUMENT_DELETED;
      add_event (self, workflow_instance_id, trace_id, "EDS_DELETE", "SUCCESS", path_id, NULL);
      add_event (self, workflow_instance_id, trace_id, "INI_DELETE", "SUCCESS", path_id, NULL);
    }
  else
    {
      add_event (self, workflow_instance_id, trace_id, "INI_UPDATE", "SUCCESS", path_id, NULL);
      add_event (self, workflow_instance_id, trace_id, "EDS_UPDATE", "SUCCESS", path_id, NULL);
    }
  answer_success (answer, 200, trace_id, workflow_instance_id, NULL);
}

static void
handle_status (SintesiSimServer  *self,
               const char        *lookup,
               gboolean           by_trace,
               const char        *trace_id,
               Answer            *answer)
{
  g_autoptr(JsonBuilder) builder = sintesi_sim_answer_builder_new (trace_id);
  g_autofree char *body = NULL;
  guint found = 0;

  json_builder_set_member_name (builder, "transactionData");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->events->len; i++)
    {
      StatusEvent *event = g_ptr_array_index (self->events, i);

      if (!g_str_equal (by_trace ? event->trace_id : event->workflow_instance_id, lookup))
        continue;
      found++;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "eventType");
      json_builder_add_string_value (builder, event->event_type);
      json_builder_set_member_name (builder, "eventDate");
      json_builder_add_string_value (builder, event->event_date);
      json_builder_set_member_name (builder, "eventStatus");
      json_builder_add_string_value (builder, event->event_status);
      if (event->message != NULL)
        {
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, event->message);
        }
      json_builder_set_member_name (builder, "identificativoDocumento");
      json_builder_add_string_value (builder, event->document_id);
      json_builder_set_member_name (builder, "workflowInstanceId");
      json_builder_add_string_value (builder, event->workflow_instance_id);
      json_builder_set_member_name (builder, "traceId");
      json_builder_add_string_value (builder, event->trace_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  body = sintesi_sim_answer_builder_finish (builder);

  if (found == 0)
    {
      /* §6.2/§8: HTTP 400 with a body that says 404. */
      g_autoptr(SintesiSimProblem) problem = sintesi_sim_problem_new (400, "/msg/record-not-found", "Record non trovato.",
                                                                      "/record-not-found", "Nessun evento trovato");

      problem->body_status = 404;
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }
  answer->status = 200;
  answer->content_type = g_strdup ("application/json");
  answer->body = g_steal_pointer (&body);
}

static void
route (SintesiSimServer  *self,
       SoupServerMessage *msg,
       const char        *path,
       const char        *trace_id,
       Answer            *answer)
{
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(SintesiSimProblem) problem = NULL;
  g_autofree char *id = NULL;
  const char *rest;
  gboolean is_documents;
  gboolean needs_signature;

  if (!g_str_has_prefix (path, BASE_PATH))
    goto not_found;
  rest = path + strlen (BASE_PATH);
  /* Note: Tomcat refuses a raw "^" in the request target (§1.1), but
   * libsoup hands us the target already normalised, so a raw "^" and its
   * %5E form look the same here; the client's encoding is asserted by the
   * tests on the captured request line instead. */

  is_documents = g_str_has_prefix (rest, "documents/");
  needs_signature = is_documents;
  problem = sintesi_sim_check_frontier (soup_message_headers_get_one (headers, "Authorization"),
                                        soup_message_headers_get_one (headers, "FSE-JWT-Signature"),
                                        needs_signature, self->expected_aud, g_get_real_time () / G_USEC_PER_SEC);
  if (problem != NULL)
    {
      answer_problem (answer, problem, trace_id, NULL);
      return;
    }

  if (g_str_equal (rest, "documents/validate-and-create"))
    {
      if (!g_str_equal (method, "POST"))
        goto not_allowed;
      handle_publication (self, msg, SINTESI_SIM_OP_CREATE, NULL, trace_id, answer);
      return;
    }
  if (is_documents)
    {
      const char *segment = rest + strlen ("documents/");
      const char *slash = strchr (segment, '/');

      if (slash != NULL && !g_str_equal (slash, "/metadati"))
        goto not_found;
      id = g_uri_unescape_segment (segment, slash, NULL);
      if (id == NULL)
        goto not_found;
      if (slash != NULL)
        {
          if (!g_str_equal (method, "PUT"))
            goto not_allowed;
          handle_delete_or_update (self, msg, SINTESI_SIM_OP_UPDATE, id, trace_id, answer);
        }
      else if (g_str_equal (method, "PUT"))
        handle_publication (self, msg, SINTESI_SIM_OP_REPLACE, id, trace_id, answer);
      else if (g_str_equal (method, "DELETE"))
        handle_delete_or_update (self, msg, SINTESI_SIM_OP_DELETE, id, trace_id, answer);
      else
        goto not_allowed;
      return;
    }
  if (g_str_has_prefix (rest, "status/"))
    {
      gboolean by_trace = g_str_has_prefix (rest, "status/search/");
      const char *segment = rest + strlen (by_trace ? "status/search/" : "status/");

      if (!g_str_equal (method, "GET"))
        goto not_allowed;
      id = g_uri_unescape_string (segment, NULL);
      if (id == NULL || *id == '\0' || strchr (segment, '/') != NULL)
        goto not_found;
      handle_status (self, id, by_trace, trace_id, answer);
      return;
    }

not_found:
  problem = sintesi_sim_problem_new (404, "/msg/generic-error", "Errore generico.", "", "Risorsa non trovata: %s", path);
  answer_problem (answer, problem, trace_id, NULL);
  return;

not_allowed:
  problem = sintesi_sim_problem_new (405, "/msg/generic-error", "Errore generico.", "", "Metodo %s non supportato", method);
  answer_problem (answer, problem, trace_id, NULL);
}

static void
capture (SintesiSimServer  *self,
         SoupServerMessage *msg,
         const char        *path)
{
  SintesiSimCapturedRequest *request = g_new0 (SintesiSimCapturedRequest, 1);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  GString *text = g_string_new (NULL);

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->raw_path = g_strdup (path);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s: %s\n", name, value);
  request->headers = g_string_free (text, FALSE);
  request->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_ptr_array_add (self->captured, request);
}

typedef struct
{
  SintesiSimServer  *self;
  SoupServerMessage *msg;
  char              *path;
  gboolean           no_cart_id;
  gboolean           truncate;
} Pending;

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_object_unref (pending->msg);
  g_free (pending->path);
  g_free (pending);
}

static void
process (Pending *pending)
{
  g_auto(Answer) answer = { 0 };
  g_autofree char *trace_id = random_hex (16);

  if (!pending->no_cart_id)
    answer.cart_id = g_uuid_string_random ();
  route (pending->self, pending->msg, pending->path, trace_id, &answer);
  save_state (pending->self);
  if (pending->truncate)
    send_truncated (pending->msg, &answer);
  else
    send_answer (pending->msg, &answer);
}

static gboolean
process_delayed (gpointer user_data)
{
  Pending *pending = user_data;

  process (pending);
  soup_server_message_unpause (pending->msg);
  return G_SOURCE_REMOVE;
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SintesiSimServer *self = user_data;
  const char *raw_path = g_uri_get_path (soup_server_message_get_uri (msg));
  SintesiSimFault *fault;
  Pending *pending;

  self->request_count++;
  capture (self, msg, raw_path);
  fault = find_fault (self, raw_path);

  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->path = g_strdup (raw_path);

  if (fault != NULL)
    {
      switch (fault->kind)
        {
        case SINTESI_SIM_FAULT_DELAY:
          {
            /* On the server's own context, which may not be the global one. */
            g_autoptr(GSource) source = g_timeout_source_new (fault->value * 1000);

            soup_server_message_pause (msg);
            g_source_set_callback (source, process_delayed, pending, (GDestroyNotify) pending_free);
            g_source_attach (source, g_main_context_get_thread_default ());
            return;
          }
        case SINTESI_SIM_FAULT_HANG:
          soup_server_message_pause (msg);
          g_ptr_array_add (self->hung, g_object_ref (msg));
          pending_free (pending);
          return;
        case SINTESI_SIM_FAULT_RESET:
          reset_connection (msg);
          pending_free (pending);
          return;
        case SINTESI_SIM_FAULT_STATUS:
          {
            g_auto(Answer) answer = { 0 };
            g_autofree char *trace_id = random_hex (16);
            g_autoptr(SintesiSimProblem) problem = NULL;

            /* What a regional middleware answers when the gateway behind it fails. */
            problem = sintesi_sim_problem_new (fault->value,
                                               fault->value == 504 ? "mw/io_error" : "mw/internal_error",
                                               soup_status_get_phrase (fault->value), "",
                                               "Errore simulato (%u)", fault->value);
            answer.cart_id = g_uuid_string_random ();
            answer_problem (&answer, problem, trace_id, NULL);
            send_answer (msg, &answer);
            pending_free (pending);
            return;
          }
        case SINTESI_SIM_FAULT_TRUNCATE:
          pending->truncate = TRUE;
          break;
        case SINTESI_SIM_FAULT_NO_CART_ID:
          pending->no_cart_id = TRUE;
          break;
        default:
          break;
        }
    }
  process (pending);
  pending_free (pending);
}

/* ---- TLS ---- */

static gboolean
accept_client_certificate (SoupServerMessage    *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  SintesiSimServer *self = user_data;
  GTlsCertificateFlags flags;

  /* libsoup asks on every message (toolchain-notes pitfall 1): accept only a
   * certificate that verifies against the configured client CA, in date. */
  if (certificate == NULL)
    return FALSE;
  flags = g_tls_database_verify_chain (self->client_database, certificate,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT,
                                       NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  return flags == 0;
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (accept_client_certificate), user_data, 0);
}

/* ---- the object ---- */

static void
sintesi_sim_server_finalize (GObject *object)
{
  SintesiSimServer *self = SINTESI_SIM_SERVER (object);

  sintesi_sim_server_stop (self);
  g_clear_object (&self->server);
  g_clear_object (&self->client_database);
  g_free (self->base_url);
  g_ptr_array_unref (self->captured);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->documents);
  g_ptr_array_unref (self->events);
  g_ptr_array_unref (self->hung);
  g_clear_object (&self->rules);
  g_free (self->state_file);
  g_free (self->expected_aud);
  G_OBJECT_CLASS (sintesi_sim_server_parent_class)->finalize (object);
}

static void
sintesi_sim_server_class_init (SintesiSimServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sintesi_sim_server_finalize;
}

static void
sintesi_sim_server_init (SintesiSimServer *self)
{
  self->captured = g_ptr_array_new_with_free_func ((GDestroyNotify) captured_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sintesi_sim_fault_free);
  self->documents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) document_free);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->hung = g_ptr_array_new_with_free_func (g_object_unref);
}

SintesiSimServer *
sintesi_sim_server_new (const SintesiSimConfig  *config,
                        GError                 **error)
{
  g_autoptr(SintesiSimServer) self = g_object_new (SINTESI_TYPE_SIM_SERVER, NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;
  const char *host = config->listen_address != NULL ? config->listen_address : "127.0.0.1";

  if ((config->certificate == NULL && (config->cert_file == NULL || config->key_file == NULL)) ||
      config->client_ca_file == NULL)
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("The simulator needs --cert, --key and --client-ca."));
      return NULL;
    }
  if (config->certificate != NULL)
    certificate = g_object_ref (config->certificate);
  else
    certificate = g_tls_certificate_new_from_files (config->cert_file, config->key_file, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("Cannot load the server certificate: %s"), local_error->message);
      return NULL;
    }
  {
    /* GTlsFileDatabase wants an absolute path. */
    g_autofree char *anchors = g_canonicalize_filename (config->client_ca_file, NULL);
    self->client_database = g_tls_file_database_new (anchors, &local_error);
  }
  if (self->client_database == NULL)
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("Cannot load the client CA: %s"), local_error->message);
      return NULL;
    }
  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                   _("“%s” is not an IP address."), host);
      return NULL;
    }

  for (guint i = 0; config->faults != NULL && i < config->faults->len; i++)
    {
      SintesiSimFault *fault = g_ptr_array_index (config->faults, i);
      SintesiSimFault *copy = g_new0 (SintesiSimFault, 1);

      *copy = *fault;
      copy->path_prefix = g_strdup (fault->path_prefix);
      g_ptr_array_add (self->faults, copy);
    }

  self->expected_aud = g_strdup (config->expected_aud);
  if (config->state_file != NULL)
    {
      self->state_file = g_strdup (config->state_file);
      if (!load_state (self, error))
        return NULL;
    }
  if (config->rules_dir != NULL)
    {
      /* Compiled once: every request is validated with it. */
      self->rules = sintesi_validation_open_rules (config->rules_dir, &local_error);
      if (self->rules == NULL || !sintesi_rules_package_load (self->rules, &local_error))
        {
          g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_CONFIG,
                       _("Cannot use the rules package: %s"), local_error->message);
          return NULL;
        }
    }

  self->server = soup_server_new ("tls-certificate", certificate, "server-header", "sintesi-gateway-sim", NULL);
  soup_server_set_tls_database (self->server, self->client_database);
  soup_server_set_tls_auth_mode (self->server, G_TLS_AUTHENTICATION_REQUIRED);
  g_signal_connect_object (self->server, "request-started", G_CALLBACK (on_request_started), self, 0);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);

  socket_address = g_inet_socket_address_new (address, config->port);
  if (!soup_server_listen (self->server, socket_address, SOUP_SERVER_LISTEN_HTTPS, &local_error))
    {
      g_set_error (error, SINTESI_SIM_ERROR, SINTESI_SIM_ERROR_LISTEN,
                   _("Cannot listen on %s:%u: %s"), host, config->port, local_error->message);
      return NULL;
    }
  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    {
      GUri *uri = uris->data;
      g_autofree char *literal = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                 ? g_strdup_printf ("[%s]", host) : g_strdup (host);

      self->base_url = g_strdup_printf ("https://%s:%d" BASE_PATH, literal, g_uri_get_port (uri));
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&self);
}

const char *
sintesi_sim_server_get_base_url (SintesiSimServer *self)
{
  return self->base_url;
}

guint
sintesi_sim_server_get_request_count (SintesiSimServer *self)
{
  return self->request_count;
}

GPtrArray *
sintesi_sim_server_get_captured (SintesiSimServer *self)
{
  return self->captured;
}

void
sintesi_sim_server_add_fault (SintesiSimServer *self,
                              SintesiSimFault  *fault)
{
  g_ptr_array_add (self->faults, fault);
}

void
sintesi_sim_server_clear_faults (SintesiSimServer *self)
{
  g_ptr_array_set_size (self->faults, 0);
}

void
sintesi_sim_server_stop (SintesiSimServer *self)
{
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_ptr_array_set_size (self->hung, 0);
}
