package org.tritonosgi.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.tritonosgi.api.InferenceServer;

/** Completes the server.id of every registered Triton server. */
@Service
public class ServerIdCompleter implements Completer {

    @Reference
    List<InferenceServer> servers;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<InferenceServer> snapshot = servers == null ? List.of() : List.copyOf(servers);
        return new StringsCompleter(snapshot.stream().map(InferenceServer::id).toList())
                .complete(session, commandLine, candidates);
    }
}
