package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.StatDuration;

/** Cumulative statistics of one model version, updated by execution threads. */
final class ModelStats {

    private long lastInference;
    private long inferenceCount;
    private long executionCount;
    private long successCount;
    private long successNs;
    private long failCount;
    private long failNs;
    private long queueNs;
    private long computeNs;
    private final Map<Long, long[]> batches = new TreeMap<>();

    synchronized void success(long batchSize, long queueNanos, long computeNanos) {
        lastInference = System.currentTimeMillis();
        inferenceCount += batchSize;
        executionCount++;
        successCount++;
        successNs += queueNanos + computeNanos;
        queueNs += queueNanos;
        computeNs += computeNanos;
        long[] batch = batches.computeIfAbsent(batchSize, b -> new long[2]);
        batch[0]++;
        batch[1] += computeNanos;
    }

    synchronized void failure(long nanos) {
        failCount++;
        failNs += nanos;
    }

    synchronized ModelStatistics snapshot(String name, long version) {
        StatDuration compute = new StatDuration(successCount, computeNs);
        var inference = new ModelStatistics.InferStatistics(new StatDuration(successCount, successNs),
                new StatDuration(failCount, failNs), new StatDuration(successCount, queueNs),
                new StatDuration(successCount, 0), compute, new StatDuration(successCount, 0), StatDuration.ZERO,
                StatDuration.ZERO);
        List<ModelStatistics.BatchStatistics> batchStats = new ArrayList<>();
        batches.forEach((size, counts) -> batchStats.add(new ModelStatistics.BatchStatistics(size,
                new StatDuration(counts[0], 0), new StatDuration(counts[0], counts[1]),
                new StatDuration(counts[0], 0))));
        return new ModelStatistics(name, version, lastInference, inferenceCount, executionCount, inference,
                batchStats);
    }
}
