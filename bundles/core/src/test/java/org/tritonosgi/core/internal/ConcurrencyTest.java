package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.Tensor;

class ConcurrencyTest extends DoubleTest {

    private static final int REQUESTS = 10_000;
    private static final int MAX_IN_FLIGHT = 256;

    @Test
    void tenThousandConcurrentInferencesAllAnswerCorrectlyAndLeakNothing() throws Exception {
        start();
        Model identity = server.model("identity", 0);
        Model delayed = server.model("delayed_identity", 0);
        Semaphore window = new Semaphore(MAX_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(REQUESTS);
        AtomicInteger correct = new AtomicInteger();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

        for (int i = 0; i < REQUESTS; i++) {
            assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "a slot frees up within 30 s");
            float value = i;
            String text = "request " + i;
            InferenceRequest request = InferenceRequest.builder().id(Integer.toString(i))
                    .input(fp32("INPUT0", value, -value)).input(Tensor.ofStrings("INPUT1", new long[] {1}, text))
                    .parameter("delay_ms", (long) (i % 3)).build();
            (i % 10 == 0 ? delayed : identity).infer(request).whenComplete((response, failure) -> {
                try {
                    if (failure != null) {
                        failures.add(failure);
                    } else {
                        try (response) {
                            if (response.id().equals(Integer.toString((int) value))
                                    && response.output("OUTPUT0").data().getFloat(4) == -value
                                    && response.output("OUTPUT1").strings()[0].equals(text)) {
                                correct.incrementAndGet();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    window.release();
                    done.countDown();
                }
            });
        }

        assertTrue(done.await(60, TimeUnit.SECONDS), "all requests answered within a minute");
        assertEquals("[]", failures.toString());
        assertEquals(REQUESTS, correct.get());
        await("the last requests to be released", 10_000, () -> server.inflight() == 0);
        assertEquals(0, DoubleControl.double_live("request"));
        assertEquals(0, DoubleControl.double_live("response"));
        assertEquals(0, DoubleControl.double_live("buffer"));
    }
}
