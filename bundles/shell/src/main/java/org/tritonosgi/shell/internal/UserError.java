package org.tritonosgi.shell.internal;

/** An operator's mistake or a refused request: the command prints the message, with no stack trace. */
final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message, null, false, false);
    }
}
