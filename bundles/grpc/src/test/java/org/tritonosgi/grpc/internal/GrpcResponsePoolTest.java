package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.bytesElements;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.input;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * max.response.pool.size: a decoupled model answers whether or not the client reads, so a stream holds at most
 * that many responses for a client that is not reading; one more cancels the request in the engine and the
 * client, once it reads, gets what was held, in order, then an error naming the limit.
 */
class GrpcResponsePoolTest {

    private static final int POOL = 4;

    @TempDir
    Path repo;

    private EmbeddedInferenceServer engine;
    private FakeServer fake;
    private GrpcServer server;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(repo.resolve("repeat_engine/1"));
        Files.writeString(repo.resolve("repeat_engine/config.pbtxt"), """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """);
        engine = TestEngine.start(repo);
        fake = new FakeServer(engine);
        server = new GrpcServer(fake, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0))
                .withResponsePoolSize(POOL));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        engine.deactivate();
    }

    /** A stream whose client reads nothing until {@link #read()}, on a connection with a small HTTP/2 window. */
    private final class SilentClient implements AutoCloseable {
        final Recorder<ModelStreamInferResponse> responses = new Recorder<>();
        final StreamObserver<ModelInferRequest> requests;
        private final TestClient client;
        private final AtomicReference<ClientCallStreamObserver<ModelInferRequest>> call = new AtomicReference<>();

        SilentClient(Metadata headers) {
            client = new TestClient(NettyChannelBuilder.forAddress("127.0.0.1", server.localAddress().getPort())
                    .usePlaintext().flowControlWindow(65_535));
            var stub = client.async().withDeadlineAfter(60, TimeUnit.SECONDS);
            if (headers != null) {
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            requests = stub.modelStreamInfer(new ClientResponseObserver<ModelInferRequest, ModelStreamInferResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ModelInferRequest> stream) {
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
        }

        void read() {
            call.get().request(Integer.MAX_VALUE);
        }

        @Override
        public void close() throws InterruptedException {
            client.close();
        }
    }

    private static ModelInferRequest many(String id, long count, boolean ignoreCancel) {
        return ModelInferRequest.newBuilder().setModelName("many").setId(id)
                .putParameters("count", InferParameter.newBuilder().setInt64Param(count).build())
                .putParameters("ignore_cancel", InferParameter.newBuilder().setBoolParam(ignoreCancel).build())
                .build();
    }

    private static int value(ModelStreamInferResponse response) {
        return response.getInferResponse().getRawOutputContents(0).asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** Reads the responses the stream held, in order from 0, up to the error; returns how many there were. */
    private static int readUpToThePoolError(Recorder<ModelStreamInferResponse> responses, String id)
            throws InterruptedException {
        int received = 0;
        while (true) {
            ModelStreamInferResponse response = responses.message();
            assertEquals(id, response.getInferResponse().getId());
            if (!response.getErrorMessage().isEmpty()) {
                assertEquals("response pool of " + POOL + " responses is full for model '"
                        + response.getInferResponse().getModelName() + "'; the client is not reading responses"
                        + " (max.response.pool.size)", response.getErrorMessage());
                return received;
            }
            assertEquals(received, value(response), "responses arrive in order");
            received++;
        }
    }

    private void assertThePoolHeldAtMostItsSize() {
        int most = server.streams().mostQueuedResponses();
        assertTrue(most > 0, "the client read nothing, so responses must have waited in the stream's queue");
        assertTrue(most <= POOL, "a stream held " + most + " responses; the pool allows " + POOL);
    }

    @Test
    void aClientThatDoesNotReadGetsThePoolErrorAndTheEngineStopsProducing() throws Exception {
        try (SilentClient client = new SilentClient(null)) {
            client.requests.onNext(many("flood", 100_000, false));
            String ended = fake.manyEnded.poll(30, TimeUnit.SECONDS);
            assertNotNull(ended, "the model never saw the cancellation");
            assertTrue(ended.startsWith("cancelled "), ended);
            int produced = fake.manyProduced.get();
            assertTrue(produced < 100_000, "the engine produced every response although the client read none");
            assertThePoolHeldAtMostItsSize();

            client.read();
            int received = readUpToThePoolError(client.responses, "flood");
            assertEquals(produced - 1, received, "everything but the response past the pool arrives");
            client.requests.onCompleted();
            assertSame(Recorder.COMPLETED, client.responses.next());
        }
    }

    @Test
    void anEngineThatCannotCancelStillCannotMakeTheStreamHoldMore() throws Exception {
        try (SilentClient client = new SilentClient(null)) {
            client.requests.onNext(many("deaf", 20_000, true));
            assertEquals("completed 20000", fake.manyEnded.poll(30, TimeUnit.SECONDS));
            assertThePoolHeldAtMostItsSize();

            client.read();
            int received = readUpToThePoolError(client.responses, "deaf");
            assertTrue(received < 20_000, "responses past the pool are dropped, not held");
            client.requests.onCompleted();
            assertSame(Recorder.COMPLETED, client.responses.next());
        }
    }

    @Test
    void responsesHeldForASlowReaderArriveInOrderOnceItReads() throws Exception {
        server.stop();
        server = new GrpcServer(fake, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0))
                .withResponsePoolSize(500));
        server.start();
        try (SilentClient client = new SilentClient(null)) {
            client.requests.onNext(many("slow-reader", 500, false));
            client.requests.onCompleted();
            assertEquals("completed 500", fake.manyEnded.poll(30, TimeUnit.SECONDS));
            int most = server.streams().mostQueuedResponses();
            assertTrue(most > 0 && most <= 500, "the responses waited in the stream's queue: " + most);

            client.read();
            for (int i = 0; i < 500; i++) {
                ModelStreamInferResponse response = client.responses.message();
                assertEquals("", response.getErrorMessage());
                assertEquals(i, value(response));
                assertEquals(i == 499, response.getInferResponse().getParametersOrThrow("triton_final_response")
                        .getBoolParam());
            }
            assertSame(Recorder.COMPLETED, client.responses.next(), "the stream ends after its queue drained");
        }
    }

    @Test
    void withTritonGrpcErrorAFullPoolEndsTheStreamWithResourceExhausted() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Streams.GRPC_ERROR, "true");
        try (SilentClient client = new SilentClient(headers)) {
            client.requests.onNext(many("strict", 100_000, false));
            assertTrue(fake.manyEnded.poll(30, TimeUnit.SECONDS).startsWith("cancelled "));
            client.read();
            Object event;
            do {
                event = client.responses.next();
            } while (event instanceof ModelStreamInferResponse response && response.getErrorMessage().isEmpty());
            StatusRuntimeException error = assertInstanceOf(StatusRuntimeException.class, event);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode());
            assertTrue(error.getStatus().getDescription().contains("response pool of " + POOL + " responses is full"
                    + " for model 'many'"), error.getStatus().toString());
        }
    }

    @Test
    void theEmbeddedRepeatBackendIsCancelledWhenThePoolOverflows() throws Exception {
        try (SilentClient client = new SilentClient(null)) {
            client.requests.onNext(ModelInferRequest.newBuilder().setModelName("repeat_engine").setId("r")
                    .addInputs(input("INPUT0", "BYTES", 1)).addRawInputContents(bytesElements("x".repeat(1024)))
                    .putParameters("repeat_count", InferParameter.newBuilder().setInt64Param(1L << 40).build())
                    .build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.statistics("repeat_engine", 0).get(0).inference().fail().count() == 0) {
                assertTrue(System.nanoTime() < deadline, "2^40 repetitions can only end by cancellation");
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThePoolHeldAtMostItsSize();
            client.read();
            int received = 0;
            ModelStreamInferResponse response;
            while ((response = client.responses.message()).getErrorMessage().isEmpty()) {
                received++;
            }
            assertTrue(received > POOL, "the held responses arrive before the error, got " + received);
            assertEquals("response pool of " + POOL + " responses is full for model 'repeat_engine'; the client is"
                    + " not reading responses (max.response.pool.size)", response.getErrorMessage());
            client.requests.onCompleted();
            assertSame(Recorder.COMPLETED, client.responses.next());
        }
    }
}
