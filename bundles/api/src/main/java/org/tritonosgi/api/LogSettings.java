package org.tritonosgi.api;

/**
 * The server's log settings, as Triton's logging endpoints exchange them.
 *
 * @param logFile      where the log goes ("" for the platform's log); read-only through the API
 * @param verboseLevel 0 = no verbose logging
 * @param format       "default" or "ISO8601"
 */
public record LogSettings(String logFile, boolean info, boolean warning, boolean error, int verboseLevel,
        String format) {
}
