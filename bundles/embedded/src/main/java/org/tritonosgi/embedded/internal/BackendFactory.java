package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import org.tritonosgi.api.config.ModelConfig;

/** Creates the instances of one backend kind, and completes configurations from model files where it can. */
interface BackendFactory {

    /**
     * The configuration with what the model file tells filled in (Triton's auto-complete); the default leaves it
     * as it is.
     *
     * @param versionDir the folder of the version whose file is read
     */
    default ModelConfig complete(ModelConfig config, Path versionDir) {
        return config;
    }

    /**
     * One instance of a model version.
     *
     * @throws org.tritonosgi.api.TritonException INVALID_ARG naming the file and the problem when the model cannot
     *                                            be served as configured
     */
    Backend create(ModelConfig config, Path versionDir);
}
