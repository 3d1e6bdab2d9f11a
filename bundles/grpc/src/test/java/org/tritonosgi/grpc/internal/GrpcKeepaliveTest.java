package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ConnectivityState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;

/**
 * Keepalive and connection-age settings reach grpc-java's server builder. grpc-java cannot report them from a
 * built server, so the builder is observed through {@link KeepaliveOptions.Target}; the connection age, which a
 * client can see, is also checked end to end.
 */
class GrpcKeepaliveTest {

    @TempDir
    static Path repo;

    private static GrpcConfig config(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(Map.of("address", "127.0.0.1", "port", 0));
        all.putAll(properties);
        return Converters.standardConverter().convert(all).to(GrpcConfig.class);
    }

    /** Records each knob set, by NettyServerBuilder's method name, in milliseconds or as a boolean. */
    private static final class RecordingTarget implements KeepaliveOptions.Target {
        final Map<String, Object> set = new LinkedHashMap<>();

        @Override
        public void keepAliveTime(long time, TimeUnit unit) {
            set.put("keepAliveTime", unit.toMillis(time));
        }

        @Override
        public void keepAliveTimeout(long timeout, TimeUnit unit) {
            set.put("keepAliveTimeout", unit.toMillis(timeout));
        }

        @Override
        public void permitKeepAliveWithoutCalls(boolean permit) {
            set.put("permitKeepAliveWithoutCalls", permit);
        }

        @Override
        public void permitKeepAliveTime(long time, TimeUnit unit) {
            set.put("permitKeepAliveTime", unit.toMillis(time));
        }

        @Override
        public void maxConnectionAge(long age, TimeUnit unit) {
            set.put("maxConnectionAge", unit.toMillis(age));
        }

        @Override
        public void maxConnectionAgeGrace(long grace, TimeUnit unit) {
            set.put("maxConnectionAgeGrace", unit.toMillis(grace));
        }
    }

    @Test
    void everyKeepaliveSettingReachesItsServerBuilderMethod() {
        GrpcSettings settings = GrpcSettings.from(config(Map.of("keepalive.time.ms", 1_001L,
                "keepalive.timeout.ms", 502L, "keepalive.permit.without.calls", true,
                "http2.min.recv.ping.interval.without.data.ms", 3_003L, "max.connection.age.ms", 60_004L,
                "max.connection.age.grace.ms", 5_005L)));
        RecordingTarget target = new RecordingTarget();
        KeepaliveOptions.apply(settings.keepalive(), target);
        assertEquals(Map.of("keepAliveTime", 1_001L, "keepAliveTimeout", 502L, "permitKeepAliveWithoutCalls", true,
                "permitKeepAliveTime", 3_003L, "maxConnectionAge", 60_004L, "maxConnectionAgeGrace", 5_005L),
                target.set);
    }

    @Test
    void tritonsDefaultsReachTheServerBuilder() {
        RecordingTarget target = new RecordingTarget();
        KeepaliveOptions.apply(GrpcSettings.from(config(Map.of())).keepalive(), target);
        assertEquals(Map.of("keepAliveTime", 7_200_000L, "keepAliveTimeout", 20_000L,
                "permitKeepAliveWithoutCalls", false, "permitKeepAliveTime", 300_000L,
                "maxConnectionAge", (long) Integer.MAX_VALUE, "maxConnectionAgeGrace", (long) Integer.MAX_VALUE),
                target.set);
    }

    @Test
    void aConnectionOlderThanMaxConnectionAgeIsClosedByTheServer() throws Exception {
        EmbeddedInferenceServer engine = TestEngine.start(repo);
        GrpcServer server = new GrpcServer(engine, GrpcSettings.from(config(Map.of("max.connection.age.ms", 200L,
                "max.connection.age.grace.ms", 0L))));
        try {
            server.start();
            try (TestClient client = new TestClient(server.localAddress().getPort())) {
                assertTrue(client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
                assertEquals(ConnectivityState.READY, client.channel.getState(false));
                CountDownLatch left = new CountDownLatch(1);
                client.channel.notifyWhenStateChanged(ConnectivityState.READY, left::countDown);
                assertTrue(left.await(10, TimeUnit.SECONDS), "the server kept the connection beyond its age");
                assertTrue(client.channel.getState(false) != ConnectivityState.READY);
            }
        } finally {
            server.stop();
            engine.deactivate();
        }
    }
}
