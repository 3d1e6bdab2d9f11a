package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.shell.internal.ShellFixture.on;
import static org.tritonosgi.shell.internal.ShellFixture.run;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelState;

/** triton:load and triton:unload over a real embedded engine in explicit model control. */
class LoadUnloadCommandTest {

    private static final String FIXED_BROKEN = """
            {"backend": "identity",
             "input": [{"name": "IN", "data_type": "TYPE_INT64", "dims": [1]}],
             "output": [{"name": "OUT", "data_type": "TYPE_INT64", "dims": [1]}]}
            """;

    @TempDir
    static Path repo;

    private static ShellFixture triton;

    @BeforeAll
    static void start() {
        ShellFixture.repository(repo);
        ShellFixture.model(repo, "broken2", """
                backend: "identity"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                """);
        triton = new ShellFixture(repo, "triton", "identity");
    }

    @AfterAll
    static void stop() {
        triton.close();
    }

    private static LoadCommand load(String model, String config) {
        LoadCommand command = on(new LoadCommand(), triton.engine);
        command.model = model;
        command.config = config;
        return command;
    }

    private static UnloadCommand unload(String model) {
        UnloadCommand command = on(new UnloadCommand(), triton.engine);
        command.model = model;
        return command;
    }

    private static List<ModelIndexEntry> entries(String model) {
        return triton.engine.index(false).stream().filter(entry -> entry.name().equals(model)).toList();
    }

    @Test
    void loadWaitsUntilTheModelIsReadyAndNamesItsVersions() throws Exception {
        assertEquals("Model 'spare' loaded on server 'triton', ready version(s): 1\n",
                run(load("spare", null)).assertOk().out());
        assertEquals(List.of(new ModelIndexEntry("spare", 1, ModelState.READY, "")), entries("spare"));
    }

    @Test
    void unloadWaitsUntilTheModelIsUnloaded() throws Exception {
        run(load("numbers", null)).assertOk();
        assertEquals("Model 'numbers' unloaded on server 'triton'\n", run(unload("numbers")).assertOk().out());
        assertTrue(entries("numbers").stream().noneMatch(entry -> entry.state() == ModelState.READY),
                entries("numbers").toString());
    }

    @Test
    void loadOfABrokenModelPrintsTheEngineReason() throws Exception {
        String err = run(load("broken2", null)).assertUserError().err();
        assertEquals("load failed for model 'broken2': model 'broken2' configuration has no outputs\n", err);
    }

    @Test
    void configOptionReplacesTheRepositoryConfiguration() throws Exception {
        run(load("broken", FIXED_BROKEN)).assertOk();
        assertEquals(ModelState.READY, entries("broken").get(0).state());
    }

    @Test
    void invalidConfigJsonPrintsTheParseError() throws Exception {
        String err = run(load("repeat", "{\"backend\": ")).assertUserError().err();
        assertTrue(err.contains("repeat"), err);
    }

    @Test
    void loadOfAnUnknownModelNamesIt() throws Exception {
        String err = run(load("nosuch", null)).assertUserError().err();
        assertTrue(err.contains("'nosuch'"), err);
    }

    @Test
    void unloadOfAnUnknownModelNamesIt() throws Exception {
        String err = run(unload("nosuch")).assertUserError().err();
        assertTrue(err.contains("'nosuch'"), err);
    }

    @Test
    void aLoadThatDoesNotEndInTimeSaysSo() throws Exception {
        InferenceServer stalled = (InferenceServer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {InferenceServer.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "id" -> "stalled";
                    case "load", "unload" -> new CompletableFuture<Void>();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        LoadCommand load = on(new LoadCommand(), stalled);
        load.model = "slow";
        load.timeout = Duration.ofMillis(50);
        assertEquals("Model 'slow' did not finish loading within 50 ms; it goes on loading (see triton:models)\n",
                run(load).assertUserError().err());
        UnloadCommand unload = on(new UnloadCommand(), stalled);
        unload.model = "slow";
        unload.timeout = Duration.ofMillis(50);
        assertEquals("Model 'slow' did not finish unloading within 50 ms; it goes on unloading "
                + "(see triton:models)\n", run(unload).assertUserError().err());
    }
}
