package org.tritonosgi.embedded.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelDynamicBatching;
import org.tritonosgi.api.config.ModelInput;
import org.tritonosgi.api.config.ModelOutput;

/**
 * The {@code onnxruntime} backend (platform {@code onnxruntime_onnx}): opens one ONNX Runtime session per instance,
 * checks the configuration against the model's inputs and outputs, and completes a partial configuration.
 */
final class OnnxRuntimeFactory implements BackendFactory {

    static final String NAME = "onnxruntime";
    static final String DEFAULT_FILE = "model.onnx";
    static final String THREADS_PARAMETER = "intra_op_thread_count";

    private final int intraOpThreads;
    private final int defaultMaxBatchSize;
    private final AtomicLong liveValues = new AtomicLong();

    OnnxRuntimeFactory(int intraOpThreads, int defaultMaxBatchSize) {
        this.intraOpThreads = intraOpThreads;
        this.defaultMaxBatchSize = defaultMaxBatchSize;
    }

    /** OrtValues created by runs and not yet closed, across every session of this factory. */
    long liveValues() {
        return liveValues.get();
    }

    /**
     * The model file of a version folder. default_model_filename can come from a client (a load request's config),
     * so it must name something inside the version folder: an absolute path or one climbing out is refused.
     */
    static Path modelFile(ModelConfig config, Path versionDir) {
        String name = config.getDefaultModelFilename().isEmpty() ? DEFAULT_FILE : config.getDefaultModelFilename();
        Path folder = versionDir.normalize();
        Path file = folder.resolve(name).normalize();
        if (!file.startsWith(folder) || file.equals(folder)) {
            throw TritonException.invalidArg("model '" + config.getName() + "': default_model_filename '" + name
                    + "' must name a file inside the version folder");
        }
        if (Files.isDirectory(file)) {
            file = file.resolve(DEFAULT_FILE);
        }
        return file;
    }

    private OrtSession open(ModelConfig config, Path versionDir) {
        Path file = modelFile(config, versionDir);
        if (!Files.isRegularFile(file)) {
            // names relative to the version folder: the repository's location is not the client's business
            throw TritonException.invalidArg("model '" + config.getName() + "': model file '"
                    + versionDir.normalize().relativize(file) + "' not found in version folder "
                    + versionDir.getFileName());
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            int threads = threads(config);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            options.setInterOpNumThreads(1);
            return OrtEnvironment.getEnvironment().createSession(file.toString(), options);
        } catch (OrtException e) {
            throw TritonException.invalidArg("model '" + config.getName() + "': onnx runtime cannot load " + file
                    + ": " + e.getMessage());
        }
    }

    private int threads(ModelConfig config) {
        var parameter = config.getParametersMap().get(THREADS_PARAMETER);
        if (parameter == null) {
            return intraOpThreads;
        }
        try {
            return Integer.parseInt(parameter.getStringValue().trim());
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("model '" + config.getName() + "' parameter " + THREADS_PARAMETER
                    + " must be an integer, got '" + parameter.getStringValue() + "'");
        }
    }

    @Override
    public ModelConfig complete(ModelConfig config, Path versionDir) {
        if (config.getInputCount() > 0 && config.getOutputCount() > 0) {
            return config;
        }
        try (OrtSession session = open(config, versionDir)) {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            boolean batching = config.getMaxBatchSize() > 0;
            ModelConfig.Builder completed = config.toBuilder();
            if (config.getInputCount() == 0 && config.getOutputCount() == 0 && defaultMaxBatchSize > 0
                    && firstDimensionVariable(inputs) && firstDimensionVariable(outputs)) {
                batching = true;
                completed.setMaxBatchSize(defaultMaxBatchSize);
                if (completed.getSchedulingChoiceCase() == ModelConfig.SchedulingChoiceCase.SCHEDULINGCHOICE_NOT_SET) {
                    completed.setDynamicBatching(ModelDynamicBatching.newBuilder()
                            .addPreferredBatchSize(defaultMaxBatchSize));
                }
            }
            if (config.getInputCount() == 0) {
                for (Map.Entry<String, NodeInfo> input : inputs.entrySet()) {
                    TensorInfo info = tensorInfo(config, input.getValue(), "input", versionDir);
                    completed.addInput(ModelInput.newBuilder().setName(input.getKey())
                            .setDataType(configType(config, info, input.getKey()))
                            .addAllDims(dims(info.getShape(), batching)));
                }
            }
            if (config.getOutputCount() == 0) {
                for (Map.Entry<String, NodeInfo> output : outputs.entrySet()) {
                    TensorInfo info = tensorInfo(config, output.getValue(), "output", versionDir);
                    completed.addOutput(ModelOutput.newBuilder().setName(output.getKey())
                            .setDataType(configType(config, info, output.getKey()))
                            .addAllDims(dims(info.getShape(), batching)));
                }
            }
            return completed.build();
        } catch (OrtException e) {
            throw TritonException.invalidArg("model '" + config.getName() + "': cannot read inputs and outputs of "
                    + modelFile(config, versionDir) + ": " + e.getMessage());
        }
    }

    private static boolean firstDimensionVariable(Map<String, NodeInfo> tensors) {
        for (NodeInfo node : tensors.values()) {
            if (!(node.getInfo() instanceof TensorInfo info) || info.getShape().length == 0
                    || info.getShape()[0] >= 0) {
                return false;
            }
        }
        return !tensors.isEmpty();
    }

    private static List<Long> dims(long[] shape, boolean batching) {
        List<Long> dims = new ArrayList<>();
        for (int i = batching ? 1 : 0; i < shape.length; i++) {
            dims.add(shape[i] < 0 ? -1L : shape[i]);
        }
        return dims;
    }

    private static TensorInfo tensorInfo(ModelConfig config, NodeInfo node, String kind, Path file) {
        if (node.getInfo() instanceof TensorInfo info) {
            return info;
        }
        throw TritonException.invalidArg("model '" + config.getName() + "': " + kind + " '" + node.getName()
                + "' of the model in " + file + " is not a tensor");
    }

    private static org.tritonosgi.api.config.DataType configType(ModelConfig config, TensorInfo info, String name) {
        DataType type = OnnxTypes.dataType(info.onnxType);
        if (type == null) {
            throw TritonException.invalidArg("model '" + config.getName() + "': tensor '" + name + "' has ONNX type "
                    + info.onnxType + ", which Triton has no datatype for");
        }
        return type.configType();
    }

    @Override
    public Backend create(ModelConfig config, Path versionDir) {
        OrtSession session = open(config, versionDir);
        try {
            Path file = modelFile(config, versionDir);
            for (ModelInput input : config.getInputList()) {
                check(config, file, "input", input.getName(), input.getDataType(), input.getDimsList(),
                        session.getInputInfo());
            }
            for (ModelOutput output : config.getOutputList()) {
                check(config, file, "output", output.getName(), output.getDataType(), output.getDimsList(),
                        session.getOutputInfo());
            }
            return new OnnxRuntimeBackend(OrtEnvironment.getEnvironment(), session, config, liveValues);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof TritonException triton) {
                throw triton;
            }
            throw TritonException.invalidArg("model '" + config.getName() + "': " + e.getMessage());
        }
    }

    private static void check(ModelConfig config, Path file, String kind, String name,
            org.tritonosgi.api.config.DataType configured, List<Long> dims, Map<String, NodeInfo> actual) {
        NodeInfo node = actual.get(name);
        String model = "model '" + config.getName() + "': ";
        if (node == null) {
            throw TritonException.invalidArg(model + "configuration expects " + kind + " '" + name + "' but " + file
                    + " has " + kind + "s " + actual.keySet());
        }
        TensorInfo info = tensorInfo(config, node, kind, file);
        DataType expected = DataType.fromConfig(configured);
        if (OnnxTypes.javaType(expected) == null) {
            throw TritonException.invalidArg(model + kind + " '" + name + "' is " + expected
                    + ", which ONNX Runtime for Java cannot exchange");
        }
        if (OnnxTypes.element(expected) != info.onnxType) {
            throw TritonException.invalidArg(model + "configuration gives " + kind + " '" + name + "' data_type "
                    + configured + " but " + file + " has " + info.onnxType);
        }
        long[] shape = info.getShape();
        int batch = config.getMaxBatchSize() > 0 ? 1 : 0;
        if (shape.length != dims.size() + batch) {
            throw TritonException.invalidArg(model + "configuration gives " + kind + " '" + name + "' "
                    + (batch == 1 ? "[batch] + " : "") + "dims " + dims + " but " + file + " has shape "
                    + Arrays.toString(shape));
        }
        for (int i = 0; i < dims.size(); i++) {
            long fixed = shape[i + batch];
            if (fixed >= 0 && dims.get(i) != -1 && dims.get(i) != fixed) {
                throw TritonException.invalidArg(model + "configuration gives " + kind + " '" + name + "' dims "
                        + dims + " but " + file + " has shape " + Arrays.toString(shape));
            }
        }
    }
}
