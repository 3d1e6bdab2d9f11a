package org.tritonosgi.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One response of a model: its outputs and response parameters. Closing it gives engine or native buffers back,
 * so a frontend closes it once the bytes are written; output tensors must not be read after that.
 */
public final class InferenceResponse implements AutoCloseable {

    private final String id;
    private final String modelName;
    private final long modelVersion;
    private final List<Tensor> outputs;
    private final Map<String, Object> parameters;
    private final boolean isFinal;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param parameters response parameters; values are String, Long, Boolean or Double
     * @param isFinal    whether this is the last response of its request
     * @param release    run once when the response is closed; may be null
     */
    public InferenceResponse(String id, String modelName, long modelVersion, List<Tensor> outputs,
            Map<String, Object> parameters, boolean isFinal, Runnable release) {
        this.id = id == null ? "" : id;
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.outputs = List.copyOf(outputs);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.isFinal = isFinal;
        this.release = release;
    }

    /** The request id, "" when the request had none. */
    public String id() {
        return id;
    }

    public String modelName() {
        return modelName;
    }

    /** The version that actually ran. */
    public long modelVersion() {
        return modelVersion;
    }

    public List<Tensor> outputs() {
        return outputs;
    }

    /** The output with this name, or null. */
    public Tensor output(String name) {
        for (Tensor output : outputs) {
            if (output.name().equals(name)) {
                return output;
            }
        }
        return null;
    }

    public Map<String, Object> parameters() {
        return parameters;
    }

    /** Whether this is the last response of its request (always true for non-decoupled models). */
    public boolean isFinal() {
        return isFinal;
    }

    /** Gives the output buffers back to the engine; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && release != null) {
            release.run();
        }
    }
}
