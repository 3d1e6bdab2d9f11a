package org.tritonosgi.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.tritonosgi.api.InferenceServer;

/** triton:unload — unloads a model (explicit model control) and waits until it is unloaded. */
@Service
@Command(scope = "triton", name = "unload", description = "Unloads a model and waits until it is unloaded "
        + "(needs model.control.mode=explicit)")
public class UnloadCommand extends ServerAction {

    @Argument(index = 0, name = "model", description = "The model name", required = true)
    @Completion(ModelNameCompleter.class)
    String model;

    @Option(name = "--dependents", aliases = "-d", description = "Also unload the models loaded because of it")
    boolean dependents;

    Duration timeout = Await.TIMEOUT;

    @Override
    void execute(PrintStream out) throws InterruptedException {
        InferenceServer server = server();
        String late = "Model '" + model + "' did not finish unloading within %d; it goes on unloading "
                + "(see triton:models)";
        Await.await(late, timeout, Await.call(() -> server.unload(model, dependents)));
        out.println("Model '" + model + "' unloaded on server '" + server.id() + "'");
    }
}
