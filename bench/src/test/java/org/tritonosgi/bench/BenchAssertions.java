package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** What every row of a smoke run must show, whatever the speed. */
final class BenchAssertions {

    private BenchAssertions() {
    }

    /**
     * No errors, measured requests on both sides, server-side allocation seen for ours (every request allocates),
     * and a peak RSS where /proc exists.
     */
    static void everyRowAnsweredWithFootprint(List<LoadResult.Row> rows) {
        for (LoadResult.Row row : rows) {
            for (LoadResult side : List.of(row.ours(), row.echo())) {
                assertEquals(0, side.errors(), row.toString());
                assertTrue(side.requests() > 0 && side.throughput() > 0, row.toString());
                assertTrue(side.p50() > 0 && side.p50() <= side.p99() && side.p99() <= side.p999(), row.toString());
                if (ProcessMemory.rssKiB() > 0) {
                    assertTrue(side.footprint().peakRssKiB() > 0, row.toString());
                }
            }
            assertTrue(row.ours().footprint().allocatedBytes() > 0, row.toString());
        }
    }
}
