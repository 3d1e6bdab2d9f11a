package org.tritonosgi.shell.internal;

import java.util.List;
import org.tritonosgi.api.InferenceServer;

/** Picks the InferenceServer a command talks to, by its server.id. */
final class Servers {

    private Servers() {
    }

    /**
     * The server with this id, or the only one when {@code id} is null or empty.
     *
     * @throws UserError when none is registered, the id is unknown, or several are and none was chosen
     */
    static InferenceServer select(List<InferenceServer> servers, String id) {
        List<InferenceServer> snapshot = servers == null ? List.of() : List.copyOf(servers);
        if (snapshot.isEmpty()) {
            throw new UserError("No Triton server is registered (install feature triton-embedded or triton-core)");
        }
        if (id == null || id.isEmpty()) {
            if (snapshot.size() == 1) {
                return snapshot.get(0);
            }
            throw new UserError("Several Triton servers are registered (" + ids(snapshot)
                    + "); choose one with --server");
        }
        for (InferenceServer server : snapshot) {
            if (id.equals(server.id())) {
                return server;
            }
        }
        throw new UserError("No Triton server '" + id + "'; registered: " + ids(snapshot));
    }

    static String ids(List<InferenceServer> servers) {
        return String.join(", ", servers.stream().map(InferenceServer::id).sorted().toList());
    }
}
