package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.LogSettings;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

class ServerOperationsTest extends DoubleTest {

    private static void await(java.util.concurrent.CompletionStage<Void> stage) throws Exception {
        stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void serverIsLiveAndReadyAndReportsItsIdInMetadata() {
        start("server.id", "core-test");

        assertTrue(server.isLive());
        assertTrue(server.isReady());
        assertEquals("core-test", server.id());
        ServerMetadata metadata = server.metadata();
        assertEquals("core-test", metadata.name());
        assertEquals("2.99.0-double", metadata.version());
        assertTrue(metadata.extensions().contains("statistics"));
    }

    @Test
    void rogerRogerRoundTripsThroughIdentity() {
        start();
        Model model = server.model("identity", 0);
        InferenceRequest request = InferenceRequest.builder().id("r1-ü✓")
                .input(Tensor.ofStrings("INPUT0", new long[] {1, 1}, "Roger Roger")).build();

        try (InferenceResponse response = infer(model, request)) {
            assertEquals("r1-ü✓", response.id(), "strings cross the C API as UTF-8");
            assertEquals("identity", response.modelName());
            assertEquals(1, response.modelVersion());
            assertTrue(response.isFinal());
            Tensor output = response.output("OUTPUT0");
            assertArrayEquals(new String[] {"Roger Roger"}, output.strings());
            assertArrayEquals(new long[] {1, 1}, output.shape());
            assertTrue(output.data().isDirect(), "outputs are our own direct buffers, not copies");
        }
    }

    @Test
    void requestedOutputsLimitTheResponseAndUnknownOnesAreInvalid() {
        start();
        Model model = server.model("identity", 1);
        InferenceRequest.Builder builder = InferenceRequest.builder().input(fp32("INPUT0", 1f, 2f))
                .input(fp32("INPUT1", 3f)).parameter("note", "x").parameter("flag", true).parameter("ratio", 0.5)
                .priority(1).timeoutMicros(1000).sequence(7L, true, false);

        try (InferenceResponse response = infer(model, builder.output(RequestedOutput.of("OUTPUT1")).build())) {
            assertEquals(1, response.outputs().size());
            assertEquals(3f, response.output("OUTPUT1").data().getFloat(0));
        }
        TritonException error = inferFailure(model, InferenceRequest.builder().input(fp32("INPUT0", 1f))
                .output(RequestedOutput.of("NOPE")).sequence("corr", false, true).build());
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertEquals("unexpected inference output 'NOPE' for model 'identity'", error.getMessage());
    }

    @Test
    void unknownModelIsInvalidArgAndMissingVersionIsNotFound() {
        start();

        TritonException unknown = assertThrows(TritonException.class, () -> server.model("nosuch", 0));
        assertEquals(TritonException.Code.INVALID_ARG, unknown.code());
        assertEquals("Request for unknown model: 'nosuch' is not found", unknown.getMessage());
        TritonException version = assertThrows(TritonException.class, () -> server.model("identity", 2));
        assertEquals(TritonException.Code.NOT_FOUND, version.code());
    }

    @Test
    void modelMetadataAndConfigComeFromTritonJson() {
        start();

        ModelMetadata metadata = server.modelMetadata("identity", 0);
        assertEquals("identity", metadata.name());
        assertEquals(List.of("1"), metadata.versions());
        assertEquals(DataType.BYTES, metadata.inputs().get(0).dataType());
        assertEquals(List.of(-1L, -1L), metadata.outputs().get(0).shape());

        Model decoupled = server.model("decoupled_identity", 0);
        ModelConfig config = decoupled.config();
        assertEquals("decoupled_identity", config.getName());
        assertEquals("identity", config.getBackend());
        assertEquals(8, config.getMaxBatchSize());
        assertEquals(List.of(-1L), config.getInput(0).getDimsList());
        assertEquals(org.tritonosgi.api.config.DataType.TYPE_STRING, config.getInput(0).getDataType());
        assertEquals(1, config.getVersionPolicy().getLatest().getNumVersions());
        assertEquals("none", config.getParametersOrThrow("delay").getStringValue());
        assertTrue(config.getModelTransactionPolicy().getDecoupled());
        assertTrue(decoupled.isDecoupled());
        assertFalse(server.model("identity", 0).isDecoupled());
    }

    @Test
    void indexListsEveryModelAndModelStateFollowsIt() {
        start();

        List<ModelIndexEntry> index = server.index(false);
        assertEquals(List.of(new ModelIndexEntry("decoupled_identity", 1, ModelState.READY, ""),
                new ModelIndexEntry("delayed_identity", 1, ModelState.READY, ""),
                new ModelIndexEntry("identity", 1, ModelState.READY, "")), index);
        assertEquals(index, server.index(true));
        assertEquals(ModelState.READY, server.model("identity", 0).state());
    }

    @Test
    void explicitModeLoadsAndUnloadsModels() throws Exception {
        start("model.control.mode", "explicit", "startup.models", "identity");
        assertEquals(List.of("identity"), server.index(true).stream().map(ModelIndexEntry::name).toList());
        assertEquals(ModelState.UNKNOWN, server.index(false).get(0).state(), "never loaded: name only");

        await(server.load("delayed_identity", LoadOptions.DEFAULT));
        assertTrue(server.model("delayed_identity", 1).isReady());

        Model identity = server.model("identity", 1);
        await(server.unload("identity", false));
        assertEquals(ModelState.UNAVAILABLE, identity.state());
        assertEquals(new ModelIndexEntry("identity", 1, ModelState.UNAVAILABLE, "unloaded"),
                server.index(false).get(2));
        TritonException noVersion = assertThrows(TritonException.class, () -> server.model("identity", 0));
        assertEquals(TritonException.Code.NOT_FOUND, noVersion.code());
        TritonException notReady = inferFailure(identity, InferenceRequest.builder().input(fp32("INPUT0", 1f))
                .build());
        assertEquals(TritonException.Code.UNAVAILABLE, notReady.code());

        await(server.load("identity", new LoadOptions(Optional.of("{\"backend\":\"identity\"}"),
                Map.of("1/model.txt", new byte[] {1, 2, 3}))));
        assertTrue(identity.isReady());
        await(server.unload("identity", true));
        assertFalse(identity.isReady());
    }

    @Test
    void aFailureRightAfterStartStopsAndFreesTheServer() {
        DoubleControl.double_fail_next("TRITONSERVER_ServerModelIndex", TritonException.Code.INTERNAL.ordinal());

        assertThrows(TritonException.class, () -> start());
        server = null;
    }

    @Test
    void loadFailuresCarryTritonsCodeAndMessage() {
        start();

        TritonException none = TritonException.of(assertThrows(Exception.class,
                () -> server.load("identity", LoadOptions.DEFAULT).toCompletableFuture().get(30, TimeUnit.SECONDS)));
        assertEquals(TritonException.Code.UNAVAILABLE, none.code());
        assertEquals("explicit model load / unload is not allowed if polling is enabled", none.getMessage());
    }

    @Test
    void statisticsCountInferences() {
        start();
        Model model = server.model("identity", 0);
        for (int i = 0; i < 3; i++) {
            infer(model, InferenceRequest.builder().input(fp32("INPUT0", i)).build()).close();
        }

        List<ModelStatistics> stats = server.statistics("identity", 0);
        assertEquals(1, stats.size());
        assertEquals("identity", stats.get(0).name());
        assertEquals(1, stats.get(0).version());
        assertEquals(3, stats.get(0).inferenceCount());
        assertEquals(3, stats.get(0).inference().success().count());
        assertTrue(stats.get(0).lastInference() > 0);
        assertEquals(1, stats.get(0).batches().get(0).batchSize());
        assertEquals(3, server.statistics(null, 0).size());
        assertEquals(TritonException.Code.INVALID_ARG,
                assertThrows(TritonException.class, () -> server.statistics("nosuch", 0)).code());
        assertEquals(TritonException.Code.NOT_FOUND,
                assertThrows(TritonException.class, () -> server.statistics("identity", 7)).code());
    }

    @Test
    void logSettingsReflectTheConfigurationAndCannotChangeAtRunTime() {
        start("log.info", false, "log.warn", false, "log.error", true, "log.format", "ISO8601");

        LogSettings settings = server.logSettings();
        assertEquals(new LogSettings("", false, false, true, 0, "ISO8601"), settings);
        assertEquals(settings, server.updateLogSettings(settings));
        TritonException change = assertThrows(TritonException.class,
                () -> server.updateLogSettings(new LogSettings("", true, true, true, 1, "ISO8601")));
        assertEquals(TritonException.Code.UNSUPPORTED, change.code());
    }
}
