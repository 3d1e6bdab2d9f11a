package org.tritonosgi.tracing.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.tritonosgi.tracing}; names and defaults follow Triton's trace options. */
@ObjectClassDefinition(name = "Triton tracing",
        description = "Which requests the HTTP and gRPC frontends trace, and where the OpenTelemetry spans go. The "
                + "trace settings endpoints change the levels, rate and count at run time.")
@interface TracingConfig {

    @AttributeDefinition(name = "Trace level",
            description = "OFF, or TIMESTAMPS (and TENSORS, accepted as Triton does; spans carry timestamps only).")
    String[] trace_level() default {"OFF"};

    @AttributeDefinition(name = "Trace rate", description = "Trace one request of every N.")
    int trace_rate() default 1000;

    @AttributeDefinition(name = "Trace count", description = "Traces to take before stopping; -1 for no limit.")
    int trace_count() default -1;

    @AttributeDefinition(name = "Log frequency",
            description = "Accepted for Triton parity; spans are exported in batches as they end.")
    int log_frequency() default 0;

    @AttributeDefinition(name = "OTLP endpoint",
            description = "OTLP/HTTP (protobuf) traces endpoint the spans are exported to.")
    String otlp_endpoint() default "http://localhost:4318/v1/traces";

    @AttributeDefinition(name = "Service name", description = "OpenTelemetry resource attribute service.name.")
    String service_name() default "triton";
}
