package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tritonosgi.shell.internal.ShellFixture.on;
import static org.tritonosgi.shell.internal.ShellFixture.rows;
import static org.tritonosgi.shell.internal.ShellFixture.run;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** triton:models over a real embedded engine, and how --server picks among several engines. */
class ModelsCommandTest {

    @TempDir
    static Path repo;

    private static ShellFixture triton;
    private static ShellFixture other;

    @BeforeAll
    static void start() {
        ShellFixture.repository(repo);
        triton = new ShellFixture(repo, "triton", "identity", "numbers");
        other = new ShellFixture(repo, "other", "spare");
    }

    @AfterAll
    static void stop() {
        triton.close();
        other.close();
    }

    private static ModelsCommand models(String serverId, boolean readyOnly) {
        ModelsCommand command = on(new ModelsCommand(), triton.engine, other.engine);
        command.serverId = serverId;
        command.readyOnly = readyOnly;
        return command;
    }

    @Test
    void listsEveryModelWithVersionAndState() throws Exception {
        String out = run(models("triton", false)).assertOk().out();
        assertEquals(List.of("Name", "Version", "State", "Reason"),
                List.of(out.lines().findFirst().orElseThrow().split("\\s*\\|\\s*")).stream().map(String::strip)
                        .toList());
        assertEquals(List.of(
                List.of("broken", "", "UNKNOWN", ""),
                List.of("identity", "1", "READY", ""),
                List.of("numbers", "1", "READY", ""),
                List.of("repeat", "", "UNKNOWN", ""),
                List.of("spare", "", "UNKNOWN", "")), rows(out));
    }

    @Test
    void readyOptionKeepsOnlyReadyVersions() throws Exception {
        assertEquals(List.of(List.of("identity", "1", "READY", ""), List.of("numbers", "1", "READY", "")),
                rows(run(models("triton", true)).assertOk().out()));
    }

    @Test
    void serverOptionSelectsTheEngineByServerId() throws Exception {
        assertEquals(List.of(List.of("spare", "1", "READY", "")), rows(run(models("other", true)).assertOk().out()));
    }

    @Test
    void theOnlyServerNeedsNoServerOption() throws Exception {
        ModelsCommand command = on(new ModelsCommand(), other.engine);
        command.readyOnly = true;
        assertEquals(List.of(List.of("spare", "1", "READY", "")), rows(run(command).assertOk().out()));
    }

    @Test
    void severalServersWithoutServerOptionListTheIds() throws Exception {
        assertEquals("Several Triton servers are registered (other, triton); choose one with --server\n",
                run(models(null, false)).assertUserError().err());
    }

    @Test
    void unknownServerIdListsTheRegisteredIds() throws Exception {
        assertEquals("No Triton server 'nosuch'; registered: other, triton\n",
                run(models("nosuch", false)).assertUserError().err());
    }

    @Test
    void noServerRegisteredSaysWhichFeatureToInstall() throws Exception {
        ModelsCommand command = on(new ModelsCommand());
        assertEquals("No Triton server is registered (install feature triton-embedded or triton-core)\n",
                run(command).assertUserError().err());
    }
}
