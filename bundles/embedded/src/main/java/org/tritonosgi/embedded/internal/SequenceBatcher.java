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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * CORRID) and implicit state inputs (the previous request's state outputs; at the start the initial_state, zeros
 * or its data_file) are added to each request, and state outputs are kept for the next one, not returned.
 * A sequence holds a slot from its START until its END ran (or it idled past max_sequence_idle_microseconds):
 * {@code direct} has max(1, max_batch_size) slots per instance, {@code oldest} max_candidate_sequences (or as
 * many) per instance; a sequence that finds none waits in a backlog, oldest first, as in Triton. The next requests
 * of the slotted sequences are batched together by the scheduler.
 */
final class SequenceBatcher implements JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceBatcher.class);

    /** Triton's default max_sequence_idle_microseconds. */
    static final long DEFAULT_IDLE_MICROS = 1_000_000;
    private static final int RELEASED_REMEMBERED = 1024;

    private final ModelConfig config;
    private final JobRunner scheduler;
    private final Map<String, InitialState> initial;
    private final int slots;
    private int slotted;
    private final ArrayDeque<Sequence> backlog = new ArrayDeque<>();
    /** Retired: accepted requests still run (slots no longer limit them), then the scheduler is retired. */
    private boolean retiring;
    private boolean schedulerRetired;
    /** Sends pending on this thread: a send started from inside a send waits in it, so nothing recurses. */
    private final ThreadLocal<ArrayDeque<Send>> sending = new ThreadLocal<>();

    /** A sequence's next job, to send to the scheduler once the batcher's lock is released. */
    private record Send(Sequence sequence, Job job) {
    }
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

    /**
     * One sequence: its queued requests, whether one runs, whether it holds a slot, whether the last request it
     * was sent is its END, its state tensors by state input name.
     */
    private static final class Sequence {
        final Object id;
        final ArrayDeque<Job> queue = new ArrayDeque<>();
        final Map<String, Tensor> state = new HashMap<>();
        boolean running;
        boolean slotted;
        boolean endSent;
        long lastUsed = System.nanoTime();

        Sequence(Object id) {
            this.id = id;
        }
    }

    /** A state's value at the start of a sequence: its element type, dims (no batch dimension) and bytes. */
    record InitialState(DataType type, long[] dims, byte[] data) {
    }

    /**
     * @param initial   each state's initial value by state input name ({@link #initialStates}); zeros for others
     * @param instances the model version's instance count: each has its own slots
     */
    SequenceBatcher(ModelConfig config, JobRunner scheduler, ScheduledExecutorService timer,
            Map<String, InitialState> initial, int instances) {
        this.config = config;
        this.scheduler = scheduler;
        this.initial = Map.copyOf(initial);
        ModelSequenceBatching sequence = config.getSequenceBatching();
        int perInstance = sequence.hasOldest() && sequence.getOldest().getMaxCandidateSequences() > 0
                ? sequence.getOldest().getMaxCandidateSequences() : Math.max(1, config.getMaxBatchSize());
        this.slots = Math.max(1, instances) * perInstance;
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
            switch (control.getDataType()) {
                case TYPE_INT32, TYPE_UINT32, TYPE_INT64, TYPE_UINT64, TYPE_STRING -> {
                    return control.getDataType();
                }
                default -> throw TritonException.invalidArg("model '" + config.getName() + "' control input '"
                        + name + "': CONTROL_SEQUENCE_CORRID data_type must be TYPE_UINT64, TYPE_INT64, TYPE_UINT32,"
                        + " TYPE_INT32 or TYPE_STRING, not " + control.getDataType());
            }
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
        if (job.batchSize > 1) {
            job.fail(TritonException.invalidArg("inference request to model '" + config.getName()
                    + "' must specify batch-size 1 due to requirements of sequence batcher"));
            return;
        }
        String refused = corridProblem(id);
        if (refused != null) {
            job.fail(TritonException.invalidArg(refused));
            return;
        }
        Send send = null;
        TritonException refusal = null;
        synchronized (this) {
            Sequence sequence = sequences.get(id);
            if (request.sequenceStart()) {
                if (sequence == null) {
                    sequence = new Sequence(id);
                    sequences.put(id, sequence);
                    if (slotted < slots && backlog.isEmpty() || retiring) {
                        slotted++;
                        sequence.slotted = true;
                    } else {
                        backlog.add(sequence);
                    }
                } else if (!sequence.endSent) {
                    LOG.warn("sequence {} for model '{}' has a conflict. The previous sequence did not end before "
                            + "this sequence start. Previous sequence will be terminated early.", id,
                            config.getName());
                }
                released.remove(id);
            } else if (sequence == null || sequence.endSent) {
                boolean idle = released.containsKey(id);
                refusal = TritonException.invalidArg("inference request for sequence " + id + " to model '"
                        + config.getName() + "' must specify the START flag on the first request of the sequence"
                        + (idle ? " (the sequence was released after more than "
                        + idleNanos / 1000 + " us without requests: max_sequence_idle_microseconds)" : ""));
            }
            if (refusal == null) {
                sequence.lastUsed = System.nanoTime();
                sequence.endSent = request.sequenceEnd();
                sequence.queue.add(job);
                if (sequence.slotted && !sequence.running) {
                    sequence.running = true;
                    send = new Send(sequence, sequence.queue.poll());
                }
            }
        }
        if (refusal != null) {
            job.fail(refusal);
        }
        send(send == null ? List.of() : List.of(send));
    }

    /** Why a correlation id cannot be fed to the model's CORRID control input, or null when it can. */
    private String corridProblem(Object id) {
        for (ModelSequenceBatching.ControlInput control : config.getSequenceBatching().getControlInputList()) {
            if (control.getControl(0).getKind() == ModelSequenceBatching.Control.Kind.CONTROL_SEQUENCE_CORRID
                    && id instanceof String && control.getControl(0).getDataType()
                    != org.tritonosgi.api.config.DataType.TYPE_STRING) {
                return "inference request to model '" + config.getName() + "' has the string correlation ID '" + id
                        + "', but its CORRID control input '" + control.getName() + "' is "
                        + control.getControl(0).getDataType() + ": send an unsigned integer sequence_id";
            }
        }
        return null;
    }

    /** Sends jobs to the scheduler, outside the batcher's lock, one after another on this thread. */
    private void send(List<Send> sends) {
        if (sends.isEmpty()) {
            return;
        }
        ArrayDeque<Send> pending = sending.get();
        if (pending != null) {
            pending.addAll(sends);
            return;
        }
        pending = new ArrayDeque<>(sends);
        sending.set(pending);
        try {
            Send next;
            while ((next = pending.poll()) != null) {
                run(next.sequence(), next.job());
            }
        } finally {
            sending.remove();
        }
    }

    /**
     * The request the backend gets: the client's inputs, the control inputs, and the state inputs (from
     * {@code state} by state input name; where it has none, the initial state, or zeros).
     */
    static InferenceRequest backendRequest(ModelConfig config, InferenceRequest original, long batchSize,
            Map<String, Tensor> state, Map<String, InitialState> initial) {
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
            request.input(current != null ? current : start(declared, initial.get(declared.getInputName()), batch));
        }
        if (!original.outputs().isEmpty()) {
            original.outputs().forEach(output -> request.output(RequestedOutput.of(output.name())));
            config.getSequenceBatching().getStateList().forEach(declared ->
                    request.output(RequestedOutput.of(declared.getOutputName())));
        }
        return request.build();
    }

    /** Sends the sequence's next job to the scheduler; called without the lock, by {@link #send} only. */
    private void run(Sequence sequence, Job job) {
        Map<String, Tensor> state;
        synchronized (this) {
            if (job.request.sequenceStart()) {
                sequence.state.clear();
            }
            state = Map.copyOf(sequence.state);
        }
        InferenceRequest inner;
        try {
            inner = backendRequest(config, job.request, job.batchSize, state, initial);
        } catch (RuntimeException e) {
            job.fail(TritonException.of(e));
            next(sequence);
            return;
        }
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
        List<Send> sends = new ArrayList<>();
        boolean drained;
        synchronized (this) {
            sequence.lastUsed = System.nanoTime();
            Job next = sequence.queue.poll();
            if (next != null) {
                sends.add(new Send(sequence, next));
            } else {
                sequence.running = false;
                if (sequence.endSent) {
                    leave(sequence);
                    admitBacklog(sends);
                }
            }
            drained = drainedLocked();
        }
        send(sends);
        if (drained) {
            retireScheduler();
        }
    }

    /** The sequence ended (or idled out): it is forgotten and gives up its slot; called with the lock held. */
    private void leave(Sequence sequence) {
        sequences.remove(sequence.id, sequence);
        if (sequence.slotted) {
            sequence.slotted = false;
            slotted--;
        }
    }

    /**
     * Gives free slots (all of them once retiring) to the oldest sequences of the backlog, adding their first
     * jobs to {@code sends}; called with the lock held.
     */
    private void admitBacklog(List<Send> sends) {
        while ((slotted < slots || retiring) && !backlog.isEmpty()) {
            Sequence waiting = backlog.poll();
            waiting.slotted = true;
            slotted++;
            if (!waiting.running && !waiting.queue.isEmpty()) {
                waiting.running = true;
                sends.add(new Send(waiting, waiting.queue.poll()));
            }
        }
    }

    /** Whether the batcher is retiring and holds no job any more; called with the lock held. */
    private boolean drainedLocked() {
        if (!retiring || schedulerRetired) {
            return false;
        }
        for (Sequence sequence : sequences.values()) {
            if (sequence.running || !sequence.queue.isEmpty()) {
                return false;
            }
        }
        schedulerRetired = true;
        return true;
    }

    private void retireScheduler() {
        reaper.cancel(false);
        scheduler.retire();
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

    /** A state input at the start of a sequence: its initial state (once per batch row), or zeros. */
    private static Tensor start(ModelSequenceBatching.State state, InitialState initial, long batch) {
        if (initial == null) {
            long[] shape = shape(batch, state.getDimsList());
            DataType type = DataType.fromConfig(state.getDataType());
            long elements = Tensor.elementCount(state.getInputName(), shape);
            ByteBuffer data = type == DataType.BYTES
                    ? ByteBuffer.allocate(Math.toIntExact(4 * elements))
                    : ByteBuffer.allocate(Math.toIntExact(elements * type.elementSize()));
            return new Tensor(state.getInputName(), type, shape, data);
        }
        long[] shape = shape(batch, java.util.Arrays.stream(initial.dims()).boxed().toList());
        int rows = (int) Math.max(1, batch);
        ByteBuffer data = ByteBuffer.allocate(rows * initial.data().length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            data.put(initial.data());
        }
        return new Tensor(state.getInputName(), initial.type(), shape, data.flip());
    }

    /**
     * Each state's initial_state, checked as Triton checks it at load: one at most, named, of the state's datatype,
     * fixed dims matching the state's, and zero_data or a data_file in the model folder's {@code initial_state}
     * directory holding at least the bytes those dims need (TYPE_STRING: Triton's length-prefixed elements).
     * States without one start as zeros, so their dims must be fixed.
     *
     * @throws TritonException INVALID_ARG (INTERNAL for an unreadable file) in Triton's words, naming the state
     */
    static Map<String, InitialState> initialStates(ModelConfig config, java.nio.file.Path modelDir) {
        Map<String, InitialState> initial = new HashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ModelSequenceBatching.State state : config.getSequenceBatching().getStateList()) {
            String input = state.getInputName();
            if (!seen.add(input)) {
                throw TritonException.invalidArg("State input name '" + input + "' specified more than once.");
            }
            if (state.getInitialStateCount() > 1) {
                throw TritonException.invalidArg("initial_state field for state input '" + input
                        + "' must contain exactly one or zero element. Found '" + state.getInitialStateCount()
                        + "' elements.");
            }
            if (state.getInitialStateCount() == 0) {
                if (state.getDimsList().stream().anyMatch(dim -> dim < 0)) {
                    throw TritonException.invalidArg("model '" + config.getName() + "' state '" + input
                            + "' has variable dims " + state.getDimsList() + " and no initial_state: the embedded"
                            + " engine starts such a state as zeros, so give it an initial_state with fixed dims");
                }
                continue;
            }
            ModelSequenceBatching.InitialState given = state.getInitialState(0);
            if (given.getDataType() != state.getDataType()) {
                throw TritonException.invalidArg("The data type used for 'initial_state' field of state '" + input
                        + "' does not match the state data type.");
            }
            if (given.getName().isEmpty()) {
                throw TritonException.invalidArg("Field 'name' must be set when using initial_state for state input '"
                        + input + "'.");
            }
            if (given.getDimsCount() != state.getDimsCount()) {
                throw TritonException.invalidArg("Number of dimensions in 'initial_state' doesn't match the size of"
                        + " 'state' dimensions for state input '" + input + "'. " + given.getDimsCount() + " != "
                        + state.getDimsCount());
            }
            for (int i = 0; i < given.getDimsCount(); i++) {
                long dim = given.getDims(i);
                if (dim < 0) {
                    throw TritonException.invalidArg("'initial_state' field for state input name '" + input
                            + "' contains variable dimensions.");
                }
                if (state.getDims(i) >= 0 && state.getDims(i) != dim) {
                    throw TritonException.invalidArg("'initial_state' dim for input name '" + input
                            + "' doesn't match 'state' dim description. " + dim + " != " + state.getDims(i));
                }
            }
            DataType type = DataType.fromConfig(state.getDataType());
            long[] dims = given.getDimsList().stream().mapToLong(Long::longValue).toArray();
            long elements = Tensor.elementCount(input, dims);
            byte[] data;
            if (given.hasZeroData()) {
                data = new byte[Math.toIntExact(elements * (type == DataType.BYTES ? 4 : type.elementSize()))];
            } else if (given.hasDataFile()) {
                data = dataFile(config, modelDir, given.getDataFile(), type, elements);
            } else {
                throw TritonException.invalidArg("initial_state setting expects state'" + input
                        + "' to have state_data set");
            }
            initial.put(input, new InitialState(type, dims, data));
        }
        return initial;
    }

    private static byte[] dataFile(ModelConfig config, java.nio.file.Path modelDir, String name, DataType type,
            long elements) {
        java.nio.file.Path folder = modelDir.resolve("initial_state").normalize();
        java.nio.file.Path file = folder.resolve(name).normalize();
        // relative to the repository: the reason reaches clients through the repository index
        String shown = config.getName() + "/initial_state/" + name;
        if (!file.startsWith(folder) || file.equals(folder)) {
            throw TritonException.invalidArg("model '" + config.getName() + "': initial_state data_file '" + name
                    + "' must name a file inside the model's initial_state folder");
        }
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "failed to open text file for read " + shown
                    + ": No such file or directory");
        } catch (java.io.IOException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "failed to open text file for read " + shown
                    + ": " + e.getMessage());
        }
        if (type == DataType.BYTES) {
            checkStrings(config, name, bytes, elements);
            return bytes;
        }
        long expected = elements * type.elementSize();
        if (bytes.length < expected) {
            // Triton's words, its missing space included
            throw TritonException.invalidArg("initial_state setting expects " + expected + " bytes, but the data "
                    + "provided from " + name + "only has " + bytes.length + " bytes.");
        }
        return java.util.Arrays.copyOf(bytes, Math.toIntExact(expected));
    }

    /** A TYPE_STRING data_file must hold exactly {@code elements} length-prefixed strings. */
    private static void checkStrings(ModelConfig config, String name, byte[] bytes, long elements) {
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long count = 0;
        while (data.remaining() >= 4) {
            int length = data.getInt();
            if (length < 0 || length > data.remaining()) {
                break;
            }
            data.position(data.position() + length);
            count++;
        }
        if (count != elements || data.hasRemaining()) {
            throw TritonException.invalidArg("model '" + config.getName() + "': initial_state data_file '" + name
                    + "' must hold " + elements + " strings, each a 4-byte little-endian length and its bytes");
        }
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
            } else if (id instanceof Long number && (type == DataType.INT32 || type == DataType.UINT32)) {
                data = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    data.putInt((int) (long) number);
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

    private void releaseIdle() {
        List<Send> sends = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            for (Sequence sequence : List.copyOf(sequences.values())) {
                if (sequence.slotted && !sequence.running && sequence.queue.isEmpty()
                        && now - sequence.lastUsed > idleNanos) {
                    released.put(sequence.id, Boolean.TRUE);
                    leave(sequence);
                }
            }
            admitBacklog(sends);
        }
        try {
            send(sends);
        } catch (RuntimeException e) {
            // the reaper must keep running: a job's failure is its own
            LOG.warn("model '{}': sending a sequence's request failed: {}", config.getName(), e.toString());
        }
    }

    @Override
    public int pending() {
        int queued = 0;
        synchronized (this) {
            for (Sequence sequence : sequences.values()) {
                queued += sequence.queue.size();
            }
        }
        return queued + scheduler.pending();
    }

    @Override
    public void retire() {
        List<Send> sends = new ArrayList<>();
        boolean drained;
        synchronized (this) {
            retiring = true;
            admitBacklog(sends);
            drained = drainedLocked();
        }
        send(sends);
        if (drained) {
            retireScheduler();
        }
    }

    @Override
    public void abort() {
        reaper.cancel(false);
        List<Job> queued = new ArrayList<>();
        synchronized (this) {
            retiring = true;
            schedulerRetired = true;
            for (Sequence sequence : sequences.values()) {
                queued.addAll(sequence.queue);
                sequence.queue.clear();
                sequence.slotted = false;
            }
            sequences.clear();
            backlog.clear();
            slotted = 0;
        }
        TritonException exiting = TritonException.unavailable("Server exiting");
        queued.forEach(job -> job.fail(exiting));
        scheduler.abort();
    }
}
