package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/** Creates the backend a model configuration names. */
final class Backends {

    private Backends() {
    }

    /**
     * @throws TritonException UNSUPPORTED for a backend this engine does not have, INVALID_ARG when the backend
     *                         rejects the configuration
     */
    static Backend load(ModelConfig config, Path versionDir) {
        String backend = config.getBackend();
        if (IdentityBackend.NAME.equals(backend)) {
            return new IdentityBackend(config);
        }
        throw new TritonException(TritonException.Code.UNSUPPORTED, "backend '" + backend + "' of model '"
                + config.getName() + "' is not available in the embedded engine (available: identity)");
    }
}
