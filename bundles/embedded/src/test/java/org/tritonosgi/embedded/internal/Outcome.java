package org.tritonosgi.embedded.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/**
 * A test's listener for one request: what it keeps of each response ({@code keep}), whether the request ended and
 * how ({@link #done}), and a client that may stop listening ({@link #cancelled}).
 */
final class Outcome<T> implements ResponseListener {

    final CompletableFuture<Void> done = new CompletableFuture<>();
    final List<T> kept = new CopyOnWriteArrayList<>();
    volatile boolean cancelled;
    private final Function<InferenceResponse, T> keep;

    Outcome(Function<InferenceResponse, T> keep) {
        this.keep = keep;
    }

    /** Keeps nothing of the responses. */
    static Outcome<Void> ofEnd() {
        return new Outcome<>(response -> null);
    }

    @Override
    public void onResponse(InferenceResponse response) {
        try (response) {
            T value = keep.apply(response);
            if (value != null) {
                kept.add(value);
            }
        }
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    @Override
    public void onError(TritonException error) {
        done.completeExceptionally(error);
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
