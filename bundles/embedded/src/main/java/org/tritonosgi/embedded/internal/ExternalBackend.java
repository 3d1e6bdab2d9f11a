package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.backend.BackendInstance;
import org.tritonosgi.api.backend.ModelBackend;
import org.tritonosgi.api.config.ModelConfig;

/**
 * A backend another bundle registered as a {@link ModelBackend} service. Its failures are its own code's, so
 * every exception that is not a TritonException becomes one naming the backend and the model; the cause is logged.
 */
final class ExternalBackend implements BackendFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalBackend.class);

    private final String name;
    private final ModelBackend service;

    ExternalBackend(String name, ModelBackend service) {
        this.name = name;
        this.service = service;
    }

    ModelBackend service() {
        return service;
    }

    @Override
    public Backend create(ModelConfig config, Path versionDir) {
        BackendInstance instance;
        try {
            instance = service.createInstance(config, versionDir);
        } catch (TritonException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("backend '{}' failed to create an instance of model '{}'", name, config.getName(), e);
            throw TritonException.invalidArg("backend '" + name + "' failed to create an instance of model '"
                    + config.getName() + "': " + e);
        }
        if (instance == null) {
            throw TritonException.invalidArg("backend '" + name + "' created no instance of model '"
                    + config.getName() + "'");
        }
        return new Backend() {
            @Override
            public List<Tensor> execute(InferenceRequest request) {
                try {
                    return instance.execute(request);
                } catch (RuntimeException | LinkageError e) {
                    throw failure(config, e);
                }
            }

            @Override
            public void execute(InferenceRequest request, Consumer<List<Tensor>> responses) {
                try {
                    instance.execute(request, responses);
                } catch (RuntimeException | LinkageError e) {
                    throw failure(config, e);
                }
            }

            @Override
            public void close() {
                try {
                    instance.close();
                } catch (RuntimeException | LinkageError e) {
                    // its bundle may be gone already; nothing is left to give back
                    LOG.warn("backend '{}' failed to close an instance of model '{}': {}", name, config.getName(),
                            e.toString());
                }
            }
        };
    }

    private TritonException failure(ModelConfig config, Throwable e) {
        if (e instanceof TritonException triton) {
            return triton;
        }
        LOG.warn("backend '{}' failed on a request to model '{}'", name, config.getName(), e);
        return new TritonException(TritonException.Code.INTERNAL, "backend '" + name + "' failed on model '"
                + config.getName() + "': " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
}
