package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import java.util.Collections;
import java.util.NavigableMap;
import org.tritonosgi.api.LoadOptions;

/**
 * One model of the repository as the engine holds it: its served versions, or the problem that kept it from
 * loading, or (after an unload) neither.
 *
 * @param fingerprint what the model folder looked like when loaded, to notice changes when polling
 * @param problem     why the model could not load; "" when it loaded
 * @param unloaded    whether it was unloaded on request
 * @param backend     the backend its configuration names; "" when not known (no configuration could be read)
 * @param options     the load request's configuration and files when it was loaded with them (explicit mode),
 *                    so that loading it again (its backend came back) loads the same model; null for a folder
 */
record ModelEntry(String name, Path dir, String fingerprint, String problem,
        NavigableMap<Long, ServedModel> versions, boolean unloaded, String backend, LoadOptions options) {

    ModelEntry(String name, Path dir, String fingerprint, String problem, NavigableMap<Long, ServedModel> versions,
            boolean unloaded) {
        this(name, dir, fingerprint, problem, versions, unloaded, versions.isEmpty() ? ""
                : versions.lastEntry().getValue().config().getBackend(), null);
    }

    static ModelEntry failed(String name, Path dir, String fingerprint, String problem) {
        return failed(name, dir, fingerprint, problem, "");
    }

    static ModelEntry failed(String name, Path dir, String fingerprint, String problem, String backend) {
        return new ModelEntry(name, dir, fingerprint, problem, Collections.emptyNavigableMap(), false, backend,
                null);
    }

    ModelEntry asUnloaded() {
        return new ModelEntry(name, dir, fingerprint, "", Collections.emptyNavigableMap(), true, backend, null);
    }

    /** This entry, remembering the load request's options it was loaded with. */
    ModelEntry loadedWith(LoadOptions given) {
        return new ModelEntry(name, dir, fingerprint, problem, versions, unloaded, backend, given);
    }

    /** Whether this model counts against strict readiness: it loaded badly or has a version not ready. */
    boolean blocksReadiness() {
        return !unloaded && (!problem.isEmpty() || versions.values().stream().anyMatch(m -> !m.isReady()));
    }
}
