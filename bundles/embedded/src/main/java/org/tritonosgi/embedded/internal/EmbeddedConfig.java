package org.tritonosgi.embedded.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of PID {@code org.tritonosgi.embedded}; names and defaults follow Triton's server options. */
@ObjectClassDefinition(name = "Triton embedded engine",
        description = "Serves a Triton model repository in process (ONNX Runtime and built-in backends) and "
                + "registers it as an InferenceServer.")
@interface EmbeddedConfig {

    @AttributeDefinition(name = "Model repositories",
            description = "Directories holding Triton model folders (<repo>/<model>/config.pbtxt and numeric "
                    + "version folders). Several may be given, as a list or comma-separated.")
    String[] model_repository() default {};

    @AttributeDefinition(name = "Server id",
            description = "Name of this server in server metadata and in the service property server.id, "
                    + "which frontends select with server.target.")
    String server_id() default "triton";

    @AttributeDefinition(name = "Model control mode",
            description = "none: load every model at start; explicit: load startup.models at start, then load and "
                    + "unload on request; poll: load every model and follow repository changes.",
            options = {@Option(value = "none", label = "none"), @Option(value = "explicit", label = "explicit"),
                    @Option(value = "poll", label = "poll")})
    String model_control_mode() default "none";

    @AttributeDefinition(name = "Startup models",
            description = "With explicit control: models to load at start; '*' loads every model.")
    String[] startup_models() default {};

    @AttributeDefinition(name = "Repository poll interval (s)",
            description = "With poll control: seconds between repository scans.")
    int repository_poll_secs() default 15;

    @AttributeDefinition(name = "Strict model configuration",
            description = "If false, missing inputs, outputs and max_batch_size are completed from the model file.")
    boolean strict_model_config() default false;

    @AttributeDefinition(name = "Strict readiness",
            description = "If true, the server is ready only when every loaded model version is ready.")
    boolean strict_readiness() default true;

    @AttributeDefinition(name = "Exit timeout (s)",
            description = "How long stopping waits for in-flight requests before failing them with UNAVAILABLE.")
    int exit_timeout() default 30;

    @AttributeDefinition(name = "Execution threads",
            description = "Threads that run model executions; 0 means two per available processor.")
    int execution_thread_count() default 0;

    @AttributeDefinition(name = "ONNX Runtime intra-op threads",
            description = "Threads ONNX Runtime uses inside one execution; 0 leaves ONNX Runtime's default. A "
                    + "model's parameter intra_op_thread_count overrides it.")
    int onnxruntime_intra_op_thread_count() default 1;

    @AttributeDefinition(name = "Default max batch size",
            description = "max_batch_size given to auto-completed models whose first dimension is variable.")
    int default_max_batch_size() default 4;

    @AttributeDefinition(name = "Response cache size (bytes)",
            description = "Bytes of output data Triton's local response cache may hold, least recently used "
                    + "first out; models opt in with response_cache { enable: true }. 0 disables the cache.")
    long response_cache_size() default 0;
}
