package org.tritonosgi.grpc.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.tritonosgi.api.frontend.Restrictions;

/**
 * Checked gRPC frontend settings, built from PID {@code org.tritonosgi.grpc} or directly by tests.
 *
 * @param allowClientShm whether clients may register system shared-memory regions (allow.client.shm)
 */
public record GrpcSettings(InetSocketAddress address, boolean reusePort, Tls tls, Keepalive keepalive,
        boolean compressInferResponses, int inferThreads, int streamWindow, int responsePoolSize,
        Pattern forwardHeaders, Restrictions restrictions, boolean allowClientShm) {

    static final String PID = "org.tritonosgi.grpc";

    /** TLS files; null in {@link GrpcSettings#tls()} when TLS is off. */
    public record Tls(Path certChain, Path privateKey, Path rootCert, boolean mutual) {
    }

    /** HTTP/2 keepalive and connection-age settings. */
    public record Keepalive(Duration time, Duration timeout, boolean permitWithoutCalls, int maxPingsWithoutData,
            Duration minRecvPingInterval, int maxPingStrikes, Duration maxConnectionAge,
            Duration maxConnectionAgeGrace) {

        /** Triton's defaults. */
        public static final Keepalive DEFAULTS = new Keepalive(Duration.ofMillis(7_200_000),
                Duration.ofMillis(20_000), false, 2, Duration.ofMillis(300_000), 2,
                Duration.ofMillis(Integer.MAX_VALUE), Duration.ofMillis(Integer.MAX_VALUE));
    }

    /** Plain-text settings with Triton's defaults on the given address, for tests and benchmarks. */
    public static GrpcSettings plain(InetSocketAddress address) {
        return new GrpcSettings(address, false, null, Keepalive.DEFAULTS, false, 2, 8, Integer.MAX_VALUE, null,
                Restrictions.NONE, false);
    }

    /**
     * @throws IllegalArgumentException naming the PID, property and value that are wrong
     */
    static GrpcSettings from(GrpcConfig config) {
        if (config.port() < 0 || config.port() > 65535) {
            throw invalid("port", config.port(), "a TCP port from 0 to 65535");
        }
        InetAddress host;
        try {
            host = InetAddress.getByName(config.address());
        } catch (UnknownHostException e) {
            throw invalid("address", config.address(), "an IP address or a resolvable host name");
        }
        Keepalive keepalive = new Keepalive(
                millis("keepalive.time.ms", config.keepalive_time_ms(), 1),
                millis("keepalive.timeout.ms", config.keepalive_timeout_ms(), 1),
                config.keepalive_permit_without_calls(),
                atLeast("http2.max.pings.without.data", config.http2_max_pings_without_data(), 0),
                millis("http2.min.recv.ping.interval.without.data.ms",
                        config.http2_min_recv_ping_interval_without_data_ms(), 0),
                atLeast("http2.max.ping.strikes", config.http2_max_ping_strikes(), 0),
                millis("max.connection.age.ms", config.max_connection_age_ms(), 1),
                millis("max.connection.age.grace.ms", config.max_connection_age_grace_ms(), 0));
        String level = config.infer_compression_level() == null ? ""
                : config.infer_compression_level().trim().toLowerCase(Locale.ROOT);
        if (!level.matches("none|low|med|medium|high")) {
            throw invalid("infer.compression.level", config.infer_compression_level(), "none, low, med or high");
        }
        return new GrpcSettings(new InetSocketAddress(host, config.port()), config.reuse_port(), tls(config),
                keepalive, !level.equals("none"),
                atLeast("infer.thread.count", config.infer_thread_count(), 1),
                atLeast("infer.allocation.pool.size", config.infer_allocation_pool_size(), 1),
                atLeast("max.response.pool.size", config.max_response_pool_size(), 1),
                pattern(config.forward_header_pattern()), restrictions(config.restricted_protocol()),
                config.allow_client_shm());
    }

    /** A copy restricting the groups of Triton's --grpc-restricted-protocol entries, for tests. */
    GrpcSettings withRestrictions(String... entries) {
        return new GrpcSettings(address, reusePort, tls, keepalive, compressInferResponses, inferThreads,
                streamWindow, responsePoolSize, forwardHeaders, restrictions(entries), allowClientShm);
    }

    /** A copy that lets clients register shared-memory regions, for tests. */
    GrpcSettings withClientShm(boolean allow) {
        return new GrpcSettings(address, reusePort, tls, keepalive, compressInferResponses, inferThreads,
                streamWindow, responsePoolSize, forwardHeaders, restrictions, allow);
    }

    /** A copy holding at most this many responses per stream for a client that does not read, for tests. */
    GrpcSettings withResponsePoolSize(int responses) {
        return new GrpcSettings(address, reusePort, tls, keepalive, compressInferResponses, inferThreads,
                streamWindow, responses, forwardHeaders, restrictions, allowClientShm);
    }

    private static Restrictions restrictions(String[] entries) {
        try {
            Restrictions restrictions = Restrictions.parse(entries);
            RestrictedProtocols.check(restrictions);
            return restrictions;
        } catch (IllegalArgumentException e) {
            throw invalid("restricted.protocol", String.join(" ", entries), e.getMessage());
        }
    }

    private static Tls tls(GrpcConfig config) {
        if (!config.use_ssl()) {
            return null;
        }
        Path cert = readable("server.cert", config.server_cert());
        Path key = readable("server.key", config.server_key());
        Path root = config.root_cert() == null || config.root_cert().isBlank() ? null
                : readable("root.cert", config.root_cert());
        if (config.use_mutual_auth() && root == null) {
            throw invalid("root.cert", config.root_cert(), "a PEM file of client CA certificates when"
                    + " use.mutual.auth is true");
        }
        return new Tls(cert, key, root, config.use_mutual_auth());
    }

    private static Path readable(String property, String file) {
        if (file == null || file.isBlank() || !Files.isReadable(Path.of(file.trim()))) {
            throw invalid(property, file, "a readable PEM file when use.ssl is true");
        }
        return Path.of(file.trim());
    }

    private static Pattern pattern(String regex) {
        if (regex == null || regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw invalid("forward.header.pattern", regex, "a Java regular expression (" + e.getDescription() + ")");
        }
    }

    private static Duration millis(String property, long value, long min) {
        if (value < min) {
            throw invalid(property, value, "milliseconds >= " + min);
        }
        return Duration.ofMillis(value);
    }

    private static int atLeast(String property, int value, int min) {
        if (value < min) {
            throw invalid(property, value, "at least " + min);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
