package org.tritonosgi.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.trace.RequestTrace;

/**
 * One inference request, as Triton's in-process API takes it: inputs, the outputs wanted (all when empty),
 * custom parameters, and the scheduling fields Triton defines. Immutable; build it with {@link #builder()}.
 *
 * @param id               request id echoed in the response ("" when none)
 * @param inputs           input tensors, each name at most once
 * @param outputs          requested outputs; empty asks for every output of the model
 * @param parameters       custom parameters; values are String, Long, Boolean or Double
 * @param priority         0 = the model's default; 1 is highest
 * @param timeoutMicros    0 = no timeout
 * @param sequenceId       correlation id, a Long (unsigned) or a String; null when not in a sequence
 * @param sequenceStart    first request of its sequence
 * @param sequenceEnd      last request of its sequence
 * @param trace            (1.1.0) what the engine reports as the request goes through it; never null
 */
public record InferenceRequest(String id, List<Tensor> inputs, List<RequestedOutput> outputs,
        Map<String, Object> parameters, long priority, long timeoutMicros, Object sequenceId,
        boolean sequenceStart, boolean sequenceEnd, RequestTrace trace) {

    /** A request not being traced (the 1.0.0 constructor). */
    public InferenceRequest(String id, List<Tensor> inputs, List<RequestedOutput> outputs,
            Map<String, Object> parameters, long priority, long timeoutMicros, Object sequenceId,
            boolean sequenceStart, boolean sequenceEnd) {
        this(id, inputs, outputs, parameters, priority, timeoutMicros, sequenceId, sequenceStart, sequenceEnd,
                RequestTrace.NONE);
    }

    public InferenceRequest {
        trace = trace == null ? RequestTrace.NONE : trace;
        id = id == null ? "" : id;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        for (Object value : parameters.values()) {
            if (!(value instanceof String || value instanceof Long || value instanceof Boolean
                    || value instanceof Double)) {
                throw TritonException.invalidArg("request parameter values must be string, integer, bool or double,"
                        + " got " + (value == null ? "null" : value.getClass().getSimpleName()));
            }
        }
        if (sequenceId != null && !(sequenceId instanceof Long || sequenceId instanceof String)) {
            throw TritonException.invalidArg("sequence id must be an unsigned integer or a string");
        }
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (inputs.get(i).name().equals(inputs.get(j).name())) {
                    throw TritonException.invalidArg("input '" + inputs.get(i).name() + "' already exists in request");
                }
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (outputs.get(i).name().equals(outputs.get(j).name())) {
                    throw TritonException.invalidArg("output '" + outputs.get(i).name()
                            + "' already exists in request");
                }
            }
        }
    }

    /** This request, reporting to the given trace as it goes through the engine. */
    public InferenceRequest withTrace(RequestTrace trace) {
        return new InferenceRequest(id, inputs, outputs, parameters, priority, timeoutMicros, sequenceId,
                sequenceStart, sequenceEnd, trace);
    }

    /** The input with this name, or null. */
    public Tensor input(String name) {
        for (Tensor input : inputs) {
            if (input.name().equals(name)) {
                return input;
            }
        }
        return null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the parts of a request; {@link #build()} checks them. */
    public static final class Builder {
        private String id = "";
        private final List<Tensor> inputs = new ArrayList<>();
        private final List<RequestedOutput> outputs = new ArrayList<>();
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private long priority;
        private long timeoutMicros;
        private Object sequenceId;
        private boolean sequenceStart;
        private boolean sequenceEnd;
        private RequestTrace trace = RequestTrace.NONE;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder input(Tensor input) {
            inputs.add(input);
            return this;
        }

        public Builder output(RequestedOutput output) {
            outputs.add(output);
            return this;
        }

        public Builder parameter(String key, Object value) {
            parameters.put(key, value);
            return this;
        }

        public Builder priority(long priority) {
            this.priority = priority;
            return this;
        }

        public Builder timeoutMicros(long timeoutMicros) {
            this.timeoutMicros = timeoutMicros;
            return this;
        }

        public Builder sequence(Object sequenceId, boolean start, boolean end) {
            this.sequenceId = sequenceId;
            this.sequenceStart = start;
            this.sequenceEnd = end;
            return this;
        }

        /** What the engine tells as the request goes through it (queued, computing, computed). */
        public Builder trace(RequestTrace trace) {
            this.trace = trace;
            return this;
        }

        public InferenceRequest build() {
            return new InferenceRequest(id, inputs, outputs, parameters, priority, timeoutMicros, sequenceId,
                    sequenceStart, sequenceEnd, trace);
        }
    }
}
