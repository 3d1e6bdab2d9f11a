package org.tritonosgi.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.tritonosgi.api.trace.Tracing;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.http.internal.HttpServer;
import org.tritonosgi.http.internal.HttpSettings;
import org.tritonosgi.metrics.internal.MetricsServer;
import org.tritonosgi.metrics.internal.MetricsSettings;
import org.tritonosgi.tracing.internal.BenchTracing;

/**
 * What observability costs HTTP throughput (identity FP32[1,16], binary, closed loop): with no tracing service,
 * with tracing bound at level OFF, at TIMESTAMPS with Triton's default rate 1000 and with rate 1 (every request,
 * exported over OTLP/HTTP to a collector on loopback that discards), and with the metrics frontend scraped ten times
 * a second. Ratios are to the first run, in the same process. Usage: ObservabilityCost [warm-up s] [measured s]
 * [connections]
 */
public final class ObservabilityCost {

    private ObservabilityCost() {
    }

    public static void main(String[] args) throws Exception {
        Duration warmup = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 2);
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        System.out.println(table(run(warmup, measure, connections)));
    }

    /** A tracing configuration to measure. */
    private record TraceLevel(List<String> levels, long rate, String label) {
    }

    /** One configuration's result and how many spans the collector received. */
    public record Result(String scenario, LoadResult load, long exports) {
    }

    public static List<Result> run(Duration warmup, Duration measure, int connections) throws Exception {
        Path repo = Files.createTempDirectory("tritonosgi-observability-bench");
        Engines.model(repo, Engines.FP32, "TYPE_FP32", 16);
        AtomicLong exports = new AtomicLong();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exports.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
        EmbeddedInferenceServer engine = new EmbeddedInferenceServer(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5)), "bench");
        HttpServer http = new HttpServer(engine, HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2, 1 << 20));
        http.start();
        List<Result> results = new ArrayList<>();
        try {
            load("warm-up, not reported", http, warmup, measure, connections, exports);
            results.add(load("no tracing service", http, warmup, measure, connections, exports));
            for (TraceLevel setting : List.of(new TraceLevel(List.of(), 1000, "tracing bound, level OFF"),
                    new TraceLevel(List.of("TIMESTAMPS"), 1000, "TIMESTAMPS, rate 1000"),
                    new TraceLevel(List.of("TIMESTAMPS"), 1, "TIMESTAMPS, rate 1 (every request)"))) {
                Tracing tracing = BenchTracing.otlp(setting.levels(), setting.rate(), endpoint);
                http.tracing(tracing);
                long before = exports.get();
                LoadResult measured;
                try {
                    measured = load(setting.label(), http, warmup, measure, connections, exports).load();
                } finally {
                    http.untrace(tracing);
                    BenchTracing.stop(tracing);
                }
                // stopping exports what the batch processor still held (it exports once a second), so a short
                // run on a busy machine counts its spans too
                results.add(new Result(setting.label(), measured, exports.get() - before));
            }
            MetricsServer metrics = new MetricsServer(engine, new MetricsSettings(new InetSocketAddress("127.0.0.1",
                    0), 1));
            metrics.start();
            AtomicBoolean scraping = new AtomicBoolean(true);
            Thread scraper = new Thread(() -> scrape(metrics.localAddress().getPort(), scraping), "bench-scraper");
            scraper.start();
            try {
                results.add(load("metrics scraped 10 times a second", http, warmup, measure, connections, exports));
            } finally {
                scraping.set(false);
                scraper.join();
                metrics.stop();
            }
            results.add(load("no tracing service, again (the noise)", http, warmup, measure, connections, exports));
        } finally {
            http.stop();
            engine.deactivate();
            collector.stop(0);
        }
        return results;
    }

    private static Result load(String scenario, HttpServer http, Duration warmup, Duration measure,
            int connections, AtomicLong exports) throws Exception {
        long before = exports.get();
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,16],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":64}}],\"parameters\":{\"binary_data_output\":true}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(header, header.length + 64);
        LoadResult result = HttpLoad.run(http.localAddress().getPort(), new HttpLoad.Request(
                "/v2/models/" + Engines.FP32 + "/infer", body, Map.of("Inference-Header-Content-Length",
                        Integer.toString(header.length))), LoadSpec.closed(connections, warmup, measure));
        return new Result(scenario, result, exports.get() - before);
    }

    private static void scrape(int port, AtomicBoolean scraping) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        while (scraping.get()) {
            try {
                client.send(request, HttpResponse.BodyHandlers.discarding());
                Thread.sleep(100);
            } catch (Exception e) {
                return;
            }
        }
    }

    static String table(List<Result> results) {
        double base = results.get(0).load().throughput();
        StringBuilder out = new StringBuilder("| configuration | req/s | ratio to no tracing | p50 / p99 (us) "
                + "| OTLP exports | errors |\n|---|---|---|---|---|---|\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.0f / %.0f | %d | %d |%n", r.scenario(),
                    r.load().throughput(), r.load().throughput() / base, r.load().p50(), r.load().p99(),
                    r.exports(), r.load().errors()));
        }
        return out.toString();
    }
}
