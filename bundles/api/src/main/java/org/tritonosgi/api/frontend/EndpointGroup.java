package org.tritonosgi.api.frontend;

/** Triton's endpoint groups, as its {@code --http-restricted-api} and {@code --grpc-restricted-protocol} name them. */
public enum EndpointGroup {
    HEALTH("health"), METADATA("metadata"), INFERENCE("inference"), SHARED_MEMORY("shared-memory"),
    MODEL_CONFIG("model-config"), MODEL_REPOSITORY("model-repository"), STATISTICS("statistics"),
    TRACE("trace"), LOGGING("logging");

    private final String tritonName;

    EndpointGroup(String tritonName) {
        this.tritonName = tritonName;
    }

    /** The name Triton's options use, e.g. {@code model-repository}. */
    public String tritonName() {
        return tritonName;
    }

    /** The group with this Triton name, or null when there is none. */
    public static EndpointGroup named(String name) {
        for (EndpointGroup group : values()) {
            if (group.tritonName.equals(name)) {
                return group;
            }
        }
        return null;
    }
}
