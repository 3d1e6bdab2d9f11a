package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.TritonException;

/** Triton's overload control: max_queue_size, priority levels, queue timeouts, REJECT and DELAY. */
class QueuePolicyTest {

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private Model model(String batching) {
        TestRepository.model(repo, "queued", """
                backend: "identity"
                max_batch_size: 8
                dynamic_batching { %s }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """.formatted(batching), 1);
        server = TestRepository.start(repo);
        return server.model("queued", 0);
    }

    /** A request of {@code width} floats (distinct widths never batch together). */
    private static InferenceRequest.Builder request(int width) {
        float[] values = new float[width];
        return InferenceRequest.builder().input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, width},
                values));
    }

    private static InferenceRequest busy() {
        return request(1).parameter(Delays.DELAY_PARAMETER, 1500L).build();
    }

    /** Waits until the model has this many requests queued (not executing). */
    private void awaitPending(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.statistics("queued", 0).get(0).pendingRequestCount() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the model never had " + count + " requests queued");
            }
            Thread.onSpinWait();
            Thread.sleep(1);
        }
    }

    private static TritonException failure(CompletableFuture<InferenceResponse> result) {
        return TritonException.of(assertThrows(CompletionException.class, result::join));
    }

    @Test
    void aRequestPastMaxQueueSizeIsRefusedWithUnavailable() throws Exception {
        Model model = model("default_queue_policy { max_queue_size: 1 }");
        CompletableFuture<InferenceResponse> running = model.infer(busy()).toCompletableFuture();
        awaitPending(0);
        CompletableFuture<InferenceResponse> queued = model.infer(request(2).build()).toCompletableFuture();
        awaitPending(1);
        TritonException refused = failure(model.infer(request(3).build()).toCompletableFuture());
        assertEquals(TritonException.Code.UNAVAILABLE, refused.code());
        assertEquals("Exceeds maximum queue size", refused.getMessage());
        running.get(30, TimeUnit.SECONDS).close();
        queued.get(30, TimeUnit.SECONDS).close();
        assertEquals(1, server.statistics("queued", 0).get(0).inference().fail().count());
    }

    @Test
    void higherPriorityIsServedFirstAndOutOfRangeGoesToTheDefaultLevel() throws Exception {
        Model model = model("priority_levels: 3 default_priority_level: 2 "
                + "priority_queue_policy { key: 2 value: { max_queue_size: 1 } }");
        List<Integer> order = new CopyOnWriteArrayList<>();
        CompletableFuture<InferenceResponse> running = model.infer(busy()).toCompletableFuture();
        awaitPending(0);
        CompletableFuture<InferenceResponse> low = model.infer(request(3).priority(3).build()).toCompletableFuture()
                .whenComplete((r, e) -> order.add(3));
        CompletableFuture<InferenceResponse> normal = model.infer(request(2).priority(0).build())
                .toCompletableFuture().whenComplete((r, e) -> order.add(2));
        CompletableFuture<InferenceResponse> high = model.infer(request(4).priority(1).build())
                .toCompletableFuture().whenComplete((r, e) -> order.add(1));
        awaitPending(3);
        // priority 7 is past the levels: the default level 2, whose queue (max 1) already holds 'normal'
        TritonException refused = failure(model.infer(request(5).priority(7).build()).toCompletableFuture());
        assertEquals("Exceeds maximum queue size", refused.getMessage());
        running.get(30, TimeUnit.SECONDS).close();
        for (CompletableFuture<InferenceResponse> result : List.of(low, normal, high)) {
            result.get(30, TimeUnit.SECONDS).close();
        }
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void aQueuedRequestPastTheDefaultTimeoutIsRejected() throws Exception {
        Model model = model("default_queue_policy { default_timeout_microseconds: 50000 }");
        CompletableFuture<InferenceResponse> running = model.infer(busy()).toCompletableFuture();
        awaitPending(0);
        TritonException expired = failure(model.infer(request(2).build()).toCompletableFuture());
        assertEquals(TritonException.Code.UNAVAILABLE, expired.code());
        assertEquals("Request timeout expired", expired.getMessage());
        assertFalse(running.isDone(), "the queued request expired while the first still ran");
        running.get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void delayedRequestsWaitBehindTheOthersAndStillRun() throws Exception {
        Model model = model("priority_levels: 2 default_priority_level: 2 priority_queue_policy { key: 1 value: {"
                + " timeout_action: DELAY default_timeout_microseconds: 50000 } }");
        List<Integer> order = new CopyOnWriteArrayList<>();
        CompletableFuture<InferenceResponse> running = model.infer(busy()).toCompletableFuture();
        awaitPending(0);
        CompletableFuture<InferenceResponse> high = model.infer(request(2).priority(1).build())
                .toCompletableFuture().whenComplete((r, e) -> order.add(1));
        CompletableFuture<InferenceResponse> low = model.infer(request(3).priority(2).build()).toCompletableFuture()
                .whenComplete((r, e) -> order.add(2));
        running.get(30, TimeUnit.SECONDS).close();
        high.get(30, TimeUnit.SECONDS).close();
        low.get(30, TimeUnit.SECONDS).close();
        assertEquals(List.of(2, 1), order, "the high-priority request timed out into the delayed queue");
    }

    @Test
    void aRequestTimeoutCountsOnlyWhereThePolicyAllowsTheOverride() throws Exception {
        Model model = model("priority_levels: 2 default_priority_level: 1 "
                + "priority_queue_policy { key: 1 value: { allow_timeout_override: true "
                + "default_timeout_microseconds: 60000000 } } "
                + "priority_queue_policy { key: 2 value: { allow_timeout_override: false } }");
        CompletableFuture<InferenceResponse> running = model.infer(busy()).toCompletableFuture();
        awaitPending(0);
        CompletableFuture<InferenceResponse> ignored = model.infer(request(3).priority(2).timeoutMicros(50_000)
                .build()).toCompletableFuture();
        TritonException expired = failure(model.infer(request(2).priority(1).timeoutMicros(50_000).build())
                .toCompletableFuture());
        assertEquals("Request timeout expired", expired.getMessage());
        running.get(30, TimeUnit.SECONDS).close();
        ignored.get(30, TimeUnit.SECONDS).close();
    }
}
