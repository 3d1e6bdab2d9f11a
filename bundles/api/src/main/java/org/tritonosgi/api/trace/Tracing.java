package org.tritonosgi.api.trace;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Request tracing as Triton's trace extension describes it: settings (global and per model) that decide which
 * requests are traced, and a trace for each of those. Frontends use this service when it is registered; the trace
 * settings endpoints of both protocols read and change its settings.
 */
public interface Tracing {

    /**
     * Starts tracing one request when the settings sample it.
     *
     * @param protocol "HTTP" or "GRPC"
     * @param model    the model the request is for
     * @param version  the version asked for, 0 for the engine's choice
     * @param headers  the request's headers or metadata by lower-case name (W3C {@code traceparent} and
     *                 {@code tracestate} continue the client's trace); null values mean absent
     * @return the request's trace, or null when this request is not traced
     */
    RequestSpan start(String protocol, String model, long version, Function<String, String> headers);

    /**
     * The settings in effect for a model (its overrides over the global ones), or the global ones for null, as
     * Triton's trace settings object: {@code trace_level}, {@code trace_rate}, {@code trace_count},
     * {@code log_frequency}, {@code trace_file}, {@code trace_mode} and mode-specific keys.
     */
    Map<String, List<String>> settings(String model);

    /**
     * Changes settings, globally (model null) or for one model; an empty value list clears a model's override.
     *
     * @return the settings in effect afterwards
     * @throws org.tritonosgi.api.TritonException INVALID_ARG naming the key and value that are wrong;
     *         UNSUPPORTED for a key that cannot be changed at run time (trace_file, trace_mode)
     */
    Map<String, List<String>> update(String model, Map<String, List<String>> settings);
}
