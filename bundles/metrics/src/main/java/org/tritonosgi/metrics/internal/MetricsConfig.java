package org.tritonosgi.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.tritonosgi.metrics}; names and defaults follow Triton's Metrics frontend. */
@ObjectClassDefinition(name = "Triton metrics frontend",
        description = "Serves GET /metrics in Prometheus text format with Triton's metric names and labels.")
@interface MetricsConfig {

    @AttributeDefinition(name = "Address", description = "Address to listen on; 0.0.0.0 for every interface.")
    String address() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on (0 picks a free port).")
    int port() default 8002;

    @AttributeDefinition(name = "Threads", description = "Netty event-loop threads serving scrapes.")
    int thread_count() default 1;

    @AttributeDefinition(name = "Server filter",
            description = "LDAP filter selecting the InferenceServer to report, e.g. (server.id=triton).")
    String server_target() default "(server.id=*)";
}
