package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

class EnsembleTest {

    static final String IDENTITY_FP32 = """
            name: "%s"
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """;

    static final String ADD = """
            name: "add"
            backend: "onnxruntime"
            max_batch_size: 8
            input [ { name: "A" data_type: TYPE_FP32 dims: [ 2 ] }, { name: "B" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "SUM" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """;

    /**
     * IN -> pre (identity) -> X; IN -> other (identity) -> Y; add(X, Y) -> S; post (identity) -> OUT. The steps are
     * listed last first, so only a data-flow order runs them.
     */
    static final String PIPELINE = """
            name: "pipeline"
            platform: "ensemble"
            max_batch_size: 8
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            ensemble_scheduling { step [
              { model_name: "post" model_version: -1 input_map { key: "INPUT0" value: "S" }
                output_map { key: "OUTPUT0" value: "OUT" } },
              { model_name: "add" model_version: -1 input_map [ { key: "A" value: "X" }, { key: "B" value: "Y" } ]
                output_map { key: "SUM" value: "S" } },
              { model_name: "pre" model_version: -1 input_map { key: "INPUT0" value: "IN" }
                output_map { key: "OUTPUT0" value: "X" } },
              { model_name: "other" model_version: -1 input_map { key: "INPUT0" value: "IN" }
                output_map { key: "OUTPUT0" value: "Y" } }
            ] }
            """;

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    static Tensor floats(String name, float... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            data.putFloat(value);
        }
        return new Tensor(name, DataType.FP32, new long[] {1, values.length}, data.flip());
    }

    static float[] floats(Tensor tensor) {
        ByteBuffer data = tensor.data();
        float[] values = new float[tensor.byteSize() / 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getFloat();
        }
        return values;
    }

    private void pipelineRepository() {
        for (String name : List.of("pre", "other", "post")) {
            TestRepository.model(repo, name, IDENTITY_FP32.formatted(name), 1);
        }
        OnnxModels.write(repo, "add", OnnxModels.add(-1, 2), ADD, 1);
        TestRepository.model(repo, "pipeline", PIPELINE, 1);
    }

    private InferenceResponse infer(String model, Tensor input) throws Exception {
        return server.model(model, 0).infer(InferenceRequest.builder().input(input).build()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static TritonException failure(CompletableFuture<?> future) {
        CompletionException thrown = assertThrows(CompletionException.class, future::join);
        return TritonException.of(thrown);
    }

    @Test
    void stepsRunInDataFlowOrderAndTheEnsembleAnswersWithItsOutput() throws Exception {
        pipelineRepository();
        server = TestRepository.start(repo);

        try (InferenceResponse response = infer("pipeline", floats("IN", 1.5f, -2f))) {
            assertEquals(List.of("OUT"), response.outputs().stream().map(Tensor::name).toList());
            assertArrayEquals(new float[] {3f, -4f}, floats(response.output("OUT")));
            assertEquals("pipeline", response.modelName());
        }
        assertEquals("ensemble", server.model("pipeline", 0).metadata().platform());
    }

    @Test
    void statisticsCountTheEnsembleAndEachComposingModel() throws Exception {
        pipelineRepository();
        server = TestRepository.start(repo);

        for (int i = 0; i < 3; i++) {
            infer("pipeline", floats("IN", i, i)).close();
        }
        for (String name : List.of("pipeline", "pre", "other", "add", "post")) {
            ModelStatistics stats = server.statistics(name, 0).get(0);
            assertEquals(3, stats.inference().success().count(), name);
            assertEquals(3, stats.inferenceCount(), name);
        }
    }

    @Test
    void aMissingComposingModelMakesTheEnsembleUnavailableNamingIt() throws Exception {
        pipelineRepository();
        java.nio.file.Files.delete(repo.resolve("add/1/model.onnx"));
        server = TestRepository.start(repo);

        ModelIndexEntry row = server.index(false).stream().filter(e -> e.name().equals("pipeline")).findFirst()
                .orElseThrow();
        assertEquals(ModelState.UNAVAILABLE, row.state());
        assertTrue(row.reason().startsWith("ensemble pipeline contains models that are not available or ambiguous:"
                + " add ("), "Triton's words first: " + row.reason());
        assertTrue(row.reason().contains("composing model 'add'"), row.reason());
        assertTrue(row.reason().contains("step 2"), row.reason());
        assertFalse(server.isReady());
        TritonException refused = assertThrows(TritonException.class, () -> server.model("pipeline", 0));
        assertTrue(refused.getMessage().contains("composing model 'add'"), refused.getMessage());
    }

    @Test
    void explicitLoadOfAnEnsembleLoadsItsComposingModelsAndUnloadingOneMakesItUnavailable() throws Exception {
        pipelineRepository();
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT));

        server.load("pipeline", org.tritonosgi.api.LoadOptions.DEFAULT).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(server.model("add", 0).isReady());
        infer("pipeline", floats("IN", 1, 2)).close();

        server.unload("add", false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        var ensemble = (ServedModel) server.model("pipeline", 1);
        assertEquals(ModelState.UNAVAILABLE, ensemble.state());
        assertTrue(ensemble.reason().contains("composing model 'add' of step 2 (model 'add')"), ensemble.reason());
        TritonException refused = failure(ensemble.infer(InferenceRequest.builder().input(floats("IN", 1, 2))
                .build()).toCompletableFuture());
        assertEquals(TritonException.Code.UNAVAILABLE, refused.code());
        assertTrue(refused.getMessage().contains("'add'"), refused.getMessage());
    }

    private static String chain(String name, String... models) {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < models.length; i++) {
            steps.append(i == 0 ? "" : ",\n").append("{ model_name: \"").append(models[i])
                    .append("\" input_map { key: \"INPUT0\" value: \"").append(i == 0 ? "INPUT0" : "T" + i)
                    .append("\" } output_map { key: \"OUTPUT0\" value: \"")
                    .append(i == models.length - 1 ? "OUTPUT0" : "T" + (i + 1)).append("\" } }");
        }
        return """
                name: "%s"
                platform: "ensemble"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [ %s ] }
                """.formatted(name, steps);
    }

    private java.util.Set<String> loaded() {
        return server.index(true).stream().map(ModelIndexEntry::name).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void unloadDependentsUnloadsOnlyTheComposingModelsTheEnsembleLoadedThatNoOtherEnsembleUses() throws Exception {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            TestRepository.model(repo, name, IDENTITY_FP32.formatted(name), 1);
        }
        TestRepository.model(repo, "inner", chain("inner", "d", "e"), 1);
        TestRepository.model(repo, "outer", chain("outer", "a", "b", "inner"), 1);
        TestRepository.model(repo, "other", chain("other", "b"), 1);
        // c and the ensemble "outer" use: a (loaded for it), b (also used by "other"), inner -> d, e (nested)
        TestRepository.model(repo, "withc", chain("withc", "c"), 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT));
        server.load("c", org.tritonosgi.api.LoadOptions.DEFAULT).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (String ensemble : List.of("outer", "other", "withc")) {
            server.load(ensemble, org.tritonosgi.api.LoadOptions.DEFAULT).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }
        assertEquals(java.util.Set.of("a", "b", "c", "d", "e", "inner", "outer", "other", "withc"), loaded());
        infer("outer", floats("INPUT0", 1, 2)).close();

        server.unload("outer", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("b", "c", "other", "withc"), loaded(),
                "a, inner, d and e were loaded for outer alone; b is still used by other");
        server.unload("withc", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("b", "c", "other"), loaded(), "c was loaded by name: it stays");
        server.unload("other", false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("b", "c"), loaded(), "without unload_dependents only the ensemble goes");
    }

    @Test
    void aComposingModelNamedInStartupModelsIsLoadedOnceAndStaysWhenItsEnsembleGoes() throws Exception {
        for (String name : List.of("a", "b")) {
            TestRepository.model(repo, name, IDENTITY_FP32.formatted(name), 1);
        }
        TestRepository.model(repo, "outer", chain("outer", "a", "b"), 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT,
                "outer", "a"));
        ServedModel loadedOnce = (ServedModel) server.model("a", 1);
        assertEquals(java.util.Set.of("a", "b", "outer"), loaded());
        assertTrue(server.model("a", 1) == loadedOnce, "a was not loaded a second time");
        server.unload("outer", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("a"), loaded(), "a is named in startup.models; b came with outer");
    }

    @Test
    void cyclesUnknownTensorsAndUnwrittenOutputsAreRefusedAtLoadWithTheReason() {
        TestRepository.model(repo, "a", IDENTITY_FP32.formatted("a"), 1);
        TestRepository.model(repo, "cycle", """
                platform: "ensemble"
                input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "a" input_map { key: "INPUT0" value: "T2" } output_map { key: "OUTPUT0" value: "T1" } },
                  { model_name: "a" input_map { key: "INPUT0" value: "T1" } output_map { key: "OUTPUT0" value: "T2" } },
                  { model_name: "a" input_map { key: "INPUT0" value: "T2" } output_map { key: "OUTPUT0" value: "OUT" } }
                ] }
                """, 1);
        TestRepository.model(repo, "unknown", """
                platform: "ensemble"
                input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "a" input_map { key: "INPUT0" value: "NOPE" } output_map { key: "OUTPUT0" value: "OUT" } }
                ] }
                """, 1);
        TestRepository.model(repo, "unwritten", """
                platform: "ensemble"
                input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "a" input_map { key: "INPUT0" value: "IN" } output_map { key: "OUTPUT0" value: "X" } }
                ] }
                """, 1);
        server = TestRepository.start(repo);

        assertEquals("ensemble 'cycle' has a cycle: step 1 (model 'a') -> step 2 (model 'a') -> step 1 (model 'a')"
                + " (each reads a tensor the next one writes)", reason("cycle"));
        assertEquals("ensemble 'unknown' step 1 (model 'a') input 'INPUT0' reads ensemble tensor 'NOPE', which is"
                + " neither an input of the ensemble nor an output of any step", reason("unknown"));
        assertEquals("ensemble 'unwritten' output 'OUT' is not written by any step's output_map",
                reason("unwritten"));
    }

    private String reason(String model) {
        return server.index(false).stream().filter(e -> e.name().equals(model)).findFirst().orElseThrow().reason();
    }

    @Test
    void aComposingModelsErrorNamesTheEnsembleAndTheStep() throws Exception {
        TestRepository.model(repo, "ints", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_INT32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_INT32 dims: [ 2 ] } ]
                """, 1);
        TestRepository.model(repo, "wrong", """
                platform: "ensemble"
                max_batch_size: 8
                input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "ints" input_map { key: "INPUT0" value: "IN" } output_map { key: "OUTPUT0" value: "OUT" } }
                ] }
                """, 1);
        server = TestRepository.start(repo);

        TritonException error = failure(server.model("wrong", 0).infer(InferenceRequest.builder()
                .input(floats("IN", 1, 2)).build()).toCompletableFuture());
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertTrue(error.getMessage().startsWith("in ensemble 'wrong', step 1 (model 'ints'): "), error.getMessage());
        assertTrue(error.getMessage().contains("data-type is 'FP32', but model 'ints' expects 'INT32'"),
                error.getMessage());
        assertEquals(1, server.statistics("wrong", 0).get(0).inference().fail().count());
    }

    @Test
    void aDecoupledStepMakesTheStepsAfterItRunOncePerResponse() throws Exception {
        TestRepository.model(repo, "repeat", """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                parameters { key: "repeat_count" value: { string_value: "3" } }
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """, 1);
        TestRepository.model(repo, "echo", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """, 1);
        String ensemble = """
                name: "%s"
                platform: "ensemble"
                %s
                input [ { name: "TEXT" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "ECHOED" data_type: TYPE_STRING dims: [ 1 ] } ]
                ensemble_scheduling { step [
                  { model_name: "repeat" input_map { key: "INPUT0" value: "TEXT" }
                    output_map { key: "OUTPUT0" value: "R" } },
                  { model_name: "echo" input_map { key: "INPUT0" value: "R" } output_map { key: "OUTPUT0" value: "ECHOED" } }
                ] }
                """;
        TestRepository.model(repo, "streamed", ensemble.formatted("streamed",
                "model_transaction_policy { decoupled: true }"), 1);
        TestRepository.model(repo, "single", ensemble.formatted("single", ""), 1);
        server = TestRepository.start(repo);

        for (String name : List.of("streamed", "single")) {
            Outcome<String> streamed = new Outcome<>(response -> response.output("ECHOED").strings()[0]);
            server.model(name, 0).infer(InferenceRequest.builder()
                    .input(Tensor.ofStrings("TEXT", new long[] {1}, "hi")).build(), streamed);
            streamed.done.get(10, TimeUnit.SECONDS);
            List<String> texts = streamed.kept;
            assertEquals(List.of("hi", "hi", "hi"), texts, name);
        }
        assertEquals(6, server.statistics("echo", 0).get(0).inferenceCount());

        // as Triton sets it at load: an ensemble with a decoupled step is decoupled, whatever its config says
        var single = server.model("single", 0);
        assertTrue(single.isDecoupled());
        assertTrue(single.config().getModelTransactionPolicy().getDecoupled(), "its configuration says so too");
        TritonException oneAnswer = failure(single.infer(InferenceRequest.builder()
                .input(Tensor.ofStrings("TEXT", new long[] {1}, "one")).build()).toCompletableFuture());
        assertEquals(TritonException.Code.UNSUPPORTED, oneAnswer.code());
        assertFalse(server.model("echo", 0).isDecoupled());
    }
}
