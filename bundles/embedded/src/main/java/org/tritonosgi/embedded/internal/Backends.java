package org.tritonosgi.embedded.internal;

import java.util.Map;
import java.util.TreeMap;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/** The backends the embedded engine has: onnxruntime and the built-in identity and repeat. */
final class Backends {

    private final OnnxRuntimeFactory onnxRuntime;
    private final Map<String, BackendFactory> factories = new TreeMap<>();

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
            throw new TritonException(TritonException.Code.UNSUPPORTED, "backend '" + config.getBackend()
                    + "' of model '" + config.getName() + "' is not available in the embedded engine (available: "
                    + String.join(", ", factories.keySet()) + ")");
        }
        return factory;
    }

    /** OrtValues of ONNX Runtime runs not yet closed; 0 whenever no run is in progress. */
    long liveOrtValues() {
        return onnxRuntime.liveValues();
    }
}
