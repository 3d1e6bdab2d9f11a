package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.tritonosgi.itests.TritonKaraf.await;
import static org.tritonosgi.itests.TritonKaraf.listening;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.ops4j.pax.logging.spi.PaxAppender;
import org.osgi.framework.ServiceRegistration;
import org.tritonosgi.api.InferenceServer;

/**
 * The triton feature in a real Karaf: the seed's example over HTTP, component states, the deactivation order when
 * the engine's bundle stops, live reconfiguration of the HTTP port, and feature uninstall/install.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TritonFeatureIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ENGINE = "org.tritonosgi.embedded.internal.EmbeddedEngine";
    private static final String FRONTEND = "org.tritonosgi.http.internal.HttpFrontend";
    private static final String GRPC_FRONTEND = "org.tritonosgi.grpc.internal.GrpcFrontend";
    private static final String METRICS_FRONTEND = "org.tritonosgi.metrics.internal.MetricsFrontend";
    private static final String SEED = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
            + "\"data\":[[\"Roger Roger\"]]}]}";
    private static final String SEED_OUTPUT =
            "\"outputs\":[{\"name\":\"OUTPUT0\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"Roger Roger\"]}]";

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private org.apache.karaf.shell.api.console.SessionFactory shell;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return TritonKaraf.distribution();
    }

    private static int httpPort() {
        return TritonKaraf.port(TritonKaraf.HTTP_PORT);
    }

    private static int grpcPort() {
        return TritonKaraf.port(TritonKaraf.GRPC_PORT);
    }

    private static int metricsPort() {
        return TritonKaraf.port(TritonKaraf.METRICS_PORT);
    }

    private HttpResponse<String> send(int port, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request to " + path + " on port " + port + " failed: " + e, e);
        }
    }

    /** Whether HTTP on this port answers ready; false (not an error) while the port is closing or rebinding. */
    private boolean ready(int port) {
        return answers(port, "/v2/health/ready", null, "");
    }

    /** Whether this request gets 200 with a body holding the fragment; false while the port is unreachable. */
    private boolean answers(int port, String path, String body, String fragment) {
        try {
            if (!listening(port)) {
                return false;
            }
            HttpResponse<String> response = send(port, path, body);
            return response.statusCode() == 200 && response.body().contains(fragment);
        } catch (AssertionError unreachable) {
            return false;
        }
    }

    private boolean active(String component) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.name.equals(component)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state == ComponentConfigurationDTO.ACTIVE) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().equals(symbolicName)) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private void assertSeedRoundTrip(int port) {
        HttpResponse<String> response = send(port, "/v2/models/identity/infer", SEED);
        assertEquals(response.body(), 200, response.statusCode());
        assertTrue(response.body(), response.body().contains(SEED_OUTPUT));
    }

    @Test
    public void seedRequestComesBackUnchangedAndComponentsAreActive() throws Exception {
        assertTrue(features.isInstalled(features.getFeature("triton")));
        await("the engine and the HTTP, gRPC and metrics components are ACTIVE", TIMEOUT,
                () -> active(ENGINE) && active(FRONTEND) && active(GRPC_FRONTEND) && active(METRICS_FRONTEND));
        await("HTTP answers ready on port " + httpPort(), TIMEOUT, () -> ready(httpPort()));
        await("gRPC listens on port " + grpcPort(), TIMEOUT, () -> listening(grpcPort()));

        assertSeedRoundTrip(httpPort());
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        String metrics = client.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics, metrics.contains("nv_inference_request_success{model=\"identity\",version=\"1\"}"));
        HttpResponse<String> unknown = send(httpPort(), "/v2/models/missing/infer", SEED);
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body(), unknown.body().contains("'missing'"));
        // shipped defaults are safe (issue 10): control mode none, so clients cannot unload or load models
        assertEquals("none", configurationAdmin.getConfiguration("org.tritonosgi.embedded", null).getProperties()
                .get("model.control.mode"));
        HttpResponse<String> unload = send(httpPort(), "/v2/repository/models/identity/unload", "{}");
        assertEquals(unload.body(), 503, unload.statusCode());
        assertTrue(unload.body(), unload.body().contains("explicit model load / unload is not allowed if polling is "
                + "enabled") && unload.body().contains("model control mode is 'none'"));
        assertSeedRoundTrip(httpPort());
    }

    @Test
    public void stoppingTheEngineBundleDeactivatesHttpFirstAndStartingBringsBothBack() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        List<String> stops = new CopyOnWriteArrayList<>();
        PaxAppender appender = event -> {
            String message = event.getRenderedMessage();
            if (message.startsWith("Triton ") && message.endsWith(" stopped")) {
                stops.add(message);
            }
        };
        Hashtable<String, Object> name = new Hashtable<>();
        name.put("org.ops4j.pax.logging.appender.name", "TritonStopOrder");
        ServiceRegistration<PaxAppender> registration = context.registerService(PaxAppender.class, appender, name);
        Bundle engine = bundle("org.tritonosgi.embedded");
        try {
            engine.stop();

            await("the HTTP, gRPC and metrics ports close", TIMEOUT,
                    () -> !listening(httpPort()) && !listening(grpcPort()) && !listening(metricsPort()));
            await("the four components logged their stop", TIMEOUT, () -> stops.size() >= 4);
            assertEquals(stops.toString(), 4, stops.size());
            List<String> frontends = stops.subList(0, 3);
            for (String kind : List.of("HTTP", "gRPC", "metrics")) {
                assertTrue("the " + kind + " frontend stops before the engine: " + stops,
                        frontends.stream().anyMatch(line -> line.startsWith("Triton " + kind + " frontend on ")));
            }
            assertEquals("Triton embedded engine 'triton' stopped", stops.get(3));
            assertFalse(active(FRONTEND));
            assertFalse(active(GRPC_FRONTEND));
            assertFalse(active(METRICS_FRONTEND));
        } finally {
            registration.unregister();
            engine.start();
        }
        await("all four components are ACTIVE again", TIMEOUT,
                () -> active(ENGINE) && active(FRONTEND) && active(GRPC_FRONTEND) && active(METRICS_FRONTEND));
        await("gRPC listens again", TIMEOUT, () -> listening(grpcPort()));
        await("HTTP answers ready again", TIMEOUT, () -> ready(httpPort()));
        assertSeedRoundTrip(httpPort());
    }

    @Test
    public void theLoggingEndpointChangesWhatKarafLogs() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        List<String> requests = new CopyOnWriteArrayList<>();
        PaxAppender appender = event -> {
            String message = event.getRenderedMessage();
            if (message.startsWith("model 'identity' version 1: request ")) {
                requests.add(message);
            }
        };
        Hashtable<String, Object> name = new Hashtable<>();
        name.put("org.ops4j.pax.logging.appender.name", "TritonVerbose");
        ServiceRegistration<PaxAppender> registration = context.registerService(PaxAppender.class, appender, name);
        try {
            assertSeedRoundTrip(httpPort());
            assertEquals("not verbose by default: " + requests, 0, requests.size());

            HttpResponse<String> verbose = send(httpPort(), "/v2/logging", "{\"log_verbose_level\":1}");
            assertEquals(verbose.body(), 200, verbose.statusCode());
            assertTrue(verbose.body(), verbose.body().contains("\"log_verbose_level\":1"));
            await("Pax Logging sets org.tritonosgi to DEBUG", TIMEOUT, () -> {
                assertSeedRoundTrip(httpPort());
                return !requests.isEmpty();
            });
            assertTrue(requests.toString(), requests.get(0).matches("model 'identity' version 1: request succeeded "
                    + "in [0-9]+ us"));

            HttpResponse<String> quiet = send(httpPort(), "/v2/logging", "{\"log_verbose_level\":0}");
            assertEquals(quiet.body(), 200, quiet.statusCode());
            await("Pax Logging sets org.tritonosgi back to INFO", TIMEOUT, () -> "INFO".equals(level()));
            int before = requests.size();
            assertSeedRoundTrip(httpPort());
            assertEquals("no request line once verbose is off: " + requests, before, requests.size());
        } finally {
            registration.unregister();
            send(httpPort(), "/v2/logging", "{\"log_verbose_level\":0,\"log_info\":true}");
        }
    }

    /** The level Pax Logging's configuration gives the org.tritonosgi logger. */
    private String level() {
        try {
            Dictionary<String, Object> properties = configurationAdmin.getConfiguration("org.ops4j.pax.logging", null)
                    .getProperties();
            for (var keys = properties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                if (key.endsWith(".name") && "org.tritonosgi".equals(properties.get(key))) {
                    return String.valueOf(properties.get(key.replace(".name", ".level")));
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void aTracedRequestReachesAnOtlpCollectorWithTheClientsTraceId() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        List<byte[]> exports = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exports.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        org.osgi.service.cm.Configuration tracing = configurationAdmin.getConfiguration("org.tritonosgi.tracing",
                null);
        Dictionary<String, Object> original = tracing.getProperties();
        try {
            Hashtable<String, Object> on = new Hashtable<>();
            on.put("trace.level", "TIMESTAMPS");
            on.put("trace.rate", 1);
            on.put("otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces");
            tracing.update(on);
            await("the trace settings endpoint shows the new level", TIMEOUT,
                    () -> answers(httpPort(), "/v2/trace/setting", null, "TIMESTAMPS"));
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            HttpRequest traced = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort()
                    + "/v2/models/identity/infer")).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                    .POST(HttpRequest.BodyPublishers.ofString(SEED)).timeout(Duration.ofSeconds(10)).build();
            assertEquals(200, client.send(traced, HttpResponse.BodyHandlers.ofString()).statusCode());
            byte[] id = java.util.HexFormat.of().parseHex(traceId);
            await("the collector receives the client's trace id", TIMEOUT, () -> exports.stream()
                    .anyMatch(body -> new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains(new String(id, java.nio.charset.StandardCharsets.ISO_8859_1))));
        } finally {
            tracing.update(original == null ? new Hashtable<>(java.util.Map.of("trace.level", "OFF")) : original);
            // the collector goes only once the traced component is gone: it flushes to it while stopping
            await("tracing is off again", TIMEOUT,
                    () -> answers(httpPort(), "/v2/trace/setting", null, "\"trace_level\":[\"OFF\"]"));
            collector.stop(0);
        }
    }

    @Test
    public void changingThePortMovesTheServerWithoutRestartingTheEngine() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        Object engineServiceId = engineServiceId("triton");
        int spare = TritonKaraf.port(TritonKaraf.SPARE_PORT);
        org.osgi.service.cm.Configuration http = configurationAdmin.getConfiguration("org.tritonosgi.http", null);
        Dictionary<String, Object> properties = http.getProperties();
        Object originalPort = properties.get("port");
        try {
            properties.put("port", spare);
            http.update(properties);

            await("HTTP answers on the new port " + spare, TIMEOUT, () -> ready(spare));
            await("the old port closes", TIMEOUT, () -> !listening(httpPort()));
            assertSeedRoundTrip(spare);
            assertEquals("the engine kept its service registration", engineServiceId, engineServiceId("triton"));
        } finally {
            properties.put("port", originalPort);
            http.update(properties);
            await("HTTP is back on port " + httpPort(), TIMEOUT, () -> ready(httpPort()));
        }
    }

    /** The failure text of the component configuration made for this PID, or null while it has none. */
    private String failureOf(String component, String pid) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.name.equals(component)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (pid.equals(configuration.properties.get("service.pid"))
                            && configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        return configuration.failure;
                    }
                }
            }
        }
        return null;
    }

    @Test
    public void aFactoryConfigurationAddsARestrictedHttpFrontendBesideTheDefaultOne() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        int spare = TritonKaraf.port(TritonKaraf.SPARE_PORT);
        org.osgi.service.cm.Configuration restricted =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.http.instance", "restricted", "?");
        org.osgi.service.cm.Configuration wrong =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.http.instance", "wrong", "?");
        try {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("address", "127.0.0.1");
            properties.put("port", spare);
            properties.put("restricted.api", new String[] {"inference:infer-key=secret"});
            properties.put("server.target", "(server.id=triton)");
            restricted.update(properties);

            await("the restricted frontend answers on port " + spare, TIMEOUT, () -> ready(spare));
            HttpResponse<String> refused = send(spare, "/v2/models/identity/infer", SEED);
            assertEquals(refused.body(), 403, refused.statusCode());
            assertTrue(refused.body(), refused.body().contains("infer-key"));
            assertSeedRoundTrip(httpPort());

            Hashtable<String, Object> invalid = new Hashtable<>();
            invalid.put("port", 70000);
            wrong.update(invalid);
            String pid = wrong.getPid();
            await("the invalid factory configuration fails", TIMEOUT,
                    () -> failureOf("org.tritonosgi.http.instance", pid) != null);
            String failure = failureOf("org.tritonosgi.http.instance", pid);
            assertTrue(failure, failure.contains("PID " + pid + ": invalid value '70000' for property 'port'"));
            assertTrue("the restricted frontend kept serving", ready(spare));
        } finally {
            wrong.delete();
            restricted.delete();
        }
        await("deleting the factory configuration closes port " + spare, TIMEOUT, () -> !listening(spare));
        assertSeedRoundTrip(httpPort());
    }

    /**
     * The service.id of the engine registered under this server.id. By name, not class: after the uninstall test
     * reinstalls the feature, the engine implements the new api bundle's InferenceServer, not the probe's.
     */
    private Object engineServiceId(String serverId) throws Exception {
        var engines = context.getAllServiceReferences(InferenceServer.class.getName(),
                "(server.id=" + serverId + ")");
        assertEquals("engines with server.id " + serverId, 1, engines == null ? 0 : engines.length);
        return engines[0].getProperty("service.id");
    }

    @Test
    public void aSecondEngineFromAFactoryConfigurationServesThroughItsOwnFrontend() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        Object defaultEngine = engineServiceId("triton");
        Object repository = configurationAdmin.getConfiguration("org.tritonosgi.embedded", null).getProperties()
                .get("model.repository");
        int spare = TritonKaraf.port(TritonKaraf.SPARE_PORT);
        org.osgi.service.cm.Configuration engine =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.embedded.instance", "second", "?");
        org.osgi.service.cm.Configuration clash =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.embedded.instance", "clash", "?");
        org.osgi.service.cm.Configuration frontend =
                configurationAdmin.getFactoryConfiguration("org.tritonosgi.http.instance", "second", "?");
        try {
            Hashtable<String, Object> engineProperties = new Hashtable<>();
            engineProperties.put("server.id", "second");
            engineProperties.put("model.repository", repository);
            engineProperties.put("model.control.mode", "explicit");
            engineProperties.put("startup.models", new String[] {"identity_fp32"});
            engineProperties.put("exit.timeout", 5);
            engine.update(engineProperties);
            Hashtable<String, Object> frontendProperties = new Hashtable<>();
            frontendProperties.put("address", "127.0.0.1");
            frontendProperties.put("port", spare);
            frontendProperties.put("server.target", "(server.id=second)");
            frontend.update(frontendProperties);

            await("the second engine's frontend answers on port " + spare, TIMEOUT, () -> ready(spare));
            String metadata = send(spare, "/v2", null).body();
            assertTrue(metadata, metadata.contains("\"name\":\"second\""));
            String index = send(spare, "/v2/repository/index", "{\"ready\":true}").body();
            assertTrue(index, index.contains("\"identity_fp32\"") && !index.contains("\"identity\""));
            assertTrue(send(httpPort(), "/v2", null).body().contains("\"name\":\"triton\""));
            assertSeedRoundTrip(httpPort());

            Hashtable<String, Object> sameId = new Hashtable<>();
            sameId.put("model.repository", repository);
            clash.update(sameId);
            String clashPid = clash.getPid();
            await("an engine reusing server.id triton fails", TIMEOUT,
                    () -> failureOf("org.tritonosgi.embedded.instance", clashPid) != null);
            String failure = failureOf("org.tritonosgi.embedded.instance", clashPid);
            assertTrue(failure, failure.contains("PID " + clashPid + ": invalid value 'triton' for property "
                    + "'server.id': expected a name no other engine uses"));

            engineProperties.put("startup.models", new String[] {"identity"});
            engine.update(engineProperties);
            await("the reconfigured second engine serves identity on port " + spare, TIMEOUT,
                    () -> answers(spare, "/v2/repository/index", "{\"ready\":true}", "\"identity\""));
            assertSeedRoundTrip(spare);
            assertEquals("the default engine was not restarted", defaultEngine, engineServiceId("triton"));
        } finally {
            frontend.delete();
            clash.delete();
            engine.delete();
        }
        await("deleting the configurations closes port " + spare, TIMEOUT, () -> !listening(spare));
        await("the second engine's threads end", TIMEOUT, () -> tritonThreads().stream()
                .noneMatch(name -> name.startsWith("triton-embedded-second-")));
        assertEquals(defaultEngine, engineServiceId("triton"));
        assertSeedRoundTrip(httpPort());
    }

    /** Our thread pools all name their threads triton-*; none may outlive the feature. */
    private static List<String> tritonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("triton-")).sorted().toList();
    }

    @Test
    public void uninstallingTheFeatureClosesThePortAndInstallingServesAgain() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        assertFalse("the running feature has triton-* threads, so the check below can fail", tritonThreads().isEmpty());
        EnumSet<FeaturesService.Option> noRefresh = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

        features.uninstallFeature("triton", noRefresh);
        try {
            await("the HTTP port closes", TIMEOUT, () -> !listening(httpPort()));
            try {
                await("no triton-* thread is left after uninstall", TIMEOUT, () -> tritonThreads().isEmpty());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; still alive: " + tritonThreads(), e);
            }
            for (Bundle bundle : context.getBundles()) {
                assertFalse("no triton bundle is left after uninstall: " + bundle.getSymbolicName(),
                        bundle.getSymbolicName().startsWith("org.tritonosgi."));
            }
        } finally {
            features.installFeature("triton", noRefresh);
        }
        await("HTTP answers ready after reinstall", TIMEOUT, () -> ready(httpPort()));
        assertSeedRoundTrip(httpPort());
    }

    @Test
    public void shellCommandsShowTheEngineTheFrontendsAndTheModels() throws Exception {
        await("HTTP answers ready", TIMEOUT, () -> ready(httpPort()));
        assertTrue(features.isInstalled(features.getFeature("triton-shell")));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session session = shell.create(
                new java.io.ByteArrayInputStream(new byte[0]), print, print);
        try {
            session.execute("triton:status");
            session.execute("triton:models");
        } finally {
            session.close();
        }
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text, text.contains("READY"));
        assertTrue(text, text.contains("org.tritonosgi.http") && text.contains("127.0.0.1:" + httpPort()));
        assertTrue(text, text.contains("identity_fp32"));
    }
}
