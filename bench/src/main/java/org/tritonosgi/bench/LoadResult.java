package org.tritonosgi.bench;

import java.util.List;
import java.util.Locale;

/**
 * One load run: throughput over the measured part in requests per second, latency percentiles in microseconds
 * (from the send time in a closed loop, from the intended send time in an open loop), measured requests, errors and
 * the {@link Footprint}; and the Markdown table that sets our runs beside the raw limit's.
 */
public record LoadResult(double throughput, double p50, double p99, double p999, long requests, long errors,
        Footprint.Result footprint) {

    /** One scenario under one load: our result and the raw limit's, measured in the same run. */
    public record Row(String scenario, String load, LoadResult ours, LoadResult echo) {
    }

    /** Server-side heap allocation per measured request, in bytes. */
    double allocatedPerRequest() {
        return requests > 0 ? (double) footprint.allocatedBytes() / requests : 0;
    }

    static String table(List<Row> rows) {
        StringBuilder table = new StringBuilder("| scenario | load | ours req/s | limit req/s | throughput ratio "
                + "| ours p50 / p99 / p99.9 µs | limit p50 / p99 / p99.9 µs | p99 ratio "
                + "| ours alloc/req (rate) | limit alloc/req (rate) | peak RSS MiB ours / limit | errors |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            LoadResult ours = row.ours();
            LoadResult echo = row.echo();
            table.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %s | %s | %.2f | %s | %s "
                    + "| %s / %s | %d |%n", row.scenario(), row.load(), ours.throughput(), echo.throughput(),
                    ours.throughput() / echo.throughput(), ours.latencies(), echo.latencies(),
                    ours.p99() / echo.p99(), ours.allocation(), echo.allocation(), ours.peakRss(), echo.peakRss(),
                    ours.errors() + echo.errors()));
        }
        return table.toString();
    }

    private String latencies() {
        return String.format(Locale.ROOT, "%s / %s / %s", micros(p50), micros(p99), micros(p999));
    }

    private static String micros(double value) {
        return value >= 100_000 ? String.format(Locale.ROOT, "%.0fk", value / 1000)
                : String.format(Locale.ROOT, "%.0f", value);
    }

    private String allocation() {
        return bytes(allocatedPerRequest()) + String.format(Locale.ROOT, " (%.0f MiB/s)",
                footprint.allocatedMiBPerSecond());
    }

    static String bytes(double value) {
        if (value >= 10 * (1 << 20)) {
            return String.format(Locale.ROOT, "%.0f MiB", value / (1 << 20));
        }
        if (value >= 10 * 1024) {
            return String.format(Locale.ROOT, "%.0f KiB", value / 1024);
        }
        return String.format(Locale.ROOT, "%.0f B", value);
    }

    private String peakRss() {
        return footprint.peakRssKiB() < 0 ? "?" : (footprint.peakRssKiB() / 1024) + (footprint.peakIsPerRun() ? ""
                : "*");
    }
}
