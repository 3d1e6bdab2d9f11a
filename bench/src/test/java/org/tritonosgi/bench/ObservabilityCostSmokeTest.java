package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A short ObservabilityCost run: every configuration answers, and traced runs reach the OTLP collector. */
class ObservabilityCostSmokeTest {

    @Test
    void everyConfigurationAnswersAndTracingAtRateOneExports() throws Exception {
        List<ObservabilityCost.Result> results = ObservabilityCost.run(Duration.ZERO, Duration.ofMillis(500), 2);
        assertEquals(6, results.size());
        for (ObservabilityCost.Result result : results) {
            assertTrue(result.load().requests() > 0, result.scenario() + " answered no request");
            assertEquals(0, result.load().errors(), result.scenario());
        }
        assertEquals(0, results.get(0).exports(), "no tracing service, nothing exported");
        assertTrue(results.get(3).exports() > 0, "every request traced: the collector received exports");
        assertTrue(ObservabilityCost.table(results).contains("| TIMESTAMPS, rate 1 (every request) |"));
    }
}
