package org.tritonosgi.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checked settings of the native core, built from PID {@code org.tritonosgi.core} or directly by tests. */
public record Settings(String libraryPath, List<String> repositories, String serverId, int controlMode,
        List<String> startupModels, boolean strictModelConfig, boolean strictReadiness, Duration exitTimeout,
        boolean exitOnError, String backendDirectory, String repoagentDirectory, long pinnedMemoryPoolSize,
        Map<Integer, Long> cudaMemoryPoolSizes, double minComputeCapability, int modelLoadThreads,
        List<String[]> backendConfig, String logFile, boolean logInfo, boolean logWarn, boolean logError,
        int logVerbose, String logFormat, boolean metrics, boolean gpuMetrics, boolean cpuMetrics,
        long metricsIntervalMs, List<String[]> metricsConfig) {

    static final String PID = "org.tritonosgi.core";
    static final List<String> CONTROL_MODES = List.of("none", "poll", "explicit");

    public Settings {
        repositories = List.copyOf(repositories);
        startupModels = List.copyOf(startupModels);
        cudaMemoryPoolSizes = Map.copyOf(cudaMemoryPoolSizes);
        backendConfig = List.copyOf(backendConfig);
        metricsConfig = List.copyOf(metricsConfig);
    }

    /** The defaults with these repositories, for tests and benchmarks. */
    public static Settings of(String libraryPath, String... repositories) {
        return new Settings(libraryPath, List.of(repositories), "triton", 0, List.of(), false, true,
                Duration.ofSeconds(30), true, "/opt/tritonserver/backends", "/opt/tritonserver/repoagents",
                268435456L, Map.of(), 6.0, 4, List.of(), "", true, true, true, 0, "default", true, true, true, 2000,
                List.of());
    }

    /** Triton's log format value (TRITONSERVER_LogFormat). */
    int logFormatValue() {
        return "ISO8601".equals(logFormat) ? 1 : 0;
    }

    /**
     * Reads and checks the configuration.
     *
     * @throws IllegalArgumentException naming the PID, property and value that are wrong
     */
    static Settings from(CoreConfig config) {
        List<String> repositories = split(config.model_repository());
        if (repositories.isEmpty()) {
            throw invalid("model.repository", "", "at least one model repository path");
        }
        String serverId = config.server_id() == null ? "" : config.server_id().trim();
        if (serverId.isEmpty()) {
            throw invalid("server.id", config.server_id(), "a non-empty name");
        }
        int controlMode = CONTROL_MODES.indexOf(config.model_control_mode());
        if (controlMode < 0) {
            throw invalid("model.control.mode", config.model_control_mode(), "one of none, poll, explicit");
        }
        nonNegative("exit.timeout", config.exit_timeout());
        nonNegative("pinned.memory.pool.size", config.pinned_memory_pool_size());
        if (config.min_supported_compute_capability() < 0) {
            throw invalid("min.supported.compute.capability", config.min_supported_compute_capability(),
                    "a number >= 0");
        }
        if (config.model_load_thread_count() < 1) {
            throw invalid("model.load.thread.count", config.model_load_thread_count(), "a count >= 1");
        }
        nonNegative("log.verbose", config.log_verbose());
        if (!"default".equals(config.log_format()) && !"ISO8601".equals(config.log_format())) {
            throw invalid("log.format", config.log_format(), "default or ISO8601");
        }
        if (config.metrics_interval_ms() < 1) {
            throw invalid("metrics.interval.ms", config.metrics_interval_ms(), "milliseconds >= 1");
        }
        return new Settings(config.library_path() == null ? "" : config.library_path().trim(), repositories,
                serverId, controlMode, split(config.startup_models()), config.strict_model_config(),
                config.strict_readiness(), Duration.ofSeconds(config.exit_timeout()), config.exit_on_error(),
                config.backend_directory(), config.repoagent_directory(), config.pinned_memory_pool_size(),
                cudaPools(config.cuda_memory_pool_sizes()), config.min_supported_compute_capability(),
                config.model_load_thread_count(), groupedSettings("backend.config", config.backend_config(), true),
                config.log_file(), config.log_info(), config.log_warn(), config.log_error(), config.log_verbose(),
                config.log_format(), config.metrics(), config.metrics_gpu(), config.metrics_cpu(),
                config.metrics_interval_ms(), groupedSettings("metrics.config", config.metrics_config(), false));
    }

    private static List<String> split(String[] values) {
        List<String> parts = new ArrayList<>();
        for (String entry : values) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    parts.add(part.trim());
                }
            }
        }
        return parts;
    }

    private static Map<Integer, Long> cudaPools(String[] values) {
        Map<Integer, Long> pools = new TreeMap<>();
        for (String entry : split(values)) {
            int colon = entry.indexOf(':');
            try {
                int gpu = Integer.parseInt(entry.substring(0, Math.max(colon, 0)).trim());
                long bytes = Long.parseLong(entry.substring(colon + 1).trim());
                if (gpu < 0 || bytes < 0) {
                    throw new NumberFormatException();
                }
                pools.put(gpu, bytes);
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw invalid("cuda.memory.pool.sizes", entry, "<gpu>:<bytes> with numbers >= 0");
            }
        }
        return pools;
    }

    /** Entries "group,setting=value" (the group may be left out where {@code groupRequired} is false). */
    private static List<String[]> groupedSettings(String property, String[] values, boolean groupRequired) {
        List<String[]> settings = new ArrayList<>();
        for (String entry : values) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int comma = trimmed.indexOf(',');
            int equals = trimmed.indexOf('=', Math.max(comma, 0));
            if (equals <= comma + 1 || (groupRequired && comma <= 0)) {
                throw invalid(property, entry, groupRequired ? "<backend>,<setting>=<value>"
                        : "<setting>=<value> or <group>,<setting>=<value>");
            }
            String group = comma < 0 ? "" : trimmed.substring(0, comma).trim();
            settings.add(new String[] {group, trimmed.substring(comma + 1, equals).trim(),
                    trimmed.substring(equals + 1).trim()});
        }
        return settings;
    }

    private static void nonNegative(String property, long value) {
        if (value < 0) {
            throw invalid(property, value, "a number >= 0");
        }
    }

    static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
