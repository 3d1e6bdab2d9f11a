package org.tritonosgi.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.tritonosgi.api.InferenceServer;

/** An action on one InferenceServer, chosen with --server when several are registered. */
abstract class ServerAction extends TritonAction {

    @Reference
    List<InferenceServer> servers;

    @Option(name = "--server", aliases = "-s", description = "The server.id of the Triton server to use "
            + "(needed only when several are registered)")
    @Completion(ServerIdCompleter.class)
    String serverId;

    InferenceServer server() {
        return Servers.select(servers, serverId);
    }
}
