package org.tritonosgi.http.internal;

import java.util.EnumMap;
import java.util.Map;

/**
 * Triton's restricted APIs: endpoint groups that answer only requests carrying a given header and value.
 * Parsed from {@code '<group>[,<group>...]:<header>=<value>'} entries, as Triton's option writes them.
 */
final class Restrictions {

    /** The header a group requires. */
    record Header(String name, String value) {
    }

    static final Restrictions NONE = new Restrictions(new EnumMap<>(Route.Group.class));

    private final Map<Route.Group, Header> required;

    private Restrictions(Map<Route.Group, Header> required) {
        this.required = required;
    }

    /** The header the group requires, or null when the group is open. */
    Header required(Route.Group group) {
        return required.get(group);
    }

    /**
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    static Restrictions parse(String[] entries) {
        Map<Route.Group, Header> required = new EnumMap<>(Route.Group.class);
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            int equals = entry.indexOf('=', colon + 1);
            if (colon <= 0 || equals <= colon + 1) {
                throw new IllegalArgumentException("'" + entry + "' must be <group>[,<group>...]:<header>=<value>");
            }
            Header header = new Header(entry.substring(colon + 1, equals).trim(), entry.substring(equals + 1).trim());
            for (String name : entry.substring(0, colon).split(",")) {
                Route.Group group = Route.Group.named(name.trim());
                if (group == null) {
                    throw new IllegalArgumentException("'" + entry + "' names unknown group '" + name.trim()
                            + "'; groups are health, metadata, inference, shared-memory, model-config, "
                            + "model-repository, statistics, trace, logging");
                }
                if (required.put(group, header) != null) {
                    throw new IllegalArgumentException("group '" + name.trim() + "' is restricted more than once");
                }
            }
        }
        return new Restrictions(required);
    }
}
