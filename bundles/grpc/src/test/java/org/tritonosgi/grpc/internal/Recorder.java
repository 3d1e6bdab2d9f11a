package org.tritonosgi.grpc.internal;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a call delivers, for a test to take in order, each wait bounded by a deadline. */
final class Recorder<T> implements StreamObserver<T> {

    /** Put in the queue when the call completes normally. */
    static final Object COMPLETED = "completed";

    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

    @Override
    public void onNext(T value) {
        events.add(value);
    }

    @Override
    public void onError(Throwable t) {
        events.add(t);
    }

    @Override
    public void onCompleted() {
        events.add(COMPLETED);
    }

    /** The next event: a message, a Throwable or {@link #COMPLETED}; fails after 10 seconds. */
    Object next() throws InterruptedException {
        Object event = events.poll(10, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("nothing arrived within 10 s");
        }
        return event;
    }

    /** The next event, which must be a message. */
    @SuppressWarnings("unchecked")
    T message() throws InterruptedException {
        Object event = next();
        if (event instanceof Throwable t) {
            throw new AssertionError("call failed: " + t, t);
        }
        if (event == COMPLETED) {
            throw new AssertionError("call completed without a message");
        }
        return (T) event;
    }
}
