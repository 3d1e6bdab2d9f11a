package org.tritonosgi.api;

import java.util.List;

/**
 * Statistics of one model version, with Triton's members.
 *
 * @param lastInference  milliseconds since the epoch of the last inference, 0 when none
 * @param inferenceCount successful inferences (a batch of n counts n)
 * @param executionCount model executions
 * @param pendingRequestCount (1.1.0) requests accepted and queued, not yet executing, at the time of the snapshot;
 *        0 where the engine cannot tell
 */
public record ModelStatistics(String name, long version, long lastInference, long inferenceCount,
        long executionCount, InferStatistics inference, List<BatchStatistics> batches, long pendingRequestCount) {

    public ModelStatistics {
        batches = List.copyOf(batches);
    }

    /** Statistics of an engine that does not count pending requests (the 1.0.0 constructor). */
    public ModelStatistics(String name, long version, long lastInference, long inferenceCount, long executionCount,
            InferStatistics inference, List<BatchStatistics> batches) {
        this(name, version, lastInference, inferenceCount, executionCount, inference, batches, 0);
    }

    /** Durations of successful and failed requests and of their phases. */
    public record InferStatistics(StatDuration success, StatDuration fail, StatDuration queue,
            StatDuration computeInput, StatDuration computeInfer, StatDuration computeOutput, StatDuration cacheHit,
            StatDuration cacheMiss) {
    }

    /** Compute durations of executions of one batch size. */
    public record BatchStatistics(long batchSize, StatDuration computeInput, StatDuration computeInfer,
            StatDuration computeOutput) {
    }
}
