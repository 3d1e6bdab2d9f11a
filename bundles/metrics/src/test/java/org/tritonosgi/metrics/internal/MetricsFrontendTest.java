package org.tritonosgi.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/** Scrapes the metrics frontend with a real HTTP client and parses the Prometheus text it answers. */
class MetricsFrontendTest {

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static MetricsServer server;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(repo.resolve("identity/1"));
        Files.writeString(repo.resolve("identity/config.pbtxt"), """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        Files.createDirectories(repo.resolve("slow/1"));
        Files.writeString(repo.resolve("slow/config.pbtxt"), """
                backend: "identity"
                max_batch_size: 8
                instance_group [ { count: 1 kind: KIND_CPU } ]
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)), "t");
        server = new MetricsServer(engine, new MetricsSettings(new InetSocketAddress("127.0.0.1", 0), 1));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        engine.deactivate();
    }

    private static HttpResponse<String> send(String path, String method) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort()
                + path)).method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sample lines "name{labels}" to value, checking every family has HELP and TYPE lines first. */
    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = send("/metrics", "GET");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElse(""));
        Map<String, Double> samples = new HashMap<>();
        String family = null;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("# HELP ")) {
                family = line.split(" ")[2];
            } else if (line.startsWith("# TYPE ")) {
                assertEquals(family, line.split(" ")[2], "TYPE follows its HELP");
                assertTrue(line.endsWith(" counter") || line.endsWith(" gauge"), line);
            } else {
                int space = line.lastIndexOf(' ');
                assertTrue(line.startsWith(family), line + " belongs to " + family);
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    @Test
    void countersMoveByExactlyTheRequestsSent() throws Exception {
        String success = "nv_inference_request_success{model=\"identity\",version=\"1\"}";
        String count = "nv_inference_count{model=\"identity\",version=\"1\"}";
        String failure = "nv_inference_request_failure{model=\"identity\",version=\"1\",reason=\"OTHER\"}";
        Map<String, Double> before = scrape();
        for (int i = 0; i < 5; i++) {
            engine.model("identity", 0).infer(InferenceRequest.builder()
                    .input(Tensor.ofStrings("INPUT0", new long[] {2, 1}, "a", "b")).build())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).close();
        }
        engine.model("identity", 0).infer(InferenceRequest.builder().build());
        Map<String, Double> after = scrape();
        assertEquals(before.get(success) + 5, after.get(success));
        assertEquals(before.get(count) + 10, after.get(count), "a batch of 2 counts 2 inferences");
        assertEquals(before.get(failure) + 1, after.get(failure));
        assertTrue(after.get("nv_inference_request_duration_us{model=\"identity\",version=\"1\"}") > 0);
        assertTrue(after.get("nv_cpu_memory_total_bytes") > 0);
    }

    @Test
    void pendingRequestGaugeCountsRequestsWaitingForTheInstance() throws Exception {
        String pending = "nv_inference_pending_request_count{model=\"slow\",version=\"1\"}";
        assertEquals(0.0, scrape().get(pending));
        List<java.util.concurrent.CompletableFuture<org.tritonosgi.api.InferenceResponse>> calls =
                new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // the first occupies the only instance for 300 ms; the other three wait in the queue
            calls.add(engine.model("slow", 0).infer(InferenceRequest.builder().parameter("delay_ms", i == 0 ? 300L : 0L)
                    .input(Tensor.ofStrings("INPUT0", new long[] {1, 1}, "x")).build()).toCompletableFuture());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double seen = -1;
        while (System.nanoTime() < deadline && (seen = scrape().get(pending)) != 3.0) {
            Thread.onSpinWait();
        }
        assertEquals(3.0, seen, "three requests wait while the first runs");
        for (var call : calls) {
            call.get(10, TimeUnit.SECONDS).close();
        }
        assertEquals(0.0, scrape().get(pending));
        assertEquals("gauge", send("/metrics", "GET").body().lines()
                .filter(line -> line.startsWith("# TYPE nv_inference_pending_request_count ")).findFirst()
                .orElseThrow().split(" ")[3]);
    }

    @Test
    void otherMethodsAndPathsAreRefused() throws Exception {
        assertEquals(405, send("/metrics", "POST").statusCode());
        assertEquals("{\"error\":\"Method Not Allowed\"}", send("/metrics", "POST").body());
        assertEquals(404, send("/v2", "GET").statusCode());
        assertEquals(200, send("/metrics/", "GET").statusCode());
    }

    @Test
    void invalidSettingsNamePidPropertyAndValue() {
        MetricsConfig config = org.osgi.util.converter.Converters.standardConverter()
                .convert(Map.of("thread.count", 0)).to(MetricsConfig.class);
        assertEquals("PID org.tritonosgi.metrics: invalid value '0' for property 'thread.count': expected at least 1",
                assertThrows(IllegalArgumentException.class, () -> MetricsSettings.from(config)).getMessage());
    }
}
