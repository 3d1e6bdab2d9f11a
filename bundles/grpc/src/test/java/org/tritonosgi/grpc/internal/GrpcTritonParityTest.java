package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadRequest;

/**
 * What Triton's gRPC clients and QA suites rely on: UNAVAILABLE "Exceeds maximum queue size", Triton's texts, and
 * one repository-index row per version.
 */
class GrpcTritonParityTest {

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static GrpcServer server;
    private static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        write("queued", """
                backend: "identity"
                max_batch_size: 8
                dynamic_batching { default_queue_policy { max_queue_size: 1 } }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """, 1);
        write("versions", """
                backend: "identity"
                version_policy: { all { } }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """, 1, 2, 3);
        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)),
                "1.2.3");
        server = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        server.start();
        client = new TestClient(server.localAddress().getPort());
    }

    private static void write(String name, String config, int... versions) throws Exception {
        for (int version : versions) {
            Files.createDirectories(repo.resolve(name).resolve(Integer.toString(version)));
        }
        Files.writeString(repo.resolve(name).resolve("config.pbtxt"), config);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.stop();
        engine.deactivate();
    }

    private static ModelInferRequest.Builder one(String model, long delayMs) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(GrpcProtocolTest.input("INPUT0", "FP32", 1, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[4]));
        if (delayMs > 0) {
            request.putParameters("delay_ms", InferParameter.newBuilder().setInt64Param(delayMs).build());
        }
        return request;
    }

    @Test
    void aRequestPastTheQueueIsUnavailableExceedsMaximumQueueSize() throws Exception {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub future = GRPCInferenceServiceGrpc
                .newFutureStub(client.channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        List<ListenableFuture<ModelInferResponse>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(future.modelInfer(one("queued", 3000).build()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.statistics("queued", 0).get(0).pendingRequestCount() != 1) {
            assertTrue(System.nanoTime() < deadline, "the second request never queued");
            Thread.sleep(2);
        }
        assertStatus(Status.Code.UNAVAILABLE, () -> client.blocking().modelInfer(one("queued", 0).build()),
                "Exceeds maximum queue size");
        for (ListenableFuture<ModelInferResponse> response : held) {
            assertEquals("queued", response.get(30, TimeUnit.SECONDS).getModelName());
        }
    }

    @Test
    void errorTextsAreTritons() {
        ModelInferRequest.InferRequestedOutputTensor output = ModelInferRequest.InferRequestedOutputTensor
                .newBuilder().setName("OUTPUT0").build();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(one("versions", 0)
                .addOutputs(output).addOutputs(output).build()), "output 'OUTPUT0' already exists in request");
        assertStatus(Status.Code.UNAVAILABLE, () -> client.blocking().repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName("versions").build()),
                "explicit model load / unload is not allowed if polling is enabled");
        assertStatus(Status.Code.UNAVAILABLE, () -> client.blocking().repositoryModelUnload(
                RepositoryModelUnloadRequest.newBuilder().setModelName("versions").build()),
                "explicit model load / unload is not allowed if polling is enabled");
    }

    @Test
    void repositoryIndexHasOneRowPerVersion() {
        RepositoryIndexResponse index = client.blocking().repositoryIndex(RepositoryIndexRequest.getDefaultInstance());
        List<String> rows = new ArrayList<>();
        index.getModelsList().forEach(model -> rows.add(model.getName() + ":" + model.getVersion() + ":"
                + model.getState()));
        assertEquals(List.of("queued:1:READY", "versions:1:READY", "versions:2:READY", "versions:3:READY"), rows);
        assertEquals(4, client.blocking().repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build())
                .getModelsCount());
    }
}
