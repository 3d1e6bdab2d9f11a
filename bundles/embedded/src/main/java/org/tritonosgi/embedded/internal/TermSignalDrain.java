package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceServer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Graceful drain for rolling updates. Kubernetes stops a pod with SIGTERM; Karaf's own handler stops the framework
 * at once, and the frontends would close their ports with accepted requests still in the engine. This handler
 * runs first: every embedded engine turns not ready and refuses new requests with UNAVAILABLE (503) while the
 * frontends keep answering, the accepted requests finish (each engine waits up to its exit.timeout), and only then
 * is the signal handed to the handler it replaced (Karaf's), which stops the framework; Karaf then exits 0.
 */
@Component(service = {}, immediate = true)
public final class TermSignalDrain {

    private static final Logger LOG = LoggerFactory.getLogger(TermSignalDrain.class);
    private static final Signal TERM = new Signal("TERM");

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<InferenceServer> engines;

    private final AtomicBoolean draining = new AtomicBoolean();
    private final SignalHandler handler = this::terminate;
    private SignalHandler previous;

    @Activate
    void activate() {
        previous = Signal.handle(TERM, handler);
    }

    @Deactivate
    void deactivate() {
        if (!draining.get()) {
            SignalHandler replaced = Signal.handle(TERM, previous);
            if (replaced != handler) {
                // someone installed a handler after ours: leave theirs in place
                Signal.handle(TERM, replaced);
            }
        }
    }

    private void terminate(Signal signal) {
        if (!draining.compareAndSet(false, true)) {
            LOG.info("SIGTERM again while draining: ignored, the drain ends within exit.timeout");
            return;
        }
        List<EmbeddedInferenceServer> embedded = new ArrayList<>();
        for (InferenceServer engine : List.copyOf(engines)) {
            if (engine instanceof EmbeddedInferenceServer e) {
                embedded.add(e);
            }
        }
        LOG.info("SIGTERM: draining {} embedded engine(s): not ready, new requests refused, accepted requests "
                + "finish within exit.timeout", embedded.size());
        long started = System.nanoTime();
        List<Thread> drains = new ArrayList<>();
        for (EmbeddedInferenceServer engine : embedded) {
            Thread thread = new Thread(() -> {
                if (!engine.drain()) {
                    LOG.warn("Triton embedded engine '{}': requests still in flight after exit.timeout",
                            engine.id());
                }
            }, "triton-drain-" + engine.id());
            thread.start();
            drains.add(thread);
        }
        for (Thread thread : drains) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("SIGTERM: drained in {} ms; stopping", (System.nanoTime() - started) / 1_000_000);
        // hand the signal to the handler we replaced (Karaf's stops the framework; the JVM's default exits)
        Signal.handle(TERM, previous);
        Signal.raise(TERM);
    }
}
