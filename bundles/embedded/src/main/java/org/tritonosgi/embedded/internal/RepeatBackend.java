package org.tritonosgi.embedded.internal;

import java.util.List;
import java.util.function.Consumer;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * The built-in decoupled {@code repeat} backend, for streaming tests and benchmarks: it sends the identity outputs
 * {@code repeat_count} times (request parameter, else the model parameter, else 1), waiting delay_ms before each.
 */
final class RepeatBackend implements Backend {

    static final String NAME = "repeat";
    static final String COUNT_PARAMETER = "repeat_count";

    private final IdentityBackend identity;
    private final long defaultCount;

    /**
     * @throws TritonException INVALID_ARG when the model is not decoupled or its inputs and outputs do not pair up
     */
    RepeatBackend(ModelConfig config) {
        if (!config.getModelTransactionPolicy().getDecoupled()) {
            throw TritonException.invalidArg("repeat model '" + config.getName()
                    + "' must set model_transaction_policy { decoupled: true }");
        }
        this.identity = new IdentityBackend(config);
        var parameter = config.getParametersMap().get(COUNT_PARAMETER);
        try {
            this.defaultCount = parameter == null ? 1 : Long.parseLong(parameter.getStringValue().trim());
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("repeat model '" + config.getName() + "' parameter " + COUNT_PARAMETER
                    + " must be an integer, got '" + parameter.getStringValue() + "'");
        }
    }

    @Override
    public List<Tensor> execute(InferenceRequest request) {
        return identity.execute(request);
    }

    @Override
    public void execute(InferenceRequest request, Consumer<List<Tensor>> responses) {
        Object count = request.parameters().getOrDefault(COUNT_PARAMETER, defaultCount);
        if (!(count instanceof Long times) || times < 0) {
            throw TritonException.invalidArg("request parameter '" + COUNT_PARAMETER
                    + "' must be a non-negative integer");
        }
        for (long i = 0; i < times; i++) {
            responses.accept(identity.execute(request));
        }
    }

    @Override
    public void close() {
        identity.close();
    }
}
