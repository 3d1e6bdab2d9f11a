package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.backend.BackendInstance;
import org.tritonosgi.api.backend.ModelBackend;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.GraphProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.ModelProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.NodeProto;

class SequenceBatchingTest {

    /** OUTPUT = INPUT + STATE_IN; STATE_OUT = OUTPUT: an accumulator over a sequence, FP32 [batch, 1]. */
    static ModelProto accumulator() {
        return OnnxModels.model(GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("INPUT").addInput("STATE_IN")
                        .addOutput("OUTPUT"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("OUTPUT").addOutput("STATE_OUT"))
                .addInput(OnnxModels.value("INPUT", 1, -1, 1)).addInput(OnnxModels.value("STATE_IN", 1, -1, 1))
                .addOutput(OnnxModels.value("OUTPUT", 1, -1, 1)).addOutput(OnnxModels.value("STATE_OUT", 1, -1, 1)));
    }

    static final String ACCUMULATOR = """
            name: "acc"
            backend: "onnxruntime"
            max_batch_size: 8
            sequence_batching {
              max_sequence_idle_microseconds: 300000
              %s
              state [ { input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_FP32 dims: [ 1 ]
                        initial_state [ { name: "zeros" data_type: TYPE_FP32 dims: [ 1 ] zero_data: true } ] } ]
            }
            input [ { name: "INPUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
            output [ { name: "OUTPUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
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

    static InferenceRequest step(Object id, boolean start, boolean end, float value) {
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).flip();
        return InferenceRequest.builder().input(new Tensor("INPUT", DataType.FP32, new long[] {1, 1}, data))
                .sequence(id, start, end).build();
    }

    private CompletableFuture<InferenceResponse> send(InferenceRequest request) {
        return server.model("acc", 0).infer(request).toCompletableFuture();
    }

    private static float value(CompletableFuture<InferenceResponse> response) throws Exception {
        try (InferenceResponse done = response.get(10, TimeUnit.SECONDS)) {
            assertEquals(List.of("OUTPUT"), done.outputs().stream().map(Tensor::name).toList(),
                    "state outputs stay in the engine");
            return done.output("OUTPUT").data().getFloat();
        }
    }

    private static TritonException failure(CompletableFuture<?> future) {
        return TritonException.of(assertThrows(CompletionException.class, future::join));
    }

    @Test
    void theStateOfEachSequenceCarriesOverInOrderForNumericAndStringIds() throws Exception {
        OnnxModels.write(repo, "acc", accumulator(), ACCUMULATOR.formatted("oldest { }"), 1);
        server = TestRepository.start(repo);

        // sent without waiting: requests of one sequence must still run one after the other, in order
        List<CompletableFuture<InferenceResponse>> numeric = new ArrayList<>();
        List<CompletableFuture<InferenceResponse>> text = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            numeric.add(send(step(42L, i == 1, i == 5, i)));
            text.add(send(step("user-7", i == 1, i == 5, 10 * i)));
        }
        float[] expected = {1, 3, 6, 10, 15};
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], value(numeric.get(i)), "sequence 42, request " + (i + 1));
            assertEquals(10 * expected[i], value(text.get(i)), "sequence user-7, request " + (i + 1));
        }
        // a new START begins from the initial state again
        assertEquals(2f, value(send(step(42L, true, false, 2))));
    }

    @Test
    void requestsWithoutACorrelationIdOrWithoutAStartAreRefusedWithTritonsWording() throws Exception {
        OnnxModels.write(repo, "acc", accumulator(), ACCUMULATOR.formatted("direct { }"), 1);
        server = TestRepository.start(repo);

        TritonException noId = failure(send(InferenceRequest.builder().input(step(null, false, false, 1)
                .inputs().get(0)).build()));
        assertEquals(TritonException.Code.INVALID_ARG, noId.code());
        assertEquals("inference request to model 'acc' must specify a non-zero or non-empty correlation ID",
                noId.getMessage());
        TritonException noStart = failure(send(step(9L, false, false, 1)));
        assertEquals("inference request for sequence 9 to model 'acc' must specify the START flag on the first"
                + " request of the sequence", noStart.getMessage());
        send(step(9L, true, true, 1)).join().close();
        TritonException afterEnd = failure(send(step(9L, false, false, 1)));
        assertTrue(afterEnd.getMessage().contains("must specify the START flag"), afterEnd.getMessage());
    }

    @Test
    void anIdleSequenceIsReleasedAndItsNextRequestSaysWhy() throws Exception {
        OnnxModels.write(repo, "acc", accumulator(), ACCUMULATOR.formatted(""), 1);
        server = TestRepository.start(repo);
        assertEquals(1f, value(send(step(5L, true, false, 1))));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TritonException later = null;
        while (later == null && System.nanoTime() < deadline) {
            CompletableFuture<InferenceResponse> next = send(step(5L, false, false, 1));
            try {
                next.get(10, TimeUnit.SECONDS).close();
                // still within max_sequence_idle_microseconds: it counted; try again after the idle time
                Thread.sleep(400);
            } catch (java.util.concurrent.ExecutionException e) {
                later = TritonException.of(e.getCause());
            }
        }
        assertTrue(later != null, "the sequence was never released");
        assertTrue(later.getMessage().contains("must specify the START flag")
                && later.getMessage().contains("max_sequence_idle_microseconds"), later.getMessage());
    }

    @Test
    void controlInputsReachTheModelAsConfigured() throws Exception {
        List<InferenceRequest> seen = new CopyOnWriteArrayList<>();
        ModelBackend recording = (config, dir) -> new BackendInstance() {
            @Override
            public List<Tensor> execute(InferenceRequest request) {
                seen.add(request);
                return List.of(request.input("IN").renamed("OUT"));
            }

            @Override
            public void close() {
            }
        };
        TestRepository.model(repo, "ctl", """
                backend: "recording"
                sequence_batching {
                  control_input [
                    { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] },
                    { name: "END" control [ { kind: CONTROL_SEQUENCE_END fp32_false_true: [ 0, 1 ] } ] },
                    { name: "READY" control [ { kind: CONTROL_SEQUENCE_READY bool_false_true: [ false, true ] } ] },
                    { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] }
                  ]
                }
                input [ { name: "IN" data_type: TYPE_INT32 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT32 dims: [ 1 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        server.addBackend("recording", recording);
        ExternalBackendTest.await("ctl is ready", () -> server.index(true).size() == 1);

        for (boolean last : new boolean[] {false, true}) {
            ByteBuffer one = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1).flip();
            server.model("ctl", 0).infer(InferenceRequest.builder()
                    .input(new Tensor("IN", DataType.INT32, new long[] {1}, one)).sequence(77L, !last, last).build())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).close();
        }
        InferenceRequest first = seen.get(0);
        InferenceRequest second = seen.get(1);
        assertEquals(1, first.input("START").data().getInt());
        assertEquals(0, second.input("START").data().getInt());
        assertEquals(0f, first.input("END").data().getFloat());
        assertEquals(1f, second.input("END").data().getFloat());
        assertEquals(1, first.input("READY").data().get());
        assertEquals(DataType.UINT64, first.input("CORRID").dataType());
        assertEquals(77L, first.input("CORRID").data().getLong());
        assertEquals(List.of(1L), java.util.Arrays.stream(first.input("START").shape()).boxed().toList());
    }

    @Test
    void aSequenceModelWarmsUpAsAOneRequestSequenceWithItsInitialState() throws Exception {
        OnnxModels.write(repo, "acc", accumulator(), ACCUMULATOR.formatted("oldest { }").replace(
                "input [", """
                model_warmup [ { name: "w" batch_size: 1
                  inputs { key: "INPUT" value: { data_type: TYPE_FP32 dims: [ 1 ] zero_data: true } } } ]
                input ["""), 1);
        server = TestRepository.start(repo);
        assertEquals(org.tritonosgi.api.ModelState.READY, server.index(false).get(0).state(),
                server.index(false).get(0).reason());
        assertEquals(4f, value(send(step(8L, true, true, 4))), "warmup left no state behind");
    }

    /** Records what each execution receives; the first execution waits until {@code gate} opens. */
    private static final class Recording implements ModelBackend {
        final List<InferenceRequest> seen = new CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        @Override
        public BackendInstance createInstance(org.tritonosgi.api.config.ModelConfig config, Path dir) {
            return new BackendInstance() {
                @Override
                public List<Tensor> execute(InferenceRequest request) {
                    try {
                        if (!gate.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the gate never opened");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    seen.add(request);
                    return List.of(request.input("IN").renamed("OUT"));
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static final String RECORDED = """
            backend: "recording"
            max_batch_size: %d
            sequence_batching {
              max_sequence_idle_microseconds: %d
              %s
              control_input [
                { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] },
                { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] }
              ]
            }
            input [ { name: "IN" data_type: TYPE_INT32 dims: [ 1 ] } ]
            output [ { name: "OUT" data_type: TYPE_INT32 dims: [ 1 ] } ]
            """;

    private Recording startRecorded(String config) throws Exception {
        Recording recording = new Recording();
        TestRepository.model(repo, "rec", config, 1);
        server = TestRepository.start(repo);
        server.addBackend("recording", recording);
        ExternalBackendTest.await("rec is ready", () -> server.index(true).size() == 1);
        return recording;
    }

    private CompletableFuture<InferenceResponse> sendInt(Object id, boolean start, boolean end, int value,
            long... shape) {
        long[] dims = shape.length == 0 ? new long[] {1, 1} : shape;
        ByteBuffer data = ByteBuffer.allocate(4 * (int) Tensor.elementCount("IN", dims)).order(ByteOrder.LITTLE_ENDIAN);
        while (data.hasRemaining()) {
            data.putInt(value);
        }
        return server.model("rec", 0).infer(InferenceRequest.builder()
                .input(new Tensor("IN", DataType.INT32, dims, data.flip()))
                .sequence(id, start, end).build()).toCompletableFuture();
    }

    private long pending() {
        return ((ServedModel) server.model("rec", 1)).statistics().pendingRequestCount();
    }

    private static List<Long> longs(Tensor tensor) {
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        List<Long> values = new ArrayList<>();
        while (data.remaining() >= 8) {
            values.add(data.getLong());
        }
        return values;
    }

    @Test
    void theNextRequestsOfDifferentSequencesRunAsOneBatch() throws Exception {
        for (String strategy : List.of("direct { }", "oldest { max_candidate_sequences: 4 }")) {
            Recording recording = startRecorded(RECORDED.formatted(4, 1_000_000, strategy));
            CompletableFuture<InferenceResponse> first = sendInt(1L, true, false, 10);
            ExternalBackendTest.await("the first request runs", () -> pending() == 0);
            List<CompletableFuture<InferenceResponse>> others = new ArrayList<>();
            for (long id = 2; id <= 4; id++) {
                others.add(sendInt(id, true, false, (int) id * 10));
            }
            ExternalBackendTest.await("three sequences wait", () -> pending() == 3);
            recording.gate.countDown();
            first.get(10, TimeUnit.SECONDS).close();
            for (int i = 0; i < 3; i++) {
                try (InferenceResponse response = others.get(i).get(10, TimeUnit.SECONDS)) {
                    assertEquals(10 * (i + 2), response.output("OUT").data().order(ByteOrder.LITTLE_ENDIAN).getInt(),
                            strategy + ": each sequence gets its own row back");
                }
            }
            assertEquals(2, recording.seen.size(), strategy + ": one execution for the three waiting sequences");
            InferenceRequest batch = recording.seen.get(1);
            assertEquals(List.of(3L, 1L), java.util.Arrays.stream(batch.input("CORRID").shape()).boxed().toList());
            assertEquals(List.of(2L, 3L, 4L), longs(batch.input("CORRID")), strategy + ": one row per sequence");
            var stats = ((ServedModel) server.model("rec", 1)).statistics();
            assertEquals(4, stats.inferenceCount(), strategy);
            assertEquals(2, stats.executionCount(), strategy);
            server.deactivate();
            server = null;
        }
    }

    @Test
    void aSequenceWithoutAFreeSlotWaitsInTheBacklogUntilOneEndsOrIdlesOut() throws Exception {
        // max_batch_size 0 and one instance: direct has a single slot
        Recording recording = startRecorded(RECORDED.formatted(0, 300_000, "direct { }"));
        recording.gate.countDown();
        sendInt(1L, true, false, 1, 1).get(10, TimeUnit.SECONDS).close();
        CompletableFuture<InferenceResponse> waiting = sendInt(2L, true, false, 2, 1);
        sendInt(1L, false, false, 3, 1).get(10, TimeUnit.SECONDS).close();
        assertTrue(!waiting.isDone(), "sequence 2 ran while sequence 1 held the only slot");
        sendInt(1L, false, true, 4, 1).get(10, TimeUnit.SECONDS).close();
        waiting.get(10, TimeUnit.SECONDS).close();

        // sequence 2 never ends: its slot comes free once it idles past max_sequence_idle_microseconds
        CompletableFuture<InferenceResponse> third = sendInt(3L, true, true, 5, 1);
        third.get(10, TimeUnit.SECONDS).close();
        TritonException released = failure(sendInt(2L, false, false, 6, 1));
        assertTrue(released.getMessage().contains("max_sequence_idle_microseconds"), released.getMessage());
        assertEquals(List.of(1L, 1L, 1L, 2L, 3L), recording.seen.stream()
                .map(request -> longs(request.input("CORRID")).get(0)).toList(), "the order the slot was used in");
    }

    @Test
    void aBatchOfSeveralRowsAndASecondStartAreHandledAsTritonDoes() throws Exception {
        Recording recording = startRecorded(RECORDED.formatted(4, 1_000_000, "direct { }"));
        recording.gate.countDown();
        TritonException batch = failure(sendInt(1L, true, false, 1, 2, 1));
        assertEquals(TritonException.Code.INVALID_ARG, batch.code());
        assertEquals("inference request to model 'rec' must specify batch-size 1 due to requirements of sequence "
                + "batcher", batch.getMessage());

        // a START for a sequence that has not ended restarts it (Triton logs a conflict), it is not refused
        sendInt(7L, true, false, 1).get(10, TimeUnit.SECONDS).close();
        sendInt(7L, true, false, 2).get(10, TimeUnit.SECONDS).close();
        sendInt(7L, false, true, 3).get(10, TimeUnit.SECONDS).close();
        assertEquals(List.of(1, 1, 0), recording.seen.stream().map(request -> request.input("START").data()
                .order(ByteOrder.LITTLE_ENDIAN).getInt()).toList());
    }

    @Test
    void anInitialStateComesFromItsDataFileAndABadOneKeepsTheModelUnavailableSayingWhy() throws Exception {
        String fromFile = ACCUMULATOR.formatted("direct { }").replace("zero_data: true", "data_file: \"ten\"");
        Path dir = OnnxModels.write(repo, "acc", accumulator(), fromFile, 1);
        java.nio.file.Files.createDirectories(dir.resolve("initial_state"));
        java.nio.file.Files.write(dir.resolve("initial_state/ten"), ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN).putFloat(10).array());
        server = TestRepository.start(repo);
        assertEquals(11f, value(send(step(3L, true, false, 1))), "10 from the file, then + 1");
        assertEquals(13f, value(send(step(3L, false, true, 2))));
        assertEquals(15f, value(send(step(4L, true, true, 5))), "each new sequence starts from the file again");
        server.deactivate();
        server = null;

        java.util.Map<String, String> broken = new java.util.LinkedHashMap<>();
        broken.put(fromFile.replace("\"ten\"", "\"missing\""),
                "failed to open text file for read acc/initial_state/missing: No such file or directory");
        broken.put(fromFile.replace("\"ten\"", "\"short\""),
                "initial_state setting expects 4 bytes, but the data provided from shortonly has 2 bytes.");
        broken.put(fromFile.replace("\"ten\"", "\"../config.pbtxt\""),
                "model 'acc': initial_state data_file '../config.pbtxt' must name a file inside the model's"
                        + " initial_state folder");
        broken.put(fromFile.replace("name: \"zeros\" data_type: TYPE_FP32 dims: [ 1 ]",
                "name: \"zeros\" data_type: TYPE_FP32 dims: [ 2 ]"),
                "'initial_state' dim for input name 'STATE_IN' doesn't match 'state' dim description. 2 != 1");
        broken.put(fromFile.replace("name: \"zeros\" data_type: TYPE_FP32", "name: \"zeros\" data_type: TYPE_INT32"),
                "The data type used for 'initial_state' field of state 'STATE_IN' does not match the state data"
                        + " type.");
        broken.put(fromFile.replace("name: \"zeros\" ", ""),
                "Field 'name' must be set when using initial_state for state input 'STATE_IN'.");
        broken.put(fromFile.replace("data_file: \"ten\"", ""),
                "initial_state setting expects state'STATE_IN' to have state_data set");
        java.nio.file.Files.write(dir.resolve("initial_state/short"), new byte[2]);
        for (var entry : broken.entrySet()) {
            java.nio.file.Files.writeString(dir.resolve("config.pbtxt"), entry.getKey());
            server = TestRepository.start(repo);
            var row = server.index(false).get(0);
            assertEquals(org.tritonosgi.api.ModelState.UNAVAILABLE, row.state(), entry.getValue());
            assertTrue(row.reason().contains(entry.getValue()), row.reason());
            server.deactivate();
            server = null;
        }
    }

    @Test
    void correlationIdsOnAModelWithoutASequenceBatcherAreIgnoredAndBatchedTogether() throws Exception {
        Recording recording = new Recording();
        TestRepository.model(repo, "rec", """
                backend: "recording"
                max_batch_size: 4
                dynamic_batching { }
                input [ { name: "IN" data_type: TYPE_INT32 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT32 dims: [ 1 ] } ]
                """, 1);
        server = TestRepository.start(repo);
        server.addBackend("recording", recording);
        ExternalBackendTest.await("rec is ready", () -> server.index(true).size() == 1);
        CompletableFuture<InferenceResponse> first = sendInt(1L, true, false, 1);
        ExternalBackendTest.await("the first request runs", () -> pending() == 0);
        CompletableFuture<InferenceResponse> second = sendInt(2L, false, false, 2);
        CompletableFuture<InferenceResponse> third = sendInt("text", false, true, 3);
        ExternalBackendTest.await("two requests wait", () -> pending() == 2);
        recording.gate.countDown();
        for (var response : List.of(first, second, third)) {
            response.get(10, TimeUnit.SECONDS).close();
        }
        assertEquals(2, recording.seen.size(), "the two waiting requests ran as one batch");
        assertEquals(List.of(2L, 1L), java.util.Arrays.stream(recording.seen.get(1).input("IN").shape()).boxed()
                .toList());
    }

    /** Sends a request whose client may stop listening. */
    private Outcome<Void> sendWatched(Object id, boolean start, boolean end) {
        Outcome<Void> outcome = Outcome.ofEnd();
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1).flip();
        server.model("rec", 0).infer(InferenceRequest.builder()
                .input(new Tensor("IN", DataType.INT32, new long[] {1}, data)).sequence(id, start, end).build(),
                outcome);
        return outcome;
    }

    @Test
    void aCancelledRequestLetsItsSequenceGoOnWithTheNextOne() throws Exception {
        Recording recording = startRecorded(RECORDED.formatted(0, 1_000_000, "oldest { max_candidate_sequences: 2 }"));
        Outcome<Void> running = sendWatched(1L, true, false);
        ExternalBackendTest.await("sequence 1 runs", () -> pending() == 0);
        Outcome<Void> cancelled = sendWatched(2L, true, false);
        List<Outcome<Void>> after = List.of(sendWatched(2L, false, false), sendWatched(2L, false, true),
                sendWatched(1L, false, true));
        ExternalBackendTest.await("four requests wait", () -> pending() == 4);
        // the client of sequence 2's first request goes away while it waits in the scheduler's queue
        cancelled.cancelled = true;
        recording.gate.countDown();

        running.done.get(10, TimeUnit.SECONDS);
        TritonException gone = failure(cancelled.done);
        assertEquals(TritonException.Code.CANCELLED, gone.code());
        for (Outcome<Void> outcome : after) {
            outcome.done.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of(1L, 1L, 2L, 2L), recording.seen.stream()
                .map(request -> longs(request.input("CORRID")).get(0)).sorted().toList(),
                "every request ran but the cancelled one");
    }

    @Test
    void unloadingASequenceModelStillAnswersWhatItAcceptedIncludingTheBacklog() throws Exception {
        Recording recording = new Recording();
        TestRepository.model(repo, "rec", RECORDED.formatted(0, 60_000_000, "direct { }"), 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withControlMode(Settings.ControlMode.EXPLICIT,
                "rec"));
        server.addBackend("recording", recording);
        ExternalBackendTest.await("rec is ready", () -> server.index(true).size() == 1);
        Outcome<Void> first = sendWatched(1L, true, false);
        ExternalBackendTest.await("sequence 1 runs", () -> pending() == 0);
        List<Outcome<Void>> accepted = List.of(sendWatched(1L, false, false), sendWatched(1L, false, false),
                sendWatched(2L, true, false), sendWatched(2L, false, true));
        ExternalBackendTest.await("four requests wait (sequence 2 in the backlog)", () -> pending() == 4);

        server.unload("rec", false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        recording.gate.countDown();
        first.done.get(10, TimeUnit.SECONDS);
        for (Outcome<Void> outcome : accepted) {
            outcome.done.get(10, TimeUnit.SECONDS);
        }
        assertEquals(5, recording.seen.size());
    }

    @Test
    void aStringCorrelationIdForANumericCorridIsRefusedAndTakesNoSlot() throws Exception {
        Recording recording = startRecorded(RECORDED.formatted(0, 1_000_000, "direct { }"));
        recording.gate.countDown();
        for (int i = 0; i < 3; i++) {
            TritonException refused = failure(sendInt("text-id", true, false, 1, 1));
            assertEquals(TritonException.Code.INVALID_ARG, refused.code());
            assertEquals("inference request to model 'rec' has the string correlation ID 'text-id', but its CORRID"
                    + " control input 'CORRID' is TYPE_UINT64: send an unsigned integer sequence_id",
                    refused.getMessage());
        }
        // the model's only slot is still free
        sendInt(5L, true, true, 1, 1).get(10, TimeUnit.SECONDS).close();
    }
}
