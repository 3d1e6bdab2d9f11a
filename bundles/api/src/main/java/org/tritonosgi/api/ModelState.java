package org.tritonosgi.api;

/** The state of one model version, as the repository index reports it. */
public enum ModelState {
    UNKNOWN, READY, UNAVAILABLE, LOADING, UNLOADING
}
