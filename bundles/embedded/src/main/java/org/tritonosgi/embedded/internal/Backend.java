package org.tritonosgi.embedded.internal;

import java.util.List;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;

/** One loaded model version's executor: turns a checked request into output tensors. */
interface Backend extends AutoCloseable {

    /**
     * Computes every output of the model for a request already checked against the configuration. Runs on an
     * engine execution thread, never on a frontend's network thread.
     */
    List<Tensor> execute(InferenceRequest request);

    /** Releases what the backend holds; called once, after the last execution. */
    @Override
    void close();
}
