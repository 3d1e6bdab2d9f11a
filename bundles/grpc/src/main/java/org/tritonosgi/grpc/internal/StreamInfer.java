package org.tritonosgi.grpc.internal;

import io.grpc.Metadata;
import org.tritonosgi.api.trace.RequestSpan;
import org.tritonosgi.api.trace.Tracing;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * One ModelStreamInfer stream. Requests run concurrently, each response is sent as the model produces it
 * (several for decoupled models, each flagged {@code triton_final_response}), and errors are reported in-stream
 * as Triton does. Flow control: the stream reads a new request only while fewer than the window are in flight
 * and the client is reading responses. A decoupled model answers whether or not the client reads, so responses
 * the call cannot take yet wait in this stream's own queue, at most {@link GrpcSettings#responsePoolSize()} of
 * them; one more cancels its request in the engine and reports an error for it instead.
 */
final class StreamInfer implements StreamObserver<ModelInferRequest> {

    private final InferenceServer server;
    private final GrpcSettings settings;
    private final ServerCallStreamObserver<ModelStreamInferResponse> call;
    private final Metadata headers;
    private final boolean errorEndsStream;
    private final Streams streams;
    private final Tracing tracing;
    private final Object lock = new Object();
    /** Messages waiting for the call to become ready; only those with a source count against the pool. */
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private int queuedResponses;
    private int inFlight;
    private int requested;
    private boolean halfClosed;
    private boolean stopping;
    private volatile boolean ended;

    /** A message for the client and the engine response whose buffers it wraps (null for errors). */
    private record Outgoing(ModelStreamInferResponse message, InferenceResponse source, boolean countsAgainstPool) {
        void release() {
            if (source != null) {
                source.close();
            }
        }
    }

    StreamInfer(InferenceServer server, GrpcSettings settings, ServerCallStreamObserver<ModelStreamInferResponse> call,
            Metadata headers, boolean errorEndsStream, Streams streams, Tracing tracing) {
        this.tracing = tracing;
        this.server = server;
        this.settings = settings;
        this.call = call;
        this.headers = headers;
        this.errorEndsStream = errorEndsStream;
        this.streams = streams;
        call.disableAutoRequest();
        call.setOnCancelHandler(() -> {
            synchronized (lock) {
                discardLocked();
            }
            streams.closed(this);
        });
        call.setOnReadyHandler(this::drain);
        if (settings.compressInferResponses()) {
            call.setCompression("gzip");
        }
        pull();
    }

    /** Asks for more requests while the window has room and the client keeps up with responses. */
    private void pull() {
        synchronized (lock) {
            while (!ended && !halfClosed && !stopping && inFlight + requested < settings.streamWindow()
                    && queue.isEmpty() && call.isReady()) {
                requested++;
                call.request(1);
            }
        }
    }

    @Override
    public void onNext(ModelInferRequest request) {
        boolean exiting;
        synchronized (lock) {
            requested--;
            inFlight++;
            exiting = stopping;
        }
        Model model;
        InferenceRequest inference;
        InferRequests.Decoded decoded;
        RequestSpan span = null;
        try {
            if (exiting) {
                throw TritonException.unavailable("Server exiting");
            }
            String name = InferenceService.model(request.getModelName());
            long version = InferRequests.version(request.getModelVersion());
            span = tracing == null ? null
                    : tracing.start("GRPC", name, version, key -> InferenceService.header(headers, key));
            model = server.model(name, version);
            decoded = InferRequests.decode(request, headers, settings.forwardHeaders(), server::systemSharedMemory);
            inference = decoded.request();
            if (span != null) {
                inference = inference.withTrace(span);
                span.received();
            }
        } catch (RuntimeException e) {
            InferenceService.sent(span, e);
            report(request, null, e);
            finished();
            return;
        }
        Request listener = new Request(request, model, span, decoded);
        try {
            model.infer(inference, listener);
        } catch (RuntimeException e) {
            listener.onError(TritonException.of(e));
        }
    }

    /** The listener of one request: its responses go out in order, and it ends exactly once. */
    private final class Request implements ResponseListener {
        private final ModelInferRequest request;
        private final Model model;
        private final boolean emptyFinal;
        private final AtomicBoolean done = new AtomicBoolean();
        private boolean finalSent;
        private volatile boolean failed;

        private final RequestSpan span;
        private final InferRequests.Decoded decoded;
        private volatile Throwable failure;

        Request(ModelInferRequest request, Model model, RequestSpan span, InferRequests.Decoded decoded) {
            this.decoded = decoded;
            this.request = request;
            this.model = model;
            this.span = span;
            this.emptyFinal = RequestParameters.emptyFinalResponse(request.getParametersMap());
        }

        @Override
        public void onResponse(InferenceResponse response) {
            if (span != null) {
                span.responding();
            }
            if (failed || ended) {
                response.close();
                return;
            }
            finalSent = response.isFinal();
            ModelStreamInferResponse message;
            try {
                message = ModelStreamInferResponse.newBuilder().setInferResponse(
                        InferResponses.withFinalFlag(InferResponses.encode(response, decoded.sharedOutputs(),
                                decoded.regions()), response.isFinal())).build();
            } catch (RuntimeException e) {
                response.close();
                fail(e);
                return;
            }
            if (!offer(new Outgoing(message, response, true))) {
                fail(poolFull());
            }
        }

        @Override
        public void onComplete() {
            if (!failed && !finalSent && emptyFinal) {
                ModelStreamInferResponse empty = ModelStreamInferResponse.newBuilder().setInferResponse(
                        InferResponses.withFinalFlag(ModelInferResponse.newBuilder().setModelName(model.name())
                                .setModelVersion(Long.toString(model.version())).setId(request.getId()), true))
                        .build();
                if (!offer(new Outgoing(empty, null, true))) {
                    fail(poolFull());
                }
            }
            end();
        }

        @Override
        public void onError(TritonException error) {
            if (!failed) {
                fail(error);
            }
            end();
        }

        /** True once this request failed (the engine may stop producing) or the stream ended. */
        @Override
        public boolean isCancelled() {
            return failed || ended;
        }

        private void fail(Throwable failure) {
            failed = true;
            this.failure = failure;
            report(request, model, failure);
        }

        private void end() {
            if (done.compareAndSet(false, true)) {
                InferenceService.sent(span, failure);
                finished();
            }
        }

        private StatusRuntimeException poolFull() {
            return Status.RESOURCE_EXHAUSTED.withDescription("response pool of " + settings.responsePoolSize()
                    + " responses is full for model '" + model.name() + "'; the client is not reading responses"
                    + " (max.response.pool.size)").asRuntimeException();
        }
    }

    /** Reports a failed request in-stream, or ends the stream with its status when the client asked for that. */
    private void report(ModelInferRequest request, Model model, Throwable failure) {
        if (errorEndsStream) {
            synchronized (lock) {
                if (!ended) {
                    discardLocked();
                    call.onError(GrpcErrors.status(failure));
                }
            }
            streams.closed(this);
            return;
        }
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setId(request.getId());
        if (model != null) {
            response.setModelName(model.name()).setModelVersion(Long.toString(model.version()));
        }
        offer(new Outgoing(ModelStreamInferResponse.newBuilder().setErrorMessage(GrpcErrors.message(failure))
                .setInferResponse(response).build(), null, false));
    }

    /**
     * Sends the message now if the call can take it, else queues it. Errors are always queued: there is at most
     * one per request, and requests are bounded by the window.
     *
     * @return false, the message released, when it is a response and the pool is full
     */
    private boolean offer(Outgoing out) {
        synchronized (lock) {
            if (ended) {
                out.release();
                return true;
            }
            if (queue.isEmpty() && call.isReady()) {
                write(out);
                return true;
            }
            if (out.countsAgainstPool()) {
                if (queuedResponses >= settings.responsePoolSize()) {
                    out.release();
                    return false;
                }
                queuedResponses++;
                streams.queued(queuedResponses);
            }
            queue.add(out);
            return true;
        }
    }

    /** The call became ready: sends what waits while it stays ready, then reads requests again. */
    private void drain() {
        synchronized (lock) {
            while (!ended && !queue.isEmpty() && call.isReady()) {
                Outgoing out = queue.poll();
                if (out.countsAgainstPool()) {
                    queuedResponses--;
                }
                write(out);
            }
            if (endIfIdleLocked()) {
                return;
            }
        }
        pull();
    }

    /** Called holding the lock. gRPC serialises the message inside onNext, so the source may close after it. */
    private void write(Outgoing out) {
        try {
            call.onNext(out.message());
        } finally {
            out.release();
        }
    }

    private void finished() {
        synchronized (lock) {
            inFlight--;
            if (ended || endIfIdleLocked()) {
                return;
            }
        }
        pull();
    }

    /** Called holding the lock: ends a half-closed or stopping stream once nothing is in flight or queued. */
    private boolean endIfIdleLocked() {
        if (ended || inFlight > 0 || !queue.isEmpty() || !(halfClosed || stopping)) {
            return ended;
        }
        end(stopping);
        return true;
    }

    @Override
    public void onError(Throwable t) {
        synchronized (lock) {
            discardLocked();
        }
        streams.closed(this);
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            halfClosed = true;
            endIfIdleLocked();
        }
    }

    /** Ends the stream with UNAVAILABLE once the requests in flight have answered and their responses are sent. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            endIfIdleLocked();
        }
    }

    /** Ends the stream now with UNAVAILABLE; queued and later responses are dropped. */
    void abort() {
        synchronized (lock) {
            if (!ended) {
                end(true);
            }
        }
    }

    /** Called holding the lock. */
    private void end(boolean exiting) {
        discardLocked();
        if (exiting) {
            call.onError(GrpcErrors.exiting());
        } else {
            call.onCompleted();
        }
        streams.closed(this);
    }

    /** Called holding the lock: the stream takes no more messages and gives queued responses back. */
    private void discardLocked() {
        ended = true;
        Outgoing out;
        while ((out = queue.poll()) != null) {
            out.release();
        }
        queuedResponses = 0;
    }
}
