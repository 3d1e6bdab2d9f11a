package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.backend.BackendInstance;
import org.tritonosgi.api.backend.ModelBackend;

class WarmupTest {

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private ModelIndexEntry row(String model) {
        return server.index(false).stream().filter(e -> e.name().equals(model)).findFirst().orElseThrow();
    }

    @Test
    void warmupRequestsRunOnEveryInstanceBeforeTheModelIsReady() throws Exception {
        List<InferenceRequest> seen = new CopyOnWriteArrayList<>();
        ModelBackend recording = (config, dir) -> new BackendInstance() {
            @Override
            public List<Tensor> execute(InferenceRequest request) {
                seen.add(request);
                return List.of(request.input("IN").renamed("OUT"));
            }

            @Override
            public void close() {
            }
        };
        Files.createDirectories(repo.resolve("warm/warmup"));
        Files.write(repo.resolve("warm/warmup/ones.bin"), new byte[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0});
        TestRepository.model(repo, "warm", """
                backend: "recording"
                max_batch_size: 4
                instance_group [ { count: 2 } ]
                input [ { name: "IN" data_type: TYPE_INT32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT32 dims: [ 2 ] } ]
                model_warmup [
                  { name: "zeros" batch_size: 2 count: 3
                    inputs { key: "IN" value: { data_type: TYPE_INT32 dims: [ 2 ] zero_data: true } } },
                  { name: "file" batch_size: 2
                    inputs { key: "IN" value: { data_type: TYPE_INT32 dims: [ 2 ] input_data_file: "ones.bin" } } }
                ]
                """, 1);
        server = TestRepository.start(repo);
        assertEquals(0, seen.size());

        server.addBackend("recording", recording);
        ExternalBackendTest.await("warm is ready", () -> row("warm").state() == ModelState.READY);
        // 2 instances x (3 zero runs + 1 file run), all before READY
        assertEquals(8, seen.size());
        Tensor zeros = seen.get(0).input("IN");
        assertEquals(List.of(2L, 2L), java.util.Arrays.stream(zeros.shape()).boxed().toList());
        assertEquals(0, zeros.data().getInt());
        Tensor ones = seen.stream().filter(r -> r.input("IN").data().getInt() == 1).findFirst().orElseThrow()
                .input("IN");
        assertEquals(1, ones.data().getInt(12));
    }

    @Test
    void aFailingWarmupMakesTheModelUnavailableWithTheReason() {
        TestRepository.model(repo, "cold", """
                backend: "identity"
                max_batch_size: 4
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                model_warmup [ { name: "wrong shape" batch_size: 1
                  inputs { key: "INPUT0" value: { data_type: TYPE_FP32 dims: [ 3 ] random_data: true } } } ]
                """, 1);
        TestRepository.model(repo, "nofile", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                model_warmup [ { name: "from file"
                  inputs { key: "INPUT0" value: { data_type: TYPE_FP32 dims: [ 2 ] input_data_file: "../config.pbtxt" } } } ]
                """, 1);
        server = TestRepository.start(repo);

        assertEquals(ModelState.UNAVAILABLE, row("cold").state());
        assertEquals("model 'cold' warmup 'wrong shape' failed: [request id: warmup] unexpected shape for input"
                + " 'INPUT0' for model 'cold'. Expected [-1,2], got [1,3]", row("cold").reason());
        assertTrue(row("nofile").reason().contains("input_data_file '../config.pbtxt' must stay inside the model's"
                + " warmup folder"), row("nofile").reason());
    }
}
