package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/** The classification extension: top-k per batch item, with labels from label_filename. */
class ClassificationTest {

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    @Test
    void topKPerBatchItemWithLabelsHighestFirst() throws Exception {
        TestRepository.model(repo, "scores", """
                backend: "identity"
                max_batch_size: 4
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] label_filename: "labels.txt" } ]
                """, 1);
        Files.writeString(repo.resolve("scores/labels.txt"), "cat\ndog\nbird\nfish\n");
        server = TestRepository.start(repo);

        InferenceRequest request = InferenceRequest.builder()
                .input(OnnxRuntimeBackendTest.floats("INPUT0", new long[] {2, 4}, 0.1f, 0.7f, 0.2f, 0f, 5, 1, 9, 3))
                .output(new RequestedOutput("OUTPUT0", 2)).build();
        try (InferenceResponse response = server.model("scores", 0).infer(request).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)) {
            Tensor classes = response.output("OUTPUT0");
            assertEquals(DataType.BYTES, classes.dataType());
            assertArrayEquals(new long[] {2, 2}, classes.shape());
            assertArrayEquals(new String[] {"0.700000:1:dog", "0.200000:2:bird", "9.000000:2:bird",
                    "5.000000:0:cat"}, classes.strings());
        }
    }

    @Test
    void bytesOutputsCannotBeClassified() {
        TestRepository.model(repo, "identity", TestRepository.IDENTITY_BYTES, 1);
        server = TestRepository.start(repo);
        InferenceRequest request = InferenceRequest.builder()
                .input(Tensor.ofStrings("INPUT0", new long[] {1, 1}, "x"))
                .output(new RequestedOutput("OUTPUT0", 1)).build();
        CompletionException error = assertThrows(CompletionException.class,
                () -> server.model("identity", 0).infer(request).toCompletableFuture().join());
        assertEquals(TritonException.Code.INVALID_ARG, TritonException.of(error).code());
        assertTrue(TritonException.of(error).getMessage().contains("'OUTPUT0'"));
    }

    @Test
    void halfPrecisionDecodes() {
        assertEquals(1.0f, Classifier.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, Classifier.halfToFloat((short) 0xC000));
        assertEquals(0.5f, Classifier.halfToFloat((short) 0x3800));
        assertEquals(Float.POSITIVE_INFINITY, Classifier.halfToFloat((short) 0x7C00));
    }
}
