package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

class DecoupledTest extends DoubleTest {

    /** Records what a listener receives; completes when the request ends. */
    private static final class Recorder implements ResponseListener {
        final List<String> events = new ArrayList<>();
        final CompletableFuture<TritonException> ended = new CompletableFuture<>();

        @Override
        public synchronized void onResponse(InferenceResponse response) {
            try (response) {
                events.add(response.parameters().get("index") + ":" + response.output("OUTPUT0").strings()[0]
                        + (response.isFinal() ? ":final" : ""));
            }
        }

        @Override
        public synchronized void onComplete() {
            events.add("complete");
            ended.complete(null);
        }

        @Override
        public synchronized void onError(TritonException error) {
            events.add("error");
            ended.complete(error);
        }
    }

    private static InferenceRequest request(long repeat) {
        return InferenceRequest.builder().input(Tensor.ofStrings("INPUT0", new long[] {1}, "hi"))
                .parameter("repeat", repeat).build();
    }

    @Test
    void decoupledModelSendsEveryResponseThenCompletes() throws Exception {
        start();
        Model model = server.model("decoupled_identity", 0);
        Recorder recorder = new Recorder();

        model.infer(request(3), recorder);

        assertNull(recorder.ended.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("0:hi", "1:hi", "2:hi", "complete"), recorder.events);
    }

    @Test
    void decoupledModelWithNoResponseJustCompletes() throws Exception {
        start();
        Recorder recorder = new Recorder();

        server.model("decoupled_identity", 0).infer(request(0), recorder);

        assertNull(recorder.ended.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("complete"), recorder.events);
    }

    @Test
    void theOneResponseFormRefusesDecoupledModels() {
        start();

        TritonException error = inferFailure(server.model("decoupled_identity", 0), request(1));
        assertEquals(TritonException.Code.UNSUPPORTED, error.code());
    }

    @Test
    void theListenerFormServesOrdinaryModelsWithOneFinalResponse() throws Exception {
        start();
        Recorder recorder = new Recorder();

        server.model("identity", 0).infer(request(1), recorder);

        assertNull(recorder.ended.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("null:hi:final", "complete"), recorder.events);
    }

    @Test
    void listenerErrorsEndTheRequestOnce() throws Exception {
        start();
        Recorder recorder = new Recorder();
        DoubleControl.double_fail_next("TRITONSERVER_ServerInferAsync", TritonException.Code.INVALID_ARG.ordinal());

        server.model("decoupled_identity", 0).infer(request(2), recorder);

        TritonException error = recorder.ended.get(30, TimeUnit.SECONDS);
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertEquals(List.of("error"), recorder.events);
        assertFalse(recorder.events.contains("complete"));
    }
}
