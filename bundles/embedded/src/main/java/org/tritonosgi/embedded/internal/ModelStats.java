package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.StatDuration;

/** Cumulative statistics of one model version, as Triton's statistics extension defines them. */
final class ModelStats {

    private long lastInference;
    private long inferenceCount;
    private long executionCount;
    private final long[] success = new long[2];
    private final long[] fail = new long[2];
    private final long[] queue = new long[2];
    private final long[] computeInput = new long[2];
    private final long[] computeInfer = new long[2];
    private final long[] computeOutput = new long[2];
    private final long[] cacheHit = new long[2];
    private final long[] cacheMiss = new long[2];
    private final Map<Long, long[]> batches = new TreeMap<>();

    /** One execution of the model over a batch of {@code batchSize}, with its compute phases in ns. */
    synchronized void execution(long batchSize, long inputNs, long inferNs, long outputNs) {
        lastInference = System.currentTimeMillis();
        inferenceCount += batchSize;
        executionCount++;
        long[] batch = batches.computeIfAbsent(batchSize, size -> new long[4]);
        batch[0]++;
        batch[1] += inputNs;
        batch[2] += inferNs;
        batch[3] += outputNs;
    }

    /** One request that succeeded: its time in the queue, its compute phases, and its whole time in ns. */
    synchronized void success(long queueNs, long inputNs, long inferNs, long outputNs, long totalNs) {
        add(success, totalNs);
        add(queue, queueNs);
        add(computeInput, inputNs);
        add(computeInfer, inferNs);
        add(computeOutput, outputNs);
    }

    /**
     * A request answered from the response cache: a success (and a queue entry, as Triton counts them) that ran
     * nothing, so no inference or execution is counted.
     */
    synchronized void cacheHit(long lookupNs, long totalNs) {
        add(success, totalNs);
        add(queue, 0);
        add(cacheHit, lookupNs);
    }

    /** A response cache miss: the time to look up and then insert the response. */
    synchronized void cacheMiss(long ns) {
        add(cacheMiss, ns);
    }

    synchronized void failure(long totalNs) {
        add(fail, totalNs);
    }

    private static void add(long[] duration, long ns) {
        duration[0]++;
        duration[1] += ns;
    }

    private static StatDuration of(long[] duration) {
        return new StatDuration(duration[0], duration[1]);
    }

    synchronized ModelStatistics snapshot(String name, long version, long pending) {
        var inference = new ModelStatistics.InferStatistics(of(success), of(fail), of(queue), of(computeInput),
                of(computeInfer), of(computeOutput), of(cacheHit), of(cacheMiss));
        List<ModelStatistics.BatchStatistics> batchStats = new ArrayList<>();
        batches.forEach((size, b) -> batchStats.add(new ModelStatistics.BatchStatistics(size,
                new StatDuration(b[0], b[1]), new StatDuration(b[0], b[2]), new StatDuration(b[0], b[3]))));
        return new ModelStatistics(name, version, lastInference, inferenceCount, executionCount, inference,
                batchStats, pending);
    }
}
