package org.tritonosgi.http.internal;

import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.tritonosgi.api.frontend.Restrictions;

/**
 * Checked HTTP frontend settings, built from PID {@code org.tritonosgi.http} or directly by tests.
 *
 * @param headerForward request headers forwarded to the model as parameters, or null for none
 * @param tls the TLS context read from the configured files at activation, or null for plain HTTP
 * @param allowClientShm whether clients may register system shared-memory regions (allow.client.shm)
 */
public record HttpSettings(InetSocketAddress address, boolean reusePort, int threads, int maxInputSize,
        Pattern headerForward, Restrictions restrictions, Tls tls, boolean allowClientShm) {

    static final String PID = "org.tritonosgi.http";

    /** The server's TLS context (JDK provider) and whether it requires client certificates. */
    public record Tls(SslContext context, boolean mutual) {
    }

    /** Loopback-style settings for tests: plain HTTP, no forwarding, no restrictions. */
    public static HttpSettings of(InetSocketAddress address, int threads, int maxInputSize) {
        return new HttpSettings(address, false, threads, maxInputSize, null, Restrictions.NONE, null, false);
    }

    HttpSettings withHeaderForward(String pattern) {
        return new HttpSettings(address, reusePort, threads, maxInputSize, Pattern.compile(pattern), restrictions,
                tls, allowClientShm);
    }

    HttpSettings withRestrictions(String... entries) {
        return new HttpSettings(address, reusePort, threads, maxInputSize, headerForward,
                Restrictions.parse(entries), tls, allowClientShm);
    }

    HttpSettings withClientShm(boolean allow) {
        return new HttpSettings(address, reusePort, threads, maxInputSize, headerForward, restrictions, tls, allow);
    }

    /**
     * @throws IllegalArgumentException naming the PID, property and value that are wrong
     */
    static HttpSettings from(HttpConfig config) {
        if (config.port() < 0 || config.port() > 65535) {
            throw invalid("port", config.port(), "a TCP port from 0 to 65535");
        }
        if (config.thread_count() < 1) {
            throw invalid("thread.count", config.thread_count(), "at least 1");
        }
        if (config.max_input_size() < 1) {
            throw invalid("max.input.size", config.max_input_size(), "a size in bytes of at least 1");
        }
        InetAddress host;
        try {
            host = InetAddress.getByName(config.address());
        } catch (UnknownHostException e) {
            throw invalid("address", config.address(), "an IP address or a resolvable host name");
        }
        Pattern forward = null;
        if (!config.header_forward_pattern().isEmpty()) {
            try {
                forward = Pattern.compile(config.header_forward_pattern(), Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw invalid("header.forward.pattern", config.header_forward_pattern(),
                        "a regular expression (" + e.getDescription() + ")");
            }
        }
        Restrictions restrictions;
        try {
            restrictions = Restrictions.parse(config.restricted_api());
        } catch (IllegalArgumentException e) {
            throw invalid("restricted.api", String.join(" ", config.restricted_api()), e.getMessage());
        }
        return new HttpSettings(new InetSocketAddress(host, config.port()), config.reuse_port(), config.thread_count(),
                config.max_input_size(), forward, restrictions, TlsFiles.load(config), config.allow_client_shm());
    }

    static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
