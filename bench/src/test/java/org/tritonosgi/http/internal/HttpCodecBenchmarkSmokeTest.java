package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Runs each codec benchmark body once: ours decodes what it should, and each limit does the same work as ours. */
class HttpCodecBenchmarkSmokeTest {

    @Test
    void oursAndTheLimitsReadAndWriteTheSameTensor() throws Exception {
        HttpCodecBenchmark benchmark = new HttpCodecBenchmark();
        benchmark.start();
        try {
            assertEquals(15.5f, benchmark.decodeJson());
            assertEquals(15.5f, benchmark.decodeBinary());
            assertEquals(128 + 17, benchmark.bareJsonWalk(), "0.5 + ... + 15.5, and the shape's 1 and 16");
            assertEquals(benchmark.encodeJson(), benchmark.bareJsonWrite(), "the limit writes the same JSON length");
            assertEquals(benchmark.encodeBinary(), benchmark.bareBinaryWrite(), "the same header and blob length");
        } finally {
            benchmark.stop();
        }
    }
}
