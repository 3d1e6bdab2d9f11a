package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The distribution as an operator uses it: unpacked from the archive `mvn verify` produced, started with bin/start,
 * checked with bin/status, stopped with bin/stop; the example repository and default configurations are in its own
 * folders. Ports are moved to free loopback ports first, so a Karaf running on this machine is not disturbed.
 */
public class AssemblyScriptsIT {

    private static final Duration BOOT_LIMIT = Duration.ofSeconds(120);
    private static Path home;
    private static int httpPort;

    @BeforeClass
    public static void unpack() throws Exception {
        Path target = Path.of("target/assembly-it");
        deleteRecursively(target);
        Files.createDirectories(target);
        run(target, Duration.ofSeconds(120), "tar", "xzf", new File(System.getProperty("tritonosgi.assembly"))
                .getAbsolutePath());
        try (var children = Files.list(target)) {
            home = children.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        httpPort = Integer.parseInt(TritonKaraf.freePort());
        setPort("etc/org.tritonosgi.http.cfg", "port", Integer.toString(httpPort));
        setPort("etc/org.tritonosgi.grpc.cfg", "port", TritonKaraf.freePort());
        setPort("etc/org.tritonosgi.metrics.cfg", "port", TritonKaraf.freePort());
        setPort("etc/org.apache.karaf.shell.cfg", "sshPort", TritonKaraf.freePort());
        for (String pid : List.of("org.tritonosgi.http", "org.tritonosgi.grpc", "org.tritonosgi.metrics")) {
            setPort("etc/" + pid + ".cfg", "address", "127.0.0.1");
        }
    }

    @AfterClass
    public static void stopIfRunning() throws Exception {
        if (home != null && running()) {
            run(home, Duration.ofSeconds(60), "bin/stop");
        }
    }

    private static void setPort(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = new ArrayList<>(Files.readAllLines(path));
        lines.removeIf(line -> line.trim().startsWith(key + " ") || line.trim().startsWith(key + "="));
        lines.add(key + " = " + value);
        Files.write(path, lines);
    }

    private static String run(Path dir, Duration limit, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + limit.toSeconds() + " s");
        }
        return output;
    }

    private static boolean running() throws Exception {
        String status = run(home, Duration.ofSeconds(60), "bin/status");
        return status.contains("Running") && !status.contains("Not Running");
    }

    private static boolean ready() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/v2/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    public void startStatusAndStopScriptsBootToReadyAndBack() throws Exception {
        assertTrue(Files.isRegularFile(home.resolve("models/identity/1/model.onnx")));
        assertTrue(Files.readString(home.resolve("etc/org.tritonosgi.embedded.cfg")).contains("${karaf.home}/models"));

        long started = System.nanoTime();
        run(home, Duration.ofSeconds(60), "bin/start");
        TritonKaraf.await("the distribution answers ready on " + httpPort, BOOT_LIMIT, AssemblyScriptsIT::ready);
        long bootMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("assembly cold boot to HTTP ready: " + bootMillis + " ms");
        assertTrue(running());

        run(home, Duration.ofSeconds(60), "bin/stop");
        TritonKaraf.await("bin/status reports not running", Duration.ofSeconds(60), () -> {
            try {
                return !running();
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(false, ready());
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.toList());
            Collections.reverse(all);
            for (Path path : all) {
                Files.delete(path);
            }
        }
    }
}
