package org.tritonosgi.shell.internal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.tritonosgi.api.TritonException;

/** Waits, bounded, for an engine's answer and turns its TritonException into a message for the operator. */
final class Await {

    /** How long a command waits for a load, an unload or an inference. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Await() {
    }

    /**
     * @param late the message when the stage does not end within the timeout, with %d for the time waited
     * @throws UserError with the engine's message (Triton's wording, naming the model) when the stage fails, or
     *                   when it does not end within the timeout
     */
    static <T> T await(String late, Duration timeout, CompletionStage<T> stage) throws InterruptedException {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new UserError(TritonException.of(e).getMessage());
        } catch (TimeoutException e) {
            throw new UserError(late.replace("%d", timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s"
                    : timeout.toMillis() + " ms"));
        }
    }

    /** Calls the engine; a TritonException it throws at once becomes a message too. */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (TritonException e) {
            throw new UserError(e.getMessage());
        }
    }
}
