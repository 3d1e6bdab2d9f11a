package org.tritonosgi.api;

import java.util.Map;
import java.util.Optional;

/**
 * How to load a model: optionally with a JSON model configuration used instead of {@code config.pbtxt}, and with
 * files ({@code "<version>/<path>"} to content) that replace the model directory, which requires the configuration.
 */
public record LoadOptions(Optional<String> configJson, Map<String, byte[]> files) {

    /** Load from the repository as it is. */
    public static final LoadOptions DEFAULT = new LoadOptions(Optional.empty(), Map.of());

    public LoadOptions {
        files = Map.copyOf(files);
        if (!files.isEmpty() && configJson.isEmpty()) {
            throw TritonException.invalidArg("load with files requires a 'config' parameter");
        }
    }
}
