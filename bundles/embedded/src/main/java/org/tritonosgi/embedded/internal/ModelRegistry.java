package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelConfigJson;

/**
 * The models the engine holds, kept in step with the repositories by the model control mode: none loads all at
 * start, explicit loads startup.models and then what is asked for, poll follows additions, changes and removals.
 * Loads, unloads and polls run one at a time on the registry's own thread; a replaced version is retired, so its
 * accepted requests finish.
 */
final class ModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final Settings settings;
    private final ModelLoader loader;
    private final ConcurrentSkipListMap<String, ModelEntry> entries = new ConcurrentSkipListMap<>();
    /** Models being loaded now (shown LOADING until they have a ready version). */
    private final java.util.Set<String> loading = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Models loaded only because an ensemble needs them (explicit mode); changed on the registry's thread. */
    private final java.util.Set<String> implicit = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService changes;
    private ScheduledFuture<?> polling;

    ModelRegistry(Settings settings, ModelLoader loader) {
        this.settings = settings;
        this.loader = loader;
        this.changes = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "triton-embedded-" + settings.serverId() + "-repository");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads what the control mode loads at start, and starts polling in poll mode. */
    void start(ScheduledExecutorService timer) {
        Map<String, Path> found = scanAndFlag().found();
        switch (settings.controlMode()) {
            case EXPLICIT -> {
                List<String> startup = settings.startupModels();
                for (String name : startup.contains("*") ? List.copyOf(found.keySet()) : startup) {
                    Path dir = found.get(name);
                    if (dir == null) {
                        LOG.warn("PID {}: startup model '{}' (property startup.models) is not in the repositories {}",
                                settings.pid(), name, settings.repositories());
                    } else if (entries.containsKey(name)) {
                        // already loaded as a composing model of an ensemble listed before it: named, so explicit
                        implicit.remove(name);
                    } else {
                        ModelEntry entry = loadAndPublish(name, () -> loader.load(name, dir, null));
                        loadComposing(entry, new java.util.HashSet<>(List.of(name)));
                    }
                }
            }
            case NONE, POLL -> found.forEach((name, dir) -> loadAndPublish(name, () -> loader.load(name, dir, null)));
        }
        if (settings.controlMode() == Settings.ControlMode.POLL) {
            long period = settings.pollInterval().toMillis();
            polling = timer.scheduleWithFixedDelay(() -> changes.execute(this::poll), period, period,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Whether a load of the model is in progress. */
    boolean isLoading(String name) {
        return loading.contains(name);
    }

    /** Loads the model and puts it in place of what was there; it shows as LOADING until then. */
    private ModelEntry loadAndPublish(String name, java.util.function.Supplier<ModelEntry> load) {
        loading.add(name);
        try {
            ModelEntry entry = load.get();
            replace(name, entry);
            return entry;
        } finally {
            loading.remove(name);
        }
    }

    /** Model folders by name across the repositories, and the names found in two of them (name to problem). */
    private record Scan(Map<String, Path> found, Map<String, String> duplicates) {
    }

    private Scan scan() {
        Map<String, Path> found = new TreeMap<>();
        Map<String, String> duplicates = new TreeMap<>();
        for (Path repository : settings.repositories()) {
            if (!Files.isDirectory(repository)) {
                LOG.warn("PID {}: model repository '{}' (property model.repository) is not a directory; skipped",
                        settings.pid(), repository);
                continue;
            }
            try (Stream<Path> children = Files.list(repository)) {
                for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                    String name = dir.getFileName().toString();
                    Path earlier = found.putIfAbsent(name, dir);
                    if (earlier != null) {
                        // positions, not paths: the reason reaches clients through the repository index
                        duplicates.put(name, "model '" + name + "' appears in model.repository entries "
                                + (settings.repositories().indexOf(earlier.getParent()) + 1) + " and "
                                + (settings.repositories().indexOf(repository) + 1)
                                + "; model names must be unique across repositories");
                    }
                }
            } catch (IOException e) {
                LOG.warn("PID {}: cannot list model repository '{}': {}", settings.pid(), repository, e.toString());
            }
        }
        duplicates.keySet().forEach(found::remove);
        return new Scan(found, duplicates);
    }

    /** The folders to load; each name found in two repositories is recorded as a model that cannot load. */
    private Scan scanAndFlag() {
        Scan scan = scan();
        scan.duplicates().forEach((name, problem) -> {
            ModelEntry current = entries.get(name);
            if (current == null || !current.problem().equals(problem)) {
                LOG.warn("Triton embedded engine '{}': {}", settings.serverId(), problem);
                replace(name, ModelEntry.failed(name, null, "", problem));
            }
        });
        return scan;
    }

    /** Rescans the repositories: loads new models, reloads changed ones, unloads removed ones. */
    void poll() {
        Scan scan = scanAndFlag();
        Map<String, Path> found = scan.found();
        found.forEach((name, dir) -> {
            ModelEntry current = entries.get(name);
            if (current == null || !current.fingerprint().equals(ModelLoader.fingerprint(dir))) {
                LOG.info("Triton embedded engine '{}': {} model '{}'", settings.serverId(),
                        current == null ? "loading new" : "reloading changed", name);
                loadAndPublish(name, () -> loader.load(name, dir, null));
            }
        });
        for (ModelEntry entry : List.copyOf(entries.values())) {
            if (!found.containsKey(entry.name()) && !scan.duplicates().containsKey(entry.name())) {
                LOG.info("Triton embedded engine '{}': unloading removed model '{}'", settings.serverId(),
                        entry.name());
                entries.remove(entry.name());
                retire(entry, "removed from the repository");
            }
        }
    }

    ModelEntry get(String name) {
        return entries.get(name);
    }

    List<ModelEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** Models in the repositories that were never loaded (explicit mode), by name. */
    List<String> notLoaded() {
        List<String> names = new ArrayList<>();
        for (String name : scan().found().keySet()) {
            if (!entries.containsKey(name)) {
                names.add(name);
            }
        }
        return names;
    }

    CompletionStage<Void> load(String name, LoadOptions options) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (settings.controlMode() != Settings.ControlMode.EXPLICIT) {
            return CompletableFuture.failedFuture(notExplicit());
        }
        changes.execute(() -> {
            try {
                ModelEntry entry = loadAndPublish(name, () -> loadNow(name, options));
                implicit.remove(name);
                loadComposing(entry, new java.util.HashSet<>(List.of(name)));
                String problem = problem(entry);
                if (problem.isEmpty()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(TritonException.invalidArg("load failed for model '" + name + "': "
                            + problem));
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(TritonException.of(e));
            }
        });
        return done;
    }

    private ModelEntry loadNow(String name, LoadOptions options) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..")
                || name.equals(".") || name.indexOf('\0') >= 0) {
            throw TritonException.invalidArg("invalid model name '" + name + "'");
        }
        if (options.configJson().isEmpty()) {
            Path dir = scan().found().get(name);
            if (dir == null) {
                throw TritonException.invalidArg("failed to load '" + name + "': no model folder of that name in "
                        + "the model repository");
            }
            return loader.load(name, dir, null);
        }
        ModelConfig.Builder override;
        try {
            override = ModelConfigJson.read(options.configJson().get(), true);
        } catch (IllegalArgumentException e) {
            throw TritonException.invalidArg("load of model '" + name + "': invalid 'config' JSON: " + e.getMessage());
        }
        if (options.files().isEmpty()) {
            Path dir = scan().found().get(name);
            if (dir == null) {
                throw TritonException.invalidArg("failed to load '" + name + "': no model folder of that name in "
                        + "the model repository, and no files given");
            }
            return loader.load(name, dir, override).loadedWith(options);
        }
        Path root = OverrideFiles.write(name, options.files());
        try {
            return loader.load(name, root.resolve(name), override).loadedWith(options);
        } finally {
            OverrideFiles.delete(root);
        }
    }

    /** Explicit mode loads the composing models of an ensemble that are not loaded yet, as Triton does. */
    private void loadComposing(ModelEntry entry, java.util.Set<String> seen) {
        for (ServedModel model : entry.versions().values()) {
            if (!EnsembleGraph.isEnsemble(model.config())) {
                continue;
            }
            for (var step : model.config().getEnsembleScheduling().getStepList()) {
                String composing = step.getModelName();
                ModelEntry current = entries.get(composing);
                if (seen.add(composing) && (current == null || current.unloaded())) {
                    Path dir = scan().found().get(composing);
                    if (dir != null) {
                        LOG.info("Triton embedded engine '{}': loading model '{}', a composing model of ensemble '{}'",
                                settings.serverId(), composing, entry.name());
                        implicit.add(composing);
                        ModelEntry loaded = loadAndPublish(composing, () -> loader.load(composing, dir, null));
                        loadComposing(loaded, seen);
                    }
                }
            }
        }
    }

    /**
     * A backend from another bundle came or went: models naming it that are loaded (or failed to load) are loaded
     * again when it comes; when it goes, their versions are retired with a reason naming it. Unloaded models stay
     * unloaded.
     */
    void backendChanged(String backend, boolean available) {
        try {
            changes.execute(() -> backendChangedNow(backend, available));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the engine is stopping; its models are retired anyway
        }
    }

    private void backendChangedNow(String backend, boolean available) {
        {
            for (ModelEntry entry : List.copyOf(entries.values())) {
                if (entry.unloaded() || entry.dir() == null || !entry.backend().equals(backend)) {
                    continue;
                }
                if (available) {
                    LOG.info("Triton embedded engine '{}': backend '{}' is available; loading model '{}'",
                            settings.serverId(), backend, entry.name());
                    loadAndPublish(entry.name(), () -> reload(entry));
                } else {
                    LOG.warn("Triton embedded engine '{}': backend '{}' is gone; model '{}' is unavailable",
                            settings.serverId(), backend, entry.name());
                    retire(entry, "backend '" + backend + "' is no longer available (the bundle providing it"
                            + " stopped or unregistered it)");
                }
            }
        }
    }

    /** The entry loaded again as it was loaded: from its folder, or with the load request's config and files. */
    private ModelEntry reload(ModelEntry entry) {
        if (entry.options() == null) {
            return loader.load(entry.name(), entry.dir(), null);
        }
        try {
            return loadNow(entry.name(), entry.options());
        } catch (TritonException e) {
            LOG.warn("Triton embedded engine '{}': model '{}' is unavailable: {}", settings.serverId(), entry.name(),
                    e.getMessage());
            return ModelEntry.failed(entry.name(), entry.dir(), entry.fingerprint(), e.getMessage(), entry.backend())
                    .loadedWith(entry.options());
        }
    }

    private static String problem(ModelEntry entry) {
        if (!entry.problem().isEmpty()) {
            return entry.problem();
        }
        for (ServedModel model : entry.versions().values()) {
            if (!model.isReady()) {
                return "version " + model.version() + " is at " + model.state() + " state: " + model.reason();
            }
        }
        return "";
    }

    /**
     * Unloads a model; with {@code dependents}, as Triton's unload_dependents, also the composing models its
     * ensemble versions loaded (not those loaded by name, nor those another loaded ensemble still uses), and
     * theirs in turn.
     */
    CompletionStage<Void> unload(String name, boolean dependents) {
        if (settings.controlMode() != Settings.ControlMode.EXPLICIT) {
            return CompletableFuture.failedFuture(notExplicit());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        changes.execute(() -> {
            ModelEntry entry = entries.get(name);
            if (entry == null && !scan().found().containsKey(name)) {
                done.completeExceptionally(TritonException.invalidArg("failed to unload '" + name
                        + "', no model of that name"));
                return;
            }
            if (entry != null && !entry.unloaded()) {
                unloadNow(entry);
                if (dependents) {
                    unloadComposing(entry);
                }
            }
            done.complete(null);
        });
        return done;
    }

    private void unloadNow(ModelEntry entry) {
        entries.put(entry.name(), entry.asUnloaded());
        implicit.remove(entry.name());
        retire(entry, "unloaded");
        LOG.info("Triton embedded engine '{}': unloaded model '{}'", settings.serverId(), entry.name());
    }

    private void unloadComposing(ModelEntry ensemble) {
        for (String composing : composingModels(ensemble)) {
            ModelEntry entry = entries.get(composing);
            if (entry != null && !entry.unloaded() && implicit.contains(composing) && !usedByLoadedEnsemble(composing)) {
                unloadNow(entry);
                unloadComposing(entry);
            }
        }
    }

    private static java.util.Set<String> composingModels(ModelEntry entry) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (ServedModel model : entry.versions().values()) {
            if (EnsembleGraph.isEnsemble(model.config())) {
                model.config().getEnsembleScheduling().getStepList().forEach(step -> names.add(step.getModelName()));
            }
        }
        return names;
    }

    private boolean usedByLoadedEnsemble(String name) {
        return entries.values().stream().anyMatch(entry -> !entry.unloaded()
                && composingModels(entry).contains(name));
    }

    private TritonException notExplicit() {
        // Triton's words whether the mode is none or poll: its clients and tests match them
        return TritonException.unavailable("explicit model load / unload is not allowed if polling is enabled "
                + "(model control mode is '" + settings.controlMode().name().toLowerCase(java.util.Locale.ROOT)
                + "'; load and unload need 'explicit')");
    }

    private void replace(String name, ModelEntry next) {
        ModelEntry previous = entries.put(name, next);
        if (previous != null) {
            retire(previous, "unloaded");
        }
    }

    private static void retire(ModelEntry entry, String why) {
        entry.versions().values().forEach(model -> model.retire(why));
    }

    /** Stops polling and the registry's thread; the engine then retires or aborts the models. */
    void stop() {
        if (polling != null) {
            polling.cancel(false);
        }
        changes.shutdownNow();
    }

    /** Every served version, oldest model name first. */
    List<ServedModel> versions() {
        List<ServedModel> all = new ArrayList<>();
        entries.values().forEach(entry -> all.addAll(entry.versions().values()));
        all.sort(Comparator.comparing(ServedModel::name).thenComparingLong(ServedModel::version));
        return all;
    }

    /** The state to list for a model entry without versions. */
    static ModelState stateOf(ModelEntry entry) {
        return entry.unloaded() || !entry.problem().isEmpty() ? ModelState.UNAVAILABLE : ModelState.UNKNOWN;
    }
}
