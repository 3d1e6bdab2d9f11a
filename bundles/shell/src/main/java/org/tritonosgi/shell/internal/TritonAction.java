package org.tritonosgi.shell.internal;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;

/**
 * Base of the triton:* actions: the work happens in {@link #execute(PrintStream)}, which tests call without a
 * Karaf session. A {@link UserError} becomes one line on the error stream; anything else is a failure and is thrown
 * for Karaf to report.
 */
abstract class TritonAction implements Action {

    @Override
    public final Object execute() throws Exception {
        // Karaf binds System.out and System.err to the calling session's terminal.
        execute(System.out, System.err);
        return null;
    }

    /** Runs the command; returns false when it printed a user error instead. */
    final boolean execute(PrintStream out, PrintStream err) throws Exception {
        try {
            execute(out);
            return true;
        } catch (UserError e) {
            err.println(e.getMessage());
            return false;
        }
    }

    abstract void execute(PrintStream out) throws Exception;
}
