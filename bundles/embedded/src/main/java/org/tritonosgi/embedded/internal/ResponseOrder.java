package org.tritonosgi.embedded.internal;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/**
 * Triton's {@code preserve_ordering} (dynamic_batching, and sequence_batching's oldest strategy): each request's
 * responses are handed on in the order the requests reached the scheduler, whatever order its instances finish
 * them in. A request takes its place with {@link #slot} when the scheduler accepts it; what a later request answers
 * waits until every earlier one has ended (its final response, or its error), then follows at once. One thread
 * delivers at a time and never under a lock, so a listener may send the next request from its callback.
 */
final class ResponseOrder {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseOrder.class);

    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private boolean delivering;

    /** The listener through which a request just arrived answers, in its turn. */
    ResponseListener slot(ResponseListener target) {
        Slot slot = new Slot(target);
        synchronized (this) {
            slots.add(slot);
        }
        return slot;
    }

    /** Requests that arrived and have not all been delivered yet. */
    synchronized int waiting() {
        return slots.size();
    }

    private void offer(Slot slot, Consumer<ResponseListener> event, boolean last) {
        synchronized (this) {
            slot.events.add(new Event(event, last));
            if (delivering) {
                // the delivering thread picks it up before it stops
                return;
            }
            delivering = true;
        }
        drain();
    }

    private void drain() {
        while (true) {
            Slot head;
            Event next;
            synchronized (this) {
                head = slots.peek();
                next = head == null ? null : head.events.poll();
                if (next == null) {
                    delivering = false;
                    return;
                }
                if (next.last) {
                    slots.poll();
                }
            }
            try {
                next.event.accept(head.target);
            } catch (RuntimeException e) {
                // a listener that throws must not stop the requests behind it
                LOG.warn("a response listener failed; the responses of later requests go on", e);
            }
        }
    }

    private record Event(Consumer<ResponseListener> event, boolean last) {
    }

    private final class Slot implements ResponseListener {

        final ResponseListener target;
        /** Guarded by the ResponseOrder. */
        final ArrayDeque<Event> events = new ArrayDeque<>();

        Slot(ResponseListener target) {
            this.target = target;
        }

        @Override
        public void onResponse(InferenceResponse response) {
            offer(this, listener -> listener.onResponse(response), false);
        }

        @Override
        public void onComplete() {
            offer(this, ResponseListener::onComplete, true);
        }

        @Override
        public void onError(TritonException error) {
            offer(this, listener -> listener.onError(error), true);
        }

        @Override
        public boolean isCancelled() {
            return target.isCancelled();
        }
    }
}
