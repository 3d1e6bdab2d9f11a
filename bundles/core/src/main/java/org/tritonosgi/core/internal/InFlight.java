package org.tritonosgi.core.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/**
 * One request between InferAsync and its two last callbacks (request release, final response), in no promised
 * order. Holds the input buffers Triton reads until the release; delivers to the listener one call at a time and
 * ends it exactly once.
 */
final class InFlight {

    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);

    private final ResponseListener listener;
    private final AtomicInteger pending = new AtomicInteger(2);
    private List<Object> inputs;
    private boolean ended;

    InFlight(ResponseListener listener, List<Object> inputs) {
        this.listener = listener;
        this.inputs = inputs;
    }

    synchronized void response(InferenceResponse response) {
        if (ended) {
            response.close();
            return;
        }
        try {
            listener.onResponse(response);
        } catch (RuntimeException e) {
            LOG.warn("Triton native core: a response listener failed", e);
        }
    }

    synchronized void fail(TritonException error) {
        if (!ended) {
            ended = true;
            try {
                listener.onError(error);
            } catch (RuntimeException e) {
                LOG.warn("Triton native core: a response listener failed", e);
            }
        }
    }

    synchronized void complete() {
        if (!ended) {
            ended = true;
            try {
                listener.onComplete();
            } catch (RuntimeException e) {
                LOG.warn("Triton native core: a response listener failed", e);
            }
        }
    }

    /** Marks the request released (its inputs may go); true when the final response was seen too. */
    boolean released() {
        synchronized (this) {
            for (Object input : inputs) {
                if (input instanceof com.sun.jna.Memory copy) {
                    copy.close();
                }
            }
            inputs = List.of();
        }
        return pending.decrementAndGet() == 0;
    }

    /** Marks the final response seen; true when the request was released too. */
    boolean finished() {
        return pending.decrementAndGet() == 0;
    }
}
