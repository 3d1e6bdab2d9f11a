package org.tritonosgi.grpc.internal;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.tritonosgi.api.frontend.EndpointGroup;
import org.tritonosgi.api.frontend.Restrictions;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;

/**
 * Triton's restricted protocols (--grpc-restricted-protocol): an RPC of a restricted group ends with UNAVAILABLE
 * unless the call's metadata carries {@code triton-grpc-protocol-<header>} with exactly the configured value. The
 * groups and entries are the policy the HTTP frontend uses; only the metadata key prefix is gRPC's own, as Triton's.
 */
final class RestrictedProtocols implements ServerInterceptor {

    /** Triton's prefix of the metadata key a restricted RPC needs (HTTP/2 header names are lower case). */
    static final String KEY_PREFIX = "triton-grpc-protocol-";

    private static final Map<String, EndpointGroup> GROUPS = groups();

    private record Required(Metadata.Key<String> key, String value) {
    }

    private final Map<String, Required> byMethod = new HashMap<>();

    RestrictedProtocols(Restrictions restrictions) {
        GROUPS.forEach((method, group) -> {
            Restrictions.Header header = restrictions.required(group);
            if (header != null) {
                byMethod.put(method, new Required(key(header.name()), header.value()));
            }
        });
    }

    /**
     * The metadata key clients must send for a configured header name.
     *
     * @throws IllegalArgumentException when the name cannot be an ASCII gRPC metadata key
     */
    static Metadata.Key<String> key(String header) {
        String name = KEY_PREFIX + header.toLowerCase(Locale.ROOT);
        try {
            return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header '" + header + "' does not make a valid gRPC metadata key '"
                    + name + "' (" + e.getMessage() + ")");
        }
    }

    /** Checks that every restricted header makes a valid metadata key. */
    static void check(Restrictions restrictions) {
        for (EndpointGroup group : EndpointGroup.values()) {
            Restrictions.Header header = restrictions.required(group);
            if (header != null) {
                key(header.name());
            }
        }
    }

    /** The group of an RPC of GRPCInferenceService by its full method name, or null for other services. */
    static EndpointGroup group(String fullMethodName) {
        return GROUPS.get(fullMethodName);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Required required = byMethod.get(call.getMethodDescriptor().getFullMethodName());
        if (required != null && !required.value().equals(headers.get(required.key()))) {
            call.close(Status.UNAVAILABLE.withDescription("This protocol is restricted, expecting header '"
                    + required.key().name() + "'"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }

    private static Map<String, EndpointGroup> groups() {
        Map<String, EndpointGroup> groups = new HashMap<>();
        put(groups, EndpointGroup.HEALTH, "ServerLive", "ServerReady", "ModelReady");
        put(groups, EndpointGroup.METADATA, "ServerMetadata", "ModelMetadata");
        put(groups, EndpointGroup.INFERENCE, "ModelInfer", "ModelStreamInfer");
        put(groups, EndpointGroup.MODEL_CONFIG, "ModelConfig");
        put(groups, EndpointGroup.STATISTICS, "ModelStatistics");
        put(groups, EndpointGroup.MODEL_REPOSITORY, "RepositoryIndex", "RepositoryModelLoad",
                "RepositoryModelUnload");
        put(groups, EndpointGroup.SHARED_MEMORY, "SystemSharedMemoryStatus", "SystemSharedMemoryRegister",
                "SystemSharedMemoryUnregister", "CudaSharedMemoryStatus", "CudaSharedMemoryRegister",
                "CudaSharedMemoryUnregister");
        put(groups, EndpointGroup.TRACE, "TraceSetting");
        put(groups, EndpointGroup.LOGGING, "LogSettings");
        return Map.copyOf(groups);
    }

    private static void put(Map<String, EndpointGroup> groups, EndpointGroup group, String... rpcs) {
        for (String rpc : rpcs) {
            groups.put(GRPCInferenceServiceGrpc.SERVICE_NAME + "/" + rpc, group);
        }
    }
}
