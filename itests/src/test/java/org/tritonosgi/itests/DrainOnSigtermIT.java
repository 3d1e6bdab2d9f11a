package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;
import org.tritonosgi.itests.SeedLoad.Outcome;

/**
 * A rolling update's stop, as Kubernetes does it: SIGTERM to the process (bin/karaf run, exec'ed as in the
 * image). With seed clients on both protocols and two slow requests in the engine (7 s each, one behind the other
 * on a single instance, so the second ends about 14 s after it was sent: past the HTTP frontend's own 10 s close
 * grace, within exit.timeout), readiness must answer not-ready while the port still answers, new requests get
 * only clean 503 / UNAVAILABLE, both slow requests get their 200, and the process exits 0 within exit.timeout.
 */
public class DrainOnSigtermIT {

    private static final int EXIT_TIMEOUT_S = 30;
    private static final String SLOW = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1],\"datatype\":\"FP32\","
            + "\"data\":[1.5]}],\"parameters\":{\"delay_ms\":7000}}";

    /** One readiness probe: when it was sent and what came back (-1: no answer, the port was closed). */
    record Probe(long sentNanos, int status) {
    }

    @Test
    public void sigtermTurnsNotReadyFinishesAcceptedRequestsAndExitsZero() throws Exception {
        try (Distribution karaf = new Distribution("drain-it")) {
            Path repository = Path.of("target", "drain-it-models").toAbsolutePath();
            Distribution.run(Path.of("target"), Duration.ofSeconds(30), "rm", "-rf", repository.toString());
            Files.createDirectories(repository.resolve("slow/1"));
            Files.writeString(repository.resolve("slow/1/README.txt"), "the identity backend needs no model file\n");
            Files.writeString(repository.resolve("slow/config.pbtxt"), "name: \"slow\"\nbackend: \"identity\"\n"
                    + "max_batch_size: 0\ninstance_group [ { count: 1 kind: KIND_CPU } ]\n"
                    + "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"
                    + "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n");
            karaf.environment.put("ORG_TRITONOSGI_EMBEDDED_MODEL_REPOSITORY",
                    karaf.home.resolve("models").toAbsolutePath() + "," + repository);
            karaf.environment.put("ORG_TRITONOSGI_EMBEDDED_EXIT_TIMEOUT", Integer.toString(EXIT_TIMEOUT_S));
            // as in the image: bin/karaf replaces itself with the JVM, so the signal reaches Karaf
            karaf.environment.put("KARAF_EXEC", "exec");

            File console = karaf.home.resolve("console.log").toFile();
            ProcessBuilder builder = new ProcessBuilder(karaf.home.toAbsolutePath().resolve("bin/karaf").toString(),
                    "run").directory(karaf.home.toFile()).redirectErrorStream(true)
                    .redirectOutput(console).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(karaf.environment);
            Process process = builder.start();
            SeedLoad load = null;
            try {
                TritonKaraf.await("the distribution answers ready", Duration.ofSeconds(120), karaf::ready);
                TritonKaraf.await("gRPC listens", Duration.ofSeconds(60), () -> TritonKaraf.listening(karaf.grpcPort));
                load = new SeedLoad(karaf.httpPort, karaf.grpcPort).start(4);
                SeedLoad running = load;
                TritonKaraf.await("100 seed requests answered", Duration.ofSeconds(60), () -> running.answered() >= 100);

                HttpClient client = HttpClient.newHttpClient();
                List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
                List<Long> slowEnded = new CopyOnWriteArrayList<>();
                for (int i = 0; i < 2; i++) {
                    slow.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + karaf.httpPort
                            + "/v2/models/slow/infer")).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(SLOW)).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> slowEnded.add(System.nanoTime())));
                }
                TritonKaraf.await("one slow request executes and the other waits for the instance",
                        Duration.ofSeconds(20), () -> metrics(karaf.metricsPort).lines().anyMatch(line ->
                                line.startsWith("nv_inference_pending_request_count{") && line.contains("model=\"slow\"")
                                        && line.endsWith(" 1")));

                List<Probe> probes = new CopyOnWriteArrayList<>();
                AtomicBoolean probing = new AtomicBoolean(true);
                Thread prober = new Thread(() -> {
                    HttpClient probeClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                    while (probing.get()) {
                        long sent = System.nanoTime();
                        int status;
                        try {
                            status = probeClient.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + karaf.httpPort + "/v2/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (Exception e) {
                            status = -1;
                        }
                        probes.add(new Probe(sent, status));
                        try {
                            Thread.sleep(50); // probe period, as a kubelet's
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "readiness-probe");
                prober.start();

                long refusedBefore = load.count(Outcome.CONNECTION_REFUSED);
                long terminated = System.nanoTime();
                process.destroy(); // SIGTERM
                assertTrue("the process exits within exit.timeout + 30 s",
                        process.waitFor(EXIT_TIMEOUT_S + 30, TimeUnit.SECONDS));
                long exited = System.nanoTime();
                probing.set(false);
                prober.join(10_000);
                load.stop();

                System.out.println("SIGTERM to exit: " + TimeUnit.NANOSECONDS.toMillis(exited - terminated)
                        + " ms; seed outcomes " + load);
                assertEquals("exit status after SIGTERM", 0, process.exitValue());
                assertEquals("no connection was refused before SIGTERM", 0, refusedBefore);
                assertEquals("only 200s, clean 503s / UNAVAILABLE, or refused once the ports closed: " + load.others,
                        0, load.count(Outcome.OTHER));
                assertTrue("clients got clean 503s / UNAVAILABLE while draining: " + load,
                        load.count(Outcome.UNAVAILABLE) > 0);
                assertEquals("every client ended", List.of(), load.alive());

                for (CompletableFuture<HttpResponse<String>> request : slow) {
                    HttpResponse<String> response = request.get(5, TimeUnit.SECONDS);
                    assertEquals("a slow request accepted before SIGTERM: " + response.body(), 200,
                            response.statusCode());
                    assertTrue(response.body(), response.body().contains("1.5"));
                }
                long lastSlow = slowEnded.stream().mapToLong(Long::longValue).max().orElseThrow();
                assertTrue("the slow requests were still in flight at SIGTERM", lastSlow > terminated);
                System.out.println("last slow request answered " + TimeUnit.NANOSECONDS.toMillis(lastSlow - terminated)
                        + " ms after SIGTERM");

                List<Probe> after = probes.stream().filter(p -> p.sentNanos() > terminated).toList();
                int firstNotReady = indexOf(after, p -> p.status() != 200 && p.status() != -1);
                assertTrue("readiness answered not-ready while the port was open, after SIGTERM: " + statuses(after),
                        firstNotReady >= 0);
                int firstClosed = indexOf(after, p -> p.status() == -1);
                assertTrue("not-ready came before the port closed: " + statuses(after),
                        firstClosed < 0 || firstNotReady < firstClosed);
                assertEquals("not-ready while draining is Triton's 503 Server exiting: " + statuses(after), 503,
                        after.get(firstNotReady).status());
                assertFalse("no ready answer once not-ready was answered: " + statuses(after),
                        after.subList(firstNotReady, after.size()).stream().anyMatch(p -> p.status() == 200));

                List<String> log = Files.readAllLines(karaf.home.resolve("data/log/karaf.log"));
                assertTrue("the drain is logged", log.stream().anyMatch(line -> line.contains("SIGTERM: draining")));
                assertEquals("Karaf's log holds no ERROR", List.of(),
                        log.stream().filter(line -> line.contains("| ERROR |")).toList());
            } finally {
                if (load != null) {
                    load.stop();
                }
                if (process.isAlive()) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static int indexOf(List<Probe> probes, java.util.function.Predicate<Probe> test) {
        for (int i = 0; i < probes.size(); i++) {
            if (test.test(probes.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Probe statuses run-length encoded, e.g. [200x3, 400x120, -1x5]. */
    private static String statuses(List<Probe> probes) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < probes.size()) {
            int j = i;
            while (j < probes.size() && probes.get(j).status() == probes.get(i).status()) {
                j++;
            }
            runs.add(probes.get(i).status() + "x" + (j - i));
            i = j;
        }
        return runs.toString();
    }

    private static String metrics(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
