package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/** The onnxruntime backend on models the tests write themselves. */
class OnnxRuntimeBackendTest {

    /** Every datatype ONNX Runtime for Java exchanges. */
    private static final List<String> ORT_TYPES = List.of("BOOL", "UINT8", "INT8", "INT16", "INT32", "INT64",
            "FP16", "BF16", "FP32", "FP64", "BYTES");

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            assertEquals(0, server.liveOrtValues(), "every OrtValue of every run was closed");
            server.deactivate();
        }
    }

    private static String config(String name, String type, int maxBatch, String dims) {
        String configType = type.equals("BYTES") ? "STRING" : type;
        return "name: \"" + name + "\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: " + maxBatch + "\n"
                + "input [ { name: \"INPUT0\" data_type: TYPE_" + configType + " dims: " + dims + " } ]\n"
                + "output [ { name: \"OUTPUT0\" data_type: TYPE_" + configType + " dims: " + dims + " } ]\n";
    }

    private static InferenceResponse infer(Model model, InferenceRequest request) throws Exception {
        return model.infer(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Tensor random(String name, DataType type, long[] shape, Random random) {
        int elements = Math.toIntExact(Tensor.elementCount(name, shape));
        if (type == DataType.BYTES) {
            String[] values = new String[elements];
            for (int i = 0; i < elements; i++) {
                values[i] = "v" + random.nextInt(1000) + (i % 2 == 0 ? "é" : "");
            }
            return Tensor.ofStrings(name, shape, values);
        }
        byte[] bytes = new byte[elements * type.elementSize()];
        random.nextBytes(bytes);
        if (type == DataType.BOOL) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (bytes[i] & 1);
            }
        }
        return new Tensor(name, type, shape, ByteBuffer.wrap(bytes));
    }

    @Test
    void identityModelsRoundTripEveryDatatypeOnnxRuntimeExchanges() throws Exception {
        for (String type : ORT_TYPES) {
            OnnxModels.write(repo, "id_" + type.toLowerCase(), OnnxModels.identity(OnnxModels.ELEMENT.get(type), -1, 3),
                    config("id_" + type.toLowerCase(), type, 4, "[ 3 ]"), 1);
        }
        server = TestRepository.start(repo);
        Random random = new Random(42);
        for (String type : ORT_TYPES) {
            Model model = server.model("id_" + type.toLowerCase(), 0);
            Tensor input = random("INPUT0", DataType.parse(type), new long[] {2, 3}, random);
            try (InferenceResponse response = infer(model, InferenceRequest.builder().input(input).build())) {
                Tensor output = response.output("OUTPUT0");
                assertEquals(DataType.parse(type), output.dataType(), type);
                assertArrayEquals(new long[] {2, 3}, output.shape(), type);
                assertEquals(input.data(), output.data(), type + " data came back unchanged");
            }
        }
        assertTrue(server.isReady());
    }

    @Test
    void addAndMatMulModelsCompute() throws Exception {
        OnnxModels.write(repo, "add", OnnxModels.add(4), """
                platform: "onnxruntime_onnx"
                input [ { name: "A" data_type: TYPE_FP32 dims: [ 4 ] }, { name: "B" data_type: TYPE_FP32 dims: [ 4 ] } ]
                output [ { name: "SUM" data_type: TYPE_FP32 dims: [ 4 ] } ]
                """, 1);
        OnnxModels.write(repo, "matmul", OnnxModels.matMul(), null, 1);
        server = TestRepository.start(repo);

        try (InferenceResponse sum = infer(server.model("add", 0), InferenceRequest.builder()
                .input(floats("A", new long[] {4}, 1, 2, 3, 4)).input(floats("B", new long[] {4}, 10, 20, 30, 40))
                .build())) {
            assertArrayEquals(new float[] {11, 22, 33, 44}, floats(sum.output("SUM")));
        }
        try (InferenceResponse product = infer(server.model("matmul", 0), InferenceRequest.builder()
                .input(floats("X", new long[] {1, 2}, 1, 1)).build())) {
            assertArrayEquals(new float[] {4, 6}, floats(product.output("Y")));
        }
    }

    @Test
    void autoCompleteFillsInputsOutputsBatchingFromTheModelFile() {
        OnnxModels.write(repo, "matmul", OnnxModels.matMul(), null, 1);
        server = TestRepository.start(repo);

        ModelConfig config = server.model("matmul", 0).config();
        assertEquals("onnxruntime_onnx", config.getPlatform());
        assertEquals("onnxruntime", config.getBackend());
        assertEquals(4, config.getMaxBatchSize(), "first dimension variable everywhere: batching with the default");
        assertEquals("X", config.getInput(0).getName());
        assertEquals(org.tritonosgi.api.config.DataType.TYPE_FP32, config.getInput(0).getDataType());
        assertEquals(List.of(2L), config.getInput(0).getDimsList());
        assertEquals(List.of(2L), config.getOutput(0).getDimsList());
        assertEquals(List.of(4), config.getDynamicBatching().getPreferredBatchSizeList());
    }

    @Test
    void strictModelConfigRefusesAModelWithoutConfig() {
        OnnxModels.write(repo, "matmul", OnnxModels.matMul(), null, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withStrictModelConfig(true));
        ModelIndexEntry entry = server.index(false).get(0);
        assertEquals(ModelState.UNAVAILABLE, entry.state());
        assertTrue(entry.reason().contains("strict.model.config is true"), entry.reason());
    }

    @Test
    void brokenModelsAreUnavailableNamingFileAndProblemWhileOthersServe() throws Exception {
        OnnxModels.write(repo, "good", OnnxModels.identity(1, -1, 3), config("good", "FP32", 4, "[ 3 ]"), 1);
        Path corrupt = OnnxModels.write(repo, "corrupt", OnnxModels.identity(1, -1, 3),
                config("corrupt", "FP32", 4, "[ 3 ]"), 1);
        Files.write(corrupt.resolve("1/model.onnx"), "not a model".getBytes());
        OnnxModels.write(repo, "wrong_input", OnnxModels.identity(1, -1, 3),
                config("wrong_input", "FP32", 4, "[ 3 ]").replace("\"INPUT0\"", "\"MISSING\""), 1);
        OnnxModels.write(repo, "wrong_type", OnnxModels.identity(1, -1, 3),
                config("wrong_type", "INT32", 4, "[ 3 ]"), 1);
        OnnxModels.write(repo, "uint16", OnnxModels.identity(4, -1, 3), config("uint16", "UINT16", 4, "[ 3 ]"), 1);
        OnnxModels.write(repo, "wrong_dims", OnnxModels.identity(1, -1, 3), config("wrong_dims", "FP32", 4, "[ 5 ]"),
                1);
        server = TestRepository.start(repo);

        assertReason("corrupt", "corrupt/1/model.onnx");
        assertReason("wrong_input", "expects input 'MISSING'", "[INPUT0]");
        assertReason("wrong_type", "TYPE_INT32", "ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT");
        assertReason("uint16", "UINT16", "ONNX Runtime for Java");
        assertReason("wrong_dims", "dims [5]", "[-1, 3]");
        try (InferenceResponse response = infer(server.model("good", 0), InferenceRequest.builder()
                .input(floats("INPUT0", new long[] {1, 3}, 1, 2, 3)).build())) {
            assertArrayEquals(new float[] {1, 2, 3}, floats(response.output("OUTPUT0")));
        }
    }

    private void assertReason(String model, String... fragments) {
        ModelIndexEntry entry = server.index(false).stream().filter(e -> e.name().equals(model)).findFirst()
                .orElseThrow();
        assertEquals(ModelState.UNAVAILABLE, entry.state(), model);
        for (String fragment : fragments) {
            assertTrue(entry.reason().contains(fragment), model + ": '" + entry.reason() + "' lacks " + fragment);
        }
    }

    @Test
    void failedRunsReportOnnxRuntimeErrorsAndLeakNoOrtValues() throws Exception {
        OnnxModels.write(repo, "add", OnnxModels.add(-1), """
                platform: "onnxruntime_onnx"
                input [ { name: "A" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "B" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "SUM" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        Model model = server.model("add", 0);
        for (int i = 0; i < 10; i++) {
            try (InferenceResponse ok = infer(model, InferenceRequest.builder().input(floats("A", new long[] {2}, 1, 2))
                    .input(floats("B", new long[] {2}, 3, 4)).build())) {
                assertArrayEquals(new float[] {4, 6}, floats(ok.output("SUM")));
            }
            CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> model.infer(InferenceRequest.builder().input(floats("A", new long[] {2}, 1, 2))
                            .input(floats("B", new long[] {3}, 3, 4, 5)).build()).toCompletableFuture().join());
            TritonException error = TritonException.of(failed);
            assertEquals(TritonException.Code.INTERNAL, error.code());
            assertTrue(error.getMessage().contains("model 'add'"), error.getMessage());
        }
        assertEquals(0, server.liveOrtValues());
        assertEquals(10, server.statistics("add", 0).get(0).inference().fail().count());
    }

    static Tensor floats(String name, long[] shape, float... values) {
        ByteBuffer data = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            data.putFloat(value);
        }
        return new Tensor(name, DataType.FP32, shape, data.flip());
    }

    static float[] floats(Tensor tensor) {
        ByteBuffer data = tensor.data();
        float[] values = new float[data.remaining() / 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getFloat();
        }
        return values;
    }
}
