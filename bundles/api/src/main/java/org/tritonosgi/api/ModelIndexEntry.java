package org.tritonosgi.api;

/**
 * One row of the repository index.
 *
 * @param version the version, or 0 when the model's versions are not known (e.g. its configuration is invalid)
 * @param reason  why the version is not ready; "" when it is
 */
public record ModelIndexEntry(String name, long version, ModelState state, String reason) {

    public ModelIndexEntry {
        reason = reason == null ? "" : reason;
    }
}
