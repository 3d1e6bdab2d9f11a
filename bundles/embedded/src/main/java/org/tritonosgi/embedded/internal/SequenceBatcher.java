package org.tritonosgi.embedded.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelInput;
import org.tritonosgi.api.config.ModelOutput;
import org.tritonosgi.api.config.ModelSequenceBatching;

/**
 * Triton's sequence batcher in front of a model's scheduler: requests carry a correlation id (uint64 or string);
 * those of one sequence run one at a time in arrival order; the configured control inputs (START, END, READY,
 * CORRID) and implicit state inputs (the previous request's state outputs, zeros at the start) are added to each
 * request, and state outputs are kept for the next one, not returned. Sequences idle longer than
 * max_sequence_idle_microseconds are released. Both strategies (direct, oldest) are accepted; requests of
 * different sequences are not batched together.
 */
final class SequenceBatcher implements JobRunner {

    /** Triton's default max_sequence_idle_microseconds. */
    static final long DEFAULT_IDLE_MICROS = 1_000_000;
    private static final int RELEASED_REMEMBERED = 1024;

    private final ModelConfig config;
    private final JobRunner scheduler;
    private final Classifier plain = new Classifier(false, Map.of());
    private final long idleNanos;
    private final Map<Object, Sequence> sequences = new HashMap<>();
    private final Map<Object, Boolean> released = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
            return size() > RELEASED_REMEMBERED;
        }
    };
    private final ScheduledFuture<?> reaper;

    /** One sequence: its queued requests, whether one runs, its state tensors by state input name. */
    private static final class Sequence {
        final ArrayDeque<Job> queue = new ArrayDeque<>();
        final Map<String, Tensor> state = new HashMap<>();
        boolean running;
        long lastUsed = System.nanoTime();
    }

    SequenceBatcher(ModelConfig config, JobRunner scheduler, ScheduledExecutorService timer) {
        this.config = config;
        this.scheduler = scheduler;
        long idleMicros = config.getSequenceBatching().getMaxSequenceIdleMicroseconds();
        this.idleNanos = (idleMicros == 0 ? DEFAULT_IDLE_MICROS : idleMicros) * 1000;
        long period = Math.max(1_000_000, idleNanos / 4);
        this.reaper = timer.scheduleWithFixedDelay(this::releaseIdle, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * The configuration the backend sees: the control inputs and state inputs as inputs, the state outputs as
     * outputs, as a Triton backend receives them.
     *
     * @throws TritonException INVALID_ARG naming the model and the control or state that is not usable
     */
    static ModelConfig backendView(ModelConfig config) {
        ModelConfig.Builder view = config.toBuilder();
        ModelSequenceBatching sequence = config.getSequenceBatching();
        for (ModelSequenceBatching.ControlInput control : sequence.getControlInputList()) {
            if (control.getControlCount() != 1) {
                throw TritonException.invalidArg("model '" + config.getName() + "' control input '"
                        + control.getName() + "' must have exactly one control");
            }
            view.addInput(ModelInput.newBuilder().setName(control.getName())
                    .setDataType(controlType(config, control.getName(), control.getControl(0))).addDims(1));
        }
        for (ModelSequenceBatching.State state : sequence.getStateList()) {
            for (ModelSequenceBatching.InitialState initial : state.getInitialStateList()) {
                if (initial.hasDataFile()) {
                    throw new TritonException(TritonException.Code.UNSUPPORTED, "model '" + config.getName()
                            + "' state '" + state.getInputName() + "': initial_state data_file is not supported by"
                            + " the embedded engine; use zero_data");
                }
            }
            view.addInput(ModelInput.newBuilder().setName(state.getInputName()).setDataType(state.getDataType())
                    .addAllDims(state.getDimsList()));
            view.addOutput(ModelOutput.newBuilder().setName(state.getOutputName()).setDataType(state.getDataType())
                    .addAllDims(state.getDimsList()));
        }
        return view.build();
    }

    private static org.tritonosgi.api.config.DataType controlType(ModelConfig config, String name,
            ModelSequenceBatching.Control control) {
        if (control.getKind() == ModelSequenceBatching.Control.Kind.CONTROL_SEQUENCE_CORRID) {
            return control.getDataType();
        }
        if (control.getInt32FalseTrueCount() == 2) {
            return org.tritonosgi.api.config.DataType.TYPE_INT32;
        }
        if (control.getFp32FalseTrueCount() == 2) {
            return org.tritonosgi.api.config.DataType.TYPE_FP32;
        }
        if (control.getBoolFalseTrueCount() == 2) {
            return org.tritonosgi.api.config.DataType.TYPE_BOOL;
        }
        throw TritonException.invalidArg("model '" + config.getName() + "' control input '" + name
                + "' must give two values in int32_false_true, fp32_false_true or bool_false_true");
    }

    @Override
    public void submit(Job job) {
        InferenceRequest request = job.request;
        Object id = request.sequenceId();
        if (id == null || id instanceof Long number && number == 0 || id instanceof String text && text.isEmpty()) {
            job.fail(TritonException.invalidArg("inference request to model '" + config.getName()
                    + "' must specify a non-zero or non-empty correlation ID"));
            return;
        }
        synchronized (this) {
            Sequence sequence = sequences.get(id);
            if (request.sequenceStart()) {
                if (sequence == null) {
                    sequence = new Sequence();
                    sequences.put(id, sequence);
                }
                released.remove(id);
            } else if (sequence == null) {
                boolean idle = released.containsKey(id);
                job.fail(TritonException.invalidArg("inference request for sequence " + id + " to model '"
                        + config.getName() + "' must specify the START flag on the first request of the sequence"
                        + (idle ? " (the sequence was released after more than "
                        + idleNanos / 1000 + " us without requests: max_sequence_idle_microseconds)" : "")));
                return;
            }
            sequence.lastUsed = System.nanoTime();
            if (request.sequenceEnd()) {
                sequences.remove(id);
            }
            sequence.queue.add(job);
            if (!sequence.running) {
                sequence.running = true;
                run(sequence, sequence.queue.poll());
            }
        }
    }

    /**
     * The request the backend gets: the client's inputs, the control inputs, and the state inputs (from
     * {@code state} by state input name, zeros where it has none).
     */
    static InferenceRequest backendRequest(ModelConfig config, InferenceRequest original, long batchSize,
            Map<String, Tensor> state) {
        InferenceRequest.Builder request = InferenceRequest.builder().id(original.id()).trace(original.trace())
                .priority(original.priority()).timeoutMicros(original.timeoutMicros())
                .sequence(original.sequenceId(), original.sequenceStart(), original.sequenceEnd());
        original.inputs().forEach(request::input);
        original.parameters().forEach(request::parameter);
        long batch = config.getMaxBatchSize() > 0 ? batchSize : 0;
        for (ModelSequenceBatching.ControlInput control : config.getSequenceBatching().getControlInputList()) {
            request.input(control(config, control, original, batch));
        }
        for (ModelSequenceBatching.State declared : config.getSequenceBatching().getStateList()) {
            Tensor current = state.get(declared.getInputName());
            request.input(current != null ? current : zeros(declared, batch));
        }
        if (!original.outputs().isEmpty()) {
            original.outputs().forEach(output -> request.output(RequestedOutput.of(output.name())));
            config.getSequenceBatching().getStateList().forEach(declared ->
                    request.output(RequestedOutput.of(declared.getOutputName())));
        }
        return request.build();
    }

    /** Sends the sequence's next job to the scheduler; called with the lock held. */
    private void run(Sequence sequence, Job job) {
        if (job.request.sequenceStart()) {
            sequence.state.clear();
        }
        InferenceRequest inner = backendRequest(config, job.request, job.batchSize, sequence.state);
        scheduler.submit(new Job(config.getName(), 0, inner, job.batchSize, new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                List<Tensor> outputs = new ArrayList<>();
                Map<String, Tensor> states = new HashMap<>();
                for (Tensor output : response.outputs()) {
                    ModelSequenceBatching.State state = stateOf(output.name());
                    if (state == null) {
                        outputs.add(output);
                    } else {
                        ByteBuffer copy = ByteBuffer.allocate(output.byteSize()).put(output.data()).flip();
                        states.put(state.getInputName(), new Tensor(state.getInputName(), output.dataType(),
                                output.shape(), copy));
                    }
                }
                synchronized (SequenceBatcher.this) {
                    sequence.state.putAll(states);
                }
                job.respond(outputs, true);
            }

            @Override
            public void onComplete() {
                next(sequence);
            }

            @Override
            public void onError(TritonException error) {
                job.fail(error);
                next(sequence);
            }

            @Override
            public boolean isCancelled() {
                return job.isCancelled();
            }
        }, plain, job::isCancelled, () -> { }));
    }

    private void next(Sequence sequence) {
        synchronized (this) {
            sequence.lastUsed = System.nanoTime();
            Job next = sequence.queue.poll();
            if (next == null) {
                sequence.running = false;
            } else {
                run(sequence, next);
            }
        }
    }

    private ModelSequenceBatching.State stateOf(String output) {
        for (ModelSequenceBatching.State state : config.getSequenceBatching().getStateList()) {
            if (state.getOutputName().equals(output)) {
                return state;
            }
        }
        return null;
    }

    private static long[] shape(long batch, List<Long> dims) {
        long[] shape = new long[dims.size() + (batch > 0 ? 1 : 0)];
        int i = 0;
        if (batch > 0) {
            shape[i++] = batch;
        }
        for (long dim : dims) {
            shape[i++] = dim;
        }
        return shape;
    }

    private static Tensor zeros(ModelSequenceBatching.State state, long batch) {
        long[] shape = shape(batch, state.getDimsList());
        DataType type = DataType.fromConfig(state.getDataType());
        long elements = Tensor.elementCount(state.getInputName(), shape);
        ByteBuffer data = type == DataType.BYTES
                ? ByteBuffer.allocate(Math.toIntExact(4 * elements))
                : ByteBuffer.allocate(Math.toIntExact(elements * type.elementSize()));
        return new Tensor(state.getInputName(), type, shape, data);
    }

    private static Tensor control(ModelConfig config, ModelSequenceBatching.ControlInput input,
            InferenceRequest request, long batch) {
        ModelSequenceBatching.Control control = input.getControl(0);
        long[] shape = shape(batch, List.of(1L));
        int count = (int) Math.max(1, batch);
        DataType type = DataType.fromConfig(controlType(config, input.getName(), control));
        boolean value = switch (control.getKind()) {
            case CONTROL_SEQUENCE_START -> request.sequenceStart();
            case CONTROL_SEQUENCE_END -> request.sequenceEnd();
            default -> true;
        };
        ByteBuffer data;
        if (control.getKind() == ModelSequenceBatching.Control.Kind.CONTROL_SEQUENCE_CORRID) {
            Object id = request.sequenceId();
            if (type == DataType.BYTES) {
                byte[] text = id.toString().getBytes(StandardCharsets.UTF_8);
                data = ByteBuffer.allocate(count * (4 + text.length)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    data.putInt(text.length).put(text);
                }
            } else if (id instanceof Long number && (type == DataType.INT64 || type == DataType.UINT64)) {
                data = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    data.putLong(number);
                }
            } else {
                throw TritonException.invalidArg("model '" + config.getName() + "' control input '" + input.getName()
                        + "' is " + type + ", which cannot carry correlation id " + id);
            }
        } else if (type == DataType.INT32) {
            data = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                data.putInt(control.getInt32FalseTrue(value ? 1 : 0));
            }
        } else if (type == DataType.FP32) {
            data = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                data.putFloat(control.getFp32FalseTrue(value ? 1 : 0));
            }
        } else {
            data = ByteBuffer.allocate(count);
            for (int i = 0; i < count; i++) {
                data.put((byte) (control.getBoolFalseTrue(value ? 1 : 0) ? 1 : 0));
            }
        }
        return new Tensor(input.getName(), type, shape, data.flip());
    }

    private synchronized void releaseIdle() {
        long now = System.nanoTime();
        sequences.entrySet().removeIf(entry -> {
            Sequence sequence = entry.getValue();
            boolean idle = !sequence.running && sequence.queue.isEmpty() && now - sequence.lastUsed > idleNanos;
            if (idle) {
                released.put(entry.getKey(), Boolean.TRUE);
            }
            return idle;
        });
    }

    @Override
    public synchronized int pending() {
        int queued = 0;
        for (Sequence sequence : sequences.values()) {
            queued += sequence.queue.size();
        }
        return queued + scheduler.pending();
    }

    @Override
    public void retire() {
        reaper.cancel(false);
        scheduler.retire();
    }

    @Override
    public void abort() {
        reaper.cancel(false);
        List<Job> queued = new ArrayList<>();
        synchronized (this) {
            sequences.values().forEach(sequence -> queued.addAll(sequence.queue));
            sequences.clear();
        }
        TritonException exiting = TritonException.unavailable("Server exiting");
        queued.forEach(job -> job.fail(exiting));
        scheduler.abort();
    }
}
