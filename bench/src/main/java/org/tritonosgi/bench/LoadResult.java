package org.tritonosgi.bench;

import java.util.List;
import java.util.Locale;

/**
 * One closed-loop load run: throughput in requests per second, latency percentiles in microseconds, errors; and the
 * Markdown table that sets our runs beside the raw limit's.
 */
public record LoadResult(double throughput, double p50, double p99, long errors) {

    /** One scenario at one concurrency: our result and the raw limit's, measured in the same run. */
    public record Row(String scenario, int concurrency, LoadResult ours, LoadResult echo) {
    }

    static String table(String concurrencyHeader, List<Row> rows) {
        StringBuilder table = new StringBuilder("| scenario | " + concurrencyHeader + " | ours req/s | echo req/s "
                + "| throughput ratio | ours p50/p99 (us) | echo p50/p99 (us) | p99 ratio | errors |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f | %.0f / %.0f | %.0f / %.0f | %.2f "
                    + "| %d |%n", row.scenario(), row.concurrency(), row.ours().throughput(), row.echo().throughput(),
                    row.ours().throughput() / row.echo().throughput(), row.ours().p50(), row.ours().p99(),
                    row.echo().p50(), row.echo().p99(), row.ours().p99() / row.echo().p99(),
                    row.ours().errors() + row.echo().errors()));
        }
        return table.toString();
    }
}
