package org.tritonosgi.core.internal;

import java.util.concurrent.CompletableFuture;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/** Adapts the listener form to the one-response future: the first response wins, extra ones are closed. */
final class SingleResponse implements ResponseListener {

    private final CompletableFuture<InferenceResponse> future = new CompletableFuture<>();

    CompletableFuture<InferenceResponse> future() {
        return future;
    }

    @Override
    public void onResponse(InferenceResponse response) {
        if (!future.complete(response)) {
            response.close();
        }
    }

    @Override
    public void onComplete() {
        future.completeExceptionally(new TritonException(TritonException.Code.INTERNAL,
                "the model completed the request without a response"));
    }

    @Override
    public void onError(TritonException error) {
        future.completeExceptionally(error);
    }
}
