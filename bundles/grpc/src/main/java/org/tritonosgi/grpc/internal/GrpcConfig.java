package org.tritonosgi.grpc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of PID {@code org.tritonosgi.grpc} and of each factory configuration of
 * {@code org.tritonosgi.grpc.instance}; names and defaults follow Triton's KServeGrpc options.
 */
@ObjectClassDefinition(name = "Triton gRPC frontend",
        description = "Serves the KServe v2 gRPC protocol (inference.GRPCInferenceService) for one InferenceServer.")
@interface GrpcConfig {

    @AttributeDefinition(name = "Address", description = "Address to listen on; 0.0.0.0 for every interface.")
    String address() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on (0 picks a free port).")
    int port() default 8001;

    @AttributeDefinition(name = "Reuse port", description = "Set SO_REUSEPORT so several servers may share the port.")
    boolean reuse_port() default false;

    @AttributeDefinition(name = "Use TLS", description = "Serve TLS with the server certificate and key.")
    boolean use_ssl() default false;

    @AttributeDefinition(name = "Server certificate", description = "PEM file with the server certificate chain.")
    String server_cert() default "";

    @AttributeDefinition(name = "Server key", description = "PEM file with the server's PKCS#8 private key.")
    String server_key() default "";

    @AttributeDefinition(name = "Root certificate",
            description = "PEM file with the certificates that client certificates must chain to (mutual TLS).")
    String root_cert() default "";

    @AttributeDefinition(name = "Mutual TLS", description = "Require a client certificate signed by the root.")
    boolean use_mutual_auth() default false;

    @AttributeDefinition(name = "Keepalive time (ms)", description = "Ping an idle connection after this long.")
    long keepalive_time_ms() default 7_200_000L;

    @AttributeDefinition(name = "Keepalive timeout (ms)", description = "Close the connection when a ping is not"
            + " acknowledged within this time.")
    long keepalive_timeout_ms() default 20_000L;

    @AttributeDefinition(name = "Keepalive without calls",
            description = "Allow clients to send keepalive pings when no call is open.")
    boolean keepalive_permit_without_calls() default false;

    @AttributeDefinition(name = "HTTP/2 pings without data", description = "Pings the server may send without data"
            + " (0 = no limit). Validated for Triton parity only: grpc-java has no such setting and sends its keepalive"
            + " pings regardless.")
    int http2_max_pings_without_data() default 2;

    @AttributeDefinition(name = "Minimum client ping interval (ms)",
            description = "Clients pinging more often than this get strikes.")
    long http2_min_recv_ping_interval_without_data_ms() default 300_000L;

    @AttributeDefinition(name = "HTTP/2 ping strikes", description = "Bad pings tolerated before the connection is"
            + " closed. Validated for Triton parity only: grpc-java has no such setting (its keepalive enforcer"
            + " always allows 2 strikes).")
    int http2_max_ping_strikes() default 2;

    @AttributeDefinition(name = "Maximum connection age (ms)",
            description = "Close connections older than this, gracefully.")
    long max_connection_age_ms() default Integer.MAX_VALUE;

    @AttributeDefinition(name = "Maximum connection age grace (ms)",
            description = "Time calls get to finish after a connection reached its maximum age.")
    long max_connection_age_grace_ms() default Integer.MAX_VALUE;

    @AttributeDefinition(name = "Inference response compression",
            description = "Compression of ModelInfer / ModelStreamInfer responses; gzip for any level but none.",
            options = {@Option(label = "none", value = "none"), @Option(label = "low", value = "low"),
                @Option(label = "med", value = "med"), @Option(label = "high", value = "high")})
    String infer_compression_level() default "none";

    @AttributeDefinition(name = "Inference threads", description = "Threads running gRPC calls (never blocked by"
            + " inference, which completes asynchronously).")
    int infer_thread_count() default 2;

    @AttributeDefinition(name = "Inference allocation pool size",
            description = "Requests one ModelStreamInfer stream may have in flight before it stops reading.")
    int infer_allocation_pool_size() default 8;

    @AttributeDefinition(name = "Maximum response pool size",
            description = "Responses one ModelStreamInfer stream may hold for a client that is not reading them"
                    + " (a decoupled model answers whether or not the client reads). A response past this limit"
                    + " cancels its request in the engine and the client gets an in-stream error naming the limit"
                    + " (with the triton_grpc_error header, the stream ends with RESOURCE_EXHAUSTED). The default,"
                    + " as Triton's, sets no limit.")
    int max_response_pool_size() default Integer.MAX_VALUE;

    @AttributeDefinition(name = "Header forward pattern", description = "Regular expression; request metadata whose"
            + " key matches is passed to the model as string parameters. Empty forwards nothing.")
    String forward_header_pattern() default "";

    @AttributeDefinition(name = "Restricted protocols",
            description = "Triton's --grpc-restricted-protocol entries, each '<group>[,<group>...]:<key>=<value>'."
                    + " Groups: health, metadata, inference, shared-memory, model-config, model-repository,"
                    + " statistics, trace, logging. An RPC of a restricted group needs the metadata"
                    + " 'triton-grpc-protocol-<key>: <value>', otherwise it ends with UNAVAILABLE. The standard"
                    + " grpc.health.v1 and reflection services are never restricted.")
    String[] restricted_protocol() default {};

    @AttributeDefinition(name = "Allow client shared memory",
            description = "Let clients register system shared-memory regions (/dev/shm) and pass tensors through "
                    + "them, as Triton's --allow-client-shm. Off by default: a client that can register a region "
                    + "makes the server map memory it names.")
    boolean allow_client_shm() default false;

    @AttributeDefinition(name = "Server filter",
            description = "LDAP filter selecting the InferenceServer to serve, e.g. (server.id=triton).")
    String server_target() default "(server.id=*)";
}
