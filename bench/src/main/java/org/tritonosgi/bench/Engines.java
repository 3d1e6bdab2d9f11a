package org.tritonosgi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.tritonosgi.core.internal.CoreInferenceServer;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/**
 * The two engines our frontends run on in the benchmarks: (a) the embedded engine, on a temporary repository of
 * identity models ({@value #FP32} FP32 [16], {@value #BYTES} BYTES [1], {@value #FP32_ANY} FP32 [-1], all batching
 * up to 8); (b) the native core through JNA on our C test double of libtritonserver
 * ({@link CoreOverheadBenchmark#doubleLibrary()}), whose model {@value #CORE_IDENTITY} echoes any input.
 */
final class Engines implements AutoCloseable {

    static final String FP32 = "identity_fp32";
    static final String BYTES = "identity_bytes";
    static final String FP32_ANY = "identity_fp32_any";
    static final String CORE_IDENTITY = "identity";

    final EmbeddedInferenceServer embedded;
    final CoreInferenceServer core;
    private final Path repository;

    private Engines(Path repository, EmbeddedInferenceServer embedded, CoreInferenceServer core) {
        this.repository = repository;
        this.embedded = embedded;
        this.core = core;
    }

    static Engines start() throws IOException {
        Path repo = Files.createTempDirectory("tritonosgi-bench-models");
        model(repo, FP32, "TYPE_FP32", 16);
        model(repo, BYTES, "TYPE_STRING", 1);
        model(repo, FP32_ANY, "TYPE_FP32", -1);
        EmbeddedInferenceServer embedded = new EmbeddedInferenceServer(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5)), "bench");
        try {
            return new Engines(repo, embedded, new CoreInferenceServer(
                    org.tritonosgi.core.internal.Settings.of(CoreOverheadBenchmark.doubleLibrary(), "/models")));
        } catch (RuntimeException e) {
            embedded.deactivate();
            throw e;
        }
    }

    static void model(Path repo, String name, String type, long dim) throws IOException {
        Files.createDirectories(repo.resolve(name).resolve("1"));
        Files.writeString(repo.resolve(name).resolve("config.pbtxt"), """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: %s dims: [ %d ] } ]
                output [ { name: "OUTPUT0" data_type: %s dims: [ %d ] } ]
                """.formatted(type, dim, type, dim));
    }

    @Override
    public void close() throws IOException {
        try {
            core.deactivate();
        } finally {
            embedded.deactivate();
            try (var files = Files.walk(repository)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
