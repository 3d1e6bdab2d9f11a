package org.tritonosgi.embedded.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelDynamicBatching;
import org.tritonosgi.api.config.ModelQueuePolicy;

/**
 * The queue of one model version's scheduler, with Triton's overload control: {@code priority_levels} queues
 * served highest priority (level 1) first, a request's level from its priority (0, or one past the levels, means
 * {@code default_priority_level}), and per level a queue policy: {@code max_queue_size} (a request past it is
 * refused with UNAVAILABLE "Exceeds maximum queue size"), {@code default_timeout_microseconds} (a request may set
 * a shorter one when {@code allow_timeout_override} is on) and {@code timeout_action} (REJECT fails the request;
 * DELAY keeps it, behind every request that has not timed out). A model without dynamic batching, or whose
 * dynamic batching sets no queue policy, keeps one unbounded queue in which the request's own timeout applies.
 */
final class RequestQueue implements Iterable<Job> {

    /** A queued job with the deadline its policy gives it (0: none). */
    private record Entry(Job job, long deadlineNanos, ModelQueuePolicy policy) {
    }

    private final int levels;
    private final int defaultLevel;
    private final ModelQueuePolicy[] policies;
    private final boolean requestTimeouts;
    private final List<ArrayDeque<Entry>> queues = new ArrayList<>();
    private final ArrayDeque<Entry> delayed = new ArrayDeque<>();
    private int size;

    RequestQueue(ModelConfig config) {
        ModelDynamicBatching batching = config.getDynamicBatching();
        boolean configured = config.hasDynamicBatching();
        this.levels = configured ? (int) Math.min(batching.getPriorityLevels(), 1 << 16) : 0;
        this.defaultLevel = levels == 0 ? 0 : (int) Math.max(1, Math.min(batching.getDefaultPriorityLevel(), levels));
        this.requestTimeouts = !configured || !batching.hasDefaultQueuePolicy()
                && batching.getPriorityQueuePolicyCount() == 0;
        ModelQueuePolicy fallback = batching.getDefaultQueuePolicy();
        this.policies = new ModelQueuePolicy[Math.max(1, levels)];
        for (int level = 0; level < policies.length; level++) {
            policies[level] = batching.getPriorityQueuePolicyOrDefault(level + 1L, fallback);
            queues.add(new ArrayDeque<>());
        }
    }

    /** The queue (0-based) a request priority goes to, as Triton maps it. */
    private int levelOf(long priority) {
        if (levels == 0) {
            return 0;
        }
        long level = priority <= 0 || priority > levels ? defaultLevel : priority;
        return (int) level - 1;
    }

    /**
     * Queues a job at its priority.
     *
     * @return its deadline (System.nanoTime), 0 when none
     * @throws TritonException UNAVAILABLE "Exceeds maximum queue size" when its level's queue is full
     */
    long add(Job job) {
        int level = levelOf(job.request.priority());
        ModelQueuePolicy policy = policies[level];
        ArrayDeque<Entry> queue = queues.get(level);
        if (policy.getMaxQueueSize() != 0 && queue.size() >= Integer.toUnsignedLong(policy.getMaxQueueSize())) {
            throw TritonException.unavailable("Exceeds maximum queue size");
        }
        long timeout = policy.getDefaultTimeoutMicroseconds();
        long requested = job.request.timeoutMicros();
        if (requested > 0 && (requestTimeouts || policy.getAllowTimeoutOverride())
                && (timeout == 0 || requested < timeout)) {
            timeout = requested;
        }
        long deadline = timeout > 0 ? job.enqueuedNanos + Math.min(timeout, Long.MAX_VALUE / 2000) * 1000 : 0;
        queue.add(new Entry(job, deadline, policy));
        size++;
        return deadline;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The job served next. */
    Job peek() {
        Iterator<Job> it = iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** Removes and returns the job served next. */
    Job poll() {
        for (ArrayDeque<Entry> queue : queues) {
            if (!queue.isEmpty()) {
                size--;
                return queue.poll().job();
            }
        }
        if (delayed.isEmpty()) {
            return null;
        }
        size--;
        return delayed.poll().job();
    }

    /** What happens to queued jobs that ended or timed out. */
    interface Sweep {
        void cancelled(Job job);

        void timedOut(Job job);
    }

    /**
     * Removes cancelled jobs and rejects timed-out ones; timed-out jobs whose policy says DELAY move behind
     * every other.
     */
    void sweep(long now, Sweep sweep) {
        for (ArrayDeque<Entry> queue : queues) {
            for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                if (entry.job().isCancelled()) {
                    it.remove();
                    size--;
                    sweep.cancelled(entry.job());
                } else if (entry.deadlineNanos() != 0 && now - entry.deadlineNanos() >= 0) {
                    it.remove();
                    if (entry.policy().getTimeoutAction() == ModelQueuePolicy.TimeoutAction.DELAY) {
                        delayed.add(new Entry(entry.job(), 0, entry.policy()));
                    } else {
                        size--;
                        sweep.timedOut(entry.job());
                    }
                }
            }
        }
        for (Iterator<Entry> it = delayed.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.job().isCancelled()) {
                it.remove();
                size--;
                sweep.cancelled(entry.job());
            }
        }
    }

    /** Removes every job, in the order they would have been served. */
    List<Job> drain() {
        List<Job> all = new ArrayList<>(size);
        Job job;
        while ((job = poll()) != null) {
            all.add(job);
        }
        return all;
    }

    /** The jobs in the order they are served. */
    @Override
    public Iterator<Job> iterator() {
        List<Iterator<Entry>> parts = new ArrayList<>();
        queues.forEach(queue -> parts.add(queue.iterator()));
        parts.add(delayed.iterator());
        return new Iterator<>() {
            private int part;

            @Override
            public boolean hasNext() {
                while (part < parts.size() && !parts.get(part).hasNext()) {
                    part++;
                }
                return part < parts.size();
            }

            @Override
            public Job next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return parts.get(part).next().job();
            }
        };
    }
}
