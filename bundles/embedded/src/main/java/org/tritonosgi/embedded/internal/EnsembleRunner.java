package org.tritonosgi.embedded.internal;

import java.util.HashSet;
import java.util.Set;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * Runs an ensemble version's jobs: each job becomes an {@link EnsembleRun} over the composing models, which the
 * engine looks up when the request arrives, so a composing model reloaded or replaced is used at once. An ensemble
 * is ready while each composing model is.
 */
final class EnsembleRunner implements JobRunner {

    /** Finds a composing model: the engine's own lookup (version <= 0 for the newest ready one). */
    interface Models {
        Model model(String name, long version);
    }

    /** The ensembles being checked on this thread, so that ensembles using each other end instead of looping. */
    private static final ThreadLocal<Set<String>> CHECKING = ThreadLocal.withInitial(HashSet::new);

    private final ModelConfig config;
    private final EnsembleGraph graph;
    private final Models models;
    private final ModelStats stats;
    private final Set<EnsembleRun> running = new HashSet<>();
    private boolean closing;

    EnsembleRunner(ModelConfig config, EnsembleGraph graph, Models models, ModelStats stats) {
        this.config = config;
        this.graph = graph;
        this.models = models;
        this.stats = stats;
    }

    @Override
    public void submit(Job job) {
        EnsembleRun run = new EnsembleRun(config, graph, models, stats, job, this::ended, decoupled());
        synchronized (this) {
            if (closing) {
                job.fail(TritonException.unavailable("Server exiting"));
                return;
            }
            running.add(run);
        }
        run.start();
    }

    private synchronized void ended(EnsembleRun run) {
        running.remove(run);
    }

    @Override
    public int pending() {
        return 0;
    }

    @Override
    public synchronized void retire() {
        closing = true;
    }

    @Override
    public void abort() {
        Set<EnsembleRun> left;
        synchronized (this) {
            closing = true;
            left = Set.copyOf(running);
        }
        TritonException exiting = TritonException.unavailable("Server exiting");
        left.forEach(run -> run.fail(exiting));
    }

    /**
     * Whether the ensemble is decoupled: configured so, or (as Triton sets it at load) one of its steps is a
     * decoupled model, so each of that step's responses can become a response of the ensemble.
     */
    boolean decoupled() {
        if (config.getModelTransactionPolicy().getDecoupled()) {
            return true;
        }
        Set<String> checking = CHECKING.get();
        if (!checking.add("decoupled " + config.getName())) {
            return false;
        }
        try {
            for (EnsembleGraph.Step step : graph.steps()) {
                try {
                    if (models.model(step.config().getModelName(), step.config().getModelVersion()).isDecoupled()) {
                        return true;
                    }
                } catch (TritonException missing) {
                    // a missing composing model makes the ensemble unavailable (problem()), not decoupled
                }
            }
            return false;
        } finally {
            checking.remove("decoupled " + config.getName());
        }
    }

    /** Triton's words for an ensemble whose composing model is missing, then ours (step and reason). */
    private String missing(String composing, String detail) {
        return "ensemble " + config.getName() + " contains models that are not available or ambiguous: " + composing
                + " (" + detail + ")";
    }

    /** The first composing model that is missing or not ready, named with its step and reason. */
    @Override
    public String problem() {
        Set<String> checking = CHECKING.get();
        if (!checking.add(config.getName())) {
            return "ensemble '" + config.getName() + "' uses itself through its composing models";
        }
        try {
            for (EnsembleGraph.Step step : graph.steps()) {
                String name = step.config().getModelName();
                long version = step.config().getModelVersion();
                Model model;
                try {
                    model = models.model(name, version);
                } catch (TritonException e) {
                    return missing(name, "composing model '" + name + "' of " + step.describe()
                            + " is not available: " + e.getMessage());
                }
                if (!model.isReady()) {
                    String why = model instanceof ServedModel served ? served.reason() : "";
                    return missing(name, "composing model '" + name + "' version " + model.version() + " of "
                            + step.describe() + " is not ready" + (why.isEmpty() ? "" : ": " + why));
                }
            }
            return "";
        } finally {
            checking.remove(config.getName());
        }
    }
}
