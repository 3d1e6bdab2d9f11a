package org.tritonosgi.itests;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The distribution unpacked from the archive `mvn verify` produced, on free loopback ports, driven through its own
 * bin/ scripts as an operator would.
 */
final class Distribution implements AutoCloseable {

    final Path home;
    final int httpPort = Integer.parseInt(TritonKaraf.freePort());
    final int grpcPort = Integer.parseInt(TritonKaraf.freePort());
    final int metricsPort = Integer.parseInt(TritonKaraf.freePort());
    final int sshPort = Integer.parseInt(TritonKaraf.freePort());
    /** Environment variables added to every command run in the distribution (bin/start, bin/karaf run). */
    final Map<String, String> environment = new HashMap<>();

    Distribution(String folder) throws Exception {
        Path target = Path.of("target", folder);
        deleteRecursively(target);
        Files.createDirectories(target);
        run(target, Duration.ofSeconds(120), "tar", "xzf",
                new File(System.getProperty("tritonosgi.assembly")).getAbsolutePath());
        try (var children = Files.list(target)) {
            home = children.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        set("etc/org.tritonosgi.http.cfg", "port", httpPort);
        set("etc/org.tritonosgi.grpc.cfg", "port", grpcPort);
        set("etc/org.tritonosgi.metrics.cfg", "port", metricsPort);
        set("etc/org.apache.karaf.shell.cfg", "sshPort", sshPort);
        set("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1");
        for (String pid : List.of("org.tritonosgi.http", "org.tritonosgi.grpc", "org.tritonosgi.metrics")) {
            set("etc/" + pid + ".cfg", "address", "127.0.0.1");
        }
        // a test operator for bin/client; the distribution itself ships with no user enabled
        Files.writeString(home.resolve("etc/users.properties"), "karaf = karaf,_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
    }

    void set(String file, String key, Object value) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = new ArrayList<>(Files.readAllLines(path));
        lines.removeIf(line -> line.trim().startsWith(key + " ") || line.trim().startsWith(key + "="));
        lines.add(key + " = " + value);
        // written beside it and renamed over it, so Karaf's file watcher (which polls etc/ every second) only ever
        // reads the old file or the new one, never a half-written one
        Path written = path.resolveSibling("." + path.getFileName() + ".tmp");
        Files.write(written, lines);
        Files.move(written, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Runs a command in the distribution's folder and returns its output. */
    String run(String... command) throws Exception {
        return run(home, Duration.ofSeconds(60), environment, command);
    }

    /**
     * Runs a Karaf shell command through bin/client (SSH on the distribution's own port), keeping the client's input
     * open until {@code done} holds: the client closes its session at the end of its input, which would interrupt a
     * command still running (feature install, refresh).
     */
    String shell(String command, String what, java.util.function.BooleanSupplier done) throws Exception {
        Process process = new ProcessBuilder("bin/client", "-a", Integer.toString(sshPort), "-h", "127.0.0.1", "-u",
                "karaf", "-p", "karaf", "-r", "10", "-d", "1", command).directory(home.toFile())
                .redirectErrorStream(true).start();
        try {
            TritonKaraf.await(what + " after '" + command + "'", Duration.ofSeconds(60), done);
            // the client ends by itself once the command has finished; only then may its input close
            process.waitFor(60, TimeUnit.SECONDS);
        } finally {
            process.getOutputStream().close();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/client did not end after '" + command + "'");
        }
        return output;
    }

    static String run(Path dir, Duration limit, String... command) throws Exception {
        return run(dir, limit, Map.of(), command);
    }

    static String run(Path dir, Duration limit, Map<String, String> environment, String... command)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + limit.toSeconds() + " s");
        }
        return output;
    }

    boolean running() {
        try {
            String status = run("bin/status");
            return status.contains("Running") && !status.contains("Not Running");
        } catch (Exception e) {
            return false;
        }
    }

    boolean ready() {
        return ready(httpPort);
    }

    /** Whether HTTP on this port answers ready. */
    static boolean ready(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v2/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Starts with bin/start and waits until HTTP answers ready. */
    void start(Duration limit) throws Exception {
        run("bin/start");
        TritonKaraf.await("the distribution answers ready on " + httpPort, limit, this::ready);
    }

    /** Stops with bin/stop and waits until bin/status says it is not running. */
    @Override
    public void close() throws Exception {
        if (running()) {
            run("bin/stop");
            TritonKaraf.await("bin/status reports not running", Duration.ofSeconds(60), () -> !running());
        }
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
