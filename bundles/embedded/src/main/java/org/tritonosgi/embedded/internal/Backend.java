package org.tritonosgi.embedded.internal;

import java.util.List;
import java.util.function.Consumer;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;

/** One instance of one loaded model version: turns a checked request into output tensors. */
interface Backend extends AutoCloseable {

    /**
     * Computes every output of the model for a request already checked against the configuration. Runs on an
     * engine execution thread, never on a frontend's network thread; one call at a time per instance.
     */
    List<Tensor> execute(InferenceRequest request);

    /** Decoupled form: hands each response's outputs to the consumer; the default sends one response. */
    default void execute(InferenceRequest request, Consumer<List<Tensor>> responses) {
        responses.accept(execute(request));
    }

    /** Releases what the instance holds; called once, after its last execution. */
    @Override
    void close();
}
