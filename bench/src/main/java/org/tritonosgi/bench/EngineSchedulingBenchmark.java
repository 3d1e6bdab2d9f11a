package org.tritonosgi.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.tritonosgi.api.Model;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/**
 * What the embedded engine's scheduling features cost, in one run, in process (no frontend): an identity FP32 [16]
 * model called directly against an ensemble of one step over that same model (the ensemble hop), and a model with
 * the response cache answering from it (hit) against one whose every request is new (miss: lookup, run, insert),
 * and the same model behind a sequence batcher: one step of a running sequence, and the next steps of eight
 * sequences sent together (batched across sequences) against eight requests to the model without a batcher.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineSchedulingBenchmark {

    private Path repo;
    private EmbeddedInferenceServer engine;
    private Model direct;
    private Model ensemble;
    private Model cached;
    private Model sequence;
    private InferenceRequest request;
    private final List<InferenceRequest> steps = new java.util.ArrayList<>();
    private float next;

    @Setup(Level.Trial)
    public void start() throws IOException {
        repo = Files.createTempDirectory("tritonosgi-bench-scheduling");
        model("direct", "");
        model("cached", "response_cache { enable: true }");
        model("sequence", "sequence_batching { max_sequence_idle_microseconds: 600000000 direct { } }");
        Files.createDirectories(repo.resolve("hop/1"));
        Files.writeString(repo.resolve("hop/config.pbtxt"), """
                platform: "ensemble"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                ensemble_scheduling { step [ { model_name: "direct" input_map { key: "INPUT0" value: "INPUT0" }
                  output_map { key: "OUTPUT0" value: "OUTPUT0" } } ] }
                """);
        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5))
                .withResponseCacheSize(1 << 20), "bench");
        direct = engine.model("direct", 0);
        ensemble = engine.model("hop", 0);
        cached = engine.model("cached", 0);
        sequence = engine.model("sequence", 0);
        request = request(1f);
        for (long id = 1; id <= 8; id++) {
            sequence.infer(step(id, true)).toCompletableFuture().join().close();
            steps.add(step(id, false));
        }
    }

    private InferenceRequest step(long id, boolean start) {
        InferenceRequest.Builder step = InferenceRequest.builder().sequence(id, start, false);
        request.inputs().forEach(step::input);
        return step.build();
    }

    private void model(String name, String extra) throws IOException {
        Files.createDirectories(repo.resolve(name).resolve("1"));
        Files.writeString(repo.resolve(name).resolve("config.pbtxt"), """
                backend: "identity"
                max_batch_size: 8
                %s
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                """.formatted(extra));
    }

    private static InferenceRequest request(float first) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(first);
        for (int i = 1; i < 16; i++) {
            data.putFloat(i);
        }
        return InferenceRequest.builder().input(new Tensor("INPUT0", DataType.FP32, new long[] {1, 16}, data.flip()))
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        engine.deactivate();
    }

    @Benchmark
    public Object directModel() {
        return direct.infer(request).toCompletableFuture().join();
    }

    @Benchmark
    public Object ensembleOfOneHop() {
        return ensemble.infer(request).toCompletableFuture().join();
    }

    @Benchmark
    public Object cacheHit() {
        return cached.infer(request).toCompletableFuture().join();
    }

    @Benchmark
    public Object sequenceStep() {
        return sequence.infer(steps.get(0)).toCompletableFuture().join();
    }

    /** Per call: eight requests, one step of each of eight sequences, batched together where they wait. */
    @Benchmark
    public Object eightSequenceSteps() {
        return joinAll(steps.stream().map(step -> sequence.infer(step).toCompletableFuture()).toList());
    }

    /** Per call: eight requests to the model without a batcher, sent together. */
    @Benchmark
    public Object eightDirectRequests() {
        return joinAll(steps.stream().map(step -> direct.infer(request).toCompletableFuture()).toList());
    }

    private static Object joinAll(List<java.util.concurrent.CompletableFuture<org.tritonosgi.api.InferenceResponse>>
            responses) {
        responses.forEach(response -> response.join().close());
        return responses;
    }

    @Benchmark
    public Object cacheMiss() {
        // a new input every call: lookup, run, copy into the cache (LRU evicts within 1 MiB)
        next += 1;
        return cached.infer(request(next)).toCompletableFuture().join();
    }
}
