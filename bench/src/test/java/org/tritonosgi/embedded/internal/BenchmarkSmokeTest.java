package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Runs each benchmark body once, so `mvn verify` proves the harness works without timing anything. */
class BenchmarkSmokeTest {

    @Test
    void engineAndBareRunsBothReturnTheLastInputElement() throws Exception {
        EngineOverheadBenchmark benchmark = new EngineOverheadBenchmark();
        benchmark.start();
        try {
            assertEquals(15f, benchmark.bareOnnxRuntimeRun());
            assertEquals(15f, benchmark.engineInfer());
        } finally {
            benchmark.stop();
        }
    }
}
