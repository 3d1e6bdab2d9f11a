package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-name and server-id completers over two real engines with different repositories. */
class CompletersTest {

    @TempDir
    static Path repo;

    @TempDir
    static Path otherRepo;

    private static ShellFixture triton;
    private static ShellFixture other;

    @BeforeAll
    static void start() {
        ShellFixture.repository(repo);
        ShellFixture.model(otherRepo, "solo", """
                backend: "identity"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
                """);
        triton = new ShellFixture(repo, "triton", "identity");
        other = new ShellFixture(otherRepo, "other");
    }

    @AfterAll
    static void stop() {
        triton.close();
        other.close();
    }

    /** Completes the last word of a command line, the cursor at its end. */
    private static List<String> complete(org.apache.karaf.shell.api.console.Completer completer, String line) {
        String[] arguments = line.split(" ", -1);
        String cursor = arguments[arguments.length - 1];
        CommandLine commandLine = new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return arguments.length - 1;
            }

            @Override
            public String getCursorArgument() {
                return cursor;
            }

            @Override
            public int getArgumentPosition() {
                return cursor.length();
            }

            @Override
            public String[] getArguments() {
                return arguments;
            }

            @Override
            public int getBufferPosition() {
                return line.length();
            }

            @Override
            public String getBuffer() {
                return line;
            }
        };
        List<String> candidates = new ArrayList<>();
        completer.complete(null, commandLine, candidates);
        return candidates.stream().map(String::strip).sorted().toList();
    }

    private static ModelNameCompleter models(ShellFixture... fixtures) {
        ModelNameCompleter completer = new ModelNameCompleter();
        completer.servers = List.of(fixtures).stream().map(f -> (org.tritonosgi.api.InferenceServer) f.engine)
                .toList();
        return completer;
    }

    @Test
    void modelNamesComeFromTheWholeIndexOfTheOnlyServer() throws Exception {
        assertEquals(List.of("broken", "identity", "numbers", "repeat", "spare"),
                complete(models(triton), "triton:load "));
        assertEquals(List.of("identity"), complete(models(triton), "triton:load id"));
    }

    @Test
    void serverOptionChoosesWhoseModelsAreOffered() throws Exception {
        assertEquals(List.of("solo"), complete(models(triton, other), "triton:infer --server other "));
        assertEquals(List.of("repeat"), complete(models(triton, other), "triton:unload --server=triton rep"));
        assertEquals(List.of("solo"), complete(models(triton, other), "triton:models -s other s"));
    }

    @Test
    void severalServersWithoutServerOptionOfferNoModel() throws Exception {
        assertEquals(List.of(), complete(models(triton, other), "triton:load "));
        assertEquals(List.of(), complete(models(triton, other), "triton:load --server nosuch "));
    }

    @Test
    void serverIdsAreOffered() throws Exception {
        ServerIdCompleter completer = new ServerIdCompleter();
        completer.servers = List.of(triton.engine, other.engine);
        assertEquals(List.of("other", "triton"), complete(completer, "triton:load --server "));
        assertEquals(List.of("triton"), complete(completer, "triton:load --server t"));
    }
}
