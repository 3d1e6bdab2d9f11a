package org.tritonosgi.grpc.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.grpc.internal.proto.ModelRepositoryParameter;
import org.tritonosgi.grpc.internal.proto.ModelRepositoryParameter.ParameterChoiceCase;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadRequest;

/** Reads the parameters of repository load and unload requests: {@code config}, {@code file:*}, dependents. */
final class RepositoryParameters {

    private static final String FILE_PREFIX = "file:";

    private RepositoryParameters() {
    }

    static LoadOptions load(RepositoryModelLoadRequest request) {
        Optional<String> config = Optional.empty();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, ModelRepositoryParameter> entry : request.getParametersMap().entrySet()) {
            String key = entry.getKey();
            ModelRepositoryParameter value = entry.getValue();
            if (key.equals("config")) {
                config = Optional.of(expect(key, value, ParameterChoiceCase.STRING_PARAM).getStringParam());
            } else if (key.startsWith(FILE_PREFIX)) {
                files.put(key.substring(FILE_PREFIX.length()),
                        expect(key, value, ParameterChoiceCase.BYTES_PARAM).getBytesParam().toByteArray());
            } else {
                throw TritonException.invalidArg("unrecognized load parameter '" + key + "'");
            }
        }
        return new LoadOptions(config, files);
    }

    static boolean unloadDependents(RepositoryModelUnloadRequest request) {
        ModelRepositoryParameter value = request.getParametersMap().get("unload_dependents");
        return value != null && expect("unload_dependents", value, ParameterChoiceCase.BOOL_PARAM).getBoolParam();
    }

    private static ModelRepositoryParameter expect(String key, ModelRepositoryParameter value,
            ParameterChoiceCase kind) {
        if (value.getParameterChoiceCase() != kind) {
            throw TritonException.invalidArg("parameter '" + key + "' has the wrong type: expected "
                    + kind.name().toLowerCase(java.util.Locale.ROOT));
        }
        return value;
    }
}
