package org.tritonosgi.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.tritonosgi.core.internal.CoreInferenceServer;
import org.tritonosgi.core.internal.Settings;

/**
 * Per-inference cost of the native core through JNA ({@link CoreInferenceServer}: request, input, callbacks, the
 * response allocator into our pooled direct buffers, reading the response, deleting everything) on our C test double
 * of libtritonserver, [1,16] FP32 through {@code identity}. Its raw limit is {@code bench/src/main/c/direct_loop.c},
 * the same sequence of C API calls made directly in C; bench/run.sh prints both and their ratio.
 * The double's path: system property {@value #DOUBLE_PROPERTY} or environment variable {@value #DOUBLE_ENV}
 * (JMH's forks inherit the environment).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CoreOverheadBenchmark {

    static final String DOUBLE_PROPERTY = "tritonosgi.core.double";
    static final String DOUBLE_ENV = "TRITONOSGI_CORE_DOUBLE";

    private CoreInferenceServer core;
    private Model model;
    private InferenceRequest request;

    /** The double's path, or an exception saying how to give it. */
    static String doubleLibrary() {
        String path = System.getProperty(DOUBLE_PROPERTY, System.getenv(DOUBLE_ENV));
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("the C test double of libtritonserver is missing (" + DOUBLE_PROPERTY
                    + " / " + DOUBLE_ENV + " = " + path + "); bench/run.sh compiles it from "
                    + "bundles/core/src/test/c with gcc");
        }
        return path;
    }

    @Setup(Level.Trial)
    public void start() {
        core = new CoreInferenceServer(Settings.of(doubleLibrary(), "/models"));
        model = core.model("identity", 0);
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            data.putFloat(i);
        }
        request = InferenceRequest.builder().input(new Tensor("INPUT0", DataType.FP32, new long[] {1, 16},
                data.flip())).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        core.deactivate();
    }

    /** One asynchronous inference through JNA, waited for; the response is closed (its buffer back to the pool). */
    @Benchmark
    public float coreInfer() {
        try (InferenceResponse response = model.infer(request).toCompletableFuture().join()) {
            return response.output("OUTPUT0").data().getFloat(60);
        }
    }
}
