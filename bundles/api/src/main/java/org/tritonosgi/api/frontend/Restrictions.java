package org.tritonosgi.api.frontend;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Triton's restricted endpoint groups: groups that answer only requests carrying a given header and value.
 * Parsed from {@code '<group>[,<group>...]:<header>=<value>'} entries, as Triton's options write them. Immutable.
 */
public final class Restrictions {

    /** The header (as configured) and the exact value a restricted group requires. */
    public record Header(String name, String value) {
    }

    /** No group restricted. */
    public static final Restrictions NONE = new Restrictions(new EnumMap<>(EndpointGroup.class));

    private static final String GROUPS = Stream.of(EndpointGroup.values()).map(EndpointGroup::tritonName)
            .collect(Collectors.joining(", "));

    private final Map<EndpointGroup, Header> required;

    private Restrictions(Map<EndpointGroup, Header> required) {
        this.required = required;
    }

    /** The header the group requires, or null when the group is open. */
    public Header required(EndpointGroup group) {
        return required.get(group);
    }

    /** Whether no group is restricted. */
    public boolean isEmpty() {
        return required.isEmpty();
    }

    /**
     * Parses Triton's entries; null, blank entries and a null array restrict nothing.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static Restrictions parse(String... entries) {
        Map<EndpointGroup, Header> required = new EnumMap<>(EndpointGroup.class);
        for (String entry : entries == null ? new String[0] : entries) {
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
                EndpointGroup group = EndpointGroup.named(name.trim());
                if (group == null) {
                    throw new IllegalArgumentException("'" + entry + "' names unknown group '" + name.trim()
                            + "'; groups are " + GROUPS);
                }
                if (required.put(group, header) != null) {
                    throw new IllegalArgumentException("group '" + name.trim() + "' is restricted more than once");
                }
            }
        }
        return required.isEmpty() ? NONE : new Restrictions(required);
    }

    @Override
    public String toString() {
        return required.toString();
    }
}
