package org.tritonosgi.grpc.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/** Writes a model repository of identity models and starts the embedded engine over it. */
final class TestEngine {

    static final List<String> TYPES = List.of("BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16",
            "INT32", "INT64", "FP16", "BF16", "FP32", "FP64", "BYTES");

    private TestEngine() {
    }

    /**
     * {@code identity} (BYTES INPUT0 -> OUTPUT0, max_batch_size 8, as the seed's example) and {@code all_types}
     * (optional IN_&lt;TYPE&gt; -> OUT_&lt;TYPE&gt; for every datatype, no batching).
     */
    static EmbeddedInferenceServer start(Path repo) throws IOException {
        return start(repo, UnaryOperator.identity());
    }

    /** The same repository, the engine's settings adjusted (e.g. explicit model control). */
    static EmbeddedInferenceServer start(Path repo, UnaryOperator<Settings> adjust) throws IOException {
        Path identity = Files.createDirectories(repo.resolve("identity/1"));
        Files.writeString(identity.getParent().resolve("config.pbtxt"), """
                name: "identity"
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        StringBuilder allTypes = new StringBuilder("backend: \"identity\"\n");
        for (String type : TYPES) {
            String config = type.equals("BYTES") ? "STRING" : type;
            allTypes.append("input { name: \"IN_").append(type).append("\" data_type: TYPE_").append(config)
                    .append(" dims: [ -1 ] optional: true }\n");
            allTypes.append("output { name: \"OUT_").append(type).append("\" data_type: TYPE_").append(config)
                    .append(" dims: [ -1 ] }\n");
        }
        Files.createDirectories(repo.resolve("all_types/1"));
        Files.writeString(repo.resolve("all_types/config.pbtxt"), allTypes.toString());
        return new EmbeddedInferenceServer(adjust.apply(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5))), "1.2.3");
    }
}
