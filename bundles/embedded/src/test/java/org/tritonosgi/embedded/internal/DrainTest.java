package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.TritonException;

/** {@link EmbeddedInferenceServer#drain()}, what SIGTERM does before the framework stops (TermSignalDrain). */
class DrainTest {

    private static final String SLOW = """
            backend: "identity"
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
            """;

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private static InferenceRequest request(float value, long delayMs) {
        return InferenceRequest.builder().input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, 2}, value,
                -value)).parameter(Delays.DELAY_PARAMETER, delayMs).build();
    }

    @Test
    void drainTurnsNotReadyRefusesNewRequestsAndReturnsOnceAcceptedOnesFinishedWhileStayingLive() throws Exception {
        TestRepository.model(repo, "slow", SLOW, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(20)));
        Model model = server.model("slow", 0);
        assertTrue(server.isReady());
        CompletableFuture<InferenceResponse> running = model.infer(request(7, 500)).toCompletableFuture();
        CompletableFuture<InferenceResponse> queued = model.infer(request(8, 0)).toCompletableFuture();

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(server::drain);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.isReady()) {
            assertTrue(System.nanoTime() < deadline, "not ready within 5 s of drain()");
            Thread.sleep(10);
        }
        assertTrue(server.isLive(), "live while draining");
        CompletionException late = assertThrows(CompletionException.class,
                () -> model.infer(request(9, 0)).toCompletableFuture().join());
        assertEquals(TritonException.Code.UNAVAILABLE, TritonException.of(late).code());
        assertEquals("Server exiting", TritonException.of(late).getMessage());

        assertTrue(drained.get(10, TimeUnit.SECONDS), "every accepted request finished within exit.timeout");
        assertTrue(running.isDone() && queued.isDone(), "drain returns only once accepted requests ended");
        try (InferenceResponse first = running.get(); InferenceResponse second = queued.get()) {
            assertArrayEquals(new float[] {7, -7}, OnnxRuntimeBackendTest.floats(first.output("OUTPUT0")));
            assertArrayEquals(new float[] {8, -8}, OnnxRuntimeBackendTest.floats(second.output("OUTPUT0")));
        }
        assertFalse(server.isReady());
    }

    @Test
    void drainGivesUpAfterTheExitTimeout() {
        TestRepository.model(repo, "slow", SLOW, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withExitTimeout(Duration.ofMillis(200)));
        server.model("slow", 0).infer(request(1, 3000));
        long started = System.nanoTime();
        assertFalse(server.drain(), "a request still runs after exit.timeout");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "drain waited about exit.timeout");
    }
}
