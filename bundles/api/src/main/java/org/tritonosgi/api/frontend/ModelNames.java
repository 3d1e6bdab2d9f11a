package org.tritonosgi.api.frontend;

import org.tritonosgi.api.TritonException;

/**
 * The one check every frontend applies to a model name taken from a request (path, RPC field), before any engine
 * sees it. A model is a folder of a repository, so a name that no folder can carry is refused here: empty,
 * {@code .} and {@code ..}, separators, control characters (NUL included), and names longer than a folder name may
 * be. Other names (shell metacharacters among them) are only looked up, never used as paths or commands.
 */
public final class ModelNames {

    /** Longest accepted name, in characters: the usual file-name limit. */
    public static final int MAX_LENGTH = 255;

    private ModelNames() {
    }

    /**
     * @param name a model name as the client sent it (already percent-decoded)
     * @throws TritonException INVALID_ARG naming the problem and the name, with control characters escaped so the
     *         message (and any log line quoting it) stays one plain line
     */
    public static void check(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw TritonException.invalidArg("invalid model name '" + printable(name) + "': " + problem);
        }
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a model name is required";
        }
        if (name.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'.' and '..' name no model";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return "it contains '" + c + "'; a model name is one folder name";
            }
            if (Character.isISOControl(c)) {
                return String.format("it contains the control character U+%04X", (int) c);
            }
        }
        return null;
    }

    /** The name with control characters as \\uXXXX and cut to 80 characters, for messages. */
    public static String printable(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 80; i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= 80 && name.length() > 80) {
            out.append("...");
        }
        return out.toString();
    }
}
