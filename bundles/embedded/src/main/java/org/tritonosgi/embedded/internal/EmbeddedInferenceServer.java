package org.tritonosgi.embedded.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
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

/**
 * The embedded engine: loads every model of its repositories at start (Triton's model control mode "none") and
 * serves them in process. SCR unregisters this service before {@link #deactivate()}, so bound frontends stop first;
 * stopping then refuses new work, waits up to exit.timeout for in-flight executions, and releases the backends.
 */
@Component(service = InferenceServer.class, configurationPid = Settings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        property = InferenceServer.SERVER_ID_PROPERTY + "=triton")
@Designate(ocd = EmbeddedConfig.class)
public final class EmbeddedInferenceServer implements InferenceServer, ServedModel.Execution {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInferenceServer.class);

    private final Settings settings;
    private final String version;
    private final ExecutorService executor;
    private final Map<String, ModelEntry> models;
    private final AtomicReference<LogSettings> logSettings =
            new AtomicReference<>(new LogSettings("", true, true, true, 0, "default"));
    private volatile boolean accepting = true;

    /** A model folder: either a problem that kept it from loading, or its served versions. */
    private record ModelEntry(String name, String problem, NavigableMap<Long, ServedModel> versions) {
    }

    @Activate
    public EmbeddedInferenceServer(EmbeddedConfig config, BundleContext context) {
        this(Settings.from(config), context.getBundle().getVersion().toString());
    }

    /** Starts an engine outside OSGi (tests, benchmarks). */
    public EmbeddedInferenceServer(Settings settings, String version) {
        this.settings = settings;
        this.version = version;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.executionThreads(), settings.executionThreads(), 0,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task,
                            "triton-embedded-" + settings.serverId() + "-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.models = Collections.unmodifiableMap(loadRepositories());
        long ready = index(true).size();
        long unavailable = index(false).size() - ready;
        LOG.info("Triton embedded engine '{}' started: {} model version(s) ready, {} unavailable, repositories {}",
                settings.serverId(), ready, unavailable, settings.repositories());
    }

    private Map<String, ModelEntry> loadRepositories() {
        Map<String, ModelEntry> loaded = new TreeMap<>();
        Map<String, Path> seenIn = new TreeMap<>();
        for (Path repository : settings.repositories()) {
            if (!Files.isDirectory(repository)) {
                LOG.warn("PID {}: model repository '{}' (property model.repository) is not a directory; skipped",
                        Settings.PID, repository);
                continue;
            }
            List<Path> modelDirs;
            try (var children = Files.list(repository)) {
                modelDirs = children.filter(Files::isDirectory).sorted().toList();
            } catch (java.io.IOException e) {
                LOG.warn("PID {}: cannot list model repository '{}': {}", Settings.PID, repository, e.toString());
                continue;
            }
            for (Path modelDir : modelDirs) {
                String name = modelDir.getFileName().toString();
                Path earlier = seenIn.putIfAbsent(name, repository);
                if (earlier != null) {
                    loaded.get(name).versions().values().forEach(ServedModel::close);
                    loaded.put(name, failed(name, "model '" + name + "' appears in repositories " + earlier
                            + " and " + repository + "; model names must be unique"));
                    continue;
                }
                loaded.put(name, loadModel(modelDir));
            }
        }
        return loaded;
    }

    private ModelEntry loadModel(Path modelDir) {
        String name = modelDir.getFileName().toString();
        org.tritonosgi.api.config.ModelConfig config;
        List<Long> versions;
        try {
            config = ModelConfigReader.read(modelDir);
            versions = VersionPolicy.select(name, config.getVersionPolicy(), VersionPolicy.versionsIn(modelDir));
        } catch (TritonException e) {
            return failed(name, e.getMessage());
        }
        NavigableMap<Long, ServedModel> served = new TreeMap<>();
        for (long v : versions) {
            try {
                served.put(v, ServedModel.ready(config, v, Backends.load(config, modelDir.resolve(Long.toString(v))),
                        this));
            } catch (TritonException e) {
                LOG.warn("Triton embedded engine '{}': model '{}' version {} is unavailable: {}", settings.serverId(),
                        name, v, e.getMessage());
                served.put(v, ServedModel.unavailable(config, v, e.getMessage()));
            }
        }
        return new ModelEntry(name, "", Collections.unmodifiableNavigableMap(served));
    }

    private ModelEntry failed(String name, String problem) {
        LOG.warn("Triton embedded engine '{}': model '{}' is unavailable: {}", settings.serverId(), name, problem);
        return new ModelEntry(name, problem, Collections.emptyNavigableMap());
    }

    @Override
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        if (!accepting) {
            return CompletableFuture.failedFuture(TritonException.unavailable("Server exiting"));
        }
        try {
            return CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(TritonException.unavailable("Server exiting"));
        }
    }

    @Deactivate
    public void deactivate() {
        accepting = false;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.exitTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                int abandoned = executor.shutdownNow().size();
                LOG.warn("Triton embedded engine '{}': exit.timeout of {} s passed; {} queued request(s) abandoned",
                        settings.serverId(), settings.exitTimeout().toSeconds(), abandoned);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        models.values().forEach(entry -> entry.versions().values().forEach(ServedModel::close));
        LOG.info("Triton embedded engine '{}' stopped", settings.serverId());
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
        if (!accepting) {
            return false;
        }
        return !settings.strictReadiness() || index(false).stream().allMatch(e -> e.state() == ModelState.READY);
    }

    @Override
    public ServerMetadata metadata() {
        return new ServerMetadata(settings.serverId(), version, List.of("model_configuration", "statistics"));
    }

    @Override
    public Model model(String name, long version) {
        ModelEntry entry = models.get(name);
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
        throw new TritonException(TritonException.Code.NOT_FOUND, "Request for unknown model: '" + name
                + "' has no available versions" + (entry.problem().isEmpty() ? "" : ": " + entry.problem()));
    }

    @Override
    public List<ModelIndexEntry> index(boolean readyOnly) {
        List<ModelIndexEntry> rows = new ArrayList<>();
        for (ModelEntry entry : models.values()) {
            if (entry.versions().isEmpty() && !readyOnly) {
                rows.add(new ModelIndexEntry(entry.name(), 0, ModelState.UNAVAILABLE, entry.problem()));
            }
            for (ServedModel model : entry.versions().values()) {
                if (!readyOnly || model.isReady()) {
                    rows.add(new ModelIndexEntry(entry.name(), model.version(), model.state(), model.reason()));
                }
            }
        }
        return rows;
    }

    @Override
    public CompletionStage<Void> load(String name, LoadOptions options) {
        return CompletableFuture.failedFuture(notInThisMode());
    }

    @Override
    public CompletionStage<Void> unload(String name, boolean unloadDependents) {
        return CompletableFuture.failedFuture(notInThisMode());
    }

    private static TritonException notInThisMode() {
        return new TritonException(TritonException.Code.UNSUPPORTED,
                "explicit model load / unload is not allowed in model control mode 'none'");
    }

    @Override
    public List<ModelStatistics> statistics(String name, long version) {
        List<ModelStatistics> stats = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            models.values().forEach(entry -> entry.versions().values().stream().filter(ServedModel::isReady)
                    .forEach(model -> stats.add(model.statistics())));
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
        models.get(name).versions().values().stream().filter(ServedModel::isReady)
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
        logSettings.set(update);
        return update;
    }
}
