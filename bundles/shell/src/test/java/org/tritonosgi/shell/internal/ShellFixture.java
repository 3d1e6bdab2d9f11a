package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/** A real embedded engine over a temporary repository (explicit control), and a way to run actions against it. */
final class ShellFixture implements AutoCloseable {

    final EmbeddedInferenceServer engine;

    ShellFixture(Path repo, String serverId, String... startupModels) {
        Settings defaults = Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5))
                .withControlMode(Settings.ControlMode.EXPLICIT, startupModels);
        engine = new EmbeddedInferenceServer(defaults.withServerId(serverId), "1.2.3");
    }

    @Override
    public void close() {
        engine.deactivate();
    }

    /** Writes the repository every test uses: BYTES identity, all numeric types, a decoupled and a broken model. */
    static void repository(Path repo) {
        model(repo, "identity", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        StringBuilder numbers = new StringBuilder("backend: \"identity\"\n");
        String[] types = {"BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
            "BF16", "FP32", "FP64"};
        for (String direction : new String[] {"input", "output"}) {
            for (String type : types) {
                numbers.append(direction).append(" [ { name: \"").append(direction.equals("input") ? "IN_" : "OUT_")
                        .append(type).append("\" data_type: TYPE_").append(type).append(" dims: [ -1 ] } ]\n");
            }
        }
        model(repo, "numbers", numbers.toString());
        model(repo, "repeat", """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                parameters { key: "repeat_count" value: { string_value: "3" } }
                input [ { name: "text_input" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "text_output" data_type: TYPE_STRING dims: [ 1 ] } ]
                """);
        model(repo, "spare", """
                backend: "identity"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
                """);
        model(repo, "broken", """
                backend: "identity"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                """);
    }

    static void model(Path repo, String name, String config) {
        try {
            Files.createDirectories(repo.resolve(name).resolve("1"));
            Files.writeString(repo.resolve(name).resolve("config.pbtxt"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What an action printed, on each stream, and whether it ended without a user error. */
    record Printed(String out, String err, boolean ok) {

        Printed assertOk() {
            assertEquals("", err, "no error expected");
            assertEquals(true, ok);
            return this;
        }

        Printed assertUserError() {
            assertEquals(false, ok, "a user error expected, printed: " + out);
            assertEquals("", out, "nothing but the error expected");
            return this;
        }
    }

    static Printed run(TritonAction action) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean ok;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            ok = action.execute(o, e);
        }
        return new Printed(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), ok);
    }

    static <T extends ServerAction> T on(T action, InferenceServer... servers) {
        action.servers = List.of(servers);
        return action;
    }

    /** The table's data rows as cells, split on ShellTable's " | " separator, header and rule left out. */
    static List<List<String>> rows(String table) {
        return table.lines().skip(2).filter(line -> line.contains("|"))
                .map(line -> List.of(line.split("\\s*\\|\\s*", -1)).stream().map(String::strip).toList()).toList();
    }
}
