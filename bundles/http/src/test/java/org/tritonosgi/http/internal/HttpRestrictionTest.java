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

    /** Every endpoint in every path form that reaches it: aliases, versions, repository names, regions. */
    private static final String[][] EVERY_ROUTE = {
        {"GET", "/v2/health/live"}, {"GET", "/v2/health/ready"}, {"GET", "/v2/models/m/ready"},
        {"GET", "/v2/models/m/versions/1/ready"}, {"GET", "/v2"}, {"GET", "/v2/models/m"},
        {"GET", "/v2/models/m/versions/1"}, {"POST", "/v2/models/m/infer"}, {"POST", "/v2/models/m/versions/1/infer"},
        {"POST", "/v2/models/m/generate"}, {"POST", "/v2/models/m/versions/1/generate"},
        {"POST", "/v2/models/m/generate_stream"}, {"GET", "/v2/models/m/config"},
        {"GET", "/v2/models/m/versions/1/config"}, {"GET", "/v2/models/stats"}, {"GET", "/v2/models/m/stats"},
        {"GET", "/v2/models/m/versions/1/stats"}, {"POST", "/v2/repository/index"},
        {"POST", "/v2/repository/default/index"}, {"POST", "/v2/repository/models/m/load"},
        {"POST", "/v2/repository/default/models/m/load"}, {"POST", "/v2/repository/models/m/unload"},
        {"POST", "/v2/repository/default/models/m/unload"}, {"GET", "/v2/systemsharedmemory/status"},
        {"GET", "/v2/systemsharedmemory/region/r/status"}, {"POST", "/v2/systemsharedmemory/region/r/register"},
        {"POST", "/v2/systemsharedmemory/unregister"}, {"POST", "/v2/systemsharedmemory/region/r/unregister"},
        {"GET", "/v2/cudasharedmemory/status"}, {"GET", "/v2/cudasharedmemory/region/r/status"},
        {"POST", "/v2/cudasharedmemory/region/r/register"}, {"POST", "/v2/cudasharedmemory/unregister"},
        {"POST", "/v2/cudasharedmemory/region/r/unregister"}, {"GET", "/v2/trace/setting"},
        {"POST", "/v2/trace/setting"}, {"GET", "/v2/models/m/trace/setting"}, {"POST", "/v2/models/m/trace/setting"},
        {"GET", "/v2/logging"}, {"POST", "/v2/logging"}};

    @Test
    void withEveryGroupRestrictedNoRouteAnswersWithoutTheHeader() throws Exception {
        java.util.Set<Route.Endpoint> covered = java.util.EnumSet.noneOf(Route.Endpoint.class);
        for (String[] route : EVERY_ROUTE) {
            covered.add(Route.match(route[1]).endpoint());
        }
        assertEquals(java.util.EnumSet.allOf(Route.Endpoint.class), covered,
                "a new endpoint needs its paths in EVERY_ROUTE");
        String groups = String.join(",", java.util.Arrays.stream(org.tritonosgi.api.frontend.EndpointGroup.values())
                .map(org.tritonosgi.api.frontend.EndpointGroup::tritonName).toList());
        try (HttpFixture all = new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)),
                settings -> settings.withRestrictions(groups + ":k=v"))) {
            for (String[] route : EVERY_ROUTE) {
                byte[] body = route[1].endsWith("infer") ? INFER.getBytes() : "{}".getBytes();
                var refused = route[0].equals("GET") ? all.get(route[1]) : all.post(route[1], body);
                assertError(refused, 403, "expecting header 'k'");
                var allowed = route[0].equals("GET") ? all.get(route[1], "k", "v") : all.post(route[1], body, "k", "v");
                assertTrue(allowed.statusCode() != 403, route[0] + " " + route[1] + " with the header");
            }
            // spellings that match no route get 404, never an unrestricted answer
            for (String path : List.of("//v2/models/m/infer", "/v2/models/m/infer/", "/v2/./models/m/infer",
                    "/v2/models/m/../m/infer", "/V2/models/m/infer", "/v2/models/m//infer", "/v2/models/m%2Finfer",
                    "/v2/logging/", "/v2/logging%2F", "/v2//logging")) {
                var response = all.post(path, INFER.getBytes());
                assertTrue(response.statusCode() == 404 || response.statusCode() == 403 || response.statusCode() == 400,
                        path + " got " + response.statusCode());
            }
        }
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
