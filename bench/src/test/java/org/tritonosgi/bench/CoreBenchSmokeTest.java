package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Runs the native core benchmark's body once on the C test double (org.tritonosgi.core's build compiles it; this
 * module's surefire configuration passes its path), so `mvn verify` proves the harness without timing anything.
 * A missing double fails here with the message of {@link CoreOverheadBenchmark#doubleLibrary()}.
 */
class CoreBenchSmokeTest {

    @Test
    void coreInferReturnsTheLastInputElementThroughJna() {
        CoreOverheadBenchmark benchmark = new CoreOverheadBenchmark();
        benchmark.start();
        try {
            assertEquals(15f, benchmark.coreInfer());
            assertEquals(15f, benchmark.coreInfer(), "the pooled output buffer is reused correctly");
        } finally {
            benchmark.stop();
        }
    }
}
