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
}
