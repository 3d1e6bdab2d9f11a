package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.backend.BackendInstance;
import org.tritonosgi.api.backend.ModelBackend;

class ExternalBackendTest {

    static final String UPPER = """
            name: "%s"
            backend: "upper"
            input [ { name: "TEXT" data_type: TYPE_STRING dims: [ 1 ] } ]
            output [ { name: "UPPER" data_type: TYPE_STRING dims: [ 1 ] } ]
            """;

    /** Upper-cases its one BYTES input, as a pre-processing bundle would. */
    static final ModelBackend UPPER_BACKEND = (config, dir) -> new BackendInstance() {
        @Override
        public List<Tensor> execute(InferenceRequest request) {
            String text = request.input("TEXT").strings()[0];
            if (text.equals("boom")) {
                throw new IllegalStateException("cannot upper-case boom");
            }
            return List.of(Tensor.ofStrings("UPPER", new long[] {1}, text.toUpperCase(java.util.Locale.ROOT)));
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Whether version 1 is ready; while it loads again, the engine answers UNAVAILABLE, as Triton does. */
    private boolean ready(String model) {
        try {
            return version1(model).isReady();
        } catch (TritonException loading) {
            return false;
        }
    }

    private ServedModel version1(String model) {
        return (ServedModel) server.model(model, 1);
    }

    private String upper(String model, String text) throws Exception {
        try (InferenceResponse response = server.model(model, 0).infer(InferenceRequest.builder()
                .input(Tensor.ofStrings("TEXT", new long[] {1}, text)).build()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            return response.outputs().get(0).strings()[0];
        }
    }

    @Test
    void aModelAppearsWhenItsBackendComesAndIsUnavailableNamingItWhenItGoes() throws Exception {
        TestRepository.model(repo, "shout", UPPER.formatted("shout"), 1);
        server = TestRepository.start(repo);
        String before = server.index(false).get(0).reason();
        assertTrue(before.contains("backend 'upper' of model 'shout' is not available"), before);

        server.addBackend("upper", UPPER_BACKEND);
        await("shout is ready", () -> server.index(true).size() == 1);
        assertEquals("HELLO", upper("shout", "hello"));

        server.removeBackend("upper", UPPER_BACKEND);
        await("shout is unavailable", () -> version1("shout").state() == ModelState.UNAVAILABLE);
        assertEquals("backend 'upper' is no longer available (the bundle providing it stopped or unregistered it)",
                version1("shout").reason());

        server.addBackend("upper", UPPER_BACKEND);
        await("shout is ready again", () -> ready("shout"));
        assertEquals("AGAIN", upper("shout", "again"));
    }

    @Test
    void aModelLoadedWithAConfigOrFilesComesBackWithThemWhenItsBackendReturns() throws Exception {
        TestRepository.model(repo, "shout", UPPER.formatted("shout"), 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT));
        server.addBackend("upper", UPPER_BACKEND);
        String override = "{\"backend\": \"upper\", \"parameters\": {\"loaded\": {\"string_value\": \"%s\"}},"
                + " \"input\": [{\"name\": \"TEXT\", \"data_type\": \"TYPE_STRING\", \"dims\": [1]}],"
                + " \"output\": [{\"name\": \"UPPER\", \"data_type\": \"TYPE_STRING\", \"dims\": [1]}]}";
        // one from its folder with a config override, one from files alone (its folder is gone once loaded)
        server.load("shout", new LoadOptions(Optional.of(override.formatted("with config")), Map.of()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.load("sent", new LoadOptions(Optional.of(override.formatted("with files")),
                Map.of("1/notes.txt", "uploaded".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        server.removeBackend("upper", UPPER_BACKEND);
        await("both are unavailable", () -> version1("shout").state() == ModelState.UNAVAILABLE
                && version1("sent").state() == ModelState.UNAVAILABLE);
        server.addBackend("upper", UPPER_BACKEND);
        await("both are ready again", () -> ready("shout") && ready("sent"));

        assertEquals("with config", server.model("shout", 0).config().getParametersMap().get("loaded")
                .getStringValue(), "the load request's config, not config.pbtxt");
        assertEquals("with files", server.model("sent", 0).config().getParametersMap().get("loaded")
                .getStringValue());
        assertEquals("BACK", upper("sent", "back"));
    }

    @Test
    void aModelBeingLoadedShowsLoadingAndRequestsGetTritonsAnswers() throws Exception {
        TestRepository.model(repo, "slow", UPPER.formatted("slow"), 1);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        ModelBackend slow = (config, dir) -> {
            started.countDown();
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return UPPER_BACKEND.createInstance(config, dir);
        };
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT));
        server.addBackend("upper", slow);
        var load = server.load("slow", LoadOptions.DEFAULT).toCompletableFuture();
        assertTrue(started.await(10, TimeUnit.SECONDS), "the load never reached the backend");

        assertEquals(List.of(new org.tritonosgi.api.ModelIndexEntry("slow", 0, ModelState.LOADING, "")),
                server.index(false));
        TritonException latest = assertThrows(TritonException.class, () -> server.model("slow", 0));
        assertEquals(TritonException.Code.NOT_FOUND, latest.code());
        assertEquals("Request for unknown model: 'slow' has no available versions", latest.getMessage());
        TritonException one = assertThrows(TritonException.class, () -> server.model("slow", 1));
        assertEquals(TritonException.Code.UNAVAILABLE, one.code());
        assertEquals("Request for unknown model: 'slow' version 1 is not at ready state", one.getMessage());

        gate.countDown();
        load.get(10, TimeUnit.SECONDS);
        assertEquals(ModelState.READY, server.index(false).get(0).state());
        assertEquals("LOADED", upper("slow", "loaded"));
    }

    @Test
    void aBackendsOwnFailureReachesTheClientNamingTheBackendAndModel() throws Exception {
        TestRepository.model(repo, "shout", UPPER.formatted("shout"), 1);
        server = TestRepository.start(repo);
        server.addBackend("upper", UPPER_BACKEND);
        await("shout is ready", () -> server.index(true).size() == 1);

        CompletionException thrown = assertThrows(CompletionException.class, () -> server.model("shout", 0)
                .infer(InferenceRequest.builder().input(Tensor.ofStrings("TEXT", new long[] {1}, "boom")).build())
                .toCompletableFuture().join());
        TritonException error = TritonException.of(thrown);
        assertEquals(TritonException.Code.INTERNAL, error.code());
        assertEquals("backend 'upper' failed on model 'shout': IllegalStateException: cannot upper-case boom",
                error.getMessage());
    }

    @Test
    void builtInNamesCannotBeTakenAndAStepOfAnEnsembleFollowsItsBackend() throws Exception {
        TestRepository.model(repo, "shout", UPPER.formatted("shout"), 1);
        TestRepository.model(repo, "echo", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """, 1);
        TestRepository.model(repo, "loud", """
                platform: "ensemble"
                input [ { name: "IN" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_STRING dims: [ 1 ] } ]
                ensemble_scheduling { step [
                  { model_name: "shout" input_map { key: "TEXT" value: "IN" } output_map { key: "UPPER" value: "U" } },
                  { model_name: "echo" input_map { key: "INPUT0" value: "U" } output_map { key: "OUTPUT0" value: "OUT" } }
                ] }
                """, 1);
        server = TestRepository.start(repo);
        server.addBackend("identity", UPPER_BACKEND);
        assertEquals("echo", server.model("echo", 0).name());

        server.addBackend("upper", UPPER_BACKEND);
        await("the ensemble is ready", () -> version1("loud").isReady());
        try (InferenceResponse response = server.model("loud", 0).infer(InferenceRequest.builder()
                .input(Tensor.ofStrings("IN", new long[] {1}, "quiet")).build()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            assertArrayEquals(new String[] {"QUIET"}, response.output("OUT").strings());
        }

        server.removeBackend("upper", UPPER_BACKEND);
        await("the ensemble is unavailable", () -> !version1("loud").isReady());
        String reason = version1("loud").reason();
        assertTrue(reason.contains("composing model 'shout'") && reason.contains("backend 'upper'"), reason);
    }

    @Test
    void independentStepsOfAnEnsembleRunAtTheSameTime() throws Exception {
        // each step waits for the other at a barrier: run one after the other, both would time out
        CyclicBarrier barrier = new CyclicBarrier(2);
        ModelBackend meeting = (config, dir) -> new BackendInstance() {
            @Override
            public List<Tensor> execute(InferenceRequest request) {
                try {
                    barrier.await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other step never came: " + e);
                }
                return List.of(request.inputs().get(0).renamed("OUT"));
            }

            @Override
            public void close() {
            }
        };
        for (String name : List.of("left", "right")) {
            TestRepository.model(repo, name, """
                    backend: "meeting"
                    input [ { name: "IN" data_type: TYPE_STRING dims: [ 1 ] } ]
                    output [ { name: "OUT" data_type: TYPE_STRING dims: [ 1 ] } ]
                    """, 1);
        }
        TestRepository.model(repo, "both", """
                platform: "ensemble"
                input [ { name: "X" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "L" data_type: TYPE_STRING dims: [ 1 ] }, { name: "R" data_type: TYPE_STRING dims: [ 1 ] } ]
                ensemble_scheduling { step [
                  { model_name: "left" input_map { key: "IN" value: "X" } output_map { key: "OUT" value: "L" } },
                  { model_name: "right" input_map { key: "IN" value: "X" } output_map { key: "OUT" value: "R" } }
                ] }
                """, 1);
        server = TestRepository.start(repo);
        server.addBackend("meeting", meeting);
        await("both steps are ready", () -> version1("both").isReady());

        try (InferenceResponse response = server.model("both", 0).infer(InferenceRequest.builder()
                .input(Tensor.ofStrings("X", new long[] {1}, "x")).build()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            assertEquals(List.of("L", "R"), response.outputs().stream().map(Tensor::name).toList());
        }
    }
}
