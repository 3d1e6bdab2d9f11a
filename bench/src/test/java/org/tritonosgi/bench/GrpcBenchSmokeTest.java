package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A tiny run of the gRPC benchmark: proves the harness, the echo and our server answer, without judging speed. */
class GrpcBenchSmokeTest {

    @Test
    void bothServersAnswerEveryCallOfAShortRun() throws Exception {
        GrpcBench.Report report = GrpcBench.run(Duration.ofMillis(200), Duration.ofMillis(500), 2);
        assertEquals(2, report.rows().size());
        for (LoadResult.Row row : report.rows()) {
            assertEquals(0, row.ours().errors() + row.echo().errors(), row.toString());
            assertTrue(row.ours().throughput() > 0 && row.echo().throughput() > 0, row.toString());
        }
        // the echo moves the same bytes as our server
        assertEquals(report.oursUnaryBytes(), report.echoUnaryBytes());
        assertEquals(report.oursStreamBytes(), report.echoStreamBytes());
        String table = GrpcBench.table(report.rows());
        assertTrue(table.contains("| " + GrpcBench.UNARY + " | 2 |"), table);
        assertTrue(table.contains("| " + GrpcBench.STREAM + " | 2 |"), table);
    }
}
