package org.tritonosgi.api;

import java.util.List;

/**
 * Model metadata as Triton reports it.
 *
 * @param versions the version asked for, or every ready version when none was
 * @param platform the configuration's platform, or its backend when the platform is empty
 */
public record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
        List<TensorMetadata> outputs) {

    public ModelMetadata {
        versions = List.copyOf(versions);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
