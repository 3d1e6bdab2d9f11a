package org.tritonosgi.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * An in-process inference server, the one service every frontend needs. Engines register it with the service
 * property {@value #SERVER_ID_PROPERTY}; a frontend picks one with its {@code server.target} filter. The service is
 * unregistered before the engine stops, so frontends bound to it always stop first.
 */
public interface InferenceServer {

    /** Service property naming the server, e.g. {@code (server.id=triton)} in a frontend's server.target. */
    String SERVER_ID_PROPERTY = "server.id";

    /** The server id (Triton's {@code --id}), also the name in server metadata. */
    String id();

    boolean isLive();

    /** Whether the server is ready; with strict readiness, also whether every model is. */
    boolean isReady();

    ServerMetadata metadata();

    /**
     * One version of a model, ready or not.
     *
     * @param version the version, or a number &lt;= 0 for the highest-numbered ready version
     * @throws TritonException INVALID_ARG for an unknown model ("Request for unknown model: 'x' is not found"),
     *                         NOT_FOUND when the version does not exist or, with no version given, none is ready
     */
    Model model(String name, long version);

    /**
     * Model metadata as Triton serves it: for a given version that version, otherwise the latest ready version's
     * inputs and outputs with every ready version listed.
     *
     * @throws TritonException as {@link #model} does, and UNAVAILABLE when the version is not ready
     */
    default ModelMetadata modelMetadata(String name, long version) {
        ModelMetadata metadata = model(name, version).metadata();
        if (version > 0) {
            return metadata;
        }
        List<String> versions = index(true).stream().filter(entry -> entry.name().equals(name))
                .map(entry -> Long.toString(entry.version())).toList();
        return new ModelMetadata(metadata.name(), versions, metadata.platform(), metadata.inputs(),
                metadata.outputs());
    }

    /** The repository index, one row per model version (one per model where versions are unknown). */
    List<ModelIndexEntry> index(boolean readyOnly);

    /**
     * Loads or reloads a model (explicit model control). Completes when the model is ready or failed.
     *
     * @throws TritonException UNSUPPORTED when the engine's control mode does not allow it
     */
    CompletionStage<Void> load(String name, LoadOptions options);

    /** Unloads a model, and with {@code unloadDependents} the models loaded because of it. */
    CompletionStage<Void> unload(String name, boolean unloadDependents);

    /**
     * Statistics of ready model versions.
     *
     * @param name    one model, or null / "" for all
     * @param version one version, or &lt;= 0 for every ready version of the model
     */
    List<ModelStatistics> statistics(String name, long version);

    LogSettings logSettings();

    /**
     * Changes the log settings and returns the settings in force.
     *
     * @throws TritonException UNSUPPORTED for a setting the engine cannot change (such as the log file)
     */
    LogSettings updateLogSettings(LogSettings settings);

    /**
     * Trace settings, as Triton's trace endpoints exchange them (key to values).
     *
     * @param model a model name, or null for the global settings
     */
    default Map<String, List<String>> traceSettings(String model) {
        throw new TritonException(TritonException.Code.UNSUPPORTED, "trace is not supported by this engine");
    }

    /** Changes trace settings; a key mapped to an empty list clears a model's override. */
    default Map<String, List<String>> updateTraceSettings(String model, Map<String, List<String>> settings) {
        throw new TritonException(TritonException.Code.UNSUPPORTED, "trace is not supported by this engine");
    }

    /**
     * The system shared-memory regions clients registered with this server (since 1.2.0), one registry for all
     * its frontends.
     *
     * @throws TritonException UNSUPPORTED when the engine keeps no regions
     */
    default org.tritonosgi.api.shm.SystemSharedMemory systemSharedMemory() {
        return org.tritonosgi.api.shm.SystemSharedMemory.unsupported();
    }

    /**
     * Whether the server is stopping (since 1.2.0): it refuses new requests while accepted ones finish, and the
     * ready endpoints answer 503 "Server exiting", as Triton's do during shutdown.
     */
    default boolean isExiting() {
        return false;
    }
}
