package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelWarmup;

/**
 * Triton's model warmup: before a version is READY, each {@code model_warmup} request runs {@code count} times
 * (at least once) on every instance, with inputs of zeros, random bytes, or the contents of a file in the model
 * folder's {@code warmup} directory. A BYTES input of zero or random data is empty strings; of a file, the file's
 * contents as every element. A warmup that fails keeps the version UNAVAILABLE with the reason.
 */
final class Warmup {

    static final String FOLDER = "warmup";

    private Warmup() {
    }

    /**
     * @param modelDir the model folder, whose {@value #FOLDER} directory holds input_data_file files
     * @param initialStates a sequence model's initial states by state input name
     * @throws TritonException INVALID_ARG naming the model, the warmup and the input when one fails
     */
    static void run(ModelConfig config, Path modelDir, List<Backend> instances,
            Map<String, SequenceBatcher.InitialState> initialStates) {
        RequestValidator validator = new RequestValidator(config);
        for (ModelWarmup warmup : config.getModelWarmupList()) {
            String where = "model '" + config.getName() + "' warmup '" + warmup.getName() + "'";
            InferenceRequest request;
            try {
                request = request(config, modelDir, warmup, where);
                validator.validate(request);
            } catch (TritonException e) {
                throw TritonException.invalidArg(where + " failed: " + e.getMessage());
            }
            if (config.hasSequenceBatching()) {
                // a one-request sequence (START and END), with the control and initial state inputs
                InferenceRequest.Builder sequence = InferenceRequest.builder().id(request.id());
                request.inputs().forEach(sequence::input);
                request = SequenceBatcher.backendRequest(config, sequence.sequence(1L, true, true).build(),
                        Math.max(1, warmup.getBatchSize()), Map.of(), initialStates);
            }
            int count = Math.max(1, warmup.getCount());
            for (Backend instance : instances) {
                for (int i = 0; i < count; i++) {
                    try {
                        instance.execute(request, outputs -> { });
                    } catch (RuntimeException e) {
                        throw TritonException.invalidArg(where + " failed: " + TritonException.of(e).getMessage());
                    }
                }
            }
        }
    }

    private static InferenceRequest request(ModelConfig config, Path modelDir, ModelWarmup warmup, String where) {
        InferenceRequest.Builder request = InferenceRequest.builder().id("warmup");
        long batch = Math.max(1, warmup.getBatchSize());
        Random random = new Random(warmup.getName().hashCode());
        for (Map.Entry<String, ModelWarmup.Input> entry : warmup.getInputsMap().entrySet()) {
            ModelWarmup.Input input = entry.getValue();
            DataType type = DataType.fromConfig(input.getDataType());
            int offset = config.getMaxBatchSize() > 0 ? 1 : 0;
            long[] shape = new long[input.getDimsCount() + offset];
            if (offset == 1) {
                shape[0] = batch;
            }
            for (int i = 0; i < input.getDimsCount(); i++) {
                shape[i + offset] = input.getDims(i);
                if (input.getDims(i) < 0) {
                    throw TritonException.invalidArg(where + " input '" + entry.getKey()
                            + "' has a variable dimension; warmup dims must be fixed");
                }
            }
            long elements = Tensor.elementCount(entry.getKey(), shape);
            byte[] file = input.hasInputDataFile() ? read(modelDir, input.getInputDataFile(), where, entry.getKey())
                    : null;
            ByteBuffer data;
            if (type == DataType.BYTES) {
                byte[] element = file != null ? file : new byte[0];
                data = ByteBuffer.allocate(Math.toIntExact(elements * (4 + element.length)))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < elements; i++) {
                    data.putInt(element.length).put(element);
                }
                data.flip();
            } else {
                int size = Math.toIntExact(Math.multiplyExact(elements, (long) type.elementSize()));
                byte[] bytes = new byte[size];
                if (file != null) {
                    if (file.length != size) {
                        throw TritonException.invalidArg(where + " input '" + entry.getKey() + "': file '"
                                + input.getInputDataFile() + "' holds " + file.length + " bytes, but " + type
                                + " of shape " + java.util.Arrays.toString(shape) + " needs " + size);
                    }
                    bytes = file;
                } else if (input.getRandomData()) {
                    random.nextBytes(bytes);
                }
                data = ByteBuffer.wrap(bytes);
            }
            request.input(new Tensor(entry.getKey(), type, shape, data));
        }
        return request.build();
    }

    private static byte[] read(Path modelDir, String name, String where, String input) {
        Path folder = modelDir.resolve(FOLDER).normalize();
        Path file = folder.resolve(name).normalize();
        if (!file.startsWith(folder)) {
            throw TritonException.invalidArg(where + " input '" + input + "': input_data_file '" + name
                    + "' must stay inside the model's " + FOLDER + " folder");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw TritonException.invalidArg(where + " input '" + input + "': cannot read input_data_file '" + name
                    + "' in the model's " + FOLDER + " folder");
        }
    }
}
