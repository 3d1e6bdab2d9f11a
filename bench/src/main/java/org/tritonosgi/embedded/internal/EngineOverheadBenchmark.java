package org.tritonosgi.embedded.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.Tensor;

/**
 * Per-inference cost of the embedded engine (validation, scheduling, an execution thread, the response) over a bare
 * ONNX Runtime session.run of the same [1,16] FP32 Identity model, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineOverheadBenchmark {

    private Path repo;
    private EmbeddedInferenceServer engine;
    private Model model;
    private InferenceRequest request;
    private OrtSession session;
    private OrtEnvironment environment;
    private FloatBuffer bareInput;

    @Setup(Level.Trial)
    public void start() throws IOException, OrtException {
        repo = Files.createTempDirectory("tritonosgi-bench");
        Path dir = OnnxModels.write(repo, "identity_fp32", OnnxModels.identity(1, 1, 16), """
                platform: "onnxruntime_onnx"
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1, 16 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1, 16 ] } ]
                """, 1);
        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)),
                "bench");
        model = engine.model("identity_fp32", 0);
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            data.putFloat(i);
        }
        request = InferenceRequest.builder().input(new Tensor("INPUT0", DataType.FP32, new long[] {1, 16},
                data.flip())).build();
        environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = environment.createSession(dir.resolve("1/model.onnx").toString(), options);
        }
        bareInput = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 16; i++) {
            bareInput.put(i, i);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws OrtException {
        engine.deactivate();
        session.close();
        OverrideFiles.delete(repo);
    }

    /** The raw limit: create the input OrtValue, run, read the output, close everything. */
    @Benchmark
    public float bareOnnxRuntimeRun() throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(environment, bareInput, new long[] {1, 16});
                OrtSession.Result result = session.run(Map.of("INPUT0", input))) {
            return ((OnnxTensor) result.get(0)).getByteBuffer().getFloat(60);
        }
    }

    /** The embedded engine's asynchronous infer on the same model, waited for. */
    @Benchmark
    public float engineInfer() {
        try (InferenceResponse response = model.infer(request).toCompletableFuture().join()) {
            return response.output("OUTPUT0").data().getFloat(60);
        }
    }
}
