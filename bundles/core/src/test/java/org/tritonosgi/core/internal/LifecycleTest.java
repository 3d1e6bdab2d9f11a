package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.TritonException;

/** The seed's segfault: calls during and after stop must fail cleanly, never reach freed native memory. */
class LifecycleTest extends DoubleTest {

    private static InferenceRequest delayed(float value, long delayMs) {
        return InferenceRequest.builder().input(fp32("INPUT0", value)).parameter("delay_ms", delayMs).build();
    }

    private void stopNow() {
        server.deactivate();
    }

    private static void assertUnavailable(Executable call) {
        TritonException error = TritonException.of(assertThrows(Exception.class, call));
        assertEquals(TritonException.Code.UNAVAILABLE, error.code());
        assertEquals("Server exiting", error.getMessage());
    }

    @Test
    void stopWaitsForDelayedRequestsInFlightAndRefusesNewOnes() throws Exception {
        start("exit.timeout", 30);
        Model model = server.model("delayed_identity", 0);
        List<CompletableFuture<Float>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            results.add(model.infer(delayed(i, 2_000)).toCompletableFuture().thenApply(response -> {
                try (response) {
                    return response.output("OUTPUT0").data().getFloat(0);
                }
            }));
        }
        assertEquals(16, server.inflight());

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(this::stopNow);
        await("the server to refuse new work", 10_000, () -> !server.isLive());
        assertFalse(stopping.isDone(), "stop waits for the delayed requests");
        assertUnavailable(() -> model.infer(delayed(99, 0)).toCompletableFuture().join());

        stopping.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 16; i++) {
            assertEquals(i, results.get(i).getNow(-1f), "request " + i + " completed before the stop finished");
        }
        assertEquals(0, DoubleControl.double_live("server"));
    }

    @Test
    void everyCallAfterStopIsUnavailableIncludingOnModelsObtainedEarlier() {
        start();
        Model model = server.model("identity", 0);
        InferenceResponse held = infer(model, InferenceRequest.builder().input(fp32("INPUT0", 4f)).build());
        stopNow();

        assertFalse(server.isLive());
        assertFalse(server.isReady());
        assertUnavailable(() -> server.metadata());
        assertUnavailable(() -> server.model("identity", 0));
        assertUnavailable(() -> server.index(false));
        assertUnavailable(() -> server.statistics(null, 0));
        assertUnavailable(() -> server.logSettings());
        assertUnavailable(() -> server.load("identity", LoadOptions.DEFAULT).toCompletableFuture().join());
        assertUnavailable(() -> server.unload("identity", false).toCompletableFuture().join());
        assertUnavailable(() -> model.metadata());
        assertUnavailable(() -> model.config());
        assertUnavailable(() -> model.state());
        assertUnavailable(() -> model.infer(InferenceRequest.builder().input(fp32("INPUT0", 1f)).build())
                .toCompletableFuture().join());

        assertEquals(0, DoubleControl.double_live("response"), "stop deleted the response still held");
        assertEquals(4f, held.output("OUTPUT0").data().getFloat(0), "our buffer outlives the native response");
        held.close();
        stopNow();
        assertEquals(0, DoubleControl.double_live("server"));
    }

    @Test
    void whenTritonsOwnStopTimesOutTheServerIsAbandonedAndLateCallbacksStillWork() throws Exception {
        start("exit.timeout", 1);
        Model model = server.model("delayed_identity", 0);
        CompletableFuture<InferenceResponse> late = model.infer(delayed(7, 4_000)).toCompletableFuture();

        stopNow();
        server = null;
        assertFalse(late.isDone(), "the request outlived exit.timeout (ours and Triton's)");
        assertEquals(1, DoubleControl.double_live("server"), "a server Triton could not stop is not freed");

        try (InferenceResponse response = late.get(30, TimeUnit.SECONDS)) {
            assertEquals(7f, response.output("OUTPUT0").data().getFloat(0), "callbacks after stop reach live objects");
        }
        await("the late request to be released", 10_000, () -> DoubleControl.double_live("request") == 0);
        assertEquals(0, DoubleControl.double_live("response"));
        baseline.merge("server", 1L, Long::sum);
        baseline.merge("allocator", 1L, Long::sum);
    }

    @Test
    void manyThreadsCallingDuringStopNeverCrash() throws Exception {
        start();
        Model model = server.model("identity", 0);
        List<CompletableFuture<Integer>> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Supplier<Integer> hammer = () -> {
                int unavailable = 0;
                while (unavailable < 50) {
                    try {
                        model.infer(InferenceRequest.builder().input(fp32("INPUT0", 1f)).build())
                                .toCompletableFuture().join().close();
                        server.index(true);
                        model.metadata();
                    } catch (RuntimeException e) {
                        if (TritonException.of(e).code() != TritonException.Code.UNAVAILABLE) {
                            throw e;
                        }
                        unavailable++;
                    }
                }
                return unavailable;
            };
            callers.add(CompletableFuture.supplyAsync(hammer));
        }
        await("some inferences to run", 10_000, () -> DoubleControl.double_live("request") > 0
                || server.statistics("identity", 0).get(0).inferenceCount() > 0);
        stopNow();
        for (CompletableFuture<Integer> caller : callers) {
            assertEquals(50, caller.get(30, TimeUnit.SECONDS));
        }
        assertTrue(server.inflight() == 0);
    }
}
