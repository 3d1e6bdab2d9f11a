package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/**
 * One accepted request on its way through a model's scheduler. It ends exactly once (completed or failed), so a
 * result that arrives after the engine gave up on it is dropped, never delivered twice.
 */
final class Job {

    /** Verbose logging (log_verbose_level > 0 sets this logger's bundle tree to DEBUG): one line per request. */
    private static final Logger LOG = LoggerFactory.getLogger(Job.class);

    final InferenceRequest request;
    final long batchSize;
    final long enqueuedNanos;
    private final String model;
    private final long version;
    /** Set once, before the job is queued ({@link #deliverThrough}). */
    private ResponseListener listener;
    private final Classifier classifier;
    private final BooleanSupplier cancelled;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();

    Job(String model, long version, InferenceRequest request, long batchSize, ResponseListener listener,
            Classifier classifier, BooleanSupplier cancelled, Runnable onEnd) {
        this.classifier = classifier;
        this.model = model;
        this.version = version;
        this.request = request;
        this.batchSize = batchSize;
        this.listener = listener;
        this.cancelled = cancelled;
        this.onEnd = onEnd;
        this.enqueuedNanos = System.nanoTime();
    }

    /** Sends this job's responses through its slot in the model's response order (preserve_ordering). */
    void deliverThrough(ResponseOrder order) {
        listener = order.slot(listener);
    }

    boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    boolean hasEnded() {
        return ended.get();
    }

    /** Delivers one response made of the requested outputs; a final one also ends the job. */
    void respond(List<Tensor> outputs, boolean isFinal) {
        if (ended.get()) {
            return;
        }
        listener.onResponse(new InferenceResponse(request.id(), model, version, select(outputs), Map.of(), isFinal,
                null));
        if (isFinal) {
            complete();
        }
    }

    void complete() {
        if (ended.compareAndSet(false, true)) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("model '{}' version {}: request succeeded in {} us", model, version,
                        (System.nanoTime() - enqueuedNanos) / 1000);
            }
            try {
                listener.onComplete();
            } finally {
                onEnd.run();
            }
        }
    }

    void fail(TritonException error) {
        if (ended.compareAndSet(false, true)) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("model '{}' version {}: request failed after {} us: {} {}", model, version,
                        (System.nanoTime() - enqueuedNanos) / 1000, error.code(), error.getMessage());
            }
            try {
                listener.onError(error);
            } finally {
                onEnd.run();
            }
        }
    }

    private List<Tensor> select(List<Tensor> all) {
        if (request.outputs().isEmpty()) {
            return all;
        }
        List<Tensor> selected = new ArrayList<>(request.outputs().size());
        for (RequestedOutput wanted : request.outputs()) {
            for (Tensor output : all) {
                if (output.name().equals(wanted.name())) {
                    selected.add(wanted.classificationCount() > 0
                            ? classifier.classify(output, wanted.classificationCount()) : output);
                }
            }
        }
        return selected;
    }
}
