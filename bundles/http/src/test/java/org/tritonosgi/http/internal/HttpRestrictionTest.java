package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.http.internal.HttpFixture.assertError;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;
import org.tritonosgi.embedded.internal.Settings;

/** Restricted API groups, header forwarding and their configuration. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class HttpRestrictionTest {

    private static final String INFER = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1],\"datatype\":\"INT32\","
            + "\"data\":[7]}]}";

    @TempDir
    static Path repo;

    private static HttpFixture http;

    @BeforeAll
    static void start() {
        HttpFixture.model(repo, "m", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_INT32 dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_INT32 dims: [ 1 ] } ]
                """);
        http = new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)),
                settings -> settings.withRestrictions("inference,model-repository:infer-key=secret",
                        "logging:admin=yes"));
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    @Test
    void restrictedGroupsNeedTheirHeaderWithTheExactValue() throws Exception {
        assertError(http.post("/v2/models/m/infer", INFER), 403,
                "This API is restricted, expecting header 'infer-key'");
        assertError(http.post("/v2/models/m/infer", INFER.getBytes(), "infer-key", "wrong"), 403, "'infer-key'");
        assertEquals(200, http.post("/v2/models/m/infer", INFER.getBytes(), "infer-key", "secret").statusCode());
        assertError(http.post("/v2/repository/index", ""), 403, "'infer-key'");
        assertError(http.get("/v2/logging"), 403, "'admin'");
        assertError(http.get("/v2/models/m/infer"), 403, "'infer-key'");
        assertEquals(200, http.get("/v2/health/ready").statusCode(), "health is not restricted");
        assertEquals(200, http.get("/v2/models/m").statusCode(), "metadata is not restricted");
    }

    @Test
    void restrictionsAndForwardPatternAreCheckedWhenConfigured() {
        assertTrue(invalid(Map.of("restricted.api", "inference:key")).contains("<group>[,<group>...]:<header>=<value>"));
        assertTrue(invalid(Map.of("restricted.api", "nonsense:k=v")).contains("unknown group 'nonsense'"));
        assertTrue(invalid(Map.of("restricted.api", new String[] {"health:a=1", "health:b=2"}))
                .contains("'health' is restricted more than once"));
        assertTrue(invalid(Map.of("header.forward.pattern", "x-(")).startsWith(
                "PID org.tritonosgi.http: invalid value 'x-(' for property 'header.forward.pattern'"));
    }

    @Test
    void aRestrictedFactoryInstanceServesBesideTheOpenOneAndNamesItsOwnPidInErrors() throws Exception {
        String pid = HttpFrontendInstance.FACTORY_PID + "~restricted";
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HttpFrontendInstance restricted = new HttpFrontendInstance(Converters.standardConverter()
                .convert(Map.of("address", "127.0.0.1", "port", port, "restricted.api", "inference:key=k"))
                .to(HttpConfig.class), Map.of("service.pid", pid), http.engine);
        try {
            java.net.http.HttpRequest infer = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/v2/models/m/infer"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(INFER)).build();
            assertEquals(403, http.client.send(infer, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
            IllegalStateException busy = assertThrows(IllegalStateException.class, () -> new HttpFrontendInstance(
                    Converters.standardConverter().convert(Map.of("address", "127.0.0.1", "port", port))
                            .to(HttpConfig.class), Map.of("service.pid", pid), http.engine));
            assertTrue(busy.getMessage().startsWith("PID " + pid + ": cannot listen on"), busy.getMessage());
        } finally {
            restricted.deactivate();
        }
        HttpConfig wrong = Converters.standardConverter().convert(Map.of("header.forward.pattern", "x-("))
                .to(HttpConfig.class);
        String message = assertThrows(IllegalArgumentException.class,
                () -> new HttpFrontendInstance(wrong, Map.of("service.pid", pid), http.engine)).getMessage();
        assertTrue(message.startsWith("PID " + pid + ": invalid value 'x-(' for property 'header.forward.pattern'"),
                message);
    }

    private static String invalid(Map<String, Object> properties) {
        HttpConfig config = Converters.standardConverter().convert(properties).to(HttpConfig.class);
        return assertThrows(IllegalArgumentException.class, () -> HttpSettings.from(config)).getMessage();
    }

    @Test
    void matchingHeadersBecomeStringRequestParameters() {
        var headers = new io.netty.handler.codec.http.DefaultHttpHeaders().add("X-Trace-Tag", "a1")
                .add("Content-Type", "application/json");
        var forwarded = InferEndpoints.forwardedHeaders(java.util.regex.Pattern.compile("x-trace-.*",
                java.util.regex.Pattern.CASE_INSENSITIVE), headers);
        assertEquals(Map.of("x-trace-tag", "a1"), forwarded);
    }
}
