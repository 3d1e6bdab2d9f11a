package org.tritonosgi.api;

import java.util.List;

/** Server metadata as Triton reports it: its name (the server id), version and protocol extensions. */
public record ServerMetadata(String name, String version, List<String> extensions) {

    public ServerMetadata {
        extensions = List.copyOf(extensions);
    }
}
