package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tiny run of the whole HTTP plan (every scenario, both engines, 1 MiB as the large size, the open loop): proves
 * the harness, the echo and our servers answer and the table carries every column, without judging speed.
 */
class HttpBenchSmokeTest {

    @Test
    void everyScenarioAnswersEveryRequestOfAShortRun() throws Exception {
        List<LoadResult.Row> rows = HttpBench.run(Plan.smoke());
        List<String> expected = List.of(HttpBench.JSON + HttpBench.EMBEDDED, HttpBench.BINARY + HttpBench.EMBEDDED,
                HttpBench.JSON + HttpBench.NATIVE, HttpBench.BINARY + HttpBench.NATIVE,
                HttpBench.BYTES + HttpBench.EMBEDDED, HttpBench.large(1) + HttpBench.EMBEDDED,
                HttpBench.BINARY + HttpBench.EMBEDDED);
        assertEquals(expected, rows.stream().map(LoadResult.Row::scenario).toList());
        BenchAssertions.everyRowAnsweredWithFootprint(rows);
        assertTrue(rows.get(rows.size() - 1).load().startsWith("open 2 @ "), rows.get(rows.size() - 1).load());
        String table = HttpBench.table(rows);
        assertTrue(table.contains("| " + HttpBench.BINARY + HttpBench.NATIVE + " | closed 2 |"), table);
    }
}
