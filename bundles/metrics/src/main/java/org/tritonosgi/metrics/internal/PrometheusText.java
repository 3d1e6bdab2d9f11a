package org.tritonosgi.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prometheus text exposition (format 0.0.4), written here rather than with a metrics library because the
 * Prometheus Java client 1.x and Micrometer both append {@code _total} to counter names, and Triton's names
 * ({@code nv_inference_count}) have none: unchanged dashboards and queries depend on them.
 */
final class PrometheusText {

    /** One metric family: name, help, type and its samples in order. */
    static final class Family {
        private final String name;
        private final String help;
        private final String type;
        private final List<String> samples = new ArrayList<>();

        Family(String name, String help, String type) {
            this.name = name;
            this.help = help;
            this.type = type;
        }

        /** Adds a sample with labels in the given order. */
        Family sample(Map<String, String> labels, double value) {
            StringBuilder line = new StringBuilder(name);
            if (!labels.isEmpty()) {
                line.append('{');
                boolean first = true;
                for (Map.Entry<String, String> label : labels.entrySet()) {
                    line.append(first ? "" : ",").append(label.getKey()).append("=\"").append(escape(label.getValue()))
                            .append('"');
                    first = false;
                }
                line.append('}');
            }
            samples.add(line.append(' ').append(number(value)).toString());
            return this;
        }

        void writeTo(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            samples.forEach(sample -> out.append(sample).append('\n'));
        }
    }

    private PrometheusText() {
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    static String write(List<Family> families) {
        StringBuilder out = new StringBuilder();
        families.forEach(family -> family.writeTo(out));
        return out.toString();
    }
}
