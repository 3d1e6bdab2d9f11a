package org.tritonosgi.embedded.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelSequenceBatching;

/**
 * Runs one model version's jobs on its instances: a queue, one execution at a time per instance, and with
 * dynamic batching, compatible queued requests merged into one execution up to the preferred or maximum batch
 * size, waiting at most max_queue_delay_microseconds for more. Behind a sequence batcher the same merging joins
 * the next requests of different sequences, with the strategy's delay and preferred size (direct: its
 * minimum_slot_utilization of max_batch_size). The queue ({@link RequestQueue}) orders jobs by
 * priority and applies the queue policies: full queues refuse, queued jobs past their timeout fail or wait last.
 * With preserve_ordering, responses leave in the order the jobs were accepted ({@link ResponseOrder}).
 */
final class Scheduler {

    private final ModelConfig config;
    private final ArrayDeque<Backend> idle;
    private final int instances;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final ModelStats stats;
    private final boolean batching;
    private final boolean decoupled;
    private final long maxBatch;
    private final long preferredBatch;
    private final long maxDelayNanos;
    private final RequestQueue queue;
    /** preserve_ordering: responses in the order the jobs were accepted; null when off. */
    private final ResponseOrder order;
    private final Set<Job> running = new HashSet<>();
    private ScheduledFuture<?> wakeup;
    private boolean closing;
    private boolean closed;

    Scheduler(ModelConfig config, List<Backend> instances, Executor executor, ScheduledExecutorService timer,
            ModelStats stats) {
        this.config = config;
        this.idle = new ArrayDeque<>(instances);
        this.instances = instances.size();
        this.executor = executor;
        this.timer = timer;
        this.stats = stats;
        this.decoupled = config.getModelTransactionPolicy().getDecoupled();
        this.batching = config.getMaxBatchSize() > 0 && !decoupled
                && (config.hasDynamicBatching() || config.hasSequenceBatching());
        this.maxBatch = config.getMaxBatchSize();
        if (config.hasSequenceBatching()) {
            // the sequence batcher sends at most one request per sequence at a time: batches join sequences
            ModelSequenceBatching sequence = config.getSequenceBatching();
            if (sequence.hasOldest()) {
                this.preferredBatch = sequence.getOldest().getPreferredBatchSizeList().stream()
                        .mapToLong(Integer::longValue).max().orElse(maxBatch);
                this.maxDelayNanos = sequence.getOldest().getMaxQueueDelayMicroseconds() * 1000;
            } else {
                // direct: run once minimum_slot_utilization of the slots are ready (0: as soon as one is)
                float utilization = sequence.getDirect().getMinimumSlotUtilization();
                this.preferredBatch = Math.max(1, (long) Math.ceil(utilization * maxBatch));
                this.maxDelayNanos = sequence.getDirect().getMaxQueueDelayMicroseconds() * 1000;
            }
        } else {
            this.preferredBatch = config.getDynamicBatching().getPreferredBatchSizeList().stream()
                    .mapToLong(Integer::longValue).max().orElse(maxBatch);
            this.maxDelayNanos = config.getDynamicBatching().getMaxQueueDelayMicroseconds() * 1000;
        }
        this.queue = new RequestQueue(config);
        this.order = config.getDynamicBatching().getPreserveOrdering()
                || config.getSequenceBatching().getOldest().getPreserveOrdering() ? new ResponseOrder() : null;
    }

    /** Jobs accepted and waiting for an instance. */
    synchronized int pending() {
        return queue.size();
    }

    /**
     * Jobs end (their listeners run) only after the scheduler's lock is released: a listener may submit again (a
     * sequence's next request) or take other locks, and the queue must not change under its own sweep.
     */
    void submit(Job job) {
        List<Runnable> ends = new ArrayList<>();
        synchronized (this) {
            if (closing) {
                ends.add(() -> job.fail(TritonException.unavailable("Server exiting")));
            } else {
                long deadline = 0;
                boolean accepted = false;
                try {
                    deadline = queue.add(job);
                    accepted = true;
                } catch (TritonException full) {
                    stats.failure(System.nanoTime() - job.enqueuedNanos);
                    ends.add(() -> job.fail(full));
                }
                if (accepted) {
                    if (order != null) {
                        // under the lock: slots are taken in the queue's order of arrival
                        job.deliverThrough(order);
                    }
                    job.request.trace().queued();
                    if (deadline != 0) {
                        timer.schedule(this::dispatch, deadline - System.nanoTime() + 1000, TimeUnit.NANOSECONDS);
                    }
                    dispatchLocked(ends);
                }
            }
        }
        ends.forEach(Runnable::run);
    }

    private void dispatch() {
        List<Runnable> ends = new ArrayList<>();
        synchronized (this) {
            wakeup = null;
            dispatchLocked(ends);
        }
        ends.forEach(Runnable::run);
    }

    /** Starts what can run; jobs that end meanwhile are added to {@code ends}, to run after the lock. */
    private void dispatchLocked(List<Runnable> ends) {
        long now = System.nanoTime();
        dropEndedLocked(now, ends);
        while (!idle.isEmpty() && !queue.isEmpty()) {
            List<Job> batch = nextBatchLocked(now);
            if (batch == null) {
                return;
            }
            Backend instance = idle.poll();
            running.addAll(batch);
            try {
                executor.execute(() -> run(instance, batch));
            } catch (RejectedExecutionException e) {
                idle.add(instance);
                running.removeAll(batch);
                TritonException exiting = TritonException.unavailable("Server exiting");
                batch.forEach(job -> ends.add(() -> job.fail(exiting)));
            }
        }
    }

    /** Fails queued jobs past their deadline (or delays them, as their queue policy says) and forgets cancelled ones. */
    private void dropEndedLocked(long now, List<Runnable> ends) {
        queue.sweep(now, new RequestQueue.Sweep() {
            @Override
            public void cancelled(Job job) {
                ends.add(() -> job.fail(new TritonException(TritonException.Code.CANCELLED, "request cancelled")));
            }

            @Override
            public void timedOut(Job job) {
                stats.failure(now - job.enqueuedNanos);
                ends.add(() -> job.fail(TritonException.unavailable("Request timeout expired")));
            }
        });
    }

    /** The next jobs to run together, or null when dynamic batching waits for more (a wake-up is scheduled). */
    private List<Job> nextBatchLocked(long now) {
        Job first = queue.peek();
        if (!batching) {
            return List.of(queue.poll());
        }
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        long total = first.batchSize;
        Iterator<Job> it = queue.iterator();
        it.next();
        while (it.hasNext() && total < maxBatch) {
            Job next = it.next();
            if (total + next.batchSize > maxBatch || !Batches.compatible(first.request, next.request)) {
                break;
            }
            batch.add(next);
            total += next.batchSize;
        }
        long waited = now - first.enqueuedNanos;
        if (total >= preferredBatch || maxDelayNanos == 0 || waited >= maxDelayNanos) {
            for (int i = 0; i < batch.size(); i++) {
                queue.poll();
            }
            return batch;
        }
        if (wakeup == null) {
            wakeup = timer.schedule(this::dispatch, maxDelayNanos - waited, TimeUnit.NANOSECONDS);
        }
        return null;
    }

    private static void computeEnded(List<Job> batch) {
        batch.forEach(job -> job.request.trace().computeEnded());
    }

    private void run(Backend instance, List<Job> batch) {
        long start = System.nanoTime();
        batch.forEach(job -> job.request.trace().computeStarted());
        boolean computed = false;
        try {
            if (decoupled) {
                Job job = batch.get(0);
                instance.execute(job.request, outputs -> {
                    // a receiver that stopped listening ends the execution here, not after the last response
                    if (job.isCancelled()) {
                        throw new TritonException(TritonException.Code.CANCELLED, "request cancelled");
                    }
                    job.respond(outputs, false);
                });
                computed = true;
                computeEnded(batch);
                long end = System.nanoTime();
                stats.execution(job.batchSize, 0, end - start, 0);
                stats.success(start - job.enqueuedNanos, 0, end - start, 0, end - job.enqueuedNanos);
                job.complete();
            } else if (batch.size() == 1) {
                Job job = batch.get(0);
                List<Tensor> outputs = instance.execute(job.request);
                computed = true;
                computeEnded(batch);
                long end = System.nanoTime();
                stats.execution(job.batchSize, 0, end - start, 0);
                stats.success(start - job.enqueuedNanos, 0, end - start, 0, end - job.enqueuedNanos);
                job.respond(outputs, true);
            } else {
                var merged = Batches.merge(batch);
                long inferStart = System.nanoTime();
                List<Tensor> outputs = instance.execute(merged);
                long inferEnd = System.nanoTime();
                List<List<Tensor>> parts = Batches.split(outputs, batch);
                computed = true;
                computeEnded(batch);
                long end = System.nanoTime();
                long total = batch.stream().mapToLong(job -> job.batchSize).sum();
                stats.execution(total, inferStart - start, inferEnd - inferStart, end - inferEnd);
                for (int i = 0; i < batch.size(); i++) {
                    Job job = batch.get(i);
                    stats.success(start - job.enqueuedNanos, inferStart - start, inferEnd - inferStart,
                            end - inferEnd, end - job.enqueuedNanos);
                    job.respond(parts.get(i), true);
                }
            }
        } catch (RuntimeException | Error e) {
            if (!computed) {
                computeEnded(batch);
            }
            TritonException error = TritonException.of(e);
            long end = System.nanoTime();
            for (Job job : batch) {
                if (!job.hasEnded()) {
                    stats.failure(end - job.enqueuedNanos);
                }
                job.fail(error);
            }
        } finally {
            List<Runnable> ends = new ArrayList<>();
            synchronized (this) {
                running.removeAll(batch);
                if (closed) {
                    instance.close();
                } else {
                    idle.add(instance);
                    if (closing && queue.isEmpty() && idle.size() == instances) {
                        closeLocked();
                    } else {
                        dispatchLocked(ends);
                    }
                }
            }
            ends.forEach(Runnable::run);
        }
    }

    /** Stops taking jobs; queued and running ones finish, then the instances close. */
    synchronized void retire() {
        closing = true;
        if (queue.isEmpty() && idle.size() == instances) {
            closeLocked();
        }
    }

    /** Fails every queued and running job with UNAVAILABLE and closes idle instances now, busy ones on return. */
    void abort() {
        List<Job> ended = new ArrayList<>();
        synchronized (this) {
            closing = true;
            ended.addAll(queue.drain());
            ended.addAll(running);
            closeLocked();
        }
        TritonException exiting = TritonException.unavailable("Server exiting");
        ended.forEach(job -> job.fail(exiting));
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        Backend instance;
        while ((instance = idle.poll()) != null) {
            instance.close();
        }
    }
}
