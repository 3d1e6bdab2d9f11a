package org.tritonosgi.tracing.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tritonosgi.api.TritonException;

/**
 * One scope's trace settings (global, or a model's overrides applied over them) as Triton's trace settings object
 * has them. Levels: an empty list is OFF.
 */
record TraceSettings(List<String> levels, long rate, long count, long logFrequency) {

    static final Set<String> KEYS = Set.of("trace_level", "trace_rate", "trace_count", "log_frequency");
    static final Set<String> LEVELS = Set.of("TIMESTAMPS", "TENSORS");

    TraceSettings {
        levels = List.copyOf(levels);
    }

    boolean off() {
        return levels.isEmpty();
    }

    /**
     * These settings with the given entries applied (keys of {@link #KEYS}, each with one value, or the levels).
     *
     * @throws TritonException INVALID_ARG naming the key and value that are wrong
     */
    TraceSettings with(Map<String, List<String>> entries) {
        List<String> newLevels = levels;
        long newRate = rate;
        long newCount = count;
        long newFrequency = logFrequency;
        for (Map.Entry<String, List<String>> entry : entries.entrySet()) {
            List<String> values = entry.getValue();
            switch (entry.getKey()) {
                case "trace_level" -> newLevels = levels(values);
                case "trace_rate" -> newRate = number(entry.getKey(), values, 1);
                case "trace_count" -> newCount = number(entry.getKey(), values, -1);
                case "log_frequency" -> newFrequency = number(entry.getKey(), values, 0);
                default -> throw TritonException.invalidArg("unknown trace setting '" + entry.getKey() + "'");
            }
        }
        return new TraceSettings(newLevels, newRate, newCount, newFrequency);
    }

    private static List<String> levels(List<String> values) {
        if (values.isEmpty()) {
            throw TritonException.invalidArg("trace setting 'trace_level' needs a value");
        }
        if (values.size() == 1 && values.get(0).equals("OFF")) {
            return List.of();
        }
        List<String> levels = new ArrayList<>();
        for (String value : values) {
            if (!LEVELS.contains(value)) {
                throw TritonException.invalidArg("trace setting 'trace_level' value '" + value + "' is not one of "
                        + "OFF, TIMESTAMPS, TENSORS (OFF alone)");
            }
            if (!levels.contains(value)) {
                levels.add(value);
            }
        }
        return levels;
    }

    private static long number(String key, List<String> values, long min) {
        if (values.size() != 1) {
            throw TritonException.invalidArg("trace setting '" + key + "' takes one value, got " + values.size());
        }
        try {
            long value = Long.parseLong(values.get(0).trim());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw TritonException.invalidArg("trace setting '" + key + "' value '" + values.get(0)
                + "' is not an integer >= " + min);
    }

    /** Triton's settings object: every key, values as strings. */
    Map<String, List<String>> toMap(String endpoint) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("trace_level", off() ? List.of("OFF") : levels);
        map.put("trace_rate", List.of(Long.toString(rate)));
        map.put("trace_count", List.of(Long.toString(count)));
        map.put("log_frequency", List.of(Long.toString(logFrequency)));
        map.put("trace_file", List.of(""));
        map.put("trace_mode", List.of("opentelemetry"));
        map.put("url", List.of(endpoint));
        return map;
    }
}
