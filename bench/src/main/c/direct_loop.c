/*
 * The raw limit of the native core's per-inference cost: N sequential inferences of a [1,16] FP32 tensor through
 * model "identity", calling the TRITONSERVER C API directly (no JNA), against the same library the Java benchmark
 * loads (our C test double of libtritonserver, bundles/core/src/test/c). bench/run.sh compiles and runs it.
 *
 * Once: server options, server new, response allocator. Per inference: request new, add input, append data,
 * release and response callbacks, infer async, wait for the response-complete and request-release callbacks,
 * read the output, delete the response and the request.
 *
 * Usage: direct_loop [iterations (default 200000)] [warm-up iterations (default 20000)]
 * Prints one line: "direct_loop ns_per_inference=<n> iterations=<n>".
 */
#define _GNU_SOURCE
#include "tritonserver_double.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TYPE_FP32 11

static void check(TRITONSERVER_Error* error, const char* what) {
  if (error != NULL) {
    fprintf(stderr, "direct_loop: %s failed: %s\n", what, TRITONSERVER_ErrorMessage(error));
    TRITONSERVER_ErrorDelete(error);
    exit(1);
  }
}

/* What the callbacks hand to the waiting loop. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t done;
  TRITONSERVER_InferenceResponse* response;
  int response_final;
  int request_released;
} Completion;

static TRITONSERVER_Error* alloc_fn(TRITONSERVER_ResponseAllocator* allocator, const char* tensor_name,
                                    size_t byte_size, TRITONSERVER_MemoryType memory_type, int64_t memory_type_id,
                                    void* userp, void** buffer, void** buffer_userp,
                                    TRITONSERVER_MemoryType* actual_memory_type, int64_t* actual_memory_type_id) {
  *buffer = byte_size == 0 ? NULL : malloc(byte_size);
  *buffer_userp = NULL;
  *actual_memory_type = TRITONSERVER_MEMORY_CPU;
  *actual_memory_type_id = 0;
  return NULL;
}

static TRITONSERVER_Error* release_fn(TRITONSERVER_ResponseAllocator* allocator, void* buffer, void* buffer_userp,
                                      size_t byte_size, TRITONSERVER_MemoryType memory_type,
                                      int64_t memory_type_id) {
  free(buffer);
  return NULL;
}

static void request_release(TRITONSERVER_InferenceRequest* request, const uint32_t flags, void* userp) {
  Completion* c = userp;
  pthread_mutex_lock(&c->lock);
  c->request_released = 1;
  pthread_cond_signal(&c->done);
  pthread_mutex_unlock(&c->lock);
}

static void response_complete(TRITONSERVER_InferenceResponse* response, const uint32_t flags, void* userp) {
  Completion* c = userp;
  pthread_mutex_lock(&c->lock);
  if (response != NULL) c->response = response;
  if (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) c->response_final = 1;
  pthread_cond_signal(&c->done);
  pthread_mutex_unlock(&c->lock);
}

static float infer_once(TRITONSERVER_Server* server, TRITONSERVER_ResponseAllocator* allocator, Completion* c,
                        const float* input) {
  static const int64_t shape[] = {1, 16};
  TRITONSERVER_InferenceRequest* request;
  check(TRITONSERVER_InferenceRequestNew(&request, server, "identity", -1), "InferenceRequestNew");
  check(TRITONSERVER_InferenceRequestAddInput(request, "INPUT0", TYPE_FP32, shape, 2), "AddInput");
  check(TRITONSERVER_InferenceRequestAppendInputData(request, "INPUT0", input, 16 * sizeof(float),
                                                     TRITONSERVER_MEMORY_CPU, 0), "AppendInputData");
  check(TRITONSERVER_InferenceRequestSetReleaseCallback(request, request_release, c), "SetReleaseCallback");
  check(TRITONSERVER_InferenceRequestSetResponseCallback(request, allocator, NULL, response_complete, c),
        "SetResponseCallback");
  c->response = NULL;
  c->response_final = 0;
  c->request_released = 0;
  check(TRITONSERVER_ServerInferAsync(server, request, NULL), "ServerInferAsync");

  pthread_mutex_lock(&c->lock);
  while (!c->response_final || !c->request_released) pthread_cond_wait(&c->done, &c->lock);
  TRITONSERVER_InferenceResponse* response = c->response;
  pthread_mutex_unlock(&c->lock);

  check(TRITONSERVER_InferenceResponseError(response), "InferenceResponse");
  const char* name;
  TRITONSERVER_DataType datatype;
  const int64_t* out_shape;
  uint64_t dim_count;
  const void* base;
  size_t byte_size;
  TRITONSERVER_MemoryType memory_type;
  int64_t memory_type_id;
  void* userp;
  check(TRITONSERVER_InferenceResponseOutput(response, 0, &name, &datatype, &out_shape, &dim_count, &base,
                                             &byte_size, &memory_type, &memory_type_id, &userp),
        "InferenceResponseOutput");
  if (datatype != TYPE_FP32 || byte_size != 16 * sizeof(float) || dim_count != 2 || out_shape[1] != 16) {
    fprintf(stderr, "direct_loop: unexpected output '%s'\n", name);
    exit(1);
  }
  float last;
  memcpy(&last, (const char*)base + 15 * sizeof(float), sizeof last);
  check(TRITONSERVER_InferenceResponseDelete(response), "InferenceResponseDelete");
  check(TRITONSERVER_InferenceRequestDelete(request), "InferenceRequestDelete");
  return last;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char** argv) {
  long iterations = argc > 1 ? atol(argv[1]) : 200000;
  long warmup = argc > 2 ? atol(argv[2]) : 20000;
  if (iterations <= 0 || warmup < 0) {
    fprintf(stderr, "usage: direct_loop [iterations > 0] [warm-up iterations >= 0]\n");
    return 2;
  }

  TRITONSERVER_ServerOptions* options;
  check(TRITONSERVER_ServerOptionsNew(&options), "ServerOptionsNew");
  check(TRITONSERVER_ServerOptionsSetServerId(options, "direct_loop"), "SetServerId");
  check(TRITONSERVER_ServerOptionsSetModelRepositoryPath(options, "/models"), "SetModelRepositoryPath");
  TRITONSERVER_Server* server;
  check(TRITONSERVER_ServerNew(&server, options), "ServerNew");
  check(TRITONSERVER_ServerOptionsDelete(options), "ServerOptionsDelete");
  TRITONSERVER_ResponseAllocator* allocator;
  check(TRITONSERVER_ResponseAllocatorNew(&allocator, alloc_fn, release_fn, NULL), "ResponseAllocatorNew");

  Completion c = {.lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};
  float input[16];
  for (int i = 0; i < 16; i++) input[i] = (float)i;

  float sink = 0;
  for (long i = 0; i < warmup; i++) sink += infer_once(server, allocator, &c, input);
  double start = now_ns();
  for (long i = 0; i < iterations; i++) sink += infer_once(server, allocator, &c, input);
  double elapsed = now_ns() - start;
  if (sink != 15.0f * (float)(warmup + iterations)) {
    fprintf(stderr, "direct_loop: identity returned wrong values\n");
    return 1;
  }

  check(TRITONSERVER_ResponseAllocatorDelete(allocator), "ResponseAllocatorDelete");
  check(TRITONSERVER_ServerStop(server), "ServerStop");
  check(TRITONSERVER_ServerDelete(server), "ServerDelete");
  printf("direct_loop ns_per_inference=%.0f iterations=%ld\n", elapsed / (double)iterations, iterations);
  return 0;
}
