package org.tritonosgi.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.tritonosgi.core}: the library and Triton's server options, Triton's defaults. */
@ObjectClassDefinition(name = "Triton native core",
        description = "Runs Triton's in-process server (libtritonserver) and registers it as an InferenceServer.")
@interface CoreConfig {

    @AttributeDefinition(name = "Library path",
            description = "Path of libtritonserver.so; empty means the system lookup (jna.library.path, "
                    + "LD_LIBRARY_PATH, /etc/ld.so.conf). Changing it needs a restart of the bundle.")
    String library_path() default "";

    @AttributeDefinition(name = "Model repositories",
            description = "Model repository paths (local or cloud URLs Triton understands), as a list or "
                    + "comma-separated. At least one is required.")
    String[] model_repository() default {};

    @AttributeDefinition(name = "Server id",
            description = "Name in server metadata and the service property server.id frontends select on.")
    String server_id() default "triton";

    @AttributeDefinition(name = "Model control mode", description = "none, poll or explicit.")
    String model_control_mode() default "none";

    @AttributeDefinition(name = "Startup models",
            description = "Models loaded at start in explicit mode (list or comma-separated).")
    String[] startup_models() default {};

    @AttributeDefinition(name = "Strict model config", description = "If true, no model configuration auto-complete.")
    boolean strict_model_config() default false;

    @AttributeDefinition(name = "Strict readiness",
            description = "If true, the server is ready only when every model is ready.")
    boolean strict_readiness() default true;

    @AttributeDefinition(name = "Exit timeout (s)",
            description = "How long stopping waits for in-flight requests before giving up.")
    int exit_timeout() default 30;

    @AttributeDefinition(name = "Exit on error", description = "Fail the start when a model fails to load.")
    boolean exit_on_error() default true;

    @AttributeDefinition(name = "Backend directory", description = "Root of <dir>/<backend>/libtriton_<backend>.so.")
    String backend_directory() default "/opt/tritonserver/backends";

    @AttributeDefinition(name = "Repository agent directory",
            description = "Root of <dir>/<agent>/libtritonrepoagent_<agent>.so.")
    String repoagent_directory() default "/opt/tritonserver/repoagents";

    @AttributeDefinition(name = "Pinned memory pool (bytes)", description = "Size of the pinned host memory pool.")
    long pinned_memory_pool_size() default 268435456L;

    @AttributeDefinition(name = "CUDA memory pools",
            description = "Entries <gpu>:<bytes>, e.g. 0:67108864 (list or comma-separated).")
    String[] cuda_memory_pool_sizes() default {};

    @AttributeDefinition(name = "Minimum compute capability", description = "Lowest CUDA compute capability used.")
    double min_supported_compute_capability() default 6.0;

    @AttributeDefinition(name = "Model load threads", description = "Threads that load models in parallel.")
    int model_load_thread_count() default 4;

    @AttributeDefinition(name = "Backend configuration",
            description = "Entries <backend>,<setting>=<value>, e.g. python,shm-default-byte-size=1048576.")
    String[] backend_config() default {};

    @AttributeDefinition(name = "Log file", description = "Triton's log file; empty means the console.")
    String log_file() default "";

    @AttributeDefinition(name = "Log info") boolean log_info() default true;

    @AttributeDefinition(name = "Log warnings") boolean log_warn() default true;

    @AttributeDefinition(name = "Log errors") boolean log_error() default true;

    @AttributeDefinition(name = "Verbose log level", description = "0 turns verbose logging off.")
    int log_verbose() default 0;

    @AttributeDefinition(name = "Log format", description = "default or ISO8601.")
    String log_format() default "default";

    @AttributeDefinition(name = "Metrics", description = "Triton's metrics master switch.")
    boolean metrics() default true;

    @AttributeDefinition(name = "GPU metrics") boolean metrics_gpu() default true;

    @AttributeDefinition(name = "CPU metrics") boolean metrics_cpu() default true;

    @AttributeDefinition(name = "Metrics interval (ms)") long metrics_interval_ms() default 2000L;

    @AttributeDefinition(name = "Metrics configuration",
            description = "Entries <setting>=<value> (global) or <group>,<setting>=<value>, e.g. summary_latencies=true.")
    String[] metrics_config() default {};
}
