package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The long mode with a small count: exactly that many requests per scenario, and memory read at both ends. */
class LongRunSmokeTest {

    @Test
    void everyScenarioSendsExactlyTheCountAndReportsMemoryAtBothEnds() throws Exception {
        List<LongRun.Result> results = LongRun.run(1000, 4);
        assertEquals(4, results.size());
        for (LongRun.Result result : results) {
            assertEquals(1000, result.load().requests(), result.toString());
            assertEquals(0, result.load().errors(), result.toString());
            assertTrue(result.heapStartKiB() > 0 && result.heapEndKiB() > 0, result.toString());
            if (ProcessMemory.rssKiB() > 0) {
                assertTrue(result.rssStartKiB() > 0 && result.rssEndKiB() > 0, result.toString());
                assertTrue(result.peakRssKiB() >= result.rssEndKiB(), result.toString());
            }
        }
        assertTrue(LongRun.table(results).contains("| 1000 | 0 |"), LongRun.table(results));
    }
}
