package org.tritonosgi.api.backend;

import java.util.List;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ConsumerType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;

/** One instance of one model version in a {@link ModelBackend}. */
@ConsumerType
public interface BackendInstance extends AutoCloseable {

    /**
     * Computes the model's outputs for a request the engine has checked against the configuration (names,
     * datatypes, shapes). Runs on an engine thread, one call at a time per instance. With {@code max_batch_size}
     * above 0 and dynamic or sequence batching, one request may hold several clients' requests one after another
     * along the first dimension (for a sequence model, one row per sequence: its CORRID control input names
     * each row's sequence); each output must then keep that first dimension. A
     * {@link org.tritonosgi.api.TritonException} reaches the client as it is; any other exception as an internal
     * error naming the backend.
     */
    List<Tensor> execute(InferenceRequest request);

    /** A decoupled model's form: hands each response's outputs to {@code responses}; the default sends one. */
    default void execute(InferenceRequest request, Consumer<List<Tensor>> responses) {
        responses.accept(execute(request));
    }

    /** Releases what the instance holds; called once, after its last execution. */
    @Override
    void close();
}
