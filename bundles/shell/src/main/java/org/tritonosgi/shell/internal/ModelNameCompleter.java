package org.tritonosgi.shell.internal;

import java.util.List;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.TritonException;

/** Completes model names from the repository index of the server the command line selects with --server. */
@Service
public class ModelNameCompleter implements Completer {

    @Reference
    List<InferenceServer> servers;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(names(commandLine.getArguments())).complete(session, commandLine, candidates);
    }

    /** The model names of the selected server; none when no single server is selected or it cannot answer. */
    TreeSet<String> names(String[] arguments) {
        TreeSet<String> names = new TreeSet<>();
        try {
            InferenceServer server = Servers.select(servers, serverOption(arguments));
            server.index(false).forEach(entry -> names.add(entry.name()));
        } catch (UserError | TritonException e) {
            // nothing to offer: completion must never print or fail
        }
        return names;
    }

    static String serverOption(String[] arguments) {
        for (int i = 0; i < arguments.length; i++) {
            String argument = arguments[i];
            if ((argument.equals("--server") || argument.equals("-s")) && i + 1 < arguments.length) {
                return arguments[i + 1];
            }
            if (argument.startsWith("--server=")) {
                return argument.substring("--server=".length());
            }
        }
        return null;
    }
}
