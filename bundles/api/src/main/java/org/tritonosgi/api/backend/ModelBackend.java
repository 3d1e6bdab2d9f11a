package org.tritonosgi.api.backend;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ConsumerType;
import org.tritonosgi.api.config.ModelConfig;

/**
 * A backend, registered as an OSGi service with the property {@value #BACKEND_PROPERTY} naming it. Models whose
 * configuration names that backend load when the service appears, and go UNAVAILABLE, with a reason naming the
 * backend, when it leaves. The built-in names (onnxruntime, identity, repeat) cannot be taken.
 */
@ConsumerType
public interface ModelBackend {

    /** The service property that names the backend, as a model configuration's {@code backend} field does. */
    String BACKEND_PROPERTY = "backend";

    /**
     * One instance of a model version; the engine creates as many as the configuration's instance groups count,
     * and runs at most one request (or one dynamic batch) at a time on each.
     *
     * @param config           the model's configuration, Triton's defaults filled in
     * @param versionDirectory the version's folder, for the backend's own files
     * @throws org.tritonosgi.api.TritonException INVALID_ARG naming the model and the problem when the model does
     *                                            not fit the backend; the model is then UNAVAILABLE with it
     */
    BackendInstance createInstance(ModelConfig config, Path versionDirectory);
}
