package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import java.util.Collections;
import java.util.NavigableMap;

/**
 * One model of the repository as the engine holds it: its served versions, or the problem that kept it from
 * loading, or (after an unload) neither.
 *
 * @param fingerprint what the model folder looked like when loaded, to notice changes when polling
 * @param problem     why the model could not load; "" when it loaded
 * @param unloaded    whether it was unloaded on request
 * @param backend     the backend its configuration names; "" when not known (no configuration could be read)
 */
record ModelEntry(String name, Path dir, String fingerprint, String problem,
        NavigableMap<Long, ServedModel> versions, boolean unloaded, String backend) {

    ModelEntry(String name, Path dir, String fingerprint, String problem, NavigableMap<Long, ServedModel> versions,
            boolean unloaded) {
        this(name, dir, fingerprint, problem, versions, unloaded, versions.isEmpty() ? ""
                : versions.lastEntry().getValue().config().getBackend());
    }

    static ModelEntry failed(String name, Path dir, String fingerprint, String problem) {
        return failed(name, dir, fingerprint, problem, "");
    }

    static ModelEntry failed(String name, Path dir, String fingerprint, String problem, String backend) {
        return new ModelEntry(name, dir, fingerprint, problem, Collections.emptyNavigableMap(), false, backend);
    }

    ModelEntry asUnloaded() {
        return new ModelEntry(name, dir, fingerprint, "", Collections.emptyNavigableMap(), true, backend);
    }

    /** Whether this model counts against strict readiness: it loaded badly or has a version not ready. */
    boolean blocksReadiness() {
        return !unloaded && (!problem.isEmpty() || versions.values().stream().anyMatch(m -> !m.isReady()));
    }
}
