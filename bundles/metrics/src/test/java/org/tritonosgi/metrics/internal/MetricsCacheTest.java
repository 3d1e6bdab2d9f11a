package org.tritonosgi.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/** Triton's per-model response cache metrics, for models that use the embedded engine's cache. */
class MetricsCacheTest {

    @TempDir
    Path repo;

    @Test
    void cacheHitsAndMissesArePublishedPerModelThatUsesTheCache() throws Exception {
        for (String name : List.of("cached", "plain")) {
            Files.createDirectories(repo.resolve(name + "/1"));
            Files.writeString(repo.resolve(name + "/config.pbtxt"), """
                    backend: "identity"
                    %s
                    input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                    output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                    """.formatted(name.equals("cached") ? "response_cache { enable: true }" : ""));
        }
        EmbeddedInferenceServer engine = new EmbeddedInferenceServer(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5)).withResponseCacheSize(1 << 20), "t");
        MetricsServer server = new MetricsServer(engine, new MetricsSettings(new InetSocketAddress("127.0.0.1", 0), 1));
        server.start();
        try {
            for (String model : List.of("cached", "cached", "cached", "plain")) {
                engine.model(model, 0).infer(InferenceRequest.builder()
                        .input(Tensor.ofStrings("INPUT0", new long[] {1}, "same")).build())
                        .toCompletableFuture().get(10, TimeUnit.SECONDS).close();
            }
            String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.localAddress().getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(text.contains("nv_cache_num_hits_per_model{model=\"cached\",version=\"1\"} 2"), text);
            assertTrue(text.contains("nv_cache_num_misses_per_model{model=\"cached\",version=\"1\"} 1"), text);
            assertTrue(text.contains("# TYPE nv_cache_hit_duration_per_model counter"), text);
            assertFalse(text.contains("nv_cache_num_hits_per_model{model=\"plain\""), text);
        } finally {
            server.stop();
            engine.deactivate();
        }
    }
}
