package org.tritonosgi.grpc.internal;

import io.grpc.Metadata;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
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
 * and the client is reading responses, so a slow reader never makes the server buffer without bound.
 */
final class StreamInfer implements StreamObserver<ModelInferRequest> {

    private final InferenceServer server;
    private final GrpcSettings settings;
    private final ServerCallStreamObserver<ModelStreamInferResponse> call;
    private final Metadata headers;
    private final boolean errorEndsStream;
    private final Streams streams;
    private final Object lock = new Object();
    private int inFlight;
    private int requested;
    private boolean halfClosed;
    private boolean stopping;
    private boolean ended;

    StreamInfer(InferenceServer server, GrpcSettings settings, ServerCallStreamObserver<ModelStreamInferResponse> call,
            Metadata headers, boolean errorEndsStream, Streams streams) {
        this.server = server;
        this.settings = settings;
        this.call = call;
        this.headers = headers;
        this.errorEndsStream = errorEndsStream;
        this.streams = streams;
        call.disableAutoRequest();
        call.setOnCancelHandler(() -> {
            synchronized (lock) {
                ended = true;
            }
            streams.closed(this);
        });
        call.setOnReadyHandler(this::pull);
        if (settings.compressInferResponses()) {
            call.setCompression("gzip");
        }
        pull();
    }

    /** Asks for more requests while the window has room and the client keeps up with responses. */
    private void pull() {
        synchronized (lock) {
            while (!ended && !halfClosed && !stopping && inFlight + requested < settings.streamWindow()
                    && call.isReady()) {
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
        try {
            if (exiting) {
                throw TritonException.unavailable("Server exiting");
            }
            model = server.model(request.getModelName(), InferRequests.version(request.getModelVersion()));
            inference = InferRequests.decode(request, headers, settings.forwardHeaders());
        } catch (RuntimeException e) {
            report(request, null, e);
            finished();
            return;
        }
        boolean emptyFinal = RequestParameters.emptyFinalResponse(request.getParametersMap());
        try {
            model.infer(inference, listener(request, model, emptyFinal));
        } catch (RuntimeException e) {
            report(request, model, e);
            finished();
        }
    }

    private ResponseListener listener(ModelInferRequest request, Model model, boolean emptyFinal) {
        return new ResponseListener() {
            private boolean finalSent;

            @Override
            public void onResponse(InferenceResponse response) {
                try (response) {
                    finalSent = response.isFinal();
                    send(ModelStreamInferResponse.newBuilder().setInferResponse(
                            InferResponses.withFinalFlag(InferResponses.encode(response), response.isFinal())).build());
                } catch (RuntimeException e) {
                    report(request, model, e);
                    finalSent = true;
                }
            }

            @Override
            public void onComplete() {
                if (!finalSent && emptyFinal) {
                    send(ModelStreamInferResponse.newBuilder().setInferResponse(InferResponses.withFinalFlag(
                            ModelInferResponse.newBuilder().setModelName(model.name())
                                    .setModelVersion(Long.toString(model.version())).setId(request.getId()), true))
                            .build());
                }
                finished();
            }

            @Override
            public void onError(TritonException error) {
                report(request, model, error);
                finished();
            }
        };
    }

    /** Reports a failed request in-stream, or ends the stream with its status when the client asked for that. */
    private void report(ModelInferRequest request, Model model, Throwable failure) {
        if (errorEndsStream) {
            synchronized (lock) {
                if (!ended) {
                    ended = true;
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
        send(ModelStreamInferResponse.newBuilder().setErrorMessage(TritonException.of(failure).getMessage())
                .setInferResponse(response).build());
    }

    private void send(ModelStreamInferResponse response) {
        synchronized (lock) {
            if (!ended) {
                call.onNext(response);
            }
        }
    }

    private void finished() {
        synchronized (lock) {
            inFlight--;
            if (inFlight > 0 || ended) {
                return;
            }
            if (stopping) {
                end(true);
                return;
            }
            if (halfClosed) {
                end(false);
                return;
            }
        }
        pull();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (lock) {
            ended = true;
        }
        streams.closed(this);
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            halfClosed = true;
            if (inFlight == 0 && !ended) {
                end(stopping);
            }
        }
    }

    /** Ends the stream with UNAVAILABLE once the requests in flight have answered. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            if (inFlight == 0 && !ended) {
                end(true);
            }
        }
    }

    /** Ends the stream now with UNAVAILABLE; later responses are dropped. */
    void abort() {
        synchronized (lock) {
            if (!ended) {
                end(true);
            }
        }
    }

    /** Called holding the lock. */
    private void end(boolean exiting) {
        ended = true;
        if (exiting) {
            call.onError(GrpcErrors.exiting());
        } else {
            call.onCompleted();
        }
        streams.closed(this);
    }
}
