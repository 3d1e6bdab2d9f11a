package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

class EmbeddedInferenceServerTest {

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private static TritonException failure(Model model, InferenceRequest request) {
        CompletionException thrown = assertThrows(CompletionException.class,
                () -> model.infer(request).toCompletableFuture().join());
        return TritonException.of(thrown);
    }

    private static InferenceRequest rogerRequest() {
        return InferenceRequest.builder().input(Tensor.ofStrings("INPUT0", new long[] {1, 1}, "Roger Roger")).build();
    }

    @Test
    void identityModelEchoesRogerRogerAsOutput0() throws Exception {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);

        try (InferenceResponse response = server.model("identity", 0).infer(rogerRequest())
                .toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            Tensor output = response.output("OUTPUT0");
            assertArrayEquals(new String[] {"Roger Roger"}, output.strings());
            assertArrayEquals(new long[] {1, 1}, output.shape());
            assertEquals("identity", response.modelName());
            assertEquals(1, response.modelVersion());
        }
        assertTrue(server.isReady());
        assertEquals(1, server.statistics("identity", 0).get(0).inferenceCount());
    }

    @Test
    void metadataHasBatchDimensionAndPlatformFallsBackToBackend() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1, 2);
        server = TestRepository.start(repo);

        ModelMetadata metadata = server.modelMetadata("identity", 0);
        assertEquals("identity", metadata.platform());
        assertEquals(List.of(-1L, -1L), metadata.inputs().get(0).shape());
        assertEquals(List.of("2"), metadata.versions(), "latest policy serves only the highest version");
        assertThrows(TritonException.class, () -> server.model("identity", 1));
    }

    @Test
    void unknownModelIsInvalidArgumentNamingTheModel() {
        server = TestRepository.start(repo);
        TritonException error = assertThrows(TritonException.class, () -> server.model("nope", 0));
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertTrue(error.getMessage().contains("'nope'"), error.getMessage());
    }

    @Test
    void missingVersionIsNotFound() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);
        TritonException error = assertThrows(TritonException.class, () -> server.model("identity", 7));
        assertEquals(TritonException.Code.NOT_FOUND, error.code());
        assertTrue(error.getMessage().contains("version 7"), error.getMessage());
    }

    @Test
    void wrongDatatypeNamesInputAndExpectedType() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);
        InferenceRequest request = InferenceRequest.builder().input(new Tensor("INPUT0",
                org.tritonosgi.api.DataType.FP32, new long[] {1, 1}, java.nio.ByteBuffer.allocate(4))).build();

        TritonException error = failure(server.model("identity", 0), request);
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertTrue(error.getMessage().contains("'INPUT0' data-type is 'FP32'"), error.getMessage());
        assertTrue(error.getMessage().contains("expects 'BYTES'"), error.getMessage());
    }

    @Test
    void shapeWithoutBatchDimensionAndOversizedBatchAreRejected() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);
        Model model = server.model("identity", 0);

        TritonException rank = failure(model, InferenceRequest.builder()
                .input(Tensor.ofStrings("INPUT0", new long[] {1}, "x")).build());
        assertTrue(rank.getMessage().contains("Expected [-1,-1], got [1]"), rank.getMessage());

        String[] nine = new String[9];
        java.util.Arrays.fill(nine, "x");
        TritonException batch = failure(model, InferenceRequest.builder()
                .input(Tensor.ofStrings("INPUT0", new long[] {9, 1}, nine)).build());
        assertTrue(batch.getMessage().contains("batch-size must be <= 8"), batch.getMessage());
    }

    @Test
    void unknownInputMissingInputAndUnknownOutputAreNamed() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);
        Model model = server.model("identity", 0);

        TritonException unknown = failure(model, InferenceRequest.builder()
                .input(Tensor.ofStrings("INPUT0", new long[] {1, 1}, "x"))
                .input(Tensor.ofStrings("EXTRA", new long[] {1, 1}, "x")).build());
        assertTrue(unknown.getMessage().contains("unexpected inference input 'EXTRA'"), unknown.getMessage());

        TritonException missing = failure(model, InferenceRequest.builder().build());
        assertTrue(missing.getMessage().contains("missing required input(s) ['INPUT0']"), missing.getMessage());

        TritonException output = failure(model, InferenceRequest.builder()
                .input(Tensor.ofStrings("INPUT0", new long[] {1, 1}, "x"))
                .output(RequestedOutput.of("OUTPUT9")).build());
        assertTrue(output.getMessage().contains("unexpected inference output 'OUTPUT9'"), output.getMessage());
        assertEquals(3, server.statistics("identity", 0).get(0).inference().fail().count());
    }

    @Test
    void unknownBackendAndMissingModelFileAreListedUnavailableWithReasonAndServerIsNotReady() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        TestRepository.model(repo, "trt", "backend: \"tensorrt\"\n", 1);
        TestRepository.model(repo, "onnx", TestRepository.IDENTITY_BYTES.replace("identity", "onnxruntime")
                .replace("name: \"onnxruntime\"", "name: \"onnx\""), 1);
        server = TestRepository.start(repo);

        ModelIndexEntry trt = server.index(false).stream().filter(e -> e.name().equals("trt")).findFirst()
                .orElseThrow();
        assertEquals(ModelState.UNAVAILABLE, trt.state());
        assertTrue(trt.reason().contains("backend 'tensorrt'"), trt.reason());
        ModelIndexEntry onnx = server.index(false).stream().filter(e -> e.name().equals("onnx")).findFirst()
                .orElseThrow();
        assertEquals(ModelState.UNAVAILABLE, onnx.state());
        assertEquals(1, onnx.version());
        assertTrue(onnx.reason().contains("model file 'model.onnx' not found in version folder 1"), onnx.reason());
        assertEquals(1, server.index(true).size());
        assertFalse(server.isReady(), "strict readiness: an unavailable model makes the server not ready");
        assertTrue(server.isLive());
        TritonException error = assertThrows(TritonException.class, () -> server.model("trt", 0));
        assertEquals(TritonException.Code.NOT_FOUND, error.code());
        TritonException version = failure(server.model("onnx", 1), rogerRequest());
        assertEquals(TritonException.Code.UNAVAILABLE, version.code());
    }

    @Test
    void malformedConfigNamesFileLineAndField() {
        TestRepository.model(repo, "broken", "name: \"broken\"\nbackend: \"identity\"\nmax_batch_sise: 4\n", 1);
        server = TestRepository.start(repo);

        ModelIndexEntry entry = server.index(false).get(0);
        assertEquals(ModelState.UNAVAILABLE, entry.state());
        assertTrue(entry.reason().contains("config.pbtxt at line 3"), entry.reason());
        assertTrue(entry.reason().contains("max_batch_sise"), entry.reason());
    }

    @Test
    void modelWithoutVersionFolderIsUnavailable() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES);
        server = TestRepository.start(repo);
        assertTrue(server.index(false).get(0).reason().contains("no version folder"));
    }

    @Test
    void stoppedServerRefusesWorkWithUnavailable() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);
        Model model = server.model("identity", 0);
        server.deactivate();

        TritonException error = failure(model, rogerRequest());
        assertEquals(TritonException.Code.UNAVAILABLE, error.code());
        assertFalse(server.isLive());
        server = null;
    }

    @Test
    void invalidSettingsNamePidPropertyAndValue() {
        var config = org.osgi.util.converter.Converters.standardConverter()
                .convert(java.util.Map.of("exit.timeout", -1)).to(EmbeddedConfig.class);
        var mode = org.osgi.util.converter.Converters.standardConverter()
                .convert(java.util.Map.of("model.control.mode", "sometimes")).to(EmbeddedConfig.class);
        assertEquals("PID org.tritonosgi.embedded: invalid value 'sometimes' for property 'model.control.mode': "
                + "expected one of none, explicit, poll",
                assertThrows(IllegalArgumentException.class, () -> Settings.from(mode)).getMessage());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Settings.from(config));
        assertEquals("PID org.tritonosgi.embedded: invalid value '-1' for property 'exit.timeout': expected "
                + "seconds >= 0", error.getMessage());
        var defaults = Settings.from(org.osgi.util.converter.Converters.standardConverter()
                .convert(java.util.Map.of("model.repository", "/a, /b")).to(EmbeddedConfig.class));
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), defaults.repositories());
        assertEquals(Duration.ofSeconds(30), defaults.exitTimeout());
    }

    @Test
    void factoryInstancesNeedAServerIdOfTheirOwnAndNameTheirOwnPid() {
        String pid = EmbeddedInferenceServerInstance.FACTORY_PID + "~second";
        var converter = org.osgi.util.converter.Converters.standardConverter();
        Settings defaultId = Settings.from(converter.convert(java.util.Map.of("model.repository", "/a"))
                .to(EmbeddedConfig.class), pid);
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> RegisteredEngine.requireFreeId(defaultId, java.util.Set.of("core", "triton")));
        assertEquals("PID " + pid + ": invalid value 'triton' for property 'server.id': expected a name no other "
                + "engine uses (in use: core, triton); frontends select an engine by it in server.target",
                taken.getMessage());

        EmbeddedConfig badTimeout = converter.convert(java.util.Map.of("server.id", "second", "exit.timeout", -2))
                .to(EmbeddedConfig.class);
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> Settings.from(badTimeout, pid));
        assertEquals("PID " + pid + ": invalid value '-2' for property 'exit.timeout': expected seconds >= 0",
                invalid.getMessage());

        Settings settings = Settings.from(converter.convert(java.util.Map.of("server.id", "second"))
                .to(EmbeddedConfig.class), pid);
        RegisteredEngine.requireFreeId(settings, java.util.Set.of("triton"));
        assertEquals("second", settings.serverId());
        assertEquals(pid, settings.pid());
    }

    @Test
    void twoEnginesSideBySideKeepTheirOwnModelsAndThreads() throws Exception {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        TestRepository.model(repo, "other",
                TestRepository.IDENTITY_BYTES.replace("name: \"identity\"", "name: \"other\""), 1);
        server = TestRepository.start(repo);
        EmbeddedInferenceServer second = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withServerId("second")
                .withControlMode(Settings.ControlMode.EXPLICIT, "other"), "1.0.0");
        try {
            assertEquals("second", second.metadata().name());
            assertEquals(List.of("other"), second.index(true).stream().map(ModelIndexEntry::name).toList(),
                    second.index(false).toString());
            assertEquals(List.of("identity", "other"), server.index(true).stream().map(ModelIndexEntry::name).toList());
        } finally {
            second.deactivate();
        }
        assertFalse(second.isLive());
        assertTrue(server.isReady(), "stopping the second engine leaves the first one serving");
    }

    @Test
    void sharedExampleRepositoryServesRogerRogerThroughOnnxRuntime() throws Exception {
        Path example = Path.of(System.getProperty("tritonosgi.shared.dir", "../../../shared"))
                .resolve("models/example_model_repository");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(example),
                "shared example model repository not found at " + example.toAbsolutePath());
        server = TestRepository.start(example);

        ModelIndexEntry identity = server.index(false).get(0);
        assertEquals("identity", identity.name());
        assertEquals(ModelState.READY, identity.state(), identity.reason());
        assertEquals("onnxruntime_onnx", server.modelMetadata("identity", 0).platform());
        try (InferenceResponse response = server.model("identity", 0).infer(rogerRequest())
                .toCompletableFuture().get(30, TimeUnit.SECONDS)) {
            assertArrayEquals(new String[] {"Roger Roger"}, response.output("OUTPUT0").strings());
            assertArrayEquals(new long[] {1, 1}, response.output("OUTPUT0").shape());
        }
    }
}
