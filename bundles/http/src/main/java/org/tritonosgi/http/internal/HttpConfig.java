package org.tritonosgi.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.tritonosgi.http}; names follow Triton's KServeHttp options. */
@ObjectClassDefinition(name = "Triton HTTP frontend",
        description = "Serves the KServe v2 HTTP/REST protocol for one InferenceServer.")
@interface HttpConfig {

    @AttributeDefinition(name = "Address", description = "Address to listen on; 0.0.0.0 for every interface.")
    String address() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on (0 picks a free port).")
    int port() default 8000;

    @AttributeDefinition(name = "Threads", description = "Netty event-loop threads serving connections.")
    int thread_count() default 8;

    @AttributeDefinition(name = "Maximum request size",
            description = "Largest request body in bytes; a larger one gets 413.")
    int max_input_size() default 64 * 1024 * 1024;

    @AttributeDefinition(name = "Server filter",
            description = "LDAP filter selecting the InferenceServer to serve, e.g. (server.id=triton).")
    String server_target() default "(server.id=*)";
}
