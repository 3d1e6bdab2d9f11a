package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelInstanceGroup;
import org.tritonosgi.api.config.ModelOutput;

/**
 * Turns a model folder into a {@link ModelEntry}: reads and completes its configuration, picks the versions its
 * policy serves, and creates each version's instances. A model or version that cannot load is kept with the reason.
 */
final class ModelLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final Settings settings;
    private final Backends backends;
    private final ServedModel.Execution execution;

    ModelLoader(Settings settings, Backends backends, ServedModel.Execution execution) {
        this.settings = settings;
        this.backends = backends;
        this.execution = execution;
    }

    /**
     * @param override a configuration given with the load request instead of config.pbtxt, or null
     */
    ModelEntry load(String name, Path dir, ModelConfig.Builder override) {
        String fingerprint = fingerprint(dir);
        ModelConfig config = null;
        BackendFactory factory = null;
        EnsembleGraph graph = null;
        List<Long> versions;
        try {
            ModelConfig.Builder builder = override != null ? override
                    : ModelConfigReader.read(dir, settings.strictModelConfig());
            config = ModelConfigReader.normalise(name, builder, dir);
            if (EnsembleGraph.isEnsemble(config)) {
                graph = EnsembleGraph.of(config);
            } else {
                factory = backends.factory(config);
            }
            versions = VersionPolicy.select(name, config.getVersionPolicy(), VersionPolicy.versionsIn(dir));
            if (!settings.strictModelConfig() && factory != null) {
                config = factory.complete(config, dir.resolve(Long.toString(versions.get(versions.size() - 1))));
            }
            if (config.getInputCount() == 0 || config.getOutputCount() == 0) {
                throw TritonException.invalidArg("model '" + name + "' configuration has no "
                        + (config.getInputCount() == 0 ? "inputs" : "outputs"));
            }
        } catch (TritonException e) {
            LOG.warn("Triton embedded engine '{}': model '{}' is unavailable: {}", settings.serverId(), name,
                    e.getMessage());
            return ModelEntry.failed(name, dir, fingerprint, e.getMessage(), config == null ? "" : config.getBackend());
        }
        Map<String, List<String>> labels;
        try {
            labels = labels(config, dir);
        } catch (TritonException e) {
            LOG.warn("Triton embedded engine '{}': model '{}' is unavailable: {}", settings.serverId(), name,
                    e.getMessage());
            return ModelEntry.failed(name, dir, fingerprint, e.getMessage());
        }
        warnIgnored(config);
        NavigableMap<Long, ServedModel> served = new TreeMap<>();
        for (long version : versions) {
            served.put(version, graph != null ? ServedModel.ensemble(config, version, graph, execution)
                    : loadVersion(config, version, dir.resolve(Long.toString(version)), factory, labels));
        }
        return new ModelEntry(name, dir, fingerprint, "", Collections.unmodifiableNavigableMap(served), false);
    }

    /** Settings of Triton's that the engine does not honour: the model loads, and the log says what is ignored. */
    private void warnIgnored(ModelConfig config) {
        List<String> ignored = new ArrayList<>();
        if (config.getEnsembleScheduling().getMaxInflightRequests() > 0) {
            ignored.add("ensemble_scheduling.max_inflight_requests (the responses of a decoupled step are not held"
                    + " back)");
        }
        if (config.getSequenceBatching().getIterativeSequence()) {
            ignored.add("sequence_batching.iterative_sequence (backends here cannot reschedule a request)");
        }
        for (String setting : ignored) {
            LOG.warn("Triton embedded engine '{}': model '{}': {} is not supported and is ignored",
                    settings.serverId(), config.getName(), setting);
        }
    }

    /** Each output's labels file (label_filename, one label per line, in the model folder). */
    private static Map<String, List<String>> labels(ModelConfig config, Path dir) {
        Map<String, List<String>> labels = new HashMap<>();
        for (ModelOutput output : config.getOutputList()) {
            if (output.getLabelFilename().isEmpty()) {
                continue;
            }
            Path file = dir.resolve(output.getLabelFilename()).normalize();
            if (!file.startsWith(dir.normalize())) {
                throw TritonException.invalidArg("model '" + config.getName() + "': label_filename '"
                        + output.getLabelFilename() + "' of output '" + output.getName()
                        + "' must stay inside the model folder");
            }
            try {
                labels.put(output.getName(), Files.readAllLines(file));
            } catch (IOException e) {
                throw TritonException.invalidArg("model '" + config.getName() + "': cannot read label_filename '"
                        + output.getLabelFilename() + "' of output '" + output.getName() + "'");
            }
        }
        return labels;
    }

    private ServedModel loadVersion(ModelConfig config, long version, Path versionDir, BackendFactory factory,
            Map<String, List<String>> labels) {
        int count = config.getInstanceGroupList().stream().mapToInt(ModelInstanceGroup::getCount).sum();
        List<Backend> instances = new ArrayList<>(count);
        try {
            // a sequence model's backend also sees its control and state inputs and its state outputs
            ModelConfig backendView = config.hasSequenceBatching() ? SequenceBatcher.backendView(config) : config;
            Map<String, SequenceBatcher.InitialState> initialStates = config.hasSequenceBatching()
                    ? SequenceBatcher.initialStates(config, versionDir.getParent()) : Map.of();
            for (int i = 0; i < count; i++) {
                instances.add(factory.create(backendView, versionDir));
            }
            Warmup.run(config, versionDir.getParent(), instances, initialStates);
            return ServedModel.ready(config, version, instances, execution, labels, initialStates);
        } catch (TritonException e) {
            instances.forEach(Backend::close);
            LOG.warn("Triton embedded engine '{}': model '{}' version {} is unavailable: {}", settings.serverId(),
                    config.getName(), version, e.getMessage());
            return ServedModel.unavailable(config, version, e.getMessage());
        }
    }

    /** Names, sizes and modification times of the files in a model folder, to notice changes. */
    static String fingerprint(Path dir) {
        StringBuilder print = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir, 8)) {
            for (Path file : files.sorted().toList()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                print.append(dir.relativize(file)).append(':').append(attributes.size()).append(':')
                        .append(attributes.lastModifiedTime().toMillis()).append(attributes.isDirectory() ? "/" : "")
                        .append('\n');
            }
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (UncheckedIOException e) {
            return "unreadable: " + e.getCause().getMessage();
        }
        return print.toString();
    }
}
