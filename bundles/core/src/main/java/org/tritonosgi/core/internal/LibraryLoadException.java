package org.tritonosgi.core.internal;

/**
 * libtritonserver could not be loaded or is not the version we need. It carries no stack trace, so DS logs one line
 * that names the PID and the property to set.
 */
final class LibraryLoadException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    LibraryLoadException(String path, String reason) {
        this("PID " + Settings.PID + ": cannot load libtritonserver from "
                + (path.isEmpty() ? "'" + TritonLibrary.DEFAULT_NAME + "' (system lookup; set property library.path)"
                        : "'" + path + "' (property library.path)")
                + ": " + reason);
    }

    LibraryLoadException(String message) {
        super(message);
        setStackTrace(new StackTraceElement[0]);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
