package org.tritonosgi.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/** triton:infer — one inference from KServe-style JSON, printing every output's values. */
@Service
@Command(scope = "triton", name = "infer", description = "Runs one inference: JSON inputs in, decoded outputs out")
public class InferCommand extends ServerAction {

    @Argument(index = 0, name = "model", description = "The model name", required = true)
    @Completion(ModelNameCompleter.class)
    String model;

    @Argument(index = 1, name = "json", required = true, description = "The KServe request's \"inputs\" array "
            + "or the whole request, e.g. '[{\"name\":\"INPUT0\",\"datatype\":\"BYTES\",\"shape\":[1,1],"
            + "\"data\":[[\"Roger Roger\"]]}]'")
    String json;

    @Option(name = "--model-version", aliases = "-v", description = "The model version (default: the latest ready)")
    long version;

    Duration timeout = Await.TIMEOUT;

    @Override
    void execute(PrintStream out) throws InterruptedException {
        InferenceRequest request = InferJson.parse(json);
        String late = "Model '" + model + "' did not answer within %d";
        Model target = Await.call(() -> server().model(model, version));
        CompletableFuture<List<InferenceResponse>> responses = new CompletableFuture<>();
        // the listener form serves decoupled models too, which may answer zero or several times
        target.infer(request, new ResponseListener() {
            private final List<InferenceResponse> received = new ArrayList<>();

            @Override
            public void onResponse(InferenceResponse response) {
                received.add(response);
            }

            @Override
            public void onComplete() {
                responses.complete(received);
            }

            @Override
            public void onError(TritonException error) {
                received.forEach(InferenceResponse::close);
                responses.completeExceptionally(error);
            }
        });
        List<InferenceResponse> answers = Await.await(late, timeout, responses);
        if (answers.isEmpty()) {
            out.println("Model '" + model + "' sent no response");
        }
        for (int i = 0; i < answers.size(); i++) {
            try (InferenceResponse response = answers.get(i)) {
                out.println("Model '" + response.modelName() + "' version " + response.modelVersion()
                        + (answers.size() > 1 ? ", response " + (i + 1) + " of " + answers.size() : ""));
                print(response, out);
            }
        }
    }

    private static void print(InferenceResponse response, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("(no outputs)");
        table.column("Output");
        table.column("Datatype");
        table.column("Shape");
        table.column("Data").maxSize(100).wrap();
        for (Tensor output : response.outputs()) {
            table.addRow().addContent(output.name(), output.dataType(), Arrays.toString(output.shape()),
                    "[" + String.join(", ", TensorValues.of(output)) + "]");
        }
        table.print(out);
    }
}
