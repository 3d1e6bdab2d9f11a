package org.tritonosgi.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The distribution as an operator uses it: unpacked from the archive `mvn verify` produced, started with bin/start,
 * checked with bin/status, stopped with bin/stop; the example repository and default configurations are in its own
 * folders. Ports are moved to free loopback ports first, so a Karaf running on this machine is not disturbed.
 */
public class AssemblyScriptsIT {

    @Test
    public void startStatusAndStopScriptsBootToReadyAndBack() throws Exception {
        try (Distribution karaf = new Distribution("assembly-it")) {
            assertTrue(Files.isRegularFile(karaf.home.resolve("models/identity/1/model.onnx")));
            assertTrue(Files.readString(karaf.home.resolve("etc/org.tritonosgi.embedded.cfg"))
                    .contains("${karaf.home}/models"));

            long started = System.nanoTime();
            karaf.start(Duration.ofSeconds(120));
            System.out.println("assembly cold boot to HTTP ready: "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            assertTrue(karaf.running());

            karaf.close();
            assertFalse(karaf.running());
            assertFalse(karaf.ready());
        }
    }
}
