package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.TritonException;

/** Model control modes none, explicit and poll, and loading with a configuration and files. */
class ControlModeTest {

    private static final String FP32_IDENTITY = """
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
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

    private static TritonException failure(CompletableFuture<?> future) {
        return TritonException.of(assertThrows(CompletionException.class, future::join));
    }

    private ModelIndexEntry row(String name) {
        return server.index(false).stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private static InferenceRequest request(float value) {
        return InferenceRequest.builder()
                .input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, 2}, value, value)).build();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void noneModeRefusesLoadAndUnloadWithUnavailable() {
        TestRepository.model(repo, "a", FP32_IDENTITY, 1);
        server = TestRepository.start(repo);
        TritonException load = failure(server.load("a", LoadOptions.DEFAULT).toCompletableFuture());
        assertEquals(TritonException.Code.UNAVAILABLE, load.code());
        assertTrue(load.getMessage().startsWith("explicit model load / unload is not allowed if polling is enabled")
                && load.getMessage().contains("model control mode is 'none'"), load.getMessage());
        assertEquals(TritonException.Code.UNAVAILABLE,
                failure(server.unload("a", false).toCompletableFuture()).code());
    }

    @Test
    void explicitModeLoadsStartupModelsThenLoadsAndUnloadsOnRequest() throws Exception {
        TestRepository.model(repo, "a", FP32_IDENTITY, 1);
        TestRepository.model(repo, "b", FP32_IDENTITY, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT, "a"));

        assertEquals(ModelState.READY, row("a").state());
        assertEquals(ModelState.UNKNOWN, row("b").state(), "b is in the repository but was never loaded");
        assertEquals(TritonException.Code.INVALID_ARG,
                assertThrows(TritonException.class, () -> server.model("b", 0)).code());

        server.load("b", LoadOptions.DEFAULT).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (InferenceResponse response = server.model("b", 0).infer(request(5)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)) {
            assertArrayEquals(new float[] {5, 5}, OnnxRuntimeBackendTest.floats(response.output("OUTPUT0")));
        }

        server.unload("b", false).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(ModelState.UNAVAILABLE, row("b").state());
        assertEquals("unloaded", row("b").reason());
        TritonException gone = assertThrows(TritonException.class, () -> server.model("b", 0));
        assertEquals(TritonException.Code.NOT_FOUND, gone.code());
        assertTrue(server.isReady(), "an unloaded model does not count against readiness");

        TritonException unknown = failure(server.load("nosuch", LoadOptions.DEFAULT).toCompletableFuture());
        assertEquals(TritonException.Code.INVALID_ARG, unknown.code());
        assertTrue(unknown.getMessage().contains("'nosuch'"), unknown.getMessage());
    }

    @Test
    void loadWithConfigOverrideAndFilesServesTheGivenModel() throws Exception {
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT));
        String config = "{\"platform\": \"onnxruntime_onnx\", \"max_batch_size\": 4,"
                + " \"input\": [{\"name\": \"INPUT0\", \"data_type\": \"TYPE_FP32\", \"dims\": [3]}],"
                + " \"output\": [{\"name\": \"OUTPUT0\", \"data_type\": \"TYPE_FP32\", \"dims\": [3]}]}";
        byte[] onnx = OnnxModels.identity(1, -1, 3).toByteArray();

        server.load("uploaded", new LoadOptions(Optional.of(config), Map.of("1/model.onnx", onnx)))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        try (InferenceResponse response = server.model("uploaded", 1).infer(InferenceRequest.builder()
                .input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, 3}, 1, 2, 3)).build())
                .toCompletableFuture().get(30, TimeUnit.SECONDS)) {
            assertArrayEquals(new float[] {1, 2, 3}, OnnxRuntimeBackendTest.floats(response.output("OUTPUT0")));
        }

        for (String path : List.of("../escape/model.onnx", "1/../../escape.onnx", "/etc/passwd", "model.onnx",
                "1/\0escape.onnx", "1\\..\\..\\escape.onnx")) {
            TritonException error = failure(server.load("bad", new LoadOptions(Optional.of(config),
                    Map.of(path, onnx))).toCompletableFuture());
            assertEquals(TritonException.Code.INVALID_ARG, error.code(), path);
            assertTrue(error.getMessage().contains("'" + path + "'"), error.getMessage());
        }
        assertTrue(Files.notExists(repo.resolve("escape")));
        Files.write(repo.resolve("outside.onnx"), onnx);
        for (String file : List.of("../../outside.onnx", repo.resolve("outside.onnx").toString(), ".")) {
            String escaping = config.replace("{\"platform\"", "{\"default_model_filename\": \""
                    + file.replace("\\", "\\\\") + "\", \"platform\"");
            TritonException error = failure(server.load("uploaded", new LoadOptions(Optional.of(escaping),
                    Map.of("1/model.onnx", onnx))).toCompletableFuture());
            assertEquals(TritonException.Code.INVALID_ARG, error.code(), file);
            assertTrue(error.getMessage().contains("default_model_filename '" + file + "' must name a file inside"),
                    error.getMessage());
        }
        TritonException json = failure(server.load("uploaded", new LoadOptions(Optional.of("{\"max_batch\": 1}"),
                Map.of())).toCompletableFuture());
        assertTrue(json.getMessage().contains("invalid 'config' JSON"), json.getMessage());
        TritonException name = failure(server.load("../x", LoadOptions.DEFAULT).toCompletableFuture());
        assertTrue(name.getMessage().contains("invalid model name"), name.getMessage());
    }

    @Test
    void pollModeFollowsAdditionsChangesAndRemovalsWithoutDroppingInFlightRequests() throws Exception {
        TestRepository.model(repo, "a", FP32_IDENTITY, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.POLL)
                .withPollInterval(Duration.ofMillis(200)));
        CompletableFuture<InferenceResponse> inFlight = server.model("a", 0).infer(InferenceRequest.builder()
                .input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, 2}, 9, 9))
                .parameter(Delays.DELAY_PARAMETER, 1500L).build()).toCompletableFuture();

        TestRepository.model(repo, "b", FP32_IDENTITY, 1);
        await("the new model b is ready", () -> server.index(true).stream().anyMatch(e -> e.name().equals("b")));

        Files.writeString(repo.resolve("a/config.pbtxt"), FP32_IDENTITY.replace("max_batch_size: 8",
                "max_batch_size: 2"));
        await("model a is reloaded with max_batch_size 2", () -> {
            try {
                return server.model("a", 0).config().getMaxBatchSize() == 2;
            } catch (TritonException e) {
                return false;
            }
        });
        try (InferenceResponse response = inFlight.get(30, TimeUnit.SECONDS)) {
            assertArrayEquals(new float[] {9, 9}, OnnxRuntimeBackendTest.floats(response.output("OUTPUT0")),
                    "the request accepted by the old version finished");
        }

        TestRepository.model(repo, "b", null);
        OverrideFiles.delete(repo.resolve("b"));
        await("the removed model b is gone", () -> server.index(false).stream().noneMatch(e -> e.name().equals("b")));
    }
}
