package org.tritonosgi.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.ops4j.pax.exam.Option;

/** Pax Exam options for booting the reactor-built distribution on free loopback ports, and waits with deadlines. */
final class TritonKaraf {

    static final String HTTP_PORT = "tritonosgi.itest.http.port";
    static final String SPARE_PORT = "tritonosgi.itest.spare.port";
    static final String GRPC_PORT = "tritonosgi.itest.grpc.port";
    static final String METRICS_PORT = "tritonosgi.itest.metrics.port";
    static final String CORE_DOUBLE = "tritonosgi.core.double";

    private TritonKaraf() {
    }

    /** The distribution with HTTP on a free loopback port (in system property {@value #HTTP_PORT}). */
    static Option[] distribution() {
        String localRepo = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        String repositories = System.getProperty("org.ops4j.pax.url.mvn.repositories");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(System.getProperty("tritonosgi.assembly")).toURI().toString())
                        .karafVersion(System.getProperty("karaf.version"))
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                // no console: without a terminal (CI, background builds) it would spin printing prompts
                configureConsole().ignoreLocalConsole(),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        localRepo),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                        repositories),
                // Pax Exam lowers the root logger to WARN; the lifecycle tests read our INFO lines.
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.triton.name", "org.tritonosgi"),
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.triton.level", "INFO"),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1")));
        String httpPort = freePort();
        options.add(editConfigurationFilePut("etc/org.tritonosgi.http.cfg", "port", httpPort));
        options.add(editConfigurationFilePut("etc/org.tritonosgi.http.cfg", "address", "127.0.0.1"));
        options.add(systemProperty(HTTP_PORT).value(httpPort));
        options.add(systemProperty(SPARE_PORT).value(freePort()));
        String grpcPort = freePort();
        options.add(editConfigurationFilePut("etc/org.tritonosgi.grpc.cfg", "port", grpcPort));
        options.add(editConfigurationFilePut("etc/org.tritonosgi.grpc.cfg", "address", "127.0.0.1"));
        options.add(systemProperty(GRPC_PORT).value(grpcPort));
        String metricsPort = freePort();
        options.add(editConfigurationFilePut("etc/org.tritonosgi.metrics.cfg", "port", metricsPort));
        options.add(editConfigurationFilePut("etc/org.tritonosgi.metrics.cfg", "address", "127.0.0.1"));
        options.add(systemProperty(METRICS_PORT).value(metricsPort));
        options.add(systemProperty(CORE_DOUBLE).value(System.getProperty(CORE_DOUBLE, "")));
        if (Boolean.getBoolean("tritonosgi.itest.keep")) {
            options.add(keepRuntimeFolder());
        }
        return options.toArray(new Option[0]);
    }

    static String freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int port(String property) {
        return Integer.parseInt(System.getProperty(property));
    }

    /** Whether something accepts connections on the loopback port. */
    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls the condition until it holds, failing with the description once the deadline passes. */
    static void await(String description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + description);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + description, e);
            }
        }
    }
}
