package org.tritonosgi.http.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Checked HTTP frontend settings, built from PID {@code org.tritonosgi.http} or directly by tests. */
public record HttpSettings(InetSocketAddress address, int threads, int maxInputSize) {

    static final String PID = "org.tritonosgi.http";

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
        return new HttpSettings(new InetSocketAddress(host, config.port()), config.thread_count(),
                config.max_input_size());
    }

    private static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
