package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelInput;
import org.tritonosgi.api.config.ModelOutput;

/**
 * Checks a request against a model configuration the way Triton's core does: known inputs and outputs, every
 * required input present, datatypes and shapes as configured, batch size within max_batch_size.
 */
final class RequestValidator {

    private final ModelConfig config;
    private final Map<String, ModelInput> inputs = new HashMap<>();
    private final Map<String, ModelOutput> outputs = new HashMap<>();

    RequestValidator(ModelConfig config) {
        this.config = config;
        config.getInputList().forEach(input -> inputs.put(input.getName(), input));
        config.getOutputList().forEach(output -> outputs.put(output.getName(), output));
    }

    /**
     * @return the batch size of the request (1 for a model that does not batch)
     * @throws TritonException INVALID_ARG naming the model and the input or output at fault
     */
    long validate(InferenceRequest request) {
        String model = config.getName();
        for (Tensor input : request.inputs()) {
            if (!inputs.containsKey(input.name())) {
                throw TritonException.invalidArg(prefix(request) + "unexpected inference input '" + input.name()
                        + "' for model '" + model + "'");
            }
        }
        List<String> missing = new ArrayList<>();
        for (ModelInput input : config.getInputList()) {
            if (!input.getOptional() && request.input(input.getName()) == null) {
                missing.add(input.getName());
            }
        }
        if (!missing.isEmpty()) {
            throw TritonException.invalidArg(prefix(request) + "expected " + config.getInputCount()
                    + " inputs but got " + request.inputs().size() + " inputs for model '" + model
                    + "'. Got input(s) " + request.inputs().stream().map(t -> "'" + t.name() + "'")
                    .collect(Collectors.joining(", ", "[", "]")) + ", but missing required input(s) "
                    + missing.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]")));
        }
        for (RequestedOutput output : request.outputs()) {
            if (!outputs.containsKey(output.name())) {
                throw TritonException.invalidArg(prefix(request) + "unexpected inference output '" + output.name()
                        + "' for model '" + model + "'");
            }
        }
        long batchSize = -1;
        for (Tensor input : request.inputs()) {
            ModelInput expected = inputs.get(input.name());
            DataType expectedType = DataType.fromConfig(expected.getDataType());
            if (input.dataType() != expectedType) {
                throw TritonException.invalidArg(prefix(request) + "inference input '" + input.name()
                        + "' data-type is '" + input.dataType() + "', but model '" + model + "' expects '"
                        + expectedType + "'");
            }
            long[] shape = input.shape();
            int offset = 0;
            if (config.getMaxBatchSize() > 0) {
                if (shape.length == 0) {
                    throw shapeError(request, input, expected);
                }
                if (batchSize >= 0 && shape[0] != batchSize) {
                    throw TritonException.invalidArg(prefix(request) + "input '" + input.name()
                            + "' has batch size " + shape[0] + " but other inputs of the request have " + batchSize);
                }
                batchSize = shape[0];
                if (batchSize < 1 || batchSize > config.getMaxBatchSize()) {
                    throw TritonException.invalidArg(prefix(request) + "inference request batch-size must be <= "
                            + config.getMaxBatchSize() + " for '" + model + "' (input '" + input.name()
                            + "' has batch size " + batchSize + ")");
                }
                offset = 1;
            }
            if (!matches(expected.getDimsList(), shape, offset)) {
                throw shapeError(request, input, expected);
            }
        }
        return batchSize < 0 ? 1 : batchSize;
    }

    private static boolean matches(List<Long> dims, long[] shape, int offset) {
        if (shape.length - offset != dims.size()) {
            return false;
        }
        for (int i = 0; i < dims.size(); i++) {
            long dim = dims.get(i);
            if (dim != -1 && dim != shape[i + offset]) {
                return false;
            }
        }
        return true;
    }

    private TritonException shapeError(InferenceRequest request, Tensor input, ModelInput expected) {
        List<String> full = new ArrayList<>();
        if (config.getMaxBatchSize() > 0) {
            full.add("-1");
        }
        expected.getDimsList().forEach(d -> full.add(Long.toString(d)));
        List<String> got = new ArrayList<>();
        for (long d : input.shape()) {
            got.add(Long.toString(d));
        }
        return TritonException.invalidArg(prefix(request) + "unexpected shape for input '" + input.name()
                + "' for model '" + config.getName() + "'. Expected [" + String.join(",", full) + "], got ["
                + String.join(",", got) + "]");
    }

    private static String prefix(InferenceRequest request) {
        return "[request id: " + (request.id().isEmpty() ? "<id_unknown>" : request.id()) + "] ";
    }
}
