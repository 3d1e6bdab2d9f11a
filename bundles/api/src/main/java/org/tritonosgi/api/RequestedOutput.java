package org.tritonosgi.api;

/**
 * An output the client asked for.
 *
 * @param name                output name from the model configuration
 * @param classificationCount 0 for the raw tensor, k &gt; 0 for the top-k classification extension
 */
public record RequestedOutput(String name, int classificationCount) {

    public RequestedOutput {
        if (name == null || name.isEmpty()) {
            throw TritonException.invalidArg("requested output name must not be empty");
        }
        if (classificationCount < 0) {
            throw TritonException.invalidArg("output '" + name + "' classification count must not be negative");
        }
    }

    /** The raw tensor output with this name. */
    public static RequestedOutput of(String name) {
        return new RequestedOutput(name, 0);
    }
}
