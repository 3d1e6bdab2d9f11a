package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelReadyRequest;
import org.tritonosgi.grpc.internal.proto.ModelStatisticsRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexRequest;

/**
 * The embedded engine's scheduling features (issue 15) through the gRPC frontend and grpc-java stubs: an ensemble
 * of two identity steps served like any model, and one whose composing model is missing.
 */
class GrpcEngineSchedulingTest {

    static final String IDENTITY = """
            name: "%s"
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """;

    static final String ENSEMBLE = """
            name: "%s"
            platform: "ensemble"
            max_batch_size: 8
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            ensemble_scheduling { step [
              { model_name: "second" input_map { key: "INPUT0" value: "MID" } output_map { key: "OUTPUT0" value: "OUT" } },
              { model_name: "%s" input_map { key: "INPUT0" value: "IN" } output_map { key: "OUTPUT0" value: "MID" } }
            ] }
            """;

    static final String WARM = """
            name: "%s"
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            model_warmup [ { name: "w" batch_size: 2
              inputs { key: "INPUT0" value: { data_type: TYPE_FP32 dims: [ %d ] zero_data: true } } } ]
            """;

    static final String MEMO = """
            name: "memo"
            backend: "identity"
            max_batch_size: 8
            response_cache { enable: true }
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """;

    /** OUTPUT = INPUT + STATE_IN, STATE_OUT = OUTPUT (FP32 [batch, 1]), written by the embedded engine's test ONNX writer. */
    static final String ACCUMULATOR_ONNX = "CAgSEHRyaXRvbm9zZ2ktdGVzdHM6uQEKHgoFSU5QVVQKCFNUQVRFX0lOEgZPVVRQVVQiA0FkZAodCgZPVVRQVVQSCVNUQVRFX09VVCIISWRlbnRpdHkSBHRlc3RaGQoFSU5QVVQSEAoOCAES"
            + "CgoEEgJkMAoCCAFaHAoIU1RBVEVfSU4SEAoOCAESCgoEEgJkMAoCCAFiGgoGT1VUUFVUEhAKDggBEgoKBBICZDAKAggBYh0KCVNUQVRFX09VVBIQCg4IARIKCgQSAmQwCgIIAUIECgAQEQ==";

    static final String ACCUMULATOR = """
            name: "acc"
            backend: "onnxruntime"
            max_batch_size: 8
            sequence_batching {
              state [ { input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_FP32 dims: [ 1 ]
                        initial_state [ { name: "zeros" data_type: TYPE_FP32 dims: [ 1 ] zero_data: true } ] } ]
            }
            input [ { name: "INPUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
            output [ { name: "OUTPUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
            """;

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static GrpcServer server;
    private static TestClient client;

    static void model(String name, String config) {
        try {
            Files.createDirectories(repo.resolve(name).resolve("1"));
            Files.writeString(repo.resolve(name).resolve("config.pbtxt"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        model("first", IDENTITY.formatted("first"));
        model("second", IDENTITY.formatted("second"));
        model("pipe", ENSEMBLE.formatted("pipe", "first"));
        model("broken", ENSEMBLE.formatted("broken", "absent"));
        model("warm", WARM.formatted("warm", 2));
        model("cold", WARM.formatted("cold", 3));
        model("memo", MEMO);
        model("repeat3", """
                backend: "repeat"
                max_batch_size: 8
                model_transaction_policy { decoupled: true }
                parameters { key: "repeat_count" value: { string_value: "3" } }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """);
        // not declared decoupled: its decoupled step makes it so, as in Triton
        model("fanout", """
                platform: "ensemble"
                max_batch_size: 8
                input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "repeat3" input_map { key: "INPUT0" value: "IN" } output_map { key: "OUTPUT0" value: "R" } },
                  { model_name: "second" input_map { key: "INPUT0" value: "R" } output_map { key: "OUTPUT0" value: "OUT" } }
                ] }
                """);
        model("ordered", """
                backend: "identity"
                max_batch_size: 8
                instance_group [ { count: 2 kind: KIND_CPU } ]
                dynamic_batching { preserve_ordering: true }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """);
        model("acc", ACCUMULATOR);
        model("acc_file", ACCUMULATOR.replace("\"acc\"", "\"acc_file\"").replace("zero_data: true",
                "data_file: \"hundred\""));
        try {
            java.nio.file.Files.write(repo.resolve("acc/1/model.onnx"), java.util.Base64.getDecoder()
                    .decode(ACCUMULATOR_ONNX));
            java.nio.file.Files.write(repo.resolve("acc_file/1/model.onnx"), java.util.Base64.getDecoder()
                    .decode(ACCUMULATOR_ONNX));
            java.nio.file.Files.createDirectories(repo.resolve("acc_file/initial_state"));
            java.nio.file.Files.write(repo.resolve("acc_file/initial_state/hundred"), floats(100).toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withResponseCacheSize(1 << 20), "test");
        server = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        server.start();
        client = new TestClient(server.localAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.stop();
        engine.deactivate();
    }

    static ByteString floats(float... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            raw.putFloat(value);
        }
        return ByteString.copyFrom(raw.flip());
    }

    static ModelInferRequest request(String model, ByteString data) {
        return ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("IN").setDatatype("FP32")
                        .addShape(1).addShape(2))
                .addRawInputContents(data).build();
    }

    @Test
    void anEnsembleIsServedLikeAnyModel() {
        assertEquals("ensemble", client.blocking().modelMetadata(ModelMetadataRequest.newBuilder().setName("pipe")
                .build()).getPlatform());
        assertTrue(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("pipe").build()).getReady());

        ModelInferResponse response = client.blocking().modelInfer(request("pipe", floats(3, 4)));
        assertEquals("pipe", response.getModelName());
        assertEquals(1, response.getOutputsCount(), "intermediate tensors never leave the engine");
        assertEquals("OUT", response.getOutputs(0).getName());
        assertEquals(List.of(1L, 2L), response.getOutputs(0).getShapeList());
        assertEquals(floats(3, 4), response.getRawOutputContents(0));

        var stats = client.blocking().modelStatistics(ModelStatisticsRequest.newBuilder().setName("second").build());
        assertEquals(1, stats.getModelStats(0).getInferenceStats().getSuccess().getCount());
    }

    @Test
    void anEnsembleWithAMissingComposingModelIsUnavailableNamingIt() {
        assertFalse(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("broken").setVersion("1")
                .build())
                .getReady());
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().modelInfer(request("broken", floats(1, 2))),
                "composing model 'absent'", "step 2");
    }

    @Test
    void aModelIsReadyAfterItsWarmupAndUnavailableWithTheReasonWhenItFails() {
        assertTrue(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("warm").build()).getReady());
        assertFalse(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("cold").setVersion("1")
                .build()).getReady());
        var cold = client.blocking().repositoryIndex(RepositoryIndexRequest.newBuilder().build()).getModelsList()
                .stream().filter(m -> m.getName().equals("cold")).findFirst().orElseThrow();
        assertEquals("UNAVAILABLE", cold.getState());
        assertEquals("model 'cold' warmup 'w' failed: [request id: warmup] unexpected shape for input 'INPUT0' for"
                + " model 'cold'. Expected [-1,2], got [2,3]", cold.getReason());
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheResponseCache() {
        for (int i = 0; i < 2; i++) {
            ModelInferResponse response = client.blocking().modelInfer(request("memo", floats(5, 6)));
            assertEquals(floats(5, 6), response.getRawOutputContents(0));
        }
        var stats = client.blocking().modelStatistics(ModelStatisticsRequest.newBuilder().setName("memo").build())
                .getModelStats(0);
        assertEquals(1, stats.getInferenceStats().getCacheHit().getCount());
        assertEquals(1, stats.getInferenceStats().getCacheMiss().getCount());
        assertEquals(1, stats.getInferenceCount());
    }

    static ModelInferRequest step(long id, boolean start, boolean end, float value) {
        return ModelInferRequest.newBuilder().setModelName("acc")
                .putParameters("sequence_id", InferParameter.newBuilder().setUint64Param(id).build())
                .putParameters("sequence_start", InferParameter.newBuilder().setBoolParam(start).build())
                .putParameters("sequence_end", InferParameter.newBuilder().setBoolParam(end).build())
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT").setDatatype("FP32")
                        .addShape(1).addShape(1))
                .addRawInputContents(floats(value)).build();
    }

    @Test
    void unloadDependentsAlsoUnloadsTheComposingModelsAnEnsembleLoaded(@TempDir Path explicitRepo) throws Exception {
        for (String name : List.of("first", "second")) {
            Files.createDirectories(explicitRepo.resolve(name).resolve("1"));
            Files.writeString(explicitRepo.resolve(name).resolve("config.pbtxt"), IDENTITY.formatted(name));
        }
        Files.createDirectories(explicitRepo.resolve("pipe").resolve("1"));
        Files.writeString(explicitRepo.resolve("pipe").resolve("config.pbtxt"), ENSEMBLE.formatted("pipe", "first"));
        EmbeddedInferenceServer explicit = new EmbeddedInferenceServer(Settings.of(List.of(explicitRepo))
                .withControlMode(Settings.ControlMode.EXPLICIT), "explicit");
        GrpcServer grpc = new GrpcServer(explicit, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        grpc.start();
        try (TestClient repository = new TestClient(grpc.localAddress().getPort())) {
            for (boolean dependents : new boolean[] {false, true}) {
                repository.blocking().repositoryModelLoad(
                        org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest.newBuilder()
                                .setModelName("pipe").build());
                assertEquals(3, repository.blocking().repositoryIndex(RepositoryIndexRequest.newBuilder()
                        .setReady(true).build()).getModelsCount(), "the ensemble loaded both composing models");
                repository.blocking().repositoryModelUnload(
                        org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadRequest.newBuilder()
                                .setModelName("pipe").putParameters("unload_dependents",
                                        org.tritonosgi.grpc.internal.proto.ModelRepositoryParameter.newBuilder()
                                                .setBoolParam(dependents).build()).build());
                assertEquals(dependents ? 0 : 2, repository.blocking().repositoryIndex(RepositoryIndexRequest
                        .newBuilder().setReady(true).build()).getModelsCount(), "unload_dependents " + dependents);
            }
        } finally {
            grpc.stop();
            explicit.deactivate();
        }
    }

    @Test
    void withPreserveOrderingAStreamGetsItsAnswersInTheOrderItSentTheRequests() throws Exception {
        Recorder<org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse> responses = new Recorder<>();
        io.grpc.stub.StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(responses);
        // the first runs 1 s on one instance; the second, on the other, is done long before it
        for (String id : List.of("slow", "fast")) {
            ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("ordered").setId(id)
                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("FP32")
                            .addShape(1).addShape(2))
                    .addRawInputContents(floats(1, 2));
            if (id.equals("slow")) {
                request.putParameters("delay_ms", InferParameter.newBuilder().setInt64Param(1000).build());
            }
            requests.onNext(request.build());
        }
        for (String id : List.of("slow", "fast")) {
            var response = responses.message();
            assertEquals("", response.getErrorMessage());
            assertEquals(id, response.getInferResponse().getId());
        }
        requests.onCompleted();
        assertTrue(responses.next() == Recorder.COMPLETED);
    }

    @Test
    void anEnsembleWithADecoupledStepStreamsEveryResponseAndModelInferIsRefused() throws Exception {
        ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("fanout").setId("f")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("IN").setDatatype("FP32")
                        .addShape(1).addShape(2))
                .addRawInputContents(floats(1, 2)).build();
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().modelInfer(request),
                "ModelInfer RPC doesn't support models with decoupled transaction policy");

        Recorder<org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse> responses = new Recorder<>();
        io.grpc.stub.StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(responses);
        requests.onNext(request.toBuilder().putParameters("triton_enable_empty_final_response",
                InferParameter.newBuilder().setBoolParam(true).build()).build());
        for (int i = 0; i < 4; i++) {
            var response = responses.message();
            assertEquals("", response.getErrorMessage());
            assertEquals(i == 3 ? 0 : 1, response.getInferResponse().getRawOutputContentsCount(), "response " + i);
            if (i < 3) {
                assertEquals(floats(1, 2), response.getInferResponse().getRawOutputContents(0), "response " + i);
            }
            assertEquals(i == 3, response.getInferResponse().getParametersOrThrow("triton_final_response")
                    .getBoolParam(), "three answers, then the empty final one asked for");
        }
        requests.onCompleted();
        assertTrue(responses.next() == Recorder.COMPLETED);
    }

    @Test
    void interleavedSequencesStartFromTheDataFileAndABatchOfTwoIsInvalidArgument() {
        java.util.function.Function<ModelInferRequest, ModelInferRequest> toFile = request -> request.toBuilder()
                .setModelName("acc_file").build();
        // two sequences in step: each keeps its own state, each starts from initial_state/hundred
        float[][] expected = {{101, 103}, {110, 130}};
        for (int i = 0; i < 2; i++) {
            for (int id = 0; id < 2; id++) {
                ModelInferResponse response = client.blocking().modelInfer(toFile.apply(
                        step(70 + id, i == 0, i == 1, (i + 1) * (id == 0 ? 1 : 10))));
                assertEquals(floats(expected[id][i]), response.getRawOutputContents(0), "sequence " + (70 + id));
            }
        }
        ModelInferRequest two = step(80, true, true, 1).toBuilder().setInputs(0, step(80, true, true, 1)
                .getInputs(0).toBuilder().setShape(0, 2)).setRawInputContents(0, floats(1).concat(floats(2))).build();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(two),
                "inference request to model 'acc' must specify batch-size 1 due to requirements of sequence batcher");
    }

    @Test
    void aSequenceKeepsItsStateAcrossRequestsAndAMissingStartIsInvalidArgument() {
        float[] expected = {1, 3, 6};
        for (int i = 0; i < 3; i++) {
            ModelInferResponse response = client.blocking().modelInfer(step(1234, i == 0, i == 2, i + 1));
            assertEquals(floats(expected[i]), response.getRawOutputContents(0));
            assertEquals(1, response.getOutputsCount(), "the state output stays in the engine");
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(step(1234, false, false, 1)),
                "inference request for sequence 1234 to model 'acc' must specify the START flag");
    }
}
