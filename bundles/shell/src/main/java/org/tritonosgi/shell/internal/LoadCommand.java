package org.tritonosgi.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.ModelIndexEntry;

/** triton:load — loads or reloads a model (explicit model control) and waits until it is ready or failed. */
@Service
@Command(scope = "triton", name = "load", description = "Loads or reloads a model and waits for the result "
        + "(needs model.control.mode=explicit)")
public class LoadCommand extends ServerAction {

    @Argument(index = 0, name = "model", description = "The model name", required = true)
    @Completion(ModelNameCompleter.class)
    String model;

    @Option(name = "--config", aliases = "-c", description = "A JSON model configuration used instead of "
            + "config.pbtxt")
    String config;

    Duration timeout = Await.TIMEOUT;

    @Override
    void execute(PrintStream out) throws InterruptedException {
        InferenceServer server = server();
        LoadOptions options = config == null ? LoadOptions.DEFAULT : new LoadOptions(Optional.of(config), Map.of());
        String late = "Model '" + model + "' did not finish loading within %d; it goes on loading "
                + "(see triton:models)";
        Await.await(late, timeout, Await.call(() -> server.load(model, options)));
        String versions = String.join(", ", server.index(true).stream().filter(entry -> entry.name().equals(model))
                .map(ModelIndexEntry::version).map(String::valueOf).toList());
        out.println("Model '" + model + "' loaded on server '" + server.id() + "'"
                + (versions.isEmpty() ? "" : ", ready version(s): " + versions));
    }
}
