package org.tritonosgi.grpc.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets a service's calls see request bytes that are no valid protobuf, so that such a call ends with
 * INVALID_ARGUMENT naming the method and the fault. Left to itself, grpc-java ends it with UNKNOWN "Application
 * error processing RPC" and lets the parse exception escape on the call executor; but a client's bad bytes are the
 * client's mistake.
 */
final class RequestParsing {

    private RequestParsing() {
    }

    /** The same service, its requests parsed by the call instead of by grpc-java's stream listener. */
    static ServerServiceDefinition wrap(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> wrapped = wrap(method);
            descriptor.addMethod(wrapped.getMethodDescriptor());
            methods.add(wrapped);
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static <Q, R> ServerMethodDefinition<Object, R> wrap(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> original = method.getMethodDescriptor();
        return ServerMethodDefinition.create(
                original.toBuilder(new Lenient<>(original), original.getResponseMarshaller()).build(),
                new Handler<>(method.getServerCallHandler(), original.getBareMethodName()));
    }

    /** What the lenient marshaller gives for bytes the method's own marshaller cannot parse. */
    private record Malformed(String reason) {
    }

    /** The method's own marshaller, except that a parse failure becomes a {@link Malformed} value. */
    private record Lenient<Q>(MethodDescriptor<Q, ?> method) implements MethodDescriptor.Marshaller<Object> {
        @Override
        @SuppressWarnings("unchecked")
        public InputStream stream(Object value) {
            return method.streamRequest((Q) value);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return method.parseRequest(stream);
            } catch (RuntimeException e) {
                return new Malformed(reason(e));
            }
        }
    }

    /** protobuf's first sentence, which says what is wrong, without the class names some of them carry. */
    static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof InvalidProtocolBufferException)) {
            cause = cause.getCause();
        }
        String text = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        int end = text.indexOf(". ");
        text = (end < 0 ? text : text.substring(0, end + 1)).replace("CodedInputStream encountered", "found").trim();
        if (text.isEmpty() || text.contains("Exception") || text.contains("Stream") || text.contains("java.")) {
            return "the bytes are not a valid protobuf encoding of the request message";
        }
        return text;
    }

    private record Handler<Q, R>(ServerCallHandler<Q, R> next, String method) implements ServerCallHandler<Object, R> {
        @Override
        @SuppressWarnings("unchecked")
        public ServerCall.Listener<Object> startCall(ServerCall<Object, R> call, Metadata headers) {
            // the call only ever hands the service parsed messages of type Q; Malformed ones stop at the guard
            return new Guard<>(call, next.startCall((ServerCall<Q, R>) (ServerCall<?, R>) call, headers), method);
        }
    }

    /**
     * Passes parsed messages on. On a malformed one the service hears that its call was cancelled, so it sends
     * nothing more, and the call ends with INVALID_ARGUMENT; later events are not passed on. grpc-java delivers a
     * call's events one at a time, so no locking is needed.
     */
    private static final class Guard<Q> extends ServerCall.Listener<Object> {
        private final ServerCall<Object, ?> call;
        private final ServerCall.Listener<Q> delegate;
        private final String method;
        private boolean rejected;

        Guard(ServerCall<Object, ?> call, ServerCall.Listener<Q> delegate, String method) {
            this.call = call;
            this.delegate = delegate;
            this.method = method;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Object message) {
            if (rejected) {
                return;
            }
            if (message instanceof Malformed malformed) {
                rejected = true;
                delegate.onCancel();
                try {
                    call.close(Status.INVALID_ARGUMENT.withDescription("malformed " + method + " request: "
                            + malformed.reason()), new Metadata());
                } catch (IllegalStateException alreadyClosed) {
                    // the service had ended the call before this message arrived; nothing more to say
                }
                return;
            }
            delegate.onMessage((Q) message);
        }

        @Override
        public void onHalfClose() {
            if (!rejected) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            if (!rejected) {
                delegate.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!rejected) {
                delegate.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (!rejected) {
                delegate.onReady();
            }
        }
    }
}
