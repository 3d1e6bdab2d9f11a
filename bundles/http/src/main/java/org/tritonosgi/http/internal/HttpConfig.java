package org.tritonosgi.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of PID {@code org.tritonosgi.http} and of each factory configuration of
 * {@code org.tritonosgi.http.instance}; names and defaults follow Triton's KServeHttp options.
 */
@ObjectClassDefinition(name = "Triton HTTP frontend",
        description = "Serves the KServe v2 HTTP/REST protocol for one InferenceServer.")
@interface HttpConfig {

    @AttributeDefinition(name = "Address", description = "Address to listen on; 0.0.0.0 for every interface.")
    String address() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on (0 picks a free port).")
    int port() default 8000;

    @AttributeDefinition(name = "Reuse port",
            description = "Set SO_REUSEPORT (Linux epoll only), so several servers may share the port.")
    boolean reuse_port() default false;

    @AttributeDefinition(name = "Use TLS", description = "Serve HTTPS with the server certificate and key. The"
            + " files are read when the frontend starts, so replaced files take effect at its next (re)start, for"
            + " example after any configuration change.")
    boolean use_ssl() default false;

    @AttributeDefinition(name = "Server certificate",
            description = "PEM file with the server certificate chain, the server's own certificate first.")
    String server_cert() default "";

    @AttributeDefinition(name = "Server key",
            description = "PEM file with the server's unencrypted PKCS#8 private key (BEGIN PRIVATE KEY).")
    String server_key() default "";

    @AttributeDefinition(name = "Root certificate",
            description = "PEM file with the CA certificates that client certificates must chain to (mutual TLS).")
    String root_cert() default "";

    @AttributeDefinition(name = "Mutual TLS",
            description = "Require every client to present a certificate signed by the root certificate.")
    boolean use_mutual_auth() default false;

    @AttributeDefinition(name = "Threads", description = "Netty event-loop threads serving connections.")
    int thread_count() default 8;

    @AttributeDefinition(name = "Header forward pattern",
            description = "Regular expression; request headers whose names match are passed to the model as "
                    + "string request parameters. Empty forwards none.")
    String header_forward_pattern() default "";

    @AttributeDefinition(name = "Restricted APIs",
            description = "Triton's --http-restricted-api entries, each '<group>[,<group>...]:<header>=<value>'. "
                    + "Groups: health, metadata, inference, shared-memory, model-config, model-repository, "
                    + "statistics, trace, logging. A request to a restricted group without the header gets 403.")
    String[] restricted_api() default {};

    @AttributeDefinition(name = "Maximum request size",
            description = "Largest request body in bytes after decompression; a larger one gets 413.")
    int max_input_size() default 64 * 1024 * 1024;

    @AttributeDefinition(name = "Allow client shared memory",
            description = "Let clients register system shared-memory regions (/dev/shm) and pass tensors through "
                    + "them, as Triton's --allow-client-shm. Off by default: a client that can register a region "
                    + "makes the server map memory it names.")
    boolean allow_client_shm() default false;

    @AttributeDefinition(name = "Server filter",
            description = "LDAP filter selecting the InferenceServer to serve, e.g. (server.id=triton).")
    String server_target() default "(server.id=*)";
}
