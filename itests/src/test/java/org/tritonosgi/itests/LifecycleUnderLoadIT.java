package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.tritonosgi.itests.SeedLoad.Outcome;

/**
 * A running distribution, while 32 HTTP and 32 gRPC clients send the seed's request: the engine bundle is stopped
 * and started, the api bundle refreshed (restarting everything that uses it), the HTTP and gRPC ports moved and
 * moved back (the clients follow once the new port answers, as behind a load balancer), and the triton feature
 * uninstalled and installed again. Every request gets the right answer, 503 / UNAVAILABLE, or a refused connection while the
 * ports are closed; none gets a wrong answer, another error or hangs; Karaf's log holds no ERROR.
 */
public class LifecycleUnderLoadIT {

    private SeedLoad load;

    /**
     * Runs the down command (if any) and waits for the frontends' ports to close, then the up command, then waits
     * until the distribution answers again and 200 more requests were answered.
     */
    private void cycle(Distribution karaf, String down, String up) throws Exception {
        if (down != null) {
            karaf.shell(down, "the HTTP and gRPC ports close",
                    () -> !TritonKaraf.listening(karaf.httpPort) && !TritonKaraf.listening(karaf.grpcPort));
        }
        long before = load.answered();
        karaf.shell(up, "the distribution answers ready", karaf::ready);
        TritonKaraf.await("200 more requests answered after '" + up + "'", Duration.ofSeconds(60),
                () -> load.answered() >= before + 200);
        System.out.println("after '" + (down == null ? "" : down + "' and '") + up + "': " + load);
    }

    /**
     * Moves HTTP and gRPC to these ports by editing their etc/ files (as an operator or a config management tool
     * does), waits until the old ports close and the new ones answer, points the clients there, then waits until 200
     * more requests were answered. Not with config:property-set: Karaf 4.4's ConfigRepositoryImpl rewrites the etc/
     * file in place, and a poll of Karaf's file watcher that reads it half-written can replace the whole
     * configuration with the empty one (seen here: HTTP came back on 0.0.0.0:8000, the file held no property).
     */
    private void movePorts(Distribution karaf, int http, int grpc) throws Exception {
        int oldHttp = load.httpTarget.get();
        karaf.set("etc/org.tritonosgi.http.cfg", "port", http);
        TritonKaraf.await("HTTP moves from " + oldHttp + " to " + http + " after editing org.tritonosgi.http.cfg",
                Duration.ofSeconds(60), () -> Distribution.ready(http) && !TritonKaraf.listening(oldHttp));
        load.httpTarget.set(http);
        ManagedChannel old = load.grpcTarget.get();
        int oldGrpc = grpcPort(old);
        karaf.set("etc/org.tritonosgi.grpc.cfg", "port", grpc);
        TritonKaraf.await("gRPC moves from " + oldGrpc + " to " + grpc + " after editing org.tritonosgi.grpc.cfg",
                Duration.ofSeconds(60), () -> TritonKaraf.listening(grpc) && !TritonKaraf.listening(oldGrpc));
        load.grpcTarget.set(SeedLoad.channel(grpc));
        old.shutdown();
        long before = load.answered();
        TritonKaraf.await("200 more requests answered on ports " + http + " and " + grpc, Duration.ofSeconds(60),
                () -> load.answered() >= before + 200);
        assertTrue("the old channel ends", old.awaitTermination(SeedLoad.REQUEST_LIMIT.toSeconds(), TimeUnit.SECONDS));
        System.out.println("after moving to ports " + http + " and " + grpc + ": " + load);
    }

    private static int grpcPort(ManagedChannel channel) {
        String authority = channel.authority();
        return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
    }

    @Test
    public void stoppingRefreshingAndReinstallingUnderLoadLosesAndBreaksNothing() throws Exception {
        try (Distribution karaf = new Distribution("lifecycle-it")) {
            karaf.start(Duration.ofSeconds(120));
            TritonKaraf.await("gRPC listens", Duration.ofSeconds(60), () -> TritonKaraf.listening(karaf.grpcPort));
            load = new SeedLoad(karaf.httpPort, karaf.grpcPort).start(32);
            try {
                TritonKaraf.await("200 requests answered", Duration.ofSeconds(60), () -> load.answered() >= 200);
                cycle(karaf, "bundle:stop org.tritonosgi.embedded", "bundle:start org.tritonosgi.embedded");
                cycle(karaf, null, "bundle:refresh org.tritonosgi.api");
                movePorts(karaf, Integer.parseInt(TritonKaraf.freePort()), Integer.parseInt(TritonKaraf.freePort()));
                movePorts(karaf, karaf.httpPort, karaf.grpcPort);
                cycle(karaf, "feature:uninstall triton", "feature:install triton");
            } finally {
                load.stop();
            }
            System.out.println("stop/start under load, outcomes: " + load);
            assertEquals("no request got a wrong answer, another error or hung: " + load.others, 0,
                    load.count(Outcome.OTHER));
            assertEquals("every client ended", List.of(), load.alive());
            List<String> errors = Files.readAllLines(karaf.home.resolve("data/log/karaf.log")).stream()
                    .filter(line -> line.contains("| ERROR |")).toList();
            assertEquals("Karaf's log holds no ERROR", List.of(), errors);
        }
    }
}
