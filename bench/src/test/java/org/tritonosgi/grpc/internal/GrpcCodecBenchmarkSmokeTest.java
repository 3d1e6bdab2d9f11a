package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Runs each protobuf benchmark body once: the values come through, and the limit builds the same message. */
class GrpcCodecBenchmarkSmokeTest {

    @Test
    void oursAndTheLimitsCarryTheSameTensor() throws Exception {
        GrpcCodecBenchmark benchmark = new GrpcCodecBenchmark();
        benchmark.start();
        try {
            assertEquals(64, benchmark.parseRequest());
            assertEquals(15.5f, benchmark.decodeRequest());
            assertEquals(15.5f, benchmark.parseResponse());
            assertEquals(benchmark.encodeResponse().length, benchmark.buildResponse().length,
                    "the hand-built limit is the same message as ours");
        } finally {
            benchmark.stop();
        }
    }
}
