package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.bytesElements;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.input;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/** Streaming with a decoupled model, in-stream and whole-stream errors, and what stopping does to open calls. */
class GrpcStreamingTest {

    @TempDir
    Path repo;

    private EmbeddedInferenceServer engine;
    private FakeServer fake;
    private GrpcServer server;
    private TestClient client;
    private boolean stopped;

    @BeforeEach
    void start() throws Exception {
        engine = TestEngine.start(repo);
        fake = new FakeServer(engine);
        server = new GrpcServer(fake, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        server.start();
        client = new TestClient(server.localAddress().getPort());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        if (!stopped) {
            server.stop();
        }
        engine.deactivate();
    }

    private static int value(ModelInferResponse response) {
        return response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static boolean isFinal(ModelStreamInferResponse response) {
        return response.getInferResponse().getParametersOrThrow("triton_final_response").getBoolParam();
    }

    @Test
    void decoupledModelSendsEveryResponseInOrderWithTheFinalFlagOnTheLast() throws Exception {
        Recorder<ModelStreamInferResponse> responses = new Recorder<>();
        StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(responses);
        requests.onNext(ModelInferRequest.newBuilder().setModelName("repeat").setId("a").build());
        for (int i = 0; i < 3; i++) {
            ModelStreamInferResponse response = responses.message();
            assertEquals("", response.getErrorMessage());
            assertEquals("a", response.getInferResponse().getId());
            assertEquals(i, value(response.getInferResponse()));
            assertEquals(i == 2, isFinal(response));
        }
        requests.onNext(ModelInferRequest.newBuilder().setModelName("repeat").setId("b")
                .putParameters("final_separately", InferParameter.newBuilder().setBoolParam(true).build())
                .putParameters("triton_enable_empty_final_response",
                        InferParameter.newBuilder().setBoolParam(true).build()).build());
        for (int i = 0; i < 3; i++) {
            ModelStreamInferResponse response = responses.message();
            assertEquals(i, value(response.getInferResponse()));
            assertFalse(isFinal(response));
        }
        ModelStreamInferResponse empty = responses.message();
        assertEquals("b", empty.getInferResponse().getId());
        assertEquals(0, empty.getInferResponse().getOutputsCount());
        assertTrue(isFinal(empty));
        requests.onCompleted();
        assertSame(Recorder.COMPLETED, responses.next());
    }

    @Test
    void aStreamReadsNoMoreRequestsThanItsWindowWhileTheyAreInFlight() throws Exception {
        Recorder<ModelStreamInferResponse> responses = new Recorder<>();
        StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(responses);
        int count = 40;
        for (int i = 0; i < count; i++) {
            requests.onNext(ModelInferRequest.newBuilder().setModelName("slow").setId("r" + i).build());
        }
        requests.onCompleted();
        for (int i = 0; i < count; i++) {
            CompletableFuture<InferenceResponse> next = fake.pending.poll(10, TimeUnit.SECONDS);
            assertTrue(next != null, "request " + i + " never reached the model");
            next.complete(FakeServer.response("slow", "r" + i, i, true));
        }
        for (int i = 0; i < count; i++) {
            assertEquals("", responses.message().getErrorMessage());
        }
        assertSame(Recorder.COMPLETED, responses.next());
        int window = GrpcSettings.plain(new InetSocketAddress(0)).streamWindow();
        assertTrue(fake.maxOutstanding.get() <= window, "at most " + window + " requests in flight, saw "
                + fake.maxOutstanding.get());
    }

    @Test
    void aClientThatStopsReadingStopsTheServerReadingItsRequests() throws Exception {
        int count = 100;
        java.util.concurrent.atomic.AtomicReference<io.grpc.stub.ClientCallStreamObserver<ModelInferRequest>> call =
                new java.util.concurrent.atomic.AtomicReference<>();
        Recorder<ModelStreamInferResponse> responses = new Recorder<>();
        StreamObserver<ModelInferRequest> requests;
        try (TestClient reader = new TestClient(NettyChannelBuilder.forAddress("127.0.0.1",
                server.localAddress().getPort()).usePlaintext().flowControlWindow(1 << 20))) {
            requests = reader.async().modelStreamInfer(new io.grpc.stub.ClientResponseObserver<ModelInferRequest,
                    ModelStreamInferResponse>() {
                @Override
                public void beforeStart(io.grpc.stub.ClientCallStreamObserver<ModelInferRequest> stream) {
                    call.set(stream);
                    stream.disableAutoRequestWithInitial(0);
                }

                @Override
                public void onNext(ModelStreamInferResponse value) {
                    responses.onNext(value);
                }

                @Override
                public void onError(Throwable t) {
                    responses.onError(t);
                }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            });
            String element = "x".repeat(256 * 1024);
            for (int i = 0; i < count; i++) {
                requests.onNext(ModelInferRequest.newBuilder().setModelName("identity").setId("r" + i)
                        .addInputs(input("INPUT0", "BYTES", 1, 1)).addRawInputContents(bytesElements(element)).build());
            }
            requests.onCompleted();
            long answered = waitUntilSteady(() -> engine.statistics("identity", 0).get(0).inferenceCount(), count);
            assertTrue(answered < count / 2, "the server answered " + answered + " of " + count
                    + " requests although the client read no response");
            call.get().request(count);
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < count; i++) {
                ids.add(responses.message().getInferResponse().getId());
            }
            assertEquals(count, ids.size());
            assertSame(Recorder.COMPLETED, responses.next());
        }
    }

    /** Polls until the value reaches the limit or has not changed for a second; gives up after 10 seconds. */
    private static long waitUntilSteady(java.util.function.LongSupplier value, long limit) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long last = -1;
        long steadySince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = value.getAsLong();
            if (now >= limit) {
                return now;
            }
            if (now != last) {
                last = now;
                steadySince = System.nanoTime();
            } else if (System.nanoTime() - steadySince > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return value.getAsLong();
    }

    @Test
    void modelInferRefusesDecoupledModelsAsUnimplemented() {
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().modelInfer(
                ModelInferRequest.newBuilder().setModelName("repeat").build()), "decoupled");
    }

    @Test
    void tritonGrpcErrorHeaderEndsTheStreamWithTheStatus() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Streams.GRPC_ERROR, "true");
        Recorder<ModelStreamInferResponse> responses = new Recorder<>();
        StreamObserver<ModelInferRequest> requests = client.async()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).modelStreamInfer(responses);
        requests.onNext(ModelInferRequest.newBuilder().setModelName("identity").addInputs(input("INPUT0", "FP32", 1, 1))
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[4])).build());
        StatusRuntimeException error = assertInstanceOf(StatusRuntimeException.class, responses.next());
        assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
        assertTrue(error.getStatus().getDescription().contains("INPUT0"), error.getStatus().toString());
    }

    @Test
    void stoppingEndsIdleStreamsFinishesInFlightCallsAndRefusesNewOnes() throws Exception {
        Recorder<ModelInferResponse> unary = new Recorder<>();
        client.async().modelInfer(ModelInferRequest.newBuilder().setModelName("slow").setId("late").build(), unary);
        CompletableFuture<InferenceResponse> inFlight = fake.pending.poll(10, TimeUnit.SECONDS);
        assertTrue(inFlight != null, "the slow model never received the request");

        Recorder<ModelStreamInferResponse> stream = new Recorder<>();
        StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(stream);
        requests.onNext(ModelInferRequest.newBuilder().setModelName("identity").addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x")).build());
        assertEquals("", stream.message().getErrorMessage());

        int port = server.localAddress().getPort();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        stopped = true;
        StatusRuntimeException streamEnd = assertInstanceOf(StatusRuntimeException.class, stream.next());
        assertEquals(Status.Code.UNAVAILABLE, streamEnd.getStatus().getCode());
        assertStatus(Status.Code.UNAVAILABLE, () -> client.blocking().serverLive(
                org.tritonosgi.grpc.internal.proto.ServerLiveRequest.getDefaultInstance()));
        assertFalse(stopping.isDone(), "stop must wait for the in-flight call");

        inFlight.complete(FakeServer.response("slow", "late", 42, true));
        ModelInferResponse late = unary.message();
        assertEquals(42, value(late));
        stopping.get(10, TimeUnit.SECONDS);
        assertThrows(IOException.class, () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 2000));
    }
}
