/*
 * TEST CODE: a test double of libtritonserver.so for org.tritonosgi.core's tests. It implements exactly the
 * functions the Java binding declares, with the same names and signatures, over a faked model repository:
 *   identity            outputs = inputs (INPUTn -> OUTPUTn, other names unchanged), any datatype
 *   delayed_identity    the same after sleeping "delay_ms" (request parameter, else double_set_delay_ms)
 *   decoupled_identity  decoupled: "repeat" responses (default 3) echoing the inputs, then a final empty flag
 * Requests complete asynchronously: identity and decoupled ones on two long-lived worker threads (as Triton's
 * backend threads are), delayed ones each on a thread of its own so that many can sleep at once. Control functions
 * inject failures and count live objects.
 * It is not Triton and must never be shipped.
 */
#define _GNU_SOURCE
#include "tritonserver_double.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TENSORS 16
#define MAX_DIMS 8
#define MAX_CHUNKS 8
#define MAX_LIST 16

/* ---------------- live-object counters ---------------- */

enum { C_REQUEST, C_RESPONSE, C_ERROR, C_MESSAGE, C_ALLOCATOR, C_SERVER, C_OPTIONS, C_PARAMETER, C_BUFFER, C_COUNT };
static const char* COUNTER_NAMES[C_COUNT] = {"request", "response", "error", "message", "allocator", "server",
                                             "options", "parameter", "buffer"};
static int64_t live[C_COUNT];

static void count(int type, int delta) { __atomic_add_fetch(&live[type], delta, __ATOMIC_SEQ_CST); }

int64_t double_live(const char* type) {
  for (int i = 0; i < C_COUNT; i++) {
    if (strcmp(type, COUNTER_NAMES[i]) == 0) return __atomic_load_n(&live[i], __ATOMIC_SEQ_CST);
  }
  return -1;
}

/* ---------------- control ---------------- */

static pthread_mutex_t control_lock = PTHREAD_MUTEX_INITIALIZER;
static char fail_name[128];
static int fail_code;
static int64_t default_delay_ms = 100;
static uint32_t api_major = TRITONSERVER_API_VERSION_MAJOR, api_minor = TRITONSERVER_API_VERSION_MINOR;

void double_fail_next(const char* function_name, int code) {
  pthread_mutex_lock(&control_lock);
  snprintf(fail_name, sizeof fail_name, "%s", function_name);
  fail_code = code;
  pthread_mutex_unlock(&control_lock);
}

void double_set_delay_ms(int64_t delay_ms) { __atomic_store_n(&default_delay_ms, delay_ms, __ATOMIC_SEQ_CST); }

void double_set_api_version(uint32_t major, uint32_t minor) {
  api_major = major;
  api_minor = minor;
}

/* Off by default (the core's tests send every datatype through identity): when on, INPUT0 must be present and
 * BYTES, as the models' metadata declares, and Triton's message names the input (the frontends' conformance and
 * hostile-input tests use it). */
static int strict_datatypes;

void double_set_strict_datatypes(int strict) { __atomic_store_n(&strict_datatypes, strict, __ATOMIC_SEQ_CST); }

void double_reset(void) {
  double_set_strict_datatypes(0);
  double_fail_next("", 0);
  double_set_delay_ms(100);
  double_set_api_version(TRITONSERVER_API_VERSION_MAJOR, TRITONSERVER_API_VERSION_MINOR);
}

/* ---------------- errors ---------------- */

struct TRITONSERVER_Error {
  int code;
  char* message;
};

TRITONSERVER_Error* TRITONSERVER_ErrorNew(TRITONSERVER_Error_Code code, const char* msg) {
  TRITONSERVER_Error* e = calloc(1, sizeof *e);
  e->code = code;
  e->message = strdup(msg == NULL ? "" : msg);
  count(C_ERROR, 1);
  return e;
}

static TRITONSERVER_Error* errorf(int code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static TRITONSERVER_Error* errorf(int code, const char* fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return TRITONSERVER_ErrorNew(code, buffer);
}

void TRITONSERVER_ErrorDelete(TRITONSERVER_Error* error) {
  if (error == NULL) return;
  free(error->message);
  free(error);
  count(C_ERROR, -1);
}

TRITONSERVER_Error_Code TRITONSERVER_ErrorCode(TRITONSERVER_Error* error) { return error->code; }

const char* TRITONSERVER_ErrorMessage(TRITONSERVER_Error* error) { return error->message; }

/* Returns the injected error if the next call of this function was asked to fail. */
static TRITONSERVER_Error* injected(const char* function_name) {
  TRITONSERVER_Error* result = NULL;
  pthread_mutex_lock(&control_lock);
  if (fail_name[0] != '\0' && strcmp(fail_name, function_name) == 0) {
    fail_name[0] = '\0';
    result = errorf(fail_code, "injected failure in %s", function_name);
  }
  pthread_mutex_unlock(&control_lock);
  return result;
}

#define INJECT()                                      \
  do {                                                \
    TRITONSERVER_Error* injected_ = injected(__func__); \
    if (injected_ != NULL) return injected_;          \
  } while (0)

#define REQUIRE(ptr, what)                                                                   \
  do {                                                                                       \
    if ((ptr) == NULL) return errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s: %s is NULL", __func__, what); \
  } while (0)

TRITONSERVER_Error* TRITONSERVER_ApiVersion(uint32_t* major, uint32_t* minor) {
  INJECT();
  *major = api_major;
  *minor = api_minor;
  return NULL;
}

/* ---------------- messages ---------------- */

struct TRITONSERVER_Message {
  char* json;
  size_t size;
};

static TRITONSERVER_Message* message_new(char* json /* taken */) {
  TRITONSERVER_Message* m = calloc(1, sizeof *m);
  m->json = json;
  m->size = strlen(json);
  count(C_MESSAGE, 1);
  return m;
}

TRITONSERVER_Error* TRITONSERVER_MessageDelete(TRITONSERVER_Message* message) {
  INJECT();
  REQUIRE(message, "message");
  free(message->json);
  free(message);
  count(C_MESSAGE, -1);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_MessageSerializeToJson(TRITONSERVER_Message* message, const char** base,
                                                        size_t* byte_size) {
  INJECT();
  REQUIRE(message, "message");
  *base = message->json;
  *byte_size = message->size;
  return NULL;
}

/* ---------------- parameters ---------------- */

struct TRITONSERVER_Parameter {
  char* name;
  int type;
  char* string_value;
  int64_t int_value;
  bool bool_value;
  double double_value;
  const void* bytes;
  uint64_t byte_size;
};

TRITONSERVER_Parameter* TRITONSERVER_ParameterNew(const char* name, const TRITONSERVER_ParameterType type,
                                                  const void* value) {
  if (type == TRITONSERVER_PARAMETER_BYTES || name == NULL || value == NULL) return NULL;
  TRITONSERVER_Parameter* p = calloc(1, sizeof *p);
  p->name = strdup(name);
  p->type = type;
  switch (type) {
    case TRITONSERVER_PARAMETER_STRING: p->string_value = strdup((const char*)value); break;
    case TRITONSERVER_PARAMETER_INT: p->int_value = *(const int64_t*)value; break;
    case TRITONSERVER_PARAMETER_BOOL: p->bool_value = *(const bool*)value; break;
    default: p->double_value = *(const double*)value; break;
  }
  count(C_PARAMETER, 1);
  return p;
}

TRITONSERVER_Parameter* TRITONSERVER_ParameterBytesNew(const char* name, const void* byte_ptr, const uint64_t size) {
  TRITONSERVER_Parameter* p = calloc(1, sizeof *p);
  p->name = strdup(name);
  p->type = TRITONSERVER_PARAMETER_BYTES;
  p->bytes = byte_ptr;
  p->byte_size = size;
  count(C_PARAMETER, 1);
  return p;
}

void TRITONSERVER_ParameterDelete(TRITONSERVER_Parameter* parameter) {
  if (parameter == NULL) return;
  free(parameter->name);
  free(parameter->string_value);
  free(parameter);
  count(C_PARAMETER, -1);
}

/* ---------------- allocator ---------------- */

struct TRITONSERVER_ResponseAllocator {
  TRITONSERVER_ResponseAllocatorAllocFn_t alloc_fn;
  TRITONSERVER_ResponseAllocatorReleaseFn_t release_fn;
  TRITONSERVER_ResponseAllocatorStartFn_t start_fn;
};

TRITONSERVER_Error* TRITONSERVER_ResponseAllocatorNew(TRITONSERVER_ResponseAllocator** allocator,
    TRITONSERVER_ResponseAllocatorAllocFn_t alloc_fn, TRITONSERVER_ResponseAllocatorReleaseFn_t release_fn,
    TRITONSERVER_ResponseAllocatorStartFn_t start_fn) {
  INJECT();
  REQUIRE(alloc_fn, "alloc_fn");
  REQUIRE(release_fn, "release_fn");
  TRITONSERVER_ResponseAllocator* a = calloc(1, sizeof *a);
  a->alloc_fn = alloc_fn;
  a->release_fn = release_fn;
  a->start_fn = start_fn;
  count(C_ALLOCATOR, 1);
  *allocator = a;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ResponseAllocatorDelete(TRITONSERVER_ResponseAllocator* allocator) {
  INJECT();
  REQUIRE(allocator, "allocator");
  free(allocator);
  count(C_ALLOCATOR, -1);
  return NULL;
}

bool TRITONSERVER_LogIsEnabled(TRITONSERVER_LogLevel level);

/* ---------------- options ---------------- */

struct TRITONSERVER_ServerOptions {
  char server_id[128];
  int repository_count;
  int control_mode;
  char startup[MAX_LIST][128];
  int startup_count;
  bool strict_readiness;
  unsigned int exit_timeout;
  bool log_info, log_warn, log_error;
  int log_verbose;
};

TRITONSERVER_Error* TRITONSERVER_ServerOptionsNew(TRITONSERVER_ServerOptions** options) {
  INJECT();
  TRITONSERVER_ServerOptions* o = calloc(1, sizeof *o);
  snprintf(o->server_id, sizeof o->server_id, "triton");
  o->strict_readiness = true;
  o->exit_timeout = 30;
  count(C_OPTIONS, 1);
  *options = o;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerOptionsDelete(TRITONSERVER_ServerOptions* options) {
  INJECT();
  REQUIRE(options, "options");
  free(options);
  count(C_OPTIONS, -1);
  return NULL;
}

#define OPTION_SETTER(fn, type, body)                          \
  TRITONSERVER_Error* fn(TRITONSERVER_ServerOptions* options, type value) { \
    INJECT();                                                  \
    REQUIRE(options, "options");                               \
    body;                                                      \
    return NULL;                                               \
  }

OPTION_SETTER(TRITONSERVER_ServerOptionsSetServerId, const char*,
              snprintf(options->server_id, sizeof options->server_id, "%s", value))
OPTION_SETTER(TRITONSERVER_ServerOptionsSetModelRepositoryPath, const char*,
              (void)value; options->repository_count++)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetModelControlMode, TRITONSERVER_ModelControlMode,
              options->control_mode = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetStartupModel, const char*,
              if (options->startup_count < MAX_LIST) snprintf(options->startup[options->startup_count++], 128, "%s",
                                                              value))
OPTION_SETTER(TRITONSERVER_ServerOptionsSetStrictModelConfig, bool, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetPinnedMemoryPoolByteSize, uint64_t, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetMinSupportedComputeCapability, double, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetExitOnError, bool, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetStrictReadiness, bool, options->strict_readiness = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetExitTimeout, unsigned int, options->exit_timeout = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetModelLoadThreadCount, unsigned int, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetLogFile, const char*, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetLogInfo, bool, options->log_info = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetLogWarn, bool, options->log_warn = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetLogError, bool, options->log_error = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetLogFormat, const TRITONSERVER_LogFormat, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetLogVerbose, int, options->log_verbose = value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetMetrics, bool, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetGpuMetrics, bool, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetCpuMetrics, bool, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetMetricsInterval, uint64_t, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetBackendDirectory, const char*, (void)value)
OPTION_SETTER(TRITONSERVER_ServerOptionsSetRepoAgentDirectory, const char*, (void)value)

TRITONSERVER_Error* TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(TRITONSERVER_ServerOptions* options,
                                                                        int gpu_device, uint64_t size) {
  INJECT();
  REQUIRE(options, "options");
  (void)gpu_device;
  (void)size;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerOptionsSetBackendConfig(TRITONSERVER_ServerOptions* options,
    const char* backend_name, const char* setting, const char* value) {
  INJECT();
  REQUIRE(options, "options");
  REQUIRE(backend_name, "backend_name");
  REQUIRE(setting, "setting");
  REQUIRE(value, "value");
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerOptionsSetMetricsConfig(TRITONSERVER_ServerOptions* options,
    const char* name, const char* setting, const char* value) {
  INJECT();
  REQUIRE(options, "options");
  REQUIRE(name, "name");
  REQUIRE(setting, "setting");
  REQUIRE(value, "value");
  return NULL;
}

/* ---------------- the faked repository ---------------- */

enum { KIND_IDENTITY, KIND_DELAYED, KIND_DECOUPLED };
typedef struct {
  const char* name;
  int kind;
} FakeModel;
static const FakeModel MODELS[] = {
    {"decoupled_identity", KIND_DECOUPLED}, {"delayed_identity", KIND_DELAYED}, {"identity", KIND_IDENTITY}};
#define MODEL_COUNT ((int)(sizeof MODELS / sizeof MODELS[0]))

enum { STATE_NEVER, STATE_READY, STATE_UNLOADED };

struct TRITONSERVER_Server {
  pthread_mutex_t lock;
  pthread_cond_t idle;
  char server_id[128];
  int control_mode;
  bool strict_readiness;
  unsigned int exit_timeout;
  bool exiting;
  bool stopped;
  int inflight;
  int state[MODEL_COUNT];
  int64_t inference_count[MODEL_COUNT];
  int64_t success_ns[MODEL_COUNT];
  int64_t last_inference[MODEL_COUNT];
};

static bool log_levels[4];

bool TRITONSERVER_LogIsEnabled(TRITONSERVER_LogLevel level) {
  return level >= 0 && level < 4 && __atomic_load_n(&log_levels[level], __ATOMIC_SEQ_CST);
}

static int find_model(const char* name) {
  for (int i = 0; i < MODEL_COUNT; i++) {
    if (name != NULL && strcmp(MODELS[i].name, name) == 0) return i;
  }
  return -1;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Finds a ready model version, or the error Triton would give. Call with server->lock held. */
static TRITONSERVER_Error* ready_model(TRITONSERVER_Server* server, const char* name, int64_t version, int* index) {
  int i = find_model(name);
  if (i < 0) return errorf(TRITONSERVER_ERROR_NOT_FOUND, "Request for unknown model: '%s' is not found", name);
  if (version > 1) {
    return errorf(TRITONSERVER_ERROR_NOT_FOUND, "Request for unknown model: '%s' version %lld is not found", name,
                  (long long)version);
  }
  if (server->state[i] != STATE_READY) {
    if (version == 1) {
      return errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                    "Request for unknown model: '%s' version 1 is not at ready state", name);
    }
    return errorf(TRITONSERVER_ERROR_UNAVAILABLE, "Request for unknown model: '%s' has no available versions",
                  name);
  }
  *index = i;
  return NULL;
}

/* ---------------- server ---------------- */

TRITONSERVER_Error* TRITONSERVER_ServerNew(TRITONSERVER_Server** server, TRITONSERVER_ServerOptions* options) {
  INJECT();
  REQUIRE(options, "options");
  if (options->repository_count == 0) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "--model-repository must be specified");
  }
  TRITONSERVER_Server* s = calloc(1, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->idle, NULL);
  snprintf(s->server_id, sizeof s->server_id, "%s", options->server_id);
  s->control_mode = options->control_mode;
  s->strict_readiness = options->strict_readiness;
  s->exit_timeout = options->exit_timeout;
  for (int i = 0; i < MODEL_COUNT; i++) {
    s->state[i] = options->control_mode == TRITONSERVER_MODEL_CONTROL_EXPLICIT ? STATE_NEVER : STATE_READY;
  }
  for (int j = 0; j < options->startup_count; j++) {
    int i = find_model(options->startup[j]);
    if (i < 0) {
      pthread_mutex_destroy(&s->lock);
      pthread_cond_destroy(&s->idle);
      free(s);
      return errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s', failed to poll from model repository",
                    options->startup[j]);
    }
    s->state[i] = STATE_READY;
  }
  bool verbose = options->log_verbose > 0;
  bool info = verbose || options->log_info, warn = info || options->log_warn, error = warn || options->log_error;
  __atomic_store_n(&log_levels[0], info, __ATOMIC_SEQ_CST);
  __atomic_store_n(&log_levels[1], warn, __ATOMIC_SEQ_CST);
  __atomic_store_n(&log_levels[2], error, __ATOMIC_SEQ_CST);
  __atomic_store_n(&log_levels[3], verbose, __ATOMIC_SEQ_CST);
  count(C_SERVER, 1);
  *server = s;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerStop(TRITONSERVER_Server* server) {
  INJECT();
  REQUIRE(server, "server");
  pthread_mutex_lock(&server->lock);
  server->exiting = true;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += server->exit_timeout;
  while (server->inflight > 0) {
    if (pthread_cond_timedwait(&server->idle, &server->lock, &deadline) != 0 && server->inflight > 0) {
      pthread_mutex_unlock(&server->lock);
      return errorf(TRITONSERVER_ERROR_INTERNAL, "Exit timeout expired. Exiting immediately.");
    }
  }
  for (int i = 0; i < MODEL_COUNT; i++) {
    if (server->state[i] == STATE_READY) server->state[i] = STATE_UNLOADED;
  }
  server->stopped = true;
  pthread_mutex_unlock(&server->lock);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerDelete(TRITONSERVER_Server* server) {
  INJECT();
  REQUIRE(server, "server");
  TRITONSERVER_Error* stop = TRITONSERVER_ServerStop(server);
  if (stop != NULL) return stop;
  pthread_mutex_destroy(&server->lock);
  pthread_cond_destroy(&server->idle);
  memset(server, 0xdd, sizeof *server); /* a later use reads garbage, as with freed memory */
  free(server);
  count(C_SERVER, -1);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerSetExitTimeout(TRITONSERVER_Server* server, unsigned int timeout) {
  INJECT();
  REQUIRE(server, "server");
  pthread_mutex_lock(&server->lock);
  server->exit_timeout = timeout;
  pthread_mutex_unlock(&server->lock);
  return NULL;
}

static TRITONSERVER_Error* health(TRITONSERVER_Server* server, bool* result) {
  pthread_mutex_lock(&server->lock);
  bool exiting = server->exiting;
  pthread_mutex_unlock(&server->lock);
  if (exiting) return errorf(TRITONSERVER_ERROR_UNAVAILABLE, "Server exiting");
  *result = true;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerIsLive(TRITONSERVER_Server* server, bool* live) {
  INJECT();
  REQUIRE(server, "server");
  return health(server, live);
}

TRITONSERVER_Error* TRITONSERVER_ServerIsReady(TRITONSERVER_Server* server, bool* ready) {
  INJECT();
  REQUIRE(server, "server");
  return health(server, ready);
}

TRITONSERVER_Error* TRITONSERVER_ServerModelTransactionProperties(TRITONSERVER_Server* server,
    const char* model_name, const int64_t model_version, uint32_t* txn_flags, void** voidp) {
  INJECT();
  REQUIRE(server, "server");
  int i;
  pthread_mutex_lock(&server->lock);
  TRITONSERVER_Error* e = ready_model(server, model_name, model_version, &i);
  pthread_mutex_unlock(&server->lock);
  if (e != NULL) return e;
  *txn_flags = MODELS[i].kind == KIND_DECOUPLED ? TRITONSERVER_TXN_DECOUPLED : TRITONSERVER_TXN_ONE_TO_ONE;
  if (voidp != NULL) *voidp = NULL;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerMetadata(TRITONSERVER_Server* server, TRITONSERVER_Message** server_metadata) {
  INJECT();
  REQUIRE(server, "server");
  char* json;
  if (asprintf(&json, "{\"name\":\"%s\",\"version\":\"2.99.0-double\",\"extensions\":[\"classification\","
               "\"sequence\",\"model_repository\",\"model_configuration\",\"statistics\"]}",
               server->server_id) < 0) {
    return errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  *server_metadata = message_new(json);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerModelMetadata(TRITONSERVER_Server* server, const char* model_name,
    const int64_t model_version, TRITONSERVER_Message** model_metadata) {
  INJECT();
  REQUIRE(server, "server");
  int i;
  pthread_mutex_lock(&server->lock);
  TRITONSERVER_Error* e = ready_model(server, model_name, model_version, &i);
  pthread_mutex_unlock(&server->lock);
  if (e != NULL) return e;
  char* json;
  if (asprintf(&json, "{\"name\":\"%s\",\"versions\":[\"1\"],\"platform\":\"identity\",\"inputs\":[{\"name\":"
               "\"INPUT0\",\"datatype\":\"BYTES\",\"shape\":[-1,-1]}],\"outputs\":[{\"name\":\"OUTPUT0\","
               "\"datatype\":\"BYTES\",\"shape\":[-1,-1]}]}", MODELS[i].name) < 0) {
    return errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  *model_metadata = message_new(json);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerModelConfig(TRITONSERVER_Server* server, const char* model_name,
    const int64_t model_version, const uint32_t config_version, TRITONSERVER_Message** model_config) {
  INJECT();
  REQUIRE(server, "server");
  if (config_version != 1) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "model config version %u is not supported", config_version);
  }
  int i;
  pthread_mutex_lock(&server->lock);
  TRITONSERVER_Error* e = ready_model(server, model_name, model_version, &i);
  pthread_mutex_unlock(&server->lock);
  if (e != NULL) return e;
  char* json;
  /* int64 dims as JSON numbers, as Triton writes them; an unknown member the parser must ignore */
  if (asprintf(&json, "{\"name\":\"%s\",\"platform\":\"\",\"backend\":\"identity\",\"version_policy\":"
               "{\"latest\":{\"num_versions\":1}},\"max_batch_size\":8,\"input\":[{\"name\":\"INPUT0\","
               "\"data_type\":\"TYPE_STRING\",\"format\":\"FORMAT_NONE\",\"dims\":[-1],\"is_shape_tensor\":false}],"
               "\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_STRING\",\"dims\":[-1]}],"
               "\"instance_group\":[{\"name\":\"%s_0\",\"kind\":\"KIND_CPU\",\"count\":1,\"gpus\":[]}],"
               "\"parameters\":{\"delay\":{\"string_value\":\"%s\"}},"
               "\"model_transaction_policy\":{\"decoupled\":%s},\"future_member\":{\"x\":[1,2]}}",
               MODELS[i].name, MODELS[i].name, MODELS[i].kind == KIND_DELAYED ? "request" : "none",
               MODELS[i].kind == KIND_DECOUPLED ? "true" : "false") < 0) {
    return errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  *model_config = message_new(json);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerModelIndex(TRITONSERVER_Server* server, uint32_t flags,
                                                  TRITONSERVER_Message** model_index) {
  INJECT();
  REQUIRE(server, "server");
  char* json = calloc(1, 4096);
  strcat(json, "[");
  pthread_mutex_lock(&server->lock);
  bool exiting = server->exiting;
  for (int i = 0; i < MODEL_COUNT; i++) {
    int state = server->state[i];
    if ((flags & TRITONSERVER_INDEX_FLAG_READY) && state != STATE_READY) continue;
    if (json[1] != '\0') strcat(json, ",");
    char row[256];
    if (state == STATE_NEVER) {
      snprintf(row, sizeof row, "{\"name\":\"%s\"}", MODELS[i].name);
    } else if (state == STATE_READY) {
      snprintf(row, sizeof row, "{\"name\":\"%s\",\"version\":\"1\",\"state\":\"READY\"}", MODELS[i].name);
    } else {
      snprintf(row, sizeof row, "{\"name\":\"%s\",\"version\":\"1\",\"state\":\"UNAVAILABLE\",\"reason\":"
               "\"unloaded\"}", MODELS[i].name);
    }
    strcat(json, row);
  }
  pthread_mutex_unlock(&server->lock);
  strcat(json, "]");
  if (exiting) {
    free(json);
    return errorf(TRITONSERVER_ERROR_UNAVAILABLE, "Server not ready");
  }
  *model_index = message_new(json);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_ServerModelStatistics(TRITONSERVER_Server* server, const char* model_name,
    const int64_t model_version, TRITONSERVER_Message** model_stats) {
  INJECT();
  REQUIRE(server, "server");
  REQUIRE(model_name, "model_name");
  int only = -1;
  pthread_mutex_lock(&server->lock);
  if (model_name[0] != '\0') {
    TRITONSERVER_Error* e = ready_model(server, model_name, model_version, &only);
    if (e != NULL) {
      pthread_mutex_unlock(&server->lock);
      return e;
    }
  }
  char* json = calloc(1, 8192);
  strcat(json, "{\"model_stats\":[");
  bool first = true;
  for (int i = 0; i < MODEL_COUNT; i++) {
    if ((only >= 0 && i != only) || server->state[i] != STATE_READY) continue;
    char row[1024];
    int64_t n = server->inference_count[i], ns = server->success_ns[i];
    snprintf(row, sizeof row,
             "%s{\"name\":\"%s\",\"version\":\"1\",\"last_inference\":%lld,\"inference_count\":%lld,"
             "\"execution_count\":%lld,\"inference_stats\":{\"success\":{\"count\":%lld,\"ns\":%lld},"
             "\"fail\":{\"count\":0,\"ns\":0},\"queue\":{\"count\":%lld,\"ns\":0},\"compute_input\":{\"count\":0,"
             "\"ns\":0},\"compute_infer\":{\"count\":%lld,\"ns\":%lld},\"compute_output\":{\"count\":0,\"ns\":0},"
             "\"cache_hit\":{\"count\":0,\"ns\":0},\"cache_miss\":{\"count\":0,\"ns\":0}},\"batch_stats\":"
             "[{\"batch_size\":1,\"compute_input\":{\"count\":%lld,\"ns\":0},\"compute_infer\":{\"count\":%lld,"
             "\"ns\":%lld},\"compute_output\":{\"count\":%lld,\"ns\":0}}]}",
             first ? "" : ",", MODELS[i].name, (long long)server->last_inference[i], (long long)n, (long long)n,
             (long long)n, (long long)ns, (long long)n, (long long)n, (long long)ns, (long long)n, (long long)n,
             (long long)ns, (long long)n);
    strcat(json, row);
    first = false;
  }
  pthread_mutex_unlock(&server->lock);
  strcat(json, "]}");
  *model_stats = message_new(json);
  return NULL;
}

static TRITONSERVER_Error* load_unload(TRITONSERVER_Server* server, const char* model_name, int new_state) {
  REQUIRE(server, "server");
  REQUIRE(model_name, "model_name");
  pthread_mutex_lock(&server->lock);
  TRITONSERVER_Error* e = NULL;
  int i = find_model(model_name);
  if (server->exiting) {
    e = errorf(TRITONSERVER_ERROR_UNAVAILABLE, "Server not ready");
  } else if (server->control_mode != TRITONSERVER_MODEL_CONTROL_EXPLICIT) {
    e = errorf(TRITONSERVER_ERROR_UNAVAILABLE, "explicit model load / unload is not allowed if polling is enabled");
  } else if (i < 0) {
    e = errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to %s '%s', failed to poll from model repository",
               new_state == STATE_READY ? "load" : "unload", model_name);
  } else {
    server->state[i] = new_state;
  }
  pthread_mutex_unlock(&server->lock);
  return e;
}

TRITONSERVER_Error* TRITONSERVER_ServerLoadModel(TRITONSERVER_Server* server, const char* model_name) {
  INJECT();
  return load_unload(server, model_name, STATE_READY);
}

TRITONSERVER_Error* TRITONSERVER_ServerLoadModelWithParameters(TRITONSERVER_Server* server, const char* model_name,
    const TRITONSERVER_Parameter** parameters, const uint64_t parameter_count) {
  INJECT();
  bool has_config = false;
  for (uint64_t p = 0; p < parameter_count; p++) {
    const TRITONSERVER_Parameter* parameter = parameters[p];
    if (strcmp(parameter->name, "config") == 0) {
      if (parameter->type != TRITONSERVER_PARAMETER_STRING || parameter->string_value[0] != '{') {
        return errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s', 'config' must be JSON text",
                      model_name);
      }
      has_config = true;
    } else if (strncmp(parameter->name, "file:", 5) == 0) {
      if (parameter->type != TRITONSERVER_PARAMETER_BYTES) {
        return errorf(TRITONSERVER_ERROR_INVALID_ARG, "file parameter '%s' must be bytes", parameter->name);
      }
      volatile const char* touch = parameter->bytes; /* the bytes must be readable during the call */
      for (uint64_t b = 0; b < parameter->byte_size; b++) (void)touch[b];
    } else {
      return errorf(TRITONSERVER_ERROR_INVALID_ARG, "unrecognized load parameter '%s'", parameter->name);
    }
  }
  for (uint64_t p = 0; p < parameter_count; p++) {
    if (strncmp(parameters[p]->name, "file:", 5) == 0 && !has_config) {
      return errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s', files require a 'config'", model_name);
    }
  }
  return load_unload(server, model_name, STATE_READY);
}

TRITONSERVER_Error* TRITONSERVER_ServerUnloadModel(TRITONSERVER_Server* server, const char* model_name) {
  INJECT();
  return load_unload(server, model_name, STATE_UNLOADED);
}

TRITONSERVER_Error* TRITONSERVER_ServerUnloadModelAndDependents(TRITONSERVER_Server* server,
                                                                const char* model_name) {
  INJECT();
  return load_unload(server, model_name, STATE_UNLOADED);
}

/* ---------------- requests and responses ---------------- */

typedef struct {
  char name[128];
  int datatype;
  int64_t shape[MAX_DIMS];
  uint64_t dim_count;
  const void* chunk[MAX_CHUNKS];
  size_t chunk_size[MAX_CHUNKS];
  int chunk_count;
} Input;

struct TRITONSERVER_InferenceRequest {
  TRITONSERVER_Server* server;
  int model;
  char id[128];
  uint32_t flags;
  Input inputs[MAX_TENSORS];
  int input_count;
  char requested[MAX_TENSORS][128];
  int requested_count;
  int64_t delay_ms;
  int64_t repeat;
  bool fail_response;
  TRITONSERVER_InferenceRequestReleaseFn_t release_fn;
  void* release_userp;
  TRITONSERVER_ResponseAllocator* allocator;
  void* allocator_userp;
  TRITONSERVER_InferenceResponseCompleteFn_t response_fn;
  void* response_userp;
};

typedef struct {
  char name[128];
  int datatype;
  int64_t shape[MAX_DIMS];
  uint64_t dim_count;
  void* base;
  size_t byte_size;
  void* buffer_userp;
  int memory_type;
  int64_t memory_type_id;
  bool allocated;
} Output;

struct TRITONSERVER_InferenceResponse {
  TRITONSERVER_ResponseAllocator* allocator;
  const char* model;
  char id[128];
  TRITONSERVER_Error* error;
  Output outputs[MAX_TENSORS];
  int output_count;
  bool has_index;
  int64_t index;
};

TRITONSERVER_Error* TRITONSERVER_InferenceRequestNew(TRITONSERVER_InferenceRequest** inference_request,
    TRITONSERVER_Server* server, const char* model_name, const int64_t model_version) {
  INJECT();
  REQUIRE(server, "server");
  int i;
  pthread_mutex_lock(&server->lock);
  TRITONSERVER_Error* e = ready_model(server, model_name, model_version, &i);
  pthread_mutex_unlock(&server->lock);
  if (e != NULL) return e;
  TRITONSERVER_InferenceRequest* r = calloc(1, sizeof *r);
  r->server = server;
  r->model = i;
  r->delay_ms = -1;
  r->repeat = 3;
  count(C_REQUEST, 1);
  *inference_request = r;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestDelete(TRITONSERVER_InferenceRequest* inference_request) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  memset(inference_request, 0xdd, sizeof *inference_request);
  free(inference_request);
  count(C_REQUEST, -1);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetId(TRITONSERVER_InferenceRequest* inference_request,
                                                       const char* id) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  snprintf(inference_request->id, sizeof inference_request->id, "%s", id);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetFlags(TRITONSERVER_InferenceRequest* inference_request,
                                                          uint32_t flags) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  inference_request->flags = flags;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetCorrelationId(TRITONSERVER_InferenceRequest* inference_request,
                                                                  uint64_t correlation_id) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  (void)correlation_id;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetCorrelationIdString(
    TRITONSERVER_InferenceRequest* inference_request, const char* correlation_id) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  REQUIRE(correlation_id, "correlation_id");
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetPriorityUInt64(TRITONSERVER_InferenceRequest* inference_request,
                                                                   uint64_t priority) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  (void)priority;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(
    TRITONSERVER_InferenceRequest* inference_request, uint64_t timeout_us) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  (void)timeout_us;
  return NULL;
}

static Input* find_input(TRITONSERVER_InferenceRequest* r, const char* name) {
  for (int i = 0; i < r->input_count; i++) {
    if (strcmp(r->inputs[i].name, name) == 0) return &r->inputs[i];
  }
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestAddInput(TRITONSERVER_InferenceRequest* inference_request,
    const char* name, const TRITONSERVER_DataType datatype, const int64_t* shape, uint64_t dim_count) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  REQUIRE(name, "name");
  if (find_input(inference_request, name) != NULL) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "input '%s' already exists in request", name);
  }
  if (inference_request->input_count >= MAX_TENSORS || dim_count > MAX_DIMS) {
    return errorf(TRITONSERVER_ERROR_UNSUPPORTED, "the double takes at most %d inputs of %d dimensions",
                  MAX_TENSORS, MAX_DIMS);
  }
  if (datatype <= TRITONSERVER_TYPE_INVALID || datatype > TRITONSERVER_TYPE_BF16) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "input '%s' has invalid datatype %d", name, datatype);
  }
  Input* in = &inference_request->inputs[inference_request->input_count++];
  memset(in, 0, sizeof *in);
  snprintf(in->name, sizeof in->name, "%s", name);
  in->datatype = datatype;
  in->dim_count = dim_count;
  if (dim_count > 0) memcpy(in->shape, shape, dim_count * sizeof(int64_t));
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestAppendInputData(TRITONSERVER_InferenceRequest* inference_request,
    const char* name, const void* base, size_t byte_size, TRITONSERVER_MemoryType memory_type,
    int64_t memory_type_id) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  (void)memory_type_id;
  Input* in = find_input(inference_request, name);
  if (in == NULL) return errorf(TRITONSERVER_ERROR_INVALID_ARG, "input '%s' does not exist in request", name);
  if (memory_type != TRITONSERVER_MEMORY_CPU) {
    return errorf(TRITONSERVER_ERROR_UNSUPPORTED, "the double takes CPU memory only");
  }
  if (in->chunk_count >= MAX_CHUNKS) return errorf(TRITONSERVER_ERROR_UNSUPPORTED, "too many data chunks");
  in->chunk[in->chunk_count] = base;
  in->chunk_size[in->chunk_count++] = byte_size;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestAddRequestedOutput(TRITONSERVER_InferenceRequest* inference_request,
                                                                    const char* name) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  REQUIRE(name, "name");
  if (inference_request->requested_count >= MAX_TENSORS) {
    return errorf(TRITONSERVER_ERROR_UNSUPPORTED, "too many requested outputs");
  }
  snprintf(inference_request->requested[inference_request->requested_count++], 128, "%s", name);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetReleaseCallback(TRITONSERVER_InferenceRequest* inference_request,
    TRITONSERVER_InferenceRequestReleaseFn_t request_release_fn, void* request_release_userp) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  inference_request->release_fn = request_release_fn;
  inference_request->release_userp = request_release_userp;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetResponseCallback(
    TRITONSERVER_InferenceRequest* inference_request, TRITONSERVER_ResponseAllocator* response_allocator,
    void* response_allocator_userp, TRITONSERVER_InferenceResponseCompleteFn_t response_fn, void* response_userp) {
  INJECT();
  REQUIRE(inference_request, "inference_request");
  REQUIRE(response_allocator, "response_allocator");
  inference_request->allocator = response_allocator;
  inference_request->allocator_userp = response_allocator_userp;
  inference_request->response_fn = response_fn;
  inference_request->response_userp = response_userp;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetStringParameter(TRITONSERVER_InferenceRequest* request,
                                                                    const char* key, const char* value) {
  INJECT();
  REQUIRE(request, "request");
  REQUIRE(key, "key");
  REQUIRE(value, "value");
  if (strcmp(key, "fail") == 0) request->fail_response = true;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetIntParameter(TRITONSERVER_InferenceRequest* request,
                                                                 const char* key, const int64_t value) {
  INJECT();
  REQUIRE(request, "request");
  REQUIRE(key, "key");
  if (strcmp(key, "delay_ms") == 0) request->delay_ms = value;
  if (strcmp(key, "repeat") == 0) request->repeat = value;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetBoolParameter(TRITONSERVER_InferenceRequest* request,
                                                                  const char* key, const bool value) {
  INJECT();
  REQUIRE(request, "request");
  REQUIRE(key, "key");
  (void)value;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceRequestSetDoubleParameter(TRITONSERVER_InferenceRequest* request,
                                                                    const char* key, const double value) {
  INJECT();
  REQUIRE(request, "request");
  REQUIRE(key, "key");
  (void)value;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseDelete(TRITONSERVER_InferenceResponse* inference_response) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  for (int i = 0; i < inference_response->output_count; i++) {
    Output* o = &inference_response->outputs[i];
    if (!o->allocated) continue;
    TRITONSERVER_Error* e = inference_response->allocator->release_fn(
        inference_response->allocator, o->base, o->buffer_userp, o->byte_size, o->memory_type, o->memory_type_id);
    TRITONSERVER_ErrorDelete(e);
    count(C_BUFFER, -1);
  }
  TRITONSERVER_ErrorDelete(inference_response->error);
  memset(inference_response, 0xdd, sizeof *inference_response);
  free(inference_response);
  count(C_RESPONSE, -1);
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseError(TRITONSERVER_InferenceResponse* inference_response) {
  return inference_response->error;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseModel(TRITONSERVER_InferenceResponse* inference_response,
                                                        const char** model_name, int64_t* model_version) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  *model_name = inference_response->model;
  *model_version = 1;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseId(TRITONSERVER_InferenceResponse* inference_response,
                                                     const char** request_id) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  *request_id = inference_response->id;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseParameterCount(TRITONSERVER_InferenceResponse* inference_response,
                                                                 uint32_t* count) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  *count = inference_response->has_index ? 1 : 0;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseParameter(TRITONSERVER_InferenceResponse* inference_response,
    const uint32_t index, const char** name, TRITONSERVER_ParameterType* type, const void** vvalue) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  if (!inference_response->has_index || index != 0) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "out of bounds index %u", index);
  }
  *name = "index";
  *type = TRITONSERVER_PARAMETER_INT;
  *vvalue = &inference_response->index;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseOutputCount(TRITONSERVER_InferenceResponse* inference_response,
                                                              uint32_t* count) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  *count = (uint32_t)inference_response->output_count;
  return NULL;
}

TRITONSERVER_Error* TRITONSERVER_InferenceResponseOutput(TRITONSERVER_InferenceResponse* inference_response,
    const uint32_t index, const char** name, TRITONSERVER_DataType* datatype, const int64_t** shape,
    uint64_t* dim_count, const void** base, size_t* byte_size, TRITONSERVER_MemoryType* memory_type,
    int64_t* memory_type_id, void** userp) {
  INJECT();
  REQUIRE(inference_response, "inference_response");
  if (index >= (uint32_t)inference_response->output_count) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "out of bounds index %u", index);
  }
  Output* o = &inference_response->outputs[index];
  *name = o->name;
  *datatype = o->datatype;
  *shape = o->shape;
  *dim_count = o->dim_count;
  *base = o->base;
  *byte_size = o->byte_size;
  *memory_type = o->memory_type;
  *memory_type_id = o->memory_type_id;
  *userp = o->buffer_userp;
  return NULL;
}

static size_t element_size(int datatype) {
  static const size_t sizes[] = {0, 1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 0, 2};
  return sizes[datatype];
}

static size_t input_size(const Input* in) {
  size_t total = 0;
  for (int c = 0; c < in->chunk_count; c++) total += in->chunk_size[c];
  return total;
}

/* Checks what Triton checks synchronously in InferAsync: data present and of the size the shape asks for. */
static TRITONSERVER_Error* validate(TRITONSERVER_InferenceRequest* r) {
  if (r->response_fn == NULL || r->release_fn == NULL) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG, "release and response callbacks must be set");
  }
  const char* model = MODELS[r->model].name;
  bool has_input0 = false;
  for (int i = 0; i < r->input_count; i++) has_input0 = has_input0 || strcmp(r->inputs[i].name, "INPUT0") == 0;
  if (__atomic_load_n(&strict_datatypes, __ATOMIC_SEQ_CST) && !has_input0) {
    return errorf(TRITONSERVER_ERROR_INVALID_ARG,
                  "[request id: %s] model '%s' got %d input(s) but not its required input 'INPUT0'",
                  r->id[0] != '\0' ? r->id : "<id_unknown>", model, r->input_count);
  }
  for (int i = 0; i < r->input_count; i++) {
    const Input* in = &r->inputs[i];
    if (__atomic_load_n(&strict_datatypes, __ATOMIC_SEQ_CST) && strcmp(in->name, "INPUT0") == 0 &&
        in->datatype != TRITONSERVER_TYPE_BYTES) {
      static const char* names[] = {"INVALID", "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16",
                                    "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES", "BF16"};
      return errorf(TRITONSERVER_ERROR_INVALID_ARG,
                    "[request id: %s] inference input '%s' data-type is '%s', but model '%s' expects 'BYTES'",
                    r->id[0] != '\0' ? r->id : "<id_unknown>", in->name, names[in->datatype], model);
    }
    size_t size = element_size(in->datatype);
    if (size == 0) continue;
    size_t expected = size;
    for (uint64_t d = 0; d < in->dim_count; d++) expected *= (size_t)in->shape[d];
    if (input_size(in) != expected) {
      return errorf(TRITONSERVER_ERROR_INVALID_ARG,
                    "input byte size mismatch for input '%s' for model '%s'. Expected %zu, got %zu", in->name, model,
                    expected, input_size(in));
    }
  }
  for (int q = 0; q < r->requested_count; q++) {
    bool found = false;
    for (int i = 0; i < r->input_count; i++) {
      const char* in = r->inputs[i].name;
      char out[160];
      snprintf(out, sizeof out, strncmp(in, "INPUT", 5) == 0 ? "OUTPUT%s" : "%s",
               strncmp(in, "INPUT", 5) == 0 ? in + 5 : in);
      found = found || strcmp(out, r->requested[q]) == 0;
    }
    if (!found) {
      return errorf(TRITONSERVER_ERROR_INVALID_ARG, "unexpected inference output '%s' for model '%s'",
                    r->requested[q], model);
    }
  }
  return NULL;
}

static bool requested(TRITONSERVER_InferenceRequest* r, const char* output) {
  if (r->requested_count == 0) return true;
  for (int q = 0; q < r->requested_count; q++) {
    if (strcmp(r->requested[q], output) == 0) return true;
  }
  return false;
}

/* One response echoing the inputs through the allocator; allocation errors become the response's error. */
static TRITONSERVER_InferenceResponse* respond(TRITONSERVER_InferenceRequest* r, bool has_index, int64_t index) {
  TRITONSERVER_InferenceResponse* response = calloc(1, sizeof *response);
  count(C_RESPONSE, 1);
  response->allocator = r->allocator;
  response->model = MODELS[r->model].name;
  snprintf(response->id, sizeof response->id, "%s", r->id);
  response->has_index = has_index;
  response->index = index;
  if (r->fail_response) {
    response->error = errorf(TRITONSERVER_ERROR_INTERNAL, "model '%s' failed on request '%s' as asked",
                             response->model, r->id);
    return response;
  }
  for (int i = 0; i < r->input_count; i++) {
    const Input* in = &r->inputs[i];
    Output* o = &response->outputs[response->output_count];
    snprintf(o->name, sizeof o->name, strncmp(in->name, "INPUT", 5) == 0 ? "OUTPUT%s" : "%s",
             strncmp(in->name, "INPUT", 5) == 0 ? in->name + 5 : in->name);
    if (!requested(r, o->name)) continue;
    o->datatype = in->datatype;
    o->dim_count = in->dim_count;
    memcpy(o->shape, in->shape, sizeof o->shape);
    o->byte_size = input_size(in);
    TRITONSERVER_Error* e = r->allocator->alloc_fn(r->allocator, o->name, o->byte_size, TRITONSERVER_MEMORY_CPU, 0,
                                                   r->allocator_userp, &o->base, &o->buffer_userp, &o->memory_type,
                                                   &o->memory_type_id);
    if (e != NULL) {
      response->error = e;
      return response;
    }
    o->allocated = true;
    count(C_BUFFER, 1);
    response->output_count++;
    if (o->byte_size > 0 && o->base == NULL) {
      response->error = errorf(TRITONSERVER_ERROR_INTERNAL, "allocator gave no buffer for output '%s'", o->name);
      return response;
    }
    char* target = o->base;
    for (int c = 0; c < in->chunk_count; c++) {
      memcpy(target, in->chunk[c], in->chunk_size[c]);
      target += in->chunk_size[c];
    }
  }
  return response;
}

static void* run_request(void* arg) {
  TRITONSERVER_InferenceRequest* r = arg;
  TRITONSERVER_Server* server = r->server;
  int model = r->model;
  int64_t start = now_ns();
  if (MODELS[model].kind == KIND_DELAYED) {
    int64_t delay = r->delay_ms >= 0 ? r->delay_ms : __atomic_load_n(&default_delay_ms, __ATOMIC_SEQ_CST);
    struct timespec ts = {delay / 1000, (delay % 1000) * 1000000};
    nanosleep(&ts, NULL);
  }
  TRITONSERVER_InferenceResponseCompleteFn_t response_fn = r->response_fn;
  void* response_userp = r->response_userp;
  /* statistics are recorded when execution ends, before the responses go out */
  pthread_mutex_lock(&server->lock);
  server->inference_count[model]++;
  server->success_ns[model] += now_ns() - start;
  server->last_inference[model] = now_ms();
  pthread_mutex_unlock(&server->lock);
  if (MODELS[model].kind == KIND_DECOUPLED) {
    for (int64_t i = 0; i < r->repeat; i++) {
      if (r->allocator->start_fn != NULL) TRITONSERVER_ErrorDelete(r->allocator->start_fn(r->allocator,
                                                                                       r->allocator_userp));
      response_fn(respond(r, true, i), 0, response_userp);
    }
    r->release_fn(r, TRITONSERVER_REQUEST_RELEASE_ALL, r->release_userp); /* r belongs to the caller from here */
    response_fn(NULL, TRITONSERVER_RESPONSE_COMPLETE_FINAL, response_userp);
  } else {
    TRITONSERVER_InferenceResponse* response = respond(r, false, 0);
    /* no order between release and final response is promised: alternate to catch code that assumes one */
    if ((uintptr_t)r & 0x10) {
      r->release_fn(r, TRITONSERVER_REQUEST_RELEASE_ALL, r->release_userp);
      response_fn(response, TRITONSERVER_RESPONSE_COMPLETE_FINAL, response_userp);
    } else {
      response_fn(response, TRITONSERVER_RESPONSE_COMPLETE_FINAL, response_userp);
      r->release_fn(r, TRITONSERVER_REQUEST_RELEASE_ALL, r->release_userp);
    }
  }
  pthread_mutex_lock(&server->lock);
  if (--server->inflight == 0) pthread_cond_broadcast(&server->idle);
  pthread_mutex_unlock(&server->lock);
  return NULL;
}

static int spawn(void* (*body)(void*), void* arg) {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attributes, 256 * 1024);
  pthread_t thread;
  int rc = pthread_create(&thread, &attributes, body, arg);
  pthread_attr_destroy(&attributes);
  return rc;
}

/* The worker pool: a FIFO of requests served by WORKERS threads that live as long as the process. */
#define WORKERS 2
typedef struct Job {
  TRITONSERVER_InferenceRequest* request;
  struct Job* next;
} Job;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
static Job *queue_head, *queue_tail;
static int workers_started;

static void* worker(void* unused) {
  for (;;) {
    pthread_mutex_lock(&queue_lock);
    while (queue_head == NULL) pthread_cond_wait(&queue_ready, &queue_lock);
    Job* job = queue_head;
    queue_head = job->next;
    if (queue_head == NULL) queue_tail = NULL;
    pthread_mutex_unlock(&queue_lock);
    run_request(job->request);
    free(job);
  }
  return NULL;
}

static int enqueue(TRITONSERVER_InferenceRequest* request) {
  Job* job = calloc(1, sizeof *job);
  job->request = request;
  pthread_mutex_lock(&queue_lock);
  int rc = 0;
  while (workers_started < WORKERS && rc == 0) {
    rc = spawn(worker, NULL);
    if (rc == 0) workers_started++;
  }
  if (rc == 0) {
    if (queue_tail != NULL) queue_tail->next = job; else queue_head = job;
    queue_tail = job;
    pthread_cond_signal(&queue_ready);
  }
  pthread_mutex_unlock(&queue_lock);
  if (rc != 0) free(job);
  return rc;
}

TRITONSERVER_Error* TRITONSERVER_ServerInferAsync(TRITONSERVER_Server* server,
    TRITONSERVER_InferenceRequest* inference_request, TRITONSERVER_InferenceTrace* trace) {
  INJECT();
  REQUIRE(server, "server");
  REQUIRE(inference_request, "inference_request");
  (void)trace;
  TRITONSERVER_Error* e = validate(inference_request);
  if (e != NULL) return e;
  pthread_mutex_lock(&server->lock);
  if (server->exiting || server->state[inference_request->model] != STATE_READY) {
    pthread_mutex_unlock(&server->lock);
    return errorf(TRITONSERVER_ERROR_UNAVAILABLE, "Server is stopping, scheduler for model has stopped "
                  "accepting new inference requests");
  }
  server->inflight++;
  pthread_mutex_unlock(&server->lock);
  int rc = MODELS[inference_request->model].kind == KIND_DELAYED ? spawn(run_request, inference_request)
                                                                  : enqueue(inference_request);
  if (rc != 0) {
    pthread_mutex_lock(&server->lock);
    if (--server->inflight == 0) pthread_cond_broadcast(&server->idle);
    pthread_mutex_unlock(&server->lock);
    return errorf(TRITONSERVER_ERROR_UNAVAILABLE, "cannot start a request thread (%d)", rc);
  }
  return NULL;
}
