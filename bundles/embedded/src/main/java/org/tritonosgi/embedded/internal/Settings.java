package org.tritonosgi.embedded.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Checked engine settings, built from PID {@code org.tritonosgi.embedded} or directly by tests. */
public record Settings(List<Path> repositories, String serverId, boolean strictReadiness, Duration exitTimeout,
        int executionThreads) {

    static final String PID = "org.tritonosgi.embedded";

    public Settings {
        repositories = List.copyOf(repositories);
    }

    /**
     * Reads and checks the configuration.
     *
     * @throws IllegalArgumentException naming the PID, property and value that are wrong
     */
    static Settings from(EmbeddedConfig config) {
        List<Path> repositories = new ArrayList<>();
        for (String entry : config.model_repository()) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    repositories.add(Path.of(part.trim()));
                }
            }
        }
        String serverId = config.server_id();
        if (serverId == null || serverId.isBlank()) {
            throw invalid("server.id", serverId, "a non-empty name");
        }
        if (config.exit_timeout() < 0) {
            throw invalid("exit.timeout", config.exit_timeout(), "seconds >= 0");
        }
        if (config.execution_thread_count() < 0) {
            throw invalid("execution.thread.count", config.execution_thread_count(), "a count >= 0");
        }
        int threads = config.execution_thread_count() == 0
                ? Runtime.getRuntime().availableProcessors() : config.execution_thread_count();
        return new Settings(repositories, serverId.trim(), config.strict_readiness(),
                Duration.ofSeconds(config.exit_timeout()), threads);
    }

    static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
