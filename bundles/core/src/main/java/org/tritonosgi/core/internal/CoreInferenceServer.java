package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.ptr.ByteByReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
 * The native core: Triton's in-process server from libtritonserver, registered as {@link InferenceServer}.
 * {@link CoreLauncher} creates it from PID {@code org.tritonosgi.core} once the values and the library are good.
 * SCR unregisters the service before {@link #deactivate()}, so frontends stop first; stopping then refuses new work,
 * waits up to exit.timeout, stops and deletes the server. Later calls get UNAVAILABLE.
 */
@Component(service = InferenceServer.class, factory = CoreInferenceServer.FACTORY,
        property = InferenceServer.SERVER_ID_PROPERTY + "=triton")
public final class CoreInferenceServer implements InferenceServer {

    /** The component factory {@link CoreLauncher} creates the server from. */
    static final String FACTORY = "org.tritonosgi.core.server";

    private static final Logger LOG = LoggerFactory.getLogger(CoreInferenceServer.class);
    private static final int LOG_INFO = 0;
    private static final int LOG_WARN = 1;
    private static final int LOG_ERROR = 2;
    private static final int INDEX_READY = 1;

    private final Settings settings;
    private final NativeServer server;
    private final ExecutorService loader;
    private final SystemSharedMemory sharedMemory = new SystemSharedMemory();

    @Activate
    public CoreInferenceServer(CoreConfig config) {
        this(Settings.from(config));
    }

    /**
     * Loads the library, checks its API version and starts the server (also outside OSGi: tests, benchmarks).
     *
     * @throws LibraryLoadException when the library is missing or of another API version
     * @throws TritonException when Triton refuses the options or fails to start
     */
    public CoreInferenceServer(Settings settings) {
        this.settings = settings;
        TritonLibrary.register(settings.libraryPath());
        String apiVersion = Triton.checkApiVersion(settings.libraryPath());
        this.server = NativeServer.start(settings);
        this.loader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "triton-core-" + settings.serverId() + "-load");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ServerMetadata metadata = metadata();
            LOG.info("Triton native core '{}' started: {} {} (TRITONSERVER API {}) from '{}', {} model version(s) "
                    + "ready, repositories {}", settings.serverId(), metadata.name(), metadata.version(), apiVersion,
                    settings.libraryPath().isEmpty() ? TritonLibrary.DEFAULT_NAME : settings.libraryPath(),
                    index(true).size(), settings.repositories());
        } catch (RuntimeException e) {
            loader.shutdownNow();
            server.close(settings.exitTimeout());
            throw e;
        }
    }

    @Deactivate
    public void deactivate() {
        sharedMemory.unregisterAll();
        loader.shutdown();
        boolean freed = server.close(settings.exitTimeout());
        loader.shutdownNow();
        LOG.info("Triton native core '{}' stopped{}", settings.serverId(), freed ? "" : " (server not freed)");
    }

    @Override
    public String id() {
        return settings.serverId();
    }

    @Override
    public boolean isLive() {
        return health(true);
    }

    @Override
    public boolean isReady() {
        return health(false);
    }

    /** Triton answers UNAVAILABLE "Server exiting" while stopping: that is "no", not an error. */
    private boolean health(boolean live) {
        try {
            return server.call(handle -> {
                ByteByReference answer = new ByteByReference();
                Triton.check(live ? TRITONSERVER_ServerIsLive(handle, answer)
                        : TRITONSERVER_ServerIsReady(handle, answer));
                return answer.getValue() != 0;
            });
        } catch (TritonException e) {
            if (e.code() == TritonException.Code.UNAVAILABLE) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public SystemSharedMemory systemSharedMemory() {
        return sharedMemory;
    }

    @Override
    public ServerMetadata metadata() {
        return JsonMapping.serverMetadata(server.query(TritonLibrary::TRITONSERVER_ServerMetadata));
    }

    @Override
    public Model model(String name, long version) {
        List<ModelIndexEntry> index = index(false);
        boolean known = false;
        long latestReady = -1;
        for (ModelIndexEntry entry : index) {
            if (!entry.name().equals(name)) {
                continue;
            }
            known = true;
            if (version > 0 && entry.version() == version) {
                return new CoreModel(this, server, name, version);
            }
            if (entry.state() == ModelState.READY) {
                latestReady = Math.max(latestReady, entry.version());
            }
        }
        if (!known) {
            throw TritonException.invalidArg("Request for unknown model: '" + name + "' is not found");
        }
        if (version > 0) {
            throw new TritonException(TritonException.Code.NOT_FOUND,
                    "Request for unknown model: '" + name + "' version " + version + " is not found");
        }
        if (latestReady < 0) {
            throw new TritonException(TritonException.Code.NOT_FOUND,
                    "Request for unknown model: '" + name + "' has no available versions");
        }
        return new CoreModel(this, server, name, latestReady);
    }

    @Override
    public List<ModelIndexEntry> index(boolean readyOnly) {
        return JsonMapping.index(server.query((handle, out) ->
                TRITONSERVER_ServerModelIndex(handle, readyOnly ? INDEX_READY : 0, out)));
    }

    @Override
    public CompletionStage<Void> load(String name, LoadOptions options) {
        return submit(() -> server.call(handle -> {
            if (options.configJson().isEmpty()) {
                Triton.check(TRITONSERVER_ServerLoadModel(handle, name));
            } else {
                LoadParameters.load(handle, name, options);
            }
            return null;
        }));
    }

    @Override
    public CompletionStage<Void> unload(String name, boolean unloadDependents) {
        return submit(() -> server.call(handle -> {
            Triton.check(unloadDependents ? TRITONSERVER_ServerUnloadModelAndDependents(handle, name)
                    : TRITONSERVER_ServerUnloadModel(handle, name));
            return null;
        }));
    }

    /** Load and unload block in Triton, so they run on the component's own thread, never the caller's. */
    private CompletionStage<Void> submit(java.util.function.Supplier<Void> work) {
        try {
            return CompletableFuture.supplyAsync(work, loader);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(TritonException.unavailable("Server exiting"));
        }
    }

    @Override
    public List<ModelStatistics> statistics(String name, long version) {
        if (name != null && !name.isEmpty() && index(false).stream().noneMatch(entry -> entry.name().equals(name))) {
            // the C API answers NOT_FOUND here; Triton's frontends answer an unknown name with INVALID_ARG, as model()
            throw TritonException.invalidArg("Request for unknown model: '" + name + "' is not found");
        }
        return JsonMapping.statistics(server.query((handle, out) -> TRITONSERVER_ServerModelStatistics(handle,
                name == null ? "" : name, version > 0 ? version : -1, out)));
    }

    @Override
    public LogSettings logSettings() {
        return server.call(handle -> new LogSettings(settings.logFile(), TRITONSERVER_LogIsEnabled(LOG_INFO) != 0,
                TRITONSERVER_LogIsEnabled(LOG_WARN) != 0, TRITONSERVER_LogIsEnabled(LOG_ERROR) != 0,
                settings.logVerbose(), settings.logFormat()));
    }

    /** The TRITONSERVER C API has no call to change log settings of a running server. */
    @Override
    public LogSettings updateLogSettings(LogSettings update) {
        LogSettings current = logSettings();
        if (!current.equals(update)) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, "log settings of the native core are set "
                    + "in PID " + Settings.PID + " (log.*) and cannot be changed at run time");
        }
        return current;
    }

    /** Requests in flight, for tests. */
    int inflight() {
        return server.inflight();
    }
}
