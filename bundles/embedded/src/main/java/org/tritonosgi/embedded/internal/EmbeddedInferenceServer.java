package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.LogSettings;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.shm.SystemSharedMemory;

/**
 * The embedded engine: serves Triton model repositories in process with ONNX Runtime and the built-in backends.
 * Its components (EmbeddedEngine, EmbeddedInferenceServerInstance) unregister it before {@link #deactivate()}, so
 * bound frontends stop first; stopping then
 * refuses new work, waits up to exit.timeout for accepted requests, fails what is left with UNAVAILABLE, and
 * releases every model instance.
 */
public final class EmbeddedInferenceServer implements InferenceServer, ServedModel.Execution {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInferenceServer.class);

    private final Settings settings;
    private final String version;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor timer;
    private final Backends backends;
    private final ModelRegistry registry;
    private final ResponseCache responseCache;
    private final AtomicReference<LogSettings> logSettings =
            new AtomicReference<>(new LogSettings("", true, true, true, 0, "default"));
    private final Object inFlightLock = new Object();
    private final SystemSharedMemory sharedMemory = new SystemSharedMemory();
    private int inFlight;
    private volatile boolean accepting = true;
    /** Set by {@link #drain()}: not ready, no new requests, accepted ones still served; live until stopped. */
    private volatile boolean draining;
    private volatile java.util.function.Consumer<LogSettings> logLevels = settings -> { };

    /**
     * Makes the logging endpoints change Karaf's logging (Pax Logging's level of org.tritonosgi); without a
     * ConfigurationAdmin (outside OSGi) the settings are only stored.
     */
    void useKarafLogging(ConfigurationAdmin configurationAdmin) {
        if (configurationAdmin != null) {
            this.logLevels = settings -> PaxLogLevels.apply(configurationAdmin, settings);
        }
    }

    /** Starts an engine outside OSGi (tests, benchmarks). */
    public EmbeddedInferenceServer(Settings settings, String version) {
        this.settings = settings;
        this.version = version;
        this.executor = new ThreadPoolExecutor(settings.executionThreads(), settings.executionThreads(), 0,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads("execution"));
        this.timer = new ScheduledThreadPoolExecutor(1, threads("timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.backends = new Backends(settings);
        this.responseCache = new ResponseCache(settings.responseCacheSize());
        this.registry = new ModelRegistry(settings, new ModelLoader(settings, backends, this));
        registry.start(timer);
        long ready = index(true).size();
        LOG.info("Triton embedded engine '{}' started: {} model version(s) ready, {} not ready, control mode {}, "
                        + "repositories {}", settings.serverId(), ready, index(false).size() - ready,
                settings.controlMode().name().toLowerCase(java.util.Locale.ROOT), settings.repositories());
    }

    private ThreadFactory threads(String kind) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "triton-embedded-" + settings.serverId() + "-" + kind + "-"
                    + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public ResponseCache responseCache() {
        return responseCache;
    }

    @Override
    public boolean isExiting() {
        synchronized (inFlightLock) {
            return !accepting || draining;
        }
    }

    @Override
    public void begin() {
        synchronized (inFlightLock) {
            if (!accepting || draining) {
                throw TritonException.unavailable("Server exiting");
            }
            inFlight++;
        }
    }

    @Override
    public void end() {
        synchronized (inFlightLock) {
            inFlight--;
            inFlightLock.notifyAll();
        }
    }

    /**
     * Prepares a stop while the frontends still serve (SIGTERM, {@link TermSignalDrain}): the server turns not
     * ready and refuses new requests with UNAVAILABLE, as Triton does while exiting, and this waits up to
     * exit.timeout for the accepted ones to finish. It stays live; {@link #deactivate()} follows.
     *
     * @return whether every accepted request finished in time
     */
    public boolean drain() {
        synchronized (inFlightLock) {
            draining = true;
        }
        return awaitDrained(settings.exitTimeout().toNanos());
    }

    /** Stops the engine (its owner unregisters it first, so frontends stop before it). */
    public void deactivate() {
        sharedMemory.unregisterAll();
        synchronized (inFlightLock) {
            accepting = false;
        }
        registry.stop();
        boolean drained = awaitDrained(settings.exitTimeout().toNanos());
        for (ServedModel model : registry.versions()) {
            if (drained) {
                model.retire("server exiting");
            } else {
                model.abort();
            }
        }
        if (!drained) {
            LOG.warn("Triton embedded engine '{}': exit.timeout of {} ms passed with requests in flight; they got "
                    + "UNAVAILABLE", settings.serverId(), settings.exitTimeout().toMillis());
        }
        executor.shutdown();
        timer.shutdownNow();
        LOG.info("Triton embedded engine '{}' stopped", settings.serverId());
    }

    private boolean awaitDrained(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (inFlightLock) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return inFlight == 0;
        }
    }

    /**
     * A backend another bundle registered: models that name it load now.
     *
     * @param name the service's {@value org.tritonosgi.api.backend.ModelBackend#BACKEND_PROPERTY} property
     */
    public void addBackend(String name, org.tritonosgi.api.backend.ModelBackend backend) {
        String refused = backends.add(name, backend);
        if (!refused.isEmpty()) {
            LOG.warn("Triton embedded engine '{}': {}", settings.serverId(), refused);
            return;
        }
        LOG.info("Triton embedded engine '{}': backend '{}' added", settings.serverId(), name);
        registry.backendChanged(name, true);
    }

    /** A backend's service went away: models that use it become UNAVAILABLE with a reason naming it. */
    public void removeBackend(String name, org.tritonosgi.api.backend.ModelBackend backend) {
        if (backends.remove(name, backend)) {
            LOG.info("Triton embedded engine '{}': backend '{}' removed", settings.serverId(), name);
            registry.backendChanged(name, false);
        }
    }

    /** OrtValues not yet closed; 0 whenever no ONNX Runtime run is in progress. */
    long liveOrtValues() {
        return backends.liveOrtValues();
    }

    @Override
    public String id() {
        return settings.serverId();
    }

    @Override
    public boolean isLive() {
        return accepting;
    }

    @Override
    public boolean isReady() {
        return accepting && !draining && (!settings.strictReadiness()
                || registry.entries().stream().noneMatch(ModelEntry::blocksReadiness));
    }

    @Override
    public SystemSharedMemory systemSharedMemory() {
        return sharedMemory;
    }

    @Override
    public ServerMetadata metadata() {
        return new ServerMetadata(settings.serverId(), version,
                List.of("model_repository", "model_repository(unload_dependents)", "model_configuration",
                        "statistics", "sequence"));
    }

    @Override
    public Model model(String name, long version) {
        ModelEntry entry = registry.get(name);
        if ((entry == null || !hasReadyVersion(entry)) && registry.isLoading(name)) {
            // Triton's answers while a model's first (or failed model's next) load is in progress
            if (version > 0) {
                throw TritonException.unavailable("Request for unknown model: '" + name + "' version " + version
                        + " is not at ready state");
            }
            throw new TritonException(TritonException.Code.NOT_FOUND, "Request for unknown model: '" + name
                    + "' has no available versions");
        }
        if (entry == null) {
            throw TritonException.invalidArg("Request for unknown model: '" + name + "' is not found");
        }
        if (version > 0) {
            ServedModel model = entry.versions().get(version);
            if (model == null) {
                throw new TritonException(TritonException.Code.NOT_FOUND,
                        "Request for unknown model: '" + name + "' version " + version + " is not found");
            }
            return model;
        }
        for (ServedModel model : entry.versions().descendingMap().values()) {
            if (model.isReady()) {
                return model;
            }
        }
        String why = entry.unloaded() ? "unloaded" : entry.problem();
        if (why.isEmpty() && !entry.versions().isEmpty()) {
            why = entry.versions().lastEntry().getValue().reason();
        }
        throw new TritonException(TritonException.Code.NOT_FOUND, "Request for unknown model: '" + name
                + "' has no available versions" + (why.isEmpty() ? "" : ": " + why));
    }

    private static boolean hasReadyVersion(ModelEntry entry) {
        return entry.versions().values().stream().anyMatch(ServedModel::isReady);
    }

    @Override
    public List<ModelIndexEntry> index(boolean readyOnly) {
        List<ModelIndexEntry> rows = new ArrayList<>();
        java.util.Set<String> loading = new java.util.TreeSet<>();
        for (ModelEntry entry : registry.entries()) {
            if (!readyOnly && !hasReadyVersion(entry) && registry.isLoading(entry.name())) {
                loading.add(entry.name());
                continue;
            }
            if (entry.versions().isEmpty() && !readyOnly) {
                rows.add(new ModelIndexEntry(entry.name(), 0, ModelRegistry.stateOf(entry),
                        entry.unloaded() ? "unloaded" : entry.problem()));
            }
            for (ServedModel model : entry.versions().values()) {
                if (!readyOnly || model.isReady()) {
                    rows.add(new ModelIndexEntry(entry.name(), model.version(), model.state(), model.reason()));
                }
            }
        }
        if (!readyOnly) {
            if (settings.controlMode() == Settings.ControlMode.EXPLICIT) {
                for (String name : registry.notLoaded()) {
                    if (registry.isLoading(name)) {
                        loading.add(name);
                    } else {
                        rows.add(new ModelIndexEntry(name, 0, ModelState.UNKNOWN, ""));
                    }
                }
            }
            loading.forEach(name -> rows.add(new ModelIndexEntry(name, 0, ModelState.LOADING, "")));
            rows.sort(java.util.Comparator.comparing(ModelIndexEntry::name)
                    .thenComparingLong(ModelIndexEntry::version));
        }
        return rows;
    }

    @Override
    public CompletionStage<Void> load(String name, LoadOptions options) {
        return registry.load(name, options);
    }

    @Override
    public CompletionStage<Void> unload(String name, boolean unloadDependents) {
        return registry.unload(name, unloadDependents);
    }

    @Override
    public List<ModelStatistics> statistics(String name, long version) {
        List<ModelStatistics> stats = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            registry.versions().stream().filter(ServedModel::isReady).forEach(m -> stats.add(m.statistics()));
            return stats;
        }
        if (version > 0) {
            ServedModel model = (ServedModel) model(name, version);
            if (!model.isReady()) {
                throw TritonException.unavailable("Request for unknown model: '" + name + "' version " + version
                        + " is not at ready state");
            }
            return List.of(model.statistics());
        }
        model(name, 0);
        registry.get(name).versions().values().stream().filter(ServedModel::isReady)
                .forEach(model -> stats.add(model.statistics()));
        return stats;
    }

    @Override
    public LogSettings logSettings() {
        return logSettings.get();
    }

    @Override
    public LogSettings updateLogSettings(LogSettings update) {
        if (!update.logFile().equals(logSettings.get().logFile())) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, "log_file cannot be changed at run time");
        }
        if (update.verboseLevel() < 0 || !("default".equals(update.format()) || "ISO8601".equals(update.format()))) {
            throw TritonException.invalidArg("log_verbose_level must be >= 0 and log_format 'default' or 'ISO8601'");
        }
        logLevels.accept(update);
        logSettings.set(update);
        return update;
    }
}
