package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibraryLoadTest extends DoubleTest {

    @Test
    void missingLibraryGivesOneLineNamingThePidAndProperty() {
        LibraryLoadException error = assertThrows(LibraryLoadException.class,
                () -> TritonLibrary.load("/nonexistent/libtritonserver.so"));

        assertTrue(error.getMessage().startsWith("PID org.tritonosgi.core: cannot load libtritonserver from "
                + "'/nonexistent/libtritonserver.so' (property library.path): "), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
        assertEquals(0, error.getStackTrace().length, "DS logs the message alone");
    }

    @Test
    void systemLookupFailureSaysWhichPropertyToSet() {
        LibraryLoadException error = new LibraryLoadException("", "not found");

        assertEquals("PID org.tritonosgi.core: cannot load libtritonserver from 'tritonserver' (system lookup; "
                + "set property library.path): not found", error.getMessage());
    }

    @Test
    void anotherLibraryPathNeedsABundleRestart() {
        start();
        server.deactivate();
        server = null;

        LibraryLoadException error = assertThrows(LibraryLoadException.class,
                () -> start("library.path", "/opt/tritonserver/lib/libtritonserver.so"));
        assertTrue(error.getMessage().contains("restart bundle org.tritonosgi.core"), error.getMessage());
        server = null;
    }

    @Test
    void anotherMajorApiVersionIsRefused() {
        DoubleControl.double_set_api_version(2, 34);

        LibraryLoadException error = assertThrows(LibraryLoadException.class, () -> start());
        assertEquals("PID org.tritonosgi.core: cannot load libtritonserver from '" + DoubleControl.LIBRARY
                + "' (property library.path): the library implements TRITONSERVER API 2.34, this bundle needs 1.34 "
                + "or a later 1.x", error.getMessage());
        server = null;
    }

    @Test
    void anOlderMinorApiVersionIsRefusedAndANewerOneAccepted() {
        DoubleControl.double_set_api_version(1, 33);
        assertThrows(LibraryLoadException.class, () -> start());
        server = null;

        DoubleControl.double_set_api_version(1, 40);
        assertTrue(start().isLive());
    }
}
