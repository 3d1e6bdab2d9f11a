package org.tritonosgi.grpc.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.ModelConfigRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelReadyRequest;
import org.tritonosgi.grpc.internal.proto.ModelStatisticsRequest;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadRequest;
import org.tritonosgi.grpc.internal.proto.TraceSettingRequest;

/**
 * How hostile cases reach the server: typed calls through a real grpc-java client, byte arrays through a raw
 * ClientCall, and hand-written frames. Every call has a deadline; one that passes it is reported as
 * DEADLINE_EXCEEDED, which no case allows.
 */
final class CorpusWire {

    static final String SERVICE = "inference.GRPCInferenceService";
    private static final long DEADLINE_S = 10;

    /** What a call ended with: its status code (OK on success) and description or in-stream error message. */
    record Outcome(Status.Code code, String message) {
        static final Outcome OK = new Outcome(Status.Code.OK, "");

        static Outcome of(Status status) {
            return new Outcome(status.getCode(), status.getDescription() == null ? "" : status.getDescription());
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final TestClient client;
    private final int port;

    CorpusWire(TestClient client, int port) {
        this.client = client;
        this.port = port;
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking() {
        return GRPCInferenceServiceGrpc.newBlockingStub(client.channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS);
    }

    private static Outcome unary(Supplier<?> call) {
        try {
            call.get();
            return Outcome.OK;
        } catch (StatusRuntimeException e) {
            return Outcome.of(e.getStatus());
        }
    }

    private static Outcome await(CompletableFuture<Outcome> done) throws InterruptedException {
        try {
            return done.get(DEADLINE_S + 5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return new Outcome(Status.Code.DEADLINE_EXCEEDED, "no answer within " + (DEADLINE_S + 5) + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static Metadata errorEndsStream() {
        Metadata headers = new Metadata();
        headers.put(Streams.GRPC_ERROR, "true");
        return headers;
    }

    Outcome infer(ModelInferRequest request) {
        return unary(() -> blocking().modelInfer(request));
    }

    /** One request on its own ModelStreamInfer stream, with triton_grpc_error so that an error carries a code. */
    Outcome stream(ModelInferRequest request) throws InterruptedException {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        StreamObserver<ModelInferRequest> requests = GRPCInferenceServiceGrpc.newStub(client.channel)
                .withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(errorEndsStream()))
                .modelStreamInfer(new StreamObserver<>() {
                    @Override
                    public void onNext(ModelStreamInferResponse response) {
                        if (!response.getErrorMessage().isEmpty()) {
                            done.complete(new Outcome(Status.Code.OK, "in-stream error although triton_grpc_error"
                                    + " was set: " + response.getErrorMessage()));
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.complete(Outcome.of(Status.fromThrowable(t)));
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(Outcome.OK);
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        return await(done);
    }

    Outcome metadata(String name, String version) {
        return unary(() -> blocking().modelMetadata(ModelMetadataRequest.newBuilder().setName(name)
                .setVersion(version).build()));
    }

    Outcome ready(String name, String version) {
        return unary(() -> blocking().modelReady(ModelReadyRequest.newBuilder().setName(name).setVersion(version)
                .build()));
    }

    Outcome config(String name, String version) {
        return unary(() -> blocking().modelConfig(ModelConfigRequest.newBuilder().setName(name).setVersion(version)
                .build()));
    }

    Outcome statistics(String name, String version) {
        return unary(() -> blocking().modelStatistics(ModelStatisticsRequest.newBuilder().setName(name)
                .setVersion(version).build()));
    }

    Outcome trace(String model) {
        return unary(() -> blocking().traceSetting(TraceSettingRequest.newBuilder().setModelName(model).build()));
    }

    Outcome load(RepositoryModelLoadRequest request) {
        return unary(() -> blocking().repositoryModelLoad(request));
    }

    Outcome unload(String name) {
        return unary(() -> blocking().repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                .setModelName(name).build()));
    }

    /**
     * Sends the bytes as the one request message of the method, through a ClientCall that does not know the
     * message type; a bidi stream gets triton_grpc_error, so that an error carries a code.
     */
    Outcome raw(String method, MethodDescriptor.MethodType type, byte[] message) throws InterruptedException {
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        ClientCall<byte[], byte[]> call = client.channel.newCall(descriptor,
                CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS));
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(Outcome.of(status));
            }
        }, type == MethodDescriptor.MethodType.BIDI_STREAMING ? errorEndsStream() : new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(message);
        call.halfClose();
        return await(done);
    }

    /** A message frame whose prefix declares {@code declaredLength} bytes, the body following it. */
    Outcome frames(String method, int declaredLength, byte[] body) throws Exception {
        try (RawGrpcFrames frames = new RawGrpcFrames(port)) {
            return Outcome.of(frames.call(SERVICE + "/" + method, declaredLength, body, true));
        } catch (TimeoutException e) {
            return new Outcome(Status.Code.DEADLINE_EXCEEDED, "no status within 10 s");
        }
    }
}
