package org.tritonosgi.embedded.internal;

/**
 * What runs a model version's accepted jobs: the {@link Scheduler} over the version's backend instances, or the
 * {@link EnsembleRunner} over its composing models.
 */
interface JobRunner {

    void submit(Job job);

    /** Jobs accepted and waiting. */
    int pending();

    /** Stops taking jobs; accepted ones finish, then what the runner holds is released. */
    void retire();

    /** Fails every accepted job with UNAVAILABLE and releases what the runner holds. */
    void abort();

    /** Why the version cannot serve now although it loaded (a composing model gone); "" when it can. */
    default String problem() {
        return "";
    }

    /** The scheduler as a runner (kept apart from Scheduler, so that class stays about queues alone). */
    static JobRunner of(Scheduler scheduler) {
        return new JobRunner() {
            @Override
            public void submit(Job job) {
                scheduler.submit(job);
            }

            @Override
            public int pending() {
                return scheduler.pending();
            }

            @Override
            public void retire() {
                scheduler.retire();
            }

            @Override
            public void abort() {
                scheduler.abort();
            }
        };
    }
}
