package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Writes model folders for tests and starts engines over them. */
final class TestRepository {

    static final String IDENTITY_BYTES = """
            name: "identity"
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
            """;

    private TestRepository() {
    }

    static Path model(Path repository, String name, String config, long... versions) {
        try {
            Path dir = Files.createDirectories(repository.resolve(name));
            if (config != null) {
                Files.writeString(dir.resolve("config.pbtxt"), config);
            }
            for (long version : versions) {
                Files.createDirectories(dir.resolve(Long.toString(version)));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EmbeddedInferenceServer start(Path... repositories) {
        return start(Settings.of(List.of(repositories)).withExitTimeout(Duration.ofSeconds(5)));
    }

    static EmbeddedInferenceServer start(Settings settings) {
        return new EmbeddedInferenceServer(settings, "test");
    }
}
