package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.backend.BackendInstance;
import org.tritonosgi.api.backend.ModelBackend;

class ResponseCacheTest {

    static final String COUNTED = """
            name: "%s"
            backend: "counting"
            %s
            input [ { name: "TEXT" data_type: TYPE_STRING dims: [ 1 ] } ]
            output [ { name: "SAME" data_type: TYPE_STRING dims: [ 1 ] } ]
            """;

    @TempDir
    Path repo;

    private EmbeddedInferenceServer server;
    private final AtomicInteger executions = new AtomicInteger();

    private final ModelBackend counting = (config, dir) -> new BackendInstance() {
        @Override
        public List<Tensor> execute(InferenceRequest request) {
            executions.incrementAndGet();
            return List.of(request.input("TEXT").renamed("SAME"));
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private void start(long cacheBytes) throws Exception {
        server = TestRepository.start(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5))
                .withResponseCacheSize(cacheBytes));
        server.addBackend("counting", counting);
        ExternalBackendTest.await("the models are ready", () -> server.index(false).stream()
                .allMatch(row -> row.state() == org.tritonosgi.api.ModelState.READY));
    }

    private String infer(String model, String text) throws Exception {
        try (InferenceResponse response = server.model(model, 0).infer(InferenceRequest.builder().id(text)
                .input(Tensor.ofStrings("TEXT", new long[] {1}, text)).build()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            assertEquals(text, response.id());
            return response.output("SAME").strings()[0];
        }
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheWithoutRunningTheModel() throws Exception {
        TestRepository.model(repo, "cached", COUNTED.formatted("cached", "response_cache { enable: true }"), 1);
        start(1 << 20);

        assertEquals("a", infer("cached", "a"));
        assertEquals("a", infer("cached", "a"));
        assertEquals("b", infer("cached", "b"));
        assertEquals(2, executions.get());

        ModelStatistics stats = server.statistics("cached", 0).get(0);
        assertEquals(1, stats.inference().cacheHit().count());
        assertEquals(2, stats.inference().cacheMiss().count());
        assertEquals(3, stats.inference().success().count(), "Triton's success count includes cache hits");
        assertEquals(2, stats.inferenceCount(), "a hit runs nothing");
    }

    @Test
    void modelsThatDoNotEnableItAndEnginesWithoutACacheAlwaysRun() throws Exception {
        TestRepository.model(repo, "plain", COUNTED.formatted("plain", ""), 1);
        start(1 << 20);
        infer("plain", "a");
        infer("plain", "a");
        assertEquals(2, executions.get());
        assertEquals(0, server.statistics("plain", 0).get(0).inference().cacheMiss().count());
    }

    @Test
    void withoutResponseCacheSizeAnEnabledModelRunsEveryTime() throws Exception {
        TestRepository.model(repo, "cached", COUNTED.formatted("cached", "response_cache { enable: true }"), 1);
        start(0);
        infer("cached", "a");
        infer("cached", "a");
        assertEquals(2, executions.get());
    }

    @Test
    void theLeastRecentlyUsedEntriesLeaveFirstWithinTheByteSize() {
        long entry = ResponseCache.ENTRY_OVERHEAD + 4 + 1;
        ResponseCache cache = new ResponseCache(2 * entry);
        var a = ResponseCache.key("m", 1, request("a"));
        var b = ResponseCache.key("m", 1, request("b"));
        var c = ResponseCache.key("m", 1, request("c"));
        cache.put(a, List.of(Tensor.ofStrings("SAME", new long[] {1}, "a")));
        cache.put(b, List.of(Tensor.ofStrings("SAME", new long[] {1}, "b")));
        assertNotNull(cache.get(a));
        cache.put(c, List.of(Tensor.ofStrings("SAME", new long[] {1}, "c")));

        assertNull(cache.get(b), "b was used least recently");
        assertArrayEquals(new String[] {"a"}, cache.get(a).get(0).strings());
        assertArrayEquals(new String[] {"c"}, cache.get(c).get(0).strings());
        ResponseCache.Figures figures = cache.figures();
        assertEquals(2, figures.entries());
        assertEquals(2 * entry, figures.used());
        assertEquals(1, figures.evictions());
        assertTrue(!ResponseCache.key("m", 2, request("a")).equals(a), "the version is part of the key");
        assertTrue(!ResponseCache.key("n", 1, request("a")).equals(a), "the model is part of the key");
    }

    private static InferenceRequest request(String text) {
        return InferenceRequest.builder().input(Tensor.ofStrings("TEXT", new long[] {1}, text)).build();
    }

    @Test
    void aDecoupledModelCannotEnableTheCache() throws Exception {
        TestRepository.model(repo, "stream", """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                response_cache { enable: true }
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """, 1);
        server = TestRepository.start(Settings.of(List.of(repo)).withResponseCacheSize(1 << 20));
        assertEquals("model 'stream' enables response_cache, which decoupled models cannot use",
                server.index(false).get(0).reason());
    }
}
