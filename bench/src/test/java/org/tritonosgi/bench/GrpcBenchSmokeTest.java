package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tiny run of the whole gRPC plan (every scenario, both engines, 1 MiB as the large size, the open loop): proves
 * the harness, the echo and our servers answer and the echo moves the same bytes, without judging speed.
 */
class GrpcBenchSmokeTest {

    @Test
    void everyScenarioAnswersEveryCallOfAShortRun() throws Exception {
        GrpcBench.Report report = GrpcBench.run(Plan.smoke());
        List<String> expected = List.of(GrpcBench.UNARY + HttpBench.EMBEDDED, GrpcBench.STREAM + HttpBench.EMBEDDED,
                GrpcBench.UNARY + HttpBench.NATIVE, GrpcBench.STREAM + HttpBench.NATIVE,
                GrpcBench.BYTES + HttpBench.EMBEDDED, GrpcBench.large(1) + HttpBench.EMBEDDED,
                GrpcBench.UNARY + HttpBench.EMBEDDED);
        assertEquals(expected, report.rows().stream().map(LoadResult.Row::scenario).toList());
        BenchAssertions.everyRowAnsweredWithFootprint(report.rows());
        // the echo moves the same bytes as our server
        assertEquals(report.oursUnaryBytes(), report.echoUnaryBytes());
        assertEquals(report.oursStreamBytes(), report.echoStreamBytes());
        LoadResult.Row open = report.rows().get(report.rows().size() - 1);
        assertTrue(open.load().startsWith("open 2 @ "), open.load());
        String table = GrpcBench.table(report.rows());
        assertTrue(table.contains("| " + GrpcBench.STREAM + HttpBench.NATIVE + " | closed 2 |"), table);
    }
}
