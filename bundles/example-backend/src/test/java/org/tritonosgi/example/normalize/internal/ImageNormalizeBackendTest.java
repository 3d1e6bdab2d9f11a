package org.tritonosgi.example.normalize.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelInput;
import org.tritonosgi.api.config.ModelOutput;
import org.tritonosgi.api.config.ModelParameter;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

class ImageNormalizeBackendTest {

    @TempDir
    Path repo;

    private static ModelConfig config(org.tritonosgi.api.config.DataType in, String mean, String std) {
        ModelConfig.Builder config = ModelConfig.newBuilder().setName("norm").setBackend("image_normalize")
                .addInput(ModelInput.newBuilder().setName("PIXELS").setDataType(in).addDims(-1))
                .addOutput(ModelOutput.newBuilder().setName("VALUES")
                        .setDataType(org.tritonosgi.api.config.DataType.TYPE_FP32).addDims(-1));
        if (mean != null) {
            config.putParameters("mean", ModelParameter.newBuilder().setStringValue(mean).build());
            config.putParameters("std", ModelParameter.newBuilder().setStringValue(std).build());
        }
        return config.build();
    }

    static Tensor pixels(String name, int... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length);
        for (int value : values) {
            data.put((byte) value);
        }
        return new Tensor(name, DataType.UINT8, new long[] {values.length}, data.flip());
    }

    static float[] floats(Tensor tensor) {
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[tensor.byteSize() / 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getFloat();
        }
        return values;
    }

    @Test
    void pixelsBecomeNormalisedFloatsWithTheModelsMeanAndStd() {
        var instance = new ImageNormalizeBackend().createInstance(config(
                org.tritonosgi.api.config.DataType.TYPE_UINT8, "0.5", "0.5"), repo);
        Tensor out = instance.execute(InferenceRequest.builder().input(pixels("PIXELS", 0, 255, 51)).build()).get(0);
        assertEquals("VALUES", out.name());
        assertArrayEquals(new long[] {3}, out.shape());
        assertArrayEquals(new float[] {-1f, 1f, -0.6f}, floats(out), 1e-6f);
    }

    @Test
    void aModelThatDoesNotTakePixelsIsRefusedNamingIt() {
        TritonException refused = assertThrows(TritonException.class, () -> new ImageNormalizeBackend()
                .createInstance(config(org.tritonosgi.api.config.DataType.TYPE_FP32, null, null), repo));
        assertEquals("image_normalize model 'norm' needs one TYPE_UINT8 input and one TYPE_FP32 output",
                refused.getMessage());
    }

    @Test
    void servesAnEnsemblesPreProcessingStepInTheEmbeddedEngine() throws Exception {
        write("norm", """
                backend: "image_normalize"
                input [ { name: "PIXELS" data_type: TYPE_UINT8 dims: [ -1 ] } ]
                output [ { name: "VALUES" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """);
        write("post", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """);
        write("pipeline", """
                platform: "ensemble"
                input [ { name: "IMAGE" data_type: TYPE_UINT8 dims: [ -1 ] } ]
                output [ { name: "RESULT" data_type: TYPE_FP32 dims: [ -1 ] } ]
                ensemble_scheduling { step [
                  { model_name: "norm" input_map { key: "PIXELS" value: "IMAGE" } output_map { key: "VALUES" value: "V" } },
                  { model_name: "post" input_map { key: "INPUT0" value: "V" } output_map { key: "OUTPUT0" value: "RESULT" } }
                ] }
                """);
        EmbeddedInferenceServer engine = new EmbeddedInferenceServer(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5)), "test");
        try {
            engine.addBackend(ImageNormalizeBackend.NAME, new ImageNormalizeBackend());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!engine.model("pipeline", 1).isReady()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("pipeline never became ready: " + engine.index(false));
                }
                Thread.sleep(10);
            }
            try (InferenceResponse response = engine.model("pipeline", 0).infer(InferenceRequest.builder()
                    .input(pixels("IMAGE", 255, 0)).build()).toCompletableFuture().get(10, TimeUnit.SECONDS)) {
                assertArrayEquals(new float[] {1f, 0f}, floats(response.output("RESULT")));
            }
        } finally {
            engine.deactivate();
        }
    }

    private void write(String name, String config) throws Exception {
        Files.createDirectories(repo.resolve(name).resolve("1"));
        Files.writeString(repo.resolve(name).resolve("config.pbtxt"), config);
    }
}
