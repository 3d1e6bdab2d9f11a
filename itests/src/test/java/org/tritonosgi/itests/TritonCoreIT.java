package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.tritonosgi.itests.TritonKaraf.await;
import static org.tritonosgi.itests.TritonKaraf.listening;

import java.io.File;
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
import org.ops4j.pax.logging.spi.PaxAppender;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * triton-core in a real Karaf, on the C test double of libtritonserver: installed beside the embedded engine under
 * its own server.id, the HTTP frontend moved onto it with server.target, and stopped under its frontend.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TritonCoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return TritonKaraf.distribution();
    }

    private HttpResponse<String> send(int port, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean ready(int port) {
        try {
            return listening(port) && send(port, "/v2/health/ready", null).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    public void nativeCoreOnTheDoubleServesThroughTheHttpFrontendAndStopsAfterIt() throws Exception {
        String library = System.getProperty(TritonKaraf.CORE_DOUBLE);
        assertTrue("the C double was built at " + library, new File(library).isFile());
        int port = TritonKaraf.port(TritonKaraf.HTTP_PORT);

        Configuration core = configurationAdmin.getConfiguration("org.tritonosgi.core", null);
        Hashtable<String, Object> coreProperties = new Hashtable<>();
        coreProperties.put("library.path", library);
        coreProperties.put("model.repository", "/models");
        coreProperties.put("server.id", "native");
        core.update(coreProperties);
        features.installFeature("triton-core", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        Configuration http = configurationAdmin.getConfiguration("org.tritonosgi.http", null);
        Dictionary<String, Object> httpProperties = http.getProperties();
        httpProperties.put("server.target", "(server.id=native)");
        http.update(httpProperties);

        await("the HTTP frontend serves the native core on " + port, TIMEOUT,
                () -> ready(port) && serverName(port).contains("\"name\":\"native\""));
        HttpResponse<String> seed = send(port, "/v2/models/identity/infer", "{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"shape\":[1,1],\"datatype\":\"BYTES\",\"data\":[[\"Roger Roger\"]]}]}");
        assertEquals(seed.body(), 200, seed.statusCode());
        assertTrue(seed.body(), seed.body().contains("\"data\":[\"Roger Roger\"]"));
        assertTrue("the embedded engine still serves gRPC", listening(TritonKaraf.port(TritonKaraf.GRPC_PORT)));

        List<String> stops = new CopyOnWriteArrayList<>();
        Hashtable<String, Object> name = new Hashtable<>();
        name.put("org.ops4j.pax.logging.appender.name", "TritonCoreStopOrder");
        ServiceRegistration<PaxAppender> appender = context.registerService(PaxAppender.class, event -> {
            String message = event.getRenderedMessage();
            if (message.startsWith("Triton ") && message.contains(" stopped")) {
                stops.add(message);
            }
        }, name);
        Bundle coreBundle = null;
        for (Bundle bundle : context.getBundles()) {
            if ("org.tritonosgi.core".equals(bundle.getSymbolicName())) {
                coreBundle = bundle;
            }
        }
        try {
            coreBundle.stop();
            await("the native frontend's port closes", TIMEOUT, () -> !listening(port));
            await("the frontend and the core logged their stop", TIMEOUT, () -> stops.size() >= 2);
            assertTrue(stops.toString(), stops.get(0).startsWith("Triton HTTP frontend on 127.0.0.1:" + port));
            assertTrue(stops.toString(), stops.get(1).startsWith("Triton native core 'native' stopped"));
            assertEquals(stops.toString(), 2, stops.size());
            assertTrue("the embedded engine's gRPC frontend is untouched",
                    listening(TritonKaraf.port(TritonKaraf.GRPC_PORT)));
        } finally {
            appender.unregister();
            coreBundle.start();
        }
        await("the native core serves again after its bundle restarts", TIMEOUT, () -> ready(port));
        httpProperties.put("server.target", "(server.id=*)");
        http.update(httpProperties);
        await("the HTTP frontend is back on the embedded engine", TIMEOUT,
                () -> ready(port) && serverName(port).contains("\"name\":\"triton\""));
    }

    private String serverName(int port) {
        try {
            return send(port, "/v2", null).body();
        } catch (Exception e) {
            return "";
        }
    }
}
