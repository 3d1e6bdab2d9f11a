package org.tritonosgi.grpc.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Sits in front of every call: once the server is stopping, new calls end at once with UNAVAILABLE; otherwise the
 * call's metadata is made available to the services (header forwarding, {@code triton_grpc_error}).
 */
final class CallGate implements ServerInterceptor {

    private static final Context.Key<Metadata> HEADERS = Context.key("triton-grpc-headers");

    private volatile boolean closing;

    /** The metadata of the call running on this thread, or null outside a call. */
    static Metadata headers() {
        return HEADERS.get();
    }

    void close() {
        closing = true;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (closing) {
            call.close(GrpcErrors.exiting().getStatus(), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
    }
}
