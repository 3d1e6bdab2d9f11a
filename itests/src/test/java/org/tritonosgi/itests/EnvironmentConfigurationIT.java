package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexRequest;

/**
 * Configuration from the environment, as a container sets it: Karaf overrides a key of a PID's .cfg file with the
 * variable {@code <PID>_<KEY>} (upper case, '.' as '_'), but only keys the file holds, so the distribution ships
 * every property of every PID in etc/. One test holds the shipped files against the metatype in the shipped jars;
 * the other starts the distribution with such variables and finds the ports and the model repository moved.
 */
public class EnvironmentConfigurationIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    public void shippedCfgFilesHoldEveryPropertyOfEveryPid() throws Exception {
        try (Distribution karaf = new Distribution("env-cfg-it")) {
            Map<String, Set<String>> pids = ShippedMetatype.singletonPids(karaf.home);
            assertEquals("the singleton PIDs our jars declare", new TreeSet<>(List.of("org.tritonosgi.core",
                    "org.tritonosgi.embedded", "org.tritonosgi.grpc", "org.tritonosgi.http", "org.tritonosgi.metrics",
                    "org.tritonosgi.tracing")), pids.keySet());
            List<String> problems = new ArrayList<>();
            pids.forEach((pid, properties) -> {
                Path cfg = karaf.home.resolve("etc/" + pid + ".cfg");
                if (!Files.isRegularFile(cfg)) {
                    problems.add("etc/" + pid + ".cfg is missing");
                    return;
                }
                try {
                    Set<String> keys = ShippedMetatype.cfgKeys(cfg);
                    for (String property : properties) {
                        if (!keys.contains(property)) {
                            problems.add("etc/" + pid + ".cfg lacks '" + property + "', so "
                                    + ShippedMetatype.environmentVariable(pid, property) + " cannot set it");
                        }
                    }
                    for (String key : keys) {
                        if (!properties.contains(key)) {
                            problems.add("etc/" + pid + ".cfg holds '" + key + "', which " + pid + " does not declare");
                        }
                    }
                } catch (Exception e) {
                    problems.add("etc/" + pid + ".cfg cannot be read: " + e);
                }
            });
            assertEquals("shipped .cfg files against the metatype", List.of(), problems);
        }
    }

    @Test
    public void environmentVariablesMoveThePortsAndTheModelRepository() throws Exception {
        try (Distribution karaf = new Distribution("env-it")) {
            // a repository of its own, holding only identity_fp32 (the distribution's holds three models)
            Path repository = Path.of("target", "env-it-models").toAbsolutePath();
            Distribution.run(Path.of("target"), Duration.ofSeconds(30), "rm", "-rf", repository.toString());
            Files.createDirectories(repository);
            Distribution.run(Path.of("target"), Duration.ofSeconds(30), "cp", "-r",
                    karaf.home.resolve("models/identity_fp32").toAbsolutePath().toString(), repository.toString());
            assertTrue(Files.isRegularFile(repository.resolve("identity_fp32/config.pbtxt")));

            int http = Integer.parseInt(TritonKaraf.freePort());
            int grpc = Integer.parseInt(TritonKaraf.freePort());
            int metrics = Integer.parseInt(TritonKaraf.freePort());
            karaf.environment.put("ORG_TRITONOSGI_HTTP_PORT", Integer.toString(http));
            karaf.environment.put("ORG_TRITONOSGI_GRPC_PORT", Integer.toString(grpc));
            karaf.environment.put("ORG_TRITONOSGI_METRICS_PORT", Integer.toString(metrics));
            karaf.environment.put("ORG_TRITONOSGI_EMBEDDED_MODEL_REPOSITORY", repository.toString());
            karaf.environment.put("ORG_TRITONOSGI_EMBEDDED_SERVER_ID", "from-env");

            karaf.run("bin/start");
            TritonKaraf.await("HTTP answers ready on the port from the environment, " + http, Duration.ofSeconds(120),
                    () -> Distribution.ready(http));
            assertFalse("nothing on the .cfg file's HTTP port " + karaf.httpPort, TritonKaraf.listening(karaf.httpPort));

            HttpResponse<String> index = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/v2/repository/index")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(index.body(), 200, index.statusCode());
            assertTrue("the repository from the environment: " + index.body(),
                    index.body().contains("\"name\":\"identity_fp32\""));
            assertFalse("not the distribution's own repository: " + index.body(),
                    index.body().contains("\"name\":\"repeat\""));

            HttpResponse<String> metadata = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/v2")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue("server.id from the environment: " + metadata.body(),
                    metadata.body().contains("\"name\":\"from-env\""));

            TritonKaraf.await("gRPC listens on " + grpc, Duration.ofSeconds(60), () -> TritonKaraf.listening(grpc));
            assertFalse("nothing on the .cfg file's gRPC port", TritonKaraf.listening(karaf.grpcPort));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
            try {
                var models = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList();
                assertEquals("gRPC serves the same repository", List.of("identity_fp32"),
                        models.stream().map(m -> m.getName()).distinct().toList());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            TritonKaraf.await("metrics answer on " + metrics, Duration.ofSeconds(60), () -> metricsAnswer(metrics));
            assertFalse("nothing on the .cfg file's metrics port", TritonKaraf.listening(karaf.metricsPort));
        }
    }

    private static boolean metricsAnswer(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
