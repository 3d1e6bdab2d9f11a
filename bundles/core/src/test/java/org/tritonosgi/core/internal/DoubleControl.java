package org.tritonosgi.core.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** The control functions of the C test double (src/test/c), bound to the library the tests load. */
final class DoubleControl {

    static final String LIBRARY = System.getProperty("tritonosgi.double.library", "target/native/libtritonserver.so");
    static final String[] TYPES = {"request", "response", "error", "message", "allocator", "server", "options",
        "parameter", "buffer"};

    static {
        Native.register(DoubleControl.class, NativeLibrary.getInstance(LIBRARY));
    }

    private DoubleControl() {
    }

    static native void double_fail_next(String functionName, int code);

    static native long double_live(String type);

    static native void double_set_delay_ms(long delayMs);

    static native void double_set_api_version(int major, int minor);

    static native void double_reset();
}
