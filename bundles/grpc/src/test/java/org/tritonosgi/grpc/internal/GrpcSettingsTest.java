package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** Checks the PID's defaults and that every invalid value is reported with PID, property and value. */
class GrpcSettingsTest {

    private static GrpcConfig config(Map<String, Object> properties) {
        return Converters.standardConverter().convert(properties).to(GrpcConfig.class);
    }

    @Test
    void defaultsAreTritons() {
        GrpcSettings settings = GrpcSettings.from(config(Map.of()));
        assertEquals("0.0.0.0", settings.address().getHostString());
        assertEquals(8001, settings.address().getPort());
        assertFalse(settings.reusePort());
        assertNull(settings.tls());
        assertEquals(GrpcSettings.Keepalive.DEFAULTS, settings.keepalive());
        assertEquals(Duration.ofHours(2), settings.keepalive().time());
        assertEquals(Duration.ofSeconds(20), settings.keepalive().timeout());
        assertEquals(Duration.ofMinutes(5), settings.keepalive().minRecvPingInterval());
        assertFalse(settings.compressInferResponses());
        assertEquals(2, settings.inferThreads());
        assertEquals(8, settings.streamWindow());
        assertEquals(Integer.MAX_VALUE, settings.responsePoolSize());
        assertNull(settings.forwardHeaders());
        assertTrue(settings.restrictions().isEmpty());
    }

    @Test
    void keepaliveCompressionAndForwardingAreRead() {
        GrpcSettings settings = GrpcSettings.from(config(Map.of("keepalive.time.ms", 1000L,
                "keepalive.timeout.ms", 500L, "keepalive.permit.without.calls", true,
                "http2.min.recv.ping.interval.without.data.ms", 10L, "max.connection.age.ms", 60_000L,
                "max.connection.age.grace.ms", 5_000L, "infer.compression.level", "high",
                "forward.header.pattern", "x-.*", "max.response.pool.size", 16)));
        assertEquals(new GrpcSettings.Keepalive(Duration.ofSeconds(1), Duration.ofMillis(500), true, 2,
                Duration.ofMillis(10), 2, Duration.ofMinutes(1), Duration.ofSeconds(5)), settings.keepalive());
        assertTrue(settings.compressInferResponses());
        assertTrue(settings.forwardHeaders().matcher("X-Request").matches());
        assertEquals(16, settings.responsePoolSize());
    }

    @Test
    void invalidSettingsNamePidPropertyAndValue() {
        Map<String, Object[]> cases = Map.of(
                "port", new Object[] {70000, "a TCP port"},
                "address", new Object[] {"no such host.invalid", "an IP address"},
                "infer.thread.count", new Object[] {0, "at least 1"},
                "infer.compression.level", new Object[] {"max", "none, low, med or high"},
                "keepalive.time.ms", new Object[] {0L, "milliseconds"},
                "forward.header.pattern", new Object[] {"(", "a Java regular expression"},
                "max.response.pool.size", new Object[] {0, "at least 1"});
        cases.forEach((property, valueAndExpected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GrpcSettings.from(config(Map.of(property, valueAndExpected[0]))), property);
            String prefix = "PID org.tritonosgi.grpc: invalid value '" + valueAndExpected[0] + "' for property '"
                    + property + "': expected " + valueAndExpected[1];
            assertTrue(e.getMessage().startsWith(prefix), e.getMessage() + " should start with " + prefix);
        });
    }

    @Test
    void tlsNeedsReadableFilesAndMutualAuthNeedsARoot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GrpcSettings.from(
                config(Map.of("use.ssl", true, "server.cert", "/nonexistent/cert.pem"))));
        assertEquals("PID org.tritonosgi.grpc: invalid value '/nonexistent/cert.pem' for property 'server.cert':"
                + " expected a readable PEM file when use.ssl is true", e.getMessage());
    }
}
