package org.tritonosgi.shell.internal;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.ModelIndexEntry;

/** triton:models — the repository index of one server. */
@Service
@Command(scope = "triton", name = "models", description = "Lists the model repository index: name, version, state "
        + "and the reason a version is not ready")
public class ModelsCommand extends ServerAction {

    @Option(name = "--ready", aliases = "-r", description = "Only ready model versions")
    boolean readyOnly;

    @Override
    void execute(PrintStream out) {
        InferenceServer server = server();
        ShellTable table = new ShellTable().emptyTableText("No models in the repository of server '"
                + server.id() + "'");
        table.column("Name");
        table.column("Version").alignRight();
        table.column("State");
        table.column("Reason");
        for (ModelIndexEntry entry : server.index(readyOnly)) {
            table.addRow().addContent(entry.name(), entry.version() > 0 ? Long.toString(entry.version()) : "",
                    entry.state(), entry.reason());
        }
        table.print(out);
    }
}
