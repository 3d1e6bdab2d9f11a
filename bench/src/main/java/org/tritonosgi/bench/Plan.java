package org.tritonosgi.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * What HttpBench and GrpcBench run. The small scenarios at each of {@code concurrency}; the large tensors
 * ({@code largeMiB}, FP32) at each of {@code largeConcurrency} with their own warm-up and measured time; and the
 * open loop at {@code openConcurrency}, at each of {@code openFractions} of the echo's closed-loop throughput
 * measured earlier in the same run at that concurrency.
 */
record Plan(Duration warmup, Duration measure, int[] concurrency, int[] largeMiB, int[] largeConcurrency,
        Duration largeWarmup, Duration largeMeasure, int openConcurrency, double[] openFractions) {

    /**
     * Positional arguments {@code [warm-up s] [measured s] [concurrency,...]} (defaults 1, 3, 1,16,64); the rest
     * from system properties: bench.large.mib (1,64), bench.large.concurrency (1,4), bench.large.warmup (1),
     * bench.large.seconds (3), bench.open.concurrency (16), bench.open.fractions (0.25,0.5).
     */
    static Plan fromArgs(String[] args) {
        return new Plan(Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 1),
                Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 3),
                ints(args.length > 2 ? args[2] : "1,16,64"),
                ints(System.getProperty("bench.large.mib", "1,64")),
                ints(System.getProperty("bench.large.concurrency", "1,4")),
                Duration.ofSeconds(Long.getLong("bench.large.warmup", 1)),
                Duration.ofSeconds(Long.getLong("bench.large.seconds", 3)),
                Integer.getInteger("bench.open.concurrency", 16),
                Arrays.stream(System.getProperty("bench.open.fractions", "0.25,0.5").split(","))
                        .mapToDouble(Double::parseDouble).toArray());
    }

    /** A run of a few seconds in all, for the build's smoke tests: every kind of row once, 1 MiB as the large size. */
    static Plan smoke() {
        return new Plan(Duration.ofMillis(50), Duration.ofMillis(150), new int[] {2}, new int[] {1}, new int[] {2},
                Duration.ofMillis(50), Duration.ofMillis(150), 2, new double[] {0.5});
    }

    /** The open loop's concurrency if the closed loop measured the echo there, else the largest one it measured. */
    int openAt() {
        return Arrays.stream(concurrency).anyMatch(n -> n == openConcurrency) ? openConcurrency
                : Arrays.stream(concurrency).max().orElse(1);
    }

    LoadSpec closed(int n) {
        return LoadSpec.closed(n, warmup, measure);
    }

    LoadSpec large(int n) {
        return LoadSpec.closed(n, largeWarmup, largeMeasure);
    }

    LoadSpec open(double echoThroughput, double fraction) {
        return LoadSpec.open(openAt(), Math.max(1, echoThroughput * fraction), warmup, measure);
    }

    private static int[] ints(String list) {
        return list.isBlank() ? new int[0] : Arrays.stream(list.split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
    }
}
