package org.tritonosgi.embedded.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.tritonosgi.embedded}; names follow Triton's server options. */
@ObjectClassDefinition(name = "Triton embedded engine",
        description = "Serves a Triton model repository in process and registers it as an InferenceServer.")
@interface EmbeddedConfig {

    @AttributeDefinition(name = "Model repositories",
            description = "Directories holding Triton model folders (<repo>/<model>/config.pbtxt and numeric "
                    + "version folders). Several may be given, as a list or comma-separated.")
    String[] model_repository() default {};

    @AttributeDefinition(name = "Server id",
            description = "Name of this server in server metadata and in the service property server.id, "
                    + "which frontends select with server.target.")
    String server_id() default "triton";

    @AttributeDefinition(name = "Strict readiness",
            description = "If true, the server is ready only when every model version in the repository is ready.")
    boolean strict_readiness() default true;

    @AttributeDefinition(name = "Exit timeout (s)",
            description = "How long stopping waits for in-flight requests before abandoning them.")
    int exit_timeout() default 30;

    @AttributeDefinition(name = "Execution threads",
            description = "Threads that run model executions; 0 means one per available processor.")
    int execution_thread_count() default 0;
}
