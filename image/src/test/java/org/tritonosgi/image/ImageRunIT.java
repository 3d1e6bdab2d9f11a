package org.tritonosgi.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The image runs here without a daemon: its tarball's layers are unpacked in order into a folder, and its
 * entrypoint starts from there as a container runtime would start it (the image's user, working directory and
 * environment; a private mount namespace with /proc and /dev, then chroot into the folder), with /models filled
 * as a volume would be. The seed's request must be answered from /models, and SIGTERM must end it with status 0.
 * Needs root (or CAP_SYS_ADMIN and CAP_SYS_CHROOT), as .ci/run has; without them it fails saying so.
 */
class ImageRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEED = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
            + "\"data\":[[\"Roger Roger\"]]}]}";

    @Test
    void theUnpackedImageStartsItsEntrypointAndAnswersTheSeedFromModels() throws Exception {
        Path tar = Path.of(System.getProperty("tritonosgi.image.tar"));
        assertTrue(Files.isRegularFile(tar), "the image tarball " + tar + " (jib:buildTar)");
        Path work = Path.of("target", "image-run").toAbsolutePath();
        run(Path.of("target"), "rm", "-rf", work.toString());
        Path unpacked = Files.createDirectories(work.resolve("tarball"));
        run(unpacked, "tar", "xf", tar.toAbsolutePath().toString());

        // an OCI image layout: index.json -> manifest -> config and layers, each a blob named by its digest
        JsonNode index = JSON.readTree(unpacked.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(unpacked, index.get("manifests").get(0).get("digest").asText()));
        JsonNode config = JSON.readTree(blob(unpacked, manifest.get("config").get("digest").asText())).get("config");
        assertEquals("10001:0", config.get("User").asText(), "non-root user, group 0");
        assertEquals("[\"/opt/tritonosgi/bin/karaf\",\"run\"]", config.get("Entrypoint").toString());
        assertEquals(List.of("8000/tcp", "8001/tcp", "8002/tcp"), names(config.get("ExposedPorts")));
        assertEquals(List.of("/models", "/opt/tritonosgi/data"), names(config.get("Volumes")));

        Path rootfs = Files.createDirectories(work.resolve("rootfs"));
        long layerBytes = 0;
        for (JsonNode layer : manifest.get("layers")) {
            Path file = blob(unpacked, layer.get("digest").asText()).toPath();
            layerBytes += Files.size(file);
            run(rootfs, "tar", "xzf", file.toString());
        }
        System.out.printf("image: %d layers, %.1f MiB compressed (tarball %.1f MiB), %s unpacked%n",
                manifest.get("layers").size(), layerBytes / 1048576.0, Files.size(tar) / 1048576.0,
                run(work, "du", "-sh", rootfs.toString()).split("\\s")[0]);

        // the volume: Triton's example repository, as a user would mount it
        run(rootfs, "cp", "-r", rootfs.resolve("opt/tritonosgi/models/identity").toString(),
                rootfs.resolve("models").toString());
        Files.createDirectories(rootfs.resolve("proc"));
        Files.createDirectories(rootfs.resolve("dev"));

        Map<String, String> env = new TreeMap<>();
        for (JsonNode variable : config.get("Env")) {
            String[] pair = variable.asText().split("=", 2);
            env.put(pair[0], pair[1]);
        }
        assertEquals("/models", env.get("ORG_TRITONOSGI_EMBEDDED_MODEL_REPOSITORY"));
        int http = freePort();
        // what `docker run -e` would add: loopback and free ports, so a Karaf on this machine is not disturbed
        for (String pid : List.of("ORG_TRITONOSGI_HTTP", "ORG_TRITONOSGI_GRPC", "ORG_TRITONOSGI_METRICS")) {
            env.put(pid + "_ADDRESS", "127.0.0.1");
            env.put(pid + "_PORT", Integer.toString(pid.endsWith("HTTP") ? http : freePort()));
        }
        env.put("ORG_APACHE_KARAF_SHELL_SSHPORT", Integer.toString(freePort()));
        env.put("ORG_APACHE_KARAF_SHELL_SSHHOST", "127.0.0.1");

        String user = config.get("User").asText();
        String entrypoint = "cd " + config.get("WorkingDir").asText() + " && exec /opt/tritonosgi/bin/karaf run";
        String inside = "mount -t proc proc " + rootfs + "/proc && mount --rbind /dev " + rootfs + "/dev"
                + " && exec /usr/sbin/chroot --userspec=" + user + " " + rootfs + " /bin/sh -c '" + entrypoint + "'";
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/unshare", "--mount", "--propagation", "private",
                "/bin/sh", "-c", inside).redirectErrorStream(true).redirectOutput(work.resolve("console.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");  // for unshare's side only
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            await("the image answers ready on " + http + " (console: " + work.resolve("console.log") + ")",
                    Duration.ofSeconds(180), () -> !process.isAlive() || ready(http));
            if (!process.isAlive()) {
                throw new AssertionError("the entrypoint ended with status " + process.exitValue() + " before it was"
                        + " ready (unshare and chroot need root or CAP_SYS_ADMIN + CAP_SYS_CHROOT); its output:\n"
                        + Files.readString(work.resolve("console.log")));
            }
            long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("image cold start to ready: " + readyMs + " ms");

            HttpResponse<String> seed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + http + "/v2/models/identity/infer")).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(SEED)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, seed.statusCode(), seed.body());
            assertTrue(seed.body().contains("\"data\":[\"Roger Roger\"]"), seed.body());

            String status = Files.readString(Path.of("/proc/" + process.pid() + "/status"));
            assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+10001\\s.*")), "runs as uid 10001:\n" + status);
            assertTrue(Files.readString(Path.of("/proc/" + process.pid() + "/cmdline")).contains("java"),
                    "bin/karaf replaced itself with the JVM (KARAF_EXEC=exec), so signals reach it");
            assertTrue(Files.isRegularFile(rootfs.resolve("opt/tritonosgi/data/log/karaf.log")), "data/ is writable");
            String log = Files.readString(rootfs.resolve("opt/tritonosgi/data/log/karaf.log"));
            assertTrue(log.contains("repositories [/models]"), "the engine serves /models");

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the JVM ends after SIGTERM");
            assertEquals(0, process.exitValue(), "exit status after SIGTERM");
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static File blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/')).toFile();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    private static boolean ready(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v2/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void await(String description, Duration timeout, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + description);
            }
            Thread.sleep(100);
        }
    }

    /** Runs a command, failing with its output if it fails. */
    private static String run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
