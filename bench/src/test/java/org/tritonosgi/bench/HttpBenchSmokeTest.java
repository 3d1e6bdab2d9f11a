package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny run of the HTTP benchmark: proves the harness, the echo and our server answer, without judging speed. */
class HttpBenchSmokeTest {

    @Test
    void bothServersAnswerEveryRequestOfAShortRun() throws Exception {
        List<LoadResult.Row> rows = HttpBench.run(Duration.ofMillis(200), Duration.ofMillis(500), 2);
        assertEquals(2, rows.size());
        for (LoadResult.Row row : rows) {
            assertEquals(0, row.ours().errors() + row.echo().errors(), row.toString());
            assertTrue(row.ours().throughput() > 0 && row.echo().throughput() > 0, row.toString());
        }
        assertTrue(HttpBench.table(rows).contains("| identity FP32[1,16] binary | 2 |"));
    }
}
