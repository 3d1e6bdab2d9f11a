package org.tritonosgi.embedded.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.tritonosgi.api.backend.ModelBackend;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * The backends the embedded engine has: onnxruntime, the built-in identity and repeat, and those other bundles
 * register as {@link ModelBackend} services.
 */
final class Backends {

    private final OnnxRuntimeFactory onnxRuntime;
    private final Map<String, BackendFactory> factories = new TreeMap<>();
    private final Map<String, ExternalBackend> external = new ConcurrentHashMap<>();

    Backends(Settings settings) {
        this.onnxRuntime = new OnnxRuntimeFactory(settings.intraOpThreads(), settings.defaultMaxBatchSize());
        factories.put(OnnxRuntimeFactory.NAME, onnxRuntime);
        factories.put(IdentityBackend.NAME, (config, versionDir) -> new IdentityBackend(config));
        factories.put(RepeatBackend.NAME, (config, versionDir) -> new RepeatBackend(config));
    }

    /**
     * The factory of the backend a configuration names.
     *
     * @throws TritonException UNSUPPORTED naming the backend and those available
     */
    BackendFactory factory(ModelConfig config) {
        BackendFactory factory = factories.get(config.getBackend());
        if (factory == null) {
            factory = external.get(config.getBackend());
        }
        if (factory == null) {
            TreeSet<String> available = new TreeSet<>(factories.keySet());
            available.addAll(external.keySet());
            throw new TritonException(TritonException.Code.UNSUPPORTED, "backend '" + config.getBackend()
                    + "' of model '" + config.getName() + "' is not available in the embedded engine (available: "
                    + String.join(", ", available) + "; a bundle can provide it as a ModelBackend service with"
                    + " backend=" + config.getBackend() + ")");
        }
        return factory;
    }

    /**
     * Adds a backend another bundle registered.
     *
     * @return why it was not added, or "" when it was
     */
    String add(String name, ModelBackend backend) {
        if (name == null || name.isBlank()) {
            return "a ModelBackend service needs the service property '" + ModelBackend.BACKEND_PROPERTY + "'";
        }
        if (factories.containsKey(name)) {
            return "backend '" + name + "' is built into the embedded engine and cannot be replaced";
        }
        if (external.putIfAbsent(name, new ExternalBackend(name, backend)) != null) {
            return "backend '" + name + "' is already provided by another service; this one is ignored";
        }
        return "";
    }

    /** @return whether this service was the one serving the name */
    boolean remove(String name, ModelBackend backend) {
        ExternalBackend current = external.get(name);
        return current != null && current.service() == backend && external.remove(name, current);
    }

    /** OrtValues of ONNX Runtime runs not yet closed; 0 whenever no run is in progress. */
    long liveOrtValues() {
        return onnxRuntime.liveValues();
    }
}
