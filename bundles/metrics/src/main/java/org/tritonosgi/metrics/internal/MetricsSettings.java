package org.tritonosgi.metrics.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Checked metrics frontend settings, built from PID {@code org.tritonosgi.metrics} or directly by tests. */
public record MetricsSettings(InetSocketAddress address, int threads) {

    static final String PID = "org.tritonosgi.metrics";

    /**
     * @throws IllegalArgumentException naming the PID, property and value that are wrong
     */
    static MetricsSettings from(MetricsConfig config) {
        if (config.port() < 0 || config.port() > 65535) {
            throw invalid("port", config.port(), "a TCP port from 0 to 65535");
        }
        if (config.thread_count() < 1) {
            throw invalid("thread.count", config.thread_count(), "at least 1");
        }
        try {
            return new MetricsSettings(new InetSocketAddress(InetAddress.getByName(config.address()), config.port()),
                    config.thread_count());
        } catch (UnknownHostException e) {
            throw invalid("address", config.address(), "an IP address or a resolvable host name");
        }
    }

    private static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }
}
