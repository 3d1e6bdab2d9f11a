package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.tritonosgi.api.LogSettings;
import org.tritonosgi.api.TritonException;

/**
 * Applies Triton's log settings to Karaf's logging: the level of logger {@value #LOGGER} in Pax Logging's
 * configuration (PID {@value #PID}), as Karaf's own {@code log:set} does. A verbose level above 0 means DEBUG (each
 * request's model and outcome is logged at DEBUG), else the most detailed of info / warning / error that is on,
 * else OFF.
 */
final class PaxLogLevels {

    static final String PID = "org.ops4j.pax.logging";
    static final String LOGGER = "org.tritonosgi";
    private static final String PREFIX = "log4j2.logger.";

    private PaxLogLevels() {
    }

    static String level(LogSettings settings) {
        if (settings.verboseLevel() > 0) {
            return "DEBUG";
        }
        return settings.info() ? "INFO" : settings.warning() ? "WARN" : settings.error() ? "ERROR" : "OFF";
    }

    /**
     * Sets the level of {@value #LOGGER} in Pax Logging's configuration, reusing an entry that already names that
     * logger (Karaf allows one per name) or adding {@code log4j2.logger.tritonosgi}.
     *
     * @throws TritonException INTERNAL when the configuration cannot be written
     */
    static void apply(ConfigurationAdmin admin, LogSettings settings) {
        try {
            Configuration configuration = admin.getConfiguration(PID, null);
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            String key = null;
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String candidate = keys.nextElement();
                if (candidate.startsWith(PREFIX) && candidate.endsWith(".name")
                        && LOGGER.equals(String.valueOf(properties.get(candidate)).trim())) {
                    key = candidate.substring(0, candidate.length() - ".name".length());
                }
            }
            if (key == null) {
                key = PREFIX + "tritonosgi";
                properties.put(key + ".name", LOGGER);
            }
            String level = level(settings);
            if (level.equals(properties.get(key + ".level"))) {
                return;
            }
            properties.put(key + ".level", level);
            configuration.update(properties);
        } catch (IOException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "cannot update Karaf's logging configuration",
                    e);
        }
    }
}
