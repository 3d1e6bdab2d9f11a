package org.tritonosgi.api.frontend;

/**
 * Extra frontends are factory configurations whose settings are checked by the same code as the singleton PID's,
 * so their messages start with the singleton's PID; this names the factory configuration's own PID instead.
 */
public final class FactoryPids {

    private FactoryPids() {
    }

    /**
     * @param e an error whose message may start with {@code "PID <singletonPid>:"}
     * @return an error of the same kind (IllegalArgumentException or IllegalStateException) whose message starts
     *         with {@code "PID <instancePid>:"}, or {@code e} itself when its message names no such PID
     */
    public static RuntimeException renamed(RuntimeException e, String singletonPid, String instancePid) {
        String singleton = "PID " + singletonPid + ":";
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (!message.startsWith(singleton)) {
            return e;
        }
        String text = "PID " + instancePid + ":" + message.substring(singleton.length());
        return e instanceof IllegalStateException ? new IllegalStateException(text, e)
                : new IllegalArgumentException(text, e);
    }
}
