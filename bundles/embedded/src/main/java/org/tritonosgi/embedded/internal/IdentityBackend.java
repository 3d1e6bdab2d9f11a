package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * The built-in {@code identity} backend, as Triton's: output n is input n, renamed, with the same datatype and
 * shape. Inputs and outputs pair up by their position in the configuration. Honours the delay_ms parameter.
 */
final class IdentityBackend implements Backend {

    static final String NAME = "identity";

    private final List<String> inputNames = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();

    /**
     * @throws TritonException INVALID_ARG when inputs and outputs do not pair up by count and datatype
     */
    IdentityBackend(ModelConfig config) {
        if (config.getInputCount() != config.getOutputCount() || config.getInputCount() == 0) {
            throw TritonException.invalidArg("identity model '" + config.getName() + "' needs as many outputs as"
                    + " inputs (at least one), but has " + config.getInputCount() + " input(s) and "
                    + config.getOutputCount() + " output(s)");
        }
        for (int i = 0; i < config.getInputCount(); i++) {
            var input = config.getInput(i);
            var output = config.getOutput(i);
            if (input.getDataType() != output.getDataType()) {
                throw TritonException.invalidArg("identity model '" + config.getName() + "' input '"
                        + input.getName() + "' is " + input.getDataType() + " but its output '" + output.getName()
                        + "' is " + output.getDataType());
            }
            inputNames.add(input.getName());
            outputNames.add(output.getName());
        }
    }

    @Override
    public List<Tensor> execute(InferenceRequest request) {
        Delays.apply(request);
        List<Tensor> outputs = new ArrayList<>(inputNames.size());
        for (int i = 0; i < inputNames.size(); i++) {
            Tensor input = request.input(inputNames.get(i));
            if (input != null) {
                outputs.add(input.renamed(outputNames.get(i)));
            }
        }
        return outputs;
    }

    @Override
    public void close() {
        // holds nothing native
    }
}
