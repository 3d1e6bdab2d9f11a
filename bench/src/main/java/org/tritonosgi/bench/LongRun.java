package org.tritonosgi.bench;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.grpc.internal.GrpcServer;
import org.tritonosgi.grpc.internal.GrpcSettings;
import org.tritonosgi.http.internal.HttpServer;
import org.tritonosgi.http.internal.HttpSettings;

/**
 * The long mode: a fixed count of FP32[1,16] requests (1,000,000 by default) through each frontend on each engine,
 * closed loop, with the process's RSS before the first and after the last (and the heap in use after a full GC at
 * both ends), so that a leak per request shows as growth. Usage: LongRun [requests] [concurrency].
 */
public final class LongRun {

    /** One frontend on one engine: the load result, and memory in KiB at the start and the end. */
    public record Result(String scenario, LoadResult load, double seconds, long rssStartKiB, long rssEndKiB,
            long peakRssKiB, long heapStartKiB, long heapEndKiB) {
    }

    private LongRun() {
    }

    public static void main(String[] args) throws Exception {
        long requests = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        System.out.println(table(run(requests, concurrency)));
    }

    static List<Result> run(long requests, int concurrency) throws Exception {
        // no warm-up: the count is the whole run; the time bound only stops a run that hangs
        LoadSpec spec = new LoadSpec(concurrency, 0, Duration.ZERO, Duration.ofMinutes(30), requests);
        List<Result> results = new ArrayList<>();
        try (Engines engines = Engines.start()) {
            for (boolean native_ : new boolean[] {false, true}) {
                InferenceServer engine = native_ ? engines.core : engines.embedded;
                String model = native_ ? Engines.CORE_IDENTITY : Engines.FP32;
                String side = native_ ? HttpBench.NATIVE : HttpBench.EMBEDDED;
                HttpServer http = new HttpServer(engine, HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2,
                        1 << 26));
                http.start();
                try {
                    int port = http.localAddress().getPort();
                    results.add(measure("HTTP " + HttpBench.BINARY + side,
                            () -> HttpLoad.run(port, HttpBench.binary(model, 16), spec)));
                } finally {
                    http.stop();
                }
                GrpcServer grpc = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
                grpc.start();
                try {
                    int port = grpc.localAddress().getPort();
                    results.add(measure("gRPC " + GrpcBench.UNARY + side,
                            () -> GrpcLoad.unary(port, GrpcBench.fp32(model, 16), spec)));
                } finally {
                    grpc.stop();
                }
            }
        }
        return results;
    }

    private interface Load {
        LoadResult run() throws InterruptedException;
    }

    private static Result measure(String scenario, Load load) throws InterruptedException {
        long heapStart = heapAfterGcKiB();
        long rssStart = ProcessMemory.rssKiB();
        ProcessMemory.resetPeak();
        long start = System.nanoTime();
        LoadResult result = load.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        long rssEnd = ProcessMemory.rssKiB();
        long peak = Math.max(ProcessMemory.peakRssKiB(), rssEnd); // the high-water mark can trail the last RSS read
        return new Result(scenario, result, seconds, rssStart, rssEnd, peak, heapStart, heapAfterGcKiB());
    }

    /** Heap in use after a full collection (System.gc() is a full GC with G1 unless told otherwise). */
    private static long heapAfterGcKiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    }

    static String table(List<Result> results) {
        StringBuilder table = new StringBuilder("| scenario (closed loop) | requests | errors | seconds | req/s "
                + "| p50 / p99 / p99.9 µs | RSS start → end MiB | peak RSS MiB | heap after GC start → end MiB "
                + "| server alloc/req |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            LoadResult load = r.load();
            table.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f / %.0f / %.0f | %d → %d "
                    + "| %d | %d → %d | %s |%n", r.scenario(), load.requests(), load.errors(), r.seconds(),
                    load.throughput(), load.p50(), load.p99(), load.p999(), r.rssStartKiB() / 1024,
                    r.rssEndKiB() / 1024, r.peakRssKiB() / 1024, r.heapStartKiB() / 1024, r.heapEndKiB() / 1024,
                    LoadResult.bytes(load.allocatedPerRequest())));
        }
        return table.toString();
    }
}
