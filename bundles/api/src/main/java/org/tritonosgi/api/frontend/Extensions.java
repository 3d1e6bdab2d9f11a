package org.tritonosgi.api.frontend;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.TritonException;

/**
 * The protocol extensions server metadata lists, the same on both frontends (since 1.3.0): the engine's own
 * (model repository, statistics, and what its scheduler serves) and those the frontends serve for any engine.
 * Only what works is listed: {@code system_shared_memory} where the engine keeps regions, and never
 * {@code cuda_shared_memory}, which needs a GPU.
 */
public final class Extensions {

    /** Served by the frontends over any engine. */
    public static final List<String> FRONTEND = List.of("classification", "schedule_policy", "binary_tensor_data",
            "parameters", "trace", "logging");

    private Extensions() {
    }

    public static List<String> served(InferenceServer server) {
        Set<String> extensions = new LinkedHashSet<>(server.metadata().extensions());
        extensions.addAll(FRONTEND);
        try {
            server.systemSharedMemory();
            extensions.add("system_shared_memory");
        } catch (TritonException unsupported) {
            // the engine keeps no regions
        }
        return new ArrayList<>(extensions);
    }
}
