package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/** Dynamic batching, instances, timeouts, cancellation, decoupled responses and the exit timeout. */
class SchedulingTest {

    private static final String BATCHING = """
            backend: "identity"
            max_batch_size: 8
            dynamic_batching { preferred_batch_size: [ 4 ] max_queue_delay_microseconds: 10000000 }
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
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
        InferenceRequest.Builder builder = InferenceRequest.builder()
                .input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, 2}, value, -value));
        if (delayMs > 0) {
            builder.parameter(Delays.DELAY_PARAMETER, delayMs);
        }
        return builder.build();
    }

    @Test
    void aDelayPastTheCapIsRefusedInsteadOfHoldingAnExecutionThread() throws Exception {
        TestRepository.model(repo, "plain", BATCHING.replaceAll("dynamic_batching \\{[^}]*}", ""), 1);
        server = TestRepository.start(repo);
        // a day's delay: without the cap the request would sleep and get() would time out instead
        var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> server.model("plain", 0).infer(request(1, 86_400_000L)).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS));
        TritonException error = TritonException.of(failure);
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertEquals("request parameter 'delay_ms' must be an integer from 0 to 10000 (milliseconds), got 86400000",
                error.getMessage());
    }

    @Test
    void concurrentRequestsAreMergedIntoOneExecutionAndSplitBack() throws Exception {
        TestRepository.model(repo, "batched", BATCHING, 1);
        server = TestRepository.start(repo);
        Model model = server.model("batched", 0);

        List<CompletableFuture<InferenceResponse>> results = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            results.add(model.infer(request(i, 0)).toCompletableFuture());
        }
        for (int i = 1; i <= 4; i++) {
            try (InferenceResponse response = results.get(i - 1).get(30, TimeUnit.SECONDS)) {
                assertArrayEquals(new float[] {i, -i}, OnnxRuntimeBackendTest.floats(response.output("OUTPUT0")));
                assertArrayEquals(new long[] {1, 2}, response.output("OUTPUT0").shape());
            }
        }
        ModelStatistics stats = server.statistics("batched", 0).get(0);
        assertEquals(1, stats.executionCount(), "the preferred batch of 4 ran as one execution");
        assertEquals(4, stats.inferenceCount());
        assertEquals(4, stats.batches().get(0).batchSize());
        assertEquals(4, stats.inference().success().count());
    }

    @Test
    void queuedRequestPastItsTimeoutFailsAndCancelledOneNeverRuns() throws Exception {
        TestRepository.model(repo, "slow", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        Model model = server.model("slow", 0);

        CompletableFuture<InferenceResponse> busy = model.infer(request(1, 1500)).toCompletableFuture();
        InferenceRequest timed = InferenceRequest.builder()
                .input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {1, 2}, 2, 2)).timeoutMicros(50_000).build();
        CompletableFuture<InferenceResponse> expires = model.infer(timed).toCompletableFuture();
        CompletableFuture<InferenceResponse> cancelled = model.infer(request(3, 0)).toCompletableFuture();
        cancelled.cancel(false);

        CompletionException error = assertThrows(CompletionException.class, expires::join);
        assertEquals(TritonException.Code.UNAVAILABLE, TritonException.of(error).code());
        assertTrue(TritonException.of(error).getMessage().contains("timeout"), error.getMessage());
        assertTrue(!busy.isDone(), "the timeout failed the queued request while the busy one still ran");
        busy.get(30, TimeUnit.SECONDS).close();
        assertEquals(1, server.statistics("slow", 0).get(0).executionCount(), "the cancelled request never ran");
    }

    @Test
    void twoInstancesRunTwoRequestsAtOnce() throws Exception {
        TestRepository.model(repo, "pair", """
                backend: "identity"
                instance_group [ { count: 2 kind: KIND_CPU } ]
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        Model model = server.model("pair", 0);

        CompletableFuture<InferenceResponse> first = model.infer(request(1, 1000)).toCompletableFuture();
        CompletableFuture<InferenceResponse> second = model.infer(request(2, 1000)).toCompletableFuture();
        first.get(30, TimeUnit.SECONDS).close();
        second.get(30, TimeUnit.SECONDS).close();

        long queueNs = server.statistics("pair", 0).get(0).inference().queue().ns();
        assertTrue(queueNs < TimeUnit.MILLISECONDS.toNanos(500),
                "with two instances neither request waited for the other (queue total " + queueNs + " ns)");
    }

    @Test
    void withPreserveOrderingAFastRequestOnTheOtherInstanceAnswersOnlyAfterTheSlowOneAheadOfIt() throws Exception {
        TestRepository.model(repo, "ordered", """
                backend: "identity"
                max_batch_size: 8
                instance_group [ { count: 2 kind: KIND_CPU } ]
                dynamic_batching { preserve_ordering: true }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        Model model = server.model("ordered", 0);
        List<String> answered = new CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        for (String name : List.of("slow", "fast")) {
            model.infer(request(1, name.equals("slow") ? 1500 : 0), new ResponseListener() {
                @Override
                public void onResponse(InferenceResponse response) {
                    answered.add(name);
                    response.close();
                }

                @Override
                public void onComplete() {
                    both.countDown();
                }

                @Override
                public void onError(TritonException error) {
                    answered.add(name + " failed: " + error.getMessage());
                    both.countDown();
                }
            });
        }
        // the fast request ran on the second instance and succeeded while the slow one still runs
        ExternalBackendTest.await("the fast request has run", () ->
                server.statistics("ordered", 0).get(0).inference().success().count() == 1);
        assertEquals(List.of(), answered, "nothing answered before the slow request ahead of it");
        assertTrue(both.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("slow", "fast"), answered);
        assertEquals(2, server.statistics("ordered", 0).get(0).executionCount(), "two executions, not one batch");
    }

    @Test
    void settingsTheEngineDoesNotHonourLoadTheModelAndAreNamedInTheLog() throws Exception {
        TestRepository.model(repo, "iterative", """
                backend: "identity"
                max_batch_size: 4
                sequence_batching { iterative_sequence: true }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """, 1);
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            server = TestRepository.start(repo);
        } finally {
            System.setErr(err);
        }
        assertEquals(org.tritonosgi.api.ModelState.READY, server.index(false).get(0).state());
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("model 'iterative': sequence_batching.iterative_sequence (backends here cannot"
                + " reschedule a request) is not supported and is ignored"), text);
    }

    @Test
    void repeatModelStreamsSeveralResponsesThenCompletes() throws Exception {
        TestRepository.model(repo, "repeat", """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                parameters { key: "repeat_count" value: { string_value: "2" } }
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        Model model = server.model("repeat", 0);
        assertTrue(model.isDecoupled());

        List<String> received = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        model.infer(InferenceRequest.builder().input(Tensor.ofStrings("INPUT0", new long[] {1}, "ping"))
                .parameter(RepeatBackend.COUNT_PARAMETER, 3L).build(), new ResponseListener() {
                    @Override
                    public void onResponse(InferenceResponse response) {
                        received.add(response.output("OUTPUT0").strings()[0] + (response.isFinal() ? "!" : ""));
                        response.close();
                    }

                    @Override
                    public void onComplete() {
                        received.add("end");
                        ended.countDown();
                    }

                    @Override
                    public void onError(TritonException error) {
                        received.add("error: " + error.getMessage());
                        ended.countDown();
                    }
                });
        assertTrue(ended.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("ping", "ping", "ping", "end"), received);

        CompletionException unary = assertThrows(CompletionException.class, () -> model.infer(
                InferenceRequest.builder().input(Tensor.ofStrings("INPUT0", new long[] {1}, "x")).build())
                .toCompletableFuture().join());
        assertEquals(TritonException.Code.UNSUPPORTED, TritonException.of(unary).code());
    }

    @Test
    void aListenerThatCancelsStopsADecoupledExecutionBeforeItsNextResponse() throws Exception {
        TestRepository.model(repo, "repeat", """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        Model model = server.model("repeat", 0);
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<TritonException> ended = new CompletableFuture<>();
        model.infer(InferenceRequest.builder().input(Tensor.ofStrings("INPUT0", new long[] {1}, "ping"))
                .parameter(RepeatBackend.COUNT_PARAMETER, Long.MAX_VALUE).build(), new ResponseListener() {
                    @Override
                    public void onResponse(InferenceResponse response) {
                        received.incrementAndGet();
                        response.close();
                    }

                    @Override
                    public void onComplete() {
                        ended.complete(null);
                    }

                    @Override
                    public void onError(TritonException error) {
                        ended.complete(error);
                    }

                    @Override
                    public boolean isCancelled() {
                        return received.get() >= 3;
                    }
                });
        TritonException error = ended.get(30, TimeUnit.SECONDS);
        assertTrue(error != null, "a request repeating Long.MAX_VALUE times can only end by cancellation");
        assertEquals(TritonException.Code.CANCELLED, error.code());
        assertEquals(3, received.get(), "no response after the listener cancelled");
        assertEquals(1, server.statistics("repeat", 0).get(0).inference().fail().count());
    }

    @Test
    void exitTimeoutFailsWhatIsStillInFlightWithUnavailableAndNothingHangs() throws Exception {
        TestRepository.model(repo, "slow", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
                """, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withExitTimeout(Duration.ofMillis(300)));
        Model model = server.model("slow", 0);
        CompletableFuture<InferenceResponse> running = model.infer(request(1, 5000)).toCompletableFuture();
        CompletableFuture<InferenceResponse> queued = model.infer(request(2, 0)).toCompletableFuture();

        server.deactivate();
        server = null;

        for (CompletableFuture<InferenceResponse> result : List.of(running, queued)) {
            CompletionException error = assertThrows(CompletionException.class, result::join);
            assertEquals(TritonException.Code.UNAVAILABLE, TritonException.of(error).code());
        }
        CompletionException late = assertThrows(CompletionException.class,
                () -> model.infer(request(3, 0)).toCompletableFuture().join());
        assertEquals(TritonException.Code.UNAVAILABLE, TritonException.of(late).code());
    }

    @Test
    void inFlightRequestsFinishWhenTheEngineStopsWithinTheExitTimeout() throws Exception {
        TestRepository.model(repo, "slow", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1, 2 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        CompletableFuture<InferenceResponse> running = server.model("slow", 0).infer(request(7, 300))
                .toCompletableFuture();

        server.deactivate();
        server = null;

        try (InferenceResponse response = running.get(1, TimeUnit.SECONDS)) {
            assertArrayEquals(new float[] {7, -7}, OnnxRuntimeBackendTest.floats(response.output("OUTPUT0")));
        }
    }
}
