package org.tritonosgi.example.normalize.internal;

import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;
import org.tritonosgi.api.backend.BackendInstance;
import org.tritonosgi.api.backend.ModelBackend;
import org.tritonosgi.api.config.ModelConfig;

/**
 * The {@value #NAME} backend: an image pre-processing step written in Java and deployed as a bundle. A model
 * with {@code backend: "image_normalize"} turns its UINT8 input (pixels, any shape) into its FP32 output of the
 * same shape, {@code (pixel / 255 - mean) / std}, with mean and std from the model's parameters (0 and 1 when
 * absent).
 */
@Component(property = ModelBackend.BACKEND_PROPERTY + "=" + ImageNormalizeBackend.NAME)
public final class ImageNormalizeBackend implements ModelBackend {

    static final String NAME = "image_normalize";

    @Override
    public BackendInstance createInstance(ModelConfig config, Path versionDirectory) {
        return new Normalizer(config);
    }
}
