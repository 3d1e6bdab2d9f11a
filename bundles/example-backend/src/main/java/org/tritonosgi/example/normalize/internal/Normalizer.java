package org.tritonosgi.example.normalize.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelParameter;

/** One instance of an image_normalize model: checks the configuration once, then maps pixels to floats. */
final class Normalizer implements org.tritonosgi.api.backend.BackendInstance {

    private final String input;
    private final String output;
    private final float mean;
    private final float std;

    /**
     * @throws TritonException INVALID_ARG naming the model when it does not have one UINT8 input and one FP32
     *                         output, or when mean or std is not a number (std must not be 0)
     */
    Normalizer(ModelConfig config) {
        String model = config.getName();
        if (config.getInputCount() != 1 || config.getOutputCount() != 1
                || config.getInput(0).getDataType() != org.tritonosgi.api.config.DataType.TYPE_UINT8
                || config.getOutput(0).getDataType() != org.tritonosgi.api.config.DataType.TYPE_FP32) {
            throw TritonException.invalidArg("image_normalize model '" + model + "' needs one TYPE_UINT8 input and"
                    + " one TYPE_FP32 output");
        }
        this.input = config.getInput(0).getName();
        this.output = config.getOutput(0).getName();
        this.mean = parameter(config, "mean", 0);
        this.std = parameter(config, "std", 1);
        if (std == 0) {
            throw TritonException.invalidArg("image_normalize model '" + model + "': parameter std must not be 0");
        }
    }

    private static float parameter(ModelConfig config, String key, float fallback) {
        ModelParameter value = config.getParametersMap().get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(value.getStringValue().trim());
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("image_normalize model '" + config.getName() + "': parameter " + key
                    + " must be a number, got '" + value.getStringValue() + "'");
        }
    }

    @Override
    public List<Tensor> execute(InferenceRequest request) {
        Tensor pixels = request.input(input);
        ByteBuffer in = pixels.data();
        ByteBuffer out = ByteBuffer.allocate(in.remaining() * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            out.putFloat(((in.get() & 0xff) / 255f - mean) / std);
        }
        return List.of(new Tensor(output, DataType.FP32, pixels.shape(), out.flip()));
    }

    @Override
    public void close() {
        // holds nothing
    }
}
