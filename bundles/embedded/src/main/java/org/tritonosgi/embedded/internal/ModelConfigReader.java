package org.tritonosgi.embedded.internal;

import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelInstanceGroup;
import org.tritonosgi.api.config.ModelVersionPolicy;

/** Reads a model folder's {@code config.pbtxt} and fills in Triton's defaults. */
final class ModelConfigReader {

    static final String CONFIG_FILE = "config.pbtxt";

    private static final Map<String, String> BACKEND_OF_PLATFORM = Map.of(
            "onnxruntime_onnx", "onnxruntime",
            "tensorrt_plan", "tensorrt",
            "pytorch_libtorch", "pytorch",
            "torch_aoti", "pytorch",
            "tensorflow_savedmodel", "tensorflow",
            "tensorflow_graphdef", "tensorflow");

    private ModelConfigReader() {
    }

    /**
     * Parses the model folder's config.pbtxt, or gives an empty configuration when there is none and
     * auto-completion may fill it in.
     *
     * @throws TritonException INVALID_ARG naming the file, and the line, column and field where parsing failed
     */
    static ModelConfig.Builder read(Path modelDir, boolean strict) {
        String modelName = modelDir.getFileName().toString();
        Path file = modelDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            if (strict) {
                throw TritonException.invalidArg("model '" + modelName + "' has no " + CONFIG_FILE + " in " + modelDir
                        + " and strict.model.config is true");
            }
            return ModelConfig.newBuilder();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw TritonException.invalidArg("cannot read " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    static ModelConfig.Builder parse(Path file, String text) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        try {
            TextFormat.getParser().merge(text, builder);
        } catch (TextFormat.ParseException e) {
            String detail = e.getMessage().replaceFirst("^\\d+:\\d+: ", "")
                    .replaceAll("\\s*\\n\\d+:\\d+:\\s*", " ");
            throw TritonException.invalidArg("invalid " + file + " at line " + e.getLine() + ", column "
                    + e.getColumn() + ": " + detail);
        }
        return builder;
    }

    /**
     * Fills in Triton's defaults: name, backend from platform (or from the model file found in the newest version
     * folder), version policy and instance groups.
     */
    static ModelConfig normalise(String modelName, ModelConfig.Builder config, Path modelDir) {
        if (config.getName().isEmpty()) {
            config.setName(modelName);
        } else if (!config.getName().equals(modelName)) {
            throw TritonException.invalidArg("model configuration of '" + modelName + "' names the model '"
                    + config.getName() + "'; the name must match the model's directory");
        }
        if (config.getBackend().isEmpty() && config.getPlatform().isEmpty() && hasOnnxFile(modelDir, config)) {
            config.setPlatform("onnxruntime_onnx");
        }
        boolean ensemble = EnsembleGraph.PLATFORM.equals(config.getPlatform());
        if (ensemble && !config.hasEnsembleScheduling()) {
            throw TritonException.invalidArg("ensemble '" + modelName + "' has platform 'ensemble' but no"
                    + " ensemble_scheduling");
        }
        if (!ensemble && config.hasEnsembleScheduling()) {
            throw TritonException.invalidArg("model '" + modelName + "' has ensemble_scheduling but its platform is"
                    + " not 'ensemble'");
        }
        if (config.getBackend().isEmpty() && !ensemble) {
            String backend = BACKEND_OF_PLATFORM.get(config.getPlatform());
            if (backend == null) {
                throw TritonException.invalidArg("model configuration of '" + modelName + "' must set 'backend' or"
                        + " 'platform', or the newest version folder must hold model.onnx"
                        + (config.getPlatform().isEmpty() ? "" : " (platform '" + config.getPlatform()
                        + "' names no known backend)"));
            }
            config.setBackend(backend);
        }
        if (config.getResponseCache().getEnable() && config.getModelTransactionPolicy().getDecoupled()) {
            throw TritonException.invalidArg("model '" + modelName + "' enables response_cache, which decoupled"
                    + " models cannot use");
        }
        if (config.getMaxBatchSize() < 0) {
            throw TritonException.invalidArg("model configuration of '" + modelName
                    + "' has a negative max_batch_size " + config.getMaxBatchSize());
        }
        if (!config.hasVersionPolicy()) {
            config.setVersionPolicy(ModelVersionPolicy.newBuilder()
                    .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(1)));
        }
        if (config.getInstanceGroupCount() == 0 && !ensemble) {
            config.addInstanceGroup(ModelInstanceGroup.newBuilder().setCount(1)
                    .setKind(ModelInstanceGroup.Kind.KIND_CPU));
        }
        for (int i = 0; i < config.getInstanceGroupCount(); i++) {
            ModelInstanceGroup.Builder group = config.getInstanceGroupBuilder(i);
            if (group.getName().isEmpty()) {
                group.setName(modelName + "_" + i);
            }
            if (group.getCount() == 0) {
                group.setCount(1);
            }
            if (group.getKind() == ModelInstanceGroup.Kind.KIND_AUTO) {
                group.setKind(ModelInstanceGroup.Kind.KIND_CPU);
            }
        }
        if (config.hasDynamicBatching() && config.getDynamicBatching().getPreferredBatchSizeCount() == 0
                && config.getMaxBatchSize() > 0) {
            config.getDynamicBatchingBuilder().addPreferredBatchSize(config.getMaxBatchSize());
        }
        return config.build();
    }

    private static boolean hasOnnxFile(Path modelDir, ModelConfig.Builder config) {
        var versions = VersionPolicy.versionsIn(modelDir);
        return !versions.isEmpty() && Files.exists(OnnxRuntimeFactory.modelFile(config.buildPartial(),
                modelDir.resolve(Long.toString(versions.last()))));
    }
}
