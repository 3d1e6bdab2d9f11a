package org.tritonosgi.grpc.internal;

import io.grpc.Metadata;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/** The open ModelStreamInfer streams of one server, so that stopping can end them. */
final class Streams {

    /** Metadata asking for the whole stream to end with a status on the first error instead of in-stream errors. */
    static final Metadata.Key<String> GRPC_ERROR = Metadata.Key.of("triton_grpc_error",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Set<StreamInfer> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger mostQueued = new AtomicInteger();
    private volatile boolean stopping;

    StreamInfer open(InferenceServer server, GrpcSettings settings,
            ServerCallStreamObserver<ModelStreamInferResponse> call, org.tritonosgi.api.trace.Tracing tracing) {
        Metadata headers = CallGate.headers();
        boolean errorEndsStream = headers != null && "true".equalsIgnoreCase(headers.get(GRPC_ERROR));
        StreamInfer stream = new StreamInfer(server, settings, call, headers, errorEndsStream, this, tracing);
        open.add(stream);
        if (stopping) {
            stream.stop();
        }
        return stream;
    }

    void closed(StreamInfer stream) {
        open.remove(stream);
    }

    /** A stream now holds this many responses for a client that is not reading. */
    void queued(int responses) {
        mostQueued.accumulateAndGet(responses, Math::max);
    }

    /** The most responses any stream of this server has held at once, for tests of max.response.pool.size. */
    int mostQueuedResponses() {
        return mostQueued.get();
    }

    /** Ends every stream with UNAVAILABLE once its requests in flight have answered. */
    void stop() {
        stopping = true;
        open.forEach(StreamInfer::stop);
    }

    /** Ends every stream now, with UNAVAILABLE. */
    void abort() {
        open.forEach(StreamInfer::abort);
    }
}
