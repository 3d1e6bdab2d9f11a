package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checked engine settings, built from PID {@code org.tritonosgi.embedded}, from a factory configuration of
 * {@code org.tritonosgi.embedded.instance}, or directly by tests; {@code pid} is the configuration that log lines
 * and errors name.
 */
public record Settings(List<Path> repositories, String serverId, ControlMode controlMode, List<String> startupModels,
        Duration pollInterval, boolean strictModelConfig, boolean strictReadiness, Duration exitTimeout,
        int executionThreads, int intraOpThreads, int defaultMaxBatchSize, String pid, long responseCacheSize) {

    static final String PID = "org.tritonosgi.embedded";

    /** Triton's model control modes. */
    public enum ControlMode {
        NONE, EXPLICIT, POLL
    }

    /** Settings without a response cache. */
    public Settings(List<Path> repositories, String serverId, ControlMode controlMode, List<String> startupModels,
            Duration pollInterval, boolean strictModelConfig, boolean strictReadiness, Duration exitTimeout,
            int executionThreads, int intraOpThreads, int defaultMaxBatchSize, String pid) {
        this(repositories, serverId, controlMode, startupModels, pollInterval, strictModelConfig, strictReadiness,
                exitTimeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, 0);
    }

    public Settings {
        repositories = List.copyOf(repositories);
        startupModels = List.copyOf(startupModels);
    }

    /** Triton's defaults over these repositories (control mode none), with two execution threads. */
    public static Settings of(List<Path> repositories) {
        return new Settings(repositories, "triton", ControlMode.NONE, List.of(), Duration.ofSeconds(15), false, true,
                Duration.ofSeconds(30), 2, 1, 4, PID);
    }

    public Settings withControlMode(ControlMode mode, String... startupModels) {
        return new Settings(repositories, serverId, mode, List.of(startupModels), pollInterval, strictModelConfig,
                strictReadiness, exitTimeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, responseCacheSize);
    }

    public Settings withPollInterval(Duration interval) {
        return new Settings(repositories, serverId, controlMode, startupModels, interval, strictModelConfig,
                strictReadiness, exitTimeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, responseCacheSize);
    }

    public Settings withStrictModelConfig(boolean strict) {
        return new Settings(repositories, serverId, controlMode, startupModels, pollInterval, strict,
                strictReadiness, exitTimeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, responseCacheSize);
    }

    public Settings withServerId(String id) {
        return new Settings(repositories, id, controlMode, startupModels, pollInterval, strictModelConfig,
                strictReadiness, exitTimeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, responseCacheSize);
    }

    public Settings withExitTimeout(Duration timeout) {
        return new Settings(repositories, serverId, controlMode, startupModels, pollInterval, strictModelConfig,
                strictReadiness, timeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, responseCacheSize);
    }

    /** The same settings with a response cache of this many bytes (0: none). */
    public Settings withResponseCacheSize(long bytes) {
        return new Settings(repositories, serverId, controlMode, startupModels, pollInterval, strictModelConfig,
                strictReadiness, exitTimeout, executionThreads, intraOpThreads, defaultMaxBatchSize, pid, bytes);
    }

    /**
     * Reads and checks the configuration.
     *
     * @throws IllegalArgumentException naming the PID, property and value that are wrong
     */
    static Settings from(EmbeddedConfig config) {
        return from(config, PID);
    }

    /**
     * Reads and checks the configuration whose PID is {@code pid}.
     *
     * @throws IllegalArgumentException naming that PID, the property and the value that are wrong
     */
    static Settings from(EmbeddedConfig config, String pid) {
        String serverId = config.server_id();
        if (serverId == null || serverId.isBlank()) {
            throw invalid(pid, "server.id", serverId, "a non-empty name");
        }
        ControlMode mode;
        try {
            mode = ControlMode.valueOf(config.model_control_mode().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(pid, "model.control.mode", config.model_control_mode(), "one of none, explicit, poll");
        }
        if (config.repository_poll_secs() < 1) {
            throw invalid(pid, "repository.poll.secs", config.repository_poll_secs(), "seconds >= 1");
        }
        if (config.exit_timeout() < 0) {
            throw invalid(pid, "exit.timeout", config.exit_timeout(), "seconds >= 0");
        }
        if (config.execution_thread_count() < 0) {
            throw invalid(pid, "execution.thread.count", config.execution_thread_count(), "a count >= 0");
        }
        if (config.onnxruntime_intra_op_thread_count() < 0) {
            throw invalid(pid, "onnxruntime.intra.op.thread.count", config.onnxruntime_intra_op_thread_count(),
                    "a count >= 0");
        }
        if (config.default_max_batch_size() < 0) {
            throw invalid(pid, "default.max.batch.size", config.default_max_batch_size(), "a size >= 0");
        }
        if (config.response_cache_size() < 0) {
            throw invalid(pid, "response.cache.size", config.response_cache_size(), "bytes >= 0 (0: no cache)");
        }
        int threads = config.execution_thread_count() == 0
                ? 2 * Runtime.getRuntime().availableProcessors() : config.execution_thread_count();
        return new Settings(split(config.model_repository()).stream().map(Path::of).toList(), serverId.trim(), mode,
                split(config.startup_models()), Duration.ofSeconds(config.repository_poll_secs()),
                config.strict_model_config(), config.strict_readiness(), Duration.ofSeconds(config.exit_timeout()),
                threads, config.onnxruntime_intra_op_thread_count(), config.default_max_batch_size(), pid,
                config.response_cache_size());
    }

    private static List<String> split(String[] values) {
        List<String> parts = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    parts.add(part.trim());
                }
            }
        }
        return parts;
    }

    static IllegalArgumentException invalid(String pid, String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + pid + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
