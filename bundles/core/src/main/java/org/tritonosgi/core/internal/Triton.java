package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.tritonosgi.api.TritonException;

/**
 * The facade's rules for every call: a TRITONSERVER_Error* becomes a {@link TritonException} with Triton's code
 * and message and is always deleted; a TRITONSERVER_Message is read as JSON and always deleted.
 */
final class Triton {

    /** The API version this binding was written against (c-api.md); the library's minor must be at least this. */
    static final int API_MAJOR = 1;
    static final int API_MINOR = 34;

    static final byte TRUE = 1;
    static final byte FALSE = 0;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TritonException.Code[] CODES = TritonException.Code.values();

    private Triton() {
    }

    /** Throws the error, if any, after deleting it. */
    static void check(Pointer error) {
        if (error != null) {
            throw toException(error);
        }
    }

    /** Reads code and message of an error we own, deletes it and returns the exception. */
    static TritonException toException(Pointer error) {
        try {
            return read(error);
        } finally {
            TRITONSERVER_ErrorDelete(error);
        }
    }

    /** Reads an error without deleting it (a response's own error). */
    static TritonException read(Pointer error) {
        int code = TRITONSERVER_ErrorCode(error);
        Pointer message = TRITONSERVER_ErrorMessage(error);
        return new TritonException(code >= 0 && code < CODES.length ? CODES[code] : TritonException.Code.UNKNOWN,
                message == null ? "" : message.getString(0, "UTF-8"));
    }

    static byte bool(boolean value) {
        return value ? TRUE : FALSE;
    }

    static String string(Pointer utf8) {
        return utf8 == null ? "" : utf8.getString(0, "UTF-8");
    }

    /** Parses a message returned through {@code out} by a call that succeeded, then deletes it. */
    static JsonNode json(PointerByReference out) {
        Pointer message = out.getValue();
        try {
            PointerByReference base = new PointerByReference();
            LongByReference size = new LongByReference();
            check(TRITONSERVER_MessageSerializeToJson(message, base, size));
            byte[] bytes = base.getValue() == null ? new byte[0] : base.getValue().getByteArray(0,
                    Math.toIntExact(size.getValue()));
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "libtritonserver returned invalid JSON: "
                    + e.getMessage());
        } finally {
            check(TRITONSERVER_MessageDelete(message));
        }
    }

    /**
     * Checks the loaded library's API version: the major must match and the minor be at least {@link #API_MINOR}.
     *
     * @throws LibraryLoadException naming the versions
     */
    static String checkApiVersion(String path) {
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        Pointer error = TRITONSERVER_ApiVersion(major, minor);
        if (error != null) {
            throw new LibraryLoadException(path, "TRITONSERVER_ApiVersion failed: " + toException(error).getMessage());
        }
        String found = Integer.toUnsignedString(major.getValue()) + "." + Integer.toUnsignedString(minor.getValue());
        if (major.getValue() != API_MAJOR || Integer.compareUnsigned(minor.getValue(), API_MINOR) < 0) {
            throw new LibraryLoadException(path, "the library implements TRITONSERVER API " + found
                    + ", this bundle needs " + API_MAJOR + "." + API_MINOR + " or a later " + API_MAJOR + ".x");
        }
        return found;
    }

    static byte[] utf8z(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }
}
