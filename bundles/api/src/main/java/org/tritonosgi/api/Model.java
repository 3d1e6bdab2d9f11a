package org.tritonosgi.api;

import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.config.ModelConfig;

/** One version of one model, as an engine holds it. */
public interface Model {

    String name();

    long version();

    /** The state of this version; only READY versions take requests. */
    ModelState state();

    default boolean isReady() {
        return state() == ModelState.READY;
    }

    /**
     * Inputs, outputs, platform and versions of this model.
     *
     * @throws TritonException UNAVAILABLE when the version is not ready
     */
    ModelMetadata metadata();

    /** The complete model configuration after defaults and auto-completion. */
    ModelConfig config();

    /** Whether the model may send zero or several responses per request (it then needs the listener form). */
    default boolean isDecoupled() {
        return config().getModelTransactionPolicy().getDecoupled();
    }

    /**
     * Runs one request of a non-decoupled model. Returns at once; never blocks the caller on the computation.
     * The stage fails with a {@link TritonException}: INVALID_ARG for a request that does not fit the model,
     * UNAVAILABLE when the model or server cannot take it, UNSUPPORTED for a decoupled model.
     */
    CompletionStage<InferenceResponse> infer(InferenceRequest request);

    /**
     * Runs one request of any model, delivering each response to the listener as the model sends it. Returns at
     * once; errors, including those in the request, reach {@link ResponseListener#onError}.
     */
    void infer(InferenceRequest request, ResponseListener listener);
}
